//! Prices for a product line with cross effects and business rules.
//!
//! * **Linear demand** `q = a + B p`: profit `(p − c)ᵀ(a + B p)` is a concave
//!   quadratic when `B + Bᵀ` is negative semidefinite, and every rule below
//!   is a linear or second-order-cone constraint, so the programme is solved
//!   exactly by the interior-point solver Clarabel (Goulart & Chen 2024).
//! * **Constant elasticities with cross terms** `q_i = A_i Π_j p_j^{E_ij}`:
//!   not concave in general; Nelder–Mead (argmin) from several seeded starts in
//!   a bounded reparameterisation, with the capacity and revenue rules as penalties.
//! * **Allowed price points** (a ladder, prices ending in .99): exhaustive
//!   search over the ladder product, for small lines.
//!
//! Rules: per-product price bounds, a maximum relative change from today's
//! price, a minimum margin `(p − c)/p ≥ m`, per-product capacity `q_i ≤ cap_i`,
//! non-negative demand (linear), and a floor on total revenue.
//!
//! Goulart, P. J., & Chen, Y. (2024). Clarabel: An interior-point solver for
//! conic programs with quadratic objectives. arXiv:2405.12762.

use argmin::core::{CostFunction, Executor, State, TerminationReason, TerminationStatus};
use argmin::solver::neldermead::NelderMead;
use clarabel::algebra::CscMatrix;
use clarabel::solver::{DefaultSettings, DefaultSolver, IPSolver, SolverStatus, SupportedConeT};
use ndarray::Array2;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use shopml_core::{Error, linalg};

use crate::error::{PricingError, Result};
use crate::optimal::Objective;

/// One product of the line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LineProduct {
    /// Product name (used in constraint names).
    pub name: String,
    /// Unit cost.
    pub cost: f64,
    /// Lowest allowed price.
    pub min_price: f64,
    /// Highest allowed price.
    pub max_price: f64,
    /// Today's price (needed for the maximum-change rule).
    pub current_price: Option<f64>,
    /// Units available (capacity / inventory), if limited.
    pub capacity: Option<f64>,
    /// Allowed price points, if prices must sit on a ladder.
    pub price_points: Option<Vec<f64>>,
}

impl LineProduct {
    /// A product with cost and price bounds.
    pub fn new(name: impl Into<String>, cost: f64, min_price: f64, max_price: f64) -> LineProduct {
        LineProduct { name: name.into(), cost, min_price, max_price, current_price: None, capacity: None, price_points: None }
    }
    /// Today's price.
    pub fn current_price(mut self, p: f64) -> Self {
        self.current_price = Some(p);
        self
    }
    /// A capacity / inventory limit on units.
    pub fn capacity(mut self, c: f64) -> Self {
        self.capacity = Some(c);
        self
    }
    /// Allowed price points.
    pub fn price_points(mut self, points: Vec<f64>) -> Self {
        self.price_points = Some(points);
        self
    }
}

/// Prices ending in `ending` (e.g. 0.99) between `lo` and `hi`, one per whole unit.
///
/// ```
/// assert_eq!(shopml_pricing::line::price_points_ending(3.5, 6.0, 0.99), vec![3.99, 4.99, 5.99]);
/// ```
pub fn price_points_ending(lo: f64, hi: f64, ending: f64) -> Vec<f64> {
    let mut v = Vec::new();
    if !(lo.is_finite() && hi.is_finite()) || hi - lo > 1e6 {
        return v;
    }
    let mut k = lo.floor();
    while k + ending <= hi + 1e-12 {
        let p = ((k + ending) * 100.0).round() / 100.0;
        if p >= lo - 1e-12 {
            v.push(p);
        }
        k += 1.0;
    }
    v
}

/// Demand of the whole line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum LineDemand {
    /// `q = intercept + slopes · p`; `slopes[i][j]` is the effect of product `j`'s price on product `i`'s units.
    Linear {
        /// Intercepts `a`.
        intercept: Vec<f64>,
        /// Slope matrix `B`.
        slopes: Vec<Vec<f64>>,
    },
    /// `q_i = scale_i Π_j p_j^{elasticities[i][j]}`.
    ConstantElasticity {
        /// Scales `A`.
        scale: Vec<f64>,
        /// Elasticity matrix `E` (own on the diagonal).
        elasticities: Vec<Vec<f64>>,
    },
}

