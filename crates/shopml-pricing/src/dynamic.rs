//! Dynamic pricing under demand uncertainty: Thompson sampling over a price
//! ladder, its inventory-constrained version, baselines and a seeded market
//! simulator that measures regret against the clairvoyant optimum.
//!
//! * [`PoissonGammaTs`]: per price `k`, demand per period is Poisson(`θ_k`)
//!   with a Gamma(`α`, `β`) prior; after `n_k` periods with total demand `d_k`
//!   the posterior is Gamma(`α + d_k`, `β + n_k`). Each period draws `θ̃_k` from
//!   every posterior and charges `argmax_k p_k θ̃_k` (Thompson 1933; Russo et al. 2018).
//! * [`LogLinearTs`]: shares information across prices through the
//!   log-linear curve `θ_k = exp(a + b p_k)`; the posterior of `(a, b)` under a Gaussian prior
//!   is approximated by a Laplace (Gaussian) fit of the Poisson likelihood.
//! * [`InventoryTs`]: Ferreira, Simchi-Levi & Wang (2018), "Online network
//!   revenue management using Thompson sampling", *Operations Research* 66(6):
//!   each period, draw `θ̃`, solve the linear programme
//!   `max Σ_k p_k θ̃_k x_k  s.t.  Σ_k θ̃_k x_k ≤ c,  Σ_k x_k ≤ 1,  x ≥ 0`
//!   with `c` = remaining stock / remaining periods (the "TS-update" variant; with
//!   Clarabel) and charge price `k` with probability `x_k` (no sale offered otherwise).
//! * [`Greedy`] and [`EpsilonGreedy`]: certainty-equivalent baselines on the same posterior.

use clarabel::algebra::CscMatrix;
use clarabel::solver::{DefaultSettings, DefaultSolver, IPSolver, SolverStatus, SupportedConeT};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Gamma, Normal, Poisson};
use serde::{Deserialize, Serialize};
use shopml_core::{Error, validated_struct};

use crate::error::{PricingError, Result};

fn check_ladder(prices: &[f64]) -> Result<()> {
    if prices.is_empty() {
        return Err(Error::empty("price ladder").into());
    }
    if let Some(i) = prices.iter().position(|p| !(p.is_finite() && *p > 0.0)) {
        return Err(Error::InvalidValue {
            what: "price ladder".into(),
            row: i,
            column: None,
            value: prices[i],
            reason: "prices must be positive".into(),
        }
        .into());
    }
    Ok(())
}

/// A pricing policy that learns from the demand it observes.
pub trait PricingPolicy {
    /// The ladder index to charge this period, or `None` to offer nothing (no sales).
    fn choose(&mut self, rng: &mut StdRng) -> Result<Option<usize>>;
    /// Records the demand observed at ladder index `k` (before any stock cap).
    fn observe(&mut self, k: usize, demand: f64);
    /// Records units actually sold (for inventory-aware policies).
    fn sold(&mut self, _units: f64) {}
}

/// Gamma posterior per ladder price. Loading from JSON checks the ladder and
/// one positive, finite shape and rate per price.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "GammaPosteriorRaw")]
pub struct GammaPosterior {
    /// The ladder.
    pub prices: Vec<f64>,
    /// Shape per price.
    pub shape: Vec<f64>,
    /// Rate per price.
    pub rate: Vec<f64>,
}

#[derive(Deserialize)]
struct GammaPosteriorRaw {
    prices: Vec<f64>,
    shape: Vec<f64>,
    rate: Vec<f64>,
}

