//! Logit market-share demand for a product group (Berry 1994).
//!
//! With multinomial-logit consumers and an outside option, shares invert to a
//! linear regression: `ln s_{jt} − ln s_{0t} = δ_j + α p_{jt} + γᵀz_{jt} + ξ_{jt}`,
//! where `s_{0t} = 1 − Σ_j s_{jt}`. Elasticities at prices `p`, with shares
//! `s_j = e^{u_j} / (1 + Σ_k e^{u_k})`, are
//! own `α p_j (1 − s_j)` and cross `−α p_k s_k` (demand of `j` w.r.t. price of `k`).
//! Intervals come from the delta method on the regression's covariance.
//!
//! Berry, S. T. (1994). Estimating discrete-choice models of product
//! differentiation. *RAND Journal of Economics* 25(2), 242–262.

use std::collections::HashMap;

use ndarray::{Array1, Array2};
use serde::{Deserialize, Serialize};
use shopml_core::{Error, Fit, Params, check_levels};

use crate::demand::Estimate;
use crate::error::{PricingError, Result};
use crate::ols::{Covariance, critical_value, ols};
use crate::panel::levels;

/// Market shares of a product group: one row per market × product.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ShareData {
    /// Market (store-week, region-month, …) per row.
    pub market: Vec<String>,
    /// Product per row.
    pub product: Vec<String>,
    /// Price per row.
    pub price: Vec<f64>,
    /// Market share per row, in `(0, 1)`; the shares of a market sum to less than one (the rest is the outside good).
    pub share: Vec<f64>,
}

impl ShareData {
    /// Appends one row.
    pub fn push(&mut self, market: &str, product: &str, price: f64, share: f64) {
        self.market.push(market.into());
        self.product.push(product.into());
        self.price.push(price);
        self.share.push(share);
    }
}

/// Hyper-parameters of the logit share model.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct LogitShareParams {
    /// The covariance behind the intervals.
    pub covariance: Covariance,
}

impl Params for LogitShareParams {
    fn check(&self) -> shopml_core::Result<()> {
        Ok(())
    }
}

/// A fitted logit share model.
///
/// ```
/// use shopml_core::Fit;
/// use shopml_pricing::{LogitShareParams, ShareData};
/// let mut d = ShareData::default();
/// for t in 0..30 {
///     let p = [1.0 + (t % 5) as f64 * 0.1, 1.2 + (t % 3) as f64 * 0.15];
///     let u = [1.0 - 2.0 * p[0], 0.5 - 2.0 * p[1]];
///     let den = 1.0 + u[0].exp() + u[1].exp();
///     let wiggle = 1.0 + 0.01 * ((t * 7 % 11) as f64 - 5.0) / 5.0;
///     d.push(&t.to_string(), "a", p[0], u[0].exp() / den * wiggle);
///     d.push(&t.to_string(), "b", p[1], u[1].exp() / den);
/// }
/// let m = LogitShareParams::default().fit(&d).unwrap();
/// assert!((m.price_coefficient() + 2.0).abs() < 0.05);
/// let e = m.elasticities(&[1.2, 1.4]).unwrap();
/// assert!(e[0][0] < 0.0 && e[0][1] > 0.0);
/// ```
///
/// Loading from JSON checks one parameter per design column (`2 + products − 1`),
/// a square covariance of that size, and finite values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "LogitShareRaw")]
pub struct LogitShare {
    products: Vec<String>,
    /// `const`, `price`, then product dummies (first product dropped).
    params: Vec<f64>,
    covariance: Array2<f64>,
    covariance_type: Covariance,
    df_resid: f64,
    n_obs: usize,
    r_squared: f64,
}

#[derive(Deserialize)]
struct LogitShareRaw {
    products: Vec<String>,
    params: Vec<f64>,
    covariance: Array2<f64>,
    covariance_type: Covariance,
    df_resid: f64,
    n_obs: usize,
    r_squared: f64,
}

