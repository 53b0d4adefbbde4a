// The handheld example's reusable part (examples/handheld/handheld_app.hpp), driven the way
// main.cpp drives it: a recording of several thousand synthetic traces through file://, the
// runtime and the tuned pipeline, with a probe on the DSP thread that counts its heap
// allocations and its locks after start-up; the WAV sink read back and measured; configuration
// and argument errors.
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <limits>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <numbers>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "allocation_counter.hpp"
#include "deminer/drivers/device/device_uri.hpp"
#include "deminer/drivers/link/recording.hpp"
#include "deminer/drivers/runtime/gpr_processor.hpp"
#include "deminer/drivers/runtime/runtime.hpp"
#include "deminer/dsp/core/error.hpp"
#include "deminer/dsp/pipeline/gpr_pipeline_json.hpp"
#include "handheld_app.hpp"
#include "lock_counter.hpp"
#include "scratch_dir.hpp"

namespace {

namespace dsp = deminer::dsp;
namespace drivers = deminer::drivers;
namespace handheld = deminer::handheld;
using namespace std::chrono_literals;

// ---- A survey: flat ground with point targets, as the default 1.5 GHz pipeline expects ---------

constexpr std::size_t kSamples = 512;
constexpr double kDt = 5e-11;                             // 0.05 ns
constexpr double kTimeZero = -2e-9;                       // sample 40 is the transmit instant
constexpr double kSpacing = 0.01;                         // m between traces
constexpr double kTargetEvery = 0.8;                      // m
const double kVelocity = 0.299792458e9 / std::sqrt(6.0);  // m/s in soil of εr 6 (the default)

double ricker(double t, double f) {
  const double a = std::numbers::pi * f * t;
  return (1.0 - 2.0 * a * a) * std::exp(-a * a);
}

// Trace i: the direct wave at transmit plus, near each target (every 0.8 m, depths 5 to 20 cm),
// its hyperbolic echo; a little noise. Times from the straight-ray model of a point target.
dsp::Trace survey_trace(std::size_t i, std::mt19937& rng) {
  std::normal_distribution<float> noise(0.0f, 0.003f);
  dsp::Trace trace;
  trace.header.dt_s = kDt;
  trace.header.time_zero_s = kTimeZero;
  trace.header.position_m = kSpacing * static_cast<double>(i);
  trace.header.timestamp_ns = 1'000'000 * static_cast<std::int64_t>(i);
  trace.header.sequence = i;
  const double x = trace.header.position_m;
  const double target_x = (std::floor(x / kTargetEvery) + 0.5) * kTargetEvery;
  const auto target_index = static_cast<int>(std::floor(x / kTargetEvery));
  const double depth = 0.05 + 0.05 * (target_index % 4);
  const double offset = x - target_x;
  const double air_s = 2.0 * 0.05 / 0.299792458e9;
  const double echo_s = air_s + 2.0 * std::sqrt(depth * depth + offset * offset) / kVelocity;
  const double echo_amplitude = 0.4 / (1.0 + offset * offset / 0.02);
  trace.samples.resize(kSamples);
  for (std::size_t k = 0; k < kSamples; ++k) {
    const double t = kTimeZero + kDt * static_cast<double>(k);
    double v = ricker(t, 1.5e9);
    if (std::abs(offset) < 0.3) v += echo_amplitude * ricker(t - echo_s, 1.5e9);
    trace.samples[k] = static_cast<float>(v) + noise(rng);
  }
  return trace;
}

drivers::link::DeviceDescription survey_head() {
  drivers::link::DeviceDescription d;
  d.name = "synthetic survey";
  d.model = "test";
  d.nominal_dt_s = kDt;
  d.centre_frequency_hz = 1.5e9;
  d.samples_per_trace = kSamples;
  return d;
}

// ---- A probe between the runtime and the pipeline, on the DSP thread ----------------------------

// Starts counting the DSP thread's allocations and locks once `start_after` traces have passed
// (start-up: the first traces may warm caches), stops at the end-of-stream flush. Everything the
// DSP thread does in between is counted: the pipeline, the runtime's queues, its wait on the
// futex, the detections it queues. `misbehave` makes each trace allocate and lock, to show that
// the counters see it.
class DspThreadProbe final : public drivers::TraceProcessor {
 public:
  DspThreadProbe(drivers::TraceProcessor& inner, std::uint64_t start_after, bool misbehave = false)
      : inner_(inner), start_after_(start_after), misbehave_(misbehave) {}