impl TryFrom<GammaPosteriorRaw> for GammaPosterior {
    type Error = PricingError;
    fn try_from(r: GammaPosteriorRaw) -> Result<Self> {
        check_ladder(&r.prices)?;
        for (what, v) in [("shape", &r.shape), ("rate", &r.rate)] {
            if v.len() != r.prices.len() {
                return Err(Error::shape(format!("Gamma posterior {what} (one per price)"), r.prices.len(), v.len()).into());
            }
            if let Some(i) = v.iter().position(|x| !(x.is_finite() && *x > 0.0)) {
                return Err(Error::InvalidValue {
                    what: format!("Gamma posterior {what}"),
                    row: i,
                    column: None,
                    value: v[i],
                    reason: "must be finite and > 0".into(),
                }
                .into());
            }
        }
        Ok(GammaPosterior { prices: r.prices, shape: r.shape, rate: r.rate })
    }
}

impl GammaPosterior {
    /// A Gamma(`shape`, `rate`) prior on every price's demand rate.
    pub fn new(prices: Vec<f64>, shape: f64, rate: f64) -> Result<GammaPosterior> {
        check_ladder(&prices)?;
        if !(shape.is_finite() && shape > 0.0 && rate.is_finite() && rate > 0.0) {
            return Err(Error::param("prior", format!("Gamma prior needs positive shape and rate, got ({shape}, {rate})")).into());
        }
        let k = prices.len();
        Ok(GammaPosterior { prices, shape: vec![shape; k], rate: vec![rate; k] })
    }
    fn sample(&self, rng: &mut StdRng) -> Result<Vec<f64>> {
        self.shape
            .iter()
            .zip(&self.rate)
            .map(|(&a, &b)| {
                Gamma::new(a, 1.0 / b).map(|g| g.sample(rng)).map_err(|e| PricingError::Solver(format!("Gamma({a}, {b}): {e}")))
            })
            .collect()
    }
    fn mean(&self) -> Vec<f64> {
        self.shape.iter().zip(&self.rate).map(|(a, b)| a / b).collect()
    }
    fn update(&mut self, k: usize, demand: f64) {
        if k < self.shape.len() && demand.is_finite() && demand >= 0.0 {
            self.shape[k] += demand;
            self.rate[k] += 1.0;
        }
    }
}

fn argmax_revenue(prices: &[f64], rates: &[f64]) -> usize {
    let mut best = (f64::NEG_INFINITY, 0);
    for (k, (p, r)) in prices.iter().zip(rates).enumerate() {
        if p * r > best.0 {
            best = (p * r, k);
        }
    }
    best.1
}

/// Thompson sampling with a Poisson–Gamma model per price.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PoissonGammaTs {
    /// The posterior.
    pub posterior: GammaPosterior,
}

impl PoissonGammaTs {
    /// Gamma(`shape`, `rate`) prior on every price.
    pub fn new(prices: Vec<f64>, shape: f64, rate: f64) -> Result<Self> {
        Ok(PoissonGammaTs { posterior: GammaPosterior::new(prices, shape, rate)? })
    }
}

impl PricingPolicy for PoissonGammaTs {
    fn choose(&mut self, rng: &mut StdRng) -> Result<Option<usize>> {
        let th = self.posterior.sample(rng)?;
        Ok(Some(argmax_revenue(&self.posterior.prices, &th)))
    }
    fn observe(&mut self, k: usize, demand: f64) {
        self.posterior.update(k, demand);
    }
}

/// Greedy (certainty-equivalent): charge the price with the best posterior-mean revenue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Greedy {
    /// The posterior.
    pub posterior: GammaPosterior,
}

impl Greedy {
    /// Gamma(`shape`, `rate`) prior on every price.
    pub fn new(prices: Vec<f64>, shape: f64, rate: f64) -> Result<Self> {
        Ok(Greedy { posterior: GammaPosterior::new(prices, shape, rate)? })
    }
}

impl PricingPolicy for Greedy {
    fn choose(&mut self, _rng: &mut StdRng) -> Result<Option<usize>> {
        Ok(Some(argmax_revenue(&self.posterior.prices, &self.posterior.mean())))
    }
    fn observe(&mut self, k: usize, demand: f64) {
        self.posterior.update(k, demand);
    }
}

