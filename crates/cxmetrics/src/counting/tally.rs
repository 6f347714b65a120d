//! The aggregation core: counts and weight sums per scale point.

use crate::counting::sum::{MAX_EXPONENT, MIN_EXPONENT, Sum, exponent_of, ldexp};
use crate::foundation::error::Error;
use crate::foundation::response::{Response, Weight};
use crate::foundation::scale::{Rating, Scale, ScoreValue};

/// One scale point's sums, with the weights scaled by the tally's common
/// power of two `e` ([`Tally::weight_exponent`]):
/// `weight = Σw · 2^-e`, `weight_squared = Σw² · 2^-2e`.
///
/// Every score is a ratio of weight sums of the same degree, so formulas
/// may use the scaled sums directly; combining tallies with different
/// exponents must rescale by exact powers of two.
///
/// # Example
///
/// ```
/// use cxmetrics::{Scale, Tally};
/// let mut t = Tally::new(Scale::CSAT_5);
/// t.extend_weighted_scores(&[5u8, 5, 1], &[1e300, 3e300, 0.0])?;
/// let top = t.point_sums().last().unwrap();
/// assert_eq!((top.count, top.positive), (2, 2));
/// // 4e300 = weight · 2^e, with the scaled weight a small number.
/// let e = t.weight_exponent();
/// assert!(top.weight > 1.0 && top.weight < 8.0);
/// assert!((top.weight * 2f64.powi(e - 600) * 2f64.powi(600) / 4e300 - 1.0).abs() < 1e-15);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PointSums {
    /// Rated answers at the point.
    pub count: u64,
    /// Of those, answers with a weight above 0.
    pub positive: u64,
    /// Σw · 2^-e.
    pub weight: f64,
    /// Σw² · 2^-2e.
    pub weight_squared: f64,
}

/// Counts and weight sums per point of one scale: the sufficient statistic
/// for every score in the crate.
///
/// A `Tally` keeps, for each point, the number of answers, the number with
/// a positive weight, the sum of their weights and the sum of their squared
/// weights (unweighted answers weigh 1), plus the number of "not
/// applicable" answers. That is all NPS,
/// top-box shares, means, variances and the Kish effective sample size
/// need, so memory stays O(points) whatever the volume, results do not
/// depend on arrival order, and two tallies [merge](Tally::merge) by
/// adding vectors.
///
/// Every way in is checked and all-or-nothing: a batch with one bad score
/// or weight is rejected whole (the error names its index and value) and
/// the tally is left as it was. Counts are `u64` and never wrap or
/// saturate: an addition that would overflow is an [`Error::CountOverflow`].
///
/// # Weight sums never overflow or underflow
///
/// Weight sums are kept scaled by a common power of two, `2^-e` with `e`
/// the binary exponent of the largest weight seen (see [`PointSums`],
/// [`Tally::point_sums`] and [`Tally::weight_exponent`]). Every weight is
/// valid up to `f64::MAX`, and the sums of 10^19 weights of 1e308 or of
/// 1e-300 (and of their squares) stay finite and accurate. Every score is
/// therefore invariant to multiplying all weights by a constant, and
/// exactly (bit for bit) so for a power of two while the weights stay
/// within 2^-1000..=f64::MAX. The unscaled sums ([`Tally::total_weight`],
/// [`Tally::weight`]) are an error when they exceed `f64::MAX`.
///
/// # Example
///
/// ```
/// use cxmetrics::{Scale, Tally};
///
/// let mut tally = Tally::from_scores(Scale::NPS, &[10u8, 9, 8, 6, 10])?;
/// tally.extend_scores(&[7.0, 3.0])?; // floats from JSON or CSV
/// assert_eq!(tally.n(), 7);
/// assert_eq!(tally.count(10), Some(2));
///
/// // A bad batch changes nothing.
/// assert!(tally.extend_scores(&[9, 11]).is_err());
/// assert_eq!(tally.n(), 7);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "TallyRepr", into = "TallyRepr")
)]
pub struct Tally {
    scale: Scale,
    counts: Vec<u64>,
    /// Answers with a weight above 0, per point.
    positive: Vec<u64>,
    /// Σw · 2^-exponent per point.
    weights: Vec<Sum>,
    /// Σw² · 2^-2·exponent per point.
    weights_sq: Vec<Sum>,
    /// The binary exponent of the largest weight seen (clamped to
    /// MIN_EXPONENT..=MAX_EXPONENT); 0 while no weight is positive.
    exponent: i32,
    /// Rated answers: the sum of `counts`, kept so that every addition can
    /// be checked against `u64::MAX` once.
    n: u64,
    not_applicable: u64,
}

impl PartialEq for Tally {
    /// Same scale, same counts, and the same weight sums (compared as
    /// rounded values, with the same exponent).
    fn eq(&self, other: &Tally) -> bool {
        let same_sums = |a: &[Sum], b: &[Sum]| a.iter().zip(b).all(|(x, y)| x.value() == y.value());
        self.scale == other.scale
            && self.n == other.n
            && self.not_applicable == other.not_applicable
            && self.exponent == other.exponent
            && self.counts == other.counts
            && self.positive == other.positive
            && same_sums(&self.weights, &other.weights)
            && same_sums(&self.weights_sq, &other.weights_sq)
    }
}

impl Tally {
    /// An empty tally on `scale`.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Scale, Tally};
    /// let t = Tally::new(Scale::NPS);
    /// assert!(t.is_empty() && t.counts().len() == 11);
    /// ```
    #[must_use]
    pub fn new(scale: Scale) -> Tally {
        let points = scale.len();
        Tally {
            scale,
            counts: vec![0; points],
            positive: vec![0; points],
            weights: vec![Sum::default(); points],
            weights_sq: vec![Sum::default(); points],
            exponent: 0,
            n: 0,
            not_applicable: 0,
        }
    }

