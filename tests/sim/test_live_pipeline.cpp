// End to end with real links: a virtual sensor head -> pseudo-terminal or loopback UDP -> the
// serial/UDP driver -> the runtime (acquisition thread, lock-free queues, DSP thread running the
// GPR pipeline) -> detections, compared with replaying the same recording offline.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <future>
#include <optional>
#include <set>
#include <thread>

#include "allocation_counter.hpp"
#include "deminer/drivers/runtime/gpr_processor.hpp"
#include "deminer/drivers/runtime/runtime.hpp"
#include "deminer/drivers/transport/serial.hpp"
#include "deminer/drivers/transport/udp.hpp"
#include "deminer/sim/device/serve.hpp"
#include "deminer/sim/device/virtual_head.hpp"
#include "deminer/sim/formats/trace_file.hpp"
#include "deminer/sim/gpr/scene.hpp"
#include "scratch_dir.hpp"

namespace {

namespace dsp = deminer::dsp;
namespace drivers = deminer::drivers;
namespace sim = deminer::sim;
using namespace std::chrono_literals;

// Waits (generously: the machine may be loaded) for a condition.
template <typename F>
bool eventually(F&& condition, std::chrono::seconds limit = 30s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(2ms);
  }
  return true;
}

// The GPR pipeline, counting the DSP thread's allocations between two traces, and optionally
// slow (to make the producer faster than the consumer).
class ObservedPipeline final : public drivers::TraceProcessor {
 public:
  ObservedPipeline(const dsp::GprPipeline::Config& config, std::chrono::microseconds work = 0us)
      : inner_(config), work_(work) {}
  std::size_t process(const dsp::TraceView& trace,
                      std::span<dsp::Detection> out) noexcept override {
    if (work_.count() > 0) {
      const auto until = std::chrono::steady_clock::now() + work_;
      while (std::chrono::steady_clock::now() < until) {
      }
    }
    if (trace.header.sequence == 10) counter_.emplace();
    const std::size_t n = inner_.process(trace, out);
    if (trace.header.sequence == 150 && counter_) {
      allocations.store(static_cast<long>(counter_->count()));
      counter_.reset();
    }
    return n;
  }
  std::size_t flush(std::span<dsp::Detection> out) noexcept override { return inner_.flush(out); }
  std::atomic<long> allocations{-1};

 private:
  drivers::GprPipelineProcessor inner_;
  std::chrono::microseconds work_;
  std::optional<deminer::test::AllocationCounter> counter_;
};

std::vector<dsp::Detection> drain(drivers::Runtime& runtime) {
  std::vector<dsp::Detection> all;
  std::array<drivers::RuntimeOutput, 16> batch{};
  while (const std::size_t n = runtime.pop_detections(batch)) {
    for (std::size_t i = 0; i < n; ++i) all.push_back(batch[i].detection);
  }
  return all;
}

void expect_identical(const std::vector<dsp::Detection>& live,
                      const std::vector<dsp::Detection>& offline) {
  ASSERT_EQ(live.size(), offline.size());
  for (std::size_t i = 0; i < live.size(); ++i) {
    EXPECT_EQ(live[i].sequence, offline[i].sequence) << i;
    EXPECT_EQ(live[i].position_m, offline[i].position_m) << i;
    EXPECT_EQ(live[i].depth_m, offline[i].depth_m) << i;
    EXPECT_EQ(live[i].time_s, offline[i].time_s) << i;
    EXPECT_EQ(live[i].score, offline[i].score) << i;
  }
}

class LivePipeline : public ::testing::Test {
 protected:
  // A scene written as a recording (the offline reference reads the file, the head streams it).
  void write_scene(std::size_t traces, std::size_t targets) {
    auto config = sim::default_gpr_scene();
    config.trace_count = traces;
    config.targets.clear();
    for (std::size_t k = 0; k < targets; ++k) {
      const double depths[] = {0.05, 0.10, 0.18};
      config.targets.push_back(
          {0.35 + 0.9 * static_cast<double>(k), depths[k % 3], k % 2 == 0 ? 0.1 : -0.1});
    }
    const auto scene = sim::simulate_gpr_scene(config);
    target_x_m_.clear();
    for (const auto& t : config.targets) target_x_m_.push_back(t.x_m);
    sim::formats::FileInfo info;
    info.dt_s = config.dt_s;
    info.samples_per_trace = config.samples_per_trace;
    auto writer = sim::formats::create_trace_file(path_, info);
    for (const auto& t : scene.traces) writer->write(t.view());
    writer->close();
    pipeline_config_.samples_per_trace = config.samples_per_trace;
  }

