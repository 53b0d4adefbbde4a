// Progress on stderr for long work, shown only when stderr is a terminal (never in logs/pipes).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace deminer::tools {

class Progress {
 public:
  // total == 0: unknown length (counts without a percentage).
  Progress(std::string what, std::size_t total);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void update(std::size_t done);

 private:
  void draw(std::size_t done);

  std::string what_;
  std::size_t total_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace deminer::tools
