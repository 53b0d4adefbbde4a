// BandPass: zero-phase band-pass filter applied in the frequency domain, with raised-cosine
// (Hann) edges.
//
// Why: a GPR antenna's useful band is known (e.g. 0.3-2.5 GHz for a 1.5 GHz antenna); cutting
// what lies outside removes the residual wow, the DC offset and the high-frequency noise without
// moving echoes in time (the response is real, so there is no phase shift), and the tapered edges
// keep its impulse response short (a brick-wall band would ring over the whole trace).
// Response: H(f) = 1 on [low_hz, high_hz]; below low_hz it rises as 0.5·(1 - cos(π(f - low_hz +
// taper_hz)/taper_hz)) from 0 at low_hz - taper_hz; above high_hz it falls symmetrically to 0 at
// high_hz + taper_hz; 0 elsewhere (taper_hz = 0: brick wall). The edges lie outside the pass band,
// so a tone inside [low_hz, high_hz] keeps its amplitude.
// How: the trace is zero-padded to fft_size() = fast_fft_size(2·max_samples) (the padding keeps
// the filtered end of the trace from wrapping onto its start; the 5-smooth size keeps execution
// allocation-free), transformed, multiplied by H at the bin frequencies k/(fft_size·dt), and
// transformed back. Short traces are padded to the same fft_size().
// Units: Hz and seconds. Latency: none beyond the trace.
#pragma once

#include <complex>
#include <cstddef>
#include <span>
#include <vector>

#include "deminer/dsp/core/fft.hpp"

namespace deminer::dsp {

class BandPass {
 public:
  struct Config {
    double sample_interval_s = 0.05e-9;  // > 0
    double low_hz = 300e6;               // >= 0, lower edge of the flat pass band
    double high_hz = 2.5e9;              // > low_hz, <= Nyquist: upper edge of the pass band
    double taper_hz = 200e6;             // >= 0, width of each raised-cosine edge
  };

  // Throws std::invalid_argument naming the field and its valid range, if max_samples is zero, or
  // if the backend is not compiled in.
  BandPass(const Config& config, std::size_t max_samples,
           FftBackend backend = default_fft_backend());

  // in.size() == out.size() <= max_samples (assert). In place (same span) is allowed.
  void process(std::span<const float> in, std::span<float> out) noexcept;
  // Stateless between traces; kept for the common block shape.
  void reset() noexcept {}

  [[nodiscard]] const Config& config() const noexcept { return config_; }
  [[nodiscard]] std::size_t fft_size() const noexcept { return fft_.size(); }
  // H at bin k (frequency k / (fft_size() · sample_interval_s)), k = 0..fft_size()/2.
  [[nodiscard]] std::span<const float> response() const noexcept { return response_; }

  [[nodiscard]] std::size_t max_samples() const noexcept { return max_samples_; }

 private:
  Config config_;
  std::size_t max_samples_;
  RealFft fft_;
  std::vector<float> response_;  // H(f_k)
  std::vector<float> padded_;
  std::vector<std::complex<float>> spectrum_;
};

}  // namespace deminer::dsp
