// Link frames and the resynchronising decoder, against the layout in docs/link-frames.md and
// against python's zlib (tests/reference/link_frame_example.py).
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <string_view>

#include "allocation_counter.hpp"
#include "deminer/drivers/link/decoder.hpp"
#include "deminer/drivers/link/frame.hpp"
#include "deminer/drivers/link/payloads.hpp"
#include "link_test_support.hpp"

using namespace deminer::drivers::link;
using deminer::test::append_frame;
using deminer::test::Bytes;
using deminer::test::from_hex;
using deminer::test::OwnedFrame;
using deminer::test::to_hex;

namespace {

// Printed by tests/reference/link_frame_example.py (struct + zlib.crc32); also in the docs.
constexpr std::string_view kExampleFrameHex =
    "a5444d460101000007000000480000007b002a36fe9c9717bbbdd7d9df7cdb3d3a8c30e28e7925be0000000000"
    "00f43f640000000000000000002a36fe9c97172a000000000000000100010004000000000000000000003f0000"
    "80bf00000040ea5d41aa";

Bytes random_bytes(std::mt19937& rng, std::size_t n) {
  Bytes out(n);
  for (auto& b : out) b = static_cast<std::byte>(rng() & 0xFF);
  return out;
}

// `count` frames with payloads of random length in [0, max_payload], consecutive sequences.
std::vector<OwnedFrame> random_stream(Bytes& stream, std::mt19937& rng, std::size_t count,
                                      std::size_t max_payload, std::uint32_t first_sequence = 0) {
  std::vector<OwnedFrame> frames;
  for (std::size_t i = 0; i < count; ++i) {
    const FrameType type = rng() % 4 == 0 ? FrameType::device_description : FrameType::gpr_trace;
    const FrameHeader header{type, first_sequence + static_cast<std::uint32_t>(i),
                             static_cast<std::int64_t>(rng()) * 1000 - 7};
    frames.push_back(append_frame(stream, header, random_bytes(rng, rng() % (max_payload + 1))));
  }
  return frames;
}

// Feeds `stream` in chunks of `chunk` bytes, then finishes; returns the frames.
std::vector<OwnedFrame> decode(FrameDecoder& decoder, std::span<const std::byte> stream,
                               std::size_t chunk) {
  std::vector<OwnedFrame> out;
  for (std::size_t at = 0; at < stream.size(); at += chunk) {
    decoder.push(stream.subspan(at, std::min(chunk, stream.size() - at)),
                 [&](const Frame& f) { out.emplace_back(f); });
  }
  decoder.finish();
  while (const auto f = decoder.next()) out.emplace_back(*f);
  return out;
}

std::uint64_t header_errors(const DecoderCounters& c) {
  return c.unsupported_version + c.invalid_headers + c.oversize_frames;
}

// Every byte fed is in a good frame, skipped or truncated (the stream has been finished).
void expect_bytes_accounted(const DecoderCounters& c, const std::vector<OwnedFrame>& frames,
                            std::size_t fed) {
  std::uint64_t in_frames = 0;
  for (const auto& f : frames) in_frames += frame_size(f.payload.size());
  EXPECT_EQ(in_frames + c.bytes_skipped + c.bytes_truncated, fed);
}

TEST(LinkCrc, CheckValue) {
  constexpr std::string_view text = "123456789";
  EXPECT_EQ(crc32(std::as_bytes(std::span(text.data(), text.size()))), 0xCBF43926u);
  EXPECT_EQ(crc32({}), 0u);
}

TEST(LinkFrame, HeaderLayoutByHand) {
  Bytes frame(frame_size(3));
  const Bytes payload{std::byte{0xAB}, std::byte{0xCD}, std::byte{0xEF}};
  ASSERT_EQ(encode_frame({FrameType::device_description, 0x01020304u, 0x0807060504030201}, payload,
                         frame),
            31u);
  const Bytes expected_header = from_hex(
      "a5444d46"          // sync
      "01"                // version
      "02"                // type: device_description
      "0000"              // reserved
      "04030201"          // sequence 0x01020304
      "03000000"          // payload length 3
      "0102030405060708"  // timestamp 0x0807060504030201
      "abcdef");          // payload
  EXPECT_EQ(to_hex(std::span(frame).first(27)), to_hex(expected_header));
  // The CRC check value above pins crc32(); here only its position and byte order are checked.
  const std::uint32_t crc = crc32(std::span(frame).first(27));
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(std::to_integer<std::uint32_t>(frame[27 + i]), (crc >> (8 * i)) & 0xFF);
  }
}

