//! Customer-experience survey metrics — Net Promoter Score, CSAT and
//! Customer Effort Score — with honest statistics, over a fast, exact,
//! mergeable aggregation core.
//!
//! ```
//! use cxmetrics::{ConfidenceLevel, Nps, Scale, Tally};
//!
//! // "How likely are you to recommend us?" on 0–10.
//! let tally = Tally::from_scores(Scale::NPS, &[10u8, 9, 9, 8, 7, 6, 3, 10, 9, 5])?;
//! let nps = Nps::from_tally(&tally)?;
//! assert_eq!(nps.score(), 20.0); // 5 promoters − 3 detractors, of 10
//! let est = nps.estimate(ConfidenceLevel::P95)?; // adjusted-Wald interval
//! assert_eq!(est.to_string(), "20.0 (95% CI -30.3 to 61.1, n = 10)");
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
//!        Nps · NetScore · TopBox · Mean · Distribution ◀─────────────┘
//!              │ estimate(level, method, population)
//!              ▼
//!          Estimate ──▶ compare · Segmented (segments, trends) · plan
//! ```
//!
//! ## Choosing a scale and its direction
//!
//! A [`Scale`] is a validated range of whole-number points with a
//! [`Polarity`]: which end is good. Presets cover the usual questions:
//! [`Scale::NPS`] (0–10), [`Scale::CSAT_5`], [`Scale::CSAT_7`],
//! [`Scale::CSAT_10`], [`Scale::CES_7`] (Gartner's CES 2.0 agreement item,
//! 7 = easy) and [`Scale::CES_5`] (effort asked as 1 = very easy, so *lower
//! is better*). [`Scale::new`] builds any other Likert or slider scale of up
//! to 1,001 points. Every "good share" ([`TopBox::top`], "% easy", the 0–100
//! [`Mean::index`]) follows the polarity, so a CES question asked either way
//! is scored correctly.
//!
//! ## The Tally: the only state
//!
//! Every score in this crate is a function of the count (and weight sum) of
//! answers at each point. A [`Tally`] keeps exactly that, so memory is
//! O(points) whatever the volume, results do not depend on arrival order,
//! two tallies [merge](Tally::merge) by adding vectors, and the state is
//! small enough to serialize into a message or a database row. Answers come
//! in one at a time ([`Tally::push`]), as batches of [`Response`]s, or as
//! plain slices of scores ([`Tally::from_scores`], the fast path; floats
//! from JSON are fine when they are whole). Every batch is all-or-nothing:
//! one bad score and nothing is added, and the error names its index.
//!
//! ## Text cells and dirty exports
//!
//! [`input::CellParser`] (or [`Scale::parse`] with its defaults) reads the
//! cells of a CSV or spreadsheet export: surrounding spaces, `"9.0"`,
//! not-applicable tokens (`""`, `N/A`, `n/a`, `NA`, `-` unless told
//! otherwise), labelled scales (`"Very satisfied"` → 5), weight cells. A
//! bad cell is an error naming its text and what is allowed. For exports
//! with dirty rows, the lenient mode keeps the good answers and accounts
//! for every other row in an [`input::IngestReport`]; see
//! `examples/csv_report.rs`.
//!
//! ```
//! use cxmetrics::input::{CellParser, RejectCause};
//! use cxmetrics::{ConfidenceLevel, Scale, Tally, TopBox};
//!
//! let csat = CellParser::new(Scale::CSAT_5).labels([("Satisfied", 4), ("Very satisfied", 5)])?;
//! let cells = ["5", " 4 ", "very satisfied", "2", "N/A", "3.0", "6", "great"];
//! let (answers, report) = csat.parse_lenient(cells);
//! assert_eq!(report.to_string(), "8 rows: 5 accepted, 1 not applicable, 2 rejected \
//!     (out of range: 1 at row 6; not a number: 1 at row 7)");
//! let tally = Tally::from_responses(Scale::CSAT_5, answers)?;
//! let top2 = TopBox::top(&tally, 2)?.estimate(ConfidenceLevel::P95)?;
//! assert_eq!(top2.to_string(), "60.0% (95% CI 23.1% to 88.2%, n = 5)");
//! # Ok::<(), cxmetrics::Error>(())
//! ```
//!
//! ## Scores
//!
//! [`Nps`] (promoters 9–10, passives 7–8, detractors 0–6), [`NetScore`]
//! (top-k minus bottom-j on any scale), [`TopBox`] (CSAT top-2, "% easy"),
//! [`Mean`] (mean, variance, a 0–100 index) and [`Distribution`]. Survey
//! weights ([`Weight`]) enter every score; [`Tally::effective_n`] is Kish's
//! effective sample size. No rated answers is an error, never NaN.
//!
//! ## Weighted data: Kish or linearization
//!
//! Survey weights correct non-response: when unhappy customers answer
//! less, their answers are weighted up. A weighted score needs a standard
//! error that knows about the weights, and there are two ways to get one
//! ([`design::VarianceMethod`]):
//!
//! - **Kish's effective sample size** (Σw)²/Σw² in place of n (Kish 1965).
//!   It is right when the weights are unrelated to the answers (weights
//!   that only correct, say, the share of each region when all regions
//!   answer alike). When the weights follow the answers — the usual case
//!   in non-response weighting, where exactly the unhappy are weighted up —
//!   it can be wrong in either direction: against R's `survey` package it
//!   ran from 9% too narrow to 28% too wide on realistic data.
//! - **Taylor linearization** (the default for weighted tallies): the
//!   design-based variance V = n/(n − 1)·Σ_x (g(x) − ȳ)² W₂(x)/W² of R's
//!   `svymean`, computed from the tally's per-point weight sums (Wolter
//!   2007, ch. 6; Lumley 2010). It assumes the answers are a sample drawn
//!   *with replacement* (or from a population large enough that it does not
//!   matter), with no strata and no clusters: every answer is its own
//!   primary sampling unit. For a stratified or clustered design use
//!   [`complex::SurveyDesign`]; for the usual CX survey it is the right
//!   tool. Shares take their interval at the Korn–Graubard effective sample size (Korn
//!   & Graubard 1998), so Clopper–Pearson there is R's
//!   `svyciprop(method = "beta")`.
//!
//! Unweighted tallies are unaffected: every weight 1 gives the exact-count
//! intervals, bit for bit. Every weighted [`Estimate`] carries its
//! [`design`](Estimate::design) effects — R's `deff` and Kish's 1 + CV² —
//! so a report can show what the weighting cost. When the population totals
//! of weighting cells are known, [`design::post_stratify`] and
//! [`design::rake`] calibrate the weights to them (Deville & Särndal 1992)
//! and give the calibrated estimates with R's standard errors.
//!
//! Comparisons of weighted groups ([`compare`], [`Score::compare`], trends,
//! segment families, [`one_sample`]) are design-based by default: two
//! groups are two domains of one design, as R's `svyby` + `svycontrast`
//! give it, with t on the design's degrees of freedom; Kish's effective n
//! is the explicit option ([`design::VarianceMethod::Kish`] through the
//! `*_with_variance` functions). Stratified, clustered and replicate
//! designs are in [`complex`].
//!
//! ```
//! use cxmetrics::design::{RakeOptions, VarianceMethod, rake};
//! use cxmetrics::interval::IntervalSpec;
//! use cxmetrics::segment::Score;
//! use cxmetrics::{ConfidenceLevel, Scale, Segmented, Tally, TopBox};
//!
//! // Detractors answered less and carry weight 3.
//! let mut t = Tally::new(Scale::CSAT_5);
//! t.extend_weighted_scores(&[5u8, 5, 4, 4, 2, 1], &[1.0, 1.0, 1.0, 1.0, 3.0, 3.0])?;
//! let top2 = TopBox::top(&t, 2)?;
//! let linearized = top2.estimate(ConfidenceLevel::P95)?;
//! let kish = top2.estimate(IntervalSpec::new(ConfidenceLevel::P95).variance(VarianceMethod::Kish))?;
//! assert_eq!(linearized.value, kish.value); // 4/10 either way
//! assert!(linearized.design.unwrap().design_effect.is_some());
//!
//! // Rake answers per (channel, region) to known customer totals.
//! let mut cells: Segmented<(&str, &str)> = Segmented::new(Scale::CSAT_5);
//! let keys = [("web", "north"), ("web", "south"), ("phone", "north"), ("phone", "south")];
//! cells.extend_scores(&keys, &[5u8, 4, 2, 3])?;
//! let margins = [&[("web", 700.0), ("phone", 300.0)][..], &[("north", 400.0), ("south", 600.0)][..]];
//! let raked = rake(&cells, &margins, RakeOptions::default())?;
//! let est = raked.estimate(Score::top_box(2), ConfidenceLevel::P95)?;
//! assert!((est.value - 0.7).abs() < 1e-9); // the web customers are the top-2 ones
//! # Ok::<(), cxmetrics::Error>(())
//! ```
//!
//! References: Kish, L. (1965), *Survey Sampling*, Wiley. Wolter, K. M.
//! (2007), *Introduction to Variance Estimation*, 2nd ed., Springer.
//! Lumley, T. (2010), *Complex Surveys: A Guide to Analysis Using R*,
//! Wiley. Korn, E. L. & Graubard, B. I. (1998), "Confidence intervals for
//! proportions with small expected number of positive counts estimated from
//! survey data", *Survey Methodology* 24(2). Deville, J.-C. & Särndal,
//! C.-E. (1992), "Calibration estimators in survey sampling", *JASA*
//! 87(418).
//!
//! # Examples
//!
//! ### CSAT top-2 with an interval of your choice
//!
//! ```
//! use cxmetrics::interval::{IntervalSpec, ProportionMethod};
//! use cxmetrics::{ConfidenceLevel, Scale, Tally, TopBox};
//!
//! let t = Tally::from_counts(Scale::CSAT_5, &[3, 2, 8, 20, 17])?;
//! let top2 = TopBox::top(&t, 2)?; // 4 and 5
//! let wilson = top2.estimate(ConfidenceLevel::P95)?;
//! let exact = top2.estimate_with(ProportionMethod::ClopperPearson, ConfidenceLevel::P95)?;
//! assert!(exact.interval.width() > wilson.interval.width());
//! // 50 answers out of 120 customers: the finite population correction.
//! let fpc = top2.estimate(IntervalSpec::new(ConfidenceLevel::P95).population(120))?;
//! assert!(fpc.interval.width() < wilson.interval.width());
//! # Ok::<(), cxmetrics::Error>(())
//! ```
//!
//! ### CES asked as effort, where low is easy
//!
//! ```
//! use cxmetrics::{Mean, Scale, Tally, TopBox};
//!
//! let effort = Tally::from_scores(Scale::CES_5, &[1u8, 2, 2, 4, 5, 1])?;
//! let easy = TopBox::top(&effort, 2)?; // the points 1 and 2
//! assert_eq!((easy.points(), easy.count()), (1..=2, 4));
//! assert!(Mean::from_tally(&effort)?.index() > 50.0); // 100 = effortless
//! # Ok::<(), cxmetrics::Error>(())
//! ```
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
//! ### Did it really move? Comparing periods
//!
//! ```
//! use cxmetrics::{ConfidenceLevel, Nps, compare};
//!
//! let march = Nps::from_counts(200, 100, 100)?; // promoters, passives, detractors
//! let april = Nps::from_counts(150, 150, 100)?;
//! let est = april.estimate(ConfidenceLevel::P95)?;
//! assert_eq!(est.to_string(), "12.5 (95% CI 4.8 to 20.0, n = 400)");
//! // Every comparison is a − b: pass the later period first to get the change.
//! let change = compare::nps(&april, &march, ConfidenceLevel::P95)?;
//! assert_eq!(change.difference, -12.5); // April is 12.5 points below March
//! assert!(change.significant); // p ≈ 0.029, adjusted Wald test (Rocks 2016)
//! // The test and interval are centred on the adjusted difference.
//! assert_eq!(
//!     change.to_string(),
//!     "-12.5 points (95% CI -23.5 to -1.3), z = -2.19, p = 0.029, significant"
//! );
//! # Ok::<(), cxmetrics::Error>(())
//! ```
//!
//! Shares are kept as fractions and shown as percentages; their
//! differences are shown in percentage points (pp):
//!
//! ```
//! use cxmetrics::{ConfidenceLevel, Scale, Tally, TopBox, compare};
//!
//! let q1 = Tally::from_counts(Scale::CSAT_5, &[4, 6, 10, 40, 40])?;
//! let q2 = Tally::from_counts(Scale::CSAT_5, &[5, 10, 15, 35, 35])?;
//! let (top_q1, top_q2) = (TopBox::top(&q1, 2)?, TopBox::top(&q2, 2)?);
//! assert_eq!(top_q2.estimate(ConfidenceLevel::P95)?.to_string(), "70.0% (95% CI 60.4% to 78.1%, n = 100)");
//! let c = compare::top_box(&top_q2, &top_q1, ConfidenceLevel::P95)?;
//! assert!(c.to_string().starts_with("-10.0 pp (95% CI "));
//! # Ok::<(), cxmetrics::Error>(())
//! ```
//!
//! ### Segments and trends
//!
//! [`Segmented`] keeps one tally per key (channel, agent, month …), scores
//! each segment, flags the ones below a minimum n, ranks them, and follows
//! ordered keys as a trend with a test of every change.
//!
//! ```
//! use cxmetrics::segment::Score;
//! use cxmetrics::{ConfidenceLevel, Scale, Segmented};
//!
//! let mut by_channel = Segmented::new(Scale::NPS);
//! by_channel.extend_scores(&["web", "app", "web", "app", "web"], &[10u8, 3, 9, 10, 6])?;
//! let ranked = by_channel.ranking(Score::nps(), ConfidenceLevel::P95, 2);
//! assert_eq!(ranked[0].key, "web");
//! # Ok::<(), cxmetrics::Error>(())
//! ```
//!
//! ### Sharding and merging
//!
//! Build a tally per shard, thread or partition and merge them: the result
//! is exactly what one pass over all the answers gives. With the `serde`
//! feature the tallies travel as JSON (or any serde format) between
//! processes; see `examples/sharded.rs`. [`AtomicTally`] takes answers from
//! many threads at once without a lock.
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
//! ### Paired questions, key drivers and live windows
//!
//! A [`JointTally`] keeps two questions of the same respondents (CES and
//! CSAT, say) per cell; [`association`] measures how they move together
//! (Pearson, Spearman, Kendall, gamma, a cross-tab), [`drivers`] splits an
//! outcome's R² among several questions (Johnson's relative weights), a
//! [`Window`] keeps the last k periods of any of these states, and
//! [`Sharded`] takes keyed, weighted batches from many threads with
//! snapshots consistent per batch. See `examples/live.rs`.
//!
//! ```
//! use cxmetrics::{association, ConfidenceLevel, JointTally, Scale, Window};
//!
//! let mut week = Window::new(JointTally::new(Scale::CES_7, Scale::CSAT_5), 7)?;
//! week.get_mut(1)?.extend_scores(&[7u8, 6, 2, 5, 1], &[5u8, 5, 2, 4, 1])?;
//! week.get_mut(2)?.extend_scores(&[3u8, 6], &[2u8, 4])?;
//! let rho = association::spearman(&week.total()?, ConfidenceLevel::P95)?;
//! assert!(rho.value > 0.9);
//! # Ok::<(), cxmetrics::Error>(())
//! ```
//!
//! ### How many answers do I need?
//!
//! ```
//! use cxmetrics::{ConfidenceLevel, Margin, plan};
//!
//! // NPS within ±5 points, expecting 40% promoters and 20% detractors.
//! assert_eq!(plan::sample_size_nps(Margin::points(5.0)?, 0.4, 0.2, ConfidenceLevel::P95)?.n_ceil, 861);
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
//! # Errors and panics
//!
//! Every fallible operation returns [`Error`], one `#[non_exhaustive]`
//! enum whose variants carry the values that were wrong ("score 11 is
//! outside scale 0..=10"). Empty input is an error ([`Error::EmptyTally`]),
//! never NaN. Batches are all-or-nothing, merges check before they change
//! anything, and counts never wrap or saturate. No input reachable through
//! the public API panics: the library denies `unwrap`, `expect` and
//! `panic!`, and a property test throws arbitrary input at every entry
//! point.
//!
//! # Numerical accuracy
//!
//! Every number is tested against statsmodels and scipy (or, where no
//! library implements a method, its published formula, or mpmath) to a
//! relative tolerance of 1e-9: the project's reference cases and some 2,500
//! more over n = 1 to 10⁸, shares of 0 and 1, levels 0.5 to 0.999 and t
//! degrees of freedom 1 to 10⁷. The quantiles behind the intervals
//! ([`dist`]) are computed here rather than taken from `statrs`, whose
//! inverse t and beta CDFs miss that tolerance for large parameters and
//! whose `erf` is off by about 1e-10; ours agree with scipy to about 1e-14.
//! Weight sums use compensated (Neumaier) summation over blocks: over 10⁸
//! weighted answers they match an exact integer computation to 1e-13.
//!
//! # Performance
//!
//! The `&[u8]` fast paths count by vectorised kernels chosen at run time
//! (portable, AVX2, and AVX-512 with GFNI where the CPU has it): about
//! 30 × 10⁹ scores per second for a full tally on one core with AVX-512,
//! 15–20 × 10⁹ with AVX2, 9 × 10⁹ portable, and more for NPS alone
//! ([`Nps::from_scores`]). Many groups at once go through
//! [`GroupedTally`], which [`Segmented`] and query-engine aggregates build
//! on; keyed and weighted batches run at about 10⁹ per second. See the
//! README for the benchmark table.
//!
//! # Crate features
//!
//! - `serde` (off by default): `Serialize` and `Deserialize` for every
//!   public data type, inputs and outputs alike. Deserializing runs the
//!   same checks as building (a [`Tally`], a [`Segmented`], an [`Nps`] whose
//!   score must match its shares …), so a corrupted payload is an error.
//!   Every result says what it is: an [`Estimate`] serializes its
//!   [`Metric`], [`Unit`] and value; a per-segment result that may be an
//!   error is a tagged `{"status": "ok", "value": …}` or
//!   `{"status": "error", "error": {"kind": …, "message": …}}` object. Parse
//!   JSON with `serde_json`'s `float_roundtrip` feature so weight sums
//!   survive bit for bit.
//!
//! # Where things live
//!
//! The source is seven layers, bottom up; each folder imports only from the
//! folders before it in this list (CI checks it), so data flows one way:
//!
//! ```text
//! foundation/  Error, Scale, Rating, Unit, Margin, Weight, Response,
//!              text input (cells, labels, N/A, the ingest report)
//! counting/    kernel/ (the only unsafe, one safe dispatch), exact sums,
//!              Tally, GroupedTally, JointTally, Accumulator,
//!              AtomicTally, Sharded, Window
//! math/        distributions and special functions (dist)
//! inference/   Estimate and Interval, confidence levels and interval
//!              methods, design-based variance — over counts, weight sums
//!              and moments, never over metric types
//! metrics/     Nps, NetScore, TopBox, Mean, Distribution, Score: a value
//!              from a tally, and a call into inference for its interval
//! analysis/    compare, one_sample, multiplicity, segment (Segmented,
//!              trends, rankings), shrinkage, association, drivers, plan,
//!              weighting (post-stratification, raking); live inference
//!              (sequential, monitor) and complex designs (complex) are
//!              re-exported from inference/ and analysis/
//! survey/      Survey: many questions of the same respondents, periods,
//!              groups and weights; Scorecard, Trends, SurveyReport
//! ```
//!
//! This file is the map: the tour above and the re-exports below. When you
//! add to the crate:
//!
//! - a **new interval method or variance estimator** goes in `inference/`
//!   (a function of counts, sums or moments; add its enum variant to
//!   `inference/interval/mod.rs`), and the metrics that offer it call it;
//! - a **new metric** goes in `metrics/` (a value from a [`Tally`], its
//!   interval by a call into `inference/`, and a [`Score`] variant if
//!   segments and trends should take it);
//! - a **new state** (something new to count, merge and serialize) goes in
//!   `counting/`; a new SIMD kernel in `counting/kernel/`, behind its
//!   dispatch;
//! - a **new analysis across estimates** (a test, a ranking, a report)
//!   goes in `analysis/`;
//! - a **new survey-wide report** (across questions, periods and groups
//!   of one set of respondents) goes in `survey/`;
//! - a **new SQL function** goes in the `cxmetrics-datafusion` crate
//!   (`crates/cxmetrics-datafusion/src/`), which calls the public API of
//!   this one; the core knows no engine.
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

