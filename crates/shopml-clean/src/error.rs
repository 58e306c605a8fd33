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
        field: String,
        /// The header as read, comma-separated (at most 500 characters).
        header: String,
    },
    /// A column position in the schema is past the last column.
    #[error("column position {index} (for {field}) is past the last column (the file has {n_columns})")]
    ColumnOutOfRange {
        /// The zero-based position the schema asked for.
        index: usize,
        /// Which record field it was meant to fill.
        field: String,
        /// How many columns the header (or first record) has.
        n_columns: usize,
    },
    /// A column the schema names occurs more than once in the header, so
    /// which one is meant is ambiguous.
    #[error("column `{name}` appears twice in the header (columns {first} and {second}); rename one or map it by position")]
    DuplicateColumn {
        /// The repeated header name.
        name: String,
        /// One-based position of its first occurrence.
        first: usize,
        /// One-based position of its second occurrence.
        second: usize,
    },
    /// A non-empty input produced no rows at all (nothing kept, no returns):
    /// almost always a wrong date format, delimiter or column mapping.
    /// The first rejected row shows why.
    #[error(
        "none of the {rows_read} rows was kept; the first rejected row, line {line}{}, was {reason}: {message}; record: {record}",
        column.map(|c| format!(" column {c}")).unwrap_or_default()
    )]
    NothingKept {
        /// Rows read.
        rows_read: u64,
        /// One-based line of the first rejected row.
        line: u64,
        /// One-based column to blame, when one field is.
        column: Option<usize>,
        /// Why it was rejected.
        reason: crate::Reason,
        /// What was wrong (for rule rejections, the rule).
        message: String,
        /// The start of the rejected record as read (at most 200 characters,
        /// after the [`RecordHook`](crate::RecordHook) rewrote it).
        record: String,
    },
    /// An error while reading one file of several (a Parquet folder): the
    /// file, and what went wrong there (for example
    /// [`MissingColumn`](Self::MissingColumn)). [`in_file`](Self::in_file) unwraps it.
    #[error("{}: {source}", path.display())]
    InFile {
        /// The file.
        path: PathBuf,
        /// What went wrong in it.
        source: Box<CleanError>,
    },
    /// A Parquet file or an Arrow input could not be read: not Parquet,
    /// truncated or corrupt, an unsupported compression or encoding.
    #[error("{}: {message}", path.as_ref().map(|p| p.display().to_string()).unwrap_or_else(|| "Arrow input".into()))]
    Parquet {
        /// The file, when the input is one.
        path: Option<PathBuf>,
        /// What the Parquet or Arrow library reported.
        message: String,
    },
    /// A mapped column holds an Arrow type that cannot be read as text or a
    /// number (a list, a struct, …).
    #[error("column `{column}` (for {field}) has Arrow type {data_type}, which cannot be read as text, a number or a date")]
    ColumnType {
        /// The column name.
        column: String,
        /// Which record field it was meant to fill.
        field: String,
        /// The Arrow type, as Arrow prints it.
        data_type: String,
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

impl CleanError {
    /// The error itself, or for [`InFile`](Self::InFile) the error inside
    /// (so `MissingColumn` matches whichever file it came from).
    pub fn in_file(&self) -> &CleanError {
        match self {
            CleanError::InFile { source, .. } => source.in_file(),
            e => e,
        }
    }
}

impl shopml_core::AsCoreError for CleanError {
    fn as_core(&self) -> Option<&shopml_core::Error> {
        match self {
            CleanError::Core(e) => Some(e),
            CleanError::InFile { source, .. } => source.as_core(),
            _ => None,
        }
    }
}

/// Shorthand for `Result<T, CleanError>`.
pub type Result<T, E = CleanError> = std::result::Result<T, E>;
