// LinearClassifier, Platt calibration and score fusion: training against scipy/numpy fits on the
// same data (tests/reference/make_classifier_reference.py), the optimality conditions of the
// penalised likelihood, analytic Platt and fusion cases, the NaN policy, input validation and
// allocation-free inference.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <limits>
#include <numeric>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "allocation_counter.hpp"
#include "deminer/dsp/detect/classifier.hpp"

using namespace deminer::dsp;

namespace {

struct Query {
  std::vector<float> x;
  std::vector<double> probabilities;
};

struct ReferenceCase {
  std::string name;
  ClassifierKind kind = ClassifierKind::logistic_regression;
  std::size_t classes = 0;
  std::size_t features = 0;
  double lambda = 0.0;
  double shrinkage = 0.0;
  std::vector<std::string> class_names;
  std::vector<double> priors;
  std::vector<int> labels;
  std::vector<std::vector<double>> samples;
  std::vector<double> mean, scale, bias;
  std::vector<std::vector<double>> weights;
  std::vector<Query> queries;
};

struct PlattReference {
  double a = 0.0, b = 0.0, prior = 0.0;
  std::vector<double> scores;
  std::vector<int> labels;
  std::vector<std::pair<float, double>> calibrated;
};

struct Reference {
  std::vector<ReferenceCase> cases;
  PlattReference platt;
};

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> fields;
  std::istringstream in(line);
  std::string field;
  while (std::getline(in, field, ',')) fields.push_back(field);
  return fields;
}

std::vector<double> numbers(const std::vector<std::string>& f, std::size_t first) {
  std::vector<double> out;
  for (std::size_t i = first; i < f.size(); ++i) out.push_back(std::stod(f[i]));
  return out;
}

const Reference& reference() {
  static const Reference r = [] {
    Reference ref;
    std::ifstream in(std::string(DEMINER_TEST_REFERENCE_DIR) + "/classifier_reference.csv");
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      const auto f = split(line);
      if (f[0] == "case") {
        ReferenceCase c;
        c.name = f[1];
        c.kind = f[2] == "linear_discriminant" ? ClassifierKind::linear_discriminant
                                               : ClassifierKind::logistic_regression;
        c.classes = std::stoul(f[3]);
        c.features = std::stoul(f[4]);
        c.lambda = std::stod(f[5]);
        c.shrinkage = std::stod(f[6]);
        ref.cases.push_back(c);
      } else if (f[0] == "platt") {
        ref.platt.a = std::stod(f[2]);
        ref.platt.b = std::stod(f[3]);
        ref.platt.prior = std::stod(f[4]);
      } else if (f[0] == "score") {
        ref.platt.labels.push_back(std::stoi(f[1]));
        ref.platt.scores.push_back(std::stod(f[2]));
      } else if (f[0] == "calibrated") {
        ref.platt.calibrated.emplace_back(std::stof(f[1]), std::stod(f[2]));
      } else if (!ref.cases.empty()) {
        ReferenceCase& c = ref.cases.back();
        if (f[0] == "classes") {
          c.class_names.assign(f.begin() + 1, f.end());
        } else if (f[0] == "priors") {
          c.priors = numbers(f, 1);
        } else if (f[0] == "sample") {
          c.labels.push_back(std::stoi(f[1]));
          c.samples.push_back(numbers(f, 2));
        } else if (f[0] == "mean") {
          c.mean = numbers(f, 1);
        } else if (f[0] == "scale") {
          c.scale = numbers(f, 1);
        } else if (f[0] == "weights") {
          c.weights.push_back(numbers(f, 2));
        } else if (f[0] == "bias") {
          c.bias = numbers(f, 1);
        } else if (f[0] == "query") {
          Query q;
          for (const double v : numbers(f, 1)) q.x.push_back(static_cast<float>(v));
          c.queries.push_back(q);
        } else if (f[0] == "probabilities" && !c.queries.empty()) {
          c.queries.back().probabilities = numbers(f, 1);
        }
      }
    }
    return ref;
  }();
  return r;
}

