#!/usr/bin/env bash
# The real-time budget of the handheld (bench/README.md, "Real-time budget"): for every chain
# (default GPR chain at 512 and 2048 samples, VLF, PI) the instructions executed per trace, block
# or pulse, counted by Valgrind's callgrind (deterministic: the same binary and input give the
# same count), the most expensive stage, the heap held after start-up, allocations in the
# measured stretch, the DSP thread's stack high-water mark, and from these the share of one
# 1.2 GHz Cortex-A53 core at real-time rates; plus the stripped size and dynamic dependencies of
# the aarch64 handheld example.
#
#   scripts/budget.sh [--build DIR] [--kiss-build DIR] [--aarch64 BINARY] [--jobs N]
#
#   --build DIR       FFTW build folder (default build/); configured if absent
#   --kiss-build DIR  KissFFT build folder (default DIR-kiss, e.g. build-kiss/): the handheld's
#                     GPL-free FFT, whose counts the shares use (FFTW is shown for comparison)
#   --aarch64 BINARY  the cross-built example (default build-aarch64/examples/handheld/handheld)
#   --jobs N          build parallelism (default: nproc)
#
# Only the realtime_budget target is built (bench/realtime_budget.cpp). Needs valgrind (Debian
# package valgrind, which also provides valgrind/callgrind.h) and, for the aarch64 line,
# binutils-aarch64-linux-gnu. Progress goes to stderr, the markdown table to stdout.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

# The assumptions of the share columns.
clock_hz=1.2e9  # one Cortex-A53 core
ipc=0.7         # assumed instructions per cycle (see the notes printed with the table)
ipc_low=0.5     # pessimistic
gpr_rate=1000   # traces/s (512 samples; 2048 shown for reference at the same rate)
vlf_rate=100e3  # raw ADC samples/s
pi_rates="1000 5000"
target_percent=25  # GPR 512 + VLF together

build="build"
kiss=""
aarch64="build-aarch64/examples/handheld/handheld"
jobs="$(nproc)"
while (($#)); do
  case "$1" in
    --build) build="$2"; shift 2 ;;
    --kiss-build) kiss="$2"; shift 2 ;;
    --aarch64) aarch64="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "budget: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[[ -n "$kiss" ]] || kiss="${build%/}-kiss"
