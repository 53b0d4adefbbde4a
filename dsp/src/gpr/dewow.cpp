#include "deminer/dsp/gpr/dewow.hpp"

#include <algorithm>
#include <cassert>
#include <sstream>
#include <stdexcept>
#include <string>

namespace deminer::dsp {

namespace {

ButterworthFilter make_high_pass(const Dewow::Config& config, std::size_t max_samples) {
  if (!(config.high_pass_cutoff > 0.0 && config.high_pass_cutoff < 1.0)) {
    std::ostringstream message;
    message.precision(17);
    message << "Dewow: high_pass_cutoff " << config.high_pass_cutoff
            << " is invalid (need a fraction of Nyquist in (0, 1))";
    throw std::invalid_argument(message.str());
  }
  if (config.high_pass_order < 1 || config.high_pass_order > 24) {
    throw std::invalid_argument("Dewow: high_pass_order " + std::to_string(config.high_pass_order) +
                                " is invalid (need 1..24)");
  }
  // A unit sample interval makes Nyquist 0.5 Hz, so the cutoff in "Hz" is half the fraction
  // (exactly representable: the design sees the same Wn).
  ButterworthFilter::Config filter;
  filter.order = config.high_pass_order;
  filter.type = FilterBandType::highpass;
  filter.low_hz = 0.5 * config.high_pass_cutoff;
  filter.sample_interval_s = 1.0;
  filter.zero_phase = true;
  return ButterworthFilter(filter, max_samples);
}

}  // namespace

Dewow::Dewow(const Config& config, std::size_t max_samples) : config_(config) {
  if (config.mode == Mode::running_mean &&
      (config.window_samples == 0 || config.window_samples % 2 == 0)) {
    throw std::invalid_argument("Dewow: window_samples " + std::to_string(config.window_samples) +
                                " is invalid (need an odd number >= 1)");
  }
  if (max_samples == 0) {
    throw std::invalid_argument("Dewow: max_samples 0 is invalid (need >= 1)");
  }
  if (config.mode == Mode::high_pass) {
    high_pass_.emplace(make_high_pass(config, max_samples));
  } else {
    input_.resize(max_samples);
  }
}

void Dewow::process(std::span<const float> in, std::span<float> out) noexcept {
  if (high_pass_) {
    high_pass_->process(in, out);
    return;
  }
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
