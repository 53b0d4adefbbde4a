#!/usr/bin/python3
"""Reference vectors for deminer::dsp::EigenImageFilter and DistanceNormaliser.

EigenImageFilter: a B-scan X (samples x traces, float32 values) is decomposed with
numpy.linalg.svd; the output is X - sum_{k in [first, last)} s_k u_k v_k^T (components beyond
min(samples, traces) do not exist and are ignored).

DistanceNormaliser: traces at irregular positions (with one stationary trace, one that advances by
less than the tolerance and one that steps backwards, which the block skips: a trace is used only
when it advances by more than `tolerance` beyond the last used trace) are resampled, sample by
sample, with numpy.interp at positions origin + k * spacing inside [first used, last used].

Writes gpr_filters_a_reference.csv next to this script, one record per line, first field its kind:
    eigen,<name>,<samples>,<traces>,<first>,<last>   then lines input,... output,...
                                                     singular_values,...  (matrices trace after
                                                     trace, i.e. column-major)
    interp,<name>,<samples>,<spacing>,<origin>,<tolerance>  then lines positions,...
                                                     traces,... (trace after trace) grid,...
                                                     output,... (trace after trace)
Run with Debian's python3-numpy: /usr/bin/python3 make_gpr_filters_a_reference.py
"""
import os

import numpy as np


def bscan(samples, traces, rng):
    i = np.arange(samples)[:, None]
    j = np.arange(traces)[None, :]
    background = 3.0 * np.cos(0.3 * i) * (1.0 + 0.05 * np.sin(0.2 * j))  # varies along track
    apex = samples * 0.4 + 0.02 * (j - traces / 2) ** 2
    echo = 2.0 * np.exp(-0.5 * ((i - apex) / 1.5) ** 2)
    x = background + echo + 0.1 * rng.standard_normal((samples, traces))
    return x.astype(np.float32).astype(np.float64)  # the C++ side holds float32 samples


def eigen_cases(rng):
    tall = bscan(32, 20, rng)
    wide = bscan(12, 30, rng)
    yield "tall_remove_0", tall, 0, 1
    yield "tall_remove_1_to_3", tall, 1, 3
    yield "wide_remove_0_to_2", wide, 0, 2
    yield "wide_remove_from_2_clipped", wide, 2, 40  # keeps the two strongest only


def eigen_filter(x, first, last):
    u, s, vt = np.linalg.svd(x, full_matrices=False)
    last = min(last, len(s))
    first = min(first, last)
    removed = (u[:, first:last] * s[first:last]) @ vt[first:last, :]
    return x - removed, s


def interp_case(rng):
    samples, spacing, origin, tolerance = 6, 0.01, 0.003, 0.001
    steps = rng.uniform(0.002, 0.025, 40)
    steps[7] = 0.0  # stationary
    steps[15] = 0.0005  # within the tolerance
    steps[22] = -0.004  # backwards
    steps[23] = 0.0025  # still behind the last used trace by more than the tolerance: skipped
    positions = 0.0123 + np.cumsum(steps)
    traces = rng.standard_normal((len(positions), samples)).astype(np.float32).astype(np.float64)
    used = []
    for p, t in zip(positions, traces):
        if used and p <= used[-1][0] + tolerance:
            continue
        used.append((p, t))
    xp = np.array([p for p, _ in used])
    fp = np.array([t for _, t in used])
    k_first = int(np.ceil((xp[0] - origin) / spacing))
    k_last = int(np.floor((xp[-1] - origin) / spacing))
    grid = origin + np.arange(k_first, k_last + 1) * spacing
    output = np.stack([np.interp(grid, xp, fp[:, i]) for i in range(samples)], axis=1)
    return "random_spacing", samples, spacing, origin, tolerance, positions, traces, grid, output


def numbers(values):
    return ",".join(repr(float(v)) for v in np.ravel(values))


def main():
    rng = np.random.default_rng(20240411)
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gpr_filters_a_reference.csv")
    with open(path, "w") as out:
        out.write("# made by make_gpr_filters_a_reference.py (numpy); do not edit\n")
        for name, x, first, last in eigen_cases(rng):
            y, s = eigen_filter(x, first, last)
            out.write(f"eigen,{name},{x.shape[0]},{x.shape[1]},{first},{last}\n")
            out.write(f"input,{numbers(x.T)}\n")  # x.T row-major = x column-major
            out.write(f"output,{numbers(y.T)}\n")
            out.write(f"singular_values,{numbers(s)}\n")
        name, samples, spacing, origin, tolerance, positions, traces, grid, output = interp_case(rng)
        out.write(f"interp,{name},{samples},{spacing!r},{origin!r},{tolerance!r}\n")
        out.write(f"positions,{numbers(positions)}\n")
        out.write(f"traces,{numbers(traces)}\n")
        out.write(f"grid,{numbers(grid)}\n")
        out.write(f"output,{numbers(output)}\n")


if __name__ == "__main__":
    main()
