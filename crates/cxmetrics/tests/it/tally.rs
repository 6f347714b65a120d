//! Scales, ratings and the tally: construction, batches, merging, limits.

use cxmetrics::{Error, Polarity, Question, Response, Scale, Tally, Weight};

#[test]
fn presets_have_the_documented_ranges() {
    let expect = [
        (Scale::NPS, 0, 10, Polarity::HigherIsBetter, Question::Nps),
        (
            Scale::CSAT_5,
            1,
            5,
            Polarity::HigherIsBetter,
            Question::Csat,
        ),
        (
            Scale::CSAT_7,
            1,
            7,
            Polarity::HigherIsBetter,
            Question::Csat,
        ),
        (
            Scale::CSAT_10,
            1,
            10,
            Polarity::HigherIsBetter,
            Question::Csat,
        ),
        (Scale::CES_7, 1, 7, Polarity::HigherIsBetter, Question::Ces),
        (Scale::CES_5, 1, 5, Polarity::LowerIsBetter, Question::Ces),
    ];
    for (scale, lo, hi, pol, q) in expect {
        assert_eq!(
            (
                scale.lowest(),
                scale.highest(),
                scale.polarity(),
                scale.question()
            ),
            (lo, hi, pol, q)
        );
        let custom = Scale::new(lo, hi, pol).unwrap();
        assert_eq!(custom.question(), Question::Other);
        assert_ne!(custom, scale);
        assert_eq!(custom.for_question(q), scale);
    }
    // Same points and direction, different questions: never equal.
    assert_ne!(Scale::CSAT_7, Scale::CES_7);
    assert_eq!(Scale::CES_5.to_string(), "1..=5 (lower is better)");
    assert_eq!(Scale::NPS.to_string(), "0..=10");
}

#[test]
fn scale_bounds_are_validated() {
    assert!(Scale::new(0, 100, Polarity::HigherIsBetter).is_ok());
    assert!(Scale::new(0, 1000, Polarity::HigherIsBetter).is_ok());
    for (lo, hi) in [(5, 1), (3, 3), (0, 1001), (i32::MIN, i32::MAX)] {
        let err = Scale::new(lo, hi, Polarity::HigherIsBetter).unwrap_err();
        assert!(
            matches!(err, Error::InvalidScale { lowest, highest, .. } if lowest == i64::from(lo) && highest == i64::from(hi)),
            "{err}"
        );
        assert!(err.to_string().contains(&format!("{lo}..={hi}")), "{err}");
    }
}

#[test]
fn ratings_accept_integers_and_integral_floats() {
    assert_eq!(Scale::NPS.rating(9u8).unwrap().value(), 9);
    assert_eq!(Scale::NPS.rating(9i64).unwrap().value(), 9);
    assert_eq!(Scale::NPS.rating(9.0f32).unwrap().value(), 9);
    assert_eq!(Scale::NPS.rating(-0.0).unwrap().value(), 0);
    assert_eq!(
        Scale::NPS.rating(10usize).unwrap().to_string(),
        "10 on 0..=10"
    );
}

#[test]
fn bad_scores_name_the_value_and_range() {
    let cases: [(Error, &str); 6] = [
        (
            Scale::NPS.rating(11).unwrap_err(),
            "score 11 is outside scale 0..=10",
        ),
        (
            Scale::NPS.rating(-1i8).unwrap_err(),
            "score -1 is outside scale 0..=10",
        ),
        (
            Scale::NPS.rating(u64::MAX).unwrap_err(),
            "score 18446744073709551615 is outside scale 0..=10",
        ),
        (
            Scale::NPS.rating(9.5).unwrap_err(),
            "score 9.5 is not a whole number within scale 0..=10",
        ),
        (
            Scale::NPS.rating(f64::NAN).unwrap_err(),
            "score NaN is not a whole number within scale 0..=10",
        ),
        (
            Scale::NPS.rating(f64::NEG_INFINITY).unwrap_err(),
            "score -inf is not a whole number within scale 0..=10",
        ),
    ];
    for (err, msg) in cases {
        assert_eq!(err.to_string(), msg);
    }
    assert!(matches!(
        Scale::NPS.rating(1e300),
        Err(Error::InvalidScore { .. })
    ));
    assert!(matches!(
        Scale::NPS.rating(11.0),
        Err(Error::ScoreOutOfRange { score: 11, .. })
    ));
}

