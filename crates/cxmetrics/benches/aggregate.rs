//! Aggregation-core throughput in scores per second. Each path runs beside
//! a naive one-counter-per-point loop in the same group, and every
//! iteration checks its result against the naive answer.
//!
//! Run with `cargo bench --bench aggregate`. Set `CXMETRICS_BENCH_MAX=7`
//! to skip the 10^8 inputs. The full tally also runs beside a vectorised
//! read of the same bytes (the memory bound), and the keyed paths beside
//! naive loops: `Segmented` with 100 `u16` keys, 10,000 string keys on
//! grouped input, and the `GroupedTally` core with `usize` group ids.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use cxmetrics::{GroupedTally, Nps, Scale, Segmented, Tally};

/// Deterministic pseudo-random values below `modulus` (a 64-bit LCG; no RNG
/// dependency).
fn values(n: usize, modulus: u64, seed: u64) -> impl Iterator<Item = u64> {
    let mut state = seed;
    (0..n).map(move |_| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % modulus
    })
}

fn scores(n: usize) -> Vec<u8> {
    values(n, 11, 1).map(|v| v as u8).collect()
}

fn sizes() -> Vec<usize> {
    let max: u32 = std::env::var("CXMETRICS_BENCH_MAX")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(8);
    (6..=max).map(|e| 10usize.pow(e)).collect()
}

/// The baseline: one counter per point, one increment per score.
fn naive_counts(scores: &[u8]) -> [u64; 11] {
    let mut counts = [0u64; 11];
    for &s in scores {
        counts[usize::from(s)] += 1;
    }
    counts
}

/// Reads every byte: XOR of 64-bit words (vectorises to full-width loads).
fn read_all(a: &[u8]) -> u64 {
    let (blocks, rest) = a.as_chunks::<64>();
    let mut acc = [0u64; 8];
    for b in blocks {
        for (i, x) in acc.iter_mut().enumerate() {
            let mut w = [0u8; 8];
            w.copy_from_slice(&b[i * 8..i * 8 + 8]);
            *x ^= u64::from_le_bytes(w);
        }
    }
    acc.iter().fold(rest.len() as u64, |x, y| x ^ y)
}

fn full_tally(c: &mut Criterion) {
    let mut group = c.benchmark_group("tally");
    group.sample_size(10);
    for n in sizes() {
        let data = scores(n);
        let expected = naive_counts(&data);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("cxmetrics", n), &data, |b, data| {
            b.iter(|| {
                let t = Tally::from_scores(Scale::NPS, black_box(data)).unwrap();
                assert_eq!(t.counts(), &expected[..]);
            });
        });
        group.bench_with_input(BenchmarkId::new("naive", n), &data, |b, data| {
            b.iter(|| assert_eq!(naive_counts(black_box(data)), expected));
        });
        group.bench_with_input(BenchmarkId::new("read", n), &data, |b, data| {
            b.iter(|| black_box(read_all(black_box(data))));
        });
    }
    group.finish();
}

fn string_keys(c: &mut Criterion) {
    let mut group = c.benchmark_group("segmented-strings-grouped");
    group.sample_size(10);
    let names: Vec<String> = (0..10_000).map(|i| format!("store-{i:05}")).collect();
    for n in sizes().into_iter().filter(|&n| n <= 10_000_000) {
        let data = scores(n);
        // Grouped input: runs of one key, as sorted exports come.
        let owned: Vec<String> = (0..n).map(|i| names[i * 10_000 / n].clone()).collect();
        let borrowed: Vec<&str> = owned.iter().map(String::as_str).collect();
        let interned: Vec<&str> = (0..n).map(|i| names[i * 10_000 / n].as_str()).collect();
        let expected = naive_counts(&data);
        group.throughput(Throughput::Elements(n as u64));
        for (name, keys) in [("borrowed", &borrowed), ("interned", &interned)] {
            group.bench_with_input(BenchmarkId::new(name, n), &data, |b, data| {
                b.iter(|| {
                    let mut seg = Segmented::new(Scale::NPS);
                    seg.extend_scores(black_box(keys), black_box(data)).unwrap();
                    assert_eq!(seg.total().unwrap().counts(), &expected[..]);
                });
            });
        }
        group.bench_with_input(BenchmarkId::new("owned", n), &data, |b, data| {
            b.iter(|| {
                let mut seg = Segmented::new(Scale::NPS);
                seg.extend_scores(black_box(&owned), black_box(data))
                    .unwrap();
                assert_eq!(seg.len(), 10_000.min(n));
            });
        });
    }
    group.finish();
}

