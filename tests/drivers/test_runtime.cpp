// The runtime with a scripted in-memory device: order and content, overflow policies, detection
// queue, lock-free parameter changes, disconnects, clean stop, and no allocation on the DSP thread.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <optional>
#include <stdexcept>
#include <vector>

#include "allocation_counter.hpp"
#include "deminer/drivers/link/md_payloads.hpp"
#include "deminer/drivers/link/payloads.hpp"
#include "deminer/drivers/runtime/gpr_processor.hpp"
#include "deminer/drivers/runtime/runtime.hpp"

namespace {

namespace link = deminer::drivers::link;
namespace dsp = deminer::dsp;
using deminer::drivers::DeviceCounters;
using deminer::drivers::OverflowPolicy;
using deminer::drivers::ReadResult;
using deminer::drivers::ReadStatus;
using deminer::drivers::Runtime;
using deminer::drivers::RuntimeConfig;
using deminer::drivers::RuntimeOutput;
using namespace std::chrono_literals;

std::vector<dsp::Trace> ramp_traces(std::size_t count, std::size_t samples) {
  std::vector<dsp::Trace> traces(count);
  for (std::size_t t = 0; t < count; ++t) {
    traces[t].header.dt_s = 1e-10;
    traces[t].header.sequence = t;
    for (std::size_t i = 0; i < samples; ++i) {
      traces[t].samples.push_back(std::sin(0.01f * static_cast<float>(t * samples + i)));
    }
  }
  return traces;
}

// Plays traces as frames as fast as they are read; optionally forever, with one disconnect.
class ScriptedDevice final : public deminer::drivers::Device {
 public:
  ScriptedDevice(std::vector<dsp::Trace> traces, bool endless = false,
                 std::optional<std::size_t> disconnect_before = {})
      : traces_(std::move(traces)), endless_(endless), disconnect_before_(disconnect_before) {
    std::size_t largest = 0;
    for (const auto& t : traces_) largest = std::max(largest, t.samples.size());
    payload_.resize(link::trace_payload_size(largest));
  }
  ReadResult read(std::chrono::nanoseconds) noexcept override {
    ReadResult result;
    result.received_ns = deminer::drivers::monotonic_ns();
    if (disconnect_before_ && next_ == *disconnect_before_) {
      disconnect_before_.reset();
      result.status = ReadStatus::disconnected;
      return result;
    }
    if (next_ == traces_.size()) {
      if (!endless_) {
        result.status = ReadStatus::end_of_stream;
        return result;
      }
      next_ = 0;
    }
    const auto& trace = traces_[next_++];
    const std::size_t n = link::encode_trace_payload(trace.view(), payload_);
    result.status = ReadStatus::frame;
    result.header.sequence = static_cast<std::uint32_t>(sequence_++);
    result.payload = std::span<const std::byte>(payload_).first(n);
    frames_.fetch_add(1);
    return result;
  }
  DeviceCounters counters() const noexcept override {
    DeviceCounters c;
    c.frames = frames_.load();
    return c;
  }
  const std::string& uri() const noexcept override { return uri_; }
  const std::optional<link::DeviceDescription>& description() const noexcept override {
    return description_;
  }
  std::size_t max_payload_bytes() const noexcept override { return payload_.size(); }

