//! # shopml-anomaly
//!
//! Fraud and anomaly detection for shops.
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
pub use robust::{Band, GroupedRobustScorer, RobustMethod, RobustScorer, RobustScorerParams};
pub use tree::average_path_length;