    /// A tally of unweighted scores: the fast path.
    ///
    /// Scores may be any primitive integer or float type (see
    /// [`Scale::rating`]); `&[u8]` takes a branch-free counting kernel.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidBatchItem`] naming the index and the error of the first
    /// score that is not on the scale.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Error, Scale, Tally};
    ///
    /// let t = Tally::from_scores(Scale::CSAT_5, &[5, 4, 4, 3])?;
    /// assert_eq!(t.counts(), &[0, 0, 1, 2, 1]);
    ///
    /// let err = Tally::from_scores(Scale::CSAT_5, &[5, 0, 9]).unwrap_err();
    /// assert_eq!(err.to_string(), "answer at index 1 rejected, batch not added: score 0 is outside scale 1..=5");
    /// # Ok::<(), Error>(())
    /// ```
    pub fn from_scores<S: ScoreValue>(scale: Scale, scores: &[S]) -> Result<Tally, Error> {
        let mut tally = Tally::new(scale);
        tally.extend_scores(scores)?;
        Ok(tally)
    }

    /// A tally from per-point counts, lowest point first.
    ///
    /// # Errors
    ///
    /// [`Error::LengthMismatch`] when `counts` does not have one entry per
    /// point; [`Error::CountOverflow`] when the counts add up to more than
    /// `u64::MAX`.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Scale, Tally};
    ///
    /// let t = Tally::from_counts(Scale::CSAT_5, &[1, 0, 2, 5, 2])?;
    /// assert_eq!(t.n(), 10);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn from_counts(scale: Scale, counts: &[u64]) -> Result<Tally, Error> {
        let mut tally = Tally::new(scale);
        if counts.len() != scale.len() {
            return Err(Error::LengthMismatch {
                left_name: "counts",
                left: counts.len(),
                right_name: "scale points",
                right: scale.len(),
            });
        }
        let total = counts.iter().try_fold(0u64, |acc, &c| {
            acc.checked_add(c).ok_or(Error::CountOverflow {
                what: "rated answers",
                count: acc,
                added: c,
            })
        })?;
        tally.add_unit_counts(counts, total)?;
        Ok(tally)
    }

    /// A tally of responses, all-or-nothing.
    ///
    /// # Errors
    ///
    /// As [`Tally::extend`].
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Response, Scale, Tally};
    /// let r = Scale::CES_7.rating(6)?;
    /// let t = Tally::from_responses(Scale::CES_7, [Response::rated(r), Response::NotApplicable])?;
    /// assert_eq!((t.n(), t.not_applicable()), (1, 1));
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn from_responses<I>(scale: Scale, responses: I) -> Result<Tally, Error>
    where
        I: IntoIterator<Item = Response>,
    {
        let mut tally = Tally::new(scale);
        tally.extend(responses)?;
        Ok(tally)
    }

    /// The tally's scale.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Response, Scale, Tally};
    /// let mut t = Tally::from_scores(Scale::CSAT_5, &[5u8, 4, 4])?;
    /// t.push(Response::NotApplicable)?;
    /// assert_eq!(t.scale(), Scale::CSAT_5);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn scale(&self) -> Scale {
        self.scale
    }

    /// The number of rated answers (not applicable ones excluded): the `n`
    /// of every score.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Response, Scale, Tally};
    /// let mut t = Tally::from_scores(Scale::CSAT_5, &[5u8, 4, 4])?;
    /// t.push(Response::NotApplicable)?;
    /// assert_eq!(t.n(), 3);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn n(&self) -> u64 {
        self.n
    }

    /// The number of "not applicable" answers.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Response, Scale, Tally};
    /// let mut t = Tally::from_scores(Scale::CSAT_5, &[5u8, 4, 4])?;
    /// t.push(Response::NotApplicable)?;
    /// assert_eq!(t.not_applicable(), 1);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn not_applicable(&self) -> u64 {
        self.not_applicable
    }

    /// All responses recorded: rated plus not applicable. Never overflows:
    /// additions that would take it past `u64::MAX` are refused.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Response, Scale, Tally};
    /// let mut t = Tally::from_scores(Scale::CSAT_5, &[5u8, 4, 4])?;
    /// t.push(Response::NotApplicable)?;
    /// assert_eq!(t.len(), 4);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn len(&self) -> u64 {
        self.n + self.not_applicable
    }

    /// Whether no response at all has been recorded.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Response, Scale, Tally};
    /// let mut t = Tally::from_scores(Scale::CSAT_5, &[5u8, 4, 4])?;
    /// t.push(Response::NotApplicable)?;
    /// assert!(!t.is_empty());
    /// assert!(Tally::new(Scale::CSAT_5).is_empty());
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Rated answers per point, lowest point first.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Response, Scale, Tally};
    /// let mut t = Tally::from_scores(Scale::CSAT_5, &[5u8, 4, 4])?;
    /// t.push(Response::NotApplicable)?;
    /// assert_eq!(t.counts(), &[0, 0, 0, 2, 1]);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn counts(&self) -> &[u64] {
        &self.counts
    }

    /// The number of answers at `point`, or `None` when the point is not on
    /// the scale.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Response, Scale, Tally};
    /// let mut t = Tally::from_scores(Scale::CSAT_5, &[5u8, 4, 4])?;
    /// t.push(Response::NotApplicable)?;
    /// assert_eq!((t.count(4), t.count(1), t.count(9)), (Some(2), Some(0), None));
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn count(&self, point: i32) -> Option<u64> {
        self.index(point).map(|i| self.counts[i])
    }

    /// The sum of the weights of the answers at `point`.
    ///
    /// # Errors
    ///
    /// [`Error::ScoreOutOfRange`] when the point is not on the scale;
    /// [`Error::WeightSumOutOfRange`] when the sum exceeds `f64::MAX` (read
    /// it scaled from [`Tally::point_sums`] then).
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Scale, Tally};
    /// let mut t = Tally::new(Scale::CSAT_5);
    /// t.extend_weighted_scores(&[5u8, 5], &[0.5, 2.0])?;
    /// assert_eq!(t.weight(5)?, 2.5);
    /// assert!(t.weight(6).is_err());
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn weight(&self, point: i32) -> Result<f64, Error> {
        let i = self.scale.index_of_int(i128::from(point))?;
        unscale("weight sum", self.weights[i].value(), self.exponent)
    }

    /// The sum of all rated answers' weights (equal to [`Tally::n`] when
    /// every answer is unweighted).
    ///
    /// # Errors
    ///
    /// [`Error::WeightSumOutOfRange`] when the sum exceeds `f64::MAX`
    /// (scores are still exact: they use the scaled sums).
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Error, Scale, Tally};
    /// let mut t = Tally::new(Scale::CSAT_5);
    /// t.extend_weighted_scores(&[5u8, 1], &[0.5, 2.0])?;
    /// assert_eq!(t.total_weight()?, 2.5);
    ///
    /// t.extend_weighted_scores(&[5u8, 1], &[1e308, 1e308])?;
    /// assert!(matches!(t.total_weight(), Err(Error::WeightSumOutOfRange { .. })));
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn total_weight(&self) -> Result<f64, Error> {
        unscale("total weight", self.scaled_total_weight(), self.exponent)
    }

    /// The sum of all rated answers' squared weights.
    ///
    /// # Errors
    ///
    /// [`Error::WeightSumOutOfRange`] when the sum exceeds `f64::MAX`
    /// (weights above about 1.3e154 can do that). A sum below the smallest
    /// `f64` is returned rounded (to 0 for weights below about 1e-162).
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Scale, Tally};
    /// let mut t = Tally::new(Scale::CSAT_5);
    /// t.extend_weighted_scores(&[5u8, 1], &[0.5, 2.0])?;
    /// assert_eq!(t.total_weight_squared()?, 4.25);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn total_weight_squared(&self) -> Result<f64, Error> {
        let q = total(&self.weights_sq);
        let v = ldexp(q, 2 * self.exponent);
        if v.is_finite() {
            Ok(v)
        } else {
            Err(Error::WeightSumOutOfRange {
                what: "total squared weight",
                scaled: q,
                exponent: 2 * self.exponent,
            })
        }
    }

    /// Each point's count, positive-weight count and scaled weight sums,
    /// lowest point first. The weights are scaled by `2^-e` with `e` =
    /// [`Tally::weight_exponent`], so they never overflow or underflow.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{PointSums, Scale, Tally};
    /// let mut t = Tally::new(Scale::CSAT_5);
    /// t.extend_weighted_scores(&[5u8, 5, 1], &[0.5, 1.5, 0.0])?;
    /// let sums: Vec<PointSums> = t.point_sums().collect();
    /// assert_eq!(t.weight_exponent(), 0); // largest weight in [1, 2)
    /// assert_eq!(sums[0], PointSums { count: 1, positive: 0, weight: 0.0, weight_squared: 0.0 });
    /// assert_eq!(sums[4], PointSums { count: 2, positive: 2, weight: 2.0, weight_squared: 2.5 });
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn point_sums(&self) -> impl ExactSizeIterator<Item = PointSums> + '_ {
        (0..self.counts.len()).map(|i| PointSums {
            count: self.counts[i],
            positive: self.positive[i],
            weight: self.weights[i].value(),
            weight_squared: self.weights_sq[i].value(),
        })
    }

    /// The binary exponent `e` the weight sums of [`Tally::point_sums`] are
    /// scaled by: the true sums are `weight · 2^e` and
    /// `weight_squared · 2^2e`.
    ///
    /// It is the exponent of the largest weight seen (so that weight scales
    /// to [1, 2)), clamped to -1000..=1023: 0 for unweighted answers and
    /// whenever the largest weight lies in [1, 2), and 0 while no weight is
    /// positive.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Scale, Tally};
    /// let mut t = Tally::from_scores(Scale::NPS, &[10u8, 3])?;
    /// assert_eq!(t.weight_exponent(), 0);
    /// t.extend_weighted_scores(&[9u8], &[1e300])?;
    /// assert_eq!(t.weight_exponent(), 996); // 2^996 ≤ 1e300 < 2^997
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn weight_exponent(&self) -> i32 {
        self.exponent
    }

    /// Answers with a weight above 0, per point, lowest point first (equal
    /// to [`Tally::counts`] when unweighted). Zero-weight answers count in
    /// `n` but not in degrees of freedom or design effects.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Scale, Tally};
    /// let mut t = Tally::new(Scale::CSAT_5);
    /// t.extend_weighted_scores(&[5u8, 5, 1], &[0.0, 2.0, 1.0])?;
    /// assert_eq!(t.positive_counts(), &[1, 0, 0, 0, 1]);
    /// assert_eq!(t.counts(), &[1, 0, 0, 0, 2]);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn positive_counts(&self) -> &[u64] {
        &self.positive
    }

    /// The number of rated answers with a weight above 0 (at most
    /// [`Tally::n`]).
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Scale, Tally};
    /// let mut t = Tally::new(Scale::CSAT_5);
    /// t.extend_weighted_scores(&[5u8, 5, 1], &[0.0, 2.0, 1.0])?;
    /// assert_eq!((t.n(), t.n_positive()), (3, 2));
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn n_positive(&self) -> u64 {
        // Each entry is at most its count, so the sum is at most n.
        self.positive.iter().sum()
    }

    /// Kish's effective sample size (Σw)²/Σw²: the number of unweighted
    /// answers that would give the same precision. Equals [`Tally::n`] for
    /// unweighted answers; 0 when there is no weight; never above
    /// [`Tally::n_positive`] (rounding cannot push it past). Computed from
    /// the scaled sums, so any weights (1e-300 or 1e308) give it finite.
    ///
    /// # Formula
    ///
    /// ```text
    /// n_eff = (Σ w)² / Σ w²
    /// ```
    ///
    /// # References
    ///
    /// Kish, L. (1965). *Survey Sampling*. Wiley.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Response, Scale, Tally, Weight};
    ///
    /// let r = Scale::NPS.rating(10)?;
    /// let mut t = Tally::new(Scale::NPS);
    /// t.push(Response::weighted(r, Weight::new(1.0)?))?;
    /// t.push(Response::weighted(r, Weight::new(3.0)?))?;
    /// assert_eq!(t.effective_n(), 16.0 / 10.0);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn effective_n(&self) -> f64 {
        let w = self.scaled_total_weight();
        let w2 = total(&self.weights_sq);
        if w2 > 0.0 {
            // w · (w / w2) rather than w² / w2: exact (= n) when unweighted.
            (w * (w / w2)).min(self.n_positive() as f64)
        } else {
            0.0
        }
    }

    /// Records one response.
    ///
    /// # Errors
    ///
    /// [`Error::ScaleMismatch`] when the rating is on another scale;
    /// [`Error::CountOverflow`] when a count would pass `u64::MAX`.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Response, Scale, Tally, Weight};
    /// let mut t = Tally::new(Scale::NPS);
    /// t.push(Response::weighted(Scale::NPS.rating(9)?, Weight::new(1.5)?))?;
    /// assert!(t.push(Response::rated(Scale::CSAT_5.rating(5)?)).is_err());
    /// assert_eq!(t.total_weight()?, 1.5);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn push(&mut self, response: Response) -> Result<(), Error> {
        match response {
            Response::Rated { rating, weight } => self.push_weighted(rating, weight),
            Response::NotApplicable => self.push_not_applicable(),
        }
    }

    /// Records one unweighted rating.
    ///
    /// # Errors
    ///
    /// As [`Tally::push`].
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Scale, Tally};
    /// let mut t = Tally::new(Scale::NPS);
    /// t.push_rating(Scale::NPS.rating(10)?)?;
    /// assert_eq!(t.count(10), Some(1));
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn push_rating(&mut self, rating: Rating) -> Result<(), Error> {
        self.push_weighted(rating, Weight::ONE)
    }

    /// Records one rating with a survey weight.
    ///
    /// # Errors
    ///
    /// As [`Tally::push`].
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Scale, Tally, Weight};
    /// let mut t = Tally::new(Scale::NPS);
    /// t.push_weighted(Scale::NPS.rating(3)?, Weight::new(0.25)?)?;
    /// assert_eq!(t.weight(3)?, 0.25);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn push_weighted(&mut self, rating: Rating, weight: Weight) -> Result<(), Error> {
        self.check_scale(&rating.scale())?;
        self.check_room(1, 0)?;
        let i = rating.index();
        let w = weight.get();
        if let Some(e) = exponent_of(w) {
            self.raise_exponent(e);
        }
        let x = ldexp(w, -self.exponent);
        self.counts[i] += 1;
        self.positive[i] += u64::from(w > 0.0);
        self.weights[i].add(x);
        self.weights_sq[i].add(x * x);
        self.n += 1;
        Ok(())
    }

    /// Checks one raw score and records it, unweighted.
    ///
    /// # Errors
    ///
    /// As [`Scale::rating`] and [`Tally::push`].
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Scale, Tally};
    /// let mut t = Tally::new(Scale::NPS);
    /// t.push_score(8.0)?;
    /// assert!(t.push_score(8.5).is_err());
    /// assert_eq!(t.n(), 1);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn push_score<S: ScoreValue>(&mut self, score: S) -> Result<(), Error> {
        let rating = self.scale.rating(score)?;
        self.push_rating(rating)
    }

    /// Records one "not applicable" answer.
    ///
    /// # Errors
    ///
    /// [`Error::CountOverflow`] when the count would pass `u64::MAX`.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Scale, Tally};
    /// let mut t = Tally::new(Scale::NPS);
    /// t.push_not_applicable()?;
    /// assert_eq!((t.n(), t.len()), (0, 1));
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn push_not_applicable(&mut self) -> Result<(), Error> {
        self.check_room(0, 1)?;
        self.not_applicable += 1;
        Ok(())
    }

    /// Records every response, or none of them.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidBatchItem`] naming the index of the first response
    /// on another scale; [`Error::CountOverflow`]. On error the tally is
    /// unchanged.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Response, Scale, Tally};
    ///
    /// let mut t = Tally::new(Scale::NPS);
    /// let answers = [Scale::NPS.rating(9)?.into(), Response::NotApplicable];
    /// t.extend(answers)?;
    /// let wrong = [Scale::CSAT_5.rating(5)?.into()];
    /// assert!(t.extend(wrong).is_err());
    /// assert_eq!((t.n(), t.not_applicable()), (1, 1));
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn extend<I>(&mut self, responses: I) -> Result<(), Error>
    where
        I: IntoIterator<Item = Response>,
    {
        let mut batch = Tally::new(self.scale);
        for (i, response) in responses.into_iter().enumerate() {
            batch.push(response).map_err(|e| e.at(i))?;
        }
        self.merge(&batch)
    }

    /// Records a slice of unweighted scores, or none of them: the fast
    /// path.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidBatchItem`] naming the first bad score's index and
    /// value; [`Error::CountOverflow`]. On error the tally is unchanged.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Scale, Tally};
    /// let mut t = Tally::new(Scale::CES_5);
    /// t.extend_scores(&[1u8, 2, 2])?;
    /// t.extend_scores(&[5i32, 4])?;
    /// assert!(t.extend_scores(&[1u8, 6]).is_err());
    /// assert_eq!(t.n(), 5);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn extend_scores<S: ScoreValue>(&mut self, scores: &[S]) -> Result<(), Error> {
        let mut batch = vec![0u64; self.scale.len()];
        crate::counting::count::count_scores(scores, &self.scale, &mut batch)?;
        self.add_unit_counts(&batch, scores.len() as u64)
    }

    /// Records a slice of scores with a parallel slice of weights, or none
    /// of them.
    ///
    /// # Errors
    ///
    /// [`Error::LengthMismatch`] when the slices differ in length;
    /// [`Error::InvalidBatchItem`] naming the first bad score or weight;
    /// [`Error::CountOverflow`]. On error the tally is unchanged.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Scale, Tally};
    ///
    /// let mut t = Tally::new(Scale::CES_5);
    /// t.extend_weighted_scores(&[1u8, 2, 5], &[0.5, 1.5, 2.0])?;
    /// assert_eq!(t.total_weight()?, 4.0);
    /// assert!(t.extend_weighted_scores(&[1u8], &[f64::NAN]).is_err());
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn extend_weighted_scores<S: ScoreValue>(
        &mut self,
        scores: &[S],
        weights: &[f64],
    ) -> Result<(), Error> {
        if scores.len() != weights.len() {
            return Err(Error::LengthMismatch {
                left_name: "scores",
                left: scores.len(),
                right_name: "weights",
                right: weights.len(),
            });
        }
        // The batch is summed into scratch at the exponent of its largest
        // weight, and merged only when every item was good.
        let mut batch = Tally::new(self.scale);
        batch.exponent = crate::counting::count::weighted_scores(
            scores,
            weights,
            &self.scale,
            batch.parts_mut(),
        )?;
        batch.n = scores.len() as u64;
        self.merge(&batch)
    }

    /// Adds another tally on the same scale: exact, order-free, with the
    /// empty tally as identity. Checks everything before changing anything.
    ///
    /// # Errors
    ///
    /// [`Error::ScaleMismatch`] when the scales differ;
    /// [`Error::CountOverflow`] when a count would pass `u64::MAX`. On error
    /// `self` is unchanged.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Scale, Tally};
    ///
    /// let mut a = Tally::from_scores(Scale::NPS, &[10u8, 9, 2])?;
    /// let b = Tally::from_scores(Scale::NPS, &[7u8, 8])?;
    /// a.merge(&b)?;
    /// assert_eq!(a, Tally::from_scores(Scale::NPS, &[10u8, 9, 2, 7, 8])?);
    /// assert!(a.merge(&Tally::new(Scale::CSAT_5)).is_err());
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn merge(&mut self, other: &Tally) -> Result<(), Error> {
        self.check_merge(other)?;
        self.apply_merge(other);
        Ok(())
    }

    /// Adds `k` "not applicable" answers at once.
    pub(crate) fn add_not_applicable(&mut self, k: u64) -> Result<(), Error> {
        self.check_room(0, k)?;
        self.not_applicable += k;
        Ok(())
    }

    /// Checks that `other` can be merged into `self`: same scale, no count
    /// past `u64::MAX`.
    pub(crate) fn check_merge(&self, other: &Tally) -> Result<(), Error> {
        self.check_scale(&other.scale)?;
        self.check_room(other.n, other.not_applicable)
    }

    /// Adds `other`, which [`Tally::check_merge`] has accepted. The sums
    /// meet at the larger of the two exponents (the smaller side is scaled
    /// down by an exact power of two).
    pub(crate) fn apply_merge(&mut self, other: &Tally) {
        let shift = if other.has_weight() {
            self.raise_exponent(other.exponent);
            other.exponent - self.exponent
        } else {
            0
        };
        for (i, &c) in other.counts.iter().enumerate() {
            self.counts[i] += c;
            self.positive[i] += other.positive[i];
            self.weights[i].merge(&other.weights[i].scaled(shift));
            self.weights_sq[i].merge(&other.weights_sq[i].scaled(2 * shift));
        }
        self.n += other.n;
        self.not_applicable += other.not_applicable;
    }

    /// Adds per-point counts of unit-weight answers whose sum is `added`.
    pub(crate) fn add_unit_counts(&mut self, counts: &[u64], added: u64) -> Result<(), Error> {
        self.check_room(added, 0)?;
        if added != 0 {
            self.raise_exponent(0);
        }
        for (i, &c) in counts.iter().enumerate() {
            if c != 0 {
                self.counts[i] += c;
                self.positive[i] += c;
                // Each answer weighs 1, so both sums grow by the count
                // (scaled by 2^-e and 2^-2e).
                self.weights[i].add(ldexp(c as f64, -self.exponent));
                self.weights_sq[i].add(ldexp(c as f64, -2 * self.exponent));
            }
        }
        self.n += added;
        Ok(())
    }

    /// Whether any answer has a positive weight (then the exponent is that
    /// of the largest weight; otherwise every weight sum is 0 and the
    /// exponent means nothing).
    fn has_weight(&self) -> bool {
        self.positive.iter().any(|&p| p != 0)
    }

    /// Makes the exponent at least `e` (the exponent of a weight about to
    /// be added), rescaling the sums by an exact power of two.
    fn raise_exponent(&mut self, e: i32) {
        if !self.has_weight() {
            self.exponent = e;
        } else if e > self.exponent {
            let shift = self.exponent - e;
            for s in &mut self.weights {
                *s = s.scaled(shift);
            }
            for s in &mut self.weights_sq {
                *s = s.scaled(2 * shift);
            }
            self.exponent = e;
        }
    }

    fn check_scale(&self, scale: &Scale) -> Result<(), Error> {
        if *scale == self.scale {
            Ok(())
        } else {
            Err(Scale::mismatch(self.scale, *scale))
        }
    }

    /// Checks that `rated` more rated and `na` more not-applicable answers
    /// keep every count, and the total, within `u64`. Each per-point count
    /// is at most `n`, so checking `n` covers them.
    fn check_room(&self, rated: u64, na: u64) -> Result<(), Error> {
        let overflow = |what, count, added| Error::CountOverflow { what, count, added };
        let n = self
            .n
            .checked_add(rated)
            .ok_or(overflow("rated answers", self.n, rated))?;
        let na_total = self.not_applicable.checked_add(na).ok_or(overflow(
            "not-applicable answers",
            self.not_applicable,
            na,
        ))?;
        n.checked_add(na_total).ok_or(overflow(
            "responses",
            self.len(),
            rated.saturating_add(na),
        ))?;
        Ok(())
    }

    fn index(&self, point: i32) -> Option<usize> {
        self.scale.index_of_int(i128::from(point)).ok()
    }

    /// Fails with [`Error::EmptyTally`] or [`Error::ZeroTotalWeight`] unless
    /// the tally has rated answers of positive total weight.
    pub(crate) fn require_scorable(&self) -> Result<(), Error> {
        if self.n == 0 {
            Err(Error::EmptyTally {
                not_applicable: self.not_applicable,
            })
        } else if self.scaled_total_weight() <= 0.0 {
            Err(Error::ZeroTotalWeight { n: self.n })
        } else {
            Ok(())
        }
    }

    /// Count and scaled weight (Σw · 2^-e) of the answers whose indices lie
    /// in `range`.
    pub(crate) fn sum_range(&self, range: std::ops::Range<usize>) -> (u64, f64) {
        let count = self.counts[range.clone()].iter().sum();
        (count, total(&self.weights[range]))
    }

    /// The total weight scaled by 2^-e: what every score divides by.
    pub(crate) fn scaled_total_weight(&self) -> f64 {
        total(&self.weights)
    }

    /// The parts a weighted batch kernel fills in a scratch tally (its `n`
    /// is set by the caller, its exponent already set from the batch's
    /// largest weight, the weights scaled by 2^-exponent).
    pub(crate) fn parts_mut(&mut self) -> crate::counting::count::WeightedSums<'_> {
        crate::counting::count::WeightedSums {
            counts: &mut self.counts,
            positive: &mut self.positive,
            sums: &mut self.weights,
            squares: &mut self.weights_sq,
        }
    }

    /// A tally from per-point sums at weight exponent `exponent` (as
    /// [`Tally::point_sums`] and [`Tally::weight_exponent`] give them):
    /// how a group of a [`crate::GroupedTally`] comes out. The sums come
    /// from answers the crate checked; counts are checked again here.
    /// (Sums from outside go through [`Tally::from_point_sums`].)
    pub(crate) fn from_checked_sums(
        scale: Scale,
        exponent: i32,
        sums: &[PointSums],
        not_applicable: u64,
    ) -> Result<Tally, Error> {
        let counts: Vec<u64> = sums.iter().map(|p| p.count).collect();
        let mut t = Tally::from_counts(scale, &counts)?;
        t.check_room(0, not_applicable)?;
        t.not_applicable = not_applicable;
        for (i, p) in sums.iter().enumerate().take(t.counts.len()) {
            t.positive[i] = p.positive;
            t.weights[i] = Sum::default();
            t.weights[i].add(p.weight);
            t.weights_sq[i] = Sum::default();
            t.weights_sq[i].add(p.weight_squared);
        }
        t.exponent = if t.has_weight() {
            exponent.clamp(MIN_EXPONENT, MAX_EXPONENT)
        } else {
            0
        };
        Ok(t)
    }

    /// The scaled weight sums (Σw · 2^-e) per point, lowest first.
    pub(crate) fn weight_values(&self) -> impl Iterator<Item = f64> + '_ {
        self.weights.iter().map(Sum::value)
    }
}

