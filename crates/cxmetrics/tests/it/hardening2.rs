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
    for text in [
        "4.9999999999999999",
        "9.0000000000000001",
        "0.00000000000000001",
    ] {
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
    assert!(
        CellParser::new(Scale::CSAT_5)
            .not_applicable(["skip"])
            .label("SKIP", 1)
            .is_err()
    );
}

/// G: a byte-order mark at the start of a cell is dropped.
#[test]
fn finding_g_leading_bom_is_stripped() {
    let r = Scale::NPS.parse("\u{feff}5").unwrap();
    assert_eq!(r.rating().map(|r| r.value()), Some(5));
    assert_eq!(
        Scale::NPS.parse("\u{feff}").unwrap(),
        Response::NotApplicable
    );
    assert_eq!(
        Scale::NPS.parse("\u{feff}N/A").unwrap(),
        Response::NotApplicable
    );
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
    assert_eq!(
        (t.count(3, 7), t.count(999, 0), t.count(0, 0)),
        (Some(1), Some(1), Some(0))
    );
    #[cfg(feature = "serde")]
    {
        let two = serde_json::to_string(&t).unwrap();
        assert!(two.len() < 100_000, "{} bytes", two.len());
        let back: JointTally = serde_json::from_str(&two).unwrap();
        assert_eq!(back, t);
        assert_eq!(back.x_tally().unwrap(), t.x_tally().unwrap());
        // A dense table stays dense and round-trips too.
        let small = JointTally::from_scores(
            Scale::CSAT_5,
            Scale::CSAT_5,
            &[1u8, 2, 3, 4, 5],
            &[5u8, 4, 3, 2, 1],
        )
        .unwrap();
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
    for x in [
        e.value,
        e.std_error,
        e.interval.lower,
        e.interval.upper,
        e.effective_n,
    ] {
        assert!(x.is_finite(), "{e:?}");
    }
    assert!(e.interval.lower <= e.interval.upper, "{e:?}");
    assert!(
        e.interval.lower >= range.0 && e.interval.upper <= range.1,
        "{e:?}"
    );
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
        for variance in [
            cxmetrics::design::VarianceMethod::Linearized,
            cxmetrics::design::VarianceMethod::Kish,
        ] {
            let t = t.clone();
            let r = within(20, move || {
                let spec = IntervalSpec::new(ConfidenceLevel::P95).variance(variance);
                Nps::from_tally(&t)
                    .unwrap()
                    .estimate_with(NpsMethod::Bayes, spec)
            });
            if let Ok(e) = r {
                assert_sane(&e, (-100.0, 100.0));
            }
        }
    }
}

/// E: Tango on tallies from a GroupedTally: every `Ok` is sane.
#[test]
fn finding_e_tango_on_grouped_tallies_is_sane() {
    use cxmetrics::GroupedTally;
    for (scores, weights) in [
        (vec![9u8, 0, 7], vec![1.0, 2.0, 0.5]),
        (vec![10u8, 10], vec![1.0, 1.0]),
        (vec![10u8], vec![3.0]),
        (vec![0u8, 10], vec![1e-300, 1e300]),
        (vec![9u8, 9, 0], vec![0.0, 1.0, 0.0]),
    ] {
        let mut g = GroupedTally::with_groups(Scale::NPS, 2).unwrap();
        let ids = vec![1u32; scores.len()];
        g.extend_weighted_scores(&ids, &scores, &weights).unwrap();
        let t = g.tally(1).unwrap();
        for v in [
            cxmetrics::design::VarianceMethod::Kish,
            cxmetrics::design::VarianceMethod::Linearized,
        ] {
            let r = Nps::from_tally(&t).unwrap().estimate_with(
                NpsMethod::Tango,
                IntervalSpec::new(ConfidenceLevel::P95).variance(v),
            );
            if let Ok(e) = r {
                assert_sane(&e, (-100.0, 100.0));
            }
        }
        let mut u = Tally::new(Scale::NPS);
        u.extend_weighted_scores(&scores, &weights).unwrap();
        assert_eq!(u, t);
    }
}

/// C: the hypergeometric interval at populations near u64::MAX does not
/// overflow; D: at large N it converges to Clopper–Pearson, ordered and
/// containing the share.
#[test]
fn finding_c_d_hypergeometric_at_huge_populations() {
    let level = ConfidenceLevel::P95;
    let cp = interval::proportion(3, 10, ProportionMethod::ClopperPearson, level).unwrap();
    for big_n in [
        1_000_000_000_000u64,
        1_000_000_000_000_000,
        1 << 50,
        1 << 62,
        u64::MAX - 1,
        u64::MAX,
    ] {
        let spec = IntervalSpec::new(level).population(big_n);
        let e = interval::proportion(3, 10, ProportionMethod::Hypergeometric, spec).unwrap();
        assert_sane(&e, (0.0, 1.0));
        assert!(e.interval.contains(0.3), "{big_n}: {e:?}");
        assert!(
            (e.interval.lower - cp.interval.lower).abs() < 1e-6
                && (e.interval.upper - cp.interval.upper).abs() < 1e-6,
            "{big_n}: {:?} vs Clopper-Pearson {:?}",
            e.interval,
            cp.interval
        );
        let one = interval::proportion(1, 2, ProportionMethod::Hypergeometric, spec).unwrap();
        assert_sane(&one, (0.0, 1.0));
    }
    // Exact arithmetic still at moderate N: 3 of 10 from 10^6 within 1e-5
    // of Clopper-Pearson (FPC of 10 in 10^6).
    let spec = IntervalSpec::new(level).population(1_000_000);
    let e = interval::proportion(3, 10, ProportionMethod::Hypergeometric, spec).unwrap();
    assert!((e.interval.lower - cp.interval.lower).abs() < 1e-4, "{e:?}");
}

/// D: Bayes NPS at n ≥ 2^53 is ordered and near the score.
#[test]
fn finding_d_bayes_nps_at_huge_counts() {
    let level = IntervalSpec::new(ConfidenceLevel::P95);
    for (p, a, d, score) in [
        (1u64 << 52, 0, 1 << 52, 0.0),
        (0, 0, 1 << 60, -100.0),
        (3, u64::MAX - 9, 0, 0.0),
        (1 << 53, 1 << 53, 0, 50.0),
    ] {
        let e = interval::nps(p, a, d, NpsMethod::Bayes, level).unwrap();
        assert_sane(&e, (-100.0, 100.0));
        assert!(
            (e.interval.lower - score).abs() < 1e-3 && (e.interval.upper - score).abs() < 1e-3,
            "({p}, {a}, {d}): {e:?}"
        );
    }
}

/// D: an interval that misses its estimate by an ulp reaches it (census,
/// Kish, weights (15, 1)).
#[test]
fn finding_d_census_interval_contains_its_estimate() {
    use cxmetrics::TopBox;
    let t = weighted(Scale::CSAT_5, &[5, 1], &[15.0, 1.0]);
    for m in [ProportionMethod::Wald, ProportionMethod::Wilson] {
        let spec = IntervalSpec::new(ConfidenceLevel::P95)
            .population(2)
            .variance(cxmetrics::design::VarianceMethod::Kish);
        let e = TopBox::top(&t, 2).unwrap().estimate_with(m, spec).unwrap();
        assert!(e.interval.contains(e.value), "{e:?}");
        assert_sane(&e, (0.0, 1.0));
    }
}

