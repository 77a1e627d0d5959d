//! `surveysite new DIR --from EXPORT --edition ID`: a later edition of the survey added to an
//! existing project. The export is read as `new --from` reads one, matched to the codebook
//! (region column and regions, each question's column, each answer text to an option), and
//! data/codebook.yaml is edited as text (lines inserted, never re-serialised) so the user's
//! comments and layout stay: an `editions:` entry with the edition's `responses:` section,
//! `editions:` lists on questions the new export does not ask, new options (answer texts that
//! match no option) with `editions: ["ID"]`. Nothing is written unless everything matched.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Deserialize;
use serde_saphyr::Spanned;

use super::infer::{self, Inferred, Role, listed, question_title};
use super::text::{plural, shown, yaml as y};
use crate::load::codebook::RawDesign;
use crate::load::responses::Encoding;
use crate::load::responses::source::{Kind, Place, Source};
use crate::load::{closest, is_slug, parse_yaml};

/// Answer texts named in one message at most.
const MAX_TEXTS: usize = 5;

/// The `--edition` flags.
#[derive(Debug, Default, Clone)]
pub struct Flags {
    pub edition: String,
    pub label: Option<String>,
    pub date: Option<String>,
    pub previous_edition: Option<String>,
    pub previous_label: Option<String>,
    pub previous_date: Option<String>,
}

/// What this command reads of data/codebook.yaml (the loader checks the rest).
#[derive(Deserialize)]
struct Codebook {
    #[serde(default)]
    editions: Option<Vec<Edition>>,
    #[serde(default)]
    regions: Vec<Region>,
    #[serde(default)]
    questions: Vec<Question>,
    #[serde(default)]
    responses: Option<Responses>,
    #[serde(default)]
    /// A weighted sample's design: every edition is read with it, so every edition's export
    /// needs its columns.
    design: Option<RawDesign>,
}

#[derive(Deserialize)]
struct Edition {
    id: Spanned<String>,
    #[serde(default)]
    date: Option<serde_saphyr::Spanned<DateText>>,
}

/// A date as written (YAML may read it as text; it stays text here).
#[derive(Deserialize)]
#[serde(transparent)]
struct DateText(String);

#[derive(Deserialize)]
struct Region {
    id: String,
    title: String,
    #[serde(default)]
    total: bool,
}

#[derive(Deserialize)]
struct Question {
    id: Spanned<String>,
    #[serde(default)]
    title: String,
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    options: Vec<Opt>,
    #[serde(default)]
    editions: Option<Spanned<Vec<String>>>,
}

#[derive(Deserialize)]
struct Opt {
    id: Spanned<String>,
    #[serde(default)]
    label: String,
    #[serde(default)]
    editions: Option<Spanned<Vec<String>>>,
}

#[derive(Deserialize)]
struct Responses {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    region: Option<Lookup>,
    #[serde(default)]
    dimension: Option<Lookup>,
    #[serde(default)]
    questions: BTreeMap<String, Spec>,
}

#[derive(Deserialize)]
struct Lookup {
    column: String,
    #[serde(default)]
    values: BTreeMap<String, String>,
    /// The dimension's: the questions cross-tabbed by it (`None`: every choice question).
    #[serde(default)]
    questions: Option<Vec<String>>,
}

impl Lookup {
    /// `, values: { … }` for an entry's `{ column: … }` (empty without values).
    fn values_text(&self) -> String {
        if self.values.is_empty() {
            return String::new();
        }
        let v: Vec<String> = (self.values.iter())
            .map(|(k, v)| format!("{}: {v}", y(k)))
            .collect();
        format!(", values: {{ {} }}", v.join(", "))
    }
}

#[derive(Deserialize, Default)]
struct Spec {
    #[serde(default)]
    column: Option<String>,
    #[serde(default)]
    columns: Option<BTreeMap<String, String>>,
    #[serde(default)]
    separator: Option<String>,
    #[serde(default)]
    values: BTreeMap<String, Option<String>>,
    #[serde(default)]
    other_column: Option<String>,
    #[serde(default)]
    other_in_cell: bool,
}

/// The comments written into the codebook, in the report's language (report.yaml `language:`).
struct Words {
    head: &'static str,
    data: &'static str,
    japanese: bool,
}

impl Words {
    fn of(dir: &Path) -> Words {
        #[derive(Deserialize)]
        struct Report {
            #[serde(default)]
            language: Option<String>,
        }
        let language = fs::read_to_string(dir.join("report.yaml"))
            .ok()
            .and_then(|t| serde_saphyr::from_str::<Report>(&t).ok())
            .and_then(|r| r.language);
        if language.as_deref().is_none_or(|l| l == "ja") {
            Words {
                head: "調査の各回。古い順で、最後が最新の回です（`surveysite new --edition` で追加）。",
                data: "回を分ける前からの data/ のデータ",
                japanese: true,
            }
        } else {
            Words {
                head: "The survey's editions, oldest first (the last is the latest; `surveysite new --edition` adds one).",
                data: "the files it had before editions were added",
                japanese: false,
            }
        }
    }

