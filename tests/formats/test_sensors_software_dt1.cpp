// Sensors & Software DT1/HD: the shared pulseEKKO files against an independent numpy reading
// (tests/reference/make_sensors_software_dt1_reference.py), synthetic float32 / metre / shuffled
// files, and damaged headers and data.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "deminer/dsp/core/error.hpp"
#include "deminer/sim/formats/sensors_software_dt1.hpp"
#include "scratch_dir.hpp"

using deminer::FormatError;
using deminer::IoError;
using deminer::dsp::Trace;
using namespace deminer::sim::formats;
namespace fs = std::filesystem;

namespace {

const fs::path kSnS =
    fs::path(DEMINER_SHARED_DATA) / "recordings/NSGeophysics/GPRPy/gprpy/exampledata/SnS";

void put_u32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xFF);
}
void put_f32(std::string& out, float v) { put_u32(out, std::bit_cast<std::uint32_t>(v)); }
void put_i16(std::string& out, std::int16_t v) {
  const auto u = static_cast<std::uint16_t>(v);
  out += static_cast<char>(u & 0xFF);
  out += static_cast<char>(u >> 8);
}

// A .DT1 trace: 25 header words (trace number, position, points, 0, 0, bytes, interval ps,
// stacks, 0...), 28 comment bytes, samples.
std::string dt1_trace(int number, float position, int points, int bytes, float interval_ps,
                      const std::vector<float>& samples) {
  std::string out;
  const float words[8] = {static_cast<float>(number),
                          position,
                          static_cast<float>(points),
                          0,
                          0,
                          static_cast<float>(bytes),
                          interval_ps,
                          4};
  for (const float w : words) put_f32(out, w);
  for (int i = 8; i < 25; ++i) put_f32(out, 0.0F);
  out.append(28, ' ');
  for (const float s : samples) {
    if (bytes == 2) {
      put_i16(out, static_cast<std::int16_t>(s));
    } else {
      put_f32(out, s);
    }
  }
  return out;
}

float sample_value(int trace, int i) { return static_cast<float>(trace * 100 - i * 7) + 0.25F; }

class Dt1 : public ::testing::Test {
 protected:
  fs::path write(const std::string& name, const std::string& bytes) const {
    std::ofstream(dir_ / name, std::ios::binary) << bytes;
    return dir_ / name;
  }

  static std::string hd(const std::vector<std::string>& lines) {
    std::string out = "1234\nData Collected with pE PRO (test)\n2024-01-02\n";
    for (const auto& l : lines) out += l + " \r\n";
    return out;
  }

  // `traces` float32 traces of 6 points, 2 ns per point, positions 0.5 m apart.
  static std::string float_dt1(int traces) {
    std::string out;
    for (int t = 0; t < traces; ++t) {
      std::vector<float> s;
      for (int i = 0; i < 6; ++i) s.push_back(sample_value(t, i));
      out += dt1_trace(t + 1, 1.0F + 0.5F * static_cast<float>(t), 6, 4, 2000, s);
    }
    return out;
  }

  static std::vector<std::string> float_hd_lines(int traces) {
    return {"SURVEY MODE        = Reflection",
            "POSITION UNITS     = m",
            "TOTAL TIME WINDOW  = 12.000",
            "NUMBER OF PTS/TRC  = 6",
            "NOMINAL FREQUENCY  = 250.00",
            "TIMEZERO AT POINT  = 2",
            "NUMBER OF TRACES   = " + std::to_string(traces),
            "STEP SIZE USED     = 0.5"};
  }

  deminer::test::ScratchDir dir_;
};

// file,what,trace,index,value rows of the reference CSV.
struct Reference {
  std::map<std::pair<std::string, std::string>, double> scalars;
  std::map<std::tuple<std::string, long, long>, double> samples;
  std::map<std::pair<std::string, long>, double> positions;
};

