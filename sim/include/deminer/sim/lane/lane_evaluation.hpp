// Training and judging the dual-sensor decision on labelled lanes: the objects of many lanes in
// one arena with their true classes, the model that scores them (classifier, per-sensor
// calibrations), and the alarm score of each way of deciding (one sensor, plain strength,
// score-level fusion, the feature-level classifier), for ROC curves (eval/roc.hpp).
//
// Why: `deminer train`, `deminer tune` and the evaluation benchmark must label, score and count
// the same way, or a tuned threshold would not mean what its ROC said.
// Arena: lane i is shifted along y by the lengths of the lanes before it plus arena_gap_m, so an
// alarm can never be associated with an object of another lane; the area is the lanes' sum.
// Labels: the objects are associated with the truth as alarms are (eval::associate, greedy by
// distance within radius_m). An object on a mine (or a duplicate on one) is a mine; on clutter,
// the clutter's class; on nothing (soil, noise), nonmetal_clutter.
// Units: metres. Workstation code: allocates and throws.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "deminer/dsp/core/detection.hpp"
#include "deminer/dsp/detect/classifier.hpp"
#include "deminer/dsp/detect/sensor_fusion.hpp"
#include "deminer/sim/eval/detection_statistics.hpp"
#include "deminer/sim/lane/lane.hpp"
#include "deminer/sim/lane/lane_detection.hpp"

namespace deminer::sim::lane {

inline constexpr double arena_gap_m = 10.0;

struct LabelledObjects {
  std::vector<dsp::FusedObject> objects;  // in arena coordinates
  std::vector<dsp::ObjectClass> labels;   // per object
  std::vector<eval::TruthObject> truth;   // in arena coordinates
  double area_m2 = 0.0;
  std::vector<std::uint64_t> seeds;  // of the lanes, in order
};

// Generates and processes each lane with default_chains(lane) and appends it to the arena.
// progress(done, total) counts sweeps over all lanes.
[[nodiscard]] LabelledObjects label_lanes(std::span<const LaneConfig> lanes, double radius_m,
                                          const LaneProgress& progress = {});

// What the dual-sensor head decides with: the classifier on fused_features (classes mine,
// metal_clutter, nonmetal_clutter), and per sensor a Platt calibration of log10(score) fitted on
// the objects that sensor saw, with the mine prior of the training arena.
struct DualSensorModel {
  dsp::LinearClassifier classifier;
  dsp::ScoreCalibration gpr;
  dsp::ScoreCalibration md;
  double mine_prior = 0.5;                    // mines among the training objects, (0, 1)
  std::vector<std::uint64_t> training_seeds;  // lanes it was fitted on
};

// Throws std::invalid_argument when a class or a sensor's mines are missing from the arena.
[[nodiscard]] DualSensorModel train_dual_sensor_model(
    const LabelledObjects& training, const dsp::ClassifierTrainingOptions& options);

// JSON {"classifier": …, "gpr_calibration": …, "md_calibration": …, "mine_prior": …,
// "training_seeds": […]}; the reader names the source and JSON path of what is wrong.
[[nodiscard]] std::string model_to_json(const DualSensorModel& model);
[[nodiscard]] DualSensorModel model_from_json(std::string_view text, std::string_view source_name);

// The ways of deciding that the ROC compares; an object's score is NaN when the way raises no
// alarm for it (a single sensor on an object it did not see).
enum class ScoreMethod {
  md,            // log10 of the metal detector's score (peak SNR)
  gpr,           // log10 of the radar's score (CFAR ratio)
  strength,      // the larger of the two: a plain energy threshold on whichever sensor saw it
  score_fusion,  // P(mine) from both calibrated scores, naive Bayes (dsp::fuse_scores)
  classifier,    // P(mine) of the classifier on the fused features
};
inline constexpr ScoreMethod all_score_methods[] = {
    ScoreMethod::md, ScoreMethod::gpr, ScoreMethod::strength, ScoreMethod::score_fusion,
    ScoreMethod::classifier};
[[nodiscard]] std::string_view score_method_name(ScoreMethod method) noexcept;
[[nodiscard]] double object_score(const DualSensorModel& model, ScoreMethod method,
                                  const dsp::FusedObject& object);

}  // namespace deminer::sim::lane
