//! The `nps` aggregate under GROUP BY over 10^7 in-memory rows, beside
//! DataFusion's own `SUM(CASE WHEN …)` formulation of NPS and a bare
//! `COUNT(*)` with the same GROUP BY, in the same run, for string keys
//! (8 channels) and small-integer keys (100 values).
//!
//! Run with `cargo bench -p cxmetrics-datafusion --bench groupby`.
//! `CXMETRICS_DF_BENCH_ROWS` sets the row count (default 10^7).

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use datafusion::arrow::array::{ArrayRef, Int32Array, Int64Array, RecordBatch, StringArray};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::datasource::MemTable;
use datafusion::prelude::{SessionConfig, SessionContext};

fn rows() -> usize {
    std::env::var("CXMETRICS_DF_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000_000)
}

/// A table of `n` rows in 2 partitions of 8192-row batches.
fn table(n: usize) -> MemTable {
    let schema = Arc::new(Schema::new(vec![
        Field::new("channel", DataType::Utf8, false),
        Field::new("store", DataType::Int32, false),
        Field::new("score", DataType::Int64, false),
    ]));
    let channels = [
        "web", "app", "email", "phone", "chat", "store", "social", "sms",
    ];
    let mut state = 1u64;
    let mut next = move |m: u64| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % m
    };
    let mut parts = vec![vec![], vec![]];
    let mut done = 0;
    let mut i = 0;
    while done < n {
        let len = 8192.min(n - done);
        let ch: Vec<&str> = (0..len).map(|_| channels[next(8) as usize]).collect();
        let st: Vec<i32> = (0..len).map(|_| next(100) as i32).collect();
        let sc: Vec<i64> = (0..len).map(|_| next(11) as i64).collect();
        let cols: Vec<ArrayRef> = vec![
            Arc::new(StringArray::from(ch)),
            Arc::new(Int32Array::from(st)),
            Arc::new(Int64Array::from(sc)),
        ];
        parts[i % 2].push(RecordBatch::try_new(schema.clone(), cols).unwrap());
        done += len;
        i += 1;
    }
    MemTable::try_new(schema, parts).unwrap()
}

fn bench(c: &mut Criterion) {
    let n = rows();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    let mut ctx = SessionContext::new_with_config(SessionConfig::new().with_target_partitions(2));
    cxmetrics_datafusion::register(&mut ctx).unwrap();
    ctx.register_table("t", Arc::new(table(n))).unwrap();
    for key in ["channel", "store"] {
        let queries = [
            (
                "nps_udaf",
                format!("SELECT {key}, nps(score) FROM t GROUP BY {key}"),
            ),
            (
                "sum_case",
                format!(
                    "SELECT {key}, (SUM(CASE WHEN score >= 9 THEN 1 ELSE 0 END) \
                     - SUM(CASE WHEN score <= 6 THEN 1 ELSE 0 END)) * 100.0 / COUNT(score) \
                     FROM t GROUP BY {key}"
                ),
            ),
            (
                "count_star",
                format!("SELECT {key}, COUNT(*) FROM t GROUP BY {key}"),
            ),
        ];
        let mut group = c.benchmark_group(format!("groupby_{key}"));
        group.throughput(Throughput::Elements(n as u64));
        group.sample_size(20);
        for (name, sql) in &queries {
            // The plan is made once; each iteration executes it.
            let df = rt.block_on(ctx.sql(sql)).unwrap();
            group.bench_function(*name, |b| {
                b.iter(|| black_box(rt.block_on(df.clone().collect()).unwrap()));
            });
        }
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
