// The `deminer` program end to end, as a user runs it: simulate -> replay, and its errors.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "cli_runner.hpp"
#include "scratch_dir.hpp"

namespace fs = std::filesystem;

namespace {

using Result = deminer::test::CliResult;

Result run(const std::string& arguments, bool merge_stderr = true) {
  return deminer::test::run_cli(arguments, merge_stderr);
}

class Cli : public ::testing::Test {
 protected:
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  deminer::test::ScratchDir dir_;
};

TEST_F(Cli, SimulateThenReplayFindsEveryTargetWithin2cm) {
  ASSERT_EQ(run("simulate --out " + path("s.dmr") + " --truth " + path("t.json")).status, 0);
  const auto replay = run("replay " + path("s.dmr") + " --truth " + path("t.json") +
                              " --json --picture " + path("b.png"),
                          false);
  ASSERT_EQ(replay.status, 0) << replay.output;
  const auto json = nlohmann::json::parse(replay.output);

  // The truth file is the simulator's, written independently of the pipeline.
  std::ifstream truth_file(path("t.json"));
  const auto truth = nlohmann::json::parse(truth_file);
  ASSERT_EQ(json["detections"].size(), truth["targets"].size());
  EXPECT_TRUE(json["missed"].empty());
  for (const auto& d : json["detections"]) {
    ASSERT_TRUE(d.contains("truth")) << d.dump();
    EXPECT_LT(std::abs(d["truth"]["position_error_m"].get<double>()), 0.02) << d.dump();
    EXPECT_LT(std::abs(d["truth"]["depth_error_m"].get<double>()), 0.02) << d.dump();
  }

  std::ifstream png(path("b.png"), std::ios::binary);
  char magic[8] = {};
  png.read(magic, sizeof magic);
  EXPECT_EQ(std::string(magic + 1, 3), "PNG");
  EXPECT_GT(fs::file_size(path("b.png")), 10'000u);
}

TEST_F(Cli, ReplayOfATornRecordingKeepsTheGoodPartAndWarns) {
  ASSERT_EQ(run("simulate --out " + path("s.dmr")).status, 0);
  fs::resize_file(path("s.dmr"), fs::file_size(path("s.dmr")) - 1000);
  const auto replay = run("replay " + path("s.dmr") + " --json", false);
  ASSERT_EQ(replay.status, 0) << replay.output;
  const auto json = nlohmann::json::parse(replay.output);
  // 1000 bytes cut from 160 traces of 512 float samples (~2 KiB each): the last trace is torn.
  EXPECT_EQ(json["traces"].get<int>(), 159);
  ASSERT_EQ(json["warnings"].size(), 1u);
  EXPECT_NE(json["warnings"][0].get<std::string>().find("torn"), std::string::npos);
}

TEST_F(Cli, ErrorsNameTheFileAndTheProblem) {
  {
    std::ofstream bad(path("bad.dmr"), std::ios::binary);
    bad << "this is not a recording, just text long enough for a header";
  }
  const auto wrong_magic = run("replay " + path("bad.dmr"));
  EXPECT_EQ(wrong_magic.status, 1);
  EXPECT_NE(wrong_magic.output.find("bad.dmr"), std::string::npos) << wrong_magic.output;
  EXPECT_NE(wrong_magic.output.find("magic"), std::string::npos) << wrong_magic.output;

  {
    std::ofstream scene(path("scene.json"));
    scene << R"({"targets": [{"x_m": 0.5, "depth_m": -0.1}]})";
  }
  const auto bad_scene = run("simulate --scene " + path("scene.json") + " --out " + path("x.dmr"));
  EXPECT_EQ(bad_scene.status, 1);
  EXPECT_NE(bad_scene.output.find("/targets/0/depth_m"), std::string::npos) << bad_scene.output;

  const auto missing = run("replay " + path("nothing.dmr"));
  EXPECT_NE(missing.status, 0);
  EXPECT_NE(missing.output.find("nothing.dmr"), std::string::npos) << missing.output;
}

TEST_F(Cli, ConvertedFieldFileReplaysToTheSameDetections) {
  const fs::path dzt = fs::path(DEMINER_SHARED_DATA) /
                       "recordings/NSGeophysics/GPRPy/gprpy/exampledata/GSSI/FILE____032.DZT";
  if (!fs::exists(dzt)) GTEST_SKIP() << "shared data absent: " << dzt;
  ASSERT_EQ(run("convert " + dzt.string() + " " + path("a.sgy")).status, 0);
  ASSERT_EQ(run("convert " + path("a.sgy") + " " + path("b.dmr")).status, 0);
  ASSERT_EQ(run("convert " + path("b.dmr") + " " + path("c.dzt")).status, 0);
  // One configuration for all: the default one is scaled to the antenna frequency, which only
  // the DZT header holds.
  const auto config = run("replay " + dzt.string() + " --print-config", false);
  ASSERT_EQ(config.status, 0) << config.output;
  std::ofstream(path("chain.json")) << config.output;
  const std::string with_config = " --json --config " + path("chain.json");
  const auto original =
      nlohmann::json::parse(run("replay " + dzt.string() + with_config, false).output);
  ASSERT_FALSE(original["detections"].empty());
  for (const char* converted : {"a.sgy", "b.dmr", "c.dzt"}) {
    const auto json =
        nlohmann::json::parse(run("replay " + path(converted) + with_config, false).output);
    ASSERT_EQ(json["detections"].size(), original["detections"].size()) << converted;
    for (std::size_t i = 0; i < json["detections"].size(); ++i) {
      const auto& a = original["detections"][i];
      const auto& b = json["detections"][i];
      // SEG-Y stores positions in whole millimetres; samples and times are exact, so depths
      // differ only through the hyperbola fit over those positions (by ~1e-11 m).
      EXPECT_NEAR(a["position_m"].get<double>(), b["position_m"].get<double>(), 1e-3) << converted;
      EXPECT_NEAR(a["depth_m"].get<double>(), b["depth_m"].get<double>(), 1e-6) << converted;
      EXPECT_EQ(a["sequence"], b["sequence"]) << converted;
    }
  }
}

// --air-shot on the TS-50 slice: the sand's permittivity from the surface echo, combined with
// the hyperbola (alone 8 +- 0.8), then printed with --print-config for the handheld's config;
// a wrong air shot (a scene over the ground) is an error saying what to check.
TEST_F(Cli, AirShotMeasuresTheSoilForTheHyperbolaFits) {
  const fs::path scenes = fs::path(DEMINER_SHARED_DATA) / "gprmax_scenes";
  if (!fs::exists(scenes)) GTEST_SKIP() << "shared data absent: " << scenes;
  auto scene = [&](const std::string& name) {
    return (scenes / name / (name + "_merged.out")).string();
  };
  const std::string common = " --config " + std::string(DEMINER_CONFIG_DIR) +
                             "/gprmax_scenes.json --background " + scene("s0_background_sand") +
                             " --air-shot ";
  const auto replay =
      run("replay " + scene("g_ts50_slice_sand") + common + scene("z_air_only") + " --json", false);
  ASSERT_EQ(replay.status, 0) << replay.output;
  const auto json = nlohmann::json::parse(replay.output);
  ASSERT_EQ(json["detections"].size(), 1u);
  EXPECT_NEAR(json["detections"][0]["fit"]["relative_permittivity"].get<double>(), 4.5, 0.45);
  const auto config =
      run("replay " + scene("g_ts50_slice_sand") + common + scene("z_air_only") + " --print-config",
          false);
  ASSERT_EQ(config.status, 0) << config.output;
  const auto cfar = nlohmann::json::parse(config.output)["detector"];
  EXPECT_NEAR(cfar["geometry"]["relative_permittivity"].get<double>(), 4.5, 0.045);
  EXPECT_GT(cfar["soil_permittivity_sigma"].get<double>(), 0.0);
  EXPECT_NEAR(cfar["geometry"]["antenna_height_m"].get<double>(), 0.02, 0.0005);
  const auto wrong =
      run("replay " + scene("g_ts50_slice_sand") + common + scene("g_ts50_slice_sand"));
  EXPECT_NE(wrong.status, 0);
  EXPECT_NE(wrong.output.find("--air-shot"), std::string::npos) << wrong.output;
  EXPECT_NE(wrong.output.find("does not fit a flat half-space"), std::string::npos) << wrong.output;
}

TEST_F(Cli, InfoDescribesAFieldFile) {
  const fs::path dzt = fs::path(DEMINER_SHARED_DATA) /
                       "recordings/NSGeophysics/GPRPy/gprpy/exampledata/GSSI/FILE____032.DZT";
  if (!fs::exists(dzt)) GTEST_SKIP() << "shared data absent: " << dzt;
  const auto info = run("info " + dzt.string() + " --json", false);
  ASSERT_EQ(info.status, 0);
  const auto json = nlohmann::json::parse(info.output);
  // MANIFEST.md: 1040 traces x 512 samples, 16-bit, 48 ns range, antenna "400MHz".
  EXPECT_EQ(json["format"], "gssi-dzt");
  EXPECT_EQ(json["traces_per_channel"], 1040);
  EXPECT_EQ(json["samples_per_trace"], 512);
  EXPECT_EQ(json["antenna"], "400MHz");
  EXPECT_DOUBLE_EQ(json["antenna_frequency_hz"].get<double>(), 400e6);
  EXPECT_NEAR(json["dt_s"].get<double>() * 512, 48e-9, 1e-15);
}

TEST_F(Cli, HelpExplainsTheCommands) {
  const auto help = run("--help");
  EXPECT_EQ(help.status, 0);
  EXPECT_NE(help.output.find("simulate"), std::string::npos);
  EXPECT_NE(help.output.find("replay"), std::string::npos);
  const auto replay_help = run("replay --help");
  EXPECT_NE(replay_help.output.find("--truth"), std::string::npos);
  EXPECT_NE(replay_help.output.find("--picture"), std::string::npos);
}

TEST_F(Cli, PrintedSceneRoundTripsThroughSimulate) {
  const auto scene = run("simulate --print-scene", false);
  ASSERT_EQ(scene.status, 0);
  {
    std::ofstream file(path("scene.json"));
    file << scene.output;
  }
  const auto again = run("simulate --scene " + path("scene.json") + " --print-scene", false);
  EXPECT_EQ(nlohmann::json::parse(again.output), nlohmann::json::parse(scene.output));
}

}  // namespace
