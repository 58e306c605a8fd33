//! "Bought together": top-N suggestions for a cart from association rules.

use serde::{Deserialize, Serialize};
use shopml_core::{Error as CoreError, Fit, Params};

use crate::baskets::Baskets;
use crate::error::{BasketError, Result};
use crate::itemsets::{FrequentItemsets, ItemsetParams, MinSupport};
use crate::rules::{Metric, Rule, RuleParams, Rules};

/// How a candidate item is scored: by the best rule `A → {item}` with `A ⊆ cart`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Score {
    /// The rule's confidence `P(item | A)` (the default): the most likely next item.
    Confidence,
    /// The rule's lift: the most surprising item, favouring rarer products.
    Lift,
}

impl Score {
    fn metric(self) -> Metric {
        match self {
            Score::Confidence => Metric::Confidence,
            Score::Lift => Metric::Lift,
        }
    }
}

/// What to suggest for a cart: how many, and which items to leave out or
/// allow. The same shape as shopml-recommend's `Request` (n, exclusions,
/// candidate set), with the cart in place of the user.
///
/// `I` is `usize` for dense item indices and `String` for product codes
/// ([`BoughtTogether::resolve`] turns one into the other).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CartRequest<I = usize> {
    /// The items in the cart (never suggested back).
    pub cart: Vec<I>,
    /// How many items to return (fewer if fewer are eligible).
    pub n: usize,
    /// Further items to leave out.
    pub exclude: Vec<I>,
    /// If set, only these items may be suggested.
    pub candidates: Option<Vec<I>>,
}

impl<I> CartRequest<I> {
    /// The top `n` for `cart`, no other filter.
    pub fn new(cart: Vec<I>, n: usize) -> Self {
        CartRequest { cart, n, exclude: Vec::new(), candidates: None }
    }
    /// Items to leave out.
    pub fn exclude(mut self, items: Vec<I>) -> Self {
        self.exclude = items;
        self
    }
    /// Restrict suggestions to these items.
    pub fn candidates(mut self, items: Vec<I>) -> Self {
        self.candidates = Some(items);
        self
    }
}

/// One suggested item, with the rule that justified it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Suggestion {
    /// Dense item index.
    pub item: usize,
    /// The rule's [`Score`] value, or the item's support for a popularity fill-in.
    pub score: f64,
    /// Index into [`BoughtTogether::rules`] of the justifying rule; `None` for a popularity fill-in.
    pub rule: Option<usize>,
}

/// Parameters of a [`BoughtTogether`] model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoughtTogetherParams {
    /// Itemset mining (its `max_len` bounds the antecedent length + 1).
    pub itemsets: ItemsetParams,
    /// Minimum confidence of a serving rule (default 0.05).
    pub min_confidence: f64,
    /// Minimum lift of a serving rule (default 1: only positively associated items).
    pub min_lift: f64,
    /// How suggestions are ranked (default confidence).
    pub score: Score,
    /// Fill a short list with the most popular frequent items (default `true`).
    pub popularity_fallback: bool,
}

impl BoughtTogetherParams {
    /// Defaults with this minimum support; itemsets up to length 3 (antecedents of up to 2 items).
    pub fn new(min_support: MinSupport) -> Self {
        BoughtTogetherParams {
            itemsets: ItemsetParams::new(min_support).max_len(Some(3)),
            min_confidence: 0.05,
            min_lift: 1.0,
            score: Score::Confidence,
            popularity_fallback: true,
        }
    }
    /// Sets [`itemsets`](Self::itemsets).
    pub fn itemsets(mut self, p: ItemsetParams) -> Self {
        self.itemsets = p;
        self
    }
    /// Sets [`min_confidence`](Self::min_confidence).
    pub fn min_confidence(mut self, c: f64) -> Self {
        self.min_confidence = c;
        self
    }
    /// Sets [`min_lift`](Self::min_lift).
    pub fn min_lift(mut self, l: f64) -> Self {
        self.min_lift = l;
        self
    }
    /// Sets [`score`](Self::score).
    pub fn score(mut self, s: Score) -> Self {
        self.score = s;
        self
    }
    /// Sets [`popularity_fallback`](Self::popularity_fallback).
    pub fn popularity_fallback(mut self, yes: bool) -> Self {
        self.popularity_fallback = yes;
        self
    }
}

impl Params for BoughtTogetherParams {
    fn check(&self) -> shopml_core::Result<()> {
        self.itemsets.check()?;
        if !(0.0..=1.0).contains(&self.min_confidence) {
            return Err(CoreError::param("min_confidence", format!("must be in [0, 1], got {}", self.min_confidence)));
        }
        if !self.min_lift.is_finite() || self.min_lift < 0.0 {
            return Err(CoreError::param("min_lift", format!("must be finite and ≥ 0, got {}", self.min_lift)));
        }
        Ok(())
    }
}

