// Shared by the fuzz targets: an invariant check that survives NDEBUG.
//
// Why abort(): libFuzzer reports a crash (and saves the input) only for a signal, a sanitizer
// report or an uncaught exception; a failed check must be one of those. A macro rather than a
// function taking std::source_location, because clang 14 cannot compile libstdc++'s
// <source_location>.
#pragma once

#include <cstdio>
#include <cstdlib>

#define DEMINER_FUZZ_CHECK(condition)                                                          \
  do {                                                                                         \
    if (!(condition)) {                                                                        \
      std::fprintf(stderr, "%s:%d: invariant violated: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                            \
    }                                                                                          \
  } while (false)