#[test]
fn slice_fast_path_counts_every_type_alike() {
    let bytes: Vec<u8> = (0..1000u32).map(|i| (i * 7 % 11) as u8).collect();
    let from_u8 = Tally::from_scores(Scale::NPS, &bytes).unwrap();
    let ints: Vec<i64> = bytes.iter().map(|&b| i64::from(b)).collect();
    let floats: Vec<f64> = bytes.iter().map(|&b| f64::from(b)).collect();
    assert_eq!(Tally::from_scores(Scale::NPS, &ints).unwrap(), from_u8);
    assert_eq!(Tally::from_scores(Scale::NPS, &floats).unwrap(), from_u8);
    let mut pushed = Tally::new(Scale::NPS);
    for &b in &bytes {
        pushed.push_score(b).unwrap();
    }
    assert_eq!(pushed, from_u8);
    assert_eq!(from_u8.n(), 1000);
    assert_eq!(from_u8.counts().iter().sum::<u64>(), 1000);
}

#[test]
fn u8_fast_path_respects_scales_that_do_not_start_at_zero() {
    let t = Tally::from_scores(Scale::CSAT_5, &[1u8, 5, 5, 3]).unwrap();
    assert_eq!(t.counts(), &[1, 0, 1, 0, 2]);
    let err = Tally::from_scores(Scale::CSAT_5, &[1u8, 5, 0, 6]).unwrap_err();
    assert_eq!(
        err,
        Error::InvalidBatchItem {
            index: 2,
            error: Box::new(Error::ScoreOutOfRange {
                score: 0,
                lowest: 1,
                highest: 5
            })
        }
    );
    let negative = Scale::new(-2, 2, Polarity::HigherIsBetter).unwrap();
    let t = Tally::from_scores(negative, &[0u8, 1, 2]).unwrap();
    assert_eq!(t.counts(), &[0, 0, 1, 1, 1]);
    assert!(Tally::from_scores(negative, &[3u8]).is_err());
    let high = Scale::new(300, 310, Polarity::HigherIsBetter).unwrap();
    assert!(Tally::from_scores(high, &[255u8]).is_err());
}

#[test]
fn a_bad_batch_leaves_the_tally_unchanged() {
    let mut t = Tally::from_scores(Scale::NPS, &[10u8, 9]).unwrap();
    let before = t.clone();
    let err = t.extend_scores(&[1.0, 2.0, 2.5, 11.0]).unwrap_err();
    assert!(
        matches!(err, Error::InvalidBatchItem { index: 2, .. }),
        "{err}"
    );
    assert_eq!(t, before);
    let err = t
        .extend_weighted_scores(&[1u8, 2, 3], &[1.0, -1.0, 1.0])
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "answer at index 1 rejected, batch not added: weight -1 is invalid: weights must be finite and at least 0"
    );
    assert_eq!(t, before);
    let err = t.extend_weighted_scores(&[1u8, 2], &[1.0]).unwrap_err();
    assert_eq!(err.to_string(), "length mismatch: 2 scores but 1 weights");
    let wrong = Response::rated(Scale::CSAT_5.rating(5).unwrap());
    let err = t.extend([Response::NotApplicable, wrong]).unwrap_err();
    assert!(matches!(err, Error::InvalidBatchItem { index: 1, .. }));
    assert_eq!(t, before);
}