  std::vector<dsp::Detection> offline() const {
    auto reader = sim::formats::open_trace_file(path_);
    dsp::GprPipeline pipeline(pipeline_config_);
    std::vector<dsp::Detection> detections;
    std::array<dsp::Detection, 4> found{};
    dsp::Trace trace;
    while (reader->next_trace(trace)) {
      const std::size_t n = pipeline.process(trace.view(), found);
      detections.insert(detections.end(), found.begin(), found.begin() + static_cast<long>(n));
    }
    const std::size_t n = pipeline.flush(found);
    detections.insert(detections.end(), found.begin(), found.begin() + static_cast<long>(n));
    return detections;
  }

  struct SerialRun {
    std::vector<dsp::Detection> detections;
    drivers::RuntimeCounters counters;
    sim::FaultCounts faults;
  };

  // Serves the recording over a pty (with `head_options`) into a runtime on serial://LINK; waits
  // for the final hang-up (`expected_disconnects` in all), stops, returns what came out.
  SerialRun run_over_pty(const sim::VirtualHeadOptions& head_options,
                         drivers::TraceProcessor& processor, const drivers::RuntimeConfig& config,
                         std::uint64_t expected_disconnects) {
    sim::VirtualHead head(sim::open_trace_source(path_), head_options);
    sim::ServeOptions serve;
    serve.link_path = (dir_ / "head").string();
    serve.outage = 50ms;
    std::promise<void> attached;
    std::atomic<bool> stop{false};
    bool first = true;
    std::thread server([&] {
      sim::serve_serial(
          head, serve,
          [&](const std::string&) {
            if (std::exchange(first, false)) attached.set_value();
          },
          stop);
    });
    attached.get_future().wait();
    SerialRun run;
    {
      drivers::Runtime runtime(
          drivers::open_serial_device("serial://" + serve.link_path + "?reconnect_ms=5"), processor,
          config);
      runtime.start();
      server.join();
      EXPECT_TRUE(eventually(
          [&] { return runtime.counters().device.disconnects >= expected_disconnects; }));
      runtime.stop();
      run.detections = drain(runtime);
      run.counters = runtime.counters();
    }
    run.faults = head.faults();
    return run;
  }

  deminer::test::ScratchDir dir_;
  std::string path_ = (dir_ / "scene.dmr").string();
  dsp::GprPipeline::Config pipeline_config_ = dsp::GprPipeline::default_config();
  std::vector<double> target_x_m_;
};

sim::VirtualHeadOptions at_max_rate() {
  sim::VirtualHeadOptions options;
  options.pace.mode = deminer::drivers::Pace::max;
  return options;
}

drivers::RuntimeConfig lossless() {
  drivers::RuntimeConfig config;
  config.overflow = drivers::OverflowPolicy::wait;
  return config;
}

TEST_F(LivePipeline, OverAPseudoTerminalDetectionsEqualTheOfflineReplay) {
  write_scene(300, 3);
  const auto reference = offline();
  ASSERT_GE(reference.size(), 3u);
  ObservedPipeline processor(pipeline_config_);
  const auto run = run_over_pty(at_max_rate(), processor, lossless(), 1);
  expect_identical(run.detections, reference);
  EXPECT_EQ(run.counters.traces_processed, 300u);
  EXPECT_EQ(run.counters.device.frames_lost + run.counters.device.crc_errors, 0u);
  EXPECT_EQ(run.counters.overflows, 0u);
  EXPECT_EQ(processor.allocations.load(), 0) << "the DSP thread allocated (-1: hook never ran)";
}

TEST_F(LivePipeline, OverLoopbackUdpDetectionsEqualTheOfflineReplay) {
  write_scene(300, 3);
  const auto reference = offline();
  ObservedPipeline processor(pipeline_config_);
  auto device = drivers::open_udp_device("udp://127.0.0.1:0?silence_ms=60000");
  drivers::UdpSender sender("127.0.0.1", device->local_port());
  drivers::Runtime runtime(std::move(device), processor, lossless());
  runtime.start();
  sim::VirtualHead head(sim::open_trace_source(path_), at_max_rate());
  std::atomic<bool> stop{false};
  // Flow control for the test only: UDP has none, and a loaded machine could otherwise overrun
  // the socket buffer (that case is the overflow test's).
  sim::serve_udp(head, sender, {}, stop, [&](std::uint64_t sent) {
    eventually([&] { return runtime.counters().device.frames + 32 > sent; });
  });
  ASSERT_TRUE(eventually([&] { return runtime.counters().traces_processed == 300; }));
  runtime.stop();  // flushes the detector, like the end of the offline replay
  expect_identical(drain(runtime), reference);
  EXPECT_EQ(runtime.counters().device.overflows, 0u);
  EXPECT_EQ(processor.allocations.load(), 0);
}

