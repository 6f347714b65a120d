//! Post-stratification: weights scaled per cell to known population
//! totals, with R `postStratify`'s standard errors.

use std::collections::BTreeMap;
use std::fmt;

use crate::analysis::segment::Segmented;
use crate::analysis::weighting::cells::{self, CellSums};
use crate::foundation::error::Error;
use crate::foundation::scale::Scale;
use crate::inference::design::linearized::Linearized;
use crate::inference::estimate::Estimate;
use crate::inference::interval::IntervalSpec;
use crate::metrics::score::Score;

/// A sample post-stratified to population totals per weighting cell:
/// every weight in cell g multiplied by N_g / W_g, so the cell's weights
/// add up to its population total N_g.
///
/// Made by [`post_stratify`].
///
/// # Example
///
/// ```
/// use cxmetrics::design::post_stratify;
/// use cxmetrics::segment::Score;
/// use cxmetrics::{ConfidenceLevel, Scale, Segmented};
///
/// let mut by_age = Segmented::new(Scale::NPS);
/// by_age.extend_scores(&["young", "young", "older", "older", "older"], &[10u8, 3, 9, 9, 8])?;
/// // The young are half the customer base but 2 of the 5 answers.
/// let ps = post_stratify(&by_age, [("young", 500.0), ("older", 500.0)])?;
/// assert_eq!(ps.total(&"young"), Some(500.0));
/// let nps = ps.estimate(Score::nps(), ConfidenceLevel::P95)?;
/// assert!((nps.value - (0.5 * 0.0 + 0.5 * 200.0 / 3.0)).abs() < 1e-12);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct PostStratified<K> {
    scale: Scale,
    cells: Vec<CellSums<K>>,
    /// N_g / W_g per cell.
    factors: Vec<f64>,
}

/// Post-stratifies a sample to population totals per weighting cell.
///
/// `cells` holds one tally per cell (a [`Segmented`] keyed by cell, with
/// the answers' sampling weights); `totals` gives each cell's population
/// total N_g. Every weight in cell g is multiplied by N_g / W_g, W_g the
/// cell's weight sum.
///
/// # Formula
///
/// With w* the post-stratified weights, W* = Σ N_g, ȳ = Σw*y / W* and ȳ_g
/// the cell means, R's `svyrecvar` (post-stratification branch) gives
///
/// ```text
/// x_i = w*_i (y_i − ȳ_g) / W*          (a zero-weight answer: −(ȳ_g − ȳ)/W*)
/// V   = n/(n − 1) · Σ (x_i − x̄)²
/// ```
///
/// so a post-stratified estimate has R `postStratify` + `svymean`'s
/// standard error; zero-weight answers are handled as R does (their
/// weight counts as 1 in that step).
///
/// # Errors
///
/// [`Error::InvalidWeightingCell`] for a cell with no answers, none of positive
/// weight, no population total, a total but no answers, or a total given
/// twice; [`Error::InvalidPopulationTotal`] for a total that is not finite
/// and above 0; [`Error::InvalidArgument`] when the totals sum to more than
/// 1e300 or less than 1e-300; [`Error::EmptyTally`] without cells.
///
/// # References
///
/// Lumley, T. (2010), *Complex Surveys*, ch. 7; Holt, D. & Smith, T. M. F.
/// (1979), "Post stratification", *JRSS A* 142(1).
///
/// # Example
///
/// ```
/// use cxmetrics::design::post_stratify;
/// use cxmetrics::{Error, Scale, Segmented};
/// let mut s = Segmented::new(Scale::CSAT_5);
/// s.extend_scores(&["a", "b"], &[5u8, 1])?;
/// let err = post_stratify(&s, [("a", 10.0)]).unwrap_err();
/// assert_eq!(err.to_string(), "weighting cell \"b\": has answers but no population total");
/// let err = post_stratify(&s, [("a", 10.0), ("b", 5.0), ("c", 1.0)]).unwrap_err();
/// assert_eq!(err.to_string(), "weighting cell \"c\": has a population total but no answers");
/// assert!(matches!(
///     post_stratify(&s, [("a", 10.0), ("b", f64::NAN)]),
///     Err(Error::InvalidPopulationTotal { .. })
/// ));
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn post_stratify<K, I>(cells: &Segmented<K>, totals: I) -> Result<PostStratified<K>, Error>
where
    K: Ord + Clone + fmt::Debug,
    I: IntoIterator<Item = (K, f64)>,
{
    let mut population = BTreeMap::new();
    let mut grand = 0.0;
    for (key, total) in totals {
        grand += total;
        if !(total.is_finite() && total > 0.0) {
            return Err(Error::InvalidPopulationTotal {
                cell: format!("{key:?}"),
                total,
            });
        }
        let cell = format!("{key:?}");
        if population.insert(key, total).is_some() {
            return Err(Error::InvalidWeightingCell {
                cell,
                reason: "has two population totals",
            });
        }
    }
    crate::analysis::weighting::rake::check_grand_total(grand)?;
    let (scale, cells, _) = cells::collect(cells, true)?;
    let mut factors = Vec::with_capacity(cells.len());
    for cell in &cells {
        let total = population
            .remove(&cell.key)
            .ok_or_else(|| Error::InvalidWeightingCell {
                cell: format!("{:?}", cell.key),
                reason: "has answers but no population total",
            })?;
        factors.push(total / cell.weight);
    }
    if let Some(key) = population.keys().next() {
        return Err(Error::InvalidWeightingCell {
            cell: format!("{key:?}"),
            reason: "has a population total but no answers",
        });
    }
    Ok(PostStratified {
        scale,
        cells,
        factors,
    })
}

