//! The Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee 2005).

use crate::error::{ClvError, Result};
use crate::model::{fitted_model, mle_params, per_customer};
use crate::optim::{Data, Likelihood, for_each_by_x};
use crate::special::{digamma, ln_gamma};
use crate::summary::Summary;
use shopml_core::{Fit, Params};

fitted_model!(
    /// A fitted Gamma-Gamma spend model: a customer's transaction values are
    /// Gamma(p, ν) with ν ~ Gamma(q, v) across customers, independent of
    /// how often the customer buys. Fitted on the customers with at least
    /// one repeat purchase, from their number of repeat purchases x and the
    /// mean value m̄ of those purchases.
    ///
    /// Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005), "RFM and CLV:
    /// Using Iso-Value Curves for Customer Base Analysis", *Journal of
    /// Marketing Research* 42(4), 415–430; the likelihood as in Fader &
    /// Hardie (2013), "The Gamma-Gamma Model of Monetary Value".
    ///
    /// The independence assumption is checked at fit time:
    /// [`FitSummary::frequency_spend_correlation`](crate::FitSummary::frequency_spend_correlation)
    /// holds the Pearson correlation of x and m̄ (values far from 0, say
    /// |ρ| > 0.3, mean the model should not be used).
    GammaGamma,
    ["p", "q", "v"],
    3
);

mle_params!(
    /// Fitting options of [`GammaGamma`].
    GammaGammaParams,
    3
);

pub(crate) struct Lik;

impl Likelihood for Lik {
    type Row = [f64; 3];
    const NAME: &'static str = "Gamma-Gamma";
    const N: usize = 3;
    const ANALYTIC: bool = true;

    fn ll(par: &[f64], row: &[f64; 3]) -> f64 {
        let (p, q, v) = (par[0], par[1], par[2]);
        let [x, m, _] = *row;
        ln_gamma(p * x + q) - ln_gamma(p * x) - ln_gamma(q) + q * v.ln() + (p * x - 1.0) * m.ln() + p * x * x.ln()
            - (p * x + q) * (x * m + v).ln()
    }

    fn ll_grad(par: &[f64], row: &[f64; 3], g: &mut [f64]) -> Option<f64> {
        Some(XTerms::new(par, row[0]).row(par, row, g))
    }

    fn block_ll(par: &[f64], rows: &[([f64; 3], f64)]) -> f64 {
        let mut g = [0.0; 3];
        let mut s = 0.0;
        for_each_by_x(rows, |x| XTerms::new(par, x), |t, row, w| s += w * t.row(par, row, &mut g));
        s
    }

    fn block_ll_grad(par: &[f64], rows: &[([f64; 3], f64)], g: &mut [f64]) -> f64 {
        let mut gi = [0.0; 3];
        let mut s = 0.0;
        for_each_by_x(
            rows,
            |x| XTerms::new(par, x),
            |t, row, w| {
                s += w * t.row(par, row, &mut gi);
                for k in 0..3 {
                    g[k] += w * gi[k];
                }
            },
        );
        s
    }
}

/// The gamma and digamma values of a row that depend on the parameters and
/// x only, computed once per distinct x of a block (rows arrive sorted by
/// x); the arithmetic per row is that of [`Lik::ll`].
struct XTerms {
    lg_pxq: f64,
    lg_px: f64,
    lg_q: f64,
    psi_pxq: f64,
    psi_px: f64,
    psi_q: f64,
    ln_x: f64,
}

impl XTerms {
    fn new(par: &[f64], x: f64) -> XTerms {
        let (p, q) = (par[0], par[1]);
        XTerms {
            lg_pxq: ln_gamma(p * x + q),
            lg_px: ln_gamma(p * x),
            lg_q: ln_gamma(q),
            psi_pxq: digamma(p * x + q),
            psi_px: digamma(p * x),
            psi_q: digamma(q),
            ln_x: x.ln(),
        }
    }

    fn row(&self, par: &[f64], row: &[f64; 3], g: &mut [f64]) -> f64 {
        let (p, q, v) = (par[0], par[1], par[2]);
        let [x, m, _] = *row;
        let lxm = (x * m + v).ln();
        let ln_m = m.ln();
        g[0] = x * (self.psi_pxq - self.psi_px + ln_m + self.ln_x - lxm);
        g[1] = self.psi_pxq - self.psi_q + v.ln() - lxm;
        g[2] = q / v - (p * x + q) / (x * m + v);
        self.lg_pxq - self.lg_px - self.lg_q + q * v.ln() + (p * x - 1.0) * ln_m + p * x * self.ln_x - (p * x + q) * lxm
    }
}

impl GammaGamma {
    /// Options for fitting.
    pub fn params() -> GammaGammaParams {
        GammaGammaParams::default()
    }

    /// Conditional expected mean transaction value of a customer with `x`
    /// repeat purchases of mean value `m`: a weighted average of the
    /// population mean `p v / (q − 1)` and `m`, weight `p x / (p x + q − 1)`
    /// on `m`. Needs q > 1.
    pub fn conditional_expected_spend(&self, x: f64, m: f64) -> f64 {
        let [p, q, v] = self.params;
        let w = p * x / (p * x + q - 1.0);
        (1.0 - w) * v * p / (q - 1.0) + w * m
    }

