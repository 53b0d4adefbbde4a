// Writes the seed corpus of every fuzz target, made with the library's own encoders:
//   fuzz_make_seeds DIR   ->   DIR/<target>/<name> for each target in tests/fuzz
//
// Why generated rather than committed: seeds stay valid when a layout changes (they are made by
// the encoders the decoders must agree with), and the repository holds no binary blobs. Seeds
// give the fuzzer well-formed frames to mutate; from random bytes alone it would take long to
// hit a matching CRC.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "deminer/drivers/link/frame.hpp"
#include "deminer/drivers/link/md_payloads.hpp"
#include "deminer/drivers/link/payloads.hpp"
#include "deminer/drivers/link/recording.hpp"
#include "deminer/dsp/core/trace.hpp"

namespace fs = std::filesystem;
namespace dlink = deminer::drivers::link;
using Bytes = std::vector<std::byte>;

namespace {

void write(const fs::path& dir, const std::string& name, std::span<const std::byte> bytes) {
  fs::create_directories(dir);
  std::ofstream out(dir / name, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + (dir / name).string());
}

deminer::dsp::Trace make_trace(std::size_t samples, std::uint64_t sequence) {
  deminer::dsp::Trace t;
  t.header.dt_s = 1e-10;
  t.header.time_zero_s = -2.5e-9;
  t.header.position_m = 0.01 * static_cast<double>(sequence);
  t.header.odometer_ticks = static_cast<std::int64_t>(sequence) * 10;
  t.header.timestamp_ns = 1'700'000'000'000'000'000 + static_cast<std::int64_t>(sequence);
  t.header.sequence = sequence;
  t.header.channel = 1;
  for (std::size_t i = 0; i < samples; ++i) {
    t.samples.push_back(std::sin(0.3f * static_cast<float>(i)) * static_cast<float>(i % 7));
  }
  return t;
}

Bytes trace_payload(const deminer::dsp::Trace& t) {
  Bytes out(dlink::trace_payload_size(t.samples.size()));
  out.resize(dlink::encode_trace_payload(t.view(), out));
  return out;
}

dlink::DeviceDescription make_device(bool unicode) {
  dlink::DeviceDescription d;
  d.name = unicode ? "t\xC3\xAAte gauche \xE2\x82\xAC \xF0\x9F\x93\xA1" : "left GPR head";
  d.model = "DX-1";
  d.serial = unicode ? "" : "0042";
  d.firmware = "1.2.3";
  d.kind = unicode ? dlink::SensorKind::metal_detector : dlink::SensorKind::gpr;
  d.nominal_dt_s = 1e-10;
  d.centre_frequency_hz = 1.5e9;
  d.samples_per_trace = 16;
  d.channels = 2;
  return d;
}

void append_frame(Bytes& stream, const dlink::FrameHeader& header,
                  std::span<const std::byte> payload) {
  const std::size_t at = stream.size();
  stream.resize(at + dlink::frame_size(payload.size()));
  stream.resize(at + dlink::encode_frame(header, payload, std::span(stream).subspan(at)));
}

void decoder_seeds(const fs::path& dir) {
  // Five config bytes first (see fuzz_frame_decoder.cpp): capacity 4096, chunks up to 64, no
  // mid-stream finish; then capacity 100 with chunks up to 4 and frequent finish().
  const Bytes plain{std::byte{0x0E}, std::byte{0x5A}, std::byte{0x17}, std::byte{0xC3},
                    std::byte{0x01}};
  const Bytes tight{std::byte{0x84}, std::byte{0x31}, std::byte{0x00}, std::byte{0x9E},
                    std::byte{0x42}};
  Bytes frames;
  append_frame(frames, {dlink::FrameType::device_description, 0, 0},
               dlink::encode_device_description(make_device(false)));
  for (std::uint32_t i = 1; i <= 3; ++i) {
    append_frame(frames, {dlink::FrameType::gpr_trace, i, 1000 * i},
                 trace_payload(make_trace(4 * i, i)));
  }
  append_frame(frames, {dlink::FrameType::gpr_trace, 9, 9000}, {});  // gap, empty payload

  Bytes s = plain;
  s.insert(s.end(), frames.begin(), frames.end());
  write(dir, "frames", s);

  // Garbage (with a false sync) between frames, a damaged CRC and a torn tail.
  s = plain;
  for (const char c : std::string("noise\xA5\x44\x4D\x46\x01junk")) s.push_back(std::byte(c));
  s.insert(s.end(), frames.begin(), frames.end());
  s[plain.size() + 40] ^= std::byte{0x10};
  s.insert(s.end(), frames.begin(), frames.begin() + 30);
  write(dir, "damaged", s);

  s = tight;
  s.insert(s.end(), frames.begin(), frames.end());
  write(dir, "small-capacity", s);
}

void trace_seeds(const fs::path& dir) {
  write(dir, "empty", trace_payload(make_trace(0, 0)));
  write(dir, "four", trace_payload(make_trace(4, 42)));
  auto t = make_trace(3, 7);
  t.samples[0] = std::numeric_limits<float>::quiet_NaN();
  t.samples[1] = -std::numeric_limits<float>::infinity();
  t.samples[2] = -0.0f;
  write(dir, "non-finite-samples", trace_payload(t));
}

void md_seeds(const fs::path& dir) {
  deminer::dsp::md::VlfBlock block;
  block.header.sample_rate_hz = 1e5;
  block.header.tone_count = 2;
  block.header.tone_hz = {5e3, 15e3, 0.0, 0.0};
  block.samples = {0.5f, -0.25f, 1.0f, 0.0f};
  Bytes vlf(dlink::vlf_block_payload_size(block.samples.size()));
  (void)dlink::encode_vlf_block_payload(block.view(), vlf);
  write(dir, "vlf", vlf);
  deminer::dsp::md::PiFrame frame;
  frame.header.pulse_length_s = 1e-4;
  frame.header.pulse_period_s = 1e-3;
  frame.gate_times_s = {1e-5f, 3e-5f, 1e-4f};
  frame.gate_values = {0.5f, 0.1f, 0.01f};
  Bytes pi(dlink::pi_frame_payload_size(frame.gate_values.size()));
  (void)dlink::encode_pi_frame_payload(frame.view(), pi);
  write(dir, "pi", pi);
}

void description_seeds(const fs::path& dir) {
  write(dir, "ascii", dlink::encode_device_description(make_device(false)));
  write(dir, "utf8", dlink::encode_device_description(make_device(true)));
  write(dir, "empty-strings", dlink::encode_device_description(dlink::DeviceDescription{}));
}

void recording_seeds(const fs::path& dir, const fs::path& scratch) {
  const auto record = [&](const std::string& name, auto&& body) {
    const fs::path path = scratch / name;
    {
      dlink::RecordingWriter writer(path, make_device(name == "unicode"));
      body(writer);
      writer.close();
    }
    std::ifstream in(path, std::ios::binary);
    const std::vector<char> chars((std::istreambuf_iterator<char>(in)),
                                  std::istreambuf_iterator<char>());
    write(dir, name, std::as_bytes(std::span(chars)));
    fs::remove(path);
  };
  record("traces", [](dlink::RecordingWriter& w) {
    for (std::uint64_t i = 0; i < 4; ++i) w.write_trace(make_trace(16, i).view());
  });
  record("unicode", [](dlink::RecordingWriter& w) {
    w.write_trace(make_trace(8, 0).view());
    w.write_frame({dlink::FrameType::device_description, 5, 77},
                  dlink::encode_device_description(make_device(false)));
    w.write_trace(make_trace(8, 1).view());
  });
  record("header-only", [](dlink::RecordingWriter&) {});
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  try {
    const fs::path root = argv[1];
    decoder_seeds(root / "fuzz_frame_decoder");
    trace_seeds(root / "fuzz_trace_payload");
    md_seeds(root / "fuzz_md_payloads");
    description_seeds(root / "fuzz_device_description");
    recording_seeds(root / "fuzz_recording_reader", root);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fuzz_make_seeds: %s\n", e.what());
    return 1;
  }
  return 0;
}
