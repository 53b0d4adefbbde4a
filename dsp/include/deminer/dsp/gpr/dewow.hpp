// Dewow: remove the slowly varying offset ("wow") from a GPR trace by subtracting a centred
// running mean.
//
// Why: the direct coupling of the antennas and induction effects leave a low-frequency drift
// under the echoes; it biases envelopes and thresholds. A running mean over a window longer than
// the wavelet (a zero-mean pulse) follows the drift but barely touches the echoes.
// Units: samples (the window is a sample count; choose about two periods of the centre frequency
// or more, e.g. 41 samples = 2 ns at 20 GS/s). Edges: near either end the window is truncated to
// the samples that exist (it stays as centred as the trace allows), so no sample is invented.
// Latency: none beyond the trace (the whole trace is available when process() runs).
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace deminer::dsp {

class Dewow {
 public:
  struct Config {
    std::size_t window_samples = 41;  // odd, >= 1: the mean at i covers i ± window_samples/2
  };

  // Throws std::invalid_argument if the window is even, zero, or max_samples is zero.
  Dewow(const Config& config, std::size_t max_samples);

  // in.size() == out.size() <= max_samples (assert). In place (same span) is allowed.
  void process(std::span<const float> in, std::span<float> out) noexcept;
  // Stateless between traces; kept for the common block shape.
  void reset() noexcept {}

  [[nodiscard]] const Config& config() const noexcept { return config_; }

 private:
  Config config_;
  std::vector<float> input_;  // copy of the input so that in-place processing reads clean data
};

}  // namespace deminer::dsp
