"""Categorical L∞ over the union of categories, computed with numpy, for test/l-infinity-categorical.test.ts."""
import numpy as np

from common import write

rng = np.random.default_rng(3)
cases = []
for i in range(10):
    universe = [f"c{j}" for j in range(int(rng.integers(2, 40)))]
    ref_keys = [k for k in universe if rng.random() < 0.8] or universe[:1]
    cur_keys = [k for k in universe if rng.random() < 0.8] or universe[-1:]
    ref = {k: int(rng.integers(0, 5000)) for k in ref_keys}
    cur = {k: int(rng.integers(0, 300)) for k in cur_keys}
    if sum(ref.values()) == 0 or sum(cur.values()) == 0:
        continue
    keys = sorted(set(ref) | set(cur))
    r = np.array([ref.get(k, 0) for k in keys], dtype=float)
    c = np.array([cur.get(k, 0) for k in keys], dtype=float)
    cases.append({"ref": ref, "cur": cur, "lInfinity": float(np.abs(r / r.sum() - c / c.sum()).max())})
write("l-infinity-categorical", cases)
