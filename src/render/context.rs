//! What each page shows: the template context of every kind of page.
//!
//! The work is linear in the size of the report: what many pages look up (the ordered region and
//! question lists, free-text answers by region × question, commentary by page) is indexed once in
//! `Index`, and no page carries a list of every region except those whose subject is every
//! region (home, the regions index and the question pages).

use std::collections::{BTreeMap, HashMap};

use serde_json::{Value, json};

use super::Charts;
use super::format::{NOT_REPORTED, base_title, format_count, question_label};
use super::pages::{
    DATA_CSV, Kind, Page, QUESTIONS_PATH, REGIONS_PATH, chart_ids, question_path, region_path,
    region_question_path,
};
use super::strings::{Strings, fill};
use crate::load::Project;
use crate::load::content::Commentary;
use crate::model::{
    Answer, ChoiceOption, Count, Estimates, Question, QuestionKind, Region, Survey, interval_of,
    percent, percent_of, share,
};
use crate::url::{Linker, absolute};

/// Up to this many regions, a question's table has a column per region (options down the side);
/// beyond it, a row per region (options across), which a reader can sort.
pub const REGION_COLUMNS_MAX: usize = 8;

/// Up to this many regions, the home page shows a card per region and the respondents table.
pub const HOME_REGION_CARDS_MAX: usize = 12;

/// A question page lists the free-text answers of every region up to this many answers in all;
/// beyond it, each region's count with a link to its page.
pub const QUESTION_ANSWERS_INLINE_MAX: usize = 300;

/// What many pages look up, computed once per render.
pub struct Index<'a> {
    project: &'a Project,
    /// The interface's words (report.yaml's `language`), and as the templates' `t`.
    t: &'static Strings,
    t_value: Value,
    /// `t_value` as the templates read it, made once: every page shares it (hundreds of words,
    /// which a page would otherwise copy and convert again).
    t_template: tera::Value,
    /// Regions and questions in reading order (front matter `order`, then codebook order).
    regions: Vec<&'a Region>,
    questions: Vec<&'a Question>,
    /// A region's place in `regions`.
    region_position: HashMap<&'a str, usize>,
    answers: HashMap<&'a str, HashMap<&'a str, Vec<&'a Answer>>>,
    commentary: HashMap<&'a str, &'a Commentary>,
    /// The options each question has in the cross-tab data (none: no cross-tab).
    crosstab_options: HashMap<&'a str, Vec<&'a ChoiceOption>>,
}

impl<'a> Index<'a> {
    pub fn new(project: &'a Project) -> Index<'a> {
        let mut commentary = HashMap::new();
        for c in project
            .commentary
            .iter()
            .filter(|c| project.drafts || !c.front.draft)
        {
            commentary.entry(c.page.as_str()).or_insert(c);
        }
        let mut index = Index {
            project,
            t: super::strings::of(&project.config.language),
            t_value: super::strings::of(&project.config.language)
                .template_value(&project.survey.unit),
            t_template: tera::Value::none(),
            regions: Vec::new(),
            questions: Vec::new(),
            region_position: HashMap::new(),
            answers: HashMap::new(),
            commentary,
            crosstab_options: HashMap::new(),
        };
        let survey = &project.survey;
        if matches!(survey.estimates(), Estimates::Tables) {
            // The office's `—` is an interval it did not give, not one that cannot be computed.
            index.t_value["ci_none_title"] = json!(index.t.ci_not_given_title);
        }
        index.t_template = tera::Value::from_serializable(&index.t_value);
        index.regions = index.ordered(&survey.regions, |r| region_path(&r.id));
        index.questions = index.ordered(&survey.questions, |q| question_path(&q.id));
        index.region_position = index
            .regions
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.as_str(), i))
            .collect();
        // One pass over the cross-tab cells (asking per question and page would be quadratic).
        let mut in_crosstab: HashMap<&str, std::collections::HashSet<&str>> = HashMap::new();
        for (_, q, _, o) in survey.data.crosstab.keys() {
            in_crosstab
                .entry(q.as_str())
                .or_default()
                .insert(o.as_str());
        }
        for q in &survey.questions {
            let options: Vec<&ChoiceOption> = match in_crosstab.get(q.id.as_str()) {
                Some(set) => q
                    .options
                    .iter()
                    .filter(|o| set.contains(o.id.as_str()))
                    .collect(),
                None => Vec::new(),
            };
            index.crosstab_options.insert(q.id.as_str(), options);
        }
        for a in &survey.data.answers {
            index
                .answers
                .entry(a.region.as_str())
                .or_default()
                .entry(a.question.as_str())
                .or_default()
                .push(a);
        }
        index
    }

    fn commentary(&self, path: &str) -> Option<&'a Commentary> {
        self.commentary.get(path).copied()
    }

    fn summary(&self, path: &str) -> Value {
        self.commentary(path)
            .and_then(|c| c.front.summary.clone())
            .map_or(Value::Null, Value::String)
    }

    /// Listed in codebook order unless front matter gives an `order`.
    fn ordered<T>(&self, items: &'a [T], path: impl Fn(&T) -> String) -> Vec<&'a T> {
        let mut v: Vec<(i64, usize, &T)> = items
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let order = self
                    .commentary(&path(t))
                    .and_then(|c| c.front.order)
                    .unwrap_or(i64::MAX);
                (order, i, t)
            })
            .collect();
        v.sort_by_key(|(o, i, _)| (*o, *i));
        v.into_iter().map(|(_, _, t)| t).collect()
    }

    /// The free-text answers of a region × question: the question's own and those typed into
    /// an option (その他), in the data's order.
    fn answers(&self, region: &str, question: &str) -> &[&'a Answer] {
        self.answers
            .get(region)
            .and_then(|by_question| by_question.get(question))
            .map_or(&[], Vec::as_slice)
    }
}

