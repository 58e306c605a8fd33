#!/usr/bin/env python3
"""Writes crates/shopml-clean/tests/fixtures/imputer_sklearn.json: scikit-learn
SimpleImputer (mean / median / most_frequent / constant, add_indicator=True)
fitted on a small train matrix with NaNs and applied to a test matrix, plus
pandas ffill(limit=1) per column. The Rust test reads the fixture and compares.

Usage: ~/.cache/shopml-peers/bin/python benches/peers/clean_impute_fixture.py
"""
import json
import pathlib

import argparse

from harness import data_dir, parse_args  # noqa: E402


def parser():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    return ap


ARGS = parse_args(parser()) if __name__ == "__main__" else None

import numpy as np
import pandas as pd
import sklearn
from sklearn.impute import SimpleImputer

nan = np.nan
train = np.array([
    [1.0, nan, 3.0, 10.0],
    [2.0, 5.0, nan, 10.0],
    [nan, 5.0, 3.0, 20.0],
    [4.0, 7.0, 9.0, 20.0],
    [4.0, nan, 1.5, 30.0],
    [6.5, 2.0, nan, 20.0],
])
test = np.array([
    [nan, nan, nan, nan],
    [0.0, 1.0, 2.0, 3.0],
    [nan, 4.0, nan, 5.0],
])


def enc(a):
    return [[None if np.isnan(v) else float(v) for v in row] for row in a]


out = {"sklearn": sklearn.__version__, "pandas": pd.__version__, "train": enc(train), "test": enc(test), "cases": []}
for strategy, fill in [("mean", None), ("median", None), ("most_frequent", None), ("constant", -1.0)]:
    imp = SimpleImputer(strategy=strategy, fill_value=fill, add_indicator=True).fit(train)
    out["cases"].append({"strategy": strategy, "fill_value": fill, "statistics": [float(v) for v in imp.statistics_],
                         "indicator_columns": [int(c) for c in imp.indicator_.features_], "test_out": enc(imp.transform(test))})
out["ffill_limit1_train"] = enc(pd.DataFrame(train).ffill(limit=1).to_numpy())
path = pathlib.Path(__file__).resolve().parents[2] / "crates/shopml-clean/tests/fixtures/imputer_sklearn.json"
path.write_text(json.dumps(out, indent=1) + "\n")
print("wrote", path)
