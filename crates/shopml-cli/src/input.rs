//! Reading an export: the column-mapping options every subcommand shares.

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use shopml::clean::{Cleaned, CleaningRules, DateFormat, Delimiter, MissingCustomer, ReadOptions, TransactionSchema, read, read_with};
use shopml::privacy::{Key, PrivacyHook, Pseudonymiser, PseudonymiserParams};

/// Which defaults to start from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Preset {
    /// Neutral rules for any shop; columns named invoice, product, quantity,
    /// timestamp, unit_price (and optionally customer, description, country,
    /// category) unless mapped with the --*-col options.
    Neutral,
    /// The UCI Online Retail export: its column names and its rules
    /// ('C' invoices are cancellations, postage/fee codes are not products).
    OnlineRetail,
}

/// How dates are written in the export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DateLayout {
    /// Decide per value and never guess (ambiguous values are quarantined).
    Auto,
    /// `YYYY-MM-DD[ HH:MM[:SS]]` with optional offset.
    Iso,
    /// MM/DD/YYYY HH:MM.
    Mdy,
    /// DD/MM/YYYY HH:MM.
    Dmy,
    /// `DD.MM.YYYY[ HH:MM]`.
    DmyDot,
    /// `YYYYMMDD[HHMM[SS]]`.
    Compact,
    /// Seconds since 1970.
    Unix,
    /// Milliseconds since 1970.
    UnixMs,
}

/// Column mapping and cleaning options.
#[derive(Debug, Clone, Args)]
pub struct ReadArgs {
    /// Defaults to start from (columns and rules).
    #[arg(long, value_enum, default_value_t = Preset::Neutral)]
    pub preset: Preset,
    /// Invoice / order id column.
    #[arg(long, value_name = "NAME")]
    pub invoice_col: Option<String>,
    /// Product (SKU) column.
    #[arg(long, value_name = "NAME")]
    pub product_col: Option<String>,
    /// Quantity column.
    #[arg(long, value_name = "NAME")]
    pub quantity_col: Option<String>,
    /// Date / timestamp column.
    #[arg(long, value_name = "NAME")]
    pub date_col: Option<String>,
    /// Unit price column.
    #[arg(long, value_name = "NAME")]
    pub price_col: Option<String>,
    /// Line total column, instead of a unit price (unit price = total / quantity).
    #[arg(long, value_name = "NAME", conflicts_with = "price_col")]
    pub line_total_col: Option<String>,
    /// Customer id column.
    #[arg(long, value_name = "NAME")]
    pub customer_col: Option<String>,
    /// Product description column.
    #[arg(long, value_name = "NAME")]
    pub description_col: Option<String>,
    /// Country column.
    #[arg(long, value_name = "NAME")]
    pub country_col: Option<String>,
    /// Product category column.
    #[arg(long, value_name = "NAME")]
    pub category_col: Option<String>,
    /// How dates are written.
    #[arg(long, value_enum, default_value_t = DateLayout::Auto)]
    pub date_format: DateLayout,
    /// Field separator: one character, several (e.g. '||'), or 'whitespace'.
    #[arg(long, default_value = ",")]
    pub delimiter: String,
    /// Keep sales without a customer id (guest orders) instead of quarantining them.
    #[arg(long)]
    pub keep_guests: bool,
    /// Pseudonymise customer ids as they are read, under the secret key in
    /// this file (at least 32 bytes; HMAC-SHA-256): no raw id is printed,
    /// descriptions are masked for e-mails, phones, cards and IBANs, and
    /// quarantined rows are redacted. Example: --pseudonymise-key-file shop.key
    #[arg(long, value_name = "FILE")]
    pub pseudonymise_key_file: Option<PathBuf>,
}

