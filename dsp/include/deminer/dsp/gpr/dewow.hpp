// Dewow: remove the slowly varying offset ("wow") from a GPR trace, either by subtracting a
// centred running mean (default) or with a zero-phase Butterworth high-pass filter.
//
// Why: the direct coupling of the antennas and induction effects leave a low-frequency drift
// under the echoes; it biases envelopes and thresholds. A running mean over a window longer than
// the wavelet (a zero-mean pulse) follows the drift but barely touches the echoes. The high-pass
// mode has a flat pass band and a steep, well-defined cutoff (the running mean's response is a
// sinc with side lobes that let part of the drift through and dent frequencies near 1/window);
// it is zero phase, so echo times do not move.
// Units: samples. The running-mean window is a sample count (choose about two periods of the
// centre frequency or more, e.g. 41 samples = 2 ns at 20 GS/s); the high-pass cutoff is a
// fraction of Nyquist, scipy's Wn (e.g. 0.02 = 200 MHz at 20 GS/s), so that Dewow, like its
// window, needs no sample interval.
// Edges: running mean: near either end the window is truncated to the samples that exist (it
// stays as centred as the trace allows), so no sample is invented. High-pass: as
// scipy.signal.sosfiltfilt (odd extension at both ends, see ButterworthFilter).
// Latency: none beyond the trace (the whole trace is available when process() runs).
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "deminer/dsp/core/butterworth.hpp"

namespace deminer::dsp {

class Dewow {
 public:
  enum class Mode { running_mean, high_pass };

  struct Config {
    std::size_t window_samples = 41;  // running_mean: odd, >= 1: the mean at i covers
                                      // i ± window_samples/2
    Mode mode = Mode::running_mean;
    // high_pass: -3 dB cutoff as a fraction of Nyquist, in (0, 1), and the Butterworth order
    // (1..24) of each pass (the forward-backward filter has twice the order and the square of
    // the magnitude response: -6 dB at the cutoff).
    double high_pass_cutoff = 0.02;
    int high_pass_order = 4;
  };

  // Throws std::invalid_argument naming the field: window_samples even or zero (running_mean);
  // high_pass_cutoff or high_pass_order out of range (high_pass); max_samples zero.
  Dewow(const Config& config, std::size_t max_samples);

  // in.size() == out.size() <= max_samples (assert). In place (same span) is allowed.
  void process(std::span<const float> in, std::span<float> out) noexcept;
  // Stateless between traces; kept for the common block shape.
  void reset() noexcept {}

  [[nodiscard]] const Config& config() const noexcept { return config_; }

 private:
  Config config_;
  std::vector<float> input_;  // copy of the input so that in-place processing reads clean data
  std::optional<ButterworthFilter> high_pass_;
};

}  // namespace deminer::dsp
