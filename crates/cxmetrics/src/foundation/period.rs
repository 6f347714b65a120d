//! Dates and periods: reading the date cells of an export and bucketing
//! them into days, ISO weeks, months, quarters and years.
//!
//! ```
//! use cxmetrics::{CivilDate, Period, PeriodUnit};
//!
//! let month = PeriodUnit::Month.bucket_cell("2026-03-14T09:12:44Z")?;
//! assert_eq!(month.to_string(), "2026-03");
//! assert_eq!(month, "2026-03".parse::<Period>()?);
//! assert_eq!(PeriodUnit::IsoWeek.bucket_cell("2021-01-03")?.to_string(), "2020-W53");
//! assert_eq!(PeriodUnit::Day.bucket_unix(-1)?.to_string(), "1969-12-31");
//!
//! // Every month from January to June, with the ones no answer fell in.
//! let seen = [Period::month(2026, 1)?, Period::month(2026, 4)?, Period::month(2026, 6)?];
//! let all: Vec<String> = seen[0].through(seen[2])?.map(|p| p.to_string()).collect();
//! assert_eq!(all, ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"]);
//! # Ok::<(), cxmetrics::Error>(())
//! ```
//!
//! # Why no date-time crate
//!
//! Bucketing a date needs three things: a calendar date checked for leap
//! years, a conversion between dates and day numbers (Howard Hinnant's
//! `days_from_civil` and `civil_from_days`, a few lines of integer
//! arithmetic), and the ISO week rule. That is all this module holds, so
//! the core keeps its three dependencies (`thiserror`, `statrs`, optional
//! `serde`) and builds in seconds. Time zones by name (`America/New_York`),
//! calendars other than the proleptic Gregorian and date arithmetic beyond
//! whole periods are out of scope: convert such values to a
//! [`CivilDate`] (its year, month and day) or to Unix seconds with
//! `jiff` or `chrono` first.
//!
//! The forms a cell may take, the rule for UTC offsets and the range of
//! years are documented on [`CivilDate`], which users see at the crate
//! root.

use std::fmt;
use std::iter::FusedIterator;
use std::str::FromStr;

use crate::foundation::error::Error;

/// What a date cell may look like, for error messages.
const DATE_FORMS: &str = "a date YYYY-MM-DD, optionally followed by T or a space and hh:mm[:ss[.fff]], \
     then optionally Z, ±hh:mm, ±hhmm or ±hh, with a year in 0001..=9999";

/// What a period label may look like, for error messages.
const PERIOD_FORMS: &str = "a day YYYY-MM-DD, an ISO week YYYY-Www, a month YYYY-MM, a quarter YYYY-Qq \
     or a year YYYY, with a year in 0001..=9999";

/// What Unix seconds may be, for error messages.
const UNIX_FORMS: &str =
    "Unix seconds from -62135596800 (0001-01-01) to 253402300799 (9999-12-31 23:59:59 UTC)";

/// What the parts of a date may be, for error messages.
const DATE_PARTS: &str = "a year in 1..=9999, a month in 1..=12 and a day within that month";

/// The longest text quoted in an error, in characters.
const QUOTE_LIMIT: usize = 40;

/// Seconds in a day.
const DAY_SECONDS: i64 = 86_400;

/// Days from 1970-01-01 to 0001-01-01.
const MIN_DAYS: i64 = days_from_civil(1, 1, 1);
/// Days from 1970-01-01 to 9999-12-31.
const MAX_DAYS: i64 = days_from_civil(9999, 12, 31);
/// The Monday of the week of 1970-01-01 (1969-12-29), the origin of week
/// numbers.
const WEEK_ORIGIN: i64 = -3;

/// Howard Hinnant's `days_from_civil`: days since 1970-01-01 of a
/// proleptic Gregorian date (any year, month 1..=12, day 1..=31).
const fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = if month > 2 { month - 3 } else { month + 9 };
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Howard Hinnant's `civil_from_days`: the (year, month, day) of a day
/// number (days since 1970-01-01).
const fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + if month <= 2 { 1 } else { 0 };
    (year, month, day)
}

