#!/usr/bin/env python3
"""Independent, deliberately simple row-by-row references for the Gaussian-mixture EM and the
multivariate-t ECME (Liu & Rubin 1995) under arbitrary missingness (issue 16).

Written from the textbook formulas, sharing no code with Sources/: every row's conditional
mean is Σ_mo Σ_oo⁻¹ (x_o − μ_o) from a fresh solve, every density comes from scipy.stats
(multivariate_normal, multivariate_t), ν is the root of ∂ℓ/∂ν found by scipy's brentq.
Plain loops over rows; no grouping by pattern; no standardisation.

Writes Tests/Reference/mixture_t.reference.json (the data, the starting values, and the
parameters, log-likelihood and imputed cells after a fixed number of iterations).

    pip install numpy scipy
    python3 Tests/Reference/numpy_mixture_t.py
"""
import json
import math
import os
import sys

import numpy as np
from scipy import optimize, special, stats

HERE = os.path.dirname(os.path.abspath(__file__))


def three_clusters(rng, n=150):
    centres = np.array([[0.0, 0.0, 0.0], [6.0, 1.0, -4.0], [-5.0, 7.0, 3.0]])
    scales = np.array([1.0, 1.5, 0.8])
    rows, labels = [], []
    for i in range(n):
        k = i % 3
        a = rng.normal(size=(3, 5))
        cov = (a @ a.T / 5 + 0.3 * np.eye(3)) * np.outer(scales, scales)
        rows.append(rng.multivariate_normal(centres[k], cov))
        labels.append(k)
    x = np.array(rows)
    mask = rng.uniform(size=x.shape) < 0.18
    mask[np.all(mask, axis=1), 0] = False
    x[mask] = np.nan
    x[7, :] = np.nan  # one row with nothing observed: it must be left out
    return x, np.array(labels)


def heavy_tailed(rng, n=200, p=3):
    a = rng.normal(size=(p, p + 2))
    cov = a @ a.T / (p + 2) + 0.4 * np.eye(p)
    z = rng.multivariate_normal(np.array([1.0, -2.0, 0.5]), cov, size=n)
    chi = rng.chisquare(3, size=n) / 3
    x = np.array([1.0, -2.0, 0.5]) + (z - np.array([1.0, -2.0, 0.5])) / np.sqrt(chi)[:, None]
    mask = rng.uniform(size=x.shape) < 0.2
    mask[np.all(mask, axis=1), 1] = False
    x[mask] = np.nan
    return x


def used_rows(x):
    return x[~np.all(np.isnan(x), axis=1)]


def conditional(x, mean, cov):
    """x̂ (missing cells filled by conditional means) and C (zero outside the missing block)."""
    o = ~np.isnan(x)
    m = ~o
    xhat = x.copy()
    c = np.zeros((len(x), len(x)))
    if m.any():
        soo = cov[np.ix_(o, o)]
        smo = cov[np.ix_(m, o)]
        beta = np.linalg.solve(soo, smo.T).T
        xhat[m] = mean[m] + beta @ (x[o] - mean[o])
        c[np.ix_(m, m)] = cov[np.ix_(m, m)] - beta @ smo.T
    return xhat, c


# ---------------------------------------------------------------- mixture

def mixture_row_log_densities(x, weights, means, covs):
    o = ~np.isnan(x)
    return np.array([math.log(w) + stats.multivariate_normal(mu[o], s[np.ix_(o, o)]).logpdf(x[o])
                     for w, mu, s in zip(weights, means, covs)])


