// Soil as a metal detector sees it: a magnetically viscous, slightly conductive half-space z < 0
// under a level coil.
//
// Why: in magnetic soils (laterite, basalt-derived, fired ground) the soil signal is larger than a
// low-metal mine's, and it is what ground balance must cancel; its phase (VLF) and its 1/t decay
// (PI) come from the distribution of relaxation times of superparamagnetic grains.
// Physics:
//  - Susceptibility: a frequency-independent part (1 − f)·κ0 plus a viscous part κv = f·κ0 with
//    log-uniform relaxation times in [τ1, τ2] (docs/metal-detector.md):
//    κ(ω) = (1 − f)·κ0 + κv·[1 − ln((1 + iωτ2)/(1 + iωτ1))/ln(τ2/τ1)]. Only the viscous part
//    decays after a step-off: s(t) = κv/ln(τ2/τ1)·[E1(t/τ2) − E1(t/τ1)],
//    ds/dt = −κv/(ln(τ2/τ1)·t)·(e^{−t/τ2} − e^{−t/τ1}), so a PI receiver sees
//    κv/ln(τ2/τ1)·(1/t − 1/(t + Tp)) for τ1 ≪ t ≪ τ2. Why two parts: a purely log-uniform
//    κ with τ1 = 10 ns puts a 10 kHz detector's soil at 12°; measured soils sit at a few degrees
//    because much of their magnetite is not superparamagnetic (frequency independent).
//  - Half-space by the magnetostatic image method: a permeable half-space adds to the coil's
//    mutual inductance the coupling between the receive winding and the transmit winding's mirror
//    image (through z = 0, same current sense) times K = κ/(κ + 2) (quasi-static; κ may be
//    complex). PI uses the first-order K ≈ κ/2 with κ's step-off response.
//  - Conductive ground (σ): the first-order (low induction number, Born) term. Eddy currents
//    J = σE with E = −iω·A_tx (level coil: A is horizontal, no surface charge) give
//    ΔL = −iωσ·∫_{z<0} a_tx·a_rx dV (a: vector potentials per ampere): a pure loss (R > 0),
//    growing with frequency. Its off-time (PI) response is of higher order in σ and is omitted.
//  - Tilt (wobble) is ignored for the soil (the level-coil formulas), kept for targets.
// Soil classes (volume susceptibility κ0, SI): thresholds of the classification used for
// metal-detector tests in humanitarian demining (Preetz et al., Soil Sci. Soc. Am. J. 72 (2008),
// taken up by CWA 14747-2): neutral < 50e-5, moderate 50e-5..500e-5, severe 500e-5..2000e-5,
// very severe > 2000e-5. We use one representative value per class (see soil_of_class), the same
// viscosity for all (f = 0.5, τ1 = 10 ns, τ2 = 1000 s: a frequency dependence of
// f·ln(10)/ln(τ2/τ1) = 4.5 % per decade, as in viscous tropical soils; soil phase 2.8° at 10 kHz)
// and σ = 0.01 S/m (100 Ω·m, moist soil).
// Units: SI. Latency: none (simulation code; allocates, may throw).
#pragma once

#include <array>
#include <complex>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "deminer/sim/md/coil.hpp"

