// SensorFusion: one object per buried item from the GPR and metal-detector detections of a
// dual-sensor head sweeping a lane, with both sensors' evidence side by side for the classifier.
//
// Why: the head passes over an item on several sweeps and each sensor reports it on some of the
// passes, or on none: a plastic mine's few grams of detonator may stay below the metal detector's
// threshold, a nail below the radar's. Clearance judges the item, not each pass, and the
// classifier needs what each sensor said of it, silence included (in real clearance most
// metal-detector alarms are scrap that the radar sees as small or not at all).
// Rule: every detection carries its lane position (Detection::position_m across the lane, along
// the sweep; Detection::advance_m along the lane). It joins the open object whose centre (the
// mean position of its detections) is nearest, if that is within association_radius_m;
// otherwise it opens a new object. Per sensor an object keeps its strongest detection (highest
// score) and counts its detections. Detections of the fused sensor are ignored (counted).
// Closing: an object is final once the sweep line has advanced more than settle_distance_m past
// its centre, as no later pass can reach it: set it to at least the larger sensor footprint
// (the coil's radius, the radar's beam at depth) plus association_radius_m. close_behind()
// reports those; close_all() reports every open object (end of a lane). When all capacity slots
// are in use, a new object first closes the one with the smallest advance early (counted; the
// next close call reports it); when `capacity` early-closed objects wait already, the detection
// is dropped (counted). Calling close_behind() once per sweep keeps both at zero.
// Units: metres. Memory: `capacity` objects taken at construction; add() and the close calls
// are noexcept and allocation-free. Objects come out in the order they were opened.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "deminer/dsp/core/detection.hpp"

namespace deminer::dsp {

struct FusedObject {
  double position_m = 0.0;  // centre across the lane (mean over its detections)
  double advance_m = 0.0;   // centre along the lane
  // Indexed by sensor_slot(): the strongest detection of each sensor and how many it made.
  std::array<Detection, 2> strongest{};
  std::array<std::uint16_t, 2> hits{};

  [[nodiscard]] bool seen_by(Sensor sensor) const noexcept;
  [[nodiscard]] const Detection& strongest_of(Sensor sensor) const noexcept;
};

// 0 for the radar, 1 for the metal detector (the fused sensor has no slot).
[[nodiscard]] constexpr std::size_t sensor_slot(Sensor sensor) noexcept {
  return sensor == Sensor::metal_detector ? 1 : 0;
}

// Feature-level fusion: the vector the classifier sees for one object, in this order. A sensor
// that did not see the object gives 0 in all of its slots and 0 in its `seen` flag, so a linear
// model learns what silence means from the flag. Energies and scores span decades, hence log10.
enum class FusedFeature : std::uint8_t {
  gpr_seen = 0,            // 1 when the radar detected the object, else 0
  md_seen,                 // 1 when the metal detector did
  gpr_log_score,           // log10 of the strongest GPR detection's score (CFAR ratio)
  md_log_score,            // log10 of the strongest MD detection's score (peak SNR, σ)
  gpr_hits,                // detections of the radar (passes that saw it)
  md_hits,                 // detections of the metal detector
  sensor_distance_m,       // between the two sensors' strongest detections (0 unless both)
  gpr_depth_m,             // depth of the strongest GPR detection
  md_phase_deg,            // VLF phase θ (VlfFeature::phase_deg)
  md_log_amplitude_v,      // log10 |X + iR| at the peak (VlfFeature::amplitude_v)
  md_ferrous,              // VlfFeature::ferrous: 1, 0, or -1 (no identity)
  gpr_first,               // the GPR features (features.hpp, Feature order), time_energy as
  count = gpr_first + 12,  // log10; 12 = dsp::feature_count
};
inline constexpr std::size_t fused_feature_count = static_cast<std::size_t>(FusedFeature::count);

// Fills out[0, fused_feature_count) (out must be at least that long) and returns that count.
// An MD detection without the VLF feature layout (a PI chain's) leaves the md_phase_deg,
// md_log_amplitude_v and md_ferrous slots at 0.
std::size_t fused_features(const FusedObject& object, std::span<float> out) noexcept;

class SensorFusion {
 public:
  struct Config {
    double association_radius_m = 0.10;  // (0, 10]
    double settle_distance_m = 0.30;     // [association_radius_m, 100]
    std::size_t capacity = 64;           // open objects, [1, 65536]
  };

  // Throws std::invalid_argument naming the field, its value and the valid range.
  explicit SensorFusion(const Config& config);

  void add(const Detection& detection) noexcept;
  // Writes the objects closed early to make room, then those the sweep line (now at
  // `advance_m`) has left behind by more than settle_distance_m, to `out`; returns how many.
  // Objects that do not fit in `out` wait for the next call.
  std::size_t close_behind(double advance_m, std::span<FusedObject> out) noexcept;
  std::size_t close_all(std::span<FusedObject> out) noexcept;
  void reset() noexcept;

  [[nodiscard]] std::size_t open_objects() const noexcept { return open_.size(); }
  [[nodiscard]] std::uint64_t early_closes() const noexcept { return early_closes_; }
  [[nodiscard]] std::uint64_t ignored_detections() const noexcept { return ignored_; }
  [[nodiscard]] std::uint64_t dropped_detections() const noexcept { return dropped_; }
  [[nodiscard]] const Config& config() const noexcept { return config_; }

 private:
  struct OpenObject {
    FusedObject object;
    std::uint32_t detections = 0;  // both sensors: the weight of the running-mean centre
  };
  // Early-closed objects first, then open ones centred before advance_limit_m, in opening order.
  std::size_t close_before(double advance_limit_m, std::span<FusedObject> out) noexcept;

  Config config_;
  std::vector<OpenObject> open_;           // in opening order; capacity reserved at construction
  std::vector<FusedObject> closed_early_;  // likewise
  std::uint64_t early_closes_ = 0;
  std::uint64_t ignored_ = 0;
  std::uint64_t dropped_ = 0;
};

}  // namespace deminer::dsp
