//! Respondent-level data: a CSV with one row per respondent (Google Forms, Microsoft Forms,
//! LimeSurvey, Excel), declared under `responses:` in the codebook, streamed row by row into
//! counts (src/aggregate.rs). Decodes UTF-8, UTF-8 with BOM and CP932 (Shift_JIS).

use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Deserialize;
use serde_saphyr::Spanned;

use super::tables::{self, Problems};
use super::{closest, codebook, did_you_mean, located, parse_yaml, read_text};
use crate::aggregate::{FromRows, Respondent, Tally};
use crate::model::{Question, QuestionKind, Survey};

/// The codebook again, for its `responses:` block only (codebook.rs checks the rest).
#[derive(Deserialize)]
struct CodebookFile {
    #[serde(default)]
    responses: Option<RawResponses>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawResponses {
    file: Spanned<String>,
    #[serde(default)]
    encoding: Option<Spanned<String>>,
    #[serde(default)]
    id: Option<Spanned<String>>,
    #[serde(default)]
    region: Option<RawLookup>,
    #[serde(default = "yes")]
    compute_total: bool,
    #[serde(default)]
    dimension: Option<RawLookup>,
    questions: BTreeMap<Key, RawQuestion>,
}

fn yes() -> bool {
    true
}

/// A column whose cells name a region or a dimension group.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLookup {
    column: Spanned<String>,
    /// Cell text → id, for cells that are neither the id nor the title/label.
    #[serde(default)]
    values: BTreeMap<String, Spanned<String>>,
    /// dimension only: the questions cross-tabbed by it (default: every choice question).
    #[serde(default)]
    questions: Option<Vec<Spanned<String>>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    /// One column holding the answer (single, multiple joined by `separator`, or text).
    #[serde(default)]
    column: Option<Spanned<String>>,
    /// One column per option: option id → column (checked: 1 / TRUE / ○ / the label …).
    #[serde(default)]
    columns: Option<BTreeMap<Key, Spanned<String>>>,
    /// How a multiple-choice cell joins its answers: ", " (Google Forms), ";" , "\n".
    #[serde(default)]
    separator: Option<Spanned<String>>,
    /// Cell text → option id (`~`: no answer), for codes that are not the label or the id.
    #[serde(default)]
    values: BTreeMap<String, Option<Spanned<String>>>,
    /// A column of its own holding the text typed into その他.
    #[serde(default)]
    other_column: Option<Spanned<String>>,
    /// Google Forms: text typed into その他 is in the answer cell itself.
    #[serde(default)]
    other_in_cell: bool,
}

/// A map key that remembers where it was written.
#[derive(Deserialize)]
#[serde(transparent)]
struct Key(Spanned<String>);

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

fn at<T>(s: &Spanned<T>, message: impl std::fmt::Display) -> anyhow::Error {
    located(
        codebook::FILE,
        s.referenced.line(),
        Some(s.referenced.column()),
        message,
    )
}

/// How the responses file is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 (with or without BOM) if the bytes are UTF-8, else CP932.
    Auto,
    Utf8,
    Cp932,
}

impl Encoding {
    pub fn parse(name: &str) -> Option<Encoding> {
        match name.to_ascii_lowercase().replace('_', "-").as_str() {
            "auto" => Some(Encoding::Auto),
            "utf-8" | "utf8" | "utf-8-sig" => Some(Encoding::Utf8),
            "cp932" | "shift-jis" | "sjis" | "windows-31j" | "ms932" => Some(Encoding::Cp932),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Encoding::Auto => "auto",
            Encoding::Utf8 => "UTF-8",
            Encoding::Cp932 => "CP932 (Shift_JIS)",
        }
    }
}

const CHUNK: usize = 64 * 1024;

/// Turns a byte stream in `encoding` into UTF-8 as it is read: a BOM is dropped, CP932 is
/// transcoded, and a byte that is not valid text is an error naming its line.
pub struct Decode<R> {
    inner: R,
    file: String,
    want: Encoding,
    decoder: Option<encoding_rs::Decoder>,
    raw: Vec<u8>,
    out: Vec<u8>,
    pos: usize,
    started: bool,
    done: bool,
    /// Newlines handed out so far, to name the line of a bad byte.
    lines: u64,
}

