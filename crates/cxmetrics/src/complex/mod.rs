//! Complex survey designs over respondents: strata, clusters, domains,
//! replicate weights and calibration, with design-based (linearized or
//! replicate) standard errors equal to R's `survey` package.
//!
//! # State is tallies
//!
//! Every design here keeps sufficient statistics that are tallies, so a
//! design-based result is computed from tallies merged across threads,
//! shards or a query engine, never by re-reading respondents:
//!
//! | design | state kept | a SQL engine groups by |
//! |---|---|---|
//! | weights, strata, clusters, domains ([`SurveyDesign`]) | one [`crate::Tally`] per (stratum, cluster, domain) | stratum, cluster, domain, score |
//! | replicate weights ([`ReplicateDesign`]) | per domain: one tally of the full weights and one per replicate; the R × R Gram matrix of the replicate weights (for the rank) | domain, score (one `SUM` per replicate column); the Gram matrix is Σ rᵢrᵢᵀ over rows |
//! | calibration ([`Calibration`], once per survey; [`CalibratedDesign`] per question) | per (stratum, cluster, domain, calibration cell) and point: count, Σw, Σw² of the final weights, Σu, Σu², Σw·u of the untrimmed calibrated weights u = g·w₀ (plain sums: linear calibration may give negative weights); g and the model row per cell | stratum, cluster, domain, cell, score |
//!
//! The calibration itself (solving for g and trimming) is respondent-level
//! and done once per survey; g is constant within a calibration cell, so
//! every question's calibrated design is again a set of sums per cell.
//!
//! The statistic enters only as a value per scale point ([`PointValues`]):
//! the variance code works over point values and weight sums, never over
//! metric types.
//!
//! # Comparisons
//!
//! Two groups of one sample (channels, months, channel × month) are
//! domains of one design, compared by [`SurveyDesign::difference`]: the
//! variance is that of the difference of the domains' influence values
//! over the whole design (covariances through shared strata and clusters
//! included) and the degrees of freedom are the design's.
//!
//! Two independently drawn samples (two separate surveys) are one design
//! with the survey as a stratum (combined with the surveys' own strata if
//! they have any: number the pairs) and as the domain; their samples are
//! independent, so the variance of the difference is the sum of the two
//! variances, and the degrees of freedom those of the stacked design, as
//! R gives for `rbind`-ed data with `strata = ~survey`.
//!
//! The same respondents answering twice (a paired design) need the joint
//! tally of the two answers per cell; that is not covered here yet.
//!
//! # Degenerate cases
//!
//! When every positive-weight answer of the estimate's subset has the same
//! value the variance is exactly 0 (R returns rounding noise): the
//! standard error is 0, the Wald and t bounds equal the estimate, and no
//! design effect, Korn–Graubard or logit interval exists (an
//! [`crate::Error::ZeroVariance`]). A domain whose weights are all 0 is an
//! [`crate::Error::ZeroTotalWeight`] (R: NaN), 0 degrees of freedom make t
//! intervals an [`crate::Error::InvalidArgument`], and a difference whose
//! standard error is 0 has no t statistic, p-value or bounds (`None`).
//! Every `Ok` result holds finite numbers.

mod calibrate;
mod design;
mod estimate;
mod rank;
mod replicate;
mod values;

pub use calibrate::{CalibratedDesign, Calibration, CalibrationMethod, CalibrationOptions};
pub use design::{DesignKey, LonelyPsu, SurveyDesign};
pub use estimate::{Bounds, DesignEstimate, DesignTotal, DomainDifference, IntervalMethod};
pub use replicate::{ReplicateDesign, ReplicateKind};
pub use values::{PointValues, Statistic, ValueKind};
