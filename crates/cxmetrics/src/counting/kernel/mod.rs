//! Counting kernels: byte scores in, per-point counts and weight sums out.
//!
//! The kernels know nothing of scales, tallies or errors: they take
//! slices, a lowest point and a number of points, and report whether the
//! input was valid, so the modules above them turn that into errors and
//! results. [`portable`] holds the kernels in plain Rust; the `x86_64`
//! folder holds every `unsafe` item of the crate: the same kernels compiled
//! for AVX2 and AVX-512, and an AVX-512 full-tally kernel of its own. This
//! module is the one safe dispatch layer between them: the instruction set
//! is detected once, and every call goes to the widest kernel the CPU runs.
//!
//! Building with `RUSTFLAGS="--cfg cxmetrics_portable"` turns the dispatch
//! off, to measure the portable kernels.

pub(crate) mod portable;
#[cfg(target_arch = "x86_64")]
mod x86_64;

pub(crate) use portable::{DenseStop, WeightedAcc};

/// Portable block width: one SSE2 register on x86-64.
const PORTABLE: usize = 16;

/// The instruction set the dispatched kernels use.
#[derive(Clone, Copy, Debug)]
enum Isa {
    Portable,
    #[cfg(target_arch = "x86_64")]
    Avx2(x86_64::Avx2),
    #[cfg(target_arch = "x86_64")]
    Avx512(x86_64::Avx2, x86_64::Avx512),
}

/// The widest instruction set of this CPU, detected once.
fn isa() -> Isa {
    #[cfg(all(target_arch = "x86_64", not(cxmetrics_portable)))]
    {
        static ISA: std::sync::OnceLock<Isa> = std::sync::OnceLock::new();
        *ISA.get_or_init(
            || match (x86_64::Avx2::detect(), x86_64::Avx512::detect()) {
                (Some(a), Some(b)) => Isa::Avx512(a, b),
                (Some(a), None) => Isa::Avx2(a),
                _ => Isa::Portable,
            },
        )
    }
    #[cfg(not(all(target_arch = "x86_64", not(cxmetrics_portable))))]
    Isa::Portable
}

/// The name of the instruction set the kernels use here: `"avx512"`,
/// `"avx2"` or `"portable"` (for tests and reports).
#[cfg(test)]
pub(crate) fn isa_name() -> &'static str {
    match isa() {
        Isa::Portable => "portable",
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2(_) => "avx2",
        #[cfg(target_arch = "x86_64")]
        Isa::Avx512(..) => "avx512",
    }
}

/// Adds the counts of the points `lowest..lowest + points` (2 to 16) in
/// `scores` to `counts`; returns whether every byte was one of them. On
/// `false` the counts are unspecified (callers count into scratch).
pub(crate) fn count_small(scores: &[u8], lowest: u8, points: usize, counts: &mut [u64]) -> bool {
    match isa() {
        Isa::Portable => portable::count_small::<PORTABLE>(scores, lowest, points, counts),
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2(a) => a.count_small(scores, lowest, points, counts),
        #[cfg(target_arch = "x86_64")]
        Isa::Avx512(_, b) => b.count_small(scores, lowest, points, counts),
    }
}

/// Adds the counts of the bytes `lowest..lowest + points` (2 to 16) in
/// `scores` to `counts`, ignoring every other byte; returns how many were
/// counted. (Unlike [`count_small`], the counts are exact whatever else the
/// slice holds.)
pub(crate) fn count_range(scores: &[u8], lowest: u8, points: usize, counts: &mut [u64]) -> u64 {
    match isa() {
        Isa::Portable => portable::count_range::<PORTABLE>(scores, lowest, points, counts),
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2(a) | Isa::Avx512(a, _) => a.count_range(scores, lowest, points, counts),
    }
}

