"""Little's (1988) MCAR test, written independently of the Swift sources (NumPy/SciPy only).

    python3 Tests/Reference/little_mcar.py      (from the repository root)

For each bundled dataset, at the maximum-likelihood estimates of its `*.reference.json`
(produced by numpy_em.py), computes

    d^2 = sum_g n_g (ybar_g - mu_g)' Sigma_gg^{-1} (ybar_g - mu_g),   df = sum_g |O_g| - p,

over the missingness patterns g with an observed column (rows with nothing observed are
left out, as in the reference fit), and the p-value P(chi2_df >= d^2) from SciPy. Each
pattern's contribution is listed by its missing columns. Writes little.reference.json.
"""
import csv
import json
import os

import numpy as np
from scipy import stats

HERE = os.path.dirname(os.path.abspath(__file__))


def load(reference):
    with open(reference["dataset"], newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    index = [header.index(c) for c in reference["columns"]]
    codes = set(reference["missingCodes"])
    x = np.array([[np.nan if r[j].strip() in codes else float(r[j]) for j in index] for r in body])
    return x[~np.all(np.isnan(x), axis=1)]


def little(x, mu, sigma):
    n, p = x.shape
    missing = np.isnan(x)
    patterns = {}
    for i in range(n):
        patterns.setdefault(tuple(missing[i]), []).append(i)
    d2, df, parts = 0.0, 0, []
    for key, rows in patterns.items():
        o = [j for j in range(p) if not key[j]]
        if not o:
            continue
        ybar = x[np.ix_(rows, o)].mean(axis=0)
        diff = ybar - mu[o]
        part = len(rows) * float(diff @ np.linalg.solve(sigma[np.ix_(o, o)], diff))
        d2 += part
        df += len(o)
        parts.append({"missing": [j for j in range(p) if key[j]], "rows": len(rows), "contribution": part})
    df -= p
    return d2, df, float(stats.chi2.sf(d2, df)), parts


def main():
    out = []
    for name in ["airquality", "penguins", "survey"]:
        with open(os.path.join(HERE, f"{name}.reference.json")) as f:
            reference = json.load(f)
        x = load(reference)
        d2, df, pvalue, parts = little(x, np.array(reference["mean"]), np.array(reference["covariance"]))
        out.append({"name": name, "dataset": reference["dataset"], "columns": reference["columns"],
                    "statistic": d2, "degreesOfFreedom": df, "pValue": pvalue, "patterns": parts})
        print(f"{name}: d2 = {d2:.10g}, df = {df}, p = {pvalue:.6g}")
    with open(os.path.join(HERE, "little.reference.json"), "w") as f:
        json.dump({"generator": "Tests/Reference/little_mcar.py", "numpyVersion": np.__version__,
                   "scipyVersion": __import__("scipy").__version__, "datasets": out}, f, indent=2)


if __name__ == "__main__":
    main()
