#!/usr/bin/python3
"""Reference fits for deminer::dsp's LinearClassifier and ScoreCalibration (detect/classifier.hpp).

An independent implementation of the documented definitions, with numpy and scipy:
  - standardisation: mean and population standard deviation (ddof=0) per feature; a feature with
    std <= 1e-10 * max|x| gets scale 1 and weight 0;
  - multinomial logistic regression: minimises
        J(W, b) = -(1/N) sum_i log softmax(W z_i + b)[y_i] + (lambda/2) ||W||_F^2
    over W (K x D') and b_1..b_{K-1} (b_0 = 0) with scipy.optimize.minimize (L-BFGS-B, analytic
    gradient, tight tolerances; the final gradient is checked), then centres b (sum b = 0);
  - LDA: class means, pooled covariance / (N - K), shrinkage (1-a) S + a tr(S)/D' I, priors,
    w_k = S^-1 mu_k, b_k = -mu_k.w_k/2 + ln pi_k (numpy.linalg.solve);
  - Platt scaling: minimises the mean cross-entropy of 1/(1+exp(-(a s + b))) against Platt's
    targets (N+ + 1)/(N+ + 2) and 1/(N- + 2) with L-BFGS-B.
The data sets are drawn from a fixed seed and written into the file, so the C++ test trains on
exactly these numbers. Query points are float32 values (the inference path is float32); their
probabilities are computed here in double from the fitted model.

Writes classifier_reference.csv next to this script:
    case,<name>,<kind>,<K>,<D>,<lambda>,<shrinkage>
    classes,<name0>,...
    priors,<p0>,...                   (only when the case gives LDA priors)
    sample,<label>,<x0>,...,<xD-1>    (training data, one line per sample)
    mean,... / scale,... / weights,<k>,... / bias,...   (the fitted model)
    query,<x0>,...  followed by  probabilities,<p0>,...
    platt,<name>,<a>,<b>,<training_prior>
    score,<label>,<s>                 (calibration data)
    calibrated,<s>,<p>                (query score and its probability)
Run with Debian's python3-numpy and python3-scipy: /usr/bin/python3 make_classifier_reference.py
"""
import os

import numpy as np
from scipy.optimize import minimize

CONSTANT_RATIO = 1e-10


def standardise(x):
    mean = x.mean(axis=0)
    std = np.sqrt(((x - mean) ** 2).mean(axis=0))
    active = std > CONSTANT_RATIO * np.abs(x).max(axis=0)
    scale = np.where(active, std, 1.0)
    return mean, scale, active


def log_softmax(s):
    m = s.max(axis=1, keepdims=True)
    return s - m - np.log(np.exp(s - m).sum(axis=1, keepdims=True))


def fit_logistic(z, y, k, lam):
    n, d = z.shape
    onehot = np.eye(k)[y]

    def unpack(theta):
        w = theta[:k * d].reshape(k, d)
        b = np.concatenate([[0.0], theta[k * d:]])
        return w, b

    def objective(theta):
        w, b = unpack(theta)
        lp = log_softmax(z @ w.T + b)
        j = -(lp * onehot).sum() / n + 0.5 * lam * (w * w).sum()
        r = (np.exp(lp) - onehot) / n
        gw = r.T @ z + lam * w
        gb = r.sum(axis=0)[1:]
        return j, np.concatenate([gw.ravel(), gb])

    theta0 = np.zeros(k * d + k - 1)
    result = minimize(objective, theta0, jac=True, method="L-BFGS-B",
                      options={"maxiter": 100000, "maxfun": 100000, "maxcor": 50,
                               "ftol": 1e-300, "gtol": 1e-14})
    gradient = np.abs(objective(result.x)[1]).max()
    assert gradient < 1e-9, (result.message, gradient)
    w, b = unpack(result.x)
    return w, b - b.mean()


def fit_lda(z, y, k, shrinkage, priors):
    n, d = z.shape
    means = np.array([z[y == c].mean(axis=0) for c in range(k)])
    centred = z - means[y]
    s = centred.T @ centred / (n - k)
    s = (1 - shrinkage) * s + shrinkage * np.trace(s) / d * np.eye(d)
    w = np.linalg.solve(s, means.T).T
    b = np.array([-0.5 * means[c] @ w[c] + np.log(priors[c]) for c in range(k)])
    return w, b


def fit(case):
    x, y, k = case["x"], case["y"], len(case["classes"])
    mean, scale, active = standardise(x)
    z = ((x - mean) / scale)[:, active]
    if case["kind"] == "logistic_regression":
        wa, b = fit_logistic(z, y, k, case["lambda"])
    else:
        priors = case.get("priors")
        if priors is None:
            priors = np.bincount(y, minlength=k) / len(y)
        wa, b = fit_lda(z, y, k, case["shrinkage"], priors)
    w = np.zeros((k, x.shape[1]))
    w[:, active] = wa
    return mean, scale, w, b


def probabilities(mean, scale, w, b, q):
    z = (q.astype(np.float64) - mean) / scale
    s = w @ z + b
    e = np.exp(s - s.max())
    return e / e.sum()


def fit_platt(s, y):
    n_pos = int(y.sum())
    n_neg = len(y) - n_pos
    t = np.where(y == 1, (n_pos + 1) / (n_pos + 2), 1 / (n_neg + 2))

    def objective(theta):
        f = theta[0] * s + theta[1]
        j = np.mean(t * np.logaddexp(0, -f) + (1 - t) * np.logaddexp(0, f))
        p = 1 / (1 + np.exp(-f))
        r = (p - t) / len(s)
        return j, np.array([r @ s, r.sum()])

    result = minimize(objective, np.zeros(2), jac=True, method="L-BFGS-B",
                      options={"maxiter": 100000, "ftol": 1e-300, "gtol": 1e-15})
    gradient = np.abs(objective(result.x)[1]).max()
    assert gradient < 1e-11, (result.message, gradient)
    return result.x[0], result.x[1], n_pos / len(y)


