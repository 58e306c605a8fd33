//! Reading and cleaning order lines.

use std::borrow::Cow;
use std::io::BufRead;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use shopml_core::{FastHashMap, Params, Timestamp};

use crate::csv::{CsvReader, Fields, Next};
use crate::datetime::DateError;
use crate::error::{CleanError, Result};
use crate::hook::RecordHook;
use crate::input::{SeenSet, Sink, normalize_id, number, read_header, text};
use crate::outliers::{Fences, OutlierAction};
use crate::records::{Attributes, Transaction};
use crate::report::{CleaningReport, N_REASONS, Reason};
use crate::rules::{CleaningRules, MissingCustomer, NumericField, ReturnPolicy};
use crate::schema::{Column, Field, PriceColumn, TransactionSchema, resolve};

/// The result of cleaning order lines.
///
/// Loaded from JSON it is checked: every record as in
/// [`Transaction`]'s own loading, and the counts of its report match the lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "CleanedRaw")]
pub struct Cleaned {
    /// Sales that passed every rule, in file order.
    pub transactions: Vec<Transaction>,
    /// Cancellations and returns (empty unless [`ReturnPolicy::Split`]), in file order.
    pub returns: Vec<Transaction>,
    /// What happened to every row.
    pub report: CleaningReport,
}

#[derive(Deserialize)]
struct CleanedRaw {
    transactions: Vec<Transaction>,
    returns: Vec<Transaction>,
    report: CleaningReport,
}

impl TryFrom<CleanedRaw> for Cleaned {
    type Error = shopml_core::Error;
    fn try_from(r: CleanedRaw) -> shopml_core::Result<Self> {
        if r.transactions.len() as u64 != r.report.rows_kept || r.returns.len() as u64 != r.report.returns {
            return Err(shopml_core::Error::param("report", "rows_kept and returns must equal the numbers of transactions and returns"));
        }
        Ok(Cleaned { transactions: r.transactions, returns: r.returns, report: r.report })
    }
}

/// Column positions resolved against the header.
struct Positions {
    idx: [Option<usize>; 9],
    expected_fields: Option<usize>,
    max_index: usize,
    /// Attribute columns and their shared names.
    attrs: Vec<usize>,
    attr_names: Arc<[String]>,
}

impl Positions {
    fn get(&self, f: Field) -> Option<usize> {
        self.idx[f as usize]
    }
}

fn positions(schema: &TransactionSchema, header: Option<&[String]>) -> Result<Positions> {
    let width = header.map(|h| h.len());
    let mut idx = [None; 9];
    for f in Field::ALL {
        if let Some(c) = schema.column(f) {
            idx[f as usize] = Some(resolve(c, f.name(), header, width)?);
        }
    }
    let mut attrs = Vec::new();
    let mut names = Vec::new();
    let name_of = |i: usize| header.and_then(|h| h.get(i).cloned()).unwrap_or_else(|| format!("column_{}", i + 1));
    for c in &schema.attributes {
        let what = match c {
            Column::Name(n) => format!("attribute `{n}`"),
            Column::Index(i) => format!("attribute at position {i}"),
        };
        let i = resolve(c, &what, header, width)?;
        attrs.push(i);
        names.push(name_of(i));
    }
    if schema.other_columns
        && let Some(h) = header
    {
        for (i, n) in h.iter().enumerate() {
            if !idx.contains(&Some(i)) && !attrs.contains(&i) {
                if names.contains(n) || h[..i].contains(n) {
                    let first = h.iter().position(|c| c == n).unwrap_or(0);
                    return Err(CleanError::DuplicateColumn { name: n.clone(), first: first + 1, second: i + 1 });
                }
                attrs.push(i);
                names.push(n.clone());
            }
        }
    }
    for (k, n) in names.iter().enumerate() {
        if names[..k].contains(n) {
            return Err(CleanError::DuplicateColumn {
                name: n.clone(),
                first: attrs[names.iter().position(|m| m == n).unwrap_or(0)] + 1,
                second: attrs[k] + 1,
            });
        }
    }
    let max_index = idx.iter().flatten().chain(attrs.iter()).copied().max().unwrap_or(0);
    Ok(Positions { idx, expected_fields: width, max_index, attrs, attr_names: names.into() })
}

