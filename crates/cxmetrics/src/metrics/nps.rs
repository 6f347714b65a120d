//! Net Promoter Score and the general net score.

use crate::foundation::metric_kind::Metric;
use crate::inference::design::statistic::Statistic;
use crate::inference::design::variance_method::VarianceMethod;
use crate::inference::estimate::Estimate;
use crate::inference::interval::nps::net_estimate;
use crate::inference::interval::{IntervalSpec, NpsMethod};
use std::fmt;

use crate::counting::tally::Tally;
use crate::foundation::error::Error;
use crate::foundation::scale::{Question, Scale};
use crate::inference::design::moments::Moments;

/// Net Promoter Score of a tally on [`Scale::NPS`]: promoters (9–10),
/// passives (7–8) and detractors (0–6).
///
/// Shares are weighted by survey weight (for unweighted answers, the plain
/// shares). The score is computed as a fraction on −1..=1
/// ([`Nps::fraction`]) and reported on −100..=100 ([`Nps::score`]).
///
/// # Formula
///
/// ```text
/// NPS = 100 · (P − D) / n      (weighted: 100 · (Σw_P − Σw_D) / Σw)
/// ```
///
/// # Example
///
/// ```
/// use cxmetrics::{Nps, Scale, Tally};
///
/// let t = Tally::from_scores(Scale::NPS, &[10u8, 9, 9, 8, 7, 6, 3, 10])?;
/// let nps = Nps::from_tally(&t)?;
/// assert_eq!((nps.promoters(), nps.passives(), nps.detractors()), (4, 2, 2));
/// assert_eq!(nps.score(), 25.0);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[doc(alias = "net promoter score")]
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "NpsRepr", into = "NpsRepr")
)]
pub struct Nps {
    promoters: u64,
    passives: u64,
    detractors: u64,
    promoter_share: f64,
    passive_share: f64,
    detractor_share: f64,
    effective_n: f64,
    /// The design-based moments, for weighted answers only.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub(crate) design: Option<Moments>,
}

impl Nps {
    /// The NPS of a tally on [`Scale::NPS`] (or any 0..=10, higher-is-better
    /// scale of [`Question::Other`]).
    ///
    /// # Errors
    ///
    /// [`Error::ScaleMismatch`] when the tally is not on 0..=10 with higher
    /// is better, or is for another question (CSAT, CES);
    /// [`Error::EmptyTally`] when it has no rated answers;
    /// [`Error::ZeroTotalWeight`] when their weights are all zero.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Error, Nps, Scale, Tally};
    /// let t = Tally::from_scores(Scale::NPS, &[10u8, 9, 6])?;
    /// assert!((Nps::from_tally(&t)?.score() - 100.0 / 3.0).abs() < 1e-12);
    /// let csat = Tally::from_scores(Scale::CSAT_5, &[5u8])?;
    /// assert!(matches!(Nps::from_tally(&csat), Err(Error::ScaleMismatch { .. })));
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn from_tally(tally: &Tally) -> Result<Nps, Error> {
        let scale = tally.scale();
        let nps_points = scale.lowest() == 0
            && scale.highest() == 10
            && scale.polarity() == crate::foundation::scale::Polarity::HigherIsBetter;
        if !nps_points || !matches!(scale.question(), Question::Nps | Question::Other) {
            return Err(Scale::mismatch(Scale::NPS, tally.scale()));
        }
        tally.require_scorable()?;
        let total = tally.scaled_total_weight();
        let (promoters, wp) = tally.sum_range(9..11);
        let (passives, wa) = tally.sum_range(7..9);
        let (detractors, wd) = tally.sum_range(0..7);
        Ok(Nps {
            promoters,
            passives,
            detractors,
            promoter_share: wp / total,
            passive_share: wa / total,
            detractor_share: wd / total,
            effective_n: tally.effective_n(),
            design: crate::inference::design::moments::weighted_moments(
                tally,
                &Statistic::Nps(crate::inference::interval::NpsMethod::Wald),
            ),
        })
    }

