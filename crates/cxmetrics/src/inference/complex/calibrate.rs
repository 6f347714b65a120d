//! Calibration of respondents' weights on categorical margins (linear /
//! GREG and raking), weight trimming, and the calibrated design.

use std::collections::BTreeMap;
use std::fmt;

use crate::foundation::error::Error;
use crate::foundation::scale::{Scale, ScoreValue};
use crate::inference::complex::design::{
    CellView, Contribution, DesignKey, LonelyPsu, domain_sums, finish_estimate, linearized_variance,
};
use crate::inference::complex::estimate::{DesignEstimate, DomainDifference, within_range};
use crate::inference::complex::values::{PointValues, scale_mismatch};

/// The calibration function (R's `calfun`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum CalibrationMethod {
    /// Linear (GREG) calibration: g = 1 + x'λ (may give negative weights).
    Linear,
    /// Raking: g = exp(x'η), solved by Newton steps.
    Raking,
}

/// Stopping rule of raking and trimming bounds.
///
/// The default stops raking when every margin is within a relative 10^-13
/// of its population total, `|T̂ − T|/(1 + |T|) < epsilon`, the exact
/// solution for practical purposes, after at most 100 Newton steps. R's
/// `calibrate` defaults are `epsilon = 1e-7` and `maxit = 50` (and stop
/// with "Calibration failed" when not met); set those here to reproduce
/// R's default results exactly.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CalibrationOptions {
    /// Relative misfit at which raking stops.
    pub epsilon: f64,
    /// The most Newton steps raking takes.
    pub max_iterations: u32,
    /// Make a raking that did not converge an error
    /// ([`Error::RakingNotConverged`]) instead of a result whose
    /// [`Calibration::converged`] is false.
    pub require_convergence: bool,
}

impl Default for CalibrationOptions {
    fn default() -> CalibrationOptions {
        CalibrationOptions {
            epsilon: 1e-13,
            max_iterations: 100,
            require_convergence: false,
        }
    }
}

/// One calibrated weight set for the respondents of a survey, to be used
/// by every question (R's `calibrate(design, ~m1 + m2 + ..., population,
/// calfun)` with treatment coding: an intercept and one indicator per
/// level but the first of each margin), optionally trimmed
/// ([`Calibration::trim`], R's `trimWeights`).
///
/// Since the model has only categorical margins, g is constant within a
/// calibration cell (a combination of levels); [`Calibration::design`]
/// builds, per question, the tallies a calibrated variance needs.
///
/// # Example
///
/// ```
/// use cxmetrics::complex::{Calibration, CalibrationMethod, CalibrationOptions};
/// let weights = [1.0, 1.0, 2.0, 1.0, 1.5];
/// let region = [0, 1, 1, 0, 1]; // level indices
/// let channel = [0, 0, 1, 1, 1];
/// let cal = Calibration::new(
///     &weights,
///     &[&region, &channel],
///     &[&[40.0, 60.0], &[30.0, 70.0]],
///     CalibrationMethod::Raking,
///     CalibrationOptions::default(),
/// )?;
/// assert!(cal.converged());
/// assert!((cal.weight_sum() - 100.0).abs() < 1e-9);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Calibration {
    method: CalibrationMethod,
    /// The final weight of each respondent.
    weights: Vec<f64>,
    /// g · initial weight of each respondent (before trimming).
    calibrated: Vec<f64>,
    /// Each respondent's calibration cell.
    cell_of: Vec<usize>,
    /// g per cell.
    g: Vec<f64>,
    /// The model row of each cell.
    model: Vec<Vec<f64>>,
    trimmed: bool,
    converged: bool,
    iterations: u32,
    misfit: f64,
    epsilon: f64,
}