struct Row<'a> {
    invoice: Cow<'a, str>,
    product: Cow<'a, str>,
    description: Option<Cow<'a, str>>,
    quantity: f64,
    timestamp: Timestamp,
    unit_price: f64,
    customer: Option<Cow<'a, str>>,
    country: Option<Cow<'a, str>>,
    category: Option<Cow<'a, str>>,
    attrs: Vec<Option<Cow<'a, str>>>,
}

/// A row that could not be parsed: one-based column, message, reason
/// ([`Reason::Unparsable`] or [`Reason::DateOutOfRange`]).
type RowError = (usize, String, Reason);

fn unparsable((c, m): (usize, String)) -> RowError {
    (c, m, Reason::Unparsable)
}

fn parse_row<'a, F: Fields>(rdr: &'a F, pos: &Positions, schema: &TransactionSchema, latin1: &mut u64) -> Result<Row<'a>, RowError> {
    let n = rdr.n_fields();
    match pos.expected_fields {
        Some(e) if n != e => return Err(unparsable((n.min(e) + 1, format!("expected {e} fields, found {n}")))),
        None if n <= pos.max_index => {
            return Err(unparsable((n + 1, format!("expected at least {} fields, found {n}", pos.max_index + 1))));
        }
        _ => {}
    }
    let enc = schema.csv.encoding;
    let required = |f: Field, latin1: &mut u64| -> Result<Cow<'a, str>, RowError> {
        let i = pos.get(f).unwrap_or(0);
        let s = text(rdr, i, enc, latin1).map_err(unparsable)?;
        if s.trim().is_empty() {
            return Err(unparsable((i + 1, format!("empty {}", f.name()))));
        }
        Ok(s)
    };
    let optional_at = |i: usize, latin1: &mut u64| -> Result<Option<Cow<'a, str>>, RowError> {
        let s = text(rdr, i, enc, latin1).map_err(unparsable)?;
        Ok(if schema.csv.is_missing(&s) { None } else { Some(s) })
    };
    let optional = |f: Field, latin1: &mut u64| -> Result<Option<Cow<'a, str>>, RowError> {
        match pos.get(f) {
            None => Ok(None),
            Some(i) => optional_at(i, latin1),
        }
    };
    let invoice = required(Field::Invoice, latin1)?;
    let product = required(Field::Product, latin1)?;
    let q = required(Field::Quantity, latin1)?;
    let quantity = number(&q, pos.get(Field::Quantity).unwrap_or(0), "quantity").map_err(unparsable)?;
    let ti = pos.get(Field::Timestamp).unwrap_or(0);
    let timestamp = schema.date_format.parse_bytes(rdr.field(ti)).map_err(|e| {
        let reason = if matches!(e, DateError::OutOfRange { .. }) { Reason::DateOutOfRange } else { Reason::Unparsable };
        (ti + 1, e.to_string(), reason)
    })?;
    let p = required(Field::UnitPrice, latin1)?;
    let pi = pos.get(Field::UnitPrice).unwrap_or(0);
    let unit_price = match schema.price {
        PriceColumn::Unit(_) => number(&p, pi, "unit price").map_err(unparsable)?,
        PriceColumn::LineTotal(_) => {
            let total = number(&p, pi, "line total").map_err(unparsable)?;
            if quantity == 0.0 {
                return Err(unparsable((pi + 1, format!("line total {total} with quantity 0 gives no unit price"))));
            }
            let u = total / quantity;
            if !u.is_finite() {
                return Err(unparsable((pi + 1, format!("line total {total} / quantity {quantity} is not finite"))));
            }
            u
        }
    };
    let mut attrs = Vec::with_capacity(pos.attrs.len());
    for &i in &pos.attrs {
        attrs.push(optional_at(i, latin1)?);
    }
    Ok(Row {
        invoice,
        product,
        description: optional(Field::Description, latin1)?,
        quantity,
        timestamp,
        unit_price,
        customer: optional(Field::Customer, latin1)?,
        country: optional(Field::Country, latin1)?,
        category: optional(Field::Category, latin1)?,
        attrs,
    })
}

fn trimmed(c: Cow<'_, str>) -> String {
    let t = c.trim();
    t.to_string()
}

