#!/usr/bin/env python3
"""Independent reference implementation of EM for a multivariate normal with
arbitrary (ignorable) missingness, used to produce the JSON fixtures in this
folder for the Swift tests.

It is written from the textbook (Little & Rubin, *Statistical Analysis with
Missing Data*, 3rd ed., section 11.2.1) and shares no code with the Swift
engine.  It needs only Python 3 and NumPy.

    python3 Tests/Reference/numpy_em.py            # self-checks + all fixtures
    python3 Tests/Reference/numpy_em.py --check    # self-checks only

Model and conventions (the ones the fixtures pin down):

* Rows are the CSV data rows (0-based, header excluded).  A cell is missing
  when its text is one of the case's missing codes ("" and "NA" always,
  plus "-99" for the survey), compared on the raw text and, for numeric
  codes, also numerically (so "-99.0" would count as well).
* Rows whose modelled cells are *all* missing are DROPPED from the
  estimation entirely: they are not counted in n.  (In the textbook
  treatment such a row contributes E[x] = mu and Cov = Sigma to the
  sufficient statistics, which leaves the fixed point unchanged but would
  change the divisor and slow convergence; the Swift engine drops them, and
  so does R's Amelia, so we drop them too.)
* Start: available-case means, and a diagonal covariance whose entries are
  the available-case variances with divisor n_obs (the number of observed
  cells in that column).
* E-step, for each row with observed part o and missing part m:
      xhat_m = mu_m + S_mo S_oo^{-1} (x_o - mu_o)
      C_mm   = S_mm - S_mo S_oo^{-1} S_om        (added to the cross-product)
  T1 = sum_i xhat_i,  T2 = sum_i (xhat_i xhat_i^T + C_i).
* M-step: mu = T1 / n,  Sigma = T2 / n - mu mu^T   (divisor n, the MLE).
  (The code accumulates T1, T2 about the current mu, which is algebraically
  identical and avoids cancellation; see m_step.)
* Stop when the largest absolute change of any entry of mu and Sigma from one
  iteration to the next is below TOL_ABS = 1e-13, or when the same change
  measured on the standardised scale (|d mu_j| / sd_j and
  |d Sigma_jk| / (sd_j sd_k)) is below TOL_STD = 1e-13.  The second test is
  needed because an absolute change of 1e-13 is below float64 resolution for
  data on a large scale (penguins' body-mass variance is ~6.4e5, airquality's
  Solar.R variance ~8e3): there the absolute change stalls at rounding noise
  (~1e-12 .. 1e-9) and the absolute test alone would never fire.  At most
  100000 iterations.
  "iterations" in the JSON is the number of E+M steps performed.
* Observed-data log-likelihood with its full constant, at the final estimate:
      l = sum_i -1/2 ( |o_i| log(2 pi) + log det S_oo + r_o^T S_oo^{-1} r_o ),
  r_o = x_o - mu_o, summed over the rows used.
"""

import argparse
import csv
import json
import math
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))

TOL_ABS = 1e-13
TOL_STD = 1e-13
MAX_ITER = 100000

CASES = [
    {
        "name": "airquality",
        "dataset": "Datasets/airquality.csv",
        "arguments": [],
        "na": ["", "NA"],
        "columns": ["Ozone", "Solar.R", "Wind", "Temp", "Month", "Day"],
        "excluded_numeric": [],
    },
    {
        "name": "penguins",
        "dataset": "Datasets/penguins.csv",
        "arguments": [],
        "na": ["", "NA"],
        "columns": ["bill_length_mm", "bill_depth_mm", "flipper_length_mm",
                    "body_mass_g", "year"],
        "excluded_numeric": [],
    },
    {
        "name": "survey",
        "dataset": "Datasets/survey.csv",
        "arguments": ["--na", "-99", "--exclude", "respondent_id"],
        "na": ["", "NA", "-99"],
        "columns": ["age", "income", "satisfaction", "hours_online",
                    "household_size"],
        "excluded_numeric": ["respondent_id"],
    },
]