[[ "$build" = /* ]] || build="$root/$build"
[[ "$kiss" = /* ]] || kiss="$root/$kiss"
[[ "$aarch64" = /* ]] || aarch64="$root/$aarch64"

log() { echo "budget: $*" >&2; }
command -v valgrind >/dev/null ||
  { log "valgrind is needed (Debian: apt-get install valgrind)"; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/deminer-budget.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# ---- Build: configure when absent, refuse a folder configured otherwise.
cache_value() { sed -n "s/^$2:[A-Z]*=//p" "$1/CMakeCache.txt"; }
prepare() {  # prepare DIR FFT
  local dir="$1" fft="$2"
  if [[ -f "$dir/CMakeCache.txt" ]]; then
    local have type
    have="$(cache_value "$dir" DEMINER_FFT)"
    type="$(cache_value "$dir" CMAKE_BUILD_TYPE)"
    if [[ "${have:-fftw}" != "$fft" ]]; then
      log "$dir is configured with DEMINER_FFT=$have, need $fft (pass another folder)"; exit 1
    fi
    if [[ "$type" != "RelWithDebInfo" && "$type" != "Release" ]]; then
      log "$dir is a '$type' build; counts need RelWithDebInfo or Release"; exit 1
    fi
    if [[ "$(cache_value "$dir" DEMINER_SANITIZE)" == "ON" ]]; then
      log "$dir is a sanitizer build; counts need a plain one"; exit 1
    fi
  else
    log "configuring $dir (DEMINER_FFT=$fft, RelWithDebInfo)"
    cmake -S "$root" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDEMINER_FFT="$fft" \
      >"$work/configure.log" || { cat "$work/configure.log" >&2; exit 1; }
  fi
  log "building realtime_budget in $dir"
  cmake --build "$dir" --target realtime_budget --parallel "$jobs" >"$work/build.log" ||
    { tail -40 "$work/build.log" >&2; exit 1; }
}
prepare "$build" fftw
prepare "$kiss" kissfft

# ---- Inclusive instructions per function from a callgrind file (positions: line, events: Ir):
# a function's own cost plus the inclusive cost of every call it makes (recursion levels are
# separate names in callgrind, so nothing is counted twice). Output: "count<TAB>name".
inclusive() {
  awk '
    function named(s,    id, rest, cp) {
      s = substr(s, index(s, "=") + 1)
      if (substr(s, 1, 1) != "(") return s
      cp = index(s, ")")
      id = substr(s, 2, cp - 2)
      rest = substr(s, cp + 2)
      if (rest != "") names[id] = rest
      return names[id]
    }
    /^fn=/ { fn = named($0); pending = 0; next }
    /^cfn=/ { callee = named($0); next }
    /^calls=/ { pending = 1; next }
    /^totals:/ { printf "%s\t(total)\n", $2; next }
    /^[0-9+*-]/ {
      cost = (NF >= 2) ? $2 : 0
      if (pending) { if (callee != fn) incl[fn] += cost; pending = 0 } else incl[fn] += cost
      next
    }
    END { for (f in incl) printf "%.0f\t%s\n", incl[f], f }
  ' "$1"
}

# ---- Measure: a normal run (memory) and a callgrind run (instructions) per chain and backend.
chains="gpr512 gpr2048 vlf pi"
for variant in fftw kissfft; do
  dir="$build"
  [[ "$variant" == kissfft ]] && dir="$kiss"
  exe="$dir/bench/realtime_budget"
  for chain in $chains; do
    log "$chain ($variant): normal run"
    "$exe" "$chain" >"$work/$variant-$chain.json"
    log "$chain ($variant): callgrind"
    valgrind --tool=callgrind --instr-atstart=no \
      --callgrind-out-file="$work/$variant-$chain.callgrind" "$exe" "$chain" \
      >"$work/$variant-$chain.vg.json" 2>"$work/$variant-$chain.vg.log" ||
      { tail -20 "$work/$variant-$chain.vg.log" >&2; exit 1; }
    inclusive "$work/$variant-$chain.callgrind" >"$work/$variant-$chain.incl"
  done
done

# ---- The stages of each chain: label and the functions (name prefixes) whose inclusive counts
# make it; "sub" rows are parts of the stage above, not added to the total.
cat >"$work/stages" <<'EOF'
gpr|stage|dewow (running mean)|deminer::dsp::Dewow::process(
gpr|stage|band-pass (FFT, zero-phase)|deminer::dsp::BandPass::process(
gpr|stage|background removal (moving mean, 50 traces)|deminer::dsp::BackgroundRemoval::process(
gpr|stage|envelope (Hilbert, FFT of 2n)|deminer::dsp::Envelope::process(
gpr|stage|detector: CFAR, tracking, fit and features at each object|deminer::dsp::CfarDetector::process(;deminer::dsp::CfarDetector::flush(
gpr|sub|of which CFAR (ordered statistic)|deminer::dsp::CfarDetector::find_echoes(
gpr|sub|of which hyperbola fits|deminer::dsp::HyperbolaFitter::fit(
gpr|sub|of which feature vectors|deminer::dsp::FeatureExtractor::extract(
gpr|sub|across the stages above: all FFTs (band-pass, envelope, features)|deminer::dsp::RealFft::forward(;deminer::dsp::RealFft::inverse(
vlf|stage|demodulation (phase-locked, per window)|deminer::dsp::md::VlfDemodulator::process(
vlf|stage|calibration|deminer::dsp::md::VlfCalibration::process(
vlf|stage|motion filter|deminer::dsp::md::VlfMotionFilter::push(
vlf|stage|ground balance and tracking|deminer::dsp::md::VlfGroundBalance::push(
vlf|stage|event detector and clutter sigma (median/MAD noise)|deminer::dsp::md::EventDetector::push(
vlf|stage|pinpoint path|deminer::dsp::md::VlfPinpoint::push(
vlf|stage|identity and tone|deminer::dsp::VlfPipeline::identify(;deminer::dsp::md::VlfTargetId::tone(
pi|stage|baseline (tare, drift tracker)|deminer::dsp::md::PiBaseline::process(
pi|stage|ground balance (3 gate pairs)|deminer::dsp::md::PiGroundBalance::process(
pi|stage|event detectors (3, median/MAD noise)|deminer::dsp::md::EventDetector::push(
pi|stage|tone pitch (log-linear decay)|deminer::dsp::md::log_linear_decay(
pi|stage|at each event: fit and classifier|deminer::dsp::md::ExponentialFit::fit(;deminer::dsp::md::PiDecayClassifier::classify(
EOF

# Sum of the inclusive counts of a stage's functions: stage_sum FILE PREFIXES (';'-separated).
stage_sum() {
  awk -F'\t' -v prefixes="$2" '
    BEGIN { n = split(prefixes, p, ";") }
    { for (i = 1; i <= n; ++i) if (index($2, p[i]) == 1) { s += $1; break } }
    END { printf "%.0f\n", s + 0 }
  ' "$1"
}
total_of() { awk -F'\t' '$2 == "(total)" { print $1 }' "$1"; }
# Instructions in allocator entry points during the measured stretch (must be 0).
alloc_count() {
  awk -F'\t' '$2 ~ /^(malloc|calloc|realloc|posix_memalign|aligned_alloc|memalign|valloc|operator new)/ { s += $1 }
              END { printf "%.0f\n", s + 0 }' "$1"
}
json() { sed -n "s/.*\"$2\": \"\{0,1\}\([^,\"}]*\).*/\1/p" "$1"; }

# Stage rows for one chain and backend: "label<TAB>kind<TAB>count".
stages_of() {  # stages_of FAMILY INCL
  local family="$1" incl="$2" kind label prefixes
  while IFS='|' read -r f kind label prefixes; do
    [[ "$f" == "$family" ]] || continue
    printf '%s\t%s\t%s\n' "$label" "$kind" "$(stage_sum "$incl" "$prefixes")"
  done <"$work/stages"
}

family_of() { case "$1" in gpr*) echo gpr ;; *) echo "$1" ;; esac; }

