//! Arrow and Parquet input and output (cargo feature `parquet`).
//!
//! Order lines are read from a Parquet file, from a folder of Parquet files,
//! or from Arrow [`RecordBatch`]es **through the CSV reader's own pipeline**:
//! every Arrow row is turned into the raw fields a CSV export of the same
//! table would hold (text as is, numbers in their shortest decimal form,
//! dates in the schema's [`DateFormat`], nulls as empty
//! cells), and those fields go through the same [`TransactionSchema`]
//! column mapping, the same parsing, the same [`CleaningRules`], the same
//! quarantine reasons and the same [`CleaningReport`](crate::CleaningReport) counters as a CSV read.
//! The same table read as CSV or as Parquet gives the same [`Cleaned`].
//!
//! ```
//! use shopml_clean::parquet::{self, SynthParams};
//! use shopml_clean::{CleaningRules, Reason, TransactionSchema};
//!
//! // 2,000 Online-Retail-shaped lines in 4 Parquet files, with planted defects.
//! let data = parquet::generate(&SynthParams::new(2_000, 50, 40).files(4).seed(7))?;
//! let dir = std::env::temp_dir().join(format!("shopml-parquet-doc-{}", std::process::id()));
//! let files = data.write_parquet(&dir)?;
//! assert_eq!(files.len(), 4);
//!
//! let out = parquet::read(&dir, &TransactionSchema::online_retail(), &CleaningRules::online_retail())?;
//! let planted = data.planted();
//! assert_eq!(out.report.rows_read, 2_000);
//! assert_eq!(out.report.rows_kept, planted.sales);
//! assert_eq!(out.returns.len() as u64, planted.returns);
//! assert_eq!(out.report.quarantined(Reason::ExactDuplicate), planted.duplicates);
//! assert_eq!(out.report.quarantined(Reason::MissingCustomer), planted.missing_customer);
//! assert!(out.report.balances());
//! std::fs::remove_dir_all(&dir).ok();
//! # Ok::<(), shopml_clean::CleanError>(())
//! ```
//!
//! ## Reading
//!
//! - [`read`] / [`read_with`]: a `.parquet` file, or a folder, whose
//!   `*.parquet` files are read in order of file name (other files are
//!   ignored); every file must have the mapped columns.
//! - [`read_batches`] / [`read_batches_with`]: Arrow record batches.
//! - [`read_events`] / [`read_events_with`] / [`read_event_batches`]:
//!   behaviour events with an [`EventSchema`] and [`EventRules`], through the
//!   CSV event reader the same way.
//!
//! Columns are resolved by name against the first file's (or batch's)
//! schema, as against a CSV header ([`Column::Index`]
//! positions refer to the first file); later files are matched by column
//! name, so their column order may differ. A mapped column missing from a
//! file is [`CleanError::MissingColumn`] inside [`CleanError::InFile`],
//! which names the file ([`CleanError::in_file`] unwraps it). A file that is
//! not Parquet, truncated or corrupt is [`CleanError::Parquet`], never a
//! panic. Record batches are streamed (4,096 rows at a time) through the
//! same bounded pipeline as CSV records: a folder is never loaded whole.
//!
//! Accepted Arrow types: `Utf8`, `LargeUtf8`, `Utf8View` (and binary
//! columns, decoded like CSV bytes), integers, floats (`Float32` is written
//! in its own shortest form, so `2.55f32` reads as `2.55`), decimals,
//! booleans, `Date32`, `Date64`, `Timestamp` of any unit (floored to
//! seconds; with a time zone the value is UTC, as Arrow defines it), and
//! dictionaries of these. A mapped column of any other type (a list, a
//! struct) is [`CleanError::ColumnType`]; an unmapped one is read as empty.
//!
//! **Line numbers.** Rows are numbered across the files in order, as if they
//! were one CSV export with a header: the first row of the first file is
//! line 2, the first row of the second file follows the last row of the
//! first. [`Transaction::line`](crate::Transaction::line) and
//! [`Issue::line`](crate::Issue::line) carry that number; [`files`] with
//! each file's row count locates it. The raw record of a quarantined row
//! (in the quarantine file, [`CleanError::NothingKept`] and
//! [`QuarantineWriter`]) is the row as one CSV line.
//!
//! ## Writing
//!
//! - [`write_transactions`]: cleaned order lines to Parquet (columns
//!   `invoice`, `product`, `description`, `quantity`, `timestamp`,
//!   `unit_price`, `customer`, `country`, `category`, the attributes, and the
//!   source `line`); [`written_schema`] reads them back.
//! - [`QuarantineWriter`]: quarantined rows (line, reason, column, message,
//!   raw record and its fields), through
//!   [`ReadOptions::quarantine_parquet`](crate::ReadOptions::quarantine_parquet),
//!   for CSV and Parquet reads alike.
//!
//! ## Test data
//!
//! [`generate`] makes a seeded, Online-Retail-shaped table with weekly
//! seasonality, returns and bad rows in known numbers ([`synth`]).

use std::fs::File;
use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ::parquet::arrow::ArrowWriter;
use ::parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use ::parquet::basic::Compression;
use ::parquet::file::properties::WriterProperties;
use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Date64Type, Decimal128Type, Decimal256Type, Float16Type, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type,
    Int64Type, TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType, TimestampSecondType, UInt8Type, UInt16Type,
    UInt32Type, UInt64Type,
};
use arrow_array::{
    Array, ArrayRef, BinaryArray, BinaryViewArray, BooleanArray, FixedSizeBinaryArray, Float64Array, LargeBinaryArray, LargeStringArray,
    PrimitiveArray, RecordBatchReader, StringArray, StringViewArray, TimestampSecondArray, UInt32Array, UInt64Array,
};
use arrow_schema::{DataType, Field as ArrowField, Schema as ArrowSchema, TimeUnit};

