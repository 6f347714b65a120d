//! The SQL functions on an in-process Ballista cluster (a scheduler and an
//! executor): the same results as one DataFusion process, bit for bit, and
//! as the core crate.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use cxmetrics::{Mean, Nps, Response, Scale, Tally, TopBox, Weight};
use datafusion::arrow::array::{
    Array, ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray,
};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::prelude::{ParquetReadOptions, SessionConfig, SessionContext};

/// Writes `files` Parquet files of random answers (NULLs, dyadic weights,
/// which add up exactly in any order) and returns the folder and the
/// core's tallies per channel (unweighted, weighted) on `scale`.
fn write_answers(
    name: &str,
    files: usize,
    rows: usize,
) -> (PathBuf, Vec<(String, i64, f64, bool)>) {
    let dir =
        std::env::temp_dir().join(format!("cxmetrics-ballista-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let schema = Arc::new(Schema::new(vec![
        Field::new("channel", DataType::Utf8, false),
        Field::new("score", DataType::Int64, true),
        Field::new("weight", DataType::Float64, false),
    ]));
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_F491_4F6C_DD1D)
    };
    let mut all = vec![];
    for f in 0..files {
        let mut ch = vec![];
        let mut sc = vec![];
        let mut w = vec![];
        for _ in 0..rows {
            let c = format!("ch{}", next() % 5);
            let null = next() % 10 == 0;
            let s = (next() % 11) as i64;
            let weight = (1 + next() % 16) as f64 / 4.0;
            all.push((c.clone(), s, weight, null));
            ch.push(c);
            sc.push((!null).then_some(s));
            w.push(weight);
        }
        let columns: Vec<ArrayRef> = vec![
            Arc::new(StringArray::from(ch)),
            Arc::new(Int64Array::from(sc)),
            Arc::new(Float64Array::from(w)),
        ];
        let batch = RecordBatch::try_new(schema.clone(), columns).unwrap();
        let file = std::fs::File::create(dir.join(format!("part-{f}.parquet"))).unwrap();
        let mut writer = ArrowWriter::try_new(file, schema.clone(), None).unwrap();
        writer.write(&batch).unwrap();
        writer.close().unwrap();
    }
    (dir, all)
}

fn core_tallies(rows: &[(String, i64, f64, bool)], weighted: bool) -> BTreeMap<String, Tally> {
    let mut out: BTreeMap<String, Tally> = BTreeMap::new();
    for (c, s, w, null) in rows {
        let t = out
            .entry(c.clone())
            .or_insert_with(|| Tally::new(Scale::NPS));
        let r = if *null {
            Response::NotApplicable
        } else if weighted {
            Response::weighted(Scale::NPS.rating(*s).unwrap(), Weight::new(*w).unwrap())
        } else {
            Response::from(Scale::NPS.rating(*s).unwrap())
        };
        t.push(r).unwrap();
    }
    out
}

const SQL: &str = "SELECT channel,
        nps(score) AS nps, nps(score, weight) AS nps_w,
        top_box(score, 3, '0..=10') AS top3, bottom_box(score, 2, weight, 'nps') AS bottom2_w,
        cx_mean(score, 'nps') AS mean, ces(score, weight, '0..=10') AS mean_w,
        cx_estimate(cx_tally(score, weight), 'nps', 0.9, 'wald')['lower'] AS lower_w,
        cx_estimate(cx_tally(score), 'csat', 0.95, 'wilson')['upper'] AS upper,
        cx_tally(score)['not_applicable'] AS na
    FROM answers GROUP BY channel ORDER BY channel";

