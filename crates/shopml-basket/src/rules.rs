//! Association rules `A → C` from frequent itemsets, with every standard interest metric.

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use serde::{Deserialize, Serialize, Serializer};
use shopml_core::{Error as CoreError, Fit, IdMap, Params};

use crate::error::{BasketError, Result};
use crate::itemsets::{FrequentItemsets, ItemsetKind};

/// A rule metric, for thresholds and sorting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Metric {
    /// `s(A)`.
    AntecedentSupport,
    /// `s(C)`.
    ConsequentSupport,
    /// `s(A ∪ C)`.
    Support,
    /// `s(A ∪ C) / s(A)`.
    Confidence,
    /// `confidence / s(C)`.
    Lift,
    /// `s(A ∪ C) − s(A) s(C)`.
    Leverage,
    /// `(1 − s(C)) / (1 − confidence)`, `+∞` when confidence is 1.
    Conviction,
    /// Zhang's metric `leverage / max(s(AC)(1 − s(A)), s(A)(s(C) − s(AC)))`, 0 when the denominator is 0.
    ZhangsMetric,
    /// `s(AC) / (s(A) + s(C) − s(AC))`.
    Jaccard,
    /// `(confidence − s(C)) / (1 − s(C))`, 0 when `s(C) = 1`.
    Certainty,
    /// `(confidence(A→C) + confidence(C→A)) / 2`.
    Kulczynski,
}

impl Metric {
    /// Every metric, in the column order of the rules table.
    pub const ALL: [Metric; 11] = [
        Metric::AntecedentSupport,
        Metric::ConsequentSupport,
        Metric::Support,
        Metric::Confidence,
        Metric::Lift,
        Metric::Leverage,
        Metric::Conviction,
        Metric::ZhangsMetric,
        Metric::Jaccard,
        Metric::Certainty,
        Metric::Kulczynski,
    ];

    /// The column name (mlxtend's, with underscores).
    pub fn name(self) -> &'static str {
        match self {
            Metric::AntecedentSupport => "antecedent_support",
            Metric::ConsequentSupport => "consequent_support",
            Metric::Support => "support",
            Metric::Confidence => "confidence",
            Metric::Lift => "lift",
            Metric::Leverage => "leverage",
            Metric::Conviction => "conviction",
            Metric::ZhangsMetric => "zhangs_metric",
            Metric::Jaccard => "jaccard",
            Metric::Certainty => "certainty",
            Metric::Kulczynski => "kulczynski",
        }
    }
}

/// One association rule `antecedent → consequent` with its counts and metrics.
///
/// Supports are `count / n_baskets`; the metrics follow the definitions of
/// mlxtend 0.25 `association_rules` (see [`Metric`]), including conviction
/// `= +∞` at confidence 1 (serialised as the string `"inf"`) and Zhang's
/// metric and certainty `= 0` where their denominators vanish.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rule {
    /// Sorted item indices of the antecedent `A`.
    pub antecedent: Vec<u32>,
    /// Sorted item indices of the consequent `C` (disjoint from `A`).
    pub consequent: Vec<u32>,
    /// Baskets containing `A ∪ C`.
    pub count: u64,
    /// Baskets containing `A`.
    pub antecedent_count: u64,
    /// Baskets containing `C`.
    pub consequent_count: u64,
    /// `s(A)`.
    pub antecedent_support: f64,
    /// `s(C)`.
    pub consequent_support: f64,
    /// `s(A ∪ C)`.
    pub support: f64,
    /// See [`Metric::Confidence`].
    pub confidence: f64,
    /// See [`Metric::Lift`].
    pub lift: f64,
    /// See [`Metric::Leverage`].
    pub leverage: f64,
    /// See [`Metric::Conviction`]; `+∞` when confidence is 1.
    #[serde(serialize_with = "ser_float")]
    pub conviction: f64,
    /// See [`Metric::ZhangsMetric`].
    pub zhangs_metric: f64,
    /// See [`Metric::Jaccard`].
    pub jaccard: f64,
    /// See [`Metric::Certainty`].
    pub certainty: f64,
    /// See [`Metric::Kulczynski`].
    pub kulczynski: f64,
}

fn ser_float<S: Serializer>(x: &f64, s: S) -> std::result::Result<S::Ok, S::Error> {
    if x.is_finite() { s.serialize_f64(*x) } else { s.serialize_str(&fmt_float(*x)) }
}

