// Distance normaliser against an analytic B-scan linear in position (linear interpolation is then
// exact) and against numpy.interp (tests/reference/make_gpr_filters_a_reference.py).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "allocation_counter.hpp"
#include "deminer/dsp/gpr/distance_normaliser.hpp"

using deminer::dsp::DistanceNormaliser;
using deminer::dsp::Trace;
using deminer::dsp::TraceHeader;
using Source = deminer::dsp::DistanceNormaliser::PositionSource;

namespace {

// f(x, t) linear in x for every sample t.
double linear_field(double x, std::size_t t) {
  const double td = static_cast<double>(t);
  return std::sin(0.2 * td) + (0.5 + 0.01 * td) * x;
}

Trace field_trace(double position, std::size_t samples) {
  Trace t;
  t.header.dt_s = 1e-10;
  t.header.position_m = position;
  t.samples.resize(samples);
  for (std::size_t i = 0; i < samples; ++i) {
    t.samples[i] = static_cast<float>(linear_field(position, i));
  }
  return t;
}

struct Output {
  TraceHeader header;
  std::vector<float> samples;
};

std::vector<Output> drain(DistanceNormaliser& normaliser, std::size_t samples) {
  std::vector<Output> outputs;
  Output o;
  o.samples.resize(samples);
  while (normaliser.pop(o.header, o.samples)) outputs.push_back(o);
  return outputs;
}

TEST(DistanceNormaliser, FieldLinearInPositionIsReproducedExactly) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> step(0.001, 0.04);  // finer and coarser than the grid
  DistanceNormaliser::Config config;
  config.spacing_m = 0.013;
  config.origin_m = -0.0021;
  DistanceNormaliser normaliser(config, 50);
  double position = 0.1;
  const double first = position;
  std::vector<Output> outputs;
  double last = position;
  for (int j = 0; j < 80; ++j) {
    normaliser.push(field_trace(position, 50).view());
    for (auto& o : drain(normaliser, 50)) outputs.push_back(std::move(o));
    last = position;
    position += step(rng);
  }
  ASSERT_FALSE(outputs.empty());
  const auto k0 = static_cast<std::int64_t>(std::ceil((first - config.origin_m) / 0.013));
  for (std::size_t n = 0; n < outputs.size(); ++n) {
    const auto k = k0 + static_cast<std::int64_t>(n);
    const double grid = config.origin_m + static_cast<double>(k) * 0.013;
    EXPECT_EQ(outputs[n].header.sequence, static_cast<std::uint64_t>(k));
    EXPECT_EQ(outputs[n].header.position_m, grid);
    for (std::size_t i = 0; i < 50; ++i) {
      ASSERT_NEAR(outputs[n].samples[i], linear_field(grid, i), 2e-6) << "k " << k << " i " << i;
    }
  }
  // Every grid position inside [first, last pushed] came out, and none beyond.
  EXPECT_GE(outputs.front().header.position_m, first);
  EXPECT_LT(outputs.front().header.position_m - 0.013, first);
  EXPECT_LE(outputs.back().header.position_m, last);
  EXPECT_GT(outputs.back().header.position_m + 0.013, last);
  EXPECT_EQ(normaliser.skipped_stationary() + normaliser.skipped_backwards(), 0u);
}

struct InterpCase {
  std::size_t samples = 0;
  double spacing = 0.0;
  double origin = 0.0;
  double tolerance = 0.0;
  std::vector<double> positions;
  std::vector<float> traces;
  std::vector<double> grid;
  std::vector<double> output;
};

InterpCase read_interp_case() {
  std::ifstream in(std::string(DEMINER_TEST_REFERENCE_DIR) + "/gpr_filters_a_reference.csv");
  InterpCase c;
  std::string line;
  bool in_interp = false;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> fields;
    std::istringstream split(line);
    std::string field;
    while (std::getline(split, field, ',')) fields.push_back(field);
    if (fields[0] == "eigen") {
      in_interp = false;
    } else if (fields[0] == "interp") {
      in_interp = true;
      c.samples = std::stoul(fields[2]);
      c.spacing = std::stod(fields[3]);
      c.origin = std::stod(fields[4]);
      c.tolerance = std::stod(fields[5]);
    } else if (in_interp) {
      for (std::size_t k = 1; k < fields.size(); ++k) {
        const double v = std::stod(fields[k]);
        if (fields[0] == "positions") c.positions.push_back(v);
        if (fields[0] == "traces") c.traces.push_back(static_cast<float>(v));
        if (fields[0] == "grid") c.grid.push_back(v);
        if (fields[0] == "output") c.output.push_back(v);
      }
    }
  }
  return c;
}

