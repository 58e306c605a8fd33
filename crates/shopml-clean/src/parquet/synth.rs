//! A seeded generator of Online-Retail-shaped order lines with defects
//! planted in known numbers, written as Parquet (one folder of files) or CSV.
//!
//! The table has the UCI Online Retail columns (`InvoiceNo`, `StockCode`,
//! `Description`, `Quantity`, `InvoiceDate`, `UnitPrice`, `CustomerID`,
//! `Country`), so [`TransactionSchema::online_retail`](crate::TransactionSchema::online_retail)
//! with [`CleaningRules::online_retail`](crate::CleaningRules::online_retail)
//! reads it. Invoices of 1–20 distinct products are spread over a year with
//! a weekly pattern (busy Thursdays, quiet Sundays, no Saturdays, like the
//! real export); customers are mostly British. Then, on disjoint rows chosen
//! at random, it plants exactly `round(share × lines)` of each kind
//! ([`RowKind`]): cancellations (`C` invoice, negative quantity), bad
//! quantities, missing product codes, bad dates, missing customers, and
//! exact duplicates (a copy right after its original). [`Planted`] has the
//! counts, [`Synthetic::kind`] each row's kind.
//!
//! With [`SynthParams::typed`] (the default) Parquet columns are typed as a
//! data pipeline would write them: `Quantity` `Int64` (a bad quantity is a
//! null), `InvoiceDate` `Timestamp(Second)` (a bad date is in the year 1850,
//! before the supported range: [`Reason::DateOutOfRange`](crate::Reason::DateOutOfRange)),
//! `UnitPrice` and `CustomerID` `Float64`. Untyped, every column is text,
//! bad quantities are words (`six`) and bad dates impossible days
//! (`2011-02-30 10:00:00`): both [`Reason::Unparsable`](crate::Reason::Unparsable).
//! The CSV holds the same values as text either way.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ::parquet::arrow::ArrowWriter;
use ::parquet::basic::Compression;
use ::parquet::file::properties::WriterProperties;
use arrow_array::{ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray, TimestampSecondArray};
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use shopml_core::{Error, Params};

use crate::error::{CleanError, Result};

/// Parameters of [`generate`]: size, shape and the share of each planted defect.
///
/// ```
/// use shopml_clean::parquet::SynthParams;
/// let p = SynthParams::new(10_000, 300, 200).files(8).seed(3).returns(0.03).typed(false);
/// assert_eq!(p.files, 8);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SynthParams {
    /// Order lines in total, duplicates included.
    pub lines: usize,
    /// Distinct customers.
    pub customers: usize,
    /// Distinct products.
    pub products: usize,
    /// Parquet files the lines are split into (contiguous, near-equal parts).
    pub files: usize,
    /// Rows per Parquet row group (several per file exercise the streaming).
    pub row_group_rows: usize,
    /// Random seed: the same parameters give the same table.
    pub seed: u64,
    /// Typed Parquet columns (default) or text only (see the module documentation).
    pub typed: bool,
    /// Share of cancellation lines (default 0.02).
    pub returns: f64,
    /// Share of unparsable quantities (default 0.01).
    pub bad_quantity: f64,
    /// Share of lines without a product code (default 0.005).
    pub missing_product: f64,
    /// Share of bad dates (default 0.005).
    pub bad_date: f64,
    /// Share of lines without a customer id (default 0.05).
    pub missing_customer: f64,
    /// Share of exact duplicate lines (default 0.01).
    pub duplicates: f64,
}

impl SynthParams {
    /// `lines` order lines over `customers` customers and `products` products,
    /// one file, seed 0, the default shares.
    pub fn new(lines: usize, customers: usize, products: usize) -> Self {
        SynthParams {
            lines,
            customers,
            products,
            files: 1,
            row_group_rows: 1000,
            seed: 0,
            typed: true,
            returns: 0.02,
            bad_quantity: 0.01,
            missing_product: 0.005,
            bad_date: 0.005,
            missing_customer: 0.05,
            duplicates: 0.01,
        }
    }

