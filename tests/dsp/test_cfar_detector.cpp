// CfarDetector on synthetic envelopes whose truth is known exactly: point reflectors placed with
// the refraction model (two_way_time_s), Gaussian envelope pulses, seeded noise.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "allocation_counter.hpp"
#include "deminer/dsp/detect/cfar_detector.hpp"
#include "deminer/dsp/detect/features.hpp"
#include "deminer/dsp/gpr/refraction.hpp"

using deminer::dsp::AntennaGeometry;
using deminer::dsp::CfarDetector;
using deminer::dsp::Detection;
using deminer::dsp::TraceHeader;

namespace {

constexpr double dt = 0.05e-9;
constexpr std::size_t samples = 512;

struct Reflector {
  double x_m;
  double depth_m;
  double amplitude;
  double sign = 1.0;  // of the echo's main lobe
};

CfarDetector::Config test_config() {
  CfarDetector::Config c;
  c.geometry = {0.05, 0.05, 6.0};
  c.gate_length_s = static_cast<double>(samples) * dt;
  c.features.sample_interval_s = dt;
  c.noise_floor = 1e-3f;
  return c;
}

// One line of traces every 1 cm over reflectors in soil of permittivity er: the signal is a
// Ricker-like pulse (0.3 ns wide) at each reflector's two-way time, the envelope its Gaussian
// envelope, plus seeded noise on both.
class Line {
 public:
  Line(std::vector<Reflector> reflectors, double er, double noise, unsigned seed)
      : reflectors_(std::move(reflectors)), geometry_{0.05, 0.05, er}, noise_(noise), rng_(seed) {}

  TraceHeader header(std::size_t i) const {
    TraceHeader h;
    h.dt_s = dt;
    h.position_m = 0.01 * static_cast<double>(i);
    h.sequence = i;
    return h;
  }

  void trace(std::size_t i, std::vector<float>& signal, std::vector<float>& envelope) {
    signal.assign(samples, 0.0f);
    envelope.assign(samples, 0.0f);
    std::normal_distribution<double> gauss(0.0, noise_);
    const double x = header(i).position_m;
    for (std::size_t k = 0; k < samples; ++k) {
      const double t = static_cast<double>(k) * dt;
      double s = gauss(rng_);
      double e = std::abs(gauss(rng_));
      for (const auto& r : reflectors_) {
        const double spread = 0.05 / std::hypot(x - r.x_m, r.depth_m + 0.05);
        const double tau =
            (t - deminer::dsp::two_way_time_s(geometry_, x - r.x_m, r.depth_m)) / 0.3e-9;
        const double g = r.amplitude * spread * std::exp(-0.5 * tau * tau * 4.0);
        s += r.sign * g * (1.0 - 4.0 * tau * tau);
        e += g;
      }
      signal[k] = static_cast<float>(s);
      envelope[k] = static_cast<float>(e);
    }
  }

