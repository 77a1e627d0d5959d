//! The codebook's `responses:` block, checked against the codebook and the file's header: which
//! column holds which question, and which cell text means which option, region or group.

use std::collections::{BTreeMap, HashMap};

use anyhow::Result;
use serde::Deserialize;
use serde_saphyr::Spanned;

use super::source::{Kind, Place};
use crate::load::{codebook, did_you_mean, located, not_in_codebook};
use crate::model::{Question, QuestionKind, Survey};

/// The codebook again, for its `responses:` block only (codebook.rs checks the rest).
#[derive(Deserialize)]
pub(super) struct CodebookFile {
    #[serde(default)]
    pub(super) responses: Option<RawResponses>,
}

/// The codebook's `editions:` as far as the respondent rows go: each entry's `responses:`.
#[derive(Deserialize)]
pub(super) struct EditionsFile {
    #[serde(default)]
    pub(super) editions: Vec<EditionEntry>,
}

#[derive(Deserialize)]
pub(super) struct EditionEntry {
    #[serde(default)]
    pub(super) responses: Option<RawResponses>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawResponses {
    pub(super) file: Spanned<String>,
    #[serde(default)]
    pub(super) encoding: Option<Spanned<String>>,
    /// The sheet of an Excel workbook (default: the first).
    #[serde(default)]
    pub(super) sheet: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) id: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) region: Option<RawLookup>,
    #[serde(default = "yes")]
    pub(super) compute_total: bool,
    #[serde(default)]
    pub(super) dimension: Option<RawLookup>,
    pub(super) questions: BTreeMap<Key, RawQuestion>,
}

pub(super) fn yes() -> bool {
    true
}

/// A column whose cells name a region or a dimension group.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLookup {
    pub(super) column: Spanned<String>,
    /// Cell text → id, for cells that are neither the id nor the title/label.
    #[serde(default)]
    pub(super) values: BTreeMap<String, Spanned<String>>,
    /// dimension only: the questions cross-tabbed by it (default: every choice question).
    #[serde(default)]
    pub(super) questions: Option<Vec<Spanned<String>>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawQuestion {
    /// One column holding the answer (single, multiple joined by `separator`, or text).
    #[serde(default)]
    pub(super) column: Option<Spanned<String>>,
    /// One column per option: option id → column (checked: 1 / TRUE / ○ / the label …).
    #[serde(default)]
    pub(super) columns: Option<BTreeMap<Key, Spanned<String>>>,
    /// How a multiple-choice cell joins its answers: ", " (Google Forms), ";" , "\n".
    #[serde(default)]
    pub(super) separator: Option<Spanned<String>>,
    /// Cell text → option id (`~`: no answer), for codes that are not the label or the id.
    #[serde(default)]
    pub(super) values: BTreeMap<String, Option<Spanned<String>>>,
    /// A column of its own holding the text typed into その他.
    #[serde(default)]
    pub(super) other_column: Option<Spanned<String>>,
    /// Google Forms: text typed into その他 is in the answer cell itself.
    #[serde(default)]
    pub(super) other_in_cell: bool,
}

/// A map key that remembers where it was written.
#[derive(Deserialize)]
#[serde(transparent)]
pub(super) struct Key(pub(super) Spanned<String>);

impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        self.0.value == other.0.value
    }
}
impl Eq for Key {}
impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Key {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.value.cmp(&other.0.value)
    }
}

pub(super) fn at<T>(s: &Spanned<T>, message: impl std::fmt::Display) -> anyhow::Error {
    located(
        codebook::FILE,
        s.referenced.line(),
        Some(s.referenced.column()),
        message,
    )
}

/// Where a question's answer is read from, compiled against the header.
#[derive(Debug)]
pub(super) enum Source {
    /// One cell: an option (single), options joined by `separator` (multiple), or text.
    Cell {
        column: usize,
        separator: Option<String>,
        /// Whether some known value contains the separator (then pieces are re-joined).
        joined_values: bool,
        /// Cell text → option (foldhash: looked up for every row; the keys are the codebook's).
        values: foldhash::HashMap<String, Option<usize>>,
    },
    /// One column per option: (option, column).
    PerOption(Vec<(usize, usize)>),
}

#[derive(Debug)]
pub(super) struct QuestionPlan {
    /// Index into survey.questions.
    pub(super) q: usize,
    pub(super) kind: QuestionKind,
    pub(super) source: Source,
    /// The その他 option and the column of its text (`None`: in the answer cell).
    pub(super) other: Option<(usize, Option<usize>)>,
    /// Asked only of those who chose these options of that (earlier-read) question.
    pub(super) base: Option<(usize, Vec<usize>)>,
}

