//! Intervals, comparisons and planning: invariants and hand computations.

use cxmetrics::compare::{self, DifferenceMethod, NpsDifferenceMethod};
use cxmetrics::interval::{self, IntervalSpec, NpsMethod, ProportionMethod};
use cxmetrics::{ConfidenceLevel, Error, Margin, Mean, Nps, Scale, Tally, TopBox, plan};
use proptest::prelude::*;

use crate::{NPS_METHODS, PROPORTION_METHODS, assert_close};

fn level(l: f64) -> ConfidenceLevel {
    ConfidenceLevel::new(l).unwrap()
}

#[test]
fn wald_by_hand_with_population() {
    // p = 0.4, n = 100, N = 500: se = √(0.24/100)·√(400/499).
    let est = interval::proportion(
        40,
        100,
        ProportionMethod::Wald,
        IntervalSpec::new(ConfidenceLevel::P95).population(500),
    )
    .unwrap();
    let se = (0.24f64 / 100.0).sqrt() * (400.0f64 / 499.0).sqrt();
    assert_close(est.std_error, se, "se");
    assert_close(
        est.interval.upper - 0.4,
        ConfidenceLevel::P95.z() * se,
        "half width",
    );
}

#[test]
fn whole_population_answered_gives_zero_width() {
    let est = interval::proportion(
        3,
        10,
        ProportionMethod::Wilson,
        IntervalSpec::new(ConfidenceLevel::P95).population(10),
    )
    .unwrap();
    assert_eq!(
        (est.interval.lower, est.interval.upper, est.std_error),
        (0.3, 0.3, 0.0)
    );
    let err = interval::proportion(
        3,
        10,
        ProportionMethod::Wilson,
        IntervalSpec::new(ConfidenceLevel::P95).population(9),
    )
    .unwrap_err();
    assert_eq!(
        err,
        Error::PopulationTooSmall {
            population: 9,
            n: 10
        }
    );
    assert_eq!(
        err.to_string(),
        "population 9 is smaller than the sample of 10"
    );
}

#[test]
fn confidence_levels_are_validated() {
    for bad in [0.0, 1.0, -0.5, 1.5, f64::NAN, f64::INFINITY] {
        let err = ConfidenceLevel::new(bad).unwrap_err();
        assert!(matches!(err, Error::InvalidConfidenceLevel { .. }), "{bad}");
        assert!(err.to_string().contains(&format!("{bad}")), "{err}");
    }
    assert_eq!(ConfidenceLevel::new(0.999).unwrap().to_string(), "99.9%");
}

#[test]
fn extreme_shares_stay_in_range_for_every_method() {
    for n in [1u64, 2, 10, 10_000_000] {
        for k in [0, n] {
            for method in PROPORTION_METHODS {
                for l in [0.5, 0.95, 0.999] {
                    let est = interval::proportion(k, n, method, level(l)).unwrap();
                    let i = est.interval;
                    assert!(
                        0.0 <= i.lower && i.lower <= i.upper && i.upper <= 1.0,
                        "{method:?} {k}/{n}: {i:?}"
                    );
                    if method != ProportionMethod::AgrestiCoull {
                        assert!(i.contains(est.value), "{method:?} {k}/{n}: {i:?}");
                    }
                }
            }
        }
    }
}

#[test]
fn trinomial_t_needs_spread_and_two_answers() {
    let one = Nps::from_counts(1, 0, 0).unwrap();
    assert!(matches!(
        one.estimate_with(NpsMethod::TrinomialT, ConfidenceLevel::P95),
        Err(Error::TooFewAnswers { .. })
    ));
    let all_promoters = Nps::from_counts(50, 0, 0).unwrap();
    assert_eq!(
        all_promoters
            .estimate_with(NpsMethod::TrinomialT, ConfidenceLevel::P95)
            .unwrap_err(),
        Error::ZeroVariance {
            what: "a trinomial t interval",
            n: 50
        }
    );
    // Wald collapses; adjusted Wald does not, and stays within ±100.
    let wald = all_promoters
        .estimate_with(NpsMethod::Wald, ConfidenceLevel::P95)
        .unwrap();
    assert_eq!((wald.interval.lower, wald.interval.upper), (100.0, 100.0));
    let adj = all_promoters.estimate(ConfidenceLevel::P95).unwrap();
    assert!(adj.interval.lower < 100.0 && adj.interval.upper <= 100.0);
    assert_eq!(adj.value, 100.0);
}

#[test]
fn mean_interval_errors() {
    let same = Mean::from_tally(&Tally::from_scores(Scale::CSAT_5, &[4, 4, 4]).unwrap()).unwrap();
    assert_eq!(
        same.estimate(ConfidenceLevel::P95).unwrap_err(),
        Error::ZeroVariance {
            what: "a t interval",
            n: 3
        }
    );
    let one = Mean::from_tally(&Tally::from_scores(Scale::CSAT_5, &[4]).unwrap()).unwrap();
    assert!(matches!(
        one.estimate(ConfidenceLevel::P95),
        Err(Error::TooFewAnswers { .. })
    ));
}

