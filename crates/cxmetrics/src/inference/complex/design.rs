//! A linearization design over respondents whose state is one tally per
//! (stratum, cluster, domain).

use std::collections::{BTreeMap, BTreeSet};

use crate::counting::tally::Tally;
use crate::foundation::error::Error;
use crate::foundation::scale::{Scale, ScoreValue};
use crate::inference::complex::estimate::{DesignEstimate, DesignTotal, DomainDifference};
use crate::inference::complex::values::{PointValues, scale_mismatch};

/// Where one respondent sits in a design: its stratum, its first-stage
/// cluster (PSU) and its domain (the group an estimate may be asked for:
/// a channel, a month, a channel × month combination numbered by the
/// caller).
///
/// Without strata every respondent is in stratum 0; without clusters
/// every respondent is its own PSU (`cluster: None`); without domains
/// every respondent is in domain 0.
///
/// # Example
///
/// ```
/// use cxmetrics::complex::DesignKey;
/// let k = DesignKey::new().stratum(3).cluster(17).domain(2);
/// assert_eq!((k.stratum, k.cluster, k.domain), (3, Some(17), 2));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DesignKey {
    /// The stratum.
    pub stratum: u64,
    /// The first-stage cluster, `None` when respondents are sampled
    /// directly.
    pub cluster: Option<u64>,
    /// The domain.
    pub domain: u64,
}

impl DesignKey {
    /// Stratum 0, no cluster, domain 0.
    #[must_use]
    pub const fn new() -> DesignKey {
        DesignKey {
            stratum: 0,
            cluster: None,
            domain: 0,
        }
    }

    /// The same key in stratum `stratum`.
    #[must_use]
    pub const fn stratum(self, stratum: u64) -> DesignKey {
        DesignKey { stratum, ..self }
    }

    /// The same key in cluster `cluster`.
    #[must_use]
    pub const fn cluster(self, cluster: u64) -> DesignKey {
        DesignKey {
            cluster: Some(cluster),
            ..self
        }
    }

    /// The same key in domain `domain`.
    #[must_use]
    pub const fn domain(self, domain: u64) -> DesignKey {
        DesignKey { domain, ..self }
    }
}

/// What a stratum with a single PSU contributes to the variance (R's
/// `options(survey.lonely.psu = ...)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum LonelyPsu {
    /// An [`Error::LonelyPsu`] naming the stratum (R's default `"fail"`).
    #[default]
    Fail,
    /// The PSU's total is centred on 0 (the mean of the influence values
    /// of a mean over the whole sample) rather than on its stratum's mean,
    /// times the stratum's finite population correction (R's `"adjust"`,
    /// with `survey.adjust.domain.lonely = FALSE`; for a total, too, R
    /// centres on 0). A stratum with one PSU in the design but more in the
    /// population is lonely; one with several PSUs of which a domain has
    /// one is not.
    Adjust,
    /// The stratum contributes 0 (R's `"certainty"`; `"remove"` gives the
    /// same variance).
    Certainty,
}

