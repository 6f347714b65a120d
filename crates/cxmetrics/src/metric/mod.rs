//! Scores: pure functions of a [`Tally`](crate::Tally).
//!
//! Nothing here keeps state of its own. Every score uses the tally's
//! weight sums, which equal its counts when answers are unweighted, so one
//! code path serves weighted and unweighted data alike.

pub(crate) mod distribution;
pub(crate) mod mean;
pub(crate) mod nps;
pub(crate) mod top_box;

/// The counts the binomial and multinomial interval methods take: the exact
/// answer counts when the answers are unweighted (then the Kish n equals n
/// and every share is its count over n), else each share times the Kish
/// effective sample size. Returns the counts and the total they are out of.
pub(crate) fn method_counts<const K: usize>(
    n: u64,
    effective_n: f64,
    parts: [(u64, f64); K],
) -> ([f64; K], f64) {
    let total = n as f64;
    let unweighted = effective_n == total
        && parts
            .iter()
            .all(|&(count, share)| share == count as f64 / total);
    if unweighted {
        (parts.map(|(count, _)| count as f64), total)
    } else {
        (parts.map(|(_, share)| share * effective_n), effective_n)
    }
}
