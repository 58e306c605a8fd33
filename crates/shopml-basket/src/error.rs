//! The error type of shopml-basket.

use shopml_core::AsCoreError;

/// What can go wrong when building baskets, mining itemsets, deriving rules or serving suggestions.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BasketError {
    /// A shared error: bad parameter, empty input, unknown id, I/O, …
    #[error(transparent)]
    Core(#[from] shopml_core::Error),
    /// Mining would produce more itemsets than [`ItemsetParams::max_itemsets`](crate::ItemsetParams::max_itemsets) allows.
    #[error(
        "more than {limit} frequent itemsets at min support count {min_count} (of {n_baskets} baskets): \
         raise `min_support`, lower `max_len`, or raise `max_itemsets`"
    )]
    TooManyItemsets {
        /// The limit that was hit.
        limit: usize,
        /// The absolute support threshold in use.
        min_count: u64,
        /// Number of baskets mined.
        n_baskets: usize,
    },
    /// Rule generation would produce more rules than [`RuleParams::max_rules`](crate::RuleParams::max_rules) allows.
    #[error(
        "more than {limit} association rules pass the thresholds: raise a metric threshold \
         (e.g. `min_confidence`), lower `max_antecedent_len`/`max_consequent_len`, or raise `max_rules`"
    )]
    TooManyRules {
        /// The limit that was hit.
        limit: usize,
    },
    /// Rules need the support of every subset of an itemset, which closed or maximal itemsets do not carry.
    #[error("association rules need all frequent itemsets (`ItemsetKind::All`), got {0}")]
    NotAllItemsets(&'static str),
}

impl AsCoreError for BasketError {
    fn as_core(&self) -> Option<&shopml_core::Error> {
        match self {
            BasketError::Core(e) => Some(e),
            _ => None,
        }
    }
}

/// Shorthand for `Result<T, shopml_basket::BasketError>`.
pub type Result<T, E = BasketError> = std::result::Result<T, E>;
