#include "deminer/sim/md/target_response.hpp"

#include <algorithm>
#include <boost/math/tools/roots.hpp>
#include <cmath>
#include <numbers>
#include <sstream>
#include <stdexcept>
#include <utility>

namespace deminer::sim::md {

namespace {

using complex = std::complex<double>;

constexpr double pi = std::numbers::pi;
// Below this |α| the closed form of χ loses digits to cancellation (tanh α − α ~ α³); the series
// in α² then converges to 1e-15 with the nine coefficients below.
constexpr double small_alpha = 0.2;
// tanh α = 1 to double precision once Re α exceeds this (1 − tanh ~ 2e^{−2 Re α}).
constexpr double large_alpha = 20.0;
// A dropped series term e^{−t/τ} counts as gone at e^{−20} (2e-9).
constexpr double dropped_term_decay = 20.0;
// Terms smaller than this fraction of the sum are skipped (they cannot change a double).
constexpr double negligible_exponent = 40.0;

void check(const char* field, double value, double lo, double hi) {
  if (value >= lo && value <= hi) return;  // NaN fails
  std::ostringstream message;
  message << "sim::md: " << field << " " << value << " is out of range [" << lo << ", " << hi
          << "]";
  throw std::invalid_argument(message.str());
}

void check_sphere(const SphereParameters& p) {
  check("radius_m", p.radius_m, 1e-6, 1.0);
  check("conductivity_s_per_m", p.conductivity_s_per_m, 0.0, 1e9);
  check("relative_permeability", p.relative_permeability, 1.0, 1e5);
}

// tanh(α)/α = Σ c_k α^{2k} (Bernoulli-number series), used for |α| < small_alpha.
constexpr std::array<double, 9> tanh_over_alpha = {1.0,
                                                   -1.0 / 3.0,
                                                   2.0 / 15.0,
                                                   -17.0 / 315.0,
                                                   62.0 / 2835.0,
                                                   -1382.0 / 155925.0,
                                                   21844.0 / 6081075.0,
                                                   -929569.0 / 638512875.0,
                                                   6404582.0 / 10854718875.0};

}  // namespace

complex sphere_excitation_factor(double omega, double radius_m, double conductivity,
                                 double relative_permeability) {
  check("omega_rad_per_s", omega, 0.0, 1e12);
  check_sphere({radius_m, conductivity, relative_permeability});
  const double mu_r = relative_permeability;
  const double mu = mu_r * vacuum_permeability_h_per_m;
  // α = a·√(iωμσ) = a·√(ωμσ)·e^{iπ/4}.
  const double magnitude = radius_m * std::sqrt(omega * mu * conductivity);
  const complex alpha = std::polar(magnitude, pi / 4.0);
  // f = tanh α − α and g = α² tanh α − α + tanh α, both divided by a common scale.
  complex f;
  complex g;
  if (magnitude < small_alpha) {
    // Divided by α³: f/α³ = Σ_{k≥1} c_k u^{k−1}, g/α³ = tanh α/α + f/α³, u = α².
    const complex u = alpha * alpha;
    complex f_scaled = 0.0;
    for (std::size_t k = tanh_over_alpha.size() - 1; k >= 1; --k) {
      f_scaled = f_scaled * u + tanh_over_alpha[k];
    }
    f = f_scaled;
    g = (1.0 + u * f_scaled) + f_scaled;
  } else {
    const complex tanh_alpha = alpha.real() > large_alpha ? complex(1.0) : std::tanh(alpha);
    f = tanh_alpha - alpha;
    g = alpha * alpha * tanh_alpha - alpha + tanh_alpha;
  }
  return 1.5 * (2.0 * mu_r * f + g) / (mu_r * f - g);
}

std::vector<double> wait_spies_roots(double relative_permeability, std::size_t count) {
  check("relative_permeability", relative_permeability, 1.0, 1e5);
  const double k = relative_permeability - 1.0;
  std::vector<double> roots;
  roots.reserve(count);
  for (std::size_t n = 1; n <= count; ++n) {
    const double lo = static_cast<double>(n) * pi;
    if (k == 0.0) {
      roots.push_back(lo);
      continue;
    }
    // sin ξ·(k + ξ²) − k ξ cos ξ has the roots of tan ξ = kξ/(k + ξ²) without tan's poles; its
    // sign at nπ is −(−1)^n and at nπ + π/2 is +(−1)^n.
    const auto residual = [k](double xi) {
      return std::sin(xi) * (k + xi * xi) - k * xi * std::cos(xi);
    };
    const double hi = lo + pi / 2.0;
    std::uintmax_t iterations = 200;
    const auto [a, b] =
        boost::math::tools::toms748_solve(residual, lo, hi, residual(lo), residual(hi),
                                          boost::math::tools::eps_tolerance<double>(), iterations);
    roots.push_back(0.5 * (a + b));
  }
  return roots;
}

SphereResponse::SphereResponse(const SphereParameters& parameters, std::size_t max_terms)
    : parameters_(parameters) {
  check_sphere(parameters);
  check("max_terms", static_cast<double>(max_terms), 1.0, 1e6);
  volume_m3_ = 4.0 * pi / 3.0 * std::pow(parameters.radius_m, 3);
  if (parameters.conductivity_s_per_m == 0.0) return;  // no eddy currents: no decay
  const double mu_r = parameters.relative_permeability;
  const double diffusion_time_s = mu_r * vacuum_permeability_h_per_m *
                                  parameters.conductivity_s_per_m * parameters.radius_m *
                                  parameters.radius_m;  // μσa²
  const std::vector<double> roots = wait_spies_roots(mu_r, max_terms + 1);
  terms_.reserve(max_terms);
  for (std::size_t n = 0; n < max_terms; ++n) {
    const double xi = roots[n];
    const double t = (mu_r - 1.0) * xi / (mu_r - 1.0 + xi * xi);  // tan ξn
    const double numerator = 2.0 * mu_r * (t - xi) + t - xi - xi * xi * t;
    const double derivative = (mu_r - 1.0) * t * t + 2.0 * xi * t + xi * xi * (1.0 + t * t);
    terms_.push_back(
        {volume_m3_ * (-3.0 * numerator / (xi * derivative)), diffusion_time_s / (xi * xi)});
  }
  min_accurate_time_s_ = dropped_term_decay * diffusion_time_s / (roots.back() * roots.back());
}

complex SphereResponse::polarisability_m3(double omega) const {
  return volume_m3_ * sphere_excitation_factor(omega, parameters_.radius_m,
                                               parameters_.conductivity_s_per_m,
                                               parameters_.relative_permeability);
}

double SphereResponse::static_m3() const noexcept {
  const double mu_r = parameters_.relative_permeability;
  return volume_m3_ * 3.0 * (mu_r - 1.0) / (mu_r + 2.0);
}

double SphereResponse::high_frequency_m3() const noexcept {
  return parameters_.conductivity_s_per_m == 0.0 ? static_m3() : -1.5 * volume_m3_;
}

double SphereResponse::step_off_m3(double t_s) const noexcept {
  if (t_s <= 0.0) return static_m3() - high_frequency_m3();
  double sum = 0.0;
  for (const DecayTerm& term : terms_) {  // τ falls with n: stop at the first negligible term
    const double exponent = t_s / term.time_constant_s;
    if (exponent > negligible_exponent) break;
    sum += term.amplitude_m3 * std::exp(-exponent);
  }
  return sum;
}

double SphereResponse::step_off_rate_m3_per_s(double t_s) const noexcept {
  double sum = 0.0;
  for (const DecayTerm& term : terms_) {
    const double exponent = std::max(t_s, 0.0) / term.time_constant_s;
    if (exponent > negligible_exponent) break;
    sum -= term.amplitude_m3 / term.time_constant_s * std::exp(-exponent);
  }
  return sum;
}

double SphereResponse::dominant_time_constant_s() const noexcept {
  return terms_.empty() ? 0.0 : terms_.front().time_constant_s;
}

AxisResponse AxisResponse::loop(double strength_m3, double time_constant_s) {
  check("loop time_constant_s", time_constant_s, 1e-9, 1e3);
  return poles(-strength_m3, {{strength_m3, time_constant_s}});
}

AxisResponse AxisResponse::poles(double high_frequency_m3, std::vector<DecayTerm> terms) {
  for (const DecayTerm& term : terms)
    check("pole time_constant_s", term.time_constant_s, 1e-9, 1e3);
  AxisResponse axis;
  axis.high_frequency_m3_ = high_frequency_m3;
  axis.terms_ = std::move(terms);
  return axis;
}

AxisResponse AxisResponse::sphere(const SphereParameters& parameters, double scale) {
  AxisResponse axis;
  axis.sphere_.emplace_back(parameters);
  axis.sphere_scale_ = scale;
  return axis;
}

complex AxisResponse::frequency_m3(double omega) const {
  if (!sphere_.empty()) return sphere_scale_ * sphere_.front().polarisability_m3(omega);
  complex sum = high_frequency_m3_;
  for (const DecayTerm& term : terms_) {
    sum += term.amplitude_m3 / complex(1.0, omega * term.time_constant_s);
  }
  return sum;
}

double AxisResponse::step_off_m3(double t_s) const noexcept {
  if (!sphere_.empty()) return sphere_scale_ * sphere_.front().step_off_m3(t_s);
  double sum = 0.0;
  for (const DecayTerm& term : terms_) {
    sum += term.amplitude_m3 * std::exp(-std::max(t_s, 0.0) / term.time_constant_s);
  }
  return sum;
}

double AxisResponse::step_off_rate_m3_per_s(double t_s) const noexcept {
  if (!sphere_.empty()) return sphere_scale_ * sphere_.front().step_off_rate_m3_per_s(t_s);
  double sum = 0.0;
  for (const DecayTerm& term : terms_) {
    sum -= term.amplitude_m3 / term.time_constant_s *
           std::exp(-std::max(t_s, 0.0) / term.time_constant_s);
  }
  return sum;
}

double AxisResponse::dominant_time_constant_s() const noexcept {
  if (!sphere_.empty()) return sphere_.front().dominant_time_constant_s();
  double longest = 0.0;
  for (const DecayTerm& term : terms_) {
    if (term.amplitude_m3 != 0.0) longest = std::max(longest, term.time_constant_s);
  }
  return longest;
}

DipoleTarget::DipoleTarget(std::array<AxisResponse, 3> axes, const Eigen::Matrix3d& rotation)
    : axes_(std::move(axes)), rotation_(rotation) {
  const double orthonormality =
      (rotation * rotation.transpose() - Eigen::Matrix3d::Identity()).cwiseAbs().maxCoeff();
  if (!(orthonormality < 1e-9)) {
    throw std::invalid_argument("sim::md: DipoleTarget rotation is not orthonormal");
  }
}

DipoleTarget DipoleTarget::sphere(const SphereParameters& parameters) {
  const AxisResponse axis = AxisResponse::sphere(parameters);
  return DipoleTarget({axis, axis, axis}, Eigen::Matrix3d::Identity());
}

DipoleTarget DipoleTarget::loop(const Eigen::Vector3d& normal, double strength_m3,
                                double time_constant_s) {
  if (!(normal.norm() > 0.0)) throw std::invalid_argument("sim::md: loop normal is zero");
  const Eigen::Vector3d n = normal.normalized();
  // Any two unit vectors perpendicular to n complete the frame.
  const Eigen::Vector3d helper =
      std::abs(n.z()) < 0.9 ? Eigen::Vector3d::UnitZ() : Eigen::Vector3d::UnitX();
  const Eigen::Vector3d second = n.cross(helper).normalized();
  Eigen::Matrix3d rotation;
  rotation.col(0) = n;
  rotation.col(1) = second;
  rotation.col(2) = n.cross(second);
  return DipoleTarget({AxisResponse::loop(strength_m3, time_constant_s), AxisResponse::none(),
                       AxisResponse::none()},
                      rotation);
}

Eigen::Matrix3cd DipoleTarget::polarisability_m3(double omega) const {
  Eigen::Vector3cd diagonal;
  for (int i = 0; i < 3; ++i) diagonal[i] = axes_[static_cast<std::size_t>(i)].frequency_m3(omega);
  const Eigen::Matrix3cd r = rotation_.cast<complex>();
  return r * diagonal.asDiagonal() * r.transpose();
}

Eigen::Matrix3d DipoleTarget::step_off_m3(double t_s) const {
  Eigen::Vector3d diagonal;
  for (int i = 0; i < 3; ++i) diagonal[i] = axes_[static_cast<std::size_t>(i)].step_off_m3(t_s);
  return rotation_ * diagonal.asDiagonal() * rotation_.transpose();
}

Eigen::Matrix3d DipoleTarget::step_off_rate_m3_per_s(double t_s) const {
  Eigen::Vector3d diagonal;
  for (int i = 0; i < 3; ++i) {
    diagonal[i] = axes_[static_cast<std::size_t>(i)].step_off_rate_m3_per_s(t_s);
  }
  return rotation_ * diagonal.asDiagonal() * rotation_.transpose();
}

Eigen::Matrix3d DipoleTarget::pulse_response_m3(double t_s, double pulse_length_s) const {
  return step_off_m3(t_s) - step_off_m3(t_s + pulse_length_s);
}

Eigen::Matrix3d DipoleTarget::pulse_emf_kernel_m3_per_s(double t_s, double pulse_length_s) const {
  return step_off_rate_m3_per_s(t_s + pulse_length_s) - step_off_rate_m3_per_s(t_s);
}

double DipoleTarget::dominant_time_constant_s() const noexcept {
  double longest = 0.0;
  for (const AxisResponse& axis : axes_) {
    longest = std::max(longest, axis.dominant_time_constant_s());
  }
  return longest;
}

Eigen::Matrix3d principal_axes(double azimuth_deg, double dip_deg) {
  const double azimuth = azimuth_deg * pi / 180.0;
  const double dip = dip_deg * pi / 180.0;
  Eigen::Matrix3d rotation;
  rotation.col(0) = Eigen::Vector3d(std::cos(dip) * std::cos(azimuth),
                                    std::cos(dip) * std::sin(azimuth), -std::sin(dip));
  rotation.col(1) = Eigen::Vector3d(-std::sin(azimuth), std::cos(azimuth), 0.0);
  rotation.col(2) = rotation.col(0).cross(rotation.col(1));
  return rotation;
}

}  // namespace deminer::sim::md
