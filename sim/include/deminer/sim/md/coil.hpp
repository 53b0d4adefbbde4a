// Metal-detector search coils as polygons of straight wire: the transmit coil's field at a target
// and the receive coil's sensitivity there, by Biot–Savart, and the mutual inductance of two
// windings (so a double-D coil can be overlapped until its direct coupling vanishes).
//
// Why: a target's signal is, by reciprocity, V_rx = −iω·μ0·h_rx·M·h_tx·I_tx, with h_tx and h_rx
// the fields per ampere of the two windings at the target (docs/metal-detector.md); the shape of
// a detector's response across a sweep, and its depth fall-off, come entirely from these fields.
// Polygons make any shape (circles, D's) exact up to the polygon itself: each straight segment
// has closed forms for its field and vector potential.
// Coil frame: the windings lie in the plane z = 0 (the receive winding of a DD coil at
// z = layer_gap_m, a wire's thickness above), centred on the origin; x across the sweep (the DD's
// two D's sit side by side along x), z up. A winding's current runs in vertex order; positive
// turns circulate counter-clockwise seen from above (moment along +z).
// Units: metres, amperes; fields per ampere: H in A/m per A, vector potential A in T·m per A,
// inductance in henry. Latency: none (design-time/simulation code; allocates, may throw).
#pragma once

#include <Eigen/Dense>
#include <complex>
#include <cstddef>
#include <vector>

namespace deminer::sim::md {

// One closed polygon (the last vertex joins the first) of `turns` turns.
struct Loop {
  std::vector<Eigen::Vector3d> vertices;
  double turns = 1.0;
};

// Loops in series, e.g. a coil and its bucking winding.
using Winding = std::vector<Loop>;

// A regular polygon with `segments` sides inscribed in a circle of radius_m centred on `centre`
// in the plane parallel to z = 0, counter-clockwise from above.
[[nodiscard]] Loop circular_loop(double radius_m, double turns, std::size_t segments,
                                 const Eigen::Vector3d& centre = Eigen::Vector3d::Zero());

// A "D": half of a circle of radius_m whose straight edge lies on x = edge_x_m; the arc bulges
// towards −x (bulge_sign −1) or +x (+1). Counter-clockwise from above. The straight edge is cut
// into segments too (arc_segments/4 at least 2) so quadrature along it stays accurate.
[[nodiscard]] Loop d_loop(double radius_m, double turns, std::size_t arc_segments, double edge_x_m,
                          int bulge_sign, double z_m);

// H per ampere (A/m) and vector potential per ampere (T·m) of a winding at `point`; the point
// must not lie on a wire.
[[nodiscard]] Eigen::Vector3d field_per_ampere(const Winding& winding,
                                               const Eigen::Vector3d& point);
[[nodiscard]] Eigen::Vector3d vector_potential_per_ampere(const Winding& winding,
                                                          const Eigen::Vector3d& point);

// Mutual inductance ∮_b A_a·dl (henry): the closed-form potential of `a` integrated with
// `gauss_points`-point Gauss–Legendre along every segment of `b`. The windings must not touch.
[[nodiscard]] double mutual_inductance_h(const Winding& a, const Winding& b,
                                         std::size_t gauss_points = 4);

struct CoilConfig {
  enum class Kind { concentric, double_d };
  Kind kind = Kind::concentric;
  // Concentric: two coplanar circles. The direct coupling of such a coil is cancelled in a real
  // detector by a bucking winding; the simulator treats the coil as balanced (see the scene's
  // air-balance offset for the residual).
  double transmit_radius_m = 0.10;  // (0.005, 1]
  double receive_radius_m = 0.05;   // (0.005, 1]
  double transmit_turns = 20.0;     // [1, 1e4]
  double receive_turns = 40.0;      // [1, 1e4]
  // Double-D: two D's of radius d_radius_m (their straight edges along y), overlapping in a strip
  // of width dd_overlap_m around x = 0; a negative overlap asks for the overlap that nulls the
  // direct coupling (found by bisection).
  double d_radius_m = 0.12;    // (0.005, 1]
  double dd_overlap_m = -1.0;  // [0, d_radius_m], or < 0 for "null it"
  double layer_gap_m = 0.002;  // receive winding above the transmit winding, [1e-4, 0.05]
  std::size_t segments = 64;   // polygon sides per circle (arc), [8, 4096]
};

struct Coil {
  CoilConfig config;
  Winding transmit;
  Winding receive;
  double dd_overlap_m = 0.0;       // the overlap used (double-D)
  double direct_coupling_h = 0.0;  // transmit→receive mutual inductance of the windings
};

// Validates (std::invalid_argument naming field, value, range) and builds the windings.
[[nodiscard]] Coil make_coil(const CoilConfig& config);

// Where the coil is: its centre in the world frame (x across the lane, y along it, z up; the
// ground surface is z = 0) and its roll about the y axis (wobble; positive lifts the +x side).
struct CoilPose {
  Eigen::Vector3d centre_m = Eigen::Vector3d(0.0, 0.0, 0.05);
  double tilt_rad = 0.0;
};

// The transmit field and the receive sensitivity per ampere at a world point (world frame).
struct FieldPair {
  Eigen::Vector3d transmit = Eigen::Vector3d::Zero();
  Eigen::Vector3d receive = Eigen::Vector3d::Zero();
};
[[nodiscard]] FieldPair coil_fields(const Coil& coil, const CoilPose& pose,
                                    const Eigen::Vector3d& point_world);

// Mutual inductance (H) a dipole target adds between the windings: μ0·h_rxᵀ·M·h_tx.
[[nodiscard]] std::complex<double> target_coupling_h(const FieldPair& fields,
                                                     const Eigen::Matrix3cd& polarisability_m3);
[[nodiscard]] double target_coupling_h(const FieldPair& fields,
                                       const Eigen::Matrix3d& polarisability_m3);

}  // namespace deminer::sim::md