    fn new_in(&self, id: &str) -> String {
        if self.japanese {
            format!("{id} で追加")
        } else {
            format!("new in {id}")
        }
    }
}

/// One text insertion into the codebook: at a 0-based line, before the whole line (`col` None)
/// or at a byte offset in it.
struct Insert {
    line: usize,
    col: Option<usize>,
    text: String,
}

/// How one codebook question fared in the new export.
enum Match {
    /// Its column (or columns), and how it was found.
    Found {
        spec: String,
        how: String,
        /// Summary lines about its options.
        notes: Vec<String>,
    },
    Missing,
}

pub fn run(
    dir: &Path,
    export: &Path,
    region_column: Option<&str>,
    sheet: Option<&str>,
    flags: &Flags,
) -> Result<()> {
    let codebook_path = dir.join(crate::load::codebook::FILE);
    if !dir.join("report.yaml").is_file() || !codebook_path.is_file() {
        anyhow::bail!(
            "{}: not a surveysite project (no report.yaml and data/codebook.yaml): --edition adds an edition to an existing project; start one with `surveysite new NEW-FOLDER --from {}`",
            dir.display(),
            export.display()
        );
    }
    let id = flags.edition.trim();
    check_id("--edition", id)?;
    let date = required_date("--date", flags.date.as_deref(), id)?;
    let label = flags.label.clone().unwrap_or_else(|| id.to_string());

    let words = Words::of(dir);
    let text = fs::read_to_string(&codebook_path)
        .with_context(|| format!("reading {}", codebook_path.display()))?;
    let file = crate::load::codebook::FILE;
    let cb: Codebook = parse_yaml(&text, file, 0)?;
    let lines: Vec<&str> = text.split_inclusive('\n').collect();

    // The editions so far, and the entries to add.
    let (before, previous_entry): (Vec<String>, Option<String>) = match &cb.editions {
        Some(list) if !list.is_empty() => {
            if flags.previous_edition.is_some() || flags.previous_date.is_some() {
                anyhow::bail!(
                    "--previous-edition/--previous-date: {file} already lists its editions (`editions:`); leave them out"
                );
            }
            if let Some(e) = list.iter().find(|e| e.id.value == id) {
                anyhow::bail!(
                    "{file}:{}: the edition {} exists already (give a new id with --edition; an edition is never overwritten)",
                    e.id.referenced.line(),
                    shown(id)
                );
            }
            if let Some(last) = list.last()
                && let Some(d) = &last.date
                && d.value.0.as_str() >= date.as_str()
            {
                anyhow::bail!(
                    "--date {date}: editions are listed oldest first, and the latest ({}, {file}:{}) is dated {}; give a later date",
                    shown(&last.id.value),
                    d.referenced.line(),
                    d.value.0
                );
            }
            (list.iter().map(|e| e.id.value.clone()).collect(), None)
        }
        _ => {
            let Some(prev) = flags.previous_edition.as_deref().map(str::trim) else {
                anyhow::bail!(
                    "{file} has one edition (no `editions:` section): name the edition its data is with --previous-edition ID --previous-date YYYY-MM-DD [--previous-label TEXT] (e.g. --previous-edition 2025 --previous-date 2025-10-01)"
                );
            };
            check_id("--previous-edition", prev)?;
            if prev == id {
                anyhow::bail!(
                    "--previous-edition {prev}: the same id as --edition (each edition needs its own)"
                );
            }
            let pdate = required_date("--previous-date", flags.previous_date.as_deref(), prev)?;
            if pdate >= date {
                anyhow::bail!(
                    "--date {date}: must be later than --previous-date {pdate} (editions are ordered by date)"
                );
            }
            let plabel = flags.previous_label.clone().unwrap_or_else(|| prev.into());
            let entry = format!(
                "  - id: {}\n    label: {}\n    date: {pdate}\n    data: data   # {}\n",
                y(prev),
                y(&plabel),
                words.data
            );
            (vec![prev.to_string()], Some(entry))
        }
    };
    let target = dir.join("data/editions").join(id);
    if target.exists() {
        anyhow::bail!(
            "{}: exists already (the edition {} would be written there; move it away or give another id)",
            target.display(),
            shown(id)
        );
    }

    // Read the export the way `new --from` does; its region column is the codebook's unless named.
    let old = cb.responses.as_ref();
    let old_region = old.and_then(|r| r.region.as_ref());
    if let (None, Some(r)) = (region_column, old_region)
        && export.is_file()
        && Kind::of(export) != Kind::Sav
    {
        let shown_file = export.display().to_string();
        let source = Source::open(export, &shown_file, Encoding::Auto, sheet)?;
        if !source.headers.iter().any(|h| h == r.column.trim()) {
            let hint = closest(&r.column, source.headers.iter().map(String::as_str))
                .map(|h| format!("did you mean {}? ", shown(h)))
                .unwrap_or_default();
            anyhow::bail!(
                "{shown_file}: no column {} (the codebook's region column, `responses: region: column`): {hint}give the new export's region column with --region-column",
                shown(&r.column)
            );
        }
    }
    let inferred = infer::infer(
        export,
        region_column.or(old_region.map(|r| r.column.as_str())),
        sheet,
    )?;
    let headers: Vec<&str> = inferred
        .columns
        .iter()
        .map(|c| c.stats.header.as_str())
        .collect();
    let mut used: HashSet<&str> = HashSet::new();
    if let Some(d) = &cb.design {
        let columns = [
            ("weight", Some(&d.weight)),
            ("strata", d.strata.as_ref()),
            ("cluster", d.cluster.as_ref()),
            ("fpc", d.fpc.as_ref()),
        ];
        for (what, column) in columns {
            let Some(column) = column else {
                continue;
            };
            let name = column.value.trim();
            if !headers.contains(&name) {
                let hint = closest(name, headers.iter().copied())
                    .map(|h| format!(" (did you mean {}?)", shown(h)))
                    .unwrap_or_default();
                anyhow::bail!(
                    "{}: no column {}{hint}: the project is a weighted sample ({file}:{}: `design: {what}:`), and every edition is read with that design: each edition's export needs the column, under the same name",
                    export.display(),
                    shown(name),
                    column.referenced.line(),
                );
            }
            used.insert(name);
        }
    }
    // The dimension's column, when this export has it under the same name: its groups split
    // this edition's tables as they split the earlier ones'.
    let old_dimension = old.and_then(|r| r.dimension.as_ref());
    let dimension = old_dimension.filter(|d| headers.contains(&d.column.trim()));
    if let Some(d) = dimension {
        used.insert(d.column.trim());
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "read {}: {} rows, {} columns, {}",
        export.display(),
        inferred.rows,
        headers.len(),
        source_words(&inferred)
    );

    // Regions.
    let region_col = inferred.columns.iter().find(|c| c.role == Role::Region);
    let mut region_line =
        String::from("  regions: no region column (every row counts toward the total)");
    if let Some(rc) = region_col {
        used.insert(rc.stats.header.as_str());
        let named: Vec<&Region> = cb.regions.iter().filter(|r| !r.total).collect();
        let values = old_region.map(|r| &r.values);
        let mut unknown = Vec::new();
        let mut seen: HashSet<&str> = HashSet::new();
        for cell in &rc.stats.order {
            let hit = named
                .iter()
                .find(|r| r.title == *cell || r.id == *cell)
                .map(|r| r.id.as_str())
                .or_else(|| values.and_then(|v| v.get(cell)).map(String::as_str));
            match hit {
                Some(r) => {
                    seen.insert(r);
                }
                None => unknown.push(cell.as_str()),
            }
        }
        if !unknown.is_empty() {
            let titles: Vec<&str> = named.iter().map(|r| r.title.as_str()).collect();
            let first = unknown[0];
            let hint = match closest(first, titles.iter().copied()) {
                Some(t) => format!("did you mean {}? ", shown(t)),
                None => String::new(),
            };
            anyhow::bail!(
                "{}: column {}: {} not in {file}'s regions: {} ({hint}the regions are {}; add a new region to `regions:`, or map the text to a region under `responses: region: values:`)",
                export.display(),
                shown(&rc.stats.header),
                plural(unknown.len(), "region is", "regions are"),
                listed(unknown.iter().take(MAX_TEXTS).copied()),
                listed(titles.iter().copied())
            );
        }
        let absent: Vec<&str> = named
            .iter()
            .filter(|r| !seen.contains(r.id.as_str()))
            .map(|r| r.title.as_str())
            .collect();
        region_line = format!(
            "  regions: {} of {} in column {}{}",
            seen.len(),
            named.len(),
            shown(&rc.stats.header),
            if absent.is_empty() {
                String::new()
            } else {
                format!(
                    "; not in this export (not reported in {id}): {}",
                    listed(absent.iter().copied())
                )
            }
        );
    }
    let _ = writeln!(out, "{region_line}");
    match (old_dimension, dimension) {
        (_, Some(d)) => {
            let _ = writeln!(out, "  dimension: column {}", shown(d.column.trim()));
        }
        (Some(d), None) => {
            let _ = writeln!(
                out,
                "  dimension: no column {} in this export: {id}'s tables are not split by it",
                shown(d.column.trim())
            );
        }
        (None, None) => {}
    }
    let mut checks: Vec<String> = Vec::new();
    if inferred.rows_without_region > 0 {
        let mut at: Vec<String> = inferred
            .lines_without_region
            .iter()
            .map(u64::to_string)
            .collect();
        if inferred.rows_without_region > at.len() as u64 {
            at.push("…".into());
        }
        checks.push(format!(
            "{} no region ({}{} {}): the build stops at them until each has one (or delete them from the copy in data/editions/{id}/)",
            plural(inferred.rows_without_region as usize, "row has", "rows have"),
            inferred.place.row_word(),
            if at.len() == 1 { "" } else { "s" },
            at.join(", ")
        ));
    }

    // Questions. A header the codebook names for one question is never another's by title.
    if let Some(r) = old {
        for spec in r.questions.values() {
            let named = spec
                .column
                .iter()
                .chain(spec.columns.iter().flat_map(|c| c.values()));
            used.extend(named.map(String::as_str).filter(|h| headers.contains(h)));
        }
    }
    let mut inserts: Vec<Insert> = Vec::new();
    let mut spec_lines: Vec<String> = Vec::new();
    let mut missing: Vec<String> = Vec::new();
    let mut matched: Vec<String> = Vec::new();
    for q in &cb.questions {
        let qid = q.id.value.as_str();
        let spec = old.and_then(|r| r.questions.get(qid));
        let found = find_column(q, spec, &headers, &used);
        let m = match found {
            None => Match::Missing,
            Some((cols, how)) => {
                let mut notes = Vec::new();
                for c in &cols {
                    used.insert(headers[*c]);
                }
                let spec_text = spec_line(spec, &cols, &headers);
                // Options: every answer text is an option's label or id, or a `values:` key.
                if let (Some(&c), true) = (cols.first(), spec.is_none_or(|s| s.columns.is_none()))
                    && matches!(q.kind.as_str(), "single" | "multiple")
                {
                    let col = &inferred.columns[c];
                    let texts = answer_texts(col, q, spec);
                    let known = |t: &str| {
                        q.options.iter().any(|o| o.label == t || o.id.value == t)
                            || spec.is_some_and(|s| s.values.contains_key(t))
                    };
                    let other_in_cell = spec.is_some_and(|s| s.other_in_cell);
                    let mut new_options = Vec::new();
                    let mut typed = 0;
                    for (t, n) in &texts {
                        if known(t) {
                            continue;
                        }
                        if q.kind == "multiple" && other_in_cell && *n < 2 {
                            typed += 1;
                            continue;
                        }
                        new_options.push(t.as_str());
                    }
                    let chosen: HashSet<&str> = texts
                        .iter()
                        .map(|(t, _)| t.as_str())
                        .flat_map(|t| {
                            q.options
                                .iter()
                                .filter(move |o| o.label == t || o.id.value == t)
                                .map(|o| o.id.value.as_str())
                                .chain(
                                    spec.and_then(|s| s.values.get(t))
                                        .and_then(|v| v.as_deref()),
                                )
                        })
                        .collect();
                    // Options limited to some editions gain this one when it was chosen.
                    for o in &q.options {
                        if let Some(list) = &o.editions
                            && chosen.contains(o.id.value.as_str())
                        {
                            inserts.push(append_to_list(&lines, list, id, file)?);
                        }
                    }
                    let unchosen: Vec<&str> = q
                        .options
                        .iter()
                        .filter(|o| !chosen.contains(o.id.value.as_str()))
                        .map(|o| o.label.as_str())
                        .collect();
                    if !unchosen.is_empty() {
                        checks.push(format!(
                            "{qid}: chosen by no one in {id}: {} (counted as 0; if {id} did not offer {}, give {} `editions:` without {})",
                            listed(unchosen.iter().copied()),
                            if unchosen.len() == 1 { "it" } else { "them" },
                            if unchosen.len() == 1 { "it" } else { "each" },
                            y(id)
                        ));
                    }
                    if typed > 0 {
                        checks.push(format!(
                            "{qid}: {} taken as text typed into その他 (seen once each)",
                            plural(typed, "answer", "answers")
                        ));
                    }
                    if !new_options.is_empty() {
                        let added =
                            new_option_lines(q, &new_options, id, &words.new_in(id), &lines, file)?;
                        for (oid, label) in &added.1 {
                            let hint = closest(
                                label,
                                q.options.iter().map(|o| o.label.as_str()),
                            )
                            .map(|c| {
                                format!(
                                    " (close to {}: if it is the same option, map it under this edition's `responses: questions: {qid}: values:` and remove the new one)",
                                    shown(c)
                                )
                            })
                            .unwrap_or_default();
                            notes.push(format!(
                                "  {qid}: new option {oid} {} added with editions: [{}]{hint}",
                                shown(label),
                                y(id)
                            ));
                        }
                        inserts.push(added.0);
                    }
                }
                Match::Found {
                    spec: spec_text,
                    how,
                    notes,
                }
            }
        };
        match m {
            Match::Found { spec, how, notes } => {
                matched.push(qid.to_string());
                let _ = writeln!(out, "  {qid}: {how}");
                for n in notes {
                    let _ = writeln!(out, "{n}");
                }
                spec_lines.push(format!("        {qid}: {spec}\n"));
                if let Some(list) = &q.editions {
                    inserts.push(append_to_list(&lines, list, id, file)?);
                }
            }
            Match::Missing => {
                let _ = writeln!(
                    out,
                    "  {qid}: not in this export ({}): not reported in {id}",
                    shown(&q.title)
                );
                missing.push(qid.to_string());
                if q.editions.is_none() {
                    inserts.push(editions_line(&lines, &q.id, &before)?);
                }
            }
        }
    }

    // Columns of the export the codebook does not have.
    if let Some(r) = old {
        if let Some(c) = &r.id
            && headers.contains(&c.as_str())
        {
            used.insert(c.as_str());
        }
        for s in r.questions.values() {
            if let Some(o) = &s.other_column
                && headers.contains(&o.as_str())
            {
                used.insert(o.as_str());
            }
        }
    }
    let new_columns: Vec<&str> = inferred
        .columns
        .iter()
        .filter(|c| {
            !used.contains(c.stats.header.as_str())
                && matches!(c.role, Role::Single(_) | Role::Multiple { .. } | Role::Text)
        })
        .map(|c| c.stats.header.as_str())
        .collect();
    if !new_columns.is_empty() {
        let _ = writeln!(
            out,
            "  not in the codebook (not added): {}: to report one, add a question to `questions:` with `editions: [{}]` and its column under the {id} entry's `responses: questions:`",
            listed(new_columns.iter().copied()),
            y(id)
        );
    }

    // The editions entry with its responses section.
    let ext = match Kind::of(export) {
        Kind::Csv => "csv".to_string(),
        _ => Kind::extension(export),
    };
    let responses_file = format!("data/editions/{id}/responses.{ext}");
    let mut entry = format!(
        "  - id: {}\n    label: {}\n    date: {date}\n    responses:\n      file: {responses_file}\n",
        y(id),
        y(&label)
    );
    if let Some(s) = &inferred.sheet {
        let _ = writeln!(entry, "      sheet: {}", y(s));
    }
    if inferred.place == Place::Line && inferred.encoding == Encoding::Cp932 {
        let _ = writeln!(entry, "      encoding: cp932");
    }
    if let Some(r) = old
        && let Some(c) = &r.id
        && headers.contains(&c.as_str())
    {
        let _ = writeln!(entry, "      id: {}", y(c));
    }
    if let Some(rc) = region_col {
        let values = old_region.map(Lookup::values_text).unwrap_or_default();
        let _ = writeln!(
            entry,
            "      region: {{ column: {}{values} }}",
            y(&rc.stats.header)
        );
    }
    if let Some(d) = dimension {
        // Cross-tabbed questions this edition does not have are left out.
        let questions = d
            .questions
            .as_ref()
            .map(|list| {
                let kept: Vec<String> = (list.iter())
                    .filter(|q| matched.contains(q))
                    .map(|q| y(q))
                    .collect();
                format!(", questions: [{}]", kept.join(", "))
            })
            .unwrap_or_default();
        let _ = writeln!(
            entry,
            "      dimension: {{ column: {}{}{questions} }}",
            y(d.column.trim()),
            d.values_text()
        );
    }
    entry.push_str("      questions:\n");
    for s in &spec_lines {
        entry.push_str(s);
    }
    match previous_entry {
        Some(prev) => inserts.push(Insert {
            line: lines.len(),
            col: None,
            text: format!(
                "{}\n# {}\neditions:\n{prev}{entry}",
                if text.ends_with('\n') || text.is_empty() { "" } else { "\n" },
                words.head
            ),
        }),
        None => inserts.push(Insert {
            line: editions_end(&lines).ok_or_else(|| {
                anyhow::anyhow!(
                    "{file}: the `editions:` section is not a block list this command can add to; add the {id} entry by hand"
                )
            })?,
            col: None,
            text: entry,
        }),
    }
    let edited = apply(&lines, inserts);
    // What was written must read back as meant.
    let back: Codebook = parse_yaml(&edited, file, 0).map_err(|e| {
        e.context(format!(
            "{file}: the edited codebook did not read back (its layout is one this command cannot edit); nothing was written"
        ))
    })?;
    let ids: Vec<String> = back
        .editions
        .iter()
        .flatten()
        .map(|e| e.id.value.clone())
        .collect();
    if ids.last().map(String::as_str) != Some(id) {
        anyhow::bail!(
            "{file}: the edited codebook does not end its `editions:` with {} (its layout is one this command cannot edit); nothing was written",
            shown(id)
        );
    }

    // Write: the export's copy, then the codebook, each through a temporary file.
    let bytes = fs::read(export).with_context(|| format!("reading {}", export.display()))?;
    fs::create_dir_all(&target).with_context(|| format!("creating {}", target.display()))?;
    let copy = dir.join(&responses_file);
    let written = write_via_temp(&copy, &bytes).and_then(|()| {
        write_via_temp(&codebook_path, edited.as_bytes()).inspect_err(|_| {
            let _ = fs::remove_file(&copy);
        })
    });
    if let Err(e) = written {
        let _ = fs::remove_dir(&target);
        return Err(e);
    }
    let mut summary = out;
    if !checks.is_empty() {
        let _ = writeln!(summary, "check in {}:", codebook_path.display());
        for c in checks {
            let _ = writeln!(summary, "  - {c}");
        }
    }
    let _ = writeln!(
        summary,
        "added edition {} ({}, {date}) after {}: {} of {} questions, {}; wrote {responses_file} and the {id} entry of {file}",
        id,
        shown(&label),
        before.last().map_or("", String::as_str),
        cb.questions.len() - missing.len(),
        cb.questions.len(),
        if missing.is_empty() {
            "none missing".to_string()
        } else {
            format!("missing {}", missing.join(", "))
        }
    );
    let _ = std::io::stdout().write_all(summary.as_bytes());
    Ok(())
}

