// Gains against naive double-precision implementations of their definitions and hand-derived
// values (gain.hpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "allocation_counter.hpp"
#include "deminer/dsp/gpr/gain.hpp"

using deminer::dsp::AgcGain;
using deminer::dsp::ExponentialGain;
using deminer::dsp::TPowerGain;
using deminer::dsp::TraceHeader;

namespace {

std::vector<float> noisy_trace(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> noise(0.0f, 1.0f);
  std::vector<float> x(n);
  for (auto& v : x) v = noise(rng);
  return x;
}

TraceHeader header_with(double dt_s, double time_zero_s) {
  TraceHeader h;
  h.dt_s = dt_s;
  h.time_zero_s = time_zero_s;
  return h;
}

void expect_relative(std::span<const float> got, const std::vector<double>& expected,
                     const std::string& what) {
  ASSERT_EQ(got.size(), expected.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    ASSERT_NEAR(got[i], expected[i], 1e-6 * std::abs(expected[i]) + 1e-30) << what << " " << i;
  }
}

TEST(TPowerGain, MatchesDefinitionAndHandValues) {
  // Sample i at t = -0.5 ns + i * 0.1 ns.
  const TraceHeader header = header_with(0.1e-9, -0.5e-9);
  TPowerGain gain({2.0, 1e-9, 0.2e-9, 50.0});
  EXPECT_NEAR(gain.gain_at(-0.5e-9), 0.04, 1e-15);  // before time zero: (0.2 / 1)^2
  EXPECT_NEAR(gain.gain_at(2e-9), 4.0, 1e-12);
  EXPECT_NEAR(gain.gain_at(1e-9), 1.0, 1e-15);
  EXPECT_EQ(gain.gain_at(10e-9), 50.0);  // 100, clamped

  const auto x = noisy_trace(150, 1);
  std::vector<double> expected(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double t = -0.5e-9 + static_cast<double>(i) * 0.1e-9;
    expected[i] = x[i] * std::min(50.0, std::pow(std::max(t, 0.2e-9) / 1e-9, 2.0));
  }
  std::vector<float> out(x.size());
  gain.process(header, x, out);
  expect_relative(out, expected, "t-power");
  EXPECT_EQ(out[149], x[149] * 50.0f);  // t = 14.4 ns: clamped
}

TEST(ExponentialGain, MatchesDefinitionAndHandValues) {
  // εr = 4: v = c/2. 20 dB/m is a factor 10 in amplitude per metre of path, and the path is v·t,
  // so without spreading g(t) = 10^(v·t / 1 m).
  ExponentialGain::Config config;
  config.attenuation_db_per_m = 20.0;
  config.relative_permittivity = 4.0;
  config.spreading_power = 0.0;
  config.max_gain = 1e6;
  ExponentialGain exponential(config);
  const double v = 299'792'458.0 / 2.0;
  EXPECT_NEAR(exponential.attenuation_per_s(), std::log(10.0) * v, 1e-6 * std::log(10.0) * v);
  EXPECT_NEAR(exponential.gain_at(10e-9), std::pow(10.0, v * 10e-9), 1e-9 * 31.6);
  EXPECT_NEAR(exponential.gain_at(10e-9), 31.5473, 1e-4);  // 10^1.49896

  config.spreading_power = 1.0;  // (t / 1 ns)
  config.max_gain = 500.0;
  ExponentialGain sec(config);
  EXPECT_NEAR(sec.gain_at(10e-9), 10.0 * std::pow(10.0, v * 10e-9), 1e-9 * 316.0);
  EXPECT_NEAR(sec.gain_at(-3e-9), 0.1 * std::pow(10.0, v * 0.1e-9), 1e-12);  // min_time_s
  EXPECT_EQ(sec.gain_at(20e-9), 500.0);                                      // 20 · 1000, clamped

  const TraceHeader header = header_with(0.05e-9, -1e-9);
  const auto x = noisy_trace(400, 2);
  std::vector<double> expected(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double t = std::max(-1e-9 + static_cast<double>(i) * 0.05e-9, 0.1e-9);
    expected[i] = x[i] * std::min(500.0, (t / 1e-9) * std::exp(std::log(10.0) * v * t));
  }
  std::vector<float> out(x.size());
  sec.process(header, x, out);
  expect_relative(out, expected, "SEC");
}

std::vector<double> naive_agc(const std::vector<float>& x, const AgcGain::Config& c) {
  const std::size_t half = c.window_samples / 2;
  std::vector<double> out(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    const std::size_t first = i >= half ? i - half : 0;
    const std::size_t last = std::min(x.size() - 1, i + half);
    double sum = 0.0;
    for (std::size_t k = first; k <= last; ++k) sum += static_cast<double>(x[k]) * x[k];
    const double rms = std::sqrt(sum / static_cast<double>(last - first + 1));
    out[i] = x[i] * std::min(c.max_gain, c.target_rms / std::max(rms, c.epsilon));
  }
  return out;
}

TEST(AgcGain, MatchesNaiveWindowedRms) {
  // A trace whose level falls by 10^4 along it, with a silent stretch where the clamp acts.
  std::vector<float> x = noisy_trace(600, 3);
  for (std::size_t i = 0; i < x.size(); ++i) {
    x[i] *= static_cast<float>(std::pow(10.0, -4.0 * static_cast<double>(i) / 600.0));
  }
  std::fill(x.begin() + 300, x.begin() + 360, 0.0f);
  for (std::size_t window : {1u, 5u, 41u, 1001u}) {
    const AgcGain::Config config{window, 2.0, 1e-4, 300.0};
    AgcGain agc(config, 600);
    std::vector<float> out(x.size());
    agc.process(header_with(1e-10, 0.0), x, out);
    const auto expected = naive_agc(x, config);
    for (std::size_t i = 0; i < x.size(); ++i) {
      ASSERT_NEAR(out[i], expected[i], 1e-5 * std::max(1.0, std::abs(expected[i])))
          << "window " << window << " sample " << i;
    }
  }
}

TEST(AgcGain, EqualisesTheLevelToTheTarget) {
  std::vector<float> x(1000);
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double level = i < 500 ? 10.0 : 0.01;  // a 60 dB step
    x[i] = static_cast<float>(level * std::sin(0.5 * static_cast<double>(i)));
  }
  AgcGain agc({101, 0.5, 1e-6, 1e6}, x.size());
  std::vector<float> out(x.size());
  agc.process(x, out);
  for (std::size_t start : {100u, 700u}) {  // windows clear of the step and of the ends
    double sum = 0.0;
    for (std::size_t i = start; i < start + 200; ++i) sum += static_cast<double>(out[i]) * out[i];
    EXPECT_NEAR(std::sqrt(sum / 200.0), 0.5, 0.01) << start;
  }
}

