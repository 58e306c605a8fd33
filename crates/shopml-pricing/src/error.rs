//! The error type of shopml-pricing.

use shopml_core::AsCoreError;

/// What can go wrong when estimating demand, optimising prices or running a pricing policy.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PricingError {
    /// A shared error: bad parameter, non-finite or mis-shaped input, …
    #[error(transparent)]
    Core(#[from] shopml_core::Error),
    /// The regression behind a demand model failed.
    #[error("regression for {product}: {message}")]
    Regression {
        /// The product (or model) being estimated.
        product: String,
        /// What the least-squares fit reported.
        message: String,
    },
    /// A price or quantity outside the model's domain (for example a
    /// non-positive quantity in a log model).
    #[error("invalid {what} {value} for product `{product}` at row {row}: {reason}")]
    InvalidObservation {
        /// The product.
        product: String,
        /// `price`, `quantity`, `share`, ….
        what: &'static str,
        /// Zero-based row of the input.
        row: usize,
        /// The offending value.
        value: f64,
        /// Why it is not allowed.
        reason: String,
    },
    /// The prices of a product do not vary enough to identify a slope.
    #[error("product `{product}` has {distinct} distinct price(s); at least {required} are needed")]
    TooFewPrices {
        /// The product.
        product: String,
        /// Distinct prices seen.
        distinct: usize,
        /// Distinct prices required.
        required: usize,
    },
    /// Fewer observations than parameters (no residual degrees of freedom).
    #[error("product `{product}` has {n_obs} observations for {n_params} parameters")]
    TooFewObservations {
        /// The product.
        product: String,
        /// Observations available.
        n_obs: usize,
        /// Parameters to estimate.
        n_params: usize,
    },
    /// The unit cost is at or above every allowed price: no price makes a profit.
    #[error("product `{product}`: unit cost {cost} is not below the highest allowed price {max_price}")]
    CostAboveBounds {
        /// The product.
        product: String,
        /// Unit cost.
        cost: f64,
        /// Highest allowed price.
        max_price: f64,
    },
    /// The constraints admit no price vector.
    #[error("infeasible constraints: {}; {detail}", conflicting.join(", "))]
    Infeasible {
        /// Names of the constraints that conflict (`max_price[p1]`, `min_margin[p1]`, `revenue_floor`, …).
        conflicting: Vec<String>,
        /// Why they conflict.
        detail: String,
    },
    /// A problem the chosen method cannot handle (for example a non-concave
    /// objective handed to the quadratic programme).
    #[error("unsupported problem: {0}")]
    Unsupported(String),
    /// The numerical solver failed or did not converge.
    #[error("solver failure: {0}")]
    Solver(String),
}

impl AsCoreError for PricingError {
    fn as_core(&self) -> Option<&shopml_core::Error> {
        match self {
            PricingError::Core(e) => Some(e),
            _ => None,
        }
    }
}

/// Shorthand for `Result<T, PricingError>`.
pub type Result<T, E = PricingError> = std::result::Result<T, E>;
