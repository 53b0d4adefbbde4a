// Background removal against naive double-precision references: the mean over the previous K
// traces, the normalised exponentially weighted mean of the previous traces, and the stored
// reference trace.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "allocation_counter.hpp"
#include "deminer/dsp/gpr/background_removal.hpp"

using deminer::dsp::BackgroundRemoval;
using Mode = deminer::dsp::BackgroundRemoval::Mode;

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

// Background before trace j: sum_{k<j} w^(j-1-k) x_k / sum_{k<j} w^(j-1-k), w = 1 - 2/(N+1).
std::vector<std::vector<double>> naive_exponential(const Bscan& b, double ema_traces) {
  const double keep = 1.0 - 2.0 / (ema_traces + 1.0);
  std::vector<std::vector<double>> out(b.size(), std::vector<double>(b[0].size(), 0.0));
  for (std::size_t j = 1; j < b.size(); ++j) {
    for (std::size_t i = 0; i < b[j].size(); ++i) {
      double sum = 0.0;
      double weights = 0.0;
      for (std::size_t k = 0; k < j; ++k) {
        const double w = std::pow(keep, static_cast<double>(j - 1 - k));
        sum += w * b[k][i];
        weights += w;
      }
      out[j][i] = b[j][i] - sum / weights;
    }
  }
  return out;
}

BackgroundRemoval::Config exponential_config(double ema_traces) {
  BackgroundRemoval::Config config;
  config.mode = Mode::exponential;
  config.ema_traces = ema_traces;
  return config;
}

BackgroundRemoval::Config reference_config() {
  BackgroundRemoval::Config config;
  config.mode = Mode::reference;
  return config;
}

TEST(BackgroundRemoval, ExponentialMatchesNaiveWeightedMean) {
  const auto bscan = make_bscan(120, 64, 4);
  for (double n : {1.0, 2.5, 10.0, 50.0}) {
    BackgroundRemoval removal(exponential_config(n), 64);
    const auto reference = naive_exponential(bscan, n);
    std::vector<float> out(64);
    for (std::size_t j = 0; j < bscan.size(); ++j) {
      removal.process(bscan[j], out);
      for (std::size_t i = 0; i < out.size(); ++i) {
        ASSERT_NEAR(out[i], reference[j][i], 2e-5) << "N " << n << " trace " << j << " i " << i;
      }
    }
  }
}

TEST(BackgroundRemoval, ExponentialOfOneTraceIsMovingMeanOfOne) {
  const auto bscan = make_bscan(40, 32, 5);
  BackgroundRemoval exponential(exponential_config(1.0), 32);
  BackgroundRemoval moving(BackgroundRemoval::Config{.window_traces = 1}, 32);
  std::vector<float> a(32);
  std::vector<float> b(32);
  for (const auto& trace : bscan) {
    exponential.process(trace, a);
    moving.process(trace, b);
    for (std::size_t i = 0; i < a.size(); ++i) ASSERT_NEAR(a[i], b[i], 1e-6);
  }
}

TEST(BackgroundRemoval, ReferenceModeSubtractsTheStoredTrace) {
  const auto bscan = make_bscan(20, 48, 6);
  BackgroundRemoval removal(reference_config(), 48);
  std::vector<float> out(48);
  EXPECT_FALSE(removal.has_reference());
  removal.process(bscan[3], out);
  EXPECT_EQ(out, bscan[3]);  // pass-through until a reference is set

  std::vector<float> air(48);
  for (std::size_t i = 0; i < air.size(); ++i)
    air[i] = 3.0f * std::cos(0.3f * static_cast<float>(i));
  removal.set_reference(air);
  air.assign(48, 100.0f);  // the block keeps its own copy
  EXPECT_TRUE(removal.has_reference());
  for (const auto& trace : bscan) {
    removal.process(trace, out);
    for (std::size_t i = 0; i < out.size(); ++i) {
      const double expected =
          static_cast<double>(trace[i]) - 3.0 * std::cos(0.3 * static_cast<double>(i));
      ASSERT_NEAR(out[i], expected, 1e-5) << i;
    }
  }
  removal.reset();  // keeps the reference
  EXPECT_TRUE(removal.has_reference());
  std::vector<float> in_place = bscan[0];
  removal.process(in_place, in_place);
  removal.process(bscan[0], out);
  EXPECT_EQ(in_place, out);
  removal.clear_reference();
  removal.process(bscan[1], out);
  EXPECT_EQ(out, bscan[1]);
  EXPECT_THROW(removal.set_reference(std::vector<float>(47)), std::invalid_argument);
}

TEST(BackgroundRemoval, ResetRestartsExactlyInEveryMode) {
  const auto bscan = make_bscan(70, 32, 7);
  BackgroundRemoval::Config moving;
  moving.window_traces = 10;
  for (const auto& config : {moving, exponential_config(7.0), reference_config()}) {
    BackgroundRemoval fresh(config, 32);
    BackgroundRemoval used(config, 32);
    if (config.mode == Mode::reference) {
      fresh.set_reference(bscan[69]);
      used.set_reference(bscan[69]);
    }
    std::vector<float> a(32);
    std::vector<float> b(32);
    for (std::size_t j = 0; j < 25; ++j) used.process(bscan[j], b);
    used.reset();
    for (const auto& trace : bscan) {
      fresh.process(trace, a);
      used.process(trace, b);
      ASSERT_EQ(a, b) << "mode " << static_cast<int>(config.mode);
    }
  }
}

TEST(BackgroundRemoval, EveryModeAllocatesNothing) {
  const auto bscan = make_bscan(60, 64, 8);
  for (const auto& config : {exponential_config(10.0), reference_config()}) {
    BackgroundRemoval removal(config, 64);
    removal.set_reference(bscan[0]);
    std::vector<float> out(64);
    std::vector<float> scratch(64);
    deminer::test::AllocationCounter counter;
    for (const auto& trace : bscan) {
      removal.process(trace, out);
      std::copy(trace.begin(), trace.end(), scratch.begin());
      removal.process(scratch, scratch);
    }
    removal.reset();
    removal.clear_reference();
    EXPECT_EQ(counter.count(), 0u);
  }
}

TEST(BackgroundRemoval, RejectsBadEmaTraces) {
  for (double n : {0.0, 0.5, -3.0}) {
    try {
      BackgroundRemoval removal(exponential_config(n), 64);
      ADD_FAILURE() << "ema_traces " << n << " accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("ema_traces"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
