//! Replicate-weight designs (JK1, JKn, bootstrap, BRR, Fay): one tally per
//! replicate.

use std::collections::BTreeMap;

use crate::counting::tally::Tally;
use crate::foundation::error::Error;
use crate::foundation::scale::{Scale, ScoreValue};
use crate::inference::complex::design::pow2;
use crate::inference::complex::estimate::{DesignEstimate, DomainDifference};
use crate::inference::complex::rank::Gram;
use crate::inference::complex::values::{PointValues, scale_mismatch};

/// The kind of replicate weights, with R's default `scale` and `rscales`
/// (see [`ReplicateDesign::with_r_defaults`]).
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum ReplicateKind {
    /// Delete-one-PSU jackknife, unstratified: scale (R − 1)/R, rscales 1.
    Jk1,
    /// Stratified jackknife: scale 1, rscales (n_h − 1)/n_h for the
    /// stratum h the replicate deletes from (give them explicitly).
    Jkn,
    /// Bootstrap: scale m̄/((m̄ − 1)(R − 1)) with m̄ the harmonic mean of the
    /// PSUs per stratum (`bootweights`), rscales 1 (give the scale).
    Bootstrap,
    /// Balanced repeated replication: scale 1/R, rscales 1.
    Brr,
    /// Fay's BRR with factor ρ: scale 1/(R(1 − ρ)²), rscales 1.
    Fay {
        /// Fay's ρ in [0, 1).
        rho: f64,
    },
    /// Any other replicate weights, with the scale and rscales given.
    Other,
}

/// A replicate-weight design of one question: per domain, a tally of the
/// answers with their full-sample weights and one with each replicate's
/// weights, plus the R × R Gram matrix Σᵢ rᵢrᵢᵀ of the replicate weights
/// (rᵢ the replicate weights of respondent i), from which the design's
/// degrees of freedom (the rank of the n × R replicate-weight matrix,
/// minus 1) are computed. All of it merges by addition.
///
/// The replicate weights are the full ones (already multiplied by the
/// sampling weight, R's `combined.weights = TRUE`). The variance of an
/// estimate θ with replicate estimates θ_r is
/// `scale · Σ_r rscales_r (θ_r − c)²`, c = θ when `mse` is true and the
/// mean of the θ_r otherwise, as R's `svrepdesign` computes it.
///
/// A query engine keeps `SUM(w)` and `SUM(rw_r)` per (domain, score) for
/// every replicate r, plus the Gram matrix `SUM(rw_r · rw_s)` over all
/// rows.
///
/// # Example
///
/// ```
/// use cxmetrics::Scale;
/// use cxmetrics::complex::{PointValues, ReplicateDesign, ReplicateKind, Statistic};
///
/// // JK1 over four respondents: replicate r drops respondent r.
/// let w = [1.0, 2.0, 1.0, 2.0];
/// let mut d = ReplicateDesign::with_r_defaults(Scale::CSAT_5, ReplicateKind::Jk1, 4, false)?;
/// for (i, &s) in [5u8, 4, 2, 1].iter().enumerate() {
///     let rw: Vec<f64> = (0..4).map(|r| if r == i { 0.0 } else { w[i] * 4.0 / 3.0 }).collect();
///     d.push(s, w[i], &rw, 0)?;
/// }
/// assert_eq!(d.df(None), 3);
/// let est = d.estimate(&PointValues::new(Scale::CSAT_5, Statistic::TopBox(2))?, None)?;
/// assert!((est.estimate - 0.5).abs() < 1e-15 && est.std_error > 0.0);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "ReplicateRepr")
)]
pub struct ReplicateDesign {
    scale: Scale,
    kind: ReplicateKind,
    scale_factor: f64,
    rscales: Vec<f64>,
    mse: bool,
    full: Vec<(u64, Tally)>,
    replicates: Vec<(u64, Vec<Tally>)>,
    /// Per domain, the Gram matrix of its rows' replicate weights.
    grams: Vec<(u64, Gram)>,
}

/// The serialized form, checked on the way in.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct ReplicateRepr {
    scale: Scale,
    kind: ReplicateKind,
    scale_factor: f64,
    rscales: Vec<f64>,
    mse: bool,
    full: Vec<(u64, Tally)>,
    replicates: Vec<(u64, Vec<Tally>)>,
    grams: Vec<(u64, Gram)>,
}

