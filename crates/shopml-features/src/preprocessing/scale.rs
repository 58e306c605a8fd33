//! Standard, min-max and robust (median / IQR) scaling.

use ndarray::{Array1, Array2, ArrayBase, ArrayView2, Axis, Data, Ix2};
use serde::{Deserialize, Serialize};
use shopml_core::validated_struct;
use shopml_core::{Error, Fit, Params, Transform, validate};

use super::{finite_output, handle_zero_scale};
use crate::checked::{finite, positive, same_len};
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

validated_struct! {
    /// A fitted standard scaler. Loading checks one entry per column, finite
    /// means and finite, positive scales.
    pub struct StandardScaler ("StandardScalerRaw" as StandardScalerRaw, check = StandardScaler::check, error = crate::FeaturesError) {
        /// Column means (zeros when not centring).
        pub mean: Array1<f64>,
        /// Column population variances (`+∞` when the standard deviation
        /// exceeds `1.3e154`, whose square overflows; the scale stays finite).
        #[serde(with = "shopml_core::serde_float::array1")]
        pub var: Array1<f64>,
        /// Divisor per column (ones when not scaling).
        pub scale: Array1<f64>,
    }
}

impl StandardScaler {
    fn check(&self) -> Result<()> {
        same_len("StandardScaler", self.mean.len(), &[("var", self.var.len()), ("scale", self.scale.len())])?;
        finite("StandardScaler mean", self.mean.as_slice().unwrap_or(&self.mean.to_vec()))?;
        positive("StandardScaler scale", &self.scale.to_vec())?;
        Ok(())
    }
}

/// Column means and population variances with scikit-learn's corrected
/// two-pass formula `(Σ(x − m)² − (Σ(x − m))² / n) / n`.
///
/// Columns whose sums or squares overflow `f64` (values near ±1e308) are
/// recomputed on the column divided by its largest magnitude `c`, giving
/// `mean = c · mean(x / c)` and `std = c · std(x / c)`: both finite for any
/// finite data. Returns `(mean, var, std)`.
fn mean_var(x: ArrayView2<'_, f64>) -> (Array1<f64>, Array1<f64>, Array1<f64>) {
    let n = x.nrows() as f64;
    let p = x.ncols();
    let mut mean = x.sum_axis(Axis(0)) / n;
    let mut var = Array1::zeros(p);
    let mut std = Array1::zeros(p);
    let two_pass = |col: &mut dyn Iterator<Item = f64>, m: f64| {
        let (mut s, mut s2) = (0.0, 0.0);
        for v in col {
            let d = v - m;
            s += d;
            s2 += d * d;
        }
        (s2 - s * s / n) / n
    };
    for j in 0..p {
        let col = x.column(j);
        let v = two_pass(&mut col.iter().copied(), mean[j]);
        if mean[j].is_finite() && v.is_finite() {
            var[j] = v;
            std[j] = v.max(0.0).sqrt();
            continue;
        }
        let c = col.iter().fold(0.0f64, |a, v| a.max(v.abs()));
        let m = col.iter().map(|v| v / c).sum::<f64>() / n;
        let v = two_pass(&mut col.iter().map(|v| v / c), m);
        mean[j] = m * c;
        std[j] = v.max(0.0).sqrt() * c;
        var[j] = std[j] * std[j];
    }
    (mean, var, std)
}

