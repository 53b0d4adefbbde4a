// Metal-detector payload codecs (VLF blocks, PI frames): byte layout against an independent
// python encoding, bit-exact round trips, every refusal status, and recordings that mix frame
// types.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <limits>
#include <random>

#include "deminer/drivers/link/md_payloads.hpp"
#include "deminer/drivers/link/recording.hpp"
#include "link_test_support.hpp"
#include "scratch_dir.hpp"

using namespace deminer::drivers::link;
namespace md = deminer::dsp::md;
using deminer::test::Bytes;
using deminer::test::from_hex;
using deminer::test::to_hex;

namespace {

// From tests/reference/md_payload_example.py.
constexpr const char* kVlfExampleHex =
    "00000000006af840000000000000d8bf000000000000f83f15cd5b07000000004d0000000000000002000100020000"
    "00000000000088b34000000000004ccd4000000000000000000000000000000000030000000000803e000000bf0000"
    "803f";
constexpr const char* kPiExampleHex =
    "2d431cebe2361a3ffca9f1d24d62503f000000000000e03f000000000000d0bfb168de3a0000000005000000000000"
    "000000010002000000acc5273782a8fb370000003e000000c0";

md::VlfBlock example_vlf() {
  md::VlfBlock b;
  b.header.sample_rate_hz = 100000.0;
  b.header.position_m = -0.375;
  b.header.advance_m = 1.5;
  b.header.timestamp_ns = 123456789;
  b.header.sequence = 77;
  b.header.channel = 2;
  b.header.tone_count = 2;
  b.header.tone_hz = {5000.0, 15000.0, 0.0, 0.0};
  b.samples = {0.25f, -0.5f, 1.0f};
  return b;
}

md::PiFrame example_pi() {
  md::PiFrame f;
  f.header.pulse_length_s = 100e-6;
  f.header.pulse_period_s = 1e-3;
  f.header.position_m = 0.5;
  f.header.advance_m = -0.25;
  f.header.timestamp_ns = 987654321;
  f.header.sequence = 5;
  f.gate_times_s = {10e-6f, 30e-6f};
  f.gate_values = {0.125f, -2.0f};
  return f;
}

Bytes encode(const md::VlfBlock& b) {
  Bytes out(vlf_block_payload_size(b.samples.size()));
  EXPECT_EQ(encode_vlf_block_payload(b.view(), out), out.size());
  return out;
}

Bytes encode(const md::PiFrame& f) {
  Bytes out(pi_frame_payload_size(f.gate_values.size()));
  EXPECT_EQ(encode_pi_frame_payload(f.view(), out), out.size());
  return out;
}

void put_f64(Bytes& b, std::size_t at, double v) {
  const auto bits = std::bit_cast<std::uint64_t>(v);
  for (std::size_t i = 0; i < 8; ++i) b[at + i] = static_cast<std::byte>(bits >> (8 * i));
}
void put_f32(Bytes& b, std::size_t at, float v) {
  const auto bits = std::bit_cast<std::uint32_t>(v);
  for (std::size_t i = 0; i < 4; ++i) b[at + i] = static_cast<std::byte>(bits >> (8 * i));
}

MdPayloadStatus decode_vlf_status(const Bytes& payload) {
  md::VlfBlockHeader h;
  std::vector<float> samples(64);
  return decode_vlf_block_payload(payload, h, samples).status;
}

MdPayloadStatus decode_pi_status(const Bytes& payload) {
  md::PiFrameHeader h;
  std::vector<float> t(64), v(64);
  return decode_pi_frame_payload(payload, h, t, v).status;
}

TEST(MdPayload, LayoutsMatchTheIndependentEncoding) {
  EXPECT_EQ(to_hex(encode(example_vlf())), kVlfExampleHex);
  EXPECT_EQ(to_hex(encode(example_pi())), kPiExampleHex);
}

TEST(MdPayload, VlfRoundTripIsBitExact) {
  const md::VlfBlock in = [] {
    auto b = example_vlf();
    b.samples = {std::numeric_limits<float>::quiet_NaN(), -0.0f,
                 std::numeric_limits<float>::infinity(), 1e-42f};
    return b;
  }();
  md::VlfBlockHeader h;
  std::vector<float> samples(8, 9.0f);
  const auto result = decode_vlf_block_payload(encode(in), h, samples);
  ASSERT_EQ(result.status, MdPayloadStatus::ok);
  ASSERT_EQ(result.count, in.samples.size());
  EXPECT_EQ(h.sample_rate_hz, in.header.sample_rate_hz);
  EXPECT_EQ(h.position_m, in.header.position_m);
  EXPECT_EQ(h.advance_m, in.header.advance_m);
  EXPECT_EQ(h.timestamp_ns, in.header.timestamp_ns);
  EXPECT_EQ(h.sequence, in.header.sequence);
  EXPECT_EQ(h.channel, in.header.channel);
  EXPECT_EQ(h.tone_count, 2);
  EXPECT_EQ(h.tone_hz, in.header.tone_hz);
  for (std::size_t i = 0; i < in.samples.size(); ++i) {
    EXPECT_EQ(std::bit_cast<std::uint32_t>(samples[i]),
              std::bit_cast<std::uint32_t>(in.samples[i]));
  }
  EXPECT_EQ(samples[4], 9.0f);  // nothing beyond the count is written
}

TEST(MdPayload, PiRoundTripIsBitExact) {
  const auto in = example_pi();
  md::PiFrameHeader h;
  std::vector<float> t(2), v(2);
  const auto result = decode_pi_frame_payload(encode(in), h, t, v);
  ASSERT_EQ(result.status, MdPayloadStatus::ok);
  ASSERT_EQ(result.count, 2u);
  EXPECT_EQ(h.pulse_length_s, in.header.pulse_length_s);
  EXPECT_EQ(h.pulse_period_s, in.header.pulse_period_s);
  EXPECT_EQ(h.position_m, in.header.position_m);
  EXPECT_EQ(h.advance_m, in.header.advance_m);
  EXPECT_EQ(h.timestamp_ns, in.header.timestamp_ns);
  EXPECT_EQ(h.sequence, in.header.sequence);
  EXPECT_EQ(t, in.gate_times_s);
  EXPECT_EQ(v, in.gate_values);
}

TEST(MdPayload, EncodersRefuseWhatCannotBeEncoded) {
  auto vlf = example_vlf();
  Bytes small(vlf_block_payload_size(vlf.samples.size()) - 1);
  EXPECT_EQ(encode_vlf_block_payload(vlf.view(), small), 0u);
  vlf.header.tone_count = 5;
  Bytes enough(vlf_block_payload_size(vlf.samples.size()));
  EXPECT_EQ(encode_vlf_block_payload(vlf.view(), enough), 0u);

  auto pi = example_pi();
  Bytes pi_small(pi_frame_payload_size(2) - 1);
  EXPECT_EQ(encode_pi_frame_payload(pi.view(), pi_small), 0u);
  pi.gate_times_s.pop_back();  // times and values must pair up
  Bytes pi_enough(pi_frame_payload_size(2));
  EXPECT_EQ(encode_pi_frame_payload(pi.view(), pi_enough), 0u);
}

TEST(MdPayload, VlfDecoderSaysWhatIsWrong) {
  const Bytes good = encode(example_vlf());
  EXPECT_EQ(decode_vlf_status(Bytes(good.begin(), good.begin() + 83)), MdPayloadStatus::too_short);
  Bytes b = good;
  b[42] = std::byte{2};
  EXPECT_EQ(decode_vlf_status(b), MdPayloadStatus::unsupported_sample_format);
  b = good;
  b.pop_back();
  EXPECT_EQ(decode_vlf_status(b), MdPayloadStatus::length_mismatch);
  b = good;
  b[80] = std::byte{4};  // declares 4 samples, holds 3
  EXPECT_EQ(decode_vlf_status(b), MdPayloadStatus::length_mismatch);
  b = good;
  put_f64(b, 0, 0.0);
  EXPECT_EQ(decode_vlf_status(b), MdPayloadStatus::bad_rate);
  b = good;
  put_f64(b, 56, std::numeric_limits<double>::quiet_NaN());  // the second tone
  EXPECT_EQ(decode_vlf_status(b), MdPayloadStatus::bad_rate);
  b = good;
  b[44] = std::byte{5};
  EXPECT_EQ(decode_vlf_status(b), MdPayloadStatus::bad_rate);
  b = good;
  put_f64(b, 16, std::numeric_limits<double>::infinity());
  EXPECT_EQ(decode_vlf_status(b), MdPayloadStatus::non_finite_header);

  md::VlfBlockHeader h;
  h.sequence = 12345;
  std::vector<float> two(2, 7.0f);
  EXPECT_EQ(decode_vlf_block_payload(good, h, two).status, MdPayloadStatus::values_do_not_fit);
  EXPECT_EQ(h.sequence, 12345u);  // refused: nothing written
  EXPECT_EQ(two[0], 7.0f);
}

TEST(MdPayload, PiDecoderSaysWhatIsWrong) {
  const Bytes good = encode(example_pi());
  EXPECT_EQ(decode_pi_status(Bytes(good.begin(), good.begin() + 55)), MdPayloadStatus::too_short);
  Bytes b = good;
  b[50] = std::byte{0};
  EXPECT_EQ(decode_pi_status(b), MdPayloadStatus::unsupported_sample_format);
  b = good;
  b.resize(b.size() - 4);  // an odd number of floats cannot pair times with values
  EXPECT_EQ(decode_pi_status(b), MdPayloadStatus::length_mismatch);
  b = good;
  put_f64(b, 8, -1e-3);
  EXPECT_EQ(decode_pi_status(b), MdPayloadStatus::bad_rate);
  b = good;
  put_f64(b, 16, std::numeric_limits<double>::quiet_NaN());
  EXPECT_EQ(decode_pi_status(b), MdPayloadStatus::non_finite_header);
  b = good;
  put_f32(b, 60, 5e-6f);  // second gate before the first
  EXPECT_EQ(decode_pi_status(b), MdPayloadStatus::gate_times_not_increasing);
  b = good;
  put_f32(b, 56, 0.0f);  // a gate at the switch-off instant is not after it
  EXPECT_EQ(decode_pi_status(b), MdPayloadStatus::gate_times_not_increasing);

  md::PiFrameHeader h;
  std::vector<float> t(2, 7.0f), v(1, 7.0f);
  EXPECT_EQ(decode_pi_frame_payload(good, h, t, v).status, MdPayloadStatus::values_do_not_fit);
  EXPECT_EQ(t[0], 7.0f);
  for (const auto status : {MdPayloadStatus::ok, MdPayloadStatus::bad_rate,
                            MdPayloadStatus::gate_times_not_increasing}) {
    EXPECT_GT(std::string(to_string(status)).size(), 1u);
  }
}

TEST(MdPayload, RecordingsCarryMixedFramesAndSkipBadOnesWithAWarning) {
  deminer::test::ScratchDir dir;
  const auto path = dir / "md.dmr";
  DeviceDescription device;
  device.kind = SensorKind::metal_detector;
  device.name = "test head";
  std::mt19937 rng(5);
  std::normal_distribution<float> noise(0.0f, 1.0f);
  std::vector<md::VlfBlock> blocks;
  std::vector<md::PiFrame> frames;
  {
    RecordingWriter writer(path, device);
    for (int i = 0; i < 20; ++i) {
      auto b = example_vlf();
      b.header.sequence = static_cast<std::uint64_t>(i);
      b.samples.resize(16 + static_cast<std::size_t>(i));
      for (auto& s : b.samples) s = noise(rng);
      writer.write_vlf_block(b.view());
      blocks.push_back(b);
      auto f = example_pi();
      f.header.position_m = 0.01 * i;
      f.gate_values = {noise(rng), noise(rng)};
      writer.write_pi_frame(f.view());
      frames.push_back(f);
    }
    Bytes bad = encode(example_pi());
    put_f32(bad, 60, 1e-6f);                                // valid frame, refused payload
    writer.write_frame({FrameType::pi_frame, 41, 0}, bad);  // numbered in turn: no gap
    writer.close();
  }
  {
    RecordingReader reader(path);
    EXPECT_EQ(reader.device(), device);
    md::VlfBlock b;
    for (const auto& expected : blocks) {
      ASSERT_TRUE(reader.next_vlf_block(b));
      EXPECT_EQ(b.header.sequence, expected.header.sequence);
      EXPECT_EQ(b.samples, expected.samples);
    }
    EXPECT_FALSE(reader.next_vlf_block(b));
    EXPECT_TRUE(b.samples.empty());
  }
  RecordingReader reader(path);
  md::PiFrame f;
  for (const auto& expected : frames) {
    ASSERT_TRUE(reader.next_pi_frame(f));
    EXPECT_EQ(f.header.position_m, expected.header.position_m);
    EXPECT_EQ(f.gate_values, expected.gate_values);
  }
  EXPECT_FALSE(reader.next_pi_frame(f));
  ASSERT_EQ(reader.warnings().size(), 1u);
  EXPECT_NE(reader.warnings()[0].find("gate times"), std::string::npos) << reader.warnings()[0];
}

}  // namespace
