// VlfDemodulator against synthetic tones computed here in double: amplitude within 0.1% and
// phase within 0.1° (the requirement), tones and DC separated, stream equals batch for
// any block split, validation and no allocation.
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <numbers>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "allocation_counter.hpp"
#include "deminer/dsp/md/vlf_demodulator.hpp"

using deminer::dsp::md::VlfDemodulator;

namespace {

constexpr double kPi = std::numbers::pi;

struct Tone {
  double hz;
  double amplitude;
  double phase_rad;
};

// Σ A·cos(2π f n/fs + φ) + dc + Gaussian noise, evaluated in double and rounded once to float.
std::vector<float> synthesise(const std::vector<Tone>& tones, double fs, std::size_t n,
                              double dc = 0.0, double noise_sigma = 0.0, unsigned seed = 1) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> noise(0.0, noise_sigma > 0.0 ? noise_sigma : 1.0);
  std::vector<float> x(n);
  for (std::size_t i = 0; i < n; ++i) {
    double v = dc;
    for (const auto& t : tones) {
      v += t.amplitude * std::cos(2.0 * kPi * t.hz * static_cast<double>(i) / fs + t.phase_rad);
    }
    if (noise_sigma > 0.0) v += noise(rng);
    x[i] = static_cast<float>(v);
  }
  return x;
}

double phase_error_deg(std::complex<float> z, double expected_rad) {
  const double d = std::arg(std::complex<double>(z) * std::polar(1.0, -expected_rad));
  return d * 180.0 / kPi;
}

VlfDemodulator::Config three_tone_config() {
  VlfDemodulator::Config c;
  c.sample_rate_hz = 100e3;
  c.tone_hz = {5e3, 15e3, 20e3, 0.0};
  c.tone_count = 3;
  c.window_samples = 100;  // 5, 15 and 20 periods
  return c;
}

}  // namespace

TEST(VlfDemodulator, RecoversAmplitudeAndPhaseOfEachTone) {
  const auto config = three_tone_config();
  const std::vector<Tone> tones = {{5e3, 0.8, 0.3}, {15e3, 0.02, -2.5}, {20e3, 1.7, 3.0}};
  // A DC offset 10× the tones and noise (1e-5 V: ±1.4e-6 V on a phasor) do not push the weakest
  // tone beyond 0.1% / 0.1°.
  const auto x = synthesise(tones, config.sample_rate_hz, 100 * 50, 10.0, 1e-5, 3);
  VlfDemodulator demodulator(config);
  std::vector<std::complex<float>> out(3 * demodulator.windows_for(x.size()));
  const std::size_t windows = demodulator.process(x, out);
  ASSERT_EQ(windows, 50u);
  EXPECT_NEAR(demodulator.channel_rate_hz(), 1000.0, 1e-9);
  for (std::size_t w = 0; w < windows; ++w) {
    for (std::size_t k = 0; k < 3; ++k) {
      const auto z = out[w * 3 + k];
      EXPECT_NEAR(std::abs(z) / tones[k].amplitude, 1.0, 1e-3) << "window " << w << " tone " << k;
      EXPECT_NEAR(phase_error_deg(z, tones[k].phase_rad), 0.0, 0.1)
          << "window " << w << " tone " << k;
    }
  }
}

TEST(VlfDemodulator, LongWindowKeepsPrecision) {
  // 2^16 samples per window: float sums would lose digits; the double sums keep 0.1% easily.
  VlfDemodulator::Config config;
  config.sample_rate_hz = 125e3;
  config.tone_hz = {125e3 * 3001.0 / 65536.0, 0.0, 0.0, 0.0};
  config.window_samples = 65536;
  const std::vector<Tone> tones = {{config.tone_hz[0], 1e-3, 1.0}};
  const auto x = synthesise(tones, config.sample_rate_hz, 65536 * 2, 0.5);
  VlfDemodulator demodulator(config);
  std::vector<std::complex<float>> out(2);
  ASSERT_EQ(demodulator.process(x, out), 2u);
  for (const auto z : out) {
    EXPECT_NEAR(std::abs(z) / 1e-3, 1.0, 1e-4);
    EXPECT_NEAR(phase_error_deg(z, 1.0), 0.0, 0.01);
  }
}

TEST(VlfDemodulator, SeparatesTones) {
  const auto config = three_tone_config();
  // Only the middle tone is transmitted: the other two phasors stay at the float noise floor.
  const auto x = synthesise({{15e3, 2.0, 0.7}}, config.sample_rate_hz, 1000, -3.0);
  VlfDemodulator demodulator(config);
  std::vector<std::complex<float>> out(30);
  ASSERT_EQ(demodulator.process(x, out), 10u);
  for (std::size_t w = 0; w < 10; ++w) {
    EXPECT_LT(std::abs(out[w * 3 + 0]), 2.0 * 1e-5);
    EXPECT_NEAR(std::abs(out[w * 3 + 1]), 2.0, 2e-3);
    EXPECT_LT(std::abs(out[w * 3 + 2]), 2.0 * 1e-5);
  }
}

