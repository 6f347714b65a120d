//! [`Score`]: which score to take of a tally, and by which interval method
//! — the one name that segments, trends, weighting and designs share.

use crate::counting::tally::Tally;
use crate::foundation::error::Error;
use crate::foundation::scale::{Polarity, Scale};
use crate::inference::design::linearized::Linearized;
use crate::inference::design::statistic::Statistic;
use crate::inference::estimate::Estimate;
use crate::inference::interval::{IntervalSpec, NpsMethod, ProportionMethod};
use crate::metrics::{mean::Mean, nps::Nps, top_box::TopBox};

/// Which score to take of each segment, and by which interval method.
///
/// # Example
///
/// ```
/// use cxmetrics::segment::Score;
/// use cxmetrics::{ConfidenceLevel, Scale, Tally};
/// let t = Tally::from_scores(Scale::NPS, &[10u8, 9, 3, 8])?;
/// assert_eq!(Score::nps().estimate(&t, ConfidenceLevel::P95)?.value, 25.0);
/// assert_eq!(Score::bottom_box(7).estimate(&t, ConfidenceLevel::P95)?.value, 0.25);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Score {
    /// Net Promoter Score, in points (the tally must be on [`Scale::NPS`]).
    Nps(NpsMethod),
    /// The share of the best `k` points.
    TopBox(u32, ProportionMethod),
    /// The share of the worst `k` points.
    BottomBox(u32, ProportionMethod),
    /// The mean rating, with its Student t interval.
    Mean,
}

impl Score {
    /// NPS with the adjusted-Wald interval.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::interval::NpsMethod;
    /// use cxmetrics::segment::Score;
    /// assert_eq!(Score::nps(), Score::Nps(NpsMethod::AdjustedWald));
    /// ```
    #[must_use]
    pub const fn nps() -> Score {
        Score::Nps(NpsMethod::AdjustedWald)
    }

    /// The top-`k` box with the Wilson interval.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::interval::ProportionMethod;
    /// use cxmetrics::segment::Score;
    /// assert_eq!(Score::top_box(2), Score::TopBox(2, ProportionMethod::Wilson));
    /// ```
    #[must_use]
    pub const fn top_box(k: u32) -> Score {
        Score::TopBox(k, ProportionMethod::Wilson)
    }

    /// The bottom-`k` box with the Wilson interval.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::interval::ProportionMethod;
    /// use cxmetrics::segment::Score;
    /// assert_eq!(Score::bottom_box(1), Score::BottomBox(1, ProportionMethod::Wilson));
    /// ```
    #[must_use]
    pub const fn bottom_box(k: u32) -> Score {
        Score::BottomBox(k, ProportionMethod::Wilson)
    }

    /// The mean rating with its Student t interval: the same as
    /// [`Score::Mean`], spelled like [`Score::nps`] and [`Score::top_box`].
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::segment::Score;
    /// assert_eq!(Score::mean(), Score::Mean);
    /// ```
    #[must_use]
    pub const fn mean() -> Score {
        Score::Mean
    }

    /// The score of one tally with its interval.
    ///
    /// # Errors
    ///
    /// Those of the score's own constructor and `estimate_with`.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::segment::Score;
    /// use cxmetrics::{ConfidenceLevel, Scale, Tally};
    ///
    /// let t = Tally::from_scores(Scale::CSAT_5, &[5, 4, 4, 2])?;
    /// assert_eq!(Score::top_box(2).estimate(&t, ConfidenceLevel::P95)?.value, 0.75);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn estimate(
        &self,
        tally: &Tally,
        spec: impl Into<IntervalSpec>,
    ) -> Result<Estimate, Error> {
        match *self {
            Score::Nps(method) => Nps::from_tally(tally)?.estimate_with(method, spec),
            Score::TopBox(k, method) => TopBox::top(tally, k)?.estimate_with(method, spec),
            Score::BottomBox(k, method) => TopBox::bottom(tally, k)?.estimate_with(method, spec),
            Score::Mean => Mean::from_tally(tally)?.estimate(spec),
        }
    }

    /// Whether a higher value of this score is better on `scale`.
    pub(crate) fn higher_is_better(&self, scale: &Scale) -> bool {
        match self {
            Score::Nps(_) | Score::TopBox(..) => true,
            Score::BottomBox(..) => false,
            Score::Mean => scale.polarity() == Polarity::HigherIsBetter,
        }
    }

    /// The design statistic g of this score on `scale`.
    pub(crate) fn statistic(self, scale: Scale) -> Result<Statistic, Error> {
        Ok(match self {
            Score::TopBox(k, method) => Statistic::Share(scale.best_indices(k)?, method),
            Score::BottomBox(k, method) => Statistic::Share(scale.worst_indices(k)?, method),
            Score::Nps(method) => {
                // As `Nps::from_tally`: 0..=10, higher is better, asked as
                // NPS or unlabelled.
                let nps_points = scale.lowest() == 0
                    && scale.highest() == 10
                    && scale.polarity() == crate::foundation::scale::Polarity::HigherIsBetter;
                if !nps_points
                    || !matches!(
                        scale.question(),
                        crate::foundation::scale::Question::Nps
                            | crate::foundation::scale::Question::Other
                    )
                {
                    return Err(Scale::mismatch(Scale::NPS, scale));
                }
                Statistic::Nps(method)
            }
            Score::Mean => Statistic::Mean {
                lowest: f64::from(scale.lowest()),
                top: (scale.len() - 1) as f64,
            },
        })
    }
}

/// The design-based summary of a score, built from its [`Score`].
impl Linearized {
    /// The linearized summary of `score` over a tally (weighted or not).
    ///
    /// # Errors
    ///
    /// [`Error::EmptyTally`], [`Error::ZeroTotalWeight`],
    /// [`Error::InvalidBox`], and [`Error::ScaleMismatch`] for NPS off
    /// [`Scale::NPS`](crate::Scale::NPS).
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::design::Linearized;
    /// use cxmetrics::segment::Score;
    /// use cxmetrics::{Scale, Tally};
    /// let mut t = Tally::new(Scale::CSAT_5);
    /// t.extend_weighted_scores(&[5u8, 4, 1, 2], &[1.0, 1.0, 3.0, 1.0])?;
    /// let lin = Linearized::from_tally(&t, Score::top_box(2))?;
    /// assert_eq!(lin.value(), 2.0 / 6.0);
    /// assert_eq!((lin.n(), lin.n_positive()), (4, 4));
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn from_tally(tally: &Tally, score: Score) -> Result<Linearized, Error> {
        Linearized::of_statistic(tally, score.statistic(tally.scale())?)
    }
}
