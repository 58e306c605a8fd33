//! [`Timestamp`]: seconds since the Unix epoch (UTC), with the calendar
//! arithmetic e-commerce features need (days between dates, weekday, ISO
//! week, month), without a date-time dependency.
//!
//! Civil-date conversion uses the proleptic Gregorian calendar through the
//! days-from-civil / civil-from-days method described by H. Hinnant,
//! "chrono-Compatible Low-Level Date Algorithms" (2013).

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Seconds since 1970-01-01T00:00:00 UTC.
///
/// Every method is total: any `i64` (also one loaded from JSON or built
/// as `Timestamp(i64::MAX)`) gives an answer without overflow, panic or
/// endless loop — arithmetic saturates at the ends of `i64`, and
/// [`days_until`](Timestamp::days_until) is always finite. Readers only
/// produce timestamps in the supported range [`Timestamp::MIN`]`..=`[`Timestamp::MAX`]
/// (see [`Timestamp::from_seconds`]); code that allocates per period checks
/// [`is_supported`](Timestamp::is_supported) or bounds its size.
///
/// ```
/// use shopml_core::Timestamp;
/// let t = Timestamp::from_civil(2010, 12, 1, 8, 26, 0).unwrap();
/// assert_eq!(t.civil(), (2010, 12, 1, 8, 26, 0));
/// assert_eq!(t.weekday(), 2); // Wednesday (Monday = 0)
/// assert_eq!(t.iso_week(), (2010, 48));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Timestamp(pub i64);

/// Seconds in a day.
pub const SECONDS_PER_DAY: i64 = 86_400;

/// Days from 1970-01-01 to the given civil date.
///
/// Total: any `year` is accepted and the result saturates at the ends of
/// `i64` (years beyond ±2.5·10¹⁶ cannot be represented as a day count);
/// `month` outside `1..=12` and `day` past the month's end are counted
/// arithmetically (use [`Timestamp::from_civil`] for a checked date).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    // i128 cannot overflow for any i64 year and u32 month/day.
    let year = year as i128;
    let m = month.clamp(1, 12) as i128;
    let y = if m <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i128 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    days.clamp(i64::MIN as i128, i64::MAX as i128) as i64
}

/// The civil date `(year, month, day)` of a day count since 1970-01-01
/// (total for every `i64`).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    // In i128 so that the shift by 719,468 days cannot overflow; every
    // intermediate is at most |z| / 365 in size, and the year fits an i64.
    let z = z as i128 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    ((if m <= 2 { y + 1 } else { y }) as i64, m, d)
}

/// Days in `month` of `year`.
pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// First year of the supported date range (see [`Timestamp::MIN`]).
pub const MIN_YEAR: i64 = 1900;
/// Last year of the supported date range (see [`Timestamp::MAX`]).
pub const MAX_YEAR: i64 = 2199;

impl Timestamp {
    /// The earliest supported instant, 1900-01-01T00:00:00 UTC.
    ///
    /// Readers reject dates outside `[MIN, MAX]` at parse time with a typed
    /// error, so a mistyped year (`9999-12-31`, a day count read as seconds)
    /// cannot make a per-day panel allocate centuries of cells, and all
    /// arithmetic on supported timestamps stays far from `i64` overflow.
    pub const MIN: Timestamp = Timestamp(-2_208_988_800);
    /// The latest supported instant, 2199-12-31T23:59:59 UTC.
    pub const MAX: Timestamp = Timestamp(7_258_118_399);

    /// Seconds since the epoch, checked against the supported range
    /// [`Timestamp::MIN`]..=[`Timestamp::MAX`].
    pub fn from_seconds(seconds: i64) -> Result<Self> {
        if !(Self::MIN.0..=Self::MAX.0).contains(&seconds) {
            return Err(Error::param(
                "timestamp",
                format!("{seconds} s since 1970 is outside the supported range {MIN_YEAR}-01-01 .. {MAX_YEAR}-12-31"),
            ));
        }
        Ok(Timestamp(seconds))
    }

    /// Whether the timestamp lies in the supported range.
    pub fn is_supported(self) -> bool {
        (Self::MIN.0..=Self::MAX.0).contains(&self.0)
    }

