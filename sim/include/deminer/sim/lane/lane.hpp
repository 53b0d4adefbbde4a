// Labelled test lanes: a strip of ground with mines and clutter at known places, scanned by a
// dual-sensor head (GPR + metal detector on one position track), and its ground truth.
//
// Why: Pd and false alarms per m² are only meaningful against a truth of which object is where,
// in numbers and mixes like a real minefield's (most alarms are scrap: 50-400 clutter items per
// mine), stratified by mine type, depth and soil. This file places the objects and describes
// what each sensor sees of them; the radar and detector physics stay in gpr/scene.hpp and
// md/md_scene.hpp, which render the data on demand (a 20 m lane is too big to render eagerly).
//
// Geometry: x across the lane in [-width/2, width/2] (the sweep axis), y along it in
// [0, length], depth down from the surface. The head follows md_pose_at: sweep k runs across x
// (even k towards +x) while the sweep line advances continuously in y from k·advance to
// (k+1)·advance; sweeps cover y up to ceil(length/advance)·advance ≥ length.
//
// Objects (catalogue in lane.cpp; sizes drawn per object, written to the truth):
//  - mines: low-metal plastic AP mine (plastic/explosive body εr ≈ 3; a few grams of aluminium
//    in the fuze, modelled as an aluminium sphere), AT mine (body 25-35 cm, a steel fuze);
//  - metal clutter: fragments (steel spheres), nails and wire (steel rods as tensor targets with
//    a random orientation), cans (thin-walled, a strong single-pole loop);
//  - non-metal clutter: rocks (εr 4-9), roots (wet wood, εr 15-25), voids (air): no MD response.
// GPR amplitude (the GprTarget amplitude, simulator convention of gpr/scene.hpp, where the
// transmitted wavelet is positive and the air -> soil surface echo negative):
//   amplitude = r · (a/2) · min(1, (k·a)²),   r = (√εsoil − √εobject)/(√εsoil + √εobject),
// r = −1 for metal (a perfect conductor), a the object's effective radius, k = 2π·f_c·√εsoil/c.
// a/2 is the optical sphere's backscatter (field a/(2R) at range R); the factor (k·a)² joins it
// continuously to Rayleigh scattering (amplitude ∝ a³) for objects small against the
// wavelength. Hence metal and objects denser than the soil (roots, most rocks in dry soil)
// echo inverted against the wavelet like the surface, plastic mines and voids with the
// wavelet's sign: the polarity feature's convention (dsp/detect/cfar_detector.hpp).
// Randomness: std::mt19937_64 (its output is fixed by the standard) turned into doubles with
// explicit formulas, not std::*_distribution (whose algorithms differ between standard
// libraries), so a seed gives the same lane with any compiler; sizes use std::log/exp/asin,
// which may differ in the last bit between C libraries.
// Units: metres, seconds, hertz, S/m. Workstation code: allocates and throws.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "deminer/dsp/core/detection.hpp"
#include "deminer/sim/gpr/scene.hpp"
#include "deminer/sim/md/md_scene.hpp"

