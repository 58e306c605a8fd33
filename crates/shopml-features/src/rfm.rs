//! Recency, frequency, monetary (RFM) per customer, quintile scores and the
//! named RFM segments.
//!
//! RFM analysis goes back to direct-marketing practice; the scoring used here
//! (quintiles of each measure, 5 = best) follows A. M. Hughes, *Strategic
//! Database Marketing* (1994), and the segment grid is the R × F map widely
//! used in CRM tools (Champions, Loyal, At risk, Hibernating, …).
//!
//! # Definitions
//!
//! Only lines strictly before the snapshot with a known customer count.
//! Purchase lines have quantity > 0, returns quantity < 0.
//!
//! - **recency**: days from the customer's last purchase line to the
//!   snapshot, counted by [`RecencyDays`]: **calendar days** (the default:
//!   `snapshot.day_number() − last.day_number()`, so a purchase at 23:59 the
//!   day before the snapshot counts 1) or **elapsed whole days** (the pandas
//!   convention `(snapshot − last).days`: whole 24-hour periods, so that
//!   purchase counts 0). The default snapshot is midnight after the last
//!   purchase day in the data, so the most recent buyers have calendar
//!   recency 1 (elapsed recency 0).
//! - **frequency**: number of distinct purchase invoices.
//! - **monetary**: sum of `quantity × unit_price` over purchase lines, plus
//!   return lines (negative) under [`ReturnsInSpend::Net`].
//!
//! # Scores and ties
//!
//! Each measure gets a score 1–5 (5 = most recent, most frequent, highest
//! spend). Under [`TieRule::Shared`] (the default) a customer's score is
//! `1 + floor(5 · b / n)` where `b` is the number of customers strictly worse
//! on that measure and `n` the number of customers — the "minimum rank"
//! rule: equal values always share a score, and the result does not depend on
//! input order. Under [`TieRule::ById`] customers are ranked by value with ties
//! broken by customer id (byte-wise ascending, so the lower id ranks as the
//! worse one) and the score is `1 + floor(5 · position / n)`, which gives
//! exactly equal-sized bins.

use serde::{Deserialize, Serialize};
use shopml_clean::Transaction;
use shopml_core::validated_struct;
use shopml_core::{Error, IdMap, Params, Timestamp};

use crate::error::Result;
use crate::prep::{Grouped, ReturnsInSpend, check_lines, default_snapshot};

/// How recency is counted in days (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum RecencyDays {
    /// Calendar days between the two dates (UTC), ignoring the time of day.
    #[default]
    Calendar,
    /// Whole 24-hour periods elapsed (pandas' `Timedelta.days`).
    Elapsed,
}

impl RecencyDays {
    /// Recency of a purchase at `last` seen from `snapshot`.
    pub fn between(self, last: Timestamp, snapshot: Timestamp) -> f64 {
        match self {
            RecencyDays::Calendar => (snapshot.day_number() - last.day_number()) as f64,
            RecencyDays::Elapsed => last.days_until(snapshot).floor(),
        }
    }
}

/// How customers with equal values are scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum TieRule {
    /// Equal values share the score of their lowest rank (see the module docs).
    #[default]
    Shared,
    /// Ties broken by customer id, giving equal-sized quintiles.
    ById,
}

/// The named RFM segments, from the recency and frequency scores.
///
/// | R \ F | 1 | 2 | 3 | 4 | 5 |
/// |---|---|---|---|---|---|
/// | 5 | New customers | Potential loyalists | Potential loyalists | Champions | Champions |
/// | 4 | Promising | Potential loyalists | Potential loyalists | Loyal customers | Loyal customers |
/// | 3 | About to sleep | About to sleep | Need attention | Loyal customers | Loyal customers |
/// | 2 | Hibernating | Hibernating | At risk | At risk | Can't lose them |
/// | 1 | Hibernating | Hibernating | At risk | At risk | Can't lose them |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Segment {
    /// Bought recently, buy often.
    Champions,
    /// Buy often, fairly recently.
    LoyalCustomers,
    /// Recent buyers with a few orders.
    PotentialLoyalists,
    /// Bought very recently for the first time(s).
    NewCustomers,
    /// Recent, but only one order so far.
    Promising,
    /// Average recency and frequency.
    NeedAttention,
    /// Below-average recency and frequency.
    AboutToSleep,
    /// Used to buy often, not for a while.
    AtRisk,
    /// Bought very often, long ago.
    CantLoseThem,
    /// Few orders, long ago.
    Hibernating,
}