Eigen::MatrixXd matrix(const std::vector<std::vector<double>>& rows) {
  Eigen::MatrixXd m(static_cast<Eigen::Index>(rows.size()),
                    static_cast<Eigen::Index>(rows.front().size()));
  for (std::size_t i = 0; i < rows.size(); ++i)
    for (std::size_t d = 0; d < rows[i].size(); ++d)
      m(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(d)) = rows[i][d];
  return m;
}

ClassifierTrainingOptions options_of(const ReferenceCase& c) {
  ClassifierTrainingOptions o;
  o.kind = c.kind;
  o.class_names = c.class_names;
  o.l2_lambda = c.lambda > 0.0 ? c.lambda : o.l2_lambda;
  o.shrinkage = c.shrinkage;
  o.class_priors = c.priors;
  return o;
}

LinearClassifier train(const ReferenceCase& c) {
  return train_classifier(matrix(c.samples), c.labels, options_of(c));
}

// Two Gaussian classes in two features, for the tests that need any trained model.
struct Toy {
  Eigen::MatrixXd x;
  std::vector<int> labels;
};

Toy toy(std::size_t classes = 2) {
  Toy t;
  const std::size_t per_class = 20;
  t.x.resize(static_cast<Eigen::Index>(classes * per_class), 2);
  for (std::size_t k = 0; k < classes; ++k) {
    for (std::size_t i = 0; i < per_class; ++i) {
      const auto row = static_cast<Eigen::Index>(k * per_class + i);
      // Deterministic scatter: a golden-ratio sequence around the class centre.
      const double u = std::fmod(static_cast<double>(i) * 0.6180339887, 1.0) - 0.5;
      const double v = std::fmod(static_cast<double>(i) * 0.7548776662, 1.0) - 0.5;
      t.x(row, 0) = 2.0 * static_cast<double>(k) + 1.5 * u;
      t.x(row, 1) = 100.0 + 10.0 * v - 5.0 * static_cast<double>(k);
      t.labels.push_back(static_cast<int>(k));
    }
  }
  return t;
}

ClassifierTrainingOptions two_classes() {
  ClassifierTrainingOptions o;
  o.class_names = {"mine", "metal_clutter"};
  return o;
}

std::string invalid_message(auto&& call) {
  try {
    call();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  ADD_FAILURE() << "no std::invalid_argument";
  return {};
}

}  // namespace

TEST(ClassifierReference, FileHoldsEveryCase) {
  const Reference& r = reference();
  ASSERT_EQ(r.cases.size(), 4u) << "run tests/reference/make_classifier_reference.py";
  for (const auto& c : r.cases) {
    EXPECT_EQ(c.class_names.size(), c.classes) << c.name;
    EXPECT_EQ(c.weights.size(), c.classes) << c.name;
    EXPECT_EQ(c.samples.size(), c.labels.size()) << c.name;
    EXPECT_EQ(c.queries.size(), 8u) << c.name;
  }
  EXPECT_EQ(r.platt.scores.size(), 200u);
}

