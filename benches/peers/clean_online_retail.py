#!/usr/bin/env python3
"""shopml-clean vs pandas vs polars: read + clean the full Online Retail export.

Runs all three on the same file in one invocation, checks that they produce
identical counts (rows read, kept, returns, quarantined per reason, RFM-ready
customer summary) and prints one markdown row per peer with seconds and the
ratio shopml/peer (best of --repeat runs each, interleaved).

Usage (from the workspace root):
    ~/.cache/shopml-peers/bin/python benches/peers/clean_online_retail.py \
        [--data ../shared/data/online_retail/online_retail.csv.gz] [--repeat 3]

Rules (the same on every side, in this order, first reason wins):
exact duplicate line -> non-product stock code -> unit price <= 0 ->
quantity == 0 -> missing customer; survivors with InvoiceNo starting 'C' or a
negative quantity are returns, the rest sales. Timestamps are parsed on every side.
"""
import argparse
import json
import os
import subprocess
import sys
import time

THREADS = "2"
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS", "RAYON_NUM_THREADS", "POLARS_MAX_THREADS"):
    os.environ[var] = THREADS


from harness import data_dir, example_binary, parse_args  # noqa: E402

EXAMPLE = None

def parser():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=data_dir("online_retail", "online_retail.csv.gz"))
    ap.add_argument("--repeat", type=int, default=3)
    return ap


ARGS = parse_args(parser()) if __name__ == "__main__" else None

import pandas as pd  # noqa: E402
import polars as pl  # noqa: E402

NON_PRODUCT = ["POST", "DOT", "C2", "M", "D", "S", "B", "BANK CHARGES", "AMAZONFEE", "CRUK", "PADS"]
NA = ["", "NA", "N/A", "NaN", "nan", "NULL", "null", "None"]
TEXT = {"InvoiceNo": str, "StockCode": str, "Description": str, "CustomerID": str, "Country": str, "InvoiceDate": str}


def summary(read, kept, returns, reasons, cust, inv, value):
    """Counts + an RFM-ready per-customer summary of the sales."""
    return read, kept, returns, reasons, cust, inv, value


def clean_pandas(path):
    df = pd.read_csv(path, dtype=TEXT, keep_default_na=False, na_values=NA)
    dup = df.duplicated()
    nonprod = df["StockCode"].str.strip().str.upper().isin(NON_PRODUCT)
    price = df["UnitPrice"] <= 0
    zero = df["Quantity"] == 0
    miss = df["CustomerID"].isna()
    ret = df["InvoiceNo"].str.strip().str.startswith("C") | (df["Quantity"] < 0)
    ts = pd.to_datetime(df["InvoiceDate"], format="%Y-%m-%d %H:%M:%S")
    cust = df["CustomerID"].str.strip().str.replace(r"\.0+$", "", regex=True)
    out = df.assign(InvoiceDate=ts, CustomerID=cust)
    reasons = {}
    taken = pd.Series(False, index=df.index)
    for name, m in [("exact_duplicate", dup), ("non_product", nonprod), ("non_positive_price", price), ("zero_quantity", zero), ("missing_customer", miss)]:
        reasons[name] = int((m & ~taken).sum())
        taken |= m
    sales = out[~taken & ~ret]
    returns = out[~taken & ret]
    return len(df), sales, returns, reasons


def rfm_pandas(sales):
    g = sales.assign(value=sales["Quantity"] * sales["UnitPrice"]).groupby("CustomerID")
    return len(g), int(g["InvoiceNo"].nunique().sum()), round(float(g["value"].sum().sum()), 2)


