// Device: the contract every source of link frames meets — a serial sensor head, a UDP sensor
// head, a replayed recording, a simulation. The acquisition thread of the runtime sees only this.
//
// Why this shape (after SoapySDR): opening may fail loudly (DeviceError with the reason), but
// streaming never throws — read() returns a frame or a status, and every problem is a counter.
// The firmware path and the workstation path differ only in which Device is opened.
// Units: nanoseconds. received_ns is the host's monotonic clock (monotonic_ns()) when the frame
// became available to the caller; the frame header's timestamp_ns is the sender's clock.
// Latency: a frame is returned as soon as its last byte has been received (see FrameDecoder).
// Threads: read() from one thread at a time; counters() and info() from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "deminer/drivers/link/decoder.hpp"
#include "deminer/drivers/link/frame.hpp"
#include "deminer/drivers/link/payloads.hpp"

namespace deminer::drivers {

enum class ReadStatus : std::uint8_t {
  frame,          // a CRC-checked frame is in ReadResult::header/payload
  timeout,        // nothing complete arrived within the timeout
  overflow,       // the transport lost data before we could read it (e.g. kernel UDP drops)
  corruption,     // bytes were discarded (CRC, header or garbage) since the last read
  disconnected,   // the link went away; the device keeps trying to reconnect on later reads
  end_of_stream,  // a finite source (replay) has delivered everything; later reads repeat this
};

[[nodiscard]] const char* to_string(ReadStatus status) noexcept;

struct ReadResult {
  ReadStatus status = ReadStatus::timeout;
  link::FrameHeader header;            // valid when status == frame
  std::span<const std::byte> payload;  // valid when status == frame, until the next read()
  std::int64_t received_ns = 0;        // monotonic_ns() when the result was produced
};

// Cumulative since open. Every byte and every frame problem lands in one of these.
struct DeviceCounters {
  std::uint64_t frames = 0;             // good frames returned
  std::uint64_t bytes_received = 0;     // raw bytes taken from the transport
  std::uint64_t crc_errors = 0;         // complete frames whose CRC did not match
  std::uint64_t header_errors = 0;      // bad version, unknown type, reserved bytes, oversize
  std::uint64_t bytes_skipped = 0;      // bytes outside any good frame
  std::uint64_t bytes_truncated = 0;    // torn frames at a disconnect or the end of a stream
  std::uint64_t sequence_gaps = 0;      // times the frame sequence jumped forward
  std::uint64_t frames_lost = 0;        // frames missing in those jumps
  std::uint64_t sequence_restarts = 0;  // sender restarted (sequence went back)
  std::uint64_t timeouts = 0;           // reads that returned timeout
  std::uint64_t overflows = 0;          // datagrams/bytes the transport dropped (when it says)
  std::uint64_t disconnects = 0;        // times the link went away
  std::uint64_t reconnects = 0;         // times it came back
};

// Monotonic host clock in ns (CLOCK_MONOTONIC): the one clock for received_ns and latencies.
[[nodiscard]] std::int64_t monotonic_ns() noexcept;

class Device {
 public:
  virtual ~Device() = default;
  Device() = default;
  Device(const Device&) = delete;
  Device& operator=(const Device&) = delete;

  // Waits at most `timeout` for the next frame or status. Never throws, and allocates nothing
  // for the serial and UDP transports.
  [[nodiscard]] virtual ReadResult read(std::chrono::nanoseconds timeout) noexcept = 0;

  // A consistent-enough snapshot (each field is read atomically) from any thread.
  [[nodiscard]] virtual DeviceCounters counters() const noexcept = 0;

  // The URI the device was opened with (normalised) and its scheme.
  [[nodiscard]] virtual const std::string& uri() const noexcept = 0;
  // What the sender is, when known at open (replay, sim); serial and UDP heads send it in-band.
  [[nodiscard]] virtual const std::optional<link::DeviceDescription>& description()
      const noexcept = 0;
  // Largest payload this device accepts (frames above are counted as header errors).
  [[nodiscard]] virtual std::size_t max_payload_bytes() const noexcept = 0;
};

// DeviceCounters as relaxed atomics: written by the reading thread, read by anyone.
class AtomicDeviceCounters {
 public:
  [[nodiscard]] DeviceCounters snapshot() const noexcept;
  // Copies the decoder's counts (the decoder is owned by the reading thread).
  void publish(const link::DecoderCounters& decoder) noexcept;
  void add_frame() noexcept { bump(frames_); }
  void add_bytes(std::uint64_t n) noexcept {
    bytes_received_.fetch_add(n, std::memory_order_relaxed);
  }
  void add_timeout() noexcept { bump(timeouts_); }
  void add_overflows(std::uint64_t n) noexcept {
    overflows_.fetch_add(n, std::memory_order_relaxed);
  }
  void add_disconnect() noexcept { bump(disconnects_); }
  void add_reconnect() noexcept { bump(reconnects_); }

 private:
  static void bump(std::atomic<std::uint64_t>& c) noexcept {
    c.fetch_add(1, std::memory_order_relaxed);
  }
  std::atomic<std::uint64_t> frames_{0}, bytes_received_{0}, crc_errors_{0}, header_errors_{0},
      bytes_skipped_{0}, bytes_truncated_{0}, sequence_gaps_{0}, frames_lost_{0},
      sequence_restarts_{0}, timeouts_{0}, overflows_{0}, disconnects_{0}, reconnects_{0};
};

}  // namespace deminer::drivers