# --------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------

def _is_missing(text, na_codes):
    if text in na_codes:
        return True
    for code in na_codes:
        try:
            if code not in ("", "NA") and float(text) == float(code):
                return True
        except ValueError:
            pass
    return False


def _parses_as_number(text):
    try:
        v = float(text)
    except ValueError:
        return False
    return math.isfinite(v)


def load_case(case):
    """Return (X, header, numeric_columns) with X an (N, p) float array,
    NaN for missing, over case['columns'] in that order."""
    path = os.path.join(REPO, case["dataset"])
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    na = set(case["na"])
    for r in body:
        assert len(r) == len(header), f"ragged row in {path}: {r}"

    # Which columns are numeric (every non-missing cell parses as a number)?
    numeric = []
    for j, name in enumerate(header):
        cells = [r[j] for r in body if not _is_missing(r[j], na)]
        if cells and all(_parses_as_number(c) for c in cells):
            numeric.append(name)
    expected = sorted(case["columns"] + case["excluded_numeric"])
    assert sorted(numeric) == expected, (
        f"{case['name']}: numeric columns {numeric} != modelled+excluded {expected}")

    idx = [header.index(c) for c in case["columns"]]
    X = np.array([[np.nan if _is_missing(r[j], na) else float(r[j]) for j in idx]
                  for r in body], dtype=np.float64)
    return X, header


# --------------------------------------------------------------------------
# EM
# --------------------------------------------------------------------------

def start_values(X):
    """Available-case means; diagonal covariance of available-case variances
    (divisor n_obs)."""
    mu = np.nanmean(X, axis=0)
    var = np.nanmean((X - mu) ** 2, axis=0)
    return mu, np.diag(var)


def pattern_groups(X):
    """Group row indices by missingness pattern: {pattern(bool tuple): rows}."""
    groups = {}
    miss = np.isnan(X)
    for i in range(X.shape[0]):
        groups.setdefault(tuple(miss[i]), []).append(i)
    return [(np.array(k), np.array(v)) for k, v in groups.items()]


def e_step(X, groups, mu, sigma, center=None):
    """Expected sufficient statistics T1 (p,) and T2 (p, p), taken about
    `center` (default 0, i.e. the textbook T1 = sum xhat, T2 = sum xhat xhat^T + C):
        T1 = sum_i (xhat_i - c),  T2 = sum_i (xhat_i - c)(xhat_i - c)^T + C_i.

    Rows are processed per missingness pattern, but the formulae are the
    per-row ones (the regression of x_m on x_o is the same for every row of
    a pattern).  Returns also the completed matrix (conditional means)."""
    n, p = X.shape
    c = np.zeros(p) if center is None else center
    T1 = np.zeros(p)
    T2 = np.zeros((p, p))
    xhat = X.copy()
    for miss, rows in groups:
        obs = ~miss
        Xg = X[np.ix_(rows, np.arange(p))].copy()
        C = np.zeros((p, p))
        if miss.any():
            S_oo = sigma[np.ix_(obs, obs)]
            S_mo = sigma[np.ix_(miss, obs)]
            S_mm = sigma[np.ix_(miss, miss)]
            # B = S_mo S_oo^{-1}   (regression coefficients of x_m on x_o)
            B = np.linalg.solve(S_oo, S_mo.T).T
            R = Xg[:, obs] - mu[obs]
            Xg[:, miss] = mu[miss] + R @ B.T
            C[np.ix_(miss, miss)] = S_mm - B @ S_mo.T
            xhat[rows] = Xg
        D = Xg - c
        T1 += D.sum(axis=0)
        T2 += D.T @ D + len(rows) * C
    return T1, T2, xhat


