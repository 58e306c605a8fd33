//! Curves of a binary classifier's scores: the ROC curve and a reliability
//! (calibration) table by quantile bins.
//!
//! - The ROC curve lists `(false-positive rate, true-positive rate)` after
//!   flagging every score `≥` each distinct threshold, from the highest down,
//!   starting at `(0, 0)`; tied scores move both rates in one step, so the
//!   trapezoid area under the curve equals [`roc_auc`](super::classification::roc_auc)
//!   (Fawcett, "An introduction to ROC analysis", Pattern Recognition
//!   Letters 27, 2006, algorithm 1).
//! - The calibration table sorts predictions, cuts them into `n_bins` groups
//!   of (nearly) equal size — deciles for 10 — and reports each group's mean
//!   prediction beside its observed positive rate (a reliability diagram,
//!   Niculescu-Mizil & Caruana, ICML 2005). A calibrated model's two columns
//!   agree up to sampling noise.
//!
//! ```
//! use shopml_core::metrics::curves::{calibration_bins, roc_curve};
//! let y = [true, false, true, false];
//! let roc = roc_curve(&y, &[0.9, 0.2, 0.6, 0.4]).unwrap();
//! assert_eq!(roc.last().unwrap(), &(1.0, 1.0));
//! let bins = calibration_bins(&y, &[0.9, 0.2, 0.6, 0.4], 2).unwrap();
//! assert_eq!((bins[1].observed, bins[1].count), (1.0, 2));
//! ```

use serde::{Deserialize, Serialize};

use super::classification::{BinaryLabel, check_labels, scored_labels, to_bools};
use crate::error::{Error, Result};
use crate::validate;

/// The ROC curve of `scores` (higher = more likely positive): points
/// `(fpr, tpr)` from `(0, 0)` to `(1, 1)`, one per distinct score.
///
/// Errors when lengths differ, a score is not finite, a label is not 0/1, or
/// only one class is present (one of the rates is undefined).
pub fn roc_curve<T: BinaryLabel>(y_true: &[T], scores: &[f64]) -> Result<Vec<(f64, f64)>> {
    let (y, n_pos, n_neg) = scored_labels(y_true, scores, "a ROC curve")?;
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    let mut points = vec![(0.0, 0.0)];
    let (mut tp, mut fp) = (0usize, 0usize);
    let mut i = 0;
    while i < order.len() {
        let s = scores[order[i]];
        while i < order.len() && scores[order[i]] == s {
            if y[order[i]] {
                tp += 1;
            } else {
                fp += 1;
            }
            i += 1;
        }
        points.push((fp as f64 / n_neg as f64, tp as f64 / n_pos as f64));
    }
    Ok(points)
}

/// One quantile bin of a calibration table.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CalibrationBin {
    /// Mean predicted probability in the bin.
    pub predicted: f64,
    /// Share of positive labels in the bin.
    pub observed: f64,
    /// Observations in the bin.
    pub count: usize,
}

