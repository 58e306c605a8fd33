//! Arrow and Parquet input and output (feature `parquet`): the same table read
//! as CSV and as Parquet gives the same result, planted defects are found in
//! their planted numbers on their planted rows, cleaned data round-trips,
//! and bad files are errors, not panics.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::{
    Array, ArrayRef, Date32Array, DictionaryArray, Float32Array, Int32Array, LargeStringArray, ListArray, RecordBatch, StringArray,
    StringViewArray, TimestampMillisecondArray, UInt32Array, UInt64Array, types::Int32Type,
};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use shopml_clean::parquet::{self as pq, QuarantineWriter, RowKind, SynthParams, Synthetic};
use shopml_clean::{CleanError, Cleaned, CleaningRules, ReadOptions, Reason, TransactionSchema, read_with};

/// A fresh, empty folder for one test.
fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("shopml-clean-parquet-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn synth(typed: bool, seed: u64) -> Synthetic {
    let p = SynthParams::new(20_000, 400, 250).files(9).row_group_rows(700).seed(seed).typed(typed);
    pq::generate(&p).unwrap()
}

/// One quarantined row as the quarantine Parquet file holds it.
#[derive(Debug, Clone, PartialEq)]
struct QRow {
    line: u64,
    reason: String,
    column: Option<u32>,
    message: String,
    record: String,
    fields: Option<Vec<String>>,
}

fn read_quarantine(bytes: Vec<u8>) -> Vec<QRow> {
    let path = std::env::temp_dir().join(format!("shopml-q-{}-{:p}.parquet", std::process::id(), &bytes));
    std::fs::write(&path, &bytes).unwrap();
    let reader = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(&path).unwrap()).unwrap().build().unwrap();
    let mut out = Vec::new();
    for b in reader {
        let b = b.unwrap();
        let line = b.column(0).as_any().downcast_ref::<UInt64Array>().unwrap();
        let reason = b.column(1).as_any().downcast_ref::<StringArray>().unwrap();
        let column = b.column(2).as_any().downcast_ref::<UInt32Array>().unwrap();
        let message = b.column(3).as_any().downcast_ref::<StringArray>().unwrap();
        let record = b.column(4).as_any().downcast_ref::<StringArray>().unwrap();
        let fields = b.column(5).as_any().downcast_ref::<ListArray>().unwrap();
        for i in 0..b.num_rows() {
            let f = fields.is_valid(i).then(|| {
                let v = fields.value(i);
                let v = v.as_any().downcast_ref::<StringArray>().unwrap();
                (0..v.len()).map(|k| v.value(k).to_string()).collect()
            });
            out.push(QRow {
                line: line.value(i),
                reason: reason.value(i).to_string(),
                column: column.is_valid(i).then(|| column.value(i)),
                message: message.value(i).to_string(),
                record: record.value(i).to_string(),
                fields: f,
            });
        }
    }
    std::fs::remove_file(&path).ok();
    out
}

/// Reads the CSV export and the Parquet folder of the same table, each with a Parquet quarantine.
fn both(data: &Synthetic, dir: &Path) -> ((Cleaned, Vec<QRow>), (Cleaned, Vec<QRow>)) {
    let (schema, rules) = (TransactionSchema::online_retail(), CleaningRules::online_retail());
    let mut csv = Vec::new();
    data.write_csv(&mut csv).unwrap();
    let files = data.write_parquet(dir).unwrap();
    assert_eq!(files.len(), 9);

    let mut q_csv = Vec::new();
    let mut w = QuarantineWriter::new(std::io::Cursor::new(&mut q_csv)).unwrap();
    let from_csv = read_with(&csv, &schema, &rules, ReadOptions::new().quarantine_parquet(&mut w)).unwrap();
    w.finish().unwrap();

    let mut q_pq = Vec::new();
    let mut w = QuarantineWriter::new(std::io::Cursor::new(&mut q_pq)).unwrap();
    let from_pq = pq::read_with(dir, &schema, &rules, ReadOptions::new().quarantine_parquet(&mut w)).unwrap();
    w.finish().unwrap();
    ((from_csv, read_quarantine(q_csv)), (from_pq, read_quarantine(q_pq)))
}

