//! Input and parameter checks that every crate uses, so that the same mistake
//! produces the same error everywhere.

use ndarray::{ArrayView1, ArrayView2};

use crate::error::{Error, Result};

/// Fails with [`Error::NonFinite`] at the first NaN or ±∞ in `x`, scanning
/// row by row.
pub fn finite_matrix(what: &str, x: ArrayView2<'_, f64>) -> Result<()> {
    for (row, r) in x.outer_iter().enumerate() {
        for (column, &value) in r.iter().enumerate() {
            if !value.is_finite() {
                return Err(Error::NonFinite { what: what.to_string(), row, column: Some(column), value });
            }
        }
    }
    Ok(())
}

/// Fails with [`Error::NonFinite`] at the first NaN or ±∞ in `x`.
pub fn finite_vector(what: &str, x: ArrayView1<'_, f64>) -> Result<()> {
    match x.iter().position(|v| !v.is_finite()) {
        Some(row) => Err(Error::NonFinite { what: what.to_string(), row, column: None, value: x[row] }),
        None => Ok(()),
    }
}

/// Fails with [`Error::NonFinite`] at the first NaN or ±∞ in a slice.
pub fn finite_slice(what: &str, x: &[f64]) -> Result<()> {
    match x.iter().position(|v| !v.is_finite()) {
        Some(row) => Err(Error::NonFinite { what: what.to_string(), row, column: None, value: x[row] }),
        None => Ok(()),
    }
}

/// Fails with [`Error::EmptyInput`] when `x` has no rows or no columns.
pub fn non_empty_matrix(what: &str, x: ArrayView2<'_, f64>) -> Result<()> {
    if x.nrows() == 0 {
        return Err(Error::empty(format!("{what} has no rows")));
    }
    if x.ncols() == 0 {
        return Err(Error::empty(format!("{what} has no columns")));
    }
    Ok(())
}

/// The checks every estimator runs on a feature matrix: non-empty, finite.
pub fn records(x: ArrayView2<'_, f64>) -> Result<()> {
    non_empty_matrix("records", x)?;
    finite_matrix("records", x)
}

/// Checks a target vector against its records: same length, finite.
pub fn targets(x: ArrayView2<'_, f64>, y: ArrayView1<'_, f64>) -> Result<()> {
    if y.len() != x.nrows() {
        return Err(Error::shape("targets vs records", format!("{} targets", x.nrows()), format!("{} targets", y.len())));
    }
    finite_vector("targets", y)
}

/// Checks optional sample weights: one per row, finite, non-negative, not all zero.
pub fn sample_weights(n_rows: usize, w: Option<ArrayView1<'_, f64>>) -> Result<()> {
    let Some(w) = w else { return Ok(()) };
    if w.len() != n_rows {
        return Err(Error::shape("sample_weight vs records", format!("{n_rows} weights"), format!("{} weights", w.len())));
    }
    finite_vector("sample_weight", w)?;
    if let Some(row) = w.iter().position(|&v| v < 0.0) {
        return Err(Error::InvalidValue {
            what: "sample_weight".into(),
            row,
            column: None,
            value: w[row],
            reason: "weights must be non-negative".into(),
        });
    }
    if w.iter().all(|&v| v == 0.0) {
        return Err(Error::empty("sample_weight: every weight is zero"));
    }
    Ok(())
}

/// Checks that new records have as many columns as the model was fitted on.
pub fn n_features(expected: usize, x: ArrayView2<'_, f64>) -> Result<()> {
    if x.ncols() != expected {
        return Err(Error::shape("records", format!("{expected} columns"), format!("{} columns", x.ncols())));
    }
    Ok(())
}

/// Parameter checks that name the parameter in their error.
pub mod param {
    use super::{Error, Result};

    /// `value > 0` and finite.
    pub fn positive(name: &'static str, value: f64) -> Result<()> {
        if value.is_finite() && value > 0.0 { Ok(()) } else { Err(Error::param(name, format!("must be a finite number > 0, got {value}"))) }
    }

    /// `value >= 0` and finite.
    pub fn non_negative(name: &'static str, value: f64) -> Result<()> {
        if value.is_finite() && value >= 0.0 {
            Ok(())
        } else {
            Err(Error::param(name, format!("must be a finite number >= 0, got {value}")))
        }
    }

    /// `lo <= value <= hi`.
    pub fn in_closed(name: &'static str, value: f64, lo: f64, hi: f64) -> Result<()> {
        if value >= lo && value <= hi { Ok(()) } else { Err(Error::param(name, format!("must lie in [{lo}, {hi}], got {value}"))) }
    }

    /// `lo < value < hi`.
    pub fn in_open(name: &'static str, value: f64, lo: f64, hi: f64) -> Result<()> {
        if value > lo && value < hi { Ok(()) } else { Err(Error::param(name, format!("must lie in ({lo}, {hi}), got {value}"))) }
    }

    /// A count that must be at least `min`.
    pub fn at_least(name: &'static str, value: usize, min: usize) -> Result<()> {
        if value >= min { Ok(()) } else { Err(Error::param(name, format!("must be at least {min}, got {value}"))) }
    }
}