impl Segment {
    /// Every segment, in declaration order.
    pub const ALL: [Segment; 10] = [
        Segment::Champions,
        Segment::LoyalCustomers,
        Segment::PotentialLoyalists,
        Segment::NewCustomers,
        Segment::Promising,
        Segment::NeedAttention,
        Segment::AboutToSleep,
        Segment::AtRisk,
        Segment::CantLoseThem,
        Segment::Hibernating,
    ];

    /// The segment of a recency score and a frequency score (each 1–5; values
    /// outside are clamped into the range).
    pub fn from_scores(r: u8, f: u8) -> Segment {
        let (r, f) = (r.clamp(1, 5), f.clamp(1, 5));
        match (r, f) {
            (5, 4..=5) => Segment::Champions,
            (3..=4, 4..=5) => Segment::LoyalCustomers,
            (4..=5, 2..=3) => Segment::PotentialLoyalists,
            (5, 1) => Segment::NewCustomers,
            (4, 1) => Segment::Promising,
            (3, 3) => Segment::NeedAttention,
            (3, 1..=2) => Segment::AboutToSleep,
            (1..=2, 3..=4) => Segment::AtRisk,
            (1..=2, 5) => Segment::CantLoseThem,
            _ => Segment::Hibernating,
        }
    }

    /// The segment's display name ("Champions", "At risk", …).
    pub fn name(self) -> &'static str {
        match self {
            Segment::Champions => "Champions",
            Segment::LoyalCustomers => "Loyal customers",
            Segment::PotentialLoyalists => "Potential loyalists",
            Segment::NewCustomers => "New customers",
            Segment::Promising => "Promising",
            Segment::NeedAttention => "Need attention",
            Segment::AboutToSleep => "About to sleep",
            Segment::AtRisk => "At risk",
            Segment::CantLoseThem => "Can't lose them",
            Segment::Hibernating => "Hibernating",
        }
    }
}

impl std::fmt::Display for Segment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Parameters of an RFM table; build with [`RfmParams::new`] and the
/// setters, then [`fit`](shopml_core::Fit::fit) it to order lines.
///
/// ```
/// use shopml_core::Fit;
/// use shopml_features::{RecencyDays, ReturnsInSpend, RfmParams};
/// # let lines: Vec<shopml_clean::Transaction> = vec![shopml_clean::Transaction {
/// #     invoice: "1".into(), product: "A".into(), description: None, quantity: 1.0,
/// #     timestamp: shopml_core::Timestamp::from_civil(2011, 3, 1, 23, 0, 0).unwrap(), unit_price: 2.0,
/// #     customer: Some("a".into()), country: None, line: 1, category: None, attributes: Default::default() }];
/// let p = RfmParams::new().returns(ReturnsInSpend::Exclude).recency(RecencyDays::Elapsed);
/// assert_eq!(p.return_policy(), ReturnsInSpend::Exclude);
/// let rfm = p.fit(&lines[..]).unwrap();
/// assert_eq!(rfm.recency[0], 0.0); // one hour before the default snapshot: 0 whole days
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RfmParams {
    snapshot: Option<Timestamp>,
    returns: ReturnsInSpend,
    ties: TieRule,
    #[serde(default)]
    recency: RecencyDays,
}

impl RfmParams {
    /// Defaults: snapshot after the last purchase day, returns netted, shared ties.
    pub fn new() -> Self {
        Self::default()
    }
    /// The reference date: lines at or after it are ignored, recency is counted to it.
    pub fn snapshot(mut self, snapshot: Timestamp) -> Self {
        self.snapshot = Some(snapshot);
        self
    }
    /// Whether returns are netted from or excluded from `monetary`.
    pub fn returns(mut self, returns: ReturnsInSpend) -> Self {
        self.returns = returns;
        self
    }
    /// How recency is counted (default [`RecencyDays::Calendar`]).
    pub fn recency(mut self, recency: RecencyDays) -> Self {
        self.recency = recency;
        self
    }
    /// How ties are scored.
    pub fn ties(mut self, ties: TieRule) -> Self {
        self.ties = ties;
        self
    }
    /// The configured return policy.
    pub fn return_policy(&self) -> ReturnsInSpend {
        self.returns
    }

