//! Commentary → HTML: shortcodes expanded (values from the data), markdown rendered, block
//! shortcodes (charts, tables, answers, notes) put in, charts and tables through their
//! templates. Every problem of every file is reported at once.

use std::collections::BTreeMap;

use anyhow::Result;
use serde_json::json;

use super::context::{cell, chart_value};
use super::format::{format_count, question_label};
use super::pages;
use super::shortcodes::{self, Block};
use super::templates::{self, Templates};
use super::{Charts, markdown};
use crate::load::Project;
use crate::model::{Count, Question, QuestionKind, Survey};
use crate::url::Linker;

/// The HTML of every page's commentary, by page path.
pub fn render_all(
    project: &Project,
    charts: &Charts,
    templates: &Templates,
) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    let mut problems = Vec::new();
    for c in project
        .commentary
        .iter()
        .filter(|c| project.drafts || !c.front.draft)
    {
        // An earlier edition's commentary belongs to its page under `<id>/`.
        let prefix = project.edition_prefix();
        let context = shortcodes::page_context(c.page.strip_prefix(&prefix).unwrap_or(&c.page));
        let allow_html = project.config.settings.allow_html;
        match shortcodes::expand_in(
            c,
            &project.survey,
            &project.editions,
            context,
            allow_html,
            super::strings::of(&project.config.language),
        ) {
            Err(e) => problems.push(format!("{e:#}")),
            Ok(expanded) => {
                let linker = Linker::for_edition_page(&c.page, &prefix);
                let mut blocks = Vec::new();
                for (n, placed) in expanded.blocks.iter().enumerate() {
                    match block_html(project, charts, templates, &linker, &placed.block, n) {
                        Ok(h) => blocks.push((placed.offset, h)),
                        Err(e) => problems.push(format!("{}: {e:#}", placed.at)),
                    }
                }
                let (html, unplaced) = markdown::to_html_with_blocks(
                    &expanded.markdown,
                    project.config.settings.allow_html,
                    &blocks,
                );
                for offset in unplaced {
                    // Raw HTML that blank lines do not end (`<pre>`, `<script>` …) swallowed
                    // the block's paragraph.
                    if let Some(placed) = expanded.blocks.iter().find(|b| b.offset == offset) {
                        problems.push(format!(
                            "{}: a block cannot go inside raw HTML: put it after the HTML's end",
                            placed.at
                        ));
                    }
                }
                // Nothing to show (a starter file's comment, a title without text): no
                // section, rather than a heading over nothing.
                let html = if markdown::shows_nothing(&html) {
                    String::new()
                } else {
                    html
                };
                out.insert(c.page.clone(), html);
            }
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        anyhow::bail!("{}", problems.join("\n"))
    }
}

fn block_html(
    project: &Project,
    charts: &Charts,
    templates: &Templates,
    linker: &Linker,
    block: &Block,
    n: usize,
) -> Result<String> {
    let survey = &project.survey;
    Ok(match block {
        Block::Chart { region, question } => {
            let (id, owner) = match region {
                Some(r) => (
                    super::charts::region_question_id(r, question),
                    pages::region_question_path(r, question),
                ),
                None => (
                    super::charts::question_id(question),
                    pages::question_path(question),
                ),
            };
            let instance = format!("{id}-m{n}");
            let table = block_html(
                project,
                charts,
                templates,
                linker,
                &Block::Table {
                    region: region.clone(),
                    question: question.clone(),
                },
                n,
            )?;
            let mut value = chart_value(charts, &id, project.config.settings.interactive_charts);
            if value.is_null() {
                // The page has no chart either: say why, and show the table (with its `x`).
                let why = region
                    .as_deref()
                    .and_then(|r| {
                        no_chart_reason(
                            survey,
                            r,
                            survey.question(question)?,
                            super::strings::of(&project.config.language),
                        )
                    })
                    .ok_or_else(|| match region {
                        Some(r) => anyhow::anyhow!(
                            "there is no chart of question \"{question}\" for region \"{r}\""
                        ),
                        None => anyhow::anyhow!("there is no chart of question \"{question}\""),
                    })?;
                return Ok(format!("<p class=\"muted chart-none\">{why}</p>\n{table}"));
            }
            value["id"] = json!(instance);
            if let Some(spec) = charts.specs.get(&id) {
                value["csv_href"] = json!(linker.href(&format!("{owner}{}", spec.csv_name())));
            }
            // Every chart comes with the table of its numbers.
            let t = super::strings::of(&project.config.language).template_value(&survey.unit);
            let figure =
                templates::render(templates, "chart.html", &json!({ "c": value, "t": t }))?;
            format!("{figure}\n{table}")
        }
        Block::Table { region, question } => {
            let q = survey
                .question(question)
                .ok_or_else(|| anyhow::anyhow!("question \"{question}\" is not in the codebook"))?;
            let regions: Vec<_> = match region {
                Some(r) => survey.region(r).into_iter().collect(),
                None => survey.regions.iter().collect(),
            };
            let columns: Vec<_> = regions
                .iter()
                .map(|r| {
                    json!({
                        "id": r.id, "title": r.title,
                        "href": linker.href(&pages::region_question_path(&r.id, &q.id)),
                        "base": format_count(survey.base_count(&r.id, q)),
                    })
                })
                .collect();
            let rows: Vec<_> = q
                .options
                .iter()
                .map(|o| {
                    json!({
                        "id": o.id, "label": o.label,
                        "cells": regions.iter().map(|r| cell(super::strings::of(&project.config.language), survey, r, q, &o.id)).collect::<Vec<_>>(),
                    })
                })
                .collect();
            let context = json!({
                "question": {
                    "id": q.id, "label": question_label(survey, q), "title": q.title,
                    "is_multiple": q.kind == QuestionKind::Multiple,
                },
                "columns": columns,
                "rows": rows,
                "t": super::strings::of(&project.config.language).template_value(&survey.unit),
            });
            templates::render(templates, "table.html", &context)?
        }
        Block::Answers { region, question } => shortcodes::answers_html(
            survey,
            region,
            question,
            super::strings::of(&project.config.language),
        ),
        Block::Note { text } => format!(
            "<aside class=\"callout\" role=\"note\">{}</aside>",
            markdown::to_html(text, project.config.settings.allow_html)
        ),
    })
}

/// Why a region has no chart of a question (charts need a known base above 0), in the words the
/// reader sees in place of the chart; none when it should have one.
fn no_chart_reason(
    survey: &Survey,
    region: &str,
    q: &Question,
    t: &super::strings::Strings,
) -> Option<String> {
    match survey.base_count(region, q) {
        Count::Suppressed => Some(t.chart_none_withheld.into()),
        Count::NotReported => Some(t.chart_none_base_unknown.into()),
        Count::Value(0) => Some(super::strings::fill(
            t.chart_none_base_zero,
            &[("unit", &survey.unit)],
        )),
        Count::Value(_) => None,
    }
}
