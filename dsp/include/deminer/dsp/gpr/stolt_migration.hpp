// Stolt (F-K) migration of a whole GPR B-scan at constant velocity.
//
// What: the B-scan is taken to the frequency-wavenumber domain with 2-D FFTs, each plane wave
// (ω, kx) is moved to the vertical wavenumber it came from, and the result is transformed back.
// Point-target hyperbolas collapse onto their apexes, dipping reflectors move to their true dip.
// Why: for a whole line on the workstation it is the fast and exact constant-velocity migration
// (O(N log N) instead of Kirchhoff's aperture × samples per output sample).
// How (exploding-reflector model, zero offset): with v_e = v/2, the image at migrated time τ is
//   M(kx, Ω) = (Ω / ω) · P(kx, ω),  ω = sqrt(Ω² + v_e² kx²),
// where P is the 2-D spectrum of the data, Ω the frequency conjugate to τ; ω ≥ Ω, so the
// mapping never reads evanescent energy, and ω above Nyquist gives zero. P is sampled only on FFT
// bins; it is read between them with an 8-tap Kaiser-windowed sinc (the data is zero-padded to
// twice its duration and centred in time first; against an exact evaluation of the spectrum the
// image is off by < 1e-3 of its peak, where linear interpolation would lose up to 20% of the
// amplitude at the start and end of the record).
// Padding: samples to fast_fft_size(2·samples_per_trace) and traces to
// fast_fft_size(2·trace_count), so neither the time nor the lateral transform wraps around.
// Layout: a B-scan is column-major, one trace after another: sample i of trace j is
// data[j · samples_per_trace + i].
// Time axis: sample i is at t_i = time_zero_s + i·dt after the transmit instant, in the input and
// in the output (which is in migrated two-way time τ; depth z = v·τ/2). The time zero is applied
// exactly as a phase shift; data should be time-zero corrected so that no sample lies much before
// the transmit instant (such samples are treated as the end of the padded period).
// Limits: constant velocity; zero offset (a bistatic antenna's offset is ignored: fine when it is
// small against the depth); constant trace spacing; no ρ-filter (image, not true amplitude).
// Units: metres, seconds, metres per second. Latency: batch (the whole line).
#pragma once

#include <array>
#include <complex>
#include <cstddef>
#include <span>
#include <vector>

#include "deminer/dsp/core/fft.hpp"

namespace deminer::dsp {

class StoltMigration {
 public:
  struct Config {
    std::size_t samples_per_trace = 512;  // >= 2
    std::size_t trace_count = 128;        // >= 1
    double trace_spacing_m = 0.01;        // > 0
    double sample_interval_s = 25e-12;    // > 0
    double time_zero_s = 0.0;             // time of sample 0 after the transmit instant, finite
    // Soil velocity: give exactly one of the two (the other 0). v = c / sqrt(εr).
    double velocity_m_per_s = 0.0;       // > 0 and <= c
    double relative_permittivity = 0.0;  // >= 1
  };

  // Throws std::invalid_argument naming the bad field, its value and the valid range, or if the
  // backend is not compiled in. Takes all memory (about 16 · padded_samples()/2 · padded_traces()
  // bytes).
  explicit StoltMigration(const Config& config, FftBackend backend = default_fft_backend());

  // in.size() == out.size() == samples_per_trace · trace_count (assert), column-major (see top).
  // In place (same span) is allowed. Allocation-free.
  void process(std::span<const float> in, std::span<float> out) noexcept;
  // Stateless between calls; kept for the common block shape.
  void reset() noexcept {}

  [[nodiscard]] const Config& config() const noexcept { return config_; }
  [[nodiscard]] double velocity_m_per_s() const noexcept { return velocity_m_per_s_; }
  [[nodiscard]] std::size_t padded_samples() const noexcept { return time_fft_.size(); }
  [[nodiscard]] std::size_t padded_traces() const noexcept { return lateral_fft_.size(); }

  static constexpr std::size_t interpolation_taps = 8;

 private:
  [[nodiscard]] std::complex<float> spectrum_at(std::ptrdiff_t bin,
                                                std::size_t column) const noexcept;

  static constexpr std::size_t kernel_steps = 512;  // kernel tabulated every 1/512 of a bin

  Config config_;
  double velocity_m_per_s_;
  RealFft time_fft_;
  ComplexFft lateral_fft_;
  std::size_t bins_;  // padded_samples() / 2 + 1
  std::vector<float> trace_;
  std::vector<std::complex<float>> column_;
  std::vector<std::complex<float>> spectrum_;  // [bin · padded_traces() + kx column], centred
  std::vector<std::complex<float>> migrated_;  // same layout, in (Ω, kx)
  std::vector<std::complex<float>> centring_;  // e^{iω_k t_c} per bin
  std::vector<std::array<float, interpolation_taps>> kernel_;  // [fraction step][tap]
};

}  // namespace deminer::dsp
