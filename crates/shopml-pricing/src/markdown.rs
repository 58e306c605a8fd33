//! Markdown (clearance) pricing by dynamic programming.
//!
//! A stock of `S` units must be sold over `T` periods on a price ladder;
//! demand in a period at price `p_k` is Poisson with mean `λ_k · f_t`
//! (`f_t` an optional seasonal factor); units left after the deadline earn a
//! salvage value `v` each. With `V_T(s) = v s`,
//!
//! `V_t(s) = max_k Σ_{d ≥ 0} P(D_{tk} = d) · [p_k min(d, s) + V_{t+1}(s − min(d, s))]`.
//!
//! With the monotone option prices may only go down: the state also carries
//! the last price, `W_t(s, j) = max_{k : p_k ≤ p_j} …`. See Gallego & van Ryzin
//! (1994), Optimal dynamic pricing of inventories with stochastic demand over
//! finite horizons, *Management Science* 40(8), and Talluri & van Ryzin (2004),
//! *The Theory and Practice of Revenue Management*, ch. 5.

use rand::SeedableRng;
use rand_distr::{Distribution, Poisson};
use serde::{Deserialize, Serialize};
use shopml_core::Error;

use crate::error::{PricingError, Result};

/// A markdown problem.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MarkdownProblem {
    /// The price ladder.
    pub prices: Vec<f64>,
    /// Expected units per period at each ladder price.
    pub demand_rate: Vec<f64>,
    /// Number of periods before the deadline.
    pub periods: usize,
    /// Units in stock at the start.
    pub stock: usize,
    /// Value of each unit left after the deadline.
    pub salvage: f64,
    /// Prices may only go down (default false).
    pub monotone: bool,
    /// Optional demand multiplier per period (seasonality).
    pub period_factor: Option<Vec<f64>>,
}

impl MarkdownProblem {
    /// A problem without seasonality, non-monotone.
    pub fn new(prices: Vec<f64>, demand_rate: Vec<f64>, periods: usize, stock: usize, salvage: f64) -> MarkdownProblem {
        MarkdownProblem { prices, demand_rate, periods, stock, salvage, monotone: false, period_factor: None }
    }
    /// Only allow price decreases.
    pub fn monotone(mut self, v: bool) -> Self {
        self.monotone = v;
        self
    }
    fn check(&self) -> Result<()> {
        let k = self.prices.len();
        if k == 0 {
            return Err(Error::empty("price ladder").into());
        }
        if self.demand_rate.len() != k {
            return Err(Error::shape("demand_rate", k, self.demand_rate.len()).into());
        }
        for (i, (&p, &l)) in self.prices.iter().zip(&self.demand_rate).enumerate() {
            if !(p.is_finite() && p >= 0.0) {
                return Err(Error::InvalidValue {
                    what: "prices".into(),
                    row: i,
                    column: None,
                    value: p,
                    reason: "must be finite and non-negative".into(),
                }
                .into());
            }
            if !(l.is_finite() && l >= 0.0) {
                return Err(Error::InvalidValue {
                    what: "demand_rate".into(),
                    row: i,
                    column: None,
                    value: l,
                    reason: "must be finite and non-negative".into(),
                }
                .into());
            }
        }
        if self.periods == 0 {
            return Err(Error::param("periods", "must be at least 1").into());
        }
        if !(self.salvage.is_finite() && self.salvage >= 0.0) {
            return Err(Error::param("salvage", "must be finite and non-negative").into());
        }
        if let Some(f) = &self.period_factor {
            if f.len() != self.periods {
                return Err(Error::shape("period_factor", self.periods, f.len()).into());
            }
            if let Some(i) = f.iter().position(|v| !(v.is_finite() && *v >= 0.0)) {
                return Err(Error::InvalidValue {
                    what: "period_factor".into(),
                    row: i,
                    column: None,
                    value: f[i],
                    reason: "must be finite and non-negative".into(),
                }
                .into());
            }
        }
        let states = (self.periods as u128) * (self.stock as u128 + 1) * if self.monotone { k as u128 } else { 1 } * k as u128;
        if states > 200_000_000 {
            return Err(Error::param("stock", format!("periods × stock × ladder = {states} is too large for the dynamic programme")).into());
        }
        Ok(())
    }
    fn rate(&self, t: usize, k: usize) -> f64 {
        self.demand_rate[k] * self.period_factor.as_ref().map_or(1.0, |f| f[t])
    }
}

