// GSSI DZT: reader and writer for Geophysical Survey Systems radar files (SIR-2000/3000/4000,
// SIR 20/30, StructureScan, UtilityScan), plus their DZX (marks) and DZG (GPS) companions.
//
// Layout: one 1024-byte little-endian header per channel, then scans of rh_nsamp samples, the
// channels interleaved scan by scan. 8- and 16-bit samples are offset binary (re-centred here by
// subtracting 128 or 32768), 32-bit samples are signed. Samples 0 and 1 of every scan are not
// radar data but a scan counter and a mark word: the reader reports a non-zero mark word as a
// mark and replaces both samples with sample 2, so a trace keeps rh_nsamp samples on the same
// time axis as other readers and filters see no step at its start.
// Units: seconds, metres, hertz (the header's ns, scans per metre and MHz are converted).
// Conventions where readers disagree are listed in FileInfo::conventions of every opened file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "deminer/sim/formats/trace_file.hpp"

namespace deminer::sim::formats {

// True when the first bytes (up to 4096) hold a plausible DZT header: rh_tag ending in 0x00 or
// 0xFF, 8/16/32 bits per sample, at least 3 samples, 1 to 16 channels, a positive finite range.
// DZT has no real magic number (rh_tag is 0x00FF in the documentation but 0x0700 in SIR-3000
// files), so this is a structural check.
[[nodiscard]] bool looks_like_gssi_dzt(std::span<const std::byte> first_bytes) noexcept;

// Opens a DZT file and, when present beside it, FILE.DZX (marks) and FILE.DZG (GPS). Throws
// FormatError for a header it cannot trust and IoError when the file cannot be read; a damaged
// companion or a truncated data section only adds a warning.
[[nodiscard]] std::unique_ptr<TraceFileReader> open_gssi_dzt(const std::filesystem::path& path);

// Frequency of a GSSI antenna from the free-text rh_antname: "NNNMHz"/"N.NGHz" anywhere in the
// text, or a known model number ("5106" -> 200 MHz, "3101D" -> 900 MHz). nullopt when unknown.
[[nodiscard]] std::optional<double> gssi_antenna_frequency_hz(std::string_view antenna_name);

// Writes DZT files that this reader, readgssi, GPRPy and ImpDAR accept: rh_tag 0x00FF, rh_data
// 1024, one header per channel, samples written as-is (the reader's numbers are the file's
// numbers, so DZT -> DZT is exact) after rounding; values outside the integer range are clamped
// and counted. Samples 0 and 1 of each trace are replaced by the scan counter and the mark word
// (from like.marks). Traces must arrive in scan order, channel 0 first.
class GssiDztWriter : public TraceFileWriter {
 public:
  // What was changed while writing (clamped, rounded, non-finite samples; shortened antenna name).
  // Complete after close().
  [[nodiscard]] virtual const std::vector<std::string>& warnings() const noexcept = 0;
  [[nodiscard]] virtual std::uint64_t clamped_samples() const noexcept = 0;
};

// bits: 16 or 32. Throws FormatError when `like` cannot be represented (e.g. dt_s <= 0, fewer
// than 3 or more than 32767 samples, more than 16 channels), IoError when the file cannot be
// created.
[[nodiscard]] std::unique_ptr<GssiDztWriter> create_gssi_dzt(const std::filesystem::path& path,
                                                             const FileInfo& like, int bits = 16);

}  // namespace deminer::sim::formats
