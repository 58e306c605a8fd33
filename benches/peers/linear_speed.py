"""shopml-linear vs scikit-learn speed on synthetic dense data, same data, same thread count.

Usage (from the workspace root):
  THREADS=2 ~/.cache/shopml-peers/bin/python benches/peers/linear_speed.py [ols ridge logit lasso_path] [--n N] [--p P]
Each task builds and runs `cargo run --release -p shopml-linear --example linear_speed -- <task> <n> <p> <dir>`
(which writes X.bin / y.bin and times the shopml fit), then loads the same data and times scikit-learn.
Prints one markdown row per task: | task | n × p | shopml s | sklearn s | ratio | agreement |.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

THREADS = os.environ.get("THREADS", "2")
for var in ["OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS", "RAYON_NUM_THREADS"]:
    os.environ[var] = THREADS


from harness import data_dir, example_binary, parse_args  # noqa: E402

def parser():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("tasks", nargs="*", default=["ols", "ridge", "logit", "lasso_path"])
    ap.add_argument("--n", type=int)
    ap.add_argument("--p", type=int)
    return ap


ARGS = parse_args(parser()) if __name__ == "__main__" else None

import numpy as np  # noqa: E402
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge, lasso_path  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

ROOT = os.environ.get("SHOPML_CARGO_DIR", os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
DEFAULT_SIZES = {"ols": (1_000_000, 100), "ridge": (1_000_000, 100), "logit": (1_000_000, 50), "lasso_path": (1_000_000, 100)}


def run_rust(task, n, p, d):
    cmd = [example_binary("shopml-linear", "linear_speed"), task, str(n), str(p), d]
    out = subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def logit_objective(X, y, coef, b, C):
    z = X @ coef + b
    loss = np.mean(np.logaddexp(0.0, z) - y * z)
    return loss + coef @ coef / (2.0 * C * len(y))


def main():
    a = ARGS
    print("| task | n × p | threads | shopml s | scikit-learn s | shopml / sklearn | agreement |")
    print("|---|---|---|---|---|---|---|")
    for task in a.tasks:
        n, p = DEFAULT_SIZES[task.split("_lbfgs")[0]]
        n, p = a.n or n, a.p or p
        with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP", "/tmp")) as d:
            r = run_rust(task, n, p, d)
            X = np.fromfile(os.path.join(d, "X.bin"), dtype="<f8").reshape(n, p)
            y = np.fromfile(os.path.join(d, "y.bin"), dtype="<f8")
            coef_r = np.array(r["coef"])
            if task == "lasso_path":
                # lasso_path has no intercept: centre outside the timed region (shopml centres inside).
                X = X - X.mean(axis=0)
                y = y - y.mean()
            with threadpool_limits(int(THREADS)):
                t0 = time.perf_counter()
                if task.startswith("ols"):
                    m = LinearRegression().fit(X, y)
                    coef, b = m.coef_, m.intercept_
                elif task == "ridge":
                    m = Ridge(alpha=1.0).fit(X, y)
                    coef, b = m.coef_, m.intercept_
                elif task.startswith("logit"):
                    m = LogisticRegression(C=1.0, tol=1e-4, max_iter=1000).fit(X, y)
                    coef, b = m.coef_[0], m.intercept_[0]
                elif task == "lasso_path":
                    alphas, coefs, _ = lasso_path(X, y, n_alphas=100, eps=1e-3)
                    coef, b = coefs[:, -1], None
                secs = time.perf_counter() - t0
            if task.startswith("logit"):
                fr = logit_objective(X, y, coef_r, r["intercept"], 1.0)
                fs = logit_objective(X, y, coef, b, 1.0)
                agree = f"objective shopml {fr:.10f} vs sklearn {fs:.10f} (rel {(fr - fs) / abs(fs):+.1e}); iters {r.get('n_iter')} vs {m.n_iter_[0]}"
            else:
                rel = np.max(np.abs(coef_r - coef)) / np.max(np.abs(coef))
                agree = f"max coef rel diff {rel:.1e}"
            print(f"| {task} | {n:,} × {p} | {THREADS} | {r['seconds']:.3f} | {secs:.3f} | {r['seconds'] / secs:.2f} | {agree} |", flush=True)


if __name__ == "__main__":
    main()