TEST(AgcGain, FloorAndClamp) {
  std::vector<float> tiny(50, 1e-9f);
  std::vector<float> out(50);
  AgcGain floored({11, 1.0, 1e-6, 1e9}, 50);
  floored.process(tiny, out);
  EXPECT_NEAR(out[25], 1e-9 * 1e6, 1e-9);  // gain = target / epsilon
  AgcGain clamped({11, 1.0, 1e-6, 100.0}, 50);
  clamped.process(tiny, out);
  EXPECT_NEAR(out[25], 1e-9 * 100.0, 1e-13);
}

TEST(Gains, InPlaceAndWithoutAllocation) {
  const TraceHeader header = header_with(0.05e-9, -1e-9);
  const auto x = noisy_trace(512, 4);
  TPowerGain t_power({});
  ExponentialGain exponential({});
  AgcGain agc({}, 512);
  std::vector<float> a(x.size()), b(x.size()), c(x.size());
  std::vector<float> a2 = x, b2 = x, c2 = x;
  {
    deminer::test::AllocationCounter counter;
    t_power.process(header, x, a);
    exponential.process(header, x, b);
    agc.process(header, x, c);
    t_power.process(header, a2, a2);
    exponential.process(header, b2, b2);
    agc.process(header, c2, c2);
    EXPECT_EQ(counter.count(), 0u);
  }
  EXPECT_EQ(a, a2);
  EXPECT_EQ(b, b2);
  EXPECT_EQ(c, c2);
}

template <typename Make>
void expect_rejected(Make make, const std::string& field) {
  try {
    make();
    ADD_FAILURE() << field << " accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
  }
}

TEST(Gains, RejectBadConfigNamingTheField) {
  expect_rejected([] { TPowerGain g({1.0, 0.0, 1e-10, 10.0}); }, "reference_time_s 0");
  expect_rejected([] { TPowerGain g({1.0, 1e-9, -1.0, 10.0}); }, "min_time_s -1");
  expect_rejected([] { TPowerGain g({1.0, 1e-9, 1e-10, 0.0}); }, "max_gain 0");
  expect_rejected([] { TPowerGain g({NAN, 1e-9, 1e-10, 10.0}); }, "power nan");
  expect_rejected(
      [] {
        ExponentialGain g({-1.0, 6.0, 1.0, 1e-9, 1e-10, 10.0});
      },
      "attenuation_db_per_m -1");
  expect_rejected(
      [] {
        ExponentialGain g({1.0, 0.5, 1.0, 1e-9, 1e-10, 10.0});
      },
      "relative_permittivity 0.5");
  expect_rejected([] { AgcGain g({10, 1.0, 1e-6, 10.0}, 100); }, "window_samples 10");
  expect_rejected([] { AgcGain g({11, 0.0, 1e-6, 10.0}, 100); }, "target_rms 0");
  expect_rejected([] { AgcGain g({11, 1.0, 0.0, 10.0}, 100); }, "epsilon 0");
  expect_rejected([] { AgcGain g({11, 1.0, 1e-6, 10.0}, 0); }, "max_samples 0");
}

}  // namespace
