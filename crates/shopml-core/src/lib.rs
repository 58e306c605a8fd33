//! # shopml-core
//!
//! The shared vocabulary of the shopml crates: the traits every model
//! implements, one error type, id maps, the sparse user × item matrix, a
//! linear-algebra seam with a pure-Rust default and an optional LAPACK
//! backend, evaluation metrics, and a conformance kit for model tests.
//!
//! ```
//! use shopml_core::{Duplicates, InteractionsBuilder, metrics};
//!
//! // Interactions keyed by the shop's own ids.
//! let mut b = InteractionsBuilder::new();
//! b.push("17850", "85123A", 6.0).unwrap();
//! b.push("17850", "71053", 6.0).unwrap();
//! b.push("13047", "85123A", 2.0).unwrap();
//! let data = b.build(Duplicates::Sum).unwrap();
//! assert_eq!(data.matrix.shape(), (2, 2));
//!
//! // One place for metrics.
//! let rmse = metrics::regression::rmse(&[1.0, 2.0], &[1.0, 4.0]).unwrap();
//! assert!((rmse - 2f64.sqrt()).abs() < 1e-12);
//! ```
//!
//! ## Feature flags
//!
//! - `testing`: the conformance kit (`conformance`) and the test-data
//!   locator (`testdata`), for the workspace's own tests; not part of the
//!   library a service links.
//! - `lapack`: route [`linalg`] through `ndarray-linalg`. It needs exactly one
//!   backend: `openblas-system`, `openblas-static`, `netlib-system`,
//!   `netlib-static`, `intel-mkl-system` or `intel-mkl-static` (each implies
//!   `lapack`).
#![cfg_attr(not(test), warn(missing_docs))]

#[cfg(feature = "testing")]
pub mod conformance;
pub mod correlation;
pub mod error;
pub mod ids;
pub mod linalg;
pub mod metrics;
pub mod select;
pub mod serde_float;
pub mod series;
pub mod simd;
pub mod sparse;
pub mod stats;
#[cfg(feature = "testing")]
pub mod testdata;
pub mod time;
pub mod traits;
pub mod validate;
pub mod validated;

pub use error::{AsCoreError, Error, Result};
pub use ids::{FastHashMap, IdMap};
pub use select::top_n;
pub use series::TimeSeries;
pub use sparse::{Csr, Duplicates, Interactions, InteractionsBuilder, LabelledInteractions, Triple};
pub use time::Timestamp;
pub use traits::{
    Dataset, Fit, FitTransform, Forecast, ForecastResult, Interval, Observer, Params, Predict, Progress, Recommend, Scored, Transform,
    check_levels,
};
