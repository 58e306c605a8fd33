//! [`Baskets`]: a compressed list of item sets, with the ids behind the indices.

use serde::{Deserialize, Serialize};
use shopml_core::{Error as CoreError, IdMap, Timestamp};

use crate::error::Result;

/// A list of baskets (sets of items), stored like the rows of a CSR matrix.
///
/// Basket `b` holds the dense item indices `items[offsets[b]..offsets[b + 1]]`,
/// sorted and without repeats. [`items`](Baskets::items) maps the indices
/// back to product codes and [`description`](Baskets::description) to the
/// product's description, when known. Memory is one `u32` per (basket, item)
/// pair: there is never a dense baskets × items matrix.
///
/// ```
/// use shopml_basket::Baskets;
/// let b = Baskets::from_item_lists([vec!["tea", "mug"], vec!["mug", "mug", "spoon"]]).unwrap();
/// assert_eq!(b.len(), 2);
/// assert_eq!(b.n_items(), 3);
/// let mug = b.items().index("mug").unwrap();
/// assert_eq!(b.item_counts()[mug], 2);
/// assert_eq!(b.basket(1).len(), 2); // a basket is a set: the second mug is the same item
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "BasketsRaw")]
pub struct Baskets {
    offsets: Vec<usize>,
    item_indices: Vec<u32>,
    items: IdMap<String>,
    descriptions: Vec<Option<String>>,
    basket_ids: Vec<String>,
    times: Option<Vec<Timestamp>>,
}

#[derive(Deserialize)]
struct BasketsRaw {
    offsets: Vec<usize>,
    item_indices: Vec<u32>,
    items: IdMap<String>,
    descriptions: Vec<Option<String>>,
    basket_ids: Vec<String>,
    times: Option<Vec<Timestamp>>,
}

impl TryFrom<BasketsRaw> for Baskets {
    type Error = CoreError;
    fn try_from(r: BasketsRaw) -> Result<Self, CoreError> {
        Baskets::from_parts(r.offsets, r.item_indices, r.items, r.descriptions, r.basket_ids, r.times)
    }
}

/// The largest number of items or baskets (indices are `u32`, counts `u32` inside the miner).
pub(crate) const MAX_INDEX: usize = u32::MAX as usize - 1;

impl Baskets {
    /// Checks every invariant; used by the constructors and by deserialisation.
    pub(crate) fn from_parts(
        offsets: Vec<usize>,
        item_indices: Vec<u32>,
        items: IdMap<String>,
        descriptions: Vec<Option<String>>,
        basket_ids: Vec<String>,
        times: Option<Vec<Timestamp>>,
    ) -> Result<Self, CoreError> {
        if offsets.is_empty() || offsets[0] != 0 {
            return Err(CoreError::shape("basket offsets", "a first offset of 0", format!("{:?}", offsets.first())));
        }
        let n = offsets.len() - 1;
        if n > MAX_INDEX || items.len() > MAX_INDEX {
            return Err(CoreError::param("baskets", format!("at most {MAX_INDEX} baskets and items are supported")));
        }
        if offsets[n] != item_indices.len() {
            return Err(CoreError::shape("basket offsets", item_indices.len(), offsets[n]));
        }
        if descriptions.len() != items.len() {
            return Err(CoreError::shape("item descriptions", items.len(), descriptions.len()));
        }
        if basket_ids.len() != n {
            return Err(CoreError::shape("basket ids", n, basket_ids.len()));
        }
        if let Some(t) = &times
            && t.len() != n
        {
            return Err(CoreError::shape("basket times", n, t.len()));
        }
        for b in 0..n {
            let (s, e) = (offsets[b], offsets[b + 1]);
            if s > e {
                return Err(CoreError::InvalidValue {
                    what: "basket offsets".into(),
                    row: b,
                    column: None,
                    value: e as f64,
                    reason: "offsets must not decrease".into(),
                });
            }
            let row = &item_indices[s..e];
            for (k, &i) in row.iter().enumerate() {
                if i as usize >= items.len() {
                    return Err(CoreError::IndexOutOfRange { what: "item", index: i as usize, len: items.len() });
                }
                if k > 0 && row[k - 1] >= i {
                    return Err(CoreError::InvalidValue {
                        what: format!("basket {}", basket_ids[b]),
                        row: b,
                        column: Some(k),
                        value: i as f64,
                        reason: "items of a basket must be sorted and distinct".into(),
                    });
                }
            }
        }
        Ok(Baskets { offsets, item_indices, items, descriptions, basket_ids, times })
    }

