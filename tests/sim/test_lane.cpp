// Labelled lanes (sim/lane) and the GPR scene's cross-track offset: counts against hand-computed
// apportionments, placement rules, the sweep scenes against the head's kinematics written out
// here, reflection signs against Fresnel coefficients, the offset's travel times against Snell's
// law solved here by bisection, determinism and the JSON forms.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>
#include <set>
#include <string>

#include "deminer/dsp/core/error.hpp"
#include "deminer/dsp/gpr/refraction.hpp"
#include "deminer/sim/gpr/scene.hpp"
#include "deminer/sim/lane/lane.hpp"

namespace {

namespace lane = deminer::sim::lane;
namespace md = deminer::sim::md;
using deminer::dsp::speed_of_light_m_per_s;
using deminer::sim::GprSceneConfig;
using deminer::sim::GprTarget;
using lane::ObjectClass;
using lane::ObjectType;

// A 1 m x 2.5 m lane with 4 mines and 20 clutter items of every kind.
lane::LaneConfig small_lane(std::uint64_t seed = 42) {
  lane::LaneConfig c;
  c.length_m = 2.5;
  c.width_m = 1.0;
  c.mine_count = 4;
  c.clutter_per_mine = 5.0;
  c.mine_mix = {3.0, 1.0};
  c.clutter_mix = {1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0};
  c.seed = seed;
  return c;
}

std::map<ObjectType, std::size_t> counts_by_type(const lane::LaneTruth& truth) {
  std::map<ObjectType, std::size_t> counts;
  for (const auto& o : truth.objects) ++counts[o.type];
  return counts;
}

TEST(LaneTruth, SameSeedSameLaneOtherSeedOtherLane) {
  const auto a = lane::generate_lane_truth(small_lane(42));
  const auto b = lane::generate_lane_truth(small_lane(42));
  const auto c = lane::generate_lane_truth(small_lane(43));
  EXPECT_EQ(lane::lane_truth_to_json(a), lane::lane_truth_to_json(b));
  ASSERT_EQ(a.objects.size(), c.objects.size());
  std::size_t moved = 0;
  for (std::size_t i = 0; i < a.objects.size(); ++i) {
    moved += a.objects[i].x_m != c.objects[i].x_m || a.objects[i].y_m != c.objects[i].y_m;
  }
  EXPECT_EQ(moved, a.objects.size());
}

TEST(LaneTruth, CountsFollowTheMixesExactly) {
  // 4 mines at 3:1 -> 3 AP + 1 AT; 4 · 5 = 20 clutter items over 7 equal weights: quotas 20/7 =
  // 2.857 each, floors 2 (14), the 6 left go to the first 6 types (equal remainders).
  const auto truth = lane::generate_lane_truth(small_lane());
  auto counts = counts_by_type(truth);
  EXPECT_EQ(counts[ObjectType::ap_mine], 3u);
  EXPECT_EQ(counts[ObjectType::at_mine], 1u);
  for (ObjectType t : {ObjectType::fragment, ObjectType::nail, ObjectType::wire, ObjectType::can,
                       ObjectType::rock, ObjectType::root}) {
    EXPECT_EQ(counts[t], 3u) << lane::object_type_name(t);
  }
  EXPECT_EQ(counts[ObjectType::void_space], 2u);
  std::map<ObjectClass, std::size_t> classes;
  for (const auto& o : truth.objects) {
    ++classes[o.object_class];
    EXPECT_EQ(o.object_class, lane::class_of(o.type));
  }
  EXPECT_EQ(classes[ObjectClass::mine], 4u);
  EXPECT_EQ(classes[ObjectClass::metal_clutter] + classes[ObjectClass::nonmetal_clutter], 20u);

  // Largest remainders: 7 items at 0.5 : 0.3 : 0.2 -> quotas 3.5, 2.1, 1.4 -> 3 + 1, 2, 1.
  auto c = small_lane();
  c.mine_count = 1;
  c.clutter_per_mine = 7.0;
  c.clutter_mix = {0.5, 0.3, 0.2, 0.0, 0.0, 0.0, 0.0};
  counts = counts_by_type(lane::generate_lane_truth(c));
  EXPECT_EQ(counts[ObjectType::fragment], 4u);
  EXPECT_EQ(counts[ObjectType::nail], 2u);
  EXPECT_EQ(counts[ObjectType::wire], 1u);
  EXPECT_EQ(counts.count(ObjectType::rock), 0u);

  // 3 mines at 2.5 clutter per mine: round(7.5) = 8 clutter items.
  c.mine_count = 3;
  c.clutter_per_mine = 2.5;
  EXPECT_EQ(lane::generate_lane_truth(c).objects.size(), 11u);
}

TEST(LaneTruth, ObjectsStayInsideTheMarginApartAndInTheDepthRange) {
  auto c = small_lane(7);
  c.mine_count = 6;
  c.clutter_per_mine = 10.0;  // 66 objects on 2.5 m², 27 per m² usable
  c.mine_mix = {1.0, 1.0};
  c.min_spacing_m = 0.12;
  c.depth_min_m = 0.02;
  c.depth_max_m = 0.18;
  c.ap_mine_depth_max_m = 0.06;
  const auto truth = lane::generate_lane_truth(c);
  ASSERT_EQ(truth.objects.size(), 66u);
  EXPECT_DOUBLE_EQ(truth.scanned_area_m2, 2.5);
  std::size_t deep_at = 0;
  for (std::size_t i = 0; i < truth.objects.size(); ++i) {
    const auto& o = truth.objects[i];
    EXPECT_EQ(o.id, i);
    EXPECT_GE(o.x_m, -0.5 + c.edge_margin_m);
    EXPECT_LE(o.x_m, 0.5 - c.edge_margin_m);
    EXPECT_GE(o.y_m, c.edge_margin_m);
    EXPECT_LE(o.y_m, c.length_m - c.edge_margin_m);
    EXPECT_GE(o.depth_m, 0.02);
    EXPECT_LE(o.depth_m, o.type == ObjectType::ap_mine ? 0.06 : 0.18);
    deep_at += o.type == ObjectType::at_mine && o.depth_m > 0.06;
    for (std::size_t j = 0; j < i; ++j) {
      const auto& p = truth.objects[j];
      EXPECT_GE(std::hypot(o.x_m - p.x_m, o.y_m - p.y_m), 0.12) << i << " vs " << j;
    }
    // Strata: 5 cm bands of the top depth, and the soil.
    const auto lo_cm = static_cast<int>(std::floor(o.depth_m * 20.0)) * 5;
    EXPECT_EQ(o.depth_band, std::to_string(lo_cm) + "-" + std::to_string(lo_cm + 5) + " cm");
    EXPECT_EQ(o.soil, "moderate/dry");
    // Metal and only metal has a metal-detector target, at the object's place, below its top.
    EXPECT_EQ(o.has_md, o.object_class != ObjectClass::nonmetal_clutter);
    if (o.has_md) {
      EXPECT_EQ(o.md.x_m, o.x_m);
      EXPECT_EQ(o.md.y_m, o.y_m);
      EXPECT_GE(o.md.depth_m, o.depth_m);
    }
  }
  EXPECT_GT(deep_at, 0u);  // AT mines use the whole range (3 of them, each 3/4 likely below 6 cm)
  EXPECT_EQ(lane::depth_band_label(0.0), "0-5 cm");
  EXPECT_EQ(lane::depth_band_label(0.0499), "0-5 cm");
  EXPECT_EQ(lane::depth_band_label(0.05), "5-10 cm");
  EXPECT_EQ(lane::depth_band_label(0.1999), "15-20 cm");
}

TEST(LaneTruth, ACrowdedLaneIsRefusedWithAReason) {
  auto c = small_lane();
  c.length_m = 0.4;
  c.width_m = 0.4;
  c.min_spacing_m = 0.2;  // at most a handful of 0.2 m discs fit in 0.3 m x 0.3 m
  try {
    (void)lane::generate_lane_truth(c);
    FAIL() << "24 objects placed 0.2 m apart in 0.09 m²";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("found no place 0.2 m from the others"), std::string::npos)
        << e.what();
  }
  c = small_lane();
  c.min_spacing_m = -1.0;
  try {
    lane::validate(c);
    FAIL() << "negative spacing accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "LaneConfig: min_spacing_m: -1 is out of range [0, 10]");
  }
}

