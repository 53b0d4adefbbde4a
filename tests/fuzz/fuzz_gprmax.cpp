// Fuzz target: the gprMax (HDF5) reader on an arbitrary file (the input is the whole file).
//
// open_gprmax reads only from a path, so the input is written to a file of this process,
// /tmp/deminer-fuzz-gprmax-<pid>.out (the pid keeps parallel fuzzer jobs apart), removed at
// exit. Seeds: gprMax files (the shared cylinder_Ascan_2D.out is 37 KiB: run with
// -max_len=40000). The HDF5 library itself is not instrumented; a crash inside libhdf5 is
// reported like ours, but its leaks are suppressed: libhdf5 1.10 leaks on the error paths of
// H5Fopen for damaged files, with no handle left for us to close.
//
// Invariants checked for every input (gprmax.hpp):
//   - opening either succeeds or throws a deminer::Error (IoError, FormatError); anything else
//     aborts;
//   - after opening nothing throws: next_trace() runs to the end, yields at most
//     traces_per_channel traces of samples_per_trace samples each, and keeps returning false.
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <span>
#include <string>

#include "deminer/dsp/core/error.hpp"
#include "deminer/dsp/core/trace.hpp"
#include "deminer/sim/formats/gprmax.hpp"
#include "fuzz_check.hpp"

namespace formats = deminer::sim::formats;

namespace {

std::string& file_path() {
  static std::string path =
      "/tmp/deminer-fuzz-gprmax-" + std::to_string(static_cast<long>(::getpid())) + ".out";
  return path;
}

void remove_file() { std::remove(file_path().c_str()); }

void write_file(const std::uint8_t* data, std::size_t size) {
  std::FILE* f = std::fopen(file_path().c_str(), "wb");
  DEMINER_FUZZ_CHECK(f != nullptr);
  DEMINER_FUZZ_CHECK(size == 0 || std::fwrite(data, 1, size, f) == size);
  DEMINER_FUZZ_CHECK(std::fclose(f) == 0);
}

std::unique_ptr<formats::TraceFileReader> open_reader() {
  try {
    return formats::open_gprmax(file_path());
  } catch (const deminer::Error&) {
    return nullptr;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "open_gprmax threw a non-deminer::Error: %s\n", e.what());
    std::abort();
  } catch (...) {
    std::fprintf(stderr, "open_gprmax threw a non-exception\n");
    std::abort();
  }
}

}  // namespace

extern "C" const char* __lsan_default_suppressions() { return "leak:libhdf5\n"; }

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  std::atexit(remove_file);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  write_file(data, size);
  (void)formats::looks_like_gprmax(
      std::as_bytes(std::span(data, std::min<std::size_t>(size, 4096))));
  try {
    const auto reader = open_reader();
    if (!reader) return 0;
    const formats::FileInfo& info = reader->info();
    deminer::dsp::Trace trace;
    std::uint64_t count = 0;
    while (reader->next_trace(trace)) {
      DEMINER_FUZZ_CHECK(trace.samples.size() == info.samples_per_trace);
      ++count;
    }
    DEMINER_FUZZ_CHECK(!reader->next_trace(trace));
    DEMINER_FUZZ_CHECK(info.traces_per_channel.has_value());
    DEMINER_FUZZ_CHECK(count <= *info.traces_per_channel);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gprMax reader threw after opening: %s\n", e.what());
    std::abort();
  }
  return 0;
}
