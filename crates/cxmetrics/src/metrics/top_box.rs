//! Top-box and bottom-box shares (CSAT %, CES "% easy").

use crate::foundation::metric_kind::Metric;
use crate::inference::design::statistic::Statistic;
use crate::inference::design::variance_method::VarianceMethod;
use crate::inference::estimate::Estimate;
use crate::inference::interval::proportion::share_interval;
use crate::inference::interval::{IntervalSpec, ProportionMethod};
use std::fmt;
use std::ops::RangeInclusive;

use crate::counting::tally::Tally;
use crate::foundation::error::Error;
use crate::foundation::scale::Scale;
use crate::inference::design::moments::Moments;

/// The share of answers in the best (top box) or worst (bottom box) `k`
/// points of a scale, following its [`Polarity`](crate::Polarity).
///
/// On [`Scale::CSAT_5`] the top-2 box is 4 and 5 (the usual "CSAT %"). On
/// [`Scale::CES_5`], where 1 is very easy, the top-2 box is 1 and 2: the
/// share of "easy" answers.
///
/// # Formula
///
/// ```text
/// share = Σ_{x in box} w_x / Σ_x w_x      (unweighted: k_box / n)
/// ```
///
/// # Example
///
/// ```
/// use cxmetrics::{Scale, Tally, TopBox};
///
/// let csat = Tally::from_scores(Scale::CSAT_5, &[5, 4, 3, 4, 2])?;
/// assert_eq!(TopBox::top(&csat, 2)?.share(), 0.6);
///
/// let effort = Tally::from_scores(Scale::CES_5, &[1, 2, 5, 4])?; // 1 = very easy
/// let easy = TopBox::top(&effort, 2)?;
/// assert_eq!((easy.share(), easy.points()), (0.5, 1..=2));
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "TopBoxRepr", into = "TopBoxRepr")
)]
pub struct TopBox {
    scale: Scale,
    points: RangeInclusive<i32>,
    count: u64,
    n: u64,
    share: f64,
    effective_n: f64,
    /// The design-based moments, for weighted answers only.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub(crate) design: Option<Moments>,
}

