#include "deminer/sim/md/md_scene.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>

#include "../range_check.hpp"
#include "md_scene_validation.hpp"

namespace deminer::sim::md {

namespace {

using complex = std::complex<double>;
constexpr double pi = std::numbers::pi;
constexpr double degree = pi / 180.0;
// Coil plane at least this far above the ground at the bottom of its pumping.
constexpr double min_clearance_m = 0.005;
// A tone counts as a whole number of periods per block within this many periods.
constexpr double period_tolerance = 1e-6;

using sim::detail::RangeCheck;

DipoleTarget make_target(const MdTargetConfig& t) {
  switch (t.kind) {
    case MdTargetConfig::Kind::sphere:
      return DipoleTarget::sphere(t.sphere);
    case MdTargetConfig::Kind::loop:
      return DipoleTarget::loop(principal_axes(t.azimuth_deg, t.dip_deg).col(0), t.strength_m3,
                                t.time_constant_s);
    case MdTargetConfig::Kind::tensor:
      break;
  }
  std::array<AxisResponse, 3> axes{AxisResponse::none(), AxisResponse::none(),
                                   AxisResponse::none()};
  for (std::size_t i = 0; i < 3; ++i) {
    axes[i] = AxisResponse::poles(t.axes[i].high_frequency_m3, t.axes[i].poles);
  }
  return DipoleTarget(std::move(axes), principal_axes(t.azimuth_deg, t.dip_deg));
}

bool has_soil(const SoilConfig& soil) {
  return soil.susceptibility_si > 0.0 || soil.conductivity_s_per_m > 0.0;
}

double calibrated_phase_deg(complex coupling) {
  return std::atan2(-coupling.imag(), coupling.real()) / degree;
}

}  // namespace

namespace detail {

std::string first_invalid_field(const MdSceneConfig& c) {
  RangeCheck check;
  // Coil (ranges as make_coil's).
  const CoilConfig& coil = c.coil;
  check("coil/transmit_radius_m", coil.transmit_radius_m, 0.005, 1.0);
  check("coil/receive_radius_m", coil.receive_radius_m, 0.005, 1.0);
  if (coil.kind == CoilConfig::Kind::concentric &&
      std::abs(coil.transmit_radius_m - coil.receive_radius_m) < 1e-3) {
    check.fail("coil/receive_radius_m", "must differ from transmit_radius_m by at least 1 mm");
  }
  check("coil/transmit_turns", coil.transmit_turns, 1.0, 1e4);
  check("coil/receive_turns", coil.receive_turns, 1.0, 1e4);
  check("coil/d_radius_m", coil.d_radius_m, 0.005, 1.0);
  if (coil.dd_overlap_m >= 0.0) check("coil/dd_overlap_m", coil.dd_overlap_m, 0.0, coil.d_radius_m);
  check("coil/layer_gap_m", coil.layer_gap_m, 1e-4, 0.05);
  check("coil/segments", static_cast<double>(coil.segments), 8.0, 4096.0);
  // VLF.
  check("sample_rate_hz", c.sample_rate_hz, 1e3, 1e7);
  check("samples_per_block", static_cast<double>(c.samples_per_block), 8.0, 1048576.0);
  check("tones_hz", static_cast<double>(c.tones_hz.size()), 1.0,
        static_cast<double>(dsp::md::max_tones));
  for (std::size_t k = 0; k < c.tones_hz.size(); ++k) {
    const std::string field = "tones_hz/" + std::to_string(k);
    check(field, c.tones_hz[k], 0.0, 0.5 * c.sample_rate_hz, true, true);
    const double periods =
        c.tones_hz[k] * static_cast<double>(c.samples_per_block) / c.sample_rate_hz;
    if (std::abs(periods - std::round(periods)) > period_tolerance) {
      std::ostringstream what;
      what << c.tones_hz[k] << " Hz makes " << periods << " periods in samples_per_block ("
           << c.samples_per_block << " samples at " << c.sample_rate_hz
           << " Hz); a block must hold a whole number of periods of every tone";
      check.fail(field, what.str());
    }
  }
  check("transmit_current_a", c.transmit_current_a, 0.0, 100.0, true);
  // PI.
  check("pulse_length_s", c.pulse_length_s, 1e-6, 0.1);
  check("gate_times_s", static_cast<double>(c.gate_times_s.size()), 1.0, 4096.0);
  for (std::size_t g = 0; g < c.gate_times_s.size(); ++g) {
    const double previous = g == 0 ? 0.0 : c.gate_times_s[g - 1];
    check("gate_times_s/" + std::to_string(g), c.gate_times_s[g], previous, 0.1, true);
  }
  const double last_gate = c.gate_times_s.empty() ? 0.0 : c.gate_times_s.back();
  check("pulse_period_s", c.pulse_period_s, c.pulse_length_s + last_gate, 1.0);
  check("pulse_current_a", c.pulse_current_a, 0.0, 100.0, true);
  check("receiver_gain", c.receiver_gain, 0.0, 1e9, true);
  // Kinematics.
  check("sweep_width_m", c.sweep_width_m, 0.0, 100.0, true);
  check("sweep_speed_m_per_s", c.sweep_speed_m_per_s, 0.0, 100.0, true);
  check("advance_per_sweep_m", c.advance_per_sweep_m, 0.0, 10.0);
  check("sweep_count", static_cast<double>(c.sweep_count), 1.0, 1e5);
  check("lane_start_m", c.lane_start_m, -1e4, 1e4);
  check("coil_height_m", c.coil_height_m, min_clearance_m, 2.0);
  check("pumping_amplitude_m", c.pumping_amplitude_m, 0.0, c.coil_height_m - min_clearance_m);
  check("pumping_hz", c.pumping_hz, 0.0, 100.0);
  check("wobble_amplitude_deg", c.wobble_amplitude_deg, 0.0, 45.0);
  check("wobble_hz", c.wobble_hz, 0.0, 100.0);
  // Electronics and interference.
  check("electronics_phase_deg", c.electronics_phase_deg, -360.0, 360.0);
  check("air_balance_offset_v", c.air_balance_offset_v, 0.0, 1e3);
  check("air_balance_phase_deg", c.air_balance_phase_deg, -360.0, 360.0);
  check("thermal_drift_v_per_s", c.thermal_drift_v_per_s, -1e3, 1e3);
  check("noise_std_v", c.noise_std_v, 0.0, 1e3);
  check("mains_hz", c.mains_hz, 1.0, 1e3);
  check("mains_amplitude_v", c.mains_amplitude_v, 0.0, 1e3);
  check("mains_harmonics", static_cast<double>(c.mains_harmonics), 1.0, 50.0);
  check("emi_hz", c.emi_hz, 0.0, 1e7, true);
  check("emi_amplitude_v", c.emi_amplitude_v, 0.0, 1e3);
  // Soil.
  check("soil/susceptibility_si", c.soil.susceptibility_si, 0.0, 1.0);
  check("soil/viscous_fraction", c.soil.viscous_fraction, 0.0, 1.0);
  check("soil/tau_min_s", c.soil.tau_min_s, 1e-12, 1.0, false, true);
  check("soil/tau_max_s", c.soil.tau_max_s, c.soil.tau_min_s, 1e6, true);
  check("soil/conductivity_s_per_m", c.soil.conductivity_s_per_m, 0.0, 10.0);
  // Targets.
  for (std::size_t i = 0; i < c.targets.size(); ++i) {
    const MdTargetConfig& t = c.targets[i];
    const std::string prefix = "targets/" + std::to_string(i) + "/";
    check(prefix + "x_m", t.x_m, -100.0, 100.0);
    check(prefix + "y_m", t.y_m, -1e4, 1e4);
    check(prefix + "depth_m", t.depth_m, 0.0, 2.0);
    check(prefix + "azimuth_deg", t.azimuth_deg, -360.0, 360.0);
    check(prefix + "dip_deg", t.dip_deg, -90.0, 90.0);
    switch (t.kind) {
      case MdTargetConfig::Kind::sphere:
        check(prefix + "radius_m", t.sphere.radius_m, 1e-6, 1.0);
        check(prefix + "conductivity_s_per_m", t.sphere.conductivity_s_per_m, 0.0, 1e9);
        check(prefix + "relative_permeability", t.sphere.relative_permeability, 1.0, 1e5);
        // The dipole must stay outside the coil's wires; a sphere must also stay underground.
        check(prefix + "depth_m", t.depth_m, t.sphere.radius_m, 2.0);
        break;
      case MdTargetConfig::Kind::loop:
        check(prefix + "strength_m3", t.strength_m3, -1.0, 1.0);
        check(prefix + "time_constant_s", t.time_constant_s, 1e-9, 1e3);
        break;
      case MdTargetConfig::Kind::tensor:
        for (std::size_t a = 0; a < 3; ++a) {
          const std::string axis = prefix + "axes/" + std::to_string(a) + "/";
          check(axis + "high_frequency_m3", t.axes[a].high_frequency_m3, -1.0, 1.0);
          for (std::size_t p = 0; p < t.axes[a].poles.size(); ++p) {
            const std::string pole = axis + "poles/" + std::to_string(p) + "/";
            check(pole + "amplitude_m3", t.axes[a].poles[p].amplitude_m3, -1.0, 1.0);
            check(pole + "time_constant_s", t.axes[a].poles[p].time_constant_s, 1e-9, 1e3);
          }
        }
        break;
    }
  }
  return check.message();
}

}  // namespace detail

void validate(const MdSceneConfig& config) {
  if (const std::string message = detail::first_invalid_field(config); !message.empty()) {
    throw std::invalid_argument("MdSceneConfig: " + message);
  }
}

MdSceneConfig default_md_scene() {
  MdSceneConfig config;
  config.soil = soil_of_class(SoilClass::moderate);
  // Four sweeps over a 1.6 m lane, advancing 2.5 cm a sweep: each ball is passed four times,
  // and the coil spends most of each sweep over bare soil, from which a chain learns its noise.
  config.sweep_width_m = 1.6;
  config.sweep_count = 4;
  config.advance_per_sweep_m = 0.025;
  MdTargetConfig aluminium;  // defaults: 5 mm aluminium ball
  aluminium.x_m = 0.4;
  aluminium.y_m = 0.04;
  aluminium.depth_m = 0.05;
  MdTargetConfig chrome_steel;
  chrome_steel.sphere = chrome_steel_sphere(0.006);  // 12 mm diameter
  chrome_steel.x_m = -0.3;
  chrome_steel.y_m = 0.06;
  chrome_steel.depth_m = 0.10;
  config.targets = {aluminium, chrome_steel};
  config.noise_std_v = 3e-3;
  return config;
}

double md_scene_duration_s(const MdSceneConfig& c) {
  return static_cast<double>(c.sweep_count) * c.sweep_width_m / c.sweep_speed_m_per_s;
}

MdPose md_pose_at(const MdSceneConfig& c, double t_s) {
  const double sweep_s = c.sweep_width_m / c.sweep_speed_m_per_s;
  const double sweeps = std::max(t_s, 0.0) / sweep_s;
  const double index = std::min(std::floor(sweeps), static_cast<double>(c.sweep_count) - 1.0);
  const double fraction = sweeps - index;
  const bool outbound = std::fmod(index, 2.0) == 0.0;  // even sweeps run towards +x
  MdPose pose;
  pose.x_m = outbound ? -0.5 * c.sweep_width_m + c.sweep_width_m * fraction
                      : 0.5 * c.sweep_width_m - c.sweep_width_m * fraction;
  pose.y_m = c.lane_start_m + c.advance_per_sweep_m * sweeps;
  pose.height_m = c.coil_height_m + c.pumping_amplitude_m * std::sin(2 * pi * c.pumping_hz * t_s);
  pose.tilt_rad = c.wobble_amplitude_deg * degree * std::sin(2 * pi * c.wobble_hz * t_s);
  return pose;
}

// ---- MdResponder ----

struct MdResponder::State {
  MdSceneConfig config;
  Coil coil;
  std::vector<double> omegas;
  struct Target {
    Eigen::Vector3d position;
    std::vector<Eigen::Matrix3cd> per_tone;  // M(ω_k), m³
    std::vector<Eigen::Matrix3d> per_gate;   // PI kernel, m³/s
  };
  std::vector<Target> targets;
  std::optional<HalfSpaceResponse> soil;
  std::vector<complex> soil_image_factor;  // per tone: K(κ(ω))
  std::vector<double> soil_gate_kernel;    // per gate: (1/2)·κ-kernel, 1/s
};

MdResponder::MdResponder(const MdSceneConfig& config) : state_(std::make_unique<State>()) {
  validate(config);
  State& s = *state_;
  s.config = config;
  s.coil = make_coil(config.coil);
  for (double f : config.tones_hz) s.omegas.push_back(2 * pi * f);
  for (const MdTargetConfig& t : config.targets) {
    const DipoleTarget target = make_target(t);
    State::Target entry;
    entry.position = Eigen::Vector3d(t.x_m, t.y_m, -t.depth_m);
    for (double omega : s.omegas) entry.per_tone.push_back(target.polarisability_m3(omega));
    for (double gate : config.gate_times_s) {
      entry.per_gate.push_back(target.pulse_emf_kernel_m3_per_s(gate, config.pulse_length_s));
    }
    s.targets.push_back(std::move(entry));
  }
  if (has_soil(config.soil)) {
    s.soil.emplace(s.coil, config.soil, config.coil_height_m - config.pumping_amplitude_m,
                   config.coil_height_m + config.pumping_amplitude_m);
    for (double omega : s.omegas) {
      s.soil_image_factor.push_back(image_factor(viscous_susceptibility(config.soil, omega)));
    }
    for (double gate : config.gate_times_s) {
      s.soil_gate_kernel.push_back(
          0.5 * viscous_pulse_kernel_per_s(config.soil, gate, config.pulse_length_s));
    }
  }
}

MdResponder::~MdResponder() = default;
MdResponder::MdResponder(MdResponder&&) noexcept = default;
MdResponder& MdResponder::operator=(MdResponder&&) noexcept = default;

const Coil& MdResponder::coil() const noexcept { return state_->coil; }

std::vector<complex> MdResponder::coupling_h(const MdPose& pose, bool include_soil,
                                             bool include_targets) const {
  const State& s = *state_;
  std::vector<complex> coupling(s.omegas.size(), 0.0);
  if (include_targets) {
    const CoilPose coil_pose{Eigen::Vector3d(pose.x_m, pose.y_m, pose.height_m), pose.tilt_rad};
    for (const State::Target& target : s.targets) {
      const FieldPair fields = coil_fields(s.coil, coil_pose, target.position);
      for (std::size_t k = 0; k < s.omegas.size(); ++k) {
        coupling[k] += target_coupling_h(fields, target.per_tone[k]);
      }
    }
  }
  if (include_soil && s.soil) {
    const double image = s.soil->image_h(pose.height_m);
    const double conductive = s.soil->conductive_geometry_at(pose.height_m);
    for (std::size_t k = 0; k < s.omegas.size(); ++k) {
      coupling[k] += s.soil_image_factor[k] * image -
                     complex(0.0, s.omegas[k] * s.config.soil.conductivity_s_per_m) * conductive;
    }
  }
  return coupling;
}

std::vector<complex> MdResponder::md_response(const MdPose& pose, bool include_soil,
                                              bool include_targets) const {
  const State& s = *state_;
  std::vector<complex> out = coupling_h(pose, include_soil, include_targets);
  for (std::size_t k = 0; k < out.size(); ++k) {
    out[k] = s.config.receiver_gain * s.omegas[k] * s.config.transmit_current_a * std::conj(out[k]);
  }
  return out;
}

std::vector<complex> MdResponder::md_raw_phasors(const MdPose& pose, bool include_soil,
                                                 bool include_targets) const {
  const State& s = *state_;
  std::vector<complex> out = coupling_h(pose, include_soil, include_targets);
  const complex electronics = std::polar(1.0, s.config.electronics_phase_deg * degree);
  for (std::size_t k = 0; k < out.size(); ++k) {
    out[k] = s.config.receiver_gain * s.config.transmit_current_a * complex(0.0, -s.omegas[k]) *
             out[k] * electronics;
  }
  return out;
}

std::vector<double> MdResponder::pi_response(const MdPose& pose, bool include_soil,
                                             bool include_targets) const {
  const State& s = *state_;
  const std::size_t gates = s.config.gate_times_s.size();
  std::vector<double> emf_per_ampere(gates, 0.0);  // V/A
  if (include_targets) {
    const CoilPose coil_pose{Eigen::Vector3d(pose.x_m, pose.y_m, pose.height_m), pose.tilt_rad};
    for (const State::Target& target : s.targets) {
      const FieldPair fields = coil_fields(s.coil, coil_pose, target.position);
      for (std::size_t g = 0; g < gates; ++g) {
        emf_per_ampere[g] += target_coupling_h(fields, target.per_gate[g]);
      }
    }
  }
  if (include_soil && s.soil) {
    const double image = s.soil->image_h(pose.height_m);
    for (std::size_t g = 0; g < gates; ++g) emf_per_ampere[g] += image * s.soil_gate_kernel[g];
  }
  for (double& v : emf_per_ampere) v *= s.config.receiver_gain * s.config.pulse_current_a;
  return emf_per_ampere;
}

std::vector<complex> md_response(const MdSceneConfig& config, const MdPose& pose) {
  return MdResponder(config).md_response(pose);
}

std::vector<complex> md_raw_phasors(const MdSceneConfig& config, const MdPose& pose) {
  return MdResponder(config).md_raw_phasors(pose);
}

std::vector<double> pi_response(const MdSceneConfig& config, const MdPose& pose) {
  return MdResponder(config).pi_response(pose);
}

// ---- Truth ----

MdTruth md_truth(const MdSceneConfig& config) {
  validate(config);
  MdTruth truth;
  for (const MdTargetConfig& t : config.targets) {
    MdTruthTarget entry;
    entry.kind = t.kind;
    entry.x_m = t.x_m;
    entry.y_m = t.y_m;
    entry.depth_m = t.depth_m;
    entry.time_constant_s = make_target(t).dominant_time_constant_s();
    if (config.detector == MdSceneConfig::Detector::vlf) {
      MdSceneConfig alone = config;
      alone.targets = {t};
      alone.soil = soil_of_class(SoilClass::air);
      const MdResponder responder(alone);
      const MdPose above{t.x_m, t.y_m, config.coil_height_m, 0.0};
      for (const complex response : responder.md_response(above)) {
        entry.phase_deg.push_back(std::atan2(response.imag(), response.real()) / degree);
        entry.amplitude_v.push_back(std::abs(response));
      }
    }
    truth.targets.push_back(std::move(entry));
  }
  if (config.detector == MdSceneConfig::Detector::vlf && has_soil(config.soil)) {
    MdSceneConfig soil_only = config;
    soil_only.targets.clear();
    soil_only.pumping_amplitude_m = 0.0;
    const MdResponder responder(soil_only);
    for (const complex coupling : responder.coupling_h({0.0, 0.0, config.coil_height_m, 0.0})) {
      truth.soil_phase_deg.push_back(calibrated_phase_deg(coupling));
    }
  }
  return truth;
}

// ---- Rendering ----

namespace {

// Interference: mains harmonics and one EMI carrier, each A·cos(ωt + φ), random phases.
struct Interference {
  std::vector<double> omega;
  std::vector<double> amplitude;
  std::vector<double> phase;

