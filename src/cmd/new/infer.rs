//! Reading an export once and guessing what each column is: timestamp, personal data, respondent
//! id, region, single or multiple choice (", "-joined, or ";"-joined and ended as Microsoft Forms
//! writes it), numbers, free text. A CSV, an Excel sheet and an SPSS file are read the same way
//! (src/load/responses/source.rs); an SPSS file's dictionary then says what guessing cannot
//! (src/cmd/new/sav.rs).

use std::collections::{HashMap, HashSet};
use std::path::Path;

use anyhow::Result;

use super::text::shown;
use crate::load::responses::source::{Kind, Place, Record, Source};
use crate::load::responses::{Encoding, sav};
use crate::load::{closest, is_slug};

/// Distinct values remembered per column: past this a column is free text.
const MAX_DISTINCT: usize = 200;
/// Distinct values remembered for a column that may be the region column: hundreds of
/// municipalities are normal, tens of thousands are not regions.
const MAX_REGIONS: usize = 5000;
/// A region is named in a few words: a longer cell makes the column free text.
const MAX_REGION_CHARS: usize = 40;
/// Lines named in a message at most.
const MAX_LINES_NAMED: usize = 5;
/// Columns listed by name in a message at most.
const MAX_LISTED: usize = 20;
/// A choice question has at most this many options.
const MAX_OPTIONS: usize = 30;

/// What one column of the export looks like.
#[derive(Debug, Default)]
pub(super) struct ColumnStats {
    pub(super) header: String,
    pub(super) nonempty: u64,
    /// How many distinct cells are remembered (MAX_DISTINCT, or MAX_REGIONS for a column that
    /// may be the region column).
    pub(super) cap: usize,
    /// Distinct cells and how often (up to `cap`).
    pub(super) values: HashMap<String, u64>,
    /// The order values were first seen, for stable output.
    pub(super) order: Vec<String>,
    /// Pieces of cells split at ", ".
    pub(super) pieces: HashMap<String, u64>,
    pub(super) piece_order: Vec<String>,
    pub(super) too_many: bool,
    pub(super) too_many_pieces: bool,
    /// Cells with two or more ", "-joined pieces.
    pub(super) joined: u64,
    pub(super) numeric: u64,
    pub(super) datetime: u64,
    /// Cells holding a comma (a multiple choice read as single, or an option label with one).
    pub(super) with_comma: u64,
    /// The longest cell, in characters.
    pub(super) longest: usize,
    /// Cells ending in ";": Microsoft Forms' multiple choice (`A;B;`), even with one answer.
    pub(super) semi: u64,
    /// Pieces of those cells split at ";".
    pub(super) semi_pieces: HashMap<String, u64>,
    pub(super) semi_order: Vec<String>,
    pub(super) too_many_semi: bool,
    /// The first lines where the cell is empty (a region column's rows without a region).
    pub(super) empty_lines: Vec<u64>,
}

impl ColumnStats {
    fn add(&mut self, cell: &str) {
        // As the loader reads them: control characters are not part of a value.
        let cleaned = crate::load::clean_text(cell);
        let cell = cleaned.trim();
        if cell.is_empty() {
            return;
        }
        self.nonempty += 1;
        if cell.parse::<f64>().is_ok_and(f64::is_finite) {
            self.numeric += 1;
        }
        if looks_like_datetime(cell) {
            self.datetime += 1;
        }
        if cell.contains(',') {
            self.with_comma += 1;
        }
        self.longest = self.longest.max(cell.chars().count());
        if cell.ends_with(';') {
            self.semi += 1;
            for p in cell.split(';').map(str::trim).filter(|p| !p.is_empty()) {
                count(
                    &mut self.semi_pieces,
                    &mut self.semi_order,
                    &mut self.too_many_semi,
                    p,
                    MAX_DISTINCT,
                );
            }
        }
        let cap = self.cap.max(MAX_DISTINCT);
        count(
            &mut self.values,
            &mut self.order,
            &mut self.too_many,
            cell,
            cap,
        );
        let pieces: Vec<&str> = cell
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        if pieces.len() > 1 {
            self.joined += 1;
        }
        for p in pieces {
            count(
                &mut self.pieces,
                &mut self.piece_order,
                &mut self.too_many_pieces,
                p,
                MAX_DISTINCT,
            );
        }
    }

