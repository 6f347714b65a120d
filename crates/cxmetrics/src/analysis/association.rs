//! How two questions move together: correlations, rank association and a
//! cross-tab, all from a [`JointTally`]'s cells.
//!
//! | measure | function | interval | test |
//! |---|---|---|---|
//! | Pearson r | [`pearson`] | Fisher z (n ≥ 4) | t, n − 2 df |
//! | weighted Pearson r | [`weighted_pearson`] | none (no standard one for weighted data) | none |
//! | Spearman ρ | [`spearman`] | Fieller–Hartley–Pearson (n ≥ 4) | t approximation, n − 2 df |
//! | Kendall τ_b | [`kendall_tau_b`] | none | z with the tie-corrected variance |
//! | Goodman–Kruskal γ | [`gamma`] | Wald with the asymptotic standard error | Wald z |
//!
//! The unweighted measures use every pair whatever its weight (as R's
//! `cor` and `cor.test`); the weighted Pearson r uses the weights. Each
//! runs in time O(cells) (no pass over answers), so the association of a
//! billion pairs costs what it costs for ten.
//!
//! ```
//! use cxmetrics::association;
//! use cxmetrics::{ConfidenceLevel, JointTally, Scale};
//!
//! let ces = [7u8, 6, 6, 5, 2, 3, 7, 1, 4, 5];
//! let csat = [5u8, 4, 5, 4, 2, 2, 5, 1, 3, 3];
//! let joint = JointTally::from_scores(Scale::CES_7, Scale::CSAT_5, &ces, &csat)?;
//! let r = association::pearson(&joint, ConfidenceLevel::P95)?;
//! assert!(r.value > 0.9 && r.interval.unwrap().contains(r.value));
//! assert!(r.test.unwrap().p_value < 0.001);
//! # Ok::<(), cxmetrics::Error>(())
//! ```

use std::fmt;

use crate::counting::joint::JointTally;
use crate::foundation::error::Error;
use crate::inference::estimate::Interval;
use crate::inference::interval::ConfidenceLevel;
use crate::math::dist::{normal_two_sided, t_two_sided};

/// Which association measure an [`Association`] holds.
///
/// # Example
///
/// ```
/// use cxmetrics::association::Measure;
/// assert_eq!(Measure::KendallTauB.to_string(), "Kendall's tau-b");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Measure {
    /// Pearson's product-moment correlation, every pair counted once.
    Pearson,
    /// Pearson's correlation with survey weights.
    WeightedPearson,
    /// Spearman's rank correlation (mid-ranks for ties).
    Spearman,
    /// Kendall's tau-b (adjusted for ties).
    KendallTauB,
    /// Goodman and Kruskal's gamma.
    Gamma,
}

impl fmt::Display for Measure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Measure::Pearson => "Pearson's r",
            Measure::WeightedPearson => "weighted Pearson's r",
            Measure::Spearman => "Spearman's rho",
            Measure::KendallTauB => "Kendall's tau-b",
            Measure::Gamma => "Goodman-Kruskal gamma",
        })
    }
}

/// A two-sided test of "no association".
///
/// # Example
///
/// ```
/// use cxmetrics::{association, ConfidenceLevel, JointTally, Scale};
/// let j = JointTally::from_scores(Scale::CES_5, Scale::CSAT_5, &[1u8, 2, 3, 4, 5], &[1u8, 3, 2, 5, 4])?;
/// let test = association::pearson(&j, ConfidenceLevel::P95)?.test.unwrap();
/// assert_eq!(test.df, Some(3.0));
/// assert!(test.p_value > 0.05 && test.p_value < 0.2);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Test {
    /// The statistic: t (with `df`) or z.
    pub statistic: f64,
    /// Degrees of freedom of a t statistic; `None` for z.
    pub df: Option<f64>,
    /// The two-sided p-value.
    pub p_value: f64,
}

/// An association measure with its interval and test where the method
/// provides them. The value is on −1..=1 (unitless).
///
/// # Example
///
/// ```
/// use cxmetrics::{association, ConfidenceLevel, JointTally, Scale};
/// let j = JointTally::from_scores(Scale::CES_5, Scale::CSAT_5, &[1u8, 2, 3, 4, 5], &[2u8, 1, 4, 3, 5])?;
/// let rho = association::spearman(&j, ConfidenceLevel::P90)?;
/// assert!((rho.value - 0.8).abs() < 1e-12);
/// assert_eq!(rho.n, 5);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Association {
    /// The measure.
    pub measure: Measure,
    /// Its value, on −1..=1.
    pub value: f64,
    /// The confidence interval, inside −1..=1; `None` when the method has
    /// none or there are too few pairs (see each function).
    pub interval: Option<Interval>,
    /// The level asked for.
    pub level: ConfidenceLevel,
    /// The asymptotic standard error, where the interval uses one.
    pub std_error: Option<f64>,
    /// The test of no association, where the method provides one.
    pub test: Option<Test>,
    /// The number of pairs with both answers rated.
    pub n: u64,
}