 private:
  std::vector<dsp::Trace> traces_;
  bool endless_;
  std::optional<std::size_t> disconnect_before_;
  std::size_t next_ = 0;
  std::uint64_t sequence_ = 0;
  std::vector<std::byte> payload_;
  std::atomic<std::uint64_t> frames_{0};
  std::string uri_ = "scripted://";
  std::optional<link::DeviceDescription> description_;
};

// Records what it saw (preallocated) and reports every 10th trace as a detection scored with
// the trace's sample sum; can be made slow.
class RecordingProcessor final : public deminer::drivers::TraceProcessor {
 public:
  explicit RecordingProcessor(std::size_t capacity, std::chrono::microseconds work = 0us)
      : work_(work) {
    sequences.reserve(capacity);
  }
  std::size_t process(const dsp::TraceView& trace,
                      std::span<dsp::Detection> out) noexcept override {
    if (work_.count() > 0) {
      const auto until = std::chrono::steady_clock::now() + work_;
      while (std::chrono::steady_clock::now() < until) {
      }
    }
    if (sequences.size() < sequences.capacity()) sequences.push_back(trace.header.sequence);
    if (trace.header.sequence % 10 != 0) return 0;
    double sum = 0.0;
    for (const float v : trace.samples) sum += v;
    out[0] = dsp::Detection{};
    out[0].sequence = trace.header.sequence;
    out[0].score = static_cast<float>(sum);
    return 1;
  }
  std::size_t flush(std::span<dsp::Detection>) noexcept override {
    flushes.fetch_add(1);
    return 0;
  }
  bool apply(const deminer::drivers::ParameterChange& change) noexcept override {
    if (change.id != 7) return false;
    last_value.store(change.value);
    return true;
  }

  std::vector<std::uint64_t> sequences;
  std::atomic<int> flushes{0};
  std::atomic<double> last_value{0.0};

