#!/usr/bin/env python3
"""Seeded synthetic power-law implicit-feedback matrix for shopml-recommend benchmarks.

Usage: recommend_synth.py OUT_DIR [--users 200000] [--items 50000] [--nnz 10000000] [--seed 42]

Item popularity follows a Zipf-like law p_i ∝ (rank+1)^-0.9 (ranks shuffled over ids);
user activity is log-normal (σ = 1.2) with mean nnz/users. Each user draws that many
items from the popularity law; repeated draws become counts (the stored value).
Writes raw little-endian CSR arrays: indptr.u64, indices.u32, values.f32, and shape.txt
("n_users n_items nnz"), readable by numpy and by the Rust examples.
"""
import argparse
import os


from harness import data_dir, parse_args  # noqa: E402

def parser():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--users", type=int, default=200_000)
    ap.add_argument("--items", type=int, default=50_000)
    ap.add_argument("--nnz", type=int, default=10_000_000)
    ap.add_argument("--seed", type=int, default=42)
    return ap


ARGS = parse_args(parser()) if __name__ == "__main__" else None

import numpy as np


def main():
    a = ARGS
    rng = np.random.default_rng(a.seed)
    ranks = rng.permutation(a.items)
    p = (ranks + 1.0) ** -0.9
    p /= p.sum()
    sigma = 1.2
    # Draw ~12% more than the target to make up for repeats collapsing into counts.
    mean = a.nnz * 1.12 / a.users
    deg = np.exp(rng.normal(np.log(mean) - sigma**2 / 2, sigma, a.users))
    deg = np.clip(np.round(deg), 1, a.items // 4).astype(np.int64)
    users = np.repeat(np.arange(a.users, dtype=np.int64), deg)
    items = rng.choice(a.items, size=users.size, p=p).astype(np.int64)
    keys, counts = np.unique(users * a.items + items, return_counts=True)
    u = (keys // a.items).astype(np.int64)
    i = (keys % a.items).astype(np.uint32)
    indptr = np.zeros(a.users + 1, dtype=np.uint64)
    np.add.at(indptr, u + 1, 1)
    indptr = np.cumsum(indptr).astype(np.uint64)
    os.makedirs(a.out, exist_ok=True)
    indptr.astype("<u8").tofile(os.path.join(a.out, "indptr.u64"))
    i.astype("<u4").tofile(os.path.join(a.out, "indices.u32"))
    counts.astype("<f4").tofile(os.path.join(a.out, "values.f32"))
    with open(os.path.join(a.out, "shape.txt"), "w") as f:
        f.write(f"{a.users} {a.items} {keys.size}\n")
    print(f"wrote {a.users} x {a.items}, nnz {keys.size} to {a.out}")


if __name__ == "__main__":
    main()
