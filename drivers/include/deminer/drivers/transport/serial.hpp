// Serial transport: link frames from a sensor head on a serial line (USB-serial adapter, UART,
// or a pseudo-terminal), as a Device.
//
// Why termios raw mode: the line carries binary frames, so no byte may be translated (CR/NL),
// echoed, or held back for a line editor; reads return whatever has arrived (VMIN 0, VTIME 0)
// and poll() does the waiting, so a read never blocks past its timeout.
// Reconnect: when the line goes away (cable unplugged: EOF, EIO or POLLHUP) the device reports
// `disconnected` once, closes the port, and reopens the same path every reconnect_ms on later
// reads; a udev symlink (or `deminer serve --link`) lets the head come back under a new node.
// Units: baud (bits/s), milliseconds. Latency: a frame is returned in the read() that receives
// its last byte. Memory: taken at open; read() allocates nothing.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "deminer/drivers/device/frame_stream_device.hpp"

namespace deminer::drivers {

struct SerialConfig {
  std::string path;                         // e.g. /dev/ttyUSB0 or a symlink to a pty
  std::uint32_t baud = 921600;              // one of supported_baud_rates()
  std::uint32_t reconnect_ms = 100;         // [1, 60000] between reopen attempts
  std::size_t max_payload_bytes = 1 << 20;  // [64, kMaxPayloadSize]
};

// The baud rates termios can set here, ascending.
[[nodiscard]] std::span<const std::uint32_t> supported_baud_rates() noexcept;

class SerialDevice final : public FrameStreamDevice {
 public:
  // Opens and configures the port now. Throws DeviceError (path, the system's reason, and for a
  // bad baud rate the supported ones); std::invalid_argument for other out-of-range fields.
  SerialDevice(const SerialConfig& config, std::string uri);
  ~SerialDevice() override;

  [[nodiscard]] const SerialConfig& config() const noexcept { return config_; }

 private:
  FillResult fill(std::span<std::byte> buffer, std::int64_t deadline_ns) noexcept override;
  // Opens and sets raw mode; returns -1 and sets errno on failure.
  int open_port() noexcept;
  void close_port() noexcept;

  SerialConfig config_;
  int fd_ = -1;
  std::int64_t next_attempt_ns_ = 0;
};

// serial:///dev/ttyUSB0?baud=921600&reconnect_ms=100&max_payload=1048576
[[nodiscard]] std::unique_ptr<SerialDevice> open_serial_device(std::string_view uri);

}  // namespace deminer::drivers
