//! Churn and purchase labels with leak-free cut-offs, and time-based
//! train / test splits of labelled customer tables.
//!
//! Every labelled table is built the same way: features come **only** from
//! lines strictly before the cut-off (the feature snapshot is the cut-off),
//! labels **only** from lines in `[cut-off, cut-off + horizon)`. Customers
//! are those with a purchase before the cut-off.

use ndarray::Array1;
use serde::{Deserialize, Serialize};
use shopml_clean::Transaction;
use shopml_core::{Error, FastHashMap, Timestamp};

use crate::customer::{Categories, CustomerFeaturesParams, FeatureMatrix};
use crate::error::Result;

/// What a label asks about the horizon after the cut-off.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Target {
    /// 1 when the customer makes **no** purchase in the horizon (churn).
    Churn,
    /// 1 when the customer makes any purchase in the horizon.
    AnyPurchase,
    /// 1 when the customer buys this product in the horizon.
    Product(String),
    /// 1 when the customer buys a product of this category (per the
    /// [`Categories`] map; unmapped products are their own category).
    Category(String),
}

/// Customer features before a cut-off and a 0/1 label per customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Labelled {
    /// Features from lines before `cutoff`.
    pub features: FeatureMatrix,
    /// One label per row of `features` (0.0 or 1.0).
    pub labels: Array1<f64>,
    /// The cut-off.
    pub cutoff: Timestamp,
    /// Horizon length in days.
    pub horizon_days: u32,
}

/// Builds labelled customer tables; see the module docs for the timing rules.
///
/// ```
/// use shopml_clean::Transaction;
/// use shopml_core::Timestamp;
/// use shopml_features::labels::{LabelParams, Target};
///
/// let line = |inv: &str, cust: &str, day: u32| Transaction {
///     invoice: inv.into(), product: "A".into(), description: None, quantity: 1.0,
///     timestamp: Timestamp::from_date(2011, 3, day).unwrap(), unit_price: 2.0,
///     customer: Some(cust.into()), country: None, category: None, attributes: Default::default(), line: 0,
/// };
/// let lines = vec![line("1", "a", 1), line("2", "b", 2), line("3", "a", 20)];
/// let cutoff = Timestamp::from_date(2011, 3, 10).unwrap();
/// let t = LabelParams::new(cutoff, 30).build(&lines, &Target::Churn, None).unwrap();
/// let a = t.features.rows.index("a").unwrap();
/// let b = t.features.rows.index("b").unwrap();
/// assert_eq!((t.labels[a], t.labels[b]), (0.0, 1.0)); // a came back, b churned
/// assert_eq!(t.features.column("frequency").unwrap()[a], 1.0); // the later order is not a feature
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabelParams {
    cutoff: Timestamp,
    horizon_days: u32,
    features: CustomerFeaturesParams,
}

impl LabelParams {
    /// Labels over `[cutoff, cutoff + horizon_days)`, default features.
    pub fn new(cutoff: Timestamp, horizon_days: u32) -> Self {
        LabelParams { cutoff, horizon_days, features: CustomerFeaturesParams::new() }
    }
    /// Feature parameters (their snapshot is replaced by the cut-off).
    pub fn features(mut self, features: CustomerFeaturesParams) -> Self {
        self.features = features;
        self
    }

    /// Builds the labelled table.
    pub fn build(&self, lines: &[Transaction], target: &Target, categories: Option<&Categories>) -> Result<Labelled> {
        if self.horizon_days == 0 {
            return Err(Error::param("horizon_days", "must be at least 1").into());
        }
        let features = self.features.clone().snapshot(self.cutoff).compute(lines, categories)?;
        let end = self.cutoff.add_days(self.horizon_days as i64);
        let mut hit: FastHashMap<&str, ()> = FastHashMap::default();
        for t in lines {
            if t.quantity <= 0.0 || t.timestamp < self.cutoff || t.timestamp >= end {
                continue;
            }
            let Some(c) = t.customer.as_deref() else { continue };
            let matches = match target {
                Target::Churn | Target::AnyPurchase => true,
                Target::Product(p) => &t.product == p,
                Target::Category(cat) => categories.and_then(|m| m.get(&t.product)).unwrap_or(&t.product) == cat,
            };
            if matches {
                hit.insert(c, ());
            }
        }
        let labels = features
            .rows
            .ids()
            .iter()
            .map(|c| {
                let h = hit.contains_key(c.as_str());
                let y = if matches!(target, Target::Churn) { !h } else { h };
                f64::from(u8::from(y))
            })
            .collect();
        Ok(Labelled { features, labels, cutoff: self.cutoff, horizon_days: self.horizon_days })
    }

    /// A leak-free temporal train / test pair: the train table uses
    /// `train_cutoff` and the test table `test_cutoff`, with the same horizon.
    /// Fails unless `train_cutoff + horizon ≤ test_cutoff`, so that no train
    /// label looks past the start of the test period.
    pub fn temporal_split(
        &self,
        lines: &[Transaction],
        train_cutoff: Timestamp,
        test_cutoff: Timestamp,
        target: &Target,
        categories: Option<&Categories>,
    ) -> Result<(Labelled, Labelled)> {
        if train_cutoff.add_days(self.horizon_days as i64) > test_cutoff {
            return Err(Error::param(
                "train_cutoff",
                format!("train labels would overlap the test period: {train_cutoff} + {} days > {test_cutoff}", self.horizon_days),
            )
            .into());
        }
        let train = LabelParams { cutoff: train_cutoff, ..self.clone() }.build(lines, target, categories)?;
        let test = LabelParams { cutoff: test_cutoff, ..self.clone() }.build(lines, target, categories)?;
        Ok((train, test))
    }
}

/// Splits order lines at a cut-off: `(before, at_or_after)`, each in input order.
pub fn split_at(lines: &[Transaction], cutoff: Timestamp) -> (Vec<Transaction>, Vec<Transaction>) {
    lines.iter().cloned().partition(|t| t.timestamp < cutoff)
}
