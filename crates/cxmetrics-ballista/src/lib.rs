//! cxmetrics' SQL functions on an [Apache DataFusion Ballista] cluster.
//!
//! A Ballista plan names its functions, and every process that plans or
//! runs part of a query looks them up by name: the scheduler, each
//! executor and the client must all know them. The stock Ballista binaries
//! cannot load functions, so this crate ships a scheduler and an executor
//! that know them (`cxmetrics-scheduler`, `cxmetrics-executor`), the
//! session state and function registry they use, and a helper that starts
//! an in-process cluster (one scheduler, one executor) for tests and
//! examples.
//!
//! The pitfalls, in order of appearance:
//!
//! - registered on the client only, a query fails with
//!   `LogicalExtensionCodec is not provided for aggregate function nps`;
//! - on an executor without them, with `PhysicalExtensionCodec is not
//!   provided …`;
//! - the client's session is upgraded for Ballista when the context is
//!   made, which resets its function list: register on the context after.
//!
//! No codec is needed: the functions carry no configuration of their own
//! (scale, k and weights are ordinary arguments of the plan).
//!
//! [Apache DataFusion Ballista]: https://datafusion.apache.org/ballista/

#![deny(missing_docs)]

use std::sync::Arc;

use ballista::prelude::{SessionConfigExt, SessionContextExt};
use ballista_core::registry::BallistaFunctionRegistry;
use datafusion::error::Result;
use datafusion::execution::SessionStateBuilder;
use datafusion::execution::session_state::SessionState;
use datafusion::prelude::{SessionConfig, SessionContext};

/// A Ballista session state that knows cxmetrics' functions, for a
/// scheduler (and an in-process cluster).
///
/// # Errors
///
/// When a function cannot be registered.
pub fn session_state(config: SessionConfig) -> Result<SessionState> {
    let mut state = SessionStateBuilder::new()
        .with_config(config)
        .with_default_features()
        .build();
    cxmetrics_datafusion::register(&mut state)?;
    Ok(state)
}

/// Ballista's default function registry plus cxmetrics' functions, for an
/// executor.
#[must_use]
pub fn function_registry() -> BallistaFunctionRegistry {
    let mut registry = BallistaFunctionRegistry::default();
    for f in cxmetrics_datafusion::aggregate_udfs() {
        registry.aggregate_functions.insert(f.name().to_string(), f);
    }
    for f in cxmetrics_datafusion::scalar_udfs() {
        registry.scalar_functions.insert(f.name().to_string(), f);
    }
    registry
}

/// Starts an in-process Ballista cluster (a scheduler and an executor on
/// loopback ports) whose processes know cxmetrics' functions, and returns a
/// client context connected to it, with the functions registered too.
///
/// # Errors
///
/// When the cluster cannot start or a function cannot be registered.
pub async fn standalone_context(target_partitions: usize) -> Result<SessionContext> {
    let config = SessionConfig::new_with_ballista()
        .with_target_partitions(target_partitions)
        .with_ballista_standalone_parallelism(2);
    let state = session_state(config)?;
    let mut ctx = SessionContext::standalone_with_state(state).await?;
    // The upgrade to a Ballista session resets the client's function list.
    cxmetrics_datafusion::register(&mut ctx)?;
    Ok(ctx)
}

/// Connects to a running scheduler (`df://host:port`) and registers the
/// functions on the client context.
///
/// # Errors
///
/// When the scheduler cannot be reached or a function cannot be
/// registered.
pub async fn remote_context(url: &str, target_partitions: usize) -> Result<SessionContext> {
    let config = SessionConfig::new_with_ballista().with_target_partitions(target_partitions);
    let state = session_state(config)?;
    let mut ctx = SessionContext::remote_with_state(url, state).await?;
    cxmetrics_datafusion::register(&mut ctx)?;
    Ok(ctx)
}

/// The session builder a scheduler process uses: every session it makes
/// knows cxmetrics' functions.
pub fn scheduler_session_builder() -> ballista_scheduler::scheduler_server::SessionBuilder {
    Arc::new(session_state)
}
