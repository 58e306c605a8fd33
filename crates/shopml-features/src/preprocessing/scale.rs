//! Standard, min-max and robust (median / IQR) scaling.

use ndarray::{Array1, Array2, ArrayView2, Axis};
use serde::{Deserialize, Serialize};
use shopml_core::{Error, Fit, Params, Transform, validate};

use super::handle_zero_scale;
use crate::error::{FeaturesError, Result};

/// Parameters of [`StandardScaler`]: `z = (x − mean) / std` per column, with
/// the population standard deviation (ddof = 0). Columns with (numerically)
/// zero variance keep scale 1, as in scikit-learn.
///
/// ```
/// use ndarray::array;
/// use shopml_core::{Fit, Transform};
/// use shopml_features::preprocessing::StandardScalerParams;
/// let x = array![[1.0, 5.0], [3.0, 5.0]];
/// let model = StandardScalerParams::new().fit(&x).unwrap();
/// assert_eq!(model.transform(&x).unwrap(), array![[-1.0, 0.0], [1.0, 0.0]]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct StandardScalerParams {
    with_mean: bool,
    with_std: bool,
}

impl Default for StandardScalerParams {
    fn default() -> Self {
        StandardScalerParams { with_mean: true, with_std: true }
    }
}

impl StandardScalerParams {
    /// Centre and scale.
    pub fn new() -> Self {
        Self::default()
    }
    /// Whether to subtract the mean (default `true`).
    pub fn with_mean(mut self, yes: bool) -> Self {
        self.with_mean = yes;
        self
    }
    /// Whether to divide by the standard deviation (default `true`).
    pub fn with_std(mut self, yes: bool) -> Self {
        self.with_std = yes;
        self
    }
}

impl Params for StandardScalerParams {
    fn check(&self) -> shopml_core::Result<()> {
        Ok(())
    }
}

/// A fitted standard scaler.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StandardScaler {
    /// Column means (zeros when not centring).
    pub mean: Array1<f64>,
    /// Column population variances.
    pub var: Array1<f64>,
    /// Divisor per column (ones when not scaling).
    pub scale: Array1<f64>,
}

/// Column means and population variances with scikit-learn's corrected
/// two-pass formula `(Σ(x − m)² − (Σ(x − m))² / n) / n`.
fn mean_var(x: ArrayView2<'_, f64>) -> (Array1<f64>, Array1<f64>) {
    let n = x.nrows() as f64;
    let mean = x.sum_axis(Axis(0)) / n;
    let mut var = Array1::zeros(x.ncols());
    for j in 0..x.ncols() {
        let (mut s, mut s2) = (0.0, 0.0);
        for &v in x.column(j) {
            let d = v - mean[j];
            s += d;
            s2 += d * d;
        }
        var[j] = (s2 - s * s / n) / n;
    }
    (mean, var)
}

impl Fit<Array2<f64>> for StandardScalerParams {
    type Model = StandardScaler;
    type Error = FeaturesError;
    fn fit(&self, x: &Array2<f64>) -> Result<StandardScaler> {
        self.check()?;
        validate::records(x.view())?;
        let (mean, var) = mean_var(x.view());
        let n = x.nrows() as f64;
        let scale = if self.with_std {
            var.iter()
                .zip(mean.iter())
                .map(|(&v, &m)| {
                    // scikit-learn's `_is_constant_feature`.
                    let eps = f64::EPSILON;
                    let bound = n * eps * v + (n * m * eps).powi(2);
                    if v <= bound { 1.0 } else { handle_zero_scale(v.sqrt()) }
                })
                .collect()
        } else {
            Array1::ones(x.ncols())
        };
        let mean = if self.with_mean { mean } else { Array1::zeros(x.ncols()) };
        Ok(StandardScaler { mean, var, scale })
    }
}

impl StandardScaler {
    /// Maps scaled values back to the original units.
    pub fn inverse_transform(&self, z: &Array2<f64>) -> Result<Array2<f64>> {
        validate::n_features(self.mean.len(), z.view())?;
        validate::finite_matrix("records", z.view())?;
        Ok(z * &self.scale + &self.mean)
    }
}

