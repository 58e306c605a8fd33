//! Panel demand: build the design from a long table (store, product, period,
//! price, quantity, controls) with store / product fixed effects, period
//! effects and a trend, and estimate own- and cross-price elasticities.
//!
//! Cross-price elasticities follow the log-log system
//! `ln q_{i,s,t} = α_{i,s} + Σ_j η_{ij} ln p_{j,s,t} + γ_iᵀ z_{i,s,t} + ε`,
//! one regression per product `i`, where rivals' prices come from the same
//! store and period. Store effects are absorbed by the within transformation
//! (Frisch–Waugh–Lovell), which gives the same `η`, and the same classical and
//! HC1 standard errors once the degrees of freedom count the absorbed effects.

use std::collections::HashMap;

use ndarray::{Array1, Array2};
use serde::{Deserialize, Serialize};
use shopml_core::{Error, Fit, Params, check_levels};

use crate::demand::{DemandCurve, DemandForm, Estimate, fit_curve};
use crate::error::{PricingError, Result};
use crate::ols::{Covariance, critical_value, ols};

/// A long table of observations: one row per store × product × period.
///
/// ```
/// use shopml_pricing::PanelTable;
/// let mut t = PanelTable::new(&["deal"]);
/// t.push("s1", "tropicana", 1, 3.49, 120.0, &[0.0]).unwrap();
/// assert_eq!(t.len(), 1);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PanelTable {
    /// Store (or market) label per row.
    pub store: Vec<String>,
    /// Product label per row.
    pub product: Vec<String>,
    /// Period (week number, day number, …) per row.
    pub period: Vec<i64>,
    /// Price per row.
    pub price: Vec<f64>,
    /// Units sold per row.
    pub quantity: Vec<f64>,
    /// Names of the control columns.
    pub control_names: Vec<String>,
    /// Control values, one column per name.
    pub controls: Vec<Vec<f64>>,
}

impl PanelTable {
    /// An empty table with the given control columns.
    pub fn new(control_names: &[&str]) -> PanelTable {
        PanelTable {
            control_names: control_names.iter().map(|s| s.to_string()).collect(),
            controls: vec![Vec::new(); control_names.len()],
            ..PanelTable::default()
        }
    }
    /// Appends one row; `controls` must have one value per control column.
    pub fn push(&mut self, store: &str, product: &str, period: i64, price: f64, quantity: f64, controls: &[f64]) -> Result<()> {
        if controls.len() != self.control_names.len() {
            return Err(Error::shape(format!("controls of row {}", self.len()), self.control_names.len(), controls.len()).into());
        }
        self.store.push(store.to_string());
        self.product.push(product.to_string());
        self.period.push(period);
        self.price.push(price);
        self.quantity.push(quantity);
        for (col, &v) in self.controls.iter_mut().zip(controls) {
            col.push(v);
        }
        Ok(())
    }
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.price.len()
    }
    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.price.is_empty()
    }
    fn check(&self) -> Result<()> {
        let n = self.len();
        if n == 0 {
            return Err(Error::empty("panel table").into());
        }
        for (what, len) in
            [("store", self.store.len()), ("product", self.product.len()), ("period", self.period.len()), ("quantity", self.quantity.len())]
        {
            if len != n {
                return Err(Error::shape(format!("panel column `{what}`"), n, len).into());
            }
        }
        if self.controls.len() != self.control_names.len() {
            return Err(Error::shape("panel control columns", self.control_names.len(), self.controls.len()).into());
        }
        for (name, col) in self.control_names.iter().zip(&self.controls) {
            if col.len() != n {
                return Err(Error::shape(format!("panel control `{name}`"), n, col.len()).into());
            }
            if let Some(row) = col.iter().position(|v| !v.is_finite()) {
                return Err(Error::NonFinite { what: format!("panel control `{name}`"), row, column: None, value: col[row] }.into());
            }
        }
        Ok(())
    }
}

/// Sorted distinct labels: numerically when every label is an integer, else lexicographically.
pub(crate) fn levels<'a>(labels: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut v: Vec<&str> = labels.collect();
    v.sort_unstable();
    v.dedup();
    if v.iter().all(|s| s.parse::<i64>().is_ok()) {
        v.sort_by_key(|s| s.parse::<i64>().unwrap_or(0));
    }
    v.into_iter().map(String::from).collect()
}

/// Which terms enter a panel regression besides price.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PanelSpec {
    /// The demand form (default log-log).
    pub form: DemandForm,
    /// Store fixed effects (default on).
    pub store_effects: bool,
    /// Product fixed effects in pooled models (default on).
    pub product_effects: bool,
    /// Period fixed effects (default off).
    pub period_effects: bool,
    /// A linear time trend in the period (default off).
    pub trend: bool,
    /// Names of the table's controls to include (default: all of them).
    pub controls: Option<Vec<String>>,
}

