// Companion files of a GSSI DZT: FILE.DZX (XML, user marks) and FILE.DZG (NMEA text, GPS).
//
// Why separate: both are optional, undocumented text formats written by several generations of
// GSSI software. A damaged companion must never stop the radar data from loading, so these
// parsers never throw for bad content: they keep what they understand and describe the rest in
// warnings. Trace indices are scan numbers per channel, as GSSI writes them.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "deminer/sim/formats/trace_file.hpp"

namespace deminer::sim::formats::gssi {

// Reads the DZX beside `dzt` (same stem, extension .DZX or .dzx), if any. Marks are the <scan>
// of every <WayPt> (label: its <name>, else its <mark> type) or, in the TargetGroup variant, the
// first number of every <scanSampChanProp>. Appends to marks and warnings.
void read_dzx(const std::filesystem::path& dzt, std::vector<Mark>& marks,
              std::vector<std::string>& warnings);

// Reads the DZG beside `dzt`, if any: every GGA sentence (any talker) that follows a
// "$GSSIS,scan,..." line gives a fix for that scan. Sentences without a fix (quality 0, empty
// position) are skipped; malformed ones and bad checksums are counted in one warning.
void read_dzg(const std::filesystem::path& dzt, std::vector<GpsFix>& gps,
              std::vector<std::string>& warnings);

}  // namespace deminer::sim::formats::gssi
