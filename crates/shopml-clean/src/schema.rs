//! Column mappings: which column of an export holds which record field.

use serde::{Deserialize, Serialize};

use crate::csv::Encoding;
use crate::datetime::DateFormat;
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

/// How the CSV text itself is laid out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CsvFormat {
    /// Field separator (default `,`).
    pub delimiter: u8,
    /// Quote character (default `"`).
    pub quote: u8,
    /// Whether the first line is a header (default `true`). Without a header,
    /// every [`Column`] must be an [`Index`](Column::Index).
    pub has_header: bool,
    /// Text encoding (default [`Encoding::Auto`]: UTF-8 with a Latin-1 fallback).
    pub encoding: Encoding,
    /// The longest record accepted, in bytes (default 1 MiB); a longer quoted
    /// field (usually an unterminated quote) makes the record unparsable instead
    /// of swallowing the rest of the file.
    pub max_record_bytes: usize,
    /// Cell values meaning "missing" in optional text columns (customer,
    /// description, country, session, …), compared after trimming spaces.
    /// Default: empty, `NA`, `N/A`, `NaN`, `nan`, `NULL`, `null`, `None`.
    pub missing_values: Vec<String>,
}

impl Default for CsvFormat {
    fn default() -> Self {
        CsvFormat {
            delimiter: b',',
            quote: b'"',
            has_header: true,
            encoding: Encoding::Auto,
            max_record_bytes: 1 << 20,
            missing_values: ["", "NA", "N/A", "NaN", "nan", "NULL", "null", "None"].iter().map(|s| s.to_string()).collect(),
        }
    }
}

impl CsvFormat {
    pub(crate) fn is_missing(&self, s: &str) -> bool {
        let s = s.trim();
        s.is_empty() || self.missing_values.iter().any(|m| m == s)
    }

    pub(crate) fn check(&self) -> shopml_core::Result<()> {
        if self.delimiter == self.quote {
            return Err(shopml_core::Error::param("delimiter", "must differ from the quote character"));
        }
        if matches!(self.delimiter, b'\n' | b'\r') || matches!(self.quote, b'\n' | b'\r') {
            return Err(shopml_core::Error::param("delimiter", "neither delimiter nor quote may be a line break"));
        }
        if self.max_record_bytes == 0 {
            return Err(shopml_core::Error::param("max_record_bytes", "must be at least 1"));
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
    /// Unit price.
    UnitPrice,
    /// Customer id.
    Customer,
    /// Country.
    Country,
}

impl Field {
    pub(crate) const ALL: [Field; 8] = [
        Field::Invoice,
        Field::Product,
        Field::Description,
        Field::Quantity,
        Field::Timestamp,
        Field::UnitPrice,
        Field::Customer,
        Field::Country,
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
        }
    }
}

/// Where each order-line field lives in a CSV export.
///
/// ```
/// use shopml_clean::{Column, DateFormat, TransactionSchema};
/// // A custom export without header: positions.
/// let schema = TransactionSchema::new(0usize, 1usize, 2usize, 3usize, 4usize)
///     .customer(5usize)
///     .date_format(DateFormat::UnixSeconds)
///     .has_header(false);
/// assert_eq!(schema.customer, Some(Column::Index(5)));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// Price per unit (required).
    pub unit_price: Column,
    /// Customer id.
    pub customer: Option<Column>,
    /// Country.
    pub country: Option<Column>,
    /// Layout of the timestamp column.
    pub date_format: DateFormat,
    /// CSV layout and encoding.
    pub csv: CsvFormat,
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
            unit_price: unit_price.into(),
            customer: None,
            country: None,
            date_format: DateFormat::Auto,
            csv: CsvFormat::default(),
        }
    }

    /// The UCI Online Retail layout: `InvoiceNo, StockCode, Description,
    /// Quantity, InvoiceDate, UnitPrice, CustomerID, Country`, dates as
    /// `YYYY-MM-DD HH:MM:SS` or `MM/DD/YYYY HH:MM` (detected per value).
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

    /// Sets the timestamp layout.
    pub fn date_format(mut self, f: DateFormat) -> Self {
        self.date_format = f;
        self
    }

    /// Sets whether the first line is a header.
    pub fn has_header(mut self, yes: bool) -> Self {
        self.csv.has_header = yes;
        self
    }

    /// Sets the field delimiter.
    pub fn delimiter(mut self, d: u8) -> Self {
        self.csv.delimiter = d;
        self
    }

    /// Sets the text encoding.
    pub fn encoding(mut self, e: Encoding) -> Self {
        self.csv.encoding = e;
        self
    }

    pub(crate) fn column(&self, f: Field) -> Option<&Column> {
        match f {
            Field::Invoice => Some(&self.invoice),
            Field::Product => Some(&self.product),
            Field::Description => self.description.as_ref(),
            Field::Quantity => Some(&self.quantity),
            Field::Timestamp => Some(&self.timestamp),
            Field::UnitPrice => Some(&self.unit_price),
            Field::Customer => self.customer.as_ref(),
            Field::Country => self.country.as_ref(),
        }
    }
}

/// Resolves a column against the header (if any); `n_columns` is the header width.
pub(crate) fn resolve(column: &Column, field: &'static str, header: Option<&[String]>, n_columns: Option<usize>) -> Result<usize> {
    match column {
        Column::Index(i) => match n_columns {
            Some(n) if *i >= n => Err(CleanError::ColumnOutOfRange { index: *i, field, n_columns: n }),
            _ => Ok(*i),
        },
        Column::Name(name) => {
            let Some(h) = header else {
                return Err(CleanError::Core(shopml_core::Error::param(
                    "has_header",
                    format!("column `{name}` for {field} is given by name, but the schema says the file has no header"),
                )));
            };
            h.iter().position(|c| c == name.trim()).ok_or_else(|| CleanError::MissingColumn {
                name: name.clone(),
                field,
                header: h.join(","),
            })
        }
    }
}