    /// More distinct values than a question has: free text, unless it is the region column.
    fn many(&self) -> bool {
        self.too_many || self.values.len() > MAX_DISTINCT
    }

    /// Short cells on one line, not too many of them: what a region column holds.
    fn region_like(&self) -> bool {
        !self.too_many
            && self.nonempty > 0
            && self.longest <= MAX_REGION_CHARS
            && !self.values.keys().any(|v| v.contains('\n'))
    }

    /// Most ", "-joined answers are combinations of answers also given apart (or in other
    /// combinations): evidence of a multiple choice. An option label holding a comma is always
    /// chosen whole, so its pieces never appear elsewhere. A combination seen once with one
    /// piece seen nowhere else is text typed into その他 and counts neither way.
    fn joined_evidence(&self) -> bool {
        let (mut evident, mut against) = (0u64, 0u64);
        for (value, &n) in &self.values {
            let pieces: Vec<&str> = value
                .split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .collect();
            if pieces.len() < 2 {
                continue;
            }
            let alone = pieces
                .iter()
                .filter(|p| self.pieces.get(**p).is_none_or(|&k| k <= n))
                .count();
            match alone {
                0 => evident += n,
                1 if n == 1 => {}
                _ => against += n,
            }
        }
        evident >= 2 && evident > against
    }
}

fn count(
    map: &mut HashMap<String, u64>,
    order: &mut Vec<String>,
    full: &mut bool,
    value: &str,
    cap: usize,
) {
    if let Some(n) = map.get_mut(value) {
        *n += 1;
    } else if map.len() < cap {
        map.insert(value.to_string(), 1);
        order.push(value.to_string());
    } else {
        *full = true;
    }
}

/// `2024/06/01 10:00:00`, `2024-06-01T10:00`, `2024年6月1日`.
fn looks_like_datetime(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 8
        && b[..4].iter().all(u8::is_ascii_digit)
        && (matches!(b[4], b'/' | b'-') || s[4..].starts_with('年'))
}

fn header_has(header: &str, words: &[&str]) -> bool {
    let h = header.to_lowercase();
    words.iter().any(|w| h.contains(w))
}

const REGION_WORDS: &[&str] = &[
    "地域",
    "圏域",
    "医療圏",
    "都道府県",
    "市区町村",
    "区市町村",
    "市町村",
    "地区",
    "エリア",
    "region",
    "area",
    "prefecture",
];
const TIME_WORDS: &[&str] = &[
    "タイムスタンプ",
    "timestamp",
    "日時",
    "開始時刻",
    "完了時刻",
    "最終変更時刻",
    "回答日",
    "submitdate",
    "startdate",
    "datestamp",
];
const PERSONAL_WORDS: &[&str] = &[
    "メール",
    "mail",
    "氏名",
    "名前",
    "お名前",
    "name",
    "電話",
    "phone",
    "住所",
    "ipaddr",
];
const ID_WORDS: &[&str] = &["id", "番号", "no."];

