//! The value g(x) a score gives each scale point, and the score's family.

use std::ops::Range;

use crate::foundation::metric_kind::Metric;
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
