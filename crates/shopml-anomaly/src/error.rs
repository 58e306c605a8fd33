//! The error type of shopml-anomaly.

use shopml_core::AsCoreError;

/// What can go wrong when fitting or scoring a detector.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AnomalyError {
    /// A shared error: bad parameter, non-finite or empty input, shape mismatch, …
    #[error(transparent)]
    Core(#[from] shopml_core::Error),
    /// `max_samples` asks for more rows per tree than the data has.
    #[error("max_samples = {max_samples} exceeds the {n_samples} rows of the records")]
    MaxSamplesTooLarge {
        /// Rows requested per tree.
        max_samples: usize,
        /// Rows available.
        n_samples: usize,
    },
    /// LOF needs more rows than neighbours (`k < n`).
    #[error("n_neighbors = {k} needs at least {} rows, the records have {n_samples}", k + 1)]
    TooFewRows {
        /// Neighbours requested.
        k: usize,
        /// Rows available.
        n_samples: usize,
    },
    /// A model loaded from JSON is internally inconsistent.
    #[error("invalid model: {0}")]
    InvalidModel(String),
    /// An error from the cleaning crate (robust fences).
    #[error(transparent)]
    Clean(#[from] shopml_clean::CleanError),
    /// An error from the forecasting crate (series detector).
    #[error(transparent)]
    Forecast(#[from] shopml_forecast::ForecastError),
}

impl AsCoreError for AnomalyError {
    fn as_core(&self) -> Option<&shopml_core::Error> {
        match self {
            AnomalyError::Core(e) => Some(e),
            AnomalyError::Clean(e) => e.as_core(),
            AnomalyError::Forecast(e) => e.as_core(),
            _ => None,
        }
    }
}

/// Shorthand for `Result<T, AnomalyError>`.
pub type Result<T, E = AnomalyError> = std::result::Result<T, E>;
