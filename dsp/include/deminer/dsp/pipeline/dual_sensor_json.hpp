// The dual-sensor head as JSON: the model `deminer train` fits and the tuned configuration
// `deminer tune` writes: the head's whole processing from samples to alarms (both chains, the
// fusion and the decision), which `deminer replay` (lanes) and a dual-sensor head load unchanged.
//
// Model layout (all keys required; classifier and calibrations as in classifier_json.hpp):
//   {"classifier": {...}, "gpr_calibration": {...}, "md_calibration": {...}, "mine_prior": 0.1}
// Tuned configuration layout:
//   {"gpr_pipeline": {gpr_pipeline_json.hpp layout}, "md_pipeline": {vlf_pipeline_json.hpp layout},
//    "fusion":   {"association_radius_m": 0.15, "settle_distance_m": 0.4, "capacity": 64},
//    "traces_per_sweep": 4096,
//    "decision": {"method": "classifier", "threshold": 0.044, "model": {model layout}},
//    "tuning":   {...}}
// All but "traces_per_sweep" and "tuning" are required (keys inside the chains and the fusion
// default as in their Configs). The decision's threshold only means on the ground what it meant
// on the lanes when the objects are formed by the same chains, hence they travel together.
// "tuning" is optional and not read: how the threshold was chosen (requirement, operating point
// with its intervals, seeds), kept in the file for the engineer who reads it.
// Errors: ConfigError naming the source and the JSON path ("tuned.json: decision.method: expected
// one of ...", "tuned.json: gpr_pipeline: stages[1].low_hz: ..."), for malformed JSON (with its
// byte offset), unknown or missing keys, wrong types and values the blocks reject.
// Not for the streaming path: parsing allocates.
#pragma once

#include <string>
#include <string_view>

#include "deminer/dsp/detect/object_decision.hpp"
#include "deminer/dsp/pipeline/dual_sensor_pipeline.hpp"

namespace deminer::dsp {

[[nodiscard]] DualSensorModel dual_sensor_model_from_json(std::string_view json_text,
                                                          std::string_view source = "model");
// Every field, indented: what dual_sensor_model_from_json reads back to the same model.
[[nodiscard]] std::string dual_sensor_model_to_json(const DualSensorModel& model);

struct DualSensorConfig {
  DualSensorPipeline::Config pipeline;  // both chains and the fusion: how objects are formed
  ObjectDecision decision;              // which objects raise an alarm
};

[[nodiscard]] DualSensorConfig dual_sensor_config_from_json(std::string_view json_text,
                                                            std::string_view source = "config");
// True when the text is a JSON object with a "decision" key: a dual-sensor configuration rather
// than a GPR pipeline's (gpr_pipeline_json.hpp). Malformed text is neither: false, and the GPR
// reader then says what is wrong with it.
[[nodiscard]] bool is_dual_sensor_config(std::string_view json_text) noexcept;

// Every field but "tuning", indented.
[[nodiscard]] std::string dual_sensor_config_to_json(const DualSensorConfig& config);
// The keys of the configuration that say how objects are formed ("gpr_pipeline", "md_pipeline",
// "fusion", "traces_per_sweep"), indented: to compare two heads' chains.
[[nodiscard]] std::string dual_sensor_chains_to_json(const DualSensorPipeline::Config& chains);

}  // namespace deminer::dsp
