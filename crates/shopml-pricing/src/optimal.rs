//! The profit- or revenue-maximising price of one product within bounds.
//!
//! Closed forms where they exist, a bounded Brent search (argmin's
//! [`argmin::solver::brent::BrentOpt`]) otherwise:
//!
//! * constant elasticity `q = A p^e`, profit: the Lerner rule
//!   `(p* − c)/p* = −1/e`, i.e. `p* = c e / (1 + e)` when `e < −1`;
//!   when `|e| ≤ 1` profit increases with price and the answer is the upper
//!   bound, flagged [`OptimalPrice::inelastic`];
//! * linear `q = a + b p` (`b < 0`): `p* = (c − a/b)/2 = (a/|b| + c)/2`;
//! * semi-log `q = A e^{b p}` (`b < 0`): `p* = c − 1/b`.
//!
//! Interior solutions outside `[min, max]` are clamped and the bound is
//! reported in [`OptimalPrice::binding`].

use argmin::core::{CostFunction, Executor, State};
use argmin::solver::brent::BrentOpt;
use serde::{Deserialize, Serialize};
use shopml_core::Error;

use crate::error::{PricingError, Result};

/// A deterministic demand function `q(p)`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Demand {
    /// `q = intercept + slope · p`, truncated at zero.
    Linear {
        /// Demand at a zero price.
        intercept: f64,
        /// Units per unit of price (negative for a normal good).
        slope: f64,
    },
    /// `q = scale · p^elasticity`.
    ConstantElasticity {
        /// Demand at a price of one.
        scale: f64,
        /// The constant own-price elasticity.
        elasticity: f64,
    },
    /// `q = scale · exp(slope · p)`.
    SemiLog {
        /// Demand at a zero price.
        scale: f64,
        /// Log-units per unit of price.
        slope: f64,
    },
}

impl Demand {
    /// Demand at `price`.
    pub fn quantity(&self, price: f64) -> f64 {
        match *self {
            Demand::Linear { intercept, slope } => (intercept + slope * price).max(0.0),
            Demand::ConstantElasticity { scale, elasticity } => scale * price.powf(elasticity),
            Demand::SemiLog { scale, slope } => scale * (slope * price).exp(),
        }
    }
    /// Point elasticity `∂ln q/∂ln p` at `price` (NaN where demand is zero).
    pub fn elasticity(&self, price: f64) -> f64 {
        match *self {
            Demand::Linear { intercept, slope } => slope * price / (intercept + slope * price),
            Demand::ConstantElasticity { elasticity, .. } => elasticity,
            Demand::SemiLog { slope, .. } => slope * price,
        }
    }
    fn check(&self) -> Result<()> {
        let ok = match *self {
            Demand::Linear { intercept, slope } => intercept.is_finite() && slope.is_finite(),
            Demand::ConstantElasticity { scale, elasticity } => scale.is_finite() && scale > 0.0 && elasticity.is_finite(),
            Demand::SemiLog { scale, slope } => scale.is_finite() && scale > 0.0 && slope.is_finite(),
        };
        if ok { Ok(()) } else { Err(Error::param("demand", format!("invalid demand curve {self:?}")).into()) }
    }
}

/// What to maximise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Objective {
    /// `(p − c) · q(p)`.
    #[default]
    Profit,
    /// `p · q(p)`.
    Revenue,
}

/// One product's pricing problem.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriceProblem {
    /// Product name for messages.
    pub product: String,
    /// The demand curve.
    pub demand: Demand,
    /// Unit cost (ignored for [`Objective::Revenue`]).
    pub cost: f64,
    /// Lowest allowed price.
    pub min_price: f64,
    /// Highest allowed price.
    pub max_price: f64,
    /// Profit (default) or revenue.
    pub objective: Objective,
}

