// file:// — a deminer recording played as a device without sim/: every frame bit for bit with
// its sequence and timestamp, end_of_stream that repeats, damaged files (good frames plus counted
// corruption and warnings), errors that name the file and the problem, and pacing.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "deminer/drivers/device/device_uri.hpp"
#include "deminer/drivers/device/recording_device.hpp"
#include "deminer/drivers/link/recording.hpp"
#include "deminer/dsp/core/error.hpp"
#include "link_test_support.hpp"
#include "scratch_dir.hpp"

namespace {

namespace link = deminer::drivers::link;
using deminer::DeviceError;
using deminer::drivers::ReadStatus;
using deminer::test::Bytes;
using deminer::test::OwnedFrame;
using namespace std::chrono_literals;

link::DeviceDescription head() {
  link::DeviceDescription d;
  d.name = "left head";
  d.model = "HH-1";
  d.serial = "7";
  d.firmware = "2.1";
  d.nominal_dt_s = 5e-11;
  d.centre_frequency_hz = 1.5e9;
  d.samples_per_trace = 32;
  d.channels = 1;
  return d;
}

deminer::dsp::Trace trace(std::size_t i) {
  deminer::dsp::Trace t;
  t.header.dt_s = 5e-11;
  t.header.position_m = 0.01 * static_cast<double>(i);
  t.header.timestamp_ns = 1'000'000'000 + 2'000'000 * static_cast<std::int64_t>(i);
  t.header.sequence = i;
  for (std::size_t k = 0; k < 32; ++k) {
    t.samples.push_back(std::sin(0.3f * static_cast<float>(k + i)));
  }
  return t;
}

struct Played {
  std::vector<OwnedFrame> frames;
  std::vector<ReadStatus> events;  // statuses other than frame and timeout, in order
};

Played play(deminer::drivers::Device& device) {
  Played played;
  for (int guard = 0; guard < 100'000; ++guard) {
    const auto result = device.read(100ms);
    if (result.status == ReadStatus::end_of_stream) return played;
    if (result.status == ReadStatus::timeout) continue;
    if (result.status != ReadStatus::frame) {
      played.events.push_back(result.status);
      continue;
    }
    played.frames.emplace_back(link::Frame{result.header, result.payload, 0});
  }
  ADD_FAILURE() << "no end_of_stream";
  return played;
}

std::string error_of(const std::string& uri) {
  try {
    (void)deminer::drivers::open_device(uri);
  } catch (const DeviceError& e) {
    return e.what();
  }
  return "";
}

void expect_contains(const std::string& text, const std::string& part) {
  EXPECT_NE(text.find(part), std::string::npos) << "'" << part << "' not in:\n" << text;
}

class RecordingDevice : public ::testing::Test {
 protected:
  // Writes `count` traces, and a device-description frame in the middle (a head that restarted
  // and said who it is again); returns every data frame as the file holds it.
  std::vector<OwnedFrame> write(std::size_t count) {
    link::RecordingWriter writer(path_, head());
    const std::vector<std::byte> description = link::encode_device_description(head());
    for (std::size_t i = 0; i < count; ++i) {
      if (i == count / 2) {
        writer.write_frame({link::FrameType::device_description, static_cast<std::uint32_t>(i + 1),
                            trace(i).header.timestamp_ns},
                           description);
      }
      writer.write_trace(trace(i).view());
    }
    writer.close();
    std::vector<OwnedFrame> frames;
    link::RecordingReader reader(path_);  // its own test suite checks it against the layout
    while (const auto frame = reader.next_frame()) frames.emplace_back(*frame);
    EXPECT_EQ(frames.size(), count + 1);
    offsets_.clear();
    for (auto& f : frames) offsets_.push_back(std::exchange(f.stream_offset, 0));
    return frames;
  }

  static void write_bytes(const std::filesystem::path& path, const Bytes& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
  }

  std::vector<std::uint64_t> offsets_;  // of each frame written, in the file

