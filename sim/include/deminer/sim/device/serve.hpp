// Serving a virtual sensor head (virtual_head.hpp) on a real link: a pseudo-terminal (the other
// end opens it as serial://SLAVE) or UDP datagrams to a receiver. Used by `deminer serve` and by
// the end-to-end tests, so both drive the exact same code.
//
// Why a link path: closing the pty master is the "unplugged cable", and the kernel gives the next
// pty a new /dev/pts/N. With `link_path` set, a symlink there always points to the current pty
// (replaced atomically), so the reader reopens the same path and comes back, like a udev name.
// Before hanging up (a fault, or the end of the source) the server waits until the reader has
// taken every byte written, since the kernel discards unread bytes when the master closes.
// Units: milliseconds.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>

#include "deminer/drivers/transport/udp.hpp"
#include "deminer/sim/device/virtual_head.hpp"

namespace deminer::sim {

struct ServeOptions {
  std::string link_path;  // serial: keep a symlink to the current pty here (empty: none)
  // How long the line stays down on a disconnect fault; at least this long for UDP receivers
  // to notice the silence (their silence_ms).
  std::chrono::milliseconds outage{1500};
  std::chrono::milliseconds drain_timeout{10000};  // serial: wait for the reader before hang-up
};

struct ServeResult {
  bool stopped = false;         // `stop` was set before the source ended
  bool write_timeouts = false;  // serial: the reader stopped reading (bytes were dropped)
};

// Streams the head over a new pseudo-terminal until the source ends or `stop` becomes true.
// on_attach(slave_path) is called for every pty made (at start and after each outage) before
// any byte is written. Throws DeviceError when no pty can be made.
ServeResult serve_serial(VirtualHead& head, const ServeOptions& options,
                         const std::function<void(const std::string&)>& on_attach,
                         const std::atomic<bool>& stop);

// Streams the head to a UDP receiver. on_send(frames_sent_so_far) is called before each frame,
// e.g. for flow control in a test; it may block.
ServeResult serve_udp(VirtualHead& head, drivers::UdpSender& sender, const ServeOptions& options,
                      const std::atomic<bool>& stop,
                      const std::function<void(std::uint64_t)>& on_send = {});

}  // namespace deminer::sim