#[cfg(feature = "serde")]
impl TryFrom<ReplicateRepr> for ReplicateDesign {
    type Error = Error;
    fn try_from(r: ReplicateRepr) -> Result<ReplicateDesign, Error> {
        let mut d = ReplicateDesign::new(r.scale, r.kind, r.scale_factor, &r.rscales, r.mse)?;
        let bad = |what: &str| Error::InvalidDesign {
            reason: format!("serialized replicate design: {what}"),
        };
        let count = r.rscales.len();
        if r.full.len() != r.replicates.len() || r.full.len() != r.grams.len() {
            return Err(bad("one entry per domain in each list"));
        }
        let mut last = None;
        for (((d1, full), (d2, reps)), (d3, gram)) in r.full.iter().zip(&r.replicates).zip(&r.grams)
        {
            if d1 != d2 || d1 != d3 || last.is_some_and(|l| l >= *d1) {
                return Err(bad("domains must agree and increase"));
            }
            last = Some(*d1);
            if reps.len() != count || !gram.fits(count) {
                return Err(bad("one tally and one Gram column per replicate"));
            }
            if full.scale() != r.scale || reps.iter().any(|t| t.scale() != r.scale) {
                return Err(scale_mismatch(r.scale, full.scale()));
            }
        }
        d.full = r.full;
        d.replicates = r.replicates;
        d.grams = r.grams;
        Ok(d)
    }
}

impl ReplicateDesign {
    /// An empty design with `replicates` replicates, R's `scale` and one
    /// `rscales` entry per replicate.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidDesign`] for no replicates or a number of rscales
    /// other than the replicates; [`Error::InvalidArgument`] for a scale or
    /// rscale that is negative or not finite, or Fay's ρ outside [0, 1).
    pub fn new(
        scale: Scale,
        kind: ReplicateKind,
        scale_factor: f64,
        rscales: &[f64],
        mse: bool,
    ) -> Result<ReplicateDesign, Error> {
        if rscales.is_empty() {
            return Err(Error::InvalidDesign {
                reason: "a replicate design needs at least one replicate".into(),
            });
        }
        for &x in std::iter::once(&scale_factor).chain(rscales) {
            if !(x.is_finite() && x >= 0.0) {
                return Err(Error::InvalidArgument {
                    name: "replicate scale",
                    value: x,
                    expected: "a finite number of at least 0",
                });
            }
        }
        if let ReplicateKind::Fay { rho } = kind
            && !(rho.is_finite() && (0.0..1.0).contains(&rho))
        {
            return Err(Error::InvalidArgument {
                name: "Fay's rho",
                value: rho,
                expected: "a number in [0, 1)",
            });
        }
        Ok(ReplicateDesign {
            scale,
            kind,
            scale_factor,
            rscales: rscales.to_vec(),
            mse,
            full: Vec::new(),
            replicates: Vec::new(),
            grams: Vec::new(),
        })
    }

    /// An empty design with R's defaults for `kind`: JK1 scale (R − 1)/R,
    /// BRR 1/R, Fay 1/(R(1 − ρ)²), rscales 1. (JKn, bootstrap and other
    /// kinds depend on the sample's strata: use [`ReplicateDesign::new`].)
    ///
    /// # Errors
    ///
    /// As [`ReplicateDesign::new`]; [`Error::InvalidDesign`] for JKn,
    /// bootstrap and other kinds.
    pub fn with_r_defaults(
        scale: Scale,
        kind: ReplicateKind,
        replicates: usize,
        mse: bool,
    ) -> Result<ReplicateDesign, Error> {
        let r = replicates as f64;
        let factor = match kind {
            ReplicateKind::Jk1 => (r - 1.0) / r,
            ReplicateKind::Brr => 1.0 / r,
            ReplicateKind::Fay { rho } => 1.0 / (r * (1.0 - rho) * (1.0 - rho)),
            _ => {
                return Err(Error::InvalidDesign {
                    reason: format!(
                        "{kind:?} replicate weights need their scale and rscales given"
                    ),
                });
            }
        };
        ReplicateDesign::new(scale, kind, factor, &vec![1.0; replicates], mse)
    }

