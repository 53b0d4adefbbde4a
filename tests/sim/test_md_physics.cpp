// Metal-detector physics of sim/md against independent references: limits of Wait's χ(ω), the
// Wait–Spies roots of the issue, scipy (Bessel-function form of χ, brentq roots, committed by
// tests/reference/make_md_physics_reference.py), and a numerical inverse Fourier transform of
// χ(ω) that the Wait–Spies series must reproduce.
#include <gtest/gtest.h>

#include <boost/math/quadrature/ooura_fourier_integrals.hpp>
#include <cmath>
#include <complex>
#include <fstream>
#include <numbers>
#include <sstream>
#include <string>
#include <vector>

#include "deminer/sim/md/target_response.hpp"

using namespace deminer::sim::md;
using std::numbers::pi;

namespace {

constexpr double mu0 = vacuum_permeability_h_per_m;

std::vector<std::vector<std::string>> reference_lines(const std::string& kind) {
  std::ifstream in(std::string(DEMINER_TEST_REFERENCE_DIR) + "/md_physics_reference.csv");
  EXPECT_TRUE(in.good()) << "md_physics_reference.csv missing";
  std::vector<std::vector<std::string>> lines;
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> fields;
    std::stringstream stream(line);
    std::string field;
    while (std::getline(stream, field, ',')) fields.push_back(field);
    if (!fields.empty() && fields[0] == kind) lines.push_back(fields);
  }
  return lines;
}

// The terms the series drops (their τ is far below any time of interest, ωτ ≪ 1): asymptotically
// An = 9μr/ξn²·V, ξn → nπ.
double dropped_tail_m3(const SphereResponse& sphere) {
  const double n = static_cast<double>(sphere.terms().size());
  return 9.0 * sphere.parameters().relative_permeability / (pi * pi * (n + 0.5)) *
         sphere.volume_m3();
}

}  // namespace

TEST(SphereExcitation, TendsToMagnetostaticLimitAtLowFrequency) {
  for (double mu_r : {1.0, 2.0, 10.0, 100.0, 1000.0}) {
    const auto chi = sphere_excitation_factor(1e-6, 0.01, 1e6, mu_r);
    EXPECT_NEAR(chi.real(), 3.0 * (mu_r - 1.0) / (mu_r + 2.0), 1e-9) << "mu_r " << mu_r;
    EXPECT_NEAR(chi.imag(), 0.0, 1e-9);
  }
}

TEST(SphereExcitation, TendsToPerfectConductorAtHighFrequency) {
  for (double mu_r : {1.0, 2.0, 100.0}) {
    const auto chi = sphere_excitation_factor(2 * pi * 1e11, 0.05, 5e7, mu_r);
    // The next term is O(μr/α): |α| ~ 1e6 here.
    EXPECT_NEAR(chi.real(), -1.5, 5e-4 * mu_r) << "mu_r " << mu_r;
    EXPECT_NEAR(chi.imag(), 0.0, 5e-4 * mu_r);
  }
}

TEST(SphereExcitation, LossesHaveNegativeImaginaryPart) {
  for (double f : {1e2, 1e3, 1e4, 1e5}) {
    EXPECT_LT(sphere_excitation_factor(2 * pi * f, 0.0025, 3.5e7, 1.0).imag(), 0.0);
    EXPECT_LT(sphere_excitation_factor(2 * pi * f, 0.0025, 5e6, 100.0).imag(), 0.0);
  }
}

TEST(SphereExcitation, MatchesScipyBesselFormOnAGrid) {
  const auto lines = reference_lines("chi");
  ASSERT_EQ(lines.size(), 72u);
  for (const auto& f : lines) {
    const double omega = std::stod(f[1]);
    const double radius = std::stod(f[2]);
    const double sigma = std::stod(f[3]);
    const double mu_r = std::stod(f[4]);
    const std::complex<double> expected(std::stod(f[5]), std::stod(f[6]));
    const auto chi = sphere_excitation_factor(omega, radius, sigma, mu_r);
    // The Bessel form cancels in its numerator at small α for μr = 1 (a few digits lost).
    EXPECT_NEAR(std::abs(chi - expected), 0.0, 1e-10 * std::max(std::abs(expected), 1e-2))
        << "omega " << omega << " a " << radius << " sigma " << sigma << " mu_r " << mu_r;
  }
}

