//! Live scores from a tally: the fixed-n interval beside the anytime-valid
//! confidence sequence, and always-valid comparisons of two tallies.

use std::fmt;

use crate::counting::concurrent::AtomicTally;
use crate::counting::tally::Tally;
use crate::counting::window::Window;
use crate::foundation::error::Error;
use crate::foundation::scale::Scale;
use crate::foundation::unit::Unit;
use crate::inference::design::moments::{self, Moments};
use crate::inference::estimate::Estimate;
use crate::inference::sequential::{
    self, BoundedSample, ConfidenceSequence, DifferenceSequence, SequenceMethod, SequenceSpec,
};
use crate::metrics::mean::Mean;
use crate::metrics::nps::Nps;
use crate::metrics::top_box::TopBox;

/// A live score: the fixed-n confidence interval (valid if this is the one
/// look you take) beside the anytime-valid confidence sequence (valid
/// however often the score is looked at).
///
/// # Example
///
/// ```
/// use cxmetrics::monitor;
/// use cxmetrics::sequential::SequenceSpec;
/// use cxmetrics::{ConfidenceLevel, Scale, Tally};
/// let t = Tally::from_counts(Scale::NPS, &[5, 2, 3, 5, 5, 5, 5, 15, 15, 20, 20])?;
/// let live = monitor::nps(&t, &SequenceSpec::new(ConfidenceLevel::P95, 500.0)?)?;
/// assert!(live.sequence.interval.width() > live.fixed.interval.width());
/// assert!(live.to_string().contains("95% CI") && live.to_string().contains("anytime-valid 95% confidence sequence"));
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LiveEstimate {
    /// The fixed-n estimate with the crate's default interval for the
    /// score (adjusted Wald for NPS, Wilson for shares, t for means).
    pub fixed: Estimate,
    /// The anytime-valid confidence sequence, in the same unit.
    pub sequence: ConfidenceSequence,
}

impl fmt::Display for LiveEstimate {
    /// `20.0 (95% CI 3.8 to 35.1, n = 100; anytime-valid 95% confidence
    /// sequence -6.3 to 44.1)`; shares in percent.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = f.precision().unwrap_or(1);
        let (k, u) = (self.fixed.unit.display_factor(), self.fixed.unit.suffix());
        let (e, s) = (&self.fixed, &self.sequence);
        write!(
            f,
            "{:.p$}{u} ({} CI {:.p$}{u} to {:.p$}{u}, n = {}; anytime-valid {} confidence sequence {:.p$}{u} to {:.p$}{u})",
            e.value * k,
            e.level,
            e.interval.lower * k,
            e.interval.upper * k,
            e.n,
            s.level,
            s.interval.lower * k,
            s.interval.upper * k,
        )
    }
}

/// Whether every answer of the tally weighs exactly 1.
pub(crate) fn is_unweighted(tally: &Tally) -> bool {
    moments::is_unweighted(tally.point_sums(), tally.weight_exponent())
}

/// The weighted mean of g over the tally's points and its linearized
/// per-observation variance n·Σ_x (g(x) − ȳ)² W₂(x)/W², from the crate's
/// design-based moments (whose variance of ȳ carries R's n/(n − 1)
/// factor, removed here). The tally is scorable.
fn linearized(tally: &Tally, g: impl Fn(i32) -> f64) -> (f64, f64) {
    let scale = tally.scale();
    let m = Moments::of(|| {
        tally
            .point_sums()
            .zip(scale.points())
            .map(|(s, x)| (s, g(x)))
    });
    let per_observation = m.variance.map_or(0.0, |v| v * (m.n as f64 - 1.0));
    (m.mean, per_observation)
}

/// The sequence of a weighted tally: the asymptotic one with the
/// design-based variance, or an error for the exact methods.
fn weighted_sequence(
    tally: &Tally,
    spec: &SequenceSpec,
    g: impl Fn(i32) -> f64,
    (lower, upper): (f64, f64),
) -> Result<ConfidenceSequence, Error> {
    if spec.sequence_method() != SequenceMethod::Asymptotic {
        return Err(Error::InvalidArgument {
            name: "Kish effective sample size of a weighted tally",
            value: tally.effective_n(),
            expected: "an unweighted tally (every weight 1) for an exact sequence; \
                       SequenceMethod::Asymptotic takes weighted tallies with the design-based variance",
        });
    }
    let (ybar, variance) = linearized(tally, g);
    sequential::asymptotic_mean(
        ybar.clamp(lower, upper),
        variance,
        tally.n(),
        lower,
        upper,
        spec,
    )
}

