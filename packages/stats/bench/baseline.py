"""The scipy / numpy side of the benchmark: times one operation on data written by run.ts.

Usage: baseline.py SPEC_JSON. Prints {"ms": [...]} (wall time of each repeat, data loading excluded).
"""
import json
import sys
import time

import numpy as np
from scipy.stats import ks_2samp, wasserstein_distance

BOUNDARIES = np.array([k / 20 for k in range(21)])


def numeric_profile(column):
    """What buildProfile computes for one numeric feature, vectorised in numpy."""
    knots = np.unique(np.quantile(column, np.arange(101) / 100))
    ordered = np.sort(column)
    cdf = np.searchsorted(ordered, knots, side="right") / len(column)
    t = np.interp(column, knots, cdf)
    shares = np.bincount(np.searchsorted(BOUNDARIES, t, side="left"), minlength=len(BOUNDARIES) + 1) / len(column)
    return knots, cdf, shares, column.min(), column.max(), column.mean(), column.std()


def main():
    spec = json.loads(sys.argv[1])
    arrays = [np.fromfile(f, dtype="<f8") for f in spec["files"]]
    if spec["op"] == "ks":
        run = lambda: ks_2samp(arrays[0], arrays[1])
    elif spec["op"] == "wasserstein":
        run = lambda: wasserstein_distance(arrays[0], arrays[1])
    elif spec["op"] == "profile":
        matrix = arrays[0].reshape(spec["rows"], spec["columns"])
        columns = [np.ascontiguousarray(matrix[:, j]) for j in range(spec["columns"])]
        run = lambda: [numeric_profile(c) for c in columns]
    else:
        raise SystemExit(f"unknown op {spec['op']}")
    run()  # warm-up
    times = []
    for _ in range(spec["repeats"]):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    print(json.dumps({"ms": times}))


main()
