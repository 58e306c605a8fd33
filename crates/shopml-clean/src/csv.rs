//! A small, streaming, lenient CSV record reader (RFC 4180 plus the habits of
//! real exports), with hard caps on what one record may occupy.
//!
//! - Quoted fields may hold delimiters, doubled quotes (`""`) and line breaks.
//! - A quote inside an unquoted field is taken literally (`5" FRAME`), as are
//!   characters after a closing quote, the way pandas and the `csv` crate do.
//! - The delimiter is one byte, a multi-byte string (`||`, `；`) or
//!   [`Delimiter::Whitespace`] (runs of spaces and tabs, as in space-aligned
//!   reports).
//! - `\n` and `\r\n` line ends; blank lines are skipped (and counted).
//! - A record longer than [`CsvFormat::max_record_bytes`] (quoted **or**
//!   unquoted) or with more than [`CsvFormat::max_fields`] fields is a
//!   malformed record: the reader keeps at most the cap, discards the rest of
//!   the physical line without buffering it, and resumes on the next line.
//!   An unterminated quoted field at the end of the input is malformed too.
//!   Never a panic, never an unbounded read.
//!
//! Memory is one record at a time: at most `max_record_bytes` of raw bytes,
//! as much again for the unquoted copy, and 16 bytes per field.

use std::io::BufRead;

use crate::dialect::{Delimiter, Encoding, decode};
use crate::schema::CsvFormat;

/// What [`CsvReader::next_record`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// A record; read its fields with [`CsvReader::field`] / [`CsvReader::text`].
    Record,
    /// A record that could not be split into fields (broken quoting, over a cap).
    Malformed {
        /// One-based field number where splitting failed.
        column: usize,
        /// What was wrong.
        message: String,
    },
    /// End of input.
    Eof,
}

#[derive(Clone, Copy, PartialEq)]
enum State {
    FieldStart,
    Unquoted,
    Quoted,
    QuoteInQuoted,
}

/// Access to the fields of one parsed record.
pub(crate) trait Fields {
    /// Number of fields.
    fn n_fields(&self) -> usize;
    /// Field `i`, unquoted.
    fn field(&self, i: usize) -> &[u8];
}

impl<R> Fields for CsvReader<R> {
    fn n_fields(&self) -> usize {
        self.bounds.len()
    }
    fn field(&self, i: usize) -> &[u8] {
        let (a, b) = self.bounds[i];
        if self.fields_in_raw { &self.raw[a..b] } else { &self.data[a..b] }
    }
}

/// Reads one CSV record at a time, with bounded memory (see the module
/// documentation of the caps).
///
/// The readers of this crate use it; it is public so that other CSV files
/// (a product catalogue, a price list) need no hand-written splitter.
///
/// ```
/// use shopml_clean::{CsvFormat, CsvReader, Next};
/// let text = "sku;name\nA1;\"Mug; blue\"\nB2;Plate\n";
/// let mut r = CsvReader::new(text.as_bytes(), &CsvFormat::default().delimiter(b';'));
/// let mut rows = Vec::new();
/// while r.next_record().unwrap() == Next::Record {
///     rows.push((0..r.len()).map(|i| r.text(i).into_owned()).collect::<Vec<_>>());
/// }
/// assert_eq!(rows[1], ["A1", "Mug; blue"]);
/// assert_eq!(r.line(), 4); // end of input, after the last line
/// ```
pub struct CsvReader<R> {
    inner: R,
    raw: Vec<u8>,
    data: Vec<u8>,
    bounds: Vec<(usize, usize)>,
    fields_in_raw: bool,
    next_line: u64,
    start_line: u64,
    delimiter: Delimiter,
    quote: u8,
    encoding: Encoding,
    max_record_bytes: usize,
    max_fields: usize,
    blank_lines: u64,
}

impl<R: BufRead> CsvReader<R> {
    /// A reader with `format`'s delimiter, quote, encoding and caps (the
    /// header flag is the caller's business: the header is just the first record).
    pub fn new(inner: R, format: &CsvFormat) -> Self {
        CsvReader {
            inner,
            raw: Vec::with_capacity(256),
            data: Vec::with_capacity(256),
            bounds: Vec::with_capacity(16),
            fields_in_raw: true,
            next_line: 1,
            start_line: 1,
            delimiter: format.delimiter.clone(),
            quote: format.quote,
            encoding: format.encoding,
            max_record_bytes: format.max_record_bytes.max(1),
            max_fields: format.max_fields.max(1),
            blank_lines: 0,
        }
    }

