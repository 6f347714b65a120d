//! Serde round trips and rejection of payloads that break an invariant.

use cxmetrics::{Nps, Rating, Response, Scale, Tally, Weight};
use proptest::prelude::*;
use serde_json::json;

fn from_json(v: serde_json::Value) -> Result<Tally, String> {
    serde_json::from_value::<Tally>(v).map_err(|e| e.to_string())
}

#[test]
fn tally_json_is_plain_and_round_trips() {
    let mut t = Tally::from_scores(Scale::CSAT_5, &[5u8, 4, 4]).unwrap();
    t.extend_weighted_scores(&[1u8], &[0.5]).unwrap();
    t.push_not_applicable().unwrap();
    let v = serde_json::to_value(&t).unwrap();
    assert_eq!(
        v,
        json!({
            "scale": {"lowest": 1, "highest": 5, "polarity": "higher_is_better", "question": "csat"},
            "counts": [1, 0, 0, 2, 1],
            "positive": [1, 0, 0, 2, 1],
            "weights": [0.5, 0.0, 0.0, 2.0, 1.0],
            "weights_squared": [0.25, 0.0, 0.0, 2.0, 1.0],
            "weight_exponent": 0,
            "not_applicable": 1
        })
    );
    assert_eq!(from_json(v).unwrap(), t);
}

#[test]
fn inputs_round_trip() {
    let r = Scale::CES_5.rating(2).unwrap();
    let resp = Response::weighted(r, Weight::new(1.5).unwrap());
    let text = serde_json::to_string(&resp).unwrap();
    assert_eq!(serde_json::from_str::<Response>(&text).unwrap(), resp);
    let na = serde_json::to_string(&Response::NotApplicable).unwrap();
    assert_eq!(
        serde_json::from_str::<Response>(&na).unwrap(),
        Response::NotApplicable
    );
    assert!(serde_json::from_str::<Weight>("-1.0").is_err());
    assert!(serde_json::from_value::<Rating>(json!({"scale": {"lowest": 0, "highest": 10, "polarity": "higher_is_better"}, "value": 11})).is_err());
    assert!(
        serde_json::from_value::<Scale>(
            json!({"lowest": 5, "highest": 1, "polarity": "higher_is_better"})
        )
        .is_err()
    );
    let nps = Nps::from_counts(1, 1, 1).unwrap();
    assert!(
        serde_json::to_string(&nps)
            .unwrap()
            .contains("\"promoters\":1")
    );
}

#[test]
fn invariant_breaking_tallies_are_rejected() {
    let scale = json!({"lowest": 1, "highest": 5, "polarity": "higher_is_better"});
    let good = json!({"scale": scale, "counts": [1, 0, 0, 2, 1], "weights": [1.0, 0.0, 0.0, 2.0, 1.0],
                      "weights_squared": [1.0, 0.0, 0.0, 2.0, 1.0], "not_applicable": 0});
    assert!(from_json(good.clone()).is_ok());
    let broken = |field: &str, value: serde_json::Value| {
        let mut v = good.clone();
        v[field] = value;
        from_json(v).unwrap_err()
    };
    let msg = broken("counts", json!([1, 0, 2, 1]));
    assert!(
        msg.contains("counts has 4 entries but scale 1..=5 has 5 points"),
        "{msg}"
    );
    let msg = broken("weights", json!([1.0, 0.0, 0.0, 2.0]));
    assert!(msg.contains("weights has 4 entries"), "{msg}");
    let msg = broken("weights", json!([-1.0, 0.0, 0.0, 2.0, 1.0]));
    assert!(
        msg.contains("finite and at least 0") && msg.contains("point 1"),
        "{msg}"
    );
    let msg = broken("weights", json!([1.0, 0.5, 0.0, 2.0, 1.0]));
    assert!(
        msg.contains("no answers") && msg.contains("point 2"),
        "{msg}"
    );
    // Two answers at point 4 cannot weigh 2 in total with squares summing to 5.
    let msg = broken("weights_squared", json!([1.0, 0.0, 0.0, 5.0, 1.0]));
    assert!(
        msg.contains("impossible") && msg.contains("point 4"),
        "{msg}"
    );
    let msg = broken("weights_squared", json!([1.0, 0.0, 0.0, 1.0, 1.0]));
    assert!(msg.contains("impossible"), "{msg}");
    let msg = broken("weights_squared", json!([1.0, 0.0, 0.0, 0.0, 1.0]));
    assert!(msg.contains("impossible"), "{msg}");
    let msg = broken("counts", json!([u64::MAX, 0, 0, 2, 1]));
    assert!(msg.contains("overflow"), "{msg}");
    let msg = broken("not_applicable", json!(u64::MAX));
    assert!(msg.contains("overflow"), "{msg}");
    let msg = broken(
        "scale",
        json!({"lowest": 1, "highest": 1, "polarity": "higher_is_better"}),
    );
    assert!(msg.contains("invalid"), "{msg}");
    assert!(broken("counts", json!([1, 0, 0, -2, 1])).contains("invalid value"));
}