impl<R: Read> Decode<R> {
    pub fn new(inner: R, encoding: Encoding, file: &str) -> Decode<R> {
        Decode {
            inner,
            file: file.to_string(),
            want: encoding,
            decoder: None,
            raw: vec![0; CHUNK],
            out: Vec::new(),
            pos: 0,
            started: false,
            done: false,
            lines: 0,
        }
    }

    /// The encoding in use (`Auto` until a byte outside ASCII has been seen).
    pub fn encoding(&self) -> Encoding {
        match &self.decoder {
            None => self.want,
            Some(d) if d.encoding() == encoding_rs::SHIFT_JIS => Encoding::Cp932,
            Some(_) => Encoding::Utf8,
        }
    }

    fn fill(&mut self) -> io::Result<()> {
        let mut n = 0;
        // The first read gathers at least 3 bytes, to see a BOM.
        loop {
            let got = self.inner.read(&mut self.raw[n..])?;
            n += got;
            if got == 0 || self.started || n >= 3 {
                break;
            }
        }
        let last = n == 0;
        let mut src = &self.raw[..n];
        if !self.started {
            self.started = true;
            if let Some(rest) = src.strip_prefix(b"\xEF\xBB\xBF") {
                src = rest;
                self.decoder = Some(encoding_rs::UTF_8.new_decoder_without_bom_handling());
            }
        }
        if self.decoder.is_none() {
            let encoding = match self.want {
                Encoding::Utf8 => encoding_rs::UTF_8,
                Encoding::Cp932 => encoding_rs::SHIFT_JIS,
                Encoding::Auto if src.is_ascii() => {
                    // Same bytes in every candidate: decide later.
                    self.out.clear();
                    self.out.extend_from_slice(src);
                    self.pos = 0;
                    self.done = last;
                    self.count_lines();
                    return Ok(());
                }
                Encoding::Auto => match std::str::from_utf8(src) {
                    Ok(_) => encoding_rs::UTF_8,
                    // A character cut at the end of the chunk is still UTF-8.
                    Err(e) if e.error_len().is_none() => encoding_rs::UTF_8,
                    Err(_) => encoding_rs::SHIFT_JIS,
                },
            };
            self.decoder = Some(encoding.new_decoder_without_bom_handling());
        }
        let Some(decoder) = self.decoder.as_mut() else {
            return Ok(());
        };
        let room = decoder
            .max_utf8_buffer_length_without_replacement(src.len())
            .unwrap_or(src.len() * 3 + 16);
        self.out.clear();
        self.out.resize(room, 0);
        let (result, _, written) =
            decoder.decode_to_utf8_without_replacement(src, &mut self.out, last);
        let name = if decoder.encoding() == encoding_rs::SHIFT_JIS {
            Encoding::Cp932
        } else {
            Encoding::Utf8
        };
        self.out.truncate(written);
        self.pos = 0;
        self.done = last;
        if let encoding_rs::DecoderResult::Malformed(..) = result {
            self.count_lines();
            let hint = match (self.want, name) {
                (Encoding::Cp932, _) => {
                    "set `encoding: utf-8` under `responses:` in data/codebook.yaml if the file is UTF-8"
                }
                (_, Encoding::Utf8) => {
                    "if Excel saved the file, set `encoding: cp932` under `responses:` in data/codebook.yaml"
                }
                _ => "save the file as UTF-8 (CSV UTF-8 in Excel)",
            };
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "{}:{}: the file is not valid {} text ({hint})",
                    self.file,
                    self.lines + 1,
                    name.name()
                ),
            ));
        }
        self.count_lines();
        Ok(())
    }

    fn count_lines(&mut self) {
        self.lines += self.out.iter().filter(|&&b| b == b'\n').count() as u64;
    }
}

