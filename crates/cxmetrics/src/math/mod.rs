//! Layer 3, **math**: distributions and special functions.
//!
//! Owns [`dist`]: normal, Student t, beta, chi-squared and F quantiles and
//! CDFs, the only code that calls `statrs`, every argument checked first;
//! `small_shape`: the incomplete beta when one shape is tiny (for `dist`);
//! and `spline`: R's cubic spline and linear interpolation (for the
//! profile-likelihood interval); both crate-private.
//!
//! May import: `foundation` (for [`Error`](crate::Error)). Nothing here
//! knows a survey; a new distribution or special function goes here.

pub mod dist;
pub(crate) mod small_shape;
pub(crate) mod spline;
