// First-break picking and time-zero alignment against the analytic Ricker wavelet: the threshold
// crossing found by bisection on the continuous wavelet, and the wavelet evaluated at the shifted
// position.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include "allocation_counter.hpp"
#include "deminer/dsp/gpr/time_zero.hpp"

using deminer::dsp::FirstBreakPicker;
using deminer::dsp::TimeZeroAligner;
using deminer::dsp::TraceHeader;

namespace {

constexpr double peak_cycles_per_sample = 0.05;  // 20 samples per period: well sampled

double ricker(double t, double centre) {
  const double a = std::pow(std::numbers::pi * peak_cycles_per_sample * (t - centre), 2);
  return (1.0 - 2.0 * a) * std::exp(-a);
}

std::vector<float> ricker_trace(std::size_t n, double centre, double amplitude = 1.0) {
  std::vector<float> x(n);
  for (std::size_t i = 0; i < n; ++i) {
    x[i] = static_cast<float>(amplitude * ricker(static_cast<double>(i), centre));
  }
  return x;
}

// Earliest t where |ricker| reaches `level`: on the leading flank of the first (negative) side
// lobe, whose extremum lies sqrt(3/2)/(π f) before the centre.
double analytic_crossing(double centre, double level) {
  double lo = centre - 6.0 / (std::numbers::pi * peak_cycles_per_sample);
  double hi = centre - std::sqrt(1.5) / (std::numbers::pi * peak_cycles_per_sample);
  for (int k = 0; k < 200; ++k) {
    const double mid = 0.5 * (lo + hi);
    (std::abs(ricker(mid, centre)) < level ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

double sampled_peak(const std::vector<float>& x) {
  double peak = 0.0;
  for (float v : x) peak = std::max(peak, static_cast<double>(std::abs(v)));
  return peak;
}

TEST(FirstBreakPicker, ThresholdMatchesAnalyticCrossing) {
  // Below ~0.1 the crossing sits in the wavelet's strongly convex exponential tail, where the
  // chord of linear interpolation misses by more than 0.05 samples at 20 samples per period.
  for (double fraction : {0.1, 0.2, 0.3}) {
    FirstBreakPicker picker({.threshold_fraction = fraction});
    for (double centre : {80.0, 100.37, 123.5, 150.91}) {
      for (double amplitude : {1.0, -2.5}) {
        const auto x = ricker_trace(400, centre, amplitude);
        const double expected =
            analytic_crossing(centre, fraction * sampled_peak(x) / std::abs(amplitude));
        EXPECT_NEAR(picker.pick(x), expected, 0.05)
            << "fraction " << fraction << " centre " << centre << " amplitude " << amplitude;
      }
    }
  }
}

TEST(FirstBreakPicker, EnergyRatioMovesWithTheWavelet) {
  FirstBreakPicker picker(
      {.method = FirstBreakPicker::Method::energy_ratio, .energy_window_samples = 12});
  const double reference_offset = picker.pick(ricker_trace(400, 100.0)) - 100.0;
  ASSERT_TRUE(std::isfinite(reference_offset));
  // The ratio peaks at the onset: before the main lobe, no earlier than the threshold pick of a
  // very low threshold.
  EXPECT_LT(reference_offset, -std::sqrt(1.5) / (std::numbers::pi * peak_cycles_per_sample));
  EXPECT_GT(reference_offset, analytic_crossing(0.0, 1e-3));
  for (double centre = 90.0; centre < 160.0; centre += 3.17) {
    std::mt19937 rng(static_cast<unsigned>(centre * 100));
    std::normal_distribution<float> noise(0.0f, 1e-4f);
    auto x = ricker_trace(400, centre);
    for (float& v : x) v += noise(rng);
    EXPECT_NEAR(picker.pick(x) - centre, reference_offset, 0.1) << "centre " << centre;
  }
}

TEST(FirstBreakPicker, SearchRangeAndNoPick) {
  auto x = ricker_trace(400, 100.0);
  const auto late = ricker_trace(400, 300.0, 20.0);  // stronger, later: outside the range
  for (std::size_t i = 0; i < x.size(); ++i) x[i] += late[i];
  FirstBreakPicker limited({.threshold_fraction = 0.1, .search_end_sample = 200});
  EXPECT_NEAR(limited.pick(x), analytic_crossing(100.0, 0.1 * 1.0), 0.05);
  FirstBreakPicker whole({.threshold_fraction = 0.1});
  EXPECT_GT(whole.pick(x), 200.0);  // the full trace's threshold is set by the later echo

  const std::vector<float> zeros(100, 0.0f);
  EXPECT_TRUE(std::isnan(whole.pick(zeros)));
  EXPECT_TRUE(std::isnan(whole.pick({})));
  FirstBreakPicker beyond({.search_begin_sample = 500});
  EXPECT_TRUE(std::isnan(beyond.pick(x)));
  FirstBreakPicker energy(
      {.method = FirstBreakPicker::Method::energy_ratio, .energy_window_samples = 60});
  EXPECT_TRUE(std::isnan(energy.pick(std::span(x).first(119))));
  EXPECT_TRUE(std::isnan(energy.pick(zeros)));
}

TEST(TimeZeroAligner, OutputIsTheWaveletAtTheTargetAndHeaderIsSet) {
  TimeZeroAligner::Config config;
  config.picker.threshold_fraction = 0.1;
  config.target_sample = 60.0;
  config.first_break_time_s = 0.2e-9;
  config.max_shift_samples = 200.0;
  TimeZeroAligner aligner(config, 400);
  for (double centre : {100.37, 131.5, 180.02, 90.9}) {
    const auto x = ricker_trace(400, centre);
    std::vector<float> out(x.size());
    TraceHeader header;
    header.dt_s = 0.05e-9;
    header.position_m = 1.5;
    aligner.process(header, x, out);
    const double expected_pick = analytic_crossing(centre, 0.1 * sampled_peak(x));
    const double shift = aligner.last_shift_samples();
    EXPECT_NEAR(shift, 60.0 - expected_pick, 0.05) << centre;
    EXPECT_DOUBLE_EQ(aligner.last_pick_sample() + shift, 60.0);
    for (std::size_t i = 0; i < out.size(); ++i) {
      ASSERT_NEAR(out[i], ricker(static_cast<double>(i), centre + shift), 1e-3)
          << "centre " << centre << " sample " << i;
    }
    EXPECT_DOUBLE_EQ(header.time_zero_s, 0.2e-9 - 60.0 * 0.05e-9);
    EXPECT_DOUBLE_EQ(header.position_m, 1.5);
    // The first break is now at physical time first_break_time_s.
    EXPECT_NEAR(header.time_of_sample_s(60.0), 0.2e-9, 1e-21);
  }
  EXPECT_EQ(aligner.failed_picks(), 0u);
  EXPECT_EQ(aligner.clamped_shifts(), 0u);
}

TEST(TimeZeroAligner, JitteredTracesBecomeIdentical) {
  TimeZeroAligner::Config config;
  config.target_sample = 50.0;
  TimeZeroAligner aligner(config, 300);
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> jitter(-4.0, 4.0);
  std::vector<float> first(300);
  TraceHeader header;
  header.dt_s = 1e-10;
  for (int k = 0; k < 20; ++k) {
    auto x = ricker_trace(300, 120.0 + jitter(rng));
    aligner.process(header, x, x);  // in place
    if (k == 0) {
      first = x;
      continue;
    }
    // Picks are within 0.05 samples of the truth, the wavelet's slope is below 0.3 per sample.
    for (std::size_t i = 0; i < x.size(); ++i) ASSERT_NEAR(x[i], first[i], 0.015) << k << " " << i;
  }
}

TEST(TimeZeroAligner, FirstTraceModeReusesTheShiftAndResetRepicks) {
  TimeZeroAligner::Config config;
  config.pick_mode = TimeZeroAligner::PickMode::first_trace;
  config.target_sample = 40.0;
  TimeZeroAligner aligner(config, 300);
  TraceHeader header;
  header.dt_s = 1e-10;
  std::vector<float> out(300);
  aligner.process(header, ricker_trace(300, 100.0), out);
  const double shift = aligner.last_shift_samples();
  aligner.process(header, ricker_trace(300, 110.25), out);
  EXPECT_EQ(aligner.last_shift_samples(), shift);
  EXPECT_TRUE(std::isnan(aligner.last_pick_sample()));
  for (std::size_t i = 0; i < out.size(); ++i) {
    ASSERT_NEAR(out[i], ricker(static_cast<double>(i), 110.25 + shift), 1e-3) << i;
  }
  aligner.reset();
  aligner.process(header, ricker_trace(300, 110.25), out);
  EXPECT_NEAR(aligner.last_shift_samples(), shift - 10.25, 0.05);
}

TEST(TimeZeroAligner, ClampsFillsEdgesWithZeroAndKeepsShiftOnFailedPick) {
  TimeZeroAligner::Config config;
  config.target_sample = 250.0;
  config.max_shift_samples = 30.5;
  TimeZeroAligner aligner(config, 300);
  TraceHeader header;
  header.dt_s = 1e-10;
  const auto x = ricker_trace(300, 150.0);
  std::vector<float> out(300);
  aligner.process(header, x, out);
  EXPECT_EQ(aligner.last_shift_samples(), 30.5);
  EXPECT_EQ(aligner.clamped_shifts(), 1u);
  // Nothing wraps round: the first 30 samples come from before the trace and are zero (up to the
  // interpolator's reach into the near-zero lead-in).
  for (std::size_t i = 0; i < 30; ++i) ASSERT_NEAR(out[i], 0.0f, 1e-7) << i;
  for (std::size_t i = 0; i < out.size(); ++i) {
    ASSERT_NEAR(out[i], ricker(static_cast<double>(i), 180.5), 1e-3) << i;
  }
  // A trace whose tail leaves the window: the last samples are zero, not the wrapped start.
  config.target_sample = 10.0;
  TimeZeroAligner early(config, 300);
  std::vector<float> ones(300, 0.0f);
  ones[45] = 1.0f;  // pick at 44.x: shift by -30.5 (clamped)
  std::fill(ones.begin() + 46, ones.end(), 1.0f);
  early.process(header, ones, out);
  EXPECT_EQ(early.last_shift_samples(), -30.5);
  for (std::size_t i = 286; i < 300; ++i) EXPECT_EQ(out[i], 0.0f) << i;  // beyond the taps
  EXPECT_NEAR(out[200], 1.0f, 1e-3);

  const std::vector<float> zeros(300, 0.0f);
  aligner.process(header, zeros, out);
  EXPECT_EQ(aligner.failed_picks(), 1u);
  EXPECT_EQ(aligner.last_shift_samples(), 30.5);
}

TEST(TimeZeroAligner, ProcessAllocatesNothing) {
  TimeZeroAligner::Config config;
  config.picker.method = FirstBreakPicker::Method::energy_ratio;
  TimeZeroAligner aligner(config, 512);
  FirstBreakPicker threshold({});
  const auto x = ricker_trace(512, 130.3);
  std::vector<float> out(512);
  TraceHeader header;
  header.dt_s = 1e-10;
  deminer::test::AllocationCounter counter;
  aligner.process(header, x, out);
  aligner.process(header, std::span(x).first(300), std::span(out).first(300));
  const double pick = threshold.pick(x);
  aligner.reset();
  EXPECT_EQ(counter.count(), 0u);
  EXPECT_TRUE(std::isfinite(pick));
}

TEST(TimeZero, RejectsBadConfig) {
  auto expect_message = [](auto make, const std::string& text) {
    try {
      make();
      ADD_FAILURE() << text << " accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
    }
  };
  expect_message([] { FirstBreakPicker p({.threshold_fraction = 0.0}); }, "threshold_fraction");
  expect_message([] { FirstBreakPicker p({.threshold_fraction = 1.5}); }, "threshold_fraction");
  expect_message([] { FirstBreakPicker p({.energy_window_samples = 0}); },
                 "energy_window_samples 0");
  expect_message([] { FirstBreakPicker p({.search_begin_sample = 10, .search_end_sample = 5}); },
                 "search_end_sample 5");
  expect_message([] { TimeZeroAligner a({.picker = {}, .target_sample = -1.0}, 100); },
                 "target_sample");
  expect_message([] { TimeZeroAligner a({.picker = {}, .max_shift_samples = 0.0}, 100); },
                 "max_shift_samples");
  expect_message([] { TimeZeroAligner a({.picker = {}, .interpolator_half_width = 0}, 100); },
                 "interpolator_half_width 0");
  expect_message([] { TimeZeroAligner a({}, 0); }, "max_samples 0");
}

}  // namespace
