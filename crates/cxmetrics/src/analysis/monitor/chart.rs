//! CUSUM and EWMA change charts over a series of per-period tallies.

use std::fmt;

use crate::analysis::monitor::arl;
use crate::analysis::monitor::live::require_unweighted;
use crate::counting::tally::Tally;
use crate::foundation::error::Error;
use crate::foundation::unit::Unit;
use crate::metrics::mean::Mean;
use crate::metrics::nps::Nps;
use crate::metrics::top_box::TopBox;

/// The score a chart watches, one value per period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum ChartScore {
    /// NPS, in points.
    Nps,
    /// The share of the best `k` points (CSAT top-2, "% easy"), as a fraction.
    TopBox(u32),
    /// The mean, in scale points.
    Mean,
}

impl ChartScore {
    /// The unit of the score's values.
    #[must_use]
    pub fn unit(self) -> Unit {
        match self {
            ChartScore::Nps => Unit::NpsPoints,
            ChartScore::TopBox(_) => Unit::Share,
            ChartScore::Mean => Unit::ScalePoints,
        }
    }

    /// The score of a tally and its number of answers, with the per-answer
    /// standard deviation (population form).
    fn of(self, tally: &Tally) -> Result<(f64, u64, f64), Error> {
        require_unweighted(tally)?;
        match self {
            ChartScore::Nps => {
                let s = Nps::from_tally(tally)?;
                let (p, d) = (s.promoter_share(), s.detractor_share());
                let var = (p + d - (p - d) * (p - d)).max(0.0);
                Ok((s.score(), s.n(), 100.0 * var.sqrt()))
            }
            ChartScore::TopBox(k) => {
                let s = TopBox::top(tally, k)?;
                let p = s.share();
                Ok((p, s.n(), (p * (1.0 - p)).max(0.0).sqrt()))
            }
            ChartScore::Mean => {
                let s = Mean::from_tally(tally)?;
                Ok((s.mean(), s.n(), s.population_variance().max(0.0).sqrt()))
            }
        }
    }
}

impl fmt::Display for ChartScore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChartScore::Nps => f.write_str("NPS"),
            ChartScore::TopBox(k) => write!(f, "top-{k} share"),
            ChartScore::Mean => f.write_str("mean"),
        }
    }
}

/// The in-control level of a score: the mean and the standard deviation
/// *per answer*, in the score's unit. A period of n answers is then
/// standardized as z = (value − mean)·√n / sd, which is what the charts
/// watch, so days with more answers weigh more.
///
/// # Example
///
/// ```
/// use cxmetrics::monitor::{Baseline, ChartScore};
/// use cxmetrics::{Scale, Tally, Unit};
/// // Six weeks of history, merged.
/// let history = Tally::from_counts(Scale::NPS, &[20, 10, 10, 20, 20, 40, 80, 200, 200, 200, 200])?;
/// let b = Baseline::from_tally(ChartScore::Nps, &history)?;
/// assert_eq!(b.unit, Unit::NpsPoints);
/// assert!((b.mean - 100.0 * (400.0 - 200.0) / 1000.0).abs() < 1e-9);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "BaselineRepr")
)]
pub struct Baseline {
    /// The in-control mean.
    pub mean: f64,
    /// The in-control standard deviation of one answer.
    pub sd: f64,
    /// The unit of `mean` and `sd`.
    pub unit: Unit,
}

impl Baseline {
    /// A baseline stated by the caller (a target, or last year's level).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] unless `mean` is finite and `sd` positive
    /// and finite.
    pub fn new(mean: f64, sd: f64, unit: Unit) -> Result<Baseline, Error> {
        if !mean.is_finite() {
            return Err(Error::InvalidArgument {
                name: "baseline mean",
                value: mean,
                expected: "a finite number",
            });
        }
        if !(sd > 0.0 && sd.is_finite()) {
            return Err(Error::InvalidArgument {
                name: "baseline standard deviation",
                value: sd,
                expected: "a positive finite standard deviation per answer",
            });
        }
        Ok(Baseline { mean, sd, unit })
    }

