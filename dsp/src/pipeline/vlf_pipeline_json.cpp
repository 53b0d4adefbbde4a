#include "deminer/dsp/pipeline/vlf_pipeline_json.hpp"

#include <array>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "deminer/dsp/core/error.hpp"
#include "json_fields.hpp"
#include "md_json_fields.hpp"

namespace deminer::dsp {

namespace {

using json_fields::FieldReader;
using json_fields::FieldWriter;
using nlohmann::json;
using Tones = std::array<double, md::max_tones>;

template <class V>
void describe(V& v, md::VlfGroundBalance::Config& c) {
  v("tracking", c.tracking);
  v("initial_angle_deg", c.initial_angle_deg);
  v("tracking_samples", c.tracking_samples);
  v("update_interval", c.update_interval);
  v("guard_samples", c.guard_samples);
  v("min_anisotropy", c.min_anisotropy);
  v("min_spread", c.min_spread);
}

template <class V>
void describe(V& v, md::VlfMotionFilter::Config& c) {
  v("low_hz", c.low_hz);
  v("high_hz", c.high_hz);
  v("order", c.order);
  v("start_settled", c.start_settled);
}

template <class V>
void describe(V& v, md::VlfPinpoint::Config& c) {
  v("baseline_time_s", c.baseline_time_s);
  v("low_pass_hz", c.low_pass_hz);
}

template <class V>
void describe(V& v, md::VlfTargetId::Config& c) {
  v("min_snr", c.min_snr);
  v("ferrous_min_deg", c.ferrous_min_deg);
  v("non_ferrous_min_deg", c.non_ferrous_min_deg);
  v("medium_min_deg", c.medium_min_deg);
  v("high_min_deg", c.high_min_deg);
  v("low_pitch_hz", c.low_pitch_hz);
  v("high_pitch_hz", c.high_pitch_hz);
  v("unidentified_pitch_hz", c.unidentified_pitch_hz);
  v("volume_start_snr", c.volume_start_snr);
  v("volume_full_snr", c.volume_full_snr);
}

// The fields with a fixed shape; tone_hz and calibration (one value per tone) are read apart.
template <class V>
void describe(V& v, VlfPipeline::Config& c) {
  v("sample_rate_hz", c.demodulator.sample_rate_hz);
  v("window_samples", c.demodulator.window_samples);
  v("detection_tone", c.detection_tone);
  v("max_block_samples", c.max_block_samples);
  v("max_event_samples", c.max_event_samples);
  v("clutter_window", c.clutter_window);
  v("pinpoint_mode", c.pinpoint_mode);
  v.object("ground_balance", [&](auto& o) { describe(o, c.ground_balance); });
  v.object("motion_filter", [&](auto& o) { describe(o, c.motion_filter); });
  v.object("pinpoint", [&](auto& o) { describe(o, c.pinpoint); });
  v.object("events", [&](auto& o) { describe(o, c.events); });
  v.object("target_id", [&](auto& o) { describe(o, c.target_id); });
}

// An array of 1..max_tones numbers (exactly `required` if not zero) at `path`.
std::size_t read_tone_array(const json& item, const std::string& path, const FieldReader& fields,
                            std::size_t required, Tones& out) {
  const std::string expected =
      required == 0 ? "an array of 1 to " + std::to_string(md::max_tones) + " numbers"
                    : "an array of " + std::to_string(required) + " numbers (one per tone)";
  if (!item.is_array() || item.empty() || item.size() > md::max_tones ||
      (required != 0 && item.size() != required)) {
    fields.fail(path, "expected " + expected + ", found " + item.dump());
  }
  for (std::size_t k = 0; k < item.size(); ++k) {
    if (!item[k].is_number()) {
      fields.fail(path + "[" + std::to_string(k) + "]",
                  "expected a number, found " + item[k].dump());
    }
    out[k] = item[k].get<double>();
  }
  return item.size();
}

json tone_array(const Tones& values, std::size_t count) {
  json out = json::array();
  for (std::size_t k = 0; k < count; ++k) out.push_back(values[k]);
  return out;
}

// Builds one block; its std::invalid_argument ("Block: field value ...") becomes a ConfigError at
// the JSON path of the field: `prefix` + field.
template <class Build>
void validate(std::string_view source, const std::string& prefix, Build&& build) {
  try {
    build();
  } catch (const std::invalid_argument& e) {
    const std::string what = e.what();
    std::string field;
    if (const auto colon = what.find(": "); colon != std::string::npos) {
      const auto start = colon + 2;
      field = what.substr(start, what.find(' ', start) - start);
    }
    if (field == "tone_count") field = "tone_hz";  // the tone count is the array's length
    throw ConfigError(std::string(source) + ": " + prefix + field + ": " + what);
  }
}

}  // namespace

VlfPipeline::Config vlf_pipeline_config_from_json(std::string_view json_text,
                                                  std::string_view source) {
  const json document = json_fields::parse(json_text, source);
  VlfPipeline::Config config;
  FieldReader top(document, "", source);
  describe(top, config);
  top.known("tone_hz");
  top.known("calibration");
  if (const auto tones = document.find("tone_hz"); tones != document.end()) {
    config.demodulator.tone_hz = {};
    config.demodulator.tone_count =
        read_tone_array(*tones, "tone_hz", top, 0, config.demodulator.tone_hz);
  }
  if (const auto calibration = document.find("calibration"); calibration != document.end()) {
    FieldReader fields(*calibration, "calibration", source);
    auto& c = config.calibration;
    const std::size_t count = config.demodulator.tone_count;
    for (const auto& [key, values] :
         {std::pair{"air_offset_re", &c.air_offset_re},
          std::pair{"air_offset_im", &c.air_offset_im}, std::pair{"phase_deg", &c.phase_deg}}) {
      fields.known(key);
      if (const auto item = calibration->find(key); item != calibration->end()) {
        read_tone_array(*item, std::string("calibration.") + key, fields, count, *values);
      }
    }
    fields.finish();
  }
  top.finish();

  config.calibration.tone_count = config.demodulator.tone_count;
  validate(source, "", [&] { md::VlfDemodulator check(config.demodulator); });
  validate(source, "calibration.", [&] { md::VlfCalibration check(config.calibration); });
  validate(source, "ground_balance.", [&] { md::VlfGroundBalance check(config.ground_balance); });
  const double channel_rate_hz =
      config.demodulator.sample_rate_hz / static_cast<double>(config.demodulator.window_samples);
  config.motion_filter.channel_rate_hz = channel_rate_hz;
  config.pinpoint.channel_rate_hz = channel_rate_hz;
  validate(source, "motion_filter.", [&] { md::VlfMotionFilter check(config.motion_filter); });
  validate(source, "pinpoint.", [&] { md::VlfPinpoint check(config.pinpoint); });
  validate(source, "events.", [&] { md::EventDetector check(config.events); });
  validate(source, "target_id.", [&] { md::VlfTargetId check(config.target_id); });
  validate(source, "", [&] { VlfPipeline check(config); });
  return config;
}

std::string to_json(const VlfPipeline::Config& config) {
  json out;
  VlfPipeline::Config copy = config;
  FieldWriter top(out);
  describe(top, copy);
  const std::size_t count = config.demodulator.tone_count;
  out["tone_hz"] = tone_array(config.demodulator.tone_hz, count);
  out["calibration"] = {{"air_offset_re", tone_array(config.calibration.air_offset_re, count)},
                        {"air_offset_im", tone_array(config.calibration.air_offset_im, count)},
                        {"phase_deg", tone_array(config.calibration.phase_deg, count)}};
  return out.dump(2);
}

}  // namespace deminer::dsp
