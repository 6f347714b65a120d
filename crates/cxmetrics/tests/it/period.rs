//! Dates and periods: bucketing against Python's `datetime`
//! (`tests/data/gen_periods.py`), properties over the whole range, and
//! bad input as named errors.

use std::collections::BTreeSet;

use cxmetrics::{CivilDate, Error, OffsetRule, Period, PeriodUnit};
use proptest::prelude::*;
use serde_json::Value;

/// The generator's output.
fn table() -> Value {
    serde_json::from_str(include_str!("../data/periods.json")).unwrap()
}

fn text(v: &Value) -> &str {
    v.as_str().unwrap()
}

fn date(s: &str) -> CivilDate {
    CivilDate::parse(s).unwrap()
}

/// The labels of every unit's bucket of `d`.
fn labels(d: CivilDate) -> Vec<String> {
    PeriodUnit::ALL
        .iter()
        .map(|u| u.bucket(d).to_string())
        .collect()
}

/// Checks one row of the `dates` table: every bucket, its label, its first
/// day, and the label read back.
#[track_caller]
fn check_date_row(row: &[Value]) {
    let d = date(text(&row[0]));
    let at = text(&row[0]);
    assert_eq!(d.to_string(), at);
    assert_eq!(d.days_since_epoch(), row[1].as_i64().unwrap(), "{at}");
    assert_eq!(
        CivilDate::from_days_since_epoch(row[1].as_i64().unwrap()).unwrap(),
        d
    );
    assert_eq!(i64::from(d.iso_weekday()), row[2].as_i64().unwrap(), "{at}");
    let expected = [&row[3], &row[4], &row[6], &row[7], &row[9]].map(|v| text(v).to_string());
    assert_eq!(labels(d), expected, "{at}");
    let firsts = [
        text(&row[0]),
        text(&row[5]),
        &format!("{}-01", text(&row[6])),
        text(&row[8]),
        &format!("{}-01-01", text(&row[9])),
    ];
    for (unit, (label, first)) in PeriodUnit::ALL.iter().zip(expected.iter().zip(firsts)) {
        let p = unit.bucket(d);
        assert_eq!(p.unit(), *unit);
        assert_eq!(p.first_day().to_string(), first, "{at} {unit}");
        assert!(p.contains(d) && p.contains(p.first_day()));
        let read: Period = label.parse().unwrap();
        assert_eq!(read, p, "{label}");
    }
    let (wy, wk) = d.iso_week();
    assert_eq!(format!("{wy:04}-W{wk:02}"), text(&row[4]));
    assert_eq!(format!("{:04}-Q{}", d.year(), d.quarter()), text(&row[7]));
}

#[test]
fn buckets_agree_with_python_datetime() {
    let t = table();
    let rows = t["dates"].as_array().unwrap();
    assert!(rows.len() > 2000, "{}", rows.len());
    for row in rows {
        check_date_row(row.as_array().unwrap());
    }
    // The named ISO week-year boundaries are in the table.
    let have: BTreeSet<&str> = rows.iter().map(|r| text(&r[0])).collect();
    for d in [
        "2020-12-31",
        "2021-01-03",
        "2024-12-30",
        "1900-02-28",
        "2000-02-29",
        "2100-02-28",
        "2024-02-29",
        "0001-01-01",
        "9999-12-31",
    ] {
        assert!(have.contains(d), "{d}");
    }
}

#[test]
fn date_times_agree_with_python_datetime_under_both_offset_rules() {
    let t = table();
    let rows = t["date_times"].as_array().unwrap();
    assert!(rows.len() >= 1000);
    let mut crossed = 0;
    for row in rows {
        let (cell, local, utc) = (text(&row[0]), date(text(&row[1])), date(text(&row[2])));
        assert_eq!(CivilDate::parse(cell).unwrap(), utc, "{cell}");
        assert_eq!(
            CivilDate::parse_with(cell, OffsetRule::ConvertToUtc).unwrap(),
            utc
        );
        assert_eq!(
            CivilDate::parse_with(cell, OffsetRule::KeepLocalDate).unwrap(),
            local,
            "{cell}"
        );
        for unit in PeriodUnit::ALL {
            assert_eq!(unit.bucket_cell(cell).unwrap(), unit.bucket(utc), "{cell}");
        }
        crossed += usize::from(local != utc);
    }
    assert!(crossed > 100, "only {crossed} date-times change day in UTC");
}

