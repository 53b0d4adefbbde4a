// SensorFusion: one object per item from both sensors' detections over several sweeps, and the
// fused feature vector. Expected values are worked out by hand or by plain arithmetic in the test.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "allocation_counter.hpp"
#include "deminer/dsp/detect/features.hpp"
#include "deminer/dsp/detect/sensor_fusion.hpp"
#include "deminer/dsp/pipeline/vlf_pipeline.hpp"

namespace {

using deminer::dsp::Detection;
using deminer::dsp::FusedFeature;
using deminer::dsp::FusedObject;
using deminer::dsp::Sensor;
using deminer::dsp::SensorFusion;

Detection detection(Sensor sensor, double across_m, double advance_m, float score) {
  Detection d;
  d.sensor = sensor;
  d.position_m = across_m;
  d.advance_m = advance_m;
  d.score = score;
  return d;
}

float feature(const std::array<float, Detection::max_features>& f, FusedFeature which) {
  return f[static_cast<std::size_t>(which)];
}

TEST(SensorFusion, PassesOfBothSensorsOverOneItemBecomeOneObject) {
  SensorFusion fusion({0.10, 0.30, 8});
  const std::vector<Detection> passes = {
      detection(Sensor::gpr, 0.41, 1.00, 20.0f),
      detection(Sensor::metal_detector, 0.39, 1.01, 9.0f),
      detection(Sensor::gpr, 0.40, 1.05, 35.0f),             // the radar's strongest
      detection(Sensor::metal_detector, 0.42, 1.05, 12.0f),  // the metal detector's strongest
      detection(Sensor::gpr, 0.38, 1.10, 15.0f),
  };
  for (const Detection& d : passes) fusion.add(d);
  EXPECT_EQ(fusion.open_objects(), 1u);

  std::array<FusedObject, 4> out{};
  ASSERT_EQ(fusion.close_all(out), 1u);
  double across = 0.0;
  double advance = 0.0;
  for (const Detection& d : passes) {
    across += d.position_m / static_cast<double>(passes.size());
    advance += d.advance_m / static_cast<double>(passes.size());
  }
  EXPECT_NEAR(out[0].position_m, across, 1e-12);
  EXPECT_NEAR(out[0].advance_m, advance, 1e-12);
  EXPECT_EQ(out[0].hits[0], 3u);
  EXPECT_EQ(out[0].hits[1], 2u);
  EXPECT_EQ(out[0].strongest_of(Sensor::gpr).score, 35.0f);
  EXPECT_EQ(out[0].strongest_of(Sensor::metal_detector).score, 12.0f);
  EXPECT_TRUE(out[0].seen_by(Sensor::gpr));
  EXPECT_TRUE(out[0].seen_by(Sensor::metal_detector));
  EXPECT_EQ(fusion.open_objects(), 0u);
}

TEST(SensorFusion, ItemsFartherApartThanTheRadiusStaySeparate) {
  SensorFusion fusion({0.10, 0.30, 8});
  fusion.add(detection(Sensor::metal_detector, 0.20, 2.00, 10.0f));
  fusion.add(detection(Sensor::gpr, 0.20, 2.11, 10.0f));  // 0.11 m along the lane
  fusion.add(detection(Sensor::gpr, 0.28, 2.00, 10.0f));  // 0.08 m: joins the first
  fusion.add(detection(Sensor::fused, 0.20, 2.00, 10.0f));
  EXPECT_EQ(fusion.ignored_detections(), 1u);
  std::array<FusedObject, 4> out{};
  ASSERT_EQ(fusion.close_all(out), 2u);
  EXPECT_TRUE(out[0].seen_by(Sensor::metal_detector));
  EXPECT_TRUE(out[0].seen_by(Sensor::gpr));
  EXPECT_FALSE(out[1].seen_by(Sensor::metal_detector));
  EXPECT_EQ(out[1].hits[0], 1u);
}

TEST(SensorFusion, ObjectsCloseOnceTheSweepLineIsPastThemBySettleDistance) {
  SensorFusion fusion({0.10, 0.30, 8});
  fusion.add(detection(Sensor::gpr, 0.0, 1.00, 5.0f));
  fusion.add(detection(Sensor::gpr, 0.5, 1.20, 5.0f));
  std::array<FusedObject, 4> out{};
  EXPECT_EQ(fusion.close_behind(1.29, out), 0u);
  ASSERT_EQ(fusion.close_behind(1.31, out), 1u);
  EXPECT_EQ(out[0].advance_m, 1.00);
  EXPECT_EQ(fusion.open_objects(), 1u);
  // An output span too small keeps the rest for the next call.
  EXPECT_EQ(fusion.close_behind(2.0, std::span<FusedObject>{}), 0u);
  ASSERT_EQ(fusion.close_behind(2.0, out), 1u);
  EXPECT_EQ(out[0].advance_m, 1.20);
}

TEST(SensorFusion, FullCapacityClosesTheFarthestBehindEarlyThenDrops) {
  SensorFusion fusion({0.10, 0.30, 2});
  fusion.add(detection(Sensor::gpr, 0.0, 1.0, 1.0f));
  fusion.add(detection(Sensor::gpr, 0.0, 0.5, 2.0f));
  fusion.add(detection(Sensor::gpr, 0.0, 1.5, 3.0f));  // closes the one at 0.5 early
  EXPECT_EQ(fusion.early_closes(), 1u);
  fusion.add(detection(Sensor::gpr, 0.0, 2.0, 4.0f));  // closes the one at 1.0 early
  fusion.add(detection(Sensor::gpr, 0.0, 2.5, 5.0f));  // both waiting slots taken: dropped
  EXPECT_EQ(fusion.early_closes(), 2u);
  EXPECT_EQ(fusion.dropped_detections(), 1u);
  std::array<FusedObject, 8> out{};
  ASSERT_EQ(fusion.close_behind(0.0, out), 2u);  // the early ones, whatever the sweep line
  EXPECT_EQ(out[0].advance_m, 0.5);
  EXPECT_EQ(out[1].advance_m, 1.0);
  ASSERT_EQ(fusion.close_all(out), 2u);
  EXPECT_EQ(out[0].advance_m, 1.5);
  EXPECT_EQ(out[1].advance_m, 2.0);
}

TEST(SensorFusion, FusedFeaturesCarryBothSensorsAndFlagSilence) {
  using deminer::dsp::Feature;
  using deminer::dsp::VlfFeature;
  Detection gpr = detection(Sensor::gpr, 0.30, 1.00, 100.0f);
  gpr.depth_m = 0.07;
  gpr.feature_count = static_cast<std::uint8_t>(deminer::dsp::feature_count);
  for (std::size_t i = 0; i < deminer::dsp::feature_count; ++i) {
    gpr.feature_values[i] = static_cast<float>(i) + 0.5f;
  }
  gpr.feature_values[static_cast<std::size_t>(Feature::time_energy)] = 1e-4f;
  Detection md = detection(Sensor::metal_detector, 0.33, 1.04, 1000.0f);  // 3-4-5 cm apart
  md.feature_count = static_cast<std::uint8_t>(VlfFeature::count);
  md.feature_values[static_cast<std::size_t>(VlfFeature::phase_deg)] = 42.0f;
  md.feature_values[static_cast<std::size_t>(VlfFeature::amplitude_v)] = 0.01f;
  md.feature_values[static_cast<std::size_t>(VlfFeature::ferrous)] = 0.0f;

  FusedObject both;
  both.strongest = {gpr, md};
  both.hits = {3, 2};
  std::array<float, Detection::max_features> f{};
  ASSERT_EQ(deminer::dsp::fused_features(both, f), deminer::dsp::fused_feature_count);
  EXPECT_EQ(feature(f, FusedFeature::gpr_seen), 1.0f);
  EXPECT_EQ(feature(f, FusedFeature::md_seen), 1.0f);
  EXPECT_FLOAT_EQ(feature(f, FusedFeature::gpr_log_score), 2.0f);
  EXPECT_FLOAT_EQ(feature(f, FusedFeature::md_log_score), 3.0f);
  EXPECT_EQ(feature(f, FusedFeature::gpr_hits), 3.0f);
  EXPECT_EQ(feature(f, FusedFeature::md_hits), 2.0f);
  EXPECT_NEAR(feature(f, FusedFeature::sensor_distance_m), 0.05f, 1e-6f);
  EXPECT_FLOAT_EQ(feature(f, FusedFeature::gpr_depth_m), 0.07f);
  EXPECT_EQ(feature(f, FusedFeature::md_phase_deg), 42.0f);
  EXPECT_FLOAT_EQ(feature(f, FusedFeature::md_log_amplitude_v), -2.0f);
  EXPECT_EQ(feature(f, FusedFeature::md_ferrous), 0.0f);
  const auto first = static_cast<std::size_t>(FusedFeature::gpr_first);
  for (std::size_t i = 0; i < deminer::dsp::feature_count; ++i) {
    const float expected =
        i == static_cast<std::size_t>(Feature::time_energy) ? -4.0f : static_cast<float>(i) + 0.5f;
    EXPECT_FLOAT_EQ(f[first + i], expected) << "GPR feature " << i;
  }

  FusedObject radar_only;
  radar_only.strongest[0] = gpr;
  radar_only.hits = {1, 0};
  f.fill(-7.0f);
  ASSERT_EQ(deminer::dsp::fused_features(radar_only, f), deminer::dsp::fused_feature_count);
  EXPECT_EQ(feature(f, FusedFeature::md_seen), 0.0f);
  EXPECT_EQ(feature(f, FusedFeature::md_log_score), 0.0f);
  EXPECT_EQ(feature(f, FusedFeature::md_phase_deg), 0.0f);
  EXPECT_EQ(feature(f, FusedFeature::sensor_distance_m), 0.0f);
  EXPECT_EQ(feature(f, FusedFeature::gpr_seen), 1.0f);
  EXPECT_EQ(f[deminer::dsp::fused_feature_count], -7.0f);  // nothing written past the vector

  std::array<float, 3> short_out{};
  EXPECT_EQ(deminer::dsp::fused_features(both, short_out), 0u);
}

TEST(SensorFusion, AddAndCloseAllocateNothing) {
  SensorFusion fusion({0.10, 0.30, 16});
  std::array<FusedObject, 16> out{};
  deminer::test::AllocationCounter counter;
  for (int sweep = 0; sweep < 200; ++sweep) {
    const double advance = 0.05 * sweep;
    fusion.add(detection(Sensor::gpr, 0.1 * (sweep % 7), advance, 3.0f));
    fusion.add(detection(Sensor::metal_detector, 0.1 * (sweep % 7) + 0.02, advance, 4.0f));
    (void)fusion.close_behind(advance, out);
  }
  (void)fusion.close_all(out);
  EXPECT_EQ(counter.count(), 0u);
}

TEST(SensorFusion, ConfigOutOfRangeIsNamed) {
  const auto message = [](SensorFusion::Config config) -> std::string {
    try {
      SensorFusion fusion(config);
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_NE(message({0.0, 0.3, 8}).find("association_radius_m 0"), std::string::npos);
  EXPECT_NE(message({0.2, 0.1, 8}).find("settle_distance_m 0.1"), std::string::npos);
  EXPECT_NE(message({0.1, 0.3, 0}).find("capacity 0"), std::string::npos);
}

}  // namespace
