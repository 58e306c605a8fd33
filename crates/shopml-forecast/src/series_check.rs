//! Input checks shared by every forecasting model.

use shopml_core::{Error, TimeSeries};

use crate::error::{ForecastError, Result};

/// Checks that `series` is non-empty and finite and, for models with a
/// multiplicative component (`positive`), strictly positive; `model` names
/// the model in the error.
pub(crate) fn check_series(model: &str, series: &TimeSeries, positive: bool) -> Result<()> {
    let y = series.values();
    if y.is_empty() {
        return Err(Error::empty("series").into());
    }
    shopml_core::validate::finite_slice("series values", y)?;
    if positive && let Some(row) = y.iter().position(|&v| v <= 0.0) {
        return Err(ForecastError::NonPositive { model: model.into(), row, value: y[row] });
    }
    Ok(())
}
