#include "deminer/dsp/gpr/dewow.hpp"

#include <algorithm>
#include <cassert>
#include <stdexcept>
#include <string>

namespace deminer::dsp {

Dewow::Dewow(const Config& config, std::size_t max_samples) : config_(config) {
  if (config.window_samples == 0 || config.window_samples % 2 == 0) {
    throw std::invalid_argument("Dewow: window_samples " + std::to_string(config.window_samples) +
                                " is invalid (need an odd number >= 1)");
  }
  if (max_samples == 0) {
    throw std::invalid_argument("Dewow: max_samples 0 is invalid (need >= 1)");
  }
  input_.resize(max_samples);
}

void Dewow::process(std::span<const float> in, std::span<float> out) noexcept {
  assert(in.size() == out.size() && in.size() <= input_.size());
  const std::size_t n = in.size();
  const std::size_t half = config_.window_samples / 2;
  std::copy(in.begin(), in.end(), input_.begin());
  // Running sum (double, so that adding and removing samples does not drift) over
  // [first, last) = [i - half, i + half + 1) clipped to the trace.
  double sum = 0.0;
  std::size_t first = 0;
  std::size_t last = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t want_last = std::min(n, i + half + 1);
    for (; last < want_last; ++last) sum += input_[last];
    for (; first + half < i; ++first) sum -= input_[first];
    const double mean = sum / static_cast<double>(last - first);
    out[i] = static_cast<float>(input_[i] - mean);
  }
}

}  // namespace deminer::dsp
