"""Regularized incomplete gamma at very large shapes, for test/special.test.ts, from mpmath.

Q(a, x) = mpmath.gammainc(a, x, inf, regularized=True) at 40 digits, P = 1 − Q (no P here is below
1e-7, so 40 digits keep it exact). scipy is not the reference here: its gammainc(1e10, 1e10 − 5e5) is 2.8e-8 where mpmath
gives 2.87e-7 (the normal limit is 2.87e-7).
"""
import math

import mpmath

from common import write

mpmath.mp.dps = 40
cases = []
# Each point at a = 1e14 takes mpmath about 25 s, so there is one.
points = [(a, k) for a in [1e10 + 1, 1e11, 1e12] for k in [-5, -1, -0.1, 0, 0.1, 1, 5, 30]] + [(1e14, 1)]
for a, k in points:
    x = a + k * math.sqrt(a)
    q = mpmath.gammainc(mpmath.mpf(a), mpmath.mpf(x), mpmath.inf, regularized=True)
    cases.append({"a": a, "x": x, "q": float(q), "p": float(1 - q)})
write("gamma-large", cases, mpmath=mpmath.__version__)
