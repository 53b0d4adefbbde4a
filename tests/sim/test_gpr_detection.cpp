// The GPR slice end to end: simulated scenes (sim) through GprPipeline (dsp), detections checked
// against the scene's ground truth.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "allocation_counter.hpp"
#include "deminer/dsp/pipeline/gpr_pipeline.hpp"
#include "deminer/sim/gpr/scene.hpp"
#include "scene_replay.hpp"

using deminer::dsp::Detection;
using deminer::dsp::GprPipeline;
using deminer::dsp::TraceView;
using deminer::sim::GprSceneConfig;

namespace {

GprPipeline::Config pipeline_config_for(const GprSceneConfig& scene) {
  auto config = GprPipeline::default_config();
  config.samples_per_trace = scene.samples_per_trace;
  config.geometry() = {scene.antenna_height_m, scene.antenna_offset_m, scene.relative_permittivity};
  return config;
}

std::vector<Detection> detect(const deminer::sim::SimulatedScene& scene) {
  GprPipeline pipeline(pipeline_config_for(scene.config));
  return deminer::test::run_in_chunks(pipeline, deminer::test::views_of(scene), 1);
}

// Every target found exactly once within 2 cm in position and depth, and nothing else.
void expect_matches_truth(const GprSceneConfig& config, const std::string& label) {
  const auto scene = deminer::sim::simulate_gpr_scene(config);
  const auto detections = detect(scene);
  ASSERT_EQ(detections.size(), scene.truth.targets.size()) << label;
  for (const auto& target : scene.truth.targets) {
    const auto nearest = std::min_element(
        detections.begin(), detections.end(), [&](const Detection& a, const Detection& b) {
          return std::abs(a.position_m - target.x_m) < std::abs(b.position_m - target.x_m);
        });
    const double position_error = nearest->position_m - target.x_m;
    const double depth_error = nearest->depth_m - target.depth_m;
    std::printf(
        "%-28s x %.3f m depth %.3f m: position error %+6.1f mm, depth error %+6.1f mm, "
        "score %.1f\n",
        label.c_str(), target.x_m, target.depth_m, 1e3 * position_error, 1e3 * depth_error,
        static_cast<double>(nearest->score));
    EXPECT_LE(std::abs(position_error), 0.02) << label << " target at " << target.x_m;
    EXPECT_LE(std::abs(depth_error), 0.02) << label << " target at " << target.x_m;
  }
}

TEST(GprDetection, DefaultScene) {
  expect_matches_truth(deminer::sim::default_gpr_scene(), "default");
}

TEST(GprDetection, DepthsAndSoils) {
  for (double er : {3.0, 6.0, 12.0, 20.0}) {
    for (double depth : {0.03, 0.08, 0.15, 0.25}) {
      for (std::uint64_t seed : {1u, 2u}) {
        GprSceneConfig config = deminer::sim::default_gpr_scene();
        config.relative_permittivity = er;
        config.seed = seed;
        config.targets = {{0.75, depth, seed == 1 ? 0.1 : -0.1}};
        expect_matches_truth(config, "er " + std::to_string(er).substr(0, 4) + " depth " +
                                         std::to_string(depth).substr(0, 4) + " seed " +
                                         std::to_string(seed));
      }
    }
  }
}

TEST(GprDetection, TwoTargetsFarApartGiveTwoDetections) {
  GprSceneConfig config = deminer::sim::default_gpr_scene();
  config.trace_count = 200;
  config.targets = {{0.5, 0.12, 0.1}, {1.5, 0.12, 0.1}};
  expect_matches_truth(config, "two targets");
}

TEST(GprDetection, NoTargetsNoDetections) {
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    GprSceneConfig config = deminer::sim::default_gpr_scene();
    config.targets.clear();
    config.trace_count = 400;
    config.seed = seed;
    EXPECT_TRUE(detect(deminer::sim::simulate_gpr_scene(config)).empty()) << "seed " << seed;
  }
}

}  // namespace
