// Energy detector on hand-made envelope B-scans whose apex is known exactly.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <span>
#include <vector>

#include "allocation_counter.hpp"
#include "deminer/dsp/detect/energy_detector.hpp"

using namespace deminer::dsp;

namespace {

constexpr std::size_t samples = 400;
constexpr double dt_s = 0.05e-9;
constexpr double spacing_m = 0.01;
constexpr double time_zero_s = -2e-9;

TraceHeader header_of(std::size_t j) {
  TraceHeader h;
  h.dt_s = dt_s;
  h.time_zero_s = time_zero_s;
  h.position_m = static_cast<double>(j) * spacing_m;
  h.sequence = j;
  h.timestamp_ns = static_cast<std::int64_t>(j) * 10'000'000;
  return h;
}

// One hand-made object: its echo peaks at position apex_m, with a peak / noise ratio of
// 20·(1 - (dx / 5 cm)²) and a two-way time on the hyperbola t² = t0² + k·dx² (t0 = 8 ns).
struct Object {
  double apex_m;
  double ratio_at_apex = 20.0;
  double apex_time_s = 8e-9;
};

double time_of(const Object& o, double dx_m) {
  return std::sqrt(o.apex_time_s * o.apex_time_s + 1.956e-15 * dx_m * dx_m);
}

// Envelope of trace j: level 1 everywhere (the noise median) plus, for each object, a bump whose
// three samples around the peak lie on a parabola with its vertex exactly at the echo time.
std::vector<float> envelope_of(std::size_t j, std::span<const Object> objects) {
  std::vector<float> e(samples, 1.0f);
  const double x_m = static_cast<double>(j) * spacing_m;
  for (const Object& o : objects) {
    const double dx = x_m - o.apex_m;
    const double peak = o.ratio_at_apex * (1.0 - dx * dx / (0.05 * 0.05));
    if (peak <= 1.0) continue;
    const double vertex = (time_of(o, dx) - time_zero_s) / dt_s;
    const auto i = static_cast<std::size_t>(std::lround(vertex));
    for (std::size_t k = i - 1; k <= i + 1; ++k) {
      const double d = static_cast<double>(k) - vertex;
      e[k] = static_cast<float>(peak * (1.0 - d * d / 4.0));
    }
  }
  return e;
}

std::vector<Detection> run(EnergyDetector& detector, std::span<const Object> objects,
                           std::size_t traces) {
  std::vector<Detection> found;
  std::array<Detection, 1> out;
  for (std::size_t j = 0; j < traces; ++j) {
    if (detector.process(header_of(j), envelope_of(j, objects), out) == 1) found.push_back(out[0]);
  }
  if (detector.flush(out) == 1) found.push_back(out[0]);
  return found;
}

EnergyDetector::Config config() {
  EnergyDetector::Config c;
  c.geometry = {0.05, 0.05, 6.0};
  return c;
}

TEST(EnergyDetector, OneDetectionAtTheApex) {
  const Object object{0.2037};
  EnergyDetector detector(config(), samples);
  const auto found = run(detector, std::span(&object, 1), 60);
  ASSERT_EQ(found.size(), 1u);
  const Detection& d = found[0];
  // The samples lie exactly on the models the detector fits: the apex comes back exactly.
  EXPECT_NEAR(d.position_m, object.apex_m, 1e-6);
  EXPECT_NEAR(d.time_s, object.apex_time_s, 1e-15);
  EXPECT_NEAR(d.depth_m, depth_from_apex_time_m(config().geometry, object.apex_time_s), 1e-6);
  EXPECT_EQ(d.sequence, 20u);
  EXPECT_EQ(d.timestamp_ns, 200'000'000);
  // The peak sample lies within half a sample of the bump's vertex: 1 - 0.5²/4 of its height.
  const double height = 20.0 * (1.0 - (0.0037 / 0.05) * (0.0037 / 0.05));
  EXPECT_LE(d.score, height);
  EXPECT_GE(d.score, height * (1.0 - 0.25 / 4.0));
  EXPECT_EQ(detector.dropped_detections(), 0u);
}

TEST(EnergyDetector, NeighboursAreSeparatedByTheirValley) {
  // Apart by more than the apex fit window (10 traces), which must not hold the other object.
  const std::array objects{Object{0.20}, Object{0.40, 12.0, 5e-9}};
  EnergyDetector detector(config(), samples);
  const auto found = run(detector, objects, 60);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_NEAR(found[0].position_m, 0.20, 1e-6);
  EXPECT_NEAR(found[1].position_m, 0.40, 1e-6);
  EXPECT_NEAR(found[1].time_s, 5e-9, 1e-15);
}

TEST(EnergyDetector, FlushReportsAnUnconfirmedPeakAndWeakOrShortPeaksAreIgnored) {
  const Object object{0.2};
  EnergyDetector detector(config(), samples);
  EXPECT_EQ(run(detector, std::span(&object, 1), 22).size(), 1u);  // ends just after the apex

  const Object weak{0.2, 7.0};  // below the trigger ratio
  EXPECT_TRUE(run(detector, std::span(&weak, 1), 60).empty());

  auto strict = config();
  strict.min_event_traces = 10;  // the object is above the trigger ratio on 7 traces
  EnergyDetector picky(strict, samples);
  EXPECT_TRUE(run(picky, std::span(&object, 1), 60).empty());
}

TEST(EnergyDetector, CountsDetectionsWithNowhereToGoAndAllocatesNothing) {
  const Object object{0.2};
  EnergyDetector detector(config(), samples);
  std::vector<std::vector<float>> envelopes;
  for (std::size_t j = 0; j < 60; ++j) envelopes.push_back(envelope_of(j, std::span(&object, 1)));
  deminer::test::AllocationCounter counter;
  for (std::size_t j = 0; j < 60; ++j) detector.process(header_of(j), envelopes[j], {});
  EXPECT_EQ(counter.count(), 0u);
  EXPECT_EQ(detector.dropped_detections(), 1u);
}

TEST(EnergyDetector, RejectsBadConfigNamingTheField) {
  auto expect_rejected = [](EnergyDetector::Config c, const std::string& text) {
    try {
      EnergyDetector detector(c, samples);
      ADD_FAILURE() << text << " accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
    }
  };
  auto c = config();
  c.prominence = 1.0f;
  expect_rejected(c, "prominence 1 is out of range [1.01, 1e+06]");
  c = config();
  c.geometry.antenna_height_m = 0.0;
  expect_rejected(c, "geometry.antenna_height_m 0 is out of range (0, 2]");
  c = config();
  c.gate_length_s = std::nan("");
  expect_rejected(c, "gate_length_s nan");
  c = config();
  c.min_event_traces = 0;
  expect_rejected(c, "min_event_traces 0");
}

}  // namespace