fn check_id(flag: &str, id: &str) -> Result<()> {
    if !is_slug(id) {
        anyhow::bail!(
            "{flag} {}: an edition id must be an ASCII slug (a-z, 0-9, single -, e.g. 2026), as earlier editions are published under /<id>/",
            shown(id)
        );
    }
    Ok(())
}

/// `YYYY-MM-DD`, required: editions are ordered by date.
fn required_date(flag: &str, date: Option<&str>, id: &str) -> Result<String> {
    let Some(d) = date.map(str::trim) else {
        anyhow::bail!(
            "{flag}: the date of the edition {} is needed (YYYY-MM-DD, e.g. {flag} 2026-10-01): editions are ordered by date",
            shown(id)
        );
    };
    let b = d.as_bytes();
    let ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && (1..=12).contains(&d[5..7].parse::<u32>().unwrap_or(0))
        && (1..=31).contains(&d[8..10].parse::<u32>().unwrap_or(0));
    if !ok {
        anyhow::bail!("{flag} {}: expected a date as YYYY-MM-DD", shown(d));
    }
    Ok(d.to_string())
}

fn source_words(i: &Inferred) -> String {
    match (&i.place, i.encoding) {
        (Place::Cell { sheet, .. }, _) => format!("sheet {}", shown(sheet)),
        (Place::Case, _) => "SPSS variables".into(),
        (_, Encoding::Cp932) => "encoding CP932 (Shift_JIS)".into(),
        _ => "encoding UTF-8".into(),
    }
}

