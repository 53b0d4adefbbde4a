// The dual-sensor decision as JSON: the model `deminer train` fits and the tuned configuration
// `deminer tune` writes, which `deminer replay` (lanes) and a dual-sensor head load unchanged.
//
// Model layout (all keys required; classifier and calibrations as in classifier_json.hpp):
//   {"classifier": {...}, "gpr_calibration": {...}, "md_calibration": {...}, "mine_prior": 0.1}
// Tuned configuration layout:
//   {"fusion":   {"association_radius_m": 0.15, "settle_distance_m": 0.4, "capacity": 64},
//    "decision": {"method": "classifier", "threshold": 0.044, "model": {model layout}},
//    "tuning":   {...}}
// "fusion" and "decision" are required (fusion keys default as in SensorFusion::Config);
// "tuning" is optional and not read: how the threshold was chosen (requirement, operating point
// with its intervals, seeds), kept in the file for the engineer who reads it.
// Errors: ConfigError naming the source and the JSON path ("tuned.json: decision.method: expected
// one of ..."), for malformed JSON (with its byte offset), unknown or missing keys, wrong types
// and values the blocks reject.
// Not for the streaming path: parsing allocates.
#pragma once

#include <string>
#include <string_view>

#include "deminer/dsp/detect/object_decision.hpp"
#include "deminer/dsp/detect/sensor_fusion.hpp"

namespace deminer::dsp {

[[nodiscard]] DualSensorModel dual_sensor_model_from_json(std::string_view json_text,
                                                          std::string_view source = "model");
// Every field, indented: what dual_sensor_model_from_json reads back to the same model.
[[nodiscard]] std::string dual_sensor_model_to_json(const DualSensorModel& model);

struct DualSensorConfig {
  SensorFusion::Config fusion;
  ObjectDecision decision;
};

[[nodiscard]] DualSensorConfig dual_sensor_config_from_json(std::string_view json_text,
                                                            std::string_view source = "config");
// "fusion" and "decision", indented (no "tuning").
[[nodiscard]] std::string dual_sensor_config_to_json(const DualSensorConfig& config);

}  // namespace deminer::dsp
