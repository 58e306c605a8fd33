//! Column mappings: which column of an export holds which record field.

use serde::{Deserialize, Serialize};

use crate::datetime::DateFormat;
use crate::dialect::{Delimiter, Encoding};
use crate::error::{CleanError, Result};

/// A column, by header name or by zero-based position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Column {
    /// The column whose header cell equals this name (surrounding spaces and a
    /// UTF-8 byte-order mark ignored; case-sensitive).
    Name(String),
    /// The column at this zero-based position.
    Index(usize),
}

impl From<&str> for Column {
    fn from(name: &str) -> Self {
        Column::Name(name.to_string())
    }
}

impl From<String> for Column {
    fn from(name: String) -> Self {
        Column::Name(name)
    }
}

impl From<usize> for Column {
    fn from(index: usize) -> Self {
        Column::Index(index)
    }
}

/// How the CSV text itself is laid out, and the caps that bound a reader's memory.
///
/// ```
/// use shopml_clean::{CsvFormat, Delimiter};
/// let f = CsvFormat::default().delimiter(Delimiter::Whitespace).missing_values(["-", "n/a"]);
/// assert!(f.missing_values.contains(&"-".to_string()));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "CsvFormatRaw")]
pub struct CsvFormat {
    /// Field separator (default `,`).
    pub delimiter: Delimiter,
    /// Quote character (default `"`).
    pub quote: u8,
    /// Whether the first line is a header (default `true`). Without a header,
    /// every [`Column`] must be an [`Index`](Column::Index).
    pub has_header: bool,
    /// Text encoding (default [`Encoding::Auto`]: UTF-8 with a Latin-1 fallback).
    pub encoding: Encoding,
    /// The longest record accepted, in bytes, quoted or not, line breaks
    /// inside quotes included (default [`DEFAULT_MAX_RECORD_BYTES`], 1 MiB).
    /// A longer record is unparsable; the reader stops buffering at the cap
    /// and skips the rest of the physical line, so an unterminated quote or a
    /// huge field cannot swallow memory or the rest of the file.
    pub max_record_bytes: usize,
    /// The most fields a record may have (default [`DEFAULT_MAX_FIELDS`]); more is unparsable.
    pub max_fields: usize,
    /// The most bytes a batch of records handed to the parser threads may
    /// hold (default [`DEFAULT_MAX_BATCH_BYTES`], 4 MiB), counting raw bytes,
    /// the unquoted copy and 16 bytes per field. Checked before a record is
    /// added, malformed records included. Must be at least
    /// `2 × max_record_bytes + 16 × max_fields`, so one record always fits.
    pub max_batch_bytes: usize,
    /// Cell values meaning "missing" in optional text columns (customer,
    /// description, country, category, attributes, session, price of an
    /// event), compared after trimming spaces; an empty cell is always
    /// missing. Default: `NA`, `N/A`, `NaN`, `nan`, `NULL`, `null`, `None`.
    pub missing_values: Vec<String>,
}

/// Default [`CsvFormat::max_record_bytes`]: 1 MiB.
pub const DEFAULT_MAX_RECORD_BYTES: usize = 1 << 20;
/// Default [`CsvFormat::max_fields`]: 4,096.
pub const DEFAULT_MAX_FIELDS: usize = 4096;
/// Default [`CsvFormat::max_batch_bytes`]: 4 MiB.
pub const DEFAULT_MAX_BATCH_BYTES: usize = 4 << 20;

#[derive(Deserialize)]
struct CsvFormatRaw {
    delimiter: Delimiter,
    quote: u8,
    has_header: bool,
    encoding: Encoding,
    max_record_bytes: usize,
    max_fields: usize,
    max_batch_bytes: usize,
    missing_values: Vec<String>,
}

impl TryFrom<CsvFormatRaw> for CsvFormat {
    type Error = shopml_core::Error;
    fn try_from(r: CsvFormatRaw) -> shopml_core::Result<Self> {
        let f = CsvFormat {
            delimiter: r.delimiter,
            quote: r.quote,
            has_header: r.has_header,
            encoding: r.encoding,
            max_record_bytes: r.max_record_bytes,
            max_fields: r.max_fields,
            max_batch_bytes: r.max_batch_bytes,
            missing_values: r.missing_values,
        };
        f.check()?;
        Ok(f)
    }
}

impl Default for CsvFormat {
    fn default() -> Self {
        CsvFormat {
            delimiter: Delimiter::Byte(b','),
            quote: b'"',
            has_header: true,
            encoding: Encoding::Auto,
            max_record_bytes: DEFAULT_MAX_RECORD_BYTES,
            max_fields: DEFAULT_MAX_FIELDS,
            max_batch_bytes: DEFAULT_MAX_BATCH_BYTES,
            missing_values: ["NA", "N/A", "NaN", "nan", "NULL", "null", "None"].iter().map(|s| s.to_string()).collect(),
        }
    }
}