/// D: weights all equal (other than 1) give exactly what weights of 1 give.
#[test]
fn finding_d_equal_weights_are_unweighted() {
    let scores = [10u8, 9, 9, 8, 7, 6, 5, 3, 0, 10];
    let ones = weighted(Scale::NPS, &scores, &[1.0; 10]);
    for w in [2.0, 0.1, 1e-200, 1e200, 3.0] {
        let t = weighted(Scale::NPS, &scores, &[w; 10]);
        for m in [
            NpsMethod::Wald,
            NpsMethod::AdjustedWald,
            NpsMethod::TrinomialT,
            NpsMethod::Tango,
            NpsMethod::Bayes,
        ] {
            let a = Nps::from_tally(&ones)
                .unwrap()
                .estimate_with(m, ConfidenceLevel::P95)
                .unwrap();
            let b = Nps::from_tally(&t)
                .unwrap()
                .estimate_with(m, ConfidenceLevel::P95)
                .unwrap();
            for (x, y) in [
                (a.interval.lower, b.interval.lower),
                (a.interval.upper, b.interval.upper),
                (a.value, b.value),
            ] {
                assert!(
                    (x - y).abs() <= 1e-9 * x.abs().max(1.0),
                    "weight {w} {m:?}: {a:?} vs {b:?}"
                );
            }
        }
        // One answer: the same result (or the same error) at any weight.
        let one = weighted(Scale::NPS, &[9], &[1.0]);
        let heavy = weighted(Scale::NPS, &[9], &[w]);
        for m in [
            NpsMethod::Wald,
            NpsMethod::AdjustedWald,
            NpsMethod::TrinomialT,
        ] {
            let a = Nps::from_tally(&one)
                .unwrap()
                .estimate_with(m, ConfidenceLevel::P95);
            let b = Nps::from_tally(&heavy)
                .unwrap()
                .estimate_with(m, ConfidenceLevel::P95);
            assert_eq!(a.is_ok(), b.is_ok(), "weight {w} {m:?}: {a:?} vs {b:?}");
        }
    }
}

/// D: t quantiles monotone in p at huge df.
#[test]
fn finding_d_t_quantile_monotone_at_huge_df() {
    use cxmetrics::dist::t_quantile;
    for df in [1.65e40, 1e5, 1e20, 1e300] {
        let mut last = f64::NEG_INFINITY;
        for i in 1..2000 {
            let p = f64::from(i) / 2000.0;
            let t = t_quantile(p, df).unwrap();
            assert!(t >= last, "df {df}: t({p}) = {t} < {last}");
            last = t;
        }
    }
}

/// E: one-sample tests whose statistic is infinite, and other non-finite
/// results, are named errors, never `Ok(inf)`.
#[test]
fn finding_e_non_finite_results_are_errors() {
    use cxmetrics::{Mean, TopBox, one_sample};
    let level = ConfidenceLevel::P95;
    let r = one_sample::nps(&Nps::from_counts(1, 0, 0).unwrap(), -100.0, level);
    assert!(matches!(r, Err(Error::NotRepresentable { .. })), "{r:?}");
    let t = Tally::from_counts(Scale::CSAT_5, &[1, 0, 0, 1, 1]).unwrap();
    for target in [1e-300, 5e-324, 0.0, 1.0] {
        if let Ok(c) = one_sample::share(&TopBox::top(&t, 2).unwrap(), target, level) {
            assert!(c.validate().is_ok(), "{c:?}");
        }
    }
    for target in [1.7e308, -1.7e308, 1e300] {
        if let Ok(c) = one_sample::mean(&Mean::from_tally(&t).unwrap(), target, level) {
            assert!(c.validate().is_ok(), "{c:?}");
        }
    }
    // A huge population correction: Jeffreys and Clopper-Pearson are a
    // named error or sane, never NaN bounds.
    for m in [ProportionMethod::Jeffreys, ProportionMethod::ClopperPearson] {
        let spec =
            IntervalSpec::new(ConfidenceLevel::new(0.99).unwrap()).population((1 << 26) + 38);
        match interval::proportion(1, 1 << 26, m, spec) {
            Ok(e) => assert_sane(&e, (0.0, 1.0)),
            Err(e) => assert!(
                matches!(
                    e,
                    Error::NotRepresentable { .. } | Error::InvalidArgument { .. }
                ),
                "{e:?}"
            ),
        }
    }
    // Weighted Pearson with one weight swamping the other: 0/0.
    let j = cxmetrics::JointTally::from_weighted_scores(
        Scale::CSAT_5,
        Scale::CSAT_5,
        &[1u8, 2],
        &[1u8, 2],
        &[1e300, 1e-300],
    )
    .unwrap();
    let r = cxmetrics::association::weighted_pearson(&j, level);
    assert!(r.as_ref().map_or(true, |a| a.value.is_finite()), "{r:?}");
    assert!(r.is_err());
    // Design effects never infinite: weights [1, 1, 1, 1, 1e-300].
    let t = weighted(
        Scale::CSAT_5,
        &[5, 4, 2, 1, 3],
        &[1.0, 1.0, 1.0, 1.0, 1e-300],
    );
    let e = TopBox::top(&t, 2).unwrap().estimate(level).unwrap();
    assert_sane(&e, (0.0, 1.0));
    if let Some(d) = e.design {
        assert!(d.design_effective_n.is_none_or(f64::is_finite), "{d:?}");
    }
}

/// E: raking and post-stratification to totals near the ends of f64 are
/// errors naming the limit; raking that settles with a margin far off is
/// not converged.
#[test]
fn finding_e_raking_and_post_stratification_totals() {
    use cxmetrics::design::{RakeOptions, post_stratify, rake};
    use cxmetrics::segment::Score;
    let mut pairs: cxmetrics::Segmented<(u8, u8)> = cxmetrics::Segmented::new(Scale::CSAT_5);
    pairs
        .extend_scores(
            &[(0, 0), (0, 1), (0, 1), (1, 0), (1, 1)],
            &[5u8, 4, 2, 3, 1],
        )
        .unwrap();
    for scale in [5e307, 1e308, 3.2e-312] {
        let margins = [
            [(0, 0.3 * scale), (1, 0.7 * scale)],
            [(0, 0.6 * scale), (1, 0.4 * scale)],
        ];
        for options in [RakeOptions::default(), RakeOptions::r_compatible()] {
            match rake(&pairs, &margins, options) {
                Err(Error::InvalidArgument { .. } | Error::InvalidPopulationTotal { .. }) => {}
                Ok(r) => {
                    for score in [Score::Mean, Score::top_box(2)] {
                        if let Ok(e) = r.estimate(score, ConfidenceLevel::P95) {
                            assert_sane(&e, (0.0, 5.0));
                        }
                    }
                }
                Err(e) => panic!("{scale}: {e:?}"),
            }
        }
    }
    let mut cells = cxmetrics::Segmented::new(Scale::CSAT_5);
    cells
        .extend_scores(&["a", "b", "a", "b"], &[5u8, 2, 4, 1])
        .unwrap();
    for (ta, tb) in [(1e308, 1e308), (4e307, 4e307), (1.6e-312, 1.6e-312)] {
        let r = post_stratify(&cells, [("a", ta), ("b", tb)]);
        assert!(
            matches!(
                r,
                Err(Error::InvalidArgument { .. } | Error::InvalidPopulationTotal { .. })
            ),
            "{ta}: {r:?}"
        );
    }
    // Structural zeros: cell (1, 1) empty makes the margins unreachable.
    let mut zeros: cxmetrics::Segmented<(u8, u8)> = cxmetrics::Segmented::new(Scale::CSAT_5);
    zeros
        .extend_scores(&[(0, 0), (0, 1), (1, 0)], &[5u8, 4, 2])
        .unwrap();
    let margins = [[(0, 100.0), (1, 900.0)], [(0, 100.0), (1, 900.0)]];
    if let Ok(r) = rake(&zeros, &margins, RakeOptions::r_compatible()) {
        let (_, off) = r.margin_error();
        assert!(
            !(r.converged() && off > 1.0),
            "converged with a margin off by {off}"
        );
    }
}

