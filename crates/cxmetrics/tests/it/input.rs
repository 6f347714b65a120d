//! Text ingestion: cells, tokens, labels, and the ingest report.

use cxmetrics::input::{
    CellParser, DEFAULT_NOT_APPLICABLE, IngestReport, RejectCause, parse_weight,
};
use cxmetrics::{Error, Response, Scale, Segmented, Tally, Weight};

fn point(r: Result<Response, Error>) -> i32 {
    r.unwrap().rating().unwrap().value()
}

fn cause(r: Result<Response, Error>) -> RejectCause {
    match r {
        Err(Error::InvalidCell { cause, .. }) => cause,
        other => panic!("expected InvalidCell, got {other:?}"),
    }
}

#[test]
fn every_default_not_applicable_token_is_read_with_or_without_spaces() {
    assert_eq!(DEFAULT_NOT_APPLICABLE, ["", "N/A", "n/a", "NA", "-"]);
    for token in [
        "", "N/A", "n/a", "NA", "-", "   ", " N/A ", "\tn/a", "NA  ", " - ",
    ] {
        assert_eq!(
            Scale::NPS.parse(token).unwrap(),
            Response::NotApplicable,
            "{token:?}"
        );
        assert_eq!(
            Scale::CSAT_5.parse(token).unwrap(),
            Response::NotApplicable,
            "{token:?}"
        );
    }
    // Tokens are compared case-insensitively (0.3): "na" and "N/a" are
    // "NA" and "N/A"; other text is not a token.
    for text in ["na", "N/a", "n/A"] {
        assert_eq!(Scale::NPS.parse(text).unwrap(), Response::NotApplicable);
    }
    for text in ["none", "--"] {
        assert_eq!(
            cause(Scale::NPS.parse(text)),
            RejectCause::NotANumber,
            "{text:?}"
        );
    }
}

#[test]
fn numbers_with_spaces_and_integral_decimals() {
    for (text, expected) in [
        ("0", 0),
        ("10", 10),
        (" 9 ", 9),
        ("9.0", 9),
        (" 9.00\t", 9),
        ("-0", 0),
        ("-0.0", 0),
    ] {
        assert_eq!(point(Scale::NPS.parse(text)), expected, "{text:?}");
    }
    for text in ["11", "-1", "99999999999999999999"] {
        assert_eq!(
            cause(Scale::NPS.parse(text)),
            RejectCause::OutOfRange,
            "{text:?}"
        );
    }
    for text in ["9.5", "0.1", " 7.25 "] {
        assert_eq!(
            cause(Scale::NPS.parse(text)),
            RejectCause::NotWhole,
            "{text:?}"
        );
    }
    for text in [
        "abc", "inf", "NaN", "infinity", "-inf", "1.2.3", "9 0", "nine", "1e400", "+", "e", "+7",
        "7.", "1e1", "1.1e1", "1e300",
    ] {
        assert_eq!(
            cause(Scale::NPS.parse(text)),
            RejectCause::NotANumber,
            "{text:?}"
        );
    }
}