/// `scaled · 2^e` as a number, or an error when it exceeds `f64::MAX`.
fn unscale(what: &'static str, scaled: f64, exponent: i32) -> Result<f64, Error> {
    let v = ldexp(scaled, exponent);
    if v.is_finite() {
        Ok(v)
    } else {
        Err(Error::WeightSumOutOfRange {
            what,
            scaled,
            exponent,
        })
    }
}

/// Sum of compensated sums, itself compensated.
fn total(sums: &[Sum]) -> f64 {
    let mut t = Sum::default();
    for s in sums {
        t.merge(s);
    }
    t.value()
}

/// The serialized form: plain numbers, checked on the way back in.
///
/// Unknown fields are an error (`deny_unknown_fields`): a tally is
/// validated state, and a field this version does not know (say `"n"`)
/// would be silently ignored otherwise. Every array is read with a cap of
/// [`Scale::MAX_POINTS`] entries, so a hostile payload cannot make the
/// parser allocate more than that before the length check.
///
/// `weights` and `weights_squared` are the scaled sums of
/// [`Tally::point_sums`] and `weight_exponent` their exponent; `positive`
/// the positive-weight counts. Payloads of 0.1 (without `positive` and
/// `weight_exponent`) are read too: their plain sums are scaled on the way
/// in, and every answer at a point of positive weight is taken as
/// positive.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct TallyRepr {
    scale: Scale,
    #[serde(deserialize_with = "capped::vec")]
    counts: Vec<u64>,
    #[serde(default, deserialize_with = "capped::option_vec")]
    positive: Option<Vec<u64>>,
    #[serde(deserialize_with = "capped::vec")]
    weights: Vec<f64>,
    #[serde(deserialize_with = "capped::vec")]
    weights_squared: Vec<f64>,
    #[serde(default)]
    weight_exponent: Option<i32>,
    not_applicable: u64,
}

