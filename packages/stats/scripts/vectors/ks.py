#!/usr/bin/python3
"""Reference vectors for ksSamples (two-sample KS test) and ksOneSampleSf (two-sided one-sample KS
distribution), computed with scipy.stats.ks_2samp and scipy.stats.kstwo.

Run from the repository root with the system interpreter (it has scipy):

    /usr/bin/python3 packages/stats/scripts/vectors/ks.py

Writes packages/stats/test/vectors/ks.json.

Small inputs (<= 2000 values) are drawn with seeded numpy generators and stored verbatim. Large inputs
are produced by a 32-bit linear congruential generator whose recipe is stored instead, so the
TypeScript test rebuilds them bit for bit:

    state <- (1664525 * state + 1013904223) mod 2^32       (all integers < 2^53: exact in doubles)
    kind "sum3": value = (s1 + s2 + s3 + offset) / 2^32    (three consecutive states; exact dyadic)
    kind "int":  value = floor(s / 2^(32 - bits)) + offset (integers: heavy ties)
"""

import json
import math
import pathlib
import warnings

import numpy as np
import scipy
from scipy import stats

OUT = pathlib.Path(__file__).resolve().parents[2] / "test" / "vectors" / "ks.json"
INLINE_MAX = 2000

LCG_A = 1664525
LCG_C = 1013904223
LCG_M = 2**32


def lcg_values(recipe):
    state = recipe["seed"]
    count = recipe["count"]
    kind = recipe["kind"]
    offset = recipe["offset"]
    out = np.empty(count, dtype=np.float64)
    if kind == "sum3":
        for i in range(count):
            total = offset
            for _ in range(3):
                state = (LCG_A * state + LCG_C) % LCG_M
                total += state
            out[i] = total / LCG_M
    elif kind == "int":
        shift = 32 - recipe["bits"]
        for i in range(count):
            state = (LCG_A * state + LCG_C) % LCG_M
            out[i] = (state >> shift) + offset
    else:
        raise ValueError(kind)
    return out


def sum3(seed, count, shift=0.0):
    return {"seed": seed, "count": count, "kind": "sum3", "offset": int(round(shift * LCG_M))}


def ints(seed, count, bits, offset=0):
    return {"seed": seed, "count": count, "kind": "int", "bits": bits, "offset": offset}


sample_cases = []


def add(name, a, b):
    """a, b: numpy arrays (stored inline) or LCG recipes (dicts)."""
    entry = {"name": name}
    arrays = []
    for key, value in (("a", a), ("b", b)):
        if isinstance(value, dict):
            entry[key + "Recipe"] = value
            arrays.append(lcg_values(value))
        else:
            arr = np.asarray(value, dtype=np.float64)
            assert arr.size <= INLINE_MAX
            entry[key] = arr.tolist()
            arrays.append(arr)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = stats.ks_2samp(arrays[0], arrays[1])
    fell_back = any("Exact calculation unsuccessful" in str(w.message) for w in caught)
    n1, n2 = arrays[0].size, arrays[1].size
    entry["n1"] = n1
    entry["n2"] = n2
    # "exact-fallback": the exact probability left [0, 1] by rounding and scipy used the asymptotic one.
    entry["mode"] = ("exact-fallback" if fell_back else "exact") if max(n1, n2) <= 10000 else "asymp"
    entry["statistic"] = float(res.statistic)
    entry["pValue"] = float(res.pvalue)
    assert math.isfinite(entry["statistic"]) and math.isfinite(entry["pValue"])
    sample_cases.append(entry)


# --- Ties (rounded values / integers), unequal sizes ---------------------------------------------
rng = np.random.default_rng(11)
add("ties: normal rounded to 0.1, 300 vs 217", np.round(rng.normal(0, 1, 300), 1),
    np.round(rng.normal(0.15, 1, 217), 1))
rng = np.random.default_rng(12)
add("ties: integers 0..19 vs 0..21, 150 vs 401", rng.integers(0, 20, 150), rng.integers(0, 22, 401))
rng = np.random.default_rng(13)
add("ties: exponential rounded to 0.01, 1000 vs 777", np.round(rng.exponential(1.0, 1000), 2),
    np.round(rng.exponential(1.1, 777), 2))