    /// Shorthand for [`Fit::fit`](shopml_core::Fit::fit): the RFM table of
    /// every customer with a purchase before the snapshot.
    ///
    /// Errors: a non-finite quantity or price ([`crate::FeaturesError::BadTransaction`]),
    /// a date out of range, a customer's spend overflowing `f64`
    /// ([`crate::FeaturesError::Overflow`]), no purchase line with a customer
    /// before the snapshot ([`Error::EmptyInput`]).
    pub fn compute(&self, lines: &[Transaction]) -> Result<Rfm> {
        self.check()?;
        check_lines(lines)?;
        let snapshot = match self.snapshot {
            Some(s) => s,
            None => default_snapshot(lines).ok_or_else(|| Error::empty("transactions: no purchase line with a customer"))?,
        };
        let g = Grouped::build(lines, snapshot, false);
        if g.customers.is_empty() {
            return Err(Error::empty("transactions: no purchase line with a customer before the snapshot").into());
        }
        rfm_from_grouped(lines, &g, snapshot, self.returns, self.ties, self.recency)
    }
}

impl Params for RfmParams {
    fn check(&self) -> shopml_core::Result<()> {
        Ok(())
    }
}

impl shopml_core::Fit<[Transaction]> for RfmParams {
    type Model = Rfm;
    type Error = crate::FeaturesError;
    fn fit(&self, data: &[Transaction]) -> Result<Rfm> {
        self.compute(data)
    }
}

validated_struct! {
    /// RFM measures, scores and segments, one entry per customer. The
    /// measures carry the same names as the customer feature columns
    /// (`recency`, `frequency`, `monetary`). Loading checks one entry per
    /// customer, finite measures and scores in 1–5.
    pub struct Rfm ("RfmRaw" as RfmRaw, check = Rfm::check, error = crate::FeaturesError) {
        /// Customer id of each row.
        pub customers: IdMap<String>,
        /// The snapshot the table was computed at.
        pub snapshot: Timestamp,
        /// Days since the last purchase ([`RecencyDays`]).
        pub recency: Vec<f64>,
        /// Distinct purchase invoices.
        pub frequency: Vec<f64>,
        /// Spend (net of returns or not, per [`ReturnsInSpend`]).
        pub monetary: Vec<f64>,
        /// Recency score 1–5 (5 = most recent).
        pub r_score: Vec<u8>,
        /// Frequency score 1–5 (5 = most orders).
        pub f_score: Vec<u8>,
        /// Monetary score 1–5 (5 = highest spend).
        pub m_score: Vec<u8>,
        /// Named segment from the R and F scores.
        pub segment: Vec<Segment>,
    }
}

impl Rfm {
    fn check(&self) -> Result<()> {
        let n = self.customers.len();
        crate::checked::same_len(
            "Rfm",
            n,
            &[
                ("recency", self.recency.len()),
                ("frequency", self.frequency.len()),
                ("monetary", self.monetary.len()),
                ("r_score", self.r_score.len()),
                ("f_score", self.f_score.len()),
                ("m_score", self.m_score.len()),
                ("segment", self.segment.len()),
            ],
        )?;
        crate::checked::finite("Rfm recency", &self.recency)?;
        crate::checked::finite("Rfm frequency", &self.frequency)?;
        crate::checked::finite("Rfm monetary", &self.monetary)?;
        for (what, s) in [("r_score", &self.r_score), ("f_score", &self.f_score), ("m_score", &self.m_score)] {
            if let Some(row) = s.iter().position(|v| !(1..=5).contains(v)) {
                return Err(Error::InvalidValue {
                    what: what.into(),
                    row,
                    column: None,
                    value: s[row] as f64,
                    reason: "scores are 1–5".into(),
                }
                .into());
            }
        }
        Ok(())
    }

    /// Number of customers.
    pub fn len(&self) -> usize {
        self.recency.len()
    }
    /// Whether there are no customers.
    pub fn is_empty(&self) -> bool {
        self.recency.is_empty()
    }
    /// The three-digit RFM cell ("555", "311", …) of row `i`.
    pub fn cell(&self, i: usize) -> Option<String> {
        Some(format!("{}{}{}", self.r_score.get(i)?, self.f_score.get(i)?, self.m_score.get(i)?))
    }
    /// Number of customers in each segment, in [`Segment::ALL`] order.
    pub fn segment_counts(&self) -> Vec<(Segment, usize)> {
        Segment::ALL.iter().map(|&s| (s, self.segment.iter().filter(|&&x| x == s).count())).collect()
    }
}

