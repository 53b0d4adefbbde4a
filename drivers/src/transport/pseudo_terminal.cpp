#include "deminer/drivers/transport/pseudo_terminal.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "deminer/drivers/device/device.hpp"
#include "deminer/dsp/core/error.hpp"

namespace deminer::drivers {

PseudoTerminal::PseudoTerminal() {
  master_ = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master_ < 0) {
    throw DeviceError(std::string("cannot allocate a pseudo-terminal: ") + std::strerror(errno));
  }
  char name[PATH_MAX] = {};
  if (grantpt(master_) != 0 || unlockpt(master_) != 0 ||
      ptsname_r(master_, name, sizeof name) != 0) {
    const int error = errno;
    close();
    throw DeviceError(std::string("cannot set up a pseudo-terminal: ") + std::strerror(error));
  }
  slave_path_ = name;
  slave_ = ::open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
  termios tio{};
  if (slave_ < 0 || tcgetattr(slave_, &tio) != 0) {
    const int error = errno;
    close();
    throw DeviceError("cannot open " + slave_path_ + ": " + std::strerror(error));
  }
  cfmakeraw(&tio);
  tcsetattr(slave_, TCSANOW, &tio);
  fcntl(master_, F_SETFL, fcntl(master_, F_GETFL) | O_NONBLOCK);
}

PseudoTerminal::~PseudoTerminal() { close(); }

bool PseudoTerminal::write_all(std::span<const std::byte> bytes,
                               std::chrono::milliseconds timeout) noexcept {
  const std::int64_t deadline = monotonic_ns() + timeout.count() * 1'000'000;
  while (!bytes.empty()) {
    if (master_ < 0) return false;
    const ssize_t n = ::write(master_, bytes.data(), bytes.size());
    if (n > 0) {
      bytes = bytes.subspan(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno != EAGAIN && errno != EINTR) return false;
    const std::int64_t now = monotonic_ns();
    if (now >= deadline) return false;
    pollfd p{master_, POLLOUT, 0};
    ::poll(&p, 1, static_cast<int>(std::min<std::int64_t>((deadline - now) / 1'000'000 + 1, 100)));
  }
  return true;
}

std::size_t PseudoTerminal::unread_bytes() const noexcept {
  int pending = 0;
  if (slave_ < 0 || ioctl(slave_, FIONREAD, &pending) != 0 || pending < 0) return 0;
  return static_cast<std::size_t>(pending);
}

bool PseudoTerminal::drain(std::chrono::milliseconds timeout) noexcept {
  const std::int64_t deadline = monotonic_ns() + timeout.count() * 1'000'000;
  // The reader's queue (what FIONREAD counts) holds 4 KiB; the rest waits in the tty's flip
  // buffer, which a kernel work queue moves over when the reader makes room. On a loaded
  // machine that worker can wait tens of milliseconds, and the queue looks empty meanwhile.
  // A hang-up discards whatever is still inside, so the queue must stay empty for a quiet
  // period far longer than such a wait before it is believed.
  constexpr std::int64_t kQuietNs = 250'000'000;
  constexpr std::int64_t kLookNs = 5'000'000;
  std::int64_t empty_since = monotonic_ns();
  for (;;) {
    const std::int64_t now = monotonic_ns();
    if (unread_bytes() != 0) empty_since = now;
    if (now - empty_since >= kQuietNs) return true;
    if (now >= deadline) return false;
    timespec ts{0, kLookNs};
    nanosleep(&ts, nullptr);
  }
}

void PseudoTerminal::close() noexcept {
  if (master_ >= 0) ::close(master_);
  if (slave_ >= 0) ::close(slave_);
  master_ = -1;
  slave_ = -1;
}

}  // namespace deminer::drivers
