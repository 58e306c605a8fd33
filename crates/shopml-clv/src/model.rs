//! What every repeat-purchase model offers, and the helpers they share:
//! grouping identical summaries, parameter options, validated loading and
//! parallel per-customer prediction.

use crate::error::{ClvError, Result};
use crate::optim::{FitSummary, Likelihood, MleOptions};
use crate::summary::{CustomerSummary, Summary};
use rayon::prelude::*;

/// A fitted buy-till-you-die model of repeat purchases.
///
/// Per-customer methods take a customer's calibration summary (x = repeat
/// occasions, tₓ = recency, T = age, in the unit the model was fitted in)
/// and are not checked; the `predict_…` methods check every customer, run in
/// parallel over customers (rayon) and give the same numbers for any thread
/// count.
pub trait RepeatPurchaseModel: Send + Sync {
    /// The model's name.
    fn name(&self) -> &'static str;
    /// Log-likelihood of one customer's (x, tₓ, T).
    fn customer_log_likelihood(&self, x: f64, tx: f64, t_age: f64) -> f64;
    /// Expected repeat purchases in the next `t` time units for a customer
    /// with history (x, tₓ, T).
    fn conditional_expected_purchases(&self, t: f64, x: f64, tx: f64, t_age: f64) -> f64;
    /// [`conditional_expected_purchases`](Self::conditional_expected_purchases)
    /// at each horizon of `ts`, written to `out` (same length). The default
    /// calls it once per horizon; a model may share work between horizons
    /// (BG/NBD and MBG/NBD sum one series for all of them).
    fn conditional_expected_purchases_at(&self, ts: &[f64], x: f64, tx: f64, t_age: f64, out: &mut [f64]) {
        for (o, &t) in out.iter_mut().zip(ts) {
            *o = self.conditional_expected_purchases(t, x, tx, t_age);
        }
    }
    /// Probability that a customer with history (x, tₓ, T) is still alive.
    fn probability_alive(&self, x: f64, tx: f64, t_age: f64) -> f64;
    /// Expected repeat purchases in the first `t` time units after a new
    /// customer's first purchase.
    fn expected_purchases_new(&self, t: f64) -> f64;
    /// Probability that a new customer makes exactly `n` repeat purchases in
    /// the first `t` time units; `None` where the model has no closed form
    /// implemented.
    fn probability_of_purchases(&self, n: u32, t: f64) -> Option<f64>;

    /// Total log-likelihood of a summary.
    fn log_likelihood(&self, summary: &Summary) -> f64 {
        let parts: Vec<f64> = summary
            .customers
            .par_chunks(crate::optim::BLOCK)
            .map(|c| c.iter().map(|s| self.customer_log_likelihood(s.frequency, s.recency, s.t)).sum::<f64>())
            .collect();
        parts.iter().sum()
    }

    /// [`conditional_expected_purchases`](Self::conditional_expected_purchases)
    /// for every customer of `summary`.
    fn predict_purchases(&self, summary: &Summary, t: f64) -> Result<Vec<f64>> {
        check_horizon(t)?;
        per_customer(summary, "expected purchases", |c| self.conditional_expected_purchases(t, c.frequency, c.recency, c.t))
    }

    /// [`probability_alive`](Self::probability_alive) for every customer.
    fn predict_alive(&self, summary: &Summary) -> Result<Vec<f64>> {
        per_customer(summary, "P(alive)", |c| self.probability_alive(c.frequency, c.recency, c.t))
    }

    /// The expected cumulative repeat purchases of the whole cohort, the
    /// model's side of a calibration/holdout tracking plot: for each time
    /// `τ` in `times` (time units since the start of calibration), the sum
    /// over customers born at `bᵢ = calibration_length − Tᵢ` of
    /// `E[X(τ − bᵢ)]` (zero before birth). Returns one row per time.
    fn repeat_curve(&self, summary: &Summary, calibration_length: f64, times: &[f64]) -> Result<Vec<CurvePoint>> {
        if !(calibration_length.is_finite() && calibration_length >= 0.0) {
            return Err(shopml_core::Error::param("calibration_length", "must be finite and non-negative").into());
        }
        if let Some(c) = summary.customers.iter().find(|c| c.t > calibration_length) {
            return Err(ClvError::InvalidSummary {
                customer: c.customer.clone(),
                field: "T",
                value: c.t,
                reason: format!("exceeds calibration_length {calibration_length}"),
            });
        }
        // Customers born at the same time share one evaluation.
        let mut births: Vec<f64> = summary.customers.iter().map(|c| calibration_length - c.t).collect();
        births.sort_by(f64::total_cmp);
        let mut groups: Vec<(f64, f64)> = Vec::new();
        for b in births {
            match groups.last_mut() {
                Some(g) if g.0 == b => g.1 += 1.0,
                _ => groups.push((b, 1.0)),
            }
        }
        times
            .par_iter()
            .map(|&tau| {
                if !tau.is_finite() {
                    return Err(shopml_core::Error::param("times", format!("{tau} is not finite")).into());
                }
                let expected: f64 = groups.iter().filter(|g| tau > g.0).map(|g| g.1 * self.expected_purchases_new(tau - g.0)).sum();
                if !expected.is_finite() {
                    return Err(ClvError::Undefined {
                        quantity: "expected cumulative repeat purchases",
                        reason: format!("not finite at time {tau}"),
                    });
                }
                Ok(CurvePoint { time: tau, expected })
            })
            .collect()
    }
}

