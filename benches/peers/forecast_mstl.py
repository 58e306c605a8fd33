#!/usr/bin/env python3
"""Multiple-seasonality forecasts: shopml's MSTL + AutoETS vs statsforecast's
`MSTL` (default `AutoETS(model="ZZN")` trend forecaster) and seasonal naive,
on rolling origins of the high-frequency series in ../shared/data.

    benches/peers/run forecast_mstl [--series taylor calls elecdemand]

Per series: origins × horizon as in SERIES below; sMAPE (M4 definition) and
MASE (scaled by the in-sample seasonal-naive error at the shortest period)
averaged over origins; seconds for all origins on each side (statsforecast's
numba compilation is excluded by a warm-up fit).
"""
import argparse
import os
import subprocess
import time

from harness import data_dir, example_binary, parse_args, pin_threads

SERIES = {
    "taylor": ("taylor.csv.gz", "x", [48, 336], 48, 7),
    "calls": ("calls.csv.gz", "x", [169, 845], 169, 5),
    "elecdemand": ("elecdemand.csv.gz", "Demand", [48, 336], 48, 7),
}

ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
ap.add_argument("--series", nargs="+", default=list(SERIES), choices=list(SERIES))
args = parse_args(ap)
pin_threads()

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import statsforecast  # noqa: E402
from statsforecast.models import MSTL, AutoETS  # noqa: E402


def smape(y, f):
    return float(np.mean(200 * np.abs(y - f) / (np.abs(y) + np.abs(f))))


def mase(y, f, train, m):
    scale = np.mean(np.abs(train[m:] - train[:-m]))
    return float(np.mean(np.abs(y - f)) / scale)


def main():
    exe = example_binary("shopml-forecast", "mstl_backtest")
    warm = MSTL(season_length=[4, 8], trend_forecaster=AutoETS(model="ZZN"))
    warm.fit(np.sin(np.arange(80.0)) + 5)
    warm.predict(4)
    print(f"statsforecast {statsforecast.__version__}")
    print("| series | periods | h × origins | shopml sMAPE | statsforecast sMAPE | seasonal naive sMAPE | shopml MASE | statsforecast MASE | seasonal naive MASE | shopml s | statsforecast s | ratio |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for name in args.series:
        file, col, periods, h, origins = SERIES[name]
        path = data_dir("high_frequency", file)
        y = pd.read_csv(path)[col].to_numpy(float)
        out = f"/tmp/shopml_mstl_{name}.csv"
        res = subprocess.run([exe, path, col, ",".join(map(str, periods)), str(h), str(origins), out], check=True, capture_output=True, text=True)
        ours_s = float(res.stdout.strip().splitlines()[-1].split(":")[1].strip(" }"))
        ours = pd.read_csv(out)
        sf_s = 0.0
        acc = {k: [] for k in ["ours_smape", "sf_smape", "sn_smape", "ours_mase", "sf_mase", "sn_mase"]}
        for o in range(origins):
            end = len(y) - (origins - o) * h
            train, test = y[:end], y[end:end + h]
            t = time.perf_counter()
            model = MSTL(season_length=periods, trend_forecaster=AutoETS(model="ZZN")).fit(train)
            sf = model.predict(h)["mean"]
            sf_s += time.perf_counter() - t
            sn = np.array([train[len(train) - periods[-1] + (i % periods[-1])] for i in range(h)])
            mine = ours[ours.origin == o].sort_values("step").forecast.to_numpy()
            for key, f in [("ours", mine), ("sf", sf), ("sn", sn)]:
                acc[f"{key}_smape"].append(smape(test, f))
                acc[f"{key}_mase"].append(mase(test, f, train, periods[0]))
        m = {k: np.mean(v) for k, v in acc.items()}
        print(f"| {name} | {periods} | {h} × {origins} | {m['ours_smape']:.3f} | {m['sf_smape']:.3f} | {m['sn_smape']:.3f} | "
              f"{m['ours_mase']:.3f} | {m['sf_mase']:.3f} | {m['sn_mase']:.3f} | {ours_s:.2f} | {sf_s:.2f} | {ours_s / sf_s:.2f} |", flush=True)


if __name__ == "__main__":
    main()
