//! Outlier detection for numeric columns: Tukey's IQR fences, z-scores and
//! robust (median / MAD) z-scores, globally or per group, with fences you can
//! fit on one sample and apply to another.
//!
//! - **IQR fences** (J. W. Tukey, *Exploratory Data Analysis*, 1977):
//!   `[Q1 − k·IQR, Q3 + k·IQR]`, `k = 1.5` by default; quartiles by linear
//!   interpolation between order statistics (Hyndman & Fan type 7, numpy's default).
//! - **z-score**: `|x − mean| / sd > t`, population standard deviation
//!   (`ddof = 0`, like `scipy.stats.zscore`), `t = 3` by default.
//! - **Robust z** (B. Iglewicz & D. C. Hoaglin, *How to Detect and Handle
//!   Outliers*, 1993): modified z-score `0.6745·|x − median| / MAD > t`,
//!   `t = 3.5` by default.
//!
//! Each method becomes a pair of [`Fences`]; a value outside them is an
//! outlier, and capping clamps it to the nearer fence (winsorising).
//!
//! ```
//! use shopml_clean::OutlierParams;
//! use shopml_core::{Fit, Transform};
//! let x = [1.0, 2.0, 3.0, 4.0, 100.0];
//! let fences = OutlierParams::iqr(1.5).fit(&x[..]).unwrap();
//! // Q1 = 2, Q3 = 4, IQR = 2: fences [-1, 7].
//! assert_eq!((fences.lower, fences.upper), (-1.0, 7.0));
//! assert_eq!(fences.transform(&x[..]).unwrap(), vec![1.0, 2.0, 3.0, 4.0, 7.0]);
//! ```

use std::collections::BTreeMap;

use ndarray::Array2;
use serde::{Deserialize, Serialize};
use shopml_core::{Error, Fit, Params, Transform, validate};

use crate::error::{CleanError, Result};

/// How outliers are recognised.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "OutlierMethodRaw")]
pub enum OutlierMethod {
    /// Tukey's fences `[Q1 − k·IQR, Q3 + k·IQR]`.
    Iqr {
        /// Fence multiplier (1.5 "outside", 3 "far out").
        k: f64,
    },
    /// `|x − mean| / sd > threshold`.
    ZScore {
        /// Threshold in standard deviations.
        threshold: f64,
    },
    /// `0.6745·|x − median| / MAD > threshold`.
    RobustZ {
        /// Threshold on the modified z-score.
        threshold: f64,
    },
}

/// What to do with an outlier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OutlierAction {
    /// Keep the row and count it.
    Flag,
    /// Clamp the value to the nearer fence (winsorise).
    Cap,
    /// Remove the row (quarantined with [`Reason::Outlier`](crate::Reason::Outlier)).
    Drop,
}

/// Unfitted outlier detector: a method and, for grouped fitting, the smallest
/// group that gets its own fences.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "OutlierParamsRaw")]
pub struct OutlierParams {
    /// The method.
    pub method: OutlierMethod,
    /// Groups with fewer values than this (or with zero spread) use the global
    /// fences in [`fit_grouped`](OutlierParams::fit_grouped). Default 8.
    pub min_group_size: usize,
}

#[derive(Deserialize)]
enum OutlierMethodRaw {
    Iqr { k: f64 },
    ZScore { threshold: f64 },
    RobustZ { threshold: f64 },
}

impl TryFrom<OutlierMethodRaw> for OutlierMethod {
    type Error = Error;
    fn try_from(r: OutlierMethodRaw) -> shopml_core::Result<Self> {
        let m = match r {
            OutlierMethodRaw::Iqr { k } => OutlierMethod::Iqr { k },
            OutlierMethodRaw::ZScore { threshold } => OutlierMethod::ZScore { threshold },
            OutlierMethodRaw::RobustZ { threshold } => OutlierMethod::RobustZ { threshold },
        };
        OutlierParams { method: m, min_group_size: 1 }.check()?;
        Ok(m)
    }
}

#[derive(Deserialize)]
struct OutlierParamsRaw {
    method: OutlierMethod,
    min_group_size: usize,
}

impl TryFrom<OutlierParamsRaw> for OutlierParams {
    type Error = Error;
    fn try_from(r: OutlierParamsRaw) -> shopml_core::Result<Self> {
        let p = OutlierParams { method: r.method, min_group_size: r.min_group_size };
        p.check()?;
        Ok(p)
    }
}

impl OutlierParams {
    /// IQR fences with multiplier `k`.
    pub fn iqr(k: f64) -> Self {
        OutlierParams { method: OutlierMethod::Iqr { k }, min_group_size: 8 }
    }