impl TryFrom<LogitShareRaw> for LogitShare {
    type Error = PricingError;
    fn try_from(r: LogitShareRaw) -> Result<Self> {
        if r.products.is_empty() {
            return Err(Error::empty("logit products").into());
        }
        let k = r.products.len() + 1;
        if r.params.len() != k {
            return Err(Error::shape("logit parameters (const, price, product dummies)", k, r.params.len()).into());
        }
        if r.covariance.dim() != (k, k) {
            return Err(Error::shape("logit covariance", format!("{k} × {k}"), format!("{:?}", r.covariance.dim())).into());
        }
        shopml_core::validate::finite_slice("logit parameters", &r.params)?;
        shopml_core::validate::finite_matrix("logit covariance", r.covariance.view())?;
        if !(r.df_resid.is_finite() && r.df_resid > 0.0 && r.r_squared.is_finite()) {
            return Err(Error::param("df_resid", "must be finite and positive, with a finite r_squared").into());
        }
        Ok(LogitShare {
            products: r.products,
            params: r.params,
            covariance: r.covariance,
            covariance_type: r.covariance_type,
            df_resid: r.df_resid,
            n_obs: r.n_obs,
            r_squared: r.r_squared,
        })
    }
}

impl Fit<ShareData> for LogitShareParams {
    type Model = LogitShare;
    type Error = PricingError;
    fn fit(&self, d: &ShareData) -> Result<LogitShare> {
        let n = d.price.len();
        if n == 0 {
            return Err(Error::empty("share data").into());
        }
        for (what, len) in [("market", d.market.len()), ("product", d.product.len()), ("share", d.share.len())] {
            if len != n {
                return Err(Error::shape(format!("share data column `{what}`"), n, len).into());
            }
        }
        let mut inside: HashMap<&str, f64> = HashMap::new();
        for r in 0..n {
            let bad = |what: &'static str, value: f64, reason: &str| PricingError::InvalidObservation {
                product: d.product[r].clone(),
                what,
                row: r,
                value,
                reason: reason.into(),
            };
            if !(d.price[r].is_finite() && d.price[r] > 0.0) {
                return Err(bad("price", d.price[r], "prices must be positive and finite"));
            }
            if !(d.share[r].is_finite() && d.share[r] > 0.0 && d.share[r] < 1.0) {
                return Err(bad("share", d.share[r], "shares must lie in (0, 1)"));
            }
            *inside.entry(d.market[r].as_str()).or_insert(0.0) += d.share[r];
        }
        if let Some((m, s)) = inside.iter().find(|(_, s)| **s >= 1.0) {
            return Err(Error::InvalidValue {
                what: format!("shares of market `{m}`"),
                row: 0,
                column: None,
                value: *s,
                reason: "inside shares must sum to less than one (the outside good needs a positive share)".into(),
            }
            .into());
        }
        let products = levels(d.product.iter().map(String::as_str));
        let idx: HashMap<&str, usize> = products.iter().enumerate().map(|(i, s)| (s.as_str(), i)).collect();
        let k = 1 + products.len();
        if n <= k {
            return Err(PricingError::TooFewObservations { product: "logit share group".into(), n_obs: n, n_params: k });
        }
        let x = Array2::from_shape_fn((n, products.len()), |(r, j)| {
            if j == 0 {
                d.price[r]
            } else if idx[d.product[r].as_str()] == j {
                1.0
            } else {
                0.0
            }
        });
        let y: Array1<f64> = (0..n).map(|r| d.share[r].ln() - (1.0 - inside[d.market[r].as_str()]).ln()).collect();
        let fit = ols(x.view(), y.view(), true, self.covariance, "logit share group")?;
        Ok(LogitShare {
            products,
            params: fit.params,
            covariance: fit.covariance,
            covariance_type: self.covariance,
            df_resid: fit.df_resid,
            n_obs: n,
            r_squared: fit.r_squared,
        })
    }
}

