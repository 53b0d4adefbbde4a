// Peak memory of `deminer replay` on a small and on a >1 GB recording: streaming means the peak
// must not grow with the file. Writes the recordings (deminer format by default, or any format
// the writer knows by extension) into a scratch folder, runs the real command line on each and
// reads the child's peak resident set size from wait4().
//   replay_memory [SCRATCH_DIR] [EXTENSION]     e.g. replay_memory /tmp .dzt
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "deminer/sim/formats/trace_file.hpp"
#include "deminer/sim/gpr/scene.hpp"

namespace fs = std::filesystem;

namespace {

// Repeats the default scene's traces with advancing positions until `bytes` are written.
void write_recording(const fs::path& path, std::uintmax_t bytes) {
  const auto scene = deminer::sim::simulate_gpr_scene(deminer::sim::default_gpr_scene());
  deminer::sim::formats::FileInfo like;
  like.dt_s = scene.config.dt_s;
  like.samples_per_trace = scene.config.samples_per_trace;
  like.antenna_frequency_hz = scene.config.centre_hz;
  like.trace_spacing_m = scene.config.trace_spacing_m;
  const auto writer = deminer::sim::formats::create_trace_file(path, like);
  const std::uintmax_t trace_bytes = scene.config.samples_per_trace * sizeof(float);
  deminer::dsp::Trace trace;
  for (std::uintmax_t i = 0; i * trace_bytes < bytes; ++i) {
    trace = scene.traces[i % scene.traces.size()];
    trace.header.sequence = i;
    trace.header.position_m = static_cast<double>(i) * scene.config.trace_spacing_m;
    writer->write(trace.view());
  }
  writer->close();
}

// Runs `deminer replay PATH --picture PNG` and returns the child's peak RSS in KiB.
long replay_peak_kib(const fs::path& path) {
  const std::string picture = path.string() + ".png";
  const pid_t child = fork();
  if (child == 0) {
    std::freopen("/dev/null", "w", stdout);
    execl(DEMINER_CLI, "deminer", "replay", path.c_str(), "--picture", picture.c_str(), nullptr);
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  wait4(child, &status, 0, &usage);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "replay of %s failed (status %d)\n", path.c_str(), status);
    return -1;
  }
  return usage.ru_maxrss;
}

}  // namespace

int main(int argc, char** argv) {
  const fs::path scratch = argc > 1 ? fs::path(argv[1]) : fs::temp_directory_path();
  const std::string extension = argc > 2 ? argv[2] : ".dmr";
  std::printf("%-12s %14s %16s\n", "recording", "file MiB", "peak RSS MiB");
  for (const std::uintmax_t mib : {10u, 1100u}) {
    const fs::path path = scratch / ("deminer_replay_memory_" + std::to_string(mib) + extension);
    write_recording(path, mib << 20);
    const long peak = replay_peak_kib(path);
    std::printf("%-12s %14.1f %16.1f\n", path.filename().c_str(),
                static_cast<double>(fs::file_size(path)) / (1 << 20),
                static_cast<double>(peak) / 1024.0);
    fs::remove(path);
    fs::remove(path.string() + ".png");
  }
  return 0;
}