TEST(DistanceNormaliser, MatchesNumpyInterpAndSkipsNonAdvancingTraces) {
  const InterpCase c = read_interp_case();
  ASSERT_GT(c.samples, 0u) << "gpr_filters_a_reference.csv missing or damaged";
  ASSERT_EQ(c.traces.size(), c.positions.size() * c.samples);
  ASSERT_EQ(c.output.size(), c.grid.size() * c.samples);
  DistanceNormaliser::Config config;
  config.spacing_m = c.spacing;
  config.origin_m = c.origin;
  config.stationary_tolerance_m = c.tolerance;
  DistanceNormaliser normaliser(config, c.samples);
  std::vector<Output> outputs;
  for (std::size_t j = 0; j < c.positions.size(); ++j) {
    TraceHeader header;
    header.position_m = c.positions[j];
    normaliser.push({header, std::span(c.traces).subspan(j * c.samples, c.samples)});
    for (auto& o : drain(normaliser, c.samples)) outputs.push_back(std::move(o));
  }
  ASSERT_EQ(outputs.size(), c.grid.size());
  for (std::size_t n = 0; n < outputs.size(); ++n) {
    // Not bit-equal: on Arm the compiler fuses origin + k·spacing into one rounding (FMA).
    EXPECT_NEAR(outputs[n].header.position_m, c.grid[n], 1e-12) << n;
    for (std::size_t i = 0; i < c.samples; ++i) {
      ASSERT_NEAR(outputs[n].samples[i], c.output[n * c.samples + i], 1e-6) << n << " " << i;
    }
  }
  EXPECT_EQ(normaliser.skipped_stationary(), 2u);  // a zero step and one within the tolerance
  EXPECT_EQ(normaliser.skipped_backwards(), 2u);   // a step back, and one still behind
  EXPECT_EQ(normaliser.dropped_outputs(), 0u);
}

TEST(DistanceNormaliser, OdometerPositionsAndInterpolatedHeader) {
  DistanceNormaliser::Config config;
  config.spacing_m = 0.01;
  config.position_source = Source::odometer_ticks;
  config.metres_per_tick = 0.002;
  DistanceNormaliser normaliser(config, 8);
  std::vector<Output> outputs;
  const std::int64_t ticks[] = {3, 4, 9, 17, 18, 30};
  for (std::int64_t t : ticks) {
    Trace trace = field_trace(static_cast<double>(t) * 0.002, 8);
    trace.header.position_m = -99.0;  // ignored
    trace.header.odometer_ticks = t;
    trace.header.timestamp_ns = 1000 * t;
    trace.header.channel = static_cast<std::uint16_t>(t);
    normaliser.push(trace.view());
    for (auto& o : drain(normaliser, 8)) outputs.push_back(std::move(o));
  }
  // Grid 0.01 .. 0.06 (ticks 5, 10, ..., 30): six outputs, the last exactly on the last trace.
  ASSERT_EQ(outputs.size(), 6u);
  for (std::size_t n = 0; n < outputs.size(); ++n) {
    const double grid = 0.01 * static_cast<double>(n + 1);
    EXPECT_EQ(outputs[n].header.sequence, n + 1);
    EXPECT_NEAR(outputs[n].header.position_m, grid, 1e-15);
    EXPECT_EQ(outputs[n].header.odometer_ticks, static_cast<std::int64_t>(5 * (n + 1)));
    EXPECT_EQ(outputs[n].header.timestamp_ns, static_cast<std::int64_t>(5000 * (n + 1)));
    for (std::size_t i = 0; i < 8; ++i) {
      ASSERT_NEAR(outputs[n].samples[i], linear_field(grid, i), 2e-6) << n << " " << i;
    }
  }
  // Tick 5 lies between ticks 4 and 9, nearer 4: the channel comes from the nearer trace.
  EXPECT_EQ(outputs[0].header.channel, 4);
  EXPECT_EQ(outputs[5].header.channel, 30);
}

