#!/usr/bin/python3
"""Reference PI decays of conducting, permeable spheres (Wait–Spies), for the PI chain's tests.

A sphere of radius a, conductivity sigma and relative permeability mu_r in a uniform field that is
switched off at t = 0 (after a long pulse) induces in a receive coil an emf proportional to
    h(t) = sum_n R_n exp(-t / tau_n),   tau_n = mu sigma a^2 / xi_n^2  (mu = mu_r mu0),
where xi_n are the roots of tan xi = (mu_r - 1) xi / (mu_r - 1 + xi^2) (xi_n = n pi for mu_r = 1)
and R_n are the residues of Wait's excitation factor chi(s) (docs/metal-detector.md, s = i omega)
at its poles s_n = -1/tau_n: h = L^-1[chi(s) - chi(inf)] for t > 0. The residues are computed
in closed form, R_n = (3/2) N(s_n) / D'(s_n), with D' = dD/dalpha * alpha / (2 s) and
dD/dalpha = -mu T^2 - mu0 (2 alpha T + alpha^2 (1 - T^2) - T^2), T = tanh alpha.
Checks made before anything is written (the script stops on failure):
  - mu_r = 1: R_n tau_n = 9 / (n^2 pi^2) (the classical equal-weight series);
  - the sum rule sum_n R_n tau_n = chi(0) - chi(inf) = 3(mu_r - 1)/(mu_r + 2) + 3/2;
  - h(t) at several times against a numerical inverse Laplace transform of chi(s) - chi(inf)
    (fixed Talbot contour, Abate & Valko 2004) to 1e-6 relative;
  - xi_1 for mu_r = 2, 10, 100 is 3.406, 4.102, 4.449 (issue 5).
A pulse of length Tp gives at gate time t the emf v(t) = h(t) - h(t + Tp) (superposition).

Writes pi_reference.csv next to this script, rows "name,v0,v1,...":
  gate_times_s,<the 13 default gate times>
  pulse_length_s,<Tp>
  xi1_mu<r>,<xi_1>                      for mu_r = 2, 10, 100
  sphere_<material>_<radius mm>mm,<class 0 non-ferrous | 1 ferrous>,<mu_r>,<sigma>,<a>,
      <tau_1>,<v at each gate>        (v in units of V/s per unit sphere volume and field)
Run with Debian's python3-numpy and python3-scipy: ./make_pi_reference.py
"""
import os

import numpy as np
from scipy.optimize import brentq

MU0 = 4e-7 * np.pi
GATES_US = [10, 15, 20, 30, 40, 60, 80, 120, 160, 240, 320, 480, 640]
PULSE_S = 100e-6
TERMS = 3000

# (name, class, mu_r, sigma S/m); radii below. Stainless: austenitic (304), non-magnetic and a
# poor conductor: the short-decay non-ferrous case. Mild and chrome steel: ferrous.
MATERIALS = [
    ("aluminium", 0, 1.0, 3.5e7),
    ("copper", 0, 1.0, 5.8e7),
    ("stainless", 0, 1.0, 1.4e6),
    ("mild_steel", 1, 100.0, 5.0e6),
    ("mild_steel_mu50", 1, 50.0, 5.0e6),
    ("chrome_steel", 1, 40.0, 4.0e6),
]
RADII_MM = [1.5, 2.5, 5.0, 10.0]


def roots(mu_r, count):
    if mu_r == 1.0:
        return np.pi * np.arange(1, count + 1)
    m = mu_r - 1.0
    f = lambda x: np.sin(x) * (m + x * x) - m * x * np.cos(x)
    # One root in (n pi, n pi + pi/2) for every n >= 1: f changes sign there.
    return np.array([brentq(f, n * np.pi, n * np.pi + np.pi / 2, xtol=1e-14, rtol=1e-15)
                     for n in range(1, count + 1)])