impl fmt::Display for Association {
    /// `Pearson's r = 0.62 (95% CI 0.41 to 0.77, n = 50)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = f.precision().unwrap_or(2);
        write!(f, "{} = {:.p$}", self.measure, self.value)?;
        match self.interval {
            Some(i) => write!(
                f,
                " ({} CI {:.p$} to {:.p$}, n = {})",
                self.level, i.lower, i.upper, self.n
            ),
            None => write!(f, " (n = {})", self.n),
        }
    }
}

/// The grid of a joint tally as numbers: point values and per-cell masses.
struct Grid {
    xs: Vec<f64>,
    ys: Vec<f64>,
    counts: Vec<u64>,
    weights: Vec<f64>,
    positive: Vec<u64>,
    n: u64,
}

impl Grid {
    fn of(joint: &JointTally) -> Grid {
        let (counts, weights, positive) = joint.matrices();
        Grid {
            xs: joint.x_scale().points().map(f64::from).collect(),
            ys: joint.y_scale().points().map(f64::from).collect(),
            counts,
            weights,
            positive,
            n: joint.n(),
        }
    }

    fn ny(&self) -> usize {
        self.ys.len()
    }

    fn row_counts(&self) -> Vec<u64> {
        self.counts
            .chunks(self.ny())
            .map(|r| r.iter().sum())
            .collect()
    }

    fn col_counts(&self) -> Vec<u64> {
        let mut c = vec![0u64; self.ny()];
        for row in self.counts.chunks(self.ny()) {
            for (t, &v) in c.iter_mut().zip(row) {
                *t += v;
            }
        }
        c
    }

    /// At least 2 pairs, and more than one x and one y point used.
    fn require_spread(&self, what: &'static str, mass: &[u64]) -> Result<(), Error> {
        let used = mass.iter().filter(|&&c| c > 0).count();
        if used == 0 {
            return Err(Error::EmptyTally { not_applicable: 0 });
        }
        let ny = self.ny();
        let rows = mass.chunks(ny).filter(|r| r.iter().any(|&c| c > 0)).count();
        let cols = (0..ny)
            .filter(|&j| mass.iter().skip(j).step_by(ny).any(|&c| c > 0))
            .count();
        if rows < 2 || cols < 2 {
            return Err(Error::ZeroVariance { what, n: self.n });
        }
        Ok(())
    }
}

/// Pearson's r of values `xs` × `ys` with cell masses `m` (row-major).
fn pearson_of(xs: &[f64], ys: &[f64], m: &[f64]) -> f64 {
    let ny = ys.len();
    let mut rows = vec![0.0; xs.len()];
    let mut cols = vec![0.0; ny];
    for (i, row) in m.chunks(ny).enumerate() {
        for (j, &v) in row.iter().enumerate() {
            rows[i] += v;
            cols[j] += v;
        }
    }
    let total: f64 = rows.iter().sum();
    let mean = |vals: &[f64], mass: &[f64]| -> f64 {
        vals.iter().zip(mass).map(|(v, w)| v * w).sum::<f64>() / total
    };
    let (mx, my) = (mean(xs, &rows), mean(ys, &cols));
    let ss = |vals: &[f64], mass: &[f64], mu: f64| -> f64 {
        vals.iter()
            .zip(mass)
            .map(|(v, w)| w * (v - mu) * (v - mu))
            .sum()
    };
    let (sxx, syy) = (ss(xs, &rows, mx), ss(ys, &cols, my));
    let mut sxy = 0.0;
    for (i, row) in m.chunks(ny).enumerate() {
        let inner: f64 = row.iter().zip(ys).map(|(w, y)| w * (y - my)).sum();
        sxy += (xs[i] - mx) * inner;
    }
    (sxy / (sxx.sqrt() * syy.sqrt())).clamp(-1.0, 1.0)
}

/// tanh(atanh(r) ∓ h), equal to r when |r| = 1.
fn fisher_interval(r: f64, h: f64) -> Interval {
    if r.abs() >= 1.0 {
        return Interval { lower: r, upper: r };
    }
    let z = r.atanh();
    Interval {
        lower: (z - h).tanh(),
        upper: (z + h).tanh(),
    }
}

