//! Baskets from cleaned order lines ([`shopml_clean::Transaction`]).
//!
//! This is the only module that touches shopml-clean, and it reads nothing
//! but the fields of a `Transaction`.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use shopml_clean::Transaction;
use shopml_core::{Error as CoreError, FastHashMap, IdMap, Params, Timestamp};

use crate::baskets::Baskets;
use crate::error::Result;

/// What makes one basket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Grouping {
    /// One basket per invoice (the default).
    Invoice,
    /// One basket per customer over the whole period. Lines without a customer are dropped (and counted).
    Customer,
    /// One basket per customer and time window of `seconds` (windows start at the Unix
    /// epoch: `86_400` is one basket per customer and UTC day). Lines without a customer are dropped.
    CustomerWindow {
        /// Window length in seconds, at least 1.
        seconds: i64,
    },
}

/// What an item of a basket is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ItemKind {
    /// The product code (the default).
    #[default]
    Product,
    /// The line's category (an export's category column): rules between
    /// departments rather than products. Lines without a category are
    /// dropped and counted in [`BasketReport::dropped_no_category`].
    Category,
}

/// How to turn order lines into [`Baskets`]: grouping and filters.
///
/// ```
/// use shopml_basket::{BasketSpec, Grouping};
/// let spec = BasketSpec::default().grouping(Grouping::Customer).min_item_baskets(5).countries(["France"]);
/// assert_eq!(spec.min_item_baskets, 5);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BasketSpec {
    /// What makes one basket (default [`Grouping::Invoice`]).
    pub grouping: Grouping,
    /// What an item is (default [`ItemKind::Product`]).
    #[serde(default)]
    pub items: ItemKind,
    /// Keep only items that occur in at least this many baskets (default 1: all).
    /// Baskets left empty by this filter are dropped and counted.
    pub min_item_baskets: usize,
    /// Product codes that are not products (postage, fees, …), compared
    /// case-insensitively. Default: the Online Retail codes `POST`, `DOT`,
    /// `C2`, `M`, `D`, `S`, `B`, `BANK CHARGES`, `AMAZONFEE`, `CRUK`, `PADS`.
    pub non_product_codes: Vec<String>,
    /// Keep only lines of these countries (default `None`: every country).
    pub countries: Option<Vec<String>>,
    /// Keep only lines of these customers, e.g. one segment (default `None`: everyone).
    pub customers: Option<Vec<String>>,
}

impl Default for BasketSpec {
    fn default() -> Self {
        BasketSpec {
            grouping: Grouping::Invoice,
            items: ItemKind::Product,
            min_item_baskets: 1,
            non_product_codes: ["POST", "DOT", "C2", "M", "D", "S", "B", "BANK CHARGES", "AMAZONFEE", "CRUK", "PADS"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            countries: None,
            customers: None,
        }
    }
}

impl BasketSpec {
    /// Sets [`grouping`](Self::grouping).
    pub fn grouping(mut self, g: Grouping) -> Self {
        self.grouping = g;
        self
    }
    /// Sets [`items`](Self::items).
    pub fn items(mut self, kind: ItemKind) -> Self {
        self.items = kind;
        self
    }
    /// Sets [`min_item_baskets`](Self::min_item_baskets).
    pub fn min_item_baskets(mut self, n: usize) -> Self {
        self.min_item_baskets = n;
        self
    }
    /// Sets [`non_product_codes`](Self::non_product_codes).
    pub fn non_product_codes<S: Into<String>>(mut self, codes: impl IntoIterator<Item = S>) -> Self {
        self.non_product_codes = codes.into_iter().map(Into::into).collect();
        self
    }
    /// Sets [`countries`](Self::countries).
    pub fn countries<S: Into<String>>(mut self, countries: impl IntoIterator<Item = S>) -> Self {
        self.countries = Some(countries.into_iter().map(Into::into).collect());
        self
    }
    /// Sets [`customers`](Self::customers).
    pub fn customers<S: Into<String>>(mut self, customers: impl IntoIterator<Item = S>) -> Self {
        self.customers = Some(customers.into_iter().map(Into::into).collect());
        self
    }

