// Fuzz target: decode_trace_payload on arbitrary bytes (the payload of a gpr_trace frame), and
// decode_swept_trace_payload on the same bytes behind a 16-byte place taken from the input's
// start (a swept_gpr_trace frame).
//
// Invariants checked for every input (payloads.hpp, docs/link-frames.md):
//   - ok exactly when the payload is 56 + 4·count bytes for the count it declares, and then
//     every sample is written; re-encoding the decoded header and samples gives back the input
//     byte for byte (samples pass bit for bit, NaN included);
//   - on any other status neither the header nor the samples are written;
//   - with a sample span one too short the decoder refuses with samples_do_not_fit, again
//     without writing anything;
//   - every status has a description;
//   - the swept decoder accepts exactly when the place is valid (finite advance, no reserved
//     flag bit) and the trace payload behind it is, then writes what the plain decoder does and
//     re-encodes to the input; otherwise it writes nothing.
#include <algorithm>
#include <bit>
#include <cmath>
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

// The swept payload: the first 16 input bytes as the place, then the whole input as the trace.
void check_swept(std::span<const std::byte> input, std::size_t fit,
                 dlink::TracePayloadStatus plain_status) {
  const std::span<const std::byte> place_bytes =
      input.first(std::min<std::size_t>(16, input.size()));
  std::vector<std::byte> payload(place_bytes.begin(), place_bytes.end());
  payload.resize(dlink::kSweptTracePrefixSize);
  payload.insert(payload.end(), input.begin(), input.end());
  const deminer::dsp::SweepPlace sentinel_place{-3.0, 99, true};
  deminer::dsp::SweepPlace place = sentinel_place;
  TraceHeader header = sentinel_header();
  std::vector<float> samples(fit, std::bit_cast<float>(kSentinelSample));
  const auto result = dlink::decode_swept_trace_payload(payload, header, place, samples);
  DEMINER_FUZZ_CHECK(dlink::to_string(result.status) != nullptr);
  double advance = 0.0;
  std::memcpy(&advance, payload.data(), 8);  // little-endian hosts only (the fuzz build's)
  std::uint32_t flags = 0;
  std::memcpy(&flags, payload.data() + 12, 4);
  const bool place_ok = std::isfinite(advance) && (flags & ~1u) == 0;
  const auto untouched_place = [&] {
    return std::bit_cast<std::uint64_t>(place.advance_m) ==
               std::bit_cast<std::uint64_t>(sentinel_place.advance_m) &&
           place.sweep == sentinel_place.sweep && place.ends_sweep == sentinel_place.ends_sweep;
  };
  if (!place_ok || plain_status != dlink::TracePayloadStatus::ok) {
    DEMINER_FUZZ_CHECK(result.status != dlink::TracePayloadStatus::ok);
    DEMINER_FUZZ_CHECK(untouched(header, samples) && untouched_place());
    return;
  }
  DEMINER_FUZZ_CHECK(result.status == dlink::TracePayloadStatus::ok);
  DEMINER_FUZZ_CHECK(place.ends_sweep == ((flags & 1u) != 0));
  std::vector<std::byte> encoded(payload.size());
  DEMINER_FUZZ_CHECK(dlink::encode_swept_trace_payload({header, samples}, place, encoded) ==
                     payload.size());
  DEMINER_FUZZ_CHECK(std::memcmp(encoded.data(), payload.data(), payload.size()) == 0);
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto payload = std::as_bytes(std::span(data, size));
  // As many samples as the payload length allows, the way RecordingReader sizes its trace.
  const std::size_t fit =
      size > dlink::kTracePayloadHeaderSize ? (size - dlink::kTracePayloadHeaderSize) / 4 : 0;
  TraceHeader header = sentinel_header();
  std::vector<float> samples(fit, std::bit_cast<float>(kSentinelSample));

  const auto result = dlink::decode_trace_payload(payload, header, samples);
  DEMINER_FUZZ_CHECK(dlink::to_string(result.status) != nullptr);
  check_swept(payload, fit, result.status);
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
