"""IdMap-free CSR build: shopml `Interactions::from_triples` vs scipy.sparse coo→csr.

    bash benches/peers/setup_venv.sh
    benches/peers/run core_interactions [--triples N]

Both sides read the same seeded power-law triples (written once to a CSV in
/tmp) and time only the build (best of 5), duplicates summed.
"""
import argparse
import os

from harness import best_of, cargo_example, machine, parse_args, pin_threads, row

ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
ap.add_argument("--triples", type=int, default=10_000_000, help="number of (user, item, value) triples")
args = parse_args(ap)
pin_threads()
import numpy as np  # noqa: E402
import scipy  # noqa: E402
import scipy.sparse as sp  # noqa: E402

n = args.triples
n_users, n_items = 200_000, 50_000
rng = np.random.default_rng(7)
users = (rng.random(n) ** 3 * n_users).astype(np.int64)
items = (rng.random(n) ** 3 * n_items).astype(np.int64)
values = np.ones(n, dtype=np.float32)
path = f"/tmp/shopml_triples_{n}.csv"
if not os.path.exists(path):
    with open(path, "w") as f:
        f.write("user,item,value\n")
        np.savetxt(f, np.column_stack([users, items, values.astype(np.int64)]), fmt="%d", delimiter=",")

shopml = cargo_example("shopml-core", "build_interactions", path)


def scipy_build():
    m = sp.coo_matrix((values, (users, items)), shape=(int(users.max()) + 1, int(items.max()) + 1)).tocsr()
    m.sum_duplicates()
    return m


secs, m = best_of(scipy_build)
assert m.nnz == shopml["nnz"], (m.nnz, shopml["nnz"])
print(f"<!-- {machine()}; scipy {scipy.__version__} -->")
row("CSR build from triples", f"{n:,} triples → {m.nnz:,} nnz", f"{shopml['seconds']:.3f}", f"{secs:.3f}", f"{shopml['seconds'] / secs:.2f}")
