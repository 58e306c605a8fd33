//! Shared plumbing of the readers: opening plain or gzip input, the
//! duplicate detector, the quarantine side file, header resolution.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use crate::csv::{CsvReader, Fields, Next};
use crate::dialect::{Encoding, decode};
use crate::error::{CleanError, Result};
use crate::hook::RecordHook;
use crate::report::Reason;
use crate::schema::CsvFormat;

const BUF: usize = 1 << 18;

/// Wraps `r` in a buffered reader, transparently decompressing gzip (detected
/// by its magic bytes `1f 8b`, so the file name does not matter; concatenated
/// gzip members are read in turn).
pub fn open_reader<'a, R: Read + Send + 'a>(r: R) -> std::io::Result<Box<dyn BufRead + Send + 'a>> {
    let mut b = BufReader::with_capacity(BUF, r);
    let head = b.fill_buf()?;
    if head.len() >= 2 && head[0] == 0x1f && head[1] == 0x8b {
        Ok(Box::new(BufReader::with_capacity(BUF, flate2::bufread::MultiGzDecoder::new(b))))
    } else {
        Ok(Box::new(b))
    }
}

/// Opens a file for reading with [`open_reader`].
pub fn open_path(path: &Path) -> Result<Box<dyn BufRead + Send>> {
    let f = File::open(path).map_err(|e| CleanError::io(Some(path), e))?;
    open_reader(f).map_err(|e| CleanError::io(Some(path), e))
}

/// Exact set membership of byte strings, storing each distinct one once in an
/// arena, with an open-addressing table (linear probing, load factor at most
/// 3/4) of 8-byte slots: the hash's upper 32 bits as a tag (whose low bits
/// also give the slot, so growing needs no rehash) and a 32-bit id.
/// Past 4,294,967,294 distinct strings new ones are no longer remembered (so a
/// later copy of them is not recognised); nothing is ever reported twice.
pub(crate) struct SeenSet {
    slots: Vec<u64>,
    starts: Vec<usize>,
    arena: Vec<u8>,
}

const EMPTY: u64 = u64::MAX;

impl Default for SeenSet {
    fn default() -> Self {
        SeenSet { slots: vec![EMPTY; 1 << 12], starts: Vec::new(), arena: Vec::new() }
    }
}

impl SeenSet {
    fn get(&self, id: usize) -> &[u8] {
        let end = self.starts.get(id + 1).copied().unwrap_or(self.arena.len());
        &self.arena[self.starts[id]..end]
    }

    pub(crate) fn hash(bytes: &[u8]) -> u64 {
        use std::hash::{BuildHasher, BuildHasherDefault};
        BuildHasherDefault::<shopml_core::ids::FastHasher>::default().hash_one(bytes)
    }

    fn grow(&mut self) {
        let mut slots = vec![EMPTY; self.slots.len() * 2];
        let mask = slots.len() - 1;
        for &s in self.slots.iter().filter(|&&s| s != EMPTY) {
            // The slot index comes from the tag, so growing needs no rehashing.
            let mut i = (s >> 32) as usize & mask;
            while slots[i] != EMPTY {
                i = (i + 1) & mask;
            }
            slots[i] = s;
        }
        self.slots = slots;
    }

    /// Inserts `bytes`; `true` if it was not there before.
    pub(crate) fn insert(&mut self, bytes: &[u8]) -> bool {
        self.insert_hashed(Self::hash(bytes), bytes)
    }

    /// Loads the slot where `h` starts probing. The table is large and probed
    /// at random; touching a few rows ahead lets the memory loads overlap.
    #[inline]
    pub(crate) fn touch(&self, h: u64) {
        std::hint::black_box(self.slots[(h >> 32) as usize & (self.slots.len() - 1)]);
    }

    /// [`insert`](Self::insert) with `h = SeenSet::hash(bytes)` computed by the caller.
    pub(crate) fn insert_hashed(&mut self, h: u64, bytes: &[u8]) -> bool {
        let tag = h >> 32;
        let mask = self.slots.len() - 1;
        let mut i = tag as usize & mask;
        loop {
            let s = self.slots[i];
            if s == EMPTY {
                break;
            }
            if s >> 32 == tag && self.get((s & 0xffff_ffff) as usize) == bytes {
                return false;
            }
            i = (i + 1) & mask;
        }
        let id = self.starts.len();
        if id >= u32::MAX as usize - 1 {
            return true;
        }
        self.slots[i] = (tag << 32) | id as u64;
        self.starts.push(self.arena.len());
        self.arena.extend_from_slice(bytes);
        if self.starts.len() * 4 > self.slots.len() * 3 {
            self.grow();
        }
        true
    }
}