impl Default for PanelSpec {
    fn default() -> Self {
        PanelSpec {
            form: DemandForm::LogLog,
            store_effects: true,
            product_effects: true,
            period_effects: false,
            trend: false,
            controls: None,
        }
    }
}

impl PanelSpec {
    fn control_indices(&self, table: &PanelTable) -> Result<Vec<usize>> {
        match &self.controls {
            None => Ok((0..table.control_names.len()).collect()),
            Some(names) => names
                .iter()
                .map(|n| {
                    table
                        .control_names
                        .iter()
                        .position(|c| c == n)
                        .ok_or_else(|| Error::UnknownId { what: "control", id: n.clone() }.into())
                })
                .collect(),
        }
    }
}

/// Adds treatment-coded dummies (first level dropped) for `labels` of the selected rows.
fn push_dummies(cols: &mut Vec<(String, Vec<f64>)>, prefix: &str, labels: &[&str]) {
    let lv = levels(labels.iter().copied());
    let index: HashMap<&str, usize> = lv.iter().enumerate().map(|(i, s)| (s.as_str(), i)).collect();
    let start = cols.len();
    for l in lv.iter().skip(1) {
        cols.push((format!("{prefix}[{l}]"), vec![0.0; labels.len()]));
    }
    for (r, l) in labels.iter().enumerate() {
        let k = index[l];
        if k > 0 {
            cols[start + k - 1].1[r] = 1.0;
        }
    }
}

/// Estimates one demand curve pooled over the table's products and stores,
/// with the fixed effects, controls and trend of a [`PanelSpec`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct PanelDemandParams {
    /// The design specification.
    pub spec: PanelSpec,
    /// The covariance behind the intervals.
    pub covariance: Covariance,
}

impl Params for PanelDemandParams {
    fn check(&self) -> shopml_core::Result<()> {
        Ok(())
    }
}

impl Fit<PanelTable> for PanelDemandParams {
    type Model = DemandCurve;
    type Error = PricingError;
    /// The fitted curve's controls are the dummies, trend and controls, held at their means.
    fn fit(&self, table: &PanelTable) -> Result<DemandCurve> {
        self.check()?;
        table.check()?;
        let spec = &self.spec;
        let ctrl = spec.control_indices(table)?;
        let mut cols: Vec<(String, Vec<f64>)> = ctrl.iter().map(|&c| (table.control_names[c].clone(), table.controls[c].clone())).collect();
        if spec.trend {
            let t0 = table.period.iter().copied().min().unwrap_or(0);
            cols.push(("trend".into(), table.period.iter().map(|&t| (t - t0) as f64).collect()));
        }
        if spec.store_effects {
            let labels: Vec<&str> = table.store.iter().map(String::as_str).collect();
            push_dummies(&mut cols, "store", &labels);
        }
        if spec.product_effects {
            let labels: Vec<&str> = table.product.iter().map(String::as_str).collect();
            push_dummies(&mut cols, "product", &labels);
        }
        if spec.period_effects {
            let owned: Vec<String> = table.period.iter().map(|t| t.to_string()).collect();
            let labels: Vec<&str> = owned.iter().map(String::as_str).collect();
            push_dummies(&mut cols, "period", &labels);
        }
        fit_curve(spec.form, self.covariance, "pooled panel", &table.price, &table.quantity, &cols)
    }
}

/// A regression's coefficient table (without absorbed fixed effects).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoefficientTable {
    /// Coefficient names.
    pub names: Vec<String>,
    /// Estimates.
    pub estimates: Vec<f64>,
    /// Standard errors.
    pub std_errors: Vec<f64>,
    /// Residual degrees of freedom (absorbed effects counted).
    pub df_resid: f64,
    /// Observations used.
    pub n_obs: usize,
    /// Rows dropped because a rival's price was missing in that store and period.
    pub n_dropped: usize,
    /// Within R² (after absorbing the fixed effects).
    pub r_squared_within: f64,
}

impl CoefficientTable {
    /// The estimate named `name`, if present.
    pub fn get(&self, name: &str) -> Option<(f64, f64)> {
        self.names.iter().position(|n| n == name).map(|i| (self.estimates[i], self.std_errors[i]))
    }
}

