// Feature vector of one GPR detection: spectral and time-domain descriptors of the target's echo
// window plus two from its hyperbola fit, for the classifier (mine / clutter).
//
// Why: echoes of mines, stones, roots and metal scrap differ in how they filter the radar pulse
// (resonances move the spectrum), in strength and in polarity (a plastic mine, less dense than
// soil, reflects with inverted sign; metal reflects like the direct wave), and the hyperbola's
// shape carries the soil velocity and the object's depth. Every value is fixed-size and computed
// without allocation, so a detection carries its features through the lock-free queues.
//
// Spectrum: the window x[0..n) (n = window_samples, fewer if the signal ends earlier) is tapered
// with a periodic Hann window w[i] = 0.5 - 0.5 cos(2π i / n), zero-padded to
// N = fast_fft_size(zero_padding · window_samples) and transformed with RealFft; P[k] = |X[k]|²
// at f[k] = k / (N · sample_interval_s). The analysis band is [band_edges_hz.front(),
// band_edges_hz.back()]: the spectral features use the bins k with f[k] inside it (both edges
// included). If the analysis band holds no power, every spectral feature is 0.
//
// The slots, in order (Feature names each one's index; feature_name / feature_unit give strings):
//   spectral_centroid_hz        Hz   Σ f P / Σ P over the analysis band.
//   rms_bandwidth_hz            Hz   sqrt(Σ (f - centroid)² P / Σ P) over the analysis band.
//   peak_frequency_hz           Hz   f of the largest P in the analysis band, refined by a parabola
//                                    through |X| at that bin and its two neighbours (vertex offset
//                                    clamped to ±0.5 bin; no refinement at bin 0 or N/2).
//   band_energy_fraction_0..3   1    Σ P over band b / Σ P over the analysis band; band b holds
//                                    the bins with band_edges_hz[b] <= f < band_edges_hz[b + 1]
//                                    (the last band includes its upper edge), so they sum to 1.
//   spectral_flatness           1    geometric mean / arithmetic mean of P over the analysis band
//                                    (P floored at 1e-20 · max P so a zero bin does not force 0).
//                                    ~0 for a tone. For white noise it is not 1 but e^(-γ) ≈ 0.56:
//                                    the bins of one periodogram are exponentially distributed
//                                    and E[ln P] = ln E[P] - γ (γ Euler's constant).
//   time_energy                 amplitude²   Σ x² over the window (untapered).
//   first_echo_polarity         1    +1 or -1: the sign of the earliest local extremum whose |x|
//                                    reaches polarity_threshold · max |x| of the window (0 for an
//                                    all-zero window). That extremum has the sign of the first
//                                    sample reaching the threshold, which is what is computed.
//                                    A Ricker wavelet's side lobes, which precede its main lobe,
//                                    are 2 e^(-3/2) ≈ 0.446 of it, so a threshold above that
//                                    (default 0.6) skips them and reports the main lobe's sign,
//                                    while a second, weaker echo later in the window cannot win.
//   hyperbola_curvature_s_per_m2  s/m²  d²t/dx² of the fitted two-way time at the apex
//                                    (HyperbolaFit::apex_curvature_s_per_m2; 2 / (v · depth) for
//                                    straight rays); 0 when there is no good fit.
//   velocity_m_per_s            m/s  fitted soil velocity c / sqrt(εr); 0 when no good fit.
// extract() fills every slot but the last two (set to 0); add_fit_features() fills those.
//
// Units: seconds, hertz; amplitudes in the signal's unit. Latency: none (one window at a time).
#pragma once

#include <array>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "deminer/dsp/core/detection.hpp"
#include "deminer/dsp/core/fft.hpp"
#include "deminer/dsp/detect/hyperbola_fit.hpp"

namespace deminer::dsp {

enum class Feature : std::uint8_t {
  spectral_centroid_hz = 0,
  rms_bandwidth_hz,
  peak_frequency_hz,
  band_energy_fraction_0,
  band_energy_fraction_1,
  band_energy_fraction_2,
  band_energy_fraction_3,
  spectral_flatness,
  time_energy,
  first_echo_polarity,
  hyperbola_curvature_s_per_m2,
  velocity_m_per_s,
};

inline constexpr std::size_t feature_count = 12;
inline constexpr std::size_t feature_band_count = 4;
static_assert(feature_count <= Detection::max_features);
static_assert(static_cast<std::size_t>(Feature::velocity_m_per_s) + 1 == feature_count);

// Index of the slot in Detection::feature_values.
[[nodiscard]] constexpr std::size_t feature_index(Feature f) noexcept {
  return static_cast<std::size_t>(f);
}

// Snake-case name of the slot (as in the enum) and its unit ("Hz", "1", "amplitude^2", "s/m^2",
// "m/s").
[[nodiscard]] std::string_view feature_name(Feature f) noexcept;
[[nodiscard]] std::string_view feature_unit(Feature f) noexcept;

class FeatureExtractor {
 public:
  struct Config {
    double sample_interval_s = 50e-12;  // > 0
    std::size_t window_samples = 128;   // >= 4
    // Strictly increasing, >= 0, the last <= Nyquist (0.5 / sample_interval_s). The analysis band
    // is [front, back]; band b is [edges[b], edges[b + 1]).
    std::array<double, feature_band_count + 1> band_edges_hz = {0.25e9, 0.75e9, 1.25e9, 1.75e9,
                                                                2.25e9};
    double polarity_threshold = 0.6;  // (0, 1], fraction of the window's max |x|
    std::size_t zero_padding = 4;     // >= 1: FFT size = fast_fft_size(zero_padding · window)
  };

  // Validates (std::invalid_argument naming the field, its value and the valid range), plans the
  // FFT and takes all memory.
  explicit FeatureExtractor(const Config& config, FftBackend backend = default_fft_backend());

  // Features of signal[window_start, window_start + window_samples) (clipped to the signal) into
  // out[0, feature_count); the two fit slots are set to 0. Returns feature_count, or 0 (nothing
  // written) when out.size() < feature_count or fewer than 2 samples of the window exist.
  std::size_t extract(std::span<const float> signal, std::size_t window_start,
                      std::span<float> out) noexcept;

  [[nodiscard]] const Config& config() const noexcept { return config_; }
  [[nodiscard]] std::size_t fft_size() const noexcept { return fft_.size(); }

 private:
  Config config_;
  RealFft fft_;
  std::vector<float> tapered_;                 // fft_size
  std::vector<std::complex<float>> spectrum_;  // fft_size / 2 + 1
};

// Writes the hyperbola slots (curvature, velocity) of out from a fit; 0 when !fit.ok. Does
// nothing when out.size() < feature_count.
void add_fit_features(const HyperbolaFit& fit, std::span<float> out) noexcept;

}  // namespace deminer::dsp
