// Trace stacker: turn every N input traces into one output trace, by averaging them (stack) or by
// keeping one of them (decimate).
//
// Why: a radar often fires faster than the track needs (e.g. 10 traces per cm); averaging N
// traces raises the signal-to-noise ratio of uncorrelated noise by sqrt(N) and cuts the work of
// every later block by N. Decimation cuts the rate without the averaging (and without its
// smearing when the antenna moves fast).
// Output header, stack mode: position_m and odometer_ticks are the means over the N traces (where
// the stacked trace was measured on average; ticks rounded to nearest); dt_s, time_zero_s,
// sequence, timestamp_ns and channel are those of the first trace of the group, so the output can
// be traced back to its first input (output sequence numbers therefore step by N). The traces of
// a group are assumed to share dt_s and time_zero_s. Decimate mode: the first trace of each group,
// header unchanged.
// Units: traces. Latency: stack — N-1 traces (the output is ready on the N-th push); decimate —
// none (the first trace of a group is output at once).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "deminer/dsp/core/trace.hpp"

namespace deminer::dsp {

class TraceStacker {
 public:
  enum class Mode { stack, decimate };

  struct Config {
    std::size_t traces = 4;  // N, >= 1
    Mode mode = Mode::stack;
  };

  // Every trace must have exactly samples_per_trace samples. Throws std::invalid_argument naming
  // the field if traces or samples_per_trace is zero.
  TraceStacker(const Config& config, std::size_t samples_per_trace);

  // in.samples.size() == out.size() == samples_per_trace (assert); out may alias in.samples.
  // Returns true when `out_header` and `out` hold a new output trace (they are untouched
  // otherwise).
  bool push(const TraceView& in, TraceHeader& out_header, std::span<float> out) noexcept;
  // Drops a partly filled group.
  void reset() noexcept;

  // Traces in the current, incomplete group.
  [[nodiscard]] std::size_t pending_traces() const noexcept { return count_; }
  [[nodiscard]] const Config& config() const noexcept { return config_; }

 private:
  Config config_;
  std::size_t samples_per_trace_;
  std::vector<double> sum_;  // stack mode: per-sample sum over the group
  TraceHeader first_header_;
  double position_sum_m_ = 0.0;
  std::int64_t ticks_sum_ = 0;
  std::size_t count_ = 0;
};

}  // namespace deminer::dsp
