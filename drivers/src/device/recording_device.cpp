#include "deminer/drivers/device/recording_device.hpp"

#include <time.h>

#include <cmath>
#include <exception>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "deminer/drivers/device/device_uri.hpp"
#include "deminer/dsp/core/error.hpp"

namespace deminer::drivers {
namespace {

// Timestamp steps above this are not a clock to follow (a recording paused, a clock reset).
constexpr std::int64_t kMaxRealtimeStepNs = 10'000'000'000;

void sleep_until(std::int64_t when_ns) noexcept {
  for (;;) {
    const std::int64_t wait = when_ns - monotonic_ns();
    if (wait <= 0) return;
    timespec ts{static_cast<time_t>(wait / 1'000'000'000), static_cast<long>(wait % 1'000'000'000)};
    nanosleep(&ts, nullptr);
  }
}

const RecordingDeviceConfig& checked(const RecordingDeviceConfig& config, const std::string& uri) {
  if (!(config.pace.rate_hz >= kMinPaceRateHz && config.pace.rate_hz <= kMaxPaceRateHz)) {
    throw DeviceError(
        uri + ": RecordingDeviceConfig.pace.rate_hz = " + std::to_string(config.pace.rate_hz) +
        ", valid [0.001, 1e7] frames per second");
  }
  if (config.max_payload_bytes < 64 || config.max_payload_bytes > link::kMaxPayloadSize) {
    throw DeviceError(uri + ": RecordingDeviceConfig.max_payload_bytes = " +
                      std::to_string(config.max_payload_bytes) + ", valid [64, " +
                      std::to_string(link::kMaxPayloadSize) + "]");
  }
  std::error_code ec;
  const std::string path = config.path.string();
  if (!std::filesystem::exists(config.path, ec) && !ec) {
    throw DeviceError(uri + ": no recording at '" + path + "' (no such file)");
  }
  if (std::filesystem::is_directory(config.path, ec)) {
    throw DeviceError(uri + ": '" + path + "' is a folder, not a recording");
  }
  return config;
}

// The reader's IoError and FormatError become DeviceErrors that keep their detail (the path, and
// for a bad header the byte offset, field, expected and found).
link::RecordingReader open_reader(const RecordingDeviceConfig& config, const std::string& uri) {
  try {
    return link::RecordingReader(config.path, config.max_payload_bytes);
  } catch (const FormatError& e) {
    throw DeviceError(uri + ": not a deminer recording (.dmr): " + e.what() +
                      "; other formats play through replay:// in the workstation build (or "
                      "'deminer convert FILE OUT.dmr')");
  } catch (const Error& e) {
    throw DeviceError(uri + ": " + e.what());
  }
}

}  // namespace

RecordingDevice::RecordingDevice(const RecordingDeviceConfig& config, std::string uri)
    : FrameStreamDevice(uri, checked(config, uri).max_payload_bytes,
                        link::frame_size(config.max_payload_bytes)),
      config_(config),
      reader_(open_reader(config, uri)) {
  description_ = reader_.device();
}

std::vector<std::string> RecordingDevice::warnings() const {
  if (!ended_.load(std::memory_order_acquire)) return {};
  return warnings_;
}

void RecordingDevice::finish(std::string error) noexcept {
  at_end_ = true;
  try {
    warnings_ = reader_.warnings();
    if (!error.empty()) warnings_.push_back(std::move(error));
  } catch (...) {
    // Out of memory for the messages: the counters still tell what happened.
  }
  ended_.store(true, std::memory_order_release);
}

std::int64_t RecordingDevice::due_for(std::int64_t timestamp_ns) noexcept {
  if (config_.pace.mode == Pace::max) return 0;
  if (!have_first_) {
    have_first_ = true;
    last_due_ns_ = monotonic_ns();
    last_stamp_ns_ = timestamp_ns;
    return last_due_ns_;
  }
  // Due times accumulate from the first frame's, so the pace does not drift with scheduling.
  auto step = static_cast<std::int64_t>(std::llround(1e9 / config_.pace.rate_hz));
  if (config_.pace.mode == Pace::realtime) {
    const std::int64_t delta = timestamp_ns - last_stamp_ns_;
    if (delta > 0 && delta < kMaxRealtimeStepNs) step = delta;
  }
  last_stamp_ns_ = timestamp_ns;
  last_due_ns_ += step;
  return last_due_ns_;
}

FrameStreamDevice::FillResult RecordingDevice::fill(std::span<std::byte> buffer,
                                                    std::int64_t deadline_ns) noexcept {
  FillResult result;
  if (!next_) {
    if (at_end_) {
      result.what = Fill::end_of_stream;
      return result;
    }
    std::string error;
    try {
      next_ = reader_.next_frame();
    } catch (const std::exception& e) {
      // A read failure (the SD card went away) ends the replay like the end of the file.
      try {
        error = uri() + ": replay stopped: " + e.what();
      } catch (...) {
      }
      next_.reset();
    }
    set_upstream_damage(reader_.counters());
    if (!next_) {
      finish(std::move(error));
      result.what = Fill::end_of_stream;
      return result;
    }
    next_due_ns_ = due_for(next_->header.timestamp_ns);
  }
  if (next_due_ns_ > monotonic_ns()) {
    if (next_due_ns_ > deadline_ns) {
      sleep_until(deadline_ns);
      result.what = Fill::timeout;
      return result;
    }
    sleep_until(next_due_ns_);
  }
  // The same bytes as the file held (same header, payload and CRC), through the live decoder.
  result.count = link::encode_frame(next_->header, next_->payload, buffer);
  next_.reset();
  // Cannot fail: the buffer holds the largest frame the reader accepts.
  result.what = result.count > 0 ? Fill::bytes : Fill::timeout;
  return result;
}

std::unique_ptr<RecordingDevice> open_recording_device(std::string_view text) {
  const DeviceUri uri = parse_device_uri(text);
  if (uri.scheme != "file") throw DeviceError(uri.text + ": not a file:// URI");
  uri.check_options({"rate", "max_payload"});
  RecordingDeviceConfig config;
  config.path = uri.target;
  config.pace = uri.pace(config.pace);
  config.max_payload_bytes = static_cast<std::size_t>(
      uri.integer("max_payload", config.max_payload_bytes, 64, link::kMaxPayloadSize));
  return std::make_unique<RecordingDevice>(config, uri.text);
}

}  // namespace deminer::drivers