    /// One-based line on which the current record starts (after
    /// [`Next::Eof`], the line after the last one).
    pub fn line(&self) -> u64 {
        self.start_line
    }

    /// Number of fields of the current record.
    pub fn len(&self) -> usize {
        self.bounds.len()
    }

    /// Whether the current record has no fields (only before the first
    /// record, after [`Next::Eof`] or a malformed record).
    pub fn is_empty(&self) -> bool {
        self.bounds.is_empty()
    }

    /// Field `i` of the current record, unquoted, as bytes (`&[]` past the last field).
    pub fn field(&self, i: usize) -> &[u8] {
        if i < self.bounds.len() { Fields::field(self, i) } else { &[] }
    }

    /// Field `i` as text in the format's [`Encoding`] (invalid UTF-8 under
    /// [`Encoding::Utf8`] is replaced by U+FFFD here; the record readers
    /// quarantine such rows instead).
    pub fn text(&self, i: usize) -> std::borrow::Cow<'_, str> {
        match decode(self.field(i), self.encoding) {
            Ok((s, _)) => s,
            Err(_) => String::from_utf8_lossy(self.field(i)),
        }
    }

    /// The current record's field ranges, and whether they index
    /// [`raw`](Self::raw) (`true`) or the unquoted copy.
    pub(crate) fn field_bounds(&self) -> (&[(usize, usize)], bool) {
        (&self.bounds, self.fields_in_raw)
    }

    /// Blank lines skipped so far.
    pub fn blank_lines(&self) -> u64 {
        self.blank_lines
    }

    /// The current record's bytes as they appear in the input, without the
    /// line end (for a record over the cap: its first `max_record_bytes`).
    pub fn raw(&self) -> &[u8] {
        Self::strip_line_end(&self.raw)
    }

    fn strip_line_end(raw: &[u8]) -> &[u8] {
        let mut r = raw;
        if let [rest @ .., b'\n'] = r {
            r = rest;
        }
        if let [rest @ .., b'\r'] = r {
            r = rest;
        }
        r
    }

    /// Appends the next physical line to `raw`, but never lets `raw` grow past
    /// the record cap: the rest of an over-long line is consumed and dropped
    /// without being buffered. Returns (bytes consumed, whether it overflowed).
    fn read_line(&mut self) -> std::io::Result<(usize, bool)> {
        let limit = self.max_record_bytes;
        let (mut total, mut over) = (0usize, false);
        loop {
            let buf = match self.inner.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if buf.is_empty() {
                break;
            }
            let (n, done) = match memchr::memchr(b'\n', buf) {
                Some(i) => (i + 1, true),
                None => (buf.len(), false),
            };
            if !over {
                let room = limit - self.raw.len().min(limit);
                if n <= room {
                    self.raw.extend_from_slice(&buf[..n]);
                } else {
                    self.raw.extend_from_slice(&buf[..room]);
                    over = true;
                }
            }
            self.inner.consume(n);
            total += n;
            if done {
                break;
            }
        }
        if total > 0 {
            self.next_line += 1;
        }
        Ok((total, over))
    }

    fn too_long(&self, column: usize) -> Next {
        Next::Malformed { column, message: format!("record longer than {} bytes (unterminated quote?)", self.max_record_bytes) }
    }

    fn too_many_fields(&self) -> Next {
        Next::Malformed { column: self.max_fields + 1, message: format!("more than {} fields", self.max_fields) }
    }

    /// Reads the next record.
    pub fn next_record(&mut self) -> std::io::Result<Next> {
        let over = loop {
            self.raw.clear();
            self.bounds.clear();
            self.start_line = self.next_line;
            let (n, over) = self.read_line()?;
            if n == 0 {
                return Ok(Next::Eof);
            }
            let blank = match self.delimiter {
                Delimiter::Whitespace => self.raw().iter().all(|&b| b == b' ' || b == b'\t'),
                _ => self.raw().is_empty(),
            };
            if blank && !over {
                self.blank_lines += 1;
                continue;
            }
            break over;
        };
        if over {
            return Ok(self.too_long(1));
        }
        if memchr::memchr(self.quote, &self.raw).is_none() {
            self.fields_in_raw = true;
            let mut end = self.raw().len();
            let mut start = 0;
            if let Delimiter::Byte(delim) = self.delimiter {
                for i in memchr::memchr_iter(delim, &self.raw[..end]) {
                    self.bounds.push((start, i));
                    start = i + 1;
                }
            } else {
                if self.delimiter == Delimiter::Whitespace {
                    let line = &self.raw[..end];
                    start = line.iter().take_while(|&&b| b == b' ' || b == b'\t').count();
                    end -= line[start..].iter().rev().take_while(|&&b| b == b' ' || b == b'\t').count();
                }
                let mut i = start;
                while i < end {
                    let d = self.delimiter.at(&self.raw[..end], i);
                    if d > 0 {
                        self.bounds.push((start, i));
                        i += d;
                        start = i;
                    } else {
                        i += 1;
                    }
                }
            }
            self.bounds.push((start, end));
            if self.bounds.len() > self.max_fields {
                self.bounds.clear();
                return Ok(self.too_many_fields());
            }
            return Ok(Next::Record);
        }
        self.parse_quoted()
    }

    fn parse_quoted(&mut self) -> std::io::Result<Next> {
        self.fields_in_raw = false;
        self.data.clear();
        let quote = self.quote;
        let ws = self.delimiter == Delimiter::Whitespace;
        let mut state = State::FieldStart;
        let mut field_start = 0;
        let mut pos = 0;
        // In whitespace mode: nothing but spaces since the last field ended.
        let mut after_delim = true;
        loop {
            while pos < self.raw.len() {
                let b = self.raw[pos];
                let at_line_end = b == b'\n' || (b == b'\r' && self.raw.get(pos + 1).is_none_or(|&n| n == b'\n'));
                if state == State::Quoted {
                    if b == quote {
                        state = State::QuoteInQuoted;
                    } else {
                        self.data.push(b);
                    }
                    pos += 1;
                    continue;
                }
                if at_line_end {
                    pos = self.raw.len();
                    break;
                }
                let d = self.delimiter.at(&self.raw, pos);
                if d > 0 {
                    if !(ws && state == State::FieldStart && after_delim) {
                        self.bounds.push((field_start, self.data.len()));
                        if self.bounds.len() > self.max_fields {
                            self.bounds.clear();
                            return Ok(self.too_many_fields());
                        }
                    }
                    field_start = self.data.len();
                    state = State::FieldStart;
                    after_delim = true;
                    pos += d;
                    continue;
                }
                after_delim = false;
                match state {
                    State::FieldStart if b == quote => state = State::Quoted,
                    State::QuoteInQuoted if b == quote => {
                        self.data.push(quote);
                        state = State::Quoted;
                    }
                    _ => {
                        // Unquoted text, or lenient: text after a closing quote is kept.
                        self.data.push(b);
                        state = State::Unquoted;
                    }
                }
                pos += 1;
            }
            if state != State::Quoted {
                break;
            }
            // Inside a quoted field at the end of a line: the field continues on the next line.
            let column = self.bounds.len() + 1;
            let (n, over) = self.read_line()?;
            if over {
                self.bounds.clear();
                return Ok(self.too_long(column));
            }
            if n == 0 {
                self.bounds.clear();
                return Ok(Next::Malformed { column, message: "unterminated quoted field at end of input".into() });
            }
        }
        if !(ws && after_delim && state == State::FieldStart && !self.bounds.is_empty()) {
            self.bounds.push((field_start, self.data.len()));
        }
        if self.bounds.len() > self.max_fields {
            self.bounds.clear();
            return Ok(self.too_many_fields());
        }
        Ok(Next::Record)
    }
}

