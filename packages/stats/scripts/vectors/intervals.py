"""Binomial proportion intervals, classification metrics and special functions from scipy, for
test/intervals.test.ts and test/special.test.ts.

Intervals are scipy.stats.binomtest(k, n).proportion_ci(confidence, method) with method 'wilson' or
'exact' (Clopper-Pearson). binomtest finds the exact limits with brentq (xtol 2e-12), so each case also
records the same limits from the Beta quantiles (scipy.stats.beta.ppf / isf, Boost) for a tighter check.

Classification metrics are computed here independently of the TypeScript code: each proportion is a
binomtest interval on its own successes / trials; the F1 interval maps the interval of the Jaccard index
J = tp / (tp + fp + fn) through F1 = 2J / (1 + J). Undefined metrics (0 / 0) are None with [0, 1].

Special-function spot values ("special"): scipy.special gammainc, gammaincc, betainc (with the Boost
value of scipy.stats.beta.cdf next to it, as the two disagree on a few extreme cases), ndtri,
scipy.stats.chi2.sf, and Beta quantiles from scipy.stats.beta.ppf (special.betaincinv where Boost
reports a failed search).
"""
import warnings

import numpy as np
from scipy import special
from scipy.stats import beta, binomtest, chi2

from common import write

rng = np.random.default_rng(20261127)
CONFIDENCES = [0.9, 0.95, 0.99]
METHODS = {"wilson": "wilson", "clopper-pearson": "exact"}


def binom_ci(k, n, confidence, method):
    with warnings.catch_warnings():
        # binomtest also computes a p-value against p = 0.5, whose pmf underflows for n = 10**6 and
        # warns; the interval does not use it.
        warnings.simplefilter("ignore", RuntimeWarning)
        ci = binomtest(int(k), int(n)).proportion_ci(confidence_level=confidence, method=METHODS[method])
    return float(ci.low), float(ci.high)


def beta_limits(k, n, confidence):
    """Clopper-Pearson limits straight from the Beta quantiles (no root finder)."""
    alpha = (1 - confidence) / 2
    lower = 0.0 if k == 0 else float(beta.ppf(alpha, k, n - k + 1))
    upper = 1.0 if k == n else float(beta.isf(alpha, k + 1, n - k))
    return lower, upper


# ---- proportion intervals -------------------------------------------------------------------------
pairs = {(0, 1), (1, 1), (0, 2), (1, 2), (2, 2)}
pairs |= {(k, 10) for k in range(11)}
pairs |= {(k, 100) for k in (0, 1, 2, 5, 17, 50, 83, 98, 99, 100)}
pairs |= {(k, 1000) for k in (0, 1, 3, 250, 999, 1000)}
pairs |= {(k, 10**6) for k in (0, 1, 2, 10, 1000, 123456, 500000, 999990, 999999, 10**6)}
for _ in range(40):
    n = int(10 ** rng.uniform(0, 5.5))
    pairs.add((int(rng.integers(0, n + 1)), n))

proportion_cases = []
for k, n in sorted(pairs, key=lambda kn: (kn[1], kn[0])):
    for confidence in CONFIDENCES:
        wl, wh = binom_ci(k, n, confidence, "wilson")
        el, eh = binom_ci(k, n, confidence, "clopper-pearson")
        bl, bh = beta_limits(k, n, confidence)
        proportion_cases.append({
            "successes": k,
            "n": n,
            "confidence": confidence,
            "wilson": [wl, wh],
            "clopperPearson": [el, eh],
            "clopperPearsonBeta": [bl, bh],
        })


# ---- classification metrics -----------------------------------------------------------------------
def metric(successes, trials, confidence, method, transform=None):
    if trials == 0:
        return None
    lo, hi = binom_ci(successes, trials, confidence, method)
    value = successes / trials
    if transform is not None:
        value, lo, hi = transform(value), transform(lo), transform(hi)
    return {"value": value, "lower": lo, "upper": hi}


def f1_from_jaccard(j):
    return 2 * j / (1 + j)


matrices = [
    (0, 0, 0, 5),  # no positives at all: precision, recall and F1 undefined
    (0, 3, 0, 7),  # no true positives: precision 0, recall undefined
    (0, 0, 4, 6),  # nothing predicted positive: precision undefined
    (0, 2, 3, 5),  # F1 = 0 but defined
    (5, 0, 0, 0),  # perfect, no negatives
    (7, 0, 0, 9),  # perfect classifier
    (1, 0, 0, 0),
    (90, 10, 5, 895),
    (40, 60, 10, 890),
    (3, 1, 2, 10**6),
    (123456, 2345, 34567, 839632),
]
for _ in range(20):
    matrices.append(tuple(int(v) for v in rng.integers(0, [200, 80, 80, 2000])))