    /// The NPS of raw 0–10 byte scores, counting only promoters and
    /// detractors: the fastest path when nothing else is needed.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidBatchItem`] naming the first byte above 10;
    /// [`Error::EmptyTally`] for an empty slice.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::Nps;
    ///
    /// let nps = Nps::from_scores(&[10, 9, 8, 7, 6, 0])?;
    /// assert_eq!((nps.promoters(), nps.passives(), nps.detractors()), (2, 2, 2));
    /// assert!(Nps::from_scores(&[10, 11]).is_err());
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn from_scores(scores: &[u8]) -> Result<Nps, Error> {
        let (promoters, detractors, max) = crate::counting::kernel::nps_counts(scores);
        if max > 10 {
            return Err(crate::counting::count::first_bad(scores, &Scale::NPS));
        }
        let n = scores.len() as u64;
        Nps::from_counts(promoters, n - promoters - detractors, detractors)
    }

    /// The NPS of unweighted bucket counts.
    ///
    /// # Errors
    ///
    /// [`Error::EmptyTally`] when all three are zero;
    /// [`Error::CountOverflow`] when they add up to more than `u64::MAX`.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::Nps;
    /// assert_eq!(Nps::from_counts(45, 30, 25)?.score(), 20.0);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn from_counts(promoters: u64, passives: u64, detractors: u64) -> Result<Nps, Error> {
        let mut counts = [0u64; 11];
        counts[10] = promoters;
        counts[8] = passives;
        counts[0] = detractors;
        Nps::from_tally(&Tally::from_counts(Scale::NPS, &counts)?)
    }

    /// Number of promoters (9–10).
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::Nps;
    /// let nps = Nps::from_counts(45, 30, 25)?;
    /// assert_eq!(nps.promoters(), 45);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn promoters(&self) -> u64 {
        self.promoters
    }

    /// Number of passives (7–8).
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::Nps;
    /// let nps = Nps::from_counts(45, 30, 25)?;
    /// assert_eq!(nps.passives(), 30);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn passives(&self) -> u64 {
        self.passives
    }

    /// Number of detractors (0–6).
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::Nps;
    /// let nps = Nps::from_counts(45, 30, 25)?;
    /// assert_eq!(nps.detractors(), 25);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn detractors(&self) -> u64 {
        self.detractors
    }

    /// Number of rated answers.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::Nps;
    /// let nps = Nps::from_counts(45, 30, 25)?;
    /// assert_eq!(nps.n(), 100);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn n(&self) -> u64 {
        self.promoters + self.passives + self.detractors
    }

    /// Kish effective sample size (= [`Nps::n`] when unweighted).
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::Nps;
    /// let nps = Nps::from_counts(45, 30, 25)?;
    /// assert_eq!(nps.effective_n(), 100.0);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn effective_n(&self) -> f64 {
        self.effective_n
    }

    /// Share of promoters, 0..=1.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::Nps;
    /// let nps = Nps::from_counts(45, 30, 25)?;
    /// assert_eq!(nps.promoter_share(), 0.45);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn promoter_share(&self) -> f64 {
        self.promoter_share
    }

    /// Share of passives, 0..=1.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::Nps;
    /// let nps = Nps::from_counts(45, 30, 25)?;
    /// assert_eq!(nps.passive_share(), 0.30);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn passive_share(&self) -> f64 {
        self.passive_share
    }

    /// Share of detractors, 0..=1.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::Nps;
    /// let nps = Nps::from_counts(45, 30, 25)?;
    /// assert_eq!(nps.detractor_share(), 0.25);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn detractor_share(&self) -> f64 {
        self.detractor_share
    }

    /// Promoter share minus detractor share, on −1..=1.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::Nps;
    /// let nps = Nps::from_counts(45, 30, 25)?;
    /// assert!((nps.fraction() - 0.2).abs() < 1e-15);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn fraction(&self) -> f64 {
        self.promoter_share - self.detractor_share
    }

    /// The Net Promoter Score on −100..=100.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::Nps;
    /// let nps = Nps::from_counts(45, 30, 25)?;
    /// assert_eq!(nps.score(), 20.0);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn score(&self) -> f64 {
        100.0 * self.fraction()
    }
}

