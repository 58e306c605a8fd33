//! The MBG/NBD model (Batislam, Denizel & Filiztekin 2007).

use crate::error::Result;
use crate::model::{RepeatPurchaseModel, SharedSeries, fit_model, fitted_model, group_rows, mle_params, time_scale};
use crate::optim::Likelihood;
use crate::special::{digamma, dropout_numerator, ln_beta, ln_gamma, ln_hyp2f1, log_add_exp};
use crate::summary::Summary;
use shopml_core::{Fit, Params};

fitted_model!(
    /// A fitted MBG/NBD model: as BG/NBD, but a customer may also drop out
    /// right after the first purchase, so customers with no repeat purchase
    /// are not all alive.
    ///
    /// Batislam, E. P., Denizel, M. & Filiztekin, A. (2007), "Empirical
    /// validation and comparison of models for customer base analysis",
    /// *International Journal of Research in Marketing* 24(3), 201–209.
    ModifiedBetaGeo,
    ["r", "alpha", "a", "b"],
    4
);

mle_params!(
    /// Fitting options of [`ModifiedBetaGeo`].
    ModifiedBetaGeoParams,
    4
);

impl ModifiedBetaGeo {
    /// Options for fitting.
    pub fn params() -> ModifiedBetaGeoParams {
        ModifiedBetaGeoParams::default()
    }
}

pub(crate) struct Lik;

impl Likelihood for Lik {
    type Row = [f64; 3];
    const NAME: &'static str = "MBG/NBD";
    const N: usize = 4;
    const ANALYTIC: bool = true;

    fn ll(p: &[f64], row: &[f64; 3]) -> f64 {
        let (r, alpha, a, b) = (p[0], p[1], p[2], p[3]);
        let [x, tx, t] = *row;
        let a1 = ln_gamma(r + x) - ln_gamma(r) + r * alpha.ln();
        let a2 = ln_gamma(a + b) + ln_gamma(b + x + 1.0) - ln_gamma(b) - ln_gamma(a + b + x + 1.0);
        let a3 = -(r + x) * (alpha + t).ln();
        let a4 = a.ln() - (b + x).ln() + (r + x) * ((alpha + t).ln() - (alpha + tx).ln());
        a1 + a2 + a3 + log_add_exp(a4, 0.0)
    }

    fn ll_grad(p: &[f64], row: &[f64; 3], g: &mut [f64]) -> Option<f64> {
        let (r, alpha, a, b) = (p[0], p[1], p[2], p[3]);
        let [x, tx, t] = *row;
        let (ln_at, ln_ax) = ((alpha + t).ln(), (alpha + tx).ln());
        let a4 = a.ln() - (b + x).ln() + (r + x) * (ln_at - ln_ax);
        let s = 1.0 / (1.0 + (-a4).exp()); // d log(1 + e^A4) / dA4
        let (psi_ab, psi_abx) = (digamma(a + b), digamma(a + b + x + 1.0));
        g[0] = digamma(r + x) - digamma(r) + alpha.ln() - ln_at + s * (ln_at - ln_ax);
        g[1] = r / alpha - (r + x) / (alpha + t) + s * (r + x) * (1.0 / (alpha + t) - 1.0 / (alpha + tx));
        g[2] = psi_ab - psi_abx + s / a;
        g[3] = psi_ab + digamma(b + x + 1.0) - digamma(b) - psi_abx - s / (b + x);
        Some(Self::ll(p, row))
    }
}

impl Fit<Summary> for ModifiedBetaGeoParams {
    type Model = ModifiedBetaGeo;
    type Error = crate::error::ClvError;

    fn fit(&self, summary: &Summary) -> Result<ModifiedBetaGeo> {
        self.check()?;
        let s = time_scale(summary);
        let rows = group_rows(summary, s, |_| true);
        let (p, mut fit) = fit_model::<Lik>(rows, &self.mle, &[1.0, s, 1.0, 1.0])?;
        let mut model = ModifiedBetaGeo::new([p[0], p[1], p[2], p[3]])?;
        fit.log_likelihood = model.log_likelihood(summary);
        model.fit = Some(fit);
        Ok(model)
    }
}

