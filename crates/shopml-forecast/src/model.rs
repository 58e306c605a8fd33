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
    AutoEts(AutoEts),
    /// One ETS model.
    Ets(Ets),
    /// Holt–Winters family.
    HoltWinters(HoltWinters),
    /// Theta.
    Theta(Theta),
    /// Benchmarks.
    Baseline(Baseline),
    /// Naive2.
    Naive2(Naive2),
    /// Intermittent demand.
    Intermittent(Intermittent),
}

impl ModelSpec {
    /// Fits the method to one series.
    pub fn fit(&self, series: &TimeSeries) -> Result<FittedModel> {
        Ok(match self {
            ModelSpec::AutoEtsParams(p) => FittedModel::AutoEts(p.fit(series)?),
            ModelSpec::EtsParams(p) => FittedModel::Ets(p.fit(series)?),
            ModelSpec::HoltWintersParams(p) => FittedModel::HoltWinters(p.fit(series)?),
            ModelSpec::ThetaParams(p) => FittedModel::Theta(p.fit(series)?),
            ModelSpec::BaselineParams(p) => FittedModel::Baseline(p.fit(series)?),
            ModelSpec::Naive2Params => FittedModel::Naive2(Naive2Params.fit(series)?),
            ModelSpec::IntermittentParams(p) => FittedModel::Intermittent(p.fit(series)?),
        })
    }
    /// A short name for reports.
    pub fn name(&self) -> String {
        match self {
            ModelSpec::AutoEtsParams(_) => "AutoETS".into(),
            ModelSpec::EtsParams(p) => p.spec().name(),
            ModelSpec::HoltWintersParams(p) => p.name(),
            ModelSpec::ThetaParams(_) => "Theta".into(),
            ModelSpec::BaselineParams(b) => format!("{:?}", b.method()),
            ModelSpec::Naive2Params => "Naive2".into(),
            ModelSpec::IntermittentParams(i) => format!("{:?}", i.method()),
        }
    }
}

impl FittedModel {
    /// The fitted model's name: the selected ETS form and its classical
    /// method for AutoETS and ETS (e.g. `ETS(A,Ad,N): damped Holt, additive
    /// errors`), the method for Holt–Winters (`SES`, `Holt`, `damped Holt`,
    /// `additive Holt-Winters`, …).
    pub fn name(&self) -> String {
        match self {
            FittedModel::AutoEts(m) => m.model.name(),
            FittedModel::Ets(m) => m.name(),
            FittedModel::HoltWinters(m) => m.name(),
            FittedModel::Theta(_) => "Theta".into(),
            FittedModel::Baseline(m) => format!("{:?}", m.method),
            FittedModel::Naive2(_) => "Naive2".into(),
            FittedModel::Intermittent(m) => format!("{:?}", m.method),
        }
    }
}

impl Forecast for FittedModel {
    fn forecast(&self, horizon: usize, levels: &[f64]) -> shopml_core::Result<ForecastResult> {
        match self {
            FittedModel::AutoEts(m) => m.forecast(horizon, levels),
            FittedModel::Ets(m) => m.forecast(horizon, levels),
            FittedModel::HoltWinters(m) => m.forecast(horizon, levels),
            FittedModel::Theta(m) => m.forecast(horizon, levels),
            FittedModel::Baseline(m) => m.forecast(horizon, levels),
            FittedModel::Naive2(m) => m.forecast(horizon, levels),
            FittedModel::Intermittent(m) => m.forecast(horizon, levels),
        }
    }
}
