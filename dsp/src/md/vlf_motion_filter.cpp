#include "deminer/dsp/md/vlf_motion_filter.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "../core/check_range.hpp"

namespace deminer::dsp::md {

VlfMotionFilter::VlfMotionFilter(const Config& config) : config_(config) {
  using detail::check_range;
  const char* block = "VlfMotionFilter";
  check_range(block, "channel_rate_hz", config.channel_rate_hz, 0, 1e9, true);
  check_range(block, "order", config.order, 1, 8);
  const double nyquist = 0.5 * config.channel_rate_hz;
  check_range(block, "high_hz", config.high_hz, 0, nyquist, true, true);
  check_range(block, "low_hz", config.low_hz, 0, config.high_hz, true, true);
  sections_ = design_butterworth(config.order, FilterBandType::bandpass, config.low_hz / nyquist,
                                 config.high_hz / nyquist);
  state_.resize(sections_.size());
}

void VlfMotionFilter::settle(std::complex<double> x) noexcept {
  // Direct form II transposed at rest: y = G·x with G = Σb/Σa, z2 = b2·x − a2·y,
  // z1 = (b1 + b2)·x − (a1 + a2)·y; each section's output feeds the next.
  for (std::size_t s = 0; s < sections_.size(); ++s) {
    const SosSection& c = sections_[s];
    const std::complex<double> y = x * ((c.b0 + c.b1 + c.b2) / (1.0 + c.a1 + c.a2));
    state_[s].z2 = c.b2 * x - c.a2 * y;
    state_[s].z1 = (c.b1 + c.b2) * x - (c.a1 + c.a2) * y;
    x = y;
  }
}

std::complex<float> VlfMotionFilter::push(std::complex<float> x) noexcept {
  // Direct form II transposed, as scipy's sosfilt; double state so that very low cutoffs
  // (poles close to z = 1) stay accurate.
  std::complex<double> v(x);
  if (!started_) {
    started_ = true;
    if (config_.start_settled && std::isfinite(x.real()) && std::isfinite(x.imag())) settle(v);
  }
  for (std::size_t s = 0; s < sections_.size(); ++s) {
    const SosSection& c = sections_[s];
    State& st = state_[s];
    const std::complex<double> y = c.b0 * v + st.z1;
    st.z1 = c.b1 * v - c.a1 * y + st.z2;
    st.z2 = c.b2 * v - c.a2 * y;
    v = y;
  }
  return std::complex<float>(v);
}

void VlfMotionFilter::process(std::span<const std::complex<float>> in,
                              std::span<std::complex<float>> out) noexcept {
  const std::size_t n = std::min(in.size(), out.size());
  for (std::size_t i = 0; i < n; ++i) out[i] = push(in[i]);
}

void VlfMotionFilter::process(std::span<const float> in, std::span<float> out) noexcept {
  const std::size_t n = std::min(in.size(), out.size());
  for (std::size_t i = 0; i < n; ++i) {
    double v = in[i];
    if (!started_) {
      started_ = true;
      if (config_.start_settled && std::isfinite(v)) settle(v);
    }
    for (std::size_t s = 0; s < sections_.size(); ++s) {
      const SosSection& c = sections_[s];
      State& st = state_[s];
      const double y = c.b0 * v + st.z1.real();
      st.z1.real(c.b1 * v - c.a1 * y + st.z2.real());
      st.z2.real(c.b2 * v - c.a2 * y);
      v = y;
    }
    out[i] = static_cast<float>(v);
  }
}

void VlfMotionFilter::reset() noexcept {
  std::fill(state_.begin(), state_.end(), State{});
  started_ = false;
}

VlfPinpoint::VlfPinpoint(const Config& config) : config_(config) {
  using detail::check_range;
  const char* block = "VlfPinpoint";
  check_range(block, "channel_rate_hz", config.channel_rate_hz, 0, 1e9, true);
  if (config.baseline_time_s != 0.0) {
    check_range(block, "baseline_time_s", config.baseline_time_s, 0.01, 1e6);
  }
  if (config.low_pass_hz != 0.0) {
    check_range(block, "low_pass_hz", config.low_pass_hz, 0, 0.5 * config.channel_rate_hz, true,
                true);
  }
  smooth_ =
      config.low_pass_hz == 0.0
          ? 1.0
          : -std::expm1(-2.0 * std::numbers::pi * config.low_pass_hz / config.channel_rate_hz);
  // The exact discrete equivalent of a first-order lag: a step decays as e^{−t/τ} sample by
  // sample.
  follow_ = config.baseline_time_s == 0.0
                ? 0.0
                : -std::expm1(-1.0 / (config.baseline_time_s * config.channel_rate_hz));
}

float VlfPinpoint::push(float x) noexcept {
  if (!std::isfinite(x)) return static_cast<float>(smoothed_ - baseline_);
  if (!started_) {
    smoothed_ = x;
    baseline_ = x;
    started_ = true;
  } else {
    smoothed_ += smooth_ * (x - smoothed_);
    baseline_ += follow_ * (smoothed_ - baseline_);
  }
  if (tare_pending_) {
    baseline_ = smoothed_;
    tare_pending_ = false;
  }
  return static_cast<float>(smoothed_ - baseline_);
}

void VlfPinpoint::process(std::span<const float> in, std::span<float> out) noexcept {
  const std::size_t n = std::min(in.size(), out.size());
  for (std::size_t i = 0; i < n; ++i) out[i] = push(in[i]);
}

void VlfPinpoint::tare() noexcept {
  if (started_) {
    baseline_ = smoothed_;
  } else {
    tare_pending_ = true;
  }
}

void VlfPinpoint::reset() noexcept {
  baseline_ = 0.0;
  smoothed_ = 0.0;
  started_ = false;
  tare_pending_ = false;
}

}  // namespace deminer::dsp::md
