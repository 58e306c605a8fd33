"""Parity fixture for shopml-clv against the Python `lifetimes` package (0.11.3).

Online Retail (UCI, CC BY 4.0), read from $SHOPML_DATA/online_retail/online_retail.csv.gz.
Cleaning for this fixture (done here with pandas, so the fixture does not depend on
shopml-clean's defaults): drop rows without CustomerID, cancellations (InvoiceNo
starting with 'C'), Quantity <= 0 and UnitPrice <= 0; value = Quantity * UnitPrice.
Calibration: 2010-12-01 .. 2011-06-30 (whole day, cut-off 2011-06-30 23:59:59),
holdout: 2011-07-01 .. 2011-12-09; one occasion per customer per day, time in days.

Saves crates/shopml-clv/tests/fixtures/lifetimes_online_retail.json: the
calibration summary (derived statistics per customer), fitted parameters, standard
errors, log-likelihoods (in days, not lifetimes' internally rescaled time) and
per-customer predictions (expected purchases in 30 and 90 days, P(alive), 12-month
CLV at 1 %/month). Also fits BG/BB on lifetimes' bundled donations data.

Run: benches/peers/run clv_lifetimes_fixture
"""
import json
import os
import sys

import argparse as _argparse

from harness import parse_args as _parse_args  # noqa: E402

if __name__ == "__main__":
    _parse_args(_argparse.ArgumentParser(description=__doc__, formatter_class=_argparse.RawDescriptionHelpFormatter))

import numpy as np
import pandas as pd
import lifetimes
from lifetimes import BetaGeoFitter, ModifiedBetaGeoFitter, GammaGammaFitter, BetaGeoBetaBinomFitter, ParetoNBDFitter
from lifetimes.utils import calibration_and_holdout_data

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
data = os.environ.get("SHOPML_DATA", os.path.join(root, "..", "shared", "data"))
path = os.path.join(data, "online_retail", "online_retail.csv.gz")
df = pd.read_csv(path, dtype={"InvoiceNo": str, "StockCode": str, "CustomerID": str})
df = df[df["CustomerID"].notna()]
df = df[~df["InvoiceNo"].str.startswith("C")]
df = df[(df["Quantity"] > 0) & (df["UnitPrice"] > 0)]
df["CustomerID"] = df["CustomerID"].str.replace(r"\.0$", "", regex=True)
df["value"] = df["Quantity"] * df["UnitPrice"]
df["InvoiceDate"] = pd.to_datetime(df["InvoiceDate"])

CAL_END = "2011-06-30 23:59:59"
OBS_END = "2011-12-09 23:59:59"
s = calibration_and_holdout_data(df, "CustomerID", "InvoiceDate", calibration_period_end=CAL_END,
                                 observation_period_end=OBS_END, freq="D", monetary_value_col="value")
s = s.sort_index()
f, r, T, m = (s[c].to_numpy(float) for c in ["frequency_cal", "recency_cal", "T_cal", "monetary_value_cal"])
w = np.ones_like(f)
TOL = 1e-8
# Unpenalised, the BG/NBD optimum on this calibration summary is on the boundary (a -> 0,
# b -> inf: nobody seems to drop out) and lifetimes' BFGS stops with a precision-loss
# failure; the fixture uses lifetimes' usual small penalty (on its rescaled parameters).
PEN = 0.001
out_pen = PEN

def ll_days(fitter_cls, params):
    """Total log-likelihood in days (lifetimes' own function, unscaled data)."""
    return float(-fitter_cls._negative_log_likelihood(np.log(params), f.astype(int), r, T, w, 0.0) * len(f))

out = {"lifetimes_version": lifetimes.__version__, "numpy": np.__version__, "pandas": pd.__version__,
       "calibration_end": CAL_END, "holdout_end": OBS_END,
       "customers": list(s.index), "frequency": f.tolist(), "recency": r.tolist(), "T": T.tolist(),
       "monetary": m.tolist(), "frequency_holdout": s["frequency_holdout"].tolist(),
       "duration_holdout": float(s["duration_holdout"].iloc[0])}

# BG/NBD on this summary: lifetimes' BFGS fails (precision loss, a -> 0 / b -> inf, NaN
# with a small penalty), so the BG/NBD / MBG/NBD / CLV parity uses lifetimes' bundled CDNOW
# summary (2,357 customers, weeks, mean spend zbar) where its fits converge.
try:
    BetaGeoFitter(penalizer_coef=PEN).fit(f, r, T, tol=TOL)
    out["online_retail_bgnbd_lifetimes"] = "converged"
except Exception as e:  # noqa: BLE001
    out["online_retail_bgnbd_lifetimes"] = "failed: " + type(e).__name__

rep = f > 0
gg = GammaGammaFitter().fit(f[rep], m[rep], tol=TOL)
pg = gg.params_[["p", "q", "v"]].to_numpy()
out["gamma_gamma"] = {"params": pg.tolist(), "se": gg.standard_errors_[["p", "q", "v"]].tolist(),
                      "log_likelihood": float(-GammaGammaFitter._negative_log_likelihood(np.log(pg), f[rep], m[rep], np.ones(rep.sum()), 0.0) * rep.sum()),
                      "correlation": float(np.corrcoef(f[rep], m[rep])[0, 1]),
                      "expected_spend": gg.conditional_expected_average_profit(pd.Series(f), pd.Series(m)).tolist()}

