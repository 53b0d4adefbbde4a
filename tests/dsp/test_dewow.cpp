// Dewow against a naive double-precision running mean over the truncated centred window, and in
// high-pass mode against scipy.signal.sosfiltfilt vectors
// (tests/reference/make_gpr_filters_b_reference.py).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "allocation_counter.hpp"
#include "deminer/dsp/gpr/dewow.hpp"
#include "reference_csv.hpp"

using deminer::dsp::Dewow;

namespace {

std::vector<double> naive_dewow(const std::vector<float>& x, std::size_t window) {
  const std::size_t half = window / 2;
  std::vector<double> out(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    const std::size_t first = i >= half ? i - half : 0;
    const std::size_t last = std::min(x.size() - 1, i + half);
    double sum = 0.0;
    for (std::size_t k = first; k <= last; ++k) sum += x[k];
    out[i] = x[i] - sum / static_cast<double>(last - first + 1);
  }
  return out;
}

std::vector<float> drifting_trace(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> noise(0.0f, 1.0f);
  std::vector<float> x(n);
  for (std::size_t i = 0; i < n; ++i) {
    x[i] =
        5.0f + 0.02f * static_cast<float>(i) + std::sin(0.9f * static_cast<float>(i)) + noise(rng);
  }
  return x;
}

TEST(Dewow, MatchesNaiveRunningMean) {
  for (std::size_t window : {1u, 3u, 41u, 199u, 1001u}) {  // 1001: wider than the trace
    for (std::size_t n : {1u, 2u, 40u, 512u}) {
      const auto x = drifting_trace(n, static_cast<unsigned>(window + n));
      Dewow dewow({window}, 512);
      std::vector<float> out(n);
      dewow.process(x, out);
      const auto reference = naive_dewow(x, window);
      for (std::size_t i = 0; i < n; ++i) {
        ASSERT_NEAR(out[i], reference[i], 1e-5) << "window " << window << " n " << n << " i " << i;
      }
    }
  }
}

TEST(Dewow, InPlaceEqualsOutOfPlace) {
  const auto x = drifting_trace(512, 5);
  Dewow dewow({41}, 512);
  std::vector<float> out(x.size());
  dewow.process(x, out);
  std::vector<float> in_place = x;
  dewow.process(in_place, in_place);
  EXPECT_EQ(in_place, out);
}

TEST(Dewow, ProcessAllocatesNothing) {
  const auto x = drifting_trace(512, 6);
  Dewow dewow({41}, 512);
  std::vector<float> out(x.size());
  deminer::test::AllocationCounter counter;
  dewow.process(x, out);
  EXPECT_EQ(counter.count(), 0u);
}

std::vector<double> reference_row(const std::string& name) {
  return deminer::test::reference_row("gpr_filters_b_reference.csv", name);
}

Dewow::Config high_pass_config(double cutoff, int order) {
  Dewow::Config config;
  config.mode = Dewow::Mode::high_pass;
  config.high_pass_cutoff = cutoff;
  config.high_pass_order = order;
  return config;
}

TEST(Dewow, HighPassMatchesScipySosfiltfilt) {
  struct Case {
    const char* input;
    const char* expected;
    double cutoff;
    int order;
  };
  for (const Case& c : {Case{"x/drifting", "dewow_high_pass/drifting", 0.02, 4},
                        Case{"x/gpr", "dewow_high_pass_o3/gpr", 0.05, 3}}) {
    const auto x64 = reference_row(c.input);
    const auto expected = reference_row(c.expected);
    ASSERT_EQ(x64.size(), expected.size()) << c.expected;
    ASSERT_FALSE(x64.empty());
    const std::vector<float> x(x64.begin(), x64.end());
    Dewow dewow(high_pass_config(c.cutoff, c.order), 512);
    std::vector<float> out(x.size());
    dewow.process(x, out);
    double peak = 0.0;
    for (double v : expected) peak = std::max(peak, std::abs(v));
    for (std::size_t i = 0; i < x.size(); ++i) {
      ASSERT_NEAR(out[i], expected[i], 1e-5 * peak) << c.expected << " sample " << i;
    }
  }
}

TEST(Dewow, HighPassRemovesALinearDriftAwayFromTheEdges) {
  // A high-pass of order >= 2 has (at least) a double zero at DC, so a ramp settles to 0. The
  // steady-state start of sosfiltfilt is that of a step, not of a ramp, so a short transient
  // (~6e-3 here, scipy's too) remains near the ends.
  std::vector<float> x(512);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = 3.0f + 0.01f * static_cast<float>(i);
  Dewow dewow(high_pass_config(0.05, 4), x.size());
  std::vector<float> out(x.size());
  dewow.process(x, out);
  for (std::size_t i = 100; i + 100 < x.size(); ++i) ASSERT_NEAR(out[i], 0.0, 1e-4) << i;
}

TEST(Dewow, HighPassInPlaceAndWithoutAllocation) {
  const auto x = drifting_trace(512, 7);
  Dewow dewow(high_pass_config(0.02, 4), 512);
  std::vector<float> out(x.size());
  std::vector<float> in_place = x;
  {
    deminer::test::AllocationCounter counter;
    dewow.process(x, out);
    dewow.process(in_place, in_place);
    EXPECT_EQ(counter.count(), 0u);
  }
  EXPECT_EQ(in_place, out);
}

TEST(Dewow, RejectsBadHighPassConfigNamingTheField) {
  const auto expect_rejected = [](const Dewow::Config& config, const std::string& field) {
    try {
      Dewow dewow(config, 512);
      ADD_FAILURE() << field << " accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
    }
  };
  expect_rejected(high_pass_config(0.0, 4), "high_pass_cutoff 0");
  expect_rejected(high_pass_config(1.0, 4), "high_pass_cutoff 1");
  expect_rejected(high_pass_config(0.1, 0), "high_pass_order 0");
  auto ignored_window = high_pass_config(0.1, 2);
  ignored_window.window_samples = 40;  // only the running mean uses the window
  EXPECT_NO_THROW(Dewow(ignored_window, 512));
}

TEST(Dewow, RejectsBadConfig) {
  for (std::size_t window : {0u, 2u, 40u}) {
    try {
      Dewow dewow({window}, 512);
      ADD_FAILURE() << "window " << window << " accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("window_samples " + std::to_string(window)),
                std::string::npos)
          << e.what();
    }
  }
  EXPECT_THROW(Dewow({41}, 0), std::invalid_argument);
}

}  // namespace
