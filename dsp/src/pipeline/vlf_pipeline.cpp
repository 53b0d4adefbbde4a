#include "deminer/dsp/pipeline/vlf_pipeline.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "../core/check_range.hpp"

namespace deminer::dsp {

namespace {

using md::EventDetector;

md::VlfCalibration::Config calibration_config(const VlfPipeline::Config& c) {
  md::VlfCalibration::Config out = c.calibration;
  out.tone_count = c.demodulator.tone_count;
  return out;
}

double channel_rate(const VlfPipeline::Config& c) {
  // Validated by the demodulator (constructed first); guarded here against a zero window.
  return c.demodulator.sample_rate_hz /
         static_cast<double>(std::max<std::size_t>(c.demodulator.window_samples, 1));
}

md::VlfMotionFilter::Config motion_config(const VlfPipeline::Config& c) {
  md::VlfMotionFilter::Config out = c.motion_filter;
  out.channel_rate_hz = channel_rate(c);
  return out;
}

md::VlfPinpoint::Config pinpoint_config(const VlfPipeline::Config& c) {
  md::VlfPinpoint::Config out = c.pinpoint;
  out.channel_rate_hz = channel_rate(c);
  return out;
}

const VlfPipeline::Config& checked(const VlfPipeline::Config& c) {
  detail::check_range("VlfPipeline", "max_block_samples", static_cast<double>(c.max_block_samples),
                      1, 1e8);
  detail::check_range("VlfPipeline", "clutter_window", static_cast<double>(c.clutter_window), 16,
                      65536);
  if (c.max_event_samples != 0) {
    detail::check_range("VlfPipeline", "max_event_samples",
                        static_cast<double>(c.max_event_samples), 16, 1e9);
  }
  return c;
}

// The clutter estimate is an event detector of its own: the same robust σ, over its own window.
md::EventDetector::Config clutter_config(const VlfPipeline::Config& c) {
  md::EventDetector::Config e = c.events;
  e.noise_window = std::max<std::size_t>(c.clutter_window, 16);
  e.update_interval = std::min(e.update_interval, e.noise_window);
  e.warmup_samples = std::clamp<std::size_t>(e.warmup_samples, 8, e.noise_window);
  return e;
}

// Channel samples in 0.3 s: how far back the pinpoint level is taken as the reference of an event.
std::size_t pinpoint_lookback(const VlfPipeline::Config& c) {
  const double channel_rate_hz =
      c.demodulator.sample_rate_hz / static_cast<double>(c.demodulator.window_samples);
  return std::max<std::size_t>(1, static_cast<std::size_t>(0.3 * channel_rate_hz));
}

bool same_frequency(double a, double b) noexcept { return std::abs(a - b) <= 1e-9 * std::abs(b); }

}  // namespace

VlfPipeline::VlfPipeline(const Config& config)
    : config_(checked(config)),
      demodulator_(config.demodulator),
      calibration_(calibration_config(config)),
      motion_filter_(motion_config(config)),
      ground_balance_(config.ground_balance),
      pinpoint_(pinpoint_config(config)),
      events_(config.events),
      target_id_(config.target_id),
      tone_count_(config.demodulator.tone_count),
      max_windows_(demodulator_.windows_for(config.max_block_samples)),
      clutter_(clutter_config(config)),
      pinpoint_history_(pinpoint_lookback(config)),
      pinpoint_mode_(config.pinpoint_mode) {
  detail::check_range("VlfPipeline", "detection_tone", static_cast<double>(config.detection_tone),
                      0, static_cast<double>(tone_count_ - 1));
  config_.calibration = calibration_config(config);
  config_.motion_filter = motion_config(config);
  config_.pinpoint = pinpoint_config(config);
  phasors_.resize(max_windows_ * tone_count_);
  balanced_.resize(max_windows_);
  pinpoint_values_.resize(max_windows_);
}

void VlfPipeline::reset() noexcept {
  demodulator_.reset();
  calibration_.reset();
  motion_filter_.reset();
  ground_balance_.reset();
  pinpoint_.reset();
  events_.reset();
  last_windows_ = 0;
  tone_ = {};
  event_tone_ = {};
  peak_ = {};
  channel_index_ = 0;
  pinpoint_history_.clear();
  clutter_.reset();
  pinpoint_mode_ = config_.pinpoint_mode;
  have_previous_ = false;
  rejected_blocks_ = 0;
  sequence_gaps_ = 0;
  bad_windows_ = 0;
  dropped_detections_ = 0;
  abandoned_events_ = 0;
}

bool VlfPipeline::accepts(const md::VlfBlockHeader& header) const noexcept {
  const auto& d = config_.demodulator;
  if (!same_frequency(header.sample_rate_hz, d.sample_rate_hz)) return false;
  if (header.tone_count != d.tone_count) return false;
  for (std::size_t k = 0; k < d.tone_count; ++k) {
    if (!same_frequency(header.tone_hz[k], d.tone_hz[k])) return false;
  }
  return true;
}

md::VlfTargetId::Identity VlfPipeline::identify(std::complex<float> response, float balanced,
                                                float snr) const noexcept {
  const float parallel = parallel_sigma();
  const float clutter_snr = parallel > 0.0f ? std::abs(balanced) / parallel : 0.0f;
  auto identity =
      target_id_.identify(balanced < 0.0f ? -response : response, std::min(snr, clutter_snr));
  identity.snr = snr;  // the clutter limits the identity, not the strength (the volume)
  return identity;
}

bool VlfPipeline::report(std::uint16_t channel, std::span<Detection> out) noexcept {
  const auto& event = events_.current_or_last_event();
  const auto identity = identify(peak_.response, peak_.balanced, event.peak_snr);
  event_tone_ = target_id_.tone(identity);
  if (out.empty()) {
    ++dropped_detections_;
    return false;
  }
  Detection& d = out[0];
  d = Detection{};
  d.sensor = Sensor::metal_detector;
  d.channel = channel;
  d.sequence = peak_.sequence;
  d.position_m = peak_.position_m;
  d.advance_m = peak_.advance_m;
  d.timestamp_ns = peak_.timestamp_ns;
  d.score = event.peak_snr;
  d.feature_count = static_cast<std::uint8_t>(VlfFeature::count);
  const auto set = [&d](VlfFeature f, float v) {
    d.feature_values[static_cast<std::size_t>(f)] = v;
  };
  set(VlfFeature::phase_deg, identity.phase_deg);
  set(VlfFeature::amplitude_v, std::abs(peak_.response));
  set(VlfFeature::target_class, static_cast<float>(identity.target_class));
  set(VlfFeature::ferrous, identity.identified() ? (identity.ferrous() ? 1.0f : 0.0f) : -1.0f);
  set(VlfFeature::ground_angle_deg, peak_.ground_angle_deg);
  set(VlfFeature::balanced_v, peak_.balanced);
  set(VlfFeature::noise_sigma_v, events_.sigma());
  set(VlfFeature::parallel_sigma_v, parallel_sigma());
  return true;
}

std::size_t VlfPipeline::flush(std::span<Detection> out) noexcept {
  if (!events_.in_event()) return 0;
  const std::size_t n = report(last_channel_, out) ? 1 : 0;
  events_.reset();  // the event is reported; the detector re-learns if data follow
  channel_index_ = 0;
  ground_balance_.set_frozen(false);
  return n;
}

VlfPipeline::Result VlfPipeline::process(const md::VlfBlockView& block,
                                         std::span<Detection> detections,
                                         std::span<md::ToneOutput> tones) noexcept {
  Result result;
  last_windows_ = 0;
  const auto& header = block.header;
  const std::size_t n = block.samples.size();
  if (n == 0 || n > config_.max_block_samples || !accepts(header)) {
    ++rejected_blocks_;
    return result;
  }
  last_channel_ = header.channel;
  if (have_previous_ && header.sequence != previous_sequence_ + 1) {
    ++sequence_gaps_;
    // The new block starts at phase 0: the partial window is dropped. Positions across the gap
    // are unrelated: no speed from them.
    demodulator_.restart_window();
    have_previous_ = false;
  }
  // Block positions are at the blocks' middles: the coil's speed per sample between them.
  const double metres_per_sample = have_previous_
                                       ? (header.position_m - previous_position_m_) /
                                             (0.5 * static_cast<double>(previous_samples_ + n))
                                       : 0.0;
  const std::size_t window = demodulator_.window_samples();
  const std::size_t already = demodulator_.samples_in_window();
  const std::size_t windows = demodulator_.process(block.samples, phasors_);
  last_windows_ = windows;
  result.channel_samples = windows;
  calibration_.process(std::span(phasors_).first(windows * tone_count_), phasors_);

  const double fs = config_.demodulator.sample_rate_hz;
  const std::size_t tone = config_.detection_tone;
  for (std::size_t w = 0; w < windows; ++w) {
    // The window's centre, in samples from the start of this block (it may have begun in the
    // previous block).
    const double last_sample = static_cast<double>((w + 1) * window - already) - 1.0;
    const double centre = last_sample - 0.5 * static_cast<double>(window - 1);
    const double position_m =
        header.position_m + (centre - 0.5 * static_cast<double>(n)) * metres_per_sample;
    const auto timestamp_ns =
        header.timestamp_ns + static_cast<std::int64_t>(std::llround(centre * 1e9 / fs));

    const std::complex<float> z = phasors_[w * tone_count_ + tone];
    if (!std::isfinite(z.real()) || !std::isfinite(z.imag())) {
      // A non-finite ADC sample spoils its window: keep it out of every filter's state.
      ++bad_windows_;
      balanced_[w] = 0.0f;
      pinpoint_values_[w] = 0.0f;
      if (w < tones.size()) tones[w] = tone_;
      continue;
    }
    const std::complex<float> moving = motion_filter_.push(z);
    const float balanced = ground_balance_.push(moving);
    EventDetector::State state = events_.push(balanced);
    const std::uint64_t index = channel_index_++;
    if (config_.max_event_samples != 0 && events_.in_event() &&
        index - events_.current_or_last_event().start_index >= config_.max_event_samples) {
      events_.reset();
      channel_index_ = 0;
      state = EventDetector::State::quiet;
      ++abandoned_events_;
    }
    // Neither the ground tracker nor the clutter estimate may learn from a target (or its tail).
    const bool target = events_.in_event() || events_.settling();
    ground_balance_.set_frozen(target);
    if (!target) {
      const double angle = ground_balance_.ground_angle_deg() * std::numbers::pi / 180.0;
      const double along = moving.real() * std::cos(angle) + moving.imag() * std::sin(angle);
      clutter_.push(static_cast<float>(along));
    }
    const float still = pinpoint_.push(ground_balance_.project(z));
    balanced_[w] = balanced;
    pinpoint_values_[w] = still;

    if (state == EventDetector::State::opened) {
      // The level before the target came in: the event opens on the motion-filtered signal,
      // when the coil is already over the target's flank.
      peak_.pinpoint_reference = pinpoint_history_.empty() ? still : pinpoint_history_.front();
      peak_.pinpoint_deviation = -1.0f;
    }
    if (events_.in_event()) {
      if (events_.current_or_last_event().peak_index == index) {
        peak_.response = moving;
        peak_.balanced = balanced;
        peak_.ground_angle_deg = static_cast<float>(ground_balance_.ground_angle_deg());
      }
      const float deviation = std::abs(still - peak_.pinpoint_reference);
      if (deviation > peak_.pinpoint_deviation) {
        peak_.pinpoint_deviation = deviation;
        peak_.position_m = position_m;
        peak_.advance_m = header.advance_m;
        peak_.timestamp_ns = timestamp_ns;
        peak_.sequence = header.sequence;
      }
    }
    pinpoint_history_.push_back(still);
    if (state == EventDetector::State::closed) {
      if (report(header.channel, detections.subspan(result.detections))) ++result.detections;
    }

    // The continuous tone: the motion path's strength and identity, or the pinpoint path's
    // strength (no identity: a still coil gives no clean phase).
    const float sigma = events_.sigma();
    if (pinpoint_mode_) {
      md::VlfTargetId::Identity identity;
      identity.snr = sigma > 0.0f ? std::abs(still) / sigma : 0.0f;
      tone_ = target_id_.tone(identity);
    } else {
      tone_ = target_id_.tone(identify(moving, balanced, events_.snr()));
    }
    if (w < tones.size()) tones[w] = tone_;
  }

  have_previous_ = true;
  previous_sequence_ = header.sequence;
  previous_position_m_ = header.position_m;
  previous_samples_ = n;
  return result;
}

}  // namespace deminer::dsp
