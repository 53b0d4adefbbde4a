#include "deminer/sim/lane/lane.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <random>
#include <sstream>
#include <stdexcept>

#include "../gpr/scene_validation.hpp"
#include "../md/md_scene_validation.hpp"
#include "../range_check.hpp"
#include "deminer/dsp/gpr/refraction.hpp"
#include "deminer/sim/md/target_response.hpp"

namespace deminer::sim::lane {

namespace {

constexpr double pi = std::numbers::pi;
constexpr double degree = pi / 180.0;
constexpr std::size_t max_placement_draws = 10000;
constexpr double depth_band_m = 0.05;

using detail::RangeCheck;

// Doubles from std::mt19937_64 by explicit formulas (the standard fixes the engine's output but
// not the algorithms of its distributions).
class Random {
 public:
  explicit Random(std::uint64_t seed) : engine_(seed) {}
  double unit() { return static_cast<double>(engine_() >> 11) * 0x1p-53; }  // [0, 1), 53 bits
  double uniform(double lo, double hi) { return lo + (hi - lo) * unit(); }
  // Sizes spanning a factor of several: every octave equally likely.
  double log_uniform(double lo, double hi) { return lo * std::exp(std::log(hi / lo) * unit()); }
  std::size_t below(std::size_t n) {  // [0, n); bias < n/2^53
    const auto i = static_cast<std::size_t>(unit() * static_cast<double>(n));
    return std::min(i, n - 1);
  }