# ---- Collect every figure into one tab-separated file for the formatter.
facts="$work/facts.tsv"
: >"$facts"
for chain in $chains; do
  family="$(family_of "$chain")"
  for variant in fftw kissfft; do
    j="$work/$variant-$chain.json"
    incl="$work/$variant-$chain.incl"
    printf 'chain\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$chain" "$variant" \
      "$(total_of "$incl")" "$(json "$j" items)" "$(json "$j" samples_per_item)" \
      "$(json "$j" unit)" "$(json "$j" heap_startup_bytes)" "$(json "$j" hot_allocations)" \
      "$(json "$j" hot_heap_delta_bytes)" "$(alloc_count "$incl")" \
      "$(json "$j" stack_high_water_bytes)" "$(json "$j" stack_idle_thread_bytes)" \
      "$(json "$j" detections)" >>"$facts"
    stages_of "$family" "$incl" | while IFS=$'\t' read -r label kind count; do
      printf 'stage\t%s\t%s\t%s\t%s\t%s\n' "$chain" "$variant" "$kind" "$label" "$count" >>"$facts"
    done
  done
done

# ---- The aarch64 example.
aarch64_line="not built: cmake --preset aarch64 && cmake --build --preset aarch64"
if [[ -f "$aarch64" ]]; then
  if command -v aarch64-linux-gnu-strip >/dev/null; then
    aarch64-linux-gnu-strip -o "$work/handheld.stripped" "$aarch64"
    size="$(stat -c %s "$work/handheld.stripped")"
    needed="$(aarch64-linux-gnu-readelf -d "$aarch64" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' |
      paste -sd, - | sed 's/,/, /g')"
    machine="$(aarch64-linux-gnu-readelf -h "$aarch64" | sed -n 's/^ *Machine: *//p')"
    kib="$(awk -v s="$size" 'BEGIN { printf "%.1f", s / 1024 }')"
    aarch64_line="${size} bytes (${kib} KiB) stripped, ${machine}; NEEDED: ${needed:-none (static)}"
  else
    aarch64_line="present, but aarch64-linux-gnu-strip is missing (binutils-aarch64-linux-gnu)"
  fi
