//! Writing what was inferred: the codebook with comments to check, report.yaml, starter
//! commentary, and the summary printed for the user.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::infer::{Column, Inferred, Role, listed, option_ids, question_title};
use super::lang::Words;
use super::text::{pad, plural, shown, width, yaml as y};
use super::{GITIGNORE, RESPONSES, workflow};
use crate::load::responses::Encoding;
use crate::load::responses::source::{Kind, Place};
use crate::render::strings::fill;

/// Regions named in the summary's region line at most.
const MAX_REGIONS_SHOWN: usize = 8;

// The starter commentary (lang.rs `draft`): nothing from the export is copied into it (a
// cell or header in an HTML or YAML comment could end the comment, or hold a shortcode).

impl Inferred {
    fn region_header(&self) -> Option<&str> {
        self.columns
            .iter()
            .find(|c| c.role == Role::Region)
            .map(|c| c.stats.header.as_str())
    }

    fn questions(&self) -> impl Iterator<Item = (&Column, &str)> {
        self.columns
            .iter()
            .filter_map(|c| c.question.as_deref().map(|q| (c, q)))
    }

    fn codebook(&self, export: &Path, l: &Words) -> String {
        let mut y_ = String::new();
        let w = &mut y_;
        let name = export
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let _ = writeln!(w, "{}", fill(l.cb_head, &[("file", &shown(&name))]));
        let _ = writeln!(w);
        let _ = writeln!(w, "{}", l.cb_unit);
        let _ = writeln!(w);
        match self.region_header() {
            Some(h) => {
                let _ = writeln!(w, "{}", fill(l.cb_regions, &[("header", &shown(h))]));
            }
            None => {
                let _ = writeln!(w, "{}", l.cb_no_regions);
            }
        }
        for (title, id, n) in &self.regions {
            let _ = writeln!(
                w,
                "  - {{ id: {id}, title: {} }}   # {}",
                y(title),
                l.counted(*n, l.rows_one, l.rows_many)
            );
        }
        let _ = writeln!(
            w,
            "  - {{ id: {}, title: {}, total: true }}   # {}",
            self.total.0,
            y(&self.total.1),
            fill(l.cb_total, &[("rows", &self.rows.to_string())])
        );
        let _ = writeln!(w);
        let _ = writeln!(w, "bases:");
        let _ = writeln!(w, "  all:");
        let _ = writeln!(w, "    title: {}", l.base_all);
        let _ = writeln!(w, "{}", l.cb_bases);
        let _ = writeln!(w);
        let _ = writeln!(w, "questions:");
        for (c, q) in self.questions() {
            let s = &c.stats;
            let col = self
                .columns
                .iter()
                .position(|x| std::ptr::eq(x, c))
                .unwrap_or(0)
                + 1;
            let values = |n: usize| l.counted(n as u64, l.values_one, l.values_many);
            let (kind, what) = match &c.role {
                Role::Single(o) => (
                    "single",
                    fill(l.single_what, &[("values", &values(o.len()))]),
                ),
                Role::Multiple {
                    options, separator, ..
                } => (
                    "multiple",
                    if c.members.is_empty() {
                        fill(
                            l.multiple_what,
                            &[("separator", separator), ("values", &values(options.len()))],
                        )
                    } else {
                        fill(l.set_what, &[("n", &c.members.len().to_string())])
                    },
                ),
                _ => ("text", l.text_what.to_string()),
            };
            let _ = writeln!(
                w,
                "{}",
                fill(
                    l.cb_column,
                    &[
                        ("col", &col.to_string()),
                        ("what", &what),
                        ("answered", &s.nonempty.to_string()),
                        ("rows", &self.rows.to_string()),
                    ]
                )
            );
            let _ = writeln!(w, "  - id: {q}");
            let title = c
                .title
                .as_deref()
                .map_or(question_title(&s.header), question_title);
            let _ = writeln!(w, "    title: {}", y(title));
            let _ = writeln!(w, "{}", l.cb_short);
            let _ = writeln!(w, "    type: {kind}   # single | multiple | text");
            let _ = writeln!(w, "    base: all");
            let options: Vec<(String, u64)> = match &c.role {
                Role::Single(o) => o.clone(),
                Role::Multiple { options, .. } => options.clone(),
                _ => Vec::new(),
            };
            if !options.is_empty() {
                let _ = writeln!(
                    w,
                    "{}",
                    match (&c.codes, c.members.is_empty()) {
                        (Some(_), _) => l.cb_options_coded,
                        (None, false) => l.cb_options_set,
                        _ => l.cb_options,
                    }
                );
            }
            let mut has_other = false;
            let labels: Vec<&str> = options.iter().map(|(l, _)| l.as_str()).collect();
            let ids = option_ids(&labels);
            for ((label, n), id) in options.iter().zip(&ids) {
                let other = label == "その他" || label == l.other;
                has_other |= other;
                let _ = writeln!(
                    w,
                    "      - {{ id: {}, label: {}{} }}   # {n}",
                    id,
                    y(label),
                    if other { ", other: true" } else { "" }
                );
            }
            if let Role::Multiple { others, .. } = &c.role
                && !others.is_empty()
                && !has_other
            {
                let _ = writeln!(
                    w,
                    "      - {{ id: {}, label: {}, other: true }}   # {}",
                    other_id(&labels),
                    y(l.other),
                    l.counted(others.len() as u64, l.typed_one, l.typed_many)
                );
            }
            if kind == "multiple" || !c.notes.is_empty() {
                let _ = writeln!(w, "    notes:");
            }
            if kind == "multiple" {
                let _ = writeln!(w, "      - {}", l.multiple_note);
            }
            for note in &c.notes {
                let _ = writeln!(w, "      - {}", y(note));
            }
        }
        let _ = writeln!(w);
        let _ = writeln!(w, "{}", l.cb_responses);
        let _ = writeln!(w, "responses:");
        let _ = writeln!(
            w,
            "  file: {}",
            fill(
                l.cb_file,
                &[
                    ("file", &self.responses_file(export)),
                    ("export", &shown(&name))
                ]
            )
        );
        if let Some(sheet) = &self.sheet {
            let _ = writeln!(w, "  sheet: {}{}", y(sheet), l.cb_sheet);
        }
        match self.encoding {
            _ if self.place != Place::Line => {}
            Encoding::Cp932 => {
                let _ = writeln!(w, "{}", l.cb_cp932);
            }
            _ => {
                let _ = writeln!(w, "{}", l.cb_encoding);
            }
        }
        if let Some(c) = self.columns.iter().find(|c| c.role == Role::Id) {
            let _ = writeln!(w, "  id: {}{}", y(&c.stats.header), l.cb_id);
        }
        if let Some(h) = self.region_header() {
            match &self.region_codes {
                None => {
                    let _ = writeln!(w, "  region: {{ column: {} }}", y(h));
                }
                Some(codes) => {
                    let _ = writeln!(
                        w,
                        "  region: {{ column: {}, values: {{ {} }} }}",
                        y(h),
                        codes_to_ids(codes, self.regions.iter().map(|r| r.1.as_str()))
                    );
                }
            }
        }
        let _ = writeln!(w, "{}", l.cb_dimension);
        let _ = writeln!(w, "  questions:");
        for (c, q) in self.questions() {
            let h = y(&c.stats.header);
            if !c.members.is_empty() {
                let options = match &c.role {
                    Role::Multiple { options, .. } => options.as_slice(),
                    _ => &[],
                };
                let labels: Vec<&str> = options.iter().map(|(l, _)| l.as_str()).collect();
                let ids = option_ids(&labels);
                let columns: Vec<String> = ids
                    .iter()
                    .zip(&c.members)
                    .map(|(id, m)| format!("{id}: {}", y(m)))
                    .collect();
                let _ = writeln!(w, "    {q}: {{ columns: {{ {} }} }}", columns.join(", "));
                continue;
            }
            if let (Some(codes), Role::Single(options)) = (&c.codes, &c.role) {
                let labels: Vec<&str> = options.iter().map(|(l, _)| l.as_str()).collect();
                let ids = option_ids(&labels);
                let _ = writeln!(
                    w,
                    "    {q}: {{ column: {h}, values: {{ {} }} }}",
                    codes_to_ids(codes, ids.iter().map(String::as_str))
                );
                continue;
            }
            match &c.role {
                Role::Multiple {
                    options,
                    others,
                    separator,
                } => {
                    let other = if !others.is_empty()
                        || options.iter().any(|o| o.0 == "その他" || o.0 == l.other)
                    {
                        ", other_in_cell: true"
                    } else {
                        ""
                    };
                    let _ = writeln!(
                        w,
                        "    {q}: {{ column: {h}, separator: {}{other} }}",
                        y(separator)
                    );
                }
                _ => {
                    let _ = writeln!(w, "    {q}: {{ column: {h} }}");
                }
            }
        }
        let skipped: Vec<String> = self
            .columns
            .iter()
            .filter_map(|c| match c.role {
                Role::Skip(why) => Some(format!("{} ({why})", shown(&c.stats.header))),
                _ => None,
            })
            .collect();
        if !skipped.is_empty() {
            let _ = writeln!(
                w,
                "{}",
                fill(l.cb_left_out, &[("columns", &skipped.join(", "))])
            );
        }
        y_
    }