impl LineDemand {
    fn len(&self) -> usize {
        match self {
            LineDemand::Linear { intercept, .. } => intercept.len(),
            LineDemand::ConstantElasticity { scale, .. } => scale.len(),
        }
    }
    /// Units of every product at prices `p`.
    pub fn quantities(&self, p: &[f64]) -> Vec<f64> {
        match self {
            LineDemand::Linear { intercept, slopes } => {
                intercept.iter().zip(slopes).map(|(a, row)| a + row.iter().zip(p).map(|(b, x)| b * x).sum::<f64>()).collect()
            }
            LineDemand::ConstantElasticity { scale, elasticities } => {
                scale.iter().zip(elasticities).map(|(a, row)| a * row.iter().zip(p).map(|(e, x)| e * x.ln()).sum::<f64>().exp()).collect()
            }
        }
    }
    fn check(&self) -> Result<()> {
        let n = self.len();
        let (v, m) = match self {
            LineDemand::Linear { intercept, slopes } => (intercept, slopes),
            LineDemand::ConstantElasticity { scale, elasticities } => (scale, elasticities),
        };
        if n == 0 {
            return Err(Error::empty("line demand").into());
        }
        if m.len() != n || m.iter().any(|r| r.len() != n) {
            return Err(Error::shape("line demand matrix", format!("{n}×{n}"), format!("{} rows", m.len())).into());
        }
        if v.iter().chain(m.iter().flatten()).any(|x| !x.is_finite()) {
            return Err(Error::param("demand", "line demand holds a non-finite value").into());
        }
        if let LineDemand::ConstantElasticity { scale, .. } = self
            && let Some(i) = scale.iter().position(|a| *a <= 0.0)
        {
            return Err(Error::InvalidValue {
                what: "demand scale".into(),
                row: i,
                column: None,
                value: scale[i],
                reason: "must be positive".into(),
            }
            .into());
        }
        Ok(())
    }
}

/// A product-line pricing problem.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LineProblem {
    /// The products.
    pub products: Vec<LineProduct>,
    /// Their joint demand.
    pub demand: LineDemand,
    /// Profit (default) or revenue.
    pub objective: Objective,
    /// Maximum relative change from today's price (0.1 = ±10 %).
    pub max_change: Option<f64>,
    /// Minimum margin `(p − c)/p`, in `[0, 1)`.
    pub min_margin: Option<f64>,
    /// Floor on total revenue `Σ p_i q_i`.
    pub revenue_floor: Option<f64>,
}

impl LineProblem {
    /// A problem with no rules beyond the products' bounds.
    pub fn new(products: Vec<LineProduct>, demand: LineDemand) -> LineProblem {
        LineProblem { products, demand, objective: Objective::Profit, max_change: None, min_margin: None, revenue_floor: None }
    }
    /// Maximum relative change from today's price.
    pub fn max_change(mut self, v: f64) -> Self {
        self.max_change = Some(v);
        self
    }
    /// Minimum margin.
    pub fn min_margin(mut self, v: f64) -> Self {
        self.min_margin = Some(v);
        self
    }
    /// Revenue floor.
    pub fn revenue_floor(mut self, v: f64) -> Self {
        self.revenue_floor = Some(v);
        self
    }
    /// The objective.
    pub fn objective(mut self, o: Objective) -> Self {
        self.objective = o;
        self
    }

    /// Profit (or revenue) at prices `p`.
    pub fn value(&self, p: &[f64]) -> f64 {
        let q = self.demand.quantities(p);
        self.products
            .iter()
            .zip(p)
            .zip(&q)
            .map(|((prod, &pi), &qi)| (pi - if self.objective == Objective::Profit { prod.cost } else { 0.0 }) * qi)
            .sum()
    }

    /// Total revenue at prices `p`.
    pub fn revenue(&self, p: &[f64]) -> f64 {
        self.demand.quantities(p).iter().zip(p).map(|(q, p)| q * p).sum()
    }