/// Refuses a weighted tally: the comparisons' guarantees are for
/// unweighted, independent answers.
pub(crate) fn require_unweighted(tally: &Tally) -> Result<(), Error> {
    if is_unweighted(tally) {
        Ok(())
    } else {
        Err(Error::InvalidArgument {
            name: "Kish effective sample size of a weighted tally",
            value: tally.effective_n(),
            expected: "an unweighted tally (every weight 1): confidence sequences and always-valid tests hold for unweighted answers only",
        })
    }
}

/// The answers of a tally as a bounded sample on its scale.
pub(crate) fn scale_sample(tally: &Tally) -> Result<BoundedSample, Error> {
    let scale = tally.scale();
    let values: Vec<f64> = scale.points().map(f64::from).collect();
    BoundedSample::from_counts(
        &values,
        tally.counts(),
        f64::from(scale.lowest()),
        f64::from(scale.highest()),
    )
}

fn nps_sample(nps: &Nps) -> Result<BoundedSample, Error> {
    BoundedSample::from_counts(
        &[-1.0, 0.0, 1.0],
        &[nps.detractors(), nps.passives(), nps.promoters()],
        -1.0,
        1.0,
    )
}

/// Live NPS of a 0–10 tally, in points.
///
/// Weighted tallies take the weighted NPS with the design-based
/// asymptotic sequence ([`SequenceMethod::Asymptotic`] only; see
/// [`sequential::asymptotic_mean`]).
///
/// # Errors
///
/// As [`Nps::from_tally`] (scale, empty tally); [`Error::InvalidArgument`]
/// for a weighted tally with an exact method.
///
/// # Example
///
/// ```
/// use cxmetrics::monitor;
/// use cxmetrics::sequential::SequenceSpec;
/// use cxmetrics::{ConfidenceLevel, Scale, Tally};
/// let t = Tally::from_scores(Scale::NPS, &[10u8, 9, 9, 8, 7, 6, 3, 10, 9, 5])?;
/// let live = monitor::nps(&t, &SequenceSpec::new(ConfidenceLevel::P95, 100.0)?)?;
/// assert_eq!(live.fixed.value, 20.0);
/// assert_eq!(live.sequence.value, 20.0);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn nps(tally: &Tally, spec: &SequenceSpec) -> Result<LiveEstimate, Error> {
    let score = Nps::from_tally(tally)?;
    let fixed = score.estimate(spec.confidence_level())?;
    if !is_unweighted(tally) {
        let nps_of = |x: i32| match x {
            9.. => 1.0,
            7 | 8 => 0.0,
            _ => -1.0,
        };
        let sequence = weighted_sequence(tally, spec, nps_of, (-1.0, 1.0))?
            .in_unit(100.0, Unit::NpsPoints)
            .with_value(fixed.value);
        return Ok(LiveEstimate { fixed, sequence });
    }
    let sequence = sequential::mean(&nps_sample(&score)?, spec)?
        .in_unit(100.0, Unit::NpsPoints)
        .with_value(fixed.value);
    Ok(LiveEstimate { fixed, sequence })
}

/// Live share of the best `k` points of a tally (CSAT top-2, "% easy"), as
/// a fraction. Weighted tallies as in [`nps`].
///
/// # Errors
///
/// As [`TopBox::top`]; [`Error::InvalidArgument`] for a weighted tally
/// with an exact method.
///
/// # Example
///
/// ```
/// use cxmetrics::monitor;
/// use cxmetrics::sequential::SequenceSpec;
/// use cxmetrics::{ConfidenceLevel, Scale, Tally};
/// let t = Tally::from_counts(Scale::CSAT_5, &[3, 2, 8, 20, 17])?;
/// let live = monitor::top_box(&t, 2, &SequenceSpec::new(ConfidenceLevel::P95, 100.0)?)?;
/// assert!((live.sequence.value - 0.74).abs() < 1e-12);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn top_box(tally: &Tally, k: u32, spec: &SequenceSpec) -> Result<LiveEstimate, Error> {
    let score = TopBox::top(tally, k)?;
    let fixed = score.estimate(spec.confidence_level())?;
    if !is_unweighted(tally) {
        let points = score.points();
        let sequence = weighted_sequence(
            tally,
            spec,
            |x| f64::from(u8::from(points.contains(&x))),
            (0.0, 1.0),
        )?
        .in_unit(1.0, Unit::Share)
        .with_value(fixed.value);
        return Ok(LiveEstimate { fixed, sequence });
    }
    let sequence = sequential::proportion(score.count(), score.n(), spec)?.with_value(fixed.value);
    Ok(LiveEstimate { fixed, sequence })
}

