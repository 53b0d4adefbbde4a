#!/usr/bin/python3
"""Independent reading of the shared SEG-Y file for tests/formats/test_segy.cpp.

numpy on the raw bytes (big-endian, IBM float decoded here from its definition) and Python's
cp037 codec for the EBCDIC text; writes segy_reference.json next to this script.
Run: tests/reference/make_segy_reference.py (reads ../shared/data beside the repository).
"""
import json
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
DATA = HERE.parents[1].parent / "shared" / "data"
SMALL = DATA / "recordings/equinor/segyio/test-data/small.sgy"


def ibm_to_double(words):
    words = words.astype(np.uint64)
    sign = np.where(words >> 31, -1.0, 1.0)
    exponent = ((words >> 24) & 0x7F).astype(np.int64) - 64
    fraction = (words & 0xFFFFFF).astype(np.float64) / float(1 << 24)
    return sign * fraction * np.power(16.0, exponent)


def main():
    raw = np.fromfile(SMALL, dtype=np.uint8)
    text = raw[:3200].tobytes().decode("cp037")
    binary = raw[3200:3600]
    interval = int(binary[16:18].view(">u2")[0])
    samples = int(binary[20:22].view(">u2")[0])
    code = int(binary[24:26].view(">i2")[0])
    trace_bytes = 240 + 4 * samples
    traces = (raw.size - 3600) // trace_bytes
    body = raw[3600:3600 + traces * trace_bytes].reshape(traces, trace_bytes)
    words = body[:, 240:].copy().view(">u4")
    values = ibm_to_double(words).astype(np.float32)
    picked = [0, 12, traces - 1]
    out = {
        "file": "recordings/equinor/segyio/test-data/small.sgy",
        "text_line_1": text[:80].rstrip(),
        "sample_interval_us": interval,
        "samples_per_trace": samples,
        "format_code": code,
        "traces": int(traces),
        "traces_checked": picked,
        "samples": [[float(v) for v in values[t]] for t in picked],
        "sum_all": float(values.astype(np.float64).sum()),
    }
    (HERE / "segy_reference.json").write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