rng = np.random.default_rng(14)
add("ties: poisson, 64 vs 48", rng.poisson(3.0, 64), rng.poisson(3.5, 48))
rng = np.random.default_rng(15)
add("ties: few distinct values, 30 vs 45", rng.integers(0, 3, 30), rng.integers(0, 3, 45))

# --- Equal sizes ----------------------------------------------------------------------------------
rng = np.random.default_rng(21)
add("equal: normal, 500 vs 500", rng.normal(0, 1, 500), rng.normal(0.1, 1, 500))
rng = np.random.default_rng(22)
add("equal: integers with ties, 200 vs 200", rng.integers(0, 10, 200), rng.integers(0, 10, 200))
rng = np.random.default_rng(23)
add("equal: shifted normal, 100 vs 100", rng.normal(0, 1, 100), rng.normal(1.5, 1, 100))
rng = np.random.default_rng(24)
add("equal: 2000 vs 2000", rng.normal(0, 1, 2000), rng.normal(0, 1.05, 2000))

# --- Small sizes ----------------------------------------------------------------------------------
for k, (n1, n2) in enumerate([(1, 1), (1, 2), (2, 1), (2, 2), (1, 5), (2, 5), (5, 5), (5, 2), (5, 1),
                              (3, 5), (5, 7), (1, 40)]):
    rng = np.random.default_rng(300 + k)
    add(f"small: {n1} vs {n2}", rng.normal(0, 1, n1), rng.normal(0.3, 1, n2))
add("small: separated 5 vs 5", np.arange(1, 6), np.arange(6, 11))
add("small: separated 1 vs 1", [0.0], [1.0])
add("small: separated 2 vs 5", [10.0, 11.0], [1.0, 2.0, 3.0, 4.0, 5.0])
add("small: all tied 2 vs 5", [1.0, 1.0], [1.0, 1.0, 1.0, 1.0, 1.0])
add("small: interleaved 5 vs 5", [1.0, 3.0, 5.0, 7.0, 9.0], [2.0, 4.0, 6.0, 8.0, 10.0])

# --- Identical and clearly different samples ------------------------------------------------------
rng = np.random.default_rng(41)
same = rng.normal(0, 1, 500)
add("identical: same 500 values", same, same)
add("identical: permuted", same, rng.permutation(same))
tied = rng.integers(0, 5, 300)
add("identical: tied integers", tied, rng.permutation(tied))
rng = np.random.default_rng(42)
add("different: normal(0) vs normal(3), 1000 vs 1000", rng.normal(0, 1, 1000), rng.normal(3, 1, 1000))
add("different: normal(0) vs normal(1), 800 vs 1200", rng.normal(0, 1, 800), rng.normal(1, 1, 1200))
add("different: 60 vs 90", rng.normal(0, 1, 60), rng.normal(1.2, 1, 90))

# --- Medium unequal (exact, inside method) --------------------------------------------------------
rng = np.random.default_rng(51)
add("exact: 2000 vs 1999", rng.normal(0, 1, 2000), rng.normal(0.05, 1, 1999))
add("exact: coprime 997 vs 1009", rng.normal(0, 1, 997), rng.normal(0, 1, 1009))
add("exact: 1500 vs 500", rng.normal(0, 1, 1500), rng.normal(0.1, 1, 500))

# --- Around the 10 000 boundary (generated) -------------------------------------------------------
add("boundary: 10000 vs 10000 (exact)", sum3(1, 10000), sum3(2, 10000, 0.01))
add("boundary: 10000 vs 10000 different (exact)", sum3(3, 10000), sum3(4, 10000, 0.1))
add("boundary: 10000 vs 9999 (exact)", sum3(5, 10000), sum3(6, 9999, 0.01))
add("boundary: 10000 vs 9999 ties (exact)", ints(7, 10000, 6), ints(8, 9999, 6))
add("boundary: 10001 vs 9999 (asymptotic)", sum3(9, 10001), sum3(10, 9999, 0.01))
add("boundary: 10001 vs 10001 (asymptotic, n_eff = 5000.5 rounds to even)", sum3(11, 10001),
    sum3(12, 10001))
