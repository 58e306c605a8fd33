//! # shopml-features
//!
//! Turns clean records ([`shopml_clean::Transaction`], [`shopml_clean::Event`])
//! into the tables every shopml model consumes:
//!
//! - [`rfm`]: recency, frequency, monetary, quintile scores and named segments;
//! - [`customer`]: a named customer feature matrix (tenure, order value,
//!   basket size, inter-purchase times, returns, breadth, recent windows);
//! - [`labels`]: churn and purchase labels with leak-free cut-offs and
//!   temporal train / test splits;
//! - [`interactions`]: user × item matrices (counts, distinct orders, binary,
//!   event weights, time decay, log1p / BM25 / TF-IDF) with their id maps, and
//!   leave-last-N-out, seeded holdout and time splits for recommenders;
//! - [`demand`]: zero-filled quantity / revenue / average-price series per
//!   product, category or total, by day, week or month;
//! - [`preprocessing`]: standard, min-max and robust scalers, one-hot and
//!   ordinal encoders, log and Box-Cox transforms, calendar features — fitted
//!   models with the core `Fit` / `Transform` traits and serde.
//!
//! Money and statistics are `f64`; interaction values are stored as `f32`
//! (the core matrix type) after aggregation in `f64`.
//!
//! Order-line functions take one slice of lines: purchases have quantity > 0,
//! returns quantity < 0. With shopml-clean's default rules, pass
//! `Cleaned::transactions` and `Cleaned::returns` together (concatenated).
//! Everything here is deterministic: row order is first-seen order, random
//! splits draw from per-user generators seeded by `seed`, and the results do
//! not depend on the number of rayon threads. [`CustomerFeaturesParams::compute_with_rfm`]
//! gives the RFM and feature tables from one grouping pass.
//!
//! Every parameter type follows the workspace convention: `XParams` →
//! [`Fit::fit`](shopml_core::Fit::fit) → a fitted, serialisable value whose
//! loading is validated. Order lines must lie in the supported date range
//! (1900–2199) and amounts must stay within `f64`; anything else is a typed
//! [`FeaturesError`] naming the line or customer (see docs/RELIABILITY.md).
//!
//! ```
//! use shopml_clean::Transaction;
//! use shopml_core::{Fit, Timestamp};
//! use shopml_features::{CustomerFeaturesParams, RfmParams};
//!
//! let line = |invoice: &str, customer: &str, day: u32, qty: f64, price: f64| Transaction {
//!     invoice: invoice.into(),
//!     product: "85123A".into(),
//!     description: None,
//!     quantity: qty,
//!     timestamp: Timestamp::from_civil(2011, 12, day, 10, 0, 0).unwrap(),
//!     unit_price: price,
//!     customer: Some(customer.into()),
//!     country: None,
//!     category: None,
//!     attributes: Default::default(),
//!     line: 0,
//! };
//! let lines = vec![line("1", "a", 1, 2.0, 5.0), line("2", "a", 5, 1.0, 5.0), line("3", "b", 3, 4.0, 2.5)];
//! let rfm = RfmParams::new().fit(&lines[..]).unwrap();
//! let a = rfm.customers.index("a").unwrap();
//! assert_eq!((rfm.recency[a], rfm.frequency[a], rfm.monetary[a]), (1.0, 2.0, 15.0));
//!
//! let features = CustomerFeaturesParams::new().fit(&lines[..]).unwrap();
//! assert_eq!(features.column("avg_order_value").unwrap()[a], 7.5);
//! // One call to a model's input: the RFM columns and a target per customer.
//! let spend = ndarray::array![15.0, 10.0];
//! let rf = features.select(&["recency", "frequency"]).unwrap();
//! let data = rf.to_dataset(spend.view()).unwrap();
//! assert_eq!(data.n_features(), 2);
//! ```
#![warn(missing_docs)]

mod checked;
pub mod customer;
pub mod demand;
pub mod error;
pub mod interactions;
pub mod labels;
mod prep;
pub mod preprocessing;
pub mod rfm;

// Customer tables: RFM, the feature matrix, labels for churn / purchase models.
pub use customer::{Categories, CustomerFeaturesParams, FeatureMatrix};
pub use labels::{LabelParams, Labelled, Target};
pub use rfm::{RecencyDays, Rfm, RfmParams, Segment, TieRule};
// Options shared by the customer tables and the demand panel.
pub use prep::ReturnsInSpend;
// Recommender input.
pub use interactions::{EventWeights, InteractionParams, InteractionValue, Split, SplitRule, Weighting};
// Forecasting input.
pub use demand::{DemandPanel, DemandParams, Frequency, Level};
// Errors.
pub use error::{FeaturesError, Result};
