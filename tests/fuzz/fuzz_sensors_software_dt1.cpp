// Fuzz target: the Sensors & Software DT1/HD reader on an arbitrary pair of files.
//
// The reader needs two files, so the input is split: a little-endian uint16 n, then n bytes of
// .HD text (fewer if the input ends), then the .DT1 bytes. They are written to
// /tmp/deminer-fuzz-dt1-<pid>.HD/.DT1 (the pid keeps parallel jobs apart), removed at exit.
//
// Invariants checked for every input (sensors_software_dt1.hpp, trace_file.hpp):
//   - opening either succeeds or throws a deminer::Error; anything else aborts;
//   - after opening nothing throws: next_trace() yields exactly traces_per_channel traces of
//     samples_per_trace samples, then keeps returning false with an empty trace.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <string>

#include "deminer/dsp/core/error.hpp"
#include "deminer/dsp/core/trace.hpp"
#include "deminer/sim/formats/sensors_software_dt1.hpp"
#include "fuzz_check.hpp"
#include "fuzz_temp_file.hpp"

namespace formats = deminer::sim::formats;

namespace {

std::string path_with(const char* ext) { return deminer::fuzz::temp_path("dt1", ext); }

void remove_files() {
  std::remove(path_with(".HD").c_str());
  std::remove(path_with(".DT1").c_str());
}

std::unique_ptr<formats::TraceFileReader> open_reader() {
  return deminer::fuzz::open_or_empty("open_sensors_software_dt1", [] {
    return formats::open_sensors_software_dt1(path_with(".DT1"));
  });
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  std::atexit(remove_files);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  std::size_t hd = std::size_t{data[0]} | std::size_t{data[1]} << 8;
  data += 2;
  size -= 2;
  if (hd > size) hd = size;
  deminer::fuzz::write_file(path_with(".HD"), data, hd);
  deminer::fuzz::write_file(path_with(".DT1"), data + hd, size - hd);

  const auto reader = open_reader();
  if (!reader) return 0;
  try {
    const formats::FileInfo& info = reader->info();
    DEMINER_FUZZ_CHECK(info.traces_per_channel.has_value());
    DEMINER_FUZZ_CHECK(info.channels == 1 && info.samples_per_trace > 0 && info.dt_s > 0);
    deminer::dsp::Trace trace;
    std::uint64_t count = 0;
    while (reader->next_trace(trace)) {
      DEMINER_FUZZ_CHECK(trace.samples.size() == info.samples_per_trace);
      DEMINER_FUZZ_CHECK(trace.header.sequence == count);
      ++count;
    }
    DEMINER_FUZZ_CHECK(count == *info.traces_per_channel);
    DEMINER_FUZZ_CHECK(trace.samples.empty());
    DEMINER_FUZZ_CHECK(!reader->next_trace(trace));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "the DT1 reader threw after opening: %s\n", e.what());
    std::abort();
  }
  return 0;
}
