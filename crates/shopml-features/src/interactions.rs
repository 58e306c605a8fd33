//! User × item interaction matrices for recommenders, from order lines or
//! behaviour events, with configurable values, time decay and re-weighting,
//! plus the usual recommender splits (leave-last-N-out, seeded random
//! holdout, time cut-off).
//!
//! Values are aggregated in `f64` per `(user, item)` pair and stored as `f32`
//! in the core [`Interactions`] matrix, with the [`IdMap`]s of users and items
//! (first-seen order).
//!
//! # Weighting
//!
//! [`Weighting::Bm25`] and [`Weighting::TfIdf`] follow the conventions of the
//! `implicit` library's `bm25_weight` / `tfidf_weight` applied to the
//! item × user matrix (items are the "documents", users the "terms"), the
//! orientation used for item-item neighbourhood models:
//!
//! - `idf(u) = ln(n_items) − ln(1 + items of u)`;
//! - TF-IDF: `v ← √v · idf(u)`;
//! - BM25 (S. Robertson and H. Zaragoza, "The Probabilistic Relevance
//!   Framework: BM25 and Beyond", 2009): with `len(i)` the sum of item `i`'s
//!   values and `avg` its mean over items,
//!   `v ← v (k1 + 1) / (k1 ((1 − b) + b len(i) / avg) + v) · idf(u)`.

use rand::{Rng, SeedableRng, rngs::StdRng};
use serde::{Deserialize, Serialize};
use shopml_clean::{Event, EventKind, Transaction};
use shopml_core::{Duplicates, Error, FastHashMap, IdMap, Interactions, LabelledInteractions, Params, Timestamp, Triple, validate};

use crate::error::Result;
use crate::prep::check_lines;

/// What one `(user, item)` cell holds before decay and re-weighting.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub enum InteractionValue {
    /// Number of lines (transactions) or events.
    #[default]
    Count,
    /// Units bought (transactions); one per event for events.
    Quantity,
    /// Number of distinct orders (invoices) or sessions; events without a
    /// session count one each.
    DistinctOrders,
    /// 1 for any interaction (with decay: the decay of the most recent one).
    Binary,
    /// Sum of per-event-type weights (order lines count as purchases).
    EventWeights(EventWeights),
}

/// Weight of each event type for [`InteractionValue::EventWeights`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EventWeights {
    /// Product views.
    pub view: f64,
    /// Add-to-cart.
    pub cart: f64,
    /// Remove-from-cart.
    pub remove_from_cart: f64,
    /// Purchases.
    pub purchase: f64,
    /// Any other event type.
    pub other: f64,
}

impl Default for EventWeights {
    /// view 1, cart 3, remove 0, purchase 5, other 0.
    fn default() -> Self {
        EventWeights { view: 1.0, cart: 3.0, remove_from_cart: 0.0, purchase: 5.0, other: 0.0 }
    }
}

impl EventWeights {
    fn of(&self, kind: &EventKind) -> f64 {
        match kind {
            EventKind::View => self.view,
            EventKind::Cart => self.cart,
            EventKind::RemoveFromCart => self.remove_from_cart,
            EventKind::Purchase => self.purchase,
            _ => self.other,
        }
    }
}

/// Re-weighting applied to the aggregated matrix.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub enum Weighting {
    /// Keep the values.
    #[default]
    None,
    /// `ln(1 + v)`.
    Log1p,
    /// BM25 with saturation `k1` and length normalisation `b` (see module docs;
    /// `implicit` uses `k1 = 100`, `b = 0.8`).
    Bm25 {
        /// Term-frequency saturation, > 0.
        k1: f64,
        /// Length normalisation in `[0, 1]`.
        b: f64,
    },
    /// TF-IDF (see module docs).
    TfIdf,
}

/// How to split interactions into train and test for recommender evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum SplitRule {
    /// Per user, the `n` items with the most recent interaction go to test
    /// (ties: the higher item index first); users with `n` items or fewer stay
    /// wholly in train.
    LeaveLastN {
        /// Items held out per user, ≥ 1.
        n: usize,
    },
    /// Per user, `round(fraction × items)` items (at most all but one) chosen
    /// at random go to test. Each user draws from its own generator seeded by
    /// `seed` and the user index, so the split is the same on any thread count.
    Holdout {
        /// Share of each user's items held out, in `(0, 1)`.
        fraction: f64,
        /// Random seed.
        seed: u64,
    },
    /// Interactions before `cutoff` are train, those at or after it test.
    /// User and item maps come from the train part only; test pairs of users
    /// or items unseen in train are dropped and counted in [`Split::dropped`].
    Time {
        /// First instant of the test period.
        cutoff: Timestamp,
    },
}

