//! Reading and cleaning order lines.

use std::borrow::Cow;
use std::io::{BufRead, Read, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};
use shopml_core::{FastHashMap, Params, Timestamp};

use crate::csv::{Next, RecordReader};
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

fn parse_row<'a, R: BufRead>(
    rdr: &'a RecordReader<R>,
    pos: &Positions,
    schema: &TransactionSchema,
    latin1: &mut u64,
) -> Result<Row<'a>, FieldError> {
    let n = rdr.n_fields();
    match pos.expected_fields {
        Some(e) if n != e => return Err((n.min(e) + 1, format!("expected {e} fields, found {n}"))),
        None if n <= pos.max_index => return Err((n + 1, format!("expected at least {} fields, found {n}", pos.max_index + 1))),
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

fn clean(input: Box<dyn BufRead + Send + '_>, schema: &TransactionSchema, rules: &CleaningRules, mut sink: Sink<'_>) -> Result<Cleaned> {
    rules.check()?;
    schema.csv.check()?;
    let csv = &schema.csv;
    let mut rdr = RecordReader::new(input, csv.delimiter, csv.quote, csv.max_record_bytes);
    let header = read_header(&mut rdr, csv)?;
    let pos = positions(schema, header.as_deref())?;

    let mut report = CleaningReport::default();
    let mut transactions = Vec::new();
    let mut returns = Vec::new();
    let mut seen = SeenSet::default();
    let mut seen_keys = SeenSet::default();
    let mut key_buf = Vec::new();
    let mut latin1 = 0u64;

    loop {
        let next = rdr.next_record().map_err(|e| CleanError::io(None, e))?;
        let line = rdr.line();
        let row = match next {
            Next::Eof => break,
            Next::Malformed { column, message } => Err((column, message)),
            Next::Record => parse_row(&rdr, &pos, schema, &mut latin1),
        };
        report.rows_read += 1;
        let row = match row {
            Ok(r) => r,
            Err((column, message)) => {
                report.matched_one(Reason::Unparsable);
                report.quarantine(Reason::Unparsable);
                report.issue(line, Some(column), Reason::Unparsable, &message);
                sink.write(line, Reason::Unparsable, Some(column), &message, rdr.raw())?;
                continue;
            }
        };
        // Evaluate every rule (for `matched`), then take the first that applies.
        let mut first: Option<Reason> = None;
        let mut hit = |report: &mut CleaningReport, reason: Reason, applies: bool, quarantines: bool| {
            if applies {
                report.matched_one(reason);
                if quarantines && first.is_none() {
                    first = Some(reason);
                }
            }
        };
        hit(&mut report, Reason::ExactDuplicate, rules.drop_exact_duplicates && !seen.insert(rdr.raw()), true);
        if let Some(key) = &rules.key_duplicates {
            row.key_bytes(key, &mut key_buf);
            hit(&mut report, Reason::KeyDuplicate, !seen_keys.insert(&key_buf), true);
        }
        if let Some((a, b)) = rules.time_window {
            hit(&mut report, Reason::OutsideWindow, row.timestamp < a || row.timestamp >= b, true);
        }
        hit(&mut report, Reason::NonProduct, rules.is_non_product(row.product.trim()), true);
        hit(&mut report, Reason::NonPositivePrice, rules.require_positive_price && row.unit_price <= 0.0, true);
        hit(&mut report, Reason::ZeroQuantity, rules.reject_zero_quantity && row.quantity == 0.0, true);
        hit(
            &mut report,
            Reason::MissingCustomer,
            schema.customer.is_some() && row.customer.is_none(),
            rules.missing_customer == MissingCustomer::Quarantine,
        );
        let is_return = rules.is_cancellation(row.invoice.trim()) || (rules.negative_quantity_is_return && row.quantity < 0.0);
        hit(&mut report, Reason::Return, is_return, rules.returns == ReturnPolicy::Quarantine);
        match first {
            Some(reason) => {
                report.quarantine(reason);
                sink.write(line, reason, None, "", rdr.raw())?;
            }
            None if is_return && rules.returns == ReturnPolicy::Split => returns.push(row.into_transaction(line)),
            None => transactions.push(row.into_transaction(line)),
        }
    }
    report.latin1_fields = latin1;
    report.blank_lines = rdr.blank_lines();
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
    let q = |s: &str| if s.contains([',', '"', '\n']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() };
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
