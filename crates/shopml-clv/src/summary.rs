//! Per-customer recency–frequency–monetary summaries in the conventions of
//! the buy-till-you-die literature (Fader, Hardie & Lee 2005; lifetimes'
//! `summary_data_from_transaction_data` and `calibration_and_holdout_data`).
//!
//! For each customer seen in the calibration period:
//!
//! - **occasions** are the purchase events the models count: with
//!   [`Occasion::PerPeriod`] all of a customer's orders in one period of the
//!   [`TimeUnit`] (one calendar day for [`TimeUnit::Days`]) are one occasion
//!   and time is measured in whole periods, as lifetimes does with
//!   `freq="D"`; with [`Occasion::PerOrder`] every order is one occasion and
//!   time is exact (seconds divided by the unit's length);
//! - `frequency` x = occasions − 1 (the first purchase is not a *repeat*);
//! - `recency` tₓ = time of the last occasion − time of the first (0 when x = 0);
//! - `T` = end of calibration − time of the first occasion (the customer's age);
//! - `monetary` = mean value of the repeat occasions (the first occasion's
//!   value is left out, as Gamma-Gamma requires), 0 when x = 0;
//! - with a holdout end: the number and mean value of occasions after the
//!   calibration end up to the holdout end, and the holdout's length.
//!
//! Customers whose first purchase is after the calibration end are left out
//! (they are counted in [`Summary::n_new_in_holdout`]).
//!
//! # Worked example
//!
//! Customer `a` buys on 1 March (two orders, £10 and £5), 4 March (£20) and
//! 11 March (£30); the calibration ends on 14 March (days, one occasion a day):
//! occasions on days 0, 3 and 10 → x = 2, tₓ = 10, T = 13, monetary =
//! (20 + 30) / 2 = 25. Customer `b` buys once on 12 March: x = 0, tₓ = 0, T = 2.
//!
//! ```
//! use shopml_clv::{Occasion, Summary, SummaryParams, TimeUnit};
//! use shopml_core::Timestamp;
//! let d = |day| Timestamp::from_civil(2011, 3, day, 10, 0, 0).unwrap();
//! let tx = vec![
//!     ("a", d(1), 10.0), ("a", d(1), 5.0), ("a", d(4), 20.0), ("a", d(11), 30.0), ("b", d(12), 7.0),
//! ];
//! let params = SummaryParams::new(Timestamp::from_date(2011, 3, 14).unwrap())
//!     .unit(TimeUnit::Days)
//!     .occasion(Occasion::PerPeriod);
//! let s = Summary::from_tuples(&tx, &params).unwrap();
//! let a = &s.customers[0];
//! assert_eq!((a.frequency, a.recency, a.t, a.monetary), (2.0, 10.0, 13.0, 25.0));
//! let b = &s.customers[1];
//! assert_eq!((b.frequency, b.recency, b.t, b.monetary), (0.0, 0.0, 2.0, 0.0));
//! ```

use crate::error::{ClvError, Result};
use serde::{Deserialize, Serialize};
use shopml_core::Timestamp;
use shopml_core::time::SECONDS_PER_DAY;
use std::collections::HashMap;

/// The unit in which recency and age are measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum TimeUnit {
    /// Hours.
    Hours,
    /// Calendar days (UTC).
    #[default]
    Days,
    /// ISO weeks (Monday to Sunday).
    Weeks,
}

impl TimeUnit {
    /// The unit's length in seconds.
    pub fn seconds(self) -> i64 {
        match self {
            TimeUnit::Hours => 3600,
            TimeUnit::Days => SECONDS_PER_DAY,
            TimeUnit::Weeks => 7 * SECONDS_PER_DAY,
        }
    }

    /// The index of the period containing `t` (periods start at midnight
    /// UTC, weeks on Monday).
    pub fn period(self, t: Timestamp) -> i64 {
        match self {
            TimeUnit::Hours => t.seconds().div_euclid(3600),
            TimeUnit::Days => t.day_number(),
            // Day 4 after the epoch (1970-01-05) was a Monday.
            TimeUnit::Weeks => (t.day_number() - 4).div_euclid(7),
        }
    }
}

/// What counts as one purchase occasion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Occasion {
    /// At most one occasion per customer per period of the time unit; time
    /// in whole periods (lifetimes' convention).
    #[default]
    PerPeriod,
    /// Every order (invoice; for plain tuples every distinct timestamp) is an
    /// occasion; time exact.
    PerOrder,
}

