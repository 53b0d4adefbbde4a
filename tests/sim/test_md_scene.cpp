// The metal-detector scene simulator: demodulated signals against the physics computed
// independently in the test (naive DFT of the raw samples vs coil fields × Wait's χ; a loop's
// analytic exponential decay in the PI gates), phase-continuous blocks, kinematics, determinism,
// validation and the JSON forms.
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <numbers>
#include <string>
#include <vector>

#include "deminer/dsp/core/error.hpp"
#include "deminer/sim/md/md_scene.hpp"

using namespace deminer::sim::md;
using std::numbers::pi;
using complex = std::complex<double>;

namespace {

constexpr double mu0 = vacuum_permeability_h_per_m;

// A quiet VLF scene: no soil, noise or interference; slow sweep so a block barely moves.
MdSceneConfig quiet_vlf() {
  MdSceneConfig c;
  c.tones_hz = {5000.0, 15000.0};
  c.sample_rate_hz = 160000.0;
  c.samples_per_block = 320;  // 10 and 30 periods
  c.sweep_speed_m_per_s = 0.05;
  c.sweep_width_m = 0.4;
  c.sweep_count = 1;
  c.advance_per_sweep_m = 0.0;
  c.electronics_phase_deg = 30.0;
  MdTargetConfig sphere;
  sphere.sphere = {0.005, 3.5e7, 1.0};
  sphere.x_m = 0.0;
  sphere.y_m = 0.0;
  sphere.depth_m = 0.03;
  c.targets = {sphere};
  return c;
}

// (2/N)·Σ x[n]·e^{−iωn/fs}: the phasor Z of x = Re{Z·e^{iωt}} over whole periods.
complex naive_dft(const std::vector<float>& x, double tone_hz, double sample_rate_hz) {
  complex sum = 0.0;
  for (std::size_t n = 0; n < x.size(); ++n) {
    sum += static_cast<double>(x[n]) *
           std::polar(1.0, -2 * pi * tone_hz * static_cast<double>(n) / sample_rate_hz);
  }
  return 2.0 * sum / static_cast<double>(x.size());
}

}  // namespace

TEST(MdScene, DemodulatedSphereMatchesCoilFieldsTimesWaitChi) {
  // The response changes linearly inside a block; a ramp leaks ~(relative change per block)/(4π
  // periods) into the DFT bin, so sweep slowly enough (0.02 mm per block) for 1e-4.
  MdSceneConfig c = quiet_vlf();
  c.sweep_width_m = 0.2;
  c.sweep_speed_m_per_s = 0.01;
  const MdScene scene = simulate_md_scene(c);
  ASSERT_FALSE(scene.vlf_blocks.empty());
  const Coil coil = make_coil(c.coil);
  const double volume = 4.0 / 3.0 * pi * std::pow(0.005, 3);
  std::size_t checked = 0;
  for (std::size_t b = 0; b < scene.vlf_blocks.size(); b += 397) {
    const auto& block = scene.vlf_blocks[b];
    // Pose at the block's middle from the header (x across, y along) and the constant height.
    const CoilPose pose{Eigen::Vector3d(block.header.position_m, block.header.advance_m, 0.05),
                        0.0};
    const FieldPair fields = coil_fields(coil, pose, Eigen::Vector3d(0, 0, -0.03));
    const double geometry = mu0 * fields.receive.dot(fields.transmit);
    for (std::size_t k = 0; k < 2; ++k) {
      const double f = c.tones_hz[k];
      const double omega = 2 * pi * f;
      const complex chi = sphere_excitation_factor(omega, 0.005, 3.5e7, 1.0);
      const complex expected = c.receiver_gain * c.transmit_current_a * complex(0, -omega) *
                               geometry * volume * chi *
                               std::polar(1.0, c.electronics_phase_deg * pi / 180);
      const complex measured = naive_dft(block.samples, f, c.sample_rate_hz);
      EXPECT_NEAR(std::abs(measured - expected), 0.0, 1e-4 * std::abs(expected) + 1e-7)
          << "block " << b << " tone " << f;
      ++checked;
    }
  }
  EXPECT_GT(checked, 10u);
}

