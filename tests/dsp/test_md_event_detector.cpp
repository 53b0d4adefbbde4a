// EventDetector: the robust noise estimate against the known σ of Gaussian noise, the freeze of
// that estimate during events, one event per pass of a bipolar (motion-filtered) target pulse,
// strong targets' tails cut at a fraction of their peak, reset, runtime threshold changes,
// configuration validation and no allocation.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "allocation_counter.hpp"
#include "deminer/dsp/md/event_detector.hpp"

using deminer::dsp::md::EventDetector;
using State = EventDetector::State;

namespace {

std::vector<float> gaussian_noise(std::size_t n, float mean, float sigma, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> noise(mean, sigma);
  std::vector<float> x(n);
  for (auto& v : x) v = noise(rng);
  return x;
}

// What a band-pass motion filter makes of a target passing under the coil: a derivative of a
// Gaussian, one positive and one negative lobe, |peak| = amplitude at t = ∓width.
float bipolar_pulse(double t, double width, double amplitude) {
  const double u = t / width;
  return static_cast<float>(-amplitude * u * std::exp(0.5 * (1.0 - u * u)));
}

struct Counts {
  int opened = 0;
  int closed = 0;
};

Counts count_events(EventDetector& detector, const std::vector<float>& x) {
  Counts counts;
  for (float v : x) {
    const State s = detector.push(v);
    counts.opened += s == State::opened;
    counts.closed += s == State::closed;
  }
  return counts;
}

}  // namespace

TEST(EventDetector, NoiseEstimateMatchesKnownSigma) {
  for (float sigma : {1e-6f, 0.3f, 25.0f}) {
    EventDetector::Config config;
    config.noise_window = 4096;
    config.update_interval = 64;
    EventDetector detector(config);
    const auto x = gaussian_noise(20000, 2.0f * sigma, sigma, 7);
    for (float v : x) detector.push(v);
    // The MAD of 4096 Gaussian samples has a relative standard error of about 1.17/√4096 ≈ 2%.
    EXPECT_NEAR(detector.sigma(), sigma, 0.06 * sigma) << "sigma " << sigma;
    EXPECT_NEAR(detector.median(), 2.0f * sigma, 0.06 * sigma) << "sigma " << sigma;
  }
}

TEST(EventDetector, NoEventBeforeWarmupAndFewFalseAlarmsInNoise) {
  EventDetector::Config config;
  config.threshold_sigmas = 6.0f;
  EventDetector detector(config);
  // A huge sample during warm-up is no event: the detector has no noise estimate yet.
  EXPECT_EQ(detector.push(1e6f), State::quiet);
  EXPECT_FALSE(detector.ready());
  const auto x = gaussian_noise(200000, 0.0f, 1.0f, 11);
  const Counts counts = count_events(detector, x);
  // P(|x| > 6σ) = 2e-9 per sample: no event expected in 2e5 samples.
  EXPECT_EQ(counts.opened, 0);
  EXPECT_TRUE(detector.ready());
}

TEST(EventDetector, EstimateFreezesDuringEvent) {
  EventDetector::Config config;
  config.noise_window = 512;
  config.update_interval = 1;
  EventDetector detector(config);
  for (float v : gaussian_noise(2000, 0.0f, 1.0f, 3)) detector.push(v);
  const float sigma_before = detector.sigma();
  const float median_before = detector.median();
  // A long, strong, slowly varying event: had its samples entered the estimate, σ and the
  // median would have grown by orders of magnitude.
  bool opened = false;
  for (int i = 0; i < 1000; ++i) {
    const State s = detector.push(50.0f + 10.0f * std::sin(0.01f * static_cast<float>(i)));
    opened |= s == State::opened;
    EXPECT_TRUE(detector.in_event());
    EXPECT_EQ(detector.sigma(), sigma_before);
    EXPECT_EQ(detector.median(), median_before);
  }
  EXPECT_TRUE(opened);
  const auto& event = detector.current_or_last_event();
  EXPECT_EQ(event.start_index, 2000u);
  EXPECT_NEAR(event.peak_value, 60.0f, 0.01f);
  EXPECT_NEAR(event.peak_snr, (event.peak_value - median_before) / sigma_before, 1e-3f);
}

