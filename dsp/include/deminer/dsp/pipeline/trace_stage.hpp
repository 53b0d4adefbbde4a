// TraceStage: one step of the GPR pipeline, as the pipeline sees it.
//
// Why: blocks have the shapes their work needs (a filter maps one trace to one trace, stacking
// keeps N traces to make one, distance normalisation makes zero or several traces from one,
// migration answers half an aperture later). The pipeline chains them through this single
// interface so that a configuration can order them freely. Each stage works in place on one
// slot (header + samples, fixed capacity) and never allocates, locks or throws.
#pragma once

#include <span>

#include "deminer/dsp/core/trace.hpp"

namespace deminer::dsp {

struct TraceSlot {
  TraceHeader header;
  std::span<float> samples;
};

class TraceStage {
 public:
  virtual ~TraceStage() = default;

  // Takes the trace in `slot` and, in place, leaves there the trace to pass on: returns true
  // when there is one, false when the stage keeps the input (e.g. stacking its first N-1).
  virtual bool process(TraceSlot& slot) noexcept = 0;
  // Further traces the stage has ready: after process() (stages that make several traces from
  // one) and, with end_of_data, those it still holds (e.g. migration's last half aperture).
  // The pipeline calls it until it returns false.
  virtual bool next(TraceSlot& slot, bool end_of_data) noexcept {
    (void)slot;
    (void)end_of_data;
    return false;
  }
  virtual void reset() noexcept = 0;
};

}  // namespace deminer::dsp
