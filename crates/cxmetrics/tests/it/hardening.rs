//! Regression tests for issue 13 (hardening): one per finding, each with
//! the repro from the issue. Expected values come from hand computations
//! or from the same data with ordinary weights (every score is invariant
//! to rescaling the weights).

use cxmetrics::{ConfidenceLevel, Error, Estimate, Mean, Nps, Scale, Tally, TopBox};

use crate::{NPS_METHODS, PROPORTION_METHODS, assert_close};

fn weighted(scale: Scale, scores: &[u8], weights: &[f64]) -> Tally {
    let mut t = Tally::new(scale);
    t.extend_weighted_scores(scores, weights).unwrap();
    t
}

fn assert_same_estimate(a: &Estimate, b: &Estimate, what: &str) {
    assert_close(a.value, b.value, what);
    assert_close(a.std_error, b.std_error, what);
    assert_close(a.interval.lower, b.interval.lower, what);
    assert_close(a.interval.upper, b.interval.upper, what);
    assert_close(a.effective_n, b.effective_n, what);
}

/// Every estimate a tally offers, by every method that applies.
fn all_estimates(t: &Tally) -> Vec<Result<Estimate, Error>> {
    let mut out = Vec::new();
    let level = ConfidenceLevel::P95;
    if t.scale() == Scale::NPS {
        let nps = Nps::from_tally(t).unwrap();
        for m in NPS_METHODS {
            out.push(nps.estimate_with(m, level));
        }
    }
    for k in 1..t.scale().len() as u32 {
        let top = TopBox::top(t, k).unwrap();
        for m in PROPORTION_METHODS {
            out.push(top.estimate_with(m, level));
        }
    }
    out.push(Mean::from_tally(t).unwrap().estimate(level));
    out
}

fn finite(e: &Estimate) -> bool {
    [
        e.value,
        e.std_error,
        e.interval.lower,
        e.interval.upper,
        e.effective_n,
    ]
    .iter()
    .all(|x| x.is_finite())
        && e.interval.lower <= e.interval.upper
}

/// Issue 13, finding 3: weight sums that overflow f64.
#[test]
fn finding_3_weight_sums_beyond_f64_give_finite_correct_scores() {
    // Weights [1e308, 1e308] on scores [10, 0]: NPS 0 from 2 equal weights.
    let huge = weighted(Scale::NPS, &[10, 0], &[1e308, 1e308]);
    // Equal weights other than 1: weighted like `huge` (weights of exactly
    // 1 are unweighted data, whose intervals use the exact counts).
    let unit = weighted(Scale::NPS, &[10, 0], &[2.0, 2.0]);
    assert!(matches!(
        huge.total_weight(),
        Err(Error::WeightSumOutOfRange { .. })
    ));
    assert!(huge.total_weight_squared().is_err());
    assert_close(huge.effective_n(), 2.0, "Kish n of two equal weights");
    assert_eq!(Nps::from_tally(&huge).unwrap().score(), 0.0);
    for (a, b) in all_estimates(&huge).iter().zip(all_estimates(&unit)) {
        match (a, b) {
            (Ok(a), Ok(b)) => {
                assert!(finite(a), "{a:?}");
                assert_same_estimate(a, &b, "1e308 weights vs unit weights");
            }
            (Err(a), Err(b)) => assert_eq!(a, &b),
            (a, b) => panic!("{a:?} vs {b:?}"),
        }
    }
    // Weights of 1e200: fine score and now finite Wald/Wilson intervals.
    let big = weighted(Scale::NPS, &[10, 9, 3, 7], &[1e200, 3e200, 2e200, 1e200]);
    let small = weighted(Scale::NPS, &[10, 9, 3, 7], &[1.0, 3.0, 2.0, 1.0]);
    for (a, b) in all_estimates(&big).iter().zip(all_estimates(&small)) {
        if let (Ok(a), Ok(b)) = (a, b) {
            assert!(finite(a), "{a:?}");
            assert_same_estimate(a, &b, "1e200 weights vs ordinary weights");
        }
    }
    // Kish n by hand: (1+3+2+1)² / (1+9+4+1) = 49/15.
    assert_close(big.effective_n(), 49.0 / 15.0, "Kish n at 1e200");
}