TEST(SphereExcitation, SeriesAndClosedFormAgreeWhereTheySwitch) {
  // |α| = 0.2 is the switch; just either side the two branches must meet smoothly.
  const double radius = 0.01;
  const double sigma = 1e6;
  const double omega_switch = std::pow(0.2 / radius, 2) / (mu0 * sigma);
  for (double mu_r : {1.0, 5.0}) {
    const auto below = sphere_excitation_factor(omega_switch * (1 - 1e-13), radius, sigma, mu_r);
    const auto above = sphere_excitation_factor(omega_switch * (1 + 1e-13), radius, sigma, mu_r);
    EXPECT_NEAR(std::abs(below - above), 0.0, 1e-12);
  }
}

TEST(WaitSpies, FirstRootsOfTheIssue) {
  EXPECT_NEAR(wait_spies_roots(2.0, 1)[0], 3.406, 5e-4);
  EXPECT_NEAR(wait_spies_roots(10.0, 1)[0], 4.102, 5e-4);
  EXPECT_NEAR(wait_spies_roots(100.0, 1)[0], 4.449, 5e-4);
  // μr → ∞: tan ξ = ξ, ξ1 = 4.4934.
  EXPECT_NEAR(wait_spies_roots(1e5, 1)[0], 4.4934, 1e-3);
  const auto unit = wait_spies_roots(1.0, 4);
  for (std::size_t n = 0; n < 4; ++n)
    EXPECT_DOUBLE_EQ(unit[n], (static_cast<double>(n) + 1.0) * pi);
}

TEST(WaitSpies, RootsMatchScipyBrentq) {
  const auto lines = reference_lines("root");
  ASSERT_EQ(lines.size(), 25u);
  for (const auto& f : lines) {
    const double mu_r = std::stod(f[1]);
    const auto n = static_cast<std::size_t>(std::stoul(f[2]));
    EXPECT_NEAR(wait_spies_roots(mu_r, n)[n - 1], std::stod(f[3]), 1e-12)
        << "mu_r " << mu_r << " n " << n;
  }
}

TEST(WaitSpies, NonMagneticTimeConstantIsMu0SigmaASquaredOverPiSquared) {
  const SphereParameters aluminium{0.0025, 3.5e7, 1.0};
  const SphereResponse sphere(aluminium);
  const double expected = mu0 * 3.5e7 * 0.0025 * 0.0025 / (pi * pi);
  EXPECT_NEAR(sphere.dominant_time_constant_s(), expected, 0.01 * expected);
  // μr = 1: An = 9/(nπ)² · V.
  for (std::size_t n = 0; n < 5; ++n) {
    const double np = (static_cast<double>(n) + 1.0) * pi;
    EXPECT_NEAR(sphere.terms()[n].amplitude_m3, 9.0 / (np * np) * sphere.volume_m3(),
                1e-12 * sphere.volume_m3());
  }
}

// s(t) = −(2/π)∫₀^∞ Im M(ω)/ω · cos ωt dω (the step-off response of a causal M(ω), e^{+iωt}),
// integrated with Ooura's double-exponential Fourier quadrature in units of τ0 = μσa².
TEST(WaitSpies, SeriesEqualsNumericalInverseTransformOfChi) {
  boost::math::quadrature::ooura_fourier_cos<double> cosine_integral;
  for (const SphereParameters& p :
       {SphereParameters{0.0025, 3.5e7, 1.0}, SphereParameters{0.005, 5e6, 10.0},
        SphereParameters{0.004, 1.4e6, 100.0}}) {
    const SphereResponse sphere(p);
    const double tau0 =
        p.relative_permeability * mu0 * p.conductivity_s_per_m * p.radius_m * p.radius_m;
    const auto integrand = [&](double x) {
      if (x == 0.0) return 0.0;
      return sphere.polarisability_m3(x / tau0).imag() / x;
    };
    for (double t_over_tau0 : {0.003, 0.01, 0.03, 0.1, 0.3}) {
      const auto [integral, error] = cosine_integral.integrate(integrand, t_over_tau0);
      const double numerical = -2.0 / pi * integral;
      const double series = sphere.step_off_m3(t_over_tau0 * tau0);
      EXPECT_NEAR(series, numerical, 2e-6 * sphere.volume_m3() + 1e-3 * std::abs(numerical))
          << "mu_r " << p.relative_permeability << " t/tau0 " << t_over_tau0;
    }
    // Sum of the series at t = 0+ is χ(0) − χ(∞), once the dropped tail is added: An → 9μr/ξn²
    // with ξn → nπ, so Σ_{n>N} An ≈ 9μr/(π²(N + 1/2))·V.
    double sum = 0.0;
    for (const DecayTerm& term : sphere.terms()) sum += term.amplitude_m3;
    EXPECT_NEAR(sum + dropped_tail_m3(sphere), sphere.static_m3() - sphere.high_frequency_m3(),
                1e-5 * sphere.volume_m3());
  }
}

