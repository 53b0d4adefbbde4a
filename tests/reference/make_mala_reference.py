#!/usr/bin/python3
"""Expected values for tests/formats/test_mala.cpp, read independently with numpy.

Reads ImpDAR's ten_col.rd3/.rad/.cor from ../shared/data: headerless little-endian int16, SAMPLES
per trace. Also records the evidence for the sample-interval choice: the frequency at which the
spectrum of the first trace peaks, with dt = 1/FREQUENCY and with dt = TIMEWINDOW/SAMPLES (the
antenna is a 500 MHz one). Writes mala_reference.csv: rows of
  what,trace,index,value
with what = traces | samples | dt_s | peak_hz_frequency | peak_hz_timewindow | sample | gps_*.
"""
import csv
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
BASE = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "data", "recordings",
                                     "dlilien", "ImpDAR", "test", "input_data", "ten_col"))

rad = {}
for line in open(BASE + ".rad", encoding="latin-1"):
    key, _, value = line.partition(":")
    rad[key.strip()] = value.strip()
samples = int(rad["SAMPLES"])
dt = 1.0 / (float(rad["FREQUENCY"]) * 1e6)
dt_window = float(rad["TIMEWINDOW"]) * 1e-9 / samples

data = np.fromfile(BASE + ".rd3", dtype="<i2")
traces = data.size // samples
data = data[: traces * samples].reshape(traces, samples)

first = data[0].astype(float) - data[0].mean()
peak_bin = int(np.argmax(np.abs(np.fft.rfft(first))))
rows = [["traces", "", "", traces], ["samples", "", "", samples], ["dt_s", "", "", repr(dt)],
        ["peak_hz_frequency", 0, "", repr(peak_bin / (samples * dt))],
        ["peak_hz_timewindow", 0, "", repr(peak_bin / (samples * dt_window))]]
for t in sorted({0, 1, traces // 2, traces - 1}):
    peak = int(np.argmax(np.abs(data[t])))
    for i in sorted({0, 1, 31, peak, samples // 2, samples - 1}):
        rows.append(["sample", t, i, int(data[t, i])])

for k, line in enumerate(open(BASE + ".cor", encoding="latin-1")):
    f = line.split()
    lat = float(f[3]) * (1 if f[4] == "N" else -1)
    lon = float(f[5]) * (1 if f[6] == "E" else -1)
    rows += [["gps_trace_index", k, "", int(f[0]) - 1], ["gps_latitude_deg", k, "", repr(lat)],
             ["gps_longitude_deg", k, "", repr(lon)], ["gps_altitude_m", k, "", repr(float(f[7]))]]

with open(os.path.join(HERE, "mala_reference.csv"), "w", newline="") as f:
    csv.writer(f, lineterminator="\n").writerows([["what", "trace", "index", "value"]] + rows)
