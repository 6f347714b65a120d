//! Layer 7, **survey**: many questions answered by the same respondents.
//!
//! Owns the respondent-level [`Survey`]: questions declared
//! once (their scales, label sets and not-applicable tokens), the row's
//! dimensions (a period, up to four group columns) and its weight, rows of
//! text cells or typed values, and one [`SurveyReport`]
//! for whole rows and their cells. Its state is still tallies — per
//! question × key, weighted and unweighted, and a joint tally per declared
//! pair — so it merges exactly across threads and shards. From it come the
//! [`Scorecard`] (a row per period × group, the
//! roll-ups and the total, every question's metrics with intervals) and
//! per-group [`Trends`] with the multiplicity family the
//! caller chooses.
//!
//! May import every layer below. Nothing imports it.

pub(crate) mod key;
pub(crate) mod report;
pub(crate) mod scorecard;
pub(crate) mod spec;
#[allow(clippy::module_inception)]
pub(crate) mod survey;
pub(crate) mod trend;

pub use self::key::{Key, MAX_KEYS};
pub use self::report::{RowCause, RowRejections, SurveyReport};
pub use self::scorecard::{
    CardKey, CardMetric, CardRecord, CardRow, Figures, QuestionCell, Scorecard,
};
pub use self::spec::{MAX_GROUP_COLUMNS, MissingWeight, QuestionSpec, SurveyBuilder};
pub use self::survey::{PairTallies, QuestionTallies, Record, RowStatus, Survey, SurveyState};
pub use self::trend::{Base, Family, TrendOptions, TrendRow, Trends};
