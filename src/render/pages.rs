//! The page list: which pages the site has, and what each shows (the template context).
//! Numbers are formatted here, once, so every template shows them the same way.

use serde_json::{Value, json};

use crate::load::Project;
use crate::load::content::Commentary;
use crate::model::{Count, Question, QuestionKind, Region, Survey, percent, share};
use crate::render::charts::{crosstab_id, question_id, region_question_id};
use std::collections::BTreeMap;

use crate::render::Charts;
use crate::url::{Linker, absolute};

/// The shown form of a value the source does not give.
pub const NOT_REPORTED: &str = "…";

/// The whole report's numbers, linked from the home page.
pub const DATA_CSV: &str = "data.csv";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Home,
    Region,
    Question,
    RegionQuestion,
    NotFound,
}

impl Kind {
    pub fn template(self) -> &'static str {
        match self {
            Kind::Home => "index.html",
            Kind::Region => "region.html",
            Kind::Question => "question.html",
            Kind::RegionQuestion => "region_question.html",
            Kind::NotFound => "404.html",
        }
    }
}

/// One page to render: where it goes and what its template sees.
pub struct Page {
    /// Site path of the page ("" home, "regions/x/"); the 404 page is "404.html".
    pub path: String,
    pub kind: Kind,
    pub region: Option<String>,
    pub question: Option<String>,
    pub linker: Linker,
}

impl Page {
    /// The file the page is written to.
    pub fn output_file(&self) -> String {
        if self.kind == Kind::NotFound {
            self.path.clone()
        } else {
            format!("{}index.html", self.path)
        }
    }
}

pub fn region_path(region: &str) -> String {
    format!("regions/{region}/")
}

pub fn question_path(question: &str) -> String {
    format!("questions/{question}/")
}

pub fn region_question_path(region: &str, question: &str) -> String {
    format!("regions/{region}/{question}/")
}

/// Every page of the site, in a stable order.
pub fn list(project: &Project) -> Vec<Page> {
    let survey = &project.survey;
    let page = |path: String, kind, region: Option<&str>, question: Option<&str>| Page {
        linker: Linker::for_page(&path),
        path,
        kind,
        region: region.map(str::to_string),
        question: question.map(str::to_string),
    };
    let mut pages = vec![page(String::new(), Kind::Home, None, None)];
    for r in &survey.regions {
        pages.push(page(region_path(&r.id), Kind::Region, Some(&r.id), None));
        for q in &survey.questions {
            pages.push(page(
                region_question_path(&r.id, &q.id),
                Kind::RegionQuestion,
                Some(&r.id),
                Some(&q.id),
            ));
        }
    }
    for q in &survey.questions {
        pages.push(page(
            question_path(&q.id),
            Kind::Question,
            None,
            Some(&q.id),
        ));
    }
    pages.push(Page {
        path: "404.html".into(),
        kind: Kind::NotFound,
        region: None,
        question: None,
        linker: Linker::rooted(&project.config.base_url),
    });
    pages
}

/// "Q1", "Q2" …: how a question is named in headings and links.
pub fn question_label(survey: &Survey, question: &Question) -> String {
    let n = survey
        .questions
        .iter()
        .position(|q| q.id == question.id)
        .unwrap_or(0)
        + 1;
    format!("Q{n}")
}

pub fn format_count(count: Count) -> String {
    match count {
        Count::Value(v) => v.to_string(),
        Count::NotReported => NOT_REPORTED.into(),
        Count::Suppressed => crate::model::SUPPRESSED.into(),
    }
}

fn commentary_for<'a>(project: &'a Project, path: &str) -> Option<&'a Commentary> {
    project
        .commentary
        .iter()
        .find(|c| c.page == path && (project.drafts || !c.front.draft))
}

fn commentary_value(project: &Project, path: &str, html: &BTreeMap<String, String>) -> Value {
    match (commentary_for(project, path), html.get(path)) {
        (Some(c), Some(html)) => json!({
            "title": c.front.title,
            "summary": c.front.summary,
            "html": html,
            "file": c.file,
        }),
        _ => Value::Null,
    }
}

fn summary(project: &Project, path: &str) -> Value {
    commentary_for(project, path)
        .and_then(|c| c.front.summary.clone())
        .map_or(Value::Null, Value::String)
}

