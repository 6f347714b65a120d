//! Segments, trends, sharding and concurrent ingestion.

use std::collections::BTreeMap;

use cxmetrics::segment::Score;
use cxmetrics::{
    AtomicTally, ConfidenceLevel, Error, Nps, Polarity, Response, Scale, Segmented, Tally,
};
use proptest::prelude::*;

/// Per-key tallies built one key at a time: the model.
fn model<K: Ord + Clone>(scale: Scale, keys: &[K], scores: &[u8]) -> BTreeMap<K, Tally> {
    let mut by_key: BTreeMap<K, Vec<u8>> = BTreeMap::new();
    for (k, &s) in keys.iter().zip(scores) {
        by_key.entry(k.clone()).or_default().push(s);
    }
    by_key
        .into_iter()
        .map(|(k, v)| (k, Tally::from_scores(scale, &v).unwrap()))
        .collect()
}

fn as_map<K: Ord + Clone>(s: &Segmented<K>) -> BTreeMap<K, Tally> {
    s.iter().map(|(k, t)| (k.clone(), t.clone())).collect()
}

proptest! {
    #[test]
    fn dense_keys_match_per_key_tallies(pairs in prop::collection::vec((0u16..300, 0u8..=10), 0..3000)) {
        let (keys, scores): (Vec<u16>, Vec<u8>) = pairs.into_iter().unzip();
        let mut seg = Segmented::new(Scale::NPS);
        seg.extend_scores(&keys, &scores).unwrap();
        prop_assert_eq!(as_map(&seg), model(Scale::NPS, &keys, &scores));
        // The same through the generic path (i32 keys) and u8 keys.
        let wide: Vec<i32> = keys.iter().map(|&k| i32::from(k)).collect();
        let mut generic = Segmented::new(Scale::NPS);
        generic.extend_scores(&wide, &scores).unwrap();
        prop_assert_eq!(as_map(&generic), model(Scale::NPS, &wide, &scores));
        let small: Vec<u8> = keys.iter().map(|&k| (k % 256) as u8).collect();
        let mut bytes = Segmented::new(Scale::NPS);
        bytes.extend_scores(&small, &scores).unwrap();
        prop_assert_eq!(as_map(&bytes), model(Scale::NPS, &small, &scores));
    }

    /// Batches longer than the dense kernel's blocks (1,024 answers), with
    /// key ranges that widen block by block (the tables grow mid-batch),
    /// a key too large for the tables late in the batch (the general path
    /// takes over), on a scale that does not start at 0, and a second
    /// batch on top of the first: every segment equals its model.
    #[test]
    fn dense_keys_across_blocks_growing_tables_and_fallbacks(
        len in 0usize..5_000,
        widen in 1usize..4_000,
        late_key in prop::option::of(0u32..70_000),
        seed in any::<u64>(),
    ) {
        let mut state = seed | 1;
        let mut next = move |m: u64| {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) % m
        };
        // Keys below 8 at first, below 4,000 past `widen`.
        let mut keys: Vec<u32> = (0..len)
            .map(|i| next(if i < widen { 8 } else { 4_000 }) as u32)
            .collect();
        if let Some(k) = late_key && len > 0 {
            keys[len - 1] = k;
        }
        let scores: Vec<u8> = (0..len).map(|_| 1 + next(7) as u8).collect();
        let mut seg = Segmented::new(Scale::CES_7);
        seg.extend_scores(&keys, &scores).unwrap();
        prop_assert_eq!(as_map(&seg), model(Scale::CES_7, &keys, &scores));
        let narrow: Vec<u16> = keys.iter().map(|&k| (k % 65_536) as u16).collect();
        let mut seg16 = Segmented::new(Scale::CES_7);
        seg16.extend_scores(&narrow, &scores).unwrap();
        seg16.extend_scores(&narrow, &scores).unwrap();
        let twice: Vec<u16> = narrow.iter().chain(&narrow).copied().collect();
        let both: Vec<u8> = scores.iter().chain(&scores).copied().collect();
        prop_assert_eq!(as_map(&seg16), model(Scale::CES_7, &twice, &both));
    }

    /// A bad score in a later block of the dense kernel, after the tables
    /// grew: the first bad score is named and nothing is added.
    #[test]
    fn a_bad_score_past_the_first_blocks_adds_nothing(
        len in 1usize..6_000,
        at in any::<prop::sample::Index>(),
        bad in prop::sample::select(vec![0u8, 8, 15, 16, 17, 255]),
    ) {
        let keys: Vec<u16> = (0..len).map(|i| (i % 3_000) as u16).collect();
        let mut scores: Vec<u8> = (0..len).map(|i| 1 + (i % 7) as u8).collect();
        let pos = at.index(len);
        scores[pos] = bad;
        if pos + 1 < len {
            scores[len - 1] = 0; // a second bad score later
        }
        let mut seg = Segmented::new(Scale::CES_7);
        seg.extend_scores(&[5u16], &[3u8]).unwrap();
        let before = seg.clone();
        let err = seg.extend_scores(&keys, &scores).unwrap_err();
        let expected = Error::ScoreOutOfRange { score: i128::from(bad), lowest: 1, highest: 7 };
        prop_assert_eq!(err, Error::InvalidBatchItem { index: pos, error: Box::new(expected) });
        prop_assert_eq!(seg, before);
    }

    #[test]
    fn a_bad_score_anywhere_is_reported_and_nothing_added(
        pairs in prop::collection::vec((0u16..20, 1u8..=5), 0..500),
        bad in prop::sample::select(vec![0u8, 6, 7, 200, 255]),
        at in any::<prop::sample::Index>(),
    ) {
        let (mut keys, mut scores): (Vec<u16>, Vec<u8>) = pairs.into_iter().unzip();
        let pos = at.index(scores.len() + 1);
        scores.insert(pos, bad);
        keys.insert(pos, 7);
        let mut seg = Segmented::new(Scale::CSAT_5);
        seg.extend_scores(&[1u16], &[3u8]).unwrap();
        let before = seg.clone();
        let err = seg.extend_scores(&keys, &scores).unwrap_err();
        let expected = Error::ScoreOutOfRange { score: i128::from(bad), lowest: 1, highest: 5 };
        prop_assert_eq!(err, Error::InvalidBatchItem { index: pos, error: Box::new(expected) });
        prop_assert_eq!(seg, before);
    }

    #[test]
    fn merging_shards_in_any_order_equals_one_pass(
        pairs in prop::collection::vec((0u16..10, 0u8..=10), 0..600),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..5),
        rotate in any::<prop::sample::Index>(),
    ) {
        let (keys, scores): (Vec<u16>, Vec<u8>) = pairs.into_iter().unzip();
        let mut whole = Segmented::new(Scale::NPS);
        whole.extend_scores(&keys, &scores).unwrap();
        let mut bounds: Vec<usize> = cuts.iter().map(|c| c.index(keys.len() + 1)).collect();
        bounds.extend([0, keys.len()]);
        bounds.sort_unstable();
        let mut shards: Vec<Segmented<u16>> = bounds.windows(2).map(|w| {
            let mut s = Segmented::new(Scale::NPS);
            s.extend_scores(&keys[w[0]..w[1]], &scores[w[0]..w[1]]).unwrap();
            s
        }).collect();
        let r = rotate.index(shards.len());
        shards.rotate_left(r);
        shards.reverse();
        let mut merged = Segmented::new(Scale::NPS);
        for s in &shards {
            merged.merge(s).unwrap();
        }
        prop_assert_eq!(&merged, &whole);
        prop_assert_eq!(merged.total().unwrap(), Tally::from_scores(Scale::NPS, &scores).unwrap());
    }

    #[test]
    fn every_length_and_bad_position_in_the_byte_kernels(len in 0usize..700, bad_at in any::<prop::sample::Index>(), seed in any::<u64>()) {
        let mut state = seed;
        let scores: Vec<u8> = (0..len).map(|_| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((state >> 33) % 11) as u8
        }).collect();
        let mut naive = [0u64; 11];
        for &s in &scores { naive[usize::from(s)] += 1; }
        let fast = Tally::from_scores(Scale::NPS, &scores).unwrap();
        prop_assert_eq!(fast.counts(), &naive[..]);
        if len > 0 {
            let nps = Nps::from_scores(&scores).unwrap();
            prop_assert_eq!(nps.promoters(), naive[9] + naive[10]);
            prop_assert_eq!(nps.detractors(), naive[..7].iter().sum::<u64>());
            let mut bad = scores.clone();
            let pos = bad_at.index(len);
            bad[pos] = 11;
            let err = Error::InvalidBatchItem { index: pos, error: Box::new(Error::ScoreOutOfRange { score: 11, lowest: 0, highest: 10 }) };
            prop_assert_eq!(Tally::from_scores(Scale::NPS, &bad).unwrap_err(), err.clone());
            prop_assert_eq!(Nps::from_scores(&bad).unwrap_err(), err.clone());
            let weights = vec![1.0; len];
            let mut t = Tally::new(Scale::NPS);
            prop_assert_eq!(t.extend_weighted_scores(&bad, &weights).unwrap_err(), err);
            prop_assert!(t.is_empty());
            let mut weights = weights;
            weights[pos] = f64::NAN;
            let werr = t.extend_weighted_scores(&scores, &weights).unwrap_err();
            let werr_index = match werr { Error::InvalidBatchItem { index, .. } => Some(index), _ => None };
            prop_assert_eq!(werr_index, Some(pos));
            // Weighted fast path with unit weights equals the unweighted tally.
            weights[pos] = 1.0;
            t.extend_weighted_scores(&scores, &weights).unwrap();
            prop_assert_eq!(t, Tally::from_scores(Scale::NPS, &scores).unwrap());
        }
    }
}

