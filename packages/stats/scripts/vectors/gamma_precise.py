"""ln Γ next to its zeros, and the regularized incomplete gamma at small shapes, for test/special.test.ts.

From mpmath at 50 digits, evaluated at the exact doubles the tests pass (not at the decimal literals).
- logGamma: mpmath.loggamma(x) for x next to 1 and 2, where ln Γ is close to 0.
- smallShape: P and Q at shapes a < 1, where Q is small for every x when a is tiny (Q ≈ a·E₁(x)).
"""
import mpmath

from common import write

mpmath.mp.dps = 50
cases = []
for x in [1.0000001, 0.9999999, 2.0000001, 1.9999999, 1.000000000001, 1 + 2**-40, 2 - 2**-45, 0.5, 0.9, 1.3,
          1.5, 1.7, 2.4, 2.5, 0.3, 3.0]:
    cases.append({"kind": "logGamma", "x": x, "value": float(mpmath.loggamma(mpmath.mpf(x)))})
for a, x in [(1e-10, 1e-8), (1e-300, 1e-301), (1e-5, 0.5), (0.3, 1e-3), (0.7, 1.5), (0.99, 0.2), (1e-20, 1.9),
             (0.5, 1e-10), (0.05, 0.05), (0.9, 1.8)]:
    p = mpmath.gammainc(mpmath.mpf(a), 0, mpmath.mpf(x), regularized=True)
    q = mpmath.gammainc(mpmath.mpf(a), mpmath.mpf(x), mpmath.inf, regularized=True)
    cases.append({"kind": "smallShape", "a": a, "x": x, "p": float(p), "q": float(q)})
write("gamma-precise", cases, mpmath=mpmath.__version__)