  std::size_t process(const dsp::TraceView& trace,
                      std::span<dsp::Detection> out) noexcept override {
    if (++seen_ == start_after_) {
      allocations_.emplace();
      locks_.emplace();
    }
    if (misbehave_) {
      std::lock_guard lock(mutex_);
      scratch_ = std::make_unique<std::vector<float>>(16);  // observable: not optimised away
    }
    if (allocations_) ++measured_;
    return inner_.process(trace, out);
  }

  std::size_t flush(std::span<dsp::Detection> out) noexcept override {
    const std::size_t n = inner_.flush(out);
    if (allocations_) {
      allocation_count.store(static_cast<long>(allocations_->count()));
      lock_count.store(static_cast<long>(locks_->count()));
      measured_traces.store(static_cast<long>(measured_));
      allocations_.reset();
      locks_.reset();
    }
    return n;
  }

  // -1 until the end-of-stream flush has published them.
  std::atomic<long> allocation_count{-1}, lock_count{-1}, measured_traces{-1};

 private:
  drivers::TraceProcessor& inner_;
  std::uint64_t start_after_;
  bool misbehave_;
  std::uint64_t seen_ = 0;
  std::uint64_t measured_ = 0;
  std::optional<deminer::test::AllocationCounter> allocations_;
  std::optional<deminer::test::LockCounter> locks_;
  std::mutex mutex_;
  std::unique_ptr<std::vector<float>> scratch_;
};

class HandheldDspThread : public ::testing::Test {
 protected:
  static constexpr std::size_t kTraces = 4000;  // 40 m, 50 targets
  static constexpr std::uint64_t kStartUp = 100;

  void SetUp() override {
    std::mt19937 rng(7);
    drivers::link::RecordingWriter writer(recording_, survey_head());
    for (std::size_t i = 0; i < kTraces; ++i) writer.write_trace(survey_trace(i, rng).view());
    writer.close();
    std::ofstream(config_path_) << dsp::to_json(dsp::GprPipeline::default_config());
  }

  struct Result {
    std::vector<drivers::RuntimeOutput> detections;
    drivers::RuntimeCounters counters;
  };

  // main.cpp's start-up and loop, with the probe in front of the pipeline.
  Result run(bool misbehave) {
    auto device = drivers::open_device("file://" + recording_.string() + "?rate=max");
    const auto processor =
        handheld::processor_for_device(handheld::load_tuned_config(config_path_), *device);
    probe_.emplace(*processor.processor, kStartUp, misbehave);
    const auto runtime_config = handheld::runtime_config_for(*device, processor);
    EXPECT_EQ(runtime_config.overflow, drivers::OverflowPolicy::wait);
    drivers::Runtime runtime(std::move(device), *probe_, runtime_config);
    runtime.start();
    Result result;
    std::array<drivers::RuntimeOutput, 32> batch{};
    const auto deadline = std::chrono::steady_clock::now() + 120s;
    while (!runtime.finished() && std::chrono::steady_clock::now() < deadline) {
      while (const std::size_t n = runtime.pop_detections(batch)) {
        result.detections.insert(result.detections.end(), batch.begin(), batch.begin() + n);
      }
      std::this_thread::sleep_for(5ms);
    }
    EXPECT_TRUE(runtime.finished()) << "the recording did not end within 120 s";
    runtime.stop();
    while (const std::size_t n = runtime.pop_detections(batch)) {
      result.detections.insert(result.detections.end(), batch.begin(), batch.begin() + n);
    }
    result.counters = runtime.counters();
    return result;
  }

