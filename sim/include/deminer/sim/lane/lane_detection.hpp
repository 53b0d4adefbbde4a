// The dual-sensor chain on a simulated lane: the radar's sweeps and the metal detector's blocks
// through dsp::DualSensorPipeline (both chains, then one object per item), ready for
// classification and scoring against the lane's truth.
//
// Why: training the classifier and tuning thresholds need the objects the firmware would form on
// labelled ground: the lane is fed through dsp::DualSensorPipeline, the block the handheld runs,
// input by input: each sweep's GPR traces (rendered sweep by sweep: a 20 m lane is too big to
// render at once) at the head's advance where it took them, end_sweep() at the reversal, then
// the metal detector's blocks of that stretch of the lane.
// Positions: a GPR detection lies at its apex x across the lane and, along it, at the head's y
// where it passed the apex (lane_head_y_m); a VLF detection carries its block's position and
// advance (md_frame.hpp).
// Each sweep's B-scan is fed in ascending x (the simulator's order; the head records inbound
// sweeps the other way round, which the streaming chain does not care about).
// Units: metres. Workstation code: allocates and throws.
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <vector>

#include "deminer/dsp/core/detection.hpp"
#include "deminer/dsp/core/trace.hpp"
#include "deminer/dsp/detect/sensor_fusion.hpp"
#include "deminer/dsp/md/md_frame.hpp"
#include "deminer/dsp/pipeline/dual_sensor_pipeline.hpp"
#include "deminer/sim/eval/detection_statistics.hpp"
#include "deminer/sim/lane/lane.hpp"

namespace deminer::sim::lane {

// GprPipeline::default_config_for the lane's radar with the lane's antenna geometry and soil
// permittivity; the VLF chain for the lane's detector head (md/vlf_chain_config.hpp); fusion
// within 15 cm, closed 40 cm behind the sweep line. Throws std::invalid_argument for a PI lane.
[[nodiscard]] dsp::DualSensorPipeline::Config default_chains(const LaneConfig& config);

struct LaneDetections {
  std::vector<dsp::Detection> gpr;        // every GPR detection, sweep by sweep
  std::vector<dsp::Detection> md;         // every VLF detection, in time order
  std::vector<dsp::FusedObject> objects;  // one per item, as SensorFusion closes them
};

// Called after each sweep (done of total) and once more at the end of the lane.
using LaneProgress = std::function<void(std::size_t done, std::size_t total)>;

// What the head delivers, input by input: a GPR trace with its place on the lane, or a VLF block
// (which carries its own). Views are valid during the call.
struct HeadInputs {
  std::function<void(const dsp::TraceView& trace, const dsp::SweepPlace& place)> trace;
  std::function<void(const dsp::md::VlfBlockView& block)> block;
};

// Renders the whole lane and hands every input to `inputs`, in the order above: each sweep's GPR
// traces at the head's advance where it took them (sweep k numbered k, its last trace marked
// ends_sweep; stamped on the head's clock in the order delivered), then the VLF blocks of the
// stretch of lane that sweep covered; the blocks left at the end. detect_lane and a recording of
// the lane (`deminer simulate --lane`) both use this, so a replay of the recording forms the same
// objects. Progress as detect_lane's.
void for_each_head_input(const Lane& lane, const HeadInputs& inputs,
                         const LaneProgress& progress = {});

// Renders and processes the whole lane. Throws std::invalid_argument naming the lane when the
// chains cannot take its sensors' data (trace length, VLF sample rate or tones): they would
// reject every input and find nothing.
[[nodiscard]] LaneDetections detect_lane(const Lane& lane,
                                         const dsp::DualSensorPipeline::Config& chains,
                                         const LaneProgress& progress = {});

// The lane's truth as the evaluation sees it: mines, and clutter of both kinds, with the strata
// "type" (object_type_name), "depth_band" and "soil".
[[nodiscard]] std::vector<eval::TruthObject> evaluation_truth(const LaneTruth& truth);

// The objects as alarms at their centres, scored by `score`; objects it scores NaN (e.g. not seen
// by the sensor being judged) raise no alarm.
using ObjectScore = std::function<double(const dsp::FusedObject&)>;
[[nodiscard]] std::vector<eval::Alarm> alarms_of(std::span<const dsp::FusedObject> objects,
                                                 const ObjectScore& score);

}  // namespace deminer::sim::lane