/// The template context of one page.
pub fn context(
    index: &Index,
    page: &Page,
    charts: &Charts,
    commentary: &BTreeMap<String, String>,
) -> anyhow::Result<tera::Context> {
    let project = index.project;
    let survey = &project.survey;
    let config = &project.config;
    let t = index.t;
    let l = &page.linker;
    let region = page.region.as_deref().and_then(|id| survey.region(id));
    let question = page.question.as_deref().and_then(|id| survey.question(id));

    // The sidebar: every question (a report has tens of questions, not hundreds).
    let questions: Vec<Value> = index
        .questions
        .iter()
        .map(|q| {
            json!({
                "id": q.id, "label": question_label(survey, q), "title": q.title, "short": q.short,
                "kind": t.kind(q.kind),
                "base_title": survey.base(&q.base).map(|b| b.title.clone()),
                "href": l.href(&question_path(&q.id)),
                "current": question.is_some_and(|x| x.id == q.id),
            })
        })
        .collect();

    let titled = |heading: String| {
        let title = fill(
            t.page_title,
            &[("heading", &heading), ("title", &config.title)],
        );
        (heading, title)
    };
    let (heading, title) = match (page.kind, region, question) {
        (Kind::Home, _, _) => (config.title.clone(), config.title.clone()),
        (Kind::Regions, _, _) => titled(t.regions.to_string()),
        (Kind::Questions, _, _) => titled(t.questions.to_string()),
        (Kind::Region, Some(r), _) => titled(r.title.clone()),
        (Kind::Question, _, Some(q)) => {
            titled(format!("{} {}", question_label(survey, q), q.title))
        }
        (Kind::RegionQuestion, Some(r), Some(q)) => {
            let heading = format!("{} {}", question_label(survey, q), q.title);
            let title = fill(
                t.region_question_title,
                &[
                    ("heading", &heading),
                    ("region", &r.title),
                    ("title", &config.title),
                ],
            );
            (heading, title)
        }
        _ => titled(t.not_found.to_string()),
    };
    let description = index
        .commentary(&page.path)
        .and_then(|c| {
            c.front
                .description
                .clone()
                .or_else(|| c.front.summary.clone())
        })
        .unwrap_or_else(|| config.description.clone());

    let mut breadcrumbs = vec![json!({"title": t.home, "href": l.href("")})];
    match (page.kind, region) {
        (Kind::Region, _) => {
            breadcrumbs.push(json!({"title": t.regions, "href": l.href(REGIONS_PATH)}));
        }
        (Kind::RegionQuestion, Some(r)) => {
            breadcrumbs.push(json!({"title": t.regions, "href": l.href(REGIONS_PATH)}));
            breadcrumbs.push(json!({"title": r.title, "href": l.href(&region_path(&r.id))}));
        }
        (Kind::Question, _) => {
            breadcrumbs.push(json!({"title": t.questions, "href": l.href(QUESTIONS_PATH)}));
        }
        _ => {}
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
            "region_count": survey.regions.len(),
            "weighted": survey.weighted(),
            "estimate_note": estimate_note(index.t, survey),
            // Only a design's estimates are tested: given intervals carry no mark (nor legend).
            "marks": matches!(survey.estimates(), Estimates::Design(_)),
            "question_count": survey.questions.len(),
        },
        "page": {
            "kind": page.kind.name(),
            "path": page.path,
            "heading": heading,
            "title": title,
            "description": description,
            "canonical": if page.kind == Kind::NotFound { None } else { absolute(&config.base_url, &page.path) },
        },
        "root": l.root(),
        "home_href": l.href(""),
        "regions_href": l.href(REGIONS_PATH),
        "questions_href": l.href(QUESTIONS_PATH),
        "css_href": l.href("assets/style.css"),
        "sort_js_href": l.href("assets/sort.js"),
        "questions": questions,
        "breadcrumbs": breadcrumbs,
        "commentary": commentary_value(index, &page.path, commentary),
        "dimension": survey.dimension.as_ref().map(|d| json!({"id": d.id, "title": d.title})),
        "data_csv_href": l.href(DATA_CSV),
        "charts_js": config.settings.interactive_charts.then(|| json!({
            "echarts": l.href("assets/echarts.min.js"),
            "script": l.href("assets/charts.js"),
        })),
    });
    if let Value::Object(ctx) = &mut ctx {
        let map = super::maps::for_page(project, page.kind, region, question, &index.questions, l);
        ctx.insert("map".into(), map);
        // Several editions: the switcher (none in a one-edition project).
        let editions = super::editions::switcher(project, page, l, index.t);
        if !editions.is_null() {
            ctx.insert("editions".into(), editions);
        }
    }
    let extra = match (page.kind, region, question) {
        (Kind::Home, _, _) => home(index, l),
        (Kind::Regions, _, _) => regions_page(index, l),
        (Kind::Questions, _, _) => questions_page(index, l),
        (Kind::Region, Some(r), _) => region_page(index, r, l),
        (Kind::Question, _, Some(q)) => question_page(index, q, l),
        (Kind::RegionQuestion, Some(r), Some(q)) => region_question_page(index, r, q, l),
        _ => json!({}),
    };
    if let (Value::Object(ctx), Value::Object(extra)) = (&mut ctx, extra) {
        ctx.extend(extra);
    }
    let mut ctx = super::templates::context_of(&ctx)?;
    // The shared words and the charts' drawings (the largest strings of a page) go in as
    // template values directly, without a copy as JSON first.
    ctx.insert_value("t", index.t_template.clone());
    let ids = chart_ids(page);
    let chart = |i: usize| {
        ids.get(i).map_or(tera::Value::none(), |id| {
            chart_fields(charts, id, config.settings.interactive_charts)
                .map_or(tera::Value::none(), |c| tera::Value::from_serializable(&c))
        })
    };
    match page.kind {
        Kind::RegionQuestion => {
            ctx.insert_value("chart", chart(0));
            ctx.insert_value("crosstab_chart", chart(1));
        }
        Kind::Question => ctx.insert_value("chart", chart(0)),
        _ => {}
    }
    Ok(ctx)
}

