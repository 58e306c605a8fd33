//! STL and MSTL: seasonal-trend decomposition by loess, for one or several
//! seasonal periods.
//!
//! STL (Cleveland, Cleveland, McRae & Terpenning 1990, *J. Official
//! Statistics* 6(1)) splits `y = trend + seasonal + remainder` by an inner
//! loop of (1) detrending, (2) loess smoothing of each cycle-subseries
//! (extended one period at both ends), (3) a low-pass filter of the result
//! (moving averages of lengths `period`, `period`, 3, then loess), (4)
//! subtracting it to get the seasonal component, and (5) loess smoothing of
//! the deseasonalised series to get the trend. Loess uses the tricube kernel
//! over the `q` nearest points, degree 0 or 1, exactly as in the authors'
//! Fortran routines (the windows at the ends, the widening when `q > n`, the
//! 0.001 / 0.999 kernel cut-offs).
//!
//! MSTL (Bandara, Hyndman & Bergmeir 2021) runs STL for each period in
//! increasing order, twice, each time on the series with the other seasonal
//! components removed. Defaults follow R's `forecast::mstl` and statsforecast:
//! seasonal windows 11, 15, 19, … and constant (degree-0) seasonal loess.
//!
//! ```
//! use shopml_forecast::stl::{MstlParams, mstl};
//! // Two cycles (12 and 84 steps) on a trend.
//! let y: Vec<f64> = (0..840)
//!     .map(|t| {
//!         let t = t as f64;
//!         0.05 * t + 3.0 * (t * std::f64::consts::TAU / 12.0).sin() + 5.0 * (t * std::f64::consts::TAU / 84.0).cos()
//!     })
//!     .collect();
//! let d = mstl(&y, &MstlParams::new(vec![12, 84])).unwrap();
//! assert_eq!(d.seasonals.len(), 2);
//! // The components add back to the series.
//! for t in 0..y.len() {
//!     let sum = d.trend[t] + d.seasonals[0][t] + d.seasonals[1][t] + d.remainder[t];
//!     assert!((sum - y[t]).abs() < 1e-9);
//! }
//! ```

use serde::{Deserialize, Serialize};
use shopml_core::Error;

use crate::error::Result;

/// STL options (`statsmodels.tsa.seasonal.STL` names and defaults).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StlParams {
    /// The seasonal period (≥ 2).
    pub period: usize,
    /// Span of the seasonal (cycle-subseries) loess, odd, ≥ 3 (default 7).
    pub seasonal: usize,
    /// Span of the trend loess (odd); default the smallest odd integer ≥
    /// `1.5 period / (1 − 1.5 / seasonal)`.
    pub trend: Option<usize>,
    /// Span of the low-pass loess (odd); default the smallest odd integer > `period`.
    pub low_pass: Option<usize>,
    /// Degree (0 or 1) of the seasonal loess (default 1).
    pub seasonal_deg: usize,
    /// Degree (0 or 1) of the trend loess (default 1).
    pub trend_deg: usize,
    /// Degree (0 or 1) of the low-pass loess (default 1).
    pub low_pass_deg: usize,
    /// Inner-loop passes (default 5, as statsmodels for a non-robust fit).
    pub inner_iter: usize,
    /// Robustness (outer-loop) passes with bisquare weights (default 0: not robust).
    pub outer_iter: usize,
}

impl StlParams {
    /// Defaults for a period.
    pub fn new(period: usize) -> Self {
        StlParams {
            period,
            seasonal: 7,
            trend: None,
            low_pass: None,
            seasonal_deg: 1,
            trend_deg: 1,
            low_pass_deg: 1,
            inner_iter: 5,
            outer_iter: 0,
        }
    }
    /// Sets the seasonal span.
    pub fn seasonal(mut self, v: usize) -> Self {
        self.seasonal = v;
        self
    }
    /// Sets the seasonal loess degree.
    pub fn seasonal_deg(mut self, v: usize) -> Self {
        self.seasonal_deg = v;
        self
    }
    /// Robust fitting: 15 outer passes with 2 inner passes each (as statsmodels' `robust=True`).
    pub fn robust(mut self) -> Self {
        self.outer_iter = 15;
        self.inner_iter = 2;
        self
    }

