// GSSI DZT: the shared SIR-3000 file against an independent numpy reading
// (tests/reference/make_gssi_dzt_reference.py), synthetic 8/16/32-bit and two-channel files,
// DZX/DZG companions, bad headers and truncation, and writer round trips. Header offsets are
// written out by hand from GSSI's layout, not taken from the reader.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "deminer/dsp/core/error.hpp"
#include "deminer/sim/formats/gssi_dzt.hpp"
#include "scratch_dir.hpp"

using namespace deminer::sim::formats;
using deminer::FormatError;
using deminer::dsp::Trace;
using Bytes = std::vector<std::byte>;

namespace {

// ---- bytes by hand ------------------------------------------------------------------------

void put16(Bytes& b, std::size_t at, std::uint32_t v) {
  b[at] = std::byte(v & 0xFF);
  b[at + 1] = std::byte((v >> 8) & 0xFF);
}
void put32(Bytes& b, std::size_t at, std::uint32_t v) {
  put16(b, at, v & 0xFFFF);
  put16(b, at + 2, v >> 16);
}
void putf(Bytes& b, std::size_t at, float v) {
  std::uint32_t u = 0;
  std::memcpy(&u, &v, 4);  // the host's float bits; put32 stores them little-endian
  put32(b, at, u);
}
std::uint32_t get16(const Bytes& b, std::size_t at) {
  return std::to_integer<std::uint32_t>(b[at]) | std::to_integer<std::uint32_t>(b[at + 1]) << 8;
}
std::uint32_t get32(const Bytes& b, std::size_t at) {
  return get16(b, at) | get16(b, at + 2) << 16;
}

struct Spec {
  unsigned bits = 16;
  std::size_t nsamp = 8;
  std::size_t nchan = 1;
  unsigned rh_data = 1024;
  float range_ns = 8.0f;
  float sps = 0.0f;
  float spm = 0.0f;
  std::uint32_t cdt = 0;
  std::vector<std::string> antennas{"400MHz", "900MHz"};
  std::size_t data_offset() const { return 1024 * (rh_data < 1024 ? rh_data : nchan); }
  std::size_t trace_bytes() const { return nsamp * bits / 8; }
};

// Radar sample i (>= 2) of a scan, as a re-centred value that fits every sample size.
int value(std::uint64_t scan, std::size_t channel, std::size_t i) {
  return static_cast<int>((scan * 7 + channel * 31 + i * 13) % 200) - 100;
}
bool marked(std::uint64_t scan) { return scan % 4 == 1; }

Bytes make_file(const Spec& s, std::size_t scans) {
  Bytes b(s.data_offset() + scans * s.nchan * s.trace_bytes());
  for (std::size_t c = 0; c < s.nchan; ++c) {
    const std::size_t h = 1024 * c;
    put16(b, h + 0, 0x00FF);
    put16(b, h + 2, s.rh_data);
    put16(b, h + 4, static_cast<std::uint32_t>(s.nsamp));
    put16(b, h + 6, s.bits);
    putf(b, h + 10, s.sps);
    putf(b, h + 14, s.spm);
    putf(b, h + 26, s.range_ns);
    put32(b, h + 32, s.cdt);
    put16(b, h + 52, static_cast<std::uint32_t>(s.nchan));
    putf(b, h + 54, 6.0f);
    const std::string& ant = s.antennas[c % s.antennas.size()];
    for (std::size_t i = 0; i < ant.size() && i < 14; ++i) b[h + 98 + i] = std::byte(ant[i]);
    b[h + 113] = std::byte(0x19);  // rh_version 1, rh_system 3 (SIR-3000)
  }
  const unsigned bytes = s.bits / 8;
  const std::int64_t offset = s.bits == 8 ? 128 : s.bits == 16 ? 32768 : 0;
  std::size_t at = s.data_offset();
  for (std::uint64_t scan = 0; scan < scans; ++scan) {
    for (std::size_t c = 0; c < s.nchan; ++c) {
      for (std::size_t i = 0; i < s.nsamp; ++i) {
        std::uint32_t word = 0;
        if (i == 0) {
          word = static_cast<std::uint32_t>(scan);
        } else if (i == 1) {
          word = marked(scan) ? (s.bits == 8 ? 0xE8 : s.bits == 16 ? 0xE800 : 0xEC000000) : 0;
        } else {
          word = static_cast<std::uint32_t>(value(scan, c, i) + offset);
        }
        if (bytes == 1) b[at] = std::byte(word & 0xFF);
        if (bytes == 2) put16(b, at, word & 0xFFFF);
        if (bytes == 4) put32(b, at, word);
        at += bytes;
      }
    }
  }
  return b;
}

std::uint32_t pack_date(unsigned y, unsigned mo, unsigned d, unsigned h, unsigned mi, unsigned s) {
  return s / 2 | mi << 5 | h << 11 | d << 16 | mo << 21 | (y - 1980) << 25;
}

std::string field(const FileInfo& info, const std::string& name) {
  for (const auto& [k, v] : info.fields) {
    if (k == name) return v;
  }
  return "<no field " + name + ">";
}

std::string nmea(const std::string& body) {
  unsigned sum = 0;
  for (const char c : body) sum ^= static_cast<unsigned char>(c);
  char buf[8];
  std::snprintf(buf, sizeof buf, "*%02X", sum);
  return "$" + body + buf;
}

class Dzt : public ::testing::Test {
 protected:
  std::filesystem::path write(const std::string& name, const Bytes& bytes) const {
    const auto p = dir_ / name;
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    return p;
  }
  std::filesystem::path write_text(const std::string& name, const std::string& text) const {
    const auto p = dir_ / name;
    std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
    return p;
  }
  static std::vector<Trace> read_traces(TraceFileReader& r) {
    std::vector<Trace> traces;
    Trace t;
    while (r.next_trace(t)) traces.push_back(t);
    EXPECT_FALSE(r.next_trace(t));
    return traces;
  }
  // The FormatError message of opening `bytes`, or "" when it opens.
  std::string open_error(const Bytes& bytes) const {
    try {
      (void)open_gssi_dzt(write("BAD.DZT", bytes));
    } catch (const FormatError& e) {
      return e.what();
    }
    return "";
  }

