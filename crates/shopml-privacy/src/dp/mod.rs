//! Differentially private counts, sums, means and histograms.
//!
//! A [`DpReport`] owns an [`Accountant`] (the report's (ε, δ) budget) and a
//! [`DpRng`] (ChaCha20), and answers queries with exact discrete noise:
//!
//! - [`Noise::Laplace`] adds discrete Laplace noise of scale Δ/ε, which is
//!   ε-DP for an integer query of sensitivity Δ (the geometric mechanism of
//!   Ghosh, Roughgarden & Sundararajan 2009);
//! - [`Noise::Gaussian`] adds discrete Gaussian noise with σ² = Δ²/(2ρ), which
//!   is ρ-zCDP (Canonne, Kamath & Steinke 2020, Theorem 4) and so
//!   (ρ + 2√(ρ ln(1/δ)), δ)-DP (Bun & Steinke 2016, Proposition 1.3); ρ is
//!   solved from the (ε, δ) the caller asks for.
//!
//! Noise scales are rounded *up* to rationals with denominator 2²⁰, so the
//! privacy actually given is never less than asked for.
//!
//! **Neighbouring datasets** differ by adding or removing one individual, who
//! contributes at most [`DpReport::max_contributions`] records (default 1) to
//! any one query; the caller must enforce that bound (e.g. count distinct
//! customers, or keep at most c orders per customer) — the guarantee is only
//! as good as it. Histogram bins and clamping bounds must be chosen without
//! looking at the data.

mod accountant;
mod sampler;

pub use accountant::{Accountant, Budget, Spend};
pub use sampler::DpRng;

use serde::{Deserialize, Serialize};
use shopml_core::Error;

use crate::error::{PrivacyError, Result};

/// Which mechanism a query uses, with what it may spend.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Noise {
    /// Discrete Laplace: pure ε-DP.
    Laplace {
        /// ε spent by the query.
        epsilon: f64,
    },
    /// Discrete Gaussian: (ε, δ)-DP through zCDP.
    Gaussian {
        /// ε spent by the query.
        epsilon: f64,
        /// δ spent by the query (> 0).
        delta: f64,
    },
}

impl Noise {
    fn cost(&self) -> (f64, f64) {
        match *self {
            Noise::Laplace { epsilon } => (epsilon, 0.0),
            Noise::Gaussian { epsilon, delta } => (epsilon, delta),
        }
    }

    fn check(&self) -> std::result::Result<(), Error> {
        let (e, d) = self.cost();
        Budget::new(e, d)?;
        if matches!(self, Noise::Gaussian { .. }) && d <= 0.0 {
            return Err(Error::param("delta", "the Gaussian mechanism needs δ > 0"));
        }
        Ok(())
    }

    fn halved(&self) -> Noise {
        match *self {
            Noise::Laplace { epsilon } => Noise::Laplace { epsilon: epsilon / 2.0 },
            Noise::Gaussian { epsilon, delta } => Noise::Gaussian { epsilon: epsilon / 2.0, delta: delta / 2.0 },
        }
    }

    /// The zCDP ρ that gives (ε, δ)-DP: ρ = (√(L + ε) − √L)², L = ln(1/δ).
    fn rho(epsilon: f64, delta: f64) -> f64 {
        let l = (1.0 / delta).ln();
        ((l + epsilon).sqrt() - l.sqrt()).powi(2)
    }

    /// Standard deviation of the noise this adds to a query of integer
    /// sensitivity `sensitivity` (before the rounding up of the scale).
    ///
    /// ```
    /// use shopml_privacy::dp::Noise;
    /// // Discrete Laplace of scale 1: √(2e⁻¹)/(1 − e⁻¹) ≈ 1.357.
    /// assert!((Noise::Laplace { epsilon: 1.0 }.std_dev(1) - 1.357).abs() < 1e-3);
    /// ```
    pub fn std_dev(&self, sensitivity: u64) -> f64 {
        match *self {
            Noise::Laplace { epsilon } => {
                let q = (-epsilon / sensitivity as f64).exp();
                (2.0 * q).sqrt() / (1.0 - q)
            }
            Noise::Gaussian { epsilon, delta } => {
                // The discrete Gaussian's variance is at most σ² (CKS 2020, Prop. 5).
                sensitivity as f64 / (2.0 * Noise::rho(epsilon, delta)).sqrt()
            }
        }
    }