 private:
  std::vector<Reflector> reflectors_;
  AntennaGeometry geometry_;
  double noise_;
  std::mt19937 rng_;
};

std::vector<Detection> run(CfarDetector& detector, Line& line, std::size_t traces) {
  std::vector<Detection> found(16);
  std::size_t count = 0;
  std::vector<float> signal;
  std::vector<float> envelope;
  for (std::size_t i = 0; i < traces; ++i) {
    line.trace(i, signal, envelope);
    count += detector.process(line.header(i), signal, envelope, std::span(found).subspan(count));
  }
  count += detector.flush(std::span(found).subspan(count));
  found.resize(count);
  return found;
}

TEST(CfarDetector, OnePointReflectorGivesOneDetectionAtItsApexWithItsPermittivity) {
  for (const double er : {4.0, 9.0}) {
    for (const double depth : {0.06, 0.15}) {
      CfarDetector detector(test_config(), samples);
      Line line({{0.60, depth, 1.0}}, er, 0.002, 7);
      const auto found = run(detector, line, 120);
      ASSERT_EQ(found.size(), 1u) << "er " << er << " depth " << depth;
      const Detection& d = found[0];
      EXPECT_NEAR(d.position_m, 0.60, 0.005) << "er " << er;
      EXPECT_NEAR(d.relative_permittivity, er, 0.05 * er) << "depth " << depth;
      EXPECT_NEAR(d.depth_m, depth, 0.005) << "er " << er;
      EXPECT_GT(d.permittivity_sigma, 0.0f);
      EXPECT_EQ(d.feature_count, deminer::dsp::feature_count);
      EXPECT_GE(d.score, test_config().trigger_ratio);
    }
  }
}

// A measured soil (soil_permittivity_sigma > 0) is combined with the fit by inverse variances,
// computed here from the fit-only detection; the depth follows from the apex time and the
// combined εr. A fit that fails (min_track_traces allows a track too short for it) reports the
// measured value itself.
TEST(CfarDetector, MeasuredSoilIsCombinedWithTheFitByInverseVariance) {
  Line fit_only_line({{0.60, 0.10, 1.0}}, 6.0, 0.01, 11);
  CfarDetector fit_only(test_config(), samples);
  const auto alone = run(fit_only, fit_only_line, 120);
  ASSERT_EQ(alone.size(), 1u);
  const double fit_er = alone[0].relative_permittivity;
  const double fit_sigma = alone[0].permittivity_sigma;
  ASSERT_GT(fit_sigma, 0.0);
  auto config = test_config();
  config.geometry.relative_permittivity = 5.0;
  config.soil_permittivity_sigma = fit_sigma;  // equal weights: the mean
  CfarDetector measured(config, samples);
  Line line({{0.60, 0.10, 1.0}}, 6.0, 0.01, 11);
  const auto combined = run(measured, line, 120);
  ASSERT_EQ(combined.size(), 1u);
  const Detection& d = combined[0];
  EXPECT_NEAR(d.relative_permittivity, 0.5 * (fit_er + 5.0), 1e-5);
  EXPECT_NEAR(d.permittivity_sigma, fit_sigma / std::sqrt(2.0), 1e-6);
  auto geometry = config.geometry;
  geometry.relative_permittivity = d.relative_permittivity;
  EXPECT_NEAR(d.depth_m,
              deminer::dsp::depth_from_apex_time_m(geometry, d.time_s, config.max_depth_m), 1e-6);
  EXPECT_EQ(d.position_m, alone[0].position_m);
  EXPECT_GT(d.depth_sigma_m, 0.0f);

  // Too few picks for a fit (4 traces in view): the measured soil alone.
  config.soil_permittivity_sigma = 0.2;
  CfarDetector short_track(config, samples);
  Line edge({{0.02, 0.10, 1.0}}, 6.0, 0.0, 1);
  std::vector<Detection> found(4);
  std::vector<float> signal;
  std::vector<float> envelope;
  std::size_t count = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    edge.trace(i, signal, envelope);
    count += short_track.process(edge.header(i), signal, envelope, found);
  }
  count += short_track.flush(std::span(found).subspan(count));
  ASSERT_EQ(count, 1u);
  EXPECT_FLOAT_EQ(found[0].relative_permittivity, 5.0f);
  EXPECT_FLOAT_EQ(found[0].permittivity_sigma, 0.2f);
  geometry.relative_permittivity = 5.0;
  EXPECT_NEAR(found[0].depth_m,
              deminer::dsp::depth_from_apex_time_m(geometry, found[0].time_s, config.max_depth_m),
              1e-6);
}

TEST(CfarDetector, PolarityFeatureIsRelativeToTheWavelet) {
  // wavelet_polarity -1 (as gprMax's direct wave): an echo of sign +1 is inverted (+1, metal).
  const auto polarity = deminer::dsp::feature_index(deminer::dsp::Feature::first_echo_polarity);
  for (const double sign : {1.0, -1.0}) {
    CfarDetector detector(test_config(), samples);
    Line line({{0.60, 0.10, 1.0, sign}}, 6.0, 0.002, 3);
    const auto found = run(detector, line, 120);
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].feature_values[polarity], static_cast<float>(sign));
  }
}

TEST(CfarDetector, ObjectsApartInDepthOrAlongTheTrackAreSeparate) {
  CfarDetector detector(test_config(), samples);
  // Amplitudes that make the three apex echoes equally strong (the envelope falls as 1/range).
  Line line({{0.50, 0.05, 1.0}, {0.50, 0.40, 4.5}, {1.60, 0.10, 1.5}}, 6.0, 0.002, 11);
  const auto found = run(detector, line, 220);
  ASSERT_EQ(found.size(), 3u);
  int shallow = 0;
  int deep = 0;
  int far = 0;
  for (const auto& d : found) {
    if (std::abs(d.position_m - 1.60) < 0.01) ++far;
    if (std::abs(d.position_m - 0.50) < 0.01 && std::abs(d.depth_m - 0.05) < 0.01) ++shallow;
    if (std::abs(d.position_m - 0.50) < 0.01 && std::abs(d.depth_m - 0.40) < 0.02) ++deep;
  }
  EXPECT_EQ(shallow, 1);
  EXPECT_EQ(deep, 1);
  EXPECT_EQ(far, 1);
}