    /// The number of replicates.
    #[must_use]
    pub fn replicates(&self) -> usize {
        self.rscales.len()
    }

    /// The kind of replicate weights.
    #[must_use]
    pub fn kind(&self) -> ReplicateKind {
        self.kind
    }

    fn slot(&mut self, domain: u64) -> usize {
        match self.full.iter().position(|(d, _)| *d == domain) {
            Some(i) => i,
            None => {
                let at = self.full.partition_point(|(d, _)| *d < domain);
                let r = self.replicates();
                self.full.insert(at, (domain, Tally::new(self.scale)));
                self.replicates
                    .insert(at, (domain, vec![Tally::new(self.scale); r]));
                self.grams.insert(at, (domain, Gram::new(r)));
                at
            }
        }
    }

    /// Records one respondent: its answer, full-sample weight, replicate
    /// weights (one per replicate) and domain.
    ///
    /// # Errors
    ///
    /// [`Error::LengthMismatch`] for a wrong number of replicate weights;
    /// as [`Tally::extend_weighted_scores`] for the score and weights. On
    /// error the design is unchanged.
    pub fn push<S: ScoreValue>(
        &mut self,
        score: S,
        weight: f64,
        replicate_weights: &[f64],
        domain: u64,
    ) -> Result<(), Error> {
        self.extend(&[score], &[weight], replicate_weights, &[domain])
    }

    /// Records many respondents, or none: `replicate_weights` holds the
    /// replicate weights row by row (respondent i's are
    /// `replicate_weights[i·R..(i + 1)·R]`).
    ///
    /// # Errors
    ///
    /// As [`ReplicateDesign::push`]. On error the design is unchanged.
    pub fn extend<S: ScoreValue>(
        &mut self,
        scores: &[S],
        weights: &[f64],
        replicate_weights: &[f64],
        domains: &[u64],
    ) -> Result<(), Error> {
        let r = self.replicates();
        let n = scores.len();
        for (name, len, want) in [
            ("weights", weights.len(), n),
            ("domains", domains.len(), n),
            ("replicate weights", replicate_weights.len(), n * r),
        ] {
            if len != want {
                return Err(Error::LengthMismatch {
                    left_name: "scores (times replicates for replicate weights)",
                    left: want,
                    right_name: name,
                    right: len,
                });
            }
        }
        if let Some(&bad) = replicate_weights
            .iter()
            .find(|w| !(w.is_finite() && **w >= 0.0))
        {
            return Err(Error::InvalidWeight { weight: bad });
        }
        let mut next = self.clone();
        let mut by_domain: BTreeMap<u64, Vec<usize>> = BTreeMap::new();
        for (i, &d) in domains.iter().enumerate() {
            by_domain.entry(d).or_default().push(i);
        }
        for (d, rows) in by_domain {
            let at = next.slot(d);
            let s: Vec<S> = rows.iter().map(|&i| scores[i]).collect();
            let w: Vec<f64> = rows.iter().map(|&i| weights[i]).collect();
            next.full[at].1.extend_weighted_scores(&s, &w)?;
            for (j, tally) in next.replicates[at].1.iter_mut().enumerate() {
                let rw: Vec<f64> = rows.iter().map(|&i| replicate_weights[i * r + j]).collect();
                tally.extend_weighted_scores(&s, &rw)?;
            }
        }
        for (i, row) in replicate_weights.chunks(r.max(1)).enumerate() {
            let at = next.slot(domains[i]);
            next.grams[at].1.add_row(row);
        }
        *self = next;
        Ok(())
    }

