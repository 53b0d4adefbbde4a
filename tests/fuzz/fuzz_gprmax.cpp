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
#include "fuzz_temp_file.hpp"

namespace formats = deminer::sim::formats;

namespace {

const std::string& file_path() {
  static const std::string path = deminer::fuzz::temp_path("gprmax", ".out");
  return path;
}

void remove_file() { std::remove(file_path().c_str()); }

std::unique_ptr<formats::TraceFileReader> open_reader() {
  return deminer::fuzz::open_or_empty("open_gprmax",
                                      [] { return formats::open_gprmax(file_path()); });
}

}  // namespace

extern "C" const char* __lsan_default_suppressions() { return "leak:libhdf5\n"; }

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  std::atexit(remove_file);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  deminer::fuzz::write_file(file_path(), data, size);
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
