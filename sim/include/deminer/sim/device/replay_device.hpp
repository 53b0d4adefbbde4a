// Replay device: a recording (any format the project reads) or a simulation, played as a Device
// through the same frame decoder as a live link, at real-time pace or as fast as possible, with
// optional fault injection (virtual_head.hpp).
//
//   replay://path/to/file?rate=realtime|max|HZ&channel=0&drop=0.01&corrupt=0.01&burst=0
//                        &disconnect_after=N&outage=10&fault_seed=1
//   sim://gpr?seed=1&traces=160&scene=scene.json&noise=0.02&rate=...&drop=... (same options)
//
// Why: engineers run the exact firmware path (device -> runtime -> pipeline) without hardware,
// and a replay at rate=max gives the same detections as `deminer replay` of the same file.
// A disconnect is reported as `disconnected`, then streaming resumes; the end of the source is
// `end_of_stream`. Latency: a frame is returned when its due time (pace) has come.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "deminer/drivers/device/device_uri.hpp"
#include "deminer/drivers/device/frame_stream_device.hpp"
#include "deminer/sim/device/virtual_head.hpp"

namespace deminer::sim {

class ReplayDevice final : public drivers::FrameStreamDevice {
 public:
  ReplayDevice(std::unique_ptr<TraceSource> source, const VirtualHeadOptions& options,
               std::string uri);

  [[nodiscard]] const FaultCounts& faults() const noexcept { return head_.faults(); }
  // The source's warnings, and a read failure if one ended the stream early.
  [[nodiscard]] std::vector<std::string> warnings() const;

 private:
  FillResult fill(std::span<std::byte> buffer, std::int64_t deadline_ns) noexcept override;

  VirtualHead head_;
  VirtualHead::Event event_;
  bool have_event_ = false;
  std::string error_;
};

// replay:// and sim:// as above; serial:// and udp:// through deminer::drivers::open_device.
// Throws DeviceError listing the valid forms and options (sim://md: not available yet).
[[nodiscard]] std::unique_ptr<drivers::Device> open_device(std::string_view uri);

// drivers::enumerate_devices() plus the simulator and the replay form.
[[nodiscard]] std::vector<drivers::DeviceEntry> enumerate_devices();

}  // namespace deminer::sim
