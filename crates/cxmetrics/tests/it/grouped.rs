//! The grouped core against a naive model (one `Tally` per group built
//! answer by answer), and the keyed `Segmented` paths built on it.

use std::collections::BTreeMap;

use cxmetrics::segment::Score;
use cxmetrics::{
    ConfidenceLevel, Error, GroupedTally, Polarity, Response, Scale, Segmented, Tally, Weight,
};
use proptest::prelude::*;

/// The model: one tally per group, one answer at a time.
fn model(scale: Scale, groups: usize, rows: &[(usize, i32, Option<f64>)]) -> Vec<Tally> {
    let mut out = vec![Tally::new(scale); groups];
    for &(g, s, w) in rows {
        let r = scale.rating(s).unwrap();
        let w = Weight::new(w.unwrap_or(1.0)).unwrap();
        out[g].push_weighted(r, w).unwrap();
    }
    out
}

/// Counts and positive counts equal; weight sums (compared at one
/// exponent) equal to 1e-12 relative.
fn same(a: &Tally, b: &Tally) -> Result<(), TestCaseError> {
    prop_assert_eq!(a.counts(), b.counts());
    prop_assert_eq!(a.positive_counts(), b.positive_counts());
    prop_assert_eq!(a.not_applicable(), b.not_applicable());
    let shift = a.weight_exponent() - b.weight_exponent();
    let (f, f2) = (2f64.powi(shift), 2f64.powi(2 * shift));
    for (p, q) in a.point_sums().zip(b.point_sums()) {
        for (x, y) in [
            (p.weight * f, q.weight),
            (p.weight_squared * f2, q.weight_squared),
        ] {
            prop_assert!(
                (x - y).abs() <= 1e-12 * x.abs().max(y.abs()),
                "{:?} vs {:?}",
                p,
                q
            );
        }
    }
    Ok(())
}

fn scale_strategy() -> impl Strategy<Value = Scale> {
    prop_oneof![
        Just(Scale::NPS),
        Just(Scale::CSAT_5),
        Just(Scale::new(0, 40, Polarity::HigherIsBetter).unwrap()),
    ]
}

