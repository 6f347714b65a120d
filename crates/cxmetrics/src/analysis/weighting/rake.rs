//! Raking (iterative proportional fitting) to two or more margins, with R
//! `rake`'s stopping rule and `svyrecvar`'s standard errors.

use std::collections::BTreeMap;
use std::fmt;

use crate::analysis::segment::Segmented;
use crate::analysis::weighting::cells::{self, CellSums, pow2};
use crate::foundation::error::Error;
use crate::foundation::scale::Scale;
use crate::inference::design::linearized::Linearized;
use crate::inference::estimate::Estimate;
use crate::inference::interval::IntervalSpec;
use crate::metrics::score::Score;

/// A weighting-cell key made of one level per margin: a tuple of 2 to 4
/// levels of one type, such as `(channel, region)`.
///
/// # Example
///
/// ```
/// use cxmetrics::design::Cell;
/// let cell = ("web", "north");
/// assert_eq!(<(&str, &str) as Cell>::MARGINS, 2);
/// assert_eq!(cell.level(1), Some(&"north"));
/// assert_eq!(cell.level(2), None);
/// ```
pub trait Cell: Ord + Clone + fmt::Debug {
    /// The type of a margin's level.
    type Level: Ord + Clone + fmt::Debug;
    /// The number of margins.
    const MARGINS: usize;
    /// The level of margin `margin` (0 = the first element), or `None`
    /// past the last margin.
    fn level(&self, margin: usize) -> Option<&Self::Level>;
}

macro_rules! tuple_cell {
    ($n:expr; $($i:tt),+) => {
        impl<L: Ord + Clone + fmt::Debug> Cell for ($(tuple_cell!(@l $i),)+) {
            type Level = L;
            const MARGINS: usize = $n;
            fn level(&self, margin: usize) -> Option<&L> {
                match margin {
                    $($i => Some(&self.$i),)+
                    _ => None,
                }
            }
        }
    };
    (@l $i:tt) => { L };
}
tuple_cell!(2; 0, 1);
tuple_cell!(3; 0, 1, 2);
tuple_cell!(4; 0, 1, 2, 3);

/// When raking stops.
///
/// Each sweep post-stratifies to every margin in turn; raking stops when
/// no cell's weight total moved by ε or more in a sweep, ε = `epsilon`
/// when `epsilon ≥ 1` (an absolute weight total) and otherwise `epsilon`
/// times a total:
///
/// - [`RakeOptions::default`]: ε = 10⁻¹⁰ of the population total (so the
///   result does not depend on the scale of the sampling weights), up to
///   1,000 sweeps, and [`Error::RakingNotConverged`] if that is not
///   enough or a margin is still missed.
/// - [`RakeOptions::r_compatible`]: R `rake`'s rule and defaults
///   (`maxit = 10`, `epsilon = 1`; a relative `epsilon` multiplies the
///   *initial* weight total) and R's behaviour at the limit: keep the
///   weights of the last sweep (R warns); [`Raked::converged`] and
///   [`Raked::margin_error`] say how it ended.
///
/// # Example
///
/// ```
/// use cxmetrics::design::RakeOptions;
/// let tight = RakeOptions::default();
/// assert_eq!((tight.max_sweeps_limit(), tight.epsilon_value()), (1000, 1e-10));
/// let r = RakeOptions::r_compatible().max_sweeps(200).epsilon(1e-7);
/// assert_eq!((r.max_sweeps_limit(), r.epsilon_value()), (200, 1e-7));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RakeOptions {
    max_sweeps: u32,
    epsilon: f64,
    strict: bool,
}

impl Default for RakeOptions {
    fn default() -> RakeOptions {
        RakeOptions {
            max_sweeps: 1000,
            epsilon: 1e-10,
            strict: true,
        }
    }
}

impl RakeOptions {
    /// R `rake`'s defaults and behaviour: at most 10 sweeps, ε = 1 (an
    /// absolute weight total), and no error when the limit is reached.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::design::RakeOptions;
    /// assert_eq!(RakeOptions::r_compatible().max_sweeps_limit(), 10);
    /// ```
    #[must_use]
    pub const fn r_compatible() -> RakeOptions {
        RakeOptions {
            max_sweeps: 10,
            epsilon: 1.0,
            strict: false,
        }
    }