fn commentary_value(index: &Index, path: &str, html: &BTreeMap<String, String>) -> Value {
    match (index.commentary(path), html.get(path)) {
        (Some(c), Some(html)) => json!({
            "title": c.front.title,
            "summary": c.front.summary,
            "html": html,
            "file": c.file,
        }),
        _ => Value::Null,
    }
}

/// A region as listed on the home page and the regions index.
fn region_item(index: &Index, r: &Region, l: &Linker) -> Value {
    let survey = &index.project.survey;
    json!({
        "id": r.id, "title": r.title, "description": r.description, "total": r.total,
        "href": l.href(&region_path(&r.id)),
        "respondents": format_count(survey.respondents(&r.id)),
        "summary": index.summary(&region_path(&r.id)),
    })
}

/// A question as listed on the home page and the questions index.
fn question_item(index: &Index, q: &Question, l: &Linker) -> Value {
    let survey = &index.project.survey;
    json!({
        "id": q.id, "label": question_label(survey, q), "title": q.title, "short": q.short,
        "kind": index.t.kind(q.kind),
        "base_title": survey.base(&q.base).map(|b| b.title.clone()),
        "href": l.href(&question_path(&q.id)),
        "summary": index.summary(&question_path(&q.id)),
    })
}

/// Respondents of a region in each group of the dimension (empty without a dimension).
fn group_cells(survey: &Survey, r: &Region) -> Vec<Value> {
    let Some(d) = &survey.dimension else {
        return Vec::new();
    };
    d.groups
        .iter()
        .map(|g| {
            let n = survey.group_respondents(&r.id, &g.id);
            json!({"count": format_count(n), "not_reported": n == Count::NotReported,
                   "suppressed": n == Count::Suppressed, "sort": n.value(),
                   "percent": percent(n, survey.respondents(&r.id))})
        })
        .collect()
}