#[test]
fn estimates_rankings_and_minimum_n() {
    let mut s = Segmented::new(Scale::NPS);
    s.extend_scores(
        &["chat", "chat", "chat", "web", "web", "web", "web", "mail"],
        &[10u8, 9, 0, 10, 10, 9, 7, 10],
    )
    .unwrap();
    let rows = s.scores(Score::nps(), ConfidenceLevel::P95, 2);
    let keys: Vec<&str> = rows.iter().map(|r| r.key).collect();
    assert_eq!(keys, ["chat", "mail", "web"]);
    assert_eq!(
        rows[1].estimate,
        Err(Error::BelowMinimumN { n: 1, min_n: 2 })
    );
    assert_eq!(
        rows[1].estimate.as_ref().unwrap_err().to_string(),
        "1 answer, below the minimum of 2 for scoring"
    );
    assert!((rows[0].estimate.as_ref().unwrap().value - 100.0 / 3.0).abs() < 1e-12);
    assert_eq!(rows[2].estimate.as_ref().unwrap().value, 75.0);
    let ranked: Vec<&str> = s
        .ranking(Score::nps(), ConfidenceLevel::P95, 2)
        .iter()
        .map(|r| r.key)
        .collect();
    assert_eq!(ranked, ["web", "chat", "mail"]);
    // A bottom box ranks lower-is-better.
    let worst: Vec<&str> = s
        .ranking(Score::bottom_box(7), ConfidenceLevel::P95, 1)
        .iter()
        .map(|r| r.key)
        .collect();
    assert_eq!(worst, ["mail", "web", "chat"]);
}

