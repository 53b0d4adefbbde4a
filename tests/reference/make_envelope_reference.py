#!/usr/bin/python3
"""Reference vectors for deminer::dsp::Envelope, made with scipy.signal.hilbert.

Envelope zero-pads a trace of n samples to N = fast_fft_size(2 n) before its FFT, so the
reference is |scipy.signal.hilbert(x, N)| restricted to the first n samples. Writes
envelope_reference.csv next to this script: one case per block of lines,
    case,<name>,<n>,<N>
    <x[0]>,<envelope[0]>
    ...
Run with Debian's python3-numpy and python3-scipy: ./make_envelope_reference.py
"""
import os

import numpy as np
from scipy.signal import hilbert


def cases():
    rng = np.random.default_rng(20261123)
    t = np.arange(300) * 0.05e-9
    # A GPR-like trace: two Ricker wavelets of opposite sign plus a little noise.
    def ricker(t0, f=1.5e9):
        a = (np.pi * f * (t - t0)) ** 2
        return (1 - 2 * a) * np.exp(-a)
    yield "ricker_pair", 300, 600, ricker(4e-9) - 0.5 * ricker(9e-9) + 0.01 * rng.standard_normal(300)
    yield "white_noise", 100, 200, rng.standard_normal(100)
    yield "odd_length", 77, 160, np.sin(np.arange(77) * 0.3) + 0.2 * rng.standard_normal(77)


def main():
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "envelope_reference.csv")
    with open(path, "w") as out:
        out.write("# made by make_envelope_reference.py (scipy.signal.hilbert); do not edit\n")
        for name, n, nfft, x in cases():
            x = x.astype(np.float32).astype(np.float64)  # the C++ side holds float32 samples
            envelope = np.abs(hilbert(x, nfft))[:n]
            out.write(f"case,{name},{n},{nfft}\n")
            for xi, ei in zip(x, envelope):
                out.write(f"{xi!r},{ei!r}\n")


if __name__ == "__main__":
    main()
