// Integers and IEEE-754 floats stored in a fixed byte order inside byte buffers.
//
// Every file format and wire format we read fixes its byte order; the host does not. Values are
// assembled from and split into single bytes with shifts, so the code gives the same numbers on
// little- and big-endian hosts and never dereferences a misaligned pointer. Floats move through
// their bit pattern (std::bit_cast), so NaN payloads and signed zeros survive a round trip.
//
//   const auto n = load_le<std::uint16_t>(header, 4);        // bytes 4..5, little-endian
//   store_be<float>(trace, 240 + 4 * i, sample);             // bytes ..+3, big-endian
//   const auto code = load<std::int16_t>(header, 3224, order); // order known at run time
//
// Precondition of every function: offset + sizeof(T) <= bytes.size() (the caller checks the
// buffer once; these sit on per-sample paths). Store functions take T explicitly, so the width
// written is always the one named at the call site, never that of an argument's type.
// Header-only and free of I/O: the firmware and the file readers of deminer::sim share it.
#pragma once

#include <bit>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <span>
#include <type_traits>

namespace deminer::drivers {

// The types a fixed-order field can hold: integers of 1, 2, 4 or 8 bytes (not bool) and IEEE
// binary32/binary64.
template <typename T>
concept ByteOrderValue = (std::integral<T> && !std::same_as<T, bool> &&
                          (sizeof(T) == 1 || sizeof(T) == 2 || sizeof(T) == 4 || sizeof(T) == 8)) ||
                         (std::floating_point<T> && std::numeric_limits<T>::is_iec559 &&
                          (sizeof(T) == 4 || sizeof(T) == 8));

namespace byte_order_detail {

template <std::size_t Size>
using UnsignedOfSize = std::conditional_t<
    Size == 1, std::uint8_t,
    std::conditional_t<Size == 2, std::uint16_t,
                       std::conditional_t<Size == 4, std::uint32_t, std::uint64_t>>>;

}  // namespace byte_order_detail

// The value of type T at `offset`, in byte order `order` (std::endian::big or ::little).
template <ByteOrderValue T>
[[nodiscard]] constexpr T load(std::span<const std::byte> bytes, std::size_t offset,
                               std::endian order) noexcept {
  if (!std::is_constant_evaluated() && order == std::endian::native) {
    // Same order as the host: one (possibly unaligned, well-defined) copy, which compilers turn
    // into a plain load and vectorise in sample loops. The byte loop below is the reference.
    T value;
    std::memcpy(&value, bytes.data() + offset, sizeof(T));
    return value;
  }
  using U = byte_order_detail::UnsignedOfSize<sizeof(T)>;
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i) {
    const std::size_t index = order == std::endian::big ? i : sizeof(T) - 1 - i;
    value = value << 8 | std::to_integer<std::uint64_t>(bytes[offset + index]);
  }
  return std::bit_cast<T>(static_cast<U>(value));
}

template <ByteOrderValue T>
[[nodiscard]] constexpr T load_le(std::span<const std::byte> bytes, std::size_t offset) noexcept {
  return load<T>(bytes, offset, std::endian::little);
}

template <ByteOrderValue T>
[[nodiscard]] constexpr T load_be(std::span<const std::byte> bytes, std::size_t offset) noexcept {
  return load<T>(bytes, offset, std::endian::big);
}

// Writes `value` as a T at `offset`, in byte order `order` (std::endian::big or ::little).
template <ByteOrderValue T>
constexpr void store(std::span<std::byte> bytes, std::size_t offset, std::type_identity_t<T> value,
                     std::endian order) noexcept {
  if (!std::is_constant_evaluated() && order == std::endian::native) {
    std::memcpy(bytes.data() + offset, &value, sizeof(T));
    return;
  }
  using U = byte_order_detail::UnsignedOfSize<sizeof(T)>;
  std::uint64_t bits = std::bit_cast<U>(value);
  for (std::size_t i = 0; i < sizeof(T); ++i) {
    const std::size_t index = order == std::endian::big ? sizeof(T) - 1 - i : i;
    bytes[offset + index] = static_cast<std::byte>(bits & 0xFFu);
    bits >>= 8;
  }
}

template <ByteOrderValue T>
constexpr void store_le(std::span<std::byte> bytes, std::size_t offset,
                        std::type_identity_t<T> value) noexcept {
  store<T>(bytes, offset, value, std::endian::little);
}

template <ByteOrderValue T>
constexpr void store_be(std::span<std::byte> bytes, std::size_t offset,
                        std::type_identity_t<T> value) noexcept {
  store<T>(bytes, offset, value, std::endian::big);
}

}  // namespace deminer::drivers
