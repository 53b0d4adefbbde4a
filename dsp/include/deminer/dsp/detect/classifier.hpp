// Detection classifier (mine / metal clutter / non-metal clutter) and per-sensor score fusion.
//
// Why: most alarms in a minefield are scrap. A linear model over the detection's feature vector
// (detect/features.hpp for the radar, the MD features, sensor agreement) separates the classes
// well enough to cut the false alarms, is trained on the workstation from labelled lanes, fits in
// a small JSON file (pipeline/classifier_json.hpp) and runs on the handheld in a few hundred
// multiply-adds, without allocation.
//
// Model (K classes, 2..4; D features, 1..Detection::max_features):
//   standardise  z_d = (x_d - mean_d) / scale_d, with mean and scale the training set's mean and
//                population standard deviation (divisor N). A feature whose standard deviation
//                is <= 1e-10 · max |x_d| of the training set (constant up to rounding) gets
//                scale 1 and weight 0 in every class: it is ignored.
//   scores       s_k = w_k · z + b_k
//   probability  p_k = exp(s_k) / Σ_j exp(s_j)              (softmax, computed from s - max s)
// Both training methods produce this form:
//   logistic_regression  (multinomial, softmax) minimises the penalised mean negative
//                log-likelihood
//                  J(W, b) = -(1/N) Σ_i log p_{y_i}(z_i) + (λ/2) Σ_k ||w_k||²
//                (the biases are not penalised) by Newton's method with a backtracking line
//                search until ||∇J||∞ <= tolerance. J is unchanged by adding one constant to every
//                b_k, so the biases are reported centred (Σ_k b_k = 0); the penalty makes
//                Σ_k w_k = 0 at the optimum. With K = 2 this is binary logistic regression on
//                β = w_1 - w_0 with penalty (λ/4) ||β||². λ > 0 is required: it keeps the fit
//                finite on separable data (common with few mines) and fixes the redundant
//                direction of the softmax.
//   linear_discriminant  (LDA: Gaussian classes with one shared covariance) from the class
//                means μ_k of z, the pooled within-class covariance
//                  S = Σ_k Σ_{i in k} (z_i - μ_k)(z_i - μ_k)ᵀ / (N - K),
//                shrunk towards a multiple of the identity, S_α = (1 - α) S + α (tr S / D') I
//                (D' the number of non-constant features, α = shrinkage in [0, 1]), and the class
//                priors π_k (given, or the training fractions N_k / N):
//                  w_k = S_α⁻¹ μ_k,   b_k = -½ μ_kᵀ S_α⁻¹ μ_k + ln π_k,
//                so p_k is the Gaussian posterior P(class k | x). Not centred.
//
// Inference (predict, classify) is noexcept and allocation-free: the parameters live in fixed-size
// arrays. Features in and probabilities out are float32; the arithmetic between is double (see
// the members for why). A non-finite feature (NaN, ±inf: a sensor value that could not be computed)
// is replaced by its training mean (z = 0: it contributes nothing) and counted in
// ClassPrediction::imputed_features, as is a feature missing from a too-short input; z is
// clamped to ±z_limit standard deviations, so the scores and probabilities are always finite.
//
// Score calibration and fusion (per sensor, two classes "mine" / "not mine"):
//   ScoreCalibration (Platt scaling) maps a sensor's detector score s to P(mine | s) =
//                1 / (1 + exp(-(a s + b))), fitted by maximum likelihood on labelled scores with
//                Platt's smoothed targets t+ = (N+ + 1) / (N+ + 2) for mines and
//                t- = 1 / (N- + 2) for the rest (so separable data still gives a finite fit).
//                training_prior = N+ / (N+ + N-) is the base rate the probabilities refer to.
//   fuse_calibrated (naive Bayes in log-odds: the sensors' scores are conditionally independent
//                given the class) combines the sensors that saw the object:
//                  logit P(mine | all) = logit π + Σ_{s seen} [logit p_s - logit π_s]
//                with logit p = ln(p / (1 - p)), π the prior for the ground being cleared and π_s
//                sensor s's training_prior. A sensor that did not see the object (p_s NaN)
//                contributes nothing; with none, the result is π. Probabilities are clamped to
//                [probability_floor, 1 - probability_floor] before taking logits, so one
//                saturated sensor cannot veto the others with an infinite log-odds.
//
// Units: features in their own units (see features.hpp); probabilities 0..1. Latency: none.
#pragma once

#include <Eigen/Core>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "deminer/dsp/core/detection.hpp"

namespace deminer::dsp {

enum class ClassifierKind : std::uint8_t { logistic_regression = 0, linear_discriminant = 1 };

// Result of one classification. class_index indexes Model::class_names.
struct ClassPrediction {
  std::uint8_t class_index = 0;
  float confidence = 0.0f;  // probability of class_index
  // Features that were non-finite or missing and replaced by their training mean.
  std::uint8_t imputed_features = 0;
};

class LinearClassifier {
 public:
  static constexpr std::size_t max_classes = 4;
  static constexpr std::size_t min_classes = 2;
  static constexpr std::size_t max_features = Detection::max_features;
  // |z| is clamped to this many standard deviations at inference (far outside any training set:
  // a linear model says nothing meaningful there, and the clamp keeps the scores finite).
  static constexpr double z_limit = 1e3;

  // Parameters in double, as trained and as stored in JSON.
  struct Model {
    ClassifierKind kind = ClassifierKind::logistic_regression;
    std::vector<std::string> class_names;    // K, unique, non-empty
    std::vector<std::string> feature_names;  // D names, or empty (unnamed)
    Eigen::VectorXd feature_mean;            // D, finite
    Eigen::VectorXd feature_scale;           // D, finite, > 0
    Eigen::MatrixXd weights;                 // K × D, on standardised features
    Eigen::VectorXd bias;                    // K
  };

