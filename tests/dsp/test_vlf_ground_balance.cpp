// VlfGroundBalance: the projection against |z|·sin(θ − θg) computed naively in double, the
// principal-direction estimate against scatters of known direction, the test (a severe
// viscous soil with coil pumping reduced by at least 40 dB while a 5 mm aluminium sphere keeps
// its sin-law response; soil and sphere phasors from docs/metal-detector.md, computed here),
// freezing, stream equals batch, validation and no allocation.
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <iostream>
#include <numbers>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "allocation_counter.hpp"
#include "deminer/dsp/md/event_detector.hpp"
#include "deminer/dsp/md/vlf_ground_balance.hpp"
#include "test_vlf_physics.hpp"

using deminer::dsp::md::EventDetector;
using deminer::dsp::md::VlfGroundBalance;
namespace phys = deminer::test::vlf;

namespace {

constexpr double kPi = std::numbers::pi;
constexpr double kDeg = kPi / 180.0;

// Points along a line at `angle_deg` through `centre`, spread `spread` volts, plus isotropic
// Gaussian noise.
std::vector<std::complex<float>> line_scatter(double angle_deg, std::complex<double> centre,
                                              double spread, double noise, std::size_t n,
                                              unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> gauss(0.0, 1.0);
  const std::complex<double> direction = std::polar(1.0, angle_deg * kDeg);
  std::vector<std::complex<float>> z(n);
  for (auto& v : z) {
    const std::complex<double> p =
        centre + spread * gauss(rng) * direction + noise * std::complex(gauss(rng), gauss(rng));
    v = std::complex<float>(p);
  }
  return z;
}

VlfGroundBalance::Config quick_config() {
  VlfGroundBalance::Config c;
  c.tracking_samples = 500;
  c.update_interval = 1;
  c.guard_samples = 0;
  return c;
}

}  // namespace

TEST(VlfGroundBalance, ProjectionIsTheSinLaw) {
  std::mt19937 rng(4);
  std::uniform_real_distribution<double> angle(-180.0, 180.0);
  std::uniform_real_distribution<double> magnitude(0.0, 10.0);
  for (double ground : {-80.0, -5.0, 0.0, 3.0, 12.5, 89.0}) {
    VlfGroundBalance::Config c;
    c.tracking = false;
    c.initial_angle_deg = ground;
    VlfGroundBalance balance(c);
    for (int i = 0; i < 200; ++i) {
      const double theta = angle(rng);
      const double m = magnitude(rng);
      const auto z = std::complex<float>(std::polar(m, theta * kDeg));
      const double expected = m * std::sin((theta - ground) * kDeg);
      EXPECT_NEAR(balance.push(z), expected, 1e-5 * (1.0 + m)) << ground << " " << theta;
    }
  }
}

TEST(VlfGroundBalance, EstimatesTheDirectionOfTheScatter) {
  for (double truth : {-60.0, -2.0, 0.0, 4.0, 8.5, 45.0, 89.5, 90.0}) {
    VlfGroundBalance balance(quick_config());
    // An offset centre: the line need not pass through the origin (drift, imperfect air balance).
    const auto z = line_scatter(truth, {0.3, -0.2}, 1.0, 0.01, 5000, 2);
    std::vector<float> out(z.size());
    balance.process(z, out);
    EXPECT_GT(balance.updates(), 0u);
    // A line at 90° and one at −90° are the same line: compare modulo 180°.
    const double error = std::remainder(balance.ground_angle_deg() - truth, 180.0);
    EXPECT_NEAR(error, 0.0, 0.2) << "truth " << truth;
    EXPECT_GT(balance.ground_angle_deg(), -90.0);
    EXPECT_LE(balance.ground_angle_deg(), 90.0);
  }
}

