//! Binary classification metrics. Labels are any [`BinaryLabel`]: `bool`
//! (`true` = positive class), as shopml's churn and purchase labels are, or
//! `f64` / `f32` / `u8` holding exactly 0 or 1, as 0/1 predictions of a
//! classifier are (any other value is an [`Error::InvalidValue`] naming its
//! row). Truth and predictions may use different label types.
//!
//! ```
//! use shopml_core::metrics::classification::{accuracy, roc_auc};
//! let churned = [true, false, true, false];
//! assert_eq!(accuracy(&churned, &[1.0, 0.0, 0.0, 0.0]).unwrap(), 0.75);
//! assert_eq!(roc_auc(&churned, &[0.9, 0.2, 0.6, 0.4]).unwrap(), 1.0);
//! assert!(accuracy(&churned, &[1.0, 0.5, 0.0, 0.0]).is_err()); // 0.5 is no label
//! ```
//!
//! - accuracy `= (TP + TN) / n`; precision `= TP / (TP + FP)`;
//!   recall `= TP / (TP + FN)`; F1 `= 2PR / (P + R)` (0 when undefined,
//!   as scikit-learn's `zero_division=0`).
//! - log-loss `= −Σ [yᵢ log pᵢ + (1 − yᵢ) log(1 − pᵢ)] / n`, with `pᵢ` clipped
//!   to `[ε, 1 − ε]`, `ε = 1e-15`.
//! - ROC AUC is the probability that a random positive scores above a random
//!   negative, ties counting one half (the Mann–Whitney U statistic).
//! - Average precision is scikit-learn's step-wise area under the
//!   precision–recall curve, `AP = Σₙ (Rₙ − Rₙ₋₁) Pₙ` over the distinct score
//!   thresholds from the highest down (tied scores form one threshold; no
//!   interpolation).

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::validate;

/// Counts of a binary confusion matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ConfusionMatrix {
    /// True positives.
    pub tp: usize,
    /// False positives.
    pub fp: usize,
    /// True negatives.
    pub tn: usize,
    /// False negatives.
    pub fn_: usize,
}

/// A binary class label: `bool`, or a number that is exactly 0 or 1.
pub trait BinaryLabel: Copy {
    /// `true` for the positive class; an error naming `what` and `row` for a
    /// number other than 0 or 1.
    fn to_bool(self, what: &str, row: usize) -> Result<bool>;
}

impl BinaryLabel for bool {
    fn to_bool(self, _: &str, _: usize) -> Result<bool> {
        Ok(self)
    }
}

impl BinaryLabel for u8 {
    fn to_bool(self, what: &str, row: usize) -> Result<bool> {
        (self as f64).to_bool(what, row)
    }
}

impl BinaryLabel for f32 {
    fn to_bool(self, what: &str, row: usize) -> Result<bool> {
        (self as f64).to_bool(what, row)
    }
}

impl BinaryLabel for f64 {
    fn to_bool(self, what: &str, row: usize) -> Result<bool> {
        if self == 1.0 {
            Ok(true)
        } else if self == 0.0 {
            Ok(false)
        } else {
            Err(Error::InvalidValue { what: what.into(), row, column: None, value: self, reason: "a binary label must be 0 or 1".into() })
        }
    }
}

/// Converts labels to `bool` (`true` = positive), checking numbers are 0 or 1.
///
/// ```
/// use shopml_core::metrics::classification::to_bools;
/// assert_eq!(to_bools(&[0.0, 1.0]).unwrap(), vec![false, true]);
/// assert!(to_bools(&[2.0]).is_err());
/// ```
pub fn to_bools<L: BinaryLabel>(labels: &[L]) -> Result<Vec<bool>> {
    labels.iter().enumerate().map(|(row, l)| l.to_bool("labels", row)).collect()
}

pub(crate) fn check_labels(n_true: usize, y_pred_len: usize) -> Result<()> {
    if n_true != y_pred_len {
        return Err(Error::shape("y_true vs y_pred", n_true, y_pred_len));
    }
    if n_true == 0 {
        return Err(Error::empty("no observations"));
    }
    Ok(())
}

/// The confusion matrix of predicted labels.
pub fn confusion_matrix<T: BinaryLabel, P: BinaryLabel>(y_true: &[T], y_pred: &[P]) -> Result<ConfusionMatrix> {
    check_labels(y_true.len(), y_pred.len())?;
    let mut c = ConfusionMatrix::default();
    for (row, (&t, &p)) in y_true.iter().zip(y_pred).enumerate() {
        match (t.to_bool("y_true", row)?, p.to_bool("y_pred", row)?) {
            (true, true) => c.tp += 1,
            (false, true) => c.fp += 1,
            (false, false) => c.tn += 1,
            (true, false) => c.fn_ += 1,
        }
    }
    Ok(c)
}