#[cfg(feature = "serde")]
#[test]
fn finding_3_overflowing_tallies_round_trip_and_hostile_json_is_rejected() {
    let huge = weighted(Scale::NPS, &[10, 0], &[1e308, 1e308]);
    let text = serde_json::to_string(&huge).unwrap();
    assert!(!text.contains("null"), "{text}");
    assert_eq!(serde_json::from_str::<Tally>(&text).unwrap(), huge);
    // The 0.1 payload from the issue: per-point sums of 1.8e308 with
    // squared sums of 1.8e308 cannot come from one finite weight each.
    let max = "1.7976931348623157e308";
    let payload = format!(
        r#"{{"scale":{{"lowest":1,"highest":5,"polarity":"higher_is_better"}},"counts":[1,0,0,0,1],
            "weights":[{max},0,0,0,{max}],"weights_squared":[{max},0,0,0,{max}],"not_applicable":0}}"#
    );
    let err = serde_json::from_str::<Tally>(&payload)
        .unwrap_err()
        .to_string();
    assert!(err.contains("invalid tally"), "{err}");
}

/// Issue 13, finding 4: squared weights that underflow.
#[test]
fn finding_4_tiny_weights_keep_effective_n_and_intervals() {
    // Weights of 1e-200: effective n and intervals as with weights of 1.
    let tiny = weighted(Scale::NPS, &[10, 9, 3], &[1e-200, 1e-200, 1e-200]);
    // Equal weights other than 1: weighted like `tiny` (weights of exactly
    // 1 are unweighted data, whose intervals use the exact counts).
    let unit = weighted(Scale::NPS, &[10, 9, 3], &[0.5, 0.5, 0.5]);
    assert_close(tiny.effective_n(), 3.0, "Kish n of equal tiny weights");
    assert_close(Nps::from_tally(&tiny).unwrap().score(), 100.0 / 3.0, "NPS");
    for (a, b) in all_estimates(&tiny).iter().zip(all_estimates(&unit)) {
        match (a, b) {
            (Ok(a), Ok(b)) => {
                assert!(finite(a), "{a:?}");
                assert_same_estimate(a, &b, "1e-200 weights vs unit weights");
            }
            (Err(a), Err(b)) => assert_eq!(a, &b),
            (a, b) => panic!("{a:?} vs {b:?}"),
        }
    }
}

#[cfg(feature = "serde")]
#[test]
fn finding_4_tiny_weights_round_trip() {
    let t = weighted(Scale::CSAT_5, &[1, 5], &[1e-162, 1e-162]);
    let text = serde_json::to_string(&t).unwrap();
    assert_eq!(serde_json::from_str::<Tally>(&text).unwrap(), t);
    let t = weighted(Scale::CSAT_5, &[1, 5, 5], &[5e-324, 1e-320, 1e-310]);
    let text = serde_json::to_string(&t).unwrap();
    assert_eq!(serde_json::from_str::<Tally>(&text).unwrap(), t);
}

