//! Generalising quasi-identifiers: dates to months, postcodes to districts,
//! ages to bands.

use serde::{Deserialize, Serialize};
use shopml_core::{Error, Timestamp};

/// A rule that replaces a value by a coarser one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Generalisation {
    /// An ISO date or date-time (`2010-12-01`, `2010-12-01 08:26:00`,
    /// `2010/12/01`) becomes its month, `2010-12`.
    DateToMonth,
    /// A postcode becomes its district. A UK postcode (`SW1A 1AA`, `M1 1AE`,
    /// `EC1A1BB`) becomes its outward code (`SW1A`, `M1`, `EC1A`); any other
    /// postcode keeps its first `keep` letters and digits and the rest become
    /// `*` (`10115` → `101**` with `keep = 3`, the US "ZIP3" rule).
    PostcodeToDistrict {
        /// Characters kept of a non-UK postcode.
        keep: usize,
    },
    /// A whole-number age in 0..=150 becomes a band `lo-hi` of `width` years;
    /// ages at or above `top` become `top+` (HIPAA's Safe Harbor pools 90+).
    AgeToBand {
        /// Years per band (≥ 1).
        width: u32,
        /// First age of the open top band.
        top: u32,
    },
    /// The value is replaced by `*` (the column is fully generalised).
    Suppress,
}

impl Generalisation {
    /// The usual postcode rule: UK outward code, otherwise the first 3 characters.
    pub fn postcode() -> Self {
        Generalisation::PostcodeToDistrict { keep: 3 }
    }

    /// Ten-year age bands with an open `90+` band.
    pub fn age_decades() -> Self {
        Generalisation::AgeToBand { width: 10, top: 90 }
    }

    /// A short name for errors and reports.
    pub fn name(&self) -> &'static str {
        match self {
            Generalisation::DateToMonth => "date to month",
            Generalisation::PostcodeToDistrict { .. } => "postcode to district",
            Generalisation::AgeToBand { .. } => "age to band",
            Generalisation::Suppress => "suppression",
        }
    }

    /// Names a bad parameter (`width = 0`, `top` below `width`, …).
    pub fn check(&self) -> Result<(), Error> {
        match *self {
            Generalisation::AgeToBand { width, top } => {
                if width == 0 {
                    return Err(Error::param("width", "age bands must be at least one year wide"));
                }
                if top == 0 || top > 150 {
                    return Err(Error::param("top", format!("{top}; the open top band must start in 1..=150")));
                }
                Ok(())
            }
            Generalisation::PostcodeToDistrict { keep: 0 } => Err(Error::param("keep", "a postcode district keeps at least one character")),
            _ => Ok(()),
        }
    }

    /// Applies the rule; `Err` carries the reason a value does not fit it
    /// (the value itself is not repeated, as it may be personal data).
    pub fn apply(&self, value: &str) -> Result<String, String> {
        match *self {
            Generalisation::DateToMonth => date_to_month(value),
            Generalisation::PostcodeToDistrict { keep } => postcode_to_district(value, keep),
            Generalisation::AgeToBand { width, top } => age_to_band(value, width, top),
            Generalisation::Suppress => Ok("*".into()),
        }
    }
}

/// `2010-12-01…` → `2010-12`.
pub fn date_to_month(value: &str) -> Result<String, String> {
    let b = value.trim().as_bytes();
    let year_ok = b.len() >= 6 && b[..4].iter().all(u8::is_ascii_digit) && matches!(b[4], b'-' | b'/');
    if !year_ok {
        return Err("not an ISO date (YYYY-MM-DD)".into());
    }
    let month_digits = b[5..].iter().take_while(|c| c.is_ascii_digit()).count();
    if !(1..=2).contains(&month_digits) {
        return Err("not an ISO date (YYYY-MM-DD)".into());
    }
    let month = b[5..5 + month_digits].iter().fold(0u32, |m, &c| m * 10 + (c - b'0') as u32);
    if !(1..=12).contains(&month) {
        return Err(format!("month {month} is not in 1..=12"));
    }
    let year = std::str::from_utf8(&b[..4]).map_err(|_| "not an ISO date".to_string())?;
    Ok(format!("{year}-{month:02}"))
}

/// The first instant of the timestamp's month (for readers that hold typed
/// timestamps rather than text).
pub fn timestamp_to_month(ts: Timestamp) -> Timestamp {
    ts.floor_month()
}

