#!/usr/bin/env python3
"""Independent encoding of the metal-detector payload examples in docs/link-frames.md.

Written from the layout tables (drivers/link/md_payloads.hpp, docs/link-frames.md) with struct
only, so tests/drivers/test_link_md_payloads.cpp can compare our encoder byte for byte.
Run: /usr/bin/python3 tests/reference/md_payload_example.py
"""
import struct

# VLF block: sample_rate_hz, position_m, advance_m (f64), timestamp_ns (i64), sequence (u64),
# channel (u16), sample format (u16, 1 = float32), tone count (u8), 3 reserved bytes,
# tone_hz f64[4], sample count (u32), samples float32.
samples = [0.25, -0.5, 1.0]
vlf = struct.pack("<dddqQHHB3x4dI", 100000.0, -0.375, 1.5, 123456789, 77, 2, 1, 2,
                  5000.0, 15000.0, 0.0, 0.0, len(samples))
vlf += struct.pack("<%df" % len(samples), *samples)
print("vlf:", vlf.hex())

# PI frame: pulse_length_s, pulse_period_s, position_m, advance_m (f64), timestamp_ns (i64),
# sequence (u64), channel (u16), sample format (u16), gate count (u32), gate times, gate values.
times = [10e-6, 30e-6]
values = [0.125, -2.0]
pi = struct.pack("<ddddqQHHI", 100e-6, 1e-3, 0.5, -0.25, 987654321, 5, 0, 1, len(times))
pi += struct.pack("<%df" % len(times), *times) + struct.pack("<%df" % len(values), *values)
print("pi:", pi.hex())
