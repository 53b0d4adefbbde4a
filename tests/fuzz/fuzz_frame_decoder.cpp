// Fuzz target: FrameDecoder on an arbitrary byte stream, fed in chunks chosen by the input.
//
// Input layout (so that the fuzzer also explores buffer sizes and chunkings):
//   byte 0     bits 0-2: the decoder's max payload (kMaxPayloads below); bits 3-4: the range of
//              chunk sizes; bits 5-7: how often the stream is finish()ed between chunks
//   bytes 1-4  seed of the generator that draws the chunk sizes
//   bytes 5-   the stream
//
// Invariants checked for every input (docs/link-frames.md, decoder.hpp):
//   - every byte fed is in exactly one of: a good frame, bytes_skipped, bytes_truncated, or the
//     buffer; after the final finish() the buffer is empty, so the first three add up to the
//     stream; each frame's stream_offset is the count of bytes accounted for before it;
//   - a frame's payload is within max_payload_bytes(), its type is known, and its bytes are the
//     stream's bytes at its offset, including a CRC that dlink::crc32 verifies;
//   - feed() takes a byte whenever next() has run dry (otherwise a caller would spin forever);
//   - the frames and counters do not depend on the chunking: a second decoder fed each part of
//     the stream at once via push() must report exactly the same;
//   - no good frame is lost: every complete, valid frame in the stream is handed out, unless it
//     lies inside one that was (or spans a finish() point);
//   - frames_ok and the sequence counters agree with the frames handed out.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "deminer/drivers/byte_order.hpp"
#include "deminer/drivers/link/decoder.hpp"
#include "deminer/drivers/link/frame.hpp"
#include "fuzz_check.hpp"

namespace dlink = deminer::drivers::link;

namespace {

constexpr std::size_t kConfigBytes = 5;
// Small capacities reach the buffer-full and oversize paths with short inputs.
constexpr std::array<std::size_t, 8> kMaxPayloads{0, 1, 23, 72, 100, 256, 4096, 65536};
constexpr std::array<std::uint32_t, 4> kMaxChunks{4, 64, 4096, 1u << 20};

struct Seen {
  dlink::FrameHeader header;
  std::vector<std::byte> payload;
  std::uint64_t stream_offset;

  bool operator==(const Seen& o) const {
    return header.type == o.header.type && header.sequence == o.header.sequence &&
           header.timestamp_ns == o.header.timestamp_ns && payload == o.payload &&
           stream_offset == o.stream_offset;
  }
};

bool operator==(const dlink::DecoderCounters& a, const dlink::DecoderCounters& b) {
  return a.frames_ok == b.frames_ok && a.crc_errors == b.crc_errors &&
         a.unsupported_version == b.unsupported_version && a.invalid_headers == b.invalid_headers &&
         a.oversize_frames == b.oversize_frames && a.sequence_gaps == b.sequence_gaps &&
         a.frames_lost == b.frames_lost && a.sequence_restarts == b.sequence_restarts &&
         a.bytes_skipped == b.bytes_skipped && a.bytes_truncated == b.bytes_truncated;
}

std::uint32_t xorshift(std::uint32_t& state) {
  state ^= state << 13;
  state ^= state >> 17;
  state ^= state << 5;
  return state;
}

// Checks one frame against the stream it came from and records it.
class FrameChecker {
 public:
  FrameChecker(std::span<const std::byte> stream, std::size_t max_payload)
      : stream_(stream), max_payload_(max_payload) {}

