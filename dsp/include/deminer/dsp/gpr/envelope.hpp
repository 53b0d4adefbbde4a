// Envelope: the magnitude of the analytic signal, sqrt(x² + H(x)²), with H the Hilbert
// transform, computed with the FFT layer.
//
// Why: a GPR echo is an oscillating wavelet whose sign and phase depend on the target; its
// envelope is one positive bump centred on the (zero-phase) wavelet, so peak picking on it gives
// the echo's time and strength whatever the polarity.
// How: the envelope output of AnalyticSignal (analytic_signal.hpp): the trace is zero-padded to
// fft_size() = fast_fft_size(2·max_samples) (the padding keeps the end of the trace from
// wrapping onto its start, and the 5-smooth size keeps execution allocation-free), and the
// Hilbert transform taken in the frequency domain. This equals
// scipy.signal.hilbert(x, N=fft_size()) restricted to the trace.
// Units: those of the input. Latency: none beyond the trace.
#pragma once

#include <cstddef>
#include <span>

#include "deminer/dsp/gpr/analytic_signal.hpp"

namespace deminer::dsp {

class Envelope {
 public:
  // Throws std::invalid_argument if max_samples is zero or the backend is not compiled in.
  explicit Envelope(std::size_t max_samples, FftBackend backend = default_fft_backend());

  // in.size() == out.size() <= max_samples (assert). In place (same span) is allowed.
  void process(std::span<const float> in, std::span<float> out) noexcept;
  // Stateless between traces; kept for the common block shape.
  void reset() noexcept {}

  [[nodiscard]] std::size_t max_samples() const noexcept { return analytic_.max_samples(); }
  [[nodiscard]] std::size_t fft_size() const noexcept { return analytic_.fft_size(); }

 private:
  AnalyticSignal analytic_;
};

}  // namespace deminer::dsp