TEST(MdScene, BlocksJoinWithoutPhaseJump) {
  // A constant phasor (air-balance offset only) must be one continuous cosine across blocks.
  MdSceneConfig c = quiet_vlf();
  c.targets.clear();
  c.air_balance_offset_v = 0.7;
  c.air_balance_phase_deg = 40.0;
  const MdScene scene = simulate_md_scene(c);
  std::size_t n = 0;
  double worst = 0.0;
  for (const auto& block : scene.vlf_blocks) {
    for (float x : block.samples) {
      const double t = static_cast<double>(n++) / c.sample_rate_hz;
      double expected = 0.0;
      for (double f : c.tones_hz) expected += 0.7 * std::cos(2 * pi * f * t + 40.0 * pi / 180);
      worst = std::max(worst, std::abs(static_cast<double>(x) - expected));
    }
  }
  EXPECT_LT(worst, 1e-6);
  // With a moving target the per-block phasors change smoothly: the sample-by-sample signal has
  // no step at block edges larger than inside blocks.
  const MdScene moving = simulate_md_scene(quiet_vlf());
  const auto& a = moving.vlf_blocks[200].samples;
  const auto& b = moving.vlf_blocks[201].samples;
  // Same phase (whole periods): the first sample of b continues the pattern of a's first one.
  EXPECT_NEAR(b[0], a[0], 0.01 * std::abs(a[0]) + 1e-9);
  EXPECT_NEAR(b[1], a[1], 0.01 * std::abs(a[1]) + 1e-9);
}

TEST(MdScene, HeadersFollowTheSweepKinematics) {
  MdSceneConfig c = quiet_vlf();
  c.sweep_count = 3;
  c.sweep_speed_m_per_s = 0.5;
  c.advance_per_sweep_m = 0.1;
  c.lane_start_m = 2.0;
  const MdScene scene = simulate_md_scene(c);
  const double block_s = 320.0 / 160000.0;
  const auto expected_blocks = static_cast<std::size_t>(3 * 0.4 / 0.5 / block_s + 1e-9);
  ASSERT_EQ(scene.vlf_blocks.size(), expected_blocks);
  for (std::size_t b = 0; b < scene.vlf_blocks.size(); ++b) {
    const auto& h = scene.vlf_blocks[b].header;
    const double t = (static_cast<double>(b) + 0.5) * block_s;
    const double sweeps = t / 0.8;
    const double fraction = sweeps - std::floor(sweeps);
    const bool outbound = static_cast<int>(std::floor(sweeps)) % 2 == 0;
    EXPECT_NEAR(h.position_m, outbound ? -0.2 + 0.4 * fraction : 0.2 - 0.4 * fraction, 1e-9);
    EXPECT_NEAR(h.advance_m, 2.0 + 0.1 * sweeps, 1e-9);
    EXPECT_EQ(h.sequence, b);
    EXPECT_EQ(h.timestamp_ns, std::llround(static_cast<double>(b) * block_s * 1e9));
    EXPECT_EQ(h.tone_count, 2);
    EXPECT_EQ(h.tone_hz[1], 15000.0);
  }
}

TEST(MdScene, PumpingAndWobbleMoveTheCoil) {
  MdSceneConfig c = quiet_vlf();
  c.pumping_amplitude_m = 0.02;
  c.pumping_hz = 2.0;
  c.wobble_amplitude_deg = 5.0;
  c.wobble_hz = 1.0;
  const MdPose pose = md_pose_at(c, 0.125);  // quarter period of the pumping
  EXPECT_NEAR(pose.height_m, 0.07, 1e-12);
  EXPECT_NEAR(pose.tilt_rad, 5.0 * pi / 180 * std::sin(2 * pi * 0.125), 1e-12);
}

TEST(MdScene, DeterministicPerSeed) {
  MdSceneConfig c = quiet_vlf();
  c.noise_std_v = 1e-3;
  c.mains_amplitude_v = 0.01;
  c.emi_amplitude_v = 0.005;
  c.sweep_speed_m_per_s = 0.4;
  const MdScene a = simulate_md_scene(c);
  const MdScene b = simulate_md_scene(c);
  c.seed = 2;
  const MdScene other = simulate_md_scene(c);
  ASSERT_EQ(a.vlf_blocks.size(), b.vlf_blocks.size());
  bool differs = false;
  for (std::size_t i = 0; i < a.vlf_blocks.size(); ++i) {
    EXPECT_EQ(a.vlf_blocks[i].samples, b.vlf_blocks[i].samples);
    differs = differs || a.vlf_blocks[i].samples != other.vlf_blocks[i].samples;
  }
  EXPECT_TRUE(differs);
}

