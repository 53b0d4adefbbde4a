// Butterworth IIR filters: design (second-order sections, like scipy.signal.butter(...,
// output='sos')) and a block that applies the cascade along one trace, causally (like
// scipy.signal.sosfilt) or with zero phase (like scipy.signal.sosfiltfilt).
//
// Why: a maximally flat pass band is the usual choice for GPR band limiting and dewow (high-pass)
// filters; second-order sections keep high orders numerically stable; the zero-phase form keeps
// echo times where they are, which depth estimation needs.
// Design: the analog prototype is moved to the requested band, then to z by the bilinear transform
// with pre-warped cutoffs, and poles/zeros are paired into sections exactly as scipy's zpk2sos
// ('nearest' pairing: the sections are ordered so that the poles closest to the unit circle come
// last, and the overall gain sits in the first section). Coefficients match scipy to rounding.
// Units: cutoffs in Hz with the sample interval in seconds (block), or as a fraction of Nyquist
// (design function, scipy's Wn). Latency: none beyond the trace (each trace is filtered on its own,
// with the state cleared first: traces are independent signals, not one stream).
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace deminer::dsp {

// One biquad, a0 = 1: H(z) = (b0 + b1 z^-1 + b2 z^-2) / (1 + a1 z^-1 + a2 z^-2).
struct SosSection {
  double b0 = 1.0;
  double b1 = 0.0;
  double b2 = 0.0;
  double a1 = 0.0;
  double a2 = 0.0;
};

enum class FilterBandType { lowpass, highpass, bandpass, bandstop };

// scipy.signal.butter(order, Wn, btype, output='sos'). Cutoffs are fractions of Nyquist, in (0, 1)
// (the -3 dB points). lowpass/highpass use `cutoff_low` only; bandpass/bandstop use both and need
// cutoff_low < cutoff_high. Returns ceil(order/2) sections (lowpass/highpass) or `order` sections
// (bandpass/bandstop). Throws std::invalid_argument for order outside [1, 24] or bad cutoffs.
[[nodiscard]] std::vector<SosSection> design_butterworth(int order, FilterBandType type,
                                                         double cutoff_low,
                                                         double cutoff_high = 0.0);

// The edge padding (samples at each end) scipy.signal.sosfiltfilt uses by default for `sections`:
// 3 * (2 * sections + 1 - min(#sections with b2 == 0, #sections with a2 == 0)).
[[nodiscard]] std::size_t sosfiltfilt_default_padding(
    std::span<const SosSection> sections) noexcept;

class ButterworthFilter {
 public:
  struct Config {
    int order =
        4;  // 1..24; bandpass/bandstop filters have twice as many poles (scipy's convention)
    FilterBandType type = FilterBandType::bandpass;
    double low_hz = 100e6;               // cutoff of highpass, lower edge of bandpass/bandstop
    double high_hz = 3e9;                // cutoff of lowpass, upper edge of bandpass/bandstop
    double sample_interval_s = 0.05e-9;  // > 0; cutoffs must lie in (0, Nyquist)
    bool zero_phase = true;  // forward-backward (sosfiltfilt) rather than causal (sosfilt)
  };

  // Throws std::invalid_argument naming the field (order, low_hz, high_hz, sample_interval_s) or
  // max_samples if 0.
  ButterworthFilter(const Config& config, std::size_t max_samples);

  // in.size() == out.size() <= max_samples (assert). In place (same span) is allowed.
  // Causal: scipy.signal.sosfilt(sos, x) (zero initial state).
  // Zero phase: scipy.signal.sosfiltfilt(sos, x) with its defaults (odd extension of
  // padding() samples at each end, steady-state initial conditions scaled by the first sample
  // of each pass). Traces not longer than padding() are extended by in.size() - 1 samples instead,
  // which equals sosfiltfilt(sos, x, padlen=len(x) - 1) (scipy itself refuses them).
  void process(std::span<const float> in, std::span<float> out) noexcept;
  // Stateless between traces (the state is cleared at the start of every trace).
  void reset() noexcept {}

  [[nodiscard]] const Config& config() const noexcept { return config_; }
  [[nodiscard]] std::span<const SosSection> sections() const noexcept { return sections_; }
  // Samples of odd extension at each end in zero-phase mode (sosfiltfilt's default padlen).
  [[nodiscard]] std::size_t padding() const noexcept { return padding_; }

 private:
  struct SectionState {
    double z1 = 0.0;
    double z2 = 0.0;
  };
  // Runs the cascade over `signal` in place, starting from `state_` (direct form II transposed,
  // as scipy's sosfilt).
  void run_cascade(std::span<double> signal) noexcept;

  Config config_;
  std::size_t max_samples_;
  std::vector<SosSection> sections_;
  std::vector<SectionState> state_;
  std::vector<SectionState> steady_state_;  // sosfilt_zi: state after a unit step has settled
  std::size_t padding_;
  std::vector<double> extended_;  // trace with its odd extensions, double for the two passes
};

}  // namespace deminer::dsp
