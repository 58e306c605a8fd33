//! Frequent itemsets: parameters, the result, closed and maximal itemsets.

use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use shopml_core::{Error as CoreError, FastHashMap, Fit, IdMap, Params};

use crate::baskets::Baskets;
use crate::error::{BasketError, Result};
use crate::mining::Ctx;

/// The minimum support of a frequent itemset.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum MinSupport {
    /// A share of the baskets in `(0, 1]`: an itemset is frequent when
    /// `count / n_baskets >= fraction` (compared in `f64`, as mlxtend does).
    Fraction(f64),
    /// An absolute number of baskets, at least 1.
    Count(u64),
}

impl MinSupport {
    /// The smallest basket count that meets the threshold among `n_baskets` baskets.
    pub fn min_count(self, n_baskets: usize) -> u64 {
        match self {
            MinSupport::Count(c) => c,
            MinSupport::Fraction(f) => {
                let n = n_baskets as f64;
                let mut c = (f * n).ceil().max(1.0) as u64;
                while c > 1 && (c - 1) as f64 / n >= f {
                    c -= 1;
                }
                while (c as f64) / n < f {
                    c += 1;
                }
                c
            }
        }
    }
}

/// Which frequent itemsets to report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ItemsetKind {
    /// Every frequent itemset (needed for association rules).
    All,
    /// Closed itemsets: no proper superset has the same support.
    Closed,
    /// Maximal itemsets: no proper superset is frequent.
    Maximal,
}

impl ItemsetKind {
    fn name(self) -> &'static str {
        match self {
            ItemsetKind::All => "all",
            ItemsetKind::Closed => "closed",
            ItemsetKind::Maximal => "maximal",
        }
    }
}

/// The mining algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Algorithm {
    /// FP-Growth, parallel over the conditional pattern bases (the default).
    FpGrowth,
    /// Apriori: a slow, simple reference.
    Apriori,
}

/// Parameters of frequent-itemset mining.
///
/// ```
/// use shopml_basket::{Baskets, FrequentItemsets, ItemsetKind, MinSupport};
/// use shopml_core::Fit;
/// let b = Baskets::from_item_lists([vec!["tea", "mug"], vec!["tea", "mug", "spoon"], vec!["tea"]]).unwrap();
/// let sets = FrequentItemsets::params(MinSupport::Count(2)).fit(&b).unwrap();
/// assert_eq!(sets.len(), 3); // {tea}, {mug}, {tea, mug}
/// let closed = FrequentItemsets::params(MinSupport::Fraction(0.5)).kind(ItemsetKind::Closed).fit(&b).unwrap();
/// assert_eq!(closed.len(), 2); // {tea}: 3, {tea, mug}: 2
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemsetParams {
    /// Minimum support, as a fraction of baskets or a count.
    pub min_support: MinSupport,
    /// Longest itemset to report (default `None`: no limit). With a limit,
    /// closed and maximal are relative to the itemsets up to that length.
    pub max_len: Option<usize>,
    /// All, closed or maximal itemsets (default all).
    pub kind: ItemsetKind,
    /// FP-Growth (default) or Apriori.
    pub algorithm: Algorithm,
    /// The explosion guard: more frequent itemsets than this is
    /// [`BasketError::TooManyItemsets`] (default 10,000,000).
    pub max_itemsets: usize,
}

impl ItemsetParams {
    /// Parameters with this minimum support and the defaults otherwise.
    pub fn new(min_support: MinSupport) -> Self {
        ItemsetParams { min_support, max_len: None, kind: ItemsetKind::All, algorithm: Algorithm::FpGrowth, max_itemsets: 10_000_000 }
    }
    /// Sets [`max_len`](Self::max_len).
    pub fn max_len(mut self, len: Option<usize>) -> Self {
        self.max_len = len;
        self
    }
    /// Sets [`kind`](Self::kind).
    pub fn kind(mut self, kind: ItemsetKind) -> Self {
        self.kind = kind;
        self
    }
    /// Sets [`algorithm`](Self::algorithm).
    pub fn algorithm(mut self, a: Algorithm) -> Self {
        self.algorithm = a;
        self
    }
    /// Sets [`max_itemsets`](Self::max_itemsets).
    pub fn max_itemsets(mut self, n: usize) -> Self {
        self.max_itemsets = n;
        self
    }
}

impl Params for ItemsetParams {
    fn check(&self) -> shopml_core::Result<()> {
        match self.min_support {
            MinSupport::Fraction(f) if !(f > 0.0 && f <= 1.0) => {
                return Err(CoreError::param("min_support", format!("a fraction must be in (0, 1], got {f}")));
            }
            MinSupport::Count(0) => return Err(CoreError::param("min_support", "a count must be at least 1")),
            _ => {}
        }
        if self.max_len == Some(0) {
            return Err(CoreError::param("max_len", "must be at least 1"));
        }
        if self.max_itemsets == 0 {
            return Err(CoreError::param("max_itemsets", "must be at least 1"));
        }
        Ok(())
    }
}