impl PriceProblem {
    /// Profit maximisation for `demand` with unit `cost` on `[min_price, max_price]`.
    pub fn new(demand: Demand, cost: f64, min_price: f64, max_price: f64) -> PriceProblem {
        PriceProblem { product: "product".into(), demand, cost, min_price, max_price, objective: Objective::Profit }
    }
    /// Sets the objective.
    pub fn objective(mut self, objective: Objective) -> PriceProblem {
        self.objective = objective;
        self
    }
    /// Names the product.
    pub fn product(mut self, name: impl Into<String>) -> PriceProblem {
        self.product = name.into();
        self
    }
    fn value(&self, p: f64) -> f64 {
        let margin = match self.objective {
            Objective::Profit => p - self.cost,
            Objective::Revenue => p,
        };
        margin * self.demand.quantity(p)
    }
}

/// Which price bound an optimum sits on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Bound {
    /// The lowest allowed price.
    Lower,
    /// The highest allowed price.
    Upper,
}

/// How an optimum was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Method {
    /// A closed-form rule (Lerner, linear, semi-log), clamped to the bounds.
    ClosedForm,
    /// Bounded Brent search, compared with both bounds.
    Brent {
        /// Iterations Brent ran.
        iterations: u64,
    },
}

/// The recommended price and what it earns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OptimalPrice {
    /// The recommended price.
    pub price: f64,
    /// Demand at that price.
    pub quantity: f64,
    /// Profit or revenue at that price.
    pub objective_value: f64,
    /// The bound the price sits on, if any.
    pub binding: Option<Bound>,
    /// True when demand is inelastic (|e| ≤ 1) over the range, so the
    /// objective keeps rising with price and only the upper bound stops it.
    pub inelastic: bool,
    /// How the optimum was found.
    pub method: Method,
}

struct NegObjective<'a>(&'a dyn Fn(f64) -> f64);

impl CostFunction for NegObjective<'_> {
    type Param = f64;
    type Output = f64;
    fn cost(&self, p: &f64) -> std::result::Result<f64, argmin::core::Error> {
        Ok(-(self.0)(*p))
    }
}

/// Maximises `f` over `[lo, hi]` with Brent's method, then compares the
/// result with both end points (Brent finds a local optimum).
///
/// ```
/// let (p, v, _) = shopml_pricing::optimal::maximise_1d(&|p: f64| -(p - 2.0).powi(2), 0.0, 5.0).unwrap();
/// assert!((p - 2.0).abs() < 1e-6 && v.abs() < 1e-10);
/// ```
pub fn maximise_1d(f: &dyn Fn(f64) -> f64, lo: f64, hi: f64) -> Result<(f64, f64, u64)> {
    if !(lo.is_finite() && hi.is_finite() && lo < hi) {
        return Err(Error::param("bounds", format!("need finite lo < hi, got [{lo}, {hi}]")).into());
    }
    let solver = BrentOpt::new(lo, hi).set_tolerance(1e-12, 1e-14);
    let res = Executor::new(NegObjective(f), solver)
        .configure(|s| s.max_iters(500))
        .run()
        .map_err(|e| PricingError::Solver(format!("Brent search failed: {e}")))?;
    let st = res.state();
    let mut best = (st.best_param.unwrap_or(0.5 * (lo + hi)), -st.best_cost);
    let iters = st.get_iter();
    for p in [lo, hi] {
        let v = f(p);
        if v > best.1 {
            best = (p, v);
        }
    }
    if !best.1.is_finite() {
        return Err(PricingError::Solver("the objective is not finite at the optimum".into()));
    }
    Ok((best.0, best.1, iters))
}