// The head's y when sweep k passes x, from the kinematics of md_scene.hpp written out: the sweep
// line advances `advance` per sweep continuously; even sweeps run from -w/2 to +w/2.
double expected_head_y(const lane::LaneConfig& c, std::size_t k, double x) {
  const double fraction =
      k % 2 == 0 ? (x + 0.5 * c.width_m) / c.width_m : (0.5 * c.width_m - x) / c.width_m;
  return c.head.advance_per_sweep_m * (static_cast<double>(k) + fraction);
}

TEST(LaneGpr, ASweepHoldsTheObjectsWithinReachAtTheirCrossTrackOffsets) {
  auto c = small_lane();
  c.soil.moisture = lane::Moisture::wet;
  c.head.gpr_reach_m = 0.3;
  const auto truth = lane::generate_lane_truth(c);
  const std::size_t n = lane::lane_sweep_count(c);
  ASSERT_EQ(n, 50u);  // 2.5 m at 5 cm per sweep
  std::size_t seen = 0;
  for (std::size_t k : {std::size_t{0}, std::size_t{1}, std::size_t{24}, std::size_t{49}}) {
    const GprSceneConfig scene = lane::lane_gpr_sweep_scene(c, truth, k);
    EXPECT_EQ(scene.relative_permittivity, 12.0);
    EXPECT_EQ(scene.conductivity_s_per_m, 1e-2);
    EXPECT_EQ(scene.trace_count, 101u);
    EXPECT_EQ(scene.start_position_m, -0.5);
    EXPECT_EQ(scene.trace_spacing_m, 0.01);
    EXPECT_DOUBLE_EQ(scene.trace_rate_hz, 50.0);  // 0.5 m/s over 1 cm
    const double y_middle = 0.05 * (static_cast<double>(k) + 0.5);
    std::size_t next = 0;
    for (const auto& o : truth.objects) {
      if (std::abs(o.y_m - y_middle) > 0.3) continue;
      ASSERT_LT(next, scene.targets.size()) << "sweep " << k;
      const GprTarget& t = scene.targets[next++];
      EXPECT_EQ(t.x_m, o.x_m);
      EXPECT_EQ(t.depth_m, o.depth_m);
      EXPECT_EQ(t.amplitude, o.gpr_amplitude);
      EXPECT_NEAR(t.offset_m, o.y_m - expected_head_y(c, k, o.x_m), 1e-12) << "sweep " << k;
    }
    EXPECT_EQ(next, scene.targets.size()) << "sweep " << k;
    seen += next;
    const auto sweep = lane::lane_sweep(c, k);
    EXPECT_DOUBLE_EQ(sweep.y_middle_m, y_middle);
    EXPECT_DOUBLE_EQ(sweep.start_time_s, 2.0 * static_cast<double>(k));  // 1 m at 0.5 m/s
    EXPECT_EQ(sweep.towards_positive_x, k % 2 == 0);
  }
  EXPECT_GT(seen, 0u);
  EXPECT_THROW((void)lane::lane_gpr_sweep_scene(c, truth, n), std::invalid_argument);
  // Neighbouring sweeps get different noise; the scene renders.
  EXPECT_NE(lane::lane_gpr_sweep_scene(c, truth, 0).seed,
            lane::lane_gpr_sweep_scene(c, truth, 1).seed);
  auto scene = lane::lane_gpr_sweep_scene(c, truth, 24);
  scene.samples_per_trace = 256;
  const auto rendered = deminer::sim::simulate_gpr_scene(scene);
  EXPECT_EQ(rendered.traces.size(), 101u);
  EXPECT_EQ(lane::generate_lane(c).sweeps.size(), 50u);
}

