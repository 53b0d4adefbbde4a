#include "deminer/dsp/gpr/envelope.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <stdexcept>

namespace deminer::dsp {

namespace {
std::size_t checked_fft_size(std::size_t max_samples) {
  if (max_samples == 0) {
    throw std::invalid_argument("Envelope: max_samples 0 is invalid (need >= 1)");
  }
  return fast_fft_size(2 * max_samples);
}
}  // namespace

Envelope::Envelope(std::size_t max_samples, FftBackend backend)
    : max_samples_(max_samples), fft_(checked_fft_size(max_samples), backend) {
  padded_.assign(fft_.size(), 0.0f);
  spectrum_.resize(fft_.spectrum_size());
  hilbert_.resize(fft_.size());
}

void Envelope::process(std::span<const float> in, std::span<float> out) noexcept {
  assert(in.size() == out.size() && in.size() <= max_samples_);
  const std::size_t n = in.size();
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
  for (std::size_t i = 0; i < n; ++i) {
    const float h = hilbert_[i] * scale;
    out[i] = std::sqrt(padded_[i] * padded_[i] + h * h);
  }
}

}  // namespace deminer::dsp