TEST(WaitSpies, PoleExpansionReproducesChiInFrequency) {
  // M(ω) = M(∞) + Σ An/(1 + iωτn): the partial-fraction form the residues define.
  const SphereParameters steel{0.005, 5e6, 100.0};
  const SphereResponse sphere(steel);
  for (double f : {10.0, 1e3, 3e4}) {
    const double omega = 2 * pi * f;
    std::complex<double> sum = sphere.high_frequency_m3() + dropped_tail_m3(sphere);
    for (const DecayTerm& term : sphere.terms()) {
      sum += term.amplitude_m3 / std::complex<double>(1.0, omega * term.time_constant_s);
    }
    EXPECT_NEAR(std::abs(sum - sphere.polarisability_m3(omega)), 0.0, 1e-5 * sphere.volume_m3())
        << f;
  }
}

TEST(WaitSpies, RateIsDerivativeOfStepOff) {
  const SphereResponse sphere({0.003, 2e7, 1.0});
  for (double t : {1e-6, 1e-5, 1e-4}) {
    const double h = t * 1e-4;
    const double numerical = (sphere.step_off_m3(t + h) - sphere.step_off_m3(t - h)) / (2 * h);
    EXPECT_NEAR(sphere.step_off_rate_m3_per_s(t), numerical, 1e-6 * std::abs(numerical));
  }
}

TEST(Targets, LoopMatchesItsSinglePole) {
  const double tau = 20e-6;
  const double k = 1e-7;
  const auto target = DipoleTarget::loop({0, 0, 1}, k, tau);
  const double omega = 2 * pi * 8e3;
  const auto m = target.polarisability_m3(omega);
  const std::complex<double> i_omega_tau(0.0, omega * tau);
  EXPECT_NEAR(std::abs(m(2, 2) - (-k * i_omega_tau / (1.0 + i_omega_tau))), 0.0, 1e-20);
  EXPECT_NEAR(std::abs(m(0, 0)), 0.0, 1e-20);
  EXPECT_NEAR(target.step_off_m3(30e-6)(2, 2), k * std::exp(-1.5), 1e-20);
  EXPECT_DOUBLE_EQ(target.dominant_time_constant_s(), tau);
  // Finite pulse: −[dS(t) − dS(t + Tp)] = (k/τ)(e^{−t/τ} − e^{−(t+Tp)/τ}).
  const double tp = 100e-6;
  EXPECT_NEAR(target.pulse_response_m3(10e-6, tp)(2, 2),
              k * (std::exp(-0.5) - std::exp(-(110.0 / 20.0))), 1e-20);
  EXPECT_NEAR(target.pulse_emf_kernel_m3_per_s(10e-6, tp)(2, 2),
              k / tau * (std::exp(-0.5) - std::exp(-(110.0 / 20.0))), 1e-15);
}

