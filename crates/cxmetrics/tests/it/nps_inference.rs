//! Issue 9: NPS and share inference at the edges (regressions for each
//! defect), the new intervals and tests, multiplicity and power. Expected
//! values are hand computations written out here or mpmath at 30–40
//! digits (quoted).
#![expect(
    clippy::excessive_precision,
    reason = "reference values are quoted as mpmath printed them"
)]

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
    // Huge spreads and margins (issue 13, item 9): no early overflow.
    let s = plan::sample_size_mean(Margin::points(1e200).unwrap(), 1e200, level).unwrap();
    assert_eq!(s.n_ceil, 4); // (z·σ/E)² = z² = 3.84
    let m = plan::margin_of_error_mean(4, 1e308, level).unwrap();
    assert_close(m, Z95 / 2.0 * 1e308, "huge margin");
    // Populations beyond 2^53: the size asked for meets the margin.
    for big_n in [(1u64 << 53) + 1, 1 << 60, u64::MAX] {
        let s =
            plan::sample_size_proportion(Margin::percent(0.01).unwrap(), 0.5, spec(level, big_n))
                .unwrap();
        let m = plan::margin_of_error_proportion(s.n_ceil, 0.5, spec(level, big_n)).unwrap();
        assert!(m <= 1e-4, "N {big_n}: n {} gives margin {m}", s.n_ceil);
    }
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

#[test]
fn one_sample_tests_by_hand() {
    use cxmetrics::{Mean, NetScore, one_sample};
    let level = ConfidenceLevel::P95;
    // NPS (60, 25, 15) against 30 points: Tango's T at Δ₀ = 0.3, by hand.
    let (p, d, n, t0): (f64, f64, f64, f64) = (60.0, 15.0, 100.0, 0.3);
    let (a, b, c) = (
        2.0 * n,
        -p - d + (2.0 * n - p + d) * t0,
        -d * t0 * (1.0 - t0),
    );
    let q = ((b * b - 4.0 * a * c).sqrt() - b) / (2.0 * a);
    let t = (p - d - n * t0) / (n * (2.0 * q + t0 * (1.0 - t0))).sqrt();
    let nps = Nps::from_counts(60, 25, 15).unwrap();
    let cmp = one_sample::nps(&nps, 30.0, level).unwrap();
    assert_close(cmp.statistic, t, "tango z");
    assert_close(cmp.difference, 15.0, "difference");
    let tango = nps.estimate_with(NpsMethod::Tango, level).unwrap();
    assert_close(cmp.interval.lower, tango.interval.lower - 30.0, "interval");
    // The test inverts the interval: significant exactly outside it.
    for target in (-100..=100).step_by(5) {
        let target = f64::from(target);
        // A target of ±100 that the data contradict has an infinite score
        // statistic: an error since issue 21.
        let Ok(c) = one_sample::nps(&nps, target, level) else {
            assert_eq!(target.abs(), 100.0);
            continue;
        };
        let outside = !tango.interval.contains(target);
        let near_edge = (target - tango.interval.lower).abs() < 1e-6
            || (target - tango.interval.upper).abs() < 1e-6;
        assert!(
            near_edge || c.significant == outside,
            "target {target}: {c:?}"
        );
        assert!((0.0..=1.0).contains(&c.p_value));
    }
    assert!(one_sample::nps(&nps, 120.0, level).is_err());
    // A share of 80 of 100 against 75%.
    let t = Tally::from_counts(Scale::CSAT_5, &[5, 5, 10, 40, 40]).unwrap();
    let top = TopBox::top(&t, 2).unwrap();
    let c = one_sample::share(&top, 0.75, level).unwrap();
    let z: f64 = 0.05 / (0.75f64 * 0.25 / 100.0).sqrt();
    assert_close(c.statistic, z, "share z");
    let wilson = top.estimate(level).unwrap();
    assert_close(
        c.interval.upper,
        wilson.interval.upper - 0.75,
        "share interval",
    );
    assert!(one_sample::share(&top, 1.0, level).is_err());
    // A mean of 1, 2, 2, 3, 5 against 2: t = 0.6/(s/√5), s² = 2.3.
    let t = Tally::from_scores(Scale::CSAT_5, &[1u8, 2, 2, 3, 5]).unwrap();
    let m = Mean::from_tally(&t).unwrap();
    let c = one_sample::mean(&m, 2.0, level).unwrap();
    assert_close(c.statistic, 0.6 / (2.3f64 / 5.0).sqrt(), "t");
    assert_eq!(c.df, Some(4.0));
    let one = Mean::from_tally(&Tally::from_scores(Scale::CSAT_5, &[3u8]).unwrap()).unwrap();
    assert!(matches!(
        one_sample::mean(&one, 2.0, level),
        Err(Error::TooFewAnswers { .. })
    ));
    // A net score against a target, and two net scores, like NPS.
    let nps_tally = Tally::from_counts(Scale::NPS, &[15, 0, 0, 0, 0, 0, 0, 25, 0, 0, 60]).unwrap();
    let net = NetScore::from_tally(&nps_tally, 2, 7).unwrap();
    let c = one_sample::net_score(&net, 30.0, level).unwrap();
    assert_close(c.statistic, t_of(&cmp), "net = nps");
    let same = compare::net_scores(&net, &net, level).unwrap();
    assert_eq!((same.difference, same.p_value), (0.0, 1.0));
}