validated_struct! {
    /// ε-greedy: a uniformly random price with probability ε, greedy otherwise.
    /// Loading checks ε (the posterior checks itself).
    pub struct EpsilonGreedy ("EpsilonGreedyRaw" as EpsilonGreedyRaw, check = EpsilonGreedy::check, error = PricingError) {
        /// The posterior.
        pub posterior: GammaPosterior,
        /// Exploration probability.
        pub epsilon: f64,
    }
}

impl EpsilonGreedy {
    /// Gamma(`shape`, `rate`) prior on every price, exploration probability `epsilon`.
    pub fn new(prices: Vec<f64>, shape: f64, rate: f64, epsilon: f64) -> Result<Self> {
        let policy = EpsilonGreedy { posterior: GammaPosterior::new(prices, shape, rate)?, epsilon };
        policy.check()?;
        Ok(policy)
    }

    fn check(&self) -> Result<()> {
        if !(0.0..=1.0).contains(&self.epsilon) {
            return Err(Error::param("epsilon", format!("must lie in [0, 1], got {}", self.epsilon)).into());
        }
        Ok(())
    }
}

impl PricingPolicy for EpsilonGreedy {
    fn choose(&mut self, rng: &mut StdRng) -> Result<Option<usize>> {
        if rng.random::<f64>() < self.epsilon {
            Ok(Some(rng.random_range(0..self.posterior.prices.len())))
        } else {
            Ok(Some(argmax_revenue(&self.posterior.prices, &self.posterior.mean())))
        }
    }
    fn observe(&mut self, k: usize, demand: f64) {
        self.posterior.update(k, demand);
    }
}

validated_struct! {
    /// Thompson sampling with a log-linear demand curve `θ(p) = exp(a + b p)`
    /// shared by every ladder price (Laplace approximation of the posterior).
    /// Loading checks the ladder, one count and demand per price (finite,
    /// non-negative), the prior and the mode.
    pub struct LogLinearTs ("LogLinearTsRaw" as LogLinearTsRaw, check = LogLinearTs::check, error = PricingError) {
        /// The ladder.
        pub prices: Vec<f64>,
        /// Periods played at each price.
        pub count: Vec<f64>,
        /// Total demand at each price.
        pub demand: Vec<f64>,
        /// Prior mean of `(a, b)`.
        pub prior_mean: [f64; 2],
        /// Prior standard deviations of `(a, b)` (independent).
        pub prior_sd: [f64; 2],
        /// Posterior mode, kept as the warm start.
        pub mode: [f64; 2],
    }
}

impl LogLinearTs {
    /// A Gaussian prior on `(a, b)`.
    pub fn new(prices: Vec<f64>, prior_mean: [f64; 2], prior_sd: [f64; 2]) -> Result<Self> {
        let k = prices.len();
        let policy = LogLinearTs { prices, count: vec![0.0; k], demand: vec![0.0; k], prior_mean, prior_sd, mode: prior_mean };
        policy.check()?;
        Ok(policy)
    }

    fn check(&self) -> Result<()> {
        check_ladder(&self.prices)?;
        if self.prior_sd.iter().any(|s| !(s.is_finite() && *s > 0.0)) || self.prior_mean.iter().any(|m| !m.is_finite()) {
            return Err(Error::param("prior_sd", "prior standard deviations must be positive and means finite").into());
        }
        if self.mode.iter().any(|m| !m.is_finite()) {
            return Err(Error::param("mode", "must be finite").into());
        }
        for (what, v) in [("count", &self.count), ("demand", &self.demand)] {
            if v.len() != self.prices.len() {
                return Err(Error::shape(what, self.prices.len(), v.len()).into());
            }
            if let Some(i) = v.iter().position(|x| !(x.is_finite() && *x >= 0.0)) {
                return Err(Error::InvalidValue {
                    what: what.into(),
                    row: i,
                    column: None,
                    value: v[i],
                    reason: "must be finite and non-negative".into(),
                }
                .into());
            }
        }
        Ok(())
    }

