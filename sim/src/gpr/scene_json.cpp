// JSON form of GprSceneConfig and GprTruth (nlohmann-json stays private to this file).
#include <nlohmann/json.hpp>
#include <string>

#include "../json_object_reader.hpp"
#include "deminer/dsp/core/error.hpp"
#include "deminer/sim/gpr/scene.hpp"
#include "scene_validation.hpp"

namespace deminer::sim {

namespace {

using nlohmann::json;

using detail::ObjectReader;
using detail::parse;

}  // namespace

std::string scene_to_json(const GprSceneConfig& c) {
  json targets = json::array();
  for (const GprTarget& t : c.targets) {
    json target = {{"x_m", t.x_m}, {"depth_m", t.depth_m}, {"amplitude", t.amplitude}};
    if (t.offset_m != 0.0) target["offset_m"] = t.offset_m;  // optional: old files stay the same
    targets.push_back(target);
  }
  const json j = {{"relative_permittivity", c.relative_permittivity},
                  {"conductivity_s_per_m", c.conductivity_s_per_m},
                  {"centre_hz", c.centre_hz},
                  {"dt_s", c.dt_s},
                  {"time_zero_s", c.time_zero_s},
                  {"samples_per_trace", c.samples_per_trace},
                  {"trace_rate_hz", c.trace_rate_hz},
                  {"trace_count", c.trace_count},
                  {"trace_spacing_m", c.trace_spacing_m},
                  {"start_position_m", c.start_position_m},
                  {"antenna_height_m", c.antenna_height_m},
                  {"antenna_offset_m", c.antenna_offset_m},
                  {"targets", targets},
                  {"direct_wave_amplitude", c.direct_wave_amplitude},
                  {"surface_reflection", c.surface_reflection},
                  {"noise_std", c.noise_std},
                  {"seed", c.seed}};
  return j.dump(2);
}

GprSceneConfig scene_from_json(std::string_view text, std::string_view source) {
  const json j = parse(text, source);
  GprSceneConfig c;
  ObjectReader r(j, "", source);
  r.read("relative_permittivity", c.relative_permittivity);
  r.read("conductivity_s_per_m", c.conductivity_s_per_m);
  r.read("centre_hz", c.centre_hz);
  r.read("dt_s", c.dt_s);
  r.read("time_zero_s", c.time_zero_s);
  r.read("samples_per_trace", c.samples_per_trace);
  r.read("trace_rate_hz", c.trace_rate_hz);
  r.read("trace_count", c.trace_count);
  r.read("trace_spacing_m", c.trace_spacing_m);
  r.read("start_position_m", c.start_position_m);
  r.read("antenna_height_m", c.antenna_height_m);
  r.read("antenna_offset_m", c.antenna_offset_m);
  r.for_each("targets", [&](ObjectReader& tr, std::size_t) {
    GprTarget t;
    tr.read("x_m", t.x_m, true);
    tr.read("depth_m", t.depth_m, true);
    tr.read("amplitude", t.amplitude);
    tr.read("offset_m", t.offset_m);
    c.targets.push_back(t);
  });
  r.read("direct_wave_amplitude", c.direct_wave_amplitude);
  r.read("surface_reflection", c.surface_reflection);
  r.read("noise_std", c.noise_std);
  r.read("seed", c.seed);
  r.finish();
  if (const std::string message = detail::first_invalid_field(c); !message.empty()) {
    throw ConfigError(std::string(source) + ": /" + message);
  }
  return c;
}

std::string truth_to_json(const GprTruth& truth) {
  json targets = json::array();
  for (const GprTruthTarget& t : truth.targets) {
    targets.push_back({{"x_m", t.x_m}, {"depth_m", t.depth_m}, {"apex_time_s", t.apex_time_s}});
  }
  return json{{"targets", targets}}.dump(2);
}

GprTruth truth_from_json(std::string_view text, std::string_view source) {
  const json j = parse(text, source);
  GprTruth truth;
  ObjectReader r(j, "", source);
  r.for_each(
      "targets",
      [&](ObjectReader& tr, std::size_t) {
        GprTruthTarget t;
        tr.read("x_m", t.x_m, true);
        tr.read("depth_m", t.depth_m, true);
        tr.read("apex_time_s", t.apex_time_s, true);
        truth.targets.push_back(t);
      },
      true);
  r.finish();
  return truth;
}

}  // namespace deminer::sim
