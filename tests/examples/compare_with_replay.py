#!/usr/bin/env python3
"""The handheld example against the workstation: same recording, same configuration, same
detections.

    compare_with_replay.py [--lane] --deminer DEMINER --work-dir DIR -- [EMULATOR ...] HANDHELD

Makes a recording of the default simulated scene with the native `deminer simulate`, writes the
default configuration for it (`deminer replay REC --print-config`), runs `deminer replay --json`
(the reference: one thread, trace by trace) and the handheld program (device -> runtime threads ->
pipeline, through file://), and compares the detections: same count, positions and depths within
1e-3 m, two-way times and scores within 1e-3 relative. It also reads the handheld's WAV back with
the `wave` module (one tone per detection).

With --lane, the dual-sensor head instead: a small labelled lane (2 m, 3 mines, 15 clutter items)
is trained on (`deminer train`, seeds 1-4) and tuned (`deminer tune`, seeds 11-12), seed 13 is
recorded with `deminer simulate --lane` (swept GPR traces and VLF blocks), and the handheld, loading
that configuration unchanged (but for a threshold of 0.05, so that most objects alarm), must raise
the alarms `deminer replay LANE --seeds 13 --config` it raises: same count and classes, places
within 1e-3 m, scores within 1e-3 relative. Seed 13 is not a tuning seed, and 0.05 is no object's
score, so no alarm hangs on the last bits a cross build changes.

Why a tolerance and not equality: natively the two runs execute the same code on the same float32
samples and agree bit for bit; in a cross build the handheld runs code from another compiler
back-end (e.g. aarch64, where GCC fuses multiply-adds) and another FFT kernel, which changes the
last bits of the filters' output. 1e-3 m is a tenth of the 1 cm trace spacing and 1e-3 of a score
is far below anything that decides an alarm, yet any real divergence (a lost or reordered trace, a
different chain) moves a detection by centimetres or changes the count.

Exit status: 0 same detections, 1 different (or a step failed), 77 skipped (no native deminer).
Standard library only.
"""
import argparse
import json
import math
import os
import subprocess
import sys
import wave

SKIP = 77
POSITION_TOLERANCE_M = 1e-3
RELATIVE_TOLERANCE = 1e-3
# The example's defaults (examples/handheld/handheld_app.hpp: ToneMap, WavSink).
WAV_RATE_HZ = 16000
TONE_S = 0.15
GAP_S = 0.05


def run(command, what, **kwargs):
    print("+ " + " ".join(command), flush=True)
    done = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"{what} failed with exit status {done.returncode}")
    return done


def close(a, b, absolute=0.0, relative=0.0):
    return abs(a - b) <= max(absolute, relative * max(abs(a), abs(b)))


def verdict(problems, same):
    """Prints the problems, or `same` when there are none; the exit status."""
    if problems:
        print("DIFFERENT:\n  " + "\n  ".join(problems))
        return 1
    print(same)
    return 0


def wav_problems(wav_path, tones):
    """What is wrong with the handheld's WAV file for `tones` alarms (one tone each)."""
    with wave.open(wav_path, "rb") as w:
        frames_per_tone = round(TONE_S * WAV_RATE_HZ) + round(GAP_S * WAV_RATE_HZ)
        if (w.getnchannels(), w.getsampwidth(), w.getframerate()) != (1, 2, WAV_RATE_HZ):
            return [f"{wav_path}: {w.getnchannels()} channels, {w.getsampwidth()} bytes per "
                    f"sample, {w.getframerate()} Hz; expected 1, 2, {WAV_RATE_HZ}"]
        if w.getnframes() != tones * frames_per_tone:
            return [f"{wav_path}: {w.getnframes()} frames for {tones} tones of {frames_per_tone}"]
    return []


def compare_scene(args, handheld):
    work = os.path.abspath(args.work_dir)
    recording = os.path.join(work, "scene.dmr")
    truth_path = os.path.join(work, "truth.json")
    config = os.path.join(work, "cfg.json")
    wav_path = os.path.join(work, "alarms.wav")

    run([args.deminer, "simulate", "--out", recording, "--truth", truth_path], "deminer simulate")
    with open(truth_path) as f:
        truth = json.load(f)
    if not truth.get("targets"):
        raise SystemExit(f"the default scene has no targets ({truth_path}): nothing to compare")
    printed = run([args.deminer, "replay", recording, "--print-config"], "deminer replay --print-config")
    with open(config, "w") as f:
        f.write(printed.stdout)

    reference = json.loads(run([args.deminer, "replay", recording, "--config", config, "--json"],
                               "deminer replay --json").stdout)["detections"]
    done = run(handheld + ["--config", config, "--json", "--wav", wav_path,
                           "file://" + recording + "?rate=max"], "handheld")
    found = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    sys.stderr.write(done.stderr)

    problems = []
    if len(found) != len(reference):
        problems.append(f"{len(found)} detections from handheld, {len(reference)} from replay")
    for i, (h, r) in enumerate(zip(found, reference)):
        for key, ok in (("position_m", close(h["position_m"], r["position_m"], POSITION_TOLERANCE_M)),
                        ("depth_m", close(h["depth_m"], r["depth_m"], POSITION_TOLERANCE_M)),
                        ("time_s", close(h["time_s"], r["time_s"], relative=RELATIVE_TOLERANCE)),
                        ("score", close(h["score"], r["score"], relative=RELATIVE_TOLERANCE))):
            if not ok:
                problems.append(f"detection {i}: {key} {h[key]} (handheld) vs {r[key]} (replay)")
        if h.get("sequence") != r.get("sequence"):
            problems.append(f"detection {i}: sequence {h.get('sequence')} vs {r.get('sequence')}")
    if "ended yes" not in done.stderr:
        problems.append("handheld did not report the end of the recording ('ended yes')")

    problems += wav_problems(wav_path, len(found))

    for i, r in enumerate(reference):
        print(f"replay   #{i}: position {r['position_m']:.6f} m  depth {r['depth_m']:.6f} m  "
              f"score {r['score']:.3f}")
    for i, h in enumerate(found):
        print(f"handheld #{i}: position {h['position_m']:.6f} m  depth {h['depth_m']:.6f} m  "
              f"score {h['score']:.3f}")
    return verdict(problems, f"same {len(found)} detections (positions within "
                             f"{POSITION_TOLERANCE_M} m, scores within {RELATIVE_TOLERANCE} "
                             f"relative); {len(truth['targets'])} targets in the scene")