def clean_polars(path):
    df = pl.read_csv(path, schema_overrides={k: pl.Utf8 for k in TEXT}, null_values=NA)
    dup = ~pl.struct(pl.all()).is_first_distinct()
    nonprod = pl.col("StockCode").str.strip_chars().str.to_uppercase().is_in(NON_PRODUCT)
    price = pl.col("UnitPrice") <= 0
    zero = pl.col("Quantity") == 0
    miss = pl.col("CustomerID").is_null()
    ret = pl.col("InvoiceNo").str.strip_chars().str.starts_with("C") | (pl.col("Quantity") < 0)
    flags = df.select(dup.alias("d"), nonprod.alias("n"), price.alias("p"), zero.alias("z"), miss.alias("m"), ret.alias("r"))
    out = df.with_columns(
        pl.col("InvoiceDate").str.strptime(pl.Datetime, "%Y-%m-%d %H:%M:%S"),
        pl.col("CustomerID").str.strip_chars().str.replace(r"\.0+$", ""),
    )
    taken = pl.lit(False)
    reasons = {}
    exprs = []
    for name, col in [("exact_duplicate", "d"), ("non_product", "n"), ("non_positive_price", "p"), ("zero_quantity", "z"), ("missing_customer", "m")]:
        exprs.append((pl.col(col) & ~taken).sum().alias(name))
        taken = taken | pl.col(col)
    counts = flags.select(exprs).row(0, named=True)
    reasons = {k: int(v) for k, v in counts.items()}
    keep = flags.select((~taken).alias("k"), pl.col("r"))
    sales = out.filter(keep["k"] & ~keep["r"])
    returns = out.filter(keep["k"] & keep["r"])
    return df.height, sales, returns, reasons


def rfm_polars(sales):
    g = sales.group_by("CustomerID").agg(pl.col("InvoiceNo").n_unique().alias("f"), (pl.col("Quantity") * pl.col("UnitPrice")).sum().alias("m"))
    return g.height, int(g["f"].sum()), round(float(g["m"].sum()), 2)


def run_shopml(path, repeat):
    cmd = [EXAMPLE, path, "--repeat", str(repeat)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    a = ARGS
    global EXAMPLE
    EXAMPLE = example_binary("shopml-clean", "clean_online_retail")

    # Wall seconds and CPU seconds (user + sys over all threads), best of the runs,
    # both around read + clean only (shopml measures itself: Instant and /proc/self/stat).
    best = {"shopml": float("inf"), "pandas": float("inf"), "polars": float("inf")}
    cpu = dict(best)

    for _ in range(a.repeat):
        s = run_shopml(a.data, 1)
        cpu["shopml"] = min(cpu["shopml"], s["cpu_seconds"])
        best["shopml"] = min(best["shopml"], s["seconds"])
        t, c0 = time.perf_counter(), time.process_time()
        pd_res = clean_pandas(a.data)
        best["pandas"] = min(best["pandas"], time.perf_counter() - t)
        cpu["pandas"] = min(cpu["pandas"], time.process_time() - c0)
        t, c0 = time.perf_counter(), time.process_time()
        pl_res = clean_polars(a.data)
        best["polars"] = min(best["polars"], time.perf_counter() - t)
        cpu["polars"] = min(cpu["polars"], time.process_time() - c0)

    def counts(res, rfm):
        n, sales, returns, reasons = res
        c, f, m = rfm(sales)
        return {
            "rows_read": n, "kept": len(sales), "returns": len(returns),
            "exact_duplicate": reasons["exact_duplicate"], "non_product": reasons["non_product"],
            "non_positive_price": reasons["non_positive_price"], "missing_customer": reasons["missing_customer"],
            "customers": c, "sum_frequency": f, "monetary": m,
        }

    mine = {k: s[k] for k in ("rows_read", "kept", "returns", "exact_duplicate", "non_product", "non_positive_price", "missing_customer", "customers", "sum_frequency", "monetary")}
    peers = {"pandas": counts(pd_res, rfm_pandas), "polars": counts(pl_res, rfm_polars)}
    ok = True
    for name, c in peers.items():
        for k, v in mine.items():
            same = abs(v - c[k]) < 0.01 if isinstance(v, float) else v == c[k]
            if not same:
                ok = False
                print(f"MISMATCH {name} {k}: shopml {v} vs {c[k]}", file=sys.stderr)
    print("counts:", json.dumps(mine))
    print(f"pandas {pd.__version__}, polars {pl.__version__}, threads {THREADS}, best of {a.repeat}, load average {os.getloadavg()[0]:.1f}")
    print("| task | counts identical | shopml s | peer | peer s | shopml/peer | shopml CPU s | peer CPU s | CPU ratio |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name in ("pandas", "polars"):
        print(f"| read + clean Online Retail (541,909 lines, gz) | {'yes' if ok else 'NO'} | {best['shopml']:.3f} | {name} | {best[name]:.3f} | "
              f"{best['shopml'] / best[name]:.2f} | {cpu['shopml']:.2f} | {cpu[name]:.2f} | {cpu['shopml'] / cpu[name]:.2f} |")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
