// MALA (RAMAC, ProEx, X3M...) files: headerless samples (.rd3 int16, .rd7 int32, little-endian,
// trace after trace, channels interleaved trace by trace) beside a .RAD text header of "KEY:value"
// lines and, when GPS was logged, a .COR file of per-trace fixes
// ("trace date time lat N|S lon E|W altitude M quality").
//
// Why: MALA data carry no self-description at all; everything comes from the .RAD, so every
// number taken from it is checked and shown in FileInfo::fields.
// Units out: seconds, metres, hertz, degrees. The sample interval is 1 / FREQUENCY (the sampling
// frequency in MHz), not TIMEWINDOW / SAMPLES: on real files they disagree by 2x and the
// spectrum of the data agrees with 1 / FREQUENCY (reasons in FileInfo::conventions).
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <span>

#include "deminer/sim/formats/trace_file.hpp"

namespace deminer::sim::formats {

// True for the start of a .RAD header (its SAMPLES: and FREQUENCY: lines); the .rd3/.rd7 data
// have no header to recognise.
[[nodiscard]] bool looks_like_mala(std::span<const std::byte> first_bytes) noexcept;

// `path` is the .rd3, the .rd7 or the .rad (the data file beside a .rad: .rd3 first, then .rd7;
// extensions in either case). The format is mala_rd3 or mala_rd7 by the data file's extension.
// Throws IoError when a file cannot be read, FormatError when the .RAD cannot be trusted.
[[nodiscard]] std::unique_ptr<TraceFileReader> open_mala(const std::filesystem::path& path);

}  // namespace deminer::sim::formats
