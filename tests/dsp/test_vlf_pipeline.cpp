// VlfPipeline end to end, from raw ADC blocks synthesised here (docs/metal-detector.md physics,
// independent of sim/md): a two-tone head with an air offset and unknown electronic phases is
// air-balanced and phase-calibrated with a ferrite, then swept over a 5 mm aluminium sphere in a
// severe viscous soil with coil pumping. Checks: one detection per pass, at the sphere, with the
// sphere's physical phase angle and class; the ground angle found; the tones; the pinpoint path
// holding a still target; stream equals batch; bad blocks, gaps and glitches counted; no
// allocation.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <complex>
#include <cstdint>
#include <iostream>
#include <numbers>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "allocation_counter.hpp"
#include "deminer/dsp/pipeline/vlf_pipeline.hpp"
#include "test_vlf_physics.hpp"

using deminer::dsp::Detection;
using deminer::dsp::VlfFeature;
using deminer::dsp::VlfPipeline;
using deminer::dsp::md::ToneOutput;
using deminer::dsp::md::VlfBlockView;
using deminer::dsp::md::VlfTargetClass;
namespace phys = deminer::test::vlf;
using cd = std::complex<double>;

namespace {

constexpr double kPi = std::numbers::pi;
constexpr double kRate = 100e3;
constexpr std::array<double, 2> kTones = {10e3, 20e3};
constexpr std::size_t kWindow = 100;  // 10 and 20 periods; channel rate 1 kS/s

// What is under and around the coil at time t.
struct Moment {
  double position_m = -0.5;  // coil centre along the sweep; the sphere is at 0
  double height_m = 0.05;    // coil above ground
  bool in_air = false;       // coil lifted far from the ground
  bool ferrite = false;      // a ferrite sample held at the coil (in air)
};

// A two-tone VLF head: raw ADC = Σ_k Re{Z_k(t)·e^{iω_k t}} + noise, with
// Z_k = air_k + E_k·(−i)·(ferrite + soil + sphere) (reciprocity factor −iω folded into E_k).
struct HeadScene {
  double noise_volts = 2e-3;     // ADC noise per sample (2.8e-4 V on a phasor)
  double soil_volts = 0.5;       // soil response at 5 cm (10 kHz): severe
  double sphere_depth_m = 0.08;  // below the ground
  unsigned seed = 1;
};

class Head {
 public:
  explicit Head(const HeadScene& scene = HeadScene{})
      : rng_(scene.seed),
        noise_(0.0, 1.0),
        noise_volts_(scene.noise_volts),
        sphere_depth_m_(scene.sphere_depth_m) {
    for (std::size_t k = 0; k < 2; ++k) {
      const double omega = 2.0 * kPi * kTones[k];
      kappa_[k] = phys::viscous_soil_kappa(1.0, 1e-9, 1e3, omega);
      chi_[k] = phys::sphere_chi(2.5e-3, phys::kAluminiumSiemensPerMetre, 1.0, omega);
    }
    // The sphere: 10 mV at 10 cm from the coil (10 kHz), falling as the 6th power of the
    // distance; ferrite 0.2 V.
    soil_scale_ = scene.soil_volts / std::abs(kappa_[0]);
    sphere_scale_ = 0.01 / std::abs(chi_[0]);
  }

  [[nodiscard]] double soil_angle_deg(std::size_t k) const {
    return phys::phase_angle_deg(kappa_[k]);
  }
  [[nodiscard]] double sphere_angle_deg(std::size_t k) const {
    return phys::phase_angle_deg(chi_[k]);
  }

  [[nodiscard]] cd air(std::size_t k) const { return air_[k]; }
  [[nodiscard]] cd electronics(std::size_t k) const { return electronics_[k]; }

  // Polarisability-like response (before electronics) at tone k.
  [[nodiscard]] cd response(std::size_t k, const Moment& m) const {
    cd total = m.ferrite ? cd(0.2) : cd(0.0);
    if (!m.in_air) {
      total += soil_scale_ * std::pow(0.05 / m.height_m, 3.0) * kappa_[k];
      const double d = m.height_m + sphere_depth_m_;
      const double x = m.position_m;
      total +=
          sphere_scale_ * std::pow(0.1 / d, 6.0) * std::pow(d * d / (d * d + x * x), 3.0) * chi_[k];
    }
    return total;
  }