TEST(LaneGpr, ReflectionSignsFollowTheFresnelCoefficientsAndMetalIsInverted) {
  // The simulator's sign convention: the transmitted wavelet is positive and the air -> soil
  // surface echo, (1 - √εr)/(1 + √εr), negative. Metal (r = -1) and denser bodies echo with the
  // surface's sign; plastic mines and voids (less dense than the soil) with the opposite sign.
  for (auto moisture : {lane::Moisture::dry, lane::Moisture::wet}) {
    auto c = small_lane(11);
    c.soil.moisture = moisture;
    const double soil_er = moisture == lane::Moisture::dry ? 4.0 : 12.0;
    const double surface = (1.0 - std::sqrt(soil_er)) / (1.0 + std::sqrt(soil_er));
    ASSERT_LT(surface, 0.0);
    const auto truth = lane::generate_lane_truth(c);
    std::set<ObjectType> seen;
    for (const auto& o : truth.objects) {
      seen.insert(o.type);
      const auto name = lane::object_type_name(o.type);
      if (o.object_class == ObjectClass::metal_clutter) {
        EXPECT_EQ(o.gpr_reflection, -1.0) << name;
        EXPECT_EQ(o.relative_permittivity, 0.0) << name;
      } else {
        const double s = std::sqrt(soil_er);
        const double b = std::sqrt(o.relative_permittivity);
        EXPECT_NEAR(o.gpr_reflection, (s - b) / (s + b), 1e-15) << name;
      }
      EXPECT_EQ(std::signbit(o.gpr_amplitude), std::signbit(o.gpr_reflection)) << name;
      EXPECT_NE(o.gpr_amplitude, 0.0) << name;
      if (o.type == ObjectType::ap_mine || o.type == ObjectType::at_mine ||
          o.type == ObjectType::void_space) {
        EXPECT_GT(o.gpr_amplitude, 0.0) << name;  // opposite to metal
      }
      if (o.object_class == ObjectClass::metal_clutter || o.type == ObjectType::root) {
        EXPECT_EQ(std::signbit(o.gpr_amplitude), std::signbit(surface)) << name;
      }
    }
    EXPECT_EQ(seen.size(), 9u);
  }
}

