// ObjectDecision: each way of deciding scores a fused object by its documented rule (written out
// here independently: log10 of the scores, the naive-Bayes log-odds sum, a softmax), the alarm
// is score >= threshold and never on NaN, the class is the classifier's, models the decision
// cannot use are refused, and deciding allocates nothing.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <stdexcept>
#include <string>

#include "allocation_counter.hpp"
#include "deminer/dsp/detect/object_decision.hpp"
#include "deminer/dsp/pipeline/vlf_pipeline.hpp"

namespace {

using deminer::dsp::DecisionMethod;
using deminer::dsp::DualSensorModel;
using deminer::dsp::FusedFeature;
using deminer::dsp::FusedObject;
using deminer::dsp::LinearClassifier;
using deminer::dsp::ObjectClass;
using deminer::dsp::ObjectDecision;
using deminer::dsp::ScoreCalibration;
using deminer::dsp::Sensor;

constexpr auto features = static_cast<Eigen::Index>(deminer::dsp::fused_feature_count);

Eigen::Index slot(FusedFeature f) { return static_cast<Eigen::Index>(f); }

// Classes mine, metal_clutter, nonmetal_clutter on raw features (mean 0, scale 1): the score of
// mine grows with both sensors seeing the object, metal clutter's with the MD phase.
LinearClassifier::Model classifier_model() {
  LinearClassifier::Model m;
  m.class_names = {"mine", "metal_clutter", "nonmetal_clutter"};
  m.feature_mean = Eigen::VectorXd::Zero(features);
  m.feature_scale = Eigen::VectorXd::Ones(features);
  m.weights = Eigen::MatrixXd::Zero(3, features);
  m.weights(0, slot(FusedFeature::gpr_seen)) = 1.5;
  m.weights(0, slot(FusedFeature::md_seen)) = 1.0;
  m.weights(1, slot(FusedFeature::md_phase_deg)) = 0.04;
  m.weights(2, slot(FusedFeature::gpr_seen)) = 0.5;
  m.bias = Eigen::Vector3d(-1.0, 0.2, 0.3);
  return m;
}

DualSensorModel model() {
  return {LinearClassifier(classifier_model()), ScoreCalibration{2.0, -3.0, 0.2},
          ScoreCalibration{1.5, -2.0, 0.1}, 0.05};
}

FusedObject object(float gpr_score, float md_score, float md_phase_deg) {
  FusedObject o;
  if (gpr_score > 0) {
    o.strongest[0].sensor = Sensor::gpr;
    o.strongest[0].score = gpr_score;
    o.hits[0] = 1;
  }
  if (md_score > 0) {
    auto& m = o.strongest[1];
    m.sensor = Sensor::metal_detector;
    m.score = md_score;
    m.feature_count = static_cast<std::uint8_t>(deminer::dsp::VlfFeature::count);
    m.feature_values[static_cast<std::size_t>(deminer::dsp::VlfFeature::phase_deg)] = md_phase_deg;
    o.hits[1] = 2;
  }
  return o;
}

double logit(double p) { return std::log(p / (1 - p)); }
double sigmoid(double x) { return 1 / (1 + std::exp(-x)); }

// Softmax of the three classes for an object seen by the radar and/or the MD at `phase`.
std::array<double, 3> probabilities(bool gpr, bool md, double phase) {
  const std::array<double, 3> s = {1.5 * gpr + 1.0 * md - 1.0, 0.04 * phase * md + 0.2,
                                   0.5 * gpr + 0.3};
  const double total = std::exp(s[0]) + std::exp(s[1]) + std::exp(s[2]);
  return {std::exp(s[0]) / total, std::exp(s[1]) / total, std::exp(s[2]) / total};
}

TEST(ObjectDecision, EachMethodScoresByItsDocumentedRule) {
  const ObjectDecision decision(model(), {});
  const FusedObject both = object(100.0f, 10.0f, 30.0f);
  const FusedObject md_only = object(0, 1000.0f, 70.0f);
  EXPECT_DOUBLE_EQ(decision.score(DecisionMethod::gpr, both), 2.0);
  EXPECT_DOUBLE_EQ(decision.score(DecisionMethod::md, both), 1.0);
  EXPECT_DOUBLE_EQ(decision.score(DecisionMethod::strength, both), 2.0);
  EXPECT_TRUE(std::isnan(decision.score(DecisionMethod::gpr, md_only)));
  EXPECT_DOUBLE_EQ(decision.score(DecisionMethod::md, md_only), 3.0);
  EXPECT_DOUBLE_EQ(decision.score(DecisionMethod::strength, md_only), 3.0);

  const double fused =
      sigmoid(logit(0.05) + (2.0 * 2.0 - 3.0) - logit(0.2) + (1.5 * 1.0 - 2.0) - logit(0.1));
  EXPECT_NEAR(decision.score(DecisionMethod::score_fusion, both), fused, 1e-6);
  const double md_alone = sigmoid(logit(0.05) + (1.5 * 3.0 - 2.0) - logit(0.1));
  EXPECT_NEAR(decision.score(DecisionMethod::score_fusion, md_only), md_alone, 1e-6);

  EXPECT_NEAR(decision.score(DecisionMethod::classifier, both), probabilities(true, true, 30)[0],
              1e-6);
  EXPECT_NEAR(decision.score(DecisionMethod::classifier, md_only),
              probabilities(false, true, 70)[0], 1e-6);
}

TEST(ObjectDecision, AlarmsAtOrAboveTheThresholdAndNeverOnASilentSensor) {
  const ObjectDecision decision(model(), {DecisionMethod::gpr, 2.0});
  EXPECT_TRUE(decision.decide(object(100.0f, 0, 0)).alarm);  // log10 100 = 2: at the threshold
  EXPECT_FALSE(decision.decide(object(99.0f, 0, 0)).alarm);
  const auto silent = decision.decide(object(0, 1e6f, 10.0f));
  EXPECT_FALSE(silent.alarm);
  EXPECT_TRUE(std::isnan(silent.score));
}

TEST(ObjectDecision, ClassAndConfidenceAreTheClassifiersMostProbableClass) {
  const ObjectDecision decision(model(), {DecisionMethod::strength, 0.0});
  // Both sensors: mine wins; MD only at 70°: metal clutter; radar only: non-metal clutter.
  const struct {
    FusedObject object;
    ObjectClass expected;
    double confidence;
  } cases[] = {
      {object(50.0f, 20.0f, 0.0f), ObjectClass::mine, probabilities(true, true, 0)[0]},
      {object(0, 20.0f, 70.0f), ObjectClass::metal_clutter, probabilities(false, true, 70)[1]},
      {object(50.0f, 0, 0), ObjectClass::nonmetal_clutter, probabilities(true, false, 0)[2]},
  };
  for (const auto& c : cases) {
    const auto verdict = decision.decide(c.object);
    EXPECT_TRUE(verdict.alarm);
    EXPECT_EQ(verdict.object_class, c.expected);
    EXPECT_NEAR(verdict.confidence, c.confidence, 1e-6);
  }
}

TEST(ObjectDecision, RefusesAModelItCannotUse) {
  const auto error_of = [](DualSensorModel m, ObjectDecision::Config config) -> std::string {
    try {
      ObjectDecision decision(std::move(m), config);
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "";
  };
  auto no_mine = classifier_model();
  no_mine.class_names[0] = "landmine";
  EXPECT_NE(error_of({LinearClassifier(no_mine), {}, {}, 0.1}, {}).find("no class \"mine\""),
            std::string::npos);
  auto short_model = classifier_model();
  short_model.feature_mean.conservativeResize(5);
  short_model.feature_scale.conservativeResize(5);
  short_model.weights.conservativeResize(3, 5);
  EXPECT_NE(error_of({LinearClassifier(short_model), {}, {}, 0.1}, {}).find("takes 5 features"),
            std::string::npos);
  EXPECT_NE(error_of({LinearClassifier(classifier_model()), {}, {}, 1.0}, {}).find("mine_prior"),
            std::string::npos);
  EXPECT_NE(error_of(model(), {DecisionMethod::md, std::nan("")}).find("threshold"),
            std::string::npos);
}

TEST(ObjectDecision, MethodNamesRoundTrip) {
  for (const auto method : deminer::dsp::all_decision_methods) {
    EXPECT_EQ(deminer::dsp::decision_method_named(deminer::dsp::decision_method_name(method)),
              method);
  }
  EXPECT_FALSE(deminer::dsp::decision_method_named("fusion").has_value());
}

TEST(ObjectDecision, DecidingAllocatesNothing) {
  const ObjectDecision decision(model(), {});
  const FusedObject objects[] = {object(100.0f, 10.0f, 30.0f), object(0, 1000.0f, 70.0f),
                                 object(5.0f, 0, 0)};
  double sum = 0.0;
  deminer::test::AllocationCounter counter;
  for (int i = 0; i < 300; ++i) {
    const auto verdict = decision.decide(objects[i % 3]);
    sum += verdict.confidence;
    for (const auto method : deminer::dsp::all_decision_methods) {
      const double s = decision.score(method, objects[i % 3]);
      sum += std::isnan(s) ? 0.0 : s;
    }
  }
  EXPECT_EQ(counter.count(), 0u);
  EXPECT_GT(sum, 0.0);
}

}  // namespace
