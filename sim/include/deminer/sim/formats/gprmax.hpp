// gprMax output files (.out, HDF5): single A-scans and merged B-scans, gprMax 2015 to 3.x.
//
// Why: gprMax is the open FDTD simulator GPR research uses; its scenes (with ground truth) are
// how deminer's detectors are tested before any field data. Layouts read: root attributes
// Iterations, dt (s), nrx and dx_dy_dz or the older "dx, dy, dz"; datasets /rxs/<rx>/<component>
// of shape (samples) for an A-scan or (samples, traces) for a merged B-scan; the 2015 layout with
// /txs/tx1 and the receiver Position stored as a dataset instead of an attribute.
// Units: dt in seconds, positions in metres; samples are the field values (V/m, A/m, A) as
// float32. Traces are read as hyperslabs of at most 4 MiB (a block of columns), never the whole
// dataset: memory stays bounded whatever the file size.
#pragma once

#include <filesystem>
#include <memory>
#include <span>

#include "deminer/sim/formats/trace_file.hpp"

namespace deminer::sim::formats {

// True for an HDF5 file (superblock signature at byte 0, 512, 1024 or 2048): the content cannot
// tell gprMax output from other HDF5 without the library, so the caller may also check the name.
[[nodiscard]] bool looks_like_gprmax(std::span<const std::byte> first_bytes) noexcept;

// Reads the receiver options.gprmax_receiver ("rx1") and field component
// options.gprmax_component ("Ez"). Throws FormatError naming the file and HDF5 object path when
// the file is not readable HDF5, lacks a required attribute, or lacks the receiver or component
// (the message lists the ones the file has).
[[nodiscard]] std::unique_ptr<TraceFileReader> open_gprmax(const std::filesystem::path& path,
                                                           const OpenOptions& options = {});

}  // namespace deminer::sim::formats