  deminer::test::ScratchDir dir_;
};

// ---- the shared file ----------------------------------------------------------------------

TEST_F(Dzt, SharedFileMatchesIndependentReading) {
  const std::filesystem::path data = DEMINER_SHARED_DATA;
  if (!std::filesystem::is_directory(data)) {
    GTEST_SKIP() << "shared data folder " << data << " is absent";
  }
  std::ifstream ref_file(std::filesystem::path(DEMINER_TEST_REFERENCE_DIR) /
                         "gssi_dzt_reference.json");
  ASSERT_TRUE(ref_file) << "run tests/reference/make_gssi_dzt_reference.py";
  const auto ref = nlohmann::json::parse(ref_file);
  const auto path = data / ref["file"].get<std::string>();

  const Bytes head = [&] {
    Bytes all = deminer::test::read_file_bytes(path);
    all.resize(4096);
    return all;
  }();
  EXPECT_TRUE(looks_like_gssi_dzt(head));

  auto reader = open_gssi_dzt(path);
  const FileInfo& info = reader->info();
  // MANIFEST.md: 1040 traces × 512 samples, 16-bit, 1 channel, range 48 ns, antenna "400MHz".
  EXPECT_EQ(info.format, FileFormat::gssi_dzt);
  EXPECT_EQ(info.samples_per_trace, 512u);
  EXPECT_EQ(info.channels, 1u);
  EXPECT_EQ(info.traces_per_channel, std::optional<std::uint64_t>(1040));
  EXPECT_DOUBLE_EQ(info.dt_s, 48e-9 / 512);
  EXPECT_DOUBLE_EQ(info.dt_s, ref["dt_s"].get<double>());
  EXPECT_EQ(info.antenna, "400MHz");
  EXPECT_EQ(info.antenna_frequency_hz, std::optional<double>(400e6));
  EXPECT_EQ(info.instrument, "SIR-3000");
  EXPECT_EQ(info.sample_format, "uint16 offset binary");
  EXPECT_DOUBLE_EQ(info.trace_spacing_m, 1.0 / 50);
  EXPECT_EQ(field(info, "rhb_cdt (created)"), ref["created"].get<std::string>());
  EXPECT_EQ(field(info, "rh_tag"), "0x0700");
  EXPECT_EQ(field(info, "data offset (bytes)"), "1024");
  EXPECT_FALSE(info.conventions.empty());

  const auto traces = read_traces(*reader);
  ASSERT_EQ(traces.size(), ref["traces"].get<std::size_t>());
  EXPECT_TRUE(reader->warnings().empty()) << reader->warnings().front();
  for (const auto& s : ref["spot"]) {
    const auto t = s[0].get<std::size_t>(), i = s[1].get<std::size_t>();
    EXPECT_EQ(traces[t].samples[i], s[2].get<float>()) << "trace " << t << " sample " << i;
  }
  for (const auto& [t, sum] : ref["trace_sums"].items()) {
    const auto& tr = traces[std::stoul(t)];
    double total = 0;
    for (const float v : tr.samples) total += v;
    EXPECT_EQ(total, sum.get<double>()) << "trace " << t;
  }
  EXPECT_EQ(traces[1039].header.sequence, 1039u);
  EXPECT_DOUBLE_EQ(traces[1039].header.position_m, 1039.0 / 50);
  EXPECT_EQ(traces[100].header.timestamp_ns, 1'000'000'000);  // 100 scans at 100 scans/s
  EXPECT_DOUBLE_EQ(traces[7].header.dt_s, info.dt_s);

  std::vector<std::uint64_t> marks;
  for (const auto& m : info.marks) {
    marks.push_back(m.trace_index);
    EXPECT_EQ(m.label, "mark word 0x6400");
  }
  EXPECT_EQ(marks, ref["marked_scans"].get<std::vector<std::uint64_t>>());
}

// ---- synthetic variants -------------------------------------------------------------------

class DztBits : public Dzt, public ::testing::WithParamInterface<unsigned> {};

TEST_P(DztBits, DecodesOffsetBinaryOrSignedSamplesAndMarks) {
  Spec s;
  s.bits = GetParam();
  s.nsamp = 10;
  s.range_ns = 20.0f;
  s.spm = 25.0f;
  s.sps = 50.0f;
  const auto path = write("FILE.DZT", make_file(s, 9));
  auto reader = open_gssi_dzt(path);
  EXPECT_EQ(reader->info().sample_format,
            s.bits == 32 ? "int32" : "uint" + std::to_string(s.bits) + " offset binary");
  EXPECT_DOUBLE_EQ(reader->info().dt_s, 2e-9);
  const auto traces = read_traces(*reader);
  ASSERT_EQ(traces.size(), 9u);
  for (std::uint64_t scan = 0; scan < 9; ++scan) {
    const auto& t = traces[scan];
    ASSERT_EQ(t.samples.size(), 10u);
    for (std::size_t i = 2; i < 10; ++i) EXPECT_EQ(t.samples[i], value(scan, 0, i));
    EXPECT_EQ(t.samples[0], t.samples[2]);  // scan counter replaced
    EXPECT_EQ(t.samples[1], t.samples[2]);  // mark word replaced
    EXPECT_EQ(t.header.channel, 0);
    EXPECT_EQ(t.header.sequence, scan);
    EXPECT_DOUBLE_EQ(t.header.position_m, static_cast<double>(scan) / 25);
    EXPECT_EQ(t.header.timestamp_ns, static_cast<std::int64_t>(scan) * 20'000'000);
  }
  const auto& marks = reader->info().marks;
  ASSERT_EQ(marks.size(), 2u);  // scans 1 and 5
  EXPECT_EQ(marks[0].trace_index, 1u);
  EXPECT_EQ(marks[1].trace_index, 5u);
  EXPECT_EQ(marks[0].label, s.bits == 8    ? "mark word 0xE8"
                            : s.bits == 16 ? "mark word 0xE800"
                                           : "mark word 0xEC000000");
}

INSTANTIATE_TEST_SUITE_P(Bits, DztBits, ::testing::Values(8u, 16u, 32u));

TEST_F(Dzt, ThirtyTwoBitSamplesAreSigned) {
  Spec s;
  s.bits = 32;
  Bytes b = make_file(s, 1);
  put32(b, 1024 + 4 * 5, static_cast<std::uint32_t>(-123456));
  auto reader = open_gssi_dzt(write("FILE.DZT", b));
  const auto traces = read_traces(*reader);
  ASSERT_EQ(traces.size(), 1u);
  EXPECT_EQ(traces[0].samples[5], -123456.0f);
}

TEST_F(Dzt, TwoChannelsInterleaveScanByScan) {
  Spec s;
  s.nchan = 2;
  s.nsamp = 6;
  const auto path = write("TWO.DZT", make_file(s, 5));
  auto reader = open_gssi_dzt(path);
  const FileInfo& info = reader->info();
  EXPECT_EQ(info.channels, 2u);
  EXPECT_EQ(info.traces_per_channel, std::optional<std::uint64_t>(5));
  EXPECT_EQ(field(info, "data offset (bytes)"), "2048");
  EXPECT_EQ(field(info, "rh_antname[0]"), "400MHz (400 MHz)");
  EXPECT_EQ(field(info, "rh_antname[1]"), "900MHz (900 MHz)");
  const auto traces = read_traces(*reader);
  ASSERT_EQ(traces.size(), 10u);
  for (std::size_t k = 0; k < traces.size(); ++k) {
    const auto scan = k / 2, channel = k % 2;
    EXPECT_EQ(traces[k].header.channel, channel);
    EXPECT_EQ(traces[k].header.sequence, scan);
    for (std::size_t i = 2; i < 6; ++i) EXPECT_EQ(traces[k].samples[i], value(scan, channel, i));
  }
  ASSERT_EQ(info.marks.size(), 1u);  // scan 1, once although both channels carry the word
  EXPECT_EQ(info.marks[0].trace_index, 1u);
}

TEST_F(Dzt, SmallRhDataCountsKibibytes) {
  Spec s;
  s.rh_data = 2;  // data at 2048
  Bytes b = make_file(s, 3);
  EXPECT_EQ(b.size(), 2048 + 3 * 16u);
  auto reader = open_gssi_dzt(write("FILE.DZT", b));
  EXPECT_EQ(field(reader->info(), "data offset (bytes)"), "2048");
  const auto traces = read_traces(*reader);
  ASSERT_EQ(traces.size(), 3u);
  EXPECT_EQ(traces[2].samples[4], value(2, 0, 4));
}

TEST_F(Dzt, CreationDateIsDecodedFromItsBitfield) {
  Spec s;
  s.cdt = pack_date(2023, 11, 5, 14, 7, 58);
  EXPECT_EQ(field(open_gssi_dzt(write("A.DZT", make_file(s, 1)))->info(), "rhb_cdt (created)"),
            "2023-11-05T14:07:58");
  s.cdt = pack_date(2023, 0, 5, 14, 7, 58);  // month 0
  EXPECT_EQ(field(open_gssi_dzt(write("B.DZT", make_file(s, 1)))->info(), "rhb_cdt (created)"),
            "invalid (0x560570FD)");
  s.cdt = 0;
  EXPECT_EQ(field(open_gssi_dzt(write("C.DZT", make_file(s, 1)))->info(), "rhb_cdt (created)"),
            "not set");
}

TEST_F(Dzt, AntennaNamesMapToFrequenciesOrStayText) {
  struct Case {
    const char* name;
    std::optional<double> hz;
  };
  const Case cases[] = {
      {"400MHz", 400e6},    {"400 MHz", 400e6},    {"2.6GHZ", 2.6e9}, {"1.5 GHz", 1.5e9},
      {"270MHzx", 270e6},   {"5106", 200e6},       {"5106A", 200e6},  {"3101D", 900e6},
      {"D50800", 800e6},    {"62000-003", 2000e6}, {"50400S", 400e6}, {"350HS", 350e6},
      {"SS MINI #338", {}}, {"3200", {}},          {"400", {}},       {"", {}},
      {"gprMax", {}},       {"MHz", {}},           {"0MHz", {}},      {"51600 1.6GHz", 1.6e9}};
  for (const auto& c : cases) EXPECT_EQ(gssi_antenna_frequency_hz(c.name), c.hz) << c.name;

  Spec s;
  s.antennas = {"SS MINI #338"};
  auto reader = open_gssi_dzt(write("MINI.DZT", make_file(s, 1)));
  EXPECT_EQ(reader->info().antenna, "SS MINI #338");
  EXPECT_FALSE(reader->info().antenna_frequency_hz.has_value());
  Bytes b = make_file(s, 1);
  b[98] = std::byte{0xB5};  // not ASCII: shown as '?'
  EXPECT_EQ(open_gssi_dzt(write("ODD.DZT", b))->info().antenna, "?S MINI #338");
}

TEST_F(Dzt, LooksLikeChecksTheHeaderStructure) {
  const Bytes good = make_file(Spec{}, 2);
  EXPECT_TRUE(looks_like_gssi_dzt(good));
  Bytes b = good;
  put16(b, 0, 0x0700);  // SIR-3000's tag
  EXPECT_TRUE(looks_like_gssi_dzt(b));
  put16(b, 0, 0x1234);
  EXPECT_FALSE(looks_like_gssi_dzt(b));
  b = good;
  put16(b, 6, 12);
  EXPECT_FALSE(looks_like_gssi_dzt(b));
  EXPECT_FALSE(looks_like_gssi_dzt(std::span(good).first(100)));
  EXPECT_FALSE(looks_like_gssi_dzt(Bytes(4096, std::byte{0})));
}

// ---- bad input ----------------------------------------------------------------------------

TEST_F(Dzt, BadHeaderFieldsNameFileOffsetFieldAndValue) {
  const Bytes good = make_file(Spec{}, 2);
  const auto with = [&](std::function<void(Bytes&)> change) {
    Bytes b = good;
    change(b);
    return b;
  };
  EXPECT_EQ(open_error(with([](Bytes& b) { put16(b, 6, 12); })),
            "BAD.DZT: byte 6, field rh_bits: expected 8, 16 or 32, found 12");
  EXPECT_EQ(open_error(with([](Bytes& b) { put16(b, 4, 2); })),
            "BAD.DZT: byte 4, field rh_nsamp: expected at least 3 samples per scan (scan "
            "counter, mark word, data), found 2");
  EXPECT_EQ(open_error(with([](Bytes& b) { put16(b, 52, 0); })),
            "BAD.DZT: byte 52, field rh_nchan: expected 1 to 16 channels, found 0");
  EXPECT_EQ(open_error(with([](Bytes& b) { put16(b, 52, 17); })),
            "BAD.DZT: byte 52, field rh_nchan: expected 1 to 16 channels, found 17");
  EXPECT_NE(open_error(with([](Bytes& b) { put16(b, 2, 0); })).find("byte 2, field rh_data"),
            std::string::npos);
  EXPECT_EQ(open_error(with([](Bytes& b) { put16(b, 2, 70); })),
            "BAD.DZT: byte 2, field rh_data: data offset 71680 is beyond the file size 1056");
  EXPECT_EQ(open_error(with([](Bytes& b) { put16(b, 52, 2); })),
            "BAD.DZT: byte 52, field rh_nchan: data offset 2048 is beyond the file size 1056");
  Bytes two = make_file(Spec{.nchan = 2}, 1);
  put16(two, 2, 1);  // 1 KiB of header for 2 channels
  EXPECT_EQ(open_error(two),
            "BAD.DZT: byte 2, field rh_data: data offset 1024 is inside the 2 channel headers "
            "(2048 bytes)");
  EXPECT_EQ(open_error(with([](Bytes& b) { putf(b, 26, 0.0f); })),
            "BAD.DZT: byte 26, field rhf_range: expected a positive time window in ns, found 0");
  EXPECT_EQ(open_error(with([](Bytes& b) { putf(b, 26, std::nanf("")); })),
            "BAD.DZT: byte 26, field rhf_range: expected a positive time window in ns, found nan");
}

TEST_F(Dzt, UnusableRatesAreIgnoredWithAWarning) {
  Spec s;
  s.spm = -5.0f;
  s.sps = std::numeric_limits<float>::infinity();
  auto reader = open_gssi_dzt(write("RATE.DZT", make_file(s, 2)));
  EXPECT_EQ(reader->info().trace_spacing_m, 0.0);
  ASSERT_EQ(reader->warnings().size(), 2u);
  EXPECT_EQ(reader->warnings()[0],
            "RATE.DZT: byte 10, field rhf_sps: inf ignored (expected 0 or at least 0.001)");
  EXPECT_EQ(reader->warnings()[1],
            "RATE.DZT: byte 14, field rhf_spm: -5 ignored (expected 0 or more)");
  const auto traces = read_traces(*reader);
  EXPECT_EQ(traces[1].header.position_m, 0.0);
  EXPECT_EQ(traces[1].header.timestamp_ns, 0);
}

TEST_F(Dzt, TruncationAnywhere) {
  Spec s;
  s.nchan = 2;
  const Bytes full = make_file(s, 4);  // 2048 + 8 traces × 16 bytes
  for (std::size_t cut = 0; cut < full.size(); cut += (cut < 2100 ? 61 : 1)) {
    const Bytes b(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(cut));
    if (cut < 1024) {
      EXPECT_EQ(open_error(b), "BAD.DZT: byte " + std::to_string(cut) +
                                   ", field header: the file ends at byte " + std::to_string(cut) +
                                   ", a DZT header is 1024 bytes");
      continue;
    }
    if (cut < 2048) {
      EXPECT_NE(open_error(b).find("byte 52, field rh_nchan: data offset 2048 is beyond"),
                std::string::npos)
          << cut;
      continue;
    }
    auto reader = open_gssi_dzt(write("CUT.DZT", b));
    const std::size_t complete = (cut - 2048) / 16, extra = (cut - 2048) % 16;
    EXPECT_EQ(read_traces(*reader).size(), complete) << cut;
    EXPECT_EQ(reader->warnings().size(), extra > 0 ? 1u : 0u) << cut;
    if (extra > 0) {
      EXPECT_EQ(reader->warnings()[0], "CUT.DZT: file ends " + std::to_string(extra) +
                                           " bytes into trace " + std::to_string(complete) +
                                           " (of 8 samples × 2 bytes); " +
                                           std::to_string(complete) + " complete traces read");
    }
  }
}

// ---- companions ---------------------------------------------------------------------------

TEST_F(Dzt, DzxMarksAreReadAndMergedWithMarkWords) {
  const auto path = write("LINE.DZT", make_file(Spec{}, 8));  // mark words on scans 1 and 5
  write_text("LINE.DZX",
             "<?xml version=\"1.0\"?>\n<DZX xmlns=\"www.geophysical.com/DZX/1.02\">\n"
             "<File><Profile>\n"
             "<WayPt><scan>1</scan><mark>User</mark><name>Mark1</name></WayPt>\n"
             "<WayPt><scan>3</scan><mark>User</mark></WayPt>\n"
             "</Profile></File></DZX>\n");
  auto reader = open_gssi_dzt(path);
  ASSERT_EQ(reader->info().marks.size(), 2u);
  EXPECT_EQ(reader->info().marks[0].trace_index, 1u);
  EXPECT_EQ(reader->info().marks[0].label, "User Mark1");
  EXPECT_EQ(reader->info().marks[1].label, "User");
  read_traces(*reader);
  const auto& marks = reader->info().marks;  // scan 1 is not repeated; scan 5 is added
  ASSERT_EQ(marks.size(), 3u);
  EXPECT_EQ(marks[2].trace_index, 5u);
  EXPECT_EQ(marks[2].label, "mark word 0xE800");
  EXPECT_TRUE(reader->warnings().empty());
}

TEST_F(Dzt, DzxTargetGroupVariant) {
  const auto path = write("T.DZT", make_file(Spec{}, 2));
  write_text("T.DZX",
             "<DZX><TargetGroup><TargetWayPt><scanSampChanProp>12,40,0,1</scanSampChanProp>"
             "</TargetWayPt></TargetGroup></DZX>");
  const auto reader = open_gssi_dzt(path);
  const auto& marks = reader->info().marks;
  ASSERT_EQ(marks.size(), 1u);
  EXPECT_EQ(marks[0].trace_index, 12u);
  EXPECT_EQ(marks[0].label, "DZX target");
}

TEST_F(Dzt, MalformedDzxOnlyWarns) {
  const auto path = write("M.DZT", make_file(Spec{}, 2));
  write_text("M.DZX",
             "<DZX><File><Profile><WayPt><scan>x7</scan></WayPt>"
             "<WayPt><scan>9</scan><mark>User</mark></WayPt><WayPt><scan>4");
  auto reader = open_gssi_dzt(path);
  ASSERT_EQ(reader->info().marks.size(), 1u);
  EXPECT_EQ(reader->info().marks[0].trace_index, 9u);
  ASSERT_EQ(reader->warnings().size(), 1u);
  EXPECT_EQ(reader->warnings()[0],
            "M.DZX: 2 mark(s) ignored (first: byte 20: <WayPt> has no valid <scan> (found 'x7'))");

  write_text("M.DZX", "this is not xml");
  reader = open_gssi_dzt(path);
  EXPECT_TRUE(reader->info().marks.empty());
  ASSERT_EQ(reader->warnings().size(), 1u);
  EXPECT_EQ(reader->warnings()[0], "M.DZX: ignored (no <DZX> element: not a DZX file)");
}

TEST_F(Dzt, DzgGpsFixesFollowTheirScan) {
  const auto path = write("G.DZT", make_file(Spec{}, 2));
  write_text("G.DZG",
             nmea("GSSIS,0,0") + "\r\n" +
                 nmea("GPGGA,120000.00,4530.0000,N,07315.0000,W,1,08,0.9,35.5,M,-32.0,M,,") +
                 "\r\n" + nmea("GPRMC,120000.00,A,4530.0000,N,07315.0000,W,0.0,0.0,010124,,") +
                 "\r\n\r\n" + nmea("GSSIS,25,1") + "\n" +
                 nmea("GNGGA,120001.00,4530.6000,S,07315.3000,E,2,09,0.8,36.0,M,-32.0,M,,") + "\n");
  auto reader = open_gssi_dzt(path);
  const auto& gps = reader->info().gps;
  ASSERT_EQ(gps.size(), 2u);
  EXPECT_EQ(gps[0].trace_index, 0u);
  EXPECT_DOUBLE_EQ(gps[0].latitude_deg, 45.5);
  EXPECT_DOUBLE_EQ(gps[0].longitude_deg, -73.25);
  EXPECT_DOUBLE_EQ(gps[0].altitude_m, 35.5);
  EXPECT_EQ(gps[1].trace_index, 25u);
  EXPECT_NEAR(gps[1].latitude_deg, -(45 + 30.6 / 60), 1e-12);
  EXPECT_NEAR(gps[1].longitude_deg, 73 + 15.3 / 60, 1e-12);
  EXPECT_TRUE(reader->warnings().empty()) << reader->warnings().front();
}

TEST_F(Dzt, MalformedDzgOnlyWarns) {
  const auto path = write("B.DZT", make_file(Spec{}, 2));
  write_text("B.DZG",
             nmea("GSSIS,1,0") + "\n" + "$GPGGA,1,4530.0,N,07315.0,W,1,8,1,3,M*00\n" +  // checksum
                 nmea("GSSIS,2,0") + "\n" + nmea("GPGGA,1,,,,,0,0,,,M,,M,,") + "\n" +   // no fix
                 nmea("GSSIS,3,0") + "\n" + nmea("GPGGA,1,9130.0,N,07315.0,W,1,8,1,3,M,,M,,") +
                 "\n" + nmea("GSSIS,zz") + "\n" + "garbage\n" + nmea("GSSIS,4,0") + "\n" +
                 nmea("GPGGA,1,4530.0,N,07315.0,W,1,8,1,3,M,,M,,") + "\n");
  auto reader = open_gssi_dzt(path);
  ASSERT_EQ(reader->info().gps.size(), 1u);
  EXPECT_EQ(reader->info().gps[0].trace_index, 4u);
  ASSERT_EQ(reader->warnings().size(), 2u);
  EXPECT_EQ(reader->warnings()[0],
            "B.DZG: 4 line(s) ignored (first: line 2: not an NMEA sentence or bad checksum)");
  EXPECT_EQ(reader->warnings()[1], "B.DZG: 1 GGA sentence(s) without a fix skipped");
  EXPECT_EQ(read_traces(*reader).size(), 2u);
}

// ---- writer -------------------------------------------------------------------------------

FileInfo like(std::size_t channels, std::size_t nsamp) {
  FileInfo info;
  info.dt_s = 0.1e-9;
  info.samples_per_trace = nsamp;
  info.channels = channels;
  info.antenna = "400MHz";
  info.antenna_frequency_hz = 400e6;
  info.trace_spacing_m = 0.05;
  info.marks = {{2, "user"}, {5, "user"}};
  return info;
}

// Integer samples, with samples 0 and 1 equal to sample 2 as the reader returns them.
std::vector<Trace> make_traces(std::size_t scans, std::size_t channels, std::size_t nsamp,
                               double amplitude) {
  std::vector<Trace> traces;
  for (std::size_t scan = 0; scan < scans; ++scan) {
    for (std::size_t c = 0; c < channels; ++c) {
      Trace t;
      t.header.channel = static_cast<std::uint16_t>(c);
      t.header.timestamp_ns = static_cast<std::int64_t>(scan) * 25'000'000;  // 40 scans/s
      t.samples.resize(nsamp);
      for (std::size_t i = 2; i < nsamp; ++i) {
        t.samples[i] = static_cast<float>(
            std::round(amplitude * std::sin(0.3 * static_cast<double>(i + 5 * scan + 11 * c))));
      }
      t.samples[0] = t.samples[1] = t.samples[2];
      traces.push_back(t);
    }
  }
  return traces;
}

class DztRoundTrip : public Dzt,
                     public ::testing::WithParamInterface<std::tuple<int, std::size_t>> {};

TEST_P(DztRoundTrip, WriteThenReadGivesTheSameTracesAndMetadata) {
  const auto [bits, channels] = GetParam();
  const std::size_t nsamp = 64;
  const FileInfo in_info = like(channels, nsamp);
  const auto in = make_traces(7, channels, nsamp, bits == 16 ? 30000.0 : 2e6);
  const auto path = dir_ / "OUT.DZT";
  {
    auto writer = create_gssi_dzt(path, in_info, bits);
    for (const auto& t : in) writer->write(t.view());
    writer->close();
    EXPECT_TRUE(writer->warnings().empty()) << writer->warnings().front();
    EXPECT_EQ(writer->clamped_samples(), 0u);
  }
  // Header bytes, against the layout.
  const Bytes b = deminer::test::read_file_bytes(path);
  ASSERT_EQ(b.size(), 1024 * channels + in.size() * nsamp * static_cast<std::size_t>(bits / 8));
  for (std::size_t c = 0; c < channels; ++c) {
    const std::size_t h = 1024 * c;
    EXPECT_EQ(get16(b, h + 0), 0x00FFu);
    EXPECT_EQ(get16(b, h + 2), 1024u);
    EXPECT_EQ(get16(b, h + 4), nsamp);
    EXPECT_EQ(get16(b, h + 6), static_cast<unsigned>(bits));
    EXPECT_EQ(get16(b, h + 8), bits == 16 ? 0x8000u : 0u);
    EXPECT_EQ(get32(b, h + 10), 0x42200000u);  // rhf_sps 40.0f
    EXPECT_EQ(get32(b, h + 14), 0x41A00000u);  // rhf_spm 20.0f
    EXPECT_EQ(get16(b, h + 52), channels);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(b.data()) + h + 98), "400MHz");
  }
  // Scan 2 carries the mark word, scan 3 does not; sample 0 is the scan counter.
  const std::size_t bytes = static_cast<std::size_t>(bits / 8);
  const std::size_t scan2 = 1024 * channels + 2 * channels * nsamp * bytes;
  const std::size_t scan3 = scan2 + channels * nsamp * bytes;
  if (bits == 16) {
    EXPECT_EQ(get16(b, scan2), 2u);
    EXPECT_EQ(get16(b, scan2 + 2), 0x6400u);
    EXPECT_EQ(get16(b, scan3 + 2), 0u);
  } else {
    EXPECT_EQ(get32(b, scan2), 2u);
    EXPECT_EQ(get32(b, scan2 + 4), 0xEC000000u);
    EXPECT_EQ(get32(b, scan3 + 4), 0u);
  }