fn home(index: &Index, l: &Linker) -> Value {
    let survey = &index.project.survey;
    let few = survey.regions.len() <= HOME_REGION_CARDS_MAX;
    let regions: Vec<Value> = if few {
        index
            .regions
            .iter()
            .map(|r| region_item(index, r, l))
            .collect()
    } else {
        Vec::new()
    };
    // Respondents per region, split by the dimension where the data has it: a column a region,
    // so only while the regions are few (the regions index has it for any number).
    let groups = survey.dimension.as_ref().filter(|_| few).map(|d| {
        let mut by_region: Vec<std::vec::IntoIter<Value>> = index
            .regions
            .iter()
            .map(|r| group_cells(survey, r).into_iter())
            .collect();
        d.groups
            .iter()
            .map(|g| {
                let cells: Vec<Value> = by_region.iter_mut().filter_map(Iterator::next).collect();
                json!({"label": g.label, "cells": cells})
            })
            .collect::<Vec<_>>()
    });
    json!({
        "regions": regions,
        "respondent_groups": groups,
        // The home page lists the questions with their summaries (also its sidebar).
        "questions": index.questions.iter().map(|q| question_item(index, q, l)).collect::<Vec<_>>(),
    })
}

fn regions_page(index: &Index, l: &Linker) -> Value {
    let survey = &index.project.survey;
    let rows: Vec<Value> = index
        .regions
        .iter()
        .map(|r| {
            let mut v = region_item(index, r, l);
            v["groups"] = json!(group_cells(survey, r));
            v["respondents_sort"] = json!(survey.respondents(&r.id).value());
            v
        })
        .collect();
    // Grouped when the codebook groups regions: each group in the order of its first region,
    // regions without a group (e.g. the total) first, under no heading.
    let mut sections: Vec<(Option<&str>, Vec<Value>)> = Vec::new();
    for (r, row) in index.regions.iter().zip(rows) {
        let group = r.group.as_deref();
        match sections.iter_mut().find(|(g, _)| *g == group) {
            Some((_, list)) => list.push(row),
            None => sections.push((group, vec![row])),
        }
    }
    sections.sort_by_key(|(g, _)| g.is_some());
    let sections: Vec<Value> = sections
        .into_iter()
        .scan(0, |headed, (group, regions)| {
            *headed += usize::from(group.is_some());
            Some(json!({"heading": group, "id": format!("g{headed}"), "regions": regions}))
        })
        .collect();
    let group_links: Vec<Value> = sections
        .iter()
        .filter(|s| !s["heading"].is_null())
        .map(|s| json!({"id": s["id"], "heading": s["heading"], "count": s["regions"].as_array().map_or(0, Vec::len)}))
        .collect();
    json!({
        "sortable": true,
        "sections": sections,
        "group_links": group_links,
        "groups": survey.dimension.as_ref().map_or_else(Vec::new, |d| d.groups.iter().map(|g| g.label.clone()).collect::<Vec<_>>()),
    })
}

fn questions_page(index: &Index, l: &Linker) -> Value {
    json!({
        "question_list": index.questions.iter().map(|q| question_item(index, q, l)).collect::<Vec<_>>(),
    })
}

/// One option's figures in one region (also the cells of the `table(…)` shortcode).
pub fn cell(t: &Strings, survey: &Survey, region: &Region, q: &Question, option: &str) -> Value {
    let count = survey.count(&region.id, &q.id, option);
    let base = survey.base_count(&region.id, q);
    let mut v = cell_value(count, base);
    if survey.weighted() {
        add_estimate(&mut v, t, survey, &region.id, q, option);
    }
    v
}

/// A weighted sample's cell: the design-based estimate as its %, its 95% confidence interval
/// and the significance mark (none for a hidden count: its interval would give it away).
fn add_estimate(
    v: &mut Value,
    t: &Strings,
    survey: &Survey,
    region: &str,
    q: &Question,
    option: &str,
) {
    let count = survey.count(region, &q.id, option);
    if count.value().is_some() {
        v["percent"] = json!(survey.percent_of(region, q, option));
        v["share"] = json!(survey.share_of(region, q, option));
    }
    let e = survey.shown_estimate(region, &q.id, option);
    v["weighted"] = json!(true);
    v["ci"] = json!(
        e.and_then(|e| e.ci)
            .map(|ci| interval_of(t.ci_separator, ci))
    );
    let mark = e.and_then(|e| e.test).and_then(|t| t.mark());
    v["mark"] = json!(mark);
    v["mark_title"] = json!(mark.map(|m| match m {
        "▲" => t.mark_higher,
        _ => t.mark_lower,
    }));
}

