// Classifier and score-calibration JSON: the round trip is exact (same parameters bit for bit,
// same probabilities), and malformed files give ConfigErrors naming the source and JSON path.
#include <gtest/gtest.h>

#include <Eigen/Core>
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "deminer/dsp/core/error.hpp"
#include "deminer/dsp/detect/classifier.hpp"
#include "deminer/dsp/pipeline/classifier_json.hpp"

using deminer::ConfigError;
using namespace deminer::dsp;

namespace {

// A trained three-class model with awkward numbers (not short decimals) and feature names.
LinearClassifier trained(ClassifierKind kind) {
  const Eigen::Index n = 36;
  Eigen::MatrixXd x(n, 3);
  std::vector<int> labels;
  for (Eigen::Index i = 0; i < n; ++i) {
    const int k = static_cast<int>(i % 3);
    const double u = std::fmod(static_cast<double>(i) * 0.6180339887, 1.0);
    const double v = std::fmod(static_cast<double>(i) * 0.7548776662, 1.0);
    x(i, 0) = 1e9 + 1e8 * (u + static_cast<double>(k));
    x(i, 1) = std::sqrt(2.0) * v - 0.3 * static_cast<double>(k);
    x(i, 2) = std::exp(u - v);
    labels.push_back(k);
  }
  ClassifierTrainingOptions o;
  o.kind = kind;
  o.feature_names = {"spectral_centroid_hz", "first_echo_polarity", "time_energy"};
  o.shrinkage = 0.05;
  return train_classifier(x, labels, o);
}

const char* const valid = R"({
  "kind": "linear_discriminant",
  "class_names": ["mine", "metal_clutter"],
  "feature_mean": [1.0, 2.0, 3.0],
  "feature_scale": [0.5, 1.0, 2.0],
  "weights": [[1.0, -1.0, 0.5], [-1.0, 1.0, -0.5]],
  "bias": [0.1, -0.1]
})";