#[test]
fn errors_name_the_cell_and_what_is_allowed() {
    let msg = Scale::NPS.parse("abc").unwrap_err().to_string();
    assert!(!msg.contains("invalid float literal"), "{msg}");
    assert_eq!(
        msg,
        r#"cell "abc" rejected (not a number): expected a whole number in 0..=10 or not applicable ("", "N/A", "n/a", "NA", "-")"#
    );
    let msg = Scale::CSAT_5.parse(" 6 ").unwrap_err().to_string();
    assert!(
        msg.starts_with(r#"cell " 6 " rejected (out of range): expected a whole number in 1..=5"#),
        "{msg}"
    );
    let long = "x".repeat(100);
    let msg = Scale::NPS.parse(&long).unwrap_err().to_string();
    assert!(msg.contains(&format!("\"{}…\"", "x".repeat(40))), "{msg}");
    let msg = CellParser::new(Scale::CSAT_5)
        .labels([("Satisfied", 4), ("Very satisfied", 5)])
        .unwrap()
        .not_applicable(Vec::<String>::new())
        .parse("great")
        .unwrap_err()
        .to_string();
    assert_eq!(
        msg,
        r#"cell "great" rejected (not a number): expected a whole number in 1..=5, a label ("Satisfied" = 4, "Very satisfied" = 5)"#
    );
}

#[test]
fn labelled_scales_are_case_insensitive() {
    let csat = CellParser::new(Scale::CSAT_5)
        .labels([
            ("Very dissatisfied", 1),
            ("Dissatisfied", 2),
            ("Neither satisfied nor dissatisfied", 3),
            ("Satisfied", 4),
            ("Very satisfied", 5),
        ])
        .unwrap();
    for (text, expected) in [
        ("Very satisfied", 5),
        ("very satisfied", 5),
        ("  VERY SATISFIED ", 5),
        ("Satisfied", 4),
        ("dissatisfied", 2),
        ("Neither satisfied nor dissatisfied", 3),
        ("Very Dissatisfied", 1),
        ("3", 3),
        ("4.0", 4),
    ] {
        assert_eq!(point(csat.parse(text)), expected, "{text:?}");
    }
    assert_eq!(csat.parse("N/A").unwrap(), Response::NotApplicable);
    assert_eq!(
        cause(csat.parse("Very very satisfied")),
        RejectCause::NotANumber
    );
    // Non-ASCII labels fold case too.
    let fr = CellParser::new(Scale::CSAT_5)
        .label("Très satisfait", 5)
        .unwrap();
    assert_eq!(point(fr.parse("TRÈS SATISFAIT")), 5);
    // A label off the scale is refused when it is defined; a repeated
    // label keeps its last point.
    assert!(matches!(
        CellParser::new(Scale::CSAT_5).label("Ecstatic", 6),
        Err(Error::ScoreOutOfRange { score: 6, .. })
    ));
    let p = CellParser::new(Scale::CSAT_5)
        .label("ok", 3)
        .unwrap()
        .label("OK", 4)
        .unwrap();
    assert_eq!(point(p.parse("ok")), 4);
    // Lower-is-better scales read labels the same way.
    let ces = CellParser::new(Scale::CES_5)
        .labels([("Very easy", 1), ("Very difficult", 5)])
        .unwrap();
    assert_eq!(point(ces.parse("very easy")), 1);
}

#[test]
fn custom_not_applicable_tokens_replace_the_defaults() {
    let p = CellParser::new(Scale::NPS).not_applicable(["", "Don't know", " skip "]);
    assert_eq!(p.parse("Don't know").unwrap(), Response::NotApplicable);
    assert_eq!(p.parse("skip").unwrap(), Response::NotApplicable);
    assert_eq!(p.parse("  ").unwrap(), Response::NotApplicable);
    assert_eq!(cause(p.parse("N/A")), RejectCause::NotANumber);
    let strict = CellParser::new(Scale::NPS).not_applicable(Vec::<&str>::new());
    assert_eq!(cause(strict.parse("")), RejectCause::NotANumber);
}

#[test]
fn weights_are_read_and_checked() {
    assert_eq!(parse_weight(" 2.5 ").unwrap(), Weight::new(2.5).unwrap());
    assert_eq!(parse_weight("0").unwrap(), Weight::new(0.0).unwrap());
    assert_eq!(parse_weight("3").unwrap(), Weight::new(3.0).unwrap());
    for bad in ["", "-1", "inf", "NaN", "heavy", "1e400", "N/A"] {
        assert!(
            matches!(
                parse_weight(bad),
                Err(Error::InvalidCell {
                    cause: RejectCause::BadWeight,
                    ..
                })
            ),
            "{bad:?}"
        );
    }
    let p = CellParser::new(Scale::NPS);
    let r = p.parse_weighted(" 10 ", "0.5").unwrap();
    assert_eq!(
        r,
        Response::weighted(Scale::NPS.rating(10).unwrap(), Weight::new(0.5).unwrap())
    );
    // A not-applicable answer needs no weight; a bad score is reported
    // before a bad weight.
    assert_eq!(p.parse_weighted("", "").unwrap(), Response::NotApplicable);
    assert_eq!(cause(p.parse_weighted("12", "x")), RejectCause::OutOfRange);
}

#[test]
fn all_or_nothing_batches_name_the_first_bad_cell() {
    let p = CellParser::new(Scale::CSAT_5);
    let answers = p.parse_all(["5", " 4 ", "N/A", "1.0"]).unwrap();
    let t = Tally::from_responses(Scale::CSAT_5, answers).unwrap();
    assert_eq!(t, {
        let mut e = Tally::from_counts(Scale::CSAT_5, &[1, 0, 0, 1, 1]).unwrap();
        e.push_not_applicable().unwrap();
        e
    });
    match p.parse_all(["5", "4", "six", "7"]) {
        Err(Error::InvalidBatchItem { index: 2, error }) => {
            assert!(matches!(
                *error,
                Error::InvalidCell {
                    cause: RejectCause::NotANumber,
                    ..
                }
            ));
        }
        other => panic!("{other:?}"),
    }
}

/// A dirty column: the expected counts are written out row by row.
#[test]
fn the_ingest_report_counts_every_row_of_a_dirty_batch() {
    let cells = [
        "10",   // 0 accepted
        " 9 ",  // 1 accepted
        "",     // 2 n/a
        "N/A",  // 3 n/a
        "abc",  // 4 not a number
        "11",   // 5 out of range
        "7.5",  // 6 not whole
        "8.0",  // 7 accepted
        "-",    // 8 n/a
        "-3",   // 9 out of range
        "inf",  // 10 not a number
        "n/a",  // 11 n/a
        "NA",   // 12 n/a
        "12",   // 13 out of range
        "20",   // 14 out of range
        "100",  // 15 out of range
        "1000", // 16 out of range
        "0",    // 17 accepted
        "ten",  // 18 not a number
    ];
    let (answers, report) = CellParser::new(Scale::NPS).parse_lenient(cells);
    assert_eq!(report.accepted(), 4);
    assert_eq!(report.not_applicable(), 5);
    assert_eq!(report.rejected(), 10);
    assert_eq!(report.total(), cells.len() as u64);
    assert_eq!(report.rejected_for(RejectCause::OutOfRange), 6);
    assert_eq!(
        report.rows_rejected_for(RejectCause::OutOfRange),
        [5, 9, 13, 14, 15]
    );
    assert_eq!(report.rejected_for(RejectCause::NotANumber), 3);
    assert_eq!(
        report.rows_rejected_for(RejectCause::NotANumber),
        [4, 10, 18]
    );
    assert_eq!(report.rejected_for(RejectCause::NotWhole), 1);
    assert_eq!(report.rows_rejected_for(RejectCause::NotWhole), [6]);
    assert_eq!(report.rejected_for(RejectCause::BadWeight), 0);
    assert!(report.rejections()[0].first_error.contains(r#"cell "11""#));
    let t = Tally::from_responses(Scale::NPS, answers).unwrap();
    assert_eq!((t.n(), t.not_applicable()), (4, 5));
    assert_eq!(t.counts(), [1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1]);
    assert_eq!(
        report.to_string(),
        "19 rows: 4 accepted, 5 not applicable, 10 rejected (out of range: 6 at rows 5, 9, 13, 14, 15, …; \
         not a whole number: 1 at row 6; not a number: 3 at rows 4, 10, 18)"
    );
}

#[test]
fn reports_record_keyed_weighted_rows_and_merge() {
    let rows = [
        ("web", "10", "1.0"),
        ("app", "N/A", ""),
        ("web", "7", "-2"),
        ("app", "abc", "1"),
        ("app", "6", "NaN"),
        ("web", "9", " 2 "),
    ];
    let p = CellParser::new(Scale::NPS);
    let mut report = IngestReport::new();
    let mut seg = Segmented::new(Scale::NPS);
    for (row, (key, cell, w)) in rows.into_iter().enumerate() {
        if let Some(a) = report.record(row + 2, p.parse_weighted(cell, w)) {
            seg.push(key, a).unwrap();
        }
    }
    assert_eq!(
        (
            report.accepted(),
            report.not_applicable(),
            report.rejected()
        ),
        (2, 1, 3)
    );
    assert_eq!(report.rows_rejected_for(RejectCause::BadWeight), [4, 6]);
    assert_eq!(report.rows_rejected_for(RejectCause::NotANumber), [5]);
    assert_eq!(seg.get(&"web").unwrap().n(), 2);
    assert_eq!(seg.get(&"web").unwrap().total_weight(), Ok(3.0));
    assert_eq!(seg.get(&"app").unwrap().not_applicable(), 1);
    // Errors from the numeric path are classified too.
    assert!(
        report
            .record(99, Scale::NPS.rating(7.5).map(Response::rated))
            .is_none()
    );
    assert_eq!(report.rejected_for(RejectCause::NotWhole), 1);
    assert!(
        report
            .record(100, Scale::NPS.rating(f64::NAN).map(Response::rated))
            .is_none()
    );
    assert!(
        report
            .record(
                101,
                Err(Error::ScaleMismatch {
                    expected: format!("{:#}", Scale::NPS),
                    actual: format!("{:#}", Scale::CSAT_5)
                })
            )
            .is_none()
    );
    assert_eq!(report.rejected_for(RejectCause::Other), 1);
    assert_eq!(report.total(), 9);
    // Merging adds every count and keeps the first rows.
    let (_, other) = p.parse_lenient(["x", "y", "z", "w", "v", "u", "1"]);
    let mut merged = report.clone();
    merged.merge(&other).unwrap();
    assert_eq!(merged.total(), report.total() + 7);
    assert_eq!(merged.rejected_for(RejectCause::NotANumber), 8);
    assert_eq!(
        merged.rows_rejected_for(RejectCause::NotANumber),
        [5, 100, 0, 1, 2]
    );
}

#[cfg(feature = "serde")]
#[test]
fn reports_round_trip_through_json() {
    let (_, report) = CellParser::new(Scale::NPS).parse_lenient(["1", "x", "", "11"]);
    let v = serde_json::to_value(&report).unwrap();
    assert_eq!(v["accepted"], 1);
    assert_eq!(v["rejections"][0]["cause"], "out_of_range");
    assert_eq!(
        serde_json::from_value::<IngestReport>(v.clone()).unwrap(),
        report
    );
    // Broken reports are refused.
    let mut repeated = v.clone();
    let first = repeated["rejections"][0].clone();
    repeated["rejections"].as_array_mut().unwrap().push(first);
    assert!(serde_json::from_value::<IngestReport>(repeated).is_err());
    let mut too_many_rows = v.clone();
    too_many_rows["rejections"][0]["first_rows"] = serde_json::json!([1, 2]);
    assert!(serde_json::from_value::<IngestReport>(too_many_rows).is_err());
    let mut overflow = v;
    overflow["accepted"] = serde_json::json!(u64::MAX);
    assert!(serde_json::from_value::<IngestReport>(overflow).is_err());
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Any text: never a panic; a rated answer only for a whole number
        /// on the scale, written as such; every error is an InvalidCell
        /// that quotes the cell.
        #[test]
        fn any_text_is_read_or_refused_clearly(text in ".{0,12}|[ +\\-0-9.eE]{0,8}") {
            let bare = text.trim().strip_prefix('\u{feff}').map_or(text.trim(), str::trim);
            match Scale::CSAT_5.parse(&text) {
                Ok(Response::NotApplicable) => {
                    // Tokens match case-insensitively.
                    prop_assert!(DEFAULT_NOT_APPLICABLE.iter().any(|t| t.eq_ignore_ascii_case(bare)));
                }
                Ok(Response::Rated { rating, weight }) => {
                    // A number, or "N - label": the number before a separator.
                    let t = bare;
                    let x: f64 = t.parse().unwrap_or_else(|_| {
                        let end = t
                            .char_indices()
                            .find(|&(i, c)| !(c.is_ascii_digit() || (i == 0 && c == '-')))
                            .map_or(t.len(), |(i, _)| i);
                        let rest = t[end..].trim_start();
                        assert!(rest.starts_with(['-', '\u{2013}', '=', ':']), "{t:?}");
                        t[..end].parse().unwrap()
                    });
                    prop_assert_eq!(x, f64::from(rating.value()));
                    prop_assert_eq!(weight, Weight::ONE);
                }
                Err(Error::InvalidCell { cell, allowed, .. }) => {
                    prop_assert!(text.starts_with(cell.trim_end_matches('…')));
                    prop_assert!(allowed.contains("1..=5"));
                }
                Err(other) => prop_assert!(false, "unexpected error {other:?}"),
            }
        }

        /// Every point, written every usual way, reads back as itself.
        #[test]
        fn points_round_trip_through_text(p in 0i32..=10, pad in "[ \t]{0,3}", style in 0usize..4) {
            let text = match style {
                0 => p.to_string(),
                1 => format!("{p}.0"),
                2 => format!("{p}.00"),
                _ => format!("{p}.000"),
            };
            let cell = format!("{pad}{text}{pad}");
            prop_assert_eq!(point(Scale::NPS.parse(&cell)), p);
        }

        /// The report accounts for every cell, whatever the mix.
        #[test]
        fn reports_count_every_cell(cells in prop::collection::vec(".{0,4}|[0-9]{1,2}", 0..60)) {
            let (answers, report) = CellParser::new(Scale::NPS).parse_lenient(&cells);
            prop_assert_eq!(report.total(), cells.len() as u64);
            prop_assert_eq!(answers.len() as u64, report.accepted() + report.not_applicable());
            let by_cause: u64 = report.rejections().iter().map(|r| r.count).sum();
            prop_assert_eq!(by_cause, report.rejected());
            for r in report.rejections() {
                prop_assert!(r.first_rows.len() as u64 == r.count.min(5));
                for &row in &r.first_rows {
                    prop_assert_eq!(RejectCause::of(&Scale::NPS.parse(&cells[row]).unwrap_err()), r.cause);
                }
            }
        }
    }
}
