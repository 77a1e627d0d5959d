//! What the pages of a project with several editions (codebook `editions:`) show beyond one
//! survey's: the 「調査年度」 switcher linking a page to the same page in the other editions,
//! the change of a figure since the previous edition, and a region × question's trend (its table,
//! chart and CSV). A one-edition project gets none of it (every value here is `null`), so its
//! pages are as they were.

use serde_json::{Value, json};
use statrs::distribution::{ContinuousCDF, StudentsT};

use super::pages::{Kind, Page};
use super::strings::{Strings, fill};
use crate::load::Project;
use crate::model::{Count, Edition, Question, Region, Survey};
use crate::url::Linker;

/// The name of a region × question page's trend CSV (beside the page).
pub const TREND_CSV: &str = "trend.csv";

/// Does the page exist in this edition? A region not surveyed, a question not asked: no page.
fn has_page(survey: &Survey, page: &Page) -> bool {
    let region = page
        .region
        .as_deref()
        .is_none_or(|r| survey.region(r).is_some());
    let question = page
        .question
        .as_deref()
        .is_none_or(|q| survey.question(q).is_some());
    region && question
}

/// The switcher: every edition, linked when the page exists in it, the current one marked; on an
/// earlier edition's page also a note saying so, with a link to the latest.
pub fn switcher(project: &Project, page: &Page, l: &Linker, t: &Strings) -> Value {
    if project.editions.len() < 2 || page.kind == Kind::NotFound {
        return Value::Null;
    }
    let prefix = project.edition_prefix();
    let own = page.path.strip_prefix(&prefix).unwrap_or(&page.path);
    let last = project.editions.len() - 1;
    let path_in = |i: usize, e: &Edition| {
        if i == last {
            own.to_string()
        } else {
            format!("{}/{own}", e.id)
        }
    };
    let list: Vec<Value> = project
        .editions
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let href = has_page(&e.survey, page).then(|| l.href_site(&path_in(i, e)));
            json!({"label": e.label, "date": e.date, "href": href, "current": i == project.current})
        })
        .collect();
    let latest = &project.editions[last];
    let earlier = project.current != last;
    json!({
        "list": list,
        "earlier_note": earlier.then(|| fill(t.edition_earlier_note, &[("edition", &project.editions[project.current].label)])),
        "latest_link": earlier.then(|| fill(t.edition_latest_link, &[("edition", &latest.label)])),
        "latest_href": earlier.then(|| {
            if has_page(&latest.survey, page) { l.href_site(own) } else { l.href_site("") }
        }),
    })
}

/// A shown percent in tenths of a point: "12.3%" → 123 (the figure a reader sees, so the change
/// is the difference of the two shown figures and always adds up).
fn tenths(shown: &str) -> Option<i64> {
    let number = shown.strip_suffix('%')?;
    let (whole, tenth) = number.split_once('.')?;
    let whole: i64 = whole.parse().ok()?;
    let tenth: i64 = tenth.parse().ok()?;
    Some(whole * 10 + tenth)
}

/// A change in tenths of a point as shown: `+3.2`, `−1.0` (a minus sign), `±0.0`.
pub fn signed(tenths: i64) -> String {
    let sign = match tenths.signum() {
        1 => "+",
        -1 => "−",
        _ => "±",
    };
    let a = tenths.unsigned_abs();
    format!("{sign}{}.{}", a / 10, a % 10)
}

/// The change of an option's figure in a region since the previous edition, in tenths of a
/// point; `None` when either figure is not shown (`…`, `x`) or the previous edition did not ask
/// the question or option or survey the region.
pub fn change_tenths(project: &Project, region: &str, q: &Question, option: &str) -> Option<i64> {
    let previous = project.previous_edition()?;
    let now = tenths(&project.survey.percent_of(region, q, option)?)?;
    let pq = previous.survey.question(&q.id)?;
    pq.option(option)?;
    previous.survey.region(region)?;
    let before = tenths(&previous.survey.percent_of(region, pq, option)?)?;
    Some(now - before)
}

