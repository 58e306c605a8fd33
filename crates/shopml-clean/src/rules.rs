//! [`CleaningRules`]: which validation rules run and how.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use shopml_core::{Error, Params, Timestamp};

use crate::outliers::{OutlierAction, OutlierParams};
use crate::report::Reason;
use crate::schema::Field;

/// What to do with a line that has no customer id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum MissingCustomer {
    /// Quarantine it ([`Reason::MissingCustomer`]):
    /// for customer analytics (RFM, segments, recommenders).
    #[default]
    Quarantine,
    /// Keep it with `customer = None`: for demand series and revenue, which
    /// need every sale.
    Keep,
}

/// What to do with cancellations and returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ReturnPolicy {
    /// Put them in [`Cleaned::returns`](crate::Cleaned::returns).
    #[default]
    Split,
    /// Leave them among the sales (negative quantities net out).
    Keep,
    /// Quarantine them ([`Reason::Return`]).
    Quarantine,
}

/// A numeric column of an order line that outlier rules inspect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum NumericField {
    /// Units on the line.
    Quantity,
    /// Price per unit.
    UnitPrice,
}

/// An outlier rule applied to the kept sales after the row-wise rules
/// (returns are not inspected).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct OutlierRule {
    /// The column inspected.
    pub field: NumericField,
    /// How outliers are recognised.
    pub detector: OutlierParams,
    /// Fences per product (falling back to global fences for small or
    /// zero-spread products) instead of one global pair.
    pub per_product: bool,
    /// Flag, cap or drop.
    pub action: OutlierAction,
}

/// The validation rules of a cleaning run.
///
/// [`Default`] holds what is true of any shop's export: exact duplicate
/// lines, unparsable rows, non-positive prices and zero quantities are
/// quarantined, a negative quantity is a return, a line without a customer
/// is quarantined (set [`MissingCustomer::Keep`] for demand series). It knows
/// no shop's codes: no cancellation prefix, no non-product codes.
/// [`online_retail`](Self::online_retail) adds the UCI Online Retail
/// conventions (`C…` invoices are cancellations; `POST`, `M`, `D`, `S`, … are
/// fees and adjustments).
///
/// A row that parses takes the **first** reason of
/// [`rule_order`](Self::rule_order) that applies (default
/// [`DEFAULT_RULE_ORDER`]: exact duplicate → key duplicate → outside the
/// time window → non-product code → non-positive price → zero quantity →
/// missing customer → return); an unparsable row is always
/// [`Reason::Unparsable`]. A row that passes is a return (by invoice prefix
/// or negative quantity) or a sale. Outlier rules then run on the sales.
/// [`CleaningReport::matched`](crate::CleaningReport::matched) counts every
/// rule a row matched, not only the first.
///
/// ```
/// use shopml_clean::{CleaningRules, MissingCustomer, Reason};
/// let neutral = CleaningRules::default();
/// assert!(neutral.cancellation_prefixes.is_empty() && neutral.non_product_codes.is_empty());
/// let retail = CleaningRules::online_retail().missing_customer(MissingCustomer::Keep);
/// assert!(retail.non_product_codes.iter().any(|c| c == "POST"));
/// // Every rule has a setter; lists take anything that yields strings.
/// let mine = CleaningRules::default()
///     .cancellation_prefixes(["CN-"])
///     .non_product_codes(["SHIPPING", "GIFTWRAP"])
///     .negative_quantity_is_return(false)
///     .reject_zero_quantity(false)
///     .rule_order([Reason::MissingCustomer, Reason::ExactDuplicate]);
/// assert_eq!(mine.rule_order[0], Reason::MissingCustomer);
/// assert_eq!(mine.rule_order.len(), 8); // the rest keep their default order
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "CleaningRulesRaw")]
pub struct CleaningRules {
    /// Quarantine a line identical to an earlier one (default `true`). This
    /// is the one step whose memory grows with the input: it keeps each
    /// distinct line once.
    pub drop_exact_duplicates: bool,
    /// Quarantine a row whose key (these fields) equals an earlier row's
    /// (default `None`: off). For example `[Invoice, Product]`.
    pub key_duplicates: Option<Vec<Field>>,
    /// Invoice prefixes marking a cancellation, case-sensitive (default none;
    /// `["C"]` in [`online_retail`](Self::online_retail)).
    pub cancellation_prefixes: Vec<String>,
    /// Whether a negative quantity alone marks a return (default `true`).
    pub negative_quantity_is_return: bool,
    /// What happens to returns (default: split off).
    pub returns: ReturnPolicy,
    /// What happens to lines without a customer (default: quarantine).
    pub missing_customer: MissingCustomer,
    /// Quarantine lines with unit price ≤ 0 (default `true`).
    pub require_positive_price: bool,
    /// Quarantine lines with quantity 0 (default `true`).
    pub reject_zero_quantity: bool,
    /// Product codes that are not products (postage, fees, discounts, manual
    /// adjustments, samples), compared case-insensitively. Default none;
    /// [`online_retail`](Self::online_retail) has [`ONLINE_RETAIL_NON_PRODUCT_CODES`].
    pub non_product_codes: Vec<String>,
    /// Product-code prefixes that are not products (case-insensitive; default none,
    /// e.g. `gift_` for gift vouchers).
    pub non_product_prefixes: Vec<String>,
    /// Keep only timestamps `t` with `start <= t < end` (default `None`: any time).
    pub time_window: Option<(Timestamp, Timestamp)>,
    /// Outlier rules, applied in order to the kept sales (default none).
    pub outliers: Vec<OutlierRule>,
    /// The order in which row rules decide a row's reason: a permutation of
    /// [`DEFAULT_RULE_ORDER`] (see [`rule_order`](Self::rule_order) the setter).
    pub rule_order: Vec<Reason>,
    /// Write every quarantined row with its reason to this CSV file (default `None`).
    pub quarantine_file: Option<PathBuf>,
}