#[test]
fn unix_seconds_agree_with_python_datetime() {
    let t = table();
    let rows = t["unix"].as_array().unwrap();
    assert!(rows.iter().any(|r| r[0].as_i64().unwrap() < 0));
    for row in rows {
        let (s, d) = (row[0].as_i64().unwrap(), date(text(&row[1])));
        assert_eq!(CivilDate::from_unix_seconds(s).unwrap(), d, "{s}");
        for unit in PeriodUnit::ALL {
            assert_eq!(unit.bucket_unix(s).unwrap(), unit.bucket(d));
        }
    }
}

#[test]
fn the_issue_examples() {
    let p = |u: PeriodUnit, s: &str| u.bucket_cell(s).unwrap().to_string();
    assert_eq!(p(PeriodUnit::Day, "2026-03-14"), "2026-03-14");
    assert_eq!(p(PeriodUnit::IsoWeek, "2026-03-14 09:12:44"), "2026-W11");
    assert_eq!(p(PeriodUnit::Month, "2026-03-14T09:12:44"), "2026-03");
    assert_eq!(p(PeriodUnit::Quarter, "2026-03-14T09:12:44Z"), "2026-Q1");
    assert_eq!(
        p(PeriodUnit::Year, "2026-03-14T09:12:44.123456789Z"),
        "2026"
    );
    assert_eq!(
        p(PeriodUnit::Day, "2026-03-14T23:30:00-05:00"),
        "2026-03-15"
    );
    assert_eq!(p(PeriodUnit::Day, "2026-03-14T23:30:00-0500"), "2026-03-15");
    assert_eq!(p(PeriodUnit::Day, "2026-03-14T23:30:00-05"), "2026-03-15");
    assert_eq!(p(PeriodUnit::Day, "2026-03-14 23:30-05:00"), "2026-03-15");
    assert_eq!(p(PeriodUnit::Year, "2026-12-31T23:30:00-01:00"), "2027");
    assert_eq!(p(PeriodUnit::Year, "2027-01-01T00:30:00+01:00"), "2026");
    // Spaces, a byte-order mark, lower-case t and z.
    assert_eq!(p(PeriodUnit::Day, "\u{feff}2026-03-14"), "2026-03-14");
    assert_eq!(
        p(PeriodUnit::Day, " \u{feff} 2026-03-14t01:00z\t"),
        "2026-03-14"
    );
    // A leap second stays on its day.
    assert_eq!(p(PeriodUnit::Day, "2016-12-31T23:59:60Z"), "2016-12-31");
    assert_eq!(
        p(PeriodUnit::Day, "2016-12-31T23:59:60.5+00:00"),
        "2016-12-31"
    );
    // A date-time without an offset is taken as written.
    assert_eq!(p(PeriodUnit::Day, "2026-03-14 23:59:59"), "2026-03-14");
}

