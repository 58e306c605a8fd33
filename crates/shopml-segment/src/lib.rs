//! # shopml-segment
//!
//! Customer segmentation with k-means, fast and explained.
//!
//! ```
//! use ndarray::array;
//! use shopml_core::{Fit, Predict};
//! use shopml_segment::KMeans;
//!
//! // Two obvious groups of customers (recency days, orders).
//! let x = array![[2.0, 30.0], [3.0, 28.0], [1.0, 35.0], [200.0, 1.0], [220.0, 2.0], [210.0, 1.0]];
//! let model = KMeans::params(2).seed(7).fit(&x).unwrap();
//! let labels = model.predict(&x).unwrap();
//! assert_eq!(labels[0], labels[1]);
//! assert_ne!(labels[0], labels[3]);
//! assert!(model.inertia() > 0.0);
//! ```
//!
//! - [`KMeans`]: exact k-means with greedy k-means++, random or given initial
//!   centres, `n_init` restarts, sample weights and empty-cluster recovery.
//!   Lloyd iterations run on row blocks in parallel (rayon), with the
//!   distances of each chunk of rows computed as one matrix product against
//!   the centres (`‖c‖² − 2 x·c`) and per-block partial sums reduced in a
//!   fixed order, so a seed gives the same model on any number of threads.
//!   The product uses a register-blocked kernel (AVX2 + FMA when the CPU has
//!   them, detected at run time) for up to 64 features, where packing for a
//!   general GEMM costs more than the product, and ndarray's GEMM beyond.
//!   [`Algorithm::Hamerly`] adds distance bounds. Records may be `f64` or `f32`.
//! - [`MiniBatchKMeans`]: mini-batch k-means with `partial_fit` for data
//!   streamed in pieces.
//! - [`choose_k`]: inertia (elbow), silhouette (exact or sampled),
//!   Calinski–Harabasz and Davies–Bouldin over a range of `k`, with a
//!   recommended `k` and the reasons.
//! - [`profile()`]: per-segment size, share of customers and of revenue, feature
//!   means and medians in original units, and RFM-style segment names;
//!   [`RfmScaler`] is the usual `log1p` + standardise preprocessing, invertible.
//!
//! Every model follows the workspace convention: `X::params(..)` gives the
//! `XParams`, [`Fit::fit`](shopml_core::Fit::fit) on any 2-D ndarray (owned
//! or a view) gives the model `X`, and [`Predict::predict`](shopml_core::Predict::predict)
//! labels rows. [`KMeansParams::fit_detailed`] also returns the training
//! labels and every run's inertia; [`Transform`](shopml_core::Transform)
//! gives each row's distance to every centre.
//!
//! ## Edge cases
//!
//! - `n_clusters = 0` → [`shopml_core::Error::InvalidParameter`]; `n_clusters`
//!   above the number of rows → [`SegmentError::TooManyClusters`].
//! - NaN/∞ in records → [`shopml_core::Error::NonFinite`] naming row and column.
//! - Fewer distinct rows than clusters (duplicates, zero variance): the fit
//!   succeeds, empty clusters are refilled from the farthest rows while any
//!   are left, and the surplus centres coincide;
//!   [`KMeans::n_distinct_centres`] reports how many differ. All-identical
//!   rows give inertia 0.
#![cfg_attr(not(test), warn(missing_docs))]

pub mod choose;
pub mod error;
pub mod float;
mod init;
pub mod kmeans;
mod lloyd;
pub mod minibatch;
pub mod params;
pub mod profile;
pub mod quality;

// Fitting segments.
pub use kmeans::{KMeans, KMeansFit};
pub use minibatch::{MiniBatchKMeans, MiniBatchKMeansParams};
pub use params::{Algorithm, Init, KMeansParams};
// Choosing k.
pub use choose::{KChoice, KScore, choose_k};
// Explaining segments.
pub use profile::{RfmColumns, RfmScaler, RfmScalerParams, SegmentProfile, name_rfm, profile};
// Errors and element types.
pub use error::{Result, SegmentError};
pub use float::Float;
