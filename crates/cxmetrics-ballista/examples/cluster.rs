//! The survey query of `cxmetrics-datafusion`'s `survey_sql` example on a
//! local Ballista cluster (an in-process scheduler and executor that know
//! the functions), checked against one DataFusion process.
//!
//! Run: `cargo run -p cxmetrics-ballista --example cluster`
//!
//! Against a real cluster, start `cxmetrics-scheduler` and one or more
//! `cxmetrics-executor`s and use `cxmetrics_ballista::remote_context`.

use datafusion::error::Result;
use datafusion::prelude::{ParquetReadOptions, SessionContext};

#[path = "../../cxmetrics-datafusion/examples/survey_sql.rs"]
#[allow(dead_code)]
mod survey;

#[tokio::main]
async fn main() -> Result<()> {
    let path =
        std::env::temp_dir().join(format!("cxmetrics-cluster-{}.parquet", std::process::id()));
    survey::write_answers(&path, 20_000)?;
    let file = path.to_string_lossy().to_string();

    let cluster = cxmetrics_ballista::standalone_context(4).await?;
    cluster
        .register_parquet("answers", &file, ParquetReadOptions::default())
        .await?;
    let distributed = cluster.sql(survey::QUERY).await?.collect().await?;
    println!(
        "{}",
        datafusion::arrow::util::pretty::pretty_format_batches(&distributed)?
    );

    let mut local = SessionContext::new();
    cxmetrics_datafusion::register(&mut local)?;
    local
        .register_parquet("answers", &file, ParquetReadOptions::default())
        .await?;
    let single = local.sql(survey::QUERY).await?.collect().await?;
    let same = datafusion::arrow::util::pretty::pretty_format_batches(&distributed)?.to_string()
        == datafusion::arrow::util::pretty::pretty_format_batches(&single)?.to_string();
    println!("same result as one process: {same}");
    std::fs::remove_file(&path)?;
    if same {
        Ok(())
    } else {
        Err(datafusion::error::DataFusionError::Execution(
            "Ballista and one process differ".into(),
        ))
    }
}
