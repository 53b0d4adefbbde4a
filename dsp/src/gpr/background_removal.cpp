#include "deminer/dsp/gpr/background_removal.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <stdexcept>
#include <string>

namespace deminer::dsp {

BackgroundRemoval::BackgroundRemoval(const Config& config, std::size_t samples_per_trace)
    : config_(config), samples_per_trace_(samples_per_trace) {
  if (config.window_traces == 0) {
    throw std::invalid_argument("BackgroundRemoval: window_traces 0 is invalid (need >= 1)");
  }
  if (!(config.ema_traces >= 1.0) || !std::isfinite(config.ema_traces)) {
    throw std::invalid_argument("BackgroundRemoval: ema_traces " +
                                std::to_string(config.ema_traces) +
                                " is invalid (need a finite value >= 1)");
  }
  if (samples_per_trace == 0) {
    throw std::invalid_argument("BackgroundRemoval: samples_per_trace 0 is invalid (need >= 1)");
  }
  if (config.mode == Mode::moving_mean) {
    history_.assign(config.window_traces * samples_per_trace, 0.0f);
  }
  sum_.assign(samples_per_trace, 0.0);
  alpha_ = 2.0 / (config.ema_traces + 1.0);
  reference_.assign(samples_per_trace, 0.0f);
}

void BackgroundRemoval::process(std::span<const float> in, std::span<float> out) noexcept {
  assert(in.size() == samples_per_trace_ && out.size() == samples_per_trace_);
  switch (config_.mode) {
    case Mode::moving_mean:
      process_moving_mean(in, out);
      break;
    case Mode::exponential:
      process_exponential(in, out);
      break;
    case Mode::reference:
      process_reference(in, out);
      break;
  }
}

void BackgroundRemoval::process_moving_mean(std::span<const float> in,
                                            std::span<float> out) noexcept {
  const std::size_t n = samples_per_trace_;
  float* slot = history_.data() + next_slot_ * n;  // the oldest trace once the ring is full
  const bool full = stored_ == config_.window_traces;
  const auto traces = static_cast<double>(stored_);
  for (std::size_t i = 0; i < n; ++i) {
    const float x = in[i];  // read before out[i] is written (in-place safe)
    out[i] = stored_ == 0 ? 0.0f : static_cast<float>(x - sum_[i] / traces);
    if (full) sum_[i] -= slot[i];
    slot[i] = x;
    sum_[i] += x;
  }
  next_slot_ = (next_slot_ + 1) % config_.window_traces;
  if (!full) ++stored_;
}

void BackgroundRemoval::process_exponential(std::span<const float> in,
                                            std::span<float> out) noexcept {
  const double keep = 1.0 - alpha_;
  const bool warm = weight_sum_ > 0.0;
  for (std::size_t i = 0; i < samples_per_trace_; ++i) {
    const double x = in[i];
    out[i] = warm ? static_cast<float>(x - sum_[i] / weight_sum_) : 0.0f;
    sum_[i] = keep * sum_[i] + alpha_ * x;
  }
  weight_sum_ = keep * weight_sum_ + alpha_;
}

void BackgroundRemoval::process_reference(std::span<const float> in,
                                          std::span<float> out) noexcept {
  if (!has_reference_) {
    std::copy(in.begin(), in.end(), out.begin());
    return;
  }
  for (std::size_t i = 0; i < samples_per_trace_; ++i) out[i] = in[i] - reference_[i];
}

void BackgroundRemoval::set_reference(std::span<const float> reference) {
  if (reference.size() != samples_per_trace_) {
    throw std::invalid_argument(
        "BackgroundRemoval: reference of " + std::to_string(reference.size()) +
        " samples is invalid (need samples_per_trace " + std::to_string(samples_per_trace_) + ")");
  }
  std::copy(reference.begin(), reference.end(), reference_.begin());
  has_reference_ = true;
}

void BackgroundRemoval::reset() noexcept {
  next_slot_ = 0;
  stored_ = 0;
  std::fill(sum_.begin(), sum_.end(), 0.0);
  weight_sum_ = 0.0;
}

}  // namespace deminer::dsp
