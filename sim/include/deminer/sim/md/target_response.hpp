// Metal-detector target responses: how a buried object turns a primary magnetic field into a
// dipole moment, in the frequency domain (VLF) and after a step-off of the field (PI).
//
// Why: the chains are tested against responses whose physics is exact (a sphere: Wait's
// excitation factor and the Wait–Spies series), plus the simple models real clutter is fitted
// with (single-pole loops, a 3×3 polarisability tensor built from poles per principal axis).
// Conventions (docs/metal-detector.md): e^{+iωt}; m = M(ω)·H0 with M in m³; lossy parts have
// Im M < 0. Step-off: the field H0 has been on forever and is switched off at t = 0; the moment
// afterwards is m(t) = S(t)·H0 (S in m³, decaying to 0). A coil sees −dm/dt, so the "rate"
// functions return dS/dt (m³/s). A pulse of finite length Tp gives S(t) − S(t + Tp).
// Derivation of the sphere series (residues of χ at its poles): with α² = s·μσa² (s = iω) the
// poles are α = iξn, tan ξn = (μr−1)ξn/(μr−1+ξn²), s_n = −1/τn, τn = μσa²/ξn²; writing
// t = tan ξn and D'(α) for d/dα of the denominator, S(t) = V·Σ An e^{−t/τn} with
//   An = −3·[2μr(t−ξ) + t − ξ − ξ²t] / (ξ·[(μr−1)t² + 2ξt + ξ²(1+t²)]),
// (μr = 1: An = 9/(nπ)², Σ An = 3/2 = χ(0) − χ(∞)).
// Units: SI (m, S/m, rad/s, s). Latency: none (design-time code; allocates, may throw).
#pragma once

#include <Eigen/Dense>
#include <array>
#include <complex>
#include <cstddef>
#include <span>
#include <vector>

namespace deminer::sim::md {

inline constexpr double vacuum_permeability_h_per_m = 1.25663706212e-6;

// Wait's excitation factor χ(ω) of a sphere (dimensionless; M = (4πa³/3)·χ). Accurate to a few
// ulp·10 for any α = a·√(iωμσ): a series in α² for |α| < 0.2 (the closed form cancels there),
// tanh α = 1 once Re α > 20. ω ≥ 0, radius > 0, conductivity ≥ 0, μr ≥ 1 (else invalid_argument).
[[nodiscard]] std::complex<double> sphere_excitation_factor(double omega_rad_per_s, double radius_m,
                                                            double conductivity_s_per_m,
                                                            double relative_permeability);

// The first `count` positive roots ξ1 < ξ2 < ... of tan ξ = (μr−1)ξ/(μr−1+ξ²). The n-th lies in
// (nπ, nπ + π/2) (tan ξ − rhs rises monotonically there from < 0 to +∞; none lies in (0, π)),
// and is found to full precision by bracketing on sin ξ(μr−1+ξ²) − (μr−1)ξ cos ξ. μr = 1: nπ.
[[nodiscard]] std::vector<double> wait_spies_roots(double relative_permeability, std::size_t count);

// One exponential of a step-off response: amplitude·e^{−t/τ} (amplitude in m³). In the
// frequency domain the same term is the relaxation amplitude/(1 + iωτ).
struct DecayTerm {
  double amplitude_m3 = 0.0;
  double time_constant_s = 0.0;
};

struct SphereParameters {
  double radius_m = 0.01;               // (0, 1]
  double conductivity_s_per_m = 3.5e7;  // [0, 1e9]; 0 gives a purely magnetostatic sphere
  double relative_permeability = 1.0;   // [1, 1e5]
};

// Test spheres of common materials (conductivities at room temperature; the permeability of
// hardened bearing steel varies with heat treatment, 100 is a typical initial value).
[[nodiscard]] inline SphereParameters aluminium_sphere(double radius_m) {
  return {radius_m, 3.5e7, 1.0};
}
[[nodiscard]] inline SphereParameters copper_sphere(double radius_m) {
  return {radius_m, 5.8e7, 1.0};
}
[[nodiscard]] inline SphereParameters stainless_steel_sphere(double radius_m) {  // AISI 304
  return {radius_m, 1.4e6, 1.0};
}
// Chrome steel (AISI 52100 / 100Cr6, ρ ≈ 0.22 µΩ·m), the balls of CWA 14747 detection tests.
[[nodiscard]] inline SphereParameters chrome_steel_sphere(double radius_m) {
  return {radius_m, 4.6e6, 100.0};
}

// A conducting, permeable sphere. The Wait–Spies series is kept to `max_terms` terms; it then
// represents S(t) to about 1e-9 relative for t ≥ min_accurate_time_s() (the slowest dropped
// term has decayed to e^{−20}). Throws std::invalid_argument naming a bad parameter.
class SphereResponse {
 public:
  explicit SphereResponse(const SphereParameters& parameters, std::size_t max_terms = 4000);

