//! Survey ingestion in rows per second: 10^6 text rows of three questions
//! (a date, a channel, a weight, NPS as numbers and endpoint labels, CSAT
//! and CES as words) read with the `csv` crate and counted into a
//! `Survey`, beside the baseline that only splits the same rows into cells
//! (the cost of reading the export at all).
//!
//! Run with `cargo bench --bench survey`; `CXMETRICS_BENCH_ROWS` sets the
//! number of rows (10^6 unless told).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use cxmetrics::survey::{MissingWeight, Survey};
use cxmetrics::{PeriodUnit, Scale};

const SAT: [&str; 5] = [
    "Very dissatisfied",
    "Dissatisfied",
    "Neither satisfied nor dissatisfied",
    "Satisfied",
    "Very satisfied",
];
const AGREE: [&str; 7] = [
    "Strongly disagree",
    "Disagree",
    "Somewhat disagree",
    "Neither agree nor disagree",
    "Somewhat agree",
    "Agree",
    "Strongly agree",
];
const CHANNELS: [&str; 4] = ["Web", "App", "Phone", "Store"];

/// A deterministic export of `n` rows (a 64-bit LCG; no RNG dependency).
fn export(n: usize) -> String {
    let mut state = 7u64;
    let mut next = |m: u64| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % m
    };
    let mut out = String::from("date,channel,weight,nps,csat,ces\n");
    for _ in 0..n {
        let nps = match next(11) {
            0 => "0 - Not at all likely".to_string(),
            10 => "10 - Extremely likely".to_string(),
            x => x.to_string(),
        };
        out.push_str(&format!(
            "2026-{:02}-{:02} {:02}:{:02}:00,{},{}.{:03},{nps},{},{}\n",
            1 + next(12),
            1 + next(28),
            next(24),
            next(60),
            CHANNELS[next(4) as usize],
            next(3),
            next(1000),
            SAT[next(5) as usize],
            AGREE[next(7) as usize],
        ));
    }
    out
}

fn rows() -> usize {
    std::env::var("CXMETRICS_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000)
}

fn survey() -> Survey {
    Survey::builder()
        .header(["date", "channel", "weight", "nps", "csat", "ces"])
        .period("date", PeriodUnit::Month)
        .group("channel")
        .weight("weight", MissingWeight::Reject)
        .nps("nps")
        .csat("csat", Scale::CSAT_5)
        .ces("ces", Scale::CES_7)
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

fn ingest(c: &mut Criterion) {
    let n = rows();
    let text = export(n);
    let mut group = c.benchmark_group("survey ingest");
    group.throughput(Throughput::Elements(n as u64));
    group.sample_size(10);
    // Baseline: split every row into cells and touch each cell.
    group.bench_function("csv split only (baseline)", |b| {
        b.iter(|| {
            let mut reader = csv::Reader::from_reader(black_box(text.as_bytes()));
            let mut record = csv::StringRecord::new();
            let mut bytes = 0usize;
            while reader.read_record(&mut record).unwrap_or(false) {
                for cell in &record {
                    bytes += cell.len();
                }
            }
            black_box(bytes)
        });
    });
    group.bench_function("csv split + Survey::push_row", |b| {
        b.iter(|| {
            let mut reader = csv::Reader::from_reader(black_box(text.as_bytes()));
            let mut record = csv::StringRecord::new();
            let mut s = survey();
            while reader.read_record(&mut record).unwrap_or(false) {
                s.push_row(&record);
            }
            assert_eq!(s.report().accepted() as usize, n);
            black_box(s.report().rows())
        });
    });
    group.finish();
}

criterion_group!(benches, ingest);
criterion_main!(benches);
