//! # shopml-anomaly
//!
//! Fraud and anomaly detection for shops: the unusual order, customer or day,
//! found before it shows up as a trend.
//!
//! - [`IsolationForest`]: Isolation Forest with scikit-learn's semantics
//!   (`max_samples = min(256, n)`, depth limit `⌈log₂ ψ⌉`, `c(n)` correction,
//!   offset −0.5 or a contamination percentile) and the Extended Isolation
//!   Forest's random hyperplanes as an option. Trees are stored flat and
//!   walked without allocation, grown in parallel over trees and scored in
//!   parallel over rows; a seed gives the same forest for any thread count
//!   and any row order. [`IsolationForest::feature_attribution`] says which
//!   features isolated a row.
//! - [`LocalOutlierFactor`]: LOF with exact k-nearest neighbours (a k-d tree
//!   from the `kiddo` crate, or an exhaustive scan above 15 features), equal
//!   to scikit-learn's scores, with novelty scoring of new rows.
//! - [`RobustScorer`] / [`GroupedRobustScorer`]: shopml-clean's MAD and IQR
//!   rules as scorers, per column or per group (product, customer).
//! - [`orders`]: order-level e-commerce signals from cleaned transactions
//!   (value and units vs the customer's history and the product's typical
//!   line, pricing errors, velocity, new customers, returns, country switches,
//!   quick reversals) for any detector.
//! - [`series`]: days or weeks outside a rolling one-step forecast interval
//!   (shopml-forecast's ETS) or a robust seasonal band, with the expected
//!   value and the size of the deviation.
//!
//! Every detector implements [`Detector`] (scikit-learn's `score_samples`,
//! `decision_function`, `offset`) and [`Predict`](shopml_core::Predict)
//! (`+1` inlier, `−1` outlier). Evaluate with
//! [`roc_auc`](shopml_core::metrics::classification::roc_auc) and
//! [`average_precision`](shopml_core::metrics::classification::average_precision).
//!
//! ```
//! use ndarray::Array2;
//! use shopml_anomaly::{Detector, IsolationForest, LocalOutlierFactor, RobustScorer};
//! use shopml_core::Fit;
//!
//! // Order value and units of 300 ordinary orders, and one odd one.
//! let mut x = Array2::from_shape_fn((300, 2), |(i, j)| if j == 0 { 20.0 + (i % 17) as f64 } else { 1.0 + (i % 5) as f64 });
//! x[[42, 0]] = 900.0;
//! x[[42, 1]] = 2.0;
//! let worst = |s: ndarray::Array1<f64>| (0..300).min_by(|&a, &b| s[a].total_cmp(&s[b])).unwrap();
//! let forest = IsolationForest::params().seed(7).fit(&x).unwrap();
//! assert_eq!(worst(forest.score_samples(&x).unwrap()), 42);
//! let lof = LocalOutlierFactor::params().fit(&x).unwrap();
//! assert_eq!(worst(lof.negative_outlier_factor().clone()), 42);
//! let robust = RobustScorer::params().fit(&x).unwrap();
//! assert_eq!(worst(robust.score_samples(&x).unwrap()), 42);
//! ```
//!
//! ## Edge cases
//!
//! - Empty records → [`shopml_core::Error::EmptyInput`]; NaN/∞ →
//!   [`shopml_core::Error::NonFinite`] naming row and column; the wrong
//!   number of columns → [`shopml_core::Error::ShapeMismatch`].
//! - `max_samples` above the number of rows → [`AnomalyError::MaxSamplesTooLarge`];
//!   `n_neighbors ≥ n` → [`AnomalyError::TooFewRows`].
//! - Models load from JSON only when consistent (tree links point forward
//!   and in range, values finite, sizes agree): [`AnomalyError::InvalidModel`].
//! - Constant data: every isolation tree is a single leaf and all rows score
//!   alike; LOF's `1e-10` keeps densities of duplicates finite.
#![cfg_attr(not(test), warn(missing_docs))]

pub mod detector;
pub mod error;
pub mod iforest;
mod knn;
pub mod lof;
pub mod orders;
pub mod robust;
pub mod series;
mod tree;

pub use detector::{Contamination, Detector, percentile};
pub use error::{AnomalyError, Result};
pub use iforest::{IsolationForest, IsolationForestParams, MaxFeatures, MaxSamples, Splits};
pub use lof::{LocalOutlierFactor, LocalOutlierFactorParams};
pub use orders::{OrderFeatures, OrderSummary, order_features};
pub use robust::{Band, GroupedRobustScorer, RobustMethod, RobustScorer, RobustScorerParams};
pub use series::{SeriesAnomalies, SeriesDetectorParams, SeriesMethod, SeriesPoint};
pub use tree::average_path_length;
