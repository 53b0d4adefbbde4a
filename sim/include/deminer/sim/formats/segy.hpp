// SEG-Y rev 0, 1 and 2: reader (any byte order, EBCDIC or ASCII text header, sample formats
// 1 IBM float32, 2 int32, 3 int16, 5 IEEE float32, 6 IEEE float64, 8 int8) and a rev 2 writer
// (big-endian IEEE float32 with the exact float64 sample interval).
//
// Why: SEG-Y is the exchange format every GPR package exports, but GPR sampling (tens of
// picoseconds) does not fit the standard's integer-microsecond interval. Readers in the wild
// disagree on how to recover it; the choice made for a file is listed in FileInfo::conventions.
// Units: the file's sample interval field is in µs (or ps, see SegyIntervalUnit); FileInfo and
// traces are in seconds and metres.
#pragma once

#include <filesystem>
#include <memory>
#include <span>

#include "deminer/sim/formats/trace_file.hpp"

namespace deminer::sim::formats {

// SegyIntervalUnit is declared in trace_file.hpp (OpenOptions carries it).
struct SegyOptions {
  SegyIntervalUnit interval_unit = SegyIntervalUnit::automatic;
};

// True when the first 3600 bytes look like a SEG-Y textual + binary header (text in EBCDIC or
// ASCII, a known sample format code in either byte order).
[[nodiscard]] bool looks_like_segy(std::span<const std::byte> first_bytes) noexcept;

// Throws IoError when the file cannot be read, FormatError when its headers cannot be trusted.
[[nodiscard]] std::unique_ptr<TraceFileReader> open_segy(const std::filesystem::path& path,
                                                         const SegyOptions& options = {});

// Rev 2.0, big-endian, format 5 (IEEE float32), fixed-length traces of like.samples_per_trace.
// The exact interval is the float64 at bytes 3273-3280 (µs); the integer field holds it rounded
// to whole µs (0 when below 0.5 µs). Positions (when like.positions_known, or nominal from a
// known trace spacing) go to source and
// group X in mm (coordinate scalar -1000). Throws IoError.
[[nodiscard]] std::unique_ptr<TraceFileWriter> create_segy(const std::filesystem::path& path,
                                                           const FileInfo& like);

}  // namespace deminer::sim::formats
