// VlfPipeline configurations from JSON: every section read, the round trip through to_json, and
// errors that name the source, the JSON path and what is expected.
#include <gtest/gtest.h>

#include <string>

#include "deminer/dsp/core/error.hpp"
#include "deminer/dsp/pipeline/vlf_pipeline.hpp"
#include "deminer/dsp/pipeline/vlf_pipeline_json.hpp"

using deminer::ConfigError;
using deminer::dsp::to_json;
using deminer::dsp::vlf_pipeline_config_from_json;
using deminer::dsp::VlfPipeline;

namespace {

// Every section, with values that differ from the defaults.
const char* const every_field = R"({
  "sample_rate_hz": 96000, "tone_hz": [4800, 19200], "window_samples": 240,
  "detection_tone": 1, "max_block_samples": 4800, "max_event_samples": 5000,
  "clutter_window": 300, "pinpoint_mode": true,
  "calibration": {"air_offset_re": [0.1, -0.2], "air_offset_im": [0.03, 0.04],
                  "phase_deg": [12.5, -100]},
  "ground_balance": {"tracking": false, "initial_angle_deg": 7.5, "tracking_samples": 1000,
                     "update_interval": 8, "guard_samples": 20, "min_anisotropy": 50,
                     "min_spread": 1e-4},
  "motion_filter": {"low_hz": 0.3, "high_hz": 8, "order": 3},
  "pinpoint": {"baseline_time_s": 0, "low_pass_hz": 5},
  "events": {"noise_window": 1000, "update_interval": 10, "warmup_samples": 100,
             "threshold_sigmas": 5, "release_sigmas": 2, "hold_samples": 120,
             "min_sigma": 1e-8, "release_peak_fraction": 0.2},
  "target_id": {"min_snr": 8, "ferrous_min_deg": 12, "non_ferrous_min_deg": 80,
                "medium_min_deg": 115, "high_min_deg": 155, "low_pitch_hz": 150,
                "high_pitch_hz": 1200, "unidentified_pitch_hz": 440, "volume_start_snr": 4,
                "volume_full_snr": 80}
})";

std::string error_of(const std::string& text) {
  try {
    (void)vlf_pipeline_config_from_json(text, "vlf.json");
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no error for " << text;
  return {};
}

void expect_error(const std::string& text, const std::string& path, const std::string& what) {
  const std::string message = error_of(text);
  EXPECT_NE(message.find("vlf.json: " + path + ": "), std::string::npos) << message;
  EXPECT_NE(message.find(what), std::string::npos) << message;
}

}  // namespace

TEST(VlfPipelineJson, ReadsEveryField) {
  const auto c = vlf_pipeline_config_from_json(every_field, "every_field.json");
  EXPECT_EQ(c.demodulator.sample_rate_hz, 96000.0);
  ASSERT_EQ(c.demodulator.tone_count, 2u);
  EXPECT_EQ(c.demodulator.tone_hz[1], 19200.0);
  EXPECT_EQ(c.demodulator.tone_hz[2], 0.0);
  EXPECT_EQ(c.demodulator.window_samples, 240u);
  EXPECT_EQ(c.detection_tone, 1u);
  EXPECT_EQ(c.max_block_samples, 4800u);
  EXPECT_EQ(c.max_event_samples, 5000u);
  EXPECT_EQ(c.clutter_window, 300u);
  EXPECT_TRUE(c.pinpoint_mode);
  EXPECT_EQ(c.calibration.tone_count, 2u);
  EXPECT_EQ(c.calibration.air_offset_re[1], -0.2);
  EXPECT_EQ(c.calibration.air_offset_im[0], 0.03);
  EXPECT_EQ(c.calibration.phase_deg[1], -100.0);
  EXPECT_FALSE(c.ground_balance.tracking);
  EXPECT_EQ(c.ground_balance.initial_angle_deg, 7.5);
  EXPECT_EQ(c.ground_balance.guard_samples, 20u);
  EXPECT_EQ(c.ground_balance.min_spread, 1e-4);
  EXPECT_EQ(c.motion_filter.order, 3);
  EXPECT_EQ(c.motion_filter.high_hz, 8.0);
  // The channel rate follows from the sample rate and the window: 400 S/s.
  EXPECT_EQ(c.motion_filter.channel_rate_hz, 400.0);
  EXPECT_EQ(c.pinpoint.channel_rate_hz, 400.0);
  EXPECT_EQ(c.pinpoint.baseline_time_s, 0.0);
  EXPECT_EQ(c.pinpoint.low_pass_hz, 5.0);
  EXPECT_EQ(c.events.noise_window, 1000u);
  EXPECT_EQ(c.events.threshold_sigmas, 5.0f);
  EXPECT_EQ(c.events.min_sigma, 1e-8f);
  EXPECT_EQ(c.events.release_peak_fraction, 0.2f);
  EXPECT_EQ(c.target_id.high_min_deg, 155.0);
  EXPECT_EQ(c.target_id.unidentified_pitch_hz, 440.0);
  VlfPipeline pipeline(c);  // a valid configuration
  EXPECT_EQ(pipeline.channel_rate_hz(), 400.0);
}

