// Time-zero: find the first break (onset of the direct wave) of a GPR trace and shift every trace
// so that its first break lands on a common sample, then state in the header which physical time
// that sample is.
//
// Why: the trigger of a GPR drifts with temperature and cable length, so the direct wave wanders
// by a fraction of a nanosecond from trace to trace. Depths come from two-way times, and
// background removal assumes the flat bands sit on the same samples in every trace; both need a
// common, known time-zero.
//
// FirstBreakPicker methods (indices are fractional samples, 0 = first sample of the trace):
//  - threshold: the first sample in the search range where |x| reaches threshold_fraction of the
//    largest |x| in that range; the crossing is interpolated linearly between that sample and the
//    one before, so the pick is sub-sample.
//  - energy_ratio: R(i) = (E_after(i) + ε) / (E_before(i) + ε), with E_after the energy of
//    x[i, i+W) and E_before that of x[i-W, i), W = energy_window_samples, ε = 1e-3 · the largest
//    E_after in the range (so that a noise-free lead-in does not divide by zero). The pick is the
//    maximum of log R refined by a parabola through its three neighbouring values. We pick the
//    maximum of the ratio rather than of its derivative: the maximum sits where the "before"
//    window is still quiet and the "after" window holds the onset, which is robust to noise,
//    whereas the derivative doubles the noise. It lands near the onset, typically a few samples
//    before the threshold pick; what matters for alignment is that it moves with the wavelet.
//
// TimeZeroAligner: shift s = target_sample - pick (positive = later). The fractional shift uses a
// Kaiser-windowed sinc interpolator (2·interpolator_half_width taps, β = 8, taps normalised to a
// DC gain of 1): unlike an FFT phase ramp it does not wrap around the trace, and samples shifted in
// from beyond either end are zero. Accuracy: about 1e-4 of the peak for a wavelet whose spectrum
// ends below 0.35 cycles/sample with the default 16-tap half-width.
// Units: samples; header times in seconds. Latency: none beyond the trace.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "deminer/dsp/core/trace.hpp"

namespace deminer::dsp {

class FirstBreakPicker {
 public:
  enum class Method { threshold, energy_ratio };

  struct Config {
    Method method = Method::threshold;
    double threshold_fraction = 0.1;         // of the largest |x| in the search range, (0, 1]
    std::size_t energy_window_samples = 16;  // W for energy_ratio, >= 1
    std::size_t search_begin_sample = 0;     // the search range is [begin, end)
    std::size_t search_end_sample = 0;       // 0: to the end of the trace
  };

  // Throws std::invalid_argument naming the field for a bad value.
  explicit FirstBreakPicker(const Config& config);

  // Fractional sample index of the first break, or NaN when there is none (empty or all-zero
  // search range, range outside the trace, or too short for the energy windows).
  [[nodiscard]] double pick(std::span<const float> trace) const noexcept;

  [[nodiscard]] const Config& config() const noexcept { return config_; }

 private:
  [[nodiscard]] double pick_threshold(std::span<const float> x) const noexcept;
  [[nodiscard]] double pick_energy_ratio(std::span<const float> x) const noexcept;

  Config config_;
};

class TimeZeroAligner {
 public:
  enum class PickMode {
    every_trace,  // pick each trace and shift it by its own amount (removes trigger jitter)
    first_trace,  // pick the first trace after construction/reset(), apply its shift to all
  };

  struct Config {
    FirstBreakPicker::Config picker;
    PickMode pick_mode = PickMode::every_trace;
    double target_sample = 20.0;               // where the first break ends up, >= 0
    double first_break_time_s = 0.0;           // physical time of the first break after transmit
                                               // (e.g. antenna offset / c for the direct wave)
    double max_shift_samples = 64.0;           // |shift| is clamped to this, > 0
    std::size_t interpolator_half_width = 16;  // sinc taps on each side, 1..64
  };

  // Every trace has at most max_samples samples. Throws std::invalid_argument naming the field.
  TimeZeroAligner(const Config& config, std::size_t max_samples);

  // in.size() == out.size() <= max_samples (assert); in place (same span) is allowed. Shifts the
  // trace and sets header.time_zero_s = first_break_time_s - target_sample · header.dt_s (the
  // other header fields are left alone). When the pick fails (NaN) the trace is shifted by the
  // last good shift (0 before any) and failed_picks() counts it; a shift beyond
  // ±max_shift_samples is clamped and clamped_shifts() counts it.
  void process(TraceHeader& header, std::span<const float> in, std::span<float> out) noexcept;
  void reset() noexcept;

  // Shift applied to the last trace (samples, positive = later) and the pick it came from (NaN
  // when that pick failed or was not made because pick_mode is first_trace).
  [[nodiscard]] double last_shift_samples() const noexcept { return shift_; }
  [[nodiscard]] double last_pick_sample() const noexcept { return last_pick_; }
  [[nodiscard]] std::uint64_t failed_picks() const noexcept { return failed_picks_; }
  [[nodiscard]] std::uint64_t clamped_shifts() const noexcept { return clamped_shifts_; }
  [[nodiscard]] const Config& config() const noexcept { return config_; }

 private:
  void shift_trace(std::span<const float> in, std::span<float> out) noexcept;

  Config config_;
  FirstBreakPicker picker_;
  std::vector<float> input_;  // copy of the input (in-place safe)
  std::vector<float> taps_;   // 2·half_width interpolator taps for the current fractional shift
  double shift_ = 0.0;
  double last_pick_ = 0.0;
  bool have_shift_ = false;
  std::uint64_t failed_picks_ = 0;
  std::uint64_t clamped_shifts_ = 0;
};

}  // namespace deminer::dsp