    /// Baskets from any iterator of item lists (product codes, category names, …).
    ///
    /// Items get dense indices in order of first appearance; repeats inside a
    /// list are one item (a basket is a set). Empty lists are kept as empty
    /// baskets: they count in the number of baskets, hence in supports.
    /// Baskets are named `"0"`, `"1"`, … in input order. An empty iterator is
    /// [`shopml_core::Error::EmptyInput`].
    pub fn from_item_lists<L, B, S>(lists: L) -> Result<Self>
    where
        L: IntoIterator<Item = B>,
        B: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut items = IdMap::named("item");
        let mut offsets = vec![0usize];
        let mut idx = Vec::new();
        let mut row = Vec::new();
        for list in lists {
            row.clear();
            for s in list {
                let s = s.as_ref();
                let i = match items.get(s) {
                    Some(i) => i,
                    None => items.insert(s.to_string()),
                };
                row.push(i as u32);
            }
            row.sort_unstable();
            row.dedup();
            idx.extend_from_slice(&row);
            offsets.push(idx.len());
        }
        let n = offsets.len() - 1;
        if n == 0 {
            return Err(CoreError::empty("baskets: no item lists").into());
        }
        let descriptions = vec![None; items.len()];
        let basket_ids = (0..n).map(|b| b.to_string()).collect();
        Ok(Baskets::from_parts(offsets, idx, items, descriptions, basket_ids, None)?)
    }

    /// Baskets of dense item indices `0..n_items` (ids are the indices as text),
    /// for generated data and tests. Repeats inside a list are one item; an
    /// index `>= n_items` is [`shopml_core::Error::IndexOutOfRange`].
    pub fn from_index_lists<L, B>(n_items: usize, lists: L) -> Result<Self>
    where
        L: IntoIterator<Item = B>,
        B: IntoIterator<Item = u32>,
    {
        if n_items > MAX_INDEX {
            return Err(CoreError::param("n_items", format!("at most {MAX_INDEX} items are supported")).into());
        }
        let items = IdMap::from_ids("item", (0..n_items).map(|i| i.to_string()))?;
        let mut offsets = vec![0usize];
        let mut idx: Vec<u32> = Vec::new();
        for list in lists {
            let start = idx.len();
            for i in list {
                if i as usize >= n_items {
                    return Err(CoreError::IndexOutOfRange { what: "item", index: i as usize, len: n_items }.into());
                }
                idx.push(i);
            }
            idx[start..].sort_unstable();
            let mut w = start;
            for r in start..idx.len() {
                if r == start || idx[r] != idx[w - 1] {
                    idx[w] = idx[r];
                    w += 1;
                }
            }
            idx.truncate(w);
            offsets.push(idx.len());
        }
        let n = offsets.len() - 1;
        if n == 0 {
            return Err(CoreError::empty("baskets: no item lists").into());
        }
        let basket_ids = (0..n).map(|b| b.to_string()).collect();
        Ok(Baskets::from_parts(offsets, idx, items, vec![None; n_items], basket_ids, None)?)
    }

    /// Number of baskets.
    pub fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Whether there are no baskets (never true for a constructed value).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of distinct items (the size of [`items`](Baskets::items)).
    pub fn n_items(&self) -> usize {
        self.items.len()
    }

    /// Total number of (basket, item) pairs.
    pub fn nnz(&self) -> usize {
        self.item_indices.len()
    }

    /// The sorted item indices of basket `b`. Panics if `b >= len()`, like slice indexing.
    pub fn basket(&self, b: usize) -> &[u32] {
        &self.item_indices[self.offsets[b]..self.offsets[b + 1]]
    }

    /// Every basket in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &[u32]> + '_ {
        (0..self.len()).map(move |b| self.basket(b))
    }

    /// Item index ↔ product code (or whatever the items are).
    pub fn items(&self) -> &IdMap<String> {
        &self.items
    }

    /// The description of item `i`, when the source had one.
    pub fn description(&self, i: usize) -> Option<&str> {
        self.descriptions.get(i).and_then(|d| d.as_deref())
    }

    /// The id of each basket (invoice number, customer id, `customer@window`, or position).
    pub fn basket_ids(&self) -> &[String] {
        &self.basket_ids
    }

    /// The time of each basket (its earliest line), when built from transactions.
    pub fn times(&self) -> Option<&[Timestamp]> {
        self.times.as_deref()
    }

    /// In how many baskets each item occurs.
    pub fn item_counts(&self) -> Vec<u64> {
        let mut c = vec![0u64; self.n_items()];
        for &i in &self.item_indices {
            c[i as usize] += 1;
        }
        c
    }

    /// The baskets whose `keep` is true, with the same item indices.
    pub fn select(&self, mut keep: impl FnMut(usize) -> bool) -> Result<Baskets> {
        let mut offsets = vec![0usize];
        let mut idx = Vec::new();
        let mut ids = Vec::new();
        let mut times = self.times.as_ref().map(|_| Vec::new());
        for b in 0..self.len() {
            if keep(b) {
                idx.extend_from_slice(self.basket(b));
                offsets.push(idx.len());
                ids.push(self.basket_ids[b].clone());
                if let (Some(t), Some(src)) = (times.as_mut(), self.times.as_ref()) {
                    t.push(src[b]);
                }
            }
        }
        if offsets.len() == 1 {
            return Err(CoreError::empty("baskets: the selection keeps no basket").into());
        }
        Ok(Baskets::from_parts(offsets, idx, self.items.clone(), self.descriptions.clone(), ids, times)?)
    }

    /// Splits by time: baskets before `t`, and baskets at or after `t`. Both
    /// keep the full item map, so an index means the same item in each.
    /// Needs [`times`](Baskets::times); either side empty is an error.
    pub fn split_at(&self, t: Timestamp) -> Result<(Baskets, Baskets)> {
        let times = self.times.as_ref().ok_or_else(|| CoreError::empty("basket times: these baskets carry no timestamps"))?;
        let before = self.select(|b| times[b] < t)?;
        let after = self.select(|b| times[b] >= t)?;
        Ok((before, after))
    }
}
