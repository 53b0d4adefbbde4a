#include "deminer/dsp/md/pi_decay_fit.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>

#include "../core/check_range.hpp"

namespace deminer::dsp::md {

float two_gate_tau(float t1_s, float v1, float t2_s, float v2) noexcept {
  const bool ordered = t2_s > t1_s && t1_s >= 0.0f;
  const bool decaying = (v1 > 0.0f && v2 > 0.0f && v1 > v2) || (v1 < 0.0f && v2 < 0.0f && v1 < v2);
  if (!ordered || !decaying) return std::numeric_limits<float>::quiet_NaN();
  const double ratio = static_cast<double>(v1) / static_cast<double>(v2);
  return static_cast<float>((static_cast<double>(t2_s) - t1_s) / std::log(ratio));
}

DecayEstimate log_linear_decay(std::span<const float> times_s, std::span<const float> values,
                               float min_fraction) noexcept {
  DecayEstimate result;
  const std::size_t n = std::min(times_s.size(), values.size());
  float peak = 0.0f;
  for (std::size_t i = 0; i < n; ++i) {
    if (std::abs(values[i]) > std::abs(peak)) peak = values[i];
  }
  if (!(peak != 0.0f) || !std::isfinite(peak)) return result;
  const double sign = peak > 0.0f ? 1.0 : -1.0;
  const double floor = static_cast<double>(min_fraction) * std::abs(peak);
  // Weighted sums for y = ln|v| = a + b t with weights w = v².
  double sw = 0.0, st = 0.0, sy = 0.0, stt = 0.0, sty = 0.0;
  std::size_t used = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double v = sign * static_cast<double>(values[i]);
    if (!(v > floor) || !std::isfinite(v)) continue;
    const double t = times_s[i];
    const double y = std::log(v);
    const double w = v * v;
    sw += w;
    st += w * t;
    sy += w * y;
    stt += w * t * t;
    sty += w * t * y;
    ++used;
  }
  if (used < 2) return result;
  const double det = sw * stt - st * st;
  if (!(det > 0.0)) return result;
  const double slope = (sw * sty - st * sy) / det;
  const double intercept = (sy - slope * st) / sw;
  if (!(slope < 0.0)) return result;
  result.tau_s = static_cast<float>(-1.0 / slope);
  result.amplitude = static_cast<float>(sign * std::exp(intercept));
  double squares = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double v = sign * static_cast<double>(values[i]);
    if (!(v > floor) || !std::isfinite(v)) continue;
    const double r = v - std::exp(intercept + slope * times_s[i]);
    squares += r * r;
  }
  result.residual_rms = static_cast<float>(std::sqrt(squares / static_cast<double>(used)));
  result.gates_used = static_cast<std::uint16_t>(std::min<std::size_t>(used, 65535));
  result.valid = std::isfinite(result.tau_s);
  return result;
}

ExponentialFit::ExponentialFit(const Config& config) : config_(config) {
  using detail::check_range;
  const char* block = "ExponentialFit";
  check_range(block, "max_tau_s", config.max_tau_s, 0, 10, true);
  check_range(block, "min_tau_s", config.min_tau_s, 0, config.max_tau_s, true, true);
  check_range(block, "grid_points", static_cast<double>(config.grid_points), 4, 1024);
  check_range(block, "max_iterations", static_cast<double>(config.max_iterations), 1, 1000);
  check_range(block, "relative_tolerance", config.relative_tolerance, 0, 0.1, true);
}

namespace {

// Times are scaled by the last gate time and the rate is parameterised as p = ln(t_scale/τ), so
// that the normal equations are well conditioned and τ stays positive.
struct Problem {
  std::span<const float> times;
  std::span<const float> values;
  double t_scale;
};

// Best (A, c) for a fixed rate k (scaled), and the squared residual.
double linear_part(const Problem& problem, double k, double& amplitude, double& offset) noexcept {
  double see = 0.0, se = 0.0, sev = 0.0, sv = 0.0;
  const std::size_t n = problem.times.size();
  for (std::size_t i = 0; i < n; ++i) {
    const double e = std::exp(-k * problem.times[i] / problem.t_scale);
    const double v = problem.values[i];
    see += e * e;
    se += e;
    sev += e * v;
    sv += v;
  }
  const double count = static_cast<double>(n);
  const double det = see * count - se * se;
  if (!(std::abs(det) > 1e-300)) {
    amplitude = 0.0;
    offset = sv / count;
  } else {
    amplitude = (sev * count - se * sv) / det;
    offset = (see * sv - se * sev) / det;
  }
  double squares = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double r =
        amplitude * std::exp(-k * problem.times[i] / problem.t_scale) + offset - problem.values[i];
    squares += r * r;
  }
  return squares;
}

