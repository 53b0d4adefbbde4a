// Runtime: the live pipeline of a handheld unit. An acquisition thread reads a Device and
// decodes its sensor frames (GPR traces, swept GPR traces, VLF blocks) into preallocated slots;
// a DSP thread runs a TraceProcessor on them;
// detections leave through a queue that the UI/audio thread (or `deminer run`) drains.
//
//   Device --read--> [acquisition thread] --slot index--> spsc_queue --> [DSP thread]
//                          ^                                                |   |
//                          +----------- free slot index <-- spsc_queue -----+   v
//                                                       detections --> spsc_queue --> consumer
//
// Why this shape: the DSP must keep up without ever waiting on I/O, and a slow DSP must not make
// the reader lose bytes mid-frame. Slots are allocated once (capacity fixed at construction);
// only their indices travel, through boost::lockfree::spsc_queue, so the hand-off neither
// allocates nor locks. When every slot is busy (the DSP is behind) the overflow policy decides:
// drop_newest (live heads: the incoming trace is discarded and counted, memory stays bounded,
// the reader never stalls) or wait (replays: the reader waits, so nothing is lost).
// Parameters reach the DSP thread without locks: the alarm threshold is an atomic, and other
// changes travel through a third SPSC queue and are applied between traces.
// The DSP thread sleeps on an atomic (futex) when idle; in steady state it does not allocate,
// lock or throw (a test counts its allocations). Units: ns on the monotonic clock.
// Latency: per frame, from the device returning it to the processor finishing with it.
#pragma once

#include <array>
#include <atomic>
#include <boost/lockfree/spsc_queue.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <thread>
#include <vector>

#include "deminer/drivers/device/device.hpp"
#include "deminer/dsp/core/detection.hpp"
#include "deminer/dsp/core/trace.hpp"
#include "deminer/dsp/md/md_frame.hpp"

namespace deminer::drivers {

// A change of a processor parameter; `id` is the processor's own numbering.
struct ParameterChange {
  std::uint32_t id = 0;
  double value = 0.0;
};

// What the DSP thread runs. All calls come from the DSP thread, one at a time; they must not
// allocate, lock or throw.
class TraceProcessor {
 public:
  virtual ~TraceProcessor() = default;
  // One trace; returns the detections written to `out`.
  virtual std::size_t process(const dsp::TraceView& trace,
                              std::span<dsp::Detection> out) noexcept = 0;
  // A trace of a head that sweeps a lane (swept_gpr_trace frames) with its place; a processor
  // that does not place its detections on the lane treats it as a plain trace.
  virtual std::size_t process_swept_trace(const dsp::TraceView& trace,
                                          const dsp::SweepPlace& /*place*/,
                                          std::span<dsp::Detection> out) noexcept {
    return process(trace, out);
  }
  // A metal detector's VLF block; a processor without a metal-detector chain ignores it.
  virtual std::size_t process_vlf_block(const dsp::md::VlfBlockView& /*block*/,
                                        std::span<dsp::Detection> /*out*/) noexcept {
    return 0;
  }
  // The stream was interrupted (disconnect) or ended: report anything pending. The runtime calls
  // it again while it fills `out`, so a processor may hand over what is pending in parts.
  virtual std::size_t flush(std::span<dsp::Detection> out) noexcept = 0;
  // Applies a change; false when the id or value is not accepted (counted, not fatal).
  virtual bool apply(const ParameterChange& /*change*/) noexcept { return false; }
};

enum class OverflowPolicy : std::uint8_t {
  drop_newest,  // no free slot: discard the incoming trace, count it (live sensor heads)
  wait,         // no free slot: the acquisition thread waits for one (replays, lossless)
};

struct RuntimeConfig {
  std::size_t slots = 64;                    // frame slots between the threads, [2, 65536]
  std::size_t max_samples_per_trace = 8192;  // longer traces or VLF blocks: refused, [1, 1 << 22]
  std::size_t detection_capacity = 1024;     // detections waiting for the consumer, [1, 1 << 20]
  OverflowPolicy overflow = OverflowPolicy::drop_newest;
  // The acquisition thread notices stop() within this, [1 ms, 10 s].
  std::chrono::milliseconds read_timeout{20};
  // Detections scoring below are suppressed (set_alarm_threshold); default: none.
  float alarm_threshold = -std::numeric_limits<float>::infinity();
};

struct RuntimeOutput {
  dsp::Detection detection;
  std::int64_t received_ns = 0;          // the frame whose processing produced it: device arrival
  std::int64_t sender_timestamp_ns = 0;  // that frame's link timestamp (sender's clock)
  std::int64_t output_ns = 0;            // when it was queued for the consumer
};

// Log-linear histogram of latencies (16 buckets per octave: ~4% resolution), written by one
// thread, read by any. Fixed size, no allocation.
class LatencyHistogram {
 public:
  static constexpr int kSubBuckets = 16;
  static constexpr int kBuckets = 48 * kSubBuckets;

  void add(std::int64_t ns) noexcept;  // single writer
  [[nodiscard]] std::uint64_t count() const noexcept;
  // The q-quantile (0..1), as the upper edge of its bucket; 0 when empty.
  [[nodiscard]] std::int64_t quantile(double q) const noexcept;
  [[nodiscard]] std::int64_t max() const noexcept { return max_.load(std::memory_order_relaxed); }

