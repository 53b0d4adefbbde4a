// UDP transport: link frames from a sensor head on Ethernet, as a Device, and the sending side.
//
// Why the frames stay a byte stream: each datagram's bytes go through the same resynchronising
// FrameDecoder as a serial line, so a sender may put one frame per datagram (the usual case) or
// split frames larger than a datagram, and a lost datagram is a sequence gap, not a special case.
// Overflow: the kernel's count of datagrams dropped for a full receive buffer (SO_RXQ_OVFL) is
// reported as `overflow`. Disconnect: UDP has no connection, so silence for silence_ms after
// data has flowed is reported as `disconnected` once; the next datagram is a reconnect.
// IPv4. Units: milliseconds, bytes. read() allocates nothing.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "deminer/drivers/device/frame_stream_device.hpp"

namespace deminer::drivers {

inline constexpr std::size_t kMaxDatagramBytes = 65507;  // IPv4 UDP payload limit

struct UdpConfig {
  std::string host = "0.0.0.0";                // address to listen on (name or dotted quad)
  std::uint16_t port = 5005;                   // 0: any free port (see local_port())
  std::uint32_t silence_ms = 1000;             // [1, 3600000] of silence that means disconnected
  std::size_t receive_buffer_bytes = 4 << 20;  // SO_RCVBUF request, [4096, 1 << 30]
  std::size_t max_payload_bytes = 1 << 20;     // [64, kMaxPayloadSize]
};

class UdpDevice final : public FrameStreamDevice {
 public:
  // Binds now. Throws DeviceError (address, port, the system's reason).
  UdpDevice(const UdpConfig& config, std::string uri);
  ~UdpDevice() override;

  [[nodiscard]] std::uint16_t local_port() const noexcept { return local_port_; }

 private:
  FillResult fill(std::span<std::byte> buffer, std::int64_t deadline_ns) noexcept override;

  UdpConfig config_;
  int fd_ = -1;
  std::uint16_t local_port_ = 0;
  std::uint32_t kernel_drops_ = 0;  // last SO_RXQ_OVFL value
  bool flowing_ = false;            // data arrived since the last disconnect
  bool ever_flowed_ = false;
  std::int64_t last_datagram_ns_ = 0;
  alignas(8) std::array<std::byte, 64> control_{};  // recvmsg ancillary data
};

// udp://HOST:PORT?silence_ms=1000&rcvbuf=4194304&max_payload=1048576
[[nodiscard]] std::unique_ptr<UdpDevice> open_udp_device(std::string_view uri);

// The sensor-head side: sends link frames to host:port, one datagram per frame (frames larger
// than max_datagram_bytes are split; the receiver's decoder joins them).
class UdpSender {
 public:
  // Throws DeviceError when the address does not resolve or the socket cannot be made.
  UdpSender(const std::string& host, std::uint16_t port,
            std::size_t max_datagram_bytes = kMaxDatagramBytes);
  ~UdpSender();
  UdpSender(const UdpSender&) = delete;
  UdpSender& operator=(const UdpSender&) = delete;

  // Returns false when the kernel refused a datagram (e.g. nobody listens: ECONNREFUSED).
  bool send(std::span<const std::byte> bytes) noexcept;

 private:
  int fd_ = -1;
  std::size_t max_datagram_bytes_;
};

}  // namespace deminer::drivers
