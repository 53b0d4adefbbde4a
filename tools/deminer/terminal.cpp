#include "terminal.hpp"

#include <unistd.h>

#include <cstdio>

namespace deminer::tools {

Progress::Progress(std::string what, std::size_t total)
    : what_(std::move(what)), total_(total), enabled_(isatty(STDERR_FILENO) == 1) {}

Progress::~Progress() {
  if (drawn_) std::fputs("\r\033[K", stderr);  // leave the terminal clean for the results
}

void Progress::update(std::size_t done) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  draw(done);
}

void Progress::draw(std::size_t done) {
  drawn_ = true;
  if (total_ > 0) {
    std::fprintf(stderr, "\r%s: %3zu%% (%zu/%zu)", what_.c_str(), done * 100 / total_, done,
                 total_);
  } else {
    std::fprintf(stderr, "\r%s: %zu", what_.c_str(), done);
  }
  std::fflush(stderr);
}

}  // namespace deminer::tools