/// How a weighted sample's figures were made, in plain words of the report's language, for the
/// note on each kind of page that shows them (`None` for a census).
pub fn estimate_note(t: &Strings, survey: &Survey) -> Option<String> {
    let d = match survey.estimates() {
        Estimates::Counts => return None,
        Estimates::Tables => return Some(t.estimate_note_given.to_string()),
        Estimates::Design(d) => d,
    };
    let column = |template: &str, c: &str| fill(template, &[("column", c)]);
    let mut design = Vec::new();
    if let Some((s, _)) = &d.strata {
        design.push(column(t.estimate_strata, s));
    }
    if let Some((c, _)) = &d.cluster {
        design.push(column(t.estimate_cluster, c));
    }
    if let Some((f, _)) = &d.fpc {
        design.push(column(t.estimate_fpc, f));
    }
    let design = if design.is_empty() {
        String::new()
    } else {
        fill(
            t.estimate_design,
            &[("parts", &design.join(t.estimate_design_joiner))],
        )
    };
    Some(fill(
        t.estimate_note,
        &[("weight", &d.weight.0), ("design", &design)],
    ))
}

fn cell_value(count: Count, base: Count) -> Value {
    json!({
        "count": format_count(count),
        "percent": percent(count, base),
        "share": share(count, base),
        "not_reported": count == Count::NotReported,
        "suppressed": count == Count::Suppressed,
    })
}

fn region_page(index: &Index, region: &Region, l: &Linker) -> Value {
    let survey = &index.project.survey;
    let rows: Vec<Value> = survey
        .questions
        .iter()
        .map(|q| {
            let base = survey.base_count(&region.id, q);
            let mut key = match q.kind {
                QuestionKind::Text => Value::Null,
                _ => key_figure(index.t, survey, region, q),
            };
            if let Some(option) = key.get("id").and_then(Value::as_str).map(str::to_string) {
                key["change"] =
                    super::editions::change(index.project, index.t, &region.id, q, &option);
            }
            let answers = index
                .answers(&region.id, &q.id)
                .iter()
                .filter(|a| a.option.is_none())
                .count();
            json!({
                "label": question_label(survey, q), "title": q.title, "short": q.short,
                "kind": index.t.kind(q.kind), "is_text": q.kind == QuestionKind::Text,
                "href": l.href(&region_question_path(&region.id, &q.id)),
                "base": format_count(base), "base_title": base_title(survey, q),
                "key": key,
                "answers": answers,
                "answers_withheld": survey.answers_withheld(&region.id, &q.id),
                "has_note": survey.notes_for(&region.id, &q.id).next().is_some(),
            })
        })
        .collect();
    let mut v = json!({
        "region": {"id": region.id, "title": region.title, "description": region.description,
                   "respondents": format_count(survey.respondents(&region.id)), "total": region.total},
        "rows": rows,
        "change_caption": super::editions::change_caption(index.project, index.t),
    });
    add_neighbours(&mut v, index, region, l, region_path);
    v
}

/// The previous and next region in reading order, linking to `path(region id)`.
fn add_neighbours(
    v: &mut Value,
    index: &Index,
    region: &Region,
    l: &Linker,
    path: impl Fn(&str) -> String,
) {
    let position = index.region_position.get(region.id.as_str()).copied();
    let link = |r: &&Region| json!({"title": r.title, "href": l.href(&path(&r.id))});
    let prev = position
        .and_then(|p| p.checked_sub(1))
        .and_then(|p| index.regions.get(p))
        .map(link);
    let next = position.and_then(|p| index.regions.get(p + 1)).map(link);
    v["prev_region"] = prev.unwrap_or(Value::Null);
    v["next_region"] = next.unwrap_or(Value::Null);
}