/// The change as a table cell: `{"text": "+3.2ポイント"}` or `{"text": "…", "not_reported":
/// true}`; `null` without a previous edition (no column).
pub fn change(project: &Project, t: &Strings, region: &str, q: &Question, option: &str) -> Value {
    if project.previous_edition().is_none() {
        return Value::Null;
    }
    match change_tenths(project, region, q, option) {
        Some(d) => {
            let mut v = json!({"text": fill(t.change_points, &[("value", &signed(d))])});
            if let Some(mark) = significance(project, region, q, option, d) {
                v["mark"] = json!(mark);
                v["mark_title"] = json!(t.change_significant);
            }
            v
        }
        None => json!({"text": super::format::NOT_REPORTED, "not_reported": true}),
    }
}

/// Weighted samples: ▲/▼ when the change is significant at 5% (docs/statistics.md: two
/// independent samples, t = difference / √(se₁² + se₂²) on the smaller of the two degrees of
/// freedom); `None` for a census or when neither estimate has a standard error to test with.
fn significance(
    project: &Project,
    region: &str,
    q: &Question,
    option: &str,
    change: i64,
) -> Option<&'static str> {
    let previous = project.previous_edition()?;
    let now = project.survey.shown_estimate(region, &q.id, option)?;
    let before = previous.survey.shown_estimate(region, &q.id, option)?;
    let se = (now.se * now.se + before.se * before.se).sqrt();
    let df = now.df.min(before.df);
    if se <= 0.0 || df < 1 {
        return None;
    }
    let t = (now.p - before.p) / se;
    let dist = StudentsT::new(0.0, 1.0, df as f64).ok()?;
    let p = 2.0 * dist.cdf(-t.abs());
    (p < 0.05).then_some(if change > 0 { "▲" } else { "▼" })
}

/// The caption of the change column: 「前回（2025年度調査）からの変化（ポイント）」.
pub fn change_caption(project: &Project, t: &Strings) -> Value {
    match project.previous_edition() {
        Some(p) => json!(fill(t.change_caption, &[("edition", &p.label)])),
        None => Value::Null,
    }
}

/// The options a trend shows: the latest's, then those only earlier editions asked (newest
/// first), so an option dropped along the way keeps its line.
fn trend_options(project: &Project, q: &Question) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for e in project.editions.iter().rev() {
        if let Some(eq) = e.survey.question(&q.id) {
            for o in &eq.options {
                if !out.iter().any(|(id, _)| id == &o.id) {
                    out.push((o.id.clone(), o.label.clone()));
                }
            }
        }
    }
    out
}

/// One edition's figure of an option in a region, as shown in the trend table.
enum Figure {
    Shown(String, f64),
    NotAsked,
    NotReported,
    Suppressed,
}

fn figure(e: &Edition, region: &Region, q: &Question, option: &str) -> Figure {
    let s = &e.survey;
    let Some(eq) = s.question(&q.id) else {
        return Figure::NotAsked;
    };
    if eq.option(option).is_none() {
        return Figure::NotAsked;
    }
    if s.region(&region.id).is_none() {
        return Figure::NotReported;
    }
    match (
        s.percent_of(&region.id, eq, option),
        s.share_of(&region.id, eq, option),
    ) {
        (Some(p), Some(v)) => Figure::Shown(p, v),
        _ => match s.count(&region.id, &q.id, option) {
            Count::Suppressed => Figure::Suppressed,
            _ => match s.base_count(&region.id, eq) {
                Count::Suppressed => Figure::Suppressed,
                _ => Figure::NotReported,
            },
        },
    }
}

