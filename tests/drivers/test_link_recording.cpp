// Recordings: round trip, header errors with offsets and fields, torn tails, damaged frames.
// Expected offsets are computed by hand from the layout in docs/link-frames.md.
#include <gtest/gtest.h>

#include <bit>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>

#include "deminer/drivers/link/recording.hpp"
#include "link_test_support.hpp"
#include "scratch_dir.hpp"

using namespace deminer::drivers::link;
using deminer::IoError;
using deminer::dsp::Trace;
using deminer::test::Bytes;

namespace {

class Recording : public ::testing::Test {
 protected:
  std::filesystem::path file(const std::string& name) const { return dir_ / name; }

  static void write_all(const std::filesystem::path& p, std::span<const std::byte> bytes) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
  }

  deminer::test::ScratchDir dir_;
};

DeviceDescription device() {
  DeviceDescription d;
  d.name = "head";     // 4 bytes
  d.model = "GPR-1";   // 5 bytes
  d.serial = "0042";   // 4 bytes
  d.firmware = "1.0";  // 3 bytes
  d.nominal_dt_s = 1e-10;
  d.centre_frequency_hz = 1e9;
  d.samples_per_trace = 64;
  d.channels = 1;
  return d;
}
// By hand: 16 fixed + 28 frame overhead + 23 fixed description + 4·2 length prefixes + 16 text.
constexpr std::size_t kHeaderSize = 16 + 28 + 23 + 8 + 16;

std::vector<Trace> make_traces(std::size_t count, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> noise;
  std::vector<Trace> traces(count);
  for (std::size_t i = 0; i < count; ++i) {
    traces[i].header = {1e-10,
                        -2e-9,
                        0.02 * static_cast<double>(i),
                        static_cast<std::int64_t>(i),
                        1'000'000 * static_cast<std::int64_t>(i),
                        1000 + i,
                        0};
    traces[i].samples.resize(32 + rng() % 64);
    for (auto& s : traces[i].samples) s = noise(rng);
  }
  return traces;
}

std::filesystem::path write_recording(const std::filesystem::path& p,
                                      const std::vector<Trace>& traces) {
  RecordingWriter writer(p, device());
  for (const auto& t : traces) writer.write_trace(t.view());
  writer.close();
  return p;
}

void expect_same(const Trace& a, const Trace& b) {
  EXPECT_EQ(a.header.sequence, b.header.sequence);
  EXPECT_EQ(a.header.position_m, b.header.position_m);
  EXPECT_EQ(a.header.timestamp_ns, b.header.timestamp_ns);
  ASSERT_EQ(a.samples.size(), b.samples.size());
  for (std::size_t i = 0; i < a.samples.size(); ++i) {
    ASSERT_EQ(std::bit_cast<std::uint32_t>(a.samples[i]),
              std::bit_cast<std::uint32_t>(b.samples[i]));
  }
}

std::string header_error(const std::filesystem::path& p) {
  try {
    RecordingReader reader(p);
  } catch (const deminer::FormatError& e) {
    return e.what();
  }
  return "no error";
}

TEST_F(Recording, RoundTrip) {
  const auto traces = make_traces(50, 1);
  const auto p = write_recording(file("a.dmr"), traces);

  const Bytes bytes = deminer::test::read_file_bytes(p);
  const Bytes magic{std::byte{'D'}, std::byte{'M'}, std::byte{'N'}, std::byte{'R'},
                    std::byte{'R'}, std::byte{'E'}, std::byte{'C'}, std::byte{0}};
  EXPECT_TRUE(std::equal(magic.begin(), magic.end(), bytes.begin()));
  EXPECT_EQ(deminer::test::to_hex(std::span(bytes).subspan(8, 8)), "010000005b000000");  // 1, 91
  EXPECT_EQ(bytes[16], std::byte{0xA5});
  EXPECT_EQ(bytes[kHeaderSize], std::byte{0xA5});

  RecordingReader reader(p);
  EXPECT_EQ(reader.device(), device());
  Trace t;
  std::size_t n = 0;
  std::uint64_t offset = kHeaderSize;
  while (reader.next_trace(t)) {
    ASSERT_LT(n, traces.size());
    expect_same(t, traces[n]);
    offset += 28 + 56 + 4 * traces[n].samples.size();
    ++n;
  }
  EXPECT_EQ(n, traces.size());
  EXPECT_EQ(offset, bytes.size());
  EXPECT_TRUE(reader.warnings().empty());
  EXPECT_EQ(reader.counters().frames_ok, traces.size());
  EXPECT_EQ(reader.counters().sequence_gaps, 0u);
  EXPECT_FALSE(reader.next_trace(t)) << "stays at the end";
}