/// F: deserialized results are checked; `Mean` round-trips.
#[cfg(feature = "serde")]
#[test]
fn finding_f_deserialized_results_are_validated() {
    use cxmetrics::compare::{self, Comparison};
    use cxmetrics::plan::SampleSize;
    use cxmetrics::segment::{Score, SegmentScore};
    use cxmetrics::{Interval, Mean};
    use serde_json::{Value, json};
    // Mean round trip with its offset.
    let t = weighted(Scale::CSAT_5, &[5, 1, 2], &[0.1, 0.7, 1.3]);
    let m = Mean::from_tally(&t).unwrap();
    let back: Mean = serde_json::from_str(&serde_json::to_string(&m).unwrap()).unwrap();
    assert_eq!(back, m);
    // Estimates.
    let e = Nps::from_counts(45, 30, 25)
        .unwrap()
        .estimate_with(NpsMethod::Wald, ConfidenceLevel::P95)
        .unwrap();
    let v = serde_json::to_value(e).unwrap();
    assert_eq!(serde_json::from_value::<Estimate>(v.clone()).unwrap(), e);
    for (path, bad) in [
        ("/interval/lower", json!(50.0)),
        ("/value", json!(1e300)),
        ("/value", json!(60.0)),
        ("/std_error", json!(-1.0)),
        ("/effective_n", json!(1e9)),
        ("/unit", json!("share")),
    ] {
        let mut b = v.clone();
        *b.pointer_mut(path).unwrap() = bad;
        assert!(serde_json::from_value::<Estimate>(b).is_err(), "{path}");
    }
    assert!(serde_json::from_value::<Interval>(json!({"lower": 2.0, "upper": 1.0})).is_err());
    // Comparisons.
    let c = compare::nps(
        &Nps::from_counts(45, 30, 25).unwrap(),
        &Nps::from_counts(38, 35, 27).unwrap(),
        ConfidenceLevel::P95,
    )
    .unwrap();
    let v = serde_json::to_value(c).unwrap();
    assert_eq!(serde_json::from_value::<Comparison>(v.clone()).unwrap(), c);
    for p in [7.0, -1.0] {
        let mut b = v.clone();
        b["p_value"] = json!(p);
        assert!(serde_json::from_value::<Comparison>(b).is_err(), "p {p}");
    }
    // Sample sizes.
    assert!(serde_json::from_value::<SampleSize>(json!({"n": -5.0, "n_ceil": 0})).is_err());
    assert!(serde_json::from_value::<SampleSize>(json!({"n": 5.5, "n_ceil": 6})).is_ok());
    // Segment scores: n must be the estimate's.
    let mut s = cxmetrics::Segmented::new(Scale::NPS);
    s.extend_scores(&[1u8, 1], &[10u8, 0]).unwrap();
    let row = &s.scores(Score::nps(), ConfidenceLevel::P95, 1)[0];
    let mut v: Value = serde_json::to_value(row).unwrap();
    assert!(serde_json::from_value::<SegmentScore<u8>>(v.clone()).is_ok());
    v["n"] = json!(7);
    assert!(serde_json::from_value::<SegmentScore<u8>>(v).is_err());
    // A Scale nested in a Tally with an unknown field.
    let text = r#"{"scale":{"lowest":1,"highest":5,"polarity":"higher_is_better","colour":"red"},"counts":[1,0,0,0,0],"weights":[1,0,0,0,0],"weights_squared":[1,0,0,0,0],"not_applicable":0}"#;
    assert!(serde_json::from_str::<Tally>(text).is_err());
}

// Findings of the fuzz targets `complex` and `live` (issue 21, "fuzz
// targets for every public surface"); each crashing input is kept in
// fuzz/artifacts/<target>/ and replayed by fuzz_replay.rs.

/// A JK1 design over four respondents whose weights are all `w`, replicate
/// r dropping respondent r.
fn jk1_with_weights(w: f64) -> cxmetrics::complex::ReplicateDesign {
    use cxmetrics::complex::{ReplicateDesign, ReplicateKind};
    let mut d =
        ReplicateDesign::with_r_defaults(Scale::CSAT_5, ReplicateKind::Jk1, 3, false).unwrap();
    for (i, s) in [5u8, 4, 2, 1].into_iter().enumerate() {
        let rw: Vec<f64> = (0..3).map(|r| if r == i { 0.0 } else { w }).collect();
        d.push(s, w, &rw, 0).unwrap();
    }
    d
}

/// complex: the Gram matrix of replicate weights of 1e200 overflowed (its
/// entries became inf and NaN): the rank, and so `df`, came out 0, and
/// the serialized design (NaN as null) did not read back. Weights of
/// 1e-300 underflowed the same way. Columns now keep a power-of-two scale.
#[test]
fn fuzz_complex_replicate_gram_with_huge_or_tiny_weights() {
    use cxmetrics::complex::{PointValues, Statistic};
    let plain = jk1_with_weights(1.0);
    assert_eq!((plain.rank(None), plain.df(None)), (3, 2));
    let top2 = PointValues::new(Scale::CSAT_5, Statistic::TopBox(2)).unwrap();
    let reference = plain.estimate(&top2, None).unwrap();
    for w in [1e200, 1e-300, f64::MAX / 4.0, 5e-324] {
        let d = jk1_with_weights(w);
        assert_eq!((d.rank(None), d.df(None)), (3, 2), "weights {w}");
        let e = d.estimate(&top2, None).unwrap();
        assert_eq!(e.df, reference.df, "weights {w}");
        assert!(
            (e.estimate - reference.estimate).abs() < 1e-12,
            "weights {w}"
        );
        // Merging halves gives the same rank.
        let mut twice = d.clone();
        twice.merge(&d).unwrap();
        assert_eq!(twice.rank(None), 3, "weights {w}");
    }
    #[cfg(feature = "serde")]
    for w in [1.0, 1e200, 1e-300] {
        let d = jk1_with_weights(w);
        let text = serde_json::to_string(&d).unwrap();
        assert!(!text.contains("null"), "{text}");
        let back: cxmetrics::complex::ReplicateDesign = serde_json::from_str(&text).unwrap();
        assert_eq!(back, d);
        assert_eq!(back.df(None), 2);
        // A payload of 0.3.0 and before (no exponents) still reads; one with
        // exponents no double has is refused.
        let at = text.find(",\"exponents\":[").unwrap();
        let end = at + text[at..].find(']').unwrap() + 1;
        let old = format!("{}{}", &text[..at], &text[end..]);
        let read: cxmetrics::complex::ReplicateDesign = serde_json::from_str(&old).unwrap();
        if w == 1.0 {
            assert_eq!(read.df(None), 2);
        }
        let hostile = format!(
            "{}{}{}",
            &text[..at],
            ",\"exponents\":[-2147483648,0,2147483647]",
            &text[end..]
        );
        assert!(serde_json::from_str::<cxmetrics::complex::ReplicateDesign>(&hostile).is_err());
    }
}

