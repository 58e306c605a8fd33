//! Demand series: quantity, revenue and average realised price per product,
//! category or in total, by day, ISO week or month, zero-filled.

use ndarray::Array2;
use serde::{Deserialize, Serialize};
use shopml_clean::Transaction;
use shopml_core::{Error, FastHashMap, IdMap, TimeSeries, Timestamp};

use crate::customer::Categories;
use crate::error::Result;
use crate::prep::{ReturnPolicy, check_lines};

/// Period length of a demand series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Frequency {
    /// Calendar days (UTC).
    #[default]
    Day,
    /// ISO weeks starting on Monday.
    Week,
    /// Calendar months.
    Month,
}

impl Frequency {
    fn floor(self, t: Timestamp) -> Timestamp {
        match self {
            Frequency::Day => t.floor_day(),
            Frequency::Week => t.floor_week(),
            Frequency::Month => t.floor_month(),
        }
    }
    fn next(self, t: Timestamp) -> Timestamp {
        match self {
            Frequency::Day => t.add_days(1),
            Frequency::Week => t.add_days(7),
            Frequency::Month => t.add_days(32).floor_month(),
        }
    }
    /// The usual season length: 7 days a week, 52 weeks or 12 months a year.
    pub fn season_length(self) -> usize {
        match self {
            Frequency::Day => 7,
            Frequency::Week => 52,
            Frequency::Month => 12,
        }
    }
}

/// What each series aggregates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Level {
    /// One series per product.
    #[default]
    Product,
    /// One series per category (unmapped products are their own category).
    Category,
    /// A single series named `total`.
    Total,
}

/// Parameters of a demand panel.
///
/// Purchase lines (quantity > 0) count with or without a customer. Returns
/// (quantity < 0) are subtracted from quantity and revenue in the period of
/// the return under [`ReturnPolicy::Net`], ignored under
/// [`ReturnPolicy::Exclude`]. The average realised price of a period is
/// purchase revenue / purchased units (returns never enter it), NaN when
/// nothing was bought. Periods run from the first to the last period with
/// any line, every period present (zero-filled), unless `range` is set.
///
/// ```
/// use shopml_clean::Transaction;
/// use shopml_core::Timestamp;
/// use shopml_features::demand::{DemandParams, Frequency};
///
/// let line = |day: u32, qty: f64, price: f64| Transaction {
///     invoice: "1".into(), product: "A".into(), description: None, quantity: qty,
///     timestamp: Timestamp::from_civil(2011, 3, day, 12, 0, 0).unwrap(), unit_price: price,
///     customer: None, country: None, category: None, attributes: Default::default(), line: 0,
/// };
/// let panel = DemandParams::new().frequency(Frequency::Day).build(&[line(1, 2.0, 3.0), line(1, 2.0, 1.0), line(3, 1.0, 2.0)], None).unwrap();
/// assert_eq!(panel.quantity.row(0).to_vec(), vec![4.0, 0.0, 1.0]);
/// assert_eq!(panel.avg_price[[0, 0]], 2.0);
/// assert!(panel.avg_price[[0, 1]].is_nan());
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DemandParams {
    frequency: Frequency,
    level: Level,
    returns: ReturnPolicy,
    range: Option<(Timestamp, Timestamp)>,
}

impl DemandParams {
    /// Daily, per product, returns netted, full range.
    pub fn new() -> Self {
        Self::default()
    }
    /// Period length.
    pub fn frequency(mut self, frequency: Frequency) -> Self {
        self.frequency = frequency;
        self
    }
    /// Aggregation level.
    pub fn level(mut self, level: Level) -> Self {
        self.level = level;
        self
    }
    /// Whether returns net out of quantity and revenue.
    pub fn returns(mut self, returns: ReturnPolicy) -> Self {
        self.returns = returns;
        self
    }
    /// Only lines with `start <= t < end`; periods cover exactly this range.
    pub fn range(mut self, start: Timestamp, end: Timestamp) -> Self {
        self.range = Some((start, end));
        self
    }

