// Virtual sensor head: what a GPR sensor head would put on its link — a device-description
// frame, then one trace frame after another at the head's pace — made from a recording (any
// format the project reads) or from the GPR scene simulator, with optional fault injection.
// The replay device (replay_device.hpp) reads these bytes as a Device; `deminer serve` writes
// them to a pseudo-terminal or a UDP socket.
//
// Why bytes and not traces: the faults (a flipped byte, a burst of noise, a lost frame, a pulled
// cable) then hit the real decoder exactly as a noisy line would, and a replay exercises the
// live code path end to end.
// Faults, per trace frame, from a seeded generator (deterministic): drop (never sent; the
// receiver sees a sequence gap), corrupt (one byte changed), burst (8–64 consecutive bytes
// overwritten); disconnect_after=N: after N trace frames the link goes down once for `outage`
// frames (lost), then comes back and the head sends its description again.
// Pace: realtime follows the source's timestamps (or rate_hz when it has none), max sends as fast
// as the reader takes, HZ sends rate_hz traces per second. Units: Hz, ns (monotonic clock).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "deminer/drivers/device/device_uri.hpp"
#include "deminer/drivers/link/payloads.hpp"
#include "deminer/dsp/core/trace.hpp"

namespace deminer::sim {

// Traces from somewhere, one at a time.
class TraceSource {
 public:
  virtual ~TraceSource() = default;
  // False at the end. Reuses the capacity of `trace`. Throws only for an I/O failure.
  virtual bool next_trace(dsp::Trace& trace) = 0;
  [[nodiscard]] virtual const drivers::link::DeviceDescription& description() const noexcept = 0;
  // Problems met (e.g. a torn recording); complete at the end.
  [[nodiscard]] virtual std::vector<std::string> warnings() const { return {}; }
};

// The options a source URI understands (besides the head options below), by scheme.
inline constexpr std::array<std::string_view, 1> kRecordingSourceOptions = {"channel"};
inline constexpr std::array<std::string_view, 4> kSimGprSourceOptions = {"seed", "traces", "scene",
                                                                         "noise"};

// `source` is a file path, replay://PATH?channel=N, or sim://gpr?seed=&traces=&scene=&noise=.
// Does not check for unknown options (the caller knows which head options it accepts too).
// Throws DeviceError (unknown scheme, sim://md, bad option), FormatError or IoError (file).
[[nodiscard]] std::unique_ptr<TraceSource> open_trace_source(const drivers::DeviceUri& source);
[[nodiscard]] std::unique_ptr<TraceSource> open_trace_source(std::string_view source);

struct FaultOptions {
  double drop = 0.0;                   // probability per trace frame, [0, 1]
  double corrupt = 0.0;                // probability per trace frame, [0, 1]
  double burst = 0.0;                  // probability per trace frame, [0, 1]
  std::uint64_t disconnect_after = 0;  // trace frames before the link goes down once; 0: never
  std::uint64_t outage_frames = 10;    // trace frames lost while it is down
  std::uint64_t seed = 1;
};

struct VirtualHeadOptions {
  drivers::PaceOption pace;  // rate_hz: fixed_rate, and realtime when the source has no timestamps
  FaultOptions faults;
};

// The head options in a URI: rate=realtime|max|HZ, drop, corrupt, burst, disconnect_after,
// outage, fault_seed. Throws DeviceError with the valid values.
inline constexpr std::array<std::string_view, 7> kVirtualHeadOptions = {
    "rate", "drop", "corrupt", "burst", "disconnect_after", "outage", "fault_seed"};
[[nodiscard]] VirtualHeadOptions parse_virtual_head_options(const drivers::DeviceUri& uri);

// What the head did to its stream, for tests and `deminer serve` summaries.
struct FaultCounts {
  std::uint64_t traces_read = 0;  // from the source
  std::uint64_t frames_sent = 0;  // trace frames put on the line intact
  std::uint64_t dropped = 0;
  std::uint64_t corrupted = 0;
  std::uint64_t bursts = 0;
  std::uint64_t disconnects = 0;
  std::uint64_t lost_in_outage = 0;
  std::vector<std::uint64_t> damaged_trace_sequences;  // trace sequence of every frame not intact
};

class VirtualHead {
 public:
  enum class EventKind : std::uint8_t { bytes, disconnect, reconnect, end };
  struct Event {
    EventKind kind = EventKind::end;
    std::span<const std::byte> bytes;  // kind == bytes: one frame, valid until the next call
    std::int64_t due_ns = 0;  // monotonic time to put it on the line (0: now); pace-dependent
  };

  // Throws std::invalid_argument for out-of-range options.
  VirtualHead(std::unique_ptr<TraceSource> source, const VirtualHeadOptions& options);

  // The next thing to happen on the line. Throws only when the source fails (I/O).
  Event next();

  [[nodiscard]] const FaultCounts& faults() const noexcept { return faults_; }
  [[nodiscard]] const TraceSource& source() const noexcept { return *source_; }
  [[nodiscard]] const VirtualHeadOptions& options() const noexcept { return options_; }

 private:
  std::int64_t due_for(const dsp::TraceHeader& header) noexcept;
  std::span<const std::byte> encode(drivers::link::FrameType type,
                                    std::span<const std::byte> payload, std::int64_t stamp_ns);
  bool damage(std::span<std::byte> frame, std::uint64_t trace_sequence);

  std::unique_ptr<TraceSource> source_;
  VirtualHeadOptions options_;
  FaultCounts faults_;
  std::mt19937_64 random_;
  std::vector<std::byte> description_payload_;
  std::vector<std::byte> payload_;
  std::vector<std::byte> frame_;
  dsp::Trace trace_;
  std::uint32_t sequence_ = 0;
  bool described_ = false;
  bool down_ = false;
  bool ended_ = false;
  std::uint64_t traces_since_connect_ = 0;
  bool disconnected_once_ = false;
  std::uint64_t outage_remaining_ = 0;
  // Pace.
  bool have_first_ = false;
  std::int64_t start_ns_ = 0;
  std::int64_t first_stamp_ns_ = 0;
  std::int64_t last_stamp_ns_ = 0;
  bool stamps_usable_ = true;
  std::uint64_t paced_traces_ = 0;
};

}  // namespace deminer::sim
