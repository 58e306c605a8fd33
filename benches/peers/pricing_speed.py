"""shopml-pricing vs statsmodels: the orange-juice cross-price panel, same design, same threads.

Per brand: OLS of log units on the 11 log prices, deal, feature and store fixed effects
(83 stores) with classical standard errors, for all 11 brands (106,139 rows in total).
shopml builds the design from the long table inside the timed region and absorbs the store
effects; statsmodels gets its design matrices pre-built (outside the timed region) and fits
OLS with the store dummies. Medians of REPEATS runs each, alternating.

Usage (from the workspace root):
  benches/peers/run pricing_speed
"""
import json
import os
import statistics
import subprocess
import time

THREADS = os.environ.get("THREADS", "2")
for var in ["OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "RAYON_NUM_THREADS"]:
    os.environ[var] = THREADS

import argparse

from harness import parse_args  # noqa: E402

if __name__ == "__main__":
    parse_args(argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import statsmodels.api as sm  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.environ.get("SHOPML_DATA", os.path.join(ROOT, "..", "shared", "data"))
REPEATS = int(os.environ.get("REPEATS", "5"))


def designs(d):
    out = []
    stores = sorted(d["store"].unique())
    for b in range(1, 12):
        db = d[d["brand"] == b]
        x = pd.DataFrame({f"lp{k}": np.log(db[f"price{k}"].to_numpy()) for k in range(1, 12)}, index=db.index)
        x["deal"] = db["deal"].to_numpy(dtype=float)
        x["feat"] = db["feat"].to_numpy(dtype=float)
        dm = pd.get_dummies(pd.Categorical(db["store"], categories=stores), drop_first=True, dtype=float)
        dm.index = db.index
        x = sm.add_constant(pd.concat([x, dm], axis=1), has_constant="add").to_numpy()
        out.append((db["logmove"].to_numpy(), x))
    return out


def main():
    path = os.path.join(DATA, "pricing", "orangeJuice_yx.csv.gz")
    subprocess.run(["cargo", "build", "-q", "--release", "-p", "shopml-pricing", "--example", "pricing_speed"], cwd=ROOT, check=True)
    d = pd.read_csv(path)
    ds = designs(d)
    rust, peer = [], []
    own_sm = None
    for _ in range(REPEATS):
        out = subprocess.run(["cargo", "run", "-q", "--release", "-p", "shopml-pricing", "--example", "pricing_speed", "--", path, "1"], cwd=ROOT, check=True, capture_output=True, text=True).stdout
        r = json.loads(out.strip().splitlines()[-1])
        rust.append(r["seconds"])
        t0 = time.perf_counter()
        for y, x in ds:
            res = sm.OLS(y, x).fit()
            _ = res.bse
        peer.append(time.perf_counter() - t0)
        own_sm = float(sm.OLS(ds[0][0], ds[0][1]).fit().params[1])
    rs, ps = statistics.median(rust), statistics.median(peer)
    print("| task | rows | threads | shopml s | statsmodels s | shopml / statsmodels | own elasticity brand 1 (shopml, statsmodels) |")
    print("|---|---|---|---|---|---|---|")
    print(f"| OJ cross-price panel, 11 brands, store FE | {len(d):,} | {THREADS} | {rs:.4f} | {ps:.4f} | {rs / ps:.3f} | {r['own_elasticity_brand1']:.6f}, {own_sm:.6f} |")


if __name__ == "__main__":
    main()
