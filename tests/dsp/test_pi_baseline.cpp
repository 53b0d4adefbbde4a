// PiBaseline against closed forms: the tare is the plain mean of the tared pulses; the one-pole
// tracker on a ramp of slope r per pulse settles to a lag of r/alpha (alpha = 1 - e^(-1/T)); a
// frozen tracker holds its baseline exactly.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>
#include <vector>

#include "allocation_counter.hpp"
#include "deminer/dsp/md/pi_baseline.hpp"

using deminer::dsp::md::PiBaseline;

namespace {

PiBaseline::Config config(std::size_t gates, std::size_t tare, double tracking) {
  PiBaseline::Config c;
  c.max_gates = gates;
  c.tare_pulses = tare;
  c.tracking_time_constant_pulses = tracking;
  return c;
}

}  // namespace

TEST(PiBaseline, FirstPulseIsTheInitialBaseline) {
  PiBaseline baseline(config(4, 8, 0.0));
  const std::vector<float> pulse{3.0f, 2.0f, 1.0f, 0.5f};
  std::vector<float> out(4);
  ASSERT_TRUE(baseline.process(pulse, out));
  for (float v : out) EXPECT_EQ(v, 0.0f);
  const std::vector<float> next{3.5f, 2.0f, 0.0f, 0.5f};
  ASSERT_TRUE(baseline.process(next, out));
  EXPECT_FLOAT_EQ(out[0], 0.5f);
  EXPECT_FLOAT_EQ(out[2], -1.0f);
}

TEST(PiBaseline, TareIsTheMeanOfTheTaredPulses) {
  PiBaseline baseline(config(3, 50, 0.0));
  std::mt19937 rng(1);
  std::normal_distribution<float> noise(0.0f, 0.1f);
  std::vector<float> pulse(3), out(3);
  baseline.request_tare();
  std::vector<double> sum(3, 0.0);
  for (int k = 0; k < 50; ++k) {
    EXPECT_TRUE(baseline.tare_pending());
    for (std::size_t g = 0; g < 3; ++g) {
      pulse[g] = static_cast<float>(g + 1) + noise(rng);
      sum[g] += pulse[g];
    }
    baseline.process(pulse, out);
  }
  EXPECT_FALSE(baseline.tare_pending());
  const std::vector<float> probe{7.0f, 8.0f, 9.0f};
  baseline.process(probe, out);
  for (std::size_t g = 0; g < 3; ++g) {
    EXPECT_NEAR(out[g], probe[g] - sum[g] / 50.0, 1e-5);
  }
}

TEST(PiBaseline, TrackerLagOnARampIsSlopeOverAlpha) {
  const double time_constant = 200.0;
  PiBaseline baseline(config(2, 1, time_constant));
  const double alpha = 1.0 - std::exp(-1.0 / time_constant);
  const double slope = 1e-4;  // volts per pulse: thermal drift
  std::vector<float> pulse(2), out(2);
  for (int k = 0; k < 5000; ++k) {  // 25 time constants: settled
    pulse[0] = static_cast<float>(0.5 + slope * k);
    pulse[1] = static_cast<float>(-0.2 - 2.0 * slope * k);
    baseline.process(pulse, out);
  }
  EXPECT_NEAR(out[0], slope / alpha, 1e-3 * slope / alpha);
  EXPECT_NEAR(out[1], -2.0 * slope / alpha, 1e-3 * slope / alpha);
}

TEST(PiBaseline, TrackerFollowsTinyDriftOnALargeOffset) {
  // A 1 µV step on a 1 V offset with a 1e4-pulse tracker: each step is 1e-10 V, far below a
  // float's resolution at 1 V; the double state must still follow.
  PiBaseline baseline(config(1, 1, 1e4));
  std::vector<float> pulse{1.0f}, out(1);
  baseline.process(pulse, out);
  pulse[0] = 1.0f + 1e-5f;
  const float step = pulse[0] - 1.0f;
  for (int k = 0; k < 100000; ++k) baseline.process(pulse, out);  // 10 time constants
  EXPECT_NEAR(out[0], step * std::exp(-10.0), 2e-7 * step + 1e-12);
}

TEST(PiBaseline, FrozenTrackerHoldsAndPassesTheTarget) {
  PiBaseline baseline(config(2, 1, 50.0));
  std::vector<float> pulse{1.0f, 2.0f}, out(2);
  for (int k = 0; k < 10; ++k) baseline.process(pulse, out);
  const std::vector<double> held(baseline.baseline().begin(), baseline.baseline().end());
  baseline.set_frozen(true);
  for (int k = 0; k < 100; ++k) {
    const std::vector<float> target{1.0f + 0.3f, 2.0f + 0.1f};
    baseline.process(target, out);
    EXPECT_NEAR(out[0], 0.3f, 1e-6);
    EXPECT_NEAR(out[1], 0.1f, 1e-6);
  }
  for (std::size_t g = 0; g < 2; ++g) EXPECT_EQ(baseline.baseline()[g], held[g]);
  baseline.set_frozen(false);
  const std::vector<float> moved{1.5f, 2.5f};
  baseline.process(moved, out);
  EXPECT_NE(baseline.baseline()[0], held[0]);
}

TEST(PiBaseline, NonFiniteGateDoesNotPoisonTheTracker) {
  PiBaseline baseline(config(1, 1, 10.0));
  std::vector<float> pulse{1.0f}, out(1);
  baseline.process(pulse, out);
  pulse[0] = std::numeric_limits<float>::quiet_NaN();
  baseline.process(pulse, out);
  EXPECT_TRUE(std::isfinite(baseline.baseline()[0]));
}

TEST(PiBaseline, RejectsOversizeAndMismatchedSpans) {
  PiBaseline baseline(config(2, 1, 10.0));
  std::vector<float> three(3), out3(3), two(2), one(1);
  EXPECT_FALSE(baseline.process(three, out3));
  EXPECT_FALSE(baseline.process(two, one));
}

TEST(PiBaseline, InvalidConfigNamesTheField) {
  EXPECT_THROW(PiBaseline(config(0, 1, 10.0)), std::invalid_argument);
  EXPECT_THROW(PiBaseline(config(4, 0, 10.0)), std::invalid_argument);
  try {
    PiBaseline b(config(4, 1, 0.5));
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("tracking_time_constant_pulses 0.5"), std::string::npos)
        << e.what();
  }
}

TEST(PiBaseline, ProcessAllocatesNothing) {
  PiBaseline baseline(config(32, 16, 100.0));
  std::vector<float> pulse(32, 1.0f), out(32);
  baseline.request_tare();
  deminer::test::AllocationCounter counter;
  for (int k = 0; k < 1000; ++k) {
    baseline.set_frozen(k % 100 > 50);
    baseline.process(pulse, out);
  }
  EXPECT_EQ(counter.count(), 0u);
}
