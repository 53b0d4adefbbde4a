// SEG-Y rev 0/1/2 reader and rev 2 writer (see segy.hpp). Byte offsets below are 0-based; the
// standard numbers bytes from 1, so offset 3224 is the standard's "bytes 3225-3226".
#include "deminer/sim/formats/segy.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "deminer/drivers/byte_order.hpp"
#include "deminer/dsp/core/error.hpp"

namespace deminer::sim::formats {
namespace {

namespace fs = std::filesystem;
using drivers::load;
using drivers::store_be;

constexpr std::size_t kTextSize = 3200;
constexpr std::size_t kHeaderSize = 3600;  // textual + binary header
constexpr std::size_t kTraceHeaderSize = 240;

// Binary header (file offsets).
constexpr std::size_t kInterval = 3216;
constexpr std::size_t kSamples = 3220;
constexpr std::size_t kFormat = 3224;
constexpr std::size_t kMeasurementSystem = 3254;
constexpr std::size_t kExtSamples = 3268;
constexpr std::size_t kExtInterval = 3272;
constexpr std::size_t kByteOrder = 3296;
constexpr std::size_t kRevision = 3500;  // major; 3501 minor (single bytes in rev 2)
constexpr std::size_t kFixedLength = 3502;
constexpr std::size_t kExtTextCount = 3504;
constexpr std::size_t kExtraTraceHeaders = 3506;
constexpr std::size_t kTraceCount = 3512;
constexpr std::size_t kFirstTraceOffset = 3520;
constexpr std::size_t kTrailerCount = 3528;
constexpr std::uint32_t kByteOrderConstant = 0x01020304;

// Trace header (offsets within the 240 bytes).
constexpr std::size_t kTraceSequenceLine = 0;
constexpr std::size_t kTraceSequenceFile = 4;
constexpr std::size_t kTraceId = 28;
constexpr std::size_t kCoordinateScalar = 70;
constexpr std::size_t kSourceX = 72;
constexpr std::size_t kSourceY = 76;
constexpr std::size_t kGroupX = 80;
constexpr std::size_t kGroupY = 84;
constexpr std::size_t kCoordinateUnits = 88;
constexpr std::size_t kDelay = 108;
constexpr std::size_t kTraceSamples = 114;
constexpr std::size_t kTraceInterval = 116;
constexpr std::size_t kCdpX = 180;
constexpr std::size_t kCdpY = 184;

struct SampleFormat {
  int code;
  std::size_t bytes;
  std::string_view name;
};

constexpr std::array kFormats{
    SampleFormat{1, 4, "ibm float32"},  SampleFormat{2, 4, "int32"},
    SampleFormat{3, 2, "int16"},        SampleFormat{5, 4, "ieee float32"},
    SampleFormat{6, 8, "ieee float64"}, SampleFormat{8, 1, "int8"},
};

const SampleFormat* find_format(int code) noexcept {
  const auto* it = std::find_if(kFormats.begin(), kFormats.end(),
                                [code](const SampleFormat& f) { return f.code == code; });
  return it == kFormats.end() ? nullptr : it;
}

std::string supported_formats() {
  std::string text = "one of";
  for (const SampleFormat& f : kFormats) {
    text += ' ' + std::to_string(f.code) + " (" + std::string(f.name) + ')';
    if (&f != &kFormats.back()) text += ',';
  }
  return text;
}

// IBM System/360 single precision: sign, 7-bit excess-64 exponent of 16, 24-bit fraction. The
// fraction times a power of two is exact in double; the one rounding is double -> float.
float ibm_to_float(std::uint32_t bits) noexcept {
  const std::uint32_t fraction = bits & 0xFFFFFFu;
  const int exponent = static_cast<int>((bits >> 24) & 0x7Fu) - 64;
  const double magnitude = std::ldexp(static_cast<double>(fraction), 4 * exponent - 24);
  return static_cast<float>((bits & 0x80000000u) != 0 ? -magnitude : magnitude);
}

// EBCDIC (code page 037) to ASCII for the printable characters; 0 marks bytes that are not text.
constexpr std::array<char, 256> make_ebcdic_table() {
  std::array<char, 256> table{};
  const auto put = [&table](std::size_t first, std::string_view chars) {
    for (std::size_t i = 0; i < chars.size(); ++i) table[first + i] = chars[i];
  };
  put(0x15, "\n");
  put(0x25, "\n");
  put(0x40, " ");
  put(0x4B, ".<(+|&");
  put(0x50, "&");
  put(0x5A, "!$*);");
  put(0x60, "-/");
  put(0x6B, ",%_>?");
  put(0x79, "`:#@'=\"");
  put(0x81, "abcdefghi");
  put(0x91, "jklmnopqr");
  put(0xA1, "~stuvwxyz");
  put(0xB0, "^");
  put(0xBA, "[]");
  put(0xC0, "{ABCDEFGHI");
  put(0xD0, "}JKLMNOPQR");
  put(0xE0, "\\");
  put(0xE2, "STUVWXYZ");
  put(0xF0, "0123456789");
  return table;
}
constexpr std::array<char, 256> kEbcdic = make_ebcdic_table();

enum class TextEncoding { ascii, ebcdic };

struct TextGuess {
  TextEncoding encoding;
  double text_fraction;  // of the bytes that are text (or NUL) in that encoding
};

// EBCDIC wins ties: it is the standard's encoding, and a header of EBCDIC spaces (0x40) is also
// a header of ASCII '@'.
TextGuess guess_encoding(std::span<const std::byte> text) noexcept {
  std::size_t ascii = 0;
  std::size_t ebcdic = 0;
  for (const std::byte b : text) {
    const auto c = std::to_integer<unsigned char>(b);
    if (c == 0 || (c >= 0x20 && c < 0x7F) || c == '\n' || c == '\r') ++ascii;
    if (c == 0 || kEbcdic[c] != 0) ++ebcdic;
  }
  const double n = static_cast<double>(std::max<std::size_t>(text.size(), 1));
  if (ebcdic >= ascii) return {TextEncoding::ebcdic, static_cast<double>(ebcdic) / n};
  return {TextEncoding::ascii, static_cast<double>(ascii) / n};
}

std::string to_ascii(std::span<const std::byte> text, TextEncoding encoding) {
  std::string out(text.size(), ' ');
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = std::to_integer<unsigned char>(text[i]);
    const char a = encoding == TextEncoding::ebcdic ? kEbcdic[c] : static_cast<char>(c);
    out[i] = (a >= 0x20 && a < 0x7F) ? a : ' ';
  }
  return out;
}

std::string trim(std::string_view s) {
  const auto first = s.find_first_not_of(' ');
  if (first == std::string_view::npos) return {};
  return std::string(s.substr(first, s.find_last_not_of(' ') - first + 1));
}

// Empty, or only the card label ("C 4", "C40").
bool is_blank_card(std::string_view line) noexcept {
  if (line.empty()) return true;
  if (line[0] != 'C') return false;
  return line.find_first_not_of(" 0123456789", 1) == std::string_view::npos;
}

std::string upper(std::string s) {
  for (char& c : s) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  return s;
}

std::string format_double(double value) {
  std::ostringstream out;
  out.precision(10);
  out << value;
  return out.str();
}

[[noreturn]] void fail(const fs::path& path, std::uint64_t offset, std::string_view field,
                       const std::string& found, const std::string& expected) {
  throw FormatError(path.string() + ": byte " + std::to_string(offset) + ", field " +
                    std::string(field) + ": found " + found + ", expected " + expected);
}

struct ByteOrderGuess {
  std::endian order;
  std::string how;
};

ByteOrderGuess detect_byte_order(std::span<const std::byte> header, const fs::path& path) {
  const std::uint32_t constant = load<std::uint32_t>(header, kByteOrder, std::endian::big);
  if (constant == kByteOrderConstant) {
    return {std::endian::big, "big-endian: byte-order constant 0x01020304 at bytes 3297-3300"};
  }
  if (constant == 0x04030201u) {
    return {std::endian::little,
            "little-endian: byte-order constant 0x01020304 at bytes 3297-3300"};
  }
  const int big = load<std::int16_t>(header, kFormat, std::endian::big);
  const int little = load<std::int16_t>(header, kFormat, std::endian::little);
  if (find_format(big) != nullptr) {
    return {std::endian::big, "big-endian: no byte-order constant; format code " +
                                  std::to_string(big) + " is valid read big-endian"};
  }
  if (find_format(little) != nullptr) {
    return {std::endian::little, "little-endian: no byte-order constant; format code " +
                                     std::to_string(little) + " is valid only read little-endian"};
  }
  fail(path, kFormat, "data sample format code (bytes 3225-3226)",
       std::to_string(big) + " (big-endian; " + std::to_string(little) + " little-endian)",
       supported_formats());
}

class SegyReader final : public TraceFileReader {
 public:
  SegyReader(const fs::path& path, const SegyOptions& options) : path_(path) {
    file_.open(path, std::ios::binary);
    if (!file_) throw IoError(path.string() + ": cannot open: " + std::strerror(errno));
    std::error_code ec;
    file_size_ = fs::file_size(path, ec);
    if (ec) throw IoError(path.string() + ": cannot read the size: " + ec.message());
    if (file_size_ < kHeaderSize) {
      fail(path, file_size_, "binary header", "end of file after " + std::to_string(file_size_),
           "at least 3600 bytes (textual and binary header)");
    }
    std::array<std::byte, kHeaderSize> header{};
    read_at(0, header);
    parse(header, options);
  }

