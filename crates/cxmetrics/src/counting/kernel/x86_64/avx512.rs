//! AVX-512 kernels: the portable ones compiled for 64-byte blocks, and a
//! full-tally kernel built on GFNI and BITALG.
//!
//! # Counting by bit transposition
//!
//! Compare-and-count costs two vector operations per point and block. Here
//! each byte's offset from the lowest point becomes a one-hot byte
//! (`1 << offset` for offsets 0–7 by one shuffle, 8–15 by another), an
//! 8 × 8 bit transpose of every quadword (`gf2p8affineqb` with the matrix
//! operand as data) gathers bit `i` of eight bytes into byte `i`, and a
//! byte population count turns that into "how many of these eight bytes
//! hold point `i`". Byte counters are added for 31 blocks (at most
//! 8 × 31 = 248) before they are flushed into `u64` totals. That is five
//! operations per 64 bytes for up to 8 points and nine for up to 16,
//! whatever the number of points. Validation is one `max` of the offsets
//! per block: the batch is valid when the largest offset is below the
//! number of points.

use std::arch::x86_64::{
    __m512i, _mm512_add_epi8, _mm512_cmpeq_epi8_mask, _mm512_gf2p8affine_epi64_epi8,
    _mm512_loadu_si512, _mm512_max_epu8, _mm512_popcnt_epi8, _mm512_set1_epi8, _mm512_set1_epi64,
    _mm512_setzero_si512, _mm512_shuffle_epi8, _mm512_storeu_si512, _mm512_sub_epi8,
};

use crate::counting::kernel::portable;
use crate::counting::kernel::portable::{DenseStop, WeightedAcc};

/// One-hot bytes for offsets 0–7 (others 0), as a 16-entry shuffle table
/// repeated in each 128-bit lane.
const ONE_HOT_LOW: [u8; 16] = [1, 2, 4, 8, 16, 32, 64, 128, 0, 0, 0, 0, 0, 0, 0, 0];
/// One-hot bytes for offsets 8–15.
const ONE_HOT_HIGH: [u8; 16] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 64, 128];
/// Selects bit `i` of each data byte into result byte `i`.
const TRANSPOSE: u64 = 0x8040_2010_0804_0201;

#[target_feature(enable = "avx512f,avx512bw,gfni,avx512bitalg")]
fn table(t: &[u8; 16]) -> __m512i {
    let mut all = [0u8; 64];
    for (i, b) in all.iter_mut().enumerate() {
        *b = t[i % 16];
    }
    // SAFETY: `all` is 64 readable bytes; unaligned loads are allowed.
    unsafe { _mm512_loadu_si512(all.as_ptr().cast()) }
}

#[target_feature(enable = "avx512f,avx512bw,gfni,avx512bitalg")]
fn flush(acc: __m512i, totals: &mut [u64; 8]) {
    let mut bytes = [0u8; 64];
    // SAFETY: `bytes` is 64 writable bytes; unaligned stores are allowed.
    unsafe { _mm512_storeu_si512(bytes.as_mut_ptr().cast(), acc) };
    for (i, &b) in bytes.iter().enumerate() {
        totals[i % 8] += u64::from(b);
    }
}

/// Counts the points `lowest..lowest + points` (2 to 16) into `counts`;
/// returns whether every byte was on the scale.
#[target_feature(enable = "avx2,avx512f,avx512bw,gfni,avx512bitalg,popcnt")]
pub(super) fn count_small(scores: &[u8], lowest: u8, points: usize, counts: &mut [u64]) -> bool {
    if !(4..=16).contains(&points) || counts.len() < points {
        // Few points: compare-and-count is as cheap.
        return portable::count_small::<64>(scores, lowest, points, counts);
    }
    let (mut low, mut high) = ([0u64; 8], [0u64; 8]);
    let top = if points == 9 {
        transpose_count_masked::<0>(scores, lowest, &mut low, &mut high)
    } else if points == 10 {
        transpose_count_masked::<1>(scores, lowest, &mut low, &mut high)
    } else if points == 11 {
        transpose_count_masked::<2>(scores, lowest, &mut low, &mut high)
    } else if points > 8 {
        transpose_count_wide(scores, lowest, &mut low, &mut high)
    } else {
        transpose_count::<false>(scores, lowest, &mut low, &mut high)
    };
    if usize::from(top) >= points {
        return false;
    }
    if (9..=11).contains(&points) {
        // The last point's count is what the others leave of the batch.
        let others: u64 = low.iter().sum::<u64>() + high[..points - 9].iter().sum::<u64>();
        high[points - 9] = scores.len() as u64 - others;
    }
    for (i, c) in counts[..points].iter_mut().enumerate() {
        *c += if i < 8 { low[i] } else { high[i - 8] };
    }
    true
}