/// Solves A x = b (A p × p, row-major) by Gaussian elimination with
/// partial pivoting; `None` when A is singular.
fn solve(mut a: Vec<f64>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let p = b.len();
    let scale = a.iter().fold(0.0f64, |m, x| m.max(x.abs()));
    for col in 0..p {
        let pivot =
            (col..p).max_by(|&i, &j| a[i * p + col].abs().total_cmp(&a[j * p + col].abs()))?;
        if a[pivot * p + col].abs() <= 1e-14 * scale {
            return None;
        }
        if pivot != col {
            for k in 0..p {
                a.swap(col * p + k, pivot * p + k);
            }
            b.swap(col, pivot);
        }
        for i in col + 1..p {
            let f = a[i * p + col] / a[col * p + col];
            if f != 0.0 {
                for k in col..p {
                    a[i * p + k] -= f * a[col * p + k];
                }
                b[i] -= f * b[col];
            }
        }
    }
    let mut x = vec![0.0; p];
    for i in (0..p).rev() {
        let s: f64 = (i + 1..p).map(|k| a[i * p + k] * x[k]).sum();
        x[i] = (b[i] - s) / a[i * p + i];
    }
    x.iter().all(|v| v.is_finite()).then_some(x)
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

impl Calibration {
    /// Calibrates `weights` so that the weighted counts of every level of
    /// every margin meet `population` (one list of level totals per
    /// margin, all adding up to the same N). `margins[m][i]` is the level
    /// index (0-based) of respondent i on margin m; level 0 is the
    /// reference level of the treatment coding (R sorts level names, so
    /// number levels in sorted order to reproduce R).
    ///
    /// # Errors
    ///
    /// [`Error::LengthMismatch`]; [`Error::InvalidWeight`] for a weight
    /// that is negative or not finite; [`Error::InvalidPopulationTotal`]
    /// for a total that is negative or not finite;
    /// [`Error::InconsistentMargins`] when the margins' grand totals
    /// differ by more than 10^-9 relative; [`Error::InvalidWeightingCell`]
    /// for a level out of range or without positive weight while its
    /// total is positive (the calibration equations have no solution);
    /// [`Error::RakingNotConverged`] when asked for and raking did not
    /// converge; [`Error::NotRepresentable`] when the calibrated weights,
    /// their total or the margin totals they give pass `f64` (totals near
    /// `f64::MAX`).
    pub fn new(
        weights: &[f64],
        margins: &[&[usize]],
        population: &[&[f64]],
        method: CalibrationMethod,
        options: CalibrationOptions,
    ) -> Result<Calibration, Error> {
        let n = weights.len();
        if margins.len() != population.len() || margins.is_empty() {
            return Err(Error::LengthMismatch {
                left_name: "margins",
                left: margins.len(),
                right_name: "population margins",
                right: population.len(),
            });
        }
        for m in margins {
            if m.len() != n {
                return Err(Error::LengthMismatch {
                    left_name: "weights",
                    left: n,
                    right_name: "margin labels",
                    right: m.len(),
                });
            }
        }
        if let Some(&bad) = weights.iter().find(|w| !(w.is_finite() && **w >= 0.0)) {
            return Err(Error::InvalidWeight { weight: bad });
        }
        let mut grand = None;
        for (m, totals) in population.iter().enumerate() {
            for (l, &t) in totals.iter().enumerate() {
                if !(t.is_finite() && t >= 0.0) {
                    return Err(Error::InvalidPopulationTotal {
                        cell: format!("margin {m} level {l}"),
                        total: t,
                    });
                }
            }
            let sum: f64 = totals.iter().sum();
            match grand {
                None => grand = Some(sum),
                Some(g) if (sum - g).abs() > 1e-9 * g.abs().max(1.0) => {
                    return Err(Error::InconsistentMargins {
                        margin: m,
                        total: sum,
                        expected: g,
                    });
                }
                Some(_) => {}
            }
        }
        let big_n = grand.unwrap_or(0.0);
        // Cells: distinct combinations of levels.
        let mut index: BTreeMap<Vec<usize>, usize> = BTreeMap::new();
        let mut cell_of = Vec::with_capacity(n);
        for i in 0..n {
            let combo: Vec<usize> = margins.iter().map(|m| m[i]).collect();
            for (m, &l) in combo.iter().enumerate() {
                if l >= population[m].len() {
                    return Err(Error::InvalidWeightingCell {
                        cell: format!("margin {m} level {l}"),
                        reason: "the level has no population total",
                    });
                }
            }
            let next = index.len();
            cell_of.push(*index.entry(combo).or_insert(next));
        }
        let p = 1 + population
            .iter()
            .map(|t| t.len().saturating_sub(1))
            .sum::<usize>();
        let mut model = vec![Vec::new(); index.len()];
        for (combo, &c) in &index {
            let mut row = vec![0.0; p];
            row[0] = 1.0;
            let mut at = 1;
            for (m, &l) in combo.iter().enumerate() {
                if l > 0 {
                    row[at + l - 1] = 1.0;
                }
                at += population[m].len().saturating_sub(1);
            }
            model[c] = row;
        }
        let mut target = vec![big_n];
        for totals in population {
            target.extend(totals.iter().skip(1));
        }
        let mut w_cell = vec![0.0; index.len()];
        for (i, &w) in weights.iter().enumerate() {
            w_cell[cell_of[i]] += w;
        }
        // Levels with a population total but no weight: no solution.
        for (m, totals) in population.iter().enumerate() {
            for (l, &t) in totals.iter().enumerate() {
                let has = index
                    .iter()
                    .any(|(combo, &c)| combo[m] == l && w_cell[c] > 0.0);
                if t > 0.0 && !has {
                    return Err(Error::InvalidWeightingCell {
                        cell: format!("margin {m} level {l}"),
                        reason: "the level has a population total but no respondent of positive weight",
                    });
                }
            }
        }
        let singular = || {
            Error::InvalidDesign {
            reason: "the calibration equations are singular (a level without respondents, or margins that determine each other)".into(),
        }
        };
        let totals = |g: &dyn Fn(usize) -> f64| -> (Vec<f64>, Vec<f64>) {
            let mut t = vec![0.0; p];
            let mut jac = vec![0.0; p * p];
            for (c, x) in model.iter().enumerate() {
                let wg = w_cell[c] * g(c);
                for a in 0..p {
                    t[a] += wg * x[a];
                    for b in 0..p {
                        jac[a * p + b] += wg * x[a] * x[b];
                    }
                }
            }
            (t, jac)
        };
        let relative_misfit = |t: &[f64]| {
            t.iter()
                .zip(&target)
                // Divided first, so totals near f64::MAX of opposite
                // signs cannot overflow the difference.
                .map(|(a, b)| {
                    let d = 1.0 + b.abs();
                    (b / d - a / d).abs()
                })
                .fold(0.0f64, f64::max)
        };
        // Totals or a Jacobian past f64 (targets near f64::MAX) are not a
        // singular system: say what overflowed.
        let finite = |t: &[f64], jac: &[f64]| {
            if t.iter().chain(jac).all(|x| x.is_finite()) {
                Ok(())
            } else {
                Err(Error::NotRepresentable {
                    what: "calibration equations",
                    reason: "the weighted margin totals or their derivatives pass f64".into(),
                })
            }
        };
        let (g, converged, iterations, misfit) = match method {
            CalibrationMethod::Linear => {
                let (t, xtwx) = totals(&|_| 1.0);
                finite(&t, &xtwx)?;
                let rhs: Vec<f64> = target.iter().zip(&t).map(|(a, b)| a - b).collect();
                let lambda = solve(xtwx, rhs).ok_or_else(singular)?;
                let g: Vec<f64> = model.iter().map(|x| 1.0 + dot(x, &lambda)).collect();
                let (t, _) = totals(&|c| g[c]);
                (g, true, 1, relative_misfit(&t))
            }
            CalibrationMethod::Raking => {
                let mut eta = vec![0.0; p];
                let g_of =
                    |eta: &[f64]| -> Vec<f64> { model.iter().map(|x| dot(x, eta).exp()).collect() };
                let mut g = g_of(&eta);
                let mut iterations = 0;
                let mut converged = false;
                let mut misfit;
                loop {
                    let (t, jac) = totals(&|c| g[c]);
                    finite(&t, &jac)?;
                    misfit = relative_misfit(&t);
                    if misfit < options.epsilon {
                        converged = true;
                        break;
                    }
                    if iterations >= options.max_iterations {
                        break;
                    }
                    iterations += 1;
                    let rhs: Vec<f64> = target.iter().zip(&t).map(|(a, b)| a - b).collect();
                    let step = solve(jac, rhs).ok_or_else(singular)?;
                    // Damped Newton: halve the step while the misfit grows
                    // (full steps whenever they help, as R takes).
                    // A step that would take a g past e^700 (a target far
                    // beyond the weights' total) starts shortened to that.
                    let longest = step.iter().fold(0.0f64, |m, s| m.max(s.abs()));
                    let mut factor = if longest > 700.0 {
                        700.0 / longest
                    } else {
                        1.0
                    };
                    let mut halvings = 0;
                    loop {
                        let trial: Vec<f64> =
                            eta.iter().zip(&step).map(|(e, s)| e + factor * s).collect();
                        let gt = g_of(&trial);
                        let (tt, _) = totals(&|c| gt[c]);
                        let m = relative_misfit(&tt);
                        // At most 34 halvings (a factor near 1e-10).
                        if (m.is_finite() && m <= misfit) || halvings >= 34 {
                            eta = trial;
                            g = gt;
                            break;
                        }
                        factor /= 2.0;
                        halvings += 1;
                    }
                }
                if !converged && options.require_convergence {
                    let (t, _) = totals(&|c| g[c]);
                    let worst = (0..p)
                        .max_by(|&a, &b| {
                            (target[a] - t[a])
                                .abs()
                                .total_cmp(&(target[b] - t[b]).abs())
                        })
                        .unwrap_or(0);
                    return Err(Error::RakingNotConverged {
                        margin: margin_of(worst, population),
                        sweeps: iterations,
                        off: (target[worst] - t[worst]).abs(),
                        change: misfit,
                        tolerance: options.epsilon,
                    });
                }
                (g, converged, iterations, misfit)
            }
        };
        if g.iter().any(|x| !x.is_finite()) {
            return Err(singular());
        }
        // Margin totals past f64 (a cell's weight times its g rounding
        // over f64::MAX) leave the misfit infinite: no calibration to
        // report.
        if !misfit.is_finite() {
            return Err(Error::NotRepresentable {
                what: "calibrated margin totals",
                reason: format!("they pass f64 (misfit {misfit})"),
            });
        }
        let calibrated: Vec<f64> = weights
            .iter()
            .zip(&cell_of)
            .map(|(w, &c)| w * g[c])
            .collect();
        check_total("calibrated weights", &calibrated)?;
        Ok(Calibration {
            method,
            weights: calibrated.clone(),
            calibrated,
            cell_of,
            g,
            model,
            trimmed: false,
            converged,
            iterations,
            misfit,
            epsilon: options.epsilon,
        })
    }

    /// Trims the final weights to `lower..=upper` (R's `trimWeights`):
    /// weights outside are set to the bound, and the total removed (or
    /// added) is shared equally among the weights not outside; with
    /// `strict` this repeats while a weight is above `upper`, as R does.
    /// Trimming does not redo the calibration: the variance keeps the
    /// calibration's g.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for bounds with `lower > upper` or NaN;
    /// [`Error::InvalidDesign`] when every weight is outside the bounds or
    /// strict trimming does not settle within 100,000 rounds (R overflows
    /// its stack); [`Error::NotRepresentable`] when the trimmed weights'
    /// total passes `f64` (weights near `f64::MAX`).
    pub fn trim(&self, lower: f64, upper: f64, strict: bool) -> Result<Calibration, Error> {
        if lower.is_nan() || upper.is_nan() || lower > upper {
            return Err(Error::InvalidArgument {
                name: "trimming bounds",
                value: lower,
                expected: "lower ≤ upper",
            });
        }
        let mut w = self.weights.clone();
        let mut rounds = 0;
        loop {
            let outside = |x: f64| x < lower || x > upper;
            let inside = w.iter().filter(|&&x| !outside(x)).count();
            if inside == w.len() {
                break;
            }
            if inside == 0 {
                return Err(Error::InvalidDesign {
                    reason: format!(
                        "every weight is outside the trimming bounds {lower}..={upper}"
                    ),
                });
            }
            let removed: f64 = w.iter().map(|&x| x - x.clamp(lower, upper)).sum();
            let share = removed / inside as f64;
            for x in &mut w {
                *x = if outside(*x) {
                    x.clamp(lower, upper)
                } else {
                    *x + share
                };
            }
            rounds += 1;
            if !(strict && w.iter().any(|&x| x > upper)) {
                break;
            }
            if rounds >= 100_000 {
                return Err(Error::InvalidDesign {
                    reason: "strict trimming did not settle".into(),
                });
            }
        }
        check_total("trimmed weights", &w)?;
        let mut out = self.clone();
        out.trimmed = out.trimmed || w != self.weights;
        out.weights = w;
        Ok(out)
    }

    /// The final weight of each respondent.
    #[must_use]
    pub fn weights(&self) -> &[f64] {
        &self.weights
    }

    /// Σ of the final weights: N up to rounding (trimming moves weight
    /// between respondents and keeps the total).
    #[must_use]
    pub fn weight_sum(&self) -> f64 {
        self.weights.iter().sum()
    }

    /// The calibration factor g of each calibration cell.
    #[must_use]
    pub fn g(&self) -> &[f64] {
        &self.g
    }

    /// The method used.
    #[must_use]
    pub fn method(&self) -> CalibrationMethod {
        self.method
    }

    /// Whether the margins are met to the tolerance (always true for
    /// linear calibration).
    #[must_use]
    pub fn converged(&self) -> bool {
        self.converged
    }

    /// Newton steps taken (1 for linear calibration).
    #[must_use]
    pub fn iterations(&self) -> u32 {
        self.iterations
    }

    /// The largest relative misfit |T̂ − T|/(1 + |T|) of a margin total at
    /// the end.
    #[must_use]
    pub fn misfit(&self) -> f64 {
        self.misfit
    }

    /// Whether trimming changed a weight.
    #[must_use]
    pub fn trimmed(&self) -> bool {
        self.trimmed
    }

    /// The design of one question under this calibration: `scores[i]` of
    /// respondent i at `keys[i]` (strata, clusters, domains as in
    /// [`crate::inference::complex::SurveyDesign`]). Respondents are those the
    /// calibration was computed for, in the same order.
    ///
    /// # Errors
    ///
    /// [`Error::LengthMismatch`] unless there is one score and one key per
    /// respondent; score errors as [`Scale::rating`], by index.
    pub fn design<S: ScoreValue>(
        &self,
        scale: Scale,
        scores: &[S],
        keys: &[DesignKey],
    ) -> Result<CalibratedDesign, Error> {
        let n = self.weights.len();
        for (name, len) in [("scores", scores.len()), ("keys", keys.len())] {
            if len != n {
                return Err(Error::LengthMismatch {
                    left_name: "calibrated respondents",
                    left: n,
                    right_name: name,
                    right: len,
                });
            }
        }
        let mut cells: BTreeMap<(DesignKey, usize), CalCell> = BTreeMap::new();
        let points = scale.len();
        let lowest = scale.lowest();
        for i in 0..n {
            let rating = scale
                .rating(scores[i])
                .map_err(|e| Error::InvalidBatchItem {
                    index: i,
                    error: Box::new(e),
                })?;
            let x = (rating.value() - lowest) as usize;
            let cell = cells
                .entry((keys[i], self.cell_of[i]))
                .or_insert_with(|| CalCell::new(points));
            let (w, u) = (self.weights[i], self.calibrated[i]);
            cell.count[x] += 1;
            cell.nonzero[x] += u64::from(w != 0.0);
            cell.w[x] += w;
            cell.w2[x] += w * w;
            cell.u[x] += u;
            cell.u2[x] += u * u;
            cell.cross[x] += w * u;
        }
        Ok(CalibratedDesign {
            scale,
            cells,
            g: self.g.clone(),
            model: self.model.clone(),
            population: BTreeMap::new(),
            lonely: LonelyPsu::Fail,
        })
    }
}

fn margin_of(column: usize, population: &[&[f64]]) -> usize {
    let mut at = 1;
    for (m, t) in population.iter().enumerate() {
        at += t.len().saturating_sub(1);
        if column < at {
            return m;
        }
    }
    0
}

impl fmt::Display for Calibration {
    /// `raking: converged after 7 Newton steps (misfit 3.2e-15), 1,204
    /// respondents, Σw = 100000` or `... NOT CONVERGED ...`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let method = match self.method {
            CalibrationMethod::Linear => "linear calibration",
            CalibrationMethod::Raking => "raking",
        };
        let state = if self.converged {
            "converged"
        } else {
            "NOT CONVERGED"
        };
        write!(
            f,
            "{method}: {state} after {} Newton steps (misfit {:e}, tolerance {:e}), {} respondents, sum of weights {}{}",
            self.iterations,
            self.misfit,
            self.epsilon,
            self.weights.len(),
            self.weight_sum(),
            if self.trimmed { ", trimmed" } else { "" }
        )
    }
}

