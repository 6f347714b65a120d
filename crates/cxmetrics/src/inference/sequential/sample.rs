//! The sufficient statistic of a stream of bounded observations.

use crate::foundation::error::Error;

/// n, the mean and the centred sum of squares of observations known to lie
/// in `[lower, upper]`: all a confidence sequence for their mean needs.
///
/// Built from per-value counts ([`BoundedSample::from_counts`], the form a
/// [`Tally`](crate::Tally) has), from a count of successes
/// ([`BoundedSample::bernoulli`]) or directly ([`BoundedSample::new`]).
/// Two samples of the same range [merge](BoundedSample::merge) (Chan,
/// Golub & LeVeque 1979), so the state of a live stream is O(1) and
/// independent of how it was split into batches.
///
/// # Example
///
/// ```
/// use cxmetrics::sequential::BoundedSample;
/// // NPS answers as −1 (detractor), 0 (passive), 1 (promoter).
/// let s = BoundedSample::from_counts(&[-1.0, 0.0, 1.0], &[25, 30, 45], -1.0, 1.0)?;
/// assert_eq!(s.n(), 100);
/// assert!((s.mean() - 0.2).abs() < 1e-15);
/// let a = BoundedSample::bernoulli(3, 10)?;
/// let b = BoundedSample::bernoulli(7, 10)?;
/// let (merged, whole) = (a.merge(&b)?, BoundedSample::bernoulli(10, 20)?);
/// assert_eq!((merged.n(), merged.mean()), (whole.n(), whole.mean()));
/// assert!((merged.m2() - whole.m2()).abs() < 1e-12);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "SampleRepr", into = "SampleRepr")
)]
pub struct BoundedSample {
    n: u64,
    mean: f64,
    m2: f64,
    lower: f64,
    upper: f64,
}

/// The serialized form of a [`BoundedSample`], checked on the way in.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
struct SampleRepr {
    n: u64,
    mean: f64,
    m2: f64,
    lower: f64,
    upper: f64,
}

#[cfg(feature = "serde")]
impl TryFrom<SampleRepr> for BoundedSample {
    type Error = Error;

    fn try_from(r: SampleRepr) -> Result<BoundedSample, Error> {
        BoundedSample::new(r.n, r.mean, r.m2, r.lower, r.upper)
    }
}

#[cfg(feature = "serde")]
impl From<BoundedSample> for SampleRepr {
    fn from(s: BoundedSample) -> SampleRepr {
        SampleRepr {
            n: s.n,
            mean: s.mean,
            m2: s.m2,
            lower: s.lower,
            upper: s.upper,
        }
    }
}