/// `P(D = d)` for `d < s` and `P(D ≥ s)` last, for Poisson mean `lambda`.
pub(crate) fn truncated_poisson(lambda: f64, s: usize) -> Vec<f64> {
    let mut out = Vec::with_capacity(s + 1);
    if lambda <= 0.0 {
        // No demand: D = 0 surely (the tail when s = 0).
        out.resize(s + 1, 0.0);
        out[0] = 1.0;
        return out;
    }
    let ll = lambda.ln();
    let mut log_fact = 0.0;
    let mut cum = 0.0;
    for d in 0..s {
        if d > 0 {
            log_fact += (d as f64).ln();
        }
        let p = (-lambda + d as f64 * ll - log_fact).exp();
        cum += p;
        out.push(p);
    }
    out.push((1.0 - cum).max(0.0));
    out
}

/// The optimal markdown policy and its value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MarkdownPolicy {
    problem: MarkdownProblem,
    /// value[t][state]: non-monotone state = s; monotone state = s · K + last price index.
    value: Vec<Vec<f64>>,
    /// Best ladder index per (t, state).
    action: Vec<Vec<u32>>,
}

/// Solves the markdown dynamic programme.
///
/// ```
/// use shopml_pricing::markdown::{MarkdownProblem, solve_markdown};
/// // one period, one unit: sell at 10 with prob 1 − e^{−0.5} or at 6 with prob 1 − e^{−2}
/// let p = MarkdownProblem::new(vec![10.0, 6.0], vec![0.5, 2.0], 1, 1, 0.0);
/// let pol = solve_markdown(&p).unwrap();
/// let v10 = 10.0 * (1.0 - (-0.5f64).exp());
/// let v6 = 6.0 * (1.0 - (-2.0f64).exp());
/// assert!((pol.expected_revenue() - v10.max(v6)).abs() < 1e-12);
/// ```
pub fn solve_markdown(problem: &MarkdownProblem) -> Result<MarkdownPolicy> {
    problem.check()?;
    let (t_max, s_max, kk) = (problem.periods, problem.stock, problem.prices.len());
    let width = if problem.monotone { (s_max + 1) * kk } else { s_max + 1 };
    let mut value = vec![vec![0.0; width]; t_max + 1];
    let mut action = vec![vec![0u32; width]; t_max];
    for st in 0..width {
        let s = if problem.monotone { st / kk } else { st };
        value[t_max][st] = problem.salvage * s as f64;
    }
    for t in (0..t_max).rev() {
        // Expected immediate revenue + continuation for each (s, k), computed once.
        let mut q = vec![0.0; (s_max + 1) * kk];
        for k in 0..kk {
            let lam = problem.rate(t, k);
            let pmf = truncated_poisson(lam, s_max);
            for s in 0..=s_max {
                let mut acc = 0.0;
                for d in 0..=s {
                    let pr = if d < s { pmf[d] } else { pmf[s..].iter().sum::<f64>() };
                    if pr == 0.0 {
                        continue;
                    }
                    let next = s - d;
                    let cont = if problem.monotone { value[t + 1][next * kk + k] } else { value[t + 1][next] };
                    acc += pr * (problem.prices[k] * d as f64 + cont);
                }
                q[s * kk + k] = acc;
            }
        }
        for st in 0..width {
            let (s, j) = if problem.monotone { (st / kk, Some(st % kk)) } else { (st, None) };
            let mut best = (f64::NEG_INFINITY, 0u32);
            for k in 0..kk {
                if let Some(j) = j
                    && problem.prices[k] > problem.prices[j]
                {
                    continue;
                }
                let v = q[s * kk + k];
                if v > best.0 {
                    best = (v, k as u32);
                }
            }
            value[t][st] = best.0;
            action[t][st] = best.1;
        }
    }
    Ok(MarkdownPolicy { problem: problem.clone(), value, action })
}