  [[nodiscard]] const FileInfo& info() const noexcept override { return info_; }
  [[nodiscard]] const std::vector<std::string>& warnings() const noexcept override {
    return warnings_;
  }

  bool next_trace(dsp::Trace& trace) override {
    if (next_ >= complete_) {
      finish();
      trace.samples.clear();
      return false;
    }
    if (next_ == 0) file_.seekg(static_cast<std::streamoff>(data_offset_));  // after the peeks
    buffer_.resize(trace_bytes_);
    file_.read(reinterpret_cast<char*>(buffer_.data()), static_cast<std::streamsize>(trace_bytes_));
    if (file_.gcount() != static_cast<std::streamsize>(trace_bytes_)) {
      if (file_.bad())
        throw IoError(path_.string() + ": read error in trace " + std::to_string(next_));
      // The file shrank after it was opened.
      complete_ = next_;
      file_.clear();
      finish();
      trace.samples.clear();
      return false;
    }
    decode(trace);
    ++next_;
    return true;
  }

 private:
  void read_at(std::uint64_t offset, std::span<std::byte> out) {
    file_.seekg(static_cast<std::streamoff>(offset));
    file_.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(out.size()));
    if (file_.gcount() != static_cast<std::streamsize>(out.size())) {
      throw IoError(path_.string() + ": cannot read " + std::to_string(out.size()) +
                    " bytes at byte " + std::to_string(offset));
    }
  }