#[test]
fn trend_reports_each_change_with_its_test() {
    let mut s: Segmented<u8> = Segmented::new(Scale::CSAT_5);
    let month = |m: u8, counts: [u64; 5]| {
        let mut keys = Vec::new();
        let mut scores = Vec::new();
        for (i, &c) in counts.iter().enumerate() {
            for _ in 0..c {
                keys.push(m);
                scores.push(i as u8 + 1);
            }
        }
        (keys, scores)
    };
    for (m, counts) in [
        (1, [5, 10, 20, 40, 25]),
        (2, [5, 10, 20, 40, 25]),
        (3, [2, 3, 5, 30, 60]),
    ] {
        let (k, v) = month(m, counts);
        s.extend_scores(&k, &v).unwrap();
    }
    let trend = s.trend(Score::top_box(2), ConfidenceLevel::P95);
    assert_eq!(trend.len(), 3);
    assert!(trend[0].change.is_none());
    let flat = trend[1].change.as_ref().unwrap().as_ref().unwrap();
    assert_eq!(
        (flat.difference, flat.p_value, flat.significant),
        (0.0, 1.0, false)
    );
    let up = trend[2].change.as_ref().unwrap().as_ref().unwrap();
    assert!((up.difference - 0.25).abs() < 1e-12 && up.significant);
    let means = s.trend(Score::Mean, ConfidenceLevel::P95);
    let m = means[2].change.as_ref().unwrap().as_ref().unwrap();
    assert!(m.df.is_some() && m.difference > 0.0);
}