proptest! {
    #[test]
    fn unweighted_batches_match_the_model(
        scale in scale_strategy(),
        groups in 1usize..40,
        raw in prop::collection::vec((any::<prop::sample::Index>(), any::<prop::sample::Index>()), 0..2000),
        split in any::<prop::sample::Index>(),
    ) {
        let rows: Vec<(usize, i32, Option<f64>)> = raw
            .iter()
            .map(|(g, s)| (g.index(groups), scale.lowest() + s.index(scale.len()) as i32, None))
            .collect();
        let ids: Vec<usize> = rows.iter().map(|r| r.0).collect();
        let mut g = GroupedTally::with_groups(scale, groups).unwrap();
        // u8 scores where they fit (the byte kernels), i32 otherwise; in two batches.
        let at = split.index(rows.len() + 1);
        if scale.highest() <= 255 && scale.lowest() >= 0 {
            let bytes: Vec<u8> = rows.iter().map(|r| r.1 as u8).collect();
            g.extend_scores(&ids[..at], &bytes[..at]).unwrap();
            g.extend_scores(&ids[at..], &bytes[at..]).unwrap();
        }
        let want = model(scale, groups, &rows);
        for (i, t) in want.iter().enumerate() {
            same(&g.tally(i).unwrap(), t)?;
            prop_assert_eq!(g.n(i), Some(t.n()));
        }
        // The same through i32 scores and u32 group ids.
        let ints: Vec<i32> = rows.iter().map(|r| r.1).collect();
        let ids32: Vec<u32> = ids.iter().map(|&i| i as u32).collect();
        let mut h = GroupedTally::with_groups(scale, groups).unwrap();
        h.extend_scores(&ids32, &ints).unwrap();
        for (i, t) in want.iter().enumerate() {
            same(&h.tally(i).unwrap(), t)?;
        }
    }

    #[test]
    fn weighted_batches_match_the_model(
        groups in 1usize..20,
        raw in prop::collection::vec((any::<prop::sample::Index>(), 0u8..=10, prop_oneof![Just(0.0), 0.01..100.0f64]), 0..1500),
        unweighted_first in prop::collection::vec((any::<prop::sample::Index>(), 0u8..=10), 0..200),
    ) {
        let mut rows: Vec<(usize, i32, Option<f64>)> = unweighted_first
            .iter()
            .map(|(g, s)| (g.index(groups), i32::from(*s), None))
            .collect();
        let mut g = GroupedTally::with_groups(Scale::NPS, groups).unwrap();
        let ids: Vec<usize> = rows.iter().map(|r| r.0).collect();
        let bytes: Vec<u8> = rows.iter().map(|r| r.1 as u8).collect();
        g.extend_scores(&ids, &bytes).unwrap();
        let ids: Vec<usize> = raw.iter().map(|(i, _, _)| i.index(groups)).collect();
        let bytes: Vec<u8> = raw.iter().map(|r| r.1).collect();
        let weights: Vec<f64> = raw.iter().map(|r| r.2).collect();
        g.extend_weighted_scores(&ids, &bytes, &weights).unwrap();
        rows.extend(raw.iter().zip(&ids).map(|((_, s, w), &i)| (i, i32::from(*s), Some(*w))));
        // Unweighted again, after the weighted part exists.
        g.extend_scores(&ids, &bytes).unwrap();
        rows.extend(ids.iter().zip(&bytes).map(|(&i, &s)| (i, i32::from(s), None)));
        let want = model(Scale::NPS, groups, &rows);
        for (i, t) in want.iter().enumerate() {
            same(&g.tally(i).unwrap(), t)?;
            let (e, f) = (g.effective_n(i).unwrap(), t.effective_n());
            prop_assert!((e - f).abs() <= 1e-9 * f.max(1.0), "{} vs {}", e, f);
        }
        // The weighted part again as i8 scores (an Arrow Int8 column, read
        // as bytes) and as i32 scores (converted index by index): the same
        // tallies, bit for bit.
        let signed: Vec<i8> = bytes.iter().map(|&s| s as i8).collect();
        let ints: Vec<i32> = bytes.iter().map(|&s| i32::from(s)).collect();
        let mut a = GroupedTally::with_groups(Scale::NPS, groups).unwrap();
        let mut b = GroupedTally::with_groups(Scale::NPS, groups).unwrap();
        a.extend_weighted_scores(&ids, &signed, &weights).unwrap();
        b.extend_weighted_scores(&ids, &ints, &weights).unwrap();
        for i in 0..groups {
            prop_assert_eq!(a.tally(i).unwrap(), b.tally(i).unwrap());
        }
    }

    #[test]
    fn merges_and_taking_groups_out_match_the_model(
        groups in 1usize..12,
        a in prop::collection::vec((any::<prop::sample::Index>(), 1u8..=5, 0.5..2.0f64), 0..300),
        b in prop::collection::vec((any::<prop::sample::Index>(), 1u8..=5), 0..300),
        k in any::<prop::sample::Index>(),
    ) {
        let scale = Scale::CSAT_5;
        let mut x = GroupedTally::with_groups(scale, groups).unwrap();
        let ids: Vec<usize> = a.iter().map(|r| r.0.index(groups)).collect();
        let s: Vec<u8> = a.iter().map(|r| r.1).collect();
        let w: Vec<f64> = a.iter().map(|r| r.2).collect();
        x.extend_weighted_scores(&ids, &s, &w).unwrap();
        let mut y = GroupedTally::with_groups(scale, groups + 1).unwrap();
        let ids2: Vec<usize> = b.iter().map(|r| r.0.index(groups + 1)).collect();
        let s2: Vec<u8> = b.iter().map(|r| r.1).collect();
        y.extend_scores(&ids2, &s2).unwrap();
        y.add_not_applicable(groups, 3).unwrap();
        let mut rows: Vec<(usize, i32, Option<f64>)> =
            ids.iter().zip(&s).zip(&w).map(|((&g, &s), &w)| (g, i32::from(s), Some(w))).collect();
        rows.extend(ids2.iter().zip(&s2).map(|(&g, &s)| (g, i32::from(s), None)));
        let mut want = model(scale, groups + 1, &rows);
        want[groups].add_not_applicable_for_test(3);
        let mut m = x.clone();
        m.merge(&y).unwrap();
        prop_assert_eq!(m.groups(), groups + 1);
        // Through merge_tally and merge_group too.
        let mut t = GroupedTally::with_groups(scale, groups + 1).unwrap();
        for i in 0..groups {
            t.merge_tally(i, &x.tally(i).unwrap()).unwrap();
        }
        for i in 0..=groups {
            t.merge_group(i, &y, i).unwrap();
        }
        for (i, w) in want.iter().enumerate() {
            same(&m.tally(i).unwrap(), w)?;
            same(&t.tally(i).unwrap(), w)?;
        }
        let k = k.index(groups + 2);
        let first = m.take_first(k).unwrap();
        prop_assert_eq!(first.len(), k);
        prop_assert_eq!(m.groups(), groups + 1 - k);
        for (i, f) in first.iter().enumerate() {
            same(f, &want[i])?;
        }
        for i in 0..m.groups() {
            same(&m.tally(i).unwrap(), &want[k + i])?;
        }
    }

    #[test]
    fn segments_with_borrowed_string_keys_match_the_model(
        rows in prop::collection::vec((0usize..30, 0u8..=10), 0..1500),
        sorted in any::<bool>(),
    ) {
        let mut rows = rows;
        if sorted {
            rows.sort_by_key(|r| r.0); // grouped input: runs
        }
        let names: Vec<String> = (0..30).map(|i| format!("segment-{i}")).collect();
        let keys: Vec<&str> = rows.iter().map(|r| names[r.0].as_str()).collect();
        let scores: Vec<u8> = rows.iter().map(|r| r.1).collect();
        let mut seg = Segmented::new(Scale::NPS);
        seg.extend_scores(&keys, &scores).unwrap();
        let mut want: BTreeMap<&str, Tally> = BTreeMap::new();
        for (k, &s) in keys.iter().zip(&scores) {
            want.entry(*k).or_insert_with(|| Tally::new(Scale::NPS)).push_score(s).unwrap();
        }
        prop_assert_eq!(seg.len(), want.len());
        for ((k, t), (wk, wt)) in seg.iter().zip(&want) {
            prop_assert_eq!(k, wk);
            same(&t, wt)?;
        }
    }
}

