//! Rating scales, their direction, and ratings known to lie on them.

use std::fmt;

use crate::foundation::error::Error;

/// Which end of a scale is the good one.
///
/// Every "good share" in the crate (top box, "% easy", the normalised index)
/// follows the polarity of its scale, so a CES question asked as
/// 1 = very easy … 5 = very difficult is scored correctly.
///
/// # Example
///
/// ```
/// use cxmetrics::{Polarity, Scale, Tally, TopBox};
/// // The same answers, asked with 1 = very easy (lower is better).
/// let t = Tally::from_scores(Scale::CES_5, &[1u8, 2, 5])?;
/// assert_eq!(Scale::CES_5.polarity(), Polarity::LowerIsBetter);
/// assert_eq!(TopBox::top(&t, 2)?.points(), 1..=2);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Polarity {
    /// Higher points are better (NPS, CSAT, CES 2.0 agreement items).
    HigherIsBetter,
    /// Lower points are better (effort asked as 1 = very easy).
    LowerIsBetter,
}

impl Polarity {
    /// The other direction.
    ///
    /// ```
    /// use cxmetrics::Polarity;
    /// assert_eq!(Polarity::HigherIsBetter.reversed(), Polarity::LowerIsBetter);
    /// ```
    #[must_use]
    pub const fn reversed(self) -> Polarity {
        match self {
            Polarity::HigherIsBetter => Polarity::LowerIsBetter,
            Polarity::LowerIsBetter => Polarity::HigherIsBetter,
        }
    }
}

/// What a scale's question measures: the label that keeps answers to
/// different questions apart.
///
/// Two questions can share points and direction — CSAT on 1–7 and CES 2.0
/// on 1–7 are both `1..=7`, higher is better — yet their answers must never
/// be added up. The question is therefore part of a [`Scale`]: the presets
/// carry theirs, [`Scale::new`] makes a scale of [`Question::Other`], and
/// [`Scale::for_question`] sets it. Scales are equal only when their
/// questions are, so merging a CSAT tally into a CES tally (or comparing
/// their means) is an [`Error::ScaleMismatch`] rather than a silent sum.
///
/// # Example
///
/// ```
/// use cxmetrics::{Error, Polarity, Question, Scale, Tally};
///
/// assert_ne!(Scale::CSAT_7, Scale::CES_7);
/// assert_eq!(Scale::CES_7.question(), Question::Ces);
/// let mut ces = Tally::from_scores(Scale::CES_7, &[7u8, 6])?;
/// let csat = Tally::from_scores(Scale::CSAT_7, &[2u8])?;
/// let err = ces.merge(&csat).unwrap_err();
/// assert_eq!(err.to_string(), "scale mismatch: expected CES 1..=7, got CSAT 1..=7");
/// // A custom scale says which question it is for.
/// let agent = Scale::new(1, 5, Polarity::HigherIsBetter)?.for_question(Question::Csat);
/// assert_eq!(agent, Scale::CSAT_5);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Question {
    /// "How likely are you to recommend us?" ([`Scale::NPS`]).
    Nps,
    /// Customer satisfaction ([`Scale::CSAT_5`], [`Scale::CSAT_7`],
    /// [`Scale::CSAT_10`]).
    Csat,
    /// Customer effort ([`Scale::CES_7`], [`Scale::CES_5`]).
    Ces,
    /// Any other question, or one not said: the question of
    /// [`Scale::new`].
    #[default]
    Other,
}

impl fmt::Display for Question {
    /// `NPS`, `CSAT`, `CES`, `other`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Question::Nps => "NPS",
            Question::Csat => "CSAT",
            Question::Ces => "CES",
            Question::Other => "other",
        })
    }
}

