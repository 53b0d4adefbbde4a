// VlfDemodulator: phase-locked I/Q demodulation of a VLF detector's raw receive-coil samples into
// one complex sample (phasor) per tone per demodulation window: the channel rate is
// sample_rate_hz / window_samples.
//
// Why: the receive signal is a sum of the transmitted tones, each multiplied by the coil and
// target response; its amplitude and phase at every tone are what the chain works on. Because
// the ADC is phase-locked to the transmitter and a window spans an integer number of periods of
// every tone, the window sum of x·e^{-iωt} is an exact matched filter: tones are orthogonal over
// the window (no leakage between them, nor from a DC offset), with no low-pass filter to design
// and no settling. Per sample and tone the work is two multiply-adds (references tabulated in the
// constructor as float, sums in double so 0.1% amplitude holds over long windows).
// Convention (docs/metal-detector.md): a tone A·cos(ωt + φ) gives the phasor A·e^{iφ}, i.e. the
// signal is Re{Z·e^{iωt}}; t = 0 is sample 0 of the stream (and of every VLF block).
// Units: volts in, volts (phasor amplitude) out. Latency: one window (the phasor of a window is
// available after its last sample). Windows run across block boundaries; restart_window() drops a
// partial window (after a lost block the next block again starts at phase 0).
#pragma once

#include <array>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "deminer/dsp/md/md_frame.hpp"

namespace deminer::dsp::md {

class VlfDemodulator {
 public:
  struct Config {
    double sample_rate_hz = 100e3;                               // (0, 1e9]
    std::array<double, max_tones> tone_hz{10e3, 0.0, 0.0, 0.0};  // first tone_count: (0, Nyquist)
    std::size_t tone_count = 1;                                  // [1, max_tones]
    // Samples per window, [2, 1e7]: window_samples·tone_hz/sample_rate_hz must be an integer
    // (within 1e-6) for every tone, e.g. 100 samples = 10 periods of 10 kHz at 100 kS/s.
    std::size_t window_samples = 100;
  };

  // Throws std::invalid_argument naming the field, its value and the valid range (a tone that
  // does not complete an integer number of periods in a window, or that repeats another tone).
  explicit VlfDemodulator(const Config& config);

  // Demodulates `in`, continuing the window in progress. For every window completed, writes
  // tone_count phasors (window-major: out[w·tone_count + k] is tone k of window w) and returns
  // the number of windows completed. `out` should hold windows_for(in.size()) windows; windows
  // that do not fit are dropped and counted in dropped_windows().
  std::size_t process(std::span<const float> in, std::span<std::complex<float>> out) noexcept;

  // The most windows process() can complete from `samples` more samples.
  [[nodiscard]] std::size_t windows_for(std::size_t samples) const noexcept {
    return (samples + window_samples() - 1) / window_samples();
  }
  // Samples already in the window in progress (0 right after a window completed).
  [[nodiscard]] std::size_t samples_in_window() const noexcept { return position_; }
  [[nodiscard]] std::size_t window_samples() const noexcept { return config_.window_samples; }
  [[nodiscard]] std::size_t tone_count() const noexcept { return config_.tone_count; }
  [[nodiscard]] double channel_rate_hz() const noexcept {
    return config_.sample_rate_hz / static_cast<double>(config_.window_samples);
  }
  [[nodiscard]] std::uint64_t dropped_windows() const noexcept { return dropped_; }
  [[nodiscard]] const Config& config() const noexcept { return config_; }

  // Drops the partial window: the next sample is at phase 0 of every tone.
  void restart_window() noexcept;
  void reset() noexcept;

 private:
  Config config_;
  // Per window position p and tone k: (2/N)·cos(ω_k p/fs), −(2/N)·sin(ω_k p/fs), interleaved
  // [p][k][cos, sin] so one sample reads one contiguous run.
  std::vector<float> reference_;
  std::array<double, max_tones> sum_re_{};
  std::array<double, max_tones> sum_im_{};
  std::size_t position_ = 0;
  std::uint64_t dropped_ = 0;
};

}  // namespace deminer::dsp::md
