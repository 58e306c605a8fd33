//! Timestamp parsing for the date layouts exports use.

use serde::{Deserialize, Serialize};
use shopml_core::Timestamp;

/// How a timestamp column is written.
///
/// Every layout rejects dates outside the supported range
/// [`Timestamp::MIN`]`..=`[`Timestamp::MAX`] (years
/// [`MIN_YEAR`](shopml_core::time::MIN_YEAR)`..=`[`MAX_YEAR`](shopml_core::time::MAX_YEAR))
/// with [`DateError::OutOfRange`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum DateFormat {
    /// Decide per value, and never guess: a value is read only when exactly
    /// one layout fits it. `YYYY-MM-DD…` is [`Iso8601`](DateFormat::Iso8601);
    /// `a/b/YYYY` is month-first when `b > 12`, day-first when `a > 12`, and
    /// [`DateError::Ambiguous`] when both are ≤ 12 and differ; `DD.MM.YYYY` is
    /// [`DmyDot`](DateFormat::DmyDot); a bare number is read as Unix seconds,
    /// Unix milliseconds or a [`Compact`](DateFormat::Compact) date only when
    /// exactly one of the three gives a date in the supported range (a
    /// 13-digit number is milliseconds, a 14-digit one `YYYYMMDDHHMMSS`),
    /// otherwise it is [`DateError::Ambiguous`] (`19970101`, `1291191960`)
    /// or [`DateError::OutOfRange`]. Set the layout explicitly when the
    /// column holds numbers or day-first dates.
    #[default]
    Auto,
    /// ISO 8601: `YYYY-MM-DD`, optionally `T` or a space and `HH:MM[:SS[.fff]]`,
    /// optionally `Z` or an offset `±HH:MM` / `±HHMM` (converted to UTC).
    /// Covers `YYYY-MM-DD HH:MM:SS`.
    Iso8601,
    /// US style `MM/DD/YYYY HH:MM[:SS]` (one- or two-digit month, day, hour),
    /// as in the original Online Retail spreadsheet (`12/1/2010 8:26`).
    MdyHm,
    /// European style `DD/MM/YYYY HH:MM[:SS]`.
    DmyHm,
    /// German/European style `DD.MM.YYYY[ HH:MM[:SS]]`.
    DmyDot,
    /// Compact digits: `YYYYMMDD`, `YYYYMMDDHHMM`, `YYYYMMDDHHMMSS`, the last
    /// two optionally with a `T` between date and time (`20240131T235900`).
    Compact,
    /// Seconds since the Unix epoch, possibly with a fraction (floored).
    UnixSeconds,
    /// Milliseconds since the Unix epoch (floored to seconds).
    UnixMillis,
}

/// Why a timestamp could not be read (see [`DateFormat::parse`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DateError {
    /// The value does not have the expected layout, or names a day that does
    /// not exist (`2010-02-30`).
    #[error("`{value}` is not {expected}")]
    Invalid {
        /// The value (at most 64 characters of it).
        value: String,
        /// The layout that was expected.
        expected: &'static str,
    },
    /// A well-formed date outside the supported range
    /// [`Timestamp::MIN`]`..=`[`Timestamp::MAX`].
    #[error("`{value}` is outside the supported date range {MIN_YEAR}-01-01 ..= {MAX_YEAR}-12-31")]
    OutOfRange {
        /// The value (at most 64 characters of it).
        value: String,
    },
    /// [`DateFormat::Auto`] found more than one reading; set the layout.
    #[error("`{value}` is ambiguous under DateFormat::Auto: it reads as {readings}; set the date format explicitly")]
    Ambiguous {
        /// The value.
        value: String,
        /// The competing readings, for the message.
        readings: String,
    },
}

use shopml_core::time::{MAX_YEAR, MIN_YEAR};

fn shown(s: &[u8]) -> String {
    crate::dialect::preview(&String::from_utf8_lossy(s), 64).into_owned()
}

fn invalid(s: &[u8], expected: &'static str) -> DateError {
    DateError::Invalid { value: shown(s), expected }
}

