//! Units: every result says what it is, displays in its unit and survives
//! a JSON round trip.

use cxmetrics::{Error, Margin, Unit};

#[test]
fn margins_convert_to_the_stored_unit_or_refuse() {
    let pct = Margin::percent(5.0).unwrap();
    assert_eq!(pct.in_unit(Unit::Share).unwrap(), 0.05);
    assert_eq!(pct.in_unit(Unit::NpsPoints).unwrap(), 5.0);
    assert!(matches!(
        pct.in_unit(Unit::ScalePoints),
        Err(Error::IncompatibleUnit {
            unit: Unit::ScalePoints,
            ..
        })
    ));
    let pts = Margin::points(0.25).unwrap();
    assert_eq!(pts.in_unit(Unit::ScalePoints).unwrap(), 0.25);
    assert_eq!(pts.in_unit(Unit::NpsPoints).unwrap(), 0.25);
    assert!(pts.in_unit(Unit::Share).is_err());
    assert_eq!(Margin::fraction(0.05).unwrap(), pct);
    assert_eq!(Margin::fraction(1.0).unwrap().value(), 100.0);
    for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        assert!(Margin::points(bad).is_err(), "{bad}");
        assert!(Margin::percent(bad).is_err(), "{bad}");
        assert!(Margin::fraction(bad).is_err(), "{bad}");
    }
    // The 0.05-points mistake: a fraction above 1 or a percent above 100
    // is refused rather than read in the other unit.
    assert!(Margin::fraction(5.0).is_err());
    assert!(Margin::percent(500.0).is_err());
    assert_eq!(pct.to_string(), "±5.0%");
    assert_eq!(
        format!("{:.2}", Margin::points(3.0).unwrap()),
        "±3.00 points"
    );
}

