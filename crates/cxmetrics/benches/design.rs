//! The cost of design-based statistics: a linearized estimate from a
//! weighted tally, raking 100 cells over two margins to 10⁻¹⁰, and a
//! domain estimate and a design-based difference of two domains from the
//! tallies of 10⁶ respondents (10 strata × 100 clusters × 12 domains,
//! 12,000 cells, built once outside the timed loop) beside a naive
//! baseline that re-reads the respondents.
//!
//! Run with `cargo bench --bench design`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use cxmetrics::complex::{DesignKey, PointValues, Statistic, SurveyDesign};
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

/// 10⁶ respondents: (score, weight, stratum, cluster, domain).
struct Respondents {
    scores: Vec<u8>,
    weights: Vec<f64>,
    keys: Vec<DesignKey>,
}

fn respondents(n: usize) -> Respondents {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut r = Respondents {
        scores: Vec::with_capacity(n),
        weights: Vec::with_capacity(n),
        keys: Vec::with_capacity(n),
    };
    for _ in 0..n {
        let x = next();
        r.scores.push((x % 11) as u8);
        r.weights.push(0.5 + ((x >> 8) % 1000) as f64 / 400.0);
        r.keys.push(
            DesignKey::new()
                .stratum((x >> 20) % 10)
                .cluster((x >> 30) % 100)
                .domain((x >> 40) % 12),
        );
    }
    r
}

/// NPS value of a 0–10 score.
fn g(x: u8) -> f64 {
    match x {
        9..=10 => 100.0,
        7..=8 => 0.0,
        _ => -100.0,
    }
}

/// The naive linearized variance of the influence values `z` (one per
/// respondent, re-read every time): Σ_h m_h/(m_h − 1) Σ_c (Z_c − Z̄_h)².
fn naive_variance(r: &Respondents, z: impl Fn(usize) -> f64) -> f64 {
    let mut totals = vec![[0.0f64; 100]; 10];
    for (i, k) in r.keys.iter().enumerate() {
        totals[k.stratum as usize][k.cluster.unwrap_or(0) as usize] += z(i);
    }
    totals
        .iter()
        .map(|t| {
            let m = t.len() as f64;
            let mean = t.iter().sum::<f64>() / m;
            m / (m - 1.0) * t.iter().map(|x| (x - mean).powi(2)).sum::<f64>()
        })
        .sum()
}

/// The naive domain mean: (ȳ, W).
fn naive_mean(r: &Respondents, d: u64) -> (f64, f64) {
    let (mut w, mut wy) = (0.0, 0.0);
    for ((k, &x), &wi) in r.keys.iter().zip(&r.scores).zip(&r.weights) {
        if k.domain == d {
            w += wi;
            wy += wi * g(x);
        }
    }
    (wy / w, w)
}

fn million(c: &mut Criterion) {
    let r = respondents(1_000_000);
    let mut d = SurveyDesign::new(Scale::NPS);
    d.extend(&r.scores, &r.weights, &r.keys).unwrap();
    let nps = PointValues::new(Scale::NPS, Statistic::Nps).unwrap();
    let mut group = c.benchmark_group("design/1e6_respondents");
    group.sample_size(10);
    group.bench_function("tallies/domain_estimate", |b| {
        b.iter(|| black_box(&d).estimate(&nps, Some(3)).unwrap())
    });
    group.bench_function("tallies/domain_difference", |b| {
        b.iter(|| black_box(&d).difference(&nps, 3, 4, 0.95).unwrap())
    });
    group.bench_function("naive/domain_estimate", |b| {
        b.iter(|| {
            let r = black_box(&r);
            let (m, w) = naive_mean(r, 3);
            let z = |i: usize| {
                if r.keys[i].domain == 3 {
                    r.weights[i] * (g(r.scores[i]) - m) / w
                } else {
                    0.0
                }
            };
            (m, naive_variance(r, z).sqrt())
        })
    });
    group.bench_function("naive/domain_difference", |b| {
        b.iter(|| {
            let r = black_box(&r);
            let (ma, wa) = naive_mean(r, 3);
            let (mb, wb) = naive_mean(r, 4);
            let z = |i: usize| match r.keys[i].domain {
                3 => r.weights[i] * (g(r.scores[i]) - ma) / wa,
                4 => -r.weights[i] * (g(r.scores[i]) - mb) / wb,
                _ => 0.0,
            };
            (ma - mb, naive_variance(r, z).sqrt())
        })
    });
    group.finish();
}

criterion_group!(benches, design, million);
criterion_main!(benches);