TEST(MdScene, NoiseAndMainsHaveTheirConfiguredSize) {
  MdSceneConfig c = quiet_vlf();
  c.targets.clear();
  c.noise_std_v = 2e-3;
  c.sweep_speed_m_per_s = 0.4;
  const MdScene noisy = simulate_md_scene(c);
  double sum2 = 0.0;
  std::size_t count = 0;
  for (const auto& block : noisy.vlf_blocks) {
    for (float x : block.samples) {
      sum2 += static_cast<double>(x) * x;
      ++count;
    }
  }
  EXPECT_NEAR(std::sqrt(sum2 / static_cast<double>(count)), 2e-3, 2e-3 * 0.02);
  // Mains only: the 50 Hz component over a whole number of mains periods (0.1 s).
  c.noise_std_v = 0.0;
  c.mains_amplitude_v = 0.05;
  c.mains_harmonics = 2;
  c.emi_amplitude_v = 0.0;
  const MdScene mains = simulate_md_scene(c);
  std::vector<float> stream;
  for (const auto& block : mains.vlf_blocks) {
    stream.insert(stream.end(), block.samples.begin(), block.samples.end());
  }
  stream.resize(16000);
  EXPECT_NEAR(std::abs(naive_dft(stream, 50.0, c.sample_rate_hz)), 0.05, 1e-5);
  EXPECT_NEAR(std::abs(naive_dft(stream, 100.0, c.sample_rate_hz)), 0.025, 1e-5);
}

TEST(MdScene, CalibratedResponseConventions) {
  // A ferrite-like target (real positive M, no loss) lies on +X; raw phasor −90° + φe.
  MdSceneConfig c = quiet_vlf();
  MdTargetConfig ferrite;
  ferrite.kind = MdTargetConfig::Kind::tensor;
  ferrite.depth_m = 0.03;
  ferrite.x_m = 0.0;
  ferrite.y_m = 0.0;
  for (auto& axis : ferrite.axes) axis.high_frequency_m3 = 1e-8;
  c.targets = {ferrite};
  const MdPose above{0.0, 0.0, 0.05, 0.0};
  for (const complex r : md_response(c, above)) {
    EXPECT_GT(r.real(), 0.0);
    EXPECT_NEAR(r.imag(), 0.0, 1e-12 * r.real());
  }
  for (const complex z : md_raw_phasors(c, above)) {
    EXPECT_NEAR(std::arg(z) * 180 / pi, -90.0 + 30.0, 1e-9);
  }
  // The aluminium sphere: phase between 90° and 180°, from χ: θ = atan2(−Im χ·g, Re χ·g), g > 0.
  c = quiet_vlf();
  const auto truth = md_truth(c);
  ASSERT_EQ(truth.targets.size(), 1u);
  for (std::size_t k = 0; k < 2; ++k) {
    const complex chi = sphere_excitation_factor(2 * pi * c.tones_hz[k], 0.005, 3.5e7, 1.0);
    EXPECT_NEAR(truth.targets[0].phase_deg[k], std::atan2(-chi.imag(), chi.real()) * 180 / pi,
                1e-9);
    EXPECT_GT(truth.targets[0].phase_deg[k], 90.0);
  }
}

TEST(MdScene, SoilTruthPhaseIsAFewDegrees) {
  MdSceneConfig c = quiet_vlf();
  c.targets.clear();
  c.soil = soil_of_class(SoilClass::severe);
  const auto truth = md_truth(c);
  ASSERT_EQ(truth.soil_phase_deg.size(), 2u);
  for (double phase : truth.soil_phase_deg) {
    EXPECT_GT(phase, 1.0);
    EXPECT_LT(phase, 6.0);
  }
  // The soil's raw phasor in a scene equals md_raw_phasors at the block's pose.
  c.sweep_count = 1;
  const MdScene scene = simulate_md_scene(c);
  const auto& block = scene.vlf_blocks[10];
  const auto expected = md_raw_phasors(c, md_pose_at(c, 10.5 * 320 / 160000.0));
  EXPECT_NEAR(std::abs(naive_dft(block.samples, 5000.0, 160000.0) - expected[0]), 0.0,
              1e-4 * std::abs(expected[0]));
}

