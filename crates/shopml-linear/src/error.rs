//! Errors of the linear models.

/// What can go wrong when fitting or using a linear model.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LinearError {
    /// A shared error: bad parameter, non-finite or mis-shaped input, singular system, …
    #[error(transparent)]
    Core(#[from] shopml_core::Error),
    /// Logistic regression needs at least two classes in the targets.
    #[error("targets hold a single class ({class}); a classifier needs at least two")]
    SingleClass {
        /// The only class label seen.
        class: f64,
    },
    /// Inference (standard errors, p-values) needs more observations than coefficients.
    #[error("inference needs more observations ({n_obs}) than estimated coefficients ({n_params})")]
    NoResidualDegreesOfFreedom {
        /// Number of observations (rows with non-zero weight).
        n_obs: usize,
        /// Number of estimated coefficients, intercept included.
        n_params: usize,
    },
    /// A requested quantity is not available for this model (for example standard
    /// errors of a rank-deficient fit).
    #[error("not available: {0}")]
    NotAvailable(String),
}

impl shopml_core::AsCoreError for LinearError {
    fn as_core(&self) -> Option<&shopml_core::Error> {
        match self {
            LinearError::Core(e) => Some(e),
            _ => None,
        }
    }
}

/// Shorthand for `Result<T, LinearError>`.
pub type Result<T, E = LinearError> = std::result::Result<T, E>;
