//! A small, streaming, lenient CSV record reader (RFC 4180 plus the habits of
//! real exports).
//!
//! - Quoted fields may hold delimiters, doubled quotes (`""`) and line breaks.
//! - A quote inside an unquoted field is taken literally (`5" FRAME`), as are
//!   characters after a closing quote, the way pandas and the `csv` crate do.
//! - `\n` and `\r\n` line ends; blank lines are skipped (and counted).
//! - An unterminated quoted field at the end of the input, or one longer than
//!   the configured limit, is a malformed record, never a panic or an unbounded
//!   read.
//!
//! Memory is one record at a time.

use std::io::BufRead;

/// What [`RecordReader::next_record`] found.
#[derive(Debug, PartialEq)]
pub(crate) enum Next {
    /// A record; read its fields with [`RecordReader::field`].
    Record,
    /// A record that could not be split into fields.
    Malformed {
        /// One-based field number where parsing failed.
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

impl<R> Fields for RecordReader<R> {
    fn n_fields(&self) -> usize {
        self.bounds.len()
    }
    fn field(&self, i: usize) -> &[u8] {
        let (a, b) = self.bounds[i];
        if self.fields_in_raw { &self.raw[a..b] } else { &self.data[a..b] }
    }
}

/// Reads one CSV record at a time from a buffered reader.
pub(crate) struct RecordReader<R> {
    inner: R,
    raw: Vec<u8>,
    data: Vec<u8>,
    bounds: Vec<(usize, usize)>,
    fields_in_raw: bool,
    next_line: u64,
    start_line: u64,
    delimiter: u8,
    quote: u8,
    max_record_bytes: usize,
    blank_lines: u64,
}

impl<R: BufRead> RecordReader<R> {
    pub(crate) fn new(inner: R, delimiter: u8, quote: u8, max_record_bytes: usize) -> Self {
        RecordReader {
            inner,
            raw: Vec::with_capacity(256),
            data: Vec::with_capacity(256),
            bounds: Vec::with_capacity(16),
            fields_in_raw: true,
            next_line: 1,
            start_line: 1,
            delimiter,
            quote,
            max_record_bytes: max_record_bytes.max(1),
            blank_lines: 0,
        }
    }

    /// One-based line on which the current record starts.
    pub(crate) fn line(&self) -> u64 {
        self.start_line
    }

    /// The current record's field ranges, and whether they index
    /// [`raw`](Self::raw) (`true`) or the unquoted copy.
    pub(crate) fn field_bounds(&self) -> (&[(usize, usize)], bool) {
        (&self.bounds, self.fields_in_raw)
    }

    /// Blank lines skipped so far.
    pub(crate) fn blank_lines(&self) -> u64 {
        self.blank_lines
    }

    /// The current record's bytes as they appear in the input, without the line end.
    pub(crate) fn raw(&self) -> &[u8] {
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

    fn read_line(&mut self) -> std::io::Result<usize> {
        let n = self.inner.read_until(b'\n', &mut self.raw)?;
        if n > 0 {
            self.next_line += 1;
        }
        Ok(n)
    }

    /// Reads the next record.
    pub(crate) fn next_record(&mut self) -> std::io::Result<Next> {
        loop {
            self.raw.clear();
            self.bounds.clear();
            self.start_line = self.next_line;
            if self.read_line()? == 0 {
                return Ok(Next::Eof);
            }
            if self.raw().is_empty() {
                self.blank_lines += 1;
                continue;
            }
            break;
        }
        if !self.raw.contains(&self.quote) {
            self.fields_in_raw = true;
            let end = self.raw().len();
            let mut start = 0;
            let delim = self.delimiter;
            for (i, &b) in self.raw[..end].iter().enumerate() {
                if b == delim {
                    self.bounds.push((start, i));
                    start = i + 1;
                }
            }
            self.bounds.push((start, end));
            return Ok(Next::Record);
        }
        self.parse_quoted()
    }

    fn parse_quoted(&mut self) -> std::io::Result<Next> {
        self.fields_in_raw = false;
        self.data.clear();
        let (delim, quote) = (self.delimiter, self.quote);
        let mut state = State::FieldStart;
        let mut field_start = 0;
        let mut pos = 0;
        loop {
            while pos < self.raw.len() {
                let b = self.raw[pos];
                let at_line_end = b == b'\n' || (b == b'\r' && self.raw.get(pos + 1).is_none_or(|&n| n == b'\n'));
                match state {
                    State::Quoted => {
                        if b == quote {
                            state = State::QuoteInQuoted;
                        } else {
                            self.data.push(b);
                        }
                    }
                    _ if at_line_end => {
                        pos = self.raw.len();
                        break;
                    }
                    State::FieldStart => {
                        if b == quote {
                            state = State::Quoted;
                        } else if b == delim {
                            self.bounds.push((field_start, self.data.len()));
                            field_start = self.data.len();
                        } else {
                            self.data.push(b);
                            state = State::Unquoted;
                        }
                    }
                    State::Unquoted => {
                        if b == delim {
                            self.bounds.push((field_start, self.data.len()));
                            field_start = self.data.len();
                            state = State::FieldStart;
                        } else {
                            self.data.push(b);
                        }
                    }
                    State::QuoteInQuoted => {
                        if b == quote {
                            self.data.push(quote);
                            state = State::Quoted;
                        } else if b == delim {
                            self.bounds.push((field_start, self.data.len()));
                            field_start = self.data.len();
                            state = State::FieldStart;
                        } else {
                            // Lenient: text after a closing quote is kept.
                            self.data.push(b);
                            state = State::Unquoted;
                        }
                    }
                }
                pos += 1;
            }
            if state != State::Quoted {
                break;
            }
            // Inside a quoted field at the end of a line: the field continues on the next line.
            let column = self.bounds.len() + 1;
            if self.raw.len() > self.max_record_bytes {
                // Skip the rest of this physical line so reading resumes on a line boundary.
                return Ok(Next::Malformed {
                    column,
                    message: format!("quoted field runs past {} bytes (unterminated quote?)", self.max_record_bytes),
                });
            }
            if self.read_line()? == 0 {
                return Ok(Next::Malformed { column, message: "unterminated quoted field at end of input".into() });
            }
        }
        self.bounds.push((field_start, self.data.len()));
        Ok(Next::Record)
    }
}

/// How field bytes become text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum Encoding {
    /// Strict UTF-8: a field with invalid UTF-8 makes its row unparsable.
    Utf8,
    /// ISO-8859-1: every byte is the code point of the same value.
    Latin1,
    /// UTF-8, falling back to Latin-1 for a field that is not valid UTF-8
    /// (counted in [`CleaningReport::latin1_fields`](crate::CleaningReport::latin1_fields)).
    #[default]
    Auto,
}

/// Decodes field bytes; `Err` for invalid UTF-8 under [`Encoding::Utf8`];
/// `Ok((text, true))` when the Latin-1 fallback was used.
pub(crate) fn decode(bytes: &[u8], encoding: Encoding) -> Result<(std::borrow::Cow<'_, str>, bool), std::str::Utf8Error> {
    use std::borrow::Cow;
    if encoding == Encoding::Latin1 {
        return Ok(if bytes.is_ascii() {
            (Cow::Borrowed(std::str::from_utf8(bytes).unwrap_or_default()), false)
        } else {
            (Cow::Owned(bytes.iter().map(|&b| b as char).collect()), false)
        });
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok((Cow::Borrowed(s), false)),
        Err(e) if encoding == Encoding::Utf8 => Err(e),
        Err(_) => Ok((Cow::Owned(bytes.iter().map(|&b| b as char).collect()), true)),
    }
}

#[cfg(test)]
mod tests {
    use super::Fields;
    use super::*;

    fn all(input: &str) -> Vec<Result<(u64, Vec<String>), String>> {
        let mut r = RecordReader::new(input.as_bytes(), b',', b'"', 1 << 20);
        let mut out = Vec::new();
        loop {
            match r.next_record().unwrap() {
                Next::Eof => break,
                Next::Record => {
                    out.push(Ok((r.line(), (0..r.n_fields()).map(|i| String::from_utf8(r.field(i).to_vec()).unwrap()).collect())))
                }
                Next::Malformed { column, message } => out.push(Err(format!("{}:{column}:{message}", r.line()))),
            }
        }
        out
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
        let mut r = RecordReader::new(input.as_bytes(), b',', b'"', 50);
        assert!(matches!(r.next_record().unwrap(), Next::Malformed { column: 2, .. }));
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
