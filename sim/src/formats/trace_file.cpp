// The format table: which reader and writer serves which file, and how a file is recognised.
#include "deminer/sim/formats/trace_file.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <functional>
#include <span>
#include <string>

#include "deminer/dsp/core/error.hpp"
#include "deminer/sim/formats/deminer_recording.hpp"
#include "deminer/sim/formats/gprmax.hpp"
#include "deminer/sim/formats/gssi_dzt.hpp"
#include "deminer/sim/formats/mala.hpp"
#include "deminer/sim/formats/segy.hpp"
#include "deminer/sim/formats/sensors_software_dt1.hpp"

namespace deminer::sim::formats {
namespace {

using Sniffer = bool (*)(std::span<const std::byte>) noexcept;
using Opener = std::function<std::unique_ptr<TraceFileReader>(const std::filesystem::path&,
                                                              const OpenOptions&)>;
using Creator = std::function<std::unique_ptr<TraceFileWriter>(
    const std::filesystem::path&, const FileInfo&, const WriteOptions&)>;

struct FormatEntry {
  FileFormat format;
  std::string_view name;
  std::vector<std::string_view> extensions;  // lower case, with the dot
  Sniffer sniff;                             // nullptr: headerless
  bool strong_magic;  // the sniffer checks a magic number no other format starts with
  Opener open;
  Creator create;  // empty: no writer
};

const std::vector<FormatEntry>& format_table() {
  static const std::vector<FormatEntry> table = {
      {FileFormat::deminer,
       "deminer",
       {".dmr"},
       looks_like_deminer_recording,
       true,
       [](const auto& path, const auto&) { return open_deminer_recording(path); },
       [](const auto& path, const auto& like, const auto&) {
         return create_deminer_recording(path, like);
       }},
      {FileFormat::gprmax,
       "gprMax",
       {".out", ".h5"},
       looks_like_gprmax,
       true,
       [](const auto& path, const auto& options) { return open_gprmax(path, options); },
       nullptr},
      {FileFormat::segy,
       "SEG-Y",
       {".sgy", ".segy"},
       looks_like_segy,
       false,
       [](const auto& path, const auto& options) {
         return open_segy(path, SegyOptions{options.segy_interval_unit});
       },
       [](const auto& path, const auto& like, const auto&) { return create_segy(path, like); }},
      {FileFormat::gssi_dzt,
       "GSSI",
       {".dzt"},
       looks_like_gssi_dzt,
       false,
       [](const auto& path, const auto&) { return open_gssi_dzt(path); },
       [](const auto& path, const auto& like,
          const auto& options) -> std::unique_ptr<TraceFileWriter> {
         return create_gssi_dzt(path, like, options.dzt_bits);
       }},
      {FileFormat::sensors_software_dt1,
       "Sensors & Software",
       {".dt1", ".hd"},
       looks_like_sensors_software_dt1,
       false,
       [](const auto& path, const auto&) { return open_sensors_software_dt1(path); },
       nullptr},
      // RD3/RD7 data has no header: known by extension, or a .rad header by its text.
      {FileFormat::mala_rd3,
       "MALA",
       {".rd3", ".rad"},
       looks_like_mala,
       false,
       [](const auto& path, const auto&) { return open_mala(path); },
       nullptr},
      {FileFormat::mala_rd7,
       "MALA",
       {".rd7"},
       nullptr,
       false,
       [](const auto& path, const auto&) { return open_mala(path); },
       nullptr},
  };
  return table;
}

std::string lower_extension(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

const FormatEntry& entry_for(FileFormat format) {
  for (const auto& entry : format_table()) {
    if (entry.format == format) return entry;
  }
  throw FormatError("format '" + std::string(to_string(format)) + "' is not built in");
}

std::string known_extensions() {
  std::string list;
  for (const auto& entry : format_table()) {
    list += list.empty() ? "" : ", ";
    list += entry.name;
    list += " (";
    for (std::size_t i = 0; i < entry.extensions.size(); ++i) {
      list += (i == 0 ? "" : " ");
      list += entry.extensions[i];
    }
    list += ")";
  }
  return list;
}

}  // namespace

const std::vector<std::string>& TraceFileWriter::warnings() const noexcept {
  static const std::vector<std::string> none;
  return none;
}

std::string_view to_string(FileFormat format) noexcept {
  switch (format) {
    case FileFormat::deminer:
      return "deminer";
    case FileFormat::gssi_dzt:
      return "gssi-dzt";
    case FileFormat::sensors_software_dt1:
      return "sensors-software-dt1";
    case FileFormat::mala_rd3:
      return "mala-rd3";
    case FileFormat::mala_rd7:
      return "mala-rd7";
    case FileFormat::segy:
      return "segy";
    case FileFormat::gprmax:
      return "gprmax";
  }
  return "unknown";
}

FileFormat detect_format(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(path.string() + ": cannot open");
  std::array<char, 4096> head{};
  in.read(head.data(), head.size());
  const auto first = std::as_bytes(std::span(head).first(static_cast<std::size_t>(in.gcount())));

  // 1. A magic number no other format starts with decides at once.
  for (const auto& entry : format_table()) {
    if (entry.strong_magic && entry.sniff(first)) return entry.format;
  }
  // 2. A known extension: that format's reader opens it and reports precisely what is wrong,
  //    rather than "unknown format" (and headerless MALA data has nothing else to go by).
  const std::string ext = lower_extension(path);
  for (const auto& entry : format_table()) {
    if (std::find(entry.extensions.begin(), entry.extensions.end(), ext) !=
        entry.extensions.end()) {
      return entry.format;
    }
  }
  // 3. A renamed file: the weaker header checks.
  for (const auto& entry : format_table()) {
    if (!entry.strong_magic && entry.sniff != nullptr && entry.sniff(first)) return entry.format;
  }
  std::string bytes;
  for (std::size_t i = 0; i < std::min<std::size_t>(first.size(), 8); ++i) {
    char hex[4];
    std::snprintf(hex, sizeof hex, "%02X ", static_cast<unsigned>(first[i]));
    bytes += hex;
  }
  throw FormatError(path.string() + ": not a GPR file deminer can read (first bytes: " + bytes +
                    "); known formats: " + known_extensions());
}

std::unique_ptr<TraceFileReader> open_trace_file(const std::filesystem::path& path,
                                                 const OpenOptions& options) {
  const FileFormat format = options.format ? *options.format : detect_format(path);
  return entry_for(format).open(path, options);
}

std::unique_ptr<TraceFileWriter> create_trace_file(const std::filesystem::path& path,
                                                   const FileInfo& like,
                                                   const WriteOptions& options) {
  if (options.format) {
    const auto& entry = entry_for(*options.format);
    if (!entry.create) {
      throw FormatError(path.string() + ": deminer cannot write " + std::string(entry.name) +
                        " files");
    }
    return entry.create(path, like, options);
  }
  const std::string ext = lower_extension(path);
  std::string writable;
  for (const auto& entry : format_table()) {
    if (!entry.create) continue;
    if (std::find(entry.extensions.begin(), entry.extensions.end(), ext) !=
        entry.extensions.end()) {
      return entry.create(path, like, options);
    }
    for (auto e : entry.extensions)
      writable += std::string(writable.empty() ? "" : " ") + std::string(e);
  }
  throw FormatError(path.string() + ": cannot tell the output format from the extension '" + ext +
                    "'; deminer writes " + writable);
}

}  // namespace deminer::sim::formats