/// One (design key, calibration cell)'s sums per point: respondents,
/// those of non-zero final weight, Σw and Σw² of the final weights w, and
/// Σu, Σu², Σw·u of the untrimmed calibrated weights u = g·w₀. Plain
/// sums: linear calibration may give negative weights, which a
/// [`crate::Tally`] does not hold.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
struct CalCell {
    count: Vec<u64>,
    nonzero: Vec<u64>,
    w: Vec<f64>,
    w2: Vec<f64>,
    u: Vec<f64>,
    u2: Vec<f64>,
    cross: Vec<f64>,
}

impl CalCell {
    fn new(points: usize) -> CalCell {
        CalCell {
            count: vec![0; points],
            nonzero: vec![0; points],
            w: vec![0.0; points],
            w2: vec![0.0; points],
            u: vec![0.0; points],
            u2: vec![0.0; points],
            cross: vec![0.0; points],
        }
    }

    /// Adds another cell's sums; on error `self` is unchanged.
    fn add(&mut self, other: &CalCell) -> Result<(), Error> {
        let mut next = self.clone();
        for x in 0..next.w.len() {
            for (mine, theirs, what) in [
                (
                    &mut next.count[x],
                    other.count[x],
                    "respondents in a calibrated cell",
                ),
                (
                    &mut next.nonzero[x],
                    other.nonzero[x],
                    "positive weights in a calibrated cell",
                ),
            ] {
                *mine = mine.checked_add(theirs).ok_or(Error::CountOverflow {
                    what,
                    count: *mine,
                    added: theirs,
                })?;
            }
            next.w[x] += other.w[x];
            next.u[x] += other.u[x];
            next.w2[x] += other.w2[x];
            next.u2[x] += other.u2[x];
            next.cross[x] += other.cross[x];
            // The weights' own sums must stay finite; their squares may
            // already be infinite for weights near 1e154 and beyond (the
            // estimates then refuse them by name).
            if !(next.w[x].is_finite() && next.u[x].is_finite()) {
                return Err(Error::NotRepresentable {
                    what: "merged calibrated design",
                    reason: format!(
                        "the weights of point {x} sum past f64 ({} and {})",
                        next.w[x], next.u[x]
                    ),
                });
            }
        }
        *self = next;
        Ok(())
    }
}

