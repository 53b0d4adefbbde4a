// Kirchhoff migration (diffraction summation) of a GPR B-scan, streaming trace by trace.
//
// What: each output trace is, sample by sample, the weighted mean of the input traces of an
// aperture centred on it, read along the diffraction curve of a point that would put its apex
// echo at that output sample. A point target's hyperbola collapses onto its apex; flat reflectors
// stay where they are.
// Why streaming: the handheld unit sees traces one at a time; this block needs only the last
// `aperture_traces` of them, so it migrates while the operator sweeps.
//
// Model: ground-coupled antenna over a homogeneous medium of velocity v (no air gap, no
// refraction: for an elevated antenna use refraction.hpp and a depth-domain method instead).
// Transmitter and receiver are `antenna_offset_m` apart along the track; positions refer to their
// midpoint. A point at depth z and horizontal distance dx from the midpoint echoes after
//   T(z, dx) = (sqrt(z² + (dx - off/2)²) + sqrt(z² + (dx + off/2)²)) / v.
// Output sample i is at time t_i = time_zero_s + i·dt_s (the same grid as the input; the
// header's time_zero_s says where the transmit instant is) and images the point directly below
// the midpoint whose apex time T(z, 0) equals t_i, i.e. z = sqrt((v·t_i/2)² - (off/2)²)
// (z = v·t_i/2 for a monostatic antenna). Samples earlier than the apex time of z = 0 (off / v)
// are above the ground: they are passed through unmigrated from the centre trace. The output stays
// in time ("time migration"); depth is the formula above.
// Input tap: linear interpolation in time. The output is the weighted mean over the traces
// present: at the start and end of a line the aperture is truncated and the mean is over the
// traces that exist (a flat reflector keeps its amplitude there). Taps past the end of the record
// count as zero samples, so the bottom of the image fades rather than repeating the centre trace.
// Weights: a raised-cosine taper over the outer `taper_fraction` of each half aperture (limits
// the migration "smiles" a hard aperture edge would draw), optionally times the obliquity
// factor cos θ = z / r (mean of the two legs). No half-derivative (ρ) filter and no spreading
// correction: the output is a focused image, not true amplitude.
// Limits: constant trace spacing (the tables assume it: resample odometer-triggered data to a
// constant spacing first); fixed samples per trace, dt and time zero (a trace that differs is
// rejected and counted, see rejected_traces()); constant velocity.
// Units: metres, seconds, metres per second. Latency: aperture_traces / 2 traces (the output
// for trace n is ready when trace n + aperture_traces/2 arrives; flush() emits the last ones).
// Cost: aperture_traces · samples_per_trace multiply-adds per trace.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "deminer/dsp/core/trace.hpp"

namespace deminer::dsp {

class KirchhoffMigration {
 public:
  struct Config {
    std::size_t aperture_traces = 41;  // odd, >= 1: the traces summed for one output
    double trace_spacing_m = 0.01;     // > 0, constant along the line
    // Soil velocity: give exactly one of the two (the other 0). v = c / sqrt(εr).
    double velocity_m_per_s = 0.0;        // > 0 and <= c
    double relative_permittivity = 0.0;   // >= 1
    double antenna_offset_m = 0.0;        // >= 0, transmitter-receiver separation along the track
    std::size_t samples_per_trace = 512;  // >= 2
    double sample_interval_s = 25e-12;    // > 0
    double time_zero_s = 0.0;  // time of sample 0 after the transmit instant (header.time_zero_s)
    double taper_fraction = 0.3;    // 0..1: share of each half aperture under the cosine taper
    bool obliquity_weight = false;  // multiply each tap by cos θ
  };

  // Throws std::invalid_argument naming the bad field, its value and the valid range.
  explicit KirchhoffMigration(const Config& config);

  // Takes one input trace (in.samples.size() == samples_per_trace, header.dt_s and
  // header.time_zero_s equal to the configuration within 1e-6·dt, else the trace is rejected:
  // it is not used, rejected_traces() counts it and false is returned). Returns true when an
  // output trace is ready; then out_header is the header of the output's (centre) trace and
  // out (size samples_per_trace) its migrated samples. Otherwise out_header and out are untouched.
  bool push(const TraceView& in, TraceHeader& out_header, std::span<float> out) noexcept;
  // At the end of a line: emits the traces still pending, one per call (aperture truncated at the
  // end), and returns false when none is left; the block is then reset for the next line.
  bool flush(TraceHeader& out_header, std::span<float> out) noexcept;
  // Forgets all traces (start of a new line). The rejected-trace counter is kept.
  void reset() noexcept;

  [[nodiscard]] const Config& config() const noexcept { return config_; }
  [[nodiscard]] double velocity_m_per_s() const noexcept { return velocity_m_per_s_; }
  // Latency in traces: aperture_traces / 2.
  [[nodiscard]] std::size_t latency_traces() const noexcept { return half_; }
  [[nodiscard]] std::uint64_t rejected_traces() const noexcept { return rejected_; }

 private:
  // One tap of the diffraction curve: input trace at lateral distance |m| traces, read at the
  // fractional sample `index + fraction`, weighted by `weight` (0: no tap; index past_end: a
  // zero sample beyond the end of the record).
  static constexpr std::int32_t past_end = -1;
  struct Tap {
    std::int32_t index;
    float fraction;
    float weight;
  };

  void emit(std::size_t centre, std::size_t last_available, TraceHeader& out_header,
            std::span<float> out) noexcept;
  [[nodiscard]] std::span<float> slot(std::size_t trace) noexcept;

  Config config_;
  double velocity_m_per_s_;
  std::size_t half_;
  std::vector<Tap> taps_;  // [i · (half_ + 1) + |m|]
  // Ring of the last aperture_traces traces: trace number n lives in slot n % aperture_traces.
  std::vector<float> ring_;
  std::vector<TraceHeader> ring_headers_;
  std::vector<double> sum_;
  std::vector<double> weight_sum_;
  std::size_t pushed_ = 0;   // traces accepted since reset
  std::size_t emitted_ = 0;  // outputs produced since reset
  std::uint64_t rejected_ = 0;
};

}  // namespace deminer::dsp
