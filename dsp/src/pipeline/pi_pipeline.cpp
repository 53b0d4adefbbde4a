#include "deminer/dsp/pipeline/pi_pipeline.hpp"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <sstream>

#include "../core/check_range.hpp"

namespace deminer::dsp {

namespace {

md::PiGroundBalance::Config balance_config(const PiPipeline::Config& config) {
  md::PiGroundBalance::Config c;
  c.gate_times_s = config.gate_times_s;
  c.pulse_length_s = config.pulse_length_s;
  c.pairs = config.balance_pairs;
  return c;
}

md::PiBaseline::Config baseline_config(const PiPipeline::Config& config) {
  md::PiBaseline::Config c = config.baseline;
  c.max_gates = std::max<std::size_t>(config.gate_times_s.size(), 1);
  return c;
}

const PiPipeline::Config& validated(const PiPipeline::Config& config) {
  using detail::check_range;
  const char* block = "PiPipeline";
  check_range(block, "pulse_length_s", config.pulse_length_s, 0, 1, true);
  check_range(block, "gate_time_tolerance", config.gate_time_tolerance, 0, 0.5, true);
  check_range(block, "pulses_per_sample", static_cast<double>(config.pulses_per_sample), 1, 65536);
  const auto& t = config.tone;
  check_range(block, "tone.max_pitch_hz", t.max_pitch_hz, 0, 20000, true);
  check_range(block, "tone.min_pitch_hz", t.min_pitch_hz, 0, t.max_pitch_hz, true, true);
  check_range(block, "tone.long_tau_s", t.long_tau_s, 0, 10, true);
  check_range(block, "tone.short_tau_s", t.short_tau_s, 0, t.long_tau_s, true, true);
  check_range(block, "tone.volume_full_sigmas", t.volume_full_sigmas, 0, 1e6, true);
  check_range(block, "tone.volume_start_sigmas", t.volume_start_sigmas, 0, t.volume_full_sigmas,
              false, true);
  if (config.gate_times_s.size() >= 3) {
    check_range(block, "classifier.first_gate", static_cast<double>(config.classifier.first_gate),
                0, static_cast<double>(config.gate_times_s.size() - 3));
  }
  return config;
}

}  // namespace

PiPipeline::Config PiPipeline::default_config() {
  Config c;
  for (double us : {10, 15, 20, 30, 40, 60, 80, 120, 160, 240, 320, 480, 640}) {
    c.gate_times_s.push_back(static_cast<float>(us * 1e-6));
  }
  c.pulse_length_s = 100e-6;
  c.balance_pairs = {{0, 3}, {0, 1}, {2, 5}};
  c.baseline.tare_pulses = 64;
  c.baseline.tracking_time_constant_pulses = 2e4;
  // At 1 k pulses/s a hand sweep brings a large target in over half a second or more: the noise
  // estimate must span several seconds, or it learns the rising target as noise and never opens
  // an event.
  c.events.noise_window = 4096;
  c.events.update_interval = 32;
  c.events.hold_samples = 30;
  return c;
}

PiPipeline::PiPipeline(const Config& config)
    : config_(validated(config)),
      baseline_(baseline_config(config)),
      balance_(balance_config(config)),
      fit_(config.fit),
      classifier_(config.classifier) {
  events_.reserve(balance_.pair_count());
  for (std::size_t p = 0; p < balance_.pair_count(); ++p) events_.emplace_back(config.events);
  const std::size_t n = config.gate_times_s.size();
  stack_.assign(n, 0.0);
  gates_.assign(n, 0.0f);
  baselined_.assign(n, 0.0f);
  event_sum_.assign(n, 0.0);
  event_mean_.assign(n, 0.0f);
  pair_outputs_.assign(md::PiGroundBalance::max_pairs, 0.0f);
  reset();
}

void PiPipeline::reset() noexcept {
  baseline_.reset();
  for (auto& detector : events_) detector.reset();
  std::fill(stack_.begin(), stack_.end(), 0.0);
  std::fill(event_sum_.begin(), event_sum_.end(), 0.0);
  std::fill(pair_outputs_.begin(), pair_outputs_.end(), 0.0f);
  stacked_ = 0;
  position_sum_ = 0.0;
  last_header_ = {};
  event_count_ = 0;
  event_samples_ = 0;
  peak_header_ = {};
  peak_position_m_ = 0.0;
  peak_pair_ = 0;
  peak_snr_ = 0.0f;
  peak_value_ = 0.0f;
  peak_sigma_ = 0.0f;
  in_event_ = false;
  combined_ = 0.0f;
  tone_ = {static_cast<float>(config_.tone.max_pitch_hz), 0.0f};
  samples_ = 0;
  rejected_ = 0;
  dropped_ = 0;
}

bool PiPipeline::matches(const md::PiFrameView& frame) const noexcept {
  const std::size_t n = config_.gate_times_s.size();
  if (frame.gate_times_s.size() != n || frame.gate_values.size() != n) return false;
  const double tolerance = config_.gate_time_tolerance;
  if (!(std::abs(frame.header.pulse_length_s - config_.pulse_length_s) <=
        tolerance * config_.pulse_length_s)) {
    return false;
  }
  for (std::size_t g = 0; g < n; ++g) {
    const double expected = config_.gate_times_s[g];
    if (!(std::abs(frame.gate_times_s[g] - expected) <= tolerance * expected)) return false;
  }
  return true;
}

std::size_t PiPipeline::process(const md::PiFrameView& frame, std::span<Detection> out) noexcept {
  if (!matches(frame)) {
    ++rejected_;
    return 0;
  }
  const std::size_t n = stack_.size();
  for (std::size_t g = 0; g < n; ++g) {
    if (!std::isfinite(frame.gate_values[g])) {  // a glitch: drop the pulse, not the average
      ++rejected_;
      return 0;
    }
  }
  for (std::size_t g = 0; g < n; ++g) stack_[g] += frame.gate_values[g];
  position_sum_ += frame.header.position_m;
  last_header_ = frame.header;
  if (++stacked_ < config_.pulses_per_sample) return 0;
  const double scale = 1.0 / static_cast<double>(stacked_);
  for (std::size_t g = 0; g < n; ++g) {
    gates_[g] = static_cast<float>(stack_[g] * scale);
    stack_[g] = 0.0;
  }
  last_header_.position_m = position_sum_ * scale;
  position_sum_ = 0.0;
  stacked_ = 0;
  return process_sample(out);
}

std::size_t PiPipeline::process(std::span<const md::PiFrameView> frames,
                                std::span<Detection> out) noexcept {
  std::size_t written = 0;
  for (const auto& frame : frames) {
    const std::size_t room = out.size() - written;
    if (room == 0) {
      written += process(frame, std::span<Detection>{});
    } else {
      written += process(frame, out.subspan(written));
    }
  }
  return written;
}

void PiPipeline::set_threshold_sigmas(float sigmas) noexcept {
  for (auto& detector : events_) detector.set_threshold_sigmas(sigmas);
}

std::size_t PiPipeline::process_sample(std::span<Detection> out) noexcept {
  ++samples_;
  const bool taring = baseline_.tare_pending();
  baseline_.process(gates_, baselined_);
  balance_.process(baselined_, pair_outputs_);
  if (taring) {
    // No detection while the baseline is being measured, and none against the noise level
    // learnt before it: a tare steps the output, so the detectors start afresh after it.
    if (!baseline_.tare_pending()) {
      for (auto& detector : events_) detector.reset();
    }
    in_event_ = false;  // an event open when the tare began is discarded: it was the baseline
    baseline_.set_frozen(false);
    combined_ = 0.0f;
    tone_.volume = 0.0f;
    return 0;
  }
  using State = md::EventDetector::State;
  bool opened = false;
  bool any_open = false;
  float best_snr = 0.0f;
  std::size_t best = 0;
  for (std::size_t p = 0; p < events_.size(); ++p) {
    auto& detector = events_[p];
    opened = (detector.push(pair_outputs_[p]) == State::opened) || opened;
    any_open = detector.in_event() || any_open;
    if (detector.snr() > best_snr) {
      best_snr = detector.snr();
      best = p;
    }
  }
  const auto& strongest = events_[best];
  combined_ =
      strongest.ready() ? (pair_outputs_[best] - strongest.median()) / strongest.sigma() : 0.0f;
  if (!in_event_ && opened) {
    in_event_ = true;
    std::fill(event_sum_.begin(), event_sum_.end(), 0.0);
    event_count_ = 0;
    event_samples_ = 0;
    peak_snr_ = 0.0f;
  }
  if (in_event_) {
    ++event_samples_;
    if (best_snr > strongest.config().release_sigmas) {
      // Signed by the earliest gate, so that a double-D coil's lobes of opposite sign add up.
      const double sign = baselined_[0] < 0.0f ? -1.0 : 1.0;
      for (std::size_t g = 0; g < event_sum_.size(); ++g) event_sum_[g] += sign * baselined_[g];
      ++event_count_;
    }
    if (best_snr > peak_snr_) {
      peak_snr_ = best_snr;
      peak_header_ = last_header_;
      peak_position_m_ = last_header_.position_m;
      peak_pair_ = best;
      peak_value_ = pair_outputs_[best];
      peak_sigma_ = strongest.sigma();
    }
  }
  update_tone(best_snr);
  // The tracker must not learn a target: hold it while an event is open.
  baseline_.set_frozen(in_event_ && any_open);
  if (in_event_ && !any_open) {
    in_event_ = false;
    return report(out);
  }
  return 0;
}

void PiPipeline::update_tone(float snr) noexcept {
  const auto& t = config_.tone;
  const double volume = std::clamp(
      (snr - t.volume_start_sigmas) / (t.volume_full_sigmas - t.volume_start_sigmas), 0.0, 1.0);
  tone_.volume = static_cast<float>(volume);
  if (volume <= 0.0) return;  // hold the pitch of the last audible sample
  const md::DecayEstimate decay = md::log_linear_decay(config_.gate_times_s, baselined_);
  if (!decay.valid) return;
  const double position = std::clamp(
      std::log(decay.tau_s / t.short_tau_s) / std::log(t.long_tau_s / t.short_tau_s), 0.0, 1.0);
  tone_.pitch_hz =
      static_cast<float>(t.max_pitch_hz - (t.max_pitch_hz - t.min_pitch_hz) * position);
}

std::size_t PiPipeline::report(std::span<Detection> out) noexcept {
  Detection d;
  d.sensor = Sensor::metal_detector;
  d.channel = peak_header_.channel;
  d.sequence = peak_header_.sequence;
  d.position_m = peak_position_m_;
  d.timestamp_ns = peak_header_.timestamp_ns;
  d.score = peak_snr_;
  const std::size_t n = event_mean_.size();
  const double count = static_cast<double>(std::max<std::size_t>(event_count_, 1));
  for (std::size_t g = 0; g < n; ++g) event_mean_[g] = static_cast<float>(event_sum_[g] / count);
  const auto& times = config_.gate_times_s;
  const md::DecayEstimate fit = fit_.fit(times, event_mean_);
  const md::DecayEstimate log_linear = md::log_linear_decay(times, event_mean_);
  const auto& pair = config_.balance_pairs[peak_pair_];
  const float two_gate = md::two_gate_tau(times[pair.first_gate], event_mean_[pair.first_gate],
                                          times[pair.second_gate], event_mean_[pair.second_gate]);
  // A pair's output is in units of one gate's noise (for white gate noise); the mean over the
  // event divides it.
  const float gate_sigma = peak_sigma_ / static_cast<float>(std::sqrt(count));
  const md::DecayShape shape = classifier_.classify(times, event_mean_, gate_sigma);
  const auto us = [](float seconds, bool valid) { return valid ? seconds * 1e6f : 0.0f; };
  auto& f = d.feature_values;
  f[static_cast<std::size_t>(PiFeature::tau_fit_us)] = us(fit.tau_s, fit.valid);
  f[static_cast<std::size_t>(PiFeature::tau_fit_sigma_us)] = us(fit.tau_sigma_s, fit.valid);
  f[static_cast<std::size_t>(PiFeature::tau_log_linear_us)] =
      us(log_linear.tau_s, log_linear.valid);
  f[static_cast<std::size_t>(PiFeature::tau_two_gate_us)] = us(two_gate, std::isfinite(two_gate));
  f[static_cast<std::size_t>(PiFeature::ferrous)] =
      shape.valid ? (shape.ferrous ? 1.0f : 0.0f) : -1.0f;
  f[static_cast<std::size_t>(PiFeature::early_slope)] = shape.early_slope;
  f[static_cast<std::size_t>(PiFeature::slope_growth)] = shape.slope_growth;
  f[static_cast<std::size_t>(PiFeature::ferrous_margin)] = shape.margin;
  f[static_cast<std::size_t>(PiFeature::peak_value)] = peak_value_;
  f[static_cast<std::size_t>(PiFeature::event_samples)] = static_cast<float>(event_samples_);
  f[static_cast<std::size_t>(PiFeature::best_pair)] = static_cast<float>(peak_pair_);
  d.feature_count = static_cast<std::uint8_t>(PiFeature::count);
  if (out.empty()) {
    ++dropped_;
    return 0;
  }
  out[0] = d;
  return 1;
}

std::size_t PiPipeline::flush(std::span<Detection> out) noexcept {
  if (!in_event_) return 0;
  const std::size_t written = report(out);
  // The detectors have no "close now": restart them (they re-learn their noise).
  for (auto& detector : events_) detector.reset();
  in_event_ = false;
  baseline_.set_frozen(false);
  return written;
}

std::string pi_balance_report(const PiPipeline::Config& config, double loss_fraction) {
  detail::check_range("pi_balance_report", "loss_fraction", loss_fraction, 0, 1, true, true);
  const md::PiGroundBalance balance(balance_config(config));
  std::ostringstream text;
  text << std::setprecision(4);
  text << "PI ground balance: Tp " << config.pulse_length_s * 1e6 << " us, " << balance.pair_count()
       << " pairs\n";
  for (std::size_t p = 0; p < balance.pair_count(); ++p) {
    const auto& d = balance.designs()[p];
    text << "pair " << p << ": gates " << d.first_time_s * 1e6 << "/" << d.second_time_s * 1e6
         << " us, w " << d.weight << ", noise gain " << d.noise_gain << ", tau_null "
         << d.null_tau_s * 1e6 << " us (long pulse " << d.null_tau_long_pulse_s * 1e6 << " us)\n";
  }
  // Lost ranges over [1 µs, 1 ms]: response below loss_fraction of the unbalanced earliest gate's
  // SNR (PiGroundBalance::sensitivity).
  const int steps = 3000;
  const auto ranges = [&](auto&& lost) {
    std::ostringstream out;
    out << std::setprecision(3);
    bool inside = false;
    double start = 0.0, worst = 1e300;
    int count = 0;
    for (int i = 0; i <= steps; ++i) {
      const double tau = 1e-6 * std::pow(1000.0, static_cast<double>(i) / steps);
      const double value = lost(tau);
      worst = std::min(worst, value);
      const bool is_lost = value < loss_fraction;
      if (is_lost && !inside) start = tau;
      if (!is_lost && inside) {
        out << (count++ ? ", " : "") << "[" << start * 1e6 << ", " << tau * 1e6 << "] us";
      }
      inside = is_lost;
    }
    if (inside) out << (count++ ? ", " : "") << "[" << start * 1e6 << ", 1000] us";
    return (count ? out.str() : std::string("none")) + " (weakest " + std::to_string(worst) + ")";
  };
  for (std::size_t p = 0; p < balance.pair_count(); ++p) {
    text << "pair " << p << " alone loses tau in "
         << ranges([&](double tau) { return balance.sensitivity(tau).pair_snr[p]; }) << "\n";
  }
  text << "combined loses tau in "
       << ranges([&](double tau) { return balance.sensitivity(tau).combined_snr; })
       << " (lost: below " << loss_fraction << " of the unbalanced earliest gate's SNR)\n";
  return text.str();
}

}  // namespace deminer::dsp
