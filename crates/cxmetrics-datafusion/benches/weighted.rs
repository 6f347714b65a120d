//! The SQL functions on a Parquet file, beside DataFusion's own aggregates
//! over the same columns and keys, in one run: what an analyst runs.
//!
//! The file (10^7 answers by default; `CXMETRICS_SQL_BENCH_ROWS` sets the
//! count) has an `Int8` score, the same score with 5% NULLs, 8 string
//! channels, 100 integer stores, and an `f64` and an `f32` weight. It is
//! written once to `CXMETRICS_SQL_BENCH_FILE` (default: the system's
//! temporary folder) and reused. For each key the bench measures, with 2
//! partitions and 2 threads:
//!
//! - `nps` — `nps(score)`, beside `count` (`COUNT(score)`) and `plain`
//!   (NPS written as `SUM(CASE …)`);
//! - `nps_weighted` — `nps(score, weight)`, beside `sum_weight`
//!   (`SUM(weight)`), `sum_weight_count` (`SUM(weight), COUNT(score)`:
//!   the same two columns read) and `plain_weighted`;
//! - `nps_weighted_f32` (an `f32` weight column) and `nps_weighted_nulls`
//!   (NULL scores among the answers), for the profile.
//!
//! Run with `cargo bench -p cxmetrics-datafusion --bench weighted`, then
//! `python3 crates/cxmetrics-datafusion/benches/duckdb_ratios.py`, which
//! runs the same queries in DuckDB on the same file and prints the ratios
//! of the targets from Criterion's medians (see the README).

use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use datafusion::arrow::array::{
    ArrayRef, Float32Array, Float64Array, Int8Array, Int32Array, RecordBatch, StringArray,
};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::prelude::{ParquetReadOptions, SessionConfig, SessionContext};

fn rows() -> usize {
    std::env::var("CXMETRICS_SQL_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000_000)
}

/// Where the Parquet file lives (the DuckDB script uses the same rule).
fn path(n: usize) -> PathBuf {
    std::env::var_os("CXMETRICS_SQL_BENCH_FILE")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join(format!("cxmetrics-sql-bench-{n}.parquet")))
}

/// Writes `n` answers in row groups of 2^20 rows (batches of 8,192).
fn write(n: usize, path: &PathBuf) {
    let schema = Arc::new(Schema::new(vec![
        Field::new("channel", DataType::Utf8, false),
        Field::new("store", DataType::Int32, false),
        Field::new("score", DataType::Int8, false),
        Field::new("score_na", DataType::Int8, true),
        Field::new("weight", DataType::Float64, false),
        Field::new("weight32", DataType::Float32, false),
    ]));
    let channels = [
        "web", "app", "email", "phone", "chat", "store", "social", "sms",
    ];
    let mut state = 7u64;
    let mut next = move |m: u64| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % m
    };
    let tmp = path.with_extension("partial");
    let file = std::fs::File::create(&tmp).expect("create the bench file");
    let mut writer = ArrowWriter::try_new(file, schema.clone(), None).expect("parquet writer");
    let mut done = 0;
    while done < n {
        let len = 8192.min(n - done);
        let ch: Vec<&str> = (0..len).map(|_| channels[next(8) as usize]).collect();
        let st: Vec<i32> = (0..len).map(|_| next(100) as i32).collect();
        let sc: Vec<i8> = (0..len).map(|_| next(11) as i8).collect();
        let na: Vec<Option<i8>> = sc.iter().map(|&s| (next(20) != 0).then_some(s)).collect();
        // Design weights from 0.2 to 5, as a raked sample's.
        let w: Vec<f64> = (0..len)
            .map(|_| 0.2 + next(4_801) as f64 / 1000.0)
            .collect();
        let w32: Vec<f32> = w.iter().map(|&x| x as f32).collect();
        let cols: Vec<ArrayRef> = vec![
            Arc::new(StringArray::from(ch)),
            Arc::new(Int32Array::from(st)),
            Arc::new(Int8Array::from(sc)),
            Arc::new(Int8Array::from(na)),
            Arc::new(Float64Array::from(w)),
            Arc::new(Float32Array::from(w32)),
        ];
        writer
            .write(&RecordBatch::try_new(schema.clone(), cols).expect("batch"))
            .expect("write a batch");
        done += len;
    }
    writer.close().expect("close the parquet file");
    std::fs::rename(&tmp, path).expect("move the bench file into place");
}

/// The queries of one key, by name: the crate's functions and DataFusion's
/// own aggregates over the same columns.
fn queries(key: &str) -> Vec<(&'static str, String)> {
    let plain = |w: &str, n: &str| {
        format!(
            "SELECT {key}, (SUM(CASE WHEN score >= 9 THEN {w} ELSE 0 END) \
             - SUM(CASE WHEN score <= 6 THEN {w} ELSE 0 END)) * 100.0 / {n} \
             FROM t GROUP BY {key}"
        )
    };
    vec![
        (
            "nps",
            format!("SELECT {key}, nps(score) FROM t GROUP BY {key}"),
        ),
        (
            "count",
            format!("SELECT {key}, COUNT(score) FROM t GROUP BY {key}"),
        ),
        ("plain", plain("1", "COUNT(score)")),
        (
            "nps_weighted",
            format!("SELECT {key}, nps(score, weight) FROM t GROUP BY {key}"),
        ),
        (
            "sum_weight",
            format!("SELECT {key}, SUM(weight) FROM t GROUP BY {key}"),
        ),
        (
            "sum_weight_count",
            format!("SELECT {key}, SUM(weight), COUNT(score) FROM t GROUP BY {key}"),
        ),
        ("plain_weighted", plain("weight", "SUM(weight)")),
        (
            "nps_weighted_f32",
            format!("SELECT {key}, nps(score, weight32) FROM t GROUP BY {key}"),
        ),
        (
            "nps_weighted_nulls",
            format!("SELECT {key}, nps(score_na, weight) FROM t GROUP BY {key}"),
        ),
    ]
}

fn bench(c: &mut Criterion) {
    let n = rows();
    let file = path(n);
    if !file.exists() {
        write(n, &file);
    }
    eprintln!("bench file: {}", file.display());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .expect("tokio runtime");
    let mut ctx = SessionContext::new_with_config(SessionConfig::new().with_target_partitions(2));
    cxmetrics_datafusion::register(&mut ctx).expect("register the functions");
    rt.block_on(ctx.register_parquet(
        "t",
        file.to_str().expect("a UTF-8 path"),
        ParquetReadOptions::default(),
    ))
    .expect("register the file");
    for key in ["channel", "store"] {
        let mut group = c.benchmark_group(format!("sql_{key}"));
        group.throughput(Throughput::Elements(n as u64));
        group.sample_size(10);
        for (name, sql) in queries(key) {
            // The plan is made once; each iteration executes it.
            let df = rt.block_on(ctx.sql(&sql)).expect("plan");
            group.bench_function(name, |b| {
                b.iter(|| black_box(rt.block_on(df.clone().collect()).expect("run")));
            });
        }
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