/// The t test of a correlation: t = r√((n − 2)/(1 − r²)), n − 2 df.
/// `None` for n < 3 or |r| = 1 (t infinite, p = 0).
fn t_test(r: f64, n: u64) -> Option<Test> {
    if n < 3 || r.abs() >= 1.0 {
        return None;
    }
    let df = (n - 2) as f64;
    let t = r * (df / ((1.0 - r) * (1.0 + r))).sqrt();
    Some(Test {
        statistic: t,
        df: Some(df),
        p_value: t_two_sided(t, df),
    })
}

fn require_pairs(joint: &JointTally) -> Result<(), Error> {
    if joint.n() == 0 {
        Err(Error::EmptyTally {
            not_applicable: joint.len(),
        })
    } else {
        Ok(())
    }
}

/// Pearson's correlation of the two questions, every pair counted once
/// (weights ignored), with Fisher's interval and the t test.
///
/// # Formula
///
/// ```text
/// r = Σ(x − x̄)(y − ȳ) / √(Σ(x − x̄)² · Σ(y − ȳ)²)
/// interval: tanh(atanh(r) ∓ z/√(n − 3))        (n ≥ 4; r itself when |r| = 1)
/// test:     t = r·√((n − 2)/(1 − r²)), n − 2 df (n ≥ 3, |r| < 1)
/// ```
///
/// As R's `cor(x, y)` and `cor.test(x, y, conf.level = level)`.
///
/// # References
///
/// Fisher, R. A. (1921). On the "probable error" of a coefficient of
/// correlation deduced from a small sample. *Metron* 1, 3–32.
///
/// # Errors
///
/// [`Error::EmptyTally`] without pairs; [`Error::ZeroVariance`] when every
/// pair has the same x or the same y.
///
/// # Example
///
/// ```
/// use cxmetrics::{association, ConfidenceLevel, JointTally, Scale};
/// let j = JointTally::from_scores(Scale::CES_7, Scale::CSAT_5, &[1u8, 2, 3, 4], &[1u8, 2, 2, 4])?;
/// let r = association::pearson(&j, ConfidenceLevel::P95)?;
/// // x̄ = 2.5, ȳ = 2.25: Σdxdy = 4.5, Σdx² = 5, Σdy² = 4.75.
/// assert!((r.value - 4.5 / (5.0f64 * 4.75).sqrt()).abs() < 1e-15);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn pearson(joint: &JointTally, level: ConfidenceLevel) -> Result<Association, Error> {
    require_pairs(joint)?;
    let g = Grid::of(joint);
    g.require_spread("Pearson correlation", &g.counts)?;
    let m: Vec<f64> = g.counts.iter().map(|&c| c as f64).collect();
    let r = pearson_of(&g.xs, &g.ys, &m);
    let n = g.n;
    let interval = (n >= 4).then(|| fisher_interval(r, level.z() / ((n - 3) as f64).sqrt()));
    Ok(Association {
        measure: Measure::Pearson,
        value: r,
        interval,
        level,
        std_error: None,
        test: t_test(r, n),
        n,
    })
}

