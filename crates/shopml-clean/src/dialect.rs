//! The byte-level dialect of an export — field separator, text encoding —
//! and the helpers that turn field bytes into text for messages. Shared by
//! the CSV reader, the schemas and the date parser, which import it rather
//! than each other.

use serde::{Deserialize, Serialize};

/// The field separator of a CSV export.
///
/// `From` conversions: a byte (`b';'`), a `char` (`'\t'`, `'；'`) or a
/// string (`"||"`).
///
/// ```
/// use shopml_clean::Delimiter;
/// assert_eq!(Delimiter::from(b';'), Delimiter::Byte(b';'));
/// assert_eq!(Delimiter::from("||"), Delimiter::Bytes(b"||".to_vec()));
/// assert_eq!(Delimiter::from('；'), Delimiter::Bytes("；".as_bytes().to_vec()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Delimiter {
    /// One byte (`,`, `;`, `\t`, `|`).
    Byte(u8),
    /// A sequence of bytes (a multi-character separator such as `||`, or a
    /// multi-byte UTF-8 character such as the full-width `；`).
    Bytes(Vec<u8>),
    /// One or more spaces or tabs, as in space-aligned reports; leading and
    /// trailing spaces on a line are ignored, so a field cannot be empty
    /// unless quoted (`""`).
    Whitespace,
}

impl Default for Delimiter {
    fn default() -> Self {
        Delimiter::Byte(b',')
    }
}

impl From<u8> for Delimiter {
    fn from(b: u8) -> Self {
        Delimiter::Byte(b)
    }
}

impl From<char> for Delimiter {
    fn from(c: char) -> Self {
        let mut buf = [0u8; 4];
        let s = c.encode_utf8(&mut buf);
        if s.len() == 1 { Delimiter::Byte(s.as_bytes()[0]) } else { Delimiter::Bytes(s.as_bytes().to_vec()) }
    }
}

impl From<&str> for Delimiter {
    fn from(s: &str) -> Self {
        if s.len() == 1 { Delimiter::Byte(s.as_bytes()[0]) } else { Delimiter::Bytes(s.as_bytes().to_vec()) }
    }
}

impl Delimiter {
    pub(crate) fn check(&self, quote: u8) -> shopml_core::Result<()> {
        let bad = |m: &str| Err(shopml_core::Error::param("delimiter", m.to_string()));
        match self {
            Delimiter::Byte(b) if *b == quote => bad("must differ from the quote character"),
            Delimiter::Byte(b'\n' | b'\r') => bad("may not be a line break"),
            Delimiter::Bytes(v) if v.is_empty() => bad("an empty delimiter would split between every byte"),
            Delimiter::Bytes(v) if v.contains(&quote) || v.contains(&b'\n') || v.contains(&b'\r') => {
                bad("may contain neither the quote character nor a line break")
            }
            Delimiter::Bytes(v) if v.len() > 16 => bad("at most 16 bytes"),
            Delimiter::Whitespace if quote == b' ' || quote == b'\t' => bad("the quote character may not be a space or tab"),
            _ => Ok(()),
        }
    }

    /// Length of the delimiter starting at `raw[pos]`, 0 when none starts there.
    #[inline]
    pub(crate) fn at(&self, raw: &[u8], pos: usize) -> usize {
        match self {
            Delimiter::Byte(b) => (raw[pos] == *b) as usize,
            Delimiter::Bytes(d) => {
                if raw[pos..].starts_with(d) {
                    d.len()
                } else {
                    0
                }
            }
            Delimiter::Whitespace => raw[pos..].iter().take_while(|&&b| b == b' ' || b == b'\t').count(),
        }
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

/// At most `max` characters of `s` (for messages that quote input), with `…` when cut.
pub(crate) fn preview(s: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => std::borrow::Cow::Borrowed(s),
        Some((i, _)) => std::borrow::Cow::Owned(format!("{}…", &s[..i])),
    }
}