  void take(const dlink::Frame& frame, const dlink::FrameDecoder& decoder) {
    const dlink::DecoderCounters& c = decoder.counters();
    const std::size_t n = frame.payload.size();
    DEMINER_FUZZ_CHECK(n <= max_payload_);
    DEMINER_FUZZ_CHECK(dlink::is_known_frame_type(static_cast<std::uint8_t>(frame.header.type)));
    DEMINER_FUZZ_CHECK(frame.stream_offset == frame_bytes_ + c.bytes_skipped + c.bytes_truncated);
    DEMINER_FUZZ_CHECK(frame.stream_offset <= stream_.size());
    DEMINER_FUZZ_CHECK(stream_.size() - frame.stream_offset >= dlink::frame_size(n));
    const auto original = stream_.subspan(frame.stream_offset, dlink::frame_size(n));
    // The CRC recomputed over the stream's bytes, not the decoder's copy of them.
    const std::size_t covered = dlink::kFrameHeaderSize + n;
    const auto stored = deminer::drivers::load_le<std::uint32_t>(original, covered);
    DEMINER_FUZZ_CHECK(dlink::crc32(original.first(covered)) == stored);
    // Re-encoding what the decoder reported gives back the stream's bytes: header fields,
    // payload and CRC all come from where the decoder says the frame is.
    std::vector<std::byte> encoded(dlink::frame_size(n));
    DEMINER_FUZZ_CHECK(dlink::encode_frame(frame.header, frame.payload, encoded) == encoded.size());
    DEMINER_FUZZ_CHECK(std::equal(encoded.begin(), encoded.end(), original.begin()));

    frame_bytes_ += dlink::frame_size(n);
    seen_.push_back(
        {frame.header, {frame.payload.begin(), frame.payload.end()}, frame.stream_offset});
    DEMINER_FUZZ_CHECK(c.frames_ok == seen_.size());
  }

  // Bytes accounted for so far can never exceed the bytes fed.
  void check_accounted(const dlink::FrameDecoder& decoder, std::uint64_t fed) const {
    const dlink::DecoderCounters& c = decoder.counters();
    DEMINER_FUZZ_CHECK(frame_bytes_ + c.bytes_skipped + c.bytes_truncated <= fed);
  }

  std::uint64_t frame_bytes() const { return frame_bytes_; }
  const std::vector<Seen>& seen() const { return seen_; }