    /// Adds another design of the same replicates.
    ///
    /// # Errors
    ///
    /// [`Error::ScaleMismatch`]; [`Error::InvalidDesign`] for another
    /// kind, scale, rscales or mse; [`Error::CountOverflow`].
    pub fn merge(&mut self, other: &ReplicateDesign) -> Result<(), Error> {
        if self.scale != other.scale {
            return Err(scale_mismatch(self.scale, other.scale));
        }
        if self.kind != other.kind
            || self.scale_factor != other.scale_factor
            || self.rscales != other.rscales
            || self.mse != other.mse
        {
            return Err(Error::InvalidDesign {
                reason: "replicate designs with different replicates cannot merge".into(),
            });
        }
        let mut next = self.clone();
        for (((d, full), (_, reps)), (_, gram)) in
            other.full.iter().zip(&other.replicates).zip(&other.grams)
        {
            let at = next.slot(*d);
            next.full[at].1.merge(full)?;
            for (mine, theirs) in next.replicates[at].1.iter_mut().zip(reps) {
                mine.merge(theirs)?;
            }
            next.grams[at].1.merge(gram)?;
        }
        *self = next;
        Ok(())
    }

    /// The numerical rank of the n × R replicate-weight matrix of the whole
    /// design (`None`) or of one domain's rows, as R's
    /// `qr(RW, tol = 1e-5)$rank` computes it: from the Gram matrix (the
    /// sum of the domains' Gram matrices for the whole design), column by
    /// column, a column counting when the norm of its part orthogonal to
    /// the columns counted before is at least 10^-5 times its own norm.
    #[must_use]
    pub fn rank(&self, domain: Option<u64>) -> usize {
        let mut total = Gram::new(self.replicates());
        for (d, g) in &self.grams {
            if domain.is_none_or(|x| x == *d) {
                // Same number of columns by construction.
                let _ = total.merge(g);
            }
        }
        total.rank(1e-5)
    }

    /// R's `degf` of a replicate design: the rank minus 1 (0 for an empty
    /// design). For a domain, R's `subset` keeps only the domain's rows,
    /// so its `degf` is the rank of their replicate weights minus 1.
    #[must_use]
    pub fn df(&self, domain: Option<u64>) -> u64 {
        (self.rank(domain) as u64).saturating_sub(1)
    }

    /// The estimate of `values` over the whole sample or one domain, with
    /// the replicate variance (R's `svymean` on the design or on
    /// `subset(design, ...)`). `df` is the subset's `degf`, `df_full` the
    /// design's; no design effect is computed.
    ///
    /// # Errors
    ///
    /// [`Error::ScaleMismatch`]; [`Error::EmptyTally`] for a domain without
    /// respondents; [`Error::ZeroTotalWeight`] when the full weights of the
    /// subset are all 0 (R: NaN); [`Error::InvalidDesign`] when every
    /// replicate's weights are (a replicate without weight in the subset
    /// is left out of the variance, as R's `svrVar` does).
    pub fn estimate(
        &self,
        values: &PointValues,
        domain: Option<u64>,
    ) -> Result<DesignEstimate, Error> {
        values.check_scale(self.scale)?;
        let r = self.replicated(values.values(), domain)?;
        let v = if r.degenerate {
            0.0
        } else {
            self.variance(r.theta, &r.thetas)?
        };
        DesignEstimate {
            estimate: r.theta,
            std_error: v.sqrt(),
            df: self.df(domain),
            df_full: self.df(None),
            n: r.n,
            n_positive: r.n_positive,
            deff_replace: None,
            deff_srs: None,
            degenerate: r.degenerate,
            kind: values.kind(),
            range: values.range(),
        }
        .checked()
    }

    /// The difference a − b of the statistic between two domains, with the
    /// replicate variance of the replicate differences θ_r,a − θ_r,b (R's
    /// `svycontrast` on `svyby` over a replicate design), the design's
    /// degrees of freedom, t and normal tests and intervals at `level`.
    ///
    /// # Errors
    ///
    /// As [`ReplicateDesign::estimate`] for either domain;
    /// [`Error::InvalidConfidenceLevel`].
    pub fn difference(
        &self,
        values: &PointValues,
        a: u64,
        b: u64,
        level: f64,
    ) -> Result<DomainDifference, Error> {
        values.check_scale(self.scale)?;
        let ra = self.replicated(values.values(), Some(a))?;
        let rb = self.replicated(values.values(), Some(b))?;
        let d = ra.theta - rb.theta;
        let v = if a == b || (ra.degenerate && rb.degenerate) {
            0.0
        } else {
            let ds: Vec<Option<f64>> = ra
                .thetas
                .iter()
                .zip(&rb.thetas)
                .map(|(x, y)| Some((*x)? - (*y)?))
                .collect();
            self.variance(d, &ds)?
        };
        DomainDifference::new(
            (ra.theta, rb.theta),
            d,
            v.sqrt(),
            self.df(None),
            a == b,
            values.span(),
            level,
        )
    }

