#!/usr/bin/env python3
"""Implicit-feedback quality: shopml-recommend vs implicit on the same split.

Usage: recommend_quality.py (ml|retail) [--threads 2] [--alpha 10] [--scratch /tmp/shopml_recq] [--build]

Runs the release example `recommend_quality` (which builds the split, writes it to a
scratch directory outside the repository, fits and evaluates shopml's models), then
fits implicit's ALS, BPR, CosineRecommender and BM25Recommender on exactly that train
matrix, and scores every model's top-10 (training items filtered) with the same
formulas as shopml_core::metrics::ranking (precision = hits / K, binary NDCG).
Data: ml = MovieLens latest-small ratings >= 4 (per-user 20 % holdout, seed 42);
retail = Online Retail, train before 2011-10-01, test after. Reads $SHOPML_DATA
(default ../shared/data).
"""
import argparse
import os
import subprocess
import time


from harness import data_dir, example_binary, parse_args, target_dir  # noqa: E402

def parser():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dataset", choices=["ml", "retail"])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--alpha", type=float, default=10.0)
    ap.add_argument("--scratch", default="/tmp/shopml_recq")
    return ap


ARGS = parse_args(parser()) if __name__ == "__main__" else None

import numpy as np
import scipy.sparse as sp

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DATA = data_dir()
FILES = {"ml": "movielens-latest-small/ratings.csv", "retail": "online_retail/online_retail.csv.gz"}


def example_path():
    return os.path.join(target_dir(), "release", "examples", "recommend_quality")


def read(path, shape):
    a = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    return sp.csr_matrix((a[:, 2].astype(np.float32), (a[:, 0].astype(np.int64), a[:, 1].astype(np.int64))), shape=shape)


def metrics(recs, test, k=10):
    prec, rec, ndcg, ap = [], [], [], []
    for u, items in enumerate(recs):
        rel = set(test.indices[test.indptr[u]:test.indptr[u + 1]])
        if not rel:
            continue
        hits = [1 if i in rel else 0 for i in items[:k]]
        h = sum(hits)
        prec.append(h / k)
        rec.append(h / len(rel))
        dcg = sum(1 / np.log2(i + 2) for i, x in enumerate(hits) if x)
        idcg = sum(1 / np.log2(i + 2) for i in range(min(k, len(rel))))
        ndcg.append(dcg / idcg)
        s, n = 0.0, 0
        for i, x in enumerate(hits):
            if x:
                n += 1
                s += n / (i + 1)
        ap.append(s / min(k, len(rel)))
    return np.mean(prec), np.mean(rec), np.mean(ndcg), np.mean(ap)


def main():
    a = ARGS
    t = str(a.threads)
    for v in ["RAYON_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"]:
        os.environ[v] = t
    example_binary("shopml-recommend", "recommend_quality")
    out_dir = os.path.join(a.scratch, a.dataset)
    res = subprocess.run([example_path(), a.dataset, os.path.join(DATA, FILES[a.dataset]), out_dir, str(a.alpha)],
                         check=True, capture_output=True, text=True)
    print(res.stderr.strip())
    rows = [l.split(",") for l in res.stdout.strip().splitlines()]
    tr = np.loadtxt(os.path.join(out_dir, "train.csv"), delimiter=",", skiprows=1, ndmin=2)
    te = np.loadtxt(os.path.join(out_dir, "test.csv"), delimiter=",", skiprows=1, ndmin=2)
    shape = (int(max(tr[:, 0].max(), te[:, 0].max())) + 1, int(max(tr[:, 1].max(), te[:, 1].max())) + 1)
    train = read(os.path.join(out_dir, "train.csv"), shape)
    test = read(os.path.join(out_dir, "test.csv"), shape)

    from implicit.cpu.als import AlternatingLeastSquares
    from implicit.cpu.bpr import BayesianPersonalizedRanking
    from implicit.nearest_neighbours import BM25Recommender, CosineRecommender

    peers = {
        "als": lambda: AlternatingLeastSquares(factors=64, regularization=0.05, alpha=a.alpha, iterations=15, use_cg=True,
                                               calculate_training_loss=False, num_threads=a.threads, random_state=0),
        "bpr": lambda: BayesianPersonalizedRanking(factors=64, learning_rate=0.01, regularization=0.01, iterations=100,
                                                   num_threads=a.threads, random_state=0),
        "bpr (lr 0.05)": lambda: BayesianPersonalizedRanking(factors=64, learning_rate=0.05, regularization=0.01,
                                                             iterations=100, num_threads=a.threads, random_state=0),
        "item-knn cosine": lambda: CosineRecommender(K=20, num_threads=a.threads),
        "item-knn bm25": lambda: BM25Recommender(K=20, K1=100, B=0.8, num_threads=a.threads),
    }
    users = np.arange(shape[0])
    users = users[np.diff(test.indptr) > 0]
    peer_rows = {}
    for name, make in peers.items():
        m = make()
        s = time.perf_counter()
        m.fit(train, show_progress=False)
        secs = time.perf_counter() - s
        ids, _ = m.recommend(users, train[users], N=10, filter_already_liked_items=True)
        recs = [[] for _ in range(shape[0])]
        for u, l in zip(users, ids):
            recs[u] = [int(i) for i in l if i >= 0]
        peer_rows[name] = (*metrics(recs, test), secs)
    # implicit draws BPR negatives from the item column of the positives (so in proportion to
    # popularity) and skips the sample when the draw is a positive; shopml's rows with
    # "popularity negatives" use the same sampler, so they are compared with implicit's rows.
    for ours_name, theirs in [("bpr (popularity negatives)", "bpr"), ("bpr (popularity negatives; lr 0.05)", "bpr (lr 0.05)"),
                              ("bpr (implicit's sampler)", "bpr"), ("bpr (implicit's sampler; lr 0.05)", "bpr (lr 0.05)")]:
        peer_rows[ours_name] = peer_rows[theirs]
    print(f"\n{a.dataset}: K = 10, threads {a.threads}, ALS alpha {a.alpha} (c = alpha r on both sides unless noted)\n")
    print("| model | shopml P@10 | implicit P@10 | shopml NDCG@10 | implicit NDCG@10 | shopml recall@10 | shopml MAP@10 | shopml fit s | implicit fit s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        name, p, rc, n, mp, s = r[0], *map(float, r[1:])
        q = peer_rows.get(name)
        qp, qn, qs = (f"{q[0]:.4f}", f"{q[2]:.4f}", f"{q[4]:.3f}") if q else ("–", "–", "–")
        print(f"| {name} | {p:.4f} | {qp} | {n:.4f} | {qn} | {rc:.4f} | {mp:.4f} | {s:.3f} | {qs} |")


if __name__ == "__main__":
    main()
