// BandPass against an independent numpy implementation of the same definition
// (tests/reference/make_gpr_filters_b_reference.py) and against the analytic fate of tones.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numbers>
#include <sstream>
#include <string>
#include <vector>

#include "allocation_counter.hpp"
#include "deminer/dsp/gpr/band_pass.hpp"
#include "reference_csv.hpp"

using deminer::dsp::BandPass;

namespace {

std::vector<double> reference_row(const std::string& name) {
  return deminer::test::reference_row("gpr_filters_b_reference.csv", name);
}

TEST(BandPass, MatchesNumpyDefinition) {
  struct Case {
    const char* name;
    BandPass::Config config;
    std::size_t fft_size;
  };
  const Case cases[] = {
      {"gpr", {0.05e-9, 300e6, 2.5e9, 200e6}, 600},
      {"noise77", {1.0, 0.0, 0.1, 0.05}, 160},
  };
  for (auto backend : deminer::dsp::available_fft_backends()) {
    for (const Case& c : cases) {
      const auto x64 = reference_row(std::string("x/") + c.name);
      const auto expected = reference_row(std::string("band_pass/") + c.name);
      ASSERT_FALSE(x64.empty());
      ASSERT_EQ(x64.size(), expected.size());
      const std::vector<float> x(x64.begin(), x64.end());
      BandPass band_pass(c.config, x.size(), backend);
      ASSERT_EQ(band_pass.fft_size(), c.fft_size) << c.name;
      std::vector<float> out(x.size());
      band_pass.process(x, out);
      double peak = 0.0;
      for (double v : expected) peak = std::max(peak, std::abs(v));
      for (std::size_t i = 0; i < x.size(); ++i) {
        ASSERT_NEAR(out[i], expected[i], 1e-5 * peak)
            << c.name << " " << to_string(backend) << " sample " << i;
      }
    }
  }
}

std::vector<float> tone(std::size_t n, double frequency_hz, double dt_s) {
  std::vector<float> x(n);
  for (std::size_t i = 0; i < n; ++i) {
    x[i] = static_cast<float>(
        std::sin(2.0 * std::numbers::pi * frequency_hz * static_cast<double>(i) * dt_s + 0.3));
  }
  return x;
}

TEST(BandPass, PassesAToneInTheBandAndStopsOneFarOutside) {
  const double dt = 0.05e-9;
  // The trace cuts the tone off abruptly; the removed part of that step decays like the tapered
  // edges' impulse response (~1/t^3 beyond 1/taper = 5 ns): 4e-5 at 25 ns (numpy, same filter).
  const std::size_t n = 2048;
  const std::size_t margin = 500;
  const BandPass::Config config{dt, 300e6, 2.5e9, 200e6};
  for (auto backend : deminer::dsp::available_fft_backends()) {
    BandPass band_pass(config, n, backend);
    for (double in_band : {0.5e9, 1.2e9, 2.3e9}) {
      const auto x = tone(n, in_band, dt);
      std::vector<float> out(n);
      band_pass.process(x, out);
      for (std::size_t i = margin; i + margin < n; ++i) {
        ASSERT_NEAR(out[i], x[i], 1e-4) << in_band << " Hz sample " << i;
      }
    }
    for (double outside : {5e9, 8e9}) {
      const auto x = tone(n, outside, dt);
      std::vector<float> out(n);
      band_pass.process(x, out);
      for (std::size_t i = margin; i + margin < n; ++i) {
        ASSERT_LT(std::abs(out[i]), 1e-3) << outside << " Hz sample " << i;  // > 60 dB down
      }
    }
  }
}

TEST(BandPass, ResponseIsTheDefinedRaisedCosine) {
  const BandPass::Config config{1.0, 0.1, 0.3, 0.05};
  BandPass band_pass(config, 500);  // fft 1000: bins every 0.001 Hz
  ASSERT_EQ(band_pass.fft_size(), 1000u);
  const auto h = band_pass.response();
  EXPECT_EQ(h[50], 0.0f);          // 0.05: start of the rising edge
  EXPECT_NEAR(h[75], 0.5f, 1e-6);  // middle of the rising edge
  EXPECT_EQ(h[100], 1.0f);         // pass band edges
  EXPECT_EQ(h[300], 1.0f);
  EXPECT_NEAR(h[325], 0.5f, 1e-6);
  EXPECT_NEAR(h[310], 0.5 * (1.0 + std::cos(std::numbers::pi * 0.2)), 1e-6);
  EXPECT_EQ(h[350], 0.0f);
  EXPECT_EQ(h[0], 0.0f);
  EXPECT_EQ(h[500], 0.0f);
}

TEST(BandPass, ShortTracesInPlaceAndWithoutAllocation) {
  const auto x = tone(300, 1e9, 0.05e-9);
  for (auto backend : deminer::dsp::available_fft_backends()) {
    BandPass band_pass({}, 512, backend);
    std::vector<float> out(x.size());
    std::vector<float> in_place = x;
    {
      deminer::test::AllocationCounter counter;
      band_pass.process(x, out);
      band_pass.process(in_place, in_place);
      EXPECT_EQ(counter.count(), 0u) << to_string(backend);
    }
    EXPECT_EQ(in_place, out);
  }
}

TEST(BandPass, RejectsBadConfigNamingTheField) {
  const auto expect_rejected = [](const BandPass::Config& config, const std::string& field) {
    try {
      BandPass band_pass(config, 100);
      ADD_FAILURE() << field << " accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
    }
  };
  expect_rejected({0.0, 300e6, 2.5e9, 200e6}, "sample_interval_s 0");
  expect_rejected({0.05e-9, -1.0, 2.5e9, 200e6}, "low_hz -1");
  expect_rejected({0.05e-9, 300e6, 200e6, 200e6}, "high_hz 2");
  expect_rejected({0.05e-9, 300e6, 11e9, 200e6}, "high_hz 1");
  expect_rejected({0.05e-9, 300e6, 2.5e9, -5.0}, "taper_hz -5");
  EXPECT_THROW(BandPass({}, 0), std::invalid_argument);
}

}  // namespace
