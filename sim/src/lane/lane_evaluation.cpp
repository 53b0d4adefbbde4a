#include "deminer/sim/lane/lane_evaluation.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <utility>

#include "../json_object_reader.hpp"
#include "deminer/dsp/pipeline/classifier_json.hpp"

namespace deminer::sim::lane {
namespace {

using nlohmann::json;
constexpr double no_alarm = std::numeric_limits<double>::quiet_NaN();
constexpr std::size_t gpr_slot = dsp::sensor_slot(dsp::Sensor::gpr);
constexpr std::size_t md_slot = dsp::sensor_slot(dsp::Sensor::metal_detector);

void shift_along(dsp::FusedObject& object, double dy) {
  object.advance_m += dy;
  for (dsp::Detection& d : object.strongest) d.advance_m += dy;
}

// log10 of a sensor's strongest score, NaN when it did not see the object.
double log_score(const dsp::FusedObject& object, std::size_t slot) {
  if (object.hits[slot] == 0) return no_alarm;
  return std::log10(std::max(static_cast<double>(object.strongest[slot].score), 1e-30));
}

std::size_t class_index(const std::vector<std::string>& names, std::string_view name) {
  const auto it = std::find(names.begin(), names.end(), name);
  if (it == names.end()) {
    throw std::invalid_argument("dual-sensor model: the classifier has no class '" +
                                std::string(name) + "'");
  }
  return static_cast<std::size_t>(it - names.begin());
}

dsp::ScoreCalibration calibrate(const LabelledObjects& training, std::size_t slot,
                                const char* sensor) {
  std::vector<double> scores;
  std::vector<int> mine;
  for (std::size_t i = 0; i < training.objects.size(); ++i) {
    const double s = log_score(training.objects[i], slot);
    if (std::isnan(s)) continue;
    scores.push_back(s);
    mine.push_back(training.labels[i] == dsp::ObjectClass::mine ? 1 : 0);
  }
  try {
    return dsp::fit_score_calibration(scores, mine);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(std::string("dual-sensor model: cannot calibrate the ") + sensor +
                                " score on the training lanes (" + e.what() +
                                "): use more lanes or more mines");
  }
}

}  // namespace

LabelledObjects label_lanes(std::span<const LaneConfig> lanes, double radius_m,
                            const LaneProgress& progress) {
  std::size_t total = 0;
  for (const LaneConfig& config : lanes) total += lane_sweep_count(config) + 1;
  LabelledObjects arena;
  std::size_t done_before = 0;
  double y0 = 0.0;
  for (const LaneConfig& config : lanes) {
    const Lane lane = generate_lane(config);
    const LaneDetections found =
        detect_lane(lane, default_chains(config), [&](std::size_t done, std::size_t) {
          if (progress) progress(done_before + done, total);
        });
    done_before += lane.sweeps.size() + 1;
    const std::vector<eval::TruthObject> truth = evaluation_truth(lane.truth);
    const auto alarms = alarms_of(found.objects, [](const dsp::FusedObject&) { return 1.0; });
    const eval::Association association = eval::associate(alarms, truth, radius_m);
    for (std::size_t i = 0; i < found.objects.size(); ++i) {
      const std::size_t on = association.alarms[i].object;
      arena.labels.push_back(on == eval::no_object ? dsp::ObjectClass::nonmetal_clutter
                                                   : lane.truth.objects[on].object_class);
      arena.objects.push_back(found.objects[i]);
      shift_along(arena.objects.back(), y0);
    }
    for (eval::TruthObject t : truth) {
      t.y_m += y0;
      arena.truth.push_back(std::move(t));
    }
    arena.area_m2 += lane.truth.scanned_area_m2;
    arena.seeds.push_back(config.seed);
    y0 += config.length_m + arena_gap_m;
  }
  return arena;
}

DualSensorModel train_dual_sensor_model(const LabelledObjects& training,
                                        const dsp::ClassifierTrainingOptions& options) {
  const std::size_t n = training.objects.size();
  if (n == 0 || training.labels.size() != n) {
    throw std::invalid_argument("dual-sensor model: no labelled objects to train on");
  }
  Eigen::MatrixXd features(static_cast<Eigen::Index>(n),
                           static_cast<Eigen::Index>(dsp::fused_feature_count));
  std::vector<int> labels(n);
  std::array<float, dsp::Detection::max_features> f{};
  std::size_t mines = 0;
  for (std::size_t i = 0; i < n; ++i) {
    (void)dsp::fused_features(training.objects[i], f);
    for (std::size_t d = 0; d < dsp::fused_feature_count; ++d) {
      features(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(d)) = f[d];
    }
    labels[i] = static_cast<int>(class_index(options.class_names, to_string(training.labels[i])));
    if (training.labels[i] == dsp::ObjectClass::mine) ++mines;
  }
  if (mines == 0 || mines == n) {
    throw std::invalid_argument("dual-sensor model: the training lanes gave " +
                                std::to_string(mines) + " mine objects of " + std::to_string(n) +
                                "; both mines and other objects are needed");
  }
  DualSensorModel model{dsp::train_classifier(features, labels, options),
                        calibrate(training, gpr_slot, "GPR"),
                        calibrate(training, md_slot, "metal-detector"),
                        static_cast<double>(mines) / static_cast<double>(n), training.seeds};
  (void)class_index(model.classifier.model().class_names, "mine");
  return model;
}

std::string model_to_json(const DualSensorModel& model) {
  const json document = {
      {"classifier", json::parse(dsp::classifier_to_json(model.classifier))},
      {"gpr_calibration", json::parse(dsp::score_calibration_to_json(model.gpr))},
      {"md_calibration", json::parse(dsp::score_calibration_to_json(model.md))},
      {"mine_prior", model.mine_prior},
      {"training_seeds", model.training_seeds},
  };
  return document.dump(2) + "\n";
}

DualSensorModel model_from_json(std::string_view text, std::string_view source_name) {
  const json document = detail::parse(text, source_name);
  detail::ObjectReader reader(document, "", source_name);
  // The parts are read by their own readers, whose messages get the part's path as the source.
  const auto part = [&](const char* key) {
    const json* j = reader.find(key, true);
    return std::pair{j->dump(), std::string(source_name) + ": /" + key};
  };
  const auto [classifier_text, classifier_source] = part("classifier");
  const auto [gpr_text, gpr_source] = part("gpr_calibration");
  const auto [md_text, md_source] = part("md_calibration");
  double mine_prior = 0.0;
  reader.read("mine_prior", mine_prior, true);
  if (!(mine_prior > 0.0 && mine_prior < 1.0)) {
    detail::fail(source_name, "/mine_prior", std::to_string(mine_prior) + " is not in (0, 1)");
  }
  std::vector<std::uint64_t> seeds;
  const json* seeds_json = reader.find("training_seeds", true);
  if (!seeds_json->is_array()) detail::fail(source_name, "/training_seeds", "expected an array");
  for (std::size_t i = 0; i < seeds_json->size(); ++i) {
    if (!(*seeds_json)[i].is_number_unsigned()) {
      detail::fail(source_name, "/training_seeds/" + std::to_string(i),
                   "expected an unsigned integer");
    }
    seeds.push_back((*seeds_json)[i].get<std::uint64_t>());
  }
  reader.finish();
  DualSensorModel model{dsp::classifier_from_json(classifier_text, classifier_source),
                        dsp::score_calibration_from_json(gpr_text, gpr_source),
                        dsp::score_calibration_from_json(md_text, md_source), mine_prior,
                        std::move(seeds)};
  if (std::find(model.classifier.model().class_names.begin(),
                model.classifier.model().class_names.end(),
                "mine") == model.classifier.model().class_names.end()) {
    detail::fail(source_name, "/classifier/class_names", "has no class \"mine\"");
  }
  return model;
}

std::string_view score_method_name(ScoreMethod method) noexcept {
  switch (method) {
    case ScoreMethod::md:
      return "md";
    case ScoreMethod::gpr:
      return "gpr";
    case ScoreMethod::strength:
      return "strength";
    case ScoreMethod::score_fusion:
      return "score_fusion";
    case ScoreMethod::classifier:
      break;
  }
  return "classifier";
}

double object_score(const DualSensorModel& model, ScoreMethod method,
                    const dsp::FusedObject& object) {
  const double gpr = log_score(object, gpr_slot);
  const double md = log_score(object, md_slot);
  switch (method) {
    case ScoreMethod::md:
      return md;
    case ScoreMethod::gpr:
      return gpr;
    case ScoreMethod::strength:
      if (std::isnan(gpr)) return md;
      if (std::isnan(md)) return gpr;
      return std::max(gpr, md);
    case ScoreMethod::score_fusion: {
      const std::array<dsp::ScoreCalibration, 2> calibrations = {model.gpr, model.md};
      const std::array<float, 2> scores = {static_cast<float>(gpr), static_cast<float>(md)};
      return dsp::fuse_scores(calibrations, scores, static_cast<float>(model.mine_prior));
    }
    case ScoreMethod::classifier:
      break;
  }
  std::array<float, dsp::Detection::max_features> features{};
  (void)dsp::fused_features(object, features);
  std::array<float, dsp::LinearClassifier::max_classes> probabilities{};
  (void)model.classifier.predict(std::span(features).first(dsp::fused_feature_count),
                                 probabilities);
  return probabilities[class_index(model.classifier.model().class_names, "mine")];
}

}  // namespace deminer::sim::lane
