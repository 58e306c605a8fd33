//! The Pareto/NBD model (Schmittlein, Morrison & Colombo 1987).

use crate::error::Result;
use crate::model::{RepeatPurchaseModel, fit_model, fitted_model, group_rows, mle_params, time_scale};
use crate::optim::Likelihood;
use crate::special::{ln_gamma, ln_hyp2f1, log_add_exp, log_sub_exp};
use crate::summary::Summary;
use shopml_core::{Fit, Params};

fitted_model!(
    /// A fitted Pareto/NBD model: purchases follow a Poisson process with
    /// rate λ ~ Gamma(r, α) during an exponential lifetime with rate
    /// μ ~ Gamma(s, β).
    ///
    /// Schmittlein, D. C., Morrison, D. G. & Colombo, R. (1987), "Counting
    /// Your Customers: Who Are They and What Will They Do Next?",
    /// *Management Science* 33(1), 1–24; the likelihood as in Fader & Hardie
    /// (2005), "A Note on Deriving the Pareto/NBD Model and Related
    /// Expressions".
    ///
    /// The likelihood needs `A₀ = ∫_{tₓ}^{T} (α+τ)^{−(r+x)} (β+τ)^{−(s+1)} dτ · (r+s+x)`,
    /// written with Gaussian hypergeometric functions ₂F₁(r+s+x, b; r+s+x+1; z).
    /// For large x the upper parameters are large and the plain series (and
    /// scipy's `hyp2f1`) overflow; here each term is evaluated as a
    /// logarithm, ₂F₁ goes through Euler's transformation (whose series has
    /// terms below `zⁿ`), the powers `(max(α,β)+τ)^{−(r+s+x)}` stay in log
    /// space and the difference of the two terms is taken with
    /// `ln(eᵘ − eᵛ) = u + ln(1 − e^{v−u})`.
    ParetoNbd,
    ["r", "alpha", "s", "beta"],
    4
);

mle_params!(
    /// Fitting options of [`ParetoNbd`] (gradients by central differences).
    ParetoNbdParams,
    4
);

impl ParetoNbd {
    /// Options for fitting.
    pub fn params() -> ParetoNbdParams {
        ParetoNbdParams::default()
    }
}

/// `ln A₀` (see the type's documentation); `−∞` when tₓ = T.
pub(crate) fn ln_a0(r: f64, alpha: f64, s: f64, beta: f64, x: f64, tx: f64, t: f64) -> f64 {
    let (lo, hi, b) = if alpha >= beta { (beta, alpha, s + 1.0) } else { (alpha, beta, r + x) };
    let rsx = r + s + x;
    let term = |tau: f64| -> f64 {
        match ln_hyp2f1(rsx, b, rsx + 1.0, (hi - lo) / (hi + tau)) {
            Some((l, sign)) if sign > 0.0 => l - rsx * (hi + tau).ln(),
            _ => f64::NAN,
        }
    };
    let (u, v) = (term(tx), term(t));
    if u <= v {
        // Equal up to rounding (tₓ = T, or T − tₓ far below the precision).
        return if (u - v).abs() <= 1e-12 * u.abs().max(1.0) { f64::NEG_INFINITY } else { f64::NAN };
    }
    log_sub_exp(u, v)
}

pub(crate) struct Lik;

impl Likelihood for Lik {
    type Row = [f64; 3];
    const NAME: &'static str = "Pareto/NBD";
    const N: usize = 4;

    fn ll(p: &[f64], row: &[f64; 3]) -> f64 {
        let (r, alpha, s, beta) = (p[0], p[1], p[2], p[3]);
        let [x, tx, t] = *row;
        let a1 = ln_gamma(r + x) - ln_gamma(r) + r * alpha.ln() + s * beta.ln();
        let a0 = ln_a0(r, alpha, s, beta, x, tx, t);
        a1 + log_add_exp(-(r + x) * (alpha + t).ln() - s * (beta + t).ln(), s.ln() + a0 - (r + s + x).ln())
    }
}

impl Fit<Summary> for ParetoNbdParams {
    type Model = ParetoNbd;
    type Error = crate::error::ClvError;

    fn fit(&self, summary: &Summary) -> Result<ParetoNbd> {
        self.check()?;
        let sc = time_scale(summary);
        let rows = group_rows(summary, sc, |_| true);
        let (p, mut fit) = fit_model::<Lik>(rows, &self.mle, &[1.0, sc, 1.0, sc])?;
        let mut model = ParetoNbd::new([p[0], p[1], p[2], p[3]])?;
        fit.log_likelihood = model.log_likelihood(summary);
        model.fit = Some(fit);
        Ok(model)
    }
}