/// Formats a float losslessly: shortest round-trip decimal, `inf`, `-inf` or `nan`.
fn fmt_float(x: f64) -> String {
    if x.is_nan() {
        "nan".into()
    } else if x == f64::INFINITY {
        "inf".into()
    } else if x == f64::NEG_INFINITY {
        "-inf".into()
    } else {
        format!("{x:?}")
    }
}

impl Rule {
    /// Computes every metric from the three counts and the number of baskets.
    ///
    /// ```
    /// use shopml_basket::Rule;
    /// let r = Rule::from_counts(vec![0], vec![1], 2, 2, 3, 4);
    /// assert_eq!(r.confidence, 1.0);
    /// assert_eq!(r.conviction, f64::INFINITY);
    /// assert!((r.lift - 4.0 / 3.0).abs() < 1e-15);
    /// ```
    pub fn from_counts(
        antecedent: Vec<u32>,
        consequent: Vec<u32>,
        count: u64,
        antecedent_count: u64,
        consequent_count: u64,
        n_baskets: usize,
    ) -> Rule {
        let n = n_baskets as f64;
        let s_ac = count as f64 / n;
        let s_a = antecedent_count as f64 / n;
        let s_c = consequent_count as f64 / n;
        let confidence = count as f64 / antecedent_count as f64;
        let lift = confidence / s_c;
        let leverage = s_ac - s_a * s_c;
        let conviction = if confidence < 1.0 { (1.0 - s_c) / (1.0 - confidence) } else { f64::INFINITY };
        let zd = (s_ac * (1.0 - s_a)).max(s_a * (s_c - s_ac));
        let zhangs_metric = if zd == 0.0 { 0.0 } else { leverage / zd };
        let jaccard = s_ac / (s_a + s_c - s_ac);
        let cd = 1.0 - s_c;
        let certainty = if cd == 0.0 { 0.0 } else { (confidence - s_c) / cd };
        let kulczynski = (confidence + count as f64 / consequent_count as f64) / 2.0;
        Rule {
            antecedent,
            consequent,
            count,
            antecedent_count,
            consequent_count,
            antecedent_support: s_a,
            consequent_support: s_c,
            support: s_ac,
            confidence,
            lift,
            leverage,
            conviction,
            zhangs_metric,
            jaccard,
            certainty,
            kulczynski,
        }
    }

    /// The value of one metric.
    pub fn metric(&self, m: Metric) -> f64 {
        match m {
            Metric::AntecedentSupport => self.antecedent_support,
            Metric::ConsequentSupport => self.consequent_support,
            Metric::Support => self.support,
            Metric::Confidence => self.confidence,
            Metric::Lift => self.lift,
            Metric::Leverage => self.leverage,
            Metric::Conviction => self.conviction,
            Metric::ZhangsMetric => self.zhangs_metric,
            Metric::Jaccard => self.jaccard,
            Metric::Certainty => self.certainty,
            Metric::Kulczynski => self.kulczynski,
        }
    }
}

/// Which rules to derive: metric thresholds and length limits.
///
/// ```
/// use shopml_basket::{Baskets, FrequentItemsets, Metric, MinSupport, RuleParams};
/// use shopml_core::Fit;
/// let b = Baskets::from_item_lists([vec!["tea", "mug"], vec!["tea", "mug", "spoon"], vec!["tea"]]).unwrap();
/// let sets = FrequentItemsets::params(MinSupport::Count(2)).fit(&b).unwrap();
/// let rules = RuleParams::default().min(Metric::Confidence, 0.9).fit(&sets).unwrap();
/// assert_eq!(rules.len(), 1); // mug → tea (confidence 1); tea → mug has 2/3
/// assert_eq!(rules.describe(&rules.rules()[0]), "mug → tea");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleParams {
    /// Every `(metric, minimum)` must hold (`metric >= minimum`). Default: confidence ≥ 0.8, as mlxtend.
    pub thresholds: Vec<(Metric, f64)>,
    /// Longest antecedent (default `None`: no limit).
    pub max_antecedent_len: Option<usize>,
    /// Longest consequent (default `None`: no limit).
    pub max_consequent_len: Option<usize>,
    /// The explosion guard: more rules than this is [`BasketError::TooManyRules`] (default 10,000,000).
    pub max_rules: usize,
}

