// The GPR scene simulator: travel times against closed forms and Snell's law, echoes where the
// truth says, determinism, validation, and the JSON forms.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "deminer/dsp/core/error.hpp"
#include "deminer/dsp/gpr/refraction.hpp"
#include "deminer/sim/gpr/scene.hpp"

using namespace deminer::sim;
using deminer::dsp::speed_of_light_m_per_s;

namespace {

GprSceneConfig quiet_single_target(double er, double depth_m) {
  GprSceneConfig config;
  config.relative_permittivity = er;
  config.antenna_offset_m = 0.0;
  config.direct_wave_amplitude = 0.0;
  config.surface_reflection = 0.0;
  config.noise_std = 0.0;
  config.trace_count = 21;
  config.targets = {{0.10, depth_m, 0.1}};
  return config;
}

TEST(GprScene, VerticalApexTimeIsTwoHeightsOverCPlusTwoDepthsOverV) {
  for (double er : {3.0, 6.0, 12.0, 20.0}) {
    for (double depth : {0.0, 0.03, 0.1, 0.25}) {
      const auto config = quiet_single_target(er, depth);
      const double v = speed_of_light_m_per_s / std::sqrt(er);
      const auto truth = gpr_truth(config);
      ASSERT_EQ(truth.targets.size(), 1u);
      EXPECT_DOUBLE_EQ(truth.targets[0].apex_time_s,
                       2.0 * config.antenna_height_m / speed_of_light_m_per_s + 2.0 * depth / v);
    }
  }
}

TEST(GprScene, SnellHoldsAtTheRefractionPointOfAnObliqueLeg) {
  const double v = speed_of_light_m_per_s / std::sqrt(6.0);
  const auto leg = deminer::dsp::refracted_leg(0.2, 0.05, 0.1, v);
  const double sin_air = leg.refraction_offset_m / leg.air_length_m;
  const double sin_soil = (0.2 - leg.refraction_offset_m) / leg.soil_length_m;
  EXPECT_NEAR(sin_air / speed_of_light_m_per_s, sin_soil / v, 1e-12 / speed_of_light_m_per_s);
}

TEST(GprScene, EchoPeaksAtTheTruthTimeAboveTheTarget) {
  // Noise-free, one target, antenna straight above it at trace 10: the largest sample is the
  // Ricker peak, within half a sample of the predicted apex time; elsewhere the echo is later.
  for (double er : {3.0, 6.0, 20.0}) {
    const auto scene = simulate_gpr_scene(quiet_single_target(er, 0.1));
    const auto& trace = scene.traces[10];
    ASSERT_NEAR(trace.header.position_m, 0.10, 1e-12);
    const auto peak = std::max_element(trace.samples.begin(), trace.samples.end());
    const double peak_time =
        trace.header.time_of_sample_s(static_cast<double>(peak - trace.samples.begin()));
    EXPECT_NEAR(peak_time, scene.truth.targets[0].apex_time_s, 0.5 * scene.config.dt_s) << er;
    const auto& off = scene.traces[0].samples;
    const auto off_peak = std::max_element(off.begin(), off.end());
    EXPECT_GT(off_peak - off.begin(), peak - trace.samples.begin());
    EXPECT_LT(*off_peak, *peak);  // geometric spreading
  }
}

TEST(GprScene, HeadersDescribeTheTrack) {
  const auto config = default_gpr_scene();
  const auto scene = simulate_gpr_scene(config);
  ASSERT_EQ(scene.traces.size(), config.trace_count);
  for (std::size_t i = 0; i < scene.traces.size(); ++i) {
    const auto& h = scene.traces[i].header;
    ASSERT_EQ(scene.traces[i].samples.size(), config.samples_per_trace);
    EXPECT_EQ(h.sequence, i);
    EXPECT_EQ(h.channel, 0u);
    EXPECT_DOUBLE_EQ(h.dt_s, config.dt_s);
    EXPECT_DOUBLE_EQ(h.time_zero_s, config.time_zero_s);
    EXPECT_NEAR(h.position_m, config.start_position_m + static_cast<double>(i) * 0.01, 1e-12);
    EXPECT_EQ(h.timestamp_ns, static_cast<std::int64_t>(i) * 10'000'000);
  }
}

TEST(GprScene, SameSeedSameTracesOtherSeedOtherNoise) {
  auto config = default_gpr_scene();
  const auto a = simulate_gpr_scene(config);
  const auto b = simulate_gpr_scene(config);
  config.seed = 2;
  const auto c = simulate_gpr_scene(config);
  double difference_sq = 0.0;
  std::size_t count = 0;
  for (std::size_t i = 0; i < a.traces.size(); ++i) {
    ASSERT_EQ(a.traces[i].samples, b.traces[i].samples) << "trace " << i;
    for (std::size_t k = 0; k < a.traces[i].samples.size(); ++k) {
      const double d = a.traces[i].samples[k] - c.traces[i].samples[k];
      difference_sq += d * d;
      ++count;
    }
  }
  // Two independent noise draws differ by noise_std·√2 in rms.
  EXPECT_NEAR(std::sqrt(difference_sq / static_cast<double>(count)),
              config.noise_std * std::sqrt(2.0), 0.02 * config.noise_std);
}

TEST(GprScene, ValidationNamesFieldValueAndRange) {
  auto config = default_gpr_scene();
  config.targets[1].depth_m = -0.1;
  try {
    validate(config);
    FAIL() << "negative depth accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "GprSceneConfig: targets/1/depth_m: -0.1 is out of range [0, 5]");
  }
  config = default_gpr_scene();
  config.dt_s = 1e-9;  // too coarse for 1.5 GHz
  EXPECT_THROW((void)simulate_gpr_scene(config), std::invalid_argument);
  config = default_gpr_scene();
  config.antenna_height_m = 0.0;
  EXPECT_THROW(validate(config), std::invalid_argument);
}

TEST(GprSceneJson, SceneRoundTrips) {
  auto config = default_gpr_scene();
  config.dt_s = 1.0 / 3.0 * 1e-10;  // not a short decimal
  config.seed = 18'446'744'073'709'551'615u;
  const auto back = scene_from_json(scene_to_json(config), "scene.json");
  EXPECT_EQ(scene_to_json(back), scene_to_json(config));
  EXPECT_EQ(back.dt_s, config.dt_s);
  EXPECT_EQ(back.seed, config.seed);
  ASSERT_EQ(back.targets.size(), 3u);
  EXPECT_EQ(back.targets[1].amplitude, -0.1);
}

TEST(GprSceneJson, AbsentKeysTakeDefaults) {
  const auto config = scene_from_json(R"({"relative_permittivity": 9})", "scene.json");
  EXPECT_EQ(config.relative_permittivity, 9.0);
  EXPECT_EQ(config.samples_per_trace, GprSceneConfig{}.samples_per_trace);
  EXPECT_TRUE(config.targets.empty());
}

TEST(GprSceneJson, ErrorsNameTheSourceAndJsonPath) {
  auto expect_error = [](const std::string& text, const std::string& message) {
    try {
      (void)scene_from_json(text, "scene.json");
      ADD_FAILURE() << text << " accepted";
    } catch (const deminer::ConfigError& e) {
      EXPECT_EQ(std::string(e.what()).substr(0, message.size()), message) << e.what();
    }
  };
  expect_error(R"({"targets": [{"x_m": 0.1, "depth_m": 0.1}, {"x_m": 0.5, "depth_m": -0.1}]})",
               "scene.json: /targets/1/depth_m: -0.1 is out of range [0, 5]");
  expect_error(R"({"targets": [{"x_m": 0.1, "depth": 0.1}]})", "scene.json: /targets/0/depth");
  expect_error(R"({"noise": 0.1})", "scene.json: /noise: unknown key");
  expect_error(R"({"samples_per_trace": 51.5})",
               "scene.json: /samples_per_trace: expected an unsigned integer");
  expect_error(R"({"centre_hz": "fast"})", "scene.json: /centre_hz: expected a number");
  expect_error(R"({"targets": {}})", "scene.json: /targets: expected an array");
  expect_error(R"([1, 2])", "scene.json: /: expected an object");
  expect_error(R"({"dt_s": )", "scene.json: not valid JSON at byte");
  expect_error(R"({"dt_s": 1e999})", "scene.json: a number is not a finite double");
}

TEST(GprTruthJson, RoundTripsAndRejectsUnknownKeys) {
  const auto truth = simulate_gpr_scene(default_gpr_scene()).truth;
  const auto back = truth_from_json(truth_to_json(truth), "truth.json");
  ASSERT_EQ(back.targets.size(), truth.targets.size());
  for (std::size_t i = 0; i < truth.targets.size(); ++i) {
    EXPECT_EQ(back.targets[i].x_m, truth.targets[i].x_m);
    EXPECT_EQ(back.targets[i].depth_m, truth.targets[i].depth_m);
    EXPECT_EQ(back.targets[i].apex_time_s, truth.targets[i].apex_time_s);
  }
  EXPECT_THROW((void)truth_from_json(R"({"targets": [], "extra": 1})", "truth.json"),
               deminer::ConfigError);
  try {
    (void)truth_from_json(R"({"targets": [{"x_m": 1, "depth_m": 0.1}]})", "truth.json");
    FAIL() << "missing apex_time_s accepted";
  } catch (const deminer::ConfigError& e) {
    EXPECT_STREQ(e.what(), "truth.json: /targets/0/apex_time_s: missing");
  }
}

}  // namespace
