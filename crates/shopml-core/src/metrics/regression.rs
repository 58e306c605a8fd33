//! Regression metrics.
//!
//! With residuals `eᵢ = yᵢ − ŷᵢ` over `n` observations:
//! - MAE `= Σ|eᵢ| / n`
//! - RMSE `= √(Σeᵢ² / n)`
//! - R² `= 1 − Σeᵢ² / Σ(yᵢ − ȳ)²` (1 for a perfect fit of a constant target, else
//!   `−∞`-free: a constant target with any error gives 0, as scikit-learn does).

use super::check_pair;
use crate::error::Result;

/// Mean absolute error.
pub fn mae(y_true: &[f64], y_pred: &[f64]) -> Result<f64> {
    check_pair("mae", y_true, y_pred)?;
    Ok(y_true.iter().zip(y_pred).map(|(a, b)| (a - b).abs()).sum::<f64>() / y_true.len() as f64)
}

/// Mean squared error.
pub fn mse(y_true: &[f64], y_pred: &[f64]) -> Result<f64> {
    check_pair("mse", y_true, y_pred)?;
    Ok(y_true.iter().zip(y_pred).map(|(a, b)| (a - b) * (a - b)).sum::<f64>() / y_true.len() as f64)
}

/// Root mean squared error.
pub fn rmse(y_true: &[f64], y_pred: &[f64]) -> Result<f64> {
    Ok(mse(y_true, y_pred)?.sqrt())
}

/// Coefficient of determination R².
pub fn r2(y_true: &[f64], y_pred: &[f64]) -> Result<f64> {
    check_pair("r2", y_true, y_pred)?;
    let mean = y_true.iter().sum::<f64>() / y_true.len() as f64;
    let ss_res: f64 = y_true.iter().zip(y_pred).map(|(a, b)| (a - b) * (a - b)).sum();
    let ss_tot: f64 = y_true.iter().map(|a| (a - mean) * (a - mean)).sum();
    if ss_tot == 0.0 {
        return Ok(if ss_res == 0.0 { 1.0 } else { 0.0 });
    }
    Ok(1.0 - ss_res / ss_tot)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_computed_values() {
        let y = [3.0, -0.5, 2.0, 7.0];
        let p = [2.5, 0.0, 2.0, 8.0];
        assert!((mae(&y, &p).unwrap() - 0.5).abs() < 1e-15);
        assert!((mse(&y, &p).unwrap() - 0.375).abs() < 1e-15);
        // ȳ = 2.875, SS_tot = 29.1875, SS_res = 1.5
        assert!((r2(&y, &p).unwrap() - (1.0 - 1.5 / 29.1875)).abs() < 1e-15);
        assert!(mae(&y, &p[..3]).is_err());
        assert!(rmse(&[], &[]).is_err());
        assert!(r2(&[1.0, f64::NAN], &[1.0, 1.0]).is_err());
    }
}
