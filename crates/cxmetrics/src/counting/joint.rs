//! Two questions answered by the same respondents: counts and weight sums
//! per (x, y) cell.

use crate::counting::sum::{Sum, exponent_of, ldexp};
use crate::counting::tally::{PointSums, Tally};
use crate::foundation::error::{Error, check_lengths};
use crate::foundation::response::{Response, Weight, invalid_weight, valid_weight};
use crate::foundation::scale::{Rating, Scale, ScoreValue};

/// Running sums of one cell.
#[derive(Debug, Clone, Copy, Default)]
struct Cell {
    count: u64,
    positive: u64,
    weight: Sum,
    weight_sq: Sum,
}

impl Cell {
    fn sums(&self) -> PointSums {
        PointSums {
            count: self.count,
            positive: self.positive,
            weight: self.weight.value(),
            weight_squared: self.weight_sq.value(),
        }
    }

    /// Adds one answer whose scaled weight is `w`; `positive` says whether
    /// its raw weight was above 0 (a tiny weight may scale to 0 next to a
    /// far larger one, and still counts as positive).
    #[inline]
    fn add(&mut self, w: f64, positive: bool) {
        self.count += 1;
        if positive {
            self.positive += 1;
            self.weight.add(w);
            self.weight_sq.add(w * w);
        }
    }

    /// Adds `c` unit-weight answers to sums scaled by 2^-e.
    fn add_units(&mut self, c: u64, e: i32) {
        if c != 0 {
            self.count += c;
            self.positive += c;
            let c = c as f64;
            self.weight.add(ldexp(c, -e));
            self.weight_sq.add(ldexp(c, -2 * e));
        }
    }

    fn merge(&mut self, other: &Cell) {
        self.count += other.count;
        self.positive += other.positive;
        self.weight.merge(&other.weight);
        self.weight_sq.merge(&other.weight_sq);
    }

    /// Multiplies the weight sums by 2^k (and the squares by 2^2k).
    fn rescale(&mut self, k: i32) {
        self.weight = self.weight.scaled(k);
        self.weight_sq = self.weight_sq.scaled(2 * k);
    }
}

#[cfg(feature = "serde")]
fn sum_of(x: f64) -> Sum {
    let mut s = Sum::default();
    s.add(x);
    s
}

/// Counts and weight sums per (x, y) cell of two questions asked of the
/// same respondents: the sufficient statistic for their association.
///
/// Each respondent gives a pair of answers, x on one scale (say CES 1–7)
/// and y on another (say CSAT 1–5), with one survey weight. A
/// `JointTally` keeps, per cell, the number of pairs, the number with a
/// positive weight, Σw and Σw²; pairs where only one side was rated (the
/// other "not applicable") are kept apart per point of the rated side, and
/// pairs with neither rated are counted. So memory is O(cells) whatever
/// the volume, two joint tallies [merge](JointTally::merge) exactly, and
/// each [marginal](JointTally::x_tally) equals the [`Tally`] of that
/// question alone.
///
/// # Weight sums
///
/// Weight sums can neither overflow nor underflow: they are stored scaled
/// by a common power of two 2^-e, where 2^e is the binary magnitude of the
/// largest weight seen, so every scaled weight is below 2 and Σw² of up to
/// 2^64 answers stays finite, while weights of 1e-200 keep their squares.
/// Every association measure is homogeneous of degree 0 in the weights, so
/// it is computed from the scaled sums directly. Rescaling is by exact
/// powers of two. Sums are compensated (Neumaier).
///
/// # Example
///
/// ```
/// use cxmetrics::{JointTally, Scale};
///
/// // Effort (CES 1–7, 7 = easy) and satisfaction (CSAT 1–5) of five customers.
/// let ces = [7u8, 6, 2, 5, 1];
/// let csat = [5u8, 5, 2, 4, 1];
/// let joint = JointTally::from_scores(Scale::CES_7, Scale::CSAT_5, &ces, &csat)?;
/// assert_eq!(joint.n(), 5);
/// assert_eq!(joint.count(7, 5), Some(1));
/// assert_eq!(joint.x_tally()?, cxmetrics::Tally::from_scores(Scale::CES_7, &ces)?);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "JointRepr", into = "JointRepr")
)]
pub struct JointTally {
    x: Scale,
    y: Scale,
    /// Row-major: x index × y points + y index; empty (all cells zero)
    /// until the first pair with both sides rated, so an unused joint
    /// tally of two large scales costs nothing.
    cells: Vec<Cell>,
    /// x rated, y not applicable.
    x_only: Vec<Cell>,
    /// y rated, x not applicable.
    y_only: Vec<Cell>,
    neither: u64,
    /// Pairs with both sides rated.
    n: u64,
    /// Every pair recorded, kept within `u64`.
    total: u64,
    /// Answers with a positive weight, anywhere.
    positive: u64,
    exponent: i32,
    /// The largest weight exponent among each question's own answers: its
    /// marginal tally's exponent (a question alone never sees the other's
    /// larger weights).
    x_side: SideExponent,
    y_side: SideExponent,
}

/// The weight exponent of one question's answers, as its own tally keeps
/// it: that of the largest positive weight, 0 while there is none.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct SideExponent {
    positive: u64,
    exponent: i32,
}

impl SideExponent {
    /// Records `count` positive weights whose largest has exponent `k`.
    fn raise(&mut self, k: i32, count: u64) {
        if count == 0 {
            return;
        }
        self.exponent = if self.positive == 0 {
            k
        } else {
            self.exponent.max(k)
        };
        self.positive += count;
    }

    fn merge(&mut self, other: &SideExponent) {
        self.raise(other.exponent, other.positive);
    }
}

impl PartialEq for JointTally {
    /// Same scales, counts, exponent and weight sums (compared as rounded
    /// values).
    fn eq(&self, other: &JointTally) -> bool {
        let same = |a: &[Cell], b: &[Cell]| a.iter().zip(b).all(|(p, q)| p.sums() == q.sums());
        self.x == other.x
            && self.y == other.y
            && self.neither == other.neither
            && self.n == other.n
            && self.total == other.total
            && self.positive == other.positive
            && (self.positive == 0 || self.exponent == other.exponent)
            && self.x_side == other.x_side
            && self.y_side == other.y_side
            && self.cells().eq(other.cells())
            && same(&self.x_only, &other.x_only)
            && same(&self.y_only, &other.y_only)
    }
}

