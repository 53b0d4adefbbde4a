// VlfPipeline configurations as JSON: the file a VLF unit is tuned with on the workstation and
// loads at start-up (with the calibration it captured in the field written back into it).
//
// Layout (every key optional; defaults and ranges are those of the blocks' Configs, documented
// in md/vlf_*.hpp, md/event_detector.hpp and pipeline/vlf_pipeline.hpp):
//   {"sample_rate_hz": 100000, "tone_hz": [10000], "window_samples": 100,
//    "detection_tone": 0, "max_block_samples": 65536, "max_event_samples": 3000,
//    "clutter_window": 512, "pinpoint_mode": false,
//    "calibration": {"air_offset_re": [0.0], "air_offset_im": [0.0], "phase_deg": [0.0]},
//    "ground_balance": {"tracking": true, "initial_angle_deg": 0, "tracking_samples": 2000, ...},
//    "motion_filter": {"low_hz": 0.5, "high_hz": 10, "order": 2},
//    "pinpoint": {"baseline_time_s": 30, "low_pass_hz": 10},
//    "events": {"noise_window": 2048, "threshold_sigmas": 6, "hold_samples": 150, ...},
//    "target_id": {"min_snr": 10, "ferrous_min_deg": 10, ..., "volume_full_snr": 100}}
// "tone_hz" holds 1 to 4 tones; the calibration arrays hold one value per tone (absent: zeros).
// The channel rate of the motion filter and pinpoint path follows from sample_rate_hz and
// window_samples, so they have no rate of their own here.
// Errors: ConfigError naming the source, the JSON path (e.g. "motion_filter.low_hz",
// "tone_hz[1]") and what is expected: malformed JSON (with its byte offset), unknown keys (the
// valid ones are listed), wrong types, and values a block rejects (with its range).
// Not for the streaming path: parsing allocates.
#pragma once

#include <string>
#include <string_view>

#include "deminer/dsp/pipeline/vlf_pipeline.hpp"

namespace deminer::dsp {

// Parses and validates (every block is built once). `source` names the text in messages, e.g. the
// file path.
[[nodiscard]] VlfPipeline::Config vlf_pipeline_config_from_json(std::string_view json_text,
                                                                std::string_view source = "config");

// Every field, indented: what vlf_pipeline_config_from_json reads back to the same
// configuration.
[[nodiscard]] std::string to_json(const VlfPipeline::Config& config);

}  // namespace deminer::dsp