add("boundary: 10000 vs 3000 (exact)", sum3(13, 10000), sum3(14, 3000, 0.03))
add("boundary: 10000 vs 7 (exact)", sum3(15, 10000), sum3(16, 7, 0.2))
add("boundary: 10001 vs 7 (asymptotic)", sum3(17, 10001), sum3(18, 7, 0.2))

# --- Large, asymptotic ----------------------------------------------------------------------------
add("asymptotic: 20000 vs 15000", sum3(21, 20000), sum3(22, 15000))
add("asymptotic: 20000 vs 15000 ties", ints(23, 20000, 8), ints(24, 15000, 8))
add("asymptotic: 20000 vs 15000 shifted", sum3(25, 20000), sum3(26, 15000, 0.03))
add("asymptotic: 200000 vs 30000", sum3(27, 200000), sum3(28, 30000))
add("asymptotic: 200000 vs 30000 shifted", sum3(29, 200000), sum3(30, 30000, 0.02))
add("asymptotic: 200000 vs 30000 far apart", sum3(31, 200000), sum3(32, 30000, 0.2))
add("asymptotic: 12000 vs 40", sum3(33, 12000), sum3(34, 40))
add("asymptotic: 12000 vs 40 shifted", sum3(35, 12000), sum3(36, 40, 0.25))
add("asymptotic: 12000 vs 1", sum3(37, 12000), sum3(38, 1))
add("asymptotic: 300000 vs 300000 shifted", sum3(39, 300000), sum3(40, 300000, 0.004))
add("asymptotic: 50000 vs 50000 ties", ints(41, 50000, 10), ints(42, 50000, 10))

# --- One-sample two-sided distribution, kstwo.sf(d, n), on its own -------------------------------
sf_cases = []
grid_rng = np.random.default_rng(99)
for n in [1, 2, 3, 5, 10, 50, 100, 140, 141, 1000, 5000, 100000, 200000, 2000000]:
    ds = {0.0, 1.0, 1.5, 0.5, 0.55, 0.7, 0.9, 0.99, 0.999}
    # n·d around the Ruben–Gambino ranges.
    for t in [0.25, 0.5, 0.5000001, 0.6, 0.75, 0.9, 1.0, 1.0000001, 1.5, 2.5, n - 1.5, n - 1, n - 0.5]:
        ds.add(t / n)
    # n·d² around the method cut-offs (0.754693, 2.2, 4, 18, 370).
    for s in [0.001, 0.01, 0.1, 0.3, 0.5, 0.75, 0.754693, 0.76, 1, 1.5, 2, 2.19, 2.2, 2.21, 3, 3.99,
              4, 4.01, 6, 10, 17.9, 18, 30, 100, 369, 370, 400]:
        ds.add(math.sqrt(s / n))
    # n·d^1.5 around 1.4 (Durbin matrix vs Pelz–Good for 140 < n <= 100000).
    for c in [0.3, 1.0, 1.39, 1.4, 1.41, 2.0]:
        ds.add((c / n) ** (2 / 3))
    for d in grid_rng.uniform(0, 1, 6):
        ds.add(float(d))
    for d in sorted(ds):
        if not 0 <= d <= 1.5:
            continue
        sf = float(stats.kstwo.sf(d, n))
        assert math.isfinite(sf)
        sf_cases.append({"n": n, "d": float(d), "sf": sf})

OUT.parent.mkdir(parents=True, exist_ok=True)
payload = {
    "generator": "packages/stats/scripts/vectors/ks.py",
    "scipy": scipy.__version__,
    "numpy": np.__version__,
    "lcg": {"a": LCG_A, "c": LCG_C, "m": LCG_M},
    "samples": sample_cases,
    "sf": sf_cases,
}
OUT.write_text(json.dumps(payload, allow_nan=False) + "\n")
print(f"wrote {OUT} ({len(sample_cases)} two-sample cases, {len(sf_cases)} sf values)")