/// The export's column(s) of a codebook question, and how they were found: the header the
/// codebook's `responses:` names, else a header whose title (without its numbering) is the
/// question's title.
fn find_column(
    q: &Question,
    spec: Option<&Spec>,
    headers: &[&str],
    used: &HashSet<&str>,
) -> Option<(Vec<usize>, String)> {
    let pos = |h: &str| headers.iter().position(|x| *x == h);
    if let Some(columns) = spec.and_then(|s| s.columns.as_ref()) {
        let found: Option<Vec<usize>> = columns.values().map(|h| pos(h)).collect();
        return found.map(|f| {
            let n = f.len();
            (f, format!("{} option columns, same headers", n))
        });
    }
    if let Some(h) = spec.and_then(|s| s.column.as_deref())
        && let Some(i) = pos(h)
    {
        return Some((vec![i], format!("column {}", shown(h))));
    }
    let title = q.title.trim();
    if title.is_empty() {
        return None;
    }
    let i = headers.iter().position(|h| {
        !used.contains(h) && (h.trim() == title || question_title(h).trim() == title)
    })?;
    Some((
        vec![i],
        format!(
            "column {}, matched by the question's title{}",
            shown(headers[i]),
            spec.and_then(|s| s.column.as_deref())
                .map(|h| format!(" (was {})", shown(h)))
                .unwrap_or_default()
        ),
    ))
}

