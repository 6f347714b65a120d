//! Issue 9: NPS and share inference at the edges (regressions for each
//! defect), the new intervals and tests, multiplicity and power. Expected
//! values are hand computations written out here or mpmath at 30–40
//! digits (quoted).

use cxmetrics::compare::{self, DifferenceMethod};
use cxmetrics::interval::{self, IntervalSpec, NpsMethod, ProportionMethod};
use cxmetrics::{ConfidenceLevel, Error, Margin, Nps, Scale, Tally, TopBox, plan};

use crate::assert_close;

const Z95: f64 = 1.959963984540054;

fn spec(level: ConfidenceLevel, population: u64) -> IntervalSpec {
    IntervalSpec::new(level).population(population)
}

#[test]
fn adjusted_wald_with_a_census_returns_the_score_itself() {
    for ((p, a, d), big_n, nps) in [
        ((3, 1, 1), 5, 40.0),
        ((40, 35, 25), 100, 15.0),
        ((10, 0, 0), 10, 100.0),
    ] {
        let est = interval::nps(
            p,
            a,
            d,
            NpsMethod::AdjustedWald,
            spec(ConfidenceLevel::P95, big_n),
        )
        .unwrap();
        assert_close(est.value, nps, "census score");
        assert_eq!(
            (est.interval.lower, est.interval.upper),
            (est.value, est.value),
            "{p} {a} {d}"
        );
        assert_eq!(est.std_error, 0.0);
    }
}

#[test]
fn adjusted_wald_with_a_population_works_on_the_effective_n() {
    // (10, 0, 0) of N = 11: n(N − 1)/(N − n) = 100 effective answers, all
    // promoters; then 3 pseudo-answers, ¾ promoter and ¾ detractor.
    let est = interval::nps(
        10,
        0,
        0,
        NpsMethod::AdjustedWald,
        spec(ConfidenceLevel::P95, 11),
    )
    .unwrap();
    let (pa, da): (f64, f64) = (100.75 / 103.0, 0.75 / 103.0);
    let se = ((pa + da - (pa - da) * (pa - da)) / 103.0).sqrt();
    assert_close(est.interval.lower, 100.0 * (pa - da - Z95 * se), "lower");
    assert_eq!(est.interval.upper, 100.0); // clipped
    // Every attainable population NPS is 81.8, 90.9 or 100.
    assert!(est.interval.lower > 81.8 && est.interval.lower < 100.0);
    // Wald with a population is exactly the standard error times the FPC.
    let wald = interval::nps(
        45,
        30,
        25,
        NpsMethod::Wald,
        spec(ConfidenceLevel::P95, 1000),
    )
    .unwrap();
    let plain = interval::nps(45, 30, 25, NpsMethod::Wald, ConfidenceLevel::P95).unwrap();
    assert_close(
        wald.std_error,
        plain.std_error * (900.0f64 / 999.0).sqrt(),
        "fpc se",
    );
}

#[test]
fn shares_near_one_keep_their_digits() {
    // 10^7 of 10^7 against 9,999,999 of 10^7 (mpmath, 40 digits).
    let yes_no = |k: u64, n: u64| {
        let t = Tally::from_counts(
            Scale::new(0, 1, cxmetrics::Polarity::HigherIsBetter).unwrap(),
            &[n - k, k],
        )
        .unwrap();
        TopBox::top(&t, 1).unwrap()
    };
    let (a, b) = (
        yes_no(10_000_000, 10_000_000),
        yes_no(9_999_999, 10_000_000),
    );
    let level = ConfidenceLevel::P95;
    let newcombe = compare::top_box_with(&a, &b, DifferenceMethod::Newcombe, level).unwrap();
    let wald = compare::top_box_with(&a, &b, DifferenceMethod::Wald, level).unwrap();
    assert_close(newcombe.statistic, 1.0000000250000009375, "z");
    assert_close(newcombe.p_value, 0.31731049576437757441, "p");
    assert_close(wald.interval.lower, -9.5996388654185255857e-8, "wald lower");
    assert_close(wald.interval.upper, 2.9599638865418525586e-7, "wald upper");
    assert_close(
        newcombe.interval.lower,
        -2.928728336064423662e-7,
        "newcombe lower",
    );
    assert_close(
        newcombe.interval.upper,
        5.6649320196064624426e-7,
        "newcombe upper",
    );
    let one = interval::proportion(9_999_999, 10_000_000, ProportionMethod::Wald, level).unwrap();
    assert_close(
        one.interval.lower,
        0.99999970400361134581,
        "wald share lower",
    );
}

