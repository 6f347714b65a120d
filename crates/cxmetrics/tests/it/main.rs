//! The one integration-test binary: one module per area.

mod accuracy;
mod design;
mod design_compare;
mod errors;
mod fuzz;
#[cfg(feature = "serde")]
mod fuzz_replay;
mod grouped;
mod hardening;
mod hardening2;
mod input;
mod intervals;
mod live_inference;
mod multiplicity;
mod nps_inference;
mod paired;
mod period;
mod properties;
mod quantile;
mod reference;
mod scores;
mod segments;
#[cfg(feature = "serde")]
mod serde;
mod survey;
mod tally;
mod units;

use cxmetrics::interval::{NpsMethod, ProportionMethod};

/// Every share interval method.
pub const PROPORTION_METHODS: [ProportionMethod; 6] = [
    ProportionMethod::Wald,
    ProportionMethod::Wilson,
    ProportionMethod::WilsonCc,
    ProportionMethod::AgrestiCoull,
    ProportionMethod::ClopperPearson,
    ProportionMethod::Jeffreys,
];

/// Every NPS interval method.
pub const NPS_METHODS: [NpsMethod; 3] = [
    NpsMethod::Wald,
    NpsMethod::AdjustedWald,
    NpsMethod::TrinomialT,
];

/// Relative tolerance for every floating-point comparison in the suite.
pub const REL_TOL: f64 = 1e-9;
/// Absolute tolerance for expected values within this distance of zero.
pub const ABS_TOL: f64 = 1e-12;

/// Asserts `actual` agrees with `expected` to [`REL_TOL`] (or [`ABS_TOL`]
/// near zero).
#[track_caller]
pub fn assert_close(actual: f64, expected: f64, what: &str) {
    let ok = if expected.abs() <= ABS_TOL {
        (actual - expected).abs() <= ABS_TOL
    } else {
        ((actual - expected) / expected).abs() <= REL_TOL
    };
    assert!(ok, "{what}: got {actual:e}, expected {expected:e}");
}