  // Samples [first, first + n) of the stream.
  void samples(std::uint64_t first, std::size_t n, const Moment& m, std::vector<float>& out) {
    out.resize(n);
    std::array<cd, 2> z{};
    for (std::size_t k = 0; k < 2; ++k)
      z[k] = air_[k] + electronics_[k] * cd(0.0, -1.0) * response(k, m);
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint64_t s = first + i;
      double v = noise_volts_ * noise_(rng_);
      for (std::size_t k = 0; k < 2; ++k) {
        // Whole periods per window are exact integers: reduce the phase exactly.
        const auto periods = static_cast<std::uint64_t>(kTones[k] * kWindow / kRate);
        const double phase = 2.0 * kPi * static_cast<double>((s * periods) % kWindow) / kWindow;
        v += (z[k] * std::polar(1.0, phase)).real();
      }
      out[i] = static_cast<float>(v);
    }
  }

 private:
  std::mt19937 rng_;
  std::normal_distribution<double> noise_;
  double noise_volts_;
  double sphere_depth_m_;
  std::array<cd, 2> kappa_{};
  std::array<cd, 2> chi_{};
  std::array<cd, 2> air_{cd(0.3, -0.1), cd(-0.2, 0.25)};
  std::array<cd, 2> electronics_{std::polar(1.3, 0.7), std::polar(0.9, -2.2)};
  double soil_scale_ = 0.0;
  double sphere_scale_ = 0.0;
};

VlfPipeline::Config two_tone_config() {
  VlfPipeline::Config c;
  c.demodulator.sample_rate_hz = kRate;
  c.demodulator.tone_hz = {kTones[0], kTones[1], 0.0, 0.0};
  c.demodulator.tone_count = 2;
  c.demodulator.window_samples = kWindow;
  return c;
}

VlfBlockView view(const std::vector<float>& samples, std::uint64_t first_sample,
                  std::uint64_t sequence, double position_m) {
  VlfBlockView v;
  v.header.sample_rate_hz = kRate;
  v.header.tone_hz = {kTones[0], kTones[1], 0.0, 0.0};
  v.header.tone_count = 2;
  v.header.position_m = position_m;
  v.header.timestamp_ns = static_cast<std::int64_t>(first_sample) * 10'000;  // 10 µs per sample
  v.header.sequence = sequence;
  v.samples = samples;
  return v;
}

struct Recording {
  std::vector<Detection> detections;
  std::vector<ToneOutput> tones;
  std::vector<float> balanced;
};

// Feeds [first, first + seconds) of a scenario in blocks of block_samples; the scene is frozen
// over a block (10 ms).
template <class Scene>
void feed(VlfPipeline& pipeline, Head& head, std::uint64_t& sample, std::uint64_t& sequence,
          double seconds, std::size_t block_samples, Scene scene, Recording* run = nullptr) {
  std::vector<float> samples;
  std::vector<Detection> detections(8);
  std::vector<ToneOutput> tones(pipeline.max_channel_samples());
  const auto end = sample + static_cast<std::uint64_t>(seconds * kRate);
  while (sample < end) {
    const double t_mid =
        (static_cast<double>(sample) + 0.5 * static_cast<double>(block_samples)) / kRate;
    const Moment m = scene(t_mid);
    head.samples(sample, block_samples, m, samples);
    const auto result =
        pipeline.process(view(samples, sample, sequence++, m.position_m), detections, tones);
    if (run != nullptr) {
      run->detections.insert(run->detections.end(), detections.begin(),
                             detections.begin() + static_cast<long>(result.detections));
      run->tones.insert(run->tones.end(), tones.begin(),
                        tones.begin() + static_cast<long>(result.channel_samples));
      const auto b = pipeline.last_balanced();
      run->balanced.insert(run->balanced.end(), b.begin(), b.end());
    }
    sample += block_samples;
  }
}

// Calibrates in air then with the ferrite, then resets the streaming state (keeping the
// calibration), as a unit does at switch-on.
void calibrate(VlfPipeline& pipeline, Head& head, std::uint64_t& sample, std::uint64_t& sequence) {
  pipeline.begin_air_capture();
  feed(pipeline, head, sample, sequence, 0.5, 1000, [](double) { return Moment{0.0, 0.05, true}; });
  ASSERT_TRUE(pipeline.finish_air_capture());
  pipeline.begin_ferrite_capture();
  feed(pipeline, head, sample, sequence, 0.5, 1000, [](double) {
    return Moment{0.0, 0.05, true, true};
  });
  ASSERT_TRUE(pipeline.finish_ferrite_capture());
  pipeline.reset();
}

