#!/usr/bin/env python3
"""Explicit ratings: shopml-recommend vs Surprise, 5-fold CV on MovieLens latest-small.

Usage: recommend_explicit.py [--scratch /tmp/shopml_rece] [--build] [--only NAMES] [--fixture PATH]

Runs the release example `recommend_explicit` (it makes the five folds with a seeded
shuffle, writes them to a scratch directory outside the repository, and fits shopml's
models), then fits Surprise's BaselineOnly, SVD (defaults: 100 factors, 20 epochs,
lr 0.005, reg 0.02, init_std 0.1) and KNNBaseline (pearson-baseline similarity,
item- and user-based) on exactly the same folds. shopml's explicit ALS rows have
no Surprise counterpart (Surprise's ALS fits biases only: the baseline row).
Prints markdown rows: mean RMSE / MAE and total fit+predict seconds over the folds.
Single-threaded on both sides (SGD and Surprise are sequential).
"""
import argparse
import os
import subprocess
import time


from harness import data_dir, example_binary, parse_args  # noqa: E402

def parser():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scratch", default="/tmp/shopml_rece")
    ap.add_argument("--fixture", help="also write Surprise's mean RMSE/MAE per model as JSON (test fixture; merged into an existing file)")
    ap.add_argument("--only", help="comma-separated model names to run on the Surprise side (default: all)")
    return ap


ARGS = parse_args(parser()) if __name__ == "__main__" else None

import numpy as np
import pandas as pd

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DATA = data_dir()


def main():
    a = ARGS
    for v in ["RAYON_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"]:
        os.environ[v] = "1"
    ex = example_binary("shopml-recommend", "recommend_explicit")
    out = subprocess.run([ex, os.path.join(DATA, "movielens-latest-small/ratings.csv"), a.scratch], check=True,
                         capture_output=True, text=True).stdout
    ours = {l.split(",")[0]: list(map(float, l.split(",")[1:])) for l in out.strip().splitlines()}

    from surprise import SVD, SVDpp, BaselineOnly, Dataset, KNNBaseline, Reader, accuracy

    reader = Reader(rating_scale=(0.5, 5.0))
    peers = {
        "baseline (ALS)": lambda: BaselineOnly(verbose=False),
        "biased MF (SGD)": lambda: SVD(random_state=0),
        # SVDpp defaults: 20 factors, 20 epochs, lr 0.007, reg 0.02, init_std 0.1 (BiasedMf::svdpp()).
        "SVD++ (SGD)": lambda: SVDpp(random_state=0),
        # KNNBaseline with Koren's pearson-baseline similarity (other options at Surprise's defaults:
        # k=40, min_k=1, shrinkage=100, ALS baselines); Surprise's own default similarity is MSD.
        "kNN-baseline (item; pearson-baseline)": lambda: KNNBaseline(
            sim_options={"name": "pearson_baseline", "user_based": False}, verbose=False),
        "kNN-baseline (user; pearson-baseline)": lambda: KNNBaseline(
            sim_options={"name": "pearson_baseline", "user_based": True}, verbose=False),
    }
    theirs = {}
    for name, make in peers.items():
        if a.only and name not in a.only.split(","):
            continue
        rmse, mae, secs = [], [], 0.0
        for k in range(5):
            tr = pd.read_csv(os.path.join(a.scratch, f"train_{k}.csv"))
            te = pd.read_csv(os.path.join(a.scratch, f"test_{k}.csv"))
            trainset = Dataset.load_from_df(tr[["user", "item", "rating"]], reader).build_full_trainset()
            testset = list(te.itertuples(index=False, name=None))
            s = time.perf_counter()
            m = make()
            m.fit(trainset)
            pred = m.test(testset)
            secs += time.perf_counter() - s
            rmse.append(accuracy.rmse(pred, verbose=False))
            mae.append(accuracy.mae(pred, verbose=False))
        theirs[name] = (np.mean(rmse), np.mean(mae), secs)
    if a.fixture:
        import json

        old = json.load(open(a.fixture)) if os.path.exists(a.fixture) else {}
        old.update({k: {"rmse": round(v[0], 6), "mae": round(v[1], 6)} for k, v in theirs.items()})
        with open(a.fixture, "w") as f:
            json.dump(old, f, indent=1)
            f.write("\n")
    print("| model | shopml RMSE | Surprise RMSE | shopml MAE | Surprise MAE | shopml s | Surprise s | time ratio |")
    print("|---|---|---|---|---|---|---|---|")
    for name in list(ours) + [n for n in theirs if n not in ours]:
        o = ours.get(name)
        t = theirs.get(name)
        f = lambda v, d=4: f"{v:.{d}f}" if v is not None else "–"
        print(f"| {name} | {f(o[0]) if o else '–'} | {f(t[0]) if t else '–'} | {f(o[1]) if o else '–'} | {f(t[1]) if t else '–'} | "
              f"{f(o[2], 3) if o else '–'} | {f(t[2], 3) if t else '–'} | {f(o[2] / t[2], 3) if o and t else '–'} |")


if __name__ == "__main__":
    main()
