#include "deminer/dsp/gpr/trace_stacker.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <stdexcept>
#include <string>

namespace deminer::dsp {

TraceStacker::TraceStacker(const Config& config, std::size_t samples_per_trace)
    : config_(config), samples_per_trace_(samples_per_trace) {
  if (config.traces == 0) {
    throw std::invalid_argument("TraceStacker: traces 0 is invalid (need >= 1)");
  }
  if (samples_per_trace == 0) {
    throw std::invalid_argument("TraceStacker: samples_per_trace 0 is invalid (need >= 1)");
  }
  if (config.mode == Mode::stack) sum_.assign(samples_per_trace, 0.0);
}

bool TraceStacker::push(const TraceView& in, TraceHeader& out_header,
                        std::span<float> out) noexcept {
  assert(in.samples.size() == samples_per_trace_ && out.size() == samples_per_trace_);
  const std::size_t group = config_.traces;
  if (config_.mode == Mode::decimate) {
    const bool keep = count_ == 0;
    count_ = (count_ + 1) % group;
    if (!keep) return false;
    out_header = in.header;
    std::copy(in.samples.begin(), in.samples.end(), out.begin());
    return true;
  }
  if (count_ == 0) {
    first_header_ = in.header;
    position_sum_m_ = 0.0;
    ticks_sum_ = 0;
  }
  for (std::size_t i = 0; i < samples_per_trace_; ++i) sum_[i] += in.samples[i];
  position_sum_m_ += in.header.position_m;
  ticks_sum_ += in.header.odometer_ticks;
  if (++count_ < group) return false;

  const double scale = 1.0 / static_cast<double>(group);
  for (std::size_t i = 0; i < samples_per_trace_; ++i) {
    out[i] = static_cast<float>(sum_[i] * scale);
    sum_[i] = 0.0;
  }
  out_header = first_header_;
  out_header.position_m = position_sum_m_ * scale;
  out_header.odometer_ticks =
      static_cast<std::int64_t>(std::llround(static_cast<double>(ticks_sum_) * scale));
  count_ = 0;
  return true;
}

void TraceStacker::reset() noexcept {
  std::fill(sum_.begin(), sum_.end(), 0.0);
  count_ = 0;
  position_sum_m_ = 0.0;
  ticks_sum_ = 0;
}

}  // namespace deminer::dsp
