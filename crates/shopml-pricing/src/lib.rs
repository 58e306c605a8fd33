//! # shopml-pricing
//!
//! Demand curves, own- and cross-price elasticities with inference, and
//! profit-optimal prices under real business rules: how sensitive is demand
//! to this product's price (and its neighbours'), which price maximises
//! profit given cost and rules, how to mark a stock down before a deadline,
//! and how to learn prices online when demand is uncertain.
//!
//! ```
//! use shopml_core::Fit;
//! use shopml_pricing::{DemandCurve, DemandData, DemandForm, whatif::what_if};
//!
//! // weekly price and units of one product
//! let price = vec![2.0, 2.2, 2.5, 2.8, 3.0, 3.3, 3.5, 4.0];
//! let units = vec![250.0, 205.0, 160.0, 128.0, 111.0, 92.0, 82.0, 62.0];
//! let curve = DemandCurve::params(DemandForm::LogLog).fit(&DemandData::new(price, units)).unwrap();
//! let e = curve.elasticity(3.0, 95.0).unwrap();
//! assert!(e.upper < -1.0); // elastic, significantly
//! // profit-optimal price at unit cost 1.2 (Lerner rule), within [1.5, 6]
//! let best = curve.optimal_price(1.2, 1.5, 6.0).unwrap();
//! assert!(best.binding.is_none() && best.price > 1.2);
//! // a table to plot
//! let table = what_if(&curve, &[2.0, 2.5, 3.0, 3.5], 1.2, 95.0).unwrap();
//! assert_eq!(table.len(), 4);
//! ```
//!
//! | module | what |
//! |---|---|
//! | [`demand`] | linear, log-log and semi-log demand; elasticity at any price with classical / HC1 intervals (delta method) |
//! | [`panel`] | long-table panels: store / product / period fixed effects, trend, controls; cross-price elasticities |
//! | [`logit`] | logit market-share demand for a product group (Berry 1994) |
//! | [`orderlines`] | elasticities straight from order lines, with a tunable reliability rule |
//! | [`optimal`] | one product's optimal price: Lerner and linear closed forms, argmin's Brent otherwise |
//! | [`line`](mod@line) | product lines with cross effects and rules: Clarabel QP, multi-start, price ladders |
//! | [`markdown`] | markdown schedules by dynamic programming over (period, stock) |
//! | [`dynamic`] | Thompson sampling (Poisson–Gamma, log-linear, inventory-constrained LP), baselines, simulator |
//! | [`whatif`] | demand / revenue / profit over a price grid with intervals |
//! | [`ols`] | the least-squares seam to shopml-linear and the [`Covariance`] choice |
//!
//! The guide with the maths and references is `docs/pricing.md` in the repository.
#![cfg_attr(not(test), warn(missing_docs))]

pub mod demand;
pub mod dynamic;
pub mod error;
pub mod line;
pub mod logit;
pub mod markdown;
pub mod ols;
pub mod optimal;
pub mod orderlines;
pub mod panel;
pub mod price_book;
pub mod whatif;

pub use demand::{DemandCurve, DemandData, DemandForm, DemandParams, Estimate};
pub use dynamic::{EpsilonGreedy, Greedy, InventoryTs, LogLinearTs, Market, PoissonGammaTs, PricingPolicy, SimulationResult, simulate};
pub use error::{PricingError, Result};
pub use line::{LineDemand, LineMethod, LineProblem, LineProduct, LineSolution, LineSolverParams, optimise_line};
pub use logit::{LogitShare, LogitShareParams, ShareData};
pub use markdown::{MarkdownPolicy, MarkdownProblem, solve_markdown};
pub use ols::Covariance;
pub use optimal::{Bound, Demand, Method, Objective, OptimalPrice, PriceProblem, optimal_price};
pub use orderlines::{ElasticityTable, OrderLine, OrderLineElasticityParams, Period, ProductElasticity};
pub use panel::{CoefficientTable, CrossPriceElasticities, CrossPriceParams, PanelDemandParams, PanelSpec, PanelTable};
pub use price_book::{MarginPolicy, PriceBook, PriceBookParams, PriceBookRow, PriceRecommendation, ProductBaseline};
pub use whatif::{WhatIfRow, what_if};