impl<S: Data<Elem = f64>> Fit<ArrayBase<S, Ix2>> for StandardScalerParams {
    type Model = StandardScaler;
    type Error = FeaturesError;
    fn fit(&self, x: &ArrayBase<S, Ix2>) -> Result<StandardScaler> {
        self.check()?;
        validate::records(x.view())?;
        let (mean, var, std) = mean_var(x.view());
        let n = x.nrows() as f64;
        let scale = if self.with_std {
            (0..x.ncols())
                .map(|j| {
                    let (v, m, s) = (var[j], mean[j], std[j]);
                    if !v.is_finite() {
                        return s; // only reached for huge spreads, never constant
                    }
                    // scikit-learn's `_is_constant_feature`.
                    let eps = f64::EPSILON;
                    let bound = n * eps * v + (n * m * eps).powi(2);
                    if v <= bound { 1.0 } else { handle_zero_scale(s) }
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
    pub fn inverse_transform<S: Data<Elem = f64>>(&self, z: &ArrayBase<S, Ix2>) -> Result<Array2<f64>> {
        validate::n_features(self.mean.len(), z.view())?;
        validate::finite_matrix("records", z.view())?;
        finite_output("standard scaler inverse", z.view(), |v, j| v * self.scale[j] + self.mean[j])
    }
}

impl<S: Data<Elem = f64>> Transform<ArrayBase<S, Ix2>> for StandardScaler {
    type Output = Array2<f64>;
    type Error = FeaturesError;
    /// `(x − mean) / scale`, computed as `x / scale − mean / scale` when the
    /// difference would overflow; an output beyond `f64` is a
    /// [`FeaturesError::Domain`] error naming row and column.
    fn transform(&self, x: &ArrayBase<S, Ix2>) -> Result<Array2<f64>> {
        validate::n_features(self.mean.len(), x.view())?;
        validate::finite_matrix("records", x.view())?;
        finite_output("standard scaler", x.view(), |v, j| {
            let (m, s) = (self.mean[j], self.scale[j]);
            let d = v - m;
            if d.is_finite() { d / s } else { v / s - m / s }
        })
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

validated_struct! {
    /// A fitted min-max scaler. Loading checks one entry per column, finite
    /// values, `data_min ≤ data_max`, positive scales and a valid range.
    pub struct MinMaxScaler ("MinMaxScalerRaw" as MinMaxScalerRaw, check = MinMaxScaler::check, error = crate::FeaturesError) {
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
}

impl MinMaxScaler {
    fn check(&self) -> Result<()> {
        let p = self.scale.len();
        same_len("MinMaxScaler", p, &[("data_min", self.data_min.len()), ("data_max", self.data_max.len()), ("min", self.min.len())])?;
        finite("MinMaxScaler data_min", &self.data_min.to_vec())?;
        finite("MinMaxScaler data_max", &self.data_max.to_vec())?;
        finite("MinMaxScaler min", &self.min.to_vec())?;
        positive("MinMaxScaler scale", &self.scale.to_vec())?;
        if let Some(j) = (0..p).find(|&j| self.data_min[j] > self.data_max[j]) {
            return Err(Error::InvalidValue {
                what: "MinMaxScaler data_min".into(),
                row: j,
                column: None,
                value: self.data_min[j],
                reason: "exceeds data_max".into(),
            }
            .into());
        }
        Ok(MinMaxScalerParams { feature_range: self.feature_range, clip: self.clip }.check()?)
    }
}

impl<S: Data<Elem = f64>> Fit<ArrayBase<S, Ix2>> for MinMaxScalerParams {
    type Model = MinMaxScaler;
    type Error = FeaturesError;
    /// scikit-learn's `scale = (high − low) / (max − min)`, `min = low − data_min · scale`;
    /// a data range beyond `f64` (from −1e308 to 1e308) is halved first, so it
    /// never becomes ∞ and the scale never 0.
    fn fit(&self, x: &ArrayBase<S, Ix2>) -> Result<MinMaxScaler> {
        self.check()?;
        validate::records(x.view())?;
        let data_min = x.fold_axis(Axis(0), f64::INFINITY, |a, &b| a.min(b));
        let data_max = x.fold_axis(Axis(0), f64::NEG_INFINITY, |a, &b| a.max(b));
        let (lo, hi) = self.feature_range;
        let scale: Array1<f64> = ndarray::Zip::from(&data_max).and(&data_min).map_collect(|&mx, &mn| {
            let r = mx - mn;
            if r.is_finite() { (hi - lo) / handle_zero_scale(r) } else { ((hi - lo) / 2.0) / (mx / 2.0 - mn / 2.0) }
        });
        let min = lo - &data_min * &scale;
        let model = MinMaxScaler { data_min, data_max, scale, min, feature_range: self.feature_range, clip: self.clip };
        model.check().map_err(|_| FeaturesError::Domain {
            transform: "min-max scaler",
            row: 0,
            column: 0,
            value: f64::NAN,
            reason: "the target range and data range give a scale outside f64; narrow the feature range",
        })?;
        Ok(model)
    }
}

impl<S: Data<Elem = f64>> Transform<ArrayBase<S, Ix2>> for MinMaxScaler {
    type Output = Array2<f64>;
    type Error = FeaturesError;
    fn transform(&self, x: &ArrayBase<S, Ix2>) -> Result<Array2<f64>> {
        validate::n_features(self.scale.len(), x.view())?;
        validate::finite_matrix("records", x.view())?;
        let (lo, hi) = self.feature_range;
        finite_output("min-max scaler", x.view(), |v, j| {
            let z = v * self.scale[j] + self.min[j];
            if self.clip { z.clamp(lo, hi) } else { z }
        })
    }
}

impl MinMaxScaler {
    /// Maps scaled values back to the original units.
    pub fn inverse_transform<S: Data<Elem = f64>>(&self, z: &ArrayBase<S, Ix2>) -> Result<Array2<f64>> {
        validate::n_features(self.scale.len(), z.view())?;
        validate::finite_matrix("records", z.view())?;
        finite_output("min-max scaler inverse", z.view(), |v, j| (v - self.min[j]) / self.scale[j])
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

validated_struct! {
    /// A fitted robust scaler. Loading checks one entry per column, finite
    /// centres and finite, positive scales.
    pub struct RobustScaler ("RobustScalerRaw" as RobustScalerRaw, check = RobustScaler::check, error = crate::FeaturesError) {
        /// Subtracted per column (medians, or zeros).
        pub center: Array1<f64>,
        /// Divisor per column (quantile ranges, or ones).
        pub scale: Array1<f64>,
    }
}

impl RobustScaler {
    fn check(&self) -> Result<()> {
        same_len("RobustScaler", self.scale.len(), &[("center", self.center.len())])?;
        finite("RobustScaler center", &self.center.to_vec())?;
        positive("RobustScaler scale", &self.scale.to_vec())?;
        Ok(())
    }
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
    if !d.is_finite() {
        // The gap overflows (a ≈ −1e308, b ≈ 1e308): the convex combination cannot.
        return a * (1.0 - t) + b * t;
    }
    if t >= 0.5 { b - d * (1.0 - t) } else { a + d * t }
}

impl<S: Data<Elem = f64>> Fit<ArrayBase<S, Ix2>> for RobustScalerParams {
    type Model = RobustScaler;
    type Error = FeaturesError;
    fn fit(&self, x: &ArrayBase<S, Ix2>) -> Result<RobustScaler> {
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
                center[j] = if n % 2 == 1 { col[n / 2] } else { col[n / 2 - 1] / 2.0 + col[n / 2] / 2.0 };
            }
            if self.with_scaling {
                let (lo, hi) = self.quantile_range;
                let range = percentile_sorted(&col, hi) - percentile_sorted(&col, lo);
                if !range.is_finite() {
                    return Err(FeaturesError::Domain {
                        transform: "robust scaler",
                        row: 0,
                        column: j,
                        value: range,
                        reason: "the quantile range exceeds the f64 range; rescale the column",
                    });
                }
                scale[j] = handle_zero_scale(range);
            }
        }
        Ok(RobustScaler { center, scale })
    }
}

impl<S: Data<Elem = f64>> Transform<ArrayBase<S, Ix2>> for RobustScaler {
    type Output = Array2<f64>;
    type Error = FeaturesError;
    fn transform(&self, x: &ArrayBase<S, Ix2>) -> Result<Array2<f64>> {
        validate::n_features(self.scale.len(), x.view())?;
        validate::finite_matrix("records", x.view())?;
        finite_output("robust scaler", x.view(), |v, j| {
            let (c, s) = (self.center[j], self.scale[j]);
            let d = v - c;
            if d.is_finite() { d / s } else { v / s - c / s }
        })
    }
}

impl RobustScaler {
    /// Maps scaled values back to the original units.
    pub fn inverse_transform<S: Data<Elem = f64>>(&self, z: &ArrayBase<S, Ix2>) -> Result<Array2<f64>> {
        validate::n_features(self.scale.len(), z.view())?;
        validate::finite_matrix("records", z.view())?;
        finite_output("robust scaler inverse", z.view(), |v, j| v * self.scale[j] + self.center[j])
    }
}