// Weights, biases, standardisation and probabilities against the scipy (logistic) and numpy
// (LDA) fits on the same data.
TEST(ClassifierReference, TrainingMatchesScipyAndNumpyFits) {
  for (const ReferenceCase& c : reference().cases) {
    SCOPED_TRACE(c.name);
    const LinearClassifier classifier = train(c);
    const LinearClassifier::Model& m = classifier.model();
    EXPECT_EQ(m.kind, c.kind);
    ASSERT_EQ(classifier.class_count(), c.classes);
    ASSERT_EQ(classifier.feature_count(), c.features);
    for (std::size_t d = 0; d < c.features; ++d) {
      const auto di = static_cast<Eigen::Index>(d);
      EXPECT_NEAR(m.feature_mean[di], c.mean[d], 1e-12 * std::abs(c.mean[d]) + 1e-15) << d;
      EXPECT_NEAR(m.feature_scale[di], c.scale[d], 1e-10 * c.scale[d]) << d;
    }
    for (std::size_t k = 0; k < c.classes; ++k) {
      const auto ki = static_cast<Eigen::Index>(k);
      EXPECT_NEAR(m.bias[ki], c.bias[k], 1e-8) << "bias " << k;
      for (std::size_t d = 0; d < c.features; ++d)
        EXPECT_NEAR(m.weights(ki, static_cast<Eigen::Index>(d)), c.weights[k][d], 1e-8)
            << "weight " << k << "," << d;
    }
    for (const Query& q : c.queries) {
      std::array<float, LinearClassifier::max_classes> p{};
      const ClassPrediction prediction = classifier.predict(q.x, p);
      EXPECT_EQ(prediction.imputed_features, 0);
      const auto best = static_cast<std::size_t>(
          std::max_element(q.probabilities.begin(), q.probabilities.end()) -
          q.probabilities.begin());
      EXPECT_EQ(prediction.class_index, best);
      EXPECT_NEAR(prediction.confidence, q.probabilities[best], 3e-7);
      for (std::size_t k = 0; k < c.classes; ++k) EXPECT_NEAR(p[k], q.probabilities[k], 3e-7);
    }
  }
}

// The penalised likelihood's gradient, recomputed with plain loops from the model (in original
// units), vanishes: Newton's method stopped at the optimum, not merely near the scipy answer.
TEST(ClassifierReference, LogisticWeightsSatisfyOptimalityConditions) {
  for (const ReferenceCase& c : reference().cases) {
    if (c.kind != ClassifierKind::logistic_regression) continue;
    SCOPED_TRACE(c.name);
    const LinearClassifier classifier = train(c);
    const LinearClassifier::Model& m = classifier.model();
    const std::size_t k_count = c.classes, d_count = c.features;
    std::vector<double> grad_w(k_count * d_count, 0.0), grad_b(k_count, 0.0);
    const auto n = static_cast<double>(c.samples.size());
    for (std::size_t i = 0; i < c.samples.size(); ++i) {
      std::vector<double> z(d_count), s(k_count);
      for (std::size_t d = 0; d < d_count; ++d)
        z[d] = (c.samples[i][d] - m.feature_mean[static_cast<Eigen::Index>(d)]) /
               m.feature_scale[static_cast<Eigen::Index>(d)];
      double max_s = -1e300;
      for (std::size_t k = 0; k < k_count; ++k) {
        s[k] = m.bias[static_cast<Eigen::Index>(k)];
        for (std::size_t d = 0; d < d_count; ++d)
          s[k] += m.weights(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(d)) * z[d];
        max_s = std::max(max_s, s[k]);
      }
      double sum = 0.0;
      for (double& v : s) sum += (v = std::exp(v - max_s));
      for (std::size_t k = 0; k < k_count; ++k) {
        const double r = s[k] / sum - (c.labels[i] == static_cast<int>(k) ? 1.0 : 0.0);
        grad_b[k] += r / n;
        for (std::size_t d = 0; d < d_count; ++d) grad_w[k * d_count + d] += r * z[d] / n;
      }
    }
    double bias_sum = 0.0;
    for (std::size_t k = 0; k < k_count; ++k) {
      EXPECT_NEAR(grad_b[k], 0.0, 1e-9) << k;
      bias_sum += m.bias[static_cast<Eigen::Index>(k)];
      for (std::size_t d = 0; d < d_count; ++d) {
        const bool constant = c.weights[k][d] == 0.0;  // the script ignores constant features
        const double w = m.weights(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(d));
        if (constant) {
          EXPECT_EQ(w, 0.0) << "a constant feature is ignored";
        } else {
          EXPECT_NEAR(grad_w[k * d_count + d] + c.lambda * w, 0.0, 1e-9) << k << "," << d;
        }
      }
    }
    EXPECT_NEAR(bias_sum, 0.0, 1e-12) << "biases are centred";
    for (std::size_t d = 0; d < d_count; ++d)
      EXPECT_NEAR(m.weights.col(static_cast<Eigen::Index>(d)).sum(), 0.0, 1e-9)
          << "the penalty makes the class weights sum to zero";
  }
}