#[test]
fn finding_4_results_are_invariant_to_power_of_two_scaling_bit_for_bit() {
    let scores = [10u8, 9, 9, 3, 7, 0, 8, 10, 6];
    let weights = [0.3, 1.7, 2.5, 0.01, 1e-3, 4.0, 0.77, 1.0, 3.3];
    let base = weighted(Scale::NPS, &scores, &weights);
    let base_estimates = all_estimates(&base);
    for k in [-540, -1000, -60, 1, 77, 600, 1000] {
        let factor = 2f64.powi(k / 2) * 2f64.powi(k - k / 2);
        let scaled: Vec<f64> = weights.iter().map(|w| w * factor).collect();
        // The factor is exact: every scaled weight is a normal number.
        assert!(scaled.iter().all(|w| w.is_normal()), "2^{k}");
        let t = weighted(Scale::NPS, &scores, &scaled);
        assert_eq!(t.weight_exponent(), base.weight_exponent() + k);
        assert_eq!(
            t.point_sums().collect::<Vec<_>>(),
            base.point_sums().collect::<Vec<_>>()
        );
        assert_eq!(t.effective_n(), base.effective_n());
        assert_eq!(all_estimates(&t), base_estimates, "weights × 2^{k}");
    }
    // One at a time, and merged from parts, the same sums.
    let mut pushed = Tally::new(Scale::NPS);
    for (&s, &w) in scores.iter().zip(&weights) {
        pushed
            .extend_weighted_scores(&[s], &[w * 2f64.powi(-540)])
            .unwrap();
    }
    let scaled = weighted(Scale::NPS, &scores, &weights.map(|w| w * 2f64.powi(-540)));
    assert_eq!(pushed.weight_exponent(), scaled.weight_exponent());
    for (a, b) in pushed.point_sums().zip(scaled.point_sums()) {
        assert_eq!((a.count, a.positive), (b.count, b.positive));
        assert_close(a.weight, b.weight, "merged weight");
        assert_close(a.weight_squared, b.weight_squared, "merged squares");
    }
}

#[test]
fn positive_counts_are_kept_per_point_and_merge() {
    let mut a = weighted(Scale::CSAT_5, &[5, 5, 1, 3], &[0.0, 2.0, 1.0, 0.0]);
    assert_eq!(a.positive_counts(), &[1, 0, 0, 0, 1]);
    assert_eq!((a.n(), a.n_positive()), (4, 2));
    let b = Tally::from_scores(Scale::CSAT_5, &[3u8, 3]).unwrap();
    assert_eq!(b.positive_counts(), b.counts());
    a.merge(&b).unwrap();
    assert_eq!(a.positive_counts(), &[1, 0, 2, 0, 1]);
    assert_eq!(a.n_positive(), 4);
    // Kish n never exceeds the positive-weight answers.
    assert!(a.effective_n() <= 4.0);
    // Scaled sums by hand: largest weight 2 → exponent 1, sums halved.
    assert_eq!(a.weight_exponent(), 1);
    let s: Vec<_> = a.point_sums().collect();
    assert_eq!((s[4].weight, s[4].weight_squared), (1.0, 1.0));
    assert_eq!((s[2].weight, s[2].weight_squared), (1.0, 0.5));
    assert_eq!(a.weight(3), Ok(2.0));
    assert_eq!(a.total_weight(), Ok(5.0));
    assert_eq!(a.total_weight_squared(), Ok(7.0));
}

