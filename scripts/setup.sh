#!/usr/bin/env bash
# Installs the Debian packages deminer needs — only those missing — non-interactively.
#   scripts/setup.sh            everything: libraries, tools, tests, benchmarks
#   scripts/setup.sh --firmware only what deminer::dsp and deminer::drivers need
#   scripts/setup.sh --fuzz     --firmware plus sim/'s libraries, clang, libFuzzer and the
#                               symbolizer (scripts/fuzz.sh)
set -euo pipefail

firmware=(build-essential cmake ninja-build pkg-config
          libfftw3-dev libkissfft-dev libeigen3-dev libboost-dev nlohmann-json3-dev
          libgtest-dev libbenchmark-dev)
workstation=(libcli11-dev libhdf5-dev libplplot-dev plplot-driver-cairo fonts-dejavu-core)
# libFuzzer and the ASan/UBSan runtimes ship in libclang-rt-14-dev; llvm gives llvm-symbolizer,
# without which sanitizer reports have no file:line.
fuzz=(clang libclang-rt-14-dev llvm libhdf5-dev)

packages=("${firmware[@]}")
case "${1:-}" in
  "") packages+=("${workstation[@]}") ;;
  --firmware) ;;
  --fuzz) packages+=("${fuzz[@]}") ;;
  *) echo "setup: unknown option '$1' (expected --firmware or --fuzz)" >&2; exit 2 ;;
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
echo "setup: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
