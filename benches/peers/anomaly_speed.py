#!/usr/bin/env python
"""shopml-anomaly vs scikit-learn: Isolation Forest fit + score and LOF fit, same data, same run.

Usage (from the workspace root):
    benches/peers/run anomaly_speed [--rounds 3] [--tasks iforest lof]

Both sides use 2 threads (SHOPML_THREADS to change): rayon on ours, n_jobs on
scikit-learn's. The data (Gaussian blobs, numpy seed 0) is written once as raw
f64 to a temporary file that the release example
crates/shopml-anomaly/examples/anomaly_speed.rs reads; rounds alternate
shopml, scikit-learn. Prints medians and the ratio shopml / scikit-learn as
markdown table rows.

- Isolation Forest: 1,000,000 × 16, default parameters (100 trees, 256 rows
  per tree), fit then score_samples on the same rows.
- LOF: 100,000 × 10, n_neighbors = 20, fit (negative_outlier_factor_).
"""
import argparse
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402

if __name__ == "__main__":
    _ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    _ap.add_argument("--rounds", type=int, default=3)
    _ap.add_argument("--tasks", nargs="+", default=["iforest", "lof"], choices=["iforest", "lof"])
    ARGS = harness.parse_args(_ap)

harness.pin_threads()
THREADS = harness.threads()

import numpy as np  # noqa: E402
from sklearn.ensemble import IsolationForest  # noqa: E402
from sklearn.neighbors import LocalOutlierFactor  # noqa: E402

ROOT = harness.ROOT


def blobs(n, d, k, seed):
    rng = np.random.default_rng(seed)
    centres = rng.uniform(-10, 10, size=(k, d))
    return np.ascontiguousarray(centres[np.arange(n) % k] + rng.standard_normal((n, d)))


def ours(which, path, n, d):
    """Seconds for fit (+ score) measured inside the release example."""
    return harness.cargo_example("shopml-anomaly", "anomaly_speed", which, path, n, d)["seconds"]


def theirs(which, X):
    t = time.perf_counter()
    if which == "iforest":
        m = IsolationForest(random_state=0, n_jobs=THREADS).fit(X)
        m.score_samples(X)
    else:
        LocalOutlierFactor(n_neighbors=20, n_jobs=THREADS).fit(X)
    return time.perf_counter() - t


def main():
    rounds = ARGS.rounds
    print(f"| task | shopml (s) | scikit-learn (s) | ratio | threads |")
    print("|---|---|---|---|---|")
    tasks = ARGS.tasks
    for which, n, d in (t for t in (("iforest", 1_000_000, 16), ("lof", 100_000, 10)) if t[0] in tasks):
        X = blobs(n, d, 8, 0)
        with tempfile.NamedTemporaryFile(suffix=".f64", delete=False) as f:
            f.write(X.astype("<f8").tobytes())
            path = f.name
        try:
            a, b = [], []
            for _ in range(rounds):
                # A pause before each side: OpenMP/BLAS worker threads of the
                # other side may still spin-wait for a moment after its run.
                time.sleep(1.0)
                a.append(ours(which, path, n, d))
                time.sleep(1.0)
                b.append(theirs(which, X))
            ma, mb = statistics.median(a), statistics.median(b)
            print(f"| {which} {n:,} × {d} | {ma:.2f} | {mb:.2f} | {ma / mb:.3f} | {THREADS} |", flush=True)
        finally:
            os.unlink(path)


if __name__ == "__main__":
    main()
