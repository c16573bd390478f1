"""Large-sample null laws from scipy, for test/null-threshold.test.ts and test/special.test.ts.

- chiSquaredIsf: scipy.stats.chi2.isf(q, dof), the inverse of the chi-squared survival function.
- quadratic: under no drift n_eff·PSI, 2·n_eff·KL, 8·n_eff·ln2·JSD and 8·n_eff·H² all tend to
  χ²(k' − 1) (k' bins with reference mass; n_eff = n·m/(n + m) for a reference sample of m), so the
  (1 − α) thresholds are chi2.isf(α, k' − 1) divided by those factors (square roots for the JS distance
  and Hellinger).
- twoBin: on two bins √n·(q₁ − p) → N(0, p(1 − p)), so √n·D1 → 2·|N(0, p(1 − p))| and the threshold is
  2·√(p(1 − p)/n)·norm.isf(α/2); L∞ and binned KS are half of it.
- kolmogorov: scipy.stats.kstwobign.isf(α), the limit of √n·KS for a continuous reference, which
  binned KS on many equal bins approaches from below.
"""
import math

from scipy.stats import chi2, kstwobign, norm

from common import write

cases = []
for q, dof in [(0.05, 1), (0.01, 1), (0.01, 9), (0.05, 9), (0.01, 19), (0.001, 4), (1e-12, 3), (0.5, 0.3),
               (0.999, 2), (0.3, 21), (0.01, 1000), (1e-300, 50), (0.9, 0.5), (0.2, 150.5),
               # q close to 1 at few degrees of freedom: roots close to 0
               (0.99, 1.5), (0.995, 2), (0.9998, 2), (0.99999, 2.5), (0.999999, 3), (0.9993, 3.5),
               (0.99995, 4), (0.5000001, 1), (0.75, 0.5), (1 - 1e-12, 1), (0.6, 1000)]:
    cases.append({"kind": "chiSquaredIsf", "q": q, "dof": dof, "x": float(chi2.isf(q, dof))})

references = {
    "uniform10": [1] * 10,
    "skewed10": [0.02, 0.05, 0.1, 0.2, 0.25, 0.18, 0.1, 0.06, 0.03, 0.01],
    "profile22": [0] + [1] * 20 + [0],
    "categorical5": [40, 30, 15, 10, 5],
}
for name, shares in references.items():
    k = sum(1 for s in shares if s > 0)
    for alpha in (0.01, 0.05):
        for n, m in [(50_000, None), (1_000_000, None), (200_000, 100_000)]:
            n_eff = n if m is None else n * m / (n + m)
            x = float(chi2.isf(alpha, k - 1))
            jsd = x / (8 * n_eff * math.log(2))
            cases.append({
                "kind": "quadratic", "reference": name, "shares": shares, "alpha": alpha, "n": n,
                "referenceN": m,
                "psi": x / n_eff,
                "klDivergence": x / (2 * n_eff),
                "jensenShannonDivergence": jsd,
                "jensenShannon": math.sqrt(jsd),
                "hellinger": math.sqrt(x / (8 * n_eff)),
            })

for p in (0.5, 0.3, 0.1):
    for alpha in (0.01, 0.05):
        for n in (10_000, 1_000_000):
            d1 = 2 * math.sqrt(p * (1 - p) / n) * float(norm.isf(alpha / 2))
            cases.append({"kind": "twoBin", "p": p, "alpha": alpha, "n": n, "d1": d1})

for alpha in (0.01, 0.05):
    cases.append({"kind": "kolmogorov", "alpha": alpha, "x": float(kstwobign.isf(alpha))})

write("asymptotic", cases)
