//! The error type shared by every shopml crate.
//!
//! Each algorithm crate has its own `#[non_exhaustive]` error enum that wraps
//! this one (`Error::Core(shopml_core::Error)`), so that a caller can match on
//! the common cases (bad parameter, non-finite input, unknown id, …) in one
//! place whatever model raised them. [`AsCoreError`] gives generic code (such
//! as the conformance kit, `conformance` under the `testing` feature) access to that wrapped value.

use std::path::PathBuf;

/// What went wrong, and where.
///
/// Every variant names the offending parameter, row, column or id so that the
/// message alone tells a user what to fix.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A hyper-parameter is out of its valid range.
    #[error("invalid parameter `{name}`: {reason}")]
    InvalidParameter {
        /// The parameter's name as spelt in the builder (`n_factors`, …).
        name: &'static str,
        /// Why the value was rejected.
        reason: String,
    },
    /// Two inputs that must agree in size do not.
    #[error("shape mismatch in {what}: expected {expected}, found {found}")]
    ShapeMismatch {
        /// Which input (or pair of inputs) is mis-shaped.
        what: String,
        /// The shape that was required.
        expected: String,
        /// The shape that was given.
        found: String,
    },
    /// An input has no rows, no columns or no values where some are needed.
    #[error("empty input: {what}")]
    EmptyInput {
        /// Which input is empty.
        what: String,
    },
    /// A NaN or infinite value where only finite numbers are allowed.
    #[error("non-finite value {value} in {what} at row {row}{}", column.map(|c| format!(", column {c}")).unwrap_or_default())]
    NonFinite {
        /// Which input holds the value.
        what: String,
        /// Row (or position, for a vector) of the value, zero-based.
        row: usize,
        /// Column of the value, zero-based; `None` for a vector.
        column: Option<usize>,
        /// The offending value.
        value: f64,
    },
    /// A value is finite but outside the domain the model accepts (a negative
    /// count, a probability above one, a label that is not 0 or 1, …).
    #[error("invalid value {value} in {what} at row {row}{}: {reason}", column.map(|c| format!(", column {c}")).unwrap_or_default())]
    InvalidValue {
        /// Which input holds the value.
        what: String,
        /// Row (or position) of the value, zero-based.
        row: usize,
        /// Column of the value, zero-based; `None` for a vector.
        column: Option<usize>,
        /// The offending value.
        value: f64,
        /// What the value should have been.
        reason: String,
    },
    /// An external id that the model or map has never seen.
    #[error("unknown {what} id `{id}`")]
    UnknownId {
        /// What kind of id (`user`, `item`, `customer`, …).
        what: &'static str,
        /// The id as given.
        id: String,
    },
    /// A dense index past the end of what it indexes.
    #[error("{what} index {index} is out of range (there are {len})")]
    IndexOutOfRange {
        /// What kind of index (`user`, `item`, `row`, …).
        what: &'static str,
        /// The index as given.
        index: usize,
        /// How many there are.
        len: usize,
    },
    /// A matrix that had to be symmetric positive definite is not.
    #[error("matrix is not positive definite: {what} (failed at pivot {pivot})")]
    NotPositiveDefinite {
        /// Which matrix.
        what: String,
        /// The zero-based pivot at which the factorisation broke down.
        pivot: usize,
    },
    /// A system that has no unique solution.
    #[error("singular system: {what}")]
    Singular {
        /// Which system, and why it is singular when known.
        what: String,
    },
    /// An iterative method stopped at its iteration limit.
    #[error("{what} did not converge in {iterations} iterations (last change {last_change:e})")]
    NotConverged {
        /// Which method.
        what: String,
        /// Iterations run.
        iterations: usize,
        /// The size of the last update (or the duality gap, or the gradient norm).
        last_change: f64,
    },
    /// Reading or writing a file failed.
    #[error("I/O error{}: {source}", path.as_ref().map(|p| format!(" on {}", p.display())).unwrap_or_default())]
    Io {
        /// The file, when known.
        path: Option<PathBuf>,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// A field or line that could not be parsed.
    #[error("parse error at line {line}, column {column}: {message}")]
    Parse {
        /// One-based line number in the input.
        line: u64,
        /// One-based column (field) number.
        column: usize,
        /// What was expected and what was found.
        message: String,
    },
    /// A model could not be (de)serialised.
    #[error("serialization error: {0}")]
    Serialization(String),
    /// The LAPACK backend reported an error.
    #[error("linear algebra backend error: {0}")]
    Backend(String),
}

/// Shorthand for `Result<T, shopml_core::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<std::io::Error> for Error {
    fn from(source: std::io::Error) -> Self {
        Error::Io { path: None, source }
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::Serialization(e.to_string())
    }
}

impl Error {
    /// Shorthand for [`Error::InvalidParameter`].
    pub fn param(name: &'static str, reason: impl Into<String>) -> Self {
        Error::InvalidParameter { name, reason: reason.into() }
    }

    /// Shorthand for [`Error::EmptyInput`].
    pub fn empty(what: impl Into<String>) -> Self {
        Error::EmptyInput { what: what.into() }
    }

    /// Shorthand for [`Error::ShapeMismatch`].
    pub fn shape(what: impl Into<String>, expected: impl ToString, found: impl ToString) -> Self {
        Error::ShapeMismatch { what: what.into(), expected: expected.to_string(), found: found.to_string() }
    }
}

/// Gives access to the [`Error`] wrapped inside a crate-specific error.
///
/// Every shopml error enum implements this, so generic code can ask "was this
/// a non-finite input?" without knowing which crate raised it.
pub trait AsCoreError: std::error::Error {
    /// The wrapped core error, if this error is one.
    fn as_core(&self) -> Option<&Error>;
}

impl AsCoreError for Error {
    fn as_core(&self) -> Option<&Error> {
        Some(self)
    }
}
