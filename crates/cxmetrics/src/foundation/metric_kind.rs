//! Which metric a result is of: a plain label carried by every result.

use std::fmt;

/// Which score a result is of: the label every [`Estimate`](crate::Estimate)
/// and [`Comparison`](crate::compare::Comparison) carries beside its
/// [`Unit`](crate::Unit), so that a serialized result says what it is.
///
/// # Example
///
/// ```
/// use cxmetrics::{ConfidenceLevel, Metric, Scale, Tally, TopBox};
/// let t = Tally::from_counts(Scale::CSAT_5, &[3, 2, 8, 20, 17])?;
/// let est = TopBox::top(&t, 2)?.estimate(ConfidenceLevel::P95)?;
/// assert_eq!(est.metric, Metric::TopBox);
/// assert_eq!(est.metric.to_string(), "top-box share");
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Metric {
    /// Net Promoter Score ([`Nps`](crate::Nps)), in NPS points.
    Nps,
    /// A net score on any scale ([`NetScore`](crate::NetScore)), in points.
    NetScore,
    /// A top-box or bottom-box share ([`TopBox`](crate::TopBox)): CSAT
    /// top-2, "% easy".
    TopBox,
    /// A plain share of successes out of n
    /// ([`interval::proportion`](crate::interval::proportion)).
    Share,
    /// A mean rating ([`Mean`](crate::Mean)), in scale points.
    Mean,
}

impl fmt::Display for Metric {
    /// `NPS`, `net score`, `top-box share`, `share`, `mean`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Metric::Nps => "NPS",
            Metric::NetScore => "net score",
            Metric::TopBox => "top-box share",
            Metric::Share => "share",
            Metric::Mean => "mean",
        })
    }
}