    /// The baseline estimated from a tally of in-control history (the
    /// merged tallies of earlier periods: "phase I"). Its estimation error
    /// is ignored, so give it many more answers than a period has.
    ///
    /// # Errors
    ///
    /// As the score's constructor; [`Error::InvalidArgument`] for a
    /// weighted tally or when every answer is the same (sd 0).
    pub fn from_tally(score: ChartScore, tally: &Tally) -> Result<Baseline, Error> {
        let (mean, _, sd) = score.of(tally)?;
        Baseline::new(mean, sd, score.unit())
    }
}

/// A two-sided tabular CUSUM: C⁺ₜ = max(0, C⁺ₜ₋₁ + zₜ − k) and
/// C⁻ₜ = max(0, C⁻ₜ₋₁ − zₜ − k) from 0, signalling when either reaches h
/// (Page 1954; Montgomery 2009, §9.1). k = δ/2 is best for detecting a
/// shift of δ standard errors; k = ½ is the usual choice.
///
/// # Example
///
/// ```
/// use cxmetrics::monitor::CusumDesign;
/// let d = CusumDesign::for_arl0(370.0, 0.5)?;
/// assert!((d.arl(0.0)? - 370.0).abs() < 1e-6);
/// assert!(d.arl(1.0)? < 12.0); // a one-standard-error shift: about 10 periods
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "CusumRepr")
)]
pub struct CusumDesign {
    k: f64,
    h: f64,
}

impl CusumDesign {
    /// A CUSUM with reference value `k` and decision interval `h` (in
    /// standard errors).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] unless 0 ≤ k ≤ 5 and 0 < h ≤ 200.
    pub fn new(k: f64, h: f64) -> Result<CusumDesign, Error> {
        if !(0.0..=5.0).contains(&k) {
            return Err(Error::InvalidArgument {
                name: "CUSUM reference value k",
                value: k,
                expected: "a number from 0 to 5 standard errors",
            });
        }
        if !(h > 0.0 && h <= 200.0) {
            return Err(Error::InvalidArgument {
                name: "CUSUM decision interval h",
                value: h,
                expected: "a number above 0 and at most 200 standard errors",
            });
        }
        Ok(CusumDesign { k, h })
    }

    /// The CUSUM with reference value `k` whose in-control average run
    /// length (computed as in [`CusumDesign::arl`]) is `arl0`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] unless 2 ≤ `arl0` ≤ 10⁶ and 0 ≤ k ≤ 5, or
    /// when no h reaches `arl0` (k so large that even h → 0 signals more
    /// rarely).
    pub fn for_arl0(arl0: f64, k: f64) -> Result<CusumDesign, Error> {
        arl::check_arl(arl0)?;
        CusumDesign::new(k, 1.0)?;
        let h = arl::calibrate(|h| arl::cusum(k, h, 0.0), arl0, 1e-3, 200.0).ok_or(
            Error::InvalidArgument {
                name: "in-control average run length",
                value: arl0,
                expected: "a run length some decision interval h in (0, 200] reaches for this k",
            },
        )?;
        CusumDesign::new(k, h)
    }

    /// The reference value k.
    #[must_use]
    pub fn k(&self) -> f64 {
        self.k
    }

    /// The decision interval h.
    #[must_use]
    pub fn h(&self) -> f64 {
        self.h
    }

    /// The average run length when the score has shifted by `shift`
    /// standard errors (0: in control), by the Markov chain of Brook &
    /// Evans (1972) with 200 cells per side, the two sides combined by
    /// 1/ARL = 1/ARL⁺ + 1/ARL⁻. It assumes normal standardized period
    /// values (many answers per period).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] unless |shift| ≤ 10;
    /// [`Error::NotRepresentable`] when the chain cannot resolve the run
    /// length (astronomically long: a large k with a large h).
    pub fn arl(&self, shift: f64) -> Result<f64, Error> {
        check_shift(shift)?;
        checked_arl(arl::cusum(self.k, self.h, shift), shift)
    }
}