    /// The smallest `m` such that the noise of a query of integer
    /// sensitivity `sensitivity` lies within `±m` with at least
    /// `probability` — the "± m at 95 %" a report prints beside noisy counts.
    ///
    /// Laplace in closed form, `P(|Z| ≥ m) = 2qᵐ/(1+q)` with `q = e^{−ε/Δ}`;
    /// Gaussian by summing its exact pmf outward. `probability` outside
    /// `(0, 1)` is an invalid parameter.
    ///
    /// ```
    /// use shopml_privacy::dp::Noise;
    /// // ε = 1: P(|Z| ≥ 3) = 2e⁻³/(1+e⁻¹) ≈ 0.073, P(|Z| ≥ 4) ≈ 0.027.
    /// assert_eq!(Noise::Laplace { epsilon: 1.0 }.error_bound(1, 0.95).unwrap(), 3);
    /// ```
    pub fn error_bound(&self, sensitivity: u64, probability: f64) -> Result<u64> {
        if !(probability > 0.0 && probability < 1.0) {
            return Err(Error::param("probability", format!("must lie in (0, 1), got {probability}")).into());
        }
        self.check()?;
        let sens = sensitivity.max(1) as f64;
        let tail = 1.0 - probability;
        match *self {
            Noise::Laplace { epsilon } => {
                let q = (-epsilon / sens).exp();
                // Smallest m with 2q^(m+1)/(1+q) <= tail.
                let m = ((tail * (1.0 + q) / 2.0).ln() / q.ln() - 1.0).ceil().max(0.0);
                // Guard the rounding of the logarithms: step to the exact boundary.
                let p_out = |m: f64| 2.0 * q.powf(m + 1.0) / (1.0 + q);
                let mut m = m;
                while m > 0.0 && p_out(m - 1.0) <= tail {
                    m -= 1.0;
                }
                while p_out(m) > tail {
                    m += 1.0;
                }
                Ok(m as u64)
            }
            Noise::Gaussian { epsilon, delta } => {
                let sigma2 = sens * sens / (2.0 * Noise::rho(epsilon, delta));
                let lim = (40.0 * sigma2.sqrt() + 40.0) as i64;
                let kernel = |y: i64| (-((y * y) as f64) / (2.0 * sigma2)).exp();
                let norm: f64 = 1.0 + 2.0 * (1..=lim).map(kernel).sum::<f64>();
                let mut inside = kernel(0) / norm;
                let mut m = 0i64;
                while inside < probability && m < lim {
                    m += 1;
                    inside += 2.0 * kernel(m) / norm;
                }
                Ok(m as u64)
            }
        }
    }

    /// Mean absolute error of the noise for a query of integer sensitivity
    /// (exact for Laplace; the continuous value σ√(2/π) for Gaussian).
    pub fn mean_abs_error(&self, sensitivity: u64) -> f64 {
        match *self {
            Noise::Laplace { epsilon } => {
                let q = (-epsilon / sensitivity as f64).exp();
                2.0 * q / (1.0 - q * q)
            }
            Noise::Gaussian { .. } => self.std_dev(sensitivity) * (2.0 / std::f64::consts::PI).sqrt(),
        }
    }
}

/// Clamping bounds for sums and means, stated by the caller (never derived
/// from the data), and the resolution values are rounded to.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Bounds {
    /// Values below are raised to this.
    pub lower: f64,
    /// Values above are lowered to this.
    pub upper: f64,
    /// Values are rounded to multiples of this (e.g. 0.01 for pence) so the
    /// sum is an integer number of units and the noise can be exact.
    pub resolution: f64,
}

impl Bounds {
    /// Bounds with resolution 0.01.
    pub fn new(lower: f64, upper: f64) -> Bounds {
        Bounds { lower, upper, resolution: 0.01 }
    }

    /// Sets the resolution.
    pub fn resolution(mut self, resolution: f64) -> Bounds {
        self.resolution = resolution;
        self
    }

    fn check(&self, what: &str) -> Result<()> {
        if !(self.lower.is_finite() && self.upper.is_finite()) || self.lower > self.upper {
            return Err(PrivacyError::InvalidBounds { what: what.to_owned(), lower: self.lower, upper: self.upper });
        }
        if !(self.resolution.is_finite() && self.resolution > 0.0) {
            return Err(Error::param("resolution", format!("{}; must be finite and > 0", self.resolution)).into());
        }
        let units = self.lower.abs().max(self.upper.abs()) / self.resolution;
        if units > 1e12 {
            return Err(Error::param("resolution", format!("bounds span {units:e} units; at most 10^12")).into());
        }
        Ok(())
    }

    /// A value clamped and in whole units of the resolution.
    fn units(&self, v: f64) -> i128 {
        (v.clamp(self.lower, self.upper) / self.resolution).round() as i128
    }

