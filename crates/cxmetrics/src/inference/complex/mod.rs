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
//! # Example: a stratified, clustered sample, month over month per channel
//!
//! ```
//! use cxmetrics::Scale;
//! use cxmetrics::complex::{DesignKey, IntervalMethod, PointValues, Statistic, SurveyDesign};
//!
//! // Customers sampled by store (cluster) within region (stratum); the
//! // domain numbers channel × month: channel c in month m is 10·c + m.
//! let mut design = SurveyDesign::new(Scale::NPS);
//! let answers = [
//!     // (score, weight, region, store, channel, month)
//!     (10u8, 1.2, 0, 1, 0, 1), (9, 0.8, 0, 1, 1, 1), (6, 1.5, 0, 2, 0, 2), (8, 1.0, 0, 2, 1, 2),
//!     (3, 2.0, 0, 3, 0, 1), (10, 1.1, 0, 3, 0, 2), (9, 0.9, 1, 4, 1, 1), (10, 1.3, 1, 4, 0, 2),
//!     (7, 1.0, 1, 5, 0, 1), (2, 1.7, 1, 5, 1, 2), (9, 1.2, 1, 6, 0, 2), (5, 0.6, 1, 6, 1, 1),
//! ];
//! for (score, w, region, store, channel, month) in answers {
//!     let key = DesignKey::new().stratum(region).cluster(store).domain(10 * channel + month);
//!     design.push(score, w, key)?;
//! }
//! let nps = PointValues::new(Scale::NPS, Statistic::Nps)?;
//! // Channel 0, month 2 against month 1: a contrast of two domains of one
//! // design, with the design's degrees of freedom (6 stores − 2 regions).
//! let change = design.difference(&nps, 2, 1, 0.95)?;
//! assert_eq!(change.df, 4);
//! assert!(change.std_error > 0.0 && change.p_value.is_some());
//! let month2 = design.estimate(&nps, Some(2))?;
//! let t = month2.interval(IntervalMethod::TFull, 0.95)?;
//! assert!(t.lower >= -100.0 && t.upper <= 100.0);
//! # Ok::<(), cxmetrics::Error>(())
//! ```
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
//! The same respondents answering twice (a paired design) are one design
//! on the product scale of the two answers ([`PointValues::paired`]): the
//! cells then hold the joint tally of the pairs, and the estimate of
//! h(x, y) = g₁(x) − g₂(y) is the paired difference with its covariance.
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