/// One question's calibrated design: per (stratum, cluster, domain,
/// calibration cell) a tally of the final weights and the per-point sums
/// of the untrimmed calibrated weights, with g and the model row of each
/// cell. From [`Calibration::design`].
///
/// The variance is R's for a calibrated design (`svyrecvar`, the
/// `greg_calibration` branch): the influence values xᵢ = wᵢ(yᵢ − ȳ)/Σw
/// are replaced by gᵢ√w₀ᵢ times the residuals of the unweighted
/// regression of xᵢ/(gᵢ√w₀ᵢ) on √w₀ᵢ·xᵢ (the model row), then go
/// through the design's strata and clusters as usual.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CalibratedDesign {
    scale: Scale,
    #[cfg_attr(feature = "serde", serde(with = "cells_as_list"))]
    cells: BTreeMap<(DesignKey, usize), CalCell>,
    g: Vec<f64>,
    model: Vec<Vec<f64>>,
    population: BTreeMap<u64, f64>,
    lonely: LonelyPsu,
}

#[cfg(feature = "serde")]
mod cells_as_list {
    use super::{CalCell, DesignKey};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::collections::BTreeMap;

    pub(super) fn serialize<S: Serializer>(
        cells: &BTreeMap<(DesignKey, usize), CalCell>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        cells.iter().collect::<Vec<_>>().serialize(s)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<BTreeMap<(DesignKey, usize), CalCell>, D::Error> {
        Ok(Vec::<((DesignKey, usize), CalCell)>::deserialize(d)?
            .into_iter()
            .collect())
    }
}

impl CalibratedDesign {
    /// Sets the population size of a stratum (see
    /// [`crate::inference::complex::SurveyDesign::with_population`]).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] unless it is finite and at least 1.
    pub fn with_population(mut self, stratum: u64, size: f64) -> Result<CalibratedDesign, Error> {
        if !(size.is_finite() && size >= 1.0) {
            return Err(Error::InvalidArgument {
                name: "stratum population size",
                value: size,
                expected: "a finite number of at least 1",
            });
        }
        self.population.insert(stratum, size);
        Ok(self)
    }

