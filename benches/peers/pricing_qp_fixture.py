"""Reference solutions for shopml-pricing's product-line QP (linear demand, concave profit).

Ten seeded random instances with binding rules (bounds, maximum change, minimum margin,
capacity, revenue floor) are solved with cvxpy and, independently, scipy's SLSQP; the two must
agree to 1e-6 before the instance is written to
crates/shopml-pricing/tests/fixtures/line_qp_cvxpy.json.

Usage (from the workspace root):
  benches/peers/run pricing_qp_fixture
"""
import json
import os

import argparse

from harness import parse_args  # noqa: E402

if __name__ == "__main__":
    parse_args(argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter))

import cvxpy as cp
import numpy as np
import scipy
from scipy.optimize import minimize

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "crates", "shopml-pricing", "tests", "fixtures", "line_qp_cvxpy.json")


def instance(seed, n=6):
    rng = np.random.default_rng(seed)
    b = rng.uniform(0.0, 0.8, size=(n, n))  # substitutes: other prices raise demand
    np.fill_diagonal(b, -rng.uniform(6.0, 10.0, size=n))
    a = rng.uniform(60.0, 120.0, size=n)
    cost = rng.uniform(2.0, 5.0, size=n)
    current = rng.uniform(6.0, 10.0, size=n)
    return {
        "seed": seed,
        "intercept": a.tolist(),
        "slopes": b.tolist(),
        "cost": cost.tolist(),
        "min_price": [1.0] * n,
        "max_price": rng.uniform(9.0, 14.0, size=n).tolist(),
        "current_price": current.tolist(),
        "capacity": [None] * n,
        "max_change": 0.2,
        "min_margin": 0.3,
        "revenue_floor": None,
    }


def boxes(inst):
    n = len(inst["cost"])
    lo = np.maximum.reduce([np.array(inst["min_price"]), np.array(inst["current_price"]) * (1 - inst["max_change"]), np.array(inst["cost"]) / (1 - inst["min_margin"])])
    hi = np.minimum(np.array(inst["max_price"]), np.array(inst["current_price"]) * (1 + inst["max_change"]))
    assert np.all(lo <= hi), "empty box"
    return lo, hi, n


def solve_cvxpy(inst):
    lo, hi, n = boxes(inst)
    a, b, c = np.array(inst["intercept"]), np.array(inst["slopes"]), np.array(inst["cost"])
    p = cp.Variable(n)
    q = a + b @ p
    qs = -(b + b.T)  # PSD
    # profit = p'Bp + a'p - c'a - c'Bp = -1/2 p'Qp + (a - B'c)'p - c'a
    obj = -0.5 * cp.quad_form(p, qs) + (a - b.T @ c) @ p - c @ a
    cons = [p >= lo, p <= hi, q >= 0]
    for i, cap in enumerate(inst["capacity"]):
        if cap is not None:
            cons.append(q[i] <= cap)
    if inst["revenue_floor"] is not None:
        cons.append(a @ p - 0.5 * cp.quad_form(p, qs) >= inst["revenue_floor"])
    prob = cp.Problem(cp.Maximize(obj), cons)
    prob.solve(solver="CLARABEL", tol_gap_abs=1e-10, tol_gap_rel=1e-10, tol_feas=1e-10)
    assert prob.status == "optimal", prob.status
    return p.value, prob.value


def solve_slsqp(inst, x0):
    lo, hi, n = boxes(inst)
    a, b, c = np.array(inst["intercept"]), np.array(inst["slopes"]), np.array(inst["cost"])

    k = 1e-3  # SLSQP prefers an objective of order one

    def negprofit(p):
        return -k * ((p - c) @ (a + b @ p))

    def grad(p):
        return -k * ((a + b @ p) + b.T @ (p - c))

    cons = [{"type": "ineq", "fun": lambda p: a + b @ p, "jac": lambda p: b}]
    for i, cap in enumerate(inst["capacity"]):
        if cap is not None:
            cons.append({"type": "ineq", "fun": lambda p, i=i, cap=cap: cap - (a[i] + b[i] @ p), "jac": lambda p, i=i: -b[i]})
    if inst["revenue_floor"] is not None:
        r0 = inst["revenue_floor"]
        cons.append({"type": "ineq", "fun": lambda p: k * (p @ (a + b @ p) - r0), "jac": lambda p: k * (a + b @ p + b.T @ p)})
    res = minimize(negprofit, x0, jac=grad, method="SLSQP", bounds=list(zip(lo, hi)), constraints=cons, options={"ftol": 1e-13, "maxiter": 1000})
    assert res.success, res.message
    return res.x


def main():
    out = {"cvxpy": cp.__version__, "scipy": scipy.__version__, "instances": []}
    for seed in range(10):
        inst = instance(seed)
        p_free, _ = solve_cvxpy(inst)
        a, b = np.array(inst["intercept"]), np.array(inst["slopes"])
        q_free = a + b @ p_free
        # Bind capacity on two products and, on even seeds, a revenue floor just above the capacity-constrained optimum's revenue.
        for factor in (0.85, 0.9, 0.95, 0.98):
            caps = [None] * len(q_free)
            for i in (seed % 6, (seed + 3) % 6):
                caps[i] = float(factor * q_free[i])
            inst["capacity"] = caps
            try:
                p_cap, _ = solve_cvxpy(inst)
                break
            except AssertionError:
                continue
        else:
            raise SystemExit(f"seed {seed}: capacity rule always infeasible")
        if seed % 2 == 0:
            rev = float(p_cap @ (a + b @ p_cap))
            for up in (1.0005, 1.0002, 1.0001):
                inst["revenue_floor"] = rev * up
                try:
                    solve_cvxpy(inst)
                    break
                except AssertionError:
                    continue
            else:
                inst["revenue_floor"] = None
        p_cvx, val = solve_cvxpy(inst)
        p_sl = solve_slsqp(inst, (boxes(inst)[0] + boxes(inst)[1]) / 2)
        gap = float(np.max(np.abs(p_cvx - p_sl)))
        assert gap < 1e-6, f"seed {seed}: cvxpy and SLSQP disagree by {gap}"
        inst["solution"] = p_cvx.tolist()
        inst["solution_slsqp"] = p_sl.tolist()
        inst["objective"] = float(val)
        out["instances"].append(inst)
        print(f"seed {seed}: profit {val:.6f}, |cvxpy - SLSQP| = {gap:.2e}, floor={'yes' if inst['revenue_floor'] else 'no'}")
    with open(OUT, "w") as f:
        json.dump(out, f, indent=1)
    print("wrote", os.path.relpath(OUT, ROOT))


if __name__ == "__main__":
    main()