    /// z-score with `threshold` standard deviations.
    pub fn z_score(threshold: f64) -> Self {
        OutlierParams { method: OutlierMethod::ZScore { threshold }, min_group_size: 8 }
    }

    /// Robust (modified) z-score with `threshold`.
    pub fn robust_z(threshold: f64) -> Self {
        OutlierParams { method: OutlierMethod::RobustZ { threshold }, min_group_size: 8 }
    }

    /// Sets the smallest group that gets its own fences.
    pub fn min_group_size(mut self, n: usize) -> Self {
        self.min_group_size = n;
        self
    }

    /// Fences per group (e.g. per product), falling back to the global fences
    /// for small or zero-spread groups and for groups never seen.
    pub fn fit_grouped<G: AsRef<str>>(&self, values: &[f64], groups: &[G]) -> Result<GroupedFences> {
        if values.len() != groups.len() {
            return Err(Error::shape("groups vs values", format!("{} groups", values.len()), format!("{} groups", groups.len())).into());
        }
        let global = self.fit(values)?;
        let mut by: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
        for (v, g) in values.iter().zip(groups) {
            by.entry(g.as_ref()).or_default().push(*v);
        }
        let mut out = BTreeMap::new();
        for (g, mut vals) in by {
            if vals.len() < self.min_group_size {
                continue;
            }
            let (f, spread) = fences_of(&mut vals, self.method);
            if spread > 0.0 {
                out.insert(g.to_string(), f);
            }
        }
        Ok(GroupedFences { global, groups: out })
    }
}

impl Default for OutlierParams {
    /// IQR fences with `k = 1.5`.
    fn default() -> Self {
        OutlierParams::iqr(1.5)
    }
}

impl Params for OutlierParams {
    fn check(&self) -> shopml_core::Result<()> {
        match self.method {
            OutlierMethod::Iqr { k } => validate::param::positive("k", k)?,
            OutlierMethod::ZScore { threshold } | OutlierMethod::RobustZ { threshold } => {
                validate::param::positive("threshold", threshold)?
            }
        }
        validate::param::at_least("min_group_size", self.min_group_size, 1)
    }
}

/// Fitted bounds: values outside `[lower, upper]` are outliers.
///
/// Fitted fences are ordered and never NaN (they may be infinite when the
/// data's spread overflows `f64`); loaded from JSON they are checked the same way.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "FencesRaw")]
pub struct Fences {
    /// Lower fence.
    #[serde(serialize_with = "inf_f64::serialize")]
    pub lower: f64,
    /// Upper fence.
    #[serde(serialize_with = "inf_f64::serialize")]
    pub upper: f64,
}

impl Fences {
    /// Whether `x` lies outside the fences.
    pub fn is_outlier(&self, x: f64) -> bool {
        x < self.lower || x > self.upper
    }

    /// `x` clamped into the fences (never panics: with hand-made fences that
    /// are NaN or out of order, `x` is moved only past a fence it is on the wrong side of,
    /// lower fence first).
    pub fn cap(&self, x: f64) -> f64 {
        if x < self.lower {
            self.lower
        } else if x > self.upper {
            self.upper
        } else {
            x
        }
    }

    /// One flag per value.
    pub fn flags(&self, x: &[f64]) -> Vec<bool> {
        x.iter().map(|&v| self.is_outlier(v)).collect()
    }
}

#[derive(Deserialize)]
struct FencesRaw {
    #[serde(deserialize_with = "inf_f64::deserialize")]
    lower: f64,
    #[serde(deserialize_with = "inf_f64::deserialize")]
    upper: f64,
}

/// f64 in JSON with ±∞ kept: finite values as numbers, `"inf"` / `"-inf"` as strings
/// (JSON has no infinity, and serde_json would write `null`).
pub(crate) mod inf_f64 {
    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
        if v.is_finite() {
            s.serialize_f64(*v)
        } else if *v > 0.0 {
            s.serialize_str("inf")
        } else if *v < 0.0 {
            s.serialize_str("-inf")
        } else {
            s.serialize_str("NaN")
        }
    }

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum NumOrText {
        Num(f64),
        Text(String),
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        match NumOrText::deserialize(d)? {
            NumOrText::Num(v) => Ok(v),
            NumOrText::Text(t) => match t.as_str() {
                "inf" => Ok(f64::INFINITY),
                "-inf" => Ok(f64::NEG_INFINITY),
                other => Err(serde::de::Error::custom(format!("`{other}` is not a number, \"inf\" or \"-inf\""))),
            },
        }
    }
}

