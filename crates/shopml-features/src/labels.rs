//! Churn and purchase labels with leak-free cut-offs, and time-based
//! train / test splits of labelled customer tables.
//!
//! Every labelled table is built the same way: features come **only** from
//! lines strictly before the cut-off (the feature snapshot is the cut-off),
//! labels **only** from lines in `[cut-off, cut-off + horizon)`. Customers
//! are those with a purchase before the cut-off.

use ndarray::{Array1, ArrayView1};
use serde::{Deserialize, Serialize};
use shopml_clean::Transaction;
use shopml_core::validated_struct;
use shopml_core::{Dataset, Error, FastHashMap, Timestamp};

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

validated_struct! {
    /// Customer features before a cut-off and a yes/no label per customer.
    /// Loading checks one label per row.
    pub struct Labelled ("LabelledRaw" as LabelledRaw, check = Labelled::check, error = crate::FeaturesError) {
        /// Features from lines before `cutoff`.
        pub features: FeatureMatrix,
        /// One label per row of `features` (`true` = churned / bought).
        pub labels: Array1<bool>,
        /// The cut-off.
        pub cutoff: Timestamp,
        /// Horizon length in days.
        pub horizon_days: u32,
    }
}

impl Labelled {
    fn check(&self) -> Result<()> {
        if self.labels.len() != self.features.values.nrows() {
            return Err(Error::shape("labels vs feature rows", self.features.values.nrows(), self.labels.len()).into());
        }
        Ok(())
    }

    /// The table as a classification [`Dataset`] with `bool` targets, ready
    /// for `LogisticRegression` and the classification metrics.
    pub fn to_dataset(&self) -> Dataset<'_, ArrayView1<'_, bool>> {
        Dataset::new(self.features.values.view(), self.labels.view())
    }
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
/// assert_eq!((t.labels[a], t.labels[b]), (false, true)); // a came back, b churned
/// let data = t.to_dataset(); // records and bool targets for a classifier
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
    ///
    /// Errors, besides those of the features: `horizon_days = 0`, and a
    /// cut-off after the last line of the data — the horizon would hold no
    /// observation at all, so every customer would look churned.
    pub fn build(&self, lines: &[Transaction], target: &Target, categories: Option<&Categories>) -> Result<Labelled> {
        if self.horizon_days == 0 {
            return Err(Error::param("horizon_days", "must be at least 1").into());
        }
        if let Some(last) = lines.iter().map(|t| t.timestamp).max()
            && last < self.cutoff
        {
            return Err(Error::param(
                "cutoff",
                format!("{} is after the last line of the data ({last}): nothing is observed in the label horizon", self.cutoff),
            )
            .into());
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
                if matches!(target, Target::Churn) { !h } else { h }
            })
            .collect();
        Ok(Labelled { features, labels, cutoff: self.cutoff, horizon_days: self.horizon_days })
    }

    /// A leak-free temporal train / test pair: the train table at this
    /// parameter set's cut-off, the test table at `cutoff + horizon` (the
    /// earliest test cut-off whose features may include every train label).
    pub fn temporal_split(&self, lines: &[Transaction], target: &Target, categories: Option<&Categories>) -> Result<(Labelled, Labelled)> {
        let test_cutoff = self.cutoff.add_days(self.horizon_days as i64);
        self.temporal_split_at(lines, test_cutoff, target, categories)
    }

    /// Like [`temporal_split`](Self::temporal_split) with an explicit, later
    /// test cut-off. Fails unless `cutoff + horizon ≤ test_cutoff`, so that no
    /// train label looks past the start of the test period.
    pub fn temporal_split_at(
        &self,
        lines: &[Transaction],
        test_cutoff: Timestamp,
        target: &Target,
        categories: Option<&Categories>,
    ) -> Result<(Labelled, Labelled)> {
        let train_cutoff = self.cutoff;
        if train_cutoff.add_days(self.horizon_days as i64) > test_cutoff {
            return Err(Error::param(
                "train_cutoff",
                format!("train labels would overlap the test period: {train_cutoff} + {} days > {test_cutoff}", self.horizon_days),
            )
            .into());
        }
        let train = self.build(lines, target, categories)?;
        let test = LabelParams { cutoff: test_cutoff, ..self.clone() }.build(lines, target, categories)?;
        Ok((train, test))
    }
}

/// Splits order lines at a cut-off: `(before, at_or_after)`, each in input order.
pub fn split_at(lines: &[Transaction], cutoff: Timestamp) -> (Vec<Transaction>, Vec<Transaction>) {
    lines.iter().cloned().partition(|t| t.timestamp < cutoff)
}
