//! The error type of the report module.

use std::path::PathBuf;

/// What can go wrong while writing a report or a chart.
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
    /// The plotting backend failed.
    #[error("drawing chart '{chart}' failed: {message}")]
    Draw {
        /// The chart's title.
        chart: String,
        /// The backend's message.
        message: String,
    },
}
