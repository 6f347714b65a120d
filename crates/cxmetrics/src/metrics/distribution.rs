//! The count and share of every point.

use crate::counting::tally::Tally;
use crate::foundation::error::Error;

/// One point of a [`Distribution`].
///
/// # Example
///
/// ```
/// use cxmetrics::{Distribution, Scale, Tally};
/// let d = Distribution::from_tally(&Tally::from_scores(Scale::CSAT_5, &[5u8, 1])?)?;
/// let first = d.points()[0];
/// assert_eq!((first.point, first.count, first.share), (1, 1, 0.5));
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PointShare {
    /// The point on the scale.
    pub point: i32,
    /// Answers at the point.
    pub count: u64,
    /// Share of the total weight at the point, 0..=1.
    pub share: f64,
}

/// The distribution of answers over a scale's points, lowest first.
///
/// # Example
///
/// ```
/// use cxmetrics::{Distribution, Scale, Tally};
///
/// let t = Tally::from_scores(Scale::CSAT_5, &[5, 5, 4, 1])?;
/// let d = Distribution::from_tally(&t)?;
/// let top = d.points().last().unwrap();
/// assert_eq!((top.point, top.count, top.share), (5, 2, 0.5));
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "DistributionRepr", into = "DistributionRepr")
)]
pub struct Distribution {
    points: Vec<PointShare>,
}

impl Distribution {
    /// The count and share of every point of the tally's scale.
    ///
    /// # Errors
    ///
    /// [`Error::EmptyTally`]; [`Error::ZeroTotalWeight`].
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Distribution, Scale, Tally};
    /// assert!(Distribution::from_tally(&Tally::new(Scale::NPS)).is_err());
    /// assert_eq!(Distribution::from_tally(&Tally::from_scores(Scale::NPS, &[7u8])?)?.points().len(), 11);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn from_tally(tally: &Tally) -> Result<Distribution, Error> {
        tally.require_scorable()?;
        let total = tally.scaled_total_weight();
        let scale = tally.scale();
        let points = scale
            .points()
            .zip(tally.counts())
            .zip(tally.weight_values())
            .map(|((point, &count), w)| PointShare {
                point,
                count,
                share: w / total,
            })
            .collect();
        Ok(Distribution { points })
    }

    /// Every point, lowest first.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Distribution, Scale, Tally};
    /// let d = Distribution::from_tally(&Tally::from_scores(Scale::CES_5, &[2u8, 2, 5])?)?;
    /// let shares: Vec<f64> = d.points().iter().map(|p| p.share).collect();
    /// assert_eq!(shares, [0.0, 2.0 / 3.0, 0.0, 0.0, 1.0 / 3.0]);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn points(&self) -> &[PointShare] {
        &self.points
    }
}

/// The serialized form of a [`Distribution`]: `{"points": [...]}`.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct DistributionRepr {
    points: Vec<PointShare>,
}

#[cfg(feature = "serde")]
impl From<Distribution> for DistributionRepr {
    fn from(d: Distribution) -> DistributionRepr {
        DistributionRepr { points: d.points }
    }
}

#[cfg(feature = "serde")]
impl TryFrom<DistributionRepr> for Distribution {
    type Error = Error;
    fn try_from(r: DistributionRepr) -> Result<Distribution, Error> {
        use crate::metrics::check;
        const WHAT: &str = "distribution";
        if r.points.len() < 2
            || r.points.len() > crate::foundation::scale::Scale::MAX_POINTS as usize
        {
            return Err(check::fail(
                WHAT,
                format!("{} points is not a scale", r.points.len()),
            ));
        }
        let mut sum = 0.0;
        for (i, p) in r.points.iter().enumerate() {
            check::share(WHAT, "share", p.share)?;
            if i > 0 && Some(p.point) != r.points[i - 1].point.checked_add(1) {
                return Err(check::fail(
                    WHAT,
                    format!(
                        "point {} does not follow point {}",
                        p.point,
                        r.points[i - 1].point
                    ),
                ));
            }
            sum += p.share;
        }
        if r.points.iter().all(|p| p.count == 0) {
            return Err(check::fail(WHAT, "n is 0".to_string()));
        }
        check::whole(WHAT, sum)?;
        Ok(Distribution { points: r.points })
    }
}
