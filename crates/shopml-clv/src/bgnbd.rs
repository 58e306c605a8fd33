//! The BG/NBD model (Fader, Hardie & Lee 2005).

use crate::error::Result;
use crate::model::{RepeatPurchaseModel, SharedSeries, fit_model, fitted_model, group_rows, mle_params, time_scale};
use crate::optim::{Likelihood, for_each_by_x};
use crate::special::{digamma, dropout_numerator, ln_beta, ln_gamma, ln_hyp2f1, log_add_exp};
use crate::summary::Summary;
use shopml_core::{Fit, Params};

fitted_model!(
    /// A fitted BG/NBD model: purchases follow a Poisson process with rate
    /// λ ~ Gamma(r, α) while a customer is alive, and after every purchase
    /// the customer drops out with probability p ~ Beta(a, b).
    ///
    /// Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005), "Counting Your
    /// Customers the Easy Way: An Alternative to the Pareto/NBD Model",
    /// *Marketing Science* 24(2), 275–284. P(alive) from Fader, Hardie & Lee
    /// (2008), "Computing P(alive) using the BG/NBD model", note 021.
    ///
    /// ```
    /// use shopml_clv::{BetaGeo, RepeatPurchaseModel};
    /// let m = BetaGeo::new([0.243, 4.414, 0.793, 2.426]).unwrap(); // the CDNOW estimates of the paper
    /// let e = m.conditional_expected_purchases(39.0, 2.0, 30.43, 38.86);
    /// assert!((e - 1.226).abs() < 1e-3); // the paper's example customer
    /// ```
    BetaGeo,
    ["r", "alpha", "a", "b"],
    4
);

mle_params!(
    /// Fitting options of [`BetaGeo`].
    BetaGeoParams,
    4
);

impl BetaGeo {
    /// Options for fitting.
    pub fn params() -> BetaGeoParams {
        BetaGeoParams::default()
    }
    /// Shape r of the purchase-rate Gamma.
    pub fn r(&self) -> f64 {
        self.params[0]
    }
    /// Rate α of the purchase-rate Gamma (in the summary's time unit).
    pub fn alpha(&self) -> f64 {
        self.params[1]
    }
    /// First Beta parameter a of the drop-out probability.
    pub fn a(&self) -> f64 {
        self.params[2]
    }
    /// Second Beta parameter b of the drop-out probability.
    pub fn b(&self) -> f64 {
        self.params[3]
    }
}

pub(crate) struct Lik;

/// A1 and A2 of Fader, Hardie & Lee (2005), which depend on the parameters and x only.
fn x_values(p: &[f64], x: f64) -> (f64, f64) {
    let (r, alpha, a, b) = (p[0], p[1], p[2], p[3]);
    let a1 = ln_gamma(r + x) - ln_gamma(r) + r * alpha.ln();
    let a2 = ln_gamma(a + b) + ln_gamma(b + x) - ln_gamma(b) - ln_gamma(a + b + x);
    (a1, a2)
}

/// One row's log-likelihood given its A1 and A2.
fn row_value(p: &[f64], a1: f64, a2: f64, row: &[f64; 3]) -> f64 {
    let (r, alpha, a, b) = (p[0], p[1], p[2], p[3]);
    let [x, tx, t] = *row;
    let a3 = -(r + x) * (alpha + t).ln();
    if x > 0.0 {
        let a4 = a.ln() - (b + x - 1.0).ln() - (r + x) * (alpha + tx).ln();
        a1 + a2 + log_add_exp(a3, a4)
    } else {
        a1 + a2 + a3
    }
}

/// The parts of a row's log-likelihood and gradient that depend on the
/// parameters and on x only. Rows are sorted by x, so a block computes them
/// once per distinct x instead of once per row (the gamma and digamma
/// functions were most of a fit's time); the arithmetic per row is unchanged.
struct XTerms {
    a1: f64,
    a2: f64,
    g: [f64; 4],
}

impl XTerms {
    fn new(p: &[f64], x: f64) -> XTerms {
        let (r, alpha, a, b) = (p[0], p[1], p[2], p[3]);
        let (a1, a2) = x_values(p, x);
        let psi_ab = digamma(a + b);
        let psi_abx = digamma(a + b + x);
        let g = [digamma(r + x) - digamma(r) + alpha.ln(), r / alpha, psi_ab - psi_abx, psi_ab + digamma(b + x) - digamma(b) - psi_abx];
        XTerms { a1, a2, g }
    }

