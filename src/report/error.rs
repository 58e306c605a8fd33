//! The error type of the facade's own code (reports and the storefront run).

use std::path::PathBuf;

/// What can go wrong while writing a report or a chart, or in a storefront
/// step (each crate's error is carried as it was raised).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// A file could not be written.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A chart was given nothing to draw.
    #[error("chart '{chart}' has no data to draw")]
    Empty {
        /// The chart's title.
        chart: String,
    },
    /// A value to draw is NaN or infinite.
    #[error("chart '{chart}', series '{series}', point {index}: value {value} is not finite")]
    NonFinite {
        /// The chart's title.
        chart: String,
        /// The series holding the value.
        series: String,
        /// Position of the point in its series.
        index: usize,
        /// The offending value.
        value: f64,
    },
    /// A storefront option is out of range.
    #[error("storefront option `{option}`: {message}")]
    InvalidOption {
        /// The option, as named in `StorefrontConfig`.
        option: &'static str,
        /// What is wrong with its value.
        message: String,
    },
    /// A storefront step could not run.
    #[error("storefront step '{step}': {message}")]
    Step {
        /// The step.
        step: &'static str,
        /// What went wrong.
        message: String,
    },
    /// A shared error.
    #[error(transparent)]
    Core(#[from] shopml_core::Error),
    /// Reading or cleaning the export failed.
    #[cfg(feature = "clean")]
    #[error(transparent)]
    Clean(#[from] shopml_clean::CleanError),
    /// Building features failed.
    #[cfg(feature = "features")]
    #[error(transparent)]
    Features(#[from] shopml_features::FeaturesError),
    /// Segmenting failed.
    #[cfg(feature = "segment")]
    #[error(transparent)]
    Segment(#[from] shopml_segment::SegmentError),
    /// A recommender failed.
    #[cfg(feature = "recommend")]
    #[error(transparent)]
    Recommend(#[from] shopml_recommend::RecommendError),
    /// A regression failed.
    #[cfg(feature = "linear")]
    #[error(transparent)]
    Linear(#[from] shopml_linear::LinearError),
    /// A forecast failed.
    #[cfg(feature = "forecast")]
    #[error(transparent)]
    Forecast(#[from] shopml_forecast::ForecastError),
    /// Basket mining failed.
    #[cfg(feature = "basket")]
    #[error(transparent)]
    Basket(#[from] shopml_basket::BasketError),
    /// A pricing model failed.
    #[cfg(feature = "pricing")]
    #[error(transparent)]
    Pricing(#[from] shopml_pricing::PricingError),
    /// A lifetime-value model failed.
    #[cfg(feature = "clv")]
    #[error(transparent)]
    Clv(#[from] shopml_clv::ClvError),
    /// A privacy step (key, pseudonymiser, policy) failed.
    #[cfg(feature = "privacy")]
    #[error(transparent)]
    Privacy(#[from] shopml_privacy::PrivacyError),
    /// The plotting backend failed.
    #[error("drawing chart '{chart}' failed: {message}")]
    Draw {
        /// The chart's title.
        chart: String,
        /// The backend's message.
        message: String,
    },
}