impl Default for RuleParams {
    fn default() -> Self {
        RuleParams {
            thresholds: vec![(Metric::Confidence, 0.8)],
            max_antecedent_len: None,
            max_consequent_len: None,
            max_rules: 10_000_000,
        }
    }
}

impl RuleParams {
    /// No threshold at all: every rule of every itemset.
    pub fn unfiltered() -> Self {
        RuleParams { thresholds: Vec::new(), ..RuleParams::default() }
    }
    /// Adds (or replaces) the threshold `metric >= value`.
    pub fn min(mut self, metric: Metric, value: f64) -> Self {
        self.thresholds.retain(|(m, _)| *m != metric);
        self.thresholds.push((metric, value));
        self
    }
    /// Sets [`max_antecedent_len`](Self::max_antecedent_len).
    pub fn max_antecedent_len(mut self, n: Option<usize>) -> Self {
        self.max_antecedent_len = n;
        self
    }
    /// Sets [`max_consequent_len`](Self::max_consequent_len).
    pub fn max_consequent_len(mut self, n: Option<usize>) -> Self {
        self.max_consequent_len = n;
        self
    }
    /// Sets [`max_rules`](Self::max_rules).
    pub fn max_rules(mut self, n: usize) -> Self {
        self.max_rules = n;
        self
    }
}

impl Params for RuleParams {
    fn check(&self) -> shopml_core::Result<()> {
        for &(m, v) in &self.thresholds {
            if v.is_nan() {
                return Err(CoreError::param("thresholds", format!("the threshold on {} is NaN", m.name())));
            }
        }
        if self.max_antecedent_len == Some(0) {
            return Err(CoreError::param("max_antecedent_len", "must be at least 1"));
        }
        if self.max_consequent_len == Some(0) {
            return Err(CoreError::param("max_consequent_len", "must be at least 1"));
        }
        if self.max_rules == 0 {
            return Err(CoreError::param("max_rules", "must be at least 1"));
        }
        Ok(())
    }
}

/// Longest itemset whose rules we enumerate (antecedents are bit masks).
const MAX_RULE_ITEMSET: usize = 63;

impl Fit<FrequentItemsets> for RuleParams {
    type Model = Rules;
    type Error = BasketError;
    /// Derives every rule `A → C` with `A ∪ C` a frequent itemset, `A`, `C`
    /// non-empty and disjoint, that meets the thresholds and length limits.
    /// Rules come in itemset order, then by antecedent bit mask; the order
    /// is the same for any number of threads.
    fn fit(&self, sets: &FrequentItemsets) -> Result<Rules> {
        self.check()?;
        if sets.kind() != ItemsetKind::All {
            return Err(BasketError::NotAllItemsets(match sets.kind() {
                ItemsetKind::Closed => "closed",
                _ => "maximal",
            }));
        }
        let index = sets.index();
        let n = sets.n_baskets();
        let made = AtomicUsize::new(0);
        let max_a = self.max_antecedent_len.unwrap_or(usize::MAX);
        let max_c = self.max_consequent_len.unwrap_or(usize::MAX);
        let per_set: Vec<Result<Vec<Rule>>> = (0..sets.len())
            .into_par_iter()
            .map(|s| {
                let set = sets.itemset(s);
                let l = set.len();
                let mut out = Vec::new();
                if l < 2 {
                    return Ok(out);
                }
                if l > MAX_RULE_ITEMSET {
                    return Err(BasketError::TooManyRules { limit: self.max_rules });
                }
                let full: u64 = if l == 64 { u64::MAX } else { (1u64 << l) - 1 };
                let mut a = Vec::with_capacity(l);
                let mut c = Vec::with_capacity(l);
                for mask in 1..full {
                    let na = mask.count_ones() as usize;
                    if na > max_a || l - na > max_c {
                        continue;
                    }
                    a.clear();
                    c.clear();
                    for (p, &i) in set.iter().enumerate() {
                        if mask >> p & 1 == 1 { a.push(i) } else { c.push(i) }
                    }
                    let ca = lookup(&index, sets, &a)?;
                    let cc = lookup(&index, sets, &c)?;
                    if ca < sets.count(s) || cc < sets.count(s) {
                        return Err(CoreError::InvalidValue {
                            what: "frequent itemsets".into(),
                            row: s,
                            column: None,
                            value: sets.count(s) as f64,
                            reason: "an itemset is more frequent than one of its subsets".into(),
                        }
                        .into());
                    }
                    let rule = Rule::from_counts(a.clone(), c.clone(), sets.count(s), ca, cc, n);
                    if self.thresholds.iter().all(|&(m, v)| rule.metric(m) >= v) {
                        if made.fetch_add(1, Ordering::Relaxed) >= self.max_rules {
                            return Err(BasketError::TooManyRules { limit: self.max_rules });
                        }
                        out.push(rule);
                    }
                }
                Ok(out)
            })
            .collect();
        let mut rules = Vec::new();
        for r in per_set {
            rules.extend(r?);
        }
        Ok(Rules { n_baskets: n, rules, items: sets.items().clone() })
    }
}

