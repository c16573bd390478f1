"""Baseline profiles recomputed with numpy / scipy / scikit-learn on real credit data.

credit-g (UCI Statlog German credit, read with scipy.io.arff) gets a score column from a scikit-learn
gradient-boosted model, as in the loan-rejection use case; credit_data (R modeldata) has missing values.
The rows themselves go into the vector file so the TypeScript test needs no parser.

Expected values follow the profile definition, computed independently:
  knots  = unique(numpy.quantile(values, k/100))          (linear, type 7)
  cdf    = share of values ≤ knot
  shares = bucket shares of numpy.interp(values, knots, cdf) on the OTel layout, i.e. bucket i holds
           (b[i-1], b[i]] = numpy.searchsorted(b, t, side='left')
  score.byLabel = per label class, numpy.bincount of the score buckets of its rows
"""
import csv
import os

import numpy as np
from scipy.io import arff
from sklearn.ensemble import GradientBoostingClassifier

from common import floats, write

DATASETS = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "examples", "data")
BOUNDARIES = np.array([k / 20 for k in range(21)])


def numeric_profile(values):
    v = np.asarray([x for x in values if x is not None], dtype=float)
    knots = np.unique(np.quantile(v, [k / 100 for k in range(101)]))
    cdf = np.array([(v <= k).mean() for k in knots])
    t = np.interp(v, knots, cdf)
    buckets = np.searchsorted(BOUNDARIES, t, side="left")
    shares = np.bincount(buckets, minlength=len(BOUNDARIES) + 1) / len(v)
    return {
        "type": "numeric", "count": int(len(v)), "missing": int(len(values) - len(v)),
        "min": float(v.min()), "max": float(v.max()), "mean": float(v.mean()), "std": float(v.std()),
        "knots": floats(knots), "cdf": floats(cdf), "shares": floats(shares),
    }


def categorical_profile(values, max_categories=50):
    present = [x for x in values if x is not None]
    keys, counts = np.unique(np.array(present, dtype=object).astype(str), return_counts=True)
    order = sorted(zip(keys, counts), key=lambda kc: (-kc[1], kc[0]))
    cats = {str(k): c / len(present) for k, c in order[:max_categories]}
    rest = sum(c for _, c in order[max_categories:])
    if rest:
        cats["__other__"] = rest / len(present)
    return {"type": "categorical", "count": len(present), "missing": len(values) - len(present), "categories": cats}


def profile_of(rows, schema, label=None, score=None):
    out = {"rows": len(rows), "features": {}}
    for name, kind in schema.items():
        col = [r[name] for r in rows]
        out["features"][name] = numeric_profile(col) if kind == "numeric" else categorical_profile(col)
    if label:
        lab = categorical_profile([r[label] for r in rows])
        out["label"] = {"classes": lab["categories"], "count": lab["count"], "missing": lab["missing"]}
    if score:
        s = np.array([r[score] for r in rows], dtype=float)
        shares = np.bincount(np.searchsorted(BOUNDARIES, s, side="left"), minlength=len(BOUNDARIES) + 1) / len(s)
        out["score"] = {"boundaries": floats(BOUNDARIES), "shares": floats(shares), "count": int(len(s)), "missing": 0}
        if label:
            # rows of each label class per score bucket (every row here has both a score and a label)
            buckets = np.searchsorted(BOUNDARIES, s, side="left")
            labels = np.array([str(r[label]) for r in rows])
            out["score"]["byLabel"] = {
                c: [int(n) for n in np.bincount(buckets[labels == c], minlength=len(BOUNDARIES) + 1)]
                for c in out["label"]["classes"]
            }
    return out


cases = []

# German credit with a gradient-boosted score.
data, meta = arff.loadarff(os.path.join(DATASETS, "credit-g.arff"))
names = meta.names()
kinds = {n: ("numeric" if meta[n][0] == "numeric" else "categorical") for n in names if n != "class"}
rows = []
for rec in data:
    row = {}
    for n in names:
        v = rec[n]
        row[n] = float(v) if meta[n][0] == "numeric" else v.decode()
    rows.append(row)
X = np.column_stack([
    np.array([r[n] for r in rows], dtype=float) if k == "numeric"
    else np.unique([r[n] for r in rows], return_inverse=True)[1].astype(float)
    for n, k in kinds.items()
])
y = np.array([r["class"] == "bad" for r in rows])
model = GradientBoostingClassifier(random_state=0, n_estimators=60, max_depth=3).fit(X, y)
for r, s in zip(rows, model.predict_proba(X)[:, 1]):
    r["score"] = float(s)
cases.append({"label": "credit-g with a GBT score", "schema": {"features": kinds, "label": "class", "score": "score"},
              "rows": rows, "expected": profile_of(rows, kinds, label="class", score="score")})

# credit_data: missing values written as NA by R.
with open(os.path.join(DATASETS, "credit_data.csv")) as f:
    raw = list(csv.DictReader(f))
numeric = ["Seniority", "Time", "Age", "Expenses", "Income", "Assets", "Debt", "Amount", "Price"]
categorical = ["Home", "Marital", "Records", "Job"]
rows = [{k: (None if v == "NA" else (float(v) if k in numeric else v)) for k, v in r.items()} for r in raw]
kinds = {**{n: "numeric" for n in numeric}, **{n: "categorical" for n in categorical}}
cases.append({"label": "credit_data with missing values", "schema": {"features": kinds, "label": "Status"},
              "rows": rows, "expected": profile_of(rows, kinds, label="Status")})
write("profile", cases)