#[test]
fn the_ends_of_the_range() {
    assert_eq!(CivilDate::MIN, CivilDate::new(1, 1, 1).unwrap());
    assert_eq!(CivilDate::MAX, CivilDate::new(9999, 12, 31).unwrap());
    assert_eq!(CivilDate::MIN.days_since_epoch(), -719_162);
    assert_eq!(CivilDate::MAX.days_since_epoch(), 2_932_896);
    assert!(CivilDate::from_days_since_epoch(-719_163).is_err());
    assert!(CivilDate::from_days_since_epoch(2_932_897).is_err());
    assert!(CivilDate::from_days_since_epoch(i64::MIN).is_err());
    assert_eq!(
        CivilDate::from_unix_seconds(-62_135_596_800).unwrap(),
        CivilDate::MIN
    );
    assert!(CivilDate::from_unix_seconds(-62_135_596_801).is_err());
    assert_eq!(
        CivilDate::from_unix_seconds(253_402_300_799).unwrap(),
        CivilDate::MAX
    );
    assert!(CivilDate::from_unix_seconds(253_402_300_800).is_err());
    assert!(CivilDate::from_unix_seconds(i64::MIN).is_err());
    // Offsets that carry a date out of range.
    assert!(CivilDate::parse("0001-01-01T00:30:00+01:00").is_err());
    assert!(CivilDate::parse("9999-12-31T23:30:00-01:00").is_err());
    assert_eq!(
        CivilDate::parse_with("0001-01-01T00:30:00+01:00", OffsetRule::KeepLocalDate).unwrap(),
        CivilDate::MIN
    );
    // The first and last period of every unit has no neighbour beyond.
    for unit in PeriodUnit::ALL {
        let first = unit.bucket(CivilDate::MIN);
        let last = unit.bucket(CivilDate::MAX);
        assert_eq!(first.prev(), None, "{unit}");
        assert_eq!(last.next(), None, "{unit}");
        assert_eq!(first.checked_add(i64::MIN), None);
        assert_eq!(last.checked_add(i64::MAX), None);
        assert_eq!(first.next().unwrap().prev(), Some(first));
        assert_eq!(last.prev().unwrap().next(), Some(last));
        let all = first.through(last).unwrap();
        let n = all.len();
        assert_eq!(all.clone().next_back(), Some(last));
        assert_eq!(all.clone().count(), n);
        assert_eq!(first.checked_add(i64::try_from(n).unwrap() - 1), Some(last));
    }
    assert_eq!(
        ["0001-01-01", "0001-W01", "0001-01", "0001-Q1", "0001"]
            .map(|s| s.parse::<Period>().unwrap()),
        PeriodUnit::ALL.map(|u| u.bucket(CivilDate::MIN))
    );
    assert_eq!(
        PeriodUnit::ALL.map(|u| u.bucket(CivilDate::MAX).to_string()),
        ["9999-12-31", "9999-W52", "9999-12", "9999-Q4", "9999"]
    );
}

#[test]
fn long_iso_years_have_week_53() {
    let long: Vec<i32> = (2000..=2040)
        .filter(|&y| Period::iso_week(y, 53).is_ok())
        .collect();
    assert_eq!(long, [2004, 2009, 2015, 2020, 2026, 2032, 2037]);
    assert!(Period::iso_week(2026, 54).is_err());
    assert!(Period::iso_week(2026, 0).is_err());
    assert!("2021-W53".parse::<Period>().is_err());
    assert_eq!(
        "2026-w53".parse::<Period>().unwrap(),
        Period::iso_week(2026, 53).unwrap()
    );
}

#[test]
fn a_span_shows_its_gaps_and_runs_both_ways() {
    let seen: BTreeSet<Period> = ["2026-01-30", "2026-02-03", "2026-04-15"]
        .iter()
        .map(|s| PeriodUnit::Month.bucket_cell(s).unwrap())
        .collect();
    let (first, last) = (*seen.first().unwrap(), *seen.last().unwrap());
    let span = first.through(last).unwrap();
    assert_eq!(span.len(), 4);
    let gaps: Vec<String> = span
        .filter(|p| !seen.contains(p))
        .map(|p| p.to_string())
        .collect();
    assert_eq!(gaps, ["2026-03"]);
    let back: Vec<Period> = first.through(last).unwrap().rev().collect();
    assert_eq!(back.first(), Some(&last));
    assert_eq!(last.through(first).unwrap().len(), 0);
    assert_eq!(last.through(first).unwrap().next(), None);
    assert_eq!(first.through(first).unwrap().collect::<Vec<_>>(), [first]);
    let mixed = first.through(Period::year(2026).unwrap()).unwrap_err();
    assert!(matches!(mixed, Error::Incomparable { .. }));
    assert_eq!(
        mixed.to_string(),
        "cannot compare month 2026-01 with year 2026"
    );
}

