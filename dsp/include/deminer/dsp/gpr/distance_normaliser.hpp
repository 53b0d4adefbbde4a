// Distance normaliser: resample a trace stream taken at irregular positions along the track to
// traces at constant spacing, positions origin_m + k · spacing_m (k any integer).
//
// Why: an operator sweeps a handheld unevenly and a vehicle changes speed, but migration,
// hyperbola fitting and along-track windows (background removal, stacking) assume that one trace
// step is a fixed distance. Each output trace is the linear interpolation, sample by sample, of
// the two accepted input traces whose positions bracket it: x = (1-w)·previous + w·current,
// w = (p - p_previous) / (p_current - p_previous). No extrapolation: grid positions before the
// first accepted trace are never produced; a grid position exactly on the first trace is (a copy).
//
// Position: header.position_m, or header.odometer_ticks · metres_per_tick (Config).
// Non-advancing traces: the track is assumed to run towards increasing positions. A trace is
// accepted only when it lies more than stationary_tolerance_m beyond the last accepted trace;
// otherwise it is skipped and counted, as stationary (within ±tolerance) or backwards (further
// behind). A non-finite position is skipped and counted as invalid. So after stepping back the
// stream resumes once the antenna passes the furthest point already covered.
// Gaps: with max_gap_m > 0, when two accepted traces are more than max_gap_m apart (lost traces,
// a lifted antenna) no output is interpolated across the gap; its grid positions are counted as
// gap_outputs() and the output sequence numbers (= k) jump.
// Output header: position_m = the grid position, sequence = k, timestamp_ns and odometer_ticks
// interpolated linearly (ticks rounded); dt_s, time_zero_s and channel from the nearer input.
// Use: push() each input, then pop() until it returns false. Outputs not popped before the next
// accepted push are dropped and counted (dropped_outputs()).
// Memory: two traces. Latency: an output is ready as soon as the input beyond it arrives.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "deminer/dsp/core/trace.hpp"

namespace deminer::dsp {

class DistanceNormaliser {
 public:
  enum class PositionSource { position_m, odometer_ticks };

  struct Config {
    double spacing_m = 0.01;  // > 0
    double origin_m = 0.0;    // finite: a grid position
    PositionSource position_source = PositionSource::position_m;
    double metres_per_tick = 0.0;         // > 0 when position_source is odometer_ticks
    double stationary_tolerance_m = 0.0;  // >= 0
    double max_gap_m = 0.0;               // >= 0; 0: interpolate across any gap
  };

  // Every trace must have exactly samples_per_trace samples. Throws std::invalid_argument naming
  // the field for a bad value.
  DistanceNormaliser(const Config& config, std::size_t samples_per_trace);

  // in.samples.size() == samples_per_trace (assert).
  void push(const TraceView& in) noexcept;
  // out.size() == samples_per_trace (assert). Returns false when no output is ready.
  bool pop(TraceHeader& out_header, std::span<float> out) noexcept;
  // Forgets the traces and zeroes the counters.
  void reset() noexcept;

  [[nodiscard]] std::uint64_t skipped_stationary() const noexcept { return skipped_stationary_; }
  [[nodiscard]] std::uint64_t skipped_backwards() const noexcept { return skipped_backwards_; }
  [[nodiscard]] std::uint64_t skipped_invalid() const noexcept { return skipped_invalid_; }
  [[nodiscard]] std::uint64_t dropped_outputs() const noexcept { return dropped_outputs_; }
  [[nodiscard]] std::uint64_t gap_outputs() const noexcept { return gap_outputs_; }
  [[nodiscard]] const Config& config() const noexcept { return config_; }

 private:
  [[nodiscard]] double position_of(const TraceHeader& header) const noexcept;
  [[nodiscard]] double grid(std::int64_t k) const noexcept;
  [[nodiscard]] std::int64_t first_index_at_or_after(double position_m) const noexcept;
  [[nodiscard]] std::int64_t first_index_after(double position_m) const noexcept;

  Config config_;
  std::size_t samples_per_trace_;
  std::vector<float> previous_;
  std::vector<float> current_;
  TraceHeader previous_header_;
  TraceHeader current_header_;
  double previous_m_ = 0.0;
  double current_m_ = 0.0;
  std::size_t accepted_ = 0;  // saturates at 2: 0 none, 1 current only, 2 both
  std::int64_t next_index_ = 0;
  std::uint64_t skipped_stationary_ = 0;
  std::uint64_t skipped_backwards_ = 0;
  std::uint64_t skipped_invalid_ = 0;
  std::uint64_t dropped_outputs_ = 0;
  std::uint64_t gap_outputs_ = 0;
};

}  // namespace deminer::dsp
