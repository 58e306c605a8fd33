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


def data_dir(*parts):
    """A path under the shared data folder: $SHOPML_DATA, default ../shared/data beside the repository."""
    base = os.environ.get("SHOPML_DATA") or os.path.join(ROOT, "..", "shared", "data")
    return os.path.join(base, *parts)


def target_dir():
    """Cargo's target folder: $CARGO_TARGET_DIR, default target/ in the repository."""
    return os.environ.get("CARGO_TARGET_DIR") or os.path.join(ROOT, "target")


def example_binary(package, example, features=None):
    """Builds a release example (cargo is a no-op when it is up to date) and returns its path."""
    cmd = ["cargo", "build", "--quiet", "--release", "-p", package, "--example", example]
    if features:
        cmd += ["--features", features]
    subprocess.run(cmd, cwd=ROOT, check=True)
    return os.path.join(target_dir(), "release", "examples", example)


def parse_args(ap, argv=None):
    """Parses the command line. Scripts build their parser before importing any
    peer library, so `--help` and `--check-args` work without the virtualenv:
    `--check-args` validates the arguments and exits (CI runs every command of
    docs/PERFORMANCE.md this way)."""
    ap.add_argument("--check-args", action="store_true", help="only validate the arguments, then exit")
    args = ap.parse_args(argv)
    if args.check_args:
        print(f"{os.path.basename(sys.argv[0])}: arguments ok")
        sys.exit(0)
    return args


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
    exe = example_binary(package, example, features)
    env = dict(os.environ, RAYON_NUM_THREADS=str(threads()))
    out = subprocess.run([exe, *map(str, args)], cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout
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
