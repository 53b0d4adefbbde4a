// GprPipelineProcessor: the streaming GPR pipeline (dsp::GprPipeline) as the Runtime's
// TraceProcessor — what a handheld GPR unit runs on its DSP thread.
//
// Why a thin adapter: the pipeline is pure DSP (no threads, no clocks); the runtime only needs
// process/flush. Flushing on a disconnect reports a target whose peak was cut by the outage
// instead of merging it with whatever comes after the reconnect.
// Units, latency: those of GprPipeline. No allocation, no lock, noexcept.
#pragma once

#include <span>

#include "deminer/drivers/runtime/runtime.hpp"
#include "deminer/dsp/pipeline/gpr_pipeline.hpp"

namespace deminer::drivers {

class GprPipelineProcessor final : public TraceProcessor {
 public:
  // Throws std::invalid_argument like GprPipeline.
  explicit GprPipelineProcessor(const dsp::GprPipeline::Config& config) : pipeline_(config) {}

  std::size_t process(const dsp::TraceView& trace,
                      std::span<dsp::Detection> out) noexcept override {
    return pipeline_.process(trace, out);
  }
  std::size_t flush(std::span<dsp::Detection> out) noexcept override {
    return pipeline_.flush(out);
  }

  [[nodiscard]] const dsp::GprPipeline& pipeline() const noexcept { return pipeline_; }

 private:
  dsp::GprPipeline pipeline_;
};

}  // namespace deminer::drivers