namespace deminer::sim::lane {

using dsp::ObjectClass;  // mine, metal_clutter or nonmetal_clutter (dsp/core/detection.hpp)
enum class ObjectType { ap_mine, at_mine, fragment, nail, wire, can, rock, root, void_space };

[[nodiscard]] ObjectClass class_of(ObjectType type) noexcept;
[[nodiscard]] bool has_metal(ObjectType type) noexcept;  // mines and metal clutter
// "ap_mine", "at_mine", "fragment", "nail",
// "wire", "can", "rock", "root", "void".
[[nodiscard]] std::string_view object_type_name(ObjectType type) noexcept;
[[nodiscard]] std::optional<ObjectType> object_type_from_name(std::string_view name) noexcept;

// Soil moisture as the radar sees it.
enum class Moisture { dry, wet };
struct GprSoil {
  double relative_permittivity = 4.0;
  double conductivity_s_per_m = 1e-3;
};
// dry: a dry sandy soil, εr 4, σ 1 mS/m; wet: a moist (not saturated) loamy soil, εr 12,
// σ 10 mS/m. Within the ranges of Davis & Annan (1989, Geophys. Prospect. 37, table 1: dry sand
// εr 3-5, saturated sand 20-30, silts 5-30 with 1-100 mS/m); σ of the dry soil is above their
// clean-sand value, as for a sand with some fines.
[[nodiscard]] GprSoil gpr_soil_of(Moisture moisture) noexcept;
[[nodiscard]] std::string_view moisture_name(Moisture moisture) noexcept;  // "dry", "wet"

struct LaneSoil {
  md::SoilClass magnetic = md::SoilClass::moderate;  // md/soil.hpp (air: no soil for the MD)
  Moisture moisture = Moisture::dry;
};
// "<magnetic>/<moisture>", e.g. "moderate/dry": the soil stratum label.
[[nodiscard]] std::string soil_label(const LaneSoil& soil);

// Relative weights (≥ 0) of the types within their group. The defaults are illustrative: metal
// scrap, mostly fragments, dominates as in battle areas; we know no published breakdown.
struct MineMix {
  double ap_mine = 0.8;  // [0, 1e6]
  double at_mine = 0.2;  // [0, 1e6]
};
struct ClutterMix {
  double fragment = 0.50;  // [0, 1e6] each
  double nail = 0.10;
  double wire = 0.08;
  double can = 0.04;
  double rock = 0.18;
  double root = 0.06;
  double void_space = 0.04;  // JSON "void"
};

// The dual-sensor head.
struct HeadConfig {
  double advance_per_sweep_m = 0.05;  // sweep line advance along y per sweep, [0.01, 1]
  double sweep_speed_m_per_s = 0.5;   // across x, [0.01, 100]
  double gpr_trace_spacing_m = 0.01;  // GPR traces along a sweep, [0.001, 0.1]
  // Objects whose y is at most this far from a sweep's middle go into that sweep's B-scan
  // (further ones are below the noise and cost time), [0, 10].
  double gpr_reach_m = 0.5;
};

struct LaneConfig {
  double length_m = 20.0;       // along y, [0.1, 1000]
  double width_m = 1.0;         // across x, [0.05, 100]
  double edge_margin_m = 0.05;  // no object closer to the lane's edges, [0, 1], < length/2, width/2
  LaneSoil soil;
  std::size_t mine_count = 2;    // [0, 1e4]
  double clutter_per_mine = 50;  // clutter items = round(mine_count · this), [0, 1000]
  MineMix mine_mix;
  ClutterMix clutter_mix;
  double depth_min_m = 0.0;           // of each object's top, [0, 1]
  double depth_max_m = 0.20;          // [depth_min_m, 1]
  double ap_mine_depth_max_m = 0.10;  // AP mines are laid shallow: top in [min, min(this, max)]
  double min_spacing_m = 0.10;        // horizontal distance between any two objects, [0, 10]
  std::uint64_t seed = 1;
  HeadConfig head;
  // Radar: centre_hz, dt_s, time_zero_s, samples_per_trace, antenna_height_m,
  // antenna_offset_m, direct_wave_amplitude, surface_reflection and noise_std are used; the lane
  // sets the soil, the track, the targets and the seed.
  GprSceneConfig gpr;
  // Metal detector: detector, coil, electronics and interference, coil height, pumping and
  // wobble are used; the lane sets the kinematics (sweep width, speed, advance, count, start),
  // the soil (class, σ from the moisture), the targets and the seed. Defaults: default_md_scene()'s
  // head, with its 3 mV of ADC noise (a noiseless detector would make every rounding an event).
  md::MdSceneConfig md = md::default_md_scene();
};

// Throws std::invalid_argument naming the field as a JSON path (e.g. "head/gpr_reach_m"), its
// value and the valid range.
void validate(const LaneConfig& config);

struct LaneObject {
  std::size_t id = 0;  // index in LaneTruth::objects
  ObjectType type = ObjectType::fragment;
  ObjectClass object_class = ObjectClass::metal_clutter;  // class_of(type)
  double x_m = 0.0;
  double y_m = 0.0;
  double depth_m = 0.0;  // of the object's top
  // Diameter (mines, fragments, cans, rocks, voids, roots) or length (nails, wire), m.
  double size_m = 0.0;
  double relative_permittivity = 0.0;  // of the body the radar sees; 0 for metal
  double gpr_radius_m = 0.0;           // effective radius a of the amplitude formula
  double gpr_reflection = 0.0;         // r of the amplitude formula
  double gpr_amplitude = 0.0;          // the GprTarget amplitude (reflecting point: the top)
  bool has_md = false;                 // metal: md holds its metal-detector target
  md::MdTargetConfig md;               // x_m, y_m as above; depth_m of the metal's centre
  // Strata: depth band of the top ("0-5 cm", "5-10 cm", ...) and the soil label.
  std::string depth_band;
  std::string soil;
};

struct LaneTruth {
  std::uint64_t seed = 0;
  double length_m = 0.0;
  double width_m = 0.0;
  double scanned_area_m2 = 0.0;  // length · width: the area for false alarms per m²
  std::string soil;
  std::vector<LaneObject> objects;
};

struct LaneSweep {
  std::size_t index = 0;
  bool towards_positive_x = true;  // even sweeps
  double start_time_s = 0.0;       // head time (md_pose_at) at the sweep's first edge
  double end_time_s = 0.0;
  double y_start_m = 0.0;  // sweep line at the start, middle and end of the sweep
  double y_middle_m = 0.0;
  double y_end_m = 0.0;
};

struct Lane {
  LaneConfig config;
  LaneTruth truth;
  std::vector<LaneSweep> sweeps;
};

// "0-5 cm" for a depth in [0, 0.05) m, "5-10 cm" for [0.05, 0.10), and so on.
[[nodiscard]] std::string depth_band_label(double depth_m);

[[nodiscard]] double scanned_area_m2(const LaneConfig& config) noexcept;
[[nodiscard]] std::size_t lane_sweep_count(const LaneConfig& config);  // ceil(length/advance)
[[nodiscard]] LaneSweep lane_sweep(const LaneConfig& config, std::size_t k);
// y of the head (md_pose_at) when sweep k passes x_m.
[[nodiscard]] double lane_head_y_m(const LaneConfig& config, std::size_t k, double x_m);

// Validates, then places the objects: counts by largest-remainder apportionment of the mixes
// (mine_count mines, round(mine_count · clutter_per_mine) clutter items), shuffled, each put
// uniformly at random in the lane inside the margin, redrawn while closer than min_spacing_m
// to an earlier one. Throws std::invalid_argument when an object finds no place in 10000 draws.
[[nodiscard]] LaneTruth generate_lane_truth(const LaneConfig& config);
// The truth and the sweep descriptions (no sensor data).
[[nodiscard]] Lane generate_lane(const LaneConfig& config);

// GPR B-scan of sweep k: traces at x = -width/2 + i·gpr_trace_spacing_m (ascending x also for
// inbound sweeps, which the head records in the opposite order: reverse them to replay in
// acquisition order), trace rate sweep_speed/spacing, soil from the moisture, noise seed mixed
// from the lane seed and k. Targets: the objects with |y − y_middle(k)| ≤ gpr_reach_m, in id
// order, each with offset_m = y − lane_head_y_m(k, x): the head's true cross-track distance
// when it passes abreast of the object. The approximation: one offset per B-scan, while the
// head's y changes by `advance` over the sweep, so the hyperbola's flanks away from the apex
// are those of an object up to advance/2 nearer or further.
[[nodiscard]] GprSceneConfig lane_gpr_sweep_scene(const LaneConfig& config, const LaneTruth& truth,
                                                  std::size_t k);
// One metal-detector scene covering all sweeps: the metal objects' targets in id order, the soil
// class's magnetic soil with σ of the moisture (air: none), seed = the lane seed.
[[nodiscard]] md::MdSceneConfig lane_md_scene(const LaneConfig& config, const LaneTruth& truth);

// JSON (UTF-8 text). Readers reject unknown keys, wrong types and out-of-range values with a
// deminer::ConfigError naming the source and the JSON path, e.g.
// "lane.json: /head/advance_per_sweep_m: 0 is out of range [0.01, 1]". Absent keys keep the
// defaults. "gpr" and "md" hold the sensor fields the lane does not set (keys as in the scene
// files; a key the lane sets is an error).
[[nodiscard]] std::string lane_config_to_json(const LaneConfig& config);
[[nodiscard]] LaneConfig lane_config_from_json(std::string_view text, std::string_view source_name);
[[nodiscard]] std::string lane_truth_to_json(const LaneTruth& truth);
[[nodiscard]] LaneTruth lane_truth_from_json(std::string_view text, std::string_view source_name);

}  // namespace deminer::sim::lane
