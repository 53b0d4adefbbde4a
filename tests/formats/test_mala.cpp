// MALA RD3/RD7/RAD/COR: ImpDAR's ten_col file against an independent numpy reading
// (tests/reference/make_mala_reference.py), including the evidence for the sample interval;
// synthetic rd7, two channels, size disagreements and damaged headers.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <numbers>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "deminer/dsp/core/error.hpp"
#include "deminer/sim/formats/mala.hpp"
#include "scratch_dir.hpp"

using deminer::FormatError;
using deminer::IoError;
using deminer::dsp::Trace;
using namespace deminer::sim::formats;
namespace fs = std::filesystem;

namespace {

const fs::path kTenCol =
    fs::path(DEMINER_SHARED_DATA) / "recordings/dlilien/ImpDAR/test/input_data/ten_col";

// what,trace,index,value rows of the reference CSV, keyed by (what, trace, index).
std::map<std::tuple<std::string, std::string, std::string>, double> read_reference() {
  std::map<std::tuple<std::string, std::string, std::string>, double> ref;
  std::ifstream in(fs::path(DEMINER_TEST_REFERENCE_DIR) / "mala_reference.csv");
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, ',');) f.push_back(cell);
    if (f.size() == 4) ref[{f[0], f[1], f[2]}] = std::stod(f[3]);
  }
  return ref;
}

// Frequency (Hz) of the largest DFT bin (mean removed), by a naive DFT.
double peak_frequency_hz(const std::vector<float>& x, double dt_s) {
  const std::size_t n = x.size();
  double mean = 0;
  for (const float v : x) mean += v;
  mean /= static_cast<double>(n);
  std::size_t best = 0;
  double best_power = -1;
  for (std::size_t k = 1; k <= n / 2; ++k) {
    double re = 0, im = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const double phase =
          2 * std::numbers::pi * static_cast<double>(k * i % n) / static_cast<double>(n);
      re += (x[i] - mean) * std::cos(phase);
      im -= (x[i] - mean) * std::sin(phase);
    }
    if (re * re + im * im > best_power) {
      best_power = re * re + im * im;
      best = k;
    }
  }
  return static_cast<double>(best) / (static_cast<double>(n) * dt_s);
}

