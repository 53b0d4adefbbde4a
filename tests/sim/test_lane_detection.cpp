// The dual-sensor chain on simulated lanes: every detection ends up in exactly one object, shallow
// items are found by the sensor that can see them, bare ground raises nothing, and the objects
// score against the truth through the evaluation library.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "deminer/sim/eval/detection_statistics.hpp"
#include "deminer/sim/lane/lane_detection.hpp"

namespace {

namespace lane = deminer::sim::lane;
namespace eval = deminer::sim::eval;
using deminer::dsp::FusedObject;
using deminer::dsp::Sensor;

// A 1 m × 1 m lane: 20 sweeps, 40 s of metal-detector data.
lane::LaneConfig small_lane(std::size_t mines, double clutter_per_mine, std::uint64_t seed) {
  lane::LaneConfig config;
  config.length_m = 1.0;
  config.width_m = 1.0;
  config.edge_margin_m = 0.15;
  config.mine_count = mines;
  config.clutter_per_mine = clutter_per_mine;
  config.min_spacing_m = 0.3;
  config.seed = seed;
  return config;
}

std::size_t total_hits(const std::vector<FusedObject>& objects) {
  std::size_t hits = 0;
  for (const FusedObject& o : objects) hits += o.hits[0] + o.hits[1];
  return hits;
}

TEST(LaneDetection, EveryDetectionLandsInOneObjectInsideTheLane) {
  const lane::Lane scene = lane::generate_lane(small_lane(2, 1.5, 11));
  const auto chains = lane::default_chains(scene.config);
  const auto found = lane::detect_lane(scene, chains);
  EXPECT_EQ(total_hits(found.objects), found.gpr.size() + found.md.size());
  const double r = chains.fusion.association_radius_m;
  for (const FusedObject& o : found.objects) {
    EXPECT_GE(o.position_m, -0.5 - r);
    EXPECT_LE(o.position_m, 0.5 + r);
    EXPECT_GE(o.advance_m, -r);
    EXPECT_LE(o.advance_m, 1.0 + 2 * r);
  }
  std::printf("lane seed 11: %zu objects, %zu truth, %zu GPR and %zu MD detections\n",
              found.objects.size(), scene.truth.objects.size(), found.gpr.size(), found.md.size());
}

TEST(LaneDetection, AnAntiTankMineIsFoundByBothSensorsAsOneObjectAtItsPlace) {
  // One AT mine (plastic body, steel fuze) with its top 6-10 cm deep in moderate dry soil.
  lane::LaneConfig config = small_lane(1, 0.0, 7);
  config.mine_mix = {0.0, 1.0};
  config.depth_min_m = 0.06;
  config.depth_max_m = 0.10;
  const lane::Lane scene = lane::generate_lane(config);
  const auto found = lane::detect_lane(scene, lane::default_chains(config));
  ASSERT_EQ(scene.truth.objects.size(), 1u);
  const auto& mine = scene.truth.objects[0];
  ASSERT_FALSE(found.objects.empty());
  const auto nearest = std::min_element(
      found.objects.begin(), found.objects.end(), [&](const FusedObject& a, const FusedObject& b) {
        return std::hypot(a.position_m - mine.x_m, a.advance_m - mine.y_m) <
               std::hypot(b.position_m - mine.x_m, b.advance_m - mine.y_m);
      });
  EXPECT_TRUE(nearest->seen_by(Sensor::gpr));
  EXPECT_TRUE(nearest->seen_by(Sensor::metal_detector));
  // Across the lane both sensors place it to a few cm; along the lane the sweeps are 5 cm apart.
  EXPECT_NEAR(nearest->position_m, mine.x_m, 0.03);
  EXPECT_NEAR(nearest->advance_m, mine.y_m, 0.05);
  std::printf(
      "AT mine at (%.3f, %.3f) m, %.3f m deep: object at (%.3f, %.3f) m, %u GPR and %u MD "
      "detections; %zu objects in all\n",
      mine.x_m, mine.y_m, mine.depth_m, nearest->position_m, nearest->advance_m,
      unsigned{nearest->hits[0]}, unsigned{nearest->hits[1]}, found.objects.size());
}

TEST(LaneDetection, ObjectsScoreAgainstTheTruth) {
  // Every object an alarm: the evaluation counts each truth object at most once, and what is
  // not on an object is a false alarm.
  const lane::Lane scene = lane::generate_lane(small_lane(2, 1.5, 11));
  const auto found = lane::detect_lane(scene, lane::default_chains(scene.config));
  const auto alarms = lane::alarms_of(found.objects, [](const FusedObject&) { return 1.0; });
  ASSERT_EQ(alarms.size(), found.objects.size());
  eval::EvaluationConfig evaluation;
  evaluation.radius_m = 0.15;
  evaluation.area_m2 = scene.truth.scanned_area_m2;
  const auto stats = eval::evaluate(alarms, lane::evaluation_truth(scene.truth), evaluation);
  const auto& c = stats.counts;
  EXPECT_EQ(c.mines, 2u);
  EXPECT_EQ(c.alarms,
            c.mines_detected + c.false_alarms + c.duplicates_on_mines + c.duplicates_on_clutter);
  EXPECT_DOUBLE_EQ(stats.far_per_m2.estimate, static_cast<double>(c.false_alarms) / 1.0);
  std::printf(
      "all objects as alarms: %zu of %zu mines, %zu of %zu clutter alarmed, %zu false "
      "alarms\n",
      c.mines_detected, c.mines, c.clutter_alarmed, c.clutter_objects, c.false_alarms);
}

TEST(LaneDetection, BareGroundRaisesNoObject) {
  const lane::Lane scene = lane::generate_lane(small_lane(0, 0.0, 3));
  const auto found = lane::detect_lane(scene, lane::default_chains(scene.config));
  EXPECT_TRUE(found.objects.empty()) << found.gpr.size() << " GPR, " << found.md.size() << " MD";
}

TEST(LaneDetection, TruthCarriesTheStrata) {
  const lane::Lane scene = lane::generate_lane(small_lane(2, 1.5, 11));
  const auto truth = lane::evaluation_truth(scene.truth);
  ASSERT_EQ(truth.size(), scene.truth.objects.size());
  for (std::size_t i = 0; i < truth.size(); ++i) {
    const auto& o = scene.truth.objects[i];
    EXPECT_EQ(truth[i].kind == eval::TruthKind::mine, o.object_class == lane::ObjectClass::mine);
    EXPECT_EQ(truth[i].strata.at("type"), lane::object_type_name(o.type));
    EXPECT_EQ(truth[i].strata.at("depth_band"), o.depth_band);
    EXPECT_EQ(truth[i].x_m, o.x_m);
    EXPECT_EQ(truth[i].y_m, o.y_m);
  }
}

}  // namespace
