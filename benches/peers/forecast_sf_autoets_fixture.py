"""Fixture: statsforecast 1.7.8 AutoETS (`ets_f`, defaults) on small synthetic
yearly-like series (integrated random walks from a 64-bit LCG, reproduced
bit-for-bit in `crates/shopml-forecast/tests/models.rs::wandering_trend`).

Run from the workspace root:
  ~/.cache/shopml-peers/bin/python benches/peers/forecast_sf_autoets_fixture.py
Writes crates/shopml-forecast/tests/fixtures/statsforecast_autoets_yearly.json.
"""
import json

import argparse

from harness import data_dir, parse_args  # noqa: E402


def parser():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    return ap


ARGS = parse_args(parser()) if __name__ == "__main__" else None

import numpy as np
import statsforecast
from statsforecast.ets import ets_f, forecast_ets

MASK = (1 << 64) - 1


def wandering_trend(n, seed):
    state, level, slope, out = seed, 1000.0, 20.0, []
    for _ in range(n):
        state = (state * 6364136223846793005 + 1442695040888963407) & MASK
        u = (state >> 11) / float(1 << 53) - 0.5
        slope += 60.0 * u
        level += slope
        out.append(level)
    return np.array(out)


cases = []
for seed in range(1, 13):
    y = wandering_trend(30, seed)
    mod = ets_f(y, 1)
    cases.append(dict(seed=seed, n=30, method=mod["method"], aicc=float(mod["aicc"]),
                      forecast=[float(v) for v in forecast_ets(mod, h=6)["mean"]], first=float(y[0])))
json.dump(dict(statsforecast=statsforecast.__version__, h=6, cases=cases),
          open("crates/shopml-forecast/tests/fixtures/statsforecast_autoets_yearly.json", "w"), indent=1)
for c in cases:
    print(c["seed"], c["method"], c["forecast"][0], c["forecast"][-1])