impl BoundedSample {
    /// A sample of `n` observations in `[lower, upper]` with mean `mean` and
    /// centred sum of squares `m2` = Σ(xᵢ − mean)².
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] naming the value when `lower` and `upper`
    /// are not finite with `lower < upper`, `n` is 0, `mean` is outside
    /// `[lower, upper]`, or `m2` is negative, not finite or above the most
    /// a sample in that range can have, n·(upper − lower)²/4.
    pub fn new(n: u64, mean: f64, m2: f64, lower: f64, upper: f64) -> Result<BoundedSample, Error> {
        check_range(lower, upper)?;
        if n == 0 {
            return Err(Error::InvalidArgument {
                name: "number of observations",
                value: 0.0,
                expected: "at least 1 observation",
            });
        }
        if !(mean >= lower && mean <= upper) {
            return Err(Error::InvalidArgument {
                name: "mean",
                value: mean,
                expected: "a finite mean within the observations' range",
            });
        }
        let r = upper - lower;
        let most = n as f64 * r * r / 4.0;
        if !(m2 >= 0.0 && m2 <= most * (1.0 + 1e-12) && m2.is_finite()) {
            return Err(Error::InvalidArgument {
                name: "centred sum of squares",
                value: m2,
                expected: "a finite number from 0 to n·(upper − lower)²/4",
            });
        }
        Ok(BoundedSample {
            n,
            mean,
            m2: m2.min(most),
            lower,
            upper,
        })
    }

    /// `successes` out of `n` 0/1 observations (range `[0, 1]`).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] when `n` is 0 or `successes > n`.
    pub fn bernoulli(successes: u64, n: u64) -> Result<BoundedSample, Error> {
        if successes > n {
            return Err(Error::InvalidArgument {
                name: "successes",
                value: successes as f64,
                expected: "at most the number of observations",
            });
        }
        BoundedSample::from_counts(&[0.0, 1.0], &[n - successes, successes], 0.0, 1.0)
    }

    /// The sample of `counts[i]` observations equal to `values[i]`.
    ///
    /// The mean and the centred sum of squares are computed in two passes
    /// over the values (no cancellation), so the result depends on the
    /// counts only, not on the order the observations came in.
    ///
    /// # Errors
    ///
    /// [`Error::LengthMismatch`] when the slices differ in length;
    /// [`Error::InvalidArgument`] for a bad range, a value outside it or
    /// no observations at all; [`Error::CountOverflow`] when the counts
    /// add up past `u64::MAX`.
    pub fn from_counts(
        values: &[f64],
        counts: &[u64],
        lower: f64,
        upper: f64,
    ) -> Result<BoundedSample, Error> {
        check_range(lower, upper)?;
        if values.len() != counts.len() {
            return Err(Error::LengthMismatch {
                left_name: "values",
                left: values.len(),
                right_name: "counts",
                right: counts.len(),
            });
        }
        let mut n: u64 = 0;
        for (&v, &c) in values.iter().zip(counts) {
            if !(v >= lower && v <= upper) {
                return Err(Error::InvalidArgument {
                    name: "value",
                    value: v,
                    expected: "a value within the observations' range",
                });
            }
            n = n.checked_add(c).ok_or(Error::CountOverflow {
                count: n,
                added: c,
                what: "observations",
            })?;
        }
        if n == 0 {
            return Err(Error::InvalidArgument {
                name: "number of observations",
                value: 0.0,
                expected: "at least 1 observation",
            });
        }
        let nf = n as f64;
        // Offsets from `lower` keep the mean of nearby values precise.
        let offset: f64 = values
            .iter()
            .zip(counts)
            .map(|(&v, &c)| c as f64 * (v - lower))
            .sum::<f64>()
            / nf;
        let mean = (lower + offset).clamp(lower, upper);
        let m2: f64 = values
            .iter()
            .zip(counts)
            .map(|(&v, &c)| {
                let d = (v - lower) - offset;
                c as f64 * d * d
            })
            .sum();
        BoundedSample::new(n, mean, m2, lower, upper)
    }

    /// The pooled sample (Chan, Golub & LeVeque 1979):
    /// m2 = m2₁ + m2₂ + δ²·n₁n₂/(n₁ + n₂).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] when the ranges differ;
    /// [`Error::CountOverflow`] when the counts add up past `u64::MAX`.
    pub fn merge(&self, other: &BoundedSample) -> Result<BoundedSample, Error> {
        if self.lower != other.lower || self.upper != other.upper {
            return Err(Error::InvalidArgument {
                name: "upper bound of the merged sample",
                value: other.upper,
                expected: "the same range as the sample merged into",
            });
        }
        let n = self.n.checked_add(other.n).ok_or(Error::CountOverflow {
            count: self.n,
            added: other.n,
            what: "observations",
        })?;
        let (n1, n2, nf) = (self.n as f64, other.n as f64, n as f64);
        let delta = other.mean - self.mean;
        let mean = (self.mean + delta * (n2 / nf)).clamp(self.lower, self.upper);
        let m2 = self.m2 + other.m2 + delta * delta * (n1 / nf) * n2;
        BoundedSample::new(n, mean, m2, self.lower, self.upper)
    }

    /// The number of observations.
    #[must_use]
    pub fn n(&self) -> u64 {
        self.n
    }

    /// The mean.
    #[must_use]
    pub fn mean(&self) -> f64 {
        self.mean
    }

    /// Σ(xᵢ − mean)².
    #[must_use]
    pub fn m2(&self) -> f64 {
        self.m2
    }

    /// The lower end of the observations' range.
    #[must_use]
    pub fn lower(&self) -> f64 {
        self.lower
    }

    /// The upper end of the observations' range.
    #[must_use]
    pub fn upper(&self) -> f64 {
        self.upper
    }

    /// `upper − lower`.
    #[must_use]
    pub fn range(&self) -> f64 {
        self.upper - self.lower
    }

    /// The mean mapped to [0, 1]: (mean − lower)/(upper − lower).
    pub(crate) fn unit_mean(&self) -> f64 {
        ((self.mean - self.lower) / self.range()).clamp(0.0, 1.0)
    }

    /// The regularized variance ((upper − lower)²/4 + m2)/(n + 1): the
    /// sample variance with one pseudo-observation of the largest variance
    /// the range allows, positive even when every observation is equal
    /// (Waudby-Smith & Ramdas 2024 regularize their plug-in the same way),
    /// here of the sample mapped to [0, 1] (divided by the range squared):
    /// (1/4 + m2/R²)/(n + 1). Computed without squaring the range, it
    /// neither overflows (a range near `f64::MAX`) nor underflows (a range
    /// near 1e-160), and is at least 1/(4(n + 1)).
    pub(crate) fn regularized_unit_variance(&self) -> f64 {
        let r = self.range();
        (0.25 + self.m2 / r / r) / (self.n as f64 + 1.0)
    }
}

fn check_range(lower: f64, upper: f64) -> Result<(), Error> {
    if !(lower.is_finite() && upper.is_finite() && lower < upper && (upper - lower).is_finite()) {
        return Err(Error::InvalidArgument {
            name: "upper bound of the range",
            value: upper,
            expected: "finite bounds with lower < upper",
        });
    }
    Ok(())
}
