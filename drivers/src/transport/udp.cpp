#include "deminer/drivers/transport/udp.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <stdexcept>

#include "deminer/drivers/device/device_uri.hpp"
#include "deminer/dsp/core/error.hpp"

namespace deminer::drivers {
namespace {

sockaddr_in resolve(const std::string& host, std::uint16_t port, const std::string& context) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  if (inet_pton(AF_INET, host.c_str(), &address.sin_addr) == 1) return address;
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* found = nullptr;
  const int error = getaddrinfo(host.c_str(), nullptr, &hints, &found);
  if (error != 0 || found == nullptr) {
    throw DeviceError(context + ": cannot resolve host '" + host +
                      "' (IPv4): " + gai_strerror(error));
  }
  // Copied, not cast: sockaddr is less aligned than sockaddr_in (-Wcast-align=strict, Arm).
  sockaddr_in resolved{};
  std::memcpy(&resolved, found->ai_addr, sizeof resolved);
  address.sin_addr = resolved.sin_addr;
  freeaddrinfo(found);
  return address;
}

int poll_ms(std::int64_t remaining_ns) noexcept {
  if (remaining_ns <= 0) return 0;
  return static_cast<int>(std::min<std::int64_t>((remaining_ns + 999'999) / 1'000'000, 60'000));
}

}  // namespace

UdpDevice::UdpDevice(const UdpConfig& config, std::string uri)
    : FrameStreamDevice(std::move(uri), config.max_payload_bytes, kMaxDatagramBytes),
      config_(config) {
  if (config.silence_ms < 1 || config.silence_ms > 3'600'000) {
    throw std::invalid_argument("UdpConfig.silence_ms = " + std::to_string(config.silence_ms) +
                                ", valid [1, 3600000]");
  }
  if (config.receive_buffer_bytes < 4096 || config.receive_buffer_bytes > (std::size_t{1} << 30)) {
    throw std::invalid_argument(
        "UdpConfig.receive_buffer_bytes = " + std::to_string(config.receive_buffer_bytes) +
        ", valid [4096, 1073741824]");
  }
  if (config.max_payload_bytes < 64 || config.max_payload_bytes > link::kMaxPayloadSize) {
    throw std::invalid_argument(
        "UdpConfig.max_payload_bytes = " + std::to_string(config.max_payload_bytes) +
        ", valid [64, " + std::to_string(link::kMaxPayloadSize) + "]");
  }
  const sockaddr_in address = resolve(config.host, config.port, this->uri());
  fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0)
    throw DeviceError(this->uri() + ": cannot create a UDP socket: " + std::strerror(errno));
  const int one = 1;
  setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  setsockopt(fd_, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof one);
  // The kernel caps this at net.core.rmem_max; a smaller buffer only means earlier overflows.
  const int rcvbuf = static_cast<int>(config.receive_buffer_bytes);
  setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  if (::bind(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    const int error = errno;
    ::close(fd_);
    fd_ = -1;
    throw DeviceError(this->uri() + ": cannot listen on " + config.host + ":" +
                      std::to_string(config.port) + ": " + std::strerror(error));
  }
  sockaddr_in bound{};
  socklen_t length = sizeof bound;
  getsockname(fd_, reinterpret_cast<sockaddr*>(&bound), &length);
  local_port_ = ntohs(bound.sin_port);
}

UdpDevice::~UdpDevice() {
  if (fd_ >= 0) ::close(fd_);
}

FrameStreamDevice::FillResult UdpDevice::fill(std::span<std::byte> buffer,
                                              std::int64_t deadline_ns) noexcept {
  FillResult result;
  const std::int64_t silence_ns = std::int64_t{config_.silence_ms} * 1'000'000;
  for (;;) {
    const std::int64_t now = monotonic_ns();
    if (flowing_ && now - last_datagram_ns_ >= silence_ns) {
      flowing_ = false;
      result.what = Fill::disconnected;
      return result;
    }
    const std::int64_t wake =
        flowing_ ? std::min(deadline_ns, last_datagram_ns_ + silence_ns) : deadline_ns;
    pollfd p{fd_, POLLIN, 0};
    const int ready = ::poll(&p, 1, poll_ms(wake - now));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) {
      if (monotonic_ns() < deadline_ns) continue;  // silence check or a rounding wake-up
      result.what = Fill::timeout;
      return result;
    }
    iovec io{buffer.data(), buffer.size()};
    msghdr message{};
    message.msg_iov = &io;
    message.msg_iovlen = 1;
    message.msg_control = control_.data();
    message.msg_controllen = control_.size();
    const ssize_t n = ::recvmsg(fd_, &message, 0);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      result.what = Fill::timeout;  // e.g. ICMP errors queued on the socket: nothing to read
      return result;
    }
    for (cmsghdr* c = CMSG_FIRSTHDR(&message); c != nullptr; c = CMSG_NXTHDR(&message, c)) {
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL) {
        std::uint32_t drops = 0;
        std::memcpy(&drops, CMSG_DATA(c), sizeof drops);
        result.overflow_count = drops - kernel_drops_;  // the kernel's count wraps modulo 2^32
        kernel_drops_ = drops;
      }
    }
    last_datagram_ns_ = monotonic_ns();
    if (!flowing_ && ever_flowed_) result.reconnected = true;
    flowing_ = true;
    ever_flowed_ = true;
    if (n == 0) continue;
    result.what = Fill::bytes;
    result.count = static_cast<std::size_t>(n);
    return result;
  }
}