impl fmt::Display for Nps {
    /// `NPS 25.0 (50.0% promoters, 25.0% passives, 25.0% detractors, n = 8)`;
    /// the precision applies to every number.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = f.precision().unwrap_or(1);
        write!(
            f,
            "NPS {:.p$} ({:.p$}% promoters, {:.p$}% passives, {:.p$}% detractors, n = {})",
            self.score(),
            100.0 * self.promoter_share,
            100.0 * self.passive_share,
            100.0 * self.detractor_share,
            self.n()
        )
    }
}

/// A net score on any scale: the share of the best `top` points minus the
/// share of the worst `bottom` points, following the scale's polarity.
/// NPS is the net score of [`Scale::NPS`] with `top = 2`, `bottom = 7`.
///
/// # Example
///
/// ```
/// use cxmetrics::{NetScore, Scale, Tally};
///
/// // CSAT 1–5: top-2 (4, 5) minus bottom-2 (1, 2).
/// let t = Tally::from_scores(Scale::CSAT_5, &[5, 4, 4, 3, 1])?;
/// let net = NetScore::from_tally(&t, 2, 2)?;
/// assert_eq!(net.fraction(), 0.6 - 0.2);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "NetScoreRepr", into = "NetScoreRepr")
)]
pub struct NetScore {
    top_share: f64,
    bottom_share: f64,
    n: u64,
    effective_n: f64,
}

impl NetScore {
    /// The net score of the best `top` and worst `bottom` points.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidBox`] when `top` or `bottom` is 0 or they overlap
    /// (`top + bottom` more than the scale's points); [`Error::EmptyTally`];
    /// [`Error::ZeroTotalWeight`].
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{NetScore, Scale, Tally};
    /// // CES 2.0 on 1–7: "easy" (5–7) minus "difficult" (1–3).
    /// let t = Tally::from_scores(Scale::CES_7, &[7u8, 6, 5, 4, 2])?;
    /// assert_eq!(NetScore::from_tally(&t, 3, 3)?.score(), 40.0);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn from_tally(tally: &Tally, top: u32, bottom: u32) -> Result<NetScore, Error> {
        let scale = tally.scale();
        let best = scale.best_indices(top)?;
        let worst = scale.worst_indices(bottom)?;
        if u64::from(top) + u64::from(bottom) > scale.len() as u64 {
            return Err(Error::InvalidBox {
                k: top.saturating_add(bottom),
                points: scale.len() as u32,
            });
        }
        tally.require_scorable()?;
        let total = tally.scaled_total_weight();
        Ok(NetScore {
            top_share: tally.sum_range(best).1 / total,
            bottom_share: tally.sum_range(worst).1 / total,
            n: tally.n(),
            effective_n: tally.effective_n(),
        })
    }

    /// Share of the best points, 0..=1.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{NetScore, Scale, Tally};
    /// let t = Tally::from_scores(Scale::CSAT_5, &[5u8, 4, 1, 3])?;
    /// assert_eq!(NetScore::from_tally(&t, 2, 1)?.top_share(), 0.5);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn top_share(&self) -> f64 {
        self.top_share
    }

    /// Share of the worst points, 0..=1.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{NetScore, Scale, Tally};
    /// let t = Tally::from_scores(Scale::CSAT_5, &[5u8, 4, 1, 3])?;
    /// assert_eq!(NetScore::from_tally(&t, 2, 1)?.bottom_share(), 0.25);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn bottom_share(&self) -> f64 {
        self.bottom_share
    }

    /// Top share minus bottom share, on −1..=1.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{NetScore, Scale, Tally};
    /// let t = Tally::from_scores(Scale::CSAT_5, &[5u8, 4, 1, 3])?;
    /// assert_eq!(NetScore::from_tally(&t, 2, 1)?.fraction(), 0.25);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn fraction(&self) -> f64 {
        self.top_share - self.bottom_share
    }

    /// The net score on −100..=100.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{NetScore, Scale, Tally};
    /// let t = Tally::from_scores(Scale::CSAT_5, &[5u8, 4, 1, 3])?;
    /// assert_eq!(NetScore::from_tally(&t, 2, 1)?.score(), 25.0);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn score(&self) -> f64 {
        100.0 * self.fraction()
    }

    /// Number of rated answers.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{NetScore, Scale, Tally};
    /// let t = Tally::from_scores(Scale::CSAT_5, &[5u8, 4, 1, 3])?;
    /// assert_eq!(NetScore::from_tally(&t, 2, 1)?.n(), 4);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn n(&self) -> u64 {
        self.n
    }

    /// Kish effective sample size.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{NetScore, Scale, Tally};
    /// let t = Tally::from_scores(Scale::CSAT_5, &[5u8, 4, 1, 3])?;
    /// assert_eq!(NetScore::from_tally(&t, 2, 1)?.effective_n(), 4.0);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn effective_n(&self) -> f64 {
        self.effective_n
    }
}

