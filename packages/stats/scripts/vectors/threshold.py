"""Exact null distributions from scipy.stats.binom, for test/null-threshold.test.ts.

With two bins and shares (p, 1 − p), a window of n draws has X ~ Binomial(n, p) in the first bin, and
D1 = 2·|X/n − p|, L∞ = KS = |X/n − p|: their (1 − α) quantiles follow exactly from the binomial pmf.
With ten equal bins the mean D1 is 10·E|X/n − 0.1| for X ~ Binomial(n, 0.1) (linearity of expectation).
"""
import numpy as np
from scipy.stats import binom

from common import write

# The test simulates SIMULATIONS windows; keep only cases whose CDF jump around 1 − α is at least six
# Monte Carlo standard errors away, so the simulated quantile must land on the exact one.
SIMULATIONS = 200_000
cases = []
candidates = [(n, p, alpha) for n in (57, 200, 1000, 5000, 20000) for p in (0.5, 0.3, 0.25, 0.1, 0.02) for alpha in (0.05, 0.01)]
for n, p, alpha in candidates:
    x = np.arange(n + 1)
    pmf = binom.pmf(x, n, p)
    d = np.abs(x / n - p)
    order = np.argsort(d, kind="stable")
    values, cdf = [], []
    for i in order:  # merge equal distances
        if values and abs(d[i] - values[-1]) < 1e-15:
            cdf[-1] += pmf[i]
        else:
            values.append(d[i])
            cdf.append((cdf[-1] if cdf else 0.0) + pmf[i])
    cdf = np.array(cdf)
    j = int(np.argmax(cdf >= 1 - alpha))
    margin = min(cdf[j] - (1 - alpha), (1 - alpha) - (cdf[j - 1] if j > 0 else 0.0))
    if margin < 6 * np.sqrt(alpha * (1 - alpha) / SIMULATIONS):
        continue
    cases.append({
        "kind": "twoBinQuantile", "n": n, "p": p, "alpha": alpha,
        "simulations": SIMULATIONS, "lInfinity": float(values[j]), "d1": float(2 * values[j]), "margin": float(margin),
    })

for n in [200, 5000]:
    x = np.arange(n + 1)
    mean_abs = float(np.sum(binom.pmf(x, n, 0.1) * np.abs(x / n - 0.1)))
    cases.append({"kind": "uniformTenMeanD1", "n": n, "meanD1": 10 * mean_abs})

for n, p in [(40, 0.5), (1000, 0.3), (100000, 0.07), (12, 0.9), (500, 0.02)]:
    x = np.arange(n + 1)
    cdf = binom.cdf(x, n, p)
    lo, hi = int(binom.ppf(1e-9, n, p)), int(binom.ppf(1 - 1e-9, n, p))
    cases.append({"kind": "binomialCdf", "n": n, "p": p, "from": lo, "cdf": [float(c) for c in cdf[lo:hi + 1]]})
write("threshold", cases)
