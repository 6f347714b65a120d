//! A Ballista executor that knows cxmetrics' SQL functions.
//!
//! `cxmetrics-executor [SCHEDULER_HOST [SCHEDULER_PORT [PORT]]]` (default
//! localhost 50050 50051; binds 127.0.0.1).

use std::sync::Arc;

use ballista_core::error::BallistaError;
use ballista_executor::executor_process::{ExecutorProcessConfig, start_executor_process};

#[tokio::main]
async fn main() -> ballista_core::error::Result<()> {
    let mut args = std::env::args().skip(1);
    let mut config = ExecutorProcessConfig {
        override_function_registry: Some(Arc::new(cxmetrics_ballista::function_registry())),
        ..Default::default()
    };
    let port = |s: String| {
        s.parse::<u16>()
            .map_err(|_| BallistaError::Configuration(format!("bad port {s:?}")))
    };
    if let Some(host) = args.next() {
        config.scheduler_host = host;
    }
    if let Some(p) = args.next() {
        config.scheduler_port = port(p)?;
    }
    if let Some(p) = args.next() {
        config.port = port(p)?;
        config.grpc_port = config.port + 1;
    }
    start_executor_process(Arc::new(config)).await
}