/// Regions and questions are listed in codebook order unless front matter gives an `order`.
fn ordered<'a, T>(project: &Project, items: &'a [T], path: impl Fn(&T) -> String) -> Vec<&'a T> {
    let mut v: Vec<(i64, usize, &T)> = items
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let order = commentary_for(project, &path(t))
                .and_then(|c| c.front.order)
                .unwrap_or(i64::MAX);
            (order, i, t)
        })
        .collect();
    v.sort_by_key(|(o, i, _)| (*o, *i));
    v.into_iter().map(|(_, _, t)| t).collect()
}

/// The template context of one page.
pub fn context(
    project: &Project,
    page: &Page,
    charts: &Charts,
    commentary: &BTreeMap<String, String>,
) -> Value {
    let survey = &project.survey;
    let config = &project.config;
    let l = &page.linker;
    let region = page.region.as_deref().and_then(|id| survey.region(id));
    let question = page.question.as_deref().and_then(|id| survey.question(id));

    let regions: Vec<Value> = ordered(project, &survey.regions, |r| region_path(&r.id))
        .into_iter()
        .map(|r| {
            json!({
                "id": r.id, "title": r.title, "description": r.description, "total": r.total,
                "href": l.href(&region_path(&r.id)),
                "current": region.is_some_and(|x| x.id == r.id),
                "respondents": format_count(survey.respondents(&r.id)),
                "summary": summary(project, &region_path(&r.id)),
            })
        })
        .collect();
    let questions: Vec<Value> = ordered(project, &survey.questions, |q| question_path(&q.id))
        .into_iter()
        .map(|q| {
            json!({
                "id": q.id, "label": question_label(survey, q), "title": q.title, "short": q.short,
                "kind": q.kind.label(),
                "base_title": survey.base(&q.base).map(|b| b.title.clone()),
                "href": l.href(&question_path(&q.id)),
                "current": question.is_some_and(|x| x.id == q.id),
                "summary": summary(project, &question_path(&q.id)),
            })
        })
        .collect();

    let (heading, title) = match (page.kind, region, question) {
        (Kind::Home, _, _) => (config.title.clone(), config.title.clone()),
        (Kind::Region, Some(r), _) => (r.title.clone(), format!("{} | {}", r.title, config.title)),
        (Kind::Question, _, Some(q)) => {
            let label = question_label(survey, q);
            (
                format!("{label} {}", q.title),
                format!("{label} {} | {}", q.title, config.title),
            )
        }
        (Kind::RegionQuestion, Some(r), Some(q)) => {
            let label = question_label(survey, q);
            (
                format!("{label} {}", q.title),
                format!("{label} {}（{}） | {}", q.title, r.title, config.title),
            )
        }
        _ => (
            "ページが見つかりません".into(),
            format!("ページが見つかりません | {}", config.title),
        ),
    };
    let description = commentary_for(project, &page.path)
        .and_then(|c| {
            c.front
                .description
                .clone()
                .or_else(|| c.front.summary.clone())
        })
        .unwrap_or_else(|| config.description.clone());

    let mut breadcrumbs = vec![json!({"title": "ホーム", "href": l.href("")})];
    if let (Some(r), Kind::RegionQuestion) = (region, page.kind) {
        breadcrumbs.push(json!({"title": r.title, "href": l.href(&region_path(&r.id))}));
    }

    let mut ctx = json!({
        "lang": config.language,
        "site": {
            "title": config.title,
            "description": config.description,
            "source": config.source,
            "interactive_charts": config.settings.interactive_charts,
            "suppression": config.settings.suppression.is_some(),
            "unit": survey.unit,
        },
        "page": {
            "kind": format!("{:?}", page.kind).to_lowercase(),
            "path": page.path,
            "heading": heading,
            "title": title,
            "description": description,
            "canonical": if page.kind == Kind::NotFound { None } else { absolute(&config.base_url, &page.path) },
        },
        "root": l.root(),
        "home_href": l.href(""),
        "css_href": l.href("assets/style.css"),
        "regions": regions,
        "questions": questions,
        "breadcrumbs": breadcrumbs,
        "commentary": commentary_value(project, &page.path, commentary),
        "dimension": survey.dimension.as_ref().map(|d| json!({"id": d.id, "title": d.title})),
        "data_csv_href": l.href(DATA_CSV),
        "charts_js": config.settings.interactive_charts.then(|| json!({
            "echarts": l.href("assets/echarts.min.js"),
            "script": l.href("assets/charts.js"),
        })),
    });
    let ids = chart_ids(page);
    let chart = |i: usize| {
        ids.get(i).map_or(Value::Null, |id| {
            chart_value(charts, id, config.settings.interactive_charts)
        })
    };
    if let Value::Object(ctx) = &mut ctx {
        match page.kind {
            Kind::RegionQuestion => {
                ctx.insert("chart".into(), chart(0));
                ctx.insert("crosstab_chart".into(), chart(1));
            }
            Kind::Question => {
                ctx.insert("chart".into(), chart(0));
            }
            _ => {}
        }
    }
    let extra = match (page.kind, region, question) {
        (Kind::Home, _, _) => home(survey),
        (Kind::Region, Some(r), _) => region_page(survey, r, l),
        (Kind::Question, _, Some(q)) => question_page(survey, q, l),
        (Kind::RegionQuestion, Some(r), Some(q)) => region_question_page(survey, r, q, l),
        _ => json!({}),
    };
    if let (Value::Object(ctx), Value::Object(extra)) = (&mut ctx, extra) {
        ctx.extend(extra);
    }
    ctx
}

