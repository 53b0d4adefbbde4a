// Synthetic metal-detector recordings with ground truth: a VLF (continuous-wave) or PI (pulse
// induction) detector swept over a lane of soil with buried targets, as the sensor head would
// deliver them (raw ADC blocks phase-locked to the transmitter, or gate values per pulse; see
// deminer/dsp/md/md_frame.hpp).
//
// Why: there are no public metal-detector recordings of mines; the chains are tuned and tested
// on scenes whose physics is exact (target_response.hpp, coil.hpp, soil.hpp) and whose truth is
// known. Deterministic for a given seed.
// Signal model (docs/metal-detector.md, section Simulator):
//  - Kinematics: the coil sweeps across the lane (x) between ±sweep_width/2 at constant speed,
//    turning at the ends, while the sweep line advances continuously along the lane (y) by
//    advance_per_sweep per sweep; the coil height is coil_height + pumping·sin(2π f_pump t), its
//    roll about y is wobble·sin(2π f_wobble t) (targets only; the soil sees a level coil).
//  - Coupling at each pose: ΔL = Σ μ0·h_rx·M·h_tx (targets) + the soil's half-space ΔL (H).
//  - VLF sample at time t: gain·Σ_k Re{I·(−iω_k)·ΔL_k(t)·e^{iφe}·e^{iω_k t}} + air-balance offset
//    (a phasor per tone at the ADC, drifting linearly) + mains (f, harmonics with amplitude 1/h)
//    + one EMI tone + white noise. ΔL is evaluated at every block boundary and interpolated
//    linearly inside the block, so the blocks join without a jump.
//  - PI gate g of pulse p: gain·I0·[Σ μ0·h_rx·K(t_g)·h_tx + soil] + offset + drift + mains/EMI at
//    the gate's time + noise, with K = −[dS/dt(t) − dS/dt(t + Tp)] (finite pulse).
//  - The coil's own direct coupling is taken as balanced (zero); the residual is the air-balance
//    offset.
// Units: SI; ADC values in volts; times in s from the first sample / first switch-off.
// Latency: none (workstation code; allocates, throws on a bad configuration).
#pragma once

#include <array>
#include <complex>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "deminer/dsp/md/md_frame.hpp"
#include "deminer/sim/md/coil.hpp"
#include "deminer/sim/md/soil.hpp"
#include "deminer/sim/md/target_response.hpp"