std::unique_ptr<UdpDevice> open_udp_device(std::string_view text) {
  const DeviceUri uri = parse_device_uri(text);
  if (uri.scheme != "udp") throw DeviceError(uri.text + ": not a udp:// URI");
  const auto colon = uri.target.rfind(':');
  std::uint32_t port = 0;
  const char* begin = uri.target.data() + (colon == std::string::npos ? 0 : colon + 1);
  const char* end = uri.target.data() + uri.target.size();
  const auto [ptr, ec] = std::from_chars(begin, end, port);
  if (colon == std::string::npos || colon == 0 || ec != std::errc{} || ptr != end || begin == end ||
      port > 65535) {
    throw DeviceError(uri.text +
                      ": expected udp://HOST:PORT with an IPv4 address or name and a "
                      "port in [0, 65535], e.g. udp://0.0.0.0:5005");
  }
  uri.check_options({"silence_ms", "rcvbuf", "max_payload"});
  UdpConfig config;
  config.host = uri.target.substr(0, colon);
  config.port = static_cast<std::uint16_t>(port);
  config.silence_ms =
      static_cast<std::uint32_t>(uri.integer("silence_ms", config.silence_ms, 1, 3'600'000));
  config.receive_buffer_bytes = static_cast<std::size_t>(
      uri.integer("rcvbuf", config.receive_buffer_bytes, 4096, std::size_t{1} << 30));
  config.max_payload_bytes = static_cast<std::size_t>(
      uri.integer("max_payload", config.max_payload_bytes, 64, link::kMaxPayloadSize));
  return std::make_unique<UdpDevice>(config, uri.text);
}

UdpSender::UdpSender(const std::string& host, std::uint16_t port, std::size_t max_datagram_bytes)
    : max_datagram_bytes_(std::clamp<std::size_t>(max_datagram_bytes, 1, kMaxDatagramBytes)) {
  const std::string context = "udp://" + host + ":" + std::to_string(port);
  const sockaddr_in address = resolve(host, port, context);
  fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw DeviceError(context + ": cannot create a UDP socket: " + std::strerror(errno));
  if (::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    const int error = errno;
    ::close(fd_);
    throw DeviceError(context + ": cannot address the receiver: " + std::strerror(error));
  }
}

UdpSender::~UdpSender() {
  if (fd_ >= 0) ::close(fd_);
}

bool UdpSender::send(std::span<const std::byte> bytes) noexcept {
  bool ok = true;
  while (!bytes.empty()) {
    const std::size_t n = std::min(bytes.size(), max_datagram_bytes_);
    ssize_t sent = -1;
    do {
      sent = ::send(fd_, bytes.data(), n, 0);
    } while (sent < 0 && errno == EINTR);
    // A refused datagram (nobody listening yet) is lost like on a real link; keep going.
    if (sent < 0) ok = false;
    bytes = bytes.subspan(n);
  }
  return ok;
}

}  // namespace deminer::drivers
