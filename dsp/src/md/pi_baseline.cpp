#include "deminer/dsp/md/pi_baseline.hpp"

#include <algorithm>
#include <cmath>

#include "../core/check_range.hpp"

namespace deminer::dsp::md {

PiBaseline::PiBaseline(const Config& config) : config_(config) {
  using detail::check_range;
  const char* block = "PiBaseline";
  check_range(block, "max_gates", static_cast<double>(config.max_gates), 1, 4096);
  check_range(block, "tare_pulses", static_cast<double>(config.tare_pulses), 1, 1e7);
  if (config.tracking_time_constant_pulses != 0.0) {
    check_range(block, "tracking_time_constant_pulses", config.tracking_time_constant_pulses, 1,
                1e9);
    alpha_ = -std::expm1(-1.0 / config.tracking_time_constant_pulses);
  }
  baseline_.assign(config.max_gates, 0.0);
  tare_sum_.assign(config.max_gates, 0.0);
  reset();
}

void PiBaseline::reset() noexcept {
  std::fill(baseline_.begin(), baseline_.end(), 0.0);
  std::fill(tare_sum_.begin(), tare_sum_.end(), 0.0);
  gates_ = 0;
  frozen_ = false;
  request_tare();  // start from an average, not from one noisy pulse
}

void PiBaseline::request_tare() noexcept {
  std::fill(tare_sum_.begin(), tare_sum_.end(), 0.0);
  tare_count_ = 0;
  tare_target_ = config_.tare_pulses;
}

bool PiBaseline::process(std::span<const float> in, std::span<float> out) noexcept {
  const std::size_t n = in.size();
  if (n != out.size() || n > baseline_.size() || n == 0) return false;
  if (n != gates_) {  // first pulse or a new gate layout: start from this pulse
    gates_ = n;
    std::copy(in.begin(), in.end(), baseline_.begin());
    if (tare_target_ != 0) request_tare();
  }
  const bool taring = tare_pending();
  const bool tracking = alpha_ > 0.0 && !frozen_;
  for (std::size_t g = 0; g < n; ++g) {
    const double x = in[g];  // read before out[g] is written (in place)
    const double b = baseline_[g];
    out[g] = static_cast<float>(x - b);
    if (taring) tare_sum_[g] += std::isfinite(x) ? x : b;  // a glitch must not poison the tare
    if (tracking && std::isfinite(x)) baseline_[g] = b + alpha_ * (x - b);
  }
  if (taring && ++tare_count_ == tare_target_) {
    const double scale = 1.0 / static_cast<double>(tare_count_);
    for (std::size_t g = 0; g < n; ++g) baseline_[g] = tare_sum_[g] * scale;
    tare_target_ = 0;
    tare_count_ = 0;
  }
  return true;
}

}  // namespace deminer::dsp::md