/// One row of a tracking curve.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CurvePoint {
    /// Time since the start of calibration.
    pub time: f64,
    /// Expected cumulative repeat purchases of the cohort.
    pub expected: f64,
}

fn check_horizon(t: f64) -> Result<()> {
    if !(t.is_finite() && t >= 0.0) {
        return Err(shopml_core::Error::param("t", format!("the horizon must be finite and non-negative, got {t}")).into());
    }
    Ok(())
}

/// Maps every customer in parallel and checks the results are finite.
pub(crate) fn per_customer(summary: &Summary, quantity: &'static str, f: impl Fn(&CustomerSummary) -> f64 + Sync) -> Result<Vec<f64>> {
    let out: Vec<f64> = summary.customers.par_iter().map(&f).collect();
    if let Some(i) = out.iter().position(|v| !v.is_finite()) {
        return Err(ClvError::NonFinite { customer: summary.customers[i].customer.clone(), quantity, value: out[i] });
    }
    Ok(out)
}

/// Groups identical (x, tₓ, T) rows with weights, in a fixed order,
/// dividing times by `time_scale`.
pub(crate) fn group_rows(summary: &Summary, time_scale: f64, keep: impl Fn(&CustomerSummary) -> bool) -> Vec<([f64; 3], f64)> {
    let mut rows: Vec<[f64; 3]> =
        summary.customers.iter().filter(|c| keep(c)).map(|c| [c.frequency, c.recency * time_scale, c.t * time_scale]).collect();
    rows.sort_by(|a, b| a[0].total_cmp(&b[0]).then(a[1].total_cmp(&b[1])).then(a[2].total_cmp(&b[2])));
    let mut out: Vec<([f64; 3], f64)> = Vec::new();
    for r in rows {
        match out.last_mut() {
            Some(last) if last.0 == r => last.1 += 1.0,
            _ => out.push((r, 1.0)),
        }
    }
    out
}

/// Time scale used inside a fit: 1 / max T (as lifetimes), so that the
/// optimiser starts near the optimum whatever the time unit.
pub(crate) fn time_scale(summary: &Summary) -> f64 {
    let m = summary.customers.iter().map(|c| c.t).fold(0.0, f64::max);
    if m > 0.0 { 1.0 / m } else { 1.0 }
}

