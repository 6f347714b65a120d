//! The finite population correction.

use crate::error::Error;

/// The factor √((N − n)/(N − 1)) that multiplies a standard error when n
/// answers come from a population of N (1 without a population).
///
/// # Errors
///
/// [`Error::PopulationTooSmall`] when N < n.
pub(crate) fn factor(population: Option<u64>, n: u64) -> Result<f64, Error> {
    match population {
        None => Ok(1.0),
        Some(big_n) if big_n < n => Err(Error::PopulationTooSmall {
            population: big_n,
            n,
        }),
        // N = n: the whole population answered; no sampling error.
        Some(big_n) if big_n == n => Ok(0.0),
        Some(big_n) => Ok((((big_n - n) as f64) / ((big_n - 1) as f64)).sqrt()),
    }
}
