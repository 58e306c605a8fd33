"""Weekly demand backtest and 95 % reorder points on the 50 best-selling Online
Retail products: runs the release example `retail_reorder` of shopml-forecast
and prints its markdown tables (the example does the reading, backtesting and
inventory policy; see its doc comment).

Run from the workspace root:
  ~/.cache/shopml-peers/bin/python benches/peers/forecast_retail.py
"""
import os
import subprocess
import sys

data = os.environ.get("SHOPML_DATA", "/work/shared/data") + "/online_retail/online_retail.csv.gz"
os.environ.setdefault("RAYON_NUM_THREADS", "2")
target = os.environ.get("CARGO_TARGET_DIR", "/work/targets/forecast")
subprocess.run(["cargo", "build", "--release", "-p", "shopml-forecast", "--example", "retail_reorder"], check=True,
               env=dict(os.environ, CARGO_TARGET_DIR=target))
out = subprocess.run([f"{target}/release/examples/retail_reorder", data], check=True, capture_output=True, text=True)
sys.stdout.write(out.stdout)
