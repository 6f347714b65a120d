//! Multiple comparisons: adjusting a family of p-values.
//!
//! A dashboard that tests twelve months, or thirty segments, at 5% each
//! flags *something* in most years even when nothing changed: with twelve
//! independent null tests the chance of at least one false alarm is
//! 1 − 0.95¹² ≈ 46%. Adjusted p-values fix that. [`Adjustment::Holm`]
//! (the default) keeps the family-wise error rate — the chance of even one
//! false alarm — at α; [`Adjustment::BenjaminiHochberg`] keeps the false
//! discovery rate — the expected share of false alarms among the flagged —
//! at α, and flags more.
//!
//! # Example
//!
//! ```
//! use cxmetrics::multiplicity::{self, Adjustment};
//!
//! let p = [0.01, 0.04, 0.03, 0.20];
//! let holm = multiplicity::adjust(&p, Adjustment::Holm)?;
//! assert_eq!(holm, vec![0.04, 0.09, 0.09, 0.2]);
//! let bh = multiplicity::adjust(&p, Adjustment::BenjaminiHochberg)?;
//! assert_eq!(bh, vec![0.04, 0.05333333333333333, 0.05333333333333333, 0.2]); // 4/3 · 0.04
//! # Ok::<(), cxmetrics::Error>(())
//! ```

use std::fmt;

use crate::analysis::compare::Comparison;
use crate::foundation::error::Error;

/// How to adjust a family of p-values for multiple testing.
///
/// # Example
///
/// ```
/// use cxmetrics::multiplicity::Adjustment;
/// assert_eq!(Adjustment::default(), Adjustment::Holm);
/// assert_eq!(Adjustment::BenjaminiHochberg.to_string(), "Benjamini-Hochberg");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Adjustment {
    /// Holm's step-down method (Holm 1979): controls the family-wise error
    /// rate under any dependence between the tests. The default.
    #[default]
    Holm,
    /// Benjamini & Hochberg's step-up method (1995): controls the false
    /// discovery rate for independent (or positively dependent) tests.
    #[doc(alias = "BH")]
    #[doc(alias = "fdr")]
    BenjaminiHochberg,
    /// No adjustment: each p-value stands alone.
    Unadjusted,
}

impl fmt::Display for Adjustment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Adjustment::Holm => "Holm",
            Adjustment::BenjaminiHochberg => "Benjamini-Hochberg",
            Adjustment::Unadjusted => "unadjusted",
        })
    }
}

/// The adjusted p-values of a family, in the input order; they equal R's
/// `p.adjust(p, method = "holm")` and `p.adjust(p, method = "BH")`.
///
/// # Formula
///
/// With the m p-values sorted, p₍₁₎ ≤ … ≤ p₍ₘ₎:
///
/// ```text
/// Holm:                 adj₍ᵢ₎ = min(1, max_{j ≤ i} (m − j + 1)·p₍ⱼ₎)
/// Benjamini–Hochberg:   adj₍ᵢ₎ = min(1, min_{j ≥ i} (m / j)·p₍ⱼ₎)
/// ```
///
/// Tied p-values get equal adjusted values; a family of one is returned
/// unchanged, and an empty family gives an empty result.
///
/// # Errors
///
/// [`Error::InvalidArgument`] naming the first p-value that is not in
/// 0..=1 (NaN included).
///
/// # References
///
/// Holm, S. (1979), "A simple sequentially rejective multiple test
/// procedure", *Scandinavian Journal of Statistics* 6. Benjamini, Y. &
/// Hochberg, Y. (1995), "Controlling the false discovery rate", *Journal of
/// the Royal Statistical Society B* 57.
///
/// # Example
///
/// ```
/// use cxmetrics::multiplicity::{self, Adjustment};
/// // Twelve months, one real change: Holm keeps only the strong signal.
/// let mut p = vec![0.5; 12];
/// p[3] = 0.001;
/// p[7] = 0.02;
/// let adj = multiplicity::adjust(&p, Adjustment::Holm)?;
/// assert!((adj[3] - 0.012).abs() < 1e-15 && adj[7] > 0.05);
/// assert!(multiplicity::adjust(&[0.5, f64::NAN], Adjustment::Holm).is_err());
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn adjust(p_values: &[f64], method: Adjustment) -> Result<Vec<f64>, Error> {
    if let Some(&bad) = p_values.iter().find(|p| !(0.0..=1.0).contains(*p)) {
        return Err(Error::InvalidArgument {
            name: "p-value",
            value: bad,
            expected: "a probability in 0..=1",
        });
    }
    let m = p_values.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&i, &j| p_values[i].total_cmp(&p_values[j]));
    let mut adjusted = vec![0.0; m];
    let mf = m as f64;
    match method {
        Adjustment::Unadjusted => adjusted.copy_from_slice(p_values),
        Adjustment::Holm => {
            let mut running: f64 = 0.0;
            for (rank, &i) in order.iter().enumerate() {
                running = running.max((mf - rank as f64) * p_values[i]);
                adjusted[i] = running.min(1.0);
            }
        }
        Adjustment::BenjaminiHochberg => {
            let mut running: f64 = 1.0;
            for (rank, &i) in order.iter().enumerate().rev() {
                running = running.min(mf / (rank as f64 + 1.0) * p_values[i]);
                adjusted[i] = running;
            }
        }
    }
    // Ties share one value: the step-down (Holm) and step-up (BH) passes
    // already give equal p-values equal results, since the running max or
    // min passes through all of them; `p.adjust` agrees.
    Ok(adjusted)
}

