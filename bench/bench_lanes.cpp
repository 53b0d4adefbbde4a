// Detection quality next to speed: a fixed evaluation arena of labelled dual-sensor lanes,
// processed (both chains, fusion) and scored, with Pd, false alarms per m² and clutter rejection
// as counters, so a change to a chain shows its effect on what it finds and on its cost together.
// Arena: 1 m × 5 m lanes, moderate magnetic dry soil, 4 mines (80 % AP) and 8 clutter items per
// mine at 0-20 cm; the model is trained once on seeds 1-8, the benchmark evaluates seeds 101-104
// (held out). Operating rule: each way of deciding at its highest Pd within 1 false alarm per m²
// (eval/roc.hpp select_for_max_far). Time is per iteration: generating, rendering and
// processing the four lanes (the simulator dominates), then scoring.
// BM_DualSensorHead: the head's processing alone, as the handheld runs it (DualSensorProcessor:
// both chains, fusion, decision), on held-out lane 101's inputs rendered beforehand; counters:
// GPR traces and VLF blocks per second, and how many times faster than the head delivers them.
#include <benchmark/benchmark.h>

#include <variant>
#include <vector>

#include "deminer/drivers/runtime/dual_sensor_processor.hpp"
#include "deminer/sim/eval/roc.hpp"
#include "deminer/sim/lane/lane_detection.hpp"
#include "deminer/sim/lane/lane_evaluation.hpp"

namespace {

namespace lane = deminer::sim::lane;
namespace eval = deminer::sim::eval;

constexpr double radius_m = 0.15;
constexpr double max_far_per_m2 = 1.0;

std::vector<lane::LaneConfig> lanes(std::uint64_t first_seed, std::uint64_t count) {
  lane::LaneConfig config;
  config.length_m = 5.0;
  config.width_m = 1.0;
  config.mine_count = 4;
  config.clutter_per_mine = 8;
  std::vector<lane::LaneConfig> out;
  for (std::uint64_t s = first_seed; s < first_seed + count; ++s) {
    out.push_back(config);
    out.back().seed = s;
  }
  return out;
}

// Every lane has the same radar, detector and soil: one head.
deminer::dsp::DualSensorPipeline::Config chains() { return lane::default_chains(lanes(1, 1)[0]); }

const lane::TrainedModel& trained_model() {
  static const lane::TrainedModel model =
      lane::train_dual_sensor_model(lane::label_lanes(lanes(1, 8), radius_m, chains()), {});
  return model;
}

void BM_HeldOutArena(benchmark::State& state, deminer::dsp::DecisionMethod method) {
  const deminer::dsp::ObjectDecision scorer(trained_model(), {});
  const auto held_out = lanes(101, 4);
  eval::DetectionStatistics at_limit;
  for (auto _ : state) {
    const auto arena = lane::label_lanes(held_out, radius_m, chains());
    const auto alarms = lane::alarms_of(
        arena.objects, [&](const deminer::dsp::FusedObject& o) { return scorer.score(method, o); });
    eval::EvaluationConfig config;
    config.radius_m = radius_m;
    config.area_m2 = arena.area_m2;
    const auto curve = eval::roc_curve(alarms, arena.truth, config);
    at_limit = eval::select_for_max_far(curve, max_far_per_m2).point.statistics;
    benchmark::DoNotOptimize(at_limit);
  }
  state.counters["Pd"] = at_limit.pd.estimate;
  state.counters["Pd_lower95"] = at_limit.pd.interval.lower;
  state.counters["FAR_per_m2"] = at_limit.far_per_m2.estimate;
  state.counters["clutter_rejection"] = at_limit.clutter_rejection.estimate;
  state.counters["mines"] = static_cast<double>(at_limit.counts.mines);
}

struct SweptTrace {
  deminer::dsp::Trace trace;
  deminer::dsp::SweepPlace place;
};
using HeadInput = std::variant<SweptTrace, deminer::dsp::md::VlfBlock>;

void BM_DualSensorHead(benchmark::State& state) {
  std::vector<HeadInput> inputs;
  std::size_t traces = 0;
  lane::HeadInputs keep;
  keep.trace = [&](const deminer::dsp::TraceView& t, const deminer::dsp::SweepPlace& place) {
    inputs.emplace_back(SweptTrace{{t.header, {t.samples.begin(), t.samples.end()}}, place});
    ++traces;
  };
  keep.block = [&](const deminer::dsp::md::VlfBlockView& b) {
    inputs.emplace_back(deminer::dsp::md::VlfBlock{b.header, {b.samples.begin(), b.samples.end()}});
  };
  lane::for_each_head_input(lane::generate_lane(lanes(101, 1)[0]), keep);
  const std::size_t blocks = inputs.size() - traces;
  const auto& last = std::get<deminer::dsp::md::VlfBlock>(inputs.back());
  const double head_s = static_cast<double>(last.header.timestamp_ns) * 1e-9 +
                        static_cast<double>(last.samples.size()) / last.header.sample_rate_hz;
  const deminer::dsp::ObjectDecision decision(trained_model(), {});
  std::vector<deminer::dsp::Detection> out(64);
  std::size_t alarms = 0;
  for (auto _ : state) {
    state.PauseTiming();  // construction takes the memory; the handheld does it at start-up
    deminer::drivers::DualSensorProcessor head(chains(), decision);
    alarms = 0;
    state.ResumeTiming();
    for (const HeadInput& input : inputs) {
      if (const auto* t = std::get_if<SweptTrace>(&input)) {
        alarms += head.process_swept_trace(t->trace.view(), t->place, out);
      } else {
        alarms += head.process_vlf_block(std::get<deminer::dsp::md::VlfBlock>(input).view(), out);
      }
    }
    for (std::size_t n = head.flush(out); n > 0; n = head.flush(out)) alarms += n;
    benchmark::DoNotOptimize(alarms);
  }
  const auto iterations = static_cast<double>(state.iterations());
  state.counters["traces_per_s"] =
      benchmark::Counter(static_cast<double>(traces) * iterations, benchmark::Counter::kIsRate);
  state.counters["vlf_blocks_per_s"] =
      benchmark::Counter(static_cast<double>(blocks) * iterations, benchmark::Counter::kIsRate);
  state.counters["x_real_time"] =
      benchmark::Counter(head_s * iterations, benchmark::Counter::kIsRate);
  state.counters["alarms"] = static_cast<double>(alarms);
}

BENCHMARK(BM_DualSensorHead)->Unit(benchmark::kMillisecond);

BENCHMARK_CAPTURE(BM_HeldOutArena, md, deminer::dsp::DecisionMethod::md)
    ->Unit(benchmark::kSecond)
    ->Iterations(1);
BENCHMARK_CAPTURE(BM_HeldOutArena, gpr, deminer::dsp::DecisionMethod::gpr)
    ->Unit(benchmark::kSecond)
    ->Iterations(1);
BENCHMARK_CAPTURE(BM_HeldOutArena, strength, deminer::dsp::DecisionMethod::strength)
    ->Unit(benchmark::kSecond)
    ->Iterations(1);
BENCHMARK_CAPTURE(BM_HeldOutArena, score_fusion, deminer::dsp::DecisionMethod::score_fusion)
    ->Unit(benchmark::kSecond)
    ->Iterations(1);
BENCHMARK_CAPTURE(BM_HeldOutArena, classifier, deminer::dsp::DecisionMethod::classifier)
    ->Unit(benchmark::kSecond)
    ->Iterations(1);

}  // namespace
