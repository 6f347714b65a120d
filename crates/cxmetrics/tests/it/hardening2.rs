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

/// B: sizes asked for are bounded: an error naming the limit, not an abort.
#[test]
fn finding_b_sizes_are_bounded_by_named_limits() {
    use cxmetrics::{GroupedTally, Sharded, Tally, Window};
    for groups in [1usize << 28, 1 << 40, usize::MAX, u32::MAX as usize] {
        match GroupedTally::with_groups(Scale::NPS, groups) {
            Err(Error::TooLarge { limit, .. }) => {
                assert_eq!(limit, GroupedTally::MAX_CELLS as u64);
            }
            other => panic!("{groups} groups: {other:?}"),
        }
    }
    let mut g = GroupedTally::new(Scale::NPS);
    assert!(matches!(g.resize(usize::MAX), Err(Error::TooLarge { .. })));
    assert!(GroupedTally::with_groups(Scale::NPS, GroupedTally::MAX_CELLS / 11).is_ok());
    let t = Tally::new(Scale::NPS);
    for k in [usize::MAX, 1 << 40, Window::<Tally>::MAX_PERIODS + 1] {
        assert!(
            matches!(Window::new(t.clone(), k), Err(Error::TooLarge { .. })),
            "{k}"
        );
    }
    assert!(Window::new(t.clone(), Window::<Tally>::MAX_PERIODS).is_ok());
    for shards in [usize::MAX, 1 << 40] {
        let s: Sharded<u8, Tally> = Sharded::new(t.clone(), shards);
        assert_eq!(s.shards(), Sharded::<u8, Tally>::MAX_SHARDS);
        assert!(matches!(
            Sharded::<u8, Tally>::try_new(t.clone(), shards),
            Err(Error::TooLarge { .. })
        ));
    }
}

/// C: a window moved across the whole range of i64 does not overflow.
#[test]
fn finding_c_window_spans_the_ends_of_i64() {
    use cxmetrics::{Tally, Window};
    let mut w = Window::new(Tally::new(Scale::NPS), 3).unwrap();
    w.get_mut(i64::MIN).unwrap().push_score(9u8).unwrap();
    let left = w.advance_to(i64::MAX).unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].0, i64::MIN);
    assert_eq!(w.latest(), Some(i64::MAX));
    assert!(w.advance_to(i64::MAX).unwrap().is_empty());
    w.get_mut(i64::MAX - 1).unwrap().push_score(10u8).unwrap();
    assert!(w.get_mut(i64::MIN).is_err());
    assert!(w.get(i64::MIN).is_none());
    assert!(w.take(i64::MIN).is_err());
    assert_eq!(w.total().unwrap().n(), 1);
    let mut w = Window::new(Tally::new(Scale::NPS), 3).unwrap();
    w.get_mut(i64::MAX).unwrap().push_score(9u8).unwrap();
    assert!(w.get_mut(i64::MIN).is_err());
    assert_eq!(w.periods().count(), 1);
}

/// H: an empty joint tally of two 1,001-point scales holds no cells, and
/// a sparse one serializes sparsely and reads back equal.
#[test]
fn finding_h_joint_tally_memory_and_serde_follow_content() {
    use cxmetrics::JointTally;
    let big = Scale::new(0, 1000, cxmetrics::Polarity::HigherIsBetter).unwrap();
    let mut t = JointTally::new(big, big);
    assert_eq!(t.cells().len(), 1001 * 1001);
    assert!(t.cells().all(|c| c.count == 0));
    #[cfg(feature = "serde")]
    {
        let empty = serde_json::to_string(&t).unwrap();
        assert!(empty.len() < 100_000, "{} bytes", empty.len());
        assert_eq!(serde_json::from_str::<JointTally>(&empty).unwrap(), t);
    }
    t.extend_scores(&[3u16, 999], &[7u16, 0]).unwrap();
    assert_eq!((t.count(3, 7), t.count(999, 0), t.count(0, 0)), (Some(1), Some(1), Some(0)));
    #[cfg(feature = "serde")]
    {
        let two = serde_json::to_string(&t).unwrap();
        assert!(two.len() < 100_000, "{} bytes", two.len());
        let back: JointTally = serde_json::from_str(&two).unwrap();
        assert_eq!(back, t);
        assert_eq!(back.x_tally().unwrap(), t.x_tally().unwrap());
        // A dense table stays dense and round-trips too.
        let small = JointTally::from_scores(Scale::CSAT_5, Scale::CSAT_5, &[1u8, 2, 3, 4, 5], &[5u8, 4, 3, 2, 1]).unwrap();
        let text = serde_json::to_string(&small).unwrap();
        assert_eq!(serde_json::from_str::<JointTally>(&text).unwrap(), small);
        // Indices out of order or past the table are refused.
        let bad = two.replacen("\"index\":[", "\"index\":[2000000,", 1);
        assert!(serde_json::from_str::<JointTally>(&bad).is_err());
    }
    // Empty vs. non-empty compare unequal, merging an empty table changes nothing.
    let mut e = JointTally::new(big, big);
    assert_ne!(e, t);
    e.merge(&t).unwrap();
    assert_eq!(e, t);
    e.merge(&JointTally::new(big, big)).unwrap();
    assert_eq!(e, t);
}

use cxmetrics::interval::{self, IntervalSpec, NpsMethod, ProportionMethod};
use cxmetrics::{ConfidenceLevel, Estimate, Nps, Tally};

fn weighted(scale: Scale, scores: &[u8], weights: &[f64]) -> Tally {
    let mut t = Tally::new(scale);
    t.extend_weighted_scores(scores, weights).unwrap();
    t
}

/// Runs `f` on another thread; fails if it takes more than `secs`.
fn within<T: Send + 'static>(secs: u64, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(std::time::Duration::from_secs(secs))
        .expect("did not return in time (hang)")
}

/// The sanity rule every estimate obeys.
fn assert_sane(e: &Estimate, range: (f64, f64)) {
    assert!(e.validate().is_ok(), "{e:?}: {:?}", e.validate());
    for x in [e.value, e.std_error, e.interval.lower, e.interval.upper, e.effective_n] {
        assert!(x.is_finite(), "{e:?}");
    }
    assert!(e.interval.lower <= e.interval.upper, "{e:?}");
    assert!(e.interval.lower >= range.0 && e.interval.upper <= range.1, "{e:?}");
}

/// A: the Bayes NPS interval of a weighted tally with one tiny weight
/// returns, and is sane.
#[test]
fn finding_a_bayes_with_tiny_weights_returns() {
    for (scores, weights) in [
        ([8u8, 9], [1.0, 1.4e-147]),
        ([8, 1], [1.0, 3.78e-124]),
        ([8, 9], [1.0, 5e-324]),
        ([9, 0], [1e-300, 1.0]),
    ] {
        let t = weighted(Scale::NPS, &scores, &weights);
        for variance in [cxmetrics::design::VarianceMethod::Linearized, cxmetrics::design::VarianceMethod::Kish] {
            let t = t.clone();
            let r = within(20, move || {
                let spec = IntervalSpec::new(ConfidenceLevel::P95).variance(variance);
                Nps::from_tally(&t).unwrap().estimate_with(NpsMethod::Bayes, spec)
            });
            if let Ok(e) = r {
                assert_sane(&e, (-100.0, 100.0));
            }
        }
    }
}