    /// Posterior mode and covariance of `(a, b)` (Newton on the log posterior).
    pub fn posterior(&self) -> ([f64; 2], [[f64; 2]; 2]) {
        let x: Vec<f64> = self.prices.clone();
        let (pa, pb) = (1.0 / self.prior_sd[0].powi(2), 1.0 / self.prior_sd[1].powi(2));
        let mut th = self.mode;
        let mut h = [[pa, 0.0], [0.0, pb]];
        for _ in 0..50 {
            let mut g = [-(th[0] - self.prior_mean[0]) * pa, -(th[1] - self.prior_mean[1]) * pb];
            h = [[pa, 0.0], [0.0, pb]];
            for k in 0..x.len() {
                if self.count[k] == 0.0 {
                    continue;
                }
                let mu = (th[0] + th[1] * x[k]).min(50.0).exp() * self.count[k];
                let r = self.demand[k] - mu;
                g[0] += r;
                g[1] += r * x[k];
                h[0][0] += mu;
                h[0][1] += mu * x[k];
                h[1][1] += mu * x[k] * x[k];
            }
            h[1][0] = h[0][1];
            let det = h[0][0] * h[1][1] - h[0][1] * h[1][0];
            let step = [(h[1][1] * g[0] - h[0][1] * g[1]) / det, (h[0][0] * g[1] - h[1][0] * g[0]) / det];
            // damped Newton
            let norm = step[0].abs().max(step[1].abs());
            let f = if norm > 1.0 { 1.0 / norm } else { 1.0 };
            th = [th[0] + f * step[0], th[1] + f * step[1]];
            if norm < 1e-10 {
                break;
            }
        }
        let det = h[0][0] * h[1][1] - h[0][1] * h[1][0];
        let cov = [[h[1][1] / det, -h[0][1] / det], [-h[1][0] / det, h[0][0] / det]];
        (th, cov)
    }
}

impl PricingPolicy for LogLinearTs {
    fn choose(&mut self, rng: &mut StdRng) -> Result<Option<usize>> {
        let (m, c) = self.posterior();
        self.mode = m;
        // Cholesky of the 2×2 covariance.
        let l00 = c[0][0].max(0.0).sqrt();
        let l10 = if l00 > 0.0 { c[1][0] / l00 } else { 0.0 };
        let l11 = (c[1][1] - l10 * l10).max(0.0).sqrt();
        let n = Normal::new(0.0, 1.0).map_err(|e| PricingError::Solver(e.to_string()))?;
        let (z0, z1): (f64, f64) = (n.sample(rng), n.sample(rng));
        let (a, b) = (m[0] + l00 * z0, m[1] + l10 * z0 + l11 * z1);
        let rates: Vec<f64> = self.prices.iter().map(|p| (a + b * p).min(50.0).exp()).collect();
        Ok(Some(argmax_revenue(&self.prices, &rates)))
    }
    fn observe(&mut self, k: usize, demand: f64) {
        if k < self.prices.len() && demand.is_finite() && demand >= 0.0 {
            self.count[k] += 1.0;
            self.demand[k] += demand;
        }
    }
}