fn grouped_core(c: &mut Criterion) {
    let mut group = c.benchmark_group("grouped");
    group.sample_size(10);
    for n in sizes().into_iter().filter(|&n| n <= 10_000_000) {
        let data = scores(n);
        let ids: Vec<usize> = values(n, 100, 2).map(|v| v as usize).collect();
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("cxmetrics", n), &data, |b, data| {
            b.iter(|| {
                let mut g = GroupedTally::with_groups(Scale::NPS, 100).unwrap();
                g.extend_scores(black_box(&ids), black_box(data)).unwrap();
                black_box(g.n(42));
            });
        });
        group.bench_with_input(BenchmarkId::new("naive", n), &data, |b, data| {
            b.iter(|| {
                let mut counts = vec![[0u64; 11]; 100];
                for (&k, &s) in black_box(&ids).iter().zip(black_box(data).iter()) {
                    counts[k][usize::from(s)] += 1;
                }
                black_box(counts[42][9]);
            });
        });
    }
    group.finish();
}

fn nps_only(c: &mut Criterion) {
    let mut group = c.benchmark_group("nps");
    group.sample_size(10);
    for n in sizes() {
        let data = scores(n);
        let counts = naive_counts(&data);
        let (p, d) = (counts[9] + counts[10], counts[..7].iter().sum::<u64>());
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("cxmetrics", n), &data, |b, data| {
            b.iter(|| {
                let nps = Nps::from_scores(black_box(data)).unwrap();
                assert_eq!((nps.promoters(), nps.detractors()), (p, d));
            });
        });
        group.bench_with_input(BenchmarkId::new("naive", n), &data, |b, data| {
            b.iter(|| {
                let c = naive_counts(black_box(data));
                assert_eq!((c[9] + c[10], c[..7].iter().sum::<u64>()), (p, d));
            });
        });
    }
    group.finish();
}

fn segmented(c: &mut Criterion) {
    let mut group = c.benchmark_group("segmented");
    group.sample_size(10);
    for n in sizes() {
        let data = scores(n);
        let keys: Vec<u16> = values(n, 100, 2).map(|v| v as u16).collect();
        let mut expected = vec![[0u64; 11]; 100];
        for (&k, &s) in keys.iter().zip(&data) {
            expected[usize::from(k)][usize::from(s)] += 1;
        }
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(
            BenchmarkId::new("cxmetrics", n),
            &(&keys, &data),
            |b, (keys, data)| {
                b.iter(|| {
                    let mut seg = Segmented::new(Scale::NPS);
                    seg.extend_scores(black_box(keys), black_box(data)).unwrap();
                    assert_eq!(seg.len(), 100);
                    assert_eq!(seg.get(&42).unwrap().counts(), &expected[42][..]);
                });
            },
        );
        group.bench_with_input(
            BenchmarkId::new("naive", n),
            &(&keys, &data),
            |b, (keys, data)| {
                b.iter(|| {
                    let mut counts = vec![[0u64; 11]; 100];
                    for (&k, &s) in black_box(keys).iter().zip(black_box(data).iter()) {
                        counts[usize::from(k)][usize::from(s)] += 1;
                    }
                    assert_eq!(counts[42], expected[42]);
                });
            },
        );
    }
    group.finish();
}