TEST(Targets, TensorRotatesWithItsPrincipalAxes) {
  // A wire along azimuth 30°, dip 0: responds only to the field component along the wire.
  const auto axes = principal_axes(30.0, 0.0);
  const DipoleTarget wire(
      {AxisResponse::loop(2e-8, 50e-6), AxisResponse::none(), AxisResponse::none()}, axes);
  const auto m = wire.polarisability_m3(2 * pi * 1e3);
  const Eigen::Vector3d along(std::cos(pi / 6), std::sin(pi / 6), 0.0);
  const Eigen::Vector3d across(-std::sin(pi / 6), std::cos(pi / 6), 0.0);
  const std::complex<double> axial = (along.cast<std::complex<double>>().transpose() * m *
                                      along.cast<std::complex<double>>())(0, 0);
  const std::complex<double> crossed = (across.cast<std::complex<double>>().transpose() * m *
                                        across.cast<std::complex<double>>())(0, 0);
  const std::complex<double> i_omega_tau(0.0, 2 * pi * 1e3 * 50e-6);
  EXPECT_NEAR(std::abs(axial - (-2e-8 * i_omega_tau / (1.0 + i_omega_tau))), 0.0, 1e-22);
  EXPECT_NEAR(std::abs(crossed), 0.0, 1e-22);
}

TEST(Targets, RejectsBadParameters) {
  EXPECT_THROW(SphereResponse({-0.01, 1e7, 1.0}), std::invalid_argument);
  EXPECT_THROW(SphereResponse({0.01, 1e7, 0.5}), std::invalid_argument);
  EXPECT_THROW((void)AxisResponse::loop(1e-8, 0.0), std::invalid_argument);
  try {
    (void)sphere_excitation_factor(1.0, 0.01, std::nan(""), 1.0);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("conductivity_s_per_m"), std::string::npos);
  }
}

// ---- Coils ----

#include <boost/math/special_functions/ellint_1.hpp>
#include <boost/math/special_functions/ellint_2.hpp>

#include "deminer/sim/md/coil.hpp"

TEST(Coil, OnAxisFieldOfARegularPolygonIsExact) {
  // N sides at distance d = a·cos(π/N) from the axis, half-length L = a·sin(π/N): each side's
  // field at height z has axial part (1/4π)·2L·d/(ρ²·√(L² + ρ²)), ρ² = d² + z².
  const double a = 0.1;
  for (std::size_t n : {6u, 17u, 64u}) {
    const Winding loop = {circular_loop(a, 3.0, n)};
    const double nn = static_cast<double>(n);
    const double d = a * std::cos(pi / nn);
    const double half = a * std::sin(pi / nn);
    for (double z : {-0.2, 0.0, 0.03, 0.5}) {
      const double rho2 = d * d + z * z;
      const double expected =
          3.0 * nn * 2.0 * half * d / (4 * pi * rho2 * std::sqrt(half * half + rho2));
      const auto h = field_per_ampere(loop, {0, 0, z});
      EXPECT_NEAR(h.z(), expected, 1e-12 * expected) << n << " " << z;
      EXPECT_NEAR(h.x(), 0.0, 1e-12 * expected);
      EXPECT_NEAR(h.y(), 0.0, 1e-12 * expected);
    }
  }
}

TEST(Coil, OnAxisFieldApproachesTheCircle) {
  // B = μ0 I a²/(2(a² + z²)^{3/2}); the inscribed 720-gon differs by O((π/N)²) ≈ 2e-5.
  const double a = 0.1;
  const Winding loop = {circular_loop(a, 1.0, 720)};
  for (double z : {0.0, 0.05, 0.2}) {
    const double expected = a * a / (2.0 * std::pow(a * a + z * z, 1.5));
    EXPECT_NEAR(field_per_ampere(loop, {0, 0, z}).z(), expected, 5e-5 * expected);
  }
}

TEST(Coil, FarFieldIsTheDipoleField) {
  const double a = 0.1;
  const std::size_t n = 64;
  const Winding loop = {circular_loop(a, 5.0, n)};
  const double area =
      0.5 * static_cast<double>(n) * a * a * std::sin(2 * pi / static_cast<double>(n));
  const Eigen::Vector3d moment(0, 0, 5.0 * area);
  for (const Eigen::Vector3d& direction :
       {Eigen::Vector3d(0, 0, 1), Eigen::Vector3d(1, 0, 0), Eigen::Vector3d(0.3, -0.5, 0.8)}) {
    const Eigen::Vector3d r = 100 * a * direction.normalized();
    const double rn = r.norm();
    const Eigen::Vector3d dipole =
        (3.0 * r * moment.dot(r) / (rn * rn) - moment) / (4 * pi * rn * rn * rn);
    // Next multipole order is (a/r)² = 1e-4.
    EXPECT_NEAR((field_per_ampere(loop, r) - dipole).norm(), 0.0, 3e-4 * dipole.norm());
  }
}

