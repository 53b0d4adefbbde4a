// GSSI DZT reader and writer; see gssi_dzt.hpp. Header layout (byte offsets of the 128-byte
// fixed part, little-endian) as in GSSI's SIR-3000 manual and the readgssi/ImpDAR readers.
#include "deminer/sim/formats/gssi_dzt.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <system_error>

#include "deminer/drivers/byte_order.hpp"
#include "deminer/dsp/core/error.hpp"
#include "gssi_dzt_companions.hpp"

namespace deminer::sim::formats {
namespace {

using drivers::load_le;
using drivers::store_le;

constexpr std::size_t kHeaderSize = 1024;  // per channel (GSSI's MINHEADSIZE)
constexpr std::size_t kMaxChannels = 16;
constexpr std::size_t kMinSamples = 3;  // scan counter, mark word, at least one radar sample
constexpr double kSpeedOfLight = 299'792'458.0;

// Offsets of the header fields used here.
namespace at {
constexpr std::size_t tag = 0, data = 2, nsamp = 4, bits = 6, zero = 8, sps = 10, spm = 14,
                      mpm = 18, position = 22, range = 26, npass = 30, cdt = 32, mdt = 36,
                      rgain = 40, nrgain = 42, text = 44, ntext = 46, proc = 48, nproc = 50,
                      nchan = 52, epsr = 54, top = 58, depth = 62, servo_level = 74, accomp = 81,
                      sconfig = 82, spp = 84, linenum = 86, lineorder = 96, dtype = 97,
                      antname = 98, chanmask = 112, version = 113, name = 114, chksum = 126;
constexpr std::size_t antname_size = 14, name_size = 12;
}  // namespace at

// Mark words as real files hold them: SIR-3000 (16-bit) and SIR 30 (32-bit).
constexpr std::uint32_t kMarkWord16 = 0x6400;
constexpr std::uint32_t kMarkWord32 = 0xEC000000;

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

std::string hex(std::uint64_t v, std::size_t digits) {
  char buf[16];
  const auto end = std::to_chars(buf, buf + sizeof buf, v, 16).ptr;
  std::string s(buf, end);
  std::transform(s.begin(), s.end(), s.begin(), [](char c) { return std::toupper(c); });
  return "0x" + std::string(digits > s.size() ? digits - s.size() : 0, '0') + s;
}

// Printable ASCII of a NUL-terminated fixed-size field; other bytes become '?' so the text is
// valid UTF-8 for `deminer info --json` (vendor code pages are unknown).
std::string text_field(std::span<const std::byte> h, std::size_t offset, std::size_t size) {
  std::string s;
  for (std::size_t i = 0; i < size; ++i) {
    const auto c = std::to_integer<unsigned char>(h[offset + i]);
    if (c == 0) break;
    s.push_back(c >= 0x20 && c < 0x7F ? static_cast<char>(c) : '?');
  }
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

// rhb_cdt/rhb_mdt: sec/2:5, min:6, hour:5, day:5, month:4, year-1980:7 from the low bit up.
std::string packed_date(std::uint32_t v) {
  if (v == 0) return "not set";
  const unsigned sec = (v & 0x1Fu) * 2, min = (v >> 5) & 0x3Fu, hour = (v >> 11) & 0x1Fu,
                 day = (v >> 16) & 0x1Fu, month = (v >> 21) & 0xFu, year = (v >> 25) + 1980;
  if (sec > 59 || min > 59 || hour > 23 || day < 1 || day > 31 || month < 1 || month > 12) {
    return "invalid (" + hex(v, 8) + ")";
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04u-%02u-%02uT%02u:%02u:%02u", year, month, day, hour, min, sec);
  return buf;
}

std::uint32_t pack_date(std::chrono::system_clock::time_point t) {
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd(day);
  const std::chrono::hh_mm_ss hms(std::chrono::floor<std::chrono::seconds>(t - day));
  const int year = std::clamp(static_cast<int>(ymd.year()) - 1980, 0, 127);
  return static_cast<std::uint32_t>(hms.seconds().count() / 2) |
         static_cast<std::uint32_t>(hms.minutes().count()) << 5 |
         static_cast<std::uint32_t>(hms.hours().count()) << 11 |
         static_cast<std::uint32_t>(static_cast<unsigned>(ymd.day())) << 16 |
         static_cast<std::uint32_t>(static_cast<unsigned>(ymd.month())) << 21 |
         static_cast<std::uint32_t>(year) << 25;
}

// readgssi's system codes (byte 113 >> 3).
std::string system_name(unsigned code) {
  switch (code) {
    case 2:
      return "SIR-2000";
    case 3:
      return "SIR-3000";
    case 4:
      return "TerraVision";
    case 6:
      return "SIR 20";
    case 7:
      return "StructureScan Mini";
    case 8:
      return "SIR 4000";
    case 9:
    case 10:
      return "SIR 30";
    case 12:
      return "UtilityScan DF";
    case 13:
      return "HS";
    case 14:
      return "StructureScan Mini XT";
    default:
      return "unknown GSSI system (code " + std::to_string(code) + ")";
  }
}

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string format_error(const std::string& name, std::size_t offset, std::string_view field,
                         const std::string& what) {
  return name + ": byte " + std::to_string(offset) + ", field " + std::string(field) + ": " + what;
}

// The header fields this reader relies on, validated.
struct Layout {
  unsigned bits = 0;
  std::size_t nsamp = 0;
  std::size_t nchan = 0;
  std::uint64_t data_offset = 0;
  double range_ns = 0.0;
};

// Throws FormatError naming the first field that cannot be trusted. `file_size` bounds the data
// offset; the sniffer passes the largest possible size.
Layout validate(std::span<const std::byte> h, std::uint64_t file_size, const std::string& name) {
  Layout l;
  l.bits = load_le<std::uint16_t>(h, at::bits);
  if (l.bits != 8 && l.bits != 16 && l.bits != 32) {
    throw FormatError(format_error(name, at::bits, "rh_bits",
                                   "expected 8, 16 or 32, found " + std::to_string(l.bits)));
  }
  l.nsamp = load_le<std::uint16_t>(h, at::nsamp);
  if (l.nsamp < kMinSamples) {
    throw FormatError(format_error(
        name, at::nsamp, "rh_nsamp",
        "expected at least 3 samples per scan (scan counter, mark word, data), found " +
            std::to_string(l.nsamp)));
  }
  l.nchan = load_le<std::uint16_t>(h, at::nchan);
  if (l.nchan < 1 || l.nchan > kMaxChannels) {
    throw FormatError(format_error(name, at::nchan, "rh_nchan",
                                   "expected 1 to 16 channels, found " + std::to_string(l.nchan)));
  }
  const unsigned rh_data = load_le<std::uint16_t>(h, at::data);
  if (rh_data == 0) {
    throw FormatError(format_error(name, at::data, "rh_data",
                                   "expected the header size (1..1023 KiB, or bytes >= 1024), "
                                   "found 0"));
  }
  // Small values count KiB; larger ones are a byte offset that readers in the wild replace by
  // one header per channel.
  const bool in_kib = rh_data < kHeaderSize;
  l.data_offset = kHeaderSize * (in_kib ? rh_data : l.nchan);
  const std::size_t offset_at = in_kib ? at::data : at::nchan;
  const std::string_view offset_field = in_kib ? "rh_data" : "rh_nchan";
  if (l.data_offset < kHeaderSize * l.nchan) {
    throw FormatError(format_error(name, offset_at, offset_field,
                                   "data offset " + std::to_string(l.data_offset) +
                                       " is inside the " + std::to_string(l.nchan) +
                                       " channel headers (" +
                                       std::to_string(kHeaderSize * l.nchan) + " bytes)"));
  }
  if (l.data_offset > file_size) {
    throw FormatError(format_error(name, offset_at, offset_field,
                                   "data offset " + std::to_string(l.data_offset) +
                                       " is beyond the file size " + std::to_string(file_size)));
  }
  l.range_ns = load_le<float>(h, at::range);
  if (!std::isfinite(l.range_ns) || l.range_ns <= 0.0) {
    throw FormatError(
        format_error(name, at::range, "rhf_range",
                     "expected a positive time window in ns, found " + number(l.range_ns)));
  }
  return l;
}

// A scans-per-unit rate: 0 means "not recorded"; a usable one is finite and at least `minimum`.
double rate(std::span<const std::byte> h, std::size_t offset, std::string_view field,
            double minimum, const std::string& name, std::vector<std::string>& warnings) {
  const double v = load_le<float>(h, offset);
  if (v == 0.0 || (std::isfinite(v) && v >= minimum && v > 0.0)) return v;
  warnings.push_back(format_error(
      name, offset, field,
      number(v) + " ignored (expected 0 or " +
          (minimum > 0.0 ? "at least " + number(minimum) : std::string("more")) + ")"));
  return 0.0;
}

class DztReader final : public TraceFileReader {
 public:
  explicit DztReader(const std::filesystem::path& path) : name_(path.filename().string()) {
    in_.open(path, std::ios::binary);
    std::error_code ec;
    const std::uint64_t size = std::filesystem::file_size(path, ec);
    if (!in_ || ec) {
      throw IoError(path.string() + ": cannot open (" +
                    (ec ? ec.message() : std::generic_category().message(errno)) + ")");
    }
    std::array<std::byte, kHeaderSize> h{};
    if (size < kHeaderSize) {
      throw FormatError(format_error(
          name_, size, "header",
          "the file ends at byte " + std::to_string(size) + ", a DZT header is 1024 bytes"));
    }
    read_at(0, h);
    const Layout l = validate(h, size, name_);
    bits_ = l.bits;
    nsamp_ = l.nsamp;
    nchan_ = l.nchan;
    buffer_.resize(nsamp_ * (bits_ / 8));

    info_.format = FileFormat::gssi_dzt;
    info_.path = path;
    info_.dt_s = l.range_ns * 1e-9 / static_cast<double>(nsamp_);
    info_.samples_per_trace = nsamp_;
    info_.channels = nchan_;
    info_.traces_per_channel = (size - l.data_offset) / (buffer_.size() * nchan_);
    info_.sample_format = bits_ == 32 ? "int32" : "uint" + std::to_string(bits_) + " offset binary";
    const unsigned version_byte = std::to_integer<unsigned>(h[at::version]);
    info_.instrument = system_name(version_byte >> 3);
    // Below a scan per 1000 s the nominal timestamps would overflow int64 ns within a file.
    const double sps = rate(h, at::sps, "rhf_sps", 1e-3, name_, warnings_);
    const double spm = rate(h, at::spm, "rhf_spm", 0.0, name_, warnings_);
    info_.trace_spacing_m = spm > 0.0 ? 1.0 / spm : 0.0;
    seconds_per_scan_ = sps > 0.0 ? 1.0 / sps : 0.0;

    describe(h, l, version_byte);
    for (std::size_t c = 0; c < nchan_; ++c) {
      std::array<std::byte, at::antname_size> ant{};
      read_at(kHeaderSize * c + at::antname, ant);
      const std::string antenna = text_field(ant, 0, ant.size());
      const auto hz = gssi_antenna_frequency_hz(antenna);
      if (c == 0) {
        info_.antenna = antenna;
        info_.antenna_frequency_hz = hz;
      }
      info_.fields.emplace_back("rh_antname[" + std::to_string(c) + "]",
                                antenna + (hz ? " (" + number(*hz / 1e6) + " MHz)" : ""));
    }
    conventions();

    gssi::read_dzx(path, info_.marks, warnings_);
    for (const auto& m : info_.marks) companion_marks_.push_back(m.trace_index);
    std::sort(companion_marks_.begin(), companion_marks_.end());
    gssi::read_dzg(path, info_.gps, warnings_);

    in_.seekg(static_cast<std::streamoff>(l.data_offset));
  }

  [[nodiscard]] const FileInfo& info() const noexcept override { return info_; }
  [[nodiscard]] const std::vector<std::string>& warnings() const noexcept override {
    return warnings_;
  }

  bool next_trace(dsp::Trace& trace) override {
    trace.samples.clear();
    if (done_) return false;
    in_.read(reinterpret_cast<char*>(buffer_.data()), static_cast<std::streamsize>(buffer_.size()));
    const auto got = static_cast<std::size_t>(in_.gcount());
    if (in_.bad()) throw IoError(name_ + ": read error in trace " + std::to_string(traces_));
    if (got < buffer_.size()) {
      done_ = true;
      if (got > 0) {
        warnings_.push_back(name_ + ": file ends " + std::to_string(got) + " bytes into trace " +
                            std::to_string(traces_) + " (of " + std::to_string(nsamp_) +
                            " samples × " + std::to_string(bits_ / 8) + " bytes); " +
                            std::to_string(traces_) + " complete traces read");
      }
      return false;
    }
    const std::uint64_t scan = traces_ / nchan_;
    const auto channel = static_cast<std::uint16_t>(traces_ % nchan_);
    ++traces_;

    trace.samples.resize(nsamp_);
    decode(trace.samples);
    note_mark(scan, raw(1));
    trace.samples[0] = trace.samples[1] = trace.samples[2];

    trace.header.dt_s = info_.dt_s;
    trace.header.time_zero_s = 0.0;
    trace.header.position_m = static_cast<double>(scan) * info_.trace_spacing_m;
    trace.header.odometer_ticks = 0;
    trace.header.timestamp_ns = std::llround(static_cast<double>(scan) * seconds_per_scan_ * 1e9);
    trace.header.sequence = scan;
    trace.header.channel = channel;
    return true;
  }

 private:
  template <std::size_t N>
  void read_at(std::uint64_t offset, std::array<std::byte, N>& out) {
    in_.seekg(static_cast<std::streamoff>(offset));
    in_.read(reinterpret_cast<char*>(out.data()), N);
    if (in_.gcount() != static_cast<std::streamsize>(N)) {
      throw IoError(name_ + ": cannot read " + std::to_string(N) + " bytes at byte " +
                    std::to_string(offset));
    }
  }

  // The raw word of sample i: unsigned for 8/16 bits, signed for 32.
  [[nodiscard]] std::int64_t raw(std::size_t i) const {
    switch (bits_) {
      case 8:
        return std::to_integer<std::uint8_t>(buffer_[i]);
      case 16:
        return load_le<std::uint16_t>(buffer_, 2 * i);
      default:
        return load_le<std::int32_t>(buffer_, 4 * i);
    }
  }

  // One loop per sample size, so the hot loop has no branch on it.
  void decode(std::span<float> out) const {
    switch (bits_) {
      case 8:
        for (std::size_t i = 0; i < out.size(); ++i) {
          out[i] = static_cast<float>(std::to_integer<int>(buffer_[i]) - 128);
        }
        break;
      case 16:
        for (std::size_t i = 0; i < out.size(); ++i) {
          out[i] =
              static_cast<float>(static_cast<int>(load_le<std::uint16_t>(buffer_, 2 * i)) - 32768);
        }
        break;
      default:
        for (std::size_t i = 0; i < out.size(); ++i) {
          out[i] = static_cast<float>(load_le<std::int32_t>(buffer_, 4 * i));
        }
    }
  }

  // Marks found in the data are appended as the traces stream by (info() is complete once
  // next_trace has returned false), once per scan and not again when the DZX already has them.
  void note_mark(std::uint64_t scan, std::int64_t word) {
    if (word == 0 || last_mark_scan_ == scan) return;
    last_mark_scan_ = scan;
    if (std::binary_search(companion_marks_.begin(), companion_marks_.end(), scan)) return;
    const std::size_t digits = bits_ / 4;
    const auto bits_mask = bits_ == 32 ? 0xFFFFFFFFull : (1ull << bits_) - 1;
    info_.marks.push_back(
        {scan, "mark word " + hex(static_cast<std::uint64_t>(word) & bits_mask, digits)});
  }

  void describe(std::span<const std::byte> h, const Layout& l, unsigned version_byte) {
    auto& f = info_.fields;
    const auto u16 = [&](std::size_t o) { return std::to_string(load_le<std::uint16_t>(h, o)); };
    const auto i16 = [&](std::size_t o) { return std::to_string(load_le<std::int16_t>(h, o)); };
    const auto f32 = [&](std::size_t o) { return number(load_le<float>(h, o)); };
    f.emplace_back("rh_tag", hex(load_le<std::uint16_t>(h, at::tag), 4));
    f.emplace_back("rh_data", u16(at::data));
    f.emplace_back("data offset (bytes)", std::to_string(l.data_offset));
    f.emplace_back("rh_nsamp", u16(at::nsamp));
    f.emplace_back("rh_bits", u16(at::bits));
    f.emplace_back("rh_zero", i16(at::zero));
    f.emplace_back("rhf_sps (scans/s)", f32(at::sps));
    f.emplace_back("rhf_spm (scans/m)", f32(at::spm));
    f.emplace_back("rhf_mpm (m/mark)", f32(at::mpm));
    f.emplace_back("rhf_position (ns)", f32(at::position));
    f.emplace_back("rhf_range (ns)", f32(at::range));
    f.emplace_back("rh_npass", i16(at::npass));
    f.emplace_back("rhb_cdt (created)", packed_date(load_le<std::uint32_t>(h, at::cdt)));
    f.emplace_back("rhb_mdt (modified)", packed_date(load_le<std::uint32_t>(h, at::mdt)));
    f.emplace_back("rh_rgain", u16(at::rgain));
    f.emplace_back("rh_nrgain", u16(at::nrgain));
    f.emplace_back("rh_text", u16(at::text));
    f.emplace_back("rh_ntext", u16(at::ntext));
    f.emplace_back("rh_proc", u16(at::proc));
    f.emplace_back("rh_nproc", u16(at::nproc));
    f.emplace_back("rh_nchan", u16(at::nchan));
    f.emplace_back("rhf_epsr", f32(at::epsr));
    f.emplace_back("rhf_top (m)", f32(at::top));
    f.emplace_back("rhf_depth (m)", f32(at::depth));
    f.emplace_back("rhf_servo_level", f32(at::servo_level));
    f.emplace_back("rh_accomp", std::to_string(std::to_integer<unsigned>(h[at::accomp])));
    f.emplace_back("rh_sconfig", i16(at::sconfig));
    f.emplace_back("rh_spp", i16(at::spp));
    f.emplace_back("rh_linenum", i16(at::linenum));
    f.emplace_back("rh_lineorder", std::to_string(std::to_integer<unsigned>(h[at::lineorder])));
    f.emplace_back("rh_dtype", std::to_string(std::to_integer<unsigned>(h[at::dtype])));
    f.emplace_back("rh_chanmask", hex(load_le<std::uint16_t>(h, at::chanmask), 4));
    f.emplace_back("rh_version",
                   std::to_string(version_byte & 7u) + ((version_byte & 7u) == 2 ? " (GPS)" : ""));
    f.emplace_back("rh_system",
                   std::to_string(version_byte >> 3) + " (" + system_name(version_byte >> 3) + ")");
    f.emplace_back("rh_name", text_field(h, at::name, at::name_size));
    f.emplace_back("rh_chksum", hex(load_le<std::uint16_t>(h, at::chksum), 4));
  }

  void conventions() {
    auto& c = info_.conventions;
    c.emplace_back(
        "sample interval = rhf_range / rh_nsamp (readgssi, ImpDAR and RADAN-style readers; "
        "GPRPy uses rhf_range / (rh_nsamp - 1)): the nsamp samples fill the range window");
    c.emplace_back(
        "samples 0 and 1 of each scan (scan counter, mark word) are replaced by sample 2, as "
        "ImpDAR does (readgssi keeps the raw words); a non-zero mark word is reported as a mark");
    c.emplace_back(
        "8/16-bit samples re-centred by subtracting 128/32768 whatever rh_zero says (it is 0 in "
        "SIR-3000 files, 0x8000 in others; ImpDAR adds rh_zero to the data)");
    c.emplace_back(
        "data offset = 1024 * rh_data when rh_data < 1024, else 1024 * rh_nchan (readgssi)");
    c.emplace_back(
        "time_zero_s = 0: rh_zero is a binary offset or repeats-per-sample (readgssi), and the "
        "sign of rhf_position is undocumented; pick time zero from the direct wave");
    c.emplace_back(
        "position = scan / rhf_spm when rhf_spm > 0 (survey wheel), else 0 and only marks "
        "locate traces; timestamp = scan / rhf_sps from the start of the file (nominal)");
    c.emplace_back(
        "antenna frequency from \"NNNMHz\"/\"N.NGHz\" in rh_antname or a known GSSI model "
        "number (readgssi's table); other names are kept as text without a frequency");
    c.emplace_back(
        "rh_tag is not checked (0x00FF in GSSI's documentation, 0x0700 in SIR-3000 files); "
        "rhb_cdt/rhb_mdt are the unit's local time, without time zone");
    if (bits_ == 32) {
      c.emplace_back("32-bit samples are converted to float32: exact up to 2^24 in magnitude");
    }
  }

  std::string name_;
  std::ifstream in_;
  FileInfo info_;
  std::vector<std::string> warnings_;
  unsigned bits_ = 16;
  std::size_t nsamp_ = 0;
  std::size_t nchan_ = 1;
  double seconds_per_scan_ = 0.0;
  std::vector<std::byte> buffer_;  // one trace as stored
  std::uint64_t traces_ = 0;       // traces read, all channels
  bool done_ = false;
  std::vector<std::uint64_t> companion_marks_;  // sorted scans marked by the DZX
  std::optional<std::uint64_t> last_mark_scan_;
};

// ---------------------------------------------------------------------------------------------

class DztWriter final : public GssiDztWriter {
 public:
  DztWriter(const std::filesystem::path& path, const FileInfo& like, int bits)
      : path_(path),
        bits_(static_cast<unsigned>(bits)),
        nsamp_(like.samples_per_trace),
        nchan_(like.channels) {
    const std::string name = path.filename().string();
    const auto bad = [&](std::string_view field, const std::string& what) {
      return FormatError(name + ": cannot write a DZT with " + std::string(field) + " " + what);
    };
    if (bits != 16 && bits != 32) throw bad("bits", std::to_string(bits) + " (expected 16 or 32)");
    if (nsamp_ < kMinSamples || nsamp_ > 32767) {
      throw bad("samples_per_trace", std::to_string(nsamp_) + " (expected 3 to 32767)");
    }
    if (nchan_ < 1 || nchan_ > kMaxChannels) {
      throw bad("channels", std::to_string(nchan_) + " (expected 1 to 16)");
    }
    const double range_ns = like.dt_s * 1e9 * static_cast<double>(nsamp_);
    if (!(like.dt_s > 0.0) || !std::isfinite(range_ns) ||
        range_ns > std::numeric_limits<float>::max() || static_cast<float>(range_ns) <= 0.0f) {
      throw bad("dt_s", number(like.dt_s) + " (expected a positive interval)");
    }
    for (const auto& m : like.marks) marks_.push_back(m.trace_index);
    std::sort(marks_.begin(), marks_.end());

    out_.open(path, std::ios::binary | std::ios::trunc);
    if (!out_) {
      throw IoError(path.string() + ": cannot create (" + std::generic_category().message(errno) +
                    ")");
    }
    nominal_spacing_ = like.trace_spacing_m > 0.0;
    const auto header = make_header(like, range_ns, path.stem().string());
    for (std::size_t c = 0; c < nchan_; ++c) {
      out_.write(reinterpret_cast<const char*>(header.data()), header.size());
    }
    buffer_.resize(nsamp_ * (bits_ / 8));
    check_stream("header");
  }

  ~DztWriter() override {
    try {
      close();
    } catch (...) {  // NOLINT(bugprone-empty-catch): a destructor cannot report; close() can
    }
  }

  void write(const dsp::TraceView& trace) override {
    const std::string where = path_.filename().string() + ": trace " + std::to_string(traces_);
    if (closed_) throw IoError(where + ": written after close()");
    const auto channel = static_cast<std::uint16_t>(traces_ % nchan_);
    if (trace.samples.size() != nsamp_) {
      throw FormatError(where + " has " + std::to_string(trace.samples.size()) +
                        " samples, the file has " + std::to_string(nsamp_));
    }
    if (trace.header.channel != channel) {
      throw FormatError(where + " is on channel " + std::to_string(trace.header.channel) +
                        ", expected channel " + std::to_string(channel) +
                        " (channels interleave scan by scan)");
    }
    const std::uint64_t scan = traces_ / nchan_;
    const bool marked = std::binary_search(marks_.begin(), marks_.end(), scan);
    if (bits_ == 16) {
      store_le<std::uint16_t>(buffer_, 0, static_cast<std::uint16_t>(scan & 0xFFFFu));
      store_le<std::uint16_t>(buffer_, 2, marked ? kMarkWord16 : 0);
    } else {
      store_le<std::uint32_t>(buffer_, 0, static_cast<std::uint32_t>(scan & 0xFFFFFFFFu));
      store_le<std::uint32_t>(buffer_, 4, marked ? kMarkWord32 : 0);
    }
    for (std::size_t i = 2; i < nsamp_; ++i) {
      if (bits_ == 16) {
        store_le<std::uint16_t>(
            buffer_, 2 * i,
            static_cast<std::uint16_t>(to_int(trace.samples[i], -32768, 32767) + 32768));
      } else {
        store_le<std::uint32_t>(
            buffer_, 4 * i,
            static_cast<std::uint32_t>(to_int(trace.samples[i], -2147483648.0, 2147483647.0)));
      }
    }
    out_.write(reinterpret_cast<const char*>(buffer_.data()),
               static_cast<std::streamsize>(buffer_.size()));
    check_stream("trace " + std::to_string(traces_));
    if (channel == 0) {
      if (scan == 0) {
        first_ns_ = trace.header.timestamp_ns;
        first_position_m_ = trace.header.position_m;
      }
      last_ns_ = trace.header.timestamp_ns;
      last_position_m_ = trace.header.position_m;
    }
    ++traces_;
  }

  void close() override {
    if (closed_) return;
    closed_ = true;
    // Scans per second from the timestamps of channel 0, when they advance; scans per metre
    // from its positions, when the source gave no nominal spacing (DZT holds only a uniform one).
    const std::uint64_t scans = (traces_ + nchan_ - 1) / nchan_;
    if (scans > 1 && last_ns_ > first_ns_) {
      patch_header_f32(at::sps, static_cast<double>(scans - 1) * 1e9 /
                                    static_cast<double>(last_ns_ - first_ns_));
    }
    if (!nominal_spacing_ && scans > 1 && last_position_m_ > first_position_m_) {
      patch_header_f32(at::spm,
                       static_cast<double>(scans - 1) / (last_position_m_ - first_position_m_));
    }
    out_.close();
    check_stream("close");
    const auto report = [&](std::uint64_t n, const std::string& what) {
      if (n > 0)
        warnings_.push_back(path_.filename().string() + ": " + std::to_string(n) + " " + what);
    };
    const std::string range = bits_ == 16 ? "[-32768, 32767]" : "[-2^31, 2^31 - 1]";
    report(clamped_, "sample(s) outside " + range + " clamped");
    report(non_finite_, "non-finite sample(s) written as 0");
    report(rounded_, "non-integer sample(s) rounded to the nearest integer");
  }

  [[nodiscard]] const std::vector<std::string>& warnings() const noexcept override {
    return warnings_;
  }
  [[nodiscard]] std::uint64_t clamped_samples() const noexcept override { return clamped_; }

 private:
  // Rewrites one float32 field in every channel's header.
  void patch_header_f32(std::size_t offset, double value) {
    std::array<std::byte, 4> field{};
    store_le<float>(field, 0, static_cast<float>(value));
    for (std::size_t c = 0; c < nchan_; ++c) {
      out_.seekp(static_cast<std::streamoff>(kHeaderSize * c + offset));
      out_.write(reinterpret_cast<const char*>(field.data()), field.size());
    }
  }

  std::array<std::byte, kHeaderSize> make_header(const FileInfo& like, double range_ns,
                                                 const std::string& stem) {
    std::array<std::byte, kHeaderSize> h{};
    store_le<std::uint16_t>(h, at::tag, 0x00FF);
    store_le<std::uint16_t>(h, at::data, static_cast<std::uint16_t>(kHeaderSize));
    store_le<std::uint16_t>(h, at::nsamp, static_cast<std::uint16_t>(nsamp_));
    store_le<std::uint16_t>(h, at::bits, static_cast<std::uint16_t>(bits_));
    store_le<std::uint16_t>(h, at::zero,
                            bits_ == 16 ? 0x8000 : 0);  // ImpDAR adds rh_zero to the data
    store_le<float>(
        h, at::spm,
        like.trace_spacing_m > 0.0 ? static_cast<float>(1.0 / like.trace_spacing_m) : 0.0f);
    store_le<float>(h, at::range, static_cast<float>(range_ns));
    store_le<std::uint32_t>(h, at::cdt, pack_date(std::chrono::system_clock::now()));
    store_le<std::uint16_t>(h, at::nchan, static_cast<std::uint16_t>(nchan_));
    // readgssi divides by rhf_epsr: 1 (free space) keeps rhf_depth a plain c * range / 2.
    store_le<float>(h, at::epsr, 1.0f);
    store_le<float>(h, at::depth, static_cast<float>(kSpeedOfLight * range_ns * 1e-9 / 2.0));
    const std::string antenna = antenna_name(like);
    std::memcpy(h.data() + at::antname, antenna.data(), antenna.size());
    h[at::version] = std::byte{1};  // rh_version 1: no GPS; rh_system 0: not a GSSI unit
    const std::string name = stem.substr(0, at::name_size - 1);
    std::memcpy(h.data() + at::name, name.data(), name.size());
    return h;
  }

  // readgssi looks the name up in its table or reads its leading digits as MHz, so a known
  // frequency is written as "NNNMHz" unless the given name already says the same.
  std::string antenna_name(const FileInfo& like) {
    std::string antenna = like.antenna;
    const auto given = gssi_antenna_frequency_hz(antenna);
    if (like.antenna_frequency_hz && *like.antenna_frequency_hz > 0.0 &&
        (!given || std::abs(*given - *like.antenna_frequency_hz) > 0.5e6 ||
         antenna.size() > at::antname_size || antenna.empty() || !is_digit(antenna.front()))) {
      antenna = std::to_string(std::llround(*like.antenna_frequency_hz / 1e6)) + "MHz";
    }
    if (antenna.size() > at::antname_size) {
      warnings_.push_back(path_.filename().string() + ": antenna name \"" + antenna +
                          "\" shortened to 14 bytes");
      antenna.resize(at::antname_size);
    }
    return antenna;
  }

  std::int64_t to_int(float v, double lo, double hi) {
    if (!std::isfinite(v)) {
      ++non_finite_;
      return 0;
    }
    double r = std::nearbyint(static_cast<double>(v));
    if (r != static_cast<double>(v)) ++rounded_;
    if (r < lo || r > hi) {
      ++clamped_;
      r = std::clamp(r, lo, hi);
    }
    return static_cast<std::int64_t>(r);
  }

  void check_stream(const std::string& what) {
    if (!out_) throw IoError(path_.string() + ": write failed (" + what + ")");
  }

  std::filesystem::path path_;
  std::ofstream out_;
  unsigned bits_;
  std::size_t nsamp_;
  std::size_t nchan_;
  std::vector<std::uint64_t> marks_;  // sorted
  std::vector<std::byte> buffer_;
  std::vector<std::string> warnings_;
  std::uint64_t traces_ = 0;
  std::int64_t first_ns_ = 0;
  std::int64_t last_ns_ = 0;
  bool nominal_spacing_ = false;  // the source gave a trace spacing (written at open)
  double first_position_m_ = 0.0;
  double last_position_m_ = 0.0;
  std::uint64_t clamped_ = 0;
  std::uint64_t rounded_ = 0;
  std::uint64_t non_finite_ = 0;
  bool closed_ = false;
};

}  // namespace

bool looks_like_gssi_dzt(std::span<const std::byte> first_bytes) noexcept {
  if (first_bytes.size() < 128) return false;
  const auto tag_low = std::to_integer<unsigned>(first_bytes[at::tag]);
  if (tag_low != 0x00 && tag_low != 0xFF) return false;
  try {
    (void)validate(first_bytes, std::numeric_limits<std::uint64_t>::max(), "");
    return true;
  } catch (...) {  // a sniffer only answers yes or no (FormatError, or bad_alloc building one)
    return false;
  }
}

std::unique_ptr<TraceFileReader> open_gssi_dzt(const std::filesystem::path& path) {
  return std::make_unique<DztReader>(path);
}

std::optional<double> gssi_antenna_frequency_hz(std::string_view name) {
  // "400MHz", "2.6GHZ", "1.5 GHz" anywhere in the text.
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (!is_digit(name[i]) || (i > 0 && (is_digit(name[i - 1]) || name[i - 1] == '.'))) continue;
    double value = 0.0;
    const auto [end, ec] = std::from_chars(name.data() + i, name.data() + name.size(), value,
                                           std::chars_format::fixed);
    if (ec != std::errc()) continue;
    std::string_view rest = name.substr(static_cast<std::size_t>(end - name.data()));
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    if (rest.size() < 3) continue;
    const auto unit = rest.substr(0, 3);
    if (equal_ignoring_case(unit, "MHz") && value > 0.0) return value * 1e6;
    if (equal_ignoring_case(unit, "GHz") && value > 0.0) return value * 1e9;
  }
  // GSSI model numbers (readgssi's table), with an optional "D" prefix and any suffix
  // ("5106A", "3101D", "50400S", "62000-003").
  struct Model {
    std::string_view number;
    double mhz;
  };
  static constexpr std::array<Model, 13> kModels{{{"3207", 100},
                                                  {"5106", 200},
                                                  {"50270", 270},
                                                  {"50300", 300},
                                                  {"350", 350},
                                                  {"50400", 400},
                                                  {"800", 800},
                                                  {"50800", 800},
                                                  {"3101", 900},
                                                  {"51600", 1600},
                                                  {"62000", 2000},
                                                  {"62300", 2300},
                                                  {"52600", 2600}}};
  std::string_view model = name;
  while (!model.empty() && model.front() == ' ') model.remove_prefix(1);
  if (!model.empty() && (model.front() == 'D' || model.front() == 'd')) model.remove_prefix(1);
  const auto digits = static_cast<std::size_t>(
      std::find_if(model.begin(), model.end(), [](char c) { return !is_digit(c); }) -
      model.begin());
  for (const auto& m : kModels) {
    if (model.substr(0, digits) == m.number) return m.mhz * 1e6;
  }
  return std::nullopt;
}

std::unique_ptr<GssiDztWriter> create_gssi_dzt(const std::filesystem::path& path,
                                               const FileInfo& like, int bits) {
  return std::make_unique<DztWriter>(path, like, bits);
}

}  // namespace deminer::sim::formats