def e_step_per_row(X, mu, sigma):
    """The same E-step, literally row by row (used only by the self-check)."""
    n, p = X.shape
    T1 = np.zeros(p)
    T2 = np.zeros((p, p))
    for i in range(n):
        x = X[i].copy()
        m = np.isnan(x)
        o = ~m
        C = np.zeros((p, p))
        if m.any():
            S_oo_inv = np.linalg.inv(sigma[np.ix_(o, o)])
            x[m] = mu[m] + sigma[np.ix_(m, o)] @ S_oo_inv @ (x[o] - mu[o])
            C[np.ix_(m, m)] = (sigma[np.ix_(m, m)]
                               - sigma[np.ix_(m, o)] @ S_oo_inv @ sigma[np.ix_(o, m)])
        T1 += x
        T2 += np.outer(x, x) + C
    return T1, T2


def m_step(T1, T2, n, center=None):
    """mu = T1/n, Sigma = T2/n - mu mu^T, for statistics taken about `center`
    (default 0: exactly the textbook formulae).  Taking them about the current
    mu is algebraically identical but avoids the cancellation in
    T2/n - mu mu^T when |mu| >> sd (penguins' body mass: mu^2 ~ 1.8e7 vs
    Sigma ~ 6.4e5), which otherwise leaves ~4e-9 of noise in Sigma."""
    d = T1 / n
    mu = d if center is None else center + d
    sigma = T2 / n - np.outer(d, d)
    sigma = 0.5 * (sigma + sigma.T)  # remove rounding asymmetry
    return mu, sigma


def log_likelihood(X, groups, mu, sigma):
    """Observed-data log-likelihood, full constant included."""
    ll = 0.0
    for miss, rows in groups:
        obs = ~miss
        k = int(obs.sum())
        S_oo = sigma[np.ix_(obs, obs)]
        sign, logdet = np.linalg.slogdet(S_oo)
        assert sign > 0, "Sigma_oo not positive definite"
        R = X[np.ix_(rows, np.flatnonzero(obs))] - mu[obs]
        quad = np.einsum("ij,ij->i", R, np.linalg.solve(S_oo, R.T).T)
        ll += -0.5 * (len(rows) * (k * math.log(2.0 * math.pi) + logdet) + quad.sum())
    return ll


def gradient(X, groups, mu, sigma):
    """Analytic gradient of the observed-data log-likelihood:
    d l / d mu    = sum_i P_i^T S_oo^{-1} r_o
    d l / d Sigma = sum_i P_i^T 1/2 (S_oo^{-1} r r^T S_oo^{-1} - S_oo^{-1}) P_i
    (treating the entries of Sigma as unconstrained)."""
    p = X.shape[1]
    g_mu = np.zeros(p)
    g_sigma = np.zeros((p, p))
    for miss, rows in groups:
        obs = ~miss
        S_inv = np.linalg.inv(sigma[np.ix_(obs, obs)])
        R = X[np.ix_(rows, np.flatnonzero(obs))] - mu[obs]
        W = R @ S_inv  # rows: S_oo^{-1} r_o
        g_mu[obs] += W.sum(axis=0)
        g_sigma[np.ix_(obs, obs)] += 0.5 * (W.T @ W - len(rows) * S_inv)
    return g_mu, g_sigma


def drop_all_missing(X):
    keep = ~np.all(np.isnan(X), axis=1)
    return X[keep], np.flatnonzero(keep), np.flatnonzero(~keep)


