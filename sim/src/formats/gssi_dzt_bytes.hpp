// Little-endian loads and stores, byte by byte, for the GSSI DZT reader and writer.
//
// Why byte by byte: the file layout is little-endian whatever the host is, and pointer casts
// would break on a big-endian host and on misaligned offsets. Floats are IEEE-754 binary32,
// moved through their bit pattern. Other formats need the same (the lead may merge these).
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>

namespace deminer::sim::formats::le {

[[nodiscard]] inline std::uint16_t load_u16(std::span<const std::byte> b, std::size_t at) {
  return static_cast<std::uint16_t>(std::to_integer<unsigned>(b[at]) |
                                    std::to_integer<unsigned>(b[at + 1]) << 8);
}

[[nodiscard]] inline std::uint32_t load_u32(std::span<const std::byte> b, std::size_t at) {
  return std::uint32_t{load_u16(b, at)} | std::uint32_t{load_u16(b, at + 2)} << 16;
}

[[nodiscard]] inline std::int16_t load_i16(std::span<const std::byte> b, std::size_t at) {
  return static_cast<std::int16_t>(load_u16(b, at));
}

[[nodiscard]] inline std::int32_t load_i32(std::span<const std::byte> b, std::size_t at) {
  return static_cast<std::int32_t>(load_u32(b, at));
}

[[nodiscard]] inline float load_f32(std::span<const std::byte> b, std::size_t at) {
  return std::bit_cast<float>(load_u32(b, at));
}

inline void store_u16(std::span<std::byte> b, std::size_t at, std::uint16_t v) {
  b[at] = static_cast<std::byte>(v & 0xFFu);
  b[at + 1] = static_cast<std::byte>(v >> 8);
}

inline void store_u32(std::span<std::byte> b, std::size_t at, std::uint32_t v) {
  store_u16(b, at, static_cast<std::uint16_t>(v & 0xFFFFu));
  store_u16(b, at + 2, static_cast<std::uint16_t>(v >> 16));
}

inline void store_f32(std::span<std::byte> b, std::size_t at, float v) {
  store_u32(b, at, std::bit_cast<std::uint32_t>(v));
}

}  // namespace deminer::sim::formats::le