#[test]
fn pushing_a_rating_of_another_scale_is_refused() {
    let mut t = Tally::new(Scale::CES_5);
    let err = t.push_rating(Scale::CSAT_5.rating(3).unwrap()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "scale mismatch: expected CES 1..=5 (lower is better), got CSAT 1..=5"
    );
    assert!(t.is_empty());
}

#[test]
fn responses_count_weights_and_not_applicable() {
    let r = |v| Scale::CSAT_5.rating(v).unwrap();
    let t = Tally::from_responses(
        Scale::CSAT_5,
        [
            Response::rated(r(5)),
            Response::weighted(r(4), Weight::new(0.5).unwrap()),
            Response::NotApplicable,
            r(5).into(),
        ],
    )
    .unwrap();
    assert_eq!((t.n(), t.not_applicable(), t.len()), (3, 1, 4));
    assert_eq!(t.weight(5), Ok(2.0));
    assert_eq!(t.weight(4), Ok(0.5));
    assert_eq!(t.total_weight(), Ok(2.5));
    assert_eq!(t.total_weight_squared(), Ok(2.25));
    assert_eq!(Response::NotApplicable.rating(), None);
}

#[test]
fn merge_is_exact_and_checks_scales() {
    let a = Tally::from_scores(Scale::NPS, &[10u8, 9, 3]).unwrap();
    let b = Tally::from_scores(Scale::NPS, &[7u8, 0]).unwrap();
    let mut ab = a.clone();
    ab.merge(&b).unwrap();
    let mut ba = b.clone();
    ba.merge(&a).unwrap();
    assert_eq!(ab, ba);
    assert_eq!(
        ab,
        Tally::from_scores(Scale::NPS, &[10u8, 9, 3, 7, 0]).unwrap()
    );
    let mut c = ab.clone();
    c.merge(&Tally::new(Scale::NPS)).unwrap();
    assert_eq!(c, ab);
    let err = c.merge(&Tally::new(Scale::CSAT_10)).unwrap_err();
    assert_eq!(
        err,
        Error::ScaleMismatch {
            expected: format!("{:#}", Scale::NPS),
            actual: format!("{:#}", Scale::CSAT_10)
        }
    );
    assert_eq!(c, ab);
}

#[test]
fn counts_never_overflow_silently() {
    let mut counts = [0u64; 5];
    counts[0] = u64::MAX;
    let mut big = Tally::from_counts(Scale::CSAT_5, &counts).unwrap();
    assert_eq!(big.n(), u64::MAX);
    let before = big.clone();
    let err = big.push_score(3).unwrap_err();
    assert_eq!(
        err,
        Error::CountOverflow {
            what: "rated answers",
            count: u64::MAX,
            added: 1
        }
    );
    assert!(err.to_string().contains("18446744073709551615 + 1"));
    assert!(
        big.merge(&Tally::from_scores(Scale::CSAT_5, &[1]).unwrap())
            .is_err()
    );
    assert!(big.push_not_applicable().is_err());
    assert_eq!(big, before);
    let err = Tally::from_counts(Scale::CSAT_5, &[u64::MAX, 0, 1, 0, 0]).unwrap_err();
    assert!(matches!(err, Error::CountOverflow { .. }));
    let err = Tally::from_counts(Scale::CSAT_5, &[1, 2]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "length mismatch: 2 counts but 5 scale points"
    );
}

#[test]
fn effective_n_is_n_when_unweighted() {
    let t = Tally::from_scores(Scale::NPS, &vec![5u8; 12345]).unwrap();
    assert_eq!(t.effective_n(), 12345.0);
    assert_eq!(t.total_weight(), Ok(12345.0));
    assert_eq!(Tally::new(Scale::NPS).effective_n(), 0.0);
}

#[test]
fn tally_is_send_sync_and_cloneable() {
    fn assert_traits<T: Send + Sync + Clone + PartialEq + std::fmt::Debug>() {}
    assert_traits::<Tally>();
    assert_traits::<Scale>();
    assert_traits::<Error>();
}

