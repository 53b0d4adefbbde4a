// FrameStreamDevice: the part of every Device that turns received bytes into frames and
// statuses — one FrameDecoder, the counters, and the order in which problems are reported.
// A transport (serial, UDP, a replayed byte stream) only says how to wait for bytes.
//
// Why shared: the rules "frames that arrived before a disconnect come out before it", "a damaged
// stretch is reported once as corruption, then the frame behind it", "a disconnect flushes the
// torn frame" are the same for every link, so they live in one place and are tested once.
// Latency: none added — a frame is returned in the read() that completes it.
// Memory: one receive buffer and one decoder buffer, taken in the constructor.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "deminer/drivers/device/device.hpp"
#include "deminer/drivers/link/decoder.hpp"

namespace deminer::drivers {

class FrameStreamDevice : public Device {
 public:
  [[nodiscard]] ReadResult read(std::chrono::nanoseconds timeout) noexcept final;
  [[nodiscard]] DeviceCounters counters() const noexcept final { return counters_.snapshot(); }
  [[nodiscard]] const std::string& uri() const noexcept final { return uri_; }
  [[nodiscard]] const std::optional<link::DeviceDescription>& description()
      const noexcept override {
    return description_;
  }
  [[nodiscard]] std::size_t max_payload_bytes() const noexcept final {
    return decoder_.max_payload_bytes();
  }

 protected:
  enum class Fill : std::uint8_t {
    bytes,          // `count` bytes were written to the buffer
    timeout,        // nothing before the deadline
    overflow,       // the transport says it dropped `count` units (datagrams); maybe bytes too
    disconnected,   // the link went away (the transport closes itself and reconnects later)
    end_of_stream,  // a finite source is exhausted
  };
  struct FillResult {
    Fill what = Fill::timeout;
    std::size_t count = 0;           // bytes, with Fill::bytes
    std::size_t overflow_count = 0;  // units the transport dropped (with bytes or overflow)
    bool reconnected = false;        // the link came back during this fill
  };

  // receive_buffer_bytes: the most one fill() may deliver (e.g. one datagram).
  FrameStreamDevice(std::string uri, std::size_t max_payload_bytes,
                    std::size_t receive_buffer_bytes);

  // Waits until `deadline` (monotonic_ns) at most for bytes or an event. noexcept, no allocation.
  virtual FillResult fill(std::span<std::byte> buffer, std::int64_t deadline_ns) noexcept = 0;

  // For a source that decodes its bytes itself and fills only good frames (a recording read
  // through its own FrameDecoder): the damage that decoder found so far (cumulative), so that it
  // lands in these counters (CRC, header errors, skipped and truncated bytes) and is reported as
  // `corruption` before the next frame, as if the damaged bytes had come through here. Sequence
  // gaps are not taken from it: the good frames keep their numbers and this decoder counts them.
  // Call from fill().
  void set_upstream_damage(const link::DecoderCounters& upstream) noexcept { upstream_ = upstream; }

  std::optional<link::DeviceDescription> description_;
  AtomicDeviceCounters counters_;

 private:
  [[nodiscard]] std::uint64_t problem_count() const noexcept;
  // The decoder's counts plus the upstream damage.
  [[nodiscard]] link::DecoderCounters decoder_counts() const noexcept;
  ReadResult make(ReadStatus status) noexcept;

  std::string uri_;
  link::FrameDecoder decoder_;
  link::DecoderCounters upstream_;
  std::vector<std::byte> receive_;
  std::span<const std::byte> unfed_;          // received bytes not yet taken by the decoder
  std::optional<link::Frame> held_frame_;     // found behind a damaged stretch, returned next
  std::optional<ReadStatus> pending_status_;  // disconnected / end_of_stream after the frames
  std::uint64_t problems_reported_ = 0;
  bool ended_ = false;
};

}  // namespace deminer::drivers