impl Row<'_> {
    fn key_bytes(&self, key: &[Field], out: &mut Vec<u8>) {
        out.clear();
        for f in key {
            match f {
                Field::Invoice => out.extend_from_slice(self.invoice.trim().as_bytes()),
                Field::Product => out.extend_from_slice(self.product.trim().as_bytes()),
                Field::Description => out.extend_from_slice(self.description.as_deref().unwrap_or("").trim().as_bytes()),
                Field::Quantity => out.extend_from_slice(&self.quantity.to_bits().to_le_bytes()),
                Field::Timestamp => out.extend_from_slice(&self.timestamp.0.to_le_bytes()),
                Field::UnitPrice => out.extend_from_slice(&self.unit_price.to_bits().to_le_bytes()),
                Field::Customer => out.extend_from_slice(self.customer.as_deref().map(normalize_id).unwrap_or("").as_bytes()),
                Field::Country => out.extend_from_slice(self.country.as_deref().unwrap_or("").trim().as_bytes()),
                Field::Category => out.extend_from_slice(self.category.as_deref().unwrap_or("").trim().as_bytes()),
            }
            out.push(0x1f);
        }
    }

    fn into_transaction(self, line: u64, names: &Arc<[String]>) -> Transaction {
        let attributes = if self.attrs.is_empty() {
            Attributes::default()
        } else {
            let values = self.attrs.into_iter().map(|v| v.map(trimmed)).collect();
            Attributes::from_parts(names, values)
        };
        Transaction {
            invoice: trimmed(self.invoice),
            product: trimmed(self.product),
            description: self.description.map(trimmed),
            quantity: self.quantity,
            timestamp: self.timestamp,
            unit_price: self.unit_price,
            customer: self.customer.as_deref().map(|c| normalize_id(c).to_string()),
            country: self.country.map(trimmed),
            category: self.category.map(trimmed),
            attributes,
            line,
        }
    }
}

/// Records handed from the reading thread to the parsers, in file order.
pub(crate) struct Batch {
    /// Raw record bytes, concatenated (line ends removed).
    raw: Vec<u8>,
    /// Unquoted field bytes, concatenated.
    data: Vec<u8>,
    /// Field ranges into `data`.
    bounds: Vec<(usize, usize)>,
    records: Vec<Meta>,
}

struct Meta {
    line: u64,
    raw: (usize, usize),
    fields: (usize, usize),
    in_raw: bool,
    malformed: Option<(usize, String)>,
}

/// One record of a batch, seen through [`Fields`].
pub(crate) struct BatchRecord<'a> {
    batch: &'a Batch,
    fields: (usize, usize),
    in_raw: bool,
}

impl<'a> BatchRecord<'a> {
    /// Field `i`, borrowed from the batch.
    pub(crate) fn get(&self, i: usize) -> &'a [u8] {
        let (a, b) = self.batch.bounds[self.fields.0 + i];
        if self.in_raw { &self.batch.raw[a..b] } else { &self.batch.data[a..b] }
    }
}

impl Fields for BatchRecord<'_> {
    fn n_fields(&self) -> usize {
        self.fields.1 - self.fields.0
    }
    fn field(&self, i: usize) -> &[u8] {
        self.get(i)
    }
}

/// Records per batch.
pub(crate) const BATCH: usize = 4096;

/// The most batches parsed in parallel in one round. At most
/// `3 × this + 3` batches are alive at once (queued, being parsed, being
/// consumed, being filled), which bounds the reader's working memory at
/// `(3 × 8 + 3) × max_batch_bytes` plus their parsed rows.
pub(crate) const MAX_BATCHES_PER_ROUND: usize = 8;

impl Batch {
    fn new() -> Self {
        Batch {
            raw: Vec::with_capacity(BATCH * 96),
            data: Vec::new(),
            bounds: Vec::with_capacity(BATCH * 8),
            records: Vec::with_capacity(BATCH),
        }
    }

    fn clear(&mut self) {
        self.raw.clear();
        self.data.clear();
        self.bounds.clear();
        self.records.clear();
    }

    /// Bytes held: raw and unquoted bytes, field ranges and record metadata.
    pub(crate) fn bytes(&self) -> usize {
        self.raw.len() + self.data.len() + 16 * self.bounds.len() + std::mem::size_of::<Meta>() * self.records.len()
    }

