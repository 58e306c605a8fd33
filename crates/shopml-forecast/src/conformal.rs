//! Split-conformal prediction intervals from rolling-origin forecast errors
//! (Vovk, Gammerman & Shafer 2005, *Algorithmic Learning in a Random World*;
//! the rolling-origin calibration used by statsforecast's `ConformalIntervals`
//! follows Stankeviciute et al. 2021, NeurIPS).
//!
//! For each horizon step `h`, the absolute errors `|y − ŷ|` of the `h`-step
//! forecasts made at `n_windows` past origins form a calibration set; the
//! interval at level `L` is `ŷ ± q_h`, where `q_h` is the
//! `⌈(n + 1) L⌉`-th smallest of those errors (the largest when that exceeds `n`).

/// The conformal quantile of sorted absolute errors at coverage `level` in (0, 1).
pub fn conformal_quantile(sorted_abs: &[f64], level: f64) -> f64 {
    let n = sorted_abs.len();
    if n == 0 {
        return 0.0;
    }
    let k = (((n + 1) as f64) * level).ceil() as usize;
    sorted_abs[k.clamp(1, n) - 1]
}