/// The serialized form of an [`Nps`]: its score (in NPS points) first,
/// then the counts and shares it comes from.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct NpsRepr {
    score: f64,
    promoters: u64,
    passives: u64,
    detractors: u64,
    promoter_share: f64,
    passive_share: f64,
    detractor_share: f64,
    effective_n: f64,
    /// The design-based moments of weighted answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    design: Option<crate::inference::design::moments::MomentsRepr>,
}

#[cfg(feature = "serde")]
impl From<Nps> for NpsRepr {
    fn from(x: Nps) -> NpsRepr {
        NpsRepr {
            score: x.score(),
            promoters: x.promoters,
            passives: x.passives,
            detractors: x.detractors,
            promoter_share: x.promoter_share,
            passive_share: x.passive_share,
            detractor_share: x.detractor_share,
            effective_n: x.effective_n,
            design: x.design.map(Into::into),
        }
    }
}

#[cfg(feature = "serde")]
impl TryFrom<NpsRepr> for Nps {
    type Error = Error;
    fn try_from(r: NpsRepr) -> Result<Nps, Error> {
        use crate::metrics::check;
        const WHAT: &str = "NPS";
        let n = r
            .promoters
            .checked_add(r.passives)
            .and_then(|n| n.checked_add(r.detractors))
            .ok_or_else(|| check::fail(WHAT, "the counts add up to more than u64::MAX".into()))?;
        check::sizes(WHAT, n, r.effective_n)?;
        check::share(WHAT, "promoter_share", r.promoter_share)?;
        check::share(WHAT, "passive_share", r.passive_share)?;
        check::share(WHAT, "detractor_share", r.detractor_share)?;
        check::whole(WHAT, r.promoter_share + r.passive_share + r.detractor_share)?;
        let nps = Nps {
            promoters: r.promoters,
            passives: r.passives,
            detractors: r.detractors,
            promoter_share: r.promoter_share,
            passive_share: r.passive_share,
            detractor_share: r.detractor_share,
            effective_n: r.effective_n,
            design: r
                .design
                .map(|d| d.check(WHAT, n, r.promoter_share - r.detractor_share, (-1.0, 1.0)))
                .transpose()?,
        };
        check::matches(WHAT, "score", r.score, nps.score())?;
        Ok(nps)
    }
}

/// The serialized form of a [`NetScore`]: its score (in points) first.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct NetScoreRepr {
    score: f64,
    top_share: f64,
    bottom_share: f64,
    n: u64,
    effective_n: f64,
}

#[cfg(feature = "serde")]
impl From<NetScore> for NetScoreRepr {
    fn from(x: NetScore) -> NetScoreRepr {
        NetScoreRepr {
            score: x.score(),
            top_share: x.top_share,
            bottom_share: x.bottom_share,
            n: x.n,
            effective_n: x.effective_n,
        }
    }
}

