// PiDecayClassifier: ferrous versus non-ferrous from the shape of a pulse-induction decay.
//
// Why: a mine's metal is non-ferrous (aluminium or copper detonator shells, brass), much of the
// scrap in a minefield is iron. The shape of the decay separates them, whatever the size and depth
// (depth and size scale the amplitude and τ, the material changes the shape).
// Features (from three early gates t0 < t1 < t2: the first gate and the next gates at least
// gate_ratio times later; the default gates give 10, 15 and 20 µs):
//   early_slope   s01 = −d ln v / d ln t between t0 and t1 (a log-log slope, > 0 for a decay);
//   slope_growth  k = d ln s / d ln t between the midpoints (geometric) of (t0, t1) and (t1, t2):
//                 0 for a power law, 1 for a pure exponential (whose log-log slope t/τ doubles
//                 when t doubles).
// Non-ferrous spheres (Wait–Spies, tests/reference/make_pi_reference.py) either still diffuse
// (s01 ≈ 0.7–1.0: the t^(−1/2) early decay steepened by the finite pulse) or are already
// exponential (k ≈ 0.5–1); permeable (ferrous) spheres decay steeply but do not steepen
// (s01 ≈ 1.1–1.6, k ≈ 0.06–0.21: the "stretched" decay). The rule:
//   ferrous  ⇔  k < max_growth  and  s01 − growth_weight·k > min_discriminant
// with defaults 0.6, 1.25, 0.68, which separate aluminium, copper, stainless (μr 1) from mild
// steel (μr 50, 100) and chrome steel (μr 40) spheres of radius 1.5–10 mm with a margin of
// ≥ 0.18 in the discriminant and ≥ 0.39 in k, for the default gates (t0, t1, t2 = 10, 15, 20 µs)
// and Tp = 100 µs. Other gate layouts or pulse lengths shift the features: refit the thresholds
// with the reference script.
// No ID below an SNR (signal at t2 over the gate noise): features from noise are not a material.
// Units: seconds, volts; features are dimensionless. Latency: none. No allocation.
#pragma once

#include <cstddef>
#include <span>

namespace deminer::dsp::md {

struct DecayShape {
  bool valid = false;         // enough signal and a decay at all three gates
  bool ferrous = false;       // meaningful only when valid
  float early_slope = 0.0f;   // s01
  float slope_growth = 0.0f;  // k
  float margin = 0.0f;  // distance from the boundary (> 0 ferrous, < 0 non-ferrous), in slope units
};

class PiDecayClassifier {
 public:
  struct Config {
    std::size_t first_gate = 0;      // index of t0
    double gate_ratio = 1.3;         // t1 ≥ gate_ratio·t0, t2 ≥ gate_ratio·t1, [1.05, 10]
    double max_growth = 0.6;         // (0, 2]
    double growth_weight = 1.25;     // [0, 10]
    double min_discriminant = 0.68;  // [0, 10]
    double min_snr = 20.0;           // v(t2)/noise_sigma below which no ID, [0, 1e9]
  };

  // Throws std::invalid_argument naming the field, the value and the valid range.
  explicit PiDecayClassifier(const Config& config);

  // values: the target's decay at times_s (baseline removed; sign free: the sign of v(t0) is
  // taken as positive). noise_sigma: the noise of one gate value (0: no SNR gate).
  [[nodiscard]] DecayShape classify(std::span<const float> times_s, std::span<const float> values,
                                    float noise_sigma) const noexcept;

  [[nodiscard]] const Config& config() const noexcept { return config_; }

 private:
  Config config_;
};

}  // namespace deminer::dsp::md
