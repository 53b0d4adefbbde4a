// Helpers shared by the link tests: byte strings, hex, and a copy of a decoded frame.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "deminer/drivers/link/decoder.hpp"
#include "deminer/drivers/link/frame.hpp"

namespace deminer::test {

using Bytes = std::vector<std::byte>;

inline Bytes from_hex(std::string_view hex) {
  Bytes out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<std::byte>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

inline std::string to_hex(std::span<const std::byte> bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (std::byte b : bytes) {
    out += digits[std::to_integer<unsigned>(b) >> 4];
    out += digits[std::to_integer<unsigned>(b) & 0xF];
  }
  return out;
}

// A frame as the decoder handed it out, copied so that it outlives the decoder's buffer.
struct OwnedFrame {
  drivers::link::FrameType type;
  std::uint32_t sequence;
  std::int64_t timestamp_ns;
  Bytes payload;
  std::uint64_t stream_offset;

  explicit OwnedFrame(const drivers::link::Frame& f)
      : type(f.header.type),
        sequence(f.header.sequence),
        timestamp_ns(f.header.timestamp_ns),
        payload(f.payload.begin(), f.payload.end()),
        stream_offset(f.stream_offset) {}
  OwnedFrame(drivers::link::FrameType t, std::uint32_t seq, std::int64_t ts, Bytes p,
             std::uint64_t offset)
      : type(t), sequence(seq), timestamp_ns(ts), payload(std::move(p)), stream_offset(offset) {}
  bool operator==(const OwnedFrame&) const = default;
};

// Appends an encoded frame to `stream` and returns it as the decoder should report it.
inline OwnedFrame append_frame(Bytes& stream, const drivers::link::FrameHeader& header,
                               const Bytes& payload) {
  const std::size_t offset = stream.size();
  stream.resize(offset + drivers::link::frame_size(payload.size()));
  const std::size_t n =
      drivers::link::encode_frame(header, payload, std::span(stream).subspan(offset));
  stream.resize(offset + n);
  return {header.type, header.sequence, header.timestamp_ns, payload, offset};
}

}  // namespace deminer::test