    /// Groups `transactions` into baskets, applying the filters.
    ///
    /// Items are product codes (or categories, see [`ItemKind`]), indexed in
    /// order of first appearance among the kept lines; a product's
    /// description is the first non-empty one seen (categories have none:
    /// the id is the name).
    /// Baskets are in order of their first line and carry the time of their
    /// earliest line. Every line that is not used is counted in the
    /// [`BasketReport`]. No line left is [`shopml_core::Error::EmptyInput`].
    pub fn build(&self, transactions: &[Transaction]) -> Result<(Baskets, BasketReport)> {
        self.check()?;
        let mut report = BasketReport { lines_read: transactions.len(), ..BasketReport::default() };
        let non_product: HashSet<String> = self.non_product_codes.iter().map(|c| c.to_ascii_lowercase()).collect();
        let countries: Option<HashSet<&str>> = self.countries.as_ref().map(|c| c.iter().map(String::as_str).collect());
        let customers: Option<HashSet<&str>> = self.customers.as_ref().map(|c| c.iter().map(String::as_str).collect());

        // Pass 1: filter lines and group them.
        let mut items: IdMap<String> = IdMap::named("item");
        let mut descriptions: Vec<Option<String>> = Vec::new();
        let mut keys: FastHashMap<String, usize> = FastHashMap::default();
        let mut basket_ids: Vec<String> = Vec::new();
        let mut times: Vec<Timestamp> = Vec::new();
        let mut rows: Vec<Vec<u32>> = Vec::new();
        for t in transactions {
            if t.quantity <= 0.0 || t.quantity.is_nan() {
                report.dropped_returns += 1;
                continue;
            }
            if let Some(c) = &countries
                && !t.country.as_deref().is_some_and(|x| c.contains(x))
            {
                report.dropped_country += 1;
                continue;
            }
            if let Some(c) = &customers
                && !t.customer.as_deref().is_some_and(|x| c.contains(x))
            {
                report.dropped_customer_filter += 1;
                continue;
            }
            if non_product.contains(&t.product.to_ascii_lowercase()) {
                report.dropped_non_product += 1;
                continue;
            }
            let key = match self.grouping {
                Grouping::Invoice => t.invoice.clone(),
                Grouping::Customer | Grouping::CustomerWindow { .. } => {
                    let Some(c) = &t.customer else {
                        report.dropped_no_customer += 1;
                        continue;
                    };
                    match self.grouping {
                        Grouping::CustomerWindow { seconds } => format!("{c}@{}", t.timestamp.0.div_euclid(seconds)),
                        _ => c.clone(),
                    }
                }
            };
            let item_id = match self.items {
                ItemKind::Product => t.product.as_str(),
                ItemKind::Category => match t.category.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
                    Some(c) => c,
                    None => {
                        report.dropped_no_category += 1;
                        continue;
                    }
                },
            };
            let item = match items.get(item_id) {
                Some(i) => i,
                None => {
                    descriptions.push(None);
                    items.insert(item_id.to_string())
                }
            };
            if self.items == ItemKind::Product
                && descriptions[item].is_none()
                && let Some(d) = t.description.as_deref().map(str::trim).filter(|d| !d.is_empty())
            {
                descriptions[item] = Some(d.to_string());
            }
            let b = *keys.entry(key).or_insert_with_key(|k| {
                basket_ids.push(k.clone());
                times.push(t.timestamp);
                rows.push(Vec::new());
                rows.len() - 1
            });
            times[b] = times[b].min(t.timestamp);
            rows[b].push(item as u32);
            report.lines_used += 1;
        }
        for r in &mut rows {
            r.sort_unstable();
            r.dedup();
        }

        // Pass 2: rare items.
        let mut keep_item = vec![true; items.len()];
        if self.min_item_baskets > 1 {
            let mut counts = vec![0usize; items.len()];
            for r in &rows {
                for &i in r {
                    counts[i as usize] += 1;
                }
            }
            for (k, &c) in keep_item.iter_mut().zip(&counts) {
                *k = c >= self.min_item_baskets;
            }
            report.dropped_rare_items = keep_item.iter().filter(|k| !**k).count();
        }
        // Re-index the kept items in their order of first appearance.
        let mut new_index = vec![u32::MAX; items.len()];
        let mut kept_ids = Vec::new();
        let mut kept_desc = Vec::new();
        for (i, id) in items.ids().iter().enumerate() {
            if keep_item[i] {
                new_index[i] = kept_ids.len() as u32;
                kept_ids.push(id.clone());
                kept_desc.push(descriptions[i].take());
            }
        }
        let mut offsets = vec![0usize];
        let mut idx = Vec::new();
        let mut ids = Vec::new();
        let mut kept_times = Vec::new();
        for (b, r) in rows.iter().enumerate() {
            let start = idx.len();
            idx.extend(r.iter().filter(|&&i| keep_item[i as usize]).map(|&i| new_index[i as usize]));
            if idx.len() == start {
                report.dropped_empty_baskets += 1;
                continue;
            }
            idx[start..].sort_unstable();
            offsets.push(idx.len());
            ids.push(std::mem::take(&mut basket_ids[b]));
            kept_times.push(times[b]);
        }
        if ids.is_empty() {
            return Err(CoreError::empty("baskets: no order line passes the basket filters").into());
        }
        let items = IdMap::from_ids("item", kept_ids)?;
        let baskets = Baskets::from_parts(offsets, idx, items, kept_desc, ids, Some(kept_times))?;
        report.baskets = baskets.len();
        Ok((baskets, report))
    }
}

impl Params for BasketSpec {
    fn check(&self) -> shopml_core::Result<()> {
        if let Grouping::CustomerWindow { seconds } = self.grouping
            && seconds < 1
        {
            return Err(CoreError::param("grouping", format!("a customer window needs at least 1 second, got {seconds}")));
        }
        Ok(())
    }
}

/// Where every order line went when building baskets.
///
/// `lines_read = lines_used + dropped_returns + dropped_country +
/// dropped_customer_filter + dropped_non_product + dropped_no_customer +
/// dropped_no_category`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BasketReport {
    /// Lines given.
    pub lines_read: usize,
    /// Lines that went into a basket (before the rare-item filter).
    pub lines_used: usize,
    /// Lines with quantity ≤ 0 (returns, if the caller passed them).
    pub dropped_returns: usize,
    /// Lines outside the country subset.
    pub dropped_country: usize,
    /// Lines outside the customer subset.
    pub dropped_customer_filter: usize,
    /// Lines with a non-product code.
    pub dropped_non_product: usize,
    /// Lines without a customer under a per-customer grouping.
    pub dropped_no_customer: usize,
    /// Lines without a category when items are categories.
    #[serde(default)]
    pub dropped_no_category: usize,
    /// Distinct items below `min_item_baskets`.
    pub dropped_rare_items: usize,
    /// Baskets left empty by the rare-item filter.
    pub dropped_empty_baskets: usize,
    /// Baskets built.
    pub baskets: usize,
}

impl BasketReport {
    /// Whether every line is accounted for.
    pub fn balances(&self) -> bool {
        self.lines_read
            == self.lines_used
                + self.dropped_returns
                + self.dropped_country
                + self.dropped_customer_filter
                + self.dropped_non_product
                + self.dropped_no_customer
                + self.dropped_no_category
    }
}