// LDA's scores are the log of prior × Gaussian density (up to one constant per sample): the
// differences s_j - s_k match the log posterior odds computed from the class means and pooled
// covariance with Eigen's LLT (no shrinkage, empirical priors: the lda_four case).
TEST(ClassifierReference, LdaScoresAreGaussianLogPosteriorOdds) {
  const auto& cases = reference().cases;
  const auto it = std::find_if(cases.begin(), cases.end(),
                               [](const ReferenceCase& c) { return c.name == "lda_four"; });
  ASSERT_NE(it, cases.end());
  const ReferenceCase& c = *it;
  const LinearClassifier classifier = train(c);
  const Eigen::MatrixXd x = matrix(c.samples);
  const auto k_count = static_cast<Eigen::Index>(c.classes);
  Eigen::MatrixXd means = Eigen::MatrixXd::Zero(k_count, x.cols());
  Eigen::VectorXd counts = Eigen::VectorXd::Zero(k_count);
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    means.row(c.labels[static_cast<std::size_t>(i)]) += x.row(i);
    counts[c.labels[static_cast<std::size_t>(i)]] += 1.0;
  }
  for (Eigen::Index k = 0; k < k_count; ++k) means.row(k) /= counts[k];
  Eigen::MatrixXd pooled = Eigen::MatrixXd::Zero(x.cols(), x.cols());
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    const Eigen::RowVectorXd r = x.row(i) - means.row(c.labels[static_cast<std::size_t>(i)]);
    pooled += r.transpose() * r;
  }
  pooled /= static_cast<double>(x.rows() - k_count);
  const Eigen::LLT<Eigen::MatrixXd> llt(pooled);
  for (const Query& q : c.queries) {
    const Eigen::VectorXd xq = Eigen::Map<const Eigen::VectorXf>(q.x.data(), 2).cast<double>();
    Eigen::VectorXd log_post(k_count);
    for (Eigen::Index k = 0; k < k_count; ++k) {
      const Eigen::VectorXd diff = xq - means.row(k).transpose();
      log_post[k] = -0.5 * diff.dot(llt.solve(diff)) + std::log(counts[k] / counts.sum());
    }
    std::array<float, 4> p{};
    (void)classifier.predict(q.x, p);
    for (Eigen::Index k = 1; k < k_count; ++k) {
      EXPECT_NEAR(
          std::log(static_cast<double>(p[static_cast<std::size_t>(k)]) / static_cast<double>(p[0])),
          log_post[k] - log_post[0], 1e-5);
    }
  }
}

TEST(ClassifierCalibration, PlattMatchesScipyFit) {
  const PlattReference& r = reference().platt;
  const ScoreCalibration c = fit_score_calibration(r.scores, r.labels);
  EXPECT_NEAR(c.a, r.a, 1e-7);
  EXPECT_NEAR(c.b, r.b, 1e-7);
  EXPECT_DOUBLE_EQ(c.training_prior, r.prior);
  ASSERT_FALSE(r.calibrated.empty());
  for (const auto& [score, p] : r.calibrated) EXPECT_NEAR(c.probability(score), p, 1e-6) << score;
}

