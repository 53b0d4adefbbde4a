// Soil permittivity from the surface echo (gpr/surface_permittivity.hpp): the model's transfer
// function against an independent scipy integration and against image theory for metal, the
// fit's recovery of εr and height, and its errors. On the gprMax sand scene:
// tests/sim/test_gprmax_scenes.cpp.
#include <gtest/gtest.h>

#include <boost/math/special_functions/hankel.hpp>
#include <cmath>
#include <fstream>
#include <numbers>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "deminer/dsp/core/error.hpp"
#include "deminer/dsp/gpr/refraction.hpp"
#include "deminer/dsp/gpr/surface_permittivity.hpp"

namespace {

using deminer::dsp::estimate_surface_permittivity;
using deminer::dsp::predict_surface_echo;
using deminer::dsp::surface_reflection_ratio;
using deminer::dsp::SurfacePermittivityConfig;

// tests/reference/make_surface_reflection_reference.py: scipy.integrate.quad over kx.
TEST(SurfaceReflectionRatio, MatchesScipyReference) {
  std::ifstream in(std::string(DEMINER_TEST_REFERENCE_DIR) + "/surface_reflection_reference.csv");
  std::string line;
  std::getline(in, line);
  int rows = 0;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    double v[6];
    char comma = 0;
    fields >> v[0];
    for (int i = 1; i < 6; ++i) fields >> comma >> v[i];
    const std::complex<double> expected(v[4], v[5]);
    const auto got = surface_reflection_ratio(v[0], v[1], v[2], v[3]);
    EXPECT_LT(std::abs(got - expected), 1e-6 * std::abs(expected))
        << "k " << v[0] << " er " << v[1] << " h " << v[2] << " x " << v[3] << ": got " << got
        << " expected " << expected;
    ++rows;
  }
  EXPECT_EQ(rows, 20) << "surface_reflection_reference.csv missing or damaged";
}

// Metal (εr → ∞, R → -1): the image source, -H0(k·r_image) / H0(k·x); no ground (εr = 1): 0.
TEST(SurfaceReflectionRatio, MetalIsTheImageSourceAndAirReflectsNothing) {
  const double h = 0.02;
  const double x = 0.04;
  for (const double f : {0.5e9, 2e9, 5e9}) {
    const double k = 2.0 * std::numbers::pi * f / deminer::dsp::speed_of_light_m_per_s;
    const auto image = -boost::math::cyl_hankel_2(0, k * std::hypot(x, 2.0 * h)) /
                       boost::math::cyl_hankel_2(0, k * x);
    const auto metal = surface_reflection_ratio(k, 1e8, h, x);
    EXPECT_LT(std::abs(metal - image), 1e-3 * std::abs(image)) << f;
    EXPECT_LT(std::abs(surface_reflection_ratio(k, 1.0, h, x)), 1e-8) << f;
  }
}

// A Ricker air shot (2 GHz, as gprMax's) over 20 ns at 10 ps.
std::vector<float> air_shot() {
  std::vector<float> a(2000);
  const double f = 2e9;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double t = static_cast<double>(i) * 10e-12 - 1.0e-9;
    const double z = std::numbers::pi * f * t;
    a[i] = static_cast<float>(1000.0 * (1.0 - 2.0 * z * z) * std::exp(-z * z));
  }
  return a;
}

SurfacePermittivityConfig config_for(double height_m) {
  SurfacePermittivityConfig c;
  c.sample_interval_s = 10e-12;
  c.antenna_height_m = height_m;
  c.antenna_offset_m = 0.04;
  return c;
}

std::vector<float> ground_for(const std::vector<float>& air, double er, double height_m) {
  auto echo = predict_surface_echo(air, er, config_for(height_m));
  for (std::size_t i = 0; i < echo.size(); ++i) echo[i] += air[i];
  return echo;
}

TEST(SurfacePermittivity, RecoversPermittivityAndHeightFromAWrongStart) {
  const auto air = air_shot();
  for (const auto& [er, h] : {std::pair{4.5, 0.02}, std::pair{9.0, 0.05}, std::pair{2.5, 0.01}}) {
    const auto ground = ground_for(air, er, h);
    const auto fit = estimate_surface_permittivity(air, ground, config_for(0.03));
    EXPECT_NEAR(fit.relative_permittivity, er, 1e-3 * er) << er;
    EXPECT_NEAR(fit.antenna_height_m, h, 1e-5) << er;
    EXPECT_LT(fit.relative_residual, 1e-6) << er;
    EXPECT_NEAR(fit.permittivity_sigma, 0.02 * fit.relative_permittivity, 1e-3 * er)
        << "noise-free: the model floor alone";
  }
}

TEST(SurfacePermittivity, HeldHeightAndNoisyEchoWithinItsSigma) {
  const auto air = air_shot();
  auto ground = ground_for(air, 6.0, 0.04);
  std::mt19937 rng(7);
  std::normal_distribution<float> noise(0.0f, 5.0f);  // ~2 % of the surface echo's peak
  for (auto& g : ground) g += noise(rng);
  auto config = config_for(0.04);
  config.fit_height = false;
  config.min_relative_uncertainty = 0.0;
  const auto fit = estimate_surface_permittivity(air, ground, config);
  EXPECT_EQ(fit.antenna_height_m, 0.04);
  EXPECT_EQ(fit.height_sigma_m, 0.0);
  EXPECT_GT(fit.permittivity_sigma, 0.0);
  EXPECT_LT(fit.permittivity_sigma, 0.1);
  EXPECT_NEAR(fit.relative_permittivity, 6.0, 3.0 * fit.permittivity_sigma);
}

void expect_message(auto call, const std::string& words) {
  try {
    call();
    ADD_FAILURE() << "no error; expected one naming " << words;
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
  }
}

TEST(SurfacePermittivity, BadInputSaysWhatIsWrong) {
  const auto air = air_shot();
  const auto ground = ground_for(air, 4.5, 0.02);
  const auto config = config_for(0.02);
  expect_message([&] { (void)estimate_surface_permittivity(air, air, config); }, "no surface echo");
  const std::vector<float> silent(air.size(), 0.0f);
  expect_message([&] { (void)estimate_surface_permittivity(silent, ground, config); },
                 "the air shot is all zeros");
  expect_message(
      [&] { (void)estimate_surface_permittivity(air, std::span(ground).first(100), config); },
      "same radar and length");
  auto broken = ground;
  broken[17] = std::nanf("");
  expect_message([&] { (void)estimate_surface_permittivity(air, broken, config); },
                 "sample 17 of the ground trace is not finite");
  auto bad = config;
  bad.antenna_offset_m = 0.0;
  expect_message([&] { (void)estimate_surface_permittivity(air, ground, bad); },
                 "antenna_offset_m 0 is out of range");
  // An echo the antenna cannot make (a 5 GHz burst, where the air shot has ~1 % of its peak) is
  // refused, not fitted silently.
  auto other = air;
  for (std::size_t i = 0; i < other.size(); ++i) {
    const double t = static_cast<double>(i) * 10e-12 - 3e-9;
    other[i] += static_cast<float>(300.0 * std::sin(2.0 * std::numbers::pi * 5e9 * t) *
                                   std::exp(-(t / 0.3e-9) * (t / 0.3e-9)));
  }
  expect_message([&] { (void)estimate_surface_permittivity(air, other, config); },
                 "does not fit a flat half-space");
  try {
    (void)estimate_surface_permittivity(air, other, config);
  } catch (const deminer::Error&) {
  } catch (...) {
    ADD_FAILURE() << "a misfit is a deminer::Error";
  }
}

}  // namespace