#[cfg(feature = "serde")]
impl TryFrom<NetScoreRepr> for NetScore {
    type Error = Error;
    fn try_from(r: NetScoreRepr) -> Result<NetScore, Error> {
        use crate::metrics::check;
        const WHAT: &str = "net score";
        check::sizes(WHAT, r.n, r.effective_n)?;
        check::share(WHAT, "top_share", r.top_share)?;
        check::share(WHAT, "bottom_share", r.bottom_share)?;
        if r.top_share + r.bottom_share > 1.0 + 1e-9 {
            return Err(check::fail(
                WHAT,
                format!(
                    "top_share {} and bottom_share {} add up to more than 1",
                    r.top_share, r.bottom_share
                ),
            ));
        }
        let net = NetScore {
            top_share: r.top_share,
            bottom_share: r.bottom_share,
            n: r.n,
            effective_n: r.effective_n,
        };
        check::matches(WHAT, "score", r.score, net.score())?;
        Ok(net)
    }
}

// Intervals: the metric's counts (or its design moments) handed to
// inference.

impl Nps {
    /// The NPS with its adjusted-Wald interval (the recommended default),
    /// in points.
    ///
    /// # Errors
    ///
    /// [`Error::PopulationTooSmall`].
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{ConfidenceLevel, Nps};
    ///
    /// let est = Nps::from_counts(45, 30, 25)?.estimate(ConfidenceLevel::P95)?;
    /// assert!((est.interval.lower - 3.7702544118751016).abs() < 1e-9);
    /// assert!((est.interval.upper - 35.06469704443558).abs() < 1e-9);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn estimate(&self, spec: impl Into<IntervalSpec>) -> Result<Estimate, Error> {
        self.estimate_with(NpsMethod::default(), spec)
    }

    /// The NPS with an interval by the given method, in points. Bounds are
    /// clipped to −100..=100 (Wald and its adjusted form can exceed them).
    ///
    /// Weighted answers have, by default ([`VarianceMethod::Linearized`]),
    /// the Taylor-linearized standard error: Wald is (p − d) ± z·se,
    /// trinomial t (p − d) ± t·se with n₊ − 1 degrees of freedom (n₊
    /// answers of positive weight), and other methods run at the design's
    /// effective sample size (p + d − (p − d)²)/V. With
    /// [`VarianceMethod::Kish`] they use Kish's effective sample size in
    /// place of n. [`Estimate::design`] carries the design effects.
    ///
    /// # Formula
    ///
    /// With shares p (promoters) and d (detractors) of n answers:
    ///
    /// ```text
    /// Wald          (p − d) ± z·√((p + d − (p − d)²)/n)
    /// adjusted Wald n' = n + 3, p' = (P + ¾)/n', d' = (D + ¾)/n',
    ///               (p' − d') ± z·√((p' + d' − (p' − d')²)/n')
    /// trinomial t   (p − d) ± t_{n−1}·√((p + d − (p − d)²)/(n − 1))
    /// ```
    ///
    /// all × 100. [`NpsMethod::Tango`] inverts Tango's score test and
    /// [`NpsMethod::Bayes`] takes the equal-tailed credible interval under
    /// a Dirichlet(½, ½, ½) prior (see their docs). The adjusted-Wald
    /// interval is centred on the adjusted value, so at extreme data it
    /// need not contain the raw score; the reported value stays the raw
    /// score.
    ///
    /// With a population N, every method but the trinomial t works on the
    /// effective sample n·(N − 1)/(N − n) (with the counts scaled alike):
    /// for Wald that is exactly the standard error times the finite
    /// population correction √((N − n)/(N − 1)); the adjusted Wald adds its
    /// pseudo-answers to the effective sample, so a population barely larger
    /// than the sample keeps the interval near the attainable scores, and a
    /// census (N = n) returns the score itself with zero width. The
    /// trinomial t interval multiplies its standard error by the
    /// correction.
    ///
    /// # Errors
    ///
    /// [`Error::PopulationTooSmall`]; for the trinomial t interval,
    /// [`Error::TooFewAnswers`] below an effective n of 2 and
    /// [`Error::ZeroVariance`] when every answer is in one bucket.
    ///
    /// # References
    ///
    /// Rocks, B. (2016), "Interval Estimation for the Net Promoter Score",
    /// *The American Statistician* 70(4). Sauro, J. & Lewis, J. R.,
    /// "Confidence Intervals for Net Promoter Scores", MeasuringU.
    pub fn estimate_with(
        &self,
        method: NpsMethod,
        spec: impl Into<IntervalSpec>,
    ) -> Result<Estimate, Error> {
        let spec = spec.into();
        if let Some(m) = &self.design
            && spec.variance_method() == VarianceMethod::Linearized
        {
            // Centred on this score's own shares: the value is score().
            let m = m.centred_on(
                self.fraction(),
                Some((self.promoter_share(), self.detractor_share())),
            );
            return crate::inference::design::interval::estimate(&m, &Statistic::Nps(method), spec);
        }
        let (promoters, detractors, n) = self.trinomial();
        net_estimate(
            promoters,
            detractors,
            n,
            self.n(),
            Metric::Nps,
            method,
            spec,
        )
        .and_then(|mut est| {
            est.effective_n = self.effective_n();
            est.design = self.design.map(|m| m.effects(VarianceMethod::Kish));
            est.sane("an NPS interval")
        })
    }

    /// (promoters, detractors, n) as numbers: exact counts when the answers
    /// are unweighted, else shares times the Kish effective sample size.
    pub(crate) fn trinomial(&self) -> (f64, f64, f64) {
        let ([promoters, detractors], n) = crate::inference::interval::method_counts(
            self.n(),
            self.effective_n(),
            [
                (self.promoters(), self.promoter_share()),
                (self.detractors(), self.detractor_share()),
            ],
        );
        (promoters, detractors, n)
    }
}