def run_em(X, track_loglik=False, max_iter=MAX_ITER):
    """EM on X (rows with every cell missing must already be removed).
    Returns dict with mu, sigma, iterations, converged, loglik history."""
    n, p = X.shape
    assert not np.all(np.isnan(X), axis=1).any()
    for j in range(p):
        assert np.isfinite(X[:, j]).any(), f"column {j} entirely missing"
    groups = pattern_groups(X)
    mu, sigma = start_values(X)
    history = [log_likelihood(X, groups, mu, sigma)] if track_loglik else []
    converged = False
    it = 0
    while it < max_iter:
        T1, T2, _ = e_step(X, groups, mu, sigma, center=mu)
        new_mu, new_sigma = m_step(T1, T2, n, center=mu)
        it += 1
        d_mu = np.abs(new_mu - mu)
        d_sigma = np.abs(new_sigma - sigma)
        change_abs = max(d_mu.max(), d_sigma.max())
        # the same change on the standardised scale (mu_j / sd_j,
        # Sigma_jk / (sd_j sd_k)), sd from the new estimate
        sd = np.sqrt(np.diag(new_sigma))
        change_std = max((d_mu / sd).max(), (d_sigma / np.outer(sd, sd)).max())
        mu, sigma = new_mu, new_sigma
        if track_loglik:
            history.append(log_likelihood(X, groups, mu, sigma))
        if change_abs < TOL_ABS or change_std < TOL_STD:
            converged = True
            break
    return {"mu": mu, "sigma": sigma, "iterations": it, "converged": converged,
            "groups": groups, "history": history,
            "last_change_abs": float(change_abs), "last_change_std": float(change_std)}


# --------------------------------------------------------------------------
# Self-checks
# --------------------------------------------------------------------------

def self_checks():
    # (i) complete data: one iteration gives the sample mean and the
    #     divisor-n covariance.
    X, _ = load_case(CASES[0])
    Xc = X[~np.isnan(X).any(axis=1)]
    res = run_em(Xc, max_iter=1)
    assert res["iterations"] == 1
    mean = Xc.mean(axis=0)
    cov_n = np.cov(Xc, rowvar=False, ddof=0)
    assert np.allclose(res["mu"], mean, rtol=1e-14, atol=0)
    assert np.allclose(res["sigma"], cov_n, rtol=1e-12, atol=1e-12)
    # ...and a second iteration changes nothing (to rounding).
    res2 = run_em(Xc)
    assert res2["iterations"] <= 3, res2["iterations"]
    print("self-check (i)   complete data, one iteration = sample mean and divisor-n covariance: OK")

    # Grouped E-step == literal per-row E-step, on every case's data at its
    # start values.
    for case in CASES:
        X, _ = load_case(case)
        X, _, _ = drop_all_missing(X)
        mu, sigma = start_values(X)
        # make Sigma non-diagonal so the regression terms are exercised
        mu2, sigma2 = m_step(*e_step(X, pattern_groups(X), mu, sigma)[:2], X.shape[0])
        T1a, T2a, _ = e_step(X, pattern_groups(X), mu2, sigma2)
        T1b, T2b = e_step_per_row(X, mu2, sigma2)
        assert np.allclose(T1a, T1b, rtol=1e-12, atol=0)
        assert np.allclose(T2a, T2b, rtol=1e-11, atol=0)
    print("self-check       grouped E-step equals the per-row textbook E-step: OK")

    # The analytic gradient used in (iii) matches central finite differences
    # of log_likelihood (at a point where it is far from zero).
    X, _ = load_case(CASES[0])
    X, _, _ = drop_all_missing(X)
    groups = pattern_groups(X)
    mu0, sigma0 = start_values(X)
    mu0 = mu0 + 0.1 * np.sqrt(np.diag(sigma0))
    g_mu, g_sigma = gradient(X, groups, mu0, sigma0)
    for j in range(X.shape[1]):
        h = 1e-5 * math.sqrt(sigma0[j, j])
        e = np.zeros(X.shape[1]); e[j] = h
        fd = (log_likelihood(X, groups, mu0 + e, sigma0)
              - log_likelihood(X, groups, mu0 - e, sigma0)) / (2 * h)
        assert abs(fd - g_mu[j]) <= 1e-6 * max(1.0, abs(g_mu[j])), (j, fd, g_mu[j])
    for j, k in [(0, 0), (0, 1), (2, 3)]:
        h = 1e-6 * math.sqrt(sigma0[j, j] * sigma0[k, k])
        E = np.zeros_like(sigma0); E[j, k] = h; E[k, j] = h
        fd = (log_likelihood(X, groups, mu0, sigma0 + E)
              - log_likelihood(X, groups, mu0, sigma0 - E)) / (2 * h)
        analytic = g_sigma[j, k] * (1 if j == k else 2)  # symmetric perturbation
        assert abs(fd - analytic) <= 1e-5 * max(1.0, abs(analytic)), (j, k, fd, analytic)
    print("self-check       analytic log-likelihood gradient matches finite differences: OK")

    # (ii) the log-likelihood never decreases; (iii) gradient ~0 at the end.
    for case in CASES:
        X, _ = load_case(case)
        X, _, _ = drop_all_missing(X)
        res = run_em(X, track_loglik=True)
        h = np.array(res["history"])
        # allow rounding noise once the increments reach machine precision
        slack = 1e-10 * max(1.0, abs(h[-1]))
        assert np.all(np.diff(h) >= -slack), (case["name"], np.diff(h).min())
        g_mu, g_sigma = gradient(X, res["groups"], res["mu"], res["sigma"])
        # scale-free size: the gradient w.r.t. mu_j times sd_j, Sigma_jk times sd_j sd_k
        sd = np.sqrt(np.diag(res["sigma"]))
        gm = np.abs(g_mu * sd).max()
        gs = np.abs(g_sigma * np.outer(sd, sd)).max()
        assert gm < 1e-8 and gs < 1e-8, (case["name"], gm, gs)
        print(f"self-check (ii)  {case['name']}: log-likelihood non-decreasing over "
              f"{len(h) - 1} iterations ({h[0]:.6f} -> {h[-1]:.10f}): OK")
        print(f"self-check (iii) {case['name']}: scaled gradient at convergence "
              f"|d/dmu|={gm:.2e} |d/dSigma|={gs:.2e}: OK")
    print("all self-checks OK")


