//! # shopml-clv
//!
//! Which customers are still active, how many orders each will place, and
//! what each is worth: the "buy till you die" models of repeat purchasing
//! and the Gamma-Gamma spend model, fitted by maximum likelihood.
//!
//! - [`Summary`]: per-customer frequency / recency / age / mean spend from
//!   transactions (calibration and optional holdout), in the conventions of
//!   Fader & Hardie and lifetimes.
//! - [`BetaGeo`] (BG/NBD), [`ModifiedBetaGeo`] (MBG/NBD), [`ParetoNbd`]
//!   (Pareto/NBD) and [`BetaGeoBetaBinom`] (BG/BB, discrete opportunities):
//!   fitted with argmin's L-BFGS on the log-parameters, with standard errors
//!   from the observed information; all implement [`RepeatPurchaseModel`]
//!   (expected purchases, P(alive), new-customer curve, P(X(t) = n)).
//! - [`GammaGamma`]: spend per transaction, conditional expected spend and
//!   [`customer_lifetime_value`] (discounted cash flow).
//!
//! ```
//! use shopml_clv::{BetaGeo, RepeatPurchaseModel, Summary};
//! use shopml_core::Fit;
//!
//! // A summary drawn from a BG/NBD with known parameters …
//! let truth = BetaGeo::new([0.5, 8.0, 0.8, 2.5]).unwrap();
//! let summary = shopml_clv::simulate::bg_nbd(&truth, 2000, 52.0, 7);
//! // … is fitted back.
//! let model = BetaGeo::params().fit(&summary).unwrap();
//! assert!(model.log_likelihood(&summary) >= truth.log_likelihood(&summary));
//! let next_quarter = model.predict_purchases(&summary, 13.0).unwrap();
//! assert_eq!(next_quarter.len(), summary.len());
//! ```
#![cfg_attr(not(test), warn(missing_docs))]

pub mod bgbb;
pub mod bgnbd;
pub mod error;
pub mod mbgnbd;
pub mod model;
pub mod optim;
pub mod pareto;
pub mod simulate;
pub mod special;
pub mod spend;
pub mod summary;
mod transactions;
pub mod value;

pub use bgbb::{BetaGeoBetaBinom, BetaGeoBetaBinomParams};
pub use bgnbd::{BetaGeo, BetaGeoParams};
pub use error::{ClvError, Result};
pub use mbgnbd::{ModifiedBetaGeo, ModifiedBetaGeoParams};
pub use model::{CurvePoint, RepeatPurchaseModel};
pub use optim::{FitSummary, MleOptions};
pub use pareto::{ParetoNbd, ParetoNbdParams};
pub use spend::{GammaGamma, GammaGammaParams, frequency_spend_correlation};
pub use summary::{CustomerSummary, Holdout, Occasion, Summary, SummaryParams, TimeUnit};
pub use value::{ClvParams, customer_lifetime_value};