    /// Per-product price box after intersecting bounds, maximum change and
    /// minimum margin, with the names of the rules that set each side.
    fn boxes(&self) -> Result<Vec<(f64, String, f64, String)>> {
        let n = self.demand.len();
        if self.products.len() != n {
            return Err(Error::shape("products vs demand", n, self.products.len()).into());
        }
        self.demand.check()?;
        if let Some(m) = self.min_margin
            && !(m.is_finite() && (0.0..1.0).contains(&m))
        {
            return Err(Error::param("min_margin", format!("must lie in [0, 1), got {m}")).into());
        }
        if let Some(d) = self.max_change
            && !(d.is_finite() && d >= 0.0)
        {
            return Err(Error::param("max_change", format!("must be non-negative, got {d}")).into());
        }
        if let Some(r) = self.revenue_floor
            && !r.is_finite()
        {
            return Err(Error::param("revenue_floor", "must be finite").into());
        }
        let mut out = Vec::with_capacity(n);
        for pr in &self.products {
            let nm = &pr.name;
            if !(pr.min_price.is_finite() && pr.max_price.is_finite() && pr.min_price > 0.0 && pr.cost.is_finite() && pr.cost >= 0.0) {
                return Err(Error::param("products", format!("product `{nm}` needs finite positive bounds and a non-negative cost")).into());
            }
            let mut lo = (pr.min_price, format!("min_price[{nm}]"));
            let mut hi = (pr.max_price, format!("max_price[{nm}]"));
            if let Some(d) = self.max_change {
                let p0 = pr.current_price.ok_or_else(|| Error::param("max_change", format!("product `{nm}` has no current price")))?;
                if p0 * (1.0 - d) > lo.0 {
                    lo = (p0 * (1.0 - d), format!("max_change_down[{nm}]"));
                }
                if p0 * (1.0 + d) < hi.0 {
                    hi = (p0 * (1.0 + d), format!("max_change_up[{nm}]"));
                }
            }
            if let Some(m) = self.min_margin {
                let floor = pr.cost / (1.0 - m);
                if floor > lo.0 {
                    lo = (floor, format!("min_margin[{nm}]"));
                }
            }
            if self.objective == Objective::Profit && pr.cost >= hi.0 && self.min_margin.is_none() {
                return Err(PricingError::CostAboveBounds { product: nm.clone(), cost: pr.cost, max_price: hi.0 });
            }
            if lo.0 > hi.0 * (1.0 + 1e-12) {
                return Err(PricingError::Infeasible {
                    conflicting: vec![lo.1.clone(), hi.1.clone()],
                    detail: format!("`{}` needs price ≥ {:.6} but `{}` allows at most {:.6}", lo.1, lo.0, hi.1, hi.0),
                });
            }
            out.push((lo.0, lo.1, hi.0.max(lo.0), hi.1));
        }
        Ok(out)
    }

    /// The rules violated at `p` (tolerance relative to each rule's scale).
    fn violations(&self, p: &[f64], boxes: &[(f64, String, f64, String)], tol: f64) -> Vec<String> {
        let mut v = Vec::new();
        let q = self.demand.quantities(p);
        for (i, pr) in self.products.iter().enumerate() {
            let (lo, ln, hi, hn) = &boxes[i];
            if p[i] < lo - tol * lo.abs().max(1.0) {
                v.push(ln.clone());
            }
            if p[i] > hi + tol * hi.abs().max(1.0) {
                v.push(hn.clone());
            }
            if let Some(c) = pr.capacity
                && q[i] > c + tol * c.abs().max(1.0)
            {
                v.push(format!("capacity[{}]", pr.name));
            }
            if matches!(self.demand, LineDemand::Linear { .. }) && q[i] < -tol * q.iter().fold(1.0f64, |a, b| a.max(b.abs())) {
                v.push(format!("nonnegative_demand[{}]", pr.name));
            }
        }
        if let Some(r) = self.revenue_floor
            && self.revenue(p) < r - tol * r.abs().max(1.0)
        {
            v.push("revenue_floor".into());
        }
        v
    }
}