    /// Sets [`files`](Self::files).
    pub fn files(mut self, n: usize) -> Self {
        self.files = n;
        self
    }

    /// Sets [`row_group_rows`](Self::row_group_rows).
    pub fn row_group_rows(mut self, n: usize) -> Self {
        self.row_group_rows = n;
        self
    }

    /// Sets [`seed`](Self::seed).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Sets [`typed`](Self::typed).
    pub fn typed(mut self, yes: bool) -> Self {
        self.typed = yes;
        self
    }

    /// Sets [`returns`](Self::returns).
    pub fn returns(mut self, share: f64) -> Self {
        self.returns = share;
        self
    }

    /// Sets [`bad_quantity`](Self::bad_quantity).
    pub fn bad_quantity(mut self, share: f64) -> Self {
        self.bad_quantity = share;
        self
    }

    /// Sets [`missing_product`](Self::missing_product).
    pub fn missing_product(mut self, share: f64) -> Self {
        self.missing_product = share;
        self
    }

    /// Sets [`bad_date`](Self::bad_date).
    pub fn bad_date(mut self, share: f64) -> Self {
        self.bad_date = share;
        self
    }

    /// Sets [`missing_customer`](Self::missing_customer).
    pub fn missing_customer(mut self, share: f64) -> Self {
        self.missing_customer = share;
        self
    }

    /// Sets [`duplicates`](Self::duplicates).
    pub fn duplicates(mut self, share: f64) -> Self {
        self.duplicates = share;
        self
    }

    fn count(&self, share: f64) -> usize {
        (share * self.lines as f64).round() as usize
    }
}

impl Params for SynthParams {
    fn check(&self) -> shopml_core::Result<()> {
        if self.lines == 0 {
            return Err(Error::param("lines", "must be at least 1"));
        }
        if self.customers == 0 {
            return Err(Error::param("customers", "must be at least 1"));
        }
        if self.products == 0 {
            return Err(Error::param("products", "must be at least 1"));
        }
        if self.files == 0 || self.files > self.lines {
            return Err(Error::param("files", format!("{} is not in 1 ..= lines", self.files)));
        }
        if self.row_group_rows == 0 {
            return Err(Error::param("row_group_rows", "must be at least 1"));
        }
        let shares = [
            ("returns", self.returns),
            ("bad_quantity", self.bad_quantity),
            ("missing_product", self.missing_product),
            ("bad_date", self.bad_date),
            ("missing_customer", self.missing_customer),
            ("duplicates", self.duplicates),
        ];
        for (name, s) in shares {
            if !(0.0..=1.0).contains(&s) {
                return Err(Error::param(name, format!("share {s} is not in [0, 1]")));
            }
        }
        // Every planted row is a different base row, and each duplicate copies a clean sale.
        let dup = self.count(self.duplicates);
        let planted: usize = shares[..5].iter().map(|&(_, s)| self.count(s)).sum();
        if planted + 2 * dup > self.lines {
            return Err(Error::param("shares", "the planted rows and the originals of the duplicates do not fit in the lines"));
        }
        Ok(())
    }
}

/// What a generated row is, and so how the Online Retail rules treat it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RowKind {
    /// A valid sale (kept).
    Sale,
    /// A cancellation: `C` invoice, negative quantity (split off as a return).
    Return,
    /// An unparsable quantity (unparsable).
    BadQuantity,
    /// No product code (unparsable).
    MissingProduct,
    /// A bad date (out of range when typed, unparsable otherwise).
    BadDate,
    /// No customer id (quarantined as a missing customer).
    MissingCustomer,
    /// An exact copy of the sale before it (quarantined as a duplicate).
    Duplicate,
}

