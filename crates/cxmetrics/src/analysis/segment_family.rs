//! Families of segment tests: every segment against the rest, or against
//! the total, with the p-values adjusted for multiplicity; and shrunken
//! segment NPS for rankings.

use crate::analysis::compare::Comparison;
use crate::analysis::multiplicity::{self, Adjustment};
use crate::analysis::segment::Segmented;
use crate::analysis::shrinkage::{self, Shrinkage};
use crate::counting::tally::Tally;
use crate::foundation::error::Error;
use crate::inference::estimate::Interval;
use crate::inference::interval::ConfidenceLevel;
use crate::metrics::nps::Nps;
use crate::metrics::score::Score;

/// One segment's test within a family (see [`Segmented::versus_rest`]).
///
/// # Example
///
/// ```
/// use cxmetrics::segment::Score;
/// use cxmetrics::{ConfidenceLevel, Scale, Segmented};
/// let mut s = Segmented::new(Scale::CSAT_5);
/// s.extend_scores(&["web", "web", "app", "app"], &[5u8, 4, 2, 1])?;
/// let tests = s.versus_rest(Score::Mean, ConfidenceLevel::P95);
/// assert_eq!(tests[0].key, "app");
/// assert!(tests[0].comparison.as_ref().map_err(|e| e.clone())?.difference < 0.0);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SegmentTest<K> {
    /// The segment's key.
    pub key: K,
    /// Its number of rated answers.
    pub n: u64,
    /// The segment against the rest (or the total), with its p-value
    /// adjusted within the family; or why there is no test.
    #[cfg_attr(feature = "serde", serde(with = "crate::foundation::outcome::result"))]
    pub comparison: Result<Comparison, Error>,
}

impl<K: Ord + Clone> Segmented<K> {
    /// Tests every segment against all the other segments together
    /// (segment − rest), with Holm-adjusted p-values: `significant` holds
    /// the family-wise false-alarm rate at α = 1 − level. See
    /// [`Segmented::versus_rest_with`].
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::segment::Score;
    /// use cxmetrics::{ConfidenceLevel, Scale, Segmented};
    /// let mut s = Segmented::new(Scale::NPS);
    /// s.extend_scores(&["a"; 6], &[10u8, 10, 9, 10, 9, 10])?;
    /// s.extend_scores(&["b"; 6], &[3u8, 5, 8, 10, 2, 6])?;
    /// s.extend_scores(&["c"; 6], &[9u8, 7, 6, 10, 8, 4])?;
    /// for t in s.versus_rest(Score::nps(), ConfidenceLevel::P95) {
    ///     let c = t.comparison?;
    ///     assert!(c.adjusted_p_value.unwrap() >= c.p_value);
    /// }
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn versus_rest(&self, score: Score, level: ConfidenceLevel) -> Vec<SegmentTest<K>> {
        self.versus_rest_with(score, level, Adjustment::default())
    }