#[cfg(feature = "serde")]
impl From<Tally> for TallyRepr {
    fn from(t: Tally) -> TallyRepr {
        TallyRepr {
            scale: t.scale,
            weights: t.weights.iter().map(Sum::value).collect(),
            weights_squared: t.weights_sq.iter().map(Sum::value).collect(),
            counts: t.counts,
            positive: Some(t.positive),
            weight_exponent: Some(t.exponent),
            not_applicable: t.not_applicable,
        }
    }
}

/// Sequences read with a cap on their length, checked element by element
/// while parsing.
#[cfg(feature = "serde")]
mod capped {
    use std::fmt;
    use std::marker::PhantomData;

    use serde::de::{Deserialize, Deserializer, Error as _, SeqAccess, Visitor};

    use crate::foundation::scale::Scale;

    const CAP: usize = Scale::MAX_POINTS as usize;

    struct CappedVec<T>(PhantomData<T>);

    impl<'de, T: Deserialize<'de>> Visitor<'de> for CappedVec<T> {
        type Value = Vec<T>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(
                f,
                "a sequence of at most {CAP} entries (one per scale point)"
            )
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(CAP));
            while let Some(x) = seq.next_element()? {
                if out.len() == CAP {
                    return Err(A::Error::custom(format_args!(
                        "more than {CAP} entries: a tally has one per scale point, at most {CAP}"
                    )));
                }
                out.push(x);
            }
            Ok(out)
        }
    }

    pub(super) fn vec<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
        d: D,
    ) -> Result<Vec<T>, D::Error> {
        d.deserialize_seq(CappedVec(PhantomData))
    }

    pub(super) fn option_vec<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
        d: D,
    ) -> Result<Option<Vec<T>>, D::Error> {
        vec(d).map(Some)
    }
}

