"""Makes examples/data/online_retail_sample.csv.gz from the full UCI Online Retail file.

Keeps every line of one invoice in ten (chosen by CRC-32 of the invoice number,
so the choice is stable and whole orders, cancellations included, stay together).

    python3 examples/data/make_sample.py ../shared/data/online_retail/online_retail.csv.gz
"""
import gzip
import os
import sys
import zlib

src = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/online_retail/online_retail.csv.gz"
dst = os.path.join(os.path.dirname(__file__), "online_retail_sample.csv.gz")
kept = 0
with gzip.open(src, "rt", encoding="utf-8", newline="") as f, gzip.GzipFile(dst, "wb", mtime=0) as raw:
    header = f.readline()
    raw.write(header.encode("utf-8"))
    for line in f:
        invoice = line.split(",", 1)[0]
        if zlib.crc32(invoice.encode()) % 10 == 0:
            raw.write(line.encode("utf-8"))
            kept += 1
print(f"{kept} lines written to {dst}")