#[test]
fn periods_order_by_unit_then_time_and_pad_in_tables() {
    let mut v: Vec<Period> = [
        "2026",
        "2025-Q4",
        "2026-01",
        "2025-12-31",
        "2026-W01",
        "2025",
    ]
    .iter()
    .map(|s| s.parse().unwrap())
    .collect();
    v.sort();
    let s: Vec<String> = v.iter().map(ToString::to_string).collect();
    assert_eq!(
        s,
        [
            "2025-12-31",
            "2026-W01",
            "2026-01",
            "2025-Q4",
            "2025",
            "2026"
        ]
    );
    let m = Period::month(2026, 3).unwrap();
    assert_eq!(format!("[{m:>9}]"), "[  2026-03]");
    assert_eq!(format!("[{:<10}]", m.first_day()), "[2026-03-01]");
    assert_eq!(format!("{:>10}", PeriodUnit::Quarter), "   quarter");
    assert_eq!(format!("{m:?}"), "Period(2026-03)");
}

#[test]
fn bad_cells_are_named_errors() {
    let cases = [
        ("", "empty"),
        ("   ", "empty"),
        ("2026-13-01", "month"),
        ("2026-00-10", "month"),
        ("2026-02-30", "day"),
        ("2026-04-31", "day"),
        ("2026-01-00", "day"),
        ("2023-02-29", "leap year"),
        ("1900-02-29", "leap year"),
        ("2100-02-29", "leap year"),
        ("0000-01-01", "0000"),
        ("2026-03-14T24:00:00", "hour"),
        ("2026-03-14T23:60:00", "minute"),
        ("2026-03-14T23:59:61", "second"),
        ("2026-03-14T09:12:44+25:00", "offset"),
        ("2026-03-14T09:12:44+05:60", "offset"),
        ("2026-03-14T09:12:44+5:00", "offset"),
        ("2026-03-14T09:12:44+05:", "offset"),
        ("2026-03-14T09:12:44.", "fraction"),
        ("2026-03-14T09:12:44Z junk", "unexpected text"),
        ("2026-03-14 junk", "time"),
        ("2026-03-14x", "unexpected text"),
        ("2026-03-14T", "time"),
        ("2026-03-14T9:12", "time"),
        ("2026-03-14  09:12", "time"),
        ("2026-3-14", "YYYY-MM-DD"),
        ("26-03-14", "four-digit year"),
        ("14/03/2026", "four-digit year"),
        ("March 14, 2026", "four-digit year"),
        ("1773480764", "YYYY-MM-DD"),
        ("+2026-03-14", "four-digit year"),
        ("２０２６-03-14", "four-digit year"),
        ("2026-03-14T09:12:44 UTC", "unexpected text"),
    ];
    for (cell, reason) in cases {
        let err = CivilDate::parse(cell).unwrap_err();
        let Error::InvalidDate {
            what,
            text,
            reason: why,
            expected,
        } = &err
        else {
            panic!("{cell:?}: {err:?}");
        };
        assert_eq!(*what, "date");
        assert_eq!(text, cell);
        assert!(why.contains(reason), "{cell:?}: {why}");
        assert!(expected.contains("YYYY-MM-DD") && expected.contains("±hh:mm"));
        let msg = err.to_string();
        assert!(msg.contains(&format!("{cell:?}")), "{msg}");
        for unit in PeriodUnit::ALL {
            assert_eq!(unit.bucket_cell(cell).unwrap_err(), err);
        }
    }
    let long = "x".repeat(100);
    let Error::InvalidDate { text, .. } = CivilDate::parse(&long).unwrap_err() else {
        panic!()
    };
    assert_eq!(text.chars().count(), 41);
    assert_eq!(
        CivilDate::parse("2026-02-30").unwrap_err().to_string(),
        "date \"2026-02-30\" rejected: the day is not within its month; expected a date \
         YYYY-MM-DD, optionally followed by T or a space and hh:mm[:ss[.fff]], then \
         optionally Z, ±hh:mm, ±hhmm or ±hh, with a year in 0001..=9999"
    );
}