    /// From a civil date and time (UTC); out-of-range fields, and years
    /// outside [`MIN_YEAR`]`..=`[`MAX_YEAR`], are an error.
    pub fn from_civil(year: i64, month: u32, day: u32, hour: u32, minute: u32, second: u32) -> Result<Self> {
        if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
            return Err(Error::param("year", format!("{year} is outside the supported range {MIN_YEAR}..={MAX_YEAR}")));
        }
        if !(1..=12).contains(&month) {
            return Err(Error::param("month", format!("must be 1..=12, got {month}")));
        }
        if day == 0 || day > days_in_month(year, month) {
            return Err(Error::param("day", format!("{year}-{month:02} has no day {day}")));
        }
        if hour > 23 || minute > 59 || second > 60 {
            return Err(Error::param("time", format!("{hour:02}:{minute:02}:{second:02} is not a time of day")));
        }
        let days = days_from_civil(year, month, day);
        Ok(Timestamp(days * SECONDS_PER_DAY + (hour * 3600 + minute * 60 + second.min(59)) as i64))
    }

    /// Midnight (UTC) of a civil date.
    pub fn from_date(year: i64, month: u32, day: u32) -> Result<Self> {
        Self::from_civil(year, month, day, 0, 0, 0)
    }

    /// Seconds since the epoch.
    pub fn seconds(self) -> i64 {
        self.0
    }

    /// Whole days since the epoch (floor).
    pub fn day_number(self) -> i64 {
        self.0.div_euclid(SECONDS_PER_DAY)
    }

    /// Midnight of the same day (saturating at `i64::MIN`).
    pub fn floor_day(self) -> Timestamp {
        Timestamp(days_to_seconds(self.day_number()))
    }

    /// `(year, month, day, hour, minute, second)`.
    pub fn civil(self) -> (i64, u32, u32, u32, u32, u32) {
        let (y, m, d) = civil_from_days(self.day_number());
        let secs = self.0.rem_euclid(SECONDS_PER_DAY) as u32;
        (y, m, d, secs / 3600, (secs / 60) % 60, secs % 60)
    }

    /// Day of week, Monday = 0 … Sunday = 6.
    pub fn weekday(self) -> u32 {
        // 1970-01-01 was a Thursday (3).
        ((self.day_number() + 3).rem_euclid(7)) as u32
    }

    /// Hour of day, 0–23.
    pub fn hour(self) -> u32 {
        (self.0.rem_euclid(SECONDS_PER_DAY) / 3600) as u32
    }

    /// ISO 8601 week-numbering year and week (1–53).
    pub fn iso_week(self) -> (i64, u32) {
        let days = self.day_number();
        // The Thursday of this ISO week decides the year.
        let thursday = days.saturating_sub(self.weekday() as i64).saturating_add(3);
        let (year, _, _) = civil_from_days(thursday);
        let jan1 = days_from_civil(year, 1, 1);
        (year, (thursday.saturating_sub(jan1) / 7 + 1).clamp(1, 53) as u32)
    }

    /// Days from `self` to `later` as a real number (negative if `later` is
    /// earlier); always finite (the difference is taken in `i128`).
    pub fn days_until(self, later: Timestamp) -> f64 {
        (later.0 as i128 - self.0 as i128) as f64 / SECONDS_PER_DAY as f64
    }

    /// The timestamp `days` whole days later, saturating at the ends of `i64`.
    pub fn add_days(self, days: i64) -> Timestamp {
        Timestamp(self.0.saturating_add(days.saturating_mul(SECONDS_PER_DAY)))
    }

    /// The timestamp `days` whole days later, or `None` when it leaves the
    /// supported range [`Timestamp::MIN`]`..=`[`Timestamp::MAX`].
    pub fn checked_add_days(self, days: i64) -> Option<Timestamp> {
        let t = self.add_days(days);
        t.is_supported().then_some(t)
    }

    /// Monday 00:00 of the ISO week containing `self` (saturating).
    pub fn floor_week(self) -> Timestamp {
        Timestamp(days_to_seconds(self.day_number().saturating_sub(self.weekday() as i64)))
    }

    /// 00:00 on the first day of the month containing `self` (saturating).
    pub fn floor_month(self) -> Timestamp {
        let (y, m, _) = civil_from_days(self.day_number());
        Timestamp(days_to_seconds(days_from_civil(y, m, 1)))
    }
}