  void field(std::string name, std::string value) {
    info_.fields.emplace_back(std::move(name), std::move(value));
  }

  void parse(std::span<const std::byte> h, const SegyOptions& options) {
    info_.format = FileFormat::segy;
    info_.path = path_;
    info_.instrument = "SEG-Y";

    const ByteOrderGuess order = detect_byte_order(h, path_);
    order_ = order.order;
    info_.conventions.push_back("byte order " + order.how);

    const TextGuess text = guess_encoding(h.first(kTextSize));
    const std::string ascii = to_ascii(h.first(kTextSize), text.encoding);
    const bool text_is_text = text.text_fraction >= 0.75;
    field("textual header",
          text_is_text ? (text.encoding == TextEncoding::ebcdic ? "EBCDIC" : "ASCII") : "not text");
    if (text_is_text) {
      for (std::size_t line = 0; line < kTextSize / 80; ++line) {
        std::string content = trim(std::string_view(ascii).substr(line * 80, 80));
        if (!is_blank_card(content)) {
          field("text line " + std::to_string(line + 1), std::move(content));
        }
      }
    }

    // Revision: one byte each for major and minor since rev 2 (rev 1 stored 0x0100 as int16,
    // which reads the same big-endian). Anything else is an old file with junk here.
    int revision = std::to_integer<int>(h[kRevision]);
    if (revision > 2) {
      info_.conventions.push_back("revision byte 3501 is " + std::to_string(revision) +
                                  ", not 0, 1 or 2: read as rev 0 (its later fields ignored)");
      revision = 0;
    }
    field("revision",
          std::to_string(revision) + "." + std::to_string(std::to_integer<int>(h[kRevision + 1])));

    const int code = load<std::int16_t>(h, kFormat, order_);
    const SampleFormat* format = find_format(code);
    if (format == nullptr) {
      fail(path_, kFormat, "data sample format code (bytes 3225-3226)", std::to_string(code),
           supported_formats());
    }
    format_ = *format;
    info_.sample_format = std::string(format->name);
    field("sample format code", std::to_string(code) + " (" + std::string(format->name) + ")");

    data_offset_ = kHeaderSize;
    if (revision >= 1) parse_extended_text(h);
    std::uint64_t declared_traces = 0;
    if (revision >= 2) declared_traces = parse_rev2_layout(h);
    field("data offset", std::to_string(data_offset_));

    // The first trace header fills in what the binary header leaves at zero.
    std::array<std::byte, kTraceHeaderSize> first_bytes{};
    std::optional<std::span<const std::byte>> first;
    if (file_size_ - data_offset_ >= kTraceHeaderSize) {
      read_at(data_offset_, first_bytes);
      first = first_bytes;
    }
    parse_samples(h, revision, first);
    parse_interval(h, revision, ascii, options, first);

    trace_bytes_ = kTraceHeaderSize + info_.samples_per_trace * format_.bytes;
    complete_ = (file_size_ - data_offset_) / trace_bytes_;
    if (declared_traces != 0) {
      field("traces (header)", std::to_string(declared_traces));
      if (declared_traces < complete_) {
        info_.conventions.push_back("the header's trace count (bytes 3513-3520) " +
                                    std::to_string(declared_traces) +
                                    " is used; the bytes after that trace are ignored");
        complete_ = declared_traces;
      }
    }
    declared_traces_ = declared_traces;
    info_.traces_per_channel = complete_;

    const int measurement = load<std::int16_t>(h, kMeasurementSystem, order_);
    field("measurement system", measurement == 2 ? "feet" : measurement == 1 ? "metres" : "unset");
    length_to_m_ = measurement == 2 ? 0.3048 : 1.0;
    parse_positions(first);
  }