def make_cases(rng):
    cases = []
    # Two classes, features on very different scales (Hz, unit, energy).
    n0, n1 = 70, 50
    y = np.array([0] * n0 + [1] * n1)
    x = np.column_stack([
        np.where(y == 0, 1.1e9, 0.95e9) + 1.2e8 * rng.standard_normal(len(y)),
        np.where(y == 0, 0.3, -0.4) + 0.8 * rng.standard_normal(len(y)),
        np.exp(np.where(y == 0, 1.0, 1.6) + 0.7 * rng.standard_normal(len(y))),
    ])
    cases.append({"name": "logistic_binary", "kind": "logistic_regression",
                  "classes": ["mine", "clutter"], "x": x, "y": y, "lambda": 0.01,
                  "shrinkage": 0.0})
    # Three unbalanced classes, one constant feature (ignored).
    counts = [30, 70, 50]
    y = np.repeat(np.arange(3), counts)
    centres = np.array([[1.0, -0.5, 0.0], [-0.8, 0.6, 0.4], [0.3, 0.9, -1.0]])
    x = centres[y] + rng.standard_normal((len(y), 3)) * np.array([1.0, 0.7, 1.3])
    x = np.column_stack([x[:, 0], np.full(len(y), 0.25), x[:, 1], 50.0 * x[:, 2]])
    cases.append({"name": "logistic_three", "kind": "logistic_regression",
                  "classes": ["mine", "metal_clutter", "nonmetal_clutter"], "x": x, "y": y,
                  "lambda": 0.05, "shrinkage": 0.0})
    # LDA, three classes with correlated features, given priors and shrinkage.
    counts = [40, 60, 50]
    y = np.repeat(np.arange(3), counts)
    mix = np.array([[1.0, 0.6, 0.0], [0.0, 1.0, 0.5], [0.2, 0.0, 1.0]])
    centres = np.array([[1.5, 0.0, 0.5], [0.0, 1.0, -0.5], [-1.0, -0.5, 1.0]])
    x = centres[y] + rng.standard_normal((len(y), 3)) @ mix
    x[:, 2] = 1e-3 * x[:, 2] + 5.0
    cases.append({"name": "lda_three", "kind": "linear_discriminant",
                  "classes": ["mine", "metal_clutter", "nonmetal_clutter"], "x": x, "y": y,
                  "lambda": 0.0, "shrinkage": 0.2, "priors": np.array([0.1, 0.6, 0.3])})
    # LDA, four classes, empirical priors, no shrinkage.
    counts = [25, 35, 30, 40]
    y = np.repeat(np.arange(4), counts)
    centres = np.array([[0.0, 0.0], [2.0, 0.5], [0.5, 2.0], [-1.5, 1.0]])
    x = centres[y] + rng.standard_normal((len(y), 2)) * np.array([1.0, 0.6])
    cases.append({"name": "lda_four", "kind": "linear_discriminant",
                  "classes": ["mine", "metal_clutter", "nonmetal_clutter", "other"], "x": x,
                  "y": y, "lambda": 0.0, "shrinkage": 0.0})
    return cases


def fmt(values):
    return ",".join(repr(float(v)) for v in values)


def main():
    rng = np.random.default_rng(20240607)
    lines = ["# Generated by make_classifier_reference.py; do not edit."]
    for case in make_cases(rng):
        x, y = case["x"], case["y"]
        k, d = len(case["classes"]), x.shape[1]
        mean, scale, w, b = fit(case)
        lines.append(f"case,{case['name']},{case['kind']},{k},{d},"
                     f"{case['lambda']!r},{case['shrinkage']!r}")
        lines.append("classes," + ",".join(case["classes"]))
        if "priors" in case:
            lines.append("priors," + fmt(case["priors"]))
        for label, row in zip(y, x):
            lines.append(f"sample,{label}," + fmt(row))
        lines.append("mean," + fmt(mean))
        lines.append("scale," + fmt(scale))
        for c in range(k):
            lines.append(f"weights,{c}," + fmt(w[c]))
        lines.append("bias," + fmt(b))
        # Query points: training samples, points between the classes and far outside.
        picks = x[rng.choice(len(y), 4, replace=False)]
        spread = x.std(axis=0)
        between = x.mean(axis=0) + 0.3 * spread * rng.standard_normal((3, d))
        far = x.mean(axis=0) + 6.0 * spread * np.sign(rng.standard_normal(d))
        for q in np.vstack([picks, between, far]).astype(np.float32):
            lines.append("query," + fmt(q))
            lines.append("probabilities," + fmt(probabilities(mean, scale, w, b, q)))

    n_pos, n_neg = 40, 160
    y = np.array([1] * n_pos + [0] * n_neg)
    s = np.where(y == 1, 2.0, 0.0) + rng.standard_normal(len(y)) * np.where(y == 1, 1.2, 1.0)
    a, bb, prior = fit_platt(s, y)
    lines.append(f"platt,scores,{a!r},{bb!r},{prior!r}")
    for label, score in zip(y, s):
        lines.append(f"score,{label},{score!r}")
    for q in np.array([-3.0, -0.5, 0.0, 0.75, 1.5, 2.5, 6.0], dtype=np.float32):
        lines.append(f"calibrated,{float(q)!r},{1 / (1 + np.exp(-(a * float(q) + bb)))!r}")

    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "classifier_reference.csv")
    with open(path, "w") as out:
        out.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