    fn resolved(&self, n: usize) -> Result<(usize, usize)> {
        if self.period < 2 {
            return Err(Error::param("period", format!("must be at least 2, got {}", self.period)).into());
        }
        if self.seasonal < 3 || self.seasonal.is_multiple_of(2) {
            return Err(Error::param("seasonal", format!("must be odd and at least 3, got {}", self.seasonal)).into());
        }
        for (name, d) in [("seasonal_deg", self.seasonal_deg), ("trend_deg", self.trend_deg), ("low_pass_deg", self.low_pass_deg)] {
            if d > 1 {
                return Err(Error::param(name, format!("loess degree must be 0 or 1, got {d}")).into());
            }
        }
        if self.inner_iter == 0 {
            return Err(Error::param("inner_iter", "must be at least 1").into());
        }
        if n < 2 * self.period {
            return Err(Error::param("period", format!("the series ({n} values) must cover two periods of {}", self.period)).into());
        }
        let odd = |v: usize| if v.is_multiple_of(2) { v + 1 } else { v };
        let trend = match self.trend {
            Some(t) if t >= 3 && t % 2 == 1 => t,
            Some(t) => return Err(Error::param("trend", format!("must be odd and at least 3, got {t}")).into()),
            None => odd((1.5 * self.period as f64 / (1.0 - 1.5 / self.seasonal as f64)).ceil() as usize),
        };
        let low_pass = match self.low_pass {
            Some(l) if l >= 3 && l % 2 == 1 => l,
            Some(l) => return Err(Error::param("low_pass", format!("must be odd and at least 3, got {l}")).into()),
            None => odd(self.period + 1),
        };
        Ok((trend, low_pass))
    }
}

/// An additive decomposition `y = trend + seasonal + remainder`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StlDecomposition {
    /// The trend component.
    pub trend: Vec<f64>,
    /// The seasonal component.
    pub seasonal: Vec<f64>,
    /// What is left.
    pub remainder: Vec<f64>,
}

/// STL of `y`. Errors: non-finite values, bad options, fewer than two periods.
pub fn stl(y: &[f64], params: &StlParams) -> Result<StlDecomposition> {
    check_finite(y)?;
    let n = y.len();
    let (n_trend, n_low) = params.resolved(n)?;
    let np = params.period;
    let mut trend = vec![0.0; n];
    let mut seasonal = vec![0.0; n];
    let mut rw = vec![1.0; n];
    let mut use_rw = false;
    for outer in 0..=params.outer_iter {
        for _ in 0..params.inner_iter {
            // 1. Detrend.
            let detr: Vec<f64> = y.iter().zip(&trend).map(|(a, b)| a - b).collect();
            // 2. Cycle-subseries smoothing, extended one period at each end.
            let mut c = vec![0.0; n + 2 * np];
            for j in 0..np {
                let idx: Vec<usize> = (j..n).step_by(np).collect();
                let k = idx.len();
                let sub: Vec<f64> = idx.iter().map(|&i| detr[i]).collect();
                let w: Vec<f64> = idx.iter().map(|&i| rw[i]).collect();
                // Positions 0..=k+1 (1-based: 0 and k+1 are the extensions).
                for (m, pos) in (0..k + 2).enumerate() {
                    let xs = pos as f64; // 1-based position of sub[pos-1]
                    let v = loess_point(
                        &sub,
                        if use_rw { Some(&w) } else { None },
                        xs,
                        params.seasonal,
                        params.seasonal_deg,
                        sub_window(k, params.seasonal, pos),
                    )
                    .unwrap_or_else(|| if pos >= 1 && pos <= k { sub[pos - 1] } else { 0.0 });
                    let t = j + m * np; // position in c
                    if t < c.len() {
                        c[t] = v;
                    }
                }
            }
            // 3. Low-pass filter.
            let l1 = moving_average(&c, np);
            let l2 = moving_average(&l1, np);
            let l3 = moving_average(&l2, 3);
            let low = loess_series(&l3, None, n_low, params.low_pass_deg);
            // 4. Seasonal = smoothed subseries − low-pass.
            for i in 0..n {
                seasonal[i] = c[np + i] - low[i];
            }
            // 5–6. Deseasonalise and smooth the trend.
            let deseas: Vec<f64> = y.iter().zip(&seasonal).map(|(a, b)| a - b).collect();
            trend = loess_series(&deseas, if use_rw { Some(&rw) } else { None }, n_trend, params.trend_deg);
        }
        if outer < params.outer_iter {
            rw = robustness_weights(y, &trend, &seasonal);
            use_rw = true;
        }
    }
    let remainder = (0..n).map(|i| y[i] - trend[i] - seasonal[i]).collect();
    Ok(StlDecomposition { trend, seasonal, remainder })
}