 private:
  static int bucket_of(std::uint64_t ns) noexcept;
  static std::uint64_t upper_edge(int bucket) noexcept;
  std::array<std::atomic<std::uint64_t>, kBuckets> buckets_{};
  std::atomic<std::int64_t> max_{0};
};

struct RuntimeCounters {
  std::uint64_t frames_received = 0;    // good frames the device returned
  std::uint64_t traces_processed = 0;   // traces (plain and swept) the processor ran on
  std::uint64_t blocks_processed = 0;   // VLF blocks the processor ran on
  std::uint64_t overflows = 0;          // traces or blocks discarded: no free slot (drop_newest)
  std::uint64_t overflow_waits = 0;     // times the reader waited for a slot (wait)
  std::uint64_t bad_payloads = 0;       // sensor frames whose payload was refused or too long
  std::uint64_t other_frames = 0;       // frames of other types (device description, PI, ...)
  std::uint64_t corruption_events = 0;  // reads that reported corruption
  std::uint64_t disconnects = 0;
  std::uint64_t detections = 0;             // queued for the consumer
  std::uint64_t detections_suppressed = 0;  // below the alarm threshold
  std::uint64_t detections_dropped = 0;     // the consumer's queue was full
  std::uint64_t parameters_applied = 0;
  std::uint64_t parameters_rejected = 0;
  bool ended = false;  // the device reported end_of_stream and the DSP has processed it all
  DeviceCounters device;
};

class Runtime {
 public:
  // Takes all memory now. Throws std::invalid_argument naming a bad config field.
  Runtime(std::unique_ptr<Device> device, TraceProcessor& processor, const RuntimeConfig& config);
  ~Runtime();  // stop()
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  // Starts both threads (once). Throws std::system_error if a thread cannot start.
  void start();
  // Stops reading, lets the DSP thread process what is queued and flush, joins both threads.
  // Idempotent; also after the stream has ended.
  void stop() noexcept;
  // True once the device reported end_of_stream and the DSP thread has processed everything.
  [[nodiscard]] bool finished() const noexcept { return finished_.load(std::memory_order_acquire); }
  // Waits (polling, on the caller's thread) until finished(); false on timeout.
  bool wait_until_finished(std::chrono::milliseconds timeout) const noexcept;

  // Consumer side (one thread): moves queued detections to `out`, returns how many.
  std::size_t pop_detections(std::span<RuntimeOutput> out) noexcept;

  // Control side (one thread). Lock-free: takes effect before the DSP thread's next trace.
  void set_alarm_threshold(float score) noexcept {
    alarm_threshold_.store(score, std::memory_order_relaxed);
  }
  // Returns false when the change queue is full (try again later).
  bool set_parameter(const ParameterChange& change) noexcept;

  [[nodiscard]] RuntimeCounters counters() const noexcept;
  // Per-frame latency: device arrival -> processor done.
  [[nodiscard]] const LatencyHistogram& latency() const noexcept { return latency_; }
  [[nodiscard]] const Device& device() const noexcept { return *device_; }
  [[nodiscard]] const RuntimeConfig& config() const noexcept { return config_; }

 private:
  enum class SlotKind : std::uint8_t { trace, swept_trace, vlf_block, disconnected, end_of_stream };
  struct Slot {
    SlotKind kind = SlotKind::trace;
    dsp::TraceHeader header;        // trace, swept_trace
    dsp::SweepPlace place;          // swept_trace
    dsp::md::VlfBlockHeader block;  // vlf_block
    std::size_t sample_count = 0;
    std::int64_t received_ns = 0;
    std::int64_t sender_timestamp_ns = 0;
  };

  void acquisition_loop() noexcept;
  void dsp_loop() noexcept;
  bool take_free_slot(std::uint32_t& index, bool must_wait) noexcept;
  void hand_over(std::uint32_t index) noexcept;
  // Decodes a sensor frame into slot `index`; false when its payload is refused.
  bool decode_into(std::uint32_t index, const ReadResult& result) noexcept;
  void process_slot(std::uint32_t index) noexcept;
  void emit(std::size_t count, const Slot& slot) noexcept;
  void flush_processor(const Slot& slot) noexcept;
  std::span<float> samples_of(std::uint32_t index) noexcept;

  std::unique_ptr<Device> device_;
  TraceProcessor& processor_;
  RuntimeConfig config_;
  std::vector<Slot> slots_;
  std::vector<float> samples_;  // slots × max_samples_per_trace
  std::vector<dsp::Detection> found_;
  boost::lockfree::spsc_queue<std::uint32_t> filled_;     // acquisition -> DSP
  boost::lockfree::spsc_queue<std::uint32_t> free_;       // DSP -> acquisition
  boost::lockfree::spsc_queue<RuntimeOutput> outputs_;    // DSP -> consumer
  boost::lockfree::spsc_queue<ParameterChange> changes_;  // control -> DSP
  std::atomic<float> alarm_threshold_;
  std::atomic<std::int32_t> wake_{0};  // bumped (and notified) whenever the DSP has work
  std::atomic<bool> stop_requested_{false};
  std::atomic<bool> acquisition_done_{false};
  std::atomic<bool> finished_{false};
  bool started_ = false;
  bool stopped_ = false;
  LatencyHistogram latency_;

  std::atomic<std::uint64_t> frames_received_{0}, traces_processed_{0}, blocks_processed_{0},
      overflows_{0}, overflow_waits_{0}, bad_payloads_{0}, other_frames_{0}, corruption_events_{0},
      disconnects_{0}, detections_{0}, detections_suppressed_{0}, detections_dropped_{0},
      parameters_applied_{0}, parameters_rejected_{0};

  std::thread acquisition_;
  std::thread dsp_;
};

}  // namespace deminer::drivers
