// Trace files: every GPR recording format deminer reads or writes, behind one streaming interface.
//
// Why: analysts hold years of field data in vendor formats (GSSI DZT, Sensors & Software DT1,
// MALA RD3/RD7, SEG-Y, gprMax) plus deminer's own recordings. Every reader yields traces one at
// a time with constant memory, so a 10 GB survey replays like a 10 kB one, and the replay path is
// the same as the live one. Readers never crash on a damaged file: a header they cannot trust is
// a FormatError naming file, byte offset, field, expected and found; a truncated data section
// yields every complete trace plus a warning.
// Units: seconds, metres, hertz. Sample values are the file's own numbers converted to float
// (offset-binary integers re-centred on zero), not rescaled.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "deminer/dsp/core/trace.hpp"

namespace deminer::sim::formats {

enum class FileFormat { deminer, gssi_dzt, sensors_software_dt1, mala_rd3, mala_rd7, segy, gprmax };

[[nodiscard]] std::string_view to_string(FileFormat format) noexcept;

struct Mark {
  std::uint64_t trace_index = 0;  // per channel
  std::string label;
};

struct GpsFix {
  std::uint64_t trace_index = 0;  // per channel
  double latitude_deg = 0.0;
  double longitude_deg = 0.0;
  double altitude_m = 0.0;
};

struct FileInfo {
  FileFormat format = FileFormat::deminer;
  std::filesystem::path path;
  std::string instrument;  // system or model as the file names it ("SIR-3000", "pulseEKKO PRO")
  std::string antenna;     // as written in the file, kept even when not recognised
  std::optional<double> antenna_frequency_hz;  // when the file says it or the antenna is known
  double dt_s = 0.0;                           // sample interval
  double time_zero_s = 0.0;  // time of sample 0 relative to time-zero (negative: pre-trigger)
  std::size_t samples_per_trace = 0;
  std::size_t channels = 1;
  std::optional<std::uint64_t> traces_per_channel;  // when the header or the file size says
  std::string sample_format;     // as stored: "uint16 offset binary", "int16", "ibm float32", ...
  bool positions_known = false;  // false: position_m is trace index × trace_spacing_m
  double trace_spacing_m = 0.0;  // nominal, 0 when unknown
  std::vector<Mark> marks;
  std::vector<GpsFix> gps;
  // Every header field worth showing in `deminer info`, in file order: (name, value as text).
  std::vector<std::pair<std::string, std::string>> fields;
  // The choices made where readers in the wild disagree (e.g. which sample interval applies).
  std::vector<std::string> conventions;
};

class TraceFileReader {
 public:
  virtual ~TraceFileReader() = default;
  [[nodiscard]] virtual const FileInfo& info() const noexcept = 0;
  // The next trace in file order (several channels interleave; header.channel says which).
  // Reuses the capacity of `trace`. Returns false at the end of the data. Throws only for an
  // I/O failure; damaged data ends the stream with a warning instead.
  virtual bool next_trace(dsp::Trace& trace) = 0;
  // Problems met so far (complete once next_trace has returned false).
  [[nodiscard]] virtual const std::vector<std::string>& warnings() const noexcept = 0;
};

class TraceFileWriter {
 public:
  virtual ~TraceFileWriter() = default;
  virtual void write(const dsp::TraceView& trace) = 0;
  // Finishes the file (headers that need the trace count are written here). Throws IoError.
  virtual void close() = 0;
  // What the format could not hold exactly (clamped or rounded samples, shortened names).
  // Complete after close(). None by default.
  [[nodiscard]] virtual const std::vector<std::string>& warnings() const noexcept;
};

// The unit of the binary header's sample interval (bytes 3217-3218, and 3273-3280 in rev 2) and,
// consistently, of the delay recording time (trace bytes 109-110: ms, or ns under picoseconds).
enum class SegyIntervalUnit {
  // Microseconds as the standard says, except picoseconds when the file says it is radar
  // (textual header mentions GPR or RADAR) and carries no rev 2 float64 interval: such
  // exporters (Seismic Unix dt1tosu, several GPR vendors) scale every time by 10^6.
  automatic,
  microseconds,
  picoseconds,
};

struct OpenOptions {
  std::optional<FileFormat> format;  // force a format instead of detecting it
  SegyIntervalUnit segy_interval_unit = SegyIntervalUnit::automatic;
  std::string gprmax_receiver = "rx1";
  std::string gprmax_component = "Ez";
};

// Detects the format from the content (magic numbers, header structure) and, where the content
// is headerless (MALA), from the extension and companion files. Throws FormatError if unknown.
[[nodiscard]] FileFormat detect_format(const std::filesystem::path& path);
[[nodiscard]] std::unique_ptr<TraceFileReader> open_trace_file(const std::filesystem::path& path,
                                                               const OpenOptions& options = {});

struct WriteOptions {
  std::optional<FileFormat> format;  // default: from the extension (.dmr .dzt .sgy/.segy)
  int dzt_bits = 16;                 // 16 or 32
};

// `like` gives the metadata to record (sample interval, samples per trace, antenna...).
[[nodiscard]] std::unique_ptr<TraceFileWriter> create_trace_file(const std::filesystem::path& path,
                                                                 const FileInfo& like,
                                                                 const WriteOptions& options = {});

}  // namespace deminer::sim::formats
