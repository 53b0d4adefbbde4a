#!/usr/bin/python3
"""Reference vectors for the VLF motion filter (tests/dsp/test_vlf_motion_filter.cpp).

The motion filter is a causal Butterworth band-pass run as one stream across blocks; its
reference is scipy.signal.butter(order, [low, high], 'bandpass', fs=rate, output='sos') applied
with scipy.signal.sosfilt (zero initial state) to the whole record at once.

Writes vlf_reference.csv next to this script, one named vector per line:
    <name>,<value>,<value>,...
Names: x (the float32 input, 2000 samples at 1 kS/s: a slow drift, a step, pumping at 1.3 Hz, a
bipolar target pass and mains hum at 50 Hz), and y/<order>/<low_hz>/<high_hz> per filter.
Run with Debian's python3-numpy and python3-scipy: /usr/bin/python3 make_vlf_reference.py
"""
import os

import numpy as np
from scipy import signal

RATE_HZ = 1000.0
FILTERS = [(1, 0.5, 10.0), (2, 0.5, 10.0), (3, 1.0, 25.0), (4, 0.2, 5.0)]


def main():
    t = np.arange(2000) / RATE_HZ
    x = (0.3 * t  # thermal drift
         + 0.5 * (t >= 0.6)  # a step (ground change)
         + 0.2 * np.sin(2 * np.pi * 1.3 * t)  # pumping
         - 1.0 * (t - 1.4) / 0.05 * np.exp(-0.5 * ((t - 1.4) / 0.05) ** 2)  # a target pass
         + 0.05 * np.sin(2 * np.pi * 50.0 * t))  # mains
    x = x.astype(np.float32)
    # 9 significant digits restore a float32 exactly; the outputs keep 10 (1e-10 relative).
    lines = ["x," + ",".join(f"{float(v):.9g}" for v in x)]
    for order, low, high in FILTERS:
        sos = signal.butter(order, [low, high], "bandpass", fs=RATE_HZ, output="sos")
        y = signal.sosfilt(sos, x.astype(np.float64))
        lines.append(f"y/{order}/{low:g}/{high:g}," + ",".join(f"{v:.10g}" for v in y))
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "vlf_reference.csv")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
