//! The error type of shopml-segment.

use shopml_core::AsCoreError;

/// What can go wrong when fitting, predicting or profiling segments.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SegmentError {
    /// A shared error: bad parameter, non-finite or empty input, shape mismatch, …
    #[error(transparent)]
    Core(#[from] shopml_core::Error),
    /// More clusters were requested than there are rows to cluster.
    #[error("n_clusters = {n_clusters} exceeds the {n_samples} rows of the records")]
    TooManyClusters {
        /// Clusters requested.
        n_clusters: usize,
        /// Rows available.
        n_samples: usize,
    },
    /// Labels passed to a quality metric or profile do not fit the data.
    #[error("invalid labels: {0}")]
    InvalidLabels(String),
}

impl AsCoreError for SegmentError {
    fn as_core(&self) -> Option<&shopml_core::Error> {
        match self {
            SegmentError::Core(e) => Some(e),
            _ => None,
        }
    }
}

/// Shorthand for `Result<T, shopml_segment::SegmentError>`.
pub type Result<T, E = SegmentError> = std::result::Result<T, E>;
