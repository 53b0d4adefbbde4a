#include "deminer/sim/lane/lane_evaluation.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <array>
#include <cmath>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <utility>

#include "../json_object_reader.hpp"
#include "deminer/dsp/pipeline/dual_sensor_json.hpp"

namespace deminer::sim::lane {
namespace {

using nlohmann::json;

void shift_along(dsp::FusedObject& object, double dy) {
  object.advance_m += dy;
  for (dsp::Detection& d : object.strongest) d.advance_m += dy;
}

std::size_t class_index(const std::vector<std::string>& names, std::string_view name) {
  const auto it = std::find(names.begin(), names.end(), name);
  if (it == names.end()) {
    throw std::invalid_argument("dual-sensor model: the classifier has no class '" +
                                std::string(name) + "'");
  }
  return static_cast<std::size_t>(it - names.begin());
}

dsp::ScoreCalibration calibrate(const LabelledObjects& training, dsp::Sensor sensor) {
  std::vector<double> scores;
  std::vector<int> mine;
  for (std::size_t i = 0; i < training.objects.size(); ++i) {
    const double s = dsp::sensor_log_score(training.objects[i], sensor);
    if (std::isnan(s)) continue;
    scores.push_back(s);
    mine.push_back(training.labels[i] == dsp::ObjectClass::mine ? 1 : 0);
  }
  try {
    return dsp::fit_score_calibration(scores, mine);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(std::string("dual-sensor model: cannot calibrate the ") +
                                std::string(dsp::to_string(sensor)) +
                                " score on the training lanes (" + e.what() +
                                "): use more lanes or more mines");
  }
}

}  // namespace

LabelledObjects label_lanes(std::span<const LaneConfig> lanes, double radius_m,
                            const dsp::DualSensorPipeline::Config& chains,
                            const LaneProgress& progress) {
  std::size_t total = 0;
  for (const LaneConfig& config : lanes) total += lane_sweep_count(config) + 1;
  LabelledObjects arena;
  std::size_t done_before = 0;
  double y0 = 0.0;
  for (const LaneConfig& config : lanes) {
    const Lane lane = generate_lane(config);
    const LaneDetections found = detect_lane(lane, chains, [&](std::size_t done, std::size_t) {
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

TrainedModel train_dual_sensor_model(const LabelledObjects& training,
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
  TrainedModel model{
      {dsp::train_classifier(features, labels, options), calibrate(training, dsp::Sensor::gpr),
       calibrate(training, dsp::Sensor::metal_detector),
       static_cast<double>(mines) / static_cast<double>(n)},
      training.seeds};
  (void)class_index(model.classifier.model().class_names, "mine");
  return model;
}

std::string model_to_json(const TrainedModel& model) {
  const json document = {
      {"model", json::parse(dsp::dual_sensor_model_to_json(model))},
      {"training_seeds", model.training_seeds},
  };
  return document.dump(2) + "\n";
}

TrainedModel model_from_json(std::string_view text, std::string_view source_name) {
  const json document = detail::parse(text, source_name);
  detail::ObjectReader reader(document, "", source_name);
  // The model is read by its own reader, whose messages get "/model" after the source.
  const std::string model_text = reader.find("model", true)->dump();
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
  TrainedModel model{
      {dsp::dual_sensor_model_from_json(model_text, std::string(source_name) + ": /model")},
      std::move(seeds)};
  try {
    (void)dsp::ObjectDecision(model, {});  // it must be a model the decision takes
  } catch (const std::invalid_argument& e) {
    detail::fail(source_name, "/model", e.what());
  }
  return model;
}

}  // namespace deminer::sim::lane
