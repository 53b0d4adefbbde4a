# DEMINER_FUZZ: libFuzzer targets (tests/fuzz). Every target of the tree, the libraries included,
# is compiled with coverage instrumentation and ASan + UBSan, so the fuzzer steers by the
# branches of the parsers themselves and catches memory errors inside them, not only in the
# harness. Only the fuzz targets link the libFuzzer runtime (it brings its own main()).
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang" OR NOT CMAKE_C_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR
    "DEMINER_FUZZ=ON needs clang for C and C++ (libFuzzer is part of clang), but the compilers "
    "are ${CMAKE_C_COMPILER_ID} / ${CMAKE_CXX_COMPILER_ID}. Configure a fresh build folder with "
    "-DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ (scripts/fuzz.sh does this).")
endif()

# clang without compiler-rt compiles the flags but fails at link time with an obscure message.
include(CheckCXXSourceCompiles)
set(CMAKE_REQUIRED_FLAGS "-fsanitize=fuzzer,address,undefined")
set(CMAKE_REQUIRED_LINK_OPTIONS "-fsanitize=fuzzer,address,undefined")
check_cxx_source_compiles([[
#include <cstddef>
#include <cstdint>
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t*, std::size_t) { return 0; }
]] DEMINER_HAVE_LIBFUZZER)
unset(CMAKE_REQUIRED_FLAGS)
unset(CMAKE_REQUIRED_LINK_OPTIONS)
if(NOT DEMINER_HAVE_LIBFUZZER)
  message(FATAL_ERROR
    "DEMINER_FUZZ=ON: ${CMAKE_CXX_COMPILER} cannot link a program with "
    "-fsanitize=fuzzer,address,undefined. Install libFuzzer and the sanitizer runtimes "
    "(Debian: scripts/setup.sh --fuzz, which installs libclang-rt-14-dev).")
endif()

# -fno-sanitize-recover: UBSan otherwise prints and carries on, and the fuzzer would not notice.
add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
                    -fno-omit-frame-pointer)
add_link_options(-fsanitize=address,undefined)
