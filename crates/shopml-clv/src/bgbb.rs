//! The BG/BB model for discrete transaction opportunities (Fader, Hardie &
//! Shang 2010).

use crate::error::{ClvError, Result};
use crate::model::{RepeatPurchaseModel, fit_model, fitted_model, group_rows, mle_params};
use crate::optim::Likelihood;
use crate::special::{ln_beta, ln_gamma, log_add_exp};
use crate::summary::Summary;
use shopml_core::{Fit, Params};

fitted_model!(
    /// A fitted BG/BB model: at each of n discrete opportunities a living
    /// customer first drops out with probability θ ~ Beta(γ, δ) and
    /// otherwise buys with probability p ~ Beta(α, β).
    ///
    /// The summary's `frequency` is the number of opportunities with a
    /// purchase after the first, `recency` the opportunity of the last one
    /// and `T` the number of opportunities n; all three must be whole numbers.
    ///
    /// Fader, P. S., Hardie, B. G. S. & Shang, J. (2010), "Customer-Base
    /// Analysis in a Discrete-Time Noncontractual Setting", *Marketing
    /// Science* 29(6), 1086–1108.
    BetaGeoBetaBinom,
    ["alpha", "beta", "gamma", "delta"],
    4
);

mle_params!(
    /// Fitting options of [`BetaGeoBetaBinom`] (gradients by central differences).
    BetaGeoBetaBinomParams,
    4
);

impl BetaGeoBetaBinom {
    /// Options for fitting.
    pub fn params() -> BetaGeoBetaBinomParams {
        BetaGeoBetaBinomParams::default()
    }
}

pub(crate) struct Lik;

impl Likelihood for Lik {
    type Row = [f64; 3];
    const NAME: &'static str = "BG/BB";
    const N: usize = 4;

    fn ll(p: &[f64], row: &[f64; 3]) -> f64 {
        let (al, be, ga, de) = (p[0], p[1], p[2], p[3]);
        let [x, tx, n] = *row;
        let (bab, bgd) = (ln_beta(al, be), ln_beta(ga, de));
        let alive = ln_beta(al + x, be + n - x) - bab + ln_beta(ga, de + n) - bgd;
        let mut died = f64::NEG_INFINITY;
        let mut i = 0.0;
        while i <= n - tx - 1.0 {
            died = log_add_exp(died, ln_beta(al + x, be + tx - x + i) + ln_beta(ga + 1.0, de + tx + i));
            i += 1.0;
        }
        log_add_exp(alive, died - bab - bgd)
    }
}

fn check_discrete(summary: &Summary) -> Result<()> {
    for c in &summary.customers {
        for (field, v) in [("recency", c.recency), ("T", c.t)] {
            if v != v.round() {
                return Err(ClvError::InvalidSummary {
                    customer: c.customer.clone(),
                    field,
                    value: v,
                    reason: "BG/BB needs whole numbers of opportunities".into(),
                });
            }
        }
        if c.frequency > c.recency {
            return Err(ClvError::InvalidSummary {
                customer: c.customer.clone(),
                field: "frequency",
                value: c.frequency,
                reason: format!("exceeds recency {} (one purchase per opportunity)", c.recency),
            });
        }
    }
    Ok(())
}

impl Fit<Summary> for BetaGeoBetaBinomParams {
    type Model = BetaGeoBetaBinom;
    type Error = ClvError;

    fn fit(&self, summary: &Summary) -> Result<BetaGeoBetaBinom> {
        self.check()?;
        check_discrete(summary)?;
        let rows = group_rows(summary, 1.0, |_| true);
        let (p, mut fit) = fit_model::<Lik>(rows, &self.mle, &[1.0; 4])?;
        let mut model = BetaGeoBetaBinom::new([p[0], p[1], p[2], p[3]])?;
        fit.log_likelihood = model.log_likelihood(summary);
        model.fit = Some(fit);
        Ok(model)
    }
}