/// A complex survey design described by tallies: one [`Tally`] per
/// (stratum, cluster, domain) of a question's answers with their sampling
/// weights, plus the per-stratum population sizes of the finite
/// population correction.
///
/// Everything a linearized (Taylor) variance needs is a function of these
/// tallies: a PSU's total of influence values is a sum over its cells of
/// Σ_x W(x)·a(x), and, for respondents sampled directly, a stratum's sum
/// of squared influence values is Σ_x W₂(x)·a(x)², with W and W₂ the
/// per-point sums of weights and squared weights. The state is therefore
/// exact, independent of arrival order and mergeable ([`SurveyDesign::merge`]),
/// and a query engine computes it with
///
/// ```sql
/// SELECT stratum, cluster, domain, score,
///        COUNT(*), COUNT(*) FILTER (WHERE w > 0), SUM(w), SUM(w * w)
/// FROM answers GROUP BY stratum, cluster, domain, score
/// ```
///
/// (the cluster column is dropped when respondents are sampled directly),
/// each group becoming one point of one cell's tally
/// ([`SurveyDesign::from_cells`]). Zero-weight respondents are kept: they
/// count in n/(n − 1) and in the number of PSUs per stratum, as in R.
///
/// Estimates ([`SurveyDesign::estimate`]), totals ([`SurveyDesign::total`])
/// and domain differences ([`SurveyDesign::difference`]) equal R `survey`
/// (`svydesign(ids = ~cluster, strata = ~stratum, weights = ~w, fpc = ~N,
/// nest = TRUE)`, `svymean`, `svytotal`, `subset`, `svyby` +
/// `svycontrast`, `degf`).
///
/// # Example
///
/// ```
/// use cxmetrics::Scale;
/// use cxmetrics::complex::{DesignKey, IntervalMethod, PointValues, Statistic, SurveyDesign};
///
/// let mut design = SurveyDesign::new(Scale::CSAT_5);
/// let scores = [5u8, 4, 2, 5, 1, 3, 4, 5];
/// let weights = [1.0, 2.0, 1.5, 0.5, 1.0, 2.5, 1.0, 1.0];
/// for (i, (&s, &w)) in scores.iter().zip(&weights).enumerate() {
///     // two strata, channel (domain) 0 or 1
///     let key = DesignKey::new().stratum((i % 2) as u64).domain((i / 4) as u64);
///     design.push(s, w, key)?;
/// }
/// let top2 = PointValues::new(Scale::CSAT_5, Statistic::TopBox(2))?;
/// let all = design.estimate(&top2, None)?;
/// let channel = design.estimate(&top2, Some(1))?;
/// assert!(all.std_error > 0.0 && channel.df == 2);
/// let wald = all.interval(IntervalMethod::Wald, 0.95)?;
/// assert!(wald.lower <= all.estimate && all.estimate <= wald.upper);
/// let diff = design.difference(&top2, 1, 0, 0.95)?;
/// assert!((diff.difference - (channel.estimate - design.estimate(&top2, Some(0))?.estimate)).abs() < 1e-15);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "DesignRepr", into = "DesignRepr")
)]
pub struct SurveyDesign {
    scale: Scale,
    cells: BTreeMap<DesignKey, Tally>,
    population: BTreeMap<u64, f64>,
    lonely: LonelyPsu,
    nested: bool,
}

/// The serialized form: cells as a list (JSON keys must be strings).
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
struct DesignRepr {
    scale: Scale,
    cells: Vec<(DesignKey, Tally)>,
    population: Vec<(u64, f64)>,
    lonely_psu: LonelyPsu,
    nested: bool,
}

#[cfg(feature = "serde")]
impl From<SurveyDesign> for DesignRepr {
    fn from(d: SurveyDesign) -> DesignRepr {
        DesignRepr {
            scale: d.scale,
            cells: d.cells.into_iter().collect(),
            population: d.population.into_iter().collect(),
            lonely_psu: d.lonely,
            nested: d.nested,
        }
    }
}

#[cfg(feature = "serde")]
impl TryFrom<DesignRepr> for SurveyDesign {
    type Error = Error;
    fn try_from(r: DesignRepr) -> Result<SurveyDesign, Error> {
        let mut d = SurveyDesign::from_cells(r.scale, r.cells)?.with_lonely_psu(r.lonely_psu);
        d.nested = r.nested;
        for (h, n) in r.population {
            d = d.with_population(h, n)?;
        }
        Ok(d)
    }
}

/// One cell's sums at the design's common power of two.
pub(crate) struct CellView {
    pub(crate) key: DesignKey,
    pub(crate) rows: u64,
    pub(crate) positive_rows: u64,
    pub(crate) positive: Vec<u64>,
    pub(crate) w: Vec<f64>,
    pub(crate) w2: Vec<f64>,
}

/// A cell's contribution of influence values: Σz and Σz².
#[derive(Clone, Copy, Default)]
pub(crate) struct Contribution {
    pub(crate) sum: f64,
    pub(crate) sum_sq: f64,
}