/// A validated rating scale: the whole-number points `lowest..=highest`, a
/// [`Polarity`], and the [`Question`] it measures.
///
/// Presets cover the common questions ([`Scale::NPS`], [`Scale::CSAT_5`],
/// [`Scale::CES_7`], [`Scale::CES_5`] …); [`Scale::new`] builds any other
/// Likert-style or slider scale of up to [`Scale::MAX_POINTS`] points.
///
/// # Example
///
/// ```
/// use cxmetrics::{Polarity, Scale};
///
/// let slider = Scale::new(0, 100, Polarity::HigherIsBetter)?;
/// assert_eq!(slider.len(), 101);
/// assert!(Scale::new(5, 1, Polarity::HigherIsBetter).is_err());
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "ScaleRepr", into = "ScaleRepr")
)]
pub struct Scale {
    lowest: i32,
    highest: i32,
    polarity: Polarity,
    question: Question,
}

impl Scale {
    /// The largest number of points a scale may have (a 0–1000 slider).
    pub const MAX_POINTS: u32 = 1001;

    /// Net Promoter "how likely are you to recommend" question: 0..=10.
    #[doc(alias = "net promoter score")]
    pub const NPS: Scale = Scale::preset(0, 10, Polarity::HigherIsBetter, Question::Nps);
    /// CSAT on 1..=5, 5 = very satisfied (the most common form).
    #[doc(alias = "customer satisfaction")]
    pub const CSAT_5: Scale = Scale::preset(1, 5, Polarity::HigherIsBetter, Question::Csat);
    /// CSAT on 1..=7, 7 = very satisfied.
    pub const CSAT_7: Scale = Scale::preset(1, 7, Polarity::HigherIsBetter, Question::Csat);
    /// CSAT on 1..=10, 10 = very satisfied.
    pub const CSAT_10: Scale = Scale::preset(1, 10, Polarity::HigherIsBetter, Question::Csat);
    /// Customer Effort Score 2.0 (Gartner/CEB): agreement with "the company
    /// made it easy for me to handle my issue" on 1..=7, 7 = easy.
    #[doc(alias = "customer effort score")]
    pub const CES_7: Scale = Scale::preset(1, 7, Polarity::HigherIsBetter, Question::Ces);
    /// Customer Effort Score asked as effort on 1..=5, 1 = very easy
    /// (lower is better).
    pub const CES_5: Scale = Scale::preset(1, 5, Polarity::LowerIsBetter, Question::Ces);

    const fn preset(lowest: i32, highest: i32, polarity: Polarity, question: Question) -> Scale {
        Scale {
            lowest,
            highest,
            polarity,
            question,
        }
    }

    /// A scale of the whole numbers `lowest..=highest` with the given
    /// polarity, for [`Question::Other`] (see [`Scale::for_question`]).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidScale`] when `lowest >= highest` (an empty or
    /// one-point scale measures nothing) or when the scale has more than
    /// [`Scale::MAX_POINTS`] points.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Error, Polarity, Scale};
    ///
    /// let agree = Scale::new(-3, 3, Polarity::HigherIsBetter)?;
    /// assert_eq!(agree.len(), 7);
    /// let err = Scale::new(1, 1, Polarity::HigherIsBetter).unwrap_err();
    /// assert!(matches!(err, Error::InvalidScale { lowest: 1, highest: 1, .. }));
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn new(lowest: i32, highest: i32, polarity: Polarity) -> Result<Scale, Error> {
        let invalid = |reason| Error::InvalidScale {
            lowest: i64::from(lowest),
            highest: i64::from(highest),
            reason,
        };
        if lowest >= highest {
            return Err(invalid("the lowest point must be below the highest"));
        }
        if i64::from(highest) - i64::from(lowest) + 1 > i64::from(Self::MAX_POINTS) {
            return Err(invalid("a scale may have at most 1001 points"));
        }
        Ok(Scale {
            lowest,
            highest,
            polarity,
            question: Question::Other,
        })
    }