    /// The value and gradient of one row with these x terms.
    fn row(&self, p: &[f64], row: &[f64; 3], g: &mut [f64]) -> f64 {
        let (r, alpha, a, b) = (p[0], p[1], p[2], p[3]);
        let [x, tx, t] = *row;
        let ln_at = (alpha + t).ln();
        let (a1, a2) = (self.a1, self.a2);
        let a3 = -(r + x) * ln_at;
        g[..4].copy_from_slice(&self.g);
        // Gradient of A3.
        let d3 = [-ln_at, -(r + x) / (alpha + t), 0.0, 0.0];
        if x > 0.0 {
            let ln_ax = (alpha + tx).ln();
            let a4 = a.ln() - (b + x - 1.0).ln() - (r + x) * ln_ax;
            let l = log_add_exp(a3, a4);
            let (w3, w4) = ((a3 - l).exp(), (a4 - l).exp());
            let d4 = [-ln_ax, -(r + x) / (alpha + tx), 1.0 / a, -1.0 / (b + x - 1.0)];
            for k in 0..4 {
                g[k] += w3 * d3[k] + w4 * d4[k];
            }
            a1 + a2 + l
        } else {
            for k in 0..4 {
                g[k] += d3[k];
            }
            a1 + a2 + a3
        }
    }
}

impl Likelihood for Lik {
    type Row = [f64; 3];
    const NAME: &'static str = "BG/NBD";
    const N: usize = 4;
    const ANALYTIC: bool = true;

    fn ll(p: &[f64], row: &[f64; 3]) -> f64 {
        let (a1, a2) = x_values(p, row[0]);
        row_value(p, a1, a2, row)
    }

    fn block_ll(p: &[f64], rows: &[([f64; 3], f64)]) -> f64 {
        let mut s = 0.0;
        for_each_by_x(rows, |x| x_values(p, x), |&(a1, a2), row, w| s += w * row_value(p, a1, a2, row));
        s
    }

    fn ll_grad(p: &[f64], row: &[f64; 3], g: &mut [f64]) -> Option<f64> {
        Some(XTerms::new(p, row[0]).row(p, row, g))
    }

    fn block_ll_grad(p: &[f64], rows: &[([f64; 3], f64)], g: &mut [f64]) -> f64 {
        let mut gi = [0.0; 4];
        let mut s = 0.0;
        for_each_by_x(
            rows,
            |x| XTerms::new(p, x),
            |t, row, w| {
                s += w * t.row(p, row, &mut gi);
                for k in 0..4 {
                    g[k] += w * gi[k];
                }
            },
        );
        s
    }
}

impl Fit<Summary> for BetaGeoParams {
    type Model = BetaGeo;
    type Error = crate::error::ClvError;

    fn fit(&self, summary: &Summary) -> Result<BetaGeo> {
        self.check()?;
        let s = time_scale(summary);
        let rows = group_rows(summary, s, |_| true);
        let (p, mut fit) = fit_model::<Lik>(rows, &self.mle, &[1.0, s, 1.0, 1.0])?;
        let mut model = BetaGeo::new([p[0], p[1], p[2], p[3]])?;
        fit.log_likelihood = model.log_likelihood(summary);
        model.fit = Some(fit);
        Ok(model)
    }
}