  auto reader = open_gssi_dzt(path);
  const FileInfo& info = reader->info();
  EXPECT_EQ(info.samples_per_trace, nsamp);
  EXPECT_EQ(info.channels, channels);
  EXPECT_NEAR(info.dt_s, in_info.dt_s, 1e-7 * in_info.dt_s);
  EXPECT_NEAR(info.trace_spacing_m, in_info.trace_spacing_m, 1e-7);
  EXPECT_EQ(info.antenna, "400MHz");
  EXPECT_EQ(info.antenna_frequency_hz, in_info.antenna_frequency_hz);
  const auto out = read_traces(*reader);
  EXPECT_TRUE(reader->warnings().empty());
  ASSERT_EQ(out.size(), in.size());
  for (std::size_t k = 0; k < in.size(); ++k) {
    EXPECT_EQ(out[k].samples, in[k].samples) << "trace " << k;
    EXPECT_EQ(out[k].header.channel, in[k].header.channel);
    EXPECT_EQ(out[k].header.timestamp_ns, in[k].header.timestamp_ns);
  }
  std::vector<std::uint64_t> marks;
  for (const auto& m : info.marks) marks.push_back(m.trace_index);
  EXPECT_EQ(marks, (std::vector<std::uint64_t>{2, 5}));
}

