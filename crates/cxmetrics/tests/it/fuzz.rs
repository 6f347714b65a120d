//! Arbitrary input at every public entry point: never a panic; either a
//! result that satisfies the documented ranges, or an error, and after an
//! error the accumulator is unchanged.

use cxmetrics::compare;
use cxmetrics::interval::IntervalSpec;
use cxmetrics::segment::Score;
use cxmetrics::{
    AtomicTally, ConfidenceLevel, Distribution, Estimate, Mean, NetScore, Nps, Polarity, Scale,
    Segmented, Tally, TopBox, Weight, dist, plan,
};
use proptest::prelude::*;

use crate::{NPS_METHODS, PROPORTION_METHODS};

/// Floats with the awkward cases well represented.
fn wild_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>(),
        -20.0f64..300.0,
        prop::sample::select(vec![
            0.0,
            -0.0,
            1.0,
            0.5,
            1e-300,
            f64::MAX,
            f64::MIN_POSITIVE,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY
        ]),
    ]
}

fn any_scale() -> impl Strategy<Value = Scale> {
    (-50i32..300, 1i32..40, any::<bool>()).prop_map(|(lo, span, hi)| {
        Scale::new(
            lo,
            lo + span,
            if hi {
                Polarity::HigherIsBetter
            } else {
                Polarity::LowerIsBetter
            },
        )
        .unwrap()
    })
}

fn spec_from(level: f64, population: Option<u64>) -> Option<IntervalSpec> {
    let level = ConfidenceLevel::new(level).ok()?;
    Some(match population {
        Some(p) => IntervalSpec::new(level).population(p),
        None => IntervalSpec::new(level),
    })
}

fn check_estimate(e: &Estimate, lo: f64, hi: f64) -> Result<(), TestCaseError> {
    prop_assert!(!e.value.is_nan() && !e.std_error.is_nan(), "{e:?}");
    prop_assert!(e.interval.lower <= e.interval.upper, "{e:?}");
    prop_assert!(
        lo <= e.interval.lower && e.interval.upper <= hi,
        "{e:?} outside {lo}..{hi}"
    );
    Ok(())
}

