"""Shared helpers for the peer comparisons in this folder.

Convention: every comparison script runs the shopml side (a release-built
example that prints one JSON object on its last stdout line) and the peer side
(Python) on the same input in the same invocation, then prints one markdown
table row: metric values, seconds for each side, and the ratio shopml/peer.
"""
import json
import os
import platform
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def threads():
    """The thread count both sides use (SHOPML_THREADS, default 2)."""
    return int(os.environ.get("SHOPML_THREADS", "2"))


def pin_threads():
    """Pins BLAS / OpenMP / numba / rayon to the same thread count. Call before importing numpy."""
    n = str(threads())
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS", "RAYON_NUM_THREADS"):
        os.environ[var] = n


def cargo_example(package, example, *args, features=None):
    """Builds (release) and runs a shopml example; returns its last stdout line parsed as JSON."""
    cmd = ["cargo", "run", "--quiet", "--release", "-p", package, "--example", example]
    if features:
        cmd += ["--features", features]
    cmd += ["--", *map(str, args)]
    env = dict(os.environ, RAYON_NUM_THREADS=str(threads()))
    out = subprocess.run(cmd, cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def best_of(fn, repeat=5):
    """Minimum wall time of `repeat` calls of fn() and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t)
    return best, result


def machine():
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {threads()} threads per side"


def row(*cells):
    print("| " + " | ".join(str(c) for c in cells) + " |")
    sys.stdout.flush()