/// A train / test split sharing one pair of id maps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Split {
    /// Train matrix (values, decay and weighting as configured) and the maps.
    pub train: LabelledInteractions,
    /// Test matrix in the same index space, with the configured values and
    /// decay but no re-weighting.
    pub test: Interactions,
    /// Test pairs dropped because their user or item is unknown in train.
    pub dropped: usize,
}

/// Parameters of an interaction matrix.
///
/// ```
/// use shopml_features::interactions::{InteractionParams, InteractionValue, Weighting};
/// let p = InteractionParams::new().value(InteractionValue::DistinctOrders).half_life_days(30.0).weighting(Weighting::Log1p);
/// assert!(shopml_core::Params::check(&p).is_ok());
/// assert!(shopml_core::Params::check(&InteractionParams::new().half_life_days(0.0)).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct InteractionParams {
    value: InteractionValue,
    half_life_days: Option<f64>,
    until: Option<Timestamp>,
    weighting: Weighting,
}

/// One interaction before aggregation.
#[derive(Debug, Clone, Copy)]
struct Touch {
    user: u32,
    item: u32,
    /// Order / session id (dense), or a unique id when there is none.
    order: u32,
    ts: Timestamp,
    base: f64,
    /// Position of the line or event in the caller's input slice.
    row: usize,
}

struct Touches {
    users: IdMap<String>,
    items: IdMap<String>,
    touches: Vec<Touch>,
}

impl InteractionParams {
    /// Defaults: counts, no decay, all data, no re-weighting.
    pub fn new() -> Self {
        Self::default()
    }
    /// What each cell holds.
    pub fn value(mut self, value: InteractionValue) -> Self {
        self.value = value;
        self
    }
    /// Exponential time decay: an interaction `age` days before the reference
    /// counts `0.5^(age / half_life_days)`. The reference is
    /// [`until`](Self::until) when set, else the latest interaction used.
    pub fn half_life_days(mut self, half_life_days: f64) -> Self {
        self.half_life_days = Some(half_life_days);
        self
    }
    /// Use only interactions strictly before `until` (and measure decay to it).
    pub fn until(mut self, until: Timestamp) -> Self {
        self.until = Some(until);
        self
    }
    /// Re-weighting of the aggregated values.
    pub fn weighting(mut self, weighting: Weighting) -> Self {
        self.weighting = weighting;
        self
    }

    /// Customer × product matrix from order lines. Only purchase lines
    /// (quantity > 0) with a known customer count.
    pub fn from_transactions(&self, lines: &[Transaction]) -> Result<LabelledInteractions> {
        self.check()?;
        let t = self.transaction_touches(lines)?;
        self.build(t)
    }

    /// User × item matrix from behaviour events.
    pub fn from_events(&self, events: &[Event]) -> Result<LabelledInteractions> {
        self.check()?;
        let t = self.event_touches(events)?;
        self.build(t)
    }

    /// A train / test split of the matrix built from order lines.
    pub fn split_transactions(&self, lines: &[Transaction], rule: SplitRule) -> Result<Split> {
        self.check()?;
        check_rule(&rule)?;
        let t = self.transaction_touches(lines)?;
        self.split(t, rule)
    }

    /// A train / test split of the matrix built from events.
    pub fn split_events(&self, events: &[Event], rule: SplitRule) -> Result<Split> {
        self.check()?;
        check_rule(&rule)?;
        let t = self.event_touches(events)?;
        self.split(t, rule)
    }

    fn transaction_touches(&self, lines: &[Transaction]) -> Result<Touches> {
        check_lines(lines)?;
        let mut users = IdMap::named("user");
        let mut items = IdMap::named("item");
        let mut orders: FastHashMap<&str, u32> = FastHashMap::default();
        let mut touches = Vec::with_capacity(lines.len());
        for (row, t) in lines.iter().enumerate() {
            if t.quantity <= 0.0 || self.until.is_some_and(|u| t.timestamp >= u) {
                continue;
            }
            let Some(c) = t.customer.as_deref() else { continue };
            let base = match self.value {
                InteractionValue::Quantity => t.quantity,
                InteractionValue::EventWeights(w) => w.purchase,
                _ => 1.0,
            };
            let next = orders.len() as u32;
            let order = *orders.entry(t.invoice.as_str()).or_insert(next);
            touches.push(Touch { user: intern(&mut users, c), item: intern(&mut items, &t.product), order, ts: t.timestamp, base, row });
        }
        Ok(Touches { users, items, touches })
    }

