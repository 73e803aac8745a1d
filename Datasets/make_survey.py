#!/usr/bin/env python3
"""Generate Datasets/survey.csv, a synthetic survey-style data set (CC0).

Pure Python standard library; deterministic (random.Random(20261122)).
Run from anywhere:  python3 Datasets/make_survey.py
The output is written next to this script as survey.csv (LF line endings,
csv module with minimal quoting).

Columns
  respondent_id   integer ID 10001.. (numeric, but an identifier: exclude it)
  name            free text; some names contain commas and double quotes
  region          text (North, South, East, West, Central)
  interview_date  text, ISO date 2026-01-05 .. 2026-06-30
  age             integer 18..90
  income          annual income in thousands, 1 decimal place
  satisfaction    integer 1..10
  hours_online    hours per day online, 1 decimal place
  household_size  integer 1..8

The five numeric items are drawn from a correlated multivariate normal
(Cholesky factor computed by hand below), then rounded and clipped.

Missing cells (numeric items only) are coded three ways: mostly -99, some
blank cells and some NA.  Missingness is MAR: it depends only on fully
observed columns (region) or on items that are observed in that row
(e.g. income is missing more often for older respondents whose age is
recorded).  A handful of respondents broke off the interview and have all
five numeric items missing; an EM imputer should leave those out of the
estimation (they carry no information about the mean or covariance).
"""

import csv
import datetime
import math
import os
import random

SEED = 20261122
N_ROWS = 500
N_BREAKOFF = 3  # rows with every numeric item missing

ITEMS = ["age", "income", "satisfaction", "hours_online", "household_size"]
MEANS = [47.0, 55.0, 6.4, 3.6, 2.9]
SDS = [16.0, 21.0, 1.9, 1.7, 1.4]
# Correlation matrix of the latent normal (positive definite).
CORR = [
    [1.00, 0.35, 0.15, -0.50, -0.20],
    [0.35, 1.00, 0.40, -0.10, 0.15],
    [0.15, 0.40, 1.00, -0.25, 0.10],
    [-0.50, -0.10, -0.25, 1.00, 0.05],
    [-0.20, 0.15, 0.10, 0.05, 1.00],
]

FIRST = ["Anna", "Ben", "Chloé", "David", "Emma", "Farid", "Grace", "Hiro",
         "Ines", "Jakob", "Kwame", "Lena", "Mateo", "Nora", "Omar", "Priya",
         "Quinn", "Rosa", "Sven", "Tara", "Umar", "Vera", "Wei", "Ximena",
         "Yusuf", "Zoe"]
LAST = ["Smith", "Müller", "García", "O'Brien", "Nakamura", "Okafor",
        "Johansson", "Rossi", "Kowalski", "Dubois", "Haddad", "Chen",
        "Novak", "Silva", "Byrne", "Fischer", "Kumar", "Lopez", "Petrov",
        "Walsh"]
NICK = ["Annie", "Benji", "Doc", "Red", "Sunny", "Max"]
SUFFIX = ["Jr.", "Sr.", "III", "PhD"]
REGIONS = ["North", "South", "East", "West", "Central"]


def cholesky(a):
    """Lower-triangular L with L L^T = a (plain Cholesky-Banachiewicz)."""
    n = len(a)
    low = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1):
            s = sum(low[i][k] * low[j][k] for k in range(j))
            if i == j:
                d = a[i][i] - s
                if d <= 0.0:
                    raise ValueError("matrix is not positive definite")
                low[i][j] = math.sqrt(d)
            else:
                low[i][j] = (a[i][j] - s) / low[j][j]
    return low


def clip(x, lo, hi):
    return lo if x < lo else hi if x > hi else x


def make_name(rng):
    first, last = rng.choice(FIRST), rng.choice(LAST)
    u = rng.random()
    if u < 0.12:  # "Last, First" -> needs quoting because of the comma
        return f"{last}, {first}"
    if u < 0.20:  # nickname in double quotes -> quoted, quotes doubled
        return f'{first} "{rng.choice(NICK)}" {last}'
    if u < 0.25:  # comma and suffix
        return f"{first} {last}, {rng.choice(SUFFIX)}"
    return f"{first} {last}"


def main():
    rng = random.Random(SEED)
    low = cholesky(CORR)
    start = datetime.date(2026, 1, 5)
    span = (datetime.date(2026, 6, 30) - start).days

    breakoff = set(rng.sample(range(N_ROWS), N_BREAKOFF))
    rows = []
    for i in range(N_ROWS):
        z = [rng.gauss(0.0, 1.0) for _ in ITEMS]
        y = [sum(low[r][k] * z[k] for k in range(r + 1)) for r in range(len(ITEMS))]
        x = [MEANS[j] + SDS[j] * y[j] for j in range(len(ITEMS))]
        region = rng.choice(REGIONS)
        vals = {
            "age": int(round(clip(x[0], 18, 90))),
            "income": round(clip(x[1], 4.0, 250.0), 1),
            "satisfaction": int(round(clip(x[2], 1, 10))),
            "hours_online": round(clip(x[3], 0.0, 16.0), 1),
            "household_size": int(round(clip(x[4], 1, 8))),
        }

        # --- MAR missingness -------------------------------------------
        miss = {}
        # age: depends on region only (fully observed)
        miss["age"] = rng.random() < (0.20 if region in ("South", "West") else 0.09)
        # income: older respondents (with recorded age) refuse more often
        if miss["age"]:
            p = 0.15
        else:
            p = 0.06 + 0.30 * clip((vals["age"] - 40) / 50.0, 0.0, 1.0)
        miss["income"] = rng.random() < p
        # hours_online: more often skipped when recorded age is high
        if miss["age"]:
            p = 0.15
        else:
            p = 0.11 + 0.15 * (vals["age"] >= 65)
        miss["hours_online"] = rng.random() < p
        # satisfaction: low recorded income -> more item non-response
        if miss["income"]:
            p = 0.18
        else:
            p = 0.22 if vals["income"] < 40.0 else 0.09
        miss["satisfaction"] = rng.random() < p
        # household_size: depends on region only
        miss["household_size"] = rng.random() < (0.18 if region == "Central" else 0.11)
        if i in breakoff:
            miss = {k: True for k in ITEMS}

        cells = {}
        for k in ITEMS:
            if miss[k]:
                u = rng.random()
                cells[k] = "-99" if u < 0.70 else ("" if u < 0.85 else "NA")
            elif k in ("income", "hours_online"):
                cells[k] = f"{vals[k]:.1f}"
            else:
                cells[k] = str(vals[k])

        date = start + datetime.timedelta(days=rng.randrange(span + 1))
        rows.append([str(10001 + i), make_name(rng), region, date.isoformat()]
                    + [cells[k] for k in ITEMS])

    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "survey.csv")
    with open(out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        w.writerow(["respondent_id", "name", "region", "interview_date"] + ITEMS)
        w.writerows(rows)
    print(f"wrote {out}: {len(rows)} rows")


if __name__ == "__main__":
    main()