impl<R: Read> Read for Decode<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.pos >= self.out.len() {
            if self.done {
                return Ok(0);
            }
            self.fill()?;
        }
        let n = buf.len().min(self.out.len() - self.pos);
        buf[..n].copy_from_slice(&self.out[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// A CSV reader over a respondent file, decoded, with its header.
pub fn open(
    path: &Path,
    shown: &str,
    encoding: Encoding,
) -> Result<csv::Reader<Decode<std::fs::File>>> {
    let file = std::fs::File::open(path).with_context(|| format!("reading {shown}"))?;
    Ok(csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(Decode::new(file, encoding, shown)))
}

/// A CSV error as `file:line: message`.
pub fn csv_error(file: &str, e: &csv::Error) -> anyhow::Error {
    match e.kind() {
        // Decode's own errors already say where.
        csv::ErrorKind::Io(io) => anyhow::anyhow!("{io}"),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => located(
            file,
            e.position().map_or(1, |p| p.line()),
            None,
            format!(
                "this row has {len} fields, expected {expected_len} like the header (is a quote left open?)"
            ),
        ),
        _ => located(file, e.position().map_or(1, |p| p.line()), None, e),
    }
}

/// Reads the header: the column names, trimmed. An empty file is an error.
pub fn header<R: Read>(reader: &mut csv::Reader<R>, file: &str) -> Result<Vec<String>> {
    let header = reader.headers().map_err(|e| csv_error(file, &e))?;
    if header.iter().all(|h| h.trim().is_empty()) {
        anyhow::bail!(
            "{file}: the file is empty (expected a header row naming the columns, then one row per respondent)"
        );
    }
    Ok(header.iter().map(|h| h.trim().to_string()).collect())
}

/// Where a question's answer is read from, compiled against the header.
#[derive(Debug)]
enum Source {
    /// One cell: an option (single), options joined by `separator` (multiple), or text.
    Cell {
        column: usize,
        separator: Option<String>,
        /// Whether some known value contains the separator (then pieces are re-joined).
        joined_values: bool,
        values: HashMap<String, Option<usize>>,
    },
    /// One column per option: (option, column).
    PerOption(Vec<(usize, usize)>),
}

#[derive(Debug)]
struct QuestionPlan {
    /// Index into survey.questions.
    q: usize,
    kind: QuestionKind,
    source: Source,
    /// The その他 option and the column of its text (`None`: in the answer cell).
    other: Option<(usize, Option<usize>)>,
    /// Asked only of those who chose these options of that (earlier-read) question.
    base: Option<(usize, Vec<usize>)>,
}

/// Column name → option, region or group: the lookup of one categorical column.
#[derive(Debug)]
struct Lookup {
    column: usize,
    values: HashMap<String, usize>,
    /// The values in codebook order, for "did you mean".
    names: Vec<String>,
}

impl Lookup {
    fn new(column: usize, names: Vec<(String, usize)>) -> Lookup {
        Lookup {
            column,
            values: names.iter().cloned().collect(),
            names: names.into_iter().map(|(n, _)| n).collect(),
        }
    }

    fn known(&self) -> impl Iterator<Item = &str> + Clone {
        self.names.iter().map(String::as_str)
    }
}

/// The `responses:` block checked against the codebook and the file's header.
#[derive(Debug)]
struct Plan {
    file: String,
    headers: Vec<String>,
    id: Option<usize>,
    region: Option<Lookup>,
    /// Rows with no region column belong here.
    fixed_region: Option<usize>,
    total: Option<usize>,
    group: Option<Lookup>,
    crosstab: Vec<bool>,
    questions: Vec<QuestionPlan>,
}

/// The column named `name` in the header, or an error at the codebook line naming it.
fn column(headers: &[String], name: &Spanned<String>, file: &str) -> Result<usize> {
    let matches: Vec<usize> = headers
        .iter()
        .enumerate()
        .filter(|(_, h)| **h == name.value.trim())
        .map(|(i, _)| i)
        .collect();
    match matches[..] {
        [i] => Ok(i),
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

fn option_index(q: &Question, id: &Spanned<String>) -> Result<usize> {
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

fn compile(raw: &RawResponses, survey: &Survey, headers: Vec<String>) -> Result<Plan> {
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
            let mut values = Vec::new();
            for (i, r) in survey.regions.iter().enumerate() {
                values.push((r.title.clone(), i));
                values.push((r.id.clone(), i));
            }
            for (text, id) in &l.values {
                let i = survey
                    .regions
                    .iter()
                    .position(|r| r.id == id.value)
                    .ok_or_else(|| {
                        at(
                            id,
                            format!(
                                "region \"{}\" is not in the codebook{}",
                                id.value,
                                did_you_mean(
                                    &id.value,
                                    survey.regions.iter().map(|r| r.id.as_str())
                                )
                            ),
                        )
                    })?;
                values.push((text.trim().to_string(), i));
            }
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
            let mut values = Vec::new();
            for (i, g) in d.groups.iter().enumerate() {
                values.push((g.label.clone(), i));
                values.push((g.id.clone(), i));
            }
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
                values.push((text.trim().to_string(), i));
            }
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

fn question_index(survey: &Survey, id: &Spanned<String>) -> Result<usize> {
    survey
        .questions
        .iter()
        .position(|q| q.id == id.value)
        .ok_or_else(|| {
            at(
                id,
                format!(
                    "question \"{}\" is not in the codebook{}",
                    id.value,
                    did_you_mean(&id.value, survey.questions.iter().map(|q| q.id.as_str()))
                ),
            )
        })
}

fn compile_question(
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
            let mut values: HashMap<String, Option<usize>> = HashMap::new();
            for (i, o) in q.options.iter().enumerate() {
                values.insert(o.id.clone(), Some(i));
                values.insert(o.label.clone(), Some(i));
            }
            for (text, id) in &rq.values {
                let o = id.as_ref().map(|id| option_index(q, id)).transpose()?;
                values.insert(text.trim().to_string(), o);
            }
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

/// The nearest of `known` to a cell's text: by edit distance, else the longest shared start.
fn nearest<'a>(wanted: &str, known: impl Iterator<Item = &'a str> + Clone) -> Option<&'a str> {
    closest(wanted, known.clone()).or_else(|| {
        known
            .map(|k| {
                let shared = k
                    .chars()
                    .zip(wanted.chars())
                    .take_while(|(a, b)| a == b)
                    .count();
                (shared, k)
            })
            .filter(|(n, _)| *n >= 2)
            // The first of equals: options are in questionnaire order.
            .fold(None, |best: Option<(usize, &str)>, (n, k)| match best {
                Some((b, _)) if b >= n => best,
                _ => Some((n, k)),
            })
            .map(|(_, k)| k)
    })
}

fn hint(known: Option<&str>) -> String {
    known
        .map(|k| format!(" (did you mean \"{k}\"?)"))
        .unwrap_or_default()
}

/// Cell text of a one-column-per-option answer: checked or not.
fn checked(text: &str, label: &str, id: &str) -> Option<bool> {
    match text {
        "" | "0" | "false" | "FALSE" | "False" | "no" | "No" | "NO" | "N" | "n" | "いいえ"
        | "×" | "-" | "－" => Some(false),
        "1" | "true" | "TRUE" | "True" | "yes" | "Yes" | "YES" | "Y" | "y" | "はい" | "○" | "◯"
        | "●" | "✓" | "✔" | "checked" => Some(true),
        _ if text == label || text == id => Some(true),
        _ => None,
    }
}

impl Plan {
    /// Reads one row into `r`. Errors name `file:line:column`.
    fn row(
        &self,
        survey: &Survey,
        record: &csv::StringRecord,
        line: u64,
        r: &mut Respondent,
    ) -> Result<()> {
        let cell = |c: usize| cell(record, c);
        let err = |c: usize, message: String| self.err(line, c, message);
        r.clear(survey.questions.len());
        r.region = match &self.region {
            None => self.fixed_region.unwrap_or(0),
            Some(l) => {
                let text = cell(l.column);
                if text.is_empty() {
                    return Err(err(
                        l.column,
                        "no region: every respondent needs one".into(),
                    ));
                }
                let Some(&i) = l.values.get(text) else {
                    return Err(err(
                        l.column,
                        format!(
                            "region \"{text}\" is not in the codebook{}",
                            hint(nearest(text, l.known()))
                        ),
                    ));
                };
                if Some(i) == self.total {
                    return Err(err(
                        l.column,
                        format!(
                            "\"{text}\" is the all-regions total, which is computed from every row: give the respondent's own region"
                        ),
                    ));
                }
                i
            }
        };
        if let Some(l) = &self.group {
            let text = cell(l.column);
            if !text.is_empty() {
                let Some(&g) = l.values.get(text) else {
                    return Err(err(
                        l.column,
                        format!(
                            "\"{text}\" is not a group of the dimension{}",
                            hint(nearest(text, l.known()))
                        ),
                    ));
                };
                r.group = Some(g);
            }
        }
        for p in &self.questions {
            self.answer(survey, p, record, line, r)?;
        }
        // Conditions: a question asked only of some is left blank by the others.
        for p in &self.questions {
            let Some((fq, options)) = &p.base else {
                continue;
            };
            let answered = !r.chosen[p.q].is_empty() || r.texts.iter().any(|(q, ..)| *q == p.q);
            if answered && !r.chosen[*fq].iter().any(|o| options.contains(o)) {
                let q = &survey.questions[p.q];
                let from = &survey.questions[*fq];
                let given = r.chosen[*fq]
                    .first()
                    .map_or("（無回答）".to_string(), |&o| {
                        from.options[o].label.clone()
                    });
                let c = match &p.source {
                    Source::Cell { column, .. } => *column,
                    Source::PerOption(list) => list.first().map_or(0, |x| x.1),
                };
                return Err(err(
                    c,
                    format!(
                        "question \"{}\" is asked only of 「{}」, but this respondent answered \"{}\" 「{given}」: clear this answer or correct \"{}\"",
                        q.id,
                        survey.base(&q.base).map_or("", |b| b.title.as_str()),
                        from.id,
                        from.id
                    ),
                ));
            }
        }
        Ok(())
    }

    /// `file:line:column: message (column "header")`
    fn err(&self, line: u64, c: usize, message: String) -> anyhow::Error {
        located(
            &self.file,
            line,
            Some(c as u64 + 1),
            format!("{message} (column \"{}\")", self.headers[c]),
        )
    }

    fn answer(
        &self,
        survey: &Survey,
        p: &QuestionPlan,
        record: &csv::StringRecord,
        line: u64,
        r: &mut Respondent,
    ) -> Result<()> {
        let q = &survey.questions[p.q];
        let cell = |c: usize| cell(record, c);
        let err = |c: usize, message: String| self.err(line, c, message);
        match &p.source {
            Source::Cell { column, .. } if p.kind == QuestionKind::Text => {
                let text = cell(*column);
                if !text.is_empty() {
                    r.texts.push((p.q, None, text.to_string()));
                }
            }
            Source::Cell {
                column,
                separator,
                joined_values,
                values,
            } => {
                let text = cell(*column);
                if !text.is_empty() {
                    let mut unknown: Vec<&str> = Vec::new();
                    let choose = |o: usize, r: &mut Respondent| {
                        if !r.chosen[p.q].contains(&o) {
                            r.chosen[p.q].push(o);
                        }
                    };
                    match separator {
                        None => match values.get(text) {
                            Some(Some(o)) => choose(*o, r),
                            Some(None) => {}
                            None => unknown.push(text),
                        },
                        Some(sep) => {
                            let pieces: Vec<&str> = split(text, sep);
                            let mut i = 0;
                            while i < pieces.len() {
                                // Labels may hold the separator: try the longest run first.
                                let mut matched = None;
                                if *joined_values {
                                    for j in (i + 2..=pieces.len().min(i + 8)).rev() {
                                        let joined = pieces[i..j].join(sep);
                                        if let Some(o) = values.get(joined.trim()) {
                                            matched = Some((j, *o));
                                            break;
                                        }
                                    }
                                }
                                if matched.is_none()
                                    && let Some(o) = values.get(pieces[i])
                                {
                                    matched = Some((i + 1, *o));
                                }
                                match matched {
                                    Some((j, o)) => {
                                        if let Some(o) = o {
                                            choose(o, r);
                                        }
                                        i = j;
                                    }
                                    None => {
                                        unknown.push(pieces[i]);
                                        i += 1;
                                    }
                                }
                            }
                        }
                    }
                    if !unknown.is_empty() {
                        match p.other {
                            Some((o, None)) => {
                                choose(o, r);
                                let sep = separator.as_deref().unwrap_or("");
                                r.texts.push((p.q, Some(o), unknown.join(sep)));
                            }
                            _ => {
                                let wanted = unknown[0];
                                let labels = q.options.iter().map(|o| o.label.as_str());
                                let near = nearest(wanted, labels.clone())
                                    .or_else(|| nearest(wanted, values.keys().map(String::as_str)));
                                return Err(err(
                                    *column,
                                    format!(
                                        "\"{wanted}\" is not an option of question \"{}\"{}{}",
                                        q.id,
                                        hint(near),
                                        if q.kind == QuestionKind::Multiple && separator.is_none() {
                                            " (a multiple-choice cell joined by \", \"? set `separator`)"
                                        } else {
                                            ""
                                        }
                                    ),
                                ));
                            }
                        }
                    }
                }
            }
            Source::PerOption(list) => {
                for &(o, c) in list {
                    let text = cell(c);
                    let option = &q.options[o];
                    match checked(text, &option.label, &option.id) {
                        Some(true) => r.chosen[p.q].push(o),
                        Some(false) => {}
                        None if option.other
                            && p.other.is_some_and(|(x, c)| x == o && c.is_none()) =>
                        {
                            // The その他 column holds the text itself.
                            r.chosen[p.q].push(o);
                            r.texts.push((p.q, Some(o), text.to_string()));
                        }
                        None => {
                            return Err(err(
                                c,
                                format!(
                                    "\"{text}\" is neither checked (1, TRUE, ○, the label) nor unchecked (0, blank) for option \"{}\" of question \"{}\"",
                                    option.id, q.id
                                ),
                            ));
                        }
                    }
                }
            }
        }
        if let Some((o, Some(c))) = p.other {
            let text = cell(c);
            if !text.is_empty() {
                if !r.chosen[p.q].contains(&o) {
                    r.chosen[p.q].push(o);
                }
                r.texts.push((p.q, Some(o), text.to_string()));
            }
        }
        if p.kind == QuestionKind::Single && r.chosen[p.q].len() > 1 {
            let c = match &p.source {
                Source::Cell { column, .. } => *column,
                Source::PerOption(list) => list[0].1,
            };
            let labels: Vec<&str> = r.chosen[p.q]
                .iter()
                .map(|&o| q.options[o].label.as_str())
                .collect();
            return Err(err(
                c,
                format!(
                    "question \"{}\" is single choice, but this respondent chose {}: 「{}」",
                    q.id,
                    labels.len(),
                    labels.join("」「")
                ),
            ));
        }
        Ok(())
    }
}

fn cell(record: &csv::StringRecord, c: usize) -> &str {
    record.get(c).unwrap_or("").trim()
}

/// Splits a multiple-choice cell; a newline separator also splits CRLF.
fn split<'a>(text: &'a str, sep: &str) -> Vec<&'a str> {
    let pieces: Vec<&str> = if sep == "\n" {
        text.lines().collect()
    } else if sep.trim().is_empty() {
        text.split(sep).collect()
    } else {
        // ", " also splits "," and ",  ": match the separator's visible part, then trim.
        text.split(sep.trim()).collect()
    };
    pieces
        .into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}

/// At most this many row problems are listed before giving up on the file.
const MAX_PROBLEMS: usize = 20;

/// Streams the responses file into counts in `survey.data`.
fn aggregate_file(root: &Path, raw: &RawResponses, survey: &mut Survey) -> Result<FromRows> {
    let shown = raw.file.value.clone();
    let path: PathBuf = root.join(&shown);
    if !path.is_file() {
        return Err(at(
            &raw.file,
            format!("{shown}: file not found (the respondent rows named by `responses: file:`)"),
        ));
    }
    let encoding = match &raw.encoding {
        None => Encoding::Auto,
        Some(e) => Encoding::parse(&e.value).ok_or_else(|| {
            at(
                e,
                format!(
                    "encoding \"{}\" is not known (write auto, utf-8 or cp932)",
                    e.value
                ),
            )
        })?,
    };
    let mut reader = open(&path, &shown, encoding)?;
    let headers = header(&mut reader, &shown)?;
    let plan = compile(raw, survey, headers)?;

    let mut options = vec![0; survey.questions.len()];
    for p in &plan.questions {
        if p.kind.is_choice() {
            options[p.q] = survey.questions[p.q].options.len();
        }
    }
    let groups = survey.dimension.as_ref().map_or(0, |d| d.groups.len());
    let mut tally = Tally::new(
        survey.regions.len(),
        &options,
        groups,
        &plan.crosstab,
        plan.total,
    );
    let mut ids: HashMap<u64, u64> = HashMap::new();
    let mut problems = Problems::default();
    let mut n_problems = 0;
    let mut record = csv::StringRecord::new();
    let mut respondent = Respondent::default();
    let mut rows = 0u64;
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                problems.add(Err(csv_error(&shown, &e)));
                break;
            }
        }
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        rows += 1;
        let mut result = plan.row(survey, &record, line, &mut respondent);
        if result.is_ok()
            && let Some(c) = plan.id
        {
            result = check_id(&plan, &path, encoding, &mut ids, &record, c, line);
        }
        match result {
            Ok(()) => tally.add(&mut respondent),
            Err(e) => {
                problems.add(Err(e));
                n_problems += 1;
                if n_problems >= MAX_PROBLEMS {
                    problems.add(Err(anyhow::anyhow!(
                        "{shown}: stopped after {MAX_PROBLEMS} problems"
                    )));
                    break;
                }
            }
        }
    }
    problems.finish()?;
    if rows == 0 {
        anyhow::bail!("{shown}: no respondent rows below the header");
    }
    Ok(tally.write(survey, &shown))
}