/// Solves `max Σ p_k θ_k x_k  s.t.  Σ θ_k x_k ≤ c, Σ x_k ≤ 1, x ≥ 0` with Clarabel.
pub fn price_mix_lp(prices: &[f64], rates: &[f64], capacity: f64) -> Result<Vec<f64>> {
    let k = prices.len();
    if rates.len() != k {
        return Err(Error::shape("rates", k, rates.len()).into());
    }
    let p = CscMatrix::new_from_triplets(k, k, vec![], vec![], vec![]);
    let q: Vec<f64> = prices.iter().zip(rates).map(|(p, r)| -p * r).collect();
    let (mut ai, mut aj, mut av) = (Vec::new(), Vec::new(), Vec::new());
    for j in 0..k {
        ai.push(0);
        aj.push(j);
        av.push(rates[j]);
        ai.push(1);
        aj.push(j);
        av.push(1.0);
        ai.push(2 + j);
        aj.push(j);
        av.push(-1.0);
    }
    let a = CscMatrix::new_from_triplets(k + 2, k, ai, aj, av);
    let mut b = vec![capacity.max(0.0), 1.0];
    b.extend(std::iter::repeat_n(0.0, k));
    let cones = [SupportedConeT::NonnegativeConeT(k + 2)];
    let settings = DefaultSettings { verbose: false, ..DefaultSettings::default() };
    let mut solver =
        DefaultSolver::new(&p, &q, &a, &b, &cones, settings).map_err(|e| PricingError::Solver(format!("Clarabel setup: {e}")))?;
    solver.solve();
    match solver.solution.status {
        SolverStatus::Solved | SolverStatus::AlmostSolved => Ok(solver.solution.x.iter().map(|v| v.max(0.0)).collect()),
        s => Err(PricingError::Solver(format!("price-mix LP stopped with status {s:?}"))),
    }
}

validated_struct! {
    /// Inventory-constrained Thompson sampling (Ferreira, Simchi-Levi & Wang 2018, TS-update).
    /// Loading checks the stock (finite, non-negative) and that a period is left.
    pub struct InventoryTs ("InventoryTsRaw" as InventoryTsRaw, check = InventoryTs::check, error = PricingError) {
        /// The posterior.
        pub posterior: GammaPosterior,
        /// Units left.
        pub stock: f64,
        /// Periods left (including the current one).
        pub periods_left: usize,
    }
}

impl InventoryTs {
    /// Gamma prior on every price, `stock` units to sell over `periods` periods.
    pub fn new(prices: Vec<f64>, shape: f64, rate: f64, stock: f64, periods: usize) -> Result<Self> {
        let policy = InventoryTs { posterior: GammaPosterior::new(prices, shape, rate)?, stock, periods_left: periods.max(1) };
        policy.check()?;
        Ok(policy)
    }

    fn check(&self) -> Result<()> {
        if !(self.stock.is_finite() && self.stock >= 0.0) {
            return Err(Error::param("stock", "must be finite and non-negative").into());
        }
        if self.periods_left == 0 {
            return Err(Error::param("periods_left", "must be at least 1").into());
        }
        Ok(())
    }
}

impl PricingPolicy for InventoryTs {
    fn choose(&mut self, rng: &mut StdRng) -> Result<Option<usize>> {
        if self.stock <= 0.0 {
            self.periods_left = self.periods_left.saturating_sub(1).max(1);
            return Ok(None);
        }
        let th = self.posterior.sample(rng)?;
        let c = self.stock / self.periods_left as f64;
        let x = price_mix_lp(&self.posterior.prices, &th, c)?;
        self.periods_left = self.periods_left.saturating_sub(1).max(1);
        let u: f64 = rng.random();
        let mut acc = 0.0;
        for (k, xk) in x.iter().enumerate() {
            acc += xk;
            if u < acc {
                return Ok(Some(k));
            }
        }
        Ok(None)
    }
    fn observe(&mut self, k: usize, demand: f64) {
        self.posterior.update(k, demand);
    }
    fn sold(&mut self, units: f64) {
        self.stock = (self.stock - units).max(0.0);
    }
}

validated_struct! {
    /// A simulated market: Poisson demand per period with a known rate per
    /// ladder price. Loading runs the checks of [`Market::new`].
    pub struct Market ("MarketRaw" as MarketRaw, check = Market::check, error = PricingError) {
        /// The ladder.
        pub prices: Vec<f64>,
        /// True expected demand per period at each price.
        pub rates: Vec<f64>,
    }
}

