//! Commentary → HTML: shortcodes expanded (values from the data), markdown rendered, block
//! shortcodes (charts, tables, answers, notes) put in, charts and tables through their
//! templates. Every problem of every file is reported at once.

use std::collections::BTreeMap;

use anyhow::Result;
use serde_json::json;

use super::pages::{self, format_count};
use super::shortcodes::{self, Block};
use super::templates::{self, Templates};
use super::{Charts, markdown};
use crate::load::Project;
use crate::model::QuestionKind;
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
        let context = shortcodes::page_context(&c.page);
        match shortcodes::expand(c, &project.survey, context) {
            Err(e) => problems.push(format!("{e:#}")),
            Ok(expanded) => {
                let mut html =
                    markdown::to_html(&expanded.markdown, project.config.settings.allow_html);
                let linker = Linker::for_page(&c.page);
                for (n, block) in expanded.blocks.iter().enumerate() {
                    let block_html = match block_html(project, charts, templates, &linker, block, n)
                    {
                        Ok(h) => h,
                        Err(e) => {
                            problems.push(format!("{}: {e:#}", c.file));
                            continue;
                        }
                    };
                    let marker = format!("<p>{}</p>", shortcodes::placeholder(n));
                    html = html.replacen(&marker, &block_html, 1);
                }
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
            let mut value =
                pages::chart_value(charts, &id, project.config.settings.interactive_charts);
            if value.is_null() {
                anyhow::bail!("no chart for {id}");
            }
            value["id"] = json!(instance);
            if let Some(spec) = charts.specs.get(&id) {
                value["csv_href"] = json!(linker.href(&format!("{owner}{}", spec.csv_name())));
            }
            // Every chart comes with the table of its numbers.
            let figure = templates::render(templates, "chart.html", &json!({ "c": value }))?;
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
            format!("{figure}\n{table}")
        }
        Block::Table { region, question } => {
            let q = survey
                .question(question)
                .ok_or_else(|| anyhow::anyhow!("no question {question}"))?;
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
                        "cells": regions.iter().map(|r| pages::cell(survey, r, q, &o.id)).collect::<Vec<_>>(),
                    })
                })
                .collect();
            let context = json!({
                "question": {
                    "id": q.id, "label": pages::question_label(survey, q), "title": q.title,
                    "is_multiple": q.kind == QuestionKind::Multiple,
                },
                "columns": columns,
                "rows": rows,
            });
            templates::render(templates, "table.html", &context)?
        }
        Block::Answers { region, question } => shortcodes::answers_html(survey, region, question),
        Block::Note { text } => format!(
            "<aside class=\"callout\" role=\"note\">{}</aside>",
            markdown::to_html(text, project.config.settings.allow_html)
        ),
    })
}