/// complex: a logit interval at a tiny level came out as the single point
/// expit(logit p), an ulp off p; it now reaches p, as it does exactly.
#[test]
fn fuzz_complex_logit_interval_contains_its_estimate() {
    use cxmetrics::complex::{DesignEstimate, IntervalMethod, ValueKind};
    let e = DesignEstimate {
        estimate: 0.007782101167315175,
        std_error: 0.015443080137473695,
        df: 1,
        df_full: 1,
        n: 2,
        n_positive: 2,
        deff_replace: None,
        deff_srs: None,
        degenerate: false,
        kind: ValueKind::Share,
        range: (0.0, 1.0),
    };
    for level in [1e-300, 1e-17, 1e-12, 0.5, 0.95] {
        let b = e.interval(IntervalMethod::Logit, level).unwrap();
        assert!(
            b.lower <= e.estimate && e.estimate <= b.upper,
            "level {level}: {b:?}"
        );
    }
}

/// complex: custom point values near f64::MAX gave an `Ok` estimate with
/// an infinite standard error (and differences of inf); such results are
/// now `NotRepresentable` errors, in every kind of design.
#[test]
fn fuzz_complex_overflowing_point_values_are_errors() {
    use cxmetrics::complex::{
        DesignKey, PointValues, ReplicateDesign, ReplicateKind, SurveyDesign,
    };
    let v = PointValues::custom(Scale::CSAT_5, &[-1e308, 1e308, 0.0, 0.0, 0.0]).unwrap();
    let mut d = SurveyDesign::new(Scale::CSAT_5);
    for (s, w, domain) in [
        (1u8, 1.0, 0),
        (2, 1.0, 0),
        (1, 2.0, 1),
        (2, 1.0, 1),
        (2, 1.0, 2),
    ] {
        d.push(s, w, DesignKey::new().domain(domain)).unwrap();
    }
    let not_representable = |r: Result<(), Error>| {
        assert!(matches!(r, Err(Error::NotRepresentable { .. })), "{r:?}");
    };
    not_representable(d.estimate(&v, None).map(drop));
    not_representable(d.difference(&v, 2, 1, 0.95).map(drop));
    let mut r =
        ReplicateDesign::with_r_defaults(Scale::CSAT_5, ReplicateKind::Jk1, 2, false).unwrap();
    r.push(1u8, 1.0, &[0.0, 2.0], 0).unwrap();
    r.push(2u8, 1.0, &[2.0, 0.0], 0).unwrap();
    assert!(r.estimate(&v, None).is_err());
    // Values of an ordinary size still estimate.
    let mean = PointValues::custom(Scale::CSAT_5, &[1.0, 2.0, 3.0, 4.0, 5.0]).unwrap();
    let e = d.estimate(&mean, None).unwrap();
    assert!(e.std_error.is_finite() && e.estimate >= 1.0 && e.estimate <= 5.0);
}

/// live (sequential): on a range of 1e-154 the mSPRT difference squared
/// the range into the subnormals: its log-likelihood ratio was NaN and its
/// confidence sequence a single point. The test is now computed on the
/// unit range: the p-value and the interval (relative to the range) are
/// those of the same data on [0, 1]; a range whose τ² is no positive f64
/// is an error.
#[test]
fn fuzz_sequential_difference_on_a_tiny_range() {
    use cxmetrics::sequential::{self, BoundedSample, SequenceMethod, SequenceSpec};
    let spec = SequenceSpec::new(ConfidenceLevel::P95, 100.0).unwrap();
    let on = |range: f64| {
        let a = BoundedSample::from_counts(&[0.0, range], &[10, 5], 0.0, range).unwrap();
        let b = BoundedSample::from_counts(&[0.0, range], &[3, 9], 0.0, range).unwrap();
        (a, b)
    };
    let (a, b) = on(1.0);
    let unit = sequential::difference(&a, &b, &spec).unwrap();
    for range in [1e-154, 1e-100, 1e150] {
        let (a, b) = on(range);
        let d = sequential::difference(&a, &b, &spec).unwrap();
        assert!(d.log_likelihood_ratio.is_finite(), "{d:?}");
        assert!(d.tau2 > 0.0 && d.tau2.is_finite(), "{d:?}");
        assert!((d.p_value - unit.p_value).abs() < 1e-12, "{range}: {d:?}");
        assert!(d.interval.upper > d.interval.lower, "{range}: {d:?}");
        assert!((d.interval.upper / range - unit.interval.upper).abs() < 1e-12);
        // The asymptotic sequence does not collapse either.
        let cs = sequential::mean(&a, &spec.method(SequenceMethod::Asymptotic)).unwrap();
        assert!(cs.interval.upper > cs.interval.lower, "{range}: {cs:?}");
    }
    let (a, b) = on(1e-200);
    assert!(matches!(
        sequential::difference(&a, &b, &spec),
        Err(Error::NotRepresentable { .. })
    ));
}

/// live (sequential): `optimal_rho` of a target intrinsic time near the
/// smallest doubles returned ρ = 0, which no boundary takes; it is now an
/// error naming the value.
#[test]
fn fuzz_sequential_optimal_rho_underflow_is_an_error() {
    use cxmetrics::sequential;
    match sequential::optimal_rho(5e-324, 0.05) {
        Err(Error::InvalidArgument { value, .. }) => assert_eq!(value, 5e-324),
        other => panic!("{other:?}"),
    }
    assert!(sequential::optimal_rho(1000.0, 0.05).unwrap() > 0.0);
}

/// live (monitor): the CUSUM ARL at a shift far from one side (k = 0.25,
/// h = 5, shift −10) was NaN: that side's chain almost never leaves its
/// cell, and 1 − P(stay) rounded to 0. The diagonal now sums the two
/// tails. A run length too long for the chain to resolve (k = 5, h = 200,
/// which came out negative) is an error.
#[test]
fn fuzz_monitor_arl_far_from_its_side_is_finite() {
    use cxmetrics::monitor::{CusumDesign, EwmaDesign};
    for shift in [-10.0, -3.0, 0.0, 3.0, 10.0] {
        for (k, h) in [(0.25, 5.0), (0.5, 4.0), (1.0, 0.5)] {
            let arl = CusumDesign::new(k, h).unwrap().arl(shift).unwrap();
            assert!(
                arl.is_finite() && arl >= 1.0,
                "k {k} h {h} shift {shift}: {arl}"
            );
        }
        for (lambda, width) in [(0.1, 2.814), (0.01, 0.5), (1.0, 3.0)] {
            let arl = EwmaDesign::new(lambda, width).unwrap().arl(shift).unwrap();
            assert!(
                arl.is_finite() && arl >= 1.0,
                "λ {lambda} L {width} shift {shift}: {arl}"
            );
        }
    }
    match CusumDesign::new(5.0, 200.0).unwrap().arl(0.0) {
        Ok(arl) => assert!(arl.is_finite() && arl >= 1.0, "{arl}"),
        Err(e) => assert!(matches!(e, Error::NotRepresentable { .. }), "{e:?}"),
    }
    // The textbook values are unchanged.
    let d = CusumDesign::new(0.5, 4.0).unwrap();
    assert!((d.arl(0.0).unwrap() - 168.0).abs() / 168.0 < 0.01);
}