/// One simulated period of a markdown.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MarkdownStep {
    /// Period.
    pub period: usize,
    /// Price charged.
    pub price: f64,
    /// Demand drawn.
    pub demand: u64,
    /// Units sold (demand capped by stock).
    pub sold: u64,
    /// Stock after the period.
    pub stock_after: u64,
}

impl MarkdownPolicy {
    /// The problem this policy solves.
    pub fn problem(&self) -> &MarkdownProblem {
        &self.problem
    }
    /// Expected revenue (plus salvage) from the full stock at the start.
    pub fn expected_revenue(&self) -> f64 {
        let p = &self.problem;
        if p.monotone {
            let kk = p.prices.len();
            (0..kk).map(|j| self.value[0][p.stock * kk + j]).fold(f64::NEG_INFINITY, f64::max)
        } else {
            self.value[0][p.stock]
        }
    }
    /// Expected value-to-go at period `t` with `stock` units (and, when monotone, the last price index).
    pub fn value(&self, t: usize, stock: usize, last_price: Option<usize>) -> Result<f64> {
        let st = self.state(t, stock, last_price)?;
        Ok(self.value[t][st])
    }
    fn state(&self, t: usize, stock: usize, last_price: Option<usize>) -> Result<usize> {
        let p = &self.problem;
        if t > p.periods {
            return Err(Error::IndexOutOfRange { what: "period", index: t, len: p.periods + 1 }.into());
        }
        if stock > p.stock {
            return Err(Error::IndexOutOfRange { what: "stock", index: stock, len: p.stock + 1 }.into());
        }
        if p.monotone {
            let kk = p.prices.len();
            let j = match last_price {
                Some(j) if j < kk => j,
                Some(j) => return Err(Error::IndexOutOfRange { what: "price", index: j, len: kk }.into()),
                // No price charged yet: the highest price allows every move.
                None => (0..kk).max_by(|a, b| p.prices[*a].total_cmp(&p.prices[*b])).unwrap_or(0),
            };
            Ok(stock * kk + j)
        } else {
            Ok(stock)
        }
    }
    /// The ladder index to charge at period `t` with `stock` units left.
    pub fn price_index(&self, t: usize, stock: usize, last_price: Option<usize>) -> Result<usize> {
        if t >= self.problem.periods {
            return Err(Error::IndexOutOfRange { what: "period", index: t, len: self.problem.periods }.into());
        }
        let st = self.state(t, stock, last_price)?;
        Ok(self.action[t][st] as usize)
    }
    /// Simulates the policy once with Poisson demand, seeded.
    pub fn simulate(&self, seed: u64) -> Result<Vec<MarkdownStep>> {
        let p = &self.problem;
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let mut stock = p.stock;
        let mut last = None;
        let mut out = Vec::with_capacity(p.periods);
        for t in 0..p.periods {
            let k = self.price_index(t, stock, last)?;
            let lam = p.rate(t, k);
            let demand = if lam > 0.0 {
                Poisson::new(lam).map_err(|e| PricingError::Solver(format!("Poisson({lam}): {e}")))?.sample(&mut rng) as u64
            } else {
                0
            };
            let sold = demand.min(stock as u64);
            stock -= sold as usize;
            last = Some(k);
            out.push(MarkdownStep { period: t, price: p.prices[k], demand, sold, stock_after: stock as u64 });
        }
        Ok(out)
    }
}