/// The question's line under the new edition's `responses: questions:`: the old one's settings
/// with the new export's column.
fn spec_line(spec: Option<&Spec>, cols: &[usize], headers: &[&str]) -> String {
    let default = Spec::default();
    let s = spec.unwrap_or(&default);
    let mut parts = Vec::new();
    match &s.columns {
        Some(columns) => {
            let v: Vec<String> = columns
                .iter()
                .map(|(k, h)| format!("{k}: {}", y(h)))
                .collect();
            parts.push(format!("columns: {{ {} }}", v.join(", ")));
        }
        None => parts.push(format!("column: {}", y(headers[cols[0]]))),
    }
    if let Some(sep) = &s.separator {
        parts.push(format!("separator: {}", y(sep)));
    }
    if !s.values.is_empty() {
        let v: Vec<String> = s
            .values
            .iter()
            .map(|(k, v)| format!("{}: {}", y(k), v.as_deref().unwrap_or("~")))
            .collect();
        parts.push(format!("values: {{ {} }}", v.join(", ")));
    }
    if let Some(o) = &s.other_column
        && headers.contains(&o.as_str())
    {
        parts.push(format!("other_column: {}", y(o)));
    }
    if s.other_in_cell {
        parts.push("other_in_cell: true".into());
    }
    format!("{{ {} }}", parts.join(", "))
}