/// Ids are remembered as hashes (8 bytes a row, not the text); a repeated hash is confirmed
/// against the earlier row before it is reported.
fn check_id(
    plan: &Plan,
    path: &Path,
    encoding: Encoding,
    ids: &mut HashMap<u64, u64>,
    record: &csv::StringRecord,
    c: usize,
    line: u64,
) -> Result<()> {
    let id = record.get(c).unwrap_or("").trim();
    let err = |m: String| {
        located(
            &plan.file,
            line,
            Some(c as u64 + 1),
            format!("{m} (column \"{}\")", plan.headers[c]),
        )
    };
    if id.is_empty() {
        return Err(err("no respondent id".into()));
    }
    let mut h = std::collections::hash_map::DefaultHasher::new();
    id.hash(&mut h);
    let h = h.finish();
    match ids.get(&h) {
        None => {
            ids.insert(h, line);
            Ok(())
        }
        Some(&first) => {
            if id_at(path, &plan.file, encoding, c, first)?.as_deref() == Some(id) {
                Err(err(format!(
                    "respondent id \"{id}\" is given twice (first on line {first})"
                )))
            } else {
                Ok(())
            }
        }
    }
}

/// The id cell of the row starting at `line` (read again from the file).
fn id_at(
    path: &Path,
    shown: &str,
    encoding: Encoding,
    c: usize,
    line: u64,
) -> Result<Option<String>> {
    let mut reader = open(path, shown, encoding)?;
    let mut record = csv::StringRecord::new();
    while reader
        .read_record(&mut record)
        .map_err(|e| csv_error(shown, &e))?
    {
        if record.position().map(|p| p.line()) == Some(line) {
            return Ok(record.get(c).map(|s| s.trim().to_string()));
        }
    }
    Ok(None)
}