/// One side of a pair, once checked: its point index or "not applicable".
type Side = Option<usize>;

impl JointTally {
    /// An empty joint tally of the questions on `x` and `y`.
    ///
    /// Memory is one cell per pair of points (48 bytes each), allocated
    /// with the first pair rated on both sides: 35 cells for CES 1–7 ×
    /// CSAT 1–5, at most about 48 MB for two 1,001-point sliders
    /// ([`Scale::MAX_POINTS`] each); an empty joint tally (or one with
    /// only unpaired answers) holds no cells. The serialized form lists
    /// only the non-empty cells when they are fewer than half.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{JointTally, Scale};
    /// let t = JointTally::new(Scale::NPS, Scale::CSAT_5);
    /// assert!(t.is_empty() && t.x_scale() == Scale::NPS && t.y_scale() == Scale::CSAT_5);
    /// ```
    #[must_use]
    pub fn new(x: Scale, y: Scale) -> JointTally {
        JointTally {
            x,
            y,
            cells: Vec::new(),
            x_only: vec![Cell::default(); x.len()],
            y_only: vec![Cell::default(); y.len()],
            neither: 0,
            n: 0,
            total: 0,
            positive: 0,
            exponent: 0,
            x_side: SideExponent::default(),
            y_side: SideExponent::default(),
        }
    }