/// The trend of a region × question (choice questions, projects with several editions): the
/// table (an edition a row, an option a column), the chart, and the CSV's rows.
pub fn trend(project: &Project, region: &Region, q: &Question, t: &Strings) -> Option<Trend> {
    if project.editions.len() < 2 || !q.kind.is_choice() {
        return None;
    }
    let options = trend_options(project, q);
    let palette = super::charts::PALETTE;
    let mut rows = Vec::new();
    let mut csv = vec![
        std::iter::once(t.trend_csv_edition.to_string())
            .chain(options.iter().map(|(_, label)| format!("{label}(%)")))
            .collect::<Vec<_>>(),
    ];
    let mut values: Vec<Vec<Option<f64>>> = vec![Vec::new(); options.len()];
    let mut desc: Vec<String> = Vec::new();
    for e in &project.editions {
        let mut cells = Vec::new();
        let mut csv_row = vec![e.label.clone()];
        let mut said = Vec::new();
        for (k, (id, label)) in options.iter().enumerate() {
            let f = figure(e, region, q, id);
            let (cell, shown, value) = match f {
                Figure::Shown(p, v) => (json!({"text": p}), p, Some(v)),
                Figure::NotAsked => (
                    json!({"text": super::format::NOT_REPORTED, "not_asked": true,
                           "title": fill(t.trend_not_asked, &[("edition", &e.label)])}),
                    super::format::NOT_REPORTED.to_string(),
                    None,
                ),
                Figure::NotReported => (
                    json!({"text": super::format::NOT_REPORTED, "not_reported": true}),
                    super::format::NOT_REPORTED.to_string(),
                    None,
                ),
                Figure::Suppressed => (
                    json!({"text": crate::model::SUPPRESSED, "suppressed": true}),
                    crate::model::SUPPRESSED.to_string(),
                    None,
                ),
            };
            values[k].push(value);
            said.push(format!("{label} {shown}"));
            cells.push(cell);
            // A number a spreadsheet reads (the header says %), as the charts' CSVs.
            csv_row.push(shown.trim_end_matches('%').to_string());
        }
        desc.push(format!("{}: {}", e.label, said.join(t.list_separator)));
        rows.push(json!({"label": e.label, "current": false, "cells": cells}));
        csv.push(csv_row);
    }
    let lines: Vec<super::svg::trend::Line> = options
        .iter()
        .enumerate()
        .map(|(k, (_, label))| super::svg::trend::Line {
            label,
            colour: palette[k % palette.len()],
            values: values[k].clone(),
        })
        .collect();
    let heading = format!(
        "{} {}",
        super::format::question_label(&project.survey, q),
        q.title
    );
    let aria = [
        fill(
            t.trend_label,
            &[("region", &region.title), ("question", &heading)],
        ),
        desc.join(t.trend_sentence_separator),
    ]
    .join(t.trend_sentence_separator);
    let labels: Vec<&str> = project.editions.iter().map(|e| e.label.as_str()).collect();
    let svg = super::svg::trend::render(&labels, &lines, &aria);
    let wording: Vec<String> = project
        .editions
        .iter()
        .filter_map(|e| {
            let w = e.wording.get(&q.id)?;
            Some(fill(
                t.wording_note,
                &[("edition", &e.label), ("wording", w)],
            ))
        })
        .collect();
    Some(Trend {
        value: json!({
            "options": options.iter().map(|(_, l)| l).collect::<Vec<_>>(),
            "rows": rows,
            "svg": svg,
            "label": fill(t.trend_label, &[("region", &region.title), ("question", &heading)]),
            "desc": desc,
            "csv_href": TREND_CSV,
            "wording": wording,
        }),
        csv,
    })
}

/// A trend: its template value and its CSV rows.
pub struct Trend {
    pub value: Value,
    pub csv: Vec<Vec<String>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_are_signed_with_one_decimal() {
        assert_eq!(signed(32), "+3.2");
        assert_eq!(signed(-10), "−1.0");
        assert_eq!(signed(0), "±0.0");
        assert_eq!(tenths("55.0%"), Some(550));
        assert_eq!(tenths("x"), None);
    }
}