/// Live mean of a tally, in scale points (CES, CSAT as a mean), with the
/// scale's ends as the range. Weighted tallies as in [`nps`].
///
/// # Errors
///
/// As [`Mean::from_tally`] and [`Mean::estimate`] (a t interval needs two
/// answers); [`Error::InvalidArgument`] for a weighted tally with an exact
/// method.
///
/// # Example
///
/// ```
/// use cxmetrics::monitor;
/// use cxmetrics::sequential::SequenceSpec;
/// use cxmetrics::{ConfidenceLevel, Scale, Tally};
/// let t = Tally::from_counts(Scale::CES_7, &[1, 1, 2, 5, 10, 20, 11])?;
/// let live = monitor::mean(&t, &SequenceSpec::new(ConfidenceLevel::P95, 100.0)?)?;
/// assert!(live.sequence.interval.lower >= 1.0 && live.sequence.interval.upper <= 7.0);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn mean(tally: &Tally, spec: &SequenceSpec) -> Result<LiveEstimate, Error> {
    let score = Mean::from_tally(tally)?;
    let fixed = score.estimate(spec.confidence_level())?;
    if !is_unweighted(tally) {
        let scale = tally.scale();
        let range = (f64::from(scale.lowest()), f64::from(scale.highest()));
        let sequence = weighted_sequence(tally, spec, f64::from, range)?.with_value(fixed.value);
        return Ok(LiveEstimate { fixed, sequence });
    }
    let sequence = sequential::mean(&scale_sample(tally)?, spec)?.with_value(fixed.value);
    Ok(LiveEstimate { fixed, sequence })
}

/// Always-valid comparison of the NPS of two unweighted tallies, a − b, in
/// points (two groups, or two periods: pass the later period first to get
/// the change).
///
/// # Errors
///
/// As [`nps`] for either tally.
///
/// # Example
///
/// ```
/// use cxmetrics::monitor;
/// use cxmetrics::sequential::SequenceSpec;
/// use cxmetrics::{ConfidenceLevel, Scale, Tally};
/// // promoters 9–10, passives 7–8, detractors 0–6
/// let april = Tally::from_counts(Scale::NPS, &[0, 0, 0, 0, 0, 0, 100, 0, 150, 0, 150])?;
/// let march = Tally::from_counts(Scale::NPS, &[0, 0, 0, 0, 0, 0, 100, 0, 100, 0, 200])?;
/// let d = monitor::compare_nps(&april, &march, &SequenceSpec::new(ConfidenceLevel::P95, 400.0)?)?;
/// assert_eq!(d.difference, -12.5);
/// assert!(d.to_string().starts_with("-12.5 points (anytime-valid 95% confidence sequence"));
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn compare_nps(a: &Tally, b: &Tally, spec: &SequenceSpec) -> Result<DifferenceSequence, Error> {
    let (na, nb) = (Nps::from_tally(a)?, Nps::from_tally(b)?);
    require_unweighted(a)?;
    require_unweighted(b)?;
    Ok(
        sequential::difference(&nps_sample(&na)?, &nps_sample(&nb)?, spec)?
            .in_unit(100.0, Unit::NpsPoints)
            .with_difference(na.score() - nb.score()),
    )
}

/// Always-valid comparison of the top-`k` shares of two unweighted
/// tallies of the same scale, a − b, as a fraction (shown in percentage
/// points).
///
/// # Errors
///
/// As [`top_box`] for either tally; [`Error::ScaleMismatch`] when the
/// scales differ.
pub fn compare_top_box(
    a: &Tally,
    b: &Tally,
    k: u32,
    spec: &SequenceSpec,
) -> Result<DifferenceSequence, Error> {
    same_scale(a.scale(), b.scale())?;
    let (ta, tb) = (TopBox::top(a, k)?, TopBox::top(b, k)?);
    require_unweighted(a)?;
    require_unweighted(b)?;
    let sa = BoundedSample::bernoulli(ta.count(), ta.n())?;
    let sb = BoundedSample::bernoulli(tb.count(), tb.n())?;
    Ok(sequential::difference(&sa, &sb, spec)?.in_unit(1.0, Unit::Share))
}

