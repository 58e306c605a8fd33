#!/usr/bin/env python3
"""EASE fit: shopml (blocked Cholesky inverse) vs the NumPy reference
(`G = XᵀX + λI; P = np.linalg.inv(G); B = P / −diag(P)`), same data, same run.

    benches/peers/run recommend_ease --items 1682 10000 [--users 20000] [--lam 500]

Data: a seeded power-law implicit matrix (N users × ITEMS items, ~40 items
per user) written to /tmp. Both sides time the whole fit (Gram matrix +
inverse + weights), best of 3, with 2 threads (OpenBLAS for NumPy, rayon for
shopml). Prints one row per item count and precision: seconds, ratio, and the
largest absolute difference of the first 20 weight rows.
"""
import argparse
import os
import subprocess
import time

from harness import example_binary, parse_args, pin_threads

ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
ap.add_argument("--items", type=int, nargs="+", default=[1682, 10000])
ap.add_argument("--users", type=int, default=20000)
ap.add_argument("--lam", type=float, default=500.0)
ap.add_argument("--precision", nargs="+", default=["double", "single"], choices=["double", "single"])
args = parse_args(ap)
pin_threads()

import numpy as np  # noqa: E402
import scipy.sparse as sp  # noqa: E402
from threadpoolctl import threadpool_info  # noqa: E402


def synth(n_users, n_items, seed=11):
    rng = np.random.default_rng(seed)
    per_user = rng.poisson(40, n_users) + 1
    users = np.repeat(np.arange(n_users), per_user)
    items = np.minimum((rng.pareto(1.2, users.size) * n_items / 20).astype(np.int64), n_items - 1)
    items = rng.permutation(n_items)[items]
    m = sp.csr_matrix((np.ones(users.size, np.float32), (users, items)), shape=(n_users, n_items))
    m.data[:] = 1.0
    return m


def numpy_ease(x, lam, dtype):
    g = (x.T @ x).toarray().astype(dtype)
    g[np.diag_indices_from(g)] += lam
    p = np.linalg.inv(g)
    b = p / (-np.diag(p))
    b[np.diag_indices_from(b)] = 0.0
    return b


def main():
    exe = example_binary("shopml-recommend", "ease_speed")
    blas = [(i.get("internal_api"), i.get("num_threads"), i.get("architecture")) for i in threadpool_info()]
    print(f"numpy {np.__version__}, BLAS {blas}")
    print("| items | precision | shopml s | numpy s | ratio | max abs diff (20 rows) |")
    print("|---|---|---|---|---|---|")
    for n in args.items:
        x = synth(args.users, n)
        path = f"/tmp/shopml_ease_{args.users}_{n}.csv"
        if not os.path.exists(path):
            c = x.tocoo()
            with open(path, "w") as f:
                f.write("user,item,value\n")
                np.savetxt(f, np.column_stack([c.row, c.col, np.ones_like(c.row)]), fmt="%d", delimiter=",")
        for prec in args.precision:
            dtype = np.float64 if prec == "double" else np.float32
            rows = f"/tmp/shopml_ease_rows_{n}_{prec}.bin"
            out = subprocess.run([exe, path, str(args.users), str(n), str(args.lam), prec, rows],
                                 check=True, capture_output=True, text=True).stdout
            ours = float(out.strip().splitlines()[-1].split('"seconds": ')[1].split(",")[0])
            best = float("inf")
            for _ in range(3):
                t = time.perf_counter()
                b = numpy_ease(x, args.lam, dtype)
                best = min(best, time.perf_counter() - t)
            r = min(n, 20)
            mine = np.fromfile(rows, dtype="<f8" if prec == "double" else "<f4").reshape(r, n)
            diff = float(np.abs(mine.astype(np.float64) - b[:r].astype(np.float64)).max())
            print(f"| {n} | {prec} | {ours:.3f} | {best:.3f} | {ours / best:.2f} | {diff:.2e} |", flush=True)


if __name__ == "__main__":
    main()
