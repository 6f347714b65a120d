//! How the core's errors reach a query.

use std::fmt;

use datafusion_common::DataFusionError;

/// Wraps an error of the core crate so that the query fails with its
/// message; in one process the core's [`cxmetrics::Error`] is the wrapper's
/// [`source`](std::error::Error::source).
pub(crate) fn core_error(e: cxmetrics::Error) -> DataFusionError {
    DataFusionError::External(Box::new(CoreError(e)))
}

/// The core's error inside a query error. Its `Debug` is its message too:
/// Ballista sends task errors between processes as their `Debug` text,
/// which for the core's error itself would be a struct dump
/// (`ScoreOutOfRange { score: 11, … }`) instead of "score 11 is outside
/// scale 0..=10".
struct CoreError(cxmetrics::Error);

impl fmt::Display for CoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl fmt::Debug for CoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for CoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}
