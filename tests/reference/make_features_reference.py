#!/usr/bin/python3
"""Reference feature vectors for deminer::dsp::FeatureExtractor (detect/features.hpp), with numpy.

An independent implementation of the documented definitions: the window signal[start:start+n]
(clipped to the signal) is tapered with a periodic Hann window (0.5 - 0.5 cos(2 pi i / n)),
zero-padded to N = fast_fft_size(zero_padding * window_samples) and transformed with
numpy.fft.rfft in double precision; then centroid, RMS bandwidth, parabolic-interpolated peak,
4 band energy fractions, spectral flatness, time-domain energy and first-echo polarity. The two
hyperbola slots are 0 here (extract() leaves them 0).

Writes features_reference.csv next to this script, one block per case:
    case,<name>,<sample_interval_s>,<window_samples>,<window_start>,<zero_padding>,
         <polarity_threshold>,<edge0>,...,<edge4>,<N>
    signal,<x0>,<x1>,...          (float32 values)
    features,<f0>,...,<f11>
Run with Debian's python3-numpy: /usr/bin/python3 make_features_reference.py
"""
import os

import numpy as np


def fast_fft_size(n):
    """Smallest even m >= n whose prime factors are 2, 3, 5 (as deminer::dsp::fast_fft_size)."""
    m = max(2, n + (n % 2))
    while True:
        r = m
        for p in (2, 3, 5):
            while r % p == 0:
                r //= p
        if r == 1:
            return m
        m += 2


def features(x, start, dt, window, zero_padding, threshold, edges):
    x = np.asarray(x, dtype=np.float64)[start:start + window]
    n = len(x)
    nfft = fast_fft_size(zero_padding * window)
    out = np.zeros(12)
    out[8] = np.sum(x * x)
    m = np.max(np.abs(x))
    if m > 0:
        first = np.nonzero(np.abs(x) >= threshold * m)[0][0]
        out[9] = 1.0 if x[first] > 0 else -1.0
    taper = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n) / n)
    spectrum = np.fft.rfft(x * taper, nfft)
    power = np.abs(spectrum) ** 2
    f = np.arange(len(spectrum)) / (nfft * dt)
    band = (f >= edges[0]) & (f <= edges[-1])
    p, fb = power[band], f[band]
    total = p.sum()
    if total <= 0:
        return out, nfft
    centroid = np.sum(fb * p) / total
    out[0] = centroid
    out[1] = np.sqrt(np.sum((fb - centroid) ** 2 * p) / total)
    k = np.nonzero(band)[0][np.argmax(p)]
    offset = 0.0
    if 0 < k < len(spectrum) - 1:
        a, b, c = np.abs(spectrum[k - 1:k + 2])
        if a - 2 * b + c < 0:
            offset = np.clip(0.5 * (a - c) / (a - 2 * b + c), -0.5, 0.5)
    out[2] = (k + offset) / (nfft * dt)
    for i in range(4):
        upper = (fb <= edges[i + 1]) if i == 3 else (fb < edges[i + 1])
        out[3 + i] = p[(fb >= edges[i]) & upper].sum() / total
    out[7] = np.exp(np.mean(np.log(np.maximum(p, 1e-20 * p.max())))) / np.mean(p)
    return out, nfft


def ricker(t, t0, f0):
    a = (np.pi * f0 * (t - t0)) ** 2
    return (1 - 2 * a) * np.exp(-a)


def cases():
    rng = np.random.default_rng(20261124)
    ghz = 1e9
    default_edges = [0.25 * ghz, 0.75 * ghz, 1.25 * ghz, 1.75 * ghz, 2.25 * ghz]
    dt = 50e-12
    t = np.arange(200) * dt
    yield ("ricker_noise", dt, 128, 30, 4, 0.6, default_edges,
           ricker(t, 3.5e-9, 1.2 * ghz) + 0.02 * rng.standard_normal(200))
    t = np.arange(160) * dt
    yield ("negative_then_weak", dt, 100, 10, 4, 0.6, default_edges,
           -0.8 * ricker(t, 2.0e-9, 0.9 * ghz) + 0.3 * ricker(t, 4.0e-9, 1.5 * ghz)
           + 0.01 * rng.standard_normal(160))
    yield ("noise_clipped", 100e-12, 64, 50, 4, 0.6, [0.1e9, 0.5e9, 1.0e9, 2.0e9, 3.0e9],
           rng.standard_normal(90))
    t = np.arange(120) * dt
    yield ("no_padding", dt, 90, 15, 1, 0.5, [0.3e9, 0.8e9, 1.1e9, 1.9e9, 3.7e9],
           ricker(t, 3.0e-9, 1.6 * ghz) * np.cos(2 * np.pi * 0.4e9 * t)
           + 0.05 * rng.standard_normal(120))


def main():
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "features_reference.csv")
    with open(path, "w") as out:
        out.write("# made by make_features_reference.py (numpy); do not edit\n")
        for name, dt, window, start, padding, threshold, edges, x in cases():
            x = x.astype(np.float32)  # the C++ side holds float32 samples
            values, nfft = features(x, start, dt, window, padding, threshold, edges)
            head = [name, repr(dt), str(window), str(start), str(padding), repr(threshold)]
            head += [repr(float(e)) for e in edges] + [str(nfft)]
            out.write("case," + ",".join(head) + "\n")
            out.write("signal," + ",".join(repr(float(v)) for v in x) + "\n")
            out.write("features," + ",".join(repr(float(v)) for v in values) + "\n")


if __name__ == "__main__":
    main()