/// Pearson's correlation with survey weights: the weighted covariance over
/// the weighted standard deviations, with its design-based (linearized)
/// standard error, interval and test, the respondents taken as a
/// with-replacement sample with these weights (R `survey`'s
/// `svydesign(ids = ~1, weights = ~w)`).
///
/// # Formula
///
/// ```text
/// r_w = m_xy / √(m_xx · m_yy),  m_xy = Σw(x − x̄_w)(y − ȳ_w) / Σw, …
/// uᵢ  = [(dxᵢdyᵢ − m_xy)/√(m_xx m_yy) − r/2 · ((dxᵢ² − m_xx)/m_xx + (dyᵢ² − m_yy)/m_yy)] / Σw
/// SE² = n/(n − 1) · Σ (wᵢuᵢ)²          (n: every rated pair, zero weights included)
/// interval: tanh(atanh(r) ∓ t · SE/(1 − r²)),  t on n₊ − 1 df (n₊: positive weights)
/// test:     t = r / SE on n₊ − 1 df
/// ```
///
/// The value is R's `cov.wt(cbind(x, y), wt = w / sum(w), cor = TRUE)`;
/// the SE is the delta method on `svyvar(~x + y, design)`
/// (`svycontrast(…, quote(xy / sqrt(xx * yy)))`), which it equals to
/// 1e-12 (tests/data/weighted_pearson_r.json, from
/// `gen_weighted_pearson.R`). Each respondent's `wᵢuᵢ` depends only on its
/// cell (x, y) and weight, so the cells' Σw and Σw² are enough. The
/// interval is Fisher's z with the delta-method SE (so it stays inside
/// −1..=1) and the design's degrees of freedom, R's `degf`.
///
/// With fewer than two rated pairs of positive weight there is no
/// interval or test (`None`); with |r| = 1 the interval is r itself and
/// there is no test.
///
/// # Errors
///
/// [`Error::EmptyTally`] without pairs; [`Error::ZeroTotalWeight`] when no
/// pair has a positive weight; [`Error::ZeroVariance`] when the pairs of
/// positive weight all have the same x or the same y (including fewer
/// than two such pairs).
///
/// # Example
///
/// ```
/// use cxmetrics::{association, ConfidenceLevel, JointTally, Scale};
/// let j = JointTally::from_weighted_scores(
///     Scale::CES_5, Scale::CSAT_5, &[1u8, 2, 3, 5], &[1u8, 3, 2, 5], &[1.0, 2.0, 2.0, 0.0])?;
/// let r = association::weighted_pearson(&j, ConfidenceLevel::P95)?;
/// // Three pairs of weight 1, 2, 2: x̄ = ȳ = 2.2, Σw dx dy = 0.8, Σw dx² = Σw dy² = 2.8.
/// assert!((r.value - 0.8 / 2.8).abs() < 1e-15);
/// let i = r.interval.unwrap();
/// assert!(i.lower < r.value && r.value < i.upper);
/// assert_eq!(r.test.unwrap().df, Some(2.0)); // three positive weights
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn weighted_pearson(joint: &JointTally, level: ConfidenceLevel) -> Result<Association, Error> {
    require_pairs(joint)?;
    let g = Grid::of(joint);
    if g.positive.iter().all(|&p| p == 0) {
        return Err(Error::ZeroTotalWeight { n: g.n });
    }
    g.require_spread("weighted Pearson correlation", &g.positive)?;
    let r = pearson_of(&g.xs, &g.ys, &g.weights);
    if !r.is_finite() {
        // Positive weights with no weighted spread: one weight so far
        // above the others that theirs vanish next to it (1e300 and
        // 1e-300), leaving 0/0.
        return Err(Error::ZeroVariance {
            what: "a weighted Pearson correlation (the largest weights leave no spread)",
            n: g.n,
        });
    }
    let squares: Vec<f64> = joint.cells().map(|c| c.weight_squared).collect();
    let positive: u64 = g.positive.iter().sum();
    let df = positive.saturating_sub(1);
    let se = linearized_se(&g, &squares, r);
    let (interval, std_error, test) = match se {
        _ if r.abs() >= 1.0 => (Some(Interval { lower: r, upper: r }), None, None),
        Some(se) if df >= 1 && se > 0.0 => {
            let df = df as f64;
            let t = level.t(df);
            let interval = fisher_interval(r, t * se / ((1.0 - r) * (1.0 + r)));
            let statistic = r / se;
            let test = Test {
                statistic,
                df: Some(df),
                p_value: t_two_sided(statistic, df),
            };
            (Some(interval), Some(se), Some(test))
        }
        _ => (None, None, None),
    };
    Ok(Association {
        measure: Measure::WeightedPearson,
        value: r,
        interval,
        level,
        std_error,
        test,
        n: g.n,
    })
}

/// The linearized SE of a weighted correlation from the cells' scaled
/// weight sums and squares (see [`weighted_pearson`]); `None` when it is
/// not defined (one pair) or not finite.
fn linearized_se(g: &Grid, squares: &[f64], r: f64) -> Option<f64> {
    if g.n < 2 {
        return None;
    }
    let ny = g.ny();
    let total: f64 = g.weights.iter().sum();
    let at = |c: usize| (g.xs[c / ny], g.ys[c % ny]);
    let cells = || g.weights.iter().enumerate().map(move |(c, &w)| (at(c), w));
    let mx = cells().map(|((x, _), w)| w * x).sum::<f64>() / total;
    let my = cells().map(|((_, y), w)| w * y).sum::<f64>() / total;
    let moment = |f: &dyn Fn(f64, f64) -> f64| -> f64 {
        cells()
            .map(|((x, y), w)| w * f(x - mx, y - my))
            .sum::<f64>()
            / total
    };
    let (mxx, myy, mxy) = (
        moment(&|dx, _| dx * dx),
        moment(&|_, dy| dy * dy),
        moment(&|dx, dy| dx * dy),
    );
    let s = (mxx * myy).sqrt();
    let sum: f64 = cells()
        .zip(squares)
        .filter(|&(_, &q)| q > 0.0)
        .map(|(((x, y), _), &q)| {
            let (dx, dy) = (x - mx, y - my);
            let u = ((dx * dy - mxy) / s
                - r / 2.0 * ((dx * dx - mxx) / mxx + (dy * dy - myy) / myy))
                / total;
            u * u * q
        })
        .sum();
    let n = g.n as f64;
    let se = (n / (n - 1.0) * sum).sqrt();
    se.is_finite().then_some(se)
}