fn columns(batches: &[RecordBatch]) -> Vec<Vec<Option<u64>>> {
    // Every column as raw bits (floats) or values (integers), row by row.
    let mut out = vec![];
    for b in batches {
        for row in 0..b.num_rows() {
            let mut r = vec![];
            for c in b.columns().iter().skip(1) {
                r.push(if c.is_null(row) {
                    None
                } else if let Some(f) = c.as_any().downcast_ref::<Float64Array>() {
                    Some(f.value(row).to_bits())
                } else {
                    let s = datafusion::arrow::compute::cast(c, &DataType::UInt64).unwrap();
                    Some(
                        s.as_any()
                            .downcast_ref::<datafusion::arrow::array::UInt64Array>()
                            .unwrap()
                            .value(row),
                    )
                });
            }
            out.push(r);
        }
    }
    out
}

async fn run(ctx: &SessionContext, dir: &std::path::Path) -> Vec<RecordBatch> {
    ctx.register_parquet(
        "answers",
        dir.to_str().unwrap(),
        ParquetReadOptions::default(),
    )
    .await
    .unwrap();
    ctx.sql(SQL).await.unwrap().collect().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ballista_equals_one_process_and_the_core() {
    let (dir, rows) = write_answers("equal", 4, 2500);

    let mut local = SessionContext::new_with_config(SessionConfig::new().with_target_partitions(3));
    cxmetrics_datafusion::register(&mut local).unwrap();
    let single = run(&local, &dir).await;

    let cluster = cxmetrics_ballista::standalone_context(4).await.unwrap();
    let distributed = run(&cluster, &dir).await;

    assert_eq!(
        columns(&single),
        columns(&distributed),
        "Ballista and one process differ"
    );

    // And both equal the core.
    let plain = core_tallies(&rows, false);
    let weighted = core_tallies(&rows, true);
    let got = columns(&distributed);
    assert_eq!(got.len(), plain.len());
    for (r, ((t, tw), row)) in plain.values().zip(weighted.values()).zip(&got).enumerate() {
        let bits = |x: f64| Some(x.to_bits());
        assert_eq!(row[0], bits(Nps::from_tally(t).unwrap().score()), "row {r}");
        assert_eq!(row[1], bits(Nps::from_tally(tw).unwrap().score()));
        assert_eq!(row[2], bits(TopBox::top(t, 3).unwrap().share()));
        assert_eq!(row[3], bits(TopBox::bottom(tw, 2).unwrap().share()));
        assert_eq!(row[4], bits(Mean::from_tally(t).unwrap().mean()));
        assert_eq!(row[5], bits(Mean::from_tally(tw).unwrap().mean()));
        let wald = Nps::from_tally(tw)
            .unwrap()
            .estimate_with(
                cxmetrics::interval::NpsMethod::Wald,
                cxmetrics::ConfidenceLevel::new(0.9).unwrap(),
            )
            .unwrap();
        assert_eq!(row[6], bits(wald.interval.lower));
        // 'csat' on a 0..=10 tally: the top two points, 9 and 10.
        let wilson = TopBox::top(t, 2)
            .unwrap()
            .estimate(cxmetrics::ConfidenceLevel::P95)
            .unwrap();
        assert_eq!(row[7], bits(wilson.interval.upper));
        assert_eq!(row[8], Some(t.not_applicable()));
    }

    // A bad score fails the distributed query with the core's message.
    let err = cluster
        .sql("SELECT nps(score + 1) FROM answers")
        .await
        .unwrap()
        .collect()
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("score 11 is outside scale 0..=10"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registering_on_the_client_only_is_not_enough() {
    use ballista::prelude::SessionContextExt;
    let (dir, _) = write_answers("client-only", 1, 100);
    let mut ctx = SessionContext::standalone().await.unwrap();
    cxmetrics_datafusion::register(&mut ctx).unwrap();
    ctx.register_parquet(
        "answers",
        dir.to_str().unwrap(),
        ParquetReadOptions::default(),
    )
    .await
    .unwrap();
    let result = match ctx
        .sql("SELECT channel, nps(score) FROM answers GROUP BY channel")
        .await
    {
        Ok(df) => df.collect().await.map(|_| ()),
        Err(e) => Err(e),
    };
    let err = result
        .expect_err("the scheduler does not know nps")
        .to_string();
    assert!(err.contains("is not provided"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
