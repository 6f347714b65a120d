//! Regression tests for issue 13 (hardening): one per finding, each with
//! the repro from the issue. Expected values come from hand computations
//! or from the same data with ordinary weights (every score is invariant
//! to rescaling the weights).

use cxmetrics::interval::{IntervalSpec, NpsMethod};
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
    let unit = weighted(Scale::NPS, &[10, 0], &[1.0, 1.0]);
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
    let unit = Tally::from_scores(Scale::NPS, &[10u8, 9, 3]).unwrap();
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
    let _ = NpsMethod::Wald;
    let _ = IntervalSpec::new(ConfidenceLevel::P95);
}