#[cfg(feature = "serde")]
impl TryFrom<TallyRepr> for Tally {
    type Error = Error;

    /// Applies every invariant a tally built through the API satisfies.
    fn try_from(r: TallyRepr) -> Result<Tally, Error> {
        Tally::from_parts(r.into())
    }
}

/// A tally's parts as numbers from outside the crate (a payload, an
/// engine's sums), before they are checked.
struct Parts {
    scale: Scale,
    counts: Vec<u64>,
    /// `None`: every answer at a point of positive weight is positive.
    positive: Option<Vec<u64>>,
    weights: Vec<f64>,
    weights_squared: Vec<f64>,
    /// `None`: plain sums, scaled here.
    weight_exponent: Option<i32>,
    not_applicable: u64,
}

#[cfg(feature = "serde")]
impl From<TallyRepr> for Parts {
    fn from(r: TallyRepr) -> Parts {
        Parts {
            scale: r.scale,
            counts: r.counts,
            positive: r.positive,
            weights: r.weights,
            weights_squared: r.weights_squared,
            weight_exponent: r.weight_exponent,
            not_applicable: r.not_applicable,
        }
    }
}

impl Tally {
    /// A tally from the per-point sums of [`Tally::point_sums`] at the
    /// exponent of [`Tally::weight_exponent`]: the exact inverse of those
    /// two, for a tally stored or sent as numbers (a query engine's
    /// aggregation state, a database row).
    ///
    /// Every invariant of a tally built through the API is checked, as
    /// deserialization checks it.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidTally`] naming the entry: one entry per point, an
    /// exponent within the tally's range, sums that fit their counts
    /// (finite, at least 0, zero without positive-weight answers, within
    /// Cauchy–Schwarz); [`Error::CountOverflow`] for counts whose total
    /// passes `u64::MAX`.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Response, Scale, Tally, Weight};
    /// let mut t = Tally::new(Scale::NPS);
    /// t.push(Response::weighted(Scale::NPS.rating(10)?, Weight::new(3e200)?))?;
    /// t.push(Response::weighted(Scale::NPS.rating(0)?, Weight::new(0.0)?))?;
    /// let sums: Vec<_> = t.point_sums().collect();
    /// let back = Tally::from_point_sums(Scale::NPS, t.weight_exponent(), &sums, 0)?;
    /// assert_eq!(back, t);
    /// assert!(Tally::from_point_sums(Scale::NPS, 0, &sums[..3], 0).is_err());
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn from_point_sums(
        scale: Scale,
        exponent: i32,
        sums: &[PointSums],
        not_applicable: u64,
    ) -> Result<Tally, Error> {
        Tally::from_parts(Parts {
            scale,
            counts: sums.iter().map(|p| p.count).collect(),
            positive: Some(sums.iter().map(|p| p.positive).collect()),
            weights: sums.iter().map(|p| p.weight).collect(),
            weights_squared: sums.iter().map(|p| p.weight_squared).collect(),
            weight_exponent: Some(exponent),
            not_applicable,
        })
    }

