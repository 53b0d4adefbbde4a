// Sensors & Software DT1/HD reader (see the public header for the layout and the conventions).
#include "deminer/sim/formats/sensors_software_dt1.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <optional>
#include <span>
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
using detail::TextField;
using detail::TextHeader;
using drivers::load_le;

constexpr std::size_t kTraceHeaderBytes = 128;
// Words (float32) of the trace header that we use.
constexpr std::size_t kWordPosition = 1;
constexpr std::size_t kWordPoints = 2;
constexpr std::size_t kWordBytesPerPoint = 5;
constexpr std::size_t kWordIntervalPs = 6;
constexpr std::size_t kWordTimeOfDay = 23;

float word(std::span<const std::byte> header, std::size_t index) noexcept {
  return load_le<float>(header, 4 * index);
}

std::optional<double> metres_per_unit(std::string_view unit) noexcept {
  constexpr std::array<std::pair<std::string_view, double>, 11> kUnits{{{"m", 1.0},
                                                                        {"metres", 1.0},
                                                                        {"meters", 1.0},
                                                                        {"metre", 1.0},
                                                                        {"meter", 1.0},
                                                                        {"ft", 0.3048},
                                                                        {"feet", 0.3048},
                                                                        {"cm", 0.01},
                                                                        {"mm", 0.001},
                                                                        {"in", 0.0254},
                                                                        {"inches", 0.0254}}};
  for (const auto& [name, factor] : kUnits) {
    if (iequals(name, unit)) return factor;
  }
  return std::nullopt;
}

std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

bool looks_like_date(std::string_view line) noexcept {
  std::size_t digits = 0;
  for (const char c : line) {
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (c != '-' && c != '/' && c != '.') {
      return false;
    }
  }
  return digits >= 6;
}

class Dt1Reader final : public TraceFileReader {
 public:
  Dt1Reader(FileInfo info, const fs::path& dt1, std::uint64_t traces, std::size_t bytes_per_point,
            double metres_per_unit, std::vector<std::string> warnings)
      : info_(std::move(info)),
        file_(dt1),
        traces_(traces),
        bytes_per_point_(bytes_per_point),
        metres_per_unit_(metres_per_unit),
        buffer_(kTraceHeaderBytes + info_.samples_per_trace * bytes_per_point),
        warnings_(std::move(warnings)) {}

  const FileInfo& info() const noexcept override { return info_; }
  const std::vector<std::string>& warnings() const noexcept override { return warnings_; }

