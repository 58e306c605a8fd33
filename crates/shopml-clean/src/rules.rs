//! [`CleaningRules`]: which validation rules run and how.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use shopml_core::{Error, Params, Timestamp};

use crate::outliers::{OutlierAction, OutlierParams};
use crate::schema::Field;

/// What to do with a line that has no customer id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum MissingCustomer {
    /// Quarantine it ([`Reason::MissingCustomer`](crate::Reason::MissingCustomer)):
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
    /// Quarantine them ([`Reason::Return`](crate::Reason::Return)).
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

/// The validation rules of a cleaning run. Each rule can be switched off or
/// tuned; the [`Default`] suits the Online Retail export and most shops.
///
/// A row is checked against the rules in this order and takes the **first**
/// reason that applies: unparsable → exact duplicate → key duplicate →
/// outside the time window → non-product code → non-positive price → zero
/// quantity → missing customer. A row that passes is a return (by invoice
/// prefix or negative quantity) or a sale. Outlier rules then run on the
/// sales. [`CleaningReport::matched`](crate::CleaningReport::matched) counts
/// every rule a row matched, not only the first.
///
/// ```
/// use shopml_clean::{CleaningRules, MissingCustomer};
/// let rules = CleaningRules::default().missing_customer(MissingCustomer::Keep);
/// assert!(rules.drop_exact_duplicates);
/// assert!(rules.non_product_codes.iter().any(|c| c == "POST"));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CleaningRules {
    /// Quarantine a line identical to an earlier one (default `true`). This
    /// is the one step whose memory grows with the input: it keeps each
    /// distinct line once.
    pub drop_exact_duplicates: bool,
    /// Quarantine a row whose key (these fields) equals an earlier row's
    /// (default `None`: off). For example `[Invoice, Product]`.
    pub key_duplicates: Option<Vec<Field>>,
    /// Invoice prefixes marking a cancellation (default `["C"]`).
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
    /// adjustments, samples), compared case-insensitively. Default: the
    /// Online Retail codes `POST`, `DOT`, `C2`, `M`, `D`, `S`, `B`,
    /// `BANK CHARGES`, `AMAZONFEE`, `CRUK`, `PADS`.
    pub non_product_codes: Vec<String>,
    /// Product-code prefixes that are not products (case-insensitive; default none,
    /// e.g. `gift_` for gift vouchers).
    pub non_product_prefixes: Vec<String>,
    /// Keep only timestamps `t` with `start <= t < end` (default `None`: any time).
    pub time_window: Option<(Timestamp, Timestamp)>,
    /// Outlier rules, applied in order to the kept sales (default none).
    pub outliers: Vec<OutlierRule>,
    /// Write every quarantined row with its reason to this CSV file (default `None`).
    pub quarantine_file: Option<PathBuf>,
}

impl Default for CleaningRules {
    fn default() -> Self {
        CleaningRules {
            drop_exact_duplicates: true,
            key_duplicates: None,
            cancellation_prefixes: vec!["C".into()],
            negative_quantity_is_return: true,
            returns: ReturnPolicy::Split,
            missing_customer: MissingCustomer::Quarantine,
            require_positive_price: true,
            reject_zero_quantity: true,
            non_product_codes: ["POST", "DOT", "C2", "M", "D", "S", "B", "BANK CHARGES", "AMAZONFEE", "CRUK", "PADS"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            non_product_prefixes: Vec::new(),
            time_window: None,
            outliers: Vec::new(),
            quarantine_file: None,
        }
    }
}

impl CleaningRules {
    /// Rules that only parse: every row that parses is kept (returns still split off).
    pub fn permissive() -> Self {
        CleaningRules {
            drop_exact_duplicates: false,
            missing_customer: MissingCustomer::Keep,
            require_positive_price: false,
            reject_zero_quantity: false,
            non_product_codes: Vec::new(),
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

    /// Sets [`non_product_codes`](Self::non_product_codes).
    pub fn non_product_codes<S: Into<String>>(mut self, codes: impl IntoIterator<Item = S>) -> Self {
        self.non_product_codes = codes.into_iter().map(Into::into).collect();
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
        Ok(())
    }
}
