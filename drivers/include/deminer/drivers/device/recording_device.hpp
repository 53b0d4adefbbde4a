// RecordingDevice: a deminer recording (.dmr, link/recording.hpp) played back as a Device, so that
// the firmware, which links only deminer::dsp and deminer::drivers, replays what a unit wrote to
// its SD card through the live path: device -> runtime -> pipeline.
//
//   file://PATH?rate=realtime|max|HZ        (file:///abs/path.dmr or file://relative/path.dmr)
//
// Why here and not in sim/: replay:// (sim/device/replay_device.hpp) reads every vendor format
// and needs the workstation build (HDF5 for gprMax files); a deminer recording is nothing but
// link frames after a file header, which drivers already reads. Each frame the reader returns is
// encoded again and goes through this device's frame decoder, exactly as frames from a serial
// line do; damage the reader met in the file (CRC errors, garbage, a torn last frame) is added to
// the counters and reported as `corruption` before the frame behind it. The file's own sequence
// numbers and timestamps are kept, so a frame lost in the file is a sequence gap here.
// Pace: realtime follows the frames' timestamp_ns (steps that stand still, go back or exceed
// 10 s fall back to 1/rate_hz), HZ plays rate_hz frames per second, max as fast as the reader
// takes them. Units: Hz, ns on the monotonic clock. Latency: a frame is returned when due.
// Memory: taken at open (a 64 KiB read chunk, and three buffers of one maximal frame: the
// reader's decoder, the receive buffer, this device's decoder); read() does not allocate, except
// once at the end of the file (the reader's warnings).
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "deminer/drivers/device/device_uri.hpp"
#include "deminer/drivers/device/frame_stream_device.hpp"
#include "deminer/drivers/link/recording.hpp"

namespace deminer::drivers {

struct RecordingDeviceConfig {
  std::filesystem::path path;
  PaceOption pace;  // file://…?rate=realtime|max|HZ
  std::size_t max_payload_bytes = link::kDefaultRecordingMaxPayload;  // [64, kMaxPayloadSize]
};

class RecordingDevice final : public FrameStreamDevice {
 public:
  // Opens the file and reads its header now. Throws DeviceError naming the file and what is
  // wrong: missing or unreadable, a folder, not a deminer recording (byte offset, field,
  // expected and found), or an out-of-range config field.
  RecordingDevice(const RecordingDeviceConfig& config, std::string uri);

  [[nodiscard]] const RecordingDeviceConfig& config() const noexcept { return config_; }
  // Problems met in the file (skipped bytes, sequence gaps, a torn last frame, a read failure),
  // one sentence each; empty until read() has returned end_of_stream. Any thread.
  [[nodiscard]] std::vector<std::string> warnings() const;

 private:
  FillResult fill(std::span<std::byte> buffer, std::int64_t deadline_ns) noexcept override;
  // Monotonic time at which the frame with this timestamp is due (0: now).
  std::int64_t due_for(std::int64_t timestamp_ns) noexcept;
  void finish(std::string error) noexcept;

  RecordingDeviceConfig config_;
  link::RecordingReader reader_;
  std::optional<link::Frame> next_;  // read from the file, waiting for its due time
  std::int64_t next_due_ns_ = 0;
  // Pace.
  bool have_first_ = false;
  std::int64_t last_due_ns_ = 0;
  std::int64_t last_stamp_ns_ = 0;
  // End of file: warnings_ is written once by the reading thread, then published by ended_.
  bool at_end_ = false;
  std::vector<std::string> warnings_;
  std::atomic<bool> ended_{false};
};

// file://PATH?rate=realtime|max|HZ&max_payload=1048576. Throws DeviceError (see above; a bad rate
// lists the valid values).
[[nodiscard]] std::unique_ptr<RecordingDevice> open_recording_device(std::string_view uri);

}  // namespace deminer::drivers