  // Validates (std::invalid_argument naming the field, the value and what is valid): sizes, K in
  // [2, 4], D in [1, 32], unique class names, finite parameters, scales > 0, and
  // Σ_d |w_kd| z_limit + |b_k| < 1e30 (scores stay finite).
  explicit LinearClassifier(Model model);

  // Class probabilities of one feature vector (features[d] is feature d; a shorter span counts
  // the missing ones as imputed, extra values are ignored). Writes min(K, probabilities.size())
  // probabilities; in place is not allowed (features and probabilities must not overlap). Ties go
  // to the lower class index.
  ClassPrediction predict(std::span<const float> features,
                          std::span<float> probabilities) const noexcept;
  ClassPrediction predict(std::span<const float> features) const noexcept;

  // Classifies d.features(): sets d.object_class (the ObjectClass whose to_string() equals the
  // class name, else ObjectClass::unknown) and d.confidence.
  ClassPrediction classify(Detection& d) const noexcept;

  [[nodiscard]] const Model& model() const noexcept { return model_; }
  [[nodiscard]] std::size_t class_count() const noexcept { return classes_; }
  [[nodiscard]] std::size_t feature_count() const noexcept { return features_; }
  [[nodiscard]] ObjectClass object_class(std::size_t class_index) const noexcept {
    return class_index < classes_ ? object_classes_[class_index] : ObjectClass::unknown;
  }

 private:
  Model model_;
  std::size_t classes_ = 0;
  std::size_t features_ = 0;
  // Double: a feature such as the spectral centroid (~1e9 Hz) with a small spread would lose
  // most of its standardised value to the float32 rounding of its mean. Costs nothing that
  // matters: one classification per detection, not per sample.
  std::array<double, max_features> mean_{};
  std::array<double, max_features> inverse_scale_{};
  std::array<double, max_classes * max_features> weights_{};  // row k at k · max_features
  std::array<double, max_classes> bias_{};
  std::array<ObjectClass, max_classes> object_classes_{};
};

struct ClassifierTrainingOptions {
  ClassifierKind kind = ClassifierKind::logistic_regression;
  // K names; labels index them.
  std::vector<std::string> class_names = {"mine", "metal_clutter", "nonmetal_clutter"};
  std::vector<std::string> feature_names;  // D names or empty
  std::size_t min_samples_per_class = 2;   // >= 2 (LDA needs N > K for its covariance)
  // logistic_regression
  double l2_lambda = 1e-3;            // λ, (0, 1e6]
  std::size_t max_iterations = 100;   // Newton iterations, >= 1
  double gradient_tolerance = 1e-10;  // ||∇J||∞ at convergence, (0, 1e-3]
  // linear_discriminant
  double shrinkage = 0.0;            // α, [0, 1]
  std::vector<double> class_priors;  // K values > 0 summing to 1, or empty (training fractions)
};

// Trains on `features` (N × D, one row per sample) with labels[i] in [0, K). Workstation code:
// allocates, throws std::invalid_argument for bad input (NaN or infinite features, labels out of
// range, a class with fewer than min_samples_per_class samples, mismatched sizes, bad options, a
// singular covariance) and std::runtime_error if Newton's method does not converge.
[[nodiscard]] LinearClassifier train_classifier(const Eigen::MatrixXd& features,
                                                std::span<const int> labels,
                                                const ClassifierTrainingOptions& options);

// Platt scaling of one sensor's score (see the top of this file).
struct ScoreCalibration {
  double a = 1.0;               // slope on the score
  double b = 0.0;               // offset
  double training_prior = 0.5;  // N+ / N of the calibration set, (0, 1)

  // P(mine | score) at the training prior; NaN for a NaN score (a sensor that saw nothing).
  [[nodiscard]] float probability(float score) const noexcept;
  // a · score + b, the log-odds of mine.
  [[nodiscard]] double log_odds(double score) const noexcept { return a * score + b; }
};

struct PlattOptions {
  std::size_t max_iterations = 100;
  double gradient_tolerance = 1e-12;  // on the gradient of the mean cross-entropy
};

// Fits a and b by Newton's method on the mean cross-entropy against Platt's targets. labels[i] is
// 1 (mine) or 0 (not mine). Throws std::invalid_argument for non-finite scores, other labels,
// mismatched sizes, no sample of one class or all scores equal; std::runtime_error if it does
// not converge.
[[nodiscard]] ScoreCalibration fit_score_calibration(std::span<const double> scores,
                                                     std::span<const int> labels,
                                                     const PlattOptions& options = {});

// Probabilities are clamped to [probability_floor, 1 - probability_floor] in fuse_calibrated.
inline constexpr double probability_floor = 1e-6;

// P(mine | all sensors) by the naive-Bayes log-odds rule (see the top of this file).
// probabilities[s] is sensor s's calibrated P(mine), NaN (or any non-finite value) when it did
// not see the object;
// sensor_priors[s] its training prior (π_s); prior is π. Only the first
// min(probabilities.size(), sensor_priors.size()) sensors are used. A non-finite prior or
// sensor prior counts as 0.5.
[[nodiscard]] float fuse_calibrated(std::span<const float> probabilities,
                                    std::span<const float> sensor_priors, float prior) noexcept;

// The same from raw scores: p_s = calibrations[s].probability(scores[s]), π_s =
// calibrations[s].training_prior.
[[nodiscard]] float fuse_scores(std::span<const ScoreCalibration> calibrations,
                                std::span<const float> scores, float prior) noexcept;

}  // namespace deminer::dsp
