//! The error type of shopml-recommend.

/// What went wrong in fitting, serving or evaluating a recommender.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RecommendError {
    /// A shared shopml error: bad parameter, non-finite value, empty input,
    /// unknown id, out-of-range index, …
    #[error(transparent)]
    Core(#[from] shopml_core::Error),
    /// EASE (or another dense-in-items model) was asked to fit more items than
    /// its configured limit.
    #[error("too many items for {model}: {n_items} > limit {limit} (a dense {n_items} × {n_items} matrix would be needed)")]
    TooManyItems {
        /// The model that refused.
        model: &'static str,
        /// Items in the data.
        n_items: usize,
        /// The configured limit.
        limit: usize,
    },
}

/// Shorthand for `Result<T, RecommendError>`.
pub type Result<T, E = RecommendError> = std::result::Result<T, E>;

impl shopml_core::AsCoreError for RecommendError {
    fn as_core(&self) -> Option<&shopml_core::Error> {
        match self {
            RecommendError::Core(e) => Some(e),
            _ => None,
        }
    }
}
