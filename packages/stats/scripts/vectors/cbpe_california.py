"""NannyML-style CBPE on NannyML's California housing data, as the reference for estimatedPerformance.

Read in place from shared/datasets/nannyml-california (never copied into the repository); without it
this script writes nothing and the committed vectors stay as they are.

NannyML's CBPE calibrates the model's scores on the reference period with
sklearn.isotonic.IsotonicRegression(out_of_bounds='clip') of the label on the score, then estimates, on
each analysis chunk, E[TP] = sum of calibrated probabilities of rows predicted positive, E[FP] = their
count minus that, E[FN] = the sum over rows predicted negative. The analysis service only sees the
score histogram on the 0.05 buckets (OTel layout: (b[i-1], b[i]]), so the same is done at that
granularity: every score is replaced by its bucket's score (midpoint; 0 for (-inf, 0]; 1 for (1, inf))
before the fit and before the prediction ("bucketed"). Also written, for comparison only:
  raw       - CBPE with the raw scores taken as calibrated (exact sums of scores)
  rowLevel  - NannyML's own granularity: isotonic regression on the raw scores, row by row
  realized  - precision / recall from the delayed ground truth (california_housing_analysis_gt.csv)
Chunks: each calendar month of the analysis period (NannyML's chunk_period='M') and the whole period.
"""
import csv
import os
import sys

import numpy as np
import sklearn
from sklearn.isotonic import IsotonicRegression

from common import floats, write

DATA = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "..", "shared", "datasets", "nannyml-california")
if not os.path.isdir(DATA):
    print(f"  {os.path.relpath(DATA)} is absent: cbpe-california.json left as committed")
    sys.exit(0)

BOUNDARIES = np.array([k / 20 for k in range(21)])
BUCKET_SCORES = np.concatenate([[BOUNDARIES[0]], (BOUNDARIES[:-1] + BOUNDARIES[1:]) / 2, [BOUNDARIES[-1]]])


def read(name):
    with open(os.path.join(DATA, name)) as f:
        return list(csv.DictReader(f))


def bucket(scores):
    return np.searchsorted(BOUNDARIES, scores, side="left")


def cbpe(p, predicted):
    """Expected confusion matrix and precision / recall from probabilities p of the positive class."""
    pos = predicted == 1
    tp, fp = float(p[pos].sum()), float((1 - p[pos]).sum())
    fn, tn = float(p[~pos].sum()), float((1 - p[~pos]).sum())
    return {
        "tp": tp, "fp": fp, "fn": fn, "tn": tn,
        "precision": tp / (tp + fp) if tp + fp > 0 else None,
        "recall": tp / (tp + fn) if tp + fn > 0 else None,
    }


reference = read("california_housing_reference.csv")
ref_score = np.array([float(r["y_pred_proba"]) for r in reference])
ref_label = np.array([int(r["clf_target"]) for r in reference])
bucketed = IsotonicRegression(out_of_bounds="clip").fit(BUCKET_SCORES[bucket(ref_score)], ref_label)
row_level = IsotonicRegression(out_of_bounds="clip").fit(ref_score, ref_label)

analysis = read("california_housing_analysis.csv")
truth = {r["id"]: int(r["clf_target"]) for r in read("california_housing_analysis_gt.csv")}
score = np.array([float(r["y_pred_proba"]) for r in analysis])
predicted = np.array([int(r["y_pred"]) for r in analysis])
actual = np.array([truth[r["id"]] for r in analysis])
month = np.array([r["timestamp"][:7] for r in analysis])

cases = []
for name in [*sorted(set(month)), "all"]:
    rows = np.ones(len(score), dtype=bool) if name == "all" else month == name
    s, yp, y = score[rows], predicted[rows], actual[rows]
    tp = int(((y == 1) & (yp == 1)).sum())
    fp = int(((y == 0) & (yp == 1)).sum())
    fn = int(((y == 1) & (yp == 0)).sum())
    cases.append({
        "chunk": name,
        "rows": int(rows.sum()),
        "predictedPositive": int((yp == 1).sum()),
        "bucketed": cbpe(bucketed.predict(BUCKET_SCORES[bucket(s)]), yp),
        "raw": cbpe(s, yp),
        "rowLevel": cbpe(row_level.predict(s), yp),
        "realized": {
            "tp": tp, "fp": fp, "fn": fn, "tn": int(((y == 0) & (yp == 0)).sum()),
            "precision": tp / (tp + fp) if tp + fp > 0 else None,
            "recall": tp / (tp + fn) if tp + fn > 0 else None,
        },
    })

write(
    "cbpe-california",
    cases,
    sklearn=sklearn.__version__,
    reference={
        "rows": len(reference),
        "positives": int(ref_label.sum()),
        "boundaries": floats(BOUNDARIES),
        "totals": [int(n) for n in np.bincount(bucket(ref_score), minlength=len(BOUNDARIES) + 1)],
        "bucketPositives": [int(n) for n in np.bincount(bucket(ref_score), weights=ref_label, minlength=len(BOUNDARIES) + 1)],
        "calibrated": floats(bucketed.predict(BUCKET_SCORES)),
    },
)
