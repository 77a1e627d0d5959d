//! The codebook's `editions:` (docs/editions.md): which editions of the survey exist, what each
//! asked, and each one's data, read by the same loaders as a one-edition project's. This is the
//! one place that decides which editions exist; a codebook without `editions:` has none (the
//! project is its one survey, as before).

use std::collections::{BTreeMap, HashSet};
use std::path::{Component, Path};

use anyhow::Result;
use serde::Deserialize;
use serde_saphyr::Spanned;

use super::{codebook, content::Commentary, located, parse_yaml, quote_cell, read_text};
use crate::model::{Edition, Survey};

/// Where commentary for an earlier edition lives: content/editions/<id>/… mirrors content/.
pub const CONTENT_PREFIX: &str = "editions/";

/// The codebook as far as editions go (codebook.rs checks everything else).
#[derive(Deserialize)]
struct View {
    #[serde(default)]
    editions: Option<Spanned<Vec<RawEdition>>>,
    #[serde(default)]
    questions: Vec<RawQuestion>,
    #[serde(default)]
    responses: Option<Spanned<serde::de::IgnoredAny>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEdition {
    id: Spanned<String>,
    label: Spanned<String>,
    date: Spanned<String>,
    #[serde(default)]
    data: Option<Spanned<String>>,
    #[serde(default)]
    responses: Option<serde::de::IgnoredAny>,
}

#[derive(Deserialize)]
struct RawQuestion {
    id: String,
    #[serde(default)]
    editions: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    wording: Option<Spanned<BTreeMap<String, String>>>,
    #[serde(default)]
    options: Vec<RawOption>,
}

#[derive(Deserialize)]
struct RawOption {
    id: String,
    #[serde(default)]
    editions: Option<Vec<Spanned<String>>>,
}

fn at<T>(s: &Spanned<T>, message: impl std::fmt::Display) -> anyhow::Error {
    located(
        codebook::FILE,
        s.referenced.line(),
        Some(s.referenced.column()),
        message,
    )
}

/// One declared edition, checked, before its data is read.
struct Declared {
    id: String,
    label: String,
    date: String,
    /// The folder of its tables, relative to the project root (`data`, `data/editions/2024`).
    folder: String,
}

/// Reads the editions of a project: `None` without `editions:` in the codebook. `base` is the
/// codebook's survey (every question and option); each edition gets its own copy holding what it
/// asked and its data. `encoding` is report.yaml's default for respondent files.
pub fn load(
    root: &Path,
    base: &Survey,
    encoding: Option<&str>,
    suppress: &dyn Fn(&mut Survey, Option<&crate::aggregate::FromRows>),
) -> Result<Option<Vec<Edition>>> {
    let text = read_text(&root.join(codebook::FILE), codebook::FILE)?;
    let view: View = parse_yaml(&text, codebook::FILE, 0)?;
    let Some(declared) = declared(&view)? else {
        return Ok(None);
    };
    let mut editions = Vec::new();
    for (i, d) in declared.iter().enumerate() {
        let mut survey = asked(base, &view, &d.id);
        survey.data.folder = Some(d.folder.clone());
        let rows =
            super::responses::load_edition(root, i, d.folder == "data", &mut survey, encoding)?;
        suppress(&mut survey, rows.as_ref());
        let wording = view
            .questions
            .iter()
            .filter_map(|q| {
                let text = q.wording.as_ref()?.value.get(&d.id)?;
                Some((q.id.clone(), super::clean_text(text)))
            })
            .collect();
        editions.push(Edition {
            id: d.id.clone(),
            label: d.label.clone(),
            date: d.date.clone(),
            wording,
            survey: std::sync::Arc::new(survey),
        });
    }
    Ok(Some(editions))
}

/// The base survey with only the questions and options edition `id` asked.
fn asked(base: &Survey, view: &View, id: &str) -> Survey {
    let in_edition = |list: &Option<Vec<Spanned<String>>>| {
        list.as_ref()
            .is_none_or(|l| l.iter().any(|e| e.value == id))
    };
    let mut survey = base.clone();
    survey.questions.retain(|q| {
        view.questions
            .iter()
            .find(|r| r.id == q.id)
            .is_none_or(|r| in_edition(&r.editions))
    });
    for q in &mut survey.questions {
        let Some(raw) = view.questions.iter().find(|r| r.id == q.id) else {
            continue;
        };
        q.options.retain(|o| {
            raw.options
                .iter()
                .find(|r| r.id == o.id)
                .is_none_or(|r| in_edition(&r.editions))
        });
    }
    survey
}

/// The `editions:` list, checked: ids slugs and unique, labels given, dates ISO and increasing,
/// data folders inside the project, and every edition named elsewhere declared.
fn declared(view: &View) -> Result<Option<Vec<Declared>>> {
    let Some(list) = &view.editions else {
        return Ok(None);
    };
    if list.value.is_empty() {
        return Err(at(
            list,
            "`editions:` is empty: list the survey's editions (oldest first), or leave it out",
        ));
    }
    let mut out: Vec<Declared> = Vec::new();
    let mut seen = HashSet::new();
    let mut previous: Option<&Spanned<String>> = None;
    for e in &list.value {
        if !super::is_slug(&e.id.value) {
            return Err(at(
                &e.id,
                format!(
                    "edition id {} must be an ASCII slug (a-z, 0-9, single -), as earlier editions are published under /<id>/",
                    quote_cell(&e.id.value)
                ),
            ));
        }
        if !seen.insert(e.id.value.as_str()) {
            return Err(at(
                &e.id,
                format!("edition id \"{}\" is given twice", e.id.value),
            ));
        }
        if e.label.value.trim().is_empty() {
            return Err(at(
                &e.label,
                "the edition's `label:` is empty: write what readers see (e.g. 2025年度調査)",
            ));
        }
        if !is_iso_date(&e.date.value) {
            return Err(at(
                &e.date,
                format!(
                    "date {} is not a date written YYYY-MM-DD (e.g. 2025-10-01)",
                    quote_cell(&e.date.value)
                ),
            ));
        }
        if let Some(p) = previous
            && e.date.value <= p.value
        {
            return Err(at(
                &e.date,
                format!(
                    "date {} is not after the edition above ({}, line {}): list editions oldest first",
                    e.date.value,
                    p.value,
                    p.referenced.line()
                ),
            ));
        }
        previous = Some(&e.date);
        let folder = match &e.data {
            None => format!("data/editions/{}", e.id.value),
            Some(d) => {
                let folder = d.value.trim().trim_end_matches('/').to_string();
                let path = Path::new(&folder);
                let inside = !folder.is_empty()
                    && !folder.contains('\\')
                    && path.components().all(|c| matches!(c, Component::Normal(_)));
                if !inside {
                    return Err(at(
                        d,
                        format!(
                            "`data:` {} must be a folder inside the project, written relative to it (e.g. data/editions/{})",
                            quote_cell(&d.value),
                            e.id.value
                        ),
                    ));
                }
                if let Some(other) = out.iter().find(|o| o.folder == folder) {
                    return Err(at(
                        d,
                        format!(
                            "`data:` {folder} is already edition \"{}\"'s folder: each edition has its own",
                            other.id
                        ),
                    ));
                }
                folder
            }
        };
        if e.responses.is_some() && folder == "data" {
            return Err(at(
                &e.id,
                format!(
                    "edition \"{}\" keeps its data in data/: its respondent rows are the top-level `responses:`, not one under the edition",
                    e.id.value
                ),
            ));
        }
        out.push(Declared {
            id: e.id.value.clone(),
            label: super::clean_text(e.label.value.trim()),
            date: e.date.value.clone(),
            folder,
        });
    }
    if let Some(r) = &view.responses
        && !out.iter().any(|d| d.folder == "data")
    {
        return Err(at(
            r,
            "the top-level `responses:` belongs to the edition kept in data/, and no edition has `data: data` (move it under its edition, or give that edition `data: data`)",
        ));
    }
    let known = |e: &Spanned<String>| -> Result<()> {
        if out.iter().any(|d| d.id == e.value) {
            Ok(())
        } else {
            Err(at(
                e,
                format!(
                    "edition {} is not under `editions:`{}",
                    quote_cell(&e.value),
                    super::did_you_mean(&e.value, out.iter().map(|d| d.id.as_str()))
                ),
            ))
        }
    };
    for q in &view.questions {
        for e in q.editions.iter().flatten() {
            known(e)?;
        }
        if let Some(w) = &q.wording {
            for id in w.value.keys() {
                if !out.iter().any(|d| &d.id == id) {
                    return Err(at(
                        w,
                        format!(
                            "`wording:` of question \"{}\" names edition {}, which is not under `editions:`{}",
                            q.id,
                            quote_cell(id),
                            super::did_you_mean(id, out.iter().map(|d| d.id.as_str()))
                        ),
                    ));
                }
            }
        }
        for o in &q.options {
            for e in o.editions.iter().flatten() {
                known(e)?;
            }
        }
    }
    Ok(Some(out))
}

/// `YYYY-MM-DD` with a month 01–12 and a day 01–31.
fn is_iso_date(text: &str) -> bool {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let digits = |r: std::ops::Range<usize>| b[r.clone()].iter().all(u8::is_ascii_digit);
    if !(digits(0..4) && digits(5..7) && digits(8..10)) {
        return false;
    }
    let month: u32 = text[5..7].parse().unwrap_or(0);
    let day: u32 = text[8..10].parse().unwrap_or(0);
    (1..=12).contains(&month) && (1..=31).contains(&day)
}

/// Splits commentary between editions: content/editions/<id>/… belongs to edition `<id>` (its
/// page is that edition's, under `<id>/`), everything else to the latest. Files under content/editions/
/// naming no earlier edition stay with the latest, where they are reported as orphans.
pub fn split_commentary(
    commentary: Vec<Commentary>,
    editions: &[Edition],
) -> (Vec<Commentary>, BTreeMap<String, Vec<Commentary>>) {
    let earlier = &editions[..editions.len().saturating_sub(1)];
    let mut latest = Vec::new();
    let mut by_edition: BTreeMap<String, Vec<Commentary>> = BTreeMap::new();
    for mut c in commentary {
        let owner = c.page.strip_prefix(CONTENT_PREFIX).and_then(|rest| {
            let (id, _) = rest.split_once('/')?;
            earlier
                .iter()
                .any(|e| e.id == id)
                .then(|| (id.to_string(), rest.to_string()))
        });
        match owner {
            Some((id, page)) => {
                c.page = page;
                by_edition.entry(id).or_default().push(c);
            }
            None => latest.push(c),
        }
    }
    (latest, by_edition)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates() {
        assert!(is_iso_date("2025-10-01"));
        assert!(!is_iso_date("2025-13-01"));
        assert!(!is_iso_date("2025/10/01"));
        assert!(!is_iso_date("25-10-01"));
    }
}