/// Test helper: `n` not-applicable answers through the public API.
trait AddNa {
    fn add_not_applicable_for_test(&mut self, n: u64);
}
impl AddNa for Tally {
    fn add_not_applicable_for_test(&mut self, n: u64) {
        for _ in 0..n {
            self.push_not_applicable().unwrap();
        }
    }
}

#[test]
fn weights_far_outside_the_ordinary_range_neither_overflow_nor_underflow() {
    // Two groups in one batch: one with weights near f64::MAX, one with
    // weights near the smallest normals. Each group's score, effective n
    // and variance must be those of weights 1 (every weight equal).
    let scale = Scale::NPS;
    for (big, tiny) in [
        (1e308, 1e-300),
        (1.7976931348623157e308, 2.2250738585072014e-308),
    ] {
        let mut g = GroupedTally::with_groups(scale, 2).unwrap();
        g.extend_weighted_scores(
            &[0u8, 0, 0, 1, 1, 1],
            &[10u8, 10, 0, 10, 0, 0],
            &[big, big, big, tiny, tiny, tiny],
        )
        .unwrap();
        for (group, promoters, detractors) in [(0, 2.0, 1.0), (1, 1.0, 2.0)] {
            let e = g.effective_n(group).unwrap();
            assert!((e - 3.0).abs() < 1e-12, "group {group}: effective n {e}");
            let counts = g.counts(group).unwrap();
            assert_eq!(
                (counts[10], counts[0]),
                (promoters as u64, detractors as u64)
            );
        }
    }
    // A tally of the group exists when its sums fit a tally.
    let mut g = GroupedTally::with_groups(scale, 1).unwrap();
    g.extend_weighted_scores(&[0u8, 0], &[10u8, 0], &[1e-200, 3e-200])
        .unwrap();
    let t = g.tally(0).unwrap();
    assert_eq!(t.n(), 2);
    assert!((g.effective_n(0).unwrap() - 16.0 / 10.0).abs() < 1e-12);
}