    fn event_touches(&self, events: &[Event]) -> Result<Touches> {
        let mut users = IdMap::named("user");
        let mut items = IdMap::named("item");
        let mut sessions: FastHashMap<&str, u32> = FastHashMap::default();
        let mut touches = Vec::with_capacity(events.len());
        let mut unique = u32::MAX;
        for (row, e) in events.iter().enumerate() {
            if self.until.is_some_and(|u| e.timestamp >= u) {
                continue;
            }
            let base = match self.value {
                InteractionValue::EventWeights(w) => w.of(&e.kind),
                _ => 1.0,
            };
            let order = match e.session.as_deref() {
                Some(s) => {
                    let next = sessions.len() as u32;
                    *sessions.entry(s).or_insert(next)
                }
                None => {
                    unique -= 1;
                    unique
                }
            };
            touches.push(Touch { user: intern(&mut users, &e.user), item: intern(&mut items, &e.item), order, ts: e.timestamp, base, row });
        }
        Ok(Touches { users, items, touches })
    }

    fn decay_reference(&self, touches: &[Touch]) -> Timestamp {
        self.until.unwrap_or_else(|| touches.iter().map(|t| t.ts).max().unwrap_or(Timestamp(0)))
    }

    /// Aggregates touches into `(user, item, value, last input row)` cells, sorted by user then item.
    fn aggregate(&self, touches: &mut [Touch], reference: Timestamp) -> Vec<(u32, u32, f64, usize)> {
        let decay = |ts: Timestamp| match self.half_life_days {
            Some(h) => 0.5f64.powf(ts.days_until(reference).max(0.0) / h),
            None => 1.0,
        };
        touches.sort_by_key(|t| (t.user, t.item, t.order));
        let mut out: Vec<(u32, u32, f64, usize)> = Vec::new();
        let mut i = 0;
        while i < touches.len() {
            let (u, it) = (touches[i].user, touches[i].item);
            let mut j = i;
            let mut value = 0.0;
            let mut row = touches[i].row;
            while j < touches.len() && touches[j].user == u && touches[j].item == it {
                row = row.max(touches[j].row);
                match self.value {
                    InteractionValue::Binary => value = f64::max(value, decay(touches[j].ts)),
                    InteractionValue::DistinctOrders => {
                        // One per order, decayed by the order's most recent touch.
                        let o = touches[j].order;
                        let mut d = 0.0f64;
                        while j < touches.len() && touches[j].user == u && touches[j].item == it && touches[j].order == o {
                            d = d.max(decay(touches[j].ts));
                            j += 1;
                        }
                        value += d;
                        continue;
                    }
                    _ => value += touches[j].base * decay(touches[j].ts),
                }
                j += 1;
            }
            out.push((u, it, value, row));
            i = j;
        }
        out
    }

    fn reweight(&self, cells: &mut [(u32, u32, f64, usize)], n_users: usize, n_items: usize) {
        match self.weighting {
            Weighting::None => {}
            Weighting::Log1p => cells.iter_mut().for_each(|c| c.2 = c.2.ln_1p()),
            Weighting::TfIdf | Weighting::Bm25 { .. } => {
                let mut items_of_user = vec![0usize; n_users];
                let mut item_len = vec![0.0f64; n_items];
                for c in cells.iter() {
                    items_of_user[c.0 as usize] += 1;
                    item_len[c.1 as usize] += c.2;
                }
                let ln_n = (n_items as f64).ln();
                let idf: Vec<f64> = items_of_user.iter().map(|&d| ln_n - (d as f64).ln_1p()).collect();
                let avg = item_len.iter().sum::<f64>() / n_items.max(1) as f64;
                for c in cells.iter_mut() {
                    let w = idf[c.0 as usize];
                    c.2 = match self.weighting {
                        Weighting::Bm25 { k1, b } => {
                            let norm = (1.0 - b) + b * item_len[c.1 as usize] / avg;
                            c.2 * (k1 + 1.0) / (k1 * norm + c.2) * w
                        }
                        _ => c.2.sqrt() * w,
                    };
                }
            }
        }
    }

