#!/usr/bin/python3
"""Expected values for tests/formats/test_sensors_software_dt1.cpp, read independently with numpy.

Reads the two pulseEKKO profiles of ../shared/data (GPRPy example data) straight from the bytes:
each trace is 25 little-endian float32 header words + 28 comment bytes + int16 samples. Writes
sensors_software_dt1_reference.csv: one row per checked value,
  file,what,trace,index,value
with what = traces | points | dt_s | time_zero_s | position_m | sample.
"""
import csv
import os
import re

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "data", "recordings",
                                     "NSGeophysics", "GPRPy", "gprpy", "exampledata", "SnS"))
FILES = ["ComOffs/XLINE00", "WARR/XLINE00"]
FEET = 0.3048


def hd_value(text, key):
    return re.search(r"^" + re.escape(key) + r"\s*=\s*(\S+)", text, re.M).group(1)


rows = []
for name in FILES:
    hd = open(os.path.join(DATA, name + ".HD"), encoding="latin-1").read()
    points = int(hd_value(hd, "NUMBER OF PTS/TRC"))
    window_ns = float(hd_value(hd, "TOTAL TIME WINDOW"))
    tz_point = float(hd_value(hd, "TIMEZERO AT POINT"))
    unit = FEET if hd_value(hd, "POSITION UNITS") == "ft" else 1.0
    raw = np.fromfile(os.path.join(DATA, name + ".DT1"), dtype=np.uint8)
    trace_bytes = 128 + 2 * points
    traces = raw.size // trace_bytes
    assert traces * trace_bytes == raw.size
    blocks = raw.reshape(traces, trace_bytes)
    headers = blocks[:, :100].copy().view("<f4")
    samples = blocks[:, 128:].copy().view("<i2")
    dt = window_ns * 1e-9 / points
    rows += [[name, "traces", "", "", traces], [name, "points", "", "", points],
             [name, "dt_s", "", "", repr(dt)],
             [name, "time_zero_s", "", "", repr(-(tz_point - 1) * dt)]]
    for t in sorted({0, 1, traces // 2, traces - 1}):
        rows.append([name, "position_m", t, "", repr(float(headers[t, 1]) * unit)])
        peak = int(np.argmax(np.abs(samples[t])))
        for i in sorted({0, 1, 7, peak, points // 2, points - 1}):
            rows.append([name, "sample", t, i, int(samples[t, i])])

with open(os.path.join(HERE, "sensors_software_dt1_reference.csv"), "w", newline="") as f:
    csv.writer(f, lineterminator="\n").writerows([["file", "what", "trace", "index", "value"]] + rows)