// Separable scores at two values: two parameters fit the two smoothed targets exactly,
// a + b = logit((n+1)/(n+2)) = ln(n+1) and -a + b = logit(1/(n+2)) = -ln(n+1).
TEST(ClassifierCalibration, PlattSeparableDataHitsSmoothedTargets) {
  const std::size_t n = 9;
  std::vector<double> scores;
  std::vector<int> labels;
  for (std::size_t i = 0; i < n; ++i) {
    scores.push_back(1.0);
    labels.push_back(1);
    scores.push_back(-1.0);
    labels.push_back(0);
  }
  const ScoreCalibration c = fit_score_calibration(scores, labels);
  EXPECT_NEAR(c.a, std::log(10.0), 1e-9);
  EXPECT_NEAR(c.b, 0.0, 1e-9);
  EXPECT_DOUBLE_EQ(c.training_prior, 0.5);
  EXPECT_NEAR(c.probability(1.0f), 10.0 / 11.0, 1e-7);
  EXPECT_TRUE(std::isnan(c.probability(std::numeric_limits<float>::quiet_NaN())));
}

TEST(ClassifierCalibration, RejectsBadInput) {
  const std::vector<double> scores = {0.0, 1.0, 2.0};
  EXPECT_NE(invalid_message([&] {
              (void)fit_score_calibration(scores, std::vector<int>{1, 1, 1});
            }).find("at least one sample of each"),
            std::string::npos);
  EXPECT_NE(invalid_message([&] {
              (void)fit_score_calibration(scores, std::vector<int>{1, 2, 0});
            }).find("labels[1]"),
            std::string::npos);
  EXPECT_NE(
      invalid_message([&] {
        (void)fit_score_calibration(std::vector<double>{0.0, NAN, 1.0}, std::vector<int>{1, 0, 0});
      }).find("scores[1]"),
      std::string::npos);
  EXPECT_NE(invalid_message([&] {
              (void)fit_score_calibration(std::vector<double>{2.0, 2.0}, std::vector<int>{1, 0});
            }).find("scores that differ"),
            std::string::npos);
  EXPECT_THROW((void)fit_score_calibration(scores, std::vector<int>{1, 0}), std::invalid_argument);
}

// Hand-derived odds: prior 0.2 (odds 1/4); p = 0.8 at a 0.5 training prior is a likelihood ratio
// of 4, p = 0.75 one of 3: posterior odds 1/4 · 4 · 3 = 3, probability 0.75.
TEST(ClassifierFusion, NaiveBayesLogOdds) {
  const std::array<float, 2> half = {0.5f, 0.5f};
  EXPECT_NEAR(fuse_calibrated(std::array<float, 2>{0.8f, 0.75f}, half, 0.2f), 0.75, 1e-6);
  // The radar did not see it: odds 1/4 · 4 = 1.
  EXPECT_NEAR(fuse_calibrated(std::array<float, 2>{0.8f, NAN}, half, 0.2f), 0.5, 1e-6);
  // Nobody saw it: the prior.
  EXPECT_NEAR(fuse_calibrated(std::array<float, 2>{NAN, NAN}, half, 0.2f), 0.2, 1e-7);
  // p = 0.5 from a sensor trained at prior 0.2 is evidence for a mine: ratio (1/1)/(1/4) = 4.
  EXPECT_NEAR(fuse_calibrated(std::array<float, 1>{0.5f}, std::array<float, 1>{0.2f}, 0.2f), 0.5,
              1e-6);
  // Two sensors trained at prior 0.01 both say 0.5, deployed at prior 0.01: each contributes
  // odds ratio 99, posterior odds 1/99 · 99 · 99 = 99: probability 0.99.
  EXPECT_NEAR(
      fuse_calibrated(std::array<float, 2>{0.5f, 0.5f}, std::array<float, 2>{0.01f, 0.01f}, 0.01f),
      0.99, 1e-6);
  // Saturated, contradicting sensors are clamped symmetrically and cancel.
  EXPECT_NEAR(fuse_calibrated(std::array<float, 2>{1.0f, 0.0f}, half, 0.2f), 0.2, 1e-6);
  // One sensor at the prior: the fused value is that sensor's probability.
  EXPECT_NEAR(fuse_calibrated(std::array<float, 1>{0.3f}, std::array<float, 1>{0.2f}, 0.2f), 0.3,
              1e-6);
}