TEST(MalaRealFile, MatchesManifestAndNumpyReading) {
  if (!fs::exists(kTenCol.string() + ".rd3")) {
    GTEST_SKIP() << "shared data absent: " << kTenCol << ".rd3";
  }
  const auto ref = read_reference();
  ASSERT_FALSE(ref.empty()) << "run tests/reference/make_mala_reference.py";
  for (const char* ext : {".rd3", ".rad"}) {
    SCOPED_TRACE(ext);
    auto reader = open_mala(kTenCol.string() + ext);
    const FileInfo& info = reader->info();
    EXPECT_EQ(info.format, FileFormat::mala_rd3);
    EXPECT_EQ(info.path.filename(), "ten_col.rd3");
    EXPECT_EQ(info.traces_per_channel, 10U);
    EXPECT_EQ(info.samples_per_trace, 512U);
    EXPECT_EQ(info.channels, 1U);
    EXPECT_EQ(info.sample_format, "int16");
    EXPECT_NEAR(info.dt_s, 1 / 2426.187744e6, 1e-18);
    EXPECT_NEAR(info.dt_s, (ref.at({"dt_s", "", ""})), 1e-18);
    EXPECT_EQ(info.antenna, "500_shielded_egrip");
    EXPECT_EQ(info.antenna_frequency_hz, 500e6);
    EXPECT_EQ(info.trace_spacing_m, 0.0);
    ASSERT_FALSE(info.conventions.empty());
    EXPECT_NE(info.conventions[0].find("1 / FREQUENCY"), std::string::npos);
    EXPECT_NE(info.conventions[0].find("TIMEWINDOW / SAMPLES"), std::string::npos);

    ASSERT_EQ(info.gps.size(), 3U);
    for (std::size_t k = 0; k < 3; ++k) {
      const std::string key = std::to_string(k);
      EXPECT_EQ(info.gps[k].trace_index, (ref.at({"gps_trace_index", key, ""})));
      EXPECT_NEAR(info.gps[k].latitude_deg, (ref.at({"gps_latitude_deg", key, ""})), 1e-12);
      EXPECT_NEAR(info.gps[k].longitude_deg, (ref.at({"gps_longitude_deg", key, ""})), 1e-12);
      EXPECT_NEAR(info.gps[k].altitude_m, (ref.at({"gps_altitude_m", key, ""})), 1e-9);
    }
    EXPECT_LT(info.gps[0].longitude_deg, 0);  // W

    Trace trace;
    std::size_t t = 0;
    while (reader->next_trace(trace)) {
      ASSERT_EQ(trace.samples.size(), 512U);
      EXPECT_EQ(trace.header.sequence, t);
      EXPECT_EQ(trace.header.channel, 0);
      EXPECT_EQ(trace.header.timestamp_ns, static_cast<std::int64_t>(t) * 100'000'000);  // 0.1 s
      for (const auto& [key, value] : ref) {
        const auto& [what, tr, index] = key;
        if (what == "sample" && tr == std::to_string(t)) {
          EXPECT_EQ(trace.samples[std::stoul(index)], value) << "trace " << t << " i " << index;
        }
      }
      if (t == 0) {
        // The sample-interval evidence: with 1/FREQUENCY the spectrum peaks near the antenna's
        // 500 MHz (numpy: peak_hz_frequency), with TIMEWINDOW/SAMPLES near 244 MHz.
        const double peak = peak_frequency_hz(trace.samples, info.dt_s);
        EXPECT_NEAR(peak, (ref.at({"peak_hz_frequency", "0", ""})), 1e3);
        EXPECT_NEAR(peak, 500e6, 50e6);
        EXPECT_LT((ref.at({"peak_hz_timewindow", "0", ""})), 300e6);
      }
      ++t;
    }
    EXPECT_EQ(t, (ref.at({"traces", "", ""})));
    // The .COR names traces 18 and 27 of a 10-trace file.
    ASSERT_EQ(reader->warnings().size(), 1U);
    EXPECT_EQ(reader->warnings()[0],
              "ten_col.cor: 2 fixes name traces beyond the 10 in the data (kept)");
  }
}

void put_le(std::string& out, std::uint32_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out += static_cast<char>((v >> (8 * i)) & 0xFF);
}

std::int32_t value(std::size_t trace, std::size_t i, bool wide) {
  const auto base = static_cast<std::int32_t>(trace * 1000 + i) - 500;
  return wide ? base * 100'003 : base;
}

class Mala : public ::testing::Test {
 protected:
  fs::path write(const std::string& name, const std::string& bytes) const {
    std::ofstream(dir_ / name, std::ios::binary) << bytes;
    return dir_ / name;
  }

  static std::string rad(std::size_t samples, const std::string& extra = "") {
    return "SAMPLES:" + std::to_string(samples) +
           "\r\nFREQUENCY:1000.0\r\nTIMEWINDOW:8.0\r\nDISTANCE INTERVAL: 0.050000\r\n"
           "ANTENNAS:RTA 50 MHz\r\n" +
           extra;
  }
  static std::string data(std::size_t traces, std::size_t samples, bool wide) {
    std::string out;
    for (std::size_t t = 0; t < traces; ++t) {
      for (std::size_t i = 0; i < samples; ++i) {
        put_le(out, static_cast<std::uint32_t>(value(t, i, wide)), wide ? 4 : 2);
      }
    }
    return out;
  }

  deminer::test::ScratchDir dir_;
};