/// How a line solution was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LineMethod {
    /// The convex quadratic programme (Clarabel).
    QuadraticProgram,
    /// Nelder–Mead from several starts (argmin).
    MultiStart,
    /// Exhaustive search over the allowed price points.
    Ladder,
}

/// The recommended prices of a line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LineSolution {
    /// Price per product.
    pub prices: Vec<f64>,
    /// Units per product at those prices.
    pub quantities: Vec<f64>,
    /// Profit or revenue.
    pub objective_value: f64,
    /// Total revenue.
    pub revenue: f64,
    /// Names of the rules that bind (`max_price[p]`, `capacity[p]`, `revenue_floor`, …).
    pub binding: Vec<String>,
    /// The method used.
    pub method: LineMethod,
    /// Whether the solver reported convergence (full accuracy).
    pub converged: bool,
    /// Solver iterations (interior-point iterations, Nelder–Mead iterations summed over starts, or points evaluated).
    pub iterations: u64,
}

/// Solver settings for [`optimise_line`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LineSolverParams {
    /// Seed for the multi-start points.
    pub seed: u64,
    /// Random starts besides the centre and today's prices (default 8).
    pub n_starts: usize,
    /// Largest ladder product searched exhaustively (default 2,000,000).
    pub max_combinations: u64,
}

impl Default for LineSolverParams {
    fn default() -> Self {
        LineSolverParams { seed: 0, n_starts: 8, max_combinations: 2_000_000 }
    }
}

/// Finds the best prices for a line.
///
/// ```
/// use shopml_pricing::line::{LineDemand, LineProblem, LineProduct, LineSolverParams, optimise_line};
/// // two substitutes with linear demand
/// let demand = LineDemand::Linear { intercept: vec![100.0, 80.0], slopes: vec![vec![-10.0, 2.0], vec![3.0, -8.0]] };
/// let products = vec![LineProduct::new("a", 2.0, 1.0, 20.0), LineProduct::new("b", 1.5, 1.0, 20.0)];
/// let sol = optimise_line(&LineProblem::new(products, demand), &LineSolverParams::default()).unwrap();
/// assert!(sol.converged && sol.binding.is_empty());
/// // first-order conditions of the unconstrained concave programme
/// let (pa, pb) = (sol.prices[0], sol.prices[1]);
/// let qa = 100.0 - 10.0 * pa + 2.0 * pb;
/// let qb = 80.0 + 3.0 * pa - 8.0 * pb;
/// assert!((qa - 10.0 * (pa - 2.0) + 3.0 * (pb - 1.5)).abs() < 1e-6);
/// assert!((qb + 2.0 * (pa - 2.0) - 8.0 * (pb - 1.5)).abs() < 1e-6);
/// ```
pub fn optimise_line(problem: &LineProblem, params: &LineSolverParams) -> Result<LineSolution> {
    let boxes = problem.boxes()?;
    if problem.products.iter().any(|p| p.price_points.is_some()) {
        return ladder(problem, &boxes, params);
    }
    match &problem.demand {
        LineDemand::Linear { slopes, .. } => {
            let n = slopes.len();
            let q = Array2::from_shape_fn((n, n), |(i, j)| -(slopes[i][j] + slopes[j][i]));
            if concave(&q)? {
                quadratic(problem, &boxes, &q)
            } else if problem.revenue_floor.is_some() {
                Err(PricingError::Unsupported("a revenue floor with a non-concave linear demand system".into()))
            } else {
                multistart(problem, &boxes, params)
            }
        }
        LineDemand::ConstantElasticity { .. } => multistart(problem, &boxes, params),
    }
}