/// Whether `year` is a leap year of the Gregorian calendar.
const fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// The number of days in a month (1..=12) of a year.
const fn month_days(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The ISO weekday of a day number: 1 = Monday … 7 = Sunday.
const fn weekday_of(days: i64) -> i64 {
    (days + 3).rem_euclid(7) + 1
}

/// The day number of the Monday of ISO week 1 of `year` (the week that
/// holds January 4).
const fn week_one_monday(year: i64) -> i64 {
    let jan4 = days_from_civil(year, 1, 4);
    jan4 - (weekday_of(jan4) - 1)
}

/// The number of ISO weeks (52 or 53) in week-year `year`.
const fn weeks_in(year: i64) -> i64 {
    (week_one_monday(year + 1) - week_one_monday(year)) / 7
}

/// The text as shown in an error message, cut at [`QUOTE_LIMIT`]
/// characters.
fn quoted(text: &str) -> String {
    if text.chars().count() <= QUOTE_LIMIT {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(QUOTE_LIMIT).collect();
        s.push('…');
        s
    }
}

/// An [`Error::InvalidDate`].
#[cold]
fn invalid(what: &'static str, text: &str, reason: &'static str, expected: &'static str) -> Error {
    Error::InvalidDate {
        what,
        text: quoted(text),
        reason,
        expected,
    }
}

/// The text of a cell without surrounding white space and a leading
/// byte-order mark.
fn clean(text: &str) -> &str {
    let t = text.trim();
    t.strip_prefix('\u{feff}').unwrap_or(t).trim()
}

/// A calendar date of the proleptic Gregorian calendar, year 1 to 9999,
/// with no time and no time zone ("civil" as in civil time: the date on a
/// calendar on the wall).
///
/// It is always valid: months 1..=12, days within the month, February 29
/// only in leap years. Dates order chronologically. `Display` and
/// `FromStr` use `YYYY-MM-DD`; `FromStr` reads every cell form
/// [`CivilDate::parse`] reads.
///
/// # Cells
///
/// A cell ([`CivilDate::parse`], [`PeriodUnit::bucket_cell`]) is an
/// ISO-8601 / RFC 3339 date or date-time, with surrounding white space
/// and a leading byte-order mark ignored:
///
/// - a date: `2026-03-14`;
/// - a date and time, separated by `T` or one space, with or without
///   seconds and fractional seconds: `2026-03-14 09:12:44`,
///   `2026-03-14T09:12:44.250`, `2026-03-14T09:12`;
/// - either of those followed by a UTC offset: `Z`, `±hh:mm`, `±hhmm` or
///   `±hh` (`2026-03-14T09:12:44Z`, `2026-03-14T23:30:00-05:00`).
///
/// Anything else is an [`Error::InvalidDate`] naming the text and these
/// forms; no input panics. Unix seconds are read by
/// [`CivilDate::from_unix_seconds`] and [`PeriodUnit::bucket_unix`], never
/// guessed from text.
///
/// # The offset rule
///
/// A date-time **with** an offset is converted to UTC before its date is
/// taken ([`OffsetRule::ConvertToUtc`], the default):
/// `2026-03-14T23:30:00-05:00` is 04:30 UTC on March 15, so it falls on
/// March 15. Answers from several time zones are then bucketed on one
/// clock, as Unix seconds are. A date-time **without** an offset, and a
/// bare date, is taken as written: it is already the local date of
/// whoever exported it. [`OffsetRule::KeepLocalDate`] takes every
/// date-time as written (March 14 above), for reports by the
/// respondent's own calendar day.
///
/// # Range
///
/// Years 1 to 9999 of the proleptic Gregorian calendar (the range of
/// four-digit years): `0001-01-01` to `9999-12-31`, Unix seconds
/// −62,135,596,800 to 253,402,300,799. A date-time whose UTC date falls
/// outside is an error. Every date in range has its ISO week in range
/// (`0001-01-01` is a Monday and `9999-12-31` a Friday of week-year 9999).
/// A leap second (`23:59:60`) is read as `23:59:59`.
///
/// # Why no date-time crate
///
/// Bucketing needs only a checked calendar date, day numbers and the ISO
/// week rule, a few lines of integer arithmetic, so the core depends on no
/// `jiff` or `chrono`. A value of those crates comes in through
/// [`CivilDate::new`] (its year, month and day) or
/// [`CivilDate::from_unix_seconds`].
///
/// # Example
///
/// ```
/// use cxmetrics::CivilDate;
///
/// let d = CivilDate::new(2024, 2, 29)?;
/// assert_eq!(d.to_string(), "2024-02-29");
/// assert_eq!((d.year(), d.month(), d.day()), (2024, 2, 29));
/// assert!(CivilDate::new(2023, 2, 29).is_err());
/// assert_eq!("2024-02-29".parse::<CivilDate>()?, d);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CivilDate {
    year: i16,
    month: u8,
    day: u8,
}

impl CivilDate {
    /// The first date in range, `0001-01-01`.
    ///
    /// ```
    /// use cxmetrics::CivilDate;
    /// assert_eq!(CivilDate::MIN.to_string(), "0001-01-01");
    /// ```
    pub const MIN: CivilDate = CivilDate {
        year: 1,
        month: 1,
        day: 1,
    };

    /// The last date in range, `9999-12-31`.
    ///
    /// ```
    /// use cxmetrics::CivilDate;
    /// assert_eq!(CivilDate::MAX.to_string(), "9999-12-31");
    /// ```
    pub const MAX: CivilDate = CivilDate {
        year: 9999,
        month: 12,
        day: 31,
    };

    /// The date `year`-`month`-`day`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidDate`] unless the year is in 1..=9999, the month in
    /// 1..=12 and the day within the month (February 29 only in a leap
    /// year).
    ///
    /// ```
    /// use cxmetrics::CivilDate;
    ///
    /// assert_eq!(CivilDate::new(2026, 3, 14)?.to_string(), "2026-03-14");
    /// assert!(CivilDate::new(2026, 13, 1).is_err());
    /// assert!(CivilDate::new(1900, 2, 29).is_err()); // 1900 is not a leap year
    /// assert!(CivilDate::new(2000, 2, 29).is_ok()); // 2000 is
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn new(year: i32, month: u8, day: u8) -> Result<CivilDate, Error> {
        let bad = |reason| {
            let text = format!("{year:04}-{month:02}-{day:02}");
            invalid("date", &text, reason, DATE_PARTS)
        };
        Self::checked(i64::from(year), i64::from(month), i64::from(day)).map_err(bad)
    }

