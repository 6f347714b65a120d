//! The crate's one error type.

/// Everything that can go wrong in `cxmetrics`.
///
/// Every variant carries the values that were wrong, so that its message
/// alone tells a caller what to fix. The enum is `#[non_exhaustive]`: new
/// checks may add variants in minor releases.
///
/// # Example
///
/// ```
/// use cxmetrics::{Error, Scale};
///
/// let err = Scale::NPS.rating(11).unwrap_err();
/// assert!(matches!(err, Error::ScoreOutOfRange { score: 11, .. }));
/// assert_eq!(err.to_string(), "score 11 is outside scale 0..=10");
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A scale's bounds do not describe a usable scale: the lowest point is
    /// not below the highest, or there are more than
    /// [`Scale::MAX_POINTS`](crate::Scale::MAX_POINTS) points.
    #[error("scale {lowest}..={highest} is invalid: {reason}")]
    InvalidScale {
        /// The lowest point asked for.
        lowest: i64,
        /// The highest point asked for.
        highest: i64,
        /// Why the scale was refused.
        reason: &'static str,
    },

    /// An integer score (or an integral float) lies outside its scale.
    #[error("score {score} is outside scale {lowest}..={highest}")]
    ScoreOutOfRange {
        /// The score given.
        score: i128,
        /// The scale's lowest point.
        lowest: i32,
        /// The scale's highest point.
        highest: i32,
    },

    /// A floating-point score is not a whole number inside the scale: it is
    /// fractional (9.5), NaN, infinite, or too large to be any point.
    #[error("score {score} is not a whole number within scale {lowest}..={highest}")]
    InvalidScore {
        /// The score given.
        score: f64,
        /// The scale's lowest point.
        lowest: i32,
        /// The scale's highest point.
        highest: i32,
    },

    /// A weight is negative, NaN or infinite. Weights must be finite and
    /// at least zero.
    #[error("weight {weight} is invalid: weights must be finite and at least 0")]
    InvalidWeight {
        /// The weight given.
        weight: f64,
    },

    /// One element of a batch was bad, so the whole batch was rejected and
    /// nothing was added.
    #[error("answer at index {index} rejected, batch not added: {error}")]
    InvalidBatchItem {
        /// Position of the first bad element in the batch.
        index: usize,
        /// What was wrong with it.
        error: Box<Error>,
    },

    /// Two parallel inputs (scores and weights, keys and scores) have
    /// different lengths.
    #[error("length mismatch: {left} {left_name} but {right} {right_name}")]
    LengthMismatch {
        /// What the first input holds, e.g. `"scores"`.
        left_name: &'static str,
        /// Its length.
        left: usize,
        /// What the second input holds, e.g. `"weights"`.
        right_name: &'static str,
        /// Its length.
        right: usize,
    },

    /// Two values that must share a scale do not: merging tallies of
    /// different scales, pushing a rating of another scale, or asking for
    /// NPS on a scale that is not 0..=10.
    #[error("scale mismatch: expected {expected}, got {actual}")]
    ScaleMismatch {
        /// The scale required, as its alternate `Display` gives it
        /// (`"NPS 0..=10"`).
        expected: String,
        /// The scale supplied, described the same way.
        actual: String,
    },

    /// A count would exceed `u64::MAX`. Counts never wrap or saturate.
    #[error("count overflow: {count} + {added} {what} exceeds u64::MAX")]
    CountOverflow {
        /// Which count overflowed, e.g. `"rated answers"`.
        what: &'static str,
        /// The count before the addition.
        count: u64,
        /// The amount that was to be added.
        added: u64,
    },

    /// There are no rated answers to score (every answer may have been
    /// "not applicable").
    #[error("no rated answers to score ({not_applicable} not applicable)")]
    EmptyTally {
        /// The number of "not applicable" answers in the tally.
        not_applicable: u64,
    },

    /// The rated answers all have weight zero, so no weighted score exists.
    #[error("{} {} a total weight of 0", counted(*.n, "rated answer"), if *.n == 1 { "has" } else { "have" })]
    ZeroTotalWeight {
        /// The number of rated answers.
        n: u64,
    },

    /// A top-box or bottom-box size (or a pair of them for a net score)
    /// does not fit the scale.
    #[error("a box of {} is invalid on a scale of {points} points", counted(u64::from(*.k), "point"))]
    InvalidBox {
        /// The number of points asked for.
        k: u32,
        /// The number of points on the scale.
        points: u32,
    },

    /// A statistic needs more data than the tally has: a sample variance
    /// needs an effective sample size above 1.
    #[error("{what} needs an effective sample size above {needed}, got {effective_n}")]
    TooFewAnswers {
        /// The statistic asked for.
        what: &'static str,
        /// The smallest effective sample size it is defined for (exclusive).
        needed: f64,
        /// The effective sample size of the data.
        effective_n: f64,
    },

    /// A confidence level is not strictly between 0 and 1, or so close to 1
    /// that its critical value is infinite.
    #[error(
        "confidence level {level} is invalid: it must be strictly between 0 and 1, at most 0.9999999999999998"
    )]
    InvalidConfidenceLevel {
        /// The level given.
        level: f64,
    },

    /// A population size is smaller than the sample drawn from it.
    #[error("population {population} is smaller than the sample of {n}")]
    PopulationTooSmall {
        /// The population size given.
        population: u64,
        /// The number of answers in the sample.
        n: u64,
    },

    /// A test statistic or t interval is undefined because the data have no
    /// spread (every answer the same, in every group compared).
    #[error("{what} is undefined: the data have zero variance (n = {n})")]
    ZeroVariance {
        /// The statistic asked for.
        what: &'static str,
        /// The number of answers involved.
        n: u64,
    },

    /// A numeric argument is outside its allowed range.
    #[error("{name} {value} is invalid: expected {expected}")]
    InvalidArgument {
        /// The argument's name.
        name: &'static str,
        /// The value given.
        value: f64,
        /// What was expected, e.g. `"a number in (0, 1)"`.
        expected: &'static str,
    },

    /// Two results compared are not comparable: top boxes over different
    /// points, or shares of different scales.
    #[error("cannot compare {left} with {right}")]
    Incomparable {
        /// The first result.
        left: String,
        /// The second result.
        right: String,
    },

    /// A segment has fewer answers than the minimum set for scoring it, so
    /// it is flagged rather than scored.
    #[error("{}, below the minimum of {min_n} for scoring", counted(*.n, "answer"))]
    BelowMinimumN {
        /// The segment's rated answers; for weighted data, its effective
        /// sample size (Kish's `(Σw)²/Σw²`) rounded down, which is what the
        /// minimum is compared with.
        n: u64,
        /// The minimum asked for.
        min_n: u64,
    },

    /// The two answers of one respondent carry different weights; a
    /// respondent has one survey weight.
    #[error("paired answers carry different weights ({x} and {y}); a respondent has one weight")]
    PairWeightMismatch {
        /// The weight of the first question's answer.
        x: f64,
        /// The weight of the second question's answer.
        y: f64,
    },

    /// A group index of a [`crate::GroupedTally`] at or past its number of
    /// groups, or more groups than it can hold.
    #[error("group {group} is out of range: there are {groups} groups")]
    GroupOutOfRange {
        /// The group index (or number of groups) asked for.
        group: usize,
        /// The number of groups there are (or may be).
        groups: usize,
    },

    /// A value given in one unit was used where another is needed: a
    /// percentage margin for a mean rating, a margin in points for a share.
    #[error("{what} does not apply to a value in {unit}")]
    IncompatibleUnit {
        /// What was given, e.g. `"a margin of ±5.0%"`.
        what: String,
        /// The unit required.
        unit: crate::foundation::unit::Unit,
    },

    /// A size beyond a documented limit: more groups, keys or periods than
    /// the crate holds. The limit keeps a few bytes of input from asking
    /// for gigabytes.
    #[error("{requested} {what} asked for; the limit is {limit}")]
    TooLarge {
        /// What was to grow, e.g. `"keys (period × group values)"`.
        what: &'static str,
        /// How many were asked for.
        requested: u64,
        /// The most allowed.
        limit: u64,
    },

    /// A survey's declaration or use does not hold together: no question,
    /// a column declared twice, a pair or a trend naming an undeclared
    /// question, a trend without a period column, a record missing its
    /// period or weight, or a state of another declaration.
    #[error("survey: {reason}")]
    InvalidSurvey {
        /// What is wrong, naming the value.
        reason: String,
    },

    /// A declared column is not in the export's header.
    #[error("column {column:?} is not in the header ({header})")]
    MissingColumn {
        /// The column declared.
        column: String,
        /// The header's columns, comma-separated (cut after 200
        /// characters).
        header: String,
    },

    /// A serialized result (an NPS, a top-box share, a mean …) breaks one
    /// of its invariants: a share outside 0..=1, shares that do not add
    /// up, an effective n above n, a score that does not match its parts.
    #[error("invalid {what}: {reason}")]
    InvalidResult {
        /// The result type, e.g. `"NPS"`.
        what: &'static str,
        /// Which invariant is broken, with the offending values.
        reason: String,
    },

    /// A text cell could not be read as an answer: a number off the
    /// scale, a fractional number, text that is no number, label or
    /// not-applicable token, or a bad weight.
    #[error("cell {cell:?} rejected ({cause}): expected {allowed}")]
    InvalidCell {
        /// The cell's text (cut after 40 characters).
        cell: String,
        /// Why it was rejected.
        cause: crate::foundation::reject::RejectCause,
        /// What the parser accepts.
        allowed: String,
    },

    /// A date, date-time, Unix time or period label could not be read, is
    /// no calendar date (a month 13, February 30, February 29 outside a
    /// leap year, hour 24, an offset of 25 hours, trailing text), or lies
    /// outside years 1..=9999.
    #[error("{what} {text:?} rejected: {reason}; expected {expected}")]
    InvalidDate {
        /// What was read: `"date"`, `"period"`, `"Unix time"` or
        /// `"day number"`.
        what: &'static str,
        /// The text given (cut after 40 characters), or the number as
        /// text.
        text: String,
        /// What is wrong with it.
        reason: &'static str,
        /// What is accepted.
        expected: &'static str,
    },

    /// An error read back from a serialized result (a per-segment score
    /// that was an error when it was serialized): its kind, as
    /// [`Error::kind`] gave it, and its message.
    #[error("{message}")]
    Reported {
        /// The original variant, in snake case (`"below_minimum_n"`).
        kind: String,
        /// The original message.
        message: String,
    },

    /// A weight sum asked for as a plain number exceeds `f64::MAX` (each
    /// weight was valid, their sum is not representable). Scores are not
    /// affected: the tally keeps its sums scaled by a power of two; read
    /// them with [`Tally::point_sums`](crate::Tally::point_sums) and
    /// [`Tally::weight_exponent`](crate::Tally::weight_exponent).
    #[error(
        "{what} is {scaled} × 2^{exponent}, beyond the largest f64: read the scaled sums with Tally::point_sums and Tally::weight_exponent"
    )]
    WeightSumOutOfRange {
        /// Which sum, e.g. `"total weight"`.
        what: &'static str,
        /// The sum scaled by `2^-exponent`.
        scaled: f64,
        /// The power of two the scaled sum is to be multiplied by.
        exponent: i32,
    },

    /// A t interval has no finite bounds: with a fraction of a degree of
    /// freedom (an effective sample size just above 1, or Welch's df near
    /// 0), the t quantile exceeds the largest `f64`.
    #[error(
        "{what} is unbounded: the t quantile with {df} degrees of freedom exceeds the largest f64"
    )]
    UnboundedInterval {
        /// The interval asked for.
        what: &'static str,
        /// Its degrees of freedom.
        df: f64,
    },

    /// A serialized tally breaks one of the tally's invariants.
    #[error("invalid tally: {reason}")]
    InvalidTally {
        /// Which invariant is broken, with the offending values.
        reason: String,
    },

    /// A weighting cell (post-stratification) or a margin level (raking)
    /// cannot be used: it has no answers, no answers of positive weight,
    /// no population total, or a total but no answers.
    #[error("weighting cell {cell}: {reason}")]
    InvalidWeightingCell {
        /// The cell or level, as `Debug` prints it (raking levels are
        /// prefixed with their margin).
        cell: String,
        /// What is wrong with it.
        reason: &'static str,
    },

    /// A population total is not a finite number above 0.
    #[error(
        "population total {total} for {cell} is invalid: totals must be finite and greater than 0"
    )]
    InvalidPopulationTotal {
        /// The cell or level, as `Debug` prints it.
        cell: String,
        /// The total given.
        total: f64,
    },

    /// Raking margins whose grand totals differ: no weights can meet them
    /// all.
    #[error(
        "raking margin {margin} adds up to {total}, but margin 0 adds up to {expected}: the margins are inconsistent"
    )]
    InconsistentMargins {
        /// The margin (0 = the first element of the cell key).
        margin: usize,
        /// Its grand total.
        total: f64,
        /// The first margin's grand total.
        expected: f64,
    },

    /// Raking stopped at its sweep limit before the weight totals settled,
    /// or settled where a margin is not met (cells missing from the table
    /// can make margins unreachable).
    #[error(
        "raking failed after {sweeps} sweeps: margin {margin} is off its population totals by {off} (the last sweep changed the cell totals by {change}, tolerance {tolerance})"
    )]
    RakingNotConverged {
        /// The margin farthest from its totals (0 = the first element of
        /// the cell key).
        margin: usize,
        /// The sweeps run.
        sweeps: u32,
        /// The largest absolute difference between that margin's weighted
        /// totals and its population totals.
        off: f64,
        /// The largest change of a cell total in the last sweep.
        change: f64,
        /// The tolerance the change had to fall below.
        tolerance: f64,
    },

    /// A label of a [`CellParser`](crate::input::CellParser) that no cell
    /// could ever be read as: it reads as a number, or it is a
    /// not-applicable token.
    #[error("label {label:?} is invalid: {reason}")]
    InvalidLabel {
        /// The label given (cut after 40 characters).
        label: String,
        /// Why no cell would ever be read as it.
        reason: &'static str,
    },

    /// A method's degrees of freedom are below the minimum it needs for a
    /// meaningful result (Welch's df on a few effective answers, a t
    /// interval on a fraction of a degree of freedom).
    #[error("{what} needs at least {needed} degrees of freedom, got {df}: {cause}")]
    TooFewDegreesOfFreedom {
        /// The statistic asked for.
        what: &'static str,
        /// The degrees of freedom of the data.
        df: f64,
        /// The minimum.
        needed: f64,
        /// Why there are so few, e.g. `"an effective sample size of 1.01"`.
        cause: String,
    },

    /// A result cannot be represented in `f64` (it overflows, or rounding
    /// leaves it meaningless), although every input was valid.
    #[error("{what} cannot be computed in f64: {reason}")]
    NotRepresentable {
        /// The result asked for.
        what: &'static str,
        /// Which quantity overflowed or lost its meaning, with its value.
        reason: String,
    },

    /// A stratum of a complex survey design has a single PSU, so its
    /// variance cannot be estimated (R's `survey.lonely.psu = "fail"`);
    /// choose another lonely-PSU rule or collapse strata.
    #[error("stratum {stratum} has only one PSU: its variance cannot be estimated")]
    LonelyPsu {
        /// The stratum's id.
        stratum: u64,
    },

    /// A complex survey design (strata, clusters, replicate weights or
    /// calibration) cannot be used as given.
    #[error("invalid survey design: {reason}")]
    InvalidDesign {
        /// What is wrong, with the offending values.
        reason: String,
    },
}

