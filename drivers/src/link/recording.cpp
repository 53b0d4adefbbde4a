#include "deminer/drivers/link/recording.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "byte_cursor.hpp"

namespace deminer::drivers::link {
namespace {

constexpr std::size_t kReadChunkSize = 64 * 1024;
constexpr std::size_t kMaxRecordingHeaderSize =
    kRecordingFixedHeaderSize + frame_size(kMaxDeviceDescriptionSize);

std::string describe_errno(int error) { return std::strerror(error); }

std::string hex(std::span<const std::byte> bytes) {
  std::string text;
  for (std::byte b : bytes) {
    char digits[4];
    std::snprintf(digits, sizeof digits, "%02X", std::to_integer<unsigned>(b));
    if (!text.empty()) text += ' ';
    text += digits;
  }
  return text.empty() ? "nothing" : text;
}

std::string hex32(std::uint32_t v) {
  char digits[16];
  std::snprintf(digits, sizeof digits, "0x%08X", static_cast<unsigned>(v));
  return digits;
}

}  // namespace

RecordingWriter::RecordingWriter(std::filesystem::path path, const DeviceDescription& device)
    : path_(std::move(path)) {
  const std::vector<std::byte> description = encode_device_description(device);
  frame_.resize(std::max(kRecordingFixedHeaderSize + frame_size(description.size()),
                         frame_size(trace_payload_size(device.samples_per_trace))));
  file_.reset(std::fopen(path_.string().c_str(), "wb"));
  if (!file_) {
    throw IoError(path_.string() + ": cannot create recording: " + describe_errno(errno));
  }
  const std::size_t header_size = kRecordingFixedHeaderSize + frame_size(description.size());
  std::copy(kRecordingMagic.begin(), kRecordingMagic.end(), frame_.begin());
  store_le<std::uint32_t>(frame_, 8, kRecordingVersion);
  store_le<std::uint32_t>(frame_, 12, static_cast<std::uint32_t>(header_size));
  const std::size_t frame_bytes =
      encode_frame({FrameType::device_description, 0, 0}, description,
                   std::span(frame_).subspan(kRecordingFixedHeaderSize));
  write_encoded(std::span(frame_).first(kRecordingFixedHeaderSize + frame_bytes));
}

void RecordingWriter::write_frame(const FrameHeader& header, std::span<const std::byte> payload) {
  if (payload.size() > kMaxPayloadSize) {
    throw FormatError(path_.string() + ": frame payload of " + std::to_string(payload.size()) +
                      " bytes exceeds the limit of " + std::to_string(kMaxPayloadSize));
  }
  if (frame_.size() < frame_size(payload.size())) frame_.resize(frame_size(payload.size()));
  write_encoded(std::span(frame_).first(encode_frame(header, payload, frame_)));
  next_sequence_ = header.sequence + 1;
}

template <class Encode>
void RecordingWriter::write_payload(FrameType type, std::int64_t timestamp_ns,
                                    std::size_t payload_size, const char* what, Encode&& encode) {
  if (payload_size > kMaxPayloadSize) {
    throw FormatError(path_.string() + ": a " + what + " of " + std::to_string(payload_size) +
                      " bytes exceeds the frame payload limit of " +
                      std::to_string(kMaxPayloadSize) + " bytes");
  }
  if (frame_.size() < frame_size(payload_size)) frame_.resize(frame_size(payload_size));
  // The payload is encoded where the frame expects it, so encode_frame copies nothing.
  const auto payload = std::span(frame_).subspan(kFrameHeaderSize, payload_size);
  if (encode(payload) != payload_size) {
    throw FormatError(path_.string() + ": this " + what + " cannot be encoded");
  }
  const FrameHeader header{type, next_sequence_, timestamp_ns};
  write_encoded(std::span(frame_).first(encode_frame(header, payload, frame_)));
  ++next_sequence_;
}

void RecordingWriter::write_trace(const dsp::TraceView& trace) {
  write_payload(FrameType::gpr_trace, trace.header.timestamp_ns,
                trace_payload_size(trace.samples.size()), "trace",
                [&](std::span<std::byte> out) { return encode_trace_payload(trace, out); });
}

void RecordingWriter::write_swept_trace(const dsp::TraceView& trace, const dsp::SweepPlace& place) {
  write_payload(
      FrameType::swept_gpr_trace, trace.header.timestamp_ns,
      swept_trace_payload_size(trace.samples.size()), "swept trace",
      [&](std::span<std::byte> out) { return encode_swept_trace_payload(trace, place, out); });
}

void RecordingWriter::write_vlf_block(const dsp::md::VlfBlockView& block) {
  write_payload(FrameType::vlf_block, block.header.timestamp_ns,
                vlf_block_payload_size(block.samples.size()), "VLF block",
                [&](std::span<std::byte> out) { return encode_vlf_block_payload(block, out); });
}

void RecordingWriter::write_pi_frame(const dsp::md::PiFrameView& frame) {
  write_payload(FrameType::pi_frame, frame.header.timestamp_ns,
                pi_frame_payload_size(frame.gate_values.size()), "PI frame",
                [&](std::span<std::byte> out) { return encode_pi_frame_payload(frame, out); });
}

void RecordingWriter::write_encoded(std::span<const std::byte> frame) {
  if (!file_) throw IoError(path_.string() + ": write after close");
  if (std::fwrite(frame.data(), 1, frame.size(), file_.get()) != frame.size()) {
    throw IoError(path_.string() + ": write failed at byte " + std::to_string(bytes_written_) +
                  ": " + describe_errno(errno));
  }
  bytes_written_ += frame.size();
}

void RecordingWriter::flush() {
  if (file_ && std::fflush(file_.get()) != 0) {
    throw IoError(path_.string() + ": flush failed: " + describe_errno(errno));
  }
}

void RecordingWriter::close() {
  if (!file_) return;
  const bool flushed = std::fflush(file_.get()) == 0;
  const int flush_errno = errno;
  const bool closed = std::fclose(file_.release()) == 0;
  if (!flushed || !closed) {
    throw IoError(path_.string() +
                  ": closing failed: " + describe_errno(flushed ? errno : flush_errno));
  }
}

RecordingReader::RecordingReader(std::filesystem::path path, std::size_t max_payload_bytes)
    : path_(std::move(path)), decoder_(max_payload_bytes), chunk_(kReadChunkSize) {
  file_.reset(std::fopen(path_.string().c_str(), "rb"));
  if (!file_) throw IoError(path_.string() + ": cannot open recording: " + describe_errno(errno));
  read_header();
}

std::size_t RecordingReader::read_some(std::span<std::byte> out) {
  const std::size_t n = std::fread(out.data(), 1, out.size(), file_.get());
  if (n < out.size() && std::ferror(file_.get())) {
    throw IoError(path_.string() + ": read failed: " + describe_errno(errno));
  }
  return n;
}

void RecordingReader::read_header() {
  const auto fail = [&](std::uint64_t offset, const char* field, const std::string& expected,
                        const std::string& found) {
    throw FormatError(path_.string() + ": byte " + std::to_string(offset) + ", field '" + field +
                      "': expected " + expected + ", found " + found);
  };
  std::array<std::byte, kRecordingFixedHeaderSize> fixed{};
  const std::size_t got = read_some(fixed);
  const auto present = std::span<const std::byte>(fixed).first(got);
  const auto end_of_file = "the end of the file (" + std::to_string(got) + " bytes)";

  // A wrong magic says "not a recording" better than "too short", so it is checked first.
  const auto magic = present.first(std::min(got, kRecordingMagic.size()));
  const std::string expected_magic = hex(kRecordingMagic) + " (\"DMNRREC\\0\")";
  if (!std::equal(magic.begin(), magic.end(), kRecordingMagic.begin())) {
    fail(0, "magic", expected_magic, hex(magic));
  }
  if (got < kRecordingMagic.size()) fail(0, "magic", expected_magic, end_of_file);
  if (got < 12) fail(8, "format version", "a 4-byte version", end_of_file);
  const auto version = load_le<std::uint32_t>(fixed, 8);
  if (version != kRecordingVersion) {
    fail(8, "format version", std::to_string(kRecordingVersion), std::to_string(version));
  }
  if (got < kRecordingFixedHeaderSize) fail(12, "header length", "a 4-byte length", end_of_file);
  const auto header_size = load_le<std::uint32_t>(fixed, 12);
  constexpr std::size_t kMinHeaderSize =
      kRecordingFixedHeaderSize + frame_size(kDeviceDescriptionFixedSize);
  if (header_size < kMinHeaderSize || header_size > kMaxRecordingHeaderSize) {
    fail(12, "header length",
         "a value in [" + std::to_string(kMinHeaderSize) + ", " +
             std::to_string(kMaxRecordingHeaderSize) + "]",
         std::to_string(header_size));
  }
  header_size_ = header_size;

  // The device description, as one frame checked field by field.
  constexpr std::size_t base = kRecordingFixedHeaderSize;
  std::vector<std::byte> frame(header_size - base);
  if (const std::size_t n = read_some(frame); n < frame.size()) {
    fail(
        base + n, "device description frame",
        std::to_string(frame.size()) + " bytes (header length " + std::to_string(header_size) + ")",
        "the end of the file after " + std::to_string(n));
  }
  const auto sync = std::span<const std::byte>(frame).first(kFrameSync.size());
  if (!std::equal(sync.begin(), sync.end(), kFrameSync.begin())) {
    fail(base, "description frame sync", hex(kFrameSync), hex(sync));
  }
  detail::ByteReader r(std::span<const std::byte>(frame).subspan(kFrameVersionOffset));
  const std::uint8_t frame_version = r.u8();
  const std::uint8_t type = r.u8();
  const std::uint16_t reserved = r.u16();
  (void)r.u32();  // sequence: any value
  const std::uint32_t length = r.u32();
  if (frame_version != kFrameVersion) {
    fail(base + kFrameVersionOffset, "description frame version", std::to_string(kFrameVersion),
         std::to_string(frame_version));
  }
  if (type != static_cast<std::uint8_t>(FrameType::device_description)) {
    fail(base + kFrameTypeOffset, "description frame type",
         std::to_string(static_cast<unsigned>(FrameType::device_description)) +
             " (device_description)",
         std::to_string(type));
  }
  if (reserved != 0) {
    fail(base + kFrameReservedOffset, "description frame reserved", "0", std::to_string(reserved));
  }
  if (frame_size(length) != frame.size()) {
    fail(base + kFrameLengthOffset, "description frame payload length",
         std::to_string(frame.size() - kFrameOverhead) + " (from the header length)",
         std::to_string(length));
  }
  const std::size_t covered = kFrameHeaderSize + length;
  const auto stored = load_le<std::uint32_t>(frame, covered);
  const auto computed = crc32(std::span<const std::byte>(frame).first(covered));
  if (stored != computed) {
    fail(base + covered, "description frame CRC-32", hex32(computed), hex32(stored));
  }
  device_ =
      decode_device_description(std::span<const std::byte>(frame).subspan(kFrameHeaderSize, length),
                                path_.string(), base + kFrameHeaderSize);
}

std::optional<Frame> RecordingReader::next_frame() {
  for (;;) {
    if (auto frame = decoder_.next()) {
      frame->stream_offset += header_size_;
      return frame;
    }
    if (at_end_) {
      warn_at_end();
      return std::nullopt;
    }
    if (chunk_begin_ == chunk_end_) {
      chunk_begin_ = 0;
      chunk_end_ = read_some(chunk_);
      bytes_read_ += chunk_end_;
      if (chunk_end_ == 0) {
        decoder_.finish();
        at_end_ = true;
        continue;
      }
    }
    chunk_begin_ +=
        decoder_.feed(std::span(chunk_).subspan(chunk_begin_, chunk_end_ - chunk_begin_));
  }
}

template <class Decode>
bool RecordingReader::next_of_type(FrameType type, Decode&& decode) {
  while (const auto frame = next_frame()) {
    if (frame->header.type != type) continue;
    const char* problem = decode(frame->payload);
    if (problem == nullptr) return true;
    warnings_.push_back(path_.string() + ": frame at byte " + std::to_string(frame->stream_offset) +
                        " skipped: " + problem);
  }
  return false;
}

// Each decoder sizes the caller's buffers from the payload length: a well-formed payload holds
// exactly that many values, and decoding checks the declared count against it.
bool RecordingReader::next_trace(dsp::Trace& trace) {
  const bool found = next_of_type(FrameType::gpr_trace, [&](std::span<const std::byte> payload) {
    const std::size_t size = payload.size();
    trace.samples.resize(size > kTracePayloadHeaderSize ? (size - kTracePayloadHeaderSize) / 4 : 0);
    const auto result = decode_trace_payload(payload, trace.header, trace.samples);
    return result.status == TracePayloadStatus::ok ? nullptr : to_string(result.status);
  });
  if (!found) trace.samples.clear();
  return found;
}

bool RecordingReader::next_vlf_block(dsp::md::VlfBlock& block) {
  const bool found = next_of_type(FrameType::vlf_block, [&](std::span<const std::byte> payload) {
    const std::size_t size = payload.size();
    block.samples.resize(size > kVlfPayloadHeaderSize ? (size - kVlfPayloadHeaderSize) / 4 : 0);
    const auto result = decode_vlf_block_payload(payload, block.header, block.samples);
    return result.status == MdPayloadStatus::ok ? nullptr : to_string(result.status);
  });
  if (!found) block.samples.clear();
  return found;
}

bool RecordingReader::next_pi_frame(dsp::md::PiFrame& frame) {
  const bool found = next_of_type(FrameType::pi_frame, [&](std::span<const std::byte> payload) {
    const std::size_t size = payload.size();
    const std::size_t gates = size > kPiPayloadHeaderSize ? (size - kPiPayloadHeaderSize) / 8 : 0;
    frame.gate_times_s.resize(gates);
    frame.gate_values.resize(gates);
    const auto result =
        decode_pi_frame_payload(payload, frame.header, frame.gate_times_s, frame.gate_values);
    return result.status == MdPayloadStatus::ok ? nullptr : to_string(result.status);
  });
  if (!found) {
    frame.gate_times_s.clear();
    frame.gate_values.clear();
  }
  return found;
}

void RecordingReader::warn_at_end() {
  if (warned_at_end_) return;
  warned_at_end_ = true;
  const DecoderCounters& c = decoder_.counters();
  const std::string where = path_.string() + ": ";
  const std::uint64_t header_errors = c.unsupported_version + c.invalid_headers + c.oversize_frames;
  if (c.crc_errors + header_errors + c.bytes_skipped > 0) {
    warnings_.push_back(
        where + std::to_string(c.bytes_skipped) + " bytes between frames skipped (" +
        std::to_string(c.crc_errors) + " CRC errors, " + std::to_string(c.unsupported_version) +
        " unsupported versions, " + std::to_string(c.invalid_headers) + " invalid headers, " +
        std::to_string(c.oversize_frames) + " oversize frames)");
  }
  if (c.sequence_gaps + c.sequence_restarts > 0) {
    warnings_.push_back(where + std::to_string(c.sequence_gaps) + " sequence gaps (" +
                        std::to_string(c.frames_lost) + " frames missing), " +
                        std::to_string(c.sequence_restarts) + " sequence restarts");
  }
  if (c.bytes_truncated > 0) {
    warnings_.push_back(where + std::to_string(c.bytes_truncated) + " bytes at offset " +
                        std::to_string(header_size_ + bytes_read_ - c.bytes_truncated) +
                        " after the last complete frame are a torn frame (recording cut short?)");
  }
}

}  // namespace deminer::drivers::link
