//! Reading and cleaning order lines.

use std::borrow::Cow;
use std::io::{BufRead, Read, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};
use shopml_core::{FastHashMap, Params, Timestamp};

use crate::csv::{Fields, Next, RecordReader};
use crate::error::{CleanError, Result};
use crate::input::{FieldError, SeenSet, Sink, normalize_id, number, open_path, open_reader, read_header, text};
use crate::outliers::{Fences, OutlierAction};
use crate::records::Transaction;
use crate::report::{CleaningReport, Reason};
use crate::rules::{CleaningRules, MissingCustomer, NumericField, ReturnPolicy};
use crate::schema::{Field, TransactionSchema, resolve};

/// The result of cleaning order lines.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cleaned {
    /// Sales that passed every rule, in file order.
    pub transactions: Vec<Transaction>,
    /// Cancellations and returns (empty unless [`ReturnPolicy::Split`]), in file order.
    pub returns: Vec<Transaction>,
    /// What happened to every row.
    pub report: CleaningReport,
}

/// Reads and cleans order lines from a CSV file, plain or gzip-compressed
/// (detected from the content). Quarantined rows go to
/// [`CleaningRules::quarantine_file`] when it is set.
///
/// ```no_run
/// use shopml_clean::{read_transactions, CleaningRules, TransactionSchema};
/// let cleaned = read_transactions(
///     "online_retail.csv.gz".as_ref(),
///     &TransactionSchema::online_retail(),
///     &CleaningRules::default(),
/// )?;
/// assert!(cleaned.report.balances());
/// # Ok::<(), shopml_clean::CleanError>(())
/// ```
pub fn read_transactions(path: &Path, schema: &TransactionSchema, rules: &CleaningRules) -> Result<Cleaned> {
    let input = open_path(path)?;
    with_rules_sink(rules, |sink| clean(input, schema, rules, sink))
}

/// Like [`read_transactions`], from any reader (plain or gzip bytes).
pub fn read_transactions_from<R: Read + Send>(reader: R, schema: &TransactionSchema, rules: &CleaningRules) -> Result<Cleaned> {
    let input = open_reader(reader).map_err(|e| CleanError::io(None, e))?;
    with_rules_sink(rules, |sink| clean(input, schema, rules, sink))
}

/// Like [`read_transactions_from`], writing quarantined rows as CSV
/// (`line,reason,column,message,record`) to `quarantine` instead of
/// [`CleaningRules::quarantine_file`].
pub fn read_transactions_with_quarantine<R: Read + Send, W: Write>(
    reader: R,
    schema: &TransactionSchema,
    rules: &CleaningRules,
    mut quarantine: W,
) -> Result<Cleaned> {
    let input = open_reader(reader).map_err(|e| CleanError::io(None, e))?;
    let sink = Sink::new(Some(&mut quarantine), None)?;
    clean(input, schema, rules, sink)
}