#[test]
fn negative_i8_scores_are_named_as_written_and_change_nothing() {
    // i8 scores go through the byte kernels as their two's-complement
    // bytes; a negative one (byte 255 for -1) must still be reported as -1,
    // at its index, and leave the tallies as they were.
    let mut g = GroupedTally::with_groups(Scale::NPS, 2).unwrap();
    g.extend_weighted_scores(&[0usize, 1], &[9i8, 10], &[1.0, 2.0])
        .unwrap();
    let before = (g.tally(0).unwrap(), g.tally(1).unwrap());
    for scores in [[3i8, -1, 4], [3, 11, 4], [3, i8::MIN, 4]] {
        let err = g
            .extend_weighted_scores(&[0usize, 1, 0], &scores, &[1.0, 1.0, 1.0])
            .unwrap_err();
        let text = err.to_string();
        assert!(text.contains(&scores[1].to_string()), "{text}");
        let err = g.extend_scores(&[0usize, 1, 0], &scores).unwrap_err();
        assert!(err.to_string().contains(&scores[1].to_string()), "{err}");
    }
    assert_eq!((g.tally(0).unwrap(), g.tally(1).unwrap()), before);
}

#[test]
fn batches_are_all_or_nothing() {
    let mut g = GroupedTally::with_groups(Scale::CSAT_5, 2).unwrap();
    g.extend_scores(&[0u8, 1], &[5u8, 4]).unwrap();
    let before = g.tallies().unwrap();
    let e = g.extend_scores(&[0u8, 1, 1], &[5u8, 4, 9]).unwrap_err();
    assert!(
        e.to_string().contains("index 2") && e.to_string().contains("score 9"),
        "{e}"
    );
    let e = g.extend_scores(&[0u8, 2], &[5u8, 4]).unwrap_err();
    assert!(
        e.to_string().contains("index 1") && e.to_string().contains("group 2"),
        "{e}"
    );
    let e = g
        .extend_weighted_scores(&[0u8, 1], &[5u8, 4], &[1.0, -1.0])
        .unwrap_err();
    assert!(
        e.to_string().contains("index 1") && e.to_string().contains("-1"),
        "{e}"
    );
    let e = g
        .extend_weighted_scores(&[0u8, 1], &[5u8, 4], &[1.0])
        .unwrap_err();
    assert!(matches!(e, Error::LengthMismatch { .. }), "{e}");
    assert_eq!(g.tallies().unwrap(), before);
    // Counts are checked: a group at u64::MAX takes nothing more.
    let mut full = [0u64; 5];
    full[0] = u64::MAX;
    assert!(matches!(
        g.merge_tally(0, &Tally::from_counts(Scale::CSAT_5, &full).unwrap()),
        Err(Error::CountOverflow { .. })
    ));
    let big = g.push_group().unwrap();
    g.merge_tally(big, &Tally::from_counts(Scale::CSAT_5, &full).unwrap())
        .unwrap();
    assert!(matches!(
        g.extend_scores(&[0u8, 2], &[1u8, 1]),
        Err(Error::CountOverflow { .. })
    ));
    assert!(matches!(
        g.add_not_applicable(big, 1),
        Err(Error::CountOverflow { .. })
    ));
    assert_eq!((g.n(0), g.n(big)), (Some(1), Some(u64::MAX)));
    assert!(g.resize(usize::MAX).is_err());
    assert!(matches!(
        g.take_first(9),
        Err(Error::GroupOutOfRange {
            group: 9,
            groups: 3
        })
    ));
    assert!(g.merge_tally(0, &Tally::new(Scale::NPS)).is_err());
}

/// Issue 13 item 12: on a 1,001-point scale, 65,536 `u16` keys in one
/// 196 KB batch took 2.5 GB (about 40 KB per key). Now each key costs its
/// row (8 bytes per point), and the batch's scratch is proportional to it.
#[test]
fn segment_memory_per_key_and_per_batch_is_bounded() {
    let scale = Scale::new(0, 1000, Polarity::HigherIsBetter).unwrap();
    let keys: Vec<u16> = (0..=u16::MAX).collect();
    let scores: Vec<u16> = keys.iter().map(|&k| k % 1001).collect();
    assert_eq!(
        std::mem::size_of_val(&keys[..]) + std::mem::size_of_val(&scores[..]),
        262_144
    );
    let mut s = Segmented::new(scale);
    s.extend_scores(&keys, &scores).unwrap();
    assert_eq!(s.len(), 65_536);
    let (grouped, _) = s.grouped();
    assert!(!grouped.is_weighted());
    // Rows of 1,001 u64 counts: 8,008 bytes per key, not 40 KB.
    assert_eq!(grouped.counts(65_535).map(<[u64]>::len), Some(1001));
    assert_eq!(s.get(&1001).unwrap().count(0), Some(1));
}

