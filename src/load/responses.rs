//! Respondent-level data: a CSV, an Excel sheet or an SPSS .sav file with one row per respondent
//! (Google Forms, Microsoft Forms, LimeSurvey, Excel, SPSS), declared under `responses:` in the
//! codebook and read row by row into counts (src/aggregate/): only counts are kept, never the rows.

mod ahead;
mod cache;
mod csv_rows;
mod decode;
mod design;
mod plan;
mod row;
pub mod sav;
pub mod source;
pub mod xlsx;

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use anyhow::Result;

use super::Problems;
use super::tables;
use super::{codebook, is_control, parse_yaml, quote_cell, read_text};
use crate::aggregate::{FromRows, Respondent, Tally};
use crate::model::Survey;
pub use decode::{Decode, Encoding};
use plan::{CodebookFile, Plan, RawResponses, at, compile};
use source::{Record, Source};

/// At most this many row problems are listed before giving up on the file.
const MAX_PROBLEMS: usize = 20;

/// Streams the responses file into counts in `survey.data`.
fn aggregate_file(
    root: &Path,
    raw: &RawResponses,
    survey: &mut Survey,
    default_encoding: Option<&str>,
) -> Result<FromRows> {
    let shown = raw.file.value.clone();
    let path: PathBuf = root.join(&shown);
    if !path.is_file() {
        return Err(at(
            &raw.file,
            format!("{shown}: file not found (the respondent rows named by `responses: file:`)"),
        ));
    }
    let encoding = match &raw.encoding {
        // report.yaml's setting was checked when it was read.
        None => default_encoding
            .and_then(Encoding::parse)
            .unwrap_or(Encoding::Auto),
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
    // The counts kept by an earlier build, if the file's digest is known without reading it (a
    // memo of where the file was), or found by reading it when there are counts it could match;
    // otherwise the digest is taken as the rows are read.
    let codebook_file = root.join(codebook::FILE);
    let before = cache::place(&path);
    let digest = cache::remembered(root, &path, before).or_else(|| {
        cache::has_entry(root, &shown)
            .then(|| cache::digest(root, &path))
            .flatten()
    });
    let key = digest.and_then(|d| cache::key(root, d, &codebook_file));
    if let Some(tally) = key
        .as_deref()
        .and_then(|k| cache::read(root, &shown, k))
        .filter(|t| t.has_regions(survey.regions.len()))
    {
        return Ok(tally.write(survey, &shown));
    }
    let sheet = raw.sheet.as_ref().map(|s| s.value.as_str());
    if let Some(s) = &raw.sheet
        && source::Kind::of(&path) != source::Kind::Workbook
    {
        return Err(at(
            s,
            format!("`sheet:` is for an Excel workbook, and {shown} is not one (.xlsx)"),
        ));
    }
    let source = if digest.is_none() {
        Source::open_digesting(&path, &shown, encoding, sheet)?
    } else {
        Source::open(&path, &shown, encoding, sheet)?
    };
    let headers = source.headers.clone();
    let plan = compile(raw, survey, headers, source.place.clone())?;
    let read = plan.columns_read();

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
    let design = match &survey.data.design {
        Some(d) => {
            let columns = design::Columns::new(d, &plan.headers, &shown)?;
            tally.weigh(crate::aggregate::Weighted::new(
                survey,
                &options,
                &plan.crosstab,
                columns.clustered(),
            ));
            Some(columns)
        }
        None => None,
    };
    let mut ids: HashMap<u64, (u64, u64)> = HashMap::new();
    let mut problems = Problems::default();
    let mut n_problems = 0;
    let mut respondent = Respondent::default();
    let mut rows = 0u64;
    // Rows are read, decoded and split on a second thread while this one counts them; when
    // that thread is ahead, it also reads what rows say (`Plan::row`, which changes nothing).
    let shared: &Survey = survey;
    let prepare = |record: &Record, p: &mut Prepared| {
        p.outcome = what_it_says(&plan, shared, &read, record, &mut p.respondent);
    };
    let ((), mut source) = ahead::read_ahead(source, prepare, |ahead| {
        loop {
            let (record, prepared) = match ahead.next() {
                Ok(Some(row)) => row,
                Ok(None) => break,
                Err(e) => {
                    problems.add(Err(e));
                    break;
                }
            };
            let outcome = match prepared {
                Some(p) => {
                    std::mem::swap(&mut respondent, &mut p.respondent);
                    p.outcome.take()
                }
                None => what_it_says(&plan, shared, &read, record, &mut respondent),
            };
            // A blank row is skipped.
            let Some(mut result) = outcome else {
                continue;
            };
            let line = record.at;
            rows += 1;
            if result.is_ok()
                && let Some(c) = plan.id
            {
                let at = Reopen {
                    path: &path,
                    encoding,
                    sheet,
                };
                result = check_id(&plan, &at, &mut ids, record, c);
            }
            if result.is_ok()
                && let (Some(columns), Some(weighted)) = (&design, tally.weighted_mut())
            {
                match columns.read(&plan, &record.cells, line, weighted) {
                    Ok(d) => respondent.design = Some(d),
                    Err(e) => result = Err(e),
                }
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
    });
    problems.finish()?;
    if rows == 0 {
        anyhow::bail!("{shown}: no respondent rows below the header");
    }
    if let Some(w) = tally.weighted_mut() {
        w.finish().map_err(|m| anyhow::anyhow!("{shown}: {m}"))?;
    }
    let key = key.or_else(|| {
        // A workbook or .sav file is read whole by its own reader: its digest is taken apart.
        let digest = match source.digest() {
            Some(d) => {
                cache::remember(root, &path, before, d);
                d
            }
            None => cache::digest(root, &path)?,
        };
        cache::key(root, digest, &codebook_file)
    });
    // The counts are kept for the next build on a second thread while this one works out the
    // figures (both only read the tally).
    Ok(std::thread::scope(|scope| {
        if let Some(k) = &key {
            scope.spawn(|| cache::write(root, &shown, k, &tally));
        }
        tally.write(survey, &shown)
    }))
}

/// What one row says, read into `r` (`None`: the row is blank, and skipped). Run on either
/// thread (src/load/responses/ahead.rs): it depends on nothing but the row.
fn what_it_says(
    plan: &Plan,
    survey: &Survey,
    read: &[bool],
    record: &Record,
    r: &mut Respondent,
) -> Option<Result<()>> {
    if record.is_blank() {
        return None;
    }
    let unreadable = record
        .bad
        .iter()
        .find(|(c, _)| read.get(*c).copied().unwrap_or(false));
    Some(match unreadable {
        Some((c, why)) => Err(plan.err(record.at, *c, why.clone())),
        None => plan.row(survey, &record.cells, record.at, r),
    })
}

/// A row as the reading thread prepared it (`what_it_says`).
#[derive(Default)]
struct Prepared {
    respondent: Respondent,
    outcome: Option<Result<()>>,
}

/// Ids are remembered as hashes (a few bytes a row, not the text); a repeated hash is confirmed
/// against the earlier row, found again by its record number (not its line: line numbers are
/// what a reader is told, never what finds a row).
fn check_id(
    plan: &Plan,
    file: &Reopen,
    ids: &mut HashMap<u64, (u64, u64)>,
    record: &Record,
    c: usize,
) -> Result<()> {
    let line = record.at;
    let id = record.cells.get(c).unwrap_or("").trim();
    let err = |m: String| plan.err(line, c, m);
    if id.is_empty() {
        return Err(err("no respondent id".into()));
    }
    if id.chars().any(is_control) {
        return Err(err(format!(
            "respondent id {} holds a control character",
            quote_cell(id)
        )));
    }
    let index = record.index;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    id.hash(&mut h);
    let h = h.finish();
    match ids.get(&h) {
        None => {
            ids.insert(h, (line, index));
            Ok(())
        }
        Some(&(first, first_index)) => {
            if id_at(file, &plan.file, c, first_index)?.as_deref() == Some(id) {
                Err(err(format!(
                    "respondent id {} is given twice (first on {} {first})",
                    quote_cell(id),
                    plan.place.row_word()
                )))
            } else {
                Ok(())
            }
        }
    }
}

/// How to open the respondent file again.
struct Reopen<'a> {
    path: &'a Path,
    encoding: Encoding,
    sheet: Option<&'a str>,
}

/// The id cell of record number `index` (read again from the file).
fn id_at(file: &Reopen, shown: &str, c: usize, index: u64) -> Result<Option<String>> {
    let mut source = Source::open(file.path, shown, file.encoding, file.sheet)?;
    let mut record = Record::default();
    while source.next(&mut record)? {
        if record.index == index {
            return Ok(record.cells.get(c).map(|s| s.trim().to_string()));
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
/// `encoding` is report.yaml's `settings.encoding`, used when the codebook does not set one.
pub fn load(root: &Path, survey: &mut Survey, encoding: Option<&str>) -> Result<Option<FromRows>> {
    load_from(root, declared(root)?, survey, encoding)
}

/// Reads one edition's data (src/load/editions.rs): the `responses:` of its entry under
/// `editions:` (number `index`), or the top-level one when `top_level` (the edition kept in
/// data/), and its tables in `survey.data.folder`, checked exactly as a one-edition project's.
pub fn load_edition(
    root: &Path,
    index: usize,
    top_level: bool,
    survey: &mut Survey,
    encoding: Option<&str>,
) -> Result<Option<FromRows>> {
    let raw = if top_level {
        declared(root)?
    } else {
        let text = read_text(&root.join(codebook::FILE), codebook::FILE)?;
        let file: plan::EditionsFile = parse_yaml(&text, codebook::FILE, 0)?;
        file.editions
            .into_iter()
            .nth(index)
            .and_then(|e| e.responses)
    };
    load_from(root, raw, survey, encoding)
}

fn load_from(
    root: &Path,
    raw: Option<RawResponses>,
    survey: &mut Survey,
    encoding: Option<&str>,
) -> Result<Option<FromRows>> {
    let Some(raw) = raw else {
        tables::load(root, survey)?;
        return Ok(None);
    };
    let rows = aggregate_file(root, &raw, survey, encoding)?;
    let tables_given = [tables::RESPONDENTS, tables::COUNTS]
        .iter()
        .map(|f| tables::named(survey, f))
        .any(|f| root.join(&f).exists() || root.join(super::sheet::workbook_name(&f)).exists());
    if tables_given {
        // The tables refuse a region or count the rows already gave (`data.rows_file`).
        tables::load(root, survey)?;
    } else {
        check_complete(survey, &rows)?;
    }
    Ok(Some(rows))
}

/// Without tables, the rows must give every region and every choice question.
fn check_complete(survey: &mut Survey, rows: &FromRows) -> Result<()> {
    let mut problems = Problems::default();
    if survey.data.folder.is_some() {
        // An edition: a region without a respondent was not surveyed then (not reported).
        let given = &survey.data.respondents;
        survey.regions.retain(|r| given.contains_key(&r.id));
    }
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