 private:
  std::chrono::microseconds work_;
};

std::vector<RuntimeOutput> drain(Runtime& runtime) {
  std::vector<RuntimeOutput> all;
  std::array<RuntimeOutput, 16> batch{};
  while (const std::size_t n = runtime.pop_detections(batch)) {
    all.insert(all.end(), batch.begin(), batch.begin() + static_cast<long>(n));
  }
  return all;
}

TEST(Runtime, DeliversEveryTraceInOrderAndTheProcessorsDetections) {
  const auto traces = ramp_traces(500, 128);
  RecordingProcessor processor(500);
  RuntimeConfig config;
  config.overflow = OverflowPolicy::wait;
  config.slots = 8;
  Runtime runtime(std::make_unique<ScriptedDevice>(traces), processor, config);
  runtime.start();
  ASSERT_TRUE(runtime.wait_until_finished(20s));
  runtime.stop();

  ASSERT_EQ(processor.sequences.size(), 500u);
  for (std::size_t i = 0; i < 500; ++i) EXPECT_EQ(processor.sequences[i], i);
  const auto detections = drain(runtime);
  ASSERT_EQ(detections.size(), 50u);
  for (std::size_t k = 0; k < 50; ++k) {
    const auto& trace = traces[10 * k];
    double sum = 0.0;  // naive reference, computed here from the source traces
    for (const float v : trace.samples) sum += v;
    EXPECT_EQ(detections[k].detection.sequence, 10 * k);
    EXPECT_EQ(detections[k].detection.score, static_cast<float>(sum));
    EXPECT_LE(detections[k].received_ns, detections[k].output_ns);
  }
  const auto c = runtime.counters();
  EXPECT_TRUE(c.ended);
  EXPECT_EQ(c.frames_received, 500u);
  EXPECT_EQ(c.traces_processed, 500u);
  EXPECT_EQ(c.overflows, 0u);
  EXPECT_EQ(c.detections, 50u);
  EXPECT_EQ(processor.flushes.load(), 1);  // at the end of the stream
  EXPECT_EQ(runtime.latency().count(), 500u);
}

TEST(Runtime, ProducerFasterThanConsumerCountsOverflowsWithoutDeadlock) {
  RecordingProcessor processor(400, 300us);
  RuntimeConfig config;
  config.slots = 4;  // all the memory there is between the threads
  config.overflow = OverflowPolicy::drop_newest;
  Runtime runtime(std::make_unique<ScriptedDevice>(ramp_traces(400, 64)), processor, config);
  runtime.start();
  ASSERT_TRUE(runtime.wait_until_finished(20s)) << "deadlock?";
  runtime.stop();
  const auto c = runtime.counters();
  EXPECT_GT(c.overflows, 0u);
  EXPECT_EQ(c.traces_processed + c.overflows, 400u);
  EXPECT_EQ(processor.sequences.size(), c.traces_processed);
  for (std::size_t i = 1; i < processor.sequences.size(); ++i) {
    EXPECT_LT(processor.sequences[i - 1], processor.sequences[i]);  // order kept, none repeated
  }
}

TEST(Runtime, WaitPolicyLosesNothingWhenTheConsumerIsSlow) {
  RecordingProcessor processor(200, 200us);
  RuntimeConfig config;
  config.slots = 4;
  config.overflow = OverflowPolicy::wait;
  Runtime runtime(std::make_unique<ScriptedDevice>(ramp_traces(200, 64)), processor, config);
  runtime.start();
  ASSERT_TRUE(runtime.wait_until_finished(20s));
  const auto c = runtime.counters();
  EXPECT_EQ(c.traces_processed, 200u);
  EXPECT_EQ(c.overflows, 0u);
  EXPECT_GT(c.overflow_waits, 0u);
}

TEST(Runtime, AFullDetectionQueueCountsDrops) {
  RecordingProcessor processor(500);
  RuntimeConfig config;
  config.overflow = OverflowPolicy::wait;
  config.detection_capacity = 5;
  Runtime runtime(std::make_unique<ScriptedDevice>(ramp_traces(500, 16)), processor, config);
  runtime.start();
  ASSERT_TRUE(runtime.wait_until_finished(20s));
  const auto c = runtime.counters();
  EXPECT_EQ(c.detections, 5u);
  EXPECT_EQ(c.detections_dropped, 45u);
  EXPECT_EQ(drain(runtime).size(), 5u);
}

TEST(Runtime, ParametersReachTheDspThreadWhileItRunsAndStopIsClean) {
  RecordingProcessor processor(10);
  RuntimeConfig config;
  config.overflow = OverflowPolicy::wait;
  config.detection_capacity = 1 << 16;
  Runtime runtime(std::make_unique<ScriptedDevice>(ramp_traces(50, 16), true), processor, config);
  runtime.start();
  const auto wait_for = [&](auto&& condition) {
    for (int i = 0; i < 20000 && !condition(); ++i) std::this_thread::sleep_for(1ms);
    return condition();
  };
  ASSERT_TRUE(wait_for([&] { return runtime.counters().detections > 10; }));

  runtime.set_alarm_threshold(1e30f);  // nothing scores that high: everything is suppressed
  const auto suppressed_before = runtime.counters().detections_suppressed;
  EXPECT_TRUE(
      wait_for([&] { return runtime.counters().detections_suppressed > suppressed_before + 10; }));
  const auto detections_now = runtime.counters().detections;
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(runtime.counters().detections, detections_now);

  ASSERT_TRUE(runtime.set_parameter({7, 2.5}));
  ASSERT_TRUE(runtime.set_parameter({99, 1.0}));
  EXPECT_TRUE(wait_for([&] { return runtime.counters().parameters_rejected == 1; }));
  EXPECT_EQ(runtime.counters().parameters_applied, 1u);
  EXPECT_EQ(processor.last_value.load(), 2.5);

  runtime.stop();  // an endless stream: must still return
  EXPECT_FALSE(runtime.finished());
  EXPECT_GE(processor.flushes.load(), 1);  // stopped mid-stream: pending work reported
}

TEST(Runtime, ADisconnectFlushesAndStreamingResumes) {
  RecordingProcessor processor(300);
  RuntimeConfig config;
  config.overflow = OverflowPolicy::wait;
  Runtime runtime(std::make_unique<ScriptedDevice>(ramp_traces(300, 16), false, 120), processor,
                  config);
  runtime.start();
  ASSERT_TRUE(runtime.wait_until_finished(20s));
  const auto c = runtime.counters();
  EXPECT_EQ(c.disconnects, 1u);
  EXPECT_EQ(c.traces_processed, 300u);
  EXPECT_EQ(processor.flushes.load(), 2);  // the disconnect and the end
}

// A processor that counts the DSP thread's allocations between two traces.
class CountingProcessor final : public deminer::drivers::TraceProcessor {
 public:
  explicit CountingProcessor(const dsp::GprPipeline::Config& config) : inner_(config) {}
  std::size_t process(const dsp::TraceView& trace,
                      std::span<dsp::Detection> out) noexcept override {
    if (trace.header.sequence == 10) counter_.emplace();
    const std::size_t n = inner_.process(trace, out);
    if (trace.header.sequence == 290 && counter_) {
      allocations.store(static_cast<long>(counter_->count()));
      counter_.reset();
    }
    return n;
  }
  std::size_t flush(std::span<dsp::Detection> out) noexcept override { return inner_.flush(out); }
  std::atomic<long> allocations{-1};