TEST(VlfGroundBalance, RoundScatterGivesNoEstimate) {
  VlfGroundBalance::Config c = quick_config();
  c.initial_angle_deg = 7.0;
  VlfGroundBalance balance(c);
  // Noise alone (no pumping): λmax/λmin ≈ 1 < min_anisotropy, so the angle is kept.
  const auto z = line_scatter(30.0, {}, 0.0, 1.0, 5000, 3);
  std::vector<float> out(z.size());
  balance.process(z, out);
  EXPECT_EQ(balance.updates(), 0u);
  EXPECT_EQ(balance.ground_angle_deg(), 7.0);
  EXPECT_FALSE(balance.grab());
  // The spread gate: a clean line below min_spread is not accepted either.
  c.min_spread = 10.0;
  VlfGroundBalance gated(c);
  const auto weak = line_scatter(30.0, {}, 1.0, 0.0, 5000, 3);
  gated.process(weak, out);
  EXPECT_EQ(gated.updates(), 0u);
}

TEST(VlfGroundBalance, FrozenTrackerIgnoresTargets) {
  VlfGroundBalance balance(quick_config());
  const auto ground = line_scatter(5.0, {}, 1.0, 0.001, 3000, 5);
  std::vector<float> out(3000);
  balance.process(ground, out);
  ASSERT_NEAR(balance.ground_angle_deg(), 5.0, 0.1);
  // A strong target at 120° while frozen: not learnt.
  balance.set_frozen(true);
  const auto target = line_scatter(120.0, {}, 5.0, 0.001, 3000, 6);
  balance.process(target, out);
  EXPECT_NEAR(balance.ground_angle_deg(), 5.0, 0.1);
  // Unfrozen, the same samples would have turned the estimate towards the target.
  balance.set_frozen(false);
  balance.process(target, out);
  EXPECT_GT(std::abs(balance.ground_angle_deg() - 5.0), 30.0);
}

TEST(VlfGroundBalance, GuardDelaysLearning) {
  VlfGroundBalance::Config c = quick_config();
  c.guard_samples = 50;
  VlfGroundBalance balance(c);
  const auto ground = line_scatter(5.0, {}, 1.0, 0.001, 3000, 7);
  std::vector<float> out(3000);
  balance.process(ground, out);
  ASSERT_NEAR(balance.ground_angle_deg(), 5.0, 0.1);
  // 40 target samples, then the detector freezes the tracker: the guard held them back, so
  // none reached the estimate.
  const auto target = line_scatter(120.0, {}, 50.0, 0.0, 40, 8);
  balance.process(target, std::span(out).first(40));
  balance.set_frozen(true);
  balance.process(ground, out);  // (dropped while frozen)
  balance.set_frozen(false);
  balance.process(ground, out);
  EXPECT_NEAR(balance.ground_angle_deg(), 5.0, 0.1);
}