TEST(ClassifierFusion, FromRawScores) {
  const std::array<ScoreCalibration, 2> calibrations = {ScoreCalibration{1.0, 0.0, 0.5},
                                                        ScoreCalibration{2.0, -1.0, 0.5}};
  // Scores ln 4 (p 0.8, ratio 4) and (ln 3 + 1) / 2 (log-odds ln 3, ratio 3): odds 3.
  const std::array<float, 2> scores = {static_cast<float>(std::log(4.0)),
                                       static_cast<float>((std::log(3.0) + 1.0) / 2.0)};
  EXPECT_NEAR(fuse_scores(calibrations, scores, 0.2f), 0.75, 1e-6);
  const std::array<float, 2> only_md = {scores[0], NAN};
  EXPECT_NEAR(fuse_scores(calibrations, only_md, 0.2f), 0.5, 1e-6);
}

TEST(Classifier, NonFiniteAndMissingFeaturesAreImputedWithTheMean) {
  const Toy t = toy();
  const LinearClassifier classifier = train_classifier(t.x, t.labels, two_classes());
  const auto& m = classifier.model();
  const std::array<float, 2> at_mean = {1.3f, static_cast<float>(m.feature_mean[1])};
  std::array<float, 2> p_mean{}, p_nan{}, p_short{}, p_inf{};
  const ClassPrediction a = classifier.predict(at_mean, p_mean);
  EXPECT_EQ(a.imputed_features, 0);
  const ClassPrediction b = classifier.predict(std::array<float, 2>{1.3f, NAN}, p_nan);
  EXPECT_EQ(b.imputed_features, 1);
  const ClassPrediction c = classifier.predict(std::array<float, 1>{1.3f}, p_short);
  EXPECT_EQ(c.imputed_features, 1);
  const ClassPrediction d =
      classifier.predict(std::array<float, 2>{1.3f, std::numeric_limits<float>::infinity()}, p_inf);
  EXPECT_EQ(d.imputed_features, 1);
  for (std::size_t k = 0; k < 2; ++k) {
    // float(mean) differs from the mean by < 1 ulp of 100: z < 1e-5 / scale.
    EXPECT_NEAR(p_nan[k], p_mean[k], 1e-5);
    EXPECT_EQ(p_nan[k], p_short[k]);
    EXPECT_EQ(p_nan[k], p_inf[k]);
  }
  // Every feature missing: the model's probabilities at the training mean (z = 0, softmax(b)).
  std::array<float, 2> p_none{};
  const ClassPrediction e = classifier.predict(std::array<float, 2>{NAN, NAN}, p_none);
  EXPECT_EQ(e.imputed_features, 2);
  const double b0 = m.bias[0], b1 = m.bias[1];
  EXPECT_NEAR(p_none[0], 1.0 / (1.0 + std::exp(b1 - b0)), 1e-7);
}

TEST(Classifier, ExtremeInputsGiveFiniteProbabilities) {
  const Toy t = toy(3);
  ClassifierTrainingOptions o;
  const LinearClassifier classifier = train_classifier(t.x, t.labels, o);
  const float big = std::numeric_limits<float>::max();
  for (const auto& x : {std::array<float, 2>{big, -big}, std::array<float, 2>{-big, big},
                        std::array<float, 2>{1e30f, 1e-30f}}) {
    std::array<float, 3> p{};
    const ClassPrediction c = classifier.predict(x, p);
    EXPECT_EQ(c.imputed_features, 0);
    EXPECT_TRUE(std::isfinite(c.confidence));
    EXPECT_NEAR(p[0] + p[1] + p[2], 1.0, 1e-6);
    EXPECT_EQ(c.confidence, p[c.class_index]);
  }
}

