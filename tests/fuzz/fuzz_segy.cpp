// Fuzz target: the SEG-Y reader on an arbitrary file (the input is the whole file), and the
// writer on whatever the reader accepted.
//
// open_segy reads only from a path, so the input is written to a file of this process,
// /tmp/deminer-fuzz-segy-<pid>.sgy (the pid keeps parallel fuzzer jobs apart), removed at exit.
//
// Invariants checked for every input (segy.hpp):
//   - opening either succeeds or throws a deminer::Error (IoError, FormatError); anything else
//     aborts;
//   - after opening nothing throws: next_trace() runs to the end, yields at most
//     traces_per_channel traces of samples_per_trace samples each, and keeps returning false;
//   - the traces read, written with create_segy and read back, have bit-identical samples.
#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "deminer/dsp/core/error.hpp"
#include "deminer/dsp/core/trace.hpp"
#include "deminer/sim/formats/segy.hpp"
#include "fuzz_check.hpp"
#include "fuzz_temp_file.hpp"

namespace formats = deminer::sim::formats;

namespace {

const std::string& file_path() {
  static const std::string path = deminer::fuzz::temp_path("segy", ".sgy");
  return path;
}

const std::string& copy_path() {
  static const std::string path = deminer::fuzz::temp_path("segy", "-copy.sgy");
  return path;
}

void remove_files() {
  std::remove(file_path().c_str());
  std::remove(copy_path().c_str());
}

std::unique_ptr<formats::TraceFileReader> open_reader(const std::string& path) {
  return deminer::fuzz::open_or_empty("open_segy", [&] { return formats::open_segy(path); });
}

bool same_bits(std::span<const float> a, std::span<const float> b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::bit_cast<std::uint32_t>(a[i]) != std::bit_cast<std::uint32_t>(b[i])) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  std::atexit(remove_files);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  deminer::fuzz::write_file(file_path(), data, size);
  (void)formats::looks_like_segy(std::as_bytes(std::span(data, std::min<std::size_t>(size, 4096))));
  try {
    const auto reader = open_reader(file_path());
    if (!reader) return 0;
    const formats::FileInfo& info = reader->info();
    std::vector<deminer::dsp::Trace> traces;
    deminer::dsp::Trace trace;
    while (reader->next_trace(trace)) {
      DEMINER_FUZZ_CHECK(trace.samples.size() == info.samples_per_trace);
      traces.push_back(trace);
    }
    DEMINER_FUZZ_CHECK(!reader->next_trace(trace));
    DEMINER_FUZZ_CHECK(info.traces_per_channel.has_value());
    DEMINER_FUZZ_CHECK(traces.size() <= *info.traces_per_channel);
    if (traces.empty()) return 0;

    {
      const auto writer = formats::create_segy(copy_path(), info);
      for (const auto& t : traces) writer->write(t.view());
      writer->close();
    }
    const auto copy = open_reader(copy_path());
    DEMINER_FUZZ_CHECK(copy != nullptr);
    std::size_t index = 0;
    while (copy->next_trace(trace)) {
      DEMINER_FUZZ_CHECK(index < traces.size());
      DEMINER_FUZZ_CHECK(same_bits(trace.samples, traces[index].samples));
      ++index;
    }
    DEMINER_FUZZ_CHECK(index == traces.size());
    DEMINER_FUZZ_CHECK(copy->warnings().empty());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "SEG-Y reader or writer threw after opening: %s\n", e.what());
    std::abort();
  }
  return 0;
}