    /// Sets the most sweeps to run (R's `maxit`).
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::design::RakeOptions;
    /// assert_eq!(RakeOptions::default().max_sweeps(50).max_sweeps_limit(), 50);
    /// ```
    #[must_use]
    pub const fn max_sweeps(mut self, sweeps: u32) -> RakeOptions {
        self.max_sweeps = sweeps;
        self
    }

    /// Sets the tolerance (R's `epsilon`): absolute when at least 1,
    /// relative below 1 (to the population total by default, to the
    /// initial weight total in the R-compatible mode).
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::design::RakeOptions;
    /// assert_eq!(RakeOptions::default().epsilon(1e-6).epsilon_value(), 1e-6);
    /// ```
    #[must_use]
    pub const fn epsilon(mut self, epsilon: f64) -> RakeOptions {
        self.epsilon = epsilon;
        self
    }

    /// The most sweeps to run.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::design::RakeOptions;
    /// assert_eq!(RakeOptions::default().max_sweeps_limit(), 1000);
    /// ```
    #[must_use]
    pub const fn max_sweeps_limit(&self) -> u32 {
        self.max_sweeps
    }

    /// The tolerance as given.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::design::RakeOptions;
    /// assert_eq!(RakeOptions::r_compatible().epsilon_value(), 1.0);
    /// ```
    #[must_use]
    pub const fn epsilon_value(&self) -> f64 {
        self.epsilon
    }
}

/// One margin: per level, its population total and its cells' indices.
#[derive(Debug, Clone, PartialEq)]
struct Margin {
    levels: Vec<(f64, Vec<usize>)>,
}

/// A raked sample: weights calibrated so that each margin's weight totals
/// meet its population totals.
///
/// Made by [`rake`].
#[derive(Debug, Clone, PartialEq)]
pub struct Raked<K> {
    scale: Scale,
    cells: Vec<CellSums<K>>,
    margins: Vec<Margin>,
    /// Final weight factor per cell (w* = w·g).
    factors: Vec<f64>,
    /// Per margin, the factor after post-stratifying to it in the last
    /// sweep (R's h).
    steps: Vec<Vec<f64>>,
    sweeps: u32,
    converged: bool,
}

