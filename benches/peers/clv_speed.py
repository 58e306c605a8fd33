"""shopml-clv against lifetimes: fitting BG/NBD and Gamma-Gamma on the CDNOW
summary (lifetimes' bundled data, saved in the parity fixture), and the
12-month CLV of N simulated BG/NBD customers (default 1,000,000).

Both sides read the same CSV files (written by the shopml example from the
fixture and from its seeded simulator), in alternating rounds; each side's
time is the median of its rounds. shopml runs on SHOPML_THREADS rayon threads
(default 2); lifetimes is NumPy/SciPy (one thread for these calls).
Fits: no penalty on either side, lifetimes' default tolerance; the fitted
parameters are printed beside each other. CLV: the same fixed models on both
sides (CDNOW's BG/NBD and Gamma-Gamma in weeks), 12 months of 4.345 weeks,
1 %/month; the sums of CLV are printed beside each other.

Run: benches/peers/run clv_speed [--customers N] [--rounds R]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

from harness import ROOT, example_binary, machine, parse_args, pin_threads, row, threads

ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
ap.add_argument("--customers", type=int, default=1_000_000, help="simulated customers for the CLV timing")
ap.add_argument("--rounds", type=int, default=3, help="alternating rounds per side")
args = parse_args(ap)
pin_threads()

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import lifetimes  # noqa: E402
from lifetimes import BetaGeoFitter, GammaGammaFitter  # noqa: E402

TRUTH = dict(r=0.243, alpha=4.414, a=0.793, b=2.426)
SPEND = dict(p=6.25, q=3.74, v=15.44)

exe = example_binary("shopml-clv", "clv_speed")
env = dict(os.environ, RAYON_NUM_THREADS=str(threads()))


def shopml(*a):
    out = subprocess.run([exe, *map(str, a)], cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


tmp = tempfile.mkdtemp(prefix="shopml_clv_speed_")
fixture = json.load(open(os.path.join(ROOT, "crates", "shopml-clv", "tests", "fixtures", "lifetimes_online_retail.json")))
c = fixture["cdnow"]
cdnow = pd.DataFrame({"frequency": c["frequency"], "recency": c["recency"], "T": c["T"], "monetary": c["monetary"]})
cdnow_csv = os.path.join(tmp, "cdnow.csv")
cdnow.to_csv(cdnow_csv, index=False)
sim_csv = os.path.join(tmp, "simulated.csv")
subprocess.run([exe, "simulate", str(args.customers), sim_csv], cwd=ROOT, env=env, check=True)
sim = pd.read_csv(sim_csv)

print(f"lifetimes {lifetimes.__version__}, numpy {np.__version__}, pandas {pd.__version__}; {machine()}")
print()
print("| task | data | shopml s | lifetimes s | shopml/lifetimes | shopml result | lifetimes result |")
print("|---|---|---|---|---|---|---|")

# Fits on CDNOW: each round runs shopml's fits (its own median over 1 call) then lifetimes'.
fit_times = {"bg": ([], []), "gg": ([], [])}
bg_params = gg_params = None
repeat = cdnow[cdnow["frequency"] > 0]
for _ in range(args.rounds):
    s = shopml("fit", cdnow_csv, 1)
    fit_times["bg"][0].append(s["bgnbd_seconds"])
    fit_times["gg"][0].append(s["gamma_gamma_seconds"])
    t = time.perf_counter()
    bgf = BetaGeoFitter().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])
    fit_times["bg"][1].append(time.perf_counter() - t)
    t = time.perf_counter()
    ggf = GammaGammaFitter().fit(repeat["frequency"], repeat["monetary"])
    fit_times["gg"][1].append(time.perf_counter() - t)
    bg_params, gg_params = (s["bgnbd"], bgf.params_[["r", "alpha", "a", "b"]].tolist()), (s["gamma_gamma"], ggf.params_[["p", "q", "v"]].tolist())
for key, name, params in [("bg", "fit BG/NBD", bg_params), ("gg", "fit Gamma-Gamma", gg_params)]:
    ours, theirs = (statistics.median(x) for x in fit_times[key])
    fmt = lambda v: "[" + ", ".join(f"{x:.5g}" for x in v) + "]"  # noqa: E731
    row(name, f"CDNOW, {len(cdnow):,} customers", f"{ours:.4f}", f"{theirs:.4f}", f"{ours / theirs:.3f}", fmt(params[0]), fmt(params[1]))

# CLV of the simulated customers with the same fixed models.
bgf = BetaGeoFitter()
bgf.params_ = pd.Series(TRUTH)
bgf.predict = bgf.conditional_expected_number_of_purchases_up_to_time  # set by fit() in lifetimes
ggf = GammaGammaFitter()
ggf.params_ = pd.Series(SPEND)
clv_times = ([], [])
sums = (None, None)
for _ in range(args.rounds):
    s = shopml("clv", sim_csv, 1)
    clv_times[0].append(s["seconds"])
    t = time.perf_counter()
    value = ggf.customer_lifetime_value(bgf, sim["frequency"], sim["recency"], sim["T"], sim["monetary"],
                                        time=12, discount_rate=0.01, freq="W")
    clv_times[1].append(time.perf_counter() - t)
    sums = (s["clv_sum"], float(np.sum(value)))
ours, theirs = (statistics.median(x) for x in clv_times)
row("CLV, 12 months", f"{len(sim):,} simulated customers", f"{ours:.3f}", f"{theirs:.3f}", f"{ours / theirs:.3f}",
    f"Σ CLV {sums[0]:.10g}", f"Σ CLV {sums[1]:.10g}")
sys.stdout.flush()