/// Own- and cross-price elasticities of a product group from a panel.
///
/// `elasticities[i][j]` is the elasticity of product `i`'s demand with
/// respect to product `j`'s price (own on the diagonal).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CrossPriceElasticities {
    /// Products, in the order of the rows and columns.
    pub products: Vec<String>,
    /// Elasticity estimates with intervals.
    pub elasticities: Vec<Vec<Estimate>>,
    /// Each product's full regression table (prices `ln_price[j]`, controls, trend).
    pub regressions: Vec<CoefficientTable>,
    /// The covariance used.
    pub covariance: Covariance,
}

impl CrossPriceElasticities {
    /// Own-price elasticity of `product`.
    pub fn own(&self, product: &str) -> Option<&Estimate> {
        let i = self.products.iter().position(|p| p == product)?;
        Some(&self.elasticities[i][i])
    }
}

/// Estimates the log-log cross-price system, one regression per product.
///
/// ```
/// use shopml_core::Fit;
/// use shopml_pricing::{CrossPriceParams, PanelTable};
/// let mut t = PanelTable::new(&[]);
/// let mut s = 7u64;
/// let mut u = || { s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407); (s >> 11) as f64 / (1u64 << 53) as f64 };
/// for store in ["a", "b", "c"] {
///     for week in 0..40 {
///         let (pa, pb) = (1.0 + u(), 1.0 + u());
///         // own −2, cross +0.5 for both products, multiplicative noise
///         t.push(store, "A", week, pa, 50.0 * pa.powf(-2.0) * pb.powf(0.5) * (1.0 + 0.05 * (u() - 0.5)), &[]).unwrap();
///         t.push(store, "B", week, pb, 40.0 * pb.powf(-2.0) * pa.powf(0.5) * (1.0 + 0.05 * (u() - 0.5)), &[]).unwrap();
///     }
/// }
/// let e = CrossPriceParams::default().fit(&t).unwrap();
/// assert!((e.elasticities[0][0].estimate + 2.0).abs() < 0.05);
/// assert!((e.elasticities[0][1].estimate - 0.5).abs() < 0.05);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CrossPriceParams {
    /// Store effects, trend, period effects and controls (`form` and `product_effects` are ignored: the system is log-log, per product).
    pub spec: PanelSpec,
    /// The covariance behind the intervals.
    pub covariance: Covariance,
    /// Interval level in percent (default 95).
    pub level: f64,
}

impl Default for CrossPriceParams {
    fn default() -> Self {
        CrossPriceParams { spec: PanelSpec::default(), covariance: Covariance::Classical, level: 95.0 }
    }
}

impl CrossPriceParams {
    /// The covariance behind the intervals.
    pub fn covariance(mut self, covariance: Covariance) -> Self {
        self.covariance = covariance;
        self
    }
    /// Interval level in percent.
    pub fn level(mut self, level: f64) -> Self {
        self.level = level;
        self
    }
    /// The design specification.
    pub fn spec(mut self, spec: PanelSpec) -> Self {
        self.spec = spec;
        self
    }
}

impl Params for CrossPriceParams {
    fn check(&self) -> shopml_core::Result<()> {
        check_levels(&[self.level])
    }
}

/// Subtracts group means in place from each column (the within transformation).
fn demean(cols: &mut [Vec<f64>], groups: &[usize], n_groups: usize) {
    let mut count = vec![0.0; n_groups];
    for &g in groups {
        count[g] += 1.0;
    }
    for col in cols.iter_mut() {
        let mut sum = vec![0.0; n_groups];
        for (v, &g) in col.iter().zip(groups) {
            sum[g] += *v;
        }
        for (v, &g) in col.iter_mut().zip(groups) {
            *v -= sum[g] / count[g];
        }
    }
}