/// The optional quarantine side file: `line,reason,column,message,record`.
/// It also remembers the first rejected row (for [`CleanError::NothingKept`])
/// and passes raw records through the [`RecordHook`]'s rewrite.
pub struct Sink<'w> {
    w: Option<&'w mut dyn Write>,
    path: Option<PathBuf>,
    hook: Option<&'w dyn RecordHook>,
    first: Option<FirstRejected>,
    rows: Option<&'w mut dyn QuarantineRows>,
}

/// A receiver of quarantined rows beside (or instead of) the CSV side file,
/// such as the Parquet quarantine writer.
#[cfg_attr(not(feature = "parquet"), allow(dead_code))]
pub(crate) trait QuarantineRows {
    /// One quarantined row: its line, reason, one-based column (when one
    /// field is to blame), message (empty for a rule) and raw record (after
    /// the hook's rewrite).
    fn row(&mut self, line: u64, reason: Reason, column: Option<usize>, message: &str, record: &[u8]) -> Result<()>;
}

/// The first row a read rejected.
pub(crate) struct FirstRejected {
    pub(crate) line: u64,
    pub(crate) column: Option<usize>,
    pub(crate) reason: Reason,
    pub(crate) message: String,
    pub(crate) record: String,
}

fn quoted(out: &mut dyn Write, bytes: &[u8]) -> std::io::Result<()> {
    out.write_all(b"\"")?;
    for part in bytes.split(|&b| b == b'"').enumerate() {
        if part.0 > 0 {
            out.write_all(b"\"\"")?;
        }
        out.write_all(part.1)?;
    }
    out.write_all(b"\"")
}

impl<'w> Sink<'w> {
    pub(crate) fn new(w: Option<&'w mut dyn Write>, path: Option<PathBuf>, hook: Option<&'w dyn RecordHook>) -> Result<Self> {
        let mut s = Sink { w, path, hook, first: None, rows: None };
        if let Some(w) = s.w.as_mut() {
            let r = w.write_all(b"line,reason,column,message,record\n");
            r.map_err(|e| CleanError::Quarantine { path: s.path.clone(), source: e })?;
        }
        Ok(s)
    }

    /// Also hands every quarantined row to `rows`.
    #[cfg_attr(not(feature = "parquet"), allow(dead_code))]
    pub(crate) fn with_rows(mut self, rows: Option<&'w mut dyn QuarantineRows>) -> Self {
        self.rows = rows;
        self
    }

    pub(crate) fn write(&mut self, line: u64, reason: Reason, column: Option<usize>, message: &str, record: &[u8]) -> Result<()> {
        let record = match self.hook {
            Some(h) => h.quarantined_record(record),
            None => std::borrow::Cow::Borrowed(record),
        };
        if self.first.is_none() {
            let message = if message.is_empty() { format!("rule `{}`", reason.code()) } else { message.to_string() };
            let text = String::from_utf8_lossy(&record[..record.len().min(1000)]);
            let record = crate::dialect::preview(&text, 200).into_owned();
            self.first = Some(FirstRejected { line, column, reason, message, record });
        }
        if let Some(rows) = self.rows.as_mut() {
            rows.row(line, reason, column, message, &record)?;
        }
        let Some(w) = self.w.as_mut() else {
            return Ok(());
        };
        let col = column.map(|c| c.to_string()).unwrap_or_default();
        let r = (|| {
            write!(w, "{line},{},{col},", reason.code())?;
            quoted(&mut **w, message.as_bytes())?;
            w.write_all(b",")?;
            quoted(&mut **w, &record)?;
            w.write_all(b"\n")
        })();
        r.map_err(|e| CleanError::Quarantine { path: self.path.clone(), source: e })
    }

    /// The [`CleanError::NothingKept`] for a read of `rows_read` rows of which none survived.
    pub(crate) fn nothing_kept(&mut self, rows_read: u64) -> CleanError {
        let f = self.first.take().unwrap_or(FirstRejected {
            line: 0,
            column: None,
            reason: Reason::Unparsable,
            message: "no row survived".into(),
            record: String::new(),
        });
        CleanError::NothingKept { rows_read, line: f.line, column: f.column, reason: f.reason, message: f.message, record: f.record }
    }

