// Hyperbola fit against picks synthesised with the forward model (gpr/refraction.hpp): exact
// recovery without noise, recovery within the reported sigmas with noise, a Monte Carlo check of
// those sigmas, and the cases that must be flagged.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "allocation_counter.hpp"
#include "deminer/dsp/detect/hyperbola_fit.hpp"
#include "deminer/dsp/gpr/refraction.hpp"

using namespace deminer::dsp;

namespace {

struct Truth {
  double position_m;
  double depth_m;
  double permittivity;
  double height_m;
  double offset_m;
};

// Picks every `spacing` metres over [first, last] (relative to the apex), optional Gaussian noise.
std::vector<HyperbolaPick> synthesise(const Truth& truth, double first, double last, double spacing,
                                      double noise_s = 0.0, std::mt19937_64* rng = nullptr) {
  const AntennaGeometry g{truth.height_m, truth.offset_m, truth.permittivity};
  std::normal_distribution<double> noise(0.0, noise_s > 0.0 ? noise_s : 1.0);
  std::vector<HyperbolaPick> picks;
  const auto count = static_cast<int>(std::lround((last - first) / spacing));
  for (int i = 0; i <= count; ++i) {
    const double lateral = first + spacing * i;
    double t = two_way_time_s(g, lateral, truth.depth_m);
    if (noise_s > 0.0) t += noise(*rng);
    picks.push_back({truth.position_m + lateral, t, 1.0});
  }
  return picks;
}

HyperbolaFitter::Config config_for(const Truth& truth) {
  HyperbolaFitter::Config config;
  config.antenna_height_m = truth.height_m;
  config.antenna_offset_m = truth.offset_m;
  return config;
}

const std::vector<Truth> truths = {
    {0.0, 0.05, 6.0, 0.02, 0.0},   {1.234, 0.03, 3.0, 0.0, 0.0}, {-0.7, 0.20, 20.0, 0.05, 0.05},
    {12.5, 0.10, 9.0, 0.03, 0.02}, {3.3, 0.15, 4.5, 0.0, 0.05},  {0.25, 0.08, 15.0, 0.05, 0.0},
};

std::string describe(const Truth& t) {
  return "x0=" + std::to_string(t.position_m) + " depth=" + std::to_string(t.depth_m) +
         " er=" + std::to_string(t.permittivity) + " h=" + std::to_string(t.height_m) +
         " offset=" + std::to_string(t.offset_m);
}

TEST(HyperbolaFit, ModelEqualsTheRefractionForwardModel) {
  for (double er : {1.0, 3.0, 9.0, 20.0, 40.0}) {
    for (double height : {0.0, 0.01, 0.05, 0.3}) {
      for (double offset : {0.0, 0.02, 0.1}) {
        for (double depth : {0.0, 0.005, 0.05, 0.2, 1.5}) {
          for (double lateral : {0.0, 0.001, -0.013, 0.05, -0.3, 1.0, 5.0}) {
            const AntennaGeometry g{height, offset, er};
            const double expected = two_way_time_s(g, lateral, depth);
            EXPECT_NEAR(fitted_two_way_time_s(g, lateral, depth), expected, 1e-14 * expected)
                << er << " " << height << " " << offset << " " << depth << " " << lateral;
          }
        }
      }
    }
  }
}

TEST(HyperbolaFit, RecoversTheTruthFromNoiseFreePicks) {
  for (const Truth& truth : truths) {
    HyperbolaFitter fitter(config_for(truth));
    const auto picks = synthesise(truth, -0.3, 0.3, 0.01);
    const HyperbolaFit fit = fitter.fit(picks);
    ASSERT_TRUE(fit.ok) << describe(truth);
    EXPECT_EQ(fit.picks_used, picks.size());
    EXPECT_NEAR(fit.apex_position_m, truth.position_m, 1e-4 * truth.depth_m) << describe(truth);
    EXPECT_NEAR(fit.apex_depth_m, truth.depth_m, 1e-4 * truth.depth_m) << describe(truth);
    EXPECT_NEAR(fit.relative_permittivity, truth.permittivity, 1e-4 * truth.permittivity)
        << describe(truth);
    EXPECT_NEAR(fit.velocity_m_per_s, speed_of_light_m_per_s / std::sqrt(truth.permittivity),
                1e-4 * fit.velocity_m_per_s);
    const AntennaGeometry g{truth.height_m, truth.offset_m, truth.permittivity};
    EXPECT_NEAR(fit.apex_time_s, two_way_time_s(g, 0.0, truth.depth_m), 1e-15);
    EXPECT_LT(fit.rms_residual_s, 1e-15) << describe(truth);
  }
}

TEST(HyperbolaFit, RecoversTheTruthWithinThreeSigmaFromNoisyPicks) {
  std::mt19937_64 rng(42);
  const double noise_s = 20e-12;
  for (const Truth& truth : truths) {
    HyperbolaFitter fitter(config_for(truth));
    const auto picks = synthesise(truth, -0.3, 0.3, 0.01, noise_s, &rng);
    const HyperbolaFit fit = fitter.fit(picks);
    ASSERT_TRUE(fit.ok) << describe(truth);
    ASSERT_GT(fit.position_sigma_m, 0.0);
    ASSERT_GT(fit.depth_sigma_m, 0.0);
    ASSERT_GT(fit.permittivity_sigma, 0.0);
    EXPECT_NEAR(fit.apex_position_m, truth.position_m, 3.0 * fit.position_sigma_m)
        << describe(truth);
    EXPECT_NEAR(fit.apex_depth_m, truth.depth_m, 3.0 * fit.depth_sigma_m) << describe(truth);
    EXPECT_NEAR(fit.relative_permittivity, truth.permittivity, 3.0 * fit.permittivity_sigma)
        << describe(truth);
    const double true_velocity = speed_of_light_m_per_s / std::sqrt(truth.permittivity);
    EXPECT_NEAR(fit.velocity_m_per_s, true_velocity, 3.0 * fit.velocity_sigma_m_per_s);
    // The residuals estimate the pick noise.
    EXPECT_NEAR(fit.rms_residual_s, noise_s, 0.3 * noise_s) << describe(truth);
  }
}

TEST(HyperbolaFit, ReportedSigmasMatchTheMonteCarloSpread) {
  const Truth truth{0.5, 0.10, 8.0, 0.03, 0.02};
  HyperbolaFitter fitter(config_for(truth));
  std::mt19937_64 rng(7);
  const int trials = 300;
  double sum[3] = {};
  double sum_squares[3] = {};
  double reported[3] = {};
  int good = 0;
  for (int trial = 0; trial < trials; ++trial) {
    const auto picks = synthesise(truth, -0.25, 0.25, 0.01, 30e-12, &rng);
    const HyperbolaFit fit = fitter.fit(picks);
    if (!fit.ok) continue;
    ++good;
    const double estimate[3] = {fit.apex_position_m, fit.apex_depth_m, fit.relative_permittivity};
    const double sigma[3] = {fit.position_sigma_m, fit.depth_sigma_m, fit.permittivity_sigma};
    for (int k = 0; k < 3; ++k) {
      sum[k] += estimate[k];
      sum_squares[k] += estimate[k] * estimate[k];
      reported[k] += sigma[k] * sigma[k];
    }
  }
  ASSERT_EQ(good, trials);
  const char* names[3] = {"position", "depth", "permittivity"};
  for (int k = 0; k < 3; ++k) {
    const double mean = sum[k] / good;
    const double empirical = std::sqrt((sum_squares[k] - good * mean * mean) / (good - 1));
    const double rms_reported = std::sqrt(reported[k] / good);
    EXPECT_GT(rms_reported / empirical, 1.0 / 1.5) << names[k];
    EXPECT_LT(rms_reported / empirical, 1.5) << names[k];
  }
}

TEST(HyperbolaFit, OneFlankOnlyIsFlaggedByDefaultAndFittedWhenAllowed) {
  const Truth truth{2.0, 0.10, 6.0, 0.03, 0.0};
  const AntennaGeometry g{truth.height_m, truth.offset_m, truth.permittivity};
  const auto one_flank = synthesise(truth, 0.02, 0.35, 0.01);
  HyperbolaFitter strict(config_for(truth));
  const HyperbolaFit flagged = strict.fit(one_flank);
  EXPECT_FALSE(flagged.ok);
  EXPECT_NEAR(flagged.relative_permittivity, truth.permittivity, 1e-4 * truth.permittivity);

  auto config = config_for(truth);
  config.min_flank_picks = 0;
  HyperbolaFitter fitter(config);
  // Noise-free: the flank alone determines the curve.
  const HyperbolaFit exact = fitter.fit(one_flank);
  ASSERT_TRUE(exact.ok);
  EXPECT_NEAR(exact.apex_position_m, truth.position_m, 1e-4 * truth.depth_m);
  EXPECT_NEAR(exact.apex_depth_m, truth.depth_m, 1e-4 * truth.depth_m);
  EXPECT_NEAR(exact.relative_permittivity, truth.permittivity, 1e-4 * truth.permittivity);

  // Noisy: the fit finds the least-squares minimum (at most the truth's residual) and reports a
  // much larger position uncertainty than with both flanks.
  std::mt19937_64 rng(3);
  const HyperbolaFit both = fitter.fit(synthesise(truth, -0.3, 0.3, 0.01, 20e-12, &rng));
  ASSERT_TRUE(both.ok);
  for (int trial = 0; trial < 20; ++trial) {
    const auto picks = synthesise(truth, 0.02, 0.35, 0.01, 20e-12, &rng);
    const HyperbolaFit one = fitter.fit(picks);
    ASSERT_TRUE(one.ok) << trial;
    double truth_rss = 0.0;
    for (const auto& pick : picks) {
      const double r =
          two_way_time_s(g, pick.position_m - truth.position_m, truth.depth_m) - pick.time_s;
      truth_rss += r * r;
    }
    EXPECT_LE(one.rms_residual_s,
              std::sqrt(truth_rss / static_cast<double>(picks.size())) * (1.0 + 1e-9));
    EXPECT_GT(one.position_sigma_m, 3.0 * both.position_sigma_m);
    EXPECT_FALSE(strict.fit(picks).ok);
  }
}

TEST(HyperbolaFit, FlagsTooFewAndDegeneratePicks) {
  const Truth truth{0.0, 0.10, 6.0, 0.03, 0.0};
  HyperbolaFitter fitter(config_for(truth));
  const auto picks = synthesise(truth, -0.2, 0.2, 0.01);

  // Fewer than min_picks (5).
  EXPECT_FALSE(fitter.fit(std::span(picks).first(4)).ok);
  EXPECT_EQ(fitter.fit(std::span(picks).first(4)).picks_used, 4u);
  EXPECT_FALSE(fitter.fit({}).ok);

  // Enough picks but only two distinct positions.
  std::vector<HyperbolaPick> two_positions;
  for (int i = 0; i < 10; ++i) two_positions.push_back(picks[static_cast<std::size_t>(i % 2) * 5]);
  EXPECT_FALSE(fitter.fit(two_positions).ok);

  // Collinear picks (a dipping line, no hyperbola) and a flat line.
  std::vector<HyperbolaPick> line;
  std::vector<HyperbolaPick> flat;
  for (int i = 0; i < 30; ++i) {
    const double x = 0.01 * i;
    line.push_back({x, 3e-9 + 2e-9 * x, 1.0});
    flat.push_back({x, 3e-9, 1.0});
  }
  EXPECT_FALSE(fitter.fit(line).ok);
  EXPECT_FALSE(fitter.fit(flat).ok);

  // Unusable picks (zero weight, non-finite) do not count.
  std::vector<HyperbolaPick> mostly_unusable(picks.begin(), picks.begin() + 4);
  mostly_unusable.push_back({0.5, 1e-9, 0.0});
  mostly_unusable.push_back({0.6, std::nan(""), 1.0});
  EXPECT_FALSE(fitter.fit(mostly_unusable).ok);
  EXPECT_EQ(fitter.fit(mostly_unusable).picks_used, 4u);
}

TEST(HyperbolaFit, IgnoresZeroWeightOutliersAndThinsToMaxPicks) {
  const Truth truth{0.3, 0.07, 5.0, 0.02, 0.03};
  HyperbolaFitter fitter(config_for(truth));
  auto picks = synthesise(truth, -0.3, 0.3, 0.002);  // 301 picks > max_picks = 128
  picks[100].time_s += 5e-9;
  picks[100].weight = 0.0;
  const HyperbolaFit fit = fitter.fit(picks);
  ASSERT_TRUE(fit.ok);
  EXPECT_EQ(fit.picks_used, 128u);
  EXPECT_NEAR(fit.apex_depth_m, truth.depth_m, 1e-4 * truth.depth_m);
  EXPECT_NEAR(fit.relative_permittivity, truth.permittivity, 1e-4 * truth.permittivity);
}

TEST(HyperbolaFit, WeightsScaleTheInfluenceOfPicks) {
  // Doubling every weight changes nothing (weights are relative).
  const Truth truth{0.0, 0.12, 7.0, 0.03, 0.0};
  HyperbolaFitter fitter(config_for(truth));
  std::mt19937_64 rng(11);
  auto picks = synthesise(truth, -0.3, 0.3, 0.01, 20e-12, &rng);
  const HyperbolaFit a = fitter.fit(picks);
  for (auto& p : picks) p.weight = 2.0;
  const HyperbolaFit b = fitter.fit(picks);
  ASSERT_TRUE(a.ok && b.ok);
  EXPECT_NEAR(a.relative_permittivity, b.relative_permittivity, 1e-6 * a.relative_permittivity);
  EXPECT_NEAR(a.permittivity_sigma, b.permittivity_sigma, 1e-6 * a.permittivity_sigma);
}

TEST(HyperbolaFit, CurvatureOfStraightRaysIsTwoOverVelocityTimesDepth) {
  // Antenna on the ground, no offset: t = 2 sqrt(d² + x²) / v, so t''(0) = 2 / (v d).
  for (double er : {3.0, 9.0, 20.0}) {
    for (double depth : {0.03, 0.1, 0.2}) {
      const double v = speed_of_light_m_per_s / std::sqrt(er);
      EXPECT_NEAR(apex_curvature_s_per_m2(0.0, 0.0, er, depth), 2.0 / (v * depth),
                  1e-5 * 2.0 / (v * depth));
    }
  }
  // The fit reports the curvature of its own model.
  const Truth truth{0.0, 0.1, 9.0, 0.0, 0.0};
  HyperbolaFitter fitter(config_for(truth));
  const HyperbolaFit fit = fitter.fit(synthesise(truth, -0.3, 0.3, 0.01));
  ASSERT_TRUE(fit.ok);
  const double v = speed_of_light_m_per_s / 3.0;
  EXPECT_NEAR(fit.apex_curvature_s_per_m2, 2.0 / (v * 0.1), 1e-4 * 2.0 / (v * 0.1));
}

TEST(HyperbolaFit, RejectsBadConfigNamingTheField) {
  auto expect_throw = [](HyperbolaFitter::Config config, const std::string& field) {
    try {
      HyperbolaFitter fitter(config);
      ADD_FAILURE() << field << " accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
    }
  };
  HyperbolaFitter::Config c;
  c.antenna_height_m = -0.01;
  expect_throw(c, "antenna_height_m");
  c = {};
  c.antenna_offset_m = std::nan("");
  expect_throw(c, "antenna_offset_m");
  c = {};
  c.min_permittivity = 0.5;
  expect_throw(c, "min_permittivity");
  c = {};
  c.max_permittivity = 1.0;
  expect_throw(c, "max_permittivity");
  c = {};
  c.min_picks = 3;
  expect_throw(c, "min_picks");
  c = {};
  c.max_picks = 4;
  expect_throw(c, "max_picks");
  c = {};
  c.max_iterations = 0;
  expect_throw(c, "max_iterations");
  c = {};
  c.max_depth_m = 0.0;
  expect_throw(c, "max_depth_m");
  c = {};
  c.max_apex_extrapolation_m = -1.0;
  expect_throw(c, "max_apex_extrapolation_m");
  c = {};
  c.min_flank_picks = 65;
  expect_throw(c, "min_flank_picks");
}

TEST(HyperbolaFit, FitAllocatesNothing) {
  const Truth truth{0.0, 0.1, 6.0, 0.03, 0.02};
  HyperbolaFitter fitter(config_for(truth));
  std::mt19937_64 rng(5);
  const auto noisy = synthesise(truth, -0.3, 0.3, 0.01, 20e-12, &rng);
  const auto many = synthesise(truth, -0.3, 0.3, 0.002);
  const auto few = synthesise(truth, -0.3, 0.3, 0.2);
  deminer::test::AllocationCounter counter;
  const HyperbolaFit a = fitter.fit(noisy);
  const HyperbolaFit b = fitter.fit(many);
  const HyperbolaFit c = fitter.fit(few);
  EXPECT_EQ(counter.count(), 0u);
  EXPECT_TRUE(a.ok && b.ok);
  EXPECT_FALSE(c.ok);
}

}  // namespace