TEST(LaneGpr, SmallFragmentsScatterInTheRayleighRegime) {
  // Fragments (radius <= 8 mm) are small against the wavelength in soil (λ = c/(f√εr) = 10 cm at
  // 1.5 GHz, εr 4: k·a <= 0.5), where the scattered amplitude grows as a³.
  auto c = small_lane(5);
  c.clutter_mix = {1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0};
  const auto truth = lane::generate_lane_truth(c);
  std::vector<lane::LaneObject> fragments;
  for (const auto& o : truth.objects) {
    if (o.type == ObjectType::fragment) fragments.push_back(o);
  }
  ASSERT_EQ(fragments.size(), 20u);
  const double k = 2.0 * std::numbers::pi * 1.5e9 * 2.0 / speed_of_light_m_per_s;
  for (std::size_t i = 1; i < fragments.size(); ++i) {
    const double a0 = 0.5 * fragments[0].size_m;
    const double ai = 0.5 * fragments[i].size_m;
    ASSERT_LT(k * std::max(a0, ai), 1.0);
    EXPECT_NEAR(fragments[i].gpr_amplitude / fragments[0].gpr_amplitude, std::pow(ai / a0, 3),
                1e-12 * std::pow(ai / a0, 3));
    EXPECT_GE(ai, 2e-3);
    EXPECT_LE(ai, 8e-3);
    EXPECT_EQ(fragments[i].md.sphere.relative_permeability, 100.0);  // ferrous
    EXPECT_EQ(fragments[i].md.sphere.radius_m, ai);
  }
}