impl Transform<Array2<f64>> for StandardScaler {
    type Output = Array2<f64>;
    type Error = FeaturesError;
    fn transform(&self, x: &Array2<f64>) -> Result<Array2<f64>> {
        validate::n_features(self.mean.len(), x.view())?;
        validate::finite_matrix("records", x.view())?;
        Ok((x - &self.mean) / &self.scale)
    }
}

/// Parameters of [`MinMaxScaler`]: maps each column's `[min, max]` seen in
/// fitting onto `feature_range` (default `[0, 1]`) as `x · scale + min`,
/// scikit-learn's formula. Constant columns get scale 1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MinMaxScalerParams {
    feature_range: (f64, f64),
    clip: bool,
}

impl Default for MinMaxScalerParams {
    fn default() -> Self {
        MinMaxScalerParams { feature_range: (0.0, 1.0), clip: false }
    }
}

impl MinMaxScalerParams {
    /// Range `[0, 1]`, no clipping.
    pub fn new() -> Self {
        Self::default()
    }
    /// Target range `(low, high)`, `low < high`.
    pub fn feature_range(mut self, low: f64, high: f64) -> Self {
        self.feature_range = (low, high);
        self
    }
    /// Clip transformed values of new data into the range (default `false`).
    pub fn clip(mut self, yes: bool) -> Self {
        self.clip = yes;
        self
    }
}

impl Params for MinMaxScalerParams {
    fn check(&self) -> shopml_core::Result<()> {
        let (lo, hi) = self.feature_range;
        if !(lo.is_finite() && hi.is_finite() && lo < hi) {
            return Err(Error::param("feature_range", format!("needs finite low < high, got ({lo}, {hi})")));
        }
        Ok(())
    }
}

/// A fitted min-max scaler.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MinMaxScaler {
    /// Column minima seen in fitting.
    pub data_min: Array1<f64>,
    /// Column maxima seen in fitting.
    pub data_max: Array1<f64>,
    /// Multiplier per column.
    pub scale: Array1<f64>,
    /// Offset per column.
    pub min: Array1<f64>,
    /// Target range.
    pub feature_range: (f64, f64),
    /// Whether outputs are clipped into the range.
    pub clip: bool,
}

impl Fit<Array2<f64>> for MinMaxScalerParams {
    type Model = MinMaxScaler;
    type Error = FeaturesError;
    fn fit(&self, x: &Array2<f64>) -> Result<MinMaxScaler> {
        self.check()?;
        validate::records(x.view())?;
        let data_min = x.fold_axis(Axis(0), f64::INFINITY, |a, &b| a.min(b));
        let data_max = x.fold_axis(Axis(0), f64::NEG_INFINITY, |a, &b| a.max(b));
        let (lo, hi) = self.feature_range;
        let scale: Array1<f64> = (&data_max - &data_min).mapv(|r| (hi - lo) / handle_zero_scale(r));
        let min = lo - &data_min * &scale;
        Ok(MinMaxScaler { data_min, data_max, scale, min, feature_range: self.feature_range, clip: self.clip })
    }
}

impl Transform<Array2<f64>> for MinMaxScaler {
    type Output = Array2<f64>;
    type Error = FeaturesError;
    fn transform(&self, x: &Array2<f64>) -> Result<Array2<f64>> {
        validate::n_features(self.scale.len(), x.view())?;
        validate::finite_matrix("records", x.view())?;
        let mut z = x * &self.scale + &self.min;
        if self.clip {
            let (lo, hi) = self.feature_range;
            z.mapv_inplace(|v| v.clamp(lo, hi));
        }
        Ok(z)
    }
}

impl MinMaxScaler {
    /// Maps scaled values back to the original units.
    pub fn inverse_transform(&self, z: &Array2<f64>) -> Result<Array2<f64>> {
        validate::n_features(self.scale.len(), z.view())?;
        validate::finite_matrix("records", z.view())?;
        Ok((z - &self.min) / &self.scale)
    }
}

