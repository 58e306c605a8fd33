"""Peer fixtures for shopml-linear: scikit-learn and statsmodels fits on real data.

Writes
  crates/shopml-linear/tests/fixtures/shoppers_sklearn.json  (online shoppers, CC BY 4.0)
  crates/shopml-linear/tests/fixtures/oj_statsmodels.json    (coefficients / SEs only; the GPL
                                                              orange-juice data itself is never copied)
Usage: benches/peers/run linear_fixtures

The design matrices are built the same way by the Rust tests (tests/common/mod.rs):
shoppers: rows with a missing value dropped; 10 numeric columns standardised (mean 0,
population std 1); Month, OperatingSystems, Browser, Region, TrafficType, VisitorType,
Weekend one-hot encoded from their raw strings, categories sorted as strings, first dropped.
orange juice: logmove ~ const + log(own price) + deal + feat + brand dummies + store dummies
(brands / stores sorted numerically, first dropped).
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
import sklearn
import statsmodels
import statsmodels.api as sm
from sklearn.linear_model import ElasticNet, Lasso, LinearRegression, LogisticRegression, Ridge

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "crates", "shopml-linear", "tests", "fixtures")
DATA = data_dir()

NUMERIC = ["Administrative", "Administrative_Duration", "Informational", "Informational_Duration", "ProductRelated",
           "ProductRelated_Duration", "BounceRates", "ExitRates", "PageValues", "SpecialDay"]
CATEGORICAL = ["Month", "OperatingSystems", "Browser", "Region", "TrafficType", "VisitorType", "Weekend"]


def shoppers_design():
    df = pd.read_csv(os.path.join(DATA, "online_shoppers_intention", "online_shoppers_intention.csv"), dtype=str,
                     keep_default_na=False)
    num = df[NUMERIC].replace("", np.nan).astype(float)
    keep = ~num.isna().any(axis=1)
    df, num = df[keep].reset_index(drop=True), num[keep].reset_index(drop=True)
    cols, names = [], []
    for c in NUMERIC:
        v = num[c].to_numpy()
        cols.append((v - v.mean()) / v.std())
        names.append(c)
    for c in CATEGORICAL:
        cats = sorted(df[c].unique())
        for cat in cats[1:]:
            cols.append((df[c] == cat).to_numpy(dtype=float))
            names.append(f"{c}_{cat}")
    X = np.column_stack(cols)
    y = (df["Revenue"] == "TRUE").to_numpy(dtype=float)
    visitor = df["VisitorType"].to_numpy()
    return X, y, names, visitor


def rel(a, b):
    return float(np.max(np.abs(np.asarray(a) - np.asarray(b))) / max(np.max(np.abs(b)), 1e-300))


def shoppers():
    X, y, names, visitor = shoppers_design()
    n = X.shape[0]
    w = 1.0 + (np.arange(n) % 3)
    out = {"n_rows": n, "columns": names, "sklearn": sklearn.__version__}
    m = LinearRegression().fit(X, y)
    out["linreg"] = {"coef": m.coef_.tolist(), "intercept": float(m.intercept_)}
    m = LinearRegression().fit(X, y, sample_weight=w)
    out["linreg_weighted"] = {"coef": m.coef_.tolist(), "intercept": float(m.intercept_), "weights": "1 + (row % 3)"}
    m = Ridge(alpha=10.0).fit(X, y)
    out["ridge"] = {"alpha": 10.0, "coef": m.coef_.tolist(), "intercept": float(m.intercept_)}
    m = Lasso(alpha=1e-3, tol=1e-12, max_iter=200000).fit(X, y)
    out["lasso"] = {"alpha": 1e-3, "coef": m.coef_.tolist(), "intercept": float(m.intercept_)}
    m = ElasticNet(alpha=2e-3, l1_ratio=0.5, tol=1e-12, max_iter=200000).fit(X, y)
    out["enet"] = {"alpha": 2e-3, "l1_ratio": 0.5, "coef": m.coef_.tolist(), "intercept": float(m.intercept_)}
    # Logistic C = 1: newton-cholesky at a tight tolerance is the reference; lbfgs must agree.
    ref = LogisticRegression(C=1.0, solver="newton-cholesky", tol=1e-12, max_iter=1000).fit(X, y)
    lb = LogisticRegression(C=1.0, solver="lbfgs", tol=1e-10, max_iter=100000).fit(X, y)
    print("logit lbfgs vs newton-cholesky max rel diff", rel(lb.coef_, ref.coef_), file=sys.stderr)
    out["logit"] = {"C": 1.0, "coef": ref.coef_[0].tolist(), "intercept": float(ref.intercept_[0]),
                    "lbfgs_coef": lb.coef_[0].tolist(), "lbfgs_intercept": float(lb.intercept_[0])}
    ref = LogisticRegression(C=0.5, class_weight="balanced", solver="newton-cholesky", tol=1e-12, max_iter=1000).fit(X, y)
    out["logit_balanced"] = {"C": 0.5, "coef": ref.coef_[0].tolist(), "intercept": float(ref.intercept_[0])}
    # Multinomial: visitor type from the other columns.
    keep = [i for i, c in enumerate(names) if not c.startswith("VisitorType_")]
    classes = sorted(set(visitor))
    yk = np.array([classes.index(v) for v in visitor], dtype=float)
    # newton-cg stops on the gradient (lbfgs would stop on scipy's ftol first).
    m = LogisticRegression(C=1.0, solver="newton-cg", tol=1e-12, max_iter=10000).fit(X[:, keep], yk)
    out["logit_multinomial"] = {"C": 1.0, "columns": [names[i] for i in keep], "classes": classes,
                                "coef": m.coef_.tolist(), "intercept": m.intercept_.tolist()}
    m = LogisticRegression(C=0.1, penalty="l1", solver="saga", tol=1e-10, max_iter=100000).fit(X, y)
    out["logit_l1"] = {"C": 0.1, "coef": m.coef_[0].tolist(), "intercept": float(m.intercept_[0]), "solver": "saga"}
    with open(os.path.join(OUT, "shoppers_sklearn.json"), "w") as f:
        json.dump(out, f, indent=1)


def orange_juice():
    df = pd.read_csv(os.path.join(DATA, "pricing", "orangeJuice_yx.csv.gz"))
    own = df.apply(lambda r: r[f"price{int(r['brand'])}"], axis=1).to_numpy()
    cols = {"lprice": np.log(own), "deal": df["deal"].to_numpy(float), "feat": df["feat"].to_numpy(float)}
    for b in sorted(df["brand"].unique())[1:]:
        cols[f"brand_{b}"] = (df["brand"] == b).to_numpy(float)
    for s in sorted(df["store"].unique())[1:]:
        cols[f"store_{s}"] = (df["store"] == s).to_numpy(float)
    X = sm.add_constant(pd.DataFrame(cols))
    y = df["logmove"].to_numpy(float)
    res = sm.OLS(y, X).fit()
    hc1 = sm.OLS(y, X).fit(cov_type="HC1")
    out = {
        "statsmodels": statsmodels.__version__, "n_obs": int(res.nobs), "names": list(X.columns),
        "params": res.params.tolist(), "bse": res.bse.tolist(), "bse_hc1": hc1.bse.tolist(),
        "pvalues": res.pvalues.tolist(), "pvalues_hc1": hc1.pvalues.tolist(),
        "rsquared": res.rsquared, "rsquared_adj": res.rsquared_adj, "fvalue": float(res.fvalue),
        "f_pvalue": float(res.f_pvalue), "llf": res.llf, "aic": res.aic, "bic": res.bic, "df_resid": res.df_resid,
        "conf_int": res.conf_int().to_numpy().tolist(),
    }
    with open(os.path.join(OUT, "oj_statsmodels.json"), "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    shoppers()
    orange_juice()
    print("fixtures written to", OUT, file=sys.stderr)