fn home(survey: &Survey) -> Value {
    // Respondents per region, split by the dimension where the data has it.
    let groups = survey.dimension.as_ref().map(|d| {
        d.groups
            .iter()
            .map(|g| {
                json!({
                    "label": g.label,
                    "cells": survey.regions.iter().map(|r| {
                        let n = survey.group_respondents(&r.id, &g.id);
                        json!({"count": format_count(n), "not_reported": n == Count::NotReported, "suppressed": n == Count::Suppressed,
                               "percent": percent(n, survey.respondents(&r.id))})
                    }).collect::<Vec<_>>(),
                })
            })
            .collect::<Vec<_>>()
    });
    json!({ "respondent_groups": groups })
}

pub fn base_title(survey: &Survey, q: &Question) -> String {
    survey
        .base(&q.base)
        .map(|b| b.title.clone())
        .unwrap_or_default()
}

/// One option's figures in one region (also the cells of the `table(…)` shortcode).
pub fn cell(survey: &Survey, region: &Region, q: &Question, option: &str) -> Value {
    let count = survey.count(&region.id, &q.id, option);
    let base = survey.base_count(&region.id, q);
    json!({
        "count": format_count(count),
        "percent": percent(count, base),
        "share": share(count, base),
        "not_reported": count == Count::NotReported,
        "suppressed": count == Count::Suppressed,
    })
}

fn region_page(survey: &Survey, region: &Region, l: &Linker) -> Value {
    let rows: Vec<Value> = survey
        .questions
        .iter()
        .map(|q| {
            let base = survey.base_count(&region.id, q);
            let key = match q.kind {
                QuestionKind::Text => Value::Null,
                _ => key_figure(survey, region, q),
            };
            let answers = survey
                .answers_for(&region.id, &q.id)
                .filter(|a| a.option.is_none())
                .count();
            json!({
                "label": question_label(survey, q), "title": q.title, "short": q.short,
                "kind": q.kind.label(), "is_text": q.kind == QuestionKind::Text,
                "href": l.href(&region_question_path(&region.id, &q.id)),
                "base": format_count(base), "base_title": base_title(survey, q),
                "key": key,
                "answers": answers,
                "answers_withheld": survey.answers_withheld(&region.id, &q.id),
                "has_note": survey.notes_for(&region.id, &q.id).next().is_some(),
            })
        })
        .collect();
    json!({
        "region": {"id": region.id, "title": region.title, "description": region.description,
                   "respondents": format_count(survey.respondents(&region.id)), "total": region.total},
        "rows": rows,
    })
}

/// The figure that stands for a choice question on a region page: the codebook's key option,
/// or else the most chosen reported option.
fn key_figure(survey: &Survey, region: &Region, q: &Question) -> Value {
    let option = match &q.key_option {
        Some(_) => q.key_option(),
        None => q
            .options
            .iter()
            .filter_map(|o| {
                survey
                    .count(&region.id, &q.id, &o.id)
                    .value()
                    .map(|c| (c, o))
            })
            .fold(
                None,
                |best: Option<(u64, &crate::model::ChoiceOption)>, (c, o)| match best {
                    Some((bc, _)) if bc >= c => best,
                    _ => Some((c, o)),
                },
            )
            .map(|(_, o)| o),
    };
    match option {
        None => {
            json!({"label": null, "count": NOT_REPORTED, "percent": null, "not_reported": true, "most": false})
        }
        Some(o) => {
            let mut v = cell(survey, region, q, &o.id);
            v["label"] = json!(o.label);
            v["most"] = json!(q.key_option.is_none());
            // "Most chosen" is only sure when every option is reported.
            v["most_of_reported"] = json!(
                q.key_option.is_none()
                    && q.options
                        .iter()
                        .any(|o| survey.count(&region.id, &q.id, &o.id).value().is_none())
            );
            v
        }
    }
}

