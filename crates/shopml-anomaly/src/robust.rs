//! Robust univariate scorers built on shopml-clean's outlier fences
//! ([`shopml_clean::outliers`]), with the same [`Detector`] interface as the
//! multivariate detectors so they compose with them.
//!
//! Each column `j` gets a centre band `[aⱼ, bⱼ]` and a scale `sⱼ` recovered
//! from the fitted fences, and a row's excess on it is
//! `eⱼ(x) = max(aⱼ − xⱼ, xⱼ − bⱼ, 0) / sⱼ`:
//!
//! - **MAD** (Iglewicz & Hoaglin 1993, the modified z-score): `a = b =
//!   median`, `s = MAD / 0.6745`, so `eⱼ` is the robust z-score; flagged when
//!   above `threshold` (default 3.5).
//! - **IQR** (Tukey 1977): `a = Q1`, `b = Q3`, `s = IQR`; flagged when the
//!   excess passes `k` IQRs (default 1.5), i.e. outside Tukey's fences.
//!
//! `score_samples = −maxⱼ eⱼ` and `offset = −threshold`, so `predict` flags a
//! row exactly when one of its values lies outside its column's fences.
//! A column without spread in training (`s = 0`) flags every other value
//! with the capped excess [`MAX_EXCESS`].
//!
//! All use of shopml-clean is in this module.

use std::collections::BTreeMap;

use ndarray::{Array1, Array2, ArrayBase, Data, Ix2};
use serde::{Deserialize, Serialize};
use shopml_clean::{Fences, OutlierParams};
use shopml_core::{Error, Fit, Params, Predict, validate};

use crate::detector::{Detector, check_records, labels};
use crate::error::{AnomalyError, Result};

/// Excess given to a value off a column that had no spread in training.
pub const MAX_EXCESS: f64 = 1e12;

/// The robust rule.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum RobustMethod {
    /// Modified z-score `0.6745·|x − median| / MAD > threshold`.
    Mad {
        /// Threshold on the modified z-score (3.5 is customary).
        threshold: f64,
    },
    /// Tukey's fences `[Q1 − k·IQR, Q3 + k·IQR]`.
    Iqr {
        /// Fence multiplier (1.5 "outside", 3 "far out").
        k: f64,
    },
}

impl RobustMethod {
    fn outlier_params(&self) -> OutlierParams {
        match *self {
            RobustMethod::Mad { threshold } => OutlierParams::robust_z(threshold),
            RobustMethod::Iqr { k } => OutlierParams::iqr(k),
        }
    }

    fn threshold(&self) -> f64 {
        match *self {
            RobustMethod::Mad { threshold } => threshold,
            RobustMethod::Iqr { k } => k,
        }
    }

    /// Centre band and scale from the fences clean fitted.
    fn band(&self, f: &Fences) -> Band {
        match *self {
            RobustMethod::Mad { threshold } => {
                let centre = 0.5 * (f.lower + f.upper);
                Band { low: centre, high: centre, scale: 0.5 * (f.upper - f.lower) / threshold }
            }
            RobustMethod::Iqr { k } => {
                let iqr = (f.upper - f.lower) / (1.0 + 2.0 * k);
                Band { low: f.lower + k * iqr, high: f.upper - k * iqr, scale: iqr }
            }
        }
    }
}

/// A column's centre band and scale.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Band {
    /// Lower end of the centre (median or Q1).
    pub low: f64,
    /// Upper end of the centre (median or Q3).
    pub high: f64,
    /// Scale (MAD/0.6745 or IQR); 0 when the column had no spread.
    pub scale: f64,
}

impl Band {
    /// Signed excess: positive above the band, negative below, 0 inside.
    pub fn signed_excess(&self, x: f64) -> f64 {
        let e = if x > self.high {
            x - self.high
        } else if x < self.low {
            x - self.low
        } else {
            return 0.0;
        };
        if self.scale > 0.0 { (e / self.scale).clamp(-MAX_EXCESS, MAX_EXCESS) } else { MAX_EXCESS.copysign(e) }
    }

    fn validate(&self) -> std::result::Result<(), String> {
        if !(self.low.is_finite() && self.high.is_finite() && self.low <= self.high && self.scale.is_finite() && self.scale >= 0.0) {
            return Err(format!("invalid band {self:?}"));
        }
        Ok(())
    }
}

