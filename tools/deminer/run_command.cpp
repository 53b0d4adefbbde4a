// deminer run: the live pipeline from any device (serial, UDP, replay, simulation), exactly as
// the handheld unit runs it — acquisition thread, lock-free queues, DSP thread — printing each
// detection as it happens and running counters (frames, gaps, CRC errors, overflows, latency).
// The processor is the one the configuration describes (drivers/runtime/configured_processor):
// a GPR pipeline, or the dual-sensor head `deminer tune` wrote into tuned.json.
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>

#include "commands.hpp"
#include "deminer/drivers/device/recording_device.hpp"
#include "deminer/drivers/runtime/configured_processor.hpp"
#include "deminer/drivers/runtime/runtime.hpp"
#include "deminer/dsp/core/error.hpp"
#include "deminer/dsp/pipeline/gpr_pipeline.hpp"
#include "deminer/sim/device/replay_device.hpp"
#include "text_file.hpp"

namespace deminer::tools {
namespace {

std::atomic<bool> interrupted{false};
extern "C" void on_interrupt(int) { interrupted.store(true); }

struct RunOptions {
  std::string uri;
  std::string config_path;
  bool json = false;
  bool until_disconnect = false;
  bool list = false;
  double duration_s = 0.0;
  std::uint64_t frames = 0;
  double stats_interval_s = 1.0;
  std::optional<float> threshold;
  std::optional<std::size_t> samples;
  std::size_t slots = 64;
  std::string overflow;  // "", "drop" or "wait"
};

drivers::ConfiguredProcessor processor_for(const RunOptions& options,
                                           const drivers::Device& device) {
  const std::size_t samples =
      options.samples.value_or(drivers::described_samples_per_trace(device));
  if (options.config_path.empty()) {
    return drivers::configured_processor(dsp::GprPipeline::default_config(), samples);
  }
  return drivers::configured_processor(read_text_file(options.config_path, "configuration"),
                                       options.config_path, samples);
}

double ms(std::int64_t ns) { return static_cast<double>(ns) / 1e6; }

void print_detection(const RunOptions& options, const drivers::RuntimeOutput& out) {
  const auto& d = out.detection;
  const double latency_ms = ms(out.output_ns - out.received_ns);
  if (d.sensor == dsp::Sensor::fused) {  // a dual-sensor head's alarm on one object
    if (options.json) {
      const nlohmann::json line = {
          {"position_m", d.position_m}, {"advance_m", d.advance_m},
          {"depth_m", d.depth_m},       {"class", dsp::to_string(d.object_class)},
          {"confidence", d.confidence}, {"score", d.score},
          {"latency_ms", latency_ms}};
      std::printf("%s\n", line.dump().c_str());
    } else {
      std::printf(
          "alarm  x %7.3f m  y %8.3f m  %-16s confidence %.2f  score %.4g  latency %.3f ms\n",
          d.position_m, d.advance_m, std::string(dsp::to_string(d.object_class)).c_str(),
          static_cast<double>(d.confidence), static_cast<double>(d.score), latency_ms);
    }
    std::fflush(stdout);
    return;
  }
  if (options.json) {
    const nlohmann::json line = {{"position_m", d.position_m}, {"depth_m", d.depth_m},
                                 {"time_s", d.time_s},         {"score", d.score},
                                 {"sequence", d.sequence},     {"channel", d.channel},
                                 {"latency_ms", latency_ms}};
    std::printf("%s\n", line.dump().c_str());
  } else {
    std::printf(
        "detection  position %8.3f m  depth %6.3f m  time %7.3f ns  score %7.1f  trace %llu"
        "  latency %.3f ms\n",
        d.position_m, d.depth_m, d.time_s * 1e9, static_cast<double>(d.score),
        static_cast<unsigned long long>(d.sequence), latency_ms);
  }
  std::fflush(stdout);
}

nlohmann::json counters_json(const drivers::Runtime& runtime) {
  const auto c = runtime.counters();
  const auto& latency = runtime.latency();
  return {{"frames", c.device.frames},
          {"traces", c.traces_processed},
          {"vlf_blocks", c.blocks_processed},
          {"gaps", c.device.sequence_gaps},
          {"frames_lost", c.device.frames_lost},
          {"crc_errors", c.device.crc_errors},
          {"header_errors", c.device.header_errors},
          {"bytes_skipped", c.device.bytes_skipped},
          {"overflows", c.overflows},
          {"transport_overflows", c.device.overflows},
          {"bad_payloads", c.bad_payloads},
          {"disconnects", c.device.disconnects},
          {"reconnects", c.device.reconnects},
          {"detections", c.detections},
          {"detections_suppressed", c.detections_suppressed},
          {"detections_dropped", c.detections_dropped},
          {"latency_p50_ms", ms(latency.quantile(0.5))},
          {"latency_p99_ms", ms(latency.quantile(0.99))},
          {"latency_max_ms", ms(latency.max())}};
}

void print_counters(const drivers::Runtime& runtime) {
  const auto c = runtime.counters();
  const auto& latency = runtime.latency();
  std::fprintf(
      stderr,
      "frames %llu  traces %llu  blocks %llu  gaps %llu (lost %llu)  crc %llu  header %llu  "
      "overflows %llu  disconnects %llu  detections %llu  latency p50 %.3f ms  p99 "
      "%.3f ms\n",
      static_cast<unsigned long long>(c.device.frames),
      static_cast<unsigned long long>(c.traces_processed),
      static_cast<unsigned long long>(c.blocks_processed),
      static_cast<unsigned long long>(c.device.sequence_gaps),
      static_cast<unsigned long long>(c.device.frames_lost),
      static_cast<unsigned long long>(c.device.crc_errors),
      static_cast<unsigned long long>(c.device.header_errors),
      static_cast<unsigned long long>(c.overflows + c.device.overflows),
      static_cast<unsigned long long>(c.device.disconnects),
      static_cast<unsigned long long>(c.detections), ms(latency.quantile(0.5)),
      ms(latency.quantile(0.99)));
}

int run(const RunOptions& options) {
  if (options.list) {
    for (const auto& entry : sim::enumerate_devices()) {
      std::printf("%-40s %s\n", entry.uri.c_str(), entry.description.c_str());
    }
    return 0;
  }
  if (options.uri.empty())
    throw ConfigError("run: a device URI is required:\n" + drivers::device_uri_forms());
  auto device = sim::open_device(options.uri);
  const std::string scheme = drivers::parse_device_uri(options.uri).scheme;
  const bool finite_source = scheme == "replay" || scheme == "sim" || scheme == "file";
  const drivers::ConfiguredProcessor processor = processor_for(options, *device);

  drivers::RuntimeConfig config;
  config.slots = options.slots;
  config.max_samples_per_trace = std::max<std::size_t>(processor.max_samples_per_input, 8192);
  // A recording can wait for the DSP (nothing is lost); a live head cannot.
  config.overflow =
      options.overflow.empty()
          ? (finite_source ? drivers::OverflowPolicy::wait : drivers::OverflowPolicy::drop_newest)
          : (options.overflow == "wait" ? drivers::OverflowPolicy::wait
                                        : drivers::OverflowPolicy::drop_newest);
  if (options.threshold) config.alarm_threshold = *options.threshold;
  drivers::Runtime runtime(std::move(device), *processor.processor, config);

  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
  std::fprintf(stderr, "deminer run: %s open (%s); Ctrl-C stops\n", runtime.device().uri().c_str(),
               processor.summary.c_str());
  runtime.start();

  std::array<drivers::RuntimeOutput, 32> batch{};
  const auto drain = [&] {
    while (const std::size_t n = runtime.pop_detections(batch)) {
      for (std::size_t i = 0; i < n; ++i) print_detection(options, batch[i]);
    }
  };
  const auto start = std::chrono::steady_clock::now();
  auto next_stats = start + std::chrono::duration<double>(options.stats_interval_s);
  for (;;) {
    drain();
    const auto c = runtime.counters();
    const auto now = std::chrono::steady_clock::now();
    if (interrupted.load() || runtime.finished()) break;
    if (options.until_disconnect && c.device.disconnects > 0) break;
    if (options.frames > 0 && c.traces_processed >= options.frames) break;
    if (options.duration_s > 0 && now - start >= std::chrono::duration<double>(options.duration_s))
      break;
    if (options.stats_interval_s > 0 && now >= next_stats) {
      print_counters(runtime);
      next_stats = now + std::chrono::duration<double>(options.stats_interval_s);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  runtime.stop();  // the DSP thread processes what is queued and flushes a pending detection
  drain();
  if (options.json) {
    std::printf("%s\n", nlohmann::json{{"summary", counters_json(runtime)}}.dump().c_str());
  } else {
    print_counters(runtime);
  }
  if (const auto ignored = drivers::ignored_input_warning(*processor.processor); !ignored.empty())
    std::fprintf(stderr, "warning: %s\n", ignored.c_str());
  if (const auto* replay = dynamic_cast<const sim::ReplayDevice*>(&runtime.device())) {
    for (const auto& warning : replay->warnings())
      std::fprintf(stderr, "warning: %s\n", warning.c_str());
  }
  if (const auto* file = dynamic_cast<const drivers::RecordingDevice*>(&runtime.device())) {
    for (const auto& warning : file->warnings())
      std::fprintf(stderr, "warning: %s\n", warning.c_str());
  }
  return 0;
}

}  // namespace

Command add_run_command(CLI::App& app) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* sub = app.add_subcommand(
      "run",
      "Run the live pipeline from a device (serial, UDP, replayed recording or simulation) on "
      "an acquisition thread and a DSP thread, as on the handheld unit; print each detection as "
      "it happens and running counters (frames, gaps, CRC errors, overflows, latency). With the "
      "tuned.json of 'deminer tune' it runs the dual-sensor head (GPR + VLF metal detector) and "
      "prints one alarm per object with its class and confidence.");
  sub->add_option("uri", options->uri,
                  "Device URI: serial:///dev/ttyUSB0?baud=921600, udp://0.0.0.0:5005, "
                  "file://FILE.dmr?rate=realtime|max, replay://FILE?rate=realtime|max, "
                  "sim://gpr?rate=realtime");
  sub->add_option("--config", options->config_path,
                  "Configuration (JSON): a GPR pipeline (ordered stages and detector, see "
                  "docs/pipeline-config.md; 'deminer replay FILE --print-config' writes one), or "
                  "a dual-sensor head's tuned.json from 'deminer tune' (docs/lanes.md)")
      ->check(CLI::ExistingFile);
  sub->add_flag("--list", options->list, "List the devices available here and exit");
  sub->add_flag("--json", options->json,
                "One JSON object per detection, and a final {\"summary\": ...} line");
  sub->add_option("--duration", options->duration_s, "Stop after this many seconds")
      ->check(CLI::PositiveNumber);
  sub->add_option("--frames", options->frames, "Stop after this many traces")
      ->check(CLI::PositiveNumber);
  sub->add_flag("--until-disconnect", options->until_disconnect,
                "Stop when the device reports a disconnect (e.g. the sender finished)");
  sub->add_option("--stats", options->stats_interval_s,
                  "Seconds between counter lines on stderr (0: only at the end)")
      ->default_val(1.0)
      ->check(CLI::Range(0.0, 3600.0));
  sub->add_option_function<float>(
      "--threshold", [options](float v) { options->threshold = v; },
      "Alarm threshold: suppress detections scoring below");
  sub->add_option_function<std::size_t>(
         "--samples", [options](std::size_t v) { options->samples = v; },
         "Samples per trace when the device does not say (serial, UDP); default 512")
      ->check(CLI::Range(std::size_t{16}, std::size_t{65536}));
  sub->add_option("--slots", options->slots, "Frame slots between the threads")
      ->default_val(64)
      ->check(CLI::Range(2, 65536));
  sub->add_option("--overflow", options->overflow,
                  "When the DSP falls behind: drop (count and discard new traces; default for "
                  "serial/UDP) or wait (default for file/replay/sim)")
      ->check(CLI::IsMember({"drop", "wait"}));
  sub->footer(
      "Examples:\n  deminer run replay://scene.dmr?rate=realtime\n"
      "  deminer run file://scene.dmr?rate=max\n"
      "  deminer run serial:///dev/ttyUSB0?baud=921600 --json\n"
      "  deminer run udp://0.0.0.0:5005 --threshold 12\n"
      "  deminer run file://lane.dmr?rate=max --config out/tuned.json   # dual-sensor head; "
      "lane.dmr from 'deminer simulate --lane'\n"
      "Exit status 0 on success, 1 when the device cannot be opened.");
  return {sub, [options] { return run(*options); }};
}

}  // namespace deminer::tools
