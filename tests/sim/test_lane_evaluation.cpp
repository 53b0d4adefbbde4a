// The dual-sensor model on labelled objects: training separates what the features separate, and
// the model's JSON gives the same scores (each way of deciding: tests/dsp/test_object_decision).
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <random>
#include <string>

#include "deminer/dsp/core/error.hpp"
#include "deminer/dsp/pipeline/vlf_pipeline.hpp"
#include "deminer/sim/lane/lane_evaluation.hpp"

namespace {

namespace lane = deminer::sim::lane;
using deminer::dsp::DecisionMethod;
using deminer::dsp::Detection;
using deminer::dsp::FusedObject;
using deminer::dsp::ObjectClass;
using deminer::dsp::Sensor;

FusedObject object(double gpr_score, double md_score, float md_phase_deg) {
  FusedObject o;
  if (gpr_score > 0) {
    o.strongest[0].sensor = Sensor::gpr;
    o.strongest[0].score = static_cast<float>(gpr_score);
    o.hits[0] = 2;
  }
  if (md_score > 0) {
    Detection& m = o.strongest[1];
    m.sensor = Sensor::metal_detector;
    m.score = static_cast<float>(md_score);
    m.feature_count = static_cast<std::uint8_t>(deminer::dsp::VlfFeature::count);
    m.feature_values[static_cast<std::size_t>(deminer::dsp::VlfFeature::phase_deg)] = md_phase_deg;
    o.hits[1] = 3;
  }
  return o;
}

// Mines: both sensors, moderate MD, phase near 30°; metal clutter: strong MD only, phase near
// 70°; other: weak GPR only. Drawn with noise from a fixed seed.
double score(const lane::TrainedModel& model, DecisionMethod method, const FusedObject& o) {
  return deminer::dsp::ObjectDecision(model, {}).score(method, o);
}

lane::LabelledObjects arena(std::uint64_t seed, std::size_t per_class) {
  std::mt19937_64 random(seed);
  std::normal_distribution<double> noise(0.0, 1.0);
  lane::LabelledObjects a;
  for (std::size_t i = 0; i < per_class; ++i) {
    a.objects.push_back(object(50 * std::exp(0.3 * noise(random)),
                               40 * std::exp(0.3 * noise(random)),
                               static_cast<float>(30 + 8 * noise(random))));
    a.labels.push_back(ObjectClass::mine);
    a.objects.push_back(
        object(0, 400 * std::exp(0.5 * noise(random)), static_cast<float>(70 + 8 * noise(random))));
    a.labels.push_back(ObjectClass::metal_clutter);
    a.objects.push_back(object(20 * std::exp(0.5 * noise(random)), 0, 0));
    a.labels.push_back(ObjectClass::nonmetal_clutter);
  }
  a.seeds = {seed};
  return a;
}

TEST(DualSensorModel, TrainedClassifierRanksMinesAboveEverythingElse) {
  const auto training = arena(1, 40);
  const auto model = lane::train_dual_sensor_model(training, {});
  EXPECT_NEAR(model.mine_prior, 1.0 / 3.0, 1e-12);
  EXPECT_EQ(model.training_seeds, std::vector<std::uint64_t>{1});
  const auto test = arena(2, 40);
  // Every held-out mine scores above every held-out non-mine (the classes are far apart).
  double lowest_mine = 1.0;
  double highest_other = 0.0;
  for (std::size_t i = 0; i < test.objects.size(); ++i) {
    const double p = score(model, DecisionMethod::classifier, test.objects[i]);
    ASSERT_GE(p, 0.0);
    ASSERT_LE(p, 1.0);
    if (test.labels[i] == ObjectClass::mine) {
      lowest_mine = std::min(lowest_mine, p);
    } else {
      highest_other = std::max(highest_other, p);
    }
  }
  EXPECT_GT(lowest_mine, highest_other);
}

TEST(DualSensorModel, JsonRoundTripGivesTheSameScores) {
  const auto model = lane::train_dual_sensor_model(arena(1, 30), {});
  const std::string text = lane::model_to_json(model);
  const auto read = lane::model_from_json(text, "model.json");
  EXPECT_EQ(lane::model_to_json(read), text);
  const auto test = arena(3, 10);
  for (const auto method : deminer::dsp::all_decision_methods) {
    for (const auto& o : test.objects) {
      const double a = score(model, method, o);
      const double b = score(read, method, o);
      if (std::isnan(a)) {
        EXPECT_TRUE(std::isnan(b));
      } else {
        EXPECT_EQ(a, b) << deminer::dsp::decision_method_name(method);
      }
    }
  }
}

TEST(DualSensorModel, BadModelFilesNameThePath) {
  const auto model = lane::train_dual_sensor_model(arena(1, 30), {});
  std::string text = lane::model_to_json(model);
  const auto error_of = [](const std::string& json) -> std::string {
    try {
      (void)lane::model_from_json(json, "model.json");
    } catch (const deminer::ConfigError& e) {
      return e.what();
    }
    return "";
  };
  const auto replaced = [&](const std::string& from, const std::string& to) {
    std::string t = text;
    t.replace(t.find(from), from.size(), to);
    return t;
  };
  EXPECT_NE(error_of(replaced("\"mine_prior\"", "\"mine_priors\""))
                .find("model.json: /model: mine_prior"),
            std::string::npos);
  EXPECT_NE(error_of(replaced("\"training_seeds\": [\n    1", "\"training_seeds\": [\n    -1"))
                .find("/training_seeds/0"),
            std::string::npos);
  EXPECT_NE(error_of(replaced("\"class_names\"", "\"class_namez\""))
                .find("model.json: /model: classifier"),
            std::string::npos);
  EXPECT_NE(error_of("{").find("not valid JSON"), std::string::npos);
}

TEST(DualSensorModel, TrainingNeedsMinesAndOthers) {
  auto only_mines = arena(1, 10);
  for (auto& label : only_mines.labels) label = ObjectClass::mine;
  EXPECT_THROW((void)lane::train_dual_sensor_model(only_mines, {}), std::invalid_argument);
  EXPECT_THROW((void)lane::train_dual_sensor_model(lane::LabelledObjects{}, {}),
               std::invalid_argument);
}

}  // namespace