TEST(CfarDetector, NoiseAloneGivesNothing) {
  for (const auto method :
       {CfarDetector::Method::cell_averaging, CfarDetector::Method::ordered_statistic}) {
    auto config = test_config();
    config.method = method;
    CfarDetector detector(config, samples);
    Line line({}, 6.0, 0.01, 5);
    EXPECT_TRUE(run(detector, line, 2000).empty());
  }
}

// Ordered-statistic CFAR keeps a weak echo next to a strong one that sits in its training
// cells; cell averaging lets the strong one raise the noise estimate and mask the weak one.
TEST(CfarDetector, OrderedStatisticResistsMaskingByANeighbouringEcho) {
  auto count_weak = [](CfarDetector::Method method) {
    auto config = test_config();
    config.method = method;
    config.shadow_m = 0.0;  // only masking is under test
    config.training_cells = 10;
    config.guard_cells = 1;
    config.threshold = 15.0f;
    CfarDetector detector(config, samples);
    // The weak object 3 ns below the strong one: beyond the object extent, inside the training.
    Line line({{0.60, 0.10, 1.0}, {0.60, 0.10 + 0.184, 0.12}}, 6.0, 0.0005, 2);
    int weak = 0;
    for (const auto& d : run(detector, line, 120)) weak += d.depth_m > 0.2 ? 1 : 0;
    return weak;
  };
  EXPECT_EQ(count_weak(CfarDetector::Method::ordered_statistic), 1);
  EXPECT_EQ(count_weak(CfarDetector::Method::cell_averaging), 0);
}

TEST(CfarDetector, WeakCopyBehindAStrongObjectIsMergedIntoIt) {
  // A background-removal ghost: the same time as the object, weaker, 40 cm later.
  CfarDetector detector(test_config(), samples);
  Line line({{0.50, 0.10, 1.0}, {0.90, 0.10, 0.2}}, 6.0, 0.002, 9);
  const auto found = run(detector, line, 160);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NEAR(found[0].position_m, 0.50, 0.01);
  EXPECT_GE(detector.merged_tracks(), 1u);
}

TEST(CfarDetector, ProcessAllocatesNothing) {
  CfarDetector detector(test_config(), samples);
  Line line({{0.30, 0.10, 1.0}}, 6.0, 0.002, 4);
  std::vector<std::vector<float>> signals(80);
  std::vector<std::vector<float>> envelopes(80);
  for (std::size_t i = 0; i < 80; ++i) line.trace(i, signals[i], envelopes[i]);
  std::array<Detection, 4> out{};
  std::size_t found = 0;
  deminer::test::AllocationCounter counter;
  for (std::size_t i = 0; i < 80; ++i) {
    found += detector.process(line.header(i), signals[i], envelopes[i], out);
  }
  found += detector.flush(out);
  EXPECT_EQ(counter.count(), 0u);
  EXPECT_EQ(found, 1u);
}

TEST(CfarDetector, RejectsBadConfiguration) {
  auto expect_rejected = [](auto change, const char* field) {
    auto config = test_config();
    change(config);
    try {
      CfarDetector detector(config, samples);
      ADD_FAILURE() << field << " accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
    }
  };
  expect_rejected([](auto& c) { c.cell_samples = 0; }, "cell_samples");
  expect_rejected([](auto& c) { c.os_rank = 1.5; }, "os_rank");
  expect_rejected([](auto& c) { c.threshold = 0.5f; }, "threshold");
  expect_rejected([](auto& c) { c.min_permittivity = 50.0; }, "min_permittivity");
  expect_rejected([](auto& c) { c.soil_permittivity_sigma = -0.1; }, "soil_permittivity_sigma");
  expect_rejected([](auto& c) { c.wavelet_polarity = 0; }, "wavelet_polarity");
  expect_rejected([](auto& c) { c.window_lead_samples = 1000; }, "window_lead_samples");
}

}  // namespace
