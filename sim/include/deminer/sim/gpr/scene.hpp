// Synthetic GPR B-scans with ground truth: point targets in a homogeneous soil under a flat
// surface, seen by a ground-coupled antenna pair moving along a straight track.
//
// Why: detection needs labelled data, and a scene whose physics we control tells whether an
// error comes from the processing or from the world. Deterministic for a given seed.
// Physics (per trace, antenna midpoint at position x):
//  - direct coupling wave: transmitter -> receiver through air, at antenna_offset_m / c;
//  - surface reflection: at the specular point, time sqrt(offset² + (2h)²) / c, amplitude
//    surface_reflection · Fresnel coefficient (1 - √εr)/(1 + √εr) · (1 m / path length);
//  - each target: a point scatterer, on the track or `offset_m` beside it; each leg
//    (tx -> target, target -> rx) refracts at the surface following Snell's law
//    (deminer/dsp/gpr/refraction.hpp) in the vertical plane through that antenna and the
//    target, over the horizontal distance sqrt(along² + offset²); amplitude
//    amplitude · (1 m / R_tx) · (1 m / R_rx) · exp(-α (soil_tx + soil_rx)), with R per leg the
//    paraxial equivalent range air_length·√εr + soil_length (geometric spreading across a
//    refracting surface) and α = (σ/2)·√(μ0/(ε0 εr)) Np/m the low-loss attenuation; i.e.
//    `amplitude` is the echo at 1 m equivalent range per leg without loss (transmission
//    coefficients are folded into it);
//  - every arrival is a zero-phase Ricker wavelet (peak 1 at its arrival time) of centre_hz;
//  - white Gaussian noise of noise_std on every sample.
// Units: seconds, metres, hertz, S/m; amplitudes in arbitrary receiver units.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "deminer/dsp/core/trace.hpp"

namespace deminer::sim {

struct GprTarget {
  double x_m = 0.0;        // along-track position, [-1e6, 1e6]
  double depth_m = 0.1;    // of the reflecting point below the surface, [0, 5]
  double amplitude = 0.1;  // signed reflectivity (see above), [-1e3, 1e3]
  // Horizontal distance across the track (a target beside the track, e.g. seen from a
  // neighbouring sweep), [-1e3, 1e3]. The antenna pattern is taken as isotropic.
  double offset_m = 0.0;
};

struct GprSceneConfig {
  // Soil.
  double relative_permittivity = 6.0;   // εr, [1, 100]
  double conductivity_s_per_m = 0.001;  // σ, [0, 1]
  // Radar.
  double centre_hz = 1.5e9;             // Ricker centre frequency, [1e8, 1e10]
  double dt_s = 0.05e-9;                // sample interval, (0, 1 / (4·centre_hz)]
  double time_zero_s = -2e-9;           // time of sample 0 relative to transmit, [-1e-6, 0]
  std::size_t samples_per_trace = 512;  // [16, 65536]
  double trace_rate_hz = 100.0;         // traces per second (timestamps), [0.1, 1e6]
  // Track.
  std::size_t trace_count = 160;   // [1, 1e6]
  double trace_spacing_m = 0.01;   // (0, 1]
  double start_position_m = 0.0;   // antenna midpoint at the first trace, [-1e6, 1e6]
  double antenna_height_m = 0.05;  // (0, 2]
  double antenna_offset_m = 0.05;  // transmitter-receiver separation, [0, 2]
  // Scene.
  std::vector<GprTarget> targets;
  double direct_wave_amplitude = 1.0;  // [-1e3, 1e3]
  double surface_reflection = 1.0;     // scale of the physical surface echo, [0, 10]
  double noise_std = 0.02;             // [0, 1e3]
  std::uint64_t seed = 1;
};

// Throws std::invalid_argument naming the field (JSON-pointer style, e.g. "targets/1/depth_m"),
// its value and the valid range.
void validate(const GprSceneConfig& config);

// Sand-like soil (εr 6), 1.6 m track at 1 cm spacing, three targets 45 cm apart at 5, 10 and
// 18 cm depth (0.35, 0.80 and 1.25 m along the track), the middle one of opposite polarity.
[[nodiscard]] GprSceneConfig default_gpr_scene();

struct GprTruthTarget {
  double x_m = 0.0;
  double depth_m = 0.0;
  double apex_time_s = 0.0;  // two-way time with the antenna midpoint abreast of the target
};

struct GprTruth {
  std::vector<GprTruthTarget> targets;
};

struct SimulatedScene {
  GprSceneConfig config;
  std::vector<dsp::Trace> traces;
  GprTruth truth;
};

// Validates the configuration, then renders every trace.
[[nodiscard]] SimulatedScene simulate_gpr_scene(const GprSceneConfig& config);
[[nodiscard]] GprTruth gpr_truth(const GprSceneConfig& config);

// JSON (UTF-8 text). Readers reject unknown keys, wrong types and out-of-range values with a
// deminer::ConfigError naming the source and the JSON path, e.g.
// "scene.json: /targets/1/depth_m: -0.1 is out of range [0, 5]". Keys absent from a scene file
// take the GprSceneConfig defaults (no targets).
[[nodiscard]] std::string scene_to_json(const GprSceneConfig& config);
[[nodiscard]] GprSceneConfig scene_from_json(std::string_view text, std::string_view source_name);
[[nodiscard]] std::string truth_to_json(const GprTruth& truth);
[[nodiscard]] GprTruth truth_from_json(std::string_view text, std::string_view source_name);

}  // namespace deminer::sim
