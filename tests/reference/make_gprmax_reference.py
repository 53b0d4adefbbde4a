#!/usr/bin/python3
"""Independent reading of the shared gprMax files for tests/formats/test_gprmax.cpp.

h5py reads each raw dataset whole; this script writes gprmax_reference.json next to itself:
per file the attributes the reader reports, per trace the float64 sum of its float32 samples
(every sample of every trace), and the full columns of a few traces.
Run: tests/reference/make_gprmax_reference.py (reads ../shared/data beside the repository).
"""
import json
from pathlib import Path

import h5py
import numpy as np

HERE = Path(__file__).resolve().parent
DATA = HERE.parents[1].parent / "shared" / "data"

FILES = sorted(str(p.relative_to(DATA)) for p in DATA.glob("gprmax_scenes/*/*_merged.out")) + [
    "recordings/gprMax/gprMax/user_models/cylinder_Ascan_2D.out",
    "recordings/gprMax/gprMax/tests/experimental/antenna_GSSI_1500_fs/antenna_GSSI_1500_fs.out",
    "recordings/gprMax/gprMax/tests/experimental/antenna_MALA_1200_fs/antenna_MALA_1200_fs.out",
    "recordings/dlilien/ImpDAR/test/input_data/rectangle_gprMax_Bscan.h5",
]
FULL_COLUMNS = {"gprmax_scenes/a_metal_cylinder/a_metal_cylinder_merged.out": [0, 25]}


def position(group):
    if "Position" in group.attrs:
        return [float(v) for v in group.attrs["Position"]]
    if "Position" in group:
        return [float(v) for v in group["Position"][()]]
    return None


def main():
    out = []
    for name in FILES:
        with h5py.File(DATA / name, "r") as f:
            ez = f["rxs/rx1/Ez"][()]
            columns = ez.reshape(ez.shape[0], -1)
            entry = {
                "file": name,
                "dt_s": float(f.attrs["dt"]),
                "samples": int(columns.shape[0]),
                "traces": int(columns.shape[1]),
                "components": sorted(k for k in f["rxs/rx1"] if k != "Position"),
                "trace_sums": [float(s) for s in columns.astype(np.float64).sum(axis=0)],
                "full_columns": {
                    str(t): [float(v) for v in columns[:, t]] for t in FULL_COLUMNS.get(name, [])
                },
                "spot": {str(i): float(columns[i, -1]) for i in (0, columns.shape[0] // 2,
                                                                  columns.shape[0] - 1)},
            }
            rx = position(f["rxs/rx1"])
            tx = None
            for path in ("srcs/src1", "txs/tx1"):
                if path in f:
                    tx = position(f[path])
            if rx is not None and columns.shape[1] == 1:
                entry["position_m"] = (rx[0] + tx[0]) / 2 if tx is not None else rx[0]
            out.append(entry)
    (HERE / "gprmax_reference.json").write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