impl SurveyDesign {
    /// An empty design on `scale`: one stratum, no clusters, no population
    /// sizes, lonely PSUs an error, clusters nested in strata.
    #[must_use]
    pub fn new(scale: Scale) -> SurveyDesign {
        SurveyDesign {
            scale,
            cells: BTreeMap::new(),
            population: BTreeMap::new(),
            lonely: LonelyPsu::Fail,
            nested: true,
        }
    }

    /// A design from its cells, as a query engine computes them (see the
    /// type's documentation). Cells with the same key are merged.
    ///
    /// # Errors
    ///
    /// [`Error::ScaleMismatch`] for a tally on another scale;
    /// [`Error::InvalidDesign`] when some cells name a cluster and others
    /// do not; [`Error::CountOverflow`].
    pub fn from_cells<I>(scale: Scale, cells: I) -> Result<SurveyDesign, Error>
    where
        I: IntoIterator<Item = (DesignKey, Tally)>,
    {
        let mut d = SurveyDesign::new(scale);
        for (key, tally) in cells {
            d.add_cell(key, &tally)?;
        }
        Ok(d)
    }

    /// Sets the population size N_h of stratum `stratum` for the finite
    /// population correction 1 − n_h/N_h, with n_h the stratum's PSUs
    /// (respondents when there are no clusters; zero weights included).
    /// The weights are not derived from N_h.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] unless N_h is finite and at least 1.
    pub fn with_population(mut self, stratum: u64, size: f64) -> Result<SurveyDesign, Error> {
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

    /// Sets how strata with one PSU are treated (default
    /// [`LonelyPsu::Fail`]).
    #[must_use]
    pub fn with_lonely_psu(mut self, lonely: LonelyPsu) -> SurveyDesign {
        self.lonely = lonely;
        self
    }

    /// Declares cluster ids unique across strata (R's `nest = FALSE`):
    /// estimation then fails when one id appears in two strata. By default
    /// (`nest = TRUE`) a cluster is the pair (stratum, id).
    #[must_use]
    pub fn not_nested(mut self) -> SurveyDesign {
        self.nested = false;
        self
    }

    /// The scale of the question.
    #[must_use]
    pub fn scale(&self) -> Scale {
        self.scale
    }

    /// The cells and their tallies, in key order.
    pub fn cells(&self) -> impl ExactSizeIterator<Item = (&DesignKey, &Tally)> + '_ {
        self.cells.iter()
    }

