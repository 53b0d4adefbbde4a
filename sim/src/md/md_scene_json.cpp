// JSON form of MdSceneConfig and MdTruth (nlohmann-json stays private to sim/src).
#include <nlohmann/json.hpp>
#include <string>

#include "../json_object_reader.hpp"
#include "deminer/dsp/core/error.hpp"
#include "deminer/sim/md/md_scene.hpp"
#include "md_scene_validation.hpp"

namespace deminer::sim::md {

namespace {

using nlohmann::json;

using sim::detail::fail;
using sim::detail::ObjectReader;
using sim::detail::parse;

constexpr const char* target_kinds[] = {"sphere", "loop", "tensor"};

json poles_to_json(const std::vector<DecayTerm>& poles) {
  json out = json::array();
  for (const DecayTerm& p : poles) {
    out.push_back({{"amplitude_m3", p.amplitude_m3}, {"time_constant_s", p.time_constant_s}});
  }
  return out;
}

json target_to_json(const MdTargetConfig& t) {
  json j = {{"kind", target_kinds[static_cast<int>(t.kind)]},
            {"x_m", t.x_m},
            {"y_m", t.y_m},
            {"depth_m", t.depth_m}};
  switch (t.kind) {
    case MdTargetConfig::Kind::sphere:
      j["radius_m"] = t.sphere.radius_m;
      j["conductivity_s_per_m"] = t.sphere.conductivity_s_per_m;
      j["relative_permeability"] = t.sphere.relative_permeability;
      break;
    case MdTargetConfig::Kind::loop:
      j["strength_m3"] = t.strength_m3;
      j["time_constant_s"] = t.time_constant_s;
      j["azimuth_deg"] = t.azimuth_deg;
      j["dip_deg"] = t.dip_deg;
      break;
    case MdTargetConfig::Kind::tensor: {
      j["azimuth_deg"] = t.azimuth_deg;
      j["dip_deg"] = t.dip_deg;
      json axes = json::array();
      for (const MdTensorAxis& axis : t.axes) {
        axes.push_back(
            {{"high_frequency_m3", axis.high_frequency_m3}, {"poles", poles_to_json(axis.poles)}});
      }
      j["axes"] = axes;
      break;
    }
  }
  return j;
}

}  // namespace

std::string md_scene_to_json(const MdSceneConfig& c) {
  const CoilConfig& coil = c.coil;
  json targets = json::array();
  for (const MdTargetConfig& t : c.targets) targets.push_back(target_to_json(t));
  const json j = {{"detector", c.detector == MdSceneConfig::Detector::vlf ? "vlf" : "pi"},
                  {"coil",
                   {{"kind", coil.kind == CoilConfig::Kind::concentric ? "concentric" : "double_d"},
                    {"transmit_radius_m", coil.transmit_radius_m},
                    {"receive_radius_m", coil.receive_radius_m},
                    {"transmit_turns", coil.transmit_turns},
                    {"receive_turns", coil.receive_turns},
                    {"d_radius_m", coil.d_radius_m},
                    {"dd_overlap_m", coil.dd_overlap_m},
                    {"layer_gap_m", coil.layer_gap_m},
                    {"segments", coil.segments}}},
                  {"tones_hz", c.tones_hz},
                  {"sample_rate_hz", c.sample_rate_hz},
                  {"samples_per_block", c.samples_per_block},
                  {"transmit_current_a", c.transmit_current_a},
                  {"pulse_length_s", c.pulse_length_s},
                  {"pulse_period_s", c.pulse_period_s},
                  {"gate_times_s", c.gate_times_s},
                  {"pulse_current_a", c.pulse_current_a},
                  {"receiver_gain", c.receiver_gain},
                  {"sweep_width_m", c.sweep_width_m},
                  {"sweep_speed_m_per_s", c.sweep_speed_m_per_s},
                  {"advance_per_sweep_m", c.advance_per_sweep_m},
                  {"sweep_count", c.sweep_count},
                  {"lane_start_m", c.lane_start_m},
                  {"coil_height_m", c.coil_height_m},
                  {"pumping_amplitude_m", c.pumping_amplitude_m},
                  {"pumping_hz", c.pumping_hz},
                  {"wobble_amplitude_deg", c.wobble_amplitude_deg},
                  {"wobble_hz", c.wobble_hz},
                  {"electronics_phase_deg", c.electronics_phase_deg},
                  {"air_balance_offset_v", c.air_balance_offset_v},
                  {"air_balance_phase_deg", c.air_balance_phase_deg},
                  {"thermal_drift_v_per_s", c.thermal_drift_v_per_s},
                  {"noise_std_v", c.noise_std_v},
                  {"mains_hz", c.mains_hz},
                  {"mains_amplitude_v", c.mains_amplitude_v},
                  {"mains_harmonics", c.mains_harmonics},
                  {"emi_hz", c.emi_hz},
                  {"emi_amplitude_v", c.emi_amplitude_v},
                  {"soil",
                   {{"susceptibility_si", c.soil.susceptibility_si},
                    {"viscous_fraction", c.soil.viscous_fraction},
                    {"tau_min_s", c.soil.tau_min_s},
                    {"tau_max_s", c.soil.tau_max_s},
                    {"conductivity_s_per_m", c.soil.conductivity_s_per_m}}},
                  {"targets", targets},
                  {"seed", c.seed}};
  return j.dump(2);
}

MdSceneConfig md_scene_from_json(std::string_view text, std::string_view source) {
  const json j = parse(text, source);
  MdSceneConfig c;
  ObjectReader r(j, "", source);
  c.detector = r.choice("detector", {"vlf", "pi"}, 0) == 0 ? MdSceneConfig::Detector::vlf
                                                           : MdSceneConfig::Detector::pi;
  r.object("coil", [&](ObjectReader& o) {
    c.coil.kind = o.choice("kind", {"concentric", "double_d"}, 0) == 0
                      ? CoilConfig::Kind::concentric
                      : CoilConfig::Kind::double_d;
    o.read("transmit_radius_m", c.coil.transmit_radius_m);
    o.read("receive_radius_m", c.coil.receive_radius_m);
    o.read("transmit_turns", c.coil.transmit_turns);
    o.read("receive_turns", c.coil.receive_turns);
    o.read("d_radius_m", c.coil.d_radius_m);
    o.read("dd_overlap_m", c.coil.dd_overlap_m);
    o.read("layer_gap_m", c.coil.layer_gap_m);
    o.read("segments", c.coil.segments);
  });
  r.read("tones_hz", c.tones_hz);
  r.read("sample_rate_hz", c.sample_rate_hz);
  r.read("samples_per_block", c.samples_per_block);
  r.read("transmit_current_a", c.transmit_current_a);
  r.read("pulse_length_s", c.pulse_length_s);
  r.read("pulse_period_s", c.pulse_period_s);
  r.read("gate_times_s", c.gate_times_s);
  r.read("pulse_current_a", c.pulse_current_a);
  r.read("receiver_gain", c.receiver_gain);
  r.read("sweep_width_m", c.sweep_width_m);
  r.read("sweep_speed_m_per_s", c.sweep_speed_m_per_s);
  r.read("advance_per_sweep_m", c.advance_per_sweep_m);
  r.read("sweep_count", c.sweep_count);
  r.read("lane_start_m", c.lane_start_m);
  r.read("coil_height_m", c.coil_height_m);
  r.read("pumping_amplitude_m", c.pumping_amplitude_m);
  r.read("pumping_hz", c.pumping_hz);
  r.read("wobble_amplitude_deg", c.wobble_amplitude_deg);
  r.read("wobble_hz", c.wobble_hz);
  r.read("electronics_phase_deg", c.electronics_phase_deg);
  r.read("air_balance_offset_v", c.air_balance_offset_v);
  r.read("air_balance_phase_deg", c.air_balance_phase_deg);
  r.read("thermal_drift_v_per_s", c.thermal_drift_v_per_s);
  r.read("noise_std_v", c.noise_std_v);
  r.read("mains_hz", c.mains_hz);
  r.read("mains_amplitude_v", c.mains_amplitude_v);
  r.read("mains_harmonics", c.mains_harmonics);
  r.read("emi_hz", c.emi_hz);
  r.read("emi_amplitude_v", c.emi_amplitude_v);
  r.object("soil", [&](ObjectReader& o) {
    const std::size_t soil_class =
        o.choice("class", {"air", "neutral", "moderate", "high", "severe", "custom"}, 5);
    if (soil_class < 5) c.soil = soil_of_class(static_cast<SoilClass>(soil_class));
    o.read("susceptibility_si", c.soil.susceptibility_si);
    o.read("viscous_fraction", c.soil.viscous_fraction);
    o.read("tau_min_s", c.soil.tau_min_s);
    o.read("tau_max_s", c.soil.tau_max_s);
    o.read("conductivity_s_per_m", c.soil.conductivity_s_per_m);
  });
  r.for_each("targets", [&](ObjectReader& o, std::size_t) {
    MdTargetConfig t;
    t.kind = static_cast<MdTargetConfig::Kind>(o.choice("kind", {"sphere", "loop", "tensor"}, 0));
    o.read("x_m", t.x_m, true);
    o.read("y_m", t.y_m, true);
    o.read("depth_m", t.depth_m, true);
    if (t.kind == MdTargetConfig::Kind::sphere) {
      o.read("radius_m", t.sphere.radius_m);
      o.read("conductivity_s_per_m", t.sphere.conductivity_s_per_m);
      o.read("relative_permeability", t.sphere.relative_permeability);
    } else {
      o.read("azimuth_deg", t.azimuth_deg);
      o.read("dip_deg", t.dip_deg);
    }
    if (t.kind == MdTargetConfig::Kind::loop) {
      o.read("strength_m3", t.strength_m3);
      o.read("time_constant_s", t.time_constant_s);
    }
    if (t.kind == MdTargetConfig::Kind::tensor) {
      const json* axes = o.find("axes", true);
      const std::string axes_path = o.path("axes");
      if (!axes->is_array() || axes->size() != 3) {
        fail(o.source(), axes_path, "expected an array of 3 principal axes");
      }
      for (std::size_t a = 0; a < 3; ++a) {
        ObjectReader axis((*axes)[a], axes_path + "/" + std::to_string(a), o.source());
        axis.read("high_frequency_m3", t.axes[a].high_frequency_m3);
        axis.for_each("poles", [&](ObjectReader& p, std::size_t) {
          DecayTerm term;
          p.read("amplitude_m3", term.amplitude_m3, true);
          p.read("time_constant_s", term.time_constant_s, true);
          t.axes[a].poles.push_back(term);
        });
        axis.finish();
      }
    }
    c.targets.push_back(t);
  });
  r.read("seed", c.seed);
  r.finish();
  if (const std::string message = detail::first_invalid_field(c); !message.empty()) {
    throw ConfigError(std::string(source) + ": /" + message);
  }
  return c;
}

std::string md_truth_to_json(const MdTruth& truth) {
  json targets = json::array();
  for (const MdTruthTarget& t : truth.targets) {
    targets.push_back({{"kind", target_kinds[static_cast<int>(t.kind)]},
                       {"x_m", t.x_m},
                       {"y_m", t.y_m},
                       {"depth_m", t.depth_m},
                       {"phase_deg", t.phase_deg},
                       {"amplitude_v", t.amplitude_v},
                       {"time_constant_s", t.time_constant_s}});
  }
  return json{{"targets", targets}, {"soil_phase_deg", truth.soil_phase_deg}}.dump(2);
}

MdTruth md_truth_from_json(std::string_view text, std::string_view source) {
  const json j = parse(text, source);
  MdTruth truth;
  ObjectReader r(j, "", source);
  if (!r.find("targets", true)->is_array()) fail(source, "/targets", "expected an array");
  r.for_each("targets", [&](ObjectReader& o, std::size_t) {
    MdTruthTarget t;
    t.kind = static_cast<MdTargetConfig::Kind>(o.choice("kind", {"sphere", "loop", "tensor"}, 0));
    o.read("x_m", t.x_m, true);
    o.read("y_m", t.y_m, true);
    o.read("depth_m", t.depth_m, true);
    o.read("phase_deg", t.phase_deg);
    o.read("amplitude_v", t.amplitude_v);
    o.read("time_constant_s", t.time_constant_s);
    truth.targets.push_back(std::move(t));
  });
  r.read("soil_phase_deg", truth.soil_phase_deg);
  r.finish();
  return truth;
}

}  // namespace deminer::sim::md