def mixture_em(x, weights, means, covs, iterations):
    x = used_rows(x)
    n, p = x.shape
    weights, means, covs = np.array(weights), np.array(means), np.array(covs)
    k = len(weights)
    for _ in range(iterations):
        nk = np.zeros(k)
        s1 = np.zeros((k, p))
        s2 = np.zeros((k, p, p))
        for row in x:
            logf = mixture_row_log_densities(row, weights, means, covs)
            r = np.exp(logf - special.logsumexp(logf))
            for j in range(k):
                xhat, c = conditional(row, means[j], covs[j])
                nk[j] += r[j]
                s1[j] += r[j] * xhat
                s2[j] += r[j] * (np.outer(xhat, xhat) + c)
        weights = nk / n
        means = s1 / nk[:, None]
        covs = np.array([s2[j] / nk[j] - np.outer(means[j], means[j]) for j in range(k)])
        covs = 0.5 * (covs + np.transpose(covs, (0, 2, 1)))
    return weights, means, covs


def mixture_log_likelihood(x, weights, means, covs):
    return float(sum(special.logsumexp(mixture_row_log_densities(row, weights, means, covs)) for row in used_rows(x)))


def mixture_imputed(x, weights, means, covs):
    out = []
    for row in x:
        if not np.isnan(row).any():
            continue
        if np.all(np.isnan(row)):
            filled = sum(w * mu for w, mu in zip(weights, means))
        else:
            logf = mixture_row_log_densities(row, weights, means, covs)
            r = np.exp(logf - special.logsumexp(logf))
            filled = sum(r[j] * conditional(row, means[j], covs[j])[0] for j in range(len(weights)))
        out.extend(float(v) for v in filled[np.isnan(row)])
    return out


def labelled_start(x, labels, k):
    """Per-label available-case means and variances (diagonal Σ): a start that needs no complete row."""
    weights, means, covs = [], [], []
    for j in range(k):
        part = x[labels == j]
        weights.append(len(part) / len(x))
        mu = np.nanmean(part, axis=0)
        var = np.nanvar(part, axis=0)
        means.append(mu)
        covs.append(np.diag(var))
    return np.array(weights), np.array(means), np.array(covs)


# ---------------------------------------------------------------- t

def t_log_likelihood(x, mean, cov, nu):
    total = 0.0
    for row in used_rows(x):
        o = ~np.isnan(row)
        total += stats.multivariate_t(mean[o], cov[np.ix_(o, o)], df=nu).logpdf(row[o])
    return float(total)


def squared_distances(x, mean, cov):
    d2, counts = [], []
    for row in x:
        o = ~np.isnan(row)
        d = row[o] - mean[o]
        d2.append(float(d @ np.linalg.solve(cov[np.ix_(o, o)], d)))
        counts.append(int(o.sum()))
    return np.array(d2), np.array(counts, dtype=float)


def nu_derivative(nu, d2, counts):
    return 0.5 * np.sum(special.digamma((nu + counts) / 2) - special.digamma(nu / 2)
                        - np.log1p(d2 / nu) + (d2 - counts) / (nu + d2))


LOWER, UPPER = 0.1, 1e4


def nu_root(d2, counts):
    if nu_derivative(UPPER, d2, counts) >= 0:
        return UPPER
    if nu_derivative(LOWER, d2, counts) <= 0:
        return LOWER
    root = optimize.brentq(lambda t: nu_derivative(math.exp(t), d2, counts), math.log(LOWER), math.log(UPPER),
                           xtol=1e-15, rtol=4 * np.finfo(float).eps, maxiter=500)
    return math.exp(root)


def t_ecme(x, iterations, nu0=30.0, fixed=None):
    x = used_rows(x)
    n, p = x.shape
    mean = np.nanmean(x, axis=0)
    cov = np.diag(np.nanvar(x, axis=0, ddof=1))
    nu = fixed if fixed is not None else nu0
    for _ in range(iterations):
        s0, s1, s2 = 0.0, np.zeros(p), np.zeros((p, p))
        for row in x:
            o = ~np.isnan(row)
            d = row[o] - mean[o]
            d2 = d @ np.linalg.solve(cov[np.ix_(o, o)], d)
            w = (nu + o.sum()) / (nu + d2)
            xhat, c = conditional(row, mean, cov)
            s0 += w
            s1 += w * xhat
            s2 += w * np.outer(xhat, xhat) + c
        mean = s1 / s0
        cov = (s2 - s0 * np.outer(mean, mean)) / n
        cov = 0.5 * (cov + cov.T)
        if fixed is None:
            d2, counts = squared_distances(x, mean, cov)
            candidate = nu_root(d2, counts)
            # The root maximises ℓ(ν); the old ν stays only if the root is clearly worse.
            at_old = t_log_likelihood(x, mean, cov, nu)
            if t_log_likelihood(x, mean, cov, candidate) >= at_old - 1e-10 * max(1.0, abs(at_old)):
                nu = candidate
    return mean, cov, nu


