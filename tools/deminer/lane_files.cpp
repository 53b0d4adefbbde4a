#include "lane_files.hpp"

#include <charconv>
#include <cstdio>
#include <map>
#include <set>

#include "deminer/dsp/core/error.hpp"
#include "deminer/dsp/pipeline/dual_sensor_json.hpp"
#include "terminal.hpp"
#include "text_file.hpp"

namespace deminer::tools {
namespace {

std::uint64_t seed_number(std::string_view text, const std::string& list) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    throw ConfigError("--seeds " + list + ": '" + std::string(text) +
                      "' is not a seed (a list of numbers and ranges, e.g. 1-20,31)");
  }
  return value;
}

// "1-3,7" -> 1, 2, 3, 7.
std::vector<std::uint64_t> parse_seeds(const std::string& list) {
  std::vector<std::uint64_t> seeds;
  std::string_view rest = list;
  while (!rest.empty()) {
    const std::string_view item = rest.substr(0, rest.find(','));
    rest.remove_prefix(std::min(rest.size(), item.size() + 1));
    const auto dash = item.find('-');
    const std::uint64_t first = seed_number(item.substr(0, dash), list);
    const std::uint64_t last =
        dash == std::string_view::npos ? first : seed_number(item.substr(dash + 1), list);
    if (last < first || last - first >= 100000) {
      throw ConfigError("--seeds " + list + ": range " + std::string(item) +
                        " is empty or longer than 100000 lanes");
    }
    for (std::uint64_t s = first; s <= last; ++s) seeds.push_back(s);
  }
  return seeds;
}

// Which lanes would by default be run by other chains, and where those differ.
void note_other_default_chains(const std::vector<sim::lane::LaneConfig>& lanes,
                               const dsp::DualSensorPipeline::Config& chains,
                               const std::string& chains_name) {
  const auto as_json = [](const dsp::DualSensorPipeline::Config& c) {
    return nlohmann::json::parse(dsp::dual_sensor_chains_to_json(c));
  };
  const nlohmann::json used = as_json(chains);
  std::vector<std::string> seeds;
  std::set<std::string> where;
  for (const auto& lane : lanes) {
    const nlohmann::json patch =
        nlohmann::json::diff(used, as_json(sim::lane::default_chains(lane)));
    if (patch.empty()) continue;
    seeds.push_back(std::to_string(lane.seed));
    for (const auto& change : patch) where.insert(change["path"].get<std::string>());
  }
  if (seeds.empty()) return;
  std::string seed_list, path_list;
  for (const auto& s : seeds) seed_list += (seed_list.empty() ? "" : ", ") + s;
  for (const auto& p : where) path_list += (path_list.empty() ? "" : ", ") + p;
  std::fprintf(stderr,
               "note: %zu of %zu lanes (seeds %s) would by default be processed by other chains "
               "(their soil or sensors differ: %s); every lane runs with %s chains\n",
               seeds.size(), lanes.size(), seed_list.c_str(), path_list.c_str(),
               chains_name.c_str());
}

}  // namespace

void add_lane_options(CLI::App& command, LaneSelection& selection) {
  command
      .add_option("lanes", selection.files,
                  "Lane files (JSON: length, width, soil, mines, clutter per mine, depths, seed; "
                  "docs/lanes.md)")
      ->required()
      ->check(CLI::ExistingFile);
  command.add_option("--seeds", selection.seeds,
                     "Run every lane file once per seed, e.g. 1-20 (default: the file's seed)");
  command
      .add_option("--radius", selection.radius_m,
                  "Association radius (m): an object within it of a truth item is on that item")
      ->check(CLI::Range(0.01, 1.0))
      ->capture_default_str();
}

std::vector<sim::lane::LaneConfig> read_lanes(const LaneSelection& selection) {
  const std::vector<std::uint64_t> seeds =
      selection.seeds.empty() ? std::vector<std::uint64_t>{} : parse_seeds(selection.seeds);
  std::vector<sim::lane::LaneConfig> lanes;
  for (const std::string& file : selection.files) {
    const auto lane = sim::lane::lane_config_from_json(read_text_file(file, "lane file"), file);
    if (seeds.empty()) lanes.push_back(lane);
    for (const std::uint64_t seed : seeds) {
      lanes.push_back(lane);
      lanes.back().seed = seed;
    }
  }
  return lanes;
}

sim::lane::LabelledObjects label_lanes_verbose(const std::vector<sim::lane::LaneConfig>& lanes,
                                               double radius_m,
                                               const dsp::DualSensorPipeline::Config& chains,
                                               const std::string& chains_name) {
  note_other_default_chains(lanes, chains, chains_name);
  std::size_t sweeps = 0;
  for (const auto& lane : lanes) sweeps += sim::lane::lane_sweep_count(lane) + 1;
  Progress progress("simulating and processing " + std::to_string(lanes.size()) + " lanes", sweeps);
  const auto arena = sim::lane::label_lanes(
      lanes, radius_m, chains, [&](std::size_t done, std::size_t) { progress.update(done); });
  std::map<dsp::ObjectClass, std::size_t> objects;
  for (const auto label : arena.labels) ++objects[label];
  std::size_t mines = 0;
  for (const auto& t : arena.truth) mines += t.kind == sim::eval::TruthKind::mine ? 1 : 0;
  std::fprintf(stderr,
               "%zu lanes, %.1f m², %zu truth items (%zu mines): %zu objects (%zu on mines, %zu "
               "on metal clutter, %zu on other clutter or nothing)\n",
               lanes.size(), arena.area_m2, arena.truth.size(), mines, arena.objects.size(),
               objects[dsp::ObjectClass::mine], objects[dsp::ObjectClass::metal_clutter],
               objects[dsp::ObjectClass::nonmetal_clutter]);
  return arena;
}

std::string interval_text(const sim::eval::Interval& interval) {
  char text[64];
  std::snprintf(text, sizeof text, "[%.3f, %.3f]", interval.lower, interval.upper);
  return text;
}

nlohmann::json statistics_json(const sim::eval::DetectionStatistics& s) {
  return {{"pd", s.pd.estimate},
          {"pd_interval", {s.pd.interval.lower, s.pd.interval.upper}},
          {"pd_one_sided_lower", s.pd.one_sided_lower},
          {"mines", s.counts.mines},
          {"mines_detected", s.counts.mines_detected},
          {"far_per_m2", s.far_per_m2.estimate},
          {"far_interval", {s.far_per_m2.interval.lower, s.far_per_m2.interval.upper}},
          {"false_alarms", s.counts.false_alarms},
          {"clutter_rejection", s.clutter_rejection.estimate}};
}

}  // namespace deminer::tools