TEST_F(Mala, Rd7Int32) {
  write("LINE.RAD", rad(8));
  const fs::path rd7 = write("LINE.RD7", data(3, 8, true));
  auto reader = open_mala(rd7);
  const FileInfo& info = reader->info();
  EXPECT_EQ(info.format, FileFormat::mala_rd7);
  EXPECT_EQ(info.sample_format, "int32");
  EXPECT_EQ(info.traces_per_channel, 3U);
  EXPECT_DOUBLE_EQ(info.dt_s, 1e-9);
  EXPECT_EQ(info.antenna_frequency_hz, 50e6);
  Trace trace;
  for (std::size_t t = 0; t < 3; ++t) {
    ASSERT_TRUE(reader->next_trace(trace));
    EXPECT_DOUBLE_EQ(trace.header.position_m, 0.05 * static_cast<double>(t));
    for (std::size_t i = 0; i < 8; ++i) {
      EXPECT_EQ(trace.samples[i], static_cast<float>(value(t, i, true)));
    }
  }
  EXPECT_FALSE(reader->next_trace(trace));
  EXPECT_TRUE(reader->warnings().empty());
}

TEST_F(Mala, TwoChannelsInterleave) {
  write("multi.rad", rad(4, "CHANNELS:2\r\n"));
  const fs::path rd3 = write("multi.rd3", data(6, 4, false));
  auto reader = open_mala(dir_ / "multi.rad");
  EXPECT_EQ(reader->info().channels, 2U);
  EXPECT_EQ(reader->info().traces_per_channel, 3U);
  Trace trace;
  for (std::size_t k = 0; k < 6; ++k) {
    ASSERT_TRUE(reader->next_trace(trace));
    EXPECT_EQ(trace.header.channel, k % 2);
    EXPECT_EQ(trace.header.sequence, k / 2);
    EXPECT_DOUBLE_EQ(trace.header.position_m, 0.05 * static_cast<double>(k / 2));
    EXPECT_EQ(trace.samples[3], static_cast<float>(value(k, 3, false)));
  }
  EXPECT_FALSE(reader->next_trace(trace));
  EXPECT_TRUE(reader->warnings().empty());

  // A seventh trace does not complete a cycle.
  write("multi.rd3", data(7, 4, false));
  reader = open_mala(rd3);
  std::size_t count = 0;
  while (reader->next_trace(trace)) ++count;
  EXPECT_EQ(count, 6U);
  ASSERT_EQ(reader->warnings().size(), 1U);
  EXPECT_EQ(reader->warnings()[0],
            "multi.rd3: the last 1 traces do not complete a cycle of 2 channels and are skipped");
}

TEST_F(Mala, SamplesDisagreeingWithDataSize) {
  // 5 traces of 8 samples read with SAMPLES 6: 80 bytes = 6 traces of 12 bytes + 8 bytes.
  write("LINE.rad", rad(6));
  const fs::path rd3 = write("LINE.rd3", data(5, 8, false));
  auto reader = open_mala(rd3);
  EXPECT_EQ(reader->info().traces_per_channel, 6U);
  Trace trace;
  std::size_t count = 0;
  while (reader->next_trace(trace)) ++count;
  EXPECT_EQ(count, 6U);
  ASSERT_EQ(reader->warnings().size(), 1U);
  EXPECT_EQ(reader->warnings()[0],
            "LINE.rd3: file ends 8 bytes into trace 6 (of 6 samples × 2 bytes); 6 complete traces "
            "read");
}

TEST_F(Mala, TruncatedAtEveryOffset) {
  write("LINE.rad", rad(5));
  const std::string full = data(4, 5, false);
  for (std::size_t size = 0; size <= full.size(); ++size) {
    SCOPED_TRACE(size);
    const fs::path rd3 = write("LINE.rd3", full.substr(0, size));
    auto reader = open_mala(rd3);
    Trace trace;
    std::size_t count = 0;
    while (reader->next_trace(trace)) {
      EXPECT_EQ(trace.samples[4], static_cast<float>(value(count, 4, false)));
      ++count;
    }
    EXPECT_EQ(count, size / 10);
    EXPECT_EQ(reader->warnings().size(), size % 10 == 0 ? 0U : 1U);
  }
}