proptest! {
    #[test]
    fn any_tally_round_trips(answers in prop::collection::vec((0u8..=10, 0.0f64..50.0), 0..100), na in 0u64..5) {
        let (scores, weights): (Vec<u8>, Vec<f64>) = answers.into_iter().unzip();
        let mut t = Tally::new(Scale::NPS);
        t.extend_weighted_scores(&scores, &weights).unwrap();
        for _ in 0..na {
            t.push_not_applicable().unwrap();
        }
        let text = serde_json::to_string(&t).unwrap();
        let back: Tally = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(back, t);
    }
}

#[test]
fn segments_round_trip_and_reject_broken_payloads() {
    use cxmetrics::Segmented;
    let mut s = Segmented::new(Scale::NPS);
    s.extend_scores(&["web", "chat", "web"], &[10u8, 3, 7])
        .unwrap();
    let v = serde_json::to_value(&s).unwrap();
    assert_eq!(v["segments"][0]["key"], "chat");
    let back: Segmented<String> = serde_json::from_value(v.clone()).unwrap();
    assert_eq!(
        back.get(&"web".to_string()).unwrap(),
        s.get(&"web").unwrap()
    );
    // A repeated key.
    let mut dup = v.clone();
    let first = dup["segments"][0].clone();
    dup["segments"].as_array_mut().unwrap().push(first);
    let err = serde_json::from_value::<Segmented<String>>(dup)
        .unwrap_err()
        .to_string();
    assert!(err.contains("repeats the key"), "{err}");
    // A tally on another scale.
    let mut other = v.clone();
    other["segments"][1]["tally"] =
        serde_json::to_value(Tally::from_scores(Scale::CSAT_5, &[5u8]).unwrap()).unwrap();
    let err = serde_json::from_value::<Segmented<String>>(other)
        .unwrap_err()
        .to_string();
    assert!(err.contains("segment 1 is on scale 1..=5"), "{err}");
    // A tally that breaks its own invariants.
    let mut broken = v;
    broken["segments"][0]["tally"]["counts"][3] = json!(0);
    assert!(serde_json::from_value::<Segmented<String>>(broken).is_err());
}

#[test]
fn reports_with_errors_and_live_tallies_serialize() {
    use cxmetrics::segment::Score;
    use cxmetrics::{AtomicTally, ConfidenceLevel, Segmented};
    let mut s = Segmented::new(Scale::NPS);
    s.extend_scores(&[1u8, 1, 2], &[10u8, 0, 9]).unwrap();
    let rows = serde_json::to_value(s.scores(Score::nps(), ConfidenceLevel::P95, 2)).unwrap();
    assert_eq!(rows[0]["estimate"]["status"], "ok");
    assert_eq!(rows[0]["estimate"]["value"]["value"], 0.0);
    assert_eq!(
        rows[1]["estimate"],
        json!({"status": "error", "error": {"kind": "below_minimum_n",
            "message": "1 answer, below the minimum of 2 for scoring"}})
    );
    let trend = serde_json::to_value(s.trend(Score::nps(), ConfidenceLevel::P95)).unwrap();
    assert!(trend[1]["change"].is_object());
    let live = AtomicTally::new(Scale::NPS);
    live.extend_scores(&[10u8, 3]).unwrap();
    let back: Tally = serde_json::from_value(serde_json::to_value(&live).unwrap()).unwrap();
    assert_eq!(back, live.snapshot().unwrap());
}

#[test]
fn scales_keep_their_question_and_old_payloads_infer_it() {
    use cxmetrics::{Polarity, Question};
    let v = serde_json::to_value(Scale::CES_7).unwrap();
    assert_eq!(v["question"], "ces");
    assert_eq!(serde_json::from_value::<Scale>(v).unwrap(), Scale::CES_7);
    let custom = Scale::new(1, 5, Polarity::HigherIsBetter).unwrap();
    let v = serde_json::to_value(custom).unwrap();
    assert_eq!(v["question"], "other");
    assert_eq!(serde_json::from_value::<Scale>(v).unwrap(), custom);
    // 0.1 payloads have no question: the one preset with the same points
    // and direction gives it; 1..=7 (CSAT_7 and CES_7) and non-presets stay
    // Other.
    let old = |lo: i32, hi: i32, pol: &str| {
        serde_json::from_value::<Scale>(json!({"lowest": lo, "highest": hi, "polarity": pol}))
            .unwrap()
    };
    assert_eq!(old(0, 10, "higher_is_better"), Scale::NPS);
    assert_eq!(old(1, 5, "higher_is_better"), Scale::CSAT_5);
    assert_eq!(old(1, 10, "higher_is_better"), Scale::CSAT_10);
    assert_eq!(old(1, 5, "lower_is_better"), Scale::CES_5);
    assert_eq!(old(1, 7, "higher_is_better").question(), Question::Other);
    assert_eq!(old(0, 100, "higher_is_better").question(), Question::Other);
    assert!(
        serde_json::from_value::<Scale>(
            json!({"lowest": 1, "highest": 5, "polarity": "higher_is_better", "question": "mood"})
        )
        .is_err()
    );
}
