#include "deminer/dsp/pipeline/dual_sensor_json.hpp"

#include <cmath>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <utility>

#include "deminer/dsp/core/error.hpp"
#include "deminer/dsp/pipeline/classifier_json.hpp"
#include "deminer/dsp/pipeline/gpr_pipeline_json.hpp"
#include "deminer/dsp/pipeline/vlf_pipeline_json.hpp"
#include "json_fields.hpp"

namespace deminer::dsp {
namespace {

using json_fields::FieldReader;
using json_fields::parse;
using nlohmann::json;

template <class V>
void describe(V& v, SensorFusion::Config& c) {
  v("association_radius_m", c.association_radius_m);
  v("settle_distance_m", c.settle_distance_m);
  v("capacity", c.capacity);
}

const json& required(const json& object, const FieldReader& reader, const std::string& path,
                     const char* key) {
  const auto it = object.find(key);
  if (it == object.end()) {
    reader.fail(path.empty() ? key : path + "." + key, "missing (required)");
  }
  return *it;
}

// `source: path` for the messages of the part readers (classifier_json.hpp), which name the
// path inside the part.
std::string part_source(std::string_view source, const std::string& path) {
  return std::string(source) + ": " + path;
}

// The model object at `path` of a document.
DualSensorModel read_model(const json& object, const std::string& path, std::string_view source) {
  FieldReader reader(object, path, source);
  for (const char* key : {"classifier", "gpr_calibration", "md_calibration", "mine_prior"}) {
    reader.known(key);
  }
  reader.finish();
  const auto at = [&path](const char* key) { return path.empty() ? key : path + "." + key; };
  const auto part = [&](const char* key) {
    return std::pair{required(object, reader, path, key).dump(), part_source(source, at(key))};
  };
  const auto [classifier_text, classifier_source] = part("classifier");
  const auto [gpr_text, gpr_source] = part("gpr_calibration");
  const auto [md_text, md_source] = part("md_calibration");
  const json& prior = required(object, reader, path, "mine_prior");
  if (!prior.is_number() || !(prior.get<double>() > 0.0 && prior.get<double>() < 1.0)) {
    reader.fail(at("mine_prior"), "expected a fraction in (0, 1), found " + prior.dump());
  }
  return {classifier_from_json(classifier_text, classifier_source),
          score_calibration_from_json(gpr_text, gpr_source),
          score_calibration_from_json(md_text, md_source), prior.get<double>()};
}

json model_json(const DualSensorModel& model) {
  return {{"classifier", json::parse(classifier_to_json(model.classifier))},
          {"gpr_calibration", json::parse(score_calibration_to_json(model.gpr))},
          {"md_calibration", json::parse(score_calibration_to_json(model.md))},
          {"mine_prior", model.mine_prior}};
}

json chains_json(const DualSensorPipeline::Config& chains) {
  json fusion;
  json_fields::FieldWriter writer(fusion);
  SensorFusion::Config copy = chains.fusion;
  describe(writer, copy);
  return {{"gpr_pipeline", json::parse(to_json(chains.gpr))},
          {"md_pipeline", json::parse(to_json(chains.md))},
          {"fusion", fusion},
          {"traces_per_sweep", chains.traces_per_sweep}};
}

}  // namespace

DualSensorModel dual_sensor_model_from_json(std::string_view json_text, std::string_view source) {
  return read_model(parse(json_text, source), "", source);
}

std::string dual_sensor_model_to_json(const DualSensorModel& model) {
  return model_json(model).dump(2);
}

DualSensorConfig dual_sensor_config_from_json(std::string_view json_text, std::string_view source) {
  const json document = parse(json_text, source);
  // Unknown keys are reported first: a misspelt key would otherwise show up as a missing one.
  FieldReader top(document, "", source);
  for (const char* key :
       {"gpr_pipeline", "md_pipeline", "fusion", "traces_per_sweep", "decision", "tuning"}) {
    top.known(key);
  }
  top.finish();
  DualSensorPipeline::Config pipeline;
  pipeline.gpr = gpr_pipeline_config_from_json(required(document, top, "", "gpr_pipeline").dump(),
                                               part_source(source, "gpr_pipeline"));
  pipeline.md = vlf_pipeline_config_from_json(required(document, top, "", "md_pipeline").dump(),
                                              part_source(source, "md_pipeline"));
  FieldReader fusion_reader(required(document, top, "", "fusion"), "fusion", source);
  describe(fusion_reader, pipeline.fusion);
  fusion_reader.finish();
  top("traces_per_sweep", pipeline.traces_per_sweep);

  const json& decision = required(document, top, "", "decision");
  FieldReader reader(decision, "decision", source);
  for (const char* key : {"method", "threshold", "model"}) reader.known(key);
  reader.finish();
  ObjectDecision::Config config;
  (void)required(decision, reader, "decision", "threshold");
  reader("threshold", config.threshold);
  const json& method = required(decision, reader, "decision", "method");
  const auto named =
      method.is_string() ? decision_method_named(method.get<std::string>()) : std::nullopt;
  if (!named) {
    reader.fail("decision.method",
                "expected one of \"md\", \"gpr\", \"strength\", \"score_fusion\", "
                "\"classifier\", found " +
                    method.dump());
  }
  config.method = *named;
  DualSensorModel model =
      read_model(required(decision, reader, "decision", "model"), "decision.model", source);
  try {
    DualSensorPipeline{pipeline};  // validates the fusion and traces_per_sweep
    return {pipeline, ObjectDecision(std::move(model), config)};
  } catch (const std::invalid_argument& e) {
    throw ConfigError(std::string(source) + ": " + e.what());
  }
}

bool is_dual_sensor_config(std::string_view json_text) noexcept {
  try {
    const json parsed = json::parse(json_text);
    return parsed.is_object() && parsed.contains("decision");
  } catch (...) {  // malformed JSON or out of memory: not recognised
    return false;
  }
}

std::string dual_sensor_config_to_json(const DualSensorConfig& config) {
  json document = chains_json(config.pipeline);
  const ObjectDecision& decision = config.decision;
  document["decision"] = {{"method", decision_method_name(decision.config().method)},
                          {"threshold", decision.config().threshold},
                          {"model", model_json(decision.model())}};
  return document.dump(2);
}

std::string dual_sensor_chains_to_json(const DualSensorPipeline::Config& chains) {
  return chains_json(chains).dump(2);
}

}  // namespace deminer::dsp
