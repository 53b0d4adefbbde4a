// DualSensorProcessor: a dual-sensor head (GPR + VLF metal detector on one position track) as the
// Runtime's TraceProcessor: dsp::DualSensorPipeline forms one object per buried item from both
// sensors, dsp::ObjectDecision decides each closed object, and every alarm leaves as a Detection.
//
// Why: the tuned configuration `deminer tune` writes (dsp/pipeline/dual_sensor_json.hpp) holds
// the chains and the decision together; the handheld and `deminer run` load it into this block,
// so an alarm on the ground means what the operating point meant on the lanes.
// Inputs: swept_gpr_trace frames (a trace with its place on the lane and its sweep) and VLF
// blocks (which carry their own place). A sweep ends after a trace marked ends_sweep or, when that
// trace was lost, at the first trace of another sweep. A plain GPR trace is ignored and counted
// (plain_traces_ignored): without its place on the lane it cannot be fused with the metal
// detector's blocks.
// Output: one Detection per alarm: sensor fused; position_m across and advance_m along the lane
// (the object's centre); score = the decision method's score (P(mine) for the classifier and
// score fusion, log10 of a sensor score for md, gpr, strength), so the runtime's alarm threshold
// compares with the tuned threshold; object_class and confidence from the classifier; depth and
// time from the radar when it saw the object, else NaN; the fused features (sensor_fusion.hpp) as
// features(). Memory: taken at construction; every call is noexcept and allocation-free.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "deminer/drivers/runtime/runtime.hpp"
#include "deminer/dsp/detect/object_decision.hpp"
#include "deminer/dsp/detect/sensor_fusion.hpp"
#include "deminer/dsp/pipeline/dual_sensor_pipeline.hpp"

namespace deminer::drivers {

class DualSensorProcessor final : public TraceProcessor {
 public:
  // Throws std::invalid_argument like DualSensorPipeline.
  DualSensorProcessor(const dsp::DualSensorPipeline::Config& chains, dsp::ObjectDecision decision);

  std::size_t process(const dsp::TraceView& trace, std::span<dsp::Detection> out) noexcept override;
  std::size_t process_swept_trace(const dsp::TraceView& trace, const dsp::SweepPlace& place,
                                  std::span<dsp::Detection> out) noexcept override;
  std::size_t process_vlf_block(const dsp::md::VlfBlockView& block,
                                std::span<dsp::Detection> out) noexcept override;
  std::size_t flush(std::span<dsp::Detection> out) noexcept override;

  [[nodiscard]] const dsp::DualSensorPipeline& pipeline() const noexcept { return pipeline_; }
  [[nodiscard]] const dsp::ObjectDecision& decision() const noexcept { return decision_; }
  // Objects closed and decided so far (alarms or not).
  [[nodiscard]] std::uint64_t objects_decided() const noexcept { return objects_decided_; }
  // Plain GPR traces (frame type 1) it was given; read it once the runtime has stopped.
  [[nodiscard]] std::uint64_t plain_traces_ignored() const noexcept {
    return plain_traces_ignored_;
  }

 private:
  // Room for the objects one pipeline call may close: no more than `out` has left, so an object
  // that might alarm never has nowhere to go (the pipeline keeps the rest for the next call).
  [[nodiscard]] std::span<dsp::FusedObject> room(std::span<dsp::Detection> out,
                                                 std::size_t written) noexcept;
  // Decides objects_[0, closed) and writes the alarms to out[written...]; returns how many.
  std::size_t decide(std::size_t closed, std::span<dsp::Detection> out,
                     std::size_t written) noexcept;
  std::size_t end_sweep(std::span<dsp::Detection> out, std::size_t written) noexcept;

  dsp::DualSensorPipeline pipeline_;
  dsp::ObjectDecision decision_;
  std::vector<dsp::FusedObject> objects_;
  std::uint32_t sweep_ = 0;  // of the latest trace
  bool sweep_open_ = false;  // traces of sweep_ went in since the last end_sweep
  std::uint64_t objects_decided_ = 0;
  std::uint64_t plain_traces_ignored_ = 0;
};

}  // namespace deminer::drivers
