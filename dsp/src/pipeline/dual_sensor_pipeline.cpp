#include "deminer/dsp/pipeline/dual_sensor_pipeline.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace deminer::dsp {

DualSensorPipeline::DualSensorPipeline(const Config& config)
    : gpr_(config.gpr), md_(config.md), fusion_(config.fusion) {
  if (config.traces_per_sweep < 16 || config.traces_per_sweep > 1000000) {
    throw std::invalid_argument("DualSensorPipeline: traces_per_sweep " +
                                std::to_string(config.traces_per_sweep) +
                                " is out of range [16, 1000000]");
  }
  track_.resize(config.traces_per_sweep);
}

double DualSensorPipeline::advance_at(double position_m) const noexcept {
  double nearest = std::numeric_limits<double>::infinity();
  double advance = head_advance_m_;
  for (const TracePlace& place : std::span(track_).first(track_count_)) {
    const double distance = std::abs(place.position_m - position_m);
    if (distance < nearest) {
      nearest = distance;
      advance = place.advance_m;
    }
  }
  return advance;
}

void DualSensorPipeline::fuse_found(std::size_t from, bool place_gpr) noexcept {
  for (std::size_t i = from; i < found_count_; ++i) {
    Detection& d = found_[i];
    if (place_gpr) d.advance_m = advance_at(d.position_m);
    fusion_.add(d);
  }
}

std::size_t DualSensorPipeline::process_trace(const TraceView& trace, double advance_m,
                                              std::span<FusedObject> out) noexcept {
  head_advance_m_ = advance_m;
  track_[track_next_] = {trace.header.position_m, advance_m};
  track_next_ = (track_next_ + 1) % track_.size();
  track_count_ = std::min(track_count_ + 1, track_.size());
  found_count_ = gpr_.process(trace, found_);
  fuse_found(0, true);
  return fusion_.close_behind(advance_m, out);
}

std::size_t DualSensorPipeline::process_block(const md::VlfBlockView& block,
                                              std::span<FusedObject> out) noexcept {
  head_advance_m_ = block.header.advance_m;
  found_count_ = md_.process(block, found_).detections;
  fuse_found(0, false);
  return fusion_.close_behind(block.header.advance_m, out);
}

std::size_t DualSensorPipeline::end_sweep(std::span<FusedObject> out) noexcept {
  found_count_ = gpr_.flush(found_);
  fuse_found(0, true);
  gpr_.reset();
  forget_sweep();
  return fusion_.close_behind(head_advance_m_, out);
}

std::size_t DualSensorPipeline::flush(std::span<FusedObject> out) noexcept {
  found_count_ = gpr_.flush(found_);
  fuse_found(0, true);
  const std::size_t gpr_found = found_count_;
  found_count_ += md_.flush(std::span(found_).subspan(gpr_found));
  fuse_found(gpr_found, false);
  forget_sweep();
  return fusion_.close_all(out);
}

void DualSensorPipeline::forget_sweep() noexcept {
  track_next_ = 0;
  track_count_ = 0;
}

void DualSensorPipeline::reset() noexcept {
  gpr_.reset();
  md_.reset();
  fusion_.reset();
  forget_sweep();
  found_count_ = 0;
  head_advance_m_ = 0.0;
}

}  // namespace deminer::dsp
