// deminer train, deminer tune and deminer replay on small labelled lanes, as a user runs them:
// the model is written, evaluation refuses the training seeds, the tuned configuration holds the
// ROC's operating point (the same threshold and statistics as its row in the ROC data), and
// replaying the lanes with it gives that operating point again; `deminer run` on a recording of
// a lane raises the replay's alarms.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli_runner.hpp"
#include "scratch_dir.hpp"

namespace {

using Json = nlohmann::json;
using deminer::test::run_cli;

class LaneCli : public ::testing::Test {
 protected:
  std::string path(const std::string& name) const { return (dir_.path() / name).string(); }

  // A 2 m lane with 3 mines and 15 clutter items.
  std::string write_lane() {
    const std::string lane = path("lane.json");
    std::ofstream(lane) << R"({"length_m": 2.0, "width_m": 1.0, "mine_count": 3,
                               "clutter_per_mine": 5, "seed": 1,
                               "soil": {"magnetic": "moderate", "moisture": "dry"}})";
    return lane;
  }

  deminer::test::ScratchDir dir_;
};

// The rows of a ROC CSV as name -> value maps.
std::vector<std::map<std::string, double>> read_csv(const std::string& file) {
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);
  std::vector<std::string> names;
  std::stringstream header(line);
  for (std::string name; std::getline(header, name, ',');) names.push_back(name);
  std::vector<std::map<std::string, double>> rows;
  while (std::getline(in, line)) {
    std::stringstream cells(line);
    std::map<std::string, double> row;
    std::size_t i = 0;
    for (std::string cell; std::getline(cells, cell, ','); ++i) row[names.at(i)] = std::stod(cell);
    rows.push_back(row);
  }
  return rows;
}

