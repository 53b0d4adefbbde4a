#include "deminer/dsp/md/pi_ground_balance.hpp"

#include <cmath>
#include <limits>
#include <string>

#include "../core/check_range.hpp"

namespace deminer::dsp::md {

double soil_decay(double t_s, double pulse_length_s) noexcept {
  if (pulse_length_s <= 0.0) return 1.0 / t_s;
  // 1/t − 1/(t+Tp) = Tp/(t(t+Tp)): no cancellation for t ≫ Tp.
  return pulse_length_s / (t_s * (t_s + pulse_length_s));
}

double single_pole_decay(double t_s, double tau_s, double pulse_length_s) noexcept {
  const double pulse_factor = pulse_length_s > 0.0 ? -std::expm1(-pulse_length_s / tau_s) : 1.0;
  return std::exp(-t_s / tau_s) * pulse_factor;
}

double balance_weight(double t1_s, double t2_s, double pulse_length_s) noexcept {
  return soil_decay(t1_s, pulse_length_s) / soil_decay(t2_s, pulse_length_s);
}

double null_tau(double t1_s, double t2_s, double pulse_length_s) noexcept {
  return (t2_s - t1_s) / std::log(balance_weight(t1_s, t2_s, pulse_length_s));
}

TauBand blind_band(double t1_s, double t2_s, double pulse_length_s, double fraction) noexcept {
  const double w = balance_weight(t1_s, t2_s, pulse_length_s);
  const double delta = t2_s - t1_s;
  TauBand band;
  band.low_s = delta / std::log(w / (1.0 - fraction));
  band.high_s = w > 1.0 + fraction ? delta / std::log(w / (1.0 + fraction))
                                   : std::numeric_limits<double>::infinity();
  return band;
}

PiGroundBalance::PiGroundBalance(const Config& config) : config_(config) {
  using detail::check_range;
  const char* block = "PiGroundBalance";
  const auto& times = config.gate_times_s;
  check_range(block, "gate_times_s.size", static_cast<double>(times.size()), 2, 4096);
  for (std::size_t g = 0; g < times.size(); ++g) {
    const std::string field = "gate_times_s[" + std::to_string(g) + "]";
    const double previous = g == 0 ? 0.0 : times[g - 1];
    check_range(block, field.c_str(), times[g], previous, 1.0, true);
  }
  check_range(block, "pulse_length_s", config.pulse_length_s, 0.0, 1.0, true);
  check_range(block, "pairs.size", static_cast<double>(config.pairs.size()), 1,
              static_cast<double>(max_pairs));
  pair_count_ = config.pairs.size();
  reference_time_s_ = std::numeric_limits<double>::infinity();
  for (std::size_t p = 0; p < pair_count_; ++p) {
    const Pair& pair = config.pairs[p];
    const std::string prefix = "pairs[" + std::to_string(p) + "].";
    check_range(block, (prefix + "first_gate").c_str(), static_cast<double>(pair.first_gate), 0,
                static_cast<double>(times.size() - 2));
    check_range(block, (prefix + "second_gate").c_str(), static_cast<double>(pair.second_gate),
                static_cast<double>(pair.first_gate + 1), static_cast<double>(times.size() - 1));
    PairDesign& d = designs_[p];
    d.first_time_s = times[pair.first_gate];
    d.second_time_s = times[pair.second_gate];
    d.weight = balance_weight(d.first_time_s, d.second_time_s, config.pulse_length_s);
    d.noise_gain = std::sqrt(1.0 + d.weight * d.weight);
    d.null_tau_s = null_tau(d.first_time_s, d.second_time_s, config.pulse_length_s);
    d.null_tau_long_pulse_s = null_tau(d.first_time_s, d.second_time_s, 0.0);
    first_[p] = pair.first_gate;
    second_[p] = pair.second_gate;
    weight_[p] = static_cast<float>(d.weight);
    inverse_noise_gain_[p] = static_cast<float>(1.0 / d.noise_gain);
    reference_time_s_ = std::min(reference_time_s_, d.first_time_s);
  }
}

float PiGroundBalance::process(std::span<const float> gates,
                               std::span<float> pair_outputs) noexcept {
  if (gates.size() != config_.gate_times_s.size()) return std::numeric_limits<float>::quiet_NaN();
  const bool write = pair_outputs.size() >= pair_count_;
  float best = 0.0f;
  std::size_t best_pair = 0;
  for (std::size_t p = 0; p < pair_count_; ++p) {
    const float y = (gates[first_[p]] - weight_[p] * gates[second_[p]]) * inverse_noise_gain_[p];
    if (write) pair_outputs[p] = y;
    if (std::abs(y) > std::abs(best) || p == 0) {
      best = y;
      best_pair = p;
    }
  }
  last_best_ = best_pair;
  return best;
}

PiGroundBalance::Sensitivity PiGroundBalance::sensitivity(double tau_s) const noexcept {
  Sensitivity s;
  s.tau_s = tau_s;
  // Ratios are formed in the exponent so that τ ≪ t does not underflow to 0/0.
  for (std::size_t p = 0; p < pair_count_; ++p) {
    const PairDesign& d = designs_[p];
    const double relative = 1.0 - d.weight * std::exp(-(d.second_time_s - d.first_time_s) / tau_s);
    s.pair_relative[p] = relative;
    s.pair_snr[p] =
        std::abs(relative) / d.noise_gain * std::exp(-(d.first_time_s - reference_time_s_) / tau_s);
    if (s.pair_snr[p] > s.combined_snr) {
      s.combined_snr = s.pair_snr[p];
      s.best_pair = p;
    }
  }
  return s;
}

}  // namespace deminer::dsp::md
