// Fuzz target: the MALA RD3/RD7 + RAD (+ COR) reader on an arbitrary set of files.
//
// The reader needs up to three files, so the input is split: a flags byte (bit 0: .rd7 instead
// of .rd3, bit 1: write a .cor), a little-endian uint16 n and n bytes of .rad text, a uint16 m
// and m bytes of .cor text, then the data bytes (lengths cut short where the input ends). They are
// written to /tmp/deminer-fuzz-mala-<pid>.* (the pid keeps parallel jobs apart), removed at exit.
//
// Invariants checked for every input (mala.hpp, trace_file.hpp):
//   - opening either succeeds or throws a deminer::Error; anything else aborts;
//   - after opening nothing throws: next_trace() yields exactly traces_per_channel × channels
//     traces of samples_per_trace samples, channels in turn, then keeps returning false.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <string>

#include "deminer/dsp/core/error.hpp"
#include "deminer/dsp/core/trace.hpp"
#include "deminer/sim/formats/mala.hpp"
#include "fuzz_check.hpp"
#include "fuzz_temp_file.hpp"

namespace formats = deminer::sim::formats;

namespace {

std::string path_with(const char* ext) { return deminer::fuzz::temp_path("mala", ext); }

void remove_files() {
  for (const char* ext : {".rad", ".cor", ".rd3", ".rd7"}) std::remove(path_with(ext).c_str());
}

// Takes a uint16 length and that many bytes (fewer at the end of the input).
void take(const std::uint8_t*& data, std::size_t& size, const std::uint8_t*& part,
          std::size_t& part_size) {
  part_size = 0;
  if (size >= 2) {
    part_size = std::size_t{data[0]} | std::size_t{data[1]} << 8;
    data += 2;
    size -= 2;
  }
  if (part_size > size) part_size = size;
  part = data;
  data += part_size;
  size -= part_size;
}

std::unique_ptr<formats::TraceFileReader> open_reader(const std::string& path) {
  return deminer::fuzz::open_or_empty("open_mala", [&] { return formats::open_mala(path); });
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  std::atexit(remove_files);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::uint8_t flags = data[0];
  ++data;
  --size;
  const std::uint8_t* rad = nullptr;
  const std::uint8_t* cor = nullptr;
  std::size_t rad_size = 0;
  std::size_t cor_size = 0;
  take(data, size, rad, rad_size);
  take(data, size, cor, cor_size);
  remove_files();  // the previous input may have left a .cor or the other data file
  deminer::fuzz::write_file(path_with(".rad"), rad, rad_size);
  if ((flags & 2) != 0) deminer::fuzz::write_file(path_with(".cor"), cor, cor_size);
  const std::string data_path = path_with((flags & 1) != 0 ? ".rd7" : ".rd3");
  deminer::fuzz::write_file(data_path, data, size);

  const auto reader = open_reader(data_path);
  if (!reader) return 0;
  try {
    const formats::FileInfo& info = reader->info();
    DEMINER_FUZZ_CHECK(info.traces_per_channel.has_value());
    DEMINER_FUZZ_CHECK(info.channels >= 1 && info.samples_per_trace > 0 && info.dt_s > 0);
    deminer::dsp::Trace trace;
    std::uint64_t count = 0;
    while (reader->next_trace(trace)) {
      DEMINER_FUZZ_CHECK(trace.samples.size() == info.samples_per_trace);
      DEMINER_FUZZ_CHECK(trace.header.channel == count % info.channels);
      DEMINER_FUZZ_CHECK(trace.header.sequence == count / info.channels);
      ++count;
    }
    DEMINER_FUZZ_CHECK(count == *info.traces_per_channel * info.channels);
    DEMINER_FUZZ_CHECK(trace.samples.empty());
    DEMINER_FUZZ_CHECK(!reader->next_trace(trace));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "the MALA reader threw after opening: %s\n", e.what());
    std::abort();
  }
  return 0;
}
