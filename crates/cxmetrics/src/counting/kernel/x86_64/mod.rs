//! x86-64 kernels: every `unsafe` item of the crate lives in this folder.
//!
//! Each instruction set is a zero-sized token that can be made only by
//! detecting the feature at run time ([`Avx2::detect`], [`Avx512::detect`]);
//! its methods are safe and call the `#[target_feature]` functions of the
//! submodule, which is sound because the token proves the CPU has the
//! features. [`super`] picks the widest token once and calls through it.
#![allow(unsafe_code)]

mod avx2;
mod avx512;

use crate::counting::kernel::portable::{DenseStop, WeightedAcc};

/// Proof that the CPU supports AVX2.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Avx2(());

/// Proof that the CPU supports AVX-512 F and BW, GFNI and BITALG (with
/// AVX2 and POPCNT).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Avx512(());

impl Avx2 {
    /// The token, if the CPU has AVX2.
    pub(crate) fn detect() -> Option<Avx2> {
        std::is_x86_feature_detected!("avx2").then_some(Avx2(()))
    }

    pub(crate) fn count_small(
        self,
        scores: &[u8],
        lowest: u8,
        points: usize,
        counts: &mut [u64],
    ) -> bool {
        // SAFETY: the token exists only when AVX2 was detected.
        unsafe { avx2::count_small(scores, lowest, points, counts) }
    }

    pub(crate) fn count_range(
        self,
        scores: &[u8],
        lowest: u8,
        points: usize,
        counts: &mut [u64],
    ) -> u64 {
        // SAFETY: the token exists only when AVX2 was detected.
        unsafe { avx2::count_range(scores, lowest, points, counts) }
    }

    pub(crate) fn nps_counts(self, scores: &[u8]) -> (u64, u64, u8) {
        // SAFETY: as above.
        unsafe { avx2::nps_counts(scores) }
    }

    pub(crate) fn max_offset(self, scores: &[u8], lowest: u8) -> u8 {
        // SAFETY: as above.
        unsafe { avx2::max_offset(scores, lowest) }
    }

    pub(crate) fn check_weights(self, weights: &[f64]) -> (bool, f64) {
        // SAFETY: as above.
        unsafe { avx2::check_weights(weights) }
    }

    pub(crate) fn weighted_small(
        self,
        scores: &[u8],
        weights: &[f64],
        lowest: u8,
        acc: &mut WeightedAcc,
    ) -> bool {
        // SAFETY: as above.
        unsafe { avx2::weighted_small(scores, weights, lowest, acc) }
    }

    pub(crate) fn count_dense<T>(
        self,
        keys: &[T],
        index: impl Fn(&T) -> u32,
        scores: &[u8],
        lowest: u8,
        points: usize,
        table: &mut [u32],
    ) -> DenseStop {
        // SAFETY: as above.
        unsafe { avx2::count_dense(keys, index, scores, lowest, points, table) }
    }

    pub(crate) fn max_index<T>(self, keys: &[T], index: impl Fn(&T) -> u32) -> u32 {
        // SAFETY: as above.
        unsafe { avx2::max_index(keys, index) }
    }
    pub(crate) fn count_grouped<T>(
        self,
        groups: &[T],
        index: impl Fn(&T) -> u32,
        scores: &[u8],
        lowest: u8,
        points: usize,
        counts: &mut [u64],
    ) {
        // SAFETY: as above.
        unsafe { avx2::count_grouped(groups, index, scores, lowest, points, counts) }
    }

    pub(crate) fn max_usize<T>(self, items: &[T], index: impl Fn(&T) -> usize) -> usize {
        // SAFETY: as above.
        unsafe { avx2::max_usize(items, index) }
    }
}

impl Avx512 {
    /// The token, if the CPU has every feature the AVX-512 kernels use.
    pub(crate) fn detect() -> Option<Avx512> {
        (std::is_x86_feature_detected!("avx2")
            && std::is_x86_feature_detected!("avx512f")
            && std::is_x86_feature_detected!("avx512bw")
            && std::is_x86_feature_detected!("gfni")
            && std::is_x86_feature_detected!("avx512bitalg")
            && std::is_x86_feature_detected!("popcnt"))
        .then_some(Avx512(()))
    }

    pub(crate) fn count_small(
        self,
        scores: &[u8],
        lowest: u8,
        points: usize,
        counts: &mut [u64],
    ) -> bool {
        // SAFETY: the token exists only when these features were detected.
        unsafe { avx512::count_small(scores, lowest, points, counts) }
    }

    pub(crate) fn nps_counts(self, scores: &[u8]) -> (u64, u64, u8) {
        // SAFETY: as above.
        unsafe { avx512::nps_counts(scores) }
    }

    pub(crate) fn max_offset(self, scores: &[u8], lowest: u8) -> u8 {
        // SAFETY: as above.
        unsafe { avx512::max_offset(scores, lowest) }
    }

    pub(crate) fn check_weights(self, weights: &[f64]) -> (bool, f64) {
        // SAFETY: as above.
        unsafe { avx512::check_weights(weights) }
    }

    pub(crate) fn weighted_small(
        self,
        scores: &[u8],
        weights: &[f64],
        lowest: u8,
        acc: &mut WeightedAcc,
    ) -> bool {
        // SAFETY: as above.
        unsafe { avx512::weighted_small(scores, weights, lowest, acc) }
    }

    pub(crate) fn count_dense<T>(
        self,
        keys: &[T],
        index: impl Fn(&T) -> u32,
        scores: &[u8],
        lowest: u8,
        points: usize,
        table: &mut [u32],
    ) -> DenseStop {
        // SAFETY: as above.
        unsafe { avx512::count_dense(keys, index, scores, lowest, points, table) }
    }

    pub(crate) fn max_index<T>(self, keys: &[T], index: impl Fn(&T) -> u32) -> u32 {
        // SAFETY: as above.
        unsafe { avx512::max_index(keys, index) }
    }

    pub(crate) fn count_grouped<T>(
        self,
        groups: &[T],
        index: impl Fn(&T) -> u32,
        scores: &[u8],
        lowest: u8,
        points: usize,
        counts: &mut [u64],
    ) {
        // SAFETY: as above.
        unsafe { avx512::count_grouped(groups, index, scores, lowest, points, counts) }
    }

    pub(crate) fn max_usize<T>(self, items: &[T], index: impl Fn(&T) -> usize) -> usize {
        // SAFETY: as above.
        unsafe { avx512::max_usize(items, index) }
    }
}
