//! The interface every detector shares, and the threshold helpers.
//!
//! Conventions follow scikit-learn's outlier detectors so that numbers can be
//! compared one to one:
//!
//! - [`Detector::score_samples`]: **higher is more normal** (Isolation Forest
//!   gives `−2^(−E[h]/c(ψ))`, LOF the negative local outlier factor, the
//!   robust scorers the negative largest robust z-score). Rank anomalies by
//!   `−score_samples`.
//! - [`Detector::offset`]: the threshold on `score_samples`; set from a
//!   [`Contamination`] at fit time or explicitly with each model's
//!   `with_offset`.
//! - [`Detector::decision_function`] `= score_samples − offset`: negative for
//!   outliers.
//! - `predict` (the [`Predict`](shopml_core::Predict) trait): `+1` inlier,
//!   `−1` outlier (`decision_function < 0`).

use ndarray::{Array1, ArrayBase, Data, Ix2};
use serde::{Deserialize, Serialize};
use shopml_core::Error;

use crate::error::Result;

/// How the threshold ([`Detector::offset`]) is set at fit time.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub enum Contamination {
    /// The detector's fixed default (scikit-learn's `contamination="auto"`):
    /// `−0.5` for Isolation Forest, `−1.5` for LOF, `−threshold` for the
    /// robust scorers.
    #[default]
    Auto,
    /// The expected share of outliers in the training data, in `(0, 0.5]`:
    /// the offset is that percentile of the training scores (linear
    /// interpolation, numpy's default), so about that share is flagged.
    Fraction(f64),
}

impl Contamination {
    /// Validates a fraction: `(0, 0.5]`.
    pub(crate) fn check(&self) -> shopml_core::Result<()> {
        match *self {
            Contamination::Auto => Ok(()),
            Contamination::Fraction(f) if f > 0.0 && f <= 0.5 => Ok(()),
            Contamination::Fraction(f) => Err(Error::param("contamination", format!("must be in (0, 0.5], got {f}"))),
        }
    }

    /// The offset for these training scores, given the detector's default.
    pub(crate) fn offset(&self, training_scores: &[f64], auto: f64) -> f64 {
        match *self {
            Contamination::Auto => auto,
            Contamination::Fraction(f) => percentile(training_scores, 100.0 * f),
        }
    }
}

/// `q`-th percentile (`0 ≤ q ≤ 100`) of non-empty finite data by linear
/// interpolation between order statistics (numpy's default, Hyndman & Fan
/// type 7).
pub fn percentile(values: &[f64], q: f64) -> f64 {
    let mut v = values.to_vec();
    v.sort_unstable_by(f64::total_cmp);
    let h = (v.len() - 1) as f64 * (q / 100.0);
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(v.len() - 1);
    v[lo] + (h - lo as f64) * (v[hi] - v[lo])
}

/// A fitted outlier detector (scikit-learn's conventions; see the module docs).
///
/// Every detector also implements [`Predict`](shopml_core::Predict) with
/// `Output = Array1<i8>` (`+1` inlier, `−1` outlier).
pub trait Detector {
    /// Number of features the detector was fitted on.
    fn n_features(&self) -> usize;

    /// The threshold on [`score_samples`](Detector::score_samples).
    fn offset(&self) -> f64;

    /// Normality score of each row: higher is more normal.
    fn score_samples<S: Data<Elem = f64>>(&self, x: &ArrayBase<S, Ix2>) -> Result<Array1<f64>>;

    /// `score_samples − offset`: negative for outliers.
    fn decision_function<S: Data<Elem = f64>>(&self, x: &ArrayBase<S, Ix2>) -> Result<Array1<f64>> {
        let off = self.offset();
        Ok(self.score_samples(x)?.mapv_into(|s| s - off))
    }
}

/// `+1` where the decision is non-negative, `−1` where it is negative.
pub(crate) fn labels(decision: &Array1<f64>) -> Array1<i8> {
    decision.mapv(|d| if d < 0.0 { -1 } else { 1 })
}

/// Checks records: non-empty, finite, `n_features` wide (when given).
pub(crate) fn check_records<S: Data<Elem = f64>>(x: &ArrayBase<S, Ix2>, n_features: Option<usize>) -> Result<()> {
    if let Some(d) = n_features {
        shopml_core::validate::n_features(d, x.view())?;
    }
    shopml_core::validate::records(x.view())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentile_matches_numpy() {
        // numpy.percentile([1, 2, 3, 4], 10) = 1.3; ([5, 1, 3], 50) = 3.
        assert!((percentile(&[4.0, 1.0, 3.0, 2.0], 10.0) - 1.3).abs() < 1e-12);
        assert_eq!(percentile(&[5.0, 1.0, 3.0], 50.0), 3.0);
        assert!(Contamination::Fraction(0.0).check().is_err());
        assert!(Contamination::Fraction(0.6).check().is_err());
        assert!(Contamination::Fraction(f64::NAN).check().is_err());
        assert!(Contamination::Fraction(0.5).check().is_ok());
    }
}