impl CsvFormat {
    /// Sets [`delimiter`](Self::delimiter): a byte, a `char`, a string or [`Delimiter::Whitespace`].
    pub fn delimiter(mut self, d: impl Into<Delimiter>) -> Self {
        self.delimiter = d.into();
        self
    }

    /// Sets [`quote`](Self::quote).
    pub fn quote(mut self, q: u8) -> Self {
        self.quote = q;
        self
    }

    /// Sets [`has_header`](Self::has_header).
    pub fn has_header(mut self, yes: bool) -> Self {
        self.has_header = yes;
        self
    }

    /// Sets [`encoding`](Self::encoding).
    pub fn encoding(mut self, e: Encoding) -> Self {
        self.encoding = e;
        self
    }

    /// Sets [`missing_values`](Self::missing_values) (an empty list leaves only empty cells missing).
    pub fn missing_values(mut self, tokens: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.missing_values = tokens.into_iter().map(Into::into).collect();
        self
    }

    /// Sets the caps [`max_record_bytes`](Self::max_record_bytes),
    /// [`max_fields`](Self::max_fields) and [`max_batch_bytes`](Self::max_batch_bytes).
    pub fn limits(mut self, max_record_bytes: usize, max_fields: usize, max_batch_bytes: usize) -> Self {
        self.max_record_bytes = max_record_bytes;
        self.max_fields = max_fields;
        self.max_batch_bytes = max_batch_bytes;
        self
    }

    pub(crate) fn is_missing(&self, s: &str) -> bool {
        let s = s.trim();
        s.is_empty() || self.missing_values.iter().any(|m| m == s)
    }

    /// Checks the layout and the caps.
    pub fn check(&self) -> shopml_core::Result<()> {
        use shopml_core::Error;
        self.delimiter.check(self.quote)?;
        if matches!(self.quote, b'\n' | b'\r') {
            return Err(Error::param("quote", "may not be a line break"));
        }
        if self.max_record_bytes == 0 || self.max_record_bytes > 1 << 30 {
            return Err(Error::param("max_record_bytes", format!("{} is not in 1 ..= 1 GiB", self.max_record_bytes)));
        }
        if self.max_fields == 0 || self.max_fields > 1 << 20 {
            return Err(Error::param("max_fields", format!("{} is not in 1 ..= 1,048,576", self.max_fields)));
        }
        let need = 2 * self.max_record_bytes + 16 * self.max_fields;
        if self.max_batch_bytes < need {
            return Err(Error::param(
                "max_batch_bytes",
                format!("{} is less than 2 × max_record_bytes + 16 × max_fields = {need}, so a record might not fit", self.max_batch_bytes),
            ));
        }
        Ok(())
    }
}

/// The fields of a [`Transaction`](crate::Transaction), for choosing duplicate keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Field {
    /// Invoice number.
    Invoice,
    /// Product code.
    Product,
    /// Description.
    Description,
    /// Quantity.
    Quantity,
    /// Timestamp.
    Timestamp,
    /// Unit price (given, or derived from a line total).
    UnitPrice,
    /// Customer id.
    Customer,
    /// Country.
    Country,
    /// Product category.
    Category,
}

impl Field {
    pub(crate) const ALL: [Field; 9] = [
        Field::Invoice,
        Field::Product,
        Field::Description,
        Field::Quantity,
        Field::Timestamp,
        Field::UnitPrice,
        Field::Customer,
        Field::Country,
        Field::Category,
    ];

    /// The field's name, as used in messages and the quarantine file.
    pub fn name(self) -> &'static str {
        match self {
            Field::Invoice => "invoice",
            Field::Product => "product",
            Field::Description => "description",
            Field::Quantity => "quantity",
            Field::Timestamp => "timestamp",
            Field::UnitPrice => "unit_price",
            Field::Customer => "customer",
            Field::Country => "country",
            Field::Category => "category",
        }
    }
}

/// Where an order line's price comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PriceColumn {
    /// A price per unit.
    Unit(Column),
    /// The line's total (`quantity × unit price`); the unit price is derived
    /// as `total / quantity`. A line with quantity 0 then has no unit price
    /// and is unparsable (its total is kept nowhere); a return with a
    /// negative total and a negative quantity gets a positive unit price.
    LineTotal(Column),
}

impl PriceColumn {
    pub(crate) fn column(&self) -> &Column {
        match self {
            PriceColumn::Unit(c) | PriceColumn::LineTotal(c) => c,
        }
    }
}