double squared_residual(const Problem& problem, const Eigen::Vector3d& x) noexcept {
  const double k = std::exp(x[1]);
  double squares = 0.0;
  for (std::size_t i = 0; i < problem.times.size(); ++i) {
    const double r =
        x[0] * std::exp(-k * problem.times[i] / problem.t_scale) + x[2] - problem.values[i];
    squares += r * r;
  }
  return squares;
}

// J^T J and J^T r for x = (A, p, c), r = A e^(−k t) + c − v, k = e^p.
void normal_equations(const Problem& problem, const Eigen::Vector3d& x, Eigen::Matrix3d& jtj,
                      Eigen::Vector3d& jtr) noexcept {
  jtj.setZero();
  jtr.setZero();
  const double k = std::exp(x[1]);
  for (std::size_t i = 0; i < problem.times.size(); ++i) {
    const double t = problem.times[i] / problem.t_scale;
    const double e = std::exp(-k * t);
    const Eigen::Vector3d j(e, -x[0] * k * t * e, 1.0);
    const double r = x[0] * e + x[2] - problem.values[i];
    jtj.noalias() += j * j.transpose();
    jtr.noalias() += j * r;
  }
}

}  // namespace

DecayEstimate ExponentialFit::fit(std::span<const float> times_s,
                                  std::span<const float> values) const noexcept {
  DecayEstimate result;
  const std::size_t n = times_s.size();
  if (n != values.size() || n < 4) return result;
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(times_s[i]) || !std::isfinite(values[i])) return result;
    if (i > 0 && !(times_s[i] > times_s[i - 1])) return result;
  }
  const Problem problem{times_s, values, static_cast<double>(times_s[n - 1])};
  if (!(problem.t_scale > 0.0)) return result;
  const double p_min = std::log(problem.t_scale / config_.max_tau_s);
  const double p_max = std::log(problem.t_scale / config_.min_tau_s);

  // Start: the best grid point (variable projection: A and c are solved exactly for each τ).
  Eigen::Vector3d x(0.0, p_min, 0.0);
  double best = std::numeric_limits<double>::infinity();
  const std::size_t grid = config_.grid_points;
  for (std::size_t g = 0; g < grid; ++g) {
    const double p =
        p_min + (p_max - p_min) * static_cast<double>(g) / static_cast<double>(grid - 1);
    double amplitude = 0.0, offset = 0.0;
    const double squares = linear_part(problem, std::exp(p), amplitude, offset);
    if (squares < best) {
      best = squares;
      x = Eigen::Vector3d(amplitude, p, offset);
    }
  }
  if (!std::isfinite(best)) return result;

  // Levenberg–Marquardt with Marquardt's diagonal scaling.
  double lambda = 1e-3;
  double squares = best;
  Eigen::Matrix3d jtj;
  Eigen::Vector3d jtr;
  std::size_t iteration = 0;
  for (; iteration < config_.max_iterations; ++iteration) {
    normal_equations(problem, x, jtj, jtr);
    bool improved = false;
    double previous = squares;
    for (int attempt = 0; attempt < 12; ++attempt) {
      Eigen::Matrix3d damped = jtj;
      for (int d = 0; d < 3; ++d) damped(d, d) *= 1.0 + lambda;
      const Eigen::Vector3d step = damped.ldlt().solve(-jtr);
      Eigen::Vector3d candidate = x + step;
      candidate[1] = std::clamp(candidate[1], p_min, p_max);
      const double candidate_squares = squared_residual(problem, candidate);
      if (std::isfinite(candidate_squares) && candidate_squares <= squares) {
        x = candidate;
        squares = candidate_squares;
        lambda = std::max(lambda * 0.2, 1e-12);
        improved = true;
        break;
      }
      lambda *= 10.0;
    }
    if (!improved || previous - squares <= config_.relative_tolerance * previous) {
      ++iteration;
      break;
    }
  }

  const double k = std::exp(x[1]);
  const double tau = problem.t_scale / k;
  result.tau_s = static_cast<float>(tau);
  result.amplitude = static_cast<float>(x[0]);
  result.offset = static_cast<float>(x[2]);
  result.residual_rms = static_cast<float>(std::sqrt(squares / static_cast<double>(n)));
  result.gates_used = static_cast<std::uint16_t>(std::min<std::size_t>(n, 65535));
  result.iterations = static_cast<std::uint16_t>(iteration);
  // Uncertainty: covariance s²(J^T J)^(−1) with s² = squares/(n − 3); σ_τ = τ·σ_p.
  normal_equations(problem, x, jtj, jtr);
  const double s2 = squares / static_cast<double>(n - 3);
  const Eigen::Matrix3d covariance = s2 * jtj.inverse();
  const double sigma_p = std::sqrt(std::max(covariance(1, 1), 0.0));
  result.tau_sigma_s = static_cast<float>(tau * sigma_p);
  const double margin = 1e-6 * (p_max - p_min);
  result.valid = std::isfinite(tau) && x[1] > p_min + margin && x[1] < p_max - margin &&
                 std::isfinite(result.tau_sigma_s);
  return result;
}

}  // namespace deminer::dsp::md
