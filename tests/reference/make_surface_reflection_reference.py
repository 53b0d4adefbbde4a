#!/usr/bin/python3
"""Reference transfer functions for deminer::dsp::surface_reflection_ratio (gpr/surface_permittivity.hpp).

The reflected over the direct field of a 2-D line source at height h over a dielectric half-space,
receiver at the same height x away (TE / Ez polarisation):
    ratio = I / ((pi/2) H0^(2)(k x)),  I = int_0^inf R(kx) cos(kx x) exp(-j kz0 2h) / kz0 dkx,
    R = (kz0 - kz1) / (kz0 + kz1), kz0 = sqrt(k^2 - kx^2), kz1 = sqrt(er k^2 - kx^2)
(decaying branches -j sqrt(kx^2 - .)). Computed independently of the C++ (which substitutes
kx = k sin(phi) and kx = k cosh(u) and uses Gauss-Kronrod): here directly over kx with
scipy.integrate.quad, whose algebraic weight 'alg' takes the 1/sqrt singularity of 1/kz0 at
kx = k exactly, split at kx = sqrt(er) k.

Writes surface_reflection_reference.csv next to this script:
    wavenumber_per_m,relative_permittivity,height_m,offset_m,ratio_re,ratio_im
Run with Debian's python3-scipy: /usr/bin/python3 make_surface_reflection_reference.py
"""
import os

import numpy as np
from scipy import integrate
from scipy.special import hankel2


def cquad(f, a, b, **kw):
    re = integrate.quad(lambda t: f(t).real, a, b, limit=500, epsabs=0, epsrel=1e-10, **kw)[0]
    im = integrate.quad(lambda t: f(t).imag, a, b, limit=500, epsabs=0, epsrel=1e-10, **kw)[0]
    return re + 1j * im


def ratio(k, er, h, x):
    def kz1(kx):
        a = er * k * k - kx * kx
        return np.sqrt(a) if a >= 0 else -1j * np.sqrt(-a)

    def fresnel(kz0, kx):
        return (kz0 - kz1(kx)) / (kz0 + kz1(kx))

    # [0, k): 1/kz0 = (k - kx)^-1/2 / sqrt(k + kx); the weight (k - kx)^-1/2 is quad's.
    def prop(kx):
        kz0 = np.sqrt(max(k * k - kx * kx, 0.0))
        return fresnel(kz0, kx) * np.cos(kx * x) * np.exp(-1j * kz0 * 2 * h) / np.sqrt(k + kx)
    propagating = cquad(prop, 0.0, k, weight='alg', wvar=(0.0, -0.5))
    # (k, inf): 1/kz0 = j (kx - k)^-1/2 / sqrt(kx + k); split at the soil's branch point.
    def evan(kx):
        decay = np.sqrt(max(kx * kx - k * k, 0.0))
        return 1j * fresnel(-1j * decay, kx) * np.cos(kx * x) * np.exp(-decay * 2 * h) / np.sqrt(kx + k)
    kb = np.sqrt(er) * k
    kmax = k + 60.0 / (2 * h)  # exp(-60) beyond
    ev = cquad(evan, k, kb, weight='alg', wvar=(-0.5, 0.0))
    if kmax > kb:
        ev += cquad(lambda kx: evan(kx) / np.sqrt(kx - k), kb, max(kmax, kb * 1.5))
    return (propagating + ev) / ((np.pi / 2) * hankel2(0, k * x))


def main():
    c = 299792458.0
    rows = []
    for f in (0.3e9, 1.0e9, 2.0e9, 4.0e9, 6.5e9):
        for er, h, x in ((4.5, 0.02, 0.04), (2.0, 0.05, 0.1), (12.0, 0.01, 0.04), (25.0, 0.1, 0.02)):
            k = 2 * np.pi * f / c
            r = ratio(k, er, h, x)
            rows.append(f"{k!r},{er!r},{h!r},{x!r},{r.real!r},{r.imag!r}")
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "surface_reflection_reference.csv")
    with open(path, "w") as out:
        out.write("wavenumber_per_m,relative_permittivity,height_m,offset_m,ratio_re,ratio_im\n")
        out.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