    /// The date of checked parts, or why they are no date.
    fn checked(year: i64, month: i64, day: i64) -> Result<CivilDate, &'static str> {
        if !(1..=9999).contains(&year) {
            return Err("the year is outside 1..=9999");
        }
        if !(1..=12).contains(&month) {
            return Err("the month is not 01..=12");
        }
        if month == 2 && day == 29 && !is_leap(year) {
            return Err("February 29 in a year that is not a leap year");
        }
        if day < 1 || day > month_days(year, month) {
            return Err("the day is not within its month");
        }
        match (i16::try_from(year), u8::try_from(month), u8::try_from(day)) {
            (Ok(year), Ok(month), Ok(day)) => Ok(CivilDate { year, month, day }),
            _ => Err("the date is out of range"),
        }
    }

    /// The year, 1..=9999.
    ///
    /// ```
    /// use cxmetrics::CivilDate;
    /// assert_eq!(CivilDate::new(2026, 3, 14)?.year(), 2026);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn year(self) -> i32 {
        i32::from(self.year)
    }

    /// The month, 1..=12.
    ///
    /// ```
    /// use cxmetrics::CivilDate;
    /// assert_eq!(CivilDate::new(2026, 3, 14)?.month(), 3);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn month(self) -> u8 {
        self.month
    }

    /// The day of the month, 1..=31.
    ///
    /// ```
    /// use cxmetrics::CivilDate;
    /// assert_eq!(CivilDate::new(2026, 3, 14)?.day(), 14);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn day(self) -> u8 {
        self.day
    }

    /// The quarter, 1..=4 (January–March is 1).
    ///
    /// ```
    /// use cxmetrics::CivilDate;
    /// assert_eq!(CivilDate::new(2026, 3, 31)?.quarter(), 1);
    /// assert_eq!(CivilDate::new(2026, 4, 1)?.quarter(), 2);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn quarter(self) -> u8 {
        (self.month - 1) / 3 + 1
    }

    /// The ISO weekday: 1 = Monday … 7 = Sunday.
    ///
    /// ```
    /// use cxmetrics::CivilDate;
    /// assert_eq!(CivilDate::new(1970, 1, 1)?.iso_weekday(), 4); // a Thursday
    /// assert_eq!(CivilDate::new(2026, 3, 15)?.iso_weekday(), 7); // a Sunday
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn iso_weekday(self) -> u8 {
        // 1..=7 always fits.
        u8::try_from(weekday_of(self.days_since_epoch())).unwrap_or(1)
    }

    /// The ISO week-year and week (1..=53): weeks run Monday to Sunday and
    /// week 1 is the one that holds January 4 (the first with four days of
    /// the new year), so the first days of January may belong to the last
    /// week of the year before, and the last days of December to week 1 of
    /// the next.
    ///
    /// ```
    /// use cxmetrics::CivilDate;
    /// assert_eq!(CivilDate::new(2026, 3, 14)?.iso_week(), (2026, 11));
    /// assert_eq!(CivilDate::new(2021, 1, 3)?.iso_week(), (2020, 53));
    /// assert_eq!(CivilDate::new(2024, 12, 30)?.iso_week(), (2025, 1));
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn iso_week(self) -> (i32, u8) {
        let days = self.days_since_epoch();
        let thursday = days - weekday_of(days) + 4;
        let (year, _, _) = civil_from_days(thursday);
        let week = (thursday - days_from_civil(year, 1, 1)) / 7 + 1;
        // Years stay within 1..=9999 and weeks within 1..=53.
        (
            i32::try_from(year).unwrap_or(1),
            u8::try_from(week).unwrap_or(1),
        )
    }

    /// Whether `year` is a leap year of the Gregorian calendar: divisible
    /// by 4, and not by 100 unless by 400.
    ///
    /// ```
    /// use cxmetrics::CivilDate;
    /// assert!(CivilDate::is_leap_year(2024) && CivilDate::is_leap_year(2000));
    /// assert!(!CivilDate::is_leap_year(1900) && !CivilDate::is_leap_year(2100));
    /// ```
    #[must_use]
    pub fn is_leap_year(year: i32) -> bool {
        is_leap(i64::from(year))
    }

    /// Days since 1970-01-01 (negative before it).
    ///
    /// ```
    /// use cxmetrics::CivilDate;
    /// assert_eq!(CivilDate::new(1970, 1, 2)?.days_since_epoch(), 1);
    /// assert_eq!(CivilDate::new(1969, 12, 31)?.days_since_epoch(), -1);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn days_since_epoch(self) -> i64 {
        days_from_civil(
            i64::from(self.year),
            i64::from(self.month),
            i64::from(self.day),
        )
    }

    /// The date `days` days after 1970-01-01 (before it if negative).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidDate`] if that date is outside `0001-01-01` ..=
    /// `9999-12-31` (day numbers −719,162 to 2,932,896).
    ///
    /// ```
    /// use cxmetrics::CivilDate;
    /// assert_eq!(CivilDate::from_days_since_epoch(20_526)?.to_string(), "2026-03-14");
    /// assert!(CivilDate::from_days_since_epoch(3_000_000).is_err());
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn from_days_since_epoch(days: i64) -> Result<CivilDate, Error> {
        Self::from_days(days).ok_or_else(|| {
            invalid(
                "day number",
                &days.to_string(),
                "it is outside years 1..=9999",
                "a day number from -719162 (0001-01-01) to 2932896 (9999-12-31)",
            )
        })
    }

    /// The date of a day number, if in range.
    fn from_days(days: i64) -> Option<CivilDate> {
        if !(MIN_DAYS..=MAX_DAYS).contains(&days) {
            return None;
        }
        let (y, m, d) = civil_from_days(days);
        Self::checked(y, m, d).ok()
    }

    /// The UTC date of a Unix time in seconds (seconds since
    /// 1970-01-01T00:00:00Z, negative before it).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidDate`] if the date is outside years 1..=9999.
    ///
    /// ```
    /// use cxmetrics::CivilDate;
    /// assert_eq!(CivilDate::from_unix_seconds(1_773_480_764)?.to_string(), "2026-03-14");
    /// assert_eq!(CivilDate::from_unix_seconds(-1)?.to_string(), "1969-12-31");
    /// assert!(CivilDate::from_unix_seconds(i64::MAX).is_err());
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn from_unix_seconds(seconds: i64) -> Result<CivilDate, Error> {
        Self::from_days(seconds.div_euclid(DAY_SECONDS)).ok_or_else(|| {
            invalid(
                "Unix time",
                &seconds.to_string(),
                "its date is outside years 1..=9999",
                UNIX_FORMS,
            )
        })
    }

    /// The date of a date or date-time cell, converting a date-time with a
    /// UTC offset to UTC first ([`OffsetRule::ConvertToUtc`]); see the
    /// [type docs](CivilDate#cells) for the forms read.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidDate`] naming the text, what is wrong and the forms
    /// accepted, for any other text: a month 13, February 30, hour 24, an
    /// offset `+25:00`, trailing text, an empty cell.
    ///
    /// ```
    /// use cxmetrics::CivilDate;
    ///
    /// assert_eq!(CivilDate::parse(" 2026-03-14 09:12:44 ")?.to_string(), "2026-03-14");
    /// assert_eq!(CivilDate::parse("2026-03-14T23:30:00-05:00")?.to_string(), "2026-03-15");
    /// assert_eq!(CivilDate::parse("2026-03-14T00:30:00.5+0100")?.to_string(), "2026-03-13");
    /// let err = CivilDate::parse("2026-02-30").unwrap_err();
    /// assert!(err.to_string().contains("\"2026-02-30\""));
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn parse(text: &str) -> Result<CivilDate, Error> {
        Self::parse_with(text, OffsetRule::ConvertToUtc)
    }

    /// The date of a date or date-time cell, with the offset rule given.
    ///
    /// # Errors
    ///
    /// As [`CivilDate::parse`].
    ///
    /// ```
    /// use cxmetrics::{CivilDate, OffsetRule};
    ///
    /// let cell = "2026-03-14T23:30:00-05:00";
    /// assert_eq!(CivilDate::parse_with(cell, OffsetRule::KeepLocalDate)?.to_string(), "2026-03-14");
    /// assert_eq!(CivilDate::parse_with(cell, OffsetRule::ConvertToUtc)?.to_string(), "2026-03-15");
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn parse_with(text: &str, rule: OffsetRule) -> Result<CivilDate, Error> {
        parse_cell(clean(text), rule).map_err(|reason| invalid("date", text, reason, DATE_FORMS))
    }
}

