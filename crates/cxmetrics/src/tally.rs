//! The aggregation core: counts and weight sums per scale point.

use crate::error::Error;
use crate::response::{Response, Weight};
use crate::scale::{Rating, Scale, ScoreValue};
use crate::sum::Sum;

/// Counts and weight sums per point of one scale: the sufficient statistic
/// for every score in the crate.
///
/// A `Tally` keeps, for each point, the number of answers, the sum of
/// their weights and the sum of their squared weights (unweighted answers
/// weigh 1), plus the number of "not applicable" answers. That is all NPS,
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
    weights: Vec<Sum>,
    weights_sq: Vec<Sum>,
    /// Rated answers: the sum of `counts`, kept so that every addition can
    /// be checked against `u64::MAX` once.
    n: u64,
    not_applicable: u64,
}

impl PartialEq for Tally {
    /// Same scale, same counts, and the same weight sums (compared as
    /// rounded values).
    fn eq(&self, other: &Tally) -> bool {
        let same_sums = |a: &[Sum], b: &[Sum]| a.iter().zip(b).all(|(x, y)| x.value() == y.value());
        self.scale == other.scale
            && self.n == other.n
            && self.not_applicable == other.not_applicable
            && self.counts == other.counts
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
            weights: vec![Sum::default(); points],
            weights_sq: vec![Sum::default(); points],
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

    /// The sum of the weights of the answers at `point`, or `None` when the
    /// point is not on the scale.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Scale, Tally};
    /// let mut t = Tally::new(Scale::CSAT_5);
    /// t.extend_weighted_scores(&[5u8, 5], &[0.5, 2.0])?;
    /// assert_eq!(t.weight(5), Some(2.5));
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn weight(&self, point: i32) -> Option<f64> {
        self.index(point).map(|i| self.weights[i].value())
    }

    /// The sum of all rated answers' weights (equal to [`Tally::n`] when
    /// every answer is unweighted).
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Scale, Tally};
    /// let mut t = Tally::new(Scale::CSAT_5);
    /// t.extend_weighted_scores(&[5u8, 1], &[0.5, 2.0])?;
    /// assert_eq!(t.total_weight(), 2.5);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn total_weight(&self) -> f64 {
        total(&self.weights)
    }

    /// The sum of all rated answers' squared weights.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Scale, Tally};
    /// let mut t = Tally::new(Scale::CSAT_5);
    /// t.extend_weighted_scores(&[5u8, 1], &[0.5, 2.0])?;
    /// assert_eq!(t.total_weight_squared(), 4.25);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn total_weight_squared(&self) -> f64 {
        total(&self.weights_sq)
    }

    /// Kish's effective sample size (Σw)²/Σw²: the number of unweighted
    /// answers that would give the same precision. Equals [`Tally::n`] for
    /// unweighted answers; 0 when there is no weight.
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
        let w = self.total_weight();
        let w2 = self.total_weight_squared();
        if w2 > 0.0 {
            // w · (w / w2) rather than w² / w2: exact (= n) when unweighted.
            w * (w / w2)
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
    /// assert_eq!(t.total_weight(), 1.5);
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
    /// assert_eq!(t.weight(3), Some(0.25));
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn push_weighted(&mut self, rating: Rating, weight: Weight) -> Result<(), Error> {
        self.check_scale(&rating.scale())?;
        self.check_room(1, 0)?;
        let i = rating.index();
        let w = weight.get();
        self.counts[i] += 1;
        self.weights[i].add(w);
        self.weights_sq[i].add(w * w);
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
        crate::count::count_scores(scores, &self.scale, &mut batch)?;
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
    /// assert_eq!(t.total_weight(), 4.0);
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
        crate::count::check_weighted(scores, weights, &self.scale)?;
        let mut batch = Tally::new(self.scale);
        let mut positive = vec![0u64; self.scale.len()];
        crate::count::weighted_scores(
            scores,
            weights,
            &self.scale,
            1.0,
            crate::count::WeightedSums {
                counts: &mut batch.counts,
                positive: &mut positive,
                sums: &mut batch.weights,
                squares: &mut batch.weights_sq,
            },
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

    /// Adds `other`, which [`Tally::check_merge`] has accepted.
    pub(crate) fn apply_merge(&mut self, other: &Tally) {
        for (i, &c) in other.counts.iter().enumerate() {
            self.counts[i] += c;
            self.weights[i].merge(&other.weights[i]);
            self.weights_sq[i].merge(&other.weights_sq[i]);
        }
        self.n += other.n;
        self.not_applicable += other.not_applicable;
    }

    /// Adds per-point counts of unit-weight answers whose sum is `added`.
    pub(crate) fn add_unit_counts(&mut self, counts: &[u64], added: u64) -> Result<(), Error> {
        self.check_room(added, 0)?;
        for (i, &c) in counts.iter().enumerate() {
            if c != 0 {
                self.counts[i] += c;
                // Each answer weighs 1, so both sums grow by the count.
                self.weights[i].add(c as f64);
                self.weights_sq[i].add(c as f64);
            }
        }
        self.n += added;
        Ok(())
    }

    fn check_scale(&self, scale: &Scale) -> Result<(), Error> {
        if *scale == self.scale {
            Ok(())
        } else {
            Err(Error::ScaleMismatch {
                expected: self.scale,
                actual: *scale,
            })
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
        } else if self.total_weight() <= 0.0 {
            Err(Error::ZeroTotalWeight { n: self.n })
        } else {
            Ok(())
        }
    }

    /// Count and weight of the answers whose indices lie in `range`.
    pub(crate) fn sum_range(&self, range: std::ops::Range<usize>) -> (u64, f64) {
        let count = self.counts[range.clone()].iter().sum();
        (count, total(&self.weights[range]))
    }

    /// The weight sums per point, lowest first.
    pub(crate) fn weight_values(&self) -> impl Iterator<Item = f64> + '_ {
        self.weights.iter().map(Sum::value)
    }

    /// The squared-weight sums per point, lowest first.
    pub(crate) fn weight_squared_values(&self) -> impl Iterator<Item = f64> + '_ {
        self.weights_sq.iter().map(Sum::value)
    }

    /// Replaces the weight sums (one per point, finite, checked by the
    /// caller) of a tally built from counts.
    pub(crate) fn set_weight_sums(&mut self, sums: &[f64], squares: &[f64]) {
        for (s, &x) in self.weights.iter_mut().zip(sums) {
            *s = Sum::default();
            s.add(x);
        }
        for (s, &x) in self.weights_sq.iter_mut().zip(squares) {
            *s = Sum::default();
            s.add(x);
        }
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
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
struct TallyRepr {
    scale: Scale,
    counts: Vec<u64>,
    weights: Vec<f64>,
    weights_squared: Vec<f64>,
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
            not_applicable: t.not_applicable,
        }
    }
}

