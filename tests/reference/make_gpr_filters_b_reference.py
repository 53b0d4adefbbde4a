#!/usr/bin/python3
"""Reference vectors for the GPR filters: Butterworth design and filtering, the high-pass dewow,
the FFT band-pass and the analytic signal (tests/dsp/test_{butterworth,dewow,band_pass,
analytic_signal}.cpp).

Made with scipy.signal.butter(..., output='sos'), sosfilt, sosfiltfilt and hilbert, and with an
independent numpy implementation of deminer::dsp::BandPass's definition (zero padding to
N = fast_fft_size(2 n), raised-cosine edges outside [low_hz, high_hz]).

Writes gpr_filters_b_reference.csv next to this script, one named vector per line:
    <name>,<value>,<value>,...
Names: sos/<type>/<order>/<variant> (6 values per section: b0 b1 b2 a0 a1 a2; the cutoffs are in
sos_cutoffs/<type>/<variant>), x/<signal> (float32 input samples), and one line per output.
Run with Debian's python3-numpy and python3-scipy: /usr/bin/python3 make_gpr_filters_b_reference.py
"""
import os

import numpy as np
from scipy import signal

DT = 0.05e-9  # 20 GS/s: Nyquist 10 GHz
NYQUIST = 0.5 / DT

SOS_CUTOFFS = {
    ("lowpass", 0): [0.2],
    ("lowpass", 1): [0.83],
    ("highpass", 0): [0.05],
    ("highpass", 1): [0.6],
    ("bandpass", 0): [0.1, 0.4],
    ("bandpass", 1): [0.02, 0.9],
    ("bandstop", 0): [0.2, 0.5],
    ("bandstop", 1): [0.05, 0.15],
}


def fast_fft_size(n):
    candidate = 2 if n < 2 else n + n % 2
    while True:
        rest = candidate
        for p in (2, 3, 5):
            while rest % p == 0:
                rest //= p
        if rest == 1:
            return candidate
        candidate += 2


def f32(x):
    return np.asarray(x, dtype=np.float32).astype(np.float64)


def ricker(t, t0, f=1.5e9):
    a = (np.pi * f * (t - t0)) ** 2
    return (1 - 2 * a) * np.exp(-a)


def signals():
    rng = np.random.default_rng(4242)
    t = np.arange(300) * DT
    gpr = ricker(t, 4e-9) - 0.5 * ricker(t, 9e-9) + 0.3 + 2e8 * t + 0.02 * rng.standard_normal(300)
    drifting = np.arange(400)
    drift = 5.0 + 0.02 * drifting + np.sin(0.9 * drifting) + 0.5 * rng.standard_normal(400)
    return {
        "gpr": f32(gpr),
        "short20": f32(rng.standard_normal(20) + 1.0),
        "short10": f32(rng.standard_normal(10) - 2.0),
        "drifting": f32(drift),
        "noise77": f32(np.sin(np.arange(77) * 0.3) + 0.2 * rng.standard_normal(77)),
    }


def band_pass(x, dt, low, high, taper, nfft):
    """FFT band-pass: unit gain on [low, high], raised-cosine edges of width taper outside."""
    f = np.arange(nfft // 2 + 1) / (nfft * dt)
    h = np.zeros_like(f)
    h[(f >= low) & (f <= high)] = 1.0
    if taper > 0:
        rising = (f > low - taper) & (f < low)
        h[rising] = 0.5 * (1 - np.cos(np.pi * (f[rising] - (low - taper)) / taper))
        falling = (f > high) & (f < high + taper)
        h[falling] = 0.5 * (1 + np.cos(np.pi * (f[falling] - high) / taper))
    return np.fft.irfft(np.fft.rfft(x, nfft) * h, nfft)[: len(x)]


def analytic(x, nfft, dt):
    """Envelope, wrapped phase and centred instantaneous frequency (mean of the two adjacent
    one-step phase increments; one-sided at the ends) of hilbert(x, nfft)[:n]."""
    xa = signal.hilbert(x, nfft)[: len(x)]
    step = np.angle(xa[1:] * np.conj(xa[:-1])) / (2 * np.pi * dt)
    freq = np.empty(len(x))
    if len(x) == 1:
        freq[0] = 0.0
    else:
        freq[0] = step[0]
        freq[-1] = step[-1]
        freq[1:-1] = 0.5 * (step[1:] + step[:-1])
    return np.abs(xa), np.angle(xa), freq


def rows():
    for (btype, variant), wn in SOS_CUTOFFS.items():
        yield f"sos_cutoffs/{btype}/{variant}", wn
        for order in range(1, 9):
            sos = signal.butter(order, wn if len(wn) == 2 else wn[0], btype, output="sos")
            yield f"sos/{btype}/{order}/{variant}", sos.ravel()

    x = signals()
    for name, values in x.items():
        yield f"x/{name}", values

    # Block filters on the GPR trace: (name, order, btype, low_hz, high_hz).
    filters = [
        ("bp4", 4, "bandpass", 200e6, 3e9),
        ("lp5", 5, "lowpass", None, 2e9),
        ("hp3", 3, "highpass", 300e6, None),
        ("bs2", 2, "bandstop", 1e9, 2e9),
    ]
    for name, order, btype, low, high in filters:
        wn = {"lowpass": high, "highpass": low}.get(btype, [low, high])
        sos = signal.butter(order, np.asarray(wn) / NYQUIST, btype, output="sos")
        yield f"sosfilt/{name}/gpr", signal.sosfilt(sos, x["gpr"])
        yield f"sosfiltfilt/{name}/gpr", signal.sosfiltfilt(sos, x["gpr"])
    hp4 = signal.butter(4, 300e6 / NYQUIST, "highpass", output="sos")
    yield "sosfiltfilt/hp4/short20", signal.sosfiltfilt(hp4, x["short20"])  # padlen 15 < 20
    yield "sosfiltfilt/hp4/short10", signal.sosfiltfilt(hp4, x["short10"], padlen=9)

    # Dewow in high-pass mode: zero-phase Butterworth, order 4, cutoff 0.02 of Nyquist.
    dewow = signal.butter(4, 0.02, "highpass", output="sos")
    yield "dewow_high_pass/drifting", signal.sosfiltfilt(dewow, x["drifting"])
    dewow_odd = signal.butter(3, 0.05, "highpass", output="sos")
    yield "dewow_high_pass_o3/gpr", signal.sosfiltfilt(dewow_odd, x["gpr"])

    # Band-pass: (name, signal, low, high, taper, dt).
    yield "band_pass/gpr", band_pass(x["gpr"], DT, 300e6, 2.5e9, 200e6, fast_fft_size(600))
    yield "band_pass/noise77", band_pass(x["noise77"], 1.0, 0.0, 0.1, 0.05, fast_fft_size(154))

    for name in ("gpr", "noise77"):
        n = len(x[name])
        envelope, phase, freq = analytic(x[name], fast_fft_size(2 * n), DT)
        yield f"analytic_envelope/{name}", envelope
        yield f"analytic_phase/{name}", phase
        yield f"analytic_frequency/{name}", freq


def main():
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gpr_filters_b_reference.csv")
    with open(path, "w") as out:
        out.write("# made by make_gpr_filters_b_reference.py (scipy.signal); do not edit\n")
        for name, values in rows():
            out.write(name + "," + ",".join(repr(float(v)) for v in values) + "\n")


if __name__ == "__main__":
    main()