#[cfg(feature = "serde")]
#[test]
fn margins_round_trip_through_json() {
    for m in [Margin::points(5.0).unwrap(), Margin::percent(2.5).unwrap()] {
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(serde_json::from_str::<Margin>(&json).unwrap(), m);
    }
    assert_eq!(
        serde_json::to_string(&Margin::percent(2.5).unwrap()).unwrap(),
        r#"{"percent":2.5}"#
    );
    assert!(serde_json::from_str::<Margin>(r#"{"points":-1.0}"#).is_err());
}

use cxmetrics::compare;
use cxmetrics::interval::{self, ProportionMethod};
use cxmetrics::{ConfidenceLevel, Mean, Metric, Nps, Scale, Tally, TopBox};

const Z95: f64 = 1.959963984540054;

/// Wilson bounds by hand: (p + z²/2n ± z√(p(1−p)/n + z²/4n²)) / (1 + z²/n).
fn wilson(k: f64, n: f64) -> (f64, f64) {
    let p = k / n;
    let d = 1.0 + Z95 * Z95 / n;
    let c = (p + Z95 * Z95 / (2.0 * n)) / d;
    let h = Z95 / d * (p * (1.0 - p) / n + Z95 * Z95 / (4.0 * n * n)).sqrt();
    (c - h, c + h)
}

#[test]
fn shares_display_as_percentages() {
    // 34,529 of 47,300 = 73.0%; Wilson 72.598…% to 73.398…%.
    let mut counts = [0u64; 5];
    counts[4] = 34_529;
    counts[0] = 47_300 - 34_529;
    let t = Tally::from_counts(Scale::CSAT_5, &counts).unwrap();
    let est = TopBox::top(&t, 2)
        .unwrap()
        .estimate(ConfidenceLevel::P95)
        .unwrap();
    assert_eq!(
        (est.metric, est.unit),
        (Metric::TopBox, cxmetrics::Unit::Share)
    );
    let (lo, hi) = wilson(34_529.0, 47_300.0);
    assert!((est.interval.lower - lo).abs() < 1e-12 && (est.interval.upper - hi).abs() < 1e-12);
    assert_eq!(est.to_string(), "73.0% (95% CI 72.6% to 73.4%, n = 47300)");
    assert_eq!(
        format!("{est:.2}"),
        "73.00% (95% CI 72.60% to 73.40%, n = 47300)"
    );
    // A plain proportion is a share too.
    let p = interval::proportion(1, 4, ProportionMethod::Wald, ConfidenceLevel::P95).unwrap();
    assert_eq!(p.metric, Metric::Share);
    assert!(p.to_string().starts_with("25.0% (95% CI "), "{p}");
}

#[test]
fn nps_and_means_display_in_points() {
    let est = Nps::from_counts(45, 30, 25)
        .unwrap()
        .estimate(ConfidenceLevel::P95)
        .unwrap();
    assert_eq!(
        (est.metric, est.unit),
        (Metric::Nps, cxmetrics::Unit::NpsPoints)
    );
    assert_eq!(est.to_string(), "20.0 (95% CI 3.8 to 35.1, n = 100)");
    let t = Tally::from_counts(Scale::CSAT_5, &[0, 0, 0, 1, 1]).unwrap();
    let m = Mean::from_tally(&t)
        .unwrap()
        .estimate(ConfidenceLevel::P95)
        .unwrap();
    assert_eq!(
        (m.metric, m.unit),
        (Metric::Mean, cxmetrics::Unit::ScalePoints)
    );
    // Mean 4.5, s = √0.5, se = 0.5, t(0.975, 1) = 12.706204736174707:
    // the t interval 4.5 ± 6.35 is clipped to the scale 1..=5.
    let half = 12.706_204_736_174_707 * 0.5;
    assert!((m.std_error - 0.5).abs() < 1e-12 && half > 4.0);
    assert_eq!((m.interval.lower, m.interval.upper), (1.0, 5.0));
    assert_eq!(m.to_string(), "4.5 (95% CI 1.0 to 5.0, n = 2)");
}

#[test]
fn differences_display_in_their_units() {
    // Shares: 80/100 − 70/100 = +10 percentage points, Newcombe interval.
    let a = Tally::from_counts(Scale::CSAT_5, &[20, 0, 0, 0, 80]).unwrap();
    let b = Tally::from_counts(Scale::CSAT_5, &[30, 0, 0, 0, 70]).unwrap();
    let c = compare::top_box(
        &TopBox::top(&a, 2).unwrap(),
        &TopBox::top(&b, 2).unwrap(),
        ConfidenceLevel::P95,
    )
    .unwrap();
    let ((la, ua), (lb, ub)) = (wilson(80.0, 100.0), wilson(70.0, 100.0));
    let lower = 0.1 - ((0.8 - la).powi(2) + (ub - 0.7).powi(2)).sqrt();
    let upper = 0.1 + ((ua - 0.8).powi(2) + (0.7 - lb).powi(2)).sqrt();
    assert!((c.interval.lower - lower).abs() < 1e-12 && (c.interval.upper - upper).abs() < 1e-12);
    assert_eq!(c.metric, Metric::TopBox);
    // Pooled z = 0.1 / √(0.75·0.25·0.02) = 1.63299…, p = 0.10247.
    assert_eq!(
        c.to_string(),
        format!(
            "+10.0 pp (95% CI {:+.1} to {:+.1}), z = 1.63, p = 0.102, not significant",
            100.0 * lower,
            100.0 * upper
        )
    );
    // NPS: April (12.5) − March (25.0) = −12.5 points.
    let march = Nps::from_counts(200, 100, 100).unwrap();
    let april = Nps::from_counts(150, 150, 100).unwrap();
    let c = compare::nps_with(
        &april,
        &march,
        compare::NpsDifferenceMethod::Wald,
        ConfidenceLevel::P95,
    )
    .unwrap();
    let se = ((0.75 - 0.25f64.powi(2)) / 400.0 + (0.625 - 0.125f64.powi(2)) / 400.0).sqrt();
    assert!((c.std_error - 100.0 * se).abs() < 1e-12);
    assert_eq!(c.metric, Metric::Nps);
    assert_eq!(
        c.to_string(),
        format!(
            "-12.5 points (95% CI {:+.1} to {:+.1}), z = -2.20, p = 0.028, significant",
            100.0 * (-0.125 - Z95 * se),
            100.0 * (-0.125 + Z95 * se)
        )
    );
}

#[test]
fn tiny_p_values_read_as_below_a_thousandth() {
    let a = Nps::from_counts(900, 0, 100).unwrap();
    let b = Nps::from_counts(100, 0, 900).unwrap();
    let c = compare::nps(&a, &b, ConfidenceLevel::P95).unwrap();
    assert!(c.p_value < 1e-100);
    assert!(c.to_string().starts_with("+160.0 points (95% CI "), "{c}");
    assert!(c.to_string().ends_with(", p < 0.001, significant"), "{c}");
}

#[test]
fn scores_display_their_units() {
    // 4 promoters, 2 passives, 2 detractors of 8: NPS 25, shares in %.
    let t = Tally::from_scores(Scale::NPS, &[10u8, 9, 9, 8, 7, 6, 3, 10]).unwrap();
    assert_eq!(
        Nps::from_tally(&t).unwrap().to_string(),
        "NPS 25.0 (50.0% promoters, 25.0% passives, 25.0% detractors, n = 8)"
    );
    let csat = Tally::from_scores(Scale::CSAT_5, &[5u8, 4, 4, 3, 1]).unwrap();
    assert_eq!(
        TopBox::top(&csat, 2).unwrap().to_string(),
        "60.0% in 4..=5 (n = 5)"
    );
    assert_eq!(
        Mean::from_tally(&csat).unwrap().to_string(),
        "mean 3.40 on 1..=5 (n = 5)"
    );
}

#[test]
fn metrics_and_units_have_names() {
    assert_eq!(Metric::Nps.to_string(), "NPS");
    assert_eq!(Metric::NetScore.to_string(), "net score");
    assert_eq!(Metric::TopBox.to_string(), "top-box share");
    assert_eq!(Metric::Share.to_string(), "share");
    assert_eq!(Metric::Mean.to_string(), "mean");
    assert_eq!(cxmetrics::Unit::NpsPoints.to_string(), "NPS points");
    assert_eq!(cxmetrics::Unit::Share.to_string(), "share");
    assert_eq!(cxmetrics::Unit::ScalePoints.to_string(), "scale points");
}

#[cfg(feature = "serde")]
mod json {
    use super::*;
    use cxmetrics::compare::Comparison;
    use cxmetrics::segment::{Score, SegmentScore, TrendPoint};
    use cxmetrics::{Distribution, Estimate, NetScore, Segmented, Unit};
    use serde::Serialize;
    use serde::de::DeserializeOwned;
    use serde_json::json;

    fn round_trip<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(
        x: &T,
    ) -> serde_json::Value {
        let v = serde_json::to_value(x).unwrap();
        let back: T = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(&back, x);
        v
    }

    #[test]
    fn estimates_and_comparisons_say_metric_unit_and_value() {
        let t = Tally::from_counts(Scale::CSAT_5, &[3, 2, 8, 20, 17]).unwrap();
        let top2 = TopBox::top(&t, 2).unwrap();
        let est = top2.estimate(ConfidenceLevel::P95).unwrap();
        let v = round_trip(&est);
        assert_eq!(v["metric"], "top_box");
        assert_eq!(v["unit"], "share");
        assert_eq!(v["value"], 0.74);
        assert_eq!(v["method"], json!({"proportion": "wilson"}));
        let nps = Nps::from_counts(45, 30, 25)
            .unwrap()
            .estimate(ConfidenceLevel::P90)
            .unwrap();
        let v = round_trip(&nps);
        assert_eq!(
            (v["metric"].clone(), v["unit"].clone()),
            (json!("nps"), json!("nps_points"))
        );
        let mean = Mean::from_tally(&t)
            .unwrap()
            .estimate(ConfidenceLevel::P99)
            .unwrap();
        assert_eq!(round_trip(&mean)["unit"], "scale_points");
        let c = compare::top_box(
            &top2,
            &TopBox::top(
                &Tally::from_counts(Scale::CSAT_5, &[5, 5, 5, 5, 5]).unwrap(),
                2,
            )
            .unwrap(),
            ConfidenceLevel::P95,
        )
        .unwrap();
        let v = round_trip::<Comparison>(&c);
        assert_eq!(
            (v["metric"].clone(), v["unit"].clone()),
            (json!("top_box"), json!("share"))
        );
        let c = compare::means(
            &Mean::from_tally(&t).unwrap(),
            &Mean::from_tally(&Tally::from_counts(Scale::CSAT_5, &[5, 5, 5, 5, 5]).unwrap())
                .unwrap(),
            ConfidenceLevel::P95,
        )
        .unwrap();
        assert_eq!(round_trip::<Comparison>(&c)["method"], "welch_t");
        for u in [Unit::NpsPoints, Unit::Share, Unit::ScalePoints] {
            round_trip(&u);
        }
        for m in [
            Metric::Nps,
            Metric::NetScore,
            Metric::TopBox,
            Metric::Share,
            Metric::Mean,
        ] {
            round_trip(&m);
        }
        let _: Estimate = serde_json::from_value(serde_json::to_value(est).unwrap()).unwrap();
        let shares = cxmetrics::plan::NpsShares::new(0.4, 0.2).unwrap();
        assert_eq!(
            round_trip(&shares),
            json!({"promoters": 0.4, "detractors": 0.2})
        );
        assert!(
            serde_json::from_value::<cxmetrics::plan::NpsShares>(
                json!({"promoters": 0.7, "detractors": 0.4})
            )
            .is_err()
        );
        let size = cxmetrics::plan::sample_size_proportion(
            cxmetrics::Margin::percent(5.0).unwrap(),
            0.5,
            ConfidenceLevel::P95,
        )
        .unwrap();
        assert_eq!(round_trip(&size)["n_ceil"], 385);
    }

    #[test]
    fn scores_serialize_with_their_score_and_read_back_checked() {
        let nps = Nps::from_counts(45, 30, 25).unwrap();
        let v = round_trip(&nps);
        assert_eq!(v["score"], 20.0);
        assert_eq!(v["promoters"], 45);
        let t = Tally::from_scores(Scale::CES_7, &[7u8, 6, 5, 4, 2]).unwrap();
        let net = NetScore::from_tally(&t, 3, 3).unwrap();
        assert_eq!(round_trip(&net)["score"], 40.0);
        let top = TopBox::bottom(&t, 2).unwrap();
        let v = round_trip(&top);
        assert_eq!(
            (v["share"].clone(), v["first"].clone(), v["last"].clone()),
            (json!(0.2), json!(1), json!(2))
        );
        let m = Mean::from_tally(&t).unwrap();
        assert_eq!(round_trip(&m)["mean"], 4.8);
        let d = Distribution::from_tally(&t).unwrap();
        assert_eq!(round_trip(&d)["points"][6]["count"], 1);
        // Broken payloads are errors, never silently wrong scores.
        let broken = [
            (
                serde_json::to_value(nps).unwrap(),
                "/passive_share",
                json!(0.5),
            ),
            (
                serde_json::to_value(nps).unwrap(),
                "/effective_n",
                json!(101.0),
            ),
            (
                serde_json::to_value(nps).unwrap(),
                "/effective_n",
                json!(0.0),
            ),
            (serde_json::to_value(net).unwrap(), "/top_share", json!(1.5)),
            (serde_json::to_value(net).unwrap(), "/score", json!(39.0)),
            (serde_json::to_value(&top).unwrap(), "/first", json!(3)),
            (serde_json::to_value(&top).unwrap(), "/count", json!(9)),
            (serde_json::to_value(m).unwrap(), "/mean", json!(7.5)),
            (
                serde_json::to_value(m).unwrap(),
                "/population_variance",
                json!(9.0),
            ),
            (
                serde_json::to_value(&d).unwrap(),
                "/points/0/share",
                json!(0.5),
            ),
            (
                serde_json::to_value(&d).unwrap(),
                "/points/1/point",
                json!(5),
            ),
        ];
        for (mut v, at, bad) in broken {
            *v.pointer_mut(at).unwrap() = bad;
            let ok = match at {
                _ if v.get("promoters").is_some() => {
                    serde_json::from_value::<Nps>(v.clone()).is_ok()
                }
                _ if v.get("top_share").is_some() => {
                    serde_json::from_value::<NetScore>(v.clone()).is_ok()
                }
                _ if v.get("first").is_some() => {
                    serde_json::from_value::<TopBox>(v.clone()).is_ok()
                }
                _ if v.get("mean").is_some() => serde_json::from_value::<Mean>(v.clone()).is_ok(),
                _ => serde_json::from_value::<Distribution>(v.clone()).is_ok(),
            };
            assert!(!ok, "accepted {at} = {v}");
        }
    }

    #[test]
    fn weighted_scores_keep_their_design_through_json() {
        let mut t = Tally::new(Scale::NPS);
        t.extend_weighted_scores(
            &[10u8, 9, 8, 6, 3, 10, 0, 7],
            &[1.0, 2.5, 0.0, 1.0, 3.0, 0.25, 1.5, 2.0],
        )
        .unwrap();
        let level = ConfidenceLevel::P95;
        let nps = Nps::from_tally(&t).unwrap();
        let v = round_trip(&nps);
        assert!(v["design"].is_object(), "{v}");
        let back: Nps = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(back.estimate(level).unwrap(), nps.estimate(level).unwrap());
        let top = TopBox::top(&t, 2).unwrap();
        let back: TopBox = serde_json::from_value(round_trip(&top)).unwrap();
        assert_eq!(back.estimate(level).unwrap(), top.estimate(level).unwrap());
        let m = Mean::from_tally(&t).unwrap();
        let back: Mean = serde_json::from_value(round_trip(&m)).unwrap();
        assert_eq!(back.estimate(level).unwrap(), m.estimate(level).unwrap());
        // Unweighted scores have no design part.
        let plain = Nps::from_counts(3, 1, 1).unwrap();
        assert!(serde_json::to_value(plain).unwrap().get("design").is_none());
        // A broken design part is refused.
        for (field, bad) in [
            ("variance", json!(-1.0)),
            ("positive_share", json!(2.0)),
            ("n", json!(3)),
            ("kish_n", json!(0.0)),
        ] {
            let mut broken = v.clone();
            broken["design"][field] = bad;
            assert!(serde_json::from_value::<Nps>(broken).is_err(), "{field}");
        }
    }

    #[test]
    fn segment_results_are_tagged_value_or_error_objects() {
        let mut s = Segmented::new(Scale::NPS);
        s.extend_scores(&[1u8, 1, 2, 3, 3], &[10u8, 0, 9, 10, 9])
            .unwrap();
        let rows = s.scores(Score::nps(), ConfidenceLevel::P95, 2);
        let v = serde_json::to_value(&rows).unwrap();
        assert_eq!(v[0]["estimate"]["status"], "ok");
        assert_eq!(v[0]["estimate"]["value"]["metric"], "nps");
        assert_eq!(v[1]["estimate"]["error"]["kind"], "below_minimum_n");
        let back: Vec<SegmentScore<u8>> = serde_json::from_value(v).unwrap();
        assert_eq!(back[0], rows[0]);
        let err = back[1].estimate.as_ref().unwrap_err();
        assert_eq!(err.kind(), "below_minimum_n");
        assert_eq!(
            err.to_string(),
            rows[1].estimate.as_ref().unwrap_err().to_string()
        );
        let trend = s.trend(Score::nps(), ConfidenceLevel::P95);
        let v = serde_json::to_value(&trend).unwrap();
        assert!(v[0]["change"].is_null());
        assert!(v[1]["change"]["status"].is_string());
        let back: Vec<TrendPoint<u8>> = serde_json::from_value(v).unwrap();
        assert_eq!(back.len(), trend.len());
        assert_eq!(back[0], trend[0]);
        assert!(
            serde_json::from_value::<SegmentScore<u8>>(
                json!({"key": 1, "n": 1, "estimate": {"Ok": null}})
            )
            .is_err()
        );
    }

    proptest::proptest! {
        /// Every score and estimate of any tally survives a JSON round trip
        /// exactly, and says its metric and unit.
        #[test]
        fn any_result_round_trips(counts in proptest::collection::vec(0u64..1000, 11), level in 0.5f64..0.999) {
            let t = Tally::from_counts(Scale::NPS, &counts).unwrap();
            let level = ConfidenceLevel::new(level).unwrap();
            if let Ok(nps) = Nps::from_tally(&t) {
                round_trip(&nps);
                if let Ok(est) = nps.estimate(level) {
                    proptest::prop_assert_eq!(round_trip(&est)["metric"].clone(), json!("nps"));
                }
            }
            if let Ok(top) = TopBox::top(&t, 2) {
                round_trip(&top);
                if let Ok(est) = top.estimate(level) {
                    proptest::prop_assert_eq!(round_trip(&est)["unit"].clone(), json!("share"));
                }
            }
            if let Ok(m) = Mean::from_tally(&t) {
                round_trip(&m);
                if let Ok(est) = m.estimate(level) {
                    round_trip(&est);
                }
            }
            if let Ok(d) = Distribution::from_tally(&t) {
                round_trip(&d);
            }
            if let Ok(net) = NetScore::from_tally(&t, 3, 3) {
                round_trip(&net);
            }
        }
    }
}