    /// Sets the lonely-PSU rule.
    #[must_use]
    pub fn with_lonely_psu(mut self, lonely: LonelyPsu) -> CalibratedDesign {
        self.lonely = lonely;
        self
    }

    /// Adds the cells of another question design of the same calibration
    /// (respondents split across shards).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidDesign`] when the calibrations differ;
    /// [`Error::ScaleMismatch`]; [`Error::CountOverflow`];
    /// [`Error::NotRepresentable`] when a cell's weights sum past f64.
    /// On error `self` is unchanged.
    pub fn merge(&mut self, other: &CalibratedDesign) -> Result<(), Error> {
        if self.g != other.g || self.model != other.model {
            return Err(Error::InvalidDesign {
                reason: "designs of different calibrations cannot merge".into(),
            });
        }
        if self.scale != other.scale {
            return Err(scale_mismatch(self.scale, other.scale));
        }
        let mut next = self.clone();
        for (k, c) in &other.cells {
            match next.cells.get_mut(k) {
                Some(mine) => mine.add(c)?,
                None => {
                    next.cells.insert(*k, c.clone());
                }
            }
        }
        *self = next;
        Ok(())
    }

    /// The calibrated estimate of `values` over the whole sample or one
    /// domain (R's `svymean` on the calibrated, possibly trimmed, design;
    /// for a domain, `subset` keeps every respondent, as R does for
    /// calibrated designs, so the residuals are taken over the whole
    /// sample). No design effect is computed.
    ///
    /// # Errors
    ///
    /// As [`crate::inference::complex::SurveyDesign::estimate`];
    /// [`Error::InvalidDesign`] when the regression of the residuals is
    /// singular.
    pub fn estimate(
        &self,
        values: &PointValues,
        domain: Option<u64>,
    ) -> Result<DesignEstimate, Error> {
        values.check_scale(self.scale)?;
        let g = values.values();
        let (views, extra) = self.views(g.len())?;
        let selected = |k: &DesignKey| domain.is_none_or(|d| k.domain == d);
        let sums = domain_sums(&views, g, &selected)?;
        // e(x) = (g(x) − ȳ)/Σw in the domain, 0 outside.
        let resid: Vec<f64> = g.iter().map(|v| (v - sums.mean) / sums.w).collect();
        let e_of = |k: &DesignKey| (selected(k) && !sums.degenerate).then_some(0);
        let v = self.variance(&views, &extra, &[resid], &e_of)?;
        let mut est = finish_estimate(
            values,
            &sums,
            v,
            df_of(&views, domain),
            df_of(&views, None),
            0,
        );
        est.deff_replace = None;
        est.deff_srs = None;
        est.checked()
    }

