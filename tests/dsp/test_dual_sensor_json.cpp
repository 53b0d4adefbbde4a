// The dual-sensor model and tuned configuration as JSON: what is written reads back to the same
// decisions, "tuning" is carried but not read, and every kind of damage is a ConfigError naming
// the file and the JSON path.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "deminer/dsp/core/error.hpp"
#include "deminer/dsp/pipeline/dual_sensor_json.hpp"
#include "deminer/dsp/pipeline/gpr_pipeline_json.hpp"
#include "deminer/dsp/pipeline/vlf_pipeline_json.hpp"

namespace {

using deminer::dsp::DecisionMethod;
using deminer::dsp::DualSensorConfig;
using deminer::dsp::FusedObject;
using deminer::dsp::LinearClassifier;
using deminer::dsp::ObjectDecision;
using deminer::dsp::Sensor;

DualSensorConfig config() {
  const auto d = static_cast<Eigen::Index>(deminer::dsp::fused_feature_count);
  LinearClassifier::Model m;
  m.class_names = {"mine", "metal_clutter"};
  m.feature_mean = Eigen::VectorXd::LinSpaced(d, 0.1, 2.3);
  m.feature_scale = Eigen::VectorXd::LinSpaced(d, 1.0, 3.0);
  m.weights = Eigen::MatrixXd::Zero(2, d);
  m.weights(0, 0) = 0.7;
  m.weights(0, 3) = -1.0 / 3.0;
  m.weights(1, 1) = 2.5;
  m.bias = Eigen::Vector2d(0.125, -0.125);
  deminer::dsp::DualSensorPipeline::Config chains;
  chains.gpr = deminer::dsp::GprPipeline::default_config_for(1.5e9, 5e-11, 256);
  chains.md.demodulator.tone_count = 2;
  chains.md.demodulator.tone_hz[1] = 20000.0;
  chains.fusion = {0.12, 0.35, 32};
  chains.traces_per_sweep = 512;
  return {chains, ObjectDecision({LinearClassifier(m), {1.25, -2.0, 0.2}, {0.75, -1.0, 0.1}, 0.03},
                                 {DecisionMethod::score_fusion, 0.0625})};
}

std::string error_of(const std::string& text) {
  try {
    (void)deminer::dsp::dual_sensor_config_from_json(text, "tuned.json");
  } catch (const deminer::ConfigError& e) {
    return e.what();
  }
  return "";
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return at == std::string::npos ? text : text.replace(at, from.size(), to);
}

TEST(DualSensorJson, ConfigReadsBackToTheSameDecisions) {
  const DualSensorConfig original = config();
  const std::string text = deminer::dsp::dual_sensor_config_to_json(original);
  const DualSensorConfig read = deminer::dsp::dual_sensor_config_from_json(text, "tuned.json");
  EXPECT_EQ(deminer::dsp::dual_sensor_config_to_json(read), text);
  EXPECT_EQ(read.pipeline.gpr.samples_per_trace, 256u);
  EXPECT_EQ(deminer::dsp::to_json(read.pipeline.gpr), deminer::dsp::to_json(original.pipeline.gpr));
  EXPECT_EQ(read.pipeline.md.demodulator.tone_count, 2u);
  EXPECT_EQ(read.pipeline.md.demodulator.tone_hz[1], 20000.0);
  EXPECT_EQ(deminer::dsp::to_json(read.pipeline.md), deminer::dsp::to_json(original.pipeline.md));
  EXPECT_EQ(read.pipeline.fusion.association_radius_m, 0.12);
  EXPECT_EQ(read.pipeline.fusion.settle_distance_m, 0.35);
  EXPECT_EQ(read.pipeline.fusion.capacity, 32u);
  EXPECT_EQ(read.pipeline.traces_per_sweep, 512u);
  EXPECT_EQ(deminer::dsp::dual_sensor_chains_to_json(read.pipeline),
            deminer::dsp::dual_sensor_chains_to_json(original.pipeline));
  EXPECT_EQ(read.decision.config().method, DecisionMethod::score_fusion);
  EXPECT_EQ(read.decision.config().threshold, 0.0625);
  FusedObject o;
  o.strongest[0].sensor = Sensor::gpr;
  o.strongest[0].score = 30.0f;
  o.hits[0] = 1;
  o.strongest[1].sensor = Sensor::metal_detector;
  o.strongest[1].score = 7.0f;
  o.hits[1] = 1;
  for (const auto method : deminer::dsp::all_decision_methods) {
    EXPECT_EQ(read.decision.score(method, o), original.decision.score(method, o));
  }
}

TEST(DualSensorJson, TuningIsCarriedButNotRead) {
  std::string text = deminer::dsp::dual_sensor_config_to_json(config());
  text = replaced(text, "{", R"({"tuning": {"operating_point": {"pd": 0.9}, "anything": [1, 2]},)");
  EXPECT_EQ(error_of(text), "");
}

TEST(DualSensorJson, ModelReadsBackBitForBit) {
  const DualSensorConfig original = config();
  const auto& model = original.decision.model();
  const std::string text = deminer::dsp::dual_sensor_model_to_json(model);
  EXPECT_EQ(deminer::dsp::dual_sensor_model_to_json(
                deminer::dsp::dual_sensor_model_from_json(text, "model.json")),
            text);
}

TEST(DualSensorJson, DamageIsNamedWithItsPath) {
  const std::string text = deminer::dsp::dual_sensor_config_to_json(config());
  EXPECT_NE(error_of("{\"fusion\": {}").find("tuned.json: not valid JSON at byte"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"fusion": {}})").find("tuned.json: gpr_pipeline: missing"),
            std::string::npos);
  EXPECT_NE(error_of(replaced(text, "\"decision\"", "\"tuning\"")).find("decision: missing"),
            std::string::npos);
  EXPECT_NE(error_of(replaced(text, "\"samples_per_trace\": 256", "\"samples_per_trace\": -3"))
                .find("tuned.json: gpr_pipeline: samples_per_trace: expected a non-negative"),
            std::string::npos);
  EXPECT_NE(error_of(replaced(text, "\"pinpoint_mode\": false", "\"pinpoint_mode\": 3"))
                .find("tuned.json: md_pipeline: pinpoint_mode: expected true or false"),
            std::string::npos);
  EXPECT_NE(error_of(replaced(text, "\"traces_per_sweep\": 512", "\"traces_per_sweep\": 3"))
                .find("traces_per_sweep 3"),
            std::string::npos);
  EXPECT_NE(error_of(replaced(text, "\"fusion\"", "\"fusoin\"")).find("fusoin: unknown key"),
            std::string::npos);
  EXPECT_NE(error_of(replaced(text, "\"score_fusion\"", "\"fusion\""))
                .find("tuned.json: decision.method: expected one of"),
            std::string::npos);
  EXPECT_NE(error_of(replaced(text, "\"threshold\": 0.0625", "\"threshold\": \"high\""))
                .find("tuned.json: decision.threshold: expected a number"),
            std::string::npos);
  EXPECT_NE(error_of(replaced(text, "\"capacity\": 32", "\"capacity\": 0")).find("capacity 0"),
            std::string::npos);
  EXPECT_NE(error_of(replaced(text, "\"mine_prior\": 0.03", "\"mine_prior\": 1.5"))
                .find("tuned.json: decision.model.mine_prior: expected a fraction"),
            std::string::npos);
  EXPECT_NE(error_of(replaced(text, "\"bias\"", "\"bais\""))
                .find("tuned.json: decision.model.classifier: bais: unknown key"),
            std::string::npos);
  EXPECT_NE(error_of(replaced(text, "\"training_prior\": 0.1", "\"training_prior\": 2"))
                .find("tuned.json: decision.model.md_calibration: training_prior"),
            std::string::npos);
  EXPECT_NE(error_of(replaced(text, "\"mine\"", "\"landmine\"")).find("no class \"mine\""),
            std::string::npos);
}

}  // namespace