TEST(LinkFrame, WorkedExampleMatchesPythonZlib) {
  const float samples[] = {0.0f, 0.5f, -1.0f, 2.0f};
  deminer::dsp::TraceView trace{{1.0e-10, -2.5e-9, 1.25, 100, 1'700'000'000'000'000'000, 42, 1},
                                samples};
  Bytes frame(frame_size(trace_payload_size(4)));
  // Encoded in place: the payload is written where the frame wants it.
  const auto payload = std::span(frame).subspan(kFrameHeaderSize, trace_payload_size(4));
  ASSERT_EQ(encode_trace_payload(trace, payload), 72u);
  ASSERT_EQ(encode_frame({FrameType::gpr_trace, 7, 1'700'000'000'000'000'123}, payload, frame),
            100u);
  EXPECT_EQ(to_hex(frame), kExampleFrameHex);

  // And from a separate payload buffer.
  Bytes separate(trace_payload_size(4));
  ASSERT_EQ(encode_trace_payload(trace, separate), 72u);
  Bytes frame2(100);
  ASSERT_EQ(encode_frame({FrameType::gpr_trace, 7, 1'700'000'000'000'000'123}, separate, frame2),
            100u);
  EXPECT_EQ(to_hex(frame2), kExampleFrameHex);
}

TEST(LinkFrame, EncodeRefusesShortBufferAndHugePayload) {
  Bytes payload(10);
  Bytes out(frame_size(10) - 1);
  EXPECT_EQ(encode_frame({}, payload, out), 0u);
  Bytes tiny(3);
  EXPECT_EQ(encode_frame({}, {}, tiny), 0u);
  // Larger than kMaxPayloadSize: refused before the output size matters.
  const std::span<const std::byte> huge(payload.data(), kMaxPayloadSize + 1);
  EXPECT_EQ(encode_frame({}, huge, out), 0u);
}

TEST(FrameDecoder, DecodesWorkedExample) {
  const Bytes stream = from_hex(kExampleFrameHex);
  FrameDecoder decoder(256);
  const auto frames = decode(decoder, stream, stream.size());
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].type, FrameType::gpr_trace);
  EXPECT_EQ(frames[0].sequence, 7u);
  EXPECT_EQ(frames[0].timestamp_ns, 1'700'000'000'000'000'123);
  EXPECT_EQ(to_hex(frames[0].payload), kExampleFrameHex.substr(48, 144));
}

TEST(FrameDecoder, EveryChunkSizeGivesTheSameFrames) {
  std::mt19937 rng(1);
  Bytes stream;
  const auto expected = random_stream(stream, rng, 24, 200);
  for (std::size_t chunk = 1; chunk <= stream.size(); ++chunk) {
    FrameDecoder decoder(200);
    const auto frames = decode(decoder, stream, chunk);
    ASSERT_EQ(frames, expected) << "chunk " << chunk;
    const auto& c = decoder.counters();
    ASSERT_EQ(c.frames_ok, expected.size());
    ASSERT_EQ(c.bytes_skipped + c.bytes_truncated + c.crc_errors + header_errors(c) +
                  c.sequence_gaps + c.sequence_restarts,
              0u)
        << "chunk " << chunk;
  }
}