TEST(Coil, VectorPotentialCurlIsTheField) {
  const Winding d = {d_loop(0.1, 2.0, 32, 0.01, -1, 0.0)};
  const Eigen::Vector3d p(0.03, 0.02, -0.04);
  const double h = 1e-6;
  Eigen::Matrix3d jacobian;  // column j: ∂A/∂x_j
  for (int j = 0; j < 3; ++j) {
    Eigen::Vector3d step = Eigen::Vector3d::Zero();
    step[j] = h;
    jacobian.col(j) =
        (vector_potential_per_ampere(d, p + step) - vector_potential_per_ampere(d, p - step)) /
        (2 * h);
  }
  const Eigen::Vector3d curl(jacobian(2, 1) - jacobian(1, 2), jacobian(0, 2) - jacobian(2, 0),
                             jacobian(1, 0) - jacobian(0, 1));
  const Eigen::Vector3d field = field_per_ampere(d, p);
  EXPECT_NEAR((curl / mu0 - field).norm(), 0.0, 1e-6 * field.norm());
}

TEST(Coil, MutualInductanceOfCoaxialCirclesMatchesMaxwell) {
  // M = μ0 √(ab)·[(2/k − k)K(k) − (2/k)E(k)], k² = 4ab/((a + b)² + d²).
  for (const auto& [a, b, d] :
       {std::array<double, 3>{0.1, 0.05, 0.0}, std::array<double, 3>{0.1, 0.1, 0.1},
        std::array<double, 3>{0.12, 0.08, 0.03}}) {
    const double k = std::sqrt(4 * a * b / ((a + b) * (a + b) + d * d));
    const double expected =
        mu0 * std::sqrt(a * b) *
        ((2 / k - k) * boost::math::ellint_1(k) - 2 / k * boost::math::ellint_2(k));
    const Winding outer = {circular_loop(a, 1.0, 512)};
    const Winding inner = {circular_loop(b, 1.0, 512, {0, 0, d})};
    EXPECT_NEAR(mutual_inductance_h(outer, inner), expected, 2e-4 * expected) << a << b << d;
    EXPECT_NEAR(mutual_inductance_h(inner, outer), expected, 2e-4 * expected);
  }
}

TEST(Coil, DoubleDOverlapNullsTheDirectCoupling) {
  CoilConfig config;
  config.kind = CoilConfig::Kind::double_d;
  const Coil nulled = make_coil(config);
  config.dd_overlap_m = 0.0;
  const Coil touching = make_coil(config);
  EXPECT_LT(touching.direct_coupling_h, 0.0);
  EXPECT_GT(nulled.dd_overlap_m, 0.0);
  EXPECT_LT(nulled.dd_overlap_m, config.d_radius_m);
  EXPECT_LT(std::abs(nulled.direct_coupling_h), 1e-9 * std::abs(touching.direct_coupling_h));
  // Both D's are wound counter-clockwise (moment +z); 10 cm below the overlap strip, inside
  // both footprints, both fields point along the moments: the DD is most sensitive there.
  const auto fields = coil_fields(nulled, {Eigen::Vector3d(0, 0, 0.1), 0.0}, {0, 0, 0});
  EXPECT_GT(fields.transmit.z(), 0.0);
  EXPECT_GT(fields.receive.z(), 0.0);
}

TEST(Coil, TiltRotatesTheFields) {
  const Coil coil = make_coil({});
  const Eigen::Vector3d target(0.02, 0.0, -0.05);
  const CoilPose level{Eigen::Vector3d(0, 0, 0.05), 0.0};
  const CoilPose tilted{Eigen::Vector3d(0, 0, 0.05), 0.2};
  // Tilting the coil by +θ equals tilting the world by −θ about the coil centre.
  const Eigen::Matrix3d roll = Eigen::AngleAxisd(-0.2, Eigen::Vector3d::UnitY()).toRotationMatrix();
  const auto a = coil_fields(coil, tilted, target);
  const auto b =
      coil_fields(coil, level, level.centre_m + roll.transpose() * (target - level.centre_m));
  EXPECT_NEAR((a.transmit - roll * b.transmit).norm(), 0.0, 1e-12 * a.transmit.norm());
  // +tilt lifts the +x side: the +x rim point moves up.
  EXPECT_GT((roll * Eigen::Vector3d(1, 0, 0)).z(), 0.0);
}