 private:
  std::span<const std::byte> stream_;
  std::size_t max_payload_;
  std::uint64_t frame_bytes_ = 0;
  std::vector<Seen> seen_;
};

// The sequence counters recomputed from the frames with the rule of docs/link-frames.md.
void check_sequence_counters(const std::vector<Seen>& seen, const dlink::DecoderCounters& c) {
  std::uint64_t gaps = 0;
  std::uint64_t lost = 0;
  std::uint64_t restarts = 0;
  for (std::size_t i = 1; i < seen.size(); ++i) {
    const std::uint32_t ahead = seen[i].header.sequence - seen[i - 1].header.sequence - 1u;
    if (ahead == 0) continue;
    if (ahead < 0x8000'0000u) {
      ++gaps;
      lost += ahead;
    } else {
      ++restarts;
    }
  }
  DEMINER_FUZZ_CHECK(c.sequence_gaps == gaps);
  DEMINER_FUZZ_CHECK(c.frames_lost == lost);
  DEMINER_FUZZ_CHECK(c.sequence_restarts == restarts);
}

// No good frame is lost: every place in the stream where a complete, valid frame lies within
// one part of the stream (between finish() points) is either where a frame handed out starts or
// inside one (a frame's payload may legitimately hold another frame). This is what the one-byte
// resynchronisation after every rejected candidate is for.
void check_no_frame_lost(std::span<const std::byte> stream, std::size_t max_payload,
                         const std::vector<std::size_t>& finished_at,
                         const std::vector<Seen>& seen) {
  const auto u32_at = [&](std::size_t at) {
    return deminer::drivers::load_le<std::uint32_t>(stream, at);
  };
  std::size_t part = 0;
  for (std::size_t p = 0; p + dlink::kFrameOverhead <= stream.size(); ++p) {
    while (finished_at[part] <= p) ++part;
    if (!std::equal(dlink::kFrameSync.begin(), dlink::kFrameSync.end(), stream.begin() + p)) {
      continue;
    }
    const std::size_t part_end = finished_at[part];
    if (part_end - p < dlink::kFrameOverhead) continue;
    const auto version = std::to_integer<std::uint8_t>(stream[p + dlink::kFrameVersionOffset]);
    const auto type = std::to_integer<std::uint8_t>(stream[p + dlink::kFrameTypeOffset]);
    const bool reserved_zero = stream[p + dlink::kFrameReservedOffset] == std::byte{0} &&
                               stream[p + dlink::kFrameReservedOffset + 1] == std::byte{0};
    const std::uint32_t length = u32_at(p + dlink::kFrameLengthOffset);
    if (version != dlink::kFrameVersion || !dlink::is_known_frame_type(type) || !reserved_zero ||
        length > max_payload || part_end - p < dlink::frame_size(length)) {
      continue;
    }
    const std::size_t covered = dlink::kFrameHeaderSize + length;
    if (dlink::crc32(stream.subspan(p, covered)) != u32_at(p + covered)) continue;
    // The last frame handed out that starts at or before p.
    const auto after =
        std::upper_bound(seen.begin(), seen.end(), p,
                         [](std::size_t at, const Seen& f) { return at < f.stream_offset; });
    DEMINER_FUZZ_CHECK(after != seen.begin());
    const Seen& f = *(after - 1);
    DEMINER_FUZZ_CHECK(p < f.stream_offset + dlink::frame_size(f.payload.size()));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < kConfigBytes) return 0;
  const unsigned config = data[0];
  const std::size_t max_payload = kMaxPayloads[config & 7u];
  const std::uint32_t max_chunk = kMaxChunks[(config >> 3) & 3u];
  const unsigned finish_rate = config >> 5;  // out of 8 chunk boundaries, roughly
  std::uint32_t rng = (std::uint32_t{data[1]} | std::uint32_t{data[2]} << 8 |
                       std::uint32_t{data[3]} << 16 | std::uint32_t{data[4]} << 24) |
                      1u;  // xorshift must not start at 0
  const auto stream = std::as_bytes(std::span(data + kConfigBytes, size - kConfigBytes));

  dlink::FrameDecoder decoder(max_payload);
  DEMINER_FUZZ_CHECK(decoder.max_payload_bytes() == max_payload);
  FrameChecker checker(stream, max_payload);
  // Where the stream was finish()ed: the reference decoder finishes at the same places.
  std::vector<std::size_t> finished_at;

  const auto drain = [&] {
    while (const auto frame = decoder.next()) checker.take(*frame, decoder);
  };
  std::size_t fed = 0;
  while (fed < stream.size()) {
    const std::size_t want = 1 + xorshift(rng) % max_chunk;
    auto chunk = stream.subspan(fed, std::min(want, stream.size() - fed));
    while (!chunk.empty()) {
      // drain() has just seen next() return nullopt (or nothing was fed yet), so feed() must
      // take at least one byte.
      const std::size_t took = decoder.feed(chunk);
      DEMINER_FUZZ_CHECK(took > 0 && took <= chunk.size());
      chunk = chunk.subspan(took);
      fed += took;
      drain();
      checker.check_accounted(decoder, fed);
    }
    if (finish_rate != 0 && xorshift(rng) % 8 < finish_rate && fed < stream.size()) {
      decoder.finish();
      drain();
      finished_at.push_back(fed);
    }
  }
  decoder.finish();
  drain();
  finished_at.push_back(stream.size());

  // Nothing is left in the buffer after finish(): every byte is in exactly one place.
  const dlink::DecoderCounters& c = decoder.counters();
  DEMINER_FUZZ_CHECK(checker.frame_bytes() + c.bytes_skipped + c.bytes_truncated == stream.size());
  DEMINER_FUZZ_CHECK(c.frames_ok == checker.seen().size());
  check_sequence_counters(checker.seen(), c);
  check_no_frame_lost(stream, max_payload, finished_at, checker.seen());
  // A draw from an exhausted decoder stays empty.
  DEMINER_FUZZ_CHECK(!decoder.next().has_value());

  // The same stream, each part between finish() points pushed in one call.
  dlink::FrameDecoder reference(max_payload);
  std::vector<Seen> expected;
  const auto keep = [&](const dlink::Frame& f) {
    expected.push_back({f.header, {f.payload.begin(), f.payload.end()}, f.stream_offset});
  };
  std::size_t at = 0;
  for (const std::size_t end : finished_at) {
    reference.push(stream.subspan(at, end - at), keep);
    reference.finish();
    while (const auto f = reference.next()) keep(*f);
    at = end;
  }
  DEMINER_FUZZ_CHECK(expected == checker.seen());
  DEMINER_FUZZ_CHECK(reference.counters() == c);
  return 0;
}
