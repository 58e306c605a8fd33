//! The typed records that cleaning produces and the feature crates consume.

use serde::{Deserialize, Serialize};
use shopml_core::Timestamp;

/// Extra columns of an order line, by name (see [`TransactionSchema::attributes`](crate::TransactionSchema::attributes)).
///
/// The names are shared by every record of one read (one reference-counted
/// list), so an attribute costs a record only its value.
///
/// ```
/// use shopml_clean::Attributes;
/// let a = Attributes::new(vec!["channel".into(), "coupon".into()], vec![Some("web".into()), None]).unwrap();
/// assert_eq!(a.get("channel"), Some("web"));
/// assert_eq!(a.get("coupon"), None);
/// assert_eq!(a.iter().count(), 2);
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Attributes {
    names: Option<std::sync::Arc<[String]>>,
    values: Vec<Option<String>>,
}

impl Attributes {
    /// Attributes from names and values of equal length; names must be distinct.
    pub fn new(names: Vec<String>, values: Vec<Option<String>>) -> shopml_core::Result<Self> {
        let names: std::sync::Arc<[String]> = names.into();
        Self::shared(&names, values)
    }

    /// Attributes whose names are shared with other records.
    pub fn shared(names: &std::sync::Arc<[String]>, values: Vec<Option<String>>) -> shopml_core::Result<Self> {
        if names.len() != values.len() {
            return Err(shopml_core::Error::param("attributes", format!("{} names but {} values", names.len(), values.len())));
        }
        for (i, n) in names.iter().enumerate() {
            if names[..i].contains(n) {
                return Err(shopml_core::Error::param("attributes", format!("the name `{n}` appears twice")));
            }
        }
        if names.is_empty() {
            return Ok(Attributes::default());
        }
        Ok(Attributes { names: Some(names.clone()), values })
    }

    /// Names checked by the caller (the reader: distinct header columns).
    pub(crate) fn from_parts(names: &std::sync::Arc<[String]>, values: Vec<Option<String>>) -> Self {
        Attributes { names: Some(names.clone()), values }
    }

    /// The value of attribute `name` (`None` when missing or not carried).
    pub fn get(&self, name: &str) -> Option<&str> {
        let i = self.names()?.iter().position(|n| n == name)?;
        self.values[i].as_deref()
    }

    /// Sets the value of an existing attribute; `false` when there is no attribute `name`.
    pub fn set(&mut self, name: &str, value: Option<String>) -> bool {
        match self.names().and_then(|n| n.iter().position(|n| n == name)) {
            Some(i) => {
                self.values[i] = value;
                true
            }
            None => false,
        }
    }

    /// The attribute names, in column order.
    pub fn names(&self) -> Option<&[String]> {
        self.names.as_deref()
    }

    /// Mutable access to the values, in the order of [`names`](Self::names)
    /// (for a [`RecordHook`](crate::RecordHook) that rewrites them).
    pub fn values_mut(&mut self) -> &mut [Option<String>] {
        &mut self.values
    }

    /// `(name, value)` pairs, in column order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, Option<&str>)> {
        self.names.iter().flat_map(|n| n.iter()).map(String::as_str).zip(self.values.iter().map(Option::as_deref))
    }

    /// Number of attributes.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

impl Serialize for Attributes {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(self.len()))?;
        for pair in self.iter() {
            seq.serialize_element(&pair)?;
        }
        seq.end()
    }
}

impl<'de> Deserialize<'de> for Attributes {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let pairs: Vec<(String, Option<String>)> = Vec::deserialize(d)?;
        let (names, values) = pairs.into_iter().unzip();
        Attributes::new(names, values).map_err(serde::de::Error::custom)
    }
}

/// One order line (one product on one invoice).
///
/// Loaded from JSON it is checked like a parsed row: finite quantity and
/// unit price, a timestamp in the supported range, non-empty invoice and product.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "TransactionRaw")]
pub struct Transaction {
    /// Invoice / order number, as in the export.
    pub invoice: String,
    /// Product code (stock keeping unit).
    pub product: String,
    /// Free-text product description, if exported.
    pub description: Option<String>,
    /// Units on the line; negative for returns.
    pub quantity: f64,
    /// When the order was placed (UTC).
    pub timestamp: Timestamp,
    /// Price per unit in the shop's currency (derived as total / quantity
    /// from a line-total column, see [`PriceColumn::LineTotal`](crate::PriceColumn::LineTotal)).
    pub unit_price: f64,
    /// Customer id, normalised (`17850.0` becomes `17850`); `None` for guest orders.
    pub customer: Option<String>,
    /// Customer's country, if exported.
    pub country: Option<String>,
    /// Product category, if exported and mapped.
    pub category: Option<String>,
    /// Further exported columns the schema carries, by name (empty by default).
    pub attributes: Attributes,
    /// One-based line number in the source file (the header is line 1).
    /// Parquet and Arrow input (feature `parquet`) number rows the same way
    /// across all files or batches: the first row is line 2.
    pub line: u64,
}

