#include "deminer/sim/device/replay_device.hpp"

#include <time.h>

#include <algorithm>
#include <cstring>
#include <exception>

#include "deminer/drivers/link/recording.hpp"
#include "deminer/dsp/core/error.hpp"

namespace deminer::sim {
namespace {

void sleep_until(std::int64_t when_ns) noexcept {
  for (;;) {
    const std::int64_t wait = when_ns - drivers::monotonic_ns();
    if (wait <= 0) return;
    timespec ts{static_cast<time_t>(wait / 1'000'000'000), static_cast<long>(wait % 1'000'000'000)};
    nanosleep(&ts, nullptr);
  }
}

std::vector<std::string_view> join_options(std::span<const std::string_view> a,
                                           std::span<const std::string_view> b) {
  std::vector<std::string_view> all(a.begin(), a.end());
  all.insert(all.end(), b.begin(), b.end());
  return all;
}

}  // namespace

ReplayDevice::ReplayDevice(std::unique_ptr<TraceSource> source, const VirtualHeadOptions& options,
                           std::string uri)
    : FrameStreamDevice(std::move(uri), drivers::link::kDefaultRecordingMaxPayload,
                        std::size_t{64} * 1024),
      head_(std::move(source), options) {
  description_ = head_.source().description();
}

std::vector<std::string> ReplayDevice::warnings() const {
  std::vector<std::string> all = head_.source().warnings();
  if (!error_.empty()) all.push_back(error_);
  return all;
}

drivers::FrameStreamDevice::FillResult ReplayDevice::fill(std::span<std::byte> buffer,
                                                          std::int64_t deadline_ns) noexcept {
  FillResult result;
  for (;;) {
    if (!have_event_) {
      try {
        event_ = head_.next();
      } catch (const std::exception& e) {
        // A read failure ends the replay like the end of the file; warnings() says why.
        try {
          error_ = uri() + ": replay stopped: " + e.what();
        } catch (...) {
        }
        event_ = {VirtualHead::EventKind::end, {}, 0};
      }
      have_event_ = true;
    }
    if (event_.kind == VirtualHead::EventKind::end) {
      result.what = Fill::end_of_stream;
      return result;
    }
    if (event_.kind == VirtualHead::EventKind::reconnect) {
      result.reconnected = true;
      have_event_ = false;
      continue;
    }
    if (event_.due_ns > drivers::monotonic_ns()) {
      if (event_.due_ns > deadline_ns) {
        sleep_until(deadline_ns);
        result.what = Fill::timeout;
        return result;
      }
      sleep_until(event_.due_ns);
    }
    if (event_.kind == VirtualHead::EventKind::disconnect) {
      have_event_ = false;
      result.what = Fill::disconnected;
      return result;
    }
    const std::size_t n = std::min(buffer.size(), event_.bytes.size());
    std::memcpy(buffer.data(), event_.bytes.data(), n);
    event_.bytes = event_.bytes.subspan(n);
    if (event_.bytes.empty()) have_event_ = false;
    result.what = Fill::bytes;
    result.count = n;
    return result;
  }
}

std::unique_ptr<drivers::Device> open_device(std::string_view text) {
  const drivers::DeviceUri uri = drivers::parse_device_uri(text);
  if (uri.scheme == "replay") {
    uri.check_options(join_options(kRecordingSourceOptions, kVirtualHeadOptions));
    const VirtualHeadOptions options = parse_virtual_head_options(uri);
    return std::make_unique<ReplayDevice>(open_trace_source(uri), options, uri.text);
  }
  if (uri.scheme == "sim") {
    if (uri.target == "gpr") {
      uri.check_options(join_options(kSimGprSourceOptions, kVirtualHeadOptions));
    }
    auto source = open_trace_source(uri);  // sim://md and unknown simulators throw here
    const VirtualHeadOptions options = parse_virtual_head_options(uri);
    return std::make_unique<ReplayDevice>(std::move(source), options, uri.text);
  }
  return drivers::open_device(text);
}

std::vector<drivers::DeviceEntry> enumerate_devices() {
  auto entries = drivers::enumerate_devices();
  entries.push_back({"sim://gpr?rate=realtime", "GPR scene simulator (default scene)"});
  entries.push_back({"replay://PATH?rate=realtime", "a recording in any supported format"});
  return entries;
}

}  // namespace deminer::sim