/// What a column becomes in the codebook.
#[derive(Debug, PartialEq)]
pub(super) enum Role {
    Skip(&'static str),
    Region,
    Id,
    Single(Vec<(String, u64)>),
    Multiple {
        options: Vec<(String, u64)>,
        /// Pieces seen once, taken as text typed into その他.
        others: Vec<String>,
        /// How a cell joins the answers: ", " (Google Forms) or ";" (Microsoft Forms).
        separator: &'static str,
    },
    Text,
}

fn classify(c: &ColumnStats, rows: u64) -> Role {
    if c.nonempty == 0 {
        return Role::Skip("empty");
    }
    if header_has(&c.header, TIME_WORDS) || c.datetime * 10 >= c.nonempty * 9 {
        return Role::Skip("timestamp");
    }
    if header_has(&c.header, PERSONAL_WORDS) {
        return Role::Skip("personal data");
    }
    let distinct = c.values.len();
    if header_has(&c.header, ID_WORDS)
        && !c.many()
        && distinct as u64 == rows
        && c.nonempty == rows
        && rows > 1
    {
        return Role::Id;
    }
    if c.many() && header_has(&c.header, ID_WORDS) && c.nonempty == rows {
        return Role::Id;
    }
    let by_count = |map: &HashMap<String, u64>, order: &[String]| {
        let mut v: Vec<(String, u64)> = order.iter().map(|k| (k.clone(), map[k])).collect();
        v.sort_by_key(|x| std::cmp::Reverse(x.1)); // stable: ties keep first-seen order
        v
    };
    if c.numeric == c.nonempty {
        if c.many() || distinct > MAX_OPTIONS {
            return Role::Skip("numbers with too many values (group them into ranges)");
        }
        let mut v = by_count(&c.values, &c.order);
        v.sort_by(|a, b| {
            let (x, y) = (a.0.parse::<f64>(), b.0.parse::<f64>());
            match (x, y) {
                (Ok(x), Ok(y)) => x.total_cmp(&y),
                _ => a.0.cmp(&b.0),
            }
        });
        return Role::Single(v);
    }
    // Microsoft Forms ends every answer of a multiple choice with ";", even a single one.
    if c.semi * 10 >= c.nonempty * 9 && !c.too_many_semi {
        let pieces = by_count(&c.semi_pieces, &c.semi_order);
        let (options, others): (Vec<_>, Vec<_>) = pieces.into_iter().partition(|p| p.1 >= 2);
        if !options.is_empty() && options.len() <= MAX_OPTIONS {
            return Role::Multiple {
                options,
                others: others.into_iter().map(|p| p.0).collect(),
                separator: ";",
            };
        }
    }
    if c.joined > 0 && !c.too_many_pieces && c.joined_evidence() {
        let pieces = by_count(&c.pieces, &c.piece_order);
        let total: u64 = pieces.iter().map(|p| p.1).sum();
        let recurring: Vec<(String, u64)> = pieces.iter().filter(|p| p.1 >= 2).cloned().collect();
        let recurring_total: u64 = recurring.iter().map(|p| p.1).sum();
        if recurring.len() >= 2
            && recurring.len() <= MAX_OPTIONS
            && recurring_total * 10 >= total * 7
        {
            let others = pieces
                .into_iter()
                .filter(|p| p.1 < 2)
                .map(|p| p.0)
                .collect();
            return Role::Multiple {
                options: recurring,
                others,
                separator: ", ",
            };
        }
    }
    // Few values, chosen again and again (text typed by each respondent rarely repeats).
    let recurring: u64 = c.values.values().filter(|&&n| n >= 2).sum();
    if !c.many()
        && (distinct <= 12 || (distinct <= MAX_OPTIONS && distinct as u64 * 3 <= c.nonempty))
        && recurring * 2 >= c.nonempty
        && !c.values.keys().any(|v| v.contains('\n'))
    {
        return Role::Single(by_count(&c.values, &c.order));
    }
    Role::Text
}

/// A column of the export and what it became.
pub(super) struct Column {
    pub(super) stats: ColumnStats,
    pub(super) role: Role,
    /// The question id, for questions.
    pub(super) question: Option<String>,
    /// The title, when the file gives one (an SPSS variable label); else the header's.
    pub(super) title: Option<String>,
    /// The stored code of each option, in the options' order, when cells hold codes (SPSS).
    pub(super) codes: Option<Vec<String>>,
    /// One column per option (an SPSS multiple-response set): their headers, in order.
    pub(super) members: Vec<String>,
    /// Notes for the question (values that are no answer).
    pub(super) notes: Vec<String>,
}

pub(super) struct Inferred {
    pub(super) rows: u64,
    pub(super) encoding: Encoding,
    pub(super) columns: Vec<Column>,
    /// Region titles with their ids and row counts, sorted by title.
    pub(super) regions: Vec<(String, String, u64)>,
    /// The all-regions total's id and title: `all` and 全体 unless a region is called so.
    pub(super) total: (String, String),
    pub(super) rows_without_region: u64,
    /// The first lines of those rows.
    pub(super) lines_without_region: Vec<u64>,
    /// How the file names a row: line (CSV), row (sheet), case (SPSS).
    pub(super) place: Place,
    /// The workbook's sheet that was read.
    pub(super) sheet: Option<String>,
    /// The codes of the region column's cells, in `regions` order, when they are codes (SPSS).
    pub(super) region_codes: Option<Vec<String>>,
    /// What else to check (from an SPSS file's dictionary).
    pub(super) checks: Vec<String>,
}

/// `"a", "b", "c"`: names from the export, each quoted and shortened, at most MAX_LISTED.
pub(super) fn listed<'a>(names: impl ExactSizeIterator<Item = &'a str>) -> String {
    let n = names.len();
    let mut out: Vec<String> = names.take(MAX_LISTED).map(shown).collect();
    if n > MAX_LISTED {
        out.push(format!("… and {} more", n - MAX_LISTED));
    }
    out.join(", ")
}