classification_cases = []
for tp, fp, fn, tn in matrices:
    total = tp + fp + fn + tn
    for method in METHODS:
        for confidence in CONFIDENCES:
            classification_cases.append({
                "counts": {"tp": tp, "fp": fp, "fn": fn, "tn": tn},
                "method": method,
                "confidence": confidence,
                "precision": metric(tp, tp + fp, confidence, method),
                "recall": metric(tp, tp + fn, confidence, method),
                "f1": metric(tp, tp + fp + fn, confidence, method, f1_from_jaccard),
                "accuracy": metric(tp + tn, total, confidence, method),
                "baseRate": metric(tp + fn, total, confidence, method),
            })


# ---- special functions ----------------------------------------------------------------------------
def spot(fn, args, value):
    return {"fn": fn, "args": [float(a) for a in args], "value": float(value)}


def beta_quantile(p, a, b):
    """beta.ppf (Boost), unless Boost reports a failed root search: then special.betaincinv (Cephes).

    Boost's ppf fails for example at p = 1e-300, a = 3, b = 1e4 (returns 1.9e-33, the root is 1.8e-104).
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = beta.ppf(p, a, b)
    if caught:
        value = special.betaincinv(a, b, p)
        assert abs(special.betainc(a, b, value) / p - 1) < 1e-9, (p, a, b, value)
    return value


special_cases = []
gamma_a = [1e-3, 0.1, 0.5, 1, 1.5, 2.5, 5, 9.5, 10, 24.5, 50, 150, 1e3, 1e4, 1e5]
for a in gamma_a:
    for factor in [1e-3, 0.1, 0.5, 0.9, 0.99, 1, 1.01, 1.1, 2, 5, 20, 100]:
        x = a * factor
        special_cases.append(spot("gammainc", [a, x], special.gammainc(a, x)))
        special_cases.append(spot("gammaincc", [a, x], special.gammaincc(a, x)))
for x in [1e-10, 0.3, 7, 40, 300, 700]:
    special_cases.append(spot("gammaincc", [0.5, x], special.gammaincc(0.5, x)))

beta_ab = [(0.5, 0.5), (1, 1), (2, 3), (0.1, 5), (5, 0.1), (10, 10), (1, 10**6), (10**6, 2),
           (20.5, 400), (500, 500), (5e5, 5e5 + 1), (3, 1e4), (1e-3, 1e-3), (0.3, 40)]
for a, b in beta_ab:
    mean = a / (a + b)
    sd = np.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))
    xs = {1e-300, 1e-12, 1e-4, 0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 1 - 1e-9}
    xs |= {float(np.clip(mean + z * sd, 1e-300, 1 - 1e-16)) for z in (-8, -3, -1, 0, 1, 3, 8)}
    for x in sorted(xs):
        case = spot("betainc", [x, a, b], special.betainc(a, b, x))
        # Cephes (special.betainc) and Boost (stats.beta.cdf) differ by up to ~3e-9 for huge or extreme
        # parameters, each being the less accurate one somewhere; both are kept and a test passes
        # when it matches either one.
        with warnings.catch_warnings():
            # Boost warns "divide by zero" where the upper tail underflows (x = 0.9, a = 20.5, b = 400);
            # the value it returns, 1.0, is right.
            warnings.simplefilter("ignore", RuntimeWarning)
            case["boost"] = float(beta.cdf(x, a, b))
        special_cases.append(case)
    for p in [1e-300, 1e-50, 1e-10, 1e-3, 0.025, 0.3, 0.5, 0.7, 0.975, 0.999]:
        special_cases.append(spot("betaincinv", [p, a, b], beta_quantile(p, a, b)))

for p in [1e-300, 1e-200, 1e-100, 1e-50, 1e-20, 1e-10, 1e-5, 0.001, 0.01, 0.025, 0.05, 0.075, 0.0751,
          0.1, 0.25, 0.4, 0.5, 0.6, 0.75, 0.9, 0.925, 0.95, 0.975, 0.99, 0.999, 1 - 1e-5, 1 - 1e-10]:
    special_cases.append(spot("ndtri", [p], special.ndtri(p)))

for dof in [1, 2, 3, 7, 10, 49, 100, 1000]:
    for x in [0, 1e-8, 0.5, 1, dof / 2, dof, dof + 3 * np.sqrt(2 * dof), 2 * dof + 10, 100, 300, 1000,
              1400, 1500, 5000, 1e5]:
        special_cases.append(spot("chi2sf", [x, dof], chi2.sf(x, dof)))

write("intervals", proportion_cases, classification=classification_cases, special=special_cases)
