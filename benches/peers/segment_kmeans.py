#!/usr/bin/env python
"""shopml-segment vs scikit-learn KMeans / MiniBatchKMeans, same data, same run.

Usage (from the workspace root):
    benches/peers/run segment_kmeans fixtures      # (re)write the test fixtures
    benches/peers/run segment_kmeans compare       # quality + speed tables
    benches/peers/run segment_kmeans speed [N]     # Lloyd only, N interleaved rounds (default 5)
    benches/peers/run segment_kmeans seeds [N]     # RFM quality over N seeds (default 10)
    benches/peers/run segment_kmeans minibatch [N] # mini-batch, N seeds (default 10), two protocols

`fixtures` builds the RFM table of UCI Online Retail with pandas (rules in
rfm_table) and saves it with scikit-learn's results under
crates/shopml-segment/tests/fixtures/. `compare` runs the release example
crates/shopml-segment/examples/segment_kmeans.rs and scikit-learn on the same
inputs with 2 threads each and prints markdown table rows.
"""
import argparse
import json
import os
import platform
import subprocess
import sys
import time

from harness import data_dir, example_binary, parse_args, target_dir


def parser():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", nargs="?", default="compare", choices=["fixtures", "compare", "speed", "seeds", "minibatch"])
    ap.add_argument("n", nargs="?", type=int, help="rounds (speed) or seeds (seeds, minibatch)")
    return ap


ARGS = parse_args(parser()) if __name__ == "__main__" else None

THREADS = "2"
for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS", "RAYON_NUM_THREADS"):
    os.environ[v] = THREADS

import numpy as np
import pandas as pd
import sklearn
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.datasets import make_blobs
from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score, silhouette_score
from sklearn.preprocessing import StandardScaler

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIX = os.path.join(ROOT, "crates", "shopml-segment", "tests", "fixtures")
DATA = data_dir()
TARGET = target_dir()
EXAMPLE = os.path.join(TARGET, "release", "examples", "segment_kmeans")


def rfm_table():
    """Drop rows without CustomerID and cancellations ('C' invoices); keep
    Quantity > 0 and UnitPrice > 0. Snapshot = last invoice date + 1 day;
    recency = whole days since the customer's last invoice, frequency =
    distinct invoices, monetary = sum of Quantity × UnitPrice."""
    df = pd.read_csv(os.path.join(DATA, "online_retail", "online_retail.csv.gz"), dtype={"InvoiceNo": str, "CustomerID": str})
    df = df[df["CustomerID"].notna()]
    df = df[~df["InvoiceNo"].str.startswith("C")]
    df = df[(df["Quantity"] > 0) & (df["UnitPrice"] > 0)]
    df["InvoiceDate"] = pd.to_datetime(df["InvoiceDate"])
    df["amount"] = df["Quantity"] * df["UnitPrice"]
    snapshot = df["InvoiceDate"].max() + pd.Timedelta(days=1)
    g = df.groupby("CustomerID")
    rfm = pd.DataFrame({
        "recency": (snapshot - g["InvoiceDate"].max()).dt.days,
        "frequency": g["InvoiceNo"].nunique(),
        "monetary": g["amount"].sum().round(6),
    })
    rfm.index = [str(int(float(c))) for c in rfm.index]
    rfm.index.name = "customer_id"
    return rfm.sort_index()


def scaled(rfm):
    return StandardScaler().fit_transform(np.log1p(rfm[["recency", "frequency", "monetary"]].to_numpy(float)))


def fixtures():
    os.makedirs(FIX, exist_ok=True)
    rfm = rfm_table()
    rfm.to_csv(os.path.join(FIX, "online_retail_rfm.csv"), float_format="%.6f")
    rfm = pd.read_csv(os.path.join(FIX, "online_retail_rfm.csv"), dtype={"customer_id": str}).set_index("customer_id")
    z = scaled(rfm)
    out = {"sklearn": sklearn.__version__, "n_rows": int(len(z)), "best_of_10": [], "given_init": []}
    for k in range(2, 11):
        km = KMeans(k, n_init=10, random_state=0).fit(z)
        out["best_of_10"].append({"k": k, "inertia": float(km.inertia_), "silhouette": float(silhouette_score(z, km.labels_))})
        rng = np.random.default_rng(100 + k)
        idx = rng.choice(len(z), k, replace=False)
        init = z[idx]
        g = KMeans(k, init=init, n_init=1, max_iter=300, tol=1e-4).fit(z)
        out["given_init"].append({
            "k": k, "init_rows": [int(i) for i in idx], "centres": g.cluster_centers_.tolist(), "n_iter": int(g.n_iter_),
            "inertia": float(g.inertia_), "silhouette": float(silhouette_score(z, g.labels_)),
            "calinski_harabasz": float(calinski_harabasz_score(z, g.labels_)), "davies_bouldin": float(davies_bouldin_score(z, g.labels_)),
            "sizes": np.bincount(g.labels_, minlength=k).tolist(),
        })
    with open(os.path.join(FIX, "sklearn_rfm_kmeans.json"), "w") as f:
        json.dump(out, f, indent=1)
    print(f"wrote {len(z)} customers and scikit-learn {sklearn.__version__} results to {FIX}")


