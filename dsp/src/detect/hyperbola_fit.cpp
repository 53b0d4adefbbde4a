#include "deminer/dsp/detect/hyperbola_fit.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "deminer/dsp/gpr/refraction.hpp"

namespace deminer::dsp {

namespace {

// sqrt(a² + b²): std::hypot guards against overflow that metre-scale lengths never reach, at
// several times the cost, and this runs a few hundred thousand times per fit.
inline double distance(double a, double b) noexcept { return std::sqrt(a * a + b * b); }

using Vector3 = Eigen::Vector3d;
using Matrix3 = Eigen::Matrix3d;

// Residuals are handled in nanoseconds so that the normal matrix has entries of order one for
// centimetre-scale geometry (in seconds they would be ~1e-18 and the relative tolerances below
// would mean nothing).
constexpr double seconds_to_ns = 1e9;

// Parameter vector: (apex position m, depth m, relative permittivity).
constexpr int position_index = 0;
constexpr int depth_index = 1;
constexpr int permittivity_index = 2;

// Number of starting permittivities tried (geometric grid over the allowed range).
constexpr int permittivity_grid_size = 8;

// Convergence: a step below these sizes (m, m, relative εr) changes nothing a survey could see.
constexpr double position_tolerance_m = 1e-10;
constexpr double depth_tolerance_m = 1e-10;
constexpr double permittivity_relative_tolerance = 1e-10;
// A relative cost decrease below this is rounding noise.
constexpr double cost_relative_tolerance = 1e-13;
// rms residual (ns) at which the fit is exact to double precision.
constexpr double exact_rms_ns = 1e-10;

constexpr double lambda_start = 1e-3;
constexpr double lambda_min = 1e-15;
constexpr double lambda_max = 1e16;

// The normal matrix, scaled to unit diagonal, must have at least this reciprocal condition.
constexpr double min_reciprocal_condition = 1e-13;

struct Evaluation {
  double cost = 0.0;  // Σ w r², ns²
  Matrix3 normal;     // Jᵀ W J
  Vector3 gradient;   // Jᵀ W r
  double weight_sum = 0.0;
};

// One leg of a pick: time and its derivatives with respect to (horizontal distance, depth, εr).
struct LegDerivatives {
  double time_s;
  double d_horizontal;    // s/m
  double d_depth;         // s/m
  double d_permittivity;  // s per unit εr
};

double sine(double run, double rise) noexcept {
  const double length = distance(run, rise);
  return length > 0.0 ? run / length : 0.0;
}

// refracted_leg() solves Snell's law by bisection (~60 steps to double resolution); the fit
// evaluates thousands of legs, so here the same equation is solved by Newton's method kept inside
// the bisection bracket (a handful of steps). The mismatch f(u) = sin θair / c - sin θsoil / v
// grows monotonically with the refraction offset u ∈ [0, horizontal].
RayLeg newton_refracted_leg(double horizontal_m, double height_m, double depth_m,
                            double soil_velocity) noexcept {
  constexpr double c = speed_of_light_m_per_s;
  double lo = 0.0;
  double hi = horizontal_m;
  // Start where the straight line antenna -> point crosses the surface (exact for εr = 1).
  const double total = height_m + depth_m;
  double u = total > 0.0 ? horizontal_m * height_m / total : 0.5 * horizontal_m;
  constexpr int max_steps = 100;
  for (int step = 0; step < max_steps; ++step) {
    const double air = distance(u, height_m);
    const double run = horizontal_m - u;
    const double soil = distance(run, depth_m);
    const double mismatch = sine(u, height_m) / c - sine(run, depth_m) / soil_velocity;
    (mismatch < 0.0 ? lo : hi) = u;
    if (mismatch == 0.0) break;
    const double slope =
        (air > 0.0 ? height_m * height_m / (c * air * air * air) : 0.0) +
        (soil > 0.0 ? depth_m * depth_m / (soil_velocity * soil * soil * soil) : 0.0);
    double next = slope > 0.0 ? u - mismatch / slope : 0.5 * (lo + hi);
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    // Newton converges quadratically, so iterating to the resolution of a double costs about
    // one step more than stopping early; and where the root is on the bracket's end (depth 0, or
    // the head wave of an antenna on the ground) the time is not stationary in u, so only full
    // resolution reproduces refracted_leg().
    const bool done =
        std::abs(next - u) <= 1e-15 * (horizontal_m + total) || !(lo < next && next < hi);
    u = next;
    if (done) break;
  }
  const double air = distance(u, height_m);
  const double soil = distance(horizontal_m - u, depth_m);
  return {u, air, soil, air / c + soil / soil_velocity};
}

LegDerivatives leg_with_derivatives(double horizontal_m, double height_m, double depth_m,
                                    double permittivity, double velocity) noexcept {
  const RayLeg leg = newton_refracted_leg(horizontal_m, height_m, depth_m, velocity);
  // Fermat: the refraction point is stationary, so the derivatives of the leg time are the
  // partial derivatives of air/c + soil/v at a fixed refraction point.
  if (!(leg.soil_length_m > 0.0)) return {leg.time_s, 0.0, 0.0, 0.0};
  const double inv = 1.0 / (leg.soil_length_m * velocity);
  const double run = horizontal_m - leg.refraction_offset_m;
  return {leg.time_s, run * inv, depth_m * inv,
          leg.soil_length_m / (2.0 * velocity * permittivity)};
}

class Model {
 public:
  Model(const HyperbolaFitter::Config& config, std::span<const HyperbolaPick> picks) noexcept
      : config_(config), picks_(picks) {}