impl RepeatPurchaseModel for BetaGeo {
    fn name(&self) -> &'static str {
        "BG/NBD"
    }

    fn customer_log_likelihood(&self, x: f64, tx: f64, t_age: f64) -> f64 {
        Lik::ll(&self.params, &[x, tx, t_age])
    }

    fn conditional_expected_purchases(&self, t: f64, x: f64, tx: f64, t_age: f64) -> f64 {
        let [r, alpha, a, b] = self.params;
        if t == 0.0 {
            return 0.0;
        }
        let z = t / (alpha + t_age + t);
        if let Some(num) = dropout_numerator(r + x, a + b + x - 1.0, a, z) {
            return num / (1.0 + alive_odds(r, alpha, a, b, x, tx, t_age));
        }
        let Some((lh, sign)) = ln_hyp2f1(r + x, b + x, a + b + x - 1.0, z) else { return f64::NAN };
        // 1 − 2F1 · ((α+T)/(α+T+t))^(r+x), without cancellation for small t.
        let ln_term = lh + (r + x) * ((alpha + t_age) / (alpha + t_age + t)).ln();
        let bracket = if sign > 0.0 { -ln_term.exp_m1() } else { 1.0 + ln_term.exp() };
        let numerator = (a + b + x - 1.0) / (a - 1.0) * bracket;
        numerator / (1.0 + alive_odds(r, alpha, a, b, x, tx, t_age))
    }

    fn conditional_expected_purchases_at(&self, ts: &[f64], x: f64, tx: f64, t_age: f64, out: &mut [f64]) {
        let [r, alpha, a, b] = self.params;
        let alive = 1.0 + alive_odds(r, alpha, a, b, x, tx, t_age);
        let series = SharedSeries { rho: r + x, c: a + b + x - 1.0, a, scale: alpha + t_age, alive };
        if !series.expected_purchases(ts, out) {
            for (o, &t) in out.iter_mut().zip(ts) {
                *o = self.conditional_expected_purchases(t, x, tx, t_age);
            }
        }
    }

    fn probability_alive(&self, x: f64, tx: f64, t_age: f64) -> f64 {
        let [r, alpha, a, b] = self.params;
        1.0 / (1.0 + alive_odds(r, alpha, a, b, x, tx, t_age))
    }

    fn expected_purchases_new(&self, t: f64) -> f64 {
        let [r, alpha, a, b] = self.params;
        if t == 0.0 {
            return 0.0;
        }
        if let Some(num) = dropout_numerator(r, a + b - 1.0, a, t / (alpha + t)) {
            return num;
        }
        let Some((lh, sign)) = ln_hyp2f1(r, b, a + b - 1.0, t / (alpha + t)) else { return f64::NAN };
        let ln_term = lh + r * (alpha / (alpha + t)).ln();
        let bracket = if sign > 0.0 { -ln_term.exp_m1() } else { 1.0 + ln_term.exp() };
        (a + b - 1.0) / (a - 1.0) * bracket
    }

    fn probability_of_purchases(&self, n: u32, t: f64) -> Option<f64> {
        let [r, alpha, a, b] = self.params;
        let nf = n as f64;
        let lp = (alpha / (alpha + t)).ln();
        let lq = if t > 0.0 { (t / (alpha + t)).ln() } else { f64::NEG_INFINITY };
        // ln of Γ(r+j)/(Γ(r) j!) (α/(α+t))^r (t/(α+t))^j, the NBD mass.
        let nbd = |j: f64| ln_gamma(r + j) - ln_gamma(r) - ln_gamma(j + 1.0) + r * lp + if j > 0.0 { j * lq } else { 0.0 };
        let first = (ln_beta(a, b + nf) - ln_beta(a, b) + nbd(nf)).exp();
        if n == 0 {
            return Some(first);
        }
        let cdf: f64 = (0..n).map(|j| nbd(j as f64).exp()).sum();
        Some(first + (ln_beta(a + 1.0, b + nf - 1.0) - ln_beta(a, b)).exp() * (1.0 - cdf))
    }
}

/// a/(b+x−1) · ((α+T)/(α+tₓ))^(r+x) for x > 0, else 0: the odds of having
/// dropped out after the last purchase.
fn alive_odds(r: f64, alpha: f64, a: f64, b: f64, x: f64, tx: f64, t_age: f64) -> f64 {
    if x > 0.0 { (a.ln() - (b + x - 1.0).ln() + (r + x) * ((alpha + t_age) / (alpha + tx)).ln()).exp() } else { 0.0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn analytic_gradient_matches_differences() {
        let p = [0.7, 3.0, 0.9, 2.5];
        for row in [[0.0, 0.0, 30.0], [3.0, 20.0, 38.0], [25.0, 37.5, 38.0]] {
            let mut g = [0.0; 4];
            let l = Lik::ll_grad(&p, &row, &mut g).unwrap();
            assert!((l - Lik::ll(&p, &row)).abs() < 1e-12);
            for k in 0..4 {
                let h = 1e-6 * p[k];
                let mut up = p;
                up[k] += h;
                let mut down = p;
                down[k] -= h;
                let fd = (Lik::ll(&up, &row) - Lik::ll(&down, &row)) / (2.0 * h);
                assert!((fd - g[k]).abs() < 1e-6 * (1.0 + fd.abs()), "row {row:?} k {k}: {fd} vs {}", g[k]);
            }
        }
    }

    #[test]
    fn paper_example_and_probabilities_sum_to_one() {
        // Fader, Hardie & Lee (2005), CDNOW: r = 0.243, α = 4.414, a = 0.793, b = 2.426.
        let m = BetaGeo::new([0.243, 4.414, 0.793, 2.426]).unwrap();
        // Expected purchases of a new customer in 78 weeks: the paper's Figure 2 runs to about 1.4.
        let mean: f64 = (0..400).map(|n| n as f64 * m.probability_of_purchases(n, 78.0).unwrap()).sum();
        let total: f64 = (0..400).map(|n| m.probability_of_purchases(n, 78.0).unwrap()).sum();
        assert!((total - 1.0).abs() < 1e-9, "{total}");
        assert!((mean - m.expected_purchases_new(78.0)).abs() < 1e-7, "{mean} vs {}", m.expected_purchases_new(78.0));
        // P(alive) is 1 for x = 0 and falls with the time since the last purchase.
        assert_eq!(m.probability_alive(0.0, 0.0, 30.0), 1.0);
        assert!(m.probability_alive(3.0, 10.0, 38.0) < m.probability_alive(3.0, 30.0, 38.0));
    }
}
