// Fuzz target: decode_device_description on arbitrary bytes (the payload of a
// device_description frame, and of every recording's header).
//
// Invariants checked for every input (payloads.hpp, docs/link-frames.md):
//   - the decoder returns or throws deminer::FormatError whose message names the source; any
//     other exception aborts;
//   - a description that decodes re-encodes to exactly the input bytes (nothing is dropped or
//     normalised), and decoding that again gives an equal description.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <span>
#include <string_view>
#include <vector>

#include "deminer/drivers/link/payloads.hpp"
#include "deminer/dsp/core/error.hpp"
#include "fuzz_check.hpp"

namespace dlink = deminer::drivers::link;

namespace {
constexpr std::string_view kSource = "fuzz input";
constexpr std::uint64_t kBaseOffset = 1000;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto payload = std::as_bytes(std::span(data, size));
  dlink::DeviceDescription device;
  try {
    device = dlink::decode_device_description(payload, kSource, kBaseOffset);
  } catch (const deminer::FormatError& e) {
    DEMINER_FUZZ_CHECK(std::string_view(e.what()).starts_with(kSource));
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "decode_device_description threw a non-FormatError: %s\n", e.what());
    std::abort();
  } catch (...) {
    std::fprintf(stderr, "decode_device_description threw a non-exception\n");
    std::abort();
  }
  DEMINER_FUZZ_CHECK(size <= dlink::kMaxDeviceDescriptionSize);

  // What decoded must encode: the decoder accepts only what the encoder can write.
  std::vector<std::byte> encoded;
  try {
    encoded = dlink::encode_device_description(device);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "encode_device_description refused a decoded description: %s\n", e.what());
    std::abort();
  }
  DEMINER_FUZZ_CHECK(encoded.size() == size);
  DEMINER_FUZZ_CHECK(size == 0 || std::memcmp(encoded.data(), data, size) == 0);
  DEMINER_FUZZ_CHECK(dlink::decode_device_description(encoded) == device);
  return 0;
}
