//! The value g(x) a score gives each scale point, and the score's family.

use std::ops::Range;

use crate::analysis::segment::Score;
use crate::foundation::error::Error;
use crate::foundation::metric_kind::Metric;
use crate::foundation::scale::Scale;
use crate::foundation::unit::Unit;
use crate::inference::interval::{NpsMethod, ProportionMethod};

/// A score as a function of the scale point: an indicator of a box, the
/// +1/0/−1 NPS score, or the point itself (as an offset from the lowest
/// point, which leaves every variance unchanged).
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Statistic {
    /// 1 inside the box (indices), 0 outside.
    Share(Range<usize>, ProportionMethod),
    /// +1 for 9–10, −1 for 0–6 on [`Scale::NPS`].
    Nps(NpsMethod),
    /// +1 in the best points, −1 in the worst (indices), 0 between: a net
    /// score, with NPS's interval methods.
    Net {
        /// The best points.
        best: Range<usize>,
        /// The worst points.
        worst: Range<usize>,
        /// The interval method.
        method: NpsMethod,
    },
    /// The point's offset from the scale's lowest point.
    Mean {
        /// The scale's lowest point, added back to the mean.
        lowest: f64,
        /// The number of points minus 1: the largest offset.
        top: f64,
    },
}

impl Statistic {
    /// The statistic of `score` on `scale`.
    pub(crate) fn of(score: Score, scale: Scale) -> Result<Statistic, Error> {
        Ok(match score {
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

    /// g at the point with index `i`.
    #[inline]
    pub(crate) fn value(&self, i: usize) -> f64 {
        match self {
            Statistic::Share(range, _) => f64::from(u8::from(range.contains(&i))),
            Statistic::Nps(_) => match i {
                9.. => 1.0,
                7 | 8 => 0.0,
                _ => -1.0,
            },
            Statistic::Net { best, worst, .. } => {
                if best.contains(&i) {
                    1.0
                } else if worst.contains(&i) {
                    -1.0
                } else {
                    0.0
                }
            }
            Statistic::Mean { .. } => i as f64,
        }
    }

    /// Which score this is.
    pub(crate) fn metric(&self) -> Metric {
        match self {
            Statistic::Share(..) => Metric::TopBox,
            Statistic::Nps(_) => Metric::Nps,
            Statistic::Net { .. } => Metric::NetScore,
            Statistic::Mean { .. } => Metric::Mean,
        }
    }

    /// The unit of the reported value.
    pub(crate) fn unit(&self) -> Unit {
        match self {
            Statistic::Share(..) => Unit::Share,
            Statistic::Nps(_) | Statistic::Net { .. } => Unit::NpsPoints,
            Statistic::Mean { .. } => Unit::ScalePoints,
        }
    }

    /// The factor from the mean of g to the reported value's scale (100
    /// for NPS points) and the offset added after it (the scale's lowest
    /// point for a mean).
    pub(crate) fn report(&self, mean_of_g: f64) -> f64 {
        match self {
            Statistic::Share(..) => mean_of_g,
            Statistic::Nps(_) | Statistic::Net { .. } => 100.0 * mean_of_g,
            Statistic::Mean { lowest, .. } => lowest + mean_of_g,
        }
    }

    /// The factor from the standard error of the mean of g to that of the
    /// reported value.
    pub(crate) fn se_factor(&self) -> f64 {
        match self {
            Statistic::Nps(_) | Statistic::Net { .. } => 100.0,
            Statistic::Share(..) | Statistic::Mean { .. } => 1.0,
        }
    }
}