/// The answer texts of a choice column and how often each was given (a multiple choice's cells
/// split at its separator), in first-seen order.
fn answer_texts(col: &infer::Column, q: &Question, spec: Option<&Spec>) -> Vec<(String, u64)> {
    let s = &col.stats;
    if q.kind != "multiple" {
        return s.order.iter().map(|v| (v.clone(), s.values[v])).collect();
    }
    let sep = spec
        .and_then(|x| x.separator.as_deref())
        .unwrap_or(", ")
        .to_string();
    match sep.trim() {
        "," => s
            .piece_order
            .iter()
            .map(|v| (v.clone(), s.pieces[v]))
            .collect(),
        // Microsoft Forms' cells, each ending in ";" (`A;B;`): pieces counted as read. Cells
        // joined by ";" without the trailing one are split below.
        ";" if s.semi > 0 && s.semi == s.nonempty => s
            .semi_order
            .iter()
            .map(|v| (v.clone(), s.semi_pieces[v]))
            .collect(),
        _ => {
            let mut out: Vec<(String, u64)> = Vec::new();
            for v in &s.order {
                let sep = if sep.trim().is_empty() {
                    sep.as_str()
                } else {
                    sep.trim()
                };
                for p in v.split(sep).map(str::trim).filter(|p| !p.is_empty()) {
                    match out.iter_mut().find(|x| x.0 == p) {
                        Some(x) => x.1 += s.values[v],
                        None => out.push((p.to_string(), s.values[v])),
                    }
                }
            }
            out
        }
    }
}

