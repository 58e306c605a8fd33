//! # shopml
//!
//! E-commerce analytics in Rust: one dependency that re-exports the shopml
//! crates as modules. Each module sits behind a default-on cargo feature of the
//! same name, so `default-features = false, features = ["recommend"]` keeps a
//! build small.
//!
//! | module | crate | for |
//! |---|---|---|
//! | [`core`] | `shopml-core` | traits, errors, ids, sparse matrices, linear algebra, metrics |
//! | `clean` | `shopml-clean` | raw exports → typed records, with a cleaning report |
//! | `features` | `shopml-features` | RFM, customer features, labels, interactions, demand series, encoders |
//! | `recommend` | `shopml-recommend` | popularity, kNN, matrix factorisation, implicit ALS, BPR, EASE |
//! | `linear` | `shopml-linear` | linear, ridge, lasso, logistic and Poisson regression with inference |
//! | `segment` | `shopml-segment` | k-means segmentation and segment profiles |
//! | `forecast` | `shopml-forecast` | ETS, Theta, intermittent demand, backtesting, inventory policies |
//! | `report` | (this crate) | Markdown reports with SVG charts for the storefront and the CLI |
//! | `churn` | (this crate) | churn in one call: features, a leak-free time split, a logistic model and its evaluation |
//! | `storefront` | (this crate) | the main job end to end: an export in, `report.md` and charts out |
//! | `privacy` | `shopml-privacy` | keyed pseudonyms, PII masking, k-anonymity, differentially private aggregates |
//! | `basket` | `shopml-basket` | baskets, FP-Growth frequent itemsets, association rules, bought-together suggestions |
//! | `anomaly` | `shopml-anomaly` | Isolation Forest, LOF, robust scorers, suspicious orders, sales-series anomalies |
//! | `pricing` | `shopml-pricing` | demand curves, elasticities, optimal prices, markdowns, Thompson-sampling pricing |
//! | `clv` | `shopml-clv` | repeat purchases, P(alive) and customer lifetime value (BG/NBD, Pareto/NBD, Gamma-Gamma) |
//!
//! ```
//! use shopml::core::{Duplicates, InteractionsBuilder};
//! let mut b = InteractionsBuilder::new();
//! b.push("alice", "mug", 1.0).unwrap();
//! assert_eq!(b.build(Duplicates::Sum).unwrap().matrix.nnz(), 1);
//! ```
#![forbid(unsafe_code)]

pub use shopml_core as core;

#[cfg(feature = "clean")]
pub use shopml_clean as clean;

#[cfg(feature = "features")]
pub use shopml_features as features;

#[cfg(feature = "recommend")]
pub use shopml_recommend as recommend;

#[cfg(feature = "linear")]
pub use shopml_linear as linear;

#[cfg(feature = "segment")]
pub use shopml_segment as segment;

#[cfg(feature = "forecast")]
pub use shopml_forecast as forecast;

#[cfg(feature = "churn")]
pub mod churn;

/// A guide, not code: `docs/GETTING_STARTED.md`, whose examples run as doctests.
#[cfg(all(feature = "clean", feature = "features", feature = "churn"))]
#[doc = include_str!("../docs/GETTING_STARTED.md")]
pub mod getting_started {}
#[cfg(feature = "report")]
pub mod report;

#[cfg(feature = "storefront")]
pub mod storefront;
#[cfg(feature = "anomaly")]
pub use shopml_anomaly as anomaly;
#[cfg(feature = "basket")]
pub use shopml_basket as basket;
#[cfg(feature = "clv")]
pub use shopml_clv as clv;
#[cfg(feature = "pricing")]
pub use shopml_pricing as pricing;
#[cfg(feature = "privacy")]
pub use shopml_privacy as privacy;