/// Rakes a sample to two or more margins.
///
/// `cells` holds one tally per weighting cell, keyed by a tuple with one
/// level per margin ([`Cell`]); `margins[m]` lists margin m's levels with
/// their population totals. Each sweep post-stratifies to every margin in
/// turn (multiplying the weights of each level by its total over its
/// current weight total); see [`RakeOptions`] for the stopping rule. The
/// last margin holds exactly, the others to the tolerance.
///
/// The standard errors ([`Raked::linearized`]) follow R's `svyrecvar`:
/// starting from xᵢ = w*ᵢ(yᵢ − ȳ)/W*, ten passes (a fixed count) over
/// the margins, with h the weights after each margin's step in the last
/// sweep, replace xᵢ by xᵢ − hᵢ·mean_{level}(x/h); then
/// V = n/(n − 1)·Σ(xᵢ − x̄)². With
/// [`RakeOptions::r_compatible`] this reproduces R's `rake` + `svymean`.
/// (For a zero-weight answer x/h is 0/0 and R returns NaN; here it is
/// taken at its limit, the value of the answer's cell.)
///
/// # Errors
///
/// [`Error::InvalidArgument`] for a number of margins other than the
/// key's, a tolerance that is not finite and above 0, or 0 sweeps;
/// [`Error::InvalidPopulationTotal`]; [`Error::InvalidWeightingCell`] for a level
/// with no total, with a total but no answers, or without an answer of
/// positive weight (named `margin m level …`), or a level listed twice (a
/// cell whose answers all weigh 0 is fine: it keeps a total of 0); [`Error::InconsistentMargins`] when the margins' grand totals
/// differ by more than 10⁻⁶ relative; [`Error::InvalidArgument`] when the
/// grand total is outside 1e-300..=1e300; [`Error::NotRepresentable`]
/// when a raking factor leaves f64; [`Error::RakingNotConverged`]
/// (default options only) when the sweeps run out, or when the weights
/// settle with a margin still missed by more than the tolerance times the
/// number of cells (a table with empty cells can make margins
/// unreachable). With [`RakeOptions::r_compatible`] both are reported by
/// [`Raked::converged`] and [`Raked::margin_error`] instead.
///
/// # References
///
/// Deville, J.-C. & Särndal, C.-E. (1992), "Calibration estimators in
/// survey sampling", *JASA* 87(418). Deming, W. E. & Stephan, F. F.
/// (1940), *Ann. Math. Statist.* 11(4). Lumley, T. (2010), *Complex
/// Surveys*, ch. 7.
///
/// # Example
///
/// ```
/// use cxmetrics::design::{RakeOptions, rake};
/// use cxmetrics::segment::Score;
/// use cxmetrics::{ConfidenceLevel, Scale, Segmented};
///
/// let mut s: Segmented<(&str, &str)> = Segmented::new(Scale::CSAT_5);
/// let keys = [("web", "north"), ("web", "south"), ("phone", "north"), ("phone", "south"), ("web", "south")];
/// s.extend_scores(&keys, &[5u8, 4, 2, 3, 5])?;
/// let channel = [("web", 600.0), ("phone", 400.0)];
/// let region = [("north", 500.0), ("south", 500.0)];
/// let raked = rake(&s, &[&channel[..], &region[..]], RakeOptions::default())?;
/// assert!((raked.total(&("web", "north")).unwrap() + raked.total(&("phone", "north")).unwrap() - 500.0).abs() < 1e-9);
/// let est = raked.estimate(Score::top_box(2), ConfidenceLevel::P95)?;
/// assert!(est.value > 0.0 && est.value < 1.0);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn rake<K, M>(
    cells: &Segmented<K>,
    margins: &[M],
    options: RakeOptions,
) -> Result<Raked<K>, Error>
where
    K: Cell,
    M: AsRef<[(K::Level, f64)]>,
{
    if margins.len() != K::MARGINS {
        return Err(Error::InvalidArgument {
            name: "number of margins",
            value: margins.len() as f64,
            expected: "one list of totals per element of the cell key",
        });
    }
    if !(options.epsilon.is_finite() && options.epsilon > 0.0) {
        return Err(Error::InvalidArgument {
            name: "raking tolerance",
            value: options.epsilon,
            expected: "a finite number above 0",
        });
    }
    if options.max_sweeps == 0 {
        return Err(Error::InvalidArgument {
            name: "raking sweeps",
            value: 0.0,
            expected: "at least 1",
        });
    }
    let (scale, cells, exponent) = cells::collect(cells, false)?;
    let margins = margins
        .iter()
        .enumerate()
        .map(|(m, totals)| margin(m, totals.as_ref(), &cells))
        .collect::<Result<Vec<_>, _>>()?;
    let grand = |m: &Margin| m.levels.iter().map(|(t, _)| t).sum::<f64>();
    let expected = grand(&margins[0]);
    check_grand_total(expected)?;
    for (m, margin) in margins.iter().enumerate().skip(1) {
        let total = grand(margin);
        if ((total - expected) / expected).abs() > 1e-6 {
            return Err(Error::InconsistentMargins {
                margin: m,
                total,
                expected,
            });
        }
    }
    // Weights are kept on the cells' common power-of-two scale; totals
    // are in true units, so the first factors absorb 2^−e.
    let scale_up = pow2(exponent);
    let initial: Vec<f64> = cells.iter().map(|c| c.weight * scale_up).collect();
    let tolerance = if options.epsilon >= 1.0 {
        options.epsilon
    } else if options.strict {
        options.epsilon * expected
    } else {
        // R: epsilon × sum(weights(design)), the initial weights.
        options.epsilon * initial.iter().sum::<f64>()
    };
    let mut factors = vec![1.0; cells.len()];
    let mut steps = vec![Vec::new(); margins.len()];
    let mut previous = initial;
    let (mut sweeps, mut converged, mut change) = (0, false, f64::INFINITY);
    while sweeps < options.max_sweeps {
        sweeps += 1;
        for (margin, step) in margins.iter().zip(&mut steps) {
            for (total, members) in &margin.levels {
                let current: f64 = members.iter().map(|&c| cells[c].weight * factors[c]).sum();
                let ratio = total / current;
                for &c in members {
                    factors[c] *= ratio;
                }
            }
            step.clone_from(&factors);
        }
        change = 0.0;
        for (c, old) in previous.iter_mut().enumerate() {
            let now = cells[c].weight * factors[c];
            change = f64::max(change, (*old - now).abs());
            *old = now;
        }
        if change < tolerance {
            converged = true;
            break;
        }
    }
    let mut raked = Raked {
        scale,
        cells,
        margins,
        factors,
        steps,
        sweeps,
        converged,
    };
    let (margin, off) = raked.farthest_margin();
    // Factors beyond f64 (cells whose weights vanish next to their
    // level's total; found by fuzzing): no weights, whatever the options.
    if !off.is_finite() || raked.factors.iter().any(|f| !f.is_finite()) {
        return Err(Error::NotRepresentable {
            what: "raked weights",
            reason: format!(
                "margin {margin} is off its totals by {off} after {sweeps} sweeps: a factor left f64"
            ),
        });
    }
    // A level's total moves by at most the sum of its cells' changes: a
    // settled rake meets every margin to the tolerance times the cells.
    let met = off <= tolerance * raked.cells.len() as f64;
    // Converged means settled *and* every margin met (issue 21: with
    // structural zeros the weights can settle with a margin missed by 80%;
    // R's rake calls that converged).
    raked.converged = converged && met;
    if options.strict && !(converged && met) {
        return Err(Error::RakingNotConverged {
            margin,
            sweeps,
            off,
            change,
            tolerance,
        });
    }
    Ok(raked)
}