pub(crate) fn with_rules_sink<T>(rules: &CleaningRules, f: impl FnOnce(Sink<'_>) -> Result<T>) -> Result<T> {
    match &rules.quarantine_file {
        None => f(Sink::new(None, None)?),
        Some(p) => {
            let file = std::fs::File::create(p).map_err(|e| CleanError::Quarantine { path: Some(p.clone()), source: e })?;
            let mut w = std::io::BufWriter::new(file);
            f(Sink::new(Some(&mut w), Some(p.clone()))?)
        }
    }
}

/// Column positions resolved against the header.
struct Positions {
    idx: [Option<usize>; 8],
    expected_fields: Option<usize>,
    max_index: usize,
}

impl Positions {
    fn get(&self, f: Field) -> Option<usize> {
        self.idx[f as usize]
    }
}

fn positions(schema: &TransactionSchema, header: Option<&[String]>) -> Result<Positions> {
    let mut idx = [None; 8];
    for f in Field::ALL {
        if let Some(c) = schema.column(f) {
            idx[f as usize] = Some(resolve(c, f.name(), header, header.map(|h| h.len()))?);
        }
    }
    let max_index = idx.iter().flatten().copied().max().unwrap_or(0);
    Ok(Positions { idx, expected_fields: header.map(|h| h.len()), max_index })
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
}

fn parse_row<'a, F: Fields>(rdr: &'a F, pos: &Positions, schema: &TransactionSchema, latin1: &mut u64) -> Result<Row<'a>, FieldError> {
    let n = rdr.n_fields();
    match pos.expected_fields {
        Some(e) if n != e => return Err((n.min(e) + 1, format!("expected {e} fields, found {n}"))),
        None if n <= pos.max_index => {
            return Err((n + 1, format!("expected at least {} fields, found {n}", pos.max_index + 1)));
        }
        _ => {}
    }
    let enc = schema.csv.encoding;
    let required = |f: Field, latin1: &mut u64| -> Result<Cow<'a, str>, FieldError> {
        let i = pos.get(f).unwrap_or(0);
        let s = text(rdr, i, enc, latin1)?;
        if s.trim().is_empty() {
            return Err((i + 1, format!("empty {}", f.name())));
        }
        Ok(s)
    };
    let optional = |f: Field, latin1: &mut u64| -> Result<Option<Cow<'a, str>>, FieldError> {
        let Some(i) = pos.get(f) else { return Ok(None) };
        let s = text(rdr, i, enc, latin1)?;
        Ok(if schema.csv.is_missing(&s) { None } else { Some(s) })
    };
    let invoice = required(Field::Invoice, latin1)?;
    let product = required(Field::Product, latin1)?;
    let q = required(Field::Quantity, latin1)?;
    let quantity = number(&q, pos.get(Field::Quantity).unwrap_or(0), "quantity")?;
    let ti = pos.get(Field::Timestamp).unwrap_or(0);
    let timestamp = schema.date_format.parse_bytes(rdr.field(ti)).map_err(|m| (ti + 1, m))?;
    let p = required(Field::UnitPrice, latin1)?;
    let unit_price = number(&p, pos.get(Field::UnitPrice).unwrap_or(0), "unit price")?;
    Ok(Row {
        invoice,
        product,
        description: optional(Field::Description, latin1)?,
        quantity,
        timestamp,
        unit_price,
        customer: optional(Field::Customer, latin1)?,
        country: optional(Field::Country, latin1)?,
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
            }
            out.push(0x1f);
        }
    }

    fn into_transaction(self, line: u64) -> Transaction {
        Transaction {
            invoice: trimmed(self.invoice),
            product: trimmed(self.product),
            description: self.description.map(trimmed),
            quantity: self.quantity,
            timestamp: self.timestamp,
            unit_price: self.unit_price,
            customer: self.customer.as_deref().map(|c| normalize_id(c).to_string()),
            country: self.country.map(trimmed),
            line,
        }
    }
}

/// Records handed from the reading thread to the parsers, in file order.
struct Batch {
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
struct BatchRecord<'a> {
    batch: &'a Batch,
    fields: (usize, usize),
    in_raw: bool,
}

impl Fields for BatchRecord<'_> {
    fn n_fields(&self) -> usize {
        self.fields.1 - self.fields.0
    }
    fn field(&self, i: usize) -> &[u8] {
        let (a, b) = self.batch.bounds[self.fields.0 + i];
        if self.in_raw { &self.batch.raw[a..b] } else { &self.batch.data[a..b] }
    }
}

/// Records per batch.
const BATCH: usize = 4096;

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

    fn push<R: BufRead>(&mut self, rdr: &RecordReader<R>, malformed: Option<(usize, String)>) {
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
    end: Option<std::io::Result<u64>>,
}

enum Msg {
    Batch(Batch),
    Done { blank_lines: u64 },
    Failed(std::io::Error),
}

// Row-local rule flags, computed in parallel.
const WINDOW: u8 = 1;
const NON_PRODUCT: u8 = 2;
const PRICE: u8 = 4;
const ZERO: u8 = 8;
const NO_CUSTOMER: u8 = 16;
const RETURN: u8 = 32;