    /// Builds the panel.
    pub fn build(&self, lines: &[Transaction], categories: Option<&Categories>) -> Result<DemandPanel> {
        if let Some((s, e)) = self.range
            && s >= e
        {
            return Err(Error::param("range", format!("start {s} must be before end {e}")).into());
        }
        check_lines(lines)?;
        let in_range = |t: &Transaction| self.range.is_none_or(|(s, e)| t.timestamp >= s && t.timestamp < e);
        let used = |t: &Transaction| in_range(t) && (t.quantity > 0.0 || (t.quantity < 0.0 && self.returns == ReturnPolicy::Net));
        let (first, last) = match self.range {
            Some((s, e)) => (self.frequency.floor(s), self.frequency.floor(Timestamp(e.0 - 1))),
            None => {
                let mut it = lines.iter().filter(|t| used(t)).map(|t| t.timestamp);
                let Some(t0) = it.next() else { return Err(Error::empty("transactions: no line to aggregate").into()) };
                let (lo, hi) = it.fold((t0, t0), |(lo, hi), t| (lo.min(t), hi.max(t)));
                (self.frequency.floor(lo), self.frequency.floor(hi))
            }
        };
        let mut periods = vec![first];
        while *periods.last().unwrap_or(&first) < last {
            let next = self.frequency.next(*periods.last().unwrap_or(&first));
            periods.push(next);
        }
        let index: FastHashMap<i64, usize> = periods.iter().enumerate().map(|(i, p)| (p.0, i)).collect();
        let mut keys = IdMap::named(match self.level {
            Level::Product => "product",
            Level::Category => "category",
            Level::Total => "series",
        });
        let mut cells: Vec<(usize, usize, f64, f64, bool)> = Vec::new();
        for t in lines.iter().filter(|t| used(t)) {
            let key: &str = match self.level {
                Level::Product => &t.product,
                Level::Category => categories.and_then(|m| m.get(&t.product)).unwrap_or(&t.product),
                Level::Total => "total",
            };
            let k = match keys.get(key) {
                Some(k) => k,
                None => keys.insert(key.to_string()),
            };
            let Some(&p) = index.get(&self.frequency.floor(t.timestamp).0) else { continue };
            cells.push((k, p, t.quantity, t.value(), t.quantity > 0.0));
        }
        let (nk, np) = (keys.len(), periods.len());
        let mut quantity = Array2::zeros((nk, np));
        let mut revenue = Array2::zeros((nk, np));
        let mut bought = Array2::<f64>::zeros((nk, np));
        let mut bought_value = Array2::<f64>::zeros((nk, np));
        for (k, p, q, v, purchase) in cells {
            quantity[[k, p]] += q;
            revenue[[k, p]] += v;
            if purchase {
                bought[[k, p]] += q;
                bought_value[[k, p]] += v;
            }
        }
        let avg_price = ndarray::Zip::from(&bought_value).and(&bought).map_collect(|&v, &q| if q > 0.0 { v / q } else { f64::NAN });
        Ok(DemandPanel { keys, periods, frequency: self.frequency, quantity, revenue, avg_price })
    }
}

/// Demand per series (rows) and period (columns).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemandPanel {
    /// Product / category id of each row (first-seen order).
    pub keys: IdMap<String>,
    /// Start of each period.
    pub periods: Vec<Timestamp>,
    /// Period length.
    pub frequency: Frequency,
    /// Units (net of returns under [`ReturnPolicy::Net`]); 0 without sales.
    pub quantity: Array2<f64>,
    /// Revenue (net of returns under [`ReturnPolicy::Net`]); 0 without sales.
    pub revenue: Array2<f64>,
    /// Purchase revenue / purchased units; NaN without purchases.
    pub avg_price: Array2<f64>,
}

impl DemandPanel {
    /// The quantity series of `key` with the frequency's usual season length.
    pub fn quantity_series(&self, key: &str) -> Result<TimeSeries> {
        let k = self.keys.index(key)?;
        Ok(TimeSeries::new(self.quantity.row(k).to_vec(), self.frequency.season_length())?)
    }
}
