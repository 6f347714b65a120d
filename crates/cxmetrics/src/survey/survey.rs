//! [`Survey`]: rows of several questions, keyed by period and groups, with
//! one weight per respondent, counted into tallies.

use crate::analysis::segment::Segmented;
use crate::counting::grouped::GroupedTally;
use crate::counting::joint::JointTally;
use crate::counting::tally::Tally;
use crate::foundation::error::Error;
use crate::foundation::input::parse_weight;
use crate::foundation::period::{Period, PeriodUnit};
use crate::foundation::response::{Response, Weight};
use crate::foundation::scale::Scale;
use crate::survey::key::{Key, KeyIds, KeyTable};
use crate::survey::report::{RowCause, SurveyReport};
use crate::survey::spec::{MAX_GROUP_COLUMNS, MissingWeight, QuestionSpec, SurveyBuilder, clean};

/// What a column of the export is to the survey.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Period,
    Group(usize),
    Weight,
    Question(usize),
    Ignored,
}

/// A question's state: its tallies per key, unweighted and (when the
/// survey has a weight column) weighted.
#[derive(Debug, Clone)]
struct QuestionState {
    unweighted: GroupedTally,
    weighted: Option<GroupedTally>,
}

/// A declared pair's joint tallies over the whole survey.
#[derive(Debug, Clone, PartialEq)]
struct PairState {
    x: usize,
    y: usize,
    unweighted: JointTally,
    weighted: Option<JointTally>,
}

/// What became of one row.
///
/// # Example
///
/// ```
/// use cxmetrics::survey::{RowCause, RowStatus, Survey};
/// use cxmetrics::Scale;
/// let mut s = Survey::builder().header(["q"]).csat("q", Scale::CSAT_5).build()?;
/// assert_eq!(s.push_row(["4"]), RowStatus::Accepted);
/// assert_eq!(s.push_row(["4", "x"]), RowStatus::Rejected(RowCause::ColumnCount));
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RowStatus {
    /// The row counted (its bad cells, if any, are in the report).
    Accepted,
    /// The row counted in the unweighted figures only (blank or bad
    /// weight under [`MissingWeight::UnweightedOnly`]).
    UnweightedOnly,
    /// The row was rejected whole, for this cause.
    Rejected(RowCause),
}

/// One respondent's answers as typed values, for
/// [`Survey::push_record`].
#[derive(Debug, Clone, Copy)]
pub struct Record<'a> {
    /// The period (required when the survey has a period column).
    pub period: Option<Period>,
    /// The group values, in declaration order.
    pub groups: &'a [&'a str],
    /// The weight (required when the survey has a weight column, unless
    /// its rule says otherwise).
    pub weight: Option<f64>,
    /// One answer per question in declaration order; `None` is "not
    /// applicable".
    pub answers: &'a [Option<i64>],
}

impl SurveyBuilder {
    /// Checks the declaration and makes the survey.
    ///
    /// # Errors
    ///
    /// The first error of a question's declaration (a label set that does
    /// not fit); [`Error::InvalidSurvey`] for no question, a name given
    /// twice, more than [`MAX_GROUP_COLUMNS`] groups, a pair naming an
    /// undeclared question, [`Error::InvalidWeight`] for a default weight that is not a weight;
    /// [`Error::MissingColumn`] for a declared column the header lacks.
    pub fn build(self) -> Result<Survey, Error> {
        Survey::from_builder(self)
    }
}