impl Fit<Baskets> for ItemsetParams {
    type Model = FrequentItemsets;
    type Error = BasketError;
    /// Mines the frequent itemsets of `baskets`.
    fn fit(&self, baskets: &Baskets) -> Result<FrequentItemsets> {
        self.check()?;
        let n = baskets.len();
        if n == 0 {
            return Err(CoreError::empty("baskets").into());
        }
        let min_count = self.min_support.min_count(n);
        let ctx = Ctx::new(min_count, self.max_len.unwrap_or(usize::MAX), self.max_itemsets);
        let mined = match self.algorithm {
            Algorithm::FpGrowth => crate::fpgrowth::fpgrowth(baskets, &ctx),
            Algorithm::Apriori => crate::apriori::apriori(baskets, &ctx),
        };
        let sink = mined.map_err(|_| BasketError::TooManyItemsets { limit: self.max_itemsets, min_count, n_baskets: n })?;
        let mut offsets = Vec::with_capacity(sink.lens.len() + 1);
        let mut end = 0usize;
        offsets.push(end);
        for &l in &sink.lens {
            end += l as usize;
            offsets.push(end);
        }
        let all = FrequentItemsets {
            n_baskets: n,
            min_count,
            max_len: self.max_len,
            kind: ItemsetKind::All,
            offsets,
            flat: sink.items,
            counts: sink.counts,
            items: baskets.items().clone(),
        };
        Ok(match self.kind {
            ItemsetKind::All => all,
            k => all.filter_kind(k)?,
        })
    }
}

/// Frequent itemsets with their basket counts.
///
/// Itemset `s` is the sorted item indices [`itemset(s)`](Self::itemset),
/// found in [`count(s)`](Self::count) of the [`n_baskets`](Self::n_baskets)
/// baskets. The order is deterministic (FP-Growth: by the most frequent
/// item's rank, then depth first) whatever the thread count;
/// [`sort`](Self::sort) puts them in (length, items) order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "FrequentItemsetsRaw")]
pub struct FrequentItemsets {
    n_baskets: usize,
    min_count: u64,
    max_len: Option<usize>,
    kind: ItemsetKind,
    offsets: Vec<usize>,
    flat: Vec<u32>,
    counts: Vec<u64>,
    items: IdMap<String>,
}

#[derive(Deserialize)]
struct FrequentItemsetsRaw {
    n_baskets: usize,
    min_count: u64,
    max_len: Option<usize>,
    kind: ItemsetKind,
    offsets: Vec<usize>,
    flat: Vec<u32>,
    counts: Vec<u64>,
    items: IdMap<String>,
}

impl TryFrom<FrequentItemsetsRaw> for FrequentItemsets {
    type Error = CoreError;
    fn try_from(r: FrequentItemsetsRaw) -> Result<Self, CoreError> {
        if r.offsets.first() != Some(&0) || r.offsets.len() != r.counts.len() + 1 || r.offsets.last() != Some(&r.flat.len()) {
            return Err(CoreError::shape("itemset offsets", r.counts.len() + 1, r.offsets.len()));
        }
        if r.n_baskets == 0 || r.min_count == 0 {
            return Err(CoreError::param("n_baskets", "itemsets need at least one basket and a positive min_count"));
        }
        for s in 0..r.counts.len() {
            let (a, b) = (r.offsets[s], r.offsets[s + 1]);
            if a >= b || r.max_len.is_some_and(|m| b - a > m) {
                return Err(CoreError::InvalidValue {
                    what: "itemset length".into(),
                    row: s,
                    column: None,
                    value: b as f64 - a as f64,
                    reason: "itemsets are non-empty and at most max_len long".into(),
                });
            }
            let set = &r.flat[a..b];
            if set.windows(2).any(|w| w[0] >= w[1]) || set.iter().any(|&i| i as usize >= r.items.len()) {
                return Err(CoreError::InvalidValue {
                    what: "itemset".into(),
                    row: s,
                    column: None,
                    value: f64::NAN,
                    reason: "items must be known, sorted and distinct".into(),
                });
            }
            let c = r.counts[s];
            if c < r.min_count || c as usize > r.n_baskets {
                return Err(CoreError::InvalidValue {
                    what: "itemset count".into(),
                    row: s,
                    column: None,
                    value: c as f64,
                    reason: format!("counts lie in [min_count = {}, n_baskets = {}]", r.min_count, r.n_baskets),
                });
            }
        }
        Ok(FrequentItemsets {
            n_baskets: r.n_baskets,
            min_count: r.min_count,
            max_len: r.max_len,
            kind: r.kind,
            offsets: r.offsets,
            flat: r.flat,
            counts: r.counts,
            items: r.items,
        })
    }
}