/// The codebook's `responses:` block, if it has one.
fn declared(root: &Path) -> Result<Option<RawResponses>> {
    let text = read_text(&root.join(codebook::FILE), codebook::FILE)?;
    let file: CodebookFile = parse_yaml(&text, codebook::FILE, 0)?;
    Ok(file.responses)
}

/// Reads the data of a project: respondent rows when the codebook declares them, and the
/// aggregated tables (required without rows, optional with them: they may add other regions).
pub fn load(root: &Path, survey: &mut Survey) -> Result<Option<FromRows>> {
    let Some(raw) = declared(root)? else {
        tables::load(root, survey)?;
        return Ok(None);
    };
    let rows = aggregate_file(root, &raw, survey)?;
    let tables_given = [tables::RESPONDENTS, tables::COUNTS]
        .iter()
        .any(|f| root.join(f).exists());
    if tables_given {
        let computed = survey.data.counts.clone();
        tables::load(root, survey)?;
        for ((r, q, o), count) in &computed {
            if survey.data.counts.get(&(r.clone(), q.clone(), o.clone())) != Some(count) {
                anyhow::bail!(
                    "{}: region \"{r}\", question \"{q}\", option \"{o}\" is computed from {}: leave it out of {}",
                    tables::COUNTS,
                    rows.file,
                    tables::COUNTS
                );
            }
        }
    } else {
        check_complete(survey, &rows)?;
    }
    Ok(Some(rows))
}

