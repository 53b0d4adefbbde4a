#include "deminer/dsp/gpr/analytic_signal.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numbers>
#include <stdexcept>

namespace deminer::dsp {

namespace {
std::size_t checked_fft_size(std::size_t max_samples) {
  if (max_samples == 0) {
    throw std::invalid_argument("AnalyticSignal: max_samples 0 is invalid (need >= 1)");
  }
  return fast_fft_size(2 * max_samples);
}
}  // namespace

AnalyticSignal::AnalyticSignal(std::size_t max_samples, FftBackend backend)
    : max_samples_(max_samples), fft_(checked_fft_size(max_samples), backend) {
  padded_.assign(fft_.size(), 0.0f);
  spectrum_.resize(fft_.spectrum_size());
  hilbert_.resize(fft_.size());
}

void AnalyticSignal::process(const TraceHeader& header, std::span<const float> in,
                             std::span<float> envelope, std::span<float> phase_rad,
                             std::span<float> frequency_hz) noexcept {
  const std::size_t n = in.size();
  assert(n <= max_samples_);
  assert(envelope.empty() || envelope.size() == n);
  assert(phase_rad.empty() || phase_rad.size() == n);
  assert(frequency_hz.empty() || frequency_hz.size() == n);
  assert(frequency_hz.empty() || header.dt_s > 0.0);
  if (n == 0) return;

  std::copy(in.begin(), in.end(), padded_.begin());
  std::fill(padded_.begin() + static_cast<std::ptrdiff_t>(n), padded_.end(), 0.0f);
  fft_.forward(padded_, spectrum_);
  // Hilbert transform: multiply by -i for positive frequencies; DC and Nyquist have no sign.
  spectrum_.front() = 0.0f;
  spectrum_.back() = 0.0f;
  for (std::size_t k = 1; k + 1 < spectrum_.size(); ++k) {
    spectrum_[k] = {spectrum_[k].imag(), -spectrum_[k].real()};
  }
  fft_.inverse(spectrum_, hilbert_);
  const float scale = 1.0f / static_cast<float>(fft_.size());
  for (std::size_t i = 0; i < n; ++i) hilbert_[i] *= scale;

  // Outputs may alias `in`; from here on only padded_ and hilbert_ are read.
  if (!envelope.empty()) {
    // sqrt(a² + b²), not std::hypot: hypot's overflow guard cost ~12 000 instructions per
    // 512-sample trace on the handheld (bench/README.md, real-time budget), and float32 radar
    // samples stay far below the 1.8e19 where a² would overflow.
    for (std::size_t i = 0; i < n; ++i) {
      envelope[i] = std::sqrt(padded_[i] * padded_[i] + hilbert_[i] * hilbert_[i]);
    }
  }
  if (!phase_rad.empty()) {
    for (std::size_t i = 0; i < n; ++i) phase_rad[i] = std::atan2(hilbert_[i], padded_[i]);
  }
  if (!frequency_hz.empty()) {
    if (n == 1) {
      frequency_hz[0] = 0.0f;
      return;
    }
    const double to_hz = 1.0 / (2.0 * std::numbers::pi * header.dt_s);
    // Phase increment from sample i to i + 1: arg(x_a[i+1] · conj(x_a[i])).
    const auto increment = [&](std::size_t i) {
      const double re0 = padded_[i], im0 = hilbert_[i];
      const double re1 = padded_[i + 1], im1 = hilbert_[i + 1];
      return std::atan2(im1 * re0 - re1 * im0, re1 * re0 + im1 * im0);
    };
    double previous = increment(0);
    frequency_hz[0] = static_cast<float>(previous * to_hz);
    for (std::size_t i = 1; i + 1 < n; ++i) {
      const double next = increment(i);
      frequency_hz[i] = static_cast<float>(0.5 * (previous + next) * to_hz);
      previous = next;
    }
    frequency_hz[n - 1] = static_cast<float>(previous * to_hz);
  }
}

}  // namespace deminer::dsp
