#include "deminer/sim/md/coil.hpp"

#include <boost/math/quadrature/gauss.hpp>
#include <boost/math/tools/roots.hpp>
#include <cmath>
#include <numbers>
#include <sstream>
#include <stdexcept>

#include "deminer/sim/md/target_response.hpp"

namespace deminer::sim::md {

namespace {

constexpr double pi = std::numbers::pi;
constexpr double inverse_four_pi = 1.0 / (4.0 * pi);

void check(const char* field, double value, double lo, double hi) {
  if (value >= lo && value <= hi) return;
  std::ostringstream message;
  message << "sim::md: coil " << field << " " << value << " is out of range [" << lo << ", " << hi
          << "]";
  throw std::invalid_argument(message.str());
}

template <typename F>
void for_each_segment(const Winding& winding, F&& segment) {
  for (const Loop& loop : winding) {
    const std::size_t n = loop.vertices.size();
    for (std::size_t i = 0; i < n; ++i) {
      segment(loop.vertices[i], loop.vertices[(i + 1) % n], loop.turns);
    }
  }
}

// B-S for a straight segment start→end carrying 1 A, at p: with a = start − p, b = end − p,
// H = (a × b)(|a| + |b|) / (4π |a||b| (|a||b| + a·b)).
Eigen::Vector3d segment_field(const Eigen::Vector3d& start, const Eigen::Vector3d& end,
                              const Eigen::Vector3d& p) {
  const Eigen::Vector3d a = start - p;
  const Eigen::Vector3d b = end - p;
  const double la = a.norm();
  const double lb = b.norm();
  const double denominator = la * lb * (la * lb + a.dot(b));
  if (!(denominator > 0.0)) return Eigen::Vector3d::Zero();  // on the wire's line: no field
  return a.cross(b) * ((la + lb) * inverse_four_pi / denominator);
}

// ∫ dl/|p − r| along the segment = ln((|p−end| + q_end) / (|p−start| − q_start)), with q the
// projections on the direction; both logs' arguments computed without cancellation.
Eigen::Vector3d segment_potential(const Eigen::Vector3d& start, const Eigen::Vector3d& end,
                                  const Eigen::Vector3d& p) {
  const Eigen::Vector3d along = end - start;
  const double length = along.norm();
  const Eigen::Vector3d u = along / length;
  const Eigen::Vector3d to_start = p - start;
  const Eigen::Vector3d to_end = end - p;
  const double d_start = to_start.norm();
  const double d_end = to_end.norm();
  const double q_start = to_start.dot(u);  // p's position along the segment from start
  const double q_end = to_end.dot(u);      // how far the end lies beyond p
  const double perpendicular_sq = std::max(d_start * d_start - q_start * q_start, 0.0);
  const double numerator = q_end >= 0.0 ? d_end + q_end : perpendicular_sq / (d_end - q_end);
  const double denominator =
      q_start <= 0.0 ? d_start - q_start : perpendicular_sq / (d_start + q_start);
  return u * (vacuum_permeability_h_per_m * inverse_four_pi * std::log(numerator / denominator));
}

Winding dd_transmit(const CoilConfig& c, double overlap_m) {
  return {d_loop(c.d_radius_m, c.transmit_turns, c.segments, 0.5 * overlap_m, -1, 0.0)};
}

Winding dd_receive(const CoilConfig& c, double overlap_m) {
  return {d_loop(c.d_radius_m, c.receive_turns, c.segments, -0.5 * overlap_m, +1, c.layer_gap_m)};
}

}  // namespace

Loop circular_loop(double radius_m, double turns, std::size_t segments,
                   const Eigen::Vector3d& centre) {
  check("segments", static_cast<double>(segments), 3.0, 1e6);
  Loop loop;
  loop.turns = turns;
  loop.vertices.reserve(segments);
  for (std::size_t i = 0; i < segments; ++i) {
    const double angle = 2.0 * pi * static_cast<double>(i) / static_cast<double>(segments);
    loop.vertices.push_back(
        centre + Eigen::Vector3d(radius_m * std::cos(angle), radius_m * std::sin(angle), 0));
  }
  return loop;
}

Loop d_loop(double radius_m, double turns, std::size_t arc_segments, double edge_x_m,
            int bulge_sign, double z_m) {
  check("segments", static_cast<double>(arc_segments), 4.0, 1e6);
  Loop loop;
  loop.turns = turns;
  const std::size_t edge_segments = std::max<std::size_t>(2, arc_segments / 4);
  // Counter-clockwise from above: a D bulging to −x runs up its straight edge (+y), then round
  // the arc through −x; one bulging to +x runs down its edge, then round through +x.
  const double edge_direction = bulge_sign < 0 ? 1.0 : -1.0;
  for (std::size_t i = 0; i < edge_segments; ++i) {
    const double y = -edge_direction * radius_m + edge_direction * 2.0 * radius_m *
                                                      static_cast<double>(i) /
                                                      static_cast<double>(edge_segments);
    loop.vertices.emplace_back(edge_x_m, y, z_m);
  }
  const double start_angle = bulge_sign < 0 ? pi / 2.0 : -pi / 2.0;
  for (std::size_t i = 0; i < arc_segments; ++i) {
    const double angle =
        start_angle + pi * static_cast<double>(i) / static_cast<double>(arc_segments);
    loop.vertices.emplace_back(edge_x_m + radius_m * std::cos(angle), radius_m * std::sin(angle),
                               z_m);
  }
  return loop;
}

Eigen::Vector3d field_per_ampere(const Winding& winding, const Eigen::Vector3d& point) {
  Eigen::Vector3d h = Eigen::Vector3d::Zero();
  for_each_segment(winding, [&](const Eigen::Vector3d& a, const Eigen::Vector3d& b, double turns) {
    h += turns * segment_field(a, b, point);
  });
  return h;
}

Eigen::Vector3d vector_potential_per_ampere(const Winding& winding, const Eigen::Vector3d& point) {
  Eigen::Vector3d potential = Eigen::Vector3d::Zero();
  for_each_segment(winding, [&](const Eigen::Vector3d& a, const Eigen::Vector3d& b, double turns) {
    potential += turns * segment_potential(a, b, point);
  });
  return potential;
}

double mutual_inductance_h(const Winding& a, const Winding& b, std::size_t gauss_points) {
  check("gauss_points", static_cast<double>(gauss_points), 1.0, 8.0);
  // Gauss–Legendre nodes and weights on [−1, 1] (Boost's tables, positive half).
  std::vector<double> nodes;
  std::vector<double> weights;
  const auto push = [&](const auto& abscissa, const auto& weight) {
    for (std::size_t i = 0; i < abscissa.size(); ++i) {
      nodes.push_back(abscissa[i]);
      weights.push_back(weight[i]);
      if (abscissa[i] != 0.0) {
        nodes.push_back(-abscissa[i]);
        weights.push_back(weight[i]);
      }
    }
  };
  switch (gauss_points) {
    case 1:
      nodes = {0.0};
      weights = {2.0};
      break;
    case 2:
      push(boost::math::quadrature::gauss<double, 2>::abscissa(),
           boost::math::quadrature::gauss<double, 2>::weights());
      break;
    case 3:
      push(boost::math::quadrature::gauss<double, 3>::abscissa(),
           boost::math::quadrature::gauss<double, 3>::weights());
      break;
    case 4:
      push(boost::math::quadrature::gauss<double, 4>::abscissa(),
           boost::math::quadrature::gauss<double, 4>::weights());
      break;
    case 5:
      push(boost::math::quadrature::gauss<double, 5>::abscissa(),
           boost::math::quadrature::gauss<double, 5>::weights());
      break;
    case 6:
      push(boost::math::quadrature::gauss<double, 6>::abscissa(),
           boost::math::quadrature::gauss<double, 6>::weights());
      break;
    case 7:
      push(boost::math::quadrature::gauss<double, 7>::abscissa(),
           boost::math::quadrature::gauss<double, 7>::weights());
      break;
    default:
      push(boost::math::quadrature::gauss<double, 8>::abscissa(),
           boost::math::quadrature::gauss<double, 8>::weights());
      break;
  }
  double sum = 0.0;
  for_each_segment(b, [&](const Eigen::Vector3d& start, const Eigen::Vector3d& end, double turns) {
    const Eigen::Vector3d half = 0.5 * (end - start);
    const Eigen::Vector3d middle = 0.5 * (start + end);
    double segment = 0.0;
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      segment += weights[i] * vector_potential_per_ampere(a, middle + nodes[i] * half).dot(half);
    }
    sum += turns * segment;
  });
  return sum;
}

