#!/usr/bin/env bash
# The firmware half (deminer::dsp, deminer::drivers, their tests, examples/handheld) cross-built
# for a handheld's processor and tested under qemu user mode: install what is missing, configure
# the CMake preset, build, run CTest through the emulator.
#   scripts/cross-test.sh aarch64   64-bit Arm (Cortex-A53/A72), KissFFT   -> build-aarch64/
#   scripts/cross-test.sh armhf     32-bit Arm hard-float (Cortex-A7/A9)   -> build-armhf/
#   scripts/cross-test.sh s390x     big-endian: link-frame and recording tests only
# Any other preset of CMakePresets.json with a toolchain works too, e.g. aarch64-fftw.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
preset="${1:-}"
case "$preset" in
  aarch64*) arch=arm64 ;;
  armhf*) arch=armhf ;;
  s390x*) arch=s390x ;;
  *) echo "cross-test: give a preset: aarch64, armhf, s390x (or aarch64-fftw, armhf-fftw)" >&2; exit 2 ;;
esac
"$root/scripts/setup.sh" --cross "$arch"
cd "$root"
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" --parallel "$(nproc)"
ctest --preset "$preset" --parallel "$(nproc)"
