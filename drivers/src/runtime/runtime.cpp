#include "deminer/drivers/runtime/runtime.hpp"

#include <time.h>

#include <bit>
#include <stdexcept>
#include <string>
#include <utility>

#include "deminer/drivers/link/md_payloads.hpp"

namespace deminer::drivers {
namespace {

void check_range(const char* field, std::size_t value, std::size_t min, std::size_t max) {
  if (value < min || value > max) {
    throw std::invalid_argument(std::string("RuntimeConfig.") + field + " = " +
                                std::to_string(value) + ", valid [" + std::to_string(min) + ", " +
                                std::to_string(max) + "]");
  }
}

void sleep_briefly() noexcept {
  timespec ts{0, 100'000};
  nanosleep(&ts, nullptr);
}

constexpr std::size_t kDetectionsPerCall = 8;

}  // namespace

// ---- LatencyHistogram ------------------------------------------------------------------------

int LatencyHistogram::bucket_of(std::uint64_t ns) noexcept {
  if (ns < kSubBuckets) return static_cast<int>(ns);
  const int octave = static_cast<int>(std::bit_width(ns)) - 1;  // >= 4
  const int sub = static_cast<int>((ns >> (octave - 4)) & (kSubBuckets - 1));
  const int bucket = (octave - 3) * kSubBuckets + sub;
  return bucket < kBuckets ? bucket : kBuckets - 1;
}

std::uint64_t LatencyHistogram::upper_edge(int bucket) noexcept {
  if (bucket < kSubBuckets) return static_cast<std::uint64_t>(bucket);
  const int octave = bucket / kSubBuckets + 3;
  const auto sub = static_cast<std::uint64_t>(bucket % kSubBuckets);
  return ((kSubBuckets + sub + 1) << (octave - 4)) - 1;
}

void LatencyHistogram::add(std::int64_t ns) noexcept {
  const std::uint64_t value = ns < 0 ? 0 : static_cast<std::uint64_t>(ns);
  auto& bucket = buckets_[static_cast<std::size_t>(bucket_of(value))];
  bucket.store(bucket.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  if (ns > max_.load(std::memory_order_relaxed)) max_.store(ns, std::memory_order_relaxed);
}

std::uint64_t LatencyHistogram::count() const noexcept {
  std::uint64_t total = 0;
  for (const auto& b : buckets_) total += b.load(std::memory_order_relaxed);
  return total;
}

std::int64_t LatencyHistogram::quantile(double q) const noexcept {
  const std::uint64_t total = count();
  if (total == 0) return 0;
  const auto rank = static_cast<std::uint64_t>(q * static_cast<double>(total - 1));
  std::uint64_t seen = 0;
  for (int i = 0; i < kBuckets; ++i) {
    seen += buckets_[static_cast<std::size_t>(i)].load(std::memory_order_relaxed);
    if (seen > rank) return static_cast<std::int64_t>(upper_edge(i));
  }
  return max();
}

// ---- Runtime ---------------------------------------------------------------------------------

Runtime::Runtime(std::unique_ptr<Device> device, TraceProcessor& processor,
                 const RuntimeConfig& config)
    : device_(std::move(device)),
      processor_(processor),
      config_(config),
      filled_((check_range("slots", config.slots, 2, 65536), config.slots)),
      free_(config.slots),
      outputs_((check_range("detection_capacity", config.detection_capacity, 1, 1 << 20),
                config.detection_capacity)),
      changes_(64),
      alarm_threshold_(config.alarm_threshold) {
  if (!device_) throw std::invalid_argument("Runtime: device is null");
  check_range("max_samples_per_trace", config.max_samples_per_trace, 1, std::size_t{1} << 22);
  const auto timeout_ms = static_cast<std::size_t>(config.read_timeout.count());
  check_range("read_timeout (ms)", timeout_ms, 1, 10000);
  slots_.resize(config.slots);
  samples_.resize(config.slots * config.max_samples_per_trace);
  found_.resize(kDetectionsPerCall);
  for (std::uint32_t i = 0; i < config.slots; ++i) free_.push(i);
}

Runtime::~Runtime() { stop(); }

void Runtime::start() {
  if (started_) return;
  started_ = true;
  dsp_ = std::thread([this] { dsp_loop(); });
  try {
    acquisition_ = std::thread([this] { acquisition_loop(); });
  } catch (...) {
    acquisition_done_.store(true, std::memory_order_release);
    wake_.fetch_add(1, std::memory_order_release);
    wake_.notify_one();
    dsp_.join();
    throw;
  }
}

void Runtime::stop() noexcept {
  if (!started_ || stopped_) return;
  stopped_ = true;
  stop_requested_.store(true, std::memory_order_release);
  if (acquisition_.joinable()) acquisition_.join();
  if (dsp_.joinable()) dsp_.join();
}

bool Runtime::wait_until_finished(std::chrono::milliseconds timeout) const noexcept {
  const std::int64_t deadline = monotonic_ns() + timeout.count() * 1'000'000;
  while (!finished()) {
    if (monotonic_ns() >= deadline) return false;
    timespec ts{0, 1'000'000};
    nanosleep(&ts, nullptr);
  }
  return true;
}

std::size_t Runtime::pop_detections(std::span<RuntimeOutput> out) noexcept {
  return outputs_.pop(out.data(), out.size());
}

bool Runtime::set_parameter(const ParameterChange& change) noexcept {
  if (!changes_.push(change)) return false;
  wake_.fetch_add(1, std::memory_order_release);
  wake_.notify_one();
  return true;
}

RuntimeCounters Runtime::counters() const noexcept {
  constexpr auto r = std::memory_order_relaxed;
  RuntimeCounters c;
  c.frames_received = frames_received_.load(r);
  c.traces_processed = traces_processed_.load(r);
  c.blocks_processed = blocks_processed_.load(r);
  c.overflows = overflows_.load(r);
  c.overflow_waits = overflow_waits_.load(r);
  c.bad_payloads = bad_payloads_.load(r);
  c.other_frames = other_frames_.load(r);
  c.corruption_events = corruption_events_.load(r);
  c.disconnects = disconnects_.load(r);
  c.detections = detections_.load(r);
  c.detections_suppressed = detections_suppressed_.load(r);
  c.detections_dropped = detections_dropped_.load(r);
  c.parameters_applied = parameters_applied_.load(r);
  c.parameters_rejected = parameters_rejected_.load(r);
  c.ended = finished();
  c.device = device_->counters();
  return c;
}

std::span<float> Runtime::samples_of(std::uint32_t index) noexcept {
  return std::span(samples_).subspan(index * config_.max_samples_per_trace,
                                     config_.max_samples_per_trace);
}

bool Runtime::take_free_slot(std::uint32_t& index, bool must_wait) noexcept {
  if (free_.pop(index)) return true;
  if (!must_wait) return false;
  while (!free_.pop(index)) {
    if (stop_requested_.load(std::memory_order_acquire)) return false;
    sleep_briefly();  // the acquisition thread may wait; the DSP thread never does on us
  }
  return true;
}

void Runtime::hand_over(std::uint32_t index) noexcept {
  filled_.push(index);  // cannot fail: at most `slots` indices exist
  wake_.fetch_add(1, std::memory_order_release);
  wake_.notify_one();
}

void Runtime::acquisition_loop() noexcept {
  constexpr auto r = std::memory_order_relaxed;
  // A slot whose payload was refused is kept here for the next trace: only the DSP thread may
  // push into free_ (single producer).
  constexpr std::uint32_t kNoSpare = 0xFFFFFFFFu;
  std::uint32_t spare = kNoSpare;
  const auto push_event = [this, &spare, kNoSpare](SlotKind kind,
                                                   std::int64_t received_ns) noexcept {
    std::uint32_t index = 0;
    if (spare != kNoSpare) {
      index = std::exchange(spare, kNoSpare);
    } else if (!take_free_slot(index, true)) {
      return;
    }
    slots_[index].kind = kind;
    slots_[index].sample_count = 0;
    slots_[index].received_ns = received_ns;
    hand_over(index);
  };
  while (!stop_requested_.load(std::memory_order_acquire)) {
    const ReadResult result = device_->read(config_.read_timeout);
    if (result.status == ReadStatus::frame) {
      frames_received_.fetch_add(1, r);
      const link::FrameType type = result.header.type;
      if (type != link::FrameType::gpr_trace && type != link::FrameType::swept_gpr_trace &&
          type != link::FrameType::vlf_block) {
        other_frames_.fetch_add(1, r);
        continue;
      }
      std::uint32_t index = 0;
      if (spare != kNoSpare) {
        index = std::exchange(spare, kNoSpare);
      } else if (!free_.pop(index)) {
        if (config_.overflow == OverflowPolicy::drop_newest) {
          overflows_.fetch_add(1, r);
          continue;
        }
        overflow_waits_.fetch_add(1, r);
        if (!take_free_slot(index, true)) break;
      }
      if (!decode_into(index, result)) {
        bad_payloads_.fetch_add(1, r);
        spare = index;
        continue;
      }
      Slot& slot = slots_[index];
      slot.received_ns = result.received_ns;
      slot.sender_timestamp_ns = result.header.timestamp_ns;
      hand_over(index);
    } else if (result.status == ReadStatus::corruption) {
      corruption_events_.fetch_add(1, r);
    } else if (result.status == ReadStatus::disconnected) {
      disconnects_.fetch_add(1, r);
      push_event(SlotKind::disconnected, result.received_ns);
    } else if (result.status == ReadStatus::end_of_stream) {
      push_event(SlotKind::end_of_stream, result.received_ns);
      break;
    }
  }
  acquisition_done_.store(true, std::memory_order_release);
  wake_.fetch_add(1, std::memory_order_release);
  wake_.notify_one();
}

bool Runtime::decode_into(std::uint32_t index, const ReadResult& result) noexcept {
  Slot& slot = slots_[index];
  const std::span<float> samples = samples_of(index);
  switch (result.header.type) {
    case link::FrameType::swept_gpr_trace: {
      const auto decoded =
          link::decode_swept_trace_payload(result.payload, slot.header, slot.place, samples);
      slot.kind = SlotKind::swept_trace;
      slot.sample_count = decoded.sample_count;
      return decoded.status == link::TracePayloadStatus::ok;
    }
    case link::FrameType::vlf_block: {
      const auto decoded = link::decode_vlf_block_payload(result.payload, slot.block, samples);
      slot.kind = SlotKind::vlf_block;
      slot.sample_count = decoded.count;
      return decoded.status == link::MdPayloadStatus::ok;
    }
    default: {
      const auto decoded = link::decode_trace_payload(result.payload, slot.header, samples);
      slot.kind = SlotKind::trace;
      slot.sample_count = decoded.sample_count;
      return decoded.status == link::TracePayloadStatus::ok;
    }
  }
}

void Runtime::process_slot(std::uint32_t index) noexcept {
  constexpr auto r = std::memory_order_relaxed;
  const Slot& slot = slots_[index];
  const std::span<const float> samples = samples_of(index).first(slot.sample_count);
  switch (slot.kind) {
    case SlotKind::trace:
      emit(processor_.process({slot.header, samples}, found_), slot);
      traces_processed_.fetch_add(1, r);
      break;
    case SlotKind::swept_trace:
      emit(processor_.process_swept_trace({slot.header, samples}, slot.place, found_), slot);
      traces_processed_.fetch_add(1, r);
      break;
    case SlotKind::vlf_block:
      emit(processor_.process_vlf_block({slot.block, samples}, found_), slot);
      blocks_processed_.fetch_add(1, r);
      break;
    case SlotKind::disconnected:
    case SlotKind::end_of_stream:
      flush_processor(slot);
      return;
  }
  latency_.add(monotonic_ns() - slot.received_ns);
}

void Runtime::flush_processor(const Slot& slot) noexcept {
  // A full `out` may mean more is pending (TraceProcessor::flush); the bound guards against a
  // processor that always fills it.
  for (std::size_t round = 0; round < config_.detection_capacity; ++round) {
    const std::size_t n = processor_.flush(found_);
    emit(n, slot);
    if (n < found_.size()) break;
  }
}

void Runtime::emit(std::size_t count, const Slot& slot) noexcept {
  constexpr auto r = std::memory_order_relaxed;
  const float threshold = alarm_threshold_.load(r);
  for (std::size_t i = 0; i < count; ++i) {
    if (found_[i].score < threshold) {
      detections_suppressed_.fetch_add(1, r);
      continue;
    }
    RuntimeOutput output;
    output.detection = found_[i];
    output.received_ns = slot.received_ns;
    output.sender_timestamp_ns = slot.sender_timestamp_ns;
    output.output_ns = monotonic_ns();
    if (outputs_.push(output)) {
      detections_.fetch_add(1, r);
    } else {
      detections_dropped_.fetch_add(1, r);
    }
  }
}

void Runtime::dsp_loop() noexcept {
  constexpr auto r = std::memory_order_relaxed;
  bool ended = false;
  for (;;) {
    ParameterChange change;
    while (changes_.pop(change)) {
      (processor_.apply(change) ? parameters_applied_ : parameters_rejected_).fetch_add(1, r);
    }
    std::uint32_t index = 0;
    if (filled_.pop(index)) {
      process_slot(index);
      ended = ended || slots_[index].kind == SlotKind::end_of_stream;
      free_.push(index);
      continue;
    }
    if (acquisition_done_.load(std::memory_order_acquire)) {
      if (filled_.read_available() == 0) break;
      continue;
    }
    const std::int32_t seen = wake_.load(std::memory_order_acquire);
    if (filled_.read_available() > 0 || changes_.read_available() > 0 ||
        acquisition_done_.load(std::memory_order_acquire)) {
      continue;
    }
    wake_.wait(seen, std::memory_order_acquire);
  }
  if (!ended) flush_processor(Slot{});  // stopped mid-stream: report what waits
  finished_.store(ended, std::memory_order_release);
}

}  // namespace deminer::drivers