    /// A tally from plain per-point sums, lowest point first, as any
    /// engine computes them: `COUNT(*)`, `SUM(w)` and `SUM(w * w)` grouped
    /// by score, and the number of "not applicable" answers. The weighted
    /// counterpart of [`Tally::from_counts`].
    ///
    /// The sums are scaled by a power of two on the way in, as the tally
    /// keeps them. Plain sums do not say how many answers weighed 0: every
    /// answer at a point of positive weight is taken as positive.
    ///
    /// # Errors
    ///
    /// As [`Tally::from_point_sums`].
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Nps, Scale, Tally};
    /// // SELECT score, COUNT(*), SUM(w), SUM(w * w) … GROUP BY score:
    /// let mut counts = [0u64; 11];
    /// let (mut w, mut w2) = ([0.0; 11], [0.0; 11]);
    /// for (score, n, sw, sw2) in [(10, 2, 3.0, 5.0), (3, 1, 0.5, 0.25)] {
    ///     (counts[score], w[score], w2[score]) = (n, sw, sw2);
    /// }
    /// let t = Tally::from_weight_sums(Scale::NPS, &counts, &w, &w2, 0)?;
    /// // Two promoters weighing 1 and 2, one detractor weighing 0.5.
    /// assert!((Nps::from_tally(&t)?.score() - 2.5 / 3.5 * 100.0).abs() < 1e-12);
    /// // Σw² above (Σw)² cannot come from real weights.
    /// assert!(Tally::from_weight_sums(Scale::NPS, &counts, &w, &[9.0; 11], 0).is_err());
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn from_weight_sums(
        scale: Scale,
        counts: &[u64],
        weights: &[f64],
        weights_squared: &[f64],
        not_applicable: u64,
    ) -> Result<Tally, Error> {
        Tally::from_parts(Parts {
            scale,
            counts: counts.to_vec(),
            positive: None,
            weights: weights.to_vec(),
            weights_squared: weights_squared.to_vec(),
            weight_exponent: None,
            not_applicable,
        })
    }

    /// Applies every invariant a tally built through the API satisfies.
    fn from_parts(r: Parts) -> Result<Tally, Error> {
        let invalid = |reason: String| Error::InvalidTally { reason };
        let points = r.scale.len();
        let lengths = [
            ("counts", r.counts.len()),
            ("weights", r.weights.len()),
            ("weights_squared", r.weights_squared.len()),
            ("positive", r.positive.as_ref().map_or(points, Vec::len)),
        ];
        for (name, len) in lengths {
            if len != points {
                return Err(invalid(format!(
                    "{name} has {len} entries but scale {} has {points} points",
                    r.scale
                )));
            }
        }
        if let Some(e) = r.weight_exponent
            && !(MIN_EXPONENT..=MAX_EXPONENT).contains(&e)
        {
            return Err(invalid(format!(
                "weight_exponent {e} is outside {MIN_EXPONENT}..={MAX_EXPONENT}"
            )));
        }
        let mut tally = Tally::from_counts(r.scale, &r.counts)?;
        tally.check_room(0, r.not_applicable)?;
        tally.not_applicable = r.not_applicable;
        let mut weights = r.weights;
        let mut squares = r.weights_squared;
        for i in 0..points {
            let (w, w2) = (weights[i], squares[i]);
            if !(w.is_finite() && w >= 0.0 && w2.is_finite() && w2 >= 0.0) {
                let point = r.scale.point_at(i);
                return Err(invalid(format!(
                    "at point {point}: weight sums must be finite and at least 0 (weight {w}, squared weight {w2})"
                )));
            }
        }
        // A 0.1 payload kept plain sums: scale them (by an exact power of
        // two) so that Σw²/Σw, a weighted mean weight and the largest
        // weight when a point's weights are equal, lies in [1, 2).
        let exponent = match r.weight_exponent {
            Some(e) => e,
            None => {
                let largest = weights.iter().fold(0.0f64, |m, &w| m.max(w));
                let mean_weight = weights
                    .iter()
                    .zip(&squares)
                    .filter(|&(&w, _)| w > 0.0)
                    .fold(0.0f64, |m, (&w, &w2)| m.max(w2 / w));
                let e = exponent_of(mean_weight)
                    .or(exponent_of(largest))
                    .unwrap_or(0);
                for (w, w2) in weights.iter_mut().zip(&mut squares) {
                    *w = ldexp(*w, -e);
                    *w2 = ldexp(*w2, -2 * e);
                }
                e
            }
        };
        // Built by the API, the largest point weight is at least the
        // largest scaled weight, in [1, 2) (or at least 2^-74 when the
        // exponent is clamped at -1000), and at most 2 per answer.
        let largest = weights.iter().fold(0.0f64, |m, &w| m.max(w));
        if largest > 0.0 && !(2f64.powi(-80)..=2f64.powi(67)).contains(&largest) {
            return Err(invalid(format!(
                "weight sums {largest} × 2^{exponent} cannot come from finite weights"
            )));
        }
        for i in 0..points {
            let (c, w, w2) = (r.counts[i], weights[i], squares[i]);
            let point = r.scale.point_at(i);
            // 0.1 payloads did not keep positive-weight counts: every
            // answer at a point of positive weight is taken as positive.
            let positive = match &r.positive {
                Some(p) => p[i],
                None if w > 0.0 => c,
                None => 0,
            };
            check_point_sums(c, positive, w, w2, largest > 0.0).map_err(|why| {
                invalid(format!(
                    "at point {point}: {why} (count {c}, positive {positive}, weight {w}, squared weight {w2}, exponent {exponent})"
                ))
            })?;
            tally.positive[i] = positive;
            tally.weights[i] = Sum::from_value(w);
            tally.weights_sq[i] = Sum::from_value(w2);
        }
        tally.exponent = if largest > 0.0 { exponent } else { 0 };
        Ok(tally)
    }
}