    /// What pushing the reader's current record would add to [`bytes`](Self::bytes) (an upper bound).
    fn cost<R: BufRead>(rdr: &CsvReader<R>, malformed: &Option<(usize, String)>) -> usize {
        let (bounds, in_raw) = rdr.field_bounds();
        let data = if in_raw || malformed.is_some() { 0 } else { bounds.last().map_or(0, |b| b.1) };
        rdr.raw().len() + data + 16 * bounds.len() + std::mem::size_of::<Meta>() + malformed.as_ref().map_or(0, |m| m.1.len())
    }

    /// Number of records.
    #[cfg_attr(not(feature = "parquet"), allow(dead_code))]
    pub(crate) fn len(&self) -> usize {
        self.records.len()
    }

    /// Record `k`'s line, raw bytes and fields (`k < len()`).
    #[cfg_attr(not(feature = "parquet"), allow(dead_code))]
    pub(crate) fn record(&self, k: usize) -> (u64, &[u8], BatchRecord<'_>) {
        let m = &self.records[k];
        (m.line, &self.raw[m.raw.0..m.raw.1], BatchRecord { batch: self, fields: m.fields, in_raw: m.in_raw })
    }

    /// An empty batch.
    #[cfg_attr(not(feature = "parquet"), allow(dead_code))]
    pub(crate) fn empty() -> Self {
        Batch::new()
    }

    /// Removes every record, keeping the buffers.
    #[cfg_attr(not(feature = "parquet"), allow(dead_code))]
    pub(crate) fn reset(&mut self) {
        self.clear()
    }

    /// Starts a record built field by field ([`field_buf`](Self::field_buf),
    /// [`end_field`](Self::end_field), [`end_record`](Self::end_record)).
    #[cfg_attr(not(feature = "parquet"), allow(dead_code))]
    pub(crate) fn begin_record(&mut self) -> (usize, usize) {
        (self.raw.len(), self.bounds.len())
    }

    /// Where the next field's bytes are appended; note its length first.
    #[cfg_attr(not(feature = "parquet"), allow(dead_code))]
    pub(crate) fn field_buf(&mut self) -> &mut Vec<u8> {
        &mut self.data
    }

    /// Ends the field whose bytes start at `d0` in [`field_buf`](Self::field_buf),
    /// and appends it to the record's raw text as a CSV cell (comma
    /// separated, quoted when it holds a comma, a quote or a line break).
    #[cfg_attr(not(feature = "parquet"), allow(dead_code))]
    pub(crate) fn end_field(&mut self, start: (usize, usize), d0: usize) {
        let d1 = self.data.len();
        if self.bounds.len() > start.1 {
            self.raw.push(b',');
        }
        self.bounds.push((d0, d1));
        let cell = &self.data[d0..d1];
        if cell.iter().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
            self.raw.push(b'"');
            for &b in cell {
                if b == b'"' {
                    self.raw.push(b'"');
                }
                self.raw.push(b);
            }
            self.raw.push(b'"');
        } else {
            self.raw.extend_from_slice(cell);
        }
    }

    /// Ends a record begun at `start`, numbered `line`.
    #[cfg_attr(not(feature = "parquet"), allow(dead_code))]
    pub(crate) fn end_record(&mut self, start: (usize, usize), line: u64) {
        let (r0, f0) = start;
        self.records.push(Meta { line, raw: (r0, self.raw.len()), fields: (f0, self.bounds.len()), in_raw: false, malformed: None });
    }

    fn push<R: BufRead>(&mut self, rdr: &CsvReader<R>, malformed: Option<(usize, String)>) {
        let r0 = self.raw.len();
        self.raw.extend_from_slice(rdr.raw());
        let f0 = self.bounds.len();
        let (bounds, in_raw) = rdr.field_bounds();
        if malformed.is_none() {
            if in_raw {
                // Unquoted record: fields are slices of the raw line.
                self.bounds.extend(bounds.iter().map(|&(a, b)| (r0 + a, r0 + b)));
            } else {
                for i in 0..rdr.n_fields() {
                    let d0 = self.data.len();
                    self.data.extend_from_slice(rdr.field(i));
                    self.bounds.push((d0, self.data.len()));
                }
            }
        }
        self.records.push(Meta { line: rdr.line(), raw: (r0, self.raw.len()), fields: (f0, self.bounds.len()), in_raw, malformed });
    }
}

