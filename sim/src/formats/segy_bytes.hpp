// Explicit-endian loads and stores of integers and IEEE floats in byte buffers.
//
// Why byte by byte: file formats fix their byte order, the host does not; assembling values
// from bytes works the same on little- and big-endian hosts and needs no aligned pointer casts.
// Private to sim/src/formats (SEG-Y uses both orders; other readers may share it).
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>

namespace deminer::sim::formats::bytes {

enum class Endian { big, little };

// Unsigned value of `size` (1..8) bytes at `at`.
[[nodiscard]] constexpr std::uint64_t load_uint(std::span<const unsigned char> buffer,
                                                std::size_t at, std::size_t size,
                                                Endian order) noexcept {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < size; ++i) {
    const std::size_t index = order == Endian::big ? i : size - 1 - i;
    value = value << 8 | buffer[at + index];
  }
  return value;
}

[[nodiscard]] constexpr std::uint16_t load_u16(std::span<const unsigned char> b, std::size_t at,
                                               Endian order) noexcept {
  return static_cast<std::uint16_t>(load_uint(b, at, 2, order));
}
[[nodiscard]] constexpr std::int16_t load_i16(std::span<const unsigned char> b, std::size_t at,
                                              Endian order) noexcept {
  return static_cast<std::int16_t>(load_u16(b, at, order));
}
[[nodiscard]] constexpr std::uint32_t load_u32(std::span<const unsigned char> b, std::size_t at,
                                               Endian order) noexcept {
  return static_cast<std::uint32_t>(load_uint(b, at, 4, order));
}
[[nodiscard]] constexpr std::int32_t load_i32(std::span<const unsigned char> b, std::size_t at,
                                              Endian order) noexcept {
  return static_cast<std::int32_t>(load_u32(b, at, order));
}
[[nodiscard]] constexpr std::uint64_t load_u64(std::span<const unsigned char> b, std::size_t at,
                                               Endian order) noexcept {
  return load_uint(b, at, 8, order);
}
[[nodiscard]] constexpr float load_f32(std::span<const unsigned char> b, std::size_t at,
                                       Endian order) noexcept {
  return std::bit_cast<float>(load_u32(b, at, order));
}
[[nodiscard]] constexpr double load_f64(std::span<const unsigned char> b, std::size_t at,
                                        Endian order) noexcept {
  return std::bit_cast<double>(load_u64(b, at, order));
}

// Stores the low `size` bytes of `value` at `at`.
constexpr void store_uint(std::span<unsigned char> buffer, std::size_t at, std::size_t size,
                          std::uint64_t value, Endian order) noexcept {
  for (std::size_t i = 0; i < size; ++i) {
    const std::size_t index = order == Endian::big ? size - 1 - i : i;
    buffer[at + index] = static_cast<unsigned char>(value & 0xFFu);
    value >>= 8;
  }
}

constexpr void store_i16(std::span<unsigned char> b, std::size_t at, std::int16_t value,
                         Endian order) noexcept {
  store_uint(b, at, 2, static_cast<std::uint16_t>(value), order);
}
constexpr void store_i32(std::span<unsigned char> b, std::size_t at, std::int32_t value,
                         Endian order) noexcept {
  store_uint(b, at, 4, static_cast<std::uint32_t>(value), order);
}
constexpr void store_u64(std::span<unsigned char> b, std::size_t at, std::uint64_t value,
                         Endian order) noexcept {
  store_uint(b, at, 8, value, order);
}
constexpr void store_f32(std::span<unsigned char> b, std::size_t at, float value,
                         Endian order) noexcept {
  store_uint(b, at, 4, std::bit_cast<std::uint32_t>(value), order);
}
constexpr void store_f64(std::span<unsigned char> b, std::size_t at, double value,
                         Endian order) noexcept {
  store_uint(b, at, 8, std::bit_cast<std::uint64_t>(value), order);
}

}  // namespace deminer::sim::formats::bytes