def run(*args):
    return subprocess.run([EXAMPLE, *map(str, args)], check=True, capture_output=True, text=True).stdout.split()


def blobs(n, d, k):
    """The speed benchmark's data and initial centres, also written for the Rust side."""
    X, _ = make_blobs(n_samples=n, n_features=d, centers=k, random_state=0)
    init = X[np.random.default_rng(1).choice(n, k, replace=False)].copy()
    xb, ib = "/tmp/segment_kmeans_x.bin", "/tmp/segment_kmeans_init.bin"
    X.astype("<f8").tofile(xb)
    init.astype("<f8").tofile(ib)
    return X, init, xb, ib


def sklearn_lloyd(X, init, k, iters):
    """Best of 3 timings of scikit-learn's Lloyd from `init` for exactly `iters` iterations; (seconds, model)."""
    best = 1e9
    for _ in range(3):
        km = KMeans(k, init=init, n_init=1, max_iter=iters, tol=0.0, algorithm="lloyd")
        t = time.perf_counter()
        km.fit(X)
        best = min(best, time.perf_counter() - t)
    return best, km


def speed(rounds=5):
    """Lloyd f64 and f32 only, sklearn and shopml alternating in each round (best of 3 within a
    round), so slow drifts of a shared VM hit both sides alike; prints every round and the median."""
    n, d, k, iters = 1_000_000, 16, 16, 20
    X, init, xb, ib = blobs(n, d, k)
    print(f"scikit-learn {sklearn.__version__}, threads = {THREADS}; load average {os.getloadavg()[0]:.2f}")
    for dt in ("f64", "f32"):
        Xd, ini = X.astype(dt.replace("f", "float")), init.astype(dt.replace("f", "float"))
        ratios = []
        for r in range(rounds):
            best, km = sklearn_lloyd(Xd, ini, k, iters)
            secs, it, inertia, gf = run("lloyd", xb, ib, n, d, k, iters, dt, "lloyd", 3)
            ratios.append(float(secs) / best)
            print(f"{dt} round {r}: shopml {float(secs):.3f} s ({it} iterations, {gf} GFLOP/s), sklearn {best:.3f} s "
                  f"({km.n_iter_} iterations), ratio {ratios[-1]:.3f}; inertia {float(inertia):.6f} vs {km.inertia_:.6f}")
        print(f"{dt} median ratio over {rounds} rounds: {sorted(ratios)[len(ratios) // 2]:.3f}")


def seeds(n=10):
    """RFM quality averaged over seeds 0..n on both sides: n_init = 10 picks the best of ten local optima,
    and which one wins depends on the random stream, which the two libraries do not share. Averaging
    over seeds compares the algorithms rather than one draw of each."""
    rfm = pd.read_csv(os.path.join(FIX, "online_retail_rfm.csv"), dtype={"customer_id": str}).set_index("customer_id")
    z = scaled(rfm)
    ours = run("rfm", os.path.join(FIX, "online_retail_rfm.csv"), n)
    ours = np.array([float(v) for v in ours]).reshape(9, n, 4)
    print(f"scikit-learn {sklearn.__version__}; seeds 0..{n - 1}; n_init = 10; median and mean over seeds")
    print("\n| k | inertia shopml (median) | inertia sklearn (median) | ratio | silhouette shopml median / mean (min–max) "
          "| silhouette sklearn median / mean (min–max) | ratio of medians | ratio of means |")
    print("|---|---|---|---|---|---|---|---|")
    for ki, k in enumerate(range(2, 11)):
        si, ss = [], []
        for seed in range(n):
            km = KMeans(k, n_init=10, random_state=seed).fit(z)
            si.append(km.inertia_)
            ss.append(silhouette_score(z, km.labels_))
        si, ss = np.array(si), np.array(ss)
        oi, os_ = ours[ki, :, 1], ours[ki, :, 2]
        print(f"| {k} | {np.median(oi):.4f} | {np.median(si):.4f} | {np.median(oi) / np.median(si):.5f} | "
              f"{np.median(os_):.5f} / {os_.mean():.5f} ({os_.min():.5f}–{os_.max():.5f}) | "
              f"{np.median(ss):.5f} / {ss.mean():.5f} ({ss.min():.5f}–{ss.max():.5f}) | "
              f"{np.median(os_) / np.median(ss):.5f} | {os_.mean() / ss.mean():.5f} |")