// The test. Channel rate 1 kS/s, 10 kHz tone. Severe viscous soil (κ spread over
// relaxation times 1 ns..1000 s) whose response follows the coil height h(t) = 5 cm ± 1.5 cm
// (pumping at 1.3 Hz) as (h0/h)³; a 5 mm aluminium sphere 5 cm deep, swept past at up to
// 0.8 m/s, whose response peaks 100 times below the soil's swing. The tracker starts 9° off and
// must find the ground angle itself; an EventDetector on the balanced output freezes it while
// the sphere passes.
TEST(VlfGroundBalance, RejectsSevereViscousSoilAndKeepsTheSphere) {
  const double omega = 2.0 * kPi * 10e3;
  const std::complex<double> kappa = phys::viscous_soil_kappa(1.0, 1e-9, 1e3, omega);
  const std::complex<double> chi =
      phys::sphere_chi(2.5e-3, phys::kAluminiumSiemensPerMetre, 1.0, omega);
  const double theta_ground = phys::phase_angle_deg(kappa);
  const double theta_sphere = phys::phase_angle_deg(chi);
  // The physics the test rests on: soil a few degrees off ferrite, aluminium far from it.
  ASSERT_GT(theta_ground, 1.0);
  ASSERT_LT(theta_ground, 15.0);
  ASSERT_GT(theta_sphere, 60.0);
  ASSERT_LT(theta_sphere, 180.0);
  const std::complex<double> soil_unit = phys::calibrated(kappa) / std::abs(kappa);
  const std::complex<double> sphere_unit = phys::calibrated(chi) / std::abs(chi);

  const double rate_hz = 1000.0;
  const std::size_t n = 60000;
  const std::size_t settle = 20000;  // soil only, then the sweeps begin
  const double soil_volts = 1.0;
  const double sphere_volts = 0.02;
  const double noise_volts = 1e-4;
  std::mt19937 rng(21);
  std::normal_distribution<double> gauss(0.0, noise_volts);

  std::vector<std::complex<float>> z(n);
  std::vector<double> soil_magnitude(n);
  std::vector<double> sphere_predicted(n);  // |z_sphere|·sin(θsphere − θground)
  for (std::size_t i = 0; i < n; ++i) {
    const double t = static_cast<double>(i) / rate_hz;
    const double h = 0.05 + 0.015 * std::sin(2.0 * kPi * 1.3 * t);
    const double soil = soil_volts * std::pow(0.05 / h, 3.0);
    double sphere = 0.0;
    if (i >= settle) {
      const double x = 0.5 * std::sin(2.0 * kPi * 0.25 * (t - 20.0));
      const double d = h + 0.05;
      sphere = sphere_volts * std::pow(0.1 / d, 6.0) * std::pow(d * d / (d * d + x * x), 3.0);
    }
    soil_magnitude[i] = soil;
    sphere_predicted[i] = sphere * std::sin((theta_sphere - theta_ground) * kDeg);
    const std::complex<double> total =
        soil * soil_unit + sphere * sphere_unit + std::complex(gauss(rng), gauss(rng));
    z[i] = std::complex<float>(total);
  }

  VlfGroundBalance::Config config;
  config.initial_angle_deg = theta_ground - 9.0;
  config.tracking_samples = 2000;
  config.guard_samples = 16;
  VlfGroundBalance balance(config);
  EventDetector::Config detector_config;
  detector_config.hold_samples = 50;
  EventDetector detector(detector_config);
  std::vector<float> out(n);
  int events = 0;
  for (std::size_t i = 0; i < n; ++i) {
    out[i] = balance.push(z[i]);
    // The detector starts once the tracker has settled on the soil alone (10 s, five averaging
    // lengths): in the pipeline the motion filter hides the settling from it.
    if (i >= settle / 2) events += detector.push(out[i]) == EventDetector::State::opened;
    balance.set_frozen(detector.in_event());
  }
  EXPECT_NEAR(balance.ground_angle_deg(), theta_ground, 0.05);
  // Passes over the sphere at t = 20, 22, ..., 58 s, and the start of the one at 60 s (the record
  // ends 0.17 s before it): 21 passes, each one event.
  EXPECT_EQ(events, 21);

  // Over the sweeps: the soil's swing (its magnitude minus its mean) against what is left of it
  // after the balance (the output minus the sphere's predicted response).
  double soil_mean = 0.0;
  for (std::size_t i = settle; i < n; ++i) soil_mean += soil_magnitude[i];
  soil_mean /= static_cast<double>(n - settle);
  double soil_power = 0.0;
  double residual_power = 0.0;
  double worst_sphere_error = 0.0;
  double sphere_peak = 0.0;
  for (std::size_t i = settle; i < n; ++i) {
    soil_power += std::pow(soil_magnitude[i] - soil_mean, 2.0);
    residual_power += std::pow(out[i] - sphere_predicted[i], 2.0);
    sphere_peak = std::max(sphere_peak, sphere_predicted[i]);
    worst_sphere_error = std::max(worst_sphere_error, std::abs(out[i] - sphere_predicted[i]));
  }
  const double rejection_db = 10.0 * std::log10(soil_power / residual_power);
  std::cout << "ground angle " << theta_ground << " deg (estimated " << balance.ground_angle_deg()
            << "), sphere " << theta_sphere << " deg, soil rejection " << rejection_db
            << " dB, worst sphere error " << worst_sphere_error / sphere_peak * 100.0
            << "% of its peak\n";
  EXPECT_GE(rejection_db, 40.0);
  // The sphere's balanced response follows the sin law within 2% of its peak at every sample
  // (the noise alone has σ = 0.3% of the peak).
  EXPECT_LT(worst_sphere_error, 0.02 * sphere_peak);
  EXPECT_GT(sphere_peak, 0.015);
}