/// A survey: several questions answered by the same respondents, each row
/// keyed by a period and groups and carrying one weight.
///
/// Declare it once with [`Survey::builder`]; feed it rows of text cells
/// ([`Survey::push_row`]) or typed values ([`Survey::push_record`]); merge
/// surveys of the same declaration built on other threads or shards
/// ([`Survey::merge`], or [`Survey::state`] and [`Survey::merge_state`]
/// through serde). Its state is tallies: per question and key,
/// unweighted and weighted, and a joint tally per declared pair, so every
/// figure is exact and independent of row order.
///
/// Every row is either counted or rejected whole (wrong number of cells,
/// a bad period, a blank group, a bad weight under
/// [`MissingWeight::Reject`]); within a counted row, each question's cell
/// is an answer, not applicable, or rejected. [`Survey::report`] says
/// which, by cause, with examples.
///
/// # Example
///
/// ```
/// use cxmetrics::survey::{MissingWeight, Survey};
/// use cxmetrics::{ConfidenceLevel, PeriodUnit, Scale};
///
/// let mut survey = Survey::builder()
///     .header(["date", "channel", "weight", "recommend", "satisfaction"])
///     .period("date", PeriodUnit::Month)
///     .group("channel")
///     .weight("weight", MissingWeight::UnweightedOnly)
///     .nps("recommend")
///     .csat("satisfaction", Scale::CSAT_5)
///     .build()?;
/// for row in [
///     ["2026-01-05", "web", "1.0", "10", "Very satisfied"],
///     ["2026-01-09", "web", "2.0", "6", "Dissatisfied"],
///     ["2026-02-11", "app", "", "9", "Satisfied"],
///     ["2026-02-12", "app", "0.5", "N/A", "5"],
/// ] {
///     survey.push_row(row);
/// }
/// let card = survey.scorecard(ConfidenceLevel::P95);
/// let total = card.total("recommend").unwrap();
/// assert_eq!(total.unweighted.n, 3);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Survey {
    header: Vec<String>,
    roles: Vec<Role>,
    period: Option<PeriodUnit>,
    groups: Vec<String>,
    weight: Option<MissingWeight>,
    specs: Vec<QuestionSpec>,
    min_n: u64,
    keys: KeyTable,
    questions: Vec<QuestionState>,
    pairs: Vec<PairState>,
    report: SurveyReport,
    rows: usize,
    scratch: Vec<Result<Response, Error>>,
}

impl PartialEq for Survey {
    /// Same declaration and same state (keys compared by value, so two
    /// surveys fed the same rows in another order are equal).
    fn eq(&self, other: &Survey) -> bool {
        self.same_declaration(other).is_ok() && self.state() == other.state()
    }
}

/// The period of a cell: a date or date-time, or Unix seconds written as
/// a whole number.
fn bucket(unit: PeriodUnit, cell: &str) -> Result<Period, Error> {
    let text = cell.trim();
    let digits = text.strip_prefix('-').unwrap_or(text);
    if !digits.is_empty()
        && digits.len() <= 12
        && digits.bytes().all(|b| b.is_ascii_digit())
        && let Ok(seconds) = text.parse::<i64>()
    {
        return unit.bucket_unix(seconds);
    }
    unit.bucket_cell(cell)
}

fn invalid(reason: impl Into<String>) -> Error {
    Error::InvalidSurvey {
        reason: reason.into(),
    }
}

impl Survey {
    /// Starts declaring a survey.
    #[must_use]
    pub fn builder() -> SurveyBuilder {
        SurveyBuilder::new()
    }

