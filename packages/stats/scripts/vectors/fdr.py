"""Benjamini-Hochberg step-up decisions for test/benjamini-hochberg.test.ts.

scipy 1.10 has no false_discovery_control, so this is an independent implementation written from the
definition: sort the p-values, find the largest k with p_(k) <= k q / m using exact rational arithmetic
(fractions.Fraction of the doubles), and reject every hypothesis whose p-value is <= p_(k). Cases where
some p_(k) lies within a relative 1e-9 of its bound k q / m are skipped, so that the float comparison in
the TypeScript code cannot legitimately round the other way.
"""
from fractions import Fraction

import numpy as np

from common import write

rng = np.random.default_rng(20261129)
cases = []


def step_up(p_values, q):
    m = len(p_values)
    order = sorted(p_values)
    threshold = None
    for k in range(m, 0, -1):
        if Fraction(order[k - 1]) <= Fraction(k) * Fraction(q) / m:
            threshold = order[k - 1]
            break
    return [threshold is not None and p <= threshold for p in p_values]


def near_boundary(p_values, q):
    m = len(p_values)
    for k, p in enumerate(sorted(p_values), start=1):
        bound = k * q / m
        if bound > 0 and abs(p - bound) <= 1e-9 * bound:
            return True
    return False


def add(label, p_values, q):
    p_values = [float(p) for p in p_values]
    if near_boundary(p_values, q):
        return
    cases.append({"label": label, "pValues": p_values, "q": q, "rejected": step_up(p_values, q)})


# Benjamini & Hochberg (1995), section 4: at q = 0.05 the four smallest are rejected.
published = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.3240, 0.4262,
             0.5719, 0.6528, 0.7590, 1.000]
for q in (0.01, 0.05, 0.1, 0.2):
    add(f"Benjamini-Hochberg 1995 example, q = {q}", published, q)
shuffled = list(published)
rng.shuffle(shuffled)
add("Benjamini-Hochberg 1995 example, shuffled", shuffled, 0.05)

add("empty", [], 0.05)
add("single small", [0.01], 0.05)
add("single large", [0.2], 0.05)
add("all ones", [1.0] * 6, 0.05)
add("all zeros", [0.0] * 4, 0.05)
add("ties across the cut", [0.001, 0.02, 0.02, 0.02, 0.3, 0.9], 0.1)
add("ties kept together", [0.04, 0.04, 0.04, 0.5], 0.05)
add("step-up beats step-down", [0.04, 0.045, 0.048], 0.05)

for i in range(40):
    m = int(rng.integers(2, 300))
    signals = int(rng.integers(0, m + 1))
    p = np.concatenate([rng.beta(0.1, 8, signals), rng.uniform(0, 1, m - signals)])
    if rng.random() < 0.3:
        # Introduce ties by rounding to a coarse grid.
        p = np.round(p, int(rng.integers(2, 4)))
    rng.shuffle(p)
    q = float(rng.choice([0.01, 0.05, 0.1, 0.25]))
    add(f"random {i} (m = {m}, {signals} signals, q = {q})", p, q)

write("fdr", cases)
