//! The ingest report of a survey: whole rows rejected by cause, and each
//! question's cells.

use std::fmt;

use crate::foundation::error::Error;
use crate::foundation::input::IngestReport;

/// How many example row numbers each cause keeps.
const EXAMPLES: usize = 5;

/// Why a whole row was rejected (none of its answers counted).
///
/// # Example
///
/// ```
/// use cxmetrics::survey::RowCause;
/// assert_eq!(RowCause::ColumnCount.to_string(), "wrong number of columns");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum RowCause {
    /// More or fewer cells than the header has columns.
    ColumnCount,
    /// A period cell that is not a date, date-time or Unix time.
    BadPeriod,
    /// A blank group cell.
    BadGroup,
    /// A blank or bad weight, when the rule is to reject the row.
    BadWeight,
    /// A row beyond a limit of the survey (too many keys).
    TooLarge,
}

impl fmt::Display for RowCause {
    /// `wrong number of columns`, `bad period`, `blank group`, `bad
    /// weight`, `over a size limit`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RowCause::ColumnCount => "wrong number of columns",
            RowCause::BadPeriod => "bad period",
            RowCause::BadGroup => "blank group",
            RowCause::BadWeight => "bad weight",
            RowCause::TooLarge => "over a size limit",
        })
    }
}

/// The rows rejected for one cause: how many, the first row numbers and
/// the first message.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RowRejections {
    /// The cause.
    pub cause: RowCause,
    /// How many rows.
    pub count: u64,
    /// The first rows' numbers (1-based, in the order pushed; at most five).
    pub first_rows: Vec<usize>,
    /// The first row's message.
    pub first_error: String,
}

/// What happened to every row and every cell of a survey: rows accepted,
/// rows rejected by cause (with examples), rows whose weight counted for
/// the unweighted figures only, and per question its cells accepted, not
/// applicable and rejected by cause.
///
/// # Example
///
/// ```
/// use cxmetrics::survey::{RowCause, Survey};
/// use cxmetrics::Scale;
/// let mut s = Survey::builder().header(["q"]).csat("q", Scale::CSAT_5).build()?;
/// s.push_row(["5"]);
/// s.push_row(["5", "extra"]);
/// s.push_row(["seven"]);
/// let r = s.report();
/// assert_eq!((r.rows(), r.accepted(), r.rejected()), (3, 2, 1));
/// assert_eq!(r.rejected_for(RowCause::ColumnCount), 1);
/// assert_eq!(r.question("q").map(|q| q.rejected()), Some(1));
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SurveyReport {
    rows: u64,
    accepted: u64,
    unweighted_only: u64,
    rejections: Vec<RowRejections>,
    questions: Vec<(String, IngestReport)>,
}

impl SurveyReport {
    pub(crate) fn new(questions: impl IntoIterator<Item = String>) -> SurveyReport {
        SurveyReport {
            questions: questions
                .into_iter()
                .map(|q| (q, IngestReport::new()))
                .collect(),
            ..SurveyReport::default()
        }
    }

    /// Rows seen.
    #[must_use]
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Rows whose answers were counted.
    #[must_use]
    pub fn accepted(&self) -> u64 {
        self.accepted
    }

    /// Rows rejected whole.
    #[must_use]
    pub fn rejected(&self) -> u64 {
        self.rows - self.accepted
    }

    /// Accepted rows with a blank or bad weight, counted in the unweighted
    /// figures only ([`MissingWeight::UnweightedOnly`](crate::survey::MissingWeight::UnweightedOnly)).
    #[must_use]
    pub fn unweighted_only(&self) -> u64 {
        self.unweighted_only
    }

    /// Rows rejected for `cause`.
    #[must_use]
    pub fn rejected_for(&self, cause: RowCause) -> u64 {
        self.rejections
            .iter()
            .find(|r| r.cause == cause)
            .map_or(0, |r| r.count)
    }

    /// The rejections by cause, in cause order.
    #[must_use]
    pub fn rejections(&self) -> &[RowRejections] {
        &self.rejections
    }

    /// A question's cells: answers, not applicable and rejections by cause
    /// (counted over accepted rows).
    #[must_use]
    pub fn question(&self, name: &str) -> Option<&IngestReport> {
        self.questions
            .iter()
            .find(|(q, _)| q.eq_ignore_ascii_case(name))
            .map(|(_, r)| r)
    }

    /// Every question's report, in declaration order.
    pub fn questions(&self) -> impl Iterator<Item = (&str, &IngestReport)> {
        self.questions.iter().map(|(q, r)| (q.as_str(), r))
    }

    pub(crate) fn cells_mut(&mut self, q: usize) -> &mut IngestReport {
        &mut self.questions[q].1
    }