TEST(Coil, RejectsBadConfig) {
  CoilConfig config;
  config.transmit_radius_m = 0.0;
  try {
    (void)make_coil(config);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("transmit_radius_m"), std::string::npos) << e.what();
  }
  config = {};
  config.receive_radius_m = config.transmit_radius_m;
  EXPECT_THROW((void)make_coil(config), std::invalid_argument);
}

// ---- Soil ----

#include <boost/math/quadrature/gauss_kronrod.hpp>

#include "deminer/sim/md/soil.hpp"

namespace {

// κv/ln(τ2/τ1)·∫ g(τ) d(ln τ) over the log-uniform distribution of the viscous part κv = f·κ0,
// by adaptive Gauss–Kronrod.
template <typename G>
auto over_distribution(const SoilConfig& soil, G&& g) {
  const double spread = std::log(soil.tau_max_s / soil.tau_min_s);
  const auto integral = boost::math::quadrature::gauss_kronrod<double, 61>::integrate(
      [&](double log_tau) { return g(std::exp(log_tau)); }, std::log(soil.tau_min_s),
      std::log(soil.tau_max_s), 20, 1e-12);
  return soil.viscous_fraction * soil.susceptibility_si / spread * integral;
}

}  // namespace

TEST(Soil, ViscousSusceptibilityIsTheLogUniformDebyeSum) {
  const SoilConfig soil = soil_of_class(SoilClass::severe);
  for (double f : {1.0, 1e3, 2e4, 1e6, 1e9}) {
    const double omega = 2 * pi * f;
    const double re = over_distribution(
        soil, [&](double tau) { return (1.0 / std::complex<double>(1.0, omega * tau)).real(); });
    const double im = over_distribution(
        soil, [&](double tau) { return (1.0 / std::complex<double>(1.0, omega * tau)).imag(); });
    const auto kappa = viscous_susceptibility(soil, omega);
    const double frequency_independent = (1 - soil.viscous_fraction) * soil.susceptibility_si;
    EXPECT_NEAR(kappa.real(), frequency_independent + re, 1e-9 * soil.susceptibility_si) << f;
    EXPECT_NEAR(kappa.imag(), im, 1e-9 * soil.susceptibility_si) << f;
  }
}

TEST(Soil, QuadratureIsFlatInBand) {
  const SoilConfig soil = soil_of_class(SoilClass::high);
  const double viscous = soil.viscous_fraction * soil.susceptibility_si;
  const double flat = -viscous * (pi / 2) / std::log(soil.tau_max_s / soil.tau_min_s);
  for (double f : {300.0, 3e3, 2e4, 1e5}) {
    EXPECT_NEAR(viscous_susceptibility(soil, 2 * pi * f).imag(), flat, 0.01 * std::abs(flat)) << f;
  }
  // In-phase part falls by ln(10)/ln(τ2/τ1) of κ0 per decade (the "frequency dependence").
  const double per_decade = viscous_susceptibility(soil, 2 * pi * 465).real() -
                            viscous_susceptibility(soil, 2 * pi * 4650).real();
  EXPECT_NEAR(per_decade / viscous, std::log(10.0) / std::log(soil.tau_max_s / soil.tau_min_s),
              1e-4);
}