def minibatch(n_seeds=10):
    """Mini-batch k-means on the speed benchmark's blobs, two protocols per seed:
    defaults (early stopping decides the number of steps, so per-seed times mostly measure when each
    side happened to stop) and a fixed budget (batch 1000, one epoch = 1000 steps on both sides, no
    early stopping), which compares the cost of the same work and the inertia it reaches."""
    n, d, k = 1_000_000, 16, 16
    X, init, xb, ib = blobs(n, d, k)
    print(f"scikit-learn {sklearn.__version__}, threads = {THREADS}; load average {os.getloadavg()[0]:.2f}")
    for name, batch, epochs in (("defaults (batch 1024, early stopping)", 1024, None), ("fixed budget (batch 1000, 1000 steps)", 1000, 1)):
        print(f"\n{name}\n\n| seed | s shopml | s sklearn | ratio | inertia shopml | inertia sklearn | inertia ratio | steps shopml / sklearn |")
        print("|---|---|---|---|---|---|---|---|")
        for seed in range(n_seeds):
            kw = {} if epochs is None else dict(max_iter=epochs, max_no_improvement=None, tol=0.0)
            t = time.perf_counter()
            mb = MiniBatchKMeans(k, batch_size=batch, random_state=seed, n_init=3, **kw).fit(X)
            ts = time.perf_counter() - t
            extra = [] if epochs is None else [epochs]
            secs, steps, inertia = run("minibatch", xb, n, d, k, batch, seed, *extra)
            print(f"| {seed} | {float(secs):.3f} | {ts:.3f} | {float(secs) / ts:.3f} | {float(inertia):.6g} | {mb.inertia_:.6g} | "
                  f"{float(inertia) / mb.inertia_:.5f} | {steps} / {mb.n_steps_} |", flush=True)


def compare():
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; threads = {THREADS}; "
          f"scikit-learn {sklearn.__version__}, numpy {np.__version__}")
    # ---- quality on the RFM table
    rfm = pd.read_csv(os.path.join(FIX, "online_retail_rfm.csv"), dtype={"customer_id": str}).set_index("customer_id")
    z = scaled(rfm)
    ours = run("rfm", os.path.join(FIX, "online_retail_rfm.csv"))
    ours = [ours[i:i + 4] for i in range(0, len(ours), 4)]
    print("\n| k | inertia shopml | inertia sklearn | ratio | silhouette shopml | silhouette sklearn | ratio | s shopml | s sklearn |")
    print("|---|---|---|---|---|---|---|---|---|")
    for k, (ko, io, so, to) in zip(range(2, 11), ours):
        t = time.perf_counter()
        km = KMeans(k, n_init=10, random_state=0).fit(z)
        ts = time.perf_counter() - t
        ss = silhouette_score(z, km.labels_)
        print(f"| {k} | {float(io):.4f} | {km.inertia_:.4f} | {float(io) / km.inertia_:.5f} | {float(so):.5f} | {ss:.5f} | "
              f"{float(so) / ss:.5f} | {float(to):.3f} | {ts:.3f} |")
    # ---- speed: 1,000,000 x 16 blobs, k = 16, same initial centres, same iterations
    n, d, k, iters = 1_000_000, 16, 16, 20
    X, init, xb, ib = blobs(n, d, k)
    print("\n| case | s shopml | s sklearn | ratio | iters shopml / sklearn | inertia shopml | inertia sklearn | shopml GFLOP/s |")
    print("|---|---|---|---|---|---|---|---|")
    for dt in ("f64", "f32"):
        Xd, ini = X.astype(dt.replace("f", "float")), init.astype(dt.replace("f", "float"))
        best, km = sklearn_lloyd(Xd, ini, k, iters)
        for algo in ("lloyd", "hamerly"):
            secs, it, inertia, gf = run("lloyd", xb, ib, n, d, k, iters, dt, algo, 3)
            print(f"| {algo} {dt}, 1M×16, k=16 | {float(secs):.3f} | {best:.3f} | {float(secs) / best:.3f} | {it} / {km.n_iter_} | "
                  f"{float(inertia):.6g} | {km.inertia_:.6g} | {gf if algo == 'lloyd' else '–'} |")
    # ---- mini-batch vs MiniBatchKMeans (defaults: batch 1024, early stopping), 5 seeds
    print("\n| mini-batch seed | s shopml | s sklearn | ratio | inertia shopml | inertia sklearn | inertia ratio |")
    print("|---|---|---|---|---|---|---|")
    for seed in range(5):
        t = time.perf_counter()
        mb = MiniBatchKMeans(k, batch_size=1024, random_state=seed, n_init=3).fit(X)
        ts = time.perf_counter() - t
        secs, steps, inertia = run("minibatch", xb, n, d, k, 1024, seed)
        print(f"| {seed} | {float(secs):.3f} | {ts:.3f} | {float(secs) / ts:.3f} | {float(inertia):.6g} | {mb.inertia_:.6g} | "
              f"{float(inertia) / mb.inertia_:.4f} |")
    g64, g32 = run("peak")
    print(f"\nsingle-thread 1024³ GEMM via ndarray/matrixmultiply: f64 {g64} GFLOP/s, f32 {g32} GFLOP/s")


if __name__ == "__main__":
    cmd = ARGS.command
    if cmd != "fixtures":
        example_binary("shopml-segment", "segment_kmeans")
    if cmd == "speed":
        speed(ARGS.n or 5)
    elif cmd == "minibatch":
        minibatch(ARGS.n or 10)
    elif cmd == "seeds":
        seeds(ARGS.n or 10)
    else:
        {"fixtures": fixtures, "compare": compare}[cmd]()
