#!/usr/bin/env python
"""scikit-learn IsolationForest / LocalOutlierFactor results for shopml-anomaly's tests.

Usage (from the workspace root):
    benches/peers/run anomaly_fixture [--which lof lof_real iforest]

Writes, under crates/shopml-anomaly/tests/fixtures/:

- iforest_sklearn.json: for each labelled set in $SHOPML_DATA/anomaly (default
  ../shared/data relative to the repo root), IsolationForest with default
  parameters (100 trees, max_samples="auto", contamination="auto") and
  random_state 0..4: ROC-AUC and average precision of -score_samples against the
  labels, per seed and mean. Derived numbers only, no rows.
- lof_sklearn.json: LocalOutlierFactor(n_neighbors=20) on synthetic data made
  here from a fixed numpy seed (the rows are committed with the scores):
  negative_outlier_factor_, offset_ for contamination 0.1, and novelty-mode
  score_samples on new rows, in 3-D (k-d tree path) and 20-D (brute path).
- lof_real_sklearn.json: negative_outlier_factor_ (k=20) of real sets with at
  most 15 columns, summarised over the rows whose score cannot depend on how
  distance ties are broken (count, sum, min, and the first 300 with their index).
"""
import argparse
import gzip
import json
import os
import sys

from harness import parse_args

if __name__ == "__main__":
    _ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    _ap.add_argument("--which", nargs="+", default=["lof", "lof_real", "iforest"], choices=["lof", "lof_real", "iforest"])
    ARGS = parse_args(_ap)

for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(v, "2")

import numpy as np  # noqa: E402
import sklearn
from sklearn.ensemble import IsolationForest
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.neighbors import LocalOutlierFactor, NearestNeighbors

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DATA = os.environ.get("SHOPML_DATA", os.path.join(ROOT, "..", "shared", "data"))
OUT = os.path.join(ROOT, "crates", "shopml-anomaly", "tests", "fixtures")
SETS = ["breastw", "landsat", "magic.gamma", "pageblocks", "satimage-2", "wdbc", "wilt", "yeast"]
SEEDS = range(5)


def load(name):
    with gzip.open(os.path.join(DATA, "anomaly", name + ".csv.gz"), "rt") as f:
        header = f.readline().strip().split(",")
        arr = np.loadtxt(f, delimiter=",")
    assert header[-1] == "label"
    return arr[:, :-1], arr[:, -1].astype(bool)


def iforest():
    out = {"sklearn": sklearn.__version__, "params": "IsolationForest() defaults, random_state 0..4", "sets": {}}
    for name in SETS:
        X, y = load(name)
        aucs, aps = [], []
        for s in SEEDS:
            m = IsolationForest(random_state=s, n_jobs=2).fit(X)
            score = -m.score_samples(X)
            aucs.append(roc_auc_score(y, score))
            aps.append(average_precision_score(y, score))
        out["sets"][name] = {
            "rows": int(X.shape[0]),
            "columns": int(X.shape[1]),
            "roc_auc": aucs,
            "average_precision": aps,
            "roc_auc_mean": float(np.mean(aucs)),
            "average_precision_mean": float(np.mean(aps)),
        }
        print(name, out["sets"][name]["roc_auc_mean"], out["sets"][name]["average_precision_mean"], file=sys.stderr)
    return out


def lof_synthetic():
    rng = np.random.default_rng(20260)
    cases = {}
    for d, n in ((3, 400), (20, 300)):
        a = rng.normal(0.0, 1.0, size=(n // 2, d))
        b = rng.normal(4.0, 0.5, size=(n // 2 - 10, d))
        c = rng.uniform(-8.0, 12.0, size=(10, d))
        X = np.round(np.vstack([a, b, c]), 6)
        new = np.round(rng.uniform(-6.0, 10.0, size=(40, d)), 6)
        m = LocalOutlierFactor(n_neighbors=20).fit(X)
        mc = LocalOutlierFactor(n_neighbors=20, contamination=0.1).fit(X)
        nov = LocalOutlierFactor(n_neighbors=20, novelty=True).fit(X)
        cases[f"d{d}"] = {
            "n_neighbors": 20,
            "fit_method": m._fit_method,
            "X": X.tolist(),
            "negative_outlier_factor": m.negative_outlier_factor_.tolist(),
            "offset_contamination_0.1": float(mc.offset_),
            "new": new.tolist(),
            "novelty_score_samples": nov.score_samples(new).tolist(),
        }
    return {"sklearn": sklearn.__version__, "cases": cases}


def lof_real():
    out = {"sklearn": sklearn.__version__, "n_neighbors": 20, "sets": {}}
    for name in SETS:
        X, _ = load(name)
        if X.shape[1] > 15:
            continue
        k = 20
        m = LocalOutlierFactor(n_neighbors=k).fit(X)
        nof = m.negative_outlier_factor_
        n_dup = int(X.shape[0] - np.unique(X, axis=0).shape[0])
        # A row's LOF does not depend on how distance ties are broken when its
        # k nearest are unique (a strict gap after the k-th) and so are those
        # of each of its neighbours.
        d, idx = NearestNeighbors(n_neighbors=k + 1).fit(X).kneighbors()
        unique = d[:, k - 1] < d[:, k]
        tie_free = unique & np.all(unique[idx[:, :k]], axis=1)
        where = np.flatnonzero(tie_free)
        out["sets"][name] = {
            "fit_method": m._fit_method,
            "duplicate_rows": n_dup,
            "count": int(nof.size),
            "sum": float(nof.sum()),
            "tie_free_count": int(where.size),
            "tie_free_sum": float(nof[where].sum()),
            "tie_free_min": float(nof[where].min()),
            "tie_free_index": where[:300].tolist(),
            "tie_free_values": nof[where[:300]].tolist(),
        }
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    which = ARGS.which
    jobs = {"lof": ("lof_sklearn.json", lof_synthetic), "lof_real": ("lof_real_sklearn.json", lof_real), "iforest": ("iforest_sklearn.json", iforest)}
    for fname, fn in (jobs[w] for w in which):
        with open(os.path.join(OUT, fname), "w") as f:
            json.dump(fn(), f)
        print("wrote", fname, file=sys.stderr)


if __name__ == "__main__":
    main()