TEST(Soil, PulseDecayIsOneOverTMinusOneOverTPlusTp) {
  const SoilConfig soil = soil_of_class(SoilClass::severe);
  const double spread = std::log(soil.tau_max_s / soil.tau_min_s);
  const double tp = 100e-6;
  for (double t : {5e-6, 20e-6, 100e-6, 1e-3}) {
    // Independent: the distribution's finite-pulse emf, Σ (1/τ)(e^{−t/τ} − e^{−(t+Tp)/τ}).
    const double numerical = over_distribution(
        soil, [&](double tau) { return (std::exp(-t / tau) - std::exp(-(t + tp) / tau)) / tau; });
    EXPECT_NEAR(viscous_pulse_kernel_per_s(soil, t, tp), numerical, 1e-8 * numerical) << t;
    const double shape =
        soil.viscous_fraction * soil.susceptibility_si / spread * (1.0 / t - 1.0 / (t + tp));
    EXPECT_NEAR(viscous_pulse_kernel_per_s(soil, t, tp), shape, 1e-6 * shape) << t;
  }
  // The step-off itself is the same distribution.
  const double t = 3e-5;
  EXPECT_NEAR(viscous_step_off(soil, t),
              over_distribution(soil, [&](double tau) { return std::exp(-t / tau); }),
              1e-9 * soil.susceptibility_si);
}

TEST(Soil, ImageMethodMatchesADirectHalfSpaceIntegral) {
  // First order in κ the half-space adds μ0·κ·∫_{z<0} h_tx·h_rx dV; the image gives
  // κ/(κ + 2)·M_image → (κ/2)·M_image. So M_image = 2μ0·∫ h_tx·h_rx dV.
  CoilConfig dd;
  dd.kind = CoilConfig::Kind::double_d;
  for (const CoilConfig& config : {CoilConfig{}, dd}) {
    const Coil coil = make_coil(config);
    for (double height : {0.03, 0.1}) {
      const Winding tx = placed(coil.transmit, height);
      const Winding rx = placed(coil.receive, height);
      const double integral = half_space_integral(
          [&](const Eigen::Vector3d& p) {
            return field_per_ampere(tx, p).dot(field_per_ampere(rx, p));
          },
          0.1, 64, 64, 64);
      const double image = image_coupling_h(coil, height);
      EXPECT_NEAR(image, 2 * mu0 * integral, 0.01 * std::abs(image))
          << (config.kind == CoilConfig::Kind::double_d ? "DD " : "concentric ") << height;
    }
  }
}

TEST(Soil, HalfSpaceResponseCombinesViscousImageAndConductiveLoss) {
  const Coil coil = make_coil({});
  const SoilConfig soil = soil_of_class(SoilClass::moderate);
  const HalfSpaceResponse response(coil, soil, 0.03, 0.07);
  const double omega = 2 * pi * 1e4;
  for (double h : {0.03, 0.0437, 0.07}) {
    const double image = image_coupling_h(coil, h);
    EXPECT_NEAR(response.image_h(h), image, 1e-6 * image) << h;
    const double g = conductive_geometry(coil, h);
    EXPECT_GT(g, 0.0);
    EXPECT_NEAR(response.conductive_geometry_at(h), g, 1e-3 * g) << h;
    const auto expected = image_factor(viscous_susceptibility(soil, omega)) * image -
                          std::complex<double>(0, omega * soil.conductivity_s_per_m) * g;
    EXPECT_NEAR(std::abs(response.coupling_h(omega, h) - expected), 0.0, 1e-3 * std::abs(expected));
  }
  // Conventions: the soil lies near +X with a small positive R (calibrated X + iR = conj ΔL).
  const auto coupling = response.coupling_h(omega, 0.05);
  EXPECT_GT(coupling.real(), 0.0);
  EXPECT_LT(coupling.imag(), 0.0);
  const double angle_deg = std::atan2(-coupling.imag(), coupling.real()) * 180 / pi;
  EXPECT_GT(angle_deg, 0.5);
  EXPECT_LT(angle_deg, 6.0);
  // PI: (1/2)·M_image·κ-kernel.
  EXPECT_NEAR(response.pulse_emf_per_ampere(2e-5, 1e-4, 0.05),
              0.5 * image_coupling_h(coil, 0.05) * viscous_pulse_kernel_per_s(soil, 2e-5, 1e-4),
              1e-9 * std::abs(response.pulse_emf_per_ampere(2e-5, 1e-4, 0.05)));
}

TEST(Soil, ValidationNamesTheField) {
  SoilConfig soil;
  soil.tau_max_s = soil.tau_min_s / 2;
  try {
    validate(soil);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("tau_max_s"), std::string::npos) << e.what();
  }
  EXPECT_EQ(soil_class_from_name("severe"), SoilClass::severe);
  EXPECT_FALSE(soil_class_from_name("swamp").has_value());
}
