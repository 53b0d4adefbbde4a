#include "deminer/dsp/gpr/band_pass.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numbers>
#include <sstream>
#include <stdexcept>
#include <string>

namespace deminer::dsp {

namespace {

[[noreturn]] void reject(const char* field, double value, const std::string& range) {
  std::ostringstream message;
  message.precision(17);
  message << "BandPass: " << field << " " << value << " is invalid (need " << range << ")";
  throw std::invalid_argument(message.str());
}

std::size_t checked_fft_size(const BandPass::Config& c, std::size_t max_samples) {
  if (!(c.sample_interval_s > 0.0) || !std::isfinite(c.sample_interval_s)) {
    reject("sample_interval_s", c.sample_interval_s, "> 0");
  }
  const double nyquist_hz = 0.5 / c.sample_interval_s;
  if (!(c.low_hz >= 0.0 && c.low_hz < nyquist_hz)) {
    reject("low_hz", c.low_hz, "0 <= low_hz < Nyquist = " + std::to_string(nyquist_hz) + " Hz");
  }
  if (!(c.high_hz > c.low_hz && c.high_hz <= nyquist_hz)) {
    reject("high_hz", c.high_hz,
           "low_hz < high_hz <= Nyquist = " + std::to_string(nyquist_hz) + " Hz");
  }
  if (!(c.taper_hz >= 0.0) || !std::isfinite(c.taper_hz)) reject("taper_hz", c.taper_hz, ">= 0");
  if (max_samples == 0) {
    throw std::invalid_argument("BandPass: max_samples 0 is invalid (need >= 1)");
  }
  return fast_fft_size(2 * max_samples);
}

double band_response(const BandPass::Config& c, double f) {
  if (f >= c.low_hz && f <= c.high_hz) return 1.0;
  if (c.taper_hz > 0.0) {
    if (f > c.low_hz - c.taper_hz && f < c.low_hz) {
      return 0.5 * (1.0 - std::cos(std::numbers::pi * (f - (c.low_hz - c.taper_hz)) / c.taper_hz));
    }
    if (f > c.high_hz && f < c.high_hz + c.taper_hz) {
      return 0.5 * (1.0 + std::cos(std::numbers::pi * (f - c.high_hz) / c.taper_hz));
    }
  }
  return 0.0;
}

}  // namespace

BandPass::BandPass(const Config& config, std::size_t max_samples, FftBackend backend)
    : config_(config),
      max_samples_(max_samples),
      fft_(checked_fft_size(config, max_samples), backend) {
  response_.resize(fft_.spectrum_size());
  const double bin_hz = 1.0 / (static_cast<double>(fft_.size()) * config.sample_interval_s);
  for (std::size_t k = 0; k < response_.size(); ++k) {
    response_[k] = static_cast<float>(band_response(config, static_cast<double>(k) * bin_hz));
  }
  padded_.assign(fft_.size(), 0.0f);
  spectrum_.resize(fft_.spectrum_size());
}

void BandPass::process(std::span<const float> in, std::span<float> out) noexcept {
  assert(in.size() == out.size() && in.size() <= max_samples_);
  const std::size_t n = in.size();
  std::copy(in.begin(), in.end(), padded_.begin());
  std::fill(padded_.begin() + static_cast<std::ptrdiff_t>(n), padded_.end(), 0.0f);
  fft_.forward(padded_, spectrum_);
  const float scale = 1.0f / static_cast<float>(fft_.size());
  for (std::size_t k = 0; k < spectrum_.size(); ++k) spectrum_[k] *= response_[k] * scale;
  fft_.inverse(spectrum_, padded_);
  std::copy_n(padded_.begin(), n, out.begin());
}

}  // namespace deminer::dsp