    /// Sensitivity of a sum in units: the largest |value|, at least 1.
    fn sensitivity(&self) -> u64 {
        ((self.lower.abs().max(self.upper.abs()) / self.resolution).round() as u64).max(1)
    }
}

/// Scales bigger than this are refused (σ or b above 2^20 units·…): far
/// beyond any useful report, and the bound that keeps the samplers' integer
/// arithmetic exact.
const MAX_SCALE: f64 = (1u64 << 40) as f64;
const DENOM: f64 = (1u64 << 20) as f64;

/// A report's differentially private queries: a budget, an accountant and a
/// CSPRNG. See the [module documentation](self) for the guarantees.
///
/// ```
/// use shopml_privacy::dp::{Bounds, DpReport, Noise};
/// use shopml_privacy::{Budget, DpRng};
/// let mut report = DpReport::new(Budget::pure(1.0).unwrap(), DpRng::seeded(42));
/// let n = report.count("customers", 4338, Noise::Laplace { epsilon: 0.5 }).unwrap();
/// assert!((n - 4338).abs() < 100);
/// let spend = report.sum("revenue", &[12.5, 80.0, 3.2], Bounds::new(0.0, 100.0), Noise::Laplace { epsilon: 0.5 }).unwrap();
/// assert!(spend.is_finite());
/// // The budget is gone: the next query is refused.
/// assert!(report.count("orders", 10, Noise::Laplace { epsilon: 0.1 }).is_err());
/// ```
#[derive(Debug)]
pub struct DpReport {
    accountant: Accountant,
    rng: DpRng,
    max_contributions: u64,
}

impl DpReport {
    /// A report with budget `budget` drawing noise from `rng`.
    pub fn new(budget: Budget, rng: DpRng) -> DpReport {
        DpReport { accountant: Accountant::new(budget), rng, max_contributions: 1 }
    }

    /// Sets how many records one individual may contribute to any one query
    /// (default 1); sensitivities are multiplied by it. Must be ≥ 1.
    pub fn max_contributions(mut self, c: u64) -> Result<DpReport> {
        if c == 0 {
            return Err(Error::param("max_contributions", "must be at least 1").into());
        }
        self.max_contributions = c;
        Ok(self)
    }

    /// The accountant (what was spent, on what).
    pub fn accountant(&self) -> &Accountant {
        &self.accountant
    }

    /// Checks the query, spends its cost, then draws noise for an integer
    /// query of sensitivity `sensitivity`, `n` times (one per bin).
    fn noisy(&mut self, label: &str, noise: Noise, sensitivity: u64, n: usize) -> Result<Vec<i128>> {
        noise.check()?;
        let sens = sensitivity.saturating_mul(self.max_contributions) as f64;
        // Exact rational parameters, rounded up so the privacy is not weakened.
        enum P {
            Lap { s: u128, t: u128 },
            Gauss { num: u128, den: u128 },
        }
        let p = match noise {
            Noise::Laplace { epsilon } => {
                let scale = sens / epsilon;
                if scale.is_nan() || scale > MAX_SCALE {
                    return Err(Error::param("epsilon", format!("noise scale {scale:e} is above 2^40")).into());
                }
                let t = (scale * DENOM).ceil() as u128;
                let s = DENOM as u128;
                let g = gcd(s, t);
                P::Lap { s: s / g, t: t / g }
            }
            Noise::Gaussian { epsilon, delta } => {
                let var = sens * sens / (2.0 * Noise::rho(epsilon, delta));
                if var.is_nan() || var > MAX_SCALE {
                    return Err(Error::param("epsilon", format!("noise variance {var:e} is above 2^40")).into());
                }
                let num = ((var * DENOM).ceil() as u128).max(1);
                P::Gauss { num, den: DENOM as u128 }
            }
        };
        let (e, d) = noise.cost();
        self.accountant.spend(label, e, d)?;
        Ok((0..n)
            .map(|_| match p {
                P::Lap { s, t } => self.rng.discrete_laplace(s, t),
                P::Gauss { num, den } => self.rng.discrete_gaussian(num, den),
            })
            .collect())
    }

    /// A noisy count (sensitivity 1 per contribution). The result may be
    /// negative or above the population: clipping it is free post-processing,
    /// left to the caller because it biases small counts.
    pub fn count(&mut self, label: &str, true_count: u64, noise: Noise) -> Result<i64> {
        let z = self.noisy(label, noise, 1, 1)?[0];
        Ok(clamp_i64(true_count as i128 + z))
    }