    /// A joint tally of paired unweighted scores: the fast path (`&[u8]`
    /// on scales of up to 16 points takes a branch-free counting kernel).
    ///
    /// # Errors
    ///
    /// As [`JointTally::extend_scores`].
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{JointTally, Scale};
    /// let t = JointTally::from_scores(Scale::CES_7, Scale::CSAT_5, &[7u8, 1], &[5u8, 1])?;
    /// assert_eq!((t.count(7, 5), t.count(1, 1), t.count(1, 5)), (Some(1), Some(1), Some(0)));
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn from_scores<S: ScoreValue + 'static>(
        x: Scale,
        y: Scale,
        xs: &[S],
        ys: &[S],
    ) -> Result<JointTally, Error> {
        let mut t = JointTally::new(x, y);
        t.extend_scores(xs, ys)?;
        Ok(t)
    }

    /// A joint tally of paired scores with one weight per pair.
    ///
    /// # Errors
    ///
    /// As [`JointTally::extend_weighted_scores`].
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{JointTally, Scale};
    /// let t = JointTally::from_weighted_scores(Scale::CES_7, Scale::CSAT_5, &[7u8, 7], &[5u8, 5], &[0.5, 2.0])?;
    /// assert_eq!(t.x_tally()?.total_weight()?, 2.5);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn from_weighted_scores<S: ScoreValue>(
        x: Scale,
        y: Scale,
        xs: &[S],
        ys: &[S],
        weights: &[f64],
    ) -> Result<JointTally, Error> {
        let mut t = JointTally::new(x, y);
        t.extend_weighted_scores(xs, ys, weights)?;
        Ok(t)
    }

    /// The scale of the first question (x, the rows).
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{JointTally, Scale};
    /// assert_eq!(JointTally::new(Scale::CES_7, Scale::NPS).x_scale(), Scale::CES_7);
    /// ```
    #[must_use]
    pub fn x_scale(&self) -> Scale {
        self.x
    }

    /// The scale of the second question (y, the columns).
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{JointTally, Scale};
    /// assert_eq!(JointTally::new(Scale::CES_7, Scale::NPS).y_scale(), Scale::NPS);
    /// ```
    #[must_use]
    pub fn y_scale(&self) -> Scale {
        self.y
    }

    /// Pairs with both answers rated: the `n` of every association measure.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{JointTally, Response, Scale};
    /// let mut t = JointTally::new(Scale::CES_7, Scale::CSAT_5);
    /// t.push(Scale::CES_7.rating(6)?, Scale::CSAT_5.rating(4)?)?;
    /// t.push_responses(Response::NotApplicable, Scale::CSAT_5.rating(4)?.into())?;
    /// assert_eq!((t.n(), t.len()), (1, 2));
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn n(&self) -> u64 {
        self.n
    }

    /// Every pair recorded: both rated, one rated, or neither.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{JointTally, Response, Scale};
    /// let mut t = JointTally::new(Scale::CES_7, Scale::CSAT_5);
    /// t.push_responses(Response::NotApplicable, Response::NotApplicable)?;
    /// assert_eq!((t.n(), t.len(), t.neither_rated()), (0, 1, 1));
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn len(&self) -> u64 {
        self.total
    }

    /// Whether no pair has been recorded.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{JointTally, Scale};
    /// assert!(JointTally::new(Scale::CES_7, Scale::CSAT_5).is_empty());
    /// ```
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// Pairs where neither question was rated.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{JointTally, Response, Scale};
    /// let mut t = JointTally::new(Scale::CES_7, Scale::CSAT_5);
    /// t.push_responses(Response::NotApplicable, Response::NotApplicable)?;
    /// assert_eq!(t.neither_rated(), 1);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn neither_rated(&self) -> u64 {
        self.neither
    }

    /// Answers with a positive weight (in cells or on one side alone).
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{JointTally, Scale};
    /// let t = JointTally::from_weighted_scores(Scale::CES_7, Scale::CSAT_5, &[7u8, 7], &[5u8, 5], &[1.0, 0.0])?;
    /// assert_eq!(t.n_positive(), 1);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn n_positive(&self) -> u64 {
        self.positive
    }

    /// The exponent e of the weight scaling (every cell's [`PointSums`]
    /// holds Σw · 2^-e and Σw² · 2^-2e): 0 for
    /// unweighted data and ordinary weights in 1..2.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{JointTally, Scale};
    /// let t = JointTally::from_weighted_scores(Scale::CES_7, Scale::CSAT_5, &[7u8], &[5u8], &[1e300])?;
    /// assert_eq!(t.weight_exponent(), 996);
    /// assert_eq!(t.cell(7, 5).unwrap().weight, 1e300 / 2f64.powi(996));
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn weight_exponent(&self) -> i32 {
        self.exponent
    }

    /// The number of pairs in the cell (`x`, `y`), or `None` when a point
    /// is off its scale.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{JointTally, Scale};
    /// let t = JointTally::from_scores(Scale::CES_7, Scale::CSAT_5, &[7u8, 7], &[5u8, 5])?;
    /// assert_eq!((t.count(7, 5), t.count(8, 5)), (Some(2), None));
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn count(&self, x: i32, y: i32) -> Option<u64> {
        self.cell(x, y).map(|c| c.count)
    }

    /// The sums of the cell (`x`, `y`), or `None` when a point is off its
    /// scale.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{JointTally, Scale};
    /// let t = JointTally::from_weighted_scores(Scale::CES_7, Scale::CSAT_5, &[7u8], &[5u8], &[1.5])?;
    /// assert_eq!(t.cell(7, 5).unwrap().weight, 1.5);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn cell(&self, x: i32, y: i32) -> Option<PointSums> {
        let i = self.x.index_of_int(i128::from(x)).ok()?;
        let j = self.y.index_of_int(i128::from(y)).ok()?;
        Some(
            self.cells
                .get(i * self.y.len() + j)
                .copied()
                .unwrap_or_default()
                .sums(),
        )
    }

    /// Every cell's sums, row by row: x's lowest point first, and within a
    /// row y's lowest point first (`x.len() × y.len()` entries).
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{JointTally, Scale};
    /// let t = JointTally::from_scores(Scale::CES_5, Scale::CSAT_5, &[1u8], &[2u8])?;
    /// let counts: Vec<u64> = t.cells().map(|c| c.count).collect();
    /// assert_eq!(counts.len(), 25);
    /// assert_eq!(counts[1], 1); // (1, 2)
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn cells(&self) -> impl ExactSizeIterator<Item = PointSums> + '_ {
        (0..self.x.len() * self.y.len())
            .map(|i| self.cells.get(i).copied().unwrap_or_default().sums())
    }

    /// The cells, allocated (all zero) if they were not yet.
    fn cells_mut(&mut self) -> &mut [Cell] {
        if self.cells.is_empty() {
            self.cells = vec![Cell::default(); self.x.len() * self.y.len()];
        }
        &mut self.cells
    }

    /// The sums of the pairs whose x was rated and y not applicable, per x
    /// point, lowest first.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{JointTally, Response, Scale};
    /// let mut t = JointTally::new(Scale::CES_5, Scale::CSAT_5);
    /// t.push_responses(Scale::CES_5.rating(2)?.into(), Response::NotApplicable)?;
    /// assert_eq!(t.x_only().nth(1).unwrap().count, 1);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn x_only(&self) -> impl ExactSizeIterator<Item = PointSums> + '_ {
        self.x_only.iter().map(Cell::sums)
    }

    /// The sums of the pairs whose y was rated and x not applicable, per y
    /// point, lowest first.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{JointTally, Response, Scale};
    /// let mut t = JointTally::new(Scale::CES_5, Scale::CSAT_5);
    /// t.push_responses(Response::NotApplicable, Scale::CSAT_5.rating(5)?.into())?;
    /// assert_eq!(t.y_only().last().unwrap().count, 1);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn y_only(&self) -> impl ExactSizeIterator<Item = PointSums> + '_ {
        self.y_only.iter().map(Cell::sums)
    }

    /// The first question's tally alone: every x answer (paired or not),
    /// with the pairs whose x was not applicable as its "not applicable".
    ///
    /// # Errors
    ///
    /// [`Error::InvalidTally`] when the unscaled weight sums do not fit an
    /// `f64` (weights near `f64::MAX`).
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{JointTally, Scale, Tally};
    /// let t = JointTally::from_scores(Scale::CES_7, Scale::CSAT_5, &[7u8, 2], &[5u8, 1])?;
    /// assert_eq!(t.x_tally()?, Tally::from_scores(Scale::CES_7, &[7u8, 2])?);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn x_tally(&self) -> Result<Tally, Error> {
        let (nx, ny) = (self.x.len(), self.y.len());
        let rows: Vec<Cell> = (0..nx)
            .map(|i| {
                let mut c = self.x_only[i];
                for cell in self.cells.get(i * ny..(i + 1) * ny).unwrap_or_default() {
                    c.merge(cell);
                }
                c
            })
            .collect();
        let na = cell_total(&self.y_only) + self.neither;
        tally_from_cells(self.x, &rows, self.exponent, self.x_side, na)
    }

    /// The second question's tally alone: every y answer (paired or not),
    /// with the pairs whose y was not applicable as its "not applicable".
    ///
    /// # Errors
    ///
    /// As [`JointTally::x_tally`].
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{JointTally, Scale, Tally};
    /// let t = JointTally::from_scores(Scale::CES_7, Scale::CSAT_5, &[7u8, 2], &[5u8, 1])?;
    /// assert_eq!(t.y_tally()?, Tally::from_scores(Scale::CSAT_5, &[5u8, 1])?);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn y_tally(&self) -> Result<Tally, Error> {
        let ny = self.y.len();
        let cols: Vec<Cell> = (0..ny)
            .map(|j| {
                let mut c = self.y_only[j];
                for cell in self.cells.iter().skip(j).step_by(ny) {
                    c.merge(cell);
                }
                c
            })
            .collect();
        let na = cell_total(&self.x_only) + self.neither;
        tally_from_cells(self.y, &cols, self.exponent, self.y_side, na)
    }

    /// Records one unweighted pair.
    ///
    /// # Errors
    ///
    /// [`Error::ScaleMismatch`] when a rating is on another scale than its
    /// question's; [`Error::CountOverflow`].
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{JointTally, Scale};
    /// let mut t = JointTally::new(Scale::CES_7, Scale::CSAT_5);
    /// t.push(Scale::CES_7.rating(6)?, Scale::CSAT_5.rating(4)?)?;
    /// assert!(t.push(Scale::CSAT_5.rating(4)?, Scale::CSAT_5.rating(4)?).is_err());
    /// assert_eq!(t.count(6, 4), Some(1));
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn push(&mut self, x: Rating, y: Rating) -> Result<(), Error> {
        self.push_weighted(x, y, Weight::ONE)
    }

    /// Records one pair with its respondent's weight.
    ///
    /// # Errors
    ///
    /// As [`JointTally::push`].
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{JointTally, Scale, Weight};
    /// let mut t = JointTally::new(Scale::CES_7, Scale::CSAT_5);
    /// t.push_weighted(Scale::CES_7.rating(6)?, Scale::CSAT_5.rating(4)?, Weight::new(2.5)?)?;
    /// assert_eq!(t.cell(6, 4).unwrap().weight, 1.25); // scaled by 2^-1
    /// assert_eq!(t.weight_exponent(), 1);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn push_weighted(&mut self, x: Rating, y: Rating, weight: Weight) -> Result<(), Error> {
        let x = self.check_rating(&self.x, x)?;
        let y = self.check_rating(&self.y, y)?;
        self.add_one(Some(x), Some(y), weight.get())
    }

    /// Records the two answers of one respondent, either of which may be
    /// "not applicable". A pair with one side rated counts towards that
    /// question's marginal tally only; a pair with neither rated is
    /// counted in [`JointTally::neither_rated`].
    ///
    /// # Errors
    ///
    /// [`Error::PairWeightMismatch`] when both are rated with different
    /// weights (a respondent has one weight); otherwise as
    /// [`JointTally::push`].
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{JointTally, Response, Scale, Weight};
    /// let mut t = JointTally::new(Scale::CES_7, Scale::CSAT_5);
    /// let w = Weight::new(2.0)?;
    /// let easy = Response::weighted(Scale::CES_7.rating(7)?, w);
    /// t.push_responses(easy, Response::NotApplicable)?;
    /// t.push_responses(easy, Response::weighted(Scale::CSAT_5.rating(5)?, w))?;
    /// assert!(t.push_responses(easy, Scale::CSAT_5.rating(5)?.into()).is_err()); // weights 2 and 1
    /// assert_eq!((t.n(), t.x_tally()?.n(), t.y_tally()?.not_applicable()), (1, 2, 1));
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn push_responses(&mut self, x: Response, y: Response) -> Result<(), Error> {
        let (xi, wx) = self.check_response(&self.x, x)?;
        let (yi, wy) = self.check_response(&self.y, y)?;
        let w = match (wx, wy) {
            (Some(a), Some(b)) if a != b => return Err(Error::PairWeightMismatch { x: a, y: b }),
            (Some(a), _) | (None, Some(a)) => a,
            (None, None) => 0.0,
        };
        self.add_one(xi, yi, w)
    }

    /// Records every pair of responses, or none of them.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidBatchItem`] naming the index of the first bad pair;
    /// [`Error::CountOverflow`]. On error the tally is unchanged.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{JointTally, Response, Scale};
    /// let mut t = JointTally::new(Scale::CES_7, Scale::CSAT_5);
    /// let pairs = [
    ///     (Scale::CES_7.rating(7)?.into(), Scale::CSAT_5.rating(5)?.into()),
    ///     (Response::NotApplicable, Scale::CSAT_5.rating(3)?.into()),
    /// ];
    /// t.extend_responses(pairs)?;
    /// assert_eq!((t.n(), t.len()), (1, 2));
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn extend_responses<I>(&mut self, pairs: I) -> Result<(), Error>
    where
        I: IntoIterator<Item = (Response, Response)>,
    {
        let mut batch = JointTally::new(self.x, self.y);
        for (i, (x, y)) in pairs.into_iter().enumerate() {
            batch.push_responses(x, y).map_err(|e| e.at(i))?;
        }
        self.merge(&batch)
    }

    /// Records paired unweighted scores, or none of them: the fast path.
    ///
    /// # Errors
    ///
    /// [`Error::LengthMismatch`] when the slices differ in length;
    /// [`Error::InvalidBatchItem`] naming the first bad score (an x score
    /// before a y score of the same pair); [`Error::CountOverflow`]. On
    /// error the tally is unchanged.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{JointTally, Scale};
    /// let mut t = JointTally::new(Scale::CES_7, Scale::CSAT_5);
    /// t.extend_scores(&[7u8, 6], &[5u8, 4])?;
    /// let err = t.extend_scores(&[7u8, 6], &[5u8, 9]).unwrap_err();
    /// assert_eq!(err.to_string(), "answer at index 1 rejected, batch not added: score 9 is outside scale 1..=5");
    /// assert_eq!(t.n(), 2);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn extend_scores<S: ScoreValue>(&mut self, xs: &[S], ys: &[S]) -> Result<(), Error> {
        check_lengths("x scores", xs.len(), "y scores", ys.len())?;
        let cells = self.x.len() * self.y.len();
        let mut counts = vec![0u64; cells];
        match (S::as_bytes(xs), S::as_bytes(ys)) {
            (Some(bx), Some(by)) => count_pairs_u8(bx, by, &self.x, &self.y, &mut counts)?,
            _ => count_pairs_generic(xs, ys, &self.x, &self.y, &mut counts)?,
        }
        let added = xs.len() as u64;
        self.check_room(added)?;
        self.align_to_unit();
        if added > 0 {
            let e = self.exponent;
            for (cell, &c) in self.cells_mut().iter_mut().zip(&counts) {
                cell.add_units(c, e);
            }
        }
        self.n += added;
        self.total += added;
        self.positive += added;
        self.x_side.raise(0, added);
        self.y_side.raise(0, added);
        Ok(())
    }

    /// Records paired scores with one weight per pair, or none of them.
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
    /// use cxmetrics::{JointTally, Scale};
    /// let mut t = JointTally::new(Scale::CES_7, Scale::CSAT_5);
    /// t.extend_weighted_scores(&[7u8, 6], &[5u8, 4], &[1.0, 0.5])?;
    /// assert!(t.extend_weighted_scores(&[7u8], &[5u8], &[-1.0]).is_err());
    /// assert_eq!(t.n(), 2);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn extend_weighted_scores<S: ScoreValue>(
        &mut self,
        xs: &[S],
        ys: &[S],
        weights: &[f64],
    ) -> Result<(), Error> {
        check_lengths("x scores", xs.len(), "y scores", ys.len())?;
        check_lengths("scores", xs.len(), "weights", weights.len())?;
        let mut top: Option<i32> = None;
        for (i, &w) in weights.iter().enumerate() {
            if !valid_weight(w) {
                // Report a bad score at an earlier index first.
                return Err(first_bad_pair(&xs[..=i], &ys[..=i], &self.x, &self.y)
                    .unwrap_or_else(|| invalid_weight(w).at(i)));
            }
            if let Some(k) = exponent_of(w) {
                top = Some(top.map_or(k, |t| t.max(k)));
            }
        }
        let mut batch = JointTally::new(self.x, self.y);
        if let Some(k) = top {
            batch.exponent = k;
        }
        let ny = self.y.len();
        let e = batch.exponent;
        for (i, ((&x, &y), &w)) in xs.iter().zip(ys).zip(weights).enumerate() {
            let xi = x.to_index(&self.x).map_err(|e| e.at(i))?;
            let yi = y.to_index(&self.y).map_err(|e| e.at(i))?;
            batch.cells_mut()[xi * ny + yi].add(ldexp(w, -e), w > 0.0);
        }
        let added = xs.len() as u64;
        batch.n = added;
        batch.total = added;
        batch.positive = weights.iter().filter(|&&w| w > 0.0).count() as u64;
        batch.x_side.raise(batch.exponent, batch.positive);
        batch.y_side.raise(batch.exponent, batch.positive);
        self.merge(&batch)
    }

    /// Adds another joint tally of the same two scales: exact, order-free,
    /// the empty tally its identity. Checks before changing anything.
    ///
    /// # Errors
    ///
    /// [`Error::ScaleMismatch`] when either scale differs;
    /// [`Error::CountOverflow`]. On error `self` is unchanged.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{JointTally, Scale};
    /// let (x, y) = (Scale::CES_7, Scale::CSAT_5);
    /// let mut a = JointTally::from_scores(x, y, &[7u8, 1], &[5u8, 1])?;
    /// a.merge(&JointTally::from_scores(x, y, &[4u8], &[3u8])?)?;
    /// assert_eq!(a, JointTally::from_scores(x, y, &[7u8, 1, 4], &[5u8, 1, 3])?);
    /// assert!(a.merge(&JointTally::new(y, x)).is_err());
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn merge(&mut self, other: &JointTally) -> Result<(), Error> {
        self.check_merge(other)?;
        // Bring both to the larger exponent; exact powers of two.
        let mut other = other.clone();
        if other.positive > 0 {
            if self.positive == 0 || other.exponent > self.exponent {
                self.rescale_to(other.exponent);
            } else {
                other.rescale_to(self.exponent);
            }
        }
        if !other.cells.is_empty() {
            self.cells_mut();
        }
        for (a, b) in [
            (&mut self.cells, &other.cells),
            (&mut self.x_only, &other.x_only),
            (&mut self.y_only, &other.y_only),
        ] {
            for (p, q) in a.iter_mut().zip(b) {
                p.merge(q);
            }
        }
        self.neither += other.neither;
        self.n += other.n;
        self.total += other.total;
        self.positive += other.positive;
        self.x_side.merge(&other.x_side);
        self.y_side.merge(&other.y_side);
        Ok(())
    }

    /// Checks that `other` can be merged: same scales, no count past
    /// `u64::MAX`.
    pub(crate) fn check_merge(&self, other: &JointTally) -> Result<(), Error> {
        for (mine, theirs) in [(self.x, other.x), (self.y, other.y)] {
            if mine != theirs {
                return Err(Scale::mismatch(mine, theirs));
            }
        }
        self.check_room(other.total)
    }

    fn check_rating(&self, scale: &Scale, r: Rating) -> Result<usize, Error> {
        if r.scale() == *scale {
            Ok(r.index())
        } else {
            Err(Scale::mismatch(*scale, r.scale()))
        }
    }

    fn check_response(&self, scale: &Scale, r: Response) -> Result<(Side, Option<f64>), Error> {
        match r {
            Response::Rated { rating, weight } => {
                Ok((Some(self.check_rating(scale, rating)?), Some(weight.get())))
            }
            Response::NotApplicable => Ok((None, None)),
        }
    }

    fn check_room(&self, added: u64) -> Result<(), Error> {
        self.total
            .checked_add(added)
            .map(|_| ())
            .ok_or(Error::CountOverflow {
                what: "answer pairs",
                count: self.total,
                added,
            })
    }

    /// Sets the exponent so that a weight of 1 fits (no positive weight
    /// yet: take 0; otherwise the larger of the current one and 0).
    fn align_to_unit(&mut self) {
        if self.positive == 0 {
            self.exponent = 0;
        } else if self.exponent < 0 {
            self.rescale_to(0);
        }
    }

    /// Rescales every sum to exponent `e` (never below the current one
    /// when there are positive weights).
    fn rescale_to(&mut self, e: i32) {
        let k = self.exponent - e;
        if k != 0 {
            for cell in self
                .cells
                .iter_mut()
                .chain(&mut self.x_only)
                .chain(&mut self.y_only)
            {
                cell.rescale(k);
            }
        }
        self.exponent = e;
    }

    /// Adds one checked pair with raw weight `w` (valid).
    fn add_one(&mut self, x: Side, y: Side, w: f64) -> Result<(), Error> {
        self.check_room(1)?;
        if let Some(k) = exponent_of(w)
            && (self.positive == 0 || k > self.exponent)
        {
            self.rescale_to(k);
        }
        let scaled = ldexp(w, -self.exponent);
        let ny = self.y.len();
        let positive = w > 0.0;
        match (x, y) {
            (Some(i), Some(j)) => {
                self.cells_mut()[i * ny + j].add(scaled, positive);
                self.n += 1;
            }
            (Some(i), None) => self.x_only[i].add(scaled, positive),
            (None, Some(j)) => self.y_only[j].add(scaled, positive),
            (None, None) => self.neither += 1,
        }
        if let Some(k) = exponent_of(w) {
            if x.is_some() || y.is_some() {
                self.positive += 1;
            }
            if x.is_some() {
                self.x_side.raise(k, 1);
            }
            if y.is_some() {
                self.y_side.raise(k, 1);
            }
        }
        self.total += 1;
        Ok(())
    }

    /// Per cell, row-major: pair counts, scaled weight sums and
    /// positive-weight counts, for the association measures.
    pub(crate) fn matrices(&self) -> (Vec<u64>, Vec<f64>, Vec<u64>) {
        (
            self.cells().map(|c| c.count).collect(),
            self.cells().map(|c| c.weight).collect(),
            self.cells().map(|c| c.positive).collect(),
        )
    }
}

