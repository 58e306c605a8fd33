"""statsmodels reference for shopml-pricing's cross-price panel on Dominick's orange juice.

Per brand b (1..11): OLS of logmove on log(price1..price11), deal, feat and store dummies
(treatment coding, first store dropped) -- the log-log cross-price system with store fixed
effects -- with classical and HC1 standard errors. Writes only derived numbers (coefficients,
standard errors, counts) to crates/shopml-pricing/tests/fixtures/oj_statsmodels.json; the data
themselves are GPL and stay in SHOPML_DATA.

Usage (from the workspace root):
  benches/peers/run pricing_oj_fixture
"""
import json
import os

import argparse

from harness import parse_args  # noqa: E402

if __name__ == "__main__":
    parse_args(argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter))

import numpy as np
import pandas as pd
import statsmodels
import statsmodels.api as sm

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.environ.get("SHOPML_DATA", os.path.join(ROOT, "..", "shared", "data"))
OUT = os.path.join(ROOT, "crates", "shopml-pricing", "tests", "fixtures", "oj_statsmodels.json")


def design(d):
    """The same design shopml builds: log prices, deal, feat, store dummies; plus a constant."""
    cols = {f"ln_price[{k}]": np.log(d[f"price{k}"].to_numpy()) for k in range(1, 12)}
    cols["deal"] = d["deal"].to_numpy(dtype=float)
    cols["feat"] = d["feat"].to_numpy(dtype=float)
    x = pd.DataFrame(cols, index=d.index)
    stores = sorted(d["store"].unique())
    dummies = pd.get_dummies(pd.Categorical(d["store"], categories=stores), prefix="store", drop_first=True, dtype=float)
    dummies.index = d.index
    x = pd.concat([x, dummies], axis=1)
    return sm.add_constant(x, has_constant="add")


def main():
    d = pd.read_csv(os.path.join(DATA, "pricing", "orangeJuice_yx.csv.gz"))
    out = {"statsmodels": statsmodels.__version__, "spec": "logmove ~ log(price1..11) + deal + feat + C(store), per brand", "brands": []}
    for b in range(1, 12):
        db = d[d["brand"] == b]
        x = design(db)
        y = db["logmove"].to_numpy()
        keep = [c for c in x.columns if c.startswith("ln_price") or c in ("deal", "feat")]
        res = sm.OLS(y, x).fit()
        hc1 = sm.OLS(y, x).fit(cov_type="HC1")
        out["brands"].append(
            {
                "brand": str(b),
                "n_obs": int(res.nobs),
                "df_resid": float(res.df_resid),
                "names": keep,
                "params": [float(res.params[c]) for c in keep],
                "bse": [float(res.bse[c]) for c in keep],
                "bse_hc1": [float(hc1.bse[c]) for c in keep],
            }
        )
        print(f"brand {b}: own elasticity {res.params[f'ln_price[{b}]']:.4f} (se {res.bse[f'ln_price[{b}]']:.4f}, HC1 {hc1.bse[f'ln_price[{b}]']:.4f})")
    with open(OUT, "w") as f:
        json.dump(out, f, indent=1)
    print("wrote", os.path.relpath(OUT, ROOT))


if __name__ == "__main__":
    main()