TEST(LaneMd, TheSceneHoldsTheMetalObjectsOverTheWholeLane) {
  auto c = small_lane(3);
  c.soil = {md::SoilClass::high, lane::Moisture::wet};
  const auto truth = lane::generate_lane_truth(c);
  const md::MdSceneConfig scene = lane::lane_md_scene(c, truth);
  EXPECT_NO_THROW(md::validate(scene));
  EXPECT_EQ(scene.sweep_count, 50u);
  EXPECT_EQ(scene.sweep_width_m, 1.0);
  EXPECT_EQ(scene.advance_per_sweep_m, 0.05);
  EXPECT_EQ(scene.sweep_speed_m_per_s, 0.5);
  EXPECT_EQ(scene.lane_start_m, 0.0);
  EXPECT_EQ(scene.soil.susceptibility_si, md::soil_of_class(md::SoilClass::high).susceptibility_si);
  EXPECT_EQ(scene.soil.conductivity_s_per_m, 1e-2);  // the wet soil's, as the radar's
  EXPECT_EQ(scene.seed, c.seed);
  std::size_t next = 0;
  for (const auto& o : truth.objects) {
    if (o.object_class == ObjectClass::nonmetal_clutter) continue;
    ASSERT_LT(next, scene.targets.size());
    const auto& t = scene.targets[next++];
    EXPECT_EQ(t.x_m, o.x_m);
    EXPECT_EQ(t.y_m, o.y_m);
    EXPECT_EQ(t.depth_m, o.md.depth_m);
    EXPECT_EQ(t.kind, o.md.kind);
    if (o.type == ObjectType::ap_mine) {
      // Low-metal AP mine: the fuze's few grams of aluminium.
      EXPECT_EQ(t.kind, md::MdTargetConfig::Kind::sphere);
      EXPECT_EQ(t.sphere.conductivity_s_per_m, md::aluminium_sphere(1.0).conductivity_s_per_m);
      EXPECT_GE(t.sphere.radius_m, 2e-3);
      EXPECT_LE(t.sphere.radius_m, 3e-3);
    }
    if (o.type == ObjectType::nail || o.type == ObjectType::wire) {
      EXPECT_EQ(t.kind, md::MdTargetConfig::Kind::tensor);
    }
    if (o.type == ObjectType::can) {
      EXPECT_EQ(t.kind, md::MdTargetConfig::Kind::loop);
    }
  }
  EXPECT_EQ(next, scene.targets.size());
  // The head passes every object: the last sweep line reaches the lane's end.
  EXPECT_GE(0.05 * static_cast<double>(scene.sweep_count), c.length_m);
  // Same track for both sensors: the lane's head y is md_pose_at's.
  EXPECT_NEAR(lane::lane_head_y_m(c, 7, 0.25), expected_head_y(c, 7, 0.25), 1e-12);
}

TEST(LaneMd, ANailIsMagneticAlongItsAxis) {
  // A ferrous rod magnetises most along its axis: the static polarisability (the sum of the
  // axis's high-frequency limit and pole) is largest on the first axis, positive, and below the
  // volume times μr (demagnetisation); the high-frequency limit is diamagnetic.
  auto c = small_lane(9);
  c.clutter_mix = {0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0};
  const auto truth = lane::generate_lane_truth(c);
  std::size_t nails = 0;
  for (const auto& o : truth.objects) {
    if (o.type != ObjectType::nail) continue;
    ++nails;
    const auto& axes = o.md.axes;
    auto static_m3 = [&](std::size_t a) {
      return axes[a].high_frequency_m3 + axes[a].poles.at(0).amplitude_m3;
    };
    const double radius = o.size_m / 36.0;
    const double volume = std::numbers::pi * radius * radius * o.size_m;
    EXPECT_GT(static_m3(0), 10.0 * static_m3(1));
    EXPECT_LT(static_m3(0), 99.0 * volume);
    EXPECT_GT(static_m3(1), 0.0);
    EXPECT_LT(axes[0].high_frequency_m3, 0.0);
    EXPECT_EQ(static_m3(1), static_m3(2));
    EXPECT_GE(o.md.dip_deg, 0.0);
    EXPECT_LE(o.md.dip_deg, 90.0);
  }
  EXPECT_EQ(nails, 20u);
}

TEST(LaneJson, ConfigRoundTrips) {
  auto c = small_lane(18'446'744'073'709'551'615u);
  c.soil = {md::SoilClass::severe, lane::Moisture::wet};
  c.clutter_mix.void_space = 1.0 / 3.0;
  c.head.gpr_reach_m = 0.7;
  c.gpr.noise_std = 0.05;
  c.md.detector = md::MdSceneConfig::Detector::pi;
  c.md.coil.kind = md::CoilConfig::Kind::double_d;
  const std::string text = lane::lane_config_to_json(c);
  const auto back = lane::lane_config_from_json(text, "lane.json");
  EXPECT_EQ(lane::lane_config_to_json(back), text);
  EXPECT_EQ(back.seed, c.seed);
  EXPECT_EQ(back.soil.magnetic, md::SoilClass::severe);
  EXPECT_EQ(back.soil.moisture, lane::Moisture::wet);
  EXPECT_EQ(back.clutter_mix.void_space, 1.0 / 3.0);
  EXPECT_EQ(back.head.gpr_reach_m, 0.7);
  EXPECT_EQ(back.gpr.noise_std, 0.05);
  EXPECT_EQ(back.md.detector, md::MdSceneConfig::Detector::pi);
  EXPECT_EQ(back.md.coil.kind, md::CoilConfig::Kind::double_d);
  const auto defaults = lane::lane_config_from_json("{}", "lane.json");
  EXPECT_EQ(defaults.length_m, 20.0);
  EXPECT_EQ(defaults.mine_count, 2u);
}