/// Column name → option, region or group: the lookup of one categorical column.
#[derive(Debug)]
pub(super) struct Lookup {
    pub(super) column: usize,
    /// (foldhash: looked up for every row.)
    pub(super) values: foldhash::HashMap<String, usize>,
    /// The values in codebook order, for "did you mean".
    pub(super) names: Vec<String>,
}

impl Lookup {
    fn new(column: usize, names: Vec<(String, usize)>) -> Lookup {
        Lookup {
            column,
            values: names.iter().cloned().collect(),
            names: names.into_iter().map(|(n, _)| n).collect(),
        }
    }

    pub(super) fn known(&self) -> impl Iterator<Item = &str> + Clone {
        self.names.iter().map(String::as_str)
    }
}

/// A codebook entry that a cell may name by its id or by its title/label.
pub(super) struct Named<'a, T> {
    id: &'a str,
    label: &'a str,
    value: T,
}

impl<'a, T> Named<'a, T> {
    fn new(id: &'a str, label: &'a str, value: T) -> Named<'a, T> {
        Named { id, label, value }
    }
}

/// Cell text → value: the codebook's `values:` first, then each entry's title/label and id.
/// A text that names two entries (the id of one and the label of another, as when `new --from`
/// gives ids a, b, … to options whose cells are letters) is an error unless `values:` says
/// which: taking either would silently count those cells under the wrong one.
fn cell_values<'a, T: Copy>(
    explicit: Vec<(String, T)>,
    named: impl Iterator<Item = Named<'a, T>>,
    what: &str,
    written: &Spanned<String>,
    block: &str,
) -> Result<Vec<(String, T)>> {
    let label = if what == "region" { "title" } else { "label" };
    let named: Vec<Named<T>> = named.collect();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut out = Vec::new();
    for (i, n) in named.iter().enumerate() {
        for text in [n.label, n.id] {
            if explicit.iter().any(|(t, _)| t == text) {
                continue;
            }
            let Some(&j) = seen.get(text) else {
                seen.insert(text, i);
                out.push((text.to_string(), n.value));
                continue;
            };
            if j == i {
                continue;
            }
            let first = &named[j];
            let role = |n: &Named<T>| {
                if n.id == text {
                    format!("the id of {what} \"{}\"", n.id)
                } else {
                    format!("the {label} of {what} \"{}\"", n.id)
                }
            };
            let rename = match [first, n].iter().find(|n| n.id == text) {
                Some(n) => format!("rename {what} \"{}\"", n.id),
                None => format!("give the two {what}s different {label}s"),
            };
            return Err(at(
                written,
                format!(
                    "`responses: {block}:`: the cell text \"{text}\" is {} and {}: say which it means under `values:` (`{{ \"{text}\": {} }}` or `{{ \"{text}\": {} }}`), or {rename}",
                    role(first),
                    role(n),
                    first.id,
                    n.id
                ),
            ));
        }
    }
    out.extend(explicit);
    Ok(out)
}

/// The `responses:` block checked against the codebook and the file's header.
#[derive(Debug)]
pub(super) struct Plan {
    pub(super) file: String,
    /// How a row and column are named in errors (line, sheet cell, case).
    pub(super) place: Place,
    pub(super) headers: Vec<String>,
    pub(super) id: Option<usize>,
    pub(super) region: Option<Lookup>,
    /// Rows with no region column belong here.
    pub(super) fixed_region: Option<usize>,
    pub(super) total: Option<usize>,
    pub(super) group: Option<Lookup>,
    pub(super) crosstab: Vec<bool>,
    pub(super) questions: Vec<QuestionPlan>,
}