fn notes(survey: &Survey, region: Option<&Region>, q: &Question) -> Vec<String> {
    let mut notes: Vec<String> = q.notes.clone();
    match region {
        Some(r) => notes.extend(survey.notes_for(&r.id, &q.id).map(|n| n.text.clone())),
        None => {
            for r in &survey.regions {
                notes.extend(
                    survey
                        .notes_for(&r.id, &q.id)
                        // A note that already names its region needs no prefix.
                        .map(|n| match n.text.starts_with(&r.title) {
                            true => n.text.clone(),
                            false => format!("{}: {}", r.title, n.text),
                        }),
                );
            }
        }
    }
    notes
}

fn question_value(survey: &Survey, q: &Question) -> Value {
    json!({
        "id": q.id, "label": question_label(survey, q), "title": q.title, "short": q.short,
        "kind": q.kind.label(),
        "is_text": q.kind == QuestionKind::Text,
        "is_multiple": q.kind == QuestionKind::Multiple,
        "base_title": base_title(survey, q),
    })
}

fn question_page(survey: &Survey, q: &Question, l: &Linker) -> Value {
    let columns: Vec<Value> = survey
        .regions
        .iter()
        .map(|r| {
            json!({
                "id": r.id, "title": r.title,
                "href": l.href(&region_question_path(&r.id, &q.id)),
                "base": format_count(survey.base_count(&r.id, q)),
            })
        })
        .collect();
    let rows: Vec<Value> = q
        .options
        .iter()
        .map(|o| {
            json!({
                "id": o.id, "label": o.label,
                "cells": survey.regions.iter().map(|r| cell(survey, r, q, &o.id)).collect::<Vec<_>>(),
            })
        })
        .collect();
    let answers: Vec<Value> = survey
        .regions
        .iter()
        .map(|r| {
            json!({
                "region": r.title,
                "href": l.href(&region_question_path(&r.id, &q.id)),
                "answers": answers(survey, r, q),
                "answers_withheld": survey.answers_withheld(&r.id, &q.id),
            })
        })
        .collect();
    json!({
        "question": question_value(survey, q),
        "columns": columns,
        "rows": rows,
        "answer_groups": answers,
        "notes": notes(survey, None, q),
    })
}

/// Free-text answers of a region × question: the question's own, then those typed into その他.
fn answers(survey: &Survey, region: &Region, q: &Question) -> Vec<Value> {
    survey
        .answers_for(&region.id, &q.id)
        .map(|a| {
            json!({
                "text": a.text,
                "option": a.option.as_deref().and_then(|o| q.option(o)).map(|o| o.label.clone()),
            })
        })
        .collect()
}

fn region_question_page(survey: &Survey, region: &Region, q: &Question, l: &Linker) -> Value {
    let base = survey.base_count(&region.id, q);
    let rows: Vec<Value> = q
        .options
        .iter()
        .map(|o| {
            let mut v = cell(survey, region, q, &o.id);
            v["label"] = json!(o.label);
            v["id"] = json!(o.id);
            v
        })
        .collect();
    // The number who chose any reported option of a single-choice question.
    let answered: Option<u64> = match q.kind {
        QuestionKind::Single => q
            .options
            .iter()
            .map(|o| survey.count(&region.id, &q.id, &o.id).value())
            .sum::<Option<u64>>(),
        _ => None,
    };

    let position = survey
        .questions
        .iter()
        .position(|x| x.id == q.id)
        .unwrap_or(0);
    let link = |q: &Question| {
        json!({"label": question_label(survey, q), "title": q.title, "short": q.short,
               "href": l.href(&region_question_path(&region.id, &q.id))})
    };
    let prev = position.checked_sub(1).map(|i| link(&survey.questions[i]));
    let next = survey.questions.get(position + 1).map(link);
    let other_regions: Vec<Value> = survey
        .regions
        .iter()
        .filter(|r| r.id != region.id)
        .map(|r| json!({"title": r.title, "href": l.href(&region_question_path(&r.id, &q.id))}))
        .collect();

    json!({
        "region": {"id": region.id, "title": region.title, "description": region.description,
                   "href": l.href(&region_path(&region.id)),
                   "respondents": format_count(survey.respondents(&region.id))},
        "question": question_value(survey, q),
        "question_href": l.href(&question_path(&q.id)),
        "base": format_count(base),
        "answered": answered.map(|n| n.to_string()),
        "rows": rows,
        "crosstab": crosstab(survey, region, q),
        "answers": answers(survey, region, q),
        "answers_withheld": survey.answers_withheld(&region.id, &q.id),
        "notes": notes(survey, Some(region), q),
        "prev": prev,
        "next": next,
        "other_regions": other_regions,
    })
}

