#include "deminer/drivers/link/frame.hpp"

#include <boost/crc.hpp>
#include <cstring>

#include "byte_cursor.hpp"

namespace deminer::drivers::link {

std::uint32_t crc32(std::span<const std::byte> bytes) noexcept {
  boost::crc_32_type crc;
  crc.process_bytes(bytes.data(), bytes.size());
  return crc.checksum();
}

std::size_t encode_frame(const FrameHeader& header, std::span<const std::byte> payload,
                         std::span<std::byte> out) noexcept {
  // Compared this way round so that nothing overflows a 32-bit size_t.
  if (payload.size() > kMaxPayloadSize || out.size() < kFrameOverhead ||
      out.size() - kFrameOverhead < payload.size()) {
    return 0;
  }
  std::byte* body = out.data() + kFrameHeaderSize;
  if (payload.data() != body && !payload.empty()) {
    std::memmove(body, payload.data(), payload.size());
  }
  detail::ByteWriter w(out);
  for (std::byte b : kFrameSync) w.u8(std::to_integer<std::uint8_t>(b));
  w.u8(kFrameVersion);
  w.u8(static_cast<std::uint8_t>(header.type));
  w.u16(0);
  w.u32(header.sequence);
  w.u32(static_cast<std::uint32_t>(payload.size()));
  w.i64(header.timestamp_ns);
  const std::size_t covered = kFrameHeaderSize + payload.size();
  store_le<std::uint32_t>(out, covered, crc32(out.first(covered)));
  return covered + kFrameCrcSize;
}

}  // namespace deminer::drivers::link