  deminer::test::ScratchDir dir_;
  std::filesystem::path path_ = dir_ / "unit.dmr";
  std::string uri_ = "file://" + path_.string();
};

TEST_F(RecordingDevice, PlaysEveryFrameWithItsBytesSequenceAndTimestamp) {
  const auto written = write(200);
  auto device = deminer::drivers::open_device(uri_ + "?rate=max");
  ASSERT_NE(device, nullptr);
  EXPECT_EQ(device->uri(), uri_ + "?rate=max");
  ASSERT_TRUE(device->description().has_value());
  EXPECT_EQ(*device->description(), head());

  const Played played = play(*device);
  EXPECT_TRUE(played.events.empty());
  ASSERT_EQ(played.frames.size(), written.size());
  for (std::size_t i = 0; i < written.size(); ++i) {
    EXPECT_EQ(played.frames[i], written[i]) << "frame " << i;
  }
  EXPECT_EQ(played.frames[0].sequence, 1u);
  EXPECT_EQ(played.frames[0].timestamp_ns, trace(0).header.timestamp_ns);

  // The end repeats, and nothing was counted as a problem.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(device->read(1ms).status, ReadStatus::end_of_stream);
  const auto c = device->counters();
  EXPECT_EQ(c.frames, written.size());
  EXPECT_EQ(c.crc_errors + c.header_errors + c.bytes_skipped + c.bytes_truncated, 0u);
  EXPECT_EQ(c.sequence_gaps, 0u);
  EXPECT_TRUE(dynamic_cast<deminer::drivers::RecordingDevice&>(*device).warnings().empty());
}

TEST_F(RecordingDevice, ACorruptedFrameIsCountedAndTheOthersComeThrough) {
  const auto written = write(50);
  Bytes bytes = deminer::test::read_file_bytes(path_);
  // Frame size from the layout: 28 bytes of frame overhead + 56 of trace header + 4 per sample.
  const std::size_t trace_frame = 28 + 56 + 4 * 32;
  ASSERT_EQ(offsets_[11] - offsets_[10], trace_frame);
  bytes[static_cast<std::size_t>(offsets_[10]) + 100] ^= std::byte{0x40};  // 11th trace, a sample
  write_bytes(path_, bytes);
  auto device = deminer::drivers::open_device(uri_ + "?rate=max");
  const Played played = play(*device);
  ASSERT_EQ(played.frames.size(), written.size() - 1);
  for (std::size_t i = 0, k = 0; i < written.size(); ++i) {
    if (i == 10) continue;  // the damaged one
    EXPECT_EQ(played.frames[k++], written[i]) << "frame " << i;
  }
  ASSERT_EQ(played.events, std::vector<ReadStatus>{ReadStatus::corruption});
  const auto c = device->counters();
  EXPECT_EQ(c.crc_errors, 1u);
  EXPECT_EQ(c.bytes_skipped, trace_frame);
  EXPECT_EQ(c.sequence_gaps, 1u);
  EXPECT_EQ(c.frames_lost, 1u);
  const auto warnings = dynamic_cast<deminer::drivers::RecordingDevice&>(*device).warnings();
  ASSERT_FALSE(warnings.empty());
  expect_contains(warnings[0], path_.string());
  expect_contains(warnings[0], "1 CRC errors");
}

TEST_F(RecordingDevice, ATornLastFrameYieldsEveryCompleteFrameAndAWarning) {
  const auto written = write(30);
  std::filesystem::resize_file(path_, std::filesystem::file_size(path_) - 60);
  auto device = deminer::drivers::open_device(uri_ + "?rate=max");
  const Played played = play(*device);
  ASSERT_EQ(played.frames.size(), written.size() - 1);
  for (std::size_t i = 0; i < played.frames.size(); ++i) EXPECT_EQ(played.frames[i], written[i]);
  const auto c = device->counters();
  EXPECT_EQ(c.bytes_truncated, 28u + 56 + 4 * 32 - 60);
  EXPECT_EQ(c.crc_errors, 0u);
  const auto warnings = dynamic_cast<deminer::drivers::RecordingDevice&>(*device).warnings();
  ASSERT_EQ(warnings.size(), 1u);
  expect_contains(warnings[0], "torn frame");
}

TEST_F(RecordingDevice, BadUrisAndFilesSayWhatIsWrong) {
  // Missing file.
  const std::string missing = error_of("file://" + (dir_ / "nope.dmr").string());
  expect_contains(missing, (dir_ / "nope.dmr").string());
  expect_contains(missing, "no such file");
  // A folder.
  expect_contains(error_of("file://" + dir_.path().string()), "is a folder");
  // Not a deminer recording: the byte offset and the field.
  {
    std::ofstream out(dir_ / "scan.dzt", std::ios::binary);
    out << "GSSI radar data, certainly not a deminer recording";
  }
  const std::string foreign = error_of("file://" + (dir_ / "scan.dzt").string());
  expect_contains(foreign, (dir_ / "scan.dzt").string());
  expect_contains(foreign, "not a deminer recording");
  expect_contains(foreign, "byte 0, field 'magic'");
  expect_contains(foreign, "replay://");
  // Bad options.
  write(3);
  for (const char* rate : {"fast", "0", "-5", "1e9", ""}) {
    const std::string message = error_of(uri_ + "?rate=" + rate);
    expect_contains(message, std::string("rate=") + rate + " is not one of realtime, max");
  }
  expect_contains(error_of(uri_ + "?speed=2"),
                  "unknown option 'speed' for file://; valid options: rate, max_payload");
  expect_contains(error_of(uri_ + "?max_payload=8"), "max_payload=8 is not an integer in [64, ");
  // The other workstation schemes say where they are.
  const std::string replay = error_of("replay://" + path_.string());
  expect_contains(replay, "workstation build");
  // And the forms list file://.
  expect_contains(deminer::drivers::device_uri_forms(), "file://PATH.dmr?rate=realtime|max|HZ");
}

TEST_F(RecordingDevice, FixedRatePacingTakesAtLeastTheFramesPeriod) {
  write(40);  // 41 frames
  const auto start = std::chrono::steady_clock::now();
  auto device = deminer::drivers::open_device(uri_ + "?rate=400");
  const Played played = play(*device);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(played.frames.size(), 41u);
  // 40 periods of 2.5 ms after the first frame; no upper bound (a loaded machine is slower).
  EXPECT_GE(elapsed, 100ms);
}

TEST_F(RecordingDevice, RealtimePacingFollowsTheTimestamps) {
  write(40);  // 2 ms between traces; the description frame shares a trace's timestamp
  const auto start = std::chrono::steady_clock::now();
  auto device = deminer::drivers::open_device(uri_ + "?rate=realtime");
  const Played played = play(*device);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(played.frames.size(), 41u);
  // 39 steps of 2 ms, and one (the description's equal timestamp) of 1/100 Hz.
  EXPECT_GE(elapsed, 39 * 2ms + 10ms);
}

TEST_F(RecordingDevice, ATimeoutShorterThanThePeriodReturnsTimeoutThenTheFrame) {
  write(3);
  auto device = deminer::drivers::open_device(uri_ + "?rate=2");  // 500 ms apart
  ASSERT_EQ(device->read(1s).status, ReadStatus::frame);          // the first is due at once
  EXPECT_EQ(device->read(5ms).status, ReadStatus::timeout);
  EXPECT_EQ(device->read(2s).status, ReadStatus::frame);
  EXPECT_GE(device->counters().timeouts, 1u);
}

}  // namespace
