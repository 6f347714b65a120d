//! What a survey asks: its questions, the row's dimensions and its weight,
//! declared once with [`SurveyBuilder`].

use crate::foundation::error::Error;
use crate::foundation::input::{CellParser, LabelSet};
use crate::foundation::period::PeriodUnit;
use crate::foundation::scale::{Question, Scale};

pub use crate::survey::key::MAX_GROUP_COLUMNS;

/// What to do with a row whose weight cell is blank or not a weight.
///
/// # Example
///
/// ```
/// use cxmetrics::survey::{MissingWeight, Survey};
/// let survey = Survey::builder()
///     .nps("recommend")
///     .weight("weight", MissingWeight::UnweightedOnly)
///     .build()?;
/// assert_eq!(survey.questions().len(), 1);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum MissingWeight {
    /// Reject the whole row (counted in the report as a bad weight). The
    /// default: nothing enters any figure without its weight.
    #[default]
    Reject,
    /// Keep the row's answers in the unweighted figures only; the weighted
    /// figures leave it out (counted in the report).
    UnweightedOnly,
    /// Use this weight instead (must be finite and at least 0).
    Default(f64),
}

/// One question of a survey: its column, how its cells are read, and the
/// box its share metric counts.
#[derive(Debug, Clone, PartialEq)]
pub struct QuestionSpec {
    pub(crate) name: String,
    pub(crate) parser: CellParser,
    pub(crate) top_box: u32,
}

impl QuestionSpec {
    /// The question's column name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its scale.
    #[must_use]
    pub fn scale(&self) -> Scale {
        self.parser.scale()
    }

    /// What it measures (NPS, CSAT, CES or other), from its scale.
    #[must_use]
    pub fn kind(&self) -> Question {
        self.scale().question()
    }

    /// How many of the best points its share metric counts (top-2 on a
    /// 5-point CSAT, "% easy" on CES; promoters on NPS).
    #[must_use]
    pub fn top_box(&self) -> u32 {
        self.top_box
    }

    /// The parser that reads its cells.
    #[must_use]
    pub fn parser(&self) -> &CellParser {
        &self.parser
    }
}

/// The usual box of a scale: 2 points on scales of up to 7 points, 3 on
/// longer ones (9–10 on 0–10: promoters, and CSAT 8–10 on 1–10).
fn default_box(scale: Scale) -> u32 {
    if scale.len() <= 7 { 2 } else { 3 }
}

/// The label set a question of this kind and length takes by default.
fn default_labels(kind: Question, scale: Scale) -> Option<LabelSet> {
    match (kind, scale.len()) {
        (Question::Nps, 11) => Some(LabelSet::LIKELIHOOD_11),
        (Question::Csat, 5) => Some(LabelSet::SATISFACTION_5),
        (Question::Csat, 7) => Some(LabelSet::SATISFACTION_7),
        (Question::Ces, 7) => Some(LabelSet::AGREEMENT_7),
        (Question::Ces, 5) => Some(LabelSet::EASE_5),
        _ => None,
    }
}

/// Declares a [`Survey`](crate::survey::Survey): its questions (by column name), the period and
/// group columns its rows are keyed by, the weight column and its rule,
/// the question pairs to relate, and the extra not-applicable tokens.
///
/// Columns are found by name in the header given to
/// [`SurveyBuilder::header`] (trimmed, case-insensitive); without a
/// header, text rows are read in declaration order: the period, the
/// groups, the weight, then the questions.
///
/// # Example
///
/// ```
/// use cxmetrics::survey::{MissingWeight, Survey};
/// use cxmetrics::{PeriodUnit, Scale};
///
/// let mut survey = Survey::builder()
///     .header(["id", "date", "channel", "weight", "recommend", "satisfaction", "effort"])
///     .period("date", PeriodUnit::Month)
///     .group("channel")
///     .weight("weight", MissingWeight::UnweightedOnly)
///     .nps("recommend")
///     .csat("satisfaction", Scale::CSAT_5)
///     .ces("effort", Scale::CES_7)
///     .pair("effort", "satisfaction")
///     .not_applicable(["Don't know"])
///     .build()?;
/// survey.push_row(["1", "2026-03-14", "web", "1.2", "10 - Extremely likely", "Very satisfied", "Agree"]);
/// survey.push_row(["2", "2026-03-20", "app", "", "3", "Don't know", "Strongly disagree"]);
/// assert_eq!(survey.report().accepted(), 2);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct SurveyBuilder {
    pub(crate) header: Option<Vec<String>>,
    pub(crate) questions: Vec<QuestionSpec>,
    pub(crate) period: Option<(String, PeriodUnit)>,
    pub(crate) groups: Vec<String>,
    pub(crate) weight: Option<(String, MissingWeight)>,
    pub(crate) pairs: Vec<(String, String)>,
    pub(crate) not_applicable: Vec<String>,
    pub(crate) min_n: u64,
    /// The first declaration error, reported by `build`.
    pub(crate) error: Option<Error>,
}

