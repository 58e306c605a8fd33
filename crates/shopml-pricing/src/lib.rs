//! # shopml-pricing
//!
//! Demand curves, elasticities and profit-optimal prices.
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
pub mod whatif;

pub use demand::{DemandCurve, DemandData, DemandForm, DemandParams, Estimate};
pub use error::{PricingError, Result};
pub use ols::Covariance;
pub use optimal::{Bound, Demand, Method, Objective, OptimalPrice, PriceProblem, optimal_price};
pub use panel::{CoefficientTable, CrossPriceElasticities, CrossPriceParams, PanelDemandParams, PanelSpec, PanelTable};
pub use logit::{LogitShare, LogitShareParams, ShareData};
pub use orderlines::{ElasticityTable, OrderLine, OrderLineElasticityParams, Period, ProductElasticity};
pub use line::{LineDemand, LineMethod, LineProblem, LineProduct, LineSolution, LineSolverParams, optimise_line};
pub use markdown::{MarkdownPolicy, MarkdownProblem, solve_markdown};
pub use dynamic::{EpsilonGreedy, Greedy, InventoryTs, LogLinearTs, Market, PoissonGammaTs, PricingPolicy, SimulationResult, simulate};
pub use whatif::{WhatIfRow, what_if};