TEST_F(LaneCli, TrainTuneAndReplayAgreeOnTheOperatingPoint) {
  const std::string lane = write_lane();
  const auto trained = run_cli("train " + lane + " --seeds 1-4 -o " + path("model.json"));
  ASSERT_EQ(trained.status, 0) << trained.output;
  EXPECT_NE(trained.output.find("trained on"), std::string::npos) << trained.output;

  const auto refused = run_cli("tune " + lane + " --seeds 4-5 --model " + path("model.json") +
                               " --target-pd 0.5 --out-dir " + path("out"));
  EXPECT_NE(refused.status, 0);
  EXPECT_NE(refused.output.find("lane seed 4 was used to train"), std::string::npos)
      << refused.output;

  const auto tuned = run_cli("tune " + lane + " --seeds 11-14 --model " + path("model.json") +
                             " --max-far 3 --out-dir " + path("out"));
  ASSERT_EQ(tuned.status, 0) << tuned.output;
  for (const char* method : {"md", "gpr", "strength", "score_fusion", "classifier"}) {
    EXPECT_NE(tuned.output.find(method), std::string::npos) << tuned.output;
  }
  EXPECT_TRUE(std::filesystem::file_size(path("out/roc.png")) > 1000);
  // The strata (type × depth band × soil) partition the mines: their ROCs count each mine once.
  EXPECT_TRUE(std::filesystem::file_size(path("out/roc-classifier-by-stratum.png")) > 1000);
  std::size_t stratum_mines = 0;
  for (const auto& file :
       std::filesystem::directory_iterator(path("out/roc-classifier-by-stratum"))) {
    stratum_mines += static_cast<std::size_t>(read_csv(file.path().string()).at(0).at("mines"));
  }
  const Json config = Json::parse(std::ifstream(path("out/tuned.json")));
  EXPECT_EQ(config.at("decision").at("method"), "classifier");
  EXPECT_EQ(config.at("tuning").at("evaluation_seeds"), (std::vector<int>{11, 12, 13, 14}));
  EXPECT_EQ(config.at("tuning").at("training_seeds"), (std::vector<int>{1, 2, 3, 4}));
  const double threshold = config.at("decision").at("threshold");
  const Json& point = config.at("tuning").at("operating_point");
  EXPECT_EQ(stratum_mines, point.at("mines").get<std::size_t>());
  // The chosen row of the ROC: same threshold, same counts; the highest Pd within 3 /m².
  const auto rows = read_csv(path("out/roc-classifier.csv"));
  ASSERT_FALSE(rows.empty());
  double best_pd = -1.0;
  for (const auto& row : rows) {
    if (row.at("far_per_m2") <= 3.0) best_pd = std::max(best_pd, row.at("pd"));
  }
  bool found = false;
  for (const auto& row : rows) {
    if (row.at("threshold") != threshold) continue;
    found = true;
    EXPECT_EQ(row.at("pd"), point.at("pd").get<double>());
    EXPECT_EQ(row.at("far_per_m2"), point.at("far_per_m2").get<double>());
    EXPECT_EQ(row.at("mines_detected"), point.at("mines_detected").get<double>());
    EXPECT_LE(row.at("far_per_m2"), 3.0);
    EXPECT_EQ(row.at("pd"), best_pd);
  }
  EXPECT_TRUE(found) << "threshold " << threshold << " is not a row of the ROC";

  // The round trip: the tuned file, loaded as the head loads it, decides the same lanes to the
  // same Pd and false alarms.
  const auto replayed = run_cli(
      "replay " + lane + " --seeds 11-14 --config " + path("out/tuned.json") + " --json", false);
  ASSERT_EQ(replayed.status, 0) << replayed.output;
  const Json replay = Json::parse(replayed.output);
  const Json& statistics = replay.at("statistics");
  for (const char* key : {"pd", "mines", "mines_detected", "far_per_m2", "false_alarms",
                          "clutter_rejection", "pd_interval", "far_interval"}) {
    EXPECT_EQ(statistics.at(key), point.at(key)) << key;
  }
  EXPECT_EQ(replay.at("alarms").size(),
            point.at("mines_detected").get<std::size_t>() +
                point.at("false_alarms").get<std::size_t>() +
                static_cast<std::size_t>(std::count_if(
                    replay.at("alarms").begin(), replay.at("alarms").end(), [](const Json& a) {
                      return a.at("on").get<std::string>().find("(duplicate)") != std::string::npos;
                    })));
  for (const Json& alarm : replay.at("alarms")) {
    EXPECT_GE(alarm.at("score").get<double>(), threshold);
  }

  // The objects are formed by the chains tuned.json carries, not by the lane's defaults: deafen
  // both sensors' detectors there and nothing is found.
  ASSERT_GT(replay.at("alarms").size(), 0u);
  Json deaf = Json::parse(std::ifstream(path("out/tuned.json")));
  deaf["gpr_pipeline"]["detector"]["threshold"] = 1e9;
  deaf["md_pipeline"]["events"]["threshold_sigmas"] = 1e6;
  deaf["md_pipeline"]["events"]["release_sigmas"] = 1e6;
  std::ofstream(path("deaf.json")) << deaf.dump();
  const auto deafened =
      run_cli("replay " + lane + " --seeds 11-14 --config " + path("deaf.json") + " --json", false);
  ASSERT_EQ(deafened.status, 0) << deafened.output;
  EXPECT_EQ(Json::parse(deafened.output).at("alarms").size(), 0u);

  // Chains that do not fit the lane's sensors are refused, naming the lane and the mismatch.
  Json other = Json::parse(std::ifstream(path("out/tuned.json")));
  const auto longer = 2 * other["gpr_pipeline"]["samples_per_trace"].get<std::size_t>();
  other["gpr_pipeline"]["samples_per_trace"] = longer;
  std::ofstream(path("other.json")) << other.dump();
  const auto mismatched =
      run_cli("replay " + lane + " --seeds 11-14 --config " + path("other.json"));
  EXPECT_NE(mismatched.status, 0);
  EXPECT_NE(mismatched.output.find("lane seed 11: its radar records"), std::string::npos)
      << mismatched.output;
  EXPECT_NE(mismatched.output.find("the GPR chain takes " + std::to_string(longer)),
            std::string::npos)
      << mismatched.output;
}

