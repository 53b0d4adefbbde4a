// Payload codecs for metal-detector link frames: VLF raw ADC blocks and PI gate frames
// (dsp/md/md_frame.hpp). Same rules as the GPR trace codec (payloads.hpp): little-endian, noexcept,
// allocation-free, problems reported as a status; layouts in docs/link-frames.md.
//
// VLF block payload (84 + 4·n bytes):
//   0 sample_rate_hz f64 | 8 position_m f64 | 16 advance_m f64 | 24 timestamp_ns i64 |
//   32 sequence u64 | 40 channel u16 | 42 sample format u16 (1 = float32) | 44 tone count u8 |
//   45 reserved u8[3] (0) | 48 tone_hz f64[4] (unused tones 0) | 80 sample count n u32 |
//   84 samples float32[n]
// PI frame payload (56 + 8·n bytes):
//   0 pulse_length_s f64 | 8 pulse_period_s f64 | 16 position_m f64 | 24 advance_m f64 |
//   32 timestamp_ns i64 | 40 sequence u64 | 48 channel u16 | 50 sample format u16 (1 = float32) |
//   52 gate count n u32 | 56 gate_times_s float32[n] | 56 + 4n gate_values float32[n]
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "deminer/dsp/md/md_frame.hpp"

namespace deminer::drivers::link {

inline constexpr std::size_t kVlfPayloadHeaderSize = 84;
inline constexpr std::size_t kPiPayloadHeaderSize = 56;

[[nodiscard]] constexpr std::size_t vlf_block_payload_size(std::size_t samples) noexcept {
  return kVlfPayloadHeaderSize + 4 * samples;
}
[[nodiscard]] constexpr std::size_t pi_frame_payload_size(std::size_t gates) noexcept {
  return kPiPayloadHeaderSize + 8 * gates;
}

enum class MdPayloadStatus : std::uint8_t {
  ok,
  too_short,                  // shorter than the fixed header
  unsupported_sample_format,  // sample format is not float32
  length_mismatch,            // the declared count disagrees with the payload length
  values_do_not_fit,          // the caller's spans are shorter than the declared count
  bad_rate,           // VLF: sample rate or a tone not finite and positive, or tone count above 4;
                      // PI: pulse length or period not finite and positive
  non_finite_header,  // position_m or advance_m is NaN or infinite
  gate_times_not_increasing,  // PI: gate times not finite, positive and strictly increasing
};

[[nodiscard]] const char* to_string(MdPayloadStatus status) noexcept;

struct MdDecodeResult {
  MdPayloadStatus status = MdPayloadStatus::ok;
  std::size_t count = 0;  // samples (VLF) or gates (PI) written to the caller's spans
};

// Write the payload into `out` and return its size, or 0 when `out` is too small or the block
// has more than 4 tones.
[[nodiscard]] std::size_t encode_vlf_block_payload(const dsp::md::VlfBlockView& block,
                                                   std::span<std::byte> out) noexcept;
[[nodiscard]] std::size_t encode_pi_frame_payload(const dsp::md::PiFrameView& frame,
                                                  std::span<std::byte> out) noexcept;

// Decode into `header` and the first `count` elements of the spans; on failure nothing is
// written. Samples and gate values pass bit for bit (judging them is the chain's job); header
// values that would make every later computation wrong are refused.
[[nodiscard]] MdDecodeResult decode_vlf_block_payload(std::span<const std::byte> payload,
                                                      dsp::md::VlfBlockHeader& header,
                                                      std::span<float> samples) noexcept;
[[nodiscard]] MdDecodeResult decode_pi_frame_payload(std::span<const std::byte> payload,
                                                     dsp::md::PiFrameHeader& header,
                                                     std::span<float> gate_times_s,
                                                     std::span<float> gate_values) noexcept;

}  // namespace deminer::drivers::link