impl fmt::Display for CivilDate {
    /// `YYYY-MM-DD`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = format!("{:04}-{:02}-{:02}", self.year, self.month, self.day);
        f.pad(&s)
    }
}

impl FromStr for CivilDate {
    type Err = Error;

    /// As [`CivilDate::parse`].
    fn from_str(s: &str) -> Result<CivilDate, Error> {
        CivilDate::parse(s)
    }
}

/// How a date-time with a UTC offset (`2026-03-14T23:30:00-05:00`) gives
/// its date. A date-time without an offset, and a bare date, is always
/// taken as written.
///
/// ```
/// use cxmetrics::{CivilDate, OffsetRule};
///
/// assert_eq!(OffsetRule::default(), OffsetRule::ConvertToUtc);
/// let late = "2026-12-31T22:00:00-03:00"; // 01:00 UTC on New Year's Day
/// assert_eq!(CivilDate::parse_with(late, OffsetRule::ConvertToUtc)?.year(), 2027);
/// assert_eq!(CivilDate::parse_with(late, OffsetRule::KeepLocalDate)?.year(), 2026);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum OffsetRule {
    /// Convert to UTC, then take the date (the default): answers given in
    /// several time zones are bucketed on one clock, as Unix seconds are.
    #[default]
    ConvertToUtc,
    /// Take the date as written, ignoring the offset: the respondent's own
    /// calendar day.
    KeepLocalDate,
}

/// A reader of ASCII text, byte by byte; it never slices a string, so no
/// input can land it inside a character.
struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    /// The next byte, if any, without taking it.
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    /// Takes the next byte if it is one of `set`.
    fn eat(&mut self, set: &[u8]) -> Option<u8> {
        let b = self.peek().filter(|b| set.contains(b))?;
        self.at += 1;
        Some(b)
    }

    /// Takes exactly `n` ASCII digits (n ≤ 4) and gives their value.
    fn digits(&mut self, n: usize) -> Option<i64> {
        let end = self.at.checked_add(n)?;
        let run = self.bytes.get(self.at..end)?;
        let mut v = 0;
        for &b in run {
            if !b.is_ascii_digit() {
                return None;
            }
            v = v * 10 + i64::from(b - b'0');
        }
        self.at = end;
        Some(v)
    }

    /// Whether every byte has been read.
    fn done(&self) -> bool {
        self.at >= self.bytes.len()
    }
}