/// Promoter (9–10) and detractor (0–6) counts of NPS bytes and the
/// largest byte.
pub(crate) fn nps_counts(scores: &[u8]) -> (u64, u64, u8) {
    match isa() {
        Isa::Portable => portable::nps_counts::<PORTABLE>(scores),
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2(a) => a.nps_counts(scores),
        #[cfg(target_arch = "x86_64")]
        Isa::Avx512(_, b) => b.nps_counts(scores),
    }
}

/// The largest `byte − lowest` (wrapping) in `scores`, 0 when empty.
pub(crate) fn max_offset(scores: &[u8], lowest: u8) -> u8 {
    match isa() {
        Isa::Portable => portable::max_offset::<PORTABLE>(scores, lowest),
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2(a) => a.max_offset(scores, lowest),
        #[cfg(target_arch = "x86_64")]
        Isa::Avx512(_, b) => b.max_offset(scores, lowest),
    }
}

/// Whether every weight is finite and at least 0, and the largest.
pub(crate) fn check_weights(weights: &[f64]) -> (bool, f64) {
    match isa() {
        Isa::Portable => portable::check_weights::<2>(weights),
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2(a) => a.check_weights(weights),
        #[cfg(target_arch = "x86_64")]
        Isa::Avx512(_, b) => b.check_weights(weights),
    }
}

/// Weighted byte scores known to lie on a scale of at most 16 points from
/// `lowest`: checks the weights and sums them into `acc` in one pass (see
/// [`portable::weighted_small`]); `false` when a weight is invalid.
pub(crate) fn weighted_small(
    scores: &[u8],
    weights: &[f64],
    lowest: u8,
    acc: &mut WeightedAcc,
) -> bool {
    match isa() {
        Isa::Portable => portable::weighted_small::<2>(scores, weights, lowest, acc),
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2(a) => a.weighted_small(scores, weights, lowest, acc),
        #[cfg(target_arch = "x86_64")]
        Isa::Avx512(_, b) => b.weighted_small(scores, weights, lowest, acc),
    }
}

/// Keyed counting of checked group indices and byte scores into a flat
/// `groups × points` table of at most `u32::MAX` cells (see
/// [`portable::count_grouped`]; larger tables are counted one answer at a
/// time), its cell pass compiled for the widest vectors.
pub(crate) fn count_grouped<T>(
    groups: &[T],
    index: impl Fn(&T) -> usize,
    scores: &[u8],
    lowest: u8,
    points: usize,
    counts: &mut [u64],
) {
    if u32::try_from(counts.len()).is_err() {
        portable::count_grouped_wide(groups, index, scores, lowest, points, counts);
        return;
    }
    // Every index below the number of groups, so below 2^32.
    let index = |g: &T| index(g) as u32;
    match isa() {
        Isa::Portable => portable::count_grouped(groups, index, scores, lowest, points, counts),
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2(a) => a.count_grouped(groups, index, scores, lowest, points, counts),
        #[cfg(target_arch = "x86_64")]
        Isa::Avx512(_, b) => b.count_grouped(groups, index, scores, lowest, points, counts),
    }
}

/// The largest `index(item)` over `items` (0 when empty), in `usize`
/// lanes, compiled for the widest vectors.
pub(crate) fn max_usize<T>(items: &[T], index: impl Fn(&T) -> usize) -> usize {
    match isa() {
        Isa::Portable => portable::max_usize(items, index),
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2(a) => a.max_usize(items, index),
        #[cfg(target_arch = "x86_64")]
        Isa::Avx512(_, b) => b.max_usize(items, index),
    }
}

/// Keyed counting by dense key index into two block tables, checking each
/// block's indices and scores first (see [`portable::count_dense`]), its
/// cell pass compiled for the widest vectors.
pub(crate) fn count_dense<T>(
    keys: &[T],
    index: impl Fn(&T) -> u32,
    scores: &[u8],
    lowest: u8,
    points: usize,
    table: &mut [u32],
) -> DenseStop {
    match isa() {
        Isa::Portable => portable::count_dense(keys, index, scores, lowest, points, table),
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2(a) => a.count_dense(keys, index, scores, lowest, points, table),
        #[cfg(target_arch = "x86_64")]
        Isa::Avx512(_, b) => b.count_dense(keys, index, scores, lowest, points, table),
    }
}