Reference read_reference() {
  Reference ref;
  std::ifstream in(fs::path(DEMINER_TEST_REFERENCE_DIR) / "sensors_software_dt1_reference.csv");
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, ',');) f.push_back(cell);
    if (f.size() < 5) continue;
    const double value = std::stod(f[4]);
    if (f[1] == "sample") {
      ref.samples[{f[0], std::stol(f[2]), std::stol(f[3])}] = value;
    } else if (f[1] == "position_m") {
      ref.positions[{f[0], std::stol(f[2])}] = value;
    } else {
      ref.scalars[{f[0], f[1]}] = value;
    }
  }
  return ref;
}

TEST(Dt1RealFiles, MatchManifestAndNumpyReading) {
  if (!fs::exists(kSnS)) GTEST_SKIP() << "shared data absent: " << kSnS;
  const Reference ref = read_reference();
  ASSERT_FALSE(ref.samples.empty()) << "run tests/reference/make_sensors_software_dt1_reference.py";
  struct Expected {
    std::string name;
    std::uint64_t traces;
    std::size_t points;
    double dt_s;
    double antenna_hz;
  };
  for (const Expected& e : {Expected{"ComOffs/XLINE00", 531, 1500, 0.8e-9, 50e6},
                            Expected{"WARR/XLINE00", 164, 1900, 0.4e-9, 100e6}}) {
    SCOPED_TRACE(e.name);
    auto reader = open_sensors_software_dt1(kSnS / (e.name + ".DT1"));
    const FileInfo& info = reader->info();
    EXPECT_EQ(info.format, FileFormat::sensors_software_dt1);
    EXPECT_EQ(info.traces_per_channel, e.traces);
    EXPECT_EQ(info.samples_per_trace, e.points);
    EXPECT_EQ(info.channels, 1U);
    EXPECT_NEAR(info.dt_s, e.dt_s, 1e-15);
    EXPECT_NEAR(info.dt_s, (ref.scalars.at({e.name, "dt_s"})), 1e-18);
    EXPECT_NEAR(info.time_zero_s, (ref.scalars.at({e.name, "time_zero_s"})), 1e-15);
    EXPECT_EQ(info.antenna_frequency_hz, e.antenna_hz);
    EXPECT_EQ(info.sample_format, "int16");
    EXPECT_EQ(info.instrument, "pE PRO (2011-00114-00)");
    EXPECT_TRUE(info.positions_known);
    EXPECT_FALSE(info.conventions.empty());

    Trace trace;
    long t = 0;
    while (reader->next_trace(trace)) {
      ASSERT_EQ(trace.samples.size(), e.points);
      EXPECT_EQ(trace.header.sequence, static_cast<std::uint64_t>(t));
      EXPECT_EQ(trace.header.dt_s, info.dt_s);
      if (const auto p = ref.positions.find({e.name, t}); p != ref.positions.end()) {
        EXPECT_NEAR(trace.header.position_m, p->second, 1e-9) << "trace " << t;
      }
      for (auto it = ref.samples.lower_bound({e.name, t, 0});
           it != ref.samples.end() && std::get<0>(it->first) == e.name &&
           std::get<1>(it->first) == t;
           ++it) {
        EXPECT_EQ(trace.samples[static_cast<std::size_t>(std::get<2>(it->first))], it->second)
            << "trace " << t << " sample " << std::get<2>(it->first);
      }
      ++t;
    }
    EXPECT_EQ(t, ref.scalars.at({e.name, "traces"}));
    EXPECT_TRUE(reader->warnings().empty()) << reader->warnings().front();

    // The .HD path opens the same pair.
    auto by_hd = open_sensors_software_dt1(kSnS / (e.name + ".HD"));
    EXPECT_EQ(by_hd->info().path, info.path);
    EXPECT_EQ(by_hd->info().traces_per_channel, e.traces);
  }
}

