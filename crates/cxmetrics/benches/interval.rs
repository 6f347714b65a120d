//! The cost of each interval, computed from a tally (nanoseconds per call).
//!
//! Run with `cargo bench --bench interval`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use cxmetrics::compare;
use cxmetrics::interval::{NpsMethod, ProportionMethod};
use cxmetrics::{ConfidenceLevel, Mean, Nps, Scale, Tally, TopBox};

fn intervals(c: &mut Criterion) {
    let level = ConfidenceLevel::P95;
    let nps_tally = Tally::from_counts(
        Scale::NPS,
        &[30, 20, 25, 40, 45, 60, 80, 150, 170, 210, 240],
    )
    .unwrap();
    let csat = Tally::from_counts(Scale::CSAT_5, &[40, 60, 150, 400, 350]).unwrap();
    let big = Tally::from_counts(
        Scale::CSAT_5,
        &[400_000, 600_000, 1_500_000, 4_000_000, 3_500_000],
    )
    .unwrap();

    let mut group = c.benchmark_group("interval");
    for (name, method) in [
        ("wald", ProportionMethod::Wald),
        ("wilson", ProportionMethod::Wilson),
        ("wilson_cc", ProportionMethod::WilsonCc),
        ("agresti_coull", ProportionMethod::AgrestiCoull),
        ("clopper_pearson", ProportionMethod::ClopperPearson),
        ("jeffreys", ProportionMethod::Jeffreys),
    ] {
        group.bench_function(format!("top_box/{name}/n=1000"), |b| {
            b.iter(|| {
                TopBox::top(black_box(&csat), 2)
                    .unwrap()
                    .estimate_with(method, level)
                    .unwrap()
            })
        });
    }
    for name in ["clopper_pearson", "jeffreys"] {
        let method = if name == "jeffreys" {
            ProportionMethod::Jeffreys
        } else {
            ProportionMethod::ClopperPearson
        };
        group.bench_function(format!("top_box/{name}/n=10^7"), |b| {
            b.iter(|| {
                TopBox::top(black_box(&big), 2)
                    .unwrap()
                    .estimate_with(method, level)
                    .unwrap()
            })
        });
    }
    for (name, method) in [
        ("wald", NpsMethod::Wald),
        ("adjusted_wald", NpsMethod::AdjustedWald),
        ("trinomial_t", NpsMethod::TrinomialT),
        ("tango", NpsMethod::Tango),
        ("bayes", NpsMethod::Bayes),
    ] {
        group.bench_function(format!("nps/{name}"), |b| {
            b.iter(|| {
                Nps::from_tally(black_box(&nps_tally))
                    .unwrap()
                    .estimate_with(method, level)
                    .unwrap()
            })
        });
    }
    // The iterative NPS intervals (issue target: under 50 µs each) at a
    // small, a typical and a large sample.
    for (p, a, d) in [
        (7, 2, 1),
        (60, 25, 15),
        (2500, 1500, 1000),
        (480_000, 20_000, 0),
    ] {
        let nps = Nps::from_counts(p, a, d).unwrap();
        for (name, method) in [("tango", NpsMethod::Tango), ("bayes", NpsMethod::Bayes)] {
            group.bench_function(format!("nps/{name}/n={}", p + a + d), |b| {
                b.iter(|| black_box(&nps).estimate_with(method, level).unwrap())
            });
        }
    }
    group.bench_function("mean/student_t", |b| {
        b.iter(|| {
            Mean::from_tally(black_box(&csat))
                .unwrap()
                .estimate(level)
                .unwrap()
        })
    });
    let a = Mean::from_tally(&csat).unwrap();
    let bm = Mean::from_tally(&big).unwrap();
    group.bench_function("compare/welch_t", |b| {
        b.iter(|| compare::means(black_box(&a), black_box(&bm), level).unwrap())
    });
    let ta = TopBox::top(&csat, 2).unwrap();
    let tb = TopBox::top(&big, 2).unwrap();
    group.bench_function("compare/two_proportion_newcombe", |b| {
        b.iter(|| compare::top_box(black_box(&ta), black_box(&tb), level).unwrap())
    });
    group.finish();
}

criterion_group!(benches, intervals);
criterion_main!(benches);
