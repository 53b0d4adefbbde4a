// MALA RD3/RD7 + RAD (+ COR) reader (see the public header for the layout and the conventions).
#include "deminer/sim/formats/mala.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "deminer/drivers/byte_order.hpp"
#include "deminer/dsp/core/error.hpp"
#include "text_header.hpp"

namespace deminer::sim::formats {
namespace {

namespace fs = std::filesystem;
using detail::format_error;
using detail::iequals;
using detail::parse_number;
using detail::TextField;
using detail::TextHeader;
using drivers::load_le;

std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

bool starts_with_ci(std::string_view text, std::string_view prefix) noexcept {
  return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}

// MALA antenna names: "500MHz", "RTA 50 MHz", "1.2 GHz", "500_shielded_egrip". A number followed
// by MHz or GHz anywhere wins; otherwise a leading number is taken as MHz (MALA's naming).
std::optional<double> antenna_frequency_hz(std::string_view name) {
  std::optional<double> leading;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const auto c = static_cast<unsigned char>(name[i]);
    const bool starts = std::isdigit(c) != 0 &&
                        (i == 0 || (std::isalnum(static_cast<unsigned char>(name[i - 1])) == 0 &&
                                    name[i - 1] != '.'));
    if (!starts) continue;
    double value = 0.0;
    const auto [end, ec] = std::from_chars(name.data() + i, name.data() + name.size(), value);
    if (ec != std::errc() || !(value > 0.0)) continue;
    std::string_view rest = name.substr(static_cast<std::size_t>(end - name.data()));
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    if (starts_with_ci(rest, "ghz")) return value * 1e9;
    if (starts_with_ci(rest, "mhz")) return value * 1e6;
    if (i == 0) leading = value * 1e6;
    i = static_cast<std::size_t>(end - name.data());
  }
  return leading;
}

struct Cor {
  std::vector<GpsFix> fixes;
  std::vector<std::string> warnings;
};

// One fix per line: trace date time lat N|S lon E|W altitude M quality. Bad lines are skipped
// with a warning: the .COR is a companion, the radar data stay readable without it.
Cor read_cor(const fs::path& path, std::uint64_t traces_per_channel) {
  constexpr std::uint64_t kMaxBytes = 256ULL << 20;
  Cor cor;
  const std::string name = path.filename().string();
  std::error_code ec;
  const std::uint64_t size = fs::file_size(path, ec);
  if (ec || size > kMaxBytes) {
    cor.warnings.push_back(name + ": not read (" +
                           (ec ? ec.message() : std::to_string(size) + " bytes, over 256 MiB") +
                           ")");
    return cor;
  }
  std::ifstream in(path, std::ios::binary);
  std::string line;
  std::uint64_t offset = 0;
  std::size_t bad = 0;
  std::size_t beyond = 0;
  std::string first_bad;
  while (std::getline(in, line)) {
    const std::uint64_t line_offset = offset;
    offset += line.size() + 1;
    std::vector<std::string_view> tokens;
    std::string_view rest = line;
    while (true) {
      rest = detail::trim(rest);
      if (rest.empty()) break;
      std::size_t n = 0;
      while (n < rest.size() && std::isspace(static_cast<unsigned char>(rest[n])) == 0) ++n;
      tokens.push_back(rest.substr(0, n));
      rest.remove_prefix(n);
    }
    if (tokens.empty()) continue;
    const std::optional<double> trace = tokens.size() >= 8 ? parse_number(tokens[0]) : std::nullopt;
    const std::optional<double> lat = tokens.size() >= 8 ? parse_number(tokens[3]) : std::nullopt;
    const std::optional<double> lon = tokens.size() >= 8 ? parse_number(tokens[5]) : std::nullopt;
    const std::optional<double> alt = tokens.size() >= 8 ? parse_number(tokens[7]) : std::nullopt;
    const bool ok = trace && lat && lon && alt && *trace >= 1 && *trace <= 1e15 &&
                    *trace == std::floor(*trace) && *lat >= 0 && *lat <= 90 && *lon >= 0 &&
                    *lon <= 180 && (tokens[4] == "N" || tokens[4] == "S") &&
                    (tokens[6] == "E" || tokens[6] == "W");
    if (!ok) {
      if (bad++ == 0)
        first_bad = "byte " + std::to_string(line_offset) + ": " + detail::quote_text(line);
      continue;
    }
    GpsFix fix;
    fix.trace_index = static_cast<std::uint64_t>(*trace) - 1;
    fix.latitude_deg = tokens[4] == "S" ? -*lat : *lat;
    fix.longitude_deg = tokens[6] == "W" ? -*lon : *lon;
    fix.altitude_m = *alt;
    if (fix.trace_index >= traces_per_channel) ++beyond;
    cor.fixes.push_back(fix);
  }
  if (bad > 0) {
    cor.warnings.push_back(name + ": " + std::to_string(bad) +
                           " lines skipped, expected \"trace date time lat N|S lon E|W altitude "
                           "M quality\", first at " +
                           first_bad);
  }
  if (beyond > 0) {
    cor.warnings.push_back(name + ": " + std::to_string(beyond) + " fixes name traces beyond the " +
                           std::to_string(traces_per_channel) + " in the data (kept)");
  }
  return cor;
}

class MalaReader final : public TraceFileReader {
 public:
  MalaReader(FileInfo info, const fs::path& data, std::size_t bytes_per_sample,
             std::uint64_t traces, double time_interval_s, std::vector<std::string> warnings)
      : info_(std::move(info)),
        file_(data),
        bytes_per_sample_(bytes_per_sample),
        traces_(traces),
        time_interval_s_(time_interval_s),
        buffer_(info_.samples_per_trace * bytes_per_sample),
        warnings_(std::move(warnings)) {}