/// How many rows of each kind [`generate`] planted; `lines` is their sum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Planted {
    /// Rows in total.
    pub lines: u64,
    /// Valid sales.
    pub sales: u64,
    /// Cancellations.
    pub returns: u64,
    /// Unparsable quantities.
    pub bad_quantity: u64,
    /// Missing product codes.
    pub missing_product: u64,
    /// Bad dates.
    pub bad_date: u64,
    /// Missing customers.
    pub missing_customer: u64,
    /// Exact duplicates.
    pub duplicates: u64,
}

/// A quantity or a date as planted: a value, a null, or bad text.
#[derive(Debug, Clone)]
enum Cell<T> {
    Value(T),
    Null,
    Text(&'static str),
}

#[derive(Debug, Clone)]
struct Line {
    invoice: String,
    product: Option<usize>,
    quantity: Cell<i64>,
    /// Seconds since the epoch.
    date: Cell<i64>,
    customer: Option<usize>,
    kind: RowKind,
}

/// A generated table (see [`generate`]).
#[derive(Debug, Clone)]
pub struct Synthetic {
    params: SynthParams,
    products: Vec<(String, String, f64)>,
    countries: Vec<&'static str>,
    lines: Vec<Line>,
    planted: Planted,
}

/// SplitMix64: a small, fast, seedable generator; enough for test data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        ((self.next() as u128 * n as u128) >> 64) as usize
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

const ADJECTIVES: [&str; 8] = ["WHITE", "RED", "VINTAGE", "JUMBO", "REGENCY", "PINK", "SET OF 3", "HEART"];
const NOUNS: [&str; 8] = ["T-LIGHT HOLDER", "LANTERN", "BAG", "TEACUP", "ALARM CLOCK", "BUNTING", "CAKE TIN", "CUSHION COVER"];
const COUNTRIES: [&str; 6] = ["France", "Germany", "EIRE", "Spain", "Netherlands", "Belgium"];
/// Relative order volume by weekday, Monday first (no orders on Saturdays).
const WEEKDAY_WEIGHT: [f64; 7] = [1.0, 1.1, 1.1, 1.3, 0.9, 0.0, 0.6];
const QUANTITIES: [i64; 10] = [1, 2, 2, 3, 4, 6, 6, 12, 12, 24];
const BAD_QUANTITIES: [&str; 4] = ["six", "1O", "3 pcs", "?"];
const BAD_DATES: [&str; 4] = ["2011-02-30 10:00:00", "2011-13-01 09:00:00", "not a date", "31/02/2011 10:00"];
/// 2010-12-01, the first day of the UCI export.
const START_DAY: i64 = 14_944;

/// Generates a table (see the [module documentation](self)).
pub fn generate(params: &SynthParams) -> Result<Synthetic> {
    params.check()?;
    let mut rng = Rng(params.seed ^ 0x5eed_0f04_117e_7a00);
    let products: Vec<(String, String, f64)> = (0..params.products)
        .map(|k| {
            let code = if k % 7 == 3 { format!("{}{}", 20_000 + k, (b'A' + (k % 5) as u8) as char) } else { (20_000 + k).to_string() };
            let mut desc = format!("{} {}", ADJECTIVES[rng.below(ADJECTIVES.len())], NOUNS[rng.below(NOUNS.len())]);
            if k % 13 == 5 {
                desc = format!("{desc}, ASSORTED"); // a comma: quoted in CSV
            } else if k % 17 == 8 {
                desc = format!("{desc} 5\" FRAME"); // a quote
            }
            // Log-uniform between 0.40 and 15.00, in pence.
            let price = ((0.4f64.ln() + rng.unit() * (15.0f64 / 0.4).ln()).exp() * 100.0).round() / 100.0;
            (code, desc, price.max(0.01))
        })
        .collect();
    let countries: Vec<&'static str> =
        (0..params.customers).map(|c| if c % 10 == 7 { COUNTRIES[c / 10 % COUNTRIES.len()] } else { "United Kingdom" }).collect();

    let n_dup = params.count(params.duplicates);
    let base = params.lines - n_dup;
    let mut lines: Vec<Line> = Vec::with_capacity(base);
    let mut invoice = 536_365u64;
    let max_weight = WEEKDAY_WEIGHT.iter().cloned().fold(0.0, f64::max);
    while lines.len() < base {
        // A day of the year, thinned by the weekday pattern (1970-01-01 was a Thursday).
        let day = loop {
            let d = START_DAY + rng.below(365) as i64;
            let weekday = (d + 3).rem_euclid(7) as usize;
            if rng.unit() * max_weight < WEEKDAY_WEIGHT[weekday] {
                break d;
            }
        };
        let at = day * 86_400 + (8 + rng.below(12) as i64) * 3600 + rng.below(60) as i64 * 60;
        let customer = rng.below(params.customers);
        let n = (1 + rng.below(params.products.min(20))).min(base - lines.len());
        let mut chosen: Vec<usize> = Vec::with_capacity(n);
        while chosen.len() < n {
            let p = rng.below(params.products);
            if !chosen.contains(&p) {
                chosen.push(p);
            }
        }
        for p in chosen {
            lines.push(Line {
                invoice: invoice.to_string(),
                product: Some(p),
                quantity: Cell::Value(QUANTITIES[rng.below(QUANTITIES.len())]),
                date: Cell::Value(at),
                customer: Some(customer),
                kind: RowKind::Sale,
            });
        }
        invoice += 1;
    }

    // Disjoint random rows for each planted kind: a partial Fisher–Yates shuffle.
    let mut order: Vec<usize> = (0..base).collect();
    let mut take = |k: usize, rng: &mut Rng, taken: &mut usize| -> Vec<usize> {
        let from = *taken;
        for i in from..from + k {
            let j = i + rng.below(base - i);
            order.swap(i, j);
        }
        *taken += k;
        order[from..from + k].to_vec()
    };
    let mut taken = 0;
    let counts = [
        (RowKind::Return, params.count(params.returns)),
        (RowKind::BadQuantity, params.count(params.bad_quantity)),
        (RowKind::MissingProduct, params.count(params.missing_product)),
        (RowKind::BadDate, params.count(params.bad_date)),
        (RowKind::MissingCustomer, params.count(params.missing_customer)),
        (RowKind::Duplicate, n_dup),
    ];
    let mut duplicated = vec![false; base];
    for (kind, k) in counts {
        for i in take(k, &mut rng, &mut taken) {
            let l = &mut lines[i];
            match kind {
                RowKind::Return => {
                    l.invoice = format!("C{}", l.invoice);
                    if let Cell::Value(q) = l.quantity {
                        l.quantity = Cell::Value(-q);
                    }
                }
                RowKind::BadQuantity => {
                    l.quantity = if params.typed { Cell::Null } else { Cell::Text(BAD_QUANTITIES[rng.below(BAD_QUANTITIES.len())]) }
                }
                RowKind::MissingProduct => l.product = None,
                RowKind::BadDate => {
                    l.date = if params.typed {
                        // The same day and time 160 years earlier: before the supported range.
                        Cell::Value(match l.date {
                            Cell::Value(t) => t - 160 * 365 * 86_400,
                            _ => 0,
                        })
                    } else {
                        Cell::Text(BAD_DATES[rng.below(BAD_DATES.len())])
                    }
                }
                RowKind::MissingCustomer => l.customer = None,
                RowKind::Sale => {}
                RowKind::Duplicate => {
                    // Chosen rows stay sales; each gets one copy right after it.
                    duplicated[i] = true;
                    continue;
                }
            }
            l.kind = kind;
        }
    }
    let mut all = Vec::with_capacity(params.lines);
    for (i, l) in lines.into_iter().enumerate() {
        let copy = duplicated[i].then(|| Line { kind: RowKind::Duplicate, ..l.clone() });
        all.push(l);
        all.extend(copy);
    }
    let count = |k: RowKind| all.iter().filter(|l| l.kind == k).count() as u64;
    let planted = Planted {
        lines: all.len() as u64,
        sales: count(RowKind::Sale),
        returns: count(RowKind::Return),
        bad_quantity: count(RowKind::BadQuantity),
        missing_product: count(RowKind::MissingProduct),
        bad_date: count(RowKind::BadDate),
        missing_customer: count(RowKind::MissingCustomer),
        duplicates: count(RowKind::Duplicate),
    };
    Ok(Synthetic { params: params.clone(), products, countries, lines: all, planted })
}

fn write_error(e: impl std::fmt::Display) -> CleanError {
    CleanError::Parquet { path: None, message: format!("writing Parquet: {e}") }
}

/// `YYYY-MM-DD HH:MM:SS` for seconds since the epoch.
fn date_text(t: i64) -> String {
    let (y, mo, d) = shopml_core::time::civil_from_days(t.div_euclid(86_400));
    let s = t.rem_euclid(86_400);
    format!("{y:04}-{mo:02}-{d:02} {:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

impl Synthetic {
    /// The planted counts.
    pub fn planted(&self) -> &Planted {
        &self.planted
    }

    /// Rows.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Whether there are no rows (never, for checked parameters).
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The kind of row `i` (zero-based, across files; a reader numbers it line `i + 2`).
    pub fn kind(&self, i: usize) -> Option<RowKind> {
        self.lines.get(i).map(|l| l.kind)
    }

    /// The parameters it was generated with.
    pub fn params(&self) -> &SynthParams {
        &self.params
    }

    /// The rows of each file: `files` contiguous, near-equal parts.
    fn parts(&self) -> Vec<&[Line]> {
        let (n, f) = (self.lines.len(), self.params.files);
        (0..f).map(|k| &self.lines[k * n / f..(k + 1) * n / f]).collect()
    }

    fn arrow_schema(&self) -> Arc<Schema> {
        let typed = self.params.typed;
        let t = |typed_type: DataType| if typed { typed_type } else { DataType::Utf8 };
        Arc::new(Schema::new(vec![
            Field::new("InvoiceNo", DataType::Utf8, false),
            Field::new("StockCode", DataType::Utf8, true),
            Field::new("Description", DataType::Utf8, true),
            Field::new("Quantity", t(DataType::Int64), true),
            Field::new("InvoiceDate", t(DataType::Timestamp(TimeUnit::Second, None)), true),
            Field::new("UnitPrice", t(DataType::Float64), true),
            Field::new("CustomerID", t(DataType::Float64), true),
            Field::new("Country", DataType::Utf8, true),
        ]))
    }

    fn batch(&self, rows: &[Line]) -> Result<RecordBatch> {
        let product = |l: &Line| l.product.map(|p| &self.products[p]);
        let text = |f: &dyn Fn(&Line) -> Option<String>| -> ArrayRef { Arc::new(rows.iter().map(f).collect::<StringArray>()) };
        let cell_text = |c: &Cell<i64>, show: &dyn Fn(i64) -> String| match c {
            Cell::Value(v) => Some(show(*v)),
            Cell::Null => None,
            Cell::Text(s) => Some(s.to_string()),
        };
        let mut columns: Vec<ArrayRef> = vec![
            text(&|l| Some(l.invoice.clone())),
            text(&|l| product(l).map(|p| p.0.clone())),
            text(&|l| product(l).map(|p| p.1.clone())),
        ];
        if self.params.typed {
            let value = |c: &Cell<i64>| if let Cell::Value(v) = c { Some(*v) } else { None };
            columns.push(Arc::new(rows.iter().map(|l| value(&l.quantity)).collect::<Int64Array>()));
            columns.push(Arc::new(TimestampSecondArray::from(rows.iter().map(|l| value(&l.date)).collect::<Vec<_>>())));
            columns.push(Arc::new(rows.iter().map(|l| product(l).map(|p| p.2)).collect::<Float64Array>()));
            columns.push(Arc::new(rows.iter().map(|l| l.customer.map(|c| (12_346 + c) as f64)).collect::<Float64Array>()));
        } else {
            columns.push(text(&|l| cell_text(&l.quantity, &|q| q.to_string())));
            columns.push(text(&|l| cell_text(&l.date, &date_text)));
            columns.push(text(&|l| product(l).map(|p| p.2.to_string())));
            columns.push(text(&|l| l.customer.map(|c| format!("{}.0", 12_346 + c))));
        }
        columns.push(text(&|l| Some(self.countries[l.customer.unwrap_or(0)].to_string())));
        RecordBatch::try_new(self.arrow_schema(), columns).map_err(write_error)
    }

    /// One record batch per file.
    pub fn record_batches(&self) -> Result<Vec<RecordBatch>> {
        self.parts().into_iter().map(|rows| self.batch(rows)).collect()
    }

    /// Writes the files `part-00000.parquet`, `part-00001.parquet`, … into
    /// `dir` (created if needed) and returns their paths in order.
    pub fn write_parquet(&self, dir: impl AsRef<Path>) -> Result<Vec<PathBuf>> {
        let dir = dir.as_ref();
        std::fs::create_dir_all(dir).map_err(|e| CleanError::io(Some(dir), e))?;
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(self.params.row_group_rows))
            .build();
        let mut paths = Vec::with_capacity(self.params.files);
        for (k, rows) in self.parts().into_iter().enumerate() {
            let path = dir.join(format!("part-{k:05}.parquet"));
            let file = std::fs::File::create(&path).map_err(|e| CleanError::io(Some(&path), e))?;
            let mut w = ArrowWriter::try_new(file, self.arrow_schema(), Some(props.clone())).map_err(write_error)?;
            // Write in pieces, as a pipeline would.
            for piece in rows.chunks(self.params.row_group_rows.max(1)) {
                w.write(&self.batch(piece)?).map_err(write_error)?;
            }
            w.close().map_err(write_error)?;
            paths.push(path);
        }
        Ok(paths)
    }

    /// Writes the whole table as one CSV export with a header, the way the
    /// UCI file is laid out (customer ids as `17850.0`, dates as
    /// `YYYY-MM-DD HH:MM:SS`, nulls as empty cells).
    pub fn write_csv(&self, mut w: impl Write) -> Result<()> {
        let io = |e: std::io::Error| CleanError::io(None, e);
        fn cell(s: &str) -> std::borrow::Cow<'_, str> {
            if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")).into() } else { s.into() }
        }
        writeln!(w, "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country").map_err(io)?;
        for l in &self.lines {
            let p = l.product.map(|p| &self.products[p]);
            let quantity = match &l.quantity {
                Cell::Value(q) => q.to_string(),
                Cell::Null => String::new(),
                Cell::Text(s) => s.to_string(),
            };
            let date = match &l.date {
                Cell::Value(t) => date_text(*t),
                Cell::Null => String::new(),
                Cell::Text(s) => s.to_string(),
            };
            writeln!(
                w,
                "{},{},{},{},{},{},{},{}",
                cell(&l.invoice),
                cell(p.map_or("", |p| p.0.as_str())),
                cell(p.map_or("", |p| p.1.as_str())),
                cell(&quantity),
                cell(&date),
                p.map(|p| p.2.to_string()).unwrap_or_default(),
                l.customer.map(|c| format!("{}.0", 12_346 + c)).unwrap_or_default(),
                cell(self.countries[l.customer.unwrap_or(0)]),
            )
            .map_err(io)?;
        }
        w.flush().map_err(io)
    }
}
