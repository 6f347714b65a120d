//! Scores: pure functions of a [`Tally`](crate::Tally).
//!
//! Nothing here keeps state of its own. Every score uses the tally's
//! weight sums, which equal its counts when answers are unweighted, so one
//! code path serves weighted and unweighted data alike.

pub(crate) mod distribution;
pub(crate) mod mean;
pub(crate) mod nps;
pub(crate) mod score;
pub(crate) mod top_box;

/// Checks of deserialized scores: each returns the reason a value breaks
/// an invariant.
#[cfg(feature = "serde")]
pub(crate) mod check {
    use crate::foundation::error::Error;

    /// Relative slack for sums of shares and scores recomputed from them.
    const SLACK: f64 = 1e-9;

    pub(crate) fn fail(what: &'static str, reason: String) -> Error {
        Error::InvalidResult { what, reason }
    }

    /// A share must be finite and within 0..=1.
    pub(crate) fn share(what: &'static str, name: &str, x: f64) -> Result<(), Error> {
        if (0.0..=1.0).contains(&x) {
            Ok(())
        } else {
            Err(fail(what, format!("{name} {x} is not a share in 0..=1")))
        }
    }

    /// Shares of a whole must add up to 1.
    pub(crate) fn whole(what: &'static str, sum: f64) -> Result<(), Error> {
        if (sum - 1.0).abs() <= SLACK {
            Ok(())
        } else {
            Err(fail(what, format!("the shares add up to {sum}, not 1")))
        }
    }

    /// A value recomputed from the parts must match the one given.
    pub(crate) fn matches(
        what: &'static str,
        name: &str,
        given: f64,
        parts: f64,
    ) -> Result<(), Error> {
        if (given - parts).abs() <= SLACK * parts.abs().max(1.0) {
            Ok(())
        } else {
            Err(fail(
                what,
                format!("{name} {given} does not match its parts ({parts})"),
            ))
        }
    }

    /// n must be positive and the Kish effective n in (0, n].
    pub(crate) fn sizes(what: &'static str, n: u64, effective_n: f64) -> Result<(), Error> {
        if n == 0 {
            return Err(fail(what, "n is 0".to_string()));
        }
        if effective_n > 0.0 && effective_n <= n as f64 * (1.0 + SLACK) {
            Ok(())
        } else {
            Err(fail(
                what,
                format!("effective n {effective_n} is not in (0, n = {n}]"),
            ))
        }
    }
}
