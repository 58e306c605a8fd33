//! Product-line optimisation: the Clarabel QP equals cvxpy and SLSQP
//! (fixture from benches/peers/pricing_qp_fixture.py); ladders equal a
//! brute-force enumeration written here; the multi-start optimiser for
//! constant elasticities matches a fine grid; infeasible rules are named.

use shopml_pricing::line::{LineDemand, LineMethod, LineProblem, LineProduct, LineSolverParams, optimise_line, price_points_ending};
use shopml_pricing::{Objective, PricingError};

#[derive(serde::Deserialize)]
struct Instance {
    seed: u64,
    intercept: Vec<f64>,
    slopes: Vec<Vec<f64>>,
    cost: Vec<f64>,
    min_price: Vec<f64>,
    max_price: Vec<f64>,
    current_price: Vec<f64>,
    capacity: Vec<Option<f64>>,
    max_change: f64,
    min_margin: f64,
    revenue_floor: Option<f64>,
    solution: Vec<f64>,
    solution_slsqp: Vec<f64>,
    objective: f64,
}

#[derive(serde::Deserialize)]
struct Fixture {
    instances: Vec<Instance>,
}

fn problem(inst: &Instance) -> LineProblem {
    let products = (0..inst.cost.len())
        .map(|i| {
            let mut p =
                LineProduct::new(format!("p{i}"), inst.cost[i], inst.min_price[i], inst.max_price[i]).current_price(inst.current_price[i]);
            if let Some(c) = inst.capacity[i] {
                p = p.capacity(c);
            }
            p
        })
        .collect();
    let mut pr = LineProblem::new(products, LineDemand::Linear { intercept: inst.intercept.clone(), slopes: inst.slopes.clone() })
        .max_change(inst.max_change)
        .min_margin(inst.min_margin);
    if let Some(r) = inst.revenue_floor {
        pr = pr.revenue_floor(r);
    }
    pr
}

#[test]
fn qp_matches_cvxpy_and_slsqp_on_ten_instances() {
    let fx: Fixture = serde_json::from_str(include_str!("fixtures/line_qp_cvxpy.json")).unwrap();
    assert_eq!(fx.instances.len(), 10);
    let mut n_floor_binding = 0;
    for inst in &fx.instances {
        let sol = optimise_line(&problem(inst), &LineSolverParams::default()).unwrap();
        assert_eq!(sol.method, LineMethod::QuadraticProgram);
        assert!(sol.converged, "seed {}: {:?}", inst.seed, sol);
        for i in 0..sol.prices.len() {
            assert!(
                (sol.prices[i] - inst.solution[i]).abs() < 1e-6,
                "seed {} p{i}: {} vs cvxpy {}",
                inst.seed,
                sol.prices[i],
                inst.solution[i]
            );
            assert!(
                (sol.prices[i] - inst.solution_slsqp[i]).abs() < 1e-6,
                "seed {} p{i}: {} vs SLSQP {}",
                inst.seed,
                sol.prices[i],
                inst.solution_slsqp[i]
            );
        }
        assert!((sol.objective_value - inst.objective).abs() < 1e-6 * inst.objective.abs());
        // every instance was built with binding rules
        assert!(!sol.binding.is_empty(), "seed {}: no binding rule", inst.seed);
        if sol.binding.iter().any(|b| b == "revenue_floor") {
            n_floor_binding += 1;
        }
    }
    assert!(n_floor_binding >= 2, "the revenue floor binds in the floored instances");
}

#[test]
fn conflicting_bounds_are_named() {
    let products = vec![LineProduct::new("a", 8.0, 1.0, 10.0), LineProduct::new("b", 1.0, 1.0, 10.0)];
    let demand = LineDemand::Linear { intercept: vec![50.0, 50.0], slopes: vec![vec![-3.0, 0.5], vec![0.5, -3.0]] };
    let err = optimise_line(&LineProblem::new(products, demand).min_margin(0.5), &LineSolverParams::default()).unwrap_err();
    match err {
        PricingError::Infeasible { conflicting, .. } => {
            assert_eq!(conflicting, vec!["min_margin[a]".to_string(), "max_price[a]".to_string()]);
        }
        e => panic!("unexpected {e}"),
    }
}

#[test]
fn capacity_and_revenue_floor_conflict_is_certified() {
    // Capacity caps units of both products, so revenue cannot reach the floor.
    let products = vec![LineProduct::new("a", 1.0, 1.0, 10.0).capacity(5.0), LineProduct::new("b", 1.0, 1.0, 10.0).capacity(5.0)];
    let demand = LineDemand::Linear { intercept: vec![50.0, 50.0], slopes: vec![vec![-4.0, 0.5], vec![0.5, -4.0]] };
    let err = optimise_line(&LineProblem::new(products, demand).revenue_floor(1000.0), &LineSolverParams::default()).unwrap_err();
    match err {
        PricingError::Infeasible { conflicting, .. } => {
            assert!(conflicting.contains(&"revenue_floor".to_string()), "{conflicting:?}");
            assert!(conflicting.iter().any(|c| c.starts_with("capacity") || c.starts_with("max_price")), "{conflicting:?}");
        }
        e => panic!("unexpected {e}"),
    }
}