/// Reads `YYYY` (0001..=9999) at the cursor.
fn read_year(c: &mut Cursor<'_>) -> Result<i64, &'static str> {
    match c.digits(4) {
        None => Err("it does not start with a four-digit year"),
        Some(0) => Err("year 0000 is outside 0001..=9999"),
        Some(y) => Ok(y),
    }
}

/// The date of a cleaned cell, or why there is none.
fn parse_cell(text: &str, rule: OffsetRule) -> Result<CivilDate, &'static str> {
    if text.is_empty() {
        return Err("the cell is empty");
    }
    let mut c = Cursor {
        bytes: text.as_bytes(),
        at: 0,
    };
    let year = read_year(&mut c)?;
    let (month, day) = match (c.eat(b"-"), c.digits(2), c.eat(b"-"), c.digits(2)) {
        (Some(_), Some(m), Some(_), Some(d)) => (m, d),
        _ => return Err("the date is not YYYY-MM-DD"),
    };
    let date = CivilDate::checked(year, month, day)?;
    if c.done() {
        return Ok(date);
    }
    if c.eat(b"Tt ").is_none() {
        return Err("unexpected text after the date");
    }
    let (hour, minute) = match (c.digits(2), c.eat(b":"), c.digits(2)) {
        (Some(h), Some(_), Some(m)) => (h, m),
        _ => return Err("the time is not hh:mm or hh:mm:ss"),
    };
    let mut second = 0;
    if c.eat(b":").is_some() {
        second = c.digits(2).ok_or("the seconds are not two digits")?;
        if c.eat(b".,").is_some() {
            let start = c.at;
            while c.peek().is_some_and(|b| b.is_ascii_digit()) {
                c.at += 1;
            }
            if c.at == start {
                return Err("the fraction of a second has no digits");
            }
        }
    }
    if hour > 23 {
        return Err("the hour is not 00..=23");
    }
    if minute > 59 {
        return Err("the minute is not 00..=59");
    }
    if second > 60 {
        return Err("the second is not 00..=60");
    }
    // East of UTC is positive.
    let offset = match c.eat(b"Zz+-") {
        None => None,
        Some(b'Z' | b'z') => Some(0),
        Some(sign) => {
            let hours = c
                .digits(2)
                .ok_or("the offset is not ±hh:mm, ±hhmm or ±hh")?;
            let minutes = if c.done() {
                0
            } else {
                c.eat(b":");
                c.digits(2)
                    .ok_or("the offset is not ±hh:mm, ±hhmm or ±hh")?
            };
            if hours > 23 {
                return Err("the offset's hours are not 00..=23");
            }
            if minutes > 59 {
                return Err("the offset's minutes are not 00..=59");
            }
            let east = hours * 3600 + minutes * 60;
            Some(if sign == b'-' { -east } else { east })
        }
    };
    if !c.done() {
        return Err("unexpected text after the time");
    }
    match (offset, rule) {
        (None, _) | (_, OffsetRule::KeepLocalDate) => Ok(date),
        (Some(east), OffsetRule::ConvertToUtc) => {
            // A leap second is read as :59, so 23:59:60 stays on its day.
            let local = hour * 3600 + minute * 60 + second.min(59);
            let shift = (local - east).div_euclid(DAY_SECONDS);
            CivilDate::from_days(date.days_since_epoch() + shift)
                .ok_or("its UTC date is outside years 0001..=9999")
        }
    }
}

/// The length of a period: what dates are bucketed by.
///
/// Units order from the shortest, `Day`, to the longest, `Year`.
/// `Display` and serde use `day`, `iso_week`, `month`, `quarter`, `year`.
///
/// ```
/// use cxmetrics::{CivilDate, PeriodUnit};
///
/// let d = CivilDate::new(2026, 3, 14)?;
/// let labels: Vec<String> = PeriodUnit::ALL.iter().map(|u| u.bucket(d).to_string()).collect();
/// assert_eq!(labels, ["2026-03-14", "2026-W11", "2026-03", "2026-Q1", "2026"]);
/// assert_eq!(PeriodUnit::IsoWeek.to_string(), "iso_week");
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum PeriodUnit {
    /// A calendar day, `2026-03-14`.
    Day,
    /// An ISO-8601 week, Monday to Sunday, numbered within its ISO
    /// week-year, `2026-W11` (see [`CivilDate::iso_week`]).
    IsoWeek,
    /// A calendar month, `2026-03`.
    Month,
    /// A calendar quarter, `2026-Q1` (January–March).
    Quarter,
    /// A calendar year, `2026`.
    Year,
}

impl PeriodUnit {
    /// Every unit, shortest first.
    ///
    /// ```
    /// use cxmetrics::PeriodUnit;
    /// assert_eq!(PeriodUnit::ALL[0], PeriodUnit::Day);
    /// assert_eq!(PeriodUnit::ALL.len(), 5);
    /// ```
    pub const ALL: [PeriodUnit; 5] = [
        PeriodUnit::Day,
        PeriodUnit::IsoWeek,
        PeriodUnit::Month,
        PeriodUnit::Quarter,
        PeriodUnit::Year,
    ];

    /// The period of this unit that holds `date`.
    ///
    /// ```
    /// use cxmetrics::{CivilDate, PeriodUnit};
    ///
    /// let new_years_eve = CivilDate::new(2024, 12, 31)?;
    /// assert_eq!(PeriodUnit::IsoWeek.bucket(new_years_eve).to_string(), "2025-W01");
    /// assert_eq!(PeriodUnit::Quarter.bucket(new_years_eve).to_string(), "2024-Q4");
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn bucket(self, date: CivilDate) -> Period {
        let year = i64::from(date.year);
        let month = i64::from(date.month);
        let index = match self {
            PeriodUnit::Day => date.days_since_epoch(),
            PeriodUnit::IsoWeek => {
                let days = date.days_since_epoch();
                (days - (weekday_of(days) - 1) - WEEK_ORIGIN).div_euclid(7)
            }
            PeriodUnit::Month => year * 12 + month - 1,
            PeriodUnit::Quarter => year * 4 + (month - 1) / 3,
            PeriodUnit::Year => year,
        };
        // Every index of an in-range date fits an i32.
        Period {
            unit: self,
            index: i32::try_from(index).unwrap_or(0),
        }
    }

    /// The period of this unit that holds the date of a date or date-time
    /// cell, read by [`CivilDate::parse`] (a date-time with an offset is
    /// converted to UTC first; for the other rule, bucket
    /// [`CivilDate::parse_with`]).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidDate`] as [`CivilDate::parse`].
    ///
    /// ```
    /// use cxmetrics::PeriodUnit;
    ///
    /// assert_eq!(PeriodUnit::Month.bucket_cell("2026-03-31T23:30:00-05:00")?.to_string(), "2026-04");
    /// assert_eq!(PeriodUnit::Month.bucket_cell("2026-03-31 23:30:00")?.to_string(), "2026-03");
    /// assert!(PeriodUnit::Month.bucket_cell("31/03/2026").is_err());
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn bucket_cell(self, text: &str) -> Result<Period, Error> {
        CivilDate::parse(text).map(|d| self.bucket(d))
    }