/// The column named `name` in the header, or an error at the codebook line naming it.
pub(super) fn column(headers: &[String], name: &Spanned<String>, file: &str) -> Result<usize> {
    let matches: Vec<usize> = headers
        .iter()
        .enumerate()
        .filter(|(_, h)| **h == name.value.trim())
        .map(|(i, _)| i)
        .collect();
    match matches[..] {
        [i] => Ok(i),
        [] if Kind::of(std::path::Path::new(file)) == Kind::Sav => Err(at(
            name,
            format!(
                "variable \"{}\" is not in {file}{}",
                name.value,
                did_you_mean(&name.value, headers.iter().map(String::as_str))
            ),
        )),
        [] => Err(at(
            name,
            format!(
                "column \"{}\" is not in the header of {file}{}",
                name.value,
                did_you_mean(&name.value, headers.iter().map(String::as_str))
            ),
        )),
        _ => Err(at(
            name,
            format!(
                "column \"{}\" appears {} times in the header of {file} (columns {}): rename all but one in the file",
                name.value,
                matches.len(),
                matches
                    .iter()
                    .map(|i| (i + 1).to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
    }
}

pub(super) fn option_index(q: &Question, id: &Spanned<String>) -> Result<usize> {
    q.options
        .iter()
        .position(|o| o.id == id.value)
        .ok_or_else(|| {
            at(
                id,
                format!(
                    "option \"{}\" is not an option of question \"{}\"{}",
                    id.value,
                    q.id,
                    did_you_mean(&id.value, q.options.iter().map(|o| o.id.as_str()))
                ),
            )
        })
}

pub(super) fn compile(
    raw: &RawResponses,
    survey: &Survey,
    headers: Vec<String>,
    place: Place,
) -> Result<Plan> {
    let file = raw.file.value.clone();
    let id = raw
        .id
        .as_ref()
        .map(|c| column(&headers, c, &file))
        .transpose()?;
    let total_region = survey.regions.iter().position(|r| r.total);
    let region = match &raw.region {
        None => None,
        Some(l) => {
            let mut explicit = Vec::new();
            for (text, id) in &l.values {
                let i = survey
                    .regions
                    .iter()
                    .position(|r| r.id == id.value)
                    .ok_or_else(|| {
                        at(
                            id,
                            not_in_codebook(
                                "region",
                                &id.value,
                                survey.regions.iter().map(|r| r.id.as_str()),
                            ),
                        )
                    })?;
                explicit.push((text.trim().to_string(), i));
            }
            let named = survey
                .regions
                .iter()
                .enumerate()
                .map(|(i, r)| Named::new(&r.id, &r.title, i));
            let values = cell_values(explicit, named, "region", &l.column, "region")?;
            Some(Lookup::new(column(&headers, &l.column, &file)?, values))
        }
    };
    let fixed_region = match (&region, total_region) {
        (Some(_), _) => None,
        (None, Some(t)) => Some(t),
        (None, None) if survey.regions.len() == 1 => Some(0),
        (None, None) => anyhow::bail!(
            "{}: `responses:` has no `region:` column, and the codebook has {} regions and none marked `total: true`: name the column that says each respondent's region",
            codebook::FILE,
            survey.regions.len()
        ),
    };
    let total = if raw.compute_total || region.is_none() {
        total_region
    } else {
        None
    };

    let mut crosstab = vec![false; survey.questions.len()];
    let group = match (&raw.dimension, &survey.dimension) {
        (None, _) => None,
        (Some(l), None) => {
            return Err(at(
                &l.column,
                "`responses: dimension:` needs a `dimension:` in the codebook (its groups)",
            ));
        }
        (Some(l), Some(d)) => {
            let mut explicit = Vec::new();
            for (text, id) in &l.values {
                let i = d
                    .groups
                    .iter()
                    .position(|g| g.id == id.value)
                    .ok_or_else(|| {
                        at(
                            id,
                            format!(
                                "group \"{}\" is not a group of the dimension \"{}\"{}",
                                id.value,
                                d.id,
                                did_you_mean(&id.value, d.groups.iter().map(|g| g.id.as_str()))
                            ),
                        )
                    })?;
                explicit.push((text.trim().to_string(), i));
            }
            let named = d
                .groups
                .iter()
                .enumerate()
                .map(|(i, g)| Named::new(&g.id, &g.label, i));
            let values = cell_values(explicit, named, "group", &l.column, "dimension")?;
            match &l.questions {
                None => {
                    for (i, q) in survey.questions.iter().enumerate() {
                        crosstab[i] = q.kind.is_choice();
                    }
                }
                Some(list) => {
                    for q in list {
                        let i = question_index(survey, q)?;
                        crosstab[i] = true;
                    }
                }
            }
            Some(Lookup::new(column(&headers, &l.column, &file)?, values))
        }
    };

    let mut questions = Vec::new();
    for (key, rq) in &raw.questions {
        let qi = question_index(survey, &key.0)?;
        questions.push(compile_question(survey, qi, &key.0, rq, &headers, &file)?);
    }
    // Bases: the question a base comes from must be read from the rows too.
    for i in 0..questions.len() {
        let q = &survey.questions[questions[i].q];
        let Some(from) = survey.base(&q.base).and_then(|b| b.from.as_ref()) else {
            continue;
        };
        let Some(fq) = survey.questions.iter().position(|x| x.id == from.question) else {
            continue;
        };
        if !questions.iter().any(|p| p.q == fq) {
            anyhow::bail!(
                "{}: question \"{}\" is asked of base \"{}\", which comes from question \"{}\": read \"{}\" from {file} too (under `responses: questions:`)",
                codebook::FILE,
                q.id,
                q.base,
                from.question,
                from.question
            );
        }
        let options = from
            .options
            .iter()
            .filter_map(|o| survey.questions[fq].options.iter().position(|x| &x.id == o))
            .collect();
        questions[i].base = Some((fq, options));
    }
    for (i, x) in crosstab.iter_mut().enumerate() {
        *x = *x && questions.iter().any(|p| p.q == i);
    }
    Ok(Plan {
        file,
        place,
        headers,
        id,
        region,
        fixed_region,
        total,
        group,
        crosstab,
        questions,
    })
}

impl Plan {
    /// Which columns of the header a row is read from (a cell that cannot be read matters
    /// only there).
    pub(super) fn columns_read(&self) -> Vec<bool> {
        let mut read = vec![false; self.headers.len()];
        let mut mark = |c: usize| {
            if let Some(x) = read.get_mut(c) {
                *x = true;
            }
        };
        self.id.into_iter().for_each(&mut mark);
        for l in self.region.iter().chain(&self.group) {
            mark(l.column);
        }
        for p in &self.questions {
            match &p.source {
                Source::Cell { column, .. } => mark(*column),
                Source::PerOption(list) => list.iter().for_each(|&(_, c)| mark(c)),
            }
            if let Some((_, Some(c))) = p.other {
                mark(c);
            }
        }
        read
    }
}

pub(super) fn question_index(survey: &Survey, id: &Spanned<String>) -> Result<usize> {
    survey
        .questions
        .iter()
        .position(|q| q.id == id.value)
        .ok_or_else(|| {
            at(
                id,
                not_in_codebook(
                    "question",
                    &id.value,
                    survey.questions.iter().map(|q| q.id.as_str()),
                ),
            )
        })
}

pub(super) fn compile_question(
    survey: &Survey,
    qi: usize,
    key: &Spanned<String>,
    rq: &RawQuestion,
    headers: &[String],
    file: &str,
) -> Result<QuestionPlan> {
    let q = &survey.questions[qi];
    let source = match (&rq.column, &rq.columns) {
        (Some(c), None) => {
            let mut explicit = Vec::new();
            for (text, id) in &rq.values {
                let o = id.as_ref().map(|id| option_index(q, id)).transpose()?;
                explicit.push((text.trim().to_string(), o));
            }
            let named = q
                .options
                .iter()
                .enumerate()
                .map(|(i, o)| Named::new(&o.id, &o.label, Some(i)));
            let block = format!("questions: {}", q.id);
            let values: foldhash::HashMap<String, Option<usize>> =
                cell_values(explicit, named, "option", key, &block)?
                    .into_iter()
                    .collect();
            let separator = match (&rq.separator, q.kind) {
                (None, _) => None,
                (Some(s), QuestionKind::Multiple) if !s.value.is_empty() => Some(s.value.clone()),
                (Some(s), QuestionKind::Multiple) => {
                    return Err(at(s, "the separator is empty"));
                }
                (Some(s), _) => {
                    return Err(at(
                        s,
                        format!(
                            "question \"{}\" is not multiple choice: it takes no `separator`",
                            q.id
                        ),
                    ));
                }
            };
            let joined_values = separator
                .as_ref()
                .is_some_and(|s| values.keys().any(|v| v.contains(s.trim())));
            Source::Cell {
                column: column(headers, c, file)?,
                separator,
                joined_values,
                values,
            }
        }
        (None, Some(columns)) if q.kind.is_choice() => {
            if columns.is_empty() {
                return Err(at(
                    key,
                    format!("question \"{}\": `columns` is empty", q.id),
                ));
            }
            if let Some(s) = &rq.separator {
                return Err(at(
                    s,
                    "one column per option takes no `separator` (each column is one option)",
                ));
            }
            let mut list = Vec::new();
            for (option, c) in columns {
                list.push((option_index(q, &option.0)?, column(headers, c, file)?));
            }
            Source::PerOption(list)
        }
        (None, Some(_)) => {
            return Err(at(
                key,
                format!(
                    "question \"{}\" is free text: give its `column`, not `columns`",
                    q.id
                ),
            ));
        }
        (None, None) | (Some(_), Some(_)) => {
            return Err(at(
                key,
                format!(
                    "question \"{}\": give either `column` (one column) or `columns` (one column per option)",
                    q.id
                ),
            ));
        }
    };
    if q.kind == QuestionKind::Text && (!rq.values.is_empty() || rq.other_in_cell) {
        return Err(at(
            key,
            format!(
                "question \"{}\" is free text: it takes no `values` or `other_in_cell`",
                q.id
            ),
        ));
    }
    let other = if rq.other_column.is_some() || rq.other_in_cell {
        let o = q.options.iter().position(|o| o.other).ok_or_else(|| {
            at(
                key,
                format!(
                    "question \"{}\" has text typed into その他, but none of its options is marked `other: true`",
                    q.id
                ),
            )
        })?;
        let c = rq
            .other_column
            .as_ref()
            .map(|c| column(headers, c, file))
            .transpose()?;
        Some((o, c))
    } else {
        None
    };
    Ok(QuestionPlan {
        q: qi,
        kind: q.kind,
        source,
        other,
        base: None,
    })
}
