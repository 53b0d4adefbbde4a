// Link frames: the one encoding for bytes on the wire (serial, UDP) and on disk (recordings).
//
// Why one encoding: the decoder that resynchronises on a noisy serial line is then the same code
// that recovers a recording torn by a power cut, and replaying a recording exercises the live
// path. The byte layout is specified in docs/link-frames.md (the reference for sensor-head
// firmware); the constants below are that table. All fields are little-endian.
//
//   offset size field
//        0    4 sync bytes A5 44 4D 46
//        4    1 version (kFrameVersion)
//        5    1 type (FrameType)
//        6    2 reserved, zero
//        8    4 sequence number (per link, wraps modulo 2^32)
//       12    4 payload length in bytes
//       16    8 timestamp, ns on the sender's clock
//       24    n payload
//     24+n    4 CRC-32 (zlib) of bytes [0, 24+n)
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace deminer::drivers::link {

inline constexpr std::array<std::byte, 4> kFrameSync{std::byte{0xA5}, std::byte{0x44},
                                                     std::byte{0x4D}, std::byte{0x46}};
inline constexpr std::uint8_t kFrameVersion = 1;
inline constexpr std::size_t kFrameHeaderSize = 24;
inline constexpr std::size_t kFrameCrcSize = 4;
inline constexpr std::size_t kFrameOverhead = kFrameHeaderSize + kFrameCrcSize;
// Largest payload this library encodes or decodes: keeps every buffer (and every size
// computation on a 32-bit host) bounded whatever a damaged length field says.
inline constexpr std::size_t kMaxPayloadSize = std::size_t{16} * 1024 * 1024;

// Field offsets within the frame header.
inline constexpr std::size_t kFrameVersionOffset = 4;
inline constexpr std::size_t kFrameTypeOffset = 5;
inline constexpr std::size_t kFrameReservedOffset = 6;
inline constexpr std::size_t kFrameSequenceOffset = 8;
inline constexpr std::size_t kFrameLengthOffset = 12;
inline constexpr std::size_t kFrameTimestampOffset = 16;

enum class FrameType : std::uint8_t {
  gpr_trace = 1,           // payloads.hpp: encode_trace_payload
  device_description = 2,  // payloads.hpp: encode_device_description
  vlf_block = 3,           // md_payloads.hpp: encode_vlf_block_payload
  pi_frame = 4,            // md_payloads.hpp: encode_pi_frame_payload
  swept_gpr_trace = 5,     // payloads.hpp: encode_swept_trace_payload
};

// A decoder rejects other type codes as an invalid header: it helps reject false sync matches.
// Adding a type means adding it here.
[[nodiscard]] constexpr bool is_known_frame_type(std::uint8_t type) noexcept {
  return type >= static_cast<std::uint8_t>(FrameType::gpr_trace) &&
         type <= static_cast<std::uint8_t>(FrameType::swept_gpr_trace);
}

// What the sender chooses; version, length and CRC follow from the encoding.
struct FrameHeader {
  FrameType type = FrameType::gpr_trace;
  std::uint32_t sequence = 0;     // one counter per link, over all frame types; wraps to 0
  std::int64_t timestamp_ns = 0;  // sender's clock when the frame was built
};

[[nodiscard]] constexpr std::size_t frame_size(std::size_t payload_bytes) noexcept {
  return kFrameOverhead + payload_bytes;
}

// Standard CRC-32 (zlib, PNG, Ethernet): polynomial 0x04C11DB7 reflected, init and xorout
// 0xFFFFFFFF. crc32("123456789") == 0xCBF43926.
[[nodiscard]] std::uint32_t crc32(std::span<const std::byte> bytes) noexcept;

// Writes one frame into `out` and returns its size, or 0 when `out` is too small or the payload
// is larger than kMaxPayloadSize. `payload` may already sit at out[kFrameHeaderSize...], so a
// payload can be encoded in place without an extra copy.
[[nodiscard]] std::size_t encode_frame(const FrameHeader& header,
                                       std::span<const std::byte> payload,
                                       std::span<std::byte> out) noexcept;

}  // namespace deminer::drivers::link