    /// The difference a − b of the statistic between two domains of the
    /// calibrated design (R's `svycontrast` on `svyby` over the calibrated
    /// design), with the whole design's degrees of freedom, t and normal
    /// tests and intervals at `level`.
    ///
    /// # Errors
    ///
    /// As [`CalibratedDesign::estimate`] for either domain;
    /// [`Error::InvalidConfidenceLevel`].
    pub fn difference(
        &self,
        values: &PointValues,
        a: u64,
        b: u64,
        level: f64,
    ) -> Result<DomainDifference, Error> {
        values.check_scale(self.scale)?;
        let g = values.values();
        let (views, extra) = self.views(g.len())?;
        let sa = domain_sums(&views, g, &|k: &DesignKey| k.domain == a)?;
        let sb = domain_sums(&views, g, &|k: &DesignKey| k.domain == b)?;
        let ra: Vec<f64> = g.iter().map(|v| (v - sa.mean) / sa.w).collect();
        let rb: Vec<f64> = g.iter().map(|v| -(v - sb.mean) / sb.w).collect();
        let e_of = |k: &DesignKey| {
            if a == b {
                None
            } else if k.domain == a && !sa.degenerate {
                Some(0)
            } else if k.domain == b && !sb.degenerate {
                Some(1)
            } else {
                None
            }
        };
        let v = self.variance(&views, &extra, &[ra, rb], &e_of)?;
        let range = values.range();
        let (ma, mb) = (within_range(sa.mean, range)?, within_range(sb.mean, range)?);
        DomainDifference::new(
            (ma, mb),
            ma - mb,
            v.sqrt(),
            df_of(&views, None),
            a == b,
            values.span(),
            level,
        )
    }

