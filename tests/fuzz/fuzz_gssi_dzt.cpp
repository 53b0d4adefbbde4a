// Fuzz target: the GSSI DZT reader on an arbitrary file (the input is the whole file), and the
// DZT writer on whatever the reader accepted.
//
// The reader opens paths only, so the input is written to /tmp/deminer-fuzz-dzt-<pid>.DZT (the
// pid keeps parallel jobs apart; no .DZX/.DZG companion exists beside it), and the round trip
// to /tmp/deminer-fuzz-dzt-<pid>-copy.DZT; both are removed at exit.
//
// An input starting with '<' or '$' is a companion instead: it is written as both FILE.DZX and
// FILE.DZG beside a fixed valid DZT, since no real DZT header starts with those bytes.
//
// Invariants checked for every input (gssi_dzt.hpp):
//   - opening either succeeds or throws a deminer::Error; anything else aborts;
//   - after opening nothing throws: next_trace() yields exactly the complete traces after the
//     data offset, channels in turn, rh_nsamp finite samples each with samples 0 and 1 equal to
//     sample 2, then keeps returning false; a partial last trace adds exactly one warning;
//   - writing those traces to a DZT (16-bit, or 32-bit for 32-bit input) and reading it back
//     gives the same samples and the same marked scans.
//   - a companion never stops the DZT from opening, and every GPS fix it gives is a position on
//     Earth (|latitude| <= 90, |longitude| <= 180, finite altitude).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "deminer/dsp/core/error.hpp"
#include "deminer/dsp/core/trace.hpp"
#include "deminer/sim/formats/gssi_dzt.hpp"
#include "fuzz_check.hpp"
#include "fuzz_temp_file.hpp"

namespace formats = deminer::sim::formats;

