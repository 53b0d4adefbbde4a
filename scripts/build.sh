#!/usr/bin/env bash
# Configures and builds deminer into a build folder (default: build/). Extra arguments go to
# the CMake configure step, e.g. scripts/build.sh build-kiss -DDEMINER_FFT=kissfft
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-build}"
shift || true
[[ "$build" = /* ]] || build="$root/$build"

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build "$build" --parallel "$(nproc)"