/// An EWMA chart: Zₜ = λzₜ + (1 − λ)Zₜ₋₁ from Z₀ = 0, signalling when
/// |Zₜ| exceeds L·√(λ/(2 − λ)) (Roberts 1959; Lucas & Saccucci 1990).
/// Small λ (0.05–0.25) detects small persistent shifts.
///
/// # Example
///
/// ```
/// use cxmetrics::monitor::EwmaDesign;
/// let d = EwmaDesign::for_arl0(500.0, 0.1)?;
/// assert!((d.width() - 2.814).abs() < 0.01); // Lucas & Saccucci (1990), Table 3
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "EwmaRepr")
)]
pub struct EwmaDesign {
    lambda: f64,
    width: f64,
}

impl EwmaDesign {
    /// An EWMA with smoothing `lambda` and limits at `width` (L) asymptotic
    /// standard deviations of Zₜ.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] unless 0.01 ≤ λ ≤ 1 and 0 < L ≤ 10 with
    /// L a normal (not subnormal) `f64`, so that the limit is positive.
    pub fn new(lambda: f64, width: f64) -> Result<EwmaDesign, Error> {
        if !(0.01..=1.0).contains(&lambda) {
            return Err(Error::InvalidArgument {
                name: "EWMA smoothing lambda",
                value: lambda,
                expected: "a number from 0.01 to 1",
            });
        }
        // A subnormal L would leave the limit L·√(λ/(2 − λ)) at 0.
        if !((f64::MIN_POSITIVE..=10.0).contains(&width)) {
            return Err(Error::InvalidArgument {
                name: "EWMA limit width L",
                value: width,
                expected: "a number from f64::MIN_POSITIVE (2.2e-308, not subnormal) to 10",
            });
        }
        Ok(EwmaDesign { lambda, width })
    }

    /// The EWMA with smoothing `lambda` whose in-control average run
    /// length (computed as in [`EwmaDesign::arl`]) is `arl0`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] unless 2 ≤ `arl0` ≤ 10⁶ and
    /// 0.01 ≤ λ ≤ 1, or when no L in (0, 10] reaches `arl0`.
    pub fn for_arl0(arl0: f64, lambda: f64) -> Result<EwmaDesign, Error> {
        arl::check_arl(arl0)?;
        EwmaDesign::new(lambda, 1.0)?;
        let width = arl::calibrate(|l| arl::ewma(lambda, l, 0.0), arl0, 0.05, 10.0).ok_or(
            Error::InvalidArgument {
                name: "in-control average run length",
                value: arl0,
                expected: "a run length some limit width L in (0, 10] reaches for this lambda",
            },
        )?;
        EwmaDesign::new(lambda, width)
    }

    /// The smoothing constant λ.
    #[must_use]
    pub fn lambda(&self) -> f64 {
        self.lambda
    }

    /// The limit width L.
    #[must_use]
    pub fn width(&self) -> f64 {
        self.width
    }

    /// The control limit on Zₜ, L·√(λ/(2 − λ)).
    #[must_use]
    pub fn limit(&self) -> f64 {
        self.width * (self.lambda / (2.0 - self.lambda)).sqrt()
    }

    /// The average run length at a shift of `shift` standard errors, by the
    /// Markov chain of Lucas & Saccucci (1990) with 201 cells. It assumes
    /// normal standardized period values.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] unless |shift| ≤ 10;
    /// [`Error::NotRepresentable`] when the chain cannot resolve the run
    /// length (astronomically long).
    pub fn arl(&self, shift: f64) -> Result<f64, Error> {
        check_shift(shift)?;
        checked_arl(arl::ewma(self.lambda, self.width, shift), shift)
    }
}

/// Serialized forms, checked on the way in by the constructors.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct BaselineRepr {
    mean: f64,
    sd: f64,
    unit: Unit,
}

#[cfg(feature = "serde")]
impl TryFrom<BaselineRepr> for Baseline {
    type Error = Error;

    fn try_from(r: BaselineRepr) -> Result<Baseline, Error> {
        Baseline::new(r.mean, r.sd, r.unit)
    }
}

#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct CusumRepr {
    k: f64,
    h: f64,
}

#[cfg(feature = "serde")]
impl TryFrom<CusumRepr> for CusumDesign {
    type Error = Error;

