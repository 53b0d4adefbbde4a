// Time constant of a pulse-induction decay, from the gate values of one pulse (or of an average
// of pulses): three estimators of increasing cost and robustness.
//
// - two_gate_tau: τ = (t2 − t1)/ln(v1/v2) from two gates. Exact for a single exponential, a few
//   operations; biased by any offset and noisy.
// - log_linear_decay: weighted least squares of ln|v| against t over all usable gates (weights
//   v², the inverse variance of ln|v| for equal gate noise), τ = −1/slope. Exact for a single
//   exponential; biased by an offset (a residual baseline or soil).
// - ExponentialFit: the three-parameter fit v(t) = A·e^(−t/τ) + c by Levenberg–Marquardt on
//   (A, ln(1/τ), c), started from the best point of a logarithmic grid in τ (for each grid τ, A and
//   c are linear: a 2×2 solve), so it does not depend on a guess. Fixed-size Eigen, double
//   accumulation, bounded iterations, no allocation. Also gives the 1σ uncertainty of τ from the
//   residual and the curvature (J^T J)^(−1).
// Why: the decay time constant is what a PI detector knows about a target: small or poorly
// conducting parts (a mine's aluminium detonator shell) decay in microseconds, coins and large
// scrap in hundreds; it drives the tone's pitch and the ferrous/non-ferrous decision.
// A finite transmit pulse multiplies a single exponential by (1 − e^(−Tp/τ)) at every gate (a
// pure scale), so none of these estimators is biased by it.
// Units: seconds and volts (float gates; computation in double). Latency: none (per pulse).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace deminer::dsp::md {

struct DecayEstimate {
  bool valid = false;
  float tau_s = 0.0f;         // decay time constant
  float tau_sigma_s = 0.0f;   // 1σ uncertainty (ExponentialFit only; 0 otherwise)
  float amplitude = 0.0f;     // A: the decay extrapolated to t = 0, volts
  float offset = 0.0f;        // c (ExponentialFit only), volts
  float residual_rms = 0.0f;  // rms of the fit residual over the gates used, volts
  std::uint16_t gates_used = 0;
  std::uint16_t iterations = 0;  // ExponentialFit: Levenberg–Marquardt iterations taken
};

// τ from two gates, t2 > t1 > 0, v1 and v2 of the same sign with |v1| > |v2|; otherwise NaN.
[[nodiscard]] float two_gate_tau(float t1_s, float v1, float t2_s, float v2) noexcept;

// Weighted log-linear regression over the gates whose value has the sign of the largest |v| and
// |v| > min_fraction·max|v| (later gates sinking into noise would otherwise dominate the slope).
// Needs two such gates and a decaying slope; otherwise valid = false. times.size() ==
// values.size().
[[nodiscard]] DecayEstimate log_linear_decay(std::span<const float> times_s,
                                             std::span<const float> values,
                                             float min_fraction = 0.02f) noexcept;

class ExponentialFit {
 public:
  struct Config {
    double min_tau_s = 0.5e-6;         // search range of τ, (0, max_tau_s)
    double max_tau_s = 20e-3;          // (min_tau_s, 10]
    std::size_t grid_points = 32;      // starting grid, logarithmic in τ, [4, 1024]
    std::size_t max_iterations = 30;   // Levenberg–Marquardt iterations, [1, 1000]
    double relative_tolerance = 1e-9;  // stop when the squared residual improves less, (0, 0.1]
  };

  // Throws std::invalid_argument naming the field, the value and the valid range.
  explicit ExponentialFit(const Config& config);

  // Needs at least 4 gates (3 parameters and one degree of freedom) with increasing times;
  // otherwise valid = false. The result is also invalid if τ ends on a bound of the range.
  [[nodiscard]] DecayEstimate fit(std::span<const float> times_s,
                                  std::span<const float> values) const noexcept;

  [[nodiscard]] const Config& config() const noexcept { return config_; }

 private:
  Config config_;
};

}  // namespace deminer::dsp::md
