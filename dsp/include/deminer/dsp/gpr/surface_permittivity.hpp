// Soil permittivity from the reflection off the ground surface, calibrated by an air shot: a
// start-up (or workstation) calibration, not a streaming block.
//
// Why: a hyperbola fit measures the soil velocity only when the echo's flanks travel far through
// the soil. With the antenna a few centimetres above the ground and a shallow, wide object (a
// mine's flat top), the flanks travel mostly in air: 10 % in εr changes the flank times by a few
// picoseconds, less than the object's shape does, so the fit cannot tell εr 4 from 8. The echo of
// the ground surface itself carries εr in its amplitude and shape (the "surface reflection
// method" of air-launched GPR). An air shot — the antenna held in the air: its direct coupling
// and nothing else — gives the source wavelet and the absolute scale, so no metal plate is needed.
//
// Model: a 2-D line source (gprMax's TMz Hertzian dipole, field Ez) at height h over flat,
// homogeneous, non-magnetic ground, the receiver at the same height `antenna_offset_m` away.
// The reflected field over the direct one, per angular frequency (wavenumber k = ω / c), is the
// plane-wave (Sommerfeld) integral of the TE Fresnel coefficient over the image distance:
//   ratio(k) = ∫₀^∞ R(kx) cos(kx·x) e^{-j kz0·2h} / kz0 dkx / ((π/2)·H0⁽²⁾(k·x)),
//   R = (kz0 - kz1) / (kz0 + kz1),  kz0 = √(k² - kx²),  kz1 = √(εr k² - kx²),
// with the decaying branch (-j√(kx² - ·)) past each branch point. For a metal surface (R = -1) it
// is -H0⁽²⁾(k·r_image) / H0⁽²⁾(k·x) exactly (image theory). It holds in the near field: at 2 GHz
// with h = 2 cm (a tenth of a wavelength) the plane-wave Fresnel coefficient at the specular
// angle is off by 10 %, which would put εr off by 40 %. The integral is split at its kinks
// (kx = k and kx = √εr·k) and taken by adaptive Gauss-Kronrod quadrature (Boost.Math).
// Prediction: ground - air_shot = irfft(rfft(air_shot) · ratio), over the bins where the air
// shot has energy (above 1e-3 of its peak), zero-padded to twice the trace length (RealFft).
//
// Fit: least squares of (ground - air shot) - prediction over the gate from the first sample to
// the surface echo's peak plus gate_after_peak_s (later samples may hold buried objects), over
// εr and, with fit_height, the antenna height (the echo's delay fixes the height, its amplitude
// and shape εr). Levenberg-Marquardt with forward-difference derivatives, started from the best
// of a geometric grid of εr at the configured height.
// Uncertainty: the least-squares covariance (residual variance · (JᵀJ)⁻¹), combined in
// quadrature with min_relative_uncertainty · εr, a floor for what the model leaves out (rough or
// layered ground, the antenna's 3-D pattern); noise-free simulations would otherwise claim
// 0.01 %.
// Limits: bistatic antennas only (offset > 0: the direct wave is the reference); a 2-D line
// source (a 3-D dipole's integral has another kernel and its own pattern; calibrate a real
// antenna against a metal plate instead); bare, flat ground below the whole footprint.
// Cost: 23 ms on one core for a 2969-sample trace (about 90 spectral bins, ~40 model
// evaluations; bench_gpr_pipeline BM_SurfacePermittivity). Units: seconds, metres.
#pragma once

#include <complex>
#include <cstddef>
#include <span>
#include <vector>

namespace deminer::dsp {

struct SurfacePermittivityConfig {
  double sample_interval_s = 0.0;          // (0, 1e-6]
  double antenna_height_m = 0.05;          // (0, 2]: the start, or the value if !fit_height
  double antenna_offset_m = 0.04;          // (0, 2], transmitter-receiver distance
  bool fit_height = true;                  // fit the height too (from the echo's delay)
  double gate_after_peak_s = 0.5e-9;       // (0, 1e-6]: ~one period of the centre frequency
  double max_permittivity = 40.0;          // (2, 100], upper bound of the search
  double min_relative_uncertainty = 0.02;  // [0, 1], floor of sigma / εr (model error)
  double max_relative_residual = 0.05;     // (0, 1], misfit energy / echo energy accepted
};

struct SurfacePermittivity {
  double relative_permittivity = 0.0;
  double permittivity_sigma = 0.0;  // 1 sigma, including the floor
  double antenna_height_m = 0.0;    // fitted (or the configured one)
  double height_sigma_m = 0.0;      // 0 when the height was not fitted
  double relative_residual = 0.0;   // Σ misfit² / Σ (ground - air shot)² over the gate
  std::size_t gate_samples = 0;
  std::size_t iterations = 0;
};

// air_shot and ground: raw traces (no processing) of the same radar and settings, same length
// (>= 16), sample k at time k · sample_interval_s; `ground` is one trace or a mean over bare
// ground. Throws std::invalid_argument for a bad config, traces of different lengths, non-finite
// samples or no surface echo (ground equal to the air shot), and deminer::Error when the echo
// does not fit the model within max_relative_residual (saying what to check).
[[nodiscard]] SurfacePermittivity estimate_surface_permittivity(
    std::span<const float> air_shot, std::span<const float> ground,
    const SurfacePermittivityConfig& config);

// The model's prediction of ground - air_shot (all air_shot.size() samples) for soil of
// relative permittivity εr under the antenna at config.antenna_height_m (and offset); what
// estimate_surface_permittivity() fits. Throws std::invalid_argument for a bad config.
[[nodiscard]] std::vector<float> predict_surface_echo(std::span<const float> air_shot,
                                                      double relative_permittivity,
                                                      const SurfacePermittivityConfig& config);

// The model's transfer function at one wavenumber k = 2πf / c (> 0): reflected field over
// direct field at the receiver, for height h > 0, offset x > 0 and εr >= 1. Exposed for tests.
[[nodiscard]] std::complex<double> surface_reflection_ratio(double wavenumber_per_m,
                                                            double relative_permittivity,
                                                            double antenna_height_m,
                                                            double antenna_offset_m);

}  // namespace deminer::dsp
