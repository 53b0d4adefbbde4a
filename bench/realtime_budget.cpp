// realtime_budget: what one chain costs in counts, not time, for the real-time budget of a
// handheld unit (bench/README.md, "Real-time budget"; scripts/budget.sh drives it).
//
//   realtime_budget CHAIN [--passes N] [--config CHAIN.json]   CHAIN: gpr512 | gpr2048 | vlf | pi
//
// For the chain it
//  1. generates the input with the simulators (before anything is measured): the default GPR
//     scene (three targets, so the CFAR tracks, hyperbola fits and features are in the count) at
//     512 or 2048 samples per trace, as bench_gpr_pipeline; the default metal-detector scene as
//     VLF raw ADC blocks (100 kS/s, 1000-sample blocks, one 10 kHz tone) or PI pulses (the
//     chain's 13 gates, 1 k pulses/s, 20 µV gate noise so that the targets are found), as
//     bench_md;
//  2. constructs the pipeline (start-up; the chain's default configuration, or a unit's tuned
//     JSON given with --config: pipeline/*_json.hpp) and measures the heap it holds afterwards:
//     glibc's mallinfo2() (uordblks + hblkhd, so mmap'd blocks count) after minus before;
//  3. on a DSP thread whose stack it allocates and paints itself (1 MiB under a guard page), runs
//     one pass of the scene as warm-up, then the measured stretch (N passes; each GPR pass ends
//     with flush() and reset(), as in the benchmark) between CALLGRIND_START_INSTRUMENTATION and
//     CALLGRIND_STOP_INSTRUMENTATION, counting every operator new and the heap change on the way;
//  4. prints one JSON line: the items and samples measured, detections, heap held after
//     start-up, allocations in the measured stretch (must be 0), and the stack high-water mark
//     (bytes from the top of the stack that were written, and the same for a thread that does
//     nothing: glibc keeps the thread descriptor and static TLS at the top of a user stack).
//
// Instruction counts come from running it under
//   valgrind --tool=callgrind --instr-atstart=no ./realtime_budget CHAIN
// which counts only the measured stretch; a normal run gives the memory figures (under Valgrind
// they describe Valgrind's heap, and the JSON says under_valgrind: true).
#include <malloc.h>
#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <new>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "deminer/dsp/core/fft.hpp"
#include "deminer/dsp/pipeline/gpr_pipeline.hpp"
#include "deminer/dsp/pipeline/gpr_pipeline_json.hpp"
#include "deminer/dsp/pipeline/pi_pipeline.hpp"
#include "deminer/dsp/pipeline/pi_pipeline_json.hpp"
#include "deminer/dsp/pipeline/vlf_pipeline.hpp"
#include "deminer/dsp/pipeline/vlf_pipeline_json.hpp"
#include "deminer/sim/gpr/scene.hpp"
#include "deminer/sim/md/md_scene.hpp"

#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define BUDGET_HAVE_CALLGRIND 1
#else
#define BUDGET_HAVE_CALLGRIND 0
#define CALLGRIND_START_INSTRUMENTATION
#define CALLGRIND_STOP_INSTRUMENTATION
#define RUNNING_ON_VALGRIND 0
#endif

// ---- Allocation counting: every operator new while the measured stretch runs on this thread.

namespace {
thread_local bool t_counting = false;
std::atomic<std::uint64_t> g_hot_allocations{0};
std::atomic<std::uint64_t> g_hot_bytes{0};

void* counted_alloc(std::size_t size, std::size_t alignment) {
  if (t_counting) {
    g_hot_allocations.fetch_add(1, std::memory_order_relaxed);
    g_hot_bytes.fetch_add(size, std::memory_order_relaxed);
  }
  if (size == 0) size = 1;
  void* p = alignment <= alignof(std::max_align_t)
                ? std::malloc(size)
                : std::aligned_alloc(alignment, (size + alignment - 1) / alignment * alignment);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}
}  // namespace

