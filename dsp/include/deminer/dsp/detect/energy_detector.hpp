// Energy detector: turns a stream of GPR envelope traces into one Detection per buried object.
//
// Why: after background removal a buried object shows as a hyperbola whose apex (earliest echo)
// lies above it. Per trace, the detector takes the peak of the envelope inside a time gate that
// opens after the surface echo, and divides it by a robust noise level: the median of the
// envelope in the same gate (mostly noise, since an echo covers a few percent of it), never below
// noise_floor. This ratio rises and falls as the antenna passes an object; its hyperbola flanks
// stay visible far away (tens of cm) and background removal leaves a weak ghost behind a strong
// echo, so a fixed release threshold would merge neighbours and double-count. Instead the
// hysteresis is relative (a peak detector with prominence): a peak is confirmed once the ratio
// has fallen below peak / prominence, and the next peak is only looked for after the ratio has
// risen to prominence × the valley in between. A confirmed peak is reported if it reached
// trigger_ratio on at least min_event_traces traces.
// Apex: the two-way time t of the envelope peak (refined by a parabola through three samples) is
// recorded for the traces within apex_fit_traces of the peak trace; a least-squares fit of
// t² = a + b·x + c·x² over those whose ratio is above peak / prominence (t² of a hyperbola is
// exactly quadratic in x for straight rays, nearly so with refraction) gives the position of the
// apex (its vertex) and the apex time. Depth comes from the apex time by inverting the
// refraction geometry (refraction.hpp) with the configured soil permittivity and antenna.
// If the fit is ill-posed the peak trace's own position and time are used.
// score = peak / noise at the peak trace.
// Units: seconds, metres; the envelope in any unit (noise_floor in the same unit).
// Latency: a detection is written with the trace that confirms its peak (the ratio has fallen
// below peak / prominence), typically 5–30 traces after the apex.
#pragma once

#include <boost/circular_buffer.hpp>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "deminer/dsp/core/detection.hpp"
#include "deminer/dsp/core/trace.hpp"
#include "deminer/dsp/gpr/refraction.hpp"

namespace deminer::dsp {

class EnergyDetector {
 public:
  struct Config {
    AntennaGeometry geometry;          // height (0, 2] m, offset [0, 2] m, εr [1, 100]
    double gate_delay_s = 0.1e-9;      // gate opens this long after the surface echo, [0, 1e-6]
    double gate_length_s = 20e-9;      // (0, 1e-5]
    float trigger_ratio = 8.0f;        // peak / noise an object must reach, [1, 1e6]
    float prominence = 2.0f;           // relative hysteresis factor, [1.01, 1e6]
    std::size_t min_event_traces = 3;  // traces at or above trigger_ratio in a peak, [1, 1e6]
    std::size_t apex_fit_traces = 10;  // half-width of the apex fit window, [1, 1000]
    float noise_floor = 1e-6f;         // lower bound of the noise level, (0, 1e30]
    double max_depth_m = 5.0;          // depths are reported in [0, max_depth_m], (0, 100]
  };

  // Throws std::invalid_argument naming the field, its value and the valid range.
  EnergyDetector(const Config& config, std::size_t max_samples);

  // One trace's envelope (envelope.size() <= max_samples, assert) and its header. Returns the
  // number of detections written to `out` (0 or 1); a detection that finds `out` empty is
  // counted in dropped_detections().
  std::size_t process(const TraceHeader& header, std::span<const float> envelope,
                      std::span<Detection> out) noexcept;
  // End of data: reports a peak not yet confirmed, then starts afresh (like reset(), but the
  // dropped_detections() count is kept). Returns 0 or 1 like process().
  std::size_t flush(std::span<Detection> out) noexcept;
  void reset() noexcept;

  [[nodiscard]] const Config& config() const noexcept { return config_; }
  [[nodiscard]] std::uint64_t dropped_detections() const noexcept { return dropped_; }

 private:
  struct TraceStat {
    double position_m = 0.0;
    double peak_time_s = 0.0;
    float ratio = 0.0f;  // envelope peak in the gate / noise
    std::uint64_t sequence = 0;
    std::int64_t timestamp_ns = 0;
    std::uint16_t channel = 0;
  };

  TraceStat measure(const TraceHeader& header, std::span<const float> envelope) noexcept;
  void start_peak(const TraceStat& stat) noexcept;
  std::size_t report(std::span<Detection> out) noexcept;

  Config config_;
  std::vector<float> scratch_;                // gate samples for the median
  boost::circular_buffer<TraceStat> recent_;  // the last apex_fit_traces + 1 traces
  std::vector<TraceStat> window_;  // traces around the current peak, capacity 2·apex_fit + 1
  std::size_t after_needed_ = 0;   // traces still to append to window_ after the peak
  bool seeking_peak_ = true;
  TraceStat peak_;
  std::size_t strong_traces_ = 0;  // traces at or above trigger_ratio in this peak
  float valley_ratio_ = 0.0f;
  std::uint64_t dropped_ = 0;
};

}  // namespace deminer::dsp
