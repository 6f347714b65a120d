//! NPS, CSAT and CES as SQL functions for [Apache DataFusion] (and
//! [Ballista], its distributed engine), computed on the exact, mergeable
//! tally of the [`cxmetrics`] crate.
//!
//! One call registers everything on a `SessionContext` (or any
//! [`FunctionRegistry`]):
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> datafusion::error::Result<()> {
//! use datafusion::prelude::*;
//!
//! let mut ctx = SessionContext::new();
//! cxmetrics_datafusion::register(&mut ctx)?;
//! ctx.sql("CREATE TABLE answers (channel TEXT, score INT) AS VALUES
//!          ('web', 10), ('web', 9), ('web', 3), ('app', 7), ('app', NULL)")
//!     .await?;
//! let df = ctx
//!     .sql("SELECT channel, nps(score) AS nps,
//!                  get_field(cx_estimate(cx_tally(score), 'nps', 0.95), 'lower') AS lower
//!           FROM answers GROUP BY channel ORDER BY channel")
//!     .await?;
//! let batches = df.collect().await?;
//! let text = datafusion::arrow::util::pretty::pretty_format_batches(&batches)?.to_string();
//! assert!(text.contains("| web     | 33.33333333333333"), "{text}");
//! # Ok(()) }
//! ```
//!
//! # The functions
//!
//! Aggregates (see [`aggregate_udfs`] for their arguments): `nps`, `csat`,
//! `top_box`, `bottom_box`, `ces`, `cx_mean`, `cx_tally` (the tally itself,
//! a value of [`tally_type`] that can be stored and merged later) and
//! `cx_merge` (merges tally values). Scalar: `cx_estimate(tally, metric
//! [, level [, method]])`, an estimate with its interval ([`estimate_type`]).
//!
//! Every aggregate has a `GroupsAccumulator` on the core's
//! [`cxmetrics::GroupedTally`] (all groups' tallies in one dense table,
//! a batch added in one call of the core's kernels) and a per-group
//! `Accumulator`; their intermediate state is a tally value holding exactly
//! what a [`cxmetrics::Tally`] holds, so partial results merge across
//! partitions and machines exactly (counts are integers; weight sums are
//! compensated and kept at a power-of-two scale, so they neither overflow
//! nor underflow).
//!
//! # Semantics
//!
//! - SQL NULL in the score column is a missing answer: skipped, counted as
//!   not applicable. A group without rated answers gives NULL.
//! - A score off the scale (or not a whole number), or a negative or
//!   non-finite weight, fails the query with the core crate's error message
//!   (a [`cxmetrics::Error`] inside `DataFusionError::External`).
//! - Fields of the struct results are read with `get_field(x, 'lower')`
//!   (or `x['lower']` where DataFusion's nested-expression planner is on).
//! - Score columns may be of any integer or float type; the GROUP BY keys
//!   are DataFusion's business (strings, dictionary-encoded strings,
//!   integers all work).
//!
//! # Ballista
//!
//! Functions travel in a Ballista plan by name, so they must be registered
//! on the scheduler, on every executor and on the client (after the client
//! context is made, since Ballista's session upgrade resets its function
//! list). `crates/cxmetrics-ballista` in the repository holds a scheduler
//! and an executor that do this.
//!
//! # Any other engine
//!
//! The tally is a table of counts per scale point, so any engine can do the
//! heavy part: `SELECT key, score, COUNT(*) … GROUP BY key, score` (and
//! `SUM(weight)`, `SUM(weight * weight)` for weighted answers), then
//! `cxmetrics::Tally::from_counts` (or `Tally::from_weight_sums` for weights) per key.
//! The crate's `tests/any_engine.rs` shows the route.
//!
//! [Apache DataFusion]: https://datafusion.apache.org
//! [Ballista]: https://datafusion.apache.org/ballista/
//! [`FunctionRegistry`]: datafusion_expr::registry::FunctionRegistry

#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod aggregate;
mod error;
mod estimate;
mod groups;
mod metric;
mod scale_arg;
mod tally_value;

pub use aggregate::aggregate_udfs;
pub use estimate::{estimate_type, scalar_udfs};
pub use scale_arg::parse_scale;
pub use tally_value::tally_type;

use datafusion_common::Result;
use datafusion_expr::registry::FunctionRegistry;

/// Registers every aggregate and scalar function of the crate on a
/// `SessionContext`, a `SessionState` or any other [`FunctionRegistry`].
///
/// # Errors
///
/// Whatever the registry returns when it refuses a function.
///
/// # Example
///
/// ```
/// use datafusion::logical_expr::registry::FunctionRegistry;
///
/// let mut ctx = datafusion::prelude::SessionContext::new();
/// cxmetrics_datafusion::register(&mut ctx)?;
/// assert!(ctx.udaf("nps").is_ok() && ctx.udf("cx_estimate").is_ok());
/// # Ok::<(), datafusion::error::DataFusionError>(())
/// ```
pub fn register(registry: &mut dyn FunctionRegistry) -> Result<()> {
    for f in aggregate_udfs() {
        registry.register_udaf(f)?;
    }
    for f in scalar_udfs() {
        registry.register_udf(f)?;
    }
    Ok(())
}
