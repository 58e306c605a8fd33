//! The error type of shopml-features.

use shopml_core::AsCoreError;

/// Everything that can go wrong while building features.
///
/// The common cases (bad parameter, NaN in a matrix, empty input, unknown id,
/// shape mismatch) are [`shopml_core::Error`]s wrapped in [`FeaturesError::Core`],
/// so callers can match them the same way for every shopml crate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FeaturesError {
    /// A shared error: bad parameter, non-finite value, empty input, …
    #[error(transparent)]
    Core(#[from] shopml_core::Error),
    /// A categorical value that the encoder did not see while fitting, with
    /// `handle_unknown` set to error.
    #[error("unknown category `{value}` in column {column} at row {row}")]
    UnknownCategory {
        /// Zero-based column of the value.
        column: usize,
        /// Zero-based row of the value.
        row: usize,
        /// The value as given.
        value: String,
    },
    /// A value outside the domain of a transform (for example a non-positive
    /// number given to Box-Cox).
    #[error("value {value} at row {row}, column {column} is outside the domain of {transform}: {reason}")]
    Domain {
        /// Which transform.
        transform: &'static str,
        /// Zero-based row.
        row: usize,
        /// Zero-based column.
        column: usize,
        /// The offending value.
        value: f64,
        /// What the value must satisfy.
        reason: &'static str,
    },
    /// A transaction dated outside the supported range
    /// [`Timestamp::MIN`](shopml_core::Timestamp::MIN)`..=`[`Timestamp::MAX`](shopml_core::Timestamp::MAX).
    #[error("transaction at source line {line} is dated outside the supported range 1900-01-01 .. 2199-12-31 ({seconds} s since 1970)")]
    DateOutOfRange {
        /// The record's one-based line in its source file.
        line: u64,
        /// Its timestamp in seconds since 1970.
        seconds: i64,
    },
    /// A sum over a customer's lines overflows `f64` (prices or quantities near the f64 range).
    #[error("{column} of customer `{customer}` overflows f64 ({value}); the amounts are outside any realistic range")]
    Overflow {
        /// The customer id.
        customer: String,
        /// The feature whose value overflowed.
        column: String,
        /// The non-finite result.
        value: f64,
    },
    /// A demand panel would need more cells than the configured limit.
    #[error(
        "demand panel of {series} series × {periods} periods exceeds max_cells = {max_cells}; narrow the range, coarsen the frequency or raise max_cells"
    )]
    PanelTooLarge {
        /// Number of series (rows).
        series: usize,
        /// Number of periods (columns).
        periods: usize,
        /// The limit.
        max_cells: usize,
    },
    /// A transaction record that cannot be used (non-finite quantity or price).
    #[error("transaction at source line {line} has a non-finite {field} ({value})")]
    BadTransaction {
        /// The record's one-based line in its source file.
        line: u64,
        /// `quantity` or `unit_price`.
        field: &'static str,
        /// The offending value.
        value: f64,
    },
}

impl AsCoreError for FeaturesError {
    fn as_core(&self) -> Option<&shopml_core::Error> {
        match self {
            FeaturesError::Core(e) => Some(e),
            _ => None,
        }
    }
}

/// Shorthand for `Result<T, FeaturesError>`.
pub type Result<T, E = FeaturesError> = std::result::Result<T, E>;