TEST(MdScene, PiGatesOfALoopAreItsAnalyticDecay) {
  MdSceneConfig c;
  c.detector = MdSceneConfig::Detector::pi;
  c.sweep_count = 1;
  c.sweep_width_m = 0.4;
  c.sweep_speed_m_per_s = 0.2;
  MdTargetConfig loop;
  loop.kind = MdTargetConfig::Kind::loop;
  loop.strength_m3 = 2e-7;
  loop.time_constant_s = 30e-6;
  loop.dip_deg = 90.0;  // vertical normal
  loop.x_m = 0.0;
  loop.y_m = 0.0;
  loop.depth_m = 0.04;
  c.targets = {loop};
  const MdScene scene = simulate_md_scene(c);
  ASSERT_EQ(scene.pi_frames.size(), 2000u);
  const Coil coil = make_coil(c.coil);
  for (std::size_t p : {0u, 700u, 1000u, 1500u}) {
    const auto& frame = scene.pi_frames[p];
    const CoilPose pose{Eigen::Vector3d(frame.header.position_m, frame.header.advance_m, 0.05),
                        0.0};
    const FieldPair fields = coil_fields(coil, pose, Eigen::Vector3d(0, 0, -0.04));
    const double geometry = mu0 * fields.receive.z() * fields.transmit.z();
    ASSERT_EQ(frame.gate_values.size(), c.gate_times_s.size());
    for (std::size_t g = 0; g < c.gate_times_s.size(); ++g) {
      const double t = c.gate_times_s[g];
      const double tau = 30e-6;
      const double expected = c.receiver_gain * c.pulse_current_a * geometry * 2e-7 / tau *
                              (std::exp(-t / tau) - std::exp(-(t + c.pulse_length_s) / tau));
      EXPECT_NEAR(frame.gate_values[g], expected, 1e-5 * std::abs(expected) + 1e-9)
          << p << " " << g;
      EXPECT_FLOAT_EQ(frame.gate_times_s[g], static_cast<float>(t));
    }
  }
  EXPECT_DOUBLE_EQ(md_truth(c).targets[0].time_constant_s, 30e-6);
}

TEST(MdScene, PiSoilDecaysAsOneOverT) {
  MdSceneConfig c;
  c.detector = MdSceneConfig::Detector::pi;
  c.soil = soil_of_class(SoilClass::high);
  const auto values = pi_response(c, {0.0, 0.0, 0.05, 0.0});
  const double tp = c.pulse_length_s;
  for (std::size_t g = 1; g < values.size(); ++g) {
    const double t0 = c.gate_times_s[0];
    const double t = c.gate_times_s[g];
    const double shape = (1 / t - 1 / (t + tp)) / (1 / t0 - 1 / (t0 + tp));
    EXPECT_NEAR(values[g] / values[0], shape, 1e-6 * shape);
  }
  EXPECT_GT(values[0], 0.0);
}

TEST(MdScene, ValidationNamesTheJsonPath) {
  MdSceneConfig c = quiet_vlf();
  c.samples_per_block = 300;  // 9.375 periods of 5 kHz
  try {
    validate(c);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("tones_hz/0"), std::string::npos) << e.what();
  }
  c = quiet_vlf();
  c.targets[0].depth_m = -0.1;
  try {
    validate(c);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("targets/0/depth_m"), std::string::npos) << e.what();
  }
  c = quiet_vlf();
  c.pumping_amplitude_m = 0.05;  // would hit the ground
  EXPECT_THROW(validate(c), std::invalid_argument);
  c = quiet_vlf();
  c.tones_hz = {1e3, 2e3, 3e3, 4e3, 5e3};
  EXPECT_THROW(validate(c), std::invalid_argument);
}

TEST(MdSceneJson, RoundTrips) {
  MdSceneConfig c = default_md_scene();
  c.detector = MdSceneConfig::Detector::pi;
  c.coil.kind = CoilConfig::Kind::double_d;
  MdTargetConfig tensor;
  tensor.kind = MdTargetConfig::Kind::tensor;
  tensor.azimuth_deg = 30.0;
  tensor.dip_deg = 10.0;
  tensor.axes[0].poles = {{1e-8, 1e-4}, {2e-9, 1e-5}};
  tensor.axes[2].high_frequency_m3 = -1e-9;
  MdTargetConfig loop;
  loop.kind = MdTargetConfig::Kind::loop;
  loop.time_constant_s = 3e-4;
  c.targets.push_back(tensor);
  c.targets.push_back(loop);
  c.seed = 99;
  const std::string text = md_scene_to_json(c);
  const MdSceneConfig back = md_scene_from_json(text, "scene.json");
  EXPECT_EQ(md_scene_to_json(back), text);
  ASSERT_EQ(back.targets.size(), 4u);
  EXPECT_EQ(back.targets[2].axes[0].poles[1].time_constant_s, 1e-5);
  EXPECT_EQ(back.coil.kind, CoilConfig::Kind::double_d);
  EXPECT_EQ(back.soil.susceptibility_si, c.soil.susceptibility_si);
}