#[test]
fn tallies_of_different_questions_never_merge() {
    let mut ces = Tally::from_scores(Scale::CES_7, &[7u8, 6, 5]).unwrap();
    let before = ces.clone();
    let csat = Tally::from_scores(Scale::CSAT_7, &[1u8, 2]).unwrap();
    assert!(matches!(ces.merge(&csat), Err(Error::ScaleMismatch { .. })));
    assert_eq!(ces, before);
    let custom = Scale::new(1, 7, Polarity::HigherIsBetter).unwrap();
    assert!(ces.merge(&Tally::new(custom)).is_err());
    assert!(
        ces.merge(&Tally::new(custom.for_question(Question::Ces)))
            .is_ok()
    );
    // Means of different questions are not compared either.
    let m = |t: &Tally| cxmetrics::Mean::from_tally(t).unwrap();
    assert!(
        cxmetrics::compare::means(&m(&ces), &m(&csat), cxmetrics::ConfidenceLevel::P95).is_err()
    );
    // NPS needs 0..=10 and a question that is NPS or unsaid.
    let plain = Scale::new(0, 10, Polarity::HigherIsBetter).unwrap();
    let t = Tally::from_scores(plain, &[10u8, 0, 9]).unwrap();
    assert!((cxmetrics::Nps::from_tally(&t).unwrap().score() - 100.0 / 3.0).abs() < 1e-12);
    let csat10 = Tally::from_scores(plain.for_question(Question::Csat), &[10u8]).unwrap();
    assert!(cxmetrics::Nps::from_tally(&csat10).is_err());
    assert_eq!(Question::Ces.to_string(), "CES");
    assert_eq!(format!("{:#}", Scale::NPS), "NPS 0..=10");
    assert_eq!(format!("{custom:#}"), "1..=7");
}

#[test]
fn tallies_sum_and_collect_by_merging() {
    let scores = [10u8, 9, 9, 8, 7, 6, 3, 10, 0, 5, 4];
    let weights = [1.0, 2.5, 0.0, 1.0, 3.0, 0.25, 1.0, 1.0, 2.0, 0.5, 1.5];
    let mut whole = Tally::new(Scale::NPS);
    whole.extend_weighted_scores(&scores, &weights).unwrap();
    for cut in [0, 1, 5, 10, 11] {
        let mut a = Tally::new(Scale::NPS);
        a.extend_weighted_scores(&scores[..cut], &weights[..cut])
            .unwrap();
        let mut b = Tally::new(Scale::NPS);
        b.extend_weighted_scores(&scores[cut..], &weights[cut..])
            .unwrap();
        let parts = [a, b];
        let by_ref: Tally = parts.iter().sum::<Result<Tally, _>>().unwrap();
        assert_eq!(by_ref, whole, "cut {cut}");
        let collected: Result<Tally, _> = parts.iter().collect();
        assert_eq!(collected.unwrap(), whole);
        let by_value: Result<Tally, _> = parts.into_iter().sum();
        assert_eq!(by_value.unwrap(), whole);
    }
    let none: Vec<Tally> = Vec::new();
    assert!(matches!(
        none.iter().sum::<Result<Tally, _>>(),
        Err(Error::InvalidArgument {
            name: "number of tallies",
            ..
        })
    ));
    assert!(none.into_iter().collect::<Result<Tally, _>>().is_err());
    let mixed = [Tally::new(Scale::NPS), Tally::new(Scale::CSAT_5)];
    assert!(matches!(
        mixed.iter().sum::<Result<Tally, _>>(),
        Err(Error::ScaleMismatch { .. })
    ));
    let mut full = [0u64; 5];
    full[4] = u64::MAX;
    let big = Tally::from_counts(Scale::CSAT_5, &full).unwrap();
    let one = Tally::from_scores(Scale::CSAT_5, &[1u8]).unwrap();
    assert!(matches!(
        [big, one].iter().collect::<Result<Tally, _>>(),
        Err(Error::CountOverflow { .. })
    ));
}