impl Fit<Baskets> for BoughtTogetherParams {
    type Model = BoughtTogether;
    type Error = BasketError;
    /// Mines itemsets, keeps the rules with one-item consequents that pass
    /// the thresholds, and indexes them by antecedent.
    fn fit(&self, baskets: &Baskets) -> Result<BoughtTogether> {
        self.check()?;
        let sets = self.itemsets.fit(baskets)?;
        let rules = RuleParams::unfiltered()
            .min(Metric::Confidence, self.min_confidence)
            .min(Metric::Lift, self.min_lift)
            .max_consequent_len(Some(1))
            .fit(&sets)?;
        BoughtTogether::from_rules(rules, &sets, self.score, self.popularity_fallback)
    }
}

/// A fitted "bought together" model: rules with a one-item consequent,
/// indexed by the antecedent's first item, plus item popularity for fill-ins.
///
/// For a cart, every rule whose antecedent lies inside the cart proposes its
/// consequent; each item keeps its best rule by [`Score`] (ties: higher rule
/// support, then lower rule index); items in the cart, excluded or outside
/// the candidate set are dropped; the best `n` are returned, best first,
/// each with its rule. With `popularity_fallback` a short list is filled
/// with the most frequent items (`rule: None`). Sort order and results do
/// not depend on the thread count.
///
/// ```
/// use shopml_basket::{Baskets, BoughtTogether, CartRequest, MinSupport};
/// use shopml_core::Fit;
/// let b = Baskets::from_item_lists([
///     vec!["tea", "mug"], vec!["tea", "mug", "spoon"], vec!["tea", "biscuits"], vec!["mug", "spoon"],
/// ]).unwrap();
/// let model = BoughtTogether::params(MinSupport::Count(2)).fit(&b).unwrap();
/// let req = model.resolve(&CartRequest::new(vec!["spoon".to_string()], 1)).unwrap();
/// let top = model.suggest(&req).unwrap();
/// assert_eq!(b.items().id(top[0].item).unwrap(), "mug"); // spoon → mug, confidence 1
/// let rule = &model.rules().rules()[top[0].rule.unwrap()];
/// assert_eq!(rule.confidence, 1.0);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "BoughtTogetherRaw")]
pub struct BoughtTogether {
    rules: Rules,
    score: Score,
    popularity: Vec<u64>,
    popularity_fallback: bool,
    #[serde(skip)]
    by_first: Vec<Vec<u32>>,
}

#[derive(Deserialize)]
struct BoughtTogetherRaw {
    rules: Rules,
    score: Score,
    popularity: Vec<u64>,
    popularity_fallback: bool,
}

impl TryFrom<BoughtTogetherRaw> for BoughtTogether {
    type Error = CoreError;
    fn try_from(r: BoughtTogetherRaw) -> Result<Self, CoreError> {
        if r.popularity.len() != r.rules.items().len() {
            return Err(CoreError::shape("item popularity", r.rules.items().len(), r.popularity.len()));
        }
        if let Some(i) = r.popularity.iter().position(|&c| c as usize > r.rules.n_baskets()) {
            return Err(CoreError::InvalidValue {
                what: "item popularity".into(),
                row: i,
                column: None,
                value: r.popularity[i] as f64,
                reason: "exceeds the number of baskets".into(),
            });
        }
        BoughtTogether::index(r.rules, r.score, r.popularity, r.popularity_fallback)
    }
}

impl BoughtTogether {
    /// Parameters with this minimum support (see [`BoughtTogetherParams`]).
    pub fn params(min_support: MinSupport) -> BoughtTogetherParams {
        BoughtTogetherParams::new(min_support)
    }

    /// A model from rules derived elsewhere. Rules with more than one
    /// consequent item are dropped (`A → {x, y}` never beats `A → {x}` on
    /// confidence); `sets` supplies the popularity of single items.
    pub fn from_rules(rules: Rules, sets: &FrequentItemsets, score: Score, popularity_fallback: bool) -> Result<BoughtTogether> {
        if rules.items() != sets.items() || rules.n_baskets() != sets.n_baskets() {
            return Err(CoreError::shape("rules and itemsets", "the same items and baskets", "different ones").into());
        }
        let mut popularity = vec![0u64; sets.items().len()];
        for (s, c) in sets.iter() {
            if s.len() == 1 {
                popularity[s[0] as usize] = c;
            }
        }
        let kept: Vec<Rule> = rules.rules().iter().filter(|r| r.consequent.len() == 1).cloned().collect();
        let rules = rules_with(rules, kept);
        Ok(BoughtTogether::index(rules, score, popularity, popularity_fallback)?)
    }