    /// Stores the cells as `f32`; a value that does not fit (or is not
    /// finite) is an error naming the last input row that fed the cell.
    fn to_matrix(cells: &[(u32, u32, f64, usize)], n_users: usize, n_items: usize) -> Result<Interactions> {
        let mut triples = Vec::with_capacity(cells.len());
        for &(user, item, v, row) in cells {
            let value = v as f32;
            if !value.is_finite() {
                return Err(Error::NonFinite {
                    what: format!("interaction value of input row {row} (user {user}, item {item})"),
                    row,
                    column: None,
                    value: v,
                }
                .into());
            }
            triples.push(Triple { user, item, value });
        }
        Ok(Interactions::from_triples(n_users, n_items, &triples, Duplicates::Error)?)
    }

    fn build(&self, mut t: Touches) -> Result<LabelledInteractions> {
        if t.touches.is_empty() {
            return Err(Error::empty("interactions: no usable line or event").into());
        }
        let reference = self.decay_reference(&t.touches);
        let mut cells = self.aggregate(&mut t.touches, reference);
        self.reweight(&mut cells, t.users.len(), t.items.len());
        let matrix = Self::to_matrix(&cells, t.users.len(), t.items.len())?;
        Ok(LabelledInteractions { matrix, users: t.users, items: t.items })
    }

    fn split(&self, t: Touches, rule: SplitRule) -> Result<Split> {
        if t.touches.is_empty() {
            return Err(Error::empty("interactions: no usable line or event").into());
        }
        let Touches { users, items, mut touches } = t;
        if let SplitRule::Time { cutoff } = rule {
            return self.split_time(users, items, touches, cutoff);
        }
        let reference = self.decay_reference(&touches);
        // Latest touch per (user, item) pair, pairs grouped by user.
        let mut latest: FastHashMap<(u32, u32), Timestamp> = FastHashMap::default();
        for x in &touches {
            let e = latest.entry((x.user, x.item)).or_insert(x.ts);
            *e = (*e).max(x.ts);
        }
        let mut pairs: Vec<(u32, u32, Timestamp)> = latest.into_iter().map(|((u, i), ts)| (u, i, ts)).collect();
        pairs.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.2.cmp(&a.2)).then(b.1.cmp(&a.1)));
        let mut held: FastHashMap<(u32, u32), ()> = FastHashMap::default();
        let mut s = 0;
        while s < pairs.len() {
            let u = pairs[s].0;
            let mut e = s;
            while e < pairs.len() && pairs[e].0 == u {
                e += 1;
            }
            let group = &pairs[s..e];
            match rule {
                SplitRule::LeaveLastN { n } => {
                    if group.len() > n {
                        for p in &group[..n] {
                            held.insert((p.0, p.1), ());
                        }
                    }
                }
                SplitRule::Holdout { fraction, seed } => {
                    let k = ((fraction * group.len() as f64).round() as usize).min(group.len() - 1);
                    if k > 0 {
                        let mut idx: Vec<u32> = group.iter().map(|p| p.1).collect();
                        idx.sort_unstable();
                        let mut rng = StdRng::seed_from_u64(mix(seed, u as u64));
                        // Partial Fisher–Yates: the first k positions are the sample.
                        for a in 0..k {
                            let b = rng.random_range(a..idx.len());
                            idx.swap(a, b);
                        }
                        for &i in &idx[..k] {
                            held.insert((u, i), ());
                        }
                    }
                }
                SplitRule::Time { .. } => unreachable!("handled above"),
            }
            s = e;
        }
        let (mut test_t, mut train_t): (Vec<Touch>, Vec<Touch>) = touches.drain(..).partition(|x| held.contains_key(&(x.user, x.item)));
        let (nu, ni) = (users.len(), items.len());
        let mut train_cells = self.aggregate(&mut train_t, reference);
        self.reweight(&mut train_cells, nu, ni);
        let test_cells = self.aggregate(&mut test_t, reference);
        let train = LabelledInteractions { matrix: Self::to_matrix(&train_cells, nu, ni)?, users, items };
        let test = Self::to_matrix(&test_cells, nu, ni)?;
        Ok(Split { train, test, dropped: 0 })
    }

    fn split_time(&self, users: IdMap<String>, items: IdMap<String>, touches: Vec<Touch>, cutoff: Timestamp) -> Result<Split> {
        let reference = self.until.map_or(cutoff, |u| u.min(cutoff));
        let (mut train_t, test_raw): (Vec<Touch>, Vec<Touch>) = touches.into_iter().partition(|x| x.ts < cutoff);
        if train_t.is_empty() {
            return Err(Error::empty(format!("interactions: nothing before the split cutoff {cutoff}")).into());
        }
        // Re-index on train only.
        let mut u_map = vec![u32::MAX; users.len()];
        let mut i_map = vec![u32::MAX; items.len()];
        let mut new_users = IdMap::named("user");
        let mut new_items = IdMap::named("item");
        for x in train_t.iter_mut() {
            if u_map[x.user as usize] == u32::MAX {
                u_map[x.user as usize] = new_users.insert(users.ids()[x.user as usize].clone()) as u32;
            }
            if i_map[x.item as usize] == u32::MAX {
                i_map[x.item as usize] = new_items.insert(items.ids()[x.item as usize].clone()) as u32;
            }
            x.user = u_map[x.user as usize];
            x.item = i_map[x.item as usize];
        }
        let mut test_t = Vec::with_capacity(test_raw.len());
        let mut dropped_pairs: FastHashMap<(u32, u32), ()> = FastHashMap::default();
        for mut x in test_raw {
            let (u, i) = (u_map[x.user as usize], i_map[x.item as usize]);
            if u == u32::MAX || i == u32::MAX {
                dropped_pairs.insert((x.user, x.item), ());
                continue;
            }
            x.user = u;
            x.item = i;
            test_t.push(x);
        }
        let (nu, ni) = (new_users.len(), new_items.len());
        let mut train_cells = self.aggregate(&mut train_t, reference);
        self.reweight(&mut train_cells, nu, ni);
        let test_cells = self.aggregate(&mut test_t, reference);
        let train = LabelledInteractions { matrix: Self::to_matrix(&train_cells, nu, ni)?, users: new_users, items: new_items };
        Ok(Split { train, test: Self::to_matrix(&test_cells, nu, ni)?, dropped: dropped_pairs.len() })
    }
}

