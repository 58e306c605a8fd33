//! The error type of shopml-clv.

use shopml_core::AsCoreError;

/// What can go wrong when summarising transactions, fitting or predicting.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClvError {
    /// A shared error: bad parameter, empty input, …
    #[error(transparent)]
    Core(#[from] shopml_core::Error),
    /// A customer's summary has a value the models cannot take (negative,
    /// non-finite, fractional where a count is needed, …).
    #[error("customer `{customer}`: invalid {field} = {value}: {reason}")]
    InvalidSummary {
        /// The customer's id.
        customer: String,
        /// `frequency`, `recency`, `T`, `monetary`, …
        field: &'static str,
        /// The offending value.
        value: f64,
        /// What the value should have been.
        reason: String,
    },
    /// A customer's last repeat purchase is later than the end of the
    /// observation period (recency > T).
    #[error("customer `{customer}`: recency {recency} exceeds age T = {age}")]
    RecencyAfterAge {
        /// The customer's id.
        customer: String,
        /// The recency given.
        recency: f64,
        /// The age T given.
        age: f64,
    },
    /// A transaction tuple is unusable (non-finite amount, …).
    #[error("transaction {index} of customer `{customer}`: {reason}")]
    InvalidTransaction {
        /// Zero-based position of the transaction in the input.
        index: usize,
        /// The customer's id.
        customer: String,
        /// What is wrong.
        reason: String,
    },
    /// The optimiser stopped before the log-likelihood's gradient vanished.
    /// The last parameters are returned so that a caller can inspect them or
    /// restart from them (`initial`).
    #[error(
        "{model} did not converge after {iterations} iterations: {reason} (last parameters {last_params:?}, gradient norm {gradient_norm:e})"
    )]
    NotConverged {
        /// Which model.
        model: &'static str,
        /// Iterations run.
        iterations: u64,
        /// Why it stopped.
        reason: String,
        /// The natural parameters at the best point found, in the model's order.
        last_params: Vec<f64>,
        /// The mean log-likelihood per customer at those parameters.
        mean_log_likelihood: f64,
        /// The Euclidean norm of the gradient (log-parameter scale) there.
        gradient_norm: f64,
    },
    /// A model parameter makes a requested quantity undefined (for example
    /// the mean spend of a Gamma-Gamma model needs q > 1).
    #[error("{quantity} is undefined: {reason}")]
    Undefined {
        /// What was asked for.
        quantity: &'static str,
        /// Which parameter condition fails.
        reason: String,
    },
    /// A computation overflowed or lost all precision for one customer.
    #[error("customer `{customer}`: {quantity} is not finite ({value})")]
    NonFinite {
        /// The customer's id.
        customer: String,
        /// What was being computed.
        quantity: &'static str,
        /// The value obtained.
        value: f64,
    },
}

impl AsCoreError for ClvError {
    fn as_core(&self) -> Option<&shopml_core::Error> {
        match self {
            ClvError::Core(e) => Some(e),
            _ => None,
        }
    }
}

/// Shorthand for `Result<T, ClvError>`.
pub type Result<T, E = ClvError> = std::result::Result<T, E>;
