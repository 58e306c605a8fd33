"""M3 accuracy and speed: shopml-forecast (release example `m3_accuracy`) vs
statsforecast AutoETS / Theta on the same 3,003 series, same worker count.

Run from the workspace root:
  benches/peers/run forecast_m3 [--workers 2] [--models AutoETS,Theta]
Prints markdown rows: frequency, model, sMAPE and MASE for both sides, ratio
shopml/peer, OWA vs Naive2, and the wall seconds of each side. Forecasts are
written to /tmp only (the M3 data have no stated licence).
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import time

from harness import data_dir, example_binary, parse_args

ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
ap.add_argument("--workers", type=int, default=2)
ap.add_argument("--models", default="AutoETS,Theta", help="statsforecast models to run (comma-separated)")
ap.add_argument("--data", default=data_dir("m3"))
args = parse_args(ap)
W = str(args.workers)
for v in ["OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS", "RAYON_NUM_THREADS"]:
    os.environ[v] = W

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import statsforecast  # noqa: E402
from statsforecast import StatsForecast  # noqa: E402
from statsforecast.models import AutoETS, Theta  # noqa: E402

FILES = [("M3Year.csv", "Yearly", 1), ("M3Quart.csv", "Quarterly", 4), ("M3Month.csv", "Monthly", 12), ("M3Other.csv", "Other", 1)]
series = []
for f, freq, m in FILES:
    df = pd.read_csv(f"{args.data}/{f}")
    for _, r in df.iterrows():
        n, h = int(r["N"]), int(r["NF"])
        vals = r.iloc[6:6 + n].to_numpy(float)
        series.append(dict(id=r["Series"], freq=freq, m=m, h=h, train=vals[:n - h], test=vals[n - h:]))

# --- shopml side -----------------------------------------------------------
exe = example_binary("shopml-forecast", "m3_accuracy")
def cpu_children():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def cpu_self():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


c0 = cpu_children()
out = subprocess.run([exe, args.data, "/tmp/m3_shopml.csv"], check=True,
                     capture_output=True, text=True).stdout
shop_cpu_all = cpu_children() - c0  # CPU of the whole example (AutoETS + Theta + Naive2 + I/O)
shop_secs = {}
for line in out.splitlines():
    if line.startswith("{"):
        d = json.loads(line)
        shop_secs[d["model"]] = d["seconds"]
shop = {}
for line in open("/tmp/m3_shopml.csv"):
    p = line.strip().split(",")
    shop[(p[0], p[1])] = np.array(p[2:], float)

# --- statsforecast side ------------------------------------------------------
def sf_run(model_fn, subset):
    fc = {}
    for f, freq, m in FILES:
        ss = [s for s in subset if s["freq"] == freq]
        if not ss:
            continue
        h = ss[0]["h"]
        df = pd.concat([pd.DataFrame(dict(unique_id=s["id"], ds=np.arange(len(s["train"])), y=s["train"])) for s in ss])
        sf = StatsForecast(models=[model_fn(m)], freq=1, n_jobs=args.workers)
        res = sf.forecast(df=df, h=h)
        col = [c for c in res.columns if c not in ("unique_id", "ds")][0]
        for uid, g in res.groupby("unique_id"):
            fc[uid] = g[col].to_numpy(float)
    return fc

peer, peer_secs, peer_cpu = {}, {}, {}
MODELS = [x for x in ["AutoETS", "Theta"] if x in args.models.split(",")]
for name, fn in [("AutoETS", lambda m: AutoETS(season_length=m)), ("Theta", lambda m: Theta(season_length=m))]:
    if name not in MODELS:
        continue
    sf_run(fn, [s for f, freq, m in FILES for s in [x for x in series if x["freq"] == freq][:3]])  # JIT warm-up
    t0, c0, s0 = time.perf_counter(), cpu_children(), cpu_self()
    peer[name] = sf_run(fn, series)
    peer_secs[name] = time.perf_counter() - t0
    peer_cpu[name] = cpu_children() - c0 + cpu_self() - s0  # pool workers are reaped after each fit


def smape(a, f):
    d = np.abs(a) + np.abs(f)
    return 200 * np.mean(np.where(d == 0, 0, np.abs(a - f) / np.where(d == 0, 1, d)))


def mase(a, f, x, m):
    scale = np.mean(np.abs(x[m:] - x[:-m]))
    return np.nan if scale == 0 else np.mean(np.abs(a - f)) / scale


def metrics(fc_of, subset):
    s = np.mean([smape(x["test"], fc_of(x)) for x in subset])
    ms = np.nanmean([mase(x["test"], fc_of(x), x["train"], x["m"]) for x in subset])
    return s, ms


print(f"statsforecast {statsforecast.__version__}, workers {W}")
print("| frequency | model | series | sMAPE shopml | sMAPE statsforecast | ratio | MASE shopml | MASE statsforecast | ratio | OWA shopml | OWA statsforecast |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for f, freq, m in FILES + [(None, "All", None)]:
    sub = series if freq == "All" else [x for x in series if x["freq"] == freq]
    n2 = metrics(lambda x: shop[(x["id"], "Naive2")], sub)
    for name in MODELS:
        a = metrics(lambda x: shop[(x["id"], name)], sub)
        b = metrics(lambda x: peer[name][x["id"]], sub)
        owa_a = 0.5 * (a[0] / n2[0] + a[1] / n2[1])
        owa_b = 0.5 * (b[0] / n2[0] + b[1] / n2[1])
        print(f"| {freq} | {name} | {len(sub)} | {a[0]:.3f} | {b[0]:.3f} | {a[0] / b[0]:.3f} | {a[1]:.3f} | {b[1]:.3f} | {a[1] / b[1]:.3f} | {owa_a:.3f} | {owa_b:.3f} |")
print()
print("| model | shopml wall s | statsforecast wall s | ratio shopml/peer |")
print("|---|---|---|---|")
for name in MODELS:
    print(f"| {name} (all 3,003 series, {W} workers) | {shop_secs[name]:.2f} | {peer_secs[name]:.2f} | {shop_secs[name] / peer_secs[name]:.3f} |")
print()
print(f"CPU seconds (user+sys): shopml whole example {shop_cpu_all:.1f}; statsforecast " + ", ".join(f"{k} {v:.1f}" for k, v in peer_cpu.items()))