TEST(Classifier, ClassifySetsDetectionClassAndConfidence) {
  const Toy t = toy(3);
  const LinearClassifier classifier = train_classifier(t.x, t.labels, ClassifierTrainingOptions{});
  EXPECT_EQ(classifier.object_class(0), ObjectClass::mine);
  EXPECT_EQ(classifier.object_class(1), ObjectClass::metal_clutter);
  EXPECT_EQ(classifier.object_class(2), ObjectClass::nonmetal_clutter);
  EXPECT_EQ(classifier.object_class(3), ObjectClass::unknown);
  for (int k = 0; k < 3; ++k) {
    Detection d;
    d.feature_count = 2;
    d.feature_values[0] = static_cast<float>(2 * k);  // the class centres of toy()
    d.feature_values[1] = static_cast<float>(100 - 5 * k);
    const ClassPrediction c = classifier.classify(d);
    EXPECT_EQ(c.class_index, k);
    EXPECT_EQ(d.object_class, classifier.object_class(static_cast<std::size_t>(k)));
    EXPECT_GT(d.confidence, 0.5f);
    EXPECT_EQ(d.confidence, c.confidence);
  }
  // A class name the pipeline does not know maps to unknown.
  ClassifierTrainingOptions o = two_classes();
  o.class_names = {"mine", "clutter"};
  EXPECT_EQ(train_classifier(toy().x, toy().labels, o).object_class(1), ObjectClass::unknown);
}

TEST(Classifier, ConstantFeatureIsIgnoredByBothKinds) {
  Toy t = toy();
  Eigen::MatrixXd x(t.x.rows(), 3);
  x << t.x.col(0), Eigen::VectorXd::Constant(t.x.rows(), 0.1), t.x.col(1);
  for (const ClassifierKind kind :
       {ClassifierKind::logistic_regression, ClassifierKind::linear_discriminant}) {
    ClassifierTrainingOptions o = two_classes();
    o.kind = kind;
    const LinearClassifier c = train_classifier(x, t.labels, o);
    EXPECT_EQ(c.model().feature_scale[1], 1.0);
    EXPECT_EQ(c.model().weights.col(1).cwiseAbs().maxCoeff(), 0.0);
    // Same model as without the column.
    const LinearClassifier without = train_classifier(t.x, t.labels, o);
    EXPECT_NEAR(c.model().weights(0, 2), without.model().weights(0, 1), 1e-9);
  }
}

TEST(Classifier, TrainingRejectsBadInput) {
  const Toy t = toy();
  const ClassifierTrainingOptions o = two_classes();
  Eigen::MatrixXd with_nan = t.x;
  with_nan(3, 1) = NAN;
  EXPECT_NE(invalid_message([&] {
              (void)train_classifier(with_nan, t.labels, o);
            }).find("features[3][1]"),
            std::string::npos);
  std::vector<int> bad_label = t.labels;
  bad_label[5] = 2;
  EXPECT_NE(invalid_message([&] { (void)train_classifier(t.x, bad_label, o); }).find("labels[5] 2"),
            std::string::npos);
  std::vector<int> one_mine(t.labels.size(), 1);
  one_mine[0] = 0;
  EXPECT_NE(invalid_message([&] {
              (void)train_classifier(t.x, one_mine, o);
            }).find("samples of class \"mine\" 1"),
            std::string::npos);
  EXPECT_NE(invalid_message([&] {
              (void)train_classifier(t.x, std::vector<int>{0, 1}, o);
            }).find("labels size"),
            std::string::npos);
  ClassifierTrainingOptions no_penalty = o;
  no_penalty.l2_lambda = 0.0;
  EXPECT_NE(
      invalid_message([&] { (void)train_classifier(t.x, t.labels, no_penalty); }).find("l2_lambda"),
      std::string::npos);
  ClassifierTrainingOptions bad_priors = o;
  bad_priors.kind = ClassifierKind::linear_discriminant;
  bad_priors.class_priors = {0.3, 0.3};
  EXPECT_NE(invalid_message([&] {
              (void)train_classifier(t.x, t.labels, bad_priors);
            }).find("class_priors sum"),
            std::string::npos);
  ClassifierTrainingOptions five = o;
  five.class_names = {"a", "b", "c", "d", "e"};
  EXPECT_THROW((void)train_classifier(t.x, t.labels, five), std::invalid_argument);
}

