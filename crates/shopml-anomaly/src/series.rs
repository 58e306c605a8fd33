//! Anomalies in sales series: days or weeks whose value falls outside what
//! the series' own history predicts, with the expected value and the size of
//! the deviation.
//!
//! Two methods:
//!
//! - [`SeriesMethod::ForecastInterval`]: rolling one-step-ahead ETS forecasts
//!   (shopml-forecast's `AutoEtsParams`; Hyndman, Koehler, Snyder & Grose 2002). The
//!   model and its parameters are chosen on the first `train` observations;
//!   every later value is compared with the central `level`% interval of its
//!   one-step forecast from the values before it. A flagged value is replaced
//!   by its forecast before the filter moves on, so one outlier does not
//!   distort the next forecasts or widen the band (the usual "clean and
//!   continue" rule of forecast-based monitoring).
//! - [`SeriesMethod::RobustSeasonal`]: a robust decomposition — trend as a
//!   centred running median over one season, seasonal index as the median
//!   detrended value of each phase — and a band of `threshold` robust
//!   standard deviations (`1.4826 · MAD`) of the remainder around its median.
//!   Needs no training window and flags from the first observation.
//!
//! All use of shopml-forecast is in this module.

use serde::{Deserialize, Serialize};
use shopml_core::{Error, Fit, Params, TimeSeries, validate::param};
use shopml_forecast::ets::{AutoEts, Component, Ets, EtsParams};

use crate::error::{AnomalyError, Result};

/// How expected values and bands are computed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum SeriesMethod {
    /// Rolling one-step ETS forecast intervals.
    ForecastInterval {
        /// Observations used to choose and estimate the model (at least 2 seasons + 2 is sensible).
        train: usize,
        /// Interval level in percent, in `(0, 100)`.
        level: f64,
    },
    /// Robust seasonal decomposition band.
    RobustSeasonal {
        /// Band half-width in robust standard deviations of the remainder.
        threshold: f64,
    },
}

/// Hyper-parameters of a series detector.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SeriesDetectorParams {
    method: SeriesMethod,
}

impl SeriesDetectorParams {
    /// Rolling one-step forecast intervals: model chosen on the first `train`
    /// values, `level`% intervals (e.g. 99).
    pub fn forecast_interval(train: usize, level: f64) -> Self {
        SeriesDetectorParams { method: SeriesMethod::ForecastInterval { train, level } }
    }

    /// Robust seasonal band of `threshold` robust standard deviations (e.g. 3.5).
    pub fn robust_seasonal(threshold: f64) -> Self {
        SeriesDetectorParams { method: SeriesMethod::RobustSeasonal { threshold } }
    }
}

impl Params for SeriesDetectorParams {
    fn check(&self) -> shopml_core::Result<()> {
        match self.method {
            SeriesMethod::ForecastInterval { train, level } => {
                param::at_least("train", train, 4)?;
                shopml_core::check_levels(&[level])
            }
            SeriesMethod::RobustSeasonal { threshold } => param::positive("threshold", threshold),
        }
    }
}

/// One checked observation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SeriesPoint {
    /// Position in the series.
    pub index: usize,
    /// The observed value.
    pub value: f64,
    /// What the method expected.
    pub expected: f64,
    /// Lower end of the band.
    pub lower: f64,
    /// Upper end of the band.
    pub upper: f64,
    /// `value − expected`.
    pub deviation: f64,
    /// Deviation in units of the band's half-width: beyond ±1 is outside.
    pub severity: f64,
    /// Whether the value lies outside the band.
    pub is_anomaly: bool,
}

/// The checked observations of a series (those after the training window
/// for the forecast method, all of them for the robust band).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeriesAnomalies {
    /// One entry per checked observation, in time order.
    pub points: Vec<SeriesPoint>,
    /// The model behind the expected values (`ETS(A,N,A)`, `robust seasonal`).
    pub model: String,
}

impl SeriesAnomalies {
    /// The flagged observations, largest |severity| first.
    pub fn anomalies(&self) -> Vec<SeriesPoint> {
        let mut v: Vec<SeriesPoint> = self.points.iter().filter(|p| p.is_anomaly).copied().collect();
        v.sort_by(|a, b| b.severity.abs().total_cmp(&a.severity.abs()).then(a.index.cmp(&b.index)));
        v
    }
}

fn point(index: usize, value: f64, expected: f64, lower: f64, upper: f64) -> SeriesPoint {
    let deviation = value - expected;
    let half = if deviation >= 0.0 { upper - expected } else { expected - lower };
    let severity = if half > 0.0 {
        deviation / half
    } else if deviation == 0.0 {
        0.0
    } else {
        f64::MAX.copysign(deviation)
    };
    SeriesPoint { index, value, expected, lower, upper, deviation, severity, is_anomaly: value < lower || value > upper }
}

impl Fit<TimeSeries> for SeriesDetectorParams {
    type Model = SeriesAnomalies;
    type Error = AnomalyError;

