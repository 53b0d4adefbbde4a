// SEG-Y: the shared segyio file against tests/reference/make_segy_reference.py, synthetic files
// for every sample format, byte order, revision and interval convention, damaged headers and
// truncated data, and the rev 2 writer. Synthetic files are built here byte by byte (offsets
// from the SEG-Y rev 2.0 standard, 1-based there, 0-based here).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "deminer/dsp/core/error.hpp"
#include "deminer/sim/formats/segy.hpp"
#include "scratch_dir.hpp"

using namespace deminer::sim::formats;
using deminer::FormatError;
using deminer::dsp::Trace;
namespace fs = std::filesystem;

namespace {

using Bytes = std::vector<unsigned char>;

void put(Bytes& b, std::size_t at, std::size_t size, std::uint64_t value, bool big) {
  for (std::size_t i = 0; i < size; ++i) {
    b[at + (big ? size - 1 - i : i)] = static_cast<unsigned char>(value >> (8 * i));
  }
}

std::uint64_t get(const Bytes& b, std::size_t at, std::size_t size) {  // big-endian
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < size; ++i) v = v << 8 | b[at + i];
  return v;
}

// IBM float from its definition: fraction in [1/16, 1) times 16^(exponent - 64).
std::uint32_t to_ibm(double v) {
  if (v == 0.0) return 0;
  const std::uint32_t sign = v < 0 ? 0x80000000u : 0u;
  double m = std::fabs(v);
  int e = 0;
  while (m >= 1.0) m /= 16.0, ++e;
  while (m < 1.0 / 16.0) m *= 16.0, --e;
  return sign | static_cast<std::uint32_t>(e + 64) << 24 |
         static_cast<std::uint32_t>(std::llround(m * 16777216.0));
}

// Exactly representable in every sample format (int8 included).
float value(std::size_t trace, std::size_t i) {
  return static_cast<float>(static_cast<int>((trace * 7 + i) % 100) - 50);
}

struct Spec {
  bool big = true;
  int code = 5;
  int revision = 1;
  bool byte_order_constant = false;
  std::size_t samples = 16;
  std::size_t traces = 4;
  unsigned interval = 0;  // bytes 3217-3218
  double ext_interval = 0.0;
  std::string text = "C 1 SYNTHETIC FILE";
  int ext_text = 0;
  // Per trace: source X, group X, source Y, group Y, CDP X, CDP Y (raw), scalar, units.
  std::vector<std::array<std::int32_t, 6>> coordinates;
  int scalar = 0;
  int measurement = 0;
};

std::size_t sample_bytes(int code) { return code == 3 ? 2 : code == 6 ? 8 : code == 8 ? 1 : 4; }

Bytes build(const Spec& s) {
  const std::size_t w = sample_bytes(s.code);
  const std::size_t header = 3600 + 3200 * static_cast<std::size_t>(std::max(s.ext_text, 0));
  Bytes b(header + s.traces * (240 + s.samples * w), 0);
  for (std::size_t i = 0; i < 3200; ++i) b[i] = ' ';
  std::memcpy(b.data(), s.text.data(), std::min<std::size_t>(s.text.size(), 3200));
  for (std::size_t i = 3600; i < header; ++i) b[i] = ' ';
  put(b, 3216, 2, s.interval, s.big);
  put(b, 3220, 2, s.samples, s.big);
  put(b, 3224, 2, static_cast<std::uint64_t>(s.code), s.big);
  put(b, 3254, 2, static_cast<std::uint64_t>(s.measurement), s.big);
  put(b, 3272, 8, std::bit_cast<std::uint64_t>(s.ext_interval), s.big);
  if (s.byte_order_constant) put(b, 3296, 4, 0x01020304, s.big);
  b[3500] = static_cast<unsigned char>(s.revision);
  put(b, 3504, 2, static_cast<std::uint16_t>(s.ext_text), s.big);
  for (std::size_t t = 0; t < s.traces; ++t) {
    const std::size_t at = header + t * (240 + s.samples * w);
    put(b, at + 4, 4, t + 1, s.big);
    if (t < s.coordinates.size()) {
      const auto& c = s.coordinates[t];
      put(b, at + 70, 2, static_cast<std::uint16_t>(s.scalar), s.big);
      for (const auto& [offset, index] : {std::pair{72, 0}, std::pair{80, 1}, std::pair{76, 2},
                                          std::pair{84, 3}, std::pair{180, 4}, std::pair{184, 5}}) {
        put(b, at + offset, 4, static_cast<std::uint32_t>(c[index]), s.big);
      }
    }
    for (std::size_t i = 0; i < s.samples; ++i) {
      const std::size_t p = at + 240 + i * w;
      const float v = value(t, i);
      switch (s.code) {
        case 1:
          put(b, p, 4, to_ibm(v), s.big);
          break;
        case 2:
          put(b, p, 4, static_cast<std::uint32_t>(static_cast<std::int32_t>(v)), s.big);
          break;
        case 3:
          put(b, p, 2, static_cast<std::uint16_t>(static_cast<std::int16_t>(v)), s.big);
          break;
        case 5:
          put(b, p, 4, std::bit_cast<std::uint32_t>(v), s.big);
          break;
        case 6:
          put(b, p, 8, std::bit_cast<std::uint64_t>(static_cast<double>(v)), s.big);
          break;
        case 8:
          b[p] = static_cast<unsigned char>(static_cast<std::int8_t>(v));
          break;
        default:
          break;
      }
    }
  }
  return b;
}