fn cell_total(cells: &[Cell]) -> u64 {
    cells.iter().map(|c| c.count).sum()
}

/// A [`Tally`] from per-point sums scaled by 2^-e, rescaled to the
/// question's own exponent (never above e: exact powers of two).
fn tally_from_cells(
    scale: Scale,
    cells: &[Cell],
    exponent: i32,
    side: SideExponent,
    na: u64,
) -> Result<Tally, Error> {
    let shift = if side.positive > 0 {
        exponent - side.exponent
    } else {
        0
    };
    let sums: Vec<PointSums> = cells
        .iter()
        .map(|c| PointSums {
            count: c.count,
            positive: c.positive,
            weight: c.weight.scaled(shift).value(),
            weight_squared: c.weight_sq.scaled(2 * shift).value(),
        })
        .collect();
    Tally::from_checked_sums(scale, exponent - shift, &sums, na)
}

/// The error of the first pair with a score off its scale, if any.
fn first_bad_pair<S: ScoreValue>(xs: &[S], ys: &[S], x: &Scale, y: &Scale) -> Option<Error> {
    xs.iter().zip(ys).enumerate().find_map(|(i, (&a, &b))| {
        a.to_index(x)
            .and_then(|_| b.to_index(y))
            .err()
            .map(|e| e.at(i))
    })
}

