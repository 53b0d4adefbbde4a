// deminer's own recordings (drivers/link: a file header, then link frames; docs/link-frames.md)
// behind the TraceFileReader/TraceFileWriter interface, so they convert and replay like any
// vendor file.
#pragma once

#include <filesystem>
#include <memory>
#include <span>

#include "deminer/sim/formats/trace_file.hpp"

namespace deminer::sim::formats {

[[nodiscard]] bool looks_like_deminer_recording(std::span<const std::byte> first_bytes) noexcept;
[[nodiscard]] std::unique_ptr<TraceFileReader> open_deminer_recording(
    const std::filesystem::path& path);
[[nodiscard]] std::unique_ptr<TraceFileWriter> create_deminer_recording(
    const std::filesystem::path& path, const FileInfo& like);

}  // namespace deminer::sim::formats
