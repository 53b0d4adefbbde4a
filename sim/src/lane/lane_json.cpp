// JSON form of LaneConfig and LaneTruth (nlohmann-json stays private to sim/src).
#include <array>
#include <nlohmann/json.hpp>
#include <string>

#include "../json_object_reader.hpp"
#include "deminer/dsp/core/error.hpp"
#include "deminer/sim/lane/lane.hpp"

namespace deminer::sim::lane {

namespace detail {
// lane.cpp: shared with validate() so that the two always agree.
[[nodiscard]] std::string first_invalid_field(const LaneConfig& config);
}  // namespace detail

namespace {

using nlohmann::json;

using sim::detail::fail;
using sim::detail::ObjectReader;
using sim::detail::parse;

// Keys of the sensors' scene files that the lane sets itself.
constexpr std::array<const char*, 8> gpr_lane_keys = {
    "relative_permittivity", "conductivity_s_per_m", "trace_rate_hz", "trace_count",
    "trace_spacing_m",       "start_position_m",     "targets",       "seed"};
constexpr std::array<const char*, 8> md_lane_keys = {"sweep_width_m",
                                                     "sweep_speed_m_per_s",
                                                     "advance_per_sweep_m",
                                                     "sweep_count",
                                                     "lane_start_m",
                                                     "soil",
                                                     "targets",
                                                     "seed"};
constexpr const char* md_lane_keys_hint =
    "is set by the lane (width_m, head/sweep_speed_m_per_s, head/advance_per_sweep_m, length_m, "
    "soil, the objects, seed); remove it";
constexpr const char* gpr_lane_keys_hint =
    "is set by the lane (soil/moisture, width_m, head/gpr_trace_spacing_m, "
    "head/sweep_speed_m_per_s, the objects, seed); remove it";

constexpr std::array<const char*, 3> target_kinds = {"sphere", "loop", "tensor"};

void reject_lane_keys(const json& object, const std::string& path, std::string_view source,
                      const std::array<const char*, 8>& keys, const char* hint) {
  for (const char* key : keys) {
    if (object.contains(key)) fail(source, path + "/" + key, hint);
  }
}

std::string read_string(ObjectReader& r, const char* key, bool required) {
  const json* j = r.find(key, required);
  if (!j) return {};
  if (!j->is_string()) fail(r.source(), r.path(key), "expected a string");
  return j->get<std::string>();
}

// ---- MD target of a truth object (x, y are the object's) ----

json md_target_to_json(const md::MdTargetConfig& t) {
  json j = {{"kind", target_kinds[static_cast<std::size_t>(t.kind)]}, {"depth_m", t.depth_m}};
  switch (t.kind) {
    case md::MdTargetConfig::Kind::sphere:
      j["radius_m"] = t.sphere.radius_m;
      j["conductivity_s_per_m"] = t.sphere.conductivity_s_per_m;
      j["relative_permeability"] = t.sphere.relative_permeability;
      break;
    case md::MdTargetConfig::Kind::loop:
      j["strength_m3"] = t.strength_m3;
      j["time_constant_s"] = t.time_constant_s;
      j["azimuth_deg"] = t.azimuth_deg;
      j["dip_deg"] = t.dip_deg;
      break;
    case md::MdTargetConfig::Kind::tensor: {
      j["azimuth_deg"] = t.azimuth_deg;
      j["dip_deg"] = t.dip_deg;
      json axes = json::array();
      for (const md::MdTensorAxis& axis : t.axes) {
        json poles = json::array();
        for (const md::DecayTerm& p : axis.poles) {
          poles.push_back(
              {{"amplitude_m3", p.amplitude_m3}, {"time_constant_s", p.time_constant_s}});
        }
        axes.push_back({{"high_frequency_m3", axis.high_frequency_m3}, {"poles", poles}});
      }
      j["axes"] = axes;
      break;
    }
  }
  return j;
}

md::MdTargetConfig md_target_from_json(ObjectReader& o) {
  md::MdTargetConfig t;
  t.kind = static_cast<md::MdTargetConfig::Kind>(o.choice("kind", {"sphere", "loop", "tensor"}, 0));
  o.read("depth_m", t.depth_m, true);
  switch (t.kind) {
    case md::MdTargetConfig::Kind::sphere:
      o.read("radius_m", t.sphere.radius_m, true);
      o.read("conductivity_s_per_m", t.sphere.conductivity_s_per_m, true);
      o.read("relative_permeability", t.sphere.relative_permeability, true);
      break;
    case md::MdTargetConfig::Kind::loop:
      o.read("strength_m3", t.strength_m3, true);
      o.read("time_constant_s", t.time_constant_s, true);
      o.read("azimuth_deg", t.azimuth_deg, true);
      o.read("dip_deg", t.dip_deg, true);
      break;
    case md::MdTargetConfig::Kind::tensor: {
      o.read("azimuth_deg", t.azimuth_deg, true);
      o.read("dip_deg", t.dip_deg, true);
      const json* axes = o.find("axes", true);
      if (!axes->is_array() || axes->size() != 3) {
        fail(o.source(), o.path("axes"), "expected an array of 3 principal axes");
      }
      for (std::size_t a = 0; a < 3; ++a) {
        ObjectReader axis((*axes)[a], o.path("axes") + "/" + std::to_string(a), o.source());
        axis.read("high_frequency_m3", t.axes[a].high_frequency_m3, true);
        axis.for_each(
            "poles",
            [&](ObjectReader& p, std::size_t) {
              md::DecayTerm term;
              p.read("amplitude_m3", term.amplitude_m3, true);
              p.read("time_constant_s", term.time_constant_s, true);
              t.axes[a].poles.push_back(term);
            },
            true);
        axis.finish();
      }
      break;
    }
  }
  return t;
}

}  // namespace

std::string lane_config_to_json(const LaneConfig& c) {
  const GprSceneConfig& g = c.gpr;
  json md_json = json::parse(md_scene_to_json(c.md));
  for (const char* key : md_lane_keys) md_json.erase(key);
  const json j = {{"length_m", c.length_m},
                  {"width_m", c.width_m},
                  {"edge_margin_m", c.edge_margin_m},
                  {"soil",
                   {{"magnetic", md::soil_class_name(c.soil.magnetic)},
                    {"moisture", moisture_name(c.soil.moisture)}}},
                  {"mine_count", c.mine_count},
                  {"clutter_per_mine", c.clutter_per_mine},
                  {"mine_mix", {{"ap_mine", c.mine_mix.ap_mine}, {"at_mine", c.mine_mix.at_mine}}},
                  {"clutter_mix",
                   {{"fragment", c.clutter_mix.fragment},
                    {"nail", c.clutter_mix.nail},
                    {"wire", c.clutter_mix.wire},
                    {"can", c.clutter_mix.can},
                    {"rock", c.clutter_mix.rock},
                    {"root", c.clutter_mix.root},
                    {"void", c.clutter_mix.void_space}}},
                  {"depth_min_m", c.depth_min_m},
                  {"depth_max_m", c.depth_max_m},
                  {"ap_mine_depth_max_m", c.ap_mine_depth_max_m},
                  {"min_spacing_m", c.min_spacing_m},
                  {"seed", c.seed},
                  {"head",
                   {{"advance_per_sweep_m", c.head.advance_per_sweep_m},
                    {"sweep_speed_m_per_s", c.head.sweep_speed_m_per_s},
                    {"gpr_trace_spacing_m", c.head.gpr_trace_spacing_m},
                    {"gpr_reach_m", c.head.gpr_reach_m}}},
                  {"gpr",
                   {{"centre_hz", g.centre_hz},
                    {"dt_s", g.dt_s},
                    {"time_zero_s", g.time_zero_s},
                    {"samples_per_trace", g.samples_per_trace},
                    {"antenna_height_m", g.antenna_height_m},
                    {"antenna_offset_m", g.antenna_offset_m},
                    {"direct_wave_amplitude", g.direct_wave_amplitude},
                    {"surface_reflection", g.surface_reflection},
                    {"noise_std", g.noise_std}}},
                  {"md", md_json}};
  return j.dump(2);
}

LaneConfig lane_config_from_json(std::string_view text, std::string_view source) {
  const json j = parse(text, source);
  LaneConfig c;
  ObjectReader r(j, "", source);
  r.read("length_m", c.length_m);
  r.read("width_m", c.width_m);
  r.read("edge_margin_m", c.edge_margin_m);
  r.object("soil", [&](ObjectReader& o) {
    c.soil.magnetic = static_cast<md::SoilClass>(
        o.choice("magnetic", {"air", "neutral", "moderate", "high", "severe"},
                 static_cast<std::size_t>(c.soil.magnetic)));
    c.soil.moisture = o.choice("moisture", {"dry", "wet"}, 0) == 0 ? Moisture::dry : Moisture::wet;
  });
  r.read("mine_count", c.mine_count);
  r.read("clutter_per_mine", c.clutter_per_mine);
  r.object("mine_mix", [&](ObjectReader& o) {
    o.read("ap_mine", c.mine_mix.ap_mine);
    o.read("at_mine", c.mine_mix.at_mine);
  });
  r.object("clutter_mix", [&](ObjectReader& o) {
    o.read("fragment", c.clutter_mix.fragment);
    o.read("nail", c.clutter_mix.nail);
    o.read("wire", c.clutter_mix.wire);
    o.read("can", c.clutter_mix.can);
    o.read("rock", c.clutter_mix.rock);
    o.read("root", c.clutter_mix.root);
    o.read("void", c.clutter_mix.void_space);
  });
  r.read("depth_min_m", c.depth_min_m);
  r.read("depth_max_m", c.depth_max_m);
  r.read("ap_mine_depth_max_m", c.ap_mine_depth_max_m);
  r.read("min_spacing_m", c.min_spacing_m);
  r.read("seed", c.seed);
  r.object("head", [&](ObjectReader& o) {
    o.read("advance_per_sweep_m", c.head.advance_per_sweep_m);
    o.read("sweep_speed_m_per_s", c.head.sweep_speed_m_per_s);
    o.read("gpr_trace_spacing_m", c.head.gpr_trace_spacing_m);
    o.read("gpr_reach_m", c.head.gpr_reach_m);
  });
  if (const json* gpr_json = r.find("gpr"); gpr_json && gpr_json->is_object()) {
    reject_lane_keys(*gpr_json, "/gpr", source, gpr_lane_keys, gpr_lane_keys_hint);
  }
  r.object("gpr", [&](ObjectReader& o) {
    o.read("centre_hz", c.gpr.centre_hz);
    o.read("dt_s", c.gpr.dt_s);
    o.read("time_zero_s", c.gpr.time_zero_s);
    o.read("samples_per_trace", c.gpr.samples_per_trace);
    o.read("antenna_height_m", c.gpr.antenna_height_m);
    o.read("antenna_offset_m", c.gpr.antenna_offset_m);
    o.read("direct_wave_amplitude", c.gpr.direct_wave_amplitude);
    o.read("surface_reflection", c.gpr.surface_reflection);
    o.read("noise_std", c.gpr.noise_std);
  });
  if (const json* md_json = r.find("md")) {
    // The metal detector's own reader, its JSON paths moved under /md.
    if (!md_json->is_object()) fail(source, "/md", "expected an object");
    reject_lane_keys(*md_json, "/md", source, md_lane_keys, md_lane_keys_hint);
    try {
      c.md = md::md_scene_from_json(md_json->dump(), source);
    } catch (const ConfigError& e) {
      const std::string message = e.what();
      const std::string prefix = std::string(source) + ": /";
      if (message.compare(0, prefix.size(), prefix) != 0) throw;
      throw ConfigError(prefix + "md/" + message.substr(prefix.size()));
    }
  }
  r.finish();
  if (const std::string message = detail::first_invalid_field(c); !message.empty()) {
    throw ConfigError(std::string(source) + ": /" + message);
  }
  return c;
}

std::string lane_truth_to_json(const LaneTruth& truth) {
  json objects = json::array();
  for (const LaneObject& o : truth.objects) {
    json j = {{"id", o.id},
              {"class", dsp::to_string(o.object_class)},
              {"subtype", object_type_name(o.type)},
              {"x_m", o.x_m},
              {"y_m", o.y_m},
              {"depth_m", o.depth_m},
              {"size_m", o.size_m},
              {"relative_permittivity", o.relative_permittivity},
              {"gpr_radius_m", o.gpr_radius_m},
              {"gpr_reflection", o.gpr_reflection},
              {"gpr_amplitude", o.gpr_amplitude},
              {"depth_band", o.depth_band},
              {"soil", o.soil}};
    if (o.has_md) j["md"] = md_target_to_json(o.md);
    objects.push_back(j);
  }
  const json j = {{"seed", truth.seed},       {"length_m", truth.length_m},
                  {"width_m", truth.width_m}, {"scanned_area_m2", truth.scanned_area_m2},
                  {"soil", truth.soil},       {"objects", objects}};
  return j.dump(2);
}

LaneTruth lane_truth_from_json(std::string_view text, std::string_view source) {
  const json j = parse(text, source);
  LaneTruth truth;
  ObjectReader r(j, "", source);
  r.read("seed", truth.seed, true);
  r.read("length_m", truth.length_m, true);
  r.read("width_m", truth.width_m, true);
  r.read("scanned_area_m2", truth.scanned_area_m2, true);
  truth.soil = read_string(r, "soil", true);
  r.for_each(
      "objects",
      [&](ObjectReader& o, std::size_t index) {
        LaneObject object;
        o.read("id", object.id, true);
        if (object.id != index) {
          fail(source, o.path("id"),
               std::to_string(object.id) + " is not the object's index " + std::to_string(index));
        }
        const json* subtype = o.find("subtype", true);
        const auto type = subtype->is_string() ? object_type_from_name(subtype->get<std::string>())
                                               : std::nullopt;
        if (!type) {
          fail(source, o.path("subtype"),
               "expected one of: ap_mine, at_mine, fragment, nail, wire, can, rock, root, void");
        }
        object.type = *type;
        o.find("class", true);
        // ObjectClass counts from 1 (0 is unknown, which no truth object is).
        object.object_class = static_cast<ObjectClass>(
            1 + o.choice("class", {"mine", "metal_clutter", "nonmetal_clutter"}, 0));
        if (object.object_class != class_of(object.type)) {
          fail(source, o.path("class"),
               "a " + std::string(object_type_name(object.type)) + " is of class " +
                   std::string(dsp::to_string(class_of(object.type))));
        }
        o.read("x_m", object.x_m, true);
        o.read("y_m", object.y_m, true);
        o.read("depth_m", object.depth_m, true);
        o.read("size_m", object.size_m, true);
        o.read("relative_permittivity", object.relative_permittivity, true);
        o.read("gpr_radius_m", object.gpr_radius_m, true);
        o.read("gpr_reflection", object.gpr_reflection, true);
        o.read("gpr_amplitude", object.gpr_amplitude, true);
        object.depth_band = read_string(o, "depth_band", true);
        object.soil = read_string(o, "soil", true);
        const bool metal = has_metal(object.type);
        const json* md_json = o.find("md", metal);
        if (md_json && !metal) {
          fail(source, o.path("md"),
               "a " + std::string(object_type_name(object.type)) + " has no metal-detector target");
        }
        if (md_json) {
          ObjectReader m(*md_json, o.path("md"), source);
          object.md = md_target_from_json(m);
          m.finish();
          object.md.x_m = object.x_m;
          object.md.y_m = object.y_m;
          object.has_md = true;
        }
        truth.objects.push_back(std::move(object));
      },
      true);
  r.finish();
  return truth;
}

}  // namespace deminer::sim::lane
