#include "deminer/drivers/runtime/dual_sensor_processor.hpp"

#include <algorithm>
#include <limits>
#include <utility>

namespace deminer::drivers {

DualSensorProcessor::DualSensorProcessor(const dsp::DualSensorPipeline::Config& chains,
                                         dsp::ObjectDecision decision)
    : pipeline_(chains), decision_(std::move(decision)), objects_(chains.fusion.capacity) {}

std::span<dsp::FusedObject> DualSensorProcessor::room(std::span<dsp::Detection> out,
                                                      std::size_t written) noexcept {
  return std::span(objects_).first(std::min(objects_.size(), out.size() - written));
}

std::size_t DualSensorProcessor::decide(std::size_t closed, std::span<dsp::Detection> out,
                                        std::size_t written) noexcept {
  std::size_t alarms = 0;
  for (const dsp::FusedObject& object : std::span(objects_).first(closed)) {
    ++objects_decided_;
    const dsp::ObjectVerdict verdict = decision_.decide(object);
    if (!verdict.alarm) continue;
    dsp::Detection& d = out[written + alarms++];
    d = {};
    d.sensor = dsp::Sensor::fused;
    d.position_m = object.position_m;
    d.advance_m = object.advance_m;
    d.score = static_cast<float>(verdict.score);
    d.object_class = verdict.object_class;
    d.confidence = verdict.confidence;
    // The radar places the object in depth and time; otherwise the metal detector's hit.
    const dsp::Sensor source =
        object.seen_by(dsp::Sensor::gpr) ? dsp::Sensor::gpr : dsp::Sensor::metal_detector;
    const dsp::Detection& strongest = object.strongest_of(source);
    d.channel = strongest.channel;
    d.sequence = strongest.sequence;
    d.timestamp_ns = strongest.timestamp_ns;
    if (source == dsp::Sensor::gpr) {
      d.depth_m = strongest.depth_m;
      d.time_s = strongest.time_s;
      d.depth_sigma_m = strongest.depth_sigma_m;
    } else {  // a metal detector does not measure depth
      d.depth_m = std::numeric_limits<double>::quiet_NaN();
      d.time_s = std::numeric_limits<double>::quiet_NaN();
    }
    d.feature_count = static_cast<std::uint8_t>(dsp::fused_features(object, d.feature_values));
  }
  return alarms;
}

std::size_t DualSensorProcessor::end_sweep(std::span<dsp::Detection> out,
                                           std::size_t written) noexcept {
  sweep_open_ = false;
  return decide(pipeline_.end_sweep(room(out, written)), out, written);
}

std::size_t DualSensorProcessor::process(const dsp::TraceView& /*trace*/,
                                         std::span<dsp::Detection> /*out*/) noexcept {
  ++plain_traces_ignored_;
  return 0;
}

std::size_t DualSensorProcessor::process_swept_trace(const dsp::TraceView& trace,
                                                     const dsp::SweepPlace& place,
                                                     std::span<dsp::Detection> out) noexcept {
  std::size_t written = 0;
  if (sweep_open_ && place.sweep != sweep_) written += end_sweep(out, written);
  sweep_ = place.sweep;
  written +=
      decide(pipeline_.process_trace(trace, place.advance_m, room(out, written)), out, written);
  sweep_open_ = true;
  if (place.ends_sweep) written += end_sweep(out, written);
  return written;
}

std::size_t DualSensorProcessor::process_vlf_block(const dsp::md::VlfBlockView& block,
                                                   std::span<dsp::Detection> out) noexcept {
  return decide(pipeline_.process_block(block, room(out, 0)), out, 0);
}

std::size_t DualSensorProcessor::flush(std::span<dsp::Detection> out) noexcept {
  std::size_t written = sweep_open_ ? end_sweep(out, 0) : 0;
  while (written < out.size()) {
    const std::size_t closed = pipeline_.flush(room(out, written));
    if (closed == 0) break;
    written += decide(closed, out, written);
  }
  return written;
}

}  // namespace deminer::drivers