  void parse_extended_text(std::span<const std::byte> h) {
    const int fixed = load<std::int16_t>(h, kFixedLength, order_);
    field("fixed-length traces", fixed == 1 ? "yes" : "not declared");
    const int count = load<std::int16_t>(h, kExtTextCount, order_);
    field("extended textual headers", std::to_string(count));
    if (count < -1) {
      fail(path_, kExtTextCount, "number of extended textual headers (bytes 3505-3506)",
           std::to_string(count), "-1 (variable) or a count >= 0");
    }
    if (count >= 0) {
      data_offset_ += kTextSize * static_cast<std::uint64_t>(count);
      if (data_offset_ > file_size_) {
        fail(path_, kExtTextCount, "number of extended textual headers (bytes 3505-3506)",
             std::to_string(count) + " (" + std::to_string(data_offset_) + " bytes of headers)",
             "headers that fit in the file size " + std::to_string(file_size_));
      }
      return;
    }
    // -1: records follow until the one holding the end stanza.
    std::array<std::byte, kTextSize> record{};
    for (;;) {
      if (file_size_ - data_offset_ < kTextSize) {
        fail(path_, data_offset_, "extended textual header",
             "end of file before the ((SEG: EndText)) stanza", "a 3200-byte record");
      }
      read_at(data_offset_, record);
      data_offset_ += kTextSize;
      const TextGuess guess = guess_encoding(record);
      if (to_ascii(record, guess.encoding).find("((SEG: EndText))") != std::string::npos) break;
    }
  }

  // Returns the trace count the header declares (0: not given).
  std::uint64_t parse_rev2_layout(std::span<const std::byte> h) {
    const int extra = load<std::int16_t>(h, kExtraTraceHeaders, order_);
    if (extra != 0) {
      fail(path_, kExtraTraceHeaders, "additional trace headers (bytes 3507-3508)",
           std::to_string(extra), "0 (additional 240-byte trace headers are not supported)");
    }
    const std::uint64_t first_trace = load<std::uint64_t>(h, kFirstTraceOffset, order_);
    if (first_trace != 0) {
      if (first_trace < data_offset_ || first_trace > file_size_) {
        fail(path_, kFirstTraceOffset, "byte offset of first trace (bytes 3521-3528)",
             std::to_string(first_trace),
             "0 or " + std::to_string(data_offset_) + " to the file size " +
                 std::to_string(file_size_));
      }
      data_offset_ = first_trace;
    }
    const std::uint64_t traces = load<std::uint64_t>(h, kTraceCount, order_);
    const std::int32_t trailers = load<std::int32_t>(h, kTrailerCount, order_);
    if (trailers != 0 && traces == 0) {
      fail(path_, kTrailerCount, "number of data trailer stanzas (bytes 3529-3532)",
           std::to_string(trailers),
           "0 unless bytes 3513-3520 give the trace count (the trailer's start is unknown)");
    }
    return traces;
  }

  void parse_samples(std::span<const std::byte> h, int revision,
                     std::optional<std::span<const std::byte>> first) {
    std::uint64_t samples = load<std::uint16_t>(h, kSamples, order_);
    std::string source = "bytes 3221-3222";
    if (revision >= 2) {
      const std::int32_t extended = load<std::int32_t>(h, kExtSamples, order_);
      if (extended < 0) {
        fail(path_, kExtSamples, "extended samples per trace (bytes 3269-3272)",
             std::to_string(extended), "a count >= 0");
      }
      if (extended > 0) {
        samples = static_cast<std::uint64_t>(extended);
        source = "bytes 3269-3272 (rev 2 extended)";
      }
    }
    if (samples == 0 && first) {
      samples = load<std::uint16_t>(*first, kTraceSamples, order_);
      source = "the first trace header (bytes 115-116)";
    }
    if (samples == 0) {
      fail(path_, kSamples, "samples per trace (bytes 3221-3222)", "0",
           "a count > 0 here, in bytes 3269-3272 (rev 2) or in the first trace header");
    }
    info_.samples_per_trace = samples;
    field("samples per trace", std::to_string(samples) + " (from " + source + ")");
    info_.conventions.push_back(
        "every trace has the binary header's sample count; per-trace counts (trace bytes "
        "115-116) are not read, as segyio does");
  }

