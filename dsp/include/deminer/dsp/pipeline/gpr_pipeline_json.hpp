// GprPipeline configurations as JSON: the file a unit is tuned with on the workstation and loads
// at start-up.
//
// Layout: {"samples_per_trace": 512, "wavelet_polarity": "measure",
//          "stages": [{"type": "dewow", "window_samples": 41}, {"type": "band_pass", ...}, ...],
//          "detector": {"type": "cfar", "geometry": {"antenna_height_m": 0.05, ...}, ...}}
// Every key is optional and takes the block's default (gpr/*.hpp, detect/*.hpp document each
// field, its unit and valid range); the stage "type" and the detector "type" are required.
// Stage types: dewow, fixed_time_zero, time_zero, background_removal, band_pass, butterworth,
// t_power_gain, exponential_gain, agc, stack, distance_normalise, kirchhoff_migration. Detector
// types: cfar, energy. Enumerations are strings (e.g. "mode": "high_pass").
// Errors: ConfigError naming the source, the JSON path (e.g. "stages[2].low_hz") and what is
// expected: malformed JSON (with its byte offset), unknown keys (the valid ones are listed), wrong
// types, unknown enumeration values, and values a block rejects (its range).
// Not for the streaming path: parsing allocates.
#pragma once

#include <string>
#include <string_view>

#include "deminer/dsp/pipeline/gpr_pipeline.hpp"

namespace deminer::dsp {

// Parses and validates (by building the pipeline once). `source` names the text in messages,
// e.g. the file path.
[[nodiscard]] GprPipeline::Config gpr_pipeline_config_from_json(std::string_view json_text,
                                                                std::string_view source = "config");

// Every field of every stage, indented: what gpr_pipeline_config_from_json reads back to the
// same configuration.
[[nodiscard]] std::string to_json(const GprPipeline::Config& config);

}  // namespace deminer::dsp