#[cfg(feature = "serde")]
impl TryFrom<TallyRepr> for Tally {
    type Error = Error;

    /// Applies every invariant a tally built through the API satisfies.
    fn try_from(r: TallyRepr) -> Result<Tally, Error> {
        let invalid = |reason: String| Error::InvalidTally { reason };
        let points = r.scale.len();
        for (name, len) in [
            ("counts", r.counts.len()),
            ("weights", r.weights.len()),
            ("weights_squared", r.weights_squared.len()),
        ] {
            if len != points {
                return Err(invalid(format!(
                    "{name} has {len} entries but scale {} has {points} points",
                    r.scale
                )));
            }
        }
        let mut tally = Tally::from_counts(r.scale, &r.counts)?;
        tally.check_room(0, r.not_applicable)?;
        tally.not_applicable = r.not_applicable;
        for i in 0..points {
            let (c, w, w2) = (r.counts[i], r.weights[i], r.weights_squared[i]);
            let point = r.scale.point_at(i);
            check_point_sums(c, w, w2).map_err(|why| {
                invalid(format!(
                    "at point {point}: {why} (count {c}, weight {w}, squared weight {w2})"
                ))
            })?;
            tally.weights[i] = Sum::from_value(w);
            tally.weights_sq[i] = Sum::from_value(w2);
        }
        Ok(tally)
    }
}

/// Checks that a point's weight sums could come from `c` weights that are
/// finite and at least 0: both sums finite and non-negative, zero when the
/// count is zero, and w²/c ≤ Σw² ≤ (Σw)² (Cauchy–Schwarz), within a
/// relative rounding allowance of 1e-9.
#[cfg(feature = "serde")]
fn check_point_sums(c: u64, w: f64, w2: f64) -> Result<(), &'static str> {
    const ROUNDING: f64 = 1e-9;
    if !(w.is_finite() && w >= 0.0 && w2.is_finite() && w2 >= 0.0) {
        return Err("weight sums must be finite and at least 0");
    }
    if c == 0 && (w != 0.0 || w2 != 0.0) {
        return Err("weight sums must be 0 where there are no answers");
    }
    if w2 > w * w * (1.0 + ROUNDING) || w * w > c as f64 * w2 * (1.0 + ROUNDING) {
        return Err("squared-weight sum is impossible for this count and weight sum");
    }
    Ok(())
}
