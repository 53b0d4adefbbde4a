// Device URIs: how a device is named on the command line and in configs, and how the serial and
// UDP devices are opened from one.
//
//   serial:///dev/ttyUSB0?baud=921600      a sensor head on a serial line (termios, raw)
//   udp://0.0.0.0:5005                     listen for a sensor head sending UDP datagrams
//   file://path/to/file.dmr?rate=max       a deminer recording as a device (recording_device.hpp)
//   replay://path/to/file?rate=realtime    a recording as a device   (deminer::sim::open_device)
//   sim://gpr?seed=1                       the GPR scene simulator   (deminer::sim::open_device)
//
// Why URIs: one string selects any source, so the same command line and config run the handheld
// unit, the bench and the workstation. Errors (DeviceError) always say what is valid: the known
// schemes with their forms, the options a scheme accepts, an option's valid range or choices.
// Options are `key=value` pairs after `?`, joined by `&`; no percent-decoding.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "deminer/drivers/device/device.hpp"

namespace deminer::drivers {

// How fast a recorded or simulated source delivers its frames (file://, replay://, sim://).
enum class Pace : std::uint8_t {
  realtime,    // follow the source's timestamps
  max,         // as fast as read() is called
  fixed_rate,  // rate_hz frames per second
};

struct PaceOption {
  Pace mode = Pace::realtime;
  double rate_hz = 100.0;  // [kMinPaceRateHz, kMaxPaceRateHz]: fixed_rate, and realtime where
                           // the source's timestamps do not help
};
inline constexpr double kMinPaceRateHz = 0.001;
inline constexpr double kMaxPaceRateHz = 1e7;

// `realtime`, `max`, or a rate HZ in [kMinPaceRateHz, kMaxPaceRateHz] (Pace::fixed_rate); the
// first two keep `fallback_rate_hz`. Throws std::invalid_argument saying which forms are valid.
[[nodiscard]] PaceOption parse_pace(std::string_view value, double fallback_rate_hz);

struct DeviceUri {
  std::string text;    // as given
  std::string scheme;  // before "://", lower case
  std::string target;  // between "://" and "?": a device path, host:port, file path or "gpr"
  std::vector<std::pair<std::string, std::string>> options;  // in order, keys unique

  // nullptr when the option is absent.
  [[nodiscard]] const std::string* find(std::string_view key) const noexcept;
  // Throws DeviceError naming the first unknown option and listing `valid`.
  void check_options(const std::vector<std::string_view>& valid) const;
  // A number in [min, max], or `fallback` when absent. Throws DeviceError with the range.
  [[nodiscard]] double number(std::string_view key, double fallback, double min, double max) const;
  [[nodiscard]] std::uint64_t integer(std::string_view key, std::uint64_t fallback,
                                      std::uint64_t min, std::uint64_t max) const;
  // One of `choices`, or `fallback` when absent. Throws DeviceError listing the choices.
  [[nodiscard]] std::string choice(std::string_view key, std::string_view fallback,
                                   std::initializer_list<std::string_view> choices) const;
  // The `rate=realtime|max|HZ` option (HZ in [kMinPaceRateHz, kMaxPaceRateHz] frames per
  // second, giving Pace::fixed_rate), or `fallback` when absent. Throws DeviceError naming the
  // three forms.
  [[nodiscard]] PaceOption pace(PaceOption fallback) const;
};

// The schemes and their forms, one per line, for error messages and --help.
[[nodiscard]] std::string device_uri_forms();

// Throws DeviceError when the text is not `scheme://target[?key=value&...]`, an option has no
// '=' or repeats, or the target is empty. Does not check that the scheme is known.
[[nodiscard]] DeviceUri parse_device_uri(std::string_view text);

// Opens serial://, udp:// and file:// devices. Any other scheme throws a DeviceError that lists
// the valid forms (replay:// and sim:// are opened by deminer::sim::open_device, which also calls
// this; they need the workstation build).
[[nodiscard]] std::unique_ptr<Device> open_device(std::string_view uri);

struct DeviceEntry {
  std::string uri;
  std::string description;
};

// Serial ports present on this machine (USB, ACM, on-chip UARTs with a driver) and the UDP form.
[[nodiscard]] std::vector<DeviceEntry> enumerate_devices();

}  // namespace deminer::drivers
