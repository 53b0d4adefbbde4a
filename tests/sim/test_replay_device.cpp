// The replay device: a recording or a simulation through the live decoder, pacing, fault
// injection with exact accounting, disconnects, and option errors.
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>

#include "deminer/drivers/link/payloads.hpp"
#include "deminer/dsp/core/error.hpp"
#include "deminer/sim/device/replay_device.hpp"
#include "deminer/sim/formats/trace_file.hpp"
#include "deminer/sim/gpr/scene.hpp"
#include "scratch_dir.hpp"

namespace {

namespace link = deminer::drivers::link;
using deminer::drivers::ReadStatus;
using namespace std::chrono_literals;

class ReplayDevice : public ::testing::Test {
 protected:
  // A simulated scene written as a deminer recording; returns its traces.
  std::vector<deminer::dsp::Trace> write_scene(std::size_t traces) {
    auto config = deminer::sim::default_gpr_scene();
    config.trace_count = traces;
    config.samples_per_trace = 128;
    config.dt_s = 0.1e-9;
    auto scene = deminer::sim::simulate_gpr_scene(config);
    deminer::sim::formats::FileInfo info;
    info.dt_s = config.dt_s;
    info.samples_per_trace = config.samples_per_trace;
    auto writer = deminer::sim::formats::create_trace_file(path_, info);
    for (const auto& t : scene.traces) writer->write(t.view());
    writer->close();
    return scene.traces;
  }

  struct Played {
    std::vector<deminer::dsp::Trace> traces;
    std::vector<ReadStatus> events;  // every status other than frame/timeout, in order
    std::size_t descriptions = 0;
  };
  static Played play(deminer::drivers::Device& device) {
    Played played;
    for (int guard = 0; guard < 1'000'000; ++guard) {
      const auto result = device.read(100ms);
      if (result.status == ReadStatus::end_of_stream) break;
      if (result.status == ReadStatus::timeout) continue;
      if (result.status != ReadStatus::frame) {
        played.events.push_back(result.status);
        continue;
      }
      if (result.header.type == link::FrameType::device_description) {
        ++played.descriptions;
        continue;
      }
      deminer::dsp::Trace trace;
      trace.samples.resize(4096);
      const auto decoded = link::decode_trace_payload(result.payload, trace.header, trace.samples);
      EXPECT_EQ(decoded.status, link::TracePayloadStatus::ok);
      trace.samples.resize(decoded.sample_count);
      played.traces.push_back(std::move(trace));
    }
    return played;
  }

