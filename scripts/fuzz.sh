#!/usr/bin/env bash
# Bounded fuzzing of every link parser/decoder (docs/fuzzing.md), for CI and by hand.
#   scripts/fuzz.sh [SECONDS_PER_TARGET]     default 30
# Installs what is missing (setup.sh --fuzz), builds build-fuzz/ with clang + libFuzzer + ASan +
# UBSan, writes the seeds with the real encoders, then runs each target for the given time on
# build-fuzz/corpus/<target> (kept between local runs, so coverage accumulates), one target per
# core at a time. Prints each target's executions and time; exits non-zero if any target found a
# crash, leak, timeout, out-of-memory or sanitizer report, after printing the paths of the saved
# inputs (build-fuzz/artifacts/<target>-crash-..., reproduce with: build-fuzz/tests/fuzz/<target> FILE).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-30}"
[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || { echo "fuzz: SECONDS_PER_TARGET must be a positive integer, not '$seconds'" >&2; exit 2; }
# fuzz_gprmax is built but not run here: libhdf5 1.10 (Debian 12) itself crashes on damaged files
# (docs/fuzzing.md); run it by hand with build-fuzz/tests/fuzz/fuzz_gprmax -malloc_limit_mb=8192.
targets=(fuzz_frame_decoder fuzz_trace_payload fuzz_md_payloads fuzz_device_description fuzz_recording_reader
         fuzz_gssi_dzt fuzz_sensors_software_dt1 fuzz_mala fuzz_segy)
# Seeds from the shared field files for the readers whose input is the file itself.
shared="$(cd "$root/.." && pwd)/shared/data/recordings"
declare -A shared_seed=(
  [fuzz_gssi_dzt]="$shared/NSGeophysics/GPRPy/gprpy/exampledata/GSSI/FILE____032.DZT"
  [fuzz_segy]="$shared/equinor/segyio/test-data/small.sgy")

"$root/scripts/setup.sh" --fuzz
build="$root/build-fuzz"
# The libraries and the fuzz targets only: no command line, unit tests or benchmarks.
"$root/scripts/build.sh" "$build" -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DDEMINER_FUZZ=ON -DDEMINER_SIM=ON -DDEMINER_TOOLS=OFF -DDEMINER_TESTS=OFF -DDEMINER_BENCHMARKS=OFF \
  -DDEMINER_FFT=kissfft

# Seeds are regenerated each run (they follow the encoders); the corpus is what the fuzzer adds.
rm -rf "$build/seeds"
"$build/tests/fuzz/fuzz_make_seeds" "$build/seeds"
for target in "${!shared_seed[@]}"; do
  mkdir -p "$build/seeds/$target"
  if [[ -f "${shared_seed[$target]}" ]]; then cp "${shared_seed[$target]}" "$build/seeds/$target/"; fi
done
mkdir -p "$build/artifacts" "$build/logs"
stamp="$build/logs/.started"
touch "$stamp"

# halt_on_error: a UBSan report must end the run so that libFuzzer saves the input.
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
if symbolizer="$(command -v llvm-symbolizer || command -v llvm-symbolizer-14)"; then
  export ASAN_SYMBOLIZER_PATH="$symbolizer"
fi

# One target for `seconds`; its summary line and exit status go to logs/TARGET.summary/.status.
fuzz_one() {
  local target="$1"
  local corpus="$build/corpus/$target"
  local log="$build/logs/$target.log"
  mkdir -p "$corpus" "$build/seeds/$target"
  local dict=()
  case "$target" in
    fuzz_frame_decoder | fuzz_trace_payload | fuzz_device_description | fuzz_recording_reader)
      dict=(-dict="$root/tests/fuzz/link.dict") ;;
  esac
  local start=$SECONDS
  local status=0
  # New inputs go to the first directory (corpus); the seeds are only read.
  "$build/tests/fuzz/$target" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
    "${dict[@]}" -max_len=65536 -artifact_prefix="$build/artifacts/$target-" \
    -print_final_stats=1 "$corpus" "$build/seeds/$target" >"$log" 2>&1 || status=$?
  local execs rate inputs
  execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)"
  rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)"
  inputs="$(find "$corpus" -type f | wc -l)"
  echo "fuzz: $target: ${execs:-?} executions in $((SECONDS - start)) s (${rate:-?}/s), corpus $inputs inputs, exit $status" \
    >"$build/logs/$target.summary"
  echo "$status" >"$build/logs/$target.status"
}

# libFuzzer runs one process per target: as many targets at once as there are cores, each for
# its full time, so CI spends SECONDS x targets / cores.
jobs_max="$(nproc)"
for target in "${targets[@]}"; do
  while (($(jobs -rp | wc -l) >= jobs_max)); do wait -n || true; done
  fuzz_one "$target" &
done
wait

failed=()
for target in "${targets[@]}"; do
  cat "$build/logs/$target.summary"
  if [[ "$(cat "$build/logs/$target.status")" != 0 ]]; then
    failed+=("$target")
    log="$build/logs/$target.log"
    echo "fuzz: $target FAILED; last lines of $log:"
    grep -E "ERROR|SUMMARY|invariant violated|threw|Test unit written" "$log" | tail -n 20 || tail -n 30 "$log"
  fi
done

artifacts="$(find "$build/artifacts" -type f -newer "$stamp" | sort)"
if [[ -n "$artifacts" ]]; then
  echo "fuzz: inputs saved by this run (reproduce: build-fuzz/tests/fuzz/<target> FILE):"
  echo "$artifacts" | sed 's/^/  /'
fi
if ((${#failed[@]} > 0)); then
  echo "fuzz: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: all ${#targets[@]} targets ran ${seconds} s each without a finding"
