#!/usr/bin/python3
"""Expected values for tests/formats/test_gssi_dzt.cpp, read independently of deminer.

Reads the shared GSSI file (../shared/data, see MANIFEST.md) with numpy on the raw bytes and
writes gssi_dzt_reference.json next to this script: header numbers, the marked scans, and spot
samples re-centred on zero (raw uint16 - 32768), with samples 0 and 1 (scan counter and mark
word) replaced by sample 2 as the reader's documented convention says.

Usage: tests/reference/make_gssi_dzt_reference.py [path/to/shared/data]
"""
import json
import pathlib
import struct
import sys

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
DATA = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parents[2] / "shared" / "data"
RELATIVE = "recordings/NSGeophysics/GPRPy/gprpy/exampledata/GSSI/FILE____032.DZT"

raw = (DATA / RELATIVE).read_bytes()
nsamp, bits = struct.unpack_from("<HH", raw, 4)
rh_data, = struct.unpack_from("<H", raw, 2)
nchan, = struct.unpack_from("<H", raw, 52)
sps, spm, _mpm, _position, range_ns = struct.unpack_from("<5f", raw, 10)
offset = 1024 * rh_data if rh_data < 1024 else 1024 * nchan
assert bits == 16 and nchan == 1

scans = np.frombuffer(raw, dtype="<u2", offset=offset).reshape(-1, nsamp)
data = scans.astype(np.int64) - 32768
data[:, 0] = data[:, 2]
data[:, 1] = data[:, 2]

# The creation date, decoded the way readgssi does: bits of the 4 bytes, least significant first,
# reversed into one 32-character string.
bitstring = "".join(str((b >> i) & 1) for b in raw[32:36] for i in range(8))[::-1]
sec = int(bitstring[27:32], 2) * 2
minute = int(bitstring[21:27], 2)
hour = int(bitstring[16:21], 2)
day = int(bitstring[11:16], 2)
month = int(bitstring[7:11], 2)
year = int(bitstring[0:7], 2) + 1980

traces = [0, 1, 100, 519, len(scans) - 1]
indices = [0, 1, 2, 3, 50, 100, 255, 400, nsamp - 1]
reference = {
    "file": RELATIVE,
    "traces": int(len(scans)),
    "samples": int(nsamp),
    "channels": int(nchan),
    "data_offset": int(offset),
    "range_ns": float(range_ns),
    "dt_s": float(range_ns) * 1e-9 / nsamp,
    "scans_per_second": float(sps),
    "scans_per_metre": float(spm),
    "antenna": raw[98:112].split(b"\0")[0].decode("ascii"),
    "created": f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{sec:02d}",
    "marked_scans": [int(i) for i in np.nonzero(scans[:, 1])[0]],
    "mark_words": sorted({int(w) for w in scans[:, 1] if w != 0}),
    "spot": [[t, i, int(data[t, i])] for t in traces for i in indices],  # trace, index, value
    "trace_sums": {str(t): int(data[t].sum()) for t in traces},
}
out = HERE / "gssi_dzt_reference.json"
out.write_text(json.dumps(reference, separators=(",", ":")).replace("],", "],\n") + "\n")
print(f"wrote {out}")