# --------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------

def make_fixture(case):
    X_all, header = load_case(case)
    X, kept_rows, dropped_rows = drop_all_missing(X_all)
    res = run_em(X)
    assert res["converged"], case["name"]
    mu, sigma = res["mu"], res["sigma"]
    ll = log_likelihood(X, res["groups"], mu, sigma)
    _, _, xhat = e_step(X, res["groups"], mu, sigma)

    imputed = []
    rows_with_missing = [k for k in range(X.shape[0]) if np.isnan(X[k]).any()]
    for k in rows_with_missing[:5]:
        for j, col in enumerate(case["columns"]):
            if np.isnan(X[k, j]):
                imputed.append({"row": int(kept_rows[k]), "column": col,
                                "value": float(xhat[k, j])})

    out = {
        "dataset": case["dataset"],
        "arguments": case["arguments"],
        "columns": case["columns"],
        "missingCodes": case["na"],
        "rowsInFile": int(X_all.shape[0]),
        "n": int(X.shape[0]),
        "droppedAllMissingRows": [int(r) for r in dropped_rows],
        "missingCells": [int(c) for c in np.isnan(X).sum(axis=0)],
        "mean": [float(v) for v in mu],
        "covariance": [[float(v) for v in row] for row in sigma],
        "logLikelihood": float(ll),
        "iterations": int(res["iterations"]),
        "converged": bool(res["converged"]),
        "tolerance": {"absolute": TOL_ABS, "standardised": TOL_STD,
                      "maxIterations": MAX_ITER},
        "imputed": imputed,
        "generator": "numpy_em.py (independent NumPy implementation)",
        "numpyVersion": np.__version__,
    }
    path = os.path.join(HERE, f"{case['name']}.reference.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=2)
        f.write("\n")
    print(f"{case['name']}: n={out['n']} (dropped {len(dropped_rows)} all-missing rows), "
          f"iterations={out['iterations']}, logLikelihood={float(ll)!r}, "
          f"last change abs={res['last_change_abs']:.3e} std={res['last_change_std']:.3e}"
          f" -> {os.path.relpath(path, REPO)}")
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="run the self-checks only")
    args = ap.parse_args()
    self_checks()
    if not args.check:
        for case in CASES:
            make_fixture(case)
    return 0


if __name__ == "__main__":
    sys.exit(main())