#[test]
fn segments_take_borrowed_keys_weights_roll_ups_and_gaps() {
    // Borrowed &str keys cut from a buffer that outlives nothing 'static.
    let text =
        String::from("2026-01,web,9,2.0\n2026-01,app,3,1.0\n2026-02,web,10,1.0\n2026-04,app,6,0.0");
    let rows: Vec<Vec<&str>> = text.lines().map(|l| l.split(',').collect()).collect();
    let keys: Vec<(&str, &str)> = rows.iter().map(|r| (r[0], r[1])).collect();
    let scores: Vec<u8> = rows.iter().map(|r| r[2].parse().unwrap()).collect();
    let weights: Vec<f64> = rows.iter().map(|r| r[3].parse().unwrap()).collect();
    let mut cube = Segmented::new(Scale::NPS);
    cube.extend_weighted_scores(&keys, &scores, &weights)
        .unwrap();
    assert_eq!(cube.len(), 4);
    assert_eq!(
        cube.get(&("2026-01", "web")).unwrap().total_weight(),
        Ok(2.0)
    );
    let months = cube.roll_up(|&(m, _)| m).unwrap();
    let jan = months.get(&"2026-01").unwrap();
    assert_eq!((jan.n(), jan.total_weight()), (2, Ok(3.0)));
    // Hand computation: January, promoters 2.0 of 3.0, detractors 1.0: NPS 33.3.
    let est = Score::nps().estimate(&jan, ConfidenceLevel::P95).unwrap();
    assert!((est.value - 100.0 / 3.0).abs() < 1e-12);
    let next = |m: &&str| -> Option<&str> {
        ["2026-01", "2026-02", "2026-03", "2026-04"]
            .windows(2)
            .find(|w| w[0] == *m)
            .map(|w| w[1])
    };
    let trend = months.trend_with_gaps(Score::nps(), ConfidenceLevel::P95, next);
    assert_eq!(
        trend.iter().map(|p| p.gap).collect::<Vec<_>>(),
        [false, false, true]
    );
    assert!(
        months
            .trend(Score::nps(), ConfidenceLevel::P95)
            .iter()
            .all(|p| !p.gap)
    );
    // A failed weighted batch leaves no new key behind.
    assert!(
        cube.extend_weighted_scores(&[("2027-01", "web")], &[9u8], &[f64::INFINITY])
            .is_err()
    );
    assert!(cube.extend_scores(&[("2027-01", "web")], &[11u8]).is_err());
    assert_eq!(cube.len(), 4);
    // Responses and merges keep working.
    cube.push(("2026-02", "web"), Response::NotApplicable)
        .unwrap();
    assert_eq!(cube.get(&("2026-02", "web")).unwrap().not_applicable(), 1);
}

#[test]
fn minimum_n_applies_to_the_effective_n_of_weighted_segments() {
    let mut s = Segmented::new(Scale::CSAT_5);
    // 4 answers but one weight dominates: effective n = 11² / (100 + 3) = 1.17.
    s.extend_weighted_scores(&["a"; 4], &[5u8, 4, 1, 2], &[10.0, 1.0, 1.0, 1.0])
        .unwrap();
    s.extend_weighted_scores(&["b"; 4], &[5u8, 4, 1, 2], &[1.0; 4])
        .unwrap();
    let rows = s.scores(Score::top_box(2), ConfidenceLevel::P95, 2);
    assert_eq!(
        rows[0].estimate,
        Err(Error::BelowMinimumN { n: 1, min_n: 2 })
    );
    assert_eq!(rows[0].n, 4);
    assert!(rows[1].estimate.is_ok());
}

#[test]
fn dense_and_sparse_keys_agree_across_batches() {
    // u32 keys above 65,535 have no dense index and take the dictionary.
    let keys: Vec<u32> = vec![3, 70_000, 3, 5, 70_000, 1 << 20];
    let scores = [10u8, 9, 0, 5, 5, 7];
    let mut s = Segmented::new(Scale::NPS);
    s.extend_scores(&keys, &scores).unwrap();
    s.extend_scores(&keys[..2], &scores[..2]).unwrap();
    assert_eq!(s.get(&3).unwrap().counts()[10], 2);
    assert_eq!(s.get(&70_000).unwrap().n(), 3);
    assert_eq!(s.get(&(1 << 20)).unwrap().n(), 1);
    assert_eq!(s.len(), 4);
    assert_eq!(s.total().unwrap().n(), 8);
}