TEST(FrameDecoder, SkipsAndCountsGarbage) {
  std::mt19937 rng(2);
  Bytes stream;
  std::vector<OwnedFrame> expected;
  std::uint64_t garbage = 0;
  const auto add_garbage = [&](const Bytes& g) {
    stream.insert(stream.end(), g.begin(), g.end());
    garbage += g.size();
  };
  std::uint32_t sequence = 0;
  const auto add_frame = [&] {
    expected.push_back(append_frame(stream, {FrameType::gpr_trace, sequence++, 0},
                                    random_bytes(rng, 1 + rng() % 100)));
  };
  add_garbage(random_bytes(rng, 37));
  add_frame();
  add_garbage(from_hex("a5444d"));  // part of a sync word
  add_frame();
  add_garbage(from_hex("a5a5444da5444d46"));  // a sync after near misses, then a bad version:
  add_garbage(from_hex("09"));                // counted as unsupported_version
  add_frame();
  add_garbage(from_hex("a5444d460107"));  // unknown type 7
  add_frame();
  add_garbage(from_hex("a5444d4601010100"));  // reserved bytes not zero
  add_frame();
  add_garbage(from_hex("a5444d4601010000000000000000010000000000000000"));  // 65536 > capacity
  add_frame();
  // A header that passes every check and claims 150 bytes: it swallows the next frame, fails its
  // CRC, and the scan restarting one byte after its sync finds the frame inside.
  add_garbage(from_hex("a5444d46010100000000000096000000000000000000000000"));
  add_frame();
  add_frame();
  add_garbage(random_bytes(rng, 5));

  for (std::size_t chunk : {std::size_t{1}, std::size_t{3}, std::size_t{64}, stream.size()}) {
    FrameDecoder decoder(200);
    const auto frames = decode(decoder, stream, chunk);
    EXPECT_EQ(frames, expected) << "chunk " << chunk;
    const auto& c = decoder.counters();
    EXPECT_EQ(c.frames_ok, expected.size());
    EXPECT_EQ(c.bytes_skipped + c.bytes_truncated, garbage);
    EXPECT_EQ(c.unsupported_version, 1u);
    EXPECT_EQ(c.invalid_headers, 2u);
    EXPECT_EQ(c.oversize_frames, 1u);
    EXPECT_EQ(c.crc_errors, 1u);
    EXPECT_EQ(c.sequence_gaps + c.sequence_restarts, 0u);
    expect_bytes_accounted(c, frames, stream.size());
  }
}

TEST(FrameDecoder, FinishRecoversFramesBehindATornCandidate) {
  std::mt19937 rng(3);
  Bytes stream;
  std::vector<OwnedFrame> expected;
  expected.push_back(append_frame(stream, {FrameType::gpr_trace, 0, 0}, random_bytes(rng, 20)));
  // A header claiming 180 bytes, followed by one 60-byte frame and the end of the stream.
  const Bytes torn = from_hex("a5444d460101000000000000b4000000000000000000000000");
  stream.insert(stream.end(), torn.begin(), torn.end());
  expected.push_back(append_frame(stream, {FrameType::gpr_trace, 1, 0}, random_bytes(rng, 32)));
  // And a frame torn by the end of the stream.
  Bytes last;
  append_frame(last, {FrameType::gpr_trace, 2, 0}, random_bytes(rng, 40));
  stream.insert(stream.end(), last.begin(), last.end() - 9);

  FrameDecoder decoder(200);
  std::vector<OwnedFrame> frames;
  decoder.push(stream, [&](const Frame& f) { frames.emplace_back(f); });
  EXPECT_EQ(frames.size(), 1u) << "the second frame waits behind the candidate";
  decoder.finish();
  while (const auto f = decoder.next()) frames.emplace_back(*f);
  EXPECT_EQ(frames, expected);
  const auto& c = decoder.counters();
  EXPECT_EQ(c.crc_errors, 1u);
  EXPECT_EQ(c.bytes_skipped, torn.size());
  EXPECT_EQ(c.bytes_truncated, last.size() - 9);
  expect_bytes_accounted(c, frames, stream.size());
}

TEST(FrameDecoder, RandomBitFlipsLoseOnlyTheDamagedFrames) {
  for (unsigned seed = 10; seed < 30; ++seed) {
    std::mt19937 rng(seed);
    Bytes stream;
    const auto frames = random_stream(stream, rng, 150, 300);
    std::vector<OwnedFrame> intact;
    std::uint64_t damaged = 0;
    std::uint64_t damaged_with_sync = 0;
    for (std::size_t i = 0; i < frames.size(); ++i) {
      // The first and last frames stay intact so that every gap lies between good frames.
      if (i == 0 || i + 1 == frames.size() || rng() % 3 != 0) {
        intact.push_back(frames[i]);
        continue;
      }
      ++damaged;
      const std::size_t size = frame_size(frames[i].payload.size());
      std::set<std::size_t> bits;
      while (bits.size() < 1 + rng() % 3) bits.insert(rng() % (size * 8));
      bool sync_hit = false;
      for (std::size_t bit : bits) {
        stream[static_cast<std::size_t>(frames[i].stream_offset) + bit / 8] ^=
            static_cast<std::byte>(1u << (bit % 8));
        sync_hit = sync_hit || bit / 8 < kFrameSync.size();
      }
      if (!sync_hit) ++damaged_with_sync;
    }
    for (std::size_t chunk : {std::size_t{1}, std::size_t{17}, std::size_t{4096}}) {
      FrameDecoder decoder(300);
      const auto decoded = decode(decoder, stream, chunk);
      ASSERT_EQ(decoded, intact) << "seed " << seed << " chunk " << chunk;
      const auto& c = decoder.counters();
      EXPECT_EQ(c.crc_errors + header_errors(c), damaged_with_sync) << "seed " << seed;
      EXPECT_EQ(c.frames_lost, damaged) << "seed " << seed;
      EXPECT_EQ(c.sequence_restarts, 0u);
      expect_bytes_accounted(c, decoded, stream.size());
    }
  }
}

