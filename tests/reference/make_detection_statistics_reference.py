#!/usr/bin/python3
"""Reference intervals for tests/sim/test_detection_statistics.cpp (sim/eval).

- Clopper-Pearson for k of n at confidence c (alpha = 1 - c), from scipy.stats.beta.ppf:
      lower = beta.ppf(alpha/2, k, n-k+1)   (0 when k = 0)
      upper = beta.ppf(1-alpha/2, k+1, n-k) (1 when k = n)
      one-sided lower = beta.ppf(alpha, k, n-k+1) (0 when k = 0)
- Garwood for a Poisson count k over an exposure A, from scipy.stats.chi2.ppf:
      lower = chi2.ppf(alpha/2, 2k)/(2A)   (0 when k = 0)
      upper = chi2.ppf(1-alpha/2, 2k+2)/(2A)
      one-sided upper = chi2.ppf(1-alpha, 2k+2)/(2A)

Why a second computation: scipy >= 1.9 evaluates beta.ppf with Boost.Math, the library the C++
code uses, so scipy alone would not be an independent reference for Clopper-Pearson. Every value
is therefore also found from the definition of the interval, by bisection on the exact binomial
or Poisson tail summed term by term in 60-digit decimal arithmetic:
      P(X >= k | n, lower) = alpha/2,  P(X <= k | n, upper) = alpha/2   (binomial)
      P(Y >= k | A*lower) = alpha/2,   P(Y <= k | A*upper) = alpha/2    (Poisson)
and the script stops unless both agree to 1e-12 relative. It writes the scipy values to
detection_statistics_reference.json next to this script.
Run with Debian's python3-scipy (about two CPU-minutes, the exact sums dominate):
    ./make_detection_statistics_reference.py
"""
import json
import math
import os
from decimal import Decimal, getcontext

from scipy.stats import beta, chi2

getcontext().prec = 60
ITERATIONS = 200  # bisection steps: 2^-200 of the bracket, far below double precision


def binomial_tail_at_least(k, n, p):
    """P(X >= k) for X ~ Binomial(n, p), exact in Decimal."""
    p = Decimal(p)
    q = 1 - p
    total = Decimal(0)
    for j in range(k, n + 1):
        total += Decimal(math.comb(n, j)) * p ** j * q ** (n - j)
    return total


def poisson_cdf(k, mu):
    """P(Y <= k) for Y ~ Poisson(mu), exact in Decimal."""
    mu = Decimal(mu)
    term = (-mu).exp()
    total = term
    for j in range(1, k + 1):
        term = term * mu / j
        total += term
    return total


def bisect(f, lo, hi, increasing):
    """Root of f(x) = 0 in [lo, hi] for a monotone f."""
    lo, hi = Decimal(lo), Decimal(hi)
    for _ in range(ITERATIONS):
        mid = (lo + hi) / 2
        if (f(mid) < 0) == increasing:
            lo = mid
        else:
            hi = mid
    return float((lo + hi) / 2)


def check(name, scipy_value, exact_value):
    scale = max(abs(exact_value), 1e-300)
    if abs(scipy_value - exact_value) > 1e-12 * scale:
        raise SystemExit(f"{name}: scipy {scipy_value!r} != exact {exact_value!r}")


def clopper_pearson(k, n, confidence):
    alpha = 1.0 - confidence
    a = Decimal(alpha)
    lower = 0.0 if k == 0 else float(beta.ppf(alpha / 2, k, n - k + 1))
    upper = 1.0 if k == n else float(beta.ppf(1 - alpha / 2, k + 1, n - k))
    one_sided = 0.0 if k == 0 else float(beta.ppf(alpha, k, n - k + 1))
    if k > 0:
        check(f"cp lower {k}/{n}@{confidence}", lower,
              bisect(lambda p: binomial_tail_at_least(k, n, p) - a / 2, 0, 1, True))
        check(f"cp one-sided {k}/{n}@{confidence}", one_sided,
              bisect(lambda p: binomial_tail_at_least(k, n, p) - a, 0, 1, True))
    if k < n:
        # P(X <= k) = 1 - P(X >= k + 1), decreasing in p.
        check(f"cp upper {k}/{n}@{confidence}", upper,
              bisect(lambda p: (1 - binomial_tail_at_least(k + 1, n, p)) - a / 2, 0, 1, False))
    return {"k": k, "n": n, "confidence": confidence, "lower": lower, "upper": upper,
            "one_sided_lower": one_sided}


def garwood(k, exposure, confidence):
    alpha = 1.0 - confidence
    a = Decimal(alpha)
    lower = 0.0 if k == 0 else float(chi2.ppf(alpha / 2, 2 * k)) / (2 * exposure)
    upper = float(chi2.ppf(1 - alpha / 2, 2 * k + 2)) / (2 * exposure)
    one_sided = float(chi2.ppf(1 - alpha, 2 * k + 2)) / (2 * exposure)
    top = k + 20 * math.sqrt(k + 1) + 50  # far above any upper bound at these confidences
    if k > 0:
        # P(Y >= k) = 1 - P(Y <= k - 1), increasing in mu.
        mu = bisect(lambda m: (1 - poisson_cdf(k - 1, m)) - a / 2, 0, top, True)
        check(f"garwood lower {k}/{exposure}@{confidence}", lower, mu / exposure)
    mu = bisect(lambda m: poisson_cdf(k, m) - a / 2, 0, top, False)
    check(f"garwood upper {k}/{exposure}@{confidence}", upper, mu / exposure)
    mu = bisect(lambda m: poisson_cdf(k, m) - a, 0, top, False)
    check(f"garwood one-sided {k}/{exposure}@{confidence}", one_sided, mu / exposure)
    return {"count": k, "exposure": exposure, "confidence": confidence, "lower": lower,
            "upper": upper, "one_sided_upper": one_sided}


def main():
    confidences = (0.8, 0.9, 0.95, 0.99)
    cp = []
    for n in (1, 2, 3, 7, 20, 50, 100, 317, 1000):
        for k in sorted({0, 1, n // 3, n // 2, n - 1, n}):
            for c in confidences:
                cp.append(clopper_pearson(k, n, c))
    poisson = []
    for k in (0, 1, 2, 5, 17, 60, 254):
        for exposure in (1.0, 20.0, 137.5):
            for c in confidences:
                poisson.append(garwood(k, exposure, c))
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        "detection_statistics_reference.json")
    with open(path, "w") as out:
        json.dump({"clopper_pearson": cp, "garwood": poisson}, out, indent=1)
        out.write("\n")


if __name__ == "__main__":
    main()