    pub(crate) fn accept(&mut self, unweighted_only: bool) {
        self.rows = self.rows.saturating_add(1);
        self.accepted = self.accepted.saturating_add(1);
        if unweighted_only {
            self.unweighted_only = self.unweighted_only.saturating_add(1);
        }
    }

    #[cold]
    pub(crate) fn reject(&mut self, row: usize, cause: RowCause, message: impl FnOnce() -> String) {
        self.rows = self.rows.saturating_add(1);
        let at = match self.rejections.binary_search_by(|r| r.cause.cmp(&cause)) {
            Ok(at) => at,
            Err(at) => {
                self.rejections.insert(
                    at,
                    RowRejections {
                        cause,
                        count: 0,
                        first_rows: Vec::new(),
                        first_error: message(),
                    },
                );
                at
            }
        };
        let r = &mut self.rejections[at];
        r.count = r.count.saturating_add(1);
        if r.first_rows.len() < EXAMPLES {
            r.first_rows.push(row);
        }
    }

    /// Adds another report of the same questions (a shard's).
    ///
    /// # Errors
    ///
    /// [`Error::LengthMismatch`] when the reports are of different
    /// questions; the errors of [`IngestReport::merge`].
    pub fn merge(&mut self, other: &SurveyReport) -> Result<(), Error> {
        let same = self.questions.len() == other.questions.len()
            && self
                .questions
                .iter()
                .zip(&other.questions)
                .all(|((a, _), (b, _))| a == b);
        if !same {
            return Err(Error::LengthMismatch {
                left_name: "questions of this report",
                left: self.questions.len(),
                right_name: "questions of the other",
                right: other.questions.len(),
            });
        }
        let mut merged = self.clone();
        for ((_, a), (_, b)) in merged.questions.iter_mut().zip(&other.questions) {
            a.merge(b)?;
        }
        merged.rows = merged.rows.saturating_add(other.rows);
        merged.accepted = merged.accepted.saturating_add(other.accepted);
        merged.unweighted_only = merged.unweighted_only.saturating_add(other.unweighted_only);
        for r in &other.rejections {
            match merged
                .rejections
                .binary_search_by(|m| m.cause.cmp(&r.cause))
            {
                Ok(at) => {
                    let m = &mut merged.rejections[at];
                    m.count = m.count.saturating_add(r.count);
                    let room = EXAMPLES.saturating_sub(m.first_rows.len());
                    m.first_rows.extend(r.first_rows.iter().take(room));
                }
                Err(at) => merged.rejections.insert(at, r.clone()),
            }
        }
        *self = merged;
        Ok(())
    }
}

/// `rows 12, 40, 77` or `row 12`, with `…` when there were more.
fn rows_list(rows: &[usize], count: u64) -> String {
    let list: Vec<String> = rows.iter().map(ToString::to_string).collect();
    let more = if (rows.len() as u64) < count {
        ", …"
    } else {
        ""
    };
    let noun = if rows.len() == 1 && count == 1 {
        "row"
    } else {
        "rows"
    };
    format!("{noun} {}{more}", list.join(", "))
}

fn plural(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

impl fmt::Display for SurveyReport {
    /// A few lines: the rows, then each question's cells.
    ///
    /// ```text
    /// 3000 rows: 2987 accepted, 13 rejected (wrong number of columns: 8 (rows 17, …); bad period: 5 (…)); 41 counted unweighted only (blank weight)
    /// recommend: 2950 answers, 30 not applicable, 7 cells rejected (not a number: 7 (rows 5, 9, …))
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} accepted, {} rejected",
            plural(self.rows, "row"),
            self.accepted,
            self.rejected()
        )?;
        if !self.rejections.is_empty() {
            let parts: Vec<String> = self
                .rejections
                .iter()
                .map(|r| {
                    format!(
                        "{}: {} ({})",
                        r.cause,
                        r.count,
                        rows_list(&r.first_rows, r.count)
                    )
                })
                .collect();
            write!(f, " ({})", parts.join("; "))?;
        }
        if self.unweighted_only > 0 {
            write!(
                f,
                "; {} counted unweighted only (blank or bad weight)",
                self.unweighted_only
            )?;
        }
        for (name, r) in &self.questions {
            write!(
                f,
                "\n{name}: {}, {} not applicable, {}",
                plural(r.accepted(), "answer"),
                r.not_applicable(),
                plural(r.rejected(), "cell")
            )?;
            f.write_str(" rejected")?;
            if !r.rejections().is_empty() {
                let parts: Vec<String> = r
                    .rejections()
                    .iter()
                    .map(|c| {
                        format!(
                            "{}: {} ({})",
                            c.cause,
                            c.count,
                            rows_list(&c.first_rows, c.count)
                        )
                    })
                    .collect();
                write!(f, " ({})", parts.join("; "))?;
            }
        }
        Ok(())
    }
}
