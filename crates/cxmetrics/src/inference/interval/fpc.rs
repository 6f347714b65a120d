//! The finite population correction.

use crate::foundation::error::Error;

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

/// The finite population correction as a factor on the sample size:
/// (N − 1)/(N − n), so that n·(N − 1)/(N − n) answers without a population
/// give the same standard error as n answers out of N. 1 without a
/// population; infinite for a census (N = n: no sampling error).
///
/// # Errors
///
/// [`Error::PopulationTooSmall`] when N < n.
pub(crate) fn inflation(population: Option<u64>, n: u64) -> Result<f64, Error> {
    match population {
        None => Ok(1.0),
        Some(big_n) if big_n < n => Err(Error::PopulationTooSmall {
            population: big_n,
            n,
        }),
        Some(big_n) if big_n == n => Ok(f64::INFINITY),
        // Both differences are exact in integers before the one rounding.
        Some(big_n) => Ok(((big_n - 1) as f64) / ((big_n - n) as f64)),
    }
}
