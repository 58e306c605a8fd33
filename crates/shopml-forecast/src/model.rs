//! One enum over every forecasting method, so batches, backtests and conformal
//! calibration can treat them alike.

use serde::{Deserialize, Serialize};
use shopml_core::{Fit, Forecast, ForecastResult, TimeSeries};

use crate::baseline::{Baseline, BaselineParams};
use crate::error::Result;
use crate::ets::{AutoEts, AutoEtsParams, Ets, EtsParams};
use crate::holt_winters::{HoltWinters, HoltWintersParams};
use crate::intermittent::{Intermittent, IntermittentParams};
use crate::seasonal::{Naive2, Naive2Params};
use crate::theta::{Theta, ThetaParams};

/// An unfitted forecasting method.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ModelSpec {
    /// Automatic ETS.
    AutoEtsParams(AutoEtsParams),
    /// One ETS model.
    EtsParams(EtsParams),
    /// A Holt–Winters family method.
    HoltWintersParams(HoltWintersParams),
    /// Theta.
    ThetaParams(ThetaParams),
    /// Naive, seasonal naive, drift or moving average.
    BaselineParams(BaselineParams),
    /// The M4 Naive2 benchmark.
    Naive2Params,
    /// Croston, SBA, TSB or ADIDA.
    IntermittentParams(IntermittentParams),
}

/// A fitted model of any kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FittedModel {
    /// Automatic ETS.
    AutoEtsParams(AutoEts),
    /// One ETS model.
    EtsParams(Ets),
    /// Holt–Winters family.
    HoltWintersParams(HoltWinters),
    /// Theta.
    ThetaParams(Theta),
    /// Benchmarks.
    BaselineParams(Baseline),
    /// Naive2.
    Naive2Params(Naive2),
    /// Intermittent demand.
    IntermittentParams(Intermittent),
}

impl ModelSpec {
    /// Fits the method to one series.
    pub fn fit(&self, series: &TimeSeries) -> Result<FittedModel> {
        Ok(match self {
            ModelSpec::AutoEtsParams(p) => FittedModel::AutoEtsParams(p.fit(series)?),
            ModelSpec::EtsParams(p) => FittedModel::EtsParams(p.fit(series)?),
            ModelSpec::HoltWintersParams(p) => FittedModel::HoltWintersParams(p.fit(series)?),
            ModelSpec::ThetaParams(p) => FittedModel::ThetaParams(p.fit(series)?),
            ModelSpec::BaselineParams(p) => FittedModel::BaselineParams(p.fit(series)?),
            ModelSpec::Naive2Params => FittedModel::Naive2Params(Naive2Params.fit(series)?),
            ModelSpec::IntermittentParams(p) => FittedModel::IntermittentParams(p.fit(series)?),
        })
    }
    /// A short name for reports.
    pub fn name(&self) -> String {
        match self {
            ModelSpec::AutoEtsParams(_) => "AutoETS".into(),
            ModelSpec::EtsParams(p) => p.spec().name(),
            ModelSpec::HoltWintersParams(_) => "HoltWinters".into(),
            ModelSpec::ThetaParams(_) => "Theta".into(),
            ModelSpec::BaselineParams(b) => format!("{:?}", b.method()),
            ModelSpec::Naive2Params => "Naive2".into(),
            ModelSpec::IntermittentParams(i) => format!("{:?}", i.method()),
        }
    }
}

impl FittedModel {
    /// A short description of the fitted model (the selected ETS form for AutoETS).
    pub fn describe(&self) -> String {
        match self {
            FittedModel::AutoEtsParams(m) => m.model.spec.name(),
            FittedModel::EtsParams(m) => m.spec.name(),
            FittedModel::HoltWintersParams(m) => format!("HoltWinters {}", m.ets.spec.name()),
            FittedModel::ThetaParams(_) => "Theta".into(),
            FittedModel::BaselineParams(m) => format!("{:?}", m.method),
            FittedModel::Naive2Params(_) => "Naive2".into(),
            FittedModel::IntermittentParams(m) => format!("{:?}", m.method),
        }
    }
}

impl Forecast for FittedModel {
    fn forecast(&self, horizon: usize, levels: &[f64]) -> shopml_core::Result<ForecastResult> {
        match self {
            FittedModel::AutoEtsParams(m) => m.forecast(horizon, levels),
            FittedModel::EtsParams(m) => m.forecast(horizon, levels),
            FittedModel::HoltWintersParams(m) => m.forecast(horizon, levels),
            FittedModel::ThetaParams(m) => m.forecast(horizon, levels),
            FittedModel::BaselineParams(m) => m.forecast(horizon, levels),
            FittedModel::Naive2Params(m) => m.forecast(horizon, levels),
            FittedModel::IntermittentParams(m) => m.forecast(horizon, levels),
        }
    }
}