impl Market {
    /// A market with the given true rates.
    pub fn new(prices: Vec<f64>, rates: Vec<f64>) -> Result<Market> {
        let market = Market { prices, rates };
        market.check()?;
        Ok(market)
    }

    fn check(&self) -> Result<()> {
        check_ladder(&self.prices)?;
        if self.rates.len() != self.prices.len() {
            return Err(Error::shape("rates", self.prices.len(), self.rates.len()).into());
        }
        if let Some(i) = self.rates.iter().position(|r| !(r.is_finite() && *r >= 0.0)) {
            return Err(Error::InvalidValue {
                what: "rates".into(),
                row: i,
                column: None,
                value: self.rates[i],
                reason: "must be finite and non-negative".into(),
            }
            .into());
        }
        Ok(())
    }
    /// Rates `exp(a + b ln p)` (constant elasticity `b`).
    pub fn log_linear(prices: Vec<f64>, a: f64, b: f64) -> Result<Market> {
        let rates = prices.iter().map(|p| (a + b * p.ln()).exp()).collect();
        Market::new(prices, rates)
    }
    /// Clairvoyant expected revenue per period without a stock limit: `max_k p_k θ_k`.
    pub fn best_revenue_rate(&self) -> f64 {
        self.prices.iter().zip(&self.rates).map(|(p, r)| p * r).fold(0.0, f64::max)
    }
    /// Clairvoyant upper bound on expected revenue with `stock` units over `periods`:
    /// `periods ×` the price-mix LP with capacity `stock / periods` and the true rates.
    pub fn clairvoyant_with_stock(&self, stock: f64, periods: usize) -> Result<f64> {
        let x = price_mix_lp(&self.prices, &self.rates, stock / periods.max(1) as f64)?;
        Ok(periods as f64 * x.iter().zip(&self.prices).zip(&self.rates).map(|((x, p), r)| x * p * r).sum::<f64>())
    }
}

/// The outcome of a simulation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimulationResult {
    /// Revenue earned.
    pub revenue: f64,
    /// Clairvoyant expected revenue (or its LP upper bound with a stock limit).
    pub clairvoyant: f64,
    /// `clairvoyant − revenue`.
    pub regret: f64,
    /// Units sold.
    pub units_sold: f64,
    /// Periods each ladder price was charged.
    pub price_counts: Vec<usize>,
}

/// Runs `policy` for `periods` periods in `market`, seeded; with `stock`,
/// sales are capped by what is left.
pub fn simulate<P: PricingPolicy>(
    policy: &mut P,
    market: &Market,
    periods: usize,
    stock: Option<f64>,
    seed: u64,
) -> Result<SimulationResult> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut left = stock.unwrap_or(f64::INFINITY);
    let mut revenue = 0.0;
    let mut units = 0.0;
    let mut counts = vec![0usize; market.prices.len()];
    let dists: Vec<Option<Poisson<f64>>> = market.rates.iter().map(|&r| if r > 0.0 { Poisson::new(r).ok() } else { None }).collect();
    for _ in 0..periods {
        let Some(k) = policy.choose(&mut rng)? else {
            continue;
        };
        if k >= market.prices.len() {
            return Err(Error::IndexOutOfRange { what: "price", index: k, len: market.prices.len() }.into());
        }
        counts[k] += 1;
        let d = dists[k].as_ref().map_or(0.0, |p| p.sample(&mut rng));
        let sold = d.min(left);
        left -= sold;
        revenue += sold * market.prices[k];
        units += sold;
        policy.observe(k, d);
        policy.sold(sold);
    }
    let clairvoyant = match stock {
        Some(s) => market.clairvoyant_with_stock(s, periods)?,
        None => market.best_revenue_rate() * periods as f64,
    };
    Ok(SimulationResult { revenue, clairvoyant, regret: clairvoyant - revenue, units_sold: units, price_counts: counts })
}