#[test]
fn segment_inputs_are_checked() {
    let mut s: Segmented<u16> = Segmented::new(Scale::NPS);
    assert!(matches!(
        s.extend_scores(&[1u16, 2], &[5u8]),
        Err(Error::LengthMismatch { .. })
    ));
    let other: Segmented<u16> = Segmented::new(Scale::CSAT_5);
    assert!(matches!(s.merge(&other), Err(Error::ScaleMismatch { .. })));
    let r = Scale::CSAT_5.rating(3).unwrap();
    let err = s
        .extend([(1u16, Response::NotApplicable), (2, Response::rated(r))])
        .unwrap_err();
    assert!(matches!(err, Error::InvalidBatchItem { index: 1, .. }));
    assert!(s.is_empty());
    s.push(3, Response::NotApplicable).unwrap();
    assert_eq!(s.get(&3).unwrap().not_applicable(), 1);
    // Merging past u64::MAX in one segment fails and changes nothing.
    let mut counts = [0u64; 11];
    counts[10] = u64::MAX;
    let mut big = Segmented::new(Scale::NPS);
    big.merge_tally(5u16, &Tally::from_counts(Scale::NPS, &counts).unwrap())
        .unwrap();
    let mut one = Segmented::new(Scale::NPS);
    one.extend_scores(&[4u16, 5], &[9u8, 9]).unwrap();
    let before = big.clone();
    assert!(matches!(big.merge(&one), Err(Error::CountOverflow { .. })));
    assert_eq!(big, before);
    assert!(
        big.merge_tally(5, &Tally::from_scores(Scale::NPS, &[1u8]).unwrap())
            .is_err()
    );
    assert!(matches!(
        big.merge_tally(6, &Tally::new(Scale::CSAT_5)),
        Err(Error::ScaleMismatch { .. })
    ));
    assert_eq!(big, before);
    assert!(matches!(big.total(), Ok(t) if t.n() == u64::MAX));
}

#[test]
fn a_polarity_reversed_mean_ranks_low_first() {
    let scale = Scale::new(1, 5, Polarity::LowerIsBetter).unwrap();
    let mut s = Segmented::new(scale);
    s.extend_scores(&[1u8, 1, 2, 2], &[5u8, 4, 1, 2]).unwrap();
    let ranked: Vec<u8> = s
        .ranking(Score::Mean, ConfidenceLevel::P95, 1)
        .iter()
        .map(|r| r.key)
        .collect();
    assert_eq!(ranked, [2, 1]);
}

#[test]
fn concurrent_ingestion_equals_one_thread() {
    let data: Vec<u8> = (0..40_000u32).map(|i| (i * 7919 % 11) as u8).collect();
    let live = AtomicTally::new(Scale::NPS);
    std::thread::scope(|s| {
        for (t, chunk) in data.chunks(10_000).enumerate() {
            let live = &live;
            s.spawn(move || {
                if t % 2 == 0 {
                    live.extend_scores(chunk).unwrap();
                } else {
                    for &b in chunk {
                        live.push_score(b).unwrap();
                    }
                }
                live.push_not_applicable().unwrap();
                assert!(live.push_score(11u8).is_err());
            });
        }
    });
    let mut expected = Tally::from_scores(Scale::NPS, &data).unwrap();
    for _ in 0..4 {
        expected.push_not_applicable().unwrap();
    }
    assert_eq!(live.snapshot().unwrap(), expected);
    assert!(live.push_rating(Scale::CSAT_5.rating(3).unwrap()).is_err());
    live.push_rating(Scale::NPS.rating(3).unwrap()).unwrap();
    assert_eq!(live.snapshot().unwrap().n(), 40_001);
}

/// Runs of string keys that differ from their neighbour in one byte only,
/// at every position of every length up to 40 (the inline comparison of
/// short keys reads words from both ends): each key is its own segment.
#[test]
fn string_keys_differing_in_one_byte_are_distinct_segments() {
    for len in 0..40usize {
        let base = "abcdefghijklmnopqrstuvwxyz0123456789ABCD"[..len].to_string();
        let mut keys: Vec<String> = Vec::new();
        let mut scores: Vec<u8> = Vec::new();
        for at in 0..len {
            let mut other = base.clone().into_bytes();
            other[at] = b'_';
            let other = String::from_utf8(other).unwrap();
            for (k, s) in [
                (&base, 9u8),
                (&base, 10),
                (&other, 3),
                (&other, 4),
                (&base, 0),
            ] {
                keys.push(k.clone());
                scores.push(s);
            }
        }
        keys.push(base.clone());
        scores.push(7);
        let mut seg = Segmented::new(Scale::NPS);
        seg.extend_scores(&keys, &scores).unwrap();
        assert_eq!(as_map(&seg), model(Scale::NPS, &keys, &scores), "{len}");
        let boxed: Vec<Box<str>> = keys.iter().map(|k| k.as_str().into()).collect();
        let mut seg = Segmented::new(Scale::NPS);
        seg.extend_scores(&boxed, &scores).unwrap();
        assert_eq!(as_map(&seg), model(Scale::NPS, &boxed, &scores), "{len}");
    }
}