    /// The cells as views of the final weights, with (cell, Σu, Σu², Σw·u)
    /// per point beside.
    #[allow(clippy::type_complexity)]
    fn views(
        &self,
        points: usize,
    ) -> Result<(Vec<CellView>, Vec<(usize, Vec<f64>, Vec<f64>, Vec<f64>)>), Error> {
        let mut views = Vec::with_capacity(self.cells.len());
        let mut extra = Vec::with_capacity(self.cells.len());
        for ((key, cell), c) in &self.cells {
            let lengths = [c.count.len(), c.nonzero.len(), c.w.len(), c.w2.len()];
            let more = [c.u.len(), c.u2.len(), c.cross.len()];
            if lengths.iter().chain(&more).any(|&l| l != points) {
                return Err(Error::InvalidDesign {
                    reason: format!(
                        "cell {key:?} does not have one sum per point of {}",
                        self.scale
                    ),
                });
            }
            views.push(CellView {
                key: *key,
                rows: c.count.iter().sum(),
                positive_rows: c.nonzero.iter().sum(),
                positive: c.nonzero.clone(),
                w: c.w.clone(),
                w2: c.w2.clone(),
            });
            extra.push((*cell, c.u.clone(), c.u2.clone(), c.cross.clone()));
        }
        Ok((views, extra))
    }