double pumping_height(double t) { return 0.05 + 0.015 * std::sin(2.0 * kPi * 1.3 * t); }

}  // namespace

namespace {

float feature(const Detection& d, VlfFeature f) {
  return d.feature_values[static_cast<std::size_t>(f)];
}

struct Sweeps {
  double t0 = 0.0;  // end of the calibration
  Recording run;
  std::vector<Detection> passes;  // detections after the pumping
  double ground_angle_deg = 0.0;
  ToneOutput event_tone;
};

// Calibration, then 6 s of pumping (±1.5 cm at 1.3 Hz) over bare soil at the end of the lane,
// so the ground tracking settles, 2 s held steady there, then 20 s of sweeps ±0.5 m at 0.25 Hz over
// the sphere (passes at t0 + 9, 11, ..., 27 s) with the coil height wobbling ±sweep_wobble_m at 1.3
// Hz.
Sweeps sweep_over_the_sphere(Head& head, double sweep_wobble_m) {
  Sweeps out;
  VlfPipeline pipeline(two_tone_config());
  std::uint64_t sample = 0;
  std::uint64_t sequence = 0;
  calibrate(pipeline, head, sample, sequence);
  const double t0 = static_cast<double>(sample) / kRate;
  out.t0 = t0;
  feed(
      pipeline, head, sample, sequence, 28.0, 1000,
      [t0, sweep_wobble_m](double t) {
        const double s = t - t0;
        if (s < 6.0) return Moment{-0.5, pumping_height(t)};
        const double steady = 0.05 + sweep_wobble_m * std::sin(2.0 * kPi * 1.3 * t);
        if (s < 8.0) return Moment{-0.5, steady};
        return Moment{-0.5 * std::cos(2.0 * kPi * 0.25 * (s - 8.0)), steady};
      },
      &out.run);
  for (const auto& d : out.run.detections) {
    if (static_cast<double>(d.timestamp_ns) * 1e-9 - t0 > 8.0) out.passes.push_back(d);
  }
  out.ground_angle_deg = pipeline.ground_angle_deg();
  out.event_tone = pipeline.event_tone();
  EXPECT_EQ(pipeline.rejected_blocks(), 0u);
  EXPECT_EQ(pipeline.sequence_gaps(), 0u);
  EXPECT_EQ(pipeline.bad_windows(), 0u);
  return out;
}

// One detection per pass, at the sphere's time and place; returns the worst position error.
double check_passes(const Sweeps& sweeps, const Head& head) {
  EXPECT_EQ(sweeps.passes.size(), 10u);
  double worst_position = 0.0;
  for (std::size_t i = 0; i < sweeps.passes.size(); ++i) {
    const auto& d = sweeps.passes[i];
    const double t_pass = sweeps.t0 + 9.0 + 2.0 * static_cast<double>(i);
    EXPECT_NEAR(static_cast<double>(d.timestamp_ns) * 1e-9, t_pass, 0.15) << i;
    EXPECT_EQ(d.sensor, deminer::dsp::Sensor::metal_detector);
    EXPECT_GT(d.score, 10.0f);
    EXPECT_EQ(d.feature_count, static_cast<std::size_t>(VlfFeature::count));
    EXPECT_NEAR(feature(d, VlfFeature::ground_angle_deg), head.soil_angle_deg(0), 0.5);
    worst_position = std::max(worst_position, std::abs(d.position_m));
  }
  EXPECT_NEAR(sweeps.ground_angle_deg, head.soil_angle_deg(0), 0.5);
  // The motion filter delays the peak by tens of ms: a few cm at up to 0.8 m/s.
  EXPECT_LT(worst_position, 0.08);
  return worst_position;
}

}  // namespace

// Severe viscous soil (0.5 V, 250 times the sphere's peak), pumped ±1.5 cm to balance, then
// swept with a ±3 mm height wobble (a ±90 mV soil swing, 40 times the sphere). Every pass is
// detected; the soil swinging along the ground direction makes the phase meaningless, and the
// chain says so (no identity) instead of guessing.
TEST(VlfPipeline, SevereSoilWithPumpingDetectsEveryPassWithoutGuessingItsIdentity) {
  Head head;
  const Sweeps sweeps = sweep_over_the_sphere(head, 0.003);
  const double worst_position = check_passes(sweeps, head);
  for (const auto& d : sweeps.passes) {
    EXPECT_EQ(feature(d, VlfFeature::target_class), static_cast<float>(VlfTargetClass::none));
    EXPECT_EQ(feature(d, VlfFeature::ferrous), -1.0f);
    EXPECT_GT(feature(d, VlfFeature::parallel_sigma_v),
              std::abs(feature(d, VlfFeature::balanced_v)));
  }
  EXPECT_EQ(sweeps.event_tone.pitch_hz, 500.0f);  // the neutral pitch
  EXPECT_GT(sweeps.event_tone.volume, 0.2f);
  std::cout << "severe soil: worst position error " << worst_position << " m, peak SNR";
  for (const auto& d : sweeps.passes) std::cout << " " << d.score;
  std::cout << "\n";
}

