"""Histogram distances computed with scipy / numpy, for test/distances.test.ts."""
import numpy as np
from scipy.spatial.distance import jensenshannon
from scipy.stats import entropy, wasserstein_distance

from common import floats, write

rng = np.random.default_rng(20261126)
cases = []


def add(label, p, q, edges):
    p = np.asarray(p, dtype=float)
    q = np.asarray(q, dtype=float)
    ps, qs = p / p.sum(), q / q.sum()
    eps = 1e-4
    both_empty = (ps == 0) & (qs == 0)
    a = np.where(ps == 0, eps, ps)
    b = np.where(qs == 0, eps, qs)
    psi_value = float(np.sum(np.where(both_empty, 0.0, (b - a) * np.log(b / a))))
    mids = (np.asarray(edges[:-1]) + np.asarray(edges[1:])) / 2
    kl = entropy(qs, ps) if np.all(ps[qs > 0] > 0) else None
    cases.append({
        "label": label,
        "p": floats(p),
        "q": floats(q),
        "edges": floats(edges),
        "d1": float(np.abs(ps - qs).sum()),
        "totalVariation": float(np.abs(ps - qs).sum() / 2),
        "psi": psi_value,
        "jsDistance": float(jensenshannon(ps, qs, base=2)),
        "hellinger": float(np.sqrt(np.sum((np.sqrt(ps) - np.sqrt(qs)) ** 2) / 2)),
        # klDivergence(q, p) = D(q‖p) = scipy.stats.entropy(q, p); None when infinite.
        "klQP": None if kl is None else float(kl),
        "lInfinity": float(np.abs(ps - qs).max()),
        "ksBinned": float(np.abs(np.cumsum(ps) - np.cumsum(qs)).max()),
        "wassersteinBinned": float(wasserstein_distance(mids, mids, p, q)),
    })


unit = [k / 20 for k in range(21)]
add("identical", [5, 3, 2], [10, 6, 4], [0, 1, 2, 3])
add("disjoint", [1, 0], [0, 1], [0, 1, 2])
add("two bins", [50, 50], [80, 20], [0, 0.5, 1])
add("empty bins on both sides", [0, 10, 0, 5, 5], [3, 10, 0, 0, 7], [0, 1, 2, 4, 8, 16])
for i in range(12):
    bins = int(rng.integers(2, 30))
    edges = np.sort(rng.uniform(-5, 5, bins + 1))
    p = rng.multinomial(int(rng.integers(10, 100000)), rng.dirichlet(np.ones(bins)))
    q = rng.multinomial(int(rng.integers(10, 100000)), rng.dirichlet(np.ones(bins) * 3))
    if p.sum() == 0 or q.sum() == 0:
        continue
    add(f"random {i} ({bins} bins)", p, q, edges)
# Score histograms on the 0..1 step 0.05 buckets, one shifted.
base = rng.beta(2, 5, 5000)
shifted = np.clip(rng.beta(2.6, 5, 700), 0, 1)
add("score shift", np.histogram(base, unit)[0], np.histogram(shifted, unit)[0], unit)
write("distances", cases)
