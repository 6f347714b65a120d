//! Customer-experience survey metrics — Net Promoter Score, CSAT and
//! Customer Effort Score — over a fast, exact, mergeable aggregation core.
//!
//! ```
//! use cxmetrics::{Mean, Nps, Scale, Tally, TopBox};
//!
//! // "How likely are you to recommend us?" on 0–10.
//! let nps = Tally::from_scores(Scale::NPS, &[10u8, 9, 9, 8, 7, 6, 3, 10, 9, 5])?;
//! assert_eq!(Nps::from_tally(&nps)?.score(), 20.0); // 5 promoters, 3 detractors
//!
//! // CSAT on 1–5: the top-2 box (4 and 5) and the mean.
//! let csat = Tally::from_scores(Scale::CSAT_5, &[5, 4, 4, 3, 5, 2])?;
//! assert_eq!(TopBox::top(&csat, 2)?.share(), 4.0 / 6.0);
//! assert_eq!(Mean::from_tally(&csat)?.mean(), 23.0 / 6.0);
//!
//! // Effort on 1–5 where 1 is very easy: "% easy" follows the polarity.
//! let ces = Tally::from_scores(Scale::CES_5, &[1, 2, 2, 4])?;
//! assert_eq!(TopBox::top(&ces, 2)?.points(), 1..=2);
//! # Ok::<(), cxmetrics::Error>(())
//! ```
//!
//! # Overview
//!
//! Data moves one way:
//!
//! ```text
//! raw score ──Scale::rating──▶ Rating ──▶ Response ──push/extend──▶ Tally
//!                                                                    │
//!              Nps · NetScore · TopBox · Mean · Distribution ◀───────┘
//! ```
//!
//! - A [`Scale`] is a validated range of whole-number points with a
//!   [`Polarity`]. Presets cover NPS (0–10), CSAT (1–5, 1–7, 1–10) and CES
//!   (1–7 where high is easy, 1–5 where low is easy).
//! - A [`Rating`] is a point known to lie on its scale; a [`Response`] is a
//!   rating with a [`Weight`], or "not applicable".
//! - A [`Tally`] keeps counts and weight sums per point. It is the only
//!   state: every score is a pure function of it, it merges exactly with
//!   [`Tally::merge`], and (with the `serde` feature) it serializes into a
//!   message or a database row and is checked again on the way back in.
//! - Scores: [`Nps`], [`NetScore`], [`TopBox`] (CSAT %, "% easy"),
//!   [`Mean`] (with variance and a 0–100 index) and [`Distribution`].
//! - Each score's `estimate` gives an [`Estimate`]: the value, its standard
//!   error and confidence interval ([`interval`]); [`compare`] tests
//!   whether two groups differ; [`plan`] sizes a survey.
//!
//! # Examples
//!
//! ### Weighted answers and "not applicable"
//!
//! ```
//! use cxmetrics::{Response, Scale, Tally, TopBox, Weight};
//!
//! let mut t = Tally::new(Scale::CSAT_5);
//! t.push(Response::weighted(Scale::CSAT_5.rating(5)?, Weight::new(2.0)?))?;
//! t.push(Response::weighted(Scale::CSAT_5.rating(2)?, Weight::new(1.0)?))?;
//! t.push(Response::NotApplicable)?;
//! assert_eq!(TopBox::top(&t, 2)?.share(), 2.0 / 3.0);
//! assert_eq!(t.not_applicable(), 1);
//! # Ok::<(), cxmetrics::Error>(())
//! ```
//!
//! ### Merging shards
//!
//! ```
//! use cxmetrics::{Scale, Tally};
//!
//! let shards = [vec![10u8, 9, 3], vec![7, 8], vec![]];
//! let mut total = Tally::new(Scale::NPS);
//! for shard in &shards {
//!     total.merge(&Tally::from_scores(Scale::NPS, shard)?)?;
//! }
//! assert_eq!(total, Tally::from_scores(Scale::NPS, &[10u8, 9, 3, 7, 8])?);
//! # Ok::<(), cxmetrics::Error>(())
//! ```
//!
//! ### NPS with an interval, and did it really move?
//!
//! ```
//! use cxmetrics::{ConfidenceLevel, Nps, compare};
//!
//! let march = Nps::from_counts(200, 100, 100)?; // promoters, passives, detractors
//! let april = Nps::from_counts(150, 150, 100)?;
//! let est = april.estimate(ConfidenceLevel::P95)?; // adjusted Wald
//! assert_eq!(est.to_string(), "12.5 (95% CI 4.8 to 20.0, n = 400)");
//! let change = compare::nps(&march, &april, ConfidenceLevel::P95)?;
//! assert!(change.significant); // +12.5 points, p ≈ 0.028
//! # Ok::<(), cxmetrics::Error>(())
//! ```
//!
//! ### CSAT top-2 with an interval of your choice
//!
//! ```
//! use cxmetrics::interval::{IntervalSpec, ProportionMethod};
//! use cxmetrics::{ConfidenceLevel, Scale, Tally, TopBox};
//!
//! let t = Tally::from_counts(Scale::CSAT_5, &[3, 2, 8, 20, 17])?;
//! let top2 = TopBox::top(&t, 2)?;
//! let wilson = top2.estimate(ConfidenceLevel::P95)?;
//! let exact = top2.estimate_with(ProportionMethod::ClopperPearson, ConfidenceLevel::P95)?;
//! assert!(exact.interval.width() > wilson.interval.width());
//! // 50 answers out of 120 customers: the finite population correction.
//! let fpc = top2.estimate(IntervalSpec::new(ConfidenceLevel::P95).population(120))?;
//! assert!(fpc.interval.width() < wilson.interval.width());
//! # Ok::<(), cxmetrics::Error>(())
//! ```
//!
//! ### How many answers do I need?
//!
//! ```
//! use cxmetrics::{ConfidenceLevel, plan};
//!
//! // NPS within ±5 points, expecting 40% promoters and 20% detractors.
//! assert_eq!(plan::sample_size_nps(5.0, 0.4, 0.2, ConfidenceLevel::P95)?.n_ceil, 861);
//! # Ok::<(), cxmetrics::Error>(())
//! ```
//!
//! # Choosing an interval method
//!
//! - **Shares** (CSAT %, "% easy"): Wilson score is the default, as Brown,
//!   Cai & DasGupta (2001) recommend; Jeffreys is as good; Clopper–Pearson
//!   is conservative (wider than needed); Wald is poor at small n or shares
//!   near 0 or 1 and is offered for comparison with other tools.
//! - **NPS**: adjusted Wald (Sauro & Lewis, after Rocks 2016) is the
//!   default: better coverage than Wald at the small samples typical of a
//!   segment. The trinomial t interval is close to Wald.
//! - **Means**: the Student t interval; weighted data use Kish's effective
//!   sample size.
//! - **Differences of shares**: Newcombe's hybrid score interval
//!   (default) over the unpooled Wald.
//!
//! Every method cites its source in its docs, and every interval takes an
//! optional population size for the finite population correction.
//!
//! # Numerical accuracy
//!
//! Every number is tested against statsmodels and scipy (or, where no
//! library implements a method, its published formula) to a relative
//! tolerance of 1e-9: the reference cases of the project and some 2,400
//! more over n = 1 to 10⁷, shares of 0 and 1, levels 0.5 to 0.999 and t
//! degrees of freedom 1 to 10⁷. The quantiles behind the intervals
//! ([`dist`]) are computed here rather than taken from `statrs`, whose
//! inverse t and beta CDFs miss that tolerance for large parameters; they
//! agree with scipy to about 1e-14. Weight sums use compensated summation.
//!
//! ### Segments and trends
//!
//! ```
//! use cxmetrics::segment::Score;
//! use cxmetrics::{ConfidenceLevel, Scale, Segmented};
//!
//! let mut by_channel = Segmented::new(Scale::NPS);
//! by_channel.extend_scores(&["web", "app", "web", "app", "web"], &[10u8, 3, 9, 10, 6])?;
//! for row in by_channel.ranking(Score::nps(), ConfidenceLevel::P95, 2) {
//!     println!("{}: {:?}", row.key, row.estimate.map(|e| e.value));
//! }
//! # Ok::<(), cxmetrics::Error>(())
//! ```
//!
//! ### Many threads, no lock
//!
//! [`AtomicTally`] takes answers from any number of threads at once and
//! hands out a [`Tally`] snapshot to score. For weighted answers, give each
//! thread its own `Tally` and merge them on read.
//!
//! # Performance
//!
//! The `&[u8]` fast paths count by compare-and-count kernels the compiler
//! vectorises, compiled twice (portable and AVX2) and chosen at run time:
//! about 14 × 10⁹ scores per second for a full tally on one core, 9 × 10⁹
//! portable, and more for NPS alone ([`Nps::from_scores`]). Segments with
//! `u8`/`u16` keys and weighted scores run at about 10⁹ per second. See the
//! README for the benchmark table.
//!
//! # Errors and panics
//!
//! Every fallible operation returns [`Error`], whose variants carry the
//! values that were wrong. Empty input is an error ([`Error::EmptyTally`]),
//! never NaN. Batches are all-or-nothing, merges check before they change
//! anything, and counts never wrap or saturate. No input reachable through
//! the public API panics.
//!
//! # Crate features
//!
//! - `serde` (off by default): `Serialize` for every public data type, and
//!   `Deserialize` for the inputs, the [`Tally`] and [`Segmented`], which run
//!   the same checks as building them. Parse JSON with `serde_json`'s
//!   `float_roundtrip` feature so weight sums survive bit for bit.
//!
//! # Rust version
//!
//! The minimum supported Rust version is 1.89 (required by `statrs` 0.19).
//! Raising it is a minor-version change, noted in the changelog.

#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(missing_docs)]
#![deny(unsafe_code)]
#![warn(missing_debug_implementations, unreachable_pub)]
#![deny(rustdoc::broken_intra_doc_links)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod compare;
mod concurrent;
mod count;
pub mod dist;
mod error;
mod estimate;
pub mod interval;
mod metric;
pub mod plan;
mod response;
mod scale;
pub mod segment;
mod simd;
mod sum;
mod tally;

pub use crate::concurrent::AtomicTally;
pub use crate::error::Error;
pub use crate::estimate::{Estimate, Interval};
pub use crate::interval::ConfidenceLevel;
pub use crate::metric::distribution::{Distribution, PointShare};
pub use crate::metric::mean::Mean;
pub use crate::metric::nps::{NetScore, Nps};
pub use crate::metric::top_box::TopBox;
pub use crate::response::{Response, Weight};
pub use crate::scale::{Polarity, Rating, Scale, ScoreValue};
pub use crate::segment::Segmented;
pub use crate::tally::Tally;

/// Runs the README's code as a doc-test, so it cannot drift.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