namespace deminer::sim::md {

// One principal axis of a tensor target: M(ω) = high_frequency_m3 + Σ amplitude/(1 + iωτ).
struct MdTensorAxis {
  double high_frequency_m3 = 0.0;  // [-1, 1]
  std::vector<DecayTerm> poles;    // amplitude [-1, 1] m³, τ [1e-9, 1e3] s
};

struct MdTargetConfig {
  enum class Kind { sphere, loop, tensor };
  Kind kind = Kind::sphere;
  double x_m = 0.0;       // across the lane (sweep axis), [-100, 100]
  double y_m = 0.5;       // along the lane, [-1e4, 1e4]
  double depth_m = 0.05;  // of the dipole centre below the surface, [0, 2]
  // sphere (default: an aluminium ball of 5 mm diameter, the size of a mine's detonator shell)
  SphereParameters sphere{0.0025, 3.5e7, 1.0};
  // loop: M = −k·iωτ/(1 + iωτ) along its normal
  double strength_m3 = 1e-7;       // k, [-1, 1]
  double time_constant_s = 20e-6;  // τ = L/R, [1e-9, 1e3]
  // loop normal / tensor first principal axis: azimuth from +x towards +y and dip below the
  // horizontal, degrees (dip 90: vertical). [-360, 360], [-90, 90]
  double azimuth_deg = 0.0;
  double dip_deg = 90.0;
  std::array<MdTensorAxis, 3> axes{};  // tensor only, in the principal frame
};

struct MdSceneConfig {
  enum class Detector { vlf, pi };
  Detector detector = Detector::vlf;
  CoilConfig coil;
  // VLF
  std::vector<double> tones_hz = {10000.0};  // 1..4 tones, each (0, sample_rate/2)
  double sample_rate_hz = 100000.0;          // [1e3, 1e7]; the VLF chain's default
  std::size_t samples_per_block = 1000;      // [8, 1<<20], integer periods of every tone
  double transmit_current_a = 0.2;           // amplitude of each tone, (0, 100]
  // PI
  double pulse_length_s = 100e-6;                                           // Tp, [1e-6, 0.1]
  double pulse_period_s = 1e-3;                                             // [Tp + last gate, 1]
  std::vector<double> gate_times_s = {10e-6, 20e-6, 40e-6, 80e-6, 160e-6};  // increasing, > 0
  double pulse_current_a = 1.0;                                             // (0, 100]
  double receiver_gain = 1e4;  // ADC volts per volt of receive emf, (0, 1e9]
  // Kinematics
  double sweep_width_m = 1.0;         // (0, 100]
  double sweep_speed_m_per_s = 0.5;   // (0, 100]
  double advance_per_sweep_m = 0.05;  // [0, 10]
  std::size_t sweep_count = 2;        // [1, 1e5]
  double lane_start_m = 0.0;          // y of the sweep line at t = 0, [-1e4, 1e4]
  double coil_height_m = 0.05;        // mean height of the coil plane, [0.005, 2]
  double pumping_amplitude_m = 0.0;   // [0, coil_height − 0.005]
  double pumping_hz = 1.0;            // [0, 100]
  double wobble_amplitude_deg = 0.0;  // [0, 45]
  double wobble_hz = 0.7;             // [0, 100]
  // Electronics and interference
  double electronics_phase_deg = 0.0;  // constant phase of the receive chain, [-360, 360]
  double air_balance_offset_v = 0.0;   // ADC volts (VLF: per tone; PI: every gate), [0, 1e3]
  double air_balance_phase_deg = 0.0;  // VLF only, [-360, 360]
  double thermal_drift_v_per_s = 0.0;  // the offset's slow change, [-1e3, 1e3]
  double noise_std_v = 0.0;            // white noise per ADC sample / gate value, [0, 1e3]
  double mains_hz = 50.0;              // [1, 1e3]
  double mains_amplitude_v = 0.0;      // fundamental; harmonic h has amplitude/h, [0, 1e3]
  std::size_t mains_harmonics = 3;     // how many (fundamental included), [1, 50]
  double emi_hz = 20000.0;             // one interfering carrier, (0, 1e7]
  double emi_amplitude_v = 0.0;        // [0, 1e3]
  // Scene
  SoilConfig soil = soil_of_class(SoilClass::air);
  std::vector<MdTargetConfig> targets;
  std::uint64_t seed = 1;
};

// Throws std::invalid_argument naming the field as a JSON path (e.g. "targets/1/depth_m"), the
// value and the valid range.
void validate(const MdSceneConfig& config);

// A VLF concentric-coil scene: one 10 kHz tone, moderate soil, a 5 mm aluminium ball 5 cm deep
// (x = 0.4 m) and a 12 mm chrome-steel ball 10 cm deep (x = −0.3 m), four sweeps over a 1.6 m
// lane at 0.5 m/s, 3 mV ADC noise.
[[nodiscard]] MdSceneConfig default_md_scene();

struct MdTruthTarget {
  MdTargetConfig::Kind kind = MdTargetConfig::Kind::sphere;
  double x_m = 0.0;
  double y_m = 0.0;
  double depth_m = 0.0;
  // VLF: calibrated phase θ = atan2(R, X) (deg) and |X + iR| (ADC volts) of the target alone
  // with the coil level at its mean height straight above it, per tone.
  std::vector<double> phase_deg;
  std::vector<double> amplitude_v;
  // PI: the slowest decay time constant of the target (s).
  double time_constant_s = 0.0;
};

struct MdTruth {
  std::vector<MdTruthTarget> targets;
  // The soil alone (level coil at mean height), per tone: calibrated phase (deg). Empty for PI
  // or air.
  std::vector<double> soil_phase_deg;
  // PI: the balance-free time constant τnull is the chain's business; here the gate times.
};

struct MdScene {
  MdSceneConfig config;
  std::vector<dsp::md::VlfBlock> vlf_blocks;  // VLF scenes
  std::vector<dsp::md::PiFrame> pi_frames;    // PI scenes
  MdTruth truth;
};

// Validates the configuration, then renders the whole scene.
[[nodiscard]] MdScene simulate_md_scene(const MdSceneConfig& config);
[[nodiscard]] MdTruth md_truth(const MdSceneConfig& config);

// Where the coil is at time t (s) according to the kinematics.
struct MdPose {
  double x_m = 0.0;  // across the lane
  double y_m = 0.0;  // along the lane
  double height_m = 0.05;
  double tilt_rad = 0.0;
};
[[nodiscard]] MdPose md_pose_at(const MdSceneConfig& config, double t_s);
// Duration of the scene (all sweeps), s.
[[nodiscard]] double md_scene_duration_s(const MdSceneConfig& config);

// Noise-free responses of the targets plus the soil at a pose (no air-balance offset, drift,
// interference). Costs a soil table each call: for loops over many poses use MdResponder.
//  - md_response: per tone, the calibrated response X + iR in ADC volts,
//    gain·ω·I·conj(ΔL) (ferrite on +X, losses R > 0; electronics phase removed).
//  - md_raw_phasors: per tone, what a naive DFT (2/N)·Σ x[n]·e^{−iω t_n} of the raw ADC samples
//    finds: gain·I·(−iω)·ΔL·e^{iφe}.
//  - pi_response: per gate, the gate values (ADC volts).
[[nodiscard]] std::vector<std::complex<double>> md_response(const MdSceneConfig& config,
                                                            const MdPose& pose);
[[nodiscard]] std::vector<std::complex<double>> md_raw_phasors(const MdSceneConfig& config,
                                                               const MdPose& pose);
[[nodiscard]] std::vector<double> pi_response(const MdSceneConfig& config, const MdPose& pose);

// The same, with the coil, target responses and soil tables built once.
class MdResponder {
 public:
  explicit MdResponder(const MdSceneConfig& config);
  ~MdResponder();
  MdResponder(MdResponder&&) noexcept;
  MdResponder& operator=(MdResponder&&) noexcept;

