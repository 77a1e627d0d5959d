//! The CSV tables in data/: respondents, counts, the cross-tab and free-text answers.
//! Each row is checked against the codebook; every problem names `file:line`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use anyhow::Result;

use super::{
    Problems, clean_text, did_you_mean, is_slug, located, not_in_codebook, quote_cell, quotes,
    read_text,
};
use crate::model::{Answer, Count, Question, QuestionKind, Survey};

pub const RESPONDENTS: &str = "data/respondents.csv";
pub const COUNTS: &str = "data/counts.csv";
pub const CROSSTAB: &str = "data/crosstab.csv";
pub const ANSWERS: &str = "data/answers.csv";

/// One CSV file: its rows as column name → cell, each with its line number.
struct Table {
    file: String,
    headers: Vec<String>,
    rows: Vec<(u64, HashMap<String, String>)>,
}

impl Table {
    /// `None` when the file does not exist (the optional tables).
    fn read(root: &Path, file: &str, columns: &[&str]) -> Result<Option<Table>> {
        // The same table as an Excel sheet (src/load/sheet.rs), checked the same way.
        if let Some((path, shown)) = super::sheet::workbook(root, file)? {
            let (headers, rows) = super::sheet::rows(&path, &shown)?;
            check_header(file, &headers, columns)?;
            let rows = rows
                .into_iter()
                .map(|(line, cells)| (line, headers.iter().cloned().zip(cells).collect()))
                .collect();
            return Ok(Some(Table {
                file: file.to_string(),
                headers,
                rows,
            }));
        }
        let path = root.join(file);
        if !path.exists() {
            return Ok(None);
        }
        // LF only: the csv crate counts a CRLF file's lines one short (rust-csv#395), and a
        // CR-only file would be one line.
        let text = read_text(&path, file)?;
        let quotes = quotes::scan(&text, true).map_err(|p| {
            let (line, message) = p.located();
            located(file, line, None, message)
        })?;
        let mut reader = csv::ReaderBuilder::new()
            .comment(Some(b'#'))
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let headers = reader
            .headers()
            .map_err(|e| csv_error(file, &e))?
            .iter()
            .map(str::to_string)
            .collect::<Vec<_>>();
        check_header(file, &headers, columns)?;
        check_line_breaks(file, &text, &headers, quotes.multiline())?;
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| csv_error(file, &e))?;
            let line = record.position().map_or(0, |p| p.line());
            if record.iter().all(str::is_empty) {
                continue;
            }
            let row = headers
                .iter()
                .zip(record.iter())
                .map(|(h, v)| (h.clone(), v.to_string()))
                .collect();
            rows.push((line, row));
        }
        Ok(Some(Table {
            file: file.to_string(),
            headers,
            rows,
        }))
    }

    fn required(root: &Path, file: &str, columns: &[&str]) -> Result<Table> {
        Table::read(root, file, columns)?.ok_or_else(|| {
            anyhow::anyhow!(
                "{file}: file not found (expected the columns {})",
                columns.join(",")
            )
        })
    }
}

/// No column named twice, and every column the table needs.
fn check_header(file: &str, headers: &[String], columns: &[&str]) -> Result<()> {
    // A second column of the same name would silently replace the first one's cells.
    for (i, h) in headers.iter().enumerate() {
        if headers[..i].contains(h) {
            return Err(located(
                file,
                1,
                None,
                format!(
                    "the column {} is given twice (columns {} and {}): keep one",
                    quote_cell(h),
                    headers.iter().position(|x| x == h).unwrap_or(0) + 1,
                    i + 1
                ),
            ));
        }
    }
    for want in columns {
        if !headers.iter().any(|h| h == want) {
            return Err(located(
                file,
                1,
                None,
                format!(
                    "missing column \"{want}\" (expected the columns {})",
                    columns.join(",")
                ),
            ));
        }
    }
    Ok(())
}

