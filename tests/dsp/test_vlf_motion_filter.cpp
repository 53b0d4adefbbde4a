// VlfMotionFilter against scipy.signal.sosfilt over a whole record
// (tests/reference/make_vlf_reference.py), fed in blocks of random sizes (its state carries over
// from block to block); the complex form against two real filters; VlfPinpoint against the
// closed form of a first-order lag (a held step decays as e^{−t/τ}) and its tare. Validation and
// no allocation for both.
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <numbers>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "allocation_counter.hpp"
#include "deminer/dsp/md/vlf_motion_filter.hpp"
#include "reference_csv.hpp"

using deminer::dsp::md::VlfMotionFilter;
using deminer::dsp::md::VlfPinpoint;
using deminer::test::reference_row;

namespace {

const char* kReference = "vlf_reference.csv";

std::vector<float> reference_input() {
  const auto x = reference_row(kReference, "x");
  return {x.begin(), x.end()};
}

// Feeds x in blocks of random sizes (1..max_block).
template <class T>
std::vector<T> run_in_blocks(VlfMotionFilter& filter, const std::vector<T>& x,
                             std::size_t max_block, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<std::size_t> size(1, max_block);
  std::vector<T> y(x.size());
  for (std::size_t i = 0; i < x.size();) {
    const std::size_t n = std::min(size(rng), x.size() - i);
    filter.process(std::span<const T>(x).subspan(i, n), std::span<T>(y).subspan(i, n));
    i += n;
  }
  return y;
}

}  // namespace

TEST(VlfMotionFilter, MatchesScipySosfiltAcrossBlocks) {
  const auto x = reference_input();
  ASSERT_EQ(x.size(), 2000u);
  struct Case {
    int order;
    double low;
    double high;
    const char* name;
  };
  for (const Case& c : {Case{1, 0.5, 10.0, "y/1/0.5/10"}, Case{2, 0.5, 10.0, "y/2/0.5/10"},
                        Case{3, 1.0, 25.0, "y/3/1/25"}, Case{4, 0.2, 5.0, "y/4/0.2/5"}}) {
    const auto expected = reference_row(kReference, c.name);
    ASSERT_EQ(expected.size(), x.size()) << c.name;
    double peak = 0.0;
    for (double v : expected) peak = std::max(peak, std::abs(v));
    for (std::size_t max_block : {1u, 7u, 2000u}) {
      VlfMotionFilter filter({1000.0, c.low, c.high, c.order});
      const auto y = run_in_blocks(filter, x, max_block, 3);
      for (std::size_t i = 0; i < x.size(); ++i) {
        ASSERT_NEAR(y[i], expected[i], 1e-5 * peak)
            << c.name << " block " << max_block << " i " << i;
      }
    }
  }
}

TEST(VlfMotionFilter, ComplexFiltersEachPartAlike) {
  const auto x = reference_input();
  std::vector<std::complex<float>> z(x.size());
  std::vector<float> reversed(x.rbegin(), x.rend());
  for (std::size_t i = 0; i < x.size(); ++i) z[i] = {x[i], reversed[i]};
  VlfMotionFilter complex_filter({1000.0, 0.5, 10.0, 2});
  const auto y = run_in_blocks(complex_filter, z, 50, 4);
  VlfMotionFilter real_filter({1000.0, 0.5, 10.0, 2});
  VlfMotionFilter imag_filter({1000.0, 0.5, 10.0, 2});
  std::vector<float> re(x.size());
  std::vector<float> im(x.size());
  real_filter.process(x, re);
  imag_filter.process(reversed, im);
  for (std::size_t i = 0; i < x.size(); ++i) {
    EXPECT_EQ(y[i].real(), re[i]);
    EXPECT_EQ(y[i].imag(), im[i]);
  }
  complex_filter.reset();
  EXPECT_EQ(complex_filter.push({1.0f, 0.0f}),
            std::complex<float>(static_cast<float>(complex_filter.sections()[0].b0 *
                                                   complex_filter.sections()[1].b0),
                                0.0f));
}

TEST(VlfMotionFilter, RejectsBadConfig) {
  const auto expect_error = [](VlfMotionFilter::Config config, const std::string& field) {
    try {
      VlfMotionFilter filter(config);
      ADD_FAILURE() << "no error for " << field;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
    }
  };
  expect_error({0.0, 0.5, 10.0, 2}, "channel_rate_hz");
  expect_error({1000.0, 0.5, 10.0, 0}, "order");
  expect_error({1000.0, 0.5, 10.0, 9}, "order");
  expect_error({1000.0, 0.5, 500.0, 2}, "high_hz");
  expect_error({1000.0, 0.0, 10.0, 2}, "low_hz");
  expect_error({1000.0, 20.0, 10.0, 2}, "low_hz");
}