INSTANTIATE_TEST_SUITE_P(BitsAndChannels, DztRoundTrip,
                         ::testing::Combine(::testing::Values(16, 32),
                                            ::testing::Values(std::size_t{1}, std::size_t{2})));

TEST_F(Dzt, WriterClampsRoundsAndCounts) {
  const auto path = dir_ / "CLAMP.DZT";
  auto writer = create_gssi_dzt(path, like(1, 8), 16);
  Trace t;
  t.samples = {0, 0, 40000.0f, -40000.0f, 1.4f, std::nanf(""), -2.5f, 7.0f};
  writer->write(t.view());
  writer->close();
  EXPECT_EQ(writer->clamped_samples(), 2u);
  ASSERT_EQ(writer->warnings().size(), 3u);
  EXPECT_EQ(writer->warnings()[0], "CLAMP.DZT: 2 sample(s) outside [-32768, 32767] clamped");
  EXPECT_EQ(writer->warnings()[1], "CLAMP.DZT: 1 non-finite sample(s) written as 0");
  EXPECT_EQ(writer->warnings()[2],
            "CLAMP.DZT: 2 non-integer sample(s) rounded to the nearest integer");
  auto reader = open_gssi_dzt(path);
  const auto out = read_traces(*reader);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].samples, (std::vector<float>{32767, 32767, 32767, -32768, 1, 0, -2, 7}));
}