std::string error_of(const std::string& text) {
  try {
    (void)classifier_from_json(text, "classifier.json");
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no error for " << text;
  return {};
}

void expect_error(const std::string& text, const std::string& path, const std::string& what) {
  const std::string message = error_of(text);
  EXPECT_NE(message.find("classifier.json: " + path + ": "), std::string::npos) << message;
  EXPECT_NE(message.find(what), std::string::npos) << message;
}

// `valid` with `from` replaced by `to` (which must occur).
std::string edited(const std::string& from, const std::string& to) {
  std::string text = valid;
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST(ClassifierJson, RoundTripIsExact) {
  for (const ClassifierKind kind :
       {ClassifierKind::logistic_regression, ClassifierKind::linear_discriminant}) {
    const LinearClassifier original = trained(kind);
    const std::string text = classifier_to_json(original);
    const LinearClassifier back = classifier_from_json(text, "round_trip.json");
    const auto& a = original.model();
    const auto& b = back.model();
    EXPECT_EQ(b.kind, kind);
    EXPECT_EQ(b.class_names, a.class_names);
    EXPECT_EQ(b.feature_names, a.feature_names);
    EXPECT_EQ(b.feature_mean, a.feature_mean);
    EXPECT_EQ(b.feature_scale, a.feature_scale);
    EXPECT_EQ(b.weights, a.weights);
    EXPECT_EQ(b.bias, a.bias);
    const std::array<float, 3> x = {1.15e9f, 0.2f, 0.9f};
    std::array<float, 3> pa{}, pb{};
    (void)original.predict(x, pa);
    (void)back.predict(x, pb);
    EXPECT_EQ(pa, pb);
    EXPECT_EQ(classifier_to_json(back), text);
  }
}

TEST(ClassifierJson, ReadsTheDocumentedLayout) {
  const LinearClassifier c = classifier_from_json(valid, "valid.json");
  const auto& m = c.model();
  EXPECT_EQ(m.kind, ClassifierKind::linear_discriminant);
  EXPECT_TRUE(m.feature_names.empty());
  EXPECT_EQ(m.weights(1, 2), -0.5);
  EXPECT_EQ(m.feature_scale[2], 2.0);
  // x = mean: z = 0, probabilities softmax(0.1, -0.1).
  std::array<float, 2> p{};
  (void)c.predict(std::array<float, 3>{1.0f, 2.0f, 3.0f}, p);
  EXPECT_NEAR(p[0], 1.0 / (1.0 + std::exp(-0.2)), 1e-7);
}

TEST(ClassifierJson, ErrorsNameTheJsonPath) {
  expect_error(edited("[-1.0, 1.0, -0.5]", "[-1.0, 1.0, null]"), "weights[1][2]",
               "expected a number, found null");
  expect_error(edited("[-1.0, 1.0, -0.5]", "[-1.0, 1.0]"), "weights[1]",
               "expected an array of 3 numbers");
  expect_error(edited("[[1.0, -1.0, 0.5], [-1.0, 1.0, -0.5]]", "[[1.0, -1.0, 0.5]]"), "weights",
               "expected an array of 2 arrays");
  expect_error(edited("[0.1, -0.1]", "[0.1]"), "bias", "expected an array of 2 numbers");
  expect_error(edited("[0.5, 1.0, 2.0]", "[0.5, 0.0, 2.0]"), "feature_scale[1]",
               "a finite value > 0");
  expect_error(edited("[0.5, 1.0, 2.0]", "[0.5, 1.0]"), "feature_scale",
               "expected an array of 3 numbers");
  expect_error(edited("[1.0, 2.0, 3.0]", "[]"), "feature_mean", "1 to 32 numbers");
  expect_error(edited("\"mine\", \"metal_clutter\"", "\"mine\""), "class_names", "2 to 4 strings");
  expect_error(edited("\"mine\", \"metal_clutter\"", "\"mine\", 7"), "class_names[1]",
               "expected a string, found 7");
  expect_error(edited("\"mine\", \"metal_clutter\"", "\"mine\", \"mine\""), "class_names[1]",
               "unique names");
  expect_error(edited("\"linear_discriminant\"", "\"svm\""), "kind", "expected one of");
  expect_error(edited("\"bias\"", "\"bias_\""), "bias_", "unknown key");
  expect_error(edited("\"bias\": [0.1, -0.1]", "\"bias\": [0.1, -0.1], \"feature_names\": [\"a\"]"),
               "feature_names", "expected an array of 3 strings");
  expect_error(edited("\"kind\": \"linear_discriminant\",", ""), "kind", "missing");
  expect_error(edited("[1.0, 2.0, 3.0]", "[1.0, 2.0, \"3\"]"), "feature_mean[2]",
               "expected a number");
  expect_error("[1, 2]", "", "expected an object");
}

TEST(ClassifierJson, MalformedAndNonFiniteNumbers) {
  const std::string truncated = error_of(std::string(valid).substr(0, 40));
  EXPECT_NE(truncated.find("classifier.json: not valid JSON at byte"), std::string::npos)
      << truncated;
  // JSON has no NaN or infinity: they appear as overflowing literals or bare words.
  const std::string overflow = error_of(edited("[0.1, -0.1]", "[0.1, -1e999]"));
  EXPECT_NE(overflow.find("classifier.json: a number is not a finite double"), std::string::npos)
      << overflow;
  EXPECT_NE(error_of(edited("[0.1, -0.1]", "[0.1, NaN]")).find("not valid JSON"),
            std::string::npos);
}

TEST(ClassifierJson, CalibrationRoundTripAndErrors) {
  const ScoreCalibration c{1.0 / 3.0, -std::sqrt(2.0), 0.0123};
  const ScoreCalibration back =
      score_calibration_from_json(score_calibration_to_json(c), "calibration.json");
  EXPECT_EQ(back.a, c.a);
  EXPECT_EQ(back.b, c.b);
  EXPECT_EQ(back.training_prior, c.training_prior);

  const auto error = [](const std::string& text) {
    try {
      (void)score_calibration_from_json(text, "md.json");
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    ADD_FAILURE() << "no error for " << text;
    return std::string();
  };
  EXPECT_NE(error(R"({"a": 1, "b": 0, "training_prior": 1.5})")
                .find("md.json: training_prior: expected a fraction in (0, 1), found 1.5"),
            std::string::npos);
  EXPECT_NE(error(R"({"a": 1, "training_prior": 0.5})").find("md.json: b: missing"),
            std::string::npos);
  EXPECT_NE(error(R"({"a": true, "b": 0, "training_prior": 0.5})")
                .find("md.json: a: expected a number, found true"),
            std::string::npos);
  EXPECT_NE(
      error(R"({"a": 1, "b": 0, "training_prior": 0.5, "c": 2})").find("md.json: c: unknown key"),
      std::string::npos);
}
