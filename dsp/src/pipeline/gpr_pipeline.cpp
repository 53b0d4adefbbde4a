#include "deminer/dsp/pipeline/gpr_pipeline.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "gpr_stages.hpp"
#include "overloaded.hpp"

namespace deminer::dsp {

namespace {

using detail::Overloaded;

std::variant<CfarDetector, EnergyDetector> make_detector(const GprDetectorConfig& config,
                                                         std::size_t samples) {
  return std::visit(
      [&](const auto& c) -> std::variant<CfarDetector, EnergyDetector> {
        using Block =
            std::conditional_t<std::is_same_v<std::decay_t<decltype(c)>, CfarDetector::Config>,
                               CfarDetector, EnergyDetector>;
        return std::variant<CfarDetector, EnergyDetector>(std::in_place_type<Block>, c, samples);
      },
      config);
}

std::vector<std::unique_ptr<TraceStage>> make_stages(const GprPipeline::Config& config) {
  if (config.samples_per_trace < 1 || config.samples_per_trace > 1'000'000) {
    throw std::invalid_argument("GprPipeline: samples_per_trace " +
                                std::to_string(config.samples_per_trace) +
                                " is out of range [1, 1000000]");
  }
  std::vector<std::unique_ptr<TraceStage>> stages;
  for (std::size_t i = 0; i < config.stages.size(); ++i) {
    try {
      stages.push_back(detail::make_gpr_stage(config.stages[i], config.samples_per_trace));
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument("stages[" + std::to_string(i) + "] (" +
                                  std::string(stage_type_name(config.stages[i])) +
                                  "): " + e.what());
    }
  }
  return stages;
}

std::variant<CfarDetector, EnergyDetector> checked_detector(const GprPipeline::Config& config) {
  try {
    return make_detector(config.detector, config.samples_per_trace);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument("detector (" + std::string(detector_type_name(config.detector)) +
                                "): " + e.what());
  }
}

// The sign of the sample of largest magnitude (+1 for an all-zero trace). The highest and the
// lowest sample decide it in one pass of plain comparisons; only a tie between +a and -a needs
// the first of them, as std::max_element by magnitude would give.
int sign_of_largest(std::span<const float> samples) noexcept {
  float highest = 0.0f;
  float lowest = 0.0f;
  for (const float x : samples) {
    highest = x > highest ? x : highest;
    lowest = x < lowest ? x : lowest;
  }
  if (-lowest != highest) return -lowest > highest ? -1 : 1;
  const auto first = std::find_if(samples.begin(), samples.end(),
                                  [&](float x) { return x == highest || x == lowest; });
  return first != samples.end() && *first < 0.0f ? -1 : 1;
}

}  // namespace

std::string_view stage_type_name(const GprStageConfig& stage) noexcept {
  return std::visit(
      Overloaded{
          [](const Dewow::Config&) { return std::string_view("dewow"); },
          [](const FixedTimeZero::Config&) { return std::string_view("fixed_time_zero"); },
          [](const TimeZeroAligner::Config&) { return std::string_view("time_zero"); },
          [](const BackgroundRemoval::Config&) { return std::string_view("background_removal"); },
          [](const BandPass::Config&) { return std::string_view("band_pass"); },
          [](const ButterworthFilter::Config&) { return std::string_view("butterworth"); },
          [](const TPowerGain::Config&) { return std::string_view("t_power_gain"); },
          [](const ExponentialGain::Config&) { return std::string_view("exponential_gain"); },
          [](const AgcGain::Config&) { return std::string_view("agc"); },
          [](const TraceStacker::Config&) { return std::string_view("stack"); },
          [](const DistanceNormaliser::Config&) { return std::string_view("distance_normalise"); },
          [](const KirchhoffMigration::Config&) { return std::string_view("kirchhoff_migration"); },
      },
      stage);
}

std::string_view detector_type_name(const GprDetectorConfig& detector) noexcept {
  return std::holds_alternative<CfarDetector::Config>(detector) ? "cfar" : "energy";
}

AntennaGeometry& GprPipeline::Config::geometry() noexcept {
  return std::visit([](auto& c) -> AntennaGeometry& { return c.geometry; }, detector);
}

const AntennaGeometry& GprPipeline::Config::geometry() const noexcept {
  return std::visit([](const auto& c) -> const AntennaGeometry& { return c.geometry; }, detector);
}

GprPipeline::Config GprPipeline::default_config() {
  return default_config_for(1.5e9, 0.05e-9, 512);
}

GprPipeline::Config GprPipeline::default_config_for(double centre_frequency_hz, double dt_s,
                                                    std::size_t samples_per_trace) {
  if (!(centre_frequency_hz > 0.0) || !(dt_s > 0.0) || samples_per_trace < 1 ||
      centre_frequency_hz * dt_s > 0.4) {
    throw std::invalid_argument(
        "GprPipeline::default_config_for: need centre frequency > 0, dt > 0, samples > 0 and a "
        "centre frequency below 0.4 of the sampling rate (got " +
        std::to_string(centre_frequency_hz) + " Hz, dt " + std::to_string(dt_s) + " s, " +
        std::to_string(samples_per_trace) + " samples)");
  }
  const double period_samples = 1.0 / (centre_frequency_hz * dt_s);
  const double nyquist_hz = 0.5 / dt_s;
  auto samples = [&](double periods) {
    return static_cast<std::size_t>(std::max(1.0, std::round(periods * period_samples)));
  };
  Config config;
  config.samples_per_trace = samples_per_trace;
  Dewow::Config dewow;
  dewow.window_samples = samples(3.0) | 1U;  // odd
  BandPass::Config band;
  band.sample_interval_s = dt_s;
  band.low_hz = 0.2 * centre_frequency_hz;
  band.high_hz = std::min(8.0 / 3.0 * centre_frequency_hz, 0.8 * nyquist_hz);
  band.taper_hz = std::min(0.4 * band.low_hz, nyquist_hz - band.high_hz);
  BackgroundRemoval::Config background;
  background.window_traces = 50;
  config.stages = {dewow, band, background};

  CfarDetector::Config cfar;
  cfar.geometry = {0.05, 0.05, 6.0};
  cfar.gate_length_s = static_cast<double>(samples_per_trace) * dt_s;
  cfar.cell_samples = samples(0.6);
  cfar.features.sample_interval_s = dt_s;
  cfar.features.window_samples = std::max<std::size_t>(samples(9.6), 8);
  cfar.window_lead_samples = std::min(samples(1.2), cfar.features.window_samples / 2);
  const double edges[] = {1.0 / 6.0, 0.5, 5.0 / 6.0, 7.0 / 6.0, 1.5};
  for (std::size_t i = 0; i < cfar.features.band_edges_hz.size(); ++i) {
    // Kept strictly increasing below Nyquist for coarse sampling.
    cfar.features.band_edges_hz[i] =
        std::min(edges[i] * centre_frequency_hz, nyquist_hz * (0.5 + 0.1 * static_cast<double>(i)));
  }
  config.detector = cfar;
  return config;
}

GprPipeline::GprPipeline(const Config& config)
    : config_(config),
      stages_(make_stages(config)),
      detector_(checked_detector(config)),
      envelope_block_(config.samples_per_trace),
      samples_(config.samples_per_trace),
      slot_{{}, samples_},
      last_signal_(config.samples_per_trace),
      envelope_(config.samples_per_trace) {}

GprPipeline::~GprPipeline() = default;

std::uint64_t GprPipeline::dropped_detections() const noexcept {
  return std::visit([](const auto& d) { return d.dropped_detections(); }, detector_);
}

void GprPipeline::set_background_reference(std::span<const float> reference) {
  for (auto& stage : stages_) {
    if (auto* background = detail::background_of(*stage)) background->set_reference(reference);
  }
}

std::size_t GprPipeline::detect(std::span<Detection> out) noexcept {
  envelope_block_.process(slot_.samples, envelope_);
  std::copy(slot_.samples.begin(), slot_.samples.end(), last_signal_.begin());
  last_header_ = slot_.header;
  last_size_ = slot_.samples.size();
  if (observer_ != nullptr) observer_->on_trace(last_header_, last_signal(), last_envelope());
  return std::visit(
      Overloaded{
          [&](CfarDetector& d) { return d.process(slot_.header, slot_.samples, envelope_, out); },
          [&](EnergyDetector& d) { return d.process(slot_.header, envelope_, out); },
      },
      detector_);
}

// Gives the trace in slot_ to stages[stage..] and on to the detector, then whatever that stage
// has ready besides.
std::size_t GprPipeline::feed(std::size_t stage, std::span<Detection> out) noexcept {
  if (stage == stages_.size()) return detect(out);
  std::size_t written = 0;
  if (stages_[stage]->process(slot_)) written += feed(stage + 1, out.subspan(written));
  while (stages_[stage]->next(slot_, false)) written += feed(stage + 1, out.subspan(written));
  return written;
}

std::size_t GprPipeline::process(const TraceView& trace, std::span<Detection> out) noexcept {
  if (trace.samples.size() != config_.samples_per_trace || !(trace.header.dt_s > 0.0)) {
    ++rejected_;
    return 0;
  }
  if (config_.wavelet_polarity == WaveletPolarity::measure) {
    if (auto* cfar = std::get_if<CfarDetector>(&detector_)) {
      cfar->set_wavelet_polarity(sign_of_largest(trace.samples));
    }
  }
  slot_.header = trace.header;
  std::copy(trace.samples.begin(), trace.samples.end(), samples_.begin());
  return feed(0, out);
}

std::size_t GprPipeline::process(std::span<const TraceView> traces,
                                 std::span<Detection> out) noexcept {
  std::size_t written = 0;
  for (const TraceView& trace : traces) written += process(trace, out.subspan(written));
  return written;
}

std::size_t GprPipeline::flush(std::span<Detection> out) noexcept {
  std::size_t written = 0;
  for (std::size_t stage = 0; stage < stages_.size(); ++stage) {
    while (stages_[stage]->next(slot_, true)) written += feed(stage + 1, out.subspan(written));
  }
  written += std::visit([&](auto& d) { return d.flush(out.subspan(written)); }, detector_);
  return written;
}

void GprPipeline::reset() noexcept {
  for (auto& stage : stages_) stage->reset();
  std::visit([](auto& d) { d.reset(); }, detector_);
  envelope_block_.reset();
  last_header_ = {};
  last_size_ = 0;
  rejected_ = 0;
}

}  // namespace deminer::dsp