TEST(LaneJson, ConfigErrorsNameTheSourceAndJsonPath) {
  auto expect_error = [](const std::string& text, const std::string& message) {
    try {
      (void)lane::lane_config_from_json(text, "lane.json");
      ADD_FAILURE() << text << " accepted";
    } catch (const deminer::ConfigError& e) {
      EXPECT_EQ(std::string(e.what()).substr(0, message.size()), message) << e.what();
    }
  };
  expect_error(R"({"head": {"advance_per_sweep_m": 0}})",
               "lane.json: /head/advance_per_sweep_m: 0 is out of range [0.01, 1]");
  expect_error(R"({"clutter_mix": {"nail": "many"}})",
               "lane.json: /clutter_mix/nail: expected a number");
  expect_error(R"({"soil": {"moisture": "damp"}})",
               "lane.json: /soil/moisture: \"damp\" is not one of: dry, wet");
  expect_error(R"({"lenght_m": 3})", "lane.json: /lenght_m: unknown key");
  expect_error(R"({"mine_count": -1})", "lane.json: /mine_count: expected an unsigned integer");
  expect_error(R"({"width_m": 1, "edge_margin_m": 0.6})",
               "lane.json: /edge_margin_m: 0.6 leaves no room");
  expect_error(R"({"depth_min_m": 0.1, "depth_max_m": 0.05})",
               "lane.json: /depth_max_m: 0.05 is out of range [0.1, 1]");
  expect_error(R"({"gpr": {"noise_std": -1}})",
               "lane.json: /gpr/noise_std: -1 is out of range [0, 1000]");
  expect_error(R"({"gpr": {"trace_count": 5}})", "lane.json: /gpr/trace_count: is set by the lane");
  expect_error(R"({"md": {"sweep_width_m": 2}})",
               "lane.json: /md/sweep_width_m: is set by the lane");
  expect_error(R"({"md": {"coil": {"transmit_radius_m": 5}}})",
               "lane.json: /md/coil/transmit_radius_m: 5 is out of range [0.005, 1]");
  expect_error(R"({"md": {"colour": 1}})", "lane.json: /md/colour: unknown key");
  expect_error(R"({"md": {"coil_height_m": 0.05, "pumping_amplitude_m": 0.1}})",
               "lane.json: /md/pumping_amplitude_m: 0.1 is out of range");
}

