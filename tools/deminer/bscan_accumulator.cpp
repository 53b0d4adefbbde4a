#include "bscan_accumulator.hpp"

#include <algorithm>
#include <stdexcept>

namespace deminer::tools {

BscanAccumulator::BscanAccumulator(std::size_t samples_per_trace, std::size_t max_traces)
    : samples_per_trace_(samples_per_trace), max_traces_(std::max<std::size_t>(max_traces, 2)) {
  samples_.reserve(samples_per_trace_ * max_traces_);
  positions_.reserve(max_traces_);
}

void BscanAccumulator::add(std::span<const float> samples, double position_m) {
  if (samples.size() != samples_per_trace_) return;  // the pipeline rejected it too
  if (offered_++ % stride_ != 0) return;
  if (positions_.size() == max_traces_) {
    halve();
    if ((offered_ - 1) % stride_ != 0) return;
  }
  samples_.insert(samples_.end(), samples.begin(), samples.end());
  positions_.push_back(position_m);
}

void BscanAccumulator::halve() {
  // Keep columns 0, 2, 4, ...: exactly the traces whose index is a multiple of the new stride.
  const std::size_t kept = (positions_.size() + 1) / 2;
  for (std::size_t column = 1; column < kept; ++column) {
    std::copy_n(samples_.begin() + static_cast<std::ptrdiff_t>(2 * column * samples_per_trace_),
                samples_per_trace_,
                samples_.begin() + static_cast<std::ptrdiff_t>(column * samples_per_trace_));
    positions_[column] = positions_[2 * column];
  }
  samples_.resize(kept * samples_per_trace_);
  positions_.resize(kept);
  stride_ *= 2;
}

BscanImage BscanAccumulator::image(double first_time_ns, double dt_ns) const {
  BscanImage image;
  image.samples = samples_;
  image.traces = positions_.size();
  image.samples_per_trace = samples_per_trace_;
  image.first_position_m = positions_.empty() ? 0.0 : positions_.front();
  image.last_position_m = positions_.empty() ? 0.0 : positions_.back();
  image.first_time_ns = first_time_ns;
  image.dt_ns = dt_ns;
  return image;
}

}  // namespace deminer::tools
