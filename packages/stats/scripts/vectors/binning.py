"""Binning with numpy: quantile edges (numpy.quantile, linear), equal-width (numpy.linspace), histogram."""
import numpy as np

from common import floats, write

rng = np.random.default_rng(7)
cases = []


def quantile_case(label, values, bins):
    q = [k / bins for k in range(bins + 1)]
    edges = np.unique(np.quantile(np.asarray(values, dtype=float), q))
    cases.append({"kind": "quantileEdges", "label": label, "values": floats(values), "bins": bins, "edges": floats(edges)})


def histogram_case(label, values, edges):
    v = np.asarray(values, dtype=float)
    finite = v[~np.isnan(v)]
    counts, _ = np.histogram(finite, edges)
    cases.append({
        "kind": "histogram",
        "label": label,
        "values": [None if np.isnan(x) else float(x) for x in v],
        "edges": floats(edges),
        "counts": [int(c) for c in counts],
        "underflow": int((finite < edges[0]).sum()),
        "overflow": int((finite > edges[-1]).sum()),
        "missing": int(np.isnan(v).sum()),
    })


quantile_case("five values", [1, 2, 3, 4, 5], 4)
quantile_case("ties", [0, 0, 0, 1], 2)
quantile_case("normal 997 values, 10 bins", rng.normal(3, 2, 997), 10)
quantile_case("integers with ties, 100 bins", rng.integers(0, 12, 1500), 100)
quantile_case("lognormal, 7 bins", rng.lognormal(0, 1.5, 333), 7)
quantile_case("single value", [4.2], 5)
for bins, lo, hi in [(4, 0, 1), (20, 0, 1), (7, -3.3, 11.9), (13, 1e-6, 2e-6)]:
    cases.append({"kind": "equalWidthEdges", "min": lo, "max": hi, "bins": bins, "edges": floats(np.linspace(lo, hi, bins + 1))})
vals = np.concatenate([rng.normal(0, 1, 400), [np.nan] * 7, [-10, 10, 3.0, -3.0]])
histogram_case("normal with outliers and NaN", vals, np.linspace(-3, 3, 13))
histogram_case("values on edges", [0, 0.5, 0.5, 1, 2, np.nan, -0.0], [0, 0.5, 1])
histogram_case("uneven edges", rng.exponential(2, 300), [0, 0.1, 0.5, 2, 2.5, 9])
write("binning", cases)
