#!/usr/bin/env python3
"""Speed: shopml-recommend vs implicit on the seeded synthetic power-law matrix.

Usage: recommend_speed.py DATA_DIR [--threads 2] [--iterations 3] [--factors 64] [--only als,bpr,rec] [--rounds N]

DATA_DIR is written by recommend_synth.py. Runs, in one invocation and with the same
thread count, each side in its own process (so peak memory is per process):
ALS (64 factors, 3 CG steps) seconds per iteration, BPR seconds per epoch, and a
top-10 batch for 10,000 users (already-liked items filtered). Prints markdown rows.
"""
import argparse
import os
import resource
import subprocess
import sys
import time

from harness import example_binary, parse_args, target_dir

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
EXAMPLE = os.path.join(target_dir(), "release", "examples", "recommend_speed")


def parser():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--iterations", type=int, default=3)
    ap.add_argument("--factors", type=int, default=64)
    ap.add_argument("--peer", help=argparse.SUPPRESS)
    ap.add_argument("--only", default="als,bpr,rec", help="comma-separated subset of als,bpr,rec")
    ap.add_argument("--rounds", type=int, default=1,
                    help="alternate the two sides this many times and report medians (the VM's speed drifts)")
    return ap


ARGS = parse_args(parser()) if __name__ == "__main__" else None

def load(d):
    import numpy as np
    import scipy.sparse as sp

    nu, ni, nnz = map(int, open(os.path.join(d, "shape.txt")).read().split())
    indptr = np.fromfile(os.path.join(d, "indptr.u64"), dtype="<u8").astype(np.int64)
    indices = np.fromfile(os.path.join(d, "indices.u32"), dtype="<u4").astype(np.int32)
    values = np.fromfile(os.path.join(d, "values.f32"), dtype="<f4")
    return sp.csr_matrix((values, indices, indptr), shape=(nu, ni))


def peer(d, what, iters, factors, threads):
    """Runs one implicit measurement in this process and prints key=value lines."""
    import numpy as np
    from implicit.cpu.als import AlternatingLeastSquares
    from implicit.cpu.bpr import BayesianPersonalizedRanking

    m = load(d)
    if what == "als":
        model = AlternatingLeastSquares(factors=factors, iterations=iters, regularization=0.01, use_cg=True,
                                        calculate_training_loss=False, num_threads=threads, random_state=0)
        model.cg_steps = 3
        t = time.perf_counter()
        model.fit(m, show_progress=False)
        print(f"als_s_per_iter={(time.perf_counter() - t) / iters:.4f}")
    elif what == "bpr":
        model = BayesianPersonalizedRanking(factors=factors, iterations=iters, num_threads=threads, random_state=0,
                                            verify_negative_samples=True)
        t = time.perf_counter()
        model.fit(m, show_progress=False)
        print(f"bpr_s_per_iter={(time.perf_counter() - t) / iters:.4f}")
    else:
        model = AlternatingLeastSquares(factors=factors, iterations=1, use_cg=True, calculate_training_loss=False,
                                        num_threads=threads, random_state=0)
        model.fit(m, show_progress=False)
        users = np.arange(min(10_000, m.shape[0]))
        t = time.perf_counter()
        model.recommend(users, m[users], N=10, filter_already_liked_items=True)
        print(f"rec_s_10k_users={time.perf_counter() - t:.4f}")
    print(f"peak_rss_mb={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}")


def parse(out):
    return dict(l.split("=", 1) for l in out.splitlines() if "=" in l and " " not in l)


def main():
    a = ARGS
    t = str(a.threads)
    if a.peer:
        peer(a.data, a.peer, a.iterations, a.factors, a.threads)
        return
    env = dict(os.environ, RAYON_NUM_THREADS=t, OMP_NUM_THREADS=t, OPENBLAS_NUM_THREADS=t, MKL_NUM_THREADS=t, NUMBA_NUM_THREADS=t)
    example_binary("shopml-recommend", "recommend_speed")
    shape = open(os.path.join(a.data, "shape.txt")).read().split()
    print(f"data {shape[0]} users x {shape[1]} items, nnz {shape[2]}; threads {a.threads}; factors {a.factors}")
    print("| measurement | shopml s | implicit s | ratio | shopml peak MB | implicit peak MB |")
    print("|---|---|---|---|---|---|")
    for what, key, label in [("als", "als_s_per_iter", f"ALS {a.factors}f CG3, s/iteration"),
                             ("bpr", "bpr_s_per_iter", f"BPR {a.factors}f, s/epoch"),
                             ("rec", "rec_s_10k_users", "top-10 for 10,000 users, s")]:
        if what not in a.only.split(","):
            continue
        rows = []
        for _ in range(a.rounds):
            ours = parse(subprocess.run([EXAMPLE, a.data, what, str(a.iterations), str(a.factors)], env=env, check=True,
                                        capture_output=True, text=True).stdout)
            theirs = parse(subprocess.run([sys.executable, __file__, a.data, "--peer", what, "--threads", t, "--iterations",
                                           str(a.iterations), "--factors", str(a.factors)], env=env, check=True,
                                          capture_output=True, text=True).stdout)
            rows.append((float(ours[key]), float(theirs[key]), float(ours["peak_rss_mb"]), float(theirs["peak_rss_mb"])))
        med = lambda xs: sorted(xs)[len(xs) // 2]
        s_, p_ = med([r[0] for r in rows]), med([r[1] for r in rows])
        per_round = ", ".join(f"{r[0] / r[1]:.2f}" for r in rows)
        note = f" (medians of {a.rounds} alternating rounds; per-round ratios {per_round})" if a.rounds > 1 else ""
        print(f"| {label}{note} | {s_:.3f} | {p_:.3f} | {s_ / p_:.2f} | {max(r[2] for r in rows):.0f} | "
              f"{max(r[3] for r in rows):.0f} |", flush=True)


if __name__ == "__main__":
    main()
