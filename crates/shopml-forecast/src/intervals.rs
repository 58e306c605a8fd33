//! Prediction intervals shared by the models: the level check (percent),
//! normal intervals from forecast variances, and conformal quantiles of
//! absolute errors.

use shopml_core::{Error, Interval};

use crate::normal;

/// Checks interval levels: percentages in `[1, 100)`.
///
/// Every level in the workspace is a percentage (`95.0` for a 95 % interval).
/// A level below 1 is rejected rather than read as a sub-1 % band: `0.95`
/// is almost always a fraction meant as `95.0`, and a 0.95 % interval (a
/// band of nearly zero width around the point forecast) is never what a
/// caller wants. The error says so.
pub fn check_levels(levels: &[f64]) -> shopml_core::Result<()> {
    shopml_core::check_levels(levels)?;
    if let Some(&l) = levels.iter().find(|&&l| l < 1.0) {
        return Err(Error::param(
            "level",
            format!("interval levels are percentages in [1, 100); got {l} — for a {}% interval pass {}", l * 100.0, l * 100.0),
        ));
    }
    Ok(())
}

/// The longest forecast horizon any model accepts (steps).
pub const MAX_HORIZON: usize = 100_000;

/// Checks a forecast horizon: at most [`MAX_HORIZON`] steps, so a mistaken
/// `usize::MAX` is an error rather than an allocation the process cannot survive.
pub fn check_horizon(horizon: usize) -> shopml_core::Result<()> {
    if horizon > MAX_HORIZON {
        return Err(Error::param("horizon", format!("at most {MAX_HORIZON} steps, got {horizon}")));
    }
    Ok(())
}

/// The conformal quantile of sorted absolute errors at coverage `level` in
/// (0, 1): the `⌈(n + 1) level⌉`-th smallest error (the largest when that
/// exceeds `n`; 0 without errors).
pub fn conformal_quantile(sorted_abs: &[f64], level: f64) -> f64 {
    let n = sorted_abs.len();
    if n == 0 {
        return 0.0;
    }
    let k = (((n + 1) as f64) * level).ceil() as usize;
    sorted_abs[k.clamp(1, n) - 1]
}

/// Normal intervals from a point forecast and variances.
pub(crate) fn normal_intervals(point: &[f64], var: &[f64], levels: &[f64]) -> shopml_core::Result<Vec<Interval>> {
    let mut out = Vec::with_capacity(levels.len());
    for &lv in levels {
        let z = normal::quantile(0.5 + lv / 200.0)?;
        let half: Vec<f64> = var.iter().map(|v| z * v.max(0.0).sqrt()).collect();
        out.push(Interval {
            level: lv,
            lower: point.iter().zip(&half).map(|(p, d)| p - d).collect(),
            upper: point.iter().zip(&half).map(|(p, d)| p + d).collect(),
        });
    }
    Ok(out)
}

/// Intervals from the empirical quantiles of absolute residuals (split
/// conformal with the in-sample one-step errors, widened by √h).
pub(crate) fn residual_intervals(point: &[f64], residuals: &[f64], levels: &[f64]) -> Vec<Interval> {
    let mut abs: Vec<f64> = residuals.iter().filter(|v| v.is_finite()).map(|v| v.abs()).collect();
    abs.sort_by(f64::total_cmp);
    levels
        .iter()
        .map(|&lv| {
            let q = conformal_quantile(&abs, lv / 100.0);
            Interval {
                level: lv,
                lower: point.iter().enumerate().map(|(h, p)| p - q * ((h + 1) as f64).sqrt()).collect(),
                upper: point.iter().enumerate().map(|(h, p)| p + q * ((h + 1) as f64).sqrt()).collect(),
            }
        })
        .collect()
}