/// Only a free-text answer may hold a line break; even there, a line inside a quoted cell that
/// reads like a row of its own (region and question ids, all the columns) means a quote was left
/// open above it.
fn check_line_breaks(
    file: &str,
    text: &str,
    headers: &[String],
    multiline: &[(u64, u64)],
) -> Result<()> {
    let Some(&(opened, closed)) = multiline.first() else {
        return Ok(());
    };
    if !headers.iter().any(|h| h == "answer") {
        return Err(located(
            file,
            opened,
            None,
            format!(
                "a quoted cell opens here and runs to line {closed}: no cell of {file} holds a line break (is a closing \" missing?)"
            ),
        ));
    }
    let id_columns: Vec<usize> = ["region", "question"]
        .iter()
        .filter_map(|c| headers.iter().position(|h| h == c))
        .collect();
    let lines: Vec<&str> = text.split('\n').collect();
    for &(opened, closed) in multiline {
        for n in opened + 1..=closed {
            let Some(line) = lines.get(n as usize - 1) else {
                continue;
            };
            let cells: Vec<&str> = line.split(',').map(str::trim).collect();
            if cells.len() >= headers.len()
                && id_columns
                    .iter()
                    .all(|&c| cells.get(c).is_some_and(|v| is_slug(v)))
            {
                return Err(located(
                    file,
                    opened,
                    None,
                    format!(
                        "a quoted cell opens here and swallows line {n}, which reads as a row of its own (is the closing \" of this cell missing?)"
                    ),
                ));
            }
        }
    }
    Ok(())
}

fn csv_error(file: &str, e: &csv::Error) -> anyhow::Error {
    let line = e.position().map_or(1, |p| p.line());
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("this row has {len} fields, expected {expected_len} like the header")
        }
        _ => e.to_string(),
    };
    located(file, line, None, message)
}

fn cell<'a>(row: &'a HashMap<String, String>, column: &str) -> &'a str {
    row.get(column).map_or("", String::as_str)
}

/// The largest count or number of respondents accepted (ten billion): far above any survey,
/// far below where sums could overflow.
pub const MAX_COUNT: u64 = 10_000_000_000;

/// A count cell: a whole number, or `…` / `NR` for not reported.
fn parse_count(text: &str) -> Option<Count> {
    match text {
        "…" | "..." | "NR" => Some(Count::NotReported),
        // Digits only (no sign), and a size no survey reaches: sums and shares cannot overflow.
        _ if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) => text
            .parse()
            .ok()
            .filter(|&n| n <= MAX_COUNT)
            .map(Count::Value),
        _ => None,
    }
}

/// A table's file in the survey's data folder: `data/counts.csv`, or for an edition kept elsewhere
/// (src/load/editions.rs) `data/editions/2024/counts.csv`.
pub fn named(survey: &Survey, file: &str) -> String {
    match (&survey.data.folder, file.strip_prefix("data/")) {
        (Some(folder), Some(name)) => format!("{folder}/{name}"),
        _ => file.to_string(),
    }
}

/// Reads every table, reporting every problem found (not just the first).
pub fn load(root: &Path, survey: &mut Survey) -> Result<()> {
    // A table kept as a workbook is named by its sheet and row, not the CSV's line.
    load_tables(root, survey).map_err(|e| super::sheet::rename(root, e))
}

fn load_tables(root: &Path, survey: &mut Survey) -> Result<()> {
    let mut problems = Problems::default();
    load_respondents(root, survey, &mut problems)?;
    load_counts(root, survey, &mut problems)?;
    load_crosstab(root, survey, &mut problems)?;
    load_answers(root, survey, &mut problems)?;
    check_bases(survey, &mut problems);
    check_within_total(survey, &mut problems);
    problems.finish()
}

fn check_region(survey: &Survey, file: &str, line: u64, id: &str) -> Result<()> {
    if survey.region(id).is_none() {
        return Err(located(
            file,
            line,
            None,
            not_in_codebook("region", id, survey.regions.iter().map(|r| r.id.as_str())),
        ));
    }
    Ok(())
}

fn find_question<'a>(survey: &'a Survey, file: &str, line: u64, id: &str) -> Result<&'a Question> {
    survey.question(id).ok_or_else(|| {
        located(
            file,
            line,
            None,
            not_in_codebook(
                "question",
                id,
                survey.questions.iter().map(|q| q.id.as_str()),
            ),
        )
    })
}