    /// Tests every segment against all the other segments together, with
    /// the p-values adjusted by `adjustment` across the family. A segment
    /// whose test cannot be made (too few answers, no other segment, zero
    /// variance) carries the error and is left out of the family.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::multiplicity::Adjustment;
    /// use cxmetrics::segment::Score;
    /// use cxmetrics::{ConfidenceLevel, Scale, Segmented};
    /// let mut s = Segmented::new(Scale::CSAT_5);
    /// s.extend_scores(&["x", "x", "y", "y", "z"], &[5u8, 5, 1, 2, 3])?;
    /// let raw = s.versus_rest_with(Score::top_box(2), ConfidenceLevel::P95, Adjustment::Unadjusted);
    /// assert_eq!(raw.len(), 3);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn versus_rest_with(
        &self,
        score: Score,
        level: ConfidenceLevel,
        adjustment: Adjustment,
    ) -> Vec<SegmentTest<K>> {
        let (keys, rests) = self.rests();
        let mut comparisons: Vec<Result<Comparison, Error>> = self
            .iter()
            .zip(&rests)
            .map(|((_, t), rest)| match rest {
                Some(rest) => score.compare(&t, rest, level),
                None => Err(Error::TooFewAnswers {
                    what: "a segment-versus-rest test (other segments)",
                    needed: 1.0,
                    effective_n: 0.0,
                }),
            })
            .collect();
        finish(keys, self, &mut comparisons, adjustment)
    }

    /// Tests every segment against the total of all segments (segment −
    /// total), with Holm-adjusted p-values. See
    /// [`Segmented::versus_total_with`].
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::segment::Score;
    /// use cxmetrics::{ConfidenceLevel, Scale, Segmented};
    /// let mut s = Segmented::new(Scale::CSAT_5);
    /// s.extend_scores(&["web", "web", "web", "app", "app"], &[5u8, 5, 3, 1, 1])?;
    /// let t = s.versus_total(Score::Mean, ConfidenceLevel::P95);
    /// // app: 1 against a total mean of 3 (and 3.67 for the rest).
    /// let app = t[0].comparison.as_ref().map_err(|e| e.clone())?;
    /// assert!((app.difference + 2.0).abs() < 1e-12);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn versus_total(&self, score: Score, level: ConfidenceLevel) -> Vec<SegmentTest<K>> {
        self.versus_total_with(score, level, Adjustment::default())
    }

    /// Tests every segment against the total, with the p-values adjusted
    /// by `adjustment` across the family.
    ///
    /// A segment is part of the total, so the two are not independent: with
    /// w the segment's share of the total weight, the total's score is
    /// w·segment + (1 − w)·rest, hence segment − total = (1 − w)(segment −
    /// rest). The test is therefore the segment-versus-rest test (same
    /// statistic and p-value), and the difference, its standard error and
    /// its interval are those of segment − rest times (1 − w).
    pub fn versus_total_with(
        &self,
        score: Score,
        level: ConfidenceLevel,
        adjustment: Adjustment,
    ) -> Vec<SegmentTest<K>> {
        let (keys, rests) = self.rests();
        let total = self.total();
        let mut comparisons: Vec<Result<Comparison, Error>> = self
            .iter()
            .zip(&rests)
            .map(|((_, t), rest)| {
                let rest = rest.as_ref().ok_or(Error::TooFewAnswers {
                    what: "a segment-versus-total test (other segments)",
                    needed: 1.0,
                    effective_n: 0.0,
                })?;
                let total = total.as_ref().map_err(Clone::clone)?;
                let c = score.compare(&t, rest, level)?;
                let keep = 1.0 - weight_share(&t, total);
                Ok(Comparison {
                    difference: keep * c.difference,
                    adjusted_difference: c.adjusted_difference.map(|d| keep * d),
                    std_error: keep * c.std_error,
                    interval: Interval {
                        lower: keep * c.interval.lower,
                        upper: keep * c.interval.upper,
                    },
                    ..c
                })
            })
            .collect();
        finish(keys, self, &mut comparisons, adjustment)
    }

    /// Empirical-Bayes shrunken NPS of every segment, for rankings (see
    /// [`shrinkage`] for the model); in key order.
    ///
    /// # Errors
    ///
    /// As [`Nps::from_tally`] for any segment; as [`shrinkage::nps`].
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Scale, Segmented};
    /// let mut s = Segmented::new(Scale::NPS);
    /// s.extend_scores(&["a"; 4], &[10u8, 10, 10, 9])?; // 100 from 4 answers
    /// s.extend_scores(&["b"; 8], &[10u8, 9, 8, 7, 6, 5, 9, 10])?;
    /// let shrunk = s.shrunken_nps()?;
    /// assert!(shrunk.estimates[0].estimate < 100.0);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn shrunken_nps(&self) -> Result<Shrinkage, Error> {
        let scores = self
            .iter()
            .map(|(_, t)| Nps::from_tally(&t))
            .collect::<Result<Vec<_>, _>>()?;
        shrinkage::nps(&scores)
    }

    /// The keys in order and, per segment, the merge of every other
    /// segment (`None` when there is none), by prefix and suffix merges.
    fn rests(&self) -> (Vec<K>, Vec<Option<Tally>>) {
        let tallies: Vec<(&K, Tally)> = self.iter().collect();
        let k = tallies.len();
        let mut prefix: Vec<Option<Tally>> = Vec::with_capacity(k);
        let mut running: Option<Tally> = None;
        for (_, t) in &tallies {
            prefix.push(running.clone());
            running = Some(merged(running, t));
        }
        let mut rests = vec![None; k];
        let mut running: Option<Tally> = None;
        for i in (0..k).rev() {
            rests[i] = match (&prefix[i], &running) {
                (Some(a), Some(b)) => Some(merged(Some(a.clone()), b)),
                (Some(a), None) => Some(a.clone()),
                (None, Some(b)) => Some(b.clone()),
                (None, None) => None,
            };
            running = Some(merged(running, &tallies[i].1));
        }
        (
            tallies.iter().map(|(key, _)| (*key).clone()).collect(),
            rests,
        )
    }
}

/// `acc` merged with `t` (a copy of `t` when `acc` is `None`). Tallies of
/// one `Segmented` share a scale, so the merge cannot fail; on the
/// impossible failure the accumulator is kept.
fn merged(acc: Option<Tally>, t: &Tally) -> Tally {
    match acc {
        None => t.clone(),
        Some(mut a) => {
            if a.merge(t).is_err() {
                return a;
            }
            a
        }
    }
}

/// W_segment / W_total from the tallies' scaled weight sums.
fn weight_share(segment: &Tally, total: &Tally) -> f64 {
    let sum = |t: &Tally| t.point_sums().map(|s| s.weight).sum::<f64>();
    let ratio = sum(segment) / sum(total);
    let shift = segment.weight_exponent() - total.weight_exponent();
    (ratio * 2f64.powi(shift)).clamp(0.0, 1.0)
}

fn finish<K: Ord + Clone>(
    keys: Vec<K>,
    segments: &Segmented<K>,
    comparisons: &mut [Result<Comparison, Error>],
    adjustment: Adjustment,
) -> Vec<SegmentTest<K>> {
    // p-values from this crate's tests are probabilities, so the
    // adjustment cannot fail; were it to, the raw p-values stand.
    let _ = multiplicity::adjust_comparisons(comparisons, adjustment);
    keys.into_iter()
        .zip(segments.iter())
        .zip(comparisons.iter())
        .map(|((key, (_, t)), c)| SegmentTest {
            key,
            n: t.n(),
            comparison: c.clone(),
        })
        .collect()
}