#[test]
fn counts_with_not_applicable_and_the_unweighted_view() {
    let t = Tally::from_counts_with_not_applicable(Scale::CSAT_5, &[1, 0, 2, 5, 2], 4).unwrap();
    let mut expected = Tally::from_counts(Scale::CSAT_5, &[1, 0, 2, 5, 2]).unwrap();
    for _ in 0..4 {
        expected.push_not_applicable().unwrap();
    }
    assert_eq!(t, expected);
    assert!(matches!(
        Tally::from_counts_with_not_applicable(Scale::CSAT_5, &[1, 0, 0, 0, 0], u64::MAX),
        Err(Error::CountOverflow { .. })
    ));
    assert!(matches!(
        Tally::from_counts_with_not_applicable(Scale::CSAT_5, &[1, 0], 1),
        Err(Error::LengthMismatch { .. })
    ));
    let mut w = Tally::new(Scale::CES_7);
    w.extend_weighted_scores(&[7u8, 7, 1, 4], &[0.5, 3.0, 0.0, 2.0])
        .unwrap();
    w.push_not_applicable().unwrap();
    let raw = w.unweighted().unwrap();
    assert_eq!(raw.counts(), w.counts());
    assert_eq!((raw.n(), raw.not_applicable()), (4, 1));
    // Every answer weighs 1: the unweighted mean is (7 + 7 + 1 + 4) / 4.
    assert_eq!(
        cxmetrics::Mean::from_tally(&raw).unwrap().mean(),
        19.0 / 4.0
    );
    assert_eq!(raw.effective_n(), 4.0);
    assert_eq!(
        raw,
        Tally::from_counts_with_not_applicable(Scale::CES_7, &[1, 0, 0, 1, 0, 0, 2], 1).unwrap()
    );
}

mod from_sums {
    use cxmetrics::{Error, Response, Scale, Tally, Weight};
    use proptest::prelude::*;

    fn weighted(scores: &[u8], weights: &[f64]) -> Tally {
        let mut t = Tally::new(Scale::NPS);
        for (&s, &w) in scores.iter().zip(weights) {
            t.push(Response::weighted(
                Scale::NPS.rating(s).unwrap(),
                Weight::new(w).unwrap(),
            ))
            .unwrap();
        }
        t.push_not_applicable().unwrap();
        t
    }

    proptest! {
        /// from_point_sums inverts point_sums and weight_exponent exactly,
        /// for weights of any magnitude (and zero weights).
        #[test]
        fn point_sums_round_trip(
            rows in proptest::collection::vec((0u8..=10, 0.0f64..8.0, -1000i32..1000), 1..40),
        ) {
            let scores: Vec<u8> = rows.iter().map(|r| r.0).collect();
            let weights: Vec<f64> = rows
                .iter()
                .map(|&(_, m, e)| if m < 0.5 { 0.0 } else { m * 2f64.powi(e.clamp(-1020, 1016)) })
                .collect();
            let t = weighted(&scores, &weights);
            let sums: Vec<_> = t.point_sums().collect();
            let back = Tally::from_point_sums(Scale::NPS, t.weight_exponent(), &sums, 1).unwrap();
            prop_assert_eq!(back, t);
        }
    }