  // ΔL per tone (H): targets, soil, or both.
  [[nodiscard]] std::vector<std::complex<double>> coupling_h(const MdPose& pose,
                                                             bool include_soil = true,
                                                             bool include_targets = true) const;
  [[nodiscard]] std::vector<std::complex<double>> md_response(const MdPose& pose,
                                                              bool include_soil = true,
                                                              bool include_targets = true) const;
  [[nodiscard]] std::vector<std::complex<double>> md_raw_phasors(const MdPose& pose,
                                                                 bool include_soil = true,
                                                                 bool include_targets = true) const;
  [[nodiscard]] std::vector<double> pi_response(const MdPose& pose, bool include_soil = true,
                                                bool include_targets = true) const;
  [[nodiscard]] const Coil& coil() const noexcept;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// JSON (UTF-8 text). Readers reject unknown keys, wrong types and out-of-range values with a
// deminer::ConfigError naming the source and the JSON path, e.g.
// "scene.json: /targets/1/depth_m: -0.1 is out of range [0, 2]". Absent keys keep the
// MdSceneConfig defaults (no targets, air). "soil" may name a class: {"class": "severe"} (other
// soil keys then override that class's values).
[[nodiscard]] std::string md_scene_to_json(const MdSceneConfig& config);
[[nodiscard]] MdSceneConfig md_scene_from_json(std::string_view text, std::string_view source_name);
[[nodiscard]] std::string md_truth_to_json(const MdTruth& truth);
[[nodiscard]] MdTruth md_truth_from_json(std::string_view text, std::string_view source_name);

}  // namespace deminer::sim::md
