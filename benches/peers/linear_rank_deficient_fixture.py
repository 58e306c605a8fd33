#!/usr/bin/env python3
"""statsmodels' OLS inference on a rank-deficient design (method="pinv").

Writes crates/shopml-linear/tests/fixtures/rank_deficient_ols.json, which
crates/shopml-linear/tests/behaviour.rs compares against. The design is
generated from closed forms (no random numbers), so the Rust test rebuilds
it exactly: columns x0, x1, x0 + x1 (collinear) and the constant 7.

Run from the repository root with the peer venv:
    benches/peers/run linear_rank_deficient_fixture
"""
import argparse
import json
import math
import os

import argparse as _argparse

from harness import parse_args as _parse_args  # noqa: E402

def parser():
    ap = _argparse.ArgumentParser(description=__doc__, formatter_class=_argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="crates/shopml-linear/tests/fixtures/rank_deficient_ols.json")
    return ap


ARGS = _parse_args(parser()) if __name__ == "__main__" else None

import numpy as np
import statsmodels
import statsmodels.api as sm


def design(n=40):
    x0 = np.array([math.sin(0.7 * i) for i in range(n)])
    x1 = np.array([math.cos(1.3 * i) + 0.05 * i for i in range(n)])
    x = np.column_stack([x0, x1, x0 + x1, np.full(n, 7.0)])
    y = 1.0 + 2.0 * x0 - 1.5 * x1 + np.array([0.3 * math.sin(3.1 * i + 0.5) for i in range(n)])
    return x, y


def table(res):
    return {
        "params": res.params.tolist(),
        "bse": res.bse.tolist(),
        "pvalues": res.pvalues.tolist(),
        "conf_int": res.conf_int(0.05).tolist(),
        "df_resid": float(res.df_resid),
        "df_model": float(res.df_model),
        "rsquared": float(res.rsquared),
        "llf": float(res.llf),
        "ssr": float(res.ssr),
    }


def main():
    args = ARGS
    x, y = design()
    z = sm.add_constant(x, has_constant="add")
    nonrobust = sm.OLS(y, z).fit()
    hc1 = sm.OLS(y, z).fit(cov_type="HC1")
    out = {
        "source": f"statsmodels {statsmodels.__version__} OLS(method='pinv') on [const, x0, x1, x0 + x1, 7]",
        "rank": int(np.linalg.matrix_rank(z)),
        "nonrobust": {**table(nonrobust), "fvalue": float(nonrobust.fvalue), "f_pvalue": float(nonrobust.f_pvalue)},
        "hc1": table(hc1),
    }
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(out, f, indent=1)
    print(f"wrote {args.out}: rank {out['rank']}, bse {nonrobust.bse.round(6).tolist()}")


if __name__ == "__main__":
    main()