/// The line of `id:` (0-based) and the text of that line.
fn line_of<'a>(lines: &[&'a str], at: &Spanned<String>) -> Option<(usize, &'a str)> {
    let n = usize::try_from(at.referenced.line()).ok()?.checked_sub(1)?;
    lines.get(n).map(|l| (n, *l))
}

/// `editions: [...]` for a question this edition does not ask: after `id: q3` in a block
/// mapping (on a line of its own, indented as `id:`), or inside `{ id: q3, … }`.
fn editions_line(lines: &[&str], id: &Spanned<String>, editions: &[String]) -> Result<Insert> {
    let list = editions.iter().map(|e| y(e)).collect::<Vec<_>>().join(", ");
    let (n, line) = line_of(lines, id).ok_or_else(|| cannot_edit(id, "its id line"))?;
    let key = line.find("id:").ok_or_else(|| cannot_edit(id, "`id:`"))?;
    if line[..key].contains('{') {
        return Ok(Insert {
            line: n,
            col: Some(key),
            text: format!("editions: [{list}], "),
        });
    }
    let indent = line[..key].chars().count();
    Ok(Insert {
        line: n + 1,
        col: None,
        text: format!("{}editions: [{list}]\n", " ".repeat(indent)),
    })
}

/// `, "2026"` before the `]` of an `editions: [...]` list written on one line.
fn append_to_list(
    lines: &[&str],
    list: &Spanned<Vec<String>>,
    id: &str,
    file: &str,
) -> Result<Insert> {
    let n = usize::try_from(list.referenced.line())
        .ok()
        .and_then(|n| n.checked_sub(1));
    let found = n.and_then(|n| {
        let line = lines.get(n)?;
        let key = line.find("editions:")?;
        let open = key + line[key..].find('[')?;
        let close = open + line[open..].find(']')?;
        Some((n, close, line[open + 1..close].trim().is_empty()))
    });
    match found {
        Some((n, close, empty)) => Ok(Insert {
            line: n,
            col: Some(close),
            text: if empty { y(id) } else { format!(", {}", y(id)) },
        }),
        None => anyhow::bail!(
            "{file}:{}: an `editions:` list this command can only extend when written on one line as [\"…\", \"…\"]; add {} to it by hand",
            list.referenced.line(),
            y(id)
        ),
    }
}

fn cannot_edit(id: &Spanned<String>, what: &str) -> anyhow::Error {
    anyhow::anyhow!(
        "{}:{}: could not find {what} to add `editions:` to {}; add it by hand",
        crate::load::codebook::FILE,
        id.referenced.line(),
        shown(&id.value)
    )
}

/// New options after the question's last option, each `{ id, label, editions: ["ID"] }`, and
/// their ids and labels.
fn new_option_lines(
    q: &Question,
    labels: &[&str],
    edition: &str,
    new_in: &str,
    lines: &[&str],
    file: &str,
) -> Result<(Insert, Vec<(String, String)>)> {
    let Some(last) = q.options.last() else {
        anyhow::bail!(
            "{file}:{}: {} has no options to add {} after; add them by hand",
            q.id.referenced.line(),
            q.id.value,
            listed(labels.iter().copied())
        );
    };
    let (n, line) = line_of(lines, &last.id).ok_or_else(|| cannot_edit(&last.id, "its options"))?;
    let dash = line
        .find('-')
        .filter(|&d| line[..d].trim().is_empty())
        .ok_or_else(|| cannot_edit(&last.id, "the last option's `- `"))?;
    // The option ends before the next line indented no deeper than its `-` (blank lines and
    // comments after it stay after the new options).
    let mut end = n + 1;
    let mut k = n + 1;
    while k < lines.len() {
        let l = lines[k];
        let t = l.trim();
        let indent = l.len() - l.trim_start().len();
        if !t.is_empty() && !t.starts_with('#') {
            if indent <= dash {
                break;
            }
            end = k + 1;
        }
        k += 1;
    }
    let mut taken: HashSet<String> = q
        .options
        .iter()
        .flat_map(|o| [o.id.value.clone(), o.label.clone()])
        .collect();
    taken.insert("other".into());
    let mut text = String::new();
    let mut added = Vec::new();
    let mut k = 0usize;
    for label in labels {
        let oid = loop {
            let c = if k < 26 {
                ((b'a' + k as u8) as char).to_string()
            } else {
                format!("o{}", k + 1)
            };
            k += 1;
            if !taken.contains(&c) && !labels.contains(&c.as_str()) {
                break c;
            }
        };
        taken.insert(oid.clone());
        let _ = writeln!(
            text,
            "{}- {{ id: {oid}, label: {}, editions: [{}] }}   # {}",
            " ".repeat(dash),
            y(label),
            y(edition),
            new_in
        );
        added.push((oid, label.to_string()));
    }
    Ok((
        Insert {
            line: end,
            col: None,
            text,
        },
        added,
    ))
}