  bool next_trace(dsp::Trace& trace) override {
    if (done_ || index_ == traces_) return end(trace);
    const std::size_t got = file_.read(buffer_);
    if (got < buffer_.size()) {
      const std::string name = file_.path().filename().string();
      if (got == 0) {
        warnings_.push_back(name + ": file ends after " + std::to_string(index_) +
                            " complete traces; the .HD announces " + std::to_string(traces_));
      } else {
        warnings_.push_back(name + ": file ends " + std::to_string(got) + " bytes into trace " +
                            std::to_string(index_) + " (of 128-byte header + " +
                            std::to_string(info_.samples_per_trace) + " samples × " +
                            std::to_string(bytes_per_point_) + " bytes); " +
                            std::to_string(index_) + " complete traces read");
      }
      return end(trace);
    }

    const std::span<const std::byte> header(buffer_);
    trace.header = {};
    trace.header.dt_s = info_.dt_s;
    trace.header.time_zero_s = info_.time_zero_s;
    trace.header.position_m = word(header, kWordPosition) * metres_per_unit_;
    const double time_of_day_s = word(header, kWordTimeOfDay);
    if (time_of_day_s >= 0.0 && time_of_day_s < 86400.0) {
      trace.header.timestamp_ns = std::llround(time_of_day_s * 1e9);
    }
    trace.header.sequence = index_;

    const std::size_t n = info_.samples_per_trace;
    trace.samples.resize(n);
    const std::span<const std::byte> data = header.subspan(kTraceHeaderBytes);
    if (bytes_per_point_ == 2) {
      for (std::size_t i = 0; i < n; ++i) trace.samples[i] = load_le<std::int16_t>(data, 2 * i);
    } else {
      for (std::size_t i = 0; i < n; ++i) trace.samples[i] = load_le<float>(data, 4 * i);
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

  FileInfo info_;
  detail::BinaryFile file_;
  std::uint64_t traces_;
  std::size_t bytes_per_point_;
  double metres_per_unit_;
  std::vector<std::byte> buffer_;  // one trace: header and samples
  std::vector<std::string> warnings_;
  std::uint64_t index_ = 0;
  bool done_ = false;
};

// The first trace header, or nothing when the .DT1 is shorter than one.
std::optional<std::array<std::byte, kTraceHeaderBytes>> first_trace_header(const fs::path& dt1) {
  std::ifstream in(dt1, std::ios::binary);
  if (!in) throw IoError(dt1.string() + ": cannot open for reading");
  std::array<std::byte, kTraceHeaderBytes> header{};
  in.read(reinterpret_cast<char*>(header.data()), header.size());
  if (in.gcount() != static_cast<std::streamsize>(header.size())) return std::nullopt;
  return header;
}

}  // namespace

bool looks_like_sensors_software_dt1(std::span<const std::byte> first_bytes) noexcept {
  const std::string_view text(reinterpret_cast<const char*>(first_bytes.data()),
                              first_bytes.size());
  if (text.find("NUMBER OF TRACES") != std::string_view::npos &&
      text.find("NUMBER OF PTS/TRC") != std::string_view::npos) {
    return true;
  }
  if (first_bytes.size() < 4 * (kWordBytesPerPoint + 1)) return false;
  const auto whole_in = [](float v, float lo, float hi) {
    return v >= lo && v <= hi && v == std::floor(v);
  };
  const float bytes = word(first_bytes, kWordBytesPerPoint);
  return whole_in(word(first_bytes, 0), 0.0F, 1e9F) &&
         whole_in(word(first_bytes, kWordPoints), 1.0F, 1048576.0F) &&
         (bytes == 2.0F || bytes == 4.0F);
}

std::unique_ptr<TraceFileReader> open_sensors_software_dt1(const fs::path& path) {
  const bool given_hd = iequals(path.extension().string(), ".hd");
  const std::optional<fs::path> other = detail::companion(path, given_hd ? ".DT1" : ".HD");
  if (!other) {
    throw IoError(path.string() + ": no " + (given_hd ? ".DT1" : ".HD") +
                  " file beside it (Sensors & Software data come as a .DT1 and .HD pair)");
  }
  const fs::path hd_path = given_hd ? path : *other;
  const fs::path dt1_path = given_hd ? *other : path;

  const TextHeader hd = TextHeader::read(hd_path, '=');
  const auto traces = static_cast<std::uint64_t>(hd.number("NUMBER OF TRACES", 0, 1e12, true));
  const auto points = static_cast<std::size_t>(hd.number("NUMBER OF PTS/TRC", 1, 1 << 20, true));
  const double window_ns = hd.number("TOTAL TIME WINDOW", 1e-6, 1e9, false);

  FileInfo info;
  info.format = FileFormat::sensors_software_dt1;
  info.path = dt1_path;
  info.samples_per_trace = points;
  info.channels = 1;
  info.positions_known = true;
  info.dt_s = window_ns * 1e-9 / static_cast<double>(points);
  info.conventions.push_back(
      "sample interval = TOTAL TIME WINDOW / NUMBER OF PTS/TRC = " + number_text(window_ns) +
      " ns / " + std::to_string(points) + " = " + number_text(info.dt_s * 1e9) +
      " ns (as RGPR and ImpDAR; pE PRO trace headers store this interval in ps in word 6), "
      "not window / (points - 1)");

  for (const TextField& line : hd.free_lines()) {
    std::string_view text = line.value;
    constexpr std::string_view kPrefix = "Data Collected with";
    if (text.starts_with(kPrefix)) {
      info.instrument = std::string(detail::trim(text.substr(kPrefix.size())));
      info.fields.emplace_back("system", info.instrument);
    } else if (looks_like_date(text)) {
      info.fields.emplace_back("date", std::string(text));
    } else if (info.instrument.empty() && line.offset > 0) {
      info.instrument = std::string(text);
      info.fields.emplace_back("system", info.instrument);
    }
  }
  for (const TextField& f : hd.fields()) info.fields.emplace_back(f.key, f.value);

  if (const TextField* tz = hd.find("TIMEZERO AT POINT")) {
    const double point = hd.number(*tz, -1e6, 1e6, false);
    info.time_zero_s = -(point - 1.0) * info.dt_s;
    info.conventions.push_back("time-zero: TIMEZERO AT POINT " + number_text(point) +
                               " is a 1-based point number (as RGPR), so sample 0 lies at -(" +
                               number_text(point) +
                               " - 1) x dt = " + number_text(info.time_zero_s * 1e9) + " ns");
  } else {
    info.conventions.push_back("time-zero: no TIMEZERO AT POINT in the .HD; sample 0 taken as 0");
  }

  double unit = 1.0;
  if (const TextField* units = hd.find("POSITION UNITS")) {
    const std::optional<double> factor = metres_per_unit(units->value);
    if (!factor) {
      throw format_error(hd_path, units->offset, units->key, "m, ft, cm, mm or in",
                         detail::quote_text(units->value));
    }
    unit = *factor;
    info.conventions.push_back("positions: trace header word 1 in " + units->value + " x " +
                               number_text(unit) +
                               " = metres; the .HD STARTING/FINAL POSITION are only shown");
  } else {
    info.conventions.push_back("positions: no POSITION UNITS in the .HD; metres assumed");
  }
  if (const TextField* step = hd.find("STEP SIZE USED")) {
    info.trace_spacing_m = hd.number(*step, -1e9, 1e9, false) * unit;
  }
  if (const TextField* freq = hd.find("NOMINAL FREQUENCY")) {
    const double mhz = hd.number(*freq, 0, 1e6, false);
    if (mhz > 0) info.antenna_frequency_hz = mhz * 1e6;
  }

  // Bytes per point: the file size decides when it fits exactly (it cannot lie about the layout);
  // otherwise (a truncated or padded file) trace header word 5.
  std::vector<std::string> warnings;
  std::error_code ec;
  const std::uint64_t size = fs::file_size(dt1_path, ec);
  if (ec) throw IoError(dt1_path.string() + ": cannot read: " + ec.message());
  const auto trace_bytes = [&](std::size_t b) { return kTraceHeaderBytes + points * b; };
  std::optional<std::size_t> from_size;
  for (const std::size_t b : {std::size_t{2}, std::size_t{4}}) {
    if (traces > 0 && size == traces * trace_bytes(b)) from_size = b;
  }
  std::size_t bytes_per_point = 2;  // an empty .DT1: no samples to decode
  const auto first = first_trace_header(dt1_path);
  if (first) {
    const float points_word = word(*first, kWordPoints);
    if (points_word != 0.0F && points_word != static_cast<float>(points)) {
      throw format_error(
          dt1_path, 4 * kWordPoints, "number of points (trace 0 header)",
          std::to_string(points) + " (NUMBER OF PTS/TRC in " + hd_path.filename().string() + ")",
          number_text(points_word));
    }
    const float bytes_word = word(*first, kWordBytesPerPoint);
    const std::optional<std::size_t> from_header =
        bytes_word == 2.0F || bytes_word == 4.0F
            ? std::optional<std::size_t>(static_cast<std::size_t>(bytes_word))
            : std::nullopt;
    if (from_size) {
      bytes_per_point = *from_size;
      if (from_header && *from_header != *from_size) {
        warnings.push_back(dt1_path.filename().string() + ": trace 0 header says " +
                           std::to_string(*from_header) + " bytes per point, the file size fits " +
                           std::to_string(*from_size) + "; " + std::to_string(*from_size) +
                           " used");
      }
    } else if (from_header) {
      bytes_per_point = *from_header;
    } else {
      throw format_error(dt1_path, 4 * kWordBytesPerPoint, "bytes per point (trace 0 header)",
                         "2 or 4, or a file size of " + std::to_string(traces) + " x (128 + " +
                             std::to_string(points) + " x 2 or 4) bytes",
                         number_text(bytes_word) + " and " + std::to_string(size) + " bytes");
    }
    const float interval_ps = word(*first, kWordIntervalPs);
    info.fields.emplace_back("trace header word 6 (sample interval, ps)", number_text(interval_ps));
    const double expected_ps = info.dt_s * 1e12;
    if (interval_ps > 0.0F && std::abs(interval_ps - expected_ps) > 0.005 * expected_ps &&
        std::abs(interval_ps - window_ns) > 0.005 * window_ns) {
      warnings.push_back(dt1_path.filename().string() + ": trace 0 header word 6 says " +
                         number_text(interval_ps) + " ps, the .HD gives " +
                         number_text(expected_ps) + " ps; the .HD is used");
    }
  }
  info.traces_per_channel = std::min(traces, size / trace_bytes(bytes_per_point));
  info.sample_format = bytes_per_point == 2 ? "int16" : "float32";
  info.fields.emplace_back("bytes per point", std::to_string(bytes_per_point));
  info.conventions.push_back(
      "sample format: bytes per point from the file size (traces x (128 + points x bytes)), "
      "else from trace header word 5: " +
      info.sample_format);

  const std::uint64_t expected = traces * trace_bytes(bytes_per_point);
  if (size > expected) {
    warnings.push_back(dt1_path.filename().string() + ": " + std::to_string(size - expected) +
                       " bytes after the " + std::to_string(traces) +
                       " traces the .HD announces are ignored");
  }
  return std::make_unique<Dt1Reader>(std::move(info), dt1_path, traces, bytes_per_point, unit,
                                     std::move(warnings));
}

}  // namespace deminer::sim::formats
