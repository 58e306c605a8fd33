//! The error type of shopml-clean.

use std::path::PathBuf;

/// What can go wrong while reading and cleaning.
///
/// Row-level problems (a bad number, a duplicate line, …) are *not* errors:
/// they quarantine the row with a [`Reason`](crate::Reason) and are counted in
/// the [`CleaningReport`](crate::CleaningReport). Errors are for problems that
/// stop the whole read: an unreadable file, a header without a mapped column,
/// bad parameters, or bad input to an imputer or outlier detector.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CleanError {
    /// An error shared with the other shopml crates (bad parameter, non-finite
    /// input, empty input, I/O, …).
    #[error(transparent)]
    Core(#[from] shopml_core::Error),
    /// A column named in the schema is not in the file's header.
    #[error("column `{name}` (for {field}) is not in the header; the header has: {header}")]
    MissingColumn {
        /// The column name the schema asked for.
        name: String,
        /// Which record field it was meant to fill.
        field: &'static str,
        /// The header as read, comma-separated.
        header: String,
    },
    /// A column position in the schema is past the last column.
    #[error("column position {index} (for {field}) is past the last column (the file has {n_columns})")]
    ColumnOutOfRange {
        /// The zero-based position the schema asked for.
        index: usize,
        /// Which record field it was meant to fill.
        field: &'static str,
        /// How many columns the header (or first record) has.
        n_columns: usize,
    },
    /// The input has no header line although the schema expects one.
    #[error("the input is empty: expected a header line")]
    NoHeader,
    /// Writing the quarantine side file failed.
    #[error("could not write quarantine file {}: {source}", path.as_ref().map(|p| p.display().to_string()).unwrap_or_else(|| "(writer)".into()))]
    Quarantine {
        /// The side file, when written to a path.
        path: Option<PathBuf>,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
}

impl CleanError {
    pub(crate) fn io(path: Option<&std::path::Path>, source: std::io::Error) -> Self {
        CleanError::Core(shopml_core::Error::Io { path: path.map(|p| p.to_path_buf()), source })
    }
}

impl shopml_core::AsCoreError for CleanError {
    fn as_core(&self) -> Option<&shopml_core::Error> {
        match self {
            CleanError::Core(e) => Some(e),
            _ => None,
        }
    }
}

/// Shorthand for `Result<T, CleanError>`.
pub type Result<T, E = CleanError> = std::result::Result<T, E>;