TEST(DistanceNormaliser, GapsUnpoppedOutputsAndReset) {
  DistanceNormaliser::Config config;
  config.spacing_m = 0.01;
  config.max_gap_m = 0.05;
  DistanceNormaliser normaliser(config, 4);
  for (double p : {0.0, 0.02, 0.04}) {
    normaliser.push(field_trace(p, 4).view());
    drain(normaliser, 4);
  }
  normaliser.push(field_trace(0.2, 4).view());  // a 0.16 m gap: 0.05 .. 0.19 are not produced
  auto outputs = drain(normaliser, 4);
  ASSERT_EQ(outputs.size(), 1u);
  EXPECT_EQ(outputs[0].header.sequence, 20u);
  EXPECT_EQ(outputs[0].samples, field_trace(0.2, 4).samples);
  EXPECT_EQ(normaliser.gap_outputs(), 15u);

  normaliser.push(field_trace(0.235, 4).view());  // 0.21, 0.22, 0.23 ready, not popped
  normaliser.push(field_trace(0.25, 4).view());
  outputs = drain(normaliser, 4);
  ASSERT_EQ(outputs.size(), 2u);  // 0.24, 0.25
  EXPECT_EQ(outputs[0].header.sequence, 24u);
  EXPECT_EQ(normaliser.dropped_outputs(), 3u);

  TraceHeader bad;
  bad.position_m = std::nan("");
  const std::vector<float> samples(4, 0.0f);
  normaliser.push({bad, samples});
  EXPECT_EQ(normaliser.skipped_invalid(), 1u);

  normaliser.reset();
  EXPECT_EQ(normaliser.gap_outputs() + normaliser.dropped_outputs() + normaliser.skipped_invalid(),
            0u);
  normaliser.push(field_trace(0.1, 4).view());  // starts afresh: behind the old position is fine
  outputs = drain(normaliser, 4);
  normaliser.push(field_trace(0.115, 4).view());
  for (auto& o : drain(normaliser, 4)) outputs.push_back(std::move(o));
  ASSERT_EQ(outputs.size(), 2u);  // 0.10, 0.11
  EXPECT_EQ(outputs[0].header.sequence, 10u);
  EXPECT_EQ(normaliser.dropped_outputs(), 0u);
}

TEST(DistanceNormaliser, PushAndPopAllocateNothing) {
  DistanceNormaliser::Config config;
  config.spacing_m = 0.005;
  DistanceNormaliser normaliser(config, 256);
  std::vector<Trace> traces;
  for (int j = 0; j < 30; ++j) traces.push_back(field_trace(0.0123 * j, 256));
  std::vector<float> out(256);
  TraceHeader header;
  std::size_t count = 0;
  deminer::test::AllocationCounter counter;
  for (const auto& trace : traces) {
    normaliser.push(trace.view());
    while (normaliser.pop(header, out)) ++count;
  }
  normaliser.reset();
  EXPECT_EQ(counter.count(), 0u);
  EXPECT_GT(count, 60u);
}

TEST(DistanceNormaliser, RejectsBadConfig) {
  auto expect_message = [](const DistanceNormaliser::Config& config, const std::string& text) {
    try {
      DistanceNormaliser normaliser(config, 16);
      ADD_FAILURE() << text << " accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
    }
  };
  DistanceNormaliser::Config config;
  config.spacing_m = 0.0;
  expect_message(config, "spacing_m 0");
  config = {};
  config.position_source = Source::odometer_ticks;
  expect_message(config, "metres_per_tick 0");
  config = {};
  config.stationary_tolerance_m = -1.0;
  expect_message(config, "stationary_tolerance_m -1");
  config = {};
  config.max_gap_m = -0.5;
  expect_message(config, "max_gap_m -0.5");
  EXPECT_THROW(DistanceNormaliser({}, 0), std::invalid_argument);
}

}  // namespace