/// The default precedence of the row rules (see [`CleaningRules::rule_order`]).
pub const DEFAULT_RULE_ORDER: [Reason; 8] = [
    Reason::ExactDuplicate,
    Reason::KeyDuplicate,
    Reason::OutsideWindow,
    Reason::NonProduct,
    Reason::NonPositivePrice,
    Reason::ZeroQuantity,
    Reason::MissingCustomer,
    Reason::Return,
];

/// The non-product codes of the UCI Online Retail export: postage (`POST`,
/// `DOT`, `C2`), manual adjustments (`M`), discounts (`D`), samples (`S`),
/// bad-debt adjustments (`B`), bank charges, Amazon fees, charity (`CRUK`), pads.
pub const ONLINE_RETAIL_NON_PRODUCT_CODES: [&str; 11] =
    ["POST", "DOT", "C2", "M", "D", "S", "B", "BANK CHARGES", "AMAZONFEE", "CRUK", "PADS"];

#[derive(Deserialize)]
struct CleaningRulesRaw {
    drop_exact_duplicates: bool,
    key_duplicates: Option<Vec<Field>>,
    cancellation_prefixes: Vec<String>,
    negative_quantity_is_return: bool,
    returns: ReturnPolicy,
    missing_customer: MissingCustomer,
    require_positive_price: bool,
    reject_zero_quantity: bool,
    non_product_codes: Vec<String>,
    non_product_prefixes: Vec<String>,
    time_window: Option<(Timestamp, Timestamp)>,
    outliers: Vec<OutlierRule>,
    #[serde(default = "default_order")]
    rule_order: Vec<Reason>,
    quarantine_file: Option<PathBuf>,
}

fn default_order() -> Vec<Reason> {
    DEFAULT_RULE_ORDER.to_vec()
}

impl TryFrom<CleaningRulesRaw> for CleaningRules {
    type Error = Error;
    fn try_from(r: CleaningRulesRaw) -> shopml_core::Result<Self> {
        let rules = CleaningRules {
            drop_exact_duplicates: r.drop_exact_duplicates,
            key_duplicates: r.key_duplicates,
            cancellation_prefixes: r.cancellation_prefixes,
            negative_quantity_is_return: r.negative_quantity_is_return,
            returns: r.returns,
            missing_customer: r.missing_customer,
            require_positive_price: r.require_positive_price,
            reject_zero_quantity: r.reject_zero_quantity,
            non_product_codes: r.non_product_codes,
            non_product_prefixes: r.non_product_prefixes,
            time_window: r.time_window,
            outliers: r.outliers,
            rule_order: r.rule_order,
            quarantine_file: r.quarantine_file,
        };
        rules.check()?;
        Ok(rules)
    }
}

impl Default for CleaningRules {
    fn default() -> Self {
        CleaningRules {
            drop_exact_duplicates: true,
            key_duplicates: None,
            cancellation_prefixes: Vec::new(),
            negative_quantity_is_return: true,
            returns: ReturnPolicy::Split,
            missing_customer: MissingCustomer::Quarantine,
            require_positive_price: true,
            reject_zero_quantity: true,
            non_product_codes: Vec::new(),
            non_product_prefixes: Vec::new(),
            time_window: None,
            outliers: Vec::new(),
            rule_order: default_order(),
            quarantine_file: None,
        }
    }
}

impl CleaningRules {
    /// The rules tuned to the UCI Online Retail export: the [`Default`] plus
    /// cancellations by the invoice prefix `C` and
    /// [`ONLINE_RETAIL_NON_PRODUCT_CODES`]. Pair it with
    /// [`TransactionSchema::online_retail`](crate::TransactionSchema::online_retail).
    pub fn online_retail() -> Self {
        CleaningRules::default().cancellation_prefixes(["C"]).non_product_codes(ONLINE_RETAIL_NON_PRODUCT_CODES)
    }

    /// Rules that only parse: every row that parses is kept (returns still split off).
    pub fn permissive() -> Self {
        CleaningRules {
            drop_exact_duplicates: false,
            missing_customer: MissingCustomer::Keep,
            require_positive_price: false,
            reject_zero_quantity: false,
            ..CleaningRules::default()
        }
    }

