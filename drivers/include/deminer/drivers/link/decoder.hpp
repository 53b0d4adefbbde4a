// FrameDecoder: turns an arbitrary byte stream (serial reads, UDP datagrams, file chunks) into
// link frames, resynchronising after garbage, and counting every problem on the way.
//
// Why this shape: the acquisition thread of a handheld unit must not allocate or throw, and
// must not copy a trace on its way to the DSP thread. So the buffer (one maximal frame) is taken
// in the constructor, frames are handed out as views into it, and problems are counters.
//
// Resynchronisation (docs/link-frames.md): bytes up to the next sync word are skipped; a header
// with a wrong version, unknown type, non-zero reserved bytes or a payload longer than this
// decoder's capacity is rejected at once; a frame whose CRC does not match is dropped and the
// scan restarts one byte after its sync, so a good frame hidden inside a damaged one (or inside
// garbage that happened to look like a header) is still found. Latency: a frame is handed out as
// soon as its last CRC byte has been fed, unless a false sync match ahead of it is still waiting
// for its claimed length (at most one maximal frame).
//
// Use, poll style (the bytes come from somewhere that can hold them back):
//   while (more input) { input = input.subspan(decoder.feed(input));
//                        while (auto frame = decoder.next()) use(*frame); }
// or push style: decoder.push(bytes, [](const Frame& f) { ... });
// At end of stream call finish() and drain next() once more.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <type_traits>
#include <vector>

#include "deminer/drivers/link/frame.hpp"

namespace deminer::drivers::link {

struct Frame {
  FrameHeader header;
  // Points into the decoder's buffer: valid until the next call of feed(), next() or finish().
  std::span<const std::byte> payload;
  // Position of the frame's first sync byte in the stream, counted from the first byte fed.
  std::uint64_t stream_offset = 0;
};

// Every byte fed ends up in exactly one of: a good frame, bytes_skipped, bytes_truncated, or the
// buffer (still waiting for more bytes).
struct DecoderCounters {
  std::uint64_t frames_ok = 0;
  std::uint64_t crc_errors = 0;           // complete candidates whose CRC did not match
  std::uint64_t unsupported_version = 0;  // sync followed by a version other than kFrameVersion
  std::uint64_t invalid_headers = 0;      // unknown frame type or reserved bytes not zero
  std::uint64_t oversize_frames = 0;      // payload length above this decoder's capacity
  std::uint64_t sequence_gaps = 0;        // times the sequence number jumped forward
  std::uint64_t frames_lost = 0;          // frames missing in those jumps
  std::uint64_t sequence_restarts = 0;    // times it repeated or went back (sender restarted)
  std::uint64_t bytes_skipped = 0;        // bytes outside any good frame (garbage, bad frames)
  std::uint64_t bytes_truncated = 0;      // the torn frame at the end of the stream (finish())
};

class FrameDecoder {
 public:
  // Frames with a longer payload are counted as oversize_frames and skipped. Throws
  // std::invalid_argument when max_payload_bytes > kMaxPayloadSize.
  explicit FrameDecoder(std::size_t max_payload_bytes);

  // Copies as many bytes as fit into the buffer and returns how many were taken. It takes at
  // least one byte whenever next() has returned std::nullopt since the last feed().
  std::size_t feed(std::span<const std::byte> bytes) noexcept;

  // The next complete, CRC-checked frame in the buffered bytes, or std::nullopt when more bytes
  // are needed.
  [[nodiscard]] std::optional<Frame> next() noexcept;

  // The stream has ended (end of file, link closed): no more bytes will complete what is
  // buffered. next() then recovers any frame hidden behind an incomplete candidate (counting
  // that candidate as a CRC error, as more bytes would have) and counts the torn remainder as
  // bytes_truncated. A later feed() starts the next part of the stream.
  void finish() noexcept;

  // Feeds all of `bytes`, calling on_frame(const Frame&) for every frame completed.
  template <std::invocable<const Frame&> OnFrame>
  void push(std::span<const std::byte> bytes,
            OnFrame&& on_frame) noexcept(std::is_nothrow_invocable_v<OnFrame&, const Frame&>) {
    for (;;) {
      while (const auto frame = next()) on_frame(*frame);
      if (bytes.empty()) return;
      bytes = bytes.subspan(feed(bytes));
    }
  }

  [[nodiscard]] const DecoderCounters& counters() const noexcept { return counters_; }
  [[nodiscard]] std::size_t max_payload_bytes() const noexcept {
    return buffer_.size() - kFrameOverhead;
  }

 private:
  void skip(std::size_t n) noexcept;
  void count_sequence(std::uint32_t sequence) noexcept;

  std::vector<std::byte> buffer_;  // one maximal frame
  std::size_t begin_ = 0;          // buffered bytes are [begin_, end_)
  std::size_t end_ = 0;
  std::uint64_t stream_offset_ = 0;  // stream position of buffer_[begin_]
  bool finishing_ = false;
  bool have_sequence_ = false;
  std::uint32_t last_sequence_ = 0;
  DecoderCounters counters_;
};

}  // namespace deminer::drivers::link