fn lookup(index: &shopml_core::FastHashMap<&[u32], usize>, sets: &FrequentItemsets, s: &[u32]) -> Result<u64> {
    match index.get(s) {
        Some(&k) => Ok(sets.count(k)),
        None => Err(CoreError::InvalidValue {
            what: "frequent itemsets".into(),
            row: 0,
            column: None,
            value: f64::NAN,
            reason: format!("the subset {s:?} of a frequent itemset is missing (itemsets not downward closed)"),
        }
        .into()),
    }
}

/// A table of association rules with the item ids behind the indices.
///
/// Serialises to JSON losslessly (an infinite conviction is the string
/// `"inf"`); loading recomputes every metric from the counts and rejects a
/// file whose metrics disagree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RulesRaw")]
pub struct Rules {
    n_baskets: usize,
    rules: Vec<Rule>,
    items: IdMap<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum FloatRepr {
    Num(f64),
    Text(String),
}

impl FloatRepr {
    fn value(&self) -> Option<f64> {
        match self {
            FloatRepr::Num(x) => Some(*x),
            FloatRepr::Text(s) => match s.as_str() {
                "inf" | "Infinity" => Some(f64::INFINITY),
                "-inf" | "-Infinity" => Some(f64::NEG_INFINITY),
                "nan" | "NaN" => Some(f64::NAN),
                _ => None,
            },
        }
    }
}

#[derive(Deserialize)]
struct RuleRaw {
    antecedent: Vec<u32>,
    consequent: Vec<u32>,
    count: u64,
    antecedent_count: u64,
    consequent_count: u64,
    antecedent_support: FloatRepr,
    consequent_support: FloatRepr,
    support: FloatRepr,
    confidence: FloatRepr,
    lift: FloatRepr,
    leverage: FloatRepr,
    conviction: FloatRepr,
    zhangs_metric: FloatRepr,
    jaccard: FloatRepr,
    certainty: FloatRepr,
    kulczynski: FloatRepr,
}

#[derive(Deserialize)]
struct RulesRaw {
    n_baskets: usize,
    rules: Vec<RuleRaw>,
    items: IdMap<String>,
}

impl TryFrom<RulesRaw> for Rules {
    type Error = CoreError;
    fn try_from(r: RulesRaw) -> Result<Self, CoreError> {
        let n = r.n_baskets;
        if n == 0 {
            return Err(CoreError::param("n_baskets", "rules need at least one basket"));
        }
        let mut rules = Vec::with_capacity(r.rules.len());
        for (row, x) in r.rules.into_iter().enumerate() {
            let bad = |reason: String| CoreError::InvalidValue { what: "rule".into(), row, column: None, value: f64::NAN, reason };
            for side in [&x.antecedent, &x.consequent] {
                if side.is_empty() || side.windows(2).any(|w| w[0] >= w[1]) || side.iter().any(|&i| i as usize >= r.items.len()) {
                    return Err(bad("antecedent and consequent are non-empty, sorted, distinct known items".into()));
                }
            }
            if x.antecedent.iter().any(|i| x.consequent.binary_search(i).is_ok()) {
                return Err(bad("antecedent and consequent overlap".into()));
            }
            if x.count == 0
                || x.count > x.antecedent_count.min(x.consequent_count)
                || x.antecedent_count.max(x.consequent_count) as usize > n
            {
                return Err(bad("counts must satisfy 0 < count ≤ min(antecedent_count, consequent_count), max ≤ n_baskets".into()));
            }
            let rule = Rule::from_counts(x.antecedent, x.consequent, x.count, x.antecedent_count, x.consequent_count, n);
            let given = [
                &x.antecedent_support,
                &x.consequent_support,
                &x.support,
                &x.confidence,
                &x.lift,
                &x.leverage,
                &x.conviction,
                &x.zhangs_metric,
                &x.jaccard,
                &x.certainty,
                &x.kulczynski,
            ];
            for (m, g) in Metric::ALL.iter().zip(given) {
                let want = rule.metric(*m);
                let ok = match g.value() {
                    Some(v) if v == want => true,
                    Some(v) if v.is_finite() && want.is_finite() => (v - want).abs() <= 1e-12 * want.abs().max(1.0),
                    _ => false,
                };
                if !ok {
                    return Err(bad(format!("{} does not match its counts (expected {})", m.name(), fmt_float(want))));
                }
            }
            rules.push(rule);
        }
        Ok(Rules { n_baskets: n, rules, items: r.items })
    }
}

impl Rules {
    /// Rule parameters (see [`RuleParams`]).
    pub fn params() -> RuleParams {
        RuleParams::default()
    }

