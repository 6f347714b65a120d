//! The portable kernels compiled with AVX2 (32-byte blocks).

use crate::counting::kernel::portable;
use crate::counting::kernel::portable::{DenseStop, WeightedAcc};

#[target_feature(enable = "avx2")]
pub(super) fn count_small(scores: &[u8], lowest: u8, points: usize, counts: &mut [u64]) -> bool {
    portable::count_small::<32>(scores, lowest, points, counts)
}

#[target_feature(enable = "avx2")]
pub(super) fn count_range(scores: &[u8], lowest: u8, points: usize, counts: &mut [u64]) -> u64 {
    portable::count_range::<32>(scores, lowest, points, counts)
}

#[target_feature(enable = "avx2")]
pub(super) fn nps_counts(scores: &[u8]) -> (u64, u64, u8) {
    portable::nps_counts::<32>(scores)
}

#[target_feature(enable = "avx2")]
pub(super) fn max_offset(scores: &[u8], lowest: u8) -> u8 {
    portable::max_offset::<32>(scores, lowest)
}

#[target_feature(enable = "avx2")]
pub(super) fn check_weights(weights: &[f64]) -> (bool, f64) {
    portable::check_weights::<4>(weights)
}

#[target_feature(enable = "avx2")]
pub(super) fn weighted_small(
    scores: &[u8],
    weights: &[f64],
    lowest: u8,
    acc: &mut WeightedAcc,
) -> bool {
    portable::weighted_small::<4>(scores, weights, lowest, acc)
}

#[target_feature(enable = "avx2")]
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

#[target_feature(enable = "avx2")]
pub(super) fn max_index<T>(keys: &[T], index: impl Fn(&T) -> u32) -> u32 {
    portable::max_index(keys, index)
}

#[target_feature(enable = "avx2")]
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

#[target_feature(enable = "avx2")]
pub(super) fn max_usize<T>(items: &[T], index: impl Fn(&T) -> usize) -> usize {
    portable::max_usize(items, index)
}
