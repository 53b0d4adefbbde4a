#include "handheld_app.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <numbers>
#include <sstream>
#include <stdexcept>
#include <utility>

#include "deminer/drivers/device/device_uri.hpp"
#include "deminer/dsp/core/error.hpp"
#include "deminer/dsp/detect/features.hpp"

namespace deminer::handheld {

// ---- Command line ------------------------------------------------------------------------------

ParseResult parse_arguments(int argc, const char* const* argv) {
  ParseResult result;
  Options& o = result.options;
  const auto bad = [&](std::string why) {
    result.what = Parsed::bad;
    result.error = std::move(why);
    return result;
  };
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      result.what = Parsed::help;
      return result;
    }
    if (arg == "--json") {
      o.json = true;
      continue;
    }
    // --config FILE, --config=FILE, and the same for --wav.
    bool matched = false;
    for (auto [name, target] : {std::pair{std::string_view("--config"), &o.config_path},
                                std::pair{std::string_view("--wav"), &o.wav_path}}) {
      if (arg == name) {
        if (i + 1 >= argc) return bad(std::string(name) + " needs a file name");
        *target = argv[++i];
        matched = true;
      } else if (arg.starts_with(name) && arg.size() > name.size() && arg[name.size()] == '=') {
        *target = std::string(arg.substr(name.size() + 1));
        matched = true;
      }
      if (matched && target->empty()) return bad(std::string(name) + " needs a file name");
      if (matched) break;
    }
    if (matched) continue;
    if (arg.starts_with("-")) return bad("unknown option '" + std::string(arg) + "'");
    if (!o.uri.empty()) {
      return bad("one device URI only ('" + o.uri + "', then '" + std::string(arg) + "')");
    }
    o.uri = std::string(arg);
  }
  if (o.config_path.empty()) return bad("--config is required");
  if (o.uri.empty()) return bad("a device URI is required");
  result.what = Parsed::run;
  return result;
}

std::string usage(std::string_view program) {
  return "usage: " + std::string(program) +
         " --config tuned.json [--wav alarms.wav] [--json] URI\n"
         "\n"
         "The main loop of a handheld GPR unit: reads traces from the device, runs the tuned\n"
         "pipeline on a DSP thread, prints one line per detection and sounds it (pitch from\n"
         "the score), until the end of the stream or SIGINT/SIGTERM; then prints the counters.\n"
         "\n"
         "  --config FILE  pipeline configuration, JSON (deminer replay REC --print-config)\n"
         "  --wav FILE     write the alarm tones to FILE (16-bit mono PCM WAV)\n"
         "  --json         one JSON object per detection, fields as deminer replay --json\n"
         "  URI            the device, one of:\n" +
         drivers::device_uri_forms() +
         "\n\n"
         "Exit status: 0 done, 1 configuration or device error, 2 bad arguments.\n";
}

// ---- Start-up ----------------------------------------------------------------------------------

TunedConfig load_tuned_config(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw IoError(path.string() + ": cannot open the configuration: " + std::strerror(errno));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw IoError(path.string() + ": reading the configuration failed");
  TunedConfig config{text.str(), path.string(), ""};
  config.summary = drivers::configured_processor(config.text, config.source, 0).summary;
  return config;
}

drivers::ConfiguredProcessor processor_for_device(const TunedConfig& config,
                                                  const drivers::Device& device) {
  return drivers::configured_processor(config.text, config.source,
                                       drivers::described_samples_per_trace(device));
}

drivers::RuntimeConfig runtime_config_for(const drivers::Device& device,
                                          const drivers::ConfiguredProcessor& processor) {
  drivers::RuntimeConfig runtime;
  runtime.max_samples_per_trace = processor.max_samples_per_input;
  const bool recording = drivers::parse_device_uri(device.uri()).scheme == "file";
  runtime.overflow =
      recording ? drivers::OverflowPolicy::wait : drivers::OverflowPolicy::drop_newest;
  return runtime;
}

