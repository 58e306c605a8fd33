//! # shopml-linear
//!
//! Linear models for e-commerce analytics: purchase and churn propensity
//! (logistic regression), demand curves (log-log least squares, Poisson
//! regression for unit counts) and any tabular prediction, with the
//! statsmodels-style inference that pricing analysts need.
//!
//! ```
//! use ndarray::array;
//! use shopml_core::{Dataset, Fit, Predict};
//! use shopml_linear::LinearRegressionParams;
//!
//! // log units = 5 − 2 · log price (+ noise-free here)
//! let x = array![[0.0], [0.5], [1.0], [1.5], [2.0]];
//! let y = array![5.1, 3.9, 3.0, 2.1, 0.9];
//! let model = LinearRegressionParams::default().fit(&Dataset::new(x.view(), y.view())).unwrap();
//! let inf = model.inference().unwrap();
//! assert!((model.coefficients()[0] + 2.0).abs() < 0.1);
//! assert!(inf.p_values[1] < 0.01); // the price slope is significant
//! println!("{}", inf.summary());
//! let pred = model.predict(&array![[1.0]]).unwrap();
//! assert!((pred[0] - 3.0).abs() < 0.1);
//! ```
//!
//! Classification targets are core's `Dataset` with `bool` targets (churn
//! labels straight from shopml-features) or `f64` class labels; p-values and
//! intervals use `shopml_core::stats`. Rank decisions use the documented
//! tolerance `σ_max · max(n, p) · ε` on every backend, and a rank-deficient
//! OLS reports statsmodels' pseudo-inverse table.
#![cfg_attr(not(test), warn(missing_docs))]

pub mod cv;
pub mod enet;
pub mod error;
mod glm;
pub mod inference;
pub mod kernels;
mod lbfgs;
pub mod logistic;
pub mod model;
pub mod ols;
pub mod poisson;
mod prep;
pub mod ridge;

// Least squares, ridge and elastic net: three parameter types, one fitted `LinearModel`.
pub use enet::{ElasticNetParams, EnetPath, Lasso, Precompute, enet_path};
pub use model::LinearModel;
pub use ols::{LinearRegressionParams, OlsSolver};
pub use ridge::{RidgeParams, ridge_path};
// Generalised linear models (shared machinery in the private `glm` module).
pub use logistic::{ClassTargets, ClassWeight, LogisticRegression, LogisticRegressionParams, LogisticSolver, Penalty};
pub use poisson::{PoissonRegression, PoissonRegressionParams, PoissonSolver};
// Inference tables and model selection.
pub use cv::{CvResult, KFold, enet_cv, logistic_cv, ridge_cv};
pub use inference::{CovType, Inference, LeastSquaresFit, Statistic};
// Errors.
pub use error::{LinearError, Result};