TEST_F(Mala, HeaderErrorsNameFileOffsetAndField) {
  write("LINE.rd3", data(2, 4, false));
  write("LINE.rad", "FREQUENCY:1000\nTIMEWINDOW:8\n");
  try {
    (void)open_mala(dir_ / "LINE.rd3");
    ADD_FAILURE() << "missing SAMPLES accepted";
  } catch (const FormatError& e) {
    EXPECT_EQ(std::string(e.what()),
              "LINE.rad: byte 28, field SAMPLES: expected a line \"SAMPLES\", found none in the "
              "header");
  }
  struct Case {
    std::string text;
    std::string expected;
  };
  for (const Case& c :
       {Case{"FREQUENCY:1000\nSAMPLES:-4\n",
             "LINE.rad: byte 15, field SAMPLES: expected a whole number in [1, 1048576], found "
             "\"-4\""},
        Case{"SAMPLES:4\nFREQUENCY:fast\n",
             "LINE.rad: byte 10, field FREQUENCY: expected a number in [0.001, 1e+06], found "
             "\"fast\""},
        Case{"SAMPLES:4\nCHANNELS:0\nFREQUENCY:1000\n",
             "LINE.rad: byte 10, field CHANNELS: expected a whole number in [1, 64], found \"0\""},
        Case{"SAMPLES:4\n",
             "LINE.rad: byte 10, field FREQUENCY: expected a line \"FREQUENCY\", found none in "
             "the header"}}) {
    write("LINE.rad", c.text);
    try {
      (void)open_mala(dir_ / "LINE.rd3");
      ADD_FAILURE() << c.text << " accepted";
    } catch (const FormatError& e) {
      EXPECT_EQ(std::string(e.what()), c.expected);
    }
  }
}

TEST_F(Mala, TimewindowWhenNoFrequency) {
  write("LINE.rd3", data(2, 4, false));
  write("LINE.rad", "SAMPLES:4\nTIMEWINDOW:10\n");
  auto reader = open_mala(dir_ / "LINE.rd3");
  EXPECT_DOUBLE_EQ(reader->info().dt_s, 2.5e-9);
}

TEST_F(Mala, BadCorLinesAreSkippedWithWarning) {
  write("LINE.rad", rad(4));
  write("LINE.rd3", data(3, 4, false));
  write("LINE.cor",
        "1\t2020-01-01\t10:00:00\t10.5\tS\t20.25\tE\t100.0\tM\t1.0\n"
        "garbage line\n"
        "3\t2020-01-01\t10:00:02\t10.6\tN\t20.35\tE\t101.0\tM\t1.0\n");
  auto reader = open_mala(dir_ / "LINE.rd3");
  const auto& gps = reader->info().gps;
  ASSERT_EQ(gps.size(), 2U);
  EXPECT_EQ(gps[0].trace_index, 0U);
  EXPECT_DOUBLE_EQ(gps[0].latitude_deg, -10.5);
  EXPECT_DOUBLE_EQ(gps[1].longitude_deg, 20.35);
  EXPECT_EQ(gps[1].trace_index, 2U);
  ASSERT_EQ(reader->warnings().size(), 1U);
  EXPECT_NE(reader->warnings()[0].find("LINE.cor: 1 lines skipped"), std::string::npos);
  EXPECT_NE(reader->warnings()[0].find("byte 49"), std::string::npos) << reader->warnings()[0];
}

TEST_F(Mala, MissingFilesAndWrongExtension) {
  const fs::path rd3 = write("ALONE.rd3", data(1, 4, false));
  EXPECT_THROW((void)open_mala(rd3), IoError);
  const fs::path rad_only = write("ALONE2.rad", rad(4));
  EXPECT_THROW((void)open_mala(rad_only), IoError);
  const fs::path other = write("LINE.dat", data(1, 4, false));
  EXPECT_THROW((void)open_mala(other), FormatError);
}

TEST(MalaSniff, LooksLike) {
  const auto sniff = [](const std::string& s) {
    return looks_like_mala(std::as_bytes(std::span(s.data(), s.size())));
  };
  EXPECT_TRUE(sniff("SAMPLES:512\r\nFREQUENCY:2426.187744\r\n"));
  EXPECT_FALSE(sniff("NUMBER OF TRACES = 3\n"));
  EXPECT_FALSE(sniff(""));
}

}  // namespace