#[test]
fn fuzz_stats_t_quantile_monotone_in_the_far_tail() {
    // fuzz/artifacts/stats/crash-95ff3c0e…: at 0.996 df the quantiles of
    // two p-values 1.6e-15 apart near 2e-81 came out one ulp out of order
    // (-3.19e80). Quantiles are now the first double whose computed tail
    // reaches p, so they move monotonically with p.
    let df = 0.99609375;
    let lo = 2.0546950501119882e-81;
    let mut p = lo;
    let mut last = cxmetrics::dist::t_quantile(p, df).unwrap();
    for _ in 0..64 {
        p = p.next_up();
        let t = cxmetrics::dist::t_quantile(p, df).unwrap();
        assert!(last <= t, "t({p:e}) = {t:e} below {last:e}");
        last = t;
    }
    // And across ordinary tails and df.
    for df in [0.5, 0.99609375, 1.5, 3.0, 30.0] {
        let mut last = f64::NEG_INFINITY;
        let mut p = 1e-12;
        while p < 0.5 {
            let t = cxmetrics::dist::t_quantile(p, df).unwrap();
            assert!(last <= t, "df {df}: t({p:e}) = {t:e} below {last:e}");
            last = t;
            p *= 1.37;
        }
    }
}

#[test]
#[expect(
    clippy::excessive_precision,
    reason = "R's values as printed to 17 digits"
)]
fn fuzz_stats_normal_quantile_monotone_where_erfc_was_one_minus_erf() {
    // fuzz/artifacts/stats/crash-d1a14586…: at 3.8e25 df (the normal
    // quantile, in effect) t(4.767922794117647e-4) = -3.303874659860411 came
    // out above t(4.767922794117717e-4) = -3.303874659860429, some 40 ulps out
    // of order: erfc(x) for 0.5 < x < 2.5 was 1 - erf(x), good to only about
    // 1e-13 relative near x = 2.3. It is now Cody's rational approximation.
    let df = 3.8e25;
    let (lo, hi) = (4.767922794117647e-4, 4.767922794117717e-4);
    let a = cxmetrics::dist::t_quantile(lo, df).unwrap();
    let b = cxmetrics::dist::t_quantile(hi, df).unwrap();
    assert!(a <= b, "t({lo:e}) = {a:e} above t({hi:e}) = {b:e}");
    // Every p in a band around it, a few ulps apart, and a geometric sweep
    // across the tails that used 1 - erf (p from 1e-8 to 0.3).
    let mut last = f64::NEG_INFINITY;
    let mut p = lo * (1.0 - 1e-12);
    while p < lo * (1.0 + 1e-12) {
        let z = cxmetrics::dist::normal_quantile(p).unwrap();
        assert!(last <= z, "z({p:e}) = {z:e} below {last:e}");
        last = z;
        p = p.next_up().next_up().next_up();
    }
    let mut last = f64::NEG_INFINITY;
    let mut p = 1e-8;
    while p < 0.3 {
        let z = cxmetrics::dist::normal_quantile(p).unwrap();
        let t = cxmetrics::dist::t_quantile(p, df).unwrap();
        assert!(last <= z, "z({p:e}) = {z:e} below {last:e}");
        assert!(
            (t - z).abs() <= 1e-12 * z.abs(),
            "t {t:e} vs z {z:e} at {p:e}"
        );
        last = z;
        p *= 1.0 + 1.0 / 4096.0;
    }
    // Found on the way: at df >= 1e5 the quantile of a
    // lower tail p came from the normal quantile of 0.5 + (0.5 - p), which
    // rounds, about 1e-5 relative off at p = 1e-12. Against R 4 `qt` and
    // `qnorm` (printed to 17 digits):
    for (p, t_r, z_r) in [
        (1e-8, -5.6120468343692824, -5.6120012441747900),
        (1e-12, -7.0345726084112563, -7.0344838253011321),
        (1e-15, -7.9414725184035069, -7.9413453261709952),
    ] {
        let t = cxmetrics::dist::t_quantile(p, 1e6).unwrap();
        let z = cxmetrics::dist::normal_quantile(p).unwrap();
        assert!(((t - t_r) / t_r).abs() < 1e-13, "qt({p:e}, 1e6) = {t:e}");
        assert!(((z - z_r) / z_r).abs() < 1e-14, "qnorm({p:e}) = {z:e}");
        // The upper tail: 1 - p rounds, but its tail 1 - (1 - p) is exact,
        // and the quantile is odd in it.
        let upper = cxmetrics::dist::t_quantile(1.0 - p, 1e6).unwrap();
        let mirrored = cxmetrics::dist::t_quantile(1.0 - (1.0 - p), 1e6).unwrap();
        assert_eq!(upper, -mirrored);
    }
}

#[test]
fn fuzz_complex_linear_calibration_mean_outside_the_scale_is_an_error() {
    // fuzz/artifacts/complex/crash-c25e9131…: linear (GREG) calibration
    // can give respondents negative weights, and a domain's mean of a
    // 0..=10 question then left the scale (12.5), so the difference of two
    // domains was 10.2 points, beyond the span. Such a mean is now an
    // error naming the cause (the estimate used to be clamped silently).
    use cxmetrics::complex::{
        Calibration, CalibrationMethod, CalibrationOptions, DesignKey, PointValues, Statistic,
    };
    // Region (margin 0) and channel (margin 1) of six respondents, and
    // population totals far from the sample's: g = 1 + x'λ goes negative.
    let region: &[usize] = &[0, 0, 0, 1, 1, 1];
    let channel: &[usize] = &[0, 1, 1, 0, 0, 1];
    let cal = Calibration::new(
        &[1.0; 6],
        &[region, channel],
        &[&[95.0, 5.0], &[5.0, 95.0]],
        CalibrationMethod::Linear,
        CalibrationOptions::default(),
    )
    .unwrap();
    let w = cal.weights().to_vec();
    assert!(w.iter().any(|&x| x < 0.0), "{w:?}");
    let scores = [10u8, 10, 10, 0, 0, 10];
    let keys: Vec<DesignKey> = (0..6u64).map(|i| DesignKey::new().domain(i % 2)).collect();
    let design = cal.design(Scale::NPS, &scores, &keys).unwrap();
    let values = PointValues::new(Scale::NPS, Statistic::Mean).unwrap();
    let mut refused = 0;
    for domain in [None, Some(0), Some(1)] {
        let sel: Vec<usize> = (0..6)
            .filter(|i| domain.is_none_or(|d| (*i as u64) % 2 == d))
            .collect();
        let (sw, swy) = sel.iter().fold((0.0, 0.0), |(a, b), &i| {
            (a + w[i], b + w[i] * f64::from(scores[i]))
        });
        let mean = swy / sw;
        match design.estimate(&values, domain) {
            Ok(e) => {
                assert!(
                    (0.0..=10.0).contains(&mean),
                    "{domain:?}: {mean} accepted as {e:?}"
                );
                assert!((e.estimate - mean).abs() <= 1e-9 * mean.abs().max(1.0));
            }
            Err(Error::NotRepresentable { reason, .. }) => {
                assert!(
                    !(0.0..=10.0).contains(&mean),
                    "{domain:?}: {mean} refused: {reason}"
                );
                assert!(reason.contains("negative"), "{reason}");
                refused += 1;
            }
            Err(e) => panic!("{domain:?}: {e}"),
        }
    }
    assert!(refused >= 1, "no domain mean left the scale: weights {w:?}");
    if let Ok(d) = design.difference(&values, 0, 1, 0.95) {
        assert!(d.difference.abs() <= 10.0, "{d:?}");
    }
}

