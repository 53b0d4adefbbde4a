// Read throughput of every format reader on the shared field files, against a plain sequential
// read (fread in 64 KiB chunks) of the same file measured in the same run. Files come from
// ../shared/data; a missing file is reported and skipped.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "deminer/sim/formats/trace_file.hpp"

namespace {

namespace fs = std::filesystem;

struct SharedFile {
  const char* name;
  const char* relative_path;
};

constexpr SharedFile shared_files[] = {
    {"dzt", "recordings/NSGeophysics/GPRPy/gprpy/exampledata/GSSI/FILE____032.DZT"},
    {"dt1", "recordings/NSGeophysics/GPRPy/gprpy/exampledata/SnS/ComOffs/XLINE00.DT1"},
    {"rd3", "recordings/dlilien/ImpDAR/test/input_data/ten_col.rd3"},
    {"segy", "recordings/equinor/segyio/test-data/small.sgy"},
    {"gprmax", "gprmax_scenes/a_metal_cylinder/a_metal_cylinder_merged.out"},
};

void read_with_reader(benchmark::State& state, const fs::path& path) {
  deminer::dsp::Trace trace;
  std::size_t traces = 0;
  for (auto _ : state) {
    const auto reader = deminer::sim::formats::open_trace_file(path);
    while (reader->next_trace(trace)) ++traces;
    benchmark::DoNotOptimize(trace.samples.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * fs::file_size(path)));
  state.counters["traces"] = static_cast<double>(traces / state.iterations());
}

void read_plain(benchmark::State& state, const fs::path& path) {
  std::vector<char> chunk(64 * 1024);
  for (auto _ : state) {
    std::FILE* file = std::fopen(path.c_str(), "rb");
    if (file == nullptr) {
      state.SkipWithError("cannot open file");
      return;
    }
    while (std::fread(chunk.data(), 1, chunk.size(), file) == chunk.size()) {
    }
    std::fclose(file);
    benchmark::DoNotOptimize(chunk.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * fs::file_size(path)));
}

void register_all() {
  const fs::path data = DEMINER_SHARED_DATA;
  for (const auto& file : shared_files) {
    const fs::path path = data / file.relative_path;
    if (!fs::exists(path)) {
      std::fprintf(stderr, "bench_formats: %s not found, skipping %s\n", path.c_str(), file.name);
      continue;
    }
    benchmark::RegisterBenchmark((std::string("read/") + file.name + "/reader").c_str(),
                                 [path](benchmark::State& s) { read_with_reader(s, path); });
    benchmark::RegisterBenchmark((std::string("read/") + file.name + "/plain_fread").c_str(),
                                 [path](benchmark::State& s) { read_plain(s, path); });
  }
}

const bool registered = (register_all(), true);

}  // namespace
