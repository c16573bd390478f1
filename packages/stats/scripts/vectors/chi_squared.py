"""Chi-squared test of homogeneity on two category count maps, from scipy.stats.chi2_contingency, for
test/chi-squared.test.ts.

The 2 x k table is taken over the union of keys (a missing key counts 0); columns with a zero total are
dropped before calling chi2_contingency(table, correction=False). A table left with one column has no
degrees of freedom: scipy returns statistic 0, p-value 1, dof 0.
"""
import numpy as np
from scipy.stats import chi2_contingency

from common import write

rng = np.random.default_rng(20261128)
cases = []


def add(label, ref, cur):
    keys = sorted(set(ref) | set(cur))
    table = np.array([[ref.get(k, 0) for k in keys], [cur.get(k, 0) for k in keys]], dtype=float)
    table = table[:, table.sum(axis=0) > 0]
    statistic, p_value, dof, _ = chi2_contingency(table, correction=False)
    cases.append({
        "label": label,
        "ref": ref,
        "cur": cur,
        "statistic": float(statistic),
        "pValue": float(p_value),
        "dof": int(dof),
    })


def counts(keys, values):
    return {k: int(v) for k, v in zip(keys, values)}


# Hand-made edge cases.
add("two categories", {"a": 50, "b": 50}, {"a": 80, "b": 20})
add("identical proportions", {"a": 2, "b": 4, "c": 6}, {"a": 1, "b": 2, "c": 3})
add("unseen key on cur", {"a": 10, "b": 5}, {"a": 8, "b": 4, "new": 3})
add("unseen key on ref", {"a": 10, "b": 5, "gone": 7}, {"a": 8, "b": 4})
add("zero column dropped", {"a": 10, "b": 0, "c": 4}, {"a": 3, "b": 0, "c": 9})
add("single category left", {"a": 10, "b": 0}, {"a": 3})
add("single category", {"only": 5}, {"only": 9})
add("disjoint supports", {"x": 30}, {"y": 12})
add("unicode and empty keys", {"": 3, "é": 7, "日本": 1}, {"": 9, "é": 2, "日本": 4})
add("tiny p-value", {"a": 10**6, "b": 10**6}, {"a": 10**6 + 20000, "b": 10**6 - 20000})
add("p-value underflows to 0", {"a": 10**9, "b": 10**9}, {"a": 2 * 10**9, "b": 10**9})
add("huge counts, small shift", {"a": 10**12, "b": 3 * 10**12}, {"a": 10**12 + 10**6, "b": 3 * 10**12})
add("weights", {"a": 2.5, "b": 7.25}, {"a": 4.75, "b": 1.5})

# Seeded random tables: 2..50 categories, totals from tens to 1e11, some keys seen on one side only.
for i in range(60):
    k = int(rng.integers(2, 51))
    keys = [f"c{j}" for j in range(k)]
    scale = float(10 ** rng.uniform(1, 11))
    base = rng.dirichlet(np.ones(k) * rng.uniform(0.3, 5))
    drift = rng.dirichlet(np.ones(k) * rng.uniform(0.3, 5))
    mix = float(rng.choice([0.0, 0.001, 0.01, 0.1, 0.5]))
    r = rng.multinomial(int(scale), base)
    c = rng.multinomial(int(scale * rng.uniform(0.1, 3)) + 1, (1 - mix) * base + mix * drift)
    ref, cur = counts(keys, r), counts(keys, c)
    # Unseen keys: drop a few keys from one side entirely, and force a column to zero on both.
    for key in rng.choice(keys, size=int(rng.integers(0, 3)), replace=False):
        ref.pop(str(key), None)
    for key in rng.choice(keys, size=int(rng.integers(0, 3)), replace=False):
        cur.pop(str(key), None)
    if k > 3 and rng.random() < 0.3:
        zero = keys[int(rng.integers(0, k))]
        ref[zero] = 0
        cur[zero] = 0
    if sum(ref.values()) == 0 or sum(cur.values()) == 0:
        continue
    add(f"random {i} ({k} categories, scale {scale:.3g}, drift {mix})", ref, cur)

write("chi-squared", cases)