impl<K: Ord + Clone + fmt::Debug> PostStratified<K> {
    /// The post-stratified weight total of a cell (its population total,
    /// up to rounding); `None` for an unknown cell.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::design::post_stratify;
    /// use cxmetrics::{Scale, Segmented};
    /// let mut s = Segmented::new(Scale::CSAT_5);
    /// s.extend_scores(&[1u8, 2, 2], &[5u8, 1, 4])?;
    /// let ps = post_stratify(&s, [(1, 30.0), (2, 70.0)])?;
    /// assert_eq!((ps.total(&2), ps.total(&3)), (Some(70.0), None));
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn total(&self, cell: &K) -> Option<f64> {
        let i = self.cells.binary_search_by(|c| c.key.cmp(cell)).ok()?;
        Some(self.cells[i].weight * self.factors[i])
    }

    /// Every cell with its post-stratified weight total, in key order.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::design::post_stratify;
    /// use cxmetrics::{Scale, Segmented};
    /// let mut s = Segmented::new(Scale::CSAT_5);
    /// s.extend_scores(&[1u8, 2, 2], &[5u8, 1, 4])?;
    /// let ps = post_stratify(&s, [(1, 30.0), (2, 70.0)])?;
    /// assert_eq!(ps.totals().collect::<Vec<_>>(), [(&1, 30.0), (&2, 70.0)]);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn totals(&self) -> impl Iterator<Item = (&K, f64)> {
        self.cells
            .iter()
            .zip(&self.factors)
            .map(|(c, f)| (&c.key, c.weight * f))
    }

    /// The design-based summary of `score` under the post-stratified
    /// weights, with R `postStratify`'s standard error.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidBox`]; [`Error::ScaleMismatch`] for NPS off the
    /// NPS scale.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::design::post_stratify;
    /// use cxmetrics::segment::Score;
    /// use cxmetrics::{Scale, Segmented};
    /// let mut s = Segmented::new(Scale::CSAT_5);
    /// s.extend_scores(&[1u8, 1, 2, 2], &[5u8, 1, 4, 4])?;
    /// let lin = post_stratify(&s, [(1, 50.0), (2, 50.0)])?.linearized(Score::top_box(2))?;
    /// assert_eq!(lin.value(), 0.75);
    /// // x = 25·(±0.5)/100 for cell 1's two answers, 0 in cell 2 (no spread).
    /// let v = 4.0 / 3.0 * 2.0 * 0.125f64.powi(2);
    /// assert!((lin.std_error().unwrap() - v.sqrt()).abs() < 1e-12);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn linearized(&self, score: Score) -> Result<Linearized, Error> {
        let statistic = score.statistic(self.scale)?;
        let m = cells::calibrated_moments(&self.cells, &self.factors, &statistic);
        let total: f64 = self
            .cells
            .iter()
            .zip(&self.factors)
            .map(|(c, f)| c.weight * f)
            .sum();
        let (mut sx, mut sx2) = (0.0, 0.0);
        for (cell, &r) in self.cells.iter().zip(&self.factors) {
            // The cell mean of g (the factor cancels).
            let cell_mean = cell
                .points
                .iter()
                .enumerate()
                .map(|(i, p)| p.weight * statistic.value(i))
                .sum::<f64>()
                / cell.weight;
            for (i, p) in cell.points.iter().enumerate() {
                let d = statistic.value(i) - cell_mean;
                sx2 += r * r * p.weight_squared * d * d;
            }
            // R sets a zero-weight answer's weight to 1 in this step.
            let z = cell.zero_weight as f64;
            let off = cell_mean - m.mean;
            sx2 += z * off * off;
            sx -= z * off;
        }
        let (sx, sx2) = (sx / total, sx2 / (total * total));
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

    /// The post-stratified estimate of `score` with its design-based
    /// interval ([`Linearized::estimate`]).
    ///
    /// # Errors
    ///
    /// As [`PostStratified::linearized`] and [`Linearized::estimate`].
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::design::post_stratify;
    /// use cxmetrics::segment::Score;
    /// use cxmetrics::{ConfidenceLevel, Scale, Segmented};
    /// let mut s = Segmented::new(Scale::CSAT_5);
    /// s.extend_scores(&[1u8, 1, 2, 2], &[5u8, 1, 4, 2])?;
    /// let est = post_stratify(&s, [(1, 20.0), (2, 80.0)])?.estimate(Score::Mean, ConfidenceLevel::P90)?;
    /// assert!((est.value - (0.2 * 3.0 + 0.8 * 3.0)).abs() < 1e-12);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn estimate(&self, score: Score, spec: impl Into<IntervalSpec>) -> Result<Estimate, Error> {
        self.linearized(score)?.estimate(spec)
    }
}
