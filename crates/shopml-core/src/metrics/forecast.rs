//! Forecast accuracy metrics.
//!
//! For actuals `yₜ` and forecasts `ŷₜ`, `t = 1..h`:
//! - MAE `= Σ|yₜ − ŷₜ| / h`, RMSE `= √(Σ(yₜ − ŷₜ)² / h)`;
//! - MAPE `= 100 · Σ|yₜ − ŷₜ| / |yₜ| / h` (undefined when some `yₜ = 0`: an error);
//! - sMAPE as the M4 competition defines it: `200 · Σ |yₜ − ŷₜ| / (|yₜ| + |ŷₜ|) / h`
//!   (a term with `yₜ = ŷₜ = 0` counts 0);
//! - MASE `= MAE / (Σ_{t=m+1..n} |xₜ − xₜ₋ₘ| / (n − m))` over the in-sample
//!   series `x` with season length `m` (Hyndman & Koehler 2006);
//! - bias `= Σ(ŷₜ − yₜ) / h` (positive = over-forecasting).

use super::check_pair;
use crate::error::{Error, Result};
use crate::validate;

pub use super::regression::{mae, rmse};

/// Mean absolute percentage error, in percent.
pub fn mape(y_true: &[f64], y_pred: &[f64]) -> Result<f64> {
    check_pair("mape", y_true, y_pred)?;
    let mut s = 0.0;
    for (t, (&a, &f)) in y_true.iter().zip(y_pred).enumerate() {
        if a == 0.0 {
            return Err(Error::InvalidValue {
                what: "y_true".into(),
                row: t,
                column: None,
                value: a,
                reason: "MAPE is undefined for a zero actual".into(),
            });
        }
        s += ((a - f) / a).abs();
    }
    Ok(100.0 * s / y_true.len() as f64)
}

/// Symmetric MAPE as defined by the M4 competition (0–200).
pub fn smape(y_true: &[f64], y_pred: &[f64]) -> Result<f64> {
    check_pair("smape", y_true, y_pred)?;
    let s: f64 = y_true
        .iter()
        .zip(y_pred)
        .map(|(&a, &f)| {
            let d = a.abs() + f.abs();
            if d == 0.0 { 0.0 } else { (a - f).abs() / d }
        })
        .sum();
    Ok(200.0 * s / y_true.len() as f64)
}

/// The MASE scale: mean absolute seasonal difference of the in-sample series.
pub fn mase_scale(insample: &[f64], season_length: usize) -> Result<f64> {
    if season_length == 0 {
        return Err(Error::param("season_length", "must be at least 1"));
    }
    validate::finite_slice("insample", insample)?;
    if insample.len() <= season_length {
        return Err(Error::shape("mase insample", format!("more than {season_length} observations"), insample.len()));
    }
    let n = insample.len() - season_length;
    let scale = (season_length..insample.len()).map(|t| (insample[t] - insample[t - season_length]).abs()).sum::<f64>() / n as f64;
    if scale == 0.0 {
        return Err(Error::Singular { what: "MASE scale is zero: the in-sample series has no seasonal change".into() });
    }
    Ok(scale)
}

/// Mean absolute scaled error.
pub fn mase(y_true: &[f64], y_pred: &[f64], insample: &[f64], season_length: usize) -> Result<f64> {
    let scale = mase_scale(insample, season_length)?;
    Ok(mae(y_true, y_pred)? / scale)
}

/// Mean forecast error `ŷ − y` (positive = over-forecasting).
pub fn bias(y_true: &[f64], y_pred: &[f64]) -> Result<f64> {
    check_pair("bias", y_true, y_pred)?;
    Ok(y_true.iter().zip(y_pred).map(|(a, f)| f - a).sum::<f64>() / y_true.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_computed() {
        let y = [100.0, 200.0, 0.0];
        let f = [110.0, 180.0, 0.0];
        // M4 sMAPE: 200/3 · (10/210 + 20/380 + 0)
        assert!((smape(&y, &f).unwrap() - 200.0 / 3.0 * (10.0 / 210.0 + 20.0 / 380.0)).abs() < 1e-12);
        assert!(mape(&y, &f).is_err());
        assert!((mape(&y[..2], &f[..2]).unwrap() - 10.0).abs() < 1e-12);
        assert!((bias(&y, &f).unwrap() - (-10.0 / 3.0)).abs() < 1e-12);
        // In-sample [1, 3, 2, 6] with m = 2: |2 − 1| + |6 − 3| = 4 over 2 → scale 2.
        assert!((mase_scale(&[1.0, 3.0, 2.0, 6.0], 2).unwrap() - 2.0).abs() < 1e-15);
        assert!((mase(&[5.0], &[8.0], &[1.0, 3.0, 2.0, 6.0], 2).unwrap() - 1.5).abs() < 1e-15);
        assert!(mase(&[5.0], &[8.0], &[2.0, 2.0, 2.0], 1).is_err());
    }
}