#[test]
fn fuzz_complex_calibrated_weights_whose_total_overflows_are_an_error() {
    // fuzz/artifacts/complex/crash-1bb3b855…: every calibrated weight was
    // finite but their total (N) was not, and `weight_sum()` returned
    // infinity from an `Ok` calibration.
    // The input itself is replayed from the artifacts; here, totals at the
    // edge of f64 either calibrate to a finite N or are refused by name.
    use cxmetrics::complex::{Calibration, CalibrationMethod, CalibrationOptions};
    let levels: &[usize] = &[0, 1, 0, 1];
    for (total, method) in [
        (8.98e307, CalibrationMethod::Linear),
        (8.98e307, CalibrationMethod::Raking),
        (1.7e308, CalibrationMethod::Linear),
    ] {
        match Calibration::new(
            &[1.0, 1e-300, 1e300, 1.0],
            &[levels],
            &[&[total, total]],
            method,
            CalibrationOptions::default(),
        ) {
            Ok(c) => {
                assert!(c.weight_sum().is_finite(), "{c:?}");
                assert!(c.weights().iter().all(|w| w.is_finite()), "{c:?}");
            }
            Err(e) => assert!(!e.to_string().is_empty()),
        }
    }
}

#[test]
fn fuzz_complex_trimmed_weights_whose_total_overflows_are_an_error() {
    // fuzz/artifacts/complex/crash-319f9a25…: a calibration to a total just
    // under f64::MAX was fine, but trimming it moved weight between
    // respondents and their sum rounded past f64::MAX: an `Ok` trimmed
    // calibration with `weight_sum()` infinite. Such a trim is now
    // `Error::NotRepresentable`; every other keeps the total.
    use cxmetrics::Error;
    use cxmetrics::complex::{Calibration, CalibrationMethod, CalibrationOptions};
    let levels: &[usize] = &[0, 1, 0, 1, 0, 1];
    let half = f64::MAX / 2.0;
    let c = Calibration::new(
        &[1.0, 2.0, 3.0, 1.0, 5.0, 1.0],
        &[levels],
        &[&[half, half]],
        CalibrationMethod::Linear,
        CalibrationOptions::default(),
    )
    .unwrap();
    assert!(c.weight_sum().is_finite());
    // The case found by hand from the fuzz report: each weight trimmed to at
    // most 1.68e307 and the excess shared out tips the sum over.
    assert!(matches!(
        c.trim(0.0, 1.68e307, false),
        Err(Error::NotRepresentable { .. })
    ));
    let mut refused = 0;
    for i in 0..40 {
        for j in 0..40 {
            let lower = f64::from(i) * 1.3e306;
            let upper = lower + f64::from(j + 1) * 2.1e306;
            match c.trim(lower, upper, j % 2 == 0) {
                Ok(t) => {
                    let total = t.weight_sum();
                    assert!(total.is_finite(), "{lower:e}..={upper:e}: {t:?}");
                    assert!((total - c.weight_sum()).abs() <= 1e-12 * c.weight_sum());
                }
                Err(Error::NotRepresentable { .. }) => refused += 1,
                Err(Error::InvalidDesign { .. }) => {} // every weight outside, or no settling
                Err(e) => panic!("{lower:e}..={upper:e}: {e}"),
            }
        }
    }
    assert!(refused > 0);
}

#[test]
fn fuzz_stats_beta_quantile_monotone_across_a_staircase_tail() {
    // fuzz/artifacts/stats/crash-ce16f38e…: Beta(5.625, 5.625) quantiles at
    // p = 8.854494587438969e-163 and the next p two ulps up came out 25 ulps
    // out of order (2.9225140496473e-29). The computed I_x there is a
    // staircase in x (its front factor is exp(a ln x), and ln x moves in
    // steps a hundred ulps of x wide), so the first crossing lay beyond the
    // 16 ulps the settling walked. It now gallops and bisects to the exact
    // first crossing.
    let (a, b) = (5.625, 5.625);
    let mut p: f64 = 8.854494587438969e-163;
    for _ in 0..8 {
        p = p.next_down();
    }
    let mut last = 0.0;
    for _ in 0..256 {
        let x = cxmetrics::dist::beta_quantile(p, a, b).unwrap();
        assert!(last <= x, "beta({p:e}) = {x:e} below {last:e}");
        last = x;
        p = p.next_up();
    }
    // And geometric sweeps through the power-law tail at several shapes.
    for (a, b) in [(5.625, 5.625), (0.5, 3.0), (2.0, 40.0), (12.0, 0.7)] {
        let mut last = 0.0;
        let mut p = 1e-200;
        while p < 1e-20 {
            let x = cxmetrics::dist::beta_quantile(p, a, b).unwrap();
            assert!(last <= x, "({a}, {b}): beta({p:e}) = {x:e} below {last:e}");
            last = x;
            p *= 1.0 + 1.0 / 64.0;
        }
    }
}

#[test]
fn fuzz_live_ewma_with_a_subnormal_width_is_an_error() {
    // fuzz/artifacts/live/crash-59239fd7…: EwmaDesign::new(0.1, 5e-324) was
    // `Ok` with a control limit L·√(λ/(2 − λ)) of exactly 0. A width that
    // is not a normal f64 is now refused by name; the smallest normal one
    // keeps a positive limit.
    use cxmetrics::monitor::EwmaDesign;
    for width in [5e-324, 1e-310, f64::MIN_POSITIVE.next_down()] {
        let err = EwmaDesign::new(0.1, width).unwrap_err();
        assert!(err.to_string().contains("EWMA limit width"), "{err}");
    }
    for lambda in [0.01, 0.1, 1.0] {
        let d = EwmaDesign::new(lambda, f64::MIN_POSITIVE).unwrap();
        assert!(d.limit() > 0.0, "{d:?}");
        // L·√(λ/(2 − λ)), by hand at λ = 1: the limit is L itself.
        if lambda == 1.0 {
            assert_eq!(d.limit(), f64::MIN_POSITIVE);
        }
    }
}