impl RepeatPurchaseModel for BetaGeoBetaBinom {
    fn name(&self) -> &'static str {
        "BG/BB"
    }

    fn customer_log_likelihood(&self, x: f64, tx: f64, t_age: f64) -> f64 {
        Lik::ll(&self.params, &[x, tx, t_age])
    }

    /// Expected purchases in the next `t` opportunities (Fader, Hardie &
    /// Shang 2010, eq. 13); needs γ ≠ 1.
    fn conditional_expected_purchases(&self, t: f64, x: f64, tx: f64, n: f64) -> f64 {
        let [al, be, ga, de] = self.params;
        if t == 0.0 {
            return 0.0;
        }
        let ll = self.customer_log_likelihood(x, tx, n);
        let p2 = ln_beta(al + x + 1.0, be + n - x) - ln_beta(al, be);
        let p3 = de / (ga - 1.0) * (ln_gamma(ga + de) - ln_gamma(1.0 + de)).exp();
        let p4 = (ln_gamma(1.0 + de + n) - ln_gamma(ga + de + n)).exp();
        let p5 = (ln_gamma(1.0 + de + n + t) - ln_gamma(ga + de + n + t)).exp();
        (p2 - ll).exp() * p3 * (p4 - p5)
    }

    fn probability_alive(&self, x: f64, tx: f64, n: f64) -> f64 {
        let [al, be, ga, de] = self.params;
        let ll = self.customer_log_likelihood(x, tx, n);
        (ln_beta(al + x, be + n - x) - ln_beta(al, be) + ln_beta(ga, de + n) - ln_beta(ga, de) - ll).exp()
    }

    /// Expected purchases in the first `t` opportunities; needs γ ≠ 1.
    fn expected_purchases_new(&self, t: f64) -> f64 {
        let [al, be, ga, de] = self.params;
        let ratio = (ln_gamma(ga + de) - ln_gamma(ga + de + t) + ln_gamma(1.0 + de + t) - ln_gamma(1.0 + de)).exp();
        al / (al + be) * de / (ga - 1.0) * (1.0 - ratio)
    }

    /// P(X(t) = n) over `t` whole opportunities (Fader, Hardie & Shang 2010, eq. 7).
    fn probability_of_purchases(&self, n: u32, t: f64) -> Option<f64> {
        let [al, be, ga, de] = self.params;
        if t != t.round() || t < 0.0 {
            return None;
        }
        let x = n as f64;
        if x > t {
            return Some(0.0);
        }
        let ln_choose = |m: f64, k: f64| ln_gamma(m + 1.0) - ln_gamma(k + 1.0) - ln_gamma(m - k + 1.0);
        let (bab, bgd) = (ln_beta(al, be), ln_beta(ga, de));
        let mut p = (ln_choose(t, x) + ln_beta(al + x, be + t - x) - bab + ln_beta(ga, de + t) - bgd).exp();
        let mut i = x;
        while i < t {
            p += (ln_choose(i, x) + ln_beta(al + x, be + i - x) - bab + ln_beta(ga + 1.0, de + i) - bgd).exp();
            i += 1.0;
        }
        Some(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn count_distribution_sums_to_one_with_the_right_mean() {
        // The donation data's estimates (Fader, Hardie & Shang 2010, Table 2).
        let m = BetaGeoBetaBinom::new([1.204, 0.750, 0.657, 2.783]).unwrap();
        let probs: Vec<f64> = (0..=6).map(|n| m.probability_of_purchases(n, 6.0).unwrap()).collect();
        let total: f64 = probs.iter().sum();
        let mean: f64 = probs.iter().enumerate().map(|(n, p)| n as f64 * p).sum();
        assert!((total - 1.0).abs() < 1e-12);
        assert!((mean - m.expected_purchases_new(6.0)).abs() < 1e-10);
        // Likelihoods of every possible (x, tₓ) history with n = 6 sum to one
        // over histories: Σ over x, tₓ of (number of sequences) × L.
        let mut s = 0.0;
        for tx in 0..=6u32 {
            for x in 0..=tx {
                let seqs = if x == 0 {
                    if tx == 0 { 1.0 } else { 0.0 }
                } else {
                    (ln_gamma(tx as f64) - ln_gamma(x as f64) - ln_gamma((tx - x) as f64 + 1.0)).exp()
                };
                s += seqs * m.customer_log_likelihood(x as f64, tx as f64, 6.0).exp();
            }
        }
        assert!((s - 1.0).abs() < 1e-12, "{s}");
    }
}