// ---- Alarms -> sound ---------------------------------------------------------------------------

ToneEvent tone_for(const dsp::Detection& detection, const ToneMap& map) noexcept {
  const double score = detection.score;
  double fraction = 0.0;
  if (detection.sensor == dsp::Sensor::fused) {
    if (detection.object_class == dsp::ObjectClass::mine) {
      fraction = std::clamp(static_cast<double>(detection.confidence), 0.0, 1.0);
    }
  } else if (score > map.min_score && map.max_score > map.min_score) {  // also false for NaN
    fraction =
        std::min(1.0, std::log(score / map.min_score) / std::log(map.max_score / map.min_score));
  }
  // Equal steps of score ratio are equal musical intervals: pitch is interpolated on a log scale.
  ToneEvent event;
  event.pitch_hz = map.low_hz * std::pow(map.high_hz / map.low_hz, fraction);
  event.duration_s = map.duration_s;
  event.level = map.level;
  return event;
}

namespace {

constexpr std::size_t kWavHeaderSize = 44;
constexpr double kEdgeS = 0.005;

void put_u16(unsigned char* p, std::uint32_t v) noexcept {
  p[0] = static_cast<unsigned char>(v & 0xFF);
  p[1] = static_cast<unsigned char>((v >> 8) & 0xFF);
}
void put_u32(unsigned char* p, std::uint32_t v) noexcept {
  put_u16(p, v & 0xFFFF);
  put_u16(p + 2, v >> 16);
}

}  // namespace

WavSink::WavSink(std::filesystem::path path, std::uint32_t sample_rate_hz, double gap_s)
    : path_(std::move(path)), sample_rate_hz_(sample_rate_hz), gap_s_(gap_s) {
  if (sample_rate_hz < 8000 || sample_rate_hz > 192000) {
    throw std::invalid_argument("WavSink: sample_rate_hz = " + std::to_string(sample_rate_hz) +
                                ", valid [8000, 192000]");
  }
  if (!(gap_s >= 0.0 && gap_s <= 60.0)) {
    throw std::invalid_argument("WavSink: gap_s = " + std::to_string(gap_s) + ", valid [0, 60]");
  }
  file_ = std::fopen(path_.string().c_str(), "wb");
  if (file_ == nullptr) {
    throw IoError(path_.string() + ": cannot create the WAV file: " + std::strerror(errno));
  }
  write_header();
}

WavSink::~WavSink() {
  if (file_ != nullptr) std::fclose(file_);
}

std::size_t WavSink::tone_samples(double duration_s) const noexcept {
  return static_cast<std::size_t>(std::llround(duration_s * sample_rate_hz_));
}

void WavSink::write(const void* data, std::size_t bytes) {
  if (file_ == nullptr) throw IoError(path_.string() + ": write after close");
  if (std::fwrite(data, 1, bytes, file_) != bytes) {
    throw IoError(path_.string() + ": writing the WAV file failed: " + std::strerror(errno));
  }
}

// RIFF header for 16-bit mono PCM; little-endian whatever the host, byte by byte.
void WavSink::write_header() {
  const auto data_bytes = static_cast<std::uint32_t>(samples_ * 2);
  unsigned char h[kWavHeaderSize];
  std::memcpy(h, "RIFF", 4);
  put_u32(h + 4, 36 + data_bytes);  // bytes after this field
  std::memcpy(h + 8, "WAVEfmt ", 8);
  put_u32(h + 16, 16);  // fmt chunk size
  put_u16(h + 20, 1);   // PCM
  put_u16(h + 22, 1);   // mono
  put_u32(h + 24, sample_rate_hz_);
  put_u32(h + 28, sample_rate_hz_ * 2);  // bytes per second
  put_u16(h + 32, 2);                    // bytes per sample frame
  put_u16(h + 34, 16);                   // bits per sample
  std::memcpy(h + 36, "data", 4);
  put_u32(h + 40, data_bytes);
  write(h, sizeof h);
}

