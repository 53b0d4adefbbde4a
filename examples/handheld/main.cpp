// handheld: the main loop of a handheld detector (GPR, or a dual-sensor GPR + metal-detector
// head), as a vendor's firmware would write it.
//
//   handheld --config tuned.json [--wav alarms.wav] [--json] URI
//   URI: serial:///dev/ttyUSB0?baud=921600 | udp://0.0.0.0:5005 | file://scan.dmr?rate=realtime
//
// Start-up does everything that can fail or allocate: read the configuration tuned on the
// workstation, open the sensor head, build the pipeline and the runtime. Then the runtime's two
// threads take over (acquisition -> lock-free queue -> DSP), and this thread only drains
// detections: a line on stdout and a tone for each. It stops at the end of a recording or on
// SIGINT/SIGTERM, and prints the counters, which are how a unit in the field tells a noisy cable
// from a slow DSP. Links deminer::dsp and deminer::drivers only (see README.md).
#include <signal.h>
#include <time.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <exception>
#include <memory>
#include <string>

#include "deminer/drivers/device/device_uri.hpp"
#include "deminer/drivers/device/recording_device.hpp"
#include "deminer/drivers/runtime/configured_processor.hpp"
#include "deminer/drivers/runtime/runtime.hpp"
#include "deminer/dsp/core/error.hpp"
#include "handheld_app.hpp"

namespace {

namespace handheld = deminer::handheld;
namespace drivers = deminer::drivers;

// Set by the signal handler, polled by the loop. A handler may only touch lock-free atomics.
std::atomic<bool> stop_requested{false};
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void on_stop_signal(int) { stop_requested.store(true, std::memory_order_relaxed); }

void install_stop_handlers() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: the loop's sleep ends early and it notices at once
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

void sleep_ms(long ms) {
  const timespec ts{0, ms * 1'000'000};
  nanosleep(&ts, nullptr);
}

int run(const handheld::Options& options) {
  // ---- Start-up: whatever can fail, and all the memory the streaming threads use. ----
  // The configuration first: a typo in it is reported even when no sensor head is plugged in.
  // It is a GPR pipeline's or a dual-sensor head's (tuned.json of `deminer tune`).
  const handheld::TunedConfig tuned = handheld::load_tuned_config(options.config_path);
  std::unique_ptr<drivers::Device> device = drivers::open_device(options.uri);
  // A recording (or a head that describes itself) says how long its traces are.
  const drivers::ConfiguredProcessor processor = handheld::processor_for_device(tuned, *device);
  const drivers::RuntimeConfig runtime_config = handheld::runtime_config_for(*device, processor);

  std::unique_ptr<handheld::AudioSink> audio;
  if (!options.wav_path.empty()) audio = std::make_unique<handheld::WavSink>(options.wav_path);
  const handheld::ToneMap tones;  // pitch from the score; the defaults suit the default CFAR

  // The runtime owns the device from here on; `processor` must outlive it (declared before).
  drivers::Runtime runtime(std::move(device), *processor.processor, runtime_config);
  std::fprintf(stderr, "handheld: %s, %s, overflow policy %s\n", runtime.device().uri().c_str(),
               processor.summary.c_str(),
               runtime_config.overflow == drivers::OverflowPolicy::wait ? "wait" : "drop_newest");
  install_stop_handlers();
  runtime.start();

  // ---- The loop: this thread never touches the DSP; it only empties the detection queue. ----
  // It may allocate (the lines it prints): the no-allocation, no-lock rule is the DSP thread's.
  std::array<drivers::RuntimeOutput, 32> batch{};
  const auto drain = [&] {
    while (const std::size_t n = runtime.pop_detections(batch)) {
      for (std::size_t i = 0; i < n; ++i) {
        const auto& out = batch[i];
        const std::string line =
            options.json ? handheld::detection_json(out.detection) : handheld::detection_text(out);
        std::printf("%s\n", line.c_str());
        if (audio) audio->tone(handheld::tone_for(out.detection, tones));
      }
      std::fflush(stdout);  // the operator (or the UI process) sees each alarm at once
    }
  };
  // 10 ms between polls: far below what an operator notices, and the queue (1024 detections)
  // cannot fill that fast; finished() means the DSP has processed the end of a recording.
  while (!stop_requested.load(std::memory_order_relaxed) && !runtime.finished()) {
    drain();
    sleep_ms(10);
  }
  // ---- Shut-down: stop() lets the DSP finish what is queued and flush a pending target. ----
  runtime.stop();
  drain();
  if (stop_requested.load()) std::fprintf(stderr, "handheld: stopped by signal\n");
  std::fprintf(stderr, "%s", handheld::counters_text(runtime).c_str());
  if (const auto ignored = drivers::ignored_input_warning(*processor.processor); !ignored.empty())
    std::fprintf(stderr, "warning: %s\n", ignored.c_str());
  // A damaged recording still plays; what was wrong with it is said once, at the end.
  if (const auto* file = dynamic_cast<const drivers::RecordingDevice*>(&runtime.device())) {
    for (const auto& warning : file->warnings()) {
      std::fprintf(stderr, "warning: %s\n", warning.c_str());
    }
  }
  if (auto* wav = dynamic_cast<handheld::WavSink*>(audio.get())) wav->close();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const handheld::ParseResult parsed = handheld::parse_arguments(argc, argv);
  if (parsed.what == handheld::Parsed::help) {
    std::fputs(handheld::usage("handheld").c_str(), stdout);
    return 0;
  }
  if (parsed.what == handheld::Parsed::bad) {
    std::fprintf(stderr, "handheld: %s\n\n%s", parsed.error.c_str(),
                 handheld::usage("handheld").c_str());
    return 2;
  }
  try {
    return run(parsed.options);
  } catch (const deminer::Error& e) {  // configuration, device, file: the message says it all
    std::fprintf(stderr, "handheld: %s\n", e.what());
  } catch (const std::exception& e) {  // e.g. a value a pipeline block rejects
    std::fprintf(stderr, "handheld: %s\n", e.what());
  }
  return 1;
}