/// Scores every metric of a tally with arbitrary options; checks ranges.
fn score_everything(t: &Tally, level: f64, population: Option<u64>) -> Result<(), TestCaseError> {
    let scale = t.scale();
    let spec = spec_from(level, population);
    if let Ok(m) = Mean::from_tally(t) {
        prop_assert!(
            f64::from(scale.lowest()) <= m.mean() && m.mean() <= f64::from(scale.highest()),
            "{m:?}"
        );
        prop_assert!((0.0..=100.0).contains(&m.index()));
        if let Some(Ok(e)) = spec.map(|spec| m.estimate(spec)) {
            prop_assert!(!e.interval.lower.is_nan() && e.interval.lower <= e.interval.upper);
        }
    }
    for k in [0u32, 1, 2, 3, 50] {
        for top in [TopBox::top(t, k), TopBox::bottom(t, k)]
            .into_iter()
            .flatten()
        {
            prop_assert!((0.0..=1.0).contains(&top.share()));
            if let Some(spec) = spec {
                for method in PROPORTION_METHODS {
                    if let Ok(e) = top.estimate_with(method, spec) {
                        check_estimate(&e, 0.0, 1.0)?;
                    }
                }
            }
        }
        if let Ok(net) = NetScore::from_tally(t, k, 1) {
            prop_assert!((-100.0..=100.0).contains(&net.score()));
        }
    }
    if let Ok(d) = Distribution::from_tally(t) {
        let total: f64 = d.points().iter().map(|p| p.share).sum();
        prop_assert!((total - 1.0).abs() < 1e-9);
    }
    if let Ok(nps) = Nps::from_tally(t) {
        prop_assert!((-100.0..=100.0).contains(&nps.score()));
        if let Some(spec) = spec {
            for method in NPS_METHODS {
                if let Ok(e) = nps.estimate_with(method, spec) {
                    check_estimate(&e, -100.0, 100.0)?;
                }
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn scales_ratings_and_weights(lo in any::<i32>(), hi in any::<i32>(), x in wild_f64(), i in any::<i64>(), w in wild_f64()) {
        if let Ok(s) = Scale::new(lo, hi, Polarity::HigherIsBetter) {
            prop_assert!(s.len() >= 2 && s.len() <= 1001);
            if let Ok(r) = s.rating(x) { prop_assert_eq!(f64::from(r.value()), x); }
            if let Ok(r) = s.rating(i) { prop_assert_eq!(i64::from(r.value()), i); }
        }
        match Weight::new(w) {
            Ok(weight) => prop_assert!(weight.get() >= 0.0 && weight.get().is_finite()),
            Err(_) => prop_assert!(!(w >= 0.0 && w.is_finite())),
        }
    }

    #[test]
    fn batches_are_all_or_nothing(
        scale in any_scale(),
        ints in prop::collection::vec(-60i64..340, 0..60),
        floats in prop::collection::vec(wild_f64(), 0..30),
        bytes in prop::collection::vec(any::<u8>(), 0..200),
        weights in prop::collection::vec(wild_f64(), 0..200),
        level in wild_f64(),
        population in prop::option::of(any::<u64>()),
    ) {
        let mut t = Tally::new(scale);
        t.extend_scores(&ints[..ints.len() / 2]).ok();
        for attempt in 0..4 {
            let before = t.clone();
            let result = match attempt {
                0 => t.extend_scores(&ints),
                1 => t.extend_scores(&floats),
                2 => t.extend_scores(&bytes),
                _ => t.extend_weighted_scores(&bytes, &weights),
            };
            let added = [ints.len(), floats.len(), bytes.len(), bytes.len()][attempt] as u64;
            match result {
                Ok(()) => prop_assert_eq!(t.n(), before.n() + added),
                Err(_) => prop_assert_eq!(&t, &before),
            }
        }
        score_everything(&t, level, population)?;
        let live = AtomicTally::new(scale);
        let ok = live.extend_scores(&bytes).is_ok();
        prop_assert_eq!(live.snapshot().unwrap().n(), if ok { bytes.len() as u64 } else { 0 });
    }

    #[test]
    fn counts_near_the_limit(counts in prop::collection::vec(prop_oneof![any::<u64>(), 0u64..5, Just(u64::MAX)], 5), other in prop::collection::vec(0u64..3, 5), level in 0.01f64..0.999) {
        if let Ok(t) = Tally::from_counts(Scale::CSAT_5, &counts) {
            let before = t.clone();
            let mut merged = t.clone();
            match merged.merge(&Tally::from_counts(Scale::CSAT_5, &other).unwrap()) {
                Ok(()) => prop_assert_eq!(merged.n(), t.n() + other.iter().sum::<u64>()),
                Err(_) => prop_assert_eq!(&merged, &before),
            }
            score_everything(&t, level, Some(u64::MAX))?;
        }
    }

    #[test]
    fn comparisons_and_plans(
        a in prop::collection::vec(0u64..50, 11),
        b in prop::collection::vec(0u64..50, 11),
        level in wild_f64(),
        margin in wild_f64(),
        p in wild_f64(),
        d in wild_f64(),
        n in any::<u64>(),
        population in prop::option::of(any::<u64>()),
    ) {
        let (ta, tb) = (Tally::from_counts(Scale::NPS, &a).unwrap(), Tally::from_counts(Scale::NPS, &b).unwrap());
        if let Ok(level) = ConfidenceLevel::new(level) {
            for score in [Score::nps(), Score::top_box(2), Score::bottom_box(3), Score::Mean] {
                if let Ok(c) = score.compare(&ta, &tb, level) {
                    prop_assert!((0.0..=1.0).contains(&c.p_value), "{c:?}");
                    prop_assert!(c.interval.lower <= c.interval.upper && !c.difference.is_nan());
                }
            }
            if let (Ok(x), Ok(y)) = (Mean::from_tally(&ta), Mean::from_tally(&tb)) {
                let _ = compare::means(&x, &y, level);
            }
        }
        if let Some(spec) = spec_from(level, population) {
            let percent = cxmetrics::Margin::percent(100.0 * margin);
            let points = cxmetrics::Margin::points(margin);
            let sizes = [
                percent.clone().and_then(|m| plan::sample_size_proportion(m, p, spec)),
                percent.and_then(|m| plan::sample_size_nps(m, p, d, spec)),
                points.and_then(|m| plan::sample_size_mean(m, p, spec)),
            ];
            for s in sizes.into_iter().flatten() {
                prop_assert!(s.n >= 0.0 && s.n_ceil as f64 == s.n.ceil(), "{s:?} margin {margin} p {p} d {d} {spec:?}");
            }
            let margins = [plan::margin_of_error_proportion(n, p, spec), plan::margin_of_error_mean(n, p, spec), plan::margin_of_error_nps(n, p, d, spec)];
            for m in margins.into_iter().flatten() {
                prop_assert!(m >= 0.0 && m.is_finite());
            }
        }
    }

    #[test]
    fn quantiles_never_panic(p in wild_f64(), log_df in -2.0f64..12.0, log_a in -2.0f64..8.0, log_b in -2.0f64..8.0, x in wild_f64()) {
        let (df, a, b) = (10f64.powf(log_df), 10f64.powf(log_a), 10f64.powf(log_b));
        for v in [dist::normal_quantile(p), dist::t_quantile(p, df), dist::beta_quantile(p, a, b)].into_iter().flatten() {
            prop_assert!(!v.is_nan(), "p {p} df {df} a {a} b {b}");
        }
        if let Ok(v) = dist::beta_quantile(p, a, b) { prop_assert!((0.0..=1.0).contains(&v)); }
        prop_assert!(dist::t_quantile(p, x).is_ok() == (p > 0.0 && p < 1.0 && x > 0.0 && x.is_finite()));
    }

    #[test]
    fn segments_with_arbitrary_keys(keys in prop::collection::vec(any::<u16>(), 0..300), scores in prop::collection::vec(0u8..14, 0..300), level in wild_f64(), min_n in 0u64..5) {
        let mut s: Segmented<u16> = Segmented::new(Scale::NPS);
        s.extend_scores(&keys[..keys.len() / 3], &scores[..keys.len().min(scores.len()) / 3]).ok();
        let before = s.clone();
        match s.extend_scores(&keys, &scores) {
            Ok(()) => prop_assert_eq!(s.total().unwrap().n(), before.total().unwrap().n() + keys.len() as u64),
            Err(_) => prop_assert_eq!(&s, &before),
        }
        if let Ok(level) = ConfidenceLevel::new(level) {
            for score in [Score::nps(), Score::top_box(2), Score::Mean] {
                let _ = s.scores(score, level, min_n);
                let _ = s.ranking(score, level, min_n);
                let _ = s.trend(score, level);
            }
        }
    }
}

#[cfg(feature = "serde")]
proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// JSON-shaped tallies with arbitrary numbers: refused, or a tally that
    /// scores inside every range.
    #[test]
    fn arbitrary_serialized_tallies(
        lowest in -3i32..3,
        span in 0i32..12,
        counts in prop::collection::vec(prop_oneof![0u64..4, any::<u64>()], 0..14),
        weights in prop::collection::vec(prop_oneof![0.0f64..4.0, -1.0f64..1.0, any::<f64>().prop_filter("JSON numbers are finite", |x| x.is_finite())], 0..14),
        squares in prop::collection::vec(prop_oneof![0.0f64..16.0, -1.0f64..1.0], 0..14),
        na in prop_oneof![0u64..3, any::<u64>()],
        level in 0.01f64..0.999,
    ) {
        let json = serde_json::json!({
            "scale": {"lowest": lowest, "highest": lowest + span, "polarity": "higher_is_better"},
            "counts": counts, "weights": weights, "weights_squared": squares, "not_applicable": na,
        });
        if let Ok(t) = serde_json::from_value::<Tally>(json) {
            prop_assert!(t.effective_n() <= t.n() as f64 * (1.0 + 1e-6) + 1e-9);
            score_everything(&t, level, None)?;
            let again: Tally = serde_json::from_str(&serde_json::to_string(&t).unwrap()).unwrap();
            prop_assert_eq!(again, t);
        }
    }
}