pub(super) fn infer(
    export: &Path,
    region_column: Option<&str>,
    sheet: Option<&str>,
) -> Result<Inferred> {
    let shown_file = export.display().to_string();
    if !export.is_file() {
        anyhow::bail!("{shown_file}: file not found");
    }
    let (mut source, dictionary) = match Kind::of(export) {
        Kind::Sav => {
            if sheet.is_some() {
                anyhow::bail!("--sheet: {shown_file} is an SPSS file, not an Excel workbook");
            }
            let file = sav::read(export, &shown_file)?;
            (
                Source::from_table(&shown_file, file.table),
                Some((file.variables, file.sets)),
            )
        }
        _ => (
            Source::open(export, &shown_file, Encoding::Auto, sheet)?,
            None,
        ),
    };
    let headers = source.headers.clone();
    let named = match region_column {
        None => None,
        Some(name) => Some(
            headers
                .iter()
                .position(|h| h == name.trim())
                .ok_or_else(|| {
                    let hint = match closest(name, headers.iter().map(String::as_str)) {
                        Some(h) => format!("did you mean {}?", shown(h)),
                        None => format!(
                            "the columns are: {}",
                            listed(headers.iter().map(String::as_str))
                        ),
                    };
                    anyhow::anyhow!(
                        "--region-column: {} is not a column of {shown_file} ({hint})",
                        shown(name)
                    )
                })?,
        ),
    };
    // A short header naming a place ("地域", "二次医療圏"), not a question mentioning one.
    let maybe_region =
        |i: usize, h: &str| named == Some(i) || (named.is_none() && is_region_header(h));
    let mut stats: Vec<ColumnStats> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| ColumnStats {
            header: h.clone(),
            cap: if maybe_region(i, h) {
                MAX_REGIONS
            } else {
                MAX_DISTINCT
            },
            ..ColumnStats::default()
        })
        .collect();
    let mut record = Record::default();
    let mut rows = 0u64;
    while source.next(&mut record)? {
        if let Some(e) = source.bad_cell(&record, |_| true) {
            return Err(e);
        }
        if record.is_blank() {
            continue;
        }
        rows += 1;
        let line = record.at;
        for (i, s) in stats.iter_mut().enumerate() {
            let cell = record.cells.get(i).unwrap_or("");
            if cell.trim().is_empty() && s.empty_lines.len() < MAX_LINES_NAMED {
                s.empty_lines.push(line);
            }
            s.add(cell);
        }
    }
    if rows == 0 {
        anyhow::bail!("{shown_file}: no respondent rows below the header");
    }
    let encoding = source.encoding();

    let region_index = match named {
        Some(i) => Some(i),
        None => stats
            .iter()
            .enumerate()
            .filter(|(i, s)| maybe_region(*i, &s.header) && s.region_like())
            .min_by_key(|(_, s)| s.header.chars().count())
            .map(|(i, _)| i),
    };
    if let Some(i) = region_index
        && stats[i].too_many
    {
        anyhow::bail!(
            "{shown_file}: the region column {} has more than {MAX_REGIONS} different values",
            shown(&headers[i])
        );
    }

    let mut seen: HashMap<&str, usize> = HashMap::new();
    for h in &headers {
        *seen.entry(h.as_str()).or_default() += 1;
    }
    let duplicated: Vec<bool> = headers
        .iter()
        .map(|h| h.is_empty() || seen[h.as_str()] > 1)
        .collect();
    let mut columns = Vec::new();
    let mut n = 0;
    for (i, s) in stats.into_iter().enumerate() {
        let role = if Some(i) == region_index {
            Role::Region
        } else if duplicated[i] {
            Role::Skip(if s.header.is_empty() {
                "no header"
            } else {
                "header used twice (rename it in the file to keep it)"
            })
        } else {
            classify(&s, rows)
        };
        let question = match role {
            Role::Single(_) | Role::Multiple { .. } | Role::Text => {
                n += 1;
                Some(format!("q{n}"))
            }
            _ => None,
        };
        columns.push(Column {
            stats: s,
            role,
            question,
            title: None,
            codes: None,
            members: Vec::new(),
            notes: Vec::new(),
        });
    }
    if n == 0 {
        anyhow::bail!("{shown_file}: no column looks like a question (every column was left out)");
    }
    let lines_without_region =
        region_index.map_or_else(Vec::new, |i| columns[i].stats.empty_lines.clone());
    let (regions, total, rows_without_region) = match region_index {
        None => (Vec::new(), total_names(&HashSet::new()), 0),
        Some(i) => {
            let s = &columns[i].stats;
            let mut titles: Vec<(String, u64)> =
                s.order.iter().map(|t| (t.clone(), s.values[t])).collect();
            titles.sort_by(|a, b| natural_order(&a.0, &b.0));
            let names: Vec<&str> = titles.iter().map(|t| t.0.as_str()).collect();
            let (ids, total) = region_ids(&names);
            (
                titles
                    .into_iter()
                    .zip(ids)
                    .map(|((t, n), id)| (t, id, n))
                    .collect(),
                total,
                rows - s.nonempty,
            )
        }
    };
    let sheet = match &source.place {
        Place::Cell { sheet, .. } => Some(sheet.clone()),
        _ => None,
    };
    let mut inferred = Inferred {
        rows,
        encoding,
        columns,
        regions,
        total,
        rows_without_region,
        lines_without_region,
        place: source.place.clone(),
        sheet,
        region_codes: None,
        checks: Vec::new(),
    };
    if let Some((variables, sets)) = dictionary {
        super::sav::apply(&mut inferred, &variables, &sets);
    }
    Ok(inferred)
}

