#include "deminer/drivers/device/device.hpp"

#include <time.h>

namespace deminer::drivers {

const char* to_string(ReadStatus status) noexcept {
  switch (status) {
    case ReadStatus::frame:
      return "frame";
    case ReadStatus::timeout:
      return "timeout";
    case ReadStatus::overflow:
      return "overflow";
    case ReadStatus::corruption:
      return "corruption";
    case ReadStatus::disconnected:
      return "disconnected";
    case ReadStatus::end_of_stream:
      return "end_of_stream";
  }
  return "unknown";
}

std::int64_t monotonic_ns() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

DeviceCounters AtomicDeviceCounters::snapshot() const noexcept {
  constexpr auto r = std::memory_order_relaxed;
  DeviceCounters c;
  c.frames = frames_.load(r);
  c.bytes_received = bytes_received_.load(r);
  c.crc_errors = crc_errors_.load(r);
  c.header_errors = header_errors_.load(r);
  c.bytes_skipped = bytes_skipped_.load(r);
  c.bytes_truncated = bytes_truncated_.load(r);
  c.sequence_gaps = sequence_gaps_.load(r);
  c.frames_lost = frames_lost_.load(r);
  c.sequence_restarts = sequence_restarts_.load(r);
  c.timeouts = timeouts_.load(r);
  c.overflows = overflows_.load(r);
  c.disconnects = disconnects_.load(r);
  c.reconnects = reconnects_.load(r);
  return c;
}

void AtomicDeviceCounters::publish(const link::DecoderCounters& d) noexcept {
  constexpr auto r = std::memory_order_relaxed;
  crc_errors_.store(d.crc_errors, r);
  header_errors_.store(d.unsupported_version + d.invalid_headers + d.oversize_frames, r);
  bytes_skipped_.store(d.bytes_skipped, r);
  bytes_truncated_.store(d.bytes_truncated, r);
  sequence_gaps_.store(d.sequence_gaps, r);
  frames_lost_.store(d.frames_lost, r);
  sequence_restarts_.store(d.sequence_restarts, r);
}

}  // namespace deminer::drivers
