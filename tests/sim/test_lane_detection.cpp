// The dual-sensor chain on simulated lanes: the streaming pipeline forms the objects of the batch
// reference without allocating, every detection ends up in exactly one object, shallow items are
// found by the sensor that can see them, bare ground raises nothing, and the objects score
// against the truth through the evaluation library.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>

#include "allocation_counter.hpp"
#include "deminer/dsp/pipeline/dual_sensor_pipeline.hpp"
#include "deminer/sim/eval/detection_statistics.hpp"
#include "deminer/sim/gpr/scene.hpp"
#include "deminer/sim/lane/lane_detection.hpp"
#include "deminer/sim/md/md_scene.hpp"

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

// The reference: the lane's inputs in batch, the way the objects are defined. Each sweep's
// B-scan through a fresh GPR chain, its detections placed at the head's y where it passed the
// apex; the whole metal-detector recording through the VLF chain; every detection sorted by
// advance and fused, closing behind each one.
std::vector<FusedObject> batch_objects(const lane::Lane& scene,
                                       const deminer::dsp::DualSensorPipeline::Config& chains) {
  using deminer::dsp::Detection;
  std::vector<Detection> all;
  std::array<Detection, 64> out{};
  for (std::size_t k = 0; k < scene.sweeps.size(); ++k) {
    const auto sweep =
        deminer::sim::simulate_gpr_scene(lane::lane_gpr_sweep_scene(scene.config, scene.truth, k));
    deminer::dsp::GprPipeline gpr(chains.gpr);
    std::vector<Detection> found;
    for (const auto& trace : sweep.traces) {
      const std::size_t n = gpr.process(trace.view(), out);
      found.insert(found.end(), out.begin(), out.begin() + static_cast<long>(n));
    }
    const std::size_t n = gpr.flush(out);
    found.insert(found.end(), out.begin(), out.begin() + static_cast<long>(n));
    for (Detection& d : found) d.advance_m = lane::lane_head_y_m(scene.config, k, d.position_m);
    all.insert(all.end(), found.begin(), found.end());
  }
  const auto md =
      deminer::sim::md::simulate_md_scene(lane::lane_md_scene(scene.config, scene.truth));
  deminer::dsp::VlfPipeline vlf(chains.md);
  for (const auto& block : md.vlf_blocks) {
    const std::size_t n = vlf.process(block.view(), out).detections;
    all.insert(all.end(), out.begin(), out.begin() + static_cast<long>(n));
  }
  const std::size_t n = vlf.flush(out);
  all.insert(all.end(), out.begin(), out.begin() + static_cast<long>(n));
  std::stable_sort(all.begin(), all.end(), [](const Detection& a, const Detection& b) {
    return a.advance_m < b.advance_m;
  });
  deminer::dsp::SensorFusion fusion(chains.fusion);
  std::vector<FusedObject> objects;
  std::vector<FusedObject> closed(chains.fusion.capacity);
  for (const Detection& d : all) {
    fusion.add(d);
    const std::size_t c = fusion.close_behind(d.advance_m, closed);
    objects.insert(objects.end(), closed.begin(), closed.begin() + static_cast<long>(c));
  }
  for (std::size_t c = fusion.close_all(closed); c > 0; c = fusion.close_all(closed)) {
    objects.insert(objects.end(), closed.begin(), closed.begin() + static_cast<long>(c));
  }
  return objects;
}

TEST(LaneDetection, TheStreamingPipelineFormsTheObjectsOfTheBatchReference) {
  lane::LaneConfig config = small_lane(3, 3.0, 5);
  config.length_m = 2.0;
  config.min_spacing_m = 0.2;
  const lane::Lane scene = lane::generate_lane(config);
  const auto chains = lane::default_chains(scene.config);
  const auto streamed = lane::detect_lane(scene, chains).objects;
  auto reference = batch_objects(scene, chains);
  ASSERT_EQ(streamed.size(), reference.size());
  ASSERT_GE(streamed.size(), 5u);
  const auto seen_by_both = std::count_if(streamed.begin(), streamed.end(), [](const auto& o) {
    return o.seen_by(Sensor::gpr) && o.seen_by(Sensor::metal_detector);
  });
  EXPECT_GE(seen_by_both, 1);
  // Objects close in another order (the stream closes behind the head, the batch behind each
  // detection): match each to the reference object at the same place.
  for (const FusedObject& o : streamed) {
    const auto same = std::find_if(reference.begin(), reference.end(), [&](const FusedObject& r) {
      return std::hypot(r.position_m - o.position_m, r.advance_m - o.advance_m) < 0.005;
    });
    ASSERT_NE(same, reference.end())
        << "no reference object at x " << o.position_m << ", y " << o.advance_m;
    EXPECT_EQ(same->hits, o.hits);
    for (std::size_t s = 0; s < 2; ++s) {
      EXPECT_EQ(same->strongest[s].score, o.strongest[s].score);
      EXPECT_NEAR(same->strongest[s].advance_m, o.strongest[s].advance_m, 1e-3);
    }
    reference.erase(same);
  }
}

TEST(LaneDetection, TheStreamingPipelineAllocatesNothing) {
  const lane::Lane scene = lane::generate_lane(small_lane(2, 2.0, 5));
  const auto chains = lane::default_chains(scene.config);
  deminer::dsp::DualSensorPipeline pipeline(chains);
  const auto sweep =
      deminer::sim::simulate_gpr_scene(lane::lane_gpr_sweep_scene(scene.config, scene.truth, 0));
  const auto md =
      deminer::sim::md::simulate_md_scene(lane::lane_md_scene(scene.config, scene.truth));
  std::vector<FusedObject> out(chains.fusion.capacity);
  std::size_t objects = 0;
  deminer::test::AllocationCounter counter;
  for (const auto& trace : sweep.traces) {
    objects += pipeline.process_trace(trace.view(), 0.01, out);
  }
  objects += pipeline.end_sweep(out);
  for (const auto& block : md.vlf_blocks) objects += pipeline.process_block(block.view(), out);
  for (std::size_t n = pipeline.flush(out); n > 0; n = pipeline.flush(out)) objects += n;
  EXPECT_EQ(counter.count(), 0u);
  EXPECT_GT(objects, 0u);
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
