#include "deminer/dsp/pipeline/classifier_json.hpp"

#include <cmath>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "deminer/dsp/core/error.hpp"
#include "json_fields.hpp"

namespace deminer::dsp {

namespace {

using json_fields::Choices;
using json_fields::FieldReader;
using json_fields::parse;
using nlohmann::json;

const Choices<ClassifierKind> kinds = {
    {"logistic_regression", ClassifierKind::logistic_regression},
    {"linear_discriminant", ClassifierKind::linear_discriminant}};

std::string index(const std::string& path, std::size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

// Reads the keys of one object, all required unless said otherwise. Unknown keys are reported
// first: a misspelt key would otherwise show up as a missing one.
class Reader {
 public:
  Reader(const json& object, std::string_view source, std::initializer_list<const char*> keys)
      : object_(object), fields_(object, "", source) {
    for (const char* key : keys) fields_.known(key);
    fields_.finish();
  }

  const json& required(const std::string& key) const {
    const json* item = optional(key);
    if (item == nullptr) fields_.fail(key, "missing (required: a trained model has no defaults)");
    return *item;
  }
  const json* optional(const std::string& key) const {
    const auto it = object_.find(key);
    return it == object_.end() ? nullptr : &*it;
  }

  double number(const json& item, const std::string& path) const {
    if (!item.is_number()) fields_.fail(path, "expected a number, found " + item.dump());
    const double value = item.get<double>();
    if (!std::isfinite(value)) fields_.fail(path, "expected a finite number, found " + item.dump());
    return value;
  }

  // An array of `count` items, or of min..max items when count == 0.
  const json& array(const json& item, const std::string& path, std::size_t count, std::size_t min,
                    std::size_t max, const std::string& what) const {
    const bool size_ok =
        count != 0 ? item.size() == count : item.size() >= min && item.size() <= max;
    if (!item.is_array() || !size_ok) {
      const std::string length =
          count != 0 ? std::to_string(count) : std::to_string(min) + " to " + std::to_string(max);
      fields_.fail(path, "expected an array of " + length + " " + what + ", found " + item.dump());
    }
    return item;
  }

  Eigen::VectorXd numbers(const json& item, const std::string& path, std::size_t count,
                          std::size_t min = 0, std::size_t max = 0) const {
    array(item, path, count, min, max, "numbers");
    Eigen::VectorXd out(static_cast<Eigen::Index>(item.size()));
    for (std::size_t i = 0; i < item.size(); ++i)
      out[static_cast<Eigen::Index>(i)] = number(item[i], index(path, i));
    return out;
  }

  std::vector<std::string> strings(const json& item, const std::string& path, std::size_t count,
                                   std::size_t min = 0, std::size_t max = 0) const {
    array(item, path, count, min, max, "strings");
    std::vector<std::string> out;
    for (std::size_t i = 0; i < item.size(); ++i) {
      if (!item[i].is_string())
        fields_.fail(index(path, i), "expected a string, found " + item[i].dump());
      out.push_back(item[i].get<std::string>());
    }
    return out;
  }

  FieldReader& fields() { return fields_; }
  [[noreturn]] void fail(const std::string& where, const std::string& what) const {
    fields_.fail(where, what);
  }

 private:
  const json& object_;
  FieldReader fields_;
};

// A std::invalid_argument of the classifier ("LinearClassifier: <field> <value> is invalid ...")
// as a ConfigError at the JSON path of <field> (the JSON keys are the Model's field names).
template <class Build>
auto validated(std::string_view source, Build&& build) {
  try {
    return build();
  } catch (const std::invalid_argument& e) {
    const std::string what = e.what();
    std::string field;
    if (const auto colon = what.find(": "); colon != std::string::npos) {
      const auto start = colon + 2;
      field = what.substr(start, what.find(' ', start) - start);
    }
    throw ConfigError(std::string(source) + ": " + field + ": " + what);
  }
}

}  // namespace

LinearClassifier classifier_from_json(std::string_view json_text, std::string_view source) {
  const json document = parse(json_text, source);
  Reader r(
      document, source,
      {"kind", "class_names", "feature_names", "feature_mean", "feature_scale", "weights", "bias"});
  LinearClassifier::Model m;
  r.required("kind");
  r.fields().choice("kind", m.kind, kinds);
  m.class_names = r.strings(r.required("class_names"), "class_names", 0,
                            LinearClassifier::min_classes, LinearClassifier::max_classes);
  const std::size_t k_count = m.class_names.size();
  m.feature_mean =
      r.numbers(r.required("feature_mean"), "feature_mean", 0, 1, LinearClassifier::max_features);
  const auto d_count = static_cast<std::size_t>(m.feature_mean.size());
  m.feature_scale = r.numbers(r.required("feature_scale"), "feature_scale", d_count);
  if (const json* names = r.optional("feature_names"); names != nullptr)
    m.feature_names = r.strings(*names, "feature_names", d_count);
  const json& weights =
      r.array(r.required("weights"), "weights", k_count, 0, 0, "arrays (one per class)");
  m.weights.resize(static_cast<Eigen::Index>(k_count), static_cast<Eigen::Index>(d_count));
  for (std::size_t k = 0; k < k_count; ++k) {
    m.weights.row(static_cast<Eigen::Index>(k)) =
        r.numbers(weights[k], index("weights", k), d_count).transpose();
  }
  m.bias = r.numbers(r.required("bias"), "bias", k_count);
  return validated(source, [&] { return LinearClassifier(std::move(m)); });
}

std::string classifier_to_json(const LinearClassifier& classifier) {
  const LinearClassifier::Model& m = classifier.model();
  const auto vector = [](const Eigen::VectorXd& v) {
    json out = json::array();
    for (Eigen::Index i = 0; i < v.size(); ++i) out.push_back(v[i]);
    return out;
  };
  json out;
  for (const auto& [name, kind] : kinds) {
    if (kind == m.kind) out["kind"] = name;
  }
  out["class_names"] = m.class_names;
  if (!m.feature_names.empty()) out["feature_names"] = m.feature_names;
  out["feature_mean"] = vector(m.feature_mean);
  out["feature_scale"] = vector(m.feature_scale);
  out["weights"] = json::array();
  for (Eigen::Index k = 0; k < m.weights.rows(); ++k)
    out["weights"].push_back(vector(m.weights.row(k).transpose()));
  out["bias"] = vector(m.bias);
  return out.dump(2);
}

ScoreCalibration score_calibration_from_json(std::string_view json_text, std::string_view source) {
  const json document = parse(json_text, source);
  Reader r(document, source, {"a", "b", "training_prior"});
  ScoreCalibration c;
  c.a = r.number(r.required("a"), "a");
  c.b = r.number(r.required("b"), "b");
  c.training_prior = r.number(r.required("training_prior"), "training_prior");
  if (!(c.training_prior > 0.0 && c.training_prior < 1.0))
    r.fail("training_prior",
           "expected a fraction in (0, 1), found " + document["training_prior"].dump());
  return c;
}

std::string score_calibration_to_json(const ScoreCalibration& calibration) {
  const json out = {
      {"a", calibration.a}, {"b", calibration.b}, {"training_prior", calibration.training_prior}};
  return out.dump(2);
}

}  // namespace deminer::dsp