  // Model time (s) and its gradient (s per parameter unit) for one pick.
  double time(const HyperbolaPick& pick, const Vector3& p, Vector3& gradient) const noexcept {
    const double permittivity = p[permittivity_index];
    const double depth = p[depth_index];
    const double velocity = soil_velocity_m_per_s(permittivity);
    const double half_offset = 0.5 * config_.antenna_offset_m;
    const double lateral = pick.position_m - p[position_index];
    const double tx_signed = lateral - half_offset;
    const double rx_signed = lateral + half_offset;
    const LegDerivatives tx = leg_with_derivatives(std::abs(tx_signed), config_.antenna_height_m,
                                                   depth, permittivity, velocity);
    // Same ray for both legs above the object (as two_way_time_s does).
    const LegDerivatives rx =
        std::abs(tx_signed) == std::abs(rx_signed)
            ? tx
            : leg_with_derivatives(std::abs(rx_signed), config_.antenna_height_m, depth,
                                   permittivity, velocity);
    // d|s|/dx0 = -sign(s) with s = x - x0 ± offset/2.
    const double tx_sign = tx_signed < 0.0 ? -1.0 : 1.0;
    const double rx_sign = rx_signed < 0.0 ? -1.0 : 1.0;
    gradient[position_index] = -(tx_sign * tx.d_horizontal + rx_sign * rx.d_horizontal);
    gradient[depth_index] = tx.d_depth + rx.d_depth;
    gradient[permittivity_index] = tx.d_permittivity + rx.d_permittivity;
    return tx.time_s + rx.time_s;
  }

  Evaluation evaluate(const Vector3& p) const noexcept {
    Evaluation e;
    e.normal.setZero();
    e.gradient.setZero();
    Vector3 gradient;
    for (const HyperbolaPick& pick : picks_) {
      const double residual_ns = (time(pick, p, gradient) - pick.time_s) * seconds_to_ns;
      const Vector3 jacobian_row = gradient * seconds_to_ns;
      e.cost += pick.weight * residual_ns * residual_ns;
      e.normal.noalias() += pick.weight * jacobian_row * jacobian_row.transpose();
      e.gradient.noalias() += pick.weight * residual_ns * jacobian_row;
      e.weight_sum += pick.weight;
    }
    return e;
  }

  // Cost only (for ranking starting points).
  double cost(const Vector3& p) const noexcept {
    const AntennaGeometry g{config_.antenna_height_m, config_.antenna_offset_m,
                            p[permittivity_index]};
    double sum = 0.0;
    for (const HyperbolaPick& pick : picks_) {
      const double r =
          (fitted_two_way_time_s(g, pick.position_m - p[position_index], p[depth_index]) -
           pick.time_s) *
          seconds_to_ns;
      sum += pick.weight * r * r;
    }
    return sum;
  }

  Vector3 project(Vector3 p) const noexcept {
    p[depth_index] = std::clamp(p[depth_index], 0.0, config_.max_depth_m);
    p[permittivity_index] =
        std::clamp(p[permittivity_index], config_.min_permittivity, config_.max_permittivity);
    return p;
  }