void WavSink::tone(const ToneEvent& event) {
  const double nyquist = sample_rate_hz_ / 2.0;
  if (!(event.pitch_hz > 0.0 && event.pitch_hz < nyquist) ||
      !(event.duration_s > 0.0 && event.duration_s <= 60.0) ||
      !(event.level >= 0.0 && event.level <= 1.0)) {
    throw std::invalid_argument("WavSink::tone: pitch " + std::to_string(event.pitch_hz) +
                                " Hz (valid (0, " + std::to_string(nyquist) + ")), duration " +
                                std::to_string(event.duration_s) + " s (valid (0, 60]), level " +
                                std::to_string(event.level) + " (valid [0, 1])");
  }
  const std::size_t n = tone_samples(event.duration_s);
  const std::size_t gap = tone_samples(gap_s_);
  const std::size_t edge = std::min(tone_samples(kEdgeS), n / 2);
  buffer_.assign(n + gap, 0);
  const double step = 2.0 * std::numbers::pi * event.pitch_hz / sample_rate_hz_;
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t from_edge = std::min(i, n - 1 - i);
    const double window =
        from_edge < edge ? 0.5 * (1.0 - std::cos(std::numbers::pi * static_cast<double>(from_edge) /
                                                 static_cast<double>(edge)))
                         : 1.0;
    buffer_[i] = static_cast<std::int16_t>(
        std::lround(32767.0 * event.level * window * std::sin(step * static_cast<double>(i))));
  }
  bytes_.resize(2 * buffer_.size());
  for (std::size_t i = 0; i < buffer_.size(); ++i) {
    put_u16(&bytes_[2 * i], static_cast<std::uint16_t>(buffer_[i]));
  }
  write(bytes_.data(), bytes_.size());
  samples_ += buffer_.size();
  // Keep the header's sizes current, so a unit that loses power leaves a playable file.
  if (std::fseek(file_, 0, SEEK_SET) != 0) throw IoError(path_.string() + ": cannot seek");
  write_header();
  if (std::fseek(file_, 0, SEEK_END) != 0 || std::fflush(file_) != 0) {
    throw IoError(path_.string() + ": writing the WAV file failed: " + std::strerror(errno));
  }
}

void WavSink::close() {
  if (file_ == nullptr) return;
  std::FILE* file = std::exchange(file_, nullptr);
  if (std::fclose(file) != 0) {
    throw IoError(path_.string() + ": closing the WAV file failed: " + std::strerror(errno));
  }
}

// ---- What is printed ---------------------------------------------------------------------------

namespace {

double ms(std::int64_t ns) { return static_cast<double>(ns) / 1e6; }

// JSON has no NaN or infinity: they are written as null, as nlohmann-json does.
std::string number(double v) {
  if (!std::isfinite(v)) return "null";
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", v);
  return text;
}
std::string number(float v) {
  if (!std::isfinite(v)) return "null";
  char text[32];
  std::snprintf(text, sizeof text, "%.9g", static_cast<double>(v));
  return text;
}

}  // namespace

std::string detection_text(const drivers::RuntimeOutput& output) {
  const dsp::Detection& d = output.detection;
  char line[256];
  if (d.sensor == dsp::Sensor::fused) {
    std::snprintf(line, sizeof line,
                  "alarm  x %7.3f m  y %8.3f m  %-16s confidence %.2f  score %.4g  latency %.3f ms",
                  d.position_m, d.advance_m, std::string(dsp::to_string(d.object_class)).c_str(),
                  static_cast<double>(d.confidence), static_cast<double>(d.score),
                  ms(output.output_ns - output.received_ns));
    return line;
  }
  std::snprintf(line, sizeof line,
                "detection  position %8.3f m  depth %6.3f m  time %7.3f ns  score %8.1f  "
                "trace %llu  latency %.3f ms",
                d.position_m, d.depth_m, d.time_s * 1e9, static_cast<double>(d.score),
                static_cast<unsigned long long>(d.sequence),
                ms(output.output_ns - output.received_ns));
  return line;
}

