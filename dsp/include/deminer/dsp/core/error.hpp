// deminer::Error and its family: the exceptions of configuration and I/O.
//
// Why one root: a caller (the CLI, the firmware's start-up) catches `deminer::Error` once and
// prints a message that already says what is wrong, where (file, byte offset, field, JSON path)
// and what was expected. Streaming code never throws; it reports status codes and counters.
// Block configs throw std::invalid_argument (see DESIGN.md), which is not part of this family.
#pragma once

#include <stdexcept>
#include <string>

namespace deminer {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A file or byte stream does not have the layout we expect (wrong magic, bad field, truncation).
class FormatError : public Error {
 public:
  using Error::Error;
};

// A file could not be opened, read or written; the message names the path and the cause.
class IoError : public Error {
 public:
  using Error::Error;
};

// A configuration (JSON file, command-line option) holds an unknown key or an out-of-range value.
class ConfigError : public Error {
 public:
  using Error::Error;
};

// A device could not be opened or configured.
class DeviceError : public Error {
 public:
  using Error::Error;
};

}  // namespace deminer