    pub(crate) fn from_builder(b: SurveyBuilder) -> Result<Survey, Error> {
        if let Some(e) = b.error {
            return Err(e);
        }
        if b.questions.is_empty() {
            return Err(invalid("no question declared; declare at least one"));
        }
        if b.groups.len() > MAX_GROUP_COLUMNS {
            return Err(Error::TooLarge {
                what: "group columns",
                requested: b.groups.len() as u64,
                limit: MAX_GROUP_COLUMNS as u64,
            });
        }
        if let Some((_, MissingWeight::Default(w))) = b.weight {
            Weight::new(w)?;
        }
        // Every declared column, in the implied order when there is no
        // header: period, groups, weight, questions.
        let mut declared: Vec<(String, Role)> = Vec::new();
        if let Some((c, _)) = &b.period {
            declared.push((c.clone(), Role::Period));
        }
        for (g, c) in b.groups.iter().enumerate() {
            declared.push((c.clone(), Role::Group(g)));
        }
        if let Some((c, _)) = &b.weight {
            declared.push((c.clone(), Role::Weight));
        }
        for (q, spec) in b.questions.iter().enumerate() {
            declared.push((spec.name.clone(), Role::Question(q)));
        }
        for (i, (a, _)) in declared.iter().enumerate() {
            if declared[..i].iter().any(|(b, _)| b.eq_ignore_ascii_case(a)) {
                return Err(invalid(format!(
                    "column {a:?} declared twice; declare each column once"
                )));
            }
        }
        let header = b
            .header
            .unwrap_or_else(|| declared.iter().map(|(c, _)| c.clone()).collect());
        let mut roles = vec![Role::Ignored; header.len()];
        for (name, role) in &declared {
            let at = header
                .iter()
                .position(|h| h.eq_ignore_ascii_case(name))
                .ok_or_else(|| {
                    let mut list = header.join(", ");
                    if list.len() > 200 {
                        let cut = (0..=200)
                            .rev()
                            .find(|&i| list.is_char_boundary(i))
                            .unwrap_or(0);
                        list.truncate(cut);
                        list.push('…');
                    }
                    Error::MissingColumn {
                        column: name.clone(),
                        header: list,
                    }
                })?;
            roles[at] = *role;
        }
        let question = |name: &str| {
            b.questions
                .iter()
                .position(|q| q.name.eq_ignore_ascii_case(name))
                .ok_or_else(|| {
                    invalid(format!(
                        "pair names {name:?}, which is not a declared question"
                    ))
                })
        };
        let weighted = b.weight.is_some();
        let group_count = b.groups.len();
        let mut pairs = Vec::new();
        for (x, y) in &b.pairs {
            let (x, y) = (question(x)?, question(y)?);
            let (sx, sy) = (b.questions[x].scale(), b.questions[y].scale());
            pairs.push(PairState {
                x,
                y,
                unweighted: JointTally::new(sx, sy),
                weighted: weighted.then(|| JointTally::new(sx, sy)),
            });
        }
        let questions = b
            .questions
            .iter()
            .map(|q| QuestionState {
                unweighted: GroupedTally::new(q.scale()),
                weighted: weighted.then(|| GroupedTally::new(q.scale())),
            })
            .collect();
        let report = SurveyReport::new(b.questions.iter().map(|q| q.name.clone()));
        let mut specs = b.questions;
        if !b.not_applicable.is_empty() {
            for q in &mut specs {
                q.parser = q.parser.clone().also_not_applicable(&b.not_applicable);
            }
        }
        Ok(Survey {
            header,
            roles,
            period: b.period.map(|(_, u)| u),
            groups: b.groups,
            weight: b.weight.map(|(_, rule)| rule),
            scratch: Vec::with_capacity(specs.len()),
            specs,
            min_n: b.min_n,
            keys: KeyTable::new(group_count),
            questions,
            pairs,
            report,
            rows: 0,
        })
    }

    /// The questions, in declaration order.
    #[must_use]
    pub fn questions(&self) -> &[QuestionSpec] {
        &self.specs
    }

    /// The group columns' names, in declaration order.
    #[must_use]
    pub fn group_columns(&self) -> &[String] {
        &self.groups
    }

    /// The period unit, if the survey has a period column.
    #[must_use]
    pub fn period_unit(&self) -> Option<PeriodUnit> {
        self.period
    }

    /// Whether the survey has a weight column.
    #[must_use]
    pub fn is_weighted(&self) -> bool {
        self.weight.is_some()
    }

    /// The smallest n reported without a flag.
    #[must_use]
    pub fn min_n(&self) -> u64 {
        self.min_n
    }

    /// What happened to every row and cell so far.
    #[must_use]
    pub fn report(&self) -> &SurveyReport {
        &self.report
    }

    /// The index of a question by name (case-insensitive).
    #[must_use]
    pub fn question_index(&self, name: &str) -> Option<usize> {
        self.specs
            .iter()
            .position(|q| q.name.eq_ignore_ascii_case(name.trim()))
    }

    fn read_answer(&self, q: usize, cell: &str) -> Result<Response, Error> {
        self.specs[q]
            .parser
            .parse(cell.trim_start_matches('\u{feff}'))
    }

