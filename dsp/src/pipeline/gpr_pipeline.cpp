#include "deminer/dsp/pipeline/gpr_pipeline.hpp"

namespace deminer::dsp {

GprPipeline::Config GprPipeline::default_config() {
  Config config;
  config.samples_per_trace = 512;
  config.dewow.window_samples = 41;      // 2 ns: three periods at 1.5 GHz
  config.background.window_traces = 50;  // 50 cm of track at 1 cm spacing
  config.detector.geometry = {0.05, 0.05, 6.0};
  return config;
}

GprPipeline::GprPipeline(const Config& config)
    : config_(config),
      dewow_(config.dewow, config.samples_per_trace),
      background_(config.background, config.samples_per_trace),
      envelope_block_(config.samples_per_trace),
      detector_(config.detector, config.samples_per_trace),
      signal_(config.samples_per_trace),
      envelope_(config.samples_per_trace) {}

std::size_t GprPipeline::process(const TraceView& trace, std::span<Detection> out) noexcept {
  if (trace.samples.size() != config_.samples_per_trace || !(trace.header.dt_s > 0.0)) {
    ++rejected_;
    return 0;
  }
  dewow_.process(trace.samples, signal_);
  background_.process(signal_, signal_);
  envelope_block_.process(signal_, envelope_);
  last_header_ = trace.header;
  last_size_ = signal_.size();
  return detector_.process(trace.header, envelope_, out);
}

std::size_t GprPipeline::process(std::span<const TraceView> traces,
                                 std::span<Detection> out) noexcept {
  std::size_t written = 0;
  for (const TraceView& trace : traces) written += process(trace, out.subspan(written));
  return written;
}

std::size_t GprPipeline::flush(std::span<Detection> out) noexcept { return detector_.flush(out); }

void GprPipeline::reset() noexcept {
  dewow_.reset();
  background_.reset();
  envelope_block_.reset();
  detector_.reset();
  last_header_ = {};
  last_size_ = 0;
  rejected_ = 0;
}

}  // namespace deminer::dsp
