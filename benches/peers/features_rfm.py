#!/usr/bin/env python3
"""RFM + customer features on the full Online Retail file: pandas vs shopml-features.

Runs both sides on the same input in one invocation:
  - pandas (this script) computes RFM measures, quintile scores (shared-tie
    "min rank" rule), RFM segments and the customer feature table, with the
    same definitions as shopml-features (see crates/shopml-features/src/rfm.rs
    and customer.rs);
  - shopml: `cargo run --release -p shopml-features --example rfm_bench`.
It prints one markdown row per comparison (checksums, seconds, ratio).

Usage:
  benches/peers/run features_rfm \
      [--write-fixture crates/shopml-features/tests/fixtures/rfm_online_retail.json] [--no-rust]

Cleaning rules mirrored from shopml_clean::read_transactions with
TransactionSchema::online_retail() and CleaningRules::default(): see RULES below.
"""
import argparse
import json
import os
import subprocess
import sys
import time

for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS", "RAYON_NUM_THREADS"):
    os.environ.setdefault(v, "2")


from harness import data_dir, example_binary, parse_args  # noqa: E402

def parser():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--write-fixture")
    ap.add_argument("--no-rust", action="store_true")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--cargo-dir", help="directory to run cargo in (default: the repository root)")
    return ap


ARGS = parse_args(parser()) if __name__ == "__main__" else None

import numpy as np
import pandas as pd

WINDOWS = [30, 90, 180]
NON_PRODUCT = {"POST", "DOT", "C2", "M", "D", "S", "B", "BANK CHARGES", "AMAZONFEE", "CRUK", "PADS"}
RULES = ("shopml-clean defaults: drop exact duplicate lines, non-product codes, UnitPrice <= 0, Quantity 0, "
         "missing CustomerID; purchase = Quantity > 0, return = Quantity < 0")


def load(path):
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    # Rule order of shopml-clean: exact duplicate -> non-product code -> price <= 0
    # -> quantity 0 -> missing customer; returns = invoice prefix "C" or quantity < 0.
    raw = raw[~raw.duplicated(keep="first")]
    code = raw["StockCode"].str.strip()
    raw = raw[~code.str.upper().isin(NON_PRODUCT)]
    q = raw["Quantity"].astype(float)
    price = raw["UnitPrice"].astype(float)
    cust = raw["CustomerID"].str.strip().str.replace(r"\.0$", "", regex=True)
    keep = (price > 0) & (q != 0) & (cust != "")
    raw, q, price, cust = raw[keep], q[keep], price[keep], cust[keep]
    invoice = raw["InvoiceNo"].str.strip()
    is_return = invoice.str.startswith("C") | (q < 0)
    assert not (is_return & (q > 0)).any(), "a cancellation with positive quantity: adapt the rules"
    return pd.DataFrame({
        "invoice": invoice,
        "product": raw["StockCode"].str.strip(),
        "q": q,
        "ts": pd.to_datetime(raw["InvoiceDate"], format="%Y-%m-%d %H:%M:%S"),
        "price": price,
        "customer": cust,
    }).reset_index(drop=True)


def segment(r, f):
    if r == 5 and f >= 4:
        return "Champions"
    if r in (3, 4) and f >= 4:
        return "Loyal customers"
    if r in (4, 5) and f in (2, 3):
        return "Potential loyalists"
    if r == 5 and f == 1:
        return "New customers"
    if r == 4 and f == 1:
        return "Promising"
    if r == 3 and f == 3:
        return "Need attention"
    if r == 3 and f <= 2:
        return "About to sleep"
    if r <= 2 and f in (3, 4):
        return "At risk"
    if r <= 2 and f == 5:
        return "Can't lose them"
    return "Hibernating"


def shared_score(x):
    n = len(x)
    below = x.rank(method="min").astype(np.int64) - 1
    return 1 + (5 * below) // n