    /// Sets [`drop_exact_duplicates`](Self::drop_exact_duplicates).
    pub fn drop_exact_duplicates(mut self, yes: bool) -> Self {
        self.drop_exact_duplicates = yes;
        self
    }

    /// Sets [`key_duplicates`](Self::key_duplicates).
    pub fn key_duplicates(mut self, key: Option<Vec<Field>>) -> Self {
        self.key_duplicates = key;
        self
    }

    /// Sets [`cancellation_prefixes`](Self::cancellation_prefixes) (an empty list: none).
    pub fn cancellation_prefixes(mut self, prefixes: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.cancellation_prefixes = prefixes.into_iter().map(Into::into).collect();
        self
    }

    /// Sets [`negative_quantity_is_return`](Self::negative_quantity_is_return).
    pub fn negative_quantity_is_return(mut self, yes: bool) -> Self {
        self.negative_quantity_is_return = yes;
        self
    }

    /// Sets [`returns`](Self::returns).
    pub fn returns(mut self, policy: ReturnPolicy) -> Self {
        self.returns = policy;
        self
    }

    /// Sets [`missing_customer`](Self::missing_customer).
    pub fn missing_customer(mut self, policy: MissingCustomer) -> Self {
        self.missing_customer = policy;
        self
    }

    /// Sets [`require_positive_price`](Self::require_positive_price).
    pub fn require_positive_price(mut self, yes: bool) -> Self {
        self.require_positive_price = yes;
        self
    }

    /// Sets [`reject_zero_quantity`](Self::reject_zero_quantity).
    pub fn reject_zero_quantity(mut self, yes: bool) -> Self {
        self.reject_zero_quantity = yes;
        self
    }

    /// Sets [`non_product_codes`](Self::non_product_codes); `non_product_codes([] as [&str; 0])`
    /// or `non_product_codes(Vec::<String>::new())` clears them, as does [`Default`].
    pub fn non_product_codes(mut self, codes: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.non_product_codes = codes.into_iter().map(Into::into).collect();
        self
    }

    /// Sets [`non_product_prefixes`](Self::non_product_prefixes).
    pub fn non_product_prefixes(mut self, prefixes: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.non_product_prefixes = prefixes.into_iter().map(Into::into).collect();
        self
    }

    /// Sets [`time_window`](Self::time_window).
    pub fn time_window(mut self, start: Timestamp, end: Timestamp) -> Self {
        self.time_window = Some((start, end));
        self
    }

    /// Adds an outlier rule.
    pub fn outlier(mut self, rule: OutlierRule) -> Self {
        self.outliers.push(rule);
        self
    }

    /// Puts these reasons first, in this order; the rules not named follow
    /// in their [`DEFAULT_RULE_ORDER`] order. Naming a reason that is not a
    /// row rule (or one twice) makes [`check`](Params::check) fail.
    pub fn rule_order(mut self, first: impl IntoIterator<Item = Reason>) -> Self {
        let mut order: Vec<Reason> = first.into_iter().collect();
        order.extend(DEFAULT_RULE_ORDER.iter().filter(|r| !order.contains(r)).copied().collect::<Vec<_>>());
        self.rule_order = order;
        self
    }

    /// Sets [`quarantine_file`](Self::quarantine_file).
    pub fn quarantine_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.quarantine_file = Some(path.into());
        self
    }

    pub(crate) fn is_non_product(&self, code: &str) -> bool {
        self.non_product_codes.iter().any(|c| c.eq_ignore_ascii_case(code))
            || self
                .non_product_prefixes
                .iter()
                .any(|p| code.len() >= p.len() && code.is_char_boundary(p.len()) && code[..p.len()].eq_ignore_ascii_case(p))
    }

    pub(crate) fn is_cancellation(&self, invoice: &str) -> bool {
        self.cancellation_prefixes.iter().any(|p| invoice.starts_with(p.as_str()))
    }
}

impl Params for CleaningRules {
    fn check(&self) -> shopml_core::Result<()> {
        if self.cancellation_prefixes.iter().any(|p| p.is_empty()) {
            return Err(Error::param("cancellation_prefixes", "an empty prefix would mark every invoice as a cancellation"));
        }
        if self.non_product_prefixes.iter().any(|p| p.is_empty()) {
            return Err(Error::param("non_product_prefixes", "an empty prefix would mark every product as a non-product"));
        }
        if let Some(key) = &self.key_duplicates
            && key.is_empty()
        {
            return Err(Error::param("key_duplicates", "a duplicate key needs at least one field"));
        }
        if let Some((a, b)) = self.time_window
            && a >= b
        {
            return Err(Error::param("time_window", format!("start {a} must be before end {b}")));
        }
        for r in &self.outliers {
            r.detector.check()?;
        }
        let mut sorted = self.rule_order.clone();
        sorted.sort();
        let mut expected = DEFAULT_RULE_ORDER.to_vec();
        expected.sort();
        if sorted != expected {
            return Err(Error::param(
                "rule_order",
                format!("{:?} must name each of {:?} exactly once", self.rule_order, DEFAULT_RULE_ORDER),
            ));
        }
        Ok(())
    }
}