fn check_option(question: &Question, file: &str, line: u64, id: &str) -> Result<()> {
    if question.option(id).is_none() {
        return Err(located(
            file,
            line,
            None,
            format!(
                "option {} is not an option of question \"{}\"{}",
                quote_cell(id),
                question.id,
                did_you_mean(id, question.options.iter().map(|o| o.id.as_str()))
            ),
        ));
    }
    Ok(())
}

/// The group must be one of the codebook's dimension (which must exist: `no_dimension` says why).
fn check_group(
    survey: &Survey,
    file: &str,
    line: u64,
    group: &str,
    no_dimension: &str,
) -> Result<()> {
    let dimension = survey
        .dimension
        .as_ref()
        .ok_or_else(|| located(file, line, None, no_dimension.to_string()))?;
    if !dimension.groups.iter().any(|g| g.id == group) {
        return Err(located(
            file,
            line,
            None,
            format!(
                "group {} is not a group of the dimension \"{}\"{}",
                quote_cell(group),
                dimension.id,
                did_you_mean(group, dimension.groups.iter().map(|g| g.id.as_str()))
            ),
        ));
    }
    Ok(())
}

fn count_cell(file: &str, line: u64, text: &str) -> Result<Count> {
    parse_count(text).ok_or_else(|| {
        located(
            file,
            line,
            None,
            format!("count {} is not a whole number up to {MAX_COUNT} (write … for a value the source does not report)", quote_cell(text)),
        )
    })
}

fn load_respondents(root: &Path, survey: &mut Survey, problems: &mut Problems) -> Result<()> {
    let file_respondents = named(survey, RESPONDENTS);
    let table = Table::required(
        root,
        &named(survey, RESPONDENTS),
        &["region", "group", "respondents"],
    )?;
    let mut lines = BTreeMap::new();
    let mut group_lines = BTreeMap::new();
    for (line, row) in &table.rows {
        problems.add(respondents_row(
            survey,
            &table.file,
            *line,
            row,
            &mut lines,
            &mut group_lines,
        ));
    }
    // No region has more respondents than the all-regions total.
    if let Some(all) = survey.regions.iter().find(|r| r.total)
        && let Some(&n_all) = survey.data.respondents.get(&all.id)
    {
        for region in survey.regions.iter().filter(|r| !r.total) {
            if let (Some(&n), Some(&line)) = (
                survey.data.respondents.get(&region.id),
                lines.get(&region.id),
            ) && n > n_all
            {
                problems.add(Err(located(
                    &file_respondents,
                    line,
                    None,
                    format!(
                        "region \"{}\" has {n} respondents, more than the all-regions total \"{}\" ({n_all})",
                        region.id, all.id
                    ),
                )));
            }
        }
    }
    if survey.data.folder.is_some() {
        // An edition: a region without a row was not surveyed then (not reported, never 0).
        let given = &survey.data.respondents;
        survey.regions.retain(|r| given.contains_key(&r.id));
    }
    for region in &survey.regions {
        let Some(&total) = survey.data.respondents.get(&region.id) else {
            problems.add(Err(anyhow::anyhow!(
                "{file_respondents}: region \"{}\" has no row with its number of respondents (a row with an empty group)",
                region.id
            )));
            continue;
        };
        if let Some(d) = &survey.dimension {
            // Each group given is part of the region: never more than its total, alone or
            // together, even when some groups are missing; all given, they add up to it.
            let mut sum = 0;
            let mut given = 0;
            for g in &d.groups {
                let key = (region.id.clone(), g.id.clone());
                let Some(&n) = survey.data.group_respondents.get(&key) else {
                    continue;
                };
                given += 1;
                sum += n;
                let line = group_lines
                    .get(&key)
                    .or(lines.get(&region.id))
                    .copied()
                    .unwrap_or(1);
                if n > total {
                    problems.add(Err(located(
                        &file_respondents,
                        line,
                        None,
                        format!(
                            "group \"{}\" of region \"{}\" has {n} respondents, more than the region's {total}",
                            g.id, region.id
                        ),
                    )));
                    break;
                } else if sum > total {
                    problems.add(Err(located(
                        &file_respondents,
                        line,
                        None,
                        format!(
                            "the groups of region \"{}\" add up to {sum} by this row, more than the region's {total} respondents",
                            region.id
                        ),
                    )));
                    break;
                }
            }
            if given == d.groups.len() && sum < total {
                problems.add(Err(located(
                    &file_respondents,
                    lines.get(&region.id).copied().unwrap_or(1),
                    None,
                    format!(
                        "region \"{}\" has {total} respondents, but its groups add up to {sum}",
                        region.id
                    ),
                )));
            }
        }
    }
    Ok(())
}