    /// The per-stratum population sizes set.
    pub fn populations(&self) -> impl ExactSizeIterator<Item = (u64, f64)> + '_ {
        self.population.iter().map(|(&h, &n)| (h, n))
    }

    /// The lonely-PSU rule.
    #[must_use]
    pub fn lonely_psu(&self) -> LonelyPsu {
        self.lonely
    }

    /// Records one respondent's answer with its sampling weight.
    ///
    /// # Errors
    ///
    /// As [`Scale::rating`] for the score; [`Error::InvalidBatchItem`] for
    /// a weight that is negative or not finite; [`Error::InvalidDesign`]
    /// when the key names a cluster and earlier keys did not, or the
    /// reverse. On error the design is unchanged.
    pub fn push<S: ScoreValue>(
        &mut self,
        score: S,
        weight: f64,
        key: DesignKey,
    ) -> Result<(), Error> {
        self.check_key(&key)?;
        let cell = self
            .cells
            .entry(key)
            .or_insert_with(|| Tally::new(self.scale));
        let result = cell.extend_weighted_scores(&[score], &[weight]);
        if cell.is_empty() {
            self.cells.remove(&key);
        }
        result
    }

    /// Records many respondents, or none of them: `scores[i]` with
    /// `weights[i]` at `keys[i]`.
    ///
    /// # Errors
    ///
    /// [`Error::LengthMismatch`]; as [`SurveyDesign::push`], the batch item
    /// named by index. On error the design is unchanged.
    pub fn extend<S: ScoreValue>(
        &mut self,
        scores: &[S],
        weights: &[f64],
        keys: &[DesignKey],
    ) -> Result<(), Error> {
        for (name, len) in [("weights", weights.len()), ("keys", keys.len())] {
            if len != scores.len() {
                return Err(Error::LengthMismatch {
                    left_name: "scores",
                    left: scores.len(),
                    right_name: name,
                    right: len,
                });
            }
        }
        type Group<S> = (Vec<S>, Vec<f64>, Vec<usize>);
        let mut groups: BTreeMap<DesignKey, Group<S>> = BTreeMap::new();
        for (i, key) in keys.iter().enumerate() {
            let g = groups.entry(*key).or_default();
            g.0.push(scores[i]);
            g.1.push(weights[i]);
            g.2.push(i);
        }
        let mut batch = SurveyDesign::new(self.scale);
        batch.nested = self.nested;
        for (key, (s, w, index)) in groups {
            let mut t = Tally::new(self.scale);
            t.extend_weighted_scores(&s, &w).map_err(|e| match e {
                Error::InvalidBatchItem { index: j, error } => Error::InvalidBatchItem {
                    index: index.get(j).copied().unwrap_or(j),
                    error,
                },
                other => other,
            })?;
            batch.add_cell(key, &t)?;
        }
        self.merge(&batch)
    }

    /// Adds another design's cells: exact and order-free. Population sizes
    /// are united (a stratum given in both must have the same size).
    ///
    /// # Errors
    ///
    /// [`Error::ScaleMismatch`]; [`Error::InvalidDesign`] for different
    /// population sizes of one stratum, different lonely-PSU rules or
    /// nesting, or clustered and unclustered cells;
    /// [`Error::CountOverflow`]. On error `self` is unchanged.
    pub fn merge(&mut self, other: &SurveyDesign) -> Result<(), Error> {
        if self.scale != other.scale {
            return Err(scale_mismatch(self.scale, other.scale));
        }
        if self.lonely != other.lonely || self.nested != other.nested {
            return Err(Error::InvalidDesign {
                reason: "designs with different lonely-PSU rules or nesting cannot merge".into(),
            });
        }
        for (h, n) in &other.population {
            if self.population.get(h).is_some_and(|m| m != n) {
                return Err(Error::InvalidDesign {
                    reason: format!(
                        "stratum {h} has population sizes {} and {n}",
                        self.population[h]
                    ),
                });
            }
        }
        let mut next = self.clone();
        for (key, tally) in &other.cells {
            next.add_cell(*key, tally)?;
        }
        next.population.extend(other.population.iter());
        *self = next;
        Ok(())
    }

    fn check_key(&self, key: &DesignKey) -> Result<(), Error> {
        if let Some((first, _)) = self.cells.iter().next()
            && first.cluster.is_some() != key.cluster.is_some()
        {
            return Err(Error::InvalidDesign {
                reason: format!(
                    "key {key:?} {} a cluster but the design's first cell {first:?} {}",
                    if key.cluster.is_some() {
                        "names"
                    } else {
                        "has no"
                    },
                    if first.cluster.is_some() {
                        "names one"
                    } else {
                        "does not"
                    }
                ),
            });
        }
        Ok(())
    }

    fn add_cell(&mut self, key: DesignKey, tally: &Tally) -> Result<(), Error> {
        if tally.scale() != self.scale {
            return Err(scale_mismatch(self.scale, tally.scale()));
        }
        if tally.n() == 0 {
            return Ok(());
        }
        self.check_key(&key)?;
        match self.cells.get_mut(&key) {
            Some(t) => t.merge(tally),
            None => {
                self.cells.insert(key, tally.clone());
                Ok(())
            }
        }
    }

    /// Respondents (rows, zero weights included) in the design or in one
    /// domain.
    #[must_use]
    pub fn n(&self, domain: Option<u64>) -> u64 {
        self.cells
            .iter()
            .filter(|(k, _)| domain.is_none_or(|d| k.domain == d))
            .map(|(_, t)| t.n())
            .sum()
    }

    /// R's `degf`: PSUs with a positive weight minus strata with a
    /// positive weight, over the whole design (`None`) or over one domain's
    /// subset.
    #[must_use]
    pub fn df(&self, domain: Option<u64>) -> u64 {
        let mut psus = 0u64;
        let mut clusters = BTreeSet::new();
        let mut strata = BTreeSet::new();
        for (k, t) in &self.cells {
            if domain.is_some_and(|d| k.domain != d) || t.n_positive() == 0 {
                continue;
            }
            strata.insert(k.stratum);
            match k.cluster {
                Some(c) => {
                    clusters.insert((k.stratum, c));
                }
                None => psus += t.n_positive(),
            }
        }
        (psus + clusters.len() as u64).saturating_sub(strata.len() as u64)
    }

    /// The cells' sums at a common power of two 2^-E, with E returned.
    /// Only the cells `wanted` carry their weight sums (the others only
    /// count rows and PSUs: their influence values are 0).
    pub(crate) fn views(&self, wanted: &dyn Fn(&DesignKey) -> bool) -> (i32, Vec<CellView>) {
        let e_max = self
            .cells
            .iter()
            .filter(|(k, t)| t.n_positive() > 0 && wanted(k))
            .map(|(_, t)| t.weight_exponent())
            .max()
            .unwrap_or(0);
        let views = self
            .cells
            .iter()
            .map(|(key, t)| {
                let (mut w, mut w2, mut positive) = (Vec::new(), Vec::new(), Vec::new());
                if wanted(key) {
                    let f = pow2(t.weight_exponent() - e_max);
                    for p in t.point_sums() {
                        w.push(p.weight * f);
                        w2.push(p.weight_squared * f * f);
                    }
                    positive = t.positive_counts().to_vec();
                }
                CellView {
                    key: *key,
                    rows: t.n(),
                    positive_rows: t.n_positive(),
                    positive,
                    w,
                    w2,
                }
            })
            .collect();
        (e_max, views)
    }

    /// Checks that cluster ids are unique across strata when not nested.
    fn check_nesting(&self) -> Result<(), Error> {
        if self.nested {
            return Ok(());
        }
        let mut seen: BTreeMap<u64, u64> = BTreeMap::new();
        for k in self.cells.keys() {
            if let Some(c) = k.cluster
                && let Some(h) = seen.insert(c, k.stratum)
                && h != k.stratum
            {
                return Err(Error::InvalidDesign {
                    reason: format!(
                        "cluster {c} appears in strata {h} and {}: clusters are not nested in strata (nest them)",
                        k.stratum
                    ),
                });
            }
        }
        Ok(())
    }

    /// The linearized variance of influence values given per cell, with
    /// `selected` telling which cells belong to the estimate's subset (a
    /// stratum is evaluated, and a lonely PSU detected, only when the
    /// subset has respondents in it, as R's `subset` does).
    pub(crate) fn variance(
        &self,
        views: &[CellView],
        contributions: &[Contribution],
        selected: &dyn Fn(&DesignKey) -> bool,
    ) -> Result<f64, Error> {
        self.check_nesting()?;
        linearized_variance(
            views,
            contributions,
            selected,
            &self.population,
            self.lonely,
        )
    }

    /// The design-based estimate of the statistic `values` over the whole
    /// sample (`domain` `None`) or over one domain, with its variance
    /// computed over the whole design (R's `svymean` on `subset`).
    ///
    /// The influence value of respondent i is
    /// zᵢ = wᵢ(g(xᵢ) − ȳ_D)/W_D in the domain and 0 outside; the variance
    /// is Σ_h f_h m_h/(m_h − 1) Σ_c (Z_c − Z̄_h)² over the PSU totals Z_c
    /// of each stratum h with m_h PSUs (respondents when unclustered).
    ///
    /// # Errors
    ///
    /// [`Error::ScaleMismatch`] for values of another scale;
    /// [`Error::EmptyTally`] for a domain without respondents;
    /// [`Error::ZeroTotalWeight`] when its weights are all 0 (R: NaN);
    /// [`Error::LonelyPsu`] for a stratum with one PSU under
    /// [`LonelyPsu::Fail`]; [`Error::InvalidDesign`] for population sizes
    /// below a stratum's PSUs or clusters not nested;
    /// [`Error::NotRepresentable`] when the estimate or its variance
    /// overflows `f64` (custom point values near `f64::MAX`).
    pub fn estimate(
        &self,
        values: &PointValues,
        domain: Option<u64>,
    ) -> Result<DesignEstimate, Error> {
        values.check_scale(self.scale)?;
        let selected = |k: &DesignKey| domain.is_none_or(|d| k.domain == d);
        let (e, views) = self.views(&selected);
        let sums = domain_sums(&views, values.values(), &selected)?;
        let g = values.values();
        let contributions: Vec<Contribution> = views
            .iter()
            .map(|c| {
                if selected(&c.key) && !sums.degenerate {
                    contribution(c, g, sums.mean, 1.0 / sums.w)
                } else {
                    Contribution::default()
                }
            })
            .collect();
        let v = self.variance(&views, &contributions, &selected)?;
        let df = self.df(domain);
        finish_estimate(values, &sums, v, df, self.df(None), e).checked()
    }

    /// The design-based total Σ w g(x) of the whole sample or of one
    /// domain (R's `svytotal`), with influence values zᵢ = wᵢ g(xᵢ).
    ///
    /// # Errors
    ///
    /// As [`SurveyDesign::estimate`] (a zero total weight is allowed: the
    /// total is 0); [`Error::WeightSumOutOfRange`] when the total or its
    /// standard error exceeds `f64::MAX`.
    pub fn total(&self, values: &PointValues, domain: Option<u64>) -> Result<DesignTotal, Error> {
        values.check_scale(self.scale)?;
        let selected = |k: &DesignKey| domain.is_none_or(|d| k.domain == d);
        let (e, views) = self.views(&selected);
        let g = values.values();
        let mut total = 0.0;
        let mut n = 0;
        let contributions: Vec<Contribution> = views
            .iter()
            .map(|c| {
                if !selected(&c.key) {
                    return Contribution::default();
                }
                n += c.rows;
                let mut out = Contribution::default();
                for ((gx, w), w2) in g.iter().zip(&c.w).zip(&c.w2) {
                    out.sum += w * gx;
                    out.sum_sq += w2 * gx * gx;
                }
                total += out.sum;
                out
            })
            .collect();
        if n == 0 {
            return Err(Error::EmptyTally { not_applicable: 0 });
        }
        let v = self.variance(&views, &contributions, &selected)?;
        let unscale = |what: &'static str, x: f64| {
            let y = x * pow2(e);
            if y.is_finite() {
                Ok(y)
            } else {
                Err(Error::WeightSumOutOfRange {
                    what,
                    scaled: x,
                    exponent: e,
                })
            }
        };
        Ok(DesignTotal {
            total: unscale("design total", total)?,
            std_error: unscale("standard error of a total", v.sqrt())?,
            df: self.df(domain),
            n,
        })
    }

    /// The difference a − b of the statistic between two domains, with
    /// the design-based standard error of R's `svycontrast` (the variance
    /// of the difference of the domains' influence values over the whole
    /// design), the whole design's degrees of freedom, t and normal tests
    /// and intervals at `level`.
    ///
    /// # Errors
    ///
    /// As [`SurveyDesign::estimate`] for either domain;
    /// [`Error::InvalidConfidenceLevel`].
    pub fn difference(
        &self,
        values: &PointValues,
        a: u64,
        b: u64,
        level: f64,
    ) -> Result<DomainDifference, Error> {
        values.check_scale(self.scale)?;
        let (_, views) = self.views(&|k: &DesignKey| k.domain == a || k.domain == b);
        let g = values.values();
        let in_a = |k: &DesignKey| k.domain == a;
        let in_b = |k: &DesignKey| k.domain == b;
        let sa = domain_sums(&views, g, &in_a)?;
        let sb = domain_sums(&views, g, &in_b)?;
        let contributions: Vec<Contribution> = views
            .iter()
            .map(|c| {
                let mut z = Contribution::default();
                if a == b {
                    return z;
                }
                if in_a(&c.key) && !sa.degenerate {
                    z = contribution(c, g, sa.mean, 1.0 / sa.w);
                }
                if in_b(&c.key) && !sb.degenerate {
                    z = contribution(c, g, sb.mean, -1.0 / sb.w);
                }
                z
            })
            .collect();
        let either = |k: &DesignKey| k.domain == a || k.domain == b;
        let v = self.variance(&views, &contributions, &either)?;
        DomainDifference::new(
            (sa.mean, sb.mean),
            sa.mean - sb.mean,
            v.sqrt(),
            self.df(None),
            a == b,
            values.span(),
            level,
        )
    }
}