fn assert_same(typed: bool) {
    let data = synth(typed, 11);
    let dir = scratch(if typed { "same-typed" } else { "same-text" });
    let ((csv, q_csv), (pq_out, q_pq)) = both(&data, &dir);
    // Not vacuous: every kind of row is there.
    assert_eq!(csv.report.rows_read, 20_000);
    assert!(csv.transactions.len() > 15_000 && !csv.returns.is_empty() && csv.report.quarantined_total() > 1_000);
    assert_eq!(csv.transactions, pq_out.transactions);
    assert_eq!(csv.returns, pq_out.returns);
    assert_eq!(csv.report, pq_out.report);
    // The quarantine agrees row by row on everything but the raw text (the
    // CSV writes customer ids as `17850.0`, Parquet's Float64 reads as `17850`).
    assert_eq!(q_csv.len() as u64, csv.report.quarantined_total());
    let key = |q: &[QRow]| q.iter().map(|r| (r.line, r.reason.clone(), r.column, r.message.clone())).collect::<Vec<_>>();
    assert_eq!(key(&q_csv), key(&q_pq));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn csv_and_parquet_give_identical_results_typed_columns() {
    assert_same(true);
}

#[test]
fn csv_and_parquet_give_identical_results_text_columns() {
    assert_same(false);
}

fn assert_planted(typed: bool) {
    let data = synth(typed, 5);
    let dir = scratch(if typed { "planted-typed" } else { "planted-text" });
    let (_, (out, quarantine)) = both(&data, &dir);
    let p = *data.planted();
    let r = &out.report;
    assert_eq!(p.lines, 20_000);
    // The shares of SynthParams::new: round(share × lines).
    assert_eq!(
        (p.returns, p.bad_quantity, p.missing_product, p.bad_date, p.missing_customer, p.duplicates),
        (400, 200, 100, 100, 1_000, 200)
    );
    assert_eq!(r.rows_read, p.lines);
    assert_eq!(r.rows_kept, p.sales);
    assert_eq!(r.returns, p.returns);
    assert_eq!(r.quarantined(Reason::ExactDuplicate), p.duplicates);
    assert_eq!(r.quarantined(Reason::MissingCustomer), p.missing_customer);
    if typed {
        assert_eq!(r.quarantined(Reason::Unparsable), p.bad_quantity + p.missing_product);
        assert_eq!(r.quarantined(Reason::DateOutOfRange), p.bad_date);
    } else {
        assert_eq!(r.quarantined(Reason::Unparsable), p.bad_quantity + p.missing_product + p.bad_date);
        assert_eq!(r.quarantined(Reason::DateOutOfRange), 0);
    }
    assert!(r.balances());
    // Row by row, across the nine files: line L is generated row L - 2.
    let kind = |line: u64| data.kind(line as usize - 2).unwrap();
    assert!(out.transactions.iter().all(|t| kind(t.line) == RowKind::Sale));
    assert!(out.returns.iter().all(|t| kind(t.line) == RowKind::Return && t.quantity < 0.0));
    assert_eq!(quarantine.len() as u64, r.quarantined_total());
    for q in &quarantine {
        let ok = match kind(q.line) {
            RowKind::BadQuantity => q.reason == "unparsable" && q.column == Some(4) && q.message.contains("quantity"),
            RowKind::MissingProduct => q.reason == "unparsable" && q.column == Some(2) && q.message == "empty product",
            RowKind::BadDate => {
                q.column == Some(5) && q.reason == if typed { "date_out_of_range" } else { "unparsable" } && q.message.contains('`')
            }
            RowKind::MissingCustomer => q.reason == "missing_customer" && q.column.is_none(),
            RowKind::Duplicate => q.reason == "exact_duplicate",
            RowKind::Sale | RowKind::Return => false,
        };
        assert!(ok, "{q:?} is a {:?} row", kind(q.line));
        // The raw record splits back into the eight columns, the invoice first.
        let fields = q.fields.as_ref().unwrap();
        assert_eq!(fields.len(), 8, "{q:?}");
        assert!(q.record.starts_with(fields[0].as_str()), "{q:?}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn planted_defects_are_found_in_planted_numbers_on_planted_rows_typed() {
    assert_planted(true);
}

#[test]
fn planted_defects_are_found_in_planted_numbers_on_planted_rows_text() {
    assert_planted(false);
}

#[test]
fn generator_is_seeded() {
    let a = synth(true, 3).record_batches().unwrap();
    let b = synth(true, 3).record_batches().unwrap();
    let c = synth(true, 4).record_batches().unwrap();
    assert_eq!(a, b);
    assert_ne!(a, c);
}

#[test]
fn cleaned_transactions_round_trip_through_parquet() {
    let data = synth(true, 21);
    let dir = scratch("round-trip");
    data.write_parquet(dir.join("in")).unwrap();
    // Description carried as an attribute too, so attributes round-trip.
    let schema = TransactionSchema::online_retail().attributes(["Description"]);
    let out = pq::read(dir.join("in"), &schema, &CleaningRules::online_retail()).unwrap();
    let path = dir.join("cleaned.parquet");
    pq::write_transactions(std::fs::File::create(&path).unwrap(), &out.transactions).unwrap();

    let back = pq::read(&path, &pq::written_schema(["Description"]), &CleaningRules::default()).unwrap();
    assert_eq!(back.report.rows_read, out.transactions.len() as u64);
    assert_eq!(back.report.rows_kept, out.transactions.len() as u64);
    assert_eq!(back.transactions.len(), out.transactions.len());
    for (a, b) in out.transactions.iter().zip(&back.transactions) {
        // `line` is where the row sits in the file read; the source line is in the `line` column.
        let b = shopml_clean::Transaction { line: a.line, ..b.clone() };
        assert_eq!(a, &b);
    }
    let reader = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(&path).unwrap()).unwrap().build().unwrap();
    let mut lines = Vec::new();
    for b in reader {
        let b = b.unwrap();
        let c = b.column_by_name("line").unwrap().as_any().downcast_ref::<UInt64Array>().unwrap().clone();
        lines.extend(c.values().iter().copied());
    }
    assert_eq!(lines, out.transactions.iter().map(|t| t.line).collect::<Vec<_>>());
    std::fs::remove_dir_all(&dir).ok();
}

fn write_batch(path: &Path, batch: &RecordBatch) {
    let mut w = ArrowWriter::try_new(std::fs::File::create(path).unwrap(), batch.schema(), None).unwrap();
    w.write(batch).unwrap();
    w.close().unwrap();
}

#[test]
fn a_file_missing_a_mapped_column_is_an_error_naming_column_and_file() {
    let data = pq::generate(&SynthParams::new(2_000, 50, 40).files(8).seed(2)).unwrap();
    let dir = scratch("missing-column");
    let files = data.write_parquet(&dir).unwrap();
    let batches = data.record_batches().unwrap();
    // Rewrite part 3 without Country (column 7), and part 5 with its columns reversed.
    let without = batches[3].project(&[0, 1, 2, 3, 4, 5, 6]).unwrap();
    write_batch(&files[3], &without);
    let reversed = batches[5].project(&[7, 6, 5, 4, 3, 2, 1, 0]).unwrap();
    write_batch(&files[5], &reversed);

    let e = pq::read(&dir, &TransactionSchema::online_retail(), &CleaningRules::online_retail()).unwrap_err();
    assert!(matches!(e.in_file(), CleanError::MissingColumn { name, field, .. } if name == "Country" && field == "country"), "{e:?}");
    assert!(matches!(&e, CleanError::InFile { path, .. } if path == &files[3]), "{e:?}");
    assert!(e.to_string().contains("part-00003.parquet") && e.to_string().contains("Country"), "{e}");

    // Without Country mapped, the folder reads, and the reordered file reads like the others.
    let mut schema = TransactionSchema::online_retail();
    schema.country = None;
    // (Exact duplicates off: part 3's raw records lack Country, so a copy
    // straddling parts 2 and 3 would no longer be one.)
    let rules = CleaningRules::online_retail().drop_exact_duplicates(false);
    let out = pq::read(&dir, &schema, &rules).unwrap();
    let from_batches = pq::read_batches(data.record_batches().unwrap(), &schema, &rules).unwrap();
    assert_eq!(out.report.rows_read, 2_000);
    assert_eq!(out, from_batches);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn garbage_truncated_and_empty_files_are_errors_not_panics() {
    let data = pq::generate(&SynthParams::new(3_000, 50, 40).files(1).seed(9)).unwrap();
    let dir = scratch("bad-files");
    let good = data.write_parquet(dir.join("good")).unwrap().remove(0);
    let bytes = std::fs::read(&good).unwrap();
    let (schema, rules) = (TransactionSchema::online_retail(), CleaningRules::online_retail());
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("garbage", b"InvoiceNo,StockCode\nthis is not parquet at all\n".to_vec()),
        ("empty", Vec::new()),
        ("truncated", bytes[..bytes.len() / 2].to_vec()),
        ("no-footer", bytes[..bytes.len() - 4].to_vec()),
        ("header-only", b"PAR1".to_vec()),
    ];
    for (name, b) in cases {
        let path = dir.join(format!("{name}.parquet"));
        std::fs::write(&path, b).unwrap();
        match pq::read(&path, &schema, &rules) {
            Err(CleanError::Parquet { path: Some(p), message }) => assert_eq!(p, path, "{name}: {message}"),
            other => panic!("{name}: expected a Parquet error, got {:?}", other.map(|c| c.report)),
        }
    }
    // Data pages overwritten, footer intact: an error or a result, but no panic.
    let mut mangled = bytes.clone();
    let n = mangled.len();
    for b in &mut mangled[8..n / 2] {
        *b = b.wrapping_mul(31).wrapping_add(7);
    }
    let path = dir.join("mangled.parquet");
    std::fs::write(&path, mangled).unwrap();
    if let Ok(c) = pq::read(&path, &schema, &rules) {
        assert!(c.report.balances());
    }
    // 200 files with a few random bytes changed anywhere (footer included):
    // each read returns, an error or a balanced report; a decoder panic would
    // be caught and turned into CleanError::Parquet.
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let path = dir.join("flipped.parquet");
    let (mut errors, mut reads) = (0, 0);
    for _ in 0..200 {
        let mut b = bytes.clone();
        for _ in 0..1 + next() % 4 {
            let i = (next() % b.len() as u64) as usize;
            b[i] ^= 1 << (next() % 8);
        }
        std::fs::write(&path, b).unwrap();
        match pq::read(&path, &schema, &rules) {
            Ok(c) => {
                assert!(c.report.balances());
                reads += 1;
            }
            Err(CleanError::Parquet { .. } | CleanError::NothingKept { .. }) => errors += 1,
            Err(e) => {
                // A flipped byte in the schema can rename or retype a column.
                assert!(matches!(e, CleanError::MissingColumn { .. } | CleanError::ColumnType { .. } | CleanError::InFile { .. }), "{e:?}");
                errors += 1;
            }
        }
    }
    assert_eq!(errors + reads, 200);
    // A folder with no Parquet file.
    let empty = dir.join("nothing");
    std::fs::create_dir_all(&empty).unwrap();
    std::fs::write(empty.join("notes.txt"), "x").unwrap();
    assert!(matches!(pq::read(&empty, &schema, &rules), Err(CleanError::Parquet { .. })));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn record_batches_read_like_the_files() {
    let data = synth(true, 8);
    let dir = scratch("batches");
    data.write_parquet(&dir).unwrap();
    let (schema, rules) = (TransactionSchema::online_retail(), CleaningRules::online_retail());
    let from_files = pq::read(&dir, &schema, &rules).unwrap();
    let from_batches = pq::read_batches(data.record_batches().unwrap(), &schema, &rules).unwrap();
    assert_eq!(from_files, from_batches);
    assert!(matches!(pq::read_batches(Vec::<RecordBatch>::new(), &schema, &rules), Err(CleanError::Parquet { path: None, .. })));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn arrow_types_are_read_as_their_text() {
    // 2010-12-01 08:26:00.500 UTC in milliseconds, in a +02:00 zone (Arrow values are UTC).
    let t0 = 1_291_191_960_500i64;
    let schema = Arc::new(Schema::new(vec![
        Field::new("inv", DataType::LargeUtf8, false),
        Field::new("sku", DataType::Utf8View, true),
        Field::new("qty", DataType::Int32, true),
        Field::new("at", DataType::Timestamp(arrow_schema::TimeUnit::Millisecond, Some("+02:00".into())), true),
        Field::new("price", DataType::Float32, true),
        Field::new("cust", DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8)), true),
    ]));
    let cust: DictionaryArray<Int32Type> = vec![Some("c1"), None, Some("c2"), Some("c1")].into_iter().collect();
    let columns: Vec<ArrayRef> = vec![
        Arc::new(LargeStringArray::from(vec!["536365", "536366", "C536367", "536368"])),
        Arc::new(StringViewArray::from(vec![Some("85123A"), Some("71053"), Some("22139"), None])),
        Arc::new(Int32Array::from(vec![Some(6), Some(2), Some(-1), Some(3)])),
        Arc::new(TimestampMillisecondArray::from(vec![t0, t0 + 60_000, t0, t0]).with_timezone("+02:00")),
        Arc::new(Float32Array::from(vec![2.55f32, 3.39, 4.65, 1.0])),
        Arc::new(cust),
    ];
    let batch = RecordBatch::try_new(schema, columns).unwrap();
    let map = TransactionSchema::new("inv", "sku", "qty", "at", "price").customer("cust");
    let out = pq::read_batches([batch], &map, &CleaningRules::online_retail()).unwrap();
    let r = &out.report;
    assert_eq!((r.rows_read, r.rows_kept, r.returns), (4, 1, 1));
    // Row 2 has no customer, row 4 no product.
    assert_eq!(r.quarantined(Reason::MissingCustomer), 1);
    assert_eq!(r.quarantined(Reason::Unparsable), 1);
    assert_eq!((r.issues[0].line, r.issues[0].column, r.issues[0].message.as_str()), (5, Some(2), "empty product"));
    let t = &out.transactions[0];
    assert_eq!((t.invoice.as_str(), t.product.as_str(), t.quantity), ("536365", "85123A", 6.0));
    assert_eq!(t.unit_price, 2.55); // the f32's own shortest form, not 2.549999952316284
    assert_eq!(t.timestamp.seconds(), 1_291_191_960); // floored to the second
    assert_eq!(t.customer.as_deref(), Some("c1"));
    assert_eq!(t.line, 2);
    let ret = &out.returns[0];
    assert_eq!((ret.invoice.as_str(), ret.quantity, ret.unit_price, ret.line), ("C536367", -1.0, 4.65, 4));

    // Date32 days under a date-only layout, and a later batch with its columns in another order.
    let s1 = Arc::new(Schema::new(vec![
        Field::new("inv", DataType::Utf8, false),
        Field::new("sku", DataType::Utf8, false),
        Field::new("qty", DataType::Int32, false),
        Field::new("day", DataType::Date32, false),
        Field::new("price", DataType::Float32, false),
    ]));
    let b1 = RecordBatch::try_new(
        s1,
        vec![
            Arc::new(StringArray::from(vec!["1"])),
            Arc::new(StringArray::from(vec!["A"])),
            Arc::new(Int32Array::from(vec![1])),
            Arc::new(Date32Array::from(vec![14_944])),
            Arc::new(Float32Array::from(vec![1.5f32])),
        ],
    )
    .unwrap();
    let b2 = b1.project(&[4, 3, 2, 1, 0]).unwrap();
    let map = TransactionSchema::new("inv", "sku", "qty", "day", "price").date_format(shopml_clean::DateFormat::Compact);
    let batches = [b1, b2];
    let out = pq::read_batches(batches.clone(), &map, &CleaningRules::default().drop_exact_duplicates(false)).unwrap();
    assert_eq!(out.transactions.len(), 2);
    assert!(out.transactions.iter().all(|t| t.timestamp.seconds() == 14_944 * 86_400 && t.unit_price == 1.5));
    assert_eq!(out.transactions[1].line, 3);
    // With duplicates dropped, the reordered copy is the same row.
    let out = pq::read_batches(batches, &map, &CleaningRules::default()).unwrap();
    assert_eq!(out.report.quarantined(Reason::ExactDuplicate), 1);
}

#[test]
fn a_mapped_column_of_an_unreadable_type_is_an_error() {
    let list = ListArray::from_iter_primitive::<Int32Type, _, _>(vec![Some(vec![Some(1)])]);
    let s = Arc::new(Schema::new(vec![
        Field::new("inv", DataType::Utf8, false),
        Field::new("sku", list.data_type().clone(), true),
        Field::new("qty", DataType::Int32, false),
        Field::new("at", DataType::Utf8, false),
        Field::new("price", DataType::Float32, false),
    ]));
    let b = RecordBatch::try_new(
        s,
        vec![
            Arc::new(StringArray::from(vec!["1"])),
            Arc::new(list),
            Arc::new(Int32Array::from(vec![1])),
            Arc::new(StringArray::from(vec!["2011-01-01 10:00:00"])),
            Arc::new(Float32Array::from(vec![1.5f32])),
        ],
    )
    .unwrap();
    let map = TransactionSchema::new("inv", "sku", "qty", "at", "price");
    let e = pq::read_batches([b.clone()], &map, &CleaningRules::default()).unwrap_err();
    assert!(matches!(&e, CleanError::ColumnType { column, field, .. } if column == "sku" && field == "product"), "{e}");
    // Unmapped, the list column is read as empty.
    let map = TransactionSchema::new("inv", "inv", "qty", "at", "price");
    assert_eq!(pq::read_batches([b], &map, &CleaningRules::default()).unwrap().transactions.len(), 1);
}

/// RetailRocket-shaped events (Unix milliseconds, numeric ids) with planted
/// defects, as an Arrow batch and as the CSV export of the same table.
fn events_table(n: usize) -> (RecordBatch, String, [u64; 4]) {
    let kinds = ["view", "view", "view", "addtocart", "transaction"];
    let (mut ts, mut visitor, mut kind, mut item, mut tx) = (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut csv = String::from("timestamp,visitorid,event,itemid,transactionid\n");
    // [missing visitor, null timestamp, unknown kind, duplicate]
    let mut planted = [0u64; 4];
    let mut previous_clean = false;
    for i in 0..n {
        // Only a clean row is copied, so that the copy's first reason is the duplicate.
        let dup = i % 97 == 50 && previous_clean;
        let j = if dup { i - 1 } else { i };
        let t = (i % 61 != 7).then_some(1_433_221_332_117i64 + 1_000 * j as i64);
        let v = (i % 53 != 3).then_some((j % 300) as i64);
        let k = if i % 89 == 11 { "wishlist" } else { kinds[j % kinds.len()] };
        let x = (k == "transaction").then_some((j % 40) as f64);
        if dup {
            let (t0, v0, k0, x0) = (ts[i - 1], visitor[i - 1], kind[i - 1], tx[i - 1]);
            ts.push(t0);
            visitor.push(v0);
            kind.push(k0);
            item.push(item[i - 1]);
            tx.push(x0);
            planted[3] += 1;
        } else {
            ts.push(t);
            visitor.push(v);
            kind.push(k);
            item.push((j * 7 % 1000) as i64);
            tx.push(x);
            planted[0] += (v.is_none() && t.is_some()) as u64;
            planted[1] += t.is_none() as u64;
            planted[2] += (k == "wishlist" && v.is_some() && t.is_some()) as u64;
        }
        previous_clean = !dup && t.is_some() && v.is_some() && k != "wishlist";
        let cell = |o: Option<String>| o.unwrap_or_default();
        csv.push_str(&format!(
            "{},{},{},{},{}\n",
            cell(ts[i].map(|t| t.to_string())),
            cell(visitor[i].map(|v| v.to_string())),
            kind[i],
            item[i],
            cell(tx[i].map(|x| x.to_string()))
        ));
    }
    let schema = Arc::new(Schema::new(vec![
        Field::new("timestamp", DataType::Int64, true),
        Field::new("visitorid", DataType::Int64, true),
        Field::new("event", DataType::Utf8, false),
        Field::new("itemid", DataType::Int64, false),
        Field::new("transactionid", DataType::Float64, true),
    ]));
    let columns: Vec<ArrayRef> = vec![
        Arc::new(arrow_array::Int64Array::from(ts)),
        Arc::new(arrow_array::Int64Array::from(visitor)),
        Arc::new(StringArray::from(kind)),
        Arc::new(arrow_array::Int64Array::from(item)),
        Arc::new(arrow_array::Float64Array::from(tx)),
    ];
    (RecordBatch::try_new(schema, columns).unwrap(), csv, planted)
}

#[test]
fn events_read_from_parquet_like_from_csv() {
    use shopml_clean::{DateFormat, EventKind, EventRules, EventSchema};
    let (batch, csv, planted) = events_table(5_000);
    let schema = EventSchema::new("visitorid", "itemid", "event", "timestamp").date_format(DateFormat::UnixMillis);
    let rules = EventRules::default().kinds(vec![EventKind::View, EventKind::Cart, EventKind::Purchase]);
    let from_csv = shopml_clean::read(csv.as_bytes(), &schema, &rules).unwrap();
    let dir = scratch("events");
    // Three files, the middle one with its columns in another order.
    let parts = [batch.slice(0, 1_700), batch.slice(1_700, 1_600).project(&[4, 3, 2, 1, 0]).unwrap(), batch.slice(3_300, 1_700)];
    for (k, p) in parts.iter().enumerate() {
        write_batch(&dir.join(format!("events-{k}.parquet")), p);
    }
    let from_files = pq::read_events(&dir, &schema, &rules).unwrap();
    let from_batches = pq::read_event_batches(parts.clone(), &schema, &rules).unwrap();
    assert_eq!(from_csv, from_files);
    assert_eq!(from_csv, from_batches);
    let r = &from_files.report;
    assert_eq!(r.rows_read, 5_000);
    assert!(planted.iter().all(|&p| p > 10), "{planted:?}");
    assert_eq!(r.quarantined(Reason::MissingId), planted[0]);
    assert_eq!(r.quarantined(Reason::Unparsable), planted[1]);
    assert_eq!(r.quarantined(Reason::UnknownEventKind), planted[2]);
    assert_eq!(r.quarantined(Reason::ExactDuplicate), planted[3]);
    assert_eq!(r.rows_kept, 5_000 - planted.iter().sum::<u64>());
    assert!(r.balances());
    // Row 0: 2015-06-02 05:02:12 UTC, user 0, item 0, a view.
    let e = &from_files.events[0];
    assert_eq!((e.timestamp.seconds(), e.user.as_str(), e.item.as_str(), &e.kind, e.line), (1_433_221_332, "0", "0", &EventKind::View, 2));
    std::fs::remove_dir_all(&dir).ok();
}
