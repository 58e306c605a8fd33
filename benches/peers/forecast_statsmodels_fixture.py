"""Save statsmodels Holt-Winters and ETS outputs with FIXED parameters as a fixture
for shopml-forecast's exactness tests (tests/fixtures/statsmodels_hw_ets.json).

Series: AirPassengers (R datasets, via pydataset) and co2 (statsmodels; weekly
Mauna Loa readings averaged to months, gaps forward-filled), both from
../shared/data/classic_ts (public domain / BSD, see its SOURCE.md).
Run: ~/.cache/shopml-peers/bin/python benches/peers/forecast_statsmodels_fixture.py
"""
import json
import os
import sys

import argparse

from harness import data_dir, parse_args  # noqa: E402


def parser():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    return ap


ARGS = parse_args(parser()) if __name__ == "__main__" else None

import numpy as np
import pandas as pd
import statsmodels
from statsmodels.tsa.holtwinters import ExponentialSmoothing
from statsmodels.tsa.exponential_smoothing.ets import ETSModel

DATA = data_dir()
OUT = os.path.join(os.path.dirname(__file__), "../../crates/shopml-forecast/tests/fixtures/statsmodels_hw_ets.json")
H = 24

air = pd.read_csv(f"{DATA}/classic_ts/pydataset/AirPassengers.csv")["AirPassengers"].to_numpy(float)
co2w = pd.read_csv(f"{DATA}/classic_ts/statsmodels/co2.csv", dtype={"date": str})
co2w.index = pd.to_datetime(co2w["date"], format="%Y%m%d")
co2 = co2w["co2"].resample("MS").mean().ffill().to_numpy(float)
series = {"air": air.tolist(), "co2": co2.tolist()}


def seasonal_init(y, m, kind):
    first = y[:m]
    return (first / first.mean()).tolist() if kind == "mul" else (first - first.mean()).tolist()


cases = []
# Holt-Winters (statsmodels.tsa.holtwinters), classical parametrisation, known initial values.
hw_specs = [
    ("air", None, False, None, dict(smoothing_level=0.6), None),
    ("air", "add", False, None, dict(smoothing_level=0.5, smoothing_trend=0.1), None),
    ("air", "add", True, None, dict(smoothing_level=0.5, smoothing_trend=0.1, damping_trend=0.9), None),
    ("air", "add", False, "mul", dict(smoothing_level=0.3, smoothing_trend=0.05, smoothing_seasonal=0.2), None),
    ("air", "add", True, "add", dict(smoothing_level=0.3, smoothing_trend=0.05, smoothing_seasonal=0.2, damping_trend=0.95), None),
    ("co2", "add", False, "add", dict(smoothing_level=0.4, smoothing_trend=0.02, smoothing_seasonal=0.1), None),
    ("co2", "add", True, "mul", dict(smoothing_level=0.4, smoothing_trend=0.02, smoothing_seasonal=0.1, damping_trend=0.98), None),
]
for name, trend, damped, seasonal, params, _ in hw_specs:
    y = np.asarray(series[name])
    m = 12
    init = dict(initial_level=float(y[:m].mean()))
    if trend:
        init["initial_trend"] = float((y[m:2 * m].mean() - y[:m].mean()) / m)
    if seasonal:
        init["initial_seasonal"] = seasonal_init(y, m, seasonal)
    mod = ExponentialSmoothing(y, trend=trend, damped_trend=damped, seasonal=seasonal,
                               seasonal_periods=m if seasonal else None, initialization_method="known", **init)
    res = mod.fit(optimized=False, **params)
    cases.append(dict(kind="holt_winters", series=name, trend=trend or "none", damped=damped, seasonal=seasonal or "none",
                      season_length=m, params=params, init=init,
                      fitted=res.fittedvalues.tolist(), forecast=res.forecast(H).tolist()))

# ETS state space (statsmodels.tsa.exponential_smoothing.ets.ETSModel), Hyndman et al. (2008) parametrisation.
ets_specs = [
    ("air", "add", None, False, None, [0.7]),
    ("air", "mul", "add", True, None, [0.6, 0.05, 0.9]),
    ("air", "mul", "add", False, "mul", [0.3, 0.01, 0.1]),
    ("air", "add", "add", False, "add", [0.3, 0.01, 0.1]),
    ("co2", "add", "add", True, "add", [0.5, 0.01, 0.1, 0.95]),
    ("co2", "mul", None, False, "mul", [0.6, 0.2]),
]
for name, error, trend, damped, seasonal, params in ets_specs:
    y = np.asarray(series[name])
    m = 12
    init = dict(initial_level=float(y[:m].mean()))
    if trend:
        init["initial_trend"] = float((y[m:2 * m].mean() - y[:m].mean()) / m)
    if seasonal:
        init["initial_seasonal"] = seasonal_init(y, m, seasonal)
    mod = ETSModel(y, error=error, trend=trend, damped_trend=damped, seasonal=seasonal,
                   seasonal_periods=m if seasonal else None, initialization_method="known", **init)
    res = mod.smooth(params)
    cases.append(dict(kind="ets", series=name, error=error, trend=trend or "none", damped=damped, seasonal=seasonal or "none",
                      season_length=m, params=params, init=init,
                      fitted=res.fittedvalues.tolist(), forecast=res.forecast(H).tolist()))

with open(OUT, "w") as f:
    json.dump(dict(statsmodels=statsmodels.__version__, horizon=H, series=series, cases=cases), f)
print(f"wrote {len(cases)} cases to {OUT}", file=sys.stderr)