impl Transaction {
    /// `quantity × unit_price`.
    pub fn value(&self) -> f64 {
        self.quantity * self.unit_price
    }
}

#[derive(Deserialize)]
struct TransactionRaw {
    invoice: String,
    product: String,
    description: Option<String>,
    quantity: f64,
    timestamp: Timestamp,
    unit_price: f64,
    customer: Option<String>,
    country: Option<String>,
    #[serde(default)]
    category: Option<String>,
    #[serde(default)]
    attributes: Attributes,
    line: u64,
}

impl TryFrom<TransactionRaw> for Transaction {
    type Error = shopml_core::Error;
    fn try_from(r: TransactionRaw) -> shopml_core::Result<Self> {
        use shopml_core::Error;
        let bad =
            |what: &str, value: f64| Error::NonFinite { what: format!("transaction {what}"), row: r.line as usize, column: None, value };
        if !r.quantity.is_finite() {
            return Err(bad("quantity", r.quantity));
        }
        if !r.unit_price.is_finite() {
            return Err(bad("unit_price", r.unit_price));
        }
        Timestamp::from_seconds(r.timestamp.0)?;
        if r.invoice.trim().is_empty() || r.product.trim().is_empty() {
            return Err(Error::param("transaction", format!("line {}: invoice and product must not be empty", r.line)));
        }
        Ok(Transaction {
            invoice: r.invoice,
            product: r.product,
            description: r.description,
            quantity: r.quantity,
            timestamp: r.timestamp,
            unit_price: r.unit_price,
            customer: r.customer,
            country: r.country,
            category: r.category,
            attributes: r.attributes,
            line: r.line,
        })
    }
}

/// What a user did with an item.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EventKind {
    /// Viewed a product page.
    View,
    /// Added to the cart.
    Cart,
    /// Removed from the cart.
    RemoveFromCart,
    /// Bought.
    Purchase,
    /// Any other event type, by its name in the export.
    Other(String),
}

impl EventKind {
    /// Parses the usual spellings (`view`, `cart`/`addtocart`, `remove_from_cart`,
    /// `purchase`/`transaction`), case-insensitively; anything else is `Other`.
    pub fn parse(s: &str) -> EventKind {
        match s.trim().to_ascii_lowercase().as_str() {
            "view" | "pageview" | "page_view" | "detail" => EventKind::View,
            "cart" | "addtocart" | "add_to_cart" => EventKind::Cart,
            "remove_from_cart" | "removefromcart" => EventKind::RemoveFromCart,
            "purchase" | "transaction" | "buy" | "order" => EventKind::Purchase,
            other => EventKind::Other(other.to_string()),
        }
    }
}

/// One behaviour event (click-stream row).
///
/// Loaded from JSON it is checked like a parsed row: non-empty user and
/// item, a timestamp in the supported range, a finite price.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "EventRaw")]
pub struct Event {
    /// User (visitor or customer) id.
    pub user: String,
    /// Item (product) id.
    pub item: String,
    /// Event type.
    pub kind: EventKind,
    /// When it happened (UTC).
    pub timestamp: Timestamp,
    /// Session id, if exported.
    pub session: Option<String>,
    /// Price shown or paid, if exported.
    pub price: Option<f64>,
    /// One-based line number in the source file (Parquet and Arrow rows
    /// are numbered as for [`Transaction::line`]).
    pub line: u64,
}

#[derive(Deserialize)]
struct EventRaw {
    user: String,
    item: String,
    kind: EventKind,
    timestamp: Timestamp,
    session: Option<String>,
    price: Option<f64>,
    line: u64,
}

impl TryFrom<EventRaw> for Event {
    type Error = shopml_core::Error;
    fn try_from(r: EventRaw) -> shopml_core::Result<Self> {
        if let Some(p) = r.price
            && !p.is_finite()
        {
            return Err(shopml_core::Error::NonFinite { what: "event price".into(), row: r.line as usize, column: None, value: p });
        }
        Timestamp::from_seconds(r.timestamp.0)?;
        if r.user.trim().is_empty() || r.item.trim().is_empty() {
            return Err(shopml_core::Error::param("event", format!("line {}: user and item must not be empty", r.line)));
        }
        Ok(Event { user: r.user, item: r.item, kind: r.kind, timestamp: r.timestamp, session: r.session, price: r.price, line: r.line })
    }
}