    /// The question of the one preset with these points and polarity, or
    /// [`Question::Other`] when none or several (CSAT_7 and CES_7) match:
    /// how a scale serialized by 0.1, which had no question, is read.
    #[cfg(feature = "serde")]
    fn inferred_question(&self) -> Question {
        let same = |p: &Scale| {
            (p.lowest, p.highest, p.polarity) == (self.lowest, self.highest, self.polarity)
        };
        let presets = [
            Scale::NPS,
            Scale::CSAT_5,
            Scale::CSAT_7,
            Scale::CSAT_10,
            Scale::CES_7,
            Scale::CES_5,
        ];
        let mut matching = presets.iter().filter(|p| same(p));
        match (matching.next(), matching.next()) {
            (Some(p), None) => p.question,
            _ => Question::Other,
        }
    }

    /// The question the scale measures.
    ///
    /// ```
    /// use cxmetrics::{Polarity, Question, Scale};
    /// assert_eq!(Scale::NPS.question(), Question::Nps);
    /// assert_eq!(Scale::new(0, 100, Polarity::HigherIsBetter)?.question(), Question::Other);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub const fn question(&self) -> Question {
        self.question
    }

    /// The same points and polarity, for `question`. Tallies, scores and
    /// comparisons only combine scales of the same question.
    ///
    /// ```
    /// use cxmetrics::{Polarity, Question, Scale};
    /// let ease = Scale::new(1, 7, Polarity::HigherIsBetter)?.for_question(Question::Ces);
    /// assert_eq!(ease, Scale::CES_7);
    /// assert_ne!(Scale::CES_7.for_question(Question::Other), Scale::CES_7);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub const fn for_question(self, question: Question) -> Scale {
        Scale { question, ..self }
    }

    /// The lowest point.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::Scale;
    /// assert_eq!(Scale::CSAT_5.lowest(), 1);
    /// ```
    #[must_use]
    pub const fn lowest(&self) -> i32 {
        self.lowest
    }

    /// The highest point.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::Scale;
    /// assert_eq!(Scale::NPS.highest(), 10);
    /// ```
    #[must_use]
    pub const fn highest(&self) -> i32 {
        self.highest
    }

    /// Which end is good.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Polarity, Scale};
    /// assert_eq!(Scale::CES_7.polarity(), Polarity::HigherIsBetter);
    /// ```
    #[must_use]
    pub const fn polarity(&self) -> Polarity {
        self.polarity
    }

    /// The number of points (at least 2, at most [`Scale::MAX_POINTS`]).
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::Scale;
    /// assert_eq!(Scale::NPS.len(), 11);
    /// ```
    #[must_use]
    #[expect(clippy::len_without_is_empty, reason = "a scale is never empty")]
    pub const fn len(&self) -> usize {
        // Cannot overflow or be negative: `new` and the presets guarantee
        // lowest < highest and at most MAX_POINTS points.
        (self.highest as i64 - self.lowest as i64 + 1) as usize
    }

    /// The same points with the opposite polarity.
    ///
    /// ```
    /// use cxmetrics::{Polarity, Scale};
    /// assert_eq!(Scale::CES_5.reversed().polarity(), Polarity::HigherIsBetter);
    /// ```
    #[must_use]
    pub const fn reversed(&self) -> Scale {
        Scale {
            lowest: self.lowest,
            highest: self.highest,
            polarity: self.polarity.reversed(),
            question: self.question,
        }
    }

    /// Whether `score` is one of the scale's points.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::Scale;
    /// assert!(Scale::CSAT_5.contains(5) && !Scale::CSAT_5.contains(0));
    /// ```
    #[must_use]
    pub fn contains(&self, score: i64) -> bool {
        (i64::from(self.lowest)..=i64::from(self.highest)).contains(&score)
    }

    /// The points from lowest to highest.
    ///
    /// ```
    /// use cxmetrics::Scale;
    /// assert_eq!(Scale::CSAT_5.points().collect::<Vec<_>>(), [1, 2, 3, 4, 5]);
    /// ```
    pub fn points(&self) -> std::ops::RangeInclusive<i32> {
        self.lowest..=self.highest
    }

    /// Checks `score` against the scale and returns it as a [`Rating`].
    ///
    /// Scores may be any integer type, or `f32`/`f64` as they arrive from
    /// JSON or CSV: an integral float (`9.0`) is accepted.
    ///
    /// # Errors
    ///
    /// [`Error::ScoreOutOfRange`] for a whole number outside the scale;
    /// [`Error::InvalidScore`] for a fractional, NaN or infinite float.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Error, Scale};
    ///
    /// assert_eq!(Scale::NPS.rating(9.0)?.value(), 9);
    /// assert!(matches!(Scale::NPS.rating(9.5), Err(Error::InvalidScore { .. })));
    /// assert!(matches!(Scale::NPS.rating(-1), Err(Error::ScoreOutOfRange { score: -1, .. })));
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn rating<S: ScoreValue>(&self, score: S) -> Result<Rating, Error> {
        let index = score.to_index(self)?;
        Ok(Rating {
            scale: *self,
            index: index as u16,
        })
    }

    /// The point at `index` (0 = lowest). The caller guarantees the index.
    pub(crate) fn point_at(&self, index: usize) -> i32 {
        self.lowest + index as i32
    }

    /// The indices of the `k` best points: the top of the scale when higher
    /// is better, the bottom when lower is better.
    pub(crate) fn best_indices(&self, k: u32) -> Result<std::ops::Range<usize>, Error> {
        let k = self.check_box(k)?;
        Ok(match self.polarity {
            Polarity::HigherIsBetter => self.len() - k..self.len(),
            Polarity::LowerIsBetter => 0..k,
        })
    }

    /// The indices of the `k` worst points.
    pub(crate) fn worst_indices(&self, k: u32) -> Result<std::ops::Range<usize>, Error> {
        self.reversed().best_indices(k)
    }

    fn check_box(&self, k: u32) -> Result<usize, Error> {
        let points = self.len();
        if k == 0 || k as usize > points {
            return Err(Error::InvalidBox {
                k,
                points: points as u32,
            });
        }
        Ok(k as usize)
    }

    #[cold]
    #[inline(never)]
    pub(crate) fn out_of_range(&self, score: i128) -> Error {
        Error::ScoreOutOfRange {
            score,
            lowest: self.lowest,
            highest: self.highest,
        }
    }

    #[cold]
    #[inline(never)]
    pub(crate) fn invalid_float(&self, score: f64) -> Error {
        Error::InvalidScore {
            score,
            lowest: self.lowest,
            highest: self.highest,
        }
    }

    /// The index of an integer score, or an error naming it.
    #[inline]
    pub(crate) fn index_of_int(&self, score: i128) -> Result<usize, Error> {
        let offset = score - i128::from(self.lowest);
        if (0..self.len() as i128).contains(&offset) {
            Ok(offset as usize)
        } else {
            Err(self.out_of_range(score))
        }
    }

    /// The index of a float score, or an error naming it.
    #[inline]
    pub(crate) fn index_of_float(&self, score: f64) -> Result<usize, Error> {
        // 2^100 is far outside any scale yet well inside i128, so the cast
        // below is exact for every integral value that passes.
        const LIMIT: f64 = 1.267_650_600_228_229_4e30;
        if score.is_finite() && score.fract() == 0.0 && score.abs() < LIMIT {
            self.index_of_int(score as i128)
        } else {
            Err(self.invalid_float(score))
        }
    }
}