#[cfg(test)]
mod tests {
    use super::Fields;
    use super::*;

    fn fmt(delim: impl Into<Delimiter>, max: usize) -> CsvFormat {
        CsvFormat { delimiter: delim.into(), max_record_bytes: max, ..CsvFormat::default() }
    }

    fn all_with(input: &str, format: &CsvFormat) -> Vec<Result<(u64, Vec<String>), String>> {
        let mut r = CsvReader::new(input.as_bytes(), format);
        let mut out = Vec::new();
        loop {
            match r.next_record().unwrap() {
                Next::Eof => break,
                Next::Record => {
                    out.push(Ok((r.line(), (0..r.n_fields()).map(|i| String::from_utf8(Fields::field(&r, i).to_vec()).unwrap()).collect())))
                }
                Next::Malformed { column, message } => out.push(Err(format!("{}:{column}:{message}", r.line()))),
            }
        }
        out
    }

    fn all(input: &str) -> Vec<Result<(u64, Vec<String>), String>> {
        all_with(input, &fmt(b',', 1 << 20))
    }

    fn rec(line: u64, f: &[&str]) -> Result<(u64, Vec<String>), String> {
        Ok((line, f.iter().map(|s| s.to_string()).collect()))
    }

    #[test]
    fn plain_and_quoted_fields() {
        let got = all("a,b,c\r\n1,\"x,y\",\"he said \"\"hi\"\"\"\n\n2,5\" frame,\"multi\nline\"\n3,,\n");
        assert_eq!(
            got,
            vec![
                rec(1, &["a", "b", "c"]),
                rec(2, &["1", "x,y", "he said \"hi\""]),
                rec(4, &["2", "5\" frame", "multi\nline"]),
                rec(6, &["3", "", ""]),
            ]
        );
    }