  deminer::test::ScratchDir dir_;
  std::filesystem::path recording_ = dir_ / "survey.dmr";
  std::filesystem::path config_path_ = dir_ / "tuned.json";
  std::optional<DspThreadProbe> probe_;
};

TEST_F(HandheldDspThread, AllocatesNothingAndTakesNoLockAfterStartUp) {
  const Result result = run(false);
  EXPECT_EQ(result.counters.traces_processed, kTraces);
  EXPECT_EQ(result.counters.overflows, 0u);
  EXPECT_EQ(result.counters.detections_dropped, 0u);
  EXPECT_EQ(probe_->measured_traces.load(), static_cast<long>(kTraces - kStartUp + 1))
      << "-1: the end-of-stream flush never ran";
  // The hot path under test must have done its real work: detections were queued while counting.
  EXPECT_GE(result.detections.size(), 40u);

  // Stream equals batch: the same pipeline over the same traces in one thread finds the same.
  {
    std::mt19937 rng(7);
    dsp::GprPipeline batch(dsp::GprPipeline::default_config());
    std::vector<dsp::Detection> expected;
    std::array<dsp::Detection, 8> found{};
    for (std::size_t i = 0; i < kTraces; ++i) {
      const auto n = batch.process(survey_trace(i, rng).view(), found);
      expected.insert(expected.end(), found.begin(), found.begin() + n);
    }
    const auto n = batch.flush(found);
    expected.insert(expected.end(), found.begin(), found.begin() + n);
    ASSERT_EQ(result.detections.size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
      EXPECT_EQ(result.detections[i].detection.position_m, expected[i].position_m);
      EXPECT_EQ(result.detections[i].detection.score, expected[i].score);
    }
  }

  std::printf(
      "DSP thread over %ld traces after start-up, %zu detections: %ld allocations, %ld "
      "locks\n",
      probe_->measured_traces.load(), result.detections.size(), probe_->allocation_count.load(),
      probe_->lock_count.load());
  EXPECT_EQ(probe_->allocation_count.load(), 0) << "heap allocations on the DSP thread";
  EXPECT_EQ(probe_->lock_count.load(), 0) << "locks taken on the DSP thread";
}

TEST_F(HandheldDspThread, TheProbeSeesAnAllocationAndALockPerTraceWhenThereAreSome) {
  run(true);
  const long measured = probe_->measured_traces.load();
  std::printf("misbehaving probe over %ld traces: %ld allocations, %ld locks\n", measured,
              probe_->allocation_count.load(), probe_->lock_count.load());
  ASSERT_EQ(measured, static_cast<long>(kTraces - kStartUp + 1));
  EXPECT_GE(probe_->allocation_count.load(), measured);
  EXPECT_GE(probe_->lock_count.load(), measured);
}

// ---- The lock counter itself
// ---------------------------------------------------------------------

TEST(HandheldLockCounter, CountsAStdMutexOnThisThreadOnly) {
  std::mutex mutex;
  deminer::test::LockCounter counter;
  EXPECT_EQ(counter.count(), 0u);
  { std::lock_guard lock(mutex); }
  EXPECT_EQ(counter.count(), 1u);
  EXPECT_TRUE(mutex.try_lock());
  mutex.unlock();
  EXPECT_EQ(counter.count(), 2u);
  std::thread([&] { std::lock_guard lock(mutex); }).join();  // another thread: not ours
  EXPECT_EQ(counter.count(), 2u);
}

// ---- Tones and the WAV sink --------------------------------------------------------------------

struct Wav {
  std::uint32_t sample_rate = 0;
  std::vector<std::int16_t> samples;
};

std::uint32_t le(const std::vector<unsigned char>& b, std::size_t at, int bytes) {
  std::uint32_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | b[at + static_cast<std::size_t>(i)];
  return v;
}

// A 16-bit mono PCM WAV, every header field checked against the RIFF layout.
Wav read_wav(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  const std::vector<unsigned char> b((std::istreambuf_iterator<char>(in)),
                                     std::istreambuf_iterator<char>());
  Wav wav;
  EXPECT_GE(b.size(), 44u);
  if (b.size() < 44) return wav;
  EXPECT_EQ(std::string(b.begin(), b.begin() + 4), "RIFF");
  EXPECT_EQ(le(b, 4, 4), b.size() - 8);
  EXPECT_EQ(std::string(b.begin() + 8, b.begin() + 16), "WAVEfmt ");
  EXPECT_EQ(le(b, 16, 4), 16u);  // PCM fmt chunk
  EXPECT_EQ(le(b, 20, 2), 1u);   // PCM
  EXPECT_EQ(le(b, 22, 2), 1u);   // mono
  wav.sample_rate = le(b, 24, 4);
  EXPECT_EQ(le(b, 28, 4), wav.sample_rate * 2);
  EXPECT_EQ(le(b, 32, 2), 2u);
  EXPECT_EQ(le(b, 34, 2), 16u);
  EXPECT_EQ(std::string(b.begin() + 36, b.begin() + 40), "data");
  EXPECT_EQ(le(b, 40, 4), b.size() - 44);
  for (std::size_t i = 44; i + 1 < b.size(); i += 2) {
    wav.samples.push_back(static_cast<std::int16_t>(le(b, i, 2)));
  }
  return wav;
}

// Frequency from sign changes: a sine of f Hz changes sign 2f times a second.
double zero_crossing_hz(const std::vector<std::int16_t>& s, std::size_t begin, std::size_t end,
                        double sample_rate) {
  std::size_t changes = 0;
  int last = 0;
  for (std::size_t i = begin; i < end; ++i) {
    const int sign = (s[i] > 0) - (s[i] < 0);
    if (sign != 0 && last != 0 && sign != last) ++changes;
    if (sign != 0) last = sign;
  }
  return static_cast<double>(changes) / 2.0 / (static_cast<double>(end - begin) / sample_rate);
}

TEST(HandheldWavSink, WritesTonesOfThePitchLengthAndLevelAsked) {
  deminer::test::ScratchDir dir;
  const auto path = dir / "alarms.wav";
  const std::vector<handheld::ToneEvent> tones = {
      {1000.0, 0.2, 0.5}, {2400.0, 0.1, 1.0}, {433.0, 0.3, 0.25}};
  const double gap_s = 0.1;
  {
    handheld::WavSink sink(path, 16000, gap_s);
    for (const auto& t : tones) sink.tone(t);
    sink.close();
  }
  const Wav wav = read_wav(path);
  ASSERT_EQ(wav.sample_rate, 16000u);
  const auto n = [&](double s) { return static_cast<std::size_t>(std::llround(s * 16000)); };
  std::size_t expected = 0;
  for (const auto& t : tones) expected += n(t.duration_s) + n(gap_s);
  ASSERT_EQ(wav.samples.size(), expected);

  std::size_t at = 0;
  for (const auto& t : tones) {
    const std::size_t length = n(t.duration_s);
    // Pitch within 1 % (a count of sign changes is exact to ±1 over hundreds).
    EXPECT_NEAR(zero_crossing_hz(wav.samples, at, at + length, 16000), t.pitch_hz,
                0.01 * t.pitch_hz);
    // Length: sound up to the end of the tone (its last edge sample may round to 0), then silence.
    std::size_t last_sound = at;
    int peak = 0;
    for (std::size_t i = at; i < at + length; ++i) {
      if (wav.samples[i] != 0) last_sound = i;
      peak = std::max(peak, std::abs(static_cast<int>(wav.samples[i])));
    }
    EXPECT_GE(last_sound + 3, at + length - 1) << "tone shorter than " << t.duration_s << " s";
    for (std::size_t i = at + length; i < at + length + n(gap_s); ++i) {
      ASSERT_EQ(wav.samples[i], 0) << "sound in the gap at sample " << i;
    }
    EXPECT_NEAR(peak, t.level * 32767, 0.01 * 32767);
    at += length + n(gap_s);
  }
}

TEST(HandheldWavSink, RefusesToneItCannotPlayAndFilesItCannotWrite) {
  deminer::test::ScratchDir dir;
  handheld::WavSink sink(dir / "a.wav");
  EXPECT_THROW(sink.tone({9000.0, 0.1, 0.5}), std::invalid_argument);  // above Nyquist
  EXPECT_THROW(sink.tone({1000.0, 0.0, 0.5}), std::invalid_argument);
  EXPECT_THROW(sink.tone({1000.0, 0.1, 1.5}), std::invalid_argument);
  try {
    handheld::WavSink bad(dir / "no-such-folder" / "a.wav");
    FAIL() << "created a file in a missing folder";
  } catch (const deminer::IoError& e) {
    EXPECT_NE(std::string(e.what()).find("no-such-folder/a.wav"), std::string::npos) << e.what();
  }
}

TEST(HandheldTones, PitchRisesWithTheScoreOnALogScaleAndIsClamped) {
  const handheld::ToneMap map;  // 10 -> 400 Hz, 10000 -> 2400 Hz
  const auto pitch = [&](float score) {
    dsp::Detection d;
    d.score = score;
    return handheld::tone_for(d, map).pitch_hz;
  };
  EXPECT_DOUBLE_EQ(pitch(10.0f), 400.0);
  EXPECT_DOUBLE_EQ(pitch(1.0f), 400.0);
  EXPECT_DOUBLE_EQ(pitch(std::nanf("")), 400.0);
  EXPECT_NEAR(pitch(10000.0f), 2400.0, 1e-9);
  EXPECT_NEAR(pitch(1e9f), 2400.0, 1e-9);
  // Score 100 is a third of the way up the decades: 400 · 6^(1/3).
  EXPECT_NEAR(pitch(100.0f), 400.0 * std::cbrt(6.0), 1e-6);
  EXPECT_LT(pitch(500.0f), pitch(600.0f));
  EXPECT_EQ(handheld::tone_for(dsp::Detection{}, map).duration_s, map.duration_s);
}

// ---- Output lines ------------------------------------------------------------------------------

TEST(HandheldOutput, JsonLineHasTheReplayFieldsAndParses) {
  dsp::Detection d;
  d.position_m = 1.25;
  d.depth_m = 0.18;
  d.time_s = 3.3e-9;
  d.score = 1485.5f;
  d.sequence = 125;
  d.relative_permittivity = 5.0f;
  d.permittivity_sigma = 0.25f;
  d.feature_count = 2;
  d.feature_values[0] = 1.5e9f;
  d.feature_values[1] = std::numeric_limits<float>::infinity();
  const auto j = nlohmann::json::parse(handheld::detection_json(d));
  EXPECT_EQ(j["position_m"].get<double>(), 1.25);
  EXPECT_EQ(j["depth_m"].get<double>(), 0.18);
  EXPECT_EQ(j["time_s"].get<double>(), 3.3e-9);
  EXPECT_EQ(j["score"].get<double>(), 1485.5);
  EXPECT_EQ(j["sequence"].get<int>(), 125);
  EXPECT_EQ(j["channel"].get<int>(), 0);
  EXPECT_EQ(j["fit"]["relative_permittivity"].get<double>(), 5.0);
  EXPECT_EQ(j["fit"]["permittivity_sigma"].get<double>(), 0.25);
  EXPECT_EQ(j["features"]["spectral_centroid_hz"].get<double>(), 1.5e9);
  EXPECT_TRUE(j["features"]["rms_bandwidth_hz"].is_null());  // JSON has no infinity
  EXPECT_EQ(j["features"].size(), 2u);

  dsp::Detection bare;
  const auto b = nlohmann::json::parse(handheld::detection_json(bare));
  EXPECT_FALSE(b.contains("fit"));
  EXPECT_FALSE(b.contains("features"));
}

// ---- Configuration and arguments ---------------------------------------------------------------

std::string config_error(const std::filesystem::path& path, const std::string& json) {
  std::ofstream(path) << json;
  try {
    (void)handheld::load_tuned_config(path);
  } catch (const deminer::Error& e) {
    return e.what();
  }
  return "";
}

void expect_contains(const std::string& text, const std::string& part) {
  EXPECT_NE(text.find(part), std::string::npos) << "'" << part << "' not in:\n" << text;
}

TEST(HandheldConfig, ErrorsNameTheFileAndTheJsonPath) {
  deminer::test::ScratchDir dir;
  const auto path = dir / "tuned.json";
  const std::string file = path.string() + ": ";
  expect_contains(config_error(path, R"({"stages": [{"type": "dewow", "windw": 3}]})"),
                  file + "stages[0].windw: unknown key");
  expect_contains(config_error(path, R"({"detector": {"type": "cfar", "threshold": "high"}})"),
                  file + "detector.threshold: expected a number");
  expect_contains(
      config_error(path, R"({"stages": [{"type": "dewow"}, {"type": "band_pass", "low_hz": -5}]})"),
      file + "stages[1] (band_pass)");
  expect_contains(config_error(path, R"({"stages": [)"), file + "not valid JSON at byte");
  // Missing file: an IoError naming it.
  try {
    (void)handheld::load_tuned_config(dir / "missing.json");
    FAIL() << "read a missing file";
  } catch (const deminer::IoError& e) {
    expect_contains(e.what(), (dir / "missing.json").string());
  }
  // And a good one reads back what was written.
  std::ofstream(path) << dsp::to_json(dsp::GprPipeline::default_config());
  EXPECT_EQ(handheld::load_tuned_config(path).summary, "GPR pipeline, 512 samples per trace");
}

handheld::ParseResult parse(std::vector<const char*> args) {
  args.insert(args.begin(), "handheld");
  return handheld::parse_arguments(static_cast<int>(args.size()), args.data());
}

TEST(HandheldArguments, ParsedByHandWithErrorsThatSayWhy) {
  auto ok = parse({"--config", "t.json", "--wav=a.wav", "--json", "file://x.dmr"});
  ASSERT_EQ(ok.what, handheld::Parsed::run) << ok.error;
  EXPECT_EQ(ok.options.config_path, "t.json");
  EXPECT_EQ(ok.options.wav_path, "a.wav");
  EXPECT_TRUE(ok.options.json);
  EXPECT_EQ(ok.options.uri, "file://x.dmr");

  EXPECT_EQ(parse({"--help"}).what, handheld::Parsed::help);
  EXPECT_EQ(parse({"--config", "t.json", "-h", "u://x"}).what, handheld::Parsed::help);
  const auto bad = [](std::vector<const char*> args, const std::string& why) {
    const auto r = parse(std::move(args));
    EXPECT_EQ(r.what, handheld::Parsed::bad);
    expect_contains(r.error, why);
  };
  bad({"file://x.dmr"}, "--config is required");
  bad({"--config", "t.json"}, "a device URI is required");
  bad({"--config"}, "--config needs a file name");
  bad({"--config=", "u://x"}, "--config needs a file name");
  bad({"--config", "t.json", "--wave", "a.wav", "u://x"}, "unknown option '--wave'");
  bad({"--config", "t.json", "u://x", "u://y"}, "one device URI only");
  const std::string text = handheld::usage("handheld");
  expect_contains(text, "usage: handheld --config tuned.json [--wav alarms.wav] [--json] URI");
  expect_contains(text, "file://PATH.dmr");
}

}  // namespace