impl Fit<PanelTable> for CrossPriceParams {
    type Model = CrossPriceElasticities;
    type Error = PricingError;
    fn fit(&self, table: &PanelTable) -> Result<CrossPriceElasticities> {
        self.check()?;
        table.check()?;
        let spec = &self.spec;
        let ctrl = spec.control_indices(table)?;
        let products = levels(table.product.iter().map(String::as_str));
        let pidx: HashMap<&str, usize> = products.iter().enumerate().map(|(i, s)| (s.as_str(), i)).collect();
        let np = products.len();
        // Price of every product in every (store, period).
        let mut cell: HashMap<(&str, i64), Vec<f64>> = HashMap::new();
        for r in 0..table.len() {
            let (p, q) = (table.price[r], table.quantity[r]);
            let bad = |what: &'static str, value: f64, reason: &str| PricingError::InvalidObservation {
                product: table.product[r].clone(),
                what,
                row: r,
                value,
                reason: reason.into(),
            };
            if !(p.is_finite() && p > 0.0) {
                return Err(bad("price", p, "log-log needs positive finite prices"));
            }
            if !(q.is_finite() && q > 0.0) {
                return Err(bad("quantity", q, "log-log needs positive finite quantities"));
            }
            let v = cell.entry((table.store[r].as_str(), table.period[r])).or_insert_with(|| vec![f64::NAN; np]);
            let j = pidx[table.product[r].as_str()];
            if !v[j].is_nan() {
                return Err(bad("price", p, "duplicate store × product × period row"));
            }
            v[j] = p;
        }
        let t0 = table.period.iter().copied().min().unwrap_or(0);
        let mut elasticities = Vec::with_capacity(np);
        let mut regressions = Vec::with_capacity(np);
        for (i, prod) in products.iter().enumerate() {
            let mut rows = Vec::new();
            let mut dropped = 0;
            for r in 0..table.len() {
                if table.product[r] == *prod {
                    if cell[&(table.store[r].as_str(), table.period[r])].iter().all(|v| !v.is_nan()) {
                        rows.push(r);
                    } else {
                        dropped += 1;
                    }
                }
            }
            let n = rows.len();
            let mut names: Vec<String> = products.iter().map(|p| format!("ln_price[{p}]")).collect();
            let mut cols: Vec<Vec<f64>> =
                (0..np).map(|j| rows.iter().map(|&r| cell[&(table.store[r].as_str(), table.period[r])][j].ln()).collect()).collect();
            for &c in &ctrl {
                names.push(table.control_names[c].clone());
                cols.push(rows.iter().map(|&r| table.controls[c][r]).collect());
            }
            if spec.trend {
                names.push("trend".into());
                cols.push(rows.iter().map(|&r| (table.period[r] - t0) as f64).collect());
            }
            let mut y = vec![rows.iter().map(|&r| table.quantity[r].ln()).collect::<Vec<f64>>()];
            let mut extra: Vec<(String, Vec<f64>)> = Vec::new();
            if spec.period_effects {
                let owned: Vec<String> = rows.iter().map(|&r| table.period[r].to_string()).collect();
                let labels: Vec<&str> = owned.iter().map(String::as_str).collect();
                push_dummies(&mut extra, "period", &labels);
            }
            let k_slopes = cols.len() + extra.len();
            // Fixed effects: absorbed (store) or an intercept.
            let (absorbed, intercept) = if spec.store_effects {
                let labels: Vec<&str> = rows.iter().map(|&r| table.store[r].as_str()).collect();
                let lv = levels(labels.iter().copied());
                let idx: HashMap<&str, usize> = lv.iter().enumerate().map(|(g, s)| (s.as_str(), g)).collect();
                let groups: Vec<usize> = labels.iter().map(|l| idx[l]).collect();
                for (nm, c) in extra.drain(..) {
                    names.push(nm);
                    cols.push(c);
                }
                demean(&mut cols, &groups, lv.len());
                demean(&mut y, &groups, lv.len());
                (lv.len(), false)
            } else {
                for (nm, c) in extra.drain(..) {
                    names.push(nm);
                    cols.push(c);
                }
                (1, true)
            };
            let k_total = k_slopes + absorbed;
            if n <= k_total {
                return Err(PricingError::TooFewObservations { product: prod.clone(), n_obs: n, n_params: k_total });
            }
            let x = Array2::from_shape_fn((n, cols.len()), |(r, j)| cols[j][r]);
            let yv = Array1::from(y.pop().unwrap_or_default());
            let fit = ols(x.view(), yv.view(), intercept, self.covariance, prod)?;
            let off = usize::from(intercept);
            // Degrees-of-freedom correction for the absorbed effects (same factor for classical and HC1).
            let df_fit = fit.df_resid;
            let df_true = (n - k_total) as f64;
            let factor = if intercept { 1.0 } else { df_fit / df_true };
            let se: Vec<f64> = (0..cols.len()).map(|j| (fit.covariance[[j + off, j + off]] * factor).max(0.0).sqrt()).collect();
            let est: Vec<f64> = fit.params[off..].to_vec();
            let crit = critical_value(self.level, df_true, self.covariance);
            elasticities.push((0..np).map(|j| Estimate::new(est[j], se[j], crit, self.level)).collect());
            regressions.push(CoefficientTable {
                names,
                estimates: est,
                std_errors: se,
                df_resid: df_true,
                n_obs: n,
                n_dropped: dropped,
                r_squared_within: fit.r_squared,
            });
            let _ = i;
        }
        Ok(CrossPriceElasticities { products, elasticities, regressions, covariance: self.covariance })
    }
}
