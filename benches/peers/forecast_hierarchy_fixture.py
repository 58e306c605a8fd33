#!/usr/bin/env python3
"""Hierarchical reconciliation fixtures: hierarchicalforecast's reconciled
forecasts on visnights (region → state → total) and prison (state × gender ×
legal status, crossed), written to
crates/shopml-forecast/tests/fixtures/hierarchicalforecast_reconcile.json.

    benches/peers/run forecast_hierarchy_fixture

Base forecasts are a deliberately non-linear (so incoherent) rule that both
sides compute exactly: the seasonal median — for each quarter, the median of
the last three observed values of that quarter; in-sample fitted values are
the median of the three previous same-quarter values (from t = 3·4 on).
Only reconciled forecasts are saved (the GPL-3 data stay in ../shared/data).
"""
import argparse
import json
import os

from harness import ROOT, data_dir, parse_args

ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
ap.add_argument("--horizon", type=int, default=8)
args = parse_args(ap)

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import hierarchicalforecast  # noqa: E402
from hierarchicalforecast.core import HierarchicalReconciliation  # noqa: E402
from hierarchicalforecast.methods import BottomUp, MinTrace, TopDown  # noqa: E402
from hierarchicalforecast.utils import aggregate  # noqa: E402

M = 4


def seasonal_median(y, h):
    """Forecasts and in-sample fitted values (from t = 3M) of the seasonal median rule."""
    n = len(y)
    fc = []
    for step in range(1, h + 1):
        t = n - 1 + step
        past = [y[t - k * M] for k in range(1, 50) if 0 <= t - k * M < n][:3]
        fc.append(float(np.median(past)))
    fitted = [float(np.median([y[t - M], y[t - 2 * M], y[t - 3 * M]])) for t in range(3 * M, n)]
    return fc, fitted


def run(long_df, spec, strict):
    y_df, s_df, tags = aggregate(long_df, spec)
    ids = list(s_df["unique_id"])
    hat, fit_rows = [], []
    for uid in ids:
        y = y_df[y_df["unique_id"] == uid].sort_values("ds")["y"].to_numpy(float)
        fc, fitted = seasonal_median(y, args.horizon)
        n = len(y)
        for s, v in enumerate(fc):
            hat.append((uid, n + s, v))
        for t, v in zip(range(3 * M, n), fitted):
            fit_rows.append((uid, t, y[t], v))
    y_hat = pd.DataFrame(hat, columns=["unique_id", "ds", "Model"])
    fitted = pd.DataFrame(fit_rows, columns=["unique_id", "ds", "y", "Model"])
    recs = [BottomUp(), MinTrace(method="ols"), MinTrace(method="wls_struct"), MinTrace(method="wls_var"), MinTrace(method="mint_shrink")]
    if strict:
        recs.append(TopDown(method="forecast_proportions"))
    rec = HierarchicalReconciliation(reconcilers=recs).reconcile(Y_hat_df=y_hat, Y_df=fitted, S_df=s_df, tags=tags)
    out = {}
    for col in rec.columns:
        if col.startswith("Model/"):
            key = col.split("/", 1)[1]
            out[key] = [rec[rec["unique_id"] == uid].sort_values("ds")[col].tolist() for uid in ids]
    return {"names": ids, "horizon": args.horizon, "reconciled": out,
            "base": [y_hat[y_hat["unique_id"] == uid].sort_values("ds")["Model"].tolist() for uid in ids]}


def main():
    vis = pd.read_csv(data_dir("high_frequency", "visnights.csv.gz")).drop(columns=["rownames"])
    rows = []
    for region in vis.columns:
        for t, v in enumerate(vis[region].to_numpy(float)):
            rows.append(("total", region[:3], region, t, v))
    vdf = pd.DataFrame(rows, columns=["total", "state", "region", "ds", "y"])
    pri = pd.read_csv(data_dir("high_frequency", "prison.csv.gz")).drop(columns=["rownames"])
    rows = []
    for col in pri.columns:
        state, gender, legal = col[:3].strip(), col[3], col[4:].strip()
        for t, v in enumerate(pri[col].to_numpy(float)):
            rows.append(("total", state, gender, legal, t, v))
    pdf = pd.DataFrame(rows, columns=["total", "state", "gender", "legal", "ds", "y"])
    fixture = {
        "source": f"hierarchicalforecast {hierarchicalforecast.__version__}, pandas {pd.__version__}, numpy {np.__version__}",
        "visnights": run(vdf, [["total"], ["total", "state"], ["total", "state", "region"]], strict=True),
        "prison": run(pdf, [["total"], ["total", "state"], ["total", "gender"], ["total", "legal"], ["total", "state", "gender"],
                            ["total", "state", "legal"], ["total", "gender", "legal"], ["total", "state", "gender", "legal"]], strict=False),
    }
    path = os.path.join(ROOT, "crates", "shopml-forecast", "tests", "fixtures", "hierarchicalforecast_reconcile.json")
    with open(path, "w") as f:
        json.dump(fixture, f)
    print("wrote", os.path.relpath(path, ROOT), {k: list(v["reconciled"]) for k, v in fixture.items() if k != "source"})


if __name__ == "__main__":
    main()
