// Hyperbola fit: apex position, depth and soil permittivity of a buried point reflector from the
// two-way times picked along its diffraction hyperbola.
//
// Why: the apex time alone gives depth only for an assumed permittivity. The shape of the
// hyperbola (how fast the echo arrives later away from the apex) measures the soil velocity, so a
// fit over the picks of one tracked object yields depth and permittivity together, with
// uncertainties, and the velocity for the feature vector (features.hpp). Not under a shallow,
// wide object seen from an antenna above the ground: its flanks travel mostly in air, and the
// soil is better measured from the surface echo (gpr/surface_permittivity.hpp), which the
// detector then combines with the fit (cfar_detector.hpp).
// Model: t(x) = two_way_time_s(AntennaGeometry{height, offset, εr}, x - x0, depth) from
// gpr/refraction.hpp (refraction at a flat air-soil surface, transmitter-receiver offset), the
// same model the simulator uses. Unknowns (x0, depth, εr) by weighted least squares on the
// travel time, Levenberg-Marquardt on a 3x3 normal matrix with an analytic Jacobian: by Fermat's
// principle the refraction point is stationary, so each leg's derivatives follow from the
// refracted ray alone (dT/dH = sin θsoil / v, dT/ddepth = cos θsoil / v, dT/dv = -L_soil / v²).
// Start: the best (least squares) of a straight-ray fit (t² quadratic in x: vertex -> x0,
// curvature -> velocity) and a small geometric grid over εr at the straight-ray (or earliest-pick)
// apex. The steps are taken in (x0, depth·sqrt(εr), sqrt(εr)), which the apex time and the
// opening of the hyperbola fix nearly independently (depth and εr themselves are strongly
// coupled), and projected so that εr stays in [min_permittivity, max_permittivity] and depth in
// [0, max_depth_m].
// Uncertainties: covariance = rss / (m - 3) · (Jᵀ W J)⁻¹ (weights are relative: the time noise
// is estimated from the residuals); velocity σ by propagation (v = c / sqrt(εr)).
// A fit is flagged (ok == false) when: fewer than min_picks usable picks (finite, weight > 0) or
// fewer than 3 distinct positions; no convergence within max_iterations; εr ends on a bound or
// depth on 0 (the data want a shape the model cannot make, e.g. collinear picks); the apex lies
// more than max_apex_extrapolation_m outside the picked positions; fewer than min_flank_picks
// picks lie on either side of the fitted apex; the normal matrix is numerically singular.
// One flank only: the fit still runs and fills every field (noise-free picks give the exact
// answer), but it is flagged by default: along one flank x0, depth and εr trade off so strongly
// that noisy estimates wander far (εr by a factor 3 for 20 ps noise on 33 cm of flank) and the
// linearised sigmas, evaluated where the estimate lands, understate that. Set min_flank_picks = 0
// to accept such fits.
// Units: metres, seconds; times two-way, relative to transmit. Cost: each model evaluation solves
// the refraction point of two legs (safeguarded Newton, see fitted_two_way_time_s); one fit of
// m picks costs ~10-30 Levenberg-Marquardt evaluations (up to ~60 for one flank, max_iterations
// when flagged for a bound) plus 9 starting guesses, each 2m legs: ~1 ms for 50 picks on a
// desktop core.
// Latency: none (runs once per detection on the picks gathered by the tracker); no allocation.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "deminer/dsp/gpr/refraction.hpp"

namespace deminer::dsp {

struct HyperbolaPick {
  double position_m;    // antenna midpoint along the track
  double time_s;        // two-way, relative to transmit
  double weight = 1.0;  // relative inverse variance of time_s; <= 0 or non-finite: pick ignored
};

struct HyperbolaFit {
  bool ok = false;  // false: too few picks, ill-posed, or not converged
  double apex_position_m = 0.0;
  double apex_depth_m = 0.0;  // below the ground surface
  double relative_permittivity = 0.0;
  double velocity_m_per_s = 0.0;  // in the soil, c / sqrt(relative_permittivity)
  double apex_time_s = 0.0;       // model two-way time at the apex
  // 1-sigma uncertainties.
  double position_sigma_m = 0.0;
  double depth_sigma_m = 0.0;
  double permittivity_sigma = 0.0;
  double velocity_sigma_m_per_s = 0.0;

  // Second derivative of the model two-way time with respect to the antenna position at the apex
  // (s/m²); for straight rays (antenna on the ground, no offset) it is 2 / (v · depth).
  double apex_curvature_s_per_m2 = 0.0;
  double rms_residual_s = 0.0;  // weighted: sqrt(Σ w r² / Σ w)
  std::size_t picks_used = 0;
  std::size_t iterations = 0;
};

class HyperbolaFitter {
 public:
  struct Config {
    double antenna_height_m = 0.05;    // >= 0, above the ground surface
    double antenna_offset_m = 0.0;     // >= 0, transmitter-receiver separation along the track
    double min_permittivity = 1.0;     // >= 1
    double max_permittivity = 40.0;    // > min_permittivity
    std::size_t max_picks = 128;       // >= min_picks; more picks are thinned evenly to this many
    std::size_t min_picks = 5;         // >= 4 (3 unknowns and at least one degree of freedom)
    std::size_t max_iterations = 100;  // >= 1, Levenberg-Marquardt iterations
    double max_depth_m = 3.0;          // > 0, upper bound of the depth search
    double max_apex_extrapolation_m = 0.1;  // >= 0, how far outside the picks the apex may lie
    // Picks required on each side of the fitted apex (0 accepts one flank only).
    std::size_t min_flank_picks = 2;
  };

  // Validates (std::invalid_argument naming the field, its value and the valid range) and takes
  // all memory (max_picks picks).
  explicit HyperbolaFitter(const Config& config);

  // Streaming-safe: no allocation, no exception. Picks in any order.
  [[nodiscard]] HyperbolaFit fit(std::span<const HyperbolaPick> picks) noexcept;

  [[nodiscard]] const Config& config() const noexcept { return config_; }

 private:
  Config config_;
  std::vector<HyperbolaPick> picks_;  // the usable picks of the current fit (capacity max_picks)
};

// The fit's model: two_way_time_s() of refraction.hpp (same equations, same result to rounding),
// with the refraction points found by Newton steps kept inside the bisection bracket instead of
// by bisection alone, about ten times faster. Exposed so that its agreement is tested.
[[nodiscard]] double fitted_two_way_time_s(const AntennaGeometry& g, double lateral_m,
                                           double depth_m) noexcept;

// Second derivative of two_way_time_s(g, x, depth_m) with respect to x at x = 0 (s/m²), by a
// central difference whose step is small against depth and height.
[[nodiscard]] double apex_curvature_s_per_m2(double antenna_height_m, double antenna_offset_m,
                                             double relative_permittivity, double depth_m) noexcept;

}  // namespace deminer::dsp