TEST_F(Dt1, Float32SamplesMetresAndShuffledKeys) {
  write("LINE.HD", hd(float_hd_lines(3)));
  const fs::path dt1 = write("LINE.DT1", float_dt1(3));
  auto reader = open_sensors_software_dt1(dt1);
  const FileInfo& info = reader->info();
  EXPECT_EQ(info.sample_format, "float32");
  EXPECT_EQ(info.traces_per_channel, 3U);
  EXPECT_DOUBLE_EQ(info.dt_s, 2e-9);
  EXPECT_DOUBLE_EQ(info.time_zero_s, -2e-9);  // point 2 (1-based) is sample 1
  EXPECT_DOUBLE_EQ(info.trace_spacing_m, 0.5);
  EXPECT_EQ(info.antenna_frequency_hz, 250e6);
  Trace trace;
  for (int t = 0; t < 3; ++t) {
    ASSERT_TRUE(reader->next_trace(trace));
    EXPECT_DOUBLE_EQ(trace.header.position_m, 1.0 + 0.5 * t);
    for (int i = 0; i < 6; ++i)
      EXPECT_EQ(trace.samples[static_cast<std::size_t>(i)], sample_value(t, i));
  }
  EXPECT_FALSE(reader->next_trace(trace));
  EXPECT_FALSE(reader->next_trace(trace));
  EXPECT_TRUE(reader->warnings().empty());
}

TEST_F(Dt1, FeetAndLowerCaseCompanion) {
  auto lines = float_hd_lines(2);
  lines[1] = "POSITION UNITS     = ft";
  write("line.hd", hd(lines));
  write("line.dt1", float_dt1(2));
  auto reader = open_sensors_software_dt1(dir_ / "line.hd");
  Trace trace;
  ASSERT_TRUE(reader->next_trace(trace));
  ASSERT_TRUE(reader->next_trace(trace));
  EXPECT_DOUBLE_EQ(trace.header.position_m, 1.5 * 0.3048);
  EXPECT_DOUBLE_EQ(reader->info().trace_spacing_m, 0.5 * 0.3048);
}

TEST_F(Dt1, MissingKeyNamesKeyAndHdFile) {
  for (const std::string key : {"NUMBER OF TRACES", "NUMBER OF PTS/TRC", "TOTAL TIME WINDOW"}) {
    auto lines = float_hd_lines(3);
    std::erase_if(lines, [&](const std::string& l) { return l.starts_with(key + " "); });
    write("LINE.HD", hd(lines));
    const fs::path dt1 = write("LINE.DT1", float_dt1(3));
    try {
      (void)open_sensors_software_dt1(dt1);
      ADD_FAILURE() << key << " missing was accepted";
    } catch (const FormatError& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find("LINE.HD"), std::string::npos) << what;
      EXPECT_NE(what.find("field " + key), std::string::npos) << what;
    }
  }
}

TEST_F(Dt1, BadHeaderValuesNameOffsetAndField) {
  struct Case {
    std::size_t line;
    std::string text;
    std::string field;
  };
  for (const Case& c : {Case{3, "NUMBER OF PTS/TRC  = six", "NUMBER OF PTS/TRC"},
                        Case{3, "NUMBER OF PTS/TRC  = 0", "NUMBER OF PTS/TRC"},
                        Case{6, "NUMBER OF TRACES   = 2.5", "NUMBER OF TRACES"},
                        Case{2, "TOTAL TIME WINDOW  = -1", "TOTAL TIME WINDOW"},
                        Case{1, "POSITION UNITS     = furlong", "POSITION UNITS"}}) {
    auto lines = float_hd_lines(3);
    lines[c.line] = c.text;
    const std::string text = hd(lines);
    write("LINE.HD", text);
    const fs::path dt1 = write("LINE.DT1", float_dt1(3));
    const std::string offset = std::to_string(text.find(c.text));
    try {
      (void)open_sensors_software_dt1(dt1);
      ADD_FAILURE() << c.text << " was accepted";
    } catch (const FormatError& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find("LINE.HD: byte " + offset + ", field " + c.field + ": expected"),
                std::string::npos)
          << what;
      EXPECT_NE(what.find("found"), std::string::npos) << what;
    }
  }
}

