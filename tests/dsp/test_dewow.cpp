// Dewow against a naive double-precision running mean over the truncated centred window.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "allocation_counter.hpp"
#include "deminer/dsp/gpr/dewow.hpp"

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
