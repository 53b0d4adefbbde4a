#include "deminer/dsp/detect/object_decision.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

namespace deminer::dsp {
namespace {

std::size_t mine_class_of(const LinearClassifier& classifier) {
  const auto& names = classifier.model().class_names;
  const auto it = std::find(names.begin(), names.end(), "mine");
  if (it == names.end()) {
    throw std::invalid_argument("ObjectDecision: the classifier has no class \"mine\"");
  }
  return static_cast<std::size_t>(it - names.begin());
}

}  // namespace

double sensor_log_score(const FusedObject& object, Sensor sensor) noexcept {
  if (!object.seen_by(sensor)) return std::numeric_limits<double>::quiet_NaN();
  return std::log10(std::max(static_cast<double>(object.strongest_of(sensor).score), 1e-30));
}

std::string_view decision_method_name(DecisionMethod method) noexcept {
  switch (method) {
    case DecisionMethod::md:
      return "md";
    case DecisionMethod::gpr:
      return "gpr";
    case DecisionMethod::strength:
      return "strength";
    case DecisionMethod::score_fusion:
      return "score_fusion";
    case DecisionMethod::classifier:
      break;
  }
  return "classifier";
}

std::optional<DecisionMethod> decision_method_named(std::string_view name) noexcept {
  for (const DecisionMethod method : all_decision_methods) {
    if (decision_method_name(method) == name) return method;
  }
  return std::nullopt;
}

ObjectDecision::ObjectDecision(DualSensorModel model, const Config& config)
    : model_(std::move(model)), config_(config), mine_class_(mine_class_of(model_.classifier)) {
  if (model_.classifier.feature_count() != fused_feature_count) {
    throw std::invalid_argument("ObjectDecision: the classifier takes " +
                                std::to_string(model_.classifier.feature_count()) +
                                " features; the fused objects give " +
                                std::to_string(fused_feature_count));
  }
  if (!(model_.mine_prior > 0.0 && model_.mine_prior < 1.0)) {
    throw std::invalid_argument("ObjectDecision: mine_prior " + std::to_string(model_.mine_prior) +
                                " is not in (0, 1)");
  }
  if (!std::isfinite(config_.threshold)) {
    throw std::invalid_argument("ObjectDecision: threshold is not a finite number");
  }
}

double ObjectDecision::score(DecisionMethod method, const FusedObject& object) const noexcept {
  const double gpr = sensor_log_score(object, Sensor::gpr);
  const double md = sensor_log_score(object, Sensor::metal_detector);
  switch (method) {
    case DecisionMethod::md:
      return md;
    case DecisionMethod::gpr:
      return gpr;
    case DecisionMethod::strength:
      if (std::isnan(gpr)) return md;
      if (std::isnan(md)) return gpr;
      return std::max(gpr, md);
    case DecisionMethod::score_fusion: {
      const std::array<ScoreCalibration, 2> calibrations = {model_.gpr, model_.md};
      const std::array<float, 2> scores = {static_cast<float>(gpr), static_cast<float>(md)};
      return fuse_scores(calibrations, scores, static_cast<float>(model_.mine_prior));
    }
    case DecisionMethod::classifier:
      break;
  }
  std::array<float, Detection::max_features> features{};
  (void)fused_features(object, features);
  std::array<float, LinearClassifier::max_classes> probabilities{};
  (void)model_.classifier.predict(std::span(features).first(fused_feature_count), probabilities);
  return probabilities[mine_class_];
}

ObjectVerdict ObjectDecision::decide(const FusedObject& object) const noexcept {
  ObjectVerdict verdict;
  verdict.score = score(config_.method, object);
  verdict.alarm = verdict.score >= config_.threshold;  // false for NaN
  std::array<float, Detection::max_features> features{};
  (void)fused_features(object, features);
  const ClassPrediction prediction =
      model_.classifier.predict(std::span(features).first(fused_feature_count));
  verdict.object_class = model_.classifier.object_class(prediction.class_index);
  verdict.confidence = prediction.confidence;
  return verdict;
}

}  // namespace deminer::dsp