    /// The calibrated linearized variance of influence values
    /// zᵢ = wᵢ e(xᵢ), e given per cell as an index into `resids` (`None`:
    /// 0), after the calibration residualization.
    #[allow(clippy::type_complexity)]
    fn variance(
        &self,
        views: &[CellView],
        extra: &[(usize, Vec<f64>, Vec<f64>, Vec<f64>)],
        resids: &[Vec<f64>],
        e_of: &dyn Fn(&DesignKey) -> Option<usize>,
    ) -> Result<f64, Error> {
        let e_of = |k: &DesignKey| e_of(k).and_then(|i| resids.get(i));
        // β = (Σ w₀ x x')⁻¹ Σ x_c w e / g_c.
        let p = self.model.first().map_or(0, Vec::len);
        let mut xtwx = vec![0.0; p * p];
        let mut xte = vec![0.0; p];
        for (view, (cell, u, _, _)) in views.iter().zip(extra) {
            let (Some(x), Some(&gc)) = (self.model.get(*cell), self.g.get(*cell)) else {
                return Err(Error::InvalidDesign {
                    reason: format!("calibration cell {cell} has no model row or g"),
                });
            };
            let w0: f64 = u.iter().sum::<f64>() / gc;
            let we: f64 = e_of(&view.key).map_or(0.0, |e| {
                view.w.iter().zip(e).map(|(w, e)| w * e).sum::<f64>() / gc
            });
            for a in 0..p {
                xte[a] += x[a] * we;
                for b in 0..p {
                    xtwx[a * p + b] += w0 * x[a] * x[b];
                }
            }
        }
        let beta = solve(xtwx, xte).ok_or_else(|| Error::InvalidDesign {
            reason: "the calibration model is singular over the respondents".into(),
        })?;
        let contributions: Vec<Contribution> = views
            .iter()
            .zip(extra)
            .map(|(view, (cell, u, u2, cross))| {
                let b = self.model.get(*cell).map_or(0.0, |x| dot(x, &beta));
                let e = e_of(&view.key);
                let mut z = Contribution::default();
                for k in 0..view.w.len() {
                    let ek = e.and_then(|e| e.get(k)).copied().unwrap_or(0.0);
                    z.sum += ek * view.w[k] - b * u[k];
                    z.sum_sq += ek * ek * view.w2[k] - 2.0 * ek * b * cross[k] + b * b * u2[k];
                }
                z
            })
            .collect();
        let all = |_: &DesignKey| true;
        linearized_variance(views, &contributions, &all, &self.population, self.lonely)
    }
}

/// `degf` of a calibrated design or of one domain's subset.
fn df_of(views: &[CellView], d: Option<u64>) -> u64 {
    let mut psus = 0u64;
    let mut clusters = std::collections::BTreeSet::new();
    let mut strata = std::collections::BTreeSet::new();
    for view in views {
        if d.is_some_and(|x| view.key.domain != x) || view.positive_rows == 0 {
            continue;
        }
        strata.insert(view.key.stratum);
        match view.key.cluster {
            Some(c) => {
                clusters.insert((view.key.stratum, c));
            }
            None => psus += view.positive_rows,
        }
    }
    (psus + clusters.len() as u64).saturating_sub(strata.len() as u64)
}

/// `Error::NotRepresentable` unless every weight and their total
/// ([`Calibration::weight_sum`], summed in the same order) are finite: weights
/// each near `f64::MAX` can total past it, and trimming, which moves weight
/// between respondents, can tip such a total over by rounding alone.
fn check_total(what: &'static str, weights: &[f64]) -> Result<(), Error> {
    let total: f64 = weights.iter().sum();
    if weights.iter().all(|w| w.is_finite()) && total.is_finite() {
        Ok(())
    } else {
        Err(Error::NotRepresentable {
            what,
            reason: format!("their total {total} is not a finite f64"),
        })
    }
}