impl NetScore {
    /// The net score with its adjusted-Wald interval, in points (as
    /// [`Nps::estimate`]: positive answers play promoters, negative ones
    /// detractors).
    ///
    /// # Errors
    ///
    /// [`Error::PopulationTooSmall`].
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{ConfidenceLevel, NetScore, Scale, Tally};
    /// let t = Tally::from_counts(Scale::CSAT_5, &[10, 10, 20, 30, 30])?;
    /// let est = NetScore::from_tally(&t, 2, 2)?.estimate(ConfidenceLevel::P95)?;
    /// assert!((est.value - 40.0).abs() < 1e-12);
    /// assert!(est.interval.contains(40.0));
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn estimate(&self, spec: impl Into<IntervalSpec>) -> Result<Estimate, Error> {
        self.estimate_with(NpsMethod::default(), spec)
    }

    /// The net score with an interval by any NPS method ([`NpsMethod`]),
    /// in points; see [`Nps::estimate_with`] for the formulas.
    ///
    /// # Errors
    ///
    /// As [`Nps::estimate_with`].
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::interval::NpsMethod;
    /// use cxmetrics::{ConfidenceLevel, NetScore, Nps, Scale, Tally};
    /// // NPS is the net score of the 0–10 scale with top 2 and bottom 7.
    /// let t = Tally::from_counts(Scale::NPS, &[1, 1, 1, 2, 2, 3, 5, 10, 15, 30, 30])?;
    /// let net = NetScore::from_tally(&t, 2, 7)?.estimate_with(NpsMethod::Tango, ConfidenceLevel::P95)?;
    /// let nps = Nps::from_tally(&t)?.estimate_with(NpsMethod::Tango, ConfidenceLevel::P95)?;
    /// assert!((net.interval.lower - nps.interval.lower).abs() < 1e-9);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn estimate_with(
        &self,
        method: NpsMethod,
        spec: impl Into<IntervalSpec>,
    ) -> Result<Estimate, Error> {
        let (positive, negative, n) = self.trinomial();
        net_estimate(
            positive,
            negative,
            n,
            self.n(),
            Metric::NetScore,
            method,
            spec.into(),
        )
    }

    /// (positive, negative, n) for the multinomial methods: the shares
    /// times the Kish effective sample size (the counts themselves when
    /// unweighted, up to rounding of the shares).
    pub(crate) fn trinomial(&self) -> (f64, f64, f64) {
        let n = self.effective_n();
        (self.top_share() * n, self.bottom_share() * n, n)
    }
}