impl shopml_core::Fit<[Transaction]> for InteractionParams {
    type Model = LabelledInteractions;
    type Error = crate::FeaturesError;
    /// [`from_transactions`](InteractionParams::from_transactions).
    fn fit(&self, data: &[Transaction]) -> Result<LabelledInteractions> {
        self.from_transactions(data)
    }
}

impl shopml_core::Fit<[Event]> for InteractionParams {
    type Model = LabelledInteractions;
    type Error = crate::FeaturesError;
    /// [`from_events`](InteractionParams::from_events).
    fn fit(&self, data: &[Event]) -> Result<LabelledInteractions> {
        self.from_events(data)
    }
}

fn intern(map: &mut IdMap<String>, id: &str) -> u32 {
    match map.get(id) {
        Some(i) => i as u32,
        None => map.insert(id.to_string()) as u32,
    }
}

/// SplitMix64 of `seed` and `user`: independent per-user seeds.
fn mix(seed: u64, user: u64) -> u64 {
    let mut z = seed ^ user.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn check_rule(rule: &SplitRule) -> shopml_core::Result<()> {
    match *rule {
        SplitRule::LeaveLastN { n } => validate::param::at_least("n", n, 1),
        SplitRule::Holdout { fraction, .. } => validate::param::in_open("fraction", fraction, 0.0, 1.0),
        SplitRule::Time { .. } => Ok(()),
    }
}

impl Params for InteractionParams {
    fn check(&self) -> shopml_core::Result<()> {
        if let Some(h) = self.half_life_days {
            validate::param::positive("half_life_days", h)?;
        }
        if let InteractionValue::EventWeights(w) = self.value {
            for (name, v) in
                [("view", w.view), ("cart", w.cart), ("remove_from_cart", w.remove_from_cart), ("purchase", w.purchase), ("other", w.other)]
            {
                if !v.is_finite() {
                    return Err(Error::param("event_weights", format!("weight of {name} must be finite, got {v}")));
                }
            }
        }
        if let Weighting::Bm25 { k1, b } = self.weighting {
            validate::param::positive("k1", k1)?;
            validate::param::in_closed("b", b, 0.0, 1.0)?;
        }
        Ok(())
    }
}