/// A round of batches and their parsed rows; `end` is set on the last round
/// (blank lines skipped, or the read error).
struct Round {
    batches: Vec<Batch>,
    parsed: Vec<(Vec<Parsed>, u64)>,
    end: Option<Result<u64>>,
}

enum Msg {
    Batch(Batch),
    Done { blank_lines: u64 },
    Failed(CleanError),
}

// Row-local rule flags, computed in parallel.
const WINDOW: u8 = 1;
const NON_PRODUCT: u8 = 2;
const PRICE: u8 = 4;
const ZERO: u8 = 8;
const NO_CUSTOMER: u8 = 16;
const RETURN: u8 = 32;

// Most rows are `Row`; boxing it would cost an allocation per row.
#[allow(clippy::large_enum_variant)]
enum Parsed {
    Bad(usize, String, Reason),
    Row { tx: Option<Transaction>, hash: u64, key: Option<(u64, Vec<u8>)>, flags: u8 },
}

struct Ctx<'a> {
    schema: &'a TransactionSchema,
    rules: &'a CleaningRules,
    pos: Positions,
    /// Flags that quarantine a row whatever the duplicate checks say.
    local_quarantine: u8,
}

fn parse_batch(b: &Batch, ctx: &Ctx<'_>) -> (Vec<Parsed>, u64) {
    let (rules, schema) = (ctx.rules, ctx.schema);
    let mut latin1 = 0;
    let mut out = Vec::with_capacity(b.records.len());
    for m in &b.records {
        if let Some((c, msg)) = &m.malformed {
            out.push(Parsed::Bad(*c, msg.clone(), Reason::Unparsable));
            continue;
        }
        let rec = BatchRecord { batch: b, fields: m.fields, in_raw: m.in_raw };
        let row = match parse_row(&rec, &ctx.pos, schema, &mut latin1) {
            Ok(r) => r,
            Err((c, msg, reason)) => {
                out.push(Parsed::Bad(c, msg, reason));
                continue;
            }
        };
        let raw = &b.raw[m.raw.0..m.raw.1];
        let hash = if rules.drop_exact_duplicates { SeenSet::hash(raw) } else { 0 };
        let key = rules.key_duplicates.as_ref().map(|k| {
            let mut buf = Vec::new();
            row.key_bytes(k, &mut buf);
            (SeenSet::hash(&buf), buf)
        });
        let mut flags = 0;
        if let Some((a, b)) = rules.time_window
            && (row.timestamp < a || row.timestamp >= b)
        {
            flags |= WINDOW;
        }
        if rules.is_non_product(row.product.trim()) {
            flags |= NON_PRODUCT;
        }
        if rules.require_positive_price && row.unit_price <= 0.0 {
            flags |= PRICE;
        }
        if rules.reject_zero_quantity && row.quantity == 0.0 {
            flags |= ZERO;
        }
        if schema.customer.is_some() && row.customer.is_none() {
            flags |= NO_CUSTOMER;
        }
        if rules.is_cancellation(row.invoice.trim()) || (rules.negative_quantity_is_return && row.quantity < 0.0) {
            flags |= RETURN;
        }
        let tx = (flags & ctx.local_quarantine == 0).then(|| row.into_transaction(m.line, &ctx.pos.attr_names));
        out.push(Parsed::Row { tx, hash, key, flags });
    }
    (out, latin1)
}

