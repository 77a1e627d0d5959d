//! What each map shows (drawn by `svg/map.rs`): which pages have one, each area's value, the
//! value classes and the legend, the table of the same numbers.
//!
//! - A question page maps its question's `key_option` (% of the question's base). A choice
//!   question without a `key_option` has no map: its first option is often not the figure that
//!   stands for it, and "the most chosen option" differs between regions.
//! - A region page maps the report's lead question (the first question in reading order with a
//!   `key_option`) with the page's region outlined: one map per page keeps a region page light
//!   (tens of questions × a map each would not be).
//!
//! Classes: at most five of equal width with round bounds (1, 2, 2.5, 5, 10, 20, 25, 50 or 100
//! points), from the least to the greatest value on the map; a value falls in a class as it is
//! shown (to one decimal), so the legend and the numbers never disagree.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::format::question_label;
use super::pages::{Kind, region_path, region_question_path};
use super::strings::{Strings, fill};
use super::svg::map::{self as draw, Area, Plot, State};
use crate::load::Project;
use crate::load::geo::Layout;
use crate::model::{Count, Question, Region};
use crate::url::Linker;

/// The `map` of a page's template context (null: the page has no map).
pub fn for_page(
    project: &Project,
    kind: Kind,
    region: Option<&Region>,
    question: Option<&Question>,
    questions_in_order: &[&Question],
    l: &Linker,
) -> Value {
    match (kind, region, question) {
        (Kind::Question, _, Some(q)) => map_value(project, q, None, l),
        (Kind::Region, Some(r), _) => match lead_question(questions_in_order) {
            Some(q) => map_value(project, q, Some(r), l),
            None => Value::Null,
        },
        _ => Value::Null,
    }
}

/// The question a region page maps: the first with a key option.
pub fn lead_question<'a>(questions_in_order: &[&'a Question]) -> Option<&'a Question> {
    questions_in_order
        .iter()
        .find(|q| q.kind.is_choice() && q.key_option.is_some())
        .copied()
}

/// The key option's share in tenths of a percent, rounded as `model::percent` shows it.
fn tenths(count: Count, base: Count) -> Option<u64> {
    match (count, base) {
        (Count::Value(c), Count::Value(b)) if b > 0 => {
            let (c, b) = (u128::from(c), u128::from(b));
            u64::try_from((c * 2000 + b) / (2 * b)).ok()
        }
        _ => None,
    }
}

/// Class bounds in tenths of a percent: `[lo, hi)` each.
pub fn classes(values: &[u64]) -> Vec<(u64, u64)> {
    let (Some(&min), Some(&max)) = (values.iter().min(), values.iter().max()) else {
        return Vec::new();
    };
    let steps = [10, 20, 25, 50, 100, 200, 250, 500, 1000];
    let fallback = (max - min) / 5 + 1;
    let step = steps
        .into_iter()
        .find(|s| (max - min / s * s) / s < 5)
        .unwrap_or(fallback);
    let lo = min / step * step;
    let n = (max - lo) / step + 1;
    (0..n)
        .map(|i| (lo + i * step, lo + (i + 1) * step))
        .collect()
}

/// `2.5` / `20`: a bound in tenths, as a percent without a needless `.0`.
fn bound(tenths: u64) -> String {
    match tenths % 10 {
        0 => format!("{}%", tenths / 10),
        f => format!("{}.{f}%", tenths / 10),
    }
}

fn class_label(t: &Strings, i: usize, classes: &[(u64, u64)]) -> String {
    let (lo, hi) = classes[i];
    if i + 1 == classes.len() && classes.len() > 1 {
        fill(t.map_class_from, &[("lo", &bound(lo))])
    } else {
        fill(t.map_class_range, &[("lo", &bound(lo)), ("hi", &bound(hi))])
    }
}

/// A legend entry's number of regions.
fn region_count(t: &Strings, count: usize) -> String {
    let n = count.to_string();
    match count {
        1 => fill(t.map_region_count_one, &[("n", &n)]),
        _ => fill(t.map_region_count, &[("n", &n)]),
    }
}