    #[test]
    fn unterminated_quote_is_malformed_not_panic() {
        let got = all("1,\"abc\n2,def");
        assert_eq!(got.len(), 1);
        assert!(got[0].as_ref().unwrap_err().contains("unterminated"), "{got:?}");
    }

    #[test]
    fn overlong_quoted_field_is_cut_off() {
        let mut input = String::from("1,\"");
        for _ in 0..100 {
            input.push_str("0123456789\n");
        }
        let mut r = CsvReader::new(input.as_bytes(), &fmt(b',', 50));
        assert!(matches!(r.next_record().unwrap(), Next::Malformed { column: 2, .. }));
        assert!(r.raw.len() <= 50);
    }

    #[test]
    fn overlong_unquoted_line_is_cut_off_and_reading_resumes() {
        let input = format!("a,{}\nb,c\n", "x".repeat(1000));
        let got = all_with(&input, &fmt(b',', 100));
        assert_eq!(got.len(), 2);
        assert!(got[0].as_ref().unwrap_err().starts_with("1:1:record longer than 100 bytes"), "{got:?}");
        assert_eq!(got[1], rec(2, &["b", "c"]));
    }

    #[test]
    fn too_many_fields_is_malformed() {
        let f = CsvFormat { max_fields: 3, ..CsvFormat::default() };
        let got = all_with("a,b,c,d\n\"a\",b,c,d\na,b,c\n", &f);
        assert!(got[0].is_err() && got[1].is_err(), "{got:?}");
        assert_eq!(got[2], rec(3, &["a", "b", "c"]));
    }

    #[test]
    fn multi_byte_and_whitespace_delimiters() {
        assert_eq!(all_with("a||b||\"c||d\"\n", &fmt("||", 1 << 20)), vec![rec(1, &["a", "b", "c||d"])]);
        assert_eq!(all_with("a；b\n", &fmt('；', 1 << 20)), vec![rec(1, &["a", "b"])]);
        let ws = fmt(Delimiter::Whitespace, 1 << 20);
        assert_eq!(
            all_with("  id   sku\t qty  \n  1    A1     2\n \n2 \"big mug\" 3  \n", &ws),
            vec![rec(1, &["id", "sku", "qty"]), rec(2, &["1", "A1", "2"]), rec(4, &["2", "big mug", "3"])]
        );
        assert_eq!(all_with("\"\"  x\n", &ws), vec![rec(1, &["", "x"])]);
    }

    #[test]
    fn text_after_closing_quote_is_kept() {
        assert_eq!(all("\"ab\"c,d\n"), vec![rec(1, &["abc", "d"])]);
        assert_eq!(all("x,\"\"\n"), vec![rec(1, &["x", ""])]);
    }

    #[test]
    fn latin1_fallback() {
        let (s, fell_back) = decode(b"caf\xe9", Encoding::Auto).unwrap();
        assert_eq!((s.as_ref(), fell_back), ("café", true));
        assert!(decode(b"caf\xe9", Encoding::Utf8).is_err());
        assert_eq!(decode("café".as_bytes(), Encoding::Auto).unwrap().0, "café");
    }
}
