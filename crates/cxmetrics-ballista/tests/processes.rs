//! The shipped `cxmetrics-scheduler` and `cxmetrics-executor` binaries as
//! real processes on loopback ports, queried through `remote_context`: the
//! recipe the README gives for a real cluster.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use cxmetrics::{Nps, Scale, Tally};
use datafusion::arrow::array::{Array, Float64Array, StringArray};
use datafusion::prelude::SessionContext;

/// Kills the process when dropped, whatever the test's outcome.
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A port nothing listens on now (and, likely, the next one too).
fn free_port() -> u16 {
    loop {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        if port < u16::MAX && TcpListener::bind(("127.0.0.1", port + 1)).is_ok() {
            return port;
        }
    }
}

fn start(bin: &str, args: &[String]) -> Process {
    Process(
        Command::new(bin)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("{bin}: {e}")),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scheduler_and_executor_processes_run_the_functions() {
    let scheduler_port = free_port();
    let _scheduler = start(
        env!("CARGO_BIN_EXE_cxmetrics-scheduler"),
        &["127.0.0.1".into(), scheduler_port.to_string()],
    );
    let executor_port = free_port();
    let _executor = start(
        env!("CARGO_BIN_EXE_cxmetrics-executor"),
        &[
            "127.0.0.1".into(),
            scheduler_port.to_string(),
            executor_port.to_string(),
        ],
    );

    let sql = "SELECT channel, nps(score) AS nps FROM (VALUES
            ('web', 10), ('web', 9), ('web', 3), ('app', 0), ('app', 8), ('app', 10), ('app', 10))
        AS t(channel, score) GROUP BY channel ORDER BY channel";
    let url = format!("df://127.0.0.1:{scheduler_port}");
    // The processes take a moment to start and register with each other.
    let deadline = Instant::now() + Duration::from_secs(60);
    let batches = loop {
        let attempt = async {
            let ctx = cxmetrics_ballista::remote_context(&url, 2).await?;
            ctx.sql(sql).await?.collect().await
        };
        match attempt.await {
            Ok(b) => break b,
            Err(e) if Instant::now() < deadline => {
                let _ = e;
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
            Err(e) => panic!("the cluster did not answer within 60 s: {e}"),
        }
    };

    let mut got = vec![];
    for b in &batches {
        let channel = b.column(0).as_any().downcast_ref::<StringArray>().unwrap();
        let nps = b.column(1).as_any().downcast_ref::<Float64Array>().unwrap();
        for r in 0..b.num_rows() {
            got.push((channel.value(r).to_string(), nps.value(r)));
        }
    }
    let core = |scores: &[u8]| {
        Nps::from_tally(&Tally::from_scores(Scale::NPS, scores).unwrap())
            .unwrap()
            .score()
    };
    assert_eq!(
        got,
        [
            ("app".to_string(), core(&[0, 8, 10, 10])),
            ("web".to_string(), core(&[10, 9, 3])),
        ]
    );

    // The same query in one process gives the same bits.
    let mut local = SessionContext::new();
    cxmetrics_datafusion::register(&mut local).unwrap();
    let single = local.sql(sql).await.unwrap().collect().await.unwrap();
    let local_nps: Vec<u64> = single
        .iter()
        .flat_map(|b| {
            let c = b.column(1).as_any().downcast_ref::<Float64Array>().unwrap();
            (0..c.len())
                .map(|i| c.value(i).to_bits())
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(
        local_nps,
        got.iter().map(|(_, v)| v.to_bits()).collect::<Vec<_>>()
    );
}
