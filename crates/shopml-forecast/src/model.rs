//! One enum over every forecasting method, so batches, backtests and conformal
//! calibration can treat them alike.

use serde::{Deserialize, Serialize};
use shopml_core::{Fit, Forecast, ForecastResult, TimeSeries};

use crate::baseline::{Baseline, BaselineModel};
use crate::error::Result;
use crate::ets::{AutoEts, AutoEtsModel, Ets, EtsModel};
use crate::holt_winters::{HoltWinters, HoltWintersModel};
use crate::intermittent::{Intermittent, IntermittentModel};
use crate::seasonal::{Naive2, Naive2Model};
use crate::theta::{Theta, ThetaModel};

/// An unfitted forecasting method.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ModelSpec {
    /// Automatic ETS.
    AutoEts(AutoEts),
    /// One ETS model.
    Ets(Ets),
    /// A Holt–Winters family method.
    HoltWinters(HoltWinters),
    /// Theta.
    Theta(Theta),
    /// Naive, seasonal naive, drift or moving average.
    Baseline(Baseline),
    /// The M4 Naive2 benchmark.
    Naive2,
    /// Croston, SBA, TSB or ADIDA.
    Intermittent(Intermittent),
}

/// A fitted model of any kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FittedModel {
    /// Automatic ETS.
    AutoEts(AutoEtsModel),
    /// One ETS model.
    Ets(EtsModel),
    /// Holt–Winters family.
    HoltWinters(HoltWintersModel),
    /// Theta.
    Theta(ThetaModel),
    /// Benchmarks.
    Baseline(BaselineModel),
    /// Naive2.
    Naive2(Naive2Model),
    /// Intermittent demand.
    Intermittent(IntermittentModel),
}

impl ModelSpec {
    /// Fits the method to one series.
    pub fn fit(&self, series: &TimeSeries) -> Result<FittedModel> {
        Ok(match self {
            ModelSpec::AutoEts(p) => FittedModel::AutoEts(p.fit(series)?),
            ModelSpec::Ets(p) => FittedModel::Ets(p.fit(series)?),
            ModelSpec::HoltWinters(p) => FittedModel::HoltWinters(p.fit(series)?),
            ModelSpec::Theta(p) => FittedModel::Theta(p.fit(series)?),
            ModelSpec::Baseline(p) => FittedModel::Baseline(p.fit(series)?),
            ModelSpec::Naive2 => FittedModel::Naive2(Naive2.fit(series)?),
            ModelSpec::Intermittent(p) => FittedModel::Intermittent(p.fit(series)?),
        })
    }
    /// A short name for reports.
    pub fn name(&self) -> String {
        match self {
            ModelSpec::AutoEts(_) => "AutoETS".into(),
            ModelSpec::Ets(p) => p.spec().name(),
            ModelSpec::HoltWinters(_) => "HoltWinters".into(),
            ModelSpec::Theta(_) => "Theta".into(),
            ModelSpec::Baseline(b) => format!("{:?}", b.method()),
            ModelSpec::Naive2 => "Naive2".into(),
            ModelSpec::Intermittent(i) => format!("{:?}", i.method()),
        }
    }
}

impl FittedModel {
    /// A short description of the fitted model (the selected ETS form for AutoETS).
    pub fn describe(&self) -> String {
        match self {
            FittedModel::AutoEts(m) => m.model.spec.name(),
            FittedModel::Ets(m) => m.spec.name(),
            FittedModel::HoltWinters(m) => format!("HoltWinters {}", m.ets.spec.name()),
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
