//! Paired questions and concurrent ingestion, in answers per second.
//!
//! - `joint`: a joint tally of two `u8` slices (CES 1–7 × CSAT 5, and NPS
//!   0–10 × CSAT 5) beside a naive one-counter-per-cell loop; every
//!   iteration checks its counts against the naive answer.
//! - `sharded`: keyed, weighted ingestion into a [`Sharded`] from 1, 2 and
//!   4 threads (batches of 10,000 answers over 12 keys).
//!
//! Run with `cargo bench --bench joint`. `CXMETRICS_BENCH_MAX=6` limits
//! the joint input to 10^6 pairs.

use std::hint::black_box;
use std::thread;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use cxmetrics::{JointTally, Scale, Sharded, Tally};

/// Deterministic pseudo-random values below `modulus` (a 64-bit LCG).
fn values(n: usize, modulus: u64, seed: u64) -> impl Iterator<Item = u64> {
    let mut state = seed;
    (0..n).map(move |_| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % modulus
    })
}

fn naive(xs: &[u8], ys: &[u8], xlo: u8, ylo: u8, ny: usize, cells: usize) -> Vec<u64> {
    let mut c = vec![0u64; cells];
    for (&x, &y) in xs.iter().zip(ys) {
        c[usize::from(x - xlo) * ny + usize::from(y - ylo)] += 1;
    }
    c
}

fn joint(c: &mut Criterion) {
    let max: u32 = std::env::var("CXMETRICS_BENCH_MAX")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(7);
    let mut group = c.benchmark_group("joint");
    group.sample_size(10);
    for (name, x, y) in [
        ("ces7_csat5", Scale::CES_7, Scale::CSAT_5),
        ("nps_csat5", Scale::NPS, Scale::CSAT_5),
    ] {
        let n = 10usize.pow(max);
        let xlo = x.lowest() as u8;
        let ylo = y.lowest() as u8;
        let xs: Vec<u8> = values(n, x.len() as u64, 1)
            .map(|v| v as u8 + xlo)
            .collect();
        let ys: Vec<u8> = values(n, y.len() as u64, 2)
            .map(|v| v as u8 + ylo)
            .collect();
        let expected = naive(&xs, &ys, xlo, ylo, y.len(), x.len() * y.len());
        group.throughput(Throughput::Elements(n as u64));
        group.bench_function(BenchmarkId::new(format!("cxmetrics/{name}"), n), |b| {
            b.iter(|| {
                let j = JointTally::from_scores(x, y, black_box(&xs), black_box(&ys)).unwrap();
                assert!(j.cells().map(|c| c.count).eq(expected.iter().copied()));
            });
        });
        group.bench_function(BenchmarkId::new(format!("naive/{name}"), n), |b| {
            b.iter(|| {
                let c = naive(
                    black_box(&xs),
                    black_box(&ys),
                    xlo,
                    ylo,
                    y.len(),
                    expected.len(),
                );
                assert_eq!(c, expected);
            });
        });
    }
    group.finish();
}

fn sharded(c: &mut Criterion) {
    const BATCH: usize = 10_000;
    const BATCHES_PER_THREAD: usize = 20;
    let keys: Vec<u8> = values(BATCH, 12, 3).map(|v| v as u8).collect();
    let scores: Vec<u8> = values(BATCH, 11, 4).map(|v| v as u8).collect();
    let weights: Vec<f64> = values(BATCH, 1000, 5)
        .map(|v| 0.5 + v as f64 / 1000.0)
        .collect();
    let mut group = c.benchmark_group("sharded");
    group.sample_size(10);
    for threads in [1usize, 2, 4] {
        group.throughput(Throughput::Elements(
            (threads * BATCH * BATCHES_PER_THREAD) as u64,
        ));
        group.bench_function(BenchmarkId::new("keyed_weighted", threads), |b| {
            b.iter(|| {
                let live: Sharded<u8, Tally> = Sharded::new(Tally::new(Scale::NPS), threads);
                thread::scope(|s| {
                    for _ in 0..threads {
                        s.spawn(|| {
                            for _ in 0..BATCHES_PER_THREAD {
                                live.extend_weighted_scores(&keys, &scores, &weights)
                                    .unwrap();
                            }
                        });
                    }
                });
                let total: u64 = live.snapshot().unwrap().values().map(Tally::n).sum();
                assert_eq!(total, (threads * BATCH * BATCHES_PER_THREAD) as u64);
            });
        });
    }
    group.finish();
}

criterion_group!(benches, joint, sharded);
criterion_main!(benches);