pub(crate) fn clean(
    input: Box<dyn BufRead + Send + '_>,
    schema: &TransactionSchema,
    rules: &CleaningRules,
    sink: Sink<'_>,
    hook: Option<&dyn RecordHook>,
) -> Result<Cleaned> {
    rules.check()?;
    schema.check()?;
    let csv = &schema.csv;
    let max_batch_bytes = csv.max_batch_bytes;
    let mut rdr = CsvReader::new(input, csv);
    let header = read_header(&mut rdr, csv)?;
    let pos = positions(schema, header.as_deref())?;
    // The reading thread: decompression and CSV splitting, in file order.
    let produce = move |feed: Feed| {
        let mut batch = Batch::new();
        loop {
            let malformed = match rdr.next_record() {
                Err(e) => return feed.fail(CleanError::io(None, e)),
                Ok(Next::Eof) => {
                    if !batch.records.is_empty() && !feed.send(batch) {
                        return;
                    }
                    return feed.done(rdr.blank_lines());
                }
                Ok(Next::Record) => None,
                Ok(Next::Malformed { column, message }) => Some((column, message)),
            };
            // The batch cap is checked before the record is copied in, for
            // every record (malformed ones too): a batch never exceeds
            // max_batch_bytes, which check() makes larger than any record.
            if !batch.records.is_empty()
                && batch.bytes() + Batch::cost(&rdr, &malformed) > max_batch_bytes
                && !feed.send(std::mem::replace(&mut batch, feed.fresh()))
            {
                return;
            }
            batch.push(&rdr, malformed);
            if batch.records.len() >= BATCH && !feed.send(std::mem::replace(&mut batch, feed.fresh())) {
                return;
            }
        }
    };
    run(schema, rules, pos, sink, hook, produce)
}

/// Cleans order lines handed over as [`Batch`]es by `produce` (which runs on
/// a thread of its own), against the column names `header`: the path of
/// non-CSV inputs (Arrow, Parquet) through the same rules and accounting.
#[cfg_attr(not(feature = "parquet"), allow(dead_code))]
pub(crate) fn clean_fed(
    header: &[String],
    schema: &TransactionSchema,
    rules: &CleaningRules,
    sink: Sink<'_>,
    hook: Option<&dyn RecordHook>,
    produce: impl FnOnce(Feed) + Send,
) -> Result<Cleaned> {
    rules.check()?;
    schema.check()?;
    let pos = positions(schema, Some(header))?;
    run(schema, rules, pos, sink, hook, produce)
}

/// The producer's end of the pipeline: hands over filled batches in input
/// order and takes back consumed ones for reuse.
pub(crate) struct Feed {
    send: std::sync::mpsc::SyncSender<Msg>,
    recycled: std::sync::mpsc::Receiver<Batch>,
}

impl Feed {
    /// An empty batch, reusing a consumed one when there is one.
    pub(crate) fn fresh(&self) -> Batch {
        match self.recycled.try_recv() {
            Ok(mut b) => {
                b.clear();
                b
            }
            Err(_) => Batch::new(),
        }
    }

    /// Hands over a batch; `false` when the consumer has stopped (then stop producing).
    pub(crate) fn send(&self, b: Batch) -> bool {
        self.send.send(Msg::Batch(b)).is_ok()
    }

    /// The input ended normally.
    pub(crate) fn done(self, blank_lines: u64) {
        let _ = self.send.send(Msg::Done { blank_lines });
    }

    /// The input could not be read further; the read fails with `e`.
    pub(crate) fn fail(self, e: CleanError) {
        let _ = self.send.send(Msg::Failed(e));
    }
}