  const FileInfo& info() const noexcept override { return info_; }
  const std::vector<std::string>& warnings() const noexcept override { return warnings_; }

  bool next_trace(dsp::Trace& trace) override {
    if (done_) return end(trace);
    if (index_ == traces_) {
      report_tail();
      return end(trace);
    }
    if (file_.read(buffer_) < buffer_.size()) {
      // The file shrank since it was opened.
      warnings_.push_back(file_.path().filename().string() + ": file ends inside trace " +
                          std::to_string(index_) + "; " + std::to_string(index_) +
                          " complete traces read");
      return end(trace);
    }
    const std::uint64_t sequence = index_ / info_.channels;
    trace.header = {};
    trace.header.dt_s = info_.dt_s;
    trace.header.time_zero_s = info_.time_zero_s;
    trace.header.position_m = static_cast<double>(sequence) * info_.trace_spacing_m;
    const double timestamp_ns = static_cast<double>(sequence) * time_interval_s_ * 1e9;
    if (timestamp_ns < 9e18) trace.header.timestamp_ns = std::llround(timestamp_ns);
    trace.header.sequence = sequence;
    trace.header.channel = static_cast<std::uint16_t>(index_ % info_.channels);
    const std::size_t n = info_.samples_per_trace;
    trace.samples.resize(n);
    if (bytes_per_sample_ == 2) {
      for (std::size_t i = 0; i < n; ++i) trace.samples[i] = load_le<std::int16_t>(buffer_, 2 * i);
    } else {
      for (std::size_t i = 0; i < n; ++i) {
        trace.samples[i] = static_cast<float>(load_le<std::int32_t>(buffer_, 4 * i));
      }
    }
    ++index_;
    return true;
  }

 private:
  bool end(dsp::Trace& trace) {
    done_ = true;
    trace.samples.clear();
    return false;
  }