/// Where each order-line field lives in a CSV export, and how the file is laid out.
///
/// ```
/// use shopml_clean::{Column, DateFormat, Delimiter, TransactionSchema};
/// // A custom export without header: positions.
/// let schema = TransactionSchema::new(0usize, 1usize, 2usize, 3usize, 4usize)
///     .customer(5usize)
///     .date_format(DateFormat::UnixSeconds)
///     .has_header(false);
/// assert_eq!(schema.customer, Some(Column::Index(5)));
/// // An orders export with a line total, a category and two more columns kept.
/// let schema = TransactionSchema::new("order_id", "sku", "qty", "created_at", "unit_price")
///     .line_total("total")
///     .customer("customer")
///     .category("category")
///     .attributes(["channel", "coupon"])
///     .delimiter(Delimiter::Whitespace);
/// assert!(schema.attributes.len() == 2);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "TransactionSchemaRaw")]
pub struct TransactionSchema {
    /// Invoice / order number (required).
    pub invoice: Column,
    /// Product code (required).
    pub product: Column,
    /// Free-text description.
    pub description: Option<Column>,
    /// Units (required).
    pub quantity: Column,
    /// Order time (required).
    pub timestamp: Column,
    /// Price per unit or line total (required).
    pub price: PriceColumn,
    /// Customer id.
    pub customer: Option<Column>,
    /// Country.
    pub country: Option<Column>,
    /// Product category, carried to [`Transaction::category`](crate::Transaction::category).
    pub category: Option<Column>,
    /// More columns carried to [`Transaction::attributes`](crate::Transaction::attributes),
    /// named by their header cell (or `column_<n>`, one-based, without a header).
    pub attributes: Vec<Column>,
    /// Carry every header column that no other field maps as an attribute
    /// (default `false`; needs a header).
    pub other_columns: bool,
    /// Layout of the timestamp column.
    pub date_format: DateFormat,
    /// CSV layout, encoding, missing-value tokens and memory caps.
    pub csv: CsvFormat,
}

#[derive(Deserialize)]
struct TransactionSchemaRaw {
    invoice: Column,
    product: Column,
    description: Option<Column>,
    quantity: Column,
    timestamp: Column,
    price: PriceColumn,
    customer: Option<Column>,
    country: Option<Column>,
    category: Option<Column>,
    attributes: Vec<Column>,
    other_columns: bool,
    date_format: DateFormat,
    csv: CsvFormat,
}

impl TryFrom<TransactionSchemaRaw> for TransactionSchema {
    type Error = shopml_core::Error;
    fn try_from(r: TransactionSchemaRaw) -> shopml_core::Result<Self> {
        let s = TransactionSchema {
            invoice: r.invoice,
            product: r.product,
            description: r.description,
            quantity: r.quantity,
            timestamp: r.timestamp,
            price: r.price,
            customer: r.customer,
            country: r.country,
            category: r.category,
            attributes: r.attributes,
            other_columns: r.other_columns,
            date_format: r.date_format,
            csv: r.csv,
        };
        s.check()?;
        Ok(s)
    }
}

impl TransactionSchema {
    /// A schema with the required columns; optional ones are added with the builder methods.
    pub fn new(
        invoice: impl Into<Column>,
        product: impl Into<Column>,
        quantity: impl Into<Column>,
        timestamp: impl Into<Column>,
        unit_price: impl Into<Column>,
    ) -> Self {
        TransactionSchema {
            invoice: invoice.into(),
            product: product.into(),
            description: None,
            quantity: quantity.into(),
            timestamp: timestamp.into(),
            price: PriceColumn::Unit(unit_price.into()),
            customer: None,
            country: None,
            category: None,
            attributes: Vec::new(),
            other_columns: false,
            date_format: DateFormat::Auto,
            csv: CsvFormat::default(),
        }
    }

    /// The UCI Online Retail layout: `InvoiceNo, StockCode, Description,
    /// Quantity, InvoiceDate, UnitPrice, CustomerID, Country`, dates as
    /// `YYYY-MM-DD HH:MM:SS` ([`DateFormat::Auto`]; the original spreadsheet's
    /// `12/1/2010 8:26` needs `.date_format(DateFormat::MdyHm)`). Pair it with
    /// [`CleaningRules::online_retail`](crate::CleaningRules::online_retail).
    pub fn online_retail() -> Self {
        TransactionSchema::new("InvoiceNo", "StockCode", "Quantity", "InvoiceDate", "UnitPrice")
            .description("Description")
            .customer("CustomerID")
            .country("Country")
    }