/// The smallest and largest grand total of population totals (raking and
/// post-stratification): beyond them the raked or post-stratified weights
/// overflow or underflow f64.
pub(crate) const GRAND_TOTAL_RANGE: (f64, f64) = (1e-300, 1e300);

/// Checks a grand total of population totals against
/// [`GRAND_TOTAL_RANGE`].
pub(crate) fn check_grand_total(total: f64) -> Result<(), Error> {
    let (lo, hi) = GRAND_TOTAL_RANGE;
    if total.is_finite() && (lo..=hi).contains(&total) {
        Ok(())
    } else {
        Err(Error::InvalidArgument {
            name: "sum of the population totals",
            value: total,
            expected: "a number from 1e-300 to 1e300 (beyond, the weights leave f64)",
        })
    }
}

/// Margin `m`'s levels: totals checked, each matched to its cells.
fn margin<K: Cell>(
    m: usize,
    totals: &[(K::Level, f64)],
    cells: &[CellSums<K>],
) -> Result<Margin, Error> {
    let name = |level: &K::Level| format!("margin {m} level {level:?}");
    let mut levels: BTreeMap<&K::Level, (f64, Vec<usize>)> = BTreeMap::new();
    for (level, total) in totals {
        if !(total.is_finite() && *total > 0.0) {
            return Err(Error::InvalidPopulationTotal {
                cell: name(level),
                total: *total,
            });
        }
        if levels.insert(level, (*total, Vec::new())).is_some() {
            return Err(Error::InvalidWeightingCell {
                cell: name(level),
                reason: "has two population totals",
            });
        }
    }
    for (c, cell) in cells.iter().enumerate() {
        let level = cell.key.level(m).ok_or(Error::InvalidArgument {
            name: "margin",
            value: m as f64,
            expected: "a margin of the cell key",
        })?;
        match levels.get_mut(level) {
            Some((_, members)) => members.push(c),
            None => {
                return Err(Error::InvalidWeightingCell {
                    cell: name(level),
                    reason: "has answers but no population total",
                });
            }
        }
    }
    let mut out = Vec::with_capacity(levels.len());
    for (level, (total, members)) in levels {
        if members.is_empty() {
            return Err(Error::InvalidWeightingCell {
                cell: name(level),
                reason: "has a population total but no answers",
            });
        }
        if members.iter().all(|&c| cells[c].weight <= 0.0) {
            return Err(Error::InvalidWeightingCell {
                cell: name(level),
                reason: "has no answer with a positive weight",
            });
        }
        out.push((total, members));
    }
    Ok(Margin { levels: out })
}

impl<K: Cell> Raked<K> {
    /// The number of sweeps run.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::design::{RakeOptions, rake};
    /// use cxmetrics::{Scale, Segmented};
    /// let mut s: Segmented<(u8, u8)> = Segmented::new(Scale::CSAT_5);
    /// s.extend_scores(&[(0, 0), (0, 1), (1, 0), (1, 1)], &[5u8, 4, 2, 3])?;
    /// // Totals the sample already meets: one sweep changes nothing.
    /// let raked = rake(&s, &[[(0, 2.0), (1, 2.0)], [(0, 2.0), (1, 2.0)]], RakeOptions::default())?;
    /// assert_eq!((raked.sweeps(), raked.converged()), (1, true));
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn sweeps(&self) -> u32 {
        self.sweeps
    }

