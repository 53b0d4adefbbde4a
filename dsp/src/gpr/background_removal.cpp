#include "deminer/dsp/gpr/background_removal.hpp"

#include <algorithm>
#include <cassert>
#include <stdexcept>
#include <string>

namespace deminer::dsp {

BackgroundRemoval::BackgroundRemoval(const Config& config, std::size_t samples_per_trace)
    : config_(config), samples_per_trace_(samples_per_trace) {
  if (config.window_traces == 0) {
    throw std::invalid_argument("BackgroundRemoval: window_traces 0 is invalid (need >= 1)");
  }
  if (samples_per_trace == 0) {
    throw std::invalid_argument("BackgroundRemoval: samples_per_trace 0 is invalid (need >= 1)");
  }
  history_.set_capacity(config.window_traces * samples_per_trace);
  sum_.assign(samples_per_trace, 0.0);
}

void BackgroundRemoval::process(std::span<const float> in, std::span<float> out) noexcept {
  assert(in.size() == samples_per_trace_ && out.size() == samples_per_trace_);
  const std::size_t traces = history_.size() / samples_per_trace_;
  const bool full = history_.full();
  for (std::size_t i = 0; i < samples_per_trace_; ++i) {
    const float x = in[i];  // read before out[i] is written (in-place safe)
    out[i] = traces == 0 ? 0.0f : static_cast<float>(x - sum_[i] / static_cast<double>(traces));
    // When full, the front is sample i of the oldest trace, which push_back overwrites.
    if (full) sum_[i] -= history_.front();
    history_.push_back(x);
    sum_[i] += x;
  }
}

void BackgroundRemoval::reset() noexcept {
  history_.clear();
  std::fill(sum_.begin(), sum_.end(), 0.0);
}

}  // namespace deminer::dsp
