//! Layer 4, **inference**: uncertainty over sufficient statistics.
//!
//! Owns the result types [`Estimate`](estimate::Estimate) and
//! [`Interval`](estimate::Interval), confidence levels and interval methods
//! ([`interval`]: shares, NPS, means, finite populations, Bayes, Tango,
//! hypergeometric) and design-based variance ([`design`]: linearized
//! moments, design effects, design-based intervals).
//!
//! Everything here takes counts, weight sums and moments — never a metric
//! type — and returns numbers, intervals and estimates. May import:
//! `foundation`, `counting`, `math`. A new interval method or variance
//! estimator goes here; the metric that uses it calls into it.

pub mod complex;
pub(crate) mod design;
pub(crate) mod estimate;
pub mod interval;
pub mod sequential;
