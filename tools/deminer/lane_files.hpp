// The labelled lanes `deminer train`, `deminer tune` and `deminer replay` work on: lane files
// (sim/lane/lane.hpp's JSON), each optionally repeated over a list of seeds, generated and run
// through the dual-sensor chain with progress on the terminal; and their statistics as text.
#pragma once

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "deminer/dsp/pipeline/dual_sensor_pipeline.hpp"
#include "deminer/sim/eval/detection_statistics.hpp"
#include "deminer/sim/lane/lane.hpp"
#include "deminer/sim/lane/lane_evaluation.hpp"

namespace deminer::tools {

struct LaneSelection {
  std::vector<std::string> files;
  std::string seeds;  // "1-20,31": every lane file once per seed; empty: each file's own seed
  double radius_m = 0.15;
};

void add_lane_options(CLI::App& command, LaneSelection& selection);

// Throws ConfigError naming the file and JSON path, or the malformed seed list.
[[nodiscard]] std::vector<sim::lane::LaneConfig> read_lanes(const LaneSelection& selection);

// label_lanes with a progress bar; prints one line with what was found, and a note naming the
// lanes whose own default chains (sim/lane/lane_detection.hpp) differ from `chains`, e.g. in the
// soil's permittivity, and where they differ. `chains_name` says whose chains these are.
[[nodiscard]] sim::lane::LabelledObjects label_lanes_verbose(
    const std::vector<sim::lane::LaneConfig>& lanes, double radius_m,
    const dsp::DualSensorPipeline::Config& chains, const std::string& chains_name);

// "[0.123, 0.456]"
[[nodiscard]] std::string interval_text(const sim::eval::Interval& interval);

// Pd, FAR and clutter rejection with their intervals and counts, as tune and replay print them in
// JSON (and as tuned.json records the operating point).
[[nodiscard]] nlohmann::json statistics_json(const sim::eval::DetectionStatistics& statistics);

}  // namespace deminer::tools
