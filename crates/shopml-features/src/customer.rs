//! Customer feature table: RFM plus tenure, order value, basket size,
//! inter-purchase times, returns, product/category breadth and recent-window
//! activity, as a named `Array2<f64>`.

use ndarray::{Array2, ArrayView1, Axis};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use shopml_clean::Transaction;
use shopml_core::validated_struct;
use shopml_core::{Dataset, Error, FastHashMap, IdMap, Params, Timestamp};

use crate::error::{FeaturesError, Result};
use crate::prep::{Grouped, ReturnsInSpend, check_lines, default_snapshot, orders_of};
use crate::rfm::{RecencyDays, Rfm, TieRule, rfm_from_grouped};

validated_struct! {
    /// A dense feature matrix whose rows are keyed by external ids and whose
    /// columns have names. Loading checks one distinct name per column, one
    /// id per row and finite values.
    ///
    /// ```
    /// use ndarray::array;
    /// use shopml_core::{Fit, Predict};
    /// # use shopml_core::IdMap;
    /// # let table = shopml_features::FeatureMatrix {
    /// #     names: vec!["recency".into(), "frequency".into(), "monetary".into()],
    /// #     rows: IdMap::from_ids("customer", ["a".to_string(), "b".into(), "c".into()]).unwrap(),
    /// #     values: array![[1.0, 3.0, 30.0], [20.0, 1.0, 5.0], [3.0, 2.0, 12.0]],
    /// # };
    /// // One call from the feature table to a model's input.
    /// let rfm = table.select(&["recency", "frequency", "monetary"]).unwrap();
    /// let spend = array![30.0, 5.0, 12.0];
    /// let data = rfm.to_dataset(spend.view()).unwrap();
    /// assert_eq!((data.n_samples(), data.n_features()), (3, 3));
    /// ```
    pub struct FeatureMatrix ("FeatureMatrixRaw" as FeatureMatrixRaw, check = FeatureMatrix::check, error = crate::FeaturesError) {
        /// Column names, one per column of `values`.
        pub names: Vec<String>,
        /// External id of each row.
        pub rows: IdMap<String>,
        /// `rows × names` values.
        pub values: Array2<f64>,
    }
}

impl FeatureMatrix {
    fn check(&self) -> Result<()> {
        if self.names.len() != self.values.ncols() {
            return Err(Error::shape("feature names vs columns", self.values.ncols(), self.names.len()).into());
        }
        if self.rows.len() != self.values.nrows() {
            return Err(Error::shape("row ids vs rows", self.values.nrows(), self.rows.len()).into());
        }
        let mut sorted: Vec<&String> = self.names.iter().collect();
        sorted.sort_unstable();
        if let Some(w) = sorted.windows(2).find(|w| w[0] == w[1]) {
            return Err(Error::param("names", format!("feature `{}` is named twice", w[0])).into());
        }
        Ok(shopml_core::validate::finite_matrix("feature values", self.values.view())?)
    }

    /// The named columns, in the order given, as a new matrix with the same rows.
    pub fn select<S: AsRef<str>>(&self, names: &[S]) -> Result<FeatureMatrix> {
        let idx = names.iter().map(|n| self.column_index(n.as_ref())).collect::<Result<Vec<usize>>>()?;
        let out = FeatureMatrix {
            names: names.iter().map(|n| n.as_ref().to_string()).collect(),
            rows: self.rows.clone(),
            values: self.values.select(Axis(1), &idx),
        };
        out.check()?;
        Ok(out)
    }

