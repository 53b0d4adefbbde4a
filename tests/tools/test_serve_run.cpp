// `deminer serve` and `deminer run` as a user runs them: a virtual sensor head on a
// pseudo-terminal or UDP, the live pipeline reading it, detections equal to `deminer replay`.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>

#include "cli_runner.hpp"
#include "deminer/drivers/transport/udp.hpp"
#include "scratch_dir.hpp"

namespace {

using Result = deminer::test::CliResult;

Result run(const std::string& arguments, bool merge_stderr = true) {
  return deminer::test::run_cli(arguments, merge_stderr);
}

// The detections of `deminer run --json` (one object per line, then a summary line).
nlohmann::json run_detections(const std::string& output, nlohmann::json* summary = nullptr) {
  nlohmann::json detections = nlohmann::json::array();
  std::istringstream lines(output);
  std::string line;
  while (std::getline(lines, line)) {
    const auto item = nlohmann::json::parse(line);
    if (item.contains("summary")) {
      if (summary != nullptr) *summary = item["summary"];
    } else {
      detections.push_back(item);
    }
  }
  return detections;
}

class ServeRun : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(run("simulate --out " + recording_).status, 0);
    const auto replay = run("replay " + recording_ + " --json", false);
    ASSERT_EQ(replay.status, 0) << replay.output;
    reference_ = nlohmann::json::parse(replay.output)["detections"];
    ASSERT_FALSE(reference_.empty());
  }

  void expect_same_detections(const nlohmann::json& live) const {
    ASSERT_EQ(live.size(), reference_.size()) << live.dump(1);
    for (std::size_t i = 0; i < live.size(); ++i) {
      for (const char* key : {"position_m", "depth_m", "time_s", "score", "sequence"}) {
        EXPECT_EQ(live[i][key], reference_[i][key]) << key << " of detection " << i;
      }
    }
  }

  deminer::test::ScratchDir dir_;
  std::string recording_ = (dir_ / "scene.dmr").string();
  nlohmann::json reference_;
};

TEST_F(ServeRun, ServeOnAPtyThenRunGivesTheReplaysDetections) {
  FILE* serve = popen(
      (std::string(DEMINER_CLI) + " serve --on serial --rate max " + recording_ + " 2>/dev/null")
          .c_str(),
      "r");
  ASSERT_NE(serve, nullptr);
  char line[512] = {};
  ASSERT_NE(std::fgets(line, sizeof line, serve), nullptr);
  std::string uri(line);
  uri.erase(uri.find_last_not_of("\r\n") + 1);
  ASSERT_EQ(uri.rfind("serial:///dev/", 0), 0u) << uri;

  // A pty at full speed outruns the DSP: --overflow wait makes the reader wait instead of
  // dropping (the default for a live head), so the comparison is exact.
  const auto live =
      run("run " + uri + " --json --until-disconnect --overflow wait --stats 0", false);
  EXPECT_EQ(pclose(serve), 0);
  ASSERT_EQ(live.status, 0) << live.output;
  nlohmann::json summary;
  expect_same_detections(run_detections(live.output, &summary));
  EXPECT_EQ(summary["traces"], 160);
  EXPECT_EQ(summary["frames_lost"], 0);
  EXPECT_EQ(summary["disconnects"], 1);
}

TEST_F(ServeRun, ServeOverUdpThenRunGivesTheReplaysDetections) {
  std::uint16_t port = 0;
  {
    const auto probe = deminer::drivers::open_udp_device("udp://127.0.0.1:0");
    port = probe->local_port();
  }
  const std::string log = (dir_ / "run.log").string();
  FILE* reader = popen((std::string(DEMINER_CLI) + " run 'udp://127.0.0.1:" + std::to_string(port) +
                        "?silence_ms=500' --json --until-disconnect " + "--stats 0 2>" + log)
                           .c_str(),
                       "r");
  ASSERT_NE(reader, nullptr);
  // The receiver says when its socket is open; wait for it (generously, the machine is shared).
  bool open = false;
  for (int i = 0; i < 3000 && !open; ++i) {
    std::ifstream in(log);
    std::stringstream text;
    text << in.rdbuf();
    open = text.str().find(" open ") != std::string::npos;
    if (!open) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(open);
  const auto serve =
      run("serve --on udp --rate 1000 --to 127.0.0.1:" + std::to_string(port) + " " + recording_);
  EXPECT_EQ(serve.status, 0) << serve.output;
  std::string output;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, reader) != nullptr) output += buffer;
  ASSERT_EQ(pclose(reader), 0) << output;
  nlohmann::json summary;
  expect_same_detections(run_detections(output, &summary));
  EXPECT_EQ(summary["traces"], 160);
}

TEST_F(ServeRun, RunReportsFaultCountersFromAReplayDevice) {
  const auto live = run("run 'replay://" + recording_ +
                            "?rate=max&drop=0.02&corrupt=0.02&fault_seed=2' --json --stats 0",
                        false);
  ASSERT_EQ(live.status, 0) << live.output;
  nlohmann::json summary;
  (void)run_detections(live.output, &summary);
  EXPECT_GT(summary["frames_lost"].get<int>(), 0);
  EXPECT_GT(summary["crc_errors"].get<int>() + summary["header_errors"].get<int>(), 0);
  EXPECT_EQ(summary["traces"].get<int>() + summary["frames_lost"].get<int>(), 160);
}

TEST_F(ServeRun, BadDevicesAndOptionsSayWhatIsValid) {
  const auto scheme = run("run tcp://host:1");
  EXPECT_EQ(scheme.status, 1);
  EXPECT_NE(scheme.output.find("serial:///dev/ttyUSB0?baud=921600"), std::string::npos)
      << scheme.output;
  const auto option = run("run 'replay://" + recording_ + "?speed=2'");
  EXPECT_EQ(option.status, 1);
  EXPECT_NE(option.output.find("valid options: channel, rate"), std::string::npos) << option.output;
  const auto md = run("run sim://md");
  EXPECT_NE(md.output.find("deminer simulate --md"), std::string::npos) << md.output;
  const auto link = run("serve --on tcp " + recording_);
  EXPECT_NE(link.status, 0);
  EXPECT_NE(link.output.find("serial"), std::string::npos) << link.output;
  const auto rate = run("serve --on udp --rate fast " + recording_);
  EXPECT_EQ(rate.status, 1);
  EXPECT_NE(rate.output.find("realtime, max"), std::string::npos) << rate.output;
}

}  // namespace