fn load_counts(root: &Path, survey: &mut Survey, problems: &mut Problems) -> Result<()> {
    let file_counts = named(survey, COUNTS);
    let table = Table::required(
        root,
        &named(survey, COUNTS),
        &["region", "question", "option", "count"],
    )?;
    let given = super::table_estimates::columns(survey, &table.headers, &table.file)?;
    survey.data.estimates_given = given.is_some();
    let mut lines = HashMap::new();
    let mut rejected = BTreeSet::new();
    for (line, row) in &table.rows {
        let counted = counts_row(&mut rejected, survey, &table.file, *line, row, &mut lines);
        // The office's estimate of a row whose count was read.
        if let (Ok(key), Some(columns)) = (&counted, &given) {
            let count = survey.count(&key.0, &key.1, &key.2);
            match columns.read(&table.file, *line, row, count) {
                Ok(Some(e)) => {
                    survey.data.estimates.insert(key.clone(), e);
                }
                Ok(None) => {}
                Err(e) => problems.add(Err(e)),
            }
        }
        problems.add(counted.map(|_| ()));
    }
    // Every option in every region: a forgotten row must not pass for "not reported".
    for region in &survey.regions {
        for q in survey.questions.iter().filter(|q| q.kind.is_choice()) {
            for o in &q.options {
                let key = (region.id.clone(), q.id.clone(), o.id.clone());
                if !survey.data.counts.contains_key(&key) && !rejected.contains(&key) {
                    problems.add(Err(anyhow::anyhow!(
                        "{file_counts}: no row for region \"{}\", question \"{}\", option \"{}\" (write … as the count if the source does not report it)",
                        region.id,
                        q.id,
                        o.id
                    )));
                }
            }
        }
    }
    survey.data.count_lines = lines;
    Ok(())
}

fn load_crosstab(root: &Path, survey: &mut Survey, problems: &mut Problems) -> Result<()> {
    let file_counts = named(survey, COUNTS);
    let file_crosstab = named(survey, CROSSTAB);
    let Some(table) = Table::read(
        root,
        &named(survey, CROSSTAB),
        &["region", "question", "group", "option", "count"],
    )?
    else {
        return Ok(());
    };
    let given = super::table_estimates::columns(survey, &table.headers, &table.file)?;
    super::table_estimates::check_both(survey, given.is_some(), &table.file)?;
    for (line, row) in &table.rows {
        let counted = crosstab_row(survey, &table.file, *line, row);
        if let (Ok(key), Some(columns)) = (&counted, &given) {
            let count = survey.crosstab_count(&key.0, &key.1, &key.2, &key.3);
            match columns.read(&table.file, *line, row, count) {
                Ok(Some(e)) => {
                    let (r, q, g, o) = key.clone();
                    survey.data.crosstab_estimates.insert((r, q, Some(g), o), e);
                }
                Ok(None) => {}
                Err(e) => problems.add(Err(e)),
            }
        }
        problems.add(counted.map(|_| ()));
    }
    if given.is_some() {
        super::table_estimates::total_rows(survey);
    }
    // When every group is given, the groups add up to the question's own count (the 計 row).
    let mut sums: BTreeMap<(&str, &str, &str), (u64, usize)> = BTreeMap::new();
    for ((region, question, _, option), count) in &survey.data.crosstab {
        let entry = sums.entry((region, question, option)).or_default();
        if let Count::Value(c) = count {
            entry.0 += c;
            entry.1 += 1;
        }
    }
    let groups = survey.dimension.as_ref().map_or(0, |d| d.groups.len());
    for ((region, question, option), (sum, given)) in sums {
        // Some groups missing: still never more than the total.
        if let Count::Value(total) = survey.count(region, question, option)
            && (sum > total || (given == groups && sum != total))
        {
            problems.add(Err(anyhow::anyhow!(
                "{file_crosstab}: the groups of {region} × {question} × {option} add up to {sum}, but {file_counts} gives {total}"
            )));
        }
    }
    Ok(())
}