TEST_F(LivePipeline, CorruptedAndDroppedFramesAreCountedAndIntactTargetsUnchanged) {
  write_scene(900, 9);
  const auto reference = offline();
  auto options = at_max_rate();
  options.faults.drop = 0.01;
  options.faults.corrupt = 0.01;
  options.faults.seed = 3;
  ObservedPipeline processor(pipeline_config_);
  const auto run = run_over_pty(options, processor, lossless(), 1);
  const auto& faults = run.faults;
  ASSERT_GT(faults.dropped, 0u);
  ASSERT_GT(faults.corrupted, 0u);
  const std::set<std::uint64_t> damaged(faults.damaged_trace_sequences.begin(),
                                        faults.damaged_trace_sequences.end());
  // Every bad frame is counted: lost in the sequence check, and the corrupted ones as errors.
  EXPECT_EQ(run.counters.device.frames_lost, damaged.size());
  EXPECT_LE(run.counters.device.crc_errors + run.counters.device.header_errors, faults.corrupted);
  EXPECT_GT(run.counters.device.crc_errors + run.counters.device.header_errors, 0u);
  EXPECT_EQ(run.counters.traces_processed, 900 - damaged.size());
  EXPECT_GT(run.counters.corruption_events, 0u);

  // A target whose own frames (apex ± the detector's fit window) all arrived is found again at
  // the same place; the lost traces elsewhere only nudge the background estimate.
  std::size_t intact = 0;
  for (const auto& d : reference) {
    bool on_target = false;  // offline detections between targets (side lobes) are not targets
    for (const double x : target_x_m_) on_target = on_target || std::abs(d.position_m - x) < 0.05;
    if (!on_target) continue;
    bool clean = true;
    for (std::uint64_t s = d.sequence > 15 ? d.sequence - 15 : 0; s <= d.sequence + 15; ++s) {
      clean = clean && !damaged.contains(s);
    }
    if (!clean) continue;
    ++intact;
    bool found = false;
    for (const auto& live : run.detections) {
      found = found || (std::abs(live.position_m - d.position_m) < 0.01 &&
                        std::abs(live.depth_m - d.depth_m) < 0.01);
    }
    double nearest = 1e9;
    for (const auto& live : run.detections) {
      if (std::abs(live.position_m - d.position_m) < std::abs(nearest - d.position_m)) {
        nearest = live.position_m;
      }
    }
    EXPECT_TRUE(found) << "target at " << d.position_m << " m, depth " << d.depth_m
                       << "; nearest live detection at " << nearest << " m";
  }
  EXPECT_GE(intact, 3u) << "the fault seed leaves too few intact targets to test";
}

TEST_F(LivePipeline, ProducerFasterThanConsumerCountsOverflowsWithoutDeadlock) {
  write_scene(300, 3);
  ObservedPipeline slow(pipeline_config_, 1000us);
  drivers::RuntimeConfig config;
  config.slots = 4;
  config.overflow = drivers::OverflowPolicy::drop_newest;
  const auto run = run_over_pty(at_max_rate(), slow, config, 1);  // returns: no deadlock
  const auto& c = run.counters;
  EXPECT_GT(c.overflows, 0u);
  EXPECT_EQ(c.traces_processed + c.overflows, c.frames_received - c.other_frames);
  EXPECT_EQ(c.frames_received - c.other_frames, 300u);  // the reader itself lost nothing
}

TEST_F(LivePipeline, UnpluggingThePtyIsReportedAndStreamingResumes) {
  write_scene(160, 2);
  auto options = at_max_rate();
  options.faults.disconnect_after = 60;
  options.faults.outage_frames = 5;
  ObservedPipeline processor(pipeline_config_);
  const auto run = run_over_pty(options, processor, lossless(), 2);
  EXPECT_EQ(run.counters.device.disconnects, 2u);  // the pulled cable and the final hang-up
  EXPECT_EQ(run.counters.device.reconnects, 1u);
  EXPECT_EQ(run.counters.traces_processed, 155u);
  EXPECT_EQ(run.counters.device.frames_lost, 5u);
}

TEST_F(LivePipeline, StoppingTheUdpSenderIsReportedAndStreamingResumes) {
  write_scene(160, 2);
  ObservedPipeline processor(pipeline_config_);
  auto device = drivers::open_udp_device("udp://127.0.0.1:0?silence_ms=100");
  drivers::UdpSender sender("127.0.0.1", device->local_port());
  drivers::Runtime runtime(std::move(device), processor, lossless());
  runtime.start();
  auto options = at_max_rate();
  options.faults.disconnect_after = 60;
  options.faults.outage_frames = 5;
  sim::VirtualHead head(sim::open_trace_source(path_), options);
  sim::ServeOptions serve;
  serve.outage = 400ms;  // well beyond the receiver's 100 ms of silence
  std::atomic<bool> stop{false};
  sim::serve_udp(head, sender, serve, stop, [&](std::uint64_t sent) {
    eventually([&] { return runtime.counters().device.frames + 32 > sent; });
  });
  ASSERT_TRUE(eventually([&] { return runtime.counters().device.disconnects == 2; }));
  runtime.stop();
  const auto c = runtime.counters();
  EXPECT_EQ(c.device.reconnects, 1u);
  EXPECT_EQ(c.traces_processed, 155u);
  EXPECT_EQ(c.device.frames_lost, 5u);
}

}  // namespace
