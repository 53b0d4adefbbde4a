// DZX (marks) and DZG (GPS) companions of GSSI DZT files; see gssi_dzt_companions.hpp.
#include "gssi_dzt_companions.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <optional>
#include <string_view>
#include <system_error>

namespace deminer::sim::formats::gssi {
namespace {

// A DZX is a few kB; anything far larger is not one, and must not exhaust memory.
constexpr std::uintmax_t kMaxDzxBytes = 64u << 20;

std::optional<std::filesystem::path> companion(const std::filesystem::path& dzt,
                                               std::string_view upper, std::string_view lower) {
  for (const std::string_view ext : {upper, lower}) {
    auto p = dzt;
    p.replace_extension(ext);
    std::error_code ec;
    if (std::filesystem::is_regular_file(p, ec)) return p;
  }
  return std::nullopt;
}

std::string_view trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n";
  const auto first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

template <typename T>
std::optional<T> parse_number(std::string_view s) {
  s = trim(s);
  T value{};
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return value;
}

// The text of the first <tag>...</tag> inside `block`; nullopt when absent or unterminated.
std::optional<std::string_view> element(std::string_view block, std::string_view tag) {
  const std::string open = "<" + std::string(tag) + ">";
  const std::string close = "</" + std::string(tag) + ">";
  const auto start = block.find(open);
  if (start == std::string_view::npos) return std::nullopt;
  const auto text = start + open.size();
  const auto end = block.find(close, text);
  if (end == std::string_view::npos) return std::nullopt;
  return block.substr(text, end - text);
}

struct Problems {
  std::size_t count = 0;
  std::string first;
  void add(std::string what) {
    if (count++ == 0) first = std::move(what);
  }
};

void parse_dzx(std::string_view xml, std::vector<Mark>& marks, Problems& problems) {
  // Unprocessed and processed DZX files keep user marks in <WayPt> blocks.
  bool any_waypoint = false;
  for (std::size_t at = xml.find("<WayPt"); at != std::string_view::npos;
       at = xml.find("<WayPt", at + 1)) {
    any_waypoint = true;
    const auto end = xml.find("</WayPt>", at);
    if (end == std::string_view::npos) {
      problems.add("byte " + std::to_string(at) + ": <WayPt> is not closed");
      break;
    }
    const auto block = xml.substr(at, end - at);
    const auto scan_text = element(block, "scan");
    const auto scan = scan_text ? parse_number<std::uint64_t>(*scan_text) : std::nullopt;
    if (!scan) {
      problems.add("byte " + std::to_string(at) + ": <WayPt> has no valid <scan> (found '" +
                   std::string(scan_text ? trim(*scan_text) : "") + "')");
      continue;
    }
    std::string label(trim(element(block, "mark").value_or("")));
    const auto name = trim(element(block, "name").value_or(""));
    if (!name.empty()) label += (label.empty() ? "" : " ") + std::string(name);
    marks.push_back({*scan, label.empty() ? "DZX mark" : label});
  }
  if (any_waypoint) return;
  // The TargetGroup variant: <scanSampChanProp>scan,sample,channel,...</scanSampChanProp>.
  constexpr std::string_view kOpen = "<scanSampChanProp>";
  for (std::size_t at = xml.find(kOpen); at != std::string_view::npos;
       at = xml.find(kOpen, at + 1)) {
    const auto text = element(xml.substr(at), "scanSampChanProp");
    const auto scan =
        text ? parse_number<std::uint64_t>(text->substr(0, text->find(','))) : std::nullopt;
    if (!scan) {
      problems.add("byte " + std::to_string(at) + ": <scanSampChanProp> does not start with a " +
                   "scan number");
      continue;
    }
    marks.push_back({*scan, "DZX target"});
  }
}

// NMEA ddmm.mmmm (or dddmm.mmmm) plus hemisphere letter to signed degrees.
std::optional<double> nmea_degrees(std::string_view value, std::string_view hemisphere,
                                   double limit) {
  const auto v = parse_number<double>(value);
  if (!v || *v < 0.0) return std::nullopt;
  const double degrees = std::floor(*v / 100.0);
  const double minutes = *v - 100.0 * degrees;
  const double result = degrees + minutes / 60.0;
  if (minutes >= 60.0 || result > limit) return std::nullopt;
  if (hemisphere == "S" || hemisphere == "W") return -result;
  if (hemisphere == "N" || hemisphere == "E") return result;
  return std::nullopt;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  for (std::size_t start = 0;;) {
    const auto end = s.find(sep, start);
    out.push_back(s.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return out;
    start = end + 1;
  }
}

// False when the sentence carries a checksum ("*hh") that does not match.
bool checksum_ok(std::string_view& sentence) {
  const auto star = sentence.rfind('*');
  if (star == std::string_view::npos) return true;
  unsigned expected = 0;
  const auto hex = trim(sentence.substr(star + 1));
  const auto [end, ec] = std::from_chars(hex.data(), hex.data() + hex.size(), expected, 16);
  unsigned sum = 0;
  for (const char c : sentence.substr(1, star - 1)) sum ^= static_cast<unsigned char>(c);
  sentence = sentence.substr(0, star);
  return ec == std::errc() && end == hex.data() + hex.size() && hex.size() == 2 && sum == expected;
}

}  // namespace

void read_dzx(const std::filesystem::path& dzt, std::vector<Mark>& marks,
              std::vector<std::string>& warnings) {
  const auto path = companion(dzt, ".DZX", ".dzx");
  if (!path) return;
  const std::string name = path->filename().string();
  std::error_code ec;
  const auto size = std::filesystem::file_size(*path, ec);
  if (ec || size > kMaxDzxBytes) {
    warnings.push_back(name + ": ignored (" +
                       (ec ? ec.message() : std::to_string(size) + " bytes is too large") + ")");
    return;
  }
  std::ifstream in(*path, std::ios::binary);
  const std::string xml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.eof() && in.fail()) {
    warnings.push_back(name + ": ignored (cannot be read)");
    return;
  }
  if (xml.find("<DZX") == std::string::npos) {
    warnings.push_back(name + ": ignored (no <DZX> element: not a DZX file)");
    return;
  }
  Problems problems;
  parse_dzx(xml, marks, problems);
  if (problems.count > 0) {
    warnings.push_back(name + ": " + std::to_string(problems.count) +
                       " mark(s) ignored (first: " + problems.first + ")");
  }
}

void read_dzg(const std::filesystem::path& dzt, std::vector<GpsFix>& gps,
              std::vector<std::string>& warnings) {
  const auto path = companion(dzt, ".DZG", ".dzg");
  if (!path) return;
  const std::string name = path->filename().string();
  std::ifstream in(*path, std::ios::binary);
  if (!in) {
    warnings.push_back(name + ": ignored (cannot be opened)");
    return;
  }
  Problems problems;
  std::size_t without_fix = 0;
  // The scan of the last $GSSIS line, until a GGA sentence uses it.
  std::uint64_t scan = 0;
  bool scan_pending = false;
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    std::string_view sentence = trim(line);
    const std::string where = "line " + std::to_string(number);
    if (sentence.empty()) continue;
    if (sentence.front() != '$' || !checksum_ok(sentence)) {
      problems.add(where + ": not an NMEA sentence or bad checksum");
      continue;
    }
    const auto f = split(sentence, ',');
    if (f[0] == "$GSSIS") {
      const auto n = f.size() > 1 ? parse_number<std::uint64_t>(f[1]) : std::nullopt;
      scan_pending = n.has_value();
      scan = n.value_or(0);
      if (!n) problems.add(where + ": $GSSIS without a scan number");
      continue;
    }
    if (f[0].size() != 6 || !f[0].ends_with("GGA")) continue;  // RMC, VTG...: not needed
    if (!scan_pending) continue;  // a second GGA for the same scan, or one before any $GSSIS
    scan_pending = false;
    const std::uint64_t trace = scan;
    if (f.size() < 10) {
      problems.add(where + ": GGA with " + std::to_string(f.size()) + " fields, expected 15");
      continue;
    }
    if (f[2].empty() || f[6] == "0") {
      ++without_fix;
      continue;
    }
    const auto lat = nmea_degrees(f[2], f[3], 90.0);
    const auto lon = nmea_degrees(f[4], f[5], 180.0);
    const auto alt = f[9].empty() ? std::optional<double>(0.0) : parse_number<double>(f[9]);
    if (!lat || !lon || !alt) {
      problems.add(where + ": GGA position or altitude is not a number in range");
      continue;
    }
    gps.push_back({trace, *lat, *lon, *alt});
  }
  if (problems.count > 0) {
    warnings.push_back(name + ": " + std::to_string(problems.count) +
                       " line(s) ignored (first: " + problems.first + ")");
  }
  if (without_fix > 0) {
    warnings.push_back(name + ": " + std::to_string(without_fix) +
                       " GGA sentence(s) without a fix skipped");
  }
}

}  // namespace deminer::sim::formats::gssi