TEST_F(Recording, FramesCarryFileOffsetsAndSequence) {
  const auto traces = make_traces(3, 2);
  RecordingWriter writer(file("b.dmr"), device());
  writer.write_trace(traces[0].view());
  writer.write_frame({FrameType::gpr_trace, 40, 5}, Bytes(56 + 8));  // forwarded with a gap
  writer.write_trace(traces[1].view());
  writer.close();

  RecordingReader reader(file("b.dmr"));
  std::vector<std::uint32_t> sequences;
  std::vector<std::uint64_t> offsets;
  while (const auto f = reader.next_frame()) {
    sequences.push_back(f->header.sequence);
    offsets.push_back(f->stream_offset);
  }
  EXPECT_EQ(sequences, (std::vector<std::uint32_t>{1, 40, 41}));
  const std::uint64_t first = kHeaderSize;
  const std::uint64_t second = first + 28 + 56 + 4 * traces[0].samples.size();
  EXPECT_EQ(offsets, (std::vector<std::uint64_t>{first, second, second + 28 + 64}));
  EXPECT_EQ(reader.counters().frames_lost, 38u);
  ASSERT_EQ(reader.warnings().size(), 1u);
  EXPECT_NE(reader.warnings()[0].find("1 sequence gaps (38 frames missing)"), std::string::npos);
}

TEST_F(Recording, TornTailYieldsEveryCompleteFrame) {
  const auto traces = make_traces(8, 3);
  const Bytes whole = deminer::test::read_file_bytes(write_recording(file("whole.dmr"), traces));
  std::vector<std::size_t> ends{kHeaderSize};  // end of the header, then of every frame
  for (const auto& t : traces) ends.push_back(ends.back() + 28 + 56 + 4 * t.samples.size());
  ASSERT_EQ(ends.back(), whole.size());

  const auto p = file("cut.dmr");
  for (std::size_t cut = ends[ends.size() - 4]; cut <= whole.size(); ++cut) {
    write_all(p, std::span(whole).first(cut));
    const std::size_t complete =
        static_cast<std::size_t>(std::upper_bound(ends.begin(), ends.end(), cut) - ends.begin()) -
        1;
    const std::size_t torn = cut - ends[complete];
    RecordingReader reader(p);
    Trace t;
    std::size_t n = 0;
    while (reader.next_trace(t)) expect_same(t, traces[n++]);
    ASSERT_EQ(n, complete) << "cut at " << cut;
    EXPECT_EQ(reader.counters().bytes_truncated, torn);
    EXPECT_EQ(reader.counters().crc_errors + reader.counters().bytes_skipped, 0u);
    if (torn == 0) {
      EXPECT_TRUE(reader.warnings().empty()) << "cut at " << cut;
    } else {
      ASSERT_EQ(reader.warnings().size(), 1u) << "cut at " << cut;
      EXPECT_EQ(reader.warnings()[0], p.string() + ": " + std::to_string(torn) +
                                          " bytes at offset " + std::to_string(ends[complete]) +
                                          " after the last complete frame are a torn frame "
                                          "(recording cut short?)");
    }
  }
}

TEST_F(Recording, DamagedFrameIsSkippedWithWarnings) {
  const auto traces = make_traces(5, 4);
  Bytes bytes = deminer::test::read_file_bytes(write_recording(file("d.dmr"), traces));
  const std::size_t third =
      kHeaderSize + 2 * 28 + 2 * 56 + 4 * (traces[0].samples.size() + traces[1].samples.size());
  bytes[third + 60] ^= std::byte{0x10};  // a payload byte of the third trace
  write_all(file("d.dmr"), bytes);

  RecordingReader reader(file("d.dmr"));
  Trace t;
  std::vector<std::uint64_t> seen;
  while (reader.next_trace(t)) seen.push_back(t.header.sequence);
  EXPECT_EQ(seen, (std::vector<std::uint64_t>{1000, 1001, 1003, 1004}));
  EXPECT_EQ(reader.counters().crc_errors, 1u);
  EXPECT_EQ(reader.counters().frames_lost, 1u);
  ASSERT_EQ(reader.warnings().size(), 2u);
  EXPECT_NE(reader.warnings()[0].find("1 CRC errors"), std::string::npos) << reader.warnings()[0];
  EXPECT_NE(reader.warnings()[1].find("1 frames missing"), std::string::npos);
}