/// The transposition kernel: adds the counts of offsets 0–7 to `low` and
/// (when `HIGH`) 8–15 to `high`; returns the largest offset. Two blocks per
/// step, each into its own byte counters, keep the units busy.
#[target_feature(enable = "avx2,avx512f,avx512bw,gfni,avx512bitalg")]
fn transpose_count<const HIGH: bool>(
    scores: &[u8],
    lowest: u8,
    low: &mut [u64; 8],
    high: &mut [u64; 8],
) -> u8 {
    let (pairs, rest) = scores.as_chunks::<128>();
    let low_table = table(&ONE_HOT_LOW);
    let high_table = table(&ONE_HOT_HIGH);
    let base = _mm512_set1_epi8(lowest as i8);
    let transpose = _mm512_set1_epi64(TRANSPOSE as i64);
    let mut max = _mm512_setzero_si512();
    // A macro, not a closure: closures do not inherit the target features.
    macro_rules! count {
        ($off:expr, $t:expr) => {
            _mm512_popcnt_epi8(_mm512_gf2p8affine_epi64_epi8::<0>(
                transpose,
                _mm512_shuffle_epi8($t, $off),
            ))
        };
    }
    // Each byte counter gains at most 8 per block: 31 blocks before a flush.
    for group in pairs.chunks(31) {
        let (mut l0, mut l1) = (_mm512_setzero_si512(), _mm512_setzero_si512());
        let (mut h0, mut h1) = (_mm512_setzero_si512(), _mm512_setzero_si512());
        for pair in group {
            // SAFETY: `pair` is 128 readable bytes.
            let (x0, x1) = unsafe {
                (
                    _mm512_loadu_si512(pair.as_ptr().cast()),
                    _mm512_loadu_si512(pair.as_ptr().add(64).cast()),
                )
            };
            let (o0, o1) = (_mm512_sub_epi8(x0, base), _mm512_sub_epi8(x1, base));
            max = _mm512_max_epu8(max, _mm512_max_epu8(o0, o1));
            l0 = _mm512_add_epi8(l0, count!(o0, low_table));
            l1 = _mm512_add_epi8(l1, count!(o1, low_table));
            if HIGH {
                h0 = _mm512_add_epi8(h0, count!(o0, high_table));
                h1 = _mm512_add_epi8(h1, count!(o1, high_table));
            }
        }
        flush(l0, low);
        flush(l1, low);
        if HIGH {
            flush(h0, high);
            flush(h1, high);
        }
    }
    let mut lanes = [0u8; 64];
    // SAFETY: `lanes` is 64 writable bytes.
    unsafe { _mm512_storeu_si512(lanes.as_mut_ptr().cast(), max) };
    let mut top = lanes.iter().copied().max().unwrap_or(0);
    for &b in rest {
        let off = b.wrapping_sub(lowest);
        top = top.max(off);
        let i = usize::from(off & 15);
        if i < 8 {
            low[i] += 1;
        } else {
            high[i - 8] += 1;
        }
    }
    top
}

/// [`transpose_count`] for 9 to 11 points: offsets 0–7 by transposition,
/// the next `EXTRA` (offsets 8, 8 + 1 …) by mask compares and scalar
/// population counts (other units than the vector ones), into `high`; the
/// caller derives the last point from the batch length.
#[target_feature(enable = "avx2,avx512f,avx512bw,gfni,avx512bitalg,popcnt")]
fn transpose_count_masked<const EXTRA: usize>(
    scores: &[u8],
    lowest: u8,
    low: &mut [u64; 8],
    high: &mut [u64; 8],
) -> u8 {
    let (blocks, rest) = scores.as_chunks::<64>();
    let low_table = table(&ONE_HOT_LOW);
    let base = _mm512_set1_epi8(lowest as i8);
    let transpose = _mm512_set1_epi64(TRANSPOSE as i64);
    let mut targets = [_mm512_setzero_si512(); 2];
    for (k, t) in targets.iter_mut().enumerate() {
        *t = _mm512_set1_epi8(8 + k as i8);
    }
    let mut max = _mm512_setzero_si512();
    let mut extra = [0u64; 2];
    for group in blocks.chunks(31) {
        let mut acc = _mm512_setzero_si512();
        for block in group {
            // SAFETY: `block` is 64 readable bytes.
            let x = unsafe { _mm512_loadu_si512(block.as_ptr().cast()) };
            let off = _mm512_sub_epi8(x, base);
            max = _mm512_max_epu8(max, off);
            let bits =
                _mm512_gf2p8affine_epi64_epi8::<0>(transpose, _mm512_shuffle_epi8(low_table, off));
            acc = _mm512_add_epi8(acc, _mm512_popcnt_epi8(bits));
            for k in 0..EXTRA {
                extra[k] += u64::from(_mm512_cmpeq_epi8_mask(off, targets[k]).count_ones());
            }
        }
        flush(acc, low);
    }
    let mut lanes = [0u8; 64];
    // SAFETY: `lanes` is 64 writable bytes.
    unsafe { _mm512_storeu_si512(lanes.as_mut_ptr().cast(), max) };
    let mut top = lanes.iter().copied().max().unwrap_or(0);
    for &b in rest {
        let off = b.wrapping_sub(lowest);
        top = top.max(off);
        let i = usize::from(off & 15);
        if i < 8 {
            low[i] += 1;
        } else if i - 8 < EXTRA {
            extra[i - 8] += 1;
        }
    }
    high[..EXTRA].copy_from_slice(&extra[..EXTRA]);
    top
}