// The layers, bottom up. Each imports only from the layers above it in
// this list (`../shared/tools/module_cycles.py` checks that no import runs
// back up); each folder's `mod.rs` says what it owns and may import.
mod analysis;
mod counting;
mod foundation;
mod inference;
mod math;
mod metrics;
pub mod survey;

// The public modules, at the paths users know.
pub use crate::analysis::{
    association, compare, drivers, monitor, multiplicity, one_sample, plan, segment, shrinkage,
};
pub use crate::foundation::input;
pub use crate::inference::complex;
pub use crate::inference::interval;
pub use crate::inference::sequential;
pub use crate::math::dist;

/// Survey designs: how the standard error of a weighted score is computed
/// ([`VarianceMethod`](design::VarianceMethod)), design effects, Taylor linearization, and
/// weighting by cells (post-stratification and raking).
pub mod design {
    pub use crate::analysis::weighting::post_stratify::{PostStratified, post_stratify};
    pub use crate::analysis::weighting::rake::{Cell, RakeOptions, Raked, rake};
    pub use crate::inference::design::{DesignEffects, Linearized, VarianceMethod};
}

pub use crate::analysis::segment::Segmented;
pub use crate::analysis::segment_family::SegmentTest;
pub use crate::counting::accumulator::Accumulator;
pub use crate::counting::concurrent::{AtomicTally, Sharded};
pub use crate::counting::grouped::{GroupIndex, GroupedTally};
pub use crate::counting::joint::JointTally;
pub use crate::counting::tally::{PointSums, Tally};
pub use crate::counting::window::Window;
pub use crate::foundation::error::Error;
pub use crate::foundation::margin::Margin;
pub use crate::foundation::metric_kind::Metric;
pub use crate::foundation::period::{CivilDate, OffsetRule, Period, PeriodUnit, Periods};
pub use crate::foundation::response::{Response, Weight};
pub use crate::foundation::scale::{Polarity, Question, Rating, Scale, ScoreValue};
pub use crate::foundation::unit::Unit;
pub use crate::inference::estimate::{Estimate, Interval};
pub use crate::inference::interval::ConfidenceLevel;
pub use crate::metrics::distribution::{Distribution, PointShare};
pub use crate::metrics::mean::Mean;
pub use crate::metrics::nps::{NetScore, Nps};
pub use crate::metrics::score::Score;
pub use crate::metrics::top_box::TopBox;

/// Runs the README's code as a doc-test, so it cannot drift.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