#[test]
fn fuzz_live_cusum_whose_statistic_overflows_is_an_error() {
    // fuzz/artifacts/live/crash-ca921b86…: a CUSUM on a baseline whose sd is
    // the smallest normal double standardised a mean of 3.5 to z ≈ 1.7e308;
    // two such periods summed to an infinite statistic, returned in an `Ok`
    // point with an alert. The period is now `NotRepresentable` and the
    // chart is left as it was.
    use cxmetrics::Unit;
    use cxmetrics::monitor::{Baseline, ChangeMonitor, Chart, ChartScore, CusumDesign};
    let baseline = Baseline::new(0.0, f64::MIN_POSITIVE, Unit::ScalePoints).unwrap();
    let chart = Chart::Cusum(CusumDesign::new(0.5, 5.0).unwrap());
    let mut m = ChangeMonitor::new(ChartScore::Mean, baseline, chart).unwrap();
    // z = 3.5 / 2.2e-308 ≈ 1.58e308: finite, so the first period is fine.
    let first = m.observe_value(1, 3.5, 1).unwrap();
    let z = 3.5 / f64::MIN_POSITIVE;
    assert_eq!(first.z, Some(z));
    // By hand: the upper sum max(0, 0 + z − k), the lower one 0.
    assert_eq!(first.upper, (z - 0.5).max(0.0));
    assert_eq!(first.lower, 0.0);
    // The second would sum to 2z − 2k = ∞.
    let err = m.observe_value(2, 3.5, 1).unwrap_err();
    assert!(matches!(err, Error::NotRepresentable { .. }), "{err}");
    assert!(err.to_string().contains("chart statistic"), "{err}");
    // The chart is unchanged: a value back at the baseline brings the upper
    // sum down by k from its first value.
    let back = m.observe_value(3, 0.0, 1).unwrap();
    assert_eq!(back.upper, first.upper - 0.5);
    assert!(back.upper.is_finite() && back.lower == 0.0);
}

#[test]
fn fuzz_stats_beta_quantile_monotone_with_a_huge_or_a_tiny_shape() {
    use cxmetrics::dist::beta_quantile;
    // fuzz/artifacts/stats/crash-deca6c60…: Beta(2.26e6, 8.125) at
    // p = 2.8e-202 gave 0.531 (Newton on I_x crawled one e-fold per step
    // from the normal start and ran out of steps), below the 0.99966 of
    // p = 6.4e-314. The solve is now on ln I_x.
    let (a, b) = (2.2616344399612485e6, 8.125);
    let lo = beta_quantile(6.3659873724e-314, a, b).unwrap();
    let hi = beta_quantile(2.8177690387291804e-202, a, b).unwrap();
    assert!(lo <= hi, "{lo:e} > {hi:e}");
    // fuzz/artifacts/stats/crash-d0054503…: with b = 8.8e-309 every
    // I_x(a, b) is of the order of b, and 1 − I_{1−x}(b, a) cancelled to 0
    // or noise of 1e-14: p = 5.1e-308 gave 0.894 and p = 8.5e-190 gave
    // 0.684. That side is now I at the mean-like point plus the density's
    // integral beyond it (with a tiny shape, a first-order expansion).
    let (a2, b2) = (0.2183380126953125, 8.81304618022717e-309);
    let lo2 = beta_quantile(5.074877058349882e-308, a2, b2).unwrap();
    let hi2 = beta_quantile(8.537841331046625e-190, a2, b2).unwrap();
    assert!(lo2 <= hi2, "{lo2:e} > {hi2:e}");
    // No double below 1 has I_x ≥ 8.5e-190 (I_x ≤ b·(−ln(1 − x) + …) ≈
    // 3e-307 at most), so that quantile is exactly 1.
    assert_eq!(hi2, 1.0);
    // Sweeps across the whole lower tail (p from 1e-320 to ½, a factor
    // 1.9 apart) for these shapes and their mirror images, each monotone.
    for (a, b) in [
        (a, b),
        (b, a),
        (a2, b2),
        (b2, a2),
        (0.2183380126953125, 1e-18),
        (1e-12, 3.0),
        (3.0, 1e-12),
        (0.5, 1e-8),
        (2.0, 1e-3),
        (1e12, 0.5),
    ] {
        let mut last = 0.0_f64;
        let mut p = 1e-320;
        while p < 0.5 {
            let q = beta_quantile(p, a, b).unwrap();
            assert!(
                last <= q,
                "Beta({a:e}, {b:e}): q({p:e}) = {q:e} below {last:e}"
            );
            last = q;
            p *= 1.9;
        }
        // And the upper tail, from ½ towards 1 (while 1 − tail is below 1).
        let mut tail = 0.5;
        while 1.0 - tail < 1.0 {
            let q = beta_quantile(1.0 - tail, a, b).unwrap();
            assert!(
                last <= q,
                "Beta({a:e}, {b:e}): q(1 − {tail:e}) = {q:e} below {last:e}"
            );
            last = q;
            tail /= 1.9;
        }
    }
}

#[test]
fn fuzz_complex_calibrated_design_merged_past_f64_is_an_error() {
    // fuzz/artifacts/complex/crash-6b971d25…: a calibrated design whose
    // weights were near 1e307, merged with itself, summed its weights to
    // infinity and returned a share of 0 (standard error 0) as `Ok`, where
    // the design alone gives 0.48. An estimate whose weights' total
    // overflows is now `Error::NotRepresentable`, and so is a merge whose
    // cells' weights sum past f64 (the design then unchanged).
    use cxmetrics::complex::{
        CalibratedDesign, Calibration, CalibrationMethod, CalibrationOptions, DesignKey,
        PointValues, Statistic,
    };
    let levels: &[usize] = &[0, 1, 0, 1, 0, 1];
    // Level 0 (respondents 0, 2, 4) all promoters at 10.
    let scores = [10u8, 0, 10, 3, 10, 9];
    let keys = vec![DesignKey::new(); 6];
    let values = PointValues::new(Scale::NPS, Statistic::TopBox(2)).unwrap();
    // The design, and its top-2 share by hand from the calibrated weights.
    let design = |totals: [f64; 2]| -> (CalibratedDesign, f64) {
        let cal = Calibration::new(
            &[1.0, 2.0, 3.0, 1.0, 5.0, 1.0],
            &[levels],
            &[&totals],
            CalibrationMethod::Linear,
            CalibrationOptions::default(),
        )
        .unwrap();
        let w = cal.weights();
        let top: f64 = (0..6).filter(|&i| scores[i] >= 9).map(|i| w[i]).sum();
        let all: f64 = w.iter().sum();
        (cal.design(Scale::NPS, &scores, &keys).unwrap(), top / all)
    };
    let max = f64::MAX;
    // Totals 0.4 MAX each: one design is fine; twice it weighs 1.6 MAX.
    let (d, share) = design([0.4 * max, 0.4 * max]);
    let alone = d.estimate(&values, None).unwrap();
    assert!(
        (alone.estimate - share).abs() <= 1e-15,
        "{alone:?} vs {share}"
    );
    let mut twice = d.clone();
    twice.merge(&d).unwrap();
    let err = twice.estimate(&values, None).unwrap_err();
    assert!(matches!(err, Error::NotRepresentable { .. }), "{err}");
    // Level 0 at MAX/2, all of it at the point 10 of one cell: twice that
    // is MAX exactly, three times passes it.
    let (d, _) = design([max / 2.0, max / 2.0]);
    let mut twice = d.clone();
    twice.merge(&d).unwrap();
    let mut thrice = twice.clone();
    let err = thrice.merge(&d).unwrap_err();
    assert!(matches!(err, Error::NotRepresentable { .. }), "{err}");
    assert_eq!(thrice, twice, "a failed merge leaves the design as it was");
    // Small enough, a design merged with itself keeps its estimate.
    let (d, share) = design([max / 8.0, max / 8.0]);
    let mut twice = d.clone();
    twice.merge(&d).unwrap();
    let merged = twice.estimate(&values, None).unwrap();
    assert!(
        (merged.estimate - share).abs() <= 1e-15,
        "{merged:?} vs {share}"
    );
}