/// Checks that a point's scaled weight sums could come from `positive`
/// positive weights among `c`: positive ≤ c, both sums zero without
/// positive weights, and w²/positive ≤ Σw² ≤ (Σw)² (Cauchy–Schwarz) within
/// a relative rounding allowance of 1e-9, plus absolute ones for squares
/// that fell into or below the subnormal range (squares of weights under
/// 2^-511 times the largest keep only a few digits, or none): below, up to
/// 2^-1022 per answer lost; above, half a subnormal step per answer's
/// square and per merge or rescale (each merge brings at least one
/// answer), so (2·positive + 1)·2^-1074.
fn check_point_sums(
    c: u64,
    positive: u64,
    w: f64,
    w2: f64,
    any_weight: bool,
) -> Result<(), &'static str> {
    const ROUNDING: f64 = 1e-9;
    // The most one point can lose to underflow: each square below 2^-1022
    // (and each weight below 2^-1074) rounds to 0.
    let lost_square = positive as f64 * f64::MIN_POSITIVE;
    let lost_weight = positive as f64 * 2f64.powi(-1074);
    if c == 0 && (w != 0.0 || w2 != 0.0) {
        return Err("weight sums must be 0 where there are no answers");
    }
    if positive > c {
        return Err("more positive-weight answers than answers");
    }
    if positive == 0 && (w != 0.0 || w2 != 0.0) {
        return Err("weight sums must be 0 where no answer has a positive weight");
    }
    if positive > 0 && !any_weight {
        return Err("positive-weight answers but every weight sum is 0");
    }
    let upper = (w + lost_weight) * (w + lost_weight);
    let rounded_up = (2.0 * positive as f64 + 1.0) * 2f64.powi(-1074);
    if w2 > upper * (1.0 + ROUNDING) + rounded_up {
        return Err("squared-weight sum is impossible: larger than the squared weight sum");
    }
    if w * w > (positive as f64 * (w2 + lost_square)) * (1.0 + ROUNDING) {
        return Err("squared-weight sum is impossible: too small for this count and weight sum");
    }
    Ok(())
}
