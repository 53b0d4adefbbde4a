// Fuzz target: RecordingReader on an arbitrary file (the input is the whole file).
//
// RecordingReader reads only from a path, so the input is written to a file of this process,
// /tmp/deminer-fuzz-recording-<pid>.dmr (the pid keeps parallel fuzzer jobs apart), removed at
// exit.
//
// Invariants checked for every input (recording.hpp, docs/link-frames.md):
//   - opening either succeeds or throws a deminer::Error (IoError, FormatError); anything else
//     aborts;
//   - after opening nothing throws: next_frame() and next_trace() run to the end of the file,
//     and keep returning "end" when called again;
//   - every frame is the file's bytes at its stream_offset with a CRC that dlink::crc32
//     verifies; the frames, bytes_skipped and bytes_truncated add up to the file after its
//     header;
//   - next_trace() returns exactly the gpr_trace frames whose payload decodes, in order, and
//     reports each one that does not as a warning.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "deminer/drivers/byte_order.hpp"
#include "deminer/drivers/link/frame.hpp"
#include "deminer/drivers/link/payloads.hpp"
#include "deminer/drivers/link/recording.hpp"
#include "deminer/dsp/core/error.hpp"
#include "deminer/dsp/core/trace.hpp"
#include "fuzz_check.hpp"
#include "fuzz_temp_file.hpp"

namespace dlink = deminer::drivers::link;  // not `link`: unistd.h (fuzz_temp_file.hpp) has link()

namespace {

// Far below the default 1 MiB: every run opens two readers, and on our 2-core build VM the page
// faults of fresh megabyte buffers made the target ~100 times slower (90 runs/s). Inputs are a
// few KiB (libFuzzer's default max_len), so frames both above the capacity (oversize) and below
// it but longer than the file (torn) still occur.
constexpr std::size_t kMaxPayload = 4096;

const std::string& file_path() {
  static const std::string path = deminer::fuzz::temp_path("recording", ".dmr");
  return path;
}

void remove_file() { std::remove(file_path().c_str()); }

std::optional<dlink::RecordingReader> open_reader() {
  return deminer::fuzz::open_or_empty("RecordingReader", [] {
    return std::optional<dlink::RecordingReader>(std::in_place, file_path(), kMaxPayload);
  });
}

struct TraceCount {
  std::size_t frames = 0;  // gpr_trace frames
  std::size_t good = 0;    // of which the payload decodes
};

// Reads every frame, checking it against the file.
TraceCount check_frames(dlink::RecordingReader& reader, std::span<const std::uint8_t> file) {
  // A reader that opened has validated the header length field at offset 12.
  const std::uint64_t header_size =
      deminer::drivers::load_le<std::uint32_t>(std::as_bytes(file), 12);
  DEMINER_FUZZ_CHECK(header_size <= file.size());
  std::uint64_t frame_bytes = 0;
  std::uint64_t previous_end = header_size;
  TraceCount traces;
  std::vector<float> samples;
  while (const auto frame = reader.next_frame()) {
    const std::size_t n = frame->payload.size();
    DEMINER_FUZZ_CHECK(n <= kMaxPayload);
    DEMINER_FUZZ_CHECK(frame->stream_offset >= previous_end);
    DEMINER_FUZZ_CHECK(frame->stream_offset <= file.size());
    DEMINER_FUZZ_CHECK(file.size() - frame->stream_offset >= dlink::frame_size(n));
    const std::uint8_t* original = file.data() + frame->stream_offset;
    const std::size_t covered = dlink::kFrameHeaderSize + n;
    DEMINER_FUZZ_CHECK(dlink::crc32(std::as_bytes(std::span(original, covered))) ==
                       deminer::drivers::load_le<std::uint32_t>(std::as_bytes(file),
                                                                frame->stream_offset + covered));
    DEMINER_FUZZ_CHECK(
        n == 0 || std::memcmp(frame->payload.data(), original + dlink::kFrameHeaderSize, n) == 0);
    frame_bytes += dlink::frame_size(n);
    previous_end = frame->stream_offset + dlink::frame_size(n);

    if (frame->header.type == dlink::FrameType::gpr_trace) {
      ++traces.frames;
      samples.resize(n > dlink::kTracePayloadHeaderSize ? (n - dlink::kTracePayloadHeaderSize) / 4
                                                        : 0);
      deminer::dsp::TraceHeader header;
      if (dlink::decode_trace_payload(frame->payload, header, samples).status ==
          dlink::TracePayloadStatus::ok) {
        ++traces.good;
      }
    }
  }
  DEMINER_FUZZ_CHECK(!reader.next_frame().has_value());
  const dlink::DecoderCounters& c = reader.counters();
  DEMINER_FUZZ_CHECK(frame_bytes + c.bytes_skipped + c.bytes_truncated ==
                     file.size() - header_size);
  return traces;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // The path first: a static constructed after atexit() registration is destroyed before the
  // handler runs, which would then remove nothing (and read a dead string).
  (void)file_path();
  std::atexit(remove_file);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  deminer::fuzz::write_file(file_path(), data, size);
  const std::span<const std::uint8_t> file(data, size);
  try {
    auto frames = open_reader();
    if (!frames) return 0;
    const TraceCount expected = check_frames(*frames, file);
    const std::size_t frame_warnings = frames->warnings().size();

    // Second pass through next_trace(); the header was accepted once, so it must be again.
    auto traces = open_reader();
    DEMINER_FUZZ_CHECK(traces.has_value());
    DEMINER_FUZZ_CHECK(traces->device() == frames->device());
    deminer::dsp::Trace trace;
    std::size_t count = 0;
    while (traces->next_trace(trace)) ++count;
    DEMINER_FUZZ_CHECK(trace.samples.empty());
    DEMINER_FUZZ_CHECK(!traces->next_trace(trace));
    DEMINER_FUZZ_CHECK(count == expected.good);
    DEMINER_FUZZ_CHECK(traces->counters().frames_ok == frames->counters().frames_ok);
    // One warning per trace that did not decode, on top of the end-of-file summary.
    DEMINER_FUZZ_CHECK(traces->warnings().size() ==
                       frame_warnings + (expected.frames - expected.good));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "RecordingReader threw after opening: %s\n", e.what());
    std::abort();
  }
  return 0;
}
