#include "deminer/drivers/link/md_payloads.hpp"

#include <cmath>
#include <limits>

#include "byte_cursor.hpp"
#include "deminer/drivers/link/payloads.hpp"

namespace deminer::drivers::link {

namespace {

bool finite_positive(double v) noexcept { return std::isfinite(v) && v > 0.0; }

// Declared float32 values after the fixed header: `per_count` floats per counted item.
bool length_matches(std::size_t payload_size, std::size_t header_size, std::uint32_t count,
                    std::size_t per_count) noexcept {
  const std::size_t value_bytes = payload_size - header_size;
  return value_bytes % (4 * per_count) == 0 && value_bytes / (4 * per_count) == count;
}

}  // namespace

const char* to_string(MdPayloadStatus status) noexcept {
  switch (status) {
    case MdPayloadStatus::ok:
      return "ok";
    case MdPayloadStatus::too_short:
      return "payload shorter than its fixed header";
    case MdPayloadStatus::unsupported_sample_format:
      return "unsupported sample format (expected 1 = float32)";
    case MdPayloadStatus::length_mismatch:
      return "declared count disagrees with the payload length";
    case MdPayloadStatus::values_do_not_fit:
      return "declared count exceeds the caller's buffer";
    case MdPayloadStatus::bad_rate:
      return "sample rate, tone, pulse length or period is not finite and positive (or > 4 tones)";
    case MdPayloadStatus::non_finite_header:
      return "position_m or advance_m is not finite";
    case MdPayloadStatus::gate_times_not_increasing:
      return "gate times are not finite, positive and strictly increasing";
  }
  return "unknown status";
}

std::size_t encode_vlf_block_payload(const dsp::md::VlfBlockView& block,
                                     std::span<std::byte> out) noexcept {
  const std::size_t n = block.samples.size();
  const dsp::md::VlfBlockHeader& h = block.header;
  if (h.tone_count > dsp::md::max_tones || n > std::numeric_limits<std::uint32_t>::max() ||
      out.size() < kVlfPayloadHeaderSize || (out.size() - kVlfPayloadHeaderSize) / 4 < n) {
    return 0;
  }
  detail::ByteWriter w(out);
  w.f64(h.sample_rate_hz);
  w.f64(h.position_m);
  w.f64(h.advance_m);
  w.i64(h.timestamp_ns);
  w.u64(h.sequence);
  w.u16(h.channel);
  w.u16(kSampleFormatFloat32);
  w.u8(h.tone_count);
  for (int i = 0; i < 3; ++i) w.u8(0);
  for (std::size_t k = 0; k < dsp::md::max_tones; ++k) w.f64(k < h.tone_count ? h.tone_hz[k] : 0.0);
  w.u32(static_cast<std::uint32_t>(n));
  for (float s : block.samples) w.f32(s);
  return vlf_block_payload_size(n);
}

MdDecodeResult decode_vlf_block_payload(std::span<const std::byte> payload,
                                        dsp::md::VlfBlockHeader& header,
                                        std::span<float> samples) noexcept {
  using enum MdPayloadStatus;
  if (payload.size() < kVlfPayloadHeaderSize) return {too_short, 0};
  detail::ByteReader r(payload);
  dsp::md::VlfBlockHeader h;
  h.sample_rate_hz = r.f64();
  h.position_m = r.f64();
  h.advance_m = r.f64();
  h.timestamp_ns = r.i64();
  h.sequence = r.u64();
  h.channel = r.u16();
  const std::uint16_t format = r.u16();
  h.tone_count = r.u8();
  for (int i = 0; i < 3; ++i) (void)r.u8();
  for (double& tone : h.tone_hz) tone = r.f64();
  const std::uint32_t count = r.u32();
  if (format != kSampleFormatFloat32) return {unsupported_sample_format, 0};
  if (!length_matches(payload.size(), kVlfPayloadHeaderSize, count, 1)) {
    return {length_mismatch, 0};
  }
  bool rates_ok = finite_positive(h.sample_rate_hz) && h.tone_count <= dsp::md::max_tones;
  for (std::size_t k = 0; rates_ok && k < h.tone_count; ++k) {
    rates_ok = finite_positive(h.tone_hz[k]);
  }
  if (!rates_ok) return {bad_rate, 0};
  if (!std::isfinite(h.position_m) || !std::isfinite(h.advance_m)) return {non_finite_header, 0};
  if (samples.size() < count) return {values_do_not_fit, 0};
  header = h;
  for (std::size_t i = 0; i < count; ++i) samples[i] = r.f32();
  return {ok, count};
}

std::size_t encode_pi_frame_payload(const dsp::md::PiFrameView& frame,
                                    std::span<std::byte> out) noexcept {
  const std::size_t n = frame.gate_values.size();
  if (frame.gate_times_s.size() != n || n > std::numeric_limits<std::uint32_t>::max() / 2 ||
      out.size() < kPiPayloadHeaderSize || (out.size() - kPiPayloadHeaderSize) / 8 < n) {
    return 0;
  }
  const dsp::md::PiFrameHeader& h = frame.header;
  detail::ByteWriter w(out);
  w.f64(h.pulse_length_s);
  w.f64(h.pulse_period_s);
  w.f64(h.position_m);
  w.f64(h.advance_m);
  w.i64(h.timestamp_ns);
  w.u64(h.sequence);
  w.u16(h.channel);
  w.u16(kSampleFormatFloat32);
  w.u32(static_cast<std::uint32_t>(n));
  for (float t : frame.gate_times_s) w.f32(t);
  for (float v : frame.gate_values) w.f32(v);
  return pi_frame_payload_size(n);
}

MdDecodeResult decode_pi_frame_payload(std::span<const std::byte> payload,
                                       dsp::md::PiFrameHeader& header,
                                       std::span<float> gate_times_s,
                                       std::span<float> gate_values) noexcept {
  using enum MdPayloadStatus;
  if (payload.size() < kPiPayloadHeaderSize) return {too_short, 0};
  detail::ByteReader r(payload);
  dsp::md::PiFrameHeader h;
  h.pulse_length_s = r.f64();
  h.pulse_period_s = r.f64();
  h.position_m = r.f64();
  h.advance_m = r.f64();
  h.timestamp_ns = r.i64();
  h.sequence = r.u64();
  h.channel = r.u16();
  const std::uint16_t format = r.u16();
  const std::uint32_t count = r.u32();
  if (format != kSampleFormatFloat32) return {unsupported_sample_format, 0};
  if (!length_matches(payload.size(), kPiPayloadHeaderSize, count, 2)) return {length_mismatch, 0};
  if (!finite_positive(h.pulse_length_s) || !finite_positive(h.pulse_period_s)) {
    return {bad_rate, 0};
  }
  if (!std::isfinite(h.position_m) || !std::isfinite(h.advance_m)) return {non_finite_header, 0};
  if (gate_times_s.size() < count || gate_values.size() < count) return {values_do_not_fit, 0};
  // Gate times are checked before anything is written: a refused payload leaves no trace.
  detail::ByteReader times(payload.subspan(kPiPayloadHeaderSize, 4 * std::size_t{count}));
  float previous = 0.0f;
  for (std::size_t i = 0; i < count; ++i) {
    const float t = times.f32();
    if (!std::isfinite(t) || !(t > previous)) return {gate_times_not_increasing, 0};
    previous = t;
  }
  header = h;
  for (std::size_t i = 0; i < count; ++i) gate_times_s[i] = r.f32();
  for (std::size_t i = 0; i < count; ++i) gate_values[i] = r.f32();
  return {ok, count};
}

}  // namespace deminer::drivers::link
