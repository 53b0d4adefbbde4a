#include "deminer/dsp/detect/classifier.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

namespace deminer::dsp {

namespace {

// A feature whose training standard deviation is at most this fraction of its largest |value| is
// constant up to rounding: standardising it would blow rounding noise up to unit variance.
constexpr double constant_feature_ratio = 1e-10;

// Bound on |score|: s - max s cannot overflow, and a larger score means a broken model.
constexpr double score_limit = 1e30;

std::string number(double value) {
  std::ostringstream out;
  out.precision(17);
  out << value;
  return out.str();
}

[[noreturn]] void invalid(const char* block, const std::string& field, const std::string& value,
                          const std::string& need) {
  throw std::invalid_argument(std::string(block) + ": " + field + " " + value +
                              " is invalid (need " + need + ")");
}

void check_finite(const char* block, const std::string& field, double value) {
  if (!std::isfinite(value)) invalid(block, field, number(value), "a finite number");
}

constexpr const char* model_block = "LinearClassifier";

void validate(const LinearClassifier::Model& m) {
  const std::size_t k_count = m.class_names.size();
  if (k_count < LinearClassifier::min_classes || k_count > LinearClassifier::max_classes)
    invalid(model_block, "class_names size", std::to_string(k_count), "2 to 4 classes");
  std::set<std::string> seen;
  for (std::size_t k = 0; k < k_count; ++k) {
    const std::string& name = m.class_names[k];
    const std::string field = "class_names[" + std::to_string(k) + "]";
    if (name.empty()) invalid(model_block, field, "\"\"", "a non-empty name");
    if (!seen.insert(name).second) invalid(model_block, field, "\"" + name + "\"", "unique names");
  }
  const auto d_count = static_cast<std::size_t>(m.feature_mean.size());
  if (d_count < 1 || d_count > LinearClassifier::max_features)
    invalid(model_block, "feature_mean size", std::to_string(d_count), "1 to 32 features");
  if (!m.feature_names.empty() && m.feature_names.size() != d_count)
    invalid(model_block, "feature_names size", std::to_string(m.feature_names.size()),
            "0 (unnamed) or one name per feature: " + std::to_string(d_count));
  if (static_cast<std::size_t>(m.feature_scale.size()) != d_count)
    invalid(model_block, "feature_scale size", std::to_string(m.feature_scale.size()),
            std::to_string(d_count) + " (one per feature)");
  if (static_cast<std::size_t>(m.weights.rows()) != k_count ||
      static_cast<std::size_t>(m.weights.cols()) != d_count)
    invalid(model_block, "weights shape",
            std::to_string(m.weights.rows()) + " x " + std::to_string(m.weights.cols()),
            std::to_string(k_count) + " x " + std::to_string(d_count) + " (classes x features)");
  if (static_cast<std::size_t>(m.bias.size()) != k_count)
    invalid(model_block, "bias size", std::to_string(m.bias.size()),
            std::to_string(k_count) + " (one per class)");

  for (Eigen::Index d = 0; d < m.feature_mean.size(); ++d) {
    const std::string index = "[" + std::to_string(d) + "]";
    check_finite(model_block, "feature_mean" + index, m.feature_mean[d]);
    // 1 / scale must be finite and > 0 too.
    const double scale = m.feature_scale[d];
    if (!(scale > 0.0) || !std::isfinite(scale) || !std::isfinite(1.0 / scale))
      invalid(model_block, "feature_scale" + index, number(scale), "a finite value > 0");
  }
  for (Eigen::Index k = 0; k < m.weights.rows(); ++k) {
    double bound = std::abs(m.bias[k]);
    check_finite(model_block, "bias[" + std::to_string(k) + "]", m.bias[k]);
    for (Eigen::Index d = 0; d < m.weights.cols(); ++d) {
      check_finite(model_block, "weights[" + std::to_string(k) + "][" + std::to_string(d) + "]",
                   m.weights(k, d));
      bound += std::abs(m.weights(k, d)) * LinearClassifier::z_limit;
    }
    if (!(bound < score_limit))
      invalid(model_block, "weights[" + std::to_string(k) + "]",
              "(|score| bound " + number(bound) + ")",
              "Σ|w|·" + number(LinearClassifier::z_limit) + " + |b| < " + number(score_limit) +
                  " so scores stay finite");
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Inference

LinearClassifier::LinearClassifier(Model model) : model_(std::move(model)) {
  validate(model_);
  classes_ = model_.class_names.size();
  features_ = static_cast<std::size_t>(model_.feature_mean.size());
  for (std::size_t d = 0; d < features_; ++d) {
    const auto i = static_cast<Eigen::Index>(d);
    mean_[d] = model_.feature_mean[i];
    inverse_scale_[d] = 1.0 / model_.feature_scale[i];
  }
  for (std::size_t k = 0; k < classes_; ++k) {
    const auto ki = static_cast<Eigen::Index>(k);
    bias_[k] = model_.bias[ki];
    for (std::size_t d = 0; d < features_; ++d)
      weights_[k * max_features + d] = model_.weights(ki, static_cast<Eigen::Index>(d));
    object_classes_[k] = ObjectClass::unknown;
    for (const ObjectClass c :
         {ObjectClass::mine, ObjectClass::metal_clutter, ObjectClass::nonmetal_clutter}) {
      if (model_.class_names[k] == to_string(c)) object_classes_[k] = c;
    }
  }
}

ClassPrediction LinearClassifier::predict(std::span<const float> features,
                                          std::span<float> probabilities) const noexcept {
  std::array<double, max_features> z{};
  ClassPrediction out;
  for (std::size_t d = 0; d < features_; ++d) {
    const float x = d < features.size() ? features[d] : std::numeric_limits<float>::quiet_NaN();
    if (!std::isfinite(x)) {
      z[d] = 0.0;  // the training mean: this feature says nothing
      ++out.imputed_features;
      continue;
    }
    z[d] = std::clamp((static_cast<double>(x) - mean_[d]) * inverse_scale_[d], -z_limit, z_limit);
  }
  std::array<double, max_classes> score{};
  double best = -std::numeric_limits<double>::infinity();
  for (std::size_t k = 0; k < classes_; ++k) {
    double s = bias_[k];
    const double* w = &weights_[k * max_features];
    for (std::size_t d = 0; d < features_; ++d) s += w[d] * z[d];
    score[k] = s;
    if (s > best) {
      best = s;
      out.class_index = static_cast<std::uint8_t>(k);
    }
  }
  double sum = 0.0;
  for (std::size_t k = 0; k < classes_; ++k) {
    score[k] = std::exp(score[k] - best);  // <= 1, and 1 for the best class: sum >= 1
    sum += score[k];
  }
  for (std::size_t k = 0; k < classes_; ++k) score[k] /= sum;
  out.confidence = static_cast<float>(score[out.class_index]);
  const std::size_t n = std::min(classes_, probabilities.size());
  for (std::size_t k = 0; k < n; ++k) probabilities[k] = static_cast<float>(score[k]);
  return out;
}

ClassPrediction LinearClassifier::predict(std::span<const float> features) const noexcept {
  return predict(features, std::span<float>{});
}

ClassPrediction LinearClassifier::classify(Detection& d) const noexcept {
  const ClassPrediction p = predict(d.features());
  d.object_class = object_class(p.class_index);
  d.confidence = p.confidence;
  return p;
}

// ---------------------------------------------------------------------------------------------
// Training

namespace {

constexpr const char* train_block = "train_classifier";

// Numerically stable log(1 + exp(x)).
double softplus(double x) { return std::max(x, 0.0) + std::log1p(std::exp(-std::abs(x))); }

struct Standardised {
  Eigen::VectorXd mean;
  Eigen::VectorXd scale;
  std::vector<Eigen::Index> active;  // non-constant features
  Eigen::MatrixXd z;                 // N × active.size()
};

Standardised standardise(const Eigen::MatrixXd& x) {
  const auto n = static_cast<double>(x.rows());
  Standardised s;
  s.mean = x.colwise().mean().transpose();
  s.scale = Eigen::VectorXd::Ones(x.cols());
  for (Eigen::Index d = 0; d < x.cols(); ++d) {
    const double sd = std::sqrt((x.col(d).array() - s.mean[d]).square().sum() / n);
    if (sd > constant_feature_ratio * x.col(d).cwiseAbs().maxCoeff()) {
      s.scale[d] = sd;
      s.active.push_back(d);
    }
  }
  s.z.resize(x.rows(), static_cast<Eigen::Index>(s.active.size()));
  for (std::size_t a = 0; a < s.active.size(); ++a) {
    const Eigen::Index d = s.active[a];
    s.z.col(static_cast<Eigen::Index>(a)) = (x.col(d).array() - s.mean[d]) / s.scale[d];
  }
  return s;
}

// Row-wise log-softmax of scores (N × K).
Eigen::MatrixXd log_softmax(const Eigen::MatrixXd& scores) {
  Eigen::MatrixXd out = scores;
  for (Eigen::Index i = 0; i < scores.rows(); ++i) {
    const double m = scores.row(i).maxCoeff();
    const double log_sum = m + std::log((scores.row(i).array() - m).exp().sum());
    out.row(i).array() -= log_sum;
  }
  return out;
}

// Multinomial logistic regression by Newton's method. theta is K × (Da + 1): [w_k, b_k] per row;
// b_0 stays 0 (J does not depend on a common shift of the biases).
Eigen::MatrixXd fit_logistic(const Eigen::MatrixXd& z, std::span<const int> labels,
                             std::size_t k_count, const ClassifierTrainingOptions& o) {
  const Eigen::Index n = z.rows();
  const Eigen::Index da = z.cols();
  const Eigen::Index width = da + 1;
  const auto kc = static_cast<Eigen::Index>(k_count);
  const Eigen::Index p_count = kc * width;
  const double inv_n = 1.0 / static_cast<double>(n);
  const double lambda = o.l2_lambda;

  Eigen::MatrixXd xt(n, width);  // [z, 1]
  xt.leftCols(da) = z;
  xt.col(da).setOnes();
  Eigen::MatrixXd y = Eigen::MatrixXd::Zero(n, kc);
  for (Eigen::Index i = 0; i < n; ++i) y(i, labels[static_cast<std::size_t>(i)]) = 1.0;

  const auto objective = [&](const Eigen::MatrixXd& theta) {
    const Eigen::MatrixXd log_p = log_softmax(xt * theta.transpose());
    return -(log_p.array() * y.array()).sum() * inv_n +
           0.5 * lambda * theta.leftCols(da).squaredNorm();
  };
  // Flattening: parameter (k, c) at k * width + c.
  const auto flat = [&](const Eigen::MatrixXd& m) {
    Eigen::VectorXd v(p_count);
    for (Eigen::Index k = 0; k < kc; ++k) v.segment(k * width, width) = m.row(k).transpose();
    return v;
  };

  Eigen::MatrixXd theta = Eigen::MatrixXd::Zero(kc, width);
  double j = objective(theta);
  double gradient_norm = 0.0;
  for (std::size_t iteration = 0; iteration < o.max_iterations; ++iteration) {
    const Eigen::MatrixXd p = log_softmax(xt * theta.transpose()).array().exp().matrix();
    Eigen::MatrixXd g = (p - y).transpose() * xt * inv_n;  // K × width
    g.leftCols(da) += lambda * theta.leftCols(da);
    g(0, da) = 0.0;  // b_0 is fixed
    gradient_norm = g.cwiseAbs().maxCoeff();
    if (gradient_norm <= o.gradient_tolerance) {
      Eigen::MatrixXd out = theta;
      out.col(da).array() -= out.col(da).mean();  // centred biases
      return out;
    }
    Eigen::MatrixXd h = Eigen::MatrixXd::Zero(p_count, p_count);
    for (Eigen::Index a = 0; a < kc; ++a) {
      for (Eigen::Index b = a; b < kc; ++b) {
        Eigen::VectorXd c = -p.col(a).cwiseProduct(p.col(b));
        if (a == b) c += p.col(a);
        const Eigen::MatrixXd block =
            xt.transpose() * (xt.array().colwise() * (c * inv_n).array()).matrix();
        h.block(a * width, b * width, width, width) = block;
        if (a != b) h.block(b * width, a * width, width, width) = block.transpose();
      }
      for (Eigen::Index c = 0; c < da; ++c) h(a * width + c, a * width + c) += lambda;
    }
    // Pin b_0: zero its row and column, unit diagonal, zero gradient -> zero step.
    h.row(da).setZero();
    h.col(da).setZero();
    h(da, da) = 1.0;
    const Eigen::VectorXd gv = flat(g);
    Eigen::VectorXd step;
    if (const Eigen::LLT<Eigen::MatrixXd> llt(h); llt.info() == Eigen::Success) {
      step = -llt.solve(gv);
    } else {
      step = -h.ldlt().solve(gv);
    }
    Eigen::MatrixXd delta(kc, width);
    for (Eigen::Index k = 0; k < kc; ++k) delta.row(k) = step.segment(k * width, width).transpose();
    const double slope = gv.dot(step);  // < 0 for a descent direction
    // Near the optimum the decrease is below J's rounding: take the full Newton step there.
    if (-slope < 1e-13 * std::max(1.0, std::abs(j))) {
      theta += delta;
      j = objective(theta);
      continue;
    }
    double t = 1.0;
    for (int halving = 0; halving < 60; ++halving, t *= 0.5) {
      const Eigen::MatrixXd trial = theta + t * delta;
      const double jt = objective(trial);
      if (jt <= j + 1e-4 * t * slope) {
        theta = trial;
        j = jt;
        break;
      }
    }
  }
  throw std::runtime_error(std::string(train_block) + ": Newton's method did not converge in " +
                           std::to_string(o.max_iterations) + " iterations (gradient " +
                           number(gradient_norm) + " > tolerance " + number(o.gradient_tolerance) +
                           "); raise max_iterations or l2_lambda");
}

// LDA on standardised features: theta is K × (Da + 1) as in fit_logistic.
Eigen::MatrixXd fit_lda(const Eigen::MatrixXd& z, std::span<const int> labels,
                        const std::vector<std::size_t>& counts, const std::vector<double>& priors,
                        double shrinkage) {
  const Eigen::Index n = z.rows();
  const Eigen::Index da = z.cols();
  const auto kc = static_cast<Eigen::Index>(counts.size());
  Eigen::MatrixXd theta = Eigen::MatrixXd::Zero(kc, da + 1);
  Eigen::MatrixXd means = Eigen::MatrixXd::Zero(kc, da);
  for (Eigen::Index i = 0; i < n; ++i) means.row(labels[static_cast<std::size_t>(i)]) += z.row(i);
  for (Eigen::Index k = 0; k < kc; ++k)
    means.row(k) /= static_cast<double>(counts[static_cast<std::size_t>(k)]);
  if (da > 0) {
    Eigen::MatrixXd centred = z;
    for (Eigen::Index i = 0; i < n; ++i)
      centred.row(i) -= means.row(labels[static_cast<std::size_t>(i)]);
    Eigen::MatrixXd s = centred.transpose() * centred / static_cast<double>(n - kc);
    const double mean_variance = s.trace() / static_cast<double>(da);
    s *= 1.0 - shrinkage;
    s.diagonal().array() += shrinkage * mean_variance;
    const Eigen::LLT<Eigen::MatrixXd> llt(s);
    if (llt.info() != Eigen::Success || !(llt.rcond() > 1e-12))
      throw std::invalid_argument(
          std::string(train_block) +
          ": the pooled within-class covariance is singular (collinear features or fewer "
          "samples than features); set shrinkage > 0 or remove redundant features");
    theta.leftCols(da) = llt.solve(means.transpose()).transpose();
  }
  for (Eigen::Index k = 0; k < kc; ++k) {
    theta(k, da) = -0.5 * means.row(k).dot(theta.row(k).head(da)) +
                   std::log(priors[static_cast<std::size_t>(k)]);
  }
  return theta;
}

}  // namespace

LinearClassifier train_classifier(const Eigen::MatrixXd& features, std::span<const int> labels,
                                  const ClassifierTrainingOptions& o) {
  const std::size_t k_count = o.class_names.size();
  if (k_count < LinearClassifier::min_classes || k_count > LinearClassifier::max_classes)
    invalid(train_block, "class_names size", std::to_string(k_count), "2 to 4 classes");
  const auto n = static_cast<std::size_t>(features.rows());
  const auto d_count = static_cast<std::size_t>(features.cols());
  if (d_count < 1 || d_count > LinearClassifier::max_features)
    invalid(train_block, "feature columns", std::to_string(d_count), "1 to 32 features");
  if (labels.size() != n)
    invalid(train_block, "labels size", std::to_string(labels.size()),
            std::to_string(n) + " (one per row of features)");
  if (!o.feature_names.empty() && o.feature_names.size() != d_count)
    invalid(train_block, "feature_names size", std::to_string(o.feature_names.size()),
            "0 or " + std::to_string(d_count) + " (one per feature column)");
  if (o.min_samples_per_class < 2)
    invalid(train_block, "min_samples_per_class", std::to_string(o.min_samples_per_class), ">= 2");
  if (o.kind == ClassifierKind::logistic_regression) {
    if (!(o.l2_lambda > 0.0 && o.l2_lambda <= 1e6))
      invalid(train_block, "l2_lambda", number(o.l2_lambda), "(0, 1e6]");
    if (o.max_iterations < 1)
      invalid(train_block, "max_iterations", std::to_string(o.max_iterations), ">= 1");
    if (!(o.gradient_tolerance > 0.0 && o.gradient_tolerance <= 1e-3))
      invalid(train_block, "gradient_tolerance", number(o.gradient_tolerance), "(0, 1e-3]");
  } else {
    if (!(o.shrinkage >= 0.0 && o.shrinkage <= 1.0))
      invalid(train_block, "shrinkage", number(o.shrinkage), "[0, 1]");
    if (!o.class_priors.empty()) {
      if (o.class_priors.size() != k_count)
        invalid(train_block, "class_priors size", std::to_string(o.class_priors.size()),
                "0 (training fractions) or " + std::to_string(k_count) + " (one per class)");
      double sum = 0.0;
      for (std::size_t k = 0; k < k_count; ++k) {
        if (!(o.class_priors[k] > 0.0 && o.class_priors[k] < 1.0))
          invalid(train_block, "class_priors[" + std::to_string(k) + "]", number(o.class_priors[k]),
                  "(0, 1)");
        sum += o.class_priors[k];
      }
      if (std::abs(sum - 1.0) > 1e-9) invalid(train_block, "class_priors sum", number(sum), "1");
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    const int label = labels[i];
    if (label < 0 || static_cast<std::size_t>(label) >= k_count)
      invalid(train_block, "labels[" + std::to_string(i) + "]", std::to_string(label),
              "a class index in [0, " + std::to_string(k_count - 1) + "]");
    for (std::size_t d = 0; d < d_count; ++d) {
      const double x = features(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(d));
      if (!std::isfinite(x))
        invalid(train_block, "features[" + std::to_string(i) + "][" + std::to_string(d) + "]",
                number(x), "finite feature values; drop or repair the sample");
    }
  }
  std::vector<std::size_t> counts(k_count, 0);
  for (const int label : labels) ++counts[static_cast<std::size_t>(label)];
  for (std::size_t k = 0; k < k_count; ++k) {
    if (counts[k] < o.min_samples_per_class)
      invalid(train_block, "samples of class \"" + o.class_names[k] + "\"",
              std::to_string(counts[k]),
              "at least min_samples_per_class = " + std::to_string(o.min_samples_per_class));
  }

  const Standardised s = standardise(features);
  const auto da = static_cast<Eigen::Index>(s.active.size());
  Eigen::MatrixXd theta;
  if (o.kind == ClassifierKind::logistic_regression) {
    theta = fit_logistic(s.z, labels, k_count, o);
  } else {
    std::vector<double> priors = o.class_priors;
    if (priors.empty()) {
      for (const std::size_t c : counts)
        priors.push_back(static_cast<double>(c) / static_cast<double>(n));
    }
    theta = fit_lda(s.z, labels, counts, priors, o.shrinkage);
  }

  LinearClassifier::Model m;
  m.kind = o.kind;
  m.class_names = o.class_names;
  m.feature_names = o.feature_names;
  m.feature_mean = s.mean;
  m.feature_scale = s.scale;
  m.weights = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(k_count), features.cols());
  for (std::size_t a = 0; a < s.active.size(); ++a)
    m.weights.col(s.active[a]) = theta.col(static_cast<Eigen::Index>(a));
  m.bias = theta.col(da);
  return LinearClassifier(std::move(m));
}

// ---------------------------------------------------------------------------------------------
// Calibration and fusion

float ScoreCalibration::probability(float score) const noexcept {
  if (std::isnan(score)) return score;
  return static_cast<float>(1.0 / (1.0 + std::exp(-log_odds(static_cast<double>(score)))));
}

ScoreCalibration fit_score_calibration(std::span<const double> scores, std::span<const int> labels,
                                       const PlattOptions& o) {
  constexpr const char* block = "fit_score_calibration";
  if (labels.size() != scores.size())
    invalid(block, "labels size", std::to_string(labels.size()),
            std::to_string(scores.size()) + " (one per score)");
  if (o.max_iterations < 1)
    invalid(block, "max_iterations", std::to_string(o.max_iterations), ">= 1");
  if (!(o.gradient_tolerance > 0.0 && o.gradient_tolerance <= 1e-3))
    invalid(block, "gradient_tolerance", number(o.gradient_tolerance), "(0, 1e-3]");
  std::size_t positives = 0;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    if (!std::isfinite(scores[i]))
      invalid(block, "scores[" + std::to_string(i) + "]", number(scores[i]), "a finite score");
    if (labels[i] != 0 && labels[i] != 1)
      invalid(block, "labels[" + std::to_string(i) + "]", std::to_string(labels[i]),
              "1 (mine) or 0 (not a mine)");
    positives += labels[i] == 1 ? 1 : 0;
  }
  const std::size_t negatives = scores.size() - positives;
  if (positives == 0 || negatives == 0)
    invalid(block, "labels",
            std::to_string(positives) + " mines and " + std::to_string(negatives) + " others",
            "at least one sample of each");

  // Fit on u = (s - centre) / spread for conditioning (Newton is affine invariant, the rounding
  // is not), then map back: a = a_u / spread, b = b_u - a_u centre / spread.
  const Eigen::Map<const Eigen::VectorXd> s(scores.data(),
                                            static_cast<Eigen::Index>(scores.size()));
  const double centre = s.mean();
  const double spread = std::sqrt((s.array() - centre).square().mean());
  if (!(spread > constant_feature_ratio * s.cwiseAbs().maxCoeff()))
    invalid(block, "scores", "(all equal to " + number(centre) + ")", "scores that differ");
  const Eigen::VectorXd u = (s.array() - centre) / spread;
  const double t_pos =
      (static_cast<double>(positives) + 1.0) / (static_cast<double>(positives) + 2.0);
  const double t_neg = 1.0 / (static_cast<double>(negatives) + 2.0);
  Eigen::VectorXd t(u.size());
  for (Eigen::Index i = 0; i < u.size(); ++i)
    t[i] = labels[static_cast<std::size_t>(i)] == 1 ? t_pos : t_neg;
  const double inv_n = 1.0 / static_cast<double>(u.size());

  // J = mean of t softplus(-f) + (1 - t) softplus(f), f = a u + b.
  const auto objective = [&](const Eigen::Vector2d& theta) {
    double sum = 0.0;
    for (Eigen::Index i = 0; i < u.size(); ++i) {
      const double f = theta[0] * u[i] + theta[1];
      sum += t[i] * softplus(-f) + (1.0 - t[i]) * softplus(f);
    }
    return sum * inv_n;
  };
  // Start from the prior log-odds (Platt's choice): a = 0, b = ln((N+ + 1) / (N- + 1)).
  Eigen::Vector2d theta(0.0, std::log((static_cast<double>(positives) + 1.0) /
                                      (static_cast<double>(negatives) + 1.0)));
  double j = objective(theta);
  double gradient_norm = 0.0;
  for (std::size_t iteration = 0; iteration < o.max_iterations; ++iteration) {
    Eigen::Vector2d g = Eigen::Vector2d::Zero();
    Eigen::Matrix2d h = Eigen::Matrix2d::Zero();
    for (Eigen::Index i = 0; i < u.size(); ++i) {
      const double f = theta[0] * u[i] + theta[1];
      const double p = 1.0 / (1.0 + std::exp(-f));
      const Eigen::Vector2d x(u[i], 1.0);
      g += (p - t[i]) * x;
      h += p * (1.0 - p) * x * x.transpose();
    }
    g *= inv_n;
    h *= inv_n;
    gradient_norm = g.cwiseAbs().maxCoeff();
    if (gradient_norm <= o.gradient_tolerance) {
      return ScoreCalibration{theta[0] / spread, theta[1] - theta[0] * centre / spread,
                              static_cast<double>(positives) / static_cast<double>(u.size())};
    }
    const Eigen::Vector2d step = -h.ldlt().solve(g);
    const double slope = g.dot(step);
    if (-slope < 1e-13 * std::max(1.0, std::abs(j))) {
      theta += step;
      j = objective(theta);
      continue;
    }
    double step_size = 1.0;
    for (int halving = 0; halving < 60; ++halving, step_size *= 0.5) {
      const Eigen::Vector2d trial = theta + step_size * step;
      const double jt = objective(trial);
      if (jt <= j + 1e-4 * step_size * slope) {
        theta = trial;
        j = jt;
        break;
      }
    }
  }
  throw std::runtime_error(std::string(block) + ": Newton's method did not converge in " +
                           std::to_string(o.max_iterations) + " iterations (gradient " +
                           number(gradient_norm) + "); raise max_iterations");
}

namespace {

double logit(double p) noexcept {
  if (!std::isfinite(p)) p = 0.5;
  p = std::clamp(p, probability_floor, 1.0 - probability_floor);
  return std::log(p / (1.0 - p));
}

}  // namespace

float fuse_calibrated(std::span<const float> probabilities, std::span<const float> sensor_priors,
                      float prior) noexcept {
  double log_odds = logit(static_cast<double>(prior));
  const std::size_t n = std::min(probabilities.size(), sensor_priors.size());
  for (std::size_t s = 0; s < n; ++s) {
    if (!std::isfinite(probabilities[s])) continue;  // this sensor did not see the object
    log_odds +=
        logit(static_cast<double>(probabilities[s])) - logit(static_cast<double>(sensor_priors[s]));
  }
  return static_cast<float>(1.0 / (1.0 + std::exp(-log_odds)));
}

float fuse_scores(std::span<const ScoreCalibration> calibrations, std::span<const float> scores,
                  float prior) noexcept {
  double log_odds = logit(static_cast<double>(prior));
  const std::size_t n = std::min(calibrations.size(), scores.size());
  for (std::size_t s = 0; s < n; ++s) {
    const float p = calibrations[s].probability(scores[s]);
    if (!std::isfinite(p)) continue;
    log_odds += logit(static_cast<double>(p)) - logit(calibrations[s].training_prior);
  }
  return static_cast<float>(1.0 / (1.0 + std::exp(-log_odds)));
}

}  // namespace deminer::dsp
