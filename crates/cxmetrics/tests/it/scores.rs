//! Every score on hand-computed cases.

use cxmetrics::{
    Distribution, Error, Mean, NetScore, Nps, Polarity, Response, Scale, Tally, TopBox, Weight,
};

use crate::assert_close;

fn nps_of(scores: &[u8]) -> Nps {
    Nps::from_tally(&Tally::from_scores(Scale::NPS, scores).unwrap()).unwrap()
}

#[test]
fn nps_buckets_follow_the_standard_cut_points() {
    // One answer at every point: 0–6 detractors, 7–8 passives, 9–10 promoters.
    let nps = nps_of(&[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert_eq!(
        (nps.detractors(), nps.passives(), nps.promoters()),
        (7, 2, 2)
    );
    assert_close(nps.score(), 100.0 * (2.0 - 7.0) / 11.0, "nps");
    assert_close(nps.fraction(), -5.0 / 11.0, "fraction");
}

#[test]
fn nps_of_a_single_answer() {
    assert_eq!(nps_of(&[10]).score(), 100.0);
    assert_eq!(nps_of(&[7]).score(), 0.0);
    assert_eq!(nps_of(&[0]).score(), -100.0);
    assert_eq!(nps_of(&[8]).n(), 1);
}

#[test]
fn nps_all_promoters_and_all_detractors() {
    let all_p = nps_of(&[9, 10, 9, 10]);
    assert_eq!((all_p.score(), all_p.promoter_share()), (100.0, 1.0));
    let all_d = nps_of(&[0, 3, 6, 6, 5]);
    assert_eq!((all_d.score(), all_d.detractor_share()), (-100.0, 1.0));
}

#[test]
fn nps_shares_add_up_and_display() {
    let nps = Nps::from_counts(45, 30, 25).unwrap();
    assert_close(nps.score(), 20.0, "nps");
    assert_close(
        nps.promoter_share() + nps.passive_share() + nps.detractor_share(),
        1.0,
        "shares",
    );
    assert_eq!(
        nps.to_string(),
        "NPS 20.0 (45.0% promoters, 30.0% passives, 25.0% detractors, n = 100)"
    );
}

#[test]
fn nps_needs_the_nps_scale() {
    let t = Tally::from_scores(Scale::CSAT_10, &[10, 9]).unwrap();
    assert_eq!(
        Nps::from_tally(&t).unwrap_err(),
        Error::ScaleMismatch {
            expected: format!("{:#}", Scale::NPS),
            actual: format!("{:#}", Scale::CSAT_10)
        }
    );
}

#[test]
fn weighted_nps_uses_weight_shares() {
    // Promoter weighing 3, detractor weighing 1: NPS = (3 − 1)/4 = 50.
    let mut t = Tally::new(Scale::NPS);
    t.extend_weighted_scores(&[10u8, 2], &[3.0, 1.0]).unwrap();
    let nps = Nps::from_tally(&t).unwrap();
    assert_eq!(nps.score(), 50.0);
    assert_eq!((nps.promoters(), nps.detractors()), (1, 1));
    assert_close(nps.effective_n(), 16.0 / 10.0, "kish");
}

#[test]
fn zero_weights_count_but_do_not_score() {
    let mut t = Tally::new(Scale::NPS);
    t.extend_weighted_scores(&[10u8, 0], &[1.0, 0.0]).unwrap();
    assert_eq!(t.n(), 2);
    assert_eq!(Nps::from_tally(&t).unwrap().score(), 100.0);
    let mut zero = Tally::new(Scale::NPS);
    zero.extend_weighted_scores(&[10u8, 0], &[0.0, 0.0])
        .unwrap();
    assert_eq!(
        Nps::from_tally(&zero).unwrap_err(),
        Error::ZeroTotalWeight { n: 2 }
    );
    assert_eq!(zero.effective_n(), 0.0);
}

#[test]
fn every_answer_not_applicable_is_an_error() {
    let mut t = Tally::new(Scale::NPS);
    for _ in 0..3 {
        t.push(Response::NotApplicable).unwrap();
    }
    let err = Error::EmptyTally { not_applicable: 3 };
    assert_eq!(Nps::from_tally(&t).unwrap_err(), err);
    assert_eq!(TopBox::top(&t, 2).unwrap_err(), err);
    assert_eq!(Mean::from_tally(&t).unwrap_err(), err);
    assert_eq!(Mean::unweighted(&t).unwrap_err(), err);
    assert_eq!(Distribution::from_tally(&t).unwrap_err(), err);
    assert_eq!(NetScore::from_tally(&t, 1, 1).unwrap_err(), err);
    assert_eq!(
        err.to_string(),
        "no rated answers to score (3 not applicable)"
    );
}

#[test]
fn csat_top_two_box() {
    let t = Tally::from_scores(Scale::CSAT_5, &[5, 4, 4, 3, 2, 1, 5, 5]).unwrap();
    let top2 = TopBox::top(&t, 2).unwrap();
    assert_eq!((top2.count(), top2.n(), top2.points()), (5, 8, 4..=5));
    assert_eq!(top2.share(), 5.0 / 8.0);
    assert_eq!(top2.percent(), 62.5);
    assert_eq!(top2.to_string(), "62.5% in 4..=5 (n = 8)");
    let bottom2 = TopBox::bottom(&t, 2).unwrap();
    assert_eq!((bottom2.count(), bottom2.points()), (2, 1..=2));
}

#[test]
fn ces_low_is_easy_mirrors_the_boxes() {
    let t = Tally::from_scores(Scale::CES_5, &[1, 1, 2, 3, 5]).unwrap();
    let easy = TopBox::top(&t, 2).unwrap();
    assert_eq!((easy.points(), easy.count()), (1..=2, 3));
    let hard = TopBox::bottom(&t, 2).unwrap();
    assert_eq!((hard.points(), hard.count()), (4..=5, 1));
}

#[test]
fn ces_high_is_easy() {
    let t = Tally::from_scores(Scale::CES_7, &[7, 6, 5, 5, 1]).unwrap();
    let easy = TopBox::top(&t, 3).unwrap();
    assert_eq!((easy.points(), easy.count()), (5..=7, 4));
    assert_eq!(easy.share(), 0.8);
}

#[test]
fn box_sizes_are_checked() {
    let t = Tally::from_scores(Scale::CSAT_5, &[5]).unwrap();
    assert_eq!(
        TopBox::top(&t, 0).unwrap_err(),
        Error::InvalidBox { k: 0, points: 5 }
    );
    assert_eq!(
        TopBox::top(&t, 6).unwrap_err(),
        Error::InvalidBox { k: 6, points: 5 }
    );
    assert_eq!(TopBox::top(&t, 5).unwrap().share(), 1.0);
    assert_eq!(
        NetScore::from_tally(&t, 3, 3).unwrap_err(),
        Error::InvalidBox { k: 6, points: 5 }
    );
}

#[test]
fn net_score_on_the_nps_scale_equals_nps() {
    let scores = [10u8, 9, 8, 7, 6, 0, 10, 3, 9, 9];
    let t = Tally::from_scores(Scale::NPS, &scores).unwrap();
    let net = NetScore::from_tally(&t, 2, 7).unwrap();
    assert_eq!(net.score(), Nps::from_tally(&t).unwrap().score());
    assert_eq!((net.top_share(), net.bottom_share()), (0.5, 0.3));
}

#[test]
fn mean_and_variance_by_hand() {
    // 1, 2, 2, 3, 5, 5: mean 3, squared deviations 4 + 1 + 1 + 0 + 4 + 4 = 14.
    let t = Tally::from_scores(Scale::CSAT_5, &[1, 2, 2, 3, 5, 5]).unwrap();
    let m = Mean::from_tally(&t).unwrap();
    assert_eq!(m.mean(), 3.0);
    assert_close(m.population_variance(), 14.0 / 6.0, "population variance");
    assert_close(m.variance().unwrap(), 14.0 / 5.0, "sample variance");
    assert_close(m.std_dev().unwrap(), (14.0f64 / 5.0).sqrt(), "sd");
    assert_eq!(m.index(), 50.0);
    assert_eq!(m.to_string(), "mean 3.00 on 1..=5 (n = 6)");
}

#[test]
fn mean_of_one_answer_has_no_sample_variance() {
    let t = Tally::from_scores(Scale::CES_7, &[6]).unwrap();
    let m = Mean::from_tally(&t).unwrap();
    assert_eq!(m.mean(), 6.0);
    assert_eq!(m.population_variance(), 0.0);
    assert!(matches!(m.variance(), Err(Error::TooFewAnswers { .. })));
}

#[test]
fn weighted_mean_by_hand() {
    // Scores 1 (w 1) and 4 (w 3): mean (1 + 12)/4 = 3.25,
    // v = (1·2.25² + 3·0.75²)/4 = 1.6875, n_eff = 16/10,
    // s² = v · 1.6 / 0.6 = 4.5.
    let mut t = Tally::new(Scale::CSAT_5);
    t.extend_weighted_scores(&[1u8, 4], &[1.0, 3.0]).unwrap();
    let m = Mean::from_tally(&t).unwrap();
    assert_eq!(m.mean(), 3.25);
    assert_close(m.population_variance(), 1.6875, "v");
    assert_close(m.effective_n(), 1.6, "n_eff");
    assert_close(m.variance().unwrap(), 4.5, "s2");
    let u = Mean::unweighted(&t).unwrap();
    assert_eq!((u.mean(), u.effective_n()), (2.5, 2.0));
}

#[test]
fn equal_weights_give_the_unweighted_mean() {
    let scores = [1u8, 2, 2, 3, 5, 5, 4];
    let plain = Mean::from_tally(&Tally::from_scores(Scale::CSAT_5, &scores).unwrap()).unwrap();
    let mut t = Tally::new(Scale::CSAT_5);
    t.extend_weighted_scores(&scores, &[2.5; 7]).unwrap();
    let weighted = Mean::from_tally(&t).unwrap();
    assert_close(weighted.mean(), plain.mean(), "mean");
    assert_close(
        weighted.variance().unwrap(),
        plain.variance().unwrap(),
        "variance",
    );
    assert_close(weighted.effective_n(), 7.0, "n_eff");
}

#[test]
fn index_respects_polarity() {
    let high = Tally::from_scores(Scale::CES_7, &[7, 7]).unwrap();
    assert_eq!(Mean::from_tally(&high).unwrap().index(), 100.0);
    let low = Tally::from_scores(Scale::CES_5, &[1, 2]).unwrap();
    assert_eq!(Mean::from_tally(&low).unwrap().index(), 87.5);
    let reversed = Tally::from_scores(Scale::CES_5.reversed(), &[1, 2]).unwrap();
    assert_eq!(Mean::from_tally(&reversed).unwrap().index(), 12.5);
}

#[test]
fn negative_point_scales_work() {
    let scale = Scale::new(-3, 3, Polarity::HigherIsBetter).unwrap();
    let t = Tally::from_scores(scale, &[-3i32, 3, 3, 0]).unwrap();
    let m = Mean::from_tally(&t).unwrap();
    assert_eq!(m.mean(), 0.75);
    assert_eq!(TopBox::top(&t, 1).unwrap().count(), 2);
    assert_eq!(t.count(-3), Some(1));
    assert_eq!(t.count(4), None);
}

#[test]
fn distribution_lists_every_point() {
    let t = Tally::from_scores(Scale::CSAT_5, &[5, 5, 4, 1]).unwrap();
    let d = Distribution::from_tally(&t).unwrap();
    let got: Vec<(i32, u64, f64)> = d
        .points()
        .iter()
        .map(|p| (p.point, p.count, p.share))
        .collect();
    assert_eq!(
        got,
        [
            (1, 1, 0.25),
            (2, 0, 0.0),
            (3, 0, 0.0),
            (4, 1, 0.25),
            (5, 2, 0.5)
        ]
    );
}

#[test]
fn weights_are_validated() {
    assert_eq!(
        Weight::new(-0.5).unwrap_err(),
        Error::InvalidWeight { weight: -0.5 }
    );
    assert!(Weight::new(f64::INFINITY).is_err());
    assert!(Weight::new(f64::NAN).is_err());
    assert_eq!(Weight::new(0.0).unwrap().get(), 0.0);
    assert_eq!(Weight::default(), Weight::ONE);
    assert_eq!(
        Weight::new(-1.0).unwrap_err().to_string(),
        "weight -1 is invalid: weights must be finite and at least 0"
    );
}