TEST(EventDetector, OneEventPerPassOfABipolarPulse) {
  EventDetector::Config config;
  config.threshold_sigmas = 6.0f;
  config.release_sigmas = 3.0f;
  config.hold_samples = 8;
  EventDetector detector(config);
  const double sigma = 1.0;
  auto x = gaussian_noise(6000, 0.0f, static_cast<float>(sigma), 5);
  // Three passes at 1500, 3000 and 4500, each a bipolar pulse of 40σ with 10-sample lobes: the
  // zero crossing between the lobes is shorter than the hold, so each pass is one event.
  const std::vector<double> centres = {1500.0, 3000.0, 4500.0};
  for (double centre : centres) {
    for (std::size_t i = 0; i < x.size(); ++i) {
      x[i] += bipolar_pulse(static_cast<double>(i) - centre, 10.0, 40.0 * sigma);
    }
  }
  std::vector<EventDetector::Event> events;
  for (float v : x) {
    if (detector.push(v) == State::closed) events.push_back(detector.current_or_last_event());
  }
  ASSERT_EQ(events.size(), centres.size());
  for (std::size_t k = 0; k < events.size(); ++k) {
    const auto& e = events[k];
    EXPECT_LT(static_cast<double>(e.start_index), centres[k] - 10.0);
    EXPECT_GT(static_cast<double>(e.end_index), centres[k] + 10.0);
    // The peak is at one of the two lobe maxima (±10 samples), give or take the noise.
    EXPECT_NEAR(std::abs(static_cast<double>(e.peak_index) - centres[k]), 10.0, 4.0);
    EXPECT_NEAR(e.peak_snr, 40.0, 5.0);
  }
}

// A strong target swept again and again through a band-pass leaves a slow tail (here 20σ,
// decaying over 2000 samples) that outlasts the time between passes.
std::vector<float> strong_passes_with_tails(int passes, unsigned seed) {
  auto x = gaussian_noise(1000 + 2000 * static_cast<std::size_t>(passes), 0.0f, 1.0f, seed);
  for (int p = 0; p < passes; ++p) {
    const double centre = 1000.0 + 2000.0 * p;
    for (std::size_t i = 0; i < x.size(); ++i) {
      const double t = static_cast<double>(i) - centre;
      x[i] += bipolar_pulse(t, 10.0, 500.0);
      if (t > 30.0) x[i] += static_cast<float>(20.0 * std::exp(-(t - 30.0) / 2000.0));
    }
  }
  return x;
}

TEST(EventDetector, StrongTargetsTailsAreCutAtAFractionOfThePeak) {
  const auto x = strong_passes_with_tails(5, 14);
  EventDetector::Config config;
  config.noise_window = 4096;
  config.hold_samples = 20;
  // Without the peak fraction the tails keep the first event open through every pass.
  EventDetector plain(config);
  EXPECT_EQ(count_events(plain, x).opened, 1);
  // With it: one event per pass, and the tails neither open events nor reach the noise estimate.
  config.release_peak_fraction = 0.1f;
  EventDetector detector(config);
  int opened = 0;
  int settling_checks = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const State s = detector.push(x[i]);
    opened += s == State::opened;
    // 1500 samples after each pulse the tail (9.6σ) is still settling.
    if (i % 2000 == 500 && i > 2000) settling_checks += detector.settling() ? 1 : -100;
  }
  EXPECT_EQ(opened, 5);
  EXPECT_EQ(settling_checks, 5);
  EXPECT_NEAR(detector.sigma(), 1.0f, 0.1f);
}

TEST(EventDetector, EndlessTailsBecomeTheBackground) {
  // A noise window (256) shorter than the tails: settling ends, the estimate restarts on the
  // tail, and still one event per pass.
  const auto x = strong_passes_with_tails(5, 15);
  EventDetector::Config config;
  config.hold_samples = 20;
  config.release_peak_fraction = 0.1f;
  EventDetector detector(config);
  EXPECT_EQ(count_events(detector, x).opened, 5);
  EXPECT_FALSE(detector.settling());
}

