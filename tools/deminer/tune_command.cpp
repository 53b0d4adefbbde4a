// deminer tune: judge a trained dual-sensor model on labelled lanes of other seeds, sweep the
// alarm threshold of every way of deciding (each sensor alone, plain strength, score fusion,
// the classifier), pick the operating point for a Pd target or a false-alarm limit, and write
// the ROC data, its picture and the tuned configuration.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>

#include "commands.hpp"
#include "deminer/dsp/core/error.hpp"
#include "deminer/dsp/detect/object_decision.hpp"
#include "deminer/dsp/pipeline/dual_sensor_json.hpp"
#include "deminer/sim/eval/roc.hpp"
#include "deminer/sim/lane/lane_evaluation.hpp"
#include "lane_files.hpp"
#include "roc_picture.hpp"
#include "text_file.hpp"

namespace deminer::tools {
namespace {

namespace eval = sim::eval;
namespace lane = sim::lane;
using nlohmann::json;

struct TuneOptions {
  LaneSelection lanes;
  std::string model_path;
  std::optional<double> target_pd;
  std::optional<double> max_far;
  std::string method = "classifier";
  double confidence = 0.95;
  std::string out_dir = "out/tune";
};

dsp::DecisionMethod method_named(const std::string& name) {
  if (const auto method = dsp::decision_method_named(name)) return *method;
  throw ConfigError("tune: --method " + name + " is not known");
}

eval::OperatingPoint choose(const TuneOptions& options, const eval::RocCurve& curve) {
  return options.target_pd ? eval::select_for_target_pd(curve, *options.target_pd)
                           : eval::select_for_max_far(curve, *options.max_far);
}

// Pd of each value of a stratum key at the chosen threshold (FAR is the whole arena's).
void print_strata(const std::vector<eval::Alarm>& alarms,
                  const std::vector<eval::TruthObject>& truth, eval::EvaluationConfig config,
                  double threshold, const std::string& key) {
  std::vector<eval::Alarm> kept;
  std::copy_if(alarms.begin(), alarms.end(), std::back_inserter(kept),
               [&](const eval::Alarm& a) { return a.score >= threshold; });
  std::set<std::string> values;
  for (const auto& t : truth) {
    if (t.kind == eval::TruthKind::mine) values.insert(t.strata.at(key));
  }
  for (const std::string& value : values) {
    config.mine_stratum = {{key, value}};
    const auto s = eval::evaluate(kept, truth, config);
    std::printf("    %s = %-10s Pd %zu/%zu = %.3f %s\n", key.c_str(), value.c_str(),
                s.counts.mines_detected, s.counts.mines, s.pd.estimate,
                interval_text(s.pd.interval).c_str());
  }
}

// A file name made of a stratum's values: "ap_mine 0-5 cm moderate/dry" -> "ap_mine_0-5cm_...".
std::string file_name_of(const std::string& text) {
  std::string name;
  for (const char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') {
      name += c;
    } else if (c == '/' || (c == ' ' && !name.empty() && name.back() != '_')) {
      name += '_';
    }
  }
  return name;
}

// The ROC of every mine stratum (type × depth band × soil) at the chosen method's scores: Pd over
// that stratum's mines, FAR over the whole arena. One CSV per stratum in
// roc-<method>-by-stratum/ and one picture, roc-<method>-by-stratum.png.
void write_stratum_rocs(const std::vector<eval::Alarm>& alarms,
                        const std::vector<eval::TruthObject>& truth, eval::EvaluationConfig config,
                        const TuneOptions& options) {
  std::map<std::string, eval::StratumSelector> strata;
  for (const auto& t : truth) {
    if (t.kind != eval::TruthKind::mine) continue;
    eval::StratumSelector selector;
    std::string name;
    for (const char* key : {"type", "depth_band", "soil"}) {
      selector[key] = t.strata.at(key);
      name += (name.empty() ? "" : " ") + t.strata.at(key);
    }
    strata.emplace(name, std::move(selector));
  }
  const std::filesystem::path base =
      std::filesystem::path(options.out_dir) / ("roc-" + options.method + "-by-stratum");
  std::filesystem::create_directories(base);
  std::vector<eval::RocCurve> curves;
  curves.reserve(strata.size());
  std::vector<RocLine> lines;
  for (const auto& [name, selector] : strata) {
    config.mine_stratum = selector;
    curves.push_back(eval::roc_curve(alarms, truth, config));
    eval::write_roc_csv(base / (file_name_of(name) + ".csv"), curves.back());
    lines.push_back({name + " (" +
                         std::to_string(curves.back().points.front().statistics.counts.mines) +
                         " mines)",
                     &curves.back()});
  }
  const std::filesystem::path picture = base.string() + ".png";
  write_roc_png(lines, std::nullopt, options.method + ": ROC per mine type, depth and soil",
                picture);
  std::printf("ROC per stratum: %zu strata in %s, picture %s\n", strata.size(),
              base.string().c_str(), picture.string().c_str());
}

int run(const TuneOptions& options) {
  if (options.target_pd.has_value() == options.max_far.has_value()) {
    throw ConfigError("tune: give exactly one of --target-pd and --max-far");
  }
  const lane::TrainedModel model =
      lane::model_from_json(read_text_file(options.model_path, "model file"), options.model_path);
  const auto lanes = read_lanes(options.lanes);
  for (const auto& config : lanes) {
    if (std::find(model.training_seeds.begin(), model.training_seeds.end(), config.seed) !=
        model.training_seeds.end()) {
      throw ConfigError("tune: lane seed " + std::to_string(config.seed) + " was used to train " +
                        options.model_path +
                        "; evaluate on lanes of other seeds (--seeds) for honest figures");
    }
  }
  const dsp::DecisionMethod chosen_method = method_named(options.method);
  // One head over every lane, as in the field: the chains tuned.json records.
  const dsp::DualSensorPipeline::Config chains = lane::default_chains(lanes.front());
  const auto arena = label_lanes_verbose(lanes, options.lanes.radius_m, chains, "the first lane's");
  eval::EvaluationConfig config;
  config.radius_m = options.lanes.radius_m;
  config.area_m2 = arena.area_m2;
  config.confidence = options.confidence;
  std::filesystem::create_directories(options.out_dir);

  const dsp::ObjectDecision scorer(model, {});
  std::map<dsp::DecisionMethod, eval::RocCurve> curves;
  std::map<dsp::DecisionMethod, std::vector<eval::Alarm>> alarms;
  std::printf("%-13s %9s %14s %16s %9s %16s %9s\n", "method", "threshold", "Pd", "Pd 95% interval",
              "FAR /m²", "FAR interval", "clutter rej.");
  for (const auto method : dsp::all_decision_methods) {
    alarms[method] = lane::alarms_of(
        arena.objects, [&](const dsp::FusedObject& o) { return scorer.score(method, o); });
    const std::string name(dsp::decision_method_name(method));
    if (alarms[method].empty()) {
      std::printf("%-13s raises no alarm on these lanes\n", name.c_str());
      continue;
    }
    const auto& curve = curves[method] = eval::roc_curve(alarms[method], arena.truth, config);
    eval::write_roc_csv(std::filesystem::path(options.out_dir) / ("roc-" + name + ".csv"), curve);
    const auto point = choose(options, curve);
    const auto& s = point.point.statistics;
    std::printf("%-13s %9.4g %6zu/%-3zu=%.3f %16s %9.4f %16s %9.3f%s\n", name.c_str(),
                point.point.threshold, s.counts.mines_detected, s.counts.mines, s.pd.estimate,
                interval_text(s.pd.interval).c_str(), s.far_per_m2.estimate,
                interval_text(s.far_per_m2.interval).c_str(), s.clutter_rejection.estimate,
                point.meets_requirement ? "" : "  (requirement not met)");
  }
  if (!curves.contains(chosen_method)) {
    throw ConfigError("tune: method " + options.method + " raised no alarm on these lanes");
  }
  const auto chosen = choose(options, curves.at(chosen_method));
  std::printf("\n%s: %s\n", options.method.c_str(), chosen.summary.c_str());
  for (const char* key : {"type", "depth_band", "soil"}) {
    print_strata(alarms.at(chosen_method), arena.truth, config, chosen.point.threshold, key);
  }
  write_stratum_rocs(alarms.at(chosen_method), arena.truth, config, options);

  std::vector<RocLine> lines;
  for (const auto& [method, curve] : curves) {
    lines.push_back({std::string(dsp::decision_method_name(method)), &curve});
  }
  const auto& s = chosen.point.statistics;
  const auto picture = std::filesystem::path(options.out_dir) / "roc.png";
  write_roc_png(lines,
                RocMark{s.far_per_m2.estimate, s.pd.estimate, options.method + " operating point"},
                "ROC on " + std::to_string(lanes.size()) + " held-out lanes (" +
                    std::to_string(static_cast<int>(arena.area_m2)) + " m²)",
                picture);

  // The configuration the dual-sensor head loads (dsp/pipeline/dual_sensor_json.hpp): the chains
  // that formed the objects and the decision, with how its threshold was chosen under "tuning".
  const dsp::DualSensorConfig chosen_config{
      chains, dsp::ObjectDecision(model, {chosen_method, chosen.point.threshold})};
  json tuned = json::parse(dsp::dual_sensor_config_to_json(chosen_config));
  tuned["tuning"] = {
      {"requirement", options.target_pd ? json{{"target_pd", *options.target_pd}}
                                        : json{{"max_far_per_m2", *options.max_far}}},
      {"meets_requirement", chosen.meets_requirement},
      {"operating_point", statistics_json(s)},
      {"training_seeds", model.training_seeds},
      {"evaluation_seeds", arena.seeds},
      {"association_radius_m", config.radius_m},
      {"confidence", options.confidence},
  };
  const auto tuned_path = std::filesystem::path(options.out_dir) / "tuned.json";
  write_text_file(tuned_path.string(), tuned.dump(2) + "\n");
  std::printf("wrote %s, %s and roc-<method>.csv in %s\n", tuned_path.string().c_str(),
              picture.string().c_str(), options.out_dir.c_str());
  return 0;
}

}  // namespace