    /// Counts one row of text cells, in the header's column order.
    ///
    /// The row is rejected whole — and counted in the report by cause —
    /// when it has another number of cells than the header, a period cell
    /// that is no date, a blank group cell, or a blank or bad weight under
    /// [`MissingWeight::Reject`]. Otherwise each question's cell is
    /// counted as an answer, as not applicable, or as a rejected cell.
    /// Rows are numbered from 1 in the order pushed.
    pub fn push_row<I, S>(&mut self, cells: I) -> RowStatus
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.rows += 1;
        let row = self.rows;
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        scratch.resize_with(self.specs.len(), || Ok(Response::NotApplicable));
        let mut period: Option<Result<Period, Error>> = None;
        let mut groups = [0u32; MAX_GROUP_COLUMNS];
        let mut blank_group: Option<usize> = None;
        let mut weight: Option<Result<Weight, Error>> = None;
        let mut count = 0usize;
        let mut too_large: Option<Error> = None;
        for cell in cells {
            let role = self.roles.get(count).copied().unwrap_or(Role::Ignored);
            count += 1;
            let cell = cell.as_ref();
            match role {
                Role::Ignored => {}
                Role::Period => {
                    period = self.period.map(|unit| bucket(unit, cell));
                }
                Role::Group(g) => {
                    let text = clean(cell);
                    if text.is_empty() {
                        blank_group.get_or_insert(g);
                    } else {
                        match self.keys.value_id(g, &text) {
                            Ok(id) => groups[g] = id,
                            Err(e) => {
                                too_large.get_or_insert(e);
                            }
                        }
                    }
                }
                Role::Weight => weight = Some(parse_weight(cell)),
                Role::Question(q) => scratch[q] = self.read_answer(q, cell),
            }
        }
        let status = self.finish_row(
            row,
            count,
            period,
            groups,
            blank_group,
            weight,
            too_large,
            &mut scratch,
        );
        self.scratch = scratch;
        status
    }

    /// Counts one respondent given as typed values ([`Record`]): the same
    /// rules as [`Survey::push_row`] (a missing period or weight is a
    /// rejected row; a score off its question's scale is a rejected cell).
    pub fn push_record(&mut self, record: Record<'_>) -> RowStatus {
        self.rows += 1;
        let row = self.rows;
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        for (q, spec) in self.specs.iter().enumerate() {
            scratch.push(match record.answers.get(q) {
                Some(Some(score)) => spec.scale().rating(*score).map(Response::rated),
                Some(None) => Ok(Response::NotApplicable),
                None => Ok(Response::NotApplicable),
            });
        }
        let count = if record.answers.len() == self.specs.len()
            && record.groups.len() == self.groups.len()
        {
            self.header.len()
        } else {
            usize::MAX
        };
        let period = self.period.map(|_| {
            record.period.ok_or(Error::InvalidSurvey {
                reason: "the record has no period; the survey has a period column".to_string(),
            })
        });
        let mut groups = [0u32; MAX_GROUP_COLUMNS];
        let mut blank_group = None;
        let mut too_large = None;
        for (g, text) in record.groups.iter().enumerate().take(self.groups.len()) {
            let text = clean(text);
            if text.is_empty() {
                blank_group.get_or_insert(g);
            } else {
                match self.keys.value_id(g, &text) {
                    Ok(id) => groups[g] = id,
                    Err(e) => {
                        too_large.get_or_insert(e);
                    }
                }
            }
        }
        let weight = self.weight.map(|_| match record.weight {
            Some(w) => Weight::new(w),
            None => Err(invalid(
                "the record has no weight; the survey has a weight column",
            )),
        });
        let status = self.finish_row(
            row,
            count,
            period,
            groups,
            blank_group,
            weight,
            too_large,
            &mut scratch,
        );
        self.scratch = scratch;
        status
    }

    #[allow(clippy::too_many_arguments)]
    fn finish_row(
        &mut self,
        row: usize,
        count: usize,
        period: Option<Result<Period, Error>>,
        groups: [u32; MAX_GROUP_COLUMNS],
        blank_group: Option<usize>,
        weight: Option<Result<Weight, Error>>,
        too_large: Option<Error>,
        answers: &mut [Result<Response, Error>],
    ) -> RowStatus {
        if count != self.header.len() {
            let expected = self.header.len();
            self.report.reject(row, RowCause::ColumnCount, || {
                if count == usize::MAX {
                    "the record's answers or groups do not match the declaration".to_string()
                } else {
                    format!("{count} cells, expected {expected}")
                }
            });
            return RowStatus::Rejected(RowCause::ColumnCount);
        }
        let period = match (self.period, period) {
            (None, _) => None,
            (Some(_), Some(Ok(p))) => Some(p),
            (Some(_), Some(Err(e))) => {
                self.report
                    .reject(row, RowCause::BadPeriod, || e.to_string());
                return RowStatus::Rejected(RowCause::BadPeriod);
            }
            (Some(_), None) => {
                self.report
                    .reject(row, RowCause::BadPeriod, || "no period cell".to_string());
                return RowStatus::Rejected(RowCause::BadPeriod);
            }
        };
        if let Some(g) = blank_group {
            let name = self.groups[g].clone();
            self.report
                .reject(row, RowCause::BadGroup, || format!("blank {name:?} cell"));
            return RowStatus::Rejected(RowCause::BadGroup);
        }
        if let Some(e) = too_large {
            self.report
                .reject(row, RowCause::TooLarge, || e.to_string());
            return RowStatus::Rejected(RowCause::TooLarge);
        }
        let weight: Option<Weight> = match (self.weight, weight) {
            (None, _) => None,
            (Some(_), Some(Ok(w))) => Some(w),
            (Some(rule), bad) => {
                let message = match bad {
                    Some(Err(e)) => e.to_string(),
                    _ => "no weight".to_string(),
                };
                match rule {
                    MissingWeight::Reject => {
                        self.report.reject(row, RowCause::BadWeight, || message);
                        return RowStatus::Rejected(RowCause::BadWeight);
                    }
                    MissingWeight::UnweightedOnly => None,
                    // Checked when the survey was built.
                    MissingWeight::Default(w) => Weight::new(w).ok(),
                }
            }
        };
        let ids = KeyIds { period, groups };
        let g = match self.keys.index(ids) {
            Ok((g, new)) => {
                if new && let Err(e) = self.add_key() {
                    self.report
                        .reject(row, RowCause::TooLarge, || e.to_string());
                    return RowStatus::Rejected(RowCause::TooLarge);
                }
                g
            }
            Err(e) => {
                self.report
                    .reject(row, RowCause::TooLarge, || e.to_string());
                return RowStatus::Rejected(RowCause::TooLarge);
            }
        };
        let unweighted_only = self.weight.is_some() && weight.is_none();
        self.report.accept(unweighted_only);
        for (q, answer) in answers.iter_mut().enumerate() {
            let outcome = std::mem::replace(answer, Ok(Response::NotApplicable));
            let kept = self.report.cells_mut(q).record(row, outcome);
            let state = &mut self.questions[q];
            let plain = match kept {
                Some(Response::Rated { rating, .. }) => Response::rated(rating),
                Some(Response::NotApplicable) => Response::NotApplicable,
                None => {
                    *answer = Err(Error::EmptyTally { not_applicable: 0 });
                    continue;
                }
            };
            // Pushing onto a key that exists cannot fail but by a count
            // overflow, which a u64 of rows cannot reach.
            let _ = state.unweighted.push(g, plain);
            if let (Some(w), Some(weighted)) = (weight, &mut state.weighted) {
                let r = match plain {
                    Response::Rated { rating, .. } => Response::weighted(rating, w),
                    other => other,
                };
                let _ = weighted.push(g, r);
            }
            *answer = Ok(plain);
        }
        for pair in &mut self.pairs {
            let (Ok(x), Ok(y)) = (&answers[pair.x], &answers[pair.y]) else {
                continue;
            };
            let _ = pair.unweighted.push_responses(*x, *y);
            if let (Some(w), Some(joint)) = (weight, &mut pair.weighted) {
                let with = |r: Response| match r {
                    Response::Rated { rating, .. } => Response::weighted(rating, w),
                    other => other,
                };
                let _ = joint.push_responses(with(*x), with(*y));
            }
        }
        if unweighted_only {
            RowStatus::UnweightedOnly
        } else {
            RowStatus::Accepted
        }
    }

    /// Makes room for one more key in every question's tallies.
    fn add_key(&mut self) -> Result<(), Error> {
        for q in &mut self.questions {
            q.unweighted.push_group()?;
            if let Some(w) = &mut q.weighted {
                w.push_group()?;
            }
        }
        Ok(())
    }

    /// The keys seen, in order of first appearance.
    pub fn keys(&self) -> impl Iterator<Item = Key> + '_ {
        (0..self.keys.len()).map(|i| self.keys.key(i))
    }

    /// A question's tally for one key: unweighted, or weighted (`None`
    /// when the survey has no weight column).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSurvey`] for an unknown question; the errors of
    /// [`GroupedTally::tally`].
    pub(crate) fn tally_at(
        &self,
        q: usize,
        g: usize,
        weighted: bool,
    ) -> Result<Option<Tally>, Error> {
        let state = &self.questions[q];
        match (weighted, &state.weighted) {
            (false, _) => state.unweighted.tally(g).map(Some),
            (true, Some(w)) => w.tally(g).map(Some),
            (true, None) => Ok(None),
        }
    }

    /// The number of keys.
    pub(crate) fn key_count(&self) -> usize {
        self.keys.len()
    }

    /// The key at index `g`.
    pub(crate) fn key_at(&self, g: usize) -> Key {
        self.keys.key(g)
    }

    /// One question's tallies by key, as a [`Segmented`], for the
    /// rankings, families and roll-ups it offers: unweighted, or weighted
    /// (`None` when the survey has no weight column).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSurvey`] for an unknown question.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::survey::{Key, Survey};
    /// use cxmetrics::{ConfidenceLevel, Scale, Score};
    /// let mut s = Survey::builder().header(["channel", "q"]).group("channel")
    ///     .csat("q", Scale::CSAT_5).build()?;
    /// for row in [["web", "5"], ["web", "4"], ["app", "1"]] {
    ///     s.push_row(row);
    /// }
    /// let by_channel = s.segmented("q", false)?.unwrap();
    /// let web = by_channel.get(&Key::new(None, ["web"])).unwrap();
    /// assert_eq!(web.n(), 2);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn segmented(
        &self,
        question: &str,
        weighted: bool,
    ) -> Result<Option<Segmented<Key>>, Error> {
        let q = self
            .question_index(question)
            .ok_or_else(|| invalid(format!("{question:?} is not a declared question")))?;
        if weighted && self.weight.is_none() {
            return Ok(None);
        }
        let mut out = Segmented::new(self.specs[q].scale());
        for g in 0..self.keys.len() {
            if let Some(t) = self.tally_at(q, g, weighted)? {
                out.merge_tally(self.keys.key(g), &t)?;
            }
        }
        Ok(Some(out))
    }

    /// The joint tally of a declared pair (x, y): unweighted, or weighted
    /// (`None` when the survey has no weight column or the pair was not
    /// declared).
    #[must_use]
    pub fn joint(&self, x: &str, y: &str, weighted: bool) -> Option<&JointTally> {
        let (x, y) = (self.question_index(x)?, self.question_index(y)?);
        let pair = self.pairs.iter().find(|p| p.x == x && p.y == y)?;
        if weighted {
            pair.weighted.as_ref()
        } else {
            Some(&pair.unweighted)
        }
    }

    /// The survey's counted state: keys, tallies per question and key,
    /// joint tallies and the report. Serializable (feature `serde`); a
    /// survey of the same declaration takes it back with
    /// [`Survey::merge_state`].
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::survey::Survey;
    /// use cxmetrics::Scale;
    /// let build = || Survey::builder().header(["q"]).csat("q", Scale::CSAT_5).build();
    /// let (mut a, mut b) = (build()?, build()?);
    /// a.push_row(["5"]);
    /// b.push_row(["1"]);
    /// a.merge_state(&b.state())?;
    /// assert_eq!(a.report().accepted(), 2);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn state(&self) -> SurveyState {
        let mut keys: Vec<(Key, usize)> = (0..self.keys.len())
            .map(|g| (self.keys.key(g), g))
            .collect();
        keys.sort();
        let questions = self
            .specs
            .iter()
            .zip(&self.questions)
            .map(|(spec, state)| QuestionTallies {
                name: spec.name.clone(),
                scale: spec.scale(),
                unweighted: keys
                    .iter()
                    .map(|&(_, g)| {
                        state
                            .unweighted
                            .tally(g)
                            .unwrap_or_else(|_| Tally::new(spec.scale()))
                    })
                    .collect(),
                weighted: state.weighted.as_ref().map(|w| {
                    keys.iter()
                        .map(|&(_, g)| w.tally(g).unwrap_or_else(|_| Tally::new(spec.scale())))
                        .collect()
                }),
            })
            .collect();
        SurveyState {
            period: self.period,
            group_columns: self.groups.clone(),
            weighted: self.weight.is_some(),
            keys: keys.into_iter().map(|(k, _)| k).collect(),
            questions,
            pairs: self
                .pairs
                .iter()
                .map(|p| PairTallies {
                    x: self.specs[p.x].name.clone(),
                    y: self.specs[p.y].name.clone(),
                    unweighted: p.unweighted.clone(),
                    weighted: p.weighted.clone(),
                })
                .collect(),
            report: self.report.clone(),
        }
    }

    fn same_declaration(&self, other: &Survey) -> Result<(), Error> {
        self.check_state(&other.state())
    }

    fn check_state(&self, s: &SurveyState) -> Result<(), Error> {
        let same = s.period == self.period
            && s.group_columns.len() == self.groups.len()
            && s.group_columns
                .iter()
                .zip(&self.groups)
                .all(|(a, b)| a.eq_ignore_ascii_case(b))
            && s.weighted == self.weight.is_some()
            && s.questions.len() == self.specs.len()
            && s.questions.iter().zip(&self.specs).all(|(a, b)| {
                a.name.eq_ignore_ascii_case(&b.name)
                    && a.scale == b.scale()
                    && a.unweighted.len() == s.keys.len()
                    && a.weighted.as_ref().is_none_or(|w| w.len() == s.keys.len())
            })
            && s.pairs.len() == self.pairs.len()
            && s.pairs.iter().zip(&self.pairs).all(|(a, b)| {
                a.x.eq_ignore_ascii_case(&self.specs[b.x].name)
                    && a.y.eq_ignore_ascii_case(&self.specs[b.y].name)
                    && a.weighted.is_some() == b.weighted.is_some()
            });
        if same {
            Ok(())
        } else {
            Err(invalid(
                "the state of a survey of the same declaration (questions, scales, period, groups, weight, pairs)",
            ))
        }
    }

    /// Adds another survey of the same declaration (a shard's): keys by
    /// value, tallies exactly, reports added.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSurvey`] when the declarations differ; a count
    /// overflow. On error nothing changes.
    pub fn merge(&mut self, other: &Survey) -> Result<(), Error> {
        self.merge_state(&other.state())
    }

    /// Adds a counted state ([`Survey::state`]) of a survey of the same
    /// declaration. All or nothing.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSurvey`] when the declarations differ; a count
    /// overflow; [`Error::TooLarge`] past [`MAX_KEYS`](crate::survey::MAX_KEYS).
    pub fn merge_state(&mut self, state: &SurveyState) -> Result<(), Error> {
        self.check_state(state)?;
        let mut next = self.clone();
        for (i, key) in state.keys.iter().enumerate() {
            let (g, new) = next.keys.intern(key)?;
            if new {
                next.add_key()?;
            }
            for (q, tallies) in state.questions.iter().enumerate() {
                let target = &mut next.questions[q];
                target.unweighted.merge_tally(g, &tallies.unweighted[i])?;
                if let (Some(w), Some(ts)) = (&mut target.weighted, &tallies.weighted) {
                    w.merge_tally(g, &ts[i])?;
                }
            }
        }
        for (p, theirs) in next.pairs.iter_mut().zip(&state.pairs) {
            p.unweighted.merge(&theirs.unweighted)?;
            if let (Some(a), Some(b)) = (&mut p.weighted, &theirs.weighted) {
                a.merge(b)?;
            }
        }
        next.report.merge(&state.report)?;
        next.rows = next
            .rows
            .saturating_add(usize::try_from(state.report.rows()).unwrap_or(usize::MAX));
        *self = next;
        Ok(())
    }

    /// The scale of question `q`.
    pub(crate) fn scale_of(&self, q: usize) -> Scale {
        self.specs[q].scale()
    }
}

