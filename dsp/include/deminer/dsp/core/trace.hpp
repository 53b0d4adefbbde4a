// GPR trace (A-scan) types: the unit that flows through every GPR block.
//
// A trace is float32 samples plus the metadata needed to place it in time and space. Units are
// in the names: seconds, metres, nanoseconds. `TraceView` borrows samples (the streaming path
// passes views, never copies); `Trace` owns them (workstation code, tests, simulators).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace deminer::dsp {

struct TraceHeader {
  double dt_s = 0.0;         // sample interval
  double time_zero_s = 0.0;  // time of sample 0 relative to the transmit instant (negative:
                             // samples before the pulse left the antenna)
  double position_m = 0.0;   // position along the survey track (antenna midpoint)
  std::int64_t odometer_ticks = 0;
  std::int64_t timestamp_ns = 0;  // acquisition time, device clock
  std::uint64_t sequence = 0;     // monotonically increasing per channel; gaps mean lost traces
  std::uint16_t channel = 0;

  // Time of sample i relative to the transmit instant.
  [[nodiscard]] double time_of_sample_s(double i) const noexcept { return time_zero_s + i * dt_s; }
  // Fractional sample index at time t (relative to the transmit instant).
  [[nodiscard]] double sample_at_time(double t_s) const noexcept {
    return (t_s - time_zero_s) / dt_s;
  }
};

// Where a head that sweeps a 2-D area (a handheld over a lane) took a trace: the trace header's
// position_m runs along the sweep (across the lane), advance_m along the lane (the head's
// odometer). Sweeps are numbered by the head; ends_sweep marks the last trace before it reversed
// (a head that notices the reversal late leaves it false: a new sweep number ends the old sweep).
struct SweepPlace {
  double advance_m = 0.0;
  std::uint32_t sweep = 0;
  bool ends_sweep = false;
};

struct TraceView {
  TraceHeader header;
  std::span<const float> samples;
};

struct Trace {
  TraceHeader header;
  std::vector<float> samples;

  [[nodiscard]] TraceView view() const noexcept { return {header, samples}; }
};

}  // namespace deminer::dsp