fn weighted(c: &mut Criterion) {
    let mut group = c.benchmark_group("weighted");
    group.sample_size(10);
    for n in sizes() {
        let data = scores(n);
        let weights: Vec<f64> = values(n, 1000, 3)
            .map(|v| 0.5 + v as f64 / 1000.0)
            .collect();
        let counts = naive_counts(&data);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(
            BenchmarkId::new("cxmetrics", n),
            &(&data, &weights),
            |b, (data, weights)| {
                b.iter(|| {
                    let mut t = Tally::new(Scale::NPS);
                    t.extend_weighted_scores(black_box(data), black_box(weights))
                        .unwrap();
                    assert_eq!(t.counts(), &counts[..]);
                });
            },
        );
        group.bench_with_input(
            BenchmarkId::new("naive", n),
            &(&data, &weights),
            |b, (data, weights)| {
                b.iter(|| {
                    let mut c = [0u64; 11];
                    let mut w = [0.0f64; 11];
                    let mut w2 = [0.0f64; 11];
                    for (&s, &x) in black_box(data).iter().zip(black_box(weights).iter()) {
                        let i = usize::from(s);
                        c[i] += 1;
                        w[i] += x;
                        w2[i] += x * x;
                    }
                    assert_eq!(c, counts);
                    black_box((w, w2));
                });
            },
        );
    }
    group.finish();
}

/// The weighted `GROUP BY` path as a SQL engine drives it: 10^7 answers in
/// batches of 8,192 (group indices, `u8` scores, `f64` weights) into a
/// `GroupedTally` of 8 and of 100 groups, beside the engine's own
/// `SUM(weight) GROUP BY` accumulate (one `f64` per group, one add per row)
/// and a naive per-cell count, Σw and Σw² loop.
fn grouped_weighted(c: &mut Criterion) {
    let mut group = c.benchmark_group("grouped-weighted");
    group.sample_size(10);
    let n = 10_000_000usize.min(*sizes().last().unwrap_or(&1_000_000));
    let data = scores(n);
    let weights: Vec<f64> = values(n, 1000, 3)
        .map(|v| 0.5 + v as f64 / 1000.0)
        .collect();
    group.throughput(Throughput::Elements(n as u64));
    for keys in [8usize, 100] {
        let ids: Vec<usize> = values(n, keys as u64, 2).map(|v| v as usize).collect();
        let batches = || {
            ids.chunks(8192)
                .zip(data.chunks(8192))
                .zip(weights.chunks(8192))
        };
        group.bench_function(BenchmarkId::new("cxmetrics", keys), |b| {
            b.iter(|| {
                let mut g = GroupedTally::with_groups(Scale::NPS, keys).unwrap();
                for ((k, s), w) in batches() {
                    g.extend_weighted_scores(black_box(k), black_box(s), black_box(w))
                        .unwrap();
                }
                black_box(g.n(keys - 1));
            });
        });
        group.bench_function(BenchmarkId::new("sum_weight", keys), |b| {
            b.iter(|| {
                let mut sums = vec![0.0f64; keys];
                for ((k, _), w) in batches() {
                    for (&g, &x) in black_box(k).iter().zip(black_box(w)) {
                        sums[g] += x;
                    }
                }
                black_box(sums[keys - 1]);
            });
        });
        group.bench_function(BenchmarkId::new("naive", keys), |b| {
            b.iter(|| {
                let mut cells = vec![(0u64, 0.0f64, 0.0f64); keys * 11];
                for ((k, s), w) in batches() {
                    for ((&g, &s), &x) in black_box(k).iter().zip(black_box(s)).zip(black_box(w)) {
                        let c = &mut cells[g * 11 + usize::from(s)];
                        c.0 += 1;
                        c.1 += x;
                        c.2 += x * x;
                    }
                }
                black_box(cells[keys * 11 - 1]);
            });
        });
    }
    group.finish();
}

criterion_group!(
    benches,
    full_tally,
    nps_only,
    segmented,
    weighted,
    string_keys,
    grouped_core,
    grouped_weighted
);
criterion_main!(benches);
