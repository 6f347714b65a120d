//! How the core's errors reach a query.

use datafusion_common::DataFusionError;

/// Wraps an error of the core crate so that the query fails with its
/// message (and callers can downcast to [`cxmetrics::Error`]).
pub(crate) fn core_error(e: cxmetrics::Error) -> DataFusionError {
    DataFusionError::External(Box::new(e))
}
