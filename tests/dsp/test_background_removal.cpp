// Background removal against a naive double-precision mean over the previous K traces.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "allocation_counter.hpp"
#include "deminer/dsp/gpr/background_removal.hpp"

using deminer::dsp::BackgroundRemoval;

namespace {

using Bscan = std::vector<std::vector<float>>;

// A flat background band, a moving "hyperbola" and noise.
Bscan make_bscan(std::size_t traces, std::size_t samples, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> noise(0.0f, 0.1f);
  Bscan b(traces, std::vector<float>(samples));
  for (std::size_t j = 0; j < traces; ++j) {
    for (std::size_t i = 0; i < samples; ++i) {
      const float background = 3.0f * std::cos(0.3f * static_cast<float>(i));
      const float dj = static_cast<float>(j) - 40.0f;
      const float echo =
          std::abs(static_cast<float>(i) - 20.0f - 0.01f * dj * dj) < 2.0f ? 2.0f : 0.0f;
      b[j][i] = background + echo + noise(rng);
    }
  }
  return b;
}

std::vector<std::vector<double>> naive_background_removal(const Bscan& b, std::size_t k) {
  std::vector<std::vector<double>> out(b.size(), std::vector<double>(b[0].size(), 0.0));
  for (std::size_t j = 1; j < b.size(); ++j) {
    const std::size_t first = j >= k ? j - k : 0;
    for (std::size_t i = 0; i < b[j].size(); ++i) {
      double sum = 0.0;
      for (std::size_t t = first; t < j; ++t) sum += b[t][i];
      out[j][i] = b[j][i] - sum / static_cast<double>(j - first);
    }
  }
  return out;
}

TEST(BackgroundRemoval, MatchesNaiveMeanOfPreviousTraces) {
  const auto bscan = make_bscan(120, 64, 1);
  for (std::size_t k : {1u, 2u, 10u, 50u, 200u}) {
    BackgroundRemoval removal({k}, 64);
    const auto reference = naive_background_removal(bscan, k);
    std::vector<float> out(64);
    for (std::size_t j = 0; j < bscan.size(); ++j) {
      removal.process(bscan[j], out);
      for (std::size_t i = 0; i < out.size(); ++i) {
        ASSERT_NEAR(out[i], reference[j][i], 1e-5) << "K " << k << " trace " << j << " i " << i;
      }
    }
  }
}

TEST(BackgroundRemoval, ResetStartsAfreshAndInPlaceEqualsOutOfPlace) {
  const auto bscan = make_bscan(80, 32, 2);
  BackgroundRemoval out_of_place({10}, 32);
  BackgroundRemoval in_place({10}, 32);
  for (std::size_t j = 0; j < 30; ++j) {  // some history, then reset
    std::vector<float> scratch = bscan[j];
    in_place.process(scratch, scratch);
  }
  in_place.reset();
  std::vector<float> out(32);
  for (const auto& trace : bscan) {
    out_of_place.process(trace, out);
    std::vector<float> same = trace;
    in_place.process(same, same);
    ASSERT_EQ(same, out);
  }
}

TEST(BackgroundRemoval, ProcessAllocatesNothing) {
  const auto bscan = make_bscan(60, 64, 3);
  BackgroundRemoval removal({10}, 64);
  std::vector<float> out(64);
  deminer::test::AllocationCounter counter;
  for (const auto& trace : bscan) removal.process(trace, out);
  removal.reset();
  EXPECT_EQ(counter.count(), 0u);
}

TEST(BackgroundRemoval, RejectsBadConfig) {
  try {
    BackgroundRemoval removal({0}, 64);
    ADD_FAILURE() << "window_traces 0 accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("window_traces 0"), std::string::npos) << e.what();
  }
  EXPECT_THROW(BackgroundRemoval({10}, 0), std::invalid_argument);
}

}  // namespace
