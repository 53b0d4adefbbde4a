#include "deminer/dsp/gpr/distance_normaliser.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>

namespace deminer::dsp {

namespace {

[[noreturn]] void bad_value(const char* field, double value, const char* valid) {
  throw std::invalid_argument(std::string("DistanceNormaliser: ") + field + " " +
                              std::to_string(value) + " is invalid (need " + valid + ")");
}

}  // namespace

DistanceNormaliser::DistanceNormaliser(const Config& config, std::size_t samples_per_trace)
    : config_(config), samples_per_trace_(samples_per_trace) {
  if (!(config.spacing_m > 0.0) || !std::isfinite(config.spacing_m)) {
    bad_value("spacing_m", config.spacing_m, "a finite value > 0");
  }
  if (!std::isfinite(config.origin_m)) bad_value("origin_m", config.origin_m, "a finite value");
  if (config.position_source == PositionSource::odometer_ticks &&
      (!(config.metres_per_tick > 0.0) || !std::isfinite(config.metres_per_tick))) {
    bad_value("metres_per_tick", config.metres_per_tick,
              "a finite value > 0 with position_source odometer_ticks");
  }
  if (!(config.stationary_tolerance_m >= 0.0) || !std::isfinite(config.stationary_tolerance_m)) {
    bad_value("stationary_tolerance_m", config.stationary_tolerance_m, "a finite value >= 0");
  }
  if (!(config.max_gap_m >= 0.0) || !std::isfinite(config.max_gap_m)) {
    bad_value("max_gap_m", config.max_gap_m, "a finite value >= 0");
  }
  if (samples_per_trace == 0) bad_value("samples_per_trace", 0.0, ">= 1");
  previous_.assign(samples_per_trace, 0.0f);
  current_.assign(samples_per_trace, 0.0f);
}

double DistanceNormaliser::position_of(const TraceHeader& header) const noexcept {
  if (config_.position_source == PositionSource::odometer_ticks) {
    return static_cast<double>(header.odometer_ticks) * config_.metres_per_tick;
  }
  return header.position_m;
}

// origin + k·spacing, evaluated the same way everywhere so that a grid position compares equal to
// itself across calls.
double DistanceNormaliser::grid(std::int64_t k) const noexcept {
  return config_.origin_m + static_cast<double>(k) * config_.spacing_m;
}

std::int64_t DistanceNormaliser::first_index_at_or_after(double position_m) const noexcept {
  auto k =
      static_cast<std::int64_t>(std::ceil((position_m - config_.origin_m) / config_.spacing_m));
  // The division rounds; one step either way puts k right.
  while (grid(k) < position_m) ++k;
  while (grid(k - 1) >= position_m) --k;
  return k;
}

std::int64_t DistanceNormaliser::first_index_after(double position_m) const noexcept {
  auto k =
      static_cast<std::int64_t>(std::floor((position_m - config_.origin_m) / config_.spacing_m)) +
      1;
  while (grid(k) <= position_m) ++k;
  while (grid(k - 1) > position_m) --k;
  return k;
}

void DistanceNormaliser::push(const TraceView& in) noexcept {
  assert(in.samples.size() == samples_per_trace_);
  const double position = position_of(in.header);
  if (!std::isfinite(position)) {
    ++skipped_invalid_;
    return;
  }
  if (accepted_ == 0) {
    std::copy(in.samples.begin(), in.samples.end(), current_.begin());
    current_header_ = in.header;
    current_m_ = position;
    accepted_ = 1;
    next_index_ = first_index_at_or_after(position);
    return;
  }
  const double advance = position - current_m_;
  if (advance <= config_.stationary_tolerance_m) {
    ++(advance >= -config_.stationary_tolerance_m ? skipped_stationary_ : skipped_backwards_);
    return;
  }
  if (grid(next_index_) <= current_m_) {  // outputs of the previous interval were not popped
    const std::int64_t resume = first_index_after(current_m_);
    dropped_outputs_ += static_cast<std::uint64_t>(resume - next_index_);
    next_index_ = resume;
  }
  std::swap(previous_, current_);  // swaps storage only: no allocation
  std::copy(in.samples.begin(), in.samples.end(), current_.begin());
  previous_header_ = current_header_;
  current_header_ = in.header;
  previous_m_ = current_m_;
  current_m_ = position;
  accepted_ = 2;
  if (config_.max_gap_m > 0.0 && advance > config_.max_gap_m) {
    const std::int64_t resume = first_index_at_or_after(position);
    gap_outputs_ += static_cast<std::uint64_t>(std::max<std::int64_t>(0, resume - next_index_));
    next_index_ = std::max(next_index_, resume);
  }
}

bool DistanceNormaliser::pop(TraceHeader& out_header, std::span<float> out) noexcept {
  assert(out.size() == samples_per_trace_);
  if (accepted_ == 0) return false;
  const double position = grid(next_index_);
  if (position > current_m_) return false;
  if (accepted_ == 1) {  // only the first trace, exactly on the grid
    std::copy(current_.begin(), current_.end(), out.begin());
    out_header = current_header_;
  } else {
    const double w = std::clamp((position - previous_m_) / (current_m_ - previous_m_), 0.0, 1.0);
    for (std::size_t i = 0; i < samples_per_trace_; ++i) {
      const double a = previous_[i];
      out[i] = static_cast<float>(a + w * (static_cast<double>(current_[i]) - a));
    }
    out_header = w < 0.5 ? previous_header_ : current_header_;
    auto lerp = [w](std::int64_t a, std::int64_t b) {
      return a + static_cast<std::int64_t>(std::llround(w * static_cast<double>(b - a)));
    };
    out_header.timestamp_ns = lerp(previous_header_.timestamp_ns, current_header_.timestamp_ns);
    out_header.odometer_ticks =
        lerp(previous_header_.odometer_ticks, current_header_.odometer_ticks);
  }
  out_header.position_m = position;
  out_header.sequence = static_cast<std::uint64_t>(next_index_);
  ++next_index_;
  return true;
}

void DistanceNormaliser::reset() noexcept {
  accepted_ = 0;
  next_index_ = 0;
  skipped_stationary_ = 0;
  skipped_backwards_ = 0;
  skipped_invalid_ = 0;
  dropped_outputs_ = 0;
  gap_outputs_ = 0;
}

}  // namespace deminer::dsp