/// Hyper-parameters of a [`RobustScorer`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RobustScorerParams {
    method: RobustMethod,
}

impl Default for RobustScorerParams {
    /// MAD with threshold 3.5.
    fn default() -> Self {
        RobustScorerParams { method: RobustMethod::Mad { threshold: 3.5 } }
    }
}

impl RobustScorerParams {
    /// The rule.
    pub fn method(mut self, m: RobustMethod) -> Self {
        self.method = m;
        self
    }
}

impl Params for RobustScorerParams {
    fn check(&self) -> shopml_core::Result<()> {
        match self.method {
            RobustMethod::Mad { threshold } => validate::param::positive("threshold", threshold),
            RobustMethod::Iqr { k } => validate::param::positive("k", k),
        }
    }
}

/// Per-column robust scorer (see the module docs).
///
/// ```
/// use ndarray::array;
/// use shopml_anomaly::{Detector, RobustScorer};
/// use shopml_core::{Fit, Predict};
///
/// let x = array![[1.0, 10.0], [2.0, 11.0], [3.0, 9.0], [2.0, 10.0], [2.5, 60.0]];
/// let m = RobustScorer::params().fit(&x).unwrap();
/// assert_eq!(m.predict(&x).unwrap().to_vec(), vec![1, 1, 1, 1, -1]);
/// // Column 2: median 10, MAD 1 → robust z of 60 is 0.6745 · 50.
/// let z = m.excess(&x).unwrap();
/// assert!((z[[4, 1]] - 0.6745 * 50.0).abs() < 1e-9);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RobustScorerRaw")]
pub struct RobustScorer {
    method: RobustMethod,
    bands: Vec<Band>,
    offset: f64,
}

#[derive(Deserialize)]
struct RobustScorerRaw {
    method: RobustMethod,
    bands: Vec<Band>,
    offset: f64,
}

impl TryFrom<RobustScorerRaw> for RobustScorer {
    type Error = AnomalyError;
    fn try_from(r: RobustScorerRaw) -> Result<Self> {
        RobustScorerParams { method: r.method }.check()?;
        if r.bands.is_empty() || !r.offset.is_finite() {
            return Err(AnomalyError::InvalidModel("a robust scorer needs at least one band and a finite offset".into()));
        }
        for (j, b) in r.bands.iter().enumerate() {
            b.validate().map_err(|e| AnomalyError::InvalidModel(format!("column {j}: {e}")))?;
        }
        Ok(RobustScorer { method: r.method, bands: r.bands, offset: r.offset })
    }
}

impl<S: Data<Elem = f64>> Fit<ArrayBase<S, Ix2>> for RobustScorerParams {
    type Model = RobustScorer;
    type Error = AnomalyError;
    fn fit(&self, x: &ArrayBase<S, Ix2>) -> Result<RobustScorer> {
        self.check()?;
        check_records(x, None)?;
        let op = self.method.outlier_params();
        let mut bands = Vec::with_capacity(x.ncols());
        for col in x.columns() {
            let f = op.fit(&col.to_vec()[..])?;
            bands.push(self.method.band(&f));
        }
        Ok(RobustScorer { method: self.method, bands, offset: -self.method.threshold() })
    }
}

impl RobustScorer {
    /// Default: MAD with threshold 3.5.
    pub fn params() -> RobustScorerParams {
        RobustScorerParams::default()
    }

    /// Each column's centre band and scale.
    pub fn bands(&self) -> &[Band] {
        &self.bands
    }

    /// Signed excess of every value over its column's band (`n × d`): the
    /// robust z-score for MAD, IQRs beyond the quartiles for IQR. The
    /// reasons behind a flag.
    pub fn excess<S: Data<Elem = f64>>(&self, x: &ArrayBase<S, Ix2>) -> Result<Array2<f64>> {
        check_records(x, Some(self.bands.len()))?;
        Ok(Array2::from_shape_fn(x.dim(), |(i, j)| self.bands[j].signed_excess(x[[i, j]])))
    }

