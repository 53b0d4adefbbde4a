#include "deminer/dsp/gpr/gain.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numbers>
#include <sstream>
#include <stdexcept>
#include <string>

#include "deminer/dsp/gpr/refraction.hpp"

namespace deminer::dsp {

namespace {

[[noreturn]] void reject(const char* block, const char* field, double value, const char* range) {
  std::ostringstream message;
  message.precision(17);
  message << block << ": " << field << " " << value << " is invalid (need " << range << ")";
  throw std::invalid_argument(message.str());
}

void require_positive(const char* block, const char* field, double value) {
  if (!(value > 0.0) || !std::isfinite(value)) reject(block, field, value, "finite and > 0");
}

void require_finite(const char* block, const char* field, double value) {
  if (!std::isfinite(value)) reject(block, field, value, "a finite number");
}

}  // namespace

TPowerGain::TPowerGain(const Config& config) : config_(config) {
  require_finite("TPowerGain", "power", config.power);
  require_positive("TPowerGain", "reference_time_s", config.reference_time_s);
  require_positive("TPowerGain", "min_time_s", config.min_time_s);
  require_positive("TPowerGain", "max_gain", config.max_gain);
}

double TPowerGain::gain_at(double time_s) const noexcept {
  const double t = std::max(time_s, config_.min_time_s);
  return std::min(config_.max_gain, std::pow(t / config_.reference_time_s, config_.power));
}

void TPowerGain::process(const TraceHeader& header, std::span<const float> in,
                         std::span<float> out) const noexcept {
  assert(in.size() == out.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    const double g = gain_at(header.time_of_sample_s(static_cast<double>(i)));
    out[i] = static_cast<float>(in[i] * g);
  }
}

ExponentialGain::ExponentialGain(const Config& config) : config_(config) {
  if (!(config.attenuation_db_per_m >= 0.0) || !std::isfinite(config.attenuation_db_per_m)) {
    reject("ExponentialGain", "attenuation_db_per_m", config.attenuation_db_per_m,
           "finite and >= 0");
  }
  if (!(config.relative_permittivity >= 1.0) || !std::isfinite(config.relative_permittivity)) {
    reject("ExponentialGain", "relative_permittivity", config.relative_permittivity,
           "finite and >= 1");
  }
  require_finite("ExponentialGain", "spreading_power", config.spreading_power);
  require_positive("ExponentialGain", "reference_time_s", config.reference_time_s);
  require_positive("ExponentialGain", "min_time_s", config.min_time_s);
  require_positive("ExponentialGain", "max_gain", config.max_gain);
  const double alpha_np_per_m = config.attenuation_db_per_m * std::numbers::ln10 / 20.0;
  attenuation_per_s_ = alpha_np_per_m * soil_velocity_m_per_s(config.relative_permittivity);
}

double ExponentialGain::gain_at(double time_s) const noexcept {
  const double t = std::max(time_s, config_.min_time_s);
  // In logarithms, so that a huge exponential and a small spreading factor cannot overflow
  // before the clamp.
  const double log_gain =
      config_.spreading_power * std::log(t / config_.reference_time_s) + attenuation_per_s_ * t;
  return std::min(config_.max_gain, std::exp(log_gain));
}

void ExponentialGain::process(const TraceHeader& header, std::span<const float> in,
                              std::span<float> out) const noexcept {
  assert(in.size() == out.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    const double g = gain_at(header.time_of_sample_s(static_cast<double>(i)));
    out[i] = static_cast<float>(in[i] * g);
  }
}

AgcGain::AgcGain(const Config& config, std::size_t max_samples) : config_(config) {
  if (config.window_samples == 0 || config.window_samples % 2 == 0) {
    throw std::invalid_argument("AgcGain: window_samples " + std::to_string(config.window_samples) +
                                " is invalid (need an odd number >= 1)");
  }
  require_positive("AgcGain", "target_rms", config.target_rms);
  require_positive("AgcGain", "epsilon", config.epsilon);
  require_positive("AgcGain", "max_gain", config.max_gain);
  if (max_samples == 0) {
    throw std::invalid_argument("AgcGain: max_samples 0 is invalid (need >= 1)");
  }
  input_.resize(max_samples);
}

void AgcGain::process(std::span<const float> in, std::span<float> out) noexcept {
  assert(in.size() == out.size() && in.size() <= input_.size());
  const std::size_t n = in.size();
  const std::size_t half = config_.window_samples / 2;
  std::copy(in.begin(), in.end(), input_.begin());
  // Running sum of squares over [first, last) = [i - half, i + half + 1) clipped to the trace,
  // in double so that adding and removing does not drift.
  double sum = 0.0;
  std::size_t first = 0;
  std::size_t last = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t want_last = std::min(n, i + half + 1);
    for (; last < want_last; ++last) sum += static_cast<double>(input_[last]) * input_[last];
    for (; first + half < i; ++first) sum -= static_cast<double>(input_[first]) * input_[first];
    // Rounding can leave a tiny negative sum after a loud stretch leaves the window.
    const double rms = std::sqrt(std::max(sum, 0.0) / static_cast<double>(last - first));
    const double g =
        std::min(config_.max_gain, config_.target_rms / std::max(rms, config_.epsilon));
    out[i] = static_cast<float>(input_[i] * g);
  }
}

}  // namespace deminer::dsp
