#!/usr/bin/env python3
"""scikit-learn's GaussianMixture (full covariances, reg_covar = 0) on complete data, started
from given parameters, for the Swift mixture engine to agree with (issue 16).

Data: the complete rows of Datasets/penguins.csv (bill_length_mm, bill_depth_mm,
flipper_length_mm, body_mass_g). Start: per-species means and covariances, weights the
species shares (weights_init, means_init, precisions_init). Two runs:
  - a fixed number of EM iterations (tol = 0, so every iteration runs);
  - until sklearn's convergence test (change of the mean log-likelihood below tol = 1e-14).
The log-likelihood is n · score(X) at the final parameters.

    pip install numpy scikit-learn
    python3 Tests/Reference/sklearn_mixture.py   # writes sklearn_mixture.reference.json
"""
import csv
import json
import os
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
COLUMNS = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]


def load():
    with open(os.path.join(ROOT, "Datasets", "penguins.csv"), newline="") as f:
        records = list(csv.DictReader(f))
    rows, species = [], []
    for r in records:
        if all(r[c] not in ("", "NA") for c in COLUMNS):
            rows.append([float(r[c]) for c in COLUMNS])
            species.append(r["species"])
    return np.array(rows), np.array(species)


def main():
    x, species = load()
    names = sorted(set(species))
    weights = np.array([np.mean(species == s) for s in names])
    means = np.array([x[species == s].mean(axis=0) for s in names])
    covs = np.array([np.cov(x[species == s].T, bias=True) for s in names])
    runs = []
    for max_iter, tol in ((25, 0.0), (100000, 1e-14)):
        gm = GaussianMixture(n_components=3, covariance_type="full", tol=tol, reg_covar=0.0, max_iter=max_iter,
                             n_init=1, weights_init=weights, means_init=means,
                             precisions_init=np.array([np.linalg.inv(c) for c in covs]))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            gm.fit(x)
        runs.append({
            "maxIterations": max_iter, "tol": tol, "iterations": int(gm.n_iter_), "converged": bool(gm.converged_),
            "weights": gm.weights_.tolist(), "means": gm.means_.tolist(), "covariances": gm.covariances_.tolist(),
            "logLikelihood": float(gm.score(x) * len(x)),
        })
    out = {
        "generator": "Tests/Reference/sklearn_mixture.py", "sklearn": sklearn.__version__, "numpy": np.__version__,
        "dataset": "Datasets/penguins.csv (complete rows)", "columns": COLUMNS, "rows": x.tolist(),
        "start": {"weights": weights.tolist(), "means": means.tolist(), "covariances": covs.tolist()},
        "runs": runs,
    }
    with open(os.path.join(HERE, "sklearn_mixture.reference.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