    /// A supervised [`Dataset`] borrowing these values as records, with one
    /// target per row (`f64` for regression, `bool` for classification).
    pub fn to_dataset<'a, T>(&'a self, targets: ArrayView1<'a, T>) -> Result<Dataset<'a, ArrayView1<'a, T>>> {
        if targets.len() != self.values.nrows() {
            return Err(Error::shape("targets vs feature rows", self.values.nrows(), targets.len()).into());
        }
        Ok(Dataset::new(self.values.view(), targets))
    }

    /// The column called `name`, or [`Error::UnknownId`].
    pub fn column(&self, name: &str) -> Result<ndarray::ArrayView1<'_, f64>> {
        let j = self.column_index(name)?;
        Ok(self.values.column(j))
    }
    /// The index of the column called `name`.
    pub fn column_index(&self, name: &str) -> Result<usize> {
        self.names.iter().position(|n| n == name).ok_or_else(|| Error::UnknownId { what: "feature", id: name.to_string() }.into())
    }
    /// The row of the external id `id`.
    pub fn row(&self, id: &str) -> Result<ndarray::ArrayView1<'_, f64>> {
        let i = self.rows.index(id)?;
        Ok(self.values.row(i))
    }
}

/// Product → category lookup used for the category features. Products absent
/// from the map count as their own category.
pub type Categories = FastHashMap<String, String>;

/// Parameters of the customer feature table.
///
/// Columns, in order (all computed from lines strictly before the snapshot;
/// purchases are lines with quantity > 0, returns quantity < 0):
///
/// | name | meaning |
/// |---|---|
/// | `recency` | days from the last purchase to the snapshot ([`RecencyDays`]: calendar days by default, or elapsed whole days) |
/// | `frequency` | distinct purchase invoices (orders) |
/// | `monetary` | purchase value, net of returns under [`ReturnsInSpend::Net`] |
/// | `tenure_days` | days (fractional) between the first and last order |
/// | `days_since_first` | calendar days from the first purchase day to the snapshot day |
/// | `avg_order_value` | gross purchase value / orders |
/// | `avg_basket_lines` | purchase lines / orders |
/// | `avg_basket_units` | purchased units / orders |
/// | `interpurchase_mean_days` | mean gap (fractional days) between consecutive orders; 0 with one order |
/// | `interpurchase_std_days` | population standard deviation of those gaps; 0 with fewer than two gaps |
/// | `return_rate` | returned value / gross purchase value |
/// | `distinct_products` | distinct products bought |
/// | `distinct_categories` | distinct categories bought |
/// | `top_category_share` | share of gross purchase value in the customer's largest category |
/// | `orders_last_{N}d`, `spend_last_{N}d` | orders and gross purchase value with timestamp ≥ snapshot − N days, per window |
///
/// An order's timestamp is that of its earliest line. Fit it to order lines
/// with [`Fit::fit`](shopml_core::Fit::fit) (or [`compute`](Self::compute)
/// with a category map).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerFeaturesParams {
    snapshot: Option<Timestamp>,
    returns: ReturnsInSpend,
    windows_days: Vec<u32>,
    #[serde(default)]
    recency: RecencyDays,
}

impl Default for CustomerFeaturesParams {
    fn default() -> Self {
        CustomerFeaturesParams {
            snapshot: None,
            returns: ReturnsInSpend::Net,
            windows_days: vec![30, 90, 180],
            recency: RecencyDays::Calendar,
        }
    }
}

impl CustomerFeaturesParams {
    /// Defaults: snapshot after the last purchase day, returns netted,
    /// windows of 30, 90 and 180 days.
    pub fn new() -> Self {
        Self::default()
    }
    /// The cut-off: lines at or after it are ignored.
    pub fn snapshot(mut self, snapshot: Timestamp) -> Self {
        self.snapshot = Some(snapshot);
        self
    }
    /// The cut-off, if set.
    pub fn snapshot_value(&self) -> Option<Timestamp> {
        self.snapshot
    }
    /// Whether returns are netted from `monetary`.
    pub fn returns(mut self, returns: ReturnsInSpend) -> Self {
        self.returns = returns;
        self
    }
    /// How the `recency` column counts days (default [`RecencyDays::Calendar`]).
    pub fn recency(mut self, recency: RecencyDays) -> Self {
        self.recency = recency;
        self
    }
    /// Look-back windows (days) for the `orders_last_{N}d` / `spend_last_{N}d` columns.
    pub fn windows_days(mut self, windows: Vec<u32>) -> Self {
        self.windows_days = windows;
        self
    }

