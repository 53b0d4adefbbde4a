// PseudoTerminal: the sensor-head end of a virtual serial line. The other end (its slave path,
// e.g. /dev/pts/7) opens like any serial port, so `serial://` and the SerialDevice are tested
// with the real kernel tty layer, and `deminer serve --on serial` is a virtual sensor head.
//
// Why the slave stays open here: bytes written before the reader opens the port are kept, and
// the pty outlives a reader that closes and reopens. Closing the master (close()) is the
// "unplugged cable": the reader sees EOF. Note the kernel discards what the reader had not yet
// read when the master closes; drain() first to lose nothing.
// Raw mode is set at creation (no echo, no CR/NL translation), before any byte is written.
#pragma once

#include <chrono>
#include <cstddef>
#include <span>
#include <string>

namespace deminer::drivers {

class PseudoTerminal {
 public:
  // Throws DeviceError when no pty can be allocated.
  PseudoTerminal();
  ~PseudoTerminal();
  PseudoTerminal(const PseudoTerminal&) = delete;
  PseudoTerminal& operator=(const PseudoTerminal&) = delete;

  [[nodiscard]] const std::string& slave_path() const noexcept { return slave_path_; }
  [[nodiscard]] bool is_open() const noexcept { return master_ >= 0; }

  // Writes every byte, waiting while the tty buffer is full (the reader is slow or absent).
  // Returns false on timeout or when closed.
  bool write_all(std::span<const std::byte> bytes, std::chrono::milliseconds timeout) noexcept;
  // Bytes written but not yet read by the other end.
  [[nodiscard]] std::size_t unread_bytes() const noexcept;
  // Waits until the other end has read everything; false on timeout.
  bool drain(std::chrono::milliseconds timeout) noexcept;
  // Hangs up: the reader sees end of file. Idempotent.
  void close() noexcept;

 private:
  int master_ = -1;
  int slave_ = -1;
  std::string slave_path_;
};

}  // namespace deminer::drivers