    /// Number of rules.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// Whether there are no rules.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The rules.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Number of baskets behind the supports.
    pub fn n_baskets(&self) -> usize {
        self.n_baskets
    }

    /// Item index ↔ id.
    pub fn items(&self) -> &IdMap<String> {
        &self.items
    }

    /// Sorts by `metric`, best (largest) first when `descending`; ties by
    /// support (larger first), then antecedent and consequent indices, so the
    /// order is total and reproducible. NaN never occurs in a metric.
    pub fn sort_by(&mut self, metric: Metric, descending: bool) {
        self.rules.sort_by(|a, b| {
            let o = a.metric(metric).total_cmp(&b.metric(metric));
            let o = if descending { o.reverse() } else { o };
            o.then(b.count.cmp(&a.count)).then_with(|| a.antecedent.cmp(&b.antecedent)).then_with(|| a.consequent.cmp(&b.consequent))
        });
    }

    /// Keeps the rules with `metric >= min`.
    pub fn retain_min(&mut self, metric: Metric, min: f64) {
        self.rules.retain(|r| r.metric(metric) >= min);
    }

    fn names(&self, side: &[u32]) -> Vec<&str> {
        side.iter().map(|&i| self.items.id(i as usize).map(String::as_str).unwrap_or("?")).collect()
    }

    /// `"a, b → c"` with item ids.
    pub fn describe(&self, rule: &Rule) -> String {
        format!("{} → {}", self.names(&rule.antecedent).join(", "), self.names(&rule.consequent).join(", "))
    }

    /// Writes the rules as CSV: `antecedents,consequents,` the counts and every
    /// metric. Item ids within a side are joined with `;`; fields are quoted
    /// when needed; floats are written in shortest round-trip form and an
    /// infinite conviction as `inf`.
    pub fn write_csv<W: Write>(&self, mut w: W) -> Result<()> {
        let mut head = vec!["antecedents", "consequents", "count", "antecedent_count", "consequent_count"];
        head.extend(Metric::ALL.iter().map(|m| m.name()));
        writeln!(w, "{}", head.join(",")).map_err(CoreError::from)?;
        for r in &self.rules {
            let mut line = format!(
                "{},{},{},{},{}",
                csv_field(&self.names(&r.antecedent).join(";")),
                csv_field(&self.names(&r.consequent).join(";")),
                r.count,
                r.antecedent_count,
                r.consequent_count
            );
            for m in Metric::ALL {
                line.push(',');
                line.push_str(&fmt_float(r.metric(m)));
            }
            writeln!(w, "{line}").map_err(CoreError::from)?;
        }
        Ok(())
    }

    /// Writes the rules as JSON (the serde form, loadable with `serde_json::from_reader`).
    pub fn write_json<W: Write>(&self, w: W) -> Result<()> {
        serde_json::to_writer(w, self).map_err(CoreError::from)?;
        Ok(())
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

/// The same table with other rules (same items and baskets).
pub(crate) fn replace_rules(mut r: Rules, rules: Vec<Rule>) -> Rules {
    r.rules = rules;
    r
}