fn digits(s: &[u8]) -> Option<u32> {
    if s.is_empty() || s.len() > 9 {
        return None;
    }
    let mut v = 0u32;
    for &b in s {
        if !b.is_ascii_digit() {
            return None;
        }
        v = v * 10 + (b - b'0') as u32;
    }
    Some(v)
}

/// A checked civil date-time; `raw` and `expected` only shape the error.
fn civil(raw: &[u8], expected: &'static str, (y, mo, d): Triple, (h, mi, s): Triple) -> Result<Timestamp, DateError> {
    if !(MIN_YEAR..=MAX_YEAR).contains(&(y as i64)) {
        // Still reject impossible days first, so `9999-02-30` is invalid rather than out of range.
        let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
        let days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
        if !(1..=12).contains(&mo) || d == 0 || d > days[mo as usize - 1] || h > 23 || mi > 59 || s > 59 {
            return Err(invalid(raw, expected));
        }
        return Err(DateError::OutOfRange { value: shown(raw) });
    }
    Timestamp::from_civil(y as i64, mo, d, h, mi, s).map_err(|_| invalid(raw, expected))
}

/// `HH:MM[:SS[.fff]]` → (h, m, s, rest after the time).
fn time_of_day(t: &[u8]) -> Option<(u32, u32, u32, &[u8])> {
    let colon = t.iter().position(|&b| b == b':')?;
    let h = digits(&t[..colon])?;
    let rest = &t[colon + 1..];
    if rest.len() < 2 {
        return None;
    }
    let mi = digits(&rest[..2])?;
    let mut rest = &rest[2..];
    let mut s = 0;
    if let [b':', tail @ ..] = rest {
        if tail.len() < 2 {
            return None;
        }
        s = digits(&tail[..2])?;
        rest = &tail[2..];
        if let [b'.' | b',', frac @ ..] = rest {
            let n = frac.iter().take_while(|b| b.is_ascii_digit()).count();
            if n == 0 {
                return None;
            }
            rest = &frac[n..];
        }
    }
    Some((h, mi, s, rest))
}

const ISO: &str = "an ISO 8601 date-time";
const MDY: &str = "a MM/DD/YYYY HH:MM date-time";
const DMY: &str = "a DD/MM/YYYY HH:MM date-time";
const DOT: &str = "a DD.MM.YYYY HH:MM date-time";
const COMPACT: &str = "a YYYYMMDD[HHMM[SS]] date";
const UNIX: &str = "a Unix time";

fn iso(s: &[u8]) -> Result<Timestamp, DateError> {
    let bad = || invalid(s, ISO);
    // Fast path for the common `YYYY-MM-DD HH:MM:SS`.
    if s.len() == 19 && s[4] == b'-' && s[7] == b'-' && (s[10] == b' ' || s[10] == b'T') && s[13] == b':' && s[16] == b':' {
        let f = |a: usize, b: usize| digits(&s[a..b]).ok_or_else(bad);
        return civil(s, ISO, (f(0, 4)?, f(5, 7)?, f(8, 10)?), (f(11, 13)?, f(14, 16)?, f(17, 19)?));
    }
    if s.len() < 10 || s[4] != b'-' || s[7] != b'-' {
        return Err(bad());
    }
    let (y, mo, d) = (digits(&s[0..4]).ok_or_else(bad)?, digits(&s[5..7]).ok_or_else(bad)?, digits(&s[8..10]).ok_or_else(bad)?);
    let rest = &s[10..];
    if rest.is_empty() {
        return civil(s, ISO, (y, mo, d), (0, 0, 0));
    }
    if rest[0] != b'T' && rest[0] != b' ' {
        return Err(bad());
    }
    let (h, mi, sec, zone) = time_of_day(&rest[1..]).ok_or_else(bad)?;
    let t = civil(s, ISO, (y, mo, d), (h, mi, sec))?;
    let offset = match zone {
        [] | [b'Z'] | [b'z'] => 0,
        [sign @ (b'+' | b'-'), tz @ ..] => {
            let (oh, om) = match tz {
                [a, b, b':', c, d] | [a, b, c, d] => (digits(&[*a, *b]), digits(&[*c, *d])),
                [a, b] => (digits(&[*a, *b]), Some(0)),
                _ => (None, None),
            };
            let (oh, om) = (oh.ok_or_else(bad)?, om.ok_or_else(bad)?);
            if oh > 23 || om > 59 {
                return Err(bad());
            }
            let secs = (oh * 3600 + om * 60) as i64;
            if *sign == b'+' { secs } else { -secs }
        }
        _ => return Err(bad()),
    };
    // An offset can push an edge instant just outside the range.
    Timestamp::from_seconds(t.0 - offset).map_err(|_| DateError::OutOfRange { value: shown(s) })
}