/// Mid-ranks of points with the given counts (1-based, ties averaged).
fn mid_ranks(counts: &[u64]) -> Vec<f64> {
    let mut below = 0u64;
    counts
        .iter()
        .map(|&c| {
            // below + (c + 1)/2, computed without rounding up to 2^53.
            let r = below as f64 + (c as f64 + 1.0) / 2.0;
            below += c;
            r
        })
        .collect()
}

/// Spearman's rank correlation: Pearson's r of the mid-ranks, every pair
/// counted once, with the Fieller–Hartley–Pearson interval and the t
/// approximation test.
///
/// # Formula
///
/// ```text
/// r_s = Pearson r of (rank(x), rank(y)), ties given their mean rank
/// interval: tanh(atanh(r_s) ∓ z·√(1.06/(n − 3)))   (n ≥ 4)
/// test:     t = r_s·√((n − 2)/(1 − r_s²)), n − 2 df (R's cor.test, exact = FALSE)
/// ```
///
/// # References
///
/// Fieller, E. C., Hartley, H. O. & Pearson, E. S. (1957). Tests for rank
/// correlation coefficients. I. *Biometrika* 44, 470–481.
///
/// # Errors
///
/// As [`pearson`].
///
/// # Example
///
/// ```
/// use cxmetrics::{association, ConfidenceLevel, JointTally, Scale};
/// // Monotone but not linear: rho is 1, r is not.
/// let j = JointTally::from_scores(Scale::NPS, Scale::CSAT_5, &[0u8, 8, 9, 10], &[1u8, 2, 3, 5])?;
/// assert!((association::spearman(&j, ConfidenceLevel::P95)?.value - 1.0).abs() < 1e-15);
/// assert!(association::pearson(&j, ConfidenceLevel::P95)?.value < 1.0);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn spearman(joint: &JointTally, level: ConfidenceLevel) -> Result<Association, Error> {
    require_pairs(joint)?;
    let g = Grid::of(joint);
    g.require_spread("Spearman correlation", &g.counts)?;
    let rx = mid_ranks(&g.row_counts());
    let ry = mid_ranks(&g.col_counts());
    let m: Vec<f64> = g.counts.iter().map(|&c| c as f64).collect();
    let r = pearson_of(&rx, &ry, &m);
    let n = g.n;
    let interval = (n >= 4).then(|| fisher_interval(r, level.z() * (1.06 / (n - 3) as f64).sqrt()));
    Ok(Association {
        measure: Measure::Spearman,
        value: r,
        interval,
        level,
        std_error: None,
        test: t_test(r, n),
        n,
    })
}

/// Per cell: the pairs concordant and discordant with it (C_ij, D_ij),
/// exact, with the totals P = ½ΣnC and Q = ½ΣnD.
struct Pairs {
    concordant: Vec<u128>,
    discordant: Vec<u128>,
    p: u128,
    q: u128,
}

impl Pairs {
    /// O(cells) through 2-D cumulative sums.
    fn of(counts: &[u64], nx: usize, ny: usize) -> Pairs {
        // s[i][j] = Σ_{k<i, l<j} counts (an (nx+1) × (ny+1) prefix table).
        let w = ny + 1;
        let mut s = vec![0u128; (nx + 1) * w];
        for i in 0..nx {
            for j in 0..ny {
                s[(i + 1) * w + j + 1] =
                    u128::from(counts[i * ny + j]) + s[i * w + j + 1] + s[(i + 1) * w + j]
                        - s[i * w + j];
            }
        }
        // Sum over rows i0..i1 and columns j0..j1 (half-open).
        let rect = |i0: usize, i1: usize, j0: usize, j1: usize| -> u128 {
            s[i1 * w + j1] + s[i0 * w + j0] - s[i0 * w + j1] - s[i1 * w + j0]
        };
        let mut concordant = vec![0u128; nx * ny];
        let mut discordant = vec![0u128; nx * ny];
        let (mut p2, mut q2) = (0u128, 0u128);
        for i in 0..nx {
            for j in 0..ny {
                let c = rect(0, i, 0, j) + rect(i + 1, nx, j + 1, ny);
                let d = rect(0, i, j + 1, ny) + rect(i + 1, nx, 0, j);
                let k = u128::from(counts[i * ny + j]);
                concordant[i * ny + j] = c;
                discordant[i * ny + j] = d;
                p2 += k * c;
                q2 += k * d;
            }
        }
        Pairs {
            concordant,
            discordant,
            p: p2 / 2,
            q: q2 / 2,
        }
    }
}