/// The figure that stands for a choice question on a region page: the codebook's key option,
/// or else the most chosen reported option.
fn key_figure(t: &Strings, survey: &Survey, region: &Region, q: &Question) -> Value {
    let option = match &q.key_option {
        Some(_) => q.key_option(),
        None => q
            .options
            .iter()
            .filter_map(|o| {
                let c = survey.count(&region.id, &q.id, &o.id).value()?;
                // A weighted sample's most chosen option is the one with the highest estimate.
                let by = match survey.weighted() {
                    true => survey.share_of(&region.id, q, &o.id)?,
                    false => c as f64,
                };
                Some((by, o))
            })
            .fold(
                None,
                |best: Option<(f64, &crate::model::ChoiceOption)>, (c, o)| match best {
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
            let mut v = cell(t, survey, region, q, &o.id);
            v["label"] = json!(o.label);
            v["id"] = json!(o.id);
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
            let titles: HashMap<&str, &str> = survey
                .regions
                .iter()
                .map(|r| (r.id.as_str(), r.title.as_str()))
                .collect();
            // In codebook order of regions, as before: notes are few, regions may be many.
            let mut by_region: Vec<(usize, String)> = survey
                .notes
                .iter()
                .filter(|n| n.question == q.id)
                .filter_map(|n| {
                    let title = titles.get(n.region.as_str())?;
                    let position = survey.regions.iter().position(|r| r.id == n.region)?;
                    // A note that already names its region needs no prefix.
                    let text = match n.text.starts_with(title) {
                        true => n.text.clone(),
                        false => format!("{title}: {}", n.text),
                    };
                    Some((position, text))
                })
                .collect();
            by_region.sort_by_key(|(p, _)| *p);
            notes.extend(by_region.into_iter().map(|(_, t)| t));
        }
    }
    notes
}

fn question_value(survey: &Survey, q: &Question, t: &Strings) -> Value {
    json!({
        "id": q.id, "label": question_label(survey, q), "title": q.title, "short": q.short,
        "kind": t.kind(q.kind),
        "is_text": q.kind == QuestionKind::Text,
        "is_multiple": q.kind == QuestionKind::Multiple,
        "base_title": base_title(survey, q),
    })
}

fn question_page(index: &Index, q: &Question, l: &Linker) -> Value {
    let survey = &index.project.survey;
    let by_columns = survey.regions.len() <= REGION_COLUMNS_MAX;
    let mut v = json!({
        "question": question_value(survey, q, index.t),
        "notes": notes(survey, None, q),
        "region_columns": by_columns,
        "sortable": !by_columns && q.kind.is_choice(),
    });
    if q.kind.is_choice() {
        if by_columns {
            // Options down the side, a column per region (templates/table.html).
            v["columns"] = survey
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
            v["rows"] = q
                .options
                .iter()
                .map(|o| {
                    json!({
                        "id": o.id, "label": o.label,
                        "cells": survey.regions.iter().map(|r| cell(index.t, survey, r, q, &o.id)).collect::<Vec<_>>(),
                    })
                })
                .collect();
        } else {
            // A row per region, options across (templates/region_table.html), in codebook order.
            v["options"] = q.options.iter().map(|o| json!(o.label)).collect();
            v["region_rows"] = survey
                .regions
                .iter()
                .map(|r| {
                    let base = survey.base_count(&r.id, q);
                    json!({
                        "title": r.title,
                        "href": l.href(&region_question_path(&r.id, &q.id)),
                        "base": format_count(base),
                        "base_sort": base.value(),
                        "cells": q.options.iter().map(|o| {
                            let mut cell = cell(index.t, survey, r, q, &o.id);
                            cell["sort"] = json!(survey.share_of(&r.id, q, &o.id).map(|s| (s * 10.0).round() / 10.0));
                            cell
                        }).collect::<Vec<_>>(),
                    })
                })
                .collect();
        }
    }
    let total: usize = survey
        .regions
        .iter()
        .map(|r| index.answers(&r.id, &q.id).len())
        .sum();
    let inline = total <= QUESTION_ANSWERS_INLINE_MAX;
    let groups: Vec<Value> = survey
        .regions
        .iter()
        .filter_map(|r| {
            let answers = index.answers(&r.id, &q.id);
            let withheld = survey.answers_withheld(&r.id, &q.id);
            // With many regions, only those with something to say are listed.
            if !by_columns && answers.is_empty() && !withheld {
                return None;
            }
            Some(json!({
                "region": r.title,
                "href": l.href(&region_question_path(&r.id, &q.id)),
                "count": answers.len(),
                "answers": if inline { answer_values(q, answers) } else { Vec::new() },
                "answers_withheld": withheld,
            }))
        })
        .collect();
    v["answer_groups"] = json!(groups);
    // Several editions: each region's change in the key option since the previous one.
    if let (Some(_), Some(key)) = (index.project.previous_edition(), q.key_option())
        && q.kind.is_choice()
    {
        v["changes"] = json!({
            "option": key.label,
            "caption": super::editions::change_caption(index.project, index.t),
            "rows": survey.regions.iter().map(|r| json!({
                "title": r.title,
                "href": l.href(&region_question_path(&r.id, &q.id)),
                "percent": survey.percent_of(&r.id, q, &key.id),
                "change": super::editions::change(index.project, index.t, &r.id, q, &key.id),
            })).collect::<Vec<_>>(),
        });
    }
    v["answer_groups"] = json!(groups);
    v["answers_inline"] = json!(inline);
    v["answers_total"] = json!(total);
    v
}

fn answer_values(q: &Question, answers: &[&Answer]) -> Vec<Value> {
    answers
        .iter()
        .map(|a| {
            json!({
                "text": a.text,
                "option": a.option.as_deref().and_then(|o| q.option(o)).map(|o| o.label.clone()),
            })
        })
        .collect()
}

fn region_question_page(index: &Index, region: &Region, q: &Question, l: &Linker) -> Value {
    let survey = &index.project.survey;
    let base = survey.base_count(&region.id, q);
    let rows: Vec<Value> = q
        .options
        .iter()
        .map(|o| {
            let mut v = cell(index.t, survey, region, q, &o.id);
            v["label"] = json!(o.label);
            v["id"] = json!(o.id);
            v["change"] = super::editions::change(index.project, index.t, &region.id, q, &o.id);
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

    let position = index
        .questions
        .iter()
        .position(|x| x.id == q.id)
        .unwrap_or(0);
    let link = |q: &&Question| {
        json!({"label": question_label(survey, q), "title": q.title, "short": q.short,
               "href": l.href(&region_question_path(&region.id, &q.id))})
    };
    let prev = position
        .checked_sub(1)
        .and_then(|i| index.questions.get(i))
        .map(link);
    let next = index.questions.get(position + 1).map(link);

    let answers_by_region = total_answers_elsewhere(index, region, q, l);
    let mut v = json!({
        "region": {"id": region.id, "title": region.title, "description": region.description,
                   "href": l.href(&region_path(&region.id)),
                   "respondents": format_count(survey.respondents(&region.id))},
        "question": question_value(survey, q, index.t),
        "question_href": l.href(&question_path(&q.id)),
        "base": format_count(base),
        "results_caption": fill(
            index.t.region_question_caption,
            &[
                ("region", &region.title),
                ("question", &format!("{} {}", question_label(survey, q), q.title)),
                ("base", &base_title(survey, q)),
                ("n", &format_count(base)),
            ],
        ),
        "answered": answered.map(|n| n.to_string()),
        "rows": rows,
        "crosstab": crosstab(index, region, q),
        "answers": if answers_by_region.is_null() {
            answer_values(q, index.answers(&region.id, &q.id))
        } else {
            Vec::new()
        },
        "answers_by_region": answers_by_region,
        "answers_withheld": survey.answers_withheld(&region.id, &q.id),
        "notes": notes(survey, Some(region), q),
        "prev": prev,
        "next": next,
        "change_caption": super::editions::change_caption(index.project, index.t),
        "trend": super::editions::trend(index.project, region, q, index.t).map(|t| t.value),
    });
    let question_id = q.id.clone();
    add_neighbours(&mut v, index, region, l, |r| {
        region_question_path(r, &question_id)
    });
    v
}

/// The all-regions total's answers, when they are many and every one is also shown on its own
/// region's page: their number and a link to the question page, which lists each region's count
/// (thousands of answers on one page would be read by no one)
/// (answers of the total's own, from data/answers.csv, are always listed).
fn total_answers_elsewhere(index: &Index, region: &Region, q: &Question, l: &Linker) -> Value {
    let own = index.answers(&region.id, &q.id);
    if !region.total || own.len() <= QUESTION_ANSWERS_INLINE_MAX {
        return Value::Null;
    }
    let survey = &index.project.survey;
    let mut left: HashMap<(Option<&str>, &str), i64> = HashMap::new();
    for a in own {
        *left
            .entry((a.option.as_deref(), a.text.as_str()))
            .or_default() += 1;
    }
    for r in survey.regions.iter().filter(|r| r.id != region.id) {
        for a in index.answers(&r.id, &q.id) {
            *left
                .entry((a.option.as_deref(), a.text.as_str()))
                .or_default() -= 1;
        }
    }
    if left.values().any(|&n| n > 0) {
        return Value::Null;
    }
    // The question page lists each region's count with a link (one list, not one per page).
    json!({"total": own.len(), "href": format!("{}#h-answers", l.href(&question_path(&q.id)))})
}

/// The question split by the dimension: group size, then count and % of each option present.
fn crosstab(index: &Index, region: &Region, q: &Question) -> Value {
    let survey = &index.project.survey;
    let Some(d) = &survey.dimension else {
        return Value::Null;
    };
    let options = index
        .crosstab_options
        .get(q.id.as_str())
        .map_or(&[][..], Vec::as_slice);
    if options.is_empty() {
        return Value::Null;
    }
    let mut rows = Vec::new();
    for g in &d.groups {
        let n = survey.group_respondents(&region.id, &g.id);
        let cells: Vec<Value> = options
            .iter()
            .map(|o| {
                let count = survey.crosstab_count(&region.id, &q.id, &g.id, &o.id);
                crosstab_cell(
                    survey,
                    index.t,
                    count,
                    n,
                    &region.id,
                    &q.id,
                    Some(&g.id),
                    &o.id,
                )
            })
            .collect();
        rows.push(json!({"label": g.label, "n": format_count(n), "cells": cells}));
    }
    let n = survey.respondents(&region.id);
    // The 計 row is the question's own count of the option (loading checks the groups add up).
    let total_cells: Vec<Value> = options
        .iter()
        .map(|o| {
            let count = survey.count(&region.id, &q.id, &o.id);
            crosstab_cell(survey, index.t, count, n, &region.id, &q.id, None, &o.id)
        })
        .collect();
    json!({
        "title": d.title,
        "caption": fill(
            match survey.estimates() {
                crate::model::Estimates::Design(_) => index.t.crosstab_caption_weighted,
                crate::model::Estimates::Tables => index.t.crosstab_caption_given,
                crate::model::Estimates::Counts => index.t.crosstab_caption,
            },
            &[
                ("region", &region.title),
                ("dimension", &d.title),
                ("question", &q.title),
                ("unit", &survey.unit),
            ],
        ),
        "columns": options.iter().map(|o| o.label.clone()).collect::<Vec<_>>(),
        "rows": rows,
        "total": {"label": index.t.total_row, "n": format_count(n), "cells": total_cells},
    })
}

/// A cross-tab cell: count and % of the group (`None`: the region's 計 row); a weighted
/// sample's % is the design-based estimate of the region × group, with its 95% interval (none
/// for a hidden count).
#[allow(clippy::too_many_arguments)]
fn crosstab_cell(
    survey: &Survey,
    t: &Strings,
    count: Count,
    n: Count,
    region: &str,
    question: &str,
    group: Option<&str>,
    option: &str,
) -> Value {
    let mut v = cell_value(count, n);
    if survey.weighted() {
        let e = survey.crosstab_shown_estimate(region, question, group, option);
        if let Some(e) = e {
            v["percent"] = json!(percent_of(e.p));
            v["share"] = json!(e.p * 100.0);
        }
        v["weighted"] = json!(true);
        v["ci"] = json!(
            e.and_then(|e| e.ci)
                .map(|ci| interval_of(t.ci_separator, ci))
        );
    }
    v
}

pub fn chart_value(charts: &Charts, id: &str, interactive: bool) -> Value {
    chart_fields(charts, id, interactive)
        .and_then(|c| serde_json::to_value(c).ok())
        .unwrap_or(Value::Null)
}

/// What templates/chart.html shows of a chart (`c`).
#[derive(serde::Serialize)]
pub struct ChartFields<'a> {
    id: &'a str,
    svg: String,
    caption: &'a str,
    aria: &'a str,
    csv_href: String,
    omitted: &'a [String],
    width: u32,
    height: u32,
    option_json: Option<String>,
}

/// The chart `id` as templates show it (`None`: there is no such chart).
fn chart_fields<'a>(charts: &'a Charts, id: &str, interactive: bool) -> Option<ChartFields<'a>> {
    let spec = charts.specs.get(id)?;
    Some(ChartFields {
        id: &spec.id,
        svg: charts.svg(spec),
        caption: &spec.caption,
        aria: &spec.aria,
        csv_href: spec.csv_name(),
        omitted: &spec.omitted,
        width: spec.width,
        height: spec.height,
        // Inside <script type="application/json">: no "</script>" can end it early. A chart
        // with error bars stays an SVG: the interactive layer would drop them.
        option_json: (interactive && !spec.plot.has_intervals())
            .then(|| charts.option_json(spec).replace('<', "\\u003c")),
    })
}