/// How to summarise transactions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummaryParams {
    /// End of the calibration period (inclusive; with
    /// [`Occasion::PerPeriod`] the whole period containing it is included).
    pub calibration_end: Timestamp,
    /// End of the holdout period (inclusive), if any.
    pub holdout_end: Option<Timestamp>,
    /// The time unit.
    pub unit: TimeUnit,
    /// What counts as an occasion.
    pub occasion: Occasion,
}

impl SummaryParams {
    /// Calibration up to `calibration_end`, no holdout, days, one occasion a day.
    pub fn new(calibration_end: Timestamp) -> Self {
        SummaryParams { calibration_end, holdout_end: None, unit: TimeUnit::Days, occasion: Occasion::PerPeriod }
    }
    /// Sets the end of the holdout period.
    pub fn holdout_end(mut self, end: Timestamp) -> Self {
        self.holdout_end = Some(end);
        self
    }
    /// Sets the time unit.
    pub fn unit(mut self, unit: TimeUnit) -> Self {
        self.unit = unit;
        self
    }
    /// Sets what counts as an occasion.
    pub fn occasion(mut self, occasion: Occasion) -> Self {
        self.occasion = occasion;
        self
    }

    fn check(&self) -> Result<()> {
        if let Some(h) = self.holdout_end {
            let later = match self.occasion {
                Occasion::PerPeriod => self.unit.period(h) > self.unit.period(self.calibration_end),
                Occasion::PerOrder => h > self.calibration_end,
            };
            if !later {
                return Err(shopml_core::Error::param("holdout_end", "must fall in a later period than calibration_end").into());
            }
        }
        Ok(())
    }
}

/// What a customer did after the calibration period.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Holdout {
    /// Occasions in the holdout period.
    pub frequency: f64,
    /// Mean value of those occasions (0 when there were none).
    pub monetary: f64,
    /// Length of the holdout period in the time unit.
    pub duration: f64,
}

/// One customer's summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerSummary {
    /// The customer's id.
    pub customer: String,
    /// Repeat occasions x in the calibration period.
    pub frequency: f64,
    /// Time from the first to the last occasion, tₓ.
    pub recency: f64,
    /// Time from the first occasion to the end of calibration, T.
    pub t: f64,
    /// Mean value of the repeat occasions (0 when x = 0).
    pub monetary: f64,
    /// The holdout period, when one was asked for.
    pub holdout: Option<Holdout>,
}

impl CustomerSummary {
    /// A customer with no holdout (checked: see [`Summary::new`]).
    pub fn new(customer: impl Into<String>, frequency: f64, recency: f64, t: f64, monetary: f64) -> Self {
        CustomerSummary { customer: customer.into(), frequency, recency, t, monetary, holdout: None }
    }

    /// Checks one customer: finite, non-negative, integral frequency,
    /// recency ≤ T, recency 0 when frequency is 0.
    pub fn check(&self) -> Result<()> {
        let bad = |field: &'static str, value: f64, reason: &str| ClvError::InvalidSummary {
            customer: self.customer.clone(),
            field,
            value,
            reason: reason.to_string(),
        };
        for (field, v) in [("frequency", self.frequency), ("recency", self.recency), ("T", self.t), ("monetary", self.monetary)] {
            if !v.is_finite() {
                return Err(bad(field, v, "must be finite"));
            }
            if v < 0.0 {
                return Err(bad(field, v, "must not be negative"));
            }
        }
        if self.frequency != self.frequency.round() {
            return Err(bad("frequency", self.frequency, "must be a whole number of repeat occasions"));
        }
        if self.frequency > 1e9 {
            return Err(bad("frequency", self.frequency, "is implausibly large (over 10⁹)"));
        }
        if self.recency > self.t {
            return Err(ClvError::RecencyAfterAge { customer: self.customer.clone(), recency: self.recency, age: self.t });
        }
        if self.frequency == 0.0 && self.recency != 0.0 {
            return Err(bad("recency", self.recency, "must be 0 when frequency is 0"));
        }
        if let Some(h) = &self.holdout {
            for (field, v) in [("holdout frequency", h.frequency), ("holdout monetary", h.monetary), ("holdout duration", h.duration)] {
                if !v.is_finite() || v < 0.0 {
                    return Err(bad(field, v, "must be finite and non-negative"));
                }
            }
        }
        Ok(())
    }
}

/// Summaries of every customer, checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "SummaryRaw")]
pub struct Summary {
    /// One row per customer, ordered by customer id when built from transactions.
    pub customers: Vec<CustomerSummary>,
    /// Customers whose first purchase fell after the calibration end (left out).
    pub n_new_in_holdout: usize,
}

#[derive(Deserialize)]
struct SummaryRaw {
    customers: Vec<CustomerSummary>,
    n_new_in_holdout: usize,
}