fn count_pairs_generic<S: ScoreValue>(
    xs: &[S],
    ys: &[S],
    x: &Scale,
    y: &Scale,
    counts: &mut [u64],
) -> Result<(), Error> {
    let ny = y.len();
    for (i, (&a, &b)) in xs.iter().zip(ys).enumerate() {
        let xi = a.to_index(x).map_err(|e| e.at(i))?;
        let yi = b.to_index(y).map_err(|e| e.at(i))?;
        counts[xi * ny + yi] += 1;
    }
    Ok(())
}

/// Counts byte pairs; compare-and-count for scales of up to 16 points
/// within 0..=255, a table otherwise.
fn count_pairs_u8(
    xs: &[u8],
    ys: &[u8],
    x: &Scale,
    y: &Scale,
    counts: &mut [u64],
) -> Result<(), Error> {
    let counted = match (small_bytes(x), small_bytes(y)) {
        (Some(xlo), Some(ylo)) if x.len() * y.len() < 256 => {
            count_pairs_small(xs, ys, xlo, ylo, x.len(), y.len(), counts)
        }
        _ => count_pairs_table(xs, ys, x, y, counts),
    };
    if counted == xs.len() as u64 {
        Ok(())
    } else {
        Err(first_bad_pair(xs, ys, x, y).unwrap_or_else(|| x.out_of_range(i128::MIN)))
    }
}