/// The Arrow array crate this module speaks (to build [`RecordBatch`]es of the same version).
pub use arrow_array;
pub use arrow_array::RecordBatch;
/// The Arrow schema crate this module speaks.
pub use arrow_schema;

use crate::csv::{CsvReader, Fields, Next};
use crate::datetime::DateFormat;
use crate::error::{CleanError, Result};
use crate::events::{self, CleanedEvents, EventRules, EventSchema, Records};
use crate::input::QuarantineRows;
use crate::read::{ReadOptions, with_sink};
use crate::records::Transaction;
use crate::report::Reason;
use crate::rules::CleaningRules;
use crate::schema::{Column, CsvFormat, Field, TransactionSchema, resolve};
use crate::transactions::{BATCH, Batch, Cleaned, Feed, clean_fed};

pub mod synth;
pub use synth::{Planted, RowKind, SynthParams, Synthetic, generate};

/// Rows per Arrow record batch read from a Parquet file.
const READ_BATCH_ROWS: usize = 4096;

// ---------------------------------------------------------------------------
// Arrow cells as CSV text

/// One Arrow column, read cell by cell as the text a CSV export would hold.
enum Cells<'a> {
    /// No such column in this input, an unmapped column of an unsupported type, or `Null`.
    Empty,
    Utf8(&'a StringArray),
    LargeUtf8(&'a LargeStringArray),
    Utf8View(&'a StringViewArray),
    Binary(&'a BinaryArray),
    LargeBinary(&'a LargeBinaryArray),
    BinaryView(&'a BinaryViewArray),
    FixedBinary(&'a FixedSizeBinaryArray),
    Bool(&'a BooleanArray),
    I8(&'a PrimitiveArray<Int8Type>),
    I16(&'a PrimitiveArray<Int16Type>),
    I32(&'a PrimitiveArray<Int32Type>),
    I64(&'a PrimitiveArray<Int64Type>),
    U8(&'a PrimitiveArray<UInt8Type>),
    U16(&'a PrimitiveArray<UInt16Type>),
    U32(&'a PrimitiveArray<UInt32Type>),
    U64(&'a PrimitiveArray<UInt64Type>),
    F16(&'a PrimitiveArray<Float16Type>),
    F32(&'a PrimitiveArray<Float32Type>),
    F64(&'a PrimitiveArray<Float64Type>),
    Dec128(&'a PrimitiveArray<Decimal128Type>),
    Dec256(&'a PrimitiveArray<Decimal256Type>),
    /// Days since the epoch.
    Date32(&'a PrimitiveArray<Date32Type>),
    /// Milliseconds since the epoch.
    Date64(&'a PrimitiveArray<Date64Type>),
    TsS(&'a PrimitiveArray<TimestampSecondType>),
    TsMs(&'a PrimitiveArray<TimestampMillisecondType>),
    TsUs(&'a PrimitiveArray<TimestampMicrosecondType>),
    TsNs(&'a PrimitiveArray<TimestampNanosecondType>),
    /// A dictionary: per-row value index (`None` for a null key) into `values`.
    Dict(Vec<Option<usize>>, Box<Cells<'a>>),
}

impl<'a> Cells<'a> {
    /// The cells of `a`, or `None` for a type that is neither text, a number nor a date.
    fn new(a: &'a dyn Array) -> Option<Cells<'a>> {
        Some(match a.data_type() {
            DataType::Null => Cells::Empty,
            DataType::Utf8 => Cells::Utf8(a.as_string_opt::<i32>()?),
            DataType::LargeUtf8 => Cells::LargeUtf8(a.as_string_opt::<i64>()?),
            DataType::Utf8View => Cells::Utf8View(a.as_string_view_opt()?),
            DataType::Binary => Cells::Binary(a.as_binary_opt::<i32>()?),
            DataType::LargeBinary => Cells::LargeBinary(a.as_binary_opt::<i64>()?),
            DataType::BinaryView => Cells::BinaryView(a.as_binary_view_opt()?),
            DataType::FixedSizeBinary(_) => Cells::FixedBinary(a.as_fixed_size_binary_opt()?),
            DataType::Boolean => Cells::Bool(a.as_boolean_opt()?),
            DataType::Int8 => Cells::I8(a.as_primitive_opt()?),
            DataType::Int16 => Cells::I16(a.as_primitive_opt()?),
            DataType::Int32 => Cells::I32(a.as_primitive_opt()?),
            DataType::Int64 => Cells::I64(a.as_primitive_opt()?),
            DataType::UInt8 => Cells::U8(a.as_primitive_opt()?),
            DataType::UInt16 => Cells::U16(a.as_primitive_opt()?),
            DataType::UInt32 => Cells::U32(a.as_primitive_opt()?),
            DataType::UInt64 => Cells::U64(a.as_primitive_opt()?),
            DataType::Float16 => Cells::F16(a.as_primitive_opt()?),
            DataType::Float32 => Cells::F32(a.as_primitive_opt()?),
            DataType::Float64 => Cells::F64(a.as_primitive_opt()?),
            DataType::Decimal128(..) => Cells::Dec128(a.as_primitive_opt()?),
            DataType::Decimal256(..) => Cells::Dec256(a.as_primitive_opt()?),
            DataType::Date32 => Cells::Date32(a.as_primitive_opt()?),
            DataType::Date64 => Cells::Date64(a.as_primitive_opt()?),
            DataType::Timestamp(TimeUnit::Second, _) => Cells::TsS(a.as_primitive_opt()?),
            DataType::Timestamp(TimeUnit::Millisecond, _) => Cells::TsMs(a.as_primitive_opt()?),
            DataType::Timestamp(TimeUnit::Microsecond, _) => Cells::TsUs(a.as_primitive_opt()?),
            DataType::Timestamp(TimeUnit::Nanosecond, _) => Cells::TsNs(a.as_primitive_opt()?),
            DataType::Dictionary(..) => {
                let d = a.as_any_dictionary_opt()?;
                let values = Cells::new(d.values().as_ref())?;
                let keys = d.keys();
                let n_values = d.values().len();
                let index: Vec<Option<usize>> = if n_values == 0 {
                    vec![None; keys.len()]
                } else {
                    d.normalized_keys().into_iter().enumerate().map(|(i, k)| (keys.is_valid(i) && k < n_values).then_some(k)).collect()
                };
                Cells::Dict(index, Box::new(values))
            }
            _ => return None,
        })
    }

    /// Whether columns of type `t` can be read (checked on an empty array of that type).
    fn supports(t: &DataType) -> bool {
        let empty = arrow_array::new_empty_array(t);
        Cells::new(empty.as_ref()).is_some()
    }

    /// Appends cell `i` as text (nothing for a null).
    fn write(&self, i: usize, dates: DateFormat, out: &mut Vec<u8>) {
        macro_rules! show {
            ($a:expr) => {
                if $a.is_valid(i) {
                    let _ = write!(out, "{}", $a.value(i));
                }
            };
        }
        macro_rules! bytes {
            ($a:expr) => {
                if $a.is_valid(i) {
                    out.extend_from_slice(AsRef::<[u8]>::as_ref($a.value(i)));
                }
            };
        }
        macro_rules! date {
            ($a:expr, $to_seconds:expr) => {
                if $a.is_valid(i) {
                    write_date(($to_seconds)($a.value(i) as i64), dates, out);
                }
            };
        }
        match self {
            Cells::Empty => {}
            Cells::Utf8(a) => bytes!(a),
            Cells::LargeUtf8(a) => bytes!(a),
            Cells::Utf8View(a) => bytes!(a),
            Cells::Binary(a) => bytes!(a),
            Cells::LargeBinary(a) => bytes!(a),
            Cells::BinaryView(a) => bytes!(a),
            Cells::FixedBinary(a) => bytes!(a),
            Cells::Bool(a) => show!(a),
            Cells::I8(a) => show!(a),
            Cells::I16(a) => show!(a),
            Cells::I32(a) => show!(a),
            Cells::I64(a) => show!(a),
            Cells::U8(a) => show!(a),
            Cells::U16(a) => show!(a),
            Cells::U32(a) => show!(a),
            Cells::U64(a) => show!(a),
            Cells::F16(a) => show!(a),
            Cells::F32(a) => show!(a),
            Cells::F64(a) => show!(a),
            Cells::Dec128(a) => {
                if a.is_valid(i) {
                    out.extend_from_slice(a.value_as_string(i).as_bytes());
                }
            }
            Cells::Dec256(a) => {
                if a.is_valid(i) {
                    out.extend_from_slice(a.value_as_string(i).as_bytes());
                }
            }
            Cells::Date32(a) => date!(a, |d: i64| d * 86_400),
            Cells::Date64(a) => date!(a, |ms: i64| ms.div_euclid(1_000)),
            Cells::TsS(a) => date!(a, |s: i64| s),
            Cells::TsMs(a) => date!(a, |ms: i64| ms.div_euclid(1_000)),
            Cells::TsUs(a) => date!(a, |us: i64| us.div_euclid(1_000_000)),
            Cells::TsNs(a) => date!(a, |ns: i64| ns.div_euclid(1_000_000_000)),
            Cells::Dict(index, values) => {
                if let Some(Some(k)) = index.get(i) {
                    values.write(*k, dates, out);
                }
            }
        }
    }
}

/// Writes seconds since the epoch (UTC) in the layout `format` reads, so a
/// typed date column goes through the same date parser as text: ISO 8601
/// (`YYYY-MM-DD HH:MM:SS`) for `Auto` and `Iso8601`, the layout itself for
/// the others. A date outside the supported years is written as it is and
/// quarantined by the parser ([`Reason::DateOutOfRange`] for four-digit
/// years, unparsable beyond).
fn write_date(seconds: i64, format: DateFormat, out: &mut Vec<u8>) {
    let days = seconds.div_euclid(86_400);
    let tod = seconds.rem_euclid(86_400);
    let (y, mo, d) = shopml_core::time::civil_from_days(days);
    let (h, mi, s) = (tod / 3600, tod / 60 % 60, tod % 60);
    let _ = match format {
        DateFormat::Auto | DateFormat::Iso8601 => write!(out, "{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}"),
        DateFormat::MdyHm => write!(out, "{mo:02}/{d:02}/{y:04} {h:02}:{mi:02}:{s:02}"),
        DateFormat::DmyHm => write!(out, "{d:02}/{mo:02}/{y:04} {h:02}:{mi:02}:{s:02}"),
        DateFormat::DmyDot => write!(out, "{d:02}.{mo:02}.{y:04} {h:02}:{mi:02}:{s:02}"),
        DateFormat::Compact => write!(out, "{y:04}{mo:02}{d:02}{h:02}{mi:02}{s:02}"),
        DateFormat::UnixSeconds => write!(out, "{seconds}"),
        DateFormat::UnixMillis => write!(out, "{}", seconds as i128 * 1000),
    };
}

// ---------------------------------------------------------------------------
// Layout: the first input's columns, the mapped ones, and later inputs aligned to them

/// The columns of the first input (the "header"), and which of them the schema maps.
struct Layout {
    header: Vec<String>,
    /// `(column, field it fills)` for every mapped column.
    mapped: Vec<(usize, String)>,
    dates: DateFormat,
    max_batch_bytes: usize,
}

fn names(schema: &ArrowSchema) -> Vec<String> {
    schema.fields().iter().map(|f| f.name().trim().to_string()).collect()
}

impl Layout {
    /// Resolves an order-line schema's columns against the first input's Arrow schema.
    fn for_transactions(schema: &TransactionSchema, first: &ArrowSchema) -> Result<Layout> {
        let header = names(first);
        let width = Some(header.len());
        let mut mapped = Vec::new();
        for f in Field::ALL {
            if let Some(c) = schema.column(f) {
                mapped.push((resolve(c, f.name(), Some(&header), width)?, f.name().to_string()));
            }
        }
        for c in &schema.attributes {
            let what = match c {
                Column::Name(n) => format!("attribute `{n}`"),
                Column::Index(i) => format!("attribute at position {i}"),
            };
            mapped.push((resolve(c, &what, Some(&header), width)?, what));
        }
        if schema.other_columns {
            for (i, n) in header.iter().enumerate() {
                if !mapped.iter().any(|(j, _)| *j == i) {
                    mapped.push((i, format!("attribute `{n}`")));
                }
            }
        }
        Layout::checked(Layout { header, mapped, dates: schema.date_format, max_batch_bytes: schema.csv.max_batch_bytes }, first)
    }

    /// Resolves an event schema's columns against the first input's Arrow schema.
    fn for_events(schema: &EventSchema, first: &ArrowSchema) -> Result<Layout> {
        let header = names(first);
        let width = Some(header.len());
        let mut mapped = Vec::new();
        let columns = [
            (Some(&schema.user), "user"),
            (Some(&schema.item), "item"),
            (Some(&schema.kind), "kind"),
            (Some(&schema.timestamp), "timestamp"),
            (schema.session.as_ref(), "session"),
            (schema.price.as_ref(), "price"),
        ];
        for (c, f) in columns {
            if let Some(c) = c {
                mapped.push((resolve(c, f, Some(&header), width)?, f.to_string()));
            }
        }
        Layout::checked(Layout { header, mapped, dates: schema.date_format, max_batch_bytes: schema.csv.max_batch_bytes }, first)
    }

    fn checked(layout: Layout, first: &ArrowSchema) -> Result<Layout> {
        layout.align(first)?;
        Ok(layout)
    }

    /// For each header column, its position in `schema` (`None`: absent, read
    /// as empty). A mapped column that is absent, repeated or of an
    /// unsupported type is an error.
    fn align(&self, schema: &ArrowSchema) -> Result<Vec<Option<usize>>> {
        let here = names(schema);
        let mut out = Vec::with_capacity(self.header.len());
        for (j, name) in self.header.iter().enumerate() {
            let mut hits = here.iter().enumerate().filter(|(_, n)| *n == name).map(|(k, _)| k);
            let (first, second) = (hits.next(), hits.next());
            let field = self.mapped.iter().find(|(m, _)| *m == j).map(|(_, f)| f);
            let Some(field) = field else {
                // Unmapped: only the raw record (duplicate detection, quarantine) sees it.
                out.push(first.filter(|&k| Cells::supports(schema.field(k).data_type())));
                continue;
            };
            let k = first.ok_or_else(|| CleanError::MissingColumn {
                name: name.clone(),
                field: field.clone(),
                header: crate::dialect::preview(&here.join(","), 500).into_owned(),
            })?;
            if let Some(second) = second {
                return Err(CleanError::DuplicateColumn { name: name.clone(), first: k + 1, second: second + 1 });
            }
            let t = schema.field(k).data_type();
            if !Cells::supports(t) {
                return Err(CleanError::ColumnType { column: name.clone(), field: field.clone(), data_type: t.to_string() });
            }
            out.push(Some(k));
        }
        Ok(out)
    }

    /// Appends the rows of `rb` (columns aligned by `align`) to `batch`,
    /// handing full batches to `feed`; `false` when the consumer stopped.
    fn push(&self, rb: &RecordBatch, align: &[Option<usize>], feed: &Feed, batch: &mut Batch, line: &mut u64) -> bool {
        let cells = cells(rb, align);
        for i in 0..rb.num_rows() {
            if batch.len() > 0 && (batch.len() >= BATCH || batch.bytes() >= self.max_batch_bytes) {
                let full = std::mem::replace(batch, feed.fresh());
                if !feed.send(full) {
                    return false;
                }
            }
            self.push_row(&cells, i, batch, line);
        }
        true
    }

    /// Appends row `i` as one record numbered `line + 1`.
    fn push_row(&self, cells: &[Cells<'_>], i: usize, batch: &mut Batch, line: &mut u64) {
        let start = batch.begin_record();
        for c in cells {
            let d0 = batch.field_buf().len();
            c.write(i, self.dates, batch.field_buf());
            batch.end_field(start, d0);
        }
        *line += 1;
        batch.end_record(start, *line);
    }
}

/// The cells of each header column in `rb` (empty where `align` has none).
fn cells<'a>(rb: &'a RecordBatch, align: &[Option<usize>]) -> Vec<Cells<'a>> {
    align.iter().map(|k| k.and_then(|k| Cells::new(rb.column(k).as_ref())).unwrap_or(Cells::Empty)).collect()
}

/// The record batches of an input, each with its columns aligned to the layout.
type NextBatch<'a> = Box<dyn FnMut(&Layout) -> Result<Option<(RecordBatch, Arc<[Option<usize>]>)>> + Send + 'a>;

/// The batches of `files` in order (the first already open as `first`).
fn file_batches(files: Vec<PathBuf>, first: ParquetRecordBatchReader) -> NextBatch<'static> {
    let mut first = Some(first);
    let mut next_file = 0;
    let mut current: Option<(ParquetRecordBatchReader, Arc<[Option<usize>]>)> = None;
    Box::new(move |layout| {
        loop {
            if let Some((r, align)) = current.as_mut() {
                match next_batch(r, &files[next_file - 1]) {
                    Some(rb) => return Ok(Some((rb?, align.clone()))),
                    None => current = None,
                }
            }
            let Some(path) = files.get(next_file) else {
                return Ok(None);
            };
            next_file += 1;
            let r = match first.take() {
                Some(r) => r,
                None => open(path)?,
            };
            let align = layout.align(r.schema().as_ref()).map_err(|e| in_file(path, e))?;
            current = Some((r, align.into()));
        }
    })
}

/// The batches of an iterator.
fn memory_batches<'a>(batches: impl Iterator<Item = RecordBatch> + Send + 'a) -> NextBatch<'a> {
    let mut batches = batches;
    Box::new(move |layout| match batches.next() {
        None => Ok(None),
        Some(rb) => {
            let align = layout.align(rb.schema().as_ref())?;
            Ok(Some((rb, align.into())))
        }
    })
}

/// Cleans order lines from `next`'s batches through the CSV pipeline.
fn clean_transactions(
    layout: Layout,
    mut next: NextBatch<'_>,
    schema: &TransactionSchema,
    rules: &CleaningRules,
    options: ReadOptions<'_>,
) -> Result<Cleaned> {
    let header = layout.header.clone();
    let produce = move |feed: Feed| {
        let mut batch = feed.fresh();
        let mut line = 1;
        loop {
            match next(&layout) {
                Ok(Some((rb, align))) => {
                    if !layout.push(&rb, &align, &feed, &mut batch, &mut line) {
                        return;
                    }
                }
                Ok(None) => break,
                Err(e) => return feed.fail(e),
            }
        }
        if batch.len() > 0 && !feed.send(batch) {
            return;
        }
        feed.done(0)
    };
    with_sink(rules.quarantine_file.as_deref(), options, |sink, hook| clean_fed(&header, schema, rules, sink, hook, produce))
}

/// Arrow rows as the event reader's records: one record batch at a time,
/// turned into a batch of CSV-like fields.
struct ArrowRecords<'a> {
    layout: Layout,
    next: NextBatch<'a>,
    batch: Batch,
    /// The current record in `batch` (`usize::MAX` before the first).
    k: usize,
    line: u64,
}

impl Fields for ArrowRecords<'_> {
    fn n_fields(&self) -> usize {
        self.batch.record(self.k).2.n_fields()
    }
    fn field(&self, i: usize) -> &[u8] {
        self.batch.record(self.k).2.get(i)
    }
}

impl Records for ArrowRecords<'_> {
    fn advance(&mut self) -> Result<Option<Result<(), (usize, String)>>> {
        self.k = self.k.wrapping_add(1);
        while self.k >= self.batch.len() {
            let Some((rb, align)) = (self.next)(&self.layout)? else {
                return Ok(None);
            };
            self.batch.reset();
            let cells = cells(&rb, &align);
            for i in 0..rb.num_rows() {
                self.layout.push_row(&cells, i, &mut self.batch, &mut self.line);
            }
            self.k = 0;
        }
        Ok(Some(Ok(())))
    }
    fn fields(&self) -> &dyn Fields {
        self
    }
    fn raw(&self) -> &[u8] {
        self.batch.record(self.k).1
    }
    fn line(&self) -> u64 {
        self.batch.record(self.k).0
    }
    fn blank_lines(&self) -> u64 {
        0
    }
}

/// Cleans events from `next`'s batches through the CSV event reader.
fn clean_events(
    layout: Layout,
    next: NextBatch<'_>,
    schema: &EventSchema,
    rules: &EventRules,
    options: ReadOptions<'_>,
) -> Result<CleanedEvents> {
    let header = layout.header.clone();
    let mut records = ArrowRecords { layout, next, batch: Batch::empty(), k: usize::MAX, line: 1 };
    with_sink(rules.quarantine_file.as_deref(), options, |sink, hook| {
        events::clean_records(Some(&header), &mut records, schema, rules, sink, hook)
    })
}

fn parquet_error(path: Option<&Path>, e: impl std::fmt::Display) -> CleanError {
    CleanError::Parquet { path: path.map(Path::to_path_buf), message: e.to_string() }
}

fn in_file(path: &Path, e: CleanError) -> CleanError {
    match e {
        // These already name the file.
        e @ (CleanError::Parquet { path: Some(_), .. } | CleanError::InFile { .. }) => e,
        CleanError::Core(shopml_core::Error::Io { path: Some(p), source }) => {
            CleanError::Core(shopml_core::Error::Io { path: Some(p), source })
        }
        e => CleanError::InFile { path: path.to_path_buf(), source: Box::new(e) },
    }
}

fn panic_message(p: Box<dyn std::any::Any + Send>) -> String {
    let what = p.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| p.downcast_ref::<String>().cloned()).unwrap_or_default();
    format!("the Parquet decoder failed on corrupt data ({what})")
}

/// Opens a Parquet file for reading record batches. Never panics: a panic of
/// the decoder on corrupt input becomes [`CleanError::Parquet`].
fn open(path: &Path) -> Result<ParquetRecordBatchReader> {
    let f = File::open(path).map_err(|e| CleanError::io(Some(path), e))?;
    let built = catch_unwind(AssertUnwindSafe(|| ParquetRecordBatchReaderBuilder::try_new(f)?.with_batch_size(READ_BATCH_ROWS).build()));
    match built {
        Ok(Ok(r)) => Ok(r),
        Ok(Err(e)) => Err(parquet_error(Some(path), e)),
        Err(p) => Err(parquet_error(Some(path), panic_message(p))),
    }
}

/// The next record batch of `r`, with decoder errors and panics as [`CleanError::Parquet`].
fn next_batch(r: &mut ParquetRecordBatchReader, path: &Path) -> Option<Result<RecordBatch>> {
    match catch_unwind(AssertUnwindSafe(|| r.next())) {
        Ok(None) => None,
        Ok(Some(Ok(b))) => Some(Ok(b)),
        Ok(Some(Err(e))) => Some(Err(parquet_error(Some(path), e))),
        Err(p) => Some(Err(parquet_error(Some(path), panic_message(p)))),
    }
}

/// The Parquet files a [`read`] of `path` reads, in order: `path` itself
/// when it is a file, else the folder's `*.parquet` files (not recursing)
/// sorted by file name.
pub fn files(path: impl AsRef<Path>) -> Result<Vec<PathBuf>> {
    let path = path.as_ref();
    let meta = std::fs::metadata(path).map_err(|e| CleanError::io(Some(path), e))?;
    if !meta.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut out = Vec::new();
    for entry in std::fs::read_dir(path).map_err(|e| CleanError::io(Some(path), e))? {
        let p = entry.map_err(|e| CleanError::io(Some(path), e))?.path();
        if p.extension().is_some_and(|e| e == "parquet") && p.is_file() {
            out.push(p);
        }
    }
    out.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    if out.is_empty() {
        return Err(parquet_error(Some(path), "the folder has no `.parquet` files"));
    }
    Ok(out)
}

/// Reads and cleans order lines from a Parquet file or a folder of them
/// (see the [module documentation](self)), like [`crate::read`] does CSV.
///
/// Errors: those of [`crate::read`], plus [`CleanError::Parquet`] for a
/// file that is not readable Parquet and [`CleanError::ColumnType`];
/// problems of one file of several come inside [`CleanError::InFile`].
pub fn read(path: impl AsRef<Path>, schema: &TransactionSchema, rules: &CleaningRules) -> Result<Cleaned> {
    read_with(path, schema, rules, ReadOptions::new())
}

/// [`read`] with a quarantine writer and/or a [`RecordHook`](crate::RecordHook).
pub fn read_with(path: impl AsRef<Path>, schema: &TransactionSchema, rules: &CleaningRules, options: ReadOptions<'_>) -> Result<Cleaned> {
    let files = files(path)?;
    let first = open(&files[0])?;
    let layout = Layout::for_transactions(schema, first.schema().as_ref()).map_err(|e| in_file(&files[0], e))?;
    clean_transactions(layout, file_batches(files, first), schema, rules, options)
}

/// Reads and cleans order lines from Arrow record batches, like [`read`].
/// Columns are resolved against the first batch's schema; later batches are
/// matched by column name. No batches at all is [`CleanError::Parquet`].
///
/// ```
/// use std::sync::Arc;
/// use shopml_clean::parquet::{arrow_array, arrow_schema, read_batches, RecordBatch};
/// use arrow_array::{ArrayRef, Float64Array, Int64Array, StringArray, TimestampSecondArray};
/// use arrow_schema::{DataType, Field, Schema, TimeUnit};
/// use shopml_clean::{CleaningRules, TransactionSchema};
///
/// let schema = Arc::new(Schema::new(vec![
///     Field::new("order", DataType::Utf8, false),
///     Field::new("sku", DataType::Utf8, true),
///     Field::new("qty", DataType::Int64, true),
///     Field::new("at", DataType::Timestamp(TimeUnit::Second, Some("UTC".into())), true),
///     Field::new("price", DataType::Float64, true),
/// ]));
/// let columns: Vec<ArrayRef> = vec![
///     Arc::new(StringArray::from(vec!["A1", "A1", "A2"])),
///     Arc::new(StringArray::from(vec![Some("P1"), Some("P2"), None])),
///     Arc::new(Int64Array::from(vec![2, -1, 3])),
///     Arc::new(TimestampSecondArray::from(vec![1_700_000_000, 1_700_000_000, 1_700_003_600]).with_timezone("UTC")),
///     Arc::new(Float64Array::from(vec![2.5, 4.0, 1.0])),
/// ];
/// let batch = RecordBatch::try_new(schema, columns).unwrap();
/// let map = TransactionSchema::new("order", "sku", "qty", "at", "price");
/// let out = read_batches([batch], &map, &CleaningRules::default())?;
/// assert_eq!(out.transactions.len(), 1);
/// assert_eq!(out.transactions[0].timestamp.seconds(), 1_700_000_000);
/// assert_eq!(out.returns[0].quantity, -1.0); // a negative quantity is a return
/// assert_eq!(out.report.issues[0].line, 4); // the third row: the missing product
/// # Ok::<(), shopml_clean::CleanError>(())
/// ```
pub fn read_batches<I>(batches: I, schema: &TransactionSchema, rules: &CleaningRules) -> Result<Cleaned>
where
    I: IntoIterator<Item = RecordBatch>,
    I::IntoIter: Send,
{
    read_batches_with(batches, schema, rules, ReadOptions::new())
}

/// [`read_batches`] with a quarantine writer and/or a [`RecordHook`](crate::RecordHook).
pub fn read_batches_with<I>(batches: I, schema: &TransactionSchema, rules: &CleaningRules, options: ReadOptions<'_>) -> Result<Cleaned>
where
    I: IntoIterator<Item = RecordBatch>,
    I::IntoIter: Send,
{
    let mut it = batches.into_iter();
    let first = it.next().ok_or_else(|| parquet_error(None, "no record batches, so no columns to map"))?;
    let layout = Layout::for_transactions(schema, first.schema().as_ref())?;
    clean_transactions(layout, memory_batches(std::iter::once(first).chain(it)), schema, rules, options)
}

/// Reads and cleans behaviour events from a Parquet file or a folder of
/// them, like [`crate::read`] does CSV with an [`EventSchema`]: the same
/// mapping, rules, reasons and report, rows numbered as in [`read`].
pub fn read_events(path: impl AsRef<Path>, schema: &EventSchema, rules: &EventRules) -> Result<CleanedEvents> {
    read_events_with(path, schema, rules, ReadOptions::new())
}

/// [`read_events`] with a quarantine writer and/or a [`RecordHook`](crate::RecordHook).
pub fn read_events_with(
    path: impl AsRef<Path>,
    schema: &EventSchema,
    rules: &EventRules,
    options: ReadOptions<'_>,
) -> Result<CleanedEvents> {
    let files = files(path)?;
    let first = open(&files[0])?;
    let layout = Layout::for_events(schema, first.schema().as_ref()).map_err(|e| in_file(&files[0], e))?;
    clean_events(layout, file_batches(files, first), schema, rules, options)
}

/// Reads and cleans behaviour events from Arrow record batches (see [`read_events`]).
pub fn read_event_batches<I>(batches: I, schema: &EventSchema, rules: &EventRules) -> Result<CleanedEvents>
where
    I: IntoIterator<Item = RecordBatch>,
    I::IntoIter: Send,
{
    let mut it = batches.into_iter();
    let first = it.next().ok_or_else(|| parquet_error(None, "no record batches, so no columns to map"))?;
    let layout = Layout::for_events(schema, first.schema().as_ref())?;
    clean_events(layout, memory_batches(std::iter::once(first).chain(it)), schema, rules, ReadOptions::new())
}

// ---------------------------------------------------------------------------
// Writers

fn write_error(e: impl std::fmt::Display) -> CleanError {
    CleanError::Parquet { path: None, message: format!("writing Parquet: {e}") }
}

fn snappy() -> WriterProperties {
    WriterProperties::builder().set_compression(Compression::SNAPPY).build()
}

/// The columns [`write_transactions`] writes before the attributes.
const WRITTEN: [&str; 9] = ["invoice", "product", "description", "quantity", "timestamp", "unit_price", "customer", "country", "category"];

/// Writes order lines (for example [`Cleaned::transactions`]) to `w` as one
/// Parquet file (Snappy-compressed): `invoice`, `product`, `description`
/// (text), `quantity` (`Float64`), `timestamp` (`Timestamp(Second, "UTC")`),
/// `unit_price` (`Float64`), `customer`, `country`, `category` (text,
/// null when missing), one text column per attribute (every transaction
/// must carry the same attribute names), and `line` (`UInt64`, the source
/// line). [`written_schema`] maps them back.
pub fn write_transactions<W: Write + Send>(w: W, transactions: &[Transaction]) -> Result<()> {
    let attr_names: Vec<String> = transactions.first().and_then(|t| t.attributes.names()).map(<[String]>::to_vec).unwrap_or_default();
    for n in &attr_names {
        if WRITTEN.contains(&n.as_str()) || n == "line" {
            return Err(shopml_core::Error::param("attributes", format!("attribute `{n}` has the name of a written column")).into());
        }
    }
    let mut fields = vec![
        ArrowField::new("invoice", DataType::Utf8, false),
        ArrowField::new("product", DataType::Utf8, false),
        ArrowField::new("description", DataType::Utf8, true),
        ArrowField::new("quantity", DataType::Float64, false),
        ArrowField::new("timestamp", DataType::Timestamp(TimeUnit::Second, Some("UTC".into())), false),
        ArrowField::new("unit_price", DataType::Float64, false),
        ArrowField::new("customer", DataType::Utf8, true),
        ArrowField::new("country", DataType::Utf8, true),
        ArrowField::new("category", DataType::Utf8, true),
    ];
    fields.extend(attr_names.iter().map(|n| ArrowField::new(n, DataType::Utf8, true)));
    fields.push(ArrowField::new("line", DataType::UInt64, false));
    let schema = Arc::new(ArrowSchema::new(fields));
    let mut writer = ArrowWriter::try_new(w, schema.clone(), Some(snappy())).map_err(write_error)?;
    for chunk in transactions.chunks(1 << 16) {
        for t in chunk {
            if t.attributes.names().unwrap_or_default() != attr_names.as_slice() {
                return Err(shopml_core::Error::param(
                    "attributes",
                    format!("line {}: every transaction must carry the same attribute names", t.line),
                )
                .into());
            }
        }
        let text = |f: &dyn Fn(&Transaction) -> Option<&str>| -> ArrayRef { Arc::new(chunk.iter().map(f).collect::<StringArray>()) };
        let mut columns: Vec<ArrayRef> = vec![
            text(&|t| Some(t.invoice.as_str())),
            text(&|t| Some(t.product.as_str())),
            text(&|t| t.description.as_deref()),
            Arc::new(chunk.iter().map(|t| t.quantity).collect::<Float64Array>()),
            Arc::new(TimestampSecondArray::from(chunk.iter().map(|t| t.timestamp.seconds()).collect::<Vec<_>>()).with_timezone("UTC")),
            Arc::new(chunk.iter().map(|t| t.unit_price).collect::<Float64Array>()),
            text(&|t| t.customer.as_deref()),
            text(&|t| t.country.as_deref()),
            text(&|t| t.category.as_deref()),
        ];
        for n in &attr_names {
            columns.push(text(&|t| t.attributes.get(n)));
        }
        columns.push(Arc::new(chunk.iter().map(|t| t.line).collect::<UInt64Array>()));
        let rb = RecordBatch::try_new(schema.clone(), columns).map_err(write_error)?;
        writer.write(&rb).map_err(write_error)?;
    }
    writer.close().map_err(write_error)?;
    Ok(())
}

/// The schema that reads a [`write_transactions`] file back, carrying
/// `attributes` (the attribute names written); the `line` column is not mapped.
pub fn written_schema(attributes: impl IntoIterator<Item = impl Into<String>>) -> TransactionSchema {
    TransactionSchema::new("invoice", "product", "quantity", "timestamp", "unit_price")
        .description("description")
        .customer("customer")
        .country("country")
        .category("category")
        .attributes(attributes.into_iter().map(|n| Column::Name(n.into())))
}

impl<'a> ReadOptions<'a> {
    /// Also writes quarantined rows to a Parquet file (see
    /// [`QuarantineWriter`]; call its [`finish`](QuarantineWriter::finish)
    /// after the read). Feature `parquet`.
    pub fn quarantine_parquet<'w: 'a>(mut self, w: &'a mut QuarantineWriter<'w>) -> Self {
        self.rows = Some(w);
        self
    }
}

/// Rows buffered before a quarantine record batch is written.
const QUARANTINE_ROWS: usize = 8192;

/// Writes quarantined rows to a Parquet file: `line` (`UInt64`), `reason`
/// (its [`code`](Reason::code)), `column` (`UInt32`, one-based, null when
/// no one field is to blame), `message` (empty when a rule decided),
/// `record` (the raw record as text, after the hook) and `fields` (a list
/// of the record's fields split with [`csv_format`](Self::csv_format),
/// null when it does not split).
///
/// Hand it to a read with
/// [`ReadOptions::quarantine_parquet`](crate::ReadOptions::quarantine_parquet),
/// then call [`finish`](Self::finish); without `finish` the file has no footer.
///
/// ```
/// use shopml_clean::parquet::QuarantineWriter;
/// use shopml_clean::{read_with, CleaningRules, ReadOptions, TransactionSchema};
/// let csv = "order,sku,qty,time,price\nA1,P1,2,2024-03-01 10:00:00,5.0\nA2,P2,two,2024-03-01 10:00:00,5.0\n";
/// let mut buf = Vec::new();
/// let mut q = QuarantineWriter::new(std::io::Cursor::new(&mut buf))?;
/// let schema = TransactionSchema::new("order", "sku", "qty", "time", "price");
/// read_with(csv.as_bytes(), &schema, &CleaningRules::default(), ReadOptions::new().quarantine_parquet(&mut q))?;
/// assert_eq!(q.rows(), 1);
/// q.finish()?;
/// assert_eq!(&buf[..4], b"PAR1");
/// # Ok::<(), shopml_clean::CleanError>(())
/// ```
pub struct QuarantineWriter<'w> {
    writer: ArrowWriter<Box<dyn Write + Send + 'w>>,
    schema: Arc<ArrowSchema>,
    format: CsvFormat,
    rows: u64,
    line: Vec<u64>,
    reason: Vec<&'static str>,
    column: Vec<Option<u32>>,
    message: Vec<String>,
    record: Vec<String>,
    fields: Vec<Option<Vec<String>>>,
}

impl std::fmt::Debug for QuarantineWriter<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QuarantineWriter").field("rows", &self.rows).finish_non_exhaustive()
    }
}

impl<'w> QuarantineWriter<'w> {
    /// A writer to `w` (Snappy-compressed), splitting records as CSV with the
    /// default format (what a Parquet read's raw records are).
    pub fn new(w: impl Write + Send + 'w) -> Result<Self> {
        let schema = Arc::new(ArrowSchema::new(vec![
            ArrowField::new("line", DataType::UInt64, false),
            ArrowField::new("reason", DataType::Utf8, false),
            ArrowField::new("column", DataType::UInt32, true),
            ArrowField::new("message", DataType::Utf8, false),
            ArrowField::new("record", DataType::Utf8, false),
            ArrowField::new("fields", DataType::List(Arc::new(ArrowField::new("item", DataType::Utf8, true))), true),
        ]));
        let boxed: Box<dyn Write + Send + 'w> = Box::new(w);
        let writer = ArrowWriter::try_new(boxed, schema.clone(), Some(snappy())).map_err(write_error)?;
        Ok(QuarantineWriter {
            writer,
            schema,
            format: CsvFormat::default(),
            rows: 0,
            line: Vec::new(),
            reason: Vec::new(),
            column: Vec::new(),
            message: Vec::new(),
            record: Vec::new(),
            fields: Vec::new(),
        })
    }

    /// Splits records with `format` (use the schema's [`CsvFormat`] for a CSV read with another delimiter).
    pub fn csv_format(mut self, format: CsvFormat) -> Self {
        self.format = format;
        self
    }

    /// Rows received so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    fn flush_rows(&mut self) -> Result<()> {
        if self.line.is_empty() {
            return Ok(());
        }
        let mut list = arrow_array::builder::ListBuilder::new(arrow_array::builder::StringBuilder::new());
        for f in self.fields.drain(..) {
            match f {
                Some(f) => {
                    for v in f {
                        list.values().append_value(v);
                    }
                    list.append(true);
                }
                None => list.append(false),
            }
        }
        let columns: Vec<ArrayRef> = vec![
            Arc::new(UInt64Array::from(std::mem::take(&mut self.line))),
            Arc::new(StringArray::from(std::mem::take(&mut self.reason))),
            Arc::new(UInt32Array::from(std::mem::take(&mut self.column))),
            Arc::new(StringArray::from(std::mem::take(&mut self.message))),
            Arc::new(StringArray::from(std::mem::take(&mut self.record))),
            Arc::new(list.finish()),
        ];
        let rb = RecordBatch::try_new(self.schema.clone(), columns).map_err(write_error)?;
        self.writer.write(&rb).map_err(write_error)
    }

    /// Writes the buffered rows and the file footer.
    pub fn finish(mut self) -> Result<()> {
        self.flush_rows()?;
        self.writer.close().map_err(write_error)?;
        Ok(())
    }
}

impl QuarantineRows for QuarantineWriter<'_> {
    fn row(&mut self, line: u64, reason: Reason, column: Option<usize>, message: &str, record: &[u8]) -> Result<()> {
        let mut rdr = CsvReader::new(record, &self.format);
        let fields = match rdr.next_record() {
            Ok(Next::Record) => Some((0..rdr.len()).map(|i| rdr.text(i).into_owned()).collect()),
            _ => None,
        };
        self.rows += 1;
        self.line.push(line);
        self.reason.push(reason.code());
        self.column.push(column.map(|c| c.min(u32::MAX as usize) as u32));
        self.message.push(message.to_string());
        self.record.push(String::from_utf8_lossy(record).into_owned());
        self.fields.push(fields);
        if self.line.len() >= QUARANTINE_ROWS {
            self.flush_rows()?;
        }
        Ok(())
    }
}