    pub(crate) fn finish(&mut self) -> Result<()> {
        if let Some(w) = self.w.as_mut() {
            w.flush().map_err(|e| CleanError::Quarantine { path: self.path.clone(), source: e })?;
        }
        Ok(())
    }
}

/// Reads the header (if the format has one): the trimmed cell names, BOM removed.
pub(crate) fn read_header<R: BufRead>(rdr: &mut CsvReader<R>, csv: &CsvFormat) -> Result<Option<Vec<String>>> {
    if !csv.has_header {
        return Ok(None);
    }
    match rdr.next_record().map_err(|e| CleanError::io(None, e))? {
        Next::Eof => Err(CleanError::NoHeader),
        Next::Malformed { column, message } => {
            Err(shopml_core::Error::Parse { line: rdr.line(), column, message: format!("header: {message}") }.into())
        }
        Next::Record => {
            let mut h = Vec::with_capacity(rdr.n_fields());
            for i in 0..rdr.n_fields() {
                let (s, _) = decode(rdr.field(i), Encoding::Auto).unwrap_or_default();
                let s = s.trim_start_matches('\u{feff}').trim().to_string();
                h.push(s);
            }
            Ok(Some(h))
        }
    }
}

/// A parse failure in one field: one-based column and message.
pub(crate) type FieldError = (usize, String);

/// Decodes field `i` as text, counting Latin-1 fallbacks.
pub(crate) fn text<'a, F: Fields + ?Sized>(
    rdr: &'a F,
    i: usize,
    enc: Encoding,
    latin1: &mut u64,
) -> Result<std::borrow::Cow<'a, str>, FieldError> {
    match decode(rdr.field(i), enc) {
        Ok((s, fell_back)) => {
            *latin1 += fell_back as u64;
            Ok(s)
        }
        Err(e) => Err((i + 1, format!("invalid UTF-8 ({e})"))),
    }
}

/// Parses a finite number.
pub(crate) fn number(s: &str, i: usize, what: &str) -> Result<f64, FieldError> {
    let t = s.trim();
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err((i + 1, format!("{what} `{}` is not a finite number", crate::dialect::preview(t, 64)))),
    }
}

/// `17850.0` → `17850`: an integer written as a decimal loses its zero fraction.
pub(crate) fn normalize_id(s: &str) -> &str {
    let s = s.trim();
    if let Some((int, frac)) = s.split_once('.')
        && !int.is_empty()
        && !frac.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b == b'0')
    {
        return int;
    }
    s
}

impl<'a> CsvReader<Box<dyn BufRead + Send + 'a>> {
    /// A reader over plain or gzip bytes (detected from the content, see
    /// [`open_reader`](crate::open_reader)).
    pub fn from_reader<R: Read + Send + 'a>(reader: R, format: &CsvFormat) -> std::io::Result<Self> {
        Ok(CsvReader::new(open_reader(reader)?, format))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seen_set_is_exact() {
        let mut s = SeenSet::default();
        assert!(s.insert(b"a,b"));
        assert!(s.insert(b"a,c"));
        assert!(!s.insert(b"a,b"));
        assert!(s.insert(b""));
        assert!(!s.insert(b""));
        assert!(!s.insert(b"a,c"));
    }

    #[test]
    fn ids() {
        assert_eq!(normalize_id("17850.0"), "17850");
        assert_eq!(normalize_id(" 17850.00 "), "17850");
        assert_eq!(normalize_id("17850.5"), "17850.5");
        assert_eq!(normalize_id("A17.0"), "A17.0");
        assert_eq!(normalize_id(".0"), ".0");
    }

    #[test]
    fn gzip_detected() {
        use flate2::{Compression, write::GzEncoder};
        let mut e = GzEncoder::new(Vec::new(), Compression::fast());
        e.write_all(b"hello\n").unwrap();
        let gz = e.finish().unwrap();
        let mut s = String::new();
        open_reader(&gz[..]).unwrap().read_to_string(&mut s).unwrap();
        assert_eq!(s, "hello\n");
        s.clear();
        open_reader(&b"plain"[..]).unwrap().read_to_string(&mut s).unwrap();
        assert_eq!(s, "plain");
    }
}