/// MSTL options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MstlParams {
    /// The seasonal periods (any order; decomposed in increasing order).
    pub periods: Vec<usize>,
    /// Seasonal spans, one per period in increasing order; default 11, 15, 19, ….
    pub windows: Option<Vec<usize>>,
    /// Passes over the periods (default 2; 1 when there is one period).
    pub iterate: usize,
}

impl MstlParams {
    /// Defaults for the given periods.
    pub fn new(periods: Vec<usize>) -> Self {
        MstlParams { periods, windows: None, iterate: 2 }
    }
}

/// An MSTL decomposition: `y = trend + Σ seasonals + remainder`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MstlDecomposition {
    /// The periods, increasing, in the order of `seasonals`.
    pub periods: Vec<usize>,
    /// The trend.
    pub trend: Vec<f64>,
    /// One seasonal component per period.
    pub seasonals: Vec<Vec<f64>>,
    /// What is left.
    pub remainder: Vec<f64>,
}

/// MSTL of `y` (Bandara, Hyndman & Bergmeir 2021). Errors: no period, a
/// period below 2, a series shorter than two of the longest period,
/// non-finite values, windows of the wrong count.
pub fn mstl(y: &[f64], params: &MstlParams) -> Result<MstlDecomposition> {
    check_finite(y)?;
    let mut periods = params.periods.clone();
    periods.sort_unstable();
    periods.dedup();
    if periods.is_empty() {
        return Err(Error::param("periods", "at least one seasonal period").into());
    }
    let windows = match &params.windows {
        Some(w) if w.len() == periods.len() => w.clone(),
        Some(w) => return Err(Error::shape("windows", format!("{} (one per period)", periods.len()), w.len()).into()),
        None => (1..=periods.len()).map(|k| 7 + 4 * k).collect(),
    };
    let iterate = if periods.len() == 1 { 1 } else { params.iterate.max(1) };
    let n = y.len();
    let mut seas = vec![vec![0.0; n]; periods.len()];
    let mut deseas = y.to_vec();
    let mut trend = vec![0.0; n];
    for _ in 0..iterate {
        for (i, &p) in periods.iter().enumerate() {
            for t in 0..n {
                deseas[t] += seas[i][t];
            }
            let d = stl(&deseas, &StlParams::new(p).seasonal(windows[i]).seasonal_deg(0))?;
            seas[i] = d.seasonal;
            for t in 0..n {
                deseas[t] -= seas[i][t];
            }
            trend = d.trend;
        }
    }
    let remainder = (0..n).map(|t| deseas[t] - trend[t]).collect();
    Ok(MstlDecomposition { periods, trend, seasonals: seas, remainder })
}

fn check_finite(y: &[f64]) -> Result<()> {
    if let Some((i, v)) = y.iter().enumerate().find(|(_, v)| !v.is_finite()) {
        return Err(Error::NonFinite { what: "series".into(), row: i, column: None, value: *v }.into());
    }
    Ok(())
}

/// The loess window (1-based `[left, right]`) of the Fortran routine for a
/// point at 1-based position `pos` of an `n`-point series and span `q`
/// (`pos` may be `0` or `n + 1` for the extensions).
fn sub_window(n: usize, q: usize, pos: usize) -> (usize, usize) {
    if q >= n {
        return (1, n);
    }
    if pos == 0 {
        return (1, q);
    }
    if pos > n {
        return (n - q + 1, n);
    }
    window(n, q, pos)
}

fn window(n: usize, q: usize, pos: usize) -> (usize, usize) {
    if q >= n {
        return (1, n);
    }
    let half = q.div_ceil(2);
    if pos <= half {
        (1, q)
    } else if pos > n - half {
        (n - q + 1, n)
    } else {
        (pos + 1 - half, pos + 1 - half + q - 1)
    }
}