/// Σ t(t − 1)(…) over tie groups, as f64.
fn tie_sum(groups: &[u64], f: impl Fn(f64) -> f64) -> f64 {
    groups.iter().map(|&t| f(t as f64)).sum()
}

/// Kendall's tau-b, every pair counted once, with the z test of no
/// association using the variance of S corrected for ties. No interval.
///
/// # Formula
///
/// ```text
/// τ_b = (P − Q) / √((n₀ − n₁)(n₀ − n₂))
///   P, Q  concordant and discordant pairs of respondents
///   n₀ = n(n − 1)/2, n₁ = Σ tᵢ(tᵢ − 1)/2 over ties in x, n₂ likewise in y
/// z = (P − Q)/√Var(S), Var(S) = [v₀ − v_t − v_u]/18 + v₁/(2n(n − 1)) + v₂/(9n(n − 1)(n − 2))
///   v₀ = n(n − 1)(2n + 5), v_t = Σt(t − 1)(2t + 5), v_u likewise,
///   v₁ = Σt(t − 1)·Σu(u − 1), v₂ = Σt(t − 1)(t − 2)·Σu(u − 1)(u − 2)
/// ```
///
/// As R's `cor(x, y, method = "kendall")` and
/// `cor.test(…, method = "kendall", exact = FALSE, continuity = FALSE)`.
/// P and Q are computed exactly in 128-bit integers.
///
/// # References
///
/// Kendall, M. G. (1970). *Rank Correlation Methods*, 4th ed. Griffin.
///
/// # Errors
///
/// As [`pearson`].
///
/// # Example
///
/// ```
/// use cxmetrics::{association, ConfidenceLevel, JointTally, Scale};
/// let j = JointTally::from_scores(Scale::CES_5, Scale::CSAT_5, &[1u8, 2, 3], &[1u8, 3, 2])?;
/// // Pairs: (1,2) concordant, (1,3) concordant, (2,3) discordant.
/// let tau = association::kendall_tau_b(&j, ConfidenceLevel::P95)?;
/// assert!((tau.value - 1.0 / 3.0).abs() < 1e-15);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn kendall_tau_b(joint: &JointTally, level: ConfidenceLevel) -> Result<Association, Error> {
    require_pairs(joint)?;
    let g = Grid::of(joint);
    g.require_spread("Kendall's tau-b", &g.counts)?;
    let (nx, ny) = (g.xs.len(), g.ny());
    let pairs = Pairs::of(&g.counts, nx, ny);
    let rows = g.row_counts();
    let cols = g.col_counts();
    let n = u128::from(g.n);
    let half = |t: &u64| u128::from(*t) * u128::from(t.saturating_sub(1)) / 2;
    let n0 = n * (n - 1) / 2;
    let n1: u128 = rows.iter().map(half).sum();
    let n2: u128 = cols.iter().map(half).sum();
    // S = P − Q exactly, then rounded once.
    let s = if pairs.p >= pairs.q {
        (pairs.p - pairs.q) as f64
    } else {
        -((pairs.q - pairs.p) as f64)
    };
    let tau = (s / (((n0 - n1) as f64).sqrt() * ((n0 - n2) as f64).sqrt())).clamp(-1.0, 1.0);
    let nf = g.n as f64;
    let v0 = nf * (nf - 1.0) * (2.0 * nf + 5.0);
    let vt = tie_sum(&rows, |t| t * (t - 1.0) * (2.0 * t + 5.0));
    let vu = tie_sum(&cols, |t| t * (t - 1.0) * (2.0 * t + 5.0));
    let v1 = tie_sum(&rows, |t| t * (t - 1.0)) * tie_sum(&cols, |t| t * (t - 1.0));
    let v2 = tie_sum(&rows, |t| t * (t - 1.0) * (t - 2.0))
        * tie_sum(&cols, |t| t * (t - 1.0) * (t - 2.0));
    let mut var = (v0 - vt - vu) / 18.0 + v1 / (2.0 * nf * (nf - 1.0));
    if g.n > 2 {
        var += v2 / (9.0 * nf * (nf - 1.0) * (nf - 2.0));
    }
    let test = (var > 0.0 && var.is_finite()).then(|| {
        let z = s / var.sqrt();
        Test {
            statistic: z,
            df: None,
            p_value: normal_two_sided(z),
        }
    });
    Ok(Association {
        measure: Measure::KendallTauB,
        value: tau,
        interval: None,
        level,
        std_error: None,
        test,
        n: g.n,
    })
}