/// Every number of the report, one row per region × question × option.
pub fn all_data_rows_in(survey: &Survey, t: &Strings) -> Vec<Vec<String>> {
    let mut rows = vec![
        [
            t.region_col,
            t.csv_question_number,
            t.csv_question,
            t.csv_kind,
            t.option_col,
            t.count_col,
            t.csv_percent,
            t.csv_base_title,
            t.csv_base,
        ]
        .map(String::from)
        .to_vec(),
    ];
    if survey.weighted() {
        rows[0].extend([t.csv_ci_low, t.csv_ci_high].map(String::from));
    }
    for r in &survey.regions {
        for q in survey.questions.iter().filter(|q| q.kind.is_choice()) {
            let base = survey.base_count(&r.id, q);
            for o in &q.options {
                let c = survey.count(&r.id, &q.id, &o.id);
                rows.push(vec![
                    r.title.clone(),
                    question_label(survey, q),
                    q.title.clone(),
                    t.kind(q.kind).into(),
                    o.label.clone(),
                    format_count(c),
                    match c {
                        Count::Value(_) => survey.percent_of(&r.id, q, &o.id),
                        _ => percent(c, base),
                    }
                    .map(|p| p.trim_end_matches('%').to_string())
                    .unwrap_or_default(),
                    base_title(survey, q),
                    format_count(base),
                ]);
                if survey.weighted()
                    && let Some(row) = rows.last_mut()
                {
                    row.extend(super::charts::interval_cells(survey, &r.id, &q.id, &o.id));
                }
            }
        }
    }
    rows
}