 private:
  deminer::drivers::GprPipelineProcessor inner_;
  std::optional<deminer::test::AllocationCounter> counter_;
};

TEST(Runtime, TheDspThreadAllocatesNothingInSteadyState) {
  // Traces shaped like the pipeline's input: a direct wave and a hyperbolic echo.
  auto config = dsp::GprPipeline::default_config();
  const std::size_t samples = config.samples_per_trace;
  auto traces = ramp_traces(300, samples);
  for (std::size_t t = 0; t < traces.size(); ++t) {
    const double x = (static_cast<double>(t) - 150.0) * 0.01;
    const double apex = 120.0 + 400.0 * (std::sqrt(0.01 + x * x) - 0.1);
    for (std::size_t i = 0; i < samples; ++i) {
      const double u = (static_cast<double>(i) - apex) / 4.0;
      const double v = (static_cast<double>(i) - 40.0) / 4.0;
      traces[t].samples[i] = static_cast<float>(0.5 * std::exp(-u * u) + std::exp(-v * v) +
                                                0.01 * traces[t].samples[i]);
    }
  }
  CountingProcessor processor(config);
  RuntimeConfig runtime_config;
  runtime_config.overflow = OverflowPolicy::wait;
  Runtime runtime(std::make_unique<ScriptedDevice>(traces), processor, runtime_config);
  runtime.start();
  ASSERT_TRUE(runtime.wait_until_finished(20s));
  EXPECT_EQ(runtime.counters().traces_processed, 300u);
  EXPECT_EQ(processor.allocations.load(), 0) << "-1: the hook never ran";
}

TEST(Runtime, BadConfigurationNamesTheField) {
  RecordingProcessor processor(1);
  RuntimeConfig config;
  config.slots = 1;
  try {
    Runtime runtime(std::make_unique<ScriptedDevice>(ramp_traces(1, 4)), processor, config);
    FAIL() << "accepted slots = 1";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("RuntimeConfig.slots = 1, valid [2, 65536]"),
              std::string::npos)
        << e.what();
  }
}

// Plays a fixed list of frames (type and payload), then ends.
class FrameListDevice final : public deminer::drivers::Device {
 public:
  struct Frame {
    link::FrameType type;
    std::vector<std::byte> payload;
  };
  explicit FrameListDevice(std::vector<Frame> frames) : frames_(std::move(frames)) {}
  ReadResult read(std::chrono::nanoseconds) noexcept override {
    ReadResult result;
    result.received_ns = deminer::drivers::monotonic_ns();
    if (next_ == frames_.size()) {
      result.status = ReadStatus::end_of_stream;
      return result;
    }
    const Frame& frame = frames_[next_];
    result.status = ReadStatus::frame;
    result.header.type = frame.type;
    result.header.sequence = static_cast<std::uint32_t>(next_++);
    result.payload = frame.payload;
    return result;
  }
  DeviceCounters counters() const noexcept override { return {}; }
  const std::string& uri() const noexcept override { return uri_; }
  const std::optional<link::DeviceDescription>& description() const noexcept override {
    return description_;
  }
  std::size_t max_payload_bytes() const noexcept override { return 1 << 16; }

 private:
  std::vector<Frame> frames_;
  std::size_t next_ = 0;
  std::string uri_ = "frames://";
  std::optional<link::DeviceDescription> description_;
};

FrameListDevice::Frame trace_frame(double position_m, const std::vector<float>& samples) {
  dsp::TraceHeader header;
  header.dt_s = 1e-10;
  header.position_m = position_m;
  std::vector<std::byte> payload(link::trace_payload_size(samples.size()));
  EXPECT_EQ(link::encode_trace_payload({header, samples}, payload), payload.size());
  return {link::FrameType::gpr_trace, payload};
}

