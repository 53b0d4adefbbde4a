// Ray geometry of a ground-coupled GPR over flat ground: two-way travel times with refraction at
// the surface, and the inverse (apex time -> depth).
//
// Why here: the simulator (sim/) computes echo times with these functions and the detector
// inverts them, so the two cannot drift apart. Model: air above a flat surface (velocity c),
// homogeneous soil below (velocity c/sqrt(εr)); the transmitter and receiver sit at
// `antenna_height_m` above the surface, `antenna_offset_m` apart along the track, and positions
// refer to their midpoint. Each leg (antenna -> point, point -> antenna) obeys Snell's law
// (equivalently Fermat's least time); the refraction point is found by bisection.
// Units: metres, seconds. Everything here is noexcept and allocation-free (streaming-safe).
#pragma once

namespace deminer::dsp {

inline constexpr double speed_of_light_m_per_s = 299'792'458.0;

// Wave velocity in a non-magnetic, low-loss soil of relative permittivity εr.
[[nodiscard]] double soil_velocity_m_per_s(double relative_permittivity) noexcept;

struct AntennaGeometry {
  double antenna_height_m = 0.05;      // above the ground surface, > 0
  double antenna_offset_m = 0.0;       // transmitter-receiver separation along the track, >= 0
  double relative_permittivity = 6.0;  // of the soil, >= 1
};

// One leg from an antenna at `height_m` above the surface to a point `depth_m` below it,
// `horizontal_m` (>= 0) away along the track.
struct RayLeg {
  double refraction_offset_m;  // horizontal distance antenna -> refraction point on the surface
  double air_length_m;
  double soil_length_m;
  double time_s;
};
[[nodiscard]] RayLeg refracted_leg(double horizontal_m, double height_m, double depth_m,
                                   double soil_velocity_m_per_s) noexcept;

// Two-way time transmitter -> point -> receiver for a point at `depth_m` when the antenna
// midpoint is `lateral_m` away from it along the track.
[[nodiscard]] double two_way_time_s(const AntennaGeometry& g, double lateral_m,
                                    double depth_m) noexcept;

// Two-way time of the specular reflection from the surface (depth 0 directly below the midpoint).
[[nodiscard]] double surface_two_way_time_s(const AntennaGeometry& g) noexcept;

// Inverse of two_way_time_s(g, 0, depth) for depth in [0, max_depth_m]: the depth whose apex echo
// arrives at `time_s`. Times before the surface echo give 0, times beyond max_depth_m give
// max_depth_m.
[[nodiscard]] double depth_from_apex_time_m(const AntennaGeometry& g, double time_s,
                                            double max_depth_m = 10.0) noexcept;

}  // namespace deminer::dsp