impl Scale {
    /// The error for a value of scale `actual` where `expected` is needed.
    pub(crate) fn mismatch(expected: Scale, actual: Scale) -> Error {
        Error::ScaleMismatch {
            expected: format!("{expected:#}"),
            actual: format!("{actual:#}"),
        }
    }
}

impl fmt::Display for Scale {
    /// `0..=10`, with ` (lower is better)` appended for such scales. The
    /// alternate form (`{:#}`) names the question first, unless it is
    /// [`Question::Other`]: `CES 1..=5 (lower is better)`.
    ///
    /// ```
    /// use cxmetrics::Scale;
    /// assert_eq!(Scale::CES_5.to_string(), "1..=5 (lower is better)");
    /// assert_eq!(format!("{:#}", Scale::CES_5), "CES 1..=5 (lower is better)");
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.alternate() && self.question != Question::Other {
            write!(f, "{} ", self.question)?;
        }
        write!(f, "{}..={}", self.lowest, self.highest)?;
        if self.polarity == Polarity::LowerIsBetter {
            f.write_str(" (lower is better)")?;
        }
        Ok(())
    }
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ScaleRepr {
    lowest: i32,
    highest: i32,
    polarity: Polarity,
    /// Absent in 0.1 payloads: inferred, see [`Scale::inferred_question`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    question: Option<Question>,
}