// The least FAR at which a ROC reaches Pd >= pd; infinity when it never does.
double far_for_pd(const std::vector<std::map<std::string, double>>& roc, double pd) {
  double least = std::numeric_limits<double>::infinity();
  for (const auto& row : roc) {
    if (row.at("pd") >= pd) least = std::min(least, row.at("far_per_m2"));
  }
  return least;
}

// The claim of dual-sensor fusion, on lanes the model never saw: at the Pd the classifier
// reaches within 2 false alarms per m², the metal detector alone, the radar alone and a plain
// energy threshold (the stronger sensor's score) each need more false alarms, or never get there.
TEST_F(LaneCli, OnHeldOutLanesTheFusedClassifierNeedsFewerFalseAlarmsForTheSamePd) {
  const std::string lane = path("lane.json");
  std::ofstream(lane) << R"({"length_m": 4.0, "width_m": 1.0, "mine_count": 4,
                             "clutter_per_mine": 10, "seed": 1,
                             "soil": {"magnetic": "moderate", "moisture": "dry"}})";
  ASSERT_EQ(run_cli("train " + lane + " --seeds 1-6 -o " + path("model.json")).status, 0);
  const auto tuned = run_cli("tune " + lane + " --seeds 101-106 --model " + path("model.json") +
                             " --max-far 2 --out-dir " + path("out"));
  ASSERT_EQ(tuned.status, 0) << tuned.output;
  const Json config = Json::parse(std::ifstream(path("out/tuned.json")));
  const double pd = config.at("tuning").at("operating_point").at("pd");
  ASSERT_GT(pd, 0.0) << tuned.output;
  const double fused = far_for_pd(read_csv(path("out/roc-classifier.csv")), pd);
  for (const char* alone : {"md", "gpr", "strength"}) {
    EXPECT_LT(fused, far_for_pd(read_csv(path("out/roc-") + alone + ".csv"), pd))
        << alone << " at Pd " << pd << "\n"
        << tuned.output;
  }
}

TEST_F(LaneCli, TuneNeedsExactlyOneRequirement) {
  const std::string lane = write_lane();
  const auto both = run_cli("tune " + lane + " --model " + lane + " --target-pd 0.9 --max-far 1");
  EXPECT_NE(both.status, 0);
  EXPECT_NE(both.output.find("exactly one of --target-pd and --max-far"), std::string::npos)
      << both.output;
}