  [[nodiscard]] const SphereParameters& parameters() const noexcept { return parameters_; }
  [[nodiscard]] double volume_m3() const noexcept { return volume_m3_; }
  // V·χ(ω), m³.
  [[nodiscard]] std::complex<double> polarisability_m3(double omega_rad_per_s) const;
  // V·χ(0) and V·χ(∞) = −(3/2)V (a non-conducting sphere: both V·χ(0)).
  [[nodiscard]] double static_m3() const noexcept;
  [[nodiscard]] double high_frequency_m3() const noexcept;
  // Step-off response S(t) and dS/dt (t > 0; S(0) = static − high frequency exactly).
  [[nodiscard]] double step_off_m3(double t_s) const noexcept;
  [[nodiscard]] double step_off_rate_m3_per_s(double t_s) const noexcept;
  [[nodiscard]] std::span<const DecayTerm> terms() const noexcept { return terms_; }
  [[nodiscard]] double dominant_time_constant_s() const noexcept;
  [[nodiscard]] double min_accurate_time_s() const noexcept { return min_accurate_time_s_; }

 private:
  SphereParameters parameters_;
  double volume_m3_ = 0.0;
  std::vector<DecayTerm> terms_;
  double min_accurate_time_s_ = 0.0;
};

// Response along one principal axis: either a relaxation spectrum
//   M(ω) = high_frequency_m3 + Σ amplitude/(1 + iωτ),   S(t) = Σ amplitude·e^{−t/τ}
// or a sphere's response (times `scale`, e.g. an elongated object's stronger axis).
class AxisResponse {
 public:
  // Single-pole loop (wire loop, ring, thin shell) of strength k (m³) and τ = L/R:
  // M = −k·iωτ/(1 + iωτ) = −k + k/(1 + iωτ); S(t) = k·e^{−t/τ}.
  [[nodiscard]] static AxisResponse loop(double strength_m3, double time_constant_s);
  [[nodiscard]] static AxisResponse poles(double high_frequency_m3, std::vector<DecayTerm> terms);
  [[nodiscard]] static AxisResponse sphere(const SphereParameters& parameters, double scale = 1.0);
  [[nodiscard]] static AxisResponse none() { return poles(0.0, {}); }

  [[nodiscard]] std::complex<double> frequency_m3(double omega_rad_per_s) const;
  [[nodiscard]] double step_off_m3(double t_s) const noexcept;
  [[nodiscard]] double step_off_rate_m3_per_s(double t_s) const noexcept;
  // Largest τ with a non-zero amplitude (0 when there is none).
  [[nodiscard]] double dominant_time_constant_s() const noexcept;

 private:
  double high_frequency_m3_ = 0.0;
  std::vector<DecayTerm> terms_;
  std::vector<SphereResponse> sphere_;  // empty or one element
  double sphere_scale_ = 1.0;
};

// A dipole target: M = R·diag(axis responses)·Rᵀ, R's columns the principal axes in the world
// frame (x across the lane, y along the lane, z up).
class DipoleTarget {
 public:
  DipoleTarget(std::array<AxisResponse, 3> axes, const Eigen::Matrix3d& rotation);

  [[nodiscard]] static DipoleTarget sphere(const SphereParameters& parameters);
  // A loop whose axis (normal) is `normal` (normalised here; must not be zero).
  [[nodiscard]] static DipoleTarget loop(const Eigen::Vector3d& normal, double strength_m3,
                                         double time_constant_s);

  [[nodiscard]] Eigen::Matrix3cd polarisability_m3(double omega_rad_per_s) const;
  [[nodiscard]] Eigen::Matrix3d step_off_m3(double t_s) const;
  [[nodiscard]] Eigen::Matrix3d step_off_rate_m3_per_s(double t_s) const;
  // Moment after a pulse of length Tp (m³, per unit of the on-time field): S(t) − S(t + Tp).
  [[nodiscard]] Eigen::Matrix3d pulse_response_m3(double t_s, double pulse_length_s) const;
  // What a PI receiver sees per unit of geometry (m³/s): −[dS/dt(t) − dS/dt(t + Tp)]; the emf is
  // μ0·h_rx·K·h_tx·I0 (positive for a decaying target when h_rx ∥ h_tx).
  [[nodiscard]] Eigen::Matrix3d pulse_emf_kernel_m3_per_s(double t_s, double pulse_length_s) const;
  [[nodiscard]] double dominant_time_constant_s() const noexcept;
  [[nodiscard]] const Eigen::Matrix3d& rotation() const noexcept { return rotation_; }

 private:
  std::array<AxisResponse, 3> axes_;
  Eigen::Matrix3d rotation_;
};

// Rotation whose first column points along azimuth (from +x towards +y) and dip (downwards from
// horizontal), in degrees; the other columns complete a right-handed frame.
[[nodiscard]] Eigen::Matrix3d principal_axes(double azimuth_deg, double dip_deg);

}  // namespace deminer::sim::md