#[cfg(feature = "serde")]
impl TryFrom<ScaleRepr> for Scale {
    type Error = Error;
    fn try_from(r: ScaleRepr) -> Result<Scale, Error> {
        let scale = Scale::new(r.lowest, r.highest, r.polarity)?;
        Ok(scale.for_question(r.question.unwrap_or_else(|| scale.inferred_question())))
    }
}

#[cfg(feature = "serde")]
impl From<Scale> for ScaleRepr {
    fn from(s: Scale) -> ScaleRepr {
        ScaleRepr {
            lowest: s.lowest,
            highest: s.highest,
            polarity: s.polarity,
            question: Some(s.question),
        }
    }
}

/// A point known to lie on its scale. Made only by [`Scale::rating`].
///
/// # Example
///
/// ```
/// use cxmetrics::Scale;
///
/// let r = Scale::CSAT_5.rating(4)?;
/// assert_eq!((r.value(), r.scale()), (4, Scale::CSAT_5));
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "RatingRepr", into = "RatingRepr")
)]
pub struct Rating {
    scale: Scale,
    index: u16,
}

impl Rating {
    /// The point on the scale.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::Scale;
    /// assert_eq!(Scale::CES_7.rating(6u8)?.value(), 6);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn value(&self) -> i32 {
        self.scale.point_at(self.index.into())
    }

    /// The scale the rating lies on.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::Scale;
    /// assert_eq!(Scale::CES_7.rating(6u8)?.scale(), Scale::CES_7);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn scale(&self) -> Scale {
        self.scale
    }

    /// Position on the scale, 0 = lowest point.
    pub(crate) fn index(&self) -> usize {
        self.index.into()
    }
}

impl fmt::Display for Rating {
    /// `9 on 0..=10`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} on {}", self.value(), self.scale)
    }
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
struct RatingRepr {
    scale: Scale,
    value: i32,
}

#[cfg(feature = "serde")]
impl TryFrom<RatingRepr> for Rating {
    type Error = Error;
    fn try_from(r: RatingRepr) -> Result<Rating, Error> {
        r.scale.rating(r.value)
    }
}

#[cfg(feature = "serde")]
impl From<Rating> for RatingRepr {
    fn from(r: Rating) -> RatingRepr {
        RatingRepr {
            scale: r.scale,
            value: r.value(),
        }
    }
}

mod sealed {
    /// Keeps [`super::ScoreValue`] closed to the types below, and gives the
    /// counting layer a byte view of a slice without inspecting its type.
    pub trait Sealed: Sized {
        /// The scores as bytes, for the byte kernels: `Some` only for `u8`.
        fn as_bytes(scores: &[Self]) -> Option<&[u8]> {
            let _ = scores;
            None
        }

        /// The scores as signed bytes: `Some` only for `i8` (the counting
        /// layer reads them as bytes on scales whose points are below 128,
        /// where a negative score is a byte above every point).
        fn as_signed_bytes(scores: &[Self]) -> Option<&[i8]> {
            let _ = scores;
            None
        }

        /// `self − lowest` as an index when the score is a whole number at
        /// or above `lowest`, else a number of at least 2^32 (never an
        /// index): branch-free, so a batch converts in vector registers.
        /// For every score whose index a scale accepts, it equals the
        /// index `ScoreValue::to_index` gives.
        fn raw_offset(self, lowest: i32) -> u64;
    }
}