    fn report(&self, export: &Path, l: &Words) -> String {
        let stem = export
            .file_stem()
            .map_or_else(|| l.untitled.into(), |s| s.to_string_lossy().into_owned());
        fill(l.report, &[("title", &y(&stem))])
    }

    pub(super) fn files(&self, export: &Path, l: &Words) -> Result<Vec<(PathBuf, Vec<u8>)>> {
        let bytes = fs::read(export).with_context(|| format!("reading {}", export.display()))?;
        let mut out = vec![
            (
                PathBuf::from("report.yaml"),
                self.report(export, l).into_bytes(),
            ),
            (
                PathBuf::from("data/codebook.yaml"),
                self.codebook(export, l).into_bytes(),
            ),
            (PathBuf::from(self.responses_file(export)), bytes),
            (PathBuf::from(".gitignore"), GITIGNORE.as_bytes().to_vec()),
        ];
        out.push((PathBuf::from("content/index.md"), l.draft.into()));
        let ids = self.regions.iter().map(|(_, id, _)| id);
        for id in ids.chain([&self.total.0]) {
            out.push((
                PathBuf::from(format!("content/regions/{id}/index.md")),
                l.draft.into(),
            ));
        }
        for (_, q) in self.questions() {
            out.push((
                PathBuf::from(format!("content/questions/{q}/index.md")),
                l.draft.into(),
            ));
        }
        out.push(workflow());
        Ok(out)
    }