    #[test]
    fn plain_sums_give_the_tally_of_their_answers() {
        // Weights 1 and 2 at 10, 0.5 at 3: sums an engine would give.
        let t = weighted(&[10, 10, 3], &[1.0, 2.0, 0.5]);
        let mut counts = [0u64; 11];
        let (mut w, mut w2) = ([0.0; 11], [0.0; 11]);
        (counts[10], w[10], w2[10]) = (2, 3.0, 5.0);
        (counts[3], w[3], w2[3]) = (1, 0.5, 0.25);
        let from = Tally::from_weight_sums(Scale::NPS, &counts, &w, &w2, 1).unwrap();
        // The same answers (the power of two the sums are kept at may
        // differ: plain sums do not give the largest weight). Dyadic
        // weights: every sum is exact.
        assert_eq!(from.counts(), t.counts());
        assert_eq!(from.positive_counts(), t.positive_counts());
        assert_eq!(from.not_applicable(), t.not_applicable());
        for point in 0..=10 {
            assert_eq!(from.weight(point).unwrap(), t.weight(point).unwrap());
        }
        assert_eq!(from.total_weight_squared().unwrap(), 5.25);
        assert_eq!(t.total_weight_squared().unwrap(), 5.25);
        assert_eq!(from.effective_n(), t.effective_n());
    }

    #[test]
    fn impossible_sums_are_refused_by_name() {
        let counts = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];
        let mut w = [0.0; 11];
        let mut w2 = [0.0; 11];
        w[10] = 3.0;
        // Σw² above (Σw)²: no two weights do that.
        w2[10] = 10.0;
        let e = Tally::from_weight_sums(Scale::NPS, &counts, &w, &w2, 0).unwrap_err();
        assert!(matches!(e, Error::InvalidTally { .. }), "{e}");
        assert!(e.to_string().contains("at point 10"), "{e}");
        // Below (Σw)²/n: too small for two answers.
        w2[10] = 4.0;
        assert!(Tally::from_weight_sums(Scale::NPS, &counts, &w, &w2, 0).is_err());
        // Weight where there is no answer; wrong length; not finite.
        let mut stray = w;
        stray[0] = 1.0;
        w2[10] = 5.0;
        assert!(Tally::from_weight_sums(Scale::NPS, &counts, &stray, &w2, 0).is_err());
        assert!(Tally::from_weight_sums(Scale::NPS, &counts[..10], &w, &w2, 0).is_err());
        let mut inf = w;
        inf[10] = f64::INFINITY;
        assert!(Tally::from_weight_sums(Scale::NPS, &counts, &inf, &w2, 0).is_err());
        // An exponent out of range, more positive answers than answers.
        let t = Tally::from_weight_sums(Scale::NPS, &counts, &w, &w2, 0).unwrap();
        let sums: Vec<_> = t.point_sums().collect();
        assert!(Tally::from_point_sums(Scale::NPS, 5000, &sums, 0).is_err());
        let mut more = sums.clone();
        more[10].positive = 3;
        assert!(Tally::from_point_sums(Scale::NPS, t.weight_exponent(), &more, 0).is_err());
        // Counts whose total passes u64::MAX.
        let mut huge = sums;
        huge[0].count = u64::MAX;
        assert!(matches!(
            Tally::from_point_sums(Scale::NPS, t.weight_exponent(), &huge, 0),
            Err(Error::CountOverflow { .. } | Error::InvalidTally { .. })
        ));
    }
}