class Segy : public ::testing::Test {
 protected:
  fs::path write(const Bytes& bytes, const std::string& name = "synthetic.sgy") const {
    const fs::path p = dir_ / name;
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    return p;
  }
  static Bytes read_all(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
  static std::vector<Trace> read_traces(TraceFileReader& reader) {
    std::vector<Trace> traces;
    Trace trace;
    while (reader.next_trace(trace)) traces.push_back(trace);
    return traces;
  }
  // The FormatError message of opening `bytes`, or "" when it opens.
  std::string open_error(const Bytes& bytes) const {
    try {
      (void)open_segy(write(bytes));
    } catch (const FormatError& e) {
      return e.what();
    }
    return "";
  }

  deminer::test::ScratchDir dir_;
};

bool has_convention(const FileInfo& info, const std::string& text) {
  for (const auto& c : info.conventions) {
    if (c.find(text) != std::string::npos) return true;
  }
  return false;
}

std::optional<std::string> field(const FileInfo& info, const std::string& name) {
  for (const auto& [key, value] : info.fields) {
    if (key == name) return value;
  }
  return std::nullopt;
}

TEST_F(Segy, SharedFileMatchesNumpyReading) {
  const fs::path data(DEMINER_SHARED_DATA);
  if (!fs::exists(data)) GTEST_SKIP() << "shared data folder absent: " << data;
  std::ifstream ref_file(std::string(DEMINER_TEST_REFERENCE_DIR) + "/segy_reference.json");
  const auto ref = nlohmann::json::parse(ref_file);
  const fs::path path = data / ref["file"].get<std::string>();

  const Bytes head = read_all(path);
  EXPECT_TRUE(looks_like_segy(std::as_bytes(std::span(head).first(4096))));

  const auto reader = open_segy(path);
  const FileInfo& info = reader->info();
  // MANIFEST.md: 50 samples × 25 traces, IBM float, big-endian, one channel.
  EXPECT_EQ(info.format, FileFormat::segy);
  EXPECT_EQ(info.samples_per_trace, 50u);
  EXPECT_EQ(info.traces_per_channel, 25u);
  EXPECT_EQ(info.channels, 1u);
  EXPECT_EQ(info.sample_format, "ibm float32");
  EXPECT_DOUBLE_EQ(info.dt_s, ref["sample_interval_us"].get<double>() * 1e-6);
  EXPECT_TRUE(has_convention(info, "big-endian"));
  EXPECT_TRUE(has_convention(info, "microseconds as the standard says"));
  EXPECT_EQ(field(info, "textual header"), "EBCDIC");
  EXPECT_EQ(field(info, "text line 1"), ref["text_line_1"].get<std::string>());
  EXPECT_FALSE(info.positions_known);

  const auto traces = read_traces(*reader);
  ASSERT_EQ(traces.size(), ref["traces"].get<std::size_t>());
  EXPECT_TRUE(reader->warnings().empty());
  double sum = 0.0;
  for (const Trace& t : traces) {
    ASSERT_EQ(t.samples.size(), 50u);
    for (const float v : t.samples) sum += v;
  }
  EXPECT_NEAR(sum, ref["sum_all"].get<double>(), 1e-9 * std::fabs(sum));
  const auto& picked = ref["traces_checked"];
  for (std::size_t k = 0; k < picked.size(); ++k) {
    const Trace& t = traces[picked[k].get<std::size_t>()];
    for (std::size_t i = 0; i < 50; ++i) {
      EXPECT_EQ(t.samples[i], ref["samples"][k][i].get<float>())
          << "trace " << picked[k] << " " << i;
    }
  }
}

TEST_F(Segy, EverySampleFormatInBothByteOrders) {
  for (const int code : {1, 2, 3, 5, 6, 8}) {
    for (const bool big : {true, false}) {
      for (const bool constant : {true, false}) {
        Spec s;
        s.code = code;
        s.big = big;
        s.revision = constant ? 2 : 1;
        s.byte_order_constant = constant;
        s.interval = 100;
        const auto reader = open_segy(write(build(s)));
        const auto traces = read_traces(*reader);
        ASSERT_EQ(traces.size(), s.traces) << code;
        for (std::size_t t = 0; t < s.traces; ++t) {
          for (std::size_t i = 0; i < s.samples; ++i) {
            ASSERT_EQ(traces[t].samples[i], value(t, i)) << "code " << code << " big " << big;
          }
          EXPECT_EQ(traces[t].header.sequence, t);
        }
        EXPECT_TRUE(has_convention(reader->info(), big ? "big-endian" : "little-endian"));
        EXPECT_TRUE(has_convention(reader->info(),
                                   constant ? "byte-order constant 0x01020304" : "no byte-order"));
      }
    }
  }
}

TEST_F(Segy, IbmSpecialValuesConvertExactly) {
  Spec s;
  s.code = 1;
  s.traces = 1;
  s.samples = 8;
  s.interval = 4;
  Bytes b = build(s);
  const std::uint32_t words[] = {0x42640000u,   // 100
                                 0xC276A000u,   // -118.625
                                 0x00000000u,   // +0
                                 0x80000000u,   // -0
                                 0x20100000u,   // 16^-33 = 2^-132, a float denormal
                                 0x00100000u,   // 16^-65: below every float, rounds to 0
                                 0x7FFFFFFFu,   // beyond float: +inf
                                 0x41100000u};  // 1
  for (std::size_t i = 0; i < 8; ++i) put(b, 3600 + 240 + 4 * i, 4, words[i], true);
  Trace t;
  const auto reader = open_segy(write(b));
  ASSERT_TRUE(reader->next_trace(t));
  EXPECT_EQ(t.samples[0], 100.0f);
  EXPECT_EQ(t.samples[1], -118.625f);
  EXPECT_EQ(t.samples[2], 0.0f);
  EXPECT_FALSE(std::signbit(t.samples[2]));
  EXPECT_TRUE(std::signbit(t.samples[3]));
  EXPECT_EQ(t.samples[4], std::ldexp(1.0f, -132));
  EXPECT_EQ(t.samples[5], 0.0f);
  EXPECT_TRUE(std::isinf(t.samples[6]));
  EXPECT_EQ(t.samples[7], 1.0f);
}

TEST_F(Segy, Rev2Float64IntervalIsPreferred) {
  Spec s;
  s.revision = 2;
  s.byte_order_constant = true;
  s.interval = 0;
  s.ext_interval = 2.358654336749684e-6;  // µs: 2.358654 ps
  s.text = "C 1 GPR LINE 7";  // radar, but the float64 field wins over the ps convention
  const auto reader = open_segy(write(build(s)));
  EXPECT_DOUBLE_EQ(reader->info().dt_s, 2.358654336749684e-12);
  EXPECT_TRUE(has_convention(reader->info(), "rev 2 float64"));
  EXPECT_TRUE(has_convention(reader->info(), "in microseconds"));
}

TEST_F(Segy, PicosecondConvention) {
  Spec s;
  s.interval = 800;
  s.text = "C 1 GROUND PENETRATING RADAR, 1 GHZ";
  const fs::path radar = write(build(s), "radar.sgy");
  {
    const auto reader = open_segy(radar);
    EXPECT_DOUBLE_EQ(reader->info().dt_s, 800e-12);
    EXPECT_TRUE(has_convention(reader->info(), "read in picoseconds because"));
  }
  EXPECT_DOUBLE_EQ(open_segy(radar, {SegyIntervalUnit::microseconds})->info().dt_s, 800e-6);

  s.text = "C 1 SEISMIC LINE";
  const fs::path seismic = write(build(s), "seismic.sgy");
  EXPECT_DOUBLE_EQ(open_segy(seismic)->info().dt_s, 800e-6);
  const auto forced = open_segy(seismic, {SegyIntervalUnit::picoseconds});
  EXPECT_DOUBLE_EQ(forced->info().dt_s, 800e-12);
  EXPECT_TRUE(has_convention(forced->info(), "as the caller asked"));
}

TEST_F(Segy, IntervalAndSamplesFromFirstTraceHeaderWhenBinaryHeaderHasNone) {
  Spec s;
  s.interval = 0;
  Bytes b = build(s);
  put(b, 3600 + 116, 2, 250, true);
  const auto reader = open_segy(write(b));
  EXPECT_DOUBLE_EQ(reader->info().dt_s, 250e-6);
  EXPECT_TRUE(has_convention(reader->info(), "first trace header"));
}

TEST_F(Segy, AsciiTextHeaderAndExtendedTextualHeaders) {
  Spec s;
  s.interval = 10;
  s.text = "C 1 CLIENT: DEMINER TEST";
  s.ext_text = 2;
  const auto reader = open_segy(write(build(s)));
  EXPECT_EQ(field(reader->info(), "textual header"), "ASCII");
  EXPECT_EQ(field(reader->info(), "text line 1"), "C 1 CLIENT: DEMINER TEST");
  EXPECT_EQ(field(reader->info(), "data offset"), std::to_string(3600 + 2 * 3200));
  const auto traces = read_traces(*reader);
  ASSERT_EQ(traces.size(), s.traces);
  EXPECT_EQ(traces[3].samples[5], value(3, 5));

  // -1: a variable number of records, the last holding the end stanza.
  s.ext_text = 0;
  Bytes b = build(s);
  put(b, 3504, 2, 0xFFFF, true);
  Bytes records(2 * 3200, ' ');
  const std::string end = "((SEG: EndText))";
  std::memcpy(records.data() + 3200, end.data(), end.size());
  b.insert(b.begin() + 3600, records.begin(), records.end());
  const auto variable = open_segy(write(b, "variable.sgy"));
  EXPECT_EQ(read_traces(*variable).size(), s.traces);
  EXPECT_EQ(field(variable->info(), "data offset"), std::to_string(3600 + 2 * 3200));
}

TEST_F(Segy, PositionsFromCoordinates) {
  Spec s;
  s.interval = 1;
  s.scalar = -100;  // centimetres
  s.coordinates = {
      {10, 30, 0, 0, 0, 0}, {20, 40, 0, 0, 0, 0}, {30, 50, 0, 0, 0, 0}, {40, 60, 0, 0, 0, 0}};
  {
    const auto reader = open_segy(write(build(s), "profile.sgy"));
    EXPECT_TRUE(reader->info().positions_known);
    EXPECT_TRUE(has_convention(reader->info(), "X coordinate"));
    const auto traces = read_traces(*reader);
    EXPECT_DOUBLE_EQ(traces[0].header.position_m, 0.20);  // midpoint of 10 and 30 cm
    EXPECT_DOUBLE_EQ(traces[3].header.position_m, 0.50);
  }
  // A track in the plane: distance along it (3-4-5 steps), in feet.
  s.scalar = 0;
  s.measurement = 2;
  s.coordinates = {{0, 0, 0, 0, 100, 200},
                   {0, 0, 0, 0, 103, 204},
                   {0, 0, 0, 0, 106, 208},
                   {0, 0, 0, 0, 106, 208}};
  {
    const auto reader = open_segy(write(build(s), "track.sgy"));
    EXPECT_TRUE(has_convention(reader->info(), "CDP"));
    EXPECT_TRUE(has_convention(reader->info(), "distance along the track"));
    const auto traces = read_traces(*reader);
    EXPECT_DOUBLE_EQ(traces[0].header.position_m, 0.0);
    EXPECT_NEAR(traces[1].header.position_m, 5 * 0.3048, 1e-12);
    EXPECT_NEAR(traces[3].header.position_m, 10 * 0.3048, 1e-12);
  }
}

TEST_F(Segy, HeaderErrorsNameFileOffsetFieldAndValues) {
  Spec s;
  s.interval = 4;
  Bytes b = build(s);
  put(b, 3224, 2, 4, true);  // fixed point with gain: not supported
  std::string e = open_error(b);
  EXPECT_NE(e.find("synthetic.sgy: byte 3224, field data sample format code"), std::string::npos)
      << e;
  EXPECT_NE(e.find("found 4 (big-endian; 1024 little-endian)"), std::string::npos) << e;
  EXPECT_NE(e.find("1 (ibm float32), 2 (int32), 3 (int16), 5 (ieee float32), 6 (ieee float64), "
                   "8 (int8)"),
            std::string::npos)
      << e;

  b = build(s);
  put(b, 3220, 2, 0, true);
  e = open_error(b);
  EXPECT_NE(e.find("byte 3220, field samples per trace"), std::string::npos) << e;

  b = build(s);
  put(b, 3216, 2, 0, true);
  e = open_error(b);
  EXPECT_NE(e.find("byte 3216, field sample interval"), std::string::npos) << e;

  b = build(s);
  put(b, 3504, 2, 500, true);
  e = open_error(b);
  EXPECT_NE(e.find("byte 3504, field number of extended textual headers"), std::string::npos) << e;

  s.revision = 2;
  b = build(s);
  put(b, 3272, 8, std::bit_cast<std::uint64_t>(std::nan("")), true);
  e = open_error(b);
  EXPECT_NE(e.find("byte 3272, field extended sample interval (bytes 3273-3280): found nan"),
            std::string::npos)
      << e;

  b = build(s);
  put(b, 3506, 2, 1, true);
  e = open_error(b);
  EXPECT_NE(e.find("byte 3506, field additional trace headers"), std::string::npos) << e;

  b = build(s);
  put(b, 3520, 8, 1u << 30, true);
  e = open_error(b);
  EXPECT_NE(e.find("byte 3520, field byte offset of first trace"), std::string::npos) << e;
}

TEST_F(Segy, TruncationAnywhere) {
  Spec s;
  s.interval = 4;
  s.traces = 5;
  s.code = 3;
  const Bytes full = build(s);
  const std::size_t trace_bytes = 240 + 2 * s.samples;
  for (std::size_t cut = 0; cut < 3600; cut += 37) {
    const std::string e = open_error(Bytes(full.begin(), full.begin() + cut));
    EXPECT_NE(e.find("expected at least 3600 bytes"), std::string::npos) << cut << ": " << e;
  }
  for (std::size_t cut = 3600; cut <= full.size(); cut += 13) {
    const auto reader = open_segy(write(Bytes(full.begin(), full.begin() + cut)));
    const auto traces = read_traces(*reader);
    const std::size_t complete = (cut - 3600) / trace_bytes;
    ASSERT_EQ(traces.size(), complete) << cut;
    for (std::size_t t = 0; t < complete; ++t) EXPECT_EQ(traces[t].samples[3], value(t, 3));
    const std::size_t into = (cut - 3600) % trace_bytes;
    if (into == 0) {
      EXPECT_TRUE(reader->warnings().empty()) << cut;
    } else {
      ASSERT_EQ(reader->warnings().size(), 1u) << cut;
      EXPECT_NE(reader->warnings()[0].find("file ends " + std::to_string(into) +
                                           " bytes into trace " + std::to_string(complete) +
                                           " (of 240 + 16 samples × 2 bytes); " +
                                           std::to_string(complete) + " complete traces read"),
                std::string::npos)
          << reader->warnings()[0];
    }
  }
}

TEST_F(Segy, WriterRoundTripAndHeaderBytes) {
  FileInfo like;
  like.path = "scene_merged.out";
  like.instrument = "gprMax 3.1.7";
  like.dt_s = 2.358654336749684e-12;
  like.samples_per_trace = 300;
  like.positions_known = true;
  const fs::path path = dir_ / "out.sgy";
  std::vector<Trace> written(7);
  {
    const auto writer = create_segy(path, like);
    for (std::size_t t = 0; t < written.size(); ++t) {
      Trace& trace = written[t];
      trace.header.dt_s = like.dt_s;
      trace.header.position_m = 0.070 + 0.010 * static_cast<double>(t);
      trace.samples.resize(like.samples_per_trace);
      for (std::size_t i = 0; i < trace.samples.size(); ++i) {
        trace.samples[i] = std::sin(0.1f * static_cast<float>(i + t)) * 1e-3f;
      }
      writer->write(trace.view());
    }
    EXPECT_THROW(writer->write(Trace{{}, std::vector<float>(3)}.view()), std::invalid_argument);
    writer->close();
  }

  const Bytes b = read_all(path);
  ASSERT_EQ(b.size(), 3600 + 7 * (240 + 4 * 300));
  EXPECT_EQ(std::string(b.begin(), b.begin() + 36), "C01 SEG-Y REV 2.0 WRITTEN BY DEMINER");
  EXPECT_EQ(std::string(b.begin() + 80, b.begin() + 109), "C02 SOURCE FILE: scene_merged");
  EXPECT_EQ(std::string(b.begin() + 38 * 80, b.begin() + 38 * 80 + 16), "C39 SEG-Y_REV2.0");
  EXPECT_EQ(get(b, 3216, 2), 0u);    // 2.36 ps is 0 whole µs
  EXPECT_EQ(get(b, 3220, 2), 300u);  // samples
  EXPECT_EQ(get(b, 3224, 2), 5u);    // IEEE float32
  EXPECT_EQ(get(b, 3268, 4), 300u);  // extended samples
  EXPECT_EQ(std::bit_cast<double>(get(b, 3272, 8)), like.dt_s * 1e6);
  EXPECT_EQ(get(b, 3296, 4), 0x01020304u);
  EXPECT_EQ(b[3500], 2);
  EXPECT_EQ(b[3501], 0);
  EXPECT_EQ(get(b, 3502, 2), 1u);            // fixed-length traces
  EXPECT_EQ(get(b, 3512, 8), 7u);            // traces
  EXPECT_EQ(get(b, 3520, 8), 3600u);         // first trace offset
  EXPECT_EQ(get(b, 3600 + 4, 4), 1u);        // trace sequence number in file
  EXPECT_EQ(get(b, 3600 + 70, 2), 0xFC18u);  // coordinate scalar -1000
  EXPECT_EQ(get(b, 3600 + 80, 4), 70u);      // group X, mm
  EXPECT_EQ(get(b, 3600 + 114, 2), 300u);
  EXPECT_EQ(std::bit_cast<float>(static_cast<std::uint32_t>(get(b, 3600 + 240 + 4, 4))),
            written[0].samples[1]);
  EXPECT_TRUE(looks_like_segy(std::as_bytes(std::span(b).first(4096))));

  const auto reader = open_segy(path);
  const FileInfo& info = reader->info();
  EXPECT_DOUBLE_EQ(info.dt_s, like.dt_s);
  EXPECT_EQ(info.samples_per_trace, like.samples_per_trace);
  EXPECT_EQ(info.traces_per_channel, 7u);
  EXPECT_EQ(info.sample_format, "ieee float32");
  EXPECT_TRUE(info.positions_known);
  const auto traces = read_traces(*reader);
  ASSERT_EQ(traces.size(), written.size());
  EXPECT_TRUE(reader->warnings().empty());
  for (std::size_t t = 0; t < traces.size(); ++t) {
    EXPECT_EQ(traces[t].samples, written[t].samples);
    EXPECT_DOUBLE_EQ(traces[t].header.position_m,
                     std::round(written[t].header.position_m * 1000.0) / 1000.0);
    EXPECT_DOUBLE_EQ(traces[t].header.dt_s, like.dt_s);
  }
}

TEST_F(Segy, LooksLike) {
  Spec s;
  s.interval = 4;
  const Bytes b = build(s);
  EXPECT_TRUE(looks_like_segy(std::as_bytes(std::span(b))));
  EXPECT_FALSE(looks_like_segy(std::as_bytes(std::span(b).first(3599))));
  Bytes zeros(4096, 0);
  EXPECT_FALSE(looks_like_segy(std::as_bytes(std::span(zeros))));
  Bytes binary = b;
  for (std::size_t i = 0; i < 3200; ++i) binary[i] = static_cast<unsigned char>(i * 131 + 7);
  EXPECT_FALSE(looks_like_segy(std::as_bytes(std::span(binary))));
}

}  // namespace