impl TopBox {
    /// The share of the best `k` points.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidBox`] when `k` is 0 or more than the scale's points;
    /// [`Error::EmptyTally`]; [`Error::ZeroTotalWeight`].
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Scale, Tally, TopBox};
    /// let top2 = TopBox::top(&Tally::from_scores(Scale::CSAT_5, &[5u8, 4, 4, 3, 1])?, 2)?;
    /// assert_eq!(top2.share(), 0.6);
    /// assert!(TopBox::top(&Tally::from_scores(Scale::CSAT_5, &[5u8])?, 0).is_err());
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn top(tally: &Tally, k: u32) -> Result<TopBox, Error> {
        let range = tally.scale().best_indices(k)?;
        TopBox::over(tally, range)
    }

    /// The share of the worst `k` points.
    ///
    /// # Errors
    ///
    /// As [`TopBox::top`].
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Scale, Tally, TopBox};
    ///
    /// let t = Tally::from_scores(Scale::CSAT_5, &[1, 2, 5, 5])?;
    /// assert_eq!(TopBox::bottom(&t, 2)?.share(), 0.5);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn bottom(tally: &Tally, k: u32) -> Result<TopBox, Error> {
        let range = tally.scale().worst_indices(k)?;
        TopBox::over(tally, range)
    }

    fn over(tally: &Tally, range: std::ops::Range<usize>) -> Result<TopBox, Error> {
        tally.require_scorable()?;
        let scale = tally.scale();
        let points = scale.point_at(range.start)..=scale.point_at(range.end - 1);
        let (count, weight) = tally.sum_range(range.clone());
        let design = crate::inference::design::moments::weighted_moments(
            tally,
            &Statistic::Share(range, crate::inference::interval::ProportionMethod::Wald),
        );
        Ok(TopBox {
            scale,
            points,
            count,
            n: tally.n(),
            share: weight / tally.scaled_total_weight(),
            effective_n: tally.effective_n(),
            design,
        })
    }

    /// The indices of the box's points (0 = the scale's lowest point).
    pub(crate) fn indices(&self) -> std::ops::Range<usize> {
        let lowest = self.scale.lowest();
        (self.points.start() - lowest) as usize..(self.points.end() - lowest + 1) as usize
    }

    /// The share in the box, 0..=1 (weighted by survey weight).
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Scale, Tally, TopBox};
    /// let top2 = TopBox::top(&Tally::from_scores(Scale::CSAT_5, &[5u8, 4, 4, 3, 1])?, 2)?;
    /// assert_eq!(top2.share(), 0.6);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn share(&self) -> f64 {
        self.share
    }

    /// The share as a percentage, 0..=100.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Scale, Tally, TopBox};
    /// let top2 = TopBox::top(&Tally::from_scores(Scale::CSAT_5, &[5u8, 4, 4, 3, 1])?, 2)?;
    /// assert_eq!(top2.percent(), 60.0);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn percent(&self) -> f64 {
        100.0 * self.share
    }

    /// The number of answers in the box.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Scale, Tally, TopBox};
    /// let top2 = TopBox::top(&Tally::from_scores(Scale::CSAT_5, &[5u8, 4, 4, 3, 1])?, 2)?;
    /// assert_eq!(top2.count(), 3);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The number of rated answers.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Scale, Tally, TopBox};
    /// let top2 = TopBox::top(&Tally::from_scores(Scale::CSAT_5, &[5u8, 4, 4, 3, 1])?, 2)?;
    /// assert_eq!(top2.n(), 5);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn n(&self) -> u64 {
        self.n
    }

    /// Kish effective sample size (= [`TopBox::n`] when unweighted).
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Scale, Tally, TopBox};
    /// let top2 = TopBox::top(&Tally::from_scores(Scale::CSAT_5, &[5u8, 4, 4, 3, 1])?, 2)?;
    /// assert_eq!(top2.effective_n(), 5.0);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn effective_n(&self) -> f64 {
        self.effective_n
    }

    /// The points in the box, lowest first.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Scale, Tally, TopBox};
    /// let top2 = TopBox::top(&Tally::from_scores(Scale::CSAT_5, &[5u8, 4, 4, 3, 1])?, 2)?;
    /// assert_eq!(top2.points(), 4..=5);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn points(&self) -> RangeInclusive<i32> {
        self.points.clone()
    }

    /// The scale the share was taken on.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Scale, Tally, TopBox};
    /// let top2 = TopBox::top(&Tally::from_scores(Scale::CSAT_5, &[5u8, 4, 4, 3, 1])?, 2)?;
    /// assert_eq!(top2.scale(), Scale::CSAT_5);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn scale(&self) -> Scale {
        self.scale
    }
}

impl fmt::Display for TopBox {
    /// `60.0% in 4..=5 (n = 5)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = f.precision().unwrap_or(1);
        write!(
            f,
            "{:.p$}% in {}..={} (n = {})",
            self.percent(),
            self.points.start(),
            self.points.end(),
            self.n
        )
    }
}

/// The serialized form of a [`TopBox`]: the share first, then the box's
/// points (`first..=last`) on its scale and the counts.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct TopBoxRepr {
    share: f64,
    scale: Scale,
    first: i32,
    last: i32,
    count: u64,
    n: u64,
    effective_n: f64,
    /// The design-based moments of weighted answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    design: Option<crate::inference::design::moments::MomentsRepr>,
}

#[cfg(feature = "serde")]
impl From<TopBox> for TopBoxRepr {
    fn from(x: TopBox) -> TopBoxRepr {
        TopBoxRepr {
            share: x.share,
            scale: x.scale,
            first: *x.points.start(),
            last: *x.points.end(),
            count: x.count,
            n: x.n,
            effective_n: x.effective_n,
            design: x.design.map(Into::into),
        }
    }
}

#[cfg(feature = "serde")]
impl TryFrom<TopBoxRepr> for TopBox {
    type Error = Error;
    fn try_from(r: TopBoxRepr) -> Result<TopBox, Error> {
        use crate::metrics::check;
        const WHAT: &str = "top-box share";
        check::sizes(WHAT, r.n, r.effective_n)?;
        check::share(WHAT, "share", r.share)?;
        let (lo, hi) = (r.scale.lowest(), r.scale.highest());
        let at_an_end = (r.first == lo || r.last == hi) && r.first <= r.last;
        if !(lo <= r.first && r.last <= hi && at_an_end) {
            return Err(check::fail(
                WHAT,
                format!(
                    "points {}..={} are not a box at an end of scale {}",
                    r.first, r.last, r.scale
                ),
            ));
        }
        if r.count > r.n {
            return Err(check::fail(
                WHAT,
                format!("count {} is above n = {}", r.count, r.n),
            ));
        }
        Ok(TopBox {
            scale: r.scale,
            points: r.first..=r.last,
            count: r.count,
            n: r.n,
            share: r.share,
            effective_n: r.effective_n,
            design: r
                .design
                .map(|d| d.check(WHAT, r.n, r.share, (0.0, 1.0)))
                .transpose()?,
        })
    }
}