/// Issue 13, finding 13: serde leniency.
#[cfg(feature = "serde")]
#[test]
fn finding_13_serde_is_strict() {
    let good = r#"{"scale":{"lowest":1,"highest":5,"polarity":"higher_is_better"},"counts":[1,0,0,2,1],
        "positive":[1,0,0,2,1],"weights":[1,0,0,2,1],"weights_squared":[1,0,0,2,1],"weight_exponent":0,"not_applicable":0}"#;
    assert!(serde_json::from_str::<Tally>(good).is_ok());
    // Unknown fields, even "n", are an error.
    let with_n = good.replacen("\"not_applicable\"", "\"n\":999,\"not_applicable\"", 1);
    let err = serde_json::from_str::<Tally>(&with_n)
        .unwrap_err()
        .to_string();
    assert!(err.contains("unknown field `n`"), "{err}");
    // Positive counts above the count, or weight on zero positive answers.
    let bad = good.replace("\"positive\":[1,0,0,2,1]", "\"positive\":[1,0,0,3,1]");
    let err = serde_json::from_str::<Tally>(&bad).unwrap_err().to_string();
    assert!(err.contains("more positive-weight answers"), "{err}");
    let bad = good.replace("\"positive\":[1,0,0,2,1]", "\"positive\":[0,0,0,2,1]");
    let err = serde_json::from_str::<Tally>(&bad).unwrap_err().to_string();
    assert!(err.contains("no answer has a positive weight"), "{err}");
    let bad = good.replace("\"weight_exponent\":0", "\"weight_exponent\":5000");
    let err = serde_json::from_str::<Tally>(&bad).unwrap_err().to_string();
    assert!(err.contains("weight_exponent 5000"), "{err}");
    // Scaled sums far beyond what the exponent allows.
    let bad = good
        .replace("\"weights\":[1,0,0,2,1]", "\"weights\":[1e300,0,0,2,1]")
        .replace(
            "\"weights_squared\":[1,0,0,2,1]",
            "\"weights_squared\":[1e300,0,0,2,1]",
        );
    assert!(serde_json::from_str::<Tally>(&bad).is_err());
    // The rounding allowance cannot lift effective n above n: squares a
    // hair too small for two equal weights.
    let edge = good.replace(
        "\"weights_squared\":[1,0,0,2,1]",
        "\"weights_squared\":[1,0,0,1.9999999999,1]",
    );
    let t = serde_json::from_str::<Tally>(&edge).unwrap();
    assert!(t.effective_n() <= t.n() as f64, "{}", t.effective_n());
    // A 10-million-entry array is refused while parsing, at entry 1,002.
    let mut huge = String::from(
        r#"{"scale":{"lowest":1,"highest":5,"polarity":"higher_is_better"},"counts":["#,
    );
    huge.push_str(&vec!["0"; 10_000_000].join(","));
    huge.push_str(r#"],"weights":[],"weights_squared":[],"not_applicable":0}"#);
    let err = serde_json::from_str::<Tally>(&huge)
        .unwrap_err()
        .to_string();
    assert!(err.contains("more than 1001 entries"), "{err}");
    // Stopped near the start (entry 1,002), not after 20 MB.
    let column: usize = err.rsplit("column ").next().unwrap().parse().unwrap();
    assert!(column < 2100, "{err}");
}

/// 0.1 payloads (no `positive`, no `weight_exponent`) still load, their
/// plain sums scaled on the way in.
#[cfg(feature = "serde")]
#[test]
fn old_payloads_load() {
    let old = r#"{"scale":{"lowest":1,"highest":5,"polarity":"higher_is_better"},"counts":[1,0,0,2,1],
        "weights":[0.5,0,0,5,1],"weights_squared":[0.25,0,0,12.5,1],"not_applicable":0}"#;
    let t: Tally = serde_json::from_str(old).unwrap();
    // 0.1 payloads carry no question label: a preset's range reads back as
    // that preset.
    let api = weighted(Scale::CSAT_5, &[1, 4, 4, 5], &[0.5, 2.5, 2.5, 1.0]);
    assert_eq!(t, api);
}

mod findings {
    use cxmetrics::compare;
    use cxmetrics::interval::ProportionMethod;
    use cxmetrics::segment::Score;
    use cxmetrics::{ConfidenceLevel, Error, Mean, Nps, Scale, Segmented, Tally, TopBox, dist};

    use super::weighted;
    use crate::assert_close;

    fn check_comparison(c: &compare::Comparison) {
        assert!((0.0..=1.0).contains(&c.p_value), "{c:?}");
        assert!(
            c.interval.lower.is_finite() && c.interval.upper.is_finite(),
            "{c:?}"
        );
        assert!(c.interval.lower <= c.interval.upper, "{c:?}");
        assert!(c.difference.is_finite() && c.std_error.is_finite() && c.statistic.is_finite());
    }