  // What lies after the last complete channel cycle: a partial trace, or traces of some channels.
  void report_tail() {
    const std::string name = file_.path().filename().string();
    const std::uint64_t trace_bytes = buffer_.size();
    const std::uint64_t complete = file_.size() / trace_bytes;
    const std::uint64_t partial = file_.size() % trace_bytes;
    if (partial > 0) {
      warnings_.push_back(name + ": file ends " + std::to_string(partial) + " bytes into trace " +
                          std::to_string(complete) + " (of " +
                          std::to_string(info_.samples_per_trace) + " samples × " +
                          std::to_string(bytes_per_sample_) + " bytes); " +
                          std::to_string(complete) + " complete traces read");
    }
    if (complete > traces_) {
      warnings_.push_back(name + ": the last " + std::to_string(complete - traces_) +
                          " traces do not complete a cycle of " + std::to_string(info_.channels) +
                          " channels and are skipped");
    }
  }

  FileInfo info_;
  detail::BinaryFile file_;
  std::size_t bytes_per_sample_;
  std::uint64_t traces_;  // all channels, whole cycles only
  double time_interval_s_;
  std::vector<std::byte> buffer_;
  std::vector<std::string> warnings_;
  std::uint64_t index_ = 0;
  bool done_ = false;
};

}  // namespace

bool looks_like_mala(std::span<const std::byte> first_bytes) noexcept {
  const std::string_view text(reinterpret_cast<const char*>(first_bytes.data()),
                              first_bytes.size());
  return text.starts_with("SAMPLES:") && text.find("\nFREQUENCY:") != std::string_view::npos;
}