impl TryFrom<SummaryRaw> for Summary {
    type Error = ClvError;
    fn try_from(raw: SummaryRaw) -> Result<Self> {
        let mut s = Summary::new(raw.customers)?;
        s.n_new_in_holdout = raw.n_new_in_holdout;
        Ok(s)
    }
}

impl Summary {
    /// Checks every customer (see [`CustomerSummary::check`]); an empty list
    /// is an error.
    pub fn new(customers: Vec<CustomerSummary>) -> Result<Self> {
        if customers.is_empty() {
            return Err(shopml_core::Error::empty("customer summaries").into());
        }
        for c in &customers {
            c.check()?;
        }
        Ok(Summary { customers, n_new_in_holdout: 0 })
    }

    /// Builds from columns (ids `0, 1, …`), checked.
    pub fn from_columns(frequency: &[f64], recency: &[f64], t: &[f64], monetary: Option<&[f64]>) -> Result<Self> {
        let n = frequency.len();
        if recency.len() != n || t.len() != n || monetary.is_some_and(|m| m.len() != n) {
            return Err(shopml_core::Error::shape("summary columns", n, format!("recency {}, T {}", recency.len(), t.len())).into());
        }
        Summary::new(
            (0..n).map(|i| CustomerSummary::new(i.to_string(), frequency[i], recency[i], t[i], monetary.map_or(0.0, |m| m[i]))).collect(),
        )
    }

    /// Number of customers.
    pub fn len(&self) -> usize {
        self.customers.len()
    }

    /// Always false for a checked summary (kept for clippy's `len` rule).
    pub fn is_empty(&self) -> bool {
        self.customers.is_empty()
    }

    /// Summarises plain `(customer, timestamp, amount)` tuples. With
    /// [`Occasion::PerOrder`] every distinct (customer, timestamp) is one order.
    pub fn from_tuples<C: AsRef<str>>(transactions: &[(C, Timestamp, f64)], params: &SummaryParams) -> Result<Self> {
        let lines =
            transactions.iter().map(|(c, t, a)| Line { customer: c.as_ref(), order: OrderKey::Time(t.seconds()), time: *t, amount: *a });
        summarise(lines, params)
    }
}

/// How the lines of one order are recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum OrderKey<'a> {
    /// Same customer and timestamp.
    Time(i64),
    /// Same invoice.
    Invoice(&'a str),
}

/// One order line as the summariser needs it.
pub(crate) struct Line<'a> {
    pub customer: &'a str,
    pub order: OrderKey<'a>,
    pub time: Timestamp,
    pub amount: f64,
}

/// An occasion: its time in units (exact or whole periods) and value.
#[derive(Clone, Copy)]
struct Occ {
    time: f64,
    value: f64,
}