#[test]
fn planning_never_asks_for_more_than_the_population() {
    let level = ConfidenceLevel::P95;
    // n₀ below 1 (a 100% margin of a share of ½: n₀ = 0.96) out of 1.
    let s =
        plan::sample_size_proportion(Margin::percent(100.0).unwrap(), 0.5, spec(level, 1)).unwrap();
    assert_eq!(s.n_ceil, 1);
    assert_close(s.n, 1.0, "n of 1");
    for big_n in [1u64, 2, 3, 7, 1000, 1 << 40] {
        for percent in [1e-8, 0.01, 3.0, 50.0, 100.0] {
            let s = plan::sample_size_proportion(
                Margin::percent(percent).unwrap(),
                0.5,
                spec(level, big_n),
            )
            .unwrap();
            assert!(
                s.n_ceil <= big_n && s.n <= big_n as f64,
                "{percent}% of {big_n}: {s:?}"
            );
            // n = n₀N/(n₀ + N − 1), by hand.
            let n0 = (Z95 * 0.5 / (percent / 100.0)).powi(2);
            let by_hand = n0 * big_n as f64 / (n0 + (big_n - 1) as f64);
            assert_close(s.n, by_hand, "n");
        }
    }
    // A margin of 1e-10 (as a fraction) out of 1,000 asks for all 1,000.
    let s = plan::sample_size_proportion(Margin::fraction(1e-10).unwrap(), 0.5, spec(level, 1000))
        .unwrap();
    assert_eq!(s.n_ceil, 1000);
    // A margin so small that n₀ overflows: the whole population.
    let s = plan::sample_size_nps(Margin::points(1e-300).unwrap(), 0.5, 0.2, spec(level, 5000))
        .unwrap();
    assert_eq!((s.n, s.n_ceil), (5000.0, 5000));
}

#[test]
fn exact_intervals_with_a_population_beyond_ten_billion_effective_answers() {
    // n = 10^6 of N = 10^6 + 1: the corrected n is 10^12. mpmath (40
    // digits, the beta CDF by quadrature, bisected) for Clopper-Pearson.
    let s = spec(ConfidenceLevel::P95, 1_000_001);
    for (k, lower, upper) in [
        (1, 9.9804098431738458421e-7, 1.001961910962551427e-6),
        (300_000, 0.29999910183174700837, 0.30000089816941071483),
    ] {
        let est = interval::proportion(k, 1_000_000, ProportionMethod::ClopperPearson, s).unwrap();
        assert_close(est.interval.lower, lower, "cp lower");
        assert_close(est.interval.upper, upper, "cp upper");
        let j = interval::proportion(k, 1_000_000, ProportionMethod::Jeffreys, s).unwrap();
        assert!(
            j.interval.lower > lower && j.interval.upper < upper,
            "{j:?}"
        );
    }
}

#[test]
fn the_hypergeometric_interval_is_exact_for_small_populations() {
    let s = spec(ConfidenceLevel::P95, 400);
    let est = interval::proportion(0, 40, ProportionMethod::Hypergeometric, s).unwrap();
    assert_eq!((est.interval.lower, est.interval.upper), (0.0, 0.0825));
    let cp = interval::proportion(0, 40, ProportionMethod::ClopperPearson, s).unwrap();
    assert!(cp.interval.upper < 0.0825);
    // A census is the share itself; without a population it is an error.
    let census = interval::proportion(
        7,
        20,
        ProportionMethod::Hypergeometric,
        spec(ConfidenceLevel::P95, 20),
    )
    .unwrap();
    assert_eq!((census.interval.lower, census.interval.upper), (0.35, 0.35));
    assert!(matches!(
        interval::proportion(
            7,
            20,
            ProportionMethod::Hypergeometric,
            ConfidenceLevel::P95
        ),
        Err(Error::InvalidArgument { .. })
    ));
}

#[test]
fn tango_and_bayes_cover_the_range() {
    for (p, a, d) in [
        (0, 0, 1),
        (1, 0, 0),
        (0, 5, 0),
        (3, 0, 7),
        (1_000_000, 10, 0),
        (2, 3_000_000, 1),
    ] {
        for method in [NpsMethod::Tango, NpsMethod::Bayes] {
            for level in [0.5, 0.8, 0.95, 0.999] {
                let level = ConfidenceLevel::new(level).unwrap();
                let est = interval::nps(p, a, d, method, level).unwrap();
                let i = est.interval;
                assert!(i.lower.is_finite() && i.upper.is_finite());
                assert!(
                    -100.0 <= i.lower && i.lower <= i.upper && i.upper <= 100.0,
                    "{p} {a} {d} {method:?} {i:?}"
                );
                if method == NpsMethod::Tango {
                    assert!(i.contains(est.value), "{p} {a} {d} {i:?}");
                }
            }
        }
    }
    // No promoters or detractors: Tango's bounds are ∓100·z²/(n + z²).
    let est = interval::nps(0, 30, 0, NpsMethod::Tango, ConfidenceLevel::P95).unwrap();
    assert_close(
        est.interval.upper,
        100.0 * Z95 * Z95 / (30.0 + Z95 * Z95),
        "tango upper",
    );
    // A census returns the score for both.
    for method in [NpsMethod::Tango, NpsMethod::Bayes] {
        let est = interval::nps(6, 3, 1, method, spec(ConfidenceLevel::P95, 10)).unwrap();
        assert_eq!((est.interval.lower, est.interval.upper), (50.0, 50.0));
    }
}

#[test]
fn nps_methods_display_their_names() {
    let nps = Nps::from_counts(6, 3, 1).unwrap();
    let est = nps
        .estimate_with(NpsMethod::Bayes, ConfidenceLevel::P95)
        .unwrap();
    assert_eq!(est.method.to_string(), "Bayesian (Jeffreys prior)");
    let est = nps
        .estimate_with(NpsMethod::Tango, ConfidenceLevel::P95)
        .unwrap();
    assert_eq!(est.method.to_string(), "Tango score");
}