TEST(LaneJson, TruthRoundTripsAndChecksItsObjects) {
  const auto truth = lane::generate_lane_truth(small_lane());
  const std::string text = lane::lane_truth_to_json(truth);
  const auto back = lane::lane_truth_from_json(text, "truth.json");
  EXPECT_EQ(lane::lane_truth_to_json(back), text);
  ASSERT_EQ(back.objects.size(), truth.objects.size());
  EXPECT_EQ(back.soil, "moderate/dry");
  EXPECT_EQ(back.scanned_area_m2, 2.5);
  for (std::size_t i = 0; i < truth.objects.size(); ++i) {
    const auto& a = truth.objects[i];
    const auto& b = back.objects[i];
    EXPECT_EQ(a.type, b.type);
    EXPECT_EQ(a.object_class, b.object_class);
    EXPECT_EQ(a.x_m, b.x_m);
    EXPECT_EQ(a.depth_m, b.depth_m);
    EXPECT_EQ(a.gpr_amplitude, b.gpr_amplitude);
    EXPECT_EQ(a.has_md, b.has_md);
    EXPECT_EQ(a.md.y_m, b.md.y_m);
    EXPECT_EQ(a.md.axes[0].poles.size(), b.md.axes[0].poles.size());
  }
  // The MD scene made from the read truth is the same.
  EXPECT_EQ(md::md_scene_to_json(lane::lane_md_scene(small_lane(), back)),
            md::md_scene_to_json(lane::lane_md_scene(small_lane(), truth)));

  const std::string head =
      R"({"seed": 1, "length_m": 1, "width_m": 1, "scanned_area_m2": 1, "soil": "air/dry", )";
  const std::string object =
      R"("x_m": 0, "y_m": 0.5, "depth_m": 0.1, "size_m": 0.01, "relative_permittivity": 0, )"
      R"("gpr_radius_m": 0.005, "gpr_reflection": -1, "gpr_amplitude": -1e-4, )"
      R"("depth_band": "10-15 cm", "soil": "air/dry")";
  auto expect_error = [](const std::string& bad, const std::string& message) {
    try {
      (void)lane::lane_truth_from_json(bad, "truth.json");
      ADD_FAILURE() << bad << " accepted";
    } catch (const deminer::ConfigError& e) {
      EXPECT_EQ(std::string(e.what()).substr(0, message.size()), message) << e.what();
    }
  };
  expect_error(head + R"("objects": [{"id": 0, "class": "metal_clutter", "subtype": "fragment", )" +
                   object + "}]}",
               "truth.json: /objects/0/md: missing");
  expect_error(
      head + R"("objects": [{"id": 0, "class": "mine", "subtype": "fragment", )" + object + "}]}",
      "truth.json: /objects/0/class: a fragment is of class metal_clutter");
  expect_error(head + R"("objects": [{"id": 3, "class": "metal_clutter", "subtype": "fragment", )" +
                   object + "}]}",
               "truth.json: /objects/0/id: 3 is not the object's index 0");
  expect_error(head + R"("objects": [{"id": 0, "class": "nonmetal_clutter", "subtype": "rock", )" +
                   object + R"(, "md": {"kind": "sphere", "depth_m": 0.1}}]})",
               "truth.json: /objects/0/md: a rock has no metal-detector target");
}

// ---- the GPR scene's cross-track offset ----

// Snell's law at the surface, solved here by bisection on the refraction point u (horizontal
// distance from the antenna): sin θair / c = sin θsoil / v, i.e.
// u/√(u² + H²) = √εr·(D − u)/√((D − u)² + h²). Returns the one-way time.
double snell_one_way_time_s(double horizontal_m, double height_m, double depth_m, double er) {
  double lo = 0.0;
  double hi = horizontal_m;
  for (int i = 0; i < 200; ++i) {
    const double u = 0.5 * (lo + hi);
    const double mismatch = u / std::hypot(u, height_m) - std::sqrt(er) * (horizontal_m - u) /
                                                              std::hypot(horizontal_m - u, depth_m);
    (mismatch < 0.0 ? lo : hi) = u;
  }
  const double u = 0.5 * (lo + hi);
  return (std::hypot(u, height_m) + std::sqrt(er) * std::hypot(horizontal_m - u, depth_m)) /
         speed_of_light_m_per_s;
}

GprSceneConfig quiet_scene(double er, double antenna_offset_m) {
  GprSceneConfig config;
  config.relative_permittivity = er;
  config.antenna_offset_m = antenna_offset_m;
  config.direct_wave_amplitude = 0.0;
  config.surface_reflection = 0.0;
  config.noise_std = 0.0;
  config.trace_count = 21;
  config.samples_per_trace = 1024;
  return config;
}