def chi(s, mu_r, sigma, a):
    mu = mu_r * MU0
    alpha = a * np.sqrt(s * mu * sigma + 0j)
    t = np.tanh(alpha)
    num = 2 * mu * (t - alpha) + MU0 * (alpha**2 * t - alpha + t)
    den = mu * (t - alpha) - MU0 * (alpha**2 * t - alpha + t)
    return 1.5 * num / den


def residues(mu_r, sigma, a, xi):
    mu = mu_r * MU0
    s = -xi**2 / (mu * sigma * a * a)
    alpha = 1j * xi
    t = np.tanh(alpha)
    num = 2 * mu * (t - alpha) + MU0 * (alpha**2 * t - alpha + t)
    d_dalpha = -mu * t * t - MU0 * (2 * alpha * t + alpha**2 * (1 - t * t) - t * t)
    d_ds = d_dalpha * alpha / (2 * s)
    r = 1.5 * num / d_ds
    assert np.all(np.abs(r.imag) < 1e-9 * np.abs(r.real)), "residues must be real"
    return r.real, -1.0 / s


def talbot(F, t, M=22):
    """Fixed-Talbot inverse Laplace transform (Abate & Valko 2004)."""
    r = 2.0 * M / (5.0 * t)
    total = 0.5 * np.real(F(r)) * np.exp(r * t)
    for k in range(1, M):
        theta = k * np.pi / M
        cot = 1.0 / np.tan(theta)
        s = r * theta * (cot + 1j)
        sig = theta + (theta * cot - 1.0) * cot
        total += np.real(np.exp(t * s) * F(s) * (1.0 + 1j * sig))
    return r / M * total


def step_off_emf(t, R, tau):
    return np.sum(R[None, :] * np.exp(-np.asarray(t)[:, None] / tau[None, :]), axis=1)


def sphere(mu_r, sigma, a):
    xi = roots(mu_r, TERMS)
    R, tau = residues(mu_r, sigma, a, xi)
    if mu_r == 1.0:
        n = np.arange(1, TERMS + 1)
        assert np.allclose(R * tau, 9.0 / (n * n * np.pi**2), rtol=1e-9), "mu_r = 1 series"
    chi0 = 3 * (mu_r - 1) / (mu_r + 2)
    # The tail of the sum rule converges like 1/n: add its integral estimate.
    tail = (R[-1] * tau[-1]) * TERMS
    assert abs(np.sum(R * tau) + tail - (chi0 + 1.5)) < 1e-3 * (chi0 + 1.5), "sum rule"
    check_times = tau[0] * np.array([0.2, 1.0, 3.0, 8.0])
    series = step_off_emf(check_times, R, tau)
    for tc, hs in zip(check_times, series):
        numeric = talbot(lambda s: chi(s, mu_r, sigma, a) + 1.5, tc)
        assert abs(numeric - hs) < 1e-6 * abs(hs), (mu_r, sigma, a, tc, numeric, hs)
    return R, tau


def main():
    gates = np.array(GATES_US) * 1e-6
    rows = [("gate_times_s", list(gates)), ("pulse_length_s", [PULSE_S])]
    expected = {2.0: 3.406, 10.0: 4.102, 100.0: 4.449}
    for mu_r, xi1 in expected.items():
        x = roots(mu_r, 1)[0]
        assert abs(x - xi1) < 1e-3, (mu_r, x)
        rows.append((f"xi1_mu{int(mu_r)}", [x]))
    for name, cls, mu_r, sigma in MATERIALS:
        for radius_mm in RADII_MM:
            a = radius_mm * 1e-3
            R, tau = sphere(mu_r, sigma, a)
            v = step_off_emf(gates, R, tau) - step_off_emf(gates + PULSE_S, R, tau)
            label = f"sphere_{name}_{radius_mm:g}mm".replace(".", "p")
            rows.append((label, [cls, mu_r, sigma, a, tau[0]] + list(v)))
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pi_reference.csv")
    with open(path, "w") as out:
        for name, values in rows:
            out.write(name + "," + ",".join(f"{x:.17g}" for x in values) + "\n")
    print("wrote", path)


if __name__ == "__main__":
    main()