enum Parsed {
    Bad(usize, String),
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
            out.push(Parsed::Bad(*c, msg.clone()));
            continue;
        }
        let rec = BatchRecord { batch: b, fields: m.fields, in_raw: m.in_raw };
        let row = match parse_row(&rec, &ctx.pos, schema, &mut latin1) {
            Ok(r) => r,
            Err((c, msg)) => {
                out.push(Parsed::Bad(c, msg));
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
        let tx = (flags & ctx.local_quarantine == 0).then(|| row.into_transaction(m.line));
        out.push(Parsed::Row { tx, hash, key, flags });
    }
    (out, latin1)
}

fn clean(input: Box<dyn BufRead + Send + '_>, schema: &TransactionSchema, rules: &CleaningRules, mut sink: Sink<'_>) -> Result<Cleaned> {
    use rayon::prelude::*;
    rules.check()?;
    schema.csv.check()?;
    let csv = &schema.csv;
    let mut rdr = RecordReader::new(input, csv.delimiter, csv.quote, csv.max_record_bytes);
    let header = read_header(&mut rdr, csv)?;
    let pos = positions(schema, header.as_deref())?;
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
    let per_round = rayon::current_num_threads().max(2);

    std::thread::scope(|scope| -> Result<()> {
        let (send, recv) = std::sync::mpsc::sync_channel::<Msg>(per_round);
        // Consumed batches go back to the reader, so their buffers are reused.
        let (give_back, recycled) = std::sync::mpsc::channel::<Batch>();
        // The reading thread: decompression and CSV splitting, in file order.
        scope.spawn(move || {
            let fresh = || match recycled.try_recv() {
                Ok(mut b) => {
                    b.clear();
                    b
                }
                Err(_) => Batch::new(),
            };
            let mut batch = Batch::new();
            loop {
                let msg = match rdr.next_record() {
                    Err(e) => Some(Msg::Failed(e)),
                    Ok(Next::Eof) => None,
                    Ok(Next::Record) => {
                        batch.push(&rdr, None);
                        if batch.records.len() < BATCH {
                            continue;
                        }
                        Some(Msg::Batch(std::mem::replace(&mut batch, fresh())))
                    }
                    Ok(Next::Malformed { column, message }) => {
                        batch.push(&rdr, Some((column, message)));
                        continue;
                    }
                };
                match msg {
                    Some(Msg::Failed(e)) => {
                        let _ = send.send(Msg::Failed(e));
                        return;
                    }
                    Some(m) => {
                        if send.send(m).is_err() {
                            return;
                        }
                    }
                    None => {
                        if !batch.records.is_empty() {
                            let _ = send.send(Msg::Batch(batch));
                        }
                        let _ = send.send(Msg::Done { blank_lines: rdr.blank_lines() });
                        return;
                    }
                }
            }
        });

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
                            end = Some(Err(std::io::Error::other("reader thread stopped")));
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

        let (mut matched, mut quarantined) = ([0u64; 12], [0u64; 12]);
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
                Some(Err(e)) => return Err(CleanError::io(None, e)),
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
                        Parsed::Bad(column, message) => {
                            matched[Reason::Unparsable as usize] += 1;
                            quarantined[Reason::Unparsable as usize] += 1;
                            report.issue(m.line, Some(column), Reason::Unparsable, &message);
                            sink.write(m.line, Reason::Unparsable, Some(column), &message, raw)?;
                            continue;
                        }
                        Parsed::Row { tx, hash, key, flags } => (tx, hash, key, flags),
                    };
                    let mut first: Option<Reason> = None;
                    let mut hit = |matched: &mut [u64; 12], reason: Reason, applies: bool, quarantines: bool| {
                        if applies {
                            matched[reason as usize] += 1;
                            if quarantines && first.is_none() {
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
        "{},{},{},{},{},{},{},{}",
        q(&t.invoice),
        q(&t.product),
        q(t.description.as_deref().unwrap_or("")),
        t.quantity,
        t.timestamp,
        t.unit_price,
        q(t.customer.as_deref().unwrap_or("")),
        q(t.country.as_deref().unwrap_or(""))
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