#[test]
fn comparisons_check_what_they_compare() {
    let a = TopBox::top(&Tally::from_scores(Scale::CSAT_5, &[5, 4, 1]).unwrap(), 2).unwrap();
    let b = TopBox::top(&Tally::from_scores(Scale::CSAT_5, &[5, 1, 1]).unwrap(), 1).unwrap();
    assert!(matches!(
        compare::top_box(&a, &b, ConfidenceLevel::P95),
        Err(Error::Incomparable { .. })
    ));
    let m5 = Mean::from_tally(&Tally::from_scores(Scale::CSAT_5, &[5, 4, 1]).unwrap()).unwrap();
    let m7 = Mean::from_tally(&Tally::from_scores(Scale::CES_7, &[5, 4, 1]).unwrap()).unwrap();
    assert!(matches!(
        compare::means(&m5, &m7, ConfidenceLevel::P95),
        Err(Error::ScaleMismatch { .. })
    ));
    let all_in = TopBox::top(&Tally::from_scores(Scale::CSAT_5, &[5, 5]).unwrap(), 2).unwrap();
    assert!(matches!(
        compare::top_box(&all_in, &all_in, ConfidenceLevel::P95),
        Err(Error::ZeroVariance { .. })
    ));
    let p = Nps::from_counts(5, 0, 0).unwrap();
    assert!(matches!(
        compare::nps_with(&p, &p, NpsDifferenceMethod::Wald, ConfidenceLevel::P95),
        Err(Error::ZeroVariance { .. })
    ));
}

#[test]
fn comparison_display_reads_like_a_report() {
    let c = compare::nps_with(
        &Nps::from_counts(200, 100, 100).unwrap(),
        &Nps::from_counts(150, 150, 100).unwrap(),
        NpsDifferenceMethod::Wald,
        ConfidenceLevel::P90,
    )
    .unwrap();
    assert_eq!(
        c.to_string(),
        "+12.5 points (90% CI +3.1 to +21.9), z = 2.20, p = 0.028, significant"
    );
}

#[test]
fn planning_by_hand_and_errors() {
    let z = ConfidenceLevel::P95.z();
    assert_close(
        plan::margin_of_error_mean(100, 1.2, ConfidenceLevel::P95).unwrap(),
        z * 0.12,
        "mean margin",
    );
    assert_close(
        plan::margin_of_error_nps(400, 0.5, 0.2, ConfidenceLevel::P95).unwrap(),
        100.0 * z * ((0.5 + 0.2 - 0.09f64) / 400.0).sqrt(),
        "nps margin",
    );
    let s =
        plan::sample_size_mean(Margin::points(0.1).unwrap(), 1.0, ConfidenceLevel::P95).unwrap();
    assert_close(s.n, (z * 10.0).powi(2), "mean size");
    assert_eq!(s.n_ceil, 385);
    assert_eq!(
        plan::sample_size_proportion(Margin::percent(5.0).unwrap(), 0.0, ConfidenceLevel::P95)
            .unwrap()
            .n_ceil,
        0
    );
    assert_eq!(
        plan::sample_size_proportion(
            Margin::percent(5.0).unwrap(),
            1.0,
            IntervalSpec::new(ConfidenceLevel::P95).population(1)
        )
        .unwrap()
        .n_ceil,
        0
    );
    assert!(matches!(
        Margin::percent(0.0),
        Err(Error::InvalidArgument { .. })
    ));
    assert!(matches!(
        plan::sample_size_nps(Margin::points(5.0).unwrap(), 0.7, 0.4, ConfidenceLevel::P95),
        Err(Error::InvalidArgument { .. })
    ));
    assert!(matches!(
        plan::margin_of_error_proportion(0, 0.5, ConfidenceLevel::P95),
        Err(Error::InvalidArgument { name: "n", .. })
    ));
    assert!(matches!(
        plan::margin_of_error_proportion(10, 1.5, ConfidenceLevel::P95),
        Err(Error::InvalidArgument { name: "p", .. })
    ));
    assert!(matches!(
        plan::margin_of_error_mean(10, f64::NAN, ConfidenceLevel::P95),
        Err(Error::InvalidArgument { .. })
    ));
    // The population correction: fewer answers needed, margin shrinks.
    let full = plan::sample_size_nps(Margin::points(5.0).unwrap(), 0.4, 0.2, ConfidenceLevel::P95)
        .unwrap();
    let finite = plan::sample_size_nps(
        Margin::points(5.0).unwrap(),
        0.4,
        0.2,
        IntervalSpec::new(ConfidenceLevel::P95).population(2000),
    )
    .unwrap();
    assert_close(
        finite.n,
        full.n / (1.0 + (full.n - 1.0) / 2000.0),
        "fpc size",
    );
}

#[test]
fn weighted_estimates_use_the_effective_sample_size() {
    let mut t = Tally::new(Scale::CSAT_5);
    t.extend_weighted_scores(&[5u8, 5, 4, 2, 1, 3], &[2.0, 1.0, 1.0, 0.5, 0.5, 1.0])
        .unwrap();
    let top = TopBox::top(&t, 2).unwrap();
    let est = top
        .estimate_with(ProportionMethod::Wald, ConfidenceLevel::P95)
        .unwrap();
    let p = 4.0 / 6.0;
    let n_eff = 36.0 / 7.5;
    assert_close(est.value, p, "share");
    assert_close(est.effective_n, n_eff, "n_eff");
    assert_close(est.std_error, (p * (1.0 - p) / n_eff).sqrt(), "se");
    assert_eq!(est.n, 6);
}

