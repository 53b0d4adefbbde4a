#include "deminer/dsp/gpr/refraction.hpp"

#include <cmath>

namespace deminer::dsp {

namespace {
// Bisection halves the bracket each step; 100 steps reach the resolution of a double for any
// bracket a survey can produce. The loops stop earlier, as soon as the midpoint no longer falls
// strictly inside the bracket (the bracket is as narrow as doubles allow).
constexpr int bisection_steps = 100;

// sin of the angle from the vertical of a segment with horizontal run `run` and vertical `rise`.
double sine(double run, double rise) noexcept {
  const double length = std::hypot(run, rise);
  return length > 0.0 ? run / length : 0.0;
}
}  // namespace

double soil_velocity_m_per_s(double relative_permittivity) noexcept {
  return speed_of_light_m_per_s / std::sqrt(relative_permittivity);
}

RayLeg refracted_leg(double horizontal_m, double height_m, double depth_m,
                     double soil_velocity) noexcept {
  // Snell: sin(θ_air)/c = sin(θ_soil)/v. The mismatch below grows monotonically with the
  // refraction offset u, negative at u = 0 and positive at u = horizontal_m.
  double lo = 0.0;
  double hi = horizontal_m;
  for (int step = 0; step < bisection_steps; ++step) {
    const double u = 0.5 * (lo + hi);
    if (!(lo < u && u < hi)) break;
    const double mismatch = sine(u, height_m) / speed_of_light_m_per_s -
                            sine(horizontal_m - u, depth_m) / soil_velocity;
    (mismatch < 0.0 ? lo : hi) = u;
  }
  const double u = 0.5 * (lo + hi);
  const double air = std::hypot(u, height_m);
  const double soil = std::hypot(horizontal_m - u, depth_m);
  return {u, air, soil, air / speed_of_light_m_per_s + soil / soil_velocity};
}

double two_way_time_s(const AntennaGeometry& g, double lateral_m, double depth_m) noexcept {
  const double v = soil_velocity_m_per_s(g.relative_permittivity);
  const double half_offset = 0.5 * g.antenna_offset_m;
  const double tx = std::abs(lateral_m - half_offset);
  const double rx = std::abs(lateral_m + half_offset);
  const double tx_time = refracted_leg(tx, g.antenna_height_m, depth_m, v).time_s;
  // Above the object (the apex, where depths are inverted) both legs are the same ray.
  return tx == rx ? 2.0 * tx_time
                  : tx_time + refracted_leg(rx, g.antenna_height_m, depth_m, v).time_s;
}

double surface_two_way_time_s(const AntennaGeometry& g) noexcept {
  // Mirror image of the transmitter in the surface.
  return std::hypot(g.antenna_offset_m, 2.0 * g.antenna_height_m) / speed_of_light_m_per_s;
}

double depth_from_apex_time_m(const AntennaGeometry& g, double time_s,
                              double max_depth_m) noexcept {
  // The apex time grows monotonically with depth. Newton steps on depth (by Fermat, a leg's time
  // changes with depth as cos θ_soil / v), kept inside a bisection bracket: a few ray solutions
  // instead of one per halving of the bracket.
  const double v = soil_velocity_m_per_s(g.relative_permittivity);
  const double half_offset = 0.5 * g.antenna_offset_m;
  double lo = 0.0;
  double hi = max_depth_m;
  if (time_s <= two_way_time_s(g, 0.0, lo)) return lo;
  if (time_s >= two_way_time_s(g, 0.0, hi)) return hi;
  // Start from the vertical path: t = 2 h / c + 2 d / v.
  double depth = 0.5 * (time_s - 2.0 * g.antenna_height_m / speed_of_light_m_per_s) * v;
  if (!(lo < depth && depth < hi)) depth = 0.5 * (lo + hi);
  for (int step = 0; step < bisection_steps; ++step) {
    const RayLeg leg = refracted_leg(half_offset, g.antenna_height_m, depth, v);
    const double mismatch = 2.0 * leg.time_s - time_s;
    if (mismatch == 0.0) return depth;
    (mismatch < 0.0 ? lo : hi) = depth;
    const double slope = leg.soil_length_m > 0.0 ? 2.0 * depth / (leg.soil_length_m * v) : 0.0;
    double next = slope > 0.0 ? depth - mismatch / slope : 0.5 * (lo + hi);
    if (!(lo < next && next < hi)) next = 0.5 * (lo + hi);
    if (!(lo < next && next < hi) || std::abs(next - depth) <= 1e-15 * max_depth_m) {
      return next > lo && next < hi ? next : depth;
    }
    depth = next;
  }
  return depth;
}

}  // namespace deminer::dsp