/// 2^e as an f64 (0 below the subnormals, ∞ above the largest double).
pub(crate) fn pow2(e: i32) -> f64 {
    if e < -1074 {
        0.0
    } else if e > 1023 {
        f64::INFINITY
    } else if e < -1022 {
        f64::powi(2.0, -1022) * f64::powi(2.0, e + 1022)
    } else {
        f64::powi(2.0, e)
    }
}

/// The point sums of a subset.
pub(crate) struct DomainSums {
    pub(crate) n: u64,
    pub(crate) n_positive: u64,
    /// Σw (scaled).
    pub(crate) w: f64,
    pub(crate) mean: f64,
    /// Σw(g − mean)² / Σw.
    pub(crate) spread: f64,
    pub(crate) degenerate: bool,
}

/// Weighted sums of the subset `selected`.
pub(crate) fn domain_sums(
    views: &[CellView],
    g: &[f64],
    selected: &dyn Fn(&DesignKey) -> bool,
) -> Result<DomainSums, Error> {
    let points = g.len();
    let mut w_at = vec![0.0; points];
    let mut positive_at = vec![0u64; points];
    let (mut n, mut n_positive) = (0u64, 0u64);
    for c in views.iter().filter(|c| selected(&c.key)) {
        n += c.rows;
        n_positive += c.positive_rows;
        for x in 0..points {
            w_at[x] += c.w[x];
            positive_at[x] += c.positive[x];
        }
    }
    if n == 0 {
        return Err(Error::EmptyTally { not_applicable: 0 });
    }
    let w: f64 = w_at.iter().sum();
    if w <= 0.0 {
        return Err(Error::ZeroTotalWeight { n });
    }
    if !w.is_finite() {
        // Unscaled weights (a calibrated design's) near f64::MAX: their
        // total overflows, and the mean would be ∞/∞ (fuzz: a calibrated
        // design merged with itself gave a share of 0 as `Ok`).
        return Err(Error::NotRepresentable {
            what: "design estimate",
            reason: format!("the weights of {n} respondents sum past f64"),
        });
    }
    let mut distinct = (0..points).filter(|&x| positive_at[x] > 0).map(|x| g[x]);
    let first = distinct.next();
    let degenerate = distinct.all(|v| Some(v) == first);
    let mean = match (degenerate, first) {
        (true, Some(v)) => v,
        _ => (0..points).map(|x| w_at[x] * g[x]).sum::<f64>() / w,
    };
    if !mean.is_finite() {
        return Err(Error::NotRepresentable {
            what: "design estimate",
            reason: format!("the weighted sum of the values of {n} respondents passes f64"),
        });
    }
    let spread = (0..points)
        .map(|x| w_at[x] * (g[x] - mean).powi(2))
        .sum::<f64>()
        / w;
    Ok(DomainSums {
        n,
        n_positive,
        w,
        mean,
        spread,
        degenerate,
    })
}

