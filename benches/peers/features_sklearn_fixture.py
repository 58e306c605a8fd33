#!/usr/bin/env python3
"""Fixture for shopml-features' scalers and encoders: scikit-learn outputs on the
UCI Online Shoppers Purchasing Intention data (CC BY 4.0).

Writes crates/shopml-features/tests/fixtures/sklearn_online_shoppers.json with, for
two fits — "full" (all 12,330 rows, checked by an ignored real-data test) and
"sample" (the first 300 rows, whose CSV text is embedded so the check runs without
SHOPML_DATA) — the fitted parameters, the outputs of the first HEAD rows, and
per-column sums and sums of squares of the outputs over every fitted row, for:
StandardScaler, MinMaxScaler, RobustScaler, OneHotEncoder(handle_unknown="ignore"),
OneHotEncoder(min_frequency=50, handle_unknown="infrequent_if_exist"),
OrdinalEncoder, and PowerTransformer(box-cox) lambdas of x + 1.
The 14 rows with empty numeric fields are dropped first.

Usage: benches/peers/run features_sklearn_fixture
"""
import json
import os

import argparse

from harness import data_dir, parse_args  # noqa: E402


def parser():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    return ap


ARGS = parse_args(parser()) if __name__ == "__main__" else None

import numpy as np
import pandas as pd
import sklearn
from sklearn.preprocessing import MinMaxScaler, OneHotEncoder, OrdinalEncoder, PowerTransformer, RobustScaler, StandardScaler

HEAD = 100
SAMPLE = 300
NUMERIC = ["Administrative", "Administrative_Duration", "Informational", "Informational_Duration", "ProductRelated",
           "ProductRelated_Duration", "BounceRates", "ExitRates", "PageValues", "SpecialDay"]
CATEGORICAL = ["Month", "OperatingSystems", "Browser", "Region", "TrafficType", "VisitorType", "Weekend"]
BOXCOX = ["ProductRelated", "ExitRates", "PageValues", "Informational"]


def fl(a):
    return [float(v) for v in np.asarray(a, dtype=float).ravel()]


def dense(out, head):
    out = np.asarray(out, dtype=float)
    return {"head": [fl(r) for r in out[:head]], "colsum": fl(out.sum(axis=0)), "colsumsq": fl((out * out).sum(axis=0))}


def onehot_block(enc, xc, head):
    out = enc.transform(xc)
    out = out.toarray() if hasattr(out, "toarray") else np.asarray(out)
    names = [str(n) for n in enc.get_feature_names_out(CATEGORICAL)]
    return {"names": names, "head_active": [[int(i) for i in np.flatnonzero(r)] for r in out[:head]], "colsum": fl(out.sum(axis=0))}


def fits(df):
    xn = df[NUMERIC].to_numpy(dtype=float)
    xc = df[CATEGORICAL].astype(str).to_numpy()
    out = {"n_rows": int(len(df))}
    s = StandardScaler().fit(xn)
    out["standard"] = {"mean": fl(s.mean_), "scale": fl(s.scale_), **dense(s.transform(xn), HEAD)}
    m = MinMaxScaler().fit(xn)
    out["minmax"] = {"scale": fl(m.scale_), "min": fl(m.min_), **dense(m.transform(xn), HEAD)}
    r = RobustScaler().fit(xn)
    out["robust"] = {"center": fl(r.center_), "scale": fl(r.scale_), **dense(r.transform(xn), HEAD)}
    oh = OneHotEncoder(handle_unknown="ignore", sparse_output=False).fit(xc)
    out["onehot"] = onehot_block(oh, xc, HEAD)
    rare = OneHotEncoder(min_frequency=50, handle_unknown="infrequent_if_exist", sparse_output=False).fit(xc)
    out["onehot_rare"] = onehot_block(rare, xc, HEAD)
    unknown = xc[:1].copy()
    unknown[0, :] = "never-seen"
    out["onehot_rare"]["unknown_active"] = [int(i) for i in np.flatnonzero(rare.transform(unknown)[0])]
    od = OrdinalEncoder().fit(xc)
    out["ordinal"] = dense(od.transform(xc), HEAD)
    pt = PowerTransformer(method="box-cox", standardize=False).fit(df[BOXCOX].to_numpy(dtype=float) + 1.0)
    out["boxcox_lambdas"] = fl(pt.lambdas_)
    return out


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    data = data_dir()
    path = os.path.join(data, "online_shoppers_intention", "online_shoppers_intention.csv")
    with open(path) as fh:
        lines = fh.read().splitlines()
    df = pd.read_csv(path, dtype={c: str for c in CATEGORICAL})
    # 14 sessions have empty numeric fields; shopml's scalers reject NaN, so both sides drop them.
    df = df.dropna().reset_index(drop=True)
    fixture = {
        "source": "UCI Online Shoppers Purchasing Intention Dataset (Sakar et al. 2018), CC BY 4.0",
        "sklearn": sklearn.__version__,
        "numeric": NUMERIC,
        "categorical": CATEGORICAL,
        "boxcox_columns_plus_one": BOXCOX,
        "head_rows": HEAD,
        "full": fits(df),
        "sample_csv": lines[: SAMPLE + 1],
        "sample": fits(df.iloc[:SAMPLE]),
    }
    out = os.path.join(root, "crates", "shopml-features", "tests", "fixtures", "sklearn_online_shoppers.json")
    with open(out, "w") as fh:
        json.dump(fixture, fh, separators=(",", ":"))
        fh.write("\n")
    print(f"wrote {out} ({os.path.getsize(out)} bytes)")


if __name__ == "__main__":
    main()
