// GprPipeline configurations from JSON: every stage kind, the round trip, and errors that name
// the source, the JSON path and what is expected.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "deminer/dsp/core/error.hpp"
#include "deminer/dsp/pipeline/gpr_pipeline.hpp"
#include "deminer/dsp/pipeline/gpr_pipeline_json.hpp"

using deminer::ConfigError;
using deminer::dsp::gpr_pipeline_config_from_json;
using deminer::dsp::GprPipeline;

namespace {

// Every stage kind once, with non-default values.
const char* const every_stage = R"({
  "samples_per_trace": 256,
  "wavelet_polarity": "negative",
  "stages": [
    {"type": "dewow", "mode": "high_pass", "high_pass_cutoff": 0.03, "high_pass_order": 2},
    {"type": "fixed_time_zero", "time_zero_s": -1e-9},
    {"type": "time_zero", "picker": {"method": "energy_ratio", "energy_window_samples": 8},
     "pick_mode": "first_trace", "target_sample": 12, "first_break_time_s": 1.6e-10},
    {"type": "background_removal", "mode": "exponential", "ema_traces": 30},
    {"type": "band_pass", "sample_interval_s": 5e-11, "low_hz": 2e8, "high_hz": 3e9,
     "taper_hz": 1e8},
    {"type": "butterworth", "band": "lowpass", "order": 3, "high_hz": 4e9,
     "sample_interval_s": 5e-11, "zero_phase": false},
    {"type": "t_power_gain", "power": 1.5},
    {"type": "exponential_gain", "attenuation_db_per_m": 3.0, "relative_permittivity": 5.0},
    {"type": "agc", "window_samples": 51},
    {"type": "stack", "mode": "decimate", "traces": 2},
    {"type": "distance_normalise", "spacing_m": 0.02},
    {"type": "kirchhoff_migration", "aperture_traces": 11, "trace_spacing_m": 0.02,
     "relative_permittivity": 5.0, "sample_interval_s": 5e-11}
  ],
  "detector": {"type": "cfar", "geometry": {"antenna_height_m": 0.03}, "method": "cell_averaging",
               "pick": "leading_edge", "features": {"sample_interval_s": 5e-11}}
})";

TEST(GprPipelineJson, ReadsEveryStageKindInOrder) {
  const auto config = gpr_pipeline_config_from_json(every_stage, "every_stage.json");
  EXPECT_EQ(config.samples_per_trace, 256u);
  EXPECT_EQ(config.wavelet_polarity, GprPipeline::WaveletPolarity::negative);
  ASSERT_EQ(config.stages.size(), 12u);
  const char* const names[] = {
      "dewow",     "fixed_time_zero", "time_zero",          "background_removal",
      "band_pass", "butterworth",     "t_power_gain",       "exponential_gain",
      "agc",       "stack",           "distance_normalise", "kirchhoff_migration"};
  for (std::size_t i = 0; i < 12; ++i) {
    EXPECT_EQ(deminer::dsp::stage_type_name(config.stages[i]), names[i]);
  }
  const auto& dewow = std::get<deminer::dsp::Dewow::Config>(config.stages[0]);
  EXPECT_EQ(dewow.mode, deminer::dsp::Dewow::Mode::high_pass);
  EXPECT_DOUBLE_EQ(dewow.high_pass_cutoff, 0.03);
  const auto& aligner = std::get<deminer::dsp::TimeZeroAligner::Config>(config.stages[2]);
  EXPECT_EQ(aligner.picker.method, deminer::dsp::FirstBreakPicker::Method::energy_ratio);
  EXPECT_EQ(aligner.picker.energy_window_samples, 8u);
  EXPECT_DOUBLE_EQ(aligner.target_sample, 12.0);
  const auto& butterworth = std::get<deminer::dsp::ButterworthFilter::Config>(config.stages[5]);
  EXPECT_EQ(butterworth.type, deminer::dsp::FilterBandType::lowpass);
  EXPECT_FALSE(butterworth.zero_phase);
  const auto& cfar = std::get<deminer::dsp::CfarDetector::Config>(config.detector);
  EXPECT_DOUBLE_EQ(cfar.geometry.antenna_height_m, 0.03);
  EXPECT_DOUBLE_EQ(cfar.geometry.relative_permittivity, 6.0);  // default kept
  EXPECT_EQ(cfar.method, deminer::dsp::CfarDetector::Method::cell_averaging);
  EXPECT_EQ(cfar.pick, deminer::dsp::CfarDetector::Pick::leading_edge);
  GprPipeline pipeline(config);  // every stage constructs
}

