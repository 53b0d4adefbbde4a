#include "deminer/dsp/md/pi_classifier.hpp"

#include <algorithm>
#include <cmath>

#include "../core/check_range.hpp"

namespace deminer::dsp::md {

PiDecayClassifier::PiDecayClassifier(const Config& config) : config_(config) {
  using detail::check_range;
  const char* block = "PiDecayClassifier";
  check_range(block, "first_gate", static_cast<double>(config.first_gate), 0, 4096);
  check_range(block, "gate_ratio", config.gate_ratio, 1.05, 10);
  check_range(block, "max_growth", config.max_growth, 0, 2, true);
  check_range(block, "growth_weight", config.growth_weight, 0, 10);
  check_range(block, "min_discriminant", config.min_discriminant, 0, 10);
  check_range(block, "min_snr", config.min_snr, 0, 1e9);
}

DecayShape PiDecayClassifier::classify(std::span<const float> times_s,
                                       std::span<const float> values,
                                       float noise_sigma) const noexcept {
  DecayShape shape;
  const std::size_t n = std::min(times_s.size(), values.size());
  const std::size_t g0 = config_.first_gate;
  if (g0 + 2 >= n) return shape;
  std::size_t g1 = g0 + 1;
  while (g1 < n && times_s[g1] < config_.gate_ratio * times_s[g0]) ++g1;
  std::size_t g2 = g1 + 1;
  while (g2 < n && times_s[g2] < config_.gate_ratio * times_s[g1]) ++g2;
  if (g2 >= n) return shape;
  const double sign = values[g0] < 0.0f ? -1.0 : 1.0;
  const double v0 = sign * values[g0], v1 = sign * values[g1], v2 = sign * values[g2];
  const double t0 = times_s[g0], t1 = times_s[g1], t2 = times_s[g2];
  if (!(v0 > v1 && v1 > v2 && v2 > 0.0) || !(t0 > 0.0)) return shape;
  if (noise_sigma > 0.0f && v2 < config_.min_snr * noise_sigma) return shape;
  const double s01 = std::log(v0 / v1) / std::log(t1 / t0);
  const double s12 = std::log(v1 / v2) / std::log(t2 / t1);
  // Geometric midpoints: ln m01 = (ln t0 + ln t1)/2, so ln(m12/m01) = ln(t2/t0)/2.
  const double growth = std::log(s12 / s01) / (0.5 * std::log(t2 / t0));
  if (!std::isfinite(s01) || !std::isfinite(growth)) return shape;
  const double discriminant = s01 - config_.growth_weight * growth;
  shape.valid = true;
  shape.early_slope = static_cast<float>(s01);
  shape.slope_growth = static_cast<float>(growth);
  shape.margin = static_cast<float>(
      std::min(config_.max_growth - growth, discriminant - config_.min_discriminant));
  shape.ferrous = shape.margin > 0.0f;
  return shape;
}

}  // namespace deminer::dsp::md