TEST(VlfPipelineJson, EmptyObjectIsTheDefault) {
  const auto c = vlf_pipeline_config_from_json("{}");
  const VlfPipeline::Config d;
  EXPECT_EQ(c.demodulator.tone_count, d.demodulator.tone_count);
  EXPECT_EQ(c.demodulator.tone_hz, d.demodulator.tone_hz);
  EXPECT_EQ(c.events.hold_samples, d.events.hold_samples);
  EXPECT_EQ(c.events.release_peak_fraction, d.events.release_peak_fraction);
  EXPECT_EQ(c.target_id.min_snr, d.target_id.min_snr);
}

TEST(VlfPipelineJson, RoundTrip) {
  for (const char* text : {every_field, "{}"}) {
    const auto first = vlf_pipeline_config_from_json(text);
    const std::string written = to_json(first);
    const auto second = vlf_pipeline_config_from_json(written, "written");
    EXPECT_EQ(to_json(second), written);
    EXPECT_EQ(second.demodulator.tone_hz, first.demodulator.tone_hz);
    EXPECT_EQ(second.calibration.phase_deg, first.calibration.phase_deg);
    EXPECT_EQ(second.events.min_sigma, first.events.min_sigma);
    EXPECT_EQ(second.ground_balance.min_spread, first.ground_balance.min_spread);
  }
  // A calibration captured in the field is saved through config() of the calibration block.
  VlfPipeline pipeline(vlf_pipeline_config_from_json(every_field));
  VlfPipeline::Config saved = pipeline.config();
  saved.calibration = pipeline.calibration().config();
  EXPECT_NE(to_json(saved).find("\"phase_deg\""), std::string::npos);
}

TEST(VlfPipelineJson, ErrorsNameThePath) {
  expect_error("{\"sample_rate\": 1}", "sample_rate", "unknown key; valid keys here:");
  expect_error(R"({"events": {"threshold": 3}})", "events.threshold", "unknown key");
  expect_error(R"({"motion_filter": {"order": "two"}})", "motion_filter.order",
               "expected an integer");
  expect_error(R"({"ground_balance": {"tracking": 1}})", "ground_balance.tracking",
               "expected true or false");
  expect_error(R"({"tone_hz": []})", "tone_hz", "expected an array of 1 to 4 numbers");
  expect_error(R"({"tone_hz": [1, 2, 3, 4, 5]})", "tone_hz", "expected an array of 1 to 4");
  expect_error(R"({"tone_hz": [10000, "x"]})", "tone_hz[1]", "expected a number");
  expect_error(R"({"tone_hz": [10000, 15500]})", "tone_hz[1]", "integer number of periods");
  expect_error(R"({"calibration": {"phase_deg": [1, 2]}})", "calibration.phase_deg",
               "expected an array of 1 numbers (one per tone)");
  expect_error(R"({"calibration": {"phase_deg": [400]}})", "calibration.phase_deg[0]",
               "out of range [-360, 360]");
  expect_error(R"({"calibration": {"gain": [1]}})", "calibration.gain", "unknown key");
  expect_error(R"({"motion_filter": {"high_hz": 600}})", "motion_filter.high_hz",
               "out of range (0, 500)");
  expect_error(R"({"pinpoint": {"baseline_time_s": 0.001}})", "pinpoint.baseline_time_s",
               "out of range");
  expect_error(R"({"events": {"release_sigmas": 7}})", "events.release_sigmas", "out of range");
  expect_error(R"({"target_id": {"medium_min_deg": 50}})", "target_id.medium_min_deg",
               "out of range");
  expect_error(R"({"ground_balance": {"initial_angle_deg": 100}})",
               "ground_balance.initial_angle_deg", "out of range [-90, 90]");
  expect_error(R"({"detection_tone": 1})", "detection_tone", "out of range [0, 0]");
  expect_error(R"({"window_samples": 1})", "window_samples", "out of range");
  expect_error(R"({"events": 3})", "events", "expected an object");
  const std::string malformed = error_of("{\"sample_rate_hz\": }");
  EXPECT_NE(malformed.find("vlf.json: not valid JSON at byte"), std::string::npos) << malformed;
}
