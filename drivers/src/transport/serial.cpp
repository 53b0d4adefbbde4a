#include "deminer/drivers/transport/serial.hpp"

#include <fcntl.h>
#include <poll.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "deminer/drivers/device/device_uri.hpp"
#include "deminer/dsp/core/error.hpp"

namespace deminer::drivers {
namespace {

struct BaudRate {
  std::uint32_t baud;
  speed_t code;
};

constexpr std::array<BaudRate, 18> kBaudRates{{{9600, B9600},
                                               {19200, B19200},
                                               {38400, B38400},
                                               {57600, B57600},
                                               {115200, B115200},
                                               {230400, B230400},
                                               {460800, B460800},
                                               {500000, B500000},
                                               {576000, B576000},
                                               {921600, B921600},
                                               {1000000, B1000000},
                                               {1152000, B1152000},
                                               {1500000, B1500000},
                                               {2000000, B2000000},
                                               {2500000, B2500000},
                                               {3000000, B3000000},
                                               {3500000, B3500000},
                                               {4000000, B4000000}}};

constexpr std::array<std::uint32_t, kBaudRates.size()> kBauds = [] {
  std::array<std::uint32_t, kBaudRates.size()> out{};
  for (std::size_t i = 0; i < kBaudRates.size(); ++i) out[i] = kBaudRates[i].baud;
  return out;
}();

std::string baud_list() {
  std::string out;
  for (const auto b : kBauds) out += (out.empty() ? "" : ", ") + std::to_string(b);
  return out;
}

const BaudRate* find_baud(std::uint32_t baud) noexcept {
  for (const auto& b : kBaudRates) {
    if (b.baud == baud) return &b;
  }
  return nullptr;
}

void sleep_ns(std::int64_t ns) noexcept {
  if (ns <= 0) return;
  timespec ts{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
  nanosleep(&ts, nullptr);
}

int poll_ms(std::int64_t remaining_ns) noexcept {
  if (remaining_ns <= 0) return 0;
  // Round up so a short remaining time still waits instead of spinning.
  return static_cast<int>(std::min<std::int64_t>((remaining_ns + 999'999) / 1'000'000, 60'000));
}

}  // namespace

std::span<const std::uint32_t> supported_baud_rates() noexcept { return kBauds; }

SerialDevice::SerialDevice(const SerialConfig& config, std::string uri)
    : FrameStreamDevice(std::move(uri), config.max_payload_bytes, 64 * 1024), config_(config) {
  if (find_baud(config.baud) == nullptr) {
    throw DeviceError(this->uri() + ": baud rate " + std::to_string(config.baud) +
                      " is not supported; supported: " + baud_list());
  }
  if (config.reconnect_ms < 1 || config.reconnect_ms > 60000) {
    throw std::invalid_argument("SerialConfig.reconnect_ms = " +
                                std::to_string(config.reconnect_ms) + ", valid [1, 60000]");
  }
  if (config.max_payload_bytes < 64 || config.max_payload_bytes > link::kMaxPayloadSize) {
    throw std::invalid_argument(
        "SerialConfig.max_payload_bytes = " + std::to_string(config.max_payload_bytes) +
        ", valid [64, " + std::to_string(link::kMaxPayloadSize) + "]");
  }
  fd_ = open_port();
  if (fd_ < 0) {
    const int error = errno;
    throw DeviceError(this->uri() + ": cannot open " + config.path + ": " +
                      (error == ENOTTY ? std::string("not a terminal (serial) device")
                                       : std::string(std::strerror(error))));
  }
}

SerialDevice::~SerialDevice() { close_port(); }

int SerialDevice::open_port() noexcept {
  const int fd = ::open(config_.path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return -1;
  termios tio{};
  if (tcgetattr(fd, &tio) != 0) {
    const int error = errno;
    ::close(fd);
    errno = error;
    return -1;
  }
  cfmakeraw(&tio);
  tio.c_cflag |= CLOCAL | CREAD;  // ignore modem lines: a head without DCD must still be read
  tio.c_cc[VMIN] = 0;
  tio.c_cc[VTIME] = 0;
  const speed_t speed = find_baud(config_.baud)->code;
  cfsetispeed(&tio, speed);
  cfsetospeed(&tio, speed);
  if (tcsetattr(fd, TCSANOW, &tio) != 0) {
    const int error = errno;
    ::close(fd);
    errno = error;
    return -1;
  }
  return fd;
}

void SerialDevice::close_port() noexcept {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

FrameStreamDevice::FillResult SerialDevice::fill(std::span<std::byte> buffer,
                                                 std::int64_t deadline_ns) noexcept {
  FillResult result;
  for (;;) {
    std::int64_t now = monotonic_ns();
    if (fd_ < 0) {
      if (now >= next_attempt_ns_) {
        fd_ = open_port();
        if (fd_ >= 0) {
          result.reconnected = true;
        } else {
          next_attempt_ns_ = now + std::int64_t{config_.reconnect_ms} * 1'000'000;
        }
      }
      if (fd_ < 0) {
        if (now >= deadline_ns) {
          result.what = Fill::timeout;
          return result;
        }
        sleep_ns(std::min(deadline_ns, next_attempt_ns_) - now);
        continue;
      }
    }
    pollfd p{fd_, POLLIN, 0};
    const int ready = ::poll(&p, 1, poll_ms(deadline_ns - now));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) {
      if (monotonic_ns() < deadline_ns) continue;
      result.what = Fill::timeout;
      return result;
    }
    if ((p.revents & POLLIN) != 0 || (p.revents & (POLLHUP | POLLERR)) != 0) {
      const ssize_t n = ::read(fd_, buffer.data(), buffer.size());
      if (n > 0) {
        result.what = Fill::bytes;
        result.count = static_cast<std::size_t>(n);
        return result;
      }
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      // EOF (pty master closed) or EIO/ENXIO (adapter unplugged): the line is gone.
    }
    close_port();
    next_attempt_ns_ = monotonic_ns() + std::int64_t{config_.reconnect_ms} * 1'000'000;
    result.what = Fill::disconnected;
    return result;
  }
}

std::unique_ptr<SerialDevice> open_serial_device(std::string_view text) {
  const DeviceUri uri = parse_device_uri(text);
  if (uri.scheme != "serial") {
    throw DeviceError(uri.text + ": not a serial:// URI");
  }
  if (uri.target.front() != '/') {
    throw DeviceError(uri.text +
                      ": expected serial:///dev/NAME (an absolute device path after "
                      "'serial://', so three slashes), e.g. serial:///dev/ttyUSB0");
  }
  uri.check_options({"baud", "reconnect_ms", "max_payload"});
  SerialConfig config;
  config.path = uri.target;
  config.baud = static_cast<std::uint32_t>(uri.integer("baud", config.baud, 1, 4'000'000'000));
  if (find_baud(config.baud) == nullptr) {
    throw DeviceError(uri.text + ": baud=" + std::to_string(config.baud) +
                      " is not supported; supported: " + baud_list());
  }
  config.reconnect_ms =
      static_cast<std::uint32_t>(uri.integer("reconnect_ms", config.reconnect_ms, 1, 60000));
  config.max_payload_bytes = static_cast<std::size_t>(
      uri.integer("max_payload", config.max_payload_bytes, 64, link::kMaxPayloadSize));
  return std::make_unique<SerialDevice>(config, uri.text);
}

}  // namespace deminer::drivers
