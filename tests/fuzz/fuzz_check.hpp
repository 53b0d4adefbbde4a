// Shared by the fuzz targets: an invariant check that survives NDEBUG, and the check that
// opening a reader either succeeds or throws a deminer::Error.
//
// Why abort(): libFuzzer reports a crash (and saves the input) only for a signal, a sanitizer
// report or an uncaught exception; a failed check must be one of those. A macro rather than a
// function taking std::source_location, because clang 14 cannot compile libstdc++'s
// <source_location>.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <exception>

#include "deminer/dsp/core/error.hpp"

#define DEMINER_FUZZ_CHECK(condition)                                                          \
  do {                                                                                         \
    if (!(condition)) {                                                                        \
      std::fprintf(stderr, "%s:%d: invariant violated: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                            \
    }                                                                                          \
  } while (false)

namespace deminer::fuzz {

// The result of `open()`, or an empty one ({}: nullptr, std::nullopt) when it throws a
// deminer::Error, the only way a reader may refuse an input; any other exception aborts, with
// `what` (the function that opened) in the message.
template <typename Open>
auto open_or_empty(const char* what, Open&& open) -> decltype(open()) {
  try {
    return open();
  } catch (const deminer::Error&) {
    return {};
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s threw a non-deminer::Error: %s\n", what, e.what());
    std::abort();
  } catch (...) {
    std::fprintf(stderr, "%s threw a non-exception\n", what);
    std::abort();
  }
}

}  // namespace deminer::fuzz