impl ConfusionMatrix {
    /// `(TP + TN) / n`.
    pub fn accuracy(&self) -> f64 {
        (self.tp + self.tn) as f64 / (self.tp + self.tn + self.fp + self.fn_) as f64
    }
    /// `TP / (TP + FP)`, 0 when nothing was predicted positive.
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    /// `TP / (TP + FN)`, 0 when there are no positives.
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    /// Harmonic mean of precision and recall, 0 when both are 0.
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// Share of correct labels.
pub fn accuracy<T: BinaryLabel, P: BinaryLabel>(y_true: &[T], y_pred: &[P]) -> Result<f64> {
    Ok(confusion_matrix(y_true, y_pred)?.accuracy())
}
/// Precision of the positive class.
pub fn precision<T: BinaryLabel, P: BinaryLabel>(y_true: &[T], y_pred: &[P]) -> Result<f64> {
    Ok(confusion_matrix(y_true, y_pred)?.precision())
}
/// Recall of the positive class.
pub fn recall<T: BinaryLabel, P: BinaryLabel>(y_true: &[T], y_pred: &[P]) -> Result<f64> {
    Ok(confusion_matrix(y_true, y_pred)?.recall())
}
/// F1 score of the positive class.
pub fn f1<T: BinaryLabel, P: BinaryLabel>(y_true: &[T], y_pred: &[P]) -> Result<f64> {
    Ok(confusion_matrix(y_true, y_pred)?.f1())
}

fn labels_named<L: BinaryLabel>(what: &str, labels: &[L]) -> Result<Vec<bool>> {
    labels.iter().enumerate().map(|(row, l)| l.to_bool(what, row)).collect()
}

/// Mean binary cross-entropy of predicted probabilities.
pub fn log_loss<T: BinaryLabel>(y_true: &[T], proba: &[f64]) -> Result<f64> {
    check_labels(y_true.len(), proba.len())?;
    let y_true = labels_named("y_true", y_true)?;
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
    const EPS: f64 = 1e-15;
    let s: f64 = y_true
        .iter()
        .zip(proba)
        .map(|(&t, &p)| {
            let p = p.clamp(EPS, 1.0 - EPS);
            if t { -p.ln() } else { -(1.0 - p).ln() }
        })
        .sum();
    Ok(s / y_true.len() as f64)
}

/// Area under the ROC curve from scores (any monotone scale).
///
/// Computed from average ranks in O(n log n). Errors when only one class is present.
pub fn roc_auc<T: BinaryLabel>(y_true: &[T], scores: &[f64]) -> Result<f64> {
    let (y_true, n_pos, n_neg) = scored_labels(y_true, scores, "ROC AUC")?;
    let ranks = crate::correlation::average_ranks(scores);
    let rank_sum_pos: f64 = ranks.iter().zip(&y_true).filter(|(_, t)| **t).map(|(r, _)| r).sum();
    let u = rank_sum_pos - (n_pos * (n_pos + 1)) as f64 / 2.0;
    Ok(u / (n_pos as f64 * n_neg as f64))
}

/// Checked labels and scores for a curve over both classes: the labels as
/// `bool` and the numbers of positives and negatives. Errors when lengths
/// differ, a label is not 0/1, a score is not finite, or one class is absent.
pub(crate) fn scored_labels<T: BinaryLabel>(y_true: &[T], scores: &[f64], what: &str) -> Result<(Vec<bool>, usize, usize)> {
    check_labels(y_true.len(), scores.len())?;
    let y_true = labels_named("y_true", y_true)?;
    validate::finite_slice("scores", scores)?;
    let n_pos = y_true.iter().filter(|&&t| t).count();
    let n_neg = y_true.len() - n_pos;
    if n_pos == 0 || n_neg == 0 {
        return Err(Error::InvalidValue {
            what: "y_true".into(),
            row: 0,
            column: None,
            value: n_pos as f64,
            reason: format!("{what} needs both classes"),
        });
    }
    Ok((y_true, n_pos, n_neg))
}

/// Average precision of scores (higher = more likely positive): the
/// step-wise area under the precision–recall curve, `Σₙ (Rₙ − Rₙ₋₁) Pₙ`,
/// where `n` runs over the distinct scores from the highest down and
/// `Pₙ`, `Rₙ` are the precision and recall of flagging every score `≥` the
/// `n`-th. Matches scikit-learn's `average_precision_score`, ties included.
///
/// O(n log n). Errors when there is no positive label (recall is undefined).
///
/// ```
/// use shopml_core::metrics::classification::average_precision;
/// // Thresholds 0.8 (one positive, one negative), 0.4 (second positive):
/// // AP = 0.5 · 1/2 + 0.5 · 2/3.
/// let ap = average_precision(&[true, false, true, false], &[0.8, 0.3, 0.4, 0.8]).unwrap();
/// assert!((ap - 7.0 / 12.0).abs() < 1e-15);
/// ```
pub fn average_precision<T: BinaryLabel>(y_true: &[T], scores: &[f64]) -> Result<f64> {
    check_labels(y_true.len(), scores.len())?;
    let y_true = labels_named("y_true", y_true)?;
    validate::finite_slice("scores", scores)?;
    let n_pos = y_true.iter().filter(|&&t| t).count();
    if n_pos == 0 {
        return Err(Error::InvalidValue {
            what: "y_true".into(),
            row: 0,
            column: None,
            value: 0.0,
            reason: "average precision needs at least one positive label".into(),
        });
    }
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    let (mut tp, mut seen, mut prev_recall, mut ap) = (0usize, 0usize, 0.0f64, 0.0f64);
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && scores[order[j + 1]] == scores[order[i]] {
            j += 1;
        }
        tp += order[i..=j].iter().filter(|&&k| y_true[k]).count();
        seen += j - i + 1;
        let recall = tp as f64 / n_pos as f64;
        ap += (recall - prev_recall) * (tp as f64 / seen as f64);
        prev_recall = recall;
        i = j + 1;
    }
    Ok(ap)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confusion_and_scores() {
        let t = [true, true, false, false, true];
        let p = [true, false, false, true, true];
        let c = confusion_matrix(&t, &p).unwrap();
        assert_eq!(c, ConfusionMatrix { tp: 2, fp: 1, tn: 1, fn_: 1 });
        assert!((c.accuracy() - 0.6).abs() < 1e-15);
        assert!((c.precision() - 2.0 / 3.0).abs() < 1e-15);
        assert!((c.recall() - 2.0 / 3.0).abs() < 1e-15);
        assert!((c.f1() - 2.0 / 3.0).abs() < 1e-15);
        assert_eq!(precision(&[false], &[false]).unwrap(), 0.0);
    }

