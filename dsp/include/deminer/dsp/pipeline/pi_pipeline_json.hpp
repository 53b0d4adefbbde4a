// PiPipeline configurations as JSON: the file a PI unit is tuned with on the workstation and
// loads at start-up.
//
// Layout (every key optional, defaults from PiPipeline::default_config(); units in the names):
//   {"gate_times_s": [1e-05, 1.5e-05, ...], "pulse_length_s": 0.0001,
//    "gate_time_tolerance": 0.001, "pulses_per_sample": 1,
//    "balance_pairs": [[0, 3], [0, 1], [2, 5]],          // gate indices (first, second)
//    "baseline": {"tare_pulses": 64, "tracking_time_constant_pulses": 20000},
//    "events": {"noise_window": 256, "threshold_sigmas": 6, ...},   // md::EventDetector
//    "fit": {"min_tau_s": 5e-07, ...},                               // md::ExponentialFit
//    "classifier": {"gate_ratio": 1.3, ...},                         // md::PiDecayClassifier
//    "tone": {"min_pitch_hz": 200, ...}}                             // PiPipeline::Tone
// Errors: ConfigError naming the source, the JSON path (e.g. "events.threshold_sigma") and what
// is expected: malformed JSON (with its byte offset), unknown keys (the valid ones are listed),
// wrong types, and values a block rejects (the JSON object, the block's field and its range,
// e.g. "unit.json: events: EventDetector: release_sigmas 9 is out of range (0, 6]").
// Not for the streaming path: parsing allocates.
#pragma once

#include <string>
#include <string_view>

#include "deminer/dsp/pipeline/pi_pipeline.hpp"

namespace deminer::dsp {

// Parses and validates (by building the pipeline once). `source` names the text in messages.
[[nodiscard]] PiPipeline::Config pi_pipeline_config_from_json(std::string_view json_text,
                                                              std::string_view source = "config");

// Every field, indented: what pi_pipeline_config_from_json reads back to the same configuration.
[[nodiscard]] std::string to_json(const PiPipeline::Config& config);

}  // namespace deminer::dsp
