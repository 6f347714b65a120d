//! The statistic as a value per scale point: the only thing the variance
//! code knows about a metric.

use crate::foundation::error::Error;
use crate::foundation::scale::{Polarity, Scale};

/// Which statistic of one question a design estimates.
///
/// Every one is the weighted mean of a value g(x) attached to each scale
/// point x (see [`PointValues`]); NPS is reported in points (×100).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Statistic {
    /// The share of the `k` best points (respecting the scale's polarity).
    TopBox(u32),
    /// The share of the `k` worst points.
    BottomBox(u32),
    /// The mean answer (for a total: the sum of the answers).
    Mean,
    /// Net Promoter Score in points: +100 for 9–10, 0 for 7–8, −100 for
    /// 0–6 (the scale must be 0..=10, higher is better).
    Nps,
}

/// How bounds of a statistic are clipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum ValueKind {
    /// A share in 0..=1: Wald and t bounds are clipped to 0..=1; the
    /// Korn–Graubard and logit intervals apply.
    Share,
    /// NPS in −100..=100: Wald and t bounds are clipped to that range.
    Nps,
    /// A mean on the scale (or any other value vector): Wald bounds are
    /// clipped to the range of the values, t bounds are not.
    Mean,
}

/// The value g(x) of a statistic at each point x of a scale, lowest point
/// first, with the range its estimates live in.
///
/// The design code works over these values and weight sums only, never
/// over metric types: a share is the mean of a 0/1 indicator, NPS the
/// mean of +100/0/−100, a mean the mean of the score itself.
///
/// # Example
///
/// ```
/// use cxmetrics::Scale;
/// use cxmetrics::complex::{PointValues, Statistic};
/// let v = PointValues::new(Scale::CSAT_5, Statistic::TopBox(2))?;
/// assert_eq!(v.values(), &[0.0, 0.0, 0.0, 1.0, 1.0]);
/// let nps = PointValues::new(Scale::NPS, Statistic::Nps)?;
/// assert_eq!(nps.values()[10], 100.0);
/// assert_eq!(nps.values()[6], -100.0);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PointValues {
    scale: Scale,
    values: Vec<f64>,
    kind: ValueKind,
    lowest: f64,
    highest: f64,
}

/// The error for a statistic, tally or design on another scale (the one
/// place that builds it: `Error::ScaleMismatch`'s fields change with the
/// crate's layers).
pub(crate) fn scale_mismatch(expected: Scale, actual: Scale) -> Error {
    Scale::mismatch(expected, actual)
}

impl PointValues {
    /// The values of `statistic` on `scale`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidBox`] for a box of 0 points or more points than the
    /// scale has; [`Error::ScaleMismatch`] for NPS on a scale other than
    /// 0..=10 with higher better.
    pub fn new(scale: Scale, statistic: Statistic) -> Result<PointValues, Error> {
        let n = scale.len();
        let (values, kind, lowest, highest) = match statistic {
            Statistic::TopBox(k) | Statistic::BottomBox(k) => {
                let range = if matches!(statistic, Statistic::TopBox(_)) {
                    scale.best_indices(k)?
                } else {
                    scale.worst_indices(k)?
                };
                let values = (0..n).map(|i| f64::from(u8::from(range.contains(&i))));
                (values.collect(), ValueKind::Share, 0.0, 1.0)
            }
            Statistic::Mean => (
                scale.points().map(f64::from).collect(),
                ValueKind::Mean,
                f64::from(scale.lowest()),
                f64::from(scale.highest()),
            ),
            Statistic::Nps => {
                if scale.lowest() != 0
                    || scale.highest() != 10
                    || scale.polarity() != Polarity::HigherIsBetter
                {
                    return Err(scale_mismatch(Scale::NPS, scale));
                }
                let values = scale.points().map(|x| match x {
                    9.. => 100.0,
                    7 | 8 => 0.0,
                    _ => -100.0,
                });
                (values.collect(), ValueKind::Nps, -100.0, 100.0)
            }
        };
        Ok(PointValues {
            scale,
            values,
            kind,
            lowest,
            highest,
        })
    }