fn load_answers(root: &Path, survey: &mut Survey, problems: &mut Problems) -> Result<()> {
    let Some(table) = Table::read(
        root,
        &named(survey, ANSWERS),
        &["region", "question", "option", "answer"],
    )?
    else {
        return Ok(());
    };
    // The その他 answers of an option are at most its count (none when it is 0); the answers
    // to a free-text question are at most the respondents it was asked of (one row each).
    // Answers already read from respondent rows count too.
    let mut listed: BTreeMap<(String, String, Option<String>), u64> = BTreeMap::new();
    for a in &survey.data.answers {
        *listed
            .entry((a.region.clone(), a.question.clone(), a.option.clone()))
            .or_default() += 1;
    }
    for (line, row) in &table.rows {
        let before = survey.data.answers.len();
        problems.add(answers_row(survey, &table.file, *line, row));
        let Some(Answer {
            region,
            question,
            option,
            ..
        }) = survey.data.answers.get(before)
        else {
            continue;
        };
        let key = (region.clone(), question.clone(), option.clone());
        let n = listed.entry(key).or_default();
        *n += 1;
        let message = match option {
            Some(option) => match survey.count(region, question, option) {
                Count::Value(count) if *n > count => format!(
                    "this is answer {n} to option \"{option}\" of question \"{question}\" in region \"{region}\", but its count is {count}{}",
                    if count == 0 {
                        ": an option chosen by no one has no answers"
                    } else {
                        " (answers are at most the count)"
                    }
                ),
                _ => continue,
            },
            None => {
                let Some(q) = survey.question(question) else {
                    continue;
                };
                match survey.base_count(region, q) {
                    Count::Value(base) if *n > base => format!(
                        "this is answer {n} to free-text question \"{question}\" in region \"{region}\", but it was asked of {base} respondents ({}): one row per respondent's answer",
                        survey.base(&q.base).map_or("", |b| b.title.as_str())
                    ),
                    _ => continue,
                }
            }
        };
        problems.add(Err(located(&table.file, *line, None, message)));
    }
    Ok(())
}

fn respondents_row(
    survey: &mut Survey,
    file: &str,
    line: u64,
    row: &HashMap<String, String>,
    lines: &mut BTreeMap<String, u64>,
    group_lines: &mut BTreeMap<(String, String), u64>,
) -> Result<()> {
    let (region, group) = (cell(row, "region"), cell(row, "group"));
    check_region(survey, file, line, region)?;
    let n = cell(row, "respondents");
    let n: u64 = parse_count(n)
        .and_then(Count::value)
        .ok_or(())
        .map_err(|()| {
            located(
                file,
                line,
                None,
                format!(
                    "respondents {} is not a whole number (up to {MAX_COUNT})",
                    quote_cell(n)
                ),
            )
        })?;
    // Already there, and not from this file: counted from the respondent rows.
    if let Some(rows) = &survey.data.rows_file
        && survey.data.respondents.contains_key(region)
        && !lines.contains_key(region)
    {
        return Err(located(
            file,
            line,
            None,
            format!("region \"{region}\" is counted from {rows}: leave it out of {file}"),
        ));
    }
    if group.is_empty() {
        if survey.data.respondents.insert(region.into(), n).is_some() {
            return Err(located(
                file,
                line,
                None,
                format!("region \"{region}\" has two totals"),
            ));
        }
        lines.insert(region.to_string(), line);
    } else {
        check_group(
            survey,
            file,
            line,
            group,
            "a group is given but the codebook has no `dimension`",
        )?;
        if survey
            .data
            .group_respondents
            .insert((region.into(), group.into()), n)
            .is_some()
        {
            return Err(located(
                file,
                line,
                None,
                format!("region \"{region}\", group \"{group}\" is given twice"),
            ));
        }
        group_lines.insert((region.to_string(), group.to_string()), line);
    }
    Ok(())
}

