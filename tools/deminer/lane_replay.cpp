#include "lane_replay.hpp"

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <vector>

#include "deminer/drivers/link/recording.hpp"
#include "deminer/dsp/core/error.hpp"
#include "deminer/dsp/pipeline/dual_sensor_json.hpp"
#include "deminer/sim/eval/detection_statistics.hpp"
#include "deminer/sim/formats/deminer_recording.hpp"
#include "text_file.hpp"

namespace deminer::tools {
namespace {

namespace eval = sim::eval;
using nlohmann::json;

struct LaneAlarm {
  std::size_t lane = 0;  // index into the lanes
  double x_m = 0.0;      // across the lane
  double y_m = 0.0;      // along the lane, from its start
  dsp::ObjectVerdict verdict;
};

// The lane an arena position lies in (label_lanes puts lane i after the lanes before it and a
// gap of arena_gap_m each), and the position along that lane.
std::pair<std::size_t, double> lane_of(const std::vector<sim::lane::LaneConfig>& lanes,
                                       double arena_y_m) {
  double start = 0.0;
  for (std::size_t i = 0; i + 1 < lanes.size(); ++i) {
    const double next = start + lanes[i].length_m + sim::lane::arena_gap_m;
    if (arena_y_m < next) return {i, arena_y_m - start};
    start = next;
  }
  return {lanes.size() - 1, arena_y_m - start};
}

std::string what_it_is_on(const eval::AlarmMatch& match,
                          const std::vector<eval::TruthObject>& truth) {
  if (match.object == eval::no_object) return "";
  const std::string kind = truth[match.object].kind == eval::TruthKind::mine ? "mine" : "clutter";
  return kind + " " + truth[match.object].subtype +
         (match.outcome == eval::AlarmOutcome::duplicate ? " (duplicate)" : "");
}

}  // namespace

bool is_lane_file(const std::string& path) {
  return std::filesystem::path(path).extension() == ".json";
}

void refuse_dual_sensor_recording(const std::string& path) {
  namespace link = drivers::link;
  std::array<std::byte, link::kRecordingMagic.size()> magic{};
  std::ifstream in(path, std::ios::binary);
  if (!in.read(reinterpret_cast<char*>(magic.data()), static_cast<std::streamsize>(magic.size())) ||
      !sim::formats::looks_like_deminer_recording(magic)) {
    return;
  }
  link::RecordingReader reader(path);
  while (const auto frame = reader.next_frame()) {
    const link::FrameType type = frame->header.type;
    if (type == link::FrameType::swept_gpr_trace) {
      throw ConfigError(path +
                        " is a dual-sensor head's recording (swept GPR traces and VLF blocks); "
                        "run it through the tuned head: deminer run 'file://" +
                        path + "?rate=max' --config tuned.json");
    }
    if (type != link::FrameType::device_description) return;
  }
}

void refuse_dual_sensor_config(std::string_view json_text, const std::string& path) {
  if (!dsp::is_dual_sensor_config(json_text)) return;
  throw ConfigError(
      path +
      " is a dual-sensor head's configuration (tuned.json of `deminer tune`), not a "
      "GPR chain's; it decides lanes (deminer replay LANE.json --seeds ... --config " +
      path + ") and dual-sensor recordings (deminer run file://REC.dmr --config " + path + ")");
}

int replay_lanes(const LaneReplayOptions& options) {
  if (options.config_path.empty()) {
    throw ConfigError(
        "replay: a lane needs --config with the dual-sensor configuration (tuned.json of "
        "`deminer tune`)");
  }
  const dsp::DualSensorConfig config = dsp::dual_sensor_config_from_json(
      read_text_file(options.config_path, "dual-sensor configuration"), options.config_path);
  const auto lanes = read_lanes(options.lanes);
  const auto arena = label_lanes_verbose(lanes, options.lanes.radius_m, config.pipeline,
                                         options.config_path + "'s");

  std::vector<LaneAlarm> found;
  std::vector<eval::Alarm> alarms;
  for (const dsp::FusedObject& object : arena.objects) {
    const dsp::ObjectVerdict verdict = config.decision.decide(object);
    if (!verdict.alarm) continue;
    const auto [lane, y] = lane_of(lanes, object.advance_m);
    found.push_back({lane, object.position_m, y, verdict});
    alarms.push_back({object.position_m, object.advance_m, verdict.score,
                      std::string(to_string(verdict.object_class))});
  }
  const eval::Association association =
      eval::associate(alarms, arena.truth, options.lanes.radius_m);
  const eval::DetectionStatistics s = eval::statistics(eval::count(association, arena.truth, {}),
                                                       arena.area_m2, eval::default_confidence);

  const std::string method(dsp::decision_method_name(config.decision.config().method));
  if (options.json) {
    json out = {{"config", options.config_path},
                {"method", method},
                {"threshold", config.decision.config().threshold},
                {"lanes", arena.seeds},
                {"area_m2", arena.area_m2},
                {"alarms", json::array()},
                {"statistics", statistics_json(s)}};
    for (std::size_t i = 0; i < found.size(); ++i) {
      const LaneAlarm& a = found[i];
      out["alarms"].push_back({{"lane_seed", lanes[a.lane].seed},
                               {"x_m", a.x_m},
                               {"y_m", a.y_m},
                               {"class", to_string(a.verdict.object_class)},
                               {"confidence", a.verdict.confidence},
                               {"score", a.verdict.score},
                               {"on", what_it_is_on(association.alarms[i], arena.truth)}});
    }
    std::printf("%s\n", out.dump(2).c_str());
    return 0;
  }
  std::printf("%s: method %s, alarm at score >= %.4g\n\n", options.config_path.c_str(),
              method.c_str(), config.decision.config().threshold);
  std::printf("%10s %7s %7s  %-17s %10s %9s  %s\n", "lane seed", "x_m", "y_m", "class",
              "confidence", "score", "on (truth)");
  for (std::size_t i = 0; i < found.size(); ++i) {
    const LaneAlarm& a = found[i];
    const std::string on = what_it_is_on(association.alarms[i], arena.truth);
    std::printf("%10llu %7.3f %7.3f  %-17s %10.3f %9.4g  %s\n",
                static_cast<unsigned long long>(lanes[a.lane].seed), a.x_m, a.y_m,
                std::string(to_string(a.verdict.object_class)).c_str(),
                static_cast<double>(a.verdict.confidence), a.verdict.score,
                on.empty() ? "nothing (false alarm)" : on.c_str());
  }
  std::printf(
      "\n%zu alarms on %.1f m²: Pd %zu/%zu = %.3f %s, %zu false alarms = %.4f /m² %s, "
      "clutter rejection %.3f\n",
      found.size(), arena.area_m2, s.counts.mines_detected, s.counts.mines, s.pd.estimate,
      interval_text(s.pd.interval).c_str(), s.counts.false_alarms, s.far_per_m2.estimate,
      interval_text(s.far_per_m2.interval).c_str(), s.clutter_rejection.estimate);
  return 0;
}

std::string lane_replay_help() {
  return "Labelled lanes (a lane file, .json; docs/lanes.md): every lane (once per --seeds "
         "seed) is simulated and run through the dual-sensor chain of --config, the tuned.json of "
         "`deminer tune` (its GPR and VLF chains and fusion), and each fused object is decided "
         "by it: one line per alarm with its "
         "class, confidence and what it lies on, then Pd and false alarms per m² with their 95% "
         "intervals. On the lanes it was tuned on, this is the operating point tune chose.";
}

}  // namespace deminer::tools