/// The counted state of a [`Survey`]: what a shard sends to be merged, or
/// what is stored between runs. Keys are in order, so two surveys fed the
/// same rows in any order have equal states.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct SurveyState {
    /// The period unit, if any.
    pub period: Option<PeriodUnit>,
    /// The group columns' names.
    pub group_columns: Vec<String>,
    /// Whether the survey has a weight column.
    pub weighted: bool,
    /// Every key, in order.
    pub keys: Vec<Key>,
    /// Per question, its tallies by key (in the order of `keys`).
    pub questions: Vec<QuestionTallies>,
    /// The declared pairs' joint tallies.
    pub pairs: Vec<PairTallies>,
    /// The ingest report.
    pub report: SurveyReport,
}

/// One question's tallies in a [`SurveyState`].
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct QuestionTallies {
    /// The question's name.
    pub name: String,
    /// Its scale.
    pub scale: Scale,
    /// Its unweighted tally per key.
    pub unweighted: Vec<Tally>,
    /// Its weighted tally per key, when the survey has a weight column.
    pub weighted: Option<Vec<Tally>>,
}

/// A declared pair's joint tallies in a [`SurveyState`].
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct PairTallies {
    /// The first question's name.
    pub x: String,
    /// The second's.
    pub y: String,
    /// Unweighted.
    pub unweighted: JointTally,
    /// Weighted, when the survey has a weight column.
    pub weighted: Option<JointTally>,
}