/// [`transpose_count`] for 9 to 16 points, one block per step (measured
/// faster than two here: the two halves already fill the units).
#[target_feature(enable = "avx2,avx512f,avx512bw,gfni,avx512bitalg")]
fn transpose_count_wide(scores: &[u8], lowest: u8, low: &mut [u64; 8], high: &mut [u64; 8]) -> u8 {
    let (blocks, rest) = scores.as_chunks::<64>();
    let low_table = table(&ONE_HOT_LOW);
    let high_table = table(&ONE_HOT_HIGH);
    let base = _mm512_set1_epi8(lowest as i8);
    let transpose = _mm512_set1_epi64(TRANSPOSE as i64);
    let mut max = _mm512_setzero_si512();
    for group in blocks.chunks(31) {
        let mut acc_low = _mm512_setzero_si512();
        let mut acc_high = _mm512_setzero_si512();
        for block in group {
            // SAFETY: `block` is 64 readable bytes.
            let x = unsafe { _mm512_loadu_si512(block.as_ptr().cast()) };
            let off = _mm512_sub_epi8(x, base);
            max = _mm512_max_epu8(max, off);
            let bits =
                _mm512_gf2p8affine_epi64_epi8::<0>(transpose, _mm512_shuffle_epi8(low_table, off));
            acc_low = _mm512_add_epi8(acc_low, _mm512_popcnt_epi8(bits));
            let bits =
                _mm512_gf2p8affine_epi64_epi8::<0>(transpose, _mm512_shuffle_epi8(high_table, off));
            acc_high = _mm512_add_epi8(acc_high, _mm512_popcnt_epi8(bits));
        }
        flush(acc_low, low);
        flush(acc_high, high);
    }
    let mut lanes = [0u8; 64];
    // SAFETY: `lanes` is 64 writable bytes.
    unsafe { _mm512_storeu_si512(lanes.as_mut_ptr().cast(), max) };
    let mut top = lanes.iter().copied().max().unwrap_or(0);
    for &b in rest {
        let off = b.wrapping_sub(lowest);
        top = top.max(off);
        let i = usize::from(off & 15);
        if i < 8 {
            low[i] += 1;
        } else {
            high[i - 8] += 1;
        }
    }
    top
}

#[target_feature(enable = "avx2,avx512f,avx512bw")]
pub(super) fn nps_counts(scores: &[u8]) -> (u64, u64, u8) {
    portable::nps_counts::<64>(scores)
}

#[target_feature(enable = "avx2,avx512f,avx512bw")]
pub(super) fn max_offset(scores: &[u8], lowest: u8) -> u8 {
    portable::max_offset::<64>(scores, lowest)
}

#[target_feature(enable = "avx2,avx512f,avx512bw")]
pub(super) fn check_weights(weights: &[f64]) -> (bool, f64) {
    portable::check_weights::<8>(weights)
}

#[target_feature(enable = "avx2,avx512f,avx512bw")]
pub(super) fn weighted_small(
    scores: &[u8],
    weights: &[f64],
    lowest: u8,
    acc: &mut WeightedAcc,
) -> bool {
    portable::weighted_small::<8>(scores, weights, lowest, acc)
}

#[target_feature(enable = "avx2,avx512f,avx512bw")]
pub(super) fn count_dense<T>(
    keys: &[T],
    index: impl Fn(&T) -> u32,
    scores: &[u8],
    lowest: u8,
    points: usize,
    table: &mut [u32],
) -> DenseStop {
    portable::count_dense(keys, index, scores, lowest, points, table)
}

#[target_feature(enable = "avx2,avx512f,avx512bw")]
pub(super) fn max_index<T>(keys: &[T], index: impl Fn(&T) -> u32) -> u32 {
    portable::max_index(keys, index)
}

#[target_feature(enable = "avx2,avx512f,avx512bw")]
pub(super) fn count_grouped<T>(
    groups: &[T],
    index: impl Fn(&T) -> u32,
    scores: &[u8],
    lowest: u8,
    points: usize,
    counts: &mut [u64],
) {
    portable::count_grouped(groups, index, scores, lowest, points, counts);
}

#[target_feature(enable = "avx2,avx512f,avx512bw")]
pub(super) fn max_usize<T>(items: &[T], index: impl Fn(&T) -> usize) -> usize {
    portable::max_usize(items, index)
}