 private:
  std::mt19937_64 engine_;
};

// splitmix64's finaliser: decorrelates the per-sweep noise seeds of neighbouring sweeps.
std::uint64_t mix_seed(std::uint64_t x) noexcept {
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ull;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

std::size_t clutter_count(const LaneConfig& c) {
  return static_cast<std::size_t>(
      std::llround(static_cast<double>(c.mine_count) * c.clutter_per_mine));
}

std::array<double, 2> mine_weights(const MineMix& m) { return {m.ap_mine, m.at_mine}; }
std::array<double, 7> clutter_weights(const ClutterMix& m) {
  return {m.fragment, m.nail, m.wire, m.can, m.rock, m.root, m.void_space};
}
constexpr std::array<ObjectType, 2> mine_types = {ObjectType::ap_mine, ObjectType::at_mine};
constexpr std::array<ObjectType, 7> clutter_types = {
    ObjectType::fragment, ObjectType::nail, ObjectType::wire,      ObjectType::can,
    ObjectType::rock,     ObjectType::root, ObjectType::void_space};

// Largest-remainder (Hamilton) apportionment of `total` items by `weights`: each type gets the
// floor of its quota, the rest go one each to the largest fractional parts (ties: first type).
// Exact counts, so a lane holds the configured mix without sampling scatter.
template <std::size_t N>
std::array<std::size_t, N> apportion(std::size_t total, const std::array<double, N>& weights) {
  std::array<std::size_t, N> counts{};
  double sum = 0.0;
  for (double w : weights) sum += w;
  if (total == 0 || sum <= 0.0) return counts;
  std::array<double, N> fraction{};
  std::size_t given = 0;
  for (std::size_t i = 0; i < N; ++i) {
    const double quota = static_cast<double>(total) * weights[i] / sum;
    counts[i] = static_cast<std::size_t>(std::floor(quota));
    fraction[i] = quota - std::floor(quota);
    given += counts[i];
  }
  while (given < total) {
    std::size_t best = 0;
    for (std::size_t i = 1; i < N; ++i) {
      if (fraction[i] > fraction[best]) best = i;
    }
    ++counts[best];
    fraction[best] = -1.0;
    ++given;
  }
  return counts;
}

double sweep_period_s(const LaneConfig& c) { return c.width_m / c.head.sweep_speed_m_per_s; }

// The metal-detector scene without targets: kinematics, soil and seed set by the lane.
md::MdSceneConfig md_base(const LaneConfig& c) {
  md::MdSceneConfig m = c.md;
  m.targets.clear();
  m.sweep_width_m = c.width_m;
  m.sweep_speed_m_per_s = c.head.sweep_speed_m_per_s;
  m.advance_per_sweep_m = c.head.advance_per_sweep_m;
  m.sweep_count = lane_sweep_count(c);
  m.lane_start_m = 0.0;
  m.soil = md::soil_of_class(c.soil.magnetic);
  // One soil for both sensors: the magnetic class's susceptibility, the moisture's conductivity.
  if (c.soil.magnetic != md::SoilClass::air) {
    m.soil.conductivity_s_per_m = gpr_soil_of(c.soil.moisture).conductivity_s_per_m;
  }
  m.seed = c.seed;
  return m;
}

// The B-scan of one sweep without targets.
GprSceneConfig gpr_base(const LaneConfig& c) {
  GprSceneConfig g = c.gpr;
  g.targets.clear();
  const GprSoil soil = gpr_soil_of(c.soil.moisture);
  g.relative_permittivity = soil.relative_permittivity;
  g.conductivity_s_per_m = soil.conductivity_s_per_m;
  const double spacing = c.head.gpr_trace_spacing_m;
  g.trace_count = static_cast<std::size_t>(std::floor(c.width_m / spacing + 1e-9)) + 1;
  g.trace_spacing_m = spacing;
  g.start_position_m = -0.5 * c.width_m;
  g.trace_rate_hz = c.head.sweep_speed_m_per_s / spacing;
  return g;
}

double head_time_s(const LaneConfig& c, std::size_t k, double x_m) {
  const bool outbound = k % 2 == 0;
  const double fraction =
      outbound ? (x_m + 0.5 * c.width_m) / c.width_m : (0.5 * c.width_m - x_m) / c.width_m;
  return sweep_period_s(c) * (static_cast<double>(k) + fraction);
}

// ---- the catalogue ----

// Ferrous steel (as md::chrome_steel_sphere: σ 4.6 MS/m, μr 100) for fragments, nails, wire.
const md::SphereParameters steel = md::chrome_steel_sphere(1.0);

// A steel rod (nail, wire) as a tensor target, from the prolate spheroid of the same length and
// radius: static polarisability V·(μr − 1)/(1 + N(μr − 1)) per axis (N the demagnetising
// factor: the rod's shape limits its magnetisation), high-frequency limit −V/(1 − N) (flux
// expelled), joined by one pole of τ = μ0·μr·σ·r²/ξ² (ξ = 2.405 along the axis, 3.832 across:
// the slowest eddy-current modes of a cylinder). V is the cylinder's volume. An
// order-of-magnitude model of real clutter, not a solution for a finite cylinder.
md::MdTargetConfig rod_target(double length_m, double radius_m, double azimuth_deg,
                              double dip_deg) {
  const double mu_r = steel.relative_permeability;
  const double m = 0.5 * length_m / radius_m;  // aspect ratio of the spheroid, > 1
  const double root = std::sqrt(m * m - 1.0);
  const double n_axial = (m / root * std::log(m + root) - 1.0) / (m * m - 1.0);
  const double n_transverse = 0.5 * (1.0 - n_axial);
  const double volume = pi * radius_m * radius_m * length_m;
  const double tau_base =
      md::vacuum_permeability_h_per_m * mu_r * steel.conductivity_s_per_m * radius_m * radius_m;
  md::MdTargetConfig t;
  t.kind = md::MdTargetConfig::Kind::tensor;
  t.azimuth_deg = azimuth_deg;
  t.dip_deg = dip_deg;
  const std::array<double, 3> n = {n_axial, n_transverse, n_transverse};
  for (std::size_t a = 0; a < 3; ++a) {
    const double static_m3 = volume * (mu_r - 1.0) / (1.0 + n[a] * (mu_r - 1.0));
    const double high_m3 = -volume / (1.0 - n[a]);
    const double xi = a == 0 ? 2.405 : 3.832;
    t.axes[a].high_frequency_m3 = high_m3;
    t.axes[a].poles = {{static_m3 - high_m3, tau_base / (xi * xi)}};
  }
  return t;
}

// Random direction on the lower hemisphere, uniform in solid angle: sin(dip) uniform.
std::pair<double, double> random_orientation_deg(Random& random) {
  const double azimuth = random.uniform(-180.0, 180.0);
  const double dip = std::asin(random.unit()) / degree;
  return {azimuth, dip};
}

double fresnel(double soil_er, double object_er) {
  const double s = std::sqrt(soil_er);
  const double o = std::sqrt(object_er);
  return (s - o) / (s + o);
}

// Fills size, GPR and MD fields of an object placed at (x, y); draws in a fixed order.
void describe(LaneObject& o, const LaneConfig& c, Random& random) {
  const double soil_er = gpr_soil_of(c.soil.moisture).relative_permittivity;
  const double depth_hi = o.type == ObjectType::ap_mine
                              ? std::min(c.depth_max_m, c.ap_mine_depth_max_m)
                              : c.depth_max_m;
  o.depth_m = random.uniform(c.depth_min_m, depth_hi);
  constexpr double metal = 0.0;  // relative_permittivity recorded for metal
  double radius_m = 0.0;         // GPR effective radius
  md::MdTargetConfig& t = o.md;
  t = md::MdTargetConfig{};
  switch (o.type) {
    case ObjectType::ap_mine: {
      // Plastic AP mines are 6-12 cm across (PMA-2 68 mm, Type 72 78 mm, PMN 112 mm); TNT and
      // plastic casings have εr ≈ 2.8-3.2. Metal: the fuze's aluminium parts (a few grams).
      o.size_m = random.log_uniform(0.06, 0.12);
      o.relative_permittivity = random.uniform(2.8, 3.2);
      radius_m = 0.5 * o.size_m;
      t.sphere = md::aluminium_sphere(random.uniform(2e-3, 3e-3));
      t.depth_m = o.depth_m + 0.01;  // the fuze sits under the pressure plate
      break;
    }
    case ObjectType::at_mine: {
      // AT mines are 25-35 cm across (TM-62P 320 mm); the fuze holds steel parts.
      o.size_m = random.uniform(0.25, 0.35);
      o.relative_permittivity = random.uniform(2.8, 3.2);
      radius_m = 0.5 * o.size_m;
      md::SphereParameters fuze = steel;
      fuze.radius_m = random.uniform(6e-3, 12e-3);
      t.sphere = fuze;
      t.depth_m = o.depth_m + 0.03;
      break;
    }
    case ObjectType::fragment: {
      md::SphereParameters sphere = steel;
      sphere.radius_m = random.log_uniform(2e-3, 8e-3);
      o.size_m = 2.0 * sphere.radius_m;
      o.relative_permittivity = metal;
      radius_m = sphere.radius_m;
      t.sphere = sphere;
      t.depth_m = o.depth_m + sphere.radius_m;
      break;
    }
    case ObjectType::nail: {
      // Common wire nails: length ≈ 18 diameters.
      o.size_m = random.log_uniform(0.03, 0.10);
      const auto [azimuth, dip] = random_orientation_deg(random);
      o.relative_permittivity = metal;
      radius_m = 0.25 * o.size_m;  // a thin conductor scatters like a sphere of a quarter length
      t = rod_target(o.size_m, o.size_m / 36.0, azimuth, dip);
      t.depth_m = o.depth_m + 0.5 * o.size_m * std::sin(dip * degree);
      break;
    }
    case ObjectType::wire: {
      // Fence and trip wire, 1-3 mm, lying nearly flat.
      o.size_m = random.log_uniform(0.10, 0.40);
      const double wire_radius = random.uniform(0.5e-3, 1.5e-3);
      const double azimuth = random.uniform(-180.0, 180.0);
      const double dip = random.uniform(0.0, 10.0);
      o.relative_permittivity = metal;
      radius_m = 0.25 * o.size_m;
      t = rod_target(o.size_m, wire_radius, azimuth, dip);
      t.depth_m = o.depth_m + 0.5 * o.size_m * std::sin(dip * degree);
      break;
    }
    case ObjectType::can: {
      // A thin-walled can of radius b as a single-pole loop: strength 1.5·(4/3)πb³ (a perfectly
      // conducting sphere's |M(∞)|), τ = μ0·σ·b·wall/2 ≈ 30-300 µs for tinplate or aluminium.
      const double b = random.uniform(0.03, 0.045);
      o.size_m = 2.0 * b;
      t.kind = md::MdTargetConfig::Kind::loop;
      t.strength_m3 = 2.0 * pi * b * b * b;
      t.time_constant_s = random.log_uniform(3e-5, 3e-4);
      const auto [azimuth, dip] = random_orientation_deg(random);
      t.azimuth_deg = azimuth;
      t.dip_deg = dip;
      o.relative_permittivity = metal;
      radius_m = b;
      t.depth_m = o.depth_m + b;
      break;
    }
    case ObjectType::rock:
      // Granites εr ≈ 4-7, basalts up to ≈ 9 (dry); non-magnetic here (no "hot rocks").
      o.size_m = random.log_uniform(0.04, 0.16);
      o.relative_permittivity = random.uniform(4.0, 9.0);
      radius_m = 0.5 * o.size_m;
      break;
    case ObjectType::root:
      // Living roots hold water: εr 15-25, above the wet soil's 12.
      o.size_m = random.log_uniform(0.01, 0.05);
      o.relative_permittivity = random.uniform(15.0, 25.0);
      radius_m = 0.5 * o.size_m;
      break;
    case ObjectType::void_space:
      o.size_m = random.log_uniform(0.03, 0.10);
      o.relative_permittivity = 1.0;
      radius_m = 0.5 * o.size_m;
      break;
  }
  o.has_md = has_metal(o.type);
  if (o.has_md) {
    t.x_m = o.x_m;
    t.y_m = o.y_m;
  } else {
    t = md::MdTargetConfig{};
  }
  o.gpr_radius_m = radius_m;
  o.gpr_reflection =
      o.relative_permittivity == metal ? -1.0 : fresnel(soil_er, o.relative_permittivity);
  const double k = 2.0 * pi * c.gpr.centre_hz * std::sqrt(soil_er) / dsp::speed_of_light_m_per_s;
  const double ka = k * radius_m;
  o.gpr_amplitude = o.gpr_reflection * 0.5 * radius_m * std::min(1.0, ka * ka);
}

}  // namespace

namespace detail {

// Shared by validate() and lane_config_from_json (declared there).
std::string first_invalid_field(const LaneConfig& c) {
  RangeCheck check;
  check("length_m", c.length_m, 0.1, 1000.0);
  check("width_m", c.width_m, 0.05, 100.0);
  check("edge_margin_m", c.edge_margin_m, 0.0, 1.0);
  if (check.message().empty() &&
      (2.0 * c.edge_margin_m >= c.length_m || 2.0 * c.edge_margin_m >= c.width_m)) {
    std::ostringstream what;
    what << c.edge_margin_m << " leaves no room: it must be below half the length (" << c.length_m
         << ") and half the width (" << c.width_m << ")";
    check.fail("edge_margin_m", what.str());
  }
  check("mine_count", static_cast<double>(c.mine_count), 0.0, 1e4);
  check("clutter_per_mine", c.clutter_per_mine, 0.0, 1000.0);
  check("mine_mix/ap_mine", c.mine_mix.ap_mine, 0.0, 1e6);
  check("mine_mix/at_mine", c.mine_mix.at_mine, 0.0, 1e6);
  const auto cw = clutter_weights(c.clutter_mix);
  constexpr std::array<const char*, 7> clutter_keys = {"fragment", "nail", "wire", "can",
                                                       "rock",     "root", "void"};
  for (std::size_t i = 0; i < cw.size(); ++i) {
    check(std::string("clutter_mix/") + clutter_keys[i], cw[i], 0.0, 1e6);
  }
  if (c.mine_count > 0 && c.mine_mix.ap_mine + c.mine_mix.at_mine <= 0.0) {
    check.fail("mine_mix", "the weights sum to 0; give a mine type a positive weight");
  }
  double clutter_sum = 0.0;
  for (double w : cw) clutter_sum += w;
  if (check.message().empty() && clutter_count(c) > 0 && clutter_sum <= 0.0) {
    check.fail("clutter_mix", "the weights sum to 0; give a clutter type a positive weight");
  }
  check("depth_min_m", c.depth_min_m, 0.0, 1.0);
  check("depth_max_m", c.depth_max_m, c.depth_min_m, 1.0);
  check("ap_mine_depth_max_m", c.ap_mine_depth_max_m, c.depth_min_m, 1.0);
  check("min_spacing_m", c.min_spacing_m, 0.0, 10.0);
  check("head/advance_per_sweep_m", c.head.advance_per_sweep_m, 0.01, 1.0);
  check("head/sweep_speed_m_per_s", c.head.sweep_speed_m_per_s, 0.01, 100.0);
  check("head/gpr_trace_spacing_m", c.head.gpr_trace_spacing_m, 0.001, 0.1);
  check("head/gpr_reach_m", c.head.gpr_reach_m, 0.0, 10.0);
  // The sensors' own fields (the lane's fields above keep the ones it sets in range).
  if (check.message().empty()) {
    check.prefixed("gpr/", sim::detail::first_invalid_field(gpr_base(c)));
    check.prefixed("md/", md::detail::first_invalid_field(md_base(c)));
  }
  return check.message();
}

}  // namespace detail

ObjectClass class_of(ObjectType type) noexcept {
  switch (type) {
    case ObjectType::ap_mine:
    case ObjectType::at_mine:
      return ObjectClass::mine;
    case ObjectType::fragment:
    case ObjectType::nail:
    case ObjectType::wire:
    case ObjectType::can:
      return ObjectClass::metal_clutter;
    case ObjectType::rock:
    case ObjectType::root:
    case ObjectType::void_space:
      break;
  }
  return ObjectClass::nonmetal_clutter;
}

bool has_metal(ObjectType type) noexcept { return class_of(type) != ObjectClass::nonmetal_clutter; }

std::string_view object_type_name(ObjectType type) noexcept {
  switch (type) {
    case ObjectType::ap_mine:
      return "ap_mine";
    case ObjectType::at_mine:
      return "at_mine";
    case ObjectType::fragment:
      return "fragment";
    case ObjectType::nail:
      return "nail";
    case ObjectType::wire:
      return "wire";
    case ObjectType::can:
      return "can";
    case ObjectType::rock:
      return "rock";
    case ObjectType::root:
      return "root";
    case ObjectType::void_space:
      break;
  }
  return "void";
}

std::optional<ObjectType> object_type_from_name(std::string_view name) noexcept {
  for (ObjectType type : mine_types) {
    if (object_type_name(type) == name) return type;
  }
  for (ObjectType type : clutter_types) {
    if (object_type_name(type) == name) return type;
  }
  return std::nullopt;
}

GprSoil gpr_soil_of(Moisture moisture) noexcept {
  return moisture == Moisture::dry ? GprSoil{4.0, 1e-3} : GprSoil{12.0, 1e-2};
}

std::string_view moisture_name(Moisture moisture) noexcept {
  return moisture == Moisture::dry ? "dry" : "wet";
}

std::string soil_label(const LaneSoil& soil) {
  return std::string(md::soil_class_name(soil.magnetic)) + "/" +
         std::string(moisture_name(soil.moisture));
}

void validate(const LaneConfig& config) {
  if (const std::string message = detail::first_invalid_field(config); !message.empty()) {
    throw std::invalid_argument("LaneConfig: " + message);
  }
}

std::string depth_band_label(double depth_m) {
  // The guard keeps a depth of exactly 5 cm (which 0.05/0.05 may put a hair below 1) in 5-10 cm.
  const double band = std::floor(std::max(depth_m, 0.0) / depth_band_m + 1e-9);
  const auto lo_cm = static_cast<long long>(band) * 5;
  return std::to_string(lo_cm) + "-" + std::to_string(lo_cm + 5) + " cm";
}

double scanned_area_m2(const LaneConfig& config) noexcept {
  return config.length_m * config.width_m;
}

std::size_t lane_sweep_count(const LaneConfig& config) {
  // The guard: 2 m at 5 cm is 40 sweeps, although 2/0.05 may round a hair above 40.
  const double sweeps = std::ceil(config.length_m / config.head.advance_per_sweep_m - 1e-9);
  return std::max<std::size_t>(1, static_cast<std::size_t>(sweeps));
}

LaneSweep lane_sweep(const LaneConfig& config, std::size_t k) {
  const double period = sweep_period_s(config);
  const double advance = config.head.advance_per_sweep_m;
  const double kd = static_cast<double>(k);
  return {k,
          k % 2 == 0,
          period * kd,
          period * (kd + 1.0),
          advance * kd,
          advance * (kd + 0.5),
          advance * (kd + 1.0)};
}

double lane_head_y_m(const LaneConfig& config, std::size_t k, double x_m) {
  return md::md_pose_at(md_base(config), head_time_s(config, k, x_m)).y_m;
}

LaneTruth generate_lane_truth(const LaneConfig& config) {
  validate(config);
  const LaneConfig& c = config;
  std::vector<ObjectType> types;
  const auto mines = apportion(c.mine_count, mine_weights(c.mine_mix));
  const auto clutter = apportion(clutter_count(c), clutter_weights(c.clutter_mix));
  for (std::size_t i = 0; i < mines.size(); ++i) types.insert(types.end(), mines[i], mine_types[i]);
  for (std::size_t i = 0; i < clutter.size(); ++i) {
    types.insert(types.end(), clutter[i], clutter_types[i]);
  }
  Random random(c.seed);
  // Fisher-Yates: ids carry no hint of the class.
  for (std::size_t i = types.size(); i > 1; --i) std::swap(types[i - 1], types[random.below(i)]);

  LaneTruth truth;
  truth.seed = c.seed;
  truth.length_m = c.length_m;
  truth.width_m = c.width_m;
  truth.scanned_area_m2 = scanned_area_m2(c);
  truth.soil = soil_label(c.soil);
  const double x_lo = -0.5 * c.width_m + c.edge_margin_m;
  const double x_hi = 0.5 * c.width_m - c.edge_margin_m;
  const double y_lo = c.edge_margin_m;
  const double y_hi = c.length_m - c.edge_margin_m;
  const double spacing_sq = c.min_spacing_m * c.min_spacing_m;
  for (std::size_t id = 0; id < types.size(); ++id) {
    LaneObject o;
    o.id = id;
    o.type = types[id];
    o.object_class = class_of(o.type);
    bool placed = false;
    for (std::size_t draw = 0; draw < max_placement_draws && !placed; ++draw) {
      o.x_m = random.uniform(x_lo, x_hi);
      o.y_m = random.uniform(y_lo, y_hi);
      placed = std::none_of(truth.objects.begin(), truth.objects.end(), [&](const LaneObject& p) {
        const double dx = p.x_m - o.x_m;
        const double dy = p.y_m - o.y_m;
        return dx * dx + dy * dy < spacing_sq;
      });
    }
    if (!placed) {
      std::ostringstream what;
      what << "LaneConfig: object " << id + 1 << " of " << types.size() << " found no place "
           << c.min_spacing_m << " m from the others in " << max_placement_draws
           << " draws over the " << c.width_m << " m x " << c.length_m
           << " m lane; lower min_spacing_m, mine_count or clutter_per_mine, or lengthen the lane";
      throw std::invalid_argument(what.str());
    }
    describe(o, c, random);
    o.depth_band = depth_band_label(o.depth_m);
    o.soil = truth.soil;
    truth.objects.push_back(std::move(o));
  }
  return truth;
}

Lane generate_lane(const LaneConfig& config) {
  Lane lane{config, generate_lane_truth(config), {}};
  const std::size_t n = lane_sweep_count(config);
  lane.sweeps.reserve(n);
  for (std::size_t k = 0; k < n; ++k) lane.sweeps.push_back(lane_sweep(config, k));
  return lane;
}

GprSceneConfig lane_gpr_sweep_scene(const LaneConfig& config, const LaneTruth& truth,
                                    std::size_t k) {
  validate(config);
  const std::size_t n = lane_sweep_count(config);
  if (k >= n) {
    throw std::invalid_argument("lane_gpr_sweep_scene: sweep " + std::to_string(k) +
                                " is out of range [0, " + std::to_string(n) + ")");
  }
  GprSceneConfig scene = gpr_base(config);
  scene.seed = mix_seed(config.seed + 0x9E3779B97F4A7C15ull * (k + 1));
  const md::MdSceneConfig kinematics = md_base(config);
  const double y_middle = lane_sweep(config, k).y_middle_m;
  for (const LaneObject& o : truth.objects) {
    if (std::abs(o.y_m - y_middle) > config.head.gpr_reach_m) continue;
    const double head_y = md::md_pose_at(kinematics, head_time_s(config, k, o.x_m)).y_m;
    GprTarget target;
    target.x_m = o.x_m;
    target.depth_m = o.depth_m;
    target.amplitude = o.gpr_amplitude;
    target.offset_m = o.y_m - head_y;
    scene.targets.push_back(target);
  }
  return scene;
}

md::MdSceneConfig lane_md_scene(const LaneConfig& config, const LaneTruth& truth) {
  validate(config);
  md::MdSceneConfig scene = md_base(config);
  for (const LaneObject& o : truth.objects) {
    if (o.has_md) scene.targets.push_back(o.md);
  }
  return scene;
}

}  // namespace deminer::sim::lane
