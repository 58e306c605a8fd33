//! Preprocessors as fitted models: scalers, categorical encoders, power
//! transforms and calendar features.
//!
//! Each follows the core life cycle: a parameter struct
//! ([`Params`](shopml_core::Params) + [`Fit`](shopml_core::Fit)) gives a
//! fitted, serialisable model that [`Transform`](shopml_core::Transform)s new
//! data. Numeric preprocessors take `Array2<f64>` (rows are samples);
//! categorical encoders take `Array2<String>`. Conventions match
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

/// Scikit-learn's rule for scales that are (numerically) zero: they become 1,
/// so constant columns pass through centred but unscaled.
pub(crate) fn handle_zero_scale(s: f64) -> f64 {
    if s < 10.0 * f64::EPSILON { 1.0 } else { s }
}