    /// Finding 1a: tiny weighted variances made Welch's df 0/0 and
    /// `ln_gamma(NaN)` recursed until the stack overflowed.
    #[test]
    fn finding_1_tiny_weighted_variances_do_not_abort() {
        let a = weighted(
            Scale::CSAT_5,
            &[1, 1, 1, 1, 2],
            &[1.0, 1.0, 1.0, 1.0, 1e-300],
        );
        let b = weighted(Scale::CSAT_5, &[3, 3, 3, 4], &[1.0, 1.0, 1.0, 1e-300]);
        // Welch at Kish's n (design-based is the default since 0.3).
        let c = compare::means_with_variance(
            &Mean::from_tally(&a).unwrap(),
            &Mean::from_tally(&b).unwrap(),
            cxmetrics::design::VarianceMethod::Kish,
            ConfidenceLevel::P95,
        )
        .unwrap();
        check_comparison(&c);
        // By hand: s²_a = (4/3)·2.5e-301 over n_a = 4, s²_b = (3/2)·(1e-300/3)
        // over n_b = 3: variance shares 1/3 and 2/3, so
        // df = 1/((1/9)/3 + (4/9)/2) = 27/7; |t| ~ 1e150, p = 0.
        assert_close(c.df.unwrap(), 27.0 / 7.0, "Welch df");
        assert_eq!(c.p_value, 0.0);
        assert!(c.significant);
        let mut s = Segmented::new(Scale::CSAT_5);
        s.merge_tally(1u8, &a).unwrap();
        s.merge_tally(2u8, &b).unwrap();
        let kish = Score::Mean
            .compare_with_variance(
                &b,
                &a,
                cxmetrics::design::VarianceMethod::Kish,
                ConfidenceLevel::P95,
            )
            .unwrap();
        check_comparison(&kish);
        assert_close(kish.df.unwrap(), 27.0 / 7.0, "Kish trend df");
        // Design-based (the default since 0.3): Σzᵢ² underflows to 0 (in R
        // too), so the trend's change is a named error, not NaN.
        let trend = s.trend(Score::Mean, ConfidenceLevel::P95);
        match trend[1].change.as_ref().unwrap() {
            Ok(change) => check_comparison(change),
            Err(e) => assert!(matches!(e, Error::ZeroVariance { .. }), "{e}"),
        }
    }

    /// Finding 1b: Clopper–Pearson and Jeffreys on overflowing weight sums.
    #[test]
    fn finding_1_exact_intervals_on_huge_weights() {
        let huge = weighted(Scale::CSAT_5, &[5, 1], &[1e308, 1e308]);
        // Equal weights other than 1 (weights of exactly 1 count as unweighted).
        let unit = weighted(Scale::CSAT_5, &[5, 1], &[2.0, 2.0]);
        for m in [ProportionMethod::ClopperPearson, ProportionMethod::Jeffreys] {
            let got = TopBox::top(&huge, 2)
                .unwrap()
                .estimate_with(m, ConfidenceLevel::P95)
                .unwrap();
            let want = TopBox::top(&unit, 2)
                .unwrap()
                .estimate_with(m, ConfidenceLevel::P95)
                .unwrap();
            assert_close(got.interval.lower, want.interval.lower, "lower");
            assert_close(got.interval.upper, want.interval.upper, "upper");
            assert_eq!(got.value, 0.5);
        }
    }

    /// Finding 2: unchecked n_a + n_b in the zero-variance error path.
    #[test]
    fn finding_2_zero_variance_path_checks_the_count_sum() {
        let a = Nps::from_counts(u64::MAX, 0, 0).unwrap();
        let b = Nps::from_counts(1, 0, 0).unwrap();
        let wald = compare::NpsDifferenceMethod::Wald;
        let err = compare::nps_with(&a, &b, wald, ConfidenceLevel::P95).unwrap_err();
        assert_eq!(
            err,
            Error::CountOverflow {
                what: "answers compared",
                count: u64::MAX,
                added: 1
            }
        );
        let ta = Tally::from_counts(Scale::CSAT_5, &[0, 0, 0, 0, u64::MAX]).unwrap();
        let tb = Tally::from_counts(Scale::CSAT_5, &[0, 0, 0, 0, 1]).unwrap();
        let err = compare::top_box(
            &TopBox::top(&ta, 2).unwrap(),
            &TopBox::top(&tb, 2).unwrap(),
            ConfidenceLevel::P95,
        )
        .unwrap_err();
        assert!(matches!(err, Error::CountOverflow { .. }), "{err}");
        // Without overflow the error still names n.
        let c = Nps::from_counts(3, 0, 0).unwrap();
        assert_eq!(
            compare::nps_with(&c, &b, wald, ConfidenceLevel::P95).unwrap_err(),
            Error::ZeroVariance {
                what: "an NPS difference test",
                n: 4
            }
        );
    }