TEST(EventDetector, ResetForgetsEverything) {
  EventDetector detector(EventDetector::Config{});
  for (float v : gaussian_noise(1000, 5.0f, 2.0f, 9)) detector.push(v);
  detector.push(1000.0f);
  EXPECT_TRUE(detector.in_event());
  detector.reset();
  EXPECT_FALSE(detector.in_event());
  EXPECT_FALSE(detector.ready());
  EXPECT_EQ(detector.sigma(), 0.0f);
  EXPECT_EQ(detector.current_or_last_event().peak_snr, 0.0f);
  // Indices count from the reset: after a new warm-up, an event starts at the sample it is in.
  for (float v : gaussian_noise(100, 0.0f, 1.0f, 10)) detector.push(v);
  EXPECT_EQ(detector.push(100.0f), State::opened);
  EXPECT_EQ(detector.current_or_last_event().start_index, 100u);
}

TEST(EventDetector, RuntimeThresholdAndGlitches) {
  EventDetector detector(EventDetector::Config{});
  for (float v : gaussian_noise(1000, 0.0f, 1.0f, 12)) detector.push(v);
  const float sigma = detector.sigma();
  detector.set_threshold_sigmas(20.0f);
  EXPECT_EQ(detector.config().threshold_sigmas, 20.0f);
  EXPECT_EQ(detector.push(15.0f * sigma), State::quiet);
  detector.set_threshold_sigmas(-1.0f);                                    // ignored
  detector.set_threshold_sigmas(std::numeric_limits<float>::quiet_NaN());  // ignored
  EXPECT_EQ(detector.config().threshold_sigmas, 20.0f);
  detector.set_threshold_sigmas(2.0f);  // below the release level: the release follows it down
  EXPECT_LE(detector.config().release_sigmas, 2.0f);
  detector.set_threshold_sigmas(6.0f);  // and back up to its configured value
  EXPECT_EQ(detector.config().release_sigmas, 3.0f);
  // Non-finite samples neither open an event nor poison the estimate.
  EXPECT_EQ(detector.push(std::numeric_limits<float>::infinity()), State::quiet);
  EXPECT_EQ(detector.push(std::numeric_limits<float>::quiet_NaN()), State::quiet);
  EXPECT_TRUE(std::isfinite(detector.sigma()));
}

TEST(EventDetector, RejectsBadConfig) {
  const auto expect_error = [](EventDetector::Config config, const std::string& field) {
    try {
      EventDetector detector(config);
      ADD_FAILURE() << "no error for " << field;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
    }
  };
  EventDetector::Config c;
  c.noise_window = 8;
  expect_error(c, "noise_window");
  c = {};
  c.update_interval = 0;
  expect_error(c, "update_interval");
  c = {};
  c.warmup_samples = 10000;
  expect_error(c, "warmup_samples");
  c = {};
  c.threshold_sigmas = 0.0f;
  expect_error(c, "threshold_sigmas");
  c = {};
  c.release_sigmas = 7.0f;
  expect_error(c, "release_sigmas");
  c = {};
  c.hold_samples = 0;
  expect_error(c, "hold_samples");
  c = {};
  c.min_sigma = 0.0f;
  expect_error(c, "min_sigma");
  c = {};
  c.release_peak_fraction = 1.0f;
  expect_error(c, "release_peak_fraction");
  c = {};
  c.threshold_sigmas = std::numeric_limits<float>::quiet_NaN();
  expect_error(c, "threshold_sigmas");
}

TEST(EventDetector, PushAllocatesNothing) {
  EventDetector detector(EventDetector::Config{});
  auto x = gaussian_noise(20000, 0.0f, 1.0f, 13);
  for (std::size_t i = 0; i < x.size(); i += 2000) x[i] += 100.0f;
  deminer::test::AllocationCounter counter;
  int events = 0;
  for (float v : x) events += detector.push(v) == State::closed;
  detector.reset();
  EXPECT_EQ(counter.count(), 0u);
  EXPECT_GT(events, 5);
}