 private:
  const HyperbolaFitter::Config& config_;
  std::span<const HyperbolaPick> picks_;
};

std::string describe(double value) { return std::to_string(value); }

[[noreturn]] void invalid(const std::string& field, const std::string& value,
                          const std::string& range) {
  throw std::invalid_argument("HyperbolaFitter: " + field + " " + value + " is invalid (need " +
                              range + ")");
}

bool is_finite(double x) noexcept { return std::isfinite(x); }

}  // namespace

double fitted_two_way_time_s(const AntennaGeometry& g, double lateral_m, double depth_m) noexcept {
  const double v = soil_velocity_m_per_s(g.relative_permittivity);
  const double half_offset = 0.5 * g.antenna_offset_m;
  const double tx = std::abs(lateral_m - half_offset);
  const double rx = std::abs(lateral_m + half_offset);
  const double tx_time = newton_refracted_leg(tx, g.antenna_height_m, depth_m, v).time_s;
  return tx == rx ? 2.0 * tx_time
                  : tx_time + newton_refracted_leg(rx, g.antenna_height_m, depth_m, v).time_s;
}

double apex_curvature_s_per_m2(double antenna_height_m, double antenna_offset_m,
                               double relative_permittivity, double depth_m) noexcept {
  const AntennaGeometry g{antenna_height_m, antenna_offset_m, relative_permittivity};
  // Truncation error ~ (step / scale)², rounding ~ eps·t / step²: 1e-3 of the geometry's scale
  // keeps both below 1e-6 relative.
  const double step = 1e-3 * (depth_m + antenna_height_m + antenna_offset_m) + 1e-9;
  const double centre = two_way_time_s(g, 0.0, depth_m);
  const double ahead = two_way_time_s(g, step, depth_m);
  const double behind = two_way_time_s(g, -step, depth_m);
  return (ahead - 2.0 * centre + behind) / (step * step);
}

HyperbolaFitter::HyperbolaFitter(const Config& config) : config_(config) {
  if (!(config.antenna_height_m >= 0.0) || !is_finite(config.antenna_height_m))
    invalid("antenna_height_m", describe(config.antenna_height_m), "a finite value >= 0");
  if (!(config.antenna_offset_m >= 0.0) || !is_finite(config.antenna_offset_m))
    invalid("antenna_offset_m", describe(config.antenna_offset_m), "a finite value >= 0");
  if (!(config.min_permittivity >= 1.0) || !is_finite(config.min_permittivity))
    invalid("min_permittivity", describe(config.min_permittivity), "a finite value >= 1");
  if (!(config.max_permittivity > config.min_permittivity) || !is_finite(config.max_permittivity))
    invalid("max_permittivity", describe(config.max_permittivity),
            "a finite value > min_permittivity = " + describe(config.min_permittivity));
  if (config.min_picks < 4) invalid("min_picks", std::to_string(config.min_picks), ">= 4");
  if (config.max_picks < config.min_picks)
    invalid("max_picks", std::to_string(config.max_picks),
            ">= min_picks = " + std::to_string(config.min_picks));
  if (config.max_iterations < 1)
    invalid("max_iterations", std::to_string(config.max_iterations), ">= 1");
  if (!(config.max_depth_m > 0.0) || !is_finite(config.max_depth_m))
    invalid("max_depth_m", describe(config.max_depth_m), "a finite value > 0");
  if (!(config.max_apex_extrapolation_m >= 0.0) || !is_finite(config.max_apex_extrapolation_m))
    invalid("max_apex_extrapolation_m", describe(config.max_apex_extrapolation_m),
            "a finite value >= 0");
  if (2 * config.min_flank_picks > config.max_picks)
    invalid("min_flank_picks", std::to_string(config.min_flank_picks),
            "<= max_picks / 2 = " + std::to_string(config.max_picks / 2));
  picks_.reserve(config.max_picks);
}

HyperbolaFit HyperbolaFitter::fit(std::span<const HyperbolaPick> picks) noexcept {
  HyperbolaFit result;

  // Usable picks, thinned evenly to max_picks (the capacity reserved in the constructor).
  picks_.clear();
  std::size_t usable = 0;
  for (const HyperbolaPick& pick : picks) {
    if (is_finite(pick.position_m) && is_finite(pick.time_s) && is_finite(pick.weight) &&
        pick.weight > 0.0)
      ++usable;
  }
  {
    std::size_t index = 0;
    std::size_t taken = 0;
    const std::size_t keep = std::min(usable, config_.max_picks);
    for (const HyperbolaPick& pick : picks) {
      if (!(is_finite(pick.position_m) && is_finite(pick.time_s) && is_finite(pick.weight) &&
            pick.weight > 0.0))
        continue;
      // Keep usable pick number `index` when it is the next of `keep` evenly spaced ones.
      if (taken < keep && index * keep >= taken * usable) {
        picks_.push_back(pick);
        ++taken;
      }
      ++index;
    }
  }
  const std::size_t m = picks_.size();
  result.picks_used = m;
  if (m < config_.min_picks) return result;

  // Weighted mean position, span, and distinct positions.
  double weight_sum = 0.0;
  double mean_position = 0.0;
  double min_position = picks_.front().position_m;
  double max_position = min_position;
  const HyperbolaPick* earliest = &picks_.front();
  for (const HyperbolaPick& pick : picks_) {
    weight_sum += pick.weight;
    mean_position += pick.weight * pick.position_m;
    min_position = std::min(min_position, pick.position_m);
    max_position = std::max(max_position, pick.position_m);
    if (pick.time_s < earliest->time_s) earliest = &pick;
  }
  mean_position /= weight_sum;
  {
    // At least three distinct positions: fewer cannot fix a three-parameter curve.
    const bool have_third =
        std::any_of(picks_.begin(), picks_.end(), [&](const HyperbolaPick& pick) {
          return pick.position_m > min_position && pick.position_m < max_position;
        });
    if (!have_third) return result;
  }

  // Straight-ray start: t² = a + b ξ + c ξ² (ξ = x - mean), vertex -> apex, c = 4 / v².
  double start_position = earliest->position_m;
  double start_apex_time_s = earliest->time_s;
  double straight_ray_permittivity = 0.0;
  {
    Matrix3 normal = Matrix3::Zero();
    Vector3 rhs = Vector3::Zero();
    for (const HyperbolaPick& pick : picks_) {
      const double xi = pick.position_m - mean_position;
      const Vector3 row(1.0, xi, xi * xi);
      const double t_ns = pick.time_s * seconds_to_ns;
      normal.noalias() += pick.weight * row * row.transpose();
      rhs.noalias() += pick.weight * (t_ns * t_ns) * row;
    }
    const Eigen::LDLT<Matrix3> ldlt(normal);
    if (ldlt.info() == Eigen::Success) {
      const Vector3 coefficients = ldlt.solve(rhs);
      const double a = coefficients[0];
      const double b = coefficients[1];
      const double c = coefficients[2];
      if (c > 0.0 && is_finite(c)) {
        const double vertex = -b / (2.0 * c);
        const double apex_time_squared = a - b * vertex / 2.0;
        const double position = mean_position + vertex;
        if (apex_time_squared > 0.0 &&
            position >= min_position - config_.max_apex_extrapolation_m &&
            position <= max_position + config_.max_apex_extrapolation_m) {
          start_position = position;
          start_apex_time_s = std::sqrt(apex_time_squared) / seconds_to_ns;
          const double velocity_m_per_ns = 2.0 / std::sqrt(c);
          const double v = velocity_m_per_ns * seconds_to_ns;
          straight_ray_permittivity = (speed_of_light_m_per_s / v) * (speed_of_light_m_per_s / v);
        }
      }
    }
  }

  const Model model(config_, picks_);
  const double air_time_s = 2.0 * config_.antenna_height_m / speed_of_light_m_per_s;
  auto start_for = [&](double permittivity) {
    permittivity = std::clamp(permittivity, config_.min_permittivity, config_.max_permittivity);
    // Vertical path: t = 2 h / c + 2 d / v (offset ignored; good enough to start from).
    const double depth =
        std::clamp(0.5 * (start_apex_time_s - air_time_s) * soil_velocity_m_per_s(permittivity),
                   1e-3 * config_.max_depth_m, config_.max_depth_m);
    return Vector3(start_position, depth, permittivity);
  };
  Vector3 p = start_for(config_.min_permittivity);
  double best_cost = std::numeric_limits<double>::infinity();
  const double grid_ratio = std::pow(config_.max_permittivity / config_.min_permittivity,
                                     1.0 / (permittivity_grid_size - 1));
  for (int i = 0; i <= permittivity_grid_size; ++i) {
    const double permittivity = i < permittivity_grid_size
                                    ? config_.min_permittivity * std::pow(grid_ratio, i)
                                    : straight_ray_permittivity;
    if (!(permittivity > 0.0)) continue;
    const Vector3 candidate = start_for(permittivity);
    const double cost = model.cost(candidate);
    if (cost < best_cost) {
      best_cost = cost;
      p = candidate;
    }
  }

  // Levenberg-Marquardt with Marquardt's diagonal scaling and projection onto the bounds. It
  // searches over q = (x0, τ = depth·sqrt(εr), s = sqrt(εr)) rather than (x0, depth, εr): the apex
  // time fixes τ nearly alone and the hyperbola's opening fixes s, whereas depth and εr are
  // strongly coupled (depth ∝ 1/sqrt(εr) along the valley of the cost), which slows the steps
  // for shallow or noisy targets. Costs, residuals and the covariance stay in (x0, depth, εr).
  const double min_slowness = std::sqrt(config_.min_permittivity);
  const double max_slowness = std::sqrt(config_.max_permittivity);
  auto to_search = [](const Vector3& physical) {
    const double slowness = std::sqrt(physical[permittivity_index]);
    return Vector3(physical[position_index], physical[depth_index] * slowness, slowness);
  };
  auto to_physical = [&](const Vector3& q) {
    return Vector3(q[0], q[1] / q[2],
                   std::clamp(q[2] * q[2], config_.min_permittivity, config_.max_permittivity));
  };
  auto project_search = [&](Vector3 q) {
    q[2] = std::clamp(q[2], min_slowness, max_slowness);
    q[1] = std::clamp(q[1], 0.0, config_.max_depth_m * q[2]);
    return q;
  };
  // ∂(x0, depth, εr) / ∂(x0, τ, s).
  auto chain = [](const Vector3& q) {
    Matrix3 derivative;
    derivative << 1.0, 0.0, 0.0,                 //
        0.0, 1.0 / q[2], -q[1] / (q[2] * q[2]),  //
        0.0, 0.0, 2.0 * q[2];
    return derivative;
  };
  Vector3 q = project_search(to_search(p));
  p = to_physical(q);
  Evaluation current = model.evaluate(p);
  double lambda = lambda_start;
  bool converged = false;
  std::size_t iteration = 0;
  for (; iteration < config_.max_iterations && !converged; ++iteration) {
    if (current.cost <= static_cast<double>(m) * exact_rms_ns * exact_rms_ns) {
      converged = true;
      break;
    }
    const Matrix3 to_physical_derivative = chain(q);
    const Matrix3 normal =
        to_physical_derivative.transpose() * current.normal * to_physical_derivative;
    const Vector3 gradient = to_physical_derivative.transpose() * current.gradient;
    bool accepted = false;
    while (!accepted && !converged) {
      Matrix3 damped = normal;
      for (int k = 0; k < 3; ++k) {
        damped(k, k) += lambda * std::max(normal(k, k), 1e-12);
      }
      const Eigen::LDLT<Matrix3> ldlt(damped);
      const Vector3 q_candidate = project_search(q + ldlt.solve(-gradient));
      const Vector3 candidate = to_physical(q_candidate);
      const Vector3 change = candidate - p;
      if (!change.allFinite()) {
        lambda *= 10.0;
        if (lambda > lambda_max) converged = true;
        continue;
      }
      const bool small = std::abs(change[position_index]) <= position_tolerance_m &&
                         std::abs(change[depth_index]) <= depth_tolerance_m &&
                         std::abs(change[permittivity_index]) <=
                             permittivity_relative_tolerance * p[permittivity_index];
      if (small) {
        converged = true;
        break;
      }
      const Evaluation next = model.evaluate(candidate);
      if (next.cost < current.cost) {
        const double decrease = (current.cost - next.cost) / current.cost;
        q = q_candidate;
        p = candidate;
        current = next;
        lambda = std::max(lambda / 10.0, lambda_min);
        accepted = true;
        if (decrease < cost_relative_tolerance) converged = true;
      } else {
        // No descent even for tiny steps: the cost is at its minimum to rounding.
        lambda *= 10.0;
        if (lambda > lambda_max) converged = true;
      }
    }
  }
  result.iterations = iteration;

  const double depth = p[depth_index];
  const double permittivity = p[permittivity_index];
  result.apex_position_m = p[position_index];
  result.apex_depth_m = depth;
  result.relative_permittivity = permittivity;
  result.velocity_m_per_s = soil_velocity_m_per_s(permittivity);
  const AntennaGeometry geometry{config_.antenna_height_m, config_.antenna_offset_m, permittivity};
  result.apex_time_s = two_way_time_s(geometry, 0.0, depth);
  result.apex_curvature_s_per_m2 = apex_curvature_s_per_m2(
      config_.antenna_height_m, config_.antenna_offset_m, permittivity, depth);
  result.rms_residual_s = std::sqrt(current.cost / current.weight_sum) / seconds_to_ns;

  // Covariance = s² (Jᵀ W J)⁻¹ with s² = rss / (m - 3); the matrix is scaled to unit diagonal
  // first so that its condition number does not depend on the units of the parameters.
  bool well_posed = true;
  const Vector3 diagonal = current.normal.diagonal();
  if (!(diagonal.minCoeff() > 0.0) || !diagonal.allFinite()) {
    well_posed = false;
  } else {
    const Vector3 scale = diagonal.cwiseSqrt().cwiseInverse();
    const Matrix3 scaled = scale.asDiagonal() * current.normal * scale.asDiagonal();
    const Eigen::LDLT<Matrix3> ldlt(scaled);
    if (ldlt.info() != Eigen::Success || !(ldlt.rcond() > min_reciprocal_condition)) {
      well_posed = false;
    } else {
      const Matrix3 inverse_scaled = ldlt.solve(Matrix3::Identity());
      const double variance_ns2 = current.cost / static_cast<double>(m - 3);
      const Vector3 variance =
          variance_ns2 * inverse_scaled.diagonal().cwiseProduct(scale.cwiseAbs2());
      if (!variance.allFinite() || variance.minCoeff() < 0.0) {
        well_posed = false;
      } else {
        result.position_sigma_m = std::sqrt(variance[position_index]);
        result.depth_sigma_m = std::sqrt(variance[depth_index]);
        result.permittivity_sigma = std::sqrt(variance[permittivity_index]);
        // v = c εr^(-1/2): |dv/dεr| = v / (2 εr).
        result.velocity_sigma_m_per_s =
            result.velocity_m_per_s / (2.0 * permittivity) * result.permittivity_sigma;
      }
    }
  }

  const double bound_tolerance = 1e-9;
  const bool on_permittivity_bound =
      permittivity <= config_.min_permittivity * (1.0 + bound_tolerance) ||
      permittivity >= config_.max_permittivity * (1.0 - bound_tolerance);
  const bool on_depth_bound =
      depth <= 0.0 || depth >= config_.max_depth_m * (1.0 - bound_tolerance);
  const bool apex_inside =
      result.apex_position_m >= min_position - config_.max_apex_extrapolation_m &&
      result.apex_position_m <= max_position + config_.max_apex_extrapolation_m;
  // Picks on one flank only leave x0, depth and εr nearly interchangeable: the least-squares
  // minimum is real but wanders far along that valley with the noise, and its linearised sigmas
  // (taken where it lands) are then too optimistic. Demand picks on both sides of the apex.
  const auto before_apex = static_cast<std::size_t>(std::count_if(
      picks_.begin(), picks_.end(),
      [&](const HyperbolaPick& pick) { return pick.position_m < result.apex_position_m; }));
  const auto after_apex = static_cast<std::size_t>(std::count_if(
      picks_.begin(), picks_.end(),
      [&](const HyperbolaPick& pick) { return pick.position_m > result.apex_position_m; }));
  const bool both_flanks = std::min(before_apex, after_apex) >= config_.min_flank_picks;
  result.ok = converged && well_posed && both_flanks && !on_permittivity_bound && !on_depth_bound &&
              apex_inside && is_finite(result.apex_time_s) && is_finite(result.rms_residual_s);
  return result;
}

}  // namespace deminer::dsp
