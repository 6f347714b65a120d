//! A Ballista scheduler whose sessions know cxmetrics' SQL functions.
//!
//! `cxmetrics-scheduler [BIND_HOST [PORT]]` (default 127.0.0.1 50050).

use std::net::SocketAddr;
use std::sync::Arc;

use ballista_core::error::BallistaError;
use ballista_scheduler::cluster::BallistaCluster;
use ballista_scheduler::config::SchedulerConfig;
use ballista_scheduler::scheduler_process::start_server;

#[tokio::main]
async fn main() -> ballista_core::error::Result<()> {
    let mut args = std::env::args().skip(1);
    let mut config = SchedulerConfig {
        override_session_builder: Some(cxmetrics_ballista::scheduler_session_builder()),
        ..Default::default()
    };
    if let Some(host) = args.next() {
        config.bind_host = host;
    }
    if let Some(port) = args.next() {
        config.bind_port = port
            .parse()
            .map_err(|_| BallistaError::Configuration(format!("bad port {port:?}")))?;
    }
    let addr: SocketAddr = format!("{}:{}", config.bind_host, config.bind_port)
        .parse()
        .map_err(|e| BallistaError::Configuration(format!("bad address: {e}")))?;
    let cluster = BallistaCluster::new_from_config(&config).await?;
    println!("cxmetrics scheduler listening on {addr}");
    start_server(cluster, addr, Arc::new(config)).await
}