    /// scale · Σ_r rscales_r (θ_r − c)², c = θ (mse) or the mean of the θ_r,
    /// over the replicates whose estimate exists (R's `svrVar` drops the
    /// others, with their rscales, and warns).
    fn variance(&self, theta: f64, thetas: &[Option<f64>]) -> Result<f64, Error> {
        let kept: Vec<(f64, f64)> = thetas
            .iter()
            .zip(&self.rscales)
            .filter_map(|(t, s)| t.map(|t| (t, *s)))
            .collect();
        if kept.is_empty() {
            return Err(Error::InvalidDesign {
                reason: "no replicate has a positive weight in the subset".into(),
            });
        }
        let centre = if self.mse {
            theta
        } else {
            kept.iter().map(|(t, _)| t).sum::<f64>() / kept.len() as f64
        };
        let v = self.scale_factor
            * kept
                .iter()
                .map(|(t, s)| s * (t - centre).powi(2))
                .sum::<f64>();
        if v.is_finite() {
            Ok(v)
        } else {
            Err(Error::InvalidDesign {
                reason: "the replicate variance is not finite".into(),
            })
        }
    }

    /// The full-sample and replicate estimates of a subset.
    fn replicated(&self, g: &[f64], domain: Option<u64>) -> Result<Replicated, Error> {
        let points = g.len();
        let pick = |d: &u64| domain.is_none_or(|x| x == *d);
        let mean_of =
            |tallies: &mut dyn Iterator<Item = &Tally>| -> (f64, f64, u64, u64, Vec<u64>) {
                let tallies: Vec<&Tally> = tallies.collect();
                let e = tallies
                    .iter()
                    .filter(|t| t.n_positive() > 0)
                    .map(|t| t.weight_exponent())
                    .max()
                    .unwrap_or(0);
                let (mut w, mut wy, mut n, mut np) = (0.0, 0.0, 0, 0);
                let mut positive = vec![0u64; points];
                for t in tallies {
                    let f = pow2(t.weight_exponent() - e);
                    for ((p, gx), pos) in t.point_sums().zip(g).zip(positive.iter_mut()) {
                        w += p.weight * f;
                        wy += p.weight * f * gx;
                        *pos += p.positive;
                    }
                    n += t.n();
                    np += t.n_positive();
                }
                (w, wy, n, np, positive)
            };
        let (w, wy, n, n_positive, mut positive) =
            mean_of(&mut self.full.iter().filter(|(d, _)| pick(d)).map(|(_, t)| t));
        if n == 0 {
            return Err(Error::EmptyTally { not_applicable: 0 });
        }
        if w <= 0.0 {
            return Err(Error::ZeroTotalWeight { n });
        }
        let mut theta = wy / w;
        let mut thetas = Vec::with_capacity(self.replicates());
        for r in 0..self.replicates() {
            let (wr, wyr, _, _, pos) = mean_of(
                &mut self
                    .replicates
                    .iter()
                    .filter(|(d, _)| pick(d))
                    .filter_map(|(_, reps)| reps.get(r)),
            );
            for (a, b) in positive.iter_mut().zip(pos) {
                *a += b;
            }
            thetas.push((wr > 0.0).then(|| wyr / wr));
        }
        let mut distinct = positive
            .iter()
            .zip(g)
            .filter(|(p, _)| **p > 0)
            .map(|(_, v)| *v);
        let first = distinct.next();
        let degenerate = distinct.all(|v| Some(v) == first);
        if degenerate && let Some(v) = first {
            theta = v;
            thetas.iter_mut().flatten().for_each(|t| *t = v);
        }
        Ok(Replicated {
            theta,
            thetas,
            n,
            n_positive,
            degenerate,
        })
    }
}

/// A subset's full-sample and replicate estimates.
struct Replicated {
    theta: f64,
    /// `None` for a replicate without weight in the subset.
    thetas: Vec<Option<f64>>,
    n: u64,
    n_positive: u64,
    degenerate: bool,
}
