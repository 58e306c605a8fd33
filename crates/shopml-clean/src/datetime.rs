//! Timestamp parsing for the date layouts exports use.

use serde::{Deserialize, Serialize};
use shopml_core::Timestamp;

/// How a timestamp column is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum DateFormat {
    /// Decide per value: digits only (with an optional fraction) are Unix
    /// seconds, a value with `/` is [`MdyHm`](DateFormat::MdyHm), anything
    /// else [`Iso8601`](DateFormat::Iso8601).
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
    /// Seconds since the Unix epoch, possibly with a fraction (floored).
    UnixSeconds,
    /// Milliseconds since the Unix epoch (floored to seconds).
    UnixMillis,
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

fn civil(y: u32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> Result<Timestamp, String> {
    Timestamp::from_civil(y as i64, mo, d, h, mi, s).map_err(|e| e.to_string())
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

fn iso(s: &[u8]) -> Result<Timestamp, String> {
    let bad = || format!("`{}` is not an ISO 8601 date-time", String::from_utf8_lossy(s));
    // Fast path for the common `YYYY-MM-DD HH:MM:SS`.
    if s.len() == 19 && s[4] == b'-' && s[7] == b'-' && (s[10] == b' ' || s[10] == b'T') && s[13] == b':' && s[16] == b':' {
        let f = |a: usize, b: usize| digits(&s[a..b]).ok_or_else(bad);
        return civil(f(0, 4)?, f(5, 7)?, f(8, 10)?, f(11, 13)?, f(14, 16)?, f(17, 19)?);
    }
    if s.len() < 10 || s[4] != b'-' || s[7] != b'-' {
        return Err(bad());
    }
    let (y, mo, d) = (digits(&s[0..4]).ok_or_else(bad)?, digits(&s[5..7]).ok_or_else(bad)?, digits(&s[8..10]).ok_or_else(bad)?);
    let rest = &s[10..];
    if rest.is_empty() {
        return civil(y, mo, d, 0, 0, 0);
    }
    if rest[0] != b'T' && rest[0] != b' ' {
        return Err(bad());
    }
    let (h, mi, sec, zone) = time_of_day(&rest[1..]).ok_or_else(bad)?;
    let t = civil(y, mo, d, h, mi, sec)?;
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
    Ok(Timestamp(t.0 - offset))
}

fn slashed(s: &[u8], month_first: bool) -> Result<Timestamp, String> {
    let bad = || {
        format!("`{}` is not a {} date-time", String::from_utf8_lossy(s), if month_first { "MM/DD/YYYY HH:MM" } else { "DD/MM/YYYY HH:MM" })
    };
    let (date, time) = match s.iter().position(|&b| b == b' ' || b == b'T') {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let mut parts = date.split(|&b| b == b'/');
    let (a, b, y) = (parts.next().and_then(digits), parts.next().and_then(digits), parts.next());
    let y = match y {
        Some(y) if y.len() == 4 => digits(y),
        _ => None,
    };
    let (a, b, y) = (a.ok_or_else(bad)?, b.ok_or_else(bad)?, y.ok_or_else(bad)?);
    if parts.next().is_some() {
        return Err(bad());
    }
    let (mo, d) = if month_first { (a, b) } else { (b, a) };
    let (h, mi, sec) = match time {
        None => (0, 0, 0),
        Some(t) => {
            let t = t.trim_ascii();
            let (h, mi, sec, rest) = time_of_day(t).ok_or_else(bad)?;
            let h = match rest.trim_ascii() {
                b"" => h,
                b"AM" | b"am" if (1..=12).contains(&h) => h % 12,
                b"PM" | b"pm" if (1..=12).contains(&h) => h % 12 + 12,
                _ => return Err(bad()),
            };
            (h, mi, sec)
        }
    };
    civil(y, mo, d, h, mi, sec)
}

fn unix(s: &[u8], scale: i64) -> Result<Timestamp, String> {
    let text = std::str::from_utf8(s).map_err(|_| "timestamp is not text".to_string())?;
    let bad = || format!("`{text}` is not a Unix time");
    if let Ok(v) = text.parse::<i64>() {
        return Ok(Timestamp(v.div_euclid(scale)));
    }
    let v: f64 = text.parse().map_err(|_| bad())?;
    if !v.is_finite() || v.abs() > 1e15 * scale as f64 {
        return Err(bad());
    }
    Ok(Timestamp((v / scale as f64).floor() as i64))
}

impl DateFormat {
    /// Parses one value (surrounding spaces ignored) into UTC seconds.
    ///
    /// ```
    /// use shopml_clean::DateFormat;
    /// use shopml_core::Timestamp;
    /// let t = Timestamp::from_civil(2010, 12, 1, 8, 26, 0).unwrap();
    /// assert_eq!(DateFormat::Auto.parse("2010-12-01 08:26:00"), Ok(t));
    /// assert_eq!(DateFormat::Auto.parse("12/1/2010 8:26"), Ok(t));
    /// assert_eq!(DateFormat::Auto.parse("2010-12-01T09:26:00+01:00"), Ok(t));
    /// assert_eq!(DateFormat::Auto.parse("1291191960"), Ok(t));
    /// assert!(DateFormat::Iso8601.parse("2010-13-01").is_err());
    /// ```
    pub fn parse(self, value: &str) -> Result<Timestamp, String> {
        self.parse_bytes(value.as_bytes())
    }

    pub(crate) fn parse_bytes(self, value: &[u8]) -> Result<Timestamp, String> {
        let s = value.trim_ascii();
        if s.is_empty() {
            return Err("empty timestamp".into());
        }
        match self {
            DateFormat::Iso8601 => iso(s),
            DateFormat::MdyHm => slashed(s, true),
            DateFormat::DmyHm => slashed(s, false),
            DateFormat::UnixSeconds => unix(s, 1),
            DateFormat::UnixMillis => unix(s, 1000),
            DateFormat::Auto => {
                if s.iter().all(|b| b.is_ascii_digit() || *b == b'.' || *b == b'-') && !s[1..].contains(&b'-') {
                    unix(s, 1)
                } else if s.contains(&b'/') {
                    slashed(s, true)
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
        assert_eq!(DateFormat::UnixSeconds.parse("1291191960"), Ok(t(2010, 12, 1, 8, 26, 0)));
        assert_eq!(DateFormat::UnixSeconds.parse("1291191960.7"), Ok(t(2010, 12, 1, 8, 26, 0)));
        assert_eq!(DateFormat::UnixMillis.parse("1291191960123"), Ok(t(2010, 12, 1, 8, 26, 0)));
        assert_eq!(DateFormat::UnixSeconds.parse("-1"), Ok(Timestamp(-1)));
        for bad in [
            "",
            "2010-02-30 00:00:00",
            "2010-12-01 25:00:00",
            "2010-12-01X08:26",
            "13/1/2010 8:26",
            "1/1/10 8:26",
            "x",
            "2010-12-01T08:26+99:00",
        ] {
            assert!(DateFormat::Auto.parse(bad).is_err(), "{bad}");
        }
        assert!(DateFormat::UnixSeconds.parse("1e400").is_err());
        assert!(DateFormat::UnixSeconds.parse("nan").is_err());
    }
}
