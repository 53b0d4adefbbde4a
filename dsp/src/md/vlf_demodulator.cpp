#include "deminer/dsp/md/vlf_demodulator.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <sstream>
#include <stdexcept>
#include <string>

#include "../core/check_range.hpp"

namespace deminer::dsp::md {

VlfDemodulator::VlfDemodulator(const Config& config) : config_(config) {
  using detail::check_range;
  const char* block = "VlfDemodulator";
  check_range(block, "sample_rate_hz", config.sample_rate_hz, 0, 1e9, true);
  check_range(block, "tone_count", static_cast<double>(config.tone_count), 1, max_tones);
  check_range(block, "window_samples", static_cast<double>(config.window_samples), 2, 1e7);
  const double nyquist = 0.5 * config.sample_rate_hz;
  const auto n = static_cast<double>(config.window_samples);
  for (std::size_t k = 0; k < config.tone_count; ++k) {
    const std::string field = "tone_hz[" + std::to_string(k) + "]";
    check_range(block, field.c_str(), config.tone_hz[k], 0, nyquist, true, true);
    const double periods = n * config.tone_hz[k] / config.sample_rate_hz;
    if (std::abs(periods - std::round(periods)) > 1e-6) {
      std::ostringstream message;
      message.precision(12);
      message << block << ": " << field << " " << config.tone_hz[k] << " makes " << periods
              << " periods in window_samples " << config.window_samples
              << " (need an integer number of periods of every tone per window)";
      throw std::invalid_argument(message.str());
    }
    for (std::size_t j = 0; j < k; ++j) {
      if (std::round(periods) == std::round(n * config.tone_hz[j] / config.sample_rate_hz)) {
        std::ostringstream message;
        message << block << ": " << field << " " << config.tone_hz[k] << " repeats tone_hz[" << j
                << "] (need distinct tones)";
        throw std::invalid_argument(message.str());
      }
    }
  }
  const std::size_t tones = config.tone_count;
  reference_.resize(config.window_samples * tones * 2);
  for (std::size_t p = 0; p < config.window_samples; ++p) {
    for (std::size_t k = 0; k < tones; ++k) {
      // Whole periods per window (exact integer) so the phase index is exact for long windows.
      const double periods = std::round(n * config.tone_hz[k] / config.sample_rate_hz);
      const double phase =
          2.0 * std::numbers::pi * std::fmod(periods * static_cast<double>(p), n) / n;
      reference_[(p * tones + k) * 2] = static_cast<float>(2.0 / n * std::cos(phase));
      reference_[(p * tones + k) * 2 + 1] = static_cast<float>(-2.0 / n * std::sin(phase));
    }
  }
}

std::size_t VlfDemodulator::process(std::span<const float> in,
                                    std::span<std::complex<float>> out) noexcept {
  const std::size_t tones = config_.tone_count;
  const std::size_t window = config_.window_samples;
  const std::size_t capacity = out.size() / tones;
  std::size_t windows = 0;
  std::size_t i = 0;
  while (i < in.size()) {
    const std::size_t run = std::min(in.size() - i, window - position_);
    const float* reference = reference_.data() + position_ * tones * 2;
    // One tone is the common case: keep its loop free of the inner tone loop.
    if (tones == 1) {
      double re = sum_re_[0];
      double im = sum_im_[0];
      for (std::size_t s = 0; s < run; ++s) {
        const float x = in[i + s];
        re += static_cast<double>(x * reference[2 * s]);
        im += static_cast<double>(x * reference[2 * s + 1]);
      }
      sum_re_[0] = re;
      sum_im_[0] = im;
    } else {
      for (std::size_t s = 0; s < run; ++s) {
        const float x = in[i + s];
        const float* r = reference + s * tones * 2;
        for (std::size_t k = 0; k < tones; ++k) {
          sum_re_[k] += static_cast<double>(x * r[2 * k]);
          sum_im_[k] += static_cast<double>(x * r[2 * k + 1]);
        }
      }
    }
    i += run;
    position_ += run;
    if (position_ == window) {
      if (windows < capacity) {
        for (std::size_t k = 0; k < tones; ++k) {
          out[windows * tones + k] = {static_cast<float>(sum_re_[k]),
                                      static_cast<float>(sum_im_[k])};
        }
        ++windows;
      } else {
        ++dropped_;
      }
      restart_window();
    }
  }
  return windows;
}

void VlfDemodulator::restart_window() noexcept {
  sum_re_.fill(0.0);
  sum_im_.fill(0.0);
  position_ = 0;
}

void VlfDemodulator::reset() noexcept {
  restart_window();
  dropped_ = 0;
}

}  // namespace deminer::dsp::md