    /// The period of this unit that holds the UTC date of a Unix time in
    /// seconds.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidDate`] as [`CivilDate::from_unix_seconds`].
    ///
    /// ```
    /// use cxmetrics::PeriodUnit;
    /// assert_eq!(PeriodUnit::Quarter.bucket_unix(1_773_480_764)?.to_string(), "2026-Q1");
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn bucket_unix(self, seconds: i64) -> Result<Period, Error> {
        CivilDate::from_unix_seconds(seconds).map(|d| self.bucket(d))
    }

    /// The unit's name: `day`, `iso_week`, `month`, `quarter` or `year`.
    fn name(self) -> &'static str {
        match self {
            PeriodUnit::Day => "day",
            PeriodUnit::IsoWeek => "iso_week",
            PeriodUnit::Month => "month",
            PeriodUnit::Quarter => "quarter",
            PeriodUnit::Year => "year",
        }
    }

    /// The smallest and largest index of this unit's periods (those whose
    /// first day is in range).
    fn bounds(self) -> (i64, i64) {
        match self {
            PeriodUnit::Day => (MIN_DAYS, MAX_DAYS),
            PeriodUnit::IsoWeek => (
                (MIN_DAYS - WEEK_ORIGIN).div_euclid(7),
                (MAX_DAYS - WEEK_ORIGIN).div_euclid(7),
            ),
            PeriodUnit::Month => (12, 9999 * 12 + 11),
            PeriodUnit::Quarter => (4, 9999 * 4 + 3),
            PeriodUnit::Year => (1, 9999),
        }
    }
}

impl fmt::Display for PeriodUnit {
    /// `day`, `iso_week`, `month`, `quarter` or `year`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.name())
    }
}

/// One bucket of time: a day, ISO week, month, quarter or year.
///
/// Periods of one unit order chronologically; periods of different units
/// order by unit (days first), then by time, so every set of periods has
/// one order. A period steps to its neighbours ([`next`](Period::next),
/// [`prev`](Period::prev), [`checked_add`](Period::checked_add)) and
/// enumerates a span ([`through`](Period::through)), so that a series can
/// show the periods no answer fell in.
///
/// `Display` and `FromStr` use `2026-03-14`, `2026-W11`, `2026-03`,
/// `2026-Q1` and `2026`, which name the unit too; with the `serde` feature
/// a period serializes as that text and is checked when read back.
///
/// ```
/// use cxmetrics::{Period, PeriodUnit};
///
/// let q = PeriodUnit::Quarter.bucket_cell("2026-05-20")?;
/// assert_eq!(q, Period::quarter(2026, 2)?);
/// assert_eq!(q.to_string(), "2026-Q2");
/// assert_eq!(q.first_day().to_string(), "2026-04-01");
/// assert_eq!(q.next().map(|p| p.to_string()), Some("2026-Q3".to_string()));
/// assert!(q < Period::year(2020)?); // quarters order before years
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    unit: PeriodUnit,
    /// Days since 1970-01-01, weeks since the week of 1970-01-01,
    /// `year × 12 + month − 1`, `year × 4 + quarter − 1`, or the year.
    index: i32,
}

impl Period {
    /// The period of a unit at an index, if the index is in range.
    fn at(unit: PeriodUnit, index: i64) -> Option<Period> {
        let (lo, hi) = unit.bounds();
        if !(lo..=hi).contains(&index) {
            return None;
        }
        Some(Period {
            unit,
            index: i32::try_from(index).ok()?,
        })
    }

    /// The day `date`, as a period.
    ///
    /// ```
    /// use cxmetrics::{CivilDate, Period};
    /// let d = CivilDate::new(2026, 3, 14)?;
    /// assert_eq!(Period::day(d).to_string(), "2026-03-14");
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn day(date: CivilDate) -> Period {
        PeriodUnit::Day.bucket(date)
    }

    /// ISO week `week` of week-year `year`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidDate`] unless the year is in 1..=9999 and the week
    /// in 1..=52, or 53 in a year that has 53 weeks.
    ///
    /// ```
    /// use cxmetrics::Period;
    /// assert_eq!(Period::iso_week(2020, 53)?.first_day().to_string(), "2020-12-28");
    /// assert!(Period::iso_week(2021, 53).is_err()); // 2021 has 52 weeks
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn iso_week(year: i32, week: u8) -> Result<Period, Error> {
        let bad = |reason| {
            invalid(
                "period",
                &format!("{year:04}-W{week:02}"),
                reason,
                PERIOD_FORMS,
            )
        };
        let year = i64::from(year);
        if !(1..=9999).contains(&year) {
            return Err(bad("the year is outside 0001..=9999"));
        }
        Self::week_of(year, i64::from(week)).map_err(bad)
    }