/// Whether `s` (upper case, no spaces) is a UK outward code: A9, A99, AA9,
/// AA99, A9A or AA9A.
fn is_uk_outward(s: &[u8]) -> bool {
    let letters = s.iter().take_while(|c| c.is_ascii_uppercase()).count();
    if !(1..=2).contains(&letters) {
        return false;
    }
    let rest = &s[letters..];
    match rest {
        [d] => d.is_ascii_digit(),
        [d, e] => d.is_ascii_digit() && (e.is_ascii_digit() || e.is_ascii_uppercase()),
        _ => false,
    }
}

/// Whether `s` is a UK inward code: 9AA.
fn is_uk_inward(s: &[u8]) -> bool {
    s.len() == 3 && s[0].is_ascii_digit() && s[1].is_ascii_uppercase() && s[2].is_ascii_uppercase()
}

/// See [`Generalisation::PostcodeToDistrict`].
pub fn postcode_to_district(value: &str, keep: usize) -> Result<String, String> {
    let compact: Vec<u8> = value.bytes().filter(|c| !c.is_ascii_whitespace()).map(|c| c.to_ascii_uppercase()).collect();
    if compact.is_empty() || !compact.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-') {
        return Err("a postcode holds only letters, digits, spaces and dashes".into());
    }
    if compact.len() >= 5 && compact.len() <= 7 {
        let (out, inw) = compact.split_at(compact.len() - 3);
        if is_uk_inward(inw) && is_uk_outward(out) {
            return Ok(String::from_utf8_lossy(out).into_owned());
        }
    }
    let chars: Vec<u8> = compact.into_iter().filter(u8::is_ascii_alphanumeric).collect();
    let kept = keep.min(chars.len());
    let mut s = String::from_utf8_lossy(&chars[..kept]).into_owned();
    s.extend(std::iter::repeat_n('*', chars.len() - kept));
    Ok(s)
}

/// See [`Generalisation::AgeToBand`].
pub fn age_to_band(value: &str, width: u32, top: u32) -> Result<String, String> {
    let age: u32 = value.trim().parse().map_err(|_| "not a whole number of years".to_string())?;
    if age > 150 {
        return Err(format!("age {age} is above 150"));
    }
    if width == 0 {
        return Err("band width 0".into());
    }
    if age >= top {
        return Ok(format!("{top}+"));
    }
    let lo = age / width * width;
    let hi = (lo + width - 1).min(top.saturating_sub(1));
    Ok(format!("{lo}-{hi}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(date_to_month("2010-12-01 08:26:00").unwrap(), "2010-12");
        assert_eq!(date_to_month("2011/01/31").unwrap(), "2011-01");
        assert_eq!(date_to_month("2011-3-5").unwrap(), "2011-03");
        assert!(date_to_month("01/12/2010").is_err());
        assert!(date_to_month("2010-13-01").is_err());
        let ts = Timestamp::from_civil(2010, 12, 9, 8, 26, 0).unwrap();
        assert_eq!(timestamp_to_month(ts), Timestamp::from_date(2010, 12, 1).unwrap());
    }

    #[test]
    fn postcodes() {
        for (pc, want) in
            [("SW1A 1AA", "SW1A"), ("M1 1AE", "M1"), ("ec1a1bb", "EC1A"), ("B33 8TH", "B33"), ("CR2 6XH", "CR2"), ("DN55 1PT", "DN55")]
        {
            assert_eq!(postcode_to_district(pc, 3).unwrap(), want, "{pc}");
        }
        assert_eq!(postcode_to_district("10115", 3).unwrap(), "101**");
        assert_eq!(postcode_to_district("1012 AB", 4).unwrap(), "1012**");
        assert!(postcode_to_district("", 3).is_err());
        assert!(postcode_to_district("a@b", 3).is_err());
    }

    #[test]
    fn ages() {
        let g = Generalisation::age_decades();
        assert_eq!(g.apply("0").unwrap(), "0-9");
        assert_eq!(g.apply("37").unwrap(), "30-39");
        assert_eq!(g.apply("89").unwrap(), "80-89");
        assert_eq!(g.apply("90").unwrap(), "90+");
        assert_eq!(age_to_band("42", 5, 65).unwrap(), "40-44");
        assert_eq!(age_to_band("63", 5, 62).unwrap(), "62+");
        assert_eq!(age_to_band("61", 5, 62).unwrap(), "60-61");
        assert!(g.apply("-3").is_err() && g.apply("200").is_err() && g.apply("x").is_err());
        assert!(Generalisation::AgeToBand { width: 0, top: 90 }.check().is_err());
    }
}