/// Adjusts a family of comparisons together: sets each one's
/// `adjusted_p_value` and makes `significant` follow it. Comparisons that
/// could not be made (`Err`) are not part of the family.
///
/// # Example
///
/// ```
/// use cxmetrics::multiplicity::{self, Adjustment};
/// use cxmetrics::{ConfidenceLevel, Nps, compare};
///
/// let weeks = [
///     Nps::from_counts(50, 30, 20)?,
///     Nps::from_counts(44, 30, 26)?,
///     Nps::from_counts(52, 28, 20)?,
///     Nps::from_counts(40, 32, 28)?,
/// ];
/// let mut changes: Vec<_> = weeks
///     .windows(2)
///     .map(|w| compare::nps(&w[1], &w[0], ConfidenceLevel::P95))
///     .collect();
/// multiplicity::adjust_comparisons(&mut changes, Adjustment::Holm)?;
/// for c in changes.iter().flatten() {
///     assert!(c.adjusted_p_value.unwrap() >= c.p_value);
/// }
/// # Ok::<(), cxmetrics::Error>(())
/// ```
///
/// # Errors
///
/// As [`adjust`] (a p-value outside 0..=1 cannot come from this crate's
/// tests).
pub fn adjust_comparisons(
    comparisons: &mut [Result<Comparison, Error>],
    method: Adjustment,
) -> Result<(), Error> {
    adjust_family(comparisons.iter_mut().flatten().collect(), method)
}

/// [`adjust_comparisons`] for comparisons that travel with a label (a
/// segment's key, a period, a question): the labels stay beside their
/// results, in the order given.
///
/// # Example
///
/// ```
/// use cxmetrics::multiplicity::{self, Adjustment};
/// use cxmetrics::{ConfidenceLevel, Nps, compare};
///
/// let base = Nps::from_counts(50, 30, 20)?;
/// let mut by_channel = vec![
///     ("web", compare::nps(&Nps::from_counts(40, 30, 30)?, &base, ConfidenceLevel::P95)),
///     ("app", compare::nps(&Nps::from_counts(52, 28, 20)?, &base, ConfidenceLevel::P95)),
/// ];
/// multiplicity::adjust_labeled(&mut by_channel, Adjustment::Holm)?;
/// let (label, web) = &by_channel[0];
/// assert_eq!(*label, "web");
/// // Holm with two tests: the smaller p-value doubles.
/// let web = web.as_ref().unwrap();
/// assert!((web.adjusted_p_value.unwrap() - 2.0 * web.p_value).abs() < 1e-12);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
///
/// # Errors
///
/// As [`adjust_comparisons`].
pub fn adjust_labeled<L>(
    comparisons: &mut [(L, Result<Comparison, Error>)],
    method: Adjustment,
) -> Result<(), Error> {
    adjust_family(
        comparisons
            .iter_mut()
            .filter_map(|(_, c)| c.as_mut().ok())
            .collect(),
        method,
    )
}

/// Sets the adjusted p-values of one family and the decisions that follow.
fn adjust_family(family: Vec<&mut Comparison>, method: Adjustment) -> Result<(), Error> {
    let p: Vec<f64> = family.iter().map(|c| c.p_value).collect();
    let adjusted = adjust(&p, method)?;
    for (c, adj) in family.into_iter().zip(adjusted) {
        c.adjusted_p_value = Some(adj);
        *c = c.decided();
    }
    Ok(())
}