std::string detection_json(const dsp::Detection& d) {
  if (d.sensor == dsp::Sensor::fused) {
    return "{\"position_m\":" + number(d.position_m) + ",\"advance_m\":" + number(d.advance_m) +
           ",\"depth_m\":" + number(d.depth_m) + ",\"class\":\"" +
           std::string(dsp::to_string(d.object_class)) +
           "\",\"confidence\":" + number(d.confidence) + ",\"score\":" + number(d.score) + "}";
  }
  std::string json =
      "{\"position_m\":" + number(d.position_m) + ",\"depth_m\":" + number(d.depth_m) +
      ",\"time_s\":" + number(d.time_s) + ",\"score\":" + number(d.score) +
      ",\"sequence\":" + std::to_string(d.sequence) + ",\"channel\":" + std::to_string(d.channel);
  if (d.relative_permittivity > 0.0f) {
    json += ",\"fit\":{\"relative_permittivity\":" + number(d.relative_permittivity) +
            ",\"permittivity_sigma\":" + number(d.permittivity_sigma) +
            ",\"position_sigma_m\":" + number(d.position_sigma_m) +
            ",\"depth_sigma_m\":" + number(d.depth_sigma_m) + "}";
  }
  const std::size_t features = std::min<std::size_t>(d.feature_count, dsp::feature_count);
  for (std::size_t f = 0; f < features; ++f) {
    json += f == 0 ? ",\"features\":{" : ",";
    json += "\"" + std::string(dsp::feature_name(static_cast<dsp::Feature>(f))) +
            "\":" + number(d.feature_values[f]);
  }
  if (features > 0) json += "}";
  return json + "}";
}

std::string counters_text(const drivers::Runtime& runtime) {
  const drivers::RuntimeCounters c = runtime.counters();
  const drivers::DeviceCounters& d = c.device;
  const drivers::LatencyHistogram& latency = runtime.latency();
  const auto u = [](std::uint64_t v) { return static_cast<unsigned long long>(v); };
  // The histogram answers with its bucket's upper edge (~4 % wide): never above the true max.
  const auto quantile_ms = [&](double q) {
    return ms(std::min(latency.quantile(q), latency.max()));
  };
  char text[1024];
  std::snprintf(
      text, sizeof text,
      "device   frames %llu  bytes %llu  crc_errors %llu  header_errors %llu  bytes_skipped %llu"
      "  bytes_truncated %llu  sequence_gaps %llu (frames_lost %llu)  restarts %llu"
      "  timeouts %llu  transport_overflows %llu  disconnects %llu  reconnects %llu\n"
      "runtime  traces %llu  vlf_blocks %llu  other_frames %llu  bad_payloads %llu  "
      "corruption_events %llu"
      "  overflows %llu  overflow_waits %llu  detections %llu  suppressed %llu  dropped %llu"
      "  ended %s\n"
      "latency  p50 %.3f ms  p99 %.3f ms  max %.3f ms (device arrival -> pipeline done)\n",
      u(d.frames), u(d.bytes_received), u(d.crc_errors), u(d.header_errors), u(d.bytes_skipped),
      u(d.bytes_truncated), u(d.sequence_gaps), u(d.frames_lost), u(d.sequence_restarts),
      u(d.timeouts), u(d.overflows), u(d.disconnects), u(d.reconnects), u(c.traces_processed),
      u(c.blocks_processed), u(c.other_frames), u(c.bad_payloads), u(c.corruption_events),
      u(c.overflows), u(c.overflow_waits), u(c.detections), u(c.detections_suppressed),
      u(c.detections_dropped), c.ended ? "yes" : "no", quantile_ms(0.5), quantile_ms(0.99),
      ms(latency.max()));
  return text;
}

}  // namespace deminer::handheld
