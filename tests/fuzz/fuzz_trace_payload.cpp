// Fuzz target: decode_trace_payload on arbitrary bytes (the payload of a gpr_trace frame).
//
// Invariants checked for every input (payloads.hpp, docs/link-frames.md):
//   - ok exactly when the payload is 56 + 4·count bytes for the count it declares, and then
//     every sample is written; re-encoding the decoded header and samples gives back the input
//     byte for byte (samples pass bit for bit, NaN included);
//   - on any other status neither the header nor the samples are written;
//   - with a sample span one too short the decoder refuses with samples_do_not_fit, again
//     without writing anything;
//   - every status has a description.
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "deminer/drivers/link/payloads.hpp"
#include "deminer/dsp/core/trace.hpp"
#include "fuzz_check.hpp"

namespace dlink = deminer::drivers::link;
using deminer::dsp::TraceHeader;

namespace {

// Values no decoded payload is likely to hold, so that a write on failure shows.
constexpr std::uint32_t kSentinelSample = 0x7FC0'DEADu;  // a quiet NaN with a payload

TraceHeader sentinel_header() {
  TraceHeader h;
  h.dt_s = -1.25;
  h.time_zero_s = -2.5;
  h.position_m = -5.0;
  h.odometer_ticks = -7;
  h.timestamp_ns = -11;
  h.sequence = 13;
  h.channel = 17;
  return h;
}

bool same_bits(const TraceHeader& a, const TraceHeader& b) {
  return std::bit_cast<std::uint64_t>(a.dt_s) == std::bit_cast<std::uint64_t>(b.dt_s) &&
         std::bit_cast<std::uint64_t>(a.time_zero_s) ==
             std::bit_cast<std::uint64_t>(b.time_zero_s) &&
         std::bit_cast<std::uint64_t>(a.position_m) == std::bit_cast<std::uint64_t>(b.position_m) &&
         a.odometer_ticks == b.odometer_ticks && a.timestamp_ns == b.timestamp_ns &&
         a.sequence == b.sequence && a.channel == b.channel;
}

bool untouched(const TraceHeader& header, std::span<const float> samples) {
  if (!same_bits(header, sentinel_header())) return false;
  for (float s : samples) {
    if (std::bit_cast<std::uint32_t>(s) != kSentinelSample) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto payload = std::as_bytes(std::span(data, size));
  // As many samples as the payload length allows, the way RecordingReader sizes its trace.
  const std::size_t fit =
      size > dlink::kTracePayloadHeaderSize ? (size - dlink::kTracePayloadHeaderSize) / 4 : 0;
  TraceHeader header = sentinel_header();
  std::vector<float> samples(fit, std::bit_cast<float>(kSentinelSample));

  const auto result = dlink::decode_trace_payload(payload, header, samples);
  DEMINER_FUZZ_CHECK(dlink::to_string(result.status) != nullptr);
  if (result.status != dlink::TracePayloadStatus::ok) {
    DEMINER_FUZZ_CHECK(result.sample_count == 0);
    DEMINER_FUZZ_CHECK(untouched(header, samples));
    return 0;
  }
  DEMINER_FUZZ_CHECK(result.sample_count == fit);
  DEMINER_FUZZ_CHECK(size == dlink::trace_payload_size(fit));

  std::vector<std::byte> encoded(size);
  const std::size_t written = dlink::encode_trace_payload({header, samples}, encoded);
  DEMINER_FUZZ_CHECK(written == size);
  DEMINER_FUZZ_CHECK(size == 0 || std::memcmp(encoded.data(), data, size) == 0);

  if (fit > 0) {
    TraceHeader short_header = sentinel_header();
    std::vector<float> short_samples(fit - 1, std::bit_cast<float>(kSentinelSample));
    const auto refused = dlink::decode_trace_payload(payload, short_header, short_samples);
    DEMINER_FUZZ_CHECK(refused.status == dlink::TracePayloadStatus::samples_do_not_fit);
    DEMINER_FUZZ_CHECK(untouched(short_header, short_samples));
  }
  return 0;
}