    /// Finding 5: Welch at extreme df gave p = −0.47.
    #[test]
    fn finding_5_welch_at_extreme_df() {
        let a = Tally::from_counts(Scale::CSAT_5, &[9, 0, 0, 0, 0]).unwrap();
        let b = Tally::from_counts(Scale::CSAT_5, &[144_911_246_541_193_216, 0, 0, 0, 9]).unwrap();
        let c = compare::means(
            &Mean::from_tally(&a).unwrap(),
            &Mean::from_tally(&b).unwrap(),
            ConfidenceLevel::P95,
        )
        .unwrap();
        check_comparison(&c);
        // By hand: a has no spread; b has 9 answers 4 points above the
        // rest among n ≈ 1.449e17, so diff = −36/n, se = 12/n, t = −3 and
        // df = n − 1 (the normal limit): p = erfc(3/√2).
        assert_close(c.statistic, -3.0, "t");
        assert_close(c.df.unwrap(), 144_911_246_541_193_224.0, "df");
        assert_close(c.p_value, 0.002_699_796_063_260_186_6, "p");
        assert!(c.significant);
    }

    /// Finding 6: a level whose z is infinite.
    #[test]
    fn finding_6_levels_have_finite_critical_values() {
        let err = ConfidenceLevel::new(0.9999999999999999).unwrap_err();
        assert_eq!(
            err,
            Error::InvalidConfidenceLevel {
                level: 0.9999999999999999
            }
        );
        assert!(err.to_string().contains("at most 0.9999999999999998"));
        let top = ConfidenceLevel::new(0.9999999999999998).unwrap();
        // Φ⁻¹(1 − 1.11e-16) = 8.2095361516013850 (mpmath).
        assert_close(top.z(), 8.209_536_151_601_385, "z");
        let t = Tally::from_scores(Scale::CSAT_5, &[5u8, 4, 1, 2, 5]).unwrap();
        for m in crate::PROPORTION_METHODS {
            let e = TopBox::top(&t, 2).unwrap().estimate_with(m, top).unwrap();
            assert!(
                e.interval.lower.is_finite() && e.interval.upper.is_finite(),
                "{m:?}"
            );
            assert!(e.interval.contains(e.value), "{m:?} {e:?}");
        }
        let e = Mean::from_tally(&t).unwrap().estimate(top).unwrap();
        assert!(
            e.interval.lower.is_finite() && e.interval.upper.is_finite(),
            "{e:?}"
        );
        assert!(e.interval.contains(e.value), "{e:?}");
    }