/// Text order with runs of digits compared as numbers: 第2町 before 第10町.
pub(super) fn natural_order(a: &str, b: &str) -> std::cmp::Ordering {
    fn chunks(s: &str) -> Vec<(bool, &str)> {
        let mut out = Vec::new();
        let mut start = 0;
        let mut digit = None;
        for (i, c) in s.char_indices() {
            let d = c.is_ascii_digit();
            if digit.is_some_and(|x| x != d) {
                out.push((digit == Some(true), &s[start..i]));
                start = i;
            }
            digit = Some(d);
        }
        if start < s.len() {
            out.push((digit == Some(true), &s[start..]));
        }
        out
    }
    let (x, y) = (chunks(a), chunks(b));
    for (p, q) in x.iter().zip(&y) {
        let o = match (p, q) {
            ((true, m), (true, n)) => {
                let (m, n) = (m.trim_start_matches('0'), n.trim_start_matches('0'));
                m.len().cmp(&n.len()).then_with(|| m.cmp(n))
            }
            _ => p.1.cmp(q.1),
        };
        if o.is_ne() {
            return o;
        }
    }
    x.len().cmp(&y.len()).then_with(|| a.cmp(b))
}

/// A slug that YAML reads back as the same text when written unquoted: it starts with a letter
/// and is no YAML keyword (`null` would be no id at all, `yes` a boolean to YAML 1.1 readers).
fn plain_id(id: &str) -> bool {
    const KEYWORDS: &[&str] = &["null", "true", "false", "yes", "no", "on", "off", "y", "n"];
    is_slug(id) && id.starts_with(|c: char| c.is_ascii_lowercase()) && !KEYWORDS.contains(&id)
}

fn is_region_header(h: &str) -> bool {
    header_has(h, REGION_WORDS) && h.chars().count() <= 15
}

/// The total's id and title: `all` and 全体, or the first alternative no region is called.
fn total_names(titles: &HashSet<&str>) -> (String, String) {
    let first_free = |candidates: &[&str], numbered: &dyn Fn(usize) -> String| {
        candidates
            .iter()
            .map(|c| c.to_string())
            .chain((2..).map(numbered))
            .find(|c| !titles.contains(c.as_str()))
            .unwrap_or_default()
    };
    (
        first_free(&["all", "total", "all-regions"], &|k| format!("all-{k}")),
        first_free(&["全体", "全体（合計）"], &|k| {
            format!("全体（合計{k}）")
        }),
    )
}