/// Whether the profit `−½pᵀQp + …` is concave: `Q` positive semidefinite up
/// to `10⁻¹⁰ ‖Q‖∞` (which bounds every eigenvalue), tested by a Cholesky
/// factorisation of `Q + 10⁻¹⁰ ‖Q‖∞ I` — a fraction of the cost of the
/// eigendecomposition it replaced (which took 40 % of a 50-product solve).
fn concave(q: &Array2<f64>) -> Result<bool> {
    let n = q.nrows();
    let norm = (0..n).map(|i| q.row(i).iter().map(|v| v.abs()).sum::<f64>()).fold(1e-300f64, f64::max);
    let mut shifted = q.clone();
    for i in 0..n {
        shifted[[i, i]] += 1e-10 * norm;
    }
    match linalg::cholesky(shifted.view()) {
        Ok(_) => Ok(true),
        Err(Error::NotPositiveDefinite { .. }) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

fn quadratic(problem: &LineProblem, boxes: &[(f64, String, f64, String)], qmat: &Array2<f64>) -> Result<LineSolution> {
    let LineDemand::Linear { intercept: a, slopes: b } = &problem.demand else {
        return Err(PricingError::Unsupported("quadratic programme needs linear demand".into()));
    };
    let n = a.len();
    let c: Vec<f64> = problem.products.iter().map(|p| if problem.objective == Objective::Profit { p.cost } else { 0.0 }).collect();
    // minimise ½ pᵀQp − (a − Bᵀc)ᵀp
    let lin: Vec<f64> = (0..n).map(|j| -(a[j] - (0..n).map(|i| b[i][j] * c[i]).sum::<f64>())).collect();
    let (mut pi, mut pj, mut pv) = (Vec::new(), Vec::new(), Vec::new());
    for j in 0..n {
        for i in 0..=j {
            if qmat[[i, j]] != 0.0 {
                pi.push(i);
                pj.push(j);
                pv.push(qmat[[i, j]]);
            }
        }
    }
    let pmat = CscMatrix::new_from_triplets(n, n, pi, pj, pv);
    // Linear inequality rows `row · p ≤ rhs`, each with a name.
    let mut rows: Vec<(Vec<f64>, f64, String)> = Vec::new();
    for (i, (lo, ln, hi, hn)) in boxes.iter().enumerate() {
        let mut e = vec![0.0; n];
        e[i] = -1.0;
        rows.push((e.clone(), -lo, ln.clone()));
        e[i] = 1.0;
        rows.push((e, *hi, hn.clone()));
    }
    for (i, pr) in problem.products.iter().enumerate() {
        if let Some(cap) = pr.capacity {
            rows.push((b[i].clone(), cap - a[i], format!("capacity[{}]", pr.name)));
        }
        rows.push((b[i].iter().map(|v| -v).collect(), a[i], format!("nonnegative_demand[{}]", pr.name)));
    }
    let m_lin = rows.len();
    let (mut ai, mut aj, mut av) = (Vec::new(), Vec::new(), Vec::new());
    let mut rhs = Vec::new();
    for (r, (row, b_r, _)) in rows.iter().enumerate() {
        for (j, &v) in row.iter().enumerate() {
            if v != 0.0 {
                ai.push(r);
                aj.push(j);
                av.push(v);
            }
        }
        rhs.push(*b_r);
    }
    let mut cones = vec![SupportedConeT::NonnegativeConeT(m_lin)];
    let mut m = m_lin;
    if let Some(r0) = problem.revenue_floor {
        // Revenue aᵀp − ½pᵀQ₀p ≥ R with Q₀ = −(B + Bᵀ) = F Fᵀ: ‖Fᵀp‖² ≤ 2(aᵀp − R), as a second-order cone.
        // Scaled by w ≈ |R| so every cone entry is of order one: ‖Fᵀp/√w‖² ≤ 2 (aᵀp − R)/w.
        let w = r0.abs().max(1.0);
        let eig = linalg::eigh(qmat.view())?;
        let cols: Vec<usize> = (0..n).filter(|&k| eig.values[k] > 0.0).collect();
        for (row_off, bval) in [(0usize, 0.5 - r0 / w), (1, -r0 / w - 0.5)] {
            for j in 0..n {
                if a[j] != 0.0 {
                    ai.push(m + row_off);
                    aj.push(j);
                    av.push(-a[j] / w);
                }
            }
            rhs.push(bval);
        }
        for (k, &col) in cols.iter().enumerate() {
            let s = (eig.values[col] / w).sqrt();
            for j in 0..n {
                let v = eig.vectors[[j, col]] * s;
                if v != 0.0 {
                    ai.push(m + 2 + k);
                    aj.push(j);
                    av.push(-v);
                }
            }
            rhs.push(0.0);
        }
        cones.push(SupportedConeT::SecondOrderConeT(2 + cols.len()));
        m += 2 + cols.len();
    }
    let amat = CscMatrix::new_from_triplets(m, n, ai, aj, av);
    let settings = DefaultSettings {
        verbose: false,
        tol_gap_abs: 1e-10,
        tol_gap_rel: 1e-10,
        tol_feas: 1e-10,
        max_iter: 200,
        ..DefaultSettings::default()
    };
    let mut solver =
        DefaultSolver::new(&pmat, &lin, &amat, &rhs, &cones, settings).map_err(|e| PricingError::Solver(format!("Clarabel setup: {e}")))?;
    solver.solve();
    let sol = &solver.solution;
    match sol.status {
        SolverStatus::Solved | SolverStatus::AlmostSolved => {}
        SolverStatus::PrimalInfeasible | SolverStatus::AlmostPrimalInfeasible => {
            // The Farkas certificate's non-zero multipliers name the conflicting rules.
            let zmax = sol.z.iter().fold(0.0f64, |acc, v| acc.max(v.abs()));
            let mut names: Vec<String> =
                rows.iter().enumerate().filter(|(r, _)| sol.z[*r].abs() > 1e-3 * zmax).map(|(_, (_, _, nm))| nm.clone()).collect();
            if sol.z[m_lin..].iter().any(|v| v.abs() > 1e-3 * zmax) {
                names.push("revenue_floor".into());
            }
            return Err(PricingError::Infeasible {
                conflicting: names,
                detail: "no price vector satisfies these rules together (Clarabel infeasibility certificate)".into(),
            });
        }
        s => return Err(PricingError::Solver(format!("Clarabel stopped with status {s:?}"))),
    }
    let prices = sol.x.clone();
    let mut binding: Vec<String> = Vec::new();
    for (r, (row, b_r, nm)) in rows.iter().enumerate() {
        let scale = 1.0 + b_r.abs() + row.iter().zip(&prices).map(|(v, p)| (v * p).abs()).sum::<f64>();
        if sol.s[r] <= 1e-7 * scale {
            binding.push(nm.clone());
        }
    }
    if let Some(r0) = problem.revenue_floor
        && problem.revenue(&prices) - r0 <= 1e-7 * (1.0 + r0.abs())
    {
        binding.push("revenue_floor".into());
    }
    Ok(LineSolution {
        quantities: problem.demand.quantities(&prices),
        objective_value: problem.value(&prices),
        revenue: problem.revenue(&prices),
        prices,
        binding,
        method: LineMethod::QuadraticProgram,
        // Clarabel reports "almost solved" when the gap stalls just above the tight tolerance;
        // the residuals tell whether the point is still accurate.
        converged: sol.status == SolverStatus::Solved || (sol.r_prim <= 1e-8 && sol.r_dual <= 1e-8),
        iterations: u64::from(sol.iterations),
    })
}

fn binding_at(problem: &LineProblem, p: &[f64], boxes: &[(f64, String, f64, String)], tol: f64) -> Vec<String> {
    let mut v = Vec::new();
    let q = problem.demand.quantities(p);
    for (i, pr) in problem.products.iter().enumerate() {
        let (lo, ln, hi, hn) = &boxes[i];
        if (p[i] - lo).abs() <= tol * lo.max(1.0) {
            v.push(ln.clone());
        }
        if (p[i] - hi).abs() <= tol * hi.max(1.0) {
            v.push(hn.clone());
        }
        if let Some(c) = pr.capacity
            && (q[i] - c).abs() <= tol * c.max(1.0)
        {
            v.push(format!("capacity[{}]", pr.name));
        }
    }
    if let Some(r) = problem.revenue_floor
        && (problem.revenue(p) - r).abs() <= tol * r.abs().max(1.0)
    {
        v.push("revenue_floor".into());
    }
    v
}

#[derive(Clone)]
struct Penalised<'a> {
    problem: &'a LineProblem,
    lo: Vec<f64>,
    hi: Vec<f64>,
    weight: f64,
}

impl Penalised<'_> {
    fn prices(&self, z: &[f64]) -> Vec<f64> {
        z.iter().enumerate().map(|(i, &zi)| self.lo[i] + (self.hi[i] - self.lo[i]) / (1.0 + (-zi).exp())).collect()
    }
    fn objective(&self, p: &[f64]) -> f64 {
        let q = self.problem.demand.quantities(p);
        let mut pen = 0.0;
        for (i, pr) in self.problem.products.iter().enumerate() {
            if let Some(c) = pr.capacity {
                pen += ((q[i] - c).max(0.0) / c.abs().max(1.0)).powi(2);
            }
            if matches!(self.problem.demand, LineDemand::Linear { .. }) {
                pen += (-q[i]).max(0.0).powi(2);
            }
        }
        if let Some(r) = self.problem.revenue_floor {
            pen += ((r - self.problem.revenue(p)).max(0.0) / r.abs().max(1.0)).powi(2);
        }
        -self.problem.value(p) + self.weight * pen
    }
}

