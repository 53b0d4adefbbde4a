#include "deminer/drivers/link/decoder.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

#include "byte_cursor.hpp"

namespace deminer::drivers::link {
namespace {

// Index of the first complete sync word, or bytes.size().
std::size_t find_sync(std::span<const std::byte> bytes) noexcept {
  return static_cast<std::size_t>(
      std::search(bytes.begin(), bytes.end(), kFrameSync.begin(), kFrameSync.end()) -
      bytes.begin());
}

// Length of the longest tail of `bytes` that is a proper prefix of the sync word: it may become
// a sync once the next bytes arrive, so it must not be skipped yet.
std::size_t partial_sync_tail(std::span<const std::byte> bytes) noexcept {
  for (std::size_t n = std::min(bytes.size(), kFrameSync.size() - 1); n > 0; --n) {
    if (std::equal(bytes.end() - static_cast<std::ptrdiff_t>(n), bytes.end(), kFrameSync.begin())) {
      return n;
    }
  }
  return 0;
}

}  // namespace

FrameDecoder::FrameDecoder(std::size_t max_payload_bytes) {
  if (max_payload_bytes > kMaxPayloadSize) {
    throw std::invalid_argument(
        "FrameDecoder: max_payload_bytes = " + std::to_string(max_payload_bytes) +
        " is outside [0, " + std::to_string(kMaxPayloadSize) + "]");
  }
  buffer_.resize(frame_size(max_payload_bytes));
}

std::size_t FrameDecoder::feed(std::span<const std::byte> bytes) noexcept {
  if (begin_ == end_) {
    begin_ = end_ = 0;
  } else if (end_ == buffer_.size()) {
    // The buffer never holds more than one incomplete candidate, shorter than the buffer, so
    // moving it to the front always makes room.
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  const std::size_t n = std::min(bytes.size(), buffer_.size() - end_);
  if (n > 0) std::memcpy(buffer_.data() + end_, bytes.data(), n);
  end_ += n;
  finishing_ = false;
  return n;
}

std::optional<Frame> FrameDecoder::next() noexcept {
  while (begin_ < end_) {
    const std::span<const std::byte> avail(buffer_.data() + begin_, end_ - begin_);
    std::size_t sync = find_sync(avail);
    if (sync == avail.size()) sync -= partial_sync_tail(avail);
    if (sync > 0) {
      skip(sync);
      continue;
    }
    // `avail` starts with a sync word, or with the part of one that has arrived so far.
    if (avail.size() >= kFrameHeaderSize) {
      detail::ByteReader header(avail.subspan(kFrameVersionOffset));
      const std::uint8_t version = header.u8();
      const std::uint8_t type = header.u8();
      const std::uint16_t reserved = header.u16();
      const std::uint32_t sequence = header.u32();
      const std::uint32_t length = header.u32();
      const std::int64_t timestamp_ns = header.i64();
      if (version != kFrameVersion) {
        ++counters_.unsupported_version;
        skip(1);
        continue;
      }
      if (!is_known_frame_type(type) || reserved != 0) {
        ++counters_.invalid_headers;
        skip(1);
        continue;
      }
      if (length > max_payload_bytes()) {
        ++counters_.oversize_frames;
        skip(1);
        continue;
      }
      const std::size_t size = frame_size(length);
      if (avail.size() >= size) {
        const std::size_t covered = kFrameHeaderSize + length;
        if (crc32(avail.first(covered)) != load_le<std::uint32_t>(avail, covered)) {
          ++counters_.crc_errors;
          skip(1);
          continue;
        }
        const Frame frame{{static_cast<FrameType>(type), sequence, timestamp_ns},
                          avail.subspan(kFrameHeaderSize, length),
                          stream_offset_};
        ++counters_.frames_ok;
        count_sequence(sequence);
        begin_ += size;
        stream_offset_ += size;
        return frame;
      }
    }
    // An incomplete candidate: wait for more bytes, unless the stream has ended.
    if (!finishing_) break;
    const std::size_t later = find_sync(avail.subspan(1)) + 1;
    if (later < avail.size()) {
      ++counters_.crc_errors;
      skip(later);
    } else {
      counters_.bytes_truncated += avail.size();
      stream_offset_ += avail.size();
      begin_ = end_;
    }
  }
  return std::nullopt;
}

void FrameDecoder::finish() noexcept { finishing_ = true; }

void FrameDecoder::skip(std::size_t n) noexcept {
  counters_.bytes_skipped += n;
  stream_offset_ += n;
  begin_ += n;
}

void FrameDecoder::count_sequence(std::uint32_t sequence) noexcept {
  if (have_sequence_) {
    // Modulo 2^32, so wrap-around is not a gap; the upper half of the range means "went back".
    const auto ahead = static_cast<std::uint32_t>(sequence - last_sequence_ - 1u);
    if (ahead != 0 && ahead < 0x8000'0000u) {
      ++counters_.sequence_gaps;
      counters_.frames_lost += ahead;
    } else if (ahead != 0) {
      ++counters_.sequence_restarts;
    }
  }
  have_sequence_ = true;
  last_sequence_ = sequence;
}

}  // namespace deminer::drivers::link
