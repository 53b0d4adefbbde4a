// Payload codecs for link frames: GPR traces (the streaming path) and the device description
// (sent once per connection and stored in every recording's file header).
//
// Layouts are in docs/link-frames.md; all fields little-endian. The trace codec is noexcept and
// allocation-free and reports problems as a status; the device description codec allocates
// (strings) and throws deminer::FormatError, since it runs once at start-up.
//
// GPR trace payload (56 + 4·n bytes):
//   0 dt_s f64 | 8 time_zero_s f64 | 16 position_m f64 | 24 odometer_ticks i64 |
//   32 timestamp_ns i64 | 40 sequence u64 | 48 channel u16 | 50 sample format u16 (1 = float32) |
//   52 sample count n u32 | 56 samples float32[n]
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "deminer/dsp/core/trace.hpp"

namespace deminer::drivers::link {

inline constexpr std::size_t kTracePayloadHeaderSize = 56;
inline constexpr std::uint16_t kSampleFormatFloat32 = 1;

[[nodiscard]] constexpr std::size_t trace_payload_size(std::size_t samples) noexcept {
  return kTracePayloadHeaderSize + 4 * samples;
}

enum class TracePayloadStatus : std::uint8_t {
  ok,
  too_short,                  // shorter than the fixed 56-byte part
  unsupported_sample_format,  // sample format is not kSampleFormatFloat32
  length_mismatch,            // sample count disagrees with the payload length
  samples_do_not_fit,         // the caller's sample span is shorter than the sample count
  bad_dt,                     // dt_s is not finite and positive
  non_finite_header,          // time_zero_s, position_m (or a swept trace's advance_m) not finite
  reserved_not_zero,          // a swept trace's reserved flag bits are set
};

[[nodiscard]] const char* to_string(TracePayloadStatus status) noexcept;

// Writes the payload into `out` and returns its size, or 0 when `out` is too small.
[[nodiscard]] std::size_t encode_trace_payload(const dsp::TraceView& trace,
                                               std::span<std::byte> out) noexcept;

struct TraceDecodeResult {
  TracePayloadStatus status = TracePayloadStatus::ok;
  std::size_t sample_count = 0;  // samples written to the caller's span (0 unless ok)
};

// Decodes into `header` and the first sample_count elements of `samples`. Samples pass bit for
// bit, NaN and infinities included: judging the signal (saturation, non-finite samples) is the
// pipeline's input check, not the codec's. Header values that would make every later
// computation wrong (dt_s, time_zero_s, position_m not finite; dt_s <= 0) are refused.
// On failure neither `header` nor `samples` is written.
[[nodiscard]] TraceDecodeResult decode_trace_payload(std::span<const std::byte> payload,
                                                     dsp::TraceHeader& header,
                                                     std::span<float> samples) noexcept;

// Swept GPR trace payload (16 + 56 + 4·n bytes): a trace of a head that sweeps a 2-D area,
// with its place on the lane (dsp::SweepPlace), then a GPR trace payload as above:
//   0 advance_m f64 | 8 sweep u32 | 12 flags u32 (bit 0: ends_sweep; others 0) | 16 trace payload
// Why a frame type of its own: a dual-sensor head's radar must say where along the lane each
// trace was taken and when the sweep reversed, and the plain trace frame has no room for it.
inline constexpr std::size_t kSweptTracePrefixSize = 16;

[[nodiscard]] constexpr std::size_t swept_trace_payload_size(std::size_t samples) noexcept {
  return kSweptTracePrefixSize + trace_payload_size(samples);
}

[[nodiscard]] std::size_t encode_swept_trace_payload(const dsp::TraceView& trace,
                                                     const dsp::SweepPlace& place,
                                                     std::span<std::byte> out) noexcept;
// As decode_trace_payload, and `place` is written only on success too.
[[nodiscard]] TraceDecodeResult decode_swept_trace_payload(std::span<const std::byte> payload,
                                                           dsp::TraceHeader& header,
                                                           dsp::SweepPlace& place,
                                                           std::span<float> samples) noexcept;

// Device description payload (23 bytes + strings):
//   0 nominal_dt_s f64 | 8 centre_frequency_hz f64 | 16 samples_per_trace u32 | 20 channels u16 |
//   22 kind u8 | 23 name, model, serial, firmware: each a u16 byte length + that many UTF-8 bytes
inline constexpr std::size_t kDeviceDescriptionFixedSize = 23;
inline constexpr std::size_t kMaxDeviceDescriptionSize =
    kDeviceDescriptionFixedSize + 4 * (2 + std::size_t{0xFFFF});

enum class SensorKind : std::uint8_t { gpr = 1, metal_detector = 2 };

struct DeviceDescription {
  std::string name;      // user-facing, e.g. "left GPR head"
  std::string model;     // manufacturer's model designation
  std::string serial;    // serial number
  std::string firmware;  // firmware version of the sensor head
  SensorKind kind = SensorKind::gpr;
  double nominal_dt_s = 0.0;         // GPR: sample interval; MD: sample period of a channel
  double centre_frequency_hz = 0.0;  // GPR antenna centre frequency or MD transmit frequency
  std::uint32_t samples_per_trace = 0;
  std::uint16_t channels = 1;

  bool operator==(const DeviceDescription&) const = default;
};

// Throws deminer::FormatError when a string is longer than 65535 bytes or not valid UTF-8.
[[nodiscard]] std::vector<std::byte> encode_device_description(const DeviceDescription& device);

// Throws deminer::FormatError naming `source`, the field, its byte offset (base_offset + offset
// within the payload), what was expected and what was found.
[[nodiscard]] DeviceDescription decode_device_description(
    std::span<const std::byte> payload, std::string_view source = "device description",
    std::uint64_t base_offset = 0);

}  // namespace deminer::drivers::link