// Two identical (scaled) columns make the pooled covariance singular; shrinkage repairs it.
TEST(Classifier, LdaSingularCovarianceNeedsShrinkage) {
  const Toy t = toy();
  Eigen::MatrixXd x(t.x.rows(), 3);
  x << t.x, 3.0 * t.x.col(0);
  ClassifierTrainingOptions o = two_classes();
  o.kind = ClassifierKind::linear_discriminant;
  EXPECT_NE(invalid_message([&] { (void)train_classifier(x, t.labels, o); }).find("shrinkage"),
            std::string::npos);
  o.shrinkage = 0.1;
  const LinearClassifier c = train_classifier(x, t.labels, o);
  // The two copies share the weight equally (the problem is symmetric in them).
  EXPECT_NEAR(c.model().weights(1, 0), c.model().weights(1, 2), 1e-9);
}

TEST(Classifier, ModelValidation) {
  LinearClassifier::Model m;
  m.class_names = {"mine", "metal_clutter"};
  m.feature_mean = Eigen::VectorXd::Zero(2);
  m.feature_scale = Eigen::VectorXd::Ones(2);
  m.weights = Eigen::MatrixXd::Zero(2, 2);
  m.bias = Eigen::VectorXd::Zero(2);
  EXPECT_NO_THROW(LinearClassifier{m});
  auto bad = m;
  bad.feature_scale[1] = 0.0;
  EXPECT_NE(invalid_message([&] { LinearClassifier{bad}; }).find("feature_scale[1] 0"),
            std::string::npos);
  bad = m;
  bad.class_names = {"mine", "mine"};
  EXPECT_NE(invalid_message([&] { LinearClassifier{bad}; }).find("unique"), std::string::npos);
  bad = m;
  bad.weights(1, 0) = NAN;
  EXPECT_NE(invalid_message([&] { LinearClassifier{bad}; }).find("weights[1][0] nan"),
            std::string::npos);
  bad = m;
  bad.weights(1, 0) = 1e300;
  EXPECT_NE(invalid_message([&] { LinearClassifier{bad}; }).find("weights[1]"), std::string::npos);
  bad = m;
  bad.weights = Eigen::MatrixXd::Zero(2, 3);
  EXPECT_NE(invalid_message([&] { LinearClassifier{bad}; }).find("weights shape 2 x 3"),
            std::string::npos);
  bad = m;
  bad.feature_names = {"one"};
  EXPECT_NE(invalid_message([&] { LinearClassifier{bad}; }).find("feature_names size"),
            std::string::npos);
}

TEST(Classifier, InferenceAndFusionDoNotAllocate) {
  const Toy t = toy(3);
  const LinearClassifier classifier = train_classifier(t.x, t.labels, ClassifierTrainingOptions{});
  const std::array<ScoreCalibration, 2> calibrations = {ScoreCalibration{1.0, 0.0, 0.1},
                                                        ScoreCalibration{0.5, 0.2, 0.3}};
  Detection d;
  d.feature_count = 2;
  d.feature_values[0] = 1.0f;
  d.feature_values[1] = 97.0f;
  std::array<float, 3> p{};
  const std::array<float, 2> x = {0.5f, NAN};
  const std::array<float, 2> probabilities = {0.7f, NAN};
  const std::array<float, 2> priors = {0.1f, 0.3f};
  float sink = 0.0f;
  deminer::test::AllocationCounter counter;
  for (int i = 0; i < 10; ++i) {
    sink += classifier.predict(x, p).confidence;
    sink += classifier.classify(d).confidence;
    sink += fuse_calibrated(probabilities, priors, 0.01f);
    sink += fuse_scores(calibrations, x, 0.01f);
    sink += calibrations[0].probability(0.3f);
  }
  EXPECT_EQ(counter.count(), 0u);
  EXPECT_GT(sink, 0.0f);
}
