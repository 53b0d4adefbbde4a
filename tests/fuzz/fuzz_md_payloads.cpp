// Fuzz target: decode_vlf_block_payload and decode_pi_frame_payload on arbitrary bytes (the
// payloads of vlf_block and pi_frame frames).
//
// Invariants checked for every input, for each decoder (md_payloads.hpp, docs/link-frames.md):
//   - ok exactly when the payload length matches the count it declares, and then every value is
//     written; re-encoding what was decoded gives back the input byte for byte (values pass bit
//     for bit, NaN included; the reserved VLF bytes and unused tones must then be zero);
//   - on any other status the caller's header and spans are not written;
//   - every status has a description.
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "deminer/drivers/link/md_payloads.hpp"
#include "fuzz_check.hpp"

namespace dlink = deminer::drivers::link;
namespace md = deminer::dsp::md;

namespace {

constexpr std::uint32_t kSentinel = 0x7FC0'DEADu;  // a quiet NaN with a payload
constexpr std::uint64_t kSentinelSequence = 0xDEAD'BEEFu;

bool untouched(std::span<const float> values) {
  for (float v : values) {
    if (std::bit_cast<std::uint32_t>(v) != kSentinel) return false;
  }
  return true;
}

bool same_bytes(std::span<const std::byte> a, const std::uint8_t* data, std::size_t size) {
  return a.size() == size && (size == 0 || std::memcmp(a.data(), data, size) == 0);
}

void check_vlf(const std::uint8_t* data, std::size_t size) {
  const auto payload = std::as_bytes(std::span(data, size));
  const std::size_t fit =
      size > dlink::kVlfPayloadHeaderSize ? (size - dlink::kVlfPayloadHeaderSize) / 4 : 0;
  md::VlfBlockHeader header;
  header.sequence = kSentinelSequence;
  std::vector<float> samples(fit, std::bit_cast<float>(kSentinel));
  const auto result = dlink::decode_vlf_block_payload(payload, header, samples);
  DEMINER_FUZZ_CHECK(dlink::to_string(result.status) != nullptr);
  if (result.status != dlink::MdPayloadStatus::ok) {
    DEMINER_FUZZ_CHECK(result.count == 0 && header.sequence == kSentinelSequence &&
                       untouched(samples));
    return;
  }
  DEMINER_FUZZ_CHECK(result.count == fit && size == dlink::vlf_block_payload_size(fit));
  std::vector<std::byte> encoded(size);
  DEMINER_FUZZ_CHECK(dlink::encode_vlf_block_payload({header, samples}, encoded) == size);
  // Reserved bytes and unused tones are not carried: a payload with them non-zero re-encodes
  // differently, and only then.
  bool canonical = std::memcmp(data + 45, "\0\0\0", 3) == 0;
  for (std::size_t k = header.tone_count; k < md::max_tones; ++k) {
    canonical = canonical && header.tone_hz[k] == 0.0 && !std::signbit(header.tone_hz[k]);
  }
  DEMINER_FUZZ_CHECK(same_bytes(encoded, data, size) == canonical);
}

void check_pi(const std::uint8_t* data, std::size_t size) {
  const auto payload = std::as_bytes(std::span(data, size));
  const std::size_t fit =
      size > dlink::kPiPayloadHeaderSize ? (size - dlink::kPiPayloadHeaderSize) / 8 : 0;
  md::PiFrameHeader header;
  header.sequence = kSentinelSequence;
  std::vector<float> times(fit, std::bit_cast<float>(kSentinel));
  std::vector<float> values(fit, std::bit_cast<float>(kSentinel));
  const auto result = dlink::decode_pi_frame_payload(payload, header, times, values);
  DEMINER_FUZZ_CHECK(dlink::to_string(result.status) != nullptr);
  if (result.status != dlink::MdPayloadStatus::ok) {
    DEMINER_FUZZ_CHECK(result.count == 0 && header.sequence == kSentinelSequence &&
                       untouched(times) && untouched(values));
    return;
  }
  DEMINER_FUZZ_CHECK(result.count == fit && size == dlink::pi_frame_payload_size(fit));
  for (std::size_t i = 0; i < fit; ++i) {
    DEMINER_FUZZ_CHECK(times[i] > 0.0f && (i == 0 || times[i] > times[i - 1]));
  }
  std::vector<std::byte> encoded(size);
  DEMINER_FUZZ_CHECK(dlink::encode_pi_frame_payload({header, times, values}, encoded) == size);
  DEMINER_FUZZ_CHECK(same_bytes(encoded, data, size));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  check_vlf(data, size);
  check_pi(data, size);
  return 0;
}