fn t_of(c: &cxmetrics::compare::Comparison) -> f64 {
    c.statistic
}

#[test]
fn segment_families_are_adjusted_together() {
    use cxmetrics::Segmented;
    use cxmetrics::multiplicity::{self, Adjustment};
    use cxmetrics::segment::Score;
    let level = ConfidenceLevel::P95;
    let mut s = Segmented::new(Scale::NPS);
    let groups: [(&str, [u64; 11]); 3] = [
        ("a", [2, 0, 0, 0, 0, 0, 3, 0, 5, 0, 30]),
        ("b", [10, 0, 0, 0, 0, 5, 5, 5, 5, 0, 10]),
        ("c", [4, 0, 0, 0, 0, 0, 6, 10, 0, 0, 20]),
    ];
    for (key, counts) in &groups {
        s.merge_tally(*key, &Tally::from_counts(Scale::NPS, counts).unwrap())
            .unwrap();
    }
    let rest_of = |i: usize| {
        let mut rest = Tally::new(Scale::NPS);
        for (j, (_, counts)) in groups.iter().enumerate() {
            if j != i {
                rest.merge(&Tally::from_counts(Scale::NPS, counts).unwrap())
                    .unwrap();
            }
        }
        rest
    };
    let tests = s.versus_rest(Score::nps(), level);
    let raw: Vec<f64> = (0..3)
        .map(|i| {
            let seg =
                Nps::from_tally(&Tally::from_counts(Scale::NPS, &groups[i].1).unwrap()).unwrap();
            compare::nps(&seg, &Nps::from_tally(&rest_of(i)).unwrap(), level)
                .unwrap()
                .p_value
        })
        .collect();
    let holm = multiplicity::adjust(&raw, Adjustment::Holm).unwrap();
    for (i, t) in tests.iter().enumerate() {
        let c = t.comparison.as_ref().unwrap();
        assert_eq!(t.key, groups[i].0);
        assert_close(c.p_value, raw[i], "raw p");
        assert_close(c.adjusted_p_value.unwrap(), holm[i], "holm p");
        assert_eq!(c.significant, holm[i] < 0.05);
    }
    // Against the total: the difference is segment − total, same test.
    let total = Nps::from_tally(&s.total().unwrap()).unwrap().score();
    for (i, t) in s.versus_total(Score::nps(), level).iter().enumerate() {
        let c = t.comparison.as_ref().unwrap();
        let seg = Nps::from_tally(&Tally::from_counts(Scale::NPS, &groups[i].1).unwrap()).unwrap();
        assert_close(c.difference, seg.score() - total, "segment - total");
        assert_close(c.p_value, raw[i], "same test");
    }
    // A trend adjusts its changes; significant follows the adjusted p.
    let trend = s.trend(Score::nps(), level);
    let changes: Vec<_> = trend
        .iter()
        .skip(1)
        .map(|p| p.change.clone().unwrap().unwrap())
        .collect();
    let adj = multiplicity::adjust(
        &changes.iter().map(|c| c.p_value).collect::<Vec<_>>(),
        Adjustment::Holm,
    )
    .unwrap();
    for (c, a) in changes.iter().zip(adj) {
        assert_eq!(c.adjusted_p_value, Some(a));
        assert_eq!(c.significant, a < 0.05);
    }
    let shrunk = s.shrunken_nps().unwrap();
    assert_eq!(shrunk.estimates.len(), 3);
}