FrameListDevice::Frame swept_frame(double position_m, const dsp::SweepPlace& place,
                                   const std::vector<float>& samples) {
  dsp::TraceHeader header;
  header.dt_s = 1e-10;
  header.position_m = position_m;
  std::vector<std::byte> payload(link::swept_trace_payload_size(samples.size()));
  EXPECT_EQ(link::encode_swept_trace_payload({header, samples}, place, payload), payload.size());
  return {link::FrameType::swept_gpr_trace, payload};
}

FrameListDevice::Frame vlf_frame(double advance_m, const std::vector<float>& samples) {
  dsp::md::VlfBlockHeader header;
  header.sample_rate_hz = 100e3;
  header.tone_count = 1;
  header.tone_hz[0] = 10e3;
  header.advance_m = advance_m;
  std::vector<std::byte> payload(link::vlf_block_payload_size(samples.size()));
  EXPECT_EQ(link::encode_vlf_block_payload({header, samples}, payload), payload.size());
  return {link::FrameType::vlf_block, payload};
}

// Logs each call with what it was given (preallocated).
class SensorLog final : public deminer::drivers::TraceProcessor {
 public:
  struct Call {
    char kind = '?';  // 't' plain trace, 's' swept trace, 'b' VLF block
    double position_m = 0.0;
    dsp::SweepPlace place;
    std::size_t samples = 0;
    float first_sample = 0.0f;
  };
  SensorLog() { calls.reserve(64); }
  std::size_t process(const dsp::TraceView& trace, std::span<dsp::Detection>) noexcept override {
    calls.push_back({'t', trace.header.position_m, {}, trace.samples.size(), trace.samples[0]});
    return 0;
  }
  std::size_t process_swept_trace(const dsp::TraceView& trace, const dsp::SweepPlace& place,
                                  std::span<dsp::Detection>) noexcept override {
    calls.push_back({'s', trace.header.position_m, place, trace.samples.size(), trace.samples[0]});
    return 0;
  }
  std::size_t process_vlf_block(const dsp::md::VlfBlockView& block,
                                std::span<dsp::Detection>) noexcept override {
    calls.push_back({'b',
                     block.header.position_m,
                     {block.header.advance_m, 0, false},
                     block.samples.size(),
                     block.samples[0]});
    return 0;
  }
  std::size_t flush(std::span<dsp::Detection>) noexcept override { return 0; }
  std::vector<Call> calls;
};

// A GPR-only processor: it overrides process() alone.
class TraceCounter final : public deminer::drivers::TraceProcessor {
 public:
  std::size_t process(const dsp::TraceView&, std::span<dsp::Detection>) noexcept override {
    ++traces;
    return 0;
  }
  std::size_t flush(std::span<dsp::Detection>) noexcept override { return 0; }
  std::atomic<int> traces{0};
};

std::vector<FrameListDevice::Frame> mixed_frames() {
  std::vector<FrameListDevice::Frame> frames;
  frames.push_back(trace_frame(0.25, {1.0f, 2.0f}));
  frames.push_back(swept_frame(-0.5, {3.75, 7, true}, {3.0f, 4.0f, 5.0f}));
  frames.push_back(vlf_frame(4.5, {6.0f, 7.0f, 8.0f, 9.0f}));
  frames.push_back({link::FrameType::pi_frame, std::vector<std::byte>(8)});  // not for these heads
  auto reserved = swept_frame(0.0, {1.0, 1, false}, {1.0f});
  reserved.payload[12] = std::byte{0x02};  // a reserved flag bit
  frames.push_back(reserved);
  auto short_block = vlf_frame(0.0, {1.0f});
  short_block.payload.resize(20);
  frames.push_back(short_block);
  return frames;
}

// Plays the frames through a lossless runtime to the end; returns its counters.
deminer::drivers::RuntimeCounters run_to_end(std::vector<FrameListDevice::Frame> frames,
                                             deminer::drivers::TraceProcessor& processor,
                                             std::vector<RuntimeOutput>* detections = nullptr) {
  RuntimeConfig config;
  config.overflow = OverflowPolicy::wait;
  Runtime runtime(std::make_unique<FrameListDevice>(std::move(frames)), processor, config);
  runtime.start();
  EXPECT_TRUE(runtime.wait_until_finished(10s));
  runtime.stop();
  if (detections) detections->resize(runtime.pop_detections(*detections));
  return runtime.counters();
}

