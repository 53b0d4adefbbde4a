#!/usr/bin/env bash
# Every test: install what is missing, build, run the whole CTest suite.
#   scripts/test.sh              the default build (FFTW backend) in build/
#   scripts/test.sh --sanitize   AddressSanitizer + UBSan, KissFFT backend, in build-sanitize/;
#                                without tools/ (the command line) and examples/: their tests
#                                drive dsp/, drivers/ and sim/ end to end, which the sanitized
#                                library tests cover, and their translation units were a quarter
#                                of this build's time (the example is tested natively and under
#                                qemu)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/setup.sh"
if [[ "${1:-}" == "--sanitize" ]]; then
  build="$root/build-sanitize"
  export LSAN_OPTIONS="suppressions=$root/tests/support/lsan_suppressions.txt${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
  "$root/scripts/build.sh" "$build" -DDEMINER_SANITIZE=ON -DDEMINER_FFT=kissfft \
    -DDEMINER_BENCHMARKS=OFF -DDEMINER_TOOLS=OFF -DDEMINER_EXAMPLES=OFF -DCMAKE_BUILD_TYPE=Debug
else
  build="$root/build"
  "$root/scripts/build.sh" "$build"
fi
ctest --test-dir "$build" --output-on-failure --parallel "$(nproc)"