#[test]
fn a_family_member_shows_its_adjusted_p_value() {
    use cxmetrics::multiplicity::{self, Adjustment};
    let a = Nps::from_counts(60, 20, 20).unwrap();
    let b = Nps::from_counts(45, 25, 30).unwrap();
    let mut family = vec![
        compare::nps(&a, &b, ConfidenceLevel::P95),
        compare::nps(&b, &b, ConfidenceLevel::P95),
        compare::nps(&a, &a, ConfidenceLevel::P95),
    ];
    multiplicity::adjust_comparisons(&mut family, Adjustment::Holm).unwrap();
    let c = family[0].as_ref().unwrap();
    let adjusted = 3.0 * c.p_value; // the smallest of three, times three
    assert_close(c.adjusted_p_value.unwrap(), adjusted, "holm");
    assert!(
        c.to_string().contains(&format!("(adjusted {adjusted:.3})")),
        "{c}"
    );
}

#[cfg(feature = "serde")]
#[test]
fn new_outputs_round_trip_through_json() {
    use cxmetrics::segment::Score;
    use cxmetrics::{SegmentTest, Segmented, shrinkage};
    let mut s = Segmented::new(Scale::NPS);
    s.extend_scores(&["a", "a", "a", "b", "b", "b"], &[10u8, 9, 3, 6, 7, 10])
        .unwrap();
    let tests = s.versus_rest(Score::nps(), ConfidenceLevel::P95);
    let json = serde_json::to_string(&tests).unwrap();
    let back: Vec<SegmentTest<String>> = serde_json::from_str(&json).unwrap();
    assert_eq!(back.len(), 2);
    assert_eq!(
        back[0].comparison.as_ref().unwrap(),
        tests[0].comparison.as_ref().unwrap()
    );
    let shrunk = shrinkage::normal(&[1.0, 5.0], &[1.0, 2.0]).unwrap();
    let back: shrinkage::Shrinkage =
        serde_json::from_str(&serde_json::to_string(&shrunk).unwrap()).unwrap();
    assert_eq!(back, shrunk);
    let size = plan::sample_size_nps(Margin::points(5.0).unwrap(), 0.4, 0.2, ConfidenceLevel::P95)
        .unwrap();
    let back: plan::SampleSize =
        serde_json::from_str(&serde_json::to_string(&size).unwrap()).unwrap();
    assert_eq!(back, size);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]
    #[test]
    fn tango_and_bayes_are_ordered_finite_and_scale_free(
        p in 0u64..400, a in 0u64..400, d in 0u64..400, level in 0.5f64..0.999, w in 0.001f64..1000.0,
    ) {
        proptest::prop_assume!(p + a + d > 0);
        let level = ConfidenceLevel::new(level).unwrap();
        for method in [NpsMethod::Tango, NpsMethod::Bayes] {
            let est = interval::nps(p, a, d, method, level).unwrap();
            let i = est.interval;
            proptest::prop_assert!(i.lower.is_finite() && i.upper.is_finite());
            proptest::prop_assert!(-100.0 <= i.lower && i.lower <= i.upper && i.upper <= 100.0);
            // Rescaling every weight changes nothing.
            let mut counts = [0u64; 11];
            counts[10] = p;
            counts[8] = a;
            counts[0] = d;
            let scores: Vec<u8> = counts
                .iter()
                .enumerate()
                .flat_map(|(s, &c)| std::iter::repeat_n(s as u8, c as usize))
                .collect();
            let weighted = |w: f64| {
                let mut t = Tally::new(Scale::NPS);
                t.extend_weighted_scores(&scores, &vec![w; scores.len()]).unwrap();
                Nps::from_tally(&t).unwrap().estimate_with(method, level)
            };
            match (weighted(w), weighted(3.75 * w)) {
                (Ok(x), Ok(y)) => {
                    let (x, y) = (x.interval, y.interval);
                    proptest::prop_assert!(
                        (x.lower - y.lower).abs() < 1e-9 && (x.upper - y.upper).abs() < 1e-9,
                        "{:?} vs {:?}", x, y
                    );
                    proptest::prop_assert!(-100.0 <= x.lower && x.lower <= x.upper && x.upper <= 100.0);
                }
                (Err(x), Err(y)) => proptest::prop_assert_eq!(x, y),
                (x, y) => proptest::prop_assert!(false, "{:?} vs {:?}", x, y),
            }
        }
    }
}