  void parse_interval(std::span<const std::byte> h, int revision, const std::string& text,
                      const SegyOptions& options, std::optional<std::span<const std::byte>> first) {
    const unsigned integer = load<std::uint16_t>(h, kInterval, order_);
    field("sample interval (bytes 3217-3218)", std::to_string(integer));
    double value = integer;
    std::string source = "the integer field (bytes 3217-3218)";
    bool from_float = false;
    if (revision >= 2) {
      const double extended = load<double>(h, kExtInterval, order_);
      field("sample interval (bytes 3273-3280)", format_double(extended));
      if (!(std::isfinite(extended) && extended >= 0.0)) {
        fail(path_, kExtInterval, "extended sample interval (bytes 3273-3280)",
             format_double(extended), "0 or a positive finite float64");
      }
      if (extended > 0.0) {
        value = extended;
        from_float = true;
        source = "the rev 2 float64 field (bytes 3273-3280), preferred over the integer field (" +
                 std::to_string(integer) + ") because GPR sampling does not fit whole units";
      }
    }
    if (value == 0.0 && first) {
      value = load<std::uint16_t>(*first, kTraceInterval, order_);
      source = "the first trace header (bytes 117-118), the binary header's being 0";
    }
    if (value == 0.0) {
      fail(path_, kInterval, "sample interval (bytes 3217-3218)", "0",
           "a value > 0 here, in bytes 3273-3280 (rev 2) or in the first trace header");
    }

    bool picoseconds = false;
    std::string why;
    switch (options.interval_unit) {
      case SegyIntervalUnit::microseconds:
        why = "as the caller asked";
        break;
      case SegyIntervalUnit::picoseconds:
        picoseconds = true;
        why = "as the caller asked";
        break;
      case SegyIntervalUnit::automatic: {
        const std::string t = upper(text);
        const bool radar = t.find("GPR") != std::string::npos ||
                           t.find("RADAR") != std::string::npos ||
                           t.find("GROUND PENETRATING") != std::string::npos;
        picoseconds = radar && !from_float;
        why = picoseconds ? "because the textual header names the data radar and there is no "
                            "rev 2 float64 interval (the GPR-vendor and Seismic Unix dt1tosu "
                            "convention of scaling every time by 10^6)"
                          : "as the standard says";
        break;
      }
    }
    // Times scale together: the interval field's unit and the delay field's (ms under µs).
    const double unit_s = picoseconds ? 1e-12 : 1e-6;
    delay_unit_s_ = picoseconds ? 1e-9 : 1e-3;
    info_.dt_s = value * unit_s;
    info_.conventions.push_back("sample interval " + format_double(value) +
                                (picoseconds ? " ps" : " µs") + " from " + source + "; read in " +
                                (picoseconds ? "picoseconds " : "microseconds ") + why);
    info_.conventions.push_back(
        std::string("time zero from the delay recording time (trace bytes 109-110) in ") +
        (picoseconds ? "ns" : "ms") + "; its rev 2 scalar (bytes 215-216) is not applied");
    if (first) {
      info_.time_zero_s = load<std::int16_t>(*first, kDelay, order_) * delay_unit_s_;
    }
  }