impl CostFunction for Penalised<'_> {
    type Param = Vec<f64>;
    type Output = f64;
    fn cost(&self, z: &Vec<f64>) -> std::result::Result<f64, argmin::core::Error> {
        Ok(self.objective(&self.prices(z)))
    }
}

fn logit(u: f64) -> f64 {
    let u = u.clamp(1e-9, 1.0 - 1e-9);
    (u / (1.0 - u)).ln()
}

fn multistart(problem: &LineProblem, boxes: &[(f64, String, f64, String)], params: &LineSolverParams) -> Result<LineSolution> {
    let n = boxes.len();
    let lo: Vec<f64> = boxes.iter().map(|b| b.0).collect();
    let hi: Vec<f64> = boxes.iter().map(|b| b.2).collect();
    let centre: Vec<f64> = (0..n).map(|i| 0.5 * (lo[i] + hi[i])).collect();
    let scale = problem.value(&centre).abs().max(1.0);
    let cost = Penalised { problem, lo: lo.clone(), hi: hi.clone(), weight: 1e6 * scale };
    let to_z =
        |p: &[f64]| -> Vec<f64> { (0..n).map(|i| if hi[i] > lo[i] { logit((p[i] - lo[i]) / (hi[i] - lo[i])) } else { 0.0 }).collect() };
    let mut starts: Vec<Vec<f64>> = vec![vec![0.0; n]];
    if problem.products.iter().all(|p| p.current_price.is_some()) {
        let cur: Vec<f64> =
            problem.products.iter().enumerate().map(|(i, p)| p.current_price.unwrap_or(centre[i]).clamp(lo[i], hi[i])).collect();
        starts.push(to_z(&cur));
    }
    let mut rng = rand::rngs::StdRng::seed_from_u64(params.seed);
    for _ in 0..params.n_starts {
        starts.push((0..n).map(|_| logit(rng.random_range(0.02..0.98))).collect());
    }
    let mut best: Option<(Vec<f64>, f64, bool)> = None;
    let mut iterations = 0;
    for z0 in starts {
        // Simplex: the start plus one step along each axis.
        let mut simplex = vec![z0.clone()];
        for i in 0..n {
            let mut z = z0.clone();
            z[i] += 0.5;
            simplex.push(z);
        }
        let solver = NelderMead::new(simplex).with_sd_tolerance(1e-13).map_err(|e| PricingError::Solver(e.to_string()))?;
        let res = Executor::new(cost.clone(), solver)
            .configure(|s| s.max_iters(4000 * n as u64))
            .run()
            .map_err(|e| PricingError::Solver(format!("Nelder–Mead: {e}")))?;
        let st = res.state();
        iterations += st.get_iter();
        let converged = matches!(st.get_termination_status(), TerminationStatus::Terminated(TerminationReason::SolverConverged));
        if let Some(z) = st.get_best_param() {
            let v = st.get_best_cost();
            if best.as_ref().is_none_or(|b| v < b.1) {
                best = Some((z.clone(), v, converged));
            }
        }
    }
    let (z, _, converged) = best.ok_or_else(|| PricingError::Solver("no start produced a solution".into()))?;
    let mut prices = cost.prices(&z);
    // Snap prices that sit on a bound up to the reparameterisation's saturation.
    for i in 0..n {
        if (prices[i] - lo[i]).abs() <= 1e-7 * lo[i].max(1.0) {
            prices[i] = lo[i];
        }
        if (prices[i] - hi[i]).abs() <= 1e-7 * hi[i].max(1.0) {
            prices[i] = hi[i];
        }
    }
    let viol = problem.violations(&prices, boxes, 1e-5);
    if !viol.is_empty() {
        return Err(PricingError::Infeasible {
            conflicting: viol,
            detail: "the best point found from every start violates these rules".into(),
        });
    }
    Ok(LineSolution {
        quantities: problem.demand.quantities(&prices),
        objective_value: problem.value(&prices),
        revenue: problem.revenue(&prices),
        binding: binding_at(problem, &prices, boxes, 1e-5),
        prices,
        method: LineMethod::MultiStart,
        converged,
        iterations,
    })
}