/// Σz and Σz² of one cell for zᵢ = wᵢ (g(xᵢ) − centre) · factor.
pub(crate) fn contribution(c: &CellView, g: &[f64], centre: f64, factor: f64) -> Contribution {
    let mut out = Contribution::default();
    for ((gx, w), w2) in g.iter().zip(&c.w).zip(&c.w2) {
        let a = (gx - centre) * factor;
        out.sum += w * a;
        out.sum_sq += w2 * a * a;
    }
    out
}

/// The estimate from a subset's sums and its variance `v`.
pub(crate) fn finish_estimate(
    values: &PointValues,
    sums: &DomainSums,
    v: f64,
    df: u64,
    df_full: u64,
    exponent: i32,
) -> DesignEstimate {
    let v = if sums.degenerate { 0.0 } else { v.max(0.0) };
    let (mut deff_replace, mut deff_srs) = (None, None);
    if !sums.degenerate && sums.n_positive > 1 && sums.spread > 0.0 {
        let np = sums.n_positive as f64;
        let srs = sums.spread / (np - 1.0);
        deff_replace = Some(v / srs).filter(|d| d.is_finite());
        // N = Σw unscaled; n₊/N computed without forming N.
        let sampled = np / sums.w * pow2(-exponent);
        if sampled < 1.0 {
            deff_srs = Some(v / (srs * (1.0 - sampled))).filter(|d| d.is_finite());
        }
    }
    DesignEstimate {
        estimate: sums.mean,
        std_error: v.sqrt(),
        df,
        df_full,
        n: sums.n,
        n_positive: sums.n_positive,
        deff_replace,
        deff_srs,
        degenerate: sums.degenerate,
        kind: values.kind(),
        range: values.range(),
    }
}

