// Payload codecs: GPR trace (bit-exact, statuses) and device description (round trip, errors
// naming field and offset). Layouts are checked against docs/link-frames.md by hand.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <random>
#include <string>

#include "deminer/drivers/link/payloads.hpp"
#include "deminer/dsp/core/error.hpp"
#include "link_test_support.hpp"

using namespace deminer::drivers::link;
using deminer::dsp::TraceHeader;
using deminer::test::Bytes;
using deminer::test::from_hex;
using deminer::test::to_hex;

namespace {

// The payload of the worked example in docs/link-frames.md, from
// tests/reference/link_frame_example.py.
constexpr const char* kExamplePayloadHex =
    "bbbdd7d9df7cdb3d3a8c30e28e7925be000000000000f43f640000000000000000002a36fe9c97172a00000000"
    "0000000100010004000000000000000000003f000080bf00000040";

Bytes encode(const TraceHeader& header, const std::vector<float>& samples) {
  Bytes out(trace_payload_size(samples.size()));
  EXPECT_EQ(encode_trace_payload({header, samples}, out), out.size());
  return out;
}

void put_u32(Bytes& b, std::size_t at, std::uint32_t v) {
  for (std::size_t i = 0; i < 4; ++i) b[at + i] = static_cast<std::byte>(v >> (8 * i));
}
void put_f64(Bytes& b, std::size_t at, double v) {
  const auto bits = std::bit_cast<std::uint64_t>(v);
  for (std::size_t i = 0; i < 8; ++i) b[at + i] = static_cast<std::byte>(bits >> (8 * i));
}

TEST(TracePayload, DecodesTheReferencePayload) {
  const Bytes payload = from_hex(kExamplePayloadHex);
  TraceHeader h;
  std::vector<float> samples(8, 99.0f);
  const auto result = decode_trace_payload(payload, h, samples);
  ASSERT_EQ(result.status, TracePayloadStatus::ok);
  ASSERT_EQ(result.sample_count, 4u);
  EXPECT_EQ(h.dt_s, 1.0e-10);
  EXPECT_EQ(h.time_zero_s, -2.5e-9);
  EXPECT_EQ(h.position_m, 1.25);
  EXPECT_EQ(h.odometer_ticks, 100);
  EXPECT_EQ(h.timestamp_ns, 1'700'000'000'000'000'000);
  EXPECT_EQ(h.sequence, 42u);
  EXPECT_EQ(h.channel, 1u);
  EXPECT_EQ(samples[0], 0.0f);
  EXPECT_EQ(samples[1], 0.5f);
  EXPECT_EQ(samples[2], -1.0f);
  EXPECT_EQ(samples[3], 2.0f);
  EXPECT_EQ(samples[4], 99.0f) << "nothing written past the sample count";
}

TEST(TracePayload, RoundTripIsBitExact) {
  std::mt19937 rng(5);
  const std::uint32_t special[] = {
      0x7FC12345u,  // quiet NaN with a payload
      0xFFC00001u,  // negative quiet NaN
      0x7F800000u,  // +inf
      0xFF800000u,  // -inf
      0x80000000u,  // -0
      0x00000001u,  // smallest denormal
      0x7F7FFFFFu,  // largest finite
  };
  std::vector<float> samples;
  for (std::uint32_t bits : special) samples.push_back(std::bit_cast<float>(bits));
  for (int i = 0; i < 500; ++i)
    samples.push_back(std::bit_cast<float>(static_cast<std::uint32_t>(rng())));
  const TraceHeader in{2.5e-11, -1.0e-9, -3.75, -123456789012345, -5, 0xFEDCBA9876543210u, 0xBEEF};
  const Bytes payload = encode(in, samples);

  TraceHeader out;
  std::vector<float> decoded(samples.size());
  const auto result = decode_trace_payload(payload, out, decoded);
  ASSERT_EQ(result.status, TracePayloadStatus::ok);
  ASSERT_EQ(result.sample_count, samples.size());
  EXPECT_EQ(out.dt_s, in.dt_s);
  EXPECT_EQ(out.time_zero_s, in.time_zero_s);
  EXPECT_EQ(out.position_m, in.position_m);
  EXPECT_EQ(out.odometer_ticks, in.odometer_ticks);
  EXPECT_EQ(out.timestamp_ns, in.timestamp_ns);
  EXPECT_EQ(out.sequence, in.sequence);
  EXPECT_EQ(out.channel, in.channel);
  for (std::size_t i = 0; i < samples.size(); ++i) {
    ASSERT_EQ(std::bit_cast<std::uint32_t>(decoded[i]), std::bit_cast<std::uint32_t>(samples[i]))
        << "sample " << i;
  }
}

TEST(TracePayload, EmptyTrace) {
  const Bytes payload = encode({1e-9, 0, 0, 0, 0, 0, 0}, {});
  EXPECT_EQ(payload.size(), 56u);
  TraceHeader h;
  const auto result = decode_trace_payload(payload, h, {});
  EXPECT_EQ(result.status, TracePayloadStatus::ok);
  EXPECT_EQ(result.sample_count, 0u);
}

TEST(TracePayload, EncodeRefusesShortBuffer) {
  std::vector<float> samples(10);
  Bytes out(trace_payload_size(10) - 1);
  EXPECT_EQ(encode_trace_payload({{}, samples}, out), 0u);
  Bytes tiny(10);
  EXPECT_EQ(encode_trace_payload({{}, {}}, tiny), 0u);
}

TEST(TracePayload, ReportsWhatIsWrong) {
  using enum TracePayloadStatus;
  const TraceHeader good{1e-10, 0.0, 0.0, 0, 0, 0, 0};
  const std::vector<float> four(4, 1.0f);
  const Bytes base = encode(good, four);
  std::vector<float> out(16, 7.0f);
  TraceHeader h;
  h.sequence = 77;
  const auto status_of = [&](const Bytes& p) {
    const auto r = decode_trace_payload(p, h, out);
    if (r.status != ok) {
      EXPECT_EQ(h.sequence, 77u) << "header untouched on failure";
      EXPECT_EQ(out[0], 7.0f) << "samples untouched on failure";
    }
    return r.status;
  };
  EXPECT_EQ(status_of(base), ok);
  h.sequence = 77;
  std::fill(out.begin(), out.end(), 7.0f);

  EXPECT_EQ(status_of(Bytes(base.begin(), base.begin() + 55)), too_short);
  EXPECT_EQ(status_of(Bytes(base.begin(), base.end() - 1)), length_mismatch);
  EXPECT_EQ(status_of(Bytes(base.begin(), base.end() - 4)), length_mismatch);
  Bytes more = base;
  put_u32(more, 52, 5);  // sample count at offset 52
  EXPECT_EQ(status_of(more), length_mismatch);
  Bytes format = base;
  format[50] = std::byte{2};  // sample format at offset 50
  EXPECT_EQ(status_of(format), unsupported_sample_format);
  for (double dt : {0.0, -1e-10, std::nan(""), std::numeric_limits<double>::infinity()}) {
    Bytes bad = base;
    put_f64(bad, 0, dt);
    EXPECT_EQ(status_of(bad), bad_dt) << dt;
  }
  for (std::size_t at : {8u, 16u}) {  // time_zero_s, position_m
    Bytes bad = base;
    put_f64(bad, at, -std::numeric_limits<double>::infinity());
    EXPECT_EQ(status_of(bad), non_finite_header) << at;
  }
  std::vector<float> small(3);
  EXPECT_EQ(decode_trace_payload(base, h, small).status, samples_do_not_fit);
  EXPECT_STRNE(to_string(samples_do_not_fit), "unknown status");
}

DeviceDescription example_device() {
  DeviceDescription d;
  d.name = "Géoradar gauche";
  d.model = "DMN-GPR-1500";
  d.serial = "SN 東京 0042 🙂";
  d.firmware = "";
  d.kind = SensorKind::gpr;
  d.nominal_dt_s = 1.0 / 1024.0;
  d.centre_frequency_hz = 1.5e9;
  d.samples_per_trace = 512;
  d.channels = 2;
  return d;
}

// docs/link-frames.md, type 5: advance_m f64 | sweep u32 | flags u32 | a type-1 payload.
TEST(SweptTracePayload, LayoutByHand) {
  const Bytes trace_payload = from_hex(kExamplePayloadHex);
  TraceHeader header;
  std::vector<float> samples(4);
  ASSERT_EQ(decode_trace_payload(trace_payload, header, samples).status, TracePayloadStatus::ok);
  const deminer::dsp::SweepPlace place{-3.5, 0x01020304u, true};
  Bytes out(swept_trace_payload_size(samples.size()));
  ASSERT_EQ(encode_swept_trace_payload({header, samples}, place, out), out.size());
  // -3.5 = 0xC00C000000000000 little-endian, then 0x01020304 and flag bit 0.
  EXPECT_EQ(to_hex(Bytes(out.begin(), out.begin() + 16)), "0000000000000cc00403020101000000");
  EXPECT_EQ(Bytes(out.begin() + 16, out.end()), trace_payload);
}

TEST(SweptTracePayload, RoundTripAndRefusals) {
  TraceHeader header;
  header.dt_s = 1e-10;
  header.position_m = 0.75;
  const std::vector<float> samples = {1.0f, -2.0f, 0.25f};
  for (const bool ends : {false, true}) {
    const deminer::dsp::SweepPlace place{12.125, 7, ends};
    Bytes out(swept_trace_payload_size(samples.size()));
    ASSERT_EQ(encode_swept_trace_payload({header, samples}, place, out), out.size());
    TraceHeader h;
    deminer::dsp::SweepPlace p;
    std::vector<float> got(3);
    const auto result = decode_swept_trace_payload(out, h, p, got);
    ASSERT_EQ(result.status, TracePayloadStatus::ok);
    EXPECT_EQ(p.advance_m, 12.125);
    EXPECT_EQ(p.sweep, 7u);
    EXPECT_EQ(p.ends_sweep, ends);
    EXPECT_EQ(h.position_m, 0.75);
    EXPECT_EQ(got, samples);
  }
  Bytes good(swept_trace_payload_size(samples.size()));
  ASSERT_NE(encode_swept_trace_payload({header, samples}, {1.0, 2, false}, good), 0u);
  const auto refused = [&](const Bytes& payload) {
    TraceHeader h;
    h.position_m = -99.0;
    deminer::dsp::SweepPlace p{-99.0, 99, true};
    std::vector<float> got(3, 5.0f);
    const auto result = decode_swept_trace_payload(payload, h, p, got);
    EXPECT_EQ(h.position_m, -99.0);  // nothing written on failure
    EXPECT_EQ(p.advance_m, -99.0);
    EXPECT_EQ(got[0], 5.0f);
    return result.status;
  };
  Bytes flags = good;
  put_u32(flags, 12, 2);
  EXPECT_EQ(refused(flags), TracePayloadStatus::reserved_not_zero);
  Bytes advance = good;
  put_f64(advance, 0, std::numeric_limits<double>::quiet_NaN());
  EXPECT_EQ(refused(advance), TracePayloadStatus::non_finite_header);
  EXPECT_EQ(refused(Bytes(good.begin(), good.begin() + 15)), TracePayloadStatus::too_short);
  Bytes inner = good;
  put_f64(inner, 16, 0.0);  // the trace's dt_s
  EXPECT_EQ(refused(inner), TracePayloadStatus::bad_dt);
  Bytes small(swept_trace_payload_size(samples.size()) - 1);
  EXPECT_EQ(encode_swept_trace_payload({header, samples}, {}, small), 0u);
}

TEST(DeviceDescriptionPayload, LayoutByHand) {
  DeviceDescription d;
  d.name = "A";
  d.model = "BC";
  d.kind = SensorKind::metal_detector;
  d.nominal_dt_s = 0.5;
  d.centre_frequency_hz = 2.0;
  d.samples_per_trace = 0x01020304;
  d.channels = 3;
  EXPECT_EQ(to_hex(encode_device_description(d)),
            "000000000000e03f"  // 0.5
            "0000000000000040"  // 2.0
            "04030201"          // samples_per_trace
            "0300"              // channels
            "02"                // kind: metal_detector
            "010041"            // name "A"
            "02004243"          // model "BC"
            "0000"              // serial ""
            "0000");            // firmware ""
}

TEST(DeviceDescriptionPayload, RoundTrip) {
  const DeviceDescription d = example_device();
  const Bytes payload = encode_device_description(d);
  EXPECT_EQ(decode_device_description(payload), d);
}

std::string error_of(const Bytes& payload) {
  try {
    (void)decode_device_description(payload, "head.bin", 1000);
  } catch (const deminer::FormatError& e) {
    return e.what();
  }
  return "no error";
}

TEST(DeviceDescriptionPayload, EveryTruncationNamesAField) {
  const Bytes payload = encode_device_description(example_device());
  for (std::size_t n = 0; n < payload.size(); ++n) {
    const std::string message = error_of(Bytes(payload.begin(), payload.begin() + n));
    EXPECT_NE(message.find("head.bin: byte "), std::string::npos) << n << ": " << message;
    EXPECT_NE(message.find("field '"), std::string::npos) << message;
  }
  // Hand-computed offsets: the fixed part is 23 bytes, name's length prefix is at 23.
  EXPECT_NE(error_of(Bytes(payload.begin(), payload.begin() + 10))
                .find("byte 1008, field "
                      "'centre_frequency_hz'"),
            std::string::npos);
  EXPECT_NE(error_of(Bytes(payload.begin(), payload.begin() + 24)).find("byte 1023, field 'name'"),
            std::string::npos);
}

TEST(DeviceDescriptionPayload, BadValuesNameFieldAndOffset) {
  const Bytes good = encode_device_description(example_device());
  Bytes kind = good;
  kind[22] = std::byte{9};
  EXPECT_NE(error_of(kind).find("byte 1022, field 'kind': expected 1 (gpr) or 2 (metal_detector), "
                                "found 9"),
            std::string::npos)
      << error_of(kind);
  Bytes channels = good;
  channels[20] = channels[21] = std::byte{0};
  EXPECT_NE(error_of(channels).find("byte 1020, field 'channels'"), std::string::npos);
  Bytes dt = good;
  put_f64(dt, 0, std::nan(""));
  EXPECT_NE(error_of(dt).find("byte 1000, field 'nominal_dt_s'"), std::string::npos);
  Bytes utf8 = good;
  // name = "Géoradar…" starts at 25; 'é' is C3 A9 at 26. Without its continuation byte the
  // sequence starting at 26 is malformed.
  utf8[27] = std::byte{'A'};
  EXPECT_NE(error_of(utf8).find("byte 1026, field 'name': expected UTF-8"), std::string::npos)
      << error_of(utf8);
  Bytes trailing = good;
  trailing.push_back(std::byte{0});
  EXPECT_NE(error_of(trailing).find("end of payload"), std::string::npos);
}

TEST(DeviceDescriptionPayload, EncodeRefusesBadStrings) {
  DeviceDescription d = example_device();
  d.serial = std::string(65536, 'x');
  EXPECT_THROW((void)encode_device_description(d), deminer::FormatError);
  d.serial = std::string(65535, 'x');
  EXPECT_NO_THROW((void)encode_device_description(d));
  for (const char* bad : {"\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "abc\xE2\x82"}) {
    d.serial = bad;  // overlong '/', a surrogate, above U+10FFFF, truncated sequence
    EXPECT_THROW((void)encode_device_description(d), deminer::FormatError) << bad;
  }
}

}  // namespace
