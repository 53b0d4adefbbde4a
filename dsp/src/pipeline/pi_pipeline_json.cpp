#include "deminer/dsp/pipeline/pi_pipeline_json.hpp"

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "deminer/dsp/core/error.hpp"
#include "json_fields.hpp"
#include "md_json_fields.hpp"

namespace deminer::dsp {

namespace {

using json_fields::FieldReader;
using json_fields::FieldWriter;
using nlohmann::json;

template <class V>
void describe(V& v, md::PiBaseline::Config& c) {
  v("tare_pulses", c.tare_pulses);
  v("tracking_time_constant_pulses", c.tracking_time_constant_pulses);
}

template <class V>
void describe(V& v, md::ExponentialFit::Config& c) {
  v("min_tau_s", c.min_tau_s);
  v("max_tau_s", c.max_tau_s);
  v("grid_points", c.grid_points);
  v("max_iterations", c.max_iterations);
  v("relative_tolerance", c.relative_tolerance);
}

template <class V>
void describe(V& v, md::PiDecayClassifier::Config& c) {
  v("first_gate", c.first_gate);
  v("gate_ratio", c.gate_ratio);
  v("max_growth", c.max_growth);
  v("growth_weight", c.growth_weight);
  v("min_discriminant", c.min_discriminant);
  v("min_snr", c.min_snr);
}

template <class V>
void describe(V& v, PiPipeline::Tone& c) {
  v("min_pitch_hz", c.min_pitch_hz);
  v("max_pitch_hz", c.max_pitch_hz);
  v("short_tau_s", c.short_tau_s);
  v("long_tau_s", c.long_tau_s);
  v("volume_start_sigmas", c.volume_start_sigmas);
  v("volume_full_sigmas", c.volume_full_sigmas);
}

template <class V>
void describe(V& v, PiPipeline::Config& c) {
  v("pulse_length_s", c.pulse_length_s);
  v("gate_time_tolerance", c.gate_time_tolerance);
  v("pulses_per_sample", c.pulses_per_sample);
  v.object("baseline", [&](auto& b) { describe(b, c.baseline); });
  v.object("events", [&](auto& e) { describe(e, c.events); });
  v.object("fit", [&](auto& f) { describe(f, c.fit); });
  v.object("classifier", [&](auto& k) { describe(k, c.classifier); });
  v.object("tone", [&](auto& t) { describe(t, c.tone); });
}

std::vector<float> read_gate_times(const json& item, const FieldReader& top) {
  if (!item.is_array())
    top.fail("gate_times_s", "expected an array of numbers, found " + item.dump());
  std::vector<float> times;
  for (std::size_t i = 0; i < item.size(); ++i) {
    if (!item[i].is_number()) {
      top.fail("gate_times_s[" + std::to_string(i) + "]",
               "expected a number, found " + item[i].dump());
    }
    times.push_back(item[i].get<float>());
  }
  return times;
}

std::vector<md::PiGroundBalance::Pair> read_pairs(const json& item, const FieldReader& top) {
  if (!item.is_array()) {
    top.fail("balance_pairs",
             "expected an array of [first_gate, second_gate], found " + item.dump());
  }
  std::vector<md::PiGroundBalance::Pair> pairs;
  for (std::size_t i = 0; i < item.size(); ++i) {
    const json& pair = item[i];
    if (!pair.is_array() || pair.size() != 2 || !pair[0].is_number_unsigned() ||
        !pair[1].is_number_unsigned()) {
      top.fail("balance_pairs[" + std::to_string(i) + "]",
               "expected [first_gate, second_gate] (gate indices), found " + pair.dump());
    }
    pairs.push_back({pair[0].get<std::size_t>(), pair[1].get<std::size_t>()});
  }
  return pairs;
}

}  // namespace

PiPipeline::Config pi_pipeline_config_from_json(std::string_view json_text,
                                                std::string_view source) {
  const json document = json_fields::parse(json_text, source);
  PiPipeline::Config config = PiPipeline::default_config();
  FieldReader top(document, "", source);
  describe(top, config);
  top.known("gate_times_s");
  top.known("balance_pairs");
  if (const auto times = document.find("gate_times_s"); times != document.end()) {
    config.gate_times_s = read_gate_times(*times, top);
  }
  if (const auto pairs = document.find("balance_pairs"); pairs != document.end()) {
    config.balance_pairs = read_pairs(*pairs, top);
  }
  top.finish();
  // Each block alone first, so that a range error names the JSON object it came from.
  const auto check = [&](const char* path, auto&& build) {
    try {
      build();
    } catch (const std::invalid_argument& e) {
      throw ConfigError(std::string(source) + ": " + path + ": " + e.what());
    }
  };
  check("baseline", [&] { md::PiBaseline b(config.baseline); });
  check("events", [&] { md::EventDetector e(config.events); });
  check("fit", [&] { md::ExponentialFit f(config.fit); });
  check("classifier", [&] { md::PiDecayClassifier c(config.classifier); });
  check("gate_times_s/balance_pairs", [&] {
    md::PiGroundBalance g({config.gate_times_s, config.pulse_length_s, config.balance_pairs});
  });
  check("(top level)", [&] { PiPipeline p(config); });
  return config;
}

std::string to_json(const PiPipeline::Config& config) {
  json out;
  PiPipeline::Config copy = config;
  FieldWriter top(out);
  describe(top, copy);
  out["gate_times_s"] = json::array();
  for (float t : config.gate_times_s) out["gate_times_s"].push_back(t);
  out["balance_pairs"] = json::array();
  for (const auto& p : config.balance_pairs) {
    out["balance_pairs"].push_back(json::array({p.first_gate, p.second_gate}));
  }
  return out.dump(2);
}

}  // namespace deminer::dsp