fn run(
    schema: &TransactionSchema,
    rules: &CleaningRules,
    pos: Positions,
    mut sink: Sink<'_>,
    hook: Option<&dyn RecordHook>,
    produce: impl FnOnce(Feed) + Send,
) -> Result<Cleaned> {
    use rayon::prelude::*;
    let mut local_quarantine = WINDOW | NON_PRODUCT | PRICE | ZERO;
    if rules.missing_customer == MissingCustomer::Quarantine {
        local_quarantine |= NO_CUSTOMER;
    }
    if rules.returns == ReturnPolicy::Quarantine {
        local_quarantine |= RETURN;
    }
    let ctx = Ctx { schema, rules, pos, local_quarantine };

    let mut report = CleaningReport::default();
    let mut transactions = Vec::new();
    let mut returns = Vec::new();
    let mut seen = SeenSet::default();
    let mut seen_keys = SeenSet::default();
    // Batches parsed per parallel round.
    // (capped, so the memory in flight does not grow with the core count).
    let per_round = rayon::current_num_threads().clamp(2, MAX_BATCHES_PER_ROUND);

    std::thread::scope(|scope| -> Result<()> {
        let (send, recv) = std::sync::mpsc::sync_channel::<Msg>(per_round);
        // Consumed batches go back to the reader, so their buffers are reused.
        let (give_back, recycled) = std::sync::mpsc::channel::<Batch>();
        scope.spawn(move || produce(Feed { send, recycled }));

        // The parsing thread: gathers a round of batches and parses them in
        // parallel while the calling thread consumes the previous round.
        let (parsed_send, parsed_recv) = std::sync::mpsc::sync_channel::<Round>(1);
        let ctx = &ctx;
        scope.spawn(move || {
            let mut done = false;
            while !done {
                let mut pending = Vec::with_capacity(per_round);
                let mut end = None;
                while pending.len() < per_round {
                    match recv.recv() {
                        Ok(Msg::Batch(b)) => pending.push(b),
                        Ok(Msg::Done { blank_lines }) => {
                            end = Some(Ok(blank_lines));
                            break;
                        }
                        Ok(Msg::Failed(e)) => {
                            end = Some(Err(e));
                            break;
                        }
                        Err(_) => {
                            end = Some(Err(CleanError::io(None, std::io::Error::other("reader thread stopped"))));
                            break;
                        }
                    }
                }
                done = end.is_some();
                let parsed: Vec<(Vec<Parsed>, u64)> = pending.par_iter().map(|b| parse_batch(b, ctx)).collect();
                if parsed_send.send(Round { batches: pending, parsed, end }).is_err() {
                    return;
                }
            }
        });

        let (mut matched, mut quarantined) = ([0u64; N_REASONS], [0u64; N_REASONS]);
        // Rank of each reason in the rule order (lower decides first).
        let mut rank = [usize::MAX; N_REASONS];
        for (k, r) in rules.rule_order.iter().enumerate() {
            rank[*r as usize] = k;
        }
        let mut done = false;
        while !done {
            let Ok(Round { batches: mut pending, parsed, end }) = parsed_recv.recv() else {
                return Err(CleanError::io(None, std::io::Error::other("parsing thread stopped")));
            };
            match end {
                None => {}
                Some(Ok(blank_lines)) => {
                    report.blank_lines = blank_lines;
                    done = true;
                }
                Some(Err(e)) => return Err(e),
            }
            // Sequential, in file order: duplicates, first reason, outputs.
            for (b, (rows, latin1)) in pending.drain(..).zip(parsed) {
                report.latin1_fields += latin1;
                const AHEAD: usize = 16;
                let hashes: Vec<u64> = rows.iter().map(|p| if let Parsed::Row { hash, .. } = p { *hash } else { 0 }).collect();
                for (j, (m, p)) in b.records.iter().zip(rows).enumerate() {
                    if rules.drop_exact_duplicates
                        && let Some(&h) = hashes.get(j + AHEAD)
                    {
                        seen.touch(h);
                    }
                    report.rows_read += 1;
                    let raw = &b.raw[m.raw.0..m.raw.1];
                    let (tx, hash, key, flags) = match p {
                        Parsed::Bad(column, message, reason) => {
                            matched[reason as usize] += 1;
                            quarantined[reason as usize] += 1;
                            report.issue(m.line, Some(column), reason, &message);
                            sink.write(m.line, reason, Some(column), &message, raw)?;
                            continue;
                        }
                        Parsed::Row { tx, hash, key, flags } => (tx, hash, key, flags),
                    };
                    let mut first: Option<Reason> = None;
                    let mut hit = |matched: &mut [u64; N_REASONS], reason: Reason, applies: bool, quarantines: bool| {
                        if applies {
                            matched[reason as usize] += 1;
                            if quarantines && first.is_none_or(|f| rank[reason as usize] < rank[f as usize]) {
                                first = Some(reason);
                            }
                        }
                    };
                    hit(&mut matched, Reason::ExactDuplicate, rules.drop_exact_duplicates && !seen.insert_hashed(hash, raw), true);
                    if let Some((h, k)) = key {
                        hit(&mut matched, Reason::KeyDuplicate, !seen_keys.insert_hashed(h, &k), true);
                    }
                    for (bit, reason) in [
                        (WINDOW, Reason::OutsideWindow),
                        (NON_PRODUCT, Reason::NonProduct),
                        (PRICE, Reason::NonPositivePrice),
                        (ZERO, Reason::ZeroQuantity),
                        (NO_CUSTOMER, Reason::MissingCustomer),
                        (RETURN, Reason::Return),
                    ] {
                        hit(&mut matched, reason, flags & bit != 0, ctx.local_quarantine & bit != 0);
                    }
                    match (first, tx) {
                        (Some(reason), _) => {
                            quarantined[reason as usize] += 1;
                            sink.write(m.line, reason, None, "", raw)?;
                        }
                        (None, Some(t)) if flags & RETURN != 0 && rules.returns == ReturnPolicy::Split => returns.push(t),
                        (None, Some(t)) => transactions.push(t),
                        (None, None) => unreachable!("a row without a transaction always has a quarantine reason"),
                    }
                }
                let _ = give_back.send(b);
            }
        }
        report.add_counts(&matched, &quarantined);
        Ok(())
    })?;
    apply_outliers(rules, &mut transactions, &mut report, &mut sink)?;
    report.rows_kept = transactions.len() as u64;
    report.returns = returns.len() as u64;
    sink.finish()?;
    if report.rows_read > 0 && report.rows_kept + report.returns == 0 {
        return Err(sink.nothing_kept(report.rows_read));
    }
    if let Some(h) = hook {
        transactions.iter_mut().chain(returns.iter_mut()).for_each(|t| h.transaction(t));
    }
    debug_assert!(report.balances());
    Ok(Cleaned { transactions, returns, report })
}

