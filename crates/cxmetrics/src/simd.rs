//! Run-time CPU dispatch for the byte kernels, and the slice view the
//! keyed kernel needs: the one module allowed `unsafe`.
//!
//! Each kernel in [`crate::count`] is generic and `#[inline(always)]`; here
//! it is instantiated twice, once portable and once inside a function
//! compiled with `#[target_feature(enable = "avx2")]`, and the AVX2 copy is
//! called only after `is_x86_feature_detected!("avx2")` said the CPU has
//! it. Both copies are the same source, so they give the same counts; a
//! test below checks that on arbitrary input.
//!
//! Building with `RUSTFLAGS="--cfg cxmetrics_portable"` turns the dispatch
//! off, to measure the portable kernels (`cargo bench --bench aggregate`).
#![allow(unsafe_code)]

use crate::count::{count_small_lanes, nps_kernel, weighted_small_kernel};
use crate::error::Error;
use crate::scale::Scale;
use crate::tally::BatchParts;

/// Portable vector width: one SSE2 register on x86-64.
const PORTABLE: usize = 16;
/// AVX2 vector width.
#[cfg(target_arch = "x86_64")]
const WIDE: usize = 32;

/// Compare-and-count of the points `lowest..lowest + points` (2 to 16),
/// adding to `counts`; returns the number of bytes counted.
pub(crate) fn count_small(scores: &[u8], lowest: u8, points: usize, counts: &mut [u64]) -> u64 {
    #[cfg(all(target_arch = "x86_64", not(cxmetrics_portable)))]
    if std::is_x86_feature_detected!("avx2") {
        // SAFETY: `count_small_avx2` only requires AVX2, which the CPU
        // was just detected to support.
        return unsafe { count_small_avx2(scores, lowest, points, counts) };
    }
    count_small_portable(scores, lowest, points, counts)
}

/// Promoter and detractor counts of NPS bytes and the largest byte.
pub(crate) fn nps_counts(scores: &[u8]) -> (u64, u64, u8) {
    #[cfg(all(target_arch = "x86_64", not(cxmetrics_portable)))]
    if std::is_x86_feature_detected!("avx2") {
        // SAFETY: `nps_counts_avx2` only requires AVX2, which the CPU was
        // just detected to support.
        return unsafe { nps_counts_avx2(scores) };
    }
    nps_kernel::<PORTABLE>(scores)
}

/// The weighted kernel for small byte scales (see
/// [`weighted_small_kernel`]); AVX2 widens the weight checks.
pub(crate) fn weighted_small(
    scores: &[u8],
    weights: &[f64],
    scale: &Scale,
    lowest: u8,
    parts: &mut BatchParts<'_>,
) -> Result<(), Error> {
    #[cfg(all(target_arch = "x86_64", not(cxmetrics_portable)))]
    if std::is_x86_feature_detected!("avx2") {
        // SAFETY: `weighted_small_avx2` only requires AVX2, which the CPU
        // was just detected to support.
        return unsafe { weighted_small_avx2(scores, weights, scale, lowest, parts) };
    }
    weighted_small_kernel(scores, weights, scale, lowest, parts)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn weighted_small_avx2(
    scores: &[u8],
    weights: &[f64],
    scale: &Scale,
    lowest: u8,
    parts: &mut BatchParts<'_>,
) -> Result<(), Error> {
    weighted_small_kernel(scores, weights, scale, lowest, parts)
}

pub(crate) fn count_small_portable(
    scores: &[u8],
    lowest: u8,
    points: usize,
    counts: &mut [u64],
) -> u64 {
    count_small_lanes::<PORTABLE>(scores, lowest, points, counts)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn count_small_avx2(scores: &[u8], lowest: u8, points: usize, counts: &mut [u64]) -> u64 {
    count_small_lanes::<WIDE>(scores, lowest, points, counts)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn nps_counts_avx2(scores: &[u8]) -> (u64, u64, u8) {
    nps_kernel::<WIDE>(scores)
}

/// Whether `A` and `B` are the same type (resolved at compile time for each
/// instantiation).
pub(crate) fn same_type<A: 'static, B: 'static>() -> bool {
    std::any::TypeId::of::<A>() == std::any::TypeId::of::<B>()
}

/// The slice viewed as `&[T]` when its element type is `T`.
pub(crate) fn cast_slice<S: 'static, T: 'static>(s: &[S]) -> Option<&[T]> {
    if same_type::<S, T>() {
        // SAFETY: `S` and `T` are the same type (equal `TypeId`s), so the
        // pointer, length and lifetime describe the same valid `[T]` slice.
        Some(unsafe { std::slice::from_raw_parts(s.as_ptr().cast::<T>(), s.len()) })
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn naive(scores: &[u8], lowest: u8, points: usize) -> (Vec<u64>, u64) {
        let mut counts = vec![0u64; points];
        let mut counted = 0;
        for &b in scores {
            let i = usize::from(b.wrapping_sub(lowest));
            if i < points {
                counts[i] += 1;
                counted += 1;
            }
        }
        (counts, counted)
    }

    proptest! {
        #[test]
        fn dispatched_and_portable_paths_agree(
            scores in prop::collection::vec(0u8..=20, 0..20_000),
            lowest in 0u8..4,
            points in 2usize..=16,
        ) {
            let (want, want_n) = naive(&scores, lowest, points);
            let mut portable = vec![0u64; points];
            let n1 = count_small_portable(&scores, lowest, points, &mut portable);
            let mut dispatched = vec![0u64; points];
            let n2 = count_small(&scores, lowest, points, &mut dispatched);
            prop_assert_eq!((&portable, n1), (&want, want_n));
            prop_assert_eq!((&dispatched, n2), (&want, want_n));
            #[cfg(target_arch = "x86_64")]
            if std::is_x86_feature_detected!("avx2") {
                let mut wide = vec![0u64; points];
                // SAFETY: AVX2 detected just above.
                let n3 = unsafe { count_small_avx2(&scores, lowest, points, &mut wide) };
                prop_assert_eq!((&wide, n3), (&want, want_n));
                // SAFETY: as above.
                prop_assert_eq!(unsafe { nps_counts_avx2(&scores) }, nps_kernel::<PORTABLE>(&scores));
            }
            let p = scores.iter().filter(|&&b| b >= 9).count() as u64;
            let d = scores.iter().filter(|&&b| b <= 6).count() as u64;
            let m = scores.iter().copied().max().unwrap_or(0);
            prop_assert_eq!(nps_counts(&scores), (p, d, m));
        }
    }

    #[test]
    fn byte_view_only_for_bytes() {
        assert_eq!(cast_slice::<u8, u8>(&[1u8, 2, 3]), Some(&[1u8, 2, 3][..]));
        assert_eq!(cast_slice::<i8, u8>(&[1i8, 2]), None);
        assert_eq!(cast_slice::<u16, u16>(&[7u16]), Some(&[7u16][..]));
        assert_eq!(cast_slice::<u16, u8>(&[1u16]), None);
        assert!(same_type::<u16, u16>() && !same_type::<u16, i16>());
    }

    #[test]
    fn long_runs_flush_before_lane_counters_overflow() {
        // 255 × 32 × 3 identical bytes: every lane counter wraps if unflushed.
        let scores = vec![7u8; 255 * 32 * 3 + 5];
        let mut counts = vec![0u64; 11];
        assert_eq!(
            count_small(&scores, 0, 11, &mut counts),
            scores.len() as u64
        );
        assert_eq!(counts[7], scores.len() as u64);
        assert_eq!(nps_counts(&scores), (0, 0, 7));
    }
}