fi

# ---- The table.
log "writing the table"
cxx="$(cache_value "$kiss" CMAKE_CXX_COMPILER)"
cxx_version="$("$cxx" -dumpfullversion 2>/dev/null || echo '?')"
cxx_name="GCC"
"$cxx" --version 2>/dev/null | grep -qi clang && cxx_name="clang"
cpu="$(sed -n 's/^model name\s*:\s*//p' /proc/cpuinfo | head -1)"
awk -F'\t' -v clock="$clock_hz" -v ipc="$ipc" -v ipc_low="$ipc_low" -v gpr_rate="$gpr_rate" \
  -v vlf_rate="$vlf_rate" -v pi_rates="$pi_rates" -v target="$target_percent" \
  -v aarch64="$aarch64_line" -v cxx="$cxx_name $cxx_version" \
  -v cpu="$cpu, $(nproc) cores" \
  -v valgrind="$(valgrind --version)" -v date="$(date +%Y-%m-%d)" '
  function grouped(x,    s, out) {  # 1234567 -> 1 234 567
    s = sprintf("%.0f", x)
    out = ""
    while (length(s) > 3) { out = " " substr(s, length(s) - 2) out; s = substr(s, 1, length(s) - 3) }
    return s out
  }
  function pct(x) { return x < 1 ? sprintf("%.2f %%", x) : sprintf("%.1f %%", x) }
  function kib(b) { return sprintf("%.1f KiB", b / 1024) }
  function share(instr_per_s, i) { return 100 * instr_per_s / (i * clock) }
  function name(c) {
    if (c == "gpr512") return "GPR, 512 samples"
    if (c == "gpr2048") return "GPR, 2048 samples"
    if (c == "vlf") return "VLF, 1000-sample blocks"
    return "PI, 13 gates"
  }
  $1 == "chain" {
    c = $2; v = $3
    total[c, v] = $4; items[c, v] = $5; spi[c, v] = $6; unit[c] = $7; heap[c, v] = $8
    hot[c, v] = $9; delta[c, v] = $10; vgalloc[c, v] = $11; stack[c, v] = $12; idle[c, v] = $13
    det[c, v] = $14
    if (!(c in seen)) { seen[c] = 1; order[++nc] = c }
  }
  $1 == "stage" {
    c = $2; v = $3
    key = c SUBSEP $5
    if (!(key in skind)) { skind[key] = $4; slabel[c, ++ns[c]] = $5 }
    scount[c, v, $5] = $6
  }
  END {
    k = "kissfft"; f = "fftw"
    for (i = 1; i <= nc; ++i) {
      c = order[i]
      per[c] = total[c, k] / items[c, k]
      perf[c] = total[c, f] / items[c, f]
      sum = 0; best = ""; bestv = -1
      for (s = 1; s <= ns[c]; ++s) {
        l = slabel[c, s]
        if (skind[c, l] != "stage") continue
        sum += scount[c, k, l]
        if (scount[c, k, l] > bestv) { bestv = scount[c, k, l]; best = l }
      }
      rest[c] = total[c, k] - sum
      restf[c] = total[c, f]
      for (s = 1; s <= ns[c]; ++s) {
        l = slabel[c, s]
        if (skind[c, l] == "stage") restf[c] -= scount[c, f, l]
      }
      top[c] = best; topv[c] = bestv
    }

    print "Measured " date " on " cpu " (x86-64), " cxx " RelWithDebInfo (-O2 -g), " valgrind \
          " (callgrind, counts of the measured stretch only)."
    print ""
    print "| chain | measured | instructions per " "unit (KissFFT) | same, FFTW | per sample (KissFFT) | most expensive stage (KissFFT) | heap held after start-up (KissFFT / FFTW) | allocations in the measured stretch | DSP thread stack high-water (idle thread) |"
    print "|---|---|---:|---:|---:|---|---:|---:|---:|"
    for (i = 1; i <= nc; ++i) {
      c = order[i]
      allocs = hot[c, k] + hot[c, f]
      vg = vgalloc[c, k] + vgalloc[c, f]
      d = delta[c, k]; if (delta[c, f] > d) d = delta[c, f]
      printf "| %s | %s %ss, %d detections | %s per %s | %s | %.1f | %s: %.0f %% | %s / %s | %s | %s (%s) |\n", \
        name(c), grouped(items[c, k]), unit[c], det[c, k], grouped(per[c]), unit[c], grouped(perf[c]), \
        total[c, k] / (items[c, k] * spi[c, k]), top[c], 100 * topv[c] / total[c, k], \
        kib(heap[c, k]), kib(heap[c, f]), \
        (allocs == 0 && vg == 0 && d == 0) ? "0" : sprintf("**%d new, %.0f Ir in malloc, heap %+d B**", allocs, vg, d), \
        kib(stack[c, k]), kib(idle[c, k])
    }
    print ""
    printf "Share of one %.1f GHz Cortex-A53 core at real-time rates (KissFFT counts; FFTW in brackets):\n\n", clock / 1e9
    printf "| chain | real-time rate | instructions per second | share at IPC %s | share at IPC %s |\n", ipc, ipc_low
    print "|---|---|---:|---:|---:|"
    n = split(pi_rates, pr, " ")
    for (i = 1; i <= nc; ++i) {
      c = order[i]
      if (c == "gpr512" || c == "gpr2048") { rate[1] = gpr_rate; nr = 1; rl[1] = grouped(gpr_rate) " traces/s" (c == "gpr2048" ? " (for reference)" : "") }
      else if (c == "vlf") { rate[1] = vlf_rate / spi[c, k]; nr = 1; rl[1] = sprintf("%s raw ADC samples/s (%s blocks/s)", grouped(vlf_rate), grouped(rate[1])) }
      else { nr = n; for (r = 1; r <= n; ++r) { rate[r] = pr[r]; rl[r] = grouped(pr[r]) " pulses/s" } }
      for (r = 1; r <= nr; ++r) {
        ips = per[c] * rate[r]; ipsf = perf[c] * rate[r]
        printf "| %s | %s | %s M | %s (%s) | %s (%s) |\n", name(c), rl[r], sprintf("%.1f", ips / 1e6), \
          pct(share(ips, ipc)), pct(share(ipsf, ipc)), pct(share(ips, ipc_low)), pct(share(ipsf, ipc_low))
        if (c == "gpr512") { g = ips; gf = ipsf }
        if (c == "vlf") { vl = ips; vlf = ipsf }
      }
    }
    both = share(g + vl, ipc); bothf = share(gf + vlf, ipc)
    printf "| **GPR 512 + VLF together** | | %.1f M | **%s** (%s) | %s (%s) |\n", (g + vl) / 1e6, \
      pct(both), pct(bothf), pct(share(g + vl, ipc_low)), pct(share(gf + vlf, ipc_low))
    print ""
    printf "Target: GPR 512 + VLF under %d %% of the core: **%s** at IPC %s (%s), %s at IPC %s (%s).\n", \
      target, both < target ? "met" : "not met", ipc, pct(both), \
      share(g + vl, ipc_low) < target ? "met" : "not met", ipc_low, pct(share(g + vl, ipc_low))
    print ""
    print "Stages (inclusive instructions per unit; indented rows are parts of the rows above them, not added):"
    print ""
    print "| chain | stage | KissFFT | share | FFTW |"
    print "|---|---|---:|---:|---:|"
    for (i = 1; i <= nc; ++i) {
      c = order[i]
      for (s = 1; s <= ns[c]; ++s) {
        l = slabel[c, s]
        lab = (skind[c, l] == "sub") ? "&nbsp;&nbsp;" l : l
        printf "| %s | %s | %s | %.1f %% | %s |\n", name(c), lab, grouped(scount[c, k, l] / items[c, k]), \
          100 * scount[c, k, l] / total[c, k], grouped(scount[c, f, l] / items[c, f])
      }
      printf "| %s | the pipeline itself (copies, hand-over, positions) | %s | %.1f %% | %s |\n", name(c), \
        grouped(rest[c] / items[c, k]), 100 * rest[c] / total[c, k], grouped(restf[c] / items[c, f])
    }
    print ""
    print "aarch64 handheld example: " aarch64
    print ""
    print "Notes:"
    print ""
    print "- Instructions are x86-64 instructions (callgrind Ir) of the measured stretch only: the input"
    print "  is simulated, the pipeline built and one pass of the scene run as warm-up before counting"
    print "  starts. Counts are deterministic (FFTW is planned with FFTW_ESTIMATE). GPR: the default"
    print "  scene (160 traces, three objects, 1 cm spacing) three times, each pass ending with flush()"
    print "  and reset(); its object density makes the fit and feature work an upper bound. VLF: the"
    print "  default metal-detector scene (moderate soil, two balls, four sweeps: 12.8 s at 100 kS/s,"
    print "  one 10 kHz tone). PI: the same scene as 13-gate pulses at 1 k pulses/s, 20 uV gate noise."
    print "- x86-64 counts as a proxy for AArch64: the firmware is the same C++ built by the same GCC"
    print "  at -O2 (the aarch64 preset is RelWithDebInfo too). AArch64 is load/store (x86 folds memory"
    print "  operands into arithmetic) but has fused multiply-add, twice the registers and load/store"
    print "  pairs; GCC vectorises the same loops 4 floats wide with SSE2 and with NEON. KissFFT, the"
    print "  FFT of the handheld (GPL-free firmware), is scalar C on both, so the shares use the KissFFT"
    print "  build; FFTW (SIMD codelets on x86-64) is shown for comparison only."
    printf "- Share = instructions per second / (IPC x %.1f GHz). Cortex-A53 is in-order and dual-issue\n", clock / 1e9
    printf "  (peak IPC 2) and cannot hide the latency of dependent floating-point operations, branch\n"
    printf "  mispredictions or cache misses; IPC %s is assumed for this mixed float and branchy code,\n", ipc
    printf "  IPC %s is the pessimistic column (cache misses, divisions and square roots).\n", ipc_low
    print "- Not counted: the acquisition thread, link-frame decoding, queues, audio/UI and the OS."
    print "- Heap: glibc mallinfo2() in use after the pipeline is built minus before (normal run)."
    print "  Allocations in the measured stretch: operator new calls (normal run), the heap change,"
    print "  and instructions in malloc/new under callgrind; all must be 0. Stack: bytes written from"
    print "  the top of a painted 1 MiB stack by the DSP thread (warm-up and measured stretch); the idle"
    print "  thread figure is what glibc itself puts there (thread descriptor, static TLS)."
  }
' "$facts"