fn counts_row(
    rejected: &mut BTreeSet<(String, String, String)>,
    survey: &mut Survey,
    file: &str,
    line: u64,
    row: &HashMap<String, String>,
    lines: &mut HashMap<(String, String, String), u64>,
) -> Result<(String, String, String)> {
    let file_answers = named(survey, ANSWERS);
    let (region, question, option) = (
        cell(row, "region"),
        cell(row, "question"),
        cell(row, "option"),
    );
    check_region(survey, file, line, region)?;
    let q = find_question(survey, file, line, question)?;
    if q.kind == QuestionKind::Text {
        return Err(located(
            file,
            line,
            None,
            format!(
                "question \"{question}\" is free text: its answers go in {file_answers}, not counts"
            ),
        ));
    }
    check_option(q, file, line, option)?;
    let key = (region.to_string(), question.to_string(), option.to_string());
    let count = count_cell(file, line, cell(row, "count")).inspect_err(|_| {
        // The row is there, only its count is wrong: not also "no row for …".
        rejected.insert(key.clone());
    })?;
    if let Some(rows) = &survey.data.rows_file
        && survey.data.counts.contains_key(&key)
        && !lines.contains_key(&key)
    {
        return Err(located(
            file,
            line,
            None,
            format!(
                "region \"{region}\", question \"{question}\", option \"{option}\" is counted from {rows}: leave it out of {file}"
            ),
        ));
    }
    if let Some(first) = lines.insert(key.clone(), line) {
        return Err(located(
            file,
            line,
            None,
            format!("{region} × {question} × {option} is given twice (first on line {first})"),
        ));
    }
    survey.data.counts.insert(key.clone(), count);
    Ok(key)
}

fn crosstab_row(
    survey: &mut Survey,
    file: &str,
    line: u64,
    row: &HashMap<String, String>,
) -> Result<(String, String, String, String)> {
    let file_respondents = named(survey, RESPONDENTS);
    let (region, question, group, option) = (
        cell(row, "region"),
        cell(row, "question"),
        cell(row, "group"),
        cell(row, "option"),
    );
    check_region(survey, file, line, region)?;
    let q = find_question(survey, file, line, question)?;
    check_option(q, file, line, option)?;
    check_group(
        survey,
        file,
        line,
        group,
        "a cross-tab needs a `dimension` in the codebook",
    )?;
    let count = count_cell(file, line, cell(row, "count"))?;
    if let (Count::Value(c), Some(&n)) = (
        count,
        survey
            .data
            .group_respondents
            .get(&(region.to_string(), group.to_string())),
    ) && c > n
    {
        return Err(located(
            file,
            line,
            None,
            format!("count {c} is larger than the group's {n} respondents ({file_respondents})"),
        ));
    }
    let key: (String, String, String, String) =
        (region.into(), question.into(), group.into(), option.into());
    if survey.data.crosstab.insert(key.clone(), count).is_some() {
        return Err(located(
            file,
            line,
            None,
            format!("{region} × {question} × {group} × {option} is given twice"),
        ));
    }
    Ok(key)
}

