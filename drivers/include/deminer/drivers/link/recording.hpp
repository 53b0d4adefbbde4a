// Recordings: a file header (magic, format version, header length, a device-description frame)
// followed by the same link frames a sensor head sends. Layout: docs/link-frames.md.
//
// Why frames on disk: a recording torn by a power cut is recovered by the decoder that already
// resynchronises the serial line, and replaying a file exercises the live code path. The reader
// streams the file in fixed chunks through one FrameDecoder, so memory stays constant whatever
// the file size; a damaged or torn file yields every good frame plus warnings, never a throw
// once the header has been read.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "deminer/drivers/link/decoder.hpp"
#include "deminer/drivers/link/frame.hpp"
#include "deminer/drivers/link/md_payloads.hpp"
#include "deminer/drivers/link/payloads.hpp"
#include "deminer/dsp/core/error.hpp"
#include "deminer/dsp/core/trace.hpp"

namespace deminer::drivers::link {

//   offset size field
//        0    8 magic "DMNRREC\0"
//        8    4 format version u32 (kRecordingVersion)
//       12    4 header length u32: bytes from offset 0 to the first data frame
//       16    . one device_description frame (sequence 0, timestamp 0)
inline constexpr std::array<std::byte, 8> kRecordingMagic{
    std::byte{'D'}, std::byte{'M'}, std::byte{'N'}, std::byte{'R'},
    std::byte{'R'}, std::byte{'E'}, std::byte{'C'}, std::byte{0}};
inline constexpr std::uint32_t kRecordingVersion = 1;
inline constexpr std::size_t kRecordingFixedHeaderSize = 16;
inline constexpr std::size_t kDefaultRecordingMaxPayload = std::size_t{1} << 20;

namespace detail {
struct FileCloser {
  void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};
}  // namespace detail

class RecordingWriter {
 public:
  // Creates (or truncates) `path` and writes the file header. Throws IoError or, for a device
  // description that cannot be encoded, FormatError.
  RecordingWriter(std::filesystem::path path, const DeviceDescription& device);

  // Appends a frame with the caller's header, e.g. one received from a link, so that its
  // sequence number (and any gap before it) is kept.
  void write_frame(const FrameHeader& header, std::span<const std::byte> payload);
  // Appends a gpr_trace frame numbered one after the last frame written, stamped with the
  // trace's timestamp_ns. Allocates only when a trace is longer than any before it.
  void write_trace(const dsp::TraceView& trace);
  // A swept_gpr_trace frame: a trace of a dual-sensor head with its place on the lane.
  void write_swept_trace(const dsp::TraceView& trace, const dsp::SweepPlace& place);
  // The same for metal-detector frames (md_payloads.hpp), stamped with their timestamp_ns.
  void write_vlf_block(const dsp::md::VlfBlockView& block);
  void write_pi_frame(const dsp::md::PiFrameView& frame);
  void flush();
  // Flushes and closes; throws IoError if that fails. The destructor closes too, but silently.
  void close();

  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

 private:
  void write_encoded(std::span<const std::byte> frame);
  // Encodes a payload of `payload_size` bytes with `encode` straight into the frame buffer and
  // appends the frame, numbered one after the last.
  template <class Encode>
  void write_payload(FrameType type, std::int64_t timestamp_ns, std::size_t payload_size,
                     const char* what, Encode&& encode);

  std::filesystem::path path_;
  std::unique_ptr<std::FILE, detail::FileCloser> file_;
  std::vector<std::byte> frame_;  // scratch for one encoded frame
  std::uint32_t next_sequence_ = 1;
  std::uint64_t bytes_written_ = 0;
};

class RecordingReader {
 public:
  // Opens `path` and validates the file header. Throws IoError when the file cannot be opened or
  // read, FormatError (path, byte offset, field, expected and found) when the header is wrong.
  // Data frames with a payload above max_payload_bytes are skipped and counted as oversize.
  explicit RecordingReader(std::filesystem::path path,
                           std::size_t max_payload_bytes = kDefaultRecordingMaxPayload);

  [[nodiscard]] const DeviceDescription& device() const noexcept { return device_; }

  // The next good frame, or std::nullopt at the end of the file. Its stream_offset is the byte
  // offset in the file; its payload stays valid until the next call. Throws IoError only when
  // reading fails.
  [[nodiscard]] std::optional<Frame> next_frame();
  // The next gpr_trace frame, decoded into `trace` (reusing its sample capacity); frames of
  // other types are passed over, trace payloads that do not decode are skipped with a warning.
  // Returns false at the end of the file.
  bool next_trace(dsp::Trace& trace);
  // The same for metal-detector frames.
  bool next_vlf_block(dsp::md::VlfBlock& block);
  bool next_pi_frame(dsp::md::PiFrame& frame);

  [[nodiscard]] const DecoderCounters& counters() const noexcept { return decoder_.counters(); }
  // Human-readable problems found so far; complete once the end of the file has been reached.
  [[nodiscard]] const std::vector<std::string>& warnings() const noexcept { return warnings_; }
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::size_t read_some(std::span<std::byte> out);
  void read_header();
  void warn_at_end();
  // The next frame of `type` that `decode` accepts; skipped payloads are warned about.
  template <class Decode>
  bool next_of_type(FrameType type, Decode&& decode);

  std::filesystem::path path_;
  std::unique_ptr<std::FILE, detail::FileCloser> file_;
  DeviceDescription device_;
  std::uint64_t header_size_ = 0;
  FrameDecoder decoder_;
  std::vector<std::byte> chunk_;
  std::size_t chunk_begin_ = 0;  // bytes of chunk_ not yet fed are [chunk_begin_, chunk_end_)
  std::size_t chunk_end_ = 0;
  std::uint64_t bytes_read_ = 0;  // after the header
  bool at_end_ = false;
  bool warned_at_end_ = false;
  std::vector<std::string> warnings_;
};

}  // namespace deminer::drivers::link