fn tally_strategy() -> impl Strategy<Value = Tally> {
    prop::collection::vec(0u64..40, 11).prop_map(|c| Tally::from_counts(Scale::NPS, &c).unwrap())
}

proptest! {
    #[test]
    fn proportion_intervals_behave(n in 1u64..2000, k_frac in 0.0f64..=1.0, l1 in 0.5f64..0.999, dl in 0.0f64..0.5, pop_extra in 0u64..5000) {
        let k = ((n as f64) * k_frac).round() as u64;
        let l2 = (l1 + dl).min(0.999);
        for method in PROPORTION_METHODS {
            let lo = interval::proportion(k, n, method, level(l1)).unwrap();
            let hi = interval::proportion(k, n, method, level(l2)).unwrap();
            for e in [&lo, &hi] {
                prop_assert!(0.0 <= e.interval.lower && e.interval.lower <= e.interval.upper && e.interval.upper <= 1.0);
            }
            if method != ProportionMethod::AgrestiCoull {
                prop_assert!(lo.interval.contains(lo.value), "{:?} {}/{} {:?}", method, k, n, lo.interval);
            }
            prop_assert!(hi.interval.lower <= lo.interval.lower + 1e-12 && hi.interval.upper >= lo.interval.upper - 1e-12,
                "{:?} {}/{}: {:?} at {} vs {:?} at {}", method, k, n, lo.interval, l1, hi.interval, l2);
            let fpc = interval::proportion(k, n, method, IntervalSpec::new(level(l1)).population(n + pop_extra)).unwrap();
            prop_assert!(fpc.interval.width() <= lo.interval.width() + 1e-12, "{:?}: fpc widened", method);
        }
    }

    #[test]
    fn nps_intervals_behave(t in tally_strategy(), l1 in 0.5f64..0.999, dl in 0.0f64..0.5, pop_extra in 0u64..500) {
        prop_assume!(t.n() > 0);
        let nps = Nps::from_tally(&t).unwrap();
        let l2 = (l1 + dl).min(0.999);
        for method in NPS_METHODS {
            let (Ok(lo), Ok(hi)) = (nps.estimate_with(method, level(l1)), nps.estimate_with(method, level(l2))) else {
                prop_assert_eq!(method, NpsMethod::TrinomialT);
                continue;
            };
            for e in [&lo, &hi] {
                prop_assert!(-100.0 <= e.interval.lower && e.interval.lower <= e.interval.upper && e.interval.upper <= 100.0);
            }
            if method != NpsMethod::AdjustedWald {
                prop_assert!(lo.interval.contains(lo.value));
            }
            prop_assert!(hi.interval.lower <= lo.interval.lower + 1e-9 && hi.interval.upper >= lo.interval.upper - 1e-9);
            let fpc = nps.estimate_with(method, IntervalSpec::new(level(l1)).population(t.n() + pop_extra)).unwrap();
            prop_assert!(fpc.interval.width() <= lo.interval.width() + 1e-9);
        }
    }

    #[test]
    fn mean_intervals_behave(t in tally_strategy(), l1 in 0.5f64..0.999, dl in 0.0f64..0.5) {
        let Ok(m) = Mean::from_tally(&t) else { return Ok(()) };
        let l2 = (l1 + dl).min(0.999);
        if let (Ok(lo), Ok(hi)) = (m.estimate(level(l1)), m.estimate(level(l2))) {
            prop_assert!(lo.interval.contains(lo.value));
            prop_assert!(hi.interval.lower <= lo.interval.lower + 1e-12 && hi.interval.upper >= lo.interval.upper - 1e-12);
        }
    }

    #[test]
    fn a_tally_compared_with_itself_shows_no_change(t in tally_strategy()) {
        prop_assume!(t.n() > 1);
        let nps = Nps::from_tally(&t).unwrap();
        if let Ok(c) = compare::nps(&nps, &nps, ConfidenceLevel::P95) {
            prop_assert_eq!(c.difference, 0.0);
            prop_assert_eq!(c.p_value, 1.0);
            prop_assert!(!c.significant && c.interval.contains(0.0));
        }
        let top = TopBox::top(&t, 2).unwrap();
        for method in [DifferenceMethod::Newcombe, DifferenceMethod::Wald] {
            if let Ok(c) = compare::top_box_with(&top, &top, method, ConfidenceLevel::P95) {
                prop_assert_eq!((c.difference, c.p_value), (0.0, 1.0));
                prop_assert!(c.interval.contains(0.0));
            }
        }
        let m = Mean::from_tally(&t).unwrap();
        if let Ok(c) = compare::means(&m, &m, ConfidenceLevel::P95) {
            prop_assert_eq!((c.difference, c.p_value), (0.0, 1.0));
        }
    }
}
