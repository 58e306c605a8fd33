#!/usr/bin/env python
"""Frequent-itemset mining speed and memory: shopml-basket vs mlxtend fpgrowth vs pyfim (Borgelt's C) fpgrowth.

Usage (from the workspace root):
    benches/peers/run basket_speed [--rounds 2]

Same input for every tool: the release example
crates/shopml-basket/examples/basket_speed.rs writes the baskets (Online Retail,
whole file, one basket per invoice after shopml-clean's default rules; and an
IBM Quest-shaped T10.I4.D100K set with 1,000 items, seed 0) to a text file, and
each tool reads that file in its own subprocess, so peak memory (VmHWM) is per
tool. Only the mining call is timed (median of 3 inside a process); rounds
alternate the tools' order. shopml runs with 2 rayon threads; mlxtend is pure
Python/numpy and pyfim single-threaded C. All report the same itemset count
(checked). Prints markdown rows: data, support, itemsets, seconds, peak MB.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

from harness import example_binary, parse_args

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PY = sys.executable
THREADS = os.environ.get("SHOPML_THREADS", "2")
# A prebuilt binary may be given (so edits elsewhere do not trigger a rebuild mid-run).
EXAMPLE = [os.environ["SHOPML_BASKET_SPEED_BIN"]] if os.environ.get("SHOPML_BASKET_SPEED_BIN") else None
TIMEOUT = 900


def vm(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def worker(tool, path, support, repeat):
    import math
    with open(path) as f:
        baskets = [line.rstrip("\n").split("\t") for line in f]
    n = len(baskets)
    min_count = math.ceil(support * n)
    while min_count > 1 and (min_count - 1) / n >= support:
        min_count -= 1
    while min_count / n < support:
        min_count += 1
    if tool == "mlxtend":
        import warnings
        import numpy as np, pandas as pd, scipy.sparse as sp
        from mlxtend.frequent_patterns import fpgrowth
        codes = sorted({c for b in baskets for c in b})
        col = {c: j for j, c in enumerate(codes)}
        rows = np.repeat(np.arange(n), [len(b) for b in baskets])
        cols = np.fromiter((col[c] for b in baskets for c in b), dtype=np.int64)
        m = sp.csr_matrix((np.ones(len(cols), dtype=bool), (rows, cols)), shape=(n, len(codes)))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            df = pd.DataFrame.sparse.from_spmatrix(m, columns=codes)
        run = lambda: len(fpgrowth(df, min_support=support, use_colnames=False))
    else:
        from fim import fpgrowth
        run = lambda: len(fpgrowth(baskets, target="s", supp=-min_count, zmin=1, report="a"))
    rss_input = vm("VmHWM")
    times, count = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        count = run()
        times.append(time.perf_counter() - t)
    times.sort()
    print(json.dumps({"tool": tool, "support": support, "min_count": min_count, "n_itemsets": count,
                      "median_s": times[len(times) // 2], "rss_input_mb": rss_input, "peak_rss_mb": vm("VmHWM")}))


def run_tool(tool, path, support, repeat):
    if tool == "shopml":
        cmd = EXAMPLE + ["--baskets", path, "--supports", str(support), "--repeat", str(repeat), "--threads", THREADS]
    else:
        cmd = [PY, __file__, "worker", tool, path, str(support), str(repeat)]
    try:
        out = subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True, timeout=TIMEOUT,
                             env=dict(os.environ, RAYON_NUM_THREADS=THREADS, OMP_NUM_THREADS=THREADS)).stdout
    except subprocess.TimeoutExpired:
        return None
    return json.loads(out.strip().splitlines()[-1])


def main(rounds):
    os.environ.setdefault("SHOPML_DATA", os.path.join(ROOT, "..", "shared", "data"))
    data = {}
    for name, args in [("online_retail", ["--online-retail"]), ("quest_T10I4D100K", ["--quest", "0"])]:
        path = f"/tmp/shopml_basket_speed_{name}.tsv"
        subprocess.run(EXAMPLE + args + ["--write-baskets", path], cwd=ROOT, check=True, capture_output=True)
        data[name] = path
    plan = [("online_retail", s, ["shopml", "mlxtend", "pyfim"]) for s in (0.02, 0.01, 0.005)]
    plan += [("quest_T10I4D100K", s, ["shopml", "mlxtend", "pyfim"]) for s in (0.01, 0.005)]
    plan += [("quest_T10I4D100K", s, ["shopml", "pyfim"]) for s in (0.002, 0.001)]
    print(f"| data | support | itemsets | shopml s ({THREADS} thr) | mlxtend s | pyfim s | shopml/mlxtend | shopml/pyfim | peak MB shopml / mlxtend / pyfim (input-only MB) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, s, tools in plan:
        res = {t: [] for t in tools}
        for r in range(rounds):
            order = tools if r % 2 == 0 else list(reversed(tools))
            for t in order:
                res[t].append(run_tool(t, data[name], s, 3))
        counts = {t: {x["n_itemsets"] for x in res[t] if x} for t in tools}
        assert len(set().union(*counts.values())) == 1, f"itemset counts differ: {counts}"
        med = {t: (statistics.median(x["median_s"] for x in res[t]) if all(res[t]) else None) for t in tools}
        mem = {t: (max(x["peak_rss_mb"] for x in res[t]) if all(res[t]) else None) for t in tools}
        inp = {t: (max(x["rss_input_mb"] for x in res[t]) if all(res[t]) else None) for t in tools}
        f = lambda v, d=3: "—" if v is None else f"{v:.{d}f}"
        ratio = lambda a, b: "—" if a is None or b is None else f"{a / b:.3f}"
        n_sets = next(iter(set().union(*counts.values())))
        print(f"| {name} | {s} | {n_sets} | {f(med['shopml'])} | {f(med.get('mlxtend'))} | {f(med['pyfim'])} | "
              f"{ratio(med['shopml'], med.get('mlxtend'))} | {ratio(med['shopml'], med['pyfim'])} | "
              + " / ".join(f"{f(mem.get(t), 0)} ({f(inp.get(t), 0)})" for t in ("shopml", "mlxtend", "pyfim")) + " |")
        sys.stdout.flush()


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "worker":
        worker(sys.argv[2], sys.argv[3], float(sys.argv[4]), int(sys.argv[5]))
    else:
        ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
        ap.add_argument("--rounds", type=int, default=2, help="rounds, alternating the tools' order")
        args = parse_args(ap)
        if EXAMPLE is None:
            EXAMPLE = [example_binary("shopml-basket", "basket_speed")]
        main(args.rounds)