/// Σ_h f_h m_h/(m_h − 1) Σ_c (Z_c − Z̄_h)² with the lonely-PSU rule.
pub(crate) fn linearized_variance(
    views: &[CellView],
    contributions: &[Contribution],
    selected: &dyn Fn(&DesignKey) -> bool,
    population: &BTreeMap<u64, f64>,
    lonely: LonelyPsu,
) -> Result<f64, Error> {
    #[derive(Default)]
    struct Stratum {
        rows: u64,
        sum: f64,
        sum_sq: f64,
        clusters: BTreeMap<u64, f64>,
        selected: bool,
    }
    let clustered = views.iter().any(|c| c.key.cluster.is_some());
    let mut strata: BTreeMap<u64, Stratum> = BTreeMap::new();
    for (c, z) in views.iter().zip(contributions) {
        let s = strata.entry(c.key.stratum).or_default();
        s.rows += c.rows;
        s.sum += z.sum;
        s.sum_sq += z.sum_sq;
        if let Some(id) = c.key.cluster {
            *s.clusters.entry(id).or_default() += z.sum;
        }
        s.selected |= selected(&c.key) && c.rows > 0;
    }
    let psus = |s: &Stratum| {
        if clustered {
            s.clusters.len() as u64
        } else {
            s.rows
        }
    };
    let mut v = 0.0;
    for (&h, s) in &strata {
        let m = psus(s);
        if !s.selected || m == 0 {
            continue;
        }
        let mf = m as f64;
        let f = match population.get(&h) {
            Some(&big) => {
                if big < mf {
                    return Err(Error::InvalidDesign {
                        reason: format!(
                            "stratum {h} has population size {big} but {m} sampled PSUs"
                        ),
                    });
                }
                1.0 - mf / big
            }
            None => 1.0,
        };
        if f < 1e-7 {
            continue; // a census stratum (R: self-representing)
        }
        if m == 1 {
            match lonely {
                LonelyPsu::Fail => return Err(Error::LonelyPsu { stratum: h }),
                LonelyPsu::Certainty => {}
                LonelyPsu::Adjust => v += f * s.sum * s.sum,
            }
            continue;
        }
        let ss = if clustered {
            let mean = s.sum / mf;
            s.clusters.values().map(|z| (z - mean).powi(2)).sum::<f64>()
        } else {
            (s.sum_sq - s.sum * s.sum / mf).max(0.0)
        };
        v += f * mf / (mf - 1.0) * ss;
    }
    Ok(v)
}
