//! Evaluation metrics shared by every crate, so results are reported alike.
//!
//! Every function checks its inputs (equal lengths, non-empty, finite) and
//! returns an [`Error`] rather than NaN.

pub mod classification;
pub mod curves;
pub mod forecast;
pub mod ranking;
pub mod regression;

use crate::error::{Error, Result};
use crate::validate;

pub(crate) fn check_pair(what: &str, y_true: &[f64], y_pred: &[f64]) -> Result<()> {
    if y_true.len() != y_pred.len() {
        return Err(Error::shape(format!("{what}: y_true vs y_pred"), y_true.len(), y_pred.len()));
    }
    if y_true.is_empty() {
        return Err(Error::empty(format!("{what}: no observations")));
    }
    validate::finite_slice("y_true", y_true)?;
    validate::finite_slice("y_pred", y_pred)
}
