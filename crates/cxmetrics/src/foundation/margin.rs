//! A wanted margin of error, typed by its unit.

use std::fmt;

use crate::foundation::error::Error;
use crate::foundation::unit::Unit;

/// A wanted margin of error (the half-width of an interval), typed by its
/// unit so that "5 points" cannot be passed as `0.05` by mistake.
///
/// - [`Margin::points`]: points of the score itself — NPS points on
///   −100..=100, or scale points for a mean.
/// - [`Margin::percent`]: percentage points of a share (5.0 = ±5%), which
///   is the same as [`Margin::fraction`] of 0.05. An NPS is a difference
///   of two percentages, so a percent margin also applies to it
///   (5 percent = 5 NPS points).
///
/// [`Margin::in_unit`] converts a margin to the stored unit of a score
/// (shares are stored as fractions) and refuses the combinations that make
/// no sense, such as a percentage margin on a mean rating.
///
/// # Example
///
/// ```
/// use cxmetrics::{Margin, Unit};
///
/// let m = Margin::percent(5.0)?;
/// assert_eq!(m.in_unit(Unit::Share)?, 0.05);
/// assert_eq!(m.in_unit(Unit::NpsPoints)?, 5.0);
/// assert!(m.in_unit(Unit::ScalePoints).is_err());
/// assert_eq!(Margin::points(5.0)?.in_unit(Unit::NpsPoints)?, 5.0);
/// assert_eq!(m.to_string(), "±5.0%");
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "MarginRepr", into = "MarginRepr")
)]
pub struct Margin {
    value: f64,
    kind: MarginKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MarginKind {
    /// Points of the score (NPS points or scale points).
    Points,
    /// Percentage points of a share.
    Percent,
}

impl Margin {
    /// A margin of `points` points of the score: NPS points, or scale
    /// points for a mean.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] unless `points` is finite and above 0.
    ///
    /// ```
    /// use cxmetrics::Margin;
    /// assert_eq!(Margin::points(5.0)?.to_string(), "±5.0 points");
    /// assert!(Margin::points(0.0).is_err());
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn points(points: f64) -> Result<Margin, Error> {
        Margin::checked(points, MarginKind::Points, "margin in points")
    }

    /// A margin of `percent` percentage points of a share (5.0 = ±5%).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] unless `percent` is finite, above 0 and
    /// at most 100.
    ///
    /// ```
    /// use cxmetrics::Margin;
    /// assert_eq!(Margin::percent(5.0)?, Margin::fraction(0.05)?);
    /// assert!(Margin::percent(120.0).is_err());
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn percent(percent: f64) -> Result<Margin, Error> {
        if percent > 100.0 {
            return Err(Error::InvalidArgument {
                name: "margin in percent",
                value: percent,
                expected: "a number in (0, 100]",
            });
        }
        Margin::checked(percent, MarginKind::Percent, "margin in percent")
    }

    /// A margin of a share given as a fraction (0.05 = ±5%): the same as
    /// [`Margin::percent`] of 100 times as much.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] unless `fraction` is finite, above 0 and
    /// at most 1.
    ///
    /// ```
    /// use cxmetrics::{Margin, Unit};
    /// assert_eq!(Margin::fraction(0.05)?.in_unit(Unit::Share)?, 0.05);
    /// assert!(Margin::fraction(5.0).is_err()); // 5 points was meant: use Margin::points
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn fraction(fraction: f64) -> Result<Margin, Error> {
        if !(fraction > 0.0 && fraction <= 1.0) {
            return Err(Error::InvalidArgument {
                name: "margin as a fraction",
                value: fraction,
                expected: "a number in (0, 1]",
            });
        }
        Margin::percent(fraction * 100.0)
    }

    fn checked(value: f64, kind: MarginKind, name: &'static str) -> Result<Margin, Error> {
        if value.is_finite() && value > 0.0 {
            Ok(Margin { value, kind })
        } else {
            Err(Error::InvalidArgument {
                name,
                value,
                expected: "a finite number above 0",
            })
        }
    }

    /// The number given: points for [`Margin::points`], percent for
    /// [`Margin::percent`] and [`Margin::fraction`].
    ///
    /// ```
    /// use cxmetrics::Margin;
    /// assert_eq!(Margin::fraction(0.05)?.value(), 5.0);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn value(&self) -> f64 {
        self.value
    }

    /// Whether the margin was given in percent (of a share) rather than in
    /// points.
    ///
    /// ```
    /// use cxmetrics::Margin;
    /// assert!(Margin::percent(3.0)?.is_percent() && !Margin::points(3.0)?.is_percent());
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn is_percent(&self) -> bool {
        self.kind == MarginKind::Percent
    }

    /// The margin in the stored unit of a score reported in `unit`: a
    /// fraction for [`Unit::Share`], points for [`Unit::NpsPoints`] and
    /// [`Unit::ScalePoints`].
    ///
    /// | margin | `Share` | `NpsPoints` | `ScalePoints` |
    /// |---|---|---|---|
    /// | `percent(p)` | p/100 | p | error |
    /// | `points(x)` | error | x | x |
    ///
    /// # Errors
    ///
    /// [`Error::IncompatibleUnit`] for a percent margin on scale points
    /// (a mean is not a share) and for a points margin on a share (say
    /// [`Margin::percent`], so that 5 and 0.05 cannot be confused).
    ///
    /// ```
    /// use cxmetrics::{Error, Margin, Unit};
    /// let err = Margin::points(5.0)?.in_unit(Unit::Share).unwrap_err();
    /// assert!(matches!(err, Error::IncompatibleUnit { unit: Unit::Share, .. }));
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn in_unit(&self, unit: Unit) -> Result<f64, Error> {
        match (self.kind, unit) {
            (MarginKind::Percent, Unit::Share) => Ok(self.value / 100.0),
            (MarginKind::Percent, Unit::NpsPoints) => Ok(self.value),
            (MarginKind::Points, Unit::NpsPoints | Unit::ScalePoints) => Ok(self.value),
            (MarginKind::Percent, Unit::ScalePoints) | (MarginKind::Points, Unit::Share) => {
                Err(Error::IncompatibleUnit {
                    what: format!("a margin of {self}"),
                    unit,
                })
            }
        }
    }
}

impl fmt::Display for Margin {
    /// `±5.0 points` or `±5.0%` (precision default 1).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = f.precision().unwrap_or(1);
        match self.kind {
            MarginKind::Points => write!(f, "±{:.p$} points", self.value),
            MarginKind::Percent => write!(f, "±{:.p$}%", self.value),
        }
    }
}

/// The serialized form of a [`Margin`]: `{"points": 5.0}` or
/// `{"percent": 5.0}`.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum MarginRepr {
    Points(f64),
    Percent(f64),
}

#[cfg(feature = "serde")]
impl TryFrom<MarginRepr> for Margin {
    type Error = Error;
    fn try_from(r: MarginRepr) -> Result<Margin, Error> {
        match r {
            MarginRepr::Points(x) => Margin::points(x),
            MarginRepr::Percent(x) => Margin::percent(x),
        }
    }
}

#[cfg(feature = "serde")]
impl From<Margin> for MarginRepr {
    fn from(m: Margin) -> MarginRepr {
        match m.kind {
            MarginKind::Points => MarginRepr::Points(m.value),
            MarginKind::Percent => MarginRepr::Percent(m.value),
        }
    }
}
