//! The error type of shopml-forecast.

/// What can go wrong when fitting or forecasting.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ForecastError {
    /// A shared error: bad parameter, non-finite input, empty input, …
    #[error(transparent)]
    Core(#[from] shopml_core::Error),
    /// The series is too short for the requested model.
    #[error("series too short for {model}: needs at least {needed} observations, has {found}")]
    TooShort {
        /// The model that was asked for.
        model: String,
        /// Observations the model needs.
        needed: usize,
        /// Observations given.
        found: usize,
    },
    /// The model needs strictly positive data (multiplicative components).
    #[error("{model} needs strictly positive data; value {value} at row {row}")]
    NonPositive {
        /// The model that was asked for.
        model: String,
        /// First offending position.
        row: usize,
        /// The value found there.
        value: f64,
    },
    /// No candidate model could be fitted.
    #[error("no candidate model could be fitted: {reason}")]
    NoModel {
        /// Why every candidate failed.
        reason: String,
    },
}

impl shopml_core::AsCoreError for ForecastError {
    fn as_core(&self) -> Option<&shopml_core::Error> {
        match self {
            ForecastError::Core(e) => Some(e),
            _ => None,
        }
    }
}

/// Shorthand for `Result<T, ForecastError>`.
pub type Result<T, E = ForecastError> = std::result::Result<T, E>;