/// `days · 86 400`, saturating at the ends of `i64`.
fn days_to_seconds(days: i64) -> i64 {
    days.saturating_mul(SECONDS_PER_DAY)
}

impl std::fmt::Display for Timestamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (y, mo, d, h, mi, s) = self.civil();
        write!(f, "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        // 2011-12-09 is 15,317 days after the epoch (date -d 2011-12-09 +%s / 86400).
        assert_eq!(days_from_civil(2011, 12, 9), 15_317);
        assert_eq!(Timestamp::from_date(2011, 12, 9).unwrap().weekday(), 4); // a Friday
        // ISO week edge: 2010-01-03 (Sunday) belongs to 2009-W53.
        assert_eq!(Timestamp::from_date(2010, 1, 3).unwrap().iso_week(), (2009, 53));
        assert_eq!(Timestamp::from_date(2010, 1, 4).unwrap().iso_week(), (2010, 1));
        assert!(Timestamp::from_date(2011, 2, 29).is_err());
        assert!(Timestamp::from_date(2012, 2, 29).is_ok());
    }

    #[test]
    fn round_trip_every_day_for_a_millennium() {
        for z in (-200_000..200_000).step_by(7) {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
            assert!(d >= 1 && d <= days_in_month(y, m));
        }
    }
}

#[cfg(test)]
mod range_tests {
    use super::*;

    #[test]
    fn supported_range_ends_are_the_documented_civil_instants() {
        assert_eq!(Timestamp::MIN, Timestamp::from_civil(MIN_YEAR, 1, 1, 0, 0, 0).unwrap());
        assert_eq!(Timestamp::MAX, Timestamp::from_civil(MAX_YEAR, 12, 31, 23, 59, 59).unwrap());
        assert!(Timestamp::from_civil(MAX_YEAR + 1, 1, 1, 0, 0, 0).is_err());
        assert!(Timestamp::from_civil(9999, 12, 31, 0, 0, 0).is_err());
        assert!(Timestamp::from_seconds(i64::MAX).is_err());
        assert!(Timestamp::from_seconds(Timestamp::MAX.seconds() + 1).is_err());
        assert_eq!(Timestamp::from_seconds(0).unwrap(), Timestamp(0));
    }
}

#[cfg(test)]
mod total_tests {
    use super::*;

    /// Issue 13: `Timestamp(i64::MAX)` (and MIN) overflowed in debug builds
    /// and gave a negative tenure in release. Every method must be total.
    #[test]
    fn extreme_timestamps_never_overflow() {
        for t in [Timestamp(i64::MAX), Timestamp(i64::MIN), Timestamp(i64::MIN + 1), Timestamp(-1), Timestamp(0)] {
            let _ = (t.day_number(), t.civil(), t.weekday(), t.hour(), t.iso_week(), t.to_string());
            assert!(t.floor_day() <= t && t.floor_week() <= t.floor_day() && t.floor_month() <= t.floor_day());
            let _ = (t.add_days(i64::MAX), t.add_days(i64::MIN), t.add_days(1));
            assert!(t.days_until(Timestamp(i64::MAX)).is_finite());
            assert!(Timestamp(i64::MIN).days_until(t) >= 0.0);
        }
        // Saturation keeps order: a later instant is never before an earlier one.
        assert_eq!(Timestamp(i64::MAX).add_days(1), Timestamp(i64::MAX));
        assert!(Timestamp(i64::MAX).checked_add_days(1).is_none());
        assert_eq!(Timestamp::MAX.checked_add_days(-1), Some(Timestamp(Timestamp::MAX.0 - SECONDS_PER_DAY)));
        // Tenure across the whole i64 range is positive and finite (was −5.3e13 days in release).
        let span = Timestamp(i64::MIN).days_until(Timestamp(i64::MAX));
        assert!(span > 0.0 && span.is_finite());
        let _ = days_from_civil(i64::MAX, 12, 31);
        let _ = days_from_civil(i64::MIN, 1, 1);
        let _ = civil_from_days(i64::MAX);
        let _ = civil_from_days(i64::MIN);
    }
}