/// A raw score type the crate accepts: every primitive integer, `f32` and
/// `f64`. Sealed; the crate decides which types qualify.
///
/// # Example
///
/// ```
/// use cxmetrics::Scale;
/// // Any primitive integer, and whole-valued floats.
/// assert_eq!(Scale::NPS.rating(9u8)?, Scale::NPS.rating(9.0f64)?);
/// assert_eq!(Scale::NPS.rating(9i64)?, Scale::NPS.rating(9u16)?);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub trait ScoreValue: sealed::Sealed + Copy {
    /// The score's position on `scale` (0 = lowest point), or the error
    /// naming it.
    ///
    /// # Errors
    ///
    /// As [`Scale::rating`].
    fn to_index(self, scale: &Scale) -> Result<usize, Error>;
}

macro_rules! int_score {
    ($($t:ty),*) => {$(
        impl sealed::Sealed for $t {
            #[inline]
            fn raw_offset(self, lowest: i32) -> u64 {
                // In 64 bits: a score below `lowest` is negative, so at
                // least 2^63 as u64; an i64 whose difference leaves i64
                // wraps to at least 2^63 − 2^31, as |lowest| < 2^31. A u64
                // above i64::MAX reads as a small negative i64 (2^64 − 3
                // as −3), so it is flagged apart: every bit set.
                let d = (self as i64).wrapping_sub(i64::from(lowest)) as u64;
                let above = u64::from(self as i128 > i128::from(i64::MAX));
                d | above.wrapping_neg()
            }
        }
        impl ScoreValue for $t {
            #[inline]
            fn to_index(self, scale: &Scale) -> Result<usize, Error> {
                scale.index_of_int(self as i128)
            }
        }
    )*};
}
int_score!(u16, u32, u64, usize, i16, i32, i64, isize);

impl sealed::Sealed for u8 {
    fn as_bytes(scores: &[u8]) -> Option<&[u8]> {
        Some(scores)
    }

    #[inline]
    fn raw_offset(self, lowest: i32) -> u64 {
        (i64::from(self) - i64::from(lowest)) as u64
    }
}
impl ScoreValue for u8 {
    #[inline]
    fn to_index(self, scale: &Scale) -> Result<usize, Error> {
        scale.index_of_int(i128::from(self))
    }
}

impl sealed::Sealed for i8 {
    fn as_signed_bytes(scores: &[i8]) -> Option<&[i8]> {
        Some(scores)
    }

    #[inline]
    fn raw_offset(self, lowest: i32) -> u64 {
        (i64::from(self) - i64::from(lowest)) as u64
    }
}
impl ScoreValue for i8 {
    #[inline]
    fn to_index(self, scale: &Scale) -> Result<usize, Error> {
        scale.index_of_int(i128::from(self))
    }
}

impl sealed::Sealed for f32 {
    #[inline]
    fn raw_offset(self, lowest: i32) -> u64 {
        f64::from(self).raw_offset(lowest)
    }
}

impl sealed::Sealed for f64 {
    #[inline]
    fn raw_offset(self, lowest: i32) -> u64 {
        // A whole score below 2^53 in size subtracts exactly; a larger
        // one cannot land within 2^32 of `lowest`. The test of wholeness
        // is on the score itself: 1e-300 − (−1000) rounds to the whole
        // 1000.0. NaN, infinities, fractions and off-scale values map to
        // 2^32.
        let d = self - f64::from(lowest);
        let whole = self == self.trunc() && (0.0..4_294_967_296.0).contains(&d);
        if whole { d as u64 } else { 1 << 32 }
    }
}

impl ScoreValue for f64 {
    #[inline]
    fn to_index(self, scale: &Scale) -> Result<usize, Error> {
        scale.index_of_float(self)
    }
}

impl ScoreValue for f32 {
    #[inline]
    fn to_index(self, scale: &Scale) -> Result<usize, Error> {
        scale.index_of_float(f64::from(self))
    }
}