/// Ids for region titles: the title itself when it is a slug, else r1, r2 …; never an id that
/// is another region's title (a cell must name one region), nor the total's. Returns the ids
/// and the total's id and title.
pub(super) fn region_ids(titles: &[&str]) -> (Vec<String>, (String, String)) {
    let all: HashSet<&str> = titles.iter().copied().collect();
    let total = total_names(&all);
    let mut used: HashSet<String> = HashSet::from([total.0.clone()]);
    let mut out = Vec::new();
    for (i, &t) in titles.iter().enumerate() {
        let lower = t.to_lowercase().replace([' ', '_'], "-");
        let id = if plain_id(&lower)
            && !used.contains(&lower)
            && (lower == t || !all.contains(lower.as_str()))
        {
            lower
        } else {
            let mut k = i + 1;
            while used.contains(&format!("r{k}")) || all.contains(format!("r{k}").as_str()) {
                k += 1;
            }
            format!("r{k}")
        };
        used.insert(id.clone());
        out.push(id);
    }
    (out, total)
}

/// A question's title from its header, without the header's own numbering (「Q1. 訪問看護」,
/// 「問2．導入状況」, 「【Q3】ご意見」, 「4) 満足度」): the site numbers questions itself.
pub(super) fn question_title(header: &str) -> &str {
    strip_numbering(header.trim())
        .filter(|rest| !rest.is_empty())
        .unwrap_or(header)
}

fn strip_numbering(h: &str) -> Option<&str> {
    let mut rest = h;
    let bracket = ['【', '[', '［'].into_iter().find(|&b| rest.starts_with(b));
    if let Some(b) = bracket {
        rest = &rest[b.len_utf8()..];
    }
    let mut lettered = false;
    for prefix in ["設問", "質問", "問", "Q", "q", "Ｑ", "ｑ"] {
        if let Some(r) = rest.strip_prefix(prefix) {
            rest = r;
            lettered = true;
            break;
        }
    }
    let digits = |s: &str| {
        s.char_indices()
            .find(|(_, c)| !(c.is_ascii_digit() || ('０'..='９').contains(c)))
            .map_or(s.len(), |(i, _)| i)
    };
    let d = digits(rest);
    if d == 0 {
        return None;
    }
    rest = &rest[d..];
    // A sub-number: Q1-2, Q1_2.
    for sep in ['-', '_', '－'] {
        if let Some(r) = rest.strip_prefix(sep)
            && digits(r) > 0
        {
            rest = &r[digits(r)..];
        }
    }
    if bracket.is_some() {
        rest = ['】', ']', '］']
            .into_iter()
            .find_map(|b| rest.strip_prefix(b))?;
        return Some(rest.trim_start());
    }
    let next = rest.chars().next()?;
    if matches!(next, '.' | '．' | '、' | ':' | '：' | ')' | '）') {
        return Some(rest[next.len_utf8()..].trim_start());
    }
    // "Q3 ご意見", "Q1訪問看護": after a Q or 問 a space or a non-ASCII character ends the number.
    if lettered && (next.is_whitespace() || !next.is_ascii()) {
        return Some(rest.trim_start());
    }
    None
}

/// Ids for options with these labels: a, b, … z, then o27, o28 …, skipping any that is another
/// option's label (a cell "b" must not be read as the option whose id is b) or "other".
pub(super) fn option_ids(labels: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut k = 0;
    for _ in labels {
        let id = loop {
            let id = option_id(k);
            k += 1;
            if !labels.contains(&id.as_str()) && id != "other" {
                break id;
            }
        };
        out.push(id);
    }
    out
}