// Mild soil (5 mV) swept at a steady height (±0.3 mm) over the sphere 5 cm deep: it is
// identified at its physical phase angle.
TEST(VlfPipeline, MildSoilIdentifiesTheSphere) {
  Head head(HeadScene{2e-3, 0.005, 0.05, 2});
  const Sweeps sweeps = sweep_over_the_sphere(head, 0.0003);
  const double worst_position = check_passes(sweeps, head);
  double worst_phase = 0.0;
  for (const auto& d : sweeps.passes) {
    EXPECT_EQ(feature(d, VlfFeature::target_class),
              static_cast<float>(VlfTargetClass::medium_conductor));
    EXPECT_EQ(feature(d, VlfFeature::ferrous), 0.0f);
    worst_phase = std::max(worst_phase,
                           std::abs(feature(d, VlfFeature::phase_deg) - head.sphere_angle_deg(0)));
  }
  std::cout << "mild soil: sphere phase " << head.sphere_angle_deg(0) << " deg, worst error "
            << worst_phase << " deg, worst position error " << worst_position << " m\n";
  EXPECT_LT(worst_phase, 5.0);
  // The event tone: pitch from the sphere's phase (200 + θ/180·800 Hz).
  EXPECT_NEAR(sweeps.event_tone.pitch_hz, 200.0 + head.sphere_angle_deg(0) / 180.0 * 800.0, 25.0);
  EXPECT_GT(sweeps.event_tone.volume, 0.2f);
  // Continuous tones: one per channel sample; silent during the pumping over bare soil,
  // sounding over the sphere.
  ASSERT_EQ(sweeps.run.tones.size(), 28000u);
  float loudest_before = 0.0f;
  for (std::size_t i = 4000; i < 8000; ++i)
    loudest_before = std::max(loudest_before, sweeps.run.tones[i].volume);
  float loudest = 0.0f;
  for (std::size_t i = 8000; i < 28000; ++i)
    loudest = std::max(loudest, sweeps.run.tones[i].volume);
  EXPECT_LT(loudest_before, 0.2f);  // noise alone: at most a faint tick
  EXPECT_GT(loudest, 0.2f);
}

TEST(VlfPipeline, PinpointHoldsAStillTarget) {
  Head head;
  VlfPipeline::Config config = two_tone_config();
  config.ground_balance.tracking = false;
  VlfPipeline pipeline(config);
  std::uint64_t sample = 0;
  std::uint64_t sequence = 0;
  calibrate(pipeline, head, sample, sequence);
  // No soil-pumping here: the coil is carried at 5 cm, comes over the sphere and stops on it.
  pipeline.set_ground_angle_deg(head.soil_angle_deg(0));
  feed(pipeline, head, sample, sequence, 3.0, 1000, [](double) { return Moment{-0.5, 0.05}; });
  pipeline.tare_pinpoint();
  const double t0 = static_cast<double>(sample) / kRate;
  Recording run;
  feed(
      pipeline, head, sample, sequence, 6.0, 1000,
      [t0](double t) {
        return Moment{std::min(0.0, -0.5 + 0.5 * (t - t0)), 0.05};
      },
      &run);
  // The sphere's calibrated amplitude (the ferrite calibration rotates, it keeps the electronics'
  // gain) times sin(θsphere − θground), after 5 s at rest: less e^{−5/30} for the 30 s baseline.
  Moment over{0.0, 0.05};
  Moment away{-0.5, 0.05};
  const double sphere =
      std::abs(head.response(0, over) - head.response(0, away)) * std::abs(head.electronics(0));
  const auto expected = static_cast<float>(
      sphere * std::sin((head.sphere_angle_deg(0) - head.soil_angle_deg(0)) * kPi / 180.0));
  // Meanwhile the motion signal has died away.
  const float still = pipeline.last_pinpoint().back();
  EXPECT_NEAR(still, expected * std::exp(-5.0f / 30.0f), 0.05f * expected);
  EXPECT_LT(std::abs(pipeline.last_balanced().back()), 0.05f * expected);
  pipeline.set_pinpoint(true);
  std::vector<ToneOutput> tones(pipeline.max_channel_samples());
  std::vector<Detection> none;
  std::vector<float> samples;
  head.samples(sample, 1000, Moment{0.0, 0.05}, samples);
  pipeline.process(view(samples, sample, sequence++, 0.0), none, tones);
  EXPECT_GT(pipeline.tone().volume, 0.5f);
  EXPECT_EQ(pipeline.tone().pitch_hz, 500.0f);
}