def t_imputed(x, mean, cov):
    out = []
    for row in x:
        if not np.isnan(row).any():
            continue
        filled = mean.copy() if np.all(np.isnan(row)) else conditional(row, mean, cov)[0]
        out.extend(float(v) for v in filled[np.isnan(row)])
    return out


# ---------------------------------------------------------------- self-checks and output

def self_checks():
    rng = np.random.default_rng(5)
    # The t density with large ν is close to the normal density (the difference is O(1/ν)).
    mu, s = np.array([0.3, -1.0]), np.array([[2.0, 0.4], [0.4, 1.0]])
    v = np.array([1.1, 0.2])
    assert abs(stats.multivariate_t(mu, s, df=1e5).logpdf(v) - stats.multivariate_normal(mu, s).logpdf(v)) < 1e-4
    # One component of the mixture EM is the Gaussian EM: the mean after one step is the
    # mean of the conditionally completed rows.
    x = rng.normal(size=(30, 2))
    x[3, 1] = np.nan
    w, m, c = mixture_em(x, [1.0], [np.zeros(2)], [np.eye(2)], 1)
    xhat = np.array([conditional(r, np.zeros(2), np.eye(2))[0] for r in x])
    assert np.allclose(m[0], xhat.mean(axis=0), atol=1e-14)
    # ν root: the derivative vanishes there.
    d2, counts = rng.chisquare(3, size=50) * 2, np.full(50, 3.0)
    nu = nu_root(d2, counts)
    assert LOWER < nu < UPPER and abs(nu_derivative(nu, d2, counts)) < 1e-9


def rows_json(x):
    return [[None if np.isnan(v) else float(v) for v in row] for row in x]


def main():
    self_checks()
    if "--check" in sys.argv:
        return
    rng = np.random.default_rng(20261601)
    x, labels = three_clusters(rng)
    weights, means, covs = labelled_start(x, labels, 3)
    mixture_cases = []
    for iterations in (1, 40):
        w, m, c = mixture_em(x, weights, means, covs, iterations)
        mixture_cases.append({
            "iterations": iterations,
            "weights": w.tolist(), "means": m.tolist(), "covariances": c.tolist(),
            "logLikelihood": mixture_log_likelihood(x, w, m, c),
            "imputed": mixture_imputed(x, w, m, c),
        })
    t_data = heavy_tailed(rng)
    t_cases = []
    for iterations, fixed in ((1, None), (60, None), (60, 4.0)):
        mu, s, nu = t_ecme(t_data, iterations, fixed=fixed)
        t_cases.append({
            "iterations": iterations, "fixedDegreesOfFreedom": fixed,
            "mean": mu.tolist(), "covariance": s.tolist(), "degreesOfFreedom": nu,
            "logLikelihood": t_log_likelihood(t_data, mu, s, nu),
            "imputed": t_imputed(t_data, mu, s),
        })
    out = {
        "generator": "Tests/Reference/numpy_mixture_t.py",
        "numpy": np.__version__,
        "mixture": {
            "columns": ["x1", "x2", "x3"], "rows": rows_json(x),
            "start": {"weights": weights.tolist(), "means": means.tolist(), "covariances": covs.tolist()},
            "cases": mixture_cases,
        },
        "t": {"columns": ["y1", "y2", "y3"], "rows": rows_json(t_data), "initialDegreesOfFreedom": 30.0, "cases": t_cases},
    }
    with open(os.path.join(HERE, "mixture_t.reference.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
