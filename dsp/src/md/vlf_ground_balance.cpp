#include "deminer/dsp/md/vlf_ground_balance.hpp"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <numbers>

#include "../core/check_range.hpp"

namespace deminer::dsp::md {

namespace {

constexpr double kDegree = std::numbers::pi / 180.0;

// A line has no sign: fold its angle into (−90°, 90°].
double fold_line_angle(double deg) noexcept {
  double folded = std::remainder(deg, 180.0);  // [−90, 90]
  if (folded <= -90.0) folded += 180.0;
  return folded;
}

}  // namespace

VlfGroundBalance::VlfGroundBalance(const Config& config)
    : config_(config),
      tracking_(config.tracking),
      weight_(1.0 / static_cast<double>(config.tracking_samples)) {
  using detail::check_range;
  const char* block = "VlfGroundBalance";
  check_range(block, "initial_angle_deg", config.initial_angle_deg, -90, 90);
  check_range(block, "tracking_samples", static_cast<double>(config.tracking_samples), 8, 1e9);
  check_range(block, "update_interval", static_cast<double>(config.update_interval), 1, 1e6);
  check_range(block, "guard_samples", static_cast<double>(config.guard_samples), 0, 65536);
  check_range(block, "min_anisotropy", config.min_anisotropy, 1, 1e15);
  check_range(block, "min_spread", config.min_spread, 0, 1e6);
  guard_.resize(config.guard_samples);
  reset();
}

void VlfGroundBalance::reset() noexcept {
  tracking_ = config_.tracking;
  frozen_ = false;
  set_ground_angle_deg(config_.initial_angle_deg);
  mean_x_ = mean_r_ = cxx_ = cxr_ = crr_ = 0.0;
  learned_ = 0;
  since_update_ = 0;
  updates_ = 0;
  guard_next_ = 0;
  guard_filled_ = 0;
}

void VlfGroundBalance::set_ground_angle_deg(double angle_deg) noexcept {
  if (!std::isfinite(angle_deg)) return;
  angle_deg_ = fold_line_angle(angle_deg);
  cos_ = static_cast<float>(std::cos(angle_deg_ * kDegree));
  sin_ = static_cast<float>(std::sin(angle_deg_ * kDegree));
}

bool VlfGroundBalance::estimate(double& angle_deg, double& anisotropy) const noexcept {
  // The exponential average needs about its own length before the scatter means anything.
  if (learned_ < config_.tracking_samples / 2) return false;
  Eigen::Matrix2d covariance;
  covariance << cxx_, cxr_, cxr_, crr_;
  Eigen::SelfAdjointEigenSolver<Eigen::Matrix2d> solver;
  solver.computeDirect(covariance);
  const double lambda_min = std::max(solver.eigenvalues()(0), 0.0);
  const double lambda_max = solver.eigenvalues()(1);
  if (!(lambda_max > 0.0)) return false;
  const Eigen::Vector2d direction = solver.eigenvectors().col(1);
  angle_deg = fold_line_angle(std::atan2(direction(1), direction(0)) / kDegree);
  anisotropy = lambda_min > 0.0 ? lambda_max / lambda_min : HUGE_VAL;
  return std::sqrt(lambda_max) >= config_.min_spread;
}

bool VlfGroundBalance::grab() noexcept {
  double angle = 0.0;
  double anisotropy = 0.0;
  if (!estimate(angle, anisotropy) || anisotropy < config_.min_anisotropy) return false;
  set_ground_angle_deg(angle);
  ++updates_;
  return true;
}

void VlfGroundBalance::learn(std::complex<float> z) noexcept {
  const double x = z.real();
  const double r = z.imag();
  if (!std::isfinite(x) || !std::isfinite(r)) return;
  if (learned_ == 0) {
    mean_x_ = x;
    mean_r_ = r;
  } else {
    // Exponentially weighted mean and covariance, updated in one pass (West 1979).
    const double dx = x - mean_x_;
    const double dr = r - mean_r_;
    mean_x_ += weight_ * dx;
    mean_r_ += weight_ * dr;
    const double keep = 1.0 - weight_;
    cxx_ = keep * (cxx_ + weight_ * dx * dx);
    cxr_ = keep * (cxr_ + weight_ * dx * dr);
    crr_ = keep * (crr_ + weight_ * dr * dr);
  }
  ++learned_;
  if (tracking_ && ++since_update_ >= config_.update_interval) {
    since_update_ = 0;
    grab();
  }
}

float VlfGroundBalance::push(std::complex<float> z) noexcept {
  const float out = project(z);
  if (guard_.empty()) {
    if (!frozen_) learn(z);
    return out;
  }
  // The oldest sample leaves the guard delay; it is learnt unless a target is being seen.
  if (guard_filled_ == guard_.size()) {
    if (!frozen_) learn(guard_[guard_next_]);
  } else {
    ++guard_filled_;
  }
  guard_[guard_next_] = z;
  guard_next_ = guard_next_ + 1 == guard_.size() ? 0 : guard_next_ + 1;
  return out;
}

void VlfGroundBalance::process(std::span<const std::complex<float>> in,
                               std::span<float> out) noexcept {
  const std::size_t n = std::min(in.size(), out.size());
  for (std::size_t i = 0; i < n; ++i) out[i] = push(in[i]);
}

}  // namespace deminer::dsp::md