  Interference(const MdSceneConfig& c, std::mt19937_64& rng) {
    std::uniform_real_distribution<double> uniform_phase(0.0, 2 * pi);
    for (std::size_t h = 1; h <= c.mains_harmonics; ++h) {
      omega.push_back(2 * pi * c.mains_hz * static_cast<double>(h));
      amplitude.push_back(c.mains_amplitude_v / static_cast<double>(h));
      phase.push_back(uniform_phase(rng));
    }
    omega.push_back(2 * pi * c.emi_hz);
    amplitude.push_back(c.emi_amplitude_v);
    phase.push_back(uniform_phase(rng));
  }

  [[nodiscard]] bool active() const {
    return std::any_of(amplitude.begin(), amplitude.end(), [](double a) { return a != 0.0; });
  }

  // Phasors A·e^{i(ωt + φ)} at t_s and their per-sample rotation, for a block rendered by
  // recurrence (exact at every block start, so rounding does not accumulate).
  void start_block(double t_s, double sample_rate_hz, std::vector<complex>& phasor,
                   std::vector<complex>& rotation) const {
    phasor.resize(omega.size());
    rotation.resize(omega.size());
    for (std::size_t i = 0; i < omega.size(); ++i) {
      phasor[i] = std::polar(amplitude[i], omega[i] * t_s + phase[i]);
      rotation[i] = std::polar(1.0, omega[i] / sample_rate_hz);
    }
  }

