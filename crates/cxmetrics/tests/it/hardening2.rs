//! Regression tests for issue 21 (hardening, round 2): one per finding of
//! the re-audit (A–H), each with the repro from the issue, plus the "sane,
//! not just finite" rule and the memory bounds.

use cxmetrics::input::{CellParser, RejectCause};
use cxmetrics::{Error, Response, Scale};

fn cause(r: Result<Response, Error>) -> RejectCause {
    match r {
        Err(Error::InvalidCell { cause, .. }) => cause,
        other => panic!("expected InvalidCell, got {other:?}"),
    }
}

/// G: the cell grammar is plain decimals: no exponent, no '+', no trailing
/// point, no value that only rounds to a point.
#[test]
fn finding_g_cells_reject_exponents_signs_and_rounding() {
    for text in ["1e1", "+5", "10.", "1e-400", ".5", "5e0", "1E1"] {
        assert_eq!(
            cause(Scale::NPS.parse(text)),
            RejectCause::NotANumber,
            "{text:?}"
        );
    }
    for text in ["4.9999999999999999", "9.0000000000000001", "0.00000000000000001"] {
        assert_eq!(
            cause(Scale::NPS.parse(text)),
            RejectCause::NotWhole,
            "{text:?}"
        );
    }
    for (text, point) in [("9.000", 9), ("-0", 0), ("10", 10), (" 7 ", 7)] {
        let r = Scale::NPS.parse(text).unwrap();
        assert_eq!(r.rating().map(|r| r.value()), Some(point), "{text:?}");
    }
}

/// G: "na" (any case) is a default not-applicable token.
#[test]
fn finding_g_na_in_any_case_is_not_applicable() {
    for text in ["na", "Na", "nA", "N/a", " n/A "] {
        assert_eq!(
            Scale::NPS.parse(text).unwrap(),
            Response::NotApplicable,
            "{text:?}"
        );
    }
}

/// G: a label no cell could be read as is an error.
#[test]
fn finding_g_labels_that_are_numbers_or_tokens_are_refused() {
    for label in ["5", " 5 ", "-1", "9.0", "N/A", "na", ""] {
        assert!(
            matches!(
                CellParser::new(Scale::CSAT_5).label(label, 1),
                Err(Error::InvalidLabel { .. })
            ),
            "{label:?}"
        );
    }
    let p = CellParser::new(Scale::CSAT_5)
        .not_applicable(["skip"])
        .label("N/A", 1)
        .unwrap();
    assert_eq!(p.parse("n/a").unwrap().rating().map(|r| r.value()), Some(1));
    assert!(CellParser::new(Scale::CSAT_5).not_applicable(["skip"]).label("SKIP", 1).is_err());
}

/// G: a byte-order mark at the start of a cell is dropped.
#[test]
fn finding_g_leading_bom_is_stripped() {
    let r = Scale::NPS.parse("\u{feff}5").unwrap();
    assert_eq!(r.rating().map(|r| r.value()), Some(5));
    assert_eq!(Scale::NPS.parse("\u{feff}").unwrap(), Response::NotApplicable);
    assert_eq!(Scale::NPS.parse("\u{feff}N/A").unwrap(), Response::NotApplicable);
}