// Feeds x in blocks whose sizes `next_size` picks (whole periods of both tones); the coil moves
// at 0.3 m/s from −0.6 m, the block positions are at their middles.
template <class NextSize>
Recording run_blocks(VlfPipeline& pipeline, const std::vector<float>& x, NextSize next_size) {
  Recording out;
  std::vector<Detection> detections(16);
  std::vector<ToneOutput> tones(pipeline.max_channel_samples());
  std::uint64_t sequence = 0;
  for (std::size_t s = 0; s < x.size();) {
    const std::size_t n = std::min(next_size(), x.size() - s);
    const std::vector<float> block(x.begin() + static_cast<long>(s),
                                   x.begin() + static_cast<long>(s + n));
    const double middle_s = (static_cast<double>(s) + 0.5 * static_cast<double>(n)) / kRate;
    const auto result =
        pipeline.process(view(block, s, sequence++, -0.6 + 0.3 * middle_s), detections, tones);
    out.detections.insert(out.detections.end(), detections.begin(),
                          detections.begin() + static_cast<long>(result.detections));
    out.tones.insert(out.tones.end(), tones.begin(),
                     tones.begin() + static_cast<long>(result.channel_samples));
    out.balanced.insert(out.balanced.end(), pipeline.last_balanced().begin(),
                        pipeline.last_balanced().end());
    s += n;
  }
  return out;
}

TEST(VlfPipeline, StreamEqualsBatch) {
  // The same raw samples in blocks of 1000 and in blocks of random whole-period sizes (20 to
  // 3000 samples) give the same channel samples, tones and detections. The coil moves at a
  // constant speed, so positions interpolated from either block sequence agree too.
  const std::size_t total = 400000;  // 4 s; the sphere is passed at 2 s
  Head head({2e-4, 0.005, 0.05, 5});
  std::vector<float> x;
  std::vector<float> piece;
  for (std::size_t s = 0; s < total; s += 1000) {
    const double t = (static_cast<double>(s) + 500.0) / kRate;
    head.samples(s, 1000, Moment{-0.6 + 0.3 * t, 0.05}, piece);
    x.insert(x.end(), piece.begin(), piece.end());
  }
  VlfPipeline::Config config = two_tone_config();
  config.max_block_samples = 3000;
  // The head's own calibration, so that the soil lies at its physical angle.
  for (std::size_t k = 0; k < 2; ++k) {
    config.calibration.air_offset_re[k] = head.air(k).real();
    config.calibration.air_offset_im[k] = head.air(k).imag();
    config.calibration.phase_deg[k] = -std::arg(head.electronics(k) * cd(0.0, -1.0)) * 180.0 / kPi;
  }
  config.ground_balance.initial_angle_deg = head.soil_angle_deg(0);

  VlfPipeline batch(config);
  const Recording expected = run_blocks(batch, x, [] { return std::size_t{1000}; });
  ASSERT_EQ(expected.tones.size(), total / kWindow);
  ASSERT_EQ(expected.detections.size(), 1u);
  EXPECT_NEAR(expected.detections[0].position_m, 0.0, 0.03);

  VlfPipeline stream(config);
  std::mt19937 rng(3);
  std::uniform_int_distribution<std::size_t> periods(1, 150);
  const Recording got = run_blocks(stream, x, [&] { return 20 * periods(rng); });
  EXPECT_EQ(got.balanced, expected.balanced);
  ASSERT_EQ(got.tones.size(), expected.tones.size());
  for (std::size_t i = 0; i < got.tones.size(); ++i) {
    ASSERT_EQ(got.tones[i].pitch_hz, expected.tones[i].pitch_hz) << i;
    ASSERT_EQ(got.tones[i].volume, expected.tones[i].volume) << i;
  }
  ASSERT_EQ(got.detections.size(), expected.detections.size());
  for (std::size_t i = 0; i < got.detections.size(); ++i) {
    const auto& g = got.detections[i];
    const auto& e = expected.detections[i];
    EXPECT_EQ(g.timestamp_ns, e.timestamp_ns);
    EXPECT_NEAR(g.position_m, e.position_m, 1e-9);
    EXPECT_EQ(g.score, e.score);
    ASSERT_EQ(g.feature_count, e.feature_count);
    for (std::size_t f = 0; f < g.feature_count; ++f) {
      EXPECT_EQ(g.feature_values[f], e.feature_values[f]) << f;
    }
  }
}