/// The line before which a new entry of the `editions:` block list goes: after its last entry's
/// last line (comments and blank lines after it stay where they are).
fn editions_end(lines: &[&str]) -> Option<usize> {
    let start = lines.iter().position(|l| {
        l.starts_with("editions:")
            && l["editions:".len()..]
                .trim()
                .split('#')
                .next()
                .is_some_and(|r| r.trim().is_empty())
    })?;
    let mut end = start + 1;
    for (k, l) in lines.iter().enumerate().skip(start + 1) {
        let t = l.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if !l.starts_with(' ') && !l.starts_with('-') {
            break;
        }
        end = k + 1;
    }
    Some(end)
}

/// The text with every insertion made (from the last to the first, so positions hold).
fn apply(lines: &[&str], mut inserts: Vec<Insert>) -> String {
    let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    // A file written with CRLF line ends gets CRLF lines.
    if lines.first().is_some_and(|l| l.ends_with("\r\n")) {
        for i in &mut inserts {
            i.text = i.text.replace('\n', "\r\n");
        }
    }
    inserts.sort_by_key(|i| std::cmp::Reverse((i.line, i.col)));
    for i in inserts {
        match i.col {
            Some(c) => {
                if let Some(l) = out.get_mut(i.line) {
                    l.insert_str(c, &i.text);
                }
            }
            None => {
                if i.line > 0
                    && let Some(prev) = out.get_mut(i.line - 1)
                    && !prev.ends_with('\n')
                {
                    prev.push('\n');
                }
                out.insert(i.line.min(out.len()), i.text);
            }
        }
    }
    out.concat()
}

fn write_via_temp(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut tmp = PathBuf::from(path);
    tmp.set_file_name(format!(
        ".{}.surveysite-tmp",
        path.file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
    ));
    fs::write(&tmp, bytes).with_context(|| format!("writing {}", tmp.display()))?;
    fs::rename(&tmp, path).with_context(|| {
        let _ = fs::remove_file(&tmp);
        format!("writing {}", path.display())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codebook(text: &str) -> Codebook {
        parse_yaml(text, "data/codebook.yaml", 0).unwrap()
    }

    #[test]
    fn a_header_named_for_one_question_is_not_another_ones_by_title() {
        let cb = codebook(
            "questions:\n  - { id: q1, title: 満足度, type: single }\n  - { id: q2, title: 満足度, type: single }\nresponses:\n  questions:\n    q1: { column: 旧見出し }\n    q2: { column: \"Q2. 満足度\" }\n",
        );
        let headers = ["Q1. 満足度", "Q2. 満足度"];
        let used: HashSet<&str> = HashSet::from(["Q2. 満足度"]);
        let specs = &cb.responses.as_ref().unwrap().questions;
        let (cols, how) = find_column(&cb.questions[0], specs.get("q1"), &headers, &used).unwrap();
        assert_eq!(cols, [0]);
        assert_eq!(
            how,
            "column \"Q1. 満足度\", matched by the question's title (was \"旧見出し\")"
        );
    }

    #[test]
    fn a_new_entry_goes_after_the_last_one_before_the_comments_that_follow() {
        let text = "editions:\n  - id: \"2025\"\n    date: 2025-10-01\n\n# the map\nmap: {}\n";
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        assert_eq!(editions_end(&lines), Some(3));
        let edited = apply(
            &lines,
            vec![Insert {
                line: 3,
                col: None,
                text: "  - id: \"2026\"\n".into(),
            }],
        );
        assert_eq!(
            edited,
            "editions:\n  - id: \"2025\"\n    date: 2025-10-01\n  - id: \"2026\"\n\n# the map\nmap: {}\n"
        );
        // No block list to add to.
        assert_eq!(editions_end(&["editions: [a]\n"]), None);
    }

    #[test]
    fn dates_are_checked() {
        assert_eq!(
            required_date("--date", Some("2026-10-01"), "2026").unwrap(),
            "2026-10-01"
        );
        for bad in ["2026-13-01", "2026/10/01", "２０２６-10-01", "26-10-01"] {
            assert!(required_date("--date", Some(bad), "2026").is_err(), "{bad}");
        }
    }
}