#[test]
fn bad_parts_and_labels_are_named_errors() {
    for (err, needles) in [
        (CivilDate::new(2026, 13, 1), ["2026-13-01", "month"]),
        (CivilDate::new(2023, 2, 29), ["2023-02-29", "leap year"]),
        (CivilDate::new(0, 1, 1), ["0000-01-01", "year"]),
        (CivilDate::new(10_000, 1, 1), ["10000-01-01", "year"]),
        (CivilDate::new(-5, 1, 1), ["-005-01-01", "year"]),
    ] {
        let msg = err.unwrap_err().to_string();
        assert!(needles.iter().all(|n| msg.contains(n)), "{msg}");
    }
    for (err, needles) in [
        (Period::month(2026, 0), ["2026-00", "month"]),
        (Period::month(0, 1), ["0000-01", "year"]),
        (Period::quarter(2026, 5), ["2026-Q5", "quarter"]),
        (Period::quarter(10_000, 1), ["10000-Q1", "year"]),
        (Period::iso_week(2021, 53), ["2021-W53", "week"]),
        (Period::iso_week(0, 1), ["0000-W01", "year"]),
        (Period::year(0), ["0000", "year"]),
        (Period::year(i32::MIN), ["-2147483648", "year"]),
    ] {
        let msg = err.unwrap_err().to_string();
        assert!(needles.iter().all(|n| msg.contains(n)), "{msg}");
        assert!(msg.starts_with("period "), "{msg}");
    }
    for label in [
        "",
        "2026-",
        "2026-Q0",
        "2026-Q5",
        "2026-Q12",
        "2026-W1",
        "2026-W00",
        "2026-13",
        "2026-3",
        "2026-03-",
        "2026-02-30",
        "2026-03-14T00:00",
        "26",
        "20261",
        "2026-X1",
        "2026/03",
        "0000",
        "2026-03-14Z",
        "10000",
    ] {
        let Err(Error::InvalidDate { what, expected, .. }) = label.parse::<Period>() else {
            panic!("{label:?} was read");
        };
        assert_eq!(what, "period");
        assert!(expected.contains("YYYY-Www"));
    }
    assert_eq!(
        " 2026 ".parse::<Period>().unwrap(),
        Period::year(2026).unwrap()
    );
    assert_eq!(
        "2026-q3".parse::<Period>().unwrap(),
        Period::quarter(2026, 3).unwrap()
    );
    let msg = CivilDate::from_unix_seconds(i64::MAX)
        .unwrap_err()
        .to_string();
    assert!(msg.contains("Unix time \"9223372036854775807\"") && msg.contains("253402300799"));
    let msg = CivilDate::from_days_since_epoch(-800_000)
        .unwrap_err()
        .to_string();
    assert!(msg.contains("day number \"-800000\""), "{msg}");
}

