// Trace stacker against a naive double-precision mean of each group of N traces, and decimation
// against picking every N-th trace by index.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "allocation_counter.hpp"
#include "deminer/dsp/gpr/trace_stacker.hpp"

using deminer::dsp::Trace;
using deminer::dsp::TraceHeader;
using deminer::dsp::TraceStacker;
using Mode = deminer::dsp::TraceStacker::Mode;

namespace {

std::vector<Trace> make_traces(std::size_t count, std::size_t samples, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> noise(0.0f, 1.0f);
  std::uniform_real_distribution<double> step(0.001, 0.02);
  std::vector<Trace> traces(count);
  double position = 0.3;
  for (std::size_t j = 0; j < count; ++j) {
    Trace& t = traces[j];
    t.header.dt_s = 1e-10;
    t.header.time_zero_s = -2e-9;
    position += step(rng);
    t.header.position_m = position;
    t.header.odometer_ticks = static_cast<std::int64_t>(1000 + 7 * j + j * j % 5);
    t.header.timestamp_ns = static_cast<std::int64_t>(1'000'000 * j);
    t.header.sequence = 500 + j;
    t.header.channel = 2;
    t.samples.resize(samples);
    for (float& v : t.samples) v = noise(rng) + 10.0f;
  }
  return traces;
}

TEST(TraceStacker, StackIsTheMeanOfEachGroup) {
  const auto traces = make_traces(50, 37, 1);
  for (std::size_t n : {1u, 2u, 3u, 7u}) {
    TraceStacker stacker({n, Mode::stack}, 37);
    std::vector<float> out(37);
    std::size_t outputs = 0;
    for (std::size_t j = 0; j < traces.size(); ++j) {
      TraceHeader header;
      const bool ready = stacker.push(traces[j].view(), header, out);
      ASSERT_EQ(ready, j % n == n - 1) << "N " << n << " trace " << j;
      if (!ready) continue;
      ++outputs;
      const std::size_t first = j + 1 - n;
      double position = 0.0;
      double ticks = 0.0;
      for (std::size_t k = first; k <= j; ++k) {
        position += traces[k].header.position_m;
        ticks += static_cast<double>(traces[k].header.odometer_ticks);
      }
      for (std::size_t i = 0; i < out.size(); ++i) {
        double sum = 0.0;
        for (std::size_t k = first; k <= j; ++k) sum += traces[k].samples[i];
        ASSERT_NEAR(out[i], sum / static_cast<double>(n), 1e-6) << "N " << n << " i " << i;
      }
      EXPECT_NEAR(header.position_m, position / static_cast<double>(n), 1e-12);
      EXPECT_EQ(header.odometer_ticks, std::llround(ticks / static_cast<double>(n)));
      EXPECT_EQ(header.sequence, traces[first].header.sequence);
      EXPECT_EQ(header.timestamp_ns, traces[first].header.timestamp_ns);
      EXPECT_EQ(header.channel, 2);
      EXPECT_EQ(header.dt_s, 1e-10);
      EXPECT_EQ(header.time_zero_s, -2e-9);
    }
    EXPECT_EQ(outputs, traces.size() / n);
    EXPECT_EQ(stacker.pending_traces(), traces.size() % n);
  }
}

TEST(TraceStacker, DecimateKeepsTheFirstOfEveryGroup) {
  const auto traces = make_traces(40, 16, 2);
  TraceStacker stacker({3, Mode::decimate}, 16);
  std::vector<float> out(16);
  for (std::size_t j = 0; j < traces.size(); ++j) {
    TraceHeader header;
    const bool ready = stacker.push(traces[j].view(), header, out);
    ASSERT_EQ(ready, j % 3 == 0) << j;
    if (!ready) continue;
    EXPECT_EQ(out, traces[j].samples);
    EXPECT_EQ(header.sequence, traces[j].header.sequence);
    EXPECT_EQ(header.position_m, traces[j].header.position_m);
  }
}

TEST(TraceStacker, ResetDropsThePartialGroupAndOutputMayAliasInput) {
  const auto traces = make_traces(30, 16, 3);
  TraceStacker fresh({4, Mode::stack}, 16);
  TraceStacker used({4, Mode::stack}, 16);
  std::vector<float> a(16);
  TraceHeader ha;
  TraceHeader hb;
  for (std::size_t j = 0; j < 6; ++j) used.push(traces[j].view(), hb, a);
  used.reset();
  EXPECT_EQ(used.pending_traces(), 0u);
  for (const auto& trace : traces) {
    const bool ready_fresh = fresh.push(trace.view(), ha, a);
    std::vector<float> in_place = trace.samples;
    const bool ready_used =
        used.push({trace.header, in_place}, hb, in_place);  // out aliases in.samples
    ASSERT_EQ(ready_fresh, ready_used);
    if (ready_fresh) {
      EXPECT_EQ(a, in_place);
      EXPECT_EQ(ha.position_m, hb.position_m);
      EXPECT_EQ(ha.sequence, hb.sequence);
    }
  }
}

TEST(TraceStacker, PushAllocatesNothing) {
  const auto traces = make_traces(20, 64, 4);
  for (Mode mode : {Mode::stack, Mode::decimate}) {
    TraceStacker stacker({3, mode}, 64);
    std::vector<float> out(64);
    TraceHeader header;
    deminer::test::AllocationCounter counter;
    for (const auto& trace : traces) stacker.push(trace.view(), header, out);
    stacker.reset();
    EXPECT_EQ(counter.count(), 0u);
  }
}

TEST(TraceStacker, RejectsBadConfig) {
  try {
    TraceStacker stacker({0, Mode::stack}, 64);
    ADD_FAILURE() << "traces 0 accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("traces 0"), std::string::npos) << e.what();
  }
  EXPECT_THROW(TraceStacker({2, Mode::stack}, 0), std::invalid_argument);
}

}  // namespace
