#!/usr/bin/env python3
"""STL / MSTL fixtures: statsmodels' STL and statsforecast's mstl on
AirPassengers (public domain, so the series is saved with the results) →
crates/shopml-forecast/tests/fixtures/stl_statsmodels.json.

    benches/peers/run forecast_stl_fixture
"""
import argparse
import json
import os

from harness import ROOT, data_dir, parse_args

ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
args = parse_args(ap)

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import statsforecast  # noqa: E402
import statsmodels  # noqa: E402
from statsforecast.mstl import mstl  # noqa: E402
from statsmodels.tsa.seasonal import STL  # noqa: E402


def main():
    y = pd.read_csv(data_dir("classic_ts", "pydataset", "AirPassengers.csv"))["AirPassengers"].to_numpy(float)
    ly = np.log(y)
    cases = []
    for name, series, kw in [
        ("air_default", y, dict(period=12)),
        ("air_deg0_s11", y, dict(period=12, seasonal=11, seasonal_deg=0)),
        ("logair_robust", ly, dict(period=12, robust=True)),
        ("air_p4_s9", y, dict(period=4, seasonal=9)),
    ]:
        r = STL(series, **kw).fit()
        cases.append({"name": name, "y": series.tolist(), "options": {k: (bool(v) if isinstance(v, bool) else v) for k, v in kw.items()},
                      "trend": r.trend.tolist(), "seasonal": r.seasonal.tolist()})
    m = mstl(ly.copy(), [4, 12])
    fixture = {
        "source": f"statsmodels {statsmodels.__version__}, statsforecast {statsforecast.__version__}",
        "stl": cases,
        "mstl": {"y": ly.tolist(), "periods": [4, 12], "trend": m["trend"].tolist(),
                 "seasonals": [m["seasonal4"].tolist(), m["seasonal12"].tolist()], "remainder": m["remainder"].tolist()},
    }
    path = os.path.join(ROOT, "crates", "shopml-forecast", "tests", "fixtures", "stl_statsmodels.json")
    with open(path, "w") as f:
        json.dump(fixture, f)
    print("wrote", os.path.relpath(path, ROOT))


if __name__ == "__main__":
    main()
