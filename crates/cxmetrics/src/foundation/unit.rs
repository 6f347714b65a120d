//! The unit a number is reported in.

use std::fmt;

/// The unit of an estimate's value, standard error and bounds.
///
/// Every [`Estimate`](crate::Estimate) and
/// [`Comparison`](crate::compare::Comparison) says its unit, so that a
/// share is never read as points or the other way round. Shares are kept as
/// fractions on 0..=1 and *displayed* as percentages; a difference of two
/// shares is displayed in percentage points.
///
/// # Example
///
/// ```
/// use cxmetrics::{ConfidenceLevel, Nps, Unit};
/// let est = Nps::from_counts(45, 30, 25)?.estimate(ConfidenceLevel::P95)?;
/// assert_eq!(est.unit, Unit::NpsPoints);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Unit {
    /// NPS (or a net score) in points on −100..=100; a difference of two
    /// such scores is in points on −200..=200.
    NpsPoints,
    /// A share as a fraction on 0..=1, displayed as a percentage; a
    /// difference of two shares is a fraction on −1..=1, displayed in
    /// percentage points.
    Share,
    /// A mean on the answer scale (scale points).
    ScalePoints,
}

impl Unit {
    /// The factor from the stored value to the displayed one (100 for
    /// shares, shown in percent; 1 otherwise).
    ///
    /// ```
    /// use cxmetrics::Unit;
    /// assert_eq!(Unit::Share.display_factor(), 100.0);
    /// assert_eq!(Unit::NpsPoints.display_factor(), 1.0);
    /// ```
    #[must_use]
    pub fn display_factor(self) -> f64 {
        match self {
            Unit::Share => 100.0,
            Unit::NpsPoints | Unit::ScalePoints => 1.0,
        }
    }

    /// The suffix shown after a value (`"%"` for a share, `""` otherwise).
    ///
    /// ```
    /// use cxmetrics::Unit;
    /// assert_eq!(Unit::Share.suffix(), "%");
    /// ```
    #[must_use]
    pub fn suffix(self) -> &'static str {
        match self {
            Unit::Share => "%",
            Unit::NpsPoints | Unit::ScalePoints => "",
        }
    }

    /// The suffix shown after a *difference* in this unit: `" pp"`
    /// (percentage points) for shares, `" points"` for NPS, `""` for
    /// scale points (a difference of means reads on the scale itself).
    ///
    /// ```
    /// use cxmetrics::Unit;
    /// assert_eq!(Unit::Share.difference_suffix(), " pp");
    /// assert_eq!(Unit::NpsPoints.difference_suffix(), " points");
    /// ```
    #[must_use]
    pub fn difference_suffix(self) -> &'static str {
        match self {
            Unit::Share => " pp",
            Unit::NpsPoints => " points",
            Unit::ScalePoints => "",
        }
    }
}

impl fmt::Display for Unit {
    /// `NPS points`, `share`, `scale points`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Unit::NpsPoints => "NPS points",
            Unit::Share => "share",
            Unit::ScalePoints => "scale points",
        })
    }
}