    /// What was inferred, and what the user should check. Everything from the export is quoted
    /// and shortened: a cell must not run escape sequences or flood the terminal.
    pub(super) fn summary(&self, export: &Path, dir: &Path, l: &Words) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "read {}: {} rows, {} columns, {}",
            export.display(),
            self.rows,
            self.columns.len(),
            match (&self.place, self.encoding) {
                (Place::Cell { sheet, .. }, _) => format!("sheet {}", shown(sheet)),
                (Place::Case, _) => "SPSS variables".into(),
                (_, Encoding::Cp932) => "encoding CP932 (Shift_JIS)".into(),
                _ => "encoding UTF-8".into(),
            }
        );
        let mut checks = Vec::new();
        let mut lines = Vec::new();
        for (i, c) in self.columns.iter().enumerate() {
            let st = &c.stats;
            let q = c.question.as_deref().unwrap_or("");
            let what = match &c.role {
                Role::Skip(why) => format!("left out: {why}"),
                Role::Region => {
                    let mut named: Vec<String> = self
                        .regions
                        .iter()
                        .take(MAX_REGIONS_SHOWN)
                        .map(|(t, _, n)| format!("{} {n}", shown(t)))
                        .collect();
                    if self.regions.len() > MAX_REGIONS_SHOWN {
                        named.push(format!(
                            "… and {} more",
                            self.regions.len() - MAX_REGIONS_SHOWN
                        ));
                    }
                    format!(
                        "region: {} ({})",
                        plural(self.regions.len(), "region", "regions"),
                        named.join(", ")
                    )
                }
                Role::Id => "respondent id".into(),
                Role::Single(o) => format!(
                    "{q} single choice, {}",
                    plural(o.len(), "option", "options")
                ),
                Role::Multiple {
                    options,
                    others,
                    separator,
                } => format!(
                    "{q} multiple choice ({}), {}{}",
                    if c.members.is_empty() {
                        format!("\"{separator}\"")
                    } else {
                        "multiple-response set".into()
                    },
                    plural(options.len(), "option", "options"),
                    if others.is_empty() {
                        String::new()
                    } else {
                        format!(" + {} (typed answers: {})", l.other, others.len())
                    }
                ),
                Role::Text => format!(
                    "{q} free text, {}",
                    plural(st.nonempty as usize, "answer", "answers")
                ),
            };
            lines.push((i + 1, what, shown(&st.header)));
            match &c.role {
                Role::Multiple { others, .. } if !others.is_empty() => checks.push(format!(
                    "{q}: {} only once and {} taken as text typed into {} ({}); if one is an option, add it to the options",
                    plural(others.len(), "value appears", "values appear"),
                    if others.len() == 1 { "was" } else { "were" },
                    l.other,
                    listed(others.iter().take(3).map(String::as_str))
                )),
                Role::Single(o) if c.codes.is_none() && o.iter().any(|(_, n)| *n == 1) => {
                    let once: Vec<&str> =
                        o.iter().filter(|(_, n)| *n == 1).map(|(v, _)| v.as_str()).collect();
                    checks.push(format!(
                        "{q}: {} only once ({}): a typo, or text typed into {}? (map a value to an option with `values:` under `responses: questions:`)",
                        plural(once.len(), "value appears", "values appear"),
                        listed(once.iter().take(3).copied()),
                        l.other
                    ));
                }
                Role::Skip("personal data") => checks.push(format!(
                    "column {} looks like personal data and was left out: keep it out of the report",
                    shown(&st.header)
                )),
                _ => {}
            }
            // Answers holding a comma in a single choice: an option label with a comma, or a
            // multiple choice with too little evidence to say so.
            if let Role::Single(o) = &c.role
                && st.with_comma > 0
            {
                let with: Vec<&str> = o
                    .iter()
                    .filter(|(v, _)| v.contains(','))
                    .map(|(v, _)| v.as_str())
                    .collect();
                checks.push(format!(
                    "{q}: {} a comma ({}): if the question allowed several answers, make it `type: multiple` with `separator: \", \"` under `responses: questions:`",
                    plural(st.with_comma as usize, "answer holds", "answers hold"),
                    listed(with.iter().take(3).copied())
                ));
            }
            if q.is_empty() {
                continue;
            }
            if st.nonempty * 10 < self.rows * 9 {
                checks.push(format!(
                    "{q}: answered by {} of {} rows: if it was asked only of some respondents, give it a base (see `bases:`)",
                    st.nonempty, self.rows
                ));
            }
        }
        // The header column starts where the widest description ends (CJK counts 2 columns);
        // a description too long for that (many regions) overflows without pushing the others.
        let column = lines
            .iter()
            .map(|(_, what, _)| width(what))
            .filter(|&w| w <= 60)
            .max()
            .unwrap_or(0);
        for (n, what, header) in lines {
            let _ = writeln!(s, "  {n:>3}  {} {header}", pad(&what, column));
        }
        if self.region_header().is_none() {
            checks.push(format!(
                "no region column was found: every row counts toward {} (name it with --region-column)",
                shown(&self.total.1)
            ));
        }
        if self.rows_without_region > 0 {
            let mut lines: Vec<String> = self
                .lines_without_region
                .iter()
                .map(u64::to_string)
                .collect();
            if self.rows_without_region > lines.len() as u64 {
                lines.push("…".into());
            }
            checks.push(format!(
                "{} no region ({}{} {}): the build stops at them until each has one (or delete them from {})",
                plural(self.rows_without_region as usize, "row has", "rows have"),
                self.place.row_word(),
                if lines.len() == 1 { "" } else { "s" },
                lines.join(", "),
                self.responses_file(export)
            ));
        }
        checks.extend(self.checks.iter().cloned());
        let _ = writeln!(s, "check in {}:", dir.join("data/codebook.yaml").display());
        let _ = writeln!(
            s,
            "  - the question titles (the column headers without their numbering), the options' order, the `unit`"
        );
        for c in checks {
            let _ = writeln!(s, "  - {c}");
        }
        s
    }
}

impl Inferred {
    /// The copy of the export inside the project: data/responses.csv, .xlsx or .sav.
    fn responses_file(&self, export: &Path) -> String {
        match Kind::of(export) {
            Kind::Csv => RESPONSES.to_string(),
            _ => format!("data/responses.{}", Kind::extension(export)),
        }
    }
}

/// `"1": a, "2": b`: stored codes and the ids they mean.
fn codes_to_ids<'a>(codes: &[String], ids: impl Iterator<Item = &'a str>) -> String {
    codes
        .iter()
        .zip(ids)
        .map(|(code, id)| format!("{}: {id}", y(code)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The id of the その他 option added for typed answers: `other`, unless an option is labelled so.
fn other_id(labels: &[&str]) -> String {
    std::iter::once("other".to_string())
        .chain((2..).map(|k| format!("other-{k}")))
        .find(|id| !labels.contains(&id.as_str()))
        .unwrap_or_default()
}