TEST_F(Dzt, WriterRejectsWhatDztCannotHold) {
  const auto path = dir_ / "W.DZT";
  FileInfo info = like(1, 8);
  EXPECT_THROW((void)create_gssi_dzt(path, info, 24), FormatError);
  info.samples_per_trace = 2;
  EXPECT_THROW((void)create_gssi_dzt(path, info, 16), FormatError);
  info = like(17, 8);
  EXPECT_THROW((void)create_gssi_dzt(path, info, 16), FormatError);
  info = like(1, 8);
  info.dt_s = 0;
  EXPECT_THROW((void)create_gssi_dzt(path, info, 16), FormatError);

  auto writer = create_gssi_dzt(path, like(2, 8), 16);
  Trace t;
  t.samples.assign(7, 0.0f);
  EXPECT_THROW(writer->write(t.view()), FormatError);  // 7 samples, file has 8
  t.samples.assign(8, 0.0f);
  t.header.channel = 1;
  EXPECT_THROW(writer->write(t.view()), FormatError);  // channel 0 comes first
}

TEST_F(Dzt, WriterSpellsKnownFrequenciesForReadgssi) {
  FileInfo info = like(1, 8);
  info.antenna = "SS MINI #338";
  info.antenna_frequency_hz = 1.6e9;
  {
    auto writer = create_gssi_dzt(dir_ / "A.DZT", info, 16);
    writer->close();
  }
  EXPECT_EQ(open_gssi_dzt(dir_ / "A.DZT")->info().antenna, "1600MHz");
  info.antenna = "a very long antenna name";
  info.antenna_frequency_hz.reset();
  auto writer = create_gssi_dzt(dir_ / "B.DZT", info, 16);
  writer->close();
  ASSERT_EQ(writer->warnings().size(), 1u);
  EXPECT_EQ(writer->warnings()[0],
            "B.DZT: antenna name \"a very long antenna name\" shortened to 14 bytes");
  EXPECT_EQ(open_gssi_dzt(dir_ / "B.DZT")->info().antenna, "a very long an");
}

}  // namespace
