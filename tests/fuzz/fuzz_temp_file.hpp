// Shared by the fuzz targets whose reader opens paths only: the input goes to a file first.
//
// Names are /tmp/deminer-fuzz-<target>-<pid><suffix>: the pid keeps parallel fuzzer jobs
// (libFuzzer -jobs/-workers) apart. Each target removes its own files at exit.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"

namespace deminer::fuzz {

[[nodiscard]] inline std::string temp_path(std::string_view target, std::string_view suffix) {
  return "/tmp/deminer-fuzz-" + std::string(target) + "-" +
         std::to_string(static_cast<long>(::getpid())) + std::string(suffix);
}

// Replaces the file at `path` with `size` bytes from `data`.
inline void write_file(const std::string& path, const std::uint8_t* data, std::size_t size) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  DEMINER_FUZZ_CHECK(f != nullptr);
  DEMINER_FUZZ_CHECK(size == 0 || std::fwrite(data, 1, size, f) == size);
  DEMINER_FUZZ_CHECK(std::fclose(f) == 0);
}

}  // namespace deminer::fuzz