TEST_F(Dt1, TraceHeaderDisagreeingWithHd) {
  write("LINE.HD", hd(float_hd_lines(3)));
  std::string data = float_dt1(3);
  std::string points;
  put_f32(points, 7.0F);
  data.replace(8, 4, points);
  const fs::path dt1 = write("LINE.DT1", data);
  EXPECT_THROW(
      {
        try {
          (void)open_sensors_software_dt1(dt1);
        } catch (const FormatError& e) {
          EXPECT_NE(std::string(e.what()).find("LINE.DT1: byte 8, field number of points"),
                    std::string::npos)
              << e.what();
          throw;
        }
      },
      FormatError);

  // Bytes per point neither 2 nor 4 and a file size that fits neither.
  data = float_dt1(3);
  std::string bytes;
  put_f32(bytes, 3.0F);
  data.replace(20, 4, bytes);
  data.pop_back();
  const fs::path odd = write("LINE.DT1", data);
  try {
    (void)open_sensors_software_dt1(odd);
    ADD_FAILURE() << "3 bytes per point accepted";
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("LINE.DT1: byte 20, field bytes per point"),
              std::string::npos)
        << e.what();
  }
}

TEST_F(Dt1, TruncatedDataYieldsCompleteTracesAndWarning) {
  write("LINE.HD", hd(float_hd_lines(4)));
  const std::string full = float_dt1(4);
  for (std::size_t size = 0; size < full.size(); size += 13) {
    SCOPED_TRACE(size);
    // Shorter than one trace header: nothing says 4 bytes per point, int16 is assumed.
    const std::size_t bytes = size < 128 ? 2 : 4;
    const std::size_t trace_bytes = 128 + 6 * bytes;
    const fs::path dt1 = write("LINE.DT1", full.substr(0, size));
    auto reader = open_sensors_software_dt1(dt1);
    EXPECT_EQ(reader->info().traces_per_channel, size / trace_bytes);
    Trace trace;
    std::size_t count = 0;
    while (reader->next_trace(trace)) {
      for (int i = 0; i < 6; ++i) {
        ASSERT_EQ(trace.samples[static_cast<std::size_t>(i)],
                  sample_value(static_cast<int>(count), i));
      }
      ++count;
    }
    EXPECT_EQ(count, size / trace_bytes);
    ASSERT_EQ(reader->warnings().size(), 1U);
    const std::string& w = reader->warnings().front();
    if (size % trace_bytes == 0) {
      EXPECT_EQ(w, "LINE.DT1: file ends after " + std::to_string(count) +
                       " complete traces; the .HD announces 4");
    } else {
      EXPECT_EQ(w, "LINE.DT1: file ends " + std::to_string(size % trace_bytes) +
                       " bytes into trace " + std::to_string(count) +
                       " (of 128-byte header + 6 samples × " + std::to_string(bytes) + " bytes); " +
                       std::to_string(count) + " complete traces read");
    }
  }
}

TEST_F(Dt1, ExtraBytesAreReportedAndIgnored) {
  write("LINE.HD", hd(float_hd_lines(2)));
  const fs::path dt1 = write("LINE.DT1", float_dt1(3));
  auto reader = open_sensors_software_dt1(dt1);
  Trace trace;
  std::size_t count = 0;
  while (reader->next_trace(trace)) ++count;
  EXPECT_EQ(count, 2U);
  ASSERT_EQ(reader->warnings().size(), 1U);
  EXPECT_NE(reader->warnings()[0].find("152 bytes after the 2 traces"), std::string::npos)
      << reader->warnings()[0];
}

TEST_F(Dt1, MissingCompanionIsIoError) {
  const fs::path dt1 = write("ALONE.DT1", float_dt1(1));
  EXPECT_THROW((void)open_sensors_software_dt1(dt1), IoError);
  const fs::path hd_only = write("ALONE2.HD", hd(float_hd_lines(1)));
  EXPECT_THROW((void)open_sensors_software_dt1(hd_only), IoError);
}

TEST_F(Dt1, LooksLike) {
  const auto sniff = [](const std::string& s) {
    return looks_like_sensors_software_dt1(
        std::as_bytes(std::span(s.data(), std::min<std::size_t>(s.size(), 4096))));
  };
  EXPECT_TRUE(sniff(hd(float_hd_lines(3))));
  EXPECT_TRUE(sniff(float_dt1(3)));
  EXPECT_FALSE(sniff("SAMPLES:512\nFREQUENCY:2426\n"));
  EXPECT_FALSE(sniff(std::string(200, '\0')));
  EXPECT_FALSE(sniff(""));
}

}  // namespace