    /// Sets the description column.
    pub fn description(mut self, c: impl Into<Column>) -> Self {
        self.description = Some(c.into());
        self
    }

    /// Sets the customer column.
    pub fn customer(mut self, c: impl Into<Column>) -> Self {
        self.customer = Some(c.into());
        self
    }

    /// Sets the country column.
    pub fn country(mut self, c: impl Into<Column>) -> Self {
        self.country = Some(c.into());
        self
    }

    /// Sets the category column.
    pub fn category(mut self, c: impl Into<Column>) -> Self {
        self.category = Some(c.into());
        self
    }

    /// Sets the unit-price column (replacing a line total).
    pub fn unit_price(mut self, c: impl Into<Column>) -> Self {
        self.price = PriceColumn::Unit(c.into());
        self
    }

    /// Reads prices from a line-total column instead of a unit price (see [`PriceColumn::LineTotal`]).
    pub fn line_total(mut self, c: impl Into<Column>) -> Self {
        self.price = PriceColumn::LineTotal(c.into());
        self
    }

    /// Sets the extra columns carried as [`attributes`](Self::attributes).
    pub fn attributes(mut self, columns: impl IntoIterator<Item = impl Into<Column>>) -> Self {
        self.attributes = columns.into_iter().map(Into::into).collect();
        self
    }

    /// Sets [`other_columns`](Self::other_columns).
    pub fn other_columns(mut self, yes: bool) -> Self {
        self.other_columns = yes;
        self
    }

    /// Sets the timestamp layout.
    pub fn date_format(mut self, f: DateFormat) -> Self {
        self.date_format = f;
        self
    }

    /// Sets the whole CSV layout.
    pub fn csv(mut self, csv: CsvFormat) -> Self {
        self.csv = csv;
        self
    }

    /// Sets whether the first line is a header.
    pub fn has_header(mut self, yes: bool) -> Self {
        self.csv.has_header = yes;
        self
    }

    /// Sets the field delimiter: a byte, a `char`, a string or [`Delimiter::Whitespace`].
    pub fn delimiter(mut self, d: impl Into<Delimiter>) -> Self {
        self.csv.delimiter = d.into();
        self
    }

    /// Sets the text encoding.
    pub fn encoding(mut self, e: Encoding) -> Self {
        self.csv.encoding = e;
        self
    }

    /// Sets the cell values meaning "missing" ([`CsvFormat::missing_values`]).
    pub fn missing_values(mut self, tokens: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.csv = self.csv.missing_values(tokens);
        self
    }

    /// Checks the layout: the CSV format, and named columns only with a header.
    pub fn check(&self) -> shopml_core::Result<()> {
        self.csv.check()?;
        if self.other_columns && !self.csv.has_header {
            return Err(shopml_core::Error::param("other_columns", "carrying unmapped columns by name needs a header"));
        }
        Ok(())
    }

    pub(crate) fn column(&self, f: Field) -> Option<&Column> {
        match f {
            Field::Invoice => Some(&self.invoice),
            Field::Product => Some(&self.product),
            Field::Description => self.description.as_ref(),
            Field::Quantity => Some(&self.quantity),
            Field::Timestamp => Some(&self.timestamp),
            Field::UnitPrice => Some(self.price.column()),
            Field::Customer => self.customer.as_ref(),
            Field::Country => self.country.as_ref(),
            Field::Category => self.category.as_ref(),
        }
    }
}

/// Resolves a column against the header (if any); `n_columns` is the header width.
/// A name that occurs more than once in the header is an error, not the first match.
pub(crate) fn resolve(column: &Column, field: &str, header: Option<&[String]>, n_columns: Option<usize>) -> Result<usize> {
    match column {
        Column::Index(i) => match n_columns {
            Some(n) if *i >= n => Err(CleanError::ColumnOutOfRange { index: *i, field: field.to_string(), n_columns: n }),
            _ => Ok(*i),
        },
        Column::Name(name) => {
            let Some(h) = header else {
                return Err(CleanError::Core(shopml_core::Error::param(
                    "has_header",
                    format!("column `{name}` for {field} is given by name, but the schema says the file has no header"),
                )));
            };
            let name = name.trim();
            let mut hits = h.iter().enumerate().filter(|(_, c)| *c == name).map(|(i, _)| i);
            let first = hits.next().ok_or_else(|| CleanError::MissingColumn {
                name: name.to_string(),
                field: field.to_string(),
                header: crate::dialect::preview(&h.join(","), 500).into_owned(),
            })?;
            if let Some(second) = hits.next() {
                return Err(CleanError::DuplicateColumn { name: name.to_string(), first: first + 1, second: second + 1 });
            }
            Ok(first)
        }
    }
}