TEST(Runtime, SweptTracesAndVlfBlocksReachTheirOwnProcessorCalls) {
  SensorLog log;
  const auto c = run_to_end(mixed_frames(), log);
  ASSERT_EQ(log.calls.size(), 3u);
  EXPECT_EQ(log.calls[0].kind, 't');
  EXPECT_EQ(log.calls[0].position_m, 0.25);
  EXPECT_EQ(log.calls[0].samples, 2u);
  EXPECT_EQ(log.calls[1].kind, 's');
  EXPECT_EQ(log.calls[1].position_m, -0.5);
  EXPECT_EQ(log.calls[1].place.advance_m, 3.75);
  EXPECT_EQ(log.calls[1].place.sweep, 7u);
  EXPECT_TRUE(log.calls[1].place.ends_sweep);
  EXPECT_EQ(log.calls[1].first_sample, 3.0f);
  EXPECT_EQ(log.calls[2].kind, 'b');
  EXPECT_EQ(log.calls[2].place.advance_m, 4.5);
  EXPECT_EQ(log.calls[2].samples, 4u);
  EXPECT_EQ(log.calls[2].first_sample, 6.0f);
  EXPECT_EQ(c.traces_processed, 2u);
  EXPECT_EQ(c.blocks_processed, 1u);
  EXPECT_EQ(c.other_frames, 1u);
  EXPECT_EQ(c.bad_payloads, 2u);
}

TEST(Runtime, AGprOnlyProcessorTakesSweptTracesAsTracesAndIgnoresBlocks) {
  TraceCounter counter;
  const auto c = run_to_end(mixed_frames(), counter);
  EXPECT_EQ(counter.traces.load(), 2);
  EXPECT_EQ(c.traces_processed, 2u);
  EXPECT_EQ(c.blocks_processed, 1u);
}

// A processor with more pending at the end than one call's detections hold hands them over in
// parts; the runtime asks again while a flush fills its span.
class PendingProcessor final : public deminer::drivers::TraceProcessor {
 public:
  std::size_t process(const dsp::TraceView&, std::span<dsp::Detection>) noexcept override {
    return 0;
  }
  std::size_t flush(std::span<dsp::Detection> out) noexcept override {
    std::size_t n = 0;
    for (; n < out.size() && pending > 0; ++n, --pending) {
      out[n] = dsp::Detection{};
      out[n].sequence = pending;
    }
    return n;
  }
  std::size_t pending = 100;
};

TEST(Runtime, AFlushThatFillsItsSpanIsAskedAgain) {
  PendingProcessor processor;
  std::vector<RuntimeOutput> out(256);
  (void)run_to_end({}, processor, &out);
  ASSERT_EQ(out.size(), 100u);
  for (std::size_t i = 0; i < 100; ++i) EXPECT_EQ(out[i].detection.sequence, 100 - i);
}

TEST(LatencyHistogram, QuantilesMatchSortedSamplesWithinTheBucketWidth) {
  deminer::drivers::LatencyHistogram histogram;
  std::vector<std::int64_t> values;
  for (std::int64_t i = 1; i <= 10000; ++i) values.push_back(i * i % 9973 * 1000 + 500);
  for (const auto v : values) histogram.add(v);
  std::sort(values.begin(), values.end());
  EXPECT_EQ(histogram.count(), values.size());
  for (const double q : {0.5, 0.9, 0.99}) {
    const auto exact = static_cast<double>(
        values[static_cast<std::size_t>(q * static_cast<double>(values.size() - 1))]);
    const auto estimate = static_cast<double>(histogram.quantile(q));
    EXPECT_GE(estimate, exact);
    EXPECT_LE(estimate, exact * (1.0 + 1.0 / 16.0) + 1.0) << q;
  }
  EXPECT_EQ(histogram.max(), values.back());
}

}  // namespace