/// Always-valid comparison of the means of two unweighted tallies of the
/// same scale, a − b, in scale points.
///
/// # Errors
///
/// As [`mean`] for either tally (without its two-answer minimum);
/// [`Error::ScaleMismatch`] when the scales differ.
pub fn compare_mean(
    a: &Tally,
    b: &Tally,
    spec: &SequenceSpec,
) -> Result<DifferenceSequence, Error> {
    same_scale(a.scale(), b.scale())?;
    Mean::from_tally(a)?;
    Mean::from_tally(b)?;
    require_unweighted(a)?;
    require_unweighted(b)?;
    sequential::difference(&scale_sample(a)?, &scale_sample(b)?, spec)
}

fn same_scale(a: Scale, b: Scale) -> Result<(), Error> {
    if a.lowest() == b.lowest() && a.highest() == b.highest() && a.polarity() == b.polarity() {
        Ok(())
    } else {
        Err(Scale::mismatch(a, b))
    }
}

/// Live scores straight from the crate's live containers: a [`Tally`], an
/// [`AtomicTally`] (from a snapshot) and a [`Window`] of tallies (from its
/// total). Each method is the function of the same name in
/// [`monitor`](crate::monitor).
///
/// # Example
///
/// ```
/// use cxmetrics::monitor::LiveScores;
/// use cxmetrics::sequential::SequenceSpec;
/// use cxmetrics::{AtomicTally, ConfidenceLevel, Scale, Tally, Window};
///
/// let spec = SequenceSpec::new(ConfidenceLevel::P95, 1000.0)?;
/// let live = AtomicTally::new(Scale::NPS);
/// live.extend_scores(&[10u8, 9, 8, 3, 10, 9, 7, 6, 10, 9])?;
/// println!("{}", live.live_nps(&spec)?); // 40.0 (95% CI …; anytime-valid 95% confidence sequence …)
///
/// let mut week = Window::new(Tally::new(Scale::CSAT_5), 7)?;
/// week.get_mut(1)?.extend_scores(&[5u8, 4, 4, 2])?;
/// week.get_mut(2)?.extend_scores(&[5u8, 3])?;
/// let top2 = week.live_top_box(2, &spec)?;
/// assert!((top2.sequence.value - 4.0 / 6.0).abs() < 1e-12);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub trait LiveScores {
    /// The tally the scores are computed from.
    ///
    /// # Errors
    ///
    /// As the container's snapshot or total.
    fn live_tally(&self) -> Result<Tally, Error>;

    /// [`nps`] of the current tally.
    ///
    /// # Errors
    ///
    /// As [`nps`] and [`live_tally`](Self::live_tally).
    fn live_nps(&self, spec: &SequenceSpec) -> Result<LiveEstimate, Error> {
        nps(&self.live_tally()?, spec)
    }

    /// [`top_box`] of the current tally.
    ///
    /// # Errors
    ///
    /// As [`top_box`] and [`live_tally`](Self::live_tally).
    fn live_top_box(&self, k: u32, spec: &SequenceSpec) -> Result<LiveEstimate, Error> {
        top_box(&self.live_tally()?, k, spec)
    }

    /// [`mean`] of the current tally.
    ///
    /// # Errors
    ///
    /// As [`mean`] and [`live_tally`](Self::live_tally).
    fn live_mean(&self, spec: &SequenceSpec) -> Result<LiveEstimate, Error> {
        mean(&self.live_tally()?, spec)
    }
}

impl LiveScores for Tally {
    fn live_tally(&self) -> Result<Tally, Error> {
        Ok(self.clone())
    }

    fn live_nps(&self, spec: &SequenceSpec) -> Result<LiveEstimate, Error> {
        nps(self, spec)
    }

    fn live_top_box(&self, k: u32, spec: &SequenceSpec) -> Result<LiveEstimate, Error> {
        top_box(self, k, spec)
    }

    fn live_mean(&self, spec: &SequenceSpec) -> Result<LiveEstimate, Error> {
        mean(self, spec)
    }
}

impl LiveScores for AtomicTally {
    fn live_tally(&self) -> Result<Tally, Error> {
        self.snapshot()
    }
}

impl LiveScores for Window<Tally> {
    fn live_tally(&self) -> Result<Tally, Error> {
        self.total()
    }
}