impl TryFrom<FencesRaw> for Fences {
    type Error = Error;
    fn try_from(r: FencesRaw) -> shopml_core::Result<Self> {
        let (lower, upper) = (r.lower, r.upper);
        if lower.is_nan() || upper.is_nan() || lower > upper {
            return Err(Error::param("fences", format!("lower {lower} and upper {upper} must be ordered and not NaN")));
        }
        Ok(Fences { lower, upper })
    }
}

/// Linear-interpolation quantile of sorted finite data (type 7), written as
/// `a·(1 − t) + b·t` so that a gap wider than `f64::MAX` cannot overflow to ∞·0 = NaN.
pub(crate) fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    let t = h - lo as f64;
    if t == 0.0 {
        return sorted[lo];
    }
    sorted[lo] * (1.0 - t) + sorted[hi] * t
}

/// Fences of non-empty finite data (reordered in place), and the spread they
/// were built from (IQR, sd or MAD).
fn fences_of(values: &mut [f64], method: OutlierMethod) -> (Fences, f64) {
    match method {
        OutlierMethod::Iqr { k } => {
            values.sort_unstable_by(f64::total_cmp);
            let (q1, q3) = (quantile_sorted(values, 0.25), quantile_sorted(values, 0.75));
            let iqr = q3 - q1;
            (Fences { lower: q1 - k * iqr, upper: q3 + k * iqr }, iqr)
        }
        OutlierMethod::ZScore { threshold } => {
            // Scaled by the largest magnitude, so sums of values near f64::MAX do not overflow.
            let n = values.len() as f64;
            let scale = values.iter().fold(0.0f64, |m, v| m.max(v.abs()));
            if scale == 0.0 {
                return (Fences { lower: 0.0, upper: 0.0 }, 0.0);
            }
            let mean_s = values.iter().map(|v| v / scale / n).sum::<f64>();
            let sd_s = (values.iter().map(|v| (v / scale - mean_s) * (v / scale - mean_s)).sum::<f64>() / n).sqrt();
            let (mean, sd) = (mean_s * scale, sd_s * scale);
            (Fences { lower: mean - threshold * sd, upper: mean + threshold * sd }, sd)
        }
        OutlierMethod::RobustZ { threshold } => {
            values.sort_unstable_by(f64::total_cmp);
            let med = quantile_sorted(values, 0.5);
            // |v − med| may overflow to ∞ for data spanning ±f64::MAX; ∞ sorts last and is harmless.
            let mut dev: Vec<f64> = values.iter().map(|v| (v - med).abs()).collect();
            dev.sort_unstable_by(f64::total_cmp);
            let mad = quantile_sorted(&dev, 0.5);
            let half = threshold * mad / 0.6745;
            (Fences { lower: med - half, upper: med + half }, mad)
        }
    }
}

impl Fit<[f64]> for OutlierParams {
    type Model = Fences;
    type Error = CleanError;
    /// Fits fences on finite, non-empty data.
    fn fit(&self, data: &[f64]) -> Result<Fences> {
        self.check()?;
        if data.is_empty() {
            return Err(Error::empty("values").into());
        }
        validate::finite_slice("values", data)?;
        Ok(fences_of(&mut data.to_vec(), self.method).0)
    }
}

impl Transform<[f64]> for Fences {
    type Output = Vec<f64>;
    type Error = CleanError;
    /// Caps (winsorises) every value.
    fn transform(&self, input: &[f64]) -> Result<Vec<f64>> {
        validate::finite_slice("values", input)?;
        Ok(input.iter().map(|&v| self.cap(v)).collect())
    }
}

/// Fences per column of a matrix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnFences {
    /// One pair of fences per column.
    pub columns: Vec<Fences>,
}

impl ColumnFences {
    /// `true` where a value lies outside its column's fences.
    pub fn flags(&self, x: &Array2<f64>) -> Result<Array2<bool>> {
        validate::n_features(self.columns.len(), x.view())?;
        Ok(Array2::from_shape_fn(x.dim(), |(i, j)| self.columns[j].is_outlier(x[[i, j]])))
    }
}

impl Fit<Array2<f64>> for OutlierParams {
    type Model = ColumnFences;
    type Error = CleanError;
    /// Fits fences on each column of a finite, non-empty matrix.
    fn fit(&self, data: &Array2<f64>) -> Result<ColumnFences> {
        self.check()?;
        validate::records(data.view())?;
        let columns = data.columns().into_iter().map(|c| fences_of(&mut c.to_vec(), self.method).0).collect();
        Ok(ColumnFences { columns })
    }
}

