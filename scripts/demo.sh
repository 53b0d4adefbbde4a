#!/usr/bin/env bash
# The demo: install what is missing, build, simulate the default GPR scene and the default
# metal-detector scene, replay each recording through its streaming chain, and print each
# detection next to the truth.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/setup.sh"
"$root/scripts/build.sh" build
deminer="$root/build/tools/deminer/deminer"
out="$root/out/demo"
mkdir -p "$out"
"$deminer" simulate --out "$out/scene.dmr" --truth "$out/truth.json"
"$deminer" replay "$out/scene.dmr" --truth "$out/truth.json" --picture "$out/bscan.png"
echo "B-scan picture with detections: $out/bscan.png"
"$deminer" simulate --md --out "$out/md.dmr" --truth "$out/md.truth.json"
"$deminer" replay "$out/md.dmr" --truth "$out/md.truth.json" --picture "$out/md.png"
echo "Metal-detector signal with detections: $out/md.png"