void* operator new(std::size_t size) { return counted_alloc(size, 0); }
void* operator new[](std::size_t size) { return counted_alloc(size, 0); }
void* operator new(std::size_t size, std::align_val_t a) {
  return counted_alloc(size, static_cast<std::size_t>(a));
}
void* operator new[](std::size_t size, std::align_val_t a) {
  return counted_alloc(size, static_cast<std::size_t>(a));
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }

namespace {

namespace dsp = deminer::dsp;
namespace md = deminer::sim::md;

// Bytes in use on glibc's heap: small blocks (uordblks) and mmap'd ones (hblkhd).
std::int64_t heap_in_use() {
  const struct mallinfo2 info = mallinfo2();
  return static_cast<std::int64_t>(info.uordblks + info.hblkhd);
}

// A configuration file's text, or nullopt when no file was given.
std::optional<std::string> read_config(const char* path) {
  if (path == nullptr) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(std::string("cannot read ") + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// ---- The chains. Each: input made in the constructor, start() builds the pipeline, pass()
// runs the whole scene once and returns the items it processed.

class GprRun {
 public:
  GprRun(std::size_t samples, const char* config_path) : samples_(samples) {
    auto scene = deminer::sim::default_gpr_scene();
    scene.samples_per_trace = samples;
    scene_ = deminer::sim::simulate_gpr_scene(scene);
    if (const auto json = read_config(config_path)) {
      config_ = dsp::gpr_pipeline_config_from_json(*json, config_path);
      if (config_.samples_per_trace != samples) {
        throw std::runtime_error(std::string(config_path) + ": samples_per_trace is " +
                                 std::to_string(config_.samples_per_trace) + ", the chain has " +
                                 std::to_string(samples));
      }
    } else {
      config_ = dsp::GprPipeline::default_config_for(1.5e9, scene_.traces[0].header.dt_s, samples);
    }
  }
  static constexpr const char* unit = "trace";
  [[nodiscard]] std::size_t samples_per_item() const { return samples_; }
  void start() { pipeline_ = std::make_unique<dsp::GprPipeline>(config_); }
  std::size_t pass() noexcept {
    for (const auto& trace : scene_.traces) detections_ += pipeline_->process(trace.view(), out_);
    detections_ += pipeline_->flush(out_);
    pipeline_->reset();
    return scene_.traces.size();
  }
  [[nodiscard]] std::size_t detections() const { return detections_; }

 private:
  std::size_t samples_;
  deminer::sim::SimulatedScene scene_;
  dsp::GprPipeline::Config config_;
  std::unique_ptr<dsp::GprPipeline> pipeline_;
  std::array<dsp::Detection, 8> out_{};
  std::size_t detections_ = 0;
};

constexpr std::size_t kVlfBlockSamples = 1000;  // 10 ms at 100 kS/s, 100 periods of 10 kHz

class VlfRun {
 public:
  // A configuration must keep the scene's 100 kS/s and single 10 kHz tone.
  explicit VlfRun(const char* config_path) {
    if (const auto json = read_config(config_path)) {
      config_ = dsp::vlf_pipeline_config_from_json(*json, config_path);
    }
    auto scene = md::default_md_scene();
    scene.sample_rate_hz = 100e3;
    scene.samples_per_block = kVlfBlockSamples;
    scene.tones_hz = {10e3};
    scene_ = md::simulate_md_scene(scene);
  }
  static constexpr const char* unit = "block";
  [[nodiscard]] std::size_t samples_per_item() const { return kVlfBlockSamples; }
  void start() {
    pipeline_ = std::make_unique<dsp::VlfPipeline>(config_);
    tones_.resize(pipeline_->max_channel_samples());
  }
  // The sweep again at the end, as the coil comes back (a sequence gap restarts the window).
  std::size_t pass() noexcept {
    for (const auto& block : scene_.vlf_blocks) {
      detections_ += pipeline_->process(block.view(), out_, tones_).detections;
    }
    return scene_.vlf_blocks.size();
  }
  [[nodiscard]] std::size_t detections() const { return detections_; }

 private:
  md::MdScene scene_;
  dsp::VlfPipeline::Config config_{};
  std::unique_ptr<dsp::VlfPipeline> pipeline_;
  std::vector<dsp::md::ToneOutput> tones_;
  std::array<dsp::Detection, 8> out_{};
  std::size_t detections_ = 0;
};

class PiRun {
 public:
  explicit PiRun(const char* config_path) {
    const auto json = read_config(config_path);
    config_ = json ? dsp::pi_pipeline_config_from_json(*json, config_path)
                   : dsp::PiPipeline::default_config();
    auto scene = md::default_md_scene();
    scene.detector = md::MdSceneConfig::Detector::pi;
    scene.gate_times_s.assign(config_.gate_times_s.begin(), config_.gate_times_s.end());
    scene.pulse_length_s = config_.pulse_length_s;
    scene.pulse_period_s = 1e-3;
    // The gate noise of docs/md-detection-height.md: the default scene's 3 mV is a VLF ADC's,
    // under which PI finds nothing, and the fit and classifier at each event would go uncounted.
    scene.noise_std_v = 20e-6;
    scene_ = md::simulate_md_scene(scene);
  }
  static constexpr const char* unit = "pulse";
  [[nodiscard]] std::size_t samples_per_item() const { return config_.gate_times_s.size(); }
  void start() { pipeline_ = std::make_unique<dsp::PiPipeline>(config_); }
  std::size_t pass() noexcept {
    for (const auto& frame : scene_.pi_frames)
      detections_ += pipeline_->process(frame.view(), out_);
    return scene_.pi_frames.size();
  }
  [[nodiscard]] std::size_t detections() const { return detections_; }

 private:
  dsp::PiPipeline::Config config_;
  md::MdScene scene_;
  std::unique_ptr<dsp::PiPipeline> pipeline_;
  std::array<dsp::Detection, 8> out_{};
  std::size_t detections_ = 0;
};

// ---- A thread on a stack we own, painted before it starts.

constexpr std::size_t kStackBytes = std::size_t{1} << 20;
constexpr unsigned char kPaint = 0xA5;

struct PaintedStack {
  PaintedStack() {
    page_ = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    void* p = mmap(nullptr, page_ + kStackBytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (p == MAP_FAILED) throw std::runtime_error("mmap of the DSP stack failed");
    base_ = static_cast<unsigned char*>(p);
    mprotect(base_, page_, PROT_NONE);  // guard page below the stack: an overflow faults
  }
  ~PaintedStack() { munmap(base_, page_ + kStackBytes); }
  PaintedStack(const PaintedStack&) = delete;
  PaintedStack& operator=(const PaintedStack&) = delete;

  // Runs fn(arg) on the stack; returns the bytes from its top that were written.
  std::size_t run(void* (*fn)(void*), void* arg) {
    unsigned char* stack = base_ + page_;
    std::memset(stack, kPaint, kStackBytes);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstack(&attr, stack, kStackBytes);
    pthread_t thread;
    const int err = pthread_create(&thread, &attr, fn, arg);
    pthread_attr_destroy(&attr);
    if (err != 0) throw std::runtime_error(std::string("pthread_create: ") + std::strerror(err));
    pthread_join(thread, nullptr);
    std::size_t untouched = 0;
    while (untouched < kStackBytes && stack[untouched] == kPaint) ++untouched;
    return kStackBytes - untouched;
  }

 private:
  std::size_t page_ = 0;
  unsigned char* base_ = nullptr;
};

template <class Run>
struct DspJob {
  Run* run = nullptr;
  std::size_t passes = 1;
  std::size_t warmup_items = 0;
  std::size_t items = 0;
  std::int64_t heap_delta = 0;

  static void* main(void* self) {
    auto& job = *static_cast<DspJob*>(self);
    job.warmup_items = job.run->pass();
    const std::int64_t before = heap_in_use();
    t_counting = true;
    CALLGRIND_START_INSTRUMENTATION;
    std::size_t items = 0;
    for (std::size_t p = 0; p < job.passes; ++p) items += job.run->pass();
    CALLGRIND_STOP_INSTRUMENTATION;
    t_counting = false;
    job.heap_delta = heap_in_use() - before;
    job.items = items;
    return nullptr;
  }
};

void* idle_thread(void*) { return nullptr; }

template <class Run>
int measure(std::string_view chain, Run& run, std::size_t passes) {
  const std::int64_t before = heap_in_use();
  run.start();
  const std::int64_t held = heap_in_use() - before;

  PaintedStack stack;
  const std::size_t idle_stack = stack.run(&idle_thread, nullptr);
  DspJob<Run> job;
  job.run = &run;
  job.passes = passes;
  const std::size_t dsp_stack = stack.run(&DspJob<Run>::main, &job);

  const std::size_t samples = job.items * run.samples_per_item();
  std::printf(
      "{\"chain\": \"%.*s\", \"fft\": \"%.*s\", \"unit\": \"%s\", \"items\": %zu, "
      "\"samples_per_item\": %zu, \"samples\": %zu, \"passes\": %zu, \"warmup_items\": %zu, "
      "\"detections\": %zu, \"heap_startup_bytes\": %lld, \"hot_allocations\": %llu, "
      "\"hot_allocated_bytes\": %llu, \"hot_heap_delta_bytes\": %lld, "
      "\"stack_high_water_bytes\": %zu, \"stack_idle_thread_bytes\": %zu, \"stack_bytes\": %zu, "
      "\"under_valgrind\": %s, \"callgrind_markers\": %s}\n",
      static_cast<int>(chain.size()), chain.data(),
      static_cast<int>(to_string(dsp::default_fft_backend()).size()),
      to_string(dsp::default_fft_backend()).data(), Run::unit, job.items, run.samples_per_item(),
      samples, passes, job.warmup_items, run.detections(), static_cast<long long>(held),
      static_cast<unsigned long long>(g_hot_allocations.load()),
      static_cast<unsigned long long>(g_hot_bytes.load()), static_cast<long long>(job.heap_delta),
      dsp_stack, idle_stack, kStackBytes, RUNNING_ON_VALGRIND ? "true" : "false",
      BUDGET_HAVE_CALLGRIND ? "true" : "false");
  return 0;
}

int usage() {
  std::fprintf(stderr,
               "usage: realtime_budget CHAIN [--passes N] [--config FILE]\n"
               "  CHAIN: gpr512 | gpr2048 | vlf | pi\n"
               "  --passes N     measured passes of the scene (default: 3 for GPR, 1 for VLF/PI)\n"
               "  --config FILE  the chain's JSON configuration instead of its default (GPR: same\n"
               "                 samples_per_trace; VLF: 100 kS/s and one 10 kHz tone)\n"
               "Counts: valgrind --tool=callgrind --instr-atstart=no realtime_budget CHAIN\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage();
  const std::string_view chain = argv[1];
  std::size_t passes = 0;
  const char* config = nullptr;
  for (int i = 2; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--passes" && i + 1 < argc) {
      char* end = nullptr;
      const unsigned long n = std::strtoul(argv[++i], &end, 10);
      if (*end != '\0' || n < 1 || n > 1000) {
        std::fprintf(stderr, "realtime_budget: --passes needs an integer in [1, 1000]\n");
        return 2;
      }
      passes = n;
    } else if (arg == "--config" && i + 1 < argc) {
      config = argv[++i];
    } else {
      return usage();
    }
  }
  try {
    if (chain == "gpr512" || chain == "gpr2048") {
      GprRun run(chain == "gpr512" ? 512 : 2048, config);
      return measure(chain, run, passes != 0 ? passes : 3);
    }
    if (chain == "vlf") {
      VlfRun run(config);
      return measure(chain, run, passes != 0 ? passes : 1);
    }
    if (chain == "pi") {
      PiRun run(config);
      return measure(chain, run, passes != 0 ? passes : 1);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "realtime_budget: %s\n", e.what());
    return 1;
  }
  return usage();
}