impl Transform<Array2<f64>> for ColumnFences {
    type Output = Array2<f64>;
    type Error = CleanError;
    /// Caps every column into its fences.
    fn transform(&self, input: &Array2<f64>) -> Result<Array2<f64>> {
        validate::n_features(self.columns.len(), input.view())?;
        validate::finite_matrix("records", input.view())?;
        let mut out = input.clone();
        for (mut col, f) in out.columns_mut().into_iter().zip(&self.columns) {
            col.mapv_inplace(|v| f.cap(v));
        }
        Ok(out)
    }
}

/// Fences per group with a global fallback.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupedFences {
    /// Fences of all values together.
    pub global: Fences,
    /// Fences of each group large enough and with non-zero spread.
    pub groups: BTreeMap<String, Fences>,
}

impl GroupedFences {
    /// The fences that apply to `group`.
    pub fn fences_for(&self, group: &str) -> &Fences {
        self.groups.get(group).unwrap_or(&self.global)
    }

    /// Whether `x` is an outlier within `group`.
    pub fn is_outlier(&self, group: &str, x: f64) -> bool {
        self.fences_for(group).is_outlier(x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn closed_form_fences() {
        // z: mean 3, population sd sqrt(2) for 1..=5.
        let x = [1.0, 2.0, 3.0, 4.0, 5.0];
        let f = OutlierParams::z_score(2.0).fit(&x[..]).unwrap();
        assert!((f.lower - (3.0 - 2.0 * 2f64.sqrt())).abs() < 1e-12 && (f.upper - (3.0 + 2.0 * 2f64.sqrt())).abs() < 1e-12);
        // Robust z: median 3, MAD = median(|x-3|) = median(2,1,0,1,2) = 1; half width 3.5/0.6745.
        let f = OutlierParams::robust_z(3.5).fit(&x[..]).unwrap();
        assert!((f.upper - (3.0 + 3.5 / 0.6745)).abs() < 1e-12);
        // IQR with interpolation: 1..=4 → Q1 = 1.75, Q3 = 3.25 (numpy.percentile).
        let f = OutlierParams::iqr(1.0).fit(&[4.0, 1.0, 3.0, 2.0][..]).unwrap();
        assert_eq!((f.lower, f.upper), (1.75 - 1.5, 3.25 + 1.5));
    }

    #[test]
    fn grouped_falls_back_to_global() {
        let values = [1.0, 1.1, 0.9, 1.0, 50.0, 10.0, 10.0, 10.0];
        let groups = ["a", "a", "a", "a", "a", "b", "b", "b"];
        let g = OutlierParams::iqr(1.5).min_group_size(4).fit_grouped(&values, &groups).unwrap();
        assert!(g.is_outlier("a", 50.0));
        assert!(!g.is_outlier("a", 1.05));
        // "b" is too small and has zero spread: global fences apply.
        assert_eq!(g.fences_for("b"), &g.global);
        assert_eq!(g.fences_for("never seen"), &g.global);
        assert!(OutlierParams::iqr(1.5).fit_grouped(&values, &groups[..3]).is_err());
    }

    #[test]
    fn conformance() {
        use shopml_core::conformance;
        let x = array![[1.0, 10.0], [2.0, 20.0], [3.0, 30.0], [4.0, 400.0], [5.0, 50.0]];
        let p = OutlierParams::iqr(1.5);
        conformance::check_rejects_non_finite(&x, |x| p.fit(x));
        conformance::check_rejects_empty(2, |x| p.fit(x));
        let m = p.fit(&x).unwrap();
        conformance::check_rejects_wrong_width(2, |x| m.transform(x));
        conformance::check_serde_roundtrip(&m, |m| m.transform(&x).unwrap());
        conformance::check_input_unchanged(&x, |x| {
            p.fit(x).unwrap();
        });
        conformance::assert_send_sync::<ColumnFences>();
        conformance::assert_send_sync::<GroupedFences>();
        let capped = m.transform(&x).unwrap();
        // Column 2: sorted 10,20,30,50,400 → Q1 20, Q3 50, upper fence 95.
        assert_eq!(capped[[3, 1]], 95.0);
        assert_eq!(m.flags(&x).unwrap().iter().filter(|&&b| b).count(), 1);
        assert!(OutlierParams::iqr(-1.0).fit(&x).is_err());
        assert!(OutlierParams::z_score(f64::NAN).fit(&[1.0][..]).is_err());
    }
}
