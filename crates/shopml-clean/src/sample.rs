//! Cutting a small sample out of a large order export, keeping whole
//! customers (and, for guest orders, whole invoices), so that per-customer
//! features computed on the sample look like those of the full file.

use std::hash::{BuildHasher, BuildHasherDefault};
use std::io::{Read, Write};

use shopml_core::Error;
use shopml_core::ids::FastHasher;

use crate::csv::{CsvReader, Fields, Next};
use crate::error::{CleanError, Result};
use crate::input::{normalize_id, open_reader, read_header};
use crate::schema::{Field, TransactionSchema, resolve};

/// What [`sample_by_customer`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SampleStats {
    /// Data records read.
    pub records_read: u64,
    /// Data records written (the header is not counted).
    pub records_written: u64,
    /// Malformed records skipped.
    pub skipped: u64,
}

fn bucket(key: &str, seed: u64) -> u64 {
    let mut bytes = seed.to_le_bytes().to_vec();
    bytes.extend_from_slice(key.as_bytes());
    BuildHasherDefault::<FastHasher>::default().hash_one(&bytes)
}

/// Copies the header and every record whose customer (or, without one, whose
/// invoice) falls in a deterministic `1 / one_in` share chosen by `seed`,
/// byte for byte (plain or gzip input; plain output, `\n` line ends).
///
/// ```
/// use shopml_clean::{sample::sample_by_customer, TransactionSchema};
/// let csv = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n\
///            1,A,x,1,2011-01-01 10:00:00,1.0,17850.0,UK\n\
///            2,B,y,1,2011-01-02 10:00:00,1.0,17850.0,UK\n";
/// let mut out = Vec::new();
/// let stats = sample_by_customer(csv.as_bytes(), &mut out, &TransactionSchema::online_retail(), 1, 7).unwrap();
/// assert_eq!(stats.records_written, 2); // one_in = 1 keeps everything
/// assert_eq!(String::from_utf8(out).unwrap(), csv);
/// ```
pub fn sample_by_customer<R: Read + Send, W: Write>(
    input: R,
    mut output: W,
    schema: &TransactionSchema,
    one_in: u64,
    seed: u64,
) -> Result<SampleStats> {
    if one_in == 0 {
        return Err(Error::param("one_in", "must be at least 1").into());
    }
    let csv = &schema.csv;
    let input = open_reader(input).map_err(|e| CleanError::io(None, e))?;
    schema.check()?;
    let mut rdr = CsvReader::new(input, csv);
    let header = read_header(&mut rdr, csv)?;
    let w = |e| CleanError::io(None, e);
    if header.is_some() {
        output.write_all(rdr.raw()).map_err(w)?;
        output.write_all(b"\n").map_err(w)?;
    }
    let h = header.as_deref();
    let width = h.map(|h| h.len());
    let customer = schema.column(Field::Customer).map(|c| resolve(c, "customer", h, width)).transpose()?;
    let invoice = resolve(&schema.invoice, "invoice", h, width)?;
    let mut stats = SampleStats { records_read: 0, records_written: 0, skipped: 0 };
    loop {
        match rdr.next_record().map_err(w)? {
            Next::Eof => break,
            Next::Malformed { .. } => {
                stats.records_read += 1;
                stats.skipped += 1;
            }
            Next::Record => {
                stats.records_read += 1;
                let field = |i: usize| (i < rdr.n_fields()).then(|| String::from_utf8_lossy(rdr.field(i)).trim().to_string());
                let cust = customer.and_then(field).filter(|c| !csv.is_missing(c));
                let key = match cust {
                    Some(c) => format!("c:{}", normalize_id(&c)),
                    None => match field(invoice) {
                        Some(i) => format!("i:{i}"),
                        None => {
                            stats.skipped += 1;
                            continue;
                        }
                    },
                };
                if bucket(&key, seed).is_multiple_of(one_in) {
                    output.write_all(rdr.raw()).map_err(w)?;
                    output.write_all(b"\n").map_err(w)?;
                    stats.records_written += 1;
                }
            }
        }
    }
    output.flush().map_err(w)?;
    Ok(stats)
}