#[test]
fn cost_above_every_price_is_an_error() {
    let products = vec![LineProduct::new("dear", 20.0, 1.0, 10.0)];
    let demand = LineDemand::Linear { intercept: vec![50.0], slopes: vec![vec![-3.0]] };
    assert!(matches!(
        optimise_line(&LineProblem::new(products, demand), &LineSolverParams::default()),
        Err(PricingError::CostAboveBounds { .. })
    ));
}

/// Brute force written independently of the library: recursion over the ladders.
fn brute(problem: &LineProblem, ladders: &[Vec<f64>], cap: &[Option<f64>], i: usize, p: &mut Vec<f64>, best: &mut (f64, Vec<f64>)) {
    if i == ladders.len() {
        let q = problem.demand.quantities(p);
        if q.iter().zip(cap).any(|(q, c)| c.is_some_and(|c| *q > c)) || q.iter().any(|q| *q < 0.0) {
            return;
        }
        let v: f64 = (0..p.len()).map(|k| (p[k] - problem.products[k].cost) * q[k]).sum();
        if v > best.0 {
            *best = (v, p.clone());
        }
        return;
    }
    for &x in &ladders[i] {
        p.push(x);
        brute(problem, ladders, cap, i + 1, p, best);
        p.pop();
    }
}

#[test]
fn ninety_nine_endings_equal_brute_force() {
    for (seed, demand) in [
        (
            0,
            LineDemand::Linear {
                intercept: vec![60.0, 70.0, 55.0],
                slopes: vec![vec![-6.0, 1.0, 0.5], vec![0.8, -7.0, 1.0], vec![0.5, 0.7, -5.0]],
            },
        ),
        (
            1,
            LineDemand::ConstantElasticity {
                scale: vec![500.0, 400.0, 300.0],
                elasticities: vec![vec![-2.5, 0.4, 0.2], vec![0.3, -2.0, 0.3], vec![0.2, 0.2, -3.0]],
            },
        ),
    ] {
        let ladders: Vec<Vec<f64>> = (0..3).map(|_| price_points_ending(2.0, 15.0, 0.99)).collect();
        let cap = [None, Some(6.0), None];
        let products: Vec<LineProduct> = (0..3)
            .map(|i| {
                let mut p = LineProduct::new(format!("p{i}"), 1.0 + i as f64 * 0.5, 2.0, 15.0).price_points(ladders[i].clone());
                if let Some(c) = cap[i] {
                    p = p.capacity(c);
                }
                p
            })
            .collect();
        let problem = LineProblem::new(products, demand);
        let sol = optimise_line(&problem, &LineSolverParams::default()).unwrap();
        assert_eq!(sol.method, LineMethod::Ladder);
        let mut best = (f64::NEG_INFINITY, vec![]);
        brute(&problem, &ladders, &cap, 0, &mut Vec::new(), &mut best);
        assert_eq!(sol.prices, best.1, "case {seed}");
        assert!(sol.prices.iter().all(|p| ((p * 100.0).round() as i64) % 100 == 99));
    }
}

#[test]
fn multistart_matches_fine_grid_for_constant_elasticities() {
    let demand = LineDemand::ConstantElasticity { scale: vec![800.0, 600.0], elasticities: vec![vec![-2.2, 0.6], vec![0.5, -3.0]] };
    let products = vec![LineProduct::new("a", 2.0, 1.0, 12.0), LineProduct::new("b", 3.0, 1.0, 12.0)];
    let problem = LineProblem::new(products, demand);
    let sol = optimise_line(&problem, &LineSolverParams { seed: 3, ..Default::default() }).unwrap();
    assert_eq!(sol.method, LineMethod::MultiStart);
    // grid with step 0.005
    let mut best = (f64::NEG_INFINITY, [0.0, 0.0]);
    let mut pa = 1.0;
    while pa <= 12.0 {
        let mut pb = 1.0;
        while pb <= 12.0 {
            let v = problem.value(&[pa, pb]);
            if v > best.0 {
                best = (v, [pa, pb]);
            }
            pb += 0.005;
        }
        pa += 0.005;
    }
    assert!(sol.objective_value >= best.0 - 1e-9 * best.0.abs(), "{} < grid {}", sol.objective_value, best.0);
    assert!((sol.prices[0] - best.1[0]).abs() < 0.02 && (sol.prices[1] - best.1[1]).abs() < 0.02);
}

#[test]
fn single_product_constant_elasticity_line_is_lerner() {
    let problem = LineProblem::new(
        vec![LineProduct::new("a", 4.0, 1.0, 50.0)],
        LineDemand::ConstantElasticity { scale: vec![1e4], elasticities: vec![vec![-3.0]] },
    );
    let sol = optimise_line(&problem, &LineSolverParams::default()).unwrap();
    assert!((sol.prices[0] - 6.0).abs() < 1e-5, "{}", sol.prices[0]);
    // revenue objective with elastic demand: the lower bound binds
    let sol = optimise_line(&problem.clone().objective(Objective::Revenue), &LineSolverParams::default()).unwrap();
    assert_eq!(sol.prices[0], 1.0);
    assert_eq!(sol.binding, vec!["min_price[a]".to_string()]);
}
