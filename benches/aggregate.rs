//! Aggregation-core throughput in scores per second, each path beside a
//! naive one-counter-per-point loop in the same group.
//!
//! Run with `cargo bench --bench aggregate`.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use cxmetrics::{Scale, Tally};

/// Deterministic NPS-scale bytes (a 64-bit LCG; no RNG dependency).
fn scores(n: usize) -> Vec<u8> {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    (0..n)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((state >> 33) % 11) as u8
        })
        .collect()
}

/// The baseline: one counter per point, one increment per score.
fn naive_counts(scores: &[u8]) -> [u64; 11] {
    let mut counts = [0u64; 11];
    for &s in scores {
        counts[usize::from(s)] += 1;
    }
    counts
}

fn full_tally(c: &mut Criterion) {
    let mut group = c.benchmark_group("tally");
    for n in [1_000_000usize, 10_000_000] {
        let data = scores(n);
        let expected = naive_counts(&data);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("cxmetrics", n), &data, |b, data| {
            b.iter(|| {
                let t = Tally::from_scores(Scale::NPS, black_box(data)).unwrap();
                assert_eq!(t.counts(), &expected[..]);
                t
            });
        });
        group.bench_with_input(BenchmarkId::new("naive", n), &data, |b, data| {
            b.iter(|| {
                let counts = naive_counts(black_box(data));
                assert_eq!(counts, expected);
                counts
            });
        });
    }
    group.finish();
}

criterion_group!(benches, full_tally);
criterion_main!(benches);