/// Option ids: a, b, … z, then o27, o28 …
fn option_id(i: usize) -> String {
    if i < 26 {
        ((b'a' + i as u8) as char).to_string()
    } else {
        format!("o{}", i + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats(header: &str, cells: &[&str]) -> (ColumnStats, u64) {
        let mut s = ColumnStats {
            header: header.into(),
            ..ColumnStats::default()
        };
        for c in cells {
            s.add(c);
        }
        (s, cells.len() as u64)
    }

    fn role(header: &str, cells: &[&str]) -> Role {
        let (s, rows) = stats(header, cells);
        classify(&s, rows)
    }

    #[test]
    fn forms_columns_are_recognised() {
        assert_eq!(
            role(
                "タイムスタンプ",
                &["2024/06/01 10:00:00", "2024/06/02 11:00:00"]
            ),
            Role::Skip("timestamp")
        );
        assert_eq!(
            role("メールアドレス", &["a@x.jp", "b@x.jp"]),
            Role::Skip("personal data")
        );
        assert_eq!(role("回答ID", &["1", "2", "3"]), Role::Id);
        assert_eq!(
            role("Q1", &["はい", "いいえ", "はい", ""]),
            Role::Single(vec![("はい".into(), 2), ("いいえ".into(), 1)])
        );
        assert_eq!(
            role("Q2", &["a, b", "a", "b, c", "c, a", "a, 自由記述"]),
            Role::Multiple {
                options: vec![("a".into(), 4), ("b".into(), 2), ("c".into(), 2)],
                others: vec!["自由記述".into()],
                separator: ", ",
            }
        );
        assert_eq!(
            role("満足度", &["3", "10", "3", "2"]),
            Role::Single(vec![("2".into(), 1), ("3".into(), 2), ("10".into(), 1)])
        );
        let texts: Vec<String> = (0..40).map(|i| format!("意見その{i}, 詳しく")).collect();
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        assert_eq!(role("ご意見", &texts), Role::Text);
    }

    #[test]
    fn microsoft_forms_multiple_choice_ends_each_answer_with_a_semicolon() {
        assert_eq!(
            role(
                "導入のメリット",
                &[
                    "情報共有;",
                    "情報共有;重複検査の減少;",
                    "重複検査の減少;",
                    "",
                    "自由記述;情報共有;"
                ]
            ),
            Role::Multiple {
                options: vec![("情報共有".into(), 3), ("重複検査の減少".into(), 2)],
                others: vec!["自由記述".into()],
                separator: ";",
            }
        );
        // A single choice whose labels hold a ";" inside is no multiple choice.
        assert_eq!(
            role("Q", &["はい;一部", "いいえ", "はい;一部", "いいえ"]),
            Role::Single(vec![("はい;一部".into(), 2), ("いいえ".into(), 2)])
        );
    }

    #[test]
    fn option_ids_never_match_another_options_label() {
        assert_eq!(option_ids(&["はい", "いいえ"]), ["a", "b"]);
        assert_eq!(option_ids(&["b", "a"]), ["c", "d"]);
    }

    #[test]
    fn a_headers_own_numbering_is_not_the_title() {
        for (header, title) in [
            ("Q1. 訪問看護との連携", "訪問看護との連携"),
            ("問2．導入状況", "導入状況"),
            ("Q3 ご意見", "ご意見"),
            ("【Q4】満足度", "満足度"),
            ("5) 費用", "費用"),
            ("Q1-2. 内訳", "内訳"),
            ("Q1訪問看護", "訪問看護"),
            // Not numbering: kept whole.
            ("2024年度の実績", "2024年度の実績"),
            ("Q1", "Q1"),
            ("QOL", "QOL"),
            ("Q1.", "Q1."),
        ] {
            assert_eq!(question_title(header), title, "{header}");
        }
    }

    #[test]
    fn regions_numbered_in_their_names_keep_their_order() {
        let mut v = vec!["第10町", "第2町", "第1町", "北", "第02町"];
        v.sort_by(|a, b| natural_order(a, b));
        assert_eq!(v, ["北", "第1町", "第02町", "第2町", "第10町"]);
    }

    #[test]
    fn region_ids_are_slugs() {
        assert_eq!(
            region_ids(&["北部", "Tokyo", "南部"]).0,
            ["r1", "tokyo", "r3"]
        );
        // "a" names its own region; "A" must not take the id a, nor "r1" the id of 北部.
        assert_eq!(
            region_ids(&["A", "a", "r1", "北部"]).0,
            ["r2", "a", "r1", "r4"]
        );
        // YAML would read null, 123 or yes as no text or another type.
        assert_eq!(
            region_ids(&["null", "123", "yes", "tokyo"]).0,
            ["r1", "r2", "r3", "tokyo"]
        );
        let (ids, total) = region_ids(&["all", "全体"]);
        assert_eq!(ids, ["all", "r2"]);
        assert_eq!(total, ("total".to_string(), "全体（合計）".to_string()));
    }
}
