#!/usr/bin/python3
"""Reference values for the metal-detector physics of sim/md (target_response.hpp).

Independent of the C++ formulas on purpose:
- Wait's excitation factor through modified spherical Bessel functions (scipy's AMOS-based
  ive for complex arguments) rather than the tanh closed form the C++ code uses. With
  i0(a) = sinh(a)/a and i1(a) = (a cosh a - sinh a)/a^2 the closed form becomes
      chi = 1.5 * (a*i0 - (2*mur + 1)*i1) / ((1 - mur)*i1 - a*i0),  a = radius*sqrt(i*omega*mu*sigma)
  and i_n(a) = sqrt(pi/(2a)) I_{n+1/2}(a), so the common factor cancels in the ratio.
- The Wait-Spies roots with scipy's brentq on tan(x) - (mur-1)x/(mur-1+x^2) directly (the C++
  code solves a tan-free product form with TOMS 748).
Writes md_physics_reference.csv next to this script, lines
    chi,<omega_rad_per_s>,<radius_m>,<sigma_s_per_m>,<mur>,<re chi>,<im chi>
    root,<mur>,<n>,<xi_n>
Run with Debian's python3-numpy and python3-scipy: ./make_md_physics_reference.py
"""
import os

import numpy as np
from scipy.optimize import brentq
from scipy.special import ive

MU0 = 1.25663706212e-6


def chi(omega, radius, sigma, mur):
    alpha = radius * np.sqrt(1j * omega * mur * MU0 * sigma)
    # ive(v, z) = iv(v, z) * exp(-|Re z|): the same scale on both orders cancels in the ratio.
    half = ive(0.5, alpha)
    three_halves = ive(1.5, alpha)
    return 1.5 * (alpha * half - (2 * mur + 1) * three_halves) / (
        (1 - mur) * three_halves - alpha * half)


def root(mur, n):
    k = mur - 1.0
    f = lambda x: np.tan(x) - k * x / (k + x * x)
    lo = n * np.pi
    hi = n * np.pi + np.pi / 2 - 1e-12
    return brentq(f, lo, hi, xtol=1e-15, rtol=1e-15, maxiter=500)


def main():
    lines = []
    for omega in 2 * np.pi * np.array([1e2, 1e3, 1e4, 1e5]):
        for radius in (1e-3, 5e-3, 2e-2):
            for sigma in (1e6, 3.5e7):
                for mur in (1.0, 2.0, 100.0):
                    c = chi(omega, radius, sigma, mur)
                    lines.append(f"chi,{omega!r},{radius!r},{sigma!r},{mur!r},{c.real!r},{c.imag!r}")
    for mur in (1.5, 2.0, 10.0, 100.0, 1000.0):
        for n in range(1, 6):
            lines.append(f"root,{mur!r},{n},{root(mur, n)!r}")
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "md_physics_reference.csv")
    with open(path, "w") as out:
        out.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
