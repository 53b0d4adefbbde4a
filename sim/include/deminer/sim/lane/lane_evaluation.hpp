// Training the dual-sensor decision on labelled lanes: the objects of many lanes in one arena
// with their true classes, and the model that scores them (classifier, per-sensor
// calibrations); dsp::ObjectDecision scores them by each way of deciding for the ROC curves.
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
#include "deminer/dsp/detect/object_decision.hpp"
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

// Generates each lane, processes it with `chains` (one head over every lane, as in the field:
// usually default_chains of the first lane) and appends it to the arena. progress(done, total)
// counts sweeps over all lanes. Throws std::invalid_argument when a lane's sensors do not fit the
// chains (detect_lane).
[[nodiscard]] LabelledObjects label_lanes(std::span<const LaneConfig> lanes, double radius_m,
                                          const dsp::DualSensorPipeline::Config& chains,
                                          const LaneProgress& progress = {});

// A dual-sensor model (dsp/detect/object_decision.hpp) and the lanes it was trained on: the
// classifier on fused_features (classes mine, metal_clutter, nonmetal_clutter), and per sensor a
// Platt calibration of log10(score) fitted on the objects that sensor saw, with the mine prior of
// the training arena.
struct TrainedModel : dsp::DualSensorModel {
  std::vector<std::uint64_t> training_seeds;  // lanes it was fitted on
};

// Throws std::invalid_argument when a class or a sensor's mines are missing from the arena.
[[nodiscard]] TrainedModel train_dual_sensor_model(const LabelledObjects& training,
                                                   const dsp::ClassifierTrainingOptions& options);

// JSON {"model": {dsp/pipeline/dual_sensor_json.hpp's model layout}, "training_seeds": [...]};
// the reader names the source and JSON path of what is wrong.
[[nodiscard]] std::string model_to_json(const TrainedModel& model);
[[nodiscard]] TrainedModel model_from_json(std::string_view text, std::string_view source_name);

}  // namespace deminer::sim::lane