TEST(VlfGroundBalance, StreamEqualsBatch) {
  const auto z = line_scatter(6.0, {0.1, 0.0}, 1.0, 0.05, 4000, 9);
  VlfGroundBalance batch(quick_config());
  std::vector<float> expected(z.size());
  batch.process(z, expected);
  VlfGroundBalance stream(quick_config());
  std::vector<float> got(z.size());
  std::mt19937 rng(1);
  std::uniform_int_distribution<std::size_t> size(1, 97);
  for (std::size_t i = 0; i < z.size();) {
    const std::size_t k = std::min(size(rng), z.size() - i);
    stream.process(std::span(z).subspan(i, k), std::span(got).subspan(i, k));
    i += k;
  }
  EXPECT_EQ(got, expected);
  EXPECT_EQ(stream.ground_angle_deg(), batch.ground_angle_deg());
}

TEST(VlfGroundBalance, ResetAndSetters) {
  VlfGroundBalance::Config c = quick_config();
  c.initial_angle_deg = 3.0;
  VlfGroundBalance balance(c);
  balance.set_ground_angle_deg(100.0);  // the line at 100° is the line at −80°
  EXPECT_NEAR(balance.ground_angle_deg(), -80.0, 1e-12);
  balance.set_ground_angle_deg(std::nan(""));
  EXPECT_NEAR(balance.ground_angle_deg(), -80.0, 1e-12);
  balance.set_tracking(false);
  const auto z = line_scatter(20.0, {}, 1.0, 0.001, 2000, 10);
  std::vector<float> out(z.size());
  balance.process(z, out);
  EXPECT_NEAR(balance.ground_angle_deg(), -80.0, 1e-12);  // not tracking
  EXPECT_TRUE(balance.grab());                            // but the scatter was gathered
  EXPECT_NEAR(balance.ground_angle_deg(), 20.0, 0.2);
  balance.reset();
  EXPECT_EQ(balance.ground_angle_deg(), 3.0);
  EXPECT_TRUE(balance.tracking());
  EXPECT_FALSE(balance.grab());
}

TEST(VlfGroundBalance, RejectsBadConfig) {
  const auto expect_error = [](VlfGroundBalance::Config config, const std::string& field) {
    try {
      VlfGroundBalance balance(config);
      ADD_FAILURE() << "no error for " << field;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
    }
  };
  VlfGroundBalance::Config c;
  c.initial_angle_deg = 95.0;
  expect_error(c, "initial_angle_deg");
  c = {};
  c.tracking_samples = 2;
  expect_error(c, "tracking_samples");
  c = {};
  c.update_interval = 0;
  expect_error(c, "update_interval");
  c = {};
  c.guard_samples = 100000;
  expect_error(c, "guard_samples");
  c = {};
  c.min_anisotropy = 0.5;
  expect_error(c, "min_anisotropy");
  c = {};
  c.min_spread = -1.0;
  expect_error(c, "min_spread");
}

TEST(VlfGroundBalance, ProcessAllocatesNothing) {
  VlfGroundBalance::Config c;
  c.guard_samples = 32;
  VlfGroundBalance balance(c);
  const auto z = line_scatter(6.0, {}, 1.0, 0.01, 20000, 11);
  std::vector<float> out(z.size());
  deminer::test::AllocationCounter counter;
  balance.process(z, out);
  balance.grab();
  balance.reset();
  EXPECT_EQ(counter.count(), 0u);
}