    /// Issue 12: churn labels were f64 while the metrics took only `&[bool]`.
    #[test]
    fn numeric_and_bool_labels_agree() {
        let t = [true, true, false, false, true];
        let p = [1.0, 0.0, 0.0, 1.0, 1.0];
        let pb = [true, false, false, true, true];
        assert_eq!(confusion_matrix(&t, &p).unwrap(), confusion_matrix(&t, &pb).unwrap());
        assert_eq!(accuracy(&[1u8, 0], &[1.0f32, 1.0]).unwrap(), 0.5);
        assert!(matches!(f1(&t, &[1.0, 0.0, 0.0, 1.0, 2.0]), Err(Error::InvalidValue { row: 4, .. })));
        assert_eq!(roc_auc(&[1.0, 0.0], &[0.7, 0.1]).unwrap(), 1.0);
    }

    #[test]
    fn log_loss_by_hand() {
        let v = log_loss(&[true, false], &[0.8, 0.4]).unwrap();
        assert_eq!(log_loss(&[1.0, 0.0], &[0.8, 0.4]).unwrap(), v);
        assert!((v - (-(0.8f64).ln() - (0.6f64).ln()) / 2.0).abs() < 1e-15);
        assert!(log_loss(&[true], &[1.5]).is_err());
    }

    #[test]
    fn auc_counts_pairs() {
        // Pairs (pos, neg): (0.8,0.3) win, (0.8,0.8) tie, (0.4,0.3) win, (0.4,0.8) loss → 2.5 / 4.
        let auc = roc_auc(&[true, false, true, false], &[0.8, 0.3, 0.4, 0.8]).unwrap();
        assert!((auc - 0.625).abs() < 1e-15);
        assert!(roc_auc(&[true, true], &[0.1, 0.2]).is_err());
    }

    #[test]
    fn average_precision_matches_scikit_learn() {
        // Values from scikit-learn 1.9.1 `average_precision_score` on the same inputs.
        let ap = average_precision(&[true, false, true, false], &[0.8, 0.3, 0.4, 0.8]).unwrap();
        assert!((ap - 0.5833333333333333).abs() < 1e-15);
        let y = [true, false, false, true, true, false, false, false, true, false];
        let s = [0.9, 0.9, 0.1, 0.75, 0.3, 0.3, 0.3, 0.2, 0.6, 0.05];
        assert!((average_precision(&y, &s).unwrap() - 0.6220238095238095).abs() < 1e-15);
        assert!((average_precision(&[false, false, true], &[0.1, 0.2, 0.3]).unwrap() - 1.0).abs() < 1e-15);
        assert!((average_precision(&[true, false, false], &[0.1, 0.2, 0.3]).unwrap() - 1.0 / 3.0).abs() < 1e-15);
        assert!(average_precision(&[false, false], &[0.1, 0.2]).is_err());
        assert!(average_precision(&[true, false], &[0.1, f64::NAN]).is_err());
    }
}