/// The byte kernel for weighted batches (one pass over the weights, block
/// by block) against the generic path for `i32` scores and a plain
/// per-answer sum written here: same counts and positive counts, same
/// exponent, sums within 1e-12 relative, on batches that span several
/// blocks, start with zero weights, and raise the exponent late.
#[test]
fn weighted_byte_kernel_agrees_with_the_generic_path_and_a_plain_sum() {
    let mut state = 7u64;
    let mut next = move |m: u64| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % m
    };
    for scale in [Scale::NPS, Scale::CSAT_5, Scale::CES_7] {
        for (len, late) in [
            (0usize, 1.0),
            (1, 1.0),
            (2047, 1.0),
            (2049, 8.0),
            (9000, 1e250),
        ] {
            let low = scale.lowest() as u64;
            let points = scale.len() as u64;
            let scores: Vec<u8> = (0..len).map(|_| (low + next(points)) as u8).collect();
            let mut weights: Vec<f64> = (0..len)
                .map(|i| match next(10) {
                    0 => 0.0,
                    _ if i < 2100 && len > 2048 => 0.0, // a first block without weight
                    k => k as f64 / 4.0,
                })
                .collect();
            if let Some(w) = weights.last_mut() {
                *w = late;
            }
            let mut bytes = Tally::new(scale);
            bytes.extend_weighted_scores(&scores, &weights).unwrap();
            let ints: Vec<i32> = scores.iter().map(|&s| i32::from(s)).collect();
            let mut generic = Tally::new(scale);
            generic.extend_weighted_scores(&ints, &weights).unwrap();
            assert_eq!(bytes.counts(), generic.counts(), "{scale:?} {len}");
            assert_eq!(bytes.weight_exponent(), generic.weight_exponent());
            assert_eq!(bytes.n_positive(), generic.n_positive());
            let e = bytes.weight_exponent();
            for ((b, g), p) in bytes
                .point_sums()
                .zip(generic.point_sums())
                .zip(scale.points())
            {
                assert_eq!((b.count, b.positive), (g.count, g.positive));
                let here: Vec<f64> = scores
                    .iter()
                    .zip(&weights)
                    .filter(|(s, _)| i128::from(**s) == i128::from(p))
                    .map(|(_, &w)| w * 2f64.powi(-e))
                    .collect();
                let plain: f64 = here.iter().sum();
                let plain_sq: f64 = here.iter().map(|x| x * x).sum();
                let positive = here.iter().filter(|&&x| x > 0.0).count() as u64;
                assert_eq!(b.positive, positive);
                for (got, want) in [
                    (b.weight, plain),
                    (g.weight, plain),
                    (b.weight_squared, plain_sq),
                ] {
                    assert!(
                        (got - want).abs() <= 1e-12 * want,
                        "{scale:?} {len} {p}: {got} {want}"
                    );
                }
            }
        }
    }
}

/// A bad weight or score anywhere in a long weighted batch (past the
/// kernel's first blocks too) leaves the tally unchanged, and the error
/// names the first bad item in index order, a score before a weight.
#[test]
fn weighted_byte_kernel_batches_stay_all_or_nothing() {
    let n = 5000;
    let scores = vec![9u8; n];
    let weights = vec![1.5; n];
    let mut t = Tally::new(Scale::NPS);
    t.extend_weighted_scores(&[10u8, 3], &[2.0, 1.0]).unwrap();
    let before = t.clone();
    for (bad_score, bad_weight) in [
        (None, Some((4500, f64::NAN))),
        (None, Some((2048, -1.0))),
        (None, Some((4999, f64::INFINITY))),
        (Some(3000), Some((4000, -2.0))),
        (Some(4000), Some((3000, f64::NAN))),
        (Some(4096), None),
        (Some(10), Some((10, -1.0))),
    ] {
        let (mut s, mut w) = (scores.clone(), weights.clone());
        if let Some(i) = bad_score {
            s[i] = 11;
        }
        if let Some((i, x)) = bad_weight {
            w[i] = x;
        }
        // Also a weight large enough to raise the exponent before the bad item.
        w[1000] = 1e300;
        let err = t.extend_weighted_scores(&s, &w).unwrap_err();
        let first = match (bad_score, bad_weight) {
            (Some(a), Some((b, _))) => a.min(b),
            (Some(a), None) => a,
            (None, Some((b, _))) => b,
            (None, None) => unreachable!(),
        };
        assert!(err.to_string().contains(&format!("index {first}")), "{err}");
        assert_eq!(t, before);
    }
}

/// Batches of every score type convert in one branch-free pass; each
/// batch must give what pushing its scores one by one gives: the same
/// tally, or the same error naming the first bad score — for values at and
/// past the scale's ends, at the limits of each type, and floats that are
/// fractions, tiny, huge, NaN or infinite.
mod batch_conversion {
    use cxmetrics::{GroupedTally, Polarity, Scale, ScoreValue, Tally};
    use proptest::prelude::*;