    /// Finding 7: infinite bounds from t intervals with df near 0 are now
    /// an error naming the degrees of freedom.
    #[test]
    fn finding_7_t_intervals_near_one_effective_answer_are_finite() {
        let t = weighted(Scale::CSAT_5, &[1, 5], &[1.0, 0.0013]);
        let m = Mean::from_tally(&t).unwrap();
        assert!(m.effective_n() > 1.0 && m.effective_n() < 1.01);
        // The design-based t interval has n_positive − 1 = 1 df: finite.
        let e = m.estimate(ConfidenceLevel::P95).unwrap();
        assert!(
            e.interval.lower.is_finite() && e.interval.upper.is_finite(),
            "{e:?}"
        );
        assert!(e.interval.contains(e.value));
        // Welch with df ≈ 0.004: both groups just above one effective answer.
        let u = weighted(Scale::CSAT_5, &[2, 4], &[1.0, 0.002]);
        let mu = Mean::from_tally(&u).unwrap();
        // Design-based (the default since 0.3): finite, on n₊ − 1 = 3 df.
        let c = compare::means(&m, &mu, ConfidenceLevel::P95).unwrap();
        check_comparison(&c);
        assert_eq!(c.df, Some(3.0));
        let err = compare::means_with_variance(
            &m,
            &mu,
            cxmetrics::design::VarianceMethod::Kish,
            ConfidenceLevel::P95,
        )
        .unwrap_err();
        // Issue 21: below one degree of freedom is an error naming the
        // cause (it was UnboundedInterval only once the bound overflowed).
        assert!(
            matches!(
                err,
                Error::TooFewDegreesOfFreedom {
                    what: "a Welch t test",
                    ..
                }
            ),
            "{err}"
        );
        assert!(err.to_string().contains("degrees of freedom"));
        // Just enough effective answers: finite bounds (t_{0.5} at 97.5%
        // is about 25.5, finite).
        let t = weighted(Scale::CSAT_5, &[1, 5], &[1.0, 0.2]);
        let e = Mean::from_tally(&t)
            .unwrap()
            .estimate(ConfidenceLevel::P95)
            .unwrap();
        assert!(e.interval.lower.is_finite() && e.interval.upper.is_finite());
        assert!(e.interval.contains(e.value));
    }

    /// Finding 8: Wilson-cc on weighted data excluded its own estimate.
    #[test]
    fn finding_8_wilson_cc_contains_weighted_estimates() {
        let t = weighted(Scale::CSAT_5, &[5, 1, 1], &[0.03, 1.0, 0.0]);
        let top = TopBox::top(&t, 2).unwrap();
        assert_close(top.share(), 0.03 / 1.03, "share");
        let e = top
            .estimate_with(ProportionMethod::WilsonCc, ConfidenceLevel::P95)
            .unwrap();
        assert!(e.interval.contains(e.value), "{e:?}");
        // k = p·n_eff ≈ 0.031 < ½: the corrected share is below 0, lower = 0.
        assert_eq!(e.interval.lower, 0.0);
        assert!(
            e.interval.upper > e.value && e.interval.upper < 1.0,
            "{e:?}"
        );
        // Whole counts are unchanged: 1 of 3 by hand (Newcombe 1998, method 4).
        let t = Tally::from_scores(Scale::CSAT_5, &[5u8, 1, 1]).unwrap();
        let e = TopBox::top(&t, 2)
            .unwrap()
            .estimate_with(ProportionMethod::WilsonCc, ConfidenceLevel::P95)
            .unwrap();
        let (n, p, z) = (3.0f64, 1.0 / 3.0, ConfidenceLevel::P95.z());
        let q = 1.0 - p;
        let lower = (2.0 * n * p + z * z
            - 1.0
            - z * (z * z - 2.0 - 1.0 / n + 4.0 * p * (n * q + 1.0)).sqrt())
            / (2.0 * (n + z * z));
        let upper = (2.0 * n * p
            + z * z
            + 1.0
            + z * (z * z + 2.0 - 1.0 / n + 4.0 * p * (n * q - 1.0)).sqrt())
            / (2.0 * (n + z * z));
        assert_close(e.interval.lower, lower, "lower");
        assert_close(e.interval.upper, upper, "upper");
    }