fn ladder(problem: &LineProblem, boxes: &[(f64, String, f64, String)], params: &LineSolverParams) -> Result<LineSolution> {
    let n = boxes.len();
    let mut cand: Vec<Vec<f64>> = Vec::with_capacity(n);
    let mut total: u64 = 1;
    for (i, pr) in problem.products.iter().enumerate() {
        let (lo, ln, hi, hn) = &boxes[i];
        let pts: Vec<f64> = match &pr.price_points {
            Some(v) => v.iter().copied().filter(|p| p.is_finite() && *p >= lo - 1e-12 && *p <= hi + 1e-12).collect(),
            None => vec![0.5 * (lo + hi)],
        };
        if pts.is_empty() {
            return Err(PricingError::Infeasible {
                conflicting: vec![format!("price_points[{}]", pr.name), ln.clone(), hn.clone()],
                detail: format!("no allowed price point of `{}` lies in [{lo:.4}, {hi:.4}]", pr.name),
            });
        }
        total = total.saturating_mul(pts.len() as u64);
        cand.push(pts);
    }
    if problem.products.iter().any(|p| p.price_points.is_none()) {
        return Err(PricingError::Unsupported("price points must be given for every product, or for none".into()));
    }
    if total > params.max_combinations {
        return Err(PricingError::Unsupported(format!(
            "{total} price-point combinations exceed max_combinations = {}",
            params.max_combinations
        )));
    }
    let mut idx = vec![0usize; n];
    let mut p: Vec<f64> = cand.iter().map(|c| c[0]).collect();
    let mut best: Option<(Vec<f64>, f64)> = None;
    let mut any_violation: Vec<String> = Vec::new();
    loop {
        let viol = problem.violations(&p, boxes, 1e-12);
        if viol.is_empty() {
            let v = problem.value(&p);
            if best.as_ref().is_none_or(|b| v > b.1) {
                best = Some((p.clone(), v));
            }
        } else if any_violation.is_empty() {
            any_violation = viol;
        }
        // odometer
        let mut k = 0;
        loop {
            if k == n {
                let (prices, _) = best.ok_or_else(|| PricingError::Infeasible {
                    conflicting: any_violation.clone(),
                    detail: "no combination of allowed price points satisfies the rules".into(),
                })?;
                return Ok(LineSolution {
                    quantities: problem.demand.quantities(&prices),
                    objective_value: problem.value(&prices),
                    revenue: problem.revenue(&prices),
                    binding: binding_at(problem, &prices, boxes, 1e-12),
                    prices,
                    method: LineMethod::Ladder,
                    converged: true,
                    iterations: total,
                });
            }
            idx[k] += 1;
            if idx[k] < cand[k].len() {
                p[k] = cand[k][idx[k]];
                break;
            }
            idx[k] = 0;
            p[k] = cand[k][0];
            k += 1;
        }
    }
}