#[cfg(feature = "serde")]
#[test]
fn serde_writes_labels_and_checks_them_on_the_way_back() {
    let p = Period::iso_week(2020, 53).unwrap();
    assert_eq!(serde_json::to_string(&p).unwrap(), r#""2020-W53""#);
    assert_eq!(serde_json::from_str::<Period>(r#""2020-W53""#).unwrap(), p);
    let e = serde_json::from_str::<Period>(r#""2021-W53""#).unwrap_err();
    assert!(e.to_string().contains("2021-W53"), "{e}");
    assert!(serde_json::from_str::<Period>("2026").is_err());
    let d = CivilDate::new(2024, 2, 29).unwrap();
    assert_eq!(serde_json::to_string(&d).unwrap(), r#""2024-02-29""#);
    assert_eq!(
        serde_json::from_str::<CivilDate>(r#""2024-02-29""#).unwrap(),
        d
    );
    assert!(serde_json::from_str::<CivilDate>(r#""2023-02-29""#).is_err());
    assert_eq!(
        serde_json::to_string(&PeriodUnit::IsoWeek).unwrap(),
        r#""iso_week""#
    );
    assert_eq!(
        serde_json::from_str::<OffsetRule>(r#""keep_local_date""#).unwrap(),
        OffsetRule::KeepLocalDate
    );
    let all: Vec<Period> = PeriodUnit::ALL.iter().map(|u| u.bucket(d)).collect();
    let json = serde_json::to_string(&all).unwrap();
    assert_eq!(
        json,
        r#"["2024-02-29","2024-W09","2024-02","2024-Q1","2024"]"#
    );
    assert_eq!(serde_json::from_str::<Vec<Period>>(&json).unwrap(), all);
}

/// Any date in range, as a day number.
fn any_days() -> impl Strategy<Value = i64> {
    -719_162i64..=2_932_896
}

fn any_unit() -> impl Strategy<Value = PeriodUnit> {
    prop::sample::select(PeriodUnit::ALL.to_vec())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn days_round_trip_over_the_whole_range(days in any_days()) {
        let d = CivilDate::from_days_since_epoch(days).unwrap();
        prop_assert_eq!(d.days_since_epoch(), days);
        prop_assert_eq!(CivilDate::new(d.year(), d.month(), d.day()).unwrap(), d);
        prop_assert_eq!(d.to_string().parse::<CivilDate>().unwrap(), d);
        let next = CivilDate::from_days_since_epoch(days + 1);
        if let Ok(n) = next {
            prop_assert!(n > d);
            prop_assert_eq!(n.iso_weekday() % 7, (d.iso_weekday() + 1) % 7);
        }
        let (wy, wk) = d.iso_week();
        prop_assert!((1..=53).contains(&wk));
        prop_assert!((wy - d.year()).abs() <= 1);
        prop_assert_eq!(Period::iso_week(wy, wk).unwrap(), PeriodUnit::IsoWeek.bucket(d));
        // Unix seconds of any time of the day give the day.
        let secs = days * 86_400;
        prop_assert_eq!(CivilDate::from_unix_seconds(secs).unwrap(), d);
        prop_assert_eq!(CivilDate::from_unix_seconds(secs + 86_399).unwrap(), d);
    }

    #[test]
    fn parts_are_valid_exactly_when_the_calendar_says(y in -3i32..10_003, m in 0u8..=14, day in 0u8..=32) {
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        let len = match m {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        let ok = (1..=9999).contains(&y) && (1..=12).contains(&m) && day >= 1 && day <= len;
        prop_assert_eq!(CivilDate::new(y, m, day).is_ok(), ok);
        prop_assert_eq!(CivilDate::parse(&format!("{y:04}-{m:02}-{day:02}")).is_ok(), ok);
    }

    #[test]
    fn periods_round_trip_step_and_order_like_their_first_days(
        a in any_days(), b in any_days(), unit in any_unit(), n in -5000i64..5000,
    ) {
        let (da, db) = (
            CivilDate::from_days_since_epoch(a).unwrap(),
            CivilDate::from_days_since_epoch(b).unwrap(),
        );
        let (pa, pb) = (unit.bucket(da), unit.bucket(db));
        prop_assert_eq!(pa.to_string().parse::<Period>().unwrap(), pa);
        prop_assert_eq!(unit.bucket(pa.first_day()), pa);
        prop_assert!(pa.first_day() <= da);
        if let Some(next) = pa.next() {
            prop_assert_eq!(next.prev(), Some(pa));
            prop_assert!(next > pa);
            prop_assert!(next.first_day() > da);
            // The day before the next period's first day is in this one.
            let last = CivilDate::from_days_since_epoch(next.first_day().days_since_epoch() - 1).unwrap();
            prop_assert!(pa.contains(last));
        }
        if let Some(prev) = pa.prev() {
            prop_assert_eq!(prev.next(), Some(pa));
        }
        if let Some(q) = pa.checked_add(n) {
            prop_assert_eq!(q.checked_add(-n), Some(pa));
            prop_assert_eq!(q.cmp(&pa), n.cmp(&0));
        }
        prop_assert_eq!(pa.cmp(&pb), pa.first_day().cmp(&pb.first_day()));
        if da <= db {
            prop_assert!(pa <= pb);
        }
        // A span holds every period between, in order, each once.
        let (lo, hi) = (pa.min(pb), pa.max(pb));
        if unit != PeriodUnit::Day || (b - a).abs() < 20_000 {
            let span: Vec<Period> = lo.through(hi).unwrap().collect();
            prop_assert_eq!(span.first(), Some(&lo));
            prop_assert_eq!(span.last(), Some(&hi));
            prop_assert!(span.windows(2).all(|w| w[0].next() == Some(w[1])));
        }
    }

    #[test]
    fn date_times_with_offsets_match_unix_seconds(
        days in -719_000i64..2_932_000, secs in 0i64..86_400, off_min in -1439i64..=1439,
    ) {
        let d = CivilDate::from_days_since_epoch(days).unwrap();
        let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
        let sign = if off_min < 0 { '-' } else { '+' };
        let (oh, om) = (off_min.abs() / 60, off_min.abs() % 60);
        let cell = format!("{d}T{h:02}:{m:02}:{s:02}{sign}{oh:02}:{om:02}");
        let unix = days * 86_400 + secs - off_min * 60;
        prop_assert_eq!(CivilDate::parse(&cell).unwrap(), CivilDate::from_unix_seconds(unix).unwrap());
        prop_assert_eq!(CivilDate::parse_with(&cell, OffsetRule::KeepLocalDate).unwrap(), d);
        let compact = format!("{d} {h:02}:{m:02}:{s:02}.999{sign}{oh:02}{om:02}");
        prop_assert_eq!(CivilDate::parse(&compact).unwrap(), CivilDate::parse(&cell).unwrap());
    }

    #[test]
    fn no_text_panics(s in any::<String>(), dateish in "[0-9TtZz:+\\-., WQwq\u{feff}]{0,32}", secs in any::<i64>(), n in any::<i64>()) {
        for text in [&s, &dateish] {
            if let Ok(d) = CivilDate::parse(text) {
                prop_assert!(CivilDate::MIN <= d && d <= CivilDate::MAX);
            }
            let _ = CivilDate::parse_with(text, OffsetRule::KeepLocalDate);
            if let Ok(p) = text.parse::<Period>() {
                prop_assert_eq!(p.to_string().parse::<Period>().unwrap(), p);
            }
            for unit in PeriodUnit::ALL {
                let _ = unit.bucket_cell(text);
            }
        }
        let ok = (-62_135_596_800..=253_402_300_799).contains(&secs);
        prop_assert_eq!(CivilDate::from_unix_seconds(secs).is_ok(), ok);
        prop_assert_eq!(CivilDate::from_days_since_epoch(secs).is_ok(), (-719_162..=2_932_896).contains(&secs));
        for unit in PeriodUnit::ALL {
            prop_assert_eq!(unit.bucket_unix(secs).is_ok(), ok);
            let p = unit.bucket(CivilDate::MIN);
            let _ = p.checked_add(n);
            let _ = unit.bucket(CivilDate::MAX).checked_add(n);
        }
    }
}