/// Goodman and Kruskal's gamma, every pair counted once, with the Wald
/// interval and test from its asymptotic standard error.
///
/// # Formula
///
/// ```text
/// γ = (P − Q)/(P + Q)     P, Q concordant and discordant pairs (ties dropped)
/// ASE² = 4 Σ n_ij (Q·C_ij − P·D_ij)² / (P + Q)⁴
///   C_ij, D_ij  respondents concordant and discordant with cell (i, j)
/// interval: γ ± z·ASE, clipped to −1..=1;  test: z = γ/ASE
/// ```
///
/// # References
///
/// Goodman, L. A. & Kruskal, W. H. (1963). Measures of association for
/// cross classifications III: approximate sampling theory. *JASA* 58,
/// 310–364. Agresti, A. (2013). *Categorical Data Analysis*, 3rd ed.,
/// §2.4.
///
/// # Errors
///
/// As [`pearson`]; [`Error::ZeroVariance`] also when no pair of
/// respondents is untied on both questions.
///
/// # Example
///
/// ```
/// use cxmetrics::{association, ConfidenceLevel, JointTally, Scale};
/// let j = JointTally::from_scores(Scale::CES_5, Scale::CSAT_5, &[1u8, 1, 2, 3], &[1u8, 2, 2, 3])?;
/// // Untied pairs: (1,2)→(2,2) tied in y, … only concordant ones remain.
/// assert_eq!(association::gamma(&j, ConfidenceLevel::P95)?.value, 1.0);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn gamma(joint: &JointTally, level: ConfidenceLevel) -> Result<Association, Error> {
    require_pairs(joint)?;
    let g = Grid::of(joint);
    g.require_spread("Goodman-Kruskal gamma", &g.counts)?;
    let (nx, ny) = (g.xs.len(), g.ny());
    let pairs = Pairs::of(&g.counts, nx, ny);
    let untied = pairs.p + pairs.q;
    if untied == 0 {
        return Err(Error::ZeroVariance {
            what: "Goodman-Kruskal gamma",
            n: g.n,
        });
    }
    let (p, q) = (pairs.p as f64, pairs.q as f64);
    let value = ((p - q) / (p + q)).clamp(-1.0, 1.0);
    let mut acc = 0.0;
    for ((&k, &c), &d) in g
        .counts
        .iter()
        .zip(&pairs.concordant)
        .zip(&pairs.discordant)
    {
        if k > 0 {
            let e = q * c as f64 - p * d as f64;
            acc += k as f64 * e * e;
        }
    }
    // 4Σ…/(P + Q)⁴, divided step by step so that nothing overflows.
    let s = p + q;
    let ase = 2.0 * acc.sqrt() / s / s;
    let z = level.z();
    let (interval, test) = if ase > 0.0 && ase.is_finite() {
        (
            Interval {
                lower: (value - z * ase).max(-1.0),
                upper: (value + z * ase).min(1.0),
            },
            Some(Test {
                statistic: value / ase,
                df: None,
                p_value: normal_two_sided(value / ase),
            }),
        )
    } else {
        (
            Interval {
                lower: value,
                upper: value,
            },
            None,
        )
    };
    Ok(Association {
        measure: Measure::Gamma,
        value,
        interval: Some(interval),
        level,
        std_error: Some(ase),
        test,
        n: g.n,
    })
}

/// A cross-tabulation of two questions: counts per cell with row and
/// column shares (unweighted), and the same shares by weight.
///
/// Rows are the first question's points (x), columns the second's (y).
///
/// # Example
///
/// ```
/// use cxmetrics::association::CrossTab;
/// use cxmetrics::{JointTally, Scale};
/// let j = JointTally::from_scores(Scale::CES_5, Scale::CSAT_5, &[1u8, 1, 1, 5], &[5u8, 5, 4, 1])?;
/// let tab = CrossTab::new(&j);
/// assert_eq!(tab.count(1, 5), Some(2));
/// assert_eq!(tab.row_share(1, 5), Some(2.0 / 3.0)); // of the 3 answering 1 on CES
/// assert_eq!(tab.column_share(1, 5), Some(1.0)); // of the 2 answering 5 on CSAT
/// assert_eq!(tab.row_share(2, 5), None); // nobody answered 2
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct CrossTab {
    x_points: Vec<i32>,
    y_points: Vec<i32>,
    counts: Vec<u64>,
    weights: Vec<f64>,
}

