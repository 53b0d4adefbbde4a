// AnalyticSignal: the complex trace x_a = x + i·H(x) (H the Hilbert transform) and the three
// attributes GPR interpretation uses from it: envelope |x_a|, instantaneous phase arg(x_a) and
// instantaneous frequency (the rate of change of that phase).
//
// Why: the envelope gives echo strength whatever the polarity; the phase shows the continuity of
// weak reflectors and the polarity flips of air-filled targets (plastic mines) against metal; the
// frequency drops where the soil absorbs the high frequencies and jumps at interfering echoes.
// How: as Envelope (envelope.hpp): zero-padded to fft_size() = fast_fft_size(2·max_samples),
// the spectrum multiplied by -i·sign(f) (DC and Nyquist zeroed) gives H(x), which equals
// scipy.signal.hilbert(x, fft_size()) restricted to the trace.
// Frequency: from the phase increments d_i = arg(x_a[i+1]·conj(x_a[i])) (robust: no unwrapping,
// valid up to Nyquist), centred as f_i = (d_{i-1} + d_i) / 2 / (2π·dt), one-sided (d_0, d_{n-2})
// at the first and last samples; 0 for a one-sample trace. For a pure tone this is exact.
// Units: envelope in input units, phase in radians wrapped to (-π, π], frequency in Hz (from
// header.dt_s). Latency: none beyond the trace.
#pragma once

#include <complex>
#include <cstddef>
#include <span>
#include <vector>

#include "deminer/dsp/core/fft.hpp"
#include "deminer/dsp/core/trace.hpp"

namespace deminer::dsp {

class AnalyticSignal {
 public:
  // Throws std::invalid_argument if max_samples is zero or the backend is not compiled in.
  explicit AnalyticSignal(std::size_t max_samples, FftBackend backend = default_fft_backend());

  // in.size() <= max_samples; each output is either empty (not computed) or in.size() long
  // (assert). Any output may be the input span (in place). header.dt_s > 0 is needed only for
  // the frequency.
  void process(const TraceHeader& header, std::span<const float> in, std::span<float> envelope,
               std::span<float> phase_rad, std::span<float> frequency_hz) noexcept;
  // Stateless between traces; kept for the common block shape.
  void reset() noexcept {}

  [[nodiscard]] std::size_t max_samples() const noexcept { return max_samples_; }
  [[nodiscard]] std::size_t fft_size() const noexcept { return fft_.size(); }

 private:
  std::size_t max_samples_;
  RealFft fft_;
  std::vector<float> padded_;  // input, zero-padded to fft_size(): the real part of x_a
  std::vector<std::complex<float>> spectrum_;
  std::vector<float> hilbert_;  // H(x) scaled by fft_size(): the imaginary part of x_a
};

}  // namespace deminer::dsp
