#include "deminer/dsp/detect/sensor_fusion.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "../core/check_range.hpp"
#include "deminer/dsp/detect/features.hpp"
#include "deminer/dsp/pipeline/vlf_pipeline.hpp"

namespace deminer::dsp {
namespace {

static_assert(fused_feature_count ==
              static_cast<std::size_t>(FusedFeature::gpr_first) + feature_count);
static_assert(fused_feature_count <= Detection::max_features);

// log10 that stays finite for the zero or negative values an unseen or silent sensor gives.
float log10_floor(double value) noexcept {
  return static_cast<float>(std::log10(std::max(value, 1e-30)));
}

}  // namespace

bool FusedObject::seen_by(Sensor sensor) const noexcept {
  return sensor != Sensor::fused && hits[sensor_slot(sensor)] > 0;
}

const Detection& FusedObject::strongest_of(Sensor sensor) const noexcept {
  return strongest[sensor_slot(sensor)];
}

std::size_t fused_features(const FusedObject& object, std::span<float> out) noexcept {
  if (out.size() < fused_feature_count) return 0;
  std::fill_n(out.begin(), fused_feature_count, 0.0f);
  const auto set = [&out](FusedFeature f, float v) { out[static_cast<std::size_t>(f)] = v; };
  const bool gpr = object.seen_by(Sensor::gpr);
  const bool md = object.seen_by(Sensor::metal_detector);
  const Detection& g = object.strongest_of(Sensor::gpr);
  const Detection& m = object.strongest_of(Sensor::metal_detector);
  set(FusedFeature::gpr_seen, gpr ? 1.0f : 0.0f);
  set(FusedFeature::md_seen, md ? 1.0f : 0.0f);
  set(FusedFeature::gpr_hits, object.hits[sensor_slot(Sensor::gpr)]);
  set(FusedFeature::md_hits, object.hits[sensor_slot(Sensor::metal_detector)]);
  if (gpr) {
    set(FusedFeature::gpr_log_score, log10_floor(g.score));
    set(FusedFeature::gpr_depth_m, static_cast<float>(g.depth_m));
    const auto features = g.features();
    const std::size_t first = static_cast<std::size_t>(FusedFeature::gpr_first);
    for (std::size_t i = 0; i < std::min(features.size(), feature_count); ++i) {
      out[first + i] = i == static_cast<std::size_t>(Feature::time_energy)
                           ? log10_floor(features[i])
                           : features[i];
    }
  }
  if (md) {
    set(FusedFeature::md_log_score, log10_floor(m.score));
    if (m.feature_count == static_cast<std::size_t>(VlfFeature::count)) {
      const auto feature = [&m](VlfFeature f) {
        return m.feature_values[static_cast<std::size_t>(f)];
      };
      set(FusedFeature::md_phase_deg, feature(VlfFeature::phase_deg));
      set(FusedFeature::md_log_amplitude_v, log10_floor(feature(VlfFeature::amplitude_v)));
      set(FusedFeature::md_ferrous, feature(VlfFeature::ferrous));
    }
  }
  if (gpr && md) {
    set(FusedFeature::sensor_distance_m,
        static_cast<float>(std::hypot(g.position_m - m.position_m, g.advance_m - m.advance_m)));
  }
  return fused_feature_count;
}

SensorFusion::SensorFusion(const Config& config) : config_(config) {
  detail::check_range("SensorFusion", "association_radius_m", config.association_radius_m, 0.0,
                      10.0, true);
  detail::check_range("SensorFusion", "settle_distance_m", config.settle_distance_m,
                      config.association_radius_m, 100.0);
  detail::check_range("SensorFusion", "capacity", static_cast<double>(config.capacity), 1.0,
                      65536.0);
  open_.reserve(config.capacity);
  closed_early_.reserve(config.capacity);
}

void SensorFusion::add(const Detection& detection) noexcept {
  if (detection.sensor == Sensor::fused || !std::isfinite(detection.position_m) ||
      !std::isfinite(detection.advance_m)) {
    ++ignored_;
    return;
  }
  OpenObject* nearest = nullptr;
  double nearest_distance = config_.association_radius_m;
  for (OpenObject& candidate : open_) {
    const double distance = std::hypot(candidate.object.position_m - detection.position_m,
                                       candidate.object.advance_m - detection.advance_m);
    if (distance <= nearest_distance) {
      nearest_distance = distance;
      nearest = &candidate;
    }
  }
  if (nearest == nullptr) {
    if (open_.size() == config_.capacity) {
      if (closed_early_.size() == config_.capacity) {
        ++dropped_;
        return;
      }
      const auto oldest = std::min_element(open_.begin(), open_.end(),
                                           [](const OpenObject& a, const OpenObject& b) {
                                             return a.object.advance_m < b.object.advance_m;
                                           });
      closed_early_.push_back(oldest->object);  // within the reserved capacity
      open_.erase(oldest);
      ++early_closes_;
    }
    open_.push_back(OpenObject{});
    nearest = &open_.back();
  }
  FusedObject& object = nearest->object;
  const double weight = 1.0 / static_cast<double>(++nearest->detections);
  object.position_m += (detection.position_m - object.position_m) * weight;
  object.advance_m += (detection.advance_m - object.advance_m) * weight;
  const std::size_t slot = sensor_slot(detection.sensor);
  if (object.hits[slot] == 0 || detection.score > object.strongest[slot].score) {
    object.strongest[slot] = detection;
  }
  if (object.hits[slot] < std::numeric_limits<std::uint16_t>::max()) ++object.hits[slot];
}

std::size_t SensorFusion::close_before(double advance_limit_m,
                                       std::span<FusedObject> out) noexcept {
  std::size_t written = 0;
  const std::size_t early = std::min(closed_early_.size(), out.size());
  std::copy_n(closed_early_.begin(), early, out.begin());
  closed_early_.erase(closed_early_.begin(), closed_early_.begin() + static_cast<long>(early));
  written += early;
  const auto kept = std::remove_if(open_.begin(), open_.end(), [&](const OpenObject& o) {
    if (written == out.size() || !(o.object.advance_m < advance_limit_m)) return false;
    out[written++] = o.object;
    return true;
  });
  open_.erase(kept, open_.end());
  return written;
}

std::size_t SensorFusion::close_behind(double advance_m, std::span<FusedObject> out) noexcept {
  return close_before(advance_m - config_.settle_distance_m, out);
}

std::size_t SensorFusion::close_all(std::span<FusedObject> out) noexcept {
  return close_before(std::numeric_limits<double>::infinity(), out);
}

void SensorFusion::reset() noexcept {
  open_.clear();
  closed_early_.clear();
  early_closes_ = 0;
  ignored_ = 0;
  dropped_ = 0;
}

}  // namespace deminer::dsp