namespace {

// A round trip copies every trace; beyond this the input is mostly a long data section and
// copying it teaches the fuzzer nothing new.
constexpr std::size_t kMaxRoundTripTraces = 256;

std::string temp_path(const char* suffix) { return deminer::fuzz::temp_path("dzt", suffix); }
const std::string& input_path() {
  static const std::string path = temp_path(".DZT");
  return path;
}
const std::string& copy_path() {
  static const std::string path = temp_path("-copy.DZT");
  return path;
}

const std::string& dzx_path() {
  static const std::string path = temp_path(".DZX");
  return path;
}
const std::string& dzg_path() {
  static const std::string path = temp_path(".DZG");
  return path;
}

void remove_files() {
  for (const auto* p : {&input_path(), &copy_path(), &dzx_path(), &dzg_path()}) {
    std::remove(p->c_str());
  }
}

std::unique_ptr<formats::TraceFileReader> open_reader(const std::string& path) {
  return deminer::fuzz::open_or_empty("open_gssi_dzt",
                                      [&] { return formats::open_gssi_dzt(path); });
}

std::string field(const formats::FileInfo& info, const std::string& name) {
  for (const auto& [k, v] : info.fields) {
    if (k == name) return v;
  }
  return "";
}

// Marked scans among the first `scans`.
std::vector<std::uint64_t> marked_scans(const formats::FileInfo& info, std::uint64_t scans) {
  std::vector<std::uint64_t> marked;
  for (const auto& m : info.marks) {
    if (m.trace_index < scans) marked.push_back(m.trace_index);
  }
  return marked;
}

void round_trip(const formats::FileInfo& info, const std::vector<deminer::dsp::Trace>& traces) {
  const int bits = info.sample_format == "int32" ? 32 : 16;
  std::unique_ptr<formats::GssiDztWriter> writer;
  try {
    writer = formats::create_gssi_dzt(copy_path(), info, bits);
  } catch (const deminer::FormatError&) {
    return;  // a range at the edge of float32 (rounds to 0 or overflows): documented unwritable
  }
  for (const auto& t : traces) writer->write(t.view());
  writer->close();
  auto reader = open_reader(copy_path());
  DEMINER_FUZZ_CHECK(reader != nullptr);
  DEMINER_FUZZ_CHECK(reader->info().samples_per_trace == info.samples_per_trace);
  DEMINER_FUZZ_CHECK(reader->info().channels == info.channels);
  deminer::dsp::Trace t;
  std::size_t k = 0;
  while (reader->next_trace(t)) {
    DEMINER_FUZZ_CHECK(k < traces.size());
    DEMINER_FUZZ_CHECK(t.samples == traces[k].samples);
    ++k;
  }
  DEMINER_FUZZ_CHECK(k == traces.size());
  DEMINER_FUZZ_CHECK(reader->warnings().empty());
  const std::uint64_t scans = traces.size() / info.channels;
  DEMINER_FUZZ_CHECK(marked_scans(reader->info(), scans) == marked_scans(info, scans));
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  std::atexit(remove_files);
  return 0;
}

// A valid 16-bit DZT of two 3-sample scans: rh_tag, rh_data 1024, rh_nsamp 3, rh_bits 16,
// rhf_range 1.0f at byte 26, rh_nchan 1 at byte 52.
std::vector<std::uint8_t> small_dzt() {
  std::vector<std::uint8_t> b(1024 + 2 * 3 * 2, 0);
  const auto put16 = [&](std::size_t at, unsigned v) {
    b[at] = static_cast<std::uint8_t>(v & 0xFF);
    b[at + 1] = static_cast<std::uint8_t>(v >> 8);
  };
  put16(0, 0x00FF);
  put16(2, 1024);
  put16(4, 3);
  put16(6, 16);
  put16(28, 0x3F80);  // 1.0f = 0x3F800000
  put16(52, 1);
  return b;
}

void check_companions(const std::uint8_t* data, std::size_t size) {
  static const std::vector<std::uint8_t> dzt = small_dzt();
  deminer::fuzz::write_file(input_path(), dzt.data(), dzt.size());
  deminer::fuzz::write_file(dzx_path(), data, size);
  deminer::fuzz::write_file(dzg_path(), data, size);
  auto reader = open_reader(input_path());
  DEMINER_FUZZ_CHECK(reader != nullptr);
  for (const auto& fix : reader->info().gps) {
    DEMINER_FUZZ_CHECK(std::abs(fix.latitude_deg) <= 90.0);
    DEMINER_FUZZ_CHECK(std::abs(fix.longitude_deg) <= 180.0);
    DEMINER_FUZZ_CHECK(std::isfinite(fix.altitude_m));
  }
  deminer::dsp::Trace trace;
  std::size_t count = 0;
  while (reader->next_trace(trace)) ++count;
  DEMINER_FUZZ_CHECK(count == 2);
  std::remove(dzx_path().c_str());
  std::remove(dzg_path().c_str());
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 0 && (data[0] == '<' || data[0] == '$')) {
    check_companions(data, size);
    return 0;
  }
  deminer::fuzz::write_file(input_path(), data, size);
  auto reader = open_reader(input_path());
  if (!reader) return 0;
  try {
    const formats::FileInfo& info = reader->info();
    const std::size_t nsamp = info.samples_per_trace;
    const std::size_t channels = info.channels;
    DEMINER_FUZZ_CHECK(nsamp >= 3 && channels >= 1);
    const std::size_t bytes = info.sample_format == "int32"                  ? 4
                              : info.sample_format == "uint16 offset binary" ? 2
                                                                             : 1;
    const std::size_t offset = std::stoull(field(info, "data offset (bytes)"));
    DEMINER_FUZZ_CHECK(offset <= size);
    const std::size_t expected = (size - offset) / (nsamp * bytes);
    const bool partial = (size - offset) % (nsamp * bytes) != 0;
    const std::size_t warnings_at_open = reader->warnings().size();

    std::vector<deminer::dsp::Trace> traces;
    deminer::dsp::Trace trace;
    while (reader->next_trace(trace)) {
      DEMINER_FUZZ_CHECK(trace.samples.size() == nsamp);
      DEMINER_FUZZ_CHECK(trace.header.channel == traces.size() % channels);
      DEMINER_FUZZ_CHECK(trace.header.sequence == traces.size() / channels);
      for (const float v : trace.samples) DEMINER_FUZZ_CHECK(std::isfinite(v));
      DEMINER_FUZZ_CHECK(trace.samples[0] == trace.samples[2]);
      DEMINER_FUZZ_CHECK(trace.samples[1] == trace.samples[2]);
      traces.push_back(trace);
    }
    DEMINER_FUZZ_CHECK(!reader->next_trace(trace));
    DEMINER_FUZZ_CHECK(traces.size() == expected);
    DEMINER_FUZZ_CHECK(reader->warnings().size() == warnings_at_open + (partial ? 1 : 0));

    // The writer needs whole scans and at most 32767 samples (readgssi reads rh_nsamp signed).
    traces.resize(traces.size() / channels * channels);
    if (nsamp <= 32767 && traces.size() <= kMaxRoundTripTraces) round_trip(info, traces);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "GSSI DZT reader or writer threw after opening: %s\n", e.what());
    std::abort();
  }
  return 0;
}