pub(crate) struct RfmCore {
    pub recency: Vec<f64>,
    pub frequency: Vec<f64>,
    pub monetary: Vec<f64>,
}

pub(crate) fn rfm_measures(
    lines: &[Transaction],
    g: &Grouped,
    snapshot: Timestamp,
    returns: ReturnsInSpend,
    rec: RecencyDays,
) -> Result<RfmCore> {
    let n = g.customers.len();
    let mut recency = Vec::with_capacity(n);
    let mut frequency = Vec::with_capacity(n);
    let mut monetary = Vec::with_capacity(n);
    let mut inv: Vec<u32> = Vec::new();
    for c in 0..n {
        let p = g.purchases(c);
        let mut last = Timestamp(i64::MIN);
        let mut spend = 0.0;
        inv.clear();
        for &i in p {
            let t = &lines[i];
            last = last.max(t.timestamp);
            spend += t.value();
            inv.push(g.invoice[i]);
        }
        if returns == ReturnsInSpend::Net {
            for &i in g.returns(c) {
                spend += lines[i].value();
            }
        }
        inv.sort_unstable();
        inv.dedup();
        if !spend.is_finite() {
            return Err(crate::FeaturesError::Overflow { customer: g.customers.ids()[c].clone(), column: "monetary".into(), value: spend });
        }
        recency.push(rec.between(last, snapshot));
        frequency.push(inv.len() as f64);
        monetary.push(spend);
    }
    Ok(RfmCore { recency, frequency, monetary })
}

pub(crate) fn rfm_from_grouped(
    lines: &[Transaction],
    g: &Grouped,
    snapshot: Timestamp,
    returns: ReturnsInSpend,
    ties: TieRule,
    rec: RecencyDays,
) -> Result<Rfm> {
    let RfmCore { recency, frequency, monetary } = rfm_measures(lines, g, snapshot, returns, rec)?;
    let ids = g.customers.ids();
    // Recency: smaller is better, so score the negated value.
    let neg_rec: Vec<f64> = recency.iter().map(|r| -r).collect();
    let r_score = quintile_scores(&neg_rec, ids, ties);
    let f_score = quintile_scores(&frequency, ids, ties);
    let m_score = quintile_scores(&monetary, ids, ties);
    let segment = r_score.iter().zip(&f_score).map(|(&r, &f)| Segment::from_scores(r, f)).collect();
    Ok(Rfm { customers: g.customers.clone(), snapshot, recency, frequency, monetary, r_score, f_score, m_score, segment })
}

/// Quintile scores 1–5 of `values` (higher value, higher score) under a tie
/// rule; `ids` break ties for [`TieRule::ById`]. Values must be finite.
///
/// ```
/// use shopml_features::rfm::{quintile_scores, TieRule};
/// let ids: Vec<String> = ["a", "b", "c", "d", "e"].iter().map(|s| s.to_string()).collect();
/// // Ties share the score of their lowest rank.
/// assert_eq!(quintile_scores(&[1.0, 1.0, 2.0, 3.0, 3.0], &ids, TieRule::Shared), vec![1, 1, 3, 4, 4]);
/// // Or are broken by id.
/// assert_eq!(quintile_scores(&[1.0, 1.0, 2.0, 3.0, 3.0], &ids, TieRule::ById), vec![1, 2, 3, 4, 5]);
/// ```
pub fn quintile_scores(values: &[f64], ids: &[String], ties: TieRule) -> Vec<u8> {
    let n = values.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_unstable_by(|&a, &b| values[a].total_cmp(&values[b]).then_with(|| ids.get(a).cmp(&ids.get(b))));
    let mut score = vec![0u8; n];
    let bin = |pos: usize| (1 + (5 * pos) / n.max(1)) as u8;
    match ties {
        TieRule::ById => {
            for (pos, &i) in order.iter().enumerate() {
                score[i] = bin(pos);
            }
        }
        TieRule::Shared => {
            let mut start = 0;
            while start < n {
                let v = values[order[start]];
                let mut end = start;
                while end < n && values[order[end]] == v {
                    end += 1;
                }
                for &i in &order[start..end] {
                    score[i] = bin(start);
                }
                start = end;
            }
        }
    }
    score
}