    /// [`conditional_expected_spend`](Self::conditional_expected_spend) for
    /// every customer of `summary` (in parallel).
    pub fn predict_spend(&self, summary: &Summary) -> Result<Vec<f64>> {
        self.require_mean()?;
        per_customer(summary, "expected spend", |c| self.conditional_expected_spend(c.frequency, c.monetary))
    }

    /// Log-likelihood of the customers of `summary` with a repeat purchase.
    pub fn log_likelihood(&self, summary: &Summary) -> f64 {
        summary.customers.iter().filter(|c| c.frequency > 0.0).map(|c| Lik::ll(&self.params, &[c.frequency, c.monetary, 0.0])).sum()
    }

    pub(crate) fn require_mean(&self) -> Result<()> {
        if self.params[1] <= 1.0 {
            return Err(ClvError::Undefined {
                quantity: "expected spend",
                reason: format!("the Gamma-Gamma mean needs q > 1, fitted q = {}", self.params[1]),
            });
        }
        Ok(())
    }
}

/// Pearson correlation of frequency and mean spend over customers with a
/// repeat purchase (NaN when either is constant).
pub fn frequency_spend_correlation(summary: &Summary) -> f64 {
    let rows: Vec<(f64, f64)> = summary.customers.iter().filter(|c| c.frequency > 0.0).map(|c| (c.frequency, c.monetary)).collect();
    let n = rows.len() as f64;
    let (mx, my) = (rows.iter().map(|r| r.0).sum::<f64>() / n, rows.iter().map(|r| r.1).sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (x, y) in rows {
        sxy += (x - mx) * (y - my);
        sxx += (x - mx) * (x - mx);
        syy += (y - my) * (y - my);
    }
    sxy / (sxx * syy).sqrt()
}

impl Fit<Summary> for GammaGammaParams {
    type Model = GammaGamma;
    type Error = ClvError;

    fn fit(&self, summary: &Summary) -> Result<GammaGamma> {
        self.check()?;
        let mut rows = Vec::new();
        for c in summary.customers.iter().filter(|c| c.frequency > 0.0) {
            if c.monetary.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
                return Err(ClvError::InvalidSummary {
                    customer: c.customer.clone(),
                    field: "monetary",
                    value: c.monetary,
                    reason: "Gamma-Gamma needs a positive mean spend for customers with repeat purchases".into(),
                });
            }
            rows.push([c.frequency, c.monetary, 0.0]);
        }
        if rows.is_empty() {
            return Err(shopml_core::Error::empty("customers with a repeat purchase").into());
        }
        rows.sort_by(|a, b| a[0].total_cmp(&b[0]).then(a[1].total_cmp(&b[1])));
        let mut grouped: Vec<([f64; 3], f64)> = Vec::new();
        for r in rows {
            match grouped.last_mut() {
                Some(g) if g.0 == r => g.1 += 1.0,
                _ => grouped.push((r, 1.0)),
            }
        }
        let data = Data::<Lik>::new(grouped);
        let n = data.total_weight as usize;
        let (p, mut fit) = crate::optim::maximise(&data, &self.mle, &[1.0; 3])?;
        let mut model = GammaGamma::new([p[0], p[1], p[2]])?;
        fit.n_customers = n;
        fit.log_likelihood = model.log_likelihood(summary);
        fit.frequency_spend_correlation = Some(frequency_spend_correlation(summary)).filter(|r| r.is_finite());
        model.fit = Some(fit);
        Ok(model)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn analytic_gradient_matches_differences() {
        let p = [6.25, 3.74, 15.44];
        for row in [[1.0, 20.0, 0.0], [7.0, 55.5, 0.0]] {
            let mut g = [0.0; 3];
            Lik::ll_grad(&p, &row, &mut g).unwrap();
            for k in 0..3 {
                let h = 1e-6 * p[k];
                let (mut up, mut down) = (p, p);
                up[k] += h;
                down[k] -= h;
                let fd = (Lik::ll(&up, &row) - Lik::ll(&down, &row)) / (2.0 * h);
                assert!((fd - g[k]).abs() < 1e-6 * (1.0 + fd.abs()));
            }
        }
    }

    #[test]
    fn density_of_the_mean_integrates_to_one() {
        // exp(ll) is the density of m̄ given x; integrate over m̄ numerically.
        let p = [2.0, 9.0, 30.0];
        let x = 3.0;
        let n = 200_000;
        let hi = 400.0;
        let h = hi / n as f64;
        let f = |m: f64| if m <= 0.0 { 0.0 } else { Lik::ll(&p, &[x, m, 0.0]).exp() };
        let mut acc = f(0.0) + f(hi);
        for i in 1..n {
            acc += if i % 2 == 1 { 4.0 } else { 2.0 } * f(i as f64 * h);
        }
        assert!((acc * h / 3.0 - 1.0).abs() < 1e-6, "{}", acc * h / 3.0);
    }
}