    fn try_from(r: CusumRepr) -> Result<CusumDesign, Error> {
        CusumDesign::new(r.k, r.h)
    }
}

#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct EwmaRepr {
    lambda: f64,
    width: f64,
}

#[cfg(feature = "serde")]
impl TryFrom<EwmaRepr> for EwmaDesign {
    type Error = Error;

    fn try_from(r: EwmaRepr) -> Result<EwmaDesign, Error> {
        EwmaDesign::new(r.lambda, r.width)
    }
}

/// A run length from the Markov chain, or the error when elimination
/// could not resolve it: a run length is finite and at least one period,
/// and one so long that the chain's matrix is singular in f64 comes out
/// infinite, NaN or (by cancellation) negative.
fn checked_arl(arl: f64, shift: f64) -> Result<f64, Error> {
    if arl.is_finite() && arl >= 1.0 {
        Ok(arl)
    } else {
        Err(Error::NotRepresentable {
            what: "average run length",
            reason: format!(
                "at shift {shift} the run length is too long for the Markov chain to resolve in f64 (got {arl})"
            ),
        })
    }
}

fn check_shift(shift: f64) -> Result<(), Error> {
    if (-10.0..=10.0).contains(&shift) {
        Ok(())
    } else {
        Err(Error::InvalidArgument {
            name: "shift",
            value: shift,
            expected: "a shift from -10 to 10 standard errors",
        })
    }
}

/// A change chart: CUSUM or EWMA.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Chart {
    /// A two-sided tabular CUSUM.
    Cusum(CusumDesign),
    /// An EWMA chart.
    Ewma(EwmaDesign),
}

impl Chart {
    /// The average run length at a shift of `shift` standard errors.
    ///
    /// # Errors
    ///
    /// As [`CusumDesign::arl`] and [`EwmaDesign::arl`].
    pub fn arl(&self, shift: f64) -> Result<f64, Error> {
        match self {
            Chart::Cusum(d) => d.arl(shift),
            Chart::Ewma(d) => d.arl(shift),
        }
    }

    /// The limit the chart statistics are compared with.
    #[must_use]
    pub fn limit(&self) -> f64 {
        match self {
            Chart::Cusum(d) => d.h,
            Chart::Ewma(d) => d.limit(),
        }
    }
}

impl fmt::Display for Chart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Chart::Cusum(d) => write!(f, "CUSUM (k = {}, h = {:.3})", d.k, d.h),
            Chart::Ewma(d) => write!(f, "EWMA (λ = {}, L = {:.3})", d.lambda, d.width),
        }
    }
}

/// Which way a score moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Direction {
    /// The score rose above its baseline.
    Up,
    /// The score fell below its baseline.
    Down,
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Direction::Up => "up",
            Direction::Down => "down",
        })
    }
}

/// A chart signal: the score moved, from when and which way.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Alert {
    /// The period at which the chart signalled.
    pub period: i64,
    /// The score watched.
    pub score: ChartScore,
    /// Which way it moved.
    pub direction: Direction,
    /// The chart.
    pub chart: Chart,
    /// The chart statistic that crossed the limit (C⁺ or C⁻, or |Z|).
    pub statistic: f64,
    /// The limit it crossed.
    pub limit: f64,
    /// The period's value, in the score's unit.
    pub value: f64,
    /// The baseline it moved from.
    pub baseline: Baseline,
    /// Periods observed since the chart started (or was reset): the run
    /// length.
    pub run_length: u64,
}

impl fmt::Display for Alert {
    /// `period 17: NPS moved down from 30.0 (CUSUM (k = 0.5, h = 4.774)
    /// statistic 5.12 ≥ 4.77 after 17 periods; period value 24.3)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (k, u) = (
            self.baseline.unit.display_factor(),
            self.baseline.unit.suffix(),
        );
        write!(
            f,
            "period {}: {} moved {} from {:.1}{u} ({} statistic {:.2} ≥ {:.2} after {} periods; period value {:.1}{u})",
            self.period,
            self.score,
            self.direction,
            self.baseline.mean * k,
            self.chart,
            self.statistic,
            self.limit,
            self.run_length,
            self.value * k,
        )
    }
}