std::unique_ptr<TraceFileReader> open_mala(const fs::path& path) {
  const std::string ext = path.extension().string();
  fs::path rad_path;
  fs::path data_path;
  if (iequals(ext, ".rad")) {
    rad_path = path;
    if (auto rd3 = detail::companion(path, ".RD3")) {
      data_path = *rd3;
    } else if (auto rd7 = detail::companion(path, ".RD7")) {
      data_path = *rd7;
    } else {
      throw IoError(path.string() + ": no .rd3 or .rd7 data file beside it");
    }
  } else if (iequals(ext, ".rd3") || iequals(ext, ".rd7")) {
    data_path = path;
    const auto rad = detail::companion(path, ".RAD");
    if (!rad) throw IoError(path.string() + ": no .rad header beside it");
    rad_path = *rad;
  } else {
    throw format_error(path, 0, "file name extension",
                       ".rd3, .rd7 or .rad (MALA data carry no "
                       "header to recognise)",
                       detail::quote_text(ext));
  }
  const bool rd7 = iequals(data_path.extension().string(), ".rd7");
  const std::size_t bytes_per_sample = rd7 ? 4 : 2;

  const TextHeader rad = TextHeader::read(rad_path, ':');
  FileInfo info;
  info.format = rd7 ? FileFormat::mala_rd7 : FileFormat::mala_rd3;
  info.path = data_path;
  info.sample_format = rd7 ? "int32" : "int16";
  info.samples_per_trace = static_cast<std::size_t>(rad.number("SAMPLES", 1, 1 << 20, true));
  if (const TextField* channels = rad.find("CHANNELS")) {
    info.channels = static_cast<std::size_t>(rad.number(*channels, 1, 64, true));
  }
  for (const TextField& f : rad.fields()) info.fields.emplace_back(f.key, f.value);

  const TextField* frequency = rad.find("FREQUENCY");
  const TextField* window = rad.find("TIMEWINDOW");
  const double samples = static_cast<double>(info.samples_per_trace);
  if (frequency != nullptr || window == nullptr) {
    const double mhz = rad.number("FREQUENCY", 1e-3, 1e6, false);
    info.dt_s = 1.0 / (mhz * 1e6);
    std::string why = "sample interval = 1 / FREQUENCY (" + number_text(mhz) +
                      " MHz sampling) = " + number_text(info.dt_s * 1e9) +
                      " ns, as ImpDAR reads it (RGPR takes TIMEWINDOW / SAMPLES instead)";
    if (window != nullptr) {
      const double window_ns = rad.number(*window, 0, 1e9, false);
      if (window_ns > 0 &&
          std::abs(window_ns / samples - info.dt_s * 1e9) > 0.01 * info.dt_s * 1e9) {
        why += "; here TIMEWINDOW / SAMPLES = " + number_text(window_ns) + " / " +
               std::to_string(info.samples_per_trace) + " = " + number_text(window_ns / samples) +
               " ns (" + number_text(window_ns / samples / (info.dt_s * 1e9)) +
               "x). 1 / FREQUENCY is kept because FREQUENCY is the digitiser's own setting and, "
               "on the ImpDAR test file, the data spectrum peaks at the antenna's nominal "
               "frequency with it (about 490 MHz for a 500 MHz antenna) but at half of it with "
               "TIMEWINDOW / SAMPLES";
      }
    }
    info.conventions.push_back(why);
  } else {
    const double window_ns = rad.number(*window, 1e-6, 1e9, false);
    info.dt_s = window_ns * 1e-9 / samples;
    info.conventions.push_back("sample interval = TIMEWINDOW / SAMPLES = " +
                               number_text(info.dt_s * 1e9) + " ns (no FREQUENCY in the .RAD)");
  }
  info.conventions.push_back(
      "time-zero: sample 0 (SIGNAL POSITION is shown but not applied: its unit is undocumented "
      "and on the ImpDAR test file it lies beyond the time window)");

  if (const TextField* antennas = rad.find("ANTENNAS")) {
    info.antenna = antennas->value;
    info.antenna_frequency_hz = antenna_frequency_hz(antennas->value);
  }
  if (const TextField* distance = rad.find("DISTANCE INTERVAL")) {
    info.trace_spacing_m = rad.number(*distance, -1e6, 1e6, false);
  }
  info.positions_known = false;
  info.conventions.push_back("positions: trace index (per channel) x DISTANCE INTERVAL (" +
                             number_text(info.trace_spacing_m) +
                             " m; 0 when traces were triggered by time)");
  double time_interval_s = 0.0;
  const TextField* time_flag = rad.find("TIME FLAG");
  if (const TextField* interval = rad.find("TIME INTERVAL");
      interval != nullptr && time_flag != nullptr && parse_number(time_flag->value) == 1.0) {
    time_interval_s = rad.number(*interval, 0, 1e6, false);
  }
  if (info.channels > 1) {
    info.conventions.push_back("channels: CHANNELS " + std::to_string(info.channels) +
                               ", traces interleaved trace by trace (trace i is channel i mod " +
                               std::to_string(info.channels) + ")");
  }

  std::error_code ec;
  const std::uint64_t size = fs::file_size(data_path, ec);
  if (ec) throw IoError(data_path.string() + ": cannot read: " + ec.message());
  const std::uint64_t cycles = size / (info.samples_per_trace * bytes_per_sample) / info.channels;
  info.traces_per_channel = cycles;

  std::vector<std::string> warnings;
  if (const TextField* last = rad.find("LAST TRACE")) {
    const std::optional<double> announced = parse_number(last->value);
    const std::uint64_t in_file = size / (info.samples_per_trace * bytes_per_sample);
    if (announced && *announced != static_cast<double>(in_file)) {
      warnings.push_back(rad_path.filename().string() + ": LAST TRACE says " + last->value +
                         ", the data file holds " + std::to_string(in_file) + " traces");
    }
  }
  if (const auto cor_path = detail::companion(data_path, ".COR")) {
    Cor cor = read_cor(*cor_path, cycles);
    info.gps = std::move(cor.fixes);
    for (std::string& w : cor.warnings) warnings.push_back(std::move(w));
    info.conventions.push_back(
        "GPS: .COR trace numbers are 1-based (trace_index = number - 1, as ImpDAR); S and W "
        "negative");
  }
  const std::uint64_t traces = cycles * info.channels;
  return std::make_unique<MalaReader>(std::move(info), data_path, bytes_per_sample, traces,
                                      time_interval_s, std::move(warnings));
}

}  // namespace deminer::sim::formats