    /// The same scorer with an explicit threshold on the scores.
    pub fn with_offset(mut self, offset: f64) -> Result<Self> {
        if !offset.is_finite() {
            return Err(Error::param("offset", format!("must be finite, got {offset}")).into());
        }
        self.offset = offset;
        Ok(self)
    }
}

impl Detector for RobustScorer {
    fn n_features(&self) -> usize {
        self.bands.len()
    }
    fn offset(&self) -> f64 {
        self.offset
    }
    /// `−maxⱼ |excessⱼ|`.
    fn score_samples<S: Data<Elem = f64>>(&self, x: &ArrayBase<S, Ix2>) -> Result<Array1<f64>> {
        let e = self.excess(x)?;
        Ok(e.rows().into_iter().map(|r| -r.iter().fold(0.0f64, |m, v| m.max(v.abs()))).collect())
    }
}

impl<S: Data<Elem = f64>> Predict<ArrayBase<S, Ix2>> for RobustScorer {
    type Output = Array1<i8>;
    type Error = AnomalyError;
    fn predict(&self, x: &ArrayBase<S, Ix2>) -> Result<Array1<i8>> {
        Ok(labels(&self.decision_function(x)?))
    }
}

/// A robust scorer per group (product, customer, country), falling back to
/// the global band for groups with fewer than `min_group_size` values, with
/// no spread, or never seen — shopml-clean's grouped fences as a scorer.
///
/// ```
/// use shopml_anomaly::{GroupedRobustScorer, RobustMethod};
/// let prices = [2.0, 2.1, 1.9, 2.0, 2.05, 40.0, 41.0, 39.0, 40.5, 4.0];
/// let sku = ["mug", "mug", "mug", "mug", "mug", "lamp", "lamp", "lamp", "lamp", "lamp"];
/// let m = GroupedRobustScorer::fit(RobustMethod::Mad { threshold: 3.5 }, 4, &prices, &sku).unwrap();
/// // 4.0 is normal overall but not for a lamp.
/// assert_eq!(m.predict(&[4.0, 2.0], &["lamp", "mug"]).unwrap(), vec![-1, 1]);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupedRobustScorer {
    method: RobustMethod,
    global: Band,
    groups: BTreeMap<String, Band>,
}

impl GroupedRobustScorer {
    /// Fits bands per group on finite, non-empty `values` with one group label each.
    pub fn fit<G: AsRef<str>>(method: RobustMethod, min_group_size: usize, values: &[f64], groups: &[G]) -> Result<Self> {
        RobustScorerParams { method }.check()?;
        validate::param::at_least("min_group_size", min_group_size, 1)?;
        if values.is_empty() {
            return Err(Error::empty("values").into());
        }
        validate::finite_slice("values", values)?;
        let g = method.outlier_params().min_group_size(min_group_size).fit_grouped(values, groups)?;
        Ok(GroupedRobustScorer {
            method,
            global: method.band(&g.global),
            groups: g.groups.iter().map(|(k, f)| (k.clone(), method.band(f))).collect(),
        })
    }

    /// The band that applies to `group`.
    pub fn band(&self, group: &str) -> &Band {
        self.groups.get(group).unwrap_or(&self.global)
    }

    /// Signed excess of each value within its group.
    pub fn excess<G: AsRef<str>>(&self, values: &[f64], groups: &[G]) -> Result<Vec<f64>> {
        if values.len() != groups.len() {
            return Err(Error::shape("groups vs values", values.len(), groups.len()).into());
        }
        validate::finite_slice("values", values)?;
        Ok(values.iter().zip(groups).map(|(&v, g)| self.band(g.as_ref()).signed_excess(v)).collect())
    }

    /// `−|excess|` (higher is more normal).
    pub fn score_samples<G: AsRef<str>>(&self, values: &[f64], groups: &[G]) -> Result<Vec<f64>> {
        Ok(self.excess(values, groups)?.into_iter().map(|e| -e.abs()).collect())
    }

    /// `+1` inside the group's fences, `−1` outside.
    pub fn predict<G: AsRef<str>>(&self, values: &[f64], groups: &[G]) -> Result<Vec<i8>> {
        let t = self.method.threshold();
        Ok(self.excess(values, groups)?.into_iter().map(|e| if e.abs() > t { -1 } else { 1 }).collect())
    }
}
