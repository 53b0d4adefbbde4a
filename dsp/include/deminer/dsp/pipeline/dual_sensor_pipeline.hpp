// DualSensorPipeline: the front end of a dual-sensor head (GPR and a VLF metal detector on one
// position track), from samples to objects: GPR traces through GprPipeline, VLF blocks through
// VlfPipeline, and both sensors' detections fused into one object per buried item
// (SensorFusion). Each object it closes goes to an ObjectDecision (detect/object_decision.hpp)
// for the alarm, its class and confidence.
//
// Why: `deminer train`, `tune` and `replay` judge the objects this chain forms on labelled lanes;
// the handheld must form the same objects, or a tuned threshold would not mean on the ground
// what it meant on the lanes. So the lanes run this block, input by input, as the head would.
// Positions: a GPR trace's header position_m runs along the sweep (across the lane); the caller
// gives each trace's advance_m along the lane (the head's odometer; the GPR link frame does not
// carry it). A VLF block's header carries both. A GPR detection is reported some traces after
// its apex, so it is placed along the lane at the advance of the trace of this sweep whose
// position is nearest its apex (the head advances while it sweeps).
// Sweeps: end_sweep() at each reversal of the head drains the GPR chain and starts it afresh:
// its background window and tracks belong to one pass in one direction.
// Closing: after each input, the objects the sweep line (the input's advance) has left behind
// by more than the fusion's settle distance are closed; flush() at the end of the lane closes
// the rest (call it until it returns 0). Objects that do not fit in `out` wait for the next call.
// Memory: taken at construction; every call is noexcept and allocation-free.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <vector>

#include "deminer/dsp/core/detection.hpp"
#include "deminer/dsp/core/trace.hpp"
#include "deminer/dsp/detect/sensor_fusion.hpp"
#include "deminer/dsp/md/md_frame.hpp"
#include "deminer/dsp/pipeline/gpr_pipeline.hpp"
#include "deminer/dsp/pipeline/vlf_pipeline.hpp"

namespace deminer::dsp {

class DualSensorPipeline {
 public:
  // Detections one call can pass on; more are dropped by the chain that made them (counted there).
  static constexpr std::size_t detections_per_call = 64;

  struct Config {
    GprPipeline::Config gpr;
    VlfPipeline::Config md;
    SensorFusion::Config fusion;
    // The latest traces of a sweep whose places are kept to place GPR detections, [16, 1e6]:
    // at least the detector's latency in traces.
    std::size_t traces_per_sweep = 4096;
  };

  // Throws std::invalid_argument naming the block and field when a part rejects its config.
  explicit DualSensorPipeline(const Config& config);

  std::size_t process_trace(const TraceView& trace, double advance_m,
                            std::span<FusedObject> out) noexcept;
  std::size_t process_block(const md::VlfBlockView& block, std::span<FusedObject> out) noexcept;
  std::size_t end_sweep(std::span<FusedObject> out) noexcept;
  std::size_t flush(std::span<FusedObject> out) noexcept;
  void reset() noexcept;

  // The detections the latest call passed to the fusion, placed on the lane (valid until the
  // next call): for pictures and evaluation.
  [[nodiscard]] std::span<const Detection> last_detections() const noexcept {
    return std::span(found_).first(found_count_);
  }
  [[nodiscard]] const GprPipeline& gpr() const noexcept { return gpr_; }
  [[nodiscard]] const VlfPipeline& md() const noexcept { return md_; }
  [[nodiscard]] const SensorFusion& fusion() const noexcept { return fusion_; }

 private:
  struct TracePlace {
    double position_m = 0.0;
    double advance_m = 0.0;
  };
  // Places the GPR detections found_[from, found_count_) along the lane and fuses every
  // detection from `from` on.
  void fuse_found(std::size_t from, bool place_gpr) noexcept;
  [[nodiscard]] double advance_at(double position_m) const noexcept;
  void forget_sweep() noexcept;

  GprPipeline gpr_;
  VlfPipeline md_;
  SensorFusion fusion_;
  std::vector<TracePlace> track_;  // ring of this sweep's latest traces, sized at construction
  std::size_t track_next_ = 0;
  std::size_t track_count_ = 0;
  std::array<Detection, detections_per_call> found_{};
  std::size_t found_count_ = 0;
  double head_advance_m_ = 0.0;  // of the latest input
};

}  // namespace deminer::dsp
