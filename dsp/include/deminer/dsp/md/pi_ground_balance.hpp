// PiGroundBalance: ground balance of a pulse-induction detector by weighted gate differences,
// several balance pairs combined so that no target time constant is lost.
//
// Physics (docs/metal-detector.md): after a transmit pulse of length Tp a magnetically viscous
// soil decays as soil(t) = 1/t − 1/(t + Tp) (any amplitude: it changes with coil height), and a
// single-pole target of time constant τ as e^(−t/τ)·(1 − e^(−Tp/τ)). A balance pair of gates
// (t1, t2) outputs y = v(t1) − w·v(t2) with w = soil(t1)/soil(t2), which is zero for the soil
// whatever its amplitude. It is also zero for the target with e^((t2−t1)/τ) = w:
//     τnull = (t2 − t1)/ln w,   w = t2(t2 + Tp)/(t1(t1 + Tp))   (exact for any Tp; the pulse
// factor is common to both gates), and for a long pulse w → t2/t1: τnull = (t2−t1)/ln(t2/t1)
// (10/30 µs gates: 18.2 µs, where small aluminium mine parts sit). Targets shorter than τnull
// give y > 0, longer ones y < 0 (for a positive target decay).
// Combination: each pair's output is divided by its noise gain √(1 + w²) (the noise of y for
// equal, independent gate noise) and the pair with the largest |normalised output| is taken,
// sign kept. Pairs with different τnull thus cover each other's blind spot; sensitivity() gives
// the balanced response versus τ for tabulating the blind spots (design time). (PiPipeline
// detects on each pair's output separately, normalised by its measured noise, and takes the
// strongest SNR: the signed maximum returned here has a bimodal noise, fine for display, poor
// for a median/MAD threshold.)
// Units: seconds, volts in; the combined output is in volts of equivalent single-gate noise.
// Latency: none. Memory: fixed at construction; process() is noexcept and allocates nothing.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace deminer::dsp::md {

// 1/t − 1/(t + Tp): the PI decay of a magnetically viscous soil (1/s). pulse_length_s <= 0 means
// an infinitely long pulse (1/t).
[[nodiscard]] double soil_decay(double t_s, double pulse_length_s) noexcept;
// e^(−t/τ)·(1 − e^(−Tp/τ)): the PI decay of a single-pole target of unit step-off amplitude.
[[nodiscard]] double single_pole_decay(double t_s, double tau_s, double pulse_length_s) noexcept;
// w = soil(t1)/soil(t2).
[[nodiscard]] double balance_weight(double t1_s, double t2_s, double pulse_length_s) noexcept;
// The target time constant a pair (t1 < t2) is blind to: (t2 − t1)/ln w.
[[nodiscard]] double null_tau(double t1_s, double t2_s, double pulse_length_s) noexcept;

// The τ interval in which a pair's balanced output is below `fraction` of the target's
// unbalanced value at t1 (|1 − w·e^(−(t2−t1)/τ)| < fraction): [Δ/ln(w/(1−f)), Δ/ln(w/(1+f))],
// upper end infinite when w <= 1 + f. fraction in (0, 1).
struct TauBand {
  double low_s = 0.0;
  double high_s = 0.0;
};
[[nodiscard]] TauBand blind_band(double t1_s, double t2_s, double pulse_length_s,
                                 double fraction) noexcept;

class PiGroundBalance {
 public:
  static constexpr std::size_t max_pairs = 8;

  struct Pair {
    std::size_t first_gate = 0;   // index of the earlier gate
    std::size_t second_gate = 1;  // index of the later gate
  };

  struct Config {
    // The gate times the pairs refer to (after switch-off, increasing, > 0) and the pulse length:
    // the weights are designed for them. [1, 4096] gates; pulse (0, 1] s.
    std::vector<float> gate_times_s;
    double pulse_length_s = 100e-6;
    std::vector<Pair> pairs;  // [1, max_pairs]; first_gate < second_gate < gate count
  };

  struct PairDesign {
    double first_time_s = 0.0;
    double second_time_s = 0.0;
    double weight = 0.0;                 // w
    double noise_gain = 0.0;             // √(1 + w²)
    double null_tau_s = 0.0;             // exact for the configured pulse length
    double null_tau_long_pulse_s = 0.0;  // (t2 − t1)/ln(t2/t1), for comparison
  };

  // Design-time response to a single-pole target of time constant τ, relative to its
  // unbalanced value at the earliest gate of any pair (t_ref), in the units of the combined output
  // (noise-normalised): pair_snr[p] = |y_p|/√(1+w²)/v(t_ref), combined_snr = max over pairs.
  // pair_relative[p] = y_p/v(t1 of p) (signed): the fraction of the pair's own first gate left.
  struct Sensitivity {
    double tau_s = 0.0;
    std::array<double, max_pairs> pair_relative{};
    std::array<double, max_pairs> pair_snr{};
    double combined_snr = 0.0;
    std::size_t best_pair = 0;
  };

  // Throws std::invalid_argument naming the field, the value and the valid range.
  explicit PiGroundBalance(const Config& config);

  // gates.size() must equal the configured gate count (else NaN and nothing written). Writes
  // each pair's noise-normalised output to pair_outputs (size >= pair count, may be empty to
  // skip) and returns the combined output: the strongest pair, sign kept.
  float process(std::span<const float> gates, std::span<float> pair_outputs) noexcept;
  // The pair that gave the last combined output.
  [[nodiscard]] std::size_t last_best_pair() const noexcept { return last_best_; }

  [[nodiscard]] std::span<const PairDesign> designs() const noexcept {
    return std::span(designs_).first(pair_count_);
  }
  [[nodiscard]] std::size_t pair_count() const noexcept { return pair_count_; }
  [[nodiscard]] Sensitivity sensitivity(double tau_s) const noexcept;
  [[nodiscard]] const Config& config() const noexcept { return config_; }

 private:
  Config config_;
  std::array<PairDesign, max_pairs> designs_{};
  std::array<std::size_t, max_pairs> first_{};
  std::array<std::size_t, max_pairs> second_{};
  std::array<float, max_pairs> weight_{};
  std::array<float, max_pairs> inverse_noise_gain_{};
  std::size_t pair_count_ = 0;
  std::size_t last_best_ = 0;
  double reference_time_s_ = 0.0;
};

}  // namespace deminer::dsp::md