impl FrequentItemsets {
    /// Mining parameters with this minimum support (see [`ItemsetParams`]).
    pub fn params(min_support: MinSupport) -> ItemsetParams {
        ItemsetParams::new(min_support)
    }

    /// Number of itemsets.
    pub fn len(&self) -> usize {
        self.counts.len()
    }

    /// Whether no itemset is frequent.
    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    /// The sorted item indices of itemset `s`. Panics if `s >= len()`.
    pub fn itemset(&self, s: usize) -> &[u32] {
        &self.flat[self.offsets[s]..self.offsets[s + 1]]
    }

    /// In how many baskets itemset `s` occurs.
    pub fn count(&self, s: usize) -> u64 {
        self.counts[s]
    }

    /// The support of itemset `s`: `count / n_baskets`.
    pub fn support(&self, s: usize) -> f64 {
        self.counts[s] as f64 / self.n_baskets as f64
    }

    /// Every `(itemset, count)` in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&[u32], u64)> + '_ {
        (0..self.len()).map(move |s| (self.itemset(s), self.counts[s]))
    }

    /// The itemset `s` as item ids (product codes).
    pub fn ids(&self, s: usize) -> Vec<&str> {
        self.itemset(s).iter().map(|&i| self.items.id(i as usize).map(String::as_str).unwrap_or("?")).collect()
    }

    /// Number of baskets mined.
    pub fn n_baskets(&self) -> usize {
        self.n_baskets
    }

    /// The absolute support threshold used.
    pub fn min_count(&self) -> u64 {
        self.min_count
    }

    /// The length limit used.
    pub fn max_len(&self) -> Option<usize> {
        self.max_len
    }

    /// All, closed or maximal.
    pub fn kind(&self) -> ItemsetKind {
        self.kind
    }

    /// Item index ↔ id.
    pub fn items(&self) -> &IdMap<String> {
        &self.items
    }

    /// Puts the itemsets in (length, items) order.
    pub fn sort(&mut self) {
        let mut order: Vec<usize> = (0..self.len()).collect();
        order.sort_by(|&a, &b| self.itemset(a).len().cmp(&self.itemset(b).len()).then_with(|| self.itemset(a).cmp(self.itemset(b))));
        *self = self.subset(&order, self.kind);
    }

    /// A hash index from itemset to position.
    pub(crate) fn index(&self) -> FastHashMap<&[u32], usize> {
        let mut m = FastHashMap::default();
        m.reserve(self.len());
        for s in 0..self.len() {
            m.insert(self.itemset(s), s);
        }
        m
    }

    fn subset(&self, keep: &[usize], kind: ItemsetKind) -> FrequentItemsets {
        let mut offsets = vec![0usize];
        let mut flat = Vec::new();
        let mut counts = Vec::with_capacity(keep.len());
        for &s in keep {
            flat.extend_from_slice(self.itemset(s));
            offsets.push(flat.len());
            counts.push(self.counts[s]);
        }
        FrequentItemsets {
            n_baskets: self.n_baskets,
            min_count: self.min_count,
            max_len: self.max_len,
            kind,
            offsets,
            flat,
            counts,
            items: self.items.clone(),
        }
    }

    /// Keeps the closed or maximal ones among all frequent itemsets.
    ///
    /// An itemset is closed when no immediate superset has the same count
    /// and maximal when no immediate superset is frequent; because every
    /// frequent superset is in the list (downward closure), checking the
    /// supersets one item larger suffices. Needs [`ItemsetKind::All`].
    pub fn filter_kind(&self, kind: ItemsetKind) -> Result<FrequentItemsets> {
        if self.kind != ItemsetKind::All {
            return Err(BasketError::NotAllItemsets(self.kind.name()));
        }
        if kind == ItemsetKind::All {
            return Ok(self.clone());
        }
        let index = self.index();
        let dominated: Vec<AtomicBool> = (0..self.len()).map(|_| AtomicBool::new(false)).collect();
        (0..self.len()).into_par_iter().for_each(|s| {
            let y = self.itemset(s);
            if y.len() < 2 {
                return;
            }
            let mut sub = Vec::with_capacity(y.len() - 1);
            for drop in 0..y.len() {
                sub.clear();
                sub.extend(y.iter().enumerate().filter(|(p, _)| *p != drop).map(|(_, &i)| i));
                if let Some(&x) = index.get(sub.as_slice())
                    && (kind == ItemsetKind::Maximal || self.counts[x] == self.counts[s])
                {
                    dominated[x].store(true, Ordering::Relaxed);
                }
            }
        });
        let keep: Vec<usize> = (0..self.len()).filter(|&s| !dominated[s].load(Ordering::Relaxed)).collect();
        Ok(self.subset(&keep, kind))
    }
}
