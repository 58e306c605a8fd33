//! # shopml-basket
//!
//! Market-basket analysis: "customers who bought X also bought Y".
//!
//! - [`Baskets`]: item sets stored like CSR rows with an [`IdMap`](shopml_core::IdMap)
//!   back to product codes and descriptions — from cleaned transactions
//!   ([`BasketSpec`]: per invoice, per customer or per customer and time
//!   window; minimum item frequency, non-product codes, country and customer
//!   subsets) or from any iterator of item lists.
//! - [`FrequentItemsets`]: FP-Growth (Han, Pei & Yin 2000, "Mining frequent
//!   patterns without candidate generation", SIGMOD) on an array-based
//!   FP-tree, parallel over the conditional pattern bases of the frequent
//!   items with rayon and deterministic for any thread count; Apriori
//!   (Agrawal & Srikant 1994) as a reference; minimum support as a fraction
//!   or a count, a maximum length, closed or maximal itemsets, and an
//!   explosion guard ([`BasketError::TooManyItemsets`] names the threshold to raise).
//! - [`Rules`]: association rules with support, confidence, lift, leverage,
//!   conviction, Zhang's metric, Jaccard, certainty and Kulczynski, defined
//!   as in mlxtend 0.25; thresholds on any [`Metric`], antecedent and
//!   consequent length limits, sorting, lossless JSON and CSV.
//! - [`BoughtTogether`]: top-N suggestions for a cart by the best applicable
//!   rule (confidence or lift), each with the rule that justified it, taking
//!   a [`CartRequest`] (n, exclusions, candidate set).
//! - [`eval`]: next-item completion (hit rate and MRR at `k`) against
//!   popularity and item-kNN on held-out baskets.
//!
//! ```
//! use shopml_basket::{Baskets, FrequentItemsets, Metric, MinSupport, Rules};
//! use shopml_core::Fit;
//!
//! let baskets = Baskets::from_item_lists([
//!     vec!["tea", "mug", "biscuits"],
//!     vec!["tea", "mug"],
//!     vec!["tea", "biscuits"],
//!     vec!["mug", "spoon"],
//! ]).unwrap();
//! let sets = FrequentItemsets::params(MinSupport::Fraction(0.5)).fit(&baskets).unwrap();
//! assert_eq!(sets.len(), 5); // tea, mug, biscuits, {tea, mug}, {tea, biscuits}
//! let mut rules = Rules::params().min(Metric::Confidence, 1.0).fit(&sets).unwrap();
//! rules.sort_by(Metric::Lift, true);
//! assert_eq!(rules.describe(&rules.rules()[0]), "biscuits → tea");
//! assert_eq!(rules.rules()[0].conviction, f64::INFINITY);
//! ```
//!
//! ## Memory
//!
//! Baskets take one `u32` per (basket, item) pair; mining holds the FP-tree
//! of the frequent items (at most one node per pair, usually far fewer) and
//! one conditional tree per recursion level per thread. Nothing is ever a
//! dense baskets × items matrix.
#![cfg_attr(not(test), warn(missing_docs))]

mod apriori;
pub mod baskets;
pub mod cart_recommender;
pub mod error;
pub mod eval;
mod fpgrowth;
pub mod from_transactions;
pub mod itemsets;
mod mining;
pub mod rules;
pub mod serve;
pub mod synth;

pub use baskets::Baskets;
pub use cart_recommender::CartRecommender;
pub use error::{BasketError, Result};
pub use eval::{CompletionParams, CompletionQueries, CompletionReport, completion_queries, evaluate_completion};
pub use from_transactions::{BasketReport, BasketSpec, Grouping, ItemKind};
pub use itemsets::{Algorithm, FrequentItemsets, ItemsetKind, ItemsetParams, MinSupport};
pub use rules::{Metric, Rule, RuleParams, Rules};
pub use serve::{BoughtTogether, BoughtTogetherParams, CartRequest, Score, Suggestion};
