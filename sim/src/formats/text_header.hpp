// Private helpers of the Sensors & Software DT1/HD and MALA RD3/RD7/RAD readers: "KEY = value" /
// "KEY:value" text headers, FormatError messages, companion files and a front-to-back binary file.
//
// Why here: both formats pair a headerless (or nearly headerless) binary file with a small text
// header, and every error must name the file, the byte offset, the field, what was expected and
// what was found. Their sample bytes are decoded with deminer/drivers/byte_order.hpp.
#pragma once

#include <cctype>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "deminer/dsp/core/error.hpp"

namespace deminer::sim::formats::detail {

// "FILE: byte OFFSET, field FIELD: expected EXPECTED, found FOUND".
[[nodiscard]] inline FormatError format_error(const std::filesystem::path& file,
                                              std::uint64_t offset, std::string_view field,
                                              std::string_view expected, std::string_view found) {
  return FormatError(file.filename().string() + ": byte " + std::to_string(offset) + ", field " +
                     std::string(field) + ": expected " + std::string(expected) + ", found " +
                     std::string(found));
}

[[nodiscard]] inline std::string_view trim(std::string_view s) noexcept {
  const auto space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

[[nodiscard]] inline bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// The whole text as a number, or nothing (no trailing garbage, finite only).
[[nodiscard]] inline std::optional<double> parse_number(std::string_view text) noexcept {
  text = trim(text);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  double value = 0.0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() ||
      !(value > -std::numeric_limits<double>::max() &&
        value < std::numeric_limits<double>::max())) {
    return std::nullopt;
  }
  return value;
}

[[nodiscard]] inline std::string quote_text(std::string_view text) {
  constexpr std::size_t kMax = 40;  // a damaged header can hold a megabyte on one line
  std::string out = "\"";
  for (const char c : text.substr(0, kMax)) {
    out += std::isprint(static_cast<unsigned char>(c)) != 0 ? c : '?';
  }
  return out + (text.size() > kMax ? "...\"" : "\"");
}

struct TextField {
  std::string key;           // trimmed
  std::string value;         // trimmed
  std::uint64_t offset = 0;  // byte offset of the line in the file
};

// A small text header split into "key <separator> value" lines and free lines.
class TextHeader {
 public:
  // Text headers are a few kB; a larger file is not one (and is not read into memory).
  static constexpr std::uint64_t kMaxBytes = 1 << 20;

  [[nodiscard]] static TextHeader read(const std::filesystem::path& path, char separator) {
    std::error_code ec;
    const std::uint64_t size = std::filesystem::file_size(path, ec);
    if (ec) throw IoError(path.string() + ": cannot read the header: " + ec.message());
    if (size > kMaxBytes) {
      throw format_error(path, 0, "file size", "a text header of at most 1 MiB",
                         std::to_string(size) + " bytes");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) throw IoError(path.string() + ": cannot open the header");
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) throw IoError(path.string() + ": cannot read the header");

    TextHeader header;
    header.path_ = path;
    header.size_ = text.size();
    std::size_t start = 0;
    while (start < text.size()) {
      std::size_t end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      const std::string_view line = std::string_view(text).substr(start, end - start);
      if (line.find('\0') != std::string_view::npos) {
        throw format_error(path, start + line.find('\0'), "text", "a text header",
                           "a NUL byte (a binary file?)");
      }
      const std::size_t sep = line.find(separator);
      if (sep == std::string_view::npos) {
        if (!trim(line).empty()) header.free_.push_back({"", std::string(trim(line)), start});
      } else {
        header.fields_.push_back({std::string(trim(line.substr(0, sep))),
                                  std::string(trim(line.substr(sep + 1))), start});
      }
      start = end + 1;
    }
    return header;
  }

  [[nodiscard]] const std::vector<TextField>& fields() const noexcept { return fields_; }
  [[nodiscard]] const std::vector<TextField>& free_lines() const noexcept { return free_; }

  [[nodiscard]] const TextField* find(std::string_view key) const noexcept {
    for (const TextField& f : fields_) {
      if (iequals(f.key, key)) return &f;
    }
    return nullptr;
  }

  [[nodiscard]] const TextField& require(std::string_view key) const {
    if (const TextField* f = find(key)) return *f;
    throw format_error(path_, size_, key, "a line \"" + std::string(key) + "\"",
                       "none in the header");
  }

  // The value of `key` as a number in [min, max]; `whole` also requires an integer.
  [[nodiscard]] double number(const TextField& f, double min, double max, bool whole) const {
    const std::optional<double> v = parse_number(f.value);
    if (!v || *v < min || *v > max ||
        (whole && *v != static_cast<double>(static_cast<std::int64_t>(*v)))) {
      throw format_error(path_, f.offset, f.key,
                         std::string(whole ? "a whole number" : "a number") + " in [" +
                             shortest(min) + ", " + shortest(max) + "]",
                         quote_text(f.value));
    }
    return *v;
  }
  [[nodiscard]] double number(std::string_view key, double min, double max, bool whole) const {
    return number(require(key), min, max, whole);
  }

 private:
  static std::string shortest(double v) {
    char buf[32];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    return ec == std::errc() ? std::string(buf, end) : std::string("?");
  }

  std::filesystem::path path_;
  std::uint64_t size_ = 0;
  std::vector<TextField> fields_;
  std::vector<TextField> free_;
};

// `path` with its extension replaced by `ext` (".HD"), in the case that exists on disk: as given,
// upper or lower case. Returns nothing when none exists.
[[nodiscard]] inline std::optional<std::filesystem::path> companion(
    const std::filesystem::path& path, std::string ext) {
  std::string upper = ext, lower = ext;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  // Follow the case of the given extension first (".dt1" suggests ".hd").
  const std::string given = path.extension().string();
  const bool given_lower = !given.empty() && given == [&] {
    std::string l = given;
    for (char& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return l;
  }();
  for (const std::string& e :
       given_lower ? std::vector{lower, upper, ext} : std::vector{upper, lower, ext}) {
    std::filesystem::path candidate = path;
    candidate.replace_extension(e);
    std::error_code ec;
    if (std::filesystem::is_regular_file(candidate, ec)) return candidate;
  }
  return std::nullopt;
}

// Reads a binary file front to back in pieces; the file size is known at open.
class BinaryFile {
 public:
  explicit BinaryFile(const std::filesystem::path& path) : path_(path) {
    std::error_code ec;
    size_ = std::filesystem::file_size(path, ec);
    if (ec) throw IoError(path.string() + ": cannot read: " + ec.message());
    file_ = std::fopen(path.string().c_str(), "rb");
    if (file_ == nullptr) throw IoError(path.string() + ": cannot open for reading");
  }
  BinaryFile(const BinaryFile&) = delete;
  BinaryFile& operator=(const BinaryFile&) = delete;
  ~BinaryFile() { std::fclose(file_); }

  [[nodiscard]] std::uint64_t size() const noexcept { return size_; }
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

  // Fills `out` as far as the file allows and returns the number of bytes read.
  std::size_t read(std::span<std::byte> out) {
    const std::size_t got = std::fread(out.data(), 1, out.size(), file_);
    if (got < out.size() && std::ferror(file_) != 0) {
      throw IoError(path_.string() + ": read error");
    }
    return got;
  }

 private:
  std::filesystem::path path_;
  std::uint64_t size_ = 0;
  std::FILE* file_ = nullptr;
};

}  // namespace deminer::sim::formats::detail
