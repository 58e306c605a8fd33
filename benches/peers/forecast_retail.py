"""Weekly demand backtest and 95 % reorder points on the 50 best-selling Online
Retail products: runs the release example `retail_reorder` of shopml-forecast
and prints its markdown tables (the example does the reading, backtesting and
inventory policy; see its doc comment).

Run from the workspace root:
  benches/peers/run forecast_retail
"""
import argparse
import os
import subprocess
import sys

from harness import data_dir, example_binary, parse_args

ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
ap.add_argument("--data", default=data_dir("online_retail", "online_retail.csv.gz"))
args = parse_args(ap)
os.environ.setdefault("RAYON_NUM_THREADS", "2")
exe = example_binary("shopml-forecast", "retail_reorder")
out = subprocess.run([exe, args.data], check=True, capture_output=True, text=True)
sys.stdout.write(out.stdout)