cd = pd.read_csv(os.path.join(os.path.dirname(lifetimes.__file__), "datasets", "cdnow_customers_summary_with_transactions.csv"))
cf, cr, cT, cm = (cd[c].to_numpy(float) for c in ["x", "t_x", "T", "zbar"])
f, r, T, w = cf, cr, cT, np.ones_like(cf)  # for ll_days
cdn = {"frequency": cf.tolist(), "recency": cr.tolist(), "T": cT.tolist(), "monetary": cm.tolist()}
bg = BetaGeoFitter().fit(cf, cr, cT, tol=TOL)
p = bg.params_[["r", "alpha", "a", "b"]].to_numpy()
cdn["bgnbd"] = {"params": p.tolist(), "se": bg.standard_errors_[["r", "alpha", "a", "b"]].tolist(),
                "log_likelihood": ll_days(BetaGeoFitter, p),
                "expected_39": bg.conditional_expected_number_of_purchases_up_to_time(39, cf, cr, cT).tolist(),
                "p_alive": bg.conditional_probability_alive(cf, cr, cT).tolist(),
                "new_39": float(bg.expected_number_of_purchases_up_to_time(39)),
                "p_n_3_39": float(bg.probability_of_n_purchases_up_to_time(39, 3))}
mbg = ModifiedBetaGeoFitter().fit(cf, cr, cT, tol=TOL)
p = mbg.params_[["r", "alpha", "a", "b"]].to_numpy()
cdn["mbgnbd"] = {"params": p.tolist(), "log_likelihood": ll_days(ModifiedBetaGeoFitter, p),
                 "expected_39": mbg.conditional_expected_number_of_purchases_up_to_time(39, cf, cr, cT).tolist(),
                 "p_alive": mbg.conditional_probability_alive(cf, cr, cT).tolist()}
pn = ParetoNBDFitter().fit(cf, cr, cT, tol=TOL)
p = pn.params_[["r", "alpha", "s", "beta"]].to_numpy()
# lifetimes keeps no Hessian for Pareto/NBD (no standard errors); its likelihood takes natural parameters.
cdn["pareto_nbd"] = {"params": p.tolist(),
                     "log_likelihood": float(ParetoNBDFitter._conditional_log_likelihood(p, cf, cr, cT).sum()),
                     "expected_39": pn.conditional_expected_number_of_purchases_up_to_time(39, cf, cr, cT).tolist(),
                     "p_alive": pn.conditional_probability_alive(cf, cr, cT).tolist()}
crep = cf > 0
gg2 = GammaGammaFitter().fit(cf[crep], cm[crep], tol=TOL)
cdn["gamma_gamma"] = {"params": gg2.params_[["p", "q", "v"]].tolist(),
                      "clv_12m": gg2.customer_lifetime_value(bg, pd.Series(cf), pd.Series(cr), pd.Series(cT), pd.Series(cm),
                                                             time=12, discount_rate=0.01, freq="W").tolist()}
out["cdnow"] = cdn

# lifetimes.datasets needs pkg_resources (gone from current setuptools): read the bundled CSV directly.
don = pd.read_csv(os.path.join(os.path.dirname(lifetimes.__file__), "datasets", "donations.csv"))
bb = BetaGeoBetaBinomFitter().fit(don["frequency"], don["recency"], don["periods"], weights=don["weights"], tol=TOL)
pb = bb.params_[["alpha", "beta", "gamma", "delta"]].to_numpy()
fb, rb, nb, wb = (don[c].to_numpy() for c in ["frequency", "recency", "periods", "weights"])
# lifetimes adds 1e-15 inside the log of the "died" sum; evaluate the exact likelihood too.
ll_lt = float((BetaGeoBetaBinomFitter._loglikelihood(pb, fb, rb, nb) * wb).sum())
out["bgbb_donations"] = {"frequency": fb.tolist(), "recency": rb.tolist(), "periods": nb.tolist(), "weights": wb.tolist(),
                         "params": pb.tolist(), "log_likelihood_lifetimes": ll_lt,
                         "expected_5": bb.conditional_expected_number_of_purchases_up_to_time(5, fb, rb, nb).tolist(),
                         "p_alive": bb.conditional_probability_alive(0, fb, rb, nb).tolist()}

dest = os.path.join(root, "crates", "shopml-clv", "tests", "fixtures", "lifetimes_online_retail.json")
with open(dest, "w") as fh:
    json.dump(out, fh, separators=(",", ":"))
print(f"CDNOW BG/NBD {out['cdnow']['bgnbd']['params']}, LL {out['cdnow']['bgnbd']['log_likelihood']:.6f}; "
      f"GG {out['gamma_gamma']['params']}; BG/BB {out['bgbb_donations']['params']} -> {dest}", file=sys.stderr)