/// Parameters of [`RobustScaler`]: `(x − median) / (q_high − q_low)` per
/// column, quantiles by linear interpolation (numpy's default), default
/// inter-quartile range `(25, 75)`. A zero range gives scale 1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RobustScalerParams {
    with_centering: bool,
    with_scaling: bool,
    quantile_range: (f64, f64),
}

impl Default for RobustScalerParams {
    fn default() -> Self {
        RobustScalerParams { with_centering: true, with_scaling: true, quantile_range: (25.0, 75.0) }
    }
}

impl RobustScalerParams {
    /// Median / IQR scaling.
    pub fn new() -> Self {
        Self::default()
    }
    /// Whether to subtract the median (default `true`).
    pub fn with_centering(mut self, yes: bool) -> Self {
        self.with_centering = yes;
        self
    }
    /// Whether to divide by the quantile range (default `true`).
    pub fn with_scaling(mut self, yes: bool) -> Self {
        self.with_scaling = yes;
        self
    }
    /// Percentiles `(low, high)` with `0 ≤ low < high ≤ 100`.
    pub fn quantile_range(mut self, low: f64, high: f64) -> Self {
        self.quantile_range = (low, high);
        self
    }
}

impl Params for RobustScalerParams {
    fn check(&self) -> shopml_core::Result<()> {
        let (lo, hi) = self.quantile_range;
        if !(lo >= 0.0 && hi <= 100.0 && lo < hi) {
            return Err(Error::param("quantile_range", format!("needs 0 <= low < high <= 100, got ({lo}, {hi})")));
        }
        Ok(())
    }
}

/// A fitted robust scaler.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RobustScaler {
    /// Subtracted per column (medians, or zeros).
    pub center: Array1<f64>,
    /// Divisor per column (quantile ranges, or ones).
    pub scale: Array1<f64>,
}

/// numpy's `percentile(..., method="linear")` of sorted data, with numpy's
/// two-sided interpolation formula.
pub(crate) fn percentile_sorted(sorted: &[f64], p: f64) -> f64 {
    let n = sorted.len();
    let h = (n - 1) as f64 * p / 100.0;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    let t = h - lo as f64;
    let (a, b) = (sorted[lo], sorted[hi]);
    let d = b - a;
    if t >= 0.5 { b - d * (1.0 - t) } else { a + d * t }
}

impl Fit<Array2<f64>> for RobustScalerParams {
    type Model = RobustScaler;
    type Error = FeaturesError;
    fn fit(&self, x: &Array2<f64>) -> Result<RobustScaler> {
        self.check()?;
        validate::records(x.view())?;
        let p = x.ncols();
        let mut center = Array1::zeros(p);
        let mut scale = Array1::ones(p);
        let mut col = Vec::with_capacity(x.nrows());
        for j in 0..p {
            col.clear();
            col.extend(x.column(j).iter().copied());
            col.sort_unstable_by(f64::total_cmp);
            if self.with_centering {
                let n = col.len();
                center[j] = if n % 2 == 1 { col[n / 2] } else { (col[n / 2 - 1] + col[n / 2]) / 2.0 };
            }
            if self.with_scaling {
                let (lo, hi) = self.quantile_range;
                scale[j] = handle_zero_scale(percentile_sorted(&col, hi) - percentile_sorted(&col, lo));
            }
        }
        Ok(RobustScaler { center, scale })
    }
}

impl Transform<Array2<f64>> for RobustScaler {
    type Output = Array2<f64>;
    type Error = FeaturesError;
    fn transform(&self, x: &Array2<f64>) -> Result<Array2<f64>> {
        validate::n_features(self.scale.len(), x.view())?;
        validate::finite_matrix("records", x.view())?;
        Ok((x - &self.center) / &self.scale)
    }
}

impl RobustScaler {
    /// Maps scaled values back to the original units.
    pub fn inverse_transform(&self, z: &Array2<f64>) -> Result<Array2<f64>> {
        validate::n_features(self.scale.len(), z.view())?;
        validate::finite_matrix("records", z.view())?;
        Ok(z * &self.scale + &self.center)
    }
}
