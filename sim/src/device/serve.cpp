#include "deminer/sim/device/serve.hpp"

#include <time.h>

#include <filesystem>
#include <memory>
#include <system_error>

#include "deminer/drivers/transport/pseudo_terminal.hpp"
#include "deminer/dsp/core/error.hpp"

namespace deminer::sim {
namespace {

// Sleeps until `when_ns`, waking every 20 ms to notice `stop`. Returns false when stopped.
bool sleep_until(std::int64_t when_ns, const std::atomic<bool>& stop) {
  for (;;) {
    if (stop.load()) return false;
    const std::int64_t wait = when_ns - drivers::monotonic_ns();
    if (wait <= 0) return true;
    const std::int64_t step = std::min<std::int64_t>(wait, 20'000'000);
    timespec ts{0, static_cast<long>(step)};
    nanosleep(&ts, nullptr);
  }
}

void point_link(const std::string& link_path, const std::string& target) {
  if (link_path.empty()) return;
  namespace fs = std::filesystem;
  // rename() replaces atomically: a reader never finds the link missing or half made.
  const fs::path temporary = link_path + ".new";
  std::error_code ignored;
  fs::remove(temporary, ignored);
  fs::create_symlink(target, temporary);
  fs::rename(temporary, link_path);
}

}  // namespace

ServeResult serve_serial(VirtualHead& head, const ServeOptions& options,
                         const std::function<void(const std::string&)>& on_attach,
                         const std::atomic<bool>& stop) {
  ServeResult result;
  auto pty = std::make_unique<drivers::PseudoTerminal>();
  point_link(options.link_path, pty->slave_path());
  if (on_attach) on_attach(pty->slave_path());
  const auto hang_up = [&] {
    if (!pty->drain(options.drain_timeout)) result.write_timeouts = true;
    pty->close();
  };
  for (;;) {
    const VirtualHead::Event event = head.next();
    if (event.kind == VirtualHead::EventKind::end) break;
    if (!sleep_until(event.due_ns, stop)) {
      result.stopped = true;
      break;
    }
    switch (event.kind) {
      case VirtualHead::EventKind::bytes:
        if (pty && pty->is_open() &&
            !pty->write_all(event.bytes, std::chrono::milliseconds(options.drain_timeout))) {
          result.write_timeouts = true;
        }
        break;
      case VirtualHead::EventKind::disconnect:
        hang_up();
        if (!sleep_until(drivers::monotonic_ns() + options.outage.count() * 1'000'000, stop)) {
          result.stopped = true;
          return result;
        }
        break;
      case VirtualHead::EventKind::reconnect:
        pty = std::make_unique<drivers::PseudoTerminal>();
        point_link(options.link_path, pty->slave_path());
        if (on_attach) on_attach(pty->slave_path());
        break;
      case VirtualHead::EventKind::end:
        break;
    }
  }
  hang_up();
  return result;
}

ServeResult serve_udp(VirtualHead& head, drivers::UdpSender& sender, const ServeOptions& options,
                      const std::atomic<bool>& stop,
                      const std::function<void(std::uint64_t)>& on_send) {
  ServeResult result;
  bool down = false;
  std::uint64_t sent = 0;
  for (;;) {
    const VirtualHead::Event event = head.next();
    if (event.kind == VirtualHead::EventKind::end) break;
    if (!sleep_until(event.due_ns, stop)) {
      result.stopped = true;
      break;
    }
    if (event.kind == VirtualHead::EventKind::disconnect) {
      down = true;
      if (!sleep_until(drivers::monotonic_ns() + options.outage.count() * 1'000'000, stop)) {
        result.stopped = true;
        break;
      }
    } else if (event.kind == VirtualHead::EventKind::reconnect) {
      down = false;
    } else if (!down) {
      if (on_send) on_send(sent);
      sender.send(event.bytes);
      ++sent;
    }
  }
  return result;
}

}  // namespace deminer::sim
