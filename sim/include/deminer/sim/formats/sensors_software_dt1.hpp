// Sensors & Software pulseEKKO / Noggin files: a .DT1 of traces beside a .HD text header.
//
// Why: years of pulseEKKO field data exist only in this form. The .HD holds "KEY = value" lines
// in any order after a few free lines (file tag, system, date); the .DT1 holds, per trace, a
// 128-byte header of 25 little-endian float32 words (trace number, position, points, topography,
// -, bytes per point, sample interval in ps (pE PRO; older documents call it the time window),
// stacks, ...) and 28 comment bytes, then int16 samples (float32 in newer files: the bytes per
// point come from the file size and the trace header).
// Units out: seconds, metres (POSITION UNITS ft/cm/mm/in converted), hertz. Sample interval =
// TOTAL TIME WINDOW / NUMBER OF PTS/TRC; time-zero at the 1-based point TIMEZERO AT POINT.
// The choices and the reasons are listed in FileInfo::conventions.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <span>

#include "deminer/sim/formats/trace_file.hpp"

namespace deminer::sim::formats {

// True for the start of a .HD header (its NUMBER OF TRACES / NUMBER OF PTS/TRC lines) or of a
// .DT1 (a first trace header with trace number, point count and 2 or 4 bytes per point).
[[nodiscard]] bool looks_like_sensors_software_dt1(std::span<const std::byte> first_bytes) noexcept;

// `path` is the .DT1 or the .HD (the other one is found beside it, extension in either case).
// Throws IoError when a file cannot be read, FormatError when the .HD or the first trace header
// cannot be trusted.
[[nodiscard]] std::unique_ptr<TraceFileReader> open_sensors_software_dt1(
    const std::filesystem::path& path);

}  // namespace deminer::sim::formats