/// Three small numbers: (a, b, year) or (hour, minute, second).
type Triple = (u32, u32, u32);

/// `a<sep>b<sep>YYYY[ time]` → ((a, b, year), (h, m, s)); `None` when the layout does not fit.
fn split_dmy(s: &[u8], sep: u8) -> Option<(Triple, Triple)> {
    let (date, time) = match s.iter().position(|&b| b == b' ' || b == b'T') {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let mut parts = date.split(|&b| b == sep);
    let (a, b, y) = (parts.next().filter(|p| p.len() <= 2)?, parts.next().filter(|p| p.len() <= 2)?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 {
        return None;
    }
    let (a, b, y) = (digits(a)?, digits(b)?, digits(y)?);
    let hms = match time {
        None => (0, 0, 0),
        Some(t) => {
            let (h, mi, sec, rest) = time_of_day(t.trim_ascii())?;
            let h = match rest.trim_ascii() {
                b"" => h,
                b"AM" | b"am" if (1..=12).contains(&h) => h % 12,
                b"PM" | b"pm" if (1..=12).contains(&h) => h % 12 + 12,
                _ => return None,
            };
            (h, mi, sec)
        }
    };
    Some(((a, b, y), hms))
}

fn slashed(s: &[u8], month_first: bool) -> Result<Timestamp, DateError> {
    let expected = if month_first { MDY } else { DMY };
    let ((a, b, y), hms) = split_dmy(s, b'/').ok_or_else(|| invalid(s, expected))?;
    let (mo, d) = if month_first { (a, b) } else { (b, a) };
    civil(s, expected, (y, mo, d), hms)
}

fn dotted(s: &[u8]) -> Result<Timestamp, DateError> {
    let ((d, mo, y), hms) = split_dmy(s, b'.').ok_or_else(|| invalid(s, DOT))?;
    civil(s, DOT, (y, mo, d), hms)
}

fn compact(s: &[u8]) -> Result<Timestamp, DateError> {
    let bad = || invalid(s, COMPACT);
    let (date, time) = match s.len() {
        8 => (s, &s[8..]),
        12 | 14 => s.split_at(8),
        13 | 15 if s[8] == b'T' => (&s[..8], &s[9..]),
        _ => return Err(bad()),
    };
    if !s.iter().all(|&b| b.is_ascii_digit() || b == b'T') {
        return Err(bad());
    }
    let f = |x: &[u8], a: usize, b: usize| digits(&x[a..b]).ok_or_else(bad);
    let (h, mi, sec) = match time.len() {
        0 => (0, 0, 0),
        4 => (f(time, 0, 2)?, f(time, 2, 4)?, 0),
        6 => (f(time, 0, 2)?, f(time, 2, 4)?, f(time, 4, 6)?),
        _ => return Err(bad()),
    };
    civil(s, COMPACT, (f(date, 0, 4)?, f(date, 4, 6)?, f(date, 6, 8)?), (h, mi, sec))
}

fn unix(s: &[u8], scale: i64) -> Result<Timestamp, DateError> {
    let bad = || invalid(s, UNIX);
    let text = std::str::from_utf8(s).map_err(|_| bad())?;
    let secs = if let Ok(v) = text.parse::<i64>() {
        v.div_euclid(scale)
    } else {
        if !text.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E')) {
            return Err(bad());
        }
        let v: f64 = text.parse().map_err(|_| bad())?;
        if !v.is_finite() {
            return Err(bad());
        }
        let v = (v / scale as f64).floor();
        if v.abs() > 1e15 {
            return Err(DateError::OutOfRange { value: shown(s) });
        }
        v as i64
    };
    Timestamp::from_seconds(secs).map_err(|_| DateError::OutOfRange { value: shown(s) })
}

/// [`DateFormat::Auto`] on a bare number: exactly one in-range reading, or an error.
fn auto_number(s: &[u8]) -> Result<Timestamp, DateError> {
    let readings = [("Unix seconds", unix(s, 1)), ("Unix milliseconds", unix(s, 1000)), ("YYYYMMDD[HHMM[SS]]", compact(s))];
    let ok: Vec<(&str, Timestamp)> = readings.iter().filter_map(|(n, r)| r.as_ref().ok().map(|t| (*n, *t))).collect();
    match ok.as_slice() {
        [(_, t)] => Ok(*t),
        [] if readings.iter().any(|(_, r)| matches!(r, Err(DateError::OutOfRange { .. }))) => {
            Err(DateError::OutOfRange { value: shown(s) })
        }
        [] => Err(invalid(s, "a date")),
        many => Err(DateError::Ambiguous {
            value: shown(s),
            readings: many.iter().map(|(n, t)| format!("{t} ({n})")).collect::<Vec<_>>().join(" or "),
        }),
    }
}

/// [`DateFormat::Auto`] on `a/b/YYYY`: month-first or day-first only when the numbers decide.
fn auto_slashed(s: &[u8]) -> Result<Timestamp, DateError> {
    let Some(((a, b, _), _)) = split_dmy(s, b'/') else {
        return Err(invalid(s, "a MM/DD/YYYY or DD/MM/YYYY date-time"));
    };
    match (a > 12, b > 12) {
        (false, true) => slashed(s, true),
        (true, false) => slashed(s, false),
        _ if a == b => slashed(s, true),
        (false, false) => Err(DateError::Ambiguous {
            value: shown(s),
            readings: "a month-first (DateFormat::MdyHm) or a day-first (DateFormat::DmyHm) date".into(),
        }),
        (true, true) => Err(invalid(s, "a MM/DD/YYYY or DD/MM/YYYY date-time")),
    }
}

impl DateFormat {
    /// Parses one value (surrounding spaces ignored) into UTC seconds.
    ///
    /// ```
    /// use shopml_clean::{DateError, DateFormat};
    /// use shopml_core::Timestamp;
    /// let t = Timestamp::from_civil(2010, 12, 1, 8, 26, 0).unwrap();
    /// assert_eq!(DateFormat::Auto.parse("2010-12-01 08:26:00"), Ok(t));
    /// assert_eq!(DateFormat::Auto.parse("2010-12-01T09:26:00+01:00"), Ok(t));
    /// assert_eq!(DateFormat::MdyHm.parse("12/1/2010 8:26"), Ok(t));
    /// assert_eq!(DateFormat::Auto.parse("12/13/2010 8:26").unwrap(), Timestamp::from_civil(2010, 12, 13, 8, 26, 0).unwrap());
    /// assert_eq!(DateFormat::UnixSeconds.parse("1291191960"), Ok(t));
    /// assert_eq!(DateFormat::Compact.parse("20101201082600"), Ok(t));
    /// // Auto does not guess: these have two readings each.
    /// assert!(matches!(DateFormat::Auto.parse("12/1/2010 8:26"), Err(DateError::Ambiguous { .. })));
    /// assert!(matches!(DateFormat::Auto.parse("19970101"), Err(DateError::Ambiguous { .. })));
    /// assert!(matches!(DateFormat::Iso8601.parse("9999-12-31"), Err(DateError::OutOfRange { .. })));
    /// assert!(DateFormat::Iso8601.parse("2010-13-01").is_err());
    /// ```
    pub fn parse(self, value: &str) -> Result<Timestamp, DateError> {
        self.parse_bytes(value.as_bytes())
    }

    pub(crate) fn parse_bytes(self, value: &[u8]) -> Result<Timestamp, DateError> {
        let s = value.trim_ascii();
        if s.is_empty() {
            return Err(DateError::Invalid { value: String::new(), expected: "a timestamp (the cell is empty)" });
        }
        match self {
            DateFormat::Iso8601 => iso(s),
            DateFormat::MdyHm => slashed(s, true),
            DateFormat::DmyHm => slashed(s, false),
            DateFormat::DmyDot => dotted(s),
            DateFormat::Compact => compact(s),
            DateFormat::UnixSeconds => unix(s, 1),
            DateFormat::UnixMillis => unix(s, 1000),
            DateFormat::Auto => {
                if s.iter().all(|b| b.is_ascii_digit() || *b == b'.' || *b == b'-') && !s[1..].contains(&b'-') {
                    if s.contains(&b'.') && s.iter().filter(|&&b| b == b'.').count() == 2 {
                        return dotted(s);
                    }
                    auto_number(s)
                } else if s.contains(&b'/') {
                    auto_slashed(s)
                } else if s.len() >= 5 && s[2] == b'.' || s.len() >= 4 && s[1] == b'.' {
                    dotted(s)
                } else if s.len() == 15 && s[8] == b'T' && s[..8].iter().all(u8::is_ascii_digit) {
                    compact(s)
                } else {
                    iso(s)
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(y: i64, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> Timestamp {
        Timestamp::from_civil(y, mo, d, h, mi, s).unwrap()
    }

    #[test]
    fn formats() {
        // 2010-12-01 08:26:00 UTC is 1291191960 (date -u -d '2010-12-01 08:26:00' +%s).
        assert_eq!(t(2010, 12, 1, 8, 26, 0).0, 1_291_191_960);
        assert_eq!(DateFormat::Iso8601.parse("2010-12-01 08:26:00"), Ok(t(2010, 12, 1, 8, 26, 0)));
        assert_eq!(DateFormat::Iso8601.parse("2010-12-01T08:26"), Ok(t(2010, 12, 1, 8, 26, 0)));
        assert_eq!(DateFormat::Iso8601.parse("2010-12-01T08:26:59.999Z"), Ok(t(2010, 12, 1, 8, 26, 59)));
        assert_eq!(DateFormat::Iso8601.parse("2010-12-01T00:30:00-0130"), Ok(t(2010, 12, 1, 2, 0, 0)));
        assert_eq!(DateFormat::Iso8601.parse("2010-12-01"), Ok(t(2010, 12, 1, 0, 0, 0)));
        assert_eq!(DateFormat::MdyHm.parse("12/1/2010 8:26"), Ok(t(2010, 12, 1, 8, 26, 0)));
        assert_eq!(DateFormat::MdyHm.parse("01/02/2011 12:05 PM"), Ok(t(2011, 1, 2, 12, 5, 0)));
        assert_eq!(DateFormat::MdyHm.parse("01/02/2011 12:05 AM"), Ok(t(2011, 1, 2, 0, 5, 0)));
        assert_eq!(DateFormat::DmyHm.parse("1/12/2010 08:26:30"), Ok(t(2010, 12, 1, 8, 26, 30)));
        assert_eq!(DateFormat::DmyDot.parse("01.12.2010 08:26"), Ok(t(2010, 12, 1, 8, 26, 0)));
        assert_eq!(DateFormat::Compact.parse("19970101"), Ok(t(1997, 1, 1, 0, 0, 0)));
        assert_eq!(DateFormat::Compact.parse("199701012359"), Ok(t(1997, 1, 1, 23, 59, 0)));
        assert_eq!(DateFormat::Compact.parse("19970101T235958"), Ok(t(1997, 1, 1, 23, 59, 58)));
        assert_eq!(DateFormat::UnixSeconds.parse("1291191960"), Ok(t(2010, 12, 1, 8, 26, 0)));
        assert_eq!(DateFormat::UnixSeconds.parse("1291191960.7"), Ok(t(2010, 12, 1, 8, 26, 0)));
        assert_eq!(DateFormat::UnixMillis.parse("1291191960123"), Ok(t(2010, 12, 1, 8, 26, 0)));
        assert_eq!(DateFormat::UnixSeconds.parse("-1"), Ok(Timestamp(-1)));
        for bad in [
            "",
            "2010-02-30 00:00:00",
            "2010-12-01 25:00:00",
            "2010-12-01X08:26",
            "13/13/2010 8:26",
            "1/1/10 8:26",
            "x",
            "2010-12-01T08:26+99:00",
        ] {
            assert!(matches!(DateFormat::Auto.parse(bad), Err(DateError::Invalid { .. })), "{bad}: {:?}", DateFormat::Auto.parse(bad));
        }
        assert!(DateFormat::UnixSeconds.parse("1e400").is_err());
        assert!(DateFormat::UnixSeconds.parse("nan").is_err());
        assert!(DateFormat::Compact.parse("19971301").is_err());
    }

    #[test]
    fn auto_reads_only_unambiguous_values() {
        // Each of these has a single reading.
        assert_eq!(DateFormat::Auto.parse("13/1/2010 8:26"), Ok(t(2010, 1, 13, 8, 26, 0)));
        assert_eq!(DateFormat::Auto.parse("1/13/2010"), Ok(t(2010, 1, 13, 0, 0, 0)));
        assert_eq!(DateFormat::Auto.parse("5/5/2010"), Ok(t(2010, 5, 5, 0, 0, 0)));
        assert_eq!(DateFormat::Auto.parse("1291191960123"), Ok(t(2010, 12, 1, 8, 26, 0)));
        assert_eq!(DateFormat::Auto.parse("20101201082600"), Ok(t(2010, 12, 1, 8, 26, 0)));
        assert_eq!(DateFormat::Auto.parse("20101201T082600"), Ok(t(2010, 12, 1, 8, 26, 0)));
        assert_eq!(DateFormat::Auto.parse("01.12.2010"), Ok(t(2010, 12, 1, 0, 0, 0)));
        // 19970101 s is 1970-08-20, as ms 1970-01-01, as YYYYMMDD 1997-01-01.
        for amb in ["19970101", "1291191960", "1/2/2010 10:00", "1291191960.5"] {
            assert!(matches!(DateFormat::Auto.parse(amb), Err(DateError::Ambiguous { .. })), "{amb}: {:?}", DateFormat::Auto.parse(amb));
        }
    }

    #[test]
    fn out_of_range_dates_are_typed_errors() {
        for f in [DateFormat::Auto, DateFormat::Iso8601] {
            assert!(matches!(f.parse("9999-12-31"), Err(DateError::OutOfRange { .. })));
            assert!(matches!(f.parse("1899-12-31 23:59:59"), Err(DateError::OutOfRange { .. })));
            assert!(matches!(f.parse("2199-12-31T23:59:59-01:00"), Err(DateError::OutOfRange { .. })));
        }
        assert_eq!(DateFormat::Iso8601.parse("2199-12-31 23:59:59"), Ok(Timestamp::MAX));
        assert_eq!(DateFormat::Iso8601.parse("1900-01-01"), Ok(Timestamp::MIN));
        for v in ["9223372036854775807", "-9223372036854775808", "99999999999999999999", "7258118400", "1e15"] {
            assert!(matches!(DateFormat::UnixSeconds.parse(v), Err(DateError::OutOfRange { .. })), "{v}");
        }
        assert!(matches!(DateFormat::Auto.parse("9223372036854775807"), Err(DateError::OutOfRange { .. })));
        assert!(matches!(DateFormat::Compact.parse("99991231"), Err(DateError::OutOfRange { .. })));
        assert!(matches!(DateFormat::MdyHm.parse("12/31/9999 10:00"), Err(DateError::OutOfRange { .. })));
        assert!(matches!(DateFormat::Iso8601.parse("9999-02-30"), Err(DateError::Invalid { .. })));
    }
}