/// With the `serde` feature an error serializes as its kind and message,
/// `{"kind": "below_minimum_n", "message": "1 answer, below the minimum of
/// 2 for scoring"}`, so reports that carry per-segment results (which may
/// be errors) serialize whole.
#[cfg(feature = "serde")]
impl serde::Serialize for Error {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("Error", 2)?;
        s.serialize_field("kind", &self.kind())?;
        s.serialize_field("message", &self.to_string())?;
        s.end()
    }
}

/// An error read back from its serialized form is an [`Error::Reported`]
/// with the original kind and message (the values behind the message are
/// not kept apart).
#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Error {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Error, D::Error> {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Repr {
            kind: String,
            message: String,
        }
        let r = Repr::deserialize(deserializer)?;
        Ok(Error::Reported {
            kind: r.kind,
            message: r.message,
        })
    }
}

impl Error {
    /// The variant's name in snake case, as serialized: `"below_minimum_n"`
    /// for [`Error::BelowMinimumN`]. An [`Error::Reported`] gives the kind
    /// it was read back with.
    ///
    /// ```
    /// use cxmetrics::Scale;
    /// assert_eq!(Scale::NPS.rating(11).unwrap_err().kind(), "score_out_of_range");
    /// ```
    #[must_use]
    pub fn kind(&self) -> String {
        if let Error::Reported { kind, .. } = self {
            return kind.clone();
        }
        let debug = format!("{self:?}");
        let name = debug.split([' ', '(', '{']).next().unwrap_or_default();
        let mut out = String::with_capacity(name.len() + 4);
        for (i, c) in name.chars().enumerate() {
            if c.is_uppercase() {
                if i > 0 {
                    out.push('_');
                }
                out.extend(c.to_lowercase());
            } else {
                out.push(c);
            }
        }
        out
    }

    /// Wraps an element's error with its position in a batch.
    #[cold]
    #[inline(never)]
    pub(crate) fn at(self, index: usize) -> Error {
        Error::InvalidBatchItem {
            index,
            error: Box::new(self),
        }
    }
}

/// `1 answer`, `2 answers`: a count with its noun in the right number.
fn counted(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// `Ok` when two parallel slices have the same length, else
/// [`Error::LengthMismatch`] naming both.
pub(crate) fn check_lengths(
    left_name: &'static str,
    left: usize,
    right_name: &'static str,
    right: usize,
) -> Result<(), Error> {
    if left == right {
        Ok(())
    } else {
        Err(Error::LengthMismatch {
            left_name,
            left,
            right_name,
            right,
        })
    }
}