    /// Noisy counts of disjoint bins (each record in at most one bin) for one
    /// spend of the budget (parallel composition over the bins). The bins
    /// must be a fixed list — a bin that exists only because the data has it
    /// leaks that it does.
    pub fn histogram(&mut self, label: &str, counts: &[u64], noise: Noise) -> Result<Vec<i64>> {
        if counts.is_empty() {
            return Err(Error::empty(format!("histogram `{label}` bins")).into());
        }
        let z = self.noisy(label, noise, 1, counts.len())?;
        Ok(counts.iter().zip(z).map(|(&c, z)| clamp_i64(c as i128 + z)).collect())
    }

    /// A noisy sum of values clamped to `bounds` and rounded to its resolution.
    ///
    /// Errors: [`PrivacyError::InvalidBounds`] for `lower > upper` or
    /// non-finite bounds; a NaN value → `NonFinite` naming its position.
    pub fn sum(&mut self, label: &str, values: &[f64], bounds: Bounds, noise: Noise) -> Result<f64> {
        bounds.check(label)?;
        let total = clamped_units(label, values, &bounds)?;
        let z = self.noisy(label, noise, bounds.sensitivity(), 1)?[0];
        Ok((total + z) as f64 * bounds.resolution)
    }

    /// A noisy mean: noisy sum / noisy count, each with half of the query's
    /// ε (and δ), clamped into the bounds (post-processing). An empty input
    /// gives the middle of the bounds' range plus noise, never NaN.
    pub fn mean(&mut self, label: &str, values: &[f64], bounds: Bounds, noise: Noise) -> Result<f64> {
        bounds.check(label)?;
        noise.check()?;
        let (e, d) = noise.cost();
        if !self.accountant.can_spend(e, d) {
            // Refuse before spending either half.
            self.accountant.spend(label, e, d)?;
        }
        let total = clamped_units(label, values, &bounds)?;
        let half = noise.halved();
        let s = self.noisy(&format!("{label} (sum)"), half, bounds.sensitivity(), 1)?[0];
        let n = self.noisy(&format!("{label} (count)"), half, 1, 1)?[0];
        let noisy_n = (values.len() as i128 + n).max(1);
        let mean = (total + s) as f64 * bounds.resolution / noisy_n as f64;
        Ok(mean.clamp(bounds.lower, bounds.upper))
    }
}

fn clamped_units(label: &str, values: &[f64], bounds: &Bounds) -> Result<i128> {
    let mut total: i128 = 0;
    for (i, &v) in values.iter().enumerate() {
        if v.is_nan() {
            return Err(Error::NonFinite { what: format!("values of `{label}`"), row: i, column: None, value: v }.into());
        }
        total += bounds.units(v);
    }
    Ok(total)
}

fn clamp_i64(x: i128) -> i64 {
    x.clamp(i64::MIN as i128, i64::MAX as i128) as i64
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// Counts of `keys` per bin of a fixed list, plus how many keys fell in no bin.
///
/// ```
/// use shopml_privacy::dp::count_into_bins;
/// let (c, other) = count_into_bins(["UK", "FR", "UK", "XX"], &["UK", "FR", "DE"]);
/// assert_eq!((c, other), (vec![2, 1, 0], 1));
/// ```
pub fn count_into_bins<'a>(keys: impl IntoIterator<Item = &'a str>, bins: &[&str]) -> (Vec<u64>, u64) {
    let index: std::collections::HashMap<&str, usize> = bins.iter().enumerate().map(|(i, b)| (*b, i)).collect();
    let mut counts = vec![0u64; bins.len()];
    let mut other = 0;
    for k in keys {
        match index.get(k) {
            Some(&i) => counts[i] += 1,
            None => other += 1,
        }
    }
    (counts, other)
}

/// Exact probability mass functions of the two noise distributions, for
/// tests and for stating expected errors.
pub mod pmf {
    /// P(Z = z) of the discrete Laplace with scale `scale`:
    /// tanh(1/(2·scale))·exp(−|z|/scale).
    pub fn discrete_laplace(z: i64, scale: f64) -> f64 {
        (1.0 / (2.0 * scale)).tanh() * (-(z.unsigned_abs() as f64) / scale).exp()
    }

    /// P(Z = z) of the discrete Gaussian with parameter σ², normalised by
    /// summing the kernel over |y| ≤ 40σ + 40.
    pub fn discrete_gaussian(z: i64, sigma2: f64) -> f64 {
        let lim = (40.0 * sigma2.sqrt() + 40.0) as i64;
        let norm: f64 = (-lim..=lim).map(|y| (-(y * y) as f64 / (2.0 * sigma2)).exp()).sum();
        (-(z * z) as f64 / (2.0 * sigma2)).exp() / norm
    }
}
