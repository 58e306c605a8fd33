//! The error type of shopml-privacy.

use std::path::PathBuf;

use shopml_core::AsCoreError;

/// What can go wrong when pseudonymising, masking, checking or releasing data.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PrivacyError {
    /// A shared error: bad parameter, empty input, I/O, …
    #[error(transparent)]
    Core(#[from] shopml_core::Error),
    /// The pseudonymisation key file does not exist or cannot be read.
    #[error("pseudonymisation key file {path} cannot be read: {source}")]
    MissingKey {
        /// The file that was asked for.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// The key holds fewer bytes than the minimum (the key itself is never shown).
    #[error("pseudonymisation key is too short: {len} bytes, at least {min} are required")]
    KeyTooShort {
        /// Bytes found (after stripping one trailing newline).
        len: usize,
        /// Bytes required.
        min: usize,
    },
    /// A column's policy is `Pseudonymise` but no pseudonymiser (no key) was given.
    #[error("column `{column}` must be pseudonymised but no key was given")]
    KeyRequired {
        /// The column.
        column: String,
    },
    /// A differentially private query would spend more than the remaining budget.
    #[error(
        "privacy budget exhausted: the query asks for ε = {requested_epsilon}, δ = {requested_delta} but only ε = {remaining_epsilon}, δ = {remaining_delta} remain"
    )]
    BudgetExhausted {
        /// ε the refused query would have spent.
        requested_epsilon: f64,
        /// δ the refused query would have spent.
        requested_delta: f64,
        /// ε left in the budget.
        remaining_epsilon: f64,
        /// δ left in the budget.
        remaining_delta: f64,
    },
    /// Clamping bounds with `lower > upper` (or non-finite bounds).
    #[error("clamping bounds of {what} are invalid: lower {lower} must be finite and not above upper {upper}")]
    InvalidBounds {
        /// Which query.
        what: String,
        /// The lower bound given.
        lower: f64,
        /// The upper bound given.
        upper: f64,
    },
    /// A quasi-identifier, sensitive or policy column is not in the table.
    #[error("column `{column}` is not in the table (columns: {available})")]
    MissingColumn {
        /// The column asked for.
        column: String,
        /// The table's columns, comma-separated.
        available: String,
    },
    /// A table row does not have one value per column.
    #[error("row {row} has {found} values but the table has {expected} columns")]
    RaggedRow {
        /// Zero-based row index.
        row: usize,
        /// Number of columns.
        expected: usize,
        /// Number of values in the row.
        found: usize,
    },
    /// A value could not be generalised (an unparsable date, a negative age, …).
    ///
    /// The value itself is not repeated in the error, since it may be personal data.
    #[error("column `{column}`: cannot generalise a value as {generalisation}: {reason}")]
    Generalisation {
        /// The column.
        column: String,
        /// Which generalisation was attempted.
        generalisation: &'static str,
        /// Why it failed.
        reason: String,
    },
}

impl AsCoreError for PrivacyError {
    fn as_core(&self) -> Option<&shopml_core::Error> {
        match self {
            PrivacyError::Core(e) => Some(e),
            _ => None,
        }
    }
}

/// Shorthand for `Result<T, shopml_privacy::PrivacyError>`.
pub type Result<T, E = PrivacyError> = std::result::Result<T, E>;
