//! # shopml-forecast
//!
//! Demand forecasting for shops and the inventory decisions that follow from
//! it: benchmark forecasts, exponential smoothing and the ETS state-space
//! family with automatic model selection, Theta, intermittent-demand methods,
//! conformal intervals, many-series batch fitting, rolling-origin backtests,
//! and safety stock / reorder point / order quantity policies.
//!
//! ```
//! use shopml_core::{Fit, Forecast, TimeSeries};
//! use shopml_forecast::ets::AutoEts;
//!
//! // Monthly demand with a yearly cycle and some irregular noise.
//! let y: Vec<f64> = (0..60)
//!     .map(|t| 200.0 + 2.0 * t as f64 + 30.0 * (t as f64 * std::f64::consts::PI / 6.0).sin() + ((t * 37) % 11) as f64)
//!     .collect();
//! let model = AutoEts::params().fit(&TimeSeries::new(y, 12).unwrap()).unwrap();
//! let f = model.forecast(12, &[80.0, 95.0]).unwrap();
//! assert_eq!(f.point.len(), 12);
//! assert!(f.intervals[1].upper[0] > f.intervals[0].upper[0]);
//! ```
#![cfg_attr(not(test), warn(missing_docs))]

pub mod backtest;
pub mod baseline;
pub mod batch;
pub mod conformal;
mod decompose;
pub mod error;
pub mod ets;
pub mod holt_winters;
pub mod intermittent;
pub mod intervals;
pub mod inventory;
pub mod model;
pub mod mstl;
pub mod normal;
mod optim;
pub mod reconcile;
pub mod seasonal;
mod series_check;
pub mod stl;
pub mod theta;

// Errors.
pub use error::{ForecastError, Result};
// The models most services start from.
pub use ets::{AutoEts, AutoEtsParams, Ets, EtsParams};
pub use holt_winters::{HoltWinters, HoltWintersParams};
pub use theta::{Theta, ThetaParams};
// From a forecast to an inventory decision.
pub use inventory::{LeadTimeDemand, LeadTimeForecast};
pub use model::{FittedModel, ModelSpec};
