//! SQL over a Parquet file of survey answers: NPS and CSAT with confidence
//! intervals per month and channel.
//!
//! The example writes its own file (in the temporary folder) first.
//! Run: `cargo run -p cxmetrics-datafusion --example survey_sql`

use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::error::Result;
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::prelude::{ParquetReadOptions, SessionContext};

/// The query: point values, intervals from the tally, and the counts.
pub const QUERY: &str = "
SELECT month, channel,
       round(nps(nps_score), 1)                                        AS nps,
       round(get_field(cx_estimate(cx_tally(nps_score), 'nps', 0.95), 'lower'), 1) AS nps_lower,
       round(get_field(cx_estimate(cx_tally(nps_score), 'nps', 0.95), 'upper'), 1) AS nps_upper,
       round(100 * csat(csat_score), 1)                                AS csat_pct,
       round(100 * get_field(cx_estimate(cx_tally(csat_score, 'csat5'), 'csat', 0.95), 'lower'), 1) AS csat_lower,
       round(100 * get_field(cx_estimate(cx_tally(csat_score, 'csat5'), 'csat', 0.95), 'upper'), 1) AS csat_upper,
       round(nps(nps_score, weight), 1)                                AS nps_weighted,
       get_field(cx_tally(nps_score), 'not_applicable')                           AS skipped,
       count(*)                                                        AS answers
FROM answers
GROUP BY month, channel
ORDER BY month, channel";

/// Writes `rows` random answers to `path`: month, channel, a 0–10
/// recommendation score, a 1–5 satisfaction score (sometimes missing) and a
/// survey weight.
pub fn write_answers(path: &std::path::Path, rows: usize) -> Result<()> {
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move |n: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % n
    };
    let channels = ["app", "email", "phone", "web"];
    let (mut month, mut channel, mut nps, mut csat, mut weight) =
        (vec![], vec![], vec![], vec![], vec![]);
    for _ in 0..rows {
        let m = next(3);
        let c = next(4) as usize;
        // Phone answers lean positive, email ones negative; later months improve.
        let lean = [1, -1, 2, 0][c] + m as i64;
        let s = (next(11) as i64 + lean).clamp(0, 10);
        month.push(format!("2026-0{}", m + 1));
        channel.push(channels[c]);
        nps.push(s);
        csat.push((next(8) != 0).then(|| (1 + next(5) as i64 + lean / 2).clamp(1, 5)));
        weight.push(0.5 + next(4) as f64 * 0.25);
    }
    let schema = Arc::new(Schema::new(vec![
        Field::new("month", DataType::Utf8, false),
        Field::new("channel", DataType::Utf8, false),
        Field::new("nps_score", DataType::Int64, false),
        Field::new("csat_score", DataType::Int64, true),
        Field::new("weight", DataType::Float64, false),
    ]));
    let columns: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from(month)),
        Arc::new(StringArray::from(channel)),
        Arc::new(Int64Array::from(nps)),
        Arc::new(Int64Array::from(csat)),
        Arc::new(Float64Array::from(weight)),
    ];
    let batch = RecordBatch::try_new(schema.clone(), columns)?;
    let mut writer = ArrowWriter::try_new(std::fs::File::create(path)?, schema, None)?;
    writer.write(&batch)?;
    writer.close()?;
    Ok(())
}

#[tokio::main]
async fn main() -> Result<()> {
    let path =
        std::env::temp_dir().join(format!("cxmetrics-survey-{}.parquet", std::process::id()));
    write_answers(&path, 20_000)?;

    let mut ctx = SessionContext::new();
    cxmetrics_datafusion::register(&mut ctx)?;
    ctx.register_parquet(
        "answers",
        path.to_string_lossy().as_ref(),
        ParquetReadOptions::default(),
    )
    .await?;
    ctx.sql(QUERY).await?.show().await?;

    // Store monthly tallies, then roll them up to a quarter later.
    ctx.sql("CREATE TABLE monthly AS SELECT month, channel, cx_tally(nps_score) AS t FROM answers GROUP BY month, channel")
        .await?;
    ctx.sql(
        "SELECT channel, cx_estimate(cx_merge(t), 'nps', 0.95) AS quarter
         FROM monthly GROUP BY channel ORDER BY channel",
    )
    .await?
    .show()
    .await?;
    std::fs::remove_file(&path)?;
    Ok(())
}