fn small_bytes(scale: &Scale) -> Option<u8> {
    let lowest = u8::try_from(scale.lowest()).ok()?;
    (scale.len() <= 16 && scale.highest() <= 255).then_some(lowest)
}

/// Pairs counted through per-byte lookups; returns how many were on both
/// scales.
fn count_pairs_table(xs: &[u8], ys: &[u8], x: &Scale, y: &Scale, counts: &mut [u64]) -> u64 {
    let index = |s: &Scale| -> Vec<Option<usize>> {
        (0..=255u8)
            .map(|b| s.index_of_int(i128::from(b)).ok())
            .collect()
    };
    let (tx, ty) = (index(x), index(y));
    let ny = y.len();
    let mut counted = 0;
    for (&a, &b) in xs.iter().zip(ys) {
        if let (Some(i), Some(j)) = (tx[usize::from(a)], ty[usize::from(b)]) {
            counts[i * ny + j] += 1;
            counted += 1;
        }
    }
    counted
}

/// Pairs per chunk: the cell codes of one chunk stay in L1.
const CHUNK: usize = 8192;

/// Counts byte pairs on scales of at most 16 points in two steps per
/// chunk: each pair becomes one byte `(x − x₀)·16 + (y − y₀)` (255 for a
/// pair off either scale: no cell has that code unless both scales have 16
/// points, which the caller excludes), then, for each x point v, the codes
/// `16v .. 16v + ny` are counted by the single-question compare-and-count
/// kernel ([`crate::counting::kernel::count_range`]: vectorised, AVX2 when the CPU has
/// it). The batch is valid exactly when the counts add up to its length.
/// Returns the number counted.
fn count_pairs_small(
    xs: &[u8],
    ys: &[u8],
    xlo: u8,
    ylo: u8,
    nx: usize,
    ny: usize,
    counts: &mut [u64],
) -> u64 {
    let mut hist = [0u64; 256];
    let mut codes = [0u8; CHUNK];
    let (nx8, ny8) = (nx as u8, ny as u8);
    for (cx, cy) in xs.chunks(CHUNK).zip(ys.chunks(CHUNK)) {
        let codes = &mut codes[..cx.len()];
        for ((c, &x), &y) in codes.iter_mut().zip(cx).zip(cy) {
            let (i, j) = (x.wrapping_sub(xlo), y.wrapping_sub(ylo));
            let valid = (i < nx8) & (j < ny8);
            *c = if valid { (i << 4) | j } else { 255 };
        }
        for v in 0..nx {
            let row = &mut hist[16 * v..16 * v + 16];
            crate::counting::kernel::count_range(codes, (16 * v) as u8, ny, row);
        }
    }
    let mut counted = 0;
    for v in 0..nx {
        for (c, &h) in counts[v * ny..(v + 1) * ny].iter_mut().zip(&hist[16 * v..]) {
            *c += h;
            counted += h;
        }
    }
    counted
}