fn value(t: &Transaction, f: NumericField) -> f64 {
    match f {
        NumericField::Quantity => t.quantity,
        NumericField::UnitPrice => t.unit_price,
    }
}

fn serialize_transaction(t: &Transaction) -> Vec<u8> {
    let q = |s: &str| {
        if s.contains([',', '"', '\n']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
    };
    format!(
        "{},{},{},{},{},{},{},{},{}",
        q(&t.invoice),
        q(&t.product),
        q(t.description.as_deref().unwrap_or("")),
        t.quantity,
        t.timestamp,
        t.unit_price,
        q(t.customer.as_deref().unwrap_or("")),
        q(t.country.as_deref().unwrap_or("")),
        q(t.category.as_deref().unwrap_or(""))
    )
    .into_bytes()
}

fn apply_outliers(rules: &CleaningRules, tx: &mut Vec<Transaction>, report: &mut CleaningReport, sink: &mut Sink<'_>) -> Result<()> {
    use shopml_core::Fit;
    for rule in &rules.outliers {
        if tx.is_empty() {
            break;
        }
        let values: Vec<f64> = tx.iter().map(|t| value(t, rule.field)).collect();
        let grouped = if rule.per_product {
            let products: Vec<&str> = tx.iter().map(|t| t.product.as_str()).collect();
            Some(rule.detector.fit_grouped(&values, &products)?)
        } else {
            None
        };
        let global: Fences = match &grouped {
            Some(g) => g.global,
            None => rule.detector.fit(&values[..])?,
        };
        let fences_for = |t: &Transaction| -> Fences { grouped.as_ref().map(|g| *g.fences_for(&t.product)).unwrap_or(global) };
        let mut keep = Vec::with_capacity(tx.len());
        let mut cache: FastHashMap<&str, Fences> = FastHashMap::default();
        let mut out_flags = Vec::with_capacity(tx.len());
        for t in tx.iter() {
            let f = *cache.entry(t.product.as_str()).or_insert_with(|| fences_for(t));
            out_flags.push((f.is_outlier(value(t, rule.field)), f));
        }
        drop(cache);
        for (t, (is_out, f)) in tx.drain(..).zip(out_flags) {
            if !is_out {
                keep.push(t);
                continue;
            }
            report.matched_one(Reason::Outlier);
            match rule.action {
                OutlierAction::Flag => {
                    report.outliers_flagged += 1;
                    keep.push(t);
                }
                OutlierAction::Cap => {
                    report.values_capped += 1;
                    let mut t = t;
                    match rule.field {
                        NumericField::Quantity => t.quantity = f.cap(t.quantity),
                        NumericField::UnitPrice => t.unit_price = f.cap(t.unit_price),
                    }
                    keep.push(t);
                }
                OutlierAction::Drop => {
                    report.quarantine(Reason::Outlier);
                    let msg = format!("{:?} {} outside [{}, {}]", rule.field, value(&t, rule.field), f.lower, f.upper);
                    sink.write(t.line, Reason::Outlier, None, &msg, &serialize_transaction(&t))?;
                }
            }
        }
        *tx = keep;
    }
    Ok(())
}
