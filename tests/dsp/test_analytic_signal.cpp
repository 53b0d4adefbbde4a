// AnalyticSignal against scipy.signal.hilbert vectors (same padding; phase and the centred
// instantaneous frequency computed from them in numpy, tests/reference/
// make_gpr_filters_b_reference.py) and against the analytic attributes of a pure tone.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numbers>
#include <sstream>
#include <string>
#include <vector>

#include "allocation_counter.hpp"
#include "deminer/dsp/gpr/analytic_signal.hpp"
#include "reference_csv.hpp"

using deminer::dsp::AnalyticSignal;
using deminer::dsp::TraceHeader;

namespace {

constexpr double dt_s = 0.05e-9;

std::vector<double> reference_row(const std::string& name) {
  return deminer::test::reference_row("gpr_filters_b_reference.csv", name);
}

TraceHeader header() {
  TraceHeader h;
  h.dt_s = dt_s;
  return h;
}

double wrapped(double radians) { return std::remainder(radians, 2.0 * std::numbers::pi); }

TEST(AnalyticSignal, MatchesScipyHilbert) {
  for (auto backend : deminer::dsp::available_fft_backends()) {
    for (const std::string name : {"gpr", "noise77"}) {
      const auto x64 = reference_row("x/" + name);
      const auto envelope_ref = reference_row("analytic_envelope/" + name);
      const auto phase_ref = reference_row("analytic_phase/" + name);
      const auto frequency_ref = reference_row("analytic_frequency/" + name);
      ASSERT_FALSE(x64.empty());
      ASSERT_EQ(envelope_ref.size(), x64.size());
      ASSERT_EQ(phase_ref.size(), x64.size());
      ASSERT_EQ(frequency_ref.size(), x64.size());
      const std::vector<float> x(x64.begin(), x64.end());
      const std::size_t n = x.size();
      AnalyticSignal analytic(n, backend);
      std::vector<float> envelope(n), phase(n), frequency(n);
      analytic.process(header(), x, envelope, phase, frequency);

      const double peak = *std::max_element(envelope_ref.begin(), envelope_ref.end());
      for (std::size_t i = 0; i < n; ++i) {
        ASSERT_NEAR(envelope[i], envelope_ref[i], 2e-6 * peak) << name << " envelope " << i;
        // Phase is ill-conditioned where the envelope vanishes: an error e in x_a moves it by
        // about e / |x_a|. Frequency uses the phase at i-1, i, i+1.
        const double weakest = *std::min_element(
            envelope_ref.begin() + static_cast<std::ptrdiff_t>(i > 0 ? i - 1 : 0),
            envelope_ref.begin() + static_cast<std::ptrdiff_t>(std::min(n, i + 2)));
        const double phase_tolerance = 1e-5 * peak / envelope_ref[i];
        ASSERT_NEAR(wrapped(phase[i] - phase_ref[i]), 0.0, phase_tolerance)
            << name << " phase " << i;
        const double frequency_tolerance = 2e-5 * peak / weakest / (2.0 * std::numbers::pi * dt_s);
        ASSERT_NEAR(frequency[i], frequency_ref[i], frequency_tolerance)
            << name << " " << to_string(backend) << " frequency " << i;
      }
    }
  }
}

TEST(AnalyticSignal, OfAPureToneIsItsAmplitudePhaseAndFrequency) {
  // A tone switched on and off abruptly has a Hilbert transform with 1/t tails (0.8 % frequency
  // error 250 samples from the edge at 0.4 GHz); raised-cosine ramps over the first and last 200
  // samples keep the spectrum compact, and in the middle the signal is a pure tone.
  const std::size_t n = 1000;
  const std::size_t ramp = 200;
  for (double tone_hz : {0.4e9, 1.5e9, 7.5e9}) {  // 7.5 GHz: 3/4 of Nyquist
    std::vector<float> x(n);
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t from_edge = std::min(i, n - 1 - i);
      const double w =
          from_edge >= ramp
              ? 1.0
              : 0.5 * (1.0 - std::cos(std::numbers::pi * static_cast<double>(from_edge) / ramp));
      x[i] = static_cast<float>(
          2.0 * w *
          std::cos(2.0 * std::numbers::pi * tone_hz * static_cast<double>(i) * dt_s - 1.0));
    }
    AnalyticSignal analytic(n);
    std::vector<float> envelope(n), phase(n), frequency(n);
    analytic.process(header(), x, envelope, phase, frequency);
    for (std::size_t i = ramp; i < n - ramp; ++i) {
      ASSERT_NEAR(frequency[i], tone_hz, 1e-3 * tone_hz) << tone_hz << " Hz sample " << i;
      ASSERT_NEAR(envelope[i], 2.0, 2e-3) << tone_hz << " Hz sample " << i;
      const double expected_phase =
          2.0 * std::numbers::pi * tone_hz * static_cast<double>(i) * dt_s - 1.0;
      ASSERT_NEAR(wrapped(phase[i] - expected_phase), 0.0, 1e-3) << tone_hz << " Hz sample " << i;
    }
  }
}

// (Envelope, envelope.hpp, is this block's envelope output; test_envelope.cpp checks it.)
TEST(AnalyticSignal, OutputsAreOptionalAndMayOverwriteTheInput) {
  const auto x64 = reference_row("x/gpr");
  const std::vector<float> x(x64.begin(), x64.end());
  AnalyticSignal analytic(x.size());
  std::vector<float> envelope(x.size()), phase(x.size()), frequency(x.size());
  analytic.process(header(), x, {}, phase, frequency);
  std::vector<float> all_phase(x.size()), all_frequency(x.size());
  analytic.process(header(), x, envelope, all_phase, all_frequency);
  EXPECT_EQ(phase, all_phase);
  EXPECT_EQ(frequency, all_frequency);
  // In place: the phase written over the input.
  std::vector<float> in_place = x;
  analytic.process(header(), in_place, {}, in_place, {});
  EXPECT_EQ(in_place, all_phase);
}

TEST(AnalyticSignal, ShortTracesAndNoAllocation) {
  for (auto backend : deminer::dsp::available_fft_backends()) {
    AnalyticSignal analytic(512, backend);
    std::vector<float> x(512, 0.25f), envelope(512), phase(512), frequency(512);
    deminer::test::AllocationCounter counter;
    analytic.process(header(), x, envelope, phase, frequency);
    analytic.process(header(), std::span(x).first(1), std::span(envelope).first(1),
                     std::span(phase).first(1), std::span(frequency).first(1));
    EXPECT_EQ(counter.count(), 0u) << to_string(backend);
    EXPECT_EQ(frequency[0], 0.0f);
    EXPECT_NEAR(envelope[0], 0.25f, 1e-6);  // one sample: H(x) = 0 there
  }
  EXPECT_THROW(AnalyticSignal(0), std::invalid_argument);
}

}  // namespace
