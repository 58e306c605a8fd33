//! Preprocessors as fitted models: scalers, categorical encoders, power
//! transforms and calendar features.
//!
//! Each follows the core life cycle: a parameter struct
//! ([`Params`](shopml_core::Params) + [`Fit`](shopml_core::Fit)) gives a
//! fitted, serialisable model that [`Transform`](shopml_core::Transform)s new
//! data. Numeric preprocessors take any `ArrayBase<S, Ix2>` of `f64` (owned
//! arrays and views; rows are samples); categorical encoders take any 2-D
//! array of `String`. Conventions match
//! scikit-learn's `StandardScaler`, `MinMaxScaler`, `RobustScaler`,
//! `OneHotEncoder` and `OrdinalEncoder`, whose outputs the tests compare to
//! within 1e-12.

mod calendar;
mod encode;
mod power;
mod scale;

pub use calendar::{CalendarFeature, CalendarFeatures};
pub use encode::{HandleUnknown, OneHotEncoder, OneHotParams, OrdinalEncoder, OrdinalParams, OrdinalUnknown};
pub use power::{BoxCox, BoxCoxParams, LogTransform, LogTransformParams, boxcox_llf};
pub use scale::{MinMaxScaler, MinMaxScalerParams, RobustScaler, RobustScalerParams, StandardScaler, StandardScalerParams};

/// Applies `f(value, column)` to every entry, failing with
/// [`FeaturesError::Domain`] at the first output that is not finite (an
/// input far outside the fitted range can overflow `f64`).
pub(crate) fn finite_output(
    transform: &'static str,
    x: ndarray::ArrayView2<'_, f64>,
    f: impl Fn(f64, usize) -> f64,
) -> crate::Result<ndarray::Array2<f64>> {
    let mut out = ndarray::Array2::zeros(x.raw_dim());
    for ((row, column), &v) in x.indexed_iter() {
        let z = f(v, column);
        if !z.is_finite() {
            return Err(crate::FeaturesError::Domain { transform, row, column, value: v, reason: "the result overflows f64" });
        }
        out[[row, column]] = z;
    }
    Ok(out)
}

/// Scikit-learn's rule for scales that are (numerically) zero: they become 1,
/// so constant columns pass through centred but unscaled.
pub(crate) fn handle_zero_scale(s: f64) -> f64 {
    if s < 10.0 * f64::EPSILON { 1.0 } else { s }
}
