//! Why a cell or row of text input was rejected: plain data, so that the
//! error type can carry it.

use std::fmt;

/// Why a cell (or row) was rejected.
///
/// # Example
///
/// ```
/// use cxmetrics::input::RejectCause;
/// use cxmetrics::{Error, Scale};
/// let err = Scale::CSAT_5.parse("6").unwrap_err();
/// assert!(matches!(err, Error::InvalidCell { cause: RejectCause::OutOfRange, .. }));
/// assert_eq!(RejectCause::OutOfRange.to_string(), "out of range");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum RejectCause {
    /// A whole number outside the scale.
    OutOfRange,
    /// A number that is not whole (`"7.5"`).
    NotWhole,
    /// Text that is neither a number, a label nor a not-applicable token.
    NotANumber,
    /// A weight that is not a finite number of at least 0.
    BadWeight,
    /// Any other error (a rating of another scale, a count overflow …).
    Other,
}

impl fmt::Display for RejectCause {
    /// `out of range`, `not a whole number`, `not a number`, `bad weight`,
    /// `other error`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RejectCause::OutOfRange => "out of range",
            RejectCause::NotWhole => "not a whole number",
            RejectCause::NotANumber => "not a number",
            RejectCause::BadWeight => "bad weight",
            RejectCause::Other => "other error",
        })
    }
}