// Intervals: the share's counts (or its design moments) handed to
// inference.

impl TopBox {
    /// The share with its Wilson score interval (the recommended default).
    ///
    /// Weighted shares run the method at the Korn–Graubard effective
    /// sample size from the linearized variance (the default), or at Kish's
    /// effective sample size when the spec asks for
    /// [`VarianceMethod::Kish`]; see [`TopBox::estimate_with`].
    ///
    /// # Errors
    ///
    /// [`Error::PopulationTooSmall`] when the population is smaller than
    /// the number of answers.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{ConfidenceLevel, Scale, Tally, TopBox};
    ///
    /// let t = Tally::from_counts(Scale::CSAT_5, &[3, 2, 8, 20, 17])?;
    /// let est = TopBox::top(&t, 2)?.estimate(ConfidenceLevel::P95)?;
    /// assert_eq!(est.value, 0.74);
    /// assert!(est.interval.contains(0.74));
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn estimate(&self, spec: impl Into<IntervalSpec>) -> Result<Estimate, Error> {
        self.estimate_with(ProportionMethod::default(), spec)
    }

    /// The share with an interval by the given method.
    ///
    /// Unweighted answers use the exact counts. Weighted answers, with the
    /// default [`VarianceMethod::Linearized`], have the Taylor-linearized
    /// standard error and an interval as
    /// [`Linearized::estimate`](crate::design::Linearized::estimate)
    /// describes (Wald on it; the logit interval with n₊ − 1 degrees of
    /// freedom; every other method at the Korn–Graubard effective sample
    /// size, so Clopper–Pearson is R's `svyciprop(method = "beta")`); with
    /// [`VarianceMethod::Kish`], the method at Kish's effective sample
    /// size. Either way [`Estimate::design`] carries the design effects.
    ///
    /// # Errors
    ///
    /// As [`TopBox::estimate`]; for the logit interval,
    /// [`Error::ZeroVariance`] at a share of 0 or 1 and
    /// [`Error::TooFewAnswers`] below 2 answers (or 2 of positive weight);
    /// for the linearized variance, [`Error::TooFewAnswers`] below 2
    /// answers, or below 2 of positive weight for methods other than Wald.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::interval::ProportionMethod;
    /// use cxmetrics::{ConfidenceLevel, Scale, Tally, TopBox};
    /// let t = Tally::from_counts(Scale::CSAT_5, &[0, 0, 0, 0, 12])?;
    /// let all_top = TopBox::top(&t, 2)?;
    /// let cp = all_top.estimate_with(ProportionMethod::ClopperPearson, ConfidenceLevel::P95)?;
    /// assert_eq!(cp.interval.upper, 1.0);
    /// assert!((cp.interval.lower - 0.025f64.powf(1.0 / 12.0)).abs() < 1e-12);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn estimate_with(
        &self,
        method: ProportionMethod,
        spec: impl Into<IntervalSpec>,
    ) -> Result<Estimate, Error> {
        let spec = spec.into();
        if let Some(m) = &self.design
            && spec.variance_method() == VarianceMethod::Linearized
        {
            let statistic = Statistic::Share(self.indices(), method);
            // Centred on this share: the value is share().
            let m = m.centred_on(self.share(), None);
            return crate::inference::design::interval::estimate(&m, &statistic, spec);
        }
        let (k, n) = self.binomial();
        let mut est = share_interval(k, n, self.n(), method, spec)?;
        est.value = self.share();
        est.metric = Metric::TopBox;
        est.effective_n = self.effective_n();
        est.design = self.design.map(|m| m.effects(VarianceMethod::Kish));
        // The share itself may sit an ulp outside an interval computed
        // from k/n (a census of weights 15 and 1): reached, then checked.
        est.sane("a top-box interval")
    }

    /// (successes, trials) for the binomial methods: the exact counts when
    /// the answers are unweighted, else the share times the Kish effective
    /// sample size.
    pub(crate) fn binomial(&self) -> (f64, f64) {
        let ([k], n) = crate::inference::interval::method_counts(
            self.n(),
            self.effective_n(),
            [(self.count(), self.share())],
        );
        (k, n)
    }
}
