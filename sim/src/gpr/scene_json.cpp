// JSON form of GprSceneConfig and GprTruth (nlohmann-json stays private to this file).
#include <concepts>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "deminer/dsp/core/error.hpp"
#include "deminer/sim/gpr/scene.hpp"
#include "scene_validation.hpp"

namespace deminer::sim {

namespace {

using nlohmann::json;

// JSON Pointer escaping of one key (RFC 6901).
std::string escape(std::string_view key) {
  std::string out;
  for (char ch : key) {
    if (ch == '~') {
      out += "~0";
    } else if (ch == '/') {
      out += "~1";
    } else {
      out += ch;
    }
  }
  return out;
}

[[noreturn]] void fail(std::string_view source, const std::string& path, const std::string& what) {
  throw ConfigError(std::string(source) + ": " + (path.empty() ? "/" : path) + ": " + what);
}

json parse(std::string_view text, std::string_view source) {
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    throw ConfigError(std::string(source) + ": not valid JSON at byte " + std::to_string(e.byte) +
                      ": " + e.what());
  }
}

// Reads the keys of one JSON object and, in finish(), rejects every key nobody asked for.
class ObjectReader {
 public:
  ObjectReader(const json& object, std::string path, std::string_view source)
      : object_(object), path_(std::move(path)), source_(source) {
    if (!object.is_object()) fail(source_, path_, "expected an object");
  }

  // nullptr when absent (an error if required).
  const json* find(const char* key, bool required) {
    known_.insert(key);
    const auto it = object_.find(key);
    if (it != object_.end()) return &*it;
    if (required) fail(source_, path_ + "/" + key, "missing");
    return nullptr;
  }

  void read(const char* key, double& value, bool required = false) {
    if (const json* j = find(key, required)) {
      if (!j->is_number()) fail(source_, path_ + "/" + key, "expected a number");
      value = j->get<double>();
    }
  }

  template <std::unsigned_integral T>
  void read(const char* key, T& value, bool required = false) {
    if (const json* j = find(key, required)) {
      if (!j->is_number_unsigned()) {
        fail(source_, path_ + "/" + key, "expected an unsigned integer");
      }
      value = j->get<T>();
    }
  }

  // Array elements, each with its JSON path.
  template <typename F>
  void for_each(const char* key, F&& element, bool required = false) {
    if (const json* j = find(key, required)) {
      const std::string path = path_ + "/" + key;
      if (!j->is_array()) fail(source_, path, "expected an array");
      for (std::size_t i = 0; i < j->size(); ++i) element((*j)[i], path + "/" + std::to_string(i));
    }
  }

  void finish() const {
    for (const auto& [key, value] : object_.items()) {
      if (known_.contains(key)) continue;
      std::string expected;
      for (const std::string& k : known_) expected += (expected.empty() ? "" : ", ") + k;
      fail(source_, path_ + "/" + escape(key), "unknown key (expected one of: " + expected + ")");
    }
  }

 private:
  const json& object_;
  std::string path_;
  std::string_view source_;
  std::set<std::string> known_;
};

}  // namespace

std::string scene_to_json(const GprSceneConfig& c) {
  json targets = json::array();
  for (const GprTarget& t : c.targets) {
    targets.push_back({{"x_m", t.x_m}, {"depth_m", t.depth_m}, {"amplitude", t.amplitude}});
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
  r.for_each("targets", [&](const json& element, const std::string& path) {
    GprTarget t;
    ObjectReader tr(element, path, source);
    tr.read("x_m", t.x_m, true);
    tr.read("depth_m", t.depth_m, true);
    tr.read("amplitude", t.amplitude);
    tr.finish();
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
      [&](const json& element, const std::string& path) {
        GprTruthTarget t;
        ObjectReader tr(element, path, source);
        tr.read("x_m", t.x_m, true);
        tr.read("depth_m", t.depth_m, true);
        tr.read("apex_time_s", t.apex_time_s, true);
        tr.finish();
        truth.targets.push_back(t);
      },
      true);
  r.finish();
  return truth;
}

}  // namespace deminer::sim
