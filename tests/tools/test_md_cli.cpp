// The `deminer` program on metal-detector recordings, as a user runs it: simulate --md -> replay
// (VLF and PI chains), checked against the simulator's truth file (its targets' places, phases
// and materials come from the physics, not from the chains), plus errors and help.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "cli_runner.hpp"
#include "scratch_dir.hpp"

namespace fs = std::filesystem;

namespace {

using Json = nlohmann::json;
using Result = deminer::test::CliResult;

Result run(const std::string& arguments, bool merge_stderr = true) {
  return deminer::test::run_cli(arguments, merge_stderr);
}

Json read_json(const std::string& path) {
  std::ifstream in(path);
  return Json::parse(in);
}

class MdCli : public ::testing::Test {
 protected:
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  // The default scene (moderate soil, 5 mm aluminium ball at 5 cm, 12 mm chrome-steel ball at
  // 10 cm) on a wider lane with more sweeps: the default's 1 m lane and two sweeps (4 s) leave
  // the event detector no quiet soil to learn the noise from and put the targets within a coil
  // footprint of each other (see the report of the CLI work).
  std::string write_scene(const std::string& name, const std::string& detector) {
    const auto printed = run("simulate --md --print-scene", false);
    EXPECT_EQ(printed.status, 0) << printed.output;
    Json scene = Json::parse(printed.output);
    scene["detector"] = detector;
    scene["sweep_width_m"] = 1.6;
    scene["sweep_count"] = 4;
    scene["advance_per_sweep_m"] = 0.025;
    // VLF: noise per raw ADC sample (averaged over a 160-sample window); PI: per gate value.
    scene["noise_std_v"] = detector == "pi" ? 1e-4 : 1e-3;
    EXPECT_EQ(scene["targets"].size(), 2u);
    scene["targets"][0]["x_m"] = 0.4;
    scene["targets"][1]["x_m"] = -0.3;
    if (detector == "pi") {
      // The PI chain's default gates (PiPipeline::default_config(), docs/metal-detector.md).
      scene["gate_times_s"] = Json::array();
      for (double us : {10, 15, 20, 30, 40, 60, 80, 120, 160, 240, 320, 480, 640}) {
        scene["gate_times_s"].push_back(us * 1e-6);
      }
      scene["pulse_length_s"] = 100e-6;
    }
    std::ofstream(path(name)) << scene.dump(1);
    return path(name);
  }

  // simulate --md, then replay --json --truth; the replay's JSON.
  Json simulate_and_replay(const std::string& detector, const std::string& extra = "") {
    const std::string scene = write_scene(detector + "_scene.json", detector);
    const auto simulated = run("simulate --md --scene " + scene + " --out " + path("md.dmr"));
    EXPECT_EQ(simulated.status, 0) << simulated.output;
    const auto replay = run(
        "replay " + path("md.dmr") + " --json --truth " + path("md.dmr.truth.json") + extra, false);
    EXPECT_EQ(replay.status, 0) << replay.output;
    return Json::parse(replay.output);
  }