// tuned.json loaded unchanged by the runtime: a recording of a held-out lane (`simulate --lane`)
// through `deminer run` raises the alarms `deminer replay` raises on that lane, in the same order
// and at the same places; a recording from another radar is refused, naming both trace lengths;
// the GPR replay refuses the recording and tuned.json, saying what to run instead.
TEST_F(LaneCli, RunOnARecordingOfTheLaneGivesTheReplaysAlarms) {
  const std::string lane = write_lane();
  ASSERT_EQ(run_cli("train " + lane + " --seeds 1-4 -o " + path("model.json")).status, 0);
  ASSERT_EQ(run_cli("tune " + lane + " --seeds 11-12 --model " + path("model.json") +
                    " --max-far 3 --out-dir " + path("out"))
                .status,
            0);
  const std::string tuned = path("out/tuned.json");
  const std::string recording = path("lane11.dmr");
  const auto simulated = run_cli("simulate --lane " + lane + " --seed 11 --out " + recording);
  ASSERT_EQ(simulated.status, 0) << simulated.output;
  EXPECT_NE(simulated.output.find("40 sweeps"), std::string::npos) << simulated.output;

  const auto replayed =
      run_cli("replay " + lane + " --seeds 11 --config " + tuned + " --json", false);
  ASSERT_EQ(replayed.status, 0) << replayed.output;
  const Json reference = Json::parse(replayed.output).at("alarms");
  ASSERT_GT(reference.size(), 0u);

  const auto ran = run_cli(
      "run file://" + recording + "?rate=max --config " + tuned + " --json --stats 0", false);
  ASSERT_EQ(ran.status, 0) << ran.output;
  std::vector<Json> alarms;
  std::istringstream lines(ran.output);
  for (std::string line; std::getline(lines, line);) {
    const Json j = Json::parse(line);
    if (!j.contains("summary")) alarms.push_back(j);
  }
  ASSERT_EQ(alarms.size(), reference.size()) << ran.output;
  for (std::size_t i = 0; i < alarms.size(); ++i) {
    EXPECT_DOUBLE_EQ(alarms[i].at("position_m"), reference[i].at("x_m")) << "alarm " << i;
    EXPECT_DOUBLE_EQ(alarms[i].at("advance_m"), reference[i].at("y_m")) << "alarm " << i;
    EXPECT_EQ(alarms[i].at("class"), reference[i].at("class")) << "alarm " << i;
    EXPECT_FLOAT_EQ(alarms[i].at("score").get<float>(),
                    static_cast<float>(reference[i].at("score").get<double>()));
  }

  // The GPR replay would read no trace of it: it says what to run instead. And tuned.json given
  // to the GPR replay of a GPR recording says where it belongs.
  const auto misread = run_cli("replay " + recording);
  EXPECT_NE(misread.status, 0);
  EXPECT_NE(misread.output.find("is a dual-sensor head's recording (swept GPR traces and VLF "
                                "blocks); run it through the tuned head: deminer run 'file://" +
                                recording + "?rate=max' --config tuned.json"),
            std::string::npos)
      << misread.output;
  ASSERT_EQ(run_cli("simulate --out " + path("scene.dmr")).status, 0);
  const auto wrong_config = run_cli("replay " + path("scene.dmr") + " --config " + tuned);
  EXPECT_NE(wrong_config.status, 0);
  EXPECT_NE(wrong_config.output.find(tuned + " is a dual-sensor head's configuration (tuned.json "
                                             "of `deminer tune`), not a GPR chain's"),
            std::string::npos)
      << wrong_config.output;

  Json other = Json::parse(std::ifstream(tuned));
  other["gpr_pipeline"]["samples_per_trace"] = 1024;
  std::ofstream(path("other.json")) << other.dump();
  const auto refused =
      run_cli("run file://" + recording + "?rate=max --config " + path("other.json"));
  EXPECT_NE(refused.status, 0);
  EXPECT_NE(refused.output.find("gpr_pipeline.samples_per_trace is 1024 but the device sends 512"),
            std::string::npos)
      << refused.output;
}

// One head over every lane: a wetter lane runs with the first lane's chains, and the note says
// which lane would by default have had other chains, and where they differ.
TEST_F(LaneCli, EveryLaneRunsWithTheFirstLanesChains) {
  const std::string dry = write_lane();
  const std::string wet = path("wet.json");
  std::ofstream(wet) << R"({"length_m": 2.0, "width_m": 1.0, "mine_count": 3,
                            "clutter_per_mine": 5, "seed": 7,
                            "soil": {"magnetic": "moderate", "moisture": "wet"}})";
  const auto trained = run_cli("train " + dry + " " + wet + " -o " + path("model.json"));
  ASSERT_EQ(trained.status, 0) << trained.output;
  EXPECT_NE(trained.output.find("note: 1 of 2 lanes (seeds 7) would by default be processed by "
                                "other chains (their soil or sensors differ: "
                                "/gpr_pipeline/detector/geometry/relative_permittivity); every "
                                "lane runs with the first lane's chains"),
            std::string::npos)
      << trained.output;
}

}  // namespace