/// Calibration by quantile bins: predictions sorted ascending and cut into
/// `n_bins` groups whose sizes differ by at most one (the first
/// `n mod n_bins` groups take the extra observation).
///
/// Errors when lengths differ, `n_bins` is 0 or exceeds the number of
/// observations, or a probability is outside `[0, 1]`.
pub fn calibration_bins<T: BinaryLabel>(y_true: &[T], proba: &[f64], n_bins: usize) -> Result<Vec<CalibrationBin>> {
    check_labels(y_true.len(), proba.len())?;
    let y = to_bools(y_true)?;
    validate::finite_slice("probabilities", proba)?;
    if let Some(row) = proba.iter().position(|p| !(0.0..=1.0).contains(p)) {
        return Err(Error::InvalidValue {
            what: "probabilities".into(),
            row,
            column: None,
            value: proba[row],
            reason: "must lie in [0, 1]".into(),
        });
    }
    if n_bins == 0 || n_bins > y.len() {
        return Err(Error::param("n_bins", format!("must lie in 1..={} (the number of observations), got {n_bins}", y.len())));
    }
    let mut order: Vec<usize> = (0..proba.len()).collect();
    order.sort_by(|&a, &b| proba[a].total_cmp(&proba[b]));
    let (base, extra) = (y.len() / n_bins, y.len() % n_bins);
    let mut bins = Vec::with_capacity(n_bins);
    let mut start = 0;
    for b in 0..n_bins {
        let len = base + usize::from(b < extra);
        let members = &order[start..start + len];
        let predicted = members.iter().map(|&i| proba[i]).sum::<f64>() / len as f64;
        let observed = members.iter().filter(|&&i| y[i]).count() as f64 / len as f64;
        bins.push(CalibrationBin { predicted, observed, count: len });
        start += len;
    }
    Ok(bins)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::classification::roc_auc;

    fn lcg(seed: &mut u64) -> f64 {
        *seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (*seed >> 11) as f64 / (1u64 << 53) as f64
    }

    #[test]
    fn trapezoid_area_equals_auc_with_ties() {
        let mut s = 7;
        for n in [5usize, 40, 300] {
            let y: Vec<bool> = (0..n).map(|i| i % 3 == 0 || lcg(&mut s) < 0.2).collect();
            // Scores rounded to one decimal: many ties.
            let scores: Vec<f64> = (0..n).map(|i| ((lcg(&mut s) + if y[i] { 0.3 } else { 0.0 }) * 10.0).round() / 10.0).collect();
            let roc = roc_curve(&y, &scores).unwrap();
            let area: f64 = roc.windows(2).map(|w| (w[1].0 - w[0].0) * (w[1].1 + w[0].1) / 2.0).sum();
            assert!((area - roc_auc(&y, &scores).unwrap()).abs() < 1e-12, "n = {n}");
            assert_eq!(roc[0], (0.0, 0.0));
            assert_eq!(*roc.last().unwrap(), (1.0, 1.0));
            assert!(roc.windows(2).all(|w| w[1].0 >= w[0].0 && w[1].1 >= w[0].1), "monotone");
        }
    }

    #[test]
    fn roc_by_hand() {
        // Thresholds 0.9 (pos), 0.6 (pos), 0.4 (neg), 0.2 (neg).
        let roc = roc_curve(&[true, false, true, false], &[0.9, 0.2, 0.6, 0.4]).unwrap();
        assert_eq!(roc, vec![(0.0, 0.0), (0.0, 0.5), (0.0, 1.0), (0.5, 1.0), (1.0, 1.0)]);
        assert!(roc_curve(&[true, true], &[0.1, 0.2]).is_err());
        assert!(roc_curve(&[true, false], &[f64::NAN, 0.2]).is_err());
    }

    #[test]
    fn calibration_bins_partition_the_data() {
        let mut s = 3;
        let n = 1003;
        let p: Vec<f64> = (0..n).map(|_| lcg(&mut s)).collect();
        // Labels drawn with the predicted probability: a calibrated model.
        let y: Vec<bool> = p.iter().map(|&q| lcg(&mut s) < q).collect();
        let bins = calibration_bins(&y, &p, 10).unwrap();
        assert_eq!(bins.iter().map(|b| b.count).sum::<usize>(), n);
        assert!(bins.iter().all(|b| b.count == 100 || b.count == 101));
        let positives: f64 = bins.iter().map(|b| b.observed * b.count as f64).sum();
        assert!((positives - y.iter().filter(|&&t| t).count() as f64).abs() < 1e-9);
        assert!(bins.windows(2).all(|w| w[1].predicted >= w[0].predicted), "bins ascend");
        // Each decile's observed rate is within 4 standard errors of its mean prediction.
        for b in &bins {
            let se = (b.predicted * (1.0 - b.predicted) / b.count as f64).sqrt().max(0.01);
            assert!((b.observed - b.predicted).abs() < 4.0 * se, "{b:?}");
        }
        assert!(calibration_bins(&y, &p, 0).is_err());
        assert!(calibration_bins(&[true], &[1.5], 1).is_err());
    }
}
