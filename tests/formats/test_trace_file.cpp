// The format table: detection by content and extension, dispatch to readers and writers, and
// deminer's own recordings through the generic interface.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "deminer/dsp/core/error.hpp"
#include "deminer/sim/formats/trace_file.hpp"
#include "deminer/sim/gpr/scene.hpp"
#include "scratch_dir.hpp"

namespace fs = std::filesystem;
using namespace deminer::sim::formats;

namespace {

class TraceFile : public ::testing::Test {
 protected:
  deminer::test::ScratchDir dir_;
};

TEST_F(TraceFile, DeminerRecordingRoundTripsThroughTheGenericInterface) {
  auto scene = deminer::sim::default_gpr_scene();
  scene.trace_count = 7;
  const auto simulated = deminer::sim::simulate_gpr_scene(scene);

  FileInfo like;
  like.dt_s = scene.dt_s;
  like.samples_per_trace = scene.samples_per_trace;
  like.antenna_frequency_hz = scene.centre_hz;
  like.instrument = "test";
  {
    const auto writer = create_trace_file(dir_ / "a.dmr", like);
    for (const auto& t : simulated.traces) writer->write(t.view());
    writer->close();
  }
  EXPECT_EQ(detect_format(dir_ / "a.dmr"), FileFormat::deminer);
  // Content decides, not the extension.
  fs::copy_file(dir_ / "a.dmr", dir_ / "renamed.bin");
  const auto reader = open_trace_file(dir_ / "renamed.bin");
  EXPECT_EQ(reader->info().format, FileFormat::deminer);
  EXPECT_EQ(reader->info().samples_per_trace, scene.samples_per_trace);
  EXPECT_DOUBLE_EQ(reader->info().dt_s, scene.dt_s);
  EXPECT_DOUBLE_EQ(reader->info().time_zero_s, scene.time_zero_s);
  EXPECT_EQ(reader->info().antenna_frequency_hz, scene.centre_hz);

  deminer::dsp::Trace trace;
  std::size_t i = 0;
  while (reader->next_trace(trace)) {
    ASSERT_LT(i, simulated.traces.size());
    EXPECT_EQ(trace.samples, simulated.traces[i].samples) << "trace " << i;
    EXPECT_DOUBLE_EQ(trace.header.position_m, simulated.traces[i].header.position_m);
    ++i;
  }
  EXPECT_EQ(i, simulated.traces.size());
  EXPECT_TRUE(reader->warnings().empty());
}

TEST_F(TraceFile, UnknownContentIsAFormatErrorListingTheKnownFormats) {
  {
    std::ofstream f(dir_ / "mystery.xyz", std::ios::binary);
    f << "\x01\x02\x03 not a radar file";
  }
  try {
    (void)open_trace_file(dir_ / "mystery.xyz");
    FAIL() << "expected FormatError";
  } catch (const deminer::FormatError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("mystery.xyz"), std::string::npos) << message;
    EXPECT_NE(message.find("01 02 03"), std::string::npos) << message;
    EXPECT_NE(message.find(".dmr"), std::string::npos) << message;
  }
}

TEST_F(TraceFile, UnknownOutputExtensionSaysWhatCanBeWritten) {
  try {
    (void)create_trace_file(dir_ / "out.txt", FileInfo{});
    FAIL() << "expected FormatError";
  } catch (const deminer::FormatError& e) {
    EXPECT_NE(std::string(e.what()).find(".dmr"), std::string::npos) << e.what();
  }
}

TEST_F(TraceFile, MissingFileIsAnIoError) {
  EXPECT_THROW((void)open_trace_file(dir_ / "absent.dmr"), deminer::IoError);
}

}  // namespace
