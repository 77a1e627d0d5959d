//! Writing what was inferred: the codebook with comments to check, report.yaml, starter
//! commentary, and the summary printed for the user.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::infer::{Column, Inferred, Role, option_ids};
use super::{GITIGNORE, RESPONSES, workflow};
use crate::load::responses::Encoding;

/// A YAML double-quoted scalar (JSON strings are valid YAML).
fn y(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

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

    fn codebook(&self, export: &Path) -> String {
        let mut y_ = String::new();
        let w = &mut y_;
        let name = export
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let _ = writeln!(
            w,
            "# The survey, inferred by `surveysite new --from` from {}.",
            y(&name)
        );
        let _ = writeln!(
            w,
            "# Check it before publishing: retitle the questions (titles are the column headers),"
        );
        let _ = writeln!(
            w,
            "# put the options in the questionnaire's order, and fix any type that was guessed wrong."
        );
        let _ = writeln!(w, "# Format: docs/data-format.md and docs/from-forms.md.");
        let _ = writeln!(w);
        let _ = writeln!(
            w,
            "unit: 件   # what one respondent is called in counts (「4件」): 人, 病院, 事業所 …"
        );
        let _ = writeln!(w);
        match self.region_header() {
            Some(h) => {
                let _ = writeln!(
                    w,
                    "regions:   # the values of the column {}, in display order",
                    y(h)
                );
            }
            None => {
                let _ = writeln!(
                    w,
                    "regions:   # no region column was found: every row counts toward one region"
                );
            }
        }
        for (title, id, n) in &self.regions {
            let _ = writeln!(w, "  - {{ id: {id}, title: {} }}   # {n} rows", y(title));
        }
        let _ = writeln!(
            w,
            "  - {{ id: all, title: \"全体\", total: true }}   # computed from every row ({})",
            self.rows
        );
        let _ = writeln!(w);
        let _ = writeln!(w, "bases:");
        let _ = writeln!(w, "  all:");
        let _ = writeln!(w, "    title: 全回答者");
        let _ = writeln!(
            w,
            "  # A question asked only of some respondents (a branch of the form) needs its own base,"
        );
        let _ = writeln!(w, "  # and `base: adopted` on that question:");
        let _ = writeln!(w, "  # adopted:");
        let _ = writeln!(w, "  #   title: 導入している回答者");
        let _ = writeln!(w, "  #   from: {{ question: q1, options: [a] }}");
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
            let (kind, what) = match &c.role {
                Role::Single(o) => ("single", format!("single choice, {} values", o.len())),
                Role::Multiple { options, .. } => (
                    "multiple",
                    format!("multiple choice joined by \", \", {} values", options.len()),
                ),
                _ => ("text", "free text".to_string()),
            };
            let _ = writeln!(
                w,
                "  # column {col}: {what}, {} of {} rows answered",
                s.nonempty, self.rows
            );
            let _ = writeln!(w, "  - id: {q}");
            let _ = writeln!(w, "    title: {}", y(&s.header));
            let _ = writeln!(
                w,
                "    # short: 短い見出し   # for navigation and charts (default: the title)"
            );
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
                    "    options:   # most chosen first: reorder as in the questionnaire"
                );
            }
            let mut has_other = false;
            let labels: Vec<&str> = options.iter().map(|(l, _)| l.as_str()).collect();
            let ids = option_ids(&labels);
            for ((label, n), id) in options.iter().zip(&ids) {
                let other = label == "その他";
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
                    "      - {{ id: other, label: \"その他\", other: true }}   # {} typed answers",
                    others.len()
                );
            }
            if kind == "multiple" {
                let _ = writeln!(w, "    notes:");
                let _ = writeln!(
                    w,
                    "      - 複数回答のため、合計は100%を超えることがあります。"
                );
            }
        }
        let _ = writeln!(w);
        let _ = writeln!(
            w,
            "# Where each answer is in the respondent rows (one row per respondent)."
        );
        let _ = writeln!(w, "responses:");
        let _ = writeln!(w, "  file: {RESPONSES}   # a copy of {}", y(&name));
        match self.encoding {
            Encoding::Cp932 => {
                let _ = writeln!(
                    w,
                    "  encoding: cp932   # detected (Excel in Japan); utf-8 if you save it as UTF-8"
                );
            }
            _ => {
                let _ = writeln!(
                    w,
                    "  # encoding: auto   # UTF-8 (with or without BOM) or CP932, detected"
                );
            }
        }
        if let Some(c) = self.columns.iter().find(|c| c.role == Role::Id) {
            let _ = writeln!(
                w,
                "  id: {}   # respondent ids: each must be unique",
                y(&c.stats.header)
            );
        }
        if let Some(h) = self.region_header() {
            let _ = writeln!(w, "  region: {{ column: {} }}", y(h));
        }
        let _ = writeln!(
            w,
            "  # dimension: {{ column: \"…\" }}   # a column splitting respondents into the codebook's `dimension` groups"
        );
        let _ = writeln!(w, "  questions:");
        for (c, q) in self.questions() {
            let h = y(&c.stats.header);
            match &c.role {
                Role::Multiple { options, others } => {
                    let other = if !others.is_empty() || options.iter().any(|o| o.0 == "その他")
                    {
                        ", other_in_cell: true"
                    } else {
                        ""
                    };
                    let _ = writeln!(w, "    {q}: {{ column: {h}, separator: \", \"{other} }}");
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
                Role::Skip(why) => Some(format!("{} ({why})", y(&c.stats.header))),
                _ => None,
            })
            .collect();
        if !skipped.is_empty() {
            let _ = writeln!(w, "  # left out: {}", skipped.join(", "));
        }
        y_
    }

    fn report(&self, export: &Path) -> String {
        let stem = export
            .file_stem()
            .map_or_else(|| "アンケート".into(), |s| s.to_string_lossy().into_owned());
        format!(
            "# The report's settings: see docs/data-format.md.\n\
             title: {}   # the report's title: retitle it\n\
             description: \"\"   # one or two sentences: what the survey asked, and of whom\n\
             source: \"\"   # where the numbers come from (shown in every footer)\n\
             language: ja\n\
             base_url: \"\"   # the published URL; the Pages workflow passes it with --base-url\n\
             settings:\n  \
               interactive_charts: true\n  \
               # Counts under 5 shown as x, free text of regions under 10 respondents withheld:\n  \
               # suppression: {{ threshold: 5, min_respondents_for_text: 10 }}\n",
            y(&stem)
        )
    }

    pub(super) fn files(&self, export: &Path) -> Result<Vec<(PathBuf, Vec<u8>)>> {
        let bytes = fs::read(export).with_context(|| format!("reading {}", export.display()))?;
        let mut out = vec![
            (
                PathBuf::from("report.yaml"),
                self.report(export).into_bytes(),
            ),
            (
                PathBuf::from("data/codebook.yaml"),
                self.codebook(export).into_bytes(),
            ),
            (PathBuf::from(RESPONSES), bytes),
            (PathBuf::from(".gitignore"), GITIGNORE.as_bytes().to_vec()),
        ];
        let draft = |what: &str| {
            format!(
                "---\n# The commentary of {what}. `title` heads it; `summary` is shown beside links to the page.\n---\n\n\
                 <!-- ここに{what}の解説を書きます（Markdown）。この行は表示されません。 -->\n"
            )
        };
        out.push((
            PathBuf::from("content/index.md"),
            draft("the home page（調査の概要）").into_bytes(),
        ));
        let mut regions: Vec<(String, String)> = self
            .regions
            .iter()
            .map(|(t, id, _)| (id.clone(), t.clone()))
            .collect();
        regions.push(("all".into(), "全体".into()));
        for (id, title) in regions {
            out.push((
                PathBuf::from(format!("content/regions/{id}/index.md")),
                draft(&format!("「{title}」のページ")).into_bytes(),
            ));
        }
        for (c, q) in self.questions() {
            out.push((
                PathBuf::from(format!("content/questions/{q}/index.md")),
                draft(&format!("{q}「{}」のページ", c.stats.header)).into_bytes(),
            ));
        }
        out.push(workflow());
        Ok(out)
    }

    /// What was inferred, and what the user should check.
    pub(super) fn summary(&self, export: &Path, dir: &Path) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "read {}: {} rows, {} columns, encoding {}",
            export.display(),
            self.rows,
            self.columns.len(),
            match self.encoding {
                Encoding::Cp932 => "CP932 (Shift_JIS)",
                _ => "UTF-8",
            }
        );
        let mut checks = Vec::new();
        for (i, c) in self.columns.iter().enumerate() {
            let st = &c.stats;
            let q = c.question.as_deref().unwrap_or("");
            let what = match &c.role {
                Role::Skip(why) => format!("left out: {why}"),
                Role::Region => format!(
                    "region: {} regions ({})",
                    self.regions.len(),
                    self.regions
                        .iter()
                        .map(|(t, _, n)| format!("{t} {n}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                Role::Id => "respondent id".into(),
                Role::Single(o) => format!("{q} single choice, {} options", o.len()),
                Role::Multiple { options, others } => format!(
                    "{q} multiple choice (\", \"), {} options{}",
                    options.len(),
                    if others.is_empty() {
                        String::new()
                    } else {
                        format!(" + その他 (typed answers: {})", others.len())
                    }
                ),
                Role::Text => format!("{q} free text, {} answers", st.nonempty),
            };
            let _ = writeln!(s, "  {:>3}  {:<44} {}", i + 1, what, y(&st.header));
            match &c.role {
                Role::Multiple { others, .. } if !others.is_empty() => checks.push(format!(
                    "{q}: {} values appear only once and were taken as text typed into その他 ({}); if one is an option, add it to the options",
                    others.len(),
                    others.iter().take(3).map(|o| y(o)).collect::<Vec<_>>().join(", ")
                )),
                Role::Single(o) if o.iter().any(|(_, n)| *n == 1) => checks.push(format!(
                    "{q}: {} values appear only once: a typo, or text typed into その他? (map a value to an option with `values:` under `responses: questions:`)",
                    o.iter().filter(|(_, n)| *n == 1).count()
                )),
                Role::Skip("personal data") => checks.push(format!(
                    "column {} looks like personal data and was left out: keep it out of the report",
                    y(&st.header)
                )),
                _ => {}
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
        if self
            .columns
            .iter()
            .any(|c| matches!(c.role, Role::Single(_)))
        {
            checks.push(
                "a multiple-choice question in which nobody chose two answers looks like single choice: make it `type: multiple` with `separator: \", \"`".into(),
            );
        }
        if self.region_header().is_none() {
            checks.push(
                "no region column was found: every row counts toward 全体 (name it with --region-column)"
                    .into(),
            );
        }
        if self.rows_without_region > 0 {
            checks.push(format!(
                "{} rows have no region: the build stops at them until they have one",
                self.rows_without_region
            ));
        }
        let _ = writeln!(s, "check in {}:", dir.join("data/codebook.yaml").display());
        let _ = writeln!(
            s,
            "  - the question titles (the column headers), the options' order, the `unit`"
        );
        for c in checks {
            let _ = writeln!(s, "  - {c}");
        }
        s
    }
}