/// The serialized form: plain numbers, checked on the way back in.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct JointRepr {
    x_scale: Scale,
    y_scale: Scale,
    weight_exponent: i32,
    x_weight_exponent: i32,
    y_weight_exponent: i32,
    cells: SumsRepr,
    x_only: SumsRepr,
    y_only: SumsRepr,
    neither_rated: u64,
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct SumsRepr {
    /// The sparse form: the indices (increasing) of the cells listed, the
    /// other cells being empty; absent in the dense form (every cell).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    index: Option<Vec<usize>>,
    counts: Vec<u64>,
    positive: Vec<u64>,
    weights: Vec<f64>,
    weights_squared: Vec<f64>,
}

#[cfg(feature = "serde")]
impl SumsRepr {
    fn of(cells: &[Cell]) -> SumsRepr {
        SumsRepr {
            index: None,
            counts: cells.iter().map(|c| c.count).collect(),
            positive: cells.iter().map(|c| c.positive).collect(),
            weights: cells.iter().map(|c| c.weight.value()).collect(),
            weights_squared: cells.iter().map(|c| c.weight_sq.value()).collect(),
        }
    }

    /// The sparse form of `len` cells (empty: all zero) when fewer than
    /// half are non-empty, else the dense form.
    fn sparse(cells: &[Cell], len: usize) -> SumsRepr {
        let used: Vec<usize> = (0..cells.len()).filter(|&i| cells[i].count > 0).collect();
        if cells.len() == len && used.len() * 2 >= len {
            return SumsRepr::of(cells);
        }
        let picked: Vec<Cell> = used.iter().map(|&i| cells[i]).collect();
        SumsRepr {
            index: Some(used),
            ..SumsRepr::of(&picked)
        }
    }

    /// Checked cells (empty when the sparse form lists none); `what` names
    /// the part for errors.
    fn cells(&self, what: &str, len: usize) -> Result<Vec<Cell>, Error> {
        let invalid = |reason: String| Error::InvalidTally { reason };
        let listed = match &self.index {
            None => len,
            Some(index) => {
                let increasing = index.windows(2).all(|w| w[0] < w[1]);
                if !increasing || index.last().is_some_and(|&i| i >= len) {
                    return Err(invalid(format!(
                        "{what}.index must be increasing cell indices below {len}"
                    )));
                }
                index.len()
            }
        };
        let dense = self.cells_listed(what, listed)?;
        match &self.index {
            None => Ok(dense),
            Some(index) if index.is_empty() => Ok(Vec::new()),
            Some(index) => {
                let mut out = vec![Cell::default(); len];
                for (&i, c) in index.iter().zip(dense) {
                    out[i] = c;
                }
                Ok(out)
            }
        }
    }

    /// The `len` listed cells, checked.
    fn cells_listed(&self, what: &str, len: usize) -> Result<Vec<Cell>, Error> {
        let invalid = |reason: String| Error::InvalidTally { reason };
        for (name, l) in [
            ("counts", self.counts.len()),
            ("positive", self.positive.len()),
            ("weights", self.weights.len()),
            ("weights_squared", self.weights_squared.len()),
        ] {
            if l != len {
                return Err(invalid(format!(
                    "{what}.{name} has {l} entries but {len} are needed"
                )));
            }
        }
        let mut out = Vec::with_capacity(len);
        for i in 0..len {
            let (c, p, w, w2) = (
                self.counts[i],
                self.positive[i],
                self.weights[i],
                self.weights_squared[i],
            );
            check_cell(c, p, w, w2).map_err(|why| {
                invalid(format!(
                    "{what}[{i}]: {why} (count {c}, positive {p}, weight {w}, squared weight {w2})"
                ))
            })?;
            out.push(Cell {
                count: c,
                positive: p,
                weight: sum_of(w),
                weight_sq: sum_of(w2),
            });
        }
        Ok(out)
    }
}

/// Checks that scaled sums could come from `p` positive weights each below
/// 2 (the scaling guarantees it): finite, non-negative, zero when `p` is
/// zero (a positive weight may scale to 0 next to a far larger one), and
/// w²/p ≤ Σw² ≤ w² (Cauchy–Schwarz), within a relative rounding allowance
/// of 1e-9.
#[cfg(feature = "serde")]
fn check_cell(c: u64, p: u64, w: f64, w2: f64) -> Result<(), &'static str> {
    const ROUNDING: f64 = 1e-9;
    if p > c {
        return Err("more positive-weight answers than answers");
    }
    if !(w.is_finite() && w >= 0.0 && w2.is_finite() && w2 >= 0.0) {
        return Err("weight sums must be finite and at least 0");
    }
    if p == 0 && (w != 0.0 || w2 != 0.0) {
        return Err("weight sums must be 0 where no weight is positive");
    }
    if w > 2.0 * p as f64 {
        return Err("a scaled weight sum above 2 per answer is impossible");
    }
    // Plus an absolute 1e-300: scaled sums of weights far below the
    // largest are subnormal, their squares lose every digit (found by
    // fuzzing: a joint tally the API built was refused on reading).
    const FLOOR: f64 = 1e-300;
    if w2 > w * w * (1.0 + ROUNDING) + FLOOR || w * w > p as f64 * w2 * (1.0 + ROUNDING) + FLOOR {
        return Err("squared-weight sum is impossible for this count and weight sum");
    }
    Ok(())
}

#[cfg(feature = "serde")]
impl From<JointTally> for JointRepr {
    fn from(t: JointTally) -> JointRepr {
        JointRepr {
            x_scale: t.x,
            y_scale: t.y,
            weight_exponent: t.exponent,
            x_weight_exponent: t.x_side.exponent,
            y_weight_exponent: t.y_side.exponent,
            cells: SumsRepr::sparse(&t.cells, t.x.len() * t.y.len()),
            x_only: SumsRepr::of(&t.x_only),
            y_only: SumsRepr::of(&t.y_only),
            neither_rated: t.neither,
        }
    }
}

#[cfg(feature = "serde")]
use crate::counting::sum::{MAX_EXPONENT, MIN_EXPONENT};

