#include "deminer/sim/gpr/scene.hpp"

#include <cmath>
#include <numbers>
#include <random>
#include <sstream>
#include <stdexcept>

#include "../range_check.hpp"
#include "deminer/dsp/gpr/refraction.hpp"
#include "scene_validation.hpp"

namespace deminer::sim {

namespace {

constexpr double vacuum_permeability_h_per_m = 1.25663706212e-6;
constexpr double vacuum_permittivity_f_per_m = 8.8541878128e-12;
// The Ricker wavelet is below 1e-8 of its peak beyond 1.5 periods from its centre.
constexpr double ricker_half_support_periods = 1.5;

using detail::RangeCheck;

double ricker(double t_s, double centre_hz) noexcept {
  const double a = std::pow(std::numbers::pi * centre_hz * t_s, 2);
  return (1.0 - 2.0 * a) * std::exp(-a);
}

struct Arrival {
  double time_s;
  double amplitude;
};

dsp::AntennaGeometry geometry_of(const GprSceneConfig& c) {
  return {c.antenna_height_m, c.antenna_offset_m, c.relative_permittivity};
}

// Horizontal distance from an antenna `along_m` away from the target along the track to the
// target, which lies `offset_m` beside the track. Exactly |along_m| on the track, so scenes
// without offsets are bit-identical to those made before offsets existed.
double horizontal_distance_m(double along_m, const GprTarget& target) noexcept {
  return target.offset_m == 0.0 ? std::abs(along_m) : std::hypot(along_m, target.offset_m);
}

// Echo of a point target seen from an antenna midpoint `lateral_m` away along the track.
Arrival target_arrival(const GprSceneConfig& c, const GprTarget& target, double lateral_m) {
  const double sqrt_er = std::sqrt(c.relative_permittivity);
  const double v = dsp::soil_velocity_m_per_s(c.relative_permittivity);
  const double alpha_np_per_m = 0.5 * c.conductivity_s_per_m *
                                std::sqrt(vacuum_permeability_h_per_m /
                                          (vacuum_permittivity_f_per_m * c.relative_permittivity));
  const double half_offset = 0.5 * c.antenna_offset_m;
  const auto tx = dsp::refracted_leg(horizontal_distance_m(lateral_m - half_offset, target),
                                     c.antenna_height_m, target.depth_m, v);
  const auto rx = dsp::refracted_leg(horizontal_distance_m(lateral_m + half_offset, target),
                                     c.antenna_height_m, target.depth_m, v);
  const double range_tx_m = tx.air_length_m * sqrt_er + tx.soil_length_m;
  const double range_rx_m = rx.air_length_m * sqrt_er + rx.soil_length_m;
  const double loss = std::exp(-alpha_np_per_m * (tx.soil_length_m + rx.soil_length_m));
  return {tx.time_s + rx.time_s, target.amplitude * loss / (range_tx_m * range_rx_m)};
}

void add_wavelet(std::vector<double>& trace, const GprSceneConfig& c, const Arrival& arrival) {
  const double half_support_s = ricker_half_support_periods / c.centre_hz;
  const double first = std::ceil((arrival.time_s - half_support_s - c.time_zero_s) / c.dt_s);
  const double last = std::floor((arrival.time_s + half_support_s - c.time_zero_s) / c.dt_s);
  const double n = static_cast<double>(trace.size());
  for (double k = std::max(first, 0.0); k <= last && k < n; ++k) {
    const double t_s = c.time_zero_s + k * c.dt_s;
    trace[static_cast<std::size_t>(k)] +=
        arrival.amplitude * ricker(t_s - arrival.time_s, c.centre_hz);
  }
}

}  // namespace

namespace detail {

std::string first_invalid_field(const GprSceneConfig& c) {
  RangeCheck check;
  check("relative_permittivity", c.relative_permittivity, 1.0, 100.0);
  check("conductivity_s_per_m", c.conductivity_s_per_m, 0.0, 1.0);
  check("centre_hz", c.centre_hz, 1e8, 1e10);
  check("dt_s", c.dt_s, 0.0, 0.25 / c.centre_hz, true);
  check("time_zero_s", c.time_zero_s, -1e-6, 0.0);
  check("samples_per_trace", static_cast<double>(c.samples_per_trace), 16.0, 65536.0);
  check("trace_rate_hz", c.trace_rate_hz, 0.1, 1e6);
  check("trace_count", static_cast<double>(c.trace_count), 1.0, 1e6);
  check("trace_spacing_m", c.trace_spacing_m, 0.0, 1.0, true);
  check("start_position_m", c.start_position_m, -1e6, 1e6);
  check("antenna_height_m", c.antenna_height_m, 0.0, 2.0, true);
  check("antenna_offset_m", c.antenna_offset_m, 0.0, 2.0);
  for (std::size_t i = 0; i < c.targets.size(); ++i) {
    const std::string prefix = "targets/" + std::to_string(i) + "/";
    check(prefix + "x_m", c.targets[i].x_m, -1e6, 1e6);
    check(prefix + "depth_m", c.targets[i].depth_m, 0.0, 5.0);
    check(prefix + "amplitude", c.targets[i].amplitude, -1e3, 1e3);
    check(prefix + "offset_m", c.targets[i].offset_m, -1e3, 1e3);
  }
  check("direct_wave_amplitude", c.direct_wave_amplitude, -1e3, 1e3);
  check("surface_reflection", c.surface_reflection, 0.0, 10.0);
  check("noise_std", c.noise_std, 0.0, 1e3);
  return check.message();
}

}  // namespace detail

void validate(const GprSceneConfig& config) {
  if (const std::string message = detail::first_invalid_field(config); !message.empty()) {
    throw std::invalid_argument("GprSceneConfig: " + message);
  }
}

GprSceneConfig default_gpr_scene() {
  GprSceneConfig config;
  config.targets = {{0.35, 0.05, 0.1}, {0.80, 0.10, -0.1}, {1.25, 0.18, 0.1}};
  return config;
}

GprTruth gpr_truth(const GprSceneConfig& config) {
  GprTruth truth;
  for (const GprTarget& target : config.targets) {
    double apex_time_s = dsp::two_way_time_s(geometry_of(config), 0.0, target.depth_m);
    if (target.offset_m != 0.0) {
      // Abreast of a target beside the track, both legs run over the same horizontal distance.
      const double v = dsp::soil_velocity_m_per_s(config.relative_permittivity);
      const double horizontal_m = horizontal_distance_m(0.5 * config.antenna_offset_m, target);
      apex_time_s =
          2.0 * dsp::refracted_leg(horizontal_m, config.antenna_height_m, target.depth_m, v).time_s;
    }
    truth.targets.push_back({target.x_m, target.depth_m, apex_time_s});
  }
  return truth;
}

SimulatedScene simulate_gpr_scene(const GprSceneConfig& config) {
  validate(config);
  const double sqrt_er = std::sqrt(config.relative_permittivity);
  const double fresnel = (1.0 - sqrt_er) / (1.0 + sqrt_er);
  const double mirror_path_m = std::hypot(config.antenna_offset_m, 2.0 * config.antenna_height_m);
  const Arrival direct{config.antenna_offset_m / dsp::speed_of_light_m_per_s,
                       config.direct_wave_amplitude};
  const Arrival surface{dsp::surface_two_way_time_s(geometry_of(config)),
                        config.surface_reflection * fresnel / mirror_path_m};

  std::mt19937_64 rng(config.seed);
  std::normal_distribution<double> noise(0.0, config.noise_std > 0.0 ? config.noise_std : 1.0);
  SimulatedScene scene{config, {}, gpr_truth(config)};
  scene.traces.reserve(config.trace_count);
  std::vector<double> samples(config.samples_per_trace);
  for (std::size_t i = 0; i < config.trace_count; ++i) {
    const double x_m = config.start_position_m + static_cast<double>(i) * config.trace_spacing_m;
    std::fill(samples.begin(), samples.end(), 0.0);
    add_wavelet(samples, config, direct);
    add_wavelet(samples, config, surface);
    for (const GprTarget& target : config.targets) {
      add_wavelet(samples, config, target_arrival(config, target, x_m - target.x_m));
    }
    dsp::Trace trace;
    trace.header.dt_s = config.dt_s;
    trace.header.time_zero_s = config.time_zero_s;
    trace.header.position_m = x_m;
    trace.header.timestamp_ns = std::llround(static_cast<double>(i) * 1e9 / config.trace_rate_hz);
    trace.header.sequence = i;
    trace.header.channel = 0;
    trace.samples.resize(samples.size());
    for (std::size_t k = 0; k < samples.size(); ++k) {
      const double n = config.noise_std > 0.0 ? noise(rng) : 0.0;
      trace.samples[k] = static_cast<float>(samples[k] + n);
    }
    scene.traces.push_back(std::move(trace));
  }
  return scene;
}

}  // namespace deminer::sim