impl CrossTab {
    /// The cross-tab of a joint tally's cells (pairs with both answers).
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::association::CrossTab;
    /// use cxmetrics::{JointTally, Scale};
    /// let tab = CrossTab::new(&JointTally::new(Scale::CES_5, Scale::CSAT_5));
    /// assert_eq!(tab.x_points(), &[1, 2, 3, 4, 5]);
    /// ```
    #[must_use]
    pub fn new(joint: &JointTally) -> CrossTab {
        let (counts, weights, _) = joint.matrices();
        CrossTab {
            x_points: joint.x_scale().points().collect(),
            y_points: joint.y_scale().points().collect(),
            counts,
            weights,
        }
    }

    /// The row labels: the first question's points.
    #[must_use]
    pub fn x_points(&self) -> &[i32] {
        &self.x_points
    }

    /// The column labels: the second question's points.
    #[must_use]
    pub fn y_points(&self) -> &[i32] {
        &self.y_points
    }

    fn at(&self, x: i32, y: i32) -> Option<(usize, usize)> {
        let i = self.x_points.iter().position(|&p| p == x)?;
        let j = self.y_points.iter().position(|&p| p == y)?;
        Some((i, j))
    }

    /// Pairs in the cell, or `None` off the scales.
    #[must_use]
    pub fn count(&self, x: i32, y: i32) -> Option<u64> {
        self.at(x, y)
            .map(|(i, j)| self.counts[i * self.y_points.len() + j])
    }

    /// Pairs whose first answer is `x` (the row total).
    #[must_use]
    pub fn row_total(&self, x: i32) -> Option<u64> {
        let ny = self.y_points.len();
        let i = self.x_points.iter().position(|&p| p == x)?;
        Some(self.counts[i * ny..(i + 1) * ny].iter().sum())
    }

    /// Pairs whose second answer is `y` (the column total).
    #[must_use]
    pub fn column_total(&self, y: i32) -> Option<u64> {
        let ny = self.y_points.len();
        let j = self.y_points.iter().position(|&p| p == y)?;
        Some(self.counts.iter().skip(j).step_by(ny).sum())
    }

    /// The cell's share of its row: of those answering `x`, the share
    /// answering `y`. `None` off the scales or for an empty row.
    #[must_use]
    pub fn row_share(&self, x: i32, y: i32) -> Option<f64> {
        let c = self.count(x, y)?;
        let t = self.row_total(x)?;
        (t > 0).then(|| c as f64 / t as f64)
    }

    /// The cell's share of its column: of those answering `y`, the share
    /// answering `x`. `None` off the scales or for an empty column.
    #[must_use]
    pub fn column_share(&self, x: i32, y: i32) -> Option<f64> {
        let c = self.count(x, y)?;
        let t = self.column_total(y)?;
        (t > 0).then(|| c as f64 / t as f64)
    }

    /// [`CrossTab::row_share`] by weight. `None` off the scales or for a
    /// row of zero weight.
    ///
    /// ```
    /// use cxmetrics::association::CrossTab;
    /// use cxmetrics::{JointTally, Scale};
    /// let j = JointTally::from_weighted_scores(Scale::CES_5, Scale::CSAT_5, &[1u8, 1], &[5u8, 4], &[3.0, 1.0])?;
    /// assert_eq!(CrossTab::new(&j).weighted_row_share(1, 5), Some(0.75));
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn weighted_row_share(&self, x: i32, y: i32) -> Option<f64> {
        let (i, j) = self.at(x, y)?;
        let ny = self.y_points.len();
        let t: f64 = self.weights[i * ny..(i + 1) * ny].iter().sum();
        (t > 0.0).then(|| (self.weights[i * ny + j] / t).min(1.0))
    }

    /// [`CrossTab::column_share`] by weight. `None` off the scales or for
    /// a column of zero weight.
    ///
    /// ```
    /// use cxmetrics::association::CrossTab;
    /// use cxmetrics::{JointTally, Scale};
    /// let j = JointTally::from_weighted_scores(Scale::CES_5, Scale::CSAT_5, &[1u8, 2], &[5u8, 5], &[3.0, 1.0])?;
    /// assert_eq!(CrossTab::new(&j).weighted_column_share(1, 5), Some(0.75));
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn weighted_column_share(&self, x: i32, y: i32) -> Option<f64> {
        let (i, j) = self.at(x, y)?;
        let ny = self.y_points.len();
        let t: f64 = self.weights.iter().skip(j).step_by(ny).sum();
        (t > 0.0).then(|| (self.weights[i * ny + j] / t).min(1.0))
    }
}