    /// Week `week` of an in-range week-year.
    fn week_of(year: i64, week: i64) -> Result<Period, &'static str> {
        if week < 1 || week > weeks_in(year) {
            return Err("the week is not 01..=52 (53 in a year of 53 weeks)");
        }
        let monday = week_one_monday(year) + (week - 1) * 7;
        Period::at(PeriodUnit::IsoWeek, (monday - WEEK_ORIGIN).div_euclid(7))
            .ok_or("the week is outside years 0001..=9999")
    }

    /// Month `month` (1..=12) of `year`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidDate`] unless the year is in 1..=9999 and the month
    /// in 1..=12.
    ///
    /// ```
    /// use cxmetrics::Period;
    /// assert_eq!(Period::month(2026, 3)?.to_string(), "2026-03");
    /// assert!(Period::month(2026, 13).is_err());
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn month(year: i32, month: u8) -> Result<Period, Error> {
        let (y, m) = (i64::from(year), i64::from(month));
        let checked = if !(1..=9999).contains(&y) {
            Err("the year is outside 0001..=9999")
        } else if !(1..=12).contains(&m) {
            Err("the month is not 01..=12")
        } else {
            Period::at(PeriodUnit::Month, y * 12 + m - 1).ok_or("the month is out of range")
        };
        checked.map_err(|reason| {
            invalid(
                "period",
                &format!("{year:04}-{month:02}"),
                reason,
                PERIOD_FORMS,
            )
        })
    }

    /// Quarter `quarter` (1..=4) of `year`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidDate`] unless the year is in 1..=9999 and the
    /// quarter in 1..=4.
    ///
    /// ```
    /// use cxmetrics::Period;
    /// assert_eq!(Period::quarter(2026, 4)?.first_day().to_string(), "2026-10-01");
    /// assert!(Period::quarter(2026, 5).is_err());
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn quarter(year: i32, quarter: u8) -> Result<Period, Error> {
        let (y, q) = (i64::from(year), i64::from(quarter));
        let checked = if !(1..=9999).contains(&y) {
            Err("the year is outside 0001..=9999")
        } else if !(1..=4).contains(&q) {
            Err("the quarter is not 1..=4")
        } else {
            Period::at(PeriodUnit::Quarter, y * 4 + q - 1).ok_or("the quarter is out of range")
        };
        checked.map_err(|reason| {
            invalid(
                "period",
                &format!("{year:04}-Q{quarter}"),
                reason,
                PERIOD_FORMS,
            )
        })
    }

    /// The calendar year `year`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidDate`] unless the year is in 1..=9999.
    ///
    /// ```
    /// use cxmetrics::Period;
    /// assert_eq!(Period::year(2026)?.first_day().to_string(), "2026-01-01");
    /// assert!(Period::year(10_000).is_err());
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn year(year: i32) -> Result<Period, Error> {
        Period::at(PeriodUnit::Year, i64::from(year)).ok_or_else(|| {
            invalid(
                "period",
                &format!("{year:04}"),
                "the year is outside 0001..=9999",
                PERIOD_FORMS,
            )
        })
    }

    /// The period's unit.
    ///
    /// ```
    /// use cxmetrics::{Period, PeriodUnit};
    /// assert_eq!(Period::month(2026, 3)?.unit(), PeriodUnit::Month);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn unit(self) -> PeriodUnit {
        self.unit
    }

    /// The period's first day: the day itself, the Monday of a week, the
    /// 1st of a month, of a quarter's first month, or January 1.
    ///
    /// ```
    /// use cxmetrics::Period;
    /// assert_eq!(Period::iso_week(2025, 1)?.first_day().to_string(), "2024-12-30");
    /// assert_eq!(Period::quarter(2026, 3)?.first_day().to_string(), "2026-07-01");
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn first_day(self) -> CivilDate {
        let i = i64::from(self.index);
        let (year, month) = match self.unit {
            PeriodUnit::Day => return CivilDate::from_days(i).unwrap_or(CivilDate::MIN),
            PeriodUnit::IsoWeek => {
                return CivilDate::from_days(i * 7 + WEEK_ORIGIN).unwrap_or(CivilDate::MIN);
            }
            PeriodUnit::Month => (i.div_euclid(12), i.rem_euclid(12) + 1),
            PeriodUnit::Quarter => (i.div_euclid(4), i.rem_euclid(4) * 3 + 1),
            PeriodUnit::Year => (i, 1),
        };
        // Every period's first day is in range (its index is checked).
        CivilDate::checked(year, month, 1).unwrap_or(CivilDate::MIN)
    }

    /// Whether `date` falls in this period.
    ///
    /// ```
    /// use cxmetrics::{CivilDate, Period};
    /// let w = Period::iso_week(2020, 53)?;
    /// assert!(w.contains(CivilDate::new(2021, 1, 3)?));
    /// assert!(!w.contains(CivilDate::new(2021, 1, 4)?));
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn contains(self, date: CivilDate) -> bool {
        self.unit.bucket(date) == self
    }

    /// The period `n` periods later (earlier if `n` is negative), or
    /// `None` past year 9999 or before year 1.
    ///
    /// ```
    /// use cxmetrics::Period;
    /// let m = Period::month(2026, 11)?;
    /// assert_eq!(m.checked_add(3), Some(Period::month(2027, 2)?));
    /// assert_eq!(m.checked_add(-11), Some(Period::month(2025, 12)?));
    /// assert_eq!(m.checked_add(i64::MAX), None);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn checked_add(self, n: i64) -> Option<Period> {
        Period::at(self.unit, i64::from(self.index).checked_add(n)?)
    }

    /// The next period, or `None` after the last one of year 9999.
    ///
    /// ```
    /// use cxmetrics::Period;
    /// assert_eq!(Period::iso_week(2020, 53)?.next(), Some(Period::iso_week(2021, 1)?));
    /// assert_eq!(Period::year(9999)?.next(), None);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn next(self) -> Option<Period> {
        self.checked_add(1)
    }

    /// The previous period, or `None` before the first one of year 1.
    ///
    /// ```
    /// use cxmetrics::Period;
    /// assert_eq!(Period::quarter(2026, 1)?.prev(), Some(Period::quarter(2025, 4)?));
    /// assert_eq!(Period::month(1, 1)?.prev(), None);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn prev(self) -> Option<Period> {
        self.checked_add(-1)
    }

    /// Every period from this one to `last`, both included, in order;
    /// empty if `last` comes before this one. Use it to lay a series out
    /// with the periods that have no data.
    ///
    /// # Errors
    ///
    /// [`Error::Incomparable`] if `last` is of another unit.
    ///
    /// ```
    /// use cxmetrics::Period;
    ///
    /// let weeks: Vec<String> = Period::iso_week(2020, 52)?
    ///     .through(Period::iso_week(2021, 2)?)?
    ///     .map(|w| w.to_string())
    ///     .collect();
    /// assert_eq!(weeks, ["2020-W52", "2020-W53", "2021-W01", "2021-W02"]);
    /// assert!(Period::year(2026)?.through(Period::month(2026, 1)?).is_err());
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn through(self, last: Period) -> Result<Periods, Error> {
        if self.unit != last.unit {
            return Err(Error::Incomparable {
                left: format!("{} {self}", self.unit),
                right: format!("{} {last}", last.unit),
            });
        }
        Ok(Periods {
            unit: self.unit,
            front: i64::from(self.index),
            back: i64::from(last.index),
        })
    }

    /// The label, as `Display` gives it.
    fn label(self) -> String {
        match self.unit {
            PeriodUnit::Day => self.first_day().to_string(),
            PeriodUnit::IsoWeek => {
                let (year, week) = self.first_day().iso_week();
                format!("{year:04}-W{week:02}")
            }
            PeriodUnit::Month => {
                let d = self.first_day();
                format!("{:04}-{:02}", d.year, d.month)
            }
            PeriodUnit::Quarter => {
                let d = self.first_day();
                format!("{:04}-Q{}", d.year, d.quarter())
            }
            PeriodUnit::Year => format!("{:04}", self.index),
        }
    }
}