TEST(GprSceneOffset, ApexTimeBesideTheTrackFollowsSnellsLaw) {
  // Abreast of a target d beside the track, each antenna is sqrt((offset/2)² + d²) away from it
  // horizontally; the echo peaks at twice the refracted one-way time over that distance.
  for (double er : {4.0, 12.0}) {
    for (double antenna_offset : {0.0, 0.05}) {
      for (double depth : {0.05, 0.15}) {
        for (double d : {0.1, -0.25}) {
          auto config = quiet_scene(er, antenna_offset);
          config.targets = {{0.10, depth, 0.1, d}};
          const double horizontal = std::hypot(0.5 * antenna_offset, d);
          const double expected =
              2.0 * snell_one_way_time_s(horizontal, config.antenna_height_m, depth, er);
          const auto scene = deminer::sim::simulate_gpr_scene(config);
          EXPECT_NEAR(scene.truth.targets[0].apex_time_s, expected, 1e-12 * expected);
          const auto& trace = scene.traces[10];
          ASSERT_NEAR(trace.header.position_m, 0.10, 1e-12);
          const auto peak = std::max_element(trace.samples.begin(), trace.samples.end());
          const double peak_time =
              trace.header.time_of_sample_s(static_cast<double>(peak - trace.samples.begin()));
          EXPECT_NEAR(peak_time, expected, 0.5 * config.dt_s) << er << " " << depth << " " << d;
        }
      }
    }
  }
}

TEST(GprSceneOffset, WithCoincidentAntennasAnOffsetActsLikeDistanceAlongTheTrack) {
  // One antenna position: the target d beside the track under the antenna is seen exactly as a
  // target on the track d ahead of it (5 traces of 1 cm).
  auto beside = quiet_scene(6.0, 0.0);
  beside.targets = {{0.10, 0.1, 0.1, 0.05}};
  auto ahead = quiet_scene(6.0, 0.0);
  ahead.targets = {{0.10, 0.1, 0.1, 0.0}};
  const auto a = deminer::sim::simulate_gpr_scene(beside).traces[10].samples;
  const auto b = deminer::sim::simulate_gpr_scene(ahead).traces[15].samples;
  const float peak = *std::max_element(b.begin(), b.end());
  ASSERT_GT(peak, 0.1f);
  for (std::size_t k = 0; k < a.size(); ++k) ASSERT_NEAR(a[k], b[k], 1e-5f * peak) << k;
}

GprSceneConfig default_scene_with_offset(double offset_m) {
  auto config = deminer::sim::default_gpr_scene();
  for (auto& target : config.targets) target.offset_m = offset_m;
  return config;
}

TEST(GprSceneOffset, SideDoesNotMatterAndAVanishingOffsetIsTheTrackModel) {
  auto plus = default_scene_with_offset(0.2);
  auto minus = default_scene_with_offset(-0.2);
  const auto p = deminer::sim::simulate_gpr_scene(plus);
  const auto m = deminer::sim::simulate_gpr_scene(minus);
  for (std::size_t i = 0; i < p.traces.size(); ++i) {
    ASSERT_EQ(p.traces[i].samples, m.traces[i].samples) << i;
  }
  // offset 0 takes the |x - x_target| path, a 1e-200 m offset the hypot path: same bits.
  const auto zero = deminer::sim::simulate_gpr_scene(default_scene_with_offset(0.0));
  const auto tiny = deminer::sim::simulate_gpr_scene(default_scene_with_offset(1e-200));
  for (std::size_t i = 0; i < zero.traces.size(); ++i) {
    ASSERT_EQ(zero.traces[i].samples, tiny.traces[i].samples) << i;
  }
}

TEST(GprSceneOffset, JsonKeyIsOptionalAndChecked) {
  auto config = deminer::sim::default_gpr_scene();
  const std::string without = deminer::sim::scene_to_json(config);
  EXPECT_EQ(without.find("\"offset_m\""), std::string::npos);  // files without offsets unchanged
  EXPECT_EQ(deminer::sim::scene_from_json(without, "scene.json").targets[0].offset_m, 0.0);
  config.targets[1].offset_m = -0.3;
  const auto back =
      deminer::sim::scene_from_json(deminer::sim::scene_to_json(config), "scene.json");
  EXPECT_EQ(back.targets[1].offset_m, -0.3);
  EXPECT_EQ(back.targets[0].offset_m, 0.0);
  try {
    (void)deminer::sim::scene_from_json(
        R"({"targets": [{"x_m": 0.1, "depth_m": 0.1, "offset_m": 2000}]})", "scene.json");
    FAIL() << "offset 2 km accepted";
  } catch (const deminer::ConfigError& e) {
    EXPECT_STREQ(e.what(), "scene.json: /targets/0/offset_m: 2000 is out of range [-1000, 1000]");
  }
}

}  // namespace