/// Without tables, the rows must give every region and every choice question.
fn check_complete(survey: &Survey, rows: &FromRows) -> Result<()> {
    let mut problems = Problems::default();
    for r in &survey.regions {
        if !survey.data.respondents.contains_key(&r.id) {
            problems.add(Err(anyhow::anyhow!(
                "{}: no respondent of region \"{}\" ({}), and there is no {} to give its figures",
                rows.file,
                r.id,
                r.title,
                tables::RESPONDENTS
            )));
        }
    }
    for q in survey.questions.iter().filter(|q| q.kind.is_choice()) {
        if !rows.questions.contains(&q.id) {
            problems.add(Err(anyhow::anyhow!(
                "{}: question \"{}\" has no column under `responses: questions:`, and there is no {} to give its counts",
                codebook::FILE,
                q.id,
                tables::COUNTS
            )));
        }
    }
    problems.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: &[u8], encoding: Encoding) -> io::Result<(String, Encoding)> {
        // A tiny reader hands out 5 bytes at a time, to cut characters between reads.
        struct Trickle<'a>(&'a [u8]);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let n = buf.len().min(5).min(self.0.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut d = Decode::new(Trickle(bytes), encoding, "data/r.csv");
        let mut out = String::new();
        d.read_to_string(&mut out)?;
        Ok((out, d.encoding()))
    }

    #[test]
    fn decodes_utf8_bom_and_cp932() {
        let text = "地域,回答\r\n区西南部,\"導入している, その他\"\r\n";
        assert_eq!(
            decode(text.as_bytes(), Encoding::Auto).unwrap(),
            (text.to_string(), Encoding::Utf8)
        );
        let bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
        assert_eq!(decode(&bom, Encoding::Auto).unwrap().0, text);
        let (sjis, _, bad) = encoding_rs::SHIFT_JIS.encode(text);
        assert!(!bad);
        assert_eq!(
            decode(&sjis, Encoding::Auto).unwrap(),
            (text.to_string(), Encoding::Cp932)
        );
        assert_eq!(decode(&sjis, Encoding::Cp932).unwrap().0, text);
    }

    #[test]
    fn bytes_that_are_not_the_encoding_name_their_line() {
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("a,b\n1,2\n導入,x\n");
        let e = decode(&sjis, Encoding::Utf8).unwrap_err().to_string();
        assert!(
            e.starts_with("data/r.csv:3: the file is not valid UTF-8 text"),
            "{e}"
        );
        assert!(e.contains("encoding: cp932"), "{e}");
    }

    #[test]
    fn splits_forms_cells() {
        assert_eq!(split("a, b,c ,  d", ", "), ["a", "b", "c", "d"]);
        assert_eq!(split("a;b; c", ";"), ["a", "b", "c"]);
        assert_eq!(split("a\r\nb\n\nc", "\n"), ["a", "b", "c"]);
    }

    #[test]
    fn checkbox_cells() {
        assert_eq!(checked("1", "L", "a"), Some(true));
        assert_eq!(checked("", "L", "a"), Some(false));
        assert_eq!(checked("0", "L", "a"), Some(false));
        assert_eq!(checked("L", "L", "a"), Some(true));
        assert_eq!(checked("2", "L", "a"), None);
    }

    #[test]
    fn the_nearest_option_of_a_japanese_typo() {
        let known = ["導入している", "今後導入する予定がある", "導入予定なし"];
        assert_eq!(
            nearest("導入済", known.iter().copied()),
            Some("導入している")
        );
        assert_eq!(
            nearest("導入予定無し", known.iter().copied()),
            Some("導入予定なし")
        );
        assert_eq!(nearest("わからない", known.iter().copied()), None);
    }
}