namespace deminer::sim::md {

struct SoilConfig {
  double susceptibility_si = 0.0;     // κ0, static volume susceptibility, [0, 1]
  double viscous_fraction = 0.5;      // f, the part of κ0 that relaxes (log-uniform), [0, 1]
  double tau_min_s = 1e-8;            // τ1, [1e-12, 1)
  double tau_max_s = 1e3;             // τ2, (τ1, 1e6]
  double conductivity_s_per_m = 0.0;  // σ, [0, 10]
};

enum class SoilClass { air, neutral, moderate, high, severe };

// air: no soil; neutral κ0 = 25e-5; moderate 160e-5; high ("severe" of the classification)
// 1000e-5; severe ("very severe") 4000e-5. σ = 0.01 S/m except air.
[[nodiscard]] SoilConfig soil_of_class(SoilClass soil_class);
[[nodiscard]] std::string_view soil_class_name(SoilClass soil_class);
[[nodiscard]] std::optional<SoilClass> soil_class_from_name(std::string_view name);

// Throws std::invalid_argument naming the field, its value and the range.
void validate(const SoilConfig& soil);

// κ(ω) (both parts); the step-off functions cover the viscous part (the rest does not decay).
[[nodiscard]] std::complex<double> viscous_susceptibility(const SoilConfig& soil,
                                                          double omega_rad_per_s);
[[nodiscard]] double viscous_step_off(const SoilConfig& soil, double t_s);
[[nodiscard]] double viscous_step_off_rate_per_s(const SoilConfig& soil, double t_s);
// −[ds/dt(t) − ds/dt(t + Tp)] (1/s): what a PI receiver sees per unit of K-geometry.
[[nodiscard]] double viscous_pulse_kernel_per_s(const SoilConfig& soil, double t_s,
                                                double pulse_length_s);
[[nodiscard]] std::complex<double> image_factor(std::complex<double> susceptibility);

// The coil's windings placed level at `height_m` above the ground (world frame, centre x = y = 0)
// and the transmit winding's mirror image below it.
[[nodiscard]] Winding placed(const Winding& winding, double height_m);
[[nodiscard]] Winding mirrored(const Winding& winding, double height_m);

// Mutual inductance (H) between the receive winding and the transmit winding's image, coil level
// at height_m: the K = 1 half-space coupling.
[[nodiscard]] double image_coupling_h(const Coil& coil, double height_m);

// ∫ f dV over the half-space z < 0: cylindrical coordinates about the z axis, ρ = L·u/(1 − u) and
// z = −L·v/(1 − v) with Gauss–Legendre in u and v (`radial_points`, `depth_points`), trapezoidal
// (spectral for periodic integrands) in φ. L = length_scale_m (about the coil's size). f must
// decay faster than r⁻³.
[[nodiscard]] double half_space_integral(const std::function<double(const Eigen::Vector3d&)>& f,
                                         double length_scale_m, std::size_t radial_points,
                                         std::size_t depth_points, std::size_t azimuth_points);

// ∫_{z<0} a_tx·a_rx dV (H²·m) for the level coil at height_m (conductive-ground geometry).
[[nodiscard]] double conductive_geometry(const Coil& coil, double height_m);

// Soil response of one coil over heights [min_height_m, max_height_m] (pumping), tabulated once
// and interpolated (cubic B-spline over 33 heights; exact when the two heights are equal).
class HalfSpaceResponse {
 public:
  HalfSpaceResponse(const Coil& coil, const SoilConfig& soil, double min_height_m,
                    double max_height_m);

  // ΔL (H) at angular frequency ω: K(κ(ω))·M_image(h) − iωσ·G(h).
  [[nodiscard]] std::complex<double> coupling_h(double omega_rad_per_s, double height_m) const;
  // The image and conductive parts separately (H; H²·m).
  [[nodiscard]] double image_h(double height_m) const;
  [[nodiscard]] double conductive_geometry_at(double height_m) const;
  // PI: emf per transmit ampere (V/A) at time t after switch-off of a pulse of length Tp:
  // (1/2)·M_image(h)·(−[ds/dt(t) − ds/dt(t + Tp)]) (first order in κ).
  [[nodiscard]] double pulse_emf_per_ampere(double t_s, double pulse_length_s,
                                            double height_m) const;
  [[nodiscard]] const SoilConfig& soil() const noexcept { return soil_; }

 private:
  [[nodiscard]] double interpolate(const std::vector<double>& table, double height_m) const;

  SoilConfig soil_;
  double min_height_m_ = 0.0;
  double step_m_ = 0.0;
  std::vector<double> image_table_;
  std::vector<double> conductive_table_;
};

}  // namespace deminer::sim::md