    /// Finding 10: `dist` at its edges, against mpmath (tests/data/dist_edges.py).
    #[test]
    fn finding_10_dist_edges_match_mpmath() {
        let data: serde_json::Value =
            serde_json::from_str(include_str!("../data/dist_edges.json")).unwrap();
        let mut checked = 0;
        for case in data["t_quantile"].as_array().unwrap() {
            let (p, df) = (case[0].as_f64().unwrap(), case[1].as_f64().unwrap());
            let want: f64 = case[2].as_str().unwrap().parse().unwrap();
            let got = dist::t_quantile(p, df);
            if want.is_finite() && want.abs() < f64::MAX {
                // mpmath's own solve is good to about 1e-13 at tiny df.
                let got = got.unwrap();
                assert!(
                    ((got - want) / want).abs() < 1e-9,
                    "t({p}, {df}) = {got:e}, want {want:e}"
                );
                checked += 1;
            } else if want.is_infinite() || want.abs() >= f64::MAX {
                assert!(
                    got.is_err(),
                    "t({p}, {df}) beyond f64 must be an error: {got:?}"
                );
                checked += 1;
            }
        }
        for case in data["beta_quantile"].as_array().unwrap() {
            let (p, a, b) = (
                case[0].as_f64().unwrap(),
                case[1].as_f64().unwrap(),
                case[2].as_f64().unwrap(),
            );
            let want: f64 = case[3].as_str().unwrap().parse().unwrap();
            let got = dist::beta_quantile(p, a, b).unwrap();
            if want < f64::MIN_POSITIVE {
                // Below the normal range: rounds to 0 or a subnormal.
                assert!(
                    got < f64::MIN_POSITIVE,
                    "beta({p}, {a}, {b}) = {got:e}, want {want:e}"
                );
            } else {
                assert!(
                    ((got - want) / want).abs() < 1e-9,
                    "beta({p}, {a}, {b}) = {got:e}, want {want:e}"
                );
            }
            checked += 1;
        }
        assert!(checked >= 15, "{checked}");
    }

    #[test]
    fn finding_10_dist_rejects_or_answers_quickly() {
        // Non-finite and out-of-range arguments: errors, never NaN.
        for x in [f64::NAN, f64::INFINITY, -1.0, 0.0] {
            assert!(dist::t_quantile(0.5, x).is_err());
            assert!(dist::beta_quantile(0.5, x, 1.0).is_err());
            assert!(dist::beta_quantile(0.5, 1.0, x).is_err());
            assert!(dist::normal_quantile(x).is_err());
        }
        // Shapes beyond 1e12 are refused at once rather than after seconds.
        let start = std::time::Instant::now();
        let err = dist::beta_quantile(0.5, 1e300, 1e300).unwrap_err();
        assert!(err.to_string().contains("at most 1e12"), "{err}");
        assert!(start.elapsed().as_millis() < 50);
        // Tiny df: the quantile is beyond f64, an error (was 2.7e-162).
        assert!(dist::t_quantile(0.975, 5e-324).is_err());
        assert!(dist::t_quantile(0.975, 1e-3).is_err());
        // Tiny shapes: the quantile rounds to 0 (true value < 1e-300).
        assert_eq!(dist::beta_quantile(0.5, 1e-300, 1.0).unwrap(), 0.0);
        // Beta(a, a) has median ½ exactly, even at the largest shapes.
        assert_close(dist::beta_quantile(0.5, 1e12, 1e12).unwrap(), 0.5, "median");
    }

    #[test]
    fn finding_10_quantiles_are_monotone_in_p() {
        for &(a, b) in &[(2.0, 3.0), (0.5, 0.5), (1.0, 1e6), (30.0, 1e9), (1e-3, 2.0)] {
            let mut last = 0.0;
            // p from 1e-180 to 1e-165, 200 steps a decade.
            for i in 0..=3000 {
                let p = 10f64.powf(-180.0 + f64::from(i) / 200.0);
                let x = dist::beta_quantile(p, a, b).unwrap();
                assert!(x >= last, "beta({p:e}, {a}, {b}) = {x:e} < {last:e}");
                last = x;
            }
        }
        for &df in &[0.3, 1.5, 7.0, 1e5, 1e9] {
            let mut last = f64::NEG_INFINITY;
            for i in 1..=2000 {
                let p = 10f64.powf(-300.0 + f64::from(i) * 0.15);
                if let Ok(t) = dist::t_quantile(p, df) {
                    assert!(t >= last, "t({p:e}, {df}) = {t:e} < {last:e}");
                    last = t;
                }
            }
        }
    }
}
