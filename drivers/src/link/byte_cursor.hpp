// Little-endian field access for the link codecs (private to deminer::drivers).
//
// Every multi-byte field on the wire and on disk is little-endian by definition. Fields are
// assembled from single bytes with shifts, so the code is the same on little- and big-endian
// hosts and never dereferences an unaligned pointer.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>

namespace deminer::drivers::link::detail {

template <std::unsigned_integral T>
void store_le(std::byte* out, T value) noexcept {
  for (std::size_t i = 0; i < sizeof(T); ++i) {
    out[i] = static_cast<std::byte>(static_cast<std::uint64_t>(value) >> (8 * i));
  }
}

template <std::unsigned_integral T>
[[nodiscard]] T load_le(const std::byte* in) noexcept {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i) {
    value |= std::to_integer<std::uint64_t>(in[i]) << (8 * i);
  }
  return static_cast<T>(value);
}

// A cursor over a buffer whose size the caller has already checked.
class ByteWriter {
 public:
  explicit ByteWriter(std::byte* out) noexcept : out_(out) {}
  void u8(std::uint8_t v) noexcept { put(v); }
  void u16(std::uint16_t v) noexcept { put(v); }
  void u32(std::uint32_t v) noexcept { put(v); }
  void u64(std::uint64_t v) noexcept { put(v); }
  void i64(std::int64_t v) noexcept { put(static_cast<std::uint64_t>(v)); }
  void f32(float v) noexcept { put(std::bit_cast<std::uint32_t>(v)); }
  void f64(double v) noexcept { put(std::bit_cast<std::uint64_t>(v)); }
  [[nodiscard]] std::byte* position() const noexcept { return out_; }

 private:
  template <std::unsigned_integral T>
  void put(T v) noexcept {
    store_le(out_, v);
    out_ += sizeof(T);
  }
  std::byte* out_;
};

class ByteReader {
 public:
  explicit ByteReader(const std::byte* in) noexcept : in_(in) {}
  [[nodiscard]] std::uint8_t u8() noexcept { return get<std::uint8_t>(); }
  [[nodiscard]] std::uint16_t u16() noexcept { return get<std::uint16_t>(); }
  [[nodiscard]] std::uint32_t u32() noexcept { return get<std::uint32_t>(); }
  [[nodiscard]] std::uint64_t u64() noexcept { return get<std::uint64_t>(); }
  [[nodiscard]] std::int64_t i64() noexcept { return static_cast<std::int64_t>(u64()); }
  [[nodiscard]] float f32() noexcept { return std::bit_cast<float>(u32()); }
  [[nodiscard]] double f64() noexcept { return std::bit_cast<double>(u64()); }

 private:
  template <std::unsigned_integral T>
  T get() noexcept {
    const T v = load_le<T>(in_);
    in_ += sizeof(T);
    return v;
  }
  const std::byte* in_;
};

}  // namespace deminer::drivers::link::detail