TEST(GprPipelineJson, WritesWhatItReadsBack) {
  for (const auto& config :
       {GprPipeline::default_config(), gpr_pipeline_config_from_json(every_stage),
        GprPipeline::default_config_for(400e6, 0.1e-9, 1024)}) {
    const std::string text = deminer::dsp::to_json(config);
    EXPECT_EQ(deminer::dsp::to_json(gpr_pipeline_config_from_json(text)), text);
  }
}

TEST(GprPipelineJson, DetectorCanBeTheEnergyDetector) {
  const auto config = gpr_pipeline_config_from_json(
      R"({"detector": {"type": "energy", "trigger_ratio": 5, "prominence": 3}})");
  const auto& energy = std::get<deminer::dsp::EnergyDetector::Config>(config.detector);
  EXPECT_FLOAT_EQ(energy.trigger_ratio, 5.0f);
  EXPECT_FLOAT_EQ(energy.prominence, 3.0f);
}

// The message must contain every piece of `expected`.
void expect_error(const std::string& json, std::initializer_list<const char*> expected) {
  try {
    (void)gpr_pipeline_config_from_json(json, "unit.json");
    ADD_FAILURE() << "accepted: " << json;
  } catch (const ConfigError& e) {
    const std::string message = e.what();
    for (const char* piece : expected) {
      EXPECT_NE(message.find(piece), std::string::npos) << "'" << piece << "' not in: " << message;
    }
  }
}

TEST(GprPipelineJson, ErrorsNameTheSourcePathAndWhatIsExpected) {
  expect_error(R"({"stages": [{"type": "dewow", "windw_samples": 41}]})",
               {"unit.json", "stages[0].windw_samples", "unknown key", "window_samples"});
  expect_error(R"({"stages": [{"type": "dewow"}, {"type": "band_pas"}]})",
               {"stages[1].type", "\"band_pas\"", "\"band_pass\""});
  expect_error(R"({"stages": [{"window_samples": 41}]})", {"stages[0].type", "required"});
  expect_error(R"({"stages": [{"type": "dewow", "window_samples": -3}]})",
               {"stages[0].window_samples", "non-negative integer", "-3"});
  expect_error(R"({"stages": [{"type": "dewow", "mode": "fast"}]})",
               {"stages[0].mode", "\"running_mean\"", "\"high_pass\"", "\"fast\""});
  expect_error(R"({"detector": {"type": "cfar", "geometry": {"height": 1}}})",
               {"detector.geometry.height", "antenna_height_m"});
  expect_error(R"({"detector": {"type": "cfar", "features": {"band_edges_hz": [1, 2]}}})",
               {"detector.features.band_edges_hz", "array of 5 numbers"});
  expect_error(R"({"stages": {"type": "dewow"}})", {"stages", "expected an array"});
  expect_error(R"({"sample_per_trace": 512})", {"sample_per_trace", "samples_per_trace"});
  // Values a block rejects: the stage index and the block's own field and range.
  expect_error(R"({"stages": [{"type": "dewow"}, {"type": "band_pass", "low_hz": -5}]})",
               {"unit.json", "stages[1] (band_pass)", "low_hz", "-5"});
  expect_error(R"({"detector": {"type": "cfar", "os_rank": 2}})",
               {"detector (cfar)", "os_rank", "2"});
  // Malformed JSON: the byte offset.
  expect_error("{\"stages\": [\n  {\"type\": \"dewow\",}\n]}",
               {"unit.json", "not valid JSON", "byte"});
  // A number beyond a double (nlohmann's out_of_range, not a parse error) is still a ConfigError.
  expect_error(R"({"samples_per_trace": 1e999})", {"unit.json", "not a finite double", "1e999"});
}

}  // namespace
