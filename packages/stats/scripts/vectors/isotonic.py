"""Isotonic regression and the score-bucket calibration map from scikit-learn.

isotonicRegression(x, y, w) = IsotonicRegression(out_of_bounds='clip').fit(x, y, w):
  fitted   = transform(x)          (the value at every input point, in input order)
  predict  = predict(at)           (linear interpolation, clipped outside the fit range)
calibrationMap(boundaries, positives, totals) = the same regression fitted on one row per reference row:
  x = the bucket's score (midpoint of (b[i-1], b[i]]; b[0] for (-inf, b[0]]; b[-1] for (b[-1], inf)),
  y = 0/1 label, predicted at every bucket's score.
"""
import numpy as np
import sklearn
from sklearn.isotonic import IsotonicRegression

from common import floats, write

rng = np.random.default_rng(20260601)


def iso_case(name, x, y, w=None, at=()):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    model = IsotonicRegression(out_of_bounds="clip").fit(x, y, sample_weight=w)
    at = np.asarray(at, dtype=float)
    return {
        "name": name,
        "x": floats(x),
        "y": floats(y),
        "weights": None if w is None else floats(w),
        "fitted": floats(model.transform(x)),
        "at": floats(at),
        "predict": floats(model.predict(at)) if len(at) else [],
    }


cases = [
    iso_case("already increasing", [1, 2, 3, 4], [0.1, 0.2, 0.3, 0.4], at=[0, 2.5, 5]),
    iso_case("one violation", [1, 2, 3, 4], [1, 3, 2, 4], at=[2.25]),
    iso_case("decreasing pools to the mean", [1, 2, 3, 4, 5], [5, 4, 3, 2, 1], at=[0, 3, 9]),
    iso_case("single point", [0.3], [0.7], at=[0, 1]),
    iso_case("ties in x pooled by weight", [1, 1, 2, 2, 2, 3], [0, 1, 1, 0, 0, 1], [1, 3, 2, 1, 1, 1], at=[1.5]),
    iso_case("zero weights left out of the fit", [0, 1, 2, 3, 4], [0, 9, 0.5, -9, 1], [1, 0, 2, 0, 1], at=[1, 3]),
    iso_case("unsorted input", [5, 1, 4, 2, 3], [0.9, 0.1, 0.2, 0.8, 0.3], at=[1.5, 4.5]),
    iso_case("near-tie merged below 1e-15", [0.3, 0.1 + 0.2, 0.5], [1, 0, 0.25], at=[0.4]),
    iso_case("negative x and y", [-3, -1, -2, 0], [-1, -5, 2, 3], at=[-2.5, -0.5]),
]
for n in (20, 200, 2000):
    x = rng.uniform(0, 1, n)
    y = (rng.uniform(0, 1, n) < x**1.5).astype(float)
    w = rng.integers(0, 4, n).astype(float)
    w[0] = 1.0
    cases.append(iso_case(f"random 0/1 labels, n={n}", x, y, at=rng.uniform(-0.1, 1.1, 10)))
    cases.append(iso_case(f"random weighted with zeros, n={n}", x, rng.normal(x, 0.3), w, at=rng.uniform(-0.1, 1.1, 10)))
    xr = np.round(rng.uniform(0, 1, n), 2)  # many ties, like scores rounded to 0.01
    cases.append(iso_case(f"rounded scores with ties, n={n}", xr, (rng.uniform(0, 1, n) < xr).astype(float), at=[0, 0.333, 1]))


def bucket_scores(b):
    return np.concatenate([[b[0]], (b[:-1] + b[1:]) / 2, [b[-1]]])


def map_case(name, boundaries, positives, totals):
    b = np.asarray(boundaries, dtype=float)
    s = bucket_scores(b)
    xs, ys = [], []
    for i, (k, n) in enumerate(zip(positives, totals)):
        xs += [s[i]] * n
        ys += [1.0] * k + [0.0] * (n - k)
    model = IsotonicRegression(out_of_bounds="clip").fit(np.array(xs), np.array(ys))
    return {
        "name": name,
        "boundaries": floats(b),
        "positives": [int(k) for k in positives],
        "totals": [int(n) for n in totals],
        "map": floats(model.predict(s)),
    }


unit = [k / 20 for k in range(21)]
maps = [
    map_case("two buckets out of order", [0, 0.5, 1], [0, 6, 5, 0], [0, 10, 10, 0]),
    map_case("empty inner buckets interpolated", [0, 0.25, 0.5, 0.75, 1], [1, 2, 0, 0, 9, 0], [10, 10, 0, 0, 10, 0]),
]
for trial in range(4):
    totals = rng.integers(0, 60, 22)
    totals[rng.integers(0, 22, 3)] = 0
    totals[5] = max(totals[5], 1)
    true = np.clip(bucket_scores(np.array(unit)) * (0.6 + 0.2 * trial) + rng.normal(0, 0.1, 22), 0, 1)
    positives = rng.binomial(totals, true)
    maps.append(map_case(f"random table on the 0.05 buckets, trial {trial}", unit, positives, totals))

write("isotonic", cases, sklearn=sklearn.__version__, maps=maps)
