#!/usr/bin/env python3
"""BPR quality over several seeds on both sides (shopml with implicit's sampling scheme vs implicit).

Usage: recommend_bpr_seeds.py {ml,retail} [--seeds 5] [--lr 0.01] [--threads 2] [--scratch /tmp/shopml_recq]
                              [--fixture crates/shopml-recommend/tests/fixtures/implicit_bpr_ml_5seeds.json]

Runs the release example `recommend_quality` with RECQ_ONLY_BPR=1 and BPR_SEED=s (its row
"bpr (implicit's sampler)": positives drawn with replacement, negatives in proportion to
popularity, a negative that is a positive skips the sample) and implicit's
BayesianPersonalizedRanking with random_state=s on the same split, 64 factors, reg 0.01,
100 epochs. Prints P@10 and NDCG@10 per seed and the means.
"""
import argparse
import os
import subprocess


from harness import data_dir, parse_args  # noqa: E402

def parser():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dataset", choices=["ml", "retail"])
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--lr", type=float, default=0.01)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--scratch", default="/tmp/shopml_recq")
    ap.add_argument("--fixture", help="write implicit's per-seed P@10 / NDCG@10 as JSON (test fixture)")
    return ap


ARGS = parse_args(parser()) if __name__ == "__main__" else None

import numpy as np

import recommend_quality as q


def main():
    a = ARGS
    for v in ["RAYON_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"]:
        os.environ[v] = str(a.threads)
    from implicit.cpu.bpr import BayesianPersonalizedRanking

    out_dir = os.path.join(a.scratch, a.dataset)
    ours, theirs = [], []
    for seed in range(a.seeds):
        env = dict(os.environ, RECQ_ONLY_BPR="1", BPR_SEED=str(seed), BPR_LR=str(a.lr))
        res = subprocess.run([q.example_path(), a.dataset, os.path.join(q.DATA, q.FILES[a.dataset]), out_dir], env=env,
                             check=True, capture_output=True, text=True)
        row = next(l.split(",") for l in res.stdout.splitlines() if l.startswith("bpr (implicit's sampler),"))
        ours.append((float(row[1]), float(row[3])))
        if seed == 0:
            tr = np.loadtxt(os.path.join(out_dir, "train.csv"), delimiter=",", skiprows=1, ndmin=2)
            te = np.loadtxt(os.path.join(out_dir, "test.csv"), delimiter=",", skiprows=1, ndmin=2)
            shape = (int(max(tr[:, 0].max(), te[:, 0].max())) + 1, int(max(tr[:, 1].max(), te[:, 1].max())) + 1)
            train = q.read(os.path.join(out_dir, "train.csv"), shape)
            test = q.read(os.path.join(out_dir, "test.csv"), shape)
            users = np.arange(shape[0])[np.diff(test.indptr) > 0]
        m = BayesianPersonalizedRanking(factors=64, learning_rate=a.lr, regularization=0.01, iterations=100,
                                        num_threads=a.threads, random_state=seed)
        m.fit(train, show_progress=False)
        ids, _ = m.recommend(users, train[users], N=10, filter_already_liked_items=True)
        recs = [[] for _ in range(shape[0])]
        for u, l in zip(users, ids):
            recs[u] = [int(i) for i in l if i >= 0]
        p, _, n, _ = q.metrics(recs, test)
        theirs.append((p, n))
    print(f"{a.dataset}: BPR 64f, lr {a.lr}, reg 0.01, 100 epochs; shopml with implicit's sampling scheme\n")
    print("| seed | shopml P@10 | implicit P@10 | shopml NDCG@10 | implicit NDCG@10 |")
    print("|---|---|---|---|---|")
    for s, (o, t) in enumerate(zip(ours, theirs)):
        print(f"| {s} | {o[0]:.4f} | {t[0]:.4f} | {o[1]:.4f} | {t[1]:.4f} |")
    mo, mt = np.mean(ours, axis=0), np.mean(theirs, axis=0)
    print(f"| mean | {mo[0]:.4f} | {mt[0]:.4f} | {mo[1]:.4f} | {mt[1]:.4f} |")
    print(f"\ndifference of means: P@10 {mo[0] - mt[0]:+.4f}, NDCG@10 {mo[1] - mt[1]:+.4f}")
    if a.fixture:
        import json
        import implicit
        with open(a.fixture, "w") as f:
            json.dump({"dataset": a.dataset, "implicit": implicit.__version__, "factors": 64, "learning_rate": a.lr,
                       "regularization": 0.01, "iterations": 100, "seeds": a.seeds,
                       "precision_at_10": [t[0] for t in theirs], "ndcg_at_10": [t[1] for t in theirs]}, f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