TEST_F(Recording, BadTracePayloadIsSkippedWithAWarning) {
  RecordingWriter writer(file("e.dmr"), device());
  Bytes payload(56);  // dt_s = 0: refused by the trace codec
  payload[50] = std::byte{1};
  writer.write_frame({FrameType::gpr_trace, 1, 0}, payload);
  writer.close();
  RecordingReader reader(file("e.dmr"));
  Trace t;
  EXPECT_FALSE(reader.next_trace(t));
  ASSERT_EQ(reader.warnings().size(), 1u);
  EXPECT_EQ(reader.warnings()[0], file("e.dmr").string() + ": frame at byte " +
                                      std::to_string(kHeaderSize) +
                                      " skipped: dt_s is not finite and positive");
}

TEST_F(Recording, HeaderErrorsNameOffsetAndField) {
  const Bytes good =
      deminer::test::read_file_bytes(write_recording(file("good.dmr"), make_traces(1, 5)));
  const auto p = file("bad.dmr");
  const auto error_with = [&](std::size_t at, std::byte value) {
    Bytes b = good;
    b[at] = value;
    write_all(p, b);
    return header_error(p);
  };
  const std::string prefix = p.string() + ": byte ";

  EXPECT_EQ(error_with(0, std::byte{'X'}),
            prefix +
                "0, field 'magic': expected 44 4D 4E 52 52 45 43 00 (\"DMNRREC\\0\"), found "
                "58 4D 4E 52 52 45 43 00");
  EXPECT_EQ(error_with(8, std::byte{2}), prefix + "8, field 'format version': expected 1, found 2");
  // Header length bounds by hand: 16 + 28 + 23 (empty strings) and 16 + 28 + 23 + 4·(2 + 65535).
  EXPECT_EQ(error_with(14, std::byte{0x10}),
            prefix + "12, field 'header length': expected a value in [67, 262215], found 1048667");
  EXPECT_EQ(error_with(12, std::byte{0x10}),
            prefix + "12, field 'header length': expected a value in [67, 262215], found 16");
  EXPECT_EQ(error_with(16, std::byte{0}),
            prefix + "16, field 'description frame sync': expected A5 44 4D 46, found 00 44 4D 46");
  EXPECT_EQ(
      error_with(21, std::byte{1}),
      prefix + "21, field 'description frame type': expected 2 (device_description), found 1");
  // A description field with a consistent CRC: the kind byte at 16 + 24 + 22.
  {
    Bytes b = good;
    b[62] = std::byte{7};
    const std::uint32_t crc = crc32(std::span(b).subspan(16, kHeaderSize - 16 - 4));
    for (std::size_t i = 0; i < 4; ++i)
      b[kHeaderSize - 4 + i] = static_cast<std::byte>(crc >> (8 * i));
    write_all(p, b);
    EXPECT_EQ(header_error(p),
              prefix + "62, field 'kind': expected 1 (gpr) or 2 (metal_detector), found 7");
  }
  const std::string crc_error = error_with(62, std::byte{7});
  EXPECT_EQ(crc_error.rfind(prefix + "87, field 'description frame CRC-32': expected 0x", 0), 0u)
      << crc_error;
}

TEST_F(Recording, EveryTruncatedHeaderIsAFormatError) {
  const Bytes good = deminer::test::read_file_bytes(write_recording(file("good.dmr"), {}));
  ASSERT_EQ(good.size(), kHeaderSize);
  const auto p = file("short.dmr");
  for (std::size_t cut = 0; cut < kHeaderSize; ++cut) {
    write_all(p, std::span(good).first(cut));
    const std::string message = header_error(p);
    EXPECT_EQ(message.rfind(p.string() + ": byte ", 0), 0u) << cut << ": " << message;
    EXPECT_NE(message.find("end of the file"), std::string::npos) << cut << ": " << message;
  }
  write_all(p, std::span(good).first(10));
  EXPECT_EQ(header_error(p), p.string() +
                                 ": byte 8, field 'format version': expected a 4-byte version, "
                                 "found the end of the file (10 bytes)");
  write_all(p, good);
  RecordingReader reader(p);
  Trace t;
  EXPECT_FALSE(reader.next_trace(t));
  EXPECT_TRUE(reader.warnings().empty());
}

TEST_F(Recording, MissingFileIsAnIoError) {
  const auto p = file("missing.dmr");
  try {
    RecordingReader reader(p);
    FAIL() << "no exception";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find(p.string()), std::string::npos);
  }
  EXPECT_THROW(RecordingWriter(dir_ / "no" / "such" / "dir.dmr", device()), IoError);
}

}  // namespace