Command add_tune_command(CLI::App& app) {
  auto options = std::make_shared<TuneOptions>();
  CLI::App* sub = app.add_subcommand(
      "tune",
      "Pick the alarm threshold on labelled lanes, with honest statistics.\n"
      "Runs held-out lanes (other seeds than the model's training lanes) through both chains, "
      "scores every object by each way of deciding (md, gpr, strength, score_fusion, "
      "classifier), sweeps the threshold (ROC: Pd with its Clopper-Pearson interval, false "
      "alarms per m² with a Poisson interval, clutter rejection), and chooses the operating "
      "point: with --target-pd the lowest FAR whose one-sided Pd lower bound reaches the "
      "target, with --max-far the highest Pd within the limit. Writes roc-<method>.csv, roc.png, "
      "the chosen method's ROC per mine type x depth band x soil (roc-<method>-by-stratum/ and "
      ".png) and tuned.json (the configuration `deminer replay` loads) to --out-dir.");
  add_lane_options(*sub, options->lanes);
  sub->add_option("--model", options->model_path, "Model from `deminer train`")
      ->required()
      ->check(CLI::ExistingFile);
  sub->add_option("--target-pd", options->target_pd,
                  "Required Pd (one-sided lower bound at --confidence), e.g. 0.99")
      ->check(CLI::Range(0.0, 1.0));
  sub->add_option("--max-far", options->max_far, "Largest acceptable false alarms per m²")
      ->check(CLI::Range(0.0, 1e6));
  sub->add_option("--method", options->method, "The way of deciding to tune")
      ->check(CLI::IsMember({"md", "gpr", "strength", "score_fusion", "classifier"}))
      ->capture_default_str();
  sub->add_option("--confidence", options->confidence, "Confidence level of the intervals")
      ->check(CLI::Range(0.5, 0.999999))
      ->capture_default_str();
  sub->add_option("--out-dir", options->out_dir, "Folder for the ROC data, picture and config")
      ->capture_default_str();
  return {sub, [options] { return run(*options); }};
}

}  // namespace deminer::tools