  deminer::test::ScratchDir dir_;
  std::string path_ = (dir_ / "scene.dmr").string();
};

void expect_same(const deminer::dsp::Trace& a, const deminer::dsp::Trace& b) {
  EXPECT_EQ(a.header.sequence, b.header.sequence);
  EXPECT_EQ(a.header.position_m, b.header.position_m);
  EXPECT_EQ(a.header.timestamp_ns, b.header.timestamp_ns);
  EXPECT_EQ(a.samples, b.samples);
}

TEST_F(ReplayDevice, PlaysEveryTraceOfARecordingBitForBit) {
  const auto source = write_scene(60);
  auto device = deminer::sim::open_device("replay://" + path_ + "?rate=max");
  ASSERT_TRUE(device->description().has_value());
  EXPECT_EQ(device->description()->samples_per_trace, 128u);
  const auto played = play(*device);
  ASSERT_EQ(played.traces.size(), source.size());
  for (std::size_t i = 0; i < source.size(); ++i) expect_same(played.traces[i], source[i]);
  EXPECT_EQ(played.descriptions, 1u);
  EXPECT_TRUE(played.events.empty());
  EXPECT_EQ(device->read(1ms).status, ReadStatus::end_of_stream);  // and stays there
  EXPECT_EQ(device->counters().frames, 61u);
}

TEST_F(ReplayDevice, FaultsAreEachCountedAndEveryIntactTraceArrivesUnchanged) {
  const auto source = write_scene(2000);
  auto opened = deminer::sim::open_device(
      "replay://" + path_ + "?rate=max&drop=0.01&corrupt=0.01&burst=0.005&fault_seed=7");
  auto& device = dynamic_cast<deminer::sim::ReplayDevice&>(*opened);
  const auto played = play(device);
  const auto& faults = device.faults();
  const auto c = device.counters();
  EXPECT_GT(faults.dropped, 5u);
  EXPECT_GT(faults.corrupted, 5u);
  EXPECT_GT(faults.bursts, 2u);
  const std::set<std::uint64_t> damaged(faults.damaged_trace_sequences.begin(),
                                        faults.damaged_trace_sequences.end());
  // Every damaged frame is missing, and counted as lost by the receiver's sequence check
  // (none of the faults hit the last frame with this seed, so every loss is followed by a frame).
  ASSERT_FALSE(damaged.contains(source.back().header.sequence));
  EXPECT_EQ(played.traces.size() + damaged.size(), source.size());
  EXPECT_EQ(c.frames_lost, damaged.size());
  // Each damaged (not dropped) frame left a trace in the error counters, at most one each.
  const std::uint64_t damaged_sent = damaged.size() - faults.dropped;
  EXPECT_LE(c.crc_errors + c.header_errors, damaged_sent);
  EXPECT_GT(c.crc_errors + c.header_errors, damaged_sent / 2);
  EXPECT_GT(c.bytes_skipped, 0u);
  EXPECT_FALSE(played.events.empty());
  for (const auto e : played.events) EXPECT_EQ(e, ReadStatus::corruption);
  std::size_t next = 0;
  for (const auto& trace : played.traces) {
    while (damaged.contains(source[next].header.sequence)) ++next;
    expect_same(trace, source[next++]);
  }
}

TEST_F(ReplayDevice, ADisconnectIsReportedThenStreamingResumes) {
  const auto source = write_scene(100);
  auto device =
      deminer::sim::open_device("replay://" + path_ + "?rate=max&disconnect_after=30&outage=5");
  const auto played = play(*device);
  ASSERT_EQ(played.events.size(), 1u);
  EXPECT_EQ(played.events[0], ReadStatus::disconnected);
  EXPECT_EQ(played.traces.size(), 95u);
  EXPECT_EQ(played.descriptions, 2u);  // the head describes itself again after the reconnect
  expect_same(played.traces[30], source[35]);
  const auto c = device->counters();
  EXPECT_EQ(c.disconnects, 1u);
  EXPECT_EQ(c.reconnects, 1u);
  EXPECT_EQ(c.frames_lost, 5u);
}

TEST_F(ReplayDevice, FixedRatePacesTheTraces) {
  write_scene(21);
  auto device = deminer::sim::open_device("replay://" + path_ + "?rate=200");
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(play(*device).traces.size(), 21u);
  // 20 intervals of 5 ms: a lower bound only (a loaded machine may be slower, never faster).
  EXPECT_GE(std::chrono::steady_clock::now() - start, 95ms);
}

TEST_F(ReplayDevice, TheSimulatorIsADevice) {
  auto device = deminer::sim::open_device("sim://gpr?traces=25&seed=3&rate=max");
  const auto played = play(*device);
  ASSERT_EQ(played.traces.size(), 25u);
  auto config = deminer::sim::default_gpr_scene();
  config.trace_count = 25;
  config.seed = 3;
  const auto scene = deminer::sim::simulate_gpr_scene(config);
  for (std::size_t i = 0; i < 25; ++i) expect_same(played.traces[i], scene.traces[i]);
}

TEST_F(ReplayDevice, BadUrisSayWhatIsValid) {
  write_scene(2);
  const auto error_of = [](const std::string& uri) -> std::string {
    try {
      (void)deminer::sim::open_device(uri);
    } catch (const deminer::Error& e) {
      return e.what();
    }
    return "";
  };
  const auto contains = [](const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
  };
  EXPECT_TRUE(contains(error_of("replay://" + path_ + "?speed=2"),
                       "valid options: channel, rate, drop, corrupt, burst, disconnect_after, "
                       "outage, fault_seed"));
  EXPECT_TRUE(contains(error_of("replay://" + path_ + "?rate=fast"), "realtime, max"));
  EXPECT_TRUE(contains(error_of("replay://" + path_ + "?drop=2"), "[0, 1]"));
  EXPECT_TRUE(contains(error_of("replay://" + path_ + "?channel=3"), "1 channel(s)"));
  EXPECT_TRUE(contains(error_of("replay://" + (dir_ / "missing.dmr").string()), "missing.dmr"));
  EXPECT_TRUE(contains(error_of("sim://md"), "deminer simulate --md"));
  EXPECT_TRUE(contains(error_of("sim://radar"), "available: sim://gpr"));
  EXPECT_TRUE(contains(error_of("sim://gpr?seed=1&colour=red"), "valid options: seed, traces"));
  EXPECT_TRUE(contains(error_of("ftp://x"), "udp://0.0.0.0:5005"));
  EXPECT_TRUE(contains(error_of("serial:///dev/no-such-port"), "No such file"));
}

}  // namespace