    /// The column names this configuration produces.
    pub fn feature_names(&self) -> Vec<String> {
        let mut names: Vec<String> = BASE_NAMES.iter().map(|s| s.to_string()).collect();
        for w in &self.windows_days {
            names.push(format!("orders_last_{w}d"));
            names.push(format!("spend_last_{w}d"));
        }
        names
    }

    /// The table for every customer with a purchase before the snapshot, with
    /// category features from `categories` ([`Fit::fit`](shopml_core::Fit::fit)
    /// is this without a category map).
    ///
    /// Errors: bad parameter, non-finite quantity/price, a date out of range,
    /// a customer's sums overflowing `f64`, no usable purchase.
    pub fn compute(&self, lines: &[Transaction], categories: Option<&Categories>) -> Result<FeatureMatrix> {
        self.check()?;
        check_lines(lines)?;
        let snapshot = match self.snapshot {
            Some(s) => s,
            None => default_snapshot(lines).ok_or_else(|| Error::empty("transactions: no purchase line with a customer"))?,
        };
        let g = Grouped::build(lines, snapshot, true);
        if g.customers.is_empty() {
            return Err(Error::empty("transactions: no purchase line with a customer before the snapshot").into());
        }
        self.table_from_grouped(lines, &g, snapshot, categories)
    }

    /// The RFM table and the feature table in one pass over the lines (they
    /// share the grouping work): the RFM table is what
    /// [`RfmParams`](crate::RfmParams) with the same snapshot, return policy
    /// and `ties` gives, row for row.
    pub fn compute_with_rfm(&self, lines: &[Transaction], categories: Option<&Categories>, ties: TieRule) -> Result<(Rfm, FeatureMatrix)> {
        self.check()?;
        check_lines(lines)?;
        let snapshot = match self.snapshot {
            Some(s) => s,
            None => default_snapshot(lines).ok_or_else(|| Error::empty("transactions: no purchase line with a customer"))?,
        };
        let g = Grouped::build(lines, snapshot, true);
        if g.customers.is_empty() {
            return Err(Error::empty("transactions: no purchase line with a customer before the snapshot").into());
        }
        let rfm = rfm_from_grouped(lines, &g, snapshot, self.returns, ties, self.recency)?;
        Ok((rfm, self.table_from_grouped(lines, &g, snapshot, categories)?))
    }

    pub(crate) fn table_from_grouped(
        &self,
        lines: &[Transaction],
        g: &Grouped,
        snapshot: Timestamp,
        categories: Option<&Categories>,
    ) -> Result<FeatureMatrix> {
        let names = self.feature_names();
        let p = names.len();
        let n = g.customers.len();
        // Category id of every product id (unmapped products are their own category).
        let mut cat_ids: FastHashMap<&str, u32> = FastHashMap::default();
        let cat_of: Vec<u32> = g
            .product_ids
            .iter()
            .map(|p| {
                let cat = categories.and_then(|m| m.get(p)).map(String::as_str).unwrap_or(p.as_str());
                let next = cat_ids.len() as u32;
                *cat_ids.entry(cat).or_insert(next)
            })
            .collect();
        let rows: Vec<Vec<f64>> = (0..n).into_par_iter().map(|c| self.customer_row(lines, g, c, snapshot, &cat_of)).collect();
        let mut values = Array2::zeros((n, p));
        for (i, r) in rows.into_iter().enumerate() {
            for (j, v) in r.into_iter().enumerate() {
                if !v.is_finite() {
                    return Err(FeaturesError::Overflow { customer: g.customers.ids()[i].clone(), column: names[j].clone(), value: v });
                }
                values[[i, j]] = v;
            }
        }
        Ok(FeatureMatrix { names, rows: g.customers.clone(), values })
    }