Coil make_coil(const CoilConfig& c) {
  check("segments", static_cast<double>(c.segments), 8.0, 4096.0);
  check("transmit_turns", c.transmit_turns, 1.0, 1e4);
  check("receive_turns", c.receive_turns, 1.0, 1e4);
  Coil coil;
  coil.config = c;
  if (c.kind == CoilConfig::Kind::concentric) {
    check("transmit_radius_m", c.transmit_radius_m, 0.005, 1.0);
    check("receive_radius_m", c.receive_radius_m, 0.005, 1.0);
    if (std::abs(c.transmit_radius_m - c.receive_radius_m) < 1e-3) {
      throw std::invalid_argument(
          "sim::md: coil receive_radius_m must differ from transmit_radius_m by at least 1 mm "
          "(coplanar windings must not touch)");
    }
    coil.transmit = {circular_loop(c.transmit_radius_m, c.transmit_turns, c.segments)};
    coil.receive = {circular_loop(c.receive_radius_m, c.receive_turns, c.segments)};
  } else {
    check("d_radius_m", c.d_radius_m, 0.005, 1.0);
    check("layer_gap_m", c.layer_gap_m, 1e-4, 0.05);
    double overlap = c.dd_overlap_m;
    if (overlap < 0.0) {
      // Side by side (no overlap) the D's couple negatively (the return flux of one threads the
      // other); fully overlapped positively; the coupling is monotonic in between.
      const auto coupling = [&](double o) {
        return mutual_inductance_h(dd_transmit(c, o), dd_receive(c, o));
      };
      const double lo = 0.0;
      const double hi = c.d_radius_m;
      const double at_lo = coupling(lo);
      const double at_hi = coupling(hi);
      if (!(at_lo < 0.0 && at_hi > 0.0)) {
        throw std::invalid_argument("sim::md: coil: cannot null this double-D coil");
      }
      // TOMS 748 needs ~10 couplings (each a Neumann integral) where bisection needs ~40.
      std::uintmax_t iterations = 100;
      const auto [a, b] = boost::math::tools::toms748_solve(
          coupling, lo, hi, at_lo, at_hi, boost::math::tools::eps_tolerance<double>(40),
          iterations);
      overlap = 0.5 * (a + b);
    } else {
      check("dd_overlap_m", overlap, 0.0, c.d_radius_m);
    }
    coil.dd_overlap_m = overlap;
    coil.transmit = dd_transmit(c, overlap);
    coil.receive = dd_receive(c, overlap);
  }
  coil.direct_coupling_h = mutual_inductance_h(coil.transmit, coil.receive);
  return coil;
}

FieldPair coil_fields(const Coil& coil, const CoilPose& pose, const Eigen::Vector3d& point_world) {
  const Eigen::Matrix3d roll = Eigen::AngleAxisd(-pose.tilt_rad, Eigen::Vector3d::UnitY())
                                   .toRotationMatrix();  // +tilt lifts the +x side
  const Eigen::Vector3d local = roll.transpose() * (point_world - pose.centre_m);
  return {roll * field_per_ampere(coil.transmit, local),
          roll * field_per_ampere(coil.receive, local)};
}

std::complex<double> target_coupling_h(const FieldPair& fields, const Eigen::Matrix3cd& m) {
  const Eigen::Vector3cd tx = fields.transmit.cast<std::complex<double>>();
  const Eigen::Vector3cd rx = fields.receive.cast<std::complex<double>>();
  return vacuum_permeability_h_per_m * rx.dot(m * tx);  // dot() conjugates rx, which is real
}

double target_coupling_h(const FieldPair& fields, const Eigen::Matrix3d& m) {
  return vacuum_permeability_h_per_m * fields.receive.dot(m * fields.transmit);
}

}  // namespace deminer::sim::md