impl SurveyBuilder {
    pub(crate) fn new() -> SurveyBuilder {
        SurveyBuilder {
            min_n: 30,
            ..SurveyBuilder::default()
        }
    }

    fn keep(mut self, result: Result<QuestionSpec, Error>) -> SurveyBuilder {
        match result {
            Ok(q) => self.questions.push(q),
            Err(e) => {
                self.error.get_or_insert(e);
            }
        }
        self
    }

    fn declared(&self, column: &str) -> QuestionSpec {
        QuestionSpec {
            name: column.trim().to_string(),
            parser: CellParser::new(Scale::NPS),
            top_box: 2,
        }
    }

    /// The export's header row: columns are then found by name.
    #[must_use]
    pub fn header<I, S>(mut self, names: I) -> SurveyBuilder
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.header = Some(names.into_iter().map(|s| clean(s.as_ref())).collect());
        self
    }

    /// A likelihood-to-recommend question on 0–10 ([`Scale::NPS`]),
    /// reading numbers, `"N - label"` cells and the endpoint labels of
    /// [`LabelSet::LIKELIHOOD_11`]; scored as NPS.
    #[must_use]
    pub fn nps(self, column: &str) -> SurveyBuilder {
        let q = self.declared(column);
        self.question_with_labels(q, Scale::NPS, 2)
    }

    /// A satisfaction question on `scale` (a CSAT preset, or any scale),
    /// with the satisfaction wording of its length if there is one; scored
    /// as its top box (top-2 up to 7 points, top-3 beyond) and its mean.
    #[must_use]
    pub fn csat(self, column: &str, scale: Scale) -> SurveyBuilder {
        let q = self.declared(column);
        let scale = scale.for_question(Question::Csat);
        self.question_with_labels(q, scale, default_box(scale))
    }

    /// An effort question on `scale` ([`Scale::CES_7`], agreement worded;
    /// [`Scale::CES_5`], 1 = very easy, ease worded; or any scale), scored
    /// as "% easy" (the two best points, following the scale's direction)
    /// and its mean.
    #[must_use]
    pub fn ces(self, column: &str, scale: Scale) -> SurveyBuilder {
        let q = self.declared(column);
        let scale = scale.for_question(Question::Ces);
        self.question_with_labels(q, scale, 2)
    }

    fn question_with_labels(self, mut q: QuestionSpec, scale: Scale, k: u32) -> SurveyBuilder {
        let mut parser = CellParser::new(scale);
        if let Some(set) = default_labels(scale.question(), scale) {
            match parser.label_set(set) {
                Ok(p) => parser = p,
                Err(e) => return self.keep(Err(e)),
            }
        }
        q.parser = parser;
        q.top_box = k;
        self.keep(Ok(q))
    }

    /// Any question, read by `parser` (its scale, labels and
    /// not-applicable tokens) and scored by its top `top_box` points and
    /// its mean (NPS when the scale is [`Scale::NPS`]).
    #[must_use]
    pub fn question(self, column: &str, parser: CellParser, top_box: u32) -> SurveyBuilder {
        let mut q = self.declared(column);
        q.parser = parser;
        q.top_box = top_box;
        self.keep(Ok(q))
    }

    /// The column of the answer's date (or date-time, or Unix seconds as an
    /// integer), bucketed into `unit` periods.
    #[must_use]
    pub fn period(mut self, column: &str, unit: PeriodUnit) -> SurveyBuilder {
        self.period = Some((clean(column), unit));
        self
    }

    /// A column to key rows by (a channel, a store, an agent); up to
    /// [`MAX_GROUP_COLUMNS`].
    #[must_use]
    pub fn group(mut self, column: &str) -> SurveyBuilder {
        self.groups.push(clean(column));
        self
    }

    /// The column of the respondent's weight, and what to do when it is
    /// blank or bad.
    #[must_use]
    pub fn weight(mut self, column: &str, missing: MissingWeight) -> SurveyBuilder {
        self.weight = Some((clean(column), missing));
        self
    }

    /// Two questions to relate (correlation, cross-tab): the survey keeps
    /// their joint tally.
    #[must_use]
    pub fn pair(mut self, x: &str, y: &str) -> SurveyBuilder {
        self.pairs.push((clean(x), clean(y)));
        self
    }

    /// Tokens that mean "not applicable" in every question's cells, *added*
    /// to the defaults (`""`, `N/A`, `NA`, `-` …), matched
    /// case-insensitively.
    #[must_use]
    pub fn not_applicable<I, S>(mut self, tokens: I) -> SurveyBuilder
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.not_applicable
            .extend(tokens.into_iter().map(|t| t.as_ref().trim().to_string()));
        self
    }

    /// The smallest n at which a scorecard cell is reported without a
    /// flag (30 unless told).
    #[must_use]
    pub fn min_n(mut self, n: u64) -> SurveyBuilder {
        self.min_n = n;
        self
    }
}

/// A column name as matched: trimmed, without a byte-order mark.
pub(crate) fn clean(name: &str) -> String {
    name.trim_start_matches('\u{feff}').trim().to_string()
}