TEST(MdSceneJson, SoilClassByName) {
  const auto c = md_scene_from_json(R"({"soil": {"class": "severe", "conductivity_s_per_m": 0.1}})",
                                    "scene.json");
  EXPECT_EQ(c.soil.susceptibility_si, soil_of_class(SoilClass::severe).susceptibility_si);
  EXPECT_EQ(c.soil.conductivity_s_per_m, 0.1);
}

TEST(MdSceneJson, ErrorsNameTheJsonPath) {
  const auto message = [](const std::string& text) {
    try {
      (void)md_scene_from_json(text, "scene.json");
    } catch (const deminer::ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message(R"({"targets": [{"x_m": 0, "y_m": 0, "depth_m": 0.1, "radius": 1}]})")
                .find("scene.json: /targets/0/radius: unknown key"),
            std::string::npos);
  EXPECT_NE(message(R"({"targets": [{"x_m": 0, "y_m": 0, "depth_m": 0.1},
                                    {"x_m": 0, "y_m": 0, "depth_m": -0.1}]})")
                .find("scene.json: /targets/1/depth_m: -0.1 is out of range"),
            std::string::npos);
  EXPECT_NE(message(R"({"tones_hz": [10000, 9999]})").find("/tones_hz/1"), std::string::npos);
  EXPECT_NE(message(R"({"soil": {"class": "swamp"}})").find("/soil/class"), std::string::npos);
  EXPECT_NE(message(R"({"coil": {"segmnets": 8}})").find("/coil/segmnets: unknown key"),
            std::string::npos);
  EXPECT_NE(message(R"({"detector": 3})").find("/detector"), std::string::npos);
  EXPECT_NE(message(R"({"targets": [{"kind": "tensor", "x_m": 0, "y_m": 0, "depth_m": 0.1,
                        "axes": [{}, {}, {"poles": [{"amplitude_m3": 1e-9}]}]}]})")
                .find("/targets/0/axes/2/poles/0/time_constant_s: missing"),
            std::string::npos);
  EXPECT_NE(message("{").find("not valid JSON"), std::string::npos);
}

TEST(MdSceneJson, TruthJsonCarriesPhasesAndTimeConstants) {
  const MdSceneConfig c = default_md_scene();
  const std::string text = md_truth_to_json(md_truth(c));
  EXPECT_NE(text.find("\"phase_deg\""), std::string::npos);
  EXPECT_NE(text.find("\"time_constant_s\""), std::string::npos);
  EXPECT_NE(text.find("\"soil_phase_deg\""), std::string::npos);
  const MdTruth back = md_truth_from_json(text, "truth.json");
  EXPECT_EQ(md_truth_to_json(back), text);
  ASSERT_EQ(back.targets.size(), 2u);
  EXPECT_EQ(back.targets[1].depth_m, 0.10);
  try {
    (void)md_truth_from_json(R"({"targets": [{"x_m": 0, "y_m": 0}]})", "truth.json");
    FAIL();
  } catch (const deminer::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("truth.json: /targets/0/depth_m: missing"),
              std::string::npos)
        << e.what();
  }
}

TEST(MdScene, ConcentricResponsePeaksAboveTheTarget) {
  MdSceneConfig c = quiet_vlf();
  c.targets[0].x_m = 0.07;
  const MdResponder responder(c);
  double best_x = 0.0;
  double best = 0.0;
  for (double x = -0.2; x <= 0.2; x += 0.001) {
    const double magnitude = std::abs(responder.md_response({x, 0.0, 0.05, 0.0})[0]);
    if (magnitude > best) {
      best = magnitude;
      best_x = x;
    }
  }
  EXPECT_NEAR(best_x, 0.07, 0.0015);
  // Deeper targets give weaker responses (monotonic in depth straight above).
  double previous = 1e300;
  for (double depth : {0.01, 0.03, 0.06, 0.1, 0.2}) {
    c.targets[0].depth_m = depth;
    const double magnitude = std::abs(md_response(c, {0.07, 0.0, 0.05, 0.0})[0]);
    EXPECT_LT(magnitude, previous) << depth;
    previous = magnitude;
  }
}