pub(crate) fn summarise<'a>(lines: impl Iterator<Item = Line<'a>>, params: &SummaryParams) -> Result<Summary> {
    params.check()?;
    let unit = params.unit;
    let unit_s = unit.seconds() as f64;
    let cal_end = params.calibration_end;
    let (cal_key, hold_key) = match params.occasion {
        Occasion::PerPeriod => (unit.period(cal_end) as f64, params.holdout_end.map(|h| unit.period(h) as f64)),
        Occasion::PerOrder => (cal_end.seconds() as f64 / unit_s, params.holdout_end.map(|h| h.seconds() as f64 / unit_s)),
    };
    let end_key = hold_key.unwrap_or(cal_key);
    // Occasions per customer, keyed by period or order.
    let mut ids: HashMap<&str, usize> = HashMap::new();
    let mut names: Vec<&str> = Vec::new();
    let mut occasions: HashMap<(usize, OccKey<'a>), Occ> = HashMap::new();
    for (index, line) in lines.enumerate() {
        if !line.amount.is_finite() {
            return Err(ClvError::InvalidTransaction {
                index,
                customer: line.customer.to_string(),
                reason: format!("amount {} is not finite", line.amount),
            });
        }
        let time = match params.occasion {
            Occasion::PerPeriod => unit.period(line.time) as f64,
            Occasion::PerOrder => line.time.seconds() as f64 / unit_s,
        };
        if time > end_key {
            continue;
        }
        let next = names.len();
        let c = *ids.entry(line.customer).or_insert(next);
        if c == next {
            names.push(line.customer);
        }
        let key = match params.occasion {
            Occasion::PerPeriod => OccKey::Period(time as i64),
            Occasion::PerOrder => OccKey::Order(line.order),
        };
        let e = occasions.entry((c, key)).or_insert(Occ { time, value: 0.0 });
        e.time = e.time.min(time);
        e.value += line.amount;
    }
    let mut per: Vec<Vec<Occ>> = vec![Vec::new(); names.len()];
    for ((c, _), o) in occasions {
        per[c].push(o);
    }
    let mut order: Vec<usize> = (0..names.len()).collect();
    order.sort_by(|&a, &b| names[a].cmp(names[b]));
    let mut customers = Vec::with_capacity(names.len());
    let mut n_new = 0;
    for c in order {
        let occ = &mut per[c];
        occ.sort_by(|a, b| a.time.total_cmp(&b.time).then(a.value.total_cmp(&b.value)));
        let cal: Vec<&Occ> = occ.iter().filter(|o| o.time <= cal_key).collect();
        if cal.is_empty() {
            n_new += 1;
            continue;
        }
        let first = cal[0].time;
        let last = cal[cal.len() - 1].time;
        let x = cal.len() - 1;
        // Kahan-free fixed-order sum: occasions are sorted.
        let monetary = if x == 0 { 0.0 } else { cal[1..].iter().map(|o| o.value).sum::<f64>() / x as f64 };
        let holdout = hold_key.map(|hk| {
            let h: Vec<&Occ> = occ.iter().filter(|o| o.time > cal_key && o.time <= hk).collect();
            let m = if h.is_empty() { 0.0 } else { h.iter().map(|o| o.value).sum::<f64>() / h.len() as f64 };
            Holdout { frequency: h.len() as f64, monetary: m, duration: hk - cal_key }
        });
        customers.push(CustomerSummary {
            customer: names[c].to_string(),
            frequency: x as f64,
            recency: last - first,
            t: cal_key - first,
            monetary,
            holdout,
        });
    }
    let mut s = Summary::new(customers)?;
    s.n_new_in_holdout = n_new;
    Ok(s)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum OccKey<'a> {
    Period(i64),
    Order(OrderKey<'a>),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(m: u32, d: u32, h: u32) -> Timestamp {
        Timestamp::from_civil(2011, m, d, h, 0, 0).unwrap()
    }

    #[test]
    fn per_order_counts_each_order_and_uses_exact_time() {
        let tx = vec![("a", ts(3, 1, 0), 10.0), ("a", ts(3, 1, 12), 5.0), ("a", ts(3, 3, 0), 20.0)];
        let p = SummaryParams::new(ts(3, 5, 0)).occasion(Occasion::PerOrder);
        let s = Summary::from_tuples(&tx, &p).unwrap();
        let a = &s.customers[0];
        assert_eq!((a.frequency, a.recency, a.t, a.monetary), (2.0, 2.0, 4.0, 12.5));
    }

    #[test]
    fn holdout_counts_later_occasions_and_skips_new_customers() {
        let tx = vec![
            ("a", ts(3, 1, 9), 10.0),
            ("a", ts(3, 20, 9), 4.0),
            ("a", ts(3, 25, 9), 6.0),
            ("a", ts(4, 9, 9), 1.0),
            ("z", ts(3, 21, 9), 8.0),
        ];
        let p = SummaryParams::new(ts(3, 10, 23)).holdout_end(ts(3, 31, 0));
        let s = Summary::from_tuples(&tx, &p).unwrap();
        assert_eq!(s.len(), 1);
        assert_eq!(s.n_new_in_holdout, 1);
        assert_eq!(s.customers[0].holdout, Some(Holdout { frequency: 2.0, monetary: 5.0, duration: 21.0 }));
    }

    #[test]
    fn bad_values_name_the_customer() {
        let e = Summary::new(vec![CustomerSummary::new("c7", 2.0, 9.0, 5.0, 1.0)]).unwrap_err();
        assert!(matches!(e, ClvError::RecencyAfterAge { ref customer, .. } if customer == "c7"), "{e}");
        for (f, r, t) in [(-1.0, 0.0, 1.0), (f64::NAN, 0.0, 1.0), (1.5, 1.0, 2.0), (0.0, 1.0, 2.0), (1.0, 1.0, f64::INFINITY)] {
            let e = Summary::new(vec![CustomerSummary::new("c8", f, r, t, 0.0)]).unwrap_err();
            assert!(matches!(e, ClvError::InvalidSummary { ref customer, .. } if customer == "c8"), "{e}");
        }
        let tx = vec![("q", ts(3, 1, 0), f64::NAN)];
        let e = Summary::from_tuples(&tx, &SummaryParams::new(ts(3, 2, 0))).unwrap_err();
        assert!(matches!(e, ClvError::InvalidTransaction { index: 0, .. }));
        let json =
            r#"{"customers":[{"customer":"x","frequency":1.0,"recency":3.0,"t":2.0,"monetary":1.0,"holdout":null}],"n_new_in_holdout":0}"#;
        assert!(serde_json::from_str::<Summary>(json).is_err());
    }
}