  void parse_positions(std::optional<std::span<const std::byte>> first) {
    if (!first) return;
    const int units = load<std::int16_t>(*first, kCoordinateUnits, order_);
    std::array<std::byte, kTraceHeaderSize> second{};
    const bool have_second = complete_ >= 2;
    if (have_second) read_at(data_offset_ + trace_bytes_, second);

    const auto nonzero = [](std::span<const std::byte> t, std::size_t x, std::size_t y,
                            std::endian order) {
      return load<std::int32_t>(t, x, order) != 0 || load<std::int32_t>(t, y, order) != 0;
    };
    const auto any = [&](std::size_t x1, std::size_t y1, std::size_t x2, std::size_t y2) {
      const auto in = [&](std::span<const std::byte> t) {
        return nonzero(t, x1, y1, order_) || nonzero(t, x2, y2, order_);
      };
      return in(*first) || (have_second && in(second));
    };
    if (any(kSourceX, kSourceY, kGroupX, kGroupY)) {
      position_source_ = PositionSource::midpoint;
    } else if (any(kCdpX, kCdpY, kCdpX, kCdpY)) {
      position_source_ = PositionSource::cdp;
    } else {
      info_.conventions.push_back(
          "positions unknown: source, group and CDP coordinates are all 0 in the first traces");
      return;
    }
    if (units != 0 && units != 1) {
      position_source_ = PositionSource::none;
      info_.conventions.push_back("positions unknown: coordinate units (trace bytes 89-90) are " +
                                  std::to_string(units) + ", not length");
      return;
    }
    const auto y_zero = [&](std::span<const std::byte> t) {
      return position_source_ == PositionSource::cdp
                 ? load<std::int32_t>(t, kCdpY, order_) == 0
                 : load<std::int32_t>(t, kSourceY, order_) == 0 &&
                       load<std::int32_t>(t, kGroupY, order_) == 0;
    };
    profile_ = y_zero(*first) && (!have_second || y_zero(second));
    info_.positions_known = true;
    const std::string from = position_source_ == PositionSource::cdp
                                 ? "CDP X/Y (trace bytes 181-188)"
                                 : "the source-group midpoint (trace bytes 73-88)";
    info_.conventions.push_back(
        "positions from " + from + " with the coordinate scalar (bytes 71-72), " +
        (profile_ ? "read as the X coordinate, Y being 0 (a profile line)"
                  : "as the distance along the track from the first trace"));
  }

  // Scaled coordinates of a trace, metres. A negative scalar divides (rather than multiplying
  // by its inverse) so that millimetres come back as the nearest double.
  std::pair<double, double> coordinates(std::span<const std::byte> t) const noexcept {
    const int scalar = load<std::int16_t>(t, kCoordinateScalar, order_);
    const double multiply = length_to_m_ * (scalar > 0 ? scalar : 1);
    const double divide = scalar < 0 ? -static_cast<double>(scalar) : 1.0;
    const auto at = [&](std::size_t offset) {
      return load<std::int32_t>(t, offset, order_) * multiply / divide;
    };
    if (position_source_ == PositionSource::cdp) return {at(kCdpX), at(kCdpY)};
    return {0.5 * (at(kSourceX) + at(kGroupX)), 0.5 * (at(kSourceY) + at(kGroupY))};
  }

  void decode(dsp::Trace& trace) {
    const std::span<const std::byte> b(buffer_);
    dsp::TraceHeader& header = trace.header;
    header = {};
    header.dt_s = info_.dt_s;
    header.time_zero_s = load<std::int16_t>(b, kDelay, order_) * delay_unit_s_;
    header.sequence = next_;
    if (position_source_ != PositionSource::none) {
      const auto [x, y] = coordinates(b);
      if (profile_) {
        header.position_m = x;
      } else {
        if (next_ > 0) distance_m_ += std::hypot(x - previous_.first, y - previous_.second);
        previous_ = {x, y};
        header.position_m = distance_m_;
      }
    }

    const std::size_t n = info_.samples_per_trace;
    trace.samples.resize(n);
    const std::size_t w = format_.bytes;
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t at = kTraceHeaderSize + i * w;
      float value = 0.0f;
      switch (format_.code) {
        case 1:
          value = ibm_to_float(load<std::uint32_t>(b, at, order_));
          break;
        case 2:
          value = static_cast<float>(load<std::int32_t>(b, at, order_));
          break;
        case 3:
          value = load<std::int16_t>(b, at, order_);
          break;
        case 5:
          value = load<float>(b, at, order_);
          break;
        case 6:
          value = static_cast<float>(load<double>(b, at, order_));
          break;
        default:
          value = load<std::int8_t>(b, at, order_);
          break;
      }
      trace.samples[i] = value;
    }
  }

  void finish() {
    if (finished_) return;
    finished_ = true;
    if (declared_traces_ != 0 && declared_traces_ <= complete_) return;
    const std::uint64_t available = file_size_ - data_offset_;
    const std::uint64_t leftover = available - std::min(available, complete_ * trace_bytes_);
    if (leftover == 0 && declared_traces_ == 0) return;
    warnings_.push_back(
        path_.string() + ": file ends " + std::to_string(leftover) + " bytes into trace " +
        std::to_string(complete_) + " (of 240 + " + std::to_string(info_.samples_per_trace) +
        " samples × " + std::to_string(format_.bytes) + " bytes)" +
        (declared_traces_ != 0
             ? "; the header declares " + std::to_string(declared_traces_) + " traces"
             : "") +
        "; " + std::to_string(complete_) + " complete traces read");
  }

  enum class PositionSource { none, midpoint, cdp };

  fs::path path_;
  std::ifstream file_;
  std::uint64_t file_size_ = 0;
  FileInfo info_;
  std::vector<std::string> warnings_;
  std::endian order_ = std::endian::big;
  SampleFormat format_{};
  std::uint64_t data_offset_ = 0;
  std::uint64_t trace_bytes_ = 0;
  std::uint64_t complete_ = 0;
  std::uint64_t declared_traces_ = 0;
  std::uint64_t next_ = 0;
  double delay_unit_s_ = 1e-3;
  double length_to_m_ = 1.0;
  PositionSource position_source_ = PositionSource::none;
  bool profile_ = true;
  std::pair<double, double> previous_{};
  double distance_m_ = 0.0;
  bool finished_ = false;
  std::vector<std::byte> buffer_;
};