/// Fuzz (complex): a replicate design whose tally held one weight 2^-530
/// times the largest did not read back from its own JSON. The weight's
/// square is subnormal and keeps only a few digits, so the stored squared
/// sum sits above the weight sum squared by more than the relative
/// rounding allowance; the check now allows 2^-1022 per answer that way
/// too, as it already did the other way.
#[cfg(feature = "serde")]
#[test]
fn fuzz_complex_tally_with_a_subnormal_squared_weight_reads_back() {
    // The fuzzer's weight (stored as 1.2906205817731713e-160 at exponent
    // 3, squared 1.666e-320 where 1.6655e-320 is its square), then weights from 2^-545 to 2^-505 times the largest with
    // mantissas spread over [1, 2): squares that round up and down.
    let mut tiny = vec![1.2906205817731713e-160 * 8.0];
    for k in 505..=545 {
        for i in 0..16 {
            let m = 1.0 + (f64::from(i) * 0.618_033_988_749_894_9).fract();
            tiny.push(m * 2f64.powi(-k));
        }
    }
    let mut refused_before = 0;
    for &w in &tiny {
        // The tiny weight after one of 2 (exponent 1), then one of 15.1875
        // (exponent 3): the rescale by 2^-4 rounds its already subnormal
        // square a second time, up to 0.75 of a subnormal step off.
        let mut t = weighted(Scale::CSAT_5, &[1], &[2.0]);
        t.extend_weighted_scores(&[3], &[w / 4.0]).unwrap();
        t.extend_weighted_scores(&[4], &[15.1875]).unwrap();
        let text = serde_json::to_string(&t).unwrap();
        let back: Tally =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("weight {w:e}: {e}\n{text}"));
        assert_eq!(back, t);
        // Some stored squared sums are above the weight sum squared by
        // more than 1e-9 relative (what the old check refused).
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let (sw, sw2) = (
            v["weights"][2].as_f64().unwrap(),
            v["weights_squared"][2].as_f64().unwrap(),
        );
        if sw2 > sw * sw * (1.0 + 1e-9) {
            refused_before += 1;
        }
    }
    assert!(refused_before >= 1, "{refused_before} of {}", tiny.len());
    // A squared sum that is impossible by more than the allowance is still
    // refused: one answer of weight 1 cannot have a squared sum of 2.
    let text = serde_json::to_string(&weighted(Scale::CSAT_5, &[3], &[1.0]))
        .unwrap()
        .replace(
            "\"weights_squared\":[0.0,0.0,1.0",
            "\"weights_squared\":[0.0,0.0,2.0",
        );
    assert!(text.contains("[0.0,0.0,2.0"), "{text}");
    let err = serde_json::from_str::<Tally>(&text).unwrap_err();
    assert!(err.to_string().contains("squared-weight sum"), "{err}");
}

/// Fuzz (complex): a linear calibration of 37 weights to a single total of
/// `f64::MAX` returned `Ok` with every weight finite but an infinite
/// misfit: the margin total (the cell's weight times its g) rounded past
/// f64. Such totals are `NotRepresentable`; totals that fit calibrate
/// exactly.
#[test]
fn fuzz_complex_calibrated_margin_total_past_f64_is_an_error() {
    use cxmetrics::complex::{Calibration, CalibrationMethod, CalibrationOptions};
    // The fuzzer's weights (fuzz/artifacts/complex/crash-0f4cd108…).
    let mut weights = vec![4.8125, 9.342562992043943e-67, 0.625, 2.888314587501384e-16];
    weights.extend([
        15.1875, 2.625, 1.875, 14.375, 14.375, 14.375, 14.375, 3.0625,
    ]);
    weights.extend([14.375; 11]);
    weights.extend([3.9375, 14.25, 14.375, 14.375, 14.375, 14.375, 14.375]);
    weights.extend([6.1875, 0.0, 14.375, 14.375, 14.375, 14.375, 14.375]);
    assert_eq!(weights.len(), 37);
    let level = vec![0usize; 37];
    let max = f64::MAX;
    let mut refused = 0;
    for method in [CalibrationMethod::Linear, CalibrationMethod::Raking] {
        for total in [
            max,
            max * (1.0 - 1e-16),
            max * 0.999_999_9,
            max / 4.0,
            1e300,
        ] {
            match Calibration::new(
                &weights,
                &[&level],
                &[&[total]],
                method,
                CalibrationOptions::default(),
            ) {
                Ok(c) => {
                    assert!(c.misfit().is_finite() && c.misfit() >= 0.0, "{c:?}");
                    // One cell: every weight scales by total / Σw, so the
                    // calibrated total is the target.
                    let sum = c.weight_sum();
                    assert!((sum - total).abs() <= 1e-12 * total, "{sum} vs {total}");
                }
                Err(e) => {
                    assert!(matches!(e, Error::NotRepresentable { .. }), "{e}");
                    assert!(total > max / 2.0, "{total} refused: {e}");
                    refused += 1;
                }
            }
        }
    }
    // The fuzzer's case itself is refused.
    assert!(refused >= 1);
    let err = Calibration::new(
        &weights,
        &[&level],
        &[&[max]],
        CalibrationMethod::Linear,
        CalibrationOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(err, Error::NotRepresentable { .. }), "{err}");
}

/// Fuzz (deserialize): the allowance for subnormal squares, first set at
/// 2^-1022 per answer, let a tally of 2.1e18 answers read back with a
/// squared weight sum of 1.1e-295 for a weight sum of 3.8e-192 (whose
/// square is 0 in f64). The allowance is now what rounding can add: half a
/// subnormal step per square and per merge, (2·positive + 1)·2^-1074.
#[cfg(feature = "serde")]
#[test]
fn fuzz_deserialize_squared_weight_sum_far_above_its_bound_is_refused() {
    let base = serde_json::to_value(weighted(Scale::CSAT_5, &[3, 5], &[1.0, 1.5])).unwrap();
    let with = |count: u64, w: f64, w2: f64| {
        let mut v = base.clone();
        v["counts"][0] = count.into();
        v["positive"][0] = count.into();
        v["weights"][0] = w.into();
        v["weights_squared"][0] = w2.into();
        serde_json::from_value::<Tally>(v)
    };
    let count = 2_115_012_111_662_645_133;
    let err = with(count, 3.777390020189708e-192, 1.1054462155566394e-295).unwrap_err();
    assert!(err.to_string().contains("squared-weight sum"), "{err}");
    // Within the bound reads back: the same sums with the squared sum at
    // count steps of 2^-1074 (about 1.0e-305) and at 0.
    let step = 2f64.powi(-1074);
    for w2 in [0.0, count as f64 * step] {
        let t = with(count, 3.777390020189708e-192, w2).unwrap();
        let s = t.point_sums().next().unwrap();
        assert_eq!((s.count, s.weight_squared), (count, w2));
    }
    // Past it by a factor of 4 is refused.
    assert!(with(count, 3.777390020189708e-192, 8.0 * count as f64 * step).is_err());
}