impl RepeatPurchaseModel for ModifiedBetaGeo {
    fn name(&self) -> &'static str {
        "MBG/NBD"
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
        if let Some(num) = dropout_numerator(r + x, a + b + x, a, z) {
            return num / (1.0 + odds(r, alpha, a, b, x, tx, t_age));
        }
        let Some((lh, sign)) = ln_hyp2f1(r + x, b + x + 1.0, a + b + x, z) else { return f64::NAN };
        let ln_term = lh + (r + x) * ((alpha + t_age) / (alpha + t_age + t)).ln();
        let bracket = if sign > 0.0 { -ln_term.exp_m1() } else { 1.0 + ln_term.exp() };
        (a + b + x) / (a - 1.0) * bracket / (1.0 + odds(r, alpha, a, b, x, tx, t_age))
    }

    fn conditional_expected_purchases_at(&self, ts: &[f64], x: f64, tx: f64, t_age: f64, out: &mut [f64]) {
        let [r, alpha, a, b] = self.params;
        let alive = 1.0 + odds(r, alpha, a, b, x, tx, t_age);
        let series = SharedSeries { rho: r + x, c: a + b + x, a, scale: alpha + t_age, alive };
        if !series.expected_purchases(ts, out) {
            for (o, &t) in out.iter_mut().zip(ts) {
                *o = self.conditional_expected_purchases(t, x, tx, t_age);
            }
        }
    }

    fn probability_alive(&self, x: f64, tx: f64, t_age: f64) -> f64 {
        let [r, alpha, a, b] = self.params;
        1.0 / (1.0 + odds(r, alpha, a, b, x, tx, t_age))
    }

    fn expected_purchases_new(&self, t: f64) -> f64 {
        let [r, alpha, a, b] = self.params;
        if t == 0.0 {
            return 0.0;
        }
        // The numerator form has c = a + b, so b/(a−1)[…] = num · b/(a+b).
        let w = t / (alpha + t);
        if let Some(num) = dropout_numerator(r, a + b, a, w) {
            return num * b / (a + b);
        }
        let Some((lh, sign)) = ln_hyp2f1(r, b + 1.0, a + b, w) else { return f64::NAN };
        let ln_term = lh + r * (alpha / (alpha + t)).ln();
        let bracket = if sign > 0.0 { -ln_term.exp_m1() } else { 1.0 + ln_term.exp() };
        b / (a - 1.0) * bracket
    }

    /// P(X(t) = n) = 1[n = 0]·a/(a+b) + B(a, b+n+1)/B(a, b)·NB(n)
    /// plus 1\[n > 0\]·B(a+1, b+n)/B(a, b)·(1 − Σ_{j<n} NB(j)), with NB the
    /// negative binomial mass of the Poisson–Gamma purchase count, derived
    /// by conditioning on the drop-out at time 0 and after each purchase.
    fn probability_of_purchases(&self, n: u32, t: f64) -> Option<f64> {
        let [r, alpha, a, b] = self.params;
        let nf = n as f64;
        let lp = (alpha / (alpha + t)).ln();
        let lq = if t > 0.0 { (t / (alpha + t)).ln() } else { f64::NEG_INFINITY };
        let nbd = |j: f64| ln_gamma(r + j) - ln_gamma(r) - ln_gamma(j + 1.0) + r * lp + if j > 0.0 { j * lq } else { 0.0 };
        let mut p = (ln_beta(a, b + nf + 1.0) - ln_beta(a, b) + nbd(nf)).exp();
        if n == 0 {
            p += a / (a + b);
        } else {
            let cdf: f64 = (0..n).map(|j| nbd(j as f64).exp()).sum();
            p += (ln_beta(a + 1.0, b + nf) - ln_beta(a, b)).exp() * (1.0 - cdf);
        }
        Some(p)
    }
}

fn odds(r: f64, alpha: f64, a: f64, b: f64, x: f64, tx: f64, t_age: f64) -> f64 {
    (a.ln() - (b + x).ln() + (r + x) * ((alpha + t_age) / (alpha + tx)).ln()).exp()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn analytic_gradient_matches_differences() {
        let p = [0.7, 3.0, 0.9, 2.5];
        for row in [[0.0, 0.0, 30.0], [3.0, 20.0, 38.0], [25.0, 37.5, 38.0]] {
            let mut g = [0.0; 4];
            Lik::ll_grad(&p, &row, &mut g).unwrap();
            for k in 0..4 {
                let h = 1e-6 * p[k];
                let (mut up, mut down) = (p, p);
                up[k] += h;
                down[k] -= h;
                let fd = (Lik::ll(&up, &row) - Lik::ll(&down, &row)) / (2.0 * h);
                assert!((fd - g[k]).abs() < 1e-6 * (1.0 + fd.abs()), "row {row:?} k {k}");
            }
        }
    }

    #[test]
    fn count_distribution_sums_to_one_with_the_right_mean() {
        let m = ModifiedBetaGeo::new([0.5, 6.0, 1.4, 3.0]).unwrap();
        let probs: Vec<f64> = (0..600).map(|n| m.probability_of_purchases(n, 52.0).unwrap()).collect();
        let total: f64 = probs.iter().sum();
        let mean: f64 = probs.iter().enumerate().map(|(n, p)| n as f64 * p).sum();
        assert!((total - 1.0).abs() < 1e-9, "{total}");
        assert!((mean - m.expected_purchases_new(52.0)).abs() < 1e-7);
    }
}
