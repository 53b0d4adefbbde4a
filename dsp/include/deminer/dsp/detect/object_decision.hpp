// ObjectDecision: the dual-sensor head's last step, one alarm decision per fused object
// (detect/sensor_fusion.hpp) with the object's class and the confidence in it.
//
// Why: the tuned threshold means something only for the score it was tuned on, so the ways of
// deciding that `deminer tune` compares are defined here, once, and the handheld, `deminer replay`
// and the evaluation all score an object through this block.
// Scores (DecisionMethod), NaN when the method raises no alarm for the object:
//   md            log10 of the metal detector's strongest score (peak SNR); NaN if it saw nothing
//   gpr           log10 of the radar's strongest score (CFAR ratio); NaN if it saw nothing
//   strength      the larger of the two: a plain energy threshold on whichever sensor saw it
//   score_fusion  P(mine) from both calibrated log10 scores by the naive-Bayes rule
//                 (fuse_scores in classifier.hpp) at the model's mine_prior
//   classifier    P(mine) of the linear classifier on fused_features (feature-level fusion)
// Decision: alarm when score >= threshold (a NaN score never alarms). The class and its
// confidence are the classifier's most probable class, whatever the method: an alarm on an object
// the classifier calls metal clutter still means "dig", and the class tells the deminer what to
// expect.
// Memory: the model is copied at construction; score() and decide() are noexcept and
// allocation-free. Units: log10 of the sensors' scores; probabilities 0..1.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "deminer/dsp/core/detection.hpp"
#include "deminer/dsp/detect/classifier.hpp"
#include "deminer/dsp/detect/sensor_fusion.hpp"

namespace deminer::dsp {

enum class DecisionMethod : std::uint8_t { md, gpr, strength, score_fusion, classifier };
inline constexpr std::array<DecisionMethod, 5> all_decision_methods = {
    DecisionMethod::md, DecisionMethod::gpr, DecisionMethod::strength, DecisionMethod::score_fusion,
    DecisionMethod::classifier};
[[nodiscard]] std::string_view decision_method_name(DecisionMethod method) noexcept;
[[nodiscard]] std::optional<DecisionMethod> decision_method_named(std::string_view name) noexcept;

// log10 of the sensor's strongest score on the object, NaN when it did not see it: the score of
// the md and gpr methods, and what the sensors' calibrations map to P(mine).
[[nodiscard]] double sensor_log_score(const FusedObject& object, Sensor sensor) noexcept;

// What the dual-sensor head decides with, as `deminer train` fits it: the classifier on
// fused_features (it must have a class "mine"), per sensor a Platt calibration of log10(score),
// and the share of mines among the objects it was trained on (the prior of score fusion).
struct DualSensorModel {
  LinearClassifier classifier;
  ScoreCalibration gpr;
  ScoreCalibration md;
  double mine_prior = 0.5;  // (0, 1)
};

struct ObjectVerdict {
  bool alarm = false;
  double score = 0.0;  // the method's score, NaN when it raises no alarm for the object
  ObjectClass object_class = ObjectClass::unknown;  // the classifier's most probable class
  float confidence = 0.0f;                          // its probability
};

class ObjectDecision {
 public:
  struct Config {
    DecisionMethod method = DecisionMethod::classifier;
    double threshold = 0.5;  // finite
  };

  // Throws std::invalid_argument when the classifier has no class "mine", it does not take
  // fused_feature_count features, mine_prior is not in (0, 1) or the threshold is not finite.
  ObjectDecision(DualSensorModel model, const Config& config);

  [[nodiscard]] double score(DecisionMethod method, const FusedObject& object) const noexcept;
  [[nodiscard]] ObjectVerdict decide(const FusedObject& object) const noexcept;

  [[nodiscard]] const DualSensorModel& model() const noexcept { return model_; }
  [[nodiscard]] const Config& config() const noexcept { return config_; }

 private:
  DualSensorModel model_;
  Config config_;
  std::size_t mine_class_ = 0;  // index of "mine" among the classifier's classes
};

}  // namespace deminer::dsp
