#include "deminer/dsp/detect/features.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>

namespace deminer::dsp {

namespace {

// Power below this fraction of the largest bin counts as this fraction in the geometric mean:
// far below float32 resolution of the spectrum, so it only keeps log() finite.
constexpr double flatness_floor = 1e-20;

[[noreturn]] void invalid(const std::string& field, const std::string& value,
                          const std::string& range) {
  throw std::invalid_argument("FeatureExtractor: " + field + " " + value + " is invalid (need " +
                              range + ")");
}

FeatureExtractor::Config validated(const FeatureExtractor::Config& c) {
  if (!(c.sample_interval_s > 0.0) || !std::isfinite(c.sample_interval_s))
    invalid("sample_interval_s", std::to_string(c.sample_interval_s), "a finite value > 0");
  if (c.window_samples < 4) invalid("window_samples", std::to_string(c.window_samples), ">= 4");
  if (c.zero_padding < 1 || c.zero_padding > 64)
    invalid("zero_padding", std::to_string(c.zero_padding), "1 to 64");
  if (!(c.polarity_threshold > 0.0 && c.polarity_threshold <= 1.0))
    invalid("polarity_threshold", std::to_string(c.polarity_threshold), "(0, 1]");
  const double nyquist = 0.5 / c.sample_interval_s;
  for (std::size_t b = 0; b < c.band_edges_hz.size(); ++b) {
    const double edge = c.band_edges_hz[b];
    const double low = b == 0 ? 0.0 : c.band_edges_hz[b - 1];
    const bool increasing = b == 0 ? edge >= 0.0 : edge > low;
    if (!increasing || !(edge <= nyquist))
      invalid(
          "band_edges_hz[" + std::to_string(b) + "]", std::to_string(edge),
          (b == 0 ? std::string("0 <= edge") : "> band_edges_hz[" + std::to_string(b - 1) + "]") +
              " and <= Nyquist " + std::to_string(nyquist) + " Hz");
  }
  return c;
}

}  // namespace

std::string_view feature_name(Feature f) noexcept {
  switch (f) {
    case Feature::spectral_centroid_hz:
      return "spectral_centroid_hz";
    case Feature::rms_bandwidth_hz:
      return "rms_bandwidth_hz";
    case Feature::peak_frequency_hz:
      return "peak_frequency_hz";
    case Feature::band_energy_fraction_0:
      return "band_energy_fraction_0";
    case Feature::band_energy_fraction_1:
      return "band_energy_fraction_1";
    case Feature::band_energy_fraction_2:
      return "band_energy_fraction_2";
    case Feature::band_energy_fraction_3:
      return "band_energy_fraction_3";
    case Feature::spectral_flatness:
      return "spectral_flatness";
    case Feature::time_energy:
      return "time_energy";
    case Feature::first_echo_polarity:
      return "first_echo_polarity";
    case Feature::hyperbola_curvature_s_per_m2:
      return "hyperbola_curvature_s_per_m2";
    case Feature::velocity_m_per_s:
      return "velocity_m_per_s";
  }
  return "unknown";
}

std::string_view feature_unit(Feature f) noexcept {
  switch (f) {
    case Feature::spectral_centroid_hz:
    case Feature::rms_bandwidth_hz:
    case Feature::peak_frequency_hz:
      return "Hz";
    case Feature::band_energy_fraction_0:
    case Feature::band_energy_fraction_1:
    case Feature::band_energy_fraction_2:
    case Feature::band_energy_fraction_3:
    case Feature::spectral_flatness:
    case Feature::first_echo_polarity:
      return "1";
    case Feature::time_energy:
      return "amplitude^2";
    case Feature::hyperbola_curvature_s_per_m2:
      return "s/m^2";
    case Feature::velocity_m_per_s:
      return "m/s";
  }
  return "";
}

FeatureExtractor::FeatureExtractor(const Config& config, FftBackend backend)
    : config_(validated(config)),
      fft_(fast_fft_size(config.zero_padding * config.window_samples), backend),
      tapered_(fft_.size(), 0.0f),
      spectrum_(fft_.spectrum_size()) {}

std::size_t FeatureExtractor::extract(std::span<const float> signal, std::size_t window_start,
                                      std::span<float> out) noexcept {
  if (out.size() < feature_count || window_start >= signal.size()) return 0;
  const std::size_t n = std::min(config_.window_samples, signal.size() - window_start);
  if (n < 2) return 0;
  const std::span<const float> x = signal.subspan(window_start, n);

  // Time domain.
  double energy = 0.0;
  float max_abs = 0.0f;
  for (const float v : x) {
    energy += static_cast<double>(v) * static_cast<double>(v);
    max_abs = std::max(max_abs, std::abs(v));
  }
  float polarity = 0.0f;
  if (max_abs > 0.0f) {
    const double threshold = config_.polarity_threshold * static_cast<double>(max_abs);
    for (const float v : x) {
      if (std::abs(static_cast<double>(v)) >= threshold) {
        polarity = v > 0.0f ? 1.0f : -1.0f;
        break;
      }
    }
  }

  // Spectrum of the Hann-tapered, zero-padded window.
  const double taper_step = 2.0 * std::numbers::pi / static_cast<double>(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double taper = 0.5 - 0.5 * std::cos(taper_step * static_cast<double>(i));
    tapered_[i] = static_cast<float>(static_cast<double>(x[i]) * taper);
  }
  std::fill(tapered_.begin() + static_cast<std::ptrdiff_t>(n), tapered_.end(), 0.0f);
  fft_.forward(tapered_, spectrum_);

  const double fft_length = static_cast<double>(fft_.size());
  const auto& edges = config_.band_edges_hz;
  auto frequency = [&](std::size_t k) {
    return static_cast<double>(k) / (fft_length * config_.sample_interval_s);
  };
  auto power = [&](std::size_t k) { return static_cast<double>(std::norm(spectrum_[k])); };
  auto in_band = [&](double f) { return f >= edges.front() && f <= edges.back(); };

  double total = 0.0;
  double weighted_frequency = 0.0;
  double max_power = -1.0;
  std::size_t peak_bin = 0;
  std::array<double, feature_band_count> band_power{};
  std::size_t band_bins = 0;
  for (std::size_t k = 0; k < spectrum_.size(); ++k) {
    const double f = frequency(k);
    if (!in_band(f)) continue;
    const double p = power(k);
    ++band_bins;
    total += p;
    weighted_frequency += f * p;
    if (p > max_power) {
      max_power = p;
      peak_bin = k;
    }
    std::size_t b = 0;
    while (b + 1 < feature_band_count && f >= edges[b + 1]) ++b;
    band_power[b] += p;
  }

  std::fill(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(feature_count), 0.0f);
  out[feature_index(Feature::time_energy)] = static_cast<float>(energy);
  out[feature_index(Feature::first_echo_polarity)] = polarity;
  if (!(total > 0.0) || band_bins == 0) return feature_count;

  const double centroid = weighted_frequency / total;
  double spread = 0.0;
  double log_sum = 0.0;
  const double floor = flatness_floor * max_power;
  for (std::size_t k = 0; k < spectrum_.size(); ++k) {
    const double f = frequency(k);
    if (!in_band(f)) continue;
    const double p = power(k);
    spread += (f - centroid) * (f - centroid) * p;
    log_sum += std::log(std::max(p, floor));
  }
  const double mean_power = total / static_cast<double>(band_bins);
  const double flatness = std::exp(log_sum / static_cast<double>(band_bins)) / mean_power;

  // Parabola through the magnitudes around the peak bin.
  double offset = 0.0;
  if (peak_bin > 0 && peak_bin + 1 < spectrum_.size()) {
    const double a = std::abs(spectrum_[peak_bin - 1]);
    const double b = std::abs(spectrum_[peak_bin]);
    const double c = std::abs(spectrum_[peak_bin + 1]);
    const double curvature = a - 2.0 * b + c;
    if (curvature < 0.0) offset = std::clamp(0.5 * (a - c) / curvature, -0.5, 0.5);
  }
  const double bin_hz = 1.0 / (fft_length * config_.sample_interval_s);

  out[feature_index(Feature::spectral_centroid_hz)] = static_cast<float>(centroid);
  out[feature_index(Feature::rms_bandwidth_hz)] = static_cast<float>(std::sqrt(spread / total));
  out[feature_index(Feature::peak_frequency_hz)] =
      static_cast<float>((static_cast<double>(peak_bin) + offset) * bin_hz);
  for (std::size_t b = 0; b < feature_band_count; ++b) {
    out[feature_index(Feature::band_energy_fraction_0) + b] =
        static_cast<float>(band_power[b] / total);
  }
  out[feature_index(Feature::spectral_flatness)] = static_cast<float>(flatness);
  return feature_count;
}

void add_fit_features(const HyperbolaFit& fit, std::span<float> out) noexcept {
  if (out.size() < feature_count) return;
  out[feature_index(Feature::hyperbola_curvature_s_per_m2)] =
      fit.ok ? static_cast<float>(fit.apex_curvature_s_per_m2) : 0.0f;
  out[feature_index(Feature::velocity_m_per_s)] =
      fit.ok ? static_cast<float>(fit.velocity_m_per_s) : 0.0f;
}

}  // namespace deminer::dsp