/// The question split by the dimension: group size, then count and % of each option present.
fn crosstab(survey: &Survey, region: &Region, q: &Question) -> Value {
    let Some(d) = &survey.dimension else {
        return Value::Null;
    };
    let options = survey.crosstab_options(q);
    if options.is_empty() {
        return Value::Null;
    }
    let mut rows = Vec::new();
    for g in &d.groups {
        let n = survey.group_respondents(&region.id, &g.id);
        let cells: Vec<Value> = options
            .iter()
            .map(|o| {
                let c = survey.crosstab_count(&region.id, &q.id, &g.id, &o.id);
                json!({"count": format_count(c), "percent": percent(c, n), "not_reported": c == Count::NotReported, "suppressed": c == Count::Suppressed})
            })
            .collect();
        rows.push(json!({"label": g.label, "n": format_count(n), "cells": cells}));
    }
    let n = survey.respondents(&region.id);
    // The 計 row is the question's own count of the option (loading checks the groups add up).
    let total_cells: Vec<Value> = options
        .iter()
        .map(|o| {
            let c = survey.count(&region.id, &q.id, &o.id);
            json!({"count": format_count(c), "percent": percent(c, n), "not_reported": c == Count::NotReported, "suppressed": c == Count::Suppressed})
        })
        .collect();
    json!({
        "title": d.title,
        "columns": options.iter().map(|o| o.label.clone()).collect::<Vec<_>>(),
        "rows": rows,
        "total": {"label": "計", "n": format_count(n), "cells": total_cells},
    })
}

/// The charts a page shows, main chart first (ids that have no chart are skipped by callers).
pub fn chart_ids(page: &Page) -> Vec<String> {
    match (page.kind, &page.region, &page.question) {
        (Kind::RegionQuestion, Some(r), Some(q)) => {
            vec![region_question_id(r, q), crosstab_id(r, q)]
        }
        (Kind::Question, _, Some(q)) => vec![question_id(q)],
        _ => Vec::new(),
    }
}

pub fn chart_value(charts: &Charts, id: &str, interactive: bool) -> Value {
    let (Some(spec), Some(svg)) = (charts.specs.get(id), charts.svgs.get(id)) else {
        return Value::Null;
    };
    json!({
        "id": spec.id,
        "svg": svg,
        "caption": spec.caption,
        "aria": spec.aria,
        "csv_href": spec.csv_name(),
        "omitted": spec.omitted,
        "width": spec.width,
        "height": spec.height,
        // Inside <script type="application/json">: no "</script>" can end it early.
        "option_json": interactive.then(|| spec.option_json().replace('<', "\\u003c")),
    })
}

/// Every number of the report, one row per region × question × option.
pub fn all_data_rows(survey: &Survey) -> Vec<Vec<String>> {
    let mut rows = vec![
        [
            "地域",
            "設問番号",
            "設問",
            "種類",
            "選択肢",
            "件数",
            "割合(%)",
            "対象",
            "対象(n)",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for r in &survey.regions {
        for q in survey.questions.iter().filter(|q| q.kind.is_choice()) {
            let base = survey.base_count(&r.id, q);
            for o in &q.options {
                let c = survey.count(&r.id, &q.id, &o.id);
                rows.push(vec![
                    r.title.clone(),
                    question_label(survey, q),
                    q.title.clone(),
                    q.kind.label().into(),
                    o.label.clone(),
                    format_count(c),
                    percent(c, base)
                        .map(|p| p.trim_end_matches('%').to_string())
                        .unwrap_or_default(),
                    base_title(survey, q),
                    format_count(base),
                ]);
            }
        }
    }
    rows
}