fn shares_at(params: &[f64], prices: &[f64]) -> Vec<f64> {
    let u: Vec<f64> = (0..prices.len()).map(|j| params[0] + params[1] * prices[j] + if j > 0 { params[1 + j] } else { 0.0 }).collect();
    let m = u.iter().fold(0.0f64, |a, &b| a.max(b));
    let e: Vec<f64> = u.iter().map(|v| (v - m).exp()).collect();
    let den = (-m).exp() + e.iter().sum::<f64>();
    e.iter().map(|v| v / den).collect()
}

fn elasticity_at(params: &[f64], prices: &[f64], j: usize, k: usize) -> f64 {
    let s = shares_at(params, prices);
    let a = params[1];
    if j == k { a * prices[j] * (1.0 - s[j]) } else { -a * prices[k] * s[k] }
}

impl LogitShare {
    /// The products, in the order prices are given.
    pub fn products(&self) -> &[String] {
        &self.products
    }
    /// The price coefficient `α` (negative for normal goods).
    pub fn price_coefficient(&self) -> f64 {
        self.params[1]
    }
    /// Coefficients: `const`, `price`, product effects (first product as reference).
    pub fn coefficients(&self) -> &[f64] {
        &self.params
    }
    /// Covariance of the coefficients.
    pub fn covariance(&self) -> &Array2<f64> {
        &self.covariance
    }
    /// R² of the inverted-share regression.
    pub fn r_squared(&self) -> f64 {
        self.r_squared
    }
    /// Number of observations.
    pub fn n_obs(&self) -> usize {
        self.n_obs
    }
    fn check_prices(&self, prices: &[f64]) -> Result<()> {
        if prices.len() != self.products.len() {
            return Err(Error::shape("prices", self.products.len(), prices.len()).into());
        }
        if let Some(r) = prices.iter().position(|p| !(p.is_finite() && *p > 0.0)) {
            return Err(Error::InvalidValue {
                what: "prices".into(),
                row: r,
                column: None,
                value: prices[r],
                reason: "must be positive".into(),
            }
            .into());
        }
        Ok(())
    }
    /// Predicted inside shares at `prices` (one per product, in [`products`](Self::products) order).
    pub fn shares(&self, prices: &[f64]) -> Result<Vec<f64>> {
        self.check_prices(prices)?;
        Ok(shares_at(&self.params, prices))
    }
    /// The elasticity matrix at `prices`: entry `[j][k]` is `∂ln s_j / ∂ln p_k`.
    pub fn elasticities(&self, prices: &[f64]) -> Result<Vec<Vec<f64>>> {
        self.check_prices(prices)?;
        let n = prices.len();
        Ok((0..n).map(|j| (0..n).map(|k| elasticity_at(&self.params, prices, j, k)).collect()).collect())
    }
    /// Elasticity of product `j`'s demand w.r.t. product `k`'s price at `prices`,
    /// with a `level` % delta-method interval (numerical gradient in the coefficients).
    pub fn elasticity(&self, prices: &[f64], j: usize, k: usize, level: f64) -> Result<Estimate> {
        self.check_prices(prices)?;
        check_levels(&[level])?;
        if j >= prices.len() || k >= prices.len() {
            return Err(Error::IndexOutOfRange { what: "product", index: j.max(k), len: prices.len() }.into());
        }
        let e = elasticity_at(&self.params, prices, j, k);
        let m = self.params.len();
        let mut g = vec![0.0; m];
        let mut th = self.params.clone();
        for i in 0..m {
            let h = 1e-6 * self.params[i].abs().max(1.0);
            th[i] = self.params[i] + h;
            let up = elasticity_at(&th, prices, j, k);
            th[i] = self.params[i] - h;
            let dn = elasticity_at(&th, prices, j, k);
            th[i] = self.params[i];
            g[i] = (up - dn) / (2.0 * h);
        }
        let var: f64 = (0..m).map(|a| (0..m).map(|b| g[a] * self.covariance[[a, b]] * g[b]).sum::<f64>()).sum();
        let crit = critical_value(level, self.df_resid, self.covariance_type);
        Ok(Estimate::new(e, var.max(0.0).sqrt(), crit, level))
    }
}
