#!/usr/bin/env python
"""Parity fixtures for shopml-basket: mlxtend fpgrowth + association_rules on Online Retail.

Usage (from the workspace root):
    benches/peers/run basket_mlxtend_fixture

The baskets come from shopml itself (the release example
crates/shopml-basket/examples/basket_speed.rs reads the raw file through
shopml-clean with the default Online Retail rules, one basket per invoice, and
writes them one per line), so both sides mine *the same baskets*; the fixture
records their hash so the test notices if the cleaning defaults change.

For each case (France, whole file) x support, mlxtend 0.25 mines the itemsets
(`fpgrowth`) and derives every rule (`association_rules`, confidence >= 0).
Saved (derived numbers only, crates/shopml-basket/tests/fixtures/basket_mlxtend.json):
  - number of baskets and an FNV-1a-64 hash of the canonical baskets text;
  - number of itemsets and a hash of the canonical "codes<TAB>count" lines
    (exact identity of itemsets and counts), plus a small readable sample;
  - number of rules, number of infinite convictions, per-metric sums of the
    finite values, and a sample of ~60 rules with every metric.
"""
import argparse
import json
import os
import subprocess
import sys
import time
import warnings

from harness import parse_args

if __name__ == "__main__":
    parse_args(argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter))

import numpy as np  # noqa: E402
import pandas as pd
import scipy.sparse as sp
import mlxtend
from mlxtend.frequent_patterns import association_rules, fpgrowth

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "crates", "shopml-basket", "tests", "fixtures", "basket_mlxtend.json")
METRICS = ["antecedent support", "consequent support", "support", "confidence", "lift", "leverage",
           "conviction", "zhangs_metric", "jaccard", "certainty", "kulczynski"]
CASES = [("France", [0.05, 0.02]), (None, [0.02, 0.005])]


def fnv1a64(data: bytes) -> str:
    h = 0xCBF29CE484222325
    for b in data:
        h ^= b
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{h:016x}"


def baskets_of(country):
    os.environ.setdefault("SHOPML_DATA", os.path.join(ROOT, "..", "shared", "data"))
    path = os.path.join("/tmp", f"shopml_basket_{country or 'all'}.tsv")
    cmd = ["cargo", "run", "--quiet", "--release", "-p", "shopml-basket", "--example", "basket_speed", "--",
           "--online-retail", "--write-baskets", path]
    if country:
        cmd += ["--country", country]
    subprocess.run(cmd, cwd=ROOT, check=True)
    with open(path) as f:
        return [line.rstrip("\n").split("\t") for line in f]


def canonical_baskets(baskets):
    return "".join(l + "\n" for l in sorted(" ".join(sorted(b)) for b in baskets))


def one_hot(baskets):
    codes = sorted({c for b in baskets for c in b})
    col = {c: j for j, c in enumerate(codes)}
    rows = np.repeat(np.arange(len(baskets)), [len(b) for b in baskets])
    cols = np.fromiter((col[c] for b in baskets for c in b), dtype=np.int64)
    m = sp.csr_matrix((np.ones(len(cols), dtype=bool), (rows, cols)), shape=(len(baskets), len(codes)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        return pd.DataFrame.sparse.from_spmatrix(m, columns=codes)


def main():
    cases = []
    for country, supports in CASES:
        baskets = baskets_of(country)
        n = len(baskets)
        df = one_hot(baskets)
        for s in supports:
            t = time.perf_counter()
            fi = fpgrowth(df, min_support=s, use_colnames=True)
            t_fi = time.perf_counter() - t
            counts = np.rint(fi["support"].to_numpy() * n).astype(np.int64)
            assert np.all(counts / n == fi["support"].to_numpy()), "support is not count / n"
            lines = sorted(" ".join(sorted(s_)) + "\t" + str(c) for s_, c in zip(fi["itemsets"], counts))
            t = time.perf_counter()
            rules = association_rules(fi, num_itemsets=n, metric="confidence", min_threshold=0.0)
            t_r = time.perf_counter() - t
            rules["key"] = [" ".join(sorted(a)) + " => " + " ".join(sorted(c)) for a, c in zip(rules["antecedents"], rules["consequents"])]
            rules = rules.sort_values("key").reset_index(drop=True)
            step = max(1, len(rules) // 60)
            sample = []
            for _, r in rules.iloc[::step].iterrows():
                sample.append({"antecedent": sorted(r["antecedents"]), "consequent": sorted(r["consequents"]),
                               **{m.replace(" ", "_"): (None if np.isinf(r[m]) else float(r[m])) for m in METRICS}})
            sums = {}
            for m in METRICS:
                v = rules[m].to_numpy(dtype=float)
                sums[m.replace(" ", "_")] = float(np.sum(v[np.isfinite(v)]))
            cases.append({
                "country": country, "min_support": s, "n_baskets": n,
                "baskets_fnv1a64": fnv1a64(canonical_baskets(baskets).encode()),
                "n_itemsets": len(lines), "itemsets_fnv1a64": fnv1a64("".join(l + "\n" for l in lines).encode()),
                "itemsets_sample": lines[:: max(1, len(lines) // 12)],
                "n_rules": int(len(rules)), "n_infinite_conviction": int(np.isinf(rules["conviction"]).sum()),
                "metric_sums": sums, "rules_sample": sample,
                "mlxtend_seconds": {"fpgrowth": round(t_fi, 3), "association_rules": round(t_r, 3)},
            })
            print(f"{country or 'all'} s={s}: {n} baskets, {len(lines)} itemsets, {len(rules)} rules "
                  f"(fpgrowth {t_fi:.2f}s, rules {t_r:.2f}s)", file=sys.stderr)
    with open(OUT, "w") as f:
        json.dump({"mlxtend": mlxtend.__version__, "rules_threshold": "confidence >= 0", "cases": cases}, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