TEST(VlfDemodulator, StreamEqualsBatch) {
  const auto config = three_tone_config();
  const auto x = synthesise({{5e3, 0.5, 0.1}, {15e3, 0.3, 1.1}, {20e3, 0.2, -1.0}},
                            config.sample_rate_hz, 100 * 37 + 40, 0.2, 0.05, 9);
  VlfDemodulator batch(config);
  std::vector<std::complex<float>> expected(3 * batch.windows_for(x.size()));
  const std::size_t expected_windows = batch.process(x, expected);
  ASSERT_EQ(expected_windows, 37u);
  EXPECT_EQ(batch.samples_in_window(), 40u);

  for (unsigned seed : {1u, 2u, 3u}) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<std::size_t> block_size(1, 333);
    VlfDemodulator stream(config);
    std::vector<std::complex<float>> got;
    std::vector<std::complex<float>> scratch(3 * stream.windows_for(333));
    for (std::size_t i = 0; i < x.size();) {
      const std::size_t n = std::min(block_size(rng), x.size() - i);
      const std::size_t windows = stream.process(std::span(x).subspan(i, n), scratch);
      got.insert(got.end(), scratch.begin(), scratch.begin() + static_cast<long>(3 * windows));
      i += n;
    }
    ASSERT_EQ(got.size(), expected_windows * 3);
    for (std::size_t j = 0; j < got.size(); ++j) EXPECT_EQ(got[j], expected[j]) << j;
  }
}

TEST(VlfDemodulator, RestartAndDroppedWindows) {
  const auto config = three_tone_config();
  const auto x = synthesise({{5e3, 1.0, 0.0}}, config.sample_rate_hz, 1000);
  VlfDemodulator demodulator(config);
  std::vector<std::complex<float>> out(3 * 4);
  EXPECT_EQ(demodulator.process(std::span(x).first(150), out), 1u);
  EXPECT_EQ(demodulator.samples_in_window(), 50u);
  demodulator.restart_window();  // a block was lost: the next block starts at phase 0
  EXPECT_EQ(demodulator.process(std::span(x).first(100), out), 1u);
  EXPECT_NEAR(std::abs(out[0]), 1.0, 1e-3);
  EXPECT_NEAR(phase_error_deg(out[0], 0.0), 0.0, 0.1);
  // Ten windows into room for four: four written, six counted as dropped.
  EXPECT_EQ(demodulator.process(x, out), 4u);
  EXPECT_EQ(demodulator.dropped_windows(), 6u);
  demodulator.reset();
  EXPECT_EQ(demodulator.dropped_windows(), 0u);
}

TEST(VlfDemodulator, RejectsBadConfig) {
  const auto expect_error = [](VlfDemodulator::Config config, const std::string& field) {
    try {
      VlfDemodulator demodulator(config);
      ADD_FAILURE() << "no error for " << field;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
    }
  };
  auto c = three_tone_config();
  c.sample_rate_hz = 0.0;
  expect_error(c, "sample_rate_hz");
  c = three_tone_config();
  c.tone_count = 0;
  expect_error(c, "tone_count");
  c = three_tone_config();
  c.window_samples = 1;
  expect_error(c, "window_samples");
  c = three_tone_config();
  c.tone_hz[1] = 15.5e3;  // 15.5 periods per window
  expect_error(c, "tone_hz[1]");
  c = three_tone_config();
  c.tone_hz[2] = 60e3;  // above Nyquist
  expect_error(c, "tone_hz[2]");
  c = three_tone_config();
  c.tone_hz[2] = 5e3;
  expect_error(c, "repeats");
}

TEST(VlfDemodulator, ProcessAllocatesNothing) {
  const auto config = three_tone_config();
  const auto x = synthesise({{5e3, 1.0, 0.0}, {20e3, 1.0, 1.0}}, config.sample_rate_hz, 10000);
  VlfDemodulator demodulator(config);
  std::vector<std::complex<float>> out(3 * demodulator.windows_for(x.size()));
  deminer::test::AllocationCounter counter;
  std::size_t windows = 0;
  for (std::size_t i = 0; i < x.size(); i += 250) {
    windows += demodulator.process(std::span(x).subspan(i, 250), out);
  }
  EXPECT_EQ(counter.count(), 0u);
  EXPECT_EQ(windows, 100u);
}
