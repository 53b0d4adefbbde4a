#!/usr/bin/env bash
# Installs the Debian packages deminer needs — only those missing — non-interactively.
#   scripts/setup.sh            everything: libraries, tools, tests, benchmarks
#   scripts/setup.sh --firmware only what deminer::dsp and deminer::drivers need
#   scripts/setup.sh --fuzz     --firmware plus sim/'s libraries, clang, libFuzzer and the
#                               symbolizer (scripts/fuzz.sh)
#   scripts/setup.sh --cross ARCH
#                               a firmware cross build for ARCH (arm64, armhf or s390x): the
#                               Debian cross compiler, qemu user mode to run the tests, and the
#                               target's FFTW, KissFFT and GoogleTest as multiarch packages
#                               (CMakePresets.json, scripts/cross-test.sh)
set -euo pipefail

firmware=(build-essential cmake ninja-build pkg-config
          libfftw3-dev libkissfft-dev libeigen3-dev libboost-dev nlohmann-json3-dev
          libgtest-dev libbenchmark-dev python3)
workstation=(libcli11-dev libhdf5-dev libplplot-dev plplot-driver-cairo fonts-dejavu-core
             valgrind)  # valgrind: callgrind counts for scripts/budget.sh
# libFuzzer and the ASan/UBSan runtimes ship in libclang-rt-14-dev; llvm gives llvm-symbolizer,
# without which sanitizer reports have no file:line.
fuzz=(clang libclang-rt-14-dev llvm libhdf5-dev)

packages=("${firmware[@]}")
cross_arch=""
case "${1:-}" in
  "") packages+=("${workstation[@]}") ;;
  --firmware) ;;
  --fuzz) packages+=("${fuzz[@]}") ;;
  --cross)
    cross_arch="${2:-}"
    case "$cross_arch" in
      arm64) triple=aarch64-linux-gnu qemu=aarch64 ;;
      armhf) triple=arm-linux-gnueabihf qemu=arm ;;
      s390x) triple=s390x-linux-gnu qemu=s390x ;;
      *) echo "setup: --cross needs arm64, armhf or s390x, not '$cross_arch'" >&2; exit 2 ;;
    esac
    # Only what the firmware links, for the target: no HDF5, plotting or CLI libraries there.
    # Header-only libraries (Eigen, Boost, nlohmann-json) are shared with the host.
    packages+=("g++-$triple" qemu-user)
    for p in libc6 libstdc++6 libfftw3-dev libkissfft-dev libgtest-dev; do
      packages+=("$p:$cross_arch")
    done
    ;;
  *) echo "setup: unknown option '$1' (expected --firmware, --fuzz or --cross ARCH)" >&2; exit 2 ;;
esac

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "setup: all ${#packages[@]} Debian packages already installed"
  exit 0
fi

sudo=""
if [[ "$(id -u)" -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "setup: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
if [[ -n "$cross_arch" ]] && ! dpkg --print-foreign-architectures | grep -qx "$cross_arch"; then
  echo "setup: adding the $cross_arch architecture to dpkg"
  $sudo dpkg --add-architecture "$cross_arch"
fi
echo "setup: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
