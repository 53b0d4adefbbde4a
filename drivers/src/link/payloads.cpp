#include "deminer/drivers/link/payloads.hpp"

#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

#include "byte_cursor.hpp"
#include "deminer/dsp/core/error.hpp"

namespace deminer::drivers::link {

const char* to_string(TracePayloadStatus status) noexcept {
  switch (status) {
    case TracePayloadStatus::ok:
      return "ok";
    case TracePayloadStatus::too_short:
      return "payload shorter than the 56-byte trace header";
    case TracePayloadStatus::unsupported_sample_format:
      return "unsupported sample format (expected 1 = float32)";
    case TracePayloadStatus::length_mismatch:
      return "sample count disagrees with the payload length";
    case TracePayloadStatus::samples_do_not_fit:
      return "sample count exceeds the caller's buffer";
    case TracePayloadStatus::bad_dt:
      return "dt_s is not finite and positive";
    case TracePayloadStatus::non_finite_header:
      return "time_zero_s, position_m or advance_m is not finite";
    case TracePayloadStatus::reserved_not_zero:
      return "reserved flag bits of a swept trace are set";
  }
  return "unknown status";
}

std::size_t encode_trace_payload(const dsp::TraceView& trace, std::span<std::byte> out) noexcept {
  const std::size_t n = trace.samples.size();
  if (n > std::numeric_limits<std::uint32_t>::max() || out.size() < kTracePayloadHeaderSize ||
      (out.size() - kTracePayloadHeaderSize) / 4 < n) {
    return 0;
  }
  const dsp::TraceHeader& h = trace.header;
  detail::ByteWriter w(out);
  w.f64(h.dt_s);
  w.f64(h.time_zero_s);
  w.f64(h.position_m);
  w.i64(h.odometer_ticks);
  w.i64(h.timestamp_ns);
  w.u64(h.sequence);
  w.u16(h.channel);
  w.u16(kSampleFormatFloat32);
  w.u32(static_cast<std::uint32_t>(n));
  for (float s : trace.samples) w.f32(s);
  return trace_payload_size(n);
}

TraceDecodeResult decode_trace_payload(std::span<const std::byte> payload, dsp::TraceHeader& header,
                                       std::span<float> samples) noexcept {
  using enum TracePayloadStatus;
  if (payload.size() < kTracePayloadHeaderSize) return {too_short, 0};
  detail::ByteReader r(payload);
  dsp::TraceHeader h;
  h.dt_s = r.f64();
  h.time_zero_s = r.f64();
  h.position_m = r.f64();
  h.odometer_ticks = r.i64();
  h.timestamp_ns = r.i64();
  h.sequence = r.u64();
  h.channel = r.u16();
  const std::uint16_t format = r.u16();
  const std::uint32_t count = r.u32();
  if (format != kSampleFormatFloat32) return {unsupported_sample_format, 0};
  const std::size_t sample_bytes = payload.size() - kTracePayloadHeaderSize;
  if (sample_bytes % 4 != 0 || sample_bytes / 4 != count) return {length_mismatch, 0};
  if (!std::isfinite(h.dt_s) || !(h.dt_s > 0.0)) return {bad_dt, 0};
  if (!std::isfinite(h.time_zero_s) || !std::isfinite(h.position_m)) return {non_finite_header, 0};
  if (samples.size() < count) return {samples_do_not_fit, 0};
  header = h;
  for (std::size_t i = 0; i < count; ++i) samples[i] = r.f32();
  return {ok, count};
}

namespace {
constexpr std::uint32_t kEndsSweepFlag = 1;
}  // namespace

std::size_t encode_swept_trace_payload(const dsp::TraceView& trace, const dsp::SweepPlace& place,
                                       std::span<std::byte> out) noexcept {
  if (out.size() < kSweptTracePrefixSize) return 0;
  const std::size_t trace_bytes = encode_trace_payload(trace, out.subspan(kSweptTracePrefixSize));
  if (trace_bytes == 0) return 0;
  detail::ByteWriter w(out);
  w.f64(place.advance_m);
  w.u32(place.sweep);
  w.u32(place.ends_sweep ? kEndsSweepFlag : 0);
  return kSweptTracePrefixSize + trace_bytes;
}

TraceDecodeResult decode_swept_trace_payload(std::span<const std::byte> payload,
                                             dsp::TraceHeader& header, dsp::SweepPlace& place,
                                             std::span<float> samples) noexcept {
  using enum TracePayloadStatus;
  if (payload.size() < kSweptTracePrefixSize) return {too_short, 0};
  detail::ByteReader r(payload);
  dsp::SweepPlace p;
  p.advance_m = r.f64();
  p.sweep = r.u32();
  const std::uint32_t flags = r.u32();
  if ((flags & ~kEndsSweepFlag) != 0) return {reserved_not_zero, 0};
  if (!std::isfinite(p.advance_m)) return {non_finite_header, 0};
  p.ends_sweep = (flags & kEndsSweepFlag) != 0;
  const TraceDecodeResult trace =
      decode_trace_payload(payload.subspan(kSweptTracePrefixSize), header, samples);
  if (trace.status == ok) place = p;
  return trace;
}

namespace {

constexpr std::size_t kMaxStringBytes = 0xFFFF;

// Offset of the first byte that is not well-formed UTF-8 (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF), or bytes.size().
std::size_t utf8_error_at(std::span<const std::byte> bytes) noexcept {
  std::size_t i = 0;
  while (i < bytes.size()) {
    const auto lead = std::to_integer<unsigned>(bytes[i]);
    std::size_t continuation = 0;
    unsigned lo = 0x80;  // allowed range of the first continuation byte
    unsigned hi = 0xBF;
    if (lead < 0x80) {
      ++i;
      continue;
    } else if (lead >= 0xC2 && lead <= 0xDF) {
      continuation = 1;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      continuation = 2;
      if (lead == 0xE0) lo = 0xA0;
      if (lead == 0xED) hi = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      continuation = 3;
      if (lead == 0xF0) lo = 0x90;
      if (lead == 0xF4) hi = 0x8F;
    } else {
      return i;
    }
    if (bytes.size() - i <= continuation) return i;
    for (std::size_t k = 1; k <= continuation; ++k) {
      const auto b = std::to_integer<unsigned>(bytes[i + k]);
      if (b < (k == 1 ? lo : 0x80u) || b > (k == 1 ? hi : 0xBFu)) return i;
    }
    i += continuation + 1;
  }
  return bytes.size();
}

std::span<const std::byte> as_bytes(std::string_view s) noexcept {
  return std::as_bytes(std::span(s.data(), s.size()));
}

std::string hex_byte(unsigned v) {
  char text[8];
  std::snprintf(text, sizeof text, "0x%02X", v);
  return text;
}

struct StringField {
  const char* name;
  std::string DeviceDescription::*member;
};
constexpr StringField kStringFields[] = {{"name", &DeviceDescription::name},
                                         {"model", &DeviceDescription::model},
                                         {"serial", &DeviceDescription::serial},
                                         {"firmware", &DeviceDescription::firmware}};

// Reads the payload field by field, so that every error can name the field and its offset.
class DescriptionParser {
 public:
  DescriptionParser(std::span<const std::byte> payload, std::string_view source,
                    std::uint64_t base_offset)
      : payload_(payload), source_(source), base_(base_offset) {}