    /// Whether the last sweep changed every cell total by less than the
    /// tolerance *and* every margin is met to the tolerance times the
    /// number of cells (always true with the default options, which fail
    /// otherwise). R's `rake` reports the first alone; a table with
    /// structural zeros can settle with a margin far off, which is not
    /// converged here (see [`Raked::margin_error`]).
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::design::{RakeOptions, rake};
    /// use cxmetrics::{Scale, Segmented};
    /// let mut s: Segmented<(u8, u8)> = Segmented::new(Scale::CSAT_5);
    /// s.extend_scores(&[(0, 0), (0, 1), (0, 1), (1, 0), (1, 1)], &[5u8, 4, 2, 3, 1])?;
    /// let totals = [[(0, 10.0), (1, 90.0)], [(0, 70.0), (1, 30.0)]];
    /// let one = rake(&s, &totals, RakeOptions::r_compatible().max_sweeps(1).epsilon(1e-12))?;
    /// assert!(!one.converged());
    /// assert!(rake(&s, &totals, RakeOptions::default().max_sweeps(1)).is_err());
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn converged(&self) -> bool {
        self.converged
    }

    /// The raked weight total of a cell; `None` for a cell without
    /// answers.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::design::{RakeOptions, rake};
    /// use cxmetrics::{Scale, Segmented};
    /// let mut s: Segmented<(u8, u8)> = Segmented::new(Scale::CSAT_5);
    /// s.extend_scores(&[(0, 0), (1, 1)], &[5u8, 4])?;
    /// let raked = rake(&s, &[[(0, 3.0), (1, 7.0)], [(0, 3.0), (1, 7.0)]], RakeOptions::default())?;
    /// assert!((raked.total(&(1, 1)).unwrap() - 7.0).abs() < 1e-12);
    /// assert_eq!(raked.total(&(0, 1)), None);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn total(&self, cell: &K) -> Option<f64> {
        let i = self.cells.binary_search_by(|c| c.key.cmp(cell)).ok()?;
        Some(self.cell_total(i))
    }

    /// Every cell with answers and its raked weight total, in key order.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::design::{RakeOptions, rake};
    /// use cxmetrics::{Scale, Segmented};
    /// let mut s: Segmented<(u8, u8)> = Segmented::new(Scale::CSAT_5);
    /// s.extend_scores(&[(0, 0), (1, 1)], &[5u8, 4])?;
    /// let raked = rake(&s, &[[(0, 3.0), (1, 7.0)], [(0, 3.0), (1, 7.0)]], RakeOptions::default())?;
    /// assert_eq!(raked.totals().count(), 2);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn totals(&self) -> impl Iterator<Item = (&K, f64)> {
        (0..self.cells.len()).map(|i| (&self.cells[i].key, self.cell_total(i)))
    }

    /// The largest absolute difference between a margin level's raked
    /// weight total and its population total, and that margin (0 = the
    /// first element of the key). The last margin holds to rounding; the
    /// others to about the tolerance when raking converged.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::design::{RakeOptions, rake};
    /// use cxmetrics::{Scale, Segmented};
    /// let mut s: Segmented<(u8, u8)> = Segmented::new(Scale::CSAT_5);
    /// s.extend_scores(&[(0, 0), (0, 1), (1, 0), (1, 1)], &[5u8, 4, 2, 3])?;
    /// let totals = [[(0, 30.0), (1, 70.0)], [(0, 60.0), (1, 40.0)]];
    /// let (_, off) = rake(&s, &totals, RakeOptions::default())?.margin_error();
    /// assert!(off < 1e-6);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn margin_error(&self) -> (usize, f64) {
        self.farthest_margin()
    }

    fn cell_total(&self, i: usize) -> f64 {
        self.cells[i].weight * self.factors[i]
    }

    /// The margin (other than the last, which holds exactly) farthest from
    /// its totals, and by how much.
    fn farthest_margin(&self) -> (usize, f64) {
        let mut worst = (0, 0.0);
        for (m, margin) in self.margins.iter().enumerate() {
            for (total, members) in &margin.levels {
                let now: f64 = members.iter().map(|&c| self.cell_total(c)).sum();
                let off = (now - total).abs();
                if off > worst.1 {
                    worst = (m, off);
                }
            }
        }
        worst
    }

    /// The design-based summary of `score` under the raked weights, with
    /// R's standard error (see [`rake`]).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidBox`]; [`Error::ScaleMismatch`] for NPS off the
    /// NPS scale.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::design::{RakeOptions, rake};
    /// use cxmetrics::segment::Score;
    /// use cxmetrics::{Scale, Segmented};
    /// let mut s: Segmented<(u8, u8)> = Segmented::new(Scale::CSAT_5);
    /// s.extend_scores(&[(0, 0), (0, 1), (1, 0), (1, 1), (1, 1)], &[5u8, 4, 2, 3, 1])?;
    /// let totals = [[(0, 50.0), (1, 50.0)], [(0, 50.0), (1, 50.0)]];
    /// let lin = rake(&s, &totals, RakeOptions::default())?.linearized(Score::Mean)?;
    /// assert!(lin.std_error().unwrap() > 0.0);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn linearized(&self, score: Score) -> Result<Linearized, Error> {
        let statistic = score.statistic(self.scale)?;
        let m = cells::calibrated_moments(&self.cells, &self.factors, &statistic);
        // W*, in true units: the factors absorb the cells' 2^−e, so u
        // comes out scaled by 2^e and x = w·u is unchanged.
        let total: f64 = self
            .cells
            .iter()
            .zip(&self.factors)
            .map(|(c, f)| c.weight * f)
            .sum();
        // u[c][k] with x = w·u for an answer at point k of cell c.
        let mut u: Vec<Vec<f64>> = self
            .cells
            .iter()
            .zip(&self.factors)
            .map(|(cell, &g)| {
                (0..cell.points.len())
                    .map(|i| g * (statistic.value(i) - m.mean) / total)
                    .collect()
            })
            .collect();
        // R's svyrecvar: a fixed 10 passes over the margins.
        for _ in 0..10 {
            for (margin, h) in self.margins.iter().zip(&self.steps) {
                for (_, members) in &margin.levels {
                    let (mut sum, mut count) = (0.0, 0u64);
                    for &c in members {
                        for (p, uk) in self.cells[c].points.iter().zip(&u[c]) {
                            sum += p.count as f64 * uk / h[c];
                            count += p.count;
                        }
                    }
                    let a = sum / count as f64;
                    for &c in members {
                        for uk in &mut u[c] {
                            *uk -= h[c] * a;
                        }
                    }
                }
            }
        }
        let (mut sx, mut sx2) = (0.0, 0.0);
        for (cell, uc) in self.cells.iter().zip(&u) {
            for (p, uk) in cell.points.iter().zip(uc) {
                sx += uk * p.weight;
                sx2 += uk * uk * p.weight_squared;
            }
        }
        let n = m.n;
        let variance = (n >= 2).then(|| {
            let n = n as f64;
            (n / (n - 1.0) * (sx2 - sx * sx / n)).max(0.0)
        });
        Ok(Linearized {
            moments: m.with_variance(variance),
            statistic,
        })
    }

    /// The raked estimate of `score` with its design-based interval
    /// ([`Linearized::estimate`]).
    ///
    /// # Errors
    ///
    /// As [`Raked::linearized`] and [`Linearized::estimate`].
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::design::{RakeOptions, rake};
    /// use cxmetrics::segment::Score;
    /// use cxmetrics::{ConfidenceLevel, Scale, Segmented};
    /// let mut s: Segmented<(u8, u8)> = Segmented::new(Scale::CSAT_5);
    /// s.extend_scores(&[(0, 0), (0, 1), (1, 0), (1, 1), (1, 1)], &[5u8, 4, 2, 3, 1])?;
    /// let totals = [[(0, 50.0), (1, 50.0)], [(0, 50.0), (1, 50.0)]];
    /// let est = rake(&s, &totals, RakeOptions::default())?.estimate(Score::Mean, ConfidenceLevel::P95)?;
    /// assert!(est.interval.contains(est.value));
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn estimate(&self, score: Score, spec: impl Into<IntervalSpec>) -> Result<Estimate, Error> {
        self.linearized(score)?.estimate(spec)
    }
}