  [[nodiscard]] double at(double t_s) const {
    double sum = 0.0;
    for (std::size_t i = 0; i < omega.size(); ++i) {
      sum += amplitude[i] * std::cos(omega[i] * t_s + phase[i]);
    }
    return sum;
  }
};

std::vector<dsp::md::VlfBlock> render_vlf(const MdSceneConfig& c, const MdResponder& responder,
                                          std::mt19937_64& rng) {
  const std::size_t n = c.samples_per_block;
  const double block_s = static_cast<double>(n) / c.sample_rate_hz;
  const auto block_count =
      static_cast<std::size_t>(std::floor(md_scene_duration_s(c) / block_s + 1e-9));
  const std::size_t tones = c.tones_hz.size();
  // Every block starts at phase 0 of every tone: one table of e^{iω_k t_n} serves all blocks.
  std::vector<std::vector<complex>> carrier(tones, std::vector<complex>(n));
  for (std::size_t k = 0; k < tones; ++k) {
    for (std::size_t i = 0; i < n; ++i) {
      carrier[k][i] =
          std::polar(1.0, 2 * pi * c.tones_hz[k] * static_cast<double>(i) / c.sample_rate_hz);
    }
  }
  const Interference interference(c, rng);
  const bool interfering = interference.active();
  std::normal_distribution<double> noise(0.0, 1.0);
  const complex air_direction = std::polar(1.0, c.air_balance_phase_deg * degree);
  // ADC phasor per tone at time t: the targets' and soil's signal plus the air-balance offset.
  const auto phasors_at = [&](double t_s) {
    std::vector<complex> z = responder.md_raw_phasors(md_pose_at(c, t_s));
    const complex offset = (c.air_balance_offset_v + c.thermal_drift_v_per_s * t_s) * air_direction;
    for (complex& value : z) value += offset;
    return z;
  };
  std::vector<dsp::md::VlfBlock> blocks(block_count);
  std::vector<complex> start = phasors_at(0.0);
  std::vector<complex> slope(tones);
  std::vector<complex> interference_phasor;
  std::vector<complex> interference_rotation;
  dsp::md::VlfBlockHeader header;
  header.sample_rate_hz = c.sample_rate_hz;
  header.tone_count = static_cast<std::uint8_t>(tones);
  for (std::size_t k = 0; k < tones; ++k) header.tone_hz[k] = c.tones_hz[k];
  for (std::size_t b = 0; b < block_count; ++b) {
    const double t0 = static_cast<double>(b) * block_s;
    const std::vector<complex> end = phasors_at(t0 + block_s);
    for (std::size_t k = 0; k < tones; ++k) slope[k] = (end[k] - start[k]) / static_cast<double>(n);
    const MdPose middle = md_pose_at(c, t0 + 0.5 * block_s);
    dsp::md::VlfBlock& block = blocks[b];
    block.header = header;
    block.header.position_m = middle.x_m;
    block.header.advance_m = middle.y_m;
    block.header.timestamp_ns = static_cast<std::int64_t>(std::llround(t0 * 1e9));
    block.header.sequence = b;
    block.samples.resize(n);
    if (interfering) {
      interference.start_block(t0, c.sample_rate_hz, interference_phasor, interference_rotation);
    }
    for (std::size_t i = 0; i < n; ++i) {
      const double step = static_cast<double>(i);
      double value = 0.0;
      for (std::size_t k = 0; k < tones; ++k) {
        value += ((start[k] + slope[k] * step) * carrier[k][i]).real();
      }
      if (interfering) {
        for (std::size_t j = 0; j < interference_phasor.size(); ++j) {
          value += interference_phasor[j].real();
          interference_phasor[j] *= interference_rotation[j];
        }
      }
      if (c.noise_std_v > 0.0) value += c.noise_std_v * noise(rng);
      block.samples[i] = static_cast<float>(value);
    }
    start = end;
  }
  return blocks;
}

std::vector<dsp::md::PiFrame> render_pi(const MdSceneConfig& c, const MdResponder& responder,
                                        std::mt19937_64& rng) {
  const auto frame_count =
      static_cast<std::size_t>(std::floor(md_scene_duration_s(c) / c.pulse_period_s + 1e-9));
  const Interference interference(c, rng);
  const bool interfering = interference.active();
  std::normal_distribution<double> noise(0.0, 1.0);
  std::vector<float> gate_times(c.gate_times_s.begin(), c.gate_times_s.end());
  std::vector<dsp::md::PiFrame> frames(frame_count);
  for (std::size_t p = 0; p < frame_count; ++p) {
    const double t0 = static_cast<double>(p) * c.pulse_period_s;
    const MdPose pose = md_pose_at(c, t0);
    const std::vector<double> values = responder.pi_response(pose);
    dsp::md::PiFrame& frame = frames[p];
    frame.header.pulse_length_s = c.pulse_length_s;
    frame.header.pulse_period_s = c.pulse_period_s;
    frame.header.position_m = pose.x_m;
    frame.header.advance_m = pose.y_m;
    frame.header.timestamp_ns = static_cast<std::int64_t>(std::llround(t0 * 1e9));
    frame.header.sequence = p;
    frame.gate_times_s = gate_times;
    frame.gate_values.resize(values.size());
    const double offset = c.air_balance_offset_v + c.thermal_drift_v_per_s * t0;
    for (std::size_t g = 0; g < values.size(); ++g) {
      double value = values[g] + offset;
      if (interfering) value += interference.at(t0 + c.gate_times_s[g]);
      if (c.noise_std_v > 0.0) value += c.noise_std_v * noise(rng);
      frame.gate_values[g] = static_cast<float>(value);
    }
  }
  return frames;
}

}  // namespace

MdScene simulate_md_scene(const MdSceneConfig& config) {
  const MdResponder responder(config);  // validates
  MdScene scene;
  scene.config = config;
  std::mt19937_64 rng(config.seed);
  if (config.detector == MdSceneConfig::Detector::vlf) {
    scene.vlf_blocks = render_vlf(config, responder, rng);
  } else {
    scene.pi_frames = render_pi(config, responder, rng);
  }
  scene.truth = md_truth(config);
  return scene;
}

}  // namespace deminer::sim::md