def compute(df):
    d = df[df["customer"].notna()]
    snapshot = d.loc[d["q"] > 0, "ts"].max().normalize() + pd.Timedelta(days=1)
    d = d[d["ts"] < snapshot]
    pur = d[d["q"] > 0].copy()
    pur["value"] = pur["q"] * pur["price"]
    ret = d[d["q"] < 0].copy()
    ret["value"] = ret["q"] * ret["price"]
    g = pur.groupby("customer", sort=True)
    last = g["ts"].max()
    first = g["ts"].min()
    recency = (snapshot - last.dt.normalize()).dt.days.astype(float)
    frequency = g["invoice"].nunique().astype(float)
    gross = g["value"].sum()
    returned = ret[ret["customer"].isin(gross.index)].groupby("customer")["value"].sum().reindex(gross.index, fill_value=0.0)
    monetary = gross + returned
    r = shared_score(-recency)
    f = shared_score(frequency)
    m = shared_score(monetary)
    seg = pd.Series([segment(a, b) for a, b in zip(r.to_numpy(), f.to_numpy())], index=r.index)

    orders = pur.groupby(["customer", "invoice"], sort=False).agg(ts=("ts", "min"), value=("value", "sum")).reset_index()
    orders = orders.sort_values(["customer", "ts"], kind="stable")
    gaps = orders.groupby("customer")["ts"].diff().dt.total_seconds() / 86400.0
    orders["gap"] = gaps
    og = orders.groupby("customer", sort=True)
    gap_mean = og["gap"].mean().fillna(0.0)
    gap_std = og["gap"].std(ddof=0).fillna(0.0)
    tenure = (og["ts"].max() - og["ts"].min()).dt.total_seconds() / 86400.0
    n_lines = g.size().astype(float)
    units = g["q"].sum()
    prod_value = pur.groupby(["customer", "product"], sort=False)["value"].sum()
    top_prod = prod_value.groupby(level=0).max()
    feats = pd.DataFrame({
        "recency_days": recency,
        "frequency": frequency,
        "monetary": monetary,
        "tenure_days": tenure,
        "days_since_first": (snapshot - first.dt.normalize()).dt.days.astype(float),
        "avg_order_value": gross / frequency,
        "avg_basket_lines": n_lines / frequency,
        "avg_basket_units": units / frequency,
        "interpurchase_mean_days": gap_mean,
        "interpurchase_std_days": gap_std,
        "return_rate": np.where(gross > 0, -returned / gross.where(gross > 0, 1.0), 0.0),
        "distinct_products": g["product"].nunique().astype(float),
        "distinct_categories": g["product"].nunique().astype(float),
        "top_category_share": np.where(gross > 0, top_prod / gross.where(gross > 0, 1.0), 0.0),
    })
    for w in WINDOWS:
        recent = orders[orders["ts"] >= snapshot - pd.Timedelta(days=w)].groupby("customer")
        feats[f"orders_last_{w}d"] = recent.size().reindex(feats.index, fill_value=0).astype(float)
        feats[f"spend_last_{w}d"] = recent["value"].sum().reindex(feats.index, fill_value=0.0)
    rfm = {
        "n_customers": int(len(recency)),
        "recency_sum": float(recency.sum()),
        "frequency_sum": float(frequency.sum()),
        "monetary_sum": float(monetary.sum()),
        "r_score_sum": int(r.sum()),
        "f_score_sum": int(f.sum()),
        "m_score_sum": int(m.sum()),
        "segments": {k: int(v) for k, v in seg.value_counts().sort_index().items()},
    }
    return rfm, {c: float(feats[c].sum()) for c in feats.columns}


def main():
    a = ARGS
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    data = data_dir("online_retail", "online_retail.csv.gz")
    df = load(data)
    times = []
    for _ in range(a.repeats):
        t0 = time.perf_counter()
        rfm, feats = compute(df)
        times.append(time.perf_counter() - t0)
    py = {"rfm": rfm, "features": feats, "seconds": min(times), "rules": RULES, "pandas": pd.__version__}
    if a.write_fixture:
        with open(a.write_fixture, "w") as fh:
            fixture = {k: py[k] for k in ("rfm", "features", "rules", "pandas")}
            fixture["source"] = "UCI Online Retail (Chen, Sain and Guo 2012), CC BY 4.0; aggregates only"
            json.dump(fixture, fh, indent=1, sort_keys=True)
            fh.write("\n")
    if a.no_rust:
        print(json.dumps(py, indent=1))
        return
    cmd = [example_binary("shopml-features", "rfm_bench"), data, str(a.repeats)]
    rs = json.loads(subprocess.run(cmd, cwd=a.cargo_dir or root, check=True, capture_output=True, text=True).stdout)
    print("| task | rows | checksum shopml | checksum pandas | shopml s | pandas s | ratio |")
    print("|---|---|---|---|---|---|---|")
    cks = lambda x: f"R {x['rfm']['recency_sum']:.0f} / F {x['rfm']['frequency_sum']:.0f} / M {x['rfm']['monetary_sum']:.2f}"
    what = f"{len(df)} lines, {rfm['n_customers']} customers"
    for label, secs in ((f"RFM + {len(feats)} customer features, Online Retail (two calls)", rs["seconds"]),
                        (f"RFM + {len(feats)} customer features, Online Retail (`compute_with_rfm`)", rs["seconds_combined"])):
        print(f"| {label} | {what} | {cks(rs)} | {cks(py)} | {secs:.4f} | {py['seconds']:.4f} | {secs / py['seconds']:.3f} |")
    # Column sums of the features both sides name alike; names on one side only are listed.
    shared = [k for k in feats if k in rs["features"]]
    only_py = sorted(set(feats) - set(rs["features"]))
    only_rs = sorted(set(rs["features"]) - set(feats))
    if shared:
        worst = max(abs(rs["features"][k] - feats[k]) / max(1.0, abs(feats[k])) for k in shared)
        print(f"\nmax relative difference of {len(shared)} shared feature column sums: {worst:.2e}", file=sys.stderr)
    if only_py or only_rs:
        print(f"named differently (pandas only: {only_py}; shopml only: {only_rs})", file=sys.stderr)


if __name__ == "__main__":
    main()
