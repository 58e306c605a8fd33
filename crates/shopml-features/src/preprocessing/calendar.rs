//! Calendar features of timestamps: day of week, month, ISO week, hour,
//! weekend flag, optionally as sine/cosine pairs.

use ndarray::Array2;
use serde::{Deserialize, Serialize};
use shopml_core::{Error, Params, Timestamp, Transform};

use crate::error::{FeaturesError, Result};

/// One calendar feature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CalendarFeature {
    /// Monday = 0 … Sunday = 6.
    DayOfWeek,
    /// Day of month, 1–31.
    DayOfMonth,
    /// Month, 1–12.
    Month,
    /// ISO 8601 week number, 1–53.
    WeekOfYear,
    /// Hour of day, 0–23.
    Hour,
    /// 1 on Saturday and Sunday, else 0.
    IsWeekend,
}

impl CalendarFeature {
    fn name(self) -> &'static str {
        match self {
            CalendarFeature::DayOfWeek => "day_of_week",
            CalendarFeature::DayOfMonth => "day_of_month",
            CalendarFeature::Month => "month",
            CalendarFeature::WeekOfYear => "week_of_year",
            CalendarFeature::Hour => "hour",
            CalendarFeature::IsWeekend => "is_weekend",
        }
    }
    /// Period used by the cyclical encoding, if the feature is cyclical.
    fn period(self) -> Option<f64> {
        match self {
            CalendarFeature::DayOfWeek => Some(7.0),
            CalendarFeature::DayOfMonth => Some(31.0),
            CalendarFeature::Month => Some(12.0),
            CalendarFeature::WeekOfYear => Some(53.0),
            CalendarFeature::Hour => Some(24.0),
            CalendarFeature::IsWeekend => None,
        }
    }
    fn value(self, t: Timestamp) -> f64 {
        let (_, month, day, hour, _, _) = t.civil();
        match self {
            CalendarFeature::DayOfWeek => t.weekday() as f64,
            CalendarFeature::DayOfMonth => day as f64,
            CalendarFeature::Month => month as f64,
            CalendarFeature::WeekOfYear => t.iso_week().1 as f64,
            CalendarFeature::Hour => hour as f64,
            CalendarFeature::IsWeekend => f64::from(u8::from(t.weekday() >= 5)),
        }
    }
}

/// A stateless transformer from timestamps (UTC) to calendar feature columns.
///
/// With `cyclical`, each periodic feature `v` with period `P` becomes two
/// columns `sin(2π v / P)` and `cos(2π v / P)`, so that December sits next to
/// January; the weekend flag stays a single column.
///
/// ```
/// use shopml_core::{Timestamp, Transform};
/// use shopml_features::preprocessing::CalendarFeatures;
/// let t = [Timestamp::from_civil(2011, 12, 10, 14, 30, 0).unwrap()]; // a Saturday
/// let cal = CalendarFeatures::new();
/// assert_eq!(cal.feature_names(), vec!["day_of_week", "month", "week_of_year", "hour", "is_weekend"]);
/// assert_eq!(cal.transform(&t[..]).unwrap().row(0).to_vec(), vec![5.0, 12.0, 49.0, 14.0, 1.0]);
/// ```
///
/// Loading runs the same checks as [`Params::check`] (features non-empty, no repeats).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "CalendarRaw")]
pub struct CalendarFeatures {
    features: Vec<CalendarFeature>,
    cyclical: bool,
}

#[derive(Deserialize)]
struct CalendarRaw {
    features: Vec<CalendarFeature>,
    cyclical: bool,
}

impl TryFrom<CalendarRaw> for CalendarFeatures {
    type Error = FeaturesError;
    fn try_from(r: CalendarRaw) -> Result<Self> {
        let c = CalendarFeatures { features: r.features, cyclical: r.cyclical };
        c.check()?;
        Ok(c)
    }
}

impl Default for CalendarFeatures {
    fn default() -> Self {
        CalendarFeatures {
            features: vec![
                CalendarFeature::DayOfWeek,
                CalendarFeature::Month,
                CalendarFeature::WeekOfYear,
                CalendarFeature::Hour,
                CalendarFeature::IsWeekend,
            ],
            cyclical: false,
        }
    }
}

impl CalendarFeatures {
    /// Day of week, month, week of year, hour, weekend flag; plain integers.
    pub fn new() -> Self {
        Self::default()
    }
    /// Which features, in output order (non-empty, no repeats).
    pub fn features(mut self, features: Vec<CalendarFeature>) -> Self {
        self.features = features;
        self
    }
    /// Encode periodic features as sine/cosine pairs.
    pub fn cyclical(mut self, yes: bool) -> Self {
        self.cyclical = yes;
        self
    }
    /// Output column names.
    pub fn feature_names(&self) -> Vec<String> {
        let mut out = Vec::new();
        for f in &self.features {
            match (self.cyclical, f.period()) {
                (true, Some(_)) => {
                    out.push(format!("{}_sin", f.name()));
                    out.push(format!("{}_cos", f.name()));
                }
                _ => out.push(f.name().to_string()),
            }
        }
        out
    }
}

impl Params for CalendarFeatures {
    fn check(&self) -> shopml_core::Result<()> {
        if self.features.is_empty() {
            return Err(Error::param("features", "at least one calendar feature is needed"));
        }
        for (i, f) in self.features.iter().enumerate() {
            if self.features[..i].contains(f) {
                return Err(Error::param("features", format!("{} is listed twice", f.name())));
            }
        }
        Ok(())
    }
}

impl Transform<[Timestamp]> for CalendarFeatures {
    type Output = Array2<f64>;
    type Error = FeaturesError;
    fn transform(&self, times: &[Timestamp]) -> Result<Array2<f64>> {
        self.check()?;
        let width = self.feature_names().len();
        let mut out = Array2::zeros((times.len(), width));
        for (i, &t) in times.iter().enumerate() {
            let mut j = 0;
            for f in &self.features {
                let v = f.value(t);
                match (self.cyclical, f.period()) {
                    (true, Some(p)) => {
                        let a = std::f64::consts::TAU * v / p;
                        out[[i, j]] = a.sin();
                        out[[i, j + 1]] = a.cos();
                        j += 2;
                    }
                    _ => {
                        out[[i, j]] = v;
                        j += 1;
                    }
                }
            }
        }
        Ok(out)
    }
}
