//! Demand series: quantity, revenue and average realised price per product,
//! category or in total, by day, ISO week or month, zero-filled.

use ndarray::Array2;
use serde::{Deserialize, Serialize};
use shopml_clean::Transaction;
use shopml_core::validated_struct;
use shopml_core::{Error, FastHashMap, IdMap, TimeSeries, Timestamp};

use crate::customer::Categories;
use crate::error::Result;
use crate::prep::{ReturnsInSpend, check_lines};

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
/// the return under [`ReturnsInSpend::Net`], ignored under
/// [`ReturnsInSpend::Exclude`]. The average realised price of a period is
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
///
/// Memory is bounded: a panel needing more than [`max_cells`](Self::max_cells)
/// cells (series × periods, default 2²⁴ ≈ 16.8 M, about 540 MB for its four
/// arrays) is a [`FeaturesError::PanelTooLarge`](crate::FeaturesError::PanelTooLarge)
/// error before anything is allocated, and dates outside the supported range
/// are rejected, so one mistyped date (9999-12-31) cannot ask for terabytes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemandParams {
    frequency: Frequency,
    level: Level,
    returns: ReturnsInSpend,
    range: Option<(Timestamp, Timestamp)>,
    #[serde(default = "default_max_cells")]
    max_cells: usize,
}

fn default_max_cells() -> usize {
    1 << 24
}

impl Default for DemandParams {
    fn default() -> Self {
        DemandParams {
            frequency: Frequency::Day,
            level: Level::Product,
            returns: ReturnsInSpend::Net,
            range: None,
            max_cells: default_max_cells(),
        }
    }
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
    pub fn returns(mut self, returns: ReturnsInSpend) -> Self {
        self.returns = returns;
        self
    }
    /// Only lines with `start <= t < end`; periods cover exactly this range.
    pub fn range(mut self, start: Timestamp, end: Timestamp) -> Self {
        self.range = Some((start, end));
        self
    }

    /// The largest panel (series × periods) [`build`](Self::build) may allocate.
    pub fn max_cells(mut self, cells: usize) -> Self {
        self.max_cells = cells;
        self
    }

    /// Builds the panel ([`Fit::fit`](shopml_core::Fit::fit) is this without a category map).
    pub fn build(&self, lines: &[Transaction], categories: Option<&Categories>) -> Result<DemandPanel> {
        if let Some((s, e)) = self.range {
            if s >= e {
                return Err(Error::param("range", format!("start {s} must be before end {e}")).into());
            }
            if !s.is_supported() || !e.is_supported() {
                return Err(Error::param("range", format!("{s} .. {e} leaves the supported range 1900-01-01 .. 2199-12-31")).into());
            }
        }
        check_lines(lines)?;
        let in_range = |t: &Transaction| self.range.is_none_or(|(s, e)| t.timestamp >= s && t.timestamp < e);
        let used = |t: &Transaction| in_range(t) && (t.quantity > 0.0 || (t.quantity < 0.0 && self.returns == ReturnsInSpend::Net));
        let (first, last) = match self.range {
            Some((s, e)) => (self.frequency.floor(s), self.frequency.floor(Timestamp(e.0 - 1))),
            None => {
                let mut it = lines.iter().filter(|t| used(t)).map(|t| t.timestamp);
                let Some(t0) = it.next() else { return Err(Error::empty("transactions: no line to aggregate").into()) };
                let (lo, hi) = it.fold((t0, t0), |(lo, hi), t| (lo.min(t), hi.max(t)));
                (self.frequency.floor(lo), self.frequency.floor(hi))
            }
        };
        // Period count first, from the calendar, so the bound applies before any allocation.
        let n_periods = match self.frequency {
            Frequency::Day => last.day_number() - first.day_number() + 1,
            Frequency::Week => (last.day_number() - first.day_number()) / 7 + 1,
            Frequency::Month => {
                let (y0, m0, _) = shopml_core::time::civil_from_days(first.day_number());
                let (y1, m1, _) = shopml_core::time::civil_from_days(last.day_number());
                (y1 - y0) * 12 + m1 as i64 - m0 as i64 + 1
            }
        }
        .max(1) as usize;
        if n_periods > self.max_cells {
            return Err(crate::FeaturesError::PanelTooLarge { series: 1, periods: n_periods, max_cells: self.max_cells });
        }
        let mut periods = Vec::with_capacity(n_periods);
        periods.push(first);
        while *periods.last().unwrap_or(&first) < last && periods.len() < n_periods {
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
        if nk.checked_mul(np).is_none_or(|c| c > self.max_cells) {
            return Err(crate::FeaturesError::PanelTooLarge { series: nk, periods: np, max_cells: self.max_cells });
        }
        let mut quantity = Array2::<f64>::zeros((nk, np));
        let mut revenue = Array2::<f64>::zeros((nk, np));
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
        for (what, a) in [("quantity", &quantity), ("revenue", &revenue)] {
            if let Some(((k, p), v)) = a.indexed_iter().find(|(_, v)| !v.is_finite()) {
                return Err(crate::FeaturesError::Overflow {
                    customer: format!("{} (series)", keys.ids()[k]),
                    column: format!("{what} of period {}", periods[p]),
                    value: *v,
                });
            }
        }
        Ok(DemandPanel { keys, periods, frequency: self.frequency, quantity, revenue, avg_price })
    }
}

validated_struct! {
    /// Demand per series (rows) and period (columns). The NaN prices of
    /// periods without purchases round-trip through JSON as `"nan"`; loading
    /// checks the shapes and finite quantities and revenues.
    pub struct DemandPanel ("DemandPanelRaw" as DemandPanelRaw, check = DemandPanel::check, error = crate::FeaturesError) {
        /// Product / category id of each row (first-seen order).
        pub keys: IdMap<String>,
        /// Start of each period.
        pub periods: Vec<Timestamp>,
        /// Period length.
        pub frequency: Frequency,
        /// Units (net of returns under [`ReturnsInSpend::Net`]); 0 without sales.
        pub quantity: Array2<f64>,
        /// Revenue (net of returns under [`ReturnsInSpend::Net`]); 0 without sales.
        pub revenue: Array2<f64>,
        /// Purchase revenue / purchased units; NaN without purchases.
        #[serde(with = "shopml_core::serde_float::array2")]
        pub avg_price: Array2<f64>,
    }
}

impl DemandPanel {
    fn check(&self) -> Result<()> {
        let shape = (self.keys.len(), self.periods.len());
        for (what, a) in [("quantity", &self.quantity), ("revenue", &self.revenue), ("avg_price", &self.avg_price)] {
            if a.dim() != shape {
                return Err(Error::shape(format!("demand panel {what}"), format!("{shape:?}"), format!("{:?}", a.dim())).into());
            }
        }
        shopml_core::validate::finite_matrix("demand quantity", self.quantity.view())?;
        shopml_core::validate::finite_matrix("demand revenue", self.revenue.view())?;
        Ok(())
    }

    /// The quantity series of `key` with the frequency's usual season length.
    pub fn quantity_series(&self, key: &str) -> Result<TimeSeries> {
        let k = self.keys.index(key)?;
        Ok(TimeSeries::new(self.quantity.row(k).to_vec(), self.frequency.season_length())?)
    }
}

impl shopml_core::Fit<[Transaction]> for DemandParams {
    type Model = DemandPanel;
    type Error = crate::FeaturesError;
    /// [`build`](DemandParams::build) without a category map.
    fn fit(&self, data: &[Transaction]) -> Result<DemandPanel> {
        self.build(data, None)
    }
}