/// The largest `index(key)` over `keys` (0 when empty), compiled for the
/// widest vectors.
pub(crate) fn max_index<T>(keys: &[T], index: impl Fn(&T) -> u32) -> u32 {
    match isa() {
        Isa::Portable => portable::max_index(keys, index),
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2(a) => a.max_index(keys, index),
        #[cfg(target_arch = "x86_64")]
        Isa::Avx512(_, b) => b.max_index(keys, index),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Batch lengths the property tests draw up to: long enough to cross
    /// every block and flush boundary natively, and short under Miri
    /// (`cargo +nightly miri test -p cxmetrics --lib counting::kernel`),
    /// which interprets every byte (block edges stay covered: 2,048-answer
    /// blocks are crossed at 2,100).
    const LONG: usize = if cfg!(miri) { 2_100 } else { 6_000 };

    fn naive(scores: &[u8], lowest: u8, points: usize) -> (Vec<u64>, bool) {
        let mut counts = vec![0u64; points];
        let mut valid = true;
        for &b in scores {
            let i = usize::from(b.wrapping_sub(lowest));
            if i < points {
                counts[i] += 1;
            } else {
                valid = false;
            }
        }
        (counts, valid)
    }

    /// Every kernel the CPU can run, beside the portable one.
    fn all_counts(scores: &[u8], lowest: u8, points: usize) -> Vec<(&'static str, Vec<u64>, bool)> {
        let mut out = Vec::new();
        let mut c = vec![0u64; points];
        let ok = portable::count_small::<PORTABLE>(scores, lowest, points, &mut c);
        out.push(("portable", c, ok));
        let mut c = vec![0u64; points];
        let ok = count_small(scores, lowest, points, &mut c);
        out.push(("dispatched", c, ok));
        #[cfg(target_arch = "x86_64")]
        {
            if let Some(a) = x86_64::Avx2::detect() {
                let mut c = vec![0u64; points];
                let ok = a.count_small(scores, lowest, points, &mut c);
                out.push(("avx2", c, ok));
            }
            if let Some(b) = x86_64::Avx512::detect() {
                let mut c = vec![0u64; points];
                let ok = b.count_small(scores, lowest, points, &mut c);
                out.push(("avx512", c, ok));
            }
        }
        out
    }

    proptest! {
        #[test]
        fn dispatched_and_portable_kernels_agree(
            scores in prop::collection::vec(0u8..=20, 0..LONG),
            bad in prop::option::of((any::<prop::sample::Index>(), any::<u8>())),
            lowest in 0u8..4,
            points in 2usize..=16,
        ) {
            let mut scores = scores;
            if let Some((at, b)) = bad && !scores.is_empty() {
                let i = at.index(scores.len());
                scores[i] = b;
            }
            let (want, valid) = naive(&scores, lowest, points);
            for (name, got, ok) in all_counts(&scores, lowest, points) {
                prop_assert_eq!(ok, valid, "{}", name);
                if valid {
                    prop_assert_eq!(&got, &want, "{}", name);
                }
            }
            let p = scores.iter().filter(|&&b| b >= 9).count() as u64;
            let d = scores.iter().filter(|&&b| b <= 6).count() as u64;
            let m = scores.iter().copied().max().unwrap_or(0);
            prop_assert_eq!(nps_counts(&scores), (p, d, m));
            prop_assert_eq!(portable::nps_counts::<PORTABLE>(&scores), (p, d, m));
            let top = scores.iter().map(|b| b.wrapping_sub(lowest)).max().unwrap_or(0);
            prop_assert_eq!(max_offset(&scores, lowest), top);
            prop_assert_eq!(portable::max_offset::<PORTABLE>(&scores, lowest), top);
        }

        #[test]
        fn weight_checks_agree(weights in prop::collection::vec(prop_oneof![
            Just(f64::NAN), Just(f64::INFINITY), Just(-1.0), Just(0.0), 0.0..1e6f64], 0..200)) {
            let ok = weights.iter().all(|&w| (0.0..=f64::MAX).contains(&w));
            let (got_ok, max) = check_weights(&weights);
            prop_assert_eq!(got_ok, ok);
            prop_assert_eq!(portable::check_weights::<2>(&weights).0, ok);
            if ok {
                prop_assert_eq!(max, weights.iter().copied().fold(0.0, f64::max));
            }
        }
    }

    /// The weighted kernel's reference: every weight scaled by the final
    /// exponent's factor from the start, summed in blocks of 2,048 over
    /// eight rows (answer `j` of eight into row `j`) and folded block by
    /// block into compensated sums, plus a plain count of zero weights.
    fn weighted_reference(scores: &[u8], weights: &[f64], lowest: u8) -> WeightedAcc {
        let max = weights.iter().copied().fold(0.0, f64::max);
        let exponent = crate::counting::sum::exponent_of(max);
        let factor = crate::counting::sum::ldexp(1.0, -exponent.unwrap_or(0));
        let mut acc = WeightedAcc {
            exponent,
            ..WeightedAcc::default()
        };
        for (sb, wb) in scores.chunks(2048).zip(weights.chunks(2048)) {
            let mut cells = [[[0.0f64; 2]; 16]; 8];
            let whole = sb.len() / 8 * 8;
            for (j, (&s, &w)) in sb.iter().zip(wb).enumerate() {
                let row = if j < whole { j % 8 } else { 0 };
                let i = usize::from(s.wrapping_sub(lowest)) & 15;
                let x = w * factor;
                cells[row][i][0] += x;
                cells[row][i][1] += x * x;
                if w == 0.0 {
                    acc.zeros[i] += 1;
                }
            }
            for i in 0..16 {
                let (mut a, mut b) = (0.0, 0.0);
                for row in &cells {
                    a += row[i][0];
                    b += row[i][1];
                }
                if a != 0.0 || b != 0.0 {
                    acc.sums[i].add(a);
                    acc.squares[i].add(b);
                }
            }
        }
        acc
    }

    /// Every weighted kernel the CPU runs, beside the portable one.
    fn all_weighted(
        scores: &[u8],
        weights: &[f64],
        lowest: u8,
    ) -> Vec<(&'static str, bool, WeightedAcc)> {
        let mut out = Vec::new();
        let mut run = |name, f: &dyn Fn(&mut WeightedAcc) -> bool| {
            let mut acc = WeightedAcc::default();
            let ok = f(&mut acc);
            out.push((name, ok, acc));
        };
        run("portable", &|a| {
            portable::weighted_small::<PORTABLE>(scores, weights, lowest, a)
        });
        run("dispatched", &|a| {
            weighted_small(scores, weights, lowest, a)
        });
        #[cfg(target_arch = "x86_64")]
        {
            if let Some(k) = x86_64::Avx2::detect() {
                run("avx2", &|a| k.weighted_small(scores, weights, lowest, a));
            }
            if let Some(k) = x86_64::Avx512::detect() {
                run("avx512", &|a| k.weighted_small(scores, weights, lowest, a));
            }
        }
        out
    }

    fn weight_strategy() -> impl Strategy<Value = f64> {
        prop_oneof![
            4 => 0.0..10.0f64,
            1 => Just(0.0),
            1 => (-1074i32..1024).prop_map(|e| crate::counting::sum::ldexp(1.0, e)),
            1 => (0.5..1.0f64, -300i32..300).prop_map(|(m, e)| crate::counting::sum::ldexp(m, e)),
        ]
    }

    proptest! {
        #[test]
        fn weighted_kernels_equal_the_reference_bit_for_bit(
            pairs in prop::collection::vec((0u8..11, weight_strategy()), 0..LONG),
            lowest in 0u8..3,
            bad in prop::option::of((any::<prop::sample::Index>(), prop_oneof![
                Just(f64::NAN), Just(f64::INFINITY), Just(-1.0), Just(-0.0f64.next_down())])),
        ) {
            let scores: Vec<u8> = pairs.iter().map(|p| p.0 + lowest).collect();
            let mut weights: Vec<f64> = pairs.iter().map(|p| p.1).collect();
            if let Some((at, w)) = bad && !weights.is_empty() {
                let i = at.index(weights.len());
                weights[i] = w;
            }
            let valid = weights.iter().all(|&w| (0.0..=f64::MAX).contains(&w));
            // Partial sums below the normal range may round differently
            // once rescaled: keep the weights within 2^1000 of each other.
            let max = weights.iter().copied().filter(|w| valid && *w > 0.0).fold(0.0, f64::max);
            let tiny = weights.iter().any(|&w| w > 0.0 && w < max * crate::counting::sum::ldexp(1.0, -900));
            let want = weighted_reference(&scores, &weights, lowest);
            for (name, ok, got) in all_weighted(&scores, &weights, lowest) {
                prop_assert_eq!(ok, valid, "{}", name);
                if !valid {
                    continue;
                }
                prop_assert_eq!(got.exponent, want.exponent, "{}", name);
                prop_assert_eq!(got.zeros, want.zeros, "{}", name);
                for i in 0..16 {
                    let (g, w) = (got.sums[i].value(), want.sums[i].value());
                    let (gq, wq) = (got.squares[i].value(), want.squares[i].value());
                    if tiny {
                        prop_assert!((g - w).abs() <= 1e-12 * w.abs() + f64::MIN_POSITIVE, "{} {} {}", name, g, w);
                        prop_assert!((gq - wq).abs() <= 1e-12 * wq.abs() + f64::MIN_POSITIVE, "{} {} {}", name, gq, wq);
                    } else {
                        prop_assert_eq!(g.to_bits(), w.to_bits(), "{} point {}", name, i);
                        prop_assert_eq!(gq.to_bits(), wq.to_bits(), "{} point {}", name, i);
                    }
                }
            }
        }
    }

    #[test]
    fn weighted_kernels_rescale_when_a_later_block_raises_the_exponent() {
        // Blocks of small weights, then one huge weight: the early sums are
        // rescaled by 2^-k exactly, as if the final factor applied throughout.
        let n = 3 * 2048 + 77;
        let scores: Vec<u8> = (0..n).map(|i| (i % 11) as u8).collect();
        let mut weights: Vec<f64> = (0..n).map(|i| 0.25 + (i % 7) as f64 / 8.0).collect();
        weights[n - 3] = 3.0e300;
        weights[5] = 0.0;
        let want = weighted_reference(&scores, &weights, 0);
        // By hand: the exponent of 3e300 is ⌊log2 3e300⌋ = 998.
        assert_eq!(want.exponent, Some(998));
        for (name, ok, got) in all_weighted(&scores, &weights, 0) {
            assert!(ok, "{name}");
            assert_eq!(got.exponent, Some(998), "{name}");
            assert_eq!(got.zeros[5], 1, "{name}");
            for i in 0..11 {
                assert_eq!(
                    got.sums[i].value().to_bits(),
                    want.sums[i].value().to_bits(),
                    "{name} {i}"
                );
                assert_eq!(
                    got.squares[i].value().to_bits(),
                    want.squares[i].value().to_bits(),
                    "{name} {i}"
                );
            }
            // Independent check of one point: point 3 holds 3e300·2^-998
            // plus small weights that vanish beside it only below 2^-52.
            let p = scores[n - 3];
            let hand: f64 = weights
                .iter()
                .zip(&scores)
                .filter(|(_, s)| **s == p)
                .map(|(w, _)| crate::counting::sum::ldexp(*w, -998))
                .sum();
            let p = usize::from(p);
            assert!((got.sums[p].value() - hand).abs() <= 1e-12 * hand, "{name}");
        }
    }

    /// Every dense keyed kernel the CPU runs, beside the portable one, on
    /// fresh tables of `half` cells each: (name, stop, tables).
    fn all_dense(
        keys: &[u16],
        scores: &[u8],
        lowest: u8,
        points: usize,
        half: usize,
    ) -> Vec<(&'static str, DenseStop, Vec<u32>)> {
        let index = |k: &u16| u32::from(*k);
        let mut out = Vec::new();
        let mut t = vec![0u32; 2 * half];
        let stop = portable::count_dense(keys, index, scores, lowest, points, &mut t);
        out.push(("portable", stop, t));
        let mut t = vec![0u32; 2 * half];
        let stop = count_dense(keys, index, scores, lowest, points, &mut t);
        out.push(("dispatched", stop, t));
        #[cfg(target_arch = "x86_64")]
        {
            if let Some(a) = x86_64::Avx2::detect() {
                let mut t = vec![0u32; 2 * half];
                let stop = a.count_dense(keys, index, scores, lowest, points, &mut t);
                out.push(("avx2", stop, t));
            }
            if let Some(b) = x86_64::Avx512::detect() {
                let mut t = vec![0u32; 2 * half];
                let stop = b.count_dense(keys, index, scores, lowest, points, &mut t);
                out.push(("avx512", stop, t));
            }
        }
        out
    }

    proptest! {
        #[test]
        fn dense_kernels_count_what_fits_and_stop_at_the_first_block_that_does_not(
            pairs in prop::collection::vec((0u16..40, 0u8..7), 0..LONG),
            lowest in 0u8..3,
            rows_bits in prop_oneof![0u32..7, Just(13u32)],
            spoil in prop::option::of((any::<prop::sample::Index>(), prop_oneof![
                (0u16..200).prop_map(|k| (Some(k), None)),
                (7u8..=255).prop_map(|s| (None, Some(s))),
            ])),
        ) {
            let points = 7;
            let (mut keys, offsets): (Vec<u16>, Vec<u8>) = pairs.into_iter().unzip();
            let mut scores: Vec<u8> = offsets.iter().map(|&o| o + lowest).collect();
            if let Some((at, (k, s))) = spoil && !keys.is_empty() {
                let i = at.index(keys.len());
                if let Some(k) = k { keys[i] = k; }
                if let Some(s) = s { scores[i] = s.wrapping_add(lowest); }
            }
            let half = 16usize << rows_bits;
            let rows = half / 16;
            // The model: blocks (2,048 answers for tables of at most 2^16
            // cells) counted until the first with a key index of `rows` or
            // more or an offset of `points` or more.
            let block = if half <= 1 << 16 { 2048 } else { 1024 };
            let mut want = vec![0u32; half];
            let mut counted = 0;
            let mut stop_at = None;
            for (kb, sb) in keys.chunks(block).zip(scores.chunks(block)) {
                let top_index = kb.iter().map(|&k| usize::from(k)).max().unwrap_or(0);
                let top_offset = sb.iter().map(|s| s.wrapping_sub(lowest)).max().unwrap_or(0);
                if top_index >= rows || usize::from(top_offset) >= points {
                    stop_at = Some((top_index, top_offset));
                    break;
                }
                for (&k, &s) in kb.iter().zip(sb) {
                    want[usize::from(k) * 16 + usize::from(s - lowest)] += 1;
                }
                counted += kb.len();
            }
            for (name, stop, table) in all_dense(&keys, &scores, lowest, points, half) {
                prop_assert_eq!(stop.counted, counted, "{}", name);
                if let Some((i, o)) = stop_at {
                    prop_assert_eq!((stop.top_index, stop.top_offset), (i, o), "{}", name);
                }
                let got: Vec<u32> = (0..half).map(|c| table[c] + table[half + c]).collect();
                prop_assert_eq!(&got, &want, "{}", name);
            }
        }
    }

    #[test]
    fn dense_kernels_take_every_table_length() {
        // One key at the last row of each table length, from 16 to 2^20.
        for bits in 4..=if cfg!(miri) { 14 } else { 20 } {
            let half = 1usize << bits;
            let key = u16::try_from(half / 16 - 1).unwrap_or(u16::MAX);
            let keys = vec![key; 3];
            for (name, stop, table) in all_dense(&keys, &[2, 2, 3], 0, 4, half) {
                assert_eq!(stop.counted, 3, "{name} {bits}");
                let cell = usize::from(key) * 16;
                assert_eq!(table[cell + 2] + table[half + cell + 2], 2, "{name} {bits}");
                assert_eq!(table[cell + 3] + table[half + cell + 3], 1, "{name} {bits}");
            }
        }
    }

    proptest! {
        #[test]
        fn grouped_kernels_equal_a_plain_count(
            pairs in prop::collection::vec((0usize..50, 0u8..11), 0..LONG),
            groups in 1usize..60,
            lowest in 0u8..3,
        ) {
            // Indices and scores as the caller checks them: below `groups`
            // and on the scale. Short and long batches take the direct and
            // the scratch-table paths.
            let points = 11;
            let ids: Vec<usize> = pairs.iter().map(|p| p.0 % groups).collect();
            let scores: Vec<u8> = pairs.iter().map(|p| p.1 + lowest).collect();
            let mut want = vec![0u64; groups * points];
            for (&g, &s) in ids.iter().zip(&scores) {
                want[g * points + usize::from(s - lowest)] += 1;
            }
            // Counts already there stay and are added to.
            let start: Vec<u64> = (0..groups * points).map(|i| i as u64 % 3).collect();
            for (w, s) in want.iter_mut().zip(&start) {
                *w += s;
            }
            let index32 = |g: &usize| *g as u32;
            let mut runs: Vec<(&str, Vec<u64>)> = Vec::new();
            let mut c = start.clone();
            portable::count_grouped(&ids, index32, &scores, lowest, points, &mut c);
            runs.push(("portable", c));
            let mut c = start.clone();
            portable::count_grouped_wide(&ids, |g| *g, &scores, lowest, points, &mut c);
            runs.push(("wide", c));
            let mut c = start.clone();
            count_grouped(&ids, |g| *g, &scores, lowest, points, &mut c);
            runs.push(("dispatched", c));
            #[cfg(target_arch = "x86_64")]
            {
                if let Some(a) = x86_64::Avx2::detect() {
                    let mut c = start.clone();
                    a.count_grouped(&ids, index32, &scores, lowest, points, &mut c);
                    runs.push(("avx2", c));
                }
                if let Some(b) = x86_64::Avx512::detect() {
                    let mut c = start.clone();
                    b.count_grouped(&ids, index32, &scores, lowest, points, &mut c);
                    runs.push(("avx512", c));
                }
            }
            for (name, got) in runs {
                prop_assert_eq!(&got, &want, "{}", name);
            }
            let top = ids.iter().copied().max().unwrap_or(0);
            prop_assert_eq!(max_usize(&ids, |g| *g), top);
            prop_assert_eq!(portable::max_usize(&ids, |g| *g), top);
        }
    }

    #[test]
    fn long_runs_flush_before_lane_counters_overflow() {
        // 255 × 64 × 3 identical bytes: every lane counter wraps if unflushed.
        let scores = vec![7u8; 255 * 64 * 3 + 5];
        for (name, counts, ok) in all_counts(&scores, 0, 11) {
            assert!(ok, "{name}");
            assert_eq!(counts[7], scores.len() as u64, "{name}");
        }
        assert_eq!(nps_counts(&scores), (0, 0, 7));
    }

    #[test]
    fn names_an_instruction_set() {
        assert!(["portable", "avx2", "avx512"].contains(&isa_name()));
    }
}