fn map_value(project: &Project, q: &Question, current: Option<&Region>, l: &Linker) -> Value {
    let Some(map) = &project.map else {
        return Value::Null;
    };
    let (true, Some(_), Some(option)) = (q.kind.is_choice(), &q.key_option, q.key_option()) else {
        return Value::Null;
    };
    let survey = &project.survey;
    let t = super::strings::of(&project.config.language);
    let id = format!("map-{}", q.id);
    let on_question_page = current.is_none();
    let href = |r: &Region| match on_question_page {
        true => l.href(&region_question_path(&r.id, &q.id)),
        false => l.href(&region_path(&r.id)),
    };
    // Every region's figure: count and base as the tables show them.
    let figure = |r: &Region| {
        let count = survey.count(&r.id, &q.id, &option.id);
        let base = survey.base_count(&r.id, q);
        if count == Count::Suppressed || base == Count::Suppressed {
            return (None, State::Suppressed);
        }
        // A weighted sample's or the office's estimate, as the tables show it.
        let shown = match survey.shown_estimate(&r.id, &q.id, &option.id) {
            Some(e) if survey.weighted() => {
                let p = crate::model::percent_of(e.p);
                let tenths = p.trim_end_matches('%').replace('.', "").parse().ok();
                (tenths, Some(p))
            }
            _ => (tenths(count, base), crate::model::percent(count, base)),
        };
        match shown {
            (Some(t), Some(p)) => (
                Some(t),
                State::Value {
                    percent: p,
                    class: 0,
                },
            ),
            _ => (None, State::NotReported),
        }
    };
    let on_map: Vec<&Region> = survey
        .regions
        .iter()
        .filter(|r| match &map.layout {
            Layout::Tiles(tiles) => tiles.iter().any(|t| t.region == r.id),
            Layout::Boundaries { shapes, .. } => shapes.shapes.iter().any(|s| s.key == r.id),
        })
        .collect();
    let figures: Vec<(Option<u64>, State)> = on_map.iter().map(|r| figure(r)).collect();
    let values: Vec<u64> = figures.iter().filter_map(|(t, _)| *t).collect();
    let bounds = classes(&values);
    let n = bounds.len();
    let mut areas: BTreeMap<String, Area> = BTreeMap::new();
    let mut rows = Vec::new();
    for (r, (tenth, state)) in on_map.iter().zip(figures) {
        let state = match (tenth, state) {
            (Some(tenth), State::Value { percent, .. }) => State::Value {
                percent,
                class: bounds
                    .iter()
                    .position(|(_, hi)| tenth < *hi)
                    .unwrap_or(n.saturating_sub(1)),
            },
            (_, s) => s,
        };
        let area = Area {
            title: r.title.clone(),
            href: Some(href(r)),
            state,
            current: current.is_some_and(|c| c.id == r.id),
        };
        rows.push(
            json!({"title": area.title, "href": area.href, "value": area.state.text(t),
                         "current": area.current}),
        );
        areas.insert(r.id.clone(), area);
    }
    if let Layout::Boundaries { shapes, .. } = &map.layout {
        for s in &shapes.shapes {
            if areas.contains_key(&s.key) {
                continue;
            }
            let area = Area {
                title: s.name.clone(),
                href: None,
                state: State::NotInSurvey,
                current: false,
            };
            rows.push(
                json!({"title": area.title, "href": null, "value": area.state.text(t),
                             "current": false}),
            );
            areas.insert(s.key.clone(), area);
        }
    }

    let label = question_label(survey, q);
    let title = fill(
        t.map_title,
        &[
            ("label", &label),
            ("short", &q.short),
            ("option", &option.label),
        ],
    );
    let aria = fill(t.map_aria, &[("title", &title)]);
    let plot = Plot {
        t,
        id: &id,
        aria: &aria,
        areas: &areas,
        classes: n,
    };
    let svg = match &map.layout {
        Layout::Boundaries { shapes, .. } => draw::choropleth(&plot, shapes),
        Layout::Tiles(tiles) => draw::tiles(&plot, tiles),
    };

    let mut legend = Vec::new();
    for i in 0..n {
        let count = areas
            .values()
            .filter(|a| matches!(a.state, State::Value { class, .. } if class == i))
            .count();
        legend.push(json!({
            "swatch": draw::swatch(&id, &State::Value { percent: String::new(), class: i }, n),
            "label": class_label(t, i, &bounds),
            "count": region_count(t, count),
        }));
    }
    let specials = [
        (State::NotReported, t.map_legend_not_reported),
        (State::Suppressed, t.map_legend_suppressed),
        (State::NotInSurvey, t.map_not_in_survey),
    ];
    for (state, text) in specials {
        let count = areas.values().filter(|a| a.state == state).count();
        if count > 0 {
            legend.push(json!({
                "swatch": draw::swatch(&id, &state, n),
                "label": text,
                "count": region_count(t, count),
            }));
        }
    }
    if let Some(r) = current.filter(|r| areas.contains_key(&r.id)) {
        legend.push(json!({"swatch": draw::current_swatch(), "label": fill(t.map_legend_current, &[("region", &r.title)]), "count": null}));
    }
    let total = survey.regions.iter().find(|r| r.total).map(|r| {
        let (_, state) = figure(r);
        json!({"title": r.title, "value": state.text(t)})
    });
    json!({
        "id": id,
        "title": title,
        "option": option.label,
        "share_col": fill(t.map_share_col, &[("option", &option.label)]),
        "heading": current.map(|_| t.map_heading),
        // A question page's table (beside the map) has every region's figure already.
        "own_table": current.is_some(),
        "svg": svg,
        "legend": legend,
        "total": total,
        "rows": rows,
        "tiles": matches!(map.layout, Layout::Tiles(_)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_have_round_bounds_and_cover_every_value() {
        // 12.3% … 47.0%: steps of 10 points from 10%
        let c = classes(&[123, 470, 300]);
        assert_eq!(c, vec![(100, 200), (200, 300), (300, 400), (400, 500)]);
        let t = &super::super::strings::JA;
        assert_eq!(class_label(t, 0, &c), "10%以上20%未満");
        assert_eq!(class_label(t, 3, &c), "40%以上");
        // 0% … 100%: steps of 25 points
        assert_eq!(classes(&[0, 1000]).len(), 5);
        // one value: one class
        assert_eq!(classes(&[452]), vec![(450, 460)]);
        assert_eq!(class_label(t, 0, &classes(&[452])), "45%以上46%未満");
        assert!(classes(&[]).is_empty());
    }
}