    fn index(rules: Rules, score: Score, popularity: Vec<u64>, popularity_fallback: bool) -> Result<BoughtTogether, CoreError> {
        let mut by_first = vec![Vec::new(); rules.items().len()];
        for (k, r) in rules.rules().iter().enumerate() {
            if r.consequent.len() != 1 {
                return Err(CoreError::InvalidValue {
                    what: "serving rules".into(),
                    row: k,
                    column: None,
                    value: r.consequent.len() as f64,
                    reason: "a serving rule has exactly one consequent item".into(),
                });
            }
            by_first[r.antecedent[0] as usize].push(k as u32);
        }
        Ok(BoughtTogether { rules, score, popularity, popularity_fallback, by_first })
    }

    /// The serving rules; [`Suggestion::rule`] indexes into them.
    pub fn rules(&self) -> &Rules {
        &self.rules
    }

    /// The ranking score.
    pub fn score(&self) -> Score {
        self.score
    }

    /// Number of items known.
    pub fn n_items(&self) -> usize {
        self.popularity.len()
    }

    /// Translates a request keyed by product codes to dense indices; an
    /// unknown code is [`shopml_core::Error::UnknownId`].
    pub fn resolve<S: AsRef<str>>(&self, req: &CartRequest<S>) -> Result<CartRequest> {
        let items = self.rules.items();
        let map = |v: &[S]| -> Result<Vec<usize>> { v.iter().map(|s| Ok(items.index(s.as_ref())?)).collect() };
        Ok(CartRequest {
            cart: map(&req.cart)?,
            n: req.n,
            exclude: map(&req.exclude)?,
            candidates: req.candidates.as_deref().map(map).transpose()?,
        })
    }

    /// The top `req.n` items for `req.cart`, best first.
    pub fn suggest(&self, req: &CartRequest) -> Result<Vec<Suggestion>> {
        let n_items = self.n_items();
        let check = |i: usize| {
            if i >= n_items { Err(BasketError::from(CoreError::IndexOutOfRange { what: "item", index: i, len: n_items })) } else { Ok(()) }
        };
        let mut blocked = vec![false; n_items];
        for &i in req.cart.iter().chain(&req.exclude) {
            check(i)?;
            blocked[i] = true;
        }
        if let Some(c) = &req.candidates {
            let mut allowed = vec![false; n_items];
            for &i in c {
                check(i)?;
                allowed[i] = true;
            }
            for (b, a) in blocked.iter_mut().zip(allowed) {
                *b |= !a;
            }
        }
        let mut cart: Vec<u32> = req.cart.iter().map(|&i| i as u32).collect();
        cart.sort_unstable();
        cart.dedup();
        let metric = self.score.metric();
        let rules = self.rules.rules();
        // best[item] = index of the best rule proposing it.
        let mut best: Vec<u32> = vec![u32::MAX; n_items];
        let better = |a: usize, b: u32| -> bool {
            if b == u32::MAX {
                return true;
            }
            let (ra, rb) = (&rules[a], &rules[b as usize]);
            match ra.metric(metric).total_cmp(&rb.metric(metric)) {
                std::cmp::Ordering::Equal => (ra.count, std::cmp::Reverse(a)) > (rb.count, std::cmp::Reverse(b as usize)),
                o => o.is_gt(),
            }
        };
        for &x in &cart {
            for &k in &self.by_first[x as usize] {
                let r = &rules[k as usize];
                if r.antecedent.iter().all(|i| cart.binary_search(i).is_ok()) {
                    let c = r.consequent[0] as usize;
                    if !blocked[c] && better(k as usize, best[c]) {
                        best[c] = k;
                    }
                }
            }
        }
        let mut out: Vec<Suggestion> = best
            .iter()
            .enumerate()
            .filter(|(_, k)| **k != u32::MAX)
            .map(|(item, &k)| Suggestion { item, score: rules[k as usize].metric(metric), rule: Some(k as usize) })
            .collect();
        out.sort_by(|a, b| {
            b.score.total_cmp(&a.score).then_with(|| {
                let (ra, rb) = (&rules[a.rule.unwrap()], &rules[b.rule.unwrap()]);
                rb.count.cmp(&ra.count).then(a.item.cmp(&b.item))
            })
        });
        out.truncate(req.n);
        if self.popularity_fallback && out.len() < req.n {
            for &i in &out {
                blocked[i.item] = true;
            }
            let mut pop: Vec<usize> = (0..n_items).filter(|&i| !blocked[i] && self.popularity[i] > 0).collect();
            pop.sort_by(|&a, &b| self.popularity[b].cmp(&self.popularity[a]).then(a.cmp(&b)));
            let nb = self.rules.n_baskets() as f64;
            out.extend(pop.into_iter().take(req.n - out.len()).map(|item| Suggestion {
                item,
                score: self.popularity[item] as f64 / nb,
                rule: None,
            }));
        }
        Ok(out)
    }
}

fn rules_with(rules: Rules, kept: Vec<Rule>) -> Rules {
    crate::rules::replace_rules(rules, kept)
}
