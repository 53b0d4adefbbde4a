// deminer/drivers/byte_order.hpp against byte arrays written out by hand.
#include <gtest/gtest.h>

#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <span>
#include <vector>

#include "deminer/drivers/byte_order.hpp"

namespace {

using deminer::drivers::load;
using deminer::drivers::load_be;
using deminer::drivers::load_le;
using deminer::drivers::store;
using deminer::drivers::store_be;
using deminer::drivers::store_le;

std::vector<std::byte> bytes(std::initializer_list<unsigned> values) {
  std::vector<std::byte> out;
  for (const unsigned v : values) out.push_back(static_cast<std::byte>(v));
  return out;
}

// `value` stored at offset 1 of a zeroed buffer one byte longer on each side than T.
template <typename T>
std::vector<std::byte> stored(T value, std::endian order) {
  std::vector<std::byte> out(sizeof(T) + 2);
  store<T>(out, 1, value, order);
  return out;
}

// `values` with a zero byte before and after, as `stored` leaves them.
std::vector<std::byte> padded(std::initializer_list<unsigned> values) {
  std::vector<std::byte> out = bytes(values);
  out.insert(out.begin(), std::byte{0});
  out.push_back(std::byte{0});
  return out;
}

TEST(ByteOrder, U32BothOrders) {
  const auto le = bytes({0x04, 0x03, 0x02, 0x01});
  const auto be = bytes({0x01, 0x02, 0x03, 0x04});
  EXPECT_EQ(load_le<std::uint32_t>(le, 0), 0x01020304u);
  EXPECT_EQ(load_be<std::uint32_t>(be, 0), 0x01020304u);
  EXPECT_EQ(load<std::uint32_t>(le, 0, std::endian::little), 0x01020304u);
  EXPECT_EQ(load<std::uint32_t>(le, 0, std::endian::big), 0x04030201u);
  EXPECT_EQ(stored<std::uint32_t>(0x01020304u, std::endian::little),
            padded({0x04, 0x03, 0x02, 0x01}));
  EXPECT_EQ(stored<std::uint32_t>(0x01020304u, std::endian::big), padded({0x01, 0x02, 0x03, 0x04}));
}

TEST(ByteOrder, ReadsAtAnOffsetAndLeavesNeighboursAlone) {
  const auto b = bytes({0xAA, 0x34, 0x12, 0xBB});
  EXPECT_EQ(load_le<std::uint16_t>(b, 1), 0x1234u);
  EXPECT_EQ(load_be<std::uint16_t>(b, 1), 0x3412u);
  EXPECT_EQ(load_le<std::uint8_t>(b, 3), 0xBBu);
  std::vector<std::byte> out(6, std::byte{0xEE});
  store_le<std::uint16_t>(out, 2, 0xBEEF);
  EXPECT_EQ(out, bytes({0xEE, 0xEE, 0xEF, 0xBE, 0xEE, 0xEE}));
  store_be<std::uint16_t>(out, 2, 0xBEEF);
  EXPECT_EQ(out, bytes({0xEE, 0xEE, 0xBE, 0xEF, 0xEE, 0xEE}));
}

TEST(ByteOrder, SignedIntegers) {
  EXPECT_EQ(stored<std::int16_t>(-2, std::endian::little), padded({0xFE, 0xFF}));
  EXPECT_EQ(stored<std::int16_t>(-2, std::endian::big), padded({0xFF, 0xFE}));
  EXPECT_EQ(load_le<std::int16_t>(bytes({0xFE, 0xFF}), 0), -2);
  EXPECT_EQ(load_be<std::int16_t>(bytes({0x80, 0x00}), 0),
            std::numeric_limits<std::int16_t>::min());
  EXPECT_EQ(load_le<std::int32_t>(bytes({0xFF, 0xFF, 0xFF, 0x7F}), 0),
            std::numeric_limits<std::int32_t>::max());
  EXPECT_EQ(load_be<std::int32_t>(bytes({0xFF, 0xFF, 0xFC, 0x18}), 0), -1000);
  EXPECT_EQ(load_le<std::int64_t>(bytes({0, 0, 0, 0, 0, 0, 0, 0x80}), 0),
            std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(stored<std::int64_t>(-1, std::endian::big),
            padded({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}));
  EXPECT_EQ(load_le<std::int8_t>(bytes({0x80}), 0), -128);
}

TEST(ByteOrder, U64Extremes) {
  const auto max = bytes({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF});
  const auto zero = bytes({0, 0, 0, 0, 0, 0, 0, 0});
  EXPECT_EQ(load_le<std::uint64_t>(max, 0), std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(load_be<std::uint64_t>(zero, 0), 0u);
  const auto b = bytes({0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x88});
  EXPECT_EQ(load_le<std::uint64_t>(b, 0), 0x8807060504030201u);
  EXPECT_EQ(load_be<std::uint64_t>(b, 0), 0x0102030405060788u);
  EXPECT_EQ(stored<std::uint64_t>(0x8807060504030201u, std::endian::little),
            padded({0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x88}));
  EXPECT_EQ(stored<std::uint64_t>(std::uint64_t{1} << 63, std::endian::big),
            padded({0x80, 0, 0, 0, 0, 0, 0, 0}));
}

TEST(ByteOrder, Float32) {
  EXPECT_EQ(stored<float>(1.0f, std::endian::big), padded({0x3F, 0x80, 0x00, 0x00}));
  EXPECT_EQ(stored<float>(1.0f, std::endian::little), padded({0x00, 0x00, 0x80, 0x3F}));
  EXPECT_EQ(load_be<float>(bytes({0xC0, 0x20, 0x00, 0x00}), 0), -2.5f);
  EXPECT_EQ(load_le<float>(bytes({0x00, 0x00, 0x20, 0xC0}), 0), -2.5f);
  // The bit pattern goes through unchanged: a signalling NaN's payload and negative zero.
  const auto nan = load_be<float>(bytes({0x7F, 0x80, 0x00, 0x01}), 0);
  EXPECT_TRUE(std::isnan(nan));
  EXPECT_EQ(stored<float>(nan, std::endian::big), padded({0x7F, 0x80, 0x00, 0x01}));
  EXPECT_EQ(stored<float>(-0.0f, std::endian::little), padded({0, 0, 0, 0x80}));
}

TEST(ByteOrder, Float64) {
  EXPECT_EQ(stored<double>(-2.5, std::endian::big), padded({0xC0, 0x04, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(stored<double>(-2.5, std::endian::little), padded({0, 0, 0, 0, 0, 0, 0x04, 0xC0}));
  EXPECT_EQ(load_le<double>(bytes({0, 0, 0, 0, 0, 0, 0xF0, 0x3F}), 0), 1.0);
  EXPECT_EQ(load_be<double>(bytes({0x40, 0x09, 0x21, 0xFB, 0x54, 0x44, 0x2D, 0x18}), 0),
            3.141592653589793);
}

TEST(ByteOrder, RoundTripsEveryTypeInBothOrders) {
  std::array<std::byte, 8> b{};
  for (const std::endian order : {std::endian::little, std::endian::big}) {
    store<std::uint8_t>(b, 0, 0xA5, order);
    EXPECT_EQ(load<std::uint8_t>(b, 0, order), 0xA5);
    store<std::uint16_t>(b, 0, 0xFFFE, order);
    EXPECT_EQ(load<std::uint16_t>(b, 0, order), 0xFFFE);
    store<std::int16_t>(b, 0, -12345, order);
    EXPECT_EQ(load<std::int16_t>(b, 0, order), -12345);
    store<std::uint32_t>(b, 0, 0xDEADBEEF, order);
    EXPECT_EQ(load<std::uint32_t>(b, 0, order), 0xDEADBEEFu);
    store<std::int32_t>(b, 0, std::numeric_limits<std::int32_t>::min(), order);
    EXPECT_EQ(load<std::int32_t>(b, 0, order), std::numeric_limits<std::int32_t>::min());
    store<std::int64_t>(b, 0, -1234567890123456789, order);
    EXPECT_EQ(load<std::int64_t>(b, 0, order), -1234567890123456789);
    store<float>(b, 0, 3.5e-38f, order);
    EXPECT_EQ(load<float>(b, 0, order), 3.5e-38f);
    store<double>(b, 0, -1e300, order);
    EXPECT_EQ(load<double>(b, 0, order), -1e300);
  }
}

// Usable in constant expressions (a file layout can be checked at compile time).
constexpr std::uint32_t constant_load() {
  std::array<std::byte, 4> b{};
  store_be<std::uint32_t>(b, 0, 0x01020304u);
  return load_le<std::uint32_t>(b, 0);
}
static_assert(constant_load() == 0x04030201u);
static_assert(noexcept(load_le<double>(std::span<const std::byte>(), 0)));

}  // namespace