#[cfg(feature = "serde")]
impl TryFrom<JointRepr> for JointTally {
    type Error = Error;

    /// Applies every invariant a joint tally built through the API
    /// satisfies.
    fn try_from(r: JointRepr) -> Result<JointTally, Error> {
        let mut t = JointTally::new(r.x_scale, r.y_scale);
        if !(MIN_EXPONENT..=MAX_EXPONENT).contains(&r.weight_exponent) {
            return Err(Error::InvalidTally {
                reason: format!(
                    "weight_exponent {} is outside {MIN_EXPONENT}..={MAX_EXPONENT}",
                    r.weight_exponent
                ),
            });
        }
        t.cells = r.cells.cells("cells", t.x.len() * t.y.len())?;
        t.x_only = r.x_only.cells("x_only", t.x_only.len())?;
        t.y_only = r.y_only.cells("y_only", t.y_only.len())?;
        if t.x_only.len() != r.x_scale.len() || t.y_only.len() != r.y_scale.len() {
            return Err(Error::InvalidTally {
                reason: "x_only and y_only list every point of their scale".to_string(),
            });
        }
        let overflow = |count, added| Error::CountOverflow {
            what: "answer pairs",
            count,
            added,
        };
        let mut total = r.neither_rated;
        let mut positive = 0u64;
        let mut n = 0u64;
        for (part, is_cell) in [(&t.cells, true), (&t.x_only, false), (&t.y_only, false)] {
            for c in part.iter() {
                total = total.checked_add(c.count).ok_or(overflow(total, c.count))?;
                positive += c.positive; // ≤ count, so within total
                if is_cell {
                    n += c.count;
                }
            }
        }
        t.neither = r.neither_rated;
        t.total = total;
        t.positive = positive;
        t.n = n;
        t.exponent = if positive > 0 { r.weight_exponent } else { 0 };
        // Each question's own exponent: at most the joint one, 0 without
        // positive weights.
        let x_positive: u64 = t.cells.iter().chain(&t.x_only).map(|c| c.positive).sum();
        let y_positive: u64 = t.cells.iter().chain(&t.y_only).map(|c| c.positive).sum();
        for (name, e, p) in [
            ("x_weight_exponent", r.x_weight_exponent, x_positive),
            ("y_weight_exponent", r.y_weight_exponent, y_positive),
        ] {
            let ok = if p == 0 {
                e == 0
            } else {
                (MIN_EXPONENT..=t.exponent).contains(&e)
            };
            if !ok {
                return Err(Error::InvalidTally {
                    reason: format!(
                        "{name} {e} must lie in {MIN_EXPONENT}..={} (0 without positive weights)",
                        t.exponent
                    ),
                });
            }
        }
        t.x_side = SideExponent {
            positive: x_positive,
            exponent: r.x_weight_exponent,
        };
        t.y_side = SideExponent {
            positive: y_positive,
            exponent: r.y_weight_exponent,
        };
        Ok(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kernel_agrees_with_generic_on_every_length_and_bad_byte() {
        let (x, y) = (Scale::CES_7, Scale::CSAT_5);
        let xs: Vec<u8> = (0..2000u32)
            .map(|i| (1 + (i * 7 + i / 3) % 7) as u8)
            .collect();
        let ys: Vec<u8> = (0..2000u32)
            .map(|i| (1 + (i * 3 + i / 5) % 5) as u8)
            .collect();
        for len in [0, 1, 31, 32, 33, 255 * 32 + 7, 2000] {
            let len = len.min(xs.len());
            let mut a = vec![0; 35];
            let mut b = vec![0; 35];
            count_pairs_u8(&xs[..len], &ys[..len], &x, &y, &mut a).unwrap();
            count_pairs_generic(&xs[..len], &ys[..len], &x, &y, &mut b).unwrap();
            assert_eq!(a, b, "len {len}");
            assert_eq!(a.iter().sum::<u64>(), len as u64);
        }
        let mut bad = ys.clone();
        bad[1500] = 6;
        let err = count_pairs_u8(&xs, &bad, &x, &y, &mut [0; 35]).unwrap_err();
        assert!(matches!(err, Error::InvalidBatchItem { index: 1500, .. }));
        // Other shapes: 16 × 15 (the largest fast one), 16 × 16 (the
        // table), scales at 0 and near 255.
        let hp = crate::foundation::scale::Polarity::HigherIsBetter;
        let shapes = [
            (
                Scale::new(0, 15, hp).unwrap(),
                Scale::new(1, 15, hp).unwrap(),
            ),
            (
                Scale::new(0, 15, hp).unwrap(),
                Scale::new(240, 255, hp).unwrap(),
            ),
            (Scale::NPS, Scale::new(0, 1, hp).unwrap()),
        ];
        for (x, y) in shapes {
            let xs: Vec<u8> = (0..20_000u32)
                .map(|i| (x.lowest() + ((i * 7 + i / 3) % (x.len() as u32 + 1)) as i32) as u8)
                .collect();
            let ys: Vec<u8> = (0..20_000u32)
                .map(|i| (y.lowest() + ((i * 3 + i / 5) % y.len() as u32) as i32) as u8)
                .collect();
            let cells = x.len() * y.len();
            let (mut a, mut b) = (vec![0; cells], vec![0; cells]);
            // Some x bytes are one past the scale: both paths must refuse them.
            let fast = count_pairs_u8(&xs, &ys, &x, &y, &mut a);
            let slow = count_pairs_generic(&xs, &ys, &x, &y, &mut b);
            assert_eq!(fast, slow);
            let good: Vec<usize> = (0..xs.len())
                .filter(|&i| x.contains(i64::from(xs[i])))
                .collect();
            let (gx, gy): (Vec<u8>, Vec<u8>) = good.iter().map(|&i| (xs[i], ys[i])).unzip();
            let (mut a, mut b) = (vec![0; cells], vec![0; cells]);
            count_pairs_u8(&gx, &gy, &x, &y, &mut a).unwrap();
            count_pairs_generic(&gx, &gy, &x, &y, &mut b).unwrap();
            assert_eq!(a, b, "{x} × {y}");
        }
    }
}
