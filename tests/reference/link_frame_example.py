#!/usr/bin/env python3
"""Independent encoding of the worked example frame in docs/link-frames.md.

Written from the layout tables in the documentation with struct and zlib only (no code of ours),
so tests/drivers/test_link_frames.cpp can compare our encoder against it byte for byte.
Run: python3 tests/reference/link_frame_example.py
"""
import struct
import zlib

# GPR trace payload: dt_s, time_zero_s, position_m (f64), odometer_ticks, timestamp_ns (i64),
# sequence (u64), channel (u16), sample format (u16, 1 = float32), sample count (u32), samples.
samples = [0.0, 0.5, -1.0, 2.0]
payload = struct.pack("<dddqqQHHI", 1.0e-10, -2.5e-9, 1.25, 100, 1_700_000_000_000_000_000, 42, 1,
                      1, len(samples))
payload += struct.pack("<%df" % len(samples), *samples)

# Frame header: sync A5 44 4D 46, version 1, type 1 (gpr_trace), reserved 0, sequence 7,
# payload length, timestamp_ns; then the payload and the CRC-32 of everything before it.
header = bytes([0xA5, 0x44, 0x4D, 0x46]) + struct.pack("<BBHIIq", 1, 1, 0, 7, len(payload),
                                                       1_700_000_000_000_000_123)
body = header + payload
frame = body + struct.pack("<I", zlib.crc32(body))

print("frame of %d bytes, CRC-32 0x%08X" % (len(frame), zlib.crc32(body)))
for offset in range(0, len(frame), 16):
    print("%04x  %s" % (offset, " ".join("%02x" % b for b in frame[offset:offset + 16])))
print("hex:", frame.hex())