    /// Checks every observation of a finite series (missing values are an error).
    ///
    /// ```
    /// use shopml_anomaly::series::SeriesDetectorParams;
    /// use shopml_core::{Fit, TimeSeries};
    /// // Weekly pattern with a broken feed on day 40.
    /// let mut y: Vec<f64> = (0..70).map(|t| 100.0 + [0.0, 5.0, 8.0, 6.0, 10.0, 30.0, 25.0][t % 7] + ((t * 7919) % 13) as f64).collect();
    /// y[40] = 5.0;
    /// let s = TimeSeries::new(y, 7).unwrap();
    /// let found = SeriesDetectorParams::robust_seasonal(3.5).fit(&s).unwrap().anomalies();
    /// assert_eq!(found[0].index, 40);
    /// assert!(found[0].expected > 100.0);
    /// let found = SeriesDetectorParams::forecast_interval(28, 99.0).fit(&s).unwrap().anomalies();
    /// assert_eq!(found[0].index, 40);
    /// ```
    fn fit(&self, series: &TimeSeries) -> Result<SeriesAnomalies> {
        self.check()?;
        let y = series.values();
        if y.is_empty() {
            return Err(Error::empty("series").into());
        }
        shopml_core::validate::finite_slice("series values", y)?;
        match self.method {
            SeriesMethod::ForecastInterval { train, level } => forecast_band(series, train, level),
            SeriesMethod::RobustSeasonal { threshold } => Ok(robust_band(y, series.season_length(), threshold)),
        }
    }
}

/// A fixed-parameter ETS model with the chosen model's weights and initial
/// states: fitting it only filters, so `fitted[t]` is the one-step forecast
/// from the values before `t`.
fn frozen(model: &Ets) -> EtsParams {
    let spec = model.spec;
    let c = model.coefficients;
    let mut e = EtsParams::from_spec(spec).alpha(c.alpha);
    if spec.trend != Component::None {
        e = e.beta(c.beta);
    }
    if spec.season != Component::None {
        e = e.gamma(c.gamma);
    }
    if spec.damped {
        e = e.phi(c.phi);
    }
    e.initial_state(model.initial.level, model.initial.trend, model.initial.seasons.clone())
}

fn forecast_band(series: &TimeSeries, train: usize, level: f64) -> Result<SeriesAnomalies> {
    let y = series.values();
    let n = y.len();
    if n <= train {
        return Err(
            Error::param("train", format!("the series has {n} values; at least one must follow the {train} training values")).into()
        );
    }
    let m = series.season_length();
    let chosen = AutoEts::params().fit(&TimeSeries::new(y[..train].to_vec(), m)?)?.model;
    let sigma = chosen.sigma2.max(0.0).sqrt();
    let z = shopml_forecast::normal::quantile(0.5 + level / 200.0)?;
    let multiplicative = chosen.spec.error == Component::Multiplicative;
    let ets = frozen(&chosen);
    let half_width = |f: f64| if multiplicative { z * sigma * f.abs() } else { z * sigma };
    let mut work = y.to_vec();
    let mut flagged = vec![false; n];
    let mut start = train;
    loop {
        // A multiplicative model cannot filter a value ≤ 0: filter up to it,
        // and judge it against the forecast from the values before it.
        let cut = if multiplicative { (start..n).find(|&t| work[t] <= 0.0).unwrap_or(n) } else { n };
        let fit = ets.fit(&TimeSeries::new(work[..cut].to_vec(), m)?)?;
        let outside = |t: usize, f: f64| (work[t] - f).abs() > half_width(f);
        if let Some(t) = (start..cut).find(|&t| outside(t, fit.fitted[t])) {
            flagged[t] = true;
            work[t] = fit.fitted[t];
            start = t + 1;
            continue;
        }
        if cut < n {
            let f = fit.point(1)[0];
            flagged[cut] = outside(cut, f);
            work[cut] = f;
            start = cut + 1;
            continue;
        }
        let points = (train..n)
            .map(|t| {
                let f = fit.fitted[t];
                let h = half_width(f);
                let mut p = point(t, y[t], f, f - h, f + h);
                p.is_anomaly = flagged[t];
                p
            })
            .collect();
        return Ok(SeriesAnomalies { points, model: chosen.spec.name() });
    }
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_unstable_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 { v[n / 2] } else { 0.5 * (v[n / 2 - 1] + v[n / 2]) }
}

fn robust_band(y: &[f64], m: usize, threshold: f64) -> SeriesAnomalies {
    let n = y.len();
    let m = m.max(1);
    // Trend: centred running median over one season (odd window, truncated at the ends).
    let half = m / 2;
    let trend: Vec<f64> = (0..n)
        .map(|t| {
            let (a, b) = (t.saturating_sub(half), (t + half + 1).min(n));
            median(&mut y[a..b].to_vec())
        })
        .collect();
    let detrended: Vec<f64> = y.iter().zip(&trend).map(|(v, t)| v - t).collect();
    let seasonal: Vec<f64> = if m > 1 {
        (0..m).map(|p| median(&mut detrended.iter().skip(p).step_by(m).copied().collect::<Vec<_>>())).collect()
    } else {
        vec![0.0]
    };
    let expected: Vec<f64> = (0..n).map(|t| trend[t] + seasonal[t % m]).collect();
    let mut rem: Vec<f64> = y.iter().zip(&expected).map(|(v, e)| v - e).collect();
    let centre = median(&mut rem.clone());
    for r in rem.iter_mut() {
        *r = (*r - centre).abs();
    }
    let scale = 1.4826 * median(&mut rem);
    let points = (0..n)
        .map(|t| {
            let e = expected[t] + centre;
            point(t, y[t], e, e - threshold * scale, e + threshold * scale)
        })
        .collect();
    SeriesAnomalies { points, model: "robust seasonal".into() }
}