/// Checks loaded or given natural parameters: finite and positive.
pub(crate) fn check_params(names: &[&'static str], values: &[f64]) -> shopml_core::Result<()> {
    for (n, v) in names.iter().zip(values) {
        if !(v.is_finite() && *v > 0.0) {
            return Err(shopml_core::Error::param(n, format!("must be finite and positive, got {v}")));
        }
    }
    Ok(())
}

/// Checks a loaded fit summary.
pub(crate) fn check_fit(fit: &FitSummary, n: usize) -> shopml_core::Result<()> {
    if let Some(c) = &fit.log_covariance
        && (c.len() != n * n || c.iter().any(|v| !v.is_finite()))
    {
        return Err(shopml_core::Error::param("log_covariance", format!("needs {} finite values", n * n)));
    }
    if !(fit.penalizer_coef.is_finite() && fit.penalizer_coef >= 0.0) {
        return Err(shopml_core::Error::param("penalizer_coef", "must be finite and non-negative"));
    }
    Ok(())
}

/// Runs a fit of likelihood `L` and fills in the summary.
pub(crate) fn fit_model<L: Likelihood<Row = [f64; 3]>>(
    rows: Vec<([f64; 3], f64)>,
    options: &MleOptions,
    scale: &[f64],
) -> Result<(Vec<f64>, FitSummary)> {
    options.check(L::N)?;
    let data = crate::optim::Data::<L>::new(rows);
    let n_customers = data.total_weight as usize;
    let (p, mut fit) = crate::optim::maximise(&data, options, scale)?;
    fit.n_customers = n_customers;
    Ok((p, fit))
}

/// Declares a model's fitting options: a struct wrapping [`MleOptions`] with
/// by-value setters.
macro_rules! mle_params {
    ($(#[$doc:meta])* $name:ident, $n:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
        pub struct $name {
            /// The optimiser's options.
            pub mle: $crate::optim::MleOptions,
        }

        impl $name {
            /// L2 penalty on the parameters (lifetimes' `penalizer_coef`); default 0.
            pub fn penalizer_coef(mut self, c: f64) -> Self {
                self.mle.penalizer_coef = c;
                self
            }
            /// Iteration limit; default 2000.
            pub fn max_iters(mut self, n: u64) -> Self {
                self.mle.max_iters = n;
                self
            }
            /// Gradient-norm tolerance (per customer, log-parameters); default 1e-9.
            pub fn gradient_tolerance(mut self, tol: f64) -> Self {
                self.mle.gradient_tolerance = tol;
                self
            }
            /// Starting values of the natural parameters, in the model's order.
            pub fn initial(mut self, values: Vec<f64>) -> Self {
                self.mle.initial = Some(values);
                self
            }
        }

        impl shopml_core::Params for $name {
            fn check(&self) -> shopml_core::Result<()> {
                self.mle.check($n)
            }
        }
    };
}
pub(crate) use mle_params;

/// Declares a fitted model: the parameter array, the optional fit summary,
/// validated serde, a checked constructor from known parameters and the
/// inference accessors.
macro_rules! fitted_model {
    ($(#[$doc:meta])* $name:ident, $names:expr, $n:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        #[serde(try_from = "Raw")]
        pub struct $name {
            params: [f64; $n],
            fit: Option<$crate::optim::FitSummary>,
        }

        #[derive(serde::Deserialize)]
        struct Raw {
            params: [f64; $n],
            fit: Option<$crate::optim::FitSummary>,
        }

        impl TryFrom<Raw> for $name {
            type Error = $crate::error::ClvError;
            fn try_from(raw: Raw) -> $crate::error::Result<Self> {
                $crate::model::check_params(&$name::NAMES, &raw.params)?;
                if let Some(f) = &raw.fit {
                    $crate::model::check_fit(f, $n)?;
                }
                Ok($name { params: raw.params, fit: raw.fit })
            }
        }

        impl $name {
            /// The parameters' names, in the order of [`Self::parameters`].
            pub const NAMES: [&'static str; $n] = $names;

            /// A model with known parameters (no fit summary); each must be
            /// finite and positive.
            pub fn new(params: [f64; $n]) -> $crate::error::Result<Self> {
                $crate::model::check_params(&Self::NAMES, &params)?;
                Ok($name { params, fit: None })
            }

            /// The natural parameters, in the order of [`Self::NAMES`].
            pub fn parameters(&self) -> [f64; $n] {
                self.params
            }

            /// How the fit went; `None` for a model built with [`Self::new`].
            pub fn fit_summary(&self) -> Option<&$crate::optim::FitSummary> {
                self.fit.as_ref()
            }

            /// Standard errors of the parameters (delta method from the
            /// observed information of the log-parameters); `None` without a
            /// fit or when the information is not positive definite.
            pub fn standard_errors(&self) -> Option<Vec<f64>> {
                self.fit.as_ref()?.standard_errors(&self.params)
            }

            /// Confidence intervals at `level` percent, formed on the log
            /// scale, `pᵢ · exp(± z · se(ln pᵢ))`.
            pub fn confidence_intervals(&self, level: f64) -> $crate::error::Result<Option<Vec<(f64, f64)>>> {
                match &self.fit {
                    Some(f) => Ok(f.intervals(&self.params, level)?),
                    None => Ok(None),
                }
            }
        }
    };
}
pub(crate) use fitted_model;

/// The conditional expectation of BG/NBD and MBG/NBD at several horizons
/// from one shared series ([`dropout_numerators`](crate::special::dropout_numerators)):
/// `E[Y(t)] = numerator(ρ, c, a, t/(scale + t)) / alive`.
pub(crate) struct SharedSeries {
    pub rho: f64,
    pub c: f64,
    pub a: f64,
    /// α + T.
    pub scale: f64,
    /// 1 + the odds of having dropped out.
    pub alive: f64,
}

impl SharedSeries {
    /// Fills `out`; `false` when the series cannot serve these horizons (a
    /// horizon ≤ 0, or a mass that underflows) and the caller must use the
    /// one-horizon formula.
    pub fn expected_purchases(&self, ts: &[f64], out: &mut [f64]) -> bool {
        if !ts.iter().all(|&t| t > 0.0) {
            return false;
        }
        let ws: Vec<f64> = ts.iter().map(|&t| t / (self.scale + t)).collect();
        if !crate::special::dropout_numerators(self.rho, self.c, self.a, &ws, out) {
            return false;
        }
        for o in out.iter_mut() {
            *o /= self.alive;
        }
        true
    }
}
