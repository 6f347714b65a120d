//! Property tests against a naive model.

use cxmetrics::{Error, Mean, Nps, Polarity, Scale, Tally, TopBox};
use proptest::prelude::*;

use crate::assert_close;

/// The naive model: one counter per point.
fn naive_counts(scale: Scale, scores: &[u8]) -> Vec<u64> {
    let mut counts = vec![0u64; scale.len()];
    for &s in scores {
        counts[(i32::from(s) - scale.lowest()) as usize] += 1;
    }
    counts
}

fn nps_scores() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(0u8..=10, 0..300)
}

/// A scale of 2 to 40 points starting anywhere in -5..=20, either polarity.
fn any_scale() -> impl Strategy<Value = Scale> {
    (-5i32..=20, 1i32..40, any::<bool>()).prop_map(|(lo, span, high)| {
        let pol = if high {
            Polarity::HigherIsBetter
        } else {
            Polarity::LowerIsBetter
        };
        Scale::new(lo, lo + span, pol).unwrap()
    })
}

proptest! {
    #[test]
    fn fast_path_matches_the_naive_loop(scores in nps_scores()) {
        let t = Tally::from_scores(Scale::NPS, &scores).unwrap();
        prop_assert_eq!(t.counts(), &naive_counts(Scale::NPS, &scores)[..]);
        prop_assert_eq!(t.n(), scores.len() as u64);
    }

    #[test]
    fn first_bad_byte_is_reported(mut scores in nps_scores(), bad in 11u8..=255, at in any::<prop::sample::Index>()) {
        let pos = at.index(scores.len() + 1);
        scores.insert(pos, bad);
        let mut t = Tally::from_scores(Scale::NPS, &[5u8]).unwrap();
        let before = t.clone();
        let err = t.extend_scores(&scores).unwrap_err();
        let expected = Error::ScoreOutOfRange { score: i128::from(bad), lowest: 0, highest: 10 };
        prop_assert_eq!(err, Error::InvalidBatchItem { index: pos, error: Box::new(expected) });
        prop_assert_eq!(t, before);
    }

    #[test]
    fn merge_of_any_split_in_any_order_equals_one_pass(
        scores in nps_scores(),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..6),
        order_seed in any::<u64>(),
    ) {
        let whole = Tally::from_scores(Scale::NPS, &scores).unwrap();
        let mut bounds: Vec<usize> = cuts.iter().map(|c| c.index(scores.len() + 1)).collect();
        bounds.push(0);
        bounds.push(scores.len());
        bounds.sort_unstable();
        let mut parts: Vec<Tally> = bounds
            .windows(2)
            .map(|w| Tally::from_scores(Scale::NPS, &scores[w[0]..w[1]]).unwrap())
            .collect();
        // A deterministic shuffle from the seed.
        let mut seed = order_seed;
        for i in (1..parts.len()).rev() {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            parts.swap(i, (seed >> 33) as usize % (i + 1));
        }
        let mut merged = Tally::new(Scale::NPS);
        for p in &parts {
            merged.merge(p).unwrap();
        }
        prop_assert_eq!(&merged, &whole);
        // Associativity: (a + b) + c == a + (b + c) for the first three parts.
        if parts.len() >= 3 {
            let mut left = parts[0].clone();
            left.merge(&parts[1]).unwrap();
            left.merge(&parts[2]).unwrap();
            let mut bc = parts[1].clone();
            bc.merge(&parts[2]).unwrap();
            let mut right = parts[0].clone();
            right.merge(&bc).unwrap();
            prop_assert_eq!(left, right);
        }
    }

    #[test]
    fn the_empty_tally_is_the_identity(scores in nps_scores()) {
        let t = Tally::from_scores(Scale::NPS, &scores).unwrap();
        let mut left = Tally::new(Scale::NPS);
        left.merge(&t).unwrap();
        let mut right = t.clone();
        right.merge(&Tally::new(Scale::NPS)).unwrap();
        prop_assert_eq!(&left, &t);
        prop_assert_eq!(&right, &t);
    }

    #[test]
    fn weighted_merge_agrees_with_one_pass(
        answers in prop::collection::vec((0u8..=10, 0.0f64..100.0), 1..200),
        cut in any::<prop::sample::Index>(),
    ) {
        let (scores, weights): (Vec<u8>, Vec<f64>) = answers.into_iter().unzip();
        let mut whole = Tally::new(Scale::NPS);
        whole.extend_weighted_scores(&scores, &weights).unwrap();
        let c = cut.index(scores.len() + 1);
        let mut a = Tally::new(Scale::NPS);
        a.extend_weighted_scores(&scores[..c], &weights[..c]).unwrap();
        let mut b = Tally::new(Scale::NPS);
        b.extend_weighted_scores(&scores[c..], &weights[c..]).unwrap();
        b.merge(&a).unwrap();
        prop_assert_eq!(b.counts(), whole.counts());
        for p in Scale::NPS.points() {
            assert_close(b.weight(p).unwrap(), whole.weight(p).unwrap(), "weight sum");
        }
        assert_close(b.effective_n(), whole.effective_n(), "n_eff");
    }

    #[test]
    fn scores_stay_in_their_ranges(
        answers in prop::collection::vec((0u8..=10, 0.0f64..10.0), 1..200),
    ) {
        let (scores, weights): (Vec<u8>, Vec<f64>) = answers.into_iter().unzip();
        let mut t = Tally::new(Scale::NPS);
        t.extend_weighted_scores(&scores, &weights).unwrap();
        match Nps::from_tally(&t) {
            Ok(nps) => {
                prop_assert!((-100.0..=100.0).contains(&nps.score()));
                for s in [nps.promoter_share(), nps.passive_share(), nps.detractor_share()] {
                    prop_assert!((0.0..=1.0).contains(&s));
                }
                let m = Mean::from_tally(&t).unwrap();
                prop_assert!((0.0..=10.0).contains(&m.mean()));
                prop_assert!((0.0..=100.0).contains(&m.index()));
                prop_assert!(m.population_variance() >= 0.0);
                let k = TopBox::top(&t, 3).unwrap();
                prop_assert!((0.0..=1.0).contains(&k.share()));
                prop_assert!(t.effective_n() <= t.n() as f64 * (1.0 + 1e-12));
            }
            Err(e) => prop_assert_eq!(e, Error::ZeroTotalWeight { n: t.n() }),
        }
    }

    #[test]
    fn mean_stays_inside_any_scale(scale in any_scale(), picks in prop::collection::vec(any::<prop::sample::Index>(), 1..100)) {
        let scores: Vec<i32> = picks.iter().map(|p| scale.lowest() + p.index(scale.len()) as i32).collect();
        let t = Tally::from_scores(scale, &scores).unwrap();
        let m = Mean::from_tally(&t).unwrap();
        prop_assert!(m.mean() >= f64::from(scale.lowest()) && m.mean() <= f64::from(scale.highest()));
        let exact = scores.iter().map(|&s| f64::from(s)).sum::<f64>() / scores.len() as f64;
        prop_assert!((m.mean() - exact).abs() <= 1e-9 * exact.abs().max(1.0));
    }

    #[test]
    fn reversing_polarity_mirrors_the_boxes(scale in any_scale(), picks in prop::collection::vec(any::<prop::sample::Index>(), 1..100), k in any::<prop::sample::Index>()) {
        let k = 1 + k.index(scale.len()) as u32;
        let scores: Vec<i32> = picks.iter().map(|p| scale.lowest() + p.index(scale.len()) as i32).collect();
        let t = Tally::from_scores(scale, &scores).unwrap();
        let r = Tally::from_scores(scale.reversed(), &scores).unwrap();
        let top = TopBox::top(&t, k).unwrap();
        let mirrored = TopBox::bottom(&r, k).unwrap();
        prop_assert_eq!(top.points(), mirrored.points());
        prop_assert_eq!(top.count(), mirrored.count());
        prop_assert_eq!(top.share(), mirrored.share());
        // The best k points are the k highest on a higher-is-better scale.
        let hib = if scale.polarity() == Polarity::HigherIsBetter { &t } else { &r };
        let top_hib = TopBox::top(hib, k).unwrap();
        let cutoff = scale.highest() - k as i32;
        prop_assert_eq!(top_hib.count(), scores.iter().filter(|&&s| s > cutoff).count() as u64);
        let sum = Mean::from_tally(&t).unwrap().index() + Mean::from_tally(&r).unwrap().index();
        prop_assert!((sum - 100.0).abs() < 1e-9);
    }

    #[test]
    fn float_scores_are_accepted_only_when_whole_and_on_the_scale(x in any::<f64>()) {
        match Scale::NPS.rating(x) {
            Ok(r) => prop_assert_eq!(f64::from(r.value()), x),
            Err(Error::ScoreOutOfRange { score, .. }) => {
                prop_assert_eq!(score as f64, x);
                prop_assert!(!(0.0..=10.0).contains(&x));
            }
            Err(Error::InvalidScore { score, .. }) => {
                prop_assert!(score.to_bits() == x.to_bits());
                prop_assert!(!x.is_finite() || x.fract() != 0.0 || x.abs() > 1e30);
            }
            Err(e) => prop_assert!(false, "unexpected error {e}"),
        }
    }
}
