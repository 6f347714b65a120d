//! Which variance a weighted score takes: design-based or Kish's.

/// How the standard error of a score of *weighted* answers is computed.
///
/// Unweighted tallies (every weight 1, or every weight equal) always use the ordinary binomial,
/// multinomial or Student t standard errors, whatever this says.
///
/// # Example
///
/// ```
/// use cxmetrics::design::VarianceMethod;
/// use cxmetrics::interval::IntervalSpec;
/// assert_eq!(VarianceMethod::default(), VarianceMethod::Linearized);
/// let spec = IntervalSpec::default().variance(VarianceMethod::Kish);
/// assert_eq!(spec.variance_method(), VarianceMethod::Kish);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum VarianceMethod {
    /// Taylor linearization for a with-replacement design without strata
    /// or clusters (R `survey`'s `svymean`): right whether or not the
    /// weights relate to the answers. Share intervals run at the
    /// Korn–Graubard effective sample size; NPS and means use Wald or
    /// Student t with n₊ − 1 degrees of freedom (n₊ answers of positive
    /// weight). The default.
    #[default]
    Linearized,
    /// Kish's effective sample size (Σw)²/Σw² in place of n in the
    /// unweighted formulas: right only when the weights are unrelated to
    /// the answers. Kept for comparison with tools that use it.
    Kish,
}