  [[noreturn]] void fail(std::size_t offset, const char* field, const std::string& expected,
                         const std::string& found) const {
    throw FormatError(std::string(source_) + ": byte " + std::to_string(base_ + offset) +
                      ", field '" + field + "': expected " + expected + ", found " + found);
  }

  // The next `n` bytes of `field`, after checking that they are there.
  std::span<const std::byte> take(std::size_t n, const char* field) {
    if (payload_.size() - pos_ < n) {
      fail(pos_, field, std::to_string(n) + " bytes",
           "the payload ends after " + std::to_string(payload_.size() - pos_));
    }
    const auto bytes = payload_.subspan(pos_, n);
    pos_ += n;
    return bytes;
  }

  std::size_t position() const noexcept { return pos_; }
  std::size_t remaining() const noexcept { return payload_.size() - pos_; }

 private:
  std::span<const std::byte> payload_;
  std::string_view source_;
  std::uint64_t base_;
  std::size_t pos_ = 0;
};

}  // namespace

std::vector<std::byte> encode_device_description(const DeviceDescription& device) {
  std::size_t size = kDeviceDescriptionFixedSize;
  for (const auto& field : kStringFields) {
    const std::string& s = device.*field.member;
    if (s.size() > kMaxStringBytes) {
      throw FormatError("device description: field '" + std::string(field.name) + "' is " +
                        std::to_string(s.size()) + " bytes long, the limit is 65535");
    }
    if (const std::size_t bad = utf8_error_at(as_bytes(s)); bad != s.size()) {
      throw FormatError("device description: field '" + std::string(field.name) +
                        "' is not valid UTF-8 at byte " + std::to_string(bad));
    }
    size += 2 + s.size();
  }
  std::vector<std::byte> out(size);
  detail::ByteWriter w(out);
  w.f64(device.nominal_dt_s);
  w.f64(device.centre_frequency_hz);
  w.u32(device.samples_per_trace);
  w.u16(device.channels);
  w.u8(static_cast<std::uint8_t>(device.kind));
  for (const auto& field : kStringFields) {
    const std::string& s = device.*field.member;
    w.u16(static_cast<std::uint16_t>(s.size()));
    for (char c : s) w.u8(static_cast<std::uint8_t>(c));
  }
  return out;
}

DeviceDescription decode_device_description(std::span<const std::byte> payload,
                                            std::string_view source, std::uint64_t base_offset) {
  DescriptionParser p(payload, source, base_offset);
  DeviceDescription d;
  const auto number = [&](const char* field, double& value) {
    const std::size_t at = p.position();
    value = load_le<double>(p.take(8, field), 0);
    if (!std::isfinite(value) || value < 0.0) {
      p.fail(at, field, "a finite value >= 0", std::to_string(value));
    }
  };
  number("nominal_dt_s", d.nominal_dt_s);
  number("centre_frequency_hz", d.centre_frequency_hz);
  d.samples_per_trace = load_le<std::uint32_t>(p.take(4, "samples_per_trace"), 0);
  const std::size_t channels_at = p.position();
  d.channels = load_le<std::uint16_t>(p.take(2, "channels"), 0);
  if (d.channels == 0) p.fail(channels_at, "channels", "at least 1", "0");
  const std::size_t kind_at = p.position();
  const auto kind = std::to_integer<unsigned>(p.take(1, "kind")[0]);
  if (kind != static_cast<unsigned>(SensorKind::gpr) &&
      kind != static_cast<unsigned>(SensorKind::metal_detector)) {
    p.fail(kind_at, "kind", "1 (gpr) or 2 (metal_detector)", std::to_string(kind));
  }
  d.kind = static_cast<SensorKind>(kind);
  for (const auto& field : kStringFields) {
    const auto length = load_le<std::uint16_t>(p.take(2, field.name), 0);
    const std::size_t text_at = p.position();
    const auto text = p.take(length, field.name);
    if (const std::size_t bad = utf8_error_at(text); bad != text.size()) {
      p.fail(text_at + bad, field.name, "UTF-8",
             "byte " + hex_byte(std::to_integer<unsigned>(text[bad])));
    }
    (d.*field.member).assign(reinterpret_cast<const char*>(text.data()), text.size());
  }
  if (p.remaining() != 0) {
    p.fail(p.position(), "end of payload", "no further bytes",
           std::to_string(p.remaining()) + " more");
  }
  return d;
}

}  // namespace deminer::drivers::link
