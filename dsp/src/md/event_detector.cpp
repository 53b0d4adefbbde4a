#include "deminer/dsp/md/event_detector.hpp"

#include <algorithm>
#include <cmath>

#include "../core/check_range.hpp"

namespace deminer::dsp::md {

namespace {

// σ of Gaussian noise from its median absolute deviation.
constexpr float kMadToSigma = 1.4826f;

}  // namespace

EventDetector::EventDetector(const Config& config)
    : config_(config), configured_release_sigmas_(config.release_sigmas) {
  using detail::check_range;
  const char* block = "EventDetector";
  check_range(block, "noise_window", static_cast<double>(config.noise_window), 16, 65536);
  check_range(block, "update_interval", static_cast<double>(config.update_interval), 1,
              static_cast<double>(config.noise_window));
  check_range(block, "warmup_samples", static_cast<double>(config.warmup_samples), 8,
              static_cast<double>(config.noise_window));
  check_range(block, "threshold_sigmas", config.threshold_sigmas, 0, 1e6, true);
  check_range(block, "release_sigmas", config.release_sigmas, 0, config.threshold_sigmas, true);
  check_range(block, "hold_samples", static_cast<double>(config.hold_samples), 1, 1e6);
  check_range(block, "min_sigma", config.min_sigma, 0, 1e30, true);
  check_range(block, "release_peak_fraction", config.release_peak_fraction, 0, 1, false, true);
  quiet_.set_capacity(config.noise_window);
  scratch_.resize(config.noise_window);
}

void EventDetector::set_threshold_sigmas(float sigmas) noexcept {
  if (sigmas > 0.0f && sigmas <= 1e6f) {
    config_.threshold_sigmas = sigmas;
    config_.release_sigmas = std::min(configured_release_sigmas_, sigmas);
  }
}

void EventDetector::reset() noexcept {
  quiet_.clear();
  index_ = 0;
  since_estimate_ = 0;
  below_ = 0;
  in_event_ = false;
  rearm_level_ = 0.0f;
  quiet_run_ = 0;
  settling_ = 0;
  median_ = 0.0f;
  sigma_ = 0.0f;
  snr_ = 0.0f;
  event_ = Event{};
}

void EventDetector::estimate_noise() noexcept {
  const std::size_t n = quiet_.size();
  const auto begin = scratch_.begin();
  const auto end = begin + static_cast<std::ptrdiff_t>(n);
  std::copy(quiet_.begin(), quiet_.end(), begin);
  const auto middle = begin + static_cast<std::ptrdiff_t>(n / 2);
  std::nth_element(begin, middle, end);
  median_ = *middle;
  for (auto it = begin; it != end; ++it) *it = std::abs(*it - median_);
  std::nth_element(begin, middle, end);
  sigma_ = std::max(kMadToSigma * *middle, config_.min_sigma);
}

EventDetector::State EventDetector::push(float x) noexcept {
  const std::uint64_t index = index_++;
  if (!std::isfinite(x)) return in_event_ ? State::open : State::quiet;  // a glitch is no target
  if (!ready()) {
    quiet_.push_back(x);
    if (ready()) estimate_noise();
    snr_ = 0.0f;
    return State::quiet;
  }
  const float deviation = std::abs(x - median_);
  snr_ = deviation / sigma_;
  if (!in_event_) {
    if (snr_ > config_.threshold_sigmas && deviation > rearm_level_) {
      in_event_ = true;
      below_ = 0;
      event_ = Event{index, index, index, x, snr_};
      return State::opened;
    }
    if (rearm_level_ > 0.0f) {
      // The tail of a strong event: not noise, and not a new target until it has died away.
      // It ends when quiet, or after noise_window samples at most: a target swept over again
      // and again must not freeze the noise estimate for good. A tail still there then is the
      // new background: the estimate starts afresh from it (warm-up included).
      quiet_run_ = snr_ > config_.release_sigmas ? 0 : quiet_run_ + 1;
      if (quiet_run_ < config_.hold_samples) {
        if (++settling_ < config_.noise_window) return State::quiet;
        quiet_.clear();
        since_estimate_ = 0;
      }
      rearm_level_ = 0.0f;
      if (!ready()) {
        quiet_.push_back(x);
        return State::quiet;
      }
    }
    quiet_.push_back(x);  // the noise estimate learns from quiet samples only
    if (++since_estimate_ >= config_.update_interval) {
      since_estimate_ = 0;
      estimate_noise();
    }
    return State::quiet;
  }
  if (snr_ > event_.peak_snr) {
    event_.peak_snr = snr_;
    event_.peak_value = x;
    event_.peak_index = index;
  }
  const float release =
      std::max(config_.release_sigmas, config_.release_peak_fraction * event_.peak_snr);
  if (snr_ > release) {
    below_ = 0;
    event_.end_index = index;
    return State::open;
  }
  if (++below_ < config_.hold_samples) return State::open;
  in_event_ = false;
  rearm_level_ = config_.release_peak_fraction * event_.peak_snr * sigma_;
  quiet_run_ = 0;
  settling_ = 0;
  return State::closed;
}

}  // namespace deminer::dsp::md