def compare_lane(args, handheld):
    work = os.path.abspath(args.work_dir)
    lane = os.path.join(work, "lane.json")
    with open(lane, "w") as f:
        json.dump({"length_m": 2.0, "width_m": 1.0, "mine_count": 3, "clutter_per_mine": 5,
                   "seed": 1, "soil": {"magnetic": "moderate", "moisture": "dry"}}, f)
    model = os.path.join(work, "model.json")
    out = os.path.join(work, "out")
    tuned = os.path.join(work, "tuned-low.json")
    recording = os.path.join(work, "lane13.dmr")
    wav_path = os.path.join(work, "alarms.wav")
    run([args.deminer, "train", lane, "--seeds", "1-4", "-o", model], "deminer train")
    run([args.deminer, "tune", lane, "--seeds", "11-12", "--model", model, "--max-far", "3",
         "--out-dir", out], "deminer tune")
    # The tuned threshold leaves a held-out 2 m lane with an alarm or none; at 0.05 most objects
    # alarm, which gives the comparison something to bite on. The file is otherwise tune's.
    with open(os.path.join(out, "tuned.json")) as f:
        config = json.load(f)
    config["decision"]["threshold"] = 0.05
    with open(tuned, "w") as f:
        json.dump(config, f)
    run([args.deminer, "simulate", "--lane", lane, "--seed", "13", "--out", recording],
        "deminer simulate --lane")
    reference = json.loads(run([args.deminer, "replay", lane, "--seeds", "13", "--config", tuned,
                                "--json"], "deminer replay --json").stdout)["alarms"]
    done = run(handheld + ["--config", tuned, "--json", "--wav", wav_path,
                           "file://" + recording + "?rate=max"], "handheld")
    found = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    sys.stderr.write(done.stderr)

    problems = []
    if not reference:
        problems.append("the replay raised no alarm: nothing to compare")
    if len(found) != len(reference):
        problems.append(f"{len(found)} alarms from handheld, {len(reference)} from replay")
    for i, (h, r) in enumerate(zip(found, reference)):
        for key, ok in (("position_m", close(h["position_m"], r["x_m"], POSITION_TOLERANCE_M)),
                        ("advance_m", close(h["advance_m"], r["y_m"], POSITION_TOLERANCE_M)),
                        ("score", close(h["score"], r["score"], relative=RELATIVE_TOLERANCE)),
                        ("class", h["class"] == r["class"])):
            if not ok:
                problems.append(f"alarm {i}: {key} {h.get(key)} (handheld) vs {r} (replay)")
    if "ended yes" not in done.stderr:
        problems.append("handheld did not report the end of the recording ('ended yes')")
    problems += wav_problems(wav_path, len(found))
    for i, (h, r) in enumerate(zip(found, reference)):
        print(f"alarm #{i}: handheld x {h['position_m']:.6f} y {h['advance_m']:.6f} {h['class']} "
              f"{h['score']:.4f} | replay x {r['x_m']:.6f} y {r['y_m']:.6f} {r['class']} "
              f"{r['score']:.4f}")
    return verdict(problems, f"same {len(found)} alarms (places within {POSITION_TOLERANCE_M} m, "
                             f"scores within {RELATIVE_TOLERANCE} relative, same classes)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lane", action="store_true",
                        help="compare the dual-sensor head on a labelled lane")
    parser.add_argument("--deminer", required=True, help="a native deminer command")
    parser.add_argument("--work-dir", required=True)
    parser.add_argument("handheld", nargs=argparse.REMAINDER,
                        help="-- then the handheld command (with its emulator in a cross build)")
    args = parser.parse_args()
    handheld = args.handheld[1:] if args.handheld[:1] == ["--"] else args.handheld
    if not handheld:
        parser.error("the handheld command is missing (after --)")
    if not (os.path.isfile(args.deminer) and os.access(args.deminer, os.X_OK)):
        print(f"SKIP: no native deminer command at {args.deminer} (build the native tree, or "
              "set DEMINER_NATIVE_CLI to one)")
        return SKIP
    os.makedirs(os.path.abspath(args.work_dir), exist_ok=True)
    return compare_lane(args, handheld) if args.lane else compare_scene(args, handheld)


if __name__ == "__main__":
    sys.exit(main())
