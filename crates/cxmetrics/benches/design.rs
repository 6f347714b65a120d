//! The cost of design-based statistics: a linearized estimate from a
//! weighted tally, and raking 100 cells over two margins to 10⁻¹⁰.
//!
//! Run with `cargo bench --bench design`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use cxmetrics::design::{Linearized, RakeOptions, rake};
use cxmetrics::interval::{NpsMethod, ProportionMethod};
use cxmetrics::segment::Score;
use cxmetrics::{ConfidenceLevel, Nps, Response, Scale, Segmented, Tally, TopBox, Weight};

/// A deterministic weight in 0.2..5.
fn weight(i: u64) -> f64 {
    let x = i
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407);
    0.2 + 4.8 * ((x >> 11) as f64 / (1u64 << 53) as f64)
}

fn design(c: &mut Criterion) {
    let level = ConfidenceLevel::P95;
    let mut nps = Tally::new(Scale::NPS);
    let mut csat = Tally::new(Scale::CSAT_5);
    for i in 0..2_000u64 {
        nps.push(Response::weighted(
            Scale::NPS.rating((i * 7 % 11) as u8).unwrap(),
            Weight::new(weight(i)).unwrap(),
        ))
        .unwrap();
        csat.push(Response::weighted(
            Scale::CSAT_5.rating(1 + (i * 3 % 5) as u8).unwrap(),
            Weight::new(weight(i + 7)).unwrap(),
        ))
        .unwrap();
    }

    let mut group = c.benchmark_group("design");
    group.bench_function("linearized/top_box/value_and_se", |b| {
        b.iter(|| {
            let lin = Linearized::from_tally(black_box(&csat), Score::top_box(2)).unwrap();
            (lin.value(), lin.std_error())
        })
    });
    group.bench_function("linearized/nps/value_and_se", |b| {
        b.iter(|| {
            let lin = Linearized::from_tally(black_box(&nps), Score::nps()).unwrap();
            (lin.value(), lin.std_error())
        })
    });
    group.bench_function("linearized/top_box/wilson", |b| {
        b.iter(|| {
            TopBox::top(black_box(&csat), 2)
                .unwrap()
                .estimate_with(ProportionMethod::Wilson, level)
                .unwrap()
        })
    });
    group.bench_function("linearized/top_box/clopper_pearson", |b| {
        b.iter(|| {
            TopBox::top(black_box(&csat), 2)
                .unwrap()
                .estimate_with(ProportionMethod::ClopperPearson, level)
                .unwrap()
        })
    });
    group.bench_function("linearized/nps/wald", |b| {
        b.iter(|| {
            Nps::from_tally(black_box(&nps))
                .unwrap()
                .estimate_with(NpsMethod::Wald, level)
                .unwrap()
        })
    });
    group.bench_function("linearized/mean", |b| {
        b.iter(|| {
            Linearized::from_tally(black_box(&csat), Score::Mean)
                .unwrap()
                .estimate(level)
                .unwrap()
        })
    });

    // 100 cells (10 channels × 10 regions), 20 answers each.
    let mut cells: Segmented<(u16, u16)> = Segmented::new(Scale::NPS);
    for i in 0..2_000u64 {
        let key = ((i % 10) as u16, (i / 10 % 10) as u16);
        let r = Scale::NPS.rating((i * 7 % 11) as u8).unwrap();
        cells
            .push(key, Response::weighted(r, Weight::new(weight(i)).unwrap()))
            .unwrap();
    }
    let rows: Vec<(u16, f64)> = (0..10)
        .map(|r| (r, 1_000.0 + 100.0 * f64::from(r)))
        .collect();
    let grand: f64 = rows.iter().map(|r| r.1).sum();
    let cols: Vec<(u16, f64)> = (0..10)
        .map(|c| (c, grand * (1.0 + f64::from(c)) / 55.0))
        .collect();
    let margins = [rows, cols];
    let options = RakeOptions::default().epsilon(1e-10);
    group.bench_function("rake/100_cells/2_margins/1e-10", |b| {
        b.iter(|| rake(black_box(&cells), &margins, options).unwrap())
    });
    let raked = rake(&cells, &margins, options).unwrap();
    group.bench_function("raked_se/100_cells/nps", |b| {
        b.iter(|| black_box(&raked).linearized(Score::nps()).unwrap())
    });
    group.finish();
}

criterion_group!(benches, design);
criterion_main!(benches);
