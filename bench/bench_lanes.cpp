// Detection quality next to speed: a fixed evaluation arena of labelled dual-sensor lanes,
// processed (both chains, fusion) and scored, with Pd, false alarms per m² and clutter rejection
// as counters, so a change to a chain shows its effect on what it finds and on its cost together.
// Arena: 1 m × 5 m lanes, moderate magnetic dry soil, 4 mines (80 % AP) and 8 clutter items per
// mine at 0-20 cm; the model is trained once on seeds 1-8, the benchmark evaluates seeds 101-104
// (held out). Operating rule: each way of deciding at its highest Pd within 1 false alarm per m²
// (eval/roc.hpp select_for_max_far). Time is per iteration: generating, rendering and
// processing the four lanes (the simulator dominates), then scoring.
#include <benchmark/benchmark.h>

#include <vector>

#include "deminer/sim/eval/roc.hpp"
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
