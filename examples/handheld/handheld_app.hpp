// The reusable part of the handheld example (main.cpp is the loop): reading the command line,
// start-up (the tuned JSON -> pipeline configuration; the device -> runtime configuration),
// alarms -> tones, an audio sink that writes a WAV file, and the lines printed per detection.
//
// Why a separate object library: the tests drive exactly this code (tests/examples/). It depends
// only on deminer::dsp, deminer::drivers, the C++ standard library and POSIX — what the firmware
// of a unit links — never on sim/, HDF5, CLI11 or nlohmann-json.
// Threads: everything here runs at start-up or on the main (consumer) thread; nothing here runs on
// the DSP thread, so allocating and writing files is fine.
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "deminer/drivers/device/device.hpp"
#include "deminer/drivers/runtime/configured_processor.hpp"
#include "deminer/drivers/runtime/runtime.hpp"
#include "deminer/dsp/core/detection.hpp"
#include "deminer/dsp/pipeline/gpr_pipeline.hpp"

namespace deminer::handheld {

// ---- Command line: handheld --config tuned.json [--wav alarms.wav] [--json] URI ---------------

struct Options {
  std::string config_path;  // --config: the pipeline configuration tuned on the workstation
  std::string wav_path;     // --wav: write alarm tones there (empty: no audio)
  bool json = false;        // --json: one JSON object per detection
  std::string uri;          // the device
};

enum class Parsed : std::uint8_t { run, help, bad };

struct ParseResult {
  Parsed what = Parsed::bad;
  Options options;
  std::string error;  // what is wrong, when what == bad
};

// By hand (the firmware has no argument library). Accepts "--opt value" and "--opt=value".
[[nodiscard]] ParseResult parse_arguments(int argc, const char* const* argv);
[[nodiscard]] std::string usage(std::string_view program);

// ---- Start-up ----------------------------------------------------------------------------------

// The configuration tuned on the workstation, as read at start-up: a GPR pipeline's JSON or a
// dual-sensor head's tuned.json (drivers/runtime/configured_processor.hpp).
struct TunedConfig {
  std::string text;
  std::string source;   // the file, for error messages
  std::string summary;  // what it runs, one line
};

// Reads the file and checks it (every block's configuration), so that a typo is reported even
// when no sensor head is plugged in. Throws IoError naming the file when it cannot be read,
// ConfigError naming the file and the JSON path ("stages[1].low_hz") otherwise.
[[nodiscard]] TunedConfig load_tuned_config(const std::filesystem::path& path);

// The processor for this device, as `deminer run` builds it: the device's trace length from its
// description when it gives one (a recording, a head that describes itself at open).
[[nodiscard]] drivers::ConfiguredProcessor processor_for_device(const TunedConfig& config,
                                                                const drivers::Device& device);

// Slots sized to the processor's inputs (longer ones are refused and counted); overflow policy
// `wait` for a recording (file://: nothing may be lost, nobody is waiting for it) and
// `drop_newest` for a live head (the reader must never stall behind a slow DSP).
[[nodiscard]] drivers::RuntimeConfig runtime_config_for(
    const drivers::Device& device, const drivers::ConfiguredProcessor& processor);

// ---- Alarms -> sound ---------------------------------------------------------------------------

// One beep. The operator hears the strength of a target as pitch.
struct ToneEvent {
  double pitch_hz = 1000.0;  // (0, sample rate / 2)
  double duration_s = 0.15;  // > 0
  double level = 0.5;        // peak amplitude, [0, 1] of full scale
};

// Score -> pitch on a log scale (CFAR scores span decades): min_score and below sound low_hz,
// max_score and above high_hz. A dual-sensor head's alarm (sensor fused) sounds by what the
// classifier calls it: a mine from low_hz (unsure) to high_hz (sure), clutter at low_hz.
struct ToneMap {
  double min_score = 10.0;  // the default CFAR threshold
  double max_score = 10000.0;
  double low_hz = 400.0;
  double high_hz = 2400.0;
  double duration_s = 0.15;
  double level = 0.5;
};

[[nodiscard]] ToneEvent tone_for(const dsp::Detection& detection, const ToneMap& map = {}) noexcept;

// Where tones go: a buzzer, a PWM pin, an ALSA device — or, here, a file.
class AudioSink {
 public:
  virtual ~AudioSink() = default;
  virtual void tone(const ToneEvent& event) = 0;
};

// 16-bit mono PCM WAV (RIFF). Each tone is a sine with 5 ms raised-cosine edges (no clicks),
// followed by gap_s of silence. The header's sizes are brought up to date after every tone, so
// the file is valid even if the unit loses power.
class WavSink final : public AudioSink {
 public:
  // Creates (truncates) the file. Throws IoError naming it; std::invalid_argument for a sample
  // rate outside [8000, 192000] or a negative gap.
  explicit WavSink(std::filesystem::path path, std::uint32_t sample_rate_hz = 16000,
                   double gap_s = 0.05);
  ~WavSink() override;
  WavSink(const WavSink&) = delete;
  WavSink& operator=(const WavSink&) = delete;

  // Throws IoError when writing fails; std::invalid_argument for a pitch outside
  // (0, sample_rate/2), a duration outside (0, 60] s or a level outside [0, 1].
  void tone(const ToneEvent& event) override;
  // Closes the file (the destructor does too, silently). Throws IoError if that fails.
  void close();

  [[nodiscard]] std::uint32_t sample_rate_hz() const noexcept { return sample_rate_hz_; }
  [[nodiscard]] std::uint64_t samples_written() const noexcept { return samples_; }
  // Samples one tone of this duration takes (without the gap).
  [[nodiscard]] std::size_t tone_samples(double duration_s) const noexcept;

 private:
  void write(const void* data, std::size_t bytes);
  void write_header();

  std::filesystem::path path_;
  std::FILE* file_ = nullptr;
  std::uint32_t sample_rate_hz_;
  double gap_s_;
  std::uint64_t samples_ = 0;
  std::vector<std::int16_t> buffer_;
  std::vector<unsigned char> bytes_;
};

// ---- What is printed ---------------------------------------------------------------------------

// "detection  position    0.354 m  depth  0.051 m  time   1.193 ns  score  8458.0  trace 35 ...";
// for a dual-sensor head's alarm "alarm  x 0.160 m  y 0.774 m  mine  confidence 0.93 ...".
[[nodiscard]] std::string detection_text(const drivers::RuntimeOutput& output);
// One line of JSON with the fields and names `deminer replay --json` gives a detection:
// position_m, depth_m, time_s, score, sequence, channel, and fit {...} and features {...} when
// the detector filled them; for a dual-sensor head's alarm position_m, advance_m, depth_m (null
// when only the metal detector saw it), class, confidence, score.
[[nodiscard]] std::string detection_json(const dsp::Detection& detection);
// The runtime's and the device's counters and the latency quantiles, a few lines.
[[nodiscard]] std::string counters_text(const drivers::Runtime& runtime);

}  // namespace deminer::handheld