TEST(VlfPipeline, CountsBadBlocksGapsAndGlitches) {
  Head head;
  VlfPipeline pipeline(two_tone_config());
  std::vector<float> samples;
  std::vector<Detection> detections(4);
  head.samples(0, 1000, Moment{}, samples);
  auto block = view(samples, 0, 0, 0.0);
  block.header.sample_rate_hz = 50e3;  // not the configured rate
  EXPECT_EQ(pipeline.process(block, detections).channel_samples, 0u);
  block = view(samples, 0, 0, 0.0);
  block.header.tone_hz[1] = 21e3;
  EXPECT_EQ(pipeline.process(block, detections).channel_samples, 0u);
  EXPECT_EQ(pipeline.rejected_blocks(), 2u);

  EXPECT_EQ(
      pipeline
          .process(view(std::vector<float>(samples.begin(), samples.begin() + 150), 0, 0, 0.0),
                   detections)
          .channel_samples,
      1u);
  // Sequence 2 follows 0: a gap; the partial window (50 samples) is dropped, so this block of
  // 1000 samples makes exactly 10 windows.
  EXPECT_EQ(pipeline.process(view(samples, 1000, 2, 0.0), detections).channel_samples, 10u);
  EXPECT_EQ(pipeline.sequence_gaps(), 1u);
  samples[420] = std::nanf("");
  EXPECT_EQ(pipeline.process(view(samples, 2000, 3, 0.0), detections).channel_samples, 10u);
  EXPECT_EQ(pipeline.bad_windows(), 1u);
  // The glitch stayed out of the filters: the next block's outputs are finite.
  head.samples(3000, 1000, Moment{}, samples);
  pipeline.process(view(samples, 3000, 4, 0.0), detections);
  for (float v : pipeline.last_balanced()) EXPECT_TRUE(std::isfinite(v));
  pipeline.reset();
  EXPECT_EQ(pipeline.bad_windows(), 0u);
}

TEST(VlfPipeline, RejectsBadConfig) {
  auto c = two_tone_config();
  c.detection_tone = 2;
  EXPECT_THROW(VlfPipeline p(c), std::invalid_argument);
  c = two_tone_config();
  c.max_block_samples = 0;
  EXPECT_THROW(VlfPipeline p(c), std::invalid_argument);
  c = two_tone_config();
  c.motion_filter.high_hz = 600.0;  // above the 500 Hz channel Nyquist
  try {
    VlfPipeline p(c);
    ADD_FAILURE() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("high_hz"), std::string::npos) << e.what();
  }
}

TEST(VlfPipeline, ProcessAllocatesNothing) {
  Head head;
  VlfPipeline pipeline(two_tone_config());
  // Blocks made beforehand: a sweep over the sphere in pumped soil, 10 s.
  std::vector<std::vector<float>> blocks(1000);
  std::vector<double> positions(1000);
  for (std::size_t b = 0; b < blocks.size(); ++b) {
    const double t = (static_cast<double>(b) + 0.5) * 0.01;
    positions[b] = -0.5 * std::cos(2.0 * kPi * 0.25 * t);
    head.samples(b * 1000, 1000, Moment{positions[b], pumping_height(t)}, blocks[b]);
  }
  std::vector<Detection> detections(4);
  std::vector<ToneOutput> tones(pipeline.max_channel_samples());
  std::size_t found = 0;
  deminer::test::AllocationCounter counter;
  pipeline.begin_air_capture();
  for (std::size_t b = 0; b < blocks.size(); ++b) {
    if (b == 10) pipeline.finish_air_capture();
    found +=
        pipeline.process(view(blocks[b], b * 1000, b, positions[b]), detections, tones).detections;
    pipeline.set_threshold_sigmas(6.0f);
    pipeline.grab_ground();
  }
  pipeline.tare_pinpoint();
  pipeline.reset();
  EXPECT_EQ(counter.count(), 0u);
  EXPECT_GT(found, 0u);
}