/// The optimal price of one product.
///
/// Errors: invalid bounds or curve, and [`PricingError::CostAboveBounds`]
/// when the cost is at or above the highest allowed price (no price makes a profit).
///
/// ```
/// use shopml_pricing::{Demand, PriceProblem, optimal_price};
/// // Lerner: e = −3, c = 4 → p* = 4·(−3)/(−2) = 6
/// let d = Demand::ConstantElasticity { scale: 1000.0, elasticity: -3.0 };
/// let r = optimal_price(&PriceProblem::new(d, 4.0, 1.0, 20.0)).unwrap();
/// assert!((r.price - 6.0).abs() < 1e-12 && r.binding.is_none());
/// // inelastic demand: the upper bound, flagged
/// let d = Demand::ConstantElasticity { scale: 1000.0, elasticity: -0.5 };
/// let r = optimal_price(&PriceProblem::new(d, 4.0, 1.0, 20.0)).unwrap();
/// assert!(r.inelastic && r.price == 20.0);
/// ```
pub fn optimal_price(problem: &PriceProblem) -> Result<OptimalPrice> {
    let (lo, hi, c) = (problem.min_price, problem.max_price, problem.cost);
    if !(lo.is_finite() && hi.is_finite() && lo > 0.0 && lo <= hi) {
        return Err(Error::param("min_price", format!("need 0 < min_price ≤ max_price, got [{lo}, {hi}] for `{}`", problem.product)).into());
    }
    if !(c.is_finite() && c >= 0.0) {
        return Err(Error::param("cost", format!("must be finite and non-negative, got {c}")).into());
    }
    problem.demand.check()?;
    let profit = problem.objective == Objective::Profit;
    if profit && c >= hi {
        return Err(PricingError::CostAboveBounds { product: problem.product.clone(), cost: c, max_price: hi });
    }
    let c_eff = if profit { c } else { 0.0 };
    let finish = |p: f64, method: Method, inelastic: bool| {
        let p = p.clamp(lo, hi);
        let binding = if lo == hi || p <= lo * (1.0 + 1e-12) {
            Some(Bound::Lower)
        } else if p >= hi * (1.0 - 1e-12) {
            Some(Bound::Upper)
        } else {
            None
        };
        OptimalPrice { price: p, quantity: problem.demand.quantity(p), objective_value: problem.value(p), binding, inelastic, method }
    };
    if lo == hi {
        return Ok(finish(lo, Method::ClosedForm, false));
    }
    match problem.demand {
        Demand::ConstantElasticity { elasticity: e, .. } => {
            if e >= -1.0 {
                // (p − c) p^e increases in p when e ≥ −1 and p > c.
                return Ok(finish(hi, Method::ClosedForm, true));
            }
            Ok(finish(c_eff * e / (1.0 + e), Method::ClosedForm, false))
        }
        Demand::Linear { intercept: a, slope: b } => {
            if b < 0.0 && a > 0.0 {
                let p = (c_eff - a / b) / 2.0;
                // The elasticity at the chosen price tells whether the upper bound binds because demand is inelastic.
                let pc = p.clamp(lo, hi);
                let inelastic = pc == hi && problem.demand.elasticity(hi).abs() <= 1.0;
                Ok(finish(p, Method::ClosedForm, inelastic))
            } else {
                numeric(problem, lo, hi)
            }
        }
        Demand::SemiLog { slope: b, .. } => {
            if b < 0.0 {
                let p = c_eff - 1.0 / b;
                let inelastic = p > hi;
                Ok(finish(p, Method::ClosedForm, inelastic))
            } else {
                Ok(finish(hi, Method::ClosedForm, true))
            }
        }
    }
}

fn numeric(problem: &PriceProblem, lo: f64, hi: f64) -> Result<OptimalPrice> {
    let f = |p: f64| problem.value(p);
    let (p, v, iterations) = maximise_1d(&f, lo, hi)?;
    let binding = if p <= lo {
        Some(Bound::Lower)
    } else if p >= hi {
        Some(Bound::Upper)
    } else {
        None
    };
    let inelastic = binding == Some(Bound::Upper) && problem.demand.elasticity(hi).abs() <= 1.0;
    Ok(OptimalPrice {
        price: p,
        quantity: problem.demand.quantity(p),
        objective_value: v,
        binding,
        inelastic,
        method: Method::Brent { iterations },
    })
}
