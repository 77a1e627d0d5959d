//! Reading an export once and guessing what each column is: timestamp, personal data, respondent
//! id, region, single or multiple choice (", "-joined), numbers, free text.

use std::collections::HashMap;
use std::path::Path;

use anyhow::Result;

use crate::load::responses::{self, Encoding};
use crate::load::{did_you_mean, is_slug};

/// Distinct values remembered per column: past this a column is free text.
const MAX_DISTINCT: usize = 200;
/// A choice question has at most this many options.
const MAX_OPTIONS: usize = 30;

/// What one column of the export looks like.
#[derive(Debug, Default)]
pub(super) struct ColumnStats {
    pub(super) header: String,
    pub(super) nonempty: u64,
    /// Distinct cells and how often (up to MAX_DISTINCT).
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
}

impl ColumnStats {
    fn add(&mut self, cell: &str) {
        let cell = cell.trim();
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
        count(&mut self.values, &mut self.order, &mut self.too_many, cell);
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
            );
        }
    }
}

fn count(map: &mut HashMap<String, u64>, order: &mut Vec<String>, full: &mut bool, value: &str) {
    if let Some(n) = map.get_mut(value) {
        *n += 1;
    } else if map.len() < MAX_DISTINCT {
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
        && !c.too_many
        && distinct as u64 == rows
        && c.nonempty == rows
        && rows > 1
    {
        return Role::Id;
    }
    if c.too_many && header_has(&c.header, ID_WORDS) && c.nonempty == rows {
        return Role::Id;
    }
    let by_count = |map: &HashMap<String, u64>, order: &[String]| {
        let mut v: Vec<(String, u64)> = order.iter().map(|k| (k.clone(), map[k])).collect();
        v.sort_by_key(|x| std::cmp::Reverse(x.1)); // stable: ties keep first-seen order
        v
    };
    if c.numeric == c.nonempty {
        if c.too_many || distinct > MAX_OPTIONS {
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
    if c.joined > 0 && !c.too_many_pieces {
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
            };
        }
    }
    // Few values, chosen again and again (text typed by each respondent rarely repeats).
    let recurring: u64 = c.values.values().filter(|&&n| n >= 2).sum();
    if !c.too_many
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
}

pub(super) struct Inferred {
    pub(super) rows: u64,
    pub(super) encoding: Encoding,
    pub(super) columns: Vec<Column>,
    /// Region titles with their ids and row counts, sorted by title.
    pub(super) regions: Vec<(String, String, u64)>,
    pub(super) rows_without_region: u64,
}

pub(super) fn infer(export: &Path, region_column: Option<&str>) -> Result<Inferred> {
    let shown = export.display().to_string();
    if !export.is_file() {
        anyhow::bail!("{shown}: file not found");
    }
    let mut reader = responses::open(export, &shown, Encoding::Auto)?;
    let headers = responses::header(&mut reader, &shown)?;
    let mut stats: Vec<ColumnStats> = headers
        .iter()
        .map(|h| ColumnStats {
            header: h.clone(),
            ..ColumnStats::default()
        })
        .collect();
    let mut record = csv::StringRecord::new();
    let mut rows = 0u64;
    while reader
        .read_record(&mut record)
        .map_err(|e| responses::csv_error(&shown, &e))?
    {
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        rows += 1;
        for (s, cell) in stats.iter_mut().zip(record.iter()) {
            s.add(cell);
        }
    }
    if rows == 0 {
        anyhow::bail!("{shown}: no respondent rows below the header");
    }
    let encoding = reader.get_ref().encoding();

    let region_index = match region_column {
        Some(name) => Some(
            headers
                .iter()
                .position(|h| h == name.trim())
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "--region-column: \"{name}\" is not a column of {shown}{}",
                        did_you_mean(name, headers.iter().map(String::as_str))
                    )
                })?,
        ),
        // A short header naming a place ("地域", "二次医療圏"), not a question mentioning one.
        None => stats
            .iter()
            .enumerate()
            .filter(|(_, s)| {
                header_has(&s.header, REGION_WORDS)
                    && s.header.chars().count() <= 15
                    && !s.too_many
                    && s.nonempty > 0
            })
            .min_by_key(|(_, s)| s.header.chars().count())
            .map(|(i, _)| i),
    };
    if let Some(i) = region_index
        && stats[i].too_many
    {
        anyhow::bail!(
            "{shown}: the region column \"{}\" has more than {MAX_DISTINCT} different values",
            headers[i]
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
        });
    }
    if n == 0 {
        anyhow::bail!("{shown}: no column looks like a question (every column was left out)");
    }
    let (regions, rows_without_region) = match region_index {
        None => (Vec::new(), 0),
        Some(i) => {
            let s = &columns[i].stats;
            let mut titles: Vec<(String, u64)> =
                s.order.iter().map(|t| (t.clone(), s.values[t])).collect();
            titles.sort();
            let ids = region_ids(titles.iter().map(|t| t.0.as_str()));
            (
                titles
                    .into_iter()
                    .zip(ids)
                    .map(|((t, n), id)| (t, id, n))
                    .collect(),
                rows - s.nonempty,
            )
        }
    };
    Ok(Inferred {
        rows,
        encoding,
        columns,
        regions,
        rows_without_region,
    })
}

/// Ids for region titles: the title itself when it is a slug, else r1, r2 …
fn region_ids<'a>(titles: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut used = vec!["all".to_string()];
    let mut out = Vec::new();
    for (i, t) in titles.enumerate() {
        let lower = t.to_lowercase().replace([' ', '_'], "-");
        let id = if is_slug(&lower) && !used.contains(&lower) {
            lower
        } else {
            let mut k = i + 1;
            while used.contains(&format!("r{k}")) {
                k += 1;
            }
            format!("r{k}")
        };
        used.push(id.clone());
        out.push(id);
    }
    out
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
    fn option_ids_never_match_another_options_label() {
        assert_eq!(option_ids(&["はい", "いいえ"]), ["a", "b"]);
        assert_eq!(option_ids(&["b", "a"]), ["c", "d"]);
    }

    #[test]
    fn region_ids_are_slugs() {
        assert_eq!(
            region_ids(["北部", "Tokyo", "南部"].into_iter()),
            ["r1", "tokyo", "r3"]
        );
    }
}
