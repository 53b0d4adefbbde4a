// Physics for the VLF chain's tests, written here from the formulas of docs/metal-detector.md
// (independent of the simulator in sim/md): a sphere's excitation factor (Wait), the magnetic
// viscosity of soil (log-uniform relaxation times), and the calibrated phase angle of a
// polarisability. Time dependence e^{+iωt}; lossy parts have Im < 0.
#pragma once

#include <cmath>
#include <complex>
#include <numbers>

namespace deminer::test::vlf {

using cd = std::complex<double>;

inline constexpr double kMu0 = 4e-7 * std::numbers::pi;
inline constexpr double kAluminiumSiemensPerMetre = 3.77e7;

// Wait's excitation factor χ(ω) of a sphere of radius a (m), conductivity σ (S/m), relative
// permeability μr at angular frequency ω (rad/s).
inline cd sphere_chi(double radius_m, double sigma, double mu_r, double omega) {
  const double mu = mu_r * kMu0;
  const cd alpha = radius_m * std::sqrt(cd(0.0, omega * mu * sigma));
  const cd t = std::tanh(alpha);
  const cd a = mu * (t - alpha);
  const cd b = kMu0 * (alpha * alpha * t - alpha + t);
  return 1.5 * (2.0 * a + b) / (a - b);
}

// κ(ω) = κ0·[1 − ln((1 + iωτ2)/(1 + iωτ1)) / ln(τ2/τ1)].
inline cd viscous_soil_kappa(double kappa0, double tau1_s, double tau2_s, double omega) {
  const cd ratio = (1.0 + cd(0.0, omega * tau2_s)) / (1.0 + cd(0.0, omega * tau1_s));
  return kappa0 * (1.0 - std::log(ratio) / std::log(tau2_s / tau1_s));
}

// The calibrated response of a polarisability M: X + iR with X = Re M, R = −Im M.
inline cd calibrated(cd m) { return std::conj(m); }

// θ = atan2(R, X) in degrees.
inline double phase_angle_deg(cd m) {
  const cd z = calibrated(m);
  return std::atan2(z.imag(), z.real()) * 180.0 / std::numbers::pi;
}

}  // namespace deminer::test::vlf