TEST(FrameDecoder, CountsSequenceGapsAcrossWrapAround) {
  const auto run = [](std::initializer_list<std::uint32_t> sequences) {
    Bytes stream;
    for (std::uint32_t s : sequences) append_frame(stream, {FrameType::gpr_trace, s, 0}, {});
    FrameDecoder decoder(0);
    EXPECT_EQ(decode(decoder, stream, stream.size()).size(), sequences.size());
    return decoder.counters();
  };
  auto c = run({0xFFFFFFFDu, 0xFFFFFFFEu, 0xFFFFFFFFu, 0u, 1u});
  EXPECT_EQ(c.sequence_gaps, 0u);
  EXPECT_EQ(c.sequence_restarts, 0u);

  c = run({0xFFFFFFFEu, 1u, 2u, 5u});  // 0xFFFFFFFF, 0 and then 3, 4 are missing
  EXPECT_EQ(c.sequence_gaps, 2u);
  EXPECT_EQ(c.frames_lost, 4u);
  EXPECT_EQ(c.sequence_restarts, 0u);

  c = run({10u, 11u, 11u, 3u, 4u});  // a repeat, then the sender restarted
  EXPECT_EQ(c.sequence_gaps, 0u);
  EXPECT_EQ(c.sequence_restarts, 2u);

  c = run({0u, 0x7FFFFFFFu});  // the largest forward jump: 0x7FFFFFFE frames missing
  EXPECT_EQ(c.sequence_gaps, 1u);
  EXPECT_EQ(c.frames_lost, 0x7FFFFFFEu);
  c = run({0u, 0x80000001u});  // one further is read as going back
  EXPECT_EQ(c.sequence_gaps, 0u);
  EXPECT_EQ(c.sequence_restarts, 1u);
}

TEST(FrameDecoder, RefusesCapacityAboveTheLimit) {
  EXPECT_THROW(FrameDecoder(kMaxPayloadSize + 1), std::invalid_argument);
  EXPECT_NO_THROW(FrameDecoder(0));
}

TEST(FrameDecoder, EncodeAndDecodeDoNotAllocate) {
  constexpr std::size_t kSamples = 512;
  constexpr std::size_t kFrames = 200;
  std::vector<float> samples(kSamples, 0.25f);
  Bytes stream(kFrames * frame_size(trace_payload_size(kSamples)));
  FrameDecoder decoder(trace_payload_size(kSamples));
  std::size_t frames = 0;
  std::size_t sample_sum = 0;
  std::vector<float> decoded(kSamples);
  {
    deminer::test::AllocationCounter counter;
    std::size_t at = 0;
    for (std::size_t i = 0; i < kFrames; ++i) {
      const deminer::dsp::TraceView trace{{1e-10, 0, 0, 0, 0, i, 0}, samples};
      const auto out = std::span(stream).subspan(at);
      const auto payload = out.subspan(kFrameHeaderSize, trace_payload_size(kSamples));
      const std::size_t n = encode_trace_payload(trace, payload);
      at += encode_frame({FrameType::gpr_trace, static_cast<std::uint32_t>(i), 0}, payload.first(n),
                         out);
    }
    for (std::size_t offset = 0; offset < at; offset += 1000) {
      decoder.push(std::span(stream).subspan(offset, std::min<std::size_t>(1000, at - offset)),
                   [&](const Frame& f) {
                     deminer::dsp::TraceHeader header;
                     sample_sum += decode_trace_payload(f.payload, header, decoded).sample_count;
                     ++frames;
                   });
    }
    decoder.finish();
    while (decoder.next()) ++frames;
    EXPECT_EQ(counter.count(), 0u);
  }
  EXPECT_EQ(frames, kFrames);
  EXPECT_EQ(sample_sum, kFrames * kSamples);
}

TEST(FrameDecoder, AllocationCounterSeesAllocations) {
  deminer::test::AllocationCounter counter;
  auto* p = new FrameDecoder(16);
  delete p;
  EXPECT_GE(counter.count(), 2u);
}

}  // namespace