fn answers_row(
    survey: &mut Survey,
    file: &str,
    line: u64,
    row: &HashMap<String, String>,
) -> Result<()> {
    let (region, question, option) = (
        cell(row, "region"),
        cell(row, "question"),
        cell(row, "option"),
    );
    check_region(survey, file, line, region)?;
    let q = find_question(survey, file, line, question)?;
    let option = if option.is_empty() {
        if q.kind != QuestionKind::Text {
            return Err(located(
                file,
                line,
                None,
                format!(
                    "question \"{question}\" is a choice question: an answer needs the id of its その他 option (other: true)"
                ),
            ));
        }
        None
    } else {
        check_option(q, file, line, option)?;
        if !q.option(option).is_some_and(|o| o.other) {
            return Err(located(
                file,
                line,
                None,
                format!(
                    "option \"{option}\" of question \"{question}\" does not take text (mark it `other: true` in the codebook)"
                ),
            ));
        }
        Some(option.to_string())
    };
    // Control characters (NUL, ESC, DEL, C1) never reach a page or a terminal.
    let text = clean_text(cell(row, "answer"));
    let text = text.trim();
    if text.is_empty() {
        return Err(located(file, line, None, "the answer is empty"));
    }
    survey.data.answers.push(Answer {
        region: region.into(),
        question: question.into(),
        option,
        text: text.into(),
    });
    Ok(())
}

/// The `total: true` region holds the all-regions figures: no region's count is larger than the
/// total's count of the same option.
fn check_within_total(survey: &Survey, problems: &mut Problems) {
    let file_counts = named(survey, COUNTS);
    let Some(total) = survey.regions.iter().find(|r| r.total) else {
        return;
    };
    for region in survey.regions.iter().filter(|r| !r.total) {
        for q in survey.questions.iter().filter(|q| q.kind.is_choice()) {
            for o in &q.options {
                let key = (region.id.clone(), q.id.clone(), o.id.clone());
                let Some(&line) = survey.data.count_lines.get(&key) else {
                    continue;
                };
                if let (Count::Value(c), Count::Value(all)) = (
                    survey.count(&region.id, &q.id, &o.id),
                    survey.count(&total.id, &q.id, &o.id),
                ) && c > all
                {
                    problems.add(Err(located(
                        &file_counts,
                        line,
                        None,
                        format!(
                            "count {c} is larger than {all}, what the all-regions total \"{}\" gives for the same question and option",
                            total.id
                        ),
                    )));
                }
            }
        }
    }
}

/// Counts cannot exceed the number of respondents they were asked of.
fn check_bases(survey: &Survey, problems: &mut Problems) {
    let file_counts = named(survey, COUNTS);
    for region in &survey.regions {
        for q in survey.questions.iter().filter(|q| q.kind.is_choice()) {
            let Count::Value(base) = survey.base_count(&region.id, q) else {
                continue;
            };
            let mut sum = 0;
            for o in &q.options {
                let Count::Value(c) = survey.count(&region.id, &q.id, &o.id) else {
                    continue;
                };
                sum += c;
                // Counts aggregated from respondent rows have no line: their checks happen there.
                let Some(&line) =
                    survey
                        .data
                        .count_lines
                        .get(&(region.id.clone(), q.id.clone(), o.id.clone()))
                else {
                    continue;
                };
                if c > base {
                    problems.add(Err(located(
                        &file_counts,
                        line,
                        None,
                        format!(
                            "count {c} is larger than the base of question \"{}\" in region \"{}\" ({base}, {})",
                            q.id,
                            region.id,
                            survey.base(&q.base).map_or("", |b| b.title.as_str())
                        ),
                    )));
                }
                if q.kind == QuestionKind::Single && sum > base {
                    problems.add(Err(located(
                        &file_counts,
                        line,
                        None,
                        format!(
                            "the options of single-choice question \"{}\" add up to {sum} in region \"{}\", more than its base of {base}",
                            q.id, region.id
                        ),
                    )));
                    break;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_keep_zero_and_not_reported_apart() {
        assert_eq!(parse_count("0"), Some(Count::Value(0)));
        assert_eq!(parse_count("…"), Some(Count::NotReported));
        assert_eq!(parse_count("NR"), Some(Count::NotReported));
        assert_eq!(parse_count(""), None);
        assert_eq!(parse_count("-1"), None);
        assert_eq!(parse_count("3.5"), None);
        assert_eq!(parse_count("+6"), None);
        assert_eq!(parse_count("18446744073709551615"), None);
        assert_eq!(
            parse_count("10000000000"),
            Some(Count::Value(10_000_000_000))
        );
    }
}
