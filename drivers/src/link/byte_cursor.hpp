// Little-endian cursors for the link codecs (private to deminer::drivers).
//
// Every multi-byte field on the wire and on disk is little-endian by definition
// (deminer/drivers/byte_order.hpp does the byte work). The codecs write and read fields one
// after the other, so a cursor keeps the running offset for them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "deminer/drivers/byte_order.hpp"

namespace deminer::drivers::link::detail {

// Writes fields in order into a buffer whose size the caller has already checked.
class ByteWriter {
 public:
  explicit ByteWriter(std::span<std::byte> out) noexcept : out_(out) {}
  void u8(std::uint8_t v) noexcept { put<std::uint8_t>(v); }
  void u16(std::uint16_t v) noexcept { put<std::uint16_t>(v); }
  void u32(std::uint32_t v) noexcept { put<std::uint32_t>(v); }
  void u64(std::uint64_t v) noexcept { put<std::uint64_t>(v); }
  void i64(std::int64_t v) noexcept { put<std::int64_t>(v); }
  void f32(float v) noexcept { put<float>(v); }
  void f64(double v) noexcept { put<double>(v); }

 private:
  template <ByteOrderValue T>
  void put(T v) noexcept {
    store_le<T>(out_, at_, v);
    at_ += sizeof(T);
  }
  std::span<std::byte> out_;
  std::size_t at_ = 0;
};

// Reads fields in order from a buffer whose size the caller has already checked.
class ByteReader {
 public:
  explicit ByteReader(std::span<const std::byte> in) noexcept : in_(in) {}
  [[nodiscard]] std::uint8_t u8() noexcept { return get<std::uint8_t>(); }
  [[nodiscard]] std::uint16_t u16() noexcept { return get<std::uint16_t>(); }
  [[nodiscard]] std::uint32_t u32() noexcept { return get<std::uint32_t>(); }
  [[nodiscard]] std::uint64_t u64() noexcept { return get<std::uint64_t>(); }
  [[nodiscard]] std::int64_t i64() noexcept { return get<std::int64_t>(); }
  [[nodiscard]] float f32() noexcept { return get<float>(); }
  [[nodiscard]] double f64() noexcept { return get<double>(); }

 private:
  template <ByteOrderValue T>
  T get() noexcept {
    const T v = load_le<T>(in_, at_);
    at_ += sizeof(T);
    return v;
  }
  std::span<const std::byte> in_;
  std::size_t at_ = 0;
};

}  // namespace deminer::drivers::link::detail