    fn customer_row(&self, lines: &[Transaction], g: &Grouped, c: usize, snapshot: Timestamp, cat_of: &[u32]) -> Vec<f64> {
        let purchases = g.purchases(c);
        let orders = orders_of(lines, g, c);
        let n_orders = orders.len() as f64;
        let snap_day = snapshot.day_number();
        let mut gross = 0.0;
        let mut units = 0.0;
        let mut first = Timestamp::MAX;
        let mut last = Timestamp::MIN;
        let mut products: Vec<u32> = Vec::with_capacity(purchases.len());
        let mut by_cat: Vec<(u32, f64)> = Vec::with_capacity(purchases.len());
        for &i in purchases {
            let t = &lines[i];
            gross += t.value();
            units += t.quantity;
            first = first.min(t.timestamp);
            last = last.max(t.timestamp);
            let p = g.product[i];
            products.push(p);
            by_cat.push((cat_of[p as usize], t.value()));
        }
        let mut returned = 0.0;
        for &i in g.returns(c) {
            returned += lines[i].value();
        }
        let monetary = match self.returns {
            ReturnsInSpend::Net => gross + returned,
            ReturnsInSpend::Exclude => gross,
        };
        products.sort_unstable();
        products.dedup();
        // Spend per category: a stable sort keeps input order within each category.
        by_cat.sort_by_key(|&(cat, _)| cat);
        let (mut n_cats, mut top_cat, mut run) = (0usize, f64::NEG_INFINITY, 0.0);
        for (k, &(cat, v)) in by_cat.iter().enumerate() {
            run += v;
            if by_cat.get(k + 1).is_none_or(|next| next.0 != cat) {
                n_cats += 1;
                top_cat = top_cat.max(run);
                run = 0.0;
            }
        }
        let gaps: Vec<f64> = orders.windows(2).map(|w| w[0].0.days_until(w[1].0)).collect();
        let (gap_mean, gap_std) = if gaps.is_empty() {
            (0.0, 0.0)
        } else {
            let m = gaps.iter().sum::<f64>() / gaps.len() as f64;
            let v = gaps.iter().map(|g| (g - m) * (g - m)).sum::<f64>() / gaps.len() as f64;
            (m, if gaps.len() < 2 { 0.0 } else { v.sqrt() })
        };
        let mut row = vec![
            self.recency.between(last, snapshot),
            n_orders,
            monetary,
            first.days_until(orders.last().map(|o| o.0).unwrap_or(first)),
            (snap_day - first.day_number()) as f64,
            gross / n_orders,
            purchases.len() as f64 / n_orders,
            units / n_orders,
            gap_mean,
            gap_std,
            if gross > 0.0 { -returned / gross } else { 0.0 },
            products.len() as f64,
            n_cats as f64,
            if gross > 0.0 { top_cat / gross } else { 0.0 },
        ];
        for &w in &self.windows_days {
            let from = snapshot.add_days(-(w as i64));
            let recent = orders.iter().filter(|o| o.0 >= from);
            let (mut k, mut s) = (0.0, 0.0);
            for o in recent {
                k += 1.0;
                s += o.2;
            }
            row.push(k);
            row.push(s);
        }
        row
    }
}

const BASE_NAMES: [&str; 14] = [
    "recency",
    "frequency",
    "monetary",
    "tenure_days",
    "days_since_first",
    "avg_order_value",
    "avg_basket_lines",
    "avg_basket_units",
    "interpurchase_mean_days",
    "interpurchase_std_days",
    "return_rate",
    "distinct_products",
    "distinct_categories",
    "top_category_share",
];

impl shopml_core::Fit<[Transaction]> for CustomerFeaturesParams {
    type Model = FeatureMatrix;
    type Error = crate::FeaturesError;
    /// [`compute`](CustomerFeaturesParams::compute) without a category map.
    fn fit(&self, data: &[Transaction]) -> Result<FeatureMatrix> {
        self.compute(data, None)
    }
}

impl Params for CustomerFeaturesParams {
    fn check(&self) -> shopml_core::Result<()> {
        if let Some(w) = self.windows_days.iter().find(|&&w| w == 0) {
            return Err(Error::param("windows_days", format!("windows must be at least 1 day, got {w}")));
        }
        let mut sorted = self.windows_days.clone();
        sorted.sort_unstable();
        sorted.dedup();
        if sorted.len() != self.windows_days.len() {
            return Err(Error::param("windows_days", "windows must be distinct"));
        }
        Ok(())
    }
}