    fn scales() -> [Scale; 3] {
        [
            Scale::NPS,
            Scale::new(-1000, 0, Polarity::HigherIsBetter).unwrap(),
            Scale::new(-3, 3, Polarity::LowerIsBetter).unwrap(),
        ]
    }

    fn one_by_one<S: ScoreValue>(scale: Scale, scores: &[S]) -> Result<Tally, String> {
        let mut t = Tally::new(scale);
        for (i, &s) in scores.iter().enumerate() {
            t.push_score(s)
                .map_err(|e| format!("answer at index {i} rejected, batch not added: {e}"))?;
        }
        Ok(t)
    }

    fn agree<S: ScoreValue + std::fmt::Debug>(scores: &[S]) {
        for scale in scales() {
            let batch = Tally::from_scores(scale, scores).map_err(|e| e.to_string());
            let single = one_by_one(scale, scores);
            assert_eq!(batch, single, "{scale} {scores:?}");
            // The grouped path (one group) converts scores its own way.
            let mut grouped = GroupedTally::with_groups(scale, 1).unwrap();
            let ids = vec![0u32; scores.len()];
            let got = grouped
                .extend_scores(&ids, scores)
                .map_err(|e| e.to_string())
                .and_then(|()| grouped.tally(0).map_err(|e| e.to_string()));
            assert_eq!(got, single, "grouped {scale} {scores:?}");
        }
    }

    /// Values near each scale's points and past them, and type limits.
    fn int_value() -> impl Strategy<Value = i64> {
        prop_oneof![
            -1005i64..15,
            Just(i64::MIN),
            Just(i64::MAX),
            Just(i64::MIN + 1000),
            Just(i64::MAX - 1000),
            any::<i64>(),
        ]
    }

    fn float_value() -> impl Strategy<Value = f64> {
        prop_oneof![
            (-1005i64..15).prop_map(|v| v as f64),
            (-1005i64..15).prop_map(|v| v as f64 + 0.5),
            Just(1e-300),
            Just(-1e-300),
            Just(-0.0),
            Just(f64::NAN),
            Just(f64::INFINITY),
            Just(f64::NEG_INFINITY),
            Just(9_007_199_254_740_993.0),
            Just(4_294_967_296.0),
            Just(-4_294_967_296.0),
            Just(1e300),
            any::<f64>(),
        ]
    }

    proptest! {
        #[test]
        fn integers(values in proptest::collection::vec(int_value(), 1..24)) {
            agree(&values);
            agree(&values.iter().map(|&v| v as i32).collect::<Vec<_>>());
            agree(&values.iter().map(|&v| v as i16).collect::<Vec<_>>());
            agree(&values.iter().map(|&v| v as i8).collect::<Vec<_>>());
            agree(&values.iter().map(|&v| v as isize).collect::<Vec<_>>());
            agree(&values.iter().map(|&v| v as u64).collect::<Vec<_>>());
            agree(&values.iter().map(|&v| v as usize).collect::<Vec<_>>());
            agree(&values.iter().map(|&v| v as u32).collect::<Vec<_>>());
            agree(&values.iter().map(|&v| v as u16).collect::<Vec<_>>());
            agree(&values.iter().map(|&v| v as u8).collect::<Vec<_>>());
        }

        #[test]
        fn valid_batches(values in proptest::collection::vec(0i64..=3, 1..300)) {
            // On the points of two of the scales: the one-pass result.
            agree(&values);
            agree(&values.iter().map(|&v| v as f64).collect::<Vec<_>>());
            agree(&values.iter().map(|&v| v as i16).collect::<Vec<_>>());
        }

        #[test]
        fn floats(values in proptest::collection::vec(float_value(), 1..24)) {
            agree(&values);
            agree(&values.iter().map(|&v| v as f32).collect::<Vec<_>>());
        }
    }
}