impl RepeatPurchaseModel for ParetoNbd {
    fn name(&self) -> &'static str {
        "Pareto/NBD"
    }

    fn customer_log_likelihood(&self, x: f64, tx: f64, t_age: f64) -> f64 {
        Lik::ll(&self.params, &[x, tx, t_age])
    }

    fn conditional_expected_purchases(&self, t: f64, x: f64, tx: f64, t_age: f64) -> f64 {
        let [r, alpha, s, beta] = self.params;
        if t == 0.0 {
            return 0.0;
        }
        let ll = self.customer_log_likelihood(x, tx, t_age);
        let first =
            ln_gamma(r + x) - ln_gamma(r) + r * alpha.ln() + s * beta.ln() - (r + x) * (alpha + t_age).ln() - s * (beta + t_age).ln();
        let second = (r + x).ln() + (beta + t_age).ln() - (alpha + t_age).ln();
        // (1 − ((β+T)/(β+T+t))^(s−1)) / (s − 1), with its limit at s = 1.
        let l = (t / (beta + t_age)).ln_1p();
        let third = if (s - 1.0).abs() < 1e-10 { l } else { -(-(s - 1.0) * l).exp_m1() / (s - 1.0) };
        (first + second - ll).exp() * third
    }

    fn probability_alive(&self, x: f64, tx: f64, t_age: f64) -> f64 {
        let [r, alpha, s, beta] = self.params;
        let a0 = ln_a0(r, alpha, s, beta, x, tx, t_age);
        1.0 / (1.0 + (s.ln() - (r + s + x).ln() + (r + x) * (alpha + t_age).ln() + s * (beta + t_age).ln() + a0).exp())
    }

    fn expected_purchases_new(&self, t: f64) -> f64 {
        let [r, alpha, s, beta] = self.params;
        let l = (t / beta).ln_1p();
        let bracket = if (s - 1.0).abs() < 1e-10 { l } else { -(-(s - 1.0) * l).exp_m1() / (s - 1.0) };
        r * beta / alpha * bracket
    }

    /// By quadrature over the death time τ ~ Lomax(s, β):
    /// `P = (β/(β+t))^s NB_t(n) + ∫₀ᵗ s β^s (β+τ)^{−s−1} NB_τ(n) dτ`, with
    /// `NB_τ` the negative binomial mass of purchases in τ (composite
    /// Simpson rule, 4,000 panels).
    fn probability_of_purchases(&self, n: u32, t: f64) -> Option<f64> {
        let [r, alpha, s, beta] = self.params;
        let nf = n as f64;
        let nb = |tau: f64| -> f64 {
            if tau <= 0.0 {
                return if n == 0 { 1.0 } else { 0.0 };
            }
            (ln_gamma(r + nf) - ln_gamma(r) - ln_gamma(nf + 1.0) + r * (alpha / (alpha + tau)).ln() + nf * (tau / (alpha + tau)).ln()).exp()
        };
        let death = |tau: f64| (s.ln() + s * beta.ln() - (s + 1.0) * (beta + tau).ln()).exp();
        let alive_all = (s * (beta / (beta + t)).ln()).exp() * nb(t);
        if t <= 0.0 {
            return Some(alive_all);
        }
        let panels = 4000;
        let h = t / panels as f64;
        let f = |tau: f64| death(tau) * nb(tau);
        let mut acc = f(0.0) + f(t);
        for i in 1..panels {
            acc += if i % 2 == 1 { 4.0 } else { 2.0 } * f(i as f64 * h);
        }
        Some(alive_all + acc * h / 3.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// s/(r+s+x) · A₀ equals ∫_{tₓ}^{T} s (β+τ)^{−s−1} (α+τ)^{−(r+x)} dτ; the
    /// integral by Simpson's rule is an independent check of the ₂F₁ route,
    /// here also for a frequency (x = 300) at which the plain series overflows.
    #[test]
    fn a0_matches_quadrature() {
        for (r, alpha, s, beta, x, tx, t) in [
            (0.55, 10.6, 0.61, 11.7, 2.0, 30.4, 38.9),
            (0.55, 10.6, 0.61, 200.0, 300.0, 300.0, 365.0),
            (2.0, 300.0, 0.4, 5.0, 60.0, 100.0, 370.0),
            (0.9, 2.0, 1.5, 3.0, 0.0, 0.0, 50.0),
        ] {
            let n = 100_000;
            let h = (t - tx) / n as f64;
            // Scale the integrand by its value at tₓ to stay in range.
            let ln_f = |tau: f64| -(s + 1.0) * (beta + tau).ln() - (r + x) * (alpha + tau).ln();
            let base = ln_f(tx);
            let f = |tau: f64| (ln_f(tau) - base).exp();
            let mut acc = f(tx) + f(t);
            for i in 1..n {
                acc += if i % 2 == 1 { 4.0 } else { 2.0 } * f(tx + i as f64 * h);
            }
            let ln_int = (acc * h / 3.0).ln() + base;
            let ours = ln_a0(r, alpha, s, beta, x, tx, t) - (r + s + x).ln();
            if tx == t {
                assert_eq!(ours, f64::NEG_INFINITY);
            } else {
                assert!((ours - ln_int).abs() < 1e-8, "x = {x}: {ours} vs {ln_int}");
            }
        }
    }

    #[test]
    fn count_distribution_sums_to_one_with_the_right_mean() {
        let m = ParetoNbd::new([0.55, 10.6, 0.61, 11.7]).unwrap();
        let probs: Vec<f64> = (0..300).map(|n| m.probability_of_purchases(n, 39.0).unwrap()).collect();
        let total: f64 = probs.iter().sum();
        let mean: f64 = probs.iter().enumerate().map(|(n, p)| n as f64 * p).sum();
        assert!((total - 1.0).abs() < 1e-8, "{total}");
        assert!((mean - m.expected_purchases_new(39.0)).abs() < 1e-6, "{mean} vs {}", m.expected_purchases_new(39.0));
    }

    #[test]
    fn paper_example() {
        // Fader, Hardie & Lee (2005) report for CDNOW Pareto/NBD r = 0.55,
        // α = 10.58, s = 0.61, β = 11.67; a customer with x = 0 at T = 38.86
        // has P(alive) well below 1 and E[Y(39)] below the x = 2 customer's.
        let m = ParetoNbd::new([0.55, 10.58, 0.61, 11.67]).unwrap();
        let p0 = m.probability_alive(0.0, 0.0, 38.86);
        assert!(p0 > 0.0 && p0 < 1.0);
        assert!(m.conditional_expected_purchases(39.0, 0.0, 0.0, 38.86) < m.conditional_expected_purchases(39.0, 2.0, 30.43, 38.86));
    }
}