// ASCII, 40 card images of 80 characters; characters outside printable ASCII become '?'.
std::array<std::byte, kTextSize> make_text_header(const FileInfo& like) {
  std::array<std::byte, kTextSize> text{};
  text.fill(std::byte{' '});
  const auto line = [&text](std::size_t number, std::string content) {
    content = (number < 10 ? "C0" : "C") + std::to_string(number) + ' ' + content;
    for (std::size_t i = 0; i < std::min<std::size_t>(content.size(), 80); ++i) {
      const auto c = static_cast<unsigned char>(content[i]);
      text[(number - 1) * 80 + i] =
          std::byte{(c >= 0x20 && c < 0x7F) ? c : static_cast<unsigned char>('?')};
    }
  };
  line(1, "SEG-Y REV 2.0 WRITTEN BY DEMINER (GPR DATA)");
  line(2, "SOURCE FILE: " + like.path.filename().string());
  line(3, "INSTRUMENT: " + like.instrument);
  line(4, "ANTENNA: " + like.antenna);
  line(5, "SAMPLE INTERVAL " + format_double(like.dt_s * 1e12) +
              " PS; EXACT FLOAT64 IN MICROSECONDS AT BYTES 3273-3280");
  line(6, "SAMPLES PER TRACE " + std::to_string(like.samples_per_trace) + "; TIME ZERO " +
              format_double(like.time_zero_s * 1e12) + " PS");
  line(7, "IEEE FLOAT32 BIG-ENDIAN; POSITIONS: SOURCE/GROUP X IN MM (SCALAR -1000)");
  line(39, "SEG-Y_REV2.0");
  line(40, "END TEXTUAL HEADER");
  return text;
}

template <typename Int>
Int clamp_round(double value) noexcept {
  if (!std::isfinite(value)) return 0;
  const double limited =
      std::clamp(std::round(value), static_cast<double>(std::numeric_limits<Int>::min()),
                 static_cast<double>(std::numeric_limits<Int>::max()));
  return static_cast<Int>(limited);
}

class SegyWriter final : public TraceFileWriter {
 public:
  SegyWriter(const fs::path& path, const FileInfo& like)
      : path_(path),
        samples_(like.samples_per_trace),
        positions_(like.positions_known || like.trace_spacing_m > 0.0) {
    if (samples_ == 0 || samples_ > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
      throw std::invalid_argument("SEG-Y writer: samples_per_trace is " + std::to_string(samples_) +
                                  ", expected 1 to 2^31-1");
    }
    if (!(like.dt_s > 0.0 && std::isfinite(like.dt_s))) {
      throw std::invalid_argument("SEG-Y writer: dt_s is " + format_double(like.dt_s) +
                                  ", expected a positive finite interval");
    }
    file_.open(path, std::ios::binary | std::ios::trunc);
    if (!file_) throw IoError(path.string() + ": cannot create: " + std::strerror(errno));

    std::array<std::byte, kHeaderSize> header{};
    const auto text = make_text_header(like);
    std::copy(text.begin(), text.end(), header.begin());
    const std::span<std::byte> h(header);
    const double dt_us = like.dt_s * 1e6;
    dt_us_integer_ = dt_us >= 0.5 ? clamp_round<std::uint16_t>(dt_us) : 0;
    store_be<std::int16_t>(h, 3212, 1);  // data traces per ensemble
    store_be<std::uint16_t>(h, kInterval, dt_us_integer_);
    store_be<std::uint16_t>(h, kSamples,
                            static_cast<std::uint16_t>(samples_ <= 0xFFFF ? samples_ : 0));
    store_be<std::int16_t>(h, kFormat, 5);
    store_be<std::int16_t>(h, kMeasurementSystem, 1);
    store_be<std::int32_t>(h, kExtSamples, static_cast<std::int32_t>(samples_));
    store_be<double>(h, kExtInterval, dt_us);
    store_be<std::uint32_t>(h, kByteOrder, kByteOrderConstant);
    h[kRevision] = std::byte{2};
    h[kRevision + 1] = std::byte{0};
    store_be<std::int16_t>(h, kFixedLength, 1);
    store_be<std::uint64_t>(h, kFirstTraceOffset, kHeaderSize);
    put(header);
    buffer_.resize(kTraceHeaderSize + 4 * samples_);
  }