  deminer::test::ScratchDir dir_;
};

// The identity bands of docs/metal-detector.md (VLF chain, step 6), applied to the truth phase.
std::string expected_class(double phase_deg) {
  if (phase_deg < 10.0) return "ground_like";
  if (phase_deg < 85.0) return "ferrous";
  if (phase_deg < 120.0) return "low_conductor";
  if (phase_deg < 150.0) return "medium_conductor";
  return "high_conductor";
}

TEST_F(MdCli, VlfReplayFindsBothTargetsWithTheirIdentity) {
  const Json replay = simulate_and_replay("vlf");
  const Json truth = read_json(path("md.dmr.truth.json"));
  ASSERT_EQ(replay["chain"], "vlf");
  ASSERT_EQ(truth["targets"].size(), 2u);
  EXPECT_TRUE(replay["missed"].empty()) << replay.dump(1);
  for (std::size_t t = 0; t < truth["targets"].size(); ++t) {
    const Json& target = truth["targets"][t];
    const double truth_phase = target["phase_deg"][0].get<double>();
    int passes = 0;
    int identified = 0;
    for (const Json& d : replay["detections"]) {
      if (!d.contains("truth") || d["truth"]["x_m"] != target["x_m"]) continue;
      ++passes;
      EXPECT_LT(std::abs(d["truth"]["across_error_m"].get<double>()), 0.05) << d.dump();
      EXPECT_LT(std::abs(d["truth"]["along_error_m"].get<double>()), 0.10) << d.dump();
      // The phase at the peak, identity or not, is the calibrated target's.
      EXPECT_NEAR(d["phase_deg"].get<double>(), truth_phase, 10.0) << d.dump();
      if (d["ferrous"].is_null()) continue;
      ++identified;
      EXPECT_EQ(d["ferrous"].get<bool>(), truth_phase < 85.0) << d.dump();
      EXPECT_EQ(d["class"].get<std::string>(), expected_class(truth_phase)) << d.dump();
    }
    EXPECT_GE(passes, 2) << "target " << target.dump();
    EXPECT_GE(identified, 1) << "target " << target.dump();
  }
}

TEST_F(MdCli, PiReplayFindsBothTargetsAndTellsSteelFromAluminium) {
  const Json replay = simulate_and_replay("pi", " --picture " + path("pi.png"));
  const Json truth = read_json(path("md.dmr.truth.json"));
  const Json scene = read_json(path("pi_scene.json"));
  ASSERT_EQ(replay["chain"], "pi");
  EXPECT_TRUE(replay["missed"].empty()) << replay.dump(1);
  for (const Json& target : scene["targets"]) {
    const bool ferrous = target["relative_permeability"].get<double>() > 1.0;
    int passes = 0;
    for (const Json& d : replay["detections"]) {
      if (!d.contains("truth") || d["truth"]["x_m"] != target["x_m"]) continue;
      ++passes;
      EXPECT_LT(std::abs(d["truth"]["across_error_m"].get<double>()), 0.05) << d.dump();
      ASSERT_FALSE(d["ferrous"].is_null()) << d.dump();
      EXPECT_EQ(d["ferrous"].get<bool>(), ferrous) << d.dump();
    }
    // Four sweeps, each passing over the target line within the coil's footprint.
    EXPECT_GE(passes, 3) << "target " << target.dump();
  }
  EXPECT_GT(truth["targets"].size(), 0u);
  std::ifstream png(path("pi.png"), std::ios::binary);
  char magic[8] = {};
  png.read(magic, sizeof magic);
  EXPECT_EQ(std::string(magic + 1, 3), "PNG");
}

TEST_F(MdCli, BadConfigNamesTheJsonPath) {
  const std::string scene = write_scene("vlf_scene.json", "vlf");
  ASSERT_EQ(run("simulate --md --scene " + scene + " --out " + path("md.dmr")).status, 0);
  std::ofstream(path("bad.json")) << R"({"motion_filter": {"low_hzz": 1}})";
  const auto bad = run("replay " + path("md.dmr") + " --config " + path("bad.json"));
  EXPECT_EQ(bad.status, 1);
  EXPECT_NE(bad.output.find("bad.json"), std::string::npos) << bad.output;
  EXPECT_NE(bad.output.find("motion_filter.low_hzz"), std::string::npos) << bad.output;

  // --print-config gives a configuration that --config reads back.
  const auto printed = run("replay " + path("md.dmr") + " --print-config", false);
  ASSERT_EQ(printed.status, 0) << printed.output;
  std::ofstream(path("good.json")) << printed.output;
  EXPECT_EQ(Json::parse(printed.output)["calibration"]["phase_deg"][0].get<double>(), 90.0);
  const auto good =
      run("replay " + path("md.dmr") + " --config " + path("good.json") + " --json", false);
  EXPECT_EQ(good.status, 0) << good.output;
}

TEST_F(MdCli, HelpMentionsTheMetalDetector) {
  const auto replay_help = run("replay --help");
  EXPECT_NE(replay_help.output.find("Metal-detector recordings"), std::string::npos)
      << replay_help.output;
  EXPECT_NE(replay_help.output.find("+90 deg"), std::string::npos) << replay_help.output;
  const auto simulate_help = run("simulate --help");
  EXPECT_NE(simulate_help.output.find("--md"), std::string::npos) << simulate_help.output;
}

}  // namespace