TEST(VlfPinpoint, HeldTargetDecaysAsTheBaselineTimeConstant) {
  const double rate = 1000.0;
  const double tau = 20.0;
  VlfPinpoint pinpoint({rate, tau, 0.0});  // no low-pass: the lag alone
  // Background 0.7 V, then the coil stops over a target: +0.3 V held for 10 s.
  for (int i = 0; i < 100; ++i) EXPECT_NEAR(pinpoint.push(0.7f), 0.0f, 1e-7f);
  for (int n = 1; n <= 10000; ++n) {
    const float out = pinpoint.push(1.0f);
    const double expected = 0.3 * std::exp(-static_cast<double>(n) / (tau * rate));
    ASSERT_NEAR(out, expected, 1e-6) << n;
  }
  // After 10 s the target still shows at e^{−0.5} = 61% (the motion filter's output would be 0).
  pinpoint.tare();
  EXPECT_NEAR(pinpoint.push(1.0f), 0.0f, 1e-7f);
  EXPECT_NEAR(pinpoint.baseline(), 1.0f, 1e-7f);
}

TEST(VlfPinpoint, HoldAndReset) {
  VlfPinpoint hold({1000.0, 0.0, 0.0});  // 0: the baseline stays where the tare put it
  hold.tare();                           // before any input: the first input becomes the baseline
  EXPECT_EQ(hold.push(2.0f), 0.0f);
  for (int i = 0; i < 100000; ++i) hold.push(3.0f);
  EXPECT_EQ(hold.push(3.0f), 1.0f);
  EXPECT_EQ(hold.push(std::nanf("")), 1.0f);  // a glitch changes nothing
  hold.reset();
  EXPECT_EQ(hold.push(5.0f), 0.0f);
  try {
    VlfPinpoint bad({1000.0, 0.001, 0.0});
    ADD_FAILURE() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("baseline_time_s"), std::string::npos) << e.what();
  }
}

TEST(VlfPinpoint, LowPassIsAOnePoleSmoother) {
  // Baseline held (0), 10 Hz low-pass at 1 kS/s: a step rises as 1 − (1 − a)^n with
  // a = 1 − e^{−2π·10/1000}, and white noise of σ = 1 leaves σ = √(a/(2 − a)).
  const double a = 1.0 - std::exp(-2.0 * std::numbers::pi * 10.0 / 1000.0);
  VlfPinpoint step({1000.0, 0.0, 10.0});
  EXPECT_EQ(step.push(0.0f), 0.0f);
  for (int n = 1; n < 300; ++n) {
    ASSERT_NEAR(step.push(1.0f), 1.0 - std::pow(1.0 - a, n), 1e-6) << n;
  }
  VlfPinpoint noise({1000.0, 0.0, 10.0});
  noise.push(0.0f);  // the held baseline: 0
  std::mt19937 rng(8);
  std::normal_distribution<float> gauss(0.0f, 1.0f);
  double power = 0.0;
  const int n = 400000;
  for (int i = 0; i < n; ++i) {
    const double y = noise.push(gauss(rng));
    power += y * y;
  }
  EXPECT_NEAR(std::sqrt(power / n), std::sqrt(a / (2.0 - a)), 0.02 * std::sqrt(a / (2.0 - a)));
  try {
    VlfPinpoint bad({1000.0, 10.0, 600.0});
    ADD_FAILURE() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("low_pass_hz"), std::string::npos) << e.what();
  }
}

TEST(VlfMotionFilter, ProcessAllocatesNothing) {
  VlfMotionFilter filter({1000.0, 0.5, 10.0, 4});
  VlfPinpoint pinpoint({1000.0, 10.0});
  std::vector<float> x(5000, 1.0f);
  std::vector<std::complex<float>> z(5000, {1.0f, 2.0f});
  deminer::test::AllocationCounter counter;
  filter.process(x, x);
  filter.process(z, z);
  pinpoint.process(x, x);
  filter.reset();
  EXPECT_EQ(counter.count(), 0u);
}

// Started settled, the filter behaves as if its first input had always been there: a constant
// gives nothing from the first sample, and what follows is, by linearity, the zero-state
// response to the input minus that constant.
TEST(VlfMotionFilter, SettledStartRingsNothingOnAConstantAndIsLinearAfter) {
  VlfMotionFilter::Config settled{1000.0, 1.0, 10.0, 2, true};
  VlfMotionFilter filter(settled);
  VlfMotionFilter zero_state({1000.0, 1.0, 10.0, 2, false});
  const std::complex<float> soil{0.84f, 0.05f};
  double worst = 0.0;
  for (int i = 0; i < 3000; ++i) {
    const std::complex<float> x =
        soil + (i >= 1000
                    ? std::complex<float>(0.01f * std::sin(0.01f * static_cast<float>(i)), 0.002f)
                    : std::complex<float>{});
    const std::complex<float> y = filter.push(x);
    const std::complex<float> expected = zero_state.push(x - soil);
    worst = std::max(worst, static_cast<double>(std::abs(y - expected)));
    if (i < 1000) {
      ASSERT_LT(std::abs(y), 1e-6f * std::abs(soil)) << i;
    }
  }
  EXPECT_LT(worst, 1e-6);
  filter.reset();  // settles again on the next first input
  EXPECT_LT(std::abs(filter.push({5.0f, -3.0f})), 1e-5f);
}