  ~SegyWriter() override {
    try {
      close();
    } catch (const std::exception&) {  // NOLINT(bugprone-empty-catch): destructors must not throw
    }
  }

  void write(const dsp::TraceView& trace) override {
    if (closed_) throw IoError(path_.string() + ": write after close");
    if (trace.samples.size() != samples_) {
      throw std::invalid_argument("SEG-Y writer: trace " + std::to_string(count_) + " has " +
                                  std::to_string(trace.samples.size()) +
                                  " samples, the file's header says " + std::to_string(samples_));
    }
    const std::span<std::byte> t(buffer_);
    std::fill(buffer_.begin(), buffer_.end(), std::byte{0});
    const auto sequence = static_cast<std::int32_t>(std::min<std::uint64_t>(
        count_ + 1, static_cast<std::uint64_t>(std::numeric_limits<std::int32_t>::max())));
    store_be<std::int32_t>(t, kTraceSequenceLine, sequence);
    store_be<std::int32_t>(t, kTraceSequenceFile, sequence);
    store_be<std::int16_t>(t, kTraceId, 1);
    if (positions_) {
      const auto mm = clamp_round<std::int32_t>(trace.header.position_m * 1000.0);
      store_be<std::int16_t>(t, kCoordinateScalar, -1000);
      store_be<std::int32_t>(t, kSourceX, mm);
      store_be<std::int32_t>(t, kGroupX, mm);
      store_be<std::int16_t>(t, kCoordinateUnits, 1);
    }
    store_be<std::int16_t>(t, kDelay, clamp_round<std::int16_t>(trace.header.time_zero_s * 1e3));
    store_be<std::uint16_t>(t, kTraceSamples,
                            static_cast<std::uint16_t>(samples_ <= 0xFFFF ? samples_ : 0));
    store_be<std::uint16_t>(t, kTraceInterval, dt_us_integer_);
    for (std::size_t i = 0; i < samples_; ++i) {
      store_be<float>(t, kTraceHeaderSize + 4 * i, trace.samples[i]);
    }
    put(buffer_);
    ++count_;
  }

  void close() override {
    if (closed_) return;
    closed_ = true;
    std::array<std::byte, 8> count{};
    store_be<std::uint64_t>(count, 0, count_);
    file_.seekp(static_cast<std::streamoff>(kTraceCount));
    put(count);
    file_.close();
    if (!file_) throw IoError(path_.string() + ": cannot finish writing");
  }

 private:
  void put(std::span<const std::byte> data) {
    file_.write(reinterpret_cast<const char*>(data.data()),
                static_cast<std::streamsize>(data.size()));
    if (!file_) throw IoError(path_.string() + ": write failed: " + std::strerror(errno));
  }

  fs::path path_;
  std::ofstream file_;
  std::size_t samples_;
  bool positions_;
  std::uint16_t dt_us_integer_ = 0;
  std::uint64_t count_ = 0;
  bool closed_ = false;
  std::vector<std::byte> buffer_;
};

}  // namespace

bool looks_like_segy(std::span<const std::byte> first_bytes) noexcept {
  if (first_bytes.size() < kHeaderSize) return false;
  const std::span<const std::byte> h = first_bytes;
  if (guess_encoding(h.first(kTextSize)).text_fraction < 0.75) return false;
  const std::uint32_t constant = load<std::uint32_t>(h, kByteOrder, std::endian::big);
  const std::endian order = constant == 0x04030201u ? std::endian::little : std::endian::big;
  if (constant == kByteOrderConstant || constant == 0x04030201u) {
    return find_format(load<std::int16_t>(h, kFormat, order)) != nullptr;
  }
  return find_format(load<std::int16_t>(h, kFormat, std::endian::big)) != nullptr ||
         find_format(load<std::int16_t>(h, kFormat, std::endian::little)) != nullptr;
}

std::unique_ptr<TraceFileReader> open_segy(const std::filesystem::path& path,
                                           const SegyOptions& options) {
  return std::make_unique<SegyReader>(path, options);
}

std::unique_ptr<TraceFileWriter> create_segy(const std::filesystem::path& path,
                                             const FileInfo& like) {
  return std::make_unique<SegyWriter>(path, like);
}

}  // namespace deminer::sim::formats