impl ReadArgs {
    /// The schema and rules these options describe.
    pub fn schema_and_rules(&self) -> (TransactionSchema, CleaningRules) {
        let (mut schema, mut rules) = match self.preset {
            Preset::OnlineRetail => (TransactionSchema::online_retail(), CleaningRules::online_retail()),
            Preset::Neutral => {
                let s = TransactionSchema::new("invoice", "product", "quantity", "timestamp", "unit_price");
                (s, CleaningRules::default())
            }
        };
        if self.invoice_col.is_some()
            || self.product_col.is_some()
            || self.quantity_col.is_some()
            || self.date_col.is_some()
            || self.price_col.is_some()
        {
            let base = match self.preset {
                Preset::OnlineRetail => ["InvoiceNo", "StockCode", "Quantity", "InvoiceDate", "UnitPrice"],
                Preset::Neutral => ["invoice", "product", "quantity", "timestamp", "unit_price"],
            };
            let get = |o: &Option<String>, d: &str| o.clone().unwrap_or_else(|| d.to_string());
            let fresh = TransactionSchema::new(
                get(&self.invoice_col, base[0]),
                get(&self.product_col, base[1]),
                get(&self.quantity_col, base[2]),
                get(&self.date_col, base[3]),
                get(&self.price_col, base[4]),
            );
            schema = match self.preset {
                Preset::OnlineRetail => fresh.description("Description").customer("CustomerID").country("Country"),
                Preset::Neutral => fresh,
            };
        }
        if let Some(c) = &self.line_total_col {
            schema = schema.line_total(c.as_str());
        }
        // The neutral layout names its customer column `customer`.
        match (&self.customer_col, self.preset) {
            (Some(c), _) => schema = schema.customer(c.as_str()),
            (None, Preset::Neutral) => schema = schema.customer("customer"),
            (None, Preset::OnlineRetail) => {}
        }
        if let Some(c) = &self.description_col {
            schema = schema.description(c.as_str());
        }
        if let Some(c) = &self.country_col {
            schema = schema.country(c.as_str());
        }
        if let Some(c) = &self.category_col {
            schema = schema.category(c.as_str());
        }
        schema = schema.date_format(match self.date_format {
            DateLayout::Auto => DateFormat::Auto,
            DateLayout::Iso => DateFormat::Iso8601,
            DateLayout::Mdy => DateFormat::MdyHm,
            DateLayout::Dmy => DateFormat::DmyHm,
            DateLayout::DmyDot => DateFormat::DmyDot,
            DateLayout::Compact => DateFormat::Compact,
            DateLayout::Unix => DateFormat::UnixSeconds,
            DateLayout::UnixMs => DateFormat::UnixMillis,
        });
        let delimiter: Delimiter = if self.delimiter == "whitespace" { Delimiter::Whitespace } else { self.delimiter.as_str().into() };
        schema = schema.delimiter(delimiter);
        if self.keep_guests {
            rules = rules.missing_customer(MissingCustomer::Keep);
        }
        (schema, rules)
    }

    /// Reads and cleans `path`.
    pub fn read(&self, path: &Path) -> Result<Cleaned, Box<dyn std::error::Error>> {
        let (schema, rules) = self.schema_and_rules();
        let cleaned = match &self.pseudonymise_key_file {
            None => read(path, &schema, &rules),
            Some(key_file) => {
                let key = Key::from_file(key_file).map_err(|e| format!("{}: {e}", key_file.display()))?;
                let pseudonymiser = Pseudonymiser::new(key, PseudonymiserParams::default())?;
                let hook = PrivacyHook::pseudonymise_and_mask(&schema, &pseudonymiser)?;
                read_with(path, &schema, &rules, ReadOptions::new().hook(&hook))
            }
        }
        .map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(cleaned)
    }
}

/// The export argument of a subcommand.
pub fn export_path(p: &Option<PathBuf>) -> Result<&Path, Box<dyn std::error::Error>> {
    p.as_deref().ok_or_else(|| "an export file is needed (or --model to use a saved model)".into())
}
