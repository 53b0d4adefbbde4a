#include "deminer/sim/md/soil.hpp"

#include <algorithm>
#include <boost/math/special_functions/expint.hpp>
#include <cmath>
#include <numbers>
#include <sstream>
#include <stdexcept>

#include "deminer/sim/md/target_response.hpp"

namespace deminer::sim::md {

namespace {

constexpr double pi = std::numbers::pi;
// Heights tabulated between the lowest and highest coil position (pumping): the image coupling is
// cheap (a Neumann integral), the conductive one is a 3-D quadrature, so it gets fewer.
constexpr std::size_t image_heights = 33;
constexpr std::size_t conductive_heights = 5;
// Quadrature of the conductive-ground integral: enough for 1e-3 relative on a coil 5 cm up.
constexpr std::size_t conductive_radial_points = 32;
constexpr std::size_t conductive_depth_points = 24;
constexpr std::size_t conductive_azimuth_points_round = 8;  // concentric: nearly axisymmetric
constexpr std::size_t conductive_azimuth_points_dd = 16;

void check(const char* field, double value, double lo, double hi, bool hi_open = false) {
  if (value >= lo && (hi_open ? value < hi : value <= hi)) return;
  std::ostringstream message;
  message << "sim::md: soil " << field << " " << value << " is out of range [" << lo << ", " << hi
          << (hi_open ? ")" : "]");
  throw std::invalid_argument(message.str());
}

// Gauss–Legendre nodes/weights on (0, 1) by Newton on P_n (Golub–Welsch is overkill here).
void gauss_legendre_unit(std::size_t n, std::vector<double>& nodes, std::vector<double>& weights) {
  nodes.resize(n);
  weights.resize(n);
  const double nn = static_cast<double>(n);
  for (std::size_t i = 0; i < n; ++i) {
    double x = std::cos(pi * (static_cast<double>(i) + 0.75) / (nn + 0.5));
    double derivative = 1.0;
    for (int iteration = 0; iteration < 100; ++iteration) {
      double p0 = 1.0;
      double p1 = x;
      for (std::size_t k = 2; k <= n; ++k) {
        const double kk = static_cast<double>(k);
        const double p2 = ((2.0 * kk - 1.0) * x * p1 - (kk - 1.0) * p0) / kk;
        p0 = p1;
        p1 = p2;
      }
      derivative = nn * (x * p1 - p0) / (x * x - 1.0);
      const double step = p1 / derivative;
      x -= step;
      if (std::abs(step) < 1e-15) break;
    }
    nodes[i] = 0.5 * (1.0 - x);
    weights[i] = 1.0 / ((1.0 - x * x) * derivative * derivative);  // (2/(..))/2 for (0, 1)
  }
}

double height_table_step(double lo, double hi, std::size_t count) {
  return count > 1 ? (hi - lo) / static_cast<double>(count - 1) : 0.0;
}

// Cubic through table[k], table[k+1] with slopes (p2 − p0)/2, (p3 − p1)/2 (Catmull–Rom) at the
// fractional index x, clamped to the table; linear extrapolation supplies the missing neighbours.
double catmull_rom(const std::vector<double>& table, double x) {
  const std::size_t count = table.size();
  x = std::clamp(x, 0.0, static_cast<double>(count - 1));
  const auto k = std::min<std::size_t>(static_cast<std::size_t>(x), count - 2);
  const double t = x - static_cast<double>(k);
  const auto at = [&](std::ptrdiff_t index) {
    if (index < 0) return 2.0 * table[0] - table[1];
    if (index >= static_cast<std::ptrdiff_t>(count)) {
      return 2.0 * table[count - 1] - table[count - 2];
    }
    return table[static_cast<std::size_t>(index)];
  };
  const auto kk = static_cast<std::ptrdiff_t>(k);
  const double p0 = at(kk - 1);
  const double p1 = at(kk);
  const double p2 = at(kk + 1);
  const double p3 = at(kk + 2);
  return p1 + 0.5 * t *
                  (p2 - p0 +
                   t * (2.0 * p0 - 5.0 * p1 + 4.0 * p2 - p3 + t * (3.0 * (p1 - p2) + p3 - p0)));
}

}  // namespace

SoilConfig soil_of_class(SoilClass soil_class) {
  SoilConfig soil;
  soil.conductivity_s_per_m = 0.01;
  switch (soil_class) {
    case SoilClass::air:
      return SoilConfig{.susceptibility_si = 0.0, .conductivity_s_per_m = 0.0};
    case SoilClass::neutral:
      soil.susceptibility_si = 25e-5;
      break;
    case SoilClass::moderate:
      soil.susceptibility_si = 160e-5;
      break;
    case SoilClass::high:
      soil.susceptibility_si = 1000e-5;
      break;
    case SoilClass::severe:
      soil.susceptibility_si = 4000e-5;
      break;
  }
  return soil;
}

std::string_view soil_class_name(SoilClass soil_class) {
  switch (soil_class) {
    case SoilClass::air:
      return "air";
    case SoilClass::neutral:
      return "neutral";
    case SoilClass::moderate:
      return "moderate";
    case SoilClass::high:
      return "high";
    case SoilClass::severe:
      return "severe";
  }
  return "air";
}

std::optional<SoilClass> soil_class_from_name(std::string_view name) {
  for (SoilClass c : {SoilClass::air, SoilClass::neutral, SoilClass::moderate, SoilClass::high,
                      SoilClass::severe}) {
    if (soil_class_name(c) == name) return c;
  }
  return std::nullopt;
}

void validate(const SoilConfig& soil) {
  check("susceptibility_si", soil.susceptibility_si, 0.0, 1.0);
  check("viscous_fraction", soil.viscous_fraction, 0.0, 1.0);
  check("tau_min_s", soil.tau_min_s, 1e-12, 1.0, true);
  check("tau_max_s", soil.tau_max_s, soil.tau_min_s * (1.0 + 1e-9), 1e6);
  check("conductivity_s_per_m", soil.conductivity_s_per_m, 0.0, 10.0);
}

std::complex<double> viscous_susceptibility(const SoilConfig& soil, double omega) {
  const double spread = std::log(soil.tau_max_s / soil.tau_min_s);
  const std::complex<double> ratio = std::complex<double>(1.0, omega * soil.tau_max_s) /
                                     std::complex<double>(1.0, omega * soil.tau_min_s);
  const double viscous = soil.viscous_fraction * soil.susceptibility_si;
  return soil.susceptibility_si - viscous * std::log(ratio) / spread;
}

double viscous_step_off(const SoilConfig& soil, double t_s) {
  const double viscous = soil.viscous_fraction * soil.susceptibility_si;
  if (t_s <= 0.0) return viscous;
  const double spread = std::log(soil.tau_max_s / soil.tau_min_s);
  const double slow = boost::math::expint(1, t_s / soil.tau_max_s);
  const double fast =
      t_s / soil.tau_min_s > 700.0 ? 0.0 : boost::math::expint(1, t_s / soil.tau_min_s);
  return viscous / spread * (slow - fast);
}

double viscous_step_off_rate_per_s(const SoilConfig& soil, double t_s) {
  const double spread = std::log(soil.tau_max_s / soil.tau_min_s);
  return -soil.viscous_fraction * soil.susceptibility_si / (spread * t_s) *
         (std::exp(-t_s / soil.tau_max_s) - std::exp(-t_s / soil.tau_min_s));
}

double viscous_pulse_kernel_per_s(const SoilConfig& soil, double t_s, double pulse_length_s) {
  return viscous_step_off_rate_per_s(soil, t_s + pulse_length_s) -
         viscous_step_off_rate_per_s(soil, t_s);
}

std::complex<double> image_factor(std::complex<double> susceptibility) {
  return susceptibility / (susceptibility + 2.0);
}

Winding placed(const Winding& winding, double height_m) {
  Winding out = winding;
  for (Loop& loop : out) {
    for (Eigen::Vector3d& v : loop.vertices) v.z() += height_m;
  }
  return out;
}

Winding mirrored(const Winding& winding, double height_m) {
  // Mirroring through z = 0 keeps horizontal currents as they are: same vertex order.
  Winding out = placed(winding, height_m);
  for (Loop& loop : out) {
    for (Eigen::Vector3d& v : loop.vertices) v.z() = -v.z();
  }
  return out;
}

double image_coupling_h(const Coil& coil, double height_m) {
  return mutual_inductance_h(mirrored(coil.transmit, height_m), placed(coil.receive, height_m));
}

double half_space_integral(const std::function<double(const Eigen::Vector3d&)>& f,
                           double length_scale_m, std::size_t radial_points,
                           std::size_t depth_points, std::size_t azimuth_points) {
  std::vector<double> u_nodes;
  std::vector<double> u_weights;
  std::vector<double> v_nodes;
  std::vector<double> v_weights;
  gauss_legendre_unit(radial_points, u_nodes, u_weights);
  gauss_legendre_unit(depth_points, v_nodes, v_weights);
  const double l = length_scale_m;
  const double azimuth_weight = 2.0 * pi / static_cast<double>(azimuth_points);
  double sum = 0.0;
  for (std::size_t i = 0; i < radial_points; ++i) {
    const double u = u_nodes[i];
    const double rho = l * u / (1.0 - u);
    const double d_rho = l / ((1.0 - u) * (1.0 - u));
    for (std::size_t j = 0; j < depth_points; ++j) {
      const double v = v_nodes[j];
      const double z = -l * v / (1.0 - v);
      const double d_z = l / ((1.0 - v) * (1.0 - v));
      double ring = 0.0;
      for (std::size_t k = 0; k < azimuth_points; ++k) {
        const double phi = azimuth_weight * (static_cast<double>(k) + 0.5);
        ring += f(Eigen::Vector3d(rho * std::cos(phi), rho * std::sin(phi), z));
      }
      sum += u_weights[i] * v_weights[j] * d_rho * d_z * rho * azimuth_weight * ring;
    }
  }
  return sum;
}

double conductive_geometry(const Coil& coil, double height_m) {
  const Winding tx = placed(coil.transmit, height_m);
  const Winding rx = placed(coil.receive, height_m);
  const bool round = coil.config.kind == CoilConfig::Kind::concentric;
  // The mapping's length scale: the coil's size, or its height when that is larger (far away the
  // integrand spreads over about the height).
  const double size = std::max(
      height_m, round ? std::max(coil.config.transmit_radius_m, coil.config.receive_radius_m)
                      : coil.config.d_radius_m);
  return half_space_integral(
      [&](const Eigen::Vector3d& p) {
        return vector_potential_per_ampere(tx, p).dot(vector_potential_per_ampere(rx, p));
      },
      size, conductive_radial_points, conductive_depth_points,
      round ? conductive_azimuth_points_round : conductive_azimuth_points_dd);
}

HalfSpaceResponse::HalfSpaceResponse(const Coil& coil, const SoilConfig& soil, double min_height_m,
                                     double max_height_m)
    : soil_(soil), min_height_m_(min_height_m) {
  validate(soil);
  check("min_height_m", min_height_m, 0.005, 2.0);
  check("max_height_m", max_height_m, min_height_m, 2.0);
  const bool fixed = max_height_m == min_height_m;
  const std::size_t image_count = fixed ? 1 : image_heights;
  step_m_ = height_table_step(min_height_m, max_height_m, image_count);
  for (std::size_t i = 0; i < image_count; ++i) {
    image_table_.push_back(image_coupling_h(coil, min_height_m + step_m_ * static_cast<double>(i)));
  }
  if (soil.conductivity_s_per_m > 0.0) {
    const std::size_t count = fixed ? 1 : conductive_heights;
    const double step = height_table_step(min_height_m, max_height_m, count);
    std::vector<double> coarse;
    for (std::size_t i = 0; i < count; ++i) {
      coarse.push_back(conductive_geometry(coil, min_height_m + step * static_cast<double>(i)));
    }
    // Resample on the image table's grid (cubic through the coarse points) so one interpolator
    // serves both.
    if (fixed) {
      conductive_table_ = coarse;
    } else {
      for (std::size_t i = 0; i < image_count; ++i) {
        const double h = min_height_m + step_m_ * static_cast<double>(i);
        conductive_table_.push_back(catmull_rom(coarse, (h - min_height_m) / step));
      }
    }
  }
}

double HalfSpaceResponse::interpolate(const std::vector<double>& table, double height_m) const {
  if (table.empty()) return 0.0;
  if (table.size() == 1) return table.front();
  return catmull_rom(table, (height_m - min_height_m_) / step_m_);
}

double HalfSpaceResponse::image_h(double height_m) const {
  return interpolate(image_table_, height_m);
}

double HalfSpaceResponse::conductive_geometry_at(double height_m) const {
  return interpolate(conductive_table_, height_m);
}

std::complex<double> HalfSpaceResponse::coupling_h(double omega, double height_m) const {
  const std::complex<double> k = image_factor(viscous_susceptibility(soil_, omega));
  return k * image_h(height_m) - std::complex<double>(0.0, omega * soil_.conductivity_s_per_m) *
                                     conductive_geometry_at(height_m);
}

double HalfSpaceResponse::pulse_emf_per_ampere(double t_s, double pulse_length_s,
                                               double height_m) const {
  return 0.5 * image_h(height_m) * viscous_pulse_kernel_per_s(soil_, t_s, pulse_length_s);
}

}  // namespace deminer::sim::md