/// One period on a chart.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ChartPoint {
    /// The period.
    pub period: i64,
    /// The period's value (None for a period without answers, which leaves
    /// the chart unchanged).
    pub value: Option<f64>,
    /// The period's answers.
    pub n: u64,
    /// The standardized value (value − mean)·√n/sd.
    pub z: Option<f64>,
    /// The upward statistic: C⁺ for a CUSUM, Zₜ for an EWMA.
    pub upper: f64,
    /// The downward statistic: C⁻ for a CUSUM, −Zₜ for an EWMA.
    pub lower: f64,
    /// The limit both are compared with.
    pub limit: f64,
    /// The signal, when a statistic reached the limit.
    pub alert: Option<Alert>,
}

/// A change monitor: one score of a periodic series of tallies (one per
/// day or week) on a CUSUM or EWMA chart against a baseline.
///
/// Each period's value is standardized with the baseline and the period's
/// n, so days with few answers move the chart less. A signal persists
/// while the statistic stays beyond the limit; [`reset`](Self::reset)
/// restarts the chart (after the change is acted on, or with a new
/// baseline).
///
/// # Example
///
/// ```
/// use cxmetrics::monitor::{Baseline, ChangeMonitor, Chart, ChartScore, CusumDesign, Direction};
/// use cxmetrics::{Scale, Tally, Unit};
/// let baseline = Baseline::new(30.0, 80.0, Unit::NpsPoints)?; // NPS 30, sd 80 points per answer
/// let chart = Chart::Cusum(CusumDesign::for_arl0(365.0, 0.5)?);
/// let mut monitor = ChangeMonitor::new(ChartScore::Nps, baseline, chart)?;
/// // 400 answers a day at NPS 30, then at NPS 10.
/// let normal = Tally::from_counts(Scale::NPS, &[10, 10, 10, 10, 10, 10, 10, 70, 70, 95, 95])?;
/// let worse = Tally::from_counts(Scale::NPS, &[14, 14, 14, 14, 14, 15, 15, 80, 80, 70, 70])?;
/// for day in 0..5 {
///     assert!(monitor.observe(day, &normal)?.alert.is_none());
/// }
/// let mut alert = None;
/// for day in 5..30 {
///     if let Some(a) = monitor.observe(day, &worse)?.alert {
///         alert = Some(a);
///         break;
///     }
/// }
/// let alert = alert.unwrap();
/// assert_eq!(alert.direction, Direction::Down);
/// assert!(alert.period <= 8);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ChangeMonitor {
    score: ChartScore,
    baseline: Baseline,
    chart: Chart,
    upper: f64,
    lower: f64,
    periods: u64,
    last_period: Option<i64>,
}

impl ChangeMonitor {
    /// A monitor of `score` against `baseline` on `chart`, at rest.
    ///
    /// # Errors
    ///
    /// [`Error::IncompatibleUnit`] when the baseline is not in the score's
    /// unit (NPS points, a share as a fraction, scale points).
    pub fn new(
        score: ChartScore,
        baseline: Baseline,
        chart: Chart,
    ) -> Result<ChangeMonitor, Error> {
        if baseline.unit != score.unit() {
            return Err(Error::IncompatibleUnit {
                what: format!("a baseline in {}", baseline.unit),
                unit: score.unit(),
            });
        }
        Ok(ChangeMonitor {
            score,
            baseline,
            chart,
            upper: 0.0,
            lower: 0.0,
            periods: 0,
            last_period: None,
        })
    }

    /// Adds one period's tally.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] when `period` is not after the last one
    /// observed, or for a weighted tally; the score's own errors (a tally of the wrong scale
    /// for NPS, a bad box), and those of
    /// [`observe_value`](Self::observe_value). A tally with no rated answers is not an error:
    /// the chart stays as it was.
    pub fn observe(&mut self, period: i64, tally: &Tally) -> Result<ChartPoint, Error> {
        if tally.n() == 0 {
            self.check_period(period)?;
            self.last_period = Some(period);
            return Ok(self.point(period, None, 0, None, None));
        }
        let (value, n, _) = self.score.of(tally)?;
        self.observe_value(period, value, n)
    }

