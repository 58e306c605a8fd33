//! [`TimeSeries`]: values at a regular frequency with their season length.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// A regularly spaced series of observations and its season length
/// (`12` for monthly data with a yearly cycle, `7` for daily data with a
/// weekly one, `1` for no seasonality).
///
/// Values may contain NaN for missing periods; each model documents how it
/// treats them.
///
/// ```
/// use shopml_core::TimeSeries;
/// let s = TimeSeries::new(vec![3.0, 4.0, 5.0], 1).unwrap();
/// assert_eq!(s.len(), 3);
/// assert!(TimeSeries::new(vec![1.0], 0).is_err());
/// ```
///
/// Missing values serialise as `"nan"` (see [`crate::serde_float`]), and
/// loading runs the checks of [`TimeSeries::new`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "TimeSeriesRaw")]
pub struct TimeSeries {
    #[serde(with = "crate::serde_float::vec")]
    values: Vec<f64>,
    season_length: usize,
}

#[derive(Deserialize)]
struct TimeSeriesRaw {
    #[serde(with = "crate::serde_float::vec")]
    values: Vec<f64>,
    season_length: usize,
}

impl TryFrom<TimeSeriesRaw> for TimeSeries {
    type Error = Error;
    fn try_from(r: TimeSeriesRaw) -> Result<Self> {
        TimeSeries::new(r.values, r.season_length)
    }
}

impl TimeSeries {
    /// A series with the given season length (at least 1); ±∞ is rejected.
    pub fn new(values: Vec<f64>, season_length: usize) -> Result<Self> {
        if season_length == 0 {
            return Err(Error::param("season_length", "must be at least 1 (1 = no seasonality)"));
        }
        if let Some(row) = values.iter().position(|v| v.is_infinite()) {
            return Err(Error::NonFinite { what: "series values".into(), row, column: None, value: values[row] });
        }
        Ok(TimeSeries { values, season_length })
    }
    /// The observations, oldest first.
    pub fn values(&self) -> &[f64] {
        &self.values
    }
    /// Observations per seasonal cycle.
    pub fn season_length(&self) -> usize {
        self.season_length
    }
    /// Number of observations.
    pub fn len(&self) -> usize {
        self.values.len()
    }
    /// Whether there are no observations.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
    /// Whether any observation is missing (NaN).
    pub fn has_missing(&self) -> bool {
        self.values.iter().any(|v| v.is_nan())
    }
}