/// Loess estimate at 1-based position `xs` from points `y[left-1..right]` at
/// positions `left..=right`: tricube weights, degree 0 or 1. `None` when the
/// weights vanish.
fn loess_point(y: &[f64], rw: Option<&[f64]>, xs: f64, q: usize, degree: usize, (left, right): (usize, usize)) -> Option<f64> {
    let n = y.len();
    let range = n as f64 - 1.0;
    let mut h = (xs - left as f64).max(right as f64 - xs);
    if q > n {
        h += ((q - n) / 2) as f64;
    }
    let h9 = 0.999 * h;
    let h1 = 0.001 * h;
    let mut w = vec![0.0; right - left + 1];
    let mut total = 0.0;
    for (k, j) in (left..=right).enumerate() {
        let r = (j as f64 - xs).abs();
        if r <= h9 {
            let wj = if r <= h1 { 1.0 } else { (1.0 - (r / h).powi(3)).powi(3) };
            w[k] = wj * rw.map_or(1.0, |rw| rw[j - 1]);
            total += w[k];
        }
    }
    if total <= 0.0 {
        return None;
    }
    for v in w.iter_mut() {
        *v /= total;
    }
    if h > 0.0 && degree > 0 {
        let a: f64 = (left..=right).zip(&w).map(|(j, wj)| wj * j as f64).sum();
        let c: f64 = (left..=right).zip(&w).map(|(j, wj)| wj * (j as f64 - a).powi(2)).sum();
        if c.sqrt() > 0.001 * range {
            let b = (xs - a) / c;
            for (k, j) in (left..=right).enumerate() {
                w[k] *= b * (j as f64 - a) + 1.0;
            }
        }
    }
    Some((left..=right).zip(&w).map(|(j, wj)| wj * y[j - 1]).sum())
}

/// Loess at every point of `y` (span `q`).
fn loess_series(y: &[f64], rw: Option<&[f64]>, q: usize, degree: usize) -> Vec<f64> {
    let n = y.len();
    (1..=n).map(|pos| loess_point(y, rw, pos as f64, q, degree, window(n, q, pos)).unwrap_or(y[pos - 1])).collect()
}

/// Running means of length `len` (`n − len + 1` values).
fn moving_average(x: &[f64], len: usize) -> Vec<f64> {
    let n = x.len();
    let mut out = Vec::with_capacity(n + 1 - len);
    let mut s: f64 = x[..len].iter().sum();
    out.push(s / len as f64);
    for i in len..n {
        s += x[i] - x[i - len];
        out.push(s / len as f64);
    }
    out
}

/// Bisquare robustness weights from the remainder (6 × median absolute remainder).
fn robustness_weights(y: &[f64], trend: &[f64], seasonal: &[f64]) -> Vec<f64> {
    let r: Vec<f64> = (0..y.len()).map(|i| (y[i] - trend[i] - seasonal[i]).abs()).collect();
    let mut sorted = r.clone();
    sorted.sort_by(|a, b| a.total_cmp(b));
    let n = sorted.len();
    let mid = (sorted[(n - 1) / 2] + sorted[n / 2]) / 2.0;
    let h = 6.0 * mid;
    let (c9, c1) = (0.999 * h, 0.001 * h);
    r.iter()
        .map(|&v| {
            if v <= c1 {
                1.0
            } else if v <= c9 {
                (1.0 - (v / h).powi(2)).powi(2)
            } else {
                0.0
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pure_seasonal_plus_linear_trend_is_recovered() {
        // Loess of degree 1 reproduces a straight line; a fixed periodic pattern
        // with zero mean is the seasonal component.
        let pattern = [2.0, -1.0, 0.5, -1.5];
        let y: Vec<f64> = (0..48).map(|t| 10.0 + 0.5 * t as f64 + pattern[t % 4]).collect();
        let d = stl(&y, &StlParams::new(4)).unwrap();
        for t in 0..48 {
            assert!((d.trend[t] - (10.0 + 0.5 * t as f64)).abs() < 1e-6, "trend {t}: {}", d.trend[t]);
            assert!((d.seasonal[t] - pattern[t % 4]).abs() < 1e-6, "seasonal {t}: {}", d.seasonal[t]);
        }
    }

    #[test]
    fn moving_average_and_windows() {
        assert_eq!(moving_average(&[1.0, 2.0, 3.0, 4.0], 2), vec![1.5, 2.5, 3.5]);
        assert_eq!(window(10, 3, 1), (1, 3));
        assert_eq!(window(10, 3, 5), (4, 6));
        assert_eq!(window(10, 3, 10), (8, 10));
        assert_eq!(window(3, 7, 2), (1, 3));
    }

    #[test]
    fn bad_inputs_are_errors() {
        assert!(stl(&[1.0; 5], &StlParams::new(4)).is_err());
        assert!(stl(&[1.0, f64::NAN, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], &StlParams::new(4)).is_err());
        assert!(stl(&[1.0; 20], &StlParams::new(4).seasonal(4)).is_err());
        assert!(mstl(&[1.0; 20], &MstlParams::new(vec![])).is_err());
    }
}