    /// Adds one period's value (in the score's unit) over `n` answers.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] when `period` is not after the last one,
    /// `value` is not finite or infinitely many standard errors from the
    /// baseline, `n` is 0, or the baseline's unit is not the
    /// score's; [`Error::NotRepresentable`] when the chart's statistic
    /// would overflow f64 (values some 10³⁰⁸ standard errors out, with a
    /// baseline sd near the smallest double), the chart then unchanged.
    pub fn observe_value(&mut self, period: i64, value: f64, n: u64) -> Result<ChartPoint, Error> {
        self.check_period(period)?;
        if !value.is_finite() {
            return Err(Error::InvalidArgument {
                name: "period value",
                value,
                expected: "a finite value",
            });
        }
        if n == 0 {
            return Err(Error::InvalidArgument {
                name: "period answers",
                value: 0.0,
                expected: "at least 1 answer (pass a period without answers to observe)",
            });
        }
        let z = (value - self.baseline.mean) * (n as f64).sqrt() / self.baseline.sd;
        if !z.is_finite() {
            return Err(Error::InvalidArgument {
                name: "period value",
                value,
                expected: "a value within a finite number of standard errors of the baseline",
            });
        }
        let (upper, lower) = match self.chart {
            Chart::Cusum(d) => (
                (self.upper + z - d.k).max(0.0),
                (self.lower - z - d.k).max(0.0),
            ),
            Chart::Ewma(d) => {
                let e = d.lambda * z + (1.0 - d.lambda) * self.upper;
                (e, -e)
            }
        };
        if !(upper.is_finite() && lower.is_finite()) {
            // A CUSUM sums standardized values: with a baseline sd near
            // the smallest double, two of them overflow (fuzz). The chart
            // is left as it was.
            return Err(Error::NotRepresentable {
                what: "chart statistic",
                reason: format!(
                    "period {period}: value {value} is {z:e} standard errors from the baseline, and the chart's statistic overflows f64"
                ),
            });
        }
        self.upper = upper;
        self.lower = lower;
        self.periods += 1;
        self.last_period = Some(period);
        let limit = self.chart.limit();
        let signal = if self.upper >= limit && self.upper >= self.lower {
            Some((Direction::Up, self.upper))
        } else if self.lower >= limit {
            Some((Direction::Down, self.lower))
        } else {
            None
        };
        Ok(self.point(period, Some(value), n, Some(z), signal))
    }

    fn point(
        &self,
        period: i64,
        value: Option<f64>,
        n: u64,
        z: Option<f64>,
        signal: Option<(Direction, f64)>,
    ) -> ChartPoint {
        let limit = self.chart.limit();
        ChartPoint {
            period,
            value,
            n,
            z,
            upper: self.upper,
            lower: self.lower,
            limit,
            alert: signal.map(|(direction, statistic)| Alert {
                period,
                score: self.score,
                direction,
                chart: self.chart,
                statistic,
                limit,
                value: value.unwrap_or(self.baseline.mean),
                baseline: self.baseline,
                run_length: self.periods,
            }),
        }
    }

    fn check_period(&self, period: i64) -> Result<(), Error> {
        match self.last_period {
            Some(last) if period <= last => Err(Error::InvalidArgument {
                name: "period",
                value: period as f64,
                expected: "a period after the last one observed",
            }),
            _ => Ok(()),
        }
    }

    /// Restarts the chart at rest (statistics 0, run length 0); the last
    /// period observed is kept, so periods still have to increase.
    pub fn reset(&mut self) {
        self.upper = 0.0;
        self.lower = 0.0;
        self.periods = 0;
    }

    /// The chart.
    #[must_use]
    pub fn chart(&self) -> Chart {
        self.chart
    }

    /// The baseline.
    #[must_use]
    pub fn baseline(&self) -> Baseline {
        self.baseline
    }

    /// Periods observed since the start or the last reset.
    #[must_use]
    pub fn periods(&self) -> u64 {
        self.periods
    }
}
