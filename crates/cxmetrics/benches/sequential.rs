//! The cost of one update of each confidence sequence, always-valid
//! comparison and change chart from a tally (nanoseconds per call): what a
//! live dashboard pays per refresh, whatever the number of answers.
//!
//! Run with `cargo bench --bench sequential`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use cxmetrics::monitor::{
    self, Baseline, ChangeMonitor, Chart, ChartScore, CusumDesign, EwmaDesign,
};
use cxmetrics::sequential::{self, BoundedSample, SequenceMethod, SequenceSpec};
use cxmetrics::{ConfidenceLevel, Scale, Tally};

const METHODS: [(&str, SequenceMethod); 3] = [
    ("beta_binomial", SequenceMethod::BetaBinomial),
    ("sub_gaussian", SequenceMethod::SubGaussian),
    ("asymptotic", SequenceMethod::Asymptotic),
];

fn sequences(c: &mut Criterion) {
    let spec = SequenceSpec::new(ConfidenceLevel::P95, 10_000.0).unwrap();
    let nps_small = Tally::from_counts(
        Scale::NPS,
        &[30, 20, 25, 40, 45, 60, 80, 150, 170, 210, 240],
    )
    .unwrap();
    let nps_big = Tally::from_counts(
        Scale::NPS,
        &[
            3_000_000, 2_000_000, 2_500_000, 4_000_000, 4_500_000, 6_000_000, 8_000_000,
            15_000_000, 17_000_000, 21_000_000, 24_000_000,
        ],
    )
    .unwrap();
    let csat = Tally::from_counts(Scale::CSAT_5, &[40, 60, 150, 400, 350]).unwrap();

    let mut group = c.benchmark_group("sequence");
    for (name, method) in METHODS {
        let sp = spec.method(method);
        group.bench_function(format!("nps/{name}/n=1070"), |b| {
            b.iter(|| monitor::nps(black_box(&nps_small), &sp).unwrap())
        });
        group.bench_function(format!("nps/{name}/n=1.07e8"), |b| {
            b.iter(|| monitor::nps(black_box(&nps_big), &sp).unwrap())
        });
        group.bench_function(format!("top_box/{name}/n=1000"), |b| {
            b.iter(|| monitor::top_box(black_box(&csat), 2, &sp).unwrap())
        });
        group.bench_function(format!("mean/{name}/n=1000"), |b| {
            b.iter(|| monitor::mean(black_box(&csat), &sp).unwrap())
        });
        // The sequence alone, from counts (no fixed-n interval beside it).
        group.bench_function(format!("counts_only/nps/{name}"), |b| {
            b.iter(|| sequential::nps(black_box(450), black_box(300), black_box(250), &sp).unwrap())
        });
    }
    group.bench_function("compare_nps/msprt+exact/n=1070", |b| {
        b.iter(|| monitor::compare_nps(black_box(&nps_small), black_box(&nps_big), &spec).unwrap())
    });
    let (a, bb) = (
        BoundedSample::bernoulli(620, 1000).unwrap(),
        BoundedSample::bernoulli(540, 1000).unwrap(),
    );
    group.bench_function("difference/share", |b| {
        b.iter(|| sequential::difference(black_box(&a), black_box(&bb), &spec).unwrap())
    });
    group.finish();

    let mut group = c.benchmark_group("chart");
    let baseline = Baseline::from_tally(ChartScore::Nps, &nps_big).unwrap();
    for (name, chart) in [
        (
            "cusum",
            Chart::Cusum(CusumDesign::for_arl0(370.0, 0.5).unwrap()),
        ),
        (
            "ewma",
            Chart::Ewma(EwmaDesign::for_arl0(370.0, 0.2).unwrap()),
        ),
    ] {
        let mut m = ChangeMonitor::new(ChartScore::Nps, baseline, chart).unwrap();
        let mut period = 0i64;
        group.bench_function(format!("{name}/observe_tally"), |b| {
            b.iter(|| {
                period += 1;
                m.observe(period, black_box(&nps_small)).unwrap()
            })
        });
    }
    group.bench_function("cusum/design_for_arl0", |b| {
        b.iter(|| CusumDesign::for_arl0(black_box(370.0), 0.5).unwrap())
    });
    group.bench_function("ewma/design_for_arl0", |b| {
        b.iter(|| EwmaDesign::for_arl0(black_box(370.0), 0.2).unwrap())
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(std::time::Duration::from_millis(300))
        .measurement_time(std::time::Duration::from_secs(1));
    targets = sequences
}
criterion_main!(benches);