    /// Any finite value per point (for example a custom net score or a
    /// recoded answer); treated as a mean: Wald bounds are clipped to the
    /// range of the values, t bounds are not.
    ///
    /// # Errors
    ///
    /// [`Error::LengthMismatch`] unless there is one value per point;
    /// [`Error::InvalidArgument`] for a value that is not finite.
    pub fn custom(scale: Scale, values: &[f64]) -> Result<PointValues, Error> {
        if values.len() != scale.len() {
            return Err(Error::LengthMismatch {
                left_name: "values",
                left: values.len(),
                right_name: "scale points",
                right: scale.len(),
            });
        }
        if let Some(&bad) = values.iter().find(|v| !v.is_finite()) {
            return Err(Error::InvalidArgument {
                name: "point value",
                value: bad,
                expected: "a finite number",
            });
        }
        let lowest = values.iter().copied().fold(f64::INFINITY, f64::min);
        let highest = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        Ok(PointValues {
            scale,
            values: values.to_vec(),
            kind: ValueKind::Mean,
            lowest,
            highest,
        })
    }

    /// A paired comparison as one statistic: the same respondents answer
    /// two questions (or one question twice), and the difference of the
    /// two statistics' means is the mean of h(x, y) = g₁(x) − g₂(y) over
    /// the pairs. Each pair (x, y) is one point of a product scale
    /// `0..=p₁·p₂ − 1` (point [`PointValues::pair_point`]); a
    /// [`crate::inference::complex::SurveyDesign`] on that scale then gives the paired
    /// difference with its design-based SE, which includes the covariance
    /// of the two answers (R: `svymean(~I(y1 - y2), design)`).
    ///
    /// Returns the product scale and h on it (a mean: Wald bounds clipped
    /// to ± the largest difference, t bounds not).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidScale`] when p₁·p₂ exceeds [`Scale::MAX_POINTS`].
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::Scale;
    /// use cxmetrics::complex::{DesignKey, PointValues, Statistic, SurveyDesign};
    /// let before = PointValues::new(Scale::CSAT_5, Statistic::TopBox(2))?;
    /// let after = PointValues::new(Scale::CSAT_5, Statistic::TopBox(2))?;
    /// let (pairs, change) = PointValues::paired(&before, &after)?;
    /// let mut d = SurveyDesign::new(pairs);
    /// for (x, y, w) in [(5, 4, 1.0), (2, 5, 2.0), (3, 3, 1.0), (1, 4, 0.5)] {
    ///     d.push(PointValues::pair_point(&before, &after, x, y)?, w, DesignKey::new())?;
    /// }
    /// let e = d.estimate(&change, None)?;
    /// // share before − after: (0·1 − 1·2 + 0·1 − 1·0.5) / 4.5
    /// assert!((e.estimate + 2.5 / 4.5).abs() < 1e-15);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn paired(
        first: &PointValues,
        second: &PointValues,
    ) -> Result<(Scale, PointValues), Error> {
        let (p1, p2) = (first.values.len(), second.values.len());
        // Both have at most 1001 points: the product fits an i32, and a
        // product above 1001 points is the scale's own error.
        let points = p1 * p2;
        let scale = Scale::new(0, points as i32 - 1, Polarity::HigherIsBetter)?;
        let mut values = Vec::with_capacity(points);
        for a in &first.values {
            for b in &second.values {
                values.push(a - b);
            }
        }
        let span = first.span().max(second.span());
        Ok((
            scale,
            PointValues {
                scale,
                values,
                kind: ValueKind::Mean,
                lowest: -span,
                highest: span,
            },
        ))
    }

    /// The point of the product scale of [`PointValues::paired`] for the
    /// answers `x` (first question) and `y` (second).
    ///
    /// # Errors
    ///
    /// [`Error::ScoreOutOfRange`] for an answer off its scale.
    pub fn pair_point(
        first: &PointValues,
        second: &PointValues,
        x: i32,
        y: i32,
    ) -> Result<i32, Error> {
        let i = first.scale.rating(x)?.value() - first.scale.lowest();
        let j = second.scale.rating(y)?.value() - second.scale.lowest();
        Ok(i * second.values.len() as i32 + j)
    }

    /// The scale the values belong to.
    #[must_use]
    pub fn scale(&self) -> Scale {
        self.scale
    }

    /// g(x) per point, lowest point first.
    #[must_use]
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// How bounds are clipped.
    #[must_use]
    pub fn kind(&self) -> ValueKind {
        self.kind
    }

    /// The range estimates live in: 0..=1 for shares, −100..=100 for NPS,
    /// the scale (or the values' range) for means.
    #[must_use]
    pub fn range(&self) -> (f64, f64) {
        (self.lowest, self.highest)
    }

    /// The largest possible difference of two estimates: 1 for shares,
    /// 200 for NPS, the width of the range for means.
    #[must_use]
    pub fn span(&self) -> f64 {
        self.highest - self.lowest
    }

    pub(crate) fn check_scale(&self, scale: Scale) -> Result<(), Error> {
        if self.scale == scale {
            Ok(())
        } else {
            Err(scale_mismatch(scale, self.scale))
        }
    }
}
