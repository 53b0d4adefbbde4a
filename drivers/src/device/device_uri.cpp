#include "deminer/drivers/device/device_uri.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <sstream>
#include <stdexcept>

#include "deminer/drivers/device/recording_device.hpp"
#include "deminer/drivers/transport/serial.hpp"
#include "deminer/drivers/transport/udp.hpp"
#include "deminer/dsp/core/error.hpp"

namespace deminer::drivers {
namespace {

template <typename Items>
std::string join(const Items& items) {
  std::string out;
  for (const auto item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

std::string format_number(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

}  // namespace

std::string device_uri_forms() {
  return "  serial:///dev/ttyUSB0?baud=921600       sensor head on a serial line\n"
         "  udp://0.0.0.0:5005                       sensor head sending UDP datagrams\n"
         "  file://PATH.dmr?rate=realtime|max|HZ     a deminer recording (.dmr) as a device\n"
         "  replay://PATH?rate=realtime|max|HZ       a recording (any format) as a device;\n"
         "                                           needs the workstation build (deminer::sim)\n"
         "  sim://gpr?seed=1&rate=realtime|max|HZ    the GPR scene simulator as a device;\n"
         "                                           needs the workstation build (deminer::sim)\n"
         "  (metal-detector scenes: deminer simulate --md, then deminer replay)";
}

const std::string* DeviceUri::find(std::string_view key) const noexcept {
  for (const auto& [k, v] : options) {
    if (k == key) return &v;
  }
  return nullptr;
}

void DeviceUri::check_options(const std::vector<std::string_view>& valid) const {
  for (const auto& [key, value] : options) {
    if (std::find(valid.begin(), valid.end(), key) == valid.end()) {
      throw DeviceError(text + ": unknown option '" + key + "' for " + scheme + "://; valid " +
                        (valid.empty() ? std::string("options: none") : "options: " + join(valid)));
    }
  }
}

double DeviceUri::number(std::string_view key, double fallback, double min, double max) const {
  const std::string* value = find(key);
  if (value == nullptr) return fallback;
  double v = 0.0;
  const char* end = value->data() + value->size();
  const auto [ptr, ec] = std::from_chars(value->data(), end, v);
  if (ec != std::errc{} || ptr != end || !std::isfinite(v) || v < min || v > max) {
    throw DeviceError(text + ": option " + std::string(key) + "=" + *value +
                      " is not a number in [" + format_number(min) + ", " + format_number(max) +
                      "]");
  }
  return v;
}

std::uint64_t DeviceUri::integer(std::string_view key, std::uint64_t fallback, std::uint64_t min,
                                 std::uint64_t max) const {
  const std::string* value = find(key);
  if (value == nullptr) return fallback;
  std::uint64_t v = 0;
  const char* end = value->data() + value->size();
  const auto [ptr, ec] = std::from_chars(value->data(), end, v);
  if (ec != std::errc{} || ptr != end || v < min || v > max) {
    throw DeviceError(text + ": option " + std::string(key) + "=" + *value +
                      " is not an integer in [" + std::to_string(min) + ", " + std::to_string(max) +
                      "]");
  }
  return v;
}

std::string DeviceUri::choice(std::string_view key, std::string_view fallback,
                              std::initializer_list<std::string_view> choices) const {
  const std::string* value = find(key);
  if (value == nullptr) return std::string(fallback);
  if (std::find(choices.begin(), choices.end(), *value) == choices.end()) {
    throw DeviceError(text + ": option " + std::string(key) + "=" + *value + " is not one of " +
                      join(choices));
  }
  return *value;
}

PaceOption parse_pace(std::string_view value, double fallback_rate_hz) {
  if (value == "realtime") return {Pace::realtime, fallback_rate_hz};
  if (value == "max") return {Pace::max, fallback_rate_hz};
  double rate_hz = 0.0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), rate_hz);
  if (error != std::errc() || end != value.data() + value.size() ||
      !(rate_hz >= kMinPaceRateHz && rate_hz <= kMaxPaceRateHz)) {
    throw std::invalid_argument(std::string(value) +
                                " is not one of realtime, max, or a rate in frames per second "
                                "in [0.001, 1e7]");
  }
  return {Pace::fixed_rate, rate_hz};
}

PaceOption DeviceUri::pace(PaceOption fallback) const {
  const std::string* rate = find("rate");
  if (rate == nullptr) return fallback;
  try {
    return parse_pace(*rate, fallback.rate_hz);
  } catch (const std::invalid_argument& e) {
    throw DeviceError(text + ": option rate=" + e.what());
  }
}

DeviceUri parse_device_uri(std::string_view text) {
  DeviceUri uri;
  uri.text = std::string(text);
  const auto bad = [&](const std::string& why) {
    return DeviceError("'" + uri.text + "': " + why + "; a device URI is one of:\n" +
                       device_uri_forms());
  };
  const auto separator = text.find("://");
  if (separator == std::string_view::npos || separator == 0) throw bad("no scheme:// prefix");
  for (const char c : text.substr(0, separator)) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') {
      throw bad("invalid character in the scheme");
    }
    uri.scheme += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  std::string_view rest = text.substr(separator + 3);
  const auto question = rest.find('?');
  uri.target = std::string(rest.substr(0, question));
  if (uri.target.empty()) throw bad("nothing after " + uri.scheme + "://");
  if (question != std::string_view::npos) {
    std::string_view query = rest.substr(question + 1);
    while (!query.empty()) {
      const auto amp = query.find('&');
      const std::string_view item = query.substr(0, amp);
      query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
      if (item.empty()) continue;
      const auto eq = item.find('=');
      if (eq == std::string_view::npos || eq == 0) {
        throw DeviceError(uri.text + ": option '" + std::string(item) +
                          "' is not of the form key=value");
      }
      std::string key(item.substr(0, eq));
      if (uri.find(key) != nullptr) {
        throw DeviceError(uri.text + ": option '" + key + "' given twice");
      }
      uri.options.emplace_back(std::move(key), std::string(item.substr(eq + 1)));
    }
  }
  return uri;
}

std::unique_ptr<Device> open_device(std::string_view text) {
  const DeviceUri uri = parse_device_uri(text);
  if (uri.scheme == "serial") return open_serial_device(text);
  if (uri.scheme == "udp") return open_udp_device(text);
  if (uri.scheme == "file") return open_recording_device(text);
  if (uri.scheme == "replay" || uri.scheme == "sim") {
    throw DeviceError(uri.text + ": " + uri.scheme +
                      ":// devices need the workstation build: they live in deminer::sim "
                      "(deminer::sim::open_device); deminer::drivers opens serial://, udp:// and "
                      "file:// (a deminer recording, .dmr)");
  }
  throw DeviceError(uri.text + ": unknown scheme '" + uri.scheme + "'; valid devices:\n" +
                    device_uri_forms());
}

std::vector<DeviceEntry> enumerate_devices() {
  namespace fs = std::filesystem;
  std::vector<DeviceEntry> entries;
  std::error_code ec;
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator("/sys/class/tty", ec)) {
    const std::string name = entry.path().filename().string();
    // Only ports backed by a driver: skips the virtual consoles and the placeholder ttyS* that
    // the 8250 driver registers whether or not a UART exists.
    const bool usb = name.starts_with("ttyUSB") || name.starts_with("ttyACM");
    const bool uart = name.starts_with("ttyAMA") || name.starts_with("ttymxc") ||
                      name.starts_with("ttyTHS") ||
                      (name.starts_with("ttyS") && fs::exists(entry.path() / "device/of_node", ec));
    if (usb || uart) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  for (const auto& name : names) {
    entries.push_back({"serial:///dev/" + name + "?baud=921600", "serial port /dev/" + name});
  }
  entries.push_back({"udp://0.0.0.0:5005", "listen for a UDP sensor head (any port)"});
  return entries;
}

}  // namespace deminer::drivers
