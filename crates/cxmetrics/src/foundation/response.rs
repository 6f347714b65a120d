//! Survey weights and responses.

use std::fmt;

use crate::foundation::error::Error;
use crate::foundation::scale::Rating;

/// A survey weight: a finite number, at least zero.
///
/// Weights make answers count more or less in every score (for example to
/// correct a sample's mix of customers). A weight of zero keeps the answer
/// in the counts but out of weighted scores.
///
/// # Example
///
/// ```
/// use cxmetrics::{Error, Weight};
///
/// assert_eq!(Weight::new(1.5)?.get(), 1.5);
/// assert!(matches!(Weight::new(-1.0), Err(Error::InvalidWeight { .. })));
/// assert!(Weight::try_from(f64::NAN).is_err());
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "f64", into = "f64")
)]
pub struct Weight(f64);

impl Weight {
    /// The weight of an unweighted answer.
    pub const ONE: Weight = Weight(1.0);

    /// A weight, checked to be finite and at least zero.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidWeight`] for a negative, NaN or infinite value.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::Weight;
    /// assert_eq!(Weight::new(0.8)?.get(), 0.8);
    /// assert!(Weight::new(f64::INFINITY).is_err());
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn new(weight: f64) -> Result<Weight, Error> {
        if valid_weight(weight) {
            // Normalise -0.0 to 0.0 so that equal weights compare equal.
            Ok(Weight(weight + 0.0))
        } else {
            Err(invalid_weight(weight))
        }
    }

    /// The weight as a number.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::Weight;
    /// assert_eq!(Weight::ONE.get(), 1.0);
    /// ```
    #[must_use]
    pub const fn get(self) -> f64 {
        self.0
    }
}

/// Whether `x` is a valid weight (finite, at least 0), without branches so
/// that folds over weights vectorise.
#[inline(always)]
#[expect(
    clippy::manual_range_contains,
    reason = "`contains` short-circuits; `&` keeps the check branch-free"
)]
pub(crate) fn valid_weight(x: f64) -> bool {
    (x >= 0.0) & (x <= f64::MAX)
}

#[cold]
#[inline(never)]
pub(crate) fn invalid_weight(weight: f64) -> Error {
    Error::InvalidWeight { weight }
}

impl Default for Weight {
    fn default() -> Weight {
        Weight::ONE
    }
}

impl TryFrom<f64> for Weight {
    type Error = Error;
    fn try_from(weight: f64) -> Result<Weight, Error> {
        Weight::new(weight)
    }
}

impl From<Weight> for f64 {
    fn from(w: Weight) -> f64 {
        w.0
    }
}

impl fmt::Display for Weight {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// One answer to one question: a weighted rating, or "not applicable".
///
/// "Not applicable" answers are counted (see [`Tally::not_applicable`]) but
/// enter no score.
///
/// [`Tally::not_applicable`]: crate::Tally::not_applicable
///
/// # Example
///
/// ```
/// use cxmetrics::{Response, Scale, Tally, Weight};
///
/// let mut tally = Tally::new(Scale::CSAT_5);
/// tally.push(Response::rated(Scale::CSAT_5.rating(5)?))?;
/// tally.push(Response::weighted(Scale::CSAT_5.rating(2)?, Weight::new(0.5)?))?;
/// tally.push(Response::NotApplicable)?;
/// assert_eq!((tally.n(), tally.not_applicable()), (2, 1));
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Response {
    /// A rating with its survey weight.
    Rated {
        /// The point chosen.
        rating: Rating,
        /// The answer's weight ([`Weight::ONE`] when unweighted).
        weight: Weight,
    },
    /// The respondent said the question does not apply (or skipped it).
    NotApplicable,
}

impl Response {
    /// An unweighted rating (weight 1).
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Response, Scale, Weight};
    /// let r = Scale::NPS.rating(9)?;
    /// assert_eq!(Response::rated(r), Response::weighted(r, Weight::ONE));
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub const fn rated(rating: Rating) -> Response {
        Response::Rated {
            rating,
            weight: Weight::ONE,
        }
    }

    /// A rating with a survey weight.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Response, Scale, Weight};
    /// let r = Scale::NPS.rating(9)?;
    /// let resp = Response::weighted(r, Weight::new(2.0)?);
    /// assert_eq!(resp.rating(), Some(r));
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub const fn weighted(rating: Rating, weight: Weight) -> Response {
        Response::Rated { rating, weight }
    }

    /// The rating, unless the answer is "not applicable".
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Response, Scale, Weight};
    /// let r = Scale::NPS.rating(9)?;
    /// assert_eq!(Response::rated(r).rating(), Some(r));
    /// assert_eq!(Response::NotApplicable.rating(), None);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub const fn rating(&self) -> Option<Rating> {
        match self {
            Response::Rated { rating, .. } => Some(*rating),
            Response::NotApplicable => None,
        }
    }
}

impl From<Rating> for Response {
    fn from(rating: Rating) -> Response {
        Response::rated(rating)
    }
}