impl fmt::Debug for Period {
    /// `Period(2026-W11)`: the label, which names the unit.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Period({})", self.label())
    }
}

impl fmt::Display for Period {
    /// `2026-03-14`, `2026-W11`, `2026-03`, `2026-Q1` or `2026`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.label())
    }
}

/// Reads a period label (cleaned), or why it is none.
fn parse_period(text: &str) -> Result<Period, &'static str> {
    if text.is_empty() {
        return Err("the text is empty");
    }
    let mut c = Cursor {
        bytes: text.as_bytes(),
        at: 0,
    };
    let year = read_year(&mut c)?;
    let period = if c.done() {
        Period::at(PeriodUnit::Year, year).ok_or("the year is outside 0001..=9999")?
    } else if c.eat(b"-").is_none() {
        return Err("the year is not followed by -");
    } else if c.eat(b"Ww").is_some() {
        let week = c
            .digits(2)
            .ok_or("the week is not two digits, as in 2026-W05")?;
        Period::week_of(year, week)?
    } else if c.eat(b"Qq").is_some() {
        let q = c.digits(1).ok_or("the quarter is not a digit 1..=4")?;
        if !(1..=4).contains(&q) {
            return Err("the quarter is not 1..=4");
        }
        Period::at(PeriodUnit::Quarter, year * 4 + q - 1).ok_or("the quarter is out of range")?
    } else {
        let month = c.digits(2).ok_or("the month is not two digits")?;
        if !(1..=12).contains(&month) {
            return Err("the month is not 01..=12");
        }
        if c.done() {
            Period::at(PeriodUnit::Month, year * 12 + month - 1)
                .ok_or("the month is out of range")?
        } else {
            let day = match (c.eat(b"-"), c.digits(2)) {
                (Some(_), Some(d)) => d,
                _ => return Err("the day is not -DD"),
            };
            Period::day(CivilDate::checked(year, month, day)?)
        }
    };
    if c.done() {
        Ok(period)
    } else {
        Err("unexpected text after the period")
    }
}

impl FromStr for Period {
    type Err = Error;

    /// Reads `2026-03-14` (a day), `2026-W11` (an ISO week), `2026-03` (a
    /// month), `2026-Q1` (a quarter) or `2026` (a year); surrounding white
    /// space and a leading byte-order mark are ignored, and `w` and `q`
    /// may be lower case.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidDate`] naming the text, what is wrong and the forms
    /// accepted.
    fn from_str(s: &str) -> Result<Period, Error> {
        parse_period(clean(s)).map_err(|reason| invalid("period", s, reason, PERIOD_FORMS))
    }
}

/// With the `serde` feature a date serializes as `"2026-03-14"`.
#[cfg(feature = "serde")]
impl serde::Serialize for CivilDate {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// A date is read back from `"YYYY-MM-DD"` (or any cell form
/// [`CivilDate::parse`] reads), and checked.
#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for CivilDate {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<CivilDate, D::Error> {
        let text = <String as serde::Deserialize>::deserialize(deserializer)?;
        CivilDate::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// With the `serde` feature a period serializes as its label,
/// `"2026-W11"`.
#[cfg(feature = "serde")]
impl serde::Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// A period is read back from its label, and checked.
#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Period {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Period, D::Error> {
        let text = <String as serde::Deserialize>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// The periods of a span, in order, from [`Period::through`]. It runs
/// from either end and knows its length.
///
/// ```
/// use cxmetrics::Period;
///
/// let span = Period::year(2024)?.through(Period::year(2026)?)?;
/// assert_eq!(span.len(), 3);
/// assert_eq!(span.rev().next(), Some(Period::year(2026)?));
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Periods {
    unit: PeriodUnit,
    /// The index of the next period from the front.
    front: i64,
    /// The index of the next period from the back (the span is empty when
    /// it is below `front`).
    back: i64,
}

impl Iterator for Periods {
    type Item = Period;

    fn next(&mut self) -> Option<Period> {
        if self.front > self.back {
            return None;
        }
        let p = Period::at(self.unit, self.front);
        self.front += 1;
        p
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = usize::try_from((self.back - self.front + 1).max(0)).unwrap_or(0);
        (n, Some(n))
    }
}

impl DoubleEndedIterator for Periods {
    fn next_back(&mut self) -> Option<Period> {
        if self.front > self.back {
            return None;
        }
        let p = Period::at(self.unit, self.back);
        self.back -= 1;
        p
    }
}

impl ExactSizeIterator for Periods {}

impl FusedIterator for Periods {}
