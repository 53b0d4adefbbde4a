// Detection: what the pipeline reports for one buried object.
//
// Fixed size (the feature vector is an inline array) so detections can be produced on the
// streaming path and passed through lock-free queues without touching the heap.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace deminer::dsp {

enum class Sensor : std::uint8_t { gpr = 0, metal_detector = 1, fused = 2 };

enum class ObjectClass : std::uint8_t {
  unknown = 0,
  mine = 1,
  metal_clutter = 2,
  nonmetal_clutter = 3
};

[[nodiscard]] constexpr std::string_view to_string(ObjectClass c) noexcept {
  switch (c) {
    case ObjectClass::mine:
      return "mine";
    case ObjectClass::metal_clutter:
      return "metal_clutter";
    case ObjectClass::nonmetal_clutter:
      return "nonmetal_clutter";
    case ObjectClass::unknown:
      break;
  }
  return "unknown";
}

[[nodiscard]] constexpr std::string_view to_string(Sensor s) noexcept {
  switch (s) {
    case Sensor::metal_detector:
      return "md";
    case Sensor::fused:
      return "fused";
    case Sensor::gpr:
      break;
  }
  return "gpr";
}

struct Detection {
  static constexpr std::size_t max_features = 32;

  Sensor sensor = Sensor::gpr;
  std::uint16_t channel = 0;
  std::uint64_t sequence = 0;  // sequence number of the trace/frame at the apex
  double position_m = 0.0;     // along-track position of the object (apex)
  // Where the sweep line was along the lane when a head sweeps a 2-D area (position_m is then
  // along the sweep, across the lane: md_frame.hpp's advance_m); 0 on a single straight track.
  double advance_m = 0.0;
  double depth_m = 0.0;  // estimated depth below the ground surface (top of the object)
  double time_s = 0.0;   // two-way travel time of the apex echo (relative to transmit)
  std::int64_t timestamp_ns = 0;
  float score = 0.0f;  // detector statistic (e.g. envelope energy over the noise level)
  // From the hyperbola fit of the object's echo (detect/hyperbola_fit.hpp): the soil's relative
  // permittivity above the object and 1-sigma uncertainties. relative_permittivity == 0 when no
  // fit was possible (then depth_m comes from the configured permittivity).
  float relative_permittivity = 0.0f;
  float permittivity_sigma = 0.0f;
  float position_sigma_m = 0.0f;
  float depth_sigma_m = 0.0f;
  ObjectClass object_class = ObjectClass::unknown;
  float confidence = 0.0f;  // 0..1, meaningful once a classifier has run
  std::array<float, max_features> feature_values{};
  std::uint8_t feature_count = 0;

  [[nodiscard]] std::span<const float> features() const noexcept {
    return {feature_values.data(), feature_count};
  }
};

}  // namespace deminer::dsp
